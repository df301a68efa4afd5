"""Cross-references and resolution: a validated file becomes a `Study` (see docs/format.md).

Unknown names, cycles, overlapping windows, misplaced expectations and the like are
found here, every one of them, with the place in the file it comes from.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, timedelta
from decimal import Decimal
from types import MappingProxyType
from typing import Any, NamedTuple

from tariffs import domain
from tariffs.domain import MFN, listed, quoted
from tariffs.input import expect, law
from tariffs.input import format as models
from tariffs.input.expect import Known
from tariffs.input.lines import Files, build_flow
from tariffs.input.literals import hs_digits
from tariffs.input.markets import resolve_markets
from tariffs.input.problems import Loc, Report, Stricter, cycle_path, cycles
from tariffs.input.sweeps import resolve_sweeps
from tariffs.input.yamlsource import KEY
from tariffs.limits import MAX_LINES


class Broken(NamedTuple):
    """The parts of a file that failed validation and were left out before resolving the
    rest, so that no problem they would cause is reported: a reference to a measure that
    exists but is invalid is not an unknown measure.

    `entries` holds (section, name): a measure, scenario or sweep by its name, a flow by its
    IMPORTER:EXPORTER. `unknown` holds the sections whose names cannot all be known (left
    out whole, or with an entry whose name is unreadable): no reference into one is checked.
    `kept` maps a list section (flows, expect) to the file's index of each entry kept, and
    `names` a mapping section to all its names in the file, for messages that list them.
    """

    entries: frozenset[tuple[str, str]] = frozenset()
    unknown: frozenset[str] = frozenset()
    kept: Mapping[str, tuple[int, ...]] = MappingProxyType({})
    names: Mapping[str, tuple[str, ...]] = MappingProxyType({})

    def named(self, section: str, valid: list[str]) -> list[str]:
        """The names a message lists for `section`: those in the file, valid or not."""
        return list(self.names.get(section, valid))

    def has(self, section: str, name: str) -> bool:
        """Whether `name` of `section` may be a part that failed validation."""
        return section in self.unknown or (section, name) in self.entries

    def touches(self, section: str) -> bool:
        """Whether any part of `section` failed validation."""
        return section in self.unknown or any(s == section for s, _ in self.entries)

    def indexes(self, section: str, count: int) -> list[int]:
        """The file's index of each of the `count` entries kept in a list section."""
        return list(self.kept.get(section, range(count)))


NOTHING_BROKEN = Broken()


