"""What changed between two versions of a scenario file: inputs and results. Pure.

Inputs are compared as resolved `Study` values, keyed by name, so reordering measures,
scenarios, flows or keys changes nothing. Results are compared as flat metrics of the
registry (tariffs.metrics), rounded as they are shown: render/flat.py makes them from
computed results and input/saved.py from saved ones, so a scenario file and a saved
result of it compare the same way.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from tariffs.calc.results import InputChange, ResultChange, Tolerance, Value
from tariffs.domain import (
    ALL_IN,
    EXCLUDES,
    MFN,
    RULE_KINDS,
    Flow,
    InTransit,
    Line,
    Market,
    Measure,
    Rule,
    Study,
    hs_code,
    money_literal,
    percent_literal,
    share_literal,
)
from tariffs.metrics import MONEY_PLACES, SHOWN_PLACES, Flat, round_half_up

# --- inputs -------------------------------------------------------------------------------


def _clause(clause: InTransit) -> str:
    """An in-transit saving clause as a diff shows it."""
    return f"entered before {clause.entered_before}: the rate of {clause.rate_on}"


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
    """Every input that differs, by section: file, flows, measures, scenarios, markets."""
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

    # MFN layers are named alike on every flow; they diff as their flows' lines. A measure
    # over many partners is one copy per partner: they diff together, under its name.
    out.extend(_keyed("measure", _copies(old), _copies(new), _measure_fields))
    before = {x.name: x for x in old.scenarios}
    after = {x.name: x for x in new.scenarios}
    out.extend(_keyed("scenario", before, after, _scenario_fields))
    out.extend(
        _keyed(
            "market",
            {m.importer: m for m in old.markets},
            {m.importer: m for m in new.markets},
            _market_fields,
        )
    )
    return tuple(out)


def _copies(study: Study) -> dict[str, list[Measure]]:
    """Each measure's copies, one per partner in file order (one for a single partner)."""
    out: dict[str, list[Measure]] = {}
    for measure in study.measures:
        if measure.kind != MFN:
            out.setdefault(measure.name, []).append(measure)
    return out


def _measure_fields(
    a: list[Measure], b: list[Measure]
) -> Iterator[tuple[str, str | None, str | None]]:
    """A measure's flows, basis, rates and scope. Over many partners, a rate that changed
    on some of them is one row naming them: `rate from 2025-08-01 for CA`."""
    flows = ", ".join(f"{m.importer}:{m.exporter}" for m in a)
    yield (
        ("flow" if len(a) == 1 else "flows"),
        flows,
        ", ".join(f"{m.importer}:{m.exporter}" for m in b),
    )
    yield "basis", a[0].basis, b[0].basis
    if len(a) == 1 and len(b) == 1:
        yield from _mapping_fields("rate from", _rates(a[0]), _rates(b[0]))
    else:
        olds = {m.exporter: _rates(m) for m in a}
        news = {m.exporter: _rates(m) for m in b}
        partners = list(dict.fromkeys([*olds, *news]))
        days = sorted({day for rates in (*olds.values(), *news.values()) for day in rates})
        for day in days:
            moved: dict[tuple[str | None, str | None], list[str]] = {}
            for partner in partners:
                pair = (olds.get(partner, {}).get(day), news.get(partner, {}).get(day))
                if pair[0] != pair[1]:
                    moved.setdefault(pair, []).append(partner)
            for (before, after), names in moved.items():
                yield f"rate from {day} for {', '.join(names)}", before, after
    yield from _mapping_fields("scope", _scope_text(_rated(a)), _scope_text(_rated(b)))
    yield from _mapping_fields("rule", _rules_text(a[0]), _rules_text(b[0]))
    yield from _mapping_fields(
        "in transit loaded before",
        {str(c.loaded_before): _clause(c) for c in a[0].in_transit},
        {str(c.loaded_before): _clause(c) for c in b[0].in_transit},
    )


def _rates(measure: Measure) -> dict[str, str]:
    return {d.isoformat(): percent_literal(r) for d, r in measure.rates}


def _rated(copies: list[Measure]) -> Measure:
    """The copy whose scope a measure diffs by: the first of a partner with rates of its
    own (a partner without has no product rates: see Measure.rated_partners)."""
    return next((m for m in copies if not m.rated_partners), copies[0])


