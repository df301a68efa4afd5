"""How much work a comparison takes, counted before it starts (see limits.MAX_WORK). Pure."""

from __future__ import annotations

from tariffs.calc.scope import FlowModel, closure, flow_models
from tariffs.domain import AUTHORITIES, Flow, Measure, Scenario, Study, counted


class TooMuchWork(Exception):
    """A file asks for more work than the limit: refused before the work starts."""

    def __init__(self, needed: int, limit: int, detail: str, unit: str = "steps of work") -> None:
        super().__init__(
            f"this file asks for about {needed:,} {unit} ({detail}), over the limit "
            f"of {limit:,}; split its scenarios or flows over several files"
        )
        self.needed = needed
        self.limit = limit


def work(study: Study, models: dict[str, FlowModel] | None = None) -> tuple[int, str]:
    """How much work comparing every scenario of `study` takes, in steps, and why.

    A step is one rate in force from one date, made for one class of product lines under
    one scenario (a measure's schedule, its product rates, a scenario's changes); writing a
    product line's results under one scenario counts LINE_STEPS, and each flow's result
    under each scenario RESULT_STEPS. It is an upper bound of what `compare`
    makes: measures a scenario leaves alone are shared (see `_untouched`), so a scenario
    costs the measures it touches, each window once more.
    """
    models = models or flow_models(study)
    total = sum(model_steps(model) for model in models.values())
    touched_flows = 0
    for scenario in study.scenarios:
        steps, touched = scenario_steps(study, scenario, models)
        total += steps
        touched_flows += touched
    total += EXPECTATION_STEPS * len(study.expectations)
    lines = sum(len(flow.lines) for flow in study.flows)
    total += market_steps(study)
    detail = (
        f"{len(study.scenarios):,} scenarios, {sum(len(m.classes) for m in models.values()):,} "
        f"classes of {lines:,} product lines{_parts_text(models)}, "
        f"{sum(_measure_steps(m) for m in study.measures):,} dated rates, "
        f"{touched_flows:,} flows changed by a scenario{_markets_text(study)}"
    )
    return total, detail


def _parts(model: FlowModel) -> tuple[int, int]:
    """The parts of the classes of a flow's lines (a class not cut by shares is one part),
    and the parts of the classes that are cut."""
    parts = sum(len(c.parts) or 1 for c in model.classes)
    cut = sum(len(c.parts) for c in model.classes if len(c.parts) > 1)
    return parts, cut


def _dated(model: FlowModel) -> int:
    """The dates of the classes' shares by date: each measure weighs its parts again on
    each of them."""
    return sum(len(f) for c in model.classes for f, _ in c.parts if isinstance(f, tuple))


def model_steps(model: FlowModel) -> int:
    """The work of the layers of a flow that no scenario touches, made once and shared:
    every measure's steps for every part of every class of its lines, and their weighting."""
    parts, cut = _parts(model)
    every = sum(_measure_steps(m) for m in model.measures)
    return (parts + 2) * every + 2 * PART_STEPS * cut + _dated(model) * len(model.measures)


def remade_steps(model: FlowModel) -> int:
    """The work of making a flow's model and untouched layers again (a sweep's variant of
    one of its measures, its value or its lines): each line scoped under each measure, each
    measure's steps made for each part of each class of lines, and model_steps."""
    parts, _ = _parts(model)
    lines = len(model.flow.lines)
    return model_steps(model) + (SCOPE_STEPS * lines + MAKE_STEPS * parts) * len(model.measures)