def resolve(
    parsed: models.ScenarioFile,
    found: list[tuple[Loc, str]],
    where: Callable[[Loc], tuple[int, int]],
    files: Files,
    broken: Broken = NOTHING_BROKEN,
    *,
    lax: bool = False,
) -> domain.Study | None:
    """Check cross-references and build the `Study`; append problems to `found`.

    With `broken` parts (left out because they failed validation), the rest is checked
    all the same, and no `Study` is returned. `lax`: problems of a stricter rule only
    (`Stricter`, a file's meaning not in doubt) still give the `Study` (see load, history).
    """
    troubled: set[tuple[str, ...]] = set()

    def problem(loc: Loc, message: str) -> None:
        found.append((loc, message))
        troubled.add(tuple(str(part) for part in loc[:2]))

    period = parsed.period
    if period.until <= period.start:
        problem(("period", "until"), "period.until must be after period.start")

    flows, seen_flows = _flows(parsed, broken, problem, files)
    _check_line_count(flows, problem)
    # a flow whose lines had problems (an MFN that could not be read, say) may or may not
    # state MFN: what depends on that is not checked, so that one error is one message
    built = {f.key for f in flows}
    unsure = {f"{a}:{b}" for (a, b) in seen_flows if f"{a}:{b}" not in built} | {
        f"{parsed.flows[int(i)].importer}:{parsed.flows[int(i)].exporter}"
        for section, i in troubled
        if section == "flows" and i.isdigit() and int(i) < len(parsed.flows)
    }
    unsure_broken = broken._replace(entries=broken.entries | {("flows", k) for k in unsure})
    unsure_importers = {
        key.split(":", 1)[0] for section, key in unsure_broken.entries if section == "flows"
    }

    measures, with_mfn = _measures(parsed, (flows, seen_flows), problem, unsure_broken)
    _check_parts(flows, measures, problem)

    lines_of = {(f.importer, f.exporter): [x.hs for x in f.lines if x.hs] for f in flows}
    codes: dict[str, list[str]] = {}
    for m in measures:
        codes.setdefault(m.name, []).extend(lines_of.get((m.importer, m.exporter), []))
    known = _Known(
        set(parsed.measures) | ({MFN} if with_mfn else set()), broken, parsed, codes, with_mfn
    )
    names = list(parsed.scenarios)
    listed_names = broken.named("scenarios", names)
    baseline = parsed.baseline or (names[0] if names else "")
    if (
        parsed.baseline is not None
        and parsed.baseline not in parsed.scenarios
        and not broken.has("scenarios", parsed.baseline)
    ):
        problem(
            ("baseline",),
            f"baseline {quoted(parsed.baseline)} is not a scenario ({_known(listed_names)})",
        )

    for name, scenario in parsed.scenarios.items():
        _check_scenario(name, scenario, known, listed_names, problem)
    chains = _chains(parsed, problem)

    resolved: list[domain.Scenario] = []
    for name in names:
        chain = chains.get(name)
        if chain is not None:
            resolved.append(_inherit(parsed, chain, problem))
    _check_scenario_rules(parsed, resolved, problem)
    whole = {  # scenarios whose every ancestor validated and resolved
        name for name, chain in chains.items() if parsed.scenarios[chain[0]].extends is None
    }
    flow_of: dict[str, set[str]] = {}
    for m in measures:
        flow_of.setdefault(m.name, set()).add(f"{m.importer}:{m.exporter}")
    known_names = Known(
        parsed,
        {  # a scenario of a broken chain may lack windows: its own are not checked
            s.name: s
            for s in resolved
            if s.name in whole
            and not any(broken.has("scenarios", a) for a in chains.get(s.name, [s.name]))
        },
        flow_of,
        {f.key: f for f in flows},
        {f"{a}:{b}" for a, b in with_mfn},
        broken.has,
        lambda section, valid: (
            broken.named(section, valid)
            if section != "flows"  # a list: its entries that failed are in `entries`
            else [*valid, *sorted(k for s, k in broken.entries if s == section and k not in valid)]
        ),
    )
    expectations = expect.expectations(
        parsed.expect, broken.indexes("expect", len(parsed.expect)), known_names, problem, where
    )
    study = domain.Study(
        title=parsed.title,
        start=period.start,
        until=period.until,
        on=parsed.on,
        baseline=baseline,
        currency=parsed.currency,
        sources=tuple(parsed.sources),
        flows=tuple(flows),
        measures=tuple(measures),
        scenarios=tuple(resolved),
        expectations=expectations,
        markets=resolve_markets(
            parsed,
            flows,
            problem,
            set(parsed.markets) if "flows" in broken.unknown else unsure_importers,
        ),
    )
    sweeps: tuple[domain.Sweep, ...] = ()
    if parsed.sweeps and _sweepable(broken, troubled, len(flows) == len(parsed.flows)):
        sound = {  # scenarios whose chain is whole and free of problems
            name
            for name in whole
            if not any(
                ("scenarios", ancestor) in troubled or broken.has("scenarios", ancestor)
                for ancestor in chains[name]
            )
        }
        chosen = {
            name: sweep
            for name, sweep in parsed.sweeps.items()
            if sweep.scenario in sound
            or not (sweep.scenario in parsed.scenarios or broken.has("scenarios", sweep.scenario))
        }
        sweeps = resolve_sweeps(chosen, study, problem)
    strict = [m for _, m in found if not (lax and isinstance(m, Stricter))]
    if strict or broken != NOTHING_BROKEN:
        return None
    return study._replace(sweeps=sweeps)


