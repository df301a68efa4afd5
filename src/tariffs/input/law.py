"""The law's forms in a file: MFN as the base layer, dated yields and all-in ceilings.

- A flow whose lines (or the flow itself) state `mfn` gets a base layer named `mfn`, first
  among its measures: each line's MFN rate, always in force. A flow that states none has no
  base layer, and outputs say that its rates are additional duties only. A flow that states
  MFN for some lines but not others is refused: an unknown MFN is never taken as 0%.
- `yields_to` and `all_in` become `domain.Rule`s, each over [from, until). Within any day the
  rules of a flow's measures must not form a cycle, and at most one all-in ceiling of a
  measure may be in force.
- Named product sets (`products:`) expand where measures use them: into `applies_to`, and
  into exclusions, each code from the day it joins the set.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable
from datetime import date

from tariffs import domain
from tariffs.domain import ALL_IN, MFN, YIELDS, Rule, quoted
from tariffs.domain import listed as listed_names
from tariffs.input import format as models
from tariffs.input.literals import hs_digits
from tariffs.input.problems import Loc, Report, cycle_path, cycles

MFN_BASIS = "MFN (column 1 general rate)"
COUNTRY = re.compile(r"[A-Z]{2,3}")


def mfn_measure(flow: domain.Flow, at: Loc, problem: Report) -> domain.Measure | None:
    """The base layer of `flow`, or None when it states no MFN at all."""
    stated = [line for line in flow.lines if line.mfn is not None]
    if not stated:
        return None
    if len(stated) < len(flow.lines):
        missing = next(line for line in flow.lines if line.mfn is None)
        shown = f"HS {missing.code}" if missing.code else "an unclassified line"
        problem(
            at,
            f"flow {flow.key}: {len(stated):,} of its {len(flow.lines):,} lines state an MFN "
            f"rate, but {shown} does not; give every line an 'mfn', or the flow an 'mfn' for "
            "the rest (an unknown MFN is never taken as 0%)",
        )
        return None
    whole = [line for line in flow.lines if not line.hs]
    rates: domain.Schedule = (
        ((date.min, whole[0].mfn),) if whole and whole[0].mfn is not None else ()
    )
    product_rates = tuple(
        (line.hs, ((date.min, line.mfn),))
        for line in flow.lines
        if line.hs and line.mfn is not None
    )
    return domain.Measure(
        MFN,
        flow.importer,
        flow.exporter,
        MFN_BASIS,
        rates,
        product_rates=product_rates,
        kind=MFN,
    )


def rules_of(measure: models.Measure) -> tuple[Rule, ...]:
    """A measure's yields and all-in ceilings as dated rules."""
    out: list[Rule] = []
    for entry in measure.yields_to:
        if isinstance(entry, str):
            out.append(Rule(YIELDS, (entry,)))
        else:
            out.append(Rule(YIELDS, (entry.measure,), *_span(entry.from_, entry.until)))
    for ceiling in measure.all_in:
        names = tuple(dict.fromkeys(ceiling.over))
        out.append(Rule(ALL_IN, names, *_span(ceiling.from_, ceiling.until)))
    return tuple(dict.fromkeys(out))


def _span(start: date | None, until: date | None) -> tuple[date, date]:
    return (start or date.min, until or date.max)


def check_rules(
    parsed: models.ScenarioFile,
    with_mfn: set[tuple[str, str]],
    problem: Report,
    broken: Callable[[str, str], bool] = lambda section, name: False,
    listed: list[str] | None = None,
) -> None:
    """Each rule names another measure of the same flow (or `mfn` where the flow states
    MFN), ends after it starts, and no day's rules form a cycle or hold two ceilings.
    `broken(section, name)`: whether a name may be a part that failed validation, which is
    then not reported as unknown; `listed`: the measure names a message lists."""
    names = sorted(parsed.measures) if listed is None else listed
    for name, measure in parsed.measures.items():
        flow = flows_of(parsed, measure)
        for key, entries in (("yields_to", measure.yields_to), ("all_in", measure.all_in)):
            for i, entry in enumerate(entries):
                at: Loc = ("measures", name, key, i)
                start, until = _bounds(entry)
                if start is not None and until is not None and until <= start:
                    problem(at, f"'until' ({until}) must be after 'from' ({start})")
                for other in _targets(entry):
                    if other not in parsed.measures and broken("measures", other):
                        continue
                    _check_target(
                        parsed, (name, flow, other), at, (with_mfn, names), problem, broken=broken
                    )
        ceilings = list(measure.all_in)
        for i, (first, second) in enumerate(itertools.pairwise(ceilings)):
            if _overlap(first, second):
                problem(
                    ("measures", name, "all_in", i + 1),
                    f"measure {quoted(name)} has two all-in ceilings in force at once; "
                    "give each its own [from, until)",
                )
    _check_cycles(parsed, problem)


