"""Saved results read back: the JSON that `tariffs compare --format json` writes.

A saved file is as untrusted as a scenario file. It is parsed here, and only here, with
exact decimals, then validated against the compare document's JSON Schema
(tariffs.contract, the same schema as schema/result.schema.json): every key known, every
number a number of sensible size, every date a date; no scenario, flow or file twice.
Its metrics are then read through the registry (tariffs.metrics) into the flat form that
`tariffs diff` compares (see render/flat.py for the computed side).
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any, NamedTuple

from tariffs import contract, metrics
from tariffs.domain import quoted
from tariffs.input.problems import Problem, ScenarioError

FORMAT = "tariffs.compare"
MAX_EXPONENT = 100
"""Numbers in a saved result lie between 1e-100 and 1e100 in size (or are 0): far beyond
any result, and far from where Decimal arithmetic would overflow."""
MAX_PROBLEMS = 20
"""At most this many faults of a saved result are listed."""


class Saved(NamedTuple):
    """A saved compare result: each file with its metrics, and what `--lines` wrote of the
    product lines ("all", "changed" or "none"; see render.json_out.LINES)."""

    files: list[tuple[str, metrics.Flat]]
    lines: str


def read(text: str, label: str) -> list[tuple[str, metrics.Flat]] | None:
    """Each file of a saved compare result with its metrics (see `read_saved`)."""
    found = read_saved(text, label)
    return None if found is None else found.files


def read_saved(text: str, label: str) -> Saved | None:
    """A saved compare result; None if `text` is not a saved result at all (not a JSON
    object with a "format" key: a scenario file, which may be written as JSON, since JSON
    is YAML). ScenarioError if it is one with faults. Under `--lines changed` a scenario
    lists only the lines that differ from the baseline's: the others are the baseline's."""
    if not text.lstrip().startswith("{"):
        return None
    try:
        doc = json.loads(text, parse_float=Decimal, parse_constant=_no_constant)
    except (ValueError, RecursionError):
        return None  # not JSON: the scenario loader says what is wrong with it
    if not isinstance(doc, dict) or "format" not in doc:
        return None

    def fail(messages: list[str]) -> ScenarioError:
        return ScenarioError([Problem(1, 1, message, label) for message in messages])

    if doc.get("format") == FORMAT and doc.get("version") in range(1, contract.VERSION):
        raise fail(
            [
                f"this saved result is version {doc['version']}, which an older tariffs "
                f"wrote: write it again with 'tariffs compare --format json' (version "
                f"{contract.VERSION})"
            ]
        )
    if doc.get("format") != FORMAT or doc.get("version") != contract.VERSION:
        raise fail(
            [
                f"a saved result must be 'tariffs compare --format json' output (format "
                f"{FORMAT!r}, version {contract.VERSION}); this is {quoted(doc.get('format'))}, "
                f"version {quoted(doc.get('version'))}"
            ]
        )
    faults: list[str] = []
    _validate(doc, contract.compare_schema(), "", faults)
    if not faults:
        _unique(doc, faults)
    if faults:
        prefix = "not a well-formed tariffs.compare result: "
        raise fail([prefix + fault for fault in faults[:MAX_PROBLEMS]])
    lines = str(doc.get("lines", "all"))  # added within version 2
    if lines == "changed":
        for file in doc["files"]:
            _with_baseline_lines(file)
    return Saved([(str(file["path"]), file_metrics(file)) for file in doc["files"]], lines)


def _with_baseline_lines(file: dict[str, Any]) -> None:
    """Each scenario's flows with every line, for a file saved with `--lines changed`: a
    classified line a scenario leaves out is the baseline's, unchanged (lines are matched
    by HS code; every unclassified line is listed)."""
    base = next((s for s in file["scenarios"] if s["is_baseline"]), None)
    if base is None:
        return  # its baseline is not shown: every line is listed
    flows = {f"{f['importer']}:{f['exporter']}": f for f in base["flows"]}
    for scenario in file["scenarios"]:
        for flow in scenario["flows"] if scenario is not base else ():
            before = flows.get(f"{flow['importer']}:{flow['exporter']}")
            if before is None:
                continue
            listed = {line["hs"]: line for line in flow["lines"] if line["hs"] is not None}
            unclassified = iter([line for line in flow["lines"] if line["hs"] is None])
            flow["lines"] = [
                listed.get(line["hs"], line) if line["hs"] is not None else next(unclassified, line)
                for line in before["lines"]
            ]


def _no_constant(name: str) -> object:
    raise ValueError(f"{name} is not a number a result can hold")


# --- the schema, checked -------------------------------------------------------------------

_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "number": (int, Decimal),
    "integer": (int,),
    "boolean": (bool,),
    "null": (type(None),),
}


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str):
        return f"text {quoted(value)}"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return f"the number {quoted(value)}"


def _is(value: object, name: str) -> bool:
    if isinstance(value, bool):
        return name == "boolean"
    return isinstance(value, _TYPES[name])


def _validate(value: Any, schema: contract.Schema, where: str, faults: list[str]) -> None:
    """Check `value` against the subset of JSON Schema that tariffs.contract writes: type,
    const, enum, required, properties, additionalProperties, items, anyOf, oneOf, minimum
    and pattern. Faults are appended as 'where: what'."""
    for key in ("anyOf", "oneOf"):
        if key in schema:
            if not any(not _faults_of(value, branch, where) for branch in schema[key]):
                _validate(value, schema[key][0], where, faults)
            return
    fault = _shape_fault(value, schema) or _value_fault(value, schema)
    if fault:
        faults.append(f"{where or 'the document'}: {fault}")
        return
    if isinstance(value, dict):
        _validate_object(value, schema, where, faults)
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            _validate(item, schema["items"], f"{where}.{index}".lstrip("."), faults)
            if len(faults) >= MAX_PROBLEMS:
                return


def _shape_fault(value: Any, schema: contract.Schema) -> str:
    """What is wrong with the value's kind: const, enum and type."""
    if "const" in schema and value != schema["const"]:
        return f"expected {schema['const']!r}, got {_kind(value)}"
    if "enum" in schema and value not in schema["enum"]:
        return f"expected one of {', '.join(map(repr, schema['enum']))}"
    types = schema.get("type")
    if types is not None:
        names = [types] if isinstance(types, str) else types
        if not any(_is(value, name) for name in names):
            wanted = " or ".join("a number" if n == "number" else n for n in names)
            return f"expected {wanted}, got {_kind(value)}"
    return ""


