"""What changed between two versions of a scenario file: inputs and results. Pure.

Inputs are compared as resolved `Study` values, keyed by name, so reordering measures,
scenarios, flows or keys changes nothing. Results are compared as the documents that
`tariffs compare --format json` writes (numbers already rounded for presentation), so a
scenario file and a saved result of it compare the same way.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from tariffs.calc.results import InputChange, ResultChange, Tolerance, Value
from tariffs.domain import Flow, Line, Measure, Study, money_literal, percent_literal

# --- inputs -------------------------------------------------------------------------------


def _keyed(
    section: str,
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    fields: Any,
) -> Iterator[InputChange]:
    """Additions and removals by name, then each common name's `fields(old, new)` changes."""
    for name in old:
        if name not in new:
            yield InputChange(section, name, "", "present", None)
    for name in new:
        if name not in old:
            yield InputChange(section, name, "", None, "present")
    for name in old:
        if name in new:
            for field, before, after in fields(old[name], new[name]):
                if before != after:
                    yield InputChange(section, name, field, before, after)


def _mapping_fields(
    label: str, old: Mapping[Any, str], new: Mapping[Any, str]
) -> Iterator[tuple[str, str | None, str | None]]:
    for key in sorted(set(old) | set(new), key=str):
        yield f"{label} {key}".strip(), old.get(key), new.get(key)


def input_changes(old: Study, new: Study) -> tuple[InputChange, ...]:
    """Every input that differs, by section: file, flows, measures, scenarios."""
    out: list[InputChange] = []

    def file_facts(s: Study) -> dict[str, str]:
        return {
            "title": s.title,
            "period": f"[{s.start}, {s.until})",
            "on": s.on.isoformat(),
            "baseline": s.baseline,
            "currency": s.currency,
            **{f"source {text}": "present" for text in s.sources},
        }

    out.extend(
        InputChange("file", "", field, before, after)
        for field, before, after in _mapping_fields("", file_facts(old), file_facts(new))
        if before != after
    )
    out.extend(
        _keyed("flow", {f.key: f for f in old.flows}, {f.key: f for f in new.flows}, _flow_fields)
    )

    def measure_fields(a: Any, b: Any) -> Iterator[tuple[str, str | None, str | None]]:
        yield "flow", f"{a.importer}:{a.exporter}", f"{b.importer}:{b.exporter}"
        yield "basis", a.basis, b.basis
        yield from _mapping_fields(
            "rate from",
            {d.isoformat(): percent_literal(r) for d, r in a.rates},
            {d.isoformat(): percent_literal(r) for d, r in b.rates},
        )
        yield from _mapping_fields("scope", _scope_text(a), _scope_text(b))

    for section, fields in (("measure", measure_fields), ("scenario", _scenario_fields)):
        before = {x.name: x for x in getattr(old, section + "s")}
        after = {x.name: x for x in getattr(new, section + "s")}
        out.extend(_keyed(section, before, after, fields))
    return tuple(out)


def _response_text(line: Line) -> str | None:
    if line.elasticity is None or line.observed is None:
        return None
    return f"elasticity {line.elasticity:f}, observed at {percent_literal(line.observed)}"


def _line_text(line: Line) -> str:
    response = _response_text(line)
    text = f"{line.description}: {money_literal(line.value)}"
    return f"{text}; {response}" if response else text


def _flow_fields(a: Flow, b: Flow) -> Iterator[tuple[str, str | None, str | None]]:
    yield "value", money_literal(a.value), money_literal(b.value)
    if not a.classified and not b.classified:
        yield "trade response", _response_text(a.lines[0]), _response_text(b.lines[0])
        return

    def lines(flow: Flow) -> dict[str, str]:
        if not flow.classified:
            return {"(none: one unclassified line)": _line_text(flow.lines[0])}
        out: dict[str, str] = {}
        for line in flow.lines:
            key = line.code or "unclassified"
            n = 2
            while key in out:
                key = f"{line.code or 'unclassified'} #{n}"
                n += 1
            out[key] = _line_text(line)
        return out

    yield from _mapping_fields("line", lines(a), lines(b))