def _flows(
    parsed: models.ScenarioFile, broken: Broken, problem: Report, files: Files
) -> tuple[list[domain.Flow], dict[tuple[str, str], int]]:
    """The flows that build, and the file's index of each importer and exporter pair."""
    flows: list[domain.Flow] = []
    seen_flows: dict[tuple[str, str], int] = {}
    for i, flow in zip(broken.indexes("flows", len(parsed.flows)), parsed.flows, strict=True):
        pair = (flow.importer, flow.exporter)
        if flow.importer == flow.exporter:
            problem(("flows", i, "exporter"), "a flow's importer and exporter must differ")
        if pair in seen_flows:
            problem(
                ("flows", i),
                f"flow {pair[0]}:{pair[1]} is declared twice (also flows[{seen_flows[pair]}])",
            )
        seen_flows[pair] = i
        built = build_flow(flow, ("flows", i), problem, files)
        if built is not None:
            flows.append(built)
    return flows, seen_flows


def _sweepable(broken: Broken, troubled: set[tuple[str, ...]], every_flow: bool) -> bool:
    """Whether sweeps can be checked without reporting a problem caused by another: only
    scenarios, expectations and sweeps may have failed (each sweep then needs a sound
    scenario), and every flow must have been built."""
    others = {"baseline", "scenarios", "expect", "sweeps"}
    failed = {section for section, _ in broken.entries} | set(broken.unknown)
    failed |= {loc[0] for loc in troubled}
    return every_flow and failed <= others


class _Known:
    """The measure names a reference may use: those of the file, and those of measures
    that failed validation (a reference to one is not reported)."""

    def __init__(
        self,
        names: set[str],
        broken: Broken,
        parsed: models.ScenarioFile,
        codes: dict[str, list[str]],
        with_mfn: set[tuple[str, str]] | None = None,
    ) -> None:
        self.parsed = parsed
        self.with_mfn = with_mfn or set()  # the flows that state MFN: their base layers
        self.names = names
        self.listed = sorted(broken.named("measures", sorted(names)))
        self.broken = broken
        self.codes = codes  # each measure's product lines' HS digits, over its flows

    def reaches(
        self, measure: str, prefixes: tuple[str, ...], at: Loc, problem: Report, what: str = "rate"
    ) -> None:
        """A scenario's rate (or exclusion) for some products must reach a product line of
        the measure's flows: otherwise it would silently change nothing (a flow without
        lines has no codes). An unknown measure has its own problem."""
        codes = self.codes.get(measure)
        if codes is not None and prefixes and not any(c.startswith(prefixes) for c in codes):
            problem(
                at,
                Stricter(
                    f"the {what} of {quoted(measure)} for HS {', '.join(prefixes)} reaches no "
                    "product line of its flows, so it would change nothing (a flow without "
                    "lines has no codes)"
                ),
            )

    def __contains__(self, name: object) -> bool:
        return name in self.names or self.broken.has("measures", str(name))