def scenario_steps(
    study: Study, scenario: Scenario, models: dict[str, FlowModel], made: int = 0
) -> tuple[int, int]:
    """The work of one scenario's result, once the untouched layers are made (model_steps):
    the measures it touches on each flow (changes, rules, disabled, windows) and those that depend
    on them through rules, made again for every part of every class; each window once more;
    and writing every flow's result. `made` counts what making one measure's steps for one
    part costs beyond its dated rates (a sweep's variants, where it dominates: MAKE_STEPS).
    Returns the steps and the number of flows it touches."""
    changes: dict[str, int] = {}
    for _, name, _ in scenario.changes:
        changes[name] = changes.get(name, 0) + 1
    for _, name, _, _ in scenario.product_changes:
        changes[name] = changes.get(name, 0) + 1
    total = 0
    touched_flows = 0
    for model in models.values():
        names = {m.name for m in model.measures}
        windows = [w for w in scenario.windows if names.intersection(n for n, _ in w.rates)]
        touched = names & (
            set(changes)
            | set(scenario.disabled)
            | {n for w in windows for n, _ in w.rates}
            | {change.measure for change in scenario.rules}
        )
        if not touched:
            continue
        touched_flows += 1
        parts, cut = _parts(model)
        every = sum(_measure_steps(m) for m in model.measures)
        affected = closure(model, set(touched))
        set_by = dict.fromkeys(names, 0)
        for window in windows:
            for name, _ in window.rates:
                set_by[name] = set_by.get(name, 0) + 1
        steps = sum(
            made + _measure_steps(m) + changes.get(m.name, 0) + 2 * set_by.get(m.name, 0)
            for i, m in enumerate(model.measures)
            if i in affected
        )  # each window's counterfactual makes the steps of its measures again
        redone = (parts + 1) * steps + every + PART_STEPS * cut + _dated(model) * len(affected)
        total += redone * (1 + WINDOW_FACTOR * len(windows))
    lines = sum(len(flow.lines) for flow in study.flows)
    layers = len(study.measures)  # each flow's result lists its measures: all flows, all
    total += LINE_STEPS * lines + RESULT_STEPS * len(study.flows) + LAYER_STEPS * layers
    total += WINDOW_STEPS * len(scenario.windows)
    return total, touched_flows


def _markets_text(study: Study) -> str:
    linear = {m.importer for m in study.markets if m.model == "gsim"}
    if not linear:
        return f", {counted(len(study.markets), 'market')}" if study.markets else ""
    regions = linear | {f.exporter for f in study.flows if f.importer in linear}
    return f", gsim markets over {len(regions):,} regions"


def market_steps(study: Study) -> int:
    """The work of the study's markets: each is solved once per stretch of constant rates
    (at most one per date on which a rate, a change or a window edge falls, plus one, and
    once more on the report date) under each scenario. A `ces` stretch costs CES_STEPS a
    partner; the `gsim` markets, solved together, cost GSIM_STEPS x N^3 for N regions."""
    if not study.markets:
        return 0
    dates = {d for m in study.measures for d, _ in m.rates}
    dates |= {d for m in study.measures for _, rates in m.product_rates for d, _ in rates}
    for scenario in study.scenarios:
        dates |= {d for d, _, _ in scenario.changes}
        dates |= {w.start for w in scenario.windows} | {w.until for w in scenario.windows}
    stretches = sum(1 for d in dates if study.start < d < study.until) + 2
    partners = {m.importer: 0 for m in study.markets}
    for flow in study.flows:
        if flow.importer in partners:
            partners[flow.importer] += 1
    linear = {m.importer for m in study.markets if m.model == "gsim"}
    regions = set(linear) | {f.exporter for f in study.flows if f.importer in linear}
    per_stretch = sum(CES_STEPS * n for name, n in partners.items() if name not in linear)
    per_stretch += GSIM_STEPS * len(regions) ** 3
    return len(study.scenarios) * stretches * per_stretch


CES_STEPS = 200
"""One partner of a `ces` market on one stretch: its powers and logarithms in Decimal,
measured at about 60 us, at 0.3 us a step."""

GSIM_STEPS = 3
"""One unit of N^3 of the `gsim` system on one stretch (its elimination and products):
measured at about 1 us for 30 regions, at 0.3 us a step."""


def _parts_text(models: dict[str, FlowModel]) -> str:
    cut = sum(len(c.parts) for m in models.values() for c in m.classes if len(c.parts) > 1)
    return f" ({cut:,} parts of lines cut by shares of value)" if cut else ""