def _bounds(entry: str | models.Yield | models.AllIn) -> tuple[date | None, date | None]:
    return (None, None) if isinstance(entry, str) else (entry.from_, entry.until)


def _targets(entry: str | models.Yield | models.AllIn) -> Iterable[str]:
    if isinstance(entry, str):
        return (entry,)
    if isinstance(entry, models.Yield):
        return (entry.measure,)
    return entry.over


def _overlap(a: models.AllIn, b: models.AllIn) -> bool:
    a_start, a_until = _span(a.from_, a.until)
    b_start, b_until = _span(b.from_, b.until)
    return a_start < b_until and b_start < a_until


def _check_target(
    parsed: models.ScenarioFile,
    names: tuple[str, set[tuple[str, str]], str],
    at: Loc,
    context: tuple[set[tuple[str, str]], list[str]],
    problem: Report,
    *,
    broken: Callable[[str, str], bool] = lambda section, name: False,
) -> None:
    name, flows, other = names
    with_mfn, listed = context
    declared = {(f.importer, f.exporter) for f in parsed.flows}
    if any(f not in declared and not broken("flows", f"{f[0]}:{f[1]}") for f in flows):
        return  # the measure is on a flow the file does not declare: reported at it
    if other == MFN and other not in parsed.measures:
        for flow in sorted(flows - with_mfn):
            if broken("flows", f"{flow[0]}:{flow[1]}"):
                continue  # its lines failed validation: whether they state MFN is not known
            problem(
                at,
                f"flow {flow[0]}:{flow[1]} states no MFN rates, so it has no 'mfn' layer; "
                "give its lines (or the flow) an 'mfn'",
            )
        return
    target = parsed.measures.get(other)
    verb = "yield to" if "yields_to" in at else "be a ceiling over"
    if target is None:
        problem(at, f"unknown measure {quoted(other)} (known: {listed_names(listed)})")
    elif other == name:
        problem(at, f"measure {quoted(name)} cannot {verb} itself")
    elif not flows <= flows_of(parsed, target):
        missing = sorted(flows - flows_of(parsed, target))
        mine = ", ".join(f"{a}:{b}" for a, b in missing)
        theirs = ", ".join(f"{a}:{b}" for a, b in sorted(flows_of(parsed, target)))
        problem(
            at,
            f"measure {quoted(name)} can only {verb} a measure of the same flow "
            f"({mine}); {quoted(other)} is on {theirs}",
        )


def _check_cycles(parsed: models.ScenarioFile, problem: Report) -> None:
    """On every day, the rules in force point from each measure to others without a cycle."""
    rules = {name: rules_of(m) for name, m in parsed.measures.items()}
    ceilings = any(m.all_in for m in parsed.measures.values())
    keys = "'yields_to' and 'all_in' form" if ceilings else "'yields_to' forms"
    for cycle, day in rule_cycles(rules):
        when = "" if day == date.min else f" from {day}"
        problem(("measures", cycle[0], "yields_to"), f"{keys} a cycle{when}: {cycle_path(cycle)}")


def rule_cycles(rules: dict[str, tuple[Rule, ...]]) -> list[tuple[list[str], date]]:
    """Each cycle of the rules in force on some day (once, with the first day it forms)."""
    cuts = sorted({date.min} | {d for rs in rules.values() for r in rs for d in (r.start, r.until)})
    reported: set[tuple[str, ...]] = set()
    out: list[tuple[list[str], date]] = []
    for day in cuts:
        if day == date.max:
            continue
        edges = {
            name: [n for r in rs if r.active(day) for n in r.names if n in rules and n != name]
            for name, rs in rules.items()
        }
        for cycle in cycles(edges):
            key = tuple(sorted(cycle))
            if key not in reported:
                reported.add(key)
                out.append((cycle, day))
    return out