def _value_fault(value: Any, schema: contract.Schema) -> str:
    """What is wrong with a number's size or a text's form."""
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        number = Decimal(value)
        if number and abs(number.adjusted()) > MAX_EXPONENT:
            return f"the number {quoted(value)} is out of range for a result"
        if "minimum" in schema and number < schema["minimum"]:
            return f"{quoted(value)} is below {schema['minimum']}"
    if isinstance(value, str) and "pattern" in schema and not re.match(schema["pattern"], value):
        return f"{quoted(value)} is not a date as YYYY-MM-DD"
    return ""


def _validate_object(
    value: dict[str, Any], schema: contract.Schema, where: str, faults: list[str]
) -> None:
    properties = schema.get("properties", {})
    for key in schema.get("required", []):
        if key not in value:
            faults.append(f"{where}.{key}: missing".lstrip("."))
    extra = schema.get("additionalProperties", True)
    for key, item in value.items():
        place = f"{where}.{key}".lstrip(".")
        if key in properties:
            _validate(item, properties[key], place, faults)
        elif extra is False:
            faults.append(f"{place}: unknown key")
        elif isinstance(extra, dict):
            _validate(item, extra, place, faults)


def _faults_of(value: Any, schema: contract.Schema, where: str) -> list[str]:
    found: list[str] = []
    _validate(value, schema, where, found)
    return found


def _unique(doc: dict[str, Any], faults: list[str]) -> None:
    """What a schema cannot say: no file, scenario or flow twice."""
    paths = [f["path"] for f in doc["files"]]
    faults.extend(f"file {quoted(p)} is listed twice" for p in _twice(paths))
    for i, file in enumerate(doc["files"]):
        names = [s["name"] for s in file["scenarios"]]
        faults.extend(f"files.{i}: scenario {quoted(n)} is listed twice" for n in _twice(names))
        for scenario in file["scenarios"]:
            flows = [f"{f['importer']}:{f['exporter']}" for f in scenario["flows"]]
            faults.extend(
                f"files.{i}: scenario {quoted(scenario['name'])} lists flow {f} twice"
                for f in _twice(flows)
            )


def _twice(values: list[str]) -> list[str]:
    return sorted({v for v in values if values.count(v) > 1})


# --- the metrics, read through the registry ------------------------------------------------


def file_metrics(file: dict[str, Any]) -> metrics.Flat:
    """One saved file's metrics, keyed as render/flat.py keys computed ones."""
    currency = str(file["currency"])
    out: metrics.Flat = {}
    seen: dict[tuple[str, str, str, str], int] = {}

    def take(kind: metrics.Kind, obj: dict[str, Any], where: tuple[str, str, str]) -> None:
        name = metrics.numbered(seen, kind, where)
        for metric in kind.metrics:
            value = obj[metric.name]
            if value is not None:
                shown = Decimal(value) if isinstance(value, int) else value
                unit = metrics.unit_label(metric.unit, currency)
                out[(where[0], where[1], name, metric.name)] = (shown, unit)

    take(metrics.FILE, file, ("", "", ""))
    for scenario in file["scenarios"]:
        name = scenario["name"]
        for flow in scenario["flows"]:
            key = f"{flow['importer']}:{flow['exporter']}"
            take(metrics.FLOW, flow, (name, key, ""))
            for layer in flow["layers"]:
                take(metrics.LAYER, layer, (name, key, layer["measure"]))
            if flow["response"] is not None:
                take(metrics.RESPONSE, flow["response"], (name, key, ""))
            for line in flow["lines"]:
                take(metrics.LINE, line, (name, key, line["hs"] or "unclassified"))
        for window in scenario["windows"]:
            key = f"{window['importer']}:{window['exporter']}"
            take(metrics.WINDOW, window, (name, key, window["window"]))
        totals = scenario.get("importers", ())  # added within version 2
        for total in totals:
            take(metrics.IMPORTER, total, (name, f"{total['importer']}:*", "all partners"))
        for total in totals:  # computed results list every importer's layers after them
            for layer in total.get("layers", ()):  # added within version 2
                take(
                    metrics.IMPORTER_LAYER,
                    layer,
                    (name, f"{total['importer']}:*", layer["measure"]),
                )
        found = scenario.get("markets", ())  # added within version 2
        for market in found:
            take(metrics.MARKET, market, (name, f"{market['importer']}:*", "market"))
        for market in found:  # computed results list every market's partners after them
            for partner in market["partners"]:
                key = f"{market['importer']}:{partner['exporter']}"
                take(metrics.MARKET_PARTNER, partner, (name, key, "market"))
    return out