def _measures(
    parsed: models.ScenarioFile,
    built_flows: tuple[list[domain.Flow], dict[tuple[str, str], int]],
    problem: Report,
    broken: Broken,
) -> tuple[list[domain.Measure], set[tuple[str, str]]]:
    """The flows' MFN base layers, then the file's measures; and the flows with MFN."""
    flows, seen_flows = built_flows
    measures: list[domain.Measure] = []
    with_mfn: set[tuple[str, str]] = set()
    for built in flows:
        pair = (built.importer, built.exporter)
        base = law.mfn_measure(built, ("flows", seen_flows[pair]), problem)
        if base is not None:
            measures.append(base)
            with_mfn.add(pair)
    for name, measure in parsed.measures.items():
        law.check_partners(parsed, name, measure, problem)
        template = _measure(name, measure, problem, parsed)
        for partner in law.partners_of(parsed, measure):
            pair = (measure.importer, partner)
            if pair not in seen_flows and not broken.has("flows", ":".join(pair)):
                problem(
                    ("measures", name, "importer"),
                    f"measure {quoted(name)} applies to {measure.importer}:{partner}, "
                    "but no flow with that importer and exporter is declared",
                )
            if name == MFN and pair in with_mfn:
                problem(
                    ("measures", name),
                    f"flow {measure.importer}:{partner} states MFN rates, so its base "
                    "layer is named 'mfn'; give this measure another name",
                )
            rates = measure.partner_rates.get(partner, measure.rates)
            schedule = tuple(sorted(rates.items()))
            copy = template._replace(exporter=partner, rates=schedule)
            if measure.partner_rates and partner not in measure.partner_rates and not rates:
                # in the group, but with no rate of its own: not this partner's tariff
                copy = copy._replace(product_rates=(), rated_partners=tuple(measure.partner_rates))
            measures.append(copy)
        _check_shares(name, template, law.partners_of(parsed, measure), built_flows, problem)
    listed_measures = sorted(broken.named("measures", list(parsed.measures)))
    law.check_rules(parsed, with_mfn, problem, broken.has, listed_measures)
    return measures, with_mfn


def _check_shares(
    name: str,
    measure: domain.Measure,
    partners: Iterable[str],
    built_flows: tuple[list[domain.Flow], dict[tuple[str, str], int]],
    problem: Report,
) -> None:
    """A measure's `on_share` and `exempt_share` must name a share that some line of its
    flows states: otherwise the rule would silently do nothing."""
    by_pair = {(f.importer, f.exporter): f for f in built_flows[0]}
    mine = [by_pair.get((measure.importer, partner)) for partner in partners]
    if not mine or None in mine:
        return  # a flow that is missing or broken has its own problem
    stated = {share for flow in mine if flow for line in flow.lines for share, _ in line.shares}
    if measure.on_share and measure.on_share == measure.exempt_share:
        problem(
            ("measures", name, "exempt_share"),
            f"measure {quoted(name)} falls on share {quoted(measure.on_share)} only and spares "
            "it too; give one of on_share and exempt_share",
        )
    for key, share in (("on_share", measure.on_share), ("exempt_share", measure.exempt_share)):
        if share and share not in stated:
            problem(
                ("measures", name, key),
                f"measure {quoted(name)}: {key} {quoted(share)} is a share that no line of its "
                f"flows states (give them shares: {{{share}: ...}}), so it would change nothing",
            )


def _check_parts(flows: list[domain.Flow], measures: list[domain.Measure], problem: Report) -> None:
    """Shares of value cut a line into a part per combination of the shares its flow's
    measures treat apart: the parts over the file count as lines against MAX_LINES, checked
    before any is made."""
    named: dict[tuple[str, str], set[str]] = {}
    for m in measures:
        for share in (m.on_share, m.exempt_share):
            if share:
                named.setdefault((m.importer, m.exporter), set()).add(share)
    parts = 0
    for flow in flows:
        wanted = named.get((flow.importer, flow.exporter), set())
        for line in flow.lines:
            cuts = {n for n, _ in line.preferences} | wanted
            parts += 2 ** sum(1 for n, v in line.shares if n in cuts and _cuts(v))
    if parts > MAX_LINES:
        problem(
            ("flows",),
            f"the flows' shares of value cut their lines into {parts:,} parts; a file may hold "
            f"at most {MAX_LINES:,} (lines and parts alike)",
        )


def _cuts(share: domain.ShareValue) -> bool:
    """Whether a share cuts a line in two: between 0% and 100%, or by date (0% before its
    first date, so a part outside it is always there) at some value above 0%."""
    if isinstance(share, Decimal):
        return 0 < share < 100
    return any(rate > 0 for _, rate in share)