def rule_changes(
    parsed: models.ScenarioFile,
    where: tuple[str, date, str],
    change: models.RuleChange,
    context: tuple[set[tuple[str, str]], list[str]],
    problem: Report | None = None,
    *,
    broken: Callable[[str, str], bool] = lambda section, name: False,
) -> list[domain.RuleChange]:
    """A scenario's change of measure `name`'s rules from `day` (`where` is (scenario, day,
    name)), one RuleChange per kind it gives; problems are reported when `problem` is given.
    `context` is the flows with MFN and the measure names a message lists."""
    report: Report = problem or (lambda _at, _message: None)
    scenario, day, name = where
    at: Loc = ("scenarios", scenario, "rules", day.isoformat(), name)
    measure = parsed.measures.get(name)
    if measure is None:  # an unknown measure, or MFN: the caller reports it
        return []
    given = {k: getattr(change, k) for k in RULE_KEYS if getattr(change, k) is not None}
    if not given:
        report(at, f"a rule change gives {', '.join(map(repr, RULE_KEYS))}, or several of them")
    flow = flows_of(parsed, measure)
    out: list[domain.RuleChange] = []
    for key, entries in given.items():
        if key == "excludes":
            out.append(_exclusions_from(parsed, (at, day, name), entries, report))
            continue
        rules: list[Rule] = []
        for i, entry in enumerate(entries):
            place: Loc = (*at, key, i)
            start, until = _bounds(entry)
            if start is not None and until is not None and until <= start:
                report(place, f"'until' ({until}) must be after 'from' ({start})")
            elif until is not None and until <= day:
                report(place, f"'until' ({until}) must be after the change's date ({day})")
            for other in _targets(entry):
                if other not in parsed.measures and broken("measures", other):
                    continue
                _check_target(parsed, (name, flow, other), place, context, report, broken=broken)
            kind = YIELDS if key == "yields_to" else ALL_IN
            rules.append(Rule(kind, tuple(dict.fromkeys(_targets(entry))), *_span(start, until)))
        if key == "all_in":
            for i, (first, second) in enumerate(itertools.pairwise(entries)):
                if _overlap(first, second):
                    report(
                        (*at, key, i + 1),
                        f"measure {quoted(name)} has two all-in ceilings in force at once; "
                        "give each its own [from, until)",
                    )
        out.append(
            domain.RuleChange(day, name, rules[0].kind if rules else _KIND[key], tuple(rules))
        )
    return out


RULE_KEYS = tuple(domain.RULE_KINDS)
"""The keys of a scenario's rule change: yields_to, all_in, excludes."""
_KIND = domain.RULE_KINDS


def _exclusions_from(
    parsed: models.ScenarioFile,
    place: tuple[Loc, date, str],
    entries: list[models.Exclusion],
    report: Report,
) -> domain.RuleChange:
    """A scenario's exclusions of a measure from a date on, with named sets expanded."""
    at, day, name = place
    out: list[tuple[tuple[str, ...], date, str]] = []
    for i, entry in enumerate(entries):
        where: Loc = (*at, "excludes", i)
        if not entry.hs and entry.products is None:
            report(where, "an exclusion needs 'hs' (codes), 'products' (a named set), or both")
        since = entry.from_ or date.min
        note = entry.note or entry.products or ""
        if entry.hs:
            out.append((tuple(sorted({hs_digits(c) for c in entry.hs})), since, note))
        if entry.products is None:
            continue
        found = _product_set(parsed, entry.products, (*where, "products"), report)
        if found is None:
            continue
        note = entry.note or found.note or entry.products
        out.append((tuple(sorted({hs_digits(c) for c in found.hs})), since, note))
        for added_on, added in sorted(found.added.items()):
            codes = tuple(sorted({hs_digits(c) for c in added}))
            out.append((codes, max(since, added_on), note))
    return domain.RuleChange(day, name, domain.EXCLUDES, excludes=tuple(out))