def _scope_text(m: Measure) -> dict[str, str]:
    """A measure's scope rules as text, keyed so that each rule diffs on its own."""
    out: dict[str, str] = {}
    if m.applies_to:
        out["applies to"] = ", ".join(m.applies_to)
    for prefix, since, note in m.excludes:
        out[f"excludes {prefix}"] = ("always" if since == date.min else f"from {since}") + (
            f" ({note})" if note else ""
        )
    for prefix, rates in m.product_rates:
        out[f"product rate {prefix}"] = ", ".join(
            f"{day}: {percent_literal(rate)}" for day, rate in rates
        )
    if m.yields_to:
        out["yields to"] = ", ".join(m.yields_to)
    return out


def _scenario_fields(a: Any, b: Any) -> Iterator[tuple[str, str | None, str | None]]:
    yield "description", a.description, b.description
    yield from _mapping_fields(
        "change on",
        {f"{d} to {m}": percent_literal(r) for d, m, r in a.changes},
        {f"{d} to {m}": percent_literal(r) for d, m, r in b.changes},
    )
    yield from _mapping_fields("window", _windows_text(a.windows), _windows_text(b.windows))
    yield from _mapping_fields(
        "disables", dict.fromkeys(a.disabled, "yes"), dict.fromkeys(b.disabled, "yes")
    )


def _windows_text(windows: Sequence[Any]) -> dict[str, str]:
    """Each window (numbered when a name repeats) as '[start, until) sets a 10%, b 10%'."""
    out: dict[str, str] = {}
    for window in windows:
        key = repr(window.name)
        n = 2
        while key in out:
            key = f"{window.name!r} #{n}"
            n += 1
        sets = ", ".join(f"{m} {percent_literal(r)}" for m, r in sorted(window.rates))
        out[key] = f"[{window.start}, {window.until}) sets {sets}"
    return out


# --- results ------------------------------------------------------------------------------

Key = tuple[str, str, str, str]  # scenario, flow, item, metric
Metrics = dict[Key, tuple[Value, str]]


def _value(raw: Any) -> Value:
    if raw is None or isinstance(raw, Decimal | str):
        return raw
    if isinstance(raw, date):
        return raw.isoformat()
    if isinstance(raw, bool):
        return str(raw).lower()
    if isinstance(raw, int):
        return Decimal(raw)
    raise TypeError(f"unexpected value {raw!r}")


_FLOW_METRICS = (("value", "money"), ("rate_on", "percent"), ("average", "percent"))
_WINDOW_METRICS = (
    ("first_day", "date"),
    ("days", "days"),
    ("rate_before", "percent"),
    ("rate_inside", "percent"),
    ("rate_after", "percent"),
    ("cliff", "pp"),
    ("duties_with", "money"),
    ("duties_without", "money"),
    ("duties_saved", "money"),
)


_RESPONSE_METRICS = (  # (field of `response`, metric, kind)
    ("imports", "imports", "money"),
    ("dynamic_duties", "dynamic_duties", "money"),
    ("rate_on", "post_substitution_rate_on", "percent"),
    ("average", "post_substitution_average", "percent"),
    ("consumer_cost", "consumer_cost", "money"),
    ("deadweight_loss", "deadweight_loss", "money"),
)
_LINE_METRICS = (
    ("value", "money"),
    ("rate_on", "percent"),
    ("average", "percent"),
    ("static_duties", "money"),
    ("imports", "money"),
    ("dynamic_duties", "money"),
)


def _flatten_lines(
    out: Metrics, scenario: str, flow: str, lines: Sequence[Mapping[str, Any]], currency: str
) -> None:
    """Product lines, each keyed by its HS code (numbered if a code repeats)."""
    seen: dict[str, int] = {}
    for line in lines:
        item = f"HS {line['hs']}" if line["hs"] else "unclassified"
        n = seen[item] = seen.get(item, 0) + 1
        if n > 1:
            item = f"{item} #{n}"
        for metric, kind in _LINE_METRICS:
            if line.get(metric) is not None:
                unit = currency if kind == "money" else kind
                out[(scenario, flow, item, f"line_{metric}")] = (_value(line[metric]), unit)