def _check_line_count(flows: list[domain.Flow], problem: Report) -> None:
    lines = sum(len(flow.lines) for flow in flows)
    if lines > MAX_LINES:
        problem(
            ("flows",),
            f"the flows hold {lines:,} product lines; a file may hold at most {MAX_LINES:,}",
        )


def _known(names: list[str]) -> str:
    """The names a message lists: the first few, and how many more there are."""
    return f"known: {listed(names)}" if names else "none are defined"


def _check_scenario(
    name: str,
    scenario: models.Scenario,
    known: _Known,
    scenario_names: list[str],
    problem: Report,
) -> None:
    here: Loc = ("scenarios", name)
    measure_list = known.listed
    if (
        scenario.extends is not None
        and scenario.extends not in scenario_names
        and not known.broken.has("scenarios", scenario.extends)
    ):
        problem(
            (*here, "extends"),
            f"scenario {quoted(name)} extends {quoted(scenario.extends)}, which is not a scenario "
            f"({_known(scenario_names)})",
        )
    for day, settings in scenario.changes.items():
        for measure, setting in settings.items():
            if measure not in known:
                problem(
                    (*here, "changes", day.isoformat(), measure, KEY),
                    f"unknown measure {quoted(measure)} ({_known(measure_list)})",
                )
            where: Loc = (*here, "changes", day.isoformat(), measure)
            seen: list[tuple[str, ...]] = []
            for i, each in enumerate(_settings(setting)):
                place = where if isinstance(setting, models.ProductSetting) else (*where, i)
                prefixes = law.setting_prefixes(known.parsed, each, place, problem)
                known.reaches(measure, prefixes, place, problem)
                clash = next((p for p in seen if _overlap(p, prefixes)), None)
                if clash is not None:
                    problem(
                        place,
                        f"two rates of {quoted(measure)} on {day} reach the same products "
                        f"(HS {', '.join(prefixes)} and HS {', '.join(clash)}): give each "
                        "product one rate",
                    )
                seen.append(prefixes)
    _check_rule_changes(name, scenario, known, problem)
    for i, measure in enumerate(scenario.disable):
        if measure not in known:
            problem(
                (*here, "disable", i), f"unknown measure {quoted(measure)} ({_known(measure_list)})"
            )
    window_names: set[str] = set()
    for i, window in enumerate(scenario.windows):
        at: Loc = (*here, "windows", i)
        if window.name in window_names:
            problem(
                (*at, "name"), f"window name {quoted(window.name)} is used twice in {quoted(name)}"
            )
        window_names.add(window.name)
        _check_window(window, at, known, measure_list, problem)


def _check_rule_changes(
    name: str, scenario: models.Scenario, known: _Known, problem: Report
) -> None:
    """A scenario's rule changes name measures of the file (not MFN), and each kind's
    entries are valid as a measure's own are."""
    here: Loc = ("scenarios", name)
    measure_list = known.listed
    for day, changed in scenario.rules.items():
        for measure, change in changed.items():
            place = (*here, "rules", day.isoformat(), measure)
            if measure not in known:
                rulable = [name for name in measure_list if name != MFN]  # MFN has no rules
                problem((*place, KEY), f"unknown measure {quoted(measure)} ({_known(rulable)})")
            elif measure not in known.parsed.measures and not known.broken.has("measures", measure):
                problem((*place, KEY), f"the {MFN} layer has no rules to change")
            for found in law.rule_changes(
                known.parsed,
                (name, day, measure),
                change,
                (known.with_mfn, measure_list),
                problem,
                broken=known.broken.has,
            ):
                for i, (prefixes, _, _) in enumerate(found.excludes):
                    known.reaches(measure, prefixes, (*place, "excludes", i), problem, "exclusion")