def set_scope(
    parsed: models.ScenarioFile, name: str, measure: models.Measure, problem: Report
) -> tuple[list[str], list[tuple[str, date, str]]]:
    """A measure's named product sets, expanded: the codes `applies_to_products` adds to
    `applies_to`, and the (code, from, note) exclusions of `excludes` entries that name a
    set (a code that joins the set later is excluded from that day on)."""
    codes: list[str] = []
    for i, set_name in enumerate(measure.applies_to_products):
        found = _product_set(
            parsed, set_name, ("measures", name, "applies_to_products", i), problem
        )
        if found is None:
            continue
        if found.added:
            problem(
                ("measures", name, "applies_to_products", i),
                f"product set {quoted(set_name)} grows by date ('added'), but 'applies_to' has "
                "no dates; list its codes in 'applies_to', or use the set in 'excludes'",
            )
            continue
        codes.extend(found.hs)
    excludes: list[tuple[str, date, str]] = []
    for i, entry in enumerate(measure.excludes):
        at: Loc = ("measures", name, "excludes", i)
        if not entry.hs and entry.products is None:
            problem(at, "an exclusion needs 'hs' (codes), 'products' (a named set), or both")
        if entry.products is None:
            continue
        found = _product_set(parsed, entry.products, (*at, "products"), problem)
        if found is None:
            continue
        since = entry.from_ or date.min
        note = entry.note or found.note or entry.products
        excludes.extend((code, since, note) for code in found.hs)
        for day, added in sorted(found.added.items()):
            excludes.extend((code, max(since, day), note) for code in added)
    return codes, excludes


def setting_prefixes(
    parsed: models.ScenarioFile, setting: models.ProductSetting, at: Loc, problem: Report | None
) -> tuple[str, ...]:
    """The HS prefixes a product-level setting of a scenario covers: its codes and those of
    its named set (problems are reported when `problem` is given)."""
    report: Report = problem or (lambda _at, _message: None)
    if not setting.hs and setting.products is None:
        report(at, "a rate for some products needs 'hs' (codes), 'products' (a set), or both")
    codes = [hs_digits(code) for code in setting.hs]
    if setting.products is not None:
        found = _product_set(parsed, setting.products, (*at, "products"), report)
        if found is not None and found.added:
            report(
                (*at, "products"),
                f"product set {quoted(setting.products)} grows by date ('added'); a scenario's "
                "rate for some products takes fixed codes: list them in 'hs'",
            )
        elif found is not None:
            codes.extend(hs_digits(code) for code in found.hs)
    return tuple(sorted(dict.fromkeys(codes)))


def _product_set(
    parsed: models.ScenarioFile, name: str, at: Loc, problem: Report
) -> models.ProductSet | None:
    found = parsed.products.get(name)
    if found is None:
        known = listed_names(sorted(parsed.products))
        problem(at, f"unknown product set {quoted(name)} (known: {known})")
    return found


def partners_of(parsed: models.ScenarioFile, measure: models.Measure) -> list[str]:
    """The exporters a measure applies to: its `exporter`, or its `exporters` with each
    `partners` group expanded, in order, once each (unknown names are left out here)."""
    if measure.exporters is None:
        return [measure.exporter] if measure.exporter else []
    out: dict[str, None] = {}
    for name in measure.exporters:
        for code in parsed.partners.get(name, [name]):
            out[code] = None
    return list(out)


def flows_of(parsed: models.ScenarioFile, measure: models.Measure) -> set[tuple[str, str]]:
    """The (importer, exporter) flows a measure applies to."""
    return {(measure.importer, partner) for partner in partners_of(parsed, measure)}


def check_partners(
    parsed: models.ScenarioFile, name: str, measure: models.Measure, problem: Report
) -> None:
    """One of `exporter` and `exporters`; each a country code or a `partners` group; and
    `partner_rates` only for partners of the measure."""
    at: Loc = ("measures", name)
    if (measure.exporter is None) == (measure.exporters is None):
        problem(
            at,
            f"measure {quoted(name)} needs 'exporter' (one partner) or 'exporters' "
            "(several), not both and not neither",
        )
        return
    for i, entry in enumerate(measure.exporters or ()):
        if entry not in parsed.partners and not COUNTRY.fullmatch(entry):
            known = listed_names(sorted(parsed.partners))
            problem(
                (*at, "exporters", i),
                f"{quoted(entry)} is neither a country code (2 or 3 capital letters) nor a "
                f"group of 'partners' (known: {known})",
            )
    mine = set(partners_of(parsed, measure))
    for partner in measure.partner_rates:
        if partner not in mine:
            problem(
                (*at, "partner_rates", partner),
                f"{partner} is not a partner of measure {quoted(name)} "
                f"({listed_names(sorted(mine))})",
            )