def _supply_text(supply: Decimal | None) -> str:
    return "infinite" if supply is None else f"{supply:f}"


def _market_fields(a: Market, b: Market) -> Iterator[tuple[str, str | None, str | None]]:
    """A market's model, elasticities and observed date, as the file writes them."""
    yield "model", a.model, b.model
    yield "import_demand", f"{a.import_demand:f}", f"{b.import_demand:f}"
    yield "substitution", f"{a.substitution:f}", f"{b.substitution:f}"
    yield "export_supply", _supply_text(a.export_supply), _supply_text(b.export_supply)
    yield from _mapping_fields(
        "partner_supply",
        {k: _supply_text(v) for k, v in a.partner_supply},
        {k: _supply_text(v) for k, v in b.partner_supply},
    )
    yield (
        "observed_on",
        a.observed_on.isoformat() if a.observed_on else None,
        b.observed_on.isoformat() if b.observed_on else None,
    )


def _response_text(line: Line) -> str | None:
    if line.elasticity is None or line.observed is None:
        return None
    return f"elasticity {line.elasticity:f}, observed at {percent_literal(line.observed)}"


def _line_text(line: Line) -> str:
    response = _response_text(line)
    value = money_literal(line.value)
    text = f"{line.description}: {value}" if line.description else value
    if line.mfn is not None:  # a flow's MFN layer is its lines' MFN: it diffs with them
        text += f"; MFN {line.mfn_form or percent_literal(line.mfn)}"
    if line.shares:
        text += "; shares " + ", ".join(f"{n} {share_literal(v)}" for n, v in line.shares)
    if line.preferences:
        text += "; preferences " + ", ".join(
            f"{n} {percent_literal(v)}" for n, v in line.preferences
        )
    return f"{text}; {response}" if response else text


def _shares(line: Line) -> dict[str, str]:
    """A line's shares of value and preferences, keyed so that each diffs on its own."""
    return {
        **{name: share_literal(v) for name, v in line.shares},
        **{f"{name} preference": percent_literal(v) for name, v in line.preferences},
    }


def _mfn_text(line: Line) -> str | None:
    return None if line.mfn is None else percent_literal(line.mfn)


def _flow_fields(a: Flow, b: Flow) -> Iterator[tuple[str, str | None, str | None]]:
    yield "value", money_literal(a.value), money_literal(b.value)
    if not a.classified and not b.classified:
        yield "trade response", _response_text(a.lines[0]), _response_text(b.lines[0])
        yield "MFN", _mfn_text(a.lines[0]), _mfn_text(b.lines[0])
        yield from _mapping_fields("share", _shares(a.lines[0]), _shares(b.lines[0]))
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
        out["applies to"] = ", ".join(m.hs(prefix) for prefix in m.applies_to)
    for prefix, since, note in m.excludes:
        out[f"excludes {m.hs(prefix)}"] = ("always" if since == date.min else f"from {since}") + (
            f" ({note})" if note else ""
        )
    for prefix, rates in m.product_rates:
        out[f"product rate {m.hs(prefix)}"] = ", ".join(
            f"{day}: {percent_literal(rate)}" for day, rate in rates
        )
    if m.on_share:
        out["on share"] = m.on_share
    if m.exempt_share:
        out["exempt share"] = m.exempt_share
    return out


def _span_text(start: date, until: date) -> str:
    if start == date.min and until == date.max:
        return "always"
    return f"[{'' if start == date.min else start}, {'' if until == date.max else until})"


def _rules_text(m: Measure) -> dict[str, str]:
    """A measure's rules (yields, all-in ceilings) as text, each on its own."""
    out: dict[str, str] = {}
    for rule in m.rules:
        out.update(_rule_text(rule))
    return out


def _rule_text(rule: Rule) -> dict[str, str]:
    """A rule as text: 'yields to s232-steel' -> '[2025-03-04, 2025-06-04)'."""
    kind = "all-in over" if rule.kind == ALL_IN else "yields to"
    return {f"{kind} {' + '.join(rule.names)}": _span_text(rule.start, rule.until)}