def _check_window(
    window: models.Window, at: Loc, known: _Known, measure_list: list[str], problem: Report
) -> None:
    if (window.days is None) == (window.until is None):
        problem(at, f"window {quoted(window.name)} needs exactly one of 'days' or 'until'")
    elif window.until is not None and window.until <= window.start:
        problem((*at, "until"), f"window {quoted(window.name)} must end after it starts")
    elif window.days is not None and date.max - window.start < timedelta(days=window.days):
        problem((*at, "days"), f"window {quoted(window.name)} runs past the year 9999")
    for measure, setting in window.set.items():
        if measure not in known:
            problem(
                (*at, "set", measure, KEY),
                f"unknown measure {quoted(measure)} ({_known(measure_list)})",
            )
        if isinstance(setting, models.ProductSetting):
            place: Loc = (*at, "set", measure)
            prefixes = law.setting_prefixes(known.parsed, setting, place, problem)
            known.reaches(measure, prefixes, place, problem)


def _chains(parsed: models.ScenarioFile, problem: Report) -> dict[str, list[str]]:
    """For each scenario, its `extends` chain from the root ancestor down to itself.

    A cycle is reported once, at its first scenario in file order; a chain longer than
    MAX_EXTENDS scenarios is refused (each scenario merges its whole chain).
    """
    parents = {name: s.extends for name, s in parsed.scenarios.items()}
    for cycle in cycles({name: [p] if p in parents else [] for name, p in parents.items()}):
        problem(("scenarios", cycle[0], "extends"), f"'extends' forms a cycle: {cycle_path(cycle)}")
    chains: dict[str, list[str]] = {}
    for name in parsed.scenarios:
        chain = [name]
        current = parents[name]
        while current is not None and current in parents and current not in chain:
            chain.append(current)
            if len(chain) > MAX_EXTENDS:
                problem(
                    ("scenarios", name, "extends"),
                    f"scenario {quoted(name)} extends a chain of more than {MAX_EXTENDS} "
                    "scenarios, the most there may be",
                )
                break
            current = parents[current]
        else:
            if current is None or current not in parents:
                chains[name] = chain[::-1]
    return chains


MAX_EXTENDS = 32
"""The longest `extends` chain: a scenario and at most 31 ancestors."""


def _inherit(parsed: models.ScenarioFile, chain: list[str], problem: Report) -> domain.Scenario:
    """Merge a scenario with its ancestors (children win on the same date and measure)."""
    changes: dict[tuple[date, str], Any] = {}
    product_changes: dict[tuple[date, str, tuple[str, ...]], Decimal] = {}
    windows: list[tuple[Loc, domain.Window]] = []
    disabled: set[str] = set()
    for ancestor in chain:
        scenario = parsed.scenarios[ancestor]
        for day, settings in scenario.changes.items():
            for measure, rate in settings.items():
                if isinstance(rate, Decimal):
                    changes[(day, measure)] = rate
                    # this scenario's rate for all products wins over an ancestor's for some
                    for key in [k for k in product_changes if k[:2] == (day, measure)]:
                        del product_changes[key]
                    continue
                for each in _settings(rate):
                    prefixes = law.setting_prefixes(parsed, each, (), None)
                    if prefixes:
                        product_changes[(day, measure, prefixes)] = each.rate
        for i, window in enumerate(scenario.windows):
            until = window.until
            if until is None and window.days is not None:
                until = window.start + timedelta(days=window.days)
            if until is None or until <= window.start:
                continue  # reported by _check_scenario
            windows.append(
                (
                    ("scenarios", ancestor, "windows", i),
                    domain.Window(
                        window.name,
                        window.start,
                        until,
                        tuple(
                            (m, r if isinstance(r, Decimal) else r.rate)
                            for m, r in window.set.items()
                        ),
                        tuple(
                            (m, law.setting_prefixes(parsed, r, (), None))
                            for m, r in window.set.items()
                            if isinstance(r, models.ProductSetting)
                        ),
                    ),
                )
            )
        disabled.update(scenario.disable)
    _check_overlaps(chain[-1], windows, problem)
    own = parsed.scenarios[chain[-1]]
    return domain.Scenario(
        name=chain[-1],
        description=own.description or "",
        changes=tuple(sorted((d, m, r) for (d, m), r in changes.items())),
        windows=tuple(w for _, w in windows),
        disabled=frozenset(disabled),
        product_changes=tuple(
            sorted(
                ((d, m, r, p) for (d, m, p), r in product_changes.items()),
                key=lambda c: (c[0], c[1]),  # stable: a date's settings keep their order
            )
        ),
        rules=_inherited_rules(parsed, chain),
    )


