"""JSON output: a versioned document with exact decimal numbers (see docs/output.md)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from tariffs.calc.results import FlowResult, Response, Segment, StudyResult, TimelineResult
from tariffs.domain import Line
from tariffs.render import fmt
from tariffs.render.safe import json_string

if TYPE_CHECKING:
    from tariffs.calc.results import DiffReport, ProductStack

FORMAT = "tariffs.compare"
TIMELINE_FORMAT = "tariffs.timeline"
DIFF_FORMAT = "tariffs.diff"
RATE_FORMAT = "tariffs.rate"
VERSION = 1


class Rate(Decimal):
    """A rate in percent, written with `fmt.RATE_PLACES` decimals."""


class Money(Decimal):
    """An amount, written with `fmt.MONEY_PLACES` decimals."""


class Compact(str):
    """Text that is already JSON (one product line's object, on one line), written as is."""


class CompactList(list[Compact]):
    """A list of `Compact` items, written one per line without inspecting each."""


def dumps(value: Any) -> str:
    """Serialise dicts, lists, strings, ints, bools, None, dates and our Decimals.

    The standard json module cannot write a Decimal as a number without passing through a
    float, so numbers are written here from their exact decimal text. Parts are collected
    in one list and joined once: documents with 100,000s of product lines stay linear.
    """
    parts: list[str] = []
    _write(value, "", parts)
    return "".join(parts)


def _write(value: Any, indent: str, out: list[str]) -> None:
    inner = indent + "  "
    if isinstance(value, CompactList):
        if value:
            out.extend(("[\n", inner, (",\n" + inner).join(value), "\n", indent, "]"))
        else:
            out.append("[]")
    elif isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        out.append("{\n")
        for index, (key, item) in enumerate(value.items()):
            out.extend((",\n" if index else "", inner, json_string(str(key)), ": "))
            _write(item, inner, out)
        out.extend(("\n", indent, "}"))
    elif isinstance(value, list | tuple):
        if not value:
            out.append("[]")
            return
        out.append("[\n")
        for index, item in enumerate(value):
            out.extend((",\n" if index else "", inner))
            _write(item, inner, out)
        out.extend(("\n", indent, "]"))
    else:
        out.append(_scalar(value))


def _scalar(value: Any) -> str:
    if isinstance(value, Compact):
        return str(value)
    if isinstance(value, Rate):
        return fmt.number(value, fmt.RATE_PLACES)
    if isinstance(value, Money):
        return fmt.number(value, fmt.MONEY_PLACES)
    if isinstance(value, Decimal):
        raise TypeError("a bare Decimal has no stated precision; wrap it in Rate or Money")
    if isinstance(value, date):
        return json.dumps(value.isoformat())
    if isinstance(value, str):
        return json_string(value)
    if value is None or isinstance(value, bool | int):
        return json.dumps(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


def _segments(parts: Sequence[Segment], measures: Sequence[str]) -> list[dict[str, Any]]:
    return [
        {
            "start": seg.start,
            "until": seg.until,
            "days": seg.days,
            "rate": Rate(seg.rate),
            "layers": {name: Rate(r) for name, r in zip(measures, seg.layers, strict=True)},
            "changes": [
                {"measure": c.measure, "from": Rate(c.old), "to": Rate(c.new), "cause": c.cause}
                for c in seg.changes
            ],
        }
        for seg in parts
    ]


def _money(value: Decimal) -> str:
    return fmt.number(value, fmt.MONEY_PLACES)


def _rate(value: Decimal) -> str:
    return fmt.number(value, fmt.RATE_PLACES)


def _line_heads(lines: Sequence[Line]) -> list[str]:
    """The fields of each line that no scenario changes, rendered once."""
    heads = []
    for line in lines:
        code = json_string(line.code) if line.code else "null"
        description = json_string(line.description)
        heads.append(f'{{"hs": {code}, "description": {description}, "value": {_money(line.value)}')
    return heads


def _lines(f: FlowResult, heads: list[str]) -> CompactList:
    """One compact JSON object per product line. Written directly: there may be 100,000s.

    Per class of lines the rates are rendered once, and duties and imports are the line's
    value times the class's per-unit amounts.
    """
    per_class = []
    for cls in f.classes:
        rates = f'"rate_on": {_rate(cls.rate_on)}, "average": {_rate(cls.average)}'
        per_class.append((rates, *cls.per_unit()))
    out = CompactList()
    for head, line, index in zip(heads, f.flow.lines, f.line_class, strict=True):
        rates, duties, imports, dynamic = per_class[index]
        value = line.value
        shown_imports = "null" if imports is None else _money(value * imports)
        shown_dynamic = "null" if dynamic is None else _money(value * dynamic)
        out.append(
            Compact(
                f'{head}, {rates}, "static_duties": {_money(value * duties)}, '
                f'"imports": {shown_imports}, "dynamic_duties": {shown_dynamic}}}'
            )
        )
    return out


def _response(r: Response | None) -> dict[str, Any] | None:
    if r is None:
        return None
    return {
        "static_imports": Money(r.static_imports),
        "imports": Money(r.imports),
        "dynamic_duties": Money(r.dynamic_duties),
        "rate_on": Rate(r.rate_on),
        "average": Rate(r.average),
        "observed_duties": Money(r.observed_duties),
        "consumer_cost": Money(r.consumer_cost),
        "deadweight_loss": Money(r.deadweight_loss),
        "delta": {
            "imports": Money(r.delta_imports),
            "dynamic_duties": Money(r.delta_dynamic_duties),
            "consumer_cost": Money(r.delta_consumer_cost),
            "deadweight_loss": Money(r.delta_deadweight_loss),
        },
    }


def _heads(cache: dict[int, list[str]], f: FlowResult) -> list[str]:
    key = id(f.flow.lines)
    if key not in cache:
        cache[key] = _line_heads(f.flow.lines)
    return cache[key]


def study(result: StudyResult, path: str) -> dict[str, Any]:
    """One file's results as plain data, ready for `dumps`."""
    heads: dict[int, list[str]] = {}  # per flow: its lines' fixed fields, for every scenario
    scenarios = []
    for scenario in result.scenarios:
        flows = []
        for f in scenario.flows:
            flows.append(
                {
                    "importer": f.flow.importer,
                    "exporter": f.flow.exporter,
                    "value": Money(f.flow.value),
                    "rate_on": Rate(f.rate_on),
                    "stack": [
                        {
                            "measure": x.measure,
                            "basis": x.basis,
                            "rate": Rate(x.rate),
                            "average": Rate(x.average),
                        }
                        for x in f.stack
                    ],
                    "average": Rate(f.average),
                    "low": {"rate": Rate(f.low), "from": f.low_from},
                    "peak": {"rate": Rate(f.peak), "from": f.peak_from},
                    "static_duties": Money(f.duties),
                    "delta": {
                        "rate_on": Rate(f.delta.rate_on),
                        "average": Rate(f.delta.average),
                        "low": Rate(f.delta.low),
                        "peak": Rate(f.delta.peak),
                        "static_duties": Money(f.delta.duties),
                    },
                    "response": _response(f.response),
                    "lines": _lines(f, _heads(heads, f)) if f.flow.classified else [],
                }
            )
        windows = [
            {
                "window": w.window,
                "importer": w.flow.importer,
                "exporter": w.flow.exporter,
                "first_day": w.first_day,
                "last_day": w.last_day,
                "days": w.days,
                "rate_before": Rate(w.before),
                "rate_inside": Rate(w.inside),
                "rate_after": Rate(w.after),
                "cliff": Rate(w.cliff),
                "duties_with": Money(w.duties_with),
                "duties_without": Money(w.duties_without),
                "duties_saved": Money(w.saved),
            }
            for w in scenario.windows
        ]
        scenarios.append(
            {
                "name": scenario.name,
                "description": scenario.description,
                "is_baseline": scenario.name == result.baseline,
                "flows": flows,
                "windows": windows,
            }
        )
    return {
        "path": path,
        "title": result.title,
        "period": {"start": result.start, "until": result.until, "days": result.days},
        "on": result.on,
        "baseline": result.baseline,
        "currency": result.currency,
        "sources": list(result.sources),
        "scenarios": scenarios,
    }


def _envelope(kind: str, body_key: str, body: Any, **extra: Any) -> str:
    doc = {
        "format": kind,
        "version": VERSION,
        "units": {
            "rate": "percent",
            "rate_places": fmt.RATE_PLACES,
            "money_places": fmt.MONEY_PLACES,
            "rounding": fmt.ROUNDING_NAME,
            "dates": "ISO 8601; intervals are [start, until)",
        },
        **extra,
        body_key: body,
    }
    return dumps(doc) + "\n"


def compare(results: Sequence[tuple[str, StudyResult]]) -> str:
    """The JSON document for `tariffs compare`."""
    return _envelope(FORMAT, "files", [study(result, path) for path, result in results])


def timeline(path: str, result: TimelineResult) -> str:
    """The JSON document for `tariffs timeline`."""
    body = [
        {
            "path": path,
            "scenario": entry.scenario,
            "importer": entry.flow.importer,
            "exporter": entry.flow.exporter,
            "measures": [{"name": m.name, "basis": m.basis} for m in entry.measures],
            "segments": _segments(entry.segments, [m.name for m in entry.measures]),
        }
        for entry in result.entries
    ]
    return _envelope(TIMELINE_FORMAT, "timelines", body)


def _diffed(value: Decimal | str | None, unit: str) -> Any:
    if isinstance(value, Decimal):
        if unit in {"percent", "pp"}:
            return Rate(value)
        if unit == "days":
            return int(value)
        return Money(value)
    return value


def diff(report: DiffReport) -> str:
    """The JSON document for `tariffs diff`."""
    d = report.diff
    tol = report.tolerance
    inputs = None
    if d.inputs is not None:
        inputs = [
            {"section": c.section, "name": c.name, "field": c.field, "old": c.old, "new": c.new}
            for c in d.inputs
        ]
    results = [
        {
            "file": c.file,
            "scenario": c.scenario,
            "flow": c.flow,
            "item": c.item,
            "metric": c.metric,
            "unit": c.unit,
            "old": _diffed(c.old, c.unit),
            "new": _diffed(c.new, c.unit),
            "delta": _diffed(c.delta, "pp" if c.unit == "percent" else c.unit),
        }
        for c in d.results
    ]
    return _envelope(
        DIFF_FORMAT,
        "results",
        results,
        old=report.old,
        new=report.new,
        tolerance={
            "rate": None if tol.rate is None else Rate(tol.rate),
            "money": None if tol.money is None else Money(tol.money),
        },
        differences=d.differences,
        inputs=inputs,
    )


def rate(path: str, stack: ProductStack) -> str:
    """The JSON document for `tariffs rate`."""
    body = {
        "path": path,
        "importer": stack.flow.importer,
        "exporter": stack.flow.exporter,
        "hs": stack.hs,
        "on": stack.on,
        "scenario": stack.scenario,
        "layers": [
            {
                "measure": x.measure,
                "basis": x.basis,
                "rate": Rate(x.rate),
                "status": x.status,
                "why": x.why,
            }
            for x in stack.layers
        ],
        "total": Rate(stack.total),
    }
    return _envelope(RATE_FORMAT, "stack", body)