def _rule_changes_text(scenario: Any) -> dict[str, str]:
    """Each rule change as '2025-11-14 all_in of m' -> its rules from then ('none': lifted)."""
    out: dict[str, str] = {}
    for change in scenario.rules:
        key = f"{change.day} {_RULE_KEYS[change.kind]} of {change.measure}"
        if change.kind == EXCLUDES:
            texts = [
                f"HS {', '.join(hs_code(p) for p in prefixes)}"
                + ("" if since <= change.day else f" from {since}")
                + (f" ({note})" if note else "")
                for prefixes, since, note in change.excludes
            ]
        else:
            texts = [
                f"{k} {v}"
                for rule in change.rules
                for k, v in _rule_text(rule._replace(start=max(rule.start, change.day))).items()
            ]
        out[key] = "; ".join(texts) or "none"
    return out


_RULE_KEYS = {kind: key for key, kind in RULE_KINDS.items()}


def _scenario_fields(a: Any, b: Any) -> Iterator[tuple[str, str | None, str | None]]:
    yield "description", a.description, b.description
    yield from _mapping_fields("change on", _changes_text(a), _changes_text(b))
    yield from _mapping_fields("rules from", _rule_changes_text(a), _rule_changes_text(b))
    yield from _mapping_fields("window", _windows_text(a.windows), _windows_text(b.windows))
    yield from _mapping_fields(
        "disables", dict.fromkeys(a.disabled, "yes"), dict.fromkeys(b.disabled, "yes")
    )


def _changes_text(scenario: Any) -> dict[str, str]:
    """Each change as '2025-08-07 to m' (for some products: '... for HS 8703') -> rate."""
    out = {f"{d} to {m}": percent_literal(r) for d, m, r in scenario.changes}
    for d, m, r, prefixes in scenario.product_changes:
        out[f"{d} to {m} for HS {', '.join(hs_code(p) for p in prefixes)}"] = percent_literal(r)
    return out


def _windows_text(windows: Sequence[Any]) -> dict[str, str]:
    """Each window (numbered when a name repeats) as '[start, until) sets a 10%, b 10%'."""
    out: dict[str, str] = {}
    for window in windows:
        key = repr(window.name)
        n = 2
        while key in out:
            key = f"{window.name!r} #{n}"
            n += 1
        limited = dict(window.products)
        sets = ", ".join(
            f"{m} {percent_literal(r)}"
            + (f" for HS {', '.join(hs_code(p) for p in limited[m])}" if m in limited else "")
            for m, r in sorted(window.rates)
        )
        out[key] = f"[{window.start}, {window.until}) sets {sets}"
    return out


# --- results ------------------------------------------------------------------------------


def _ignored(delta: Decimal, unit: str, tolerance: Tolerance) -> bool:
    """Whether a change is within the tolerance, as it is shown (rounded half up)."""
    if unit in {"percent", "pp"}:
        limit = tolerance.rate
    elif unit in {"date", "days", ""}:
        limit = None
    else:
        limit = tolerance.money
    shown = round_half_up(delta, SHOWN_PLACES.get(unit, MONEY_PLACES))
    return limit is not None and abs(shown) <= limit


def same(a: Value, b: Value, unit: str) -> bool:
    """Whether two values of a metric are the same as outputs show them: numbers rounded
    half up to the places of JSON and CSV (4 for rates, 2 for money), the rest as they are."""
    if isinstance(a, Decimal) and isinstance(b, Decimal):
        places = SHOWN_PLACES.get(unit, MONEY_PLACES)
        return bool(round_half_up(a, places) == round_half_up(b, places))
    return a == b


def result_changes(
    old: Sequence[tuple[str, Flat]], new: Sequence[tuple[str, Flat]], tolerance: Tolerance
) -> tuple[ResultChange, ...]:
    """Flat that differ as shown, file by file; each change is new minus old, exact.

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
            if a_unit == b_unit and same(a_value, b_value, a_unit):
                continue
            delta = None
            if isinstance(a_value, Decimal) and isinstance(b_value, Decimal) and a_unit == b_unit:
                delta = b_value - a_value
                if _ignored(delta, a_unit, tolerance):
                    continue
            out.append(ResultChange(path, *key, b_unit or a_unit, a_value, b_value, delta))
    return tuple(out)