def _inherited_rules(
    parsed: models.ScenarioFile, chain: list[str]
) -> tuple[domain.RuleChange, ...]:
    """The rule changes of a scenario and its ancestors; a child's wins on the same date,
    measure and kind."""
    rules: dict[tuple[date, str, str], domain.RuleChange] = {}
    for ancestor in chain:
        for day, changed in parsed.scenarios[ancestor].rules.items():
            for measure, change in changed.items():
                for found in law.rule_changes(parsed, (ancestor, day, measure), change, _NONE):
                    rules[(day, measure, found.kind)] = found
    return tuple(rules[key] for key in sorted(rules))


def _check_scenario_rules(
    parsed: models.ScenarioFile, scenarios: list[domain.Scenario], problem: Report
) -> None:
    """Under each scenario that changes rules, the rules in force on any day form no cycle
    (the measures' own were checked). Two ceilings at once can only come from one change,
    whose check reports them: a change ends the rules of its kind before it."""
    base = {name: law.rules_of(m) for name, m in parsed.measures.items()}
    known = {tuple(sorted(cycle)) for cycle, _ in law.rule_cycles(base)}
    for scenario in scenarios:
        if not parsed.scenarios[scenario.name].rules:
            continue  # what it inherits is checked where it is written
        at: Loc = ("scenarios", scenario.name, "rules")
        rules = dict(base)
        for name in {c.measure for c in scenario.rules if c.measure in base}:
            rules[name] = domain.rules_under(
                base[name], (c for c in scenario.rules if c.measure == name)
            )
        own = parsed.scenarios[scenario.name].rules
        for cycle, day in law.rule_cycles(rules):
            if tuple(sorted(cycle)) not in known:
                when = "" if day == date.min else f" from {day}"
                place = next(  # the scenario's own change of a measure of the cycle
                    (
                        (*at, on.isoformat(), name)
                        for on, changed in own.items()
                        for name in changed
                        if name in cycle
                    ),
                    at,
                )
                problem(
                    place,
                    f"under scenario {quoted(scenario.name)}, 'yields_to' and 'all_in' form a "
                    f"cycle{when}: {cycle_path(cycle)}",
                )


_NONE: tuple[set[tuple[str, str]], list[str]] = (set(), [])
"""The context of a rule change read again, its problems already reported."""


def _overlap(one: tuple[str, ...], other: tuple[str, ...]) -> bool:
    """Whether two lists of HS prefixes reach a product in common."""
    return any(a.startswith(b) or b.startswith(a) for a in one for b in other)


def _settings(
    setting: Decimal | models.ProductSetting | list[models.ProductSetting],
) -> list[models.ProductSetting]:
    """A scenario change's product-level settings (none for a plain percent)."""
    if isinstance(setting, Decimal):
        return []
    return [setting] if isinstance(setting, models.ProductSetting) else setting