def flatten(doc: Mapping[str, Any]) -> Metrics:
    """One file of a compare document as {(scenario, flow, item, metric): (value, unit)}.

    Raises KeyError or TypeError on a document of the wrong shape. Deltas are left out:
    they follow from the baseline's own metrics.
    """
    currency = str(doc["currency"])

    def unit(kind: str) -> str:
        return currency if kind == "money" else kind

    out: Metrics = {
        ("", "", "", "period_start"): (_value(doc["period"]["start"]), "date"),
        ("", "", "", "period_until"): (_value(doc["period"]["until"]), "date"),
        ("", "", "", "on"): (_value(doc["on"]), "date"),
        ("", "", "", "baseline"): (_value(doc["baseline"]), ""),
    }
    for scenario in doc["scenarios"]:
        name = str(scenario["name"])
        for f in scenario["flows"]:
            flow = f"{f['importer']}:{f['exporter']}"
            for metric, kind in _FLOW_METRICS:
                out[(name, flow, "", metric)] = (_value(f[metric]), unit(kind))
            for extreme in ("low", "peak"):
                out[(name, flow, "", extreme)] = (_value(f[extreme]["rate"]), "percent")
                out[(name, flow, "", f"{extreme}_from")] = (_value(f[extreme]["from"]), "date")
            out[(name, flow, "", "static_duties")] = (_value(f["static_duties"]), currency)
            for layer in f["stack"]:
                key = (name, flow, str(layer["measure"]), "layer_rate_on")
                out[key] = (_value(layer["rate"]), "pp")
                if "average" in layer:
                    key = (name, flow, str(layer["measure"]), "layer_average")
                    out[key] = (_value(layer["average"]), "pp")
            response = f.get("response")
            if response:
                for field, metric, kind in _RESPONSE_METRICS:
                    out[(name, flow, "", metric)] = (_value(response[field]), unit(kind))
                for metric in ("imports", "consumer_cost", "deadweight_loss"):
                    key = (name, flow, "", f"delta_{metric}")
                    out[key] = (_value(response["delta"][metric]), currency)
            _flatten_lines(out, name, flow, f.get("lines") or [], currency)
        seen: dict[tuple[str, str], int] = {}
        for w in scenario["windows"]:
            flow = f"{w['importer']}:{w['exporter']}"
            item = str(w["window"])
            n = seen[(flow, item)] = seen.get((flow, item), 0) + 1
            if n > 1:
                item = f"{item} #{n}"
            for metric, kind in _WINDOW_METRICS:
                out[(name, flow, item, metric)] = (_value(w[metric]), unit(kind))
    return out


def _ignored(delta: Decimal, unit: str, tolerance: Tolerance) -> bool:
    if unit in {"percent", "pp"}:
        limit = tolerance.rate
    elif unit in {"date", "days", ""}:
        limit = None
    else:
        limit = tolerance.money
    return limit is not None and abs(delta) <= limit


def result_changes(
    old: Sequence[tuple[str, Metrics]], new: Sequence[tuple[str, Metrics]], tolerance: Tolerance
) -> tuple[ResultChange, ...]:
    """Metrics that differ, file by file.

    One file on each side is compared whatever the paths; several are paired by path, and a
    file present on one side only is reported as added or removed.
    """
    if len(old) == 1 and len(new) == 1:
        pairs = [(new[0][0], old[0][1], new[0][1])]
    else:
        old_by, new_by = dict(old), dict(new)
        pairs = [
            (p, old_by.get(p, {}), new_by.get(p, {})) for p in dict.fromkeys([*old_by, *new_by])
        ]
    out: list[ResultChange] = []
    for path, before, after in pairs:
        if not before or not after:
            state: tuple[Value, Value] = (None, "present") if not before else ("present", None)
            out.append(ResultChange(path, "", "", "", "file", "", *state, None))
            continue
        for key in dict.fromkeys([*before, *after]):
            a_value, a_unit = before.get(key, (None, ""))
            b_value, b_unit = after.get(key, (None, ""))
            if a_value == b_value and a_unit == b_unit:
                continue
            delta = None
            if isinstance(a_value, Decimal) and isinstance(b_value, Decimal) and a_unit == b_unit:
                delta = b_value - a_value
                if _ignored(delta, a_unit, tolerance):
                    continue
            out.append(ResultChange(path, *key, b_unit or a_unit, a_value, b_value, delta))
    return tuple(out)