PART_STEPS = 200
"""The work of one part of a line cut by its shares, made once more under one scenario:
its stack is made on its own, whatever its measures' steps: about 60 us, at 0.3 us a step."""

WINDOW_FACTOR = 5
"""A window's counterfactual remakes its measures' steps with windows applied (sorting and
searching them): measured at about five times the cost of making them once."""

LAYER_STEPS = 100
"""What one measure's part of one flow's result under one scenario costs to write."""

WINDOW_STEPS = 500
"""What one window's effect costs beyond its steps (its rates, duties and output)."""

EXPECTATION_STEPS = 200
"""What one expectation costs to read, evaluate and report."""

LINE_STEPS = 25
"""What writing one product line's results under one scenario costs, counted in steps."""

RESULT_STEPS = 2_000
"""What one flow's result under one scenario costs beyond its steps (metrics, windows
tables, output), counted in steps: measured as about 0.6 ms, against 0.3 us a step."""


SCOPE_STEPS = 12
"""What finding one product line's scope under one measure costs, when a flow's model is
made: measured at about 4 us on scenarios/world-2025.yaml, against 0.3 us a step."""

MAKE_STEPS = 35
"""What making one measure's steps for one part of a class of lines costs beyond its dated
rates (its scope, rules and weighting): measured at about 11 us on world-2025.yaml."""


def _measure_steps(measure: Measure) -> int:
    return 2 + len(measure.rates) + sum(len(rates) for _, rates in measure.product_rates)


def check_work(study: Study, limit: int, models: dict[str, FlowModel] | None = None) -> None:
    """Raise TooMuchWork if comparing `study` would take more than `limit` steps."""
    needed, detail = work(study, models)
    if needed > limit:
        raise TooMuchWork(needed, limit, detail)


def timeline_cells(
    study: Study,
    scenarios: tuple[str, ...],
    flows: tuple[Flow, ...],
    importers: tuple[str, ...] = (),
) -> int:
    """An upper bound of the cells of a timeline: for each scenario and flow shown, its
    segments (at most one per dated rate, change and window edge of the flow's measures,
    plus one) times its columns (one per measure, and five more). An importer's total has
    at most the segments of all its flows, and a column per measure, partner and authority
    (and five more)."""
    by_flow: dict[str, list[Measure]] = {}
    for measure in study.measures:
        by_flow.setdefault(f"{measure.importer}:{measure.exporter}", []).append(measure)
    total = 0
    for name in scenarios:
        scenario = study.scenario(name)

        def steps_of(flow: Flow, scenario: Scenario = scenario) -> tuple[int, int]:
            measures = by_flow.get(flow.key, [])
            names = {m.name for m in measures}
            steps = sum(_measure_steps(m) for m in measures)
            steps += sum(1 for _, m, _ in scenario.changes if m in names)
            steps += sum(2 for w in scenario.windows for m, _ in w.rates if m in names)
            return steps + 1, len(measures)

        for flow in flows:
            rows, columns = steps_of(flow)
            total += rows * (columns + 5)
        for importer in importers:
            found = [steps_of(f) for f in study.flows if f.importer == importer]
            columns = sum(c for _, c in found) + len(found) + len(AUTHORITIES) + 7
            total += sum(r for r, _ in found) * columns
    return total


def check_timeline(
    study: Study,
    scenarios: tuple[str, ...],
    flows: tuple[Flow, ...],
    limit: int,
    importers: tuple[str, ...] = (),
) -> None:
    """Raise TooMuchWork if the timeline could have more than `limit` cells."""
    cells = timeline_cells(study, scenarios, flows, importers)
    if cells > limit:
        totals = f" and {counted(len(importers), 'importer total')}" if importers else ""
        raise TooMuchWork(
            cells,
            limit,
            f"{counted(len(scenarios), 'scenario')} x {counted(len(flows), 'flow')}{totals}, "
            "each a row per change of rate and a column per measure",
            unit="cells",
        )