def _check_overlaps(
    scenario: str, windows: list[tuple[Loc, domain.Window]], problem: Report
) -> None:
    place = {id(window): loc for loc, window in windows}
    pairs: dict[tuple[int, int], list[str]] = {}  # one message a pair, naming every measure
    found: dict[tuple[int, int], tuple[domain.Window, domain.Window]] = {}
    for first, second, measure in domain.window_overlaps(w for _, w in windows):
        key = (id(first), id(second))
        pairs.setdefault(key, []).append(measure)
        found[key] = (first, second)
    for key, measures in pairs.items():
        first, second = found[key]
        own = [at for at in (place[id(second)], place[id(first)]) if at[1] == scenario]
        if own:  # ancestors report their own overlaps
            last = min(first.until, second.until) - timedelta(days=1)
            problem(
                (*own[0], "start"),
                f"windows {quoted(first.name)} and {quoted(second.name)} both set "
                f"{', '.join(quoted(m) for m in sorted(measures))} from {second.start} to "
                f"{last} (in scenario {quoted(scenario)})",
            )


def _measure(
    name: str, measure: models.Measure, problem: Report, parsed: models.ScenarioFile
) -> domain.Measure:
    """The measure, without its partner: `_measures` gives it each partner and its rates."""
    at: Loc = ("measures", name)
    set_codes, set_excludes = law.set_scope(parsed, name, measure, problem)
    product_rates: list[tuple[str, domain.Schedule]] = []
    seen: set[str] = set()
    for i, entry in enumerate(measure.product_rates):
        for j, code in enumerate(entry.hs):
            digits = hs_digits(code)
            if digits in seen:
                problem(
                    (*at, "product_rates", i, "hs", j),
                    f"HS {code} has two product rates in measure {quoted(name)}",
                )
            seen.add(digits)
            product_rates.append((digits, tuple(sorted(entry.rates.items()))))
    excludes = tuple(
        (hs_digits(code), since, note)
        for code, since, note in (
            *(
                (code, entry.from_ or date.min, entry.note or "")
                for entry in measure.excludes
                for code in entry.hs
            ),
            *set_excludes,
        )
    )
    return domain.Measure(
        name,
        measure.importer,
        "",
        measure.basis,
        (),
        applies_to=tuple(
            dict.fromkeys(hs_digits(code) for code in (*measure.applies_to, *set_codes))
        ),
        excludes=excludes,
        product_rates=tuple(product_rates),
        rules=law.rules_of(measure),
        heading=measure.heading or "",
        authority=measure.authority or "",
        on_share=measure.on_share or "",
        exempt_share=measure.exempt_share or "",
        in_transit=_in_transit(name, measure, problem),
        written=tuple(
            dict.fromkeys(
                (hs_digits(code), code)
                for code in (
                    *measure.applies_to,
                    *set_codes,
                    *(code for code, _, _ in set_excludes),
                    *(code for entry in measure.excludes for code in entry.hs),
                    *(code for entry in measure.product_rates for code in entry.hs),
                )
            )
        ),
    )


def _in_transit(
    name: str, measure: models.Measure, problem: Report
) -> tuple[domain.InTransit, ...]:
    """A measure's saving clauses: goods are loaded before they are entered, and keep the
    rate of a day before they were loaded."""
    out: list[domain.InTransit] = []
    for i, clause in enumerate(measure.in_transit):
        at: Loc = ("measures", name, "in_transit", i)
        rate_on = clause.rate_on or clause.loaded_before - timedelta(days=1)
        if clause.entered_before < clause.loaded_before:
            problem(
                (*at, "entered_before"),
                f"measure {quoted(name)}: 'entered_before' ({clause.entered_before}) is before "
                f"'loaded_before' ({clause.loaded_before}); goods are entered after they are "
                "loaded",
            )
        elif rate_on >= clause.loaded_before:
            problem(
                (*at, "rate_on"),
                f"measure {quoted(name)}: 'rate_on' ({rate_on}) must be before "
                f"'loaded_before' ({clause.loaded_before}): the goods keep an earlier rate",
            )
        else:
            out.append(
                domain.InTransit(
                    clause.loaded_before, clause.entered_before, rate_on, clause.note or ""
                )
            )
    return tuple(out)
