"""The calculation core: pure functions from a `Study` to results. No I/O, no clock.

Every measure's rate is a step function of the day: a sorted tuple of `Step`s, each rate in
force from its date until the next step. A flow's rate is the sum of its measures' rates.
All work is proportional to the number of steps, never to the number of days.

Conventions (see docs/output.md):
- rates are `Decimal` percents (30 means 30%);
- intervals are half-open, [start, until): `until` is the first day not included;
- static duties assume trade runs at the flow's annual value every day, 1/365 of it per day,
  whatever the year's length: duties = value * sum(rate% * days) / (365 * 100).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from tariffs import response as elastic
from tariffs.domain import Flow, Line, Measure, Scenario, Schedule, Study, Window

ZERO = Decimal(0)
DAYS_PER_YEAR = 365
ONE_DAY = timedelta(days=1)


class Step(NamedTuple):
    """A measure's `rate` applies from `start` until the next step. `cause` says why."""

    start: date
    rate: Decimal
    cause: str


class Change(NamedTuple):
    """A measure's rate moved from `old` to `new` at a segment's start."""

    measure: str
    old: Decimal
    new: Decimal
    cause: str


class Segment(NamedTuple):
    """[start, until) over which every layer of a flow holds one rate."""

    start: date
    until: date
    rate: Decimal
    layers: tuple[Decimal, ...]
    changes: tuple[Change, ...]

    @property
    def days(self) -> int:
        return (self.until - self.start).days


class Layer(NamedTuple):
    """One measure's part of a flow's rate: on the report date, and on average over the period.

    For a flow of several product lines both are import-weighted (pre-substitution): the
    measure's contribution to the flow's effective rate, in percentage points.
    """

    measure: str
    basis: str
    rate: Decimal
    average: Decimal


class LineClass(NamedTuple):
    """Product lines that every measure treats alike, and what they pay per unit of value.

    `rate_on` and `average` are the lines' total rate on the report date and over the period;
    `integral` is sum(rate% x days) over the period. With a trade response, `volume` is
    sum(f x days) and `dynamic` sum(f x rate% x days), f being M(t)/M0 in each segment.
    """

    lines: tuple[Line, ...]
    rate_on: Decimal
    average: Decimal
    integral: Decimal
    volume: Decimal | None
    dynamic: Decimal | None

    def per_unit(self) -> tuple[Decimal, Decimal | None, Decimal | None]:
        """Static duties, imports and dynamic duties over the period per unit of a line's
        value: a line's are its value times these (rounded once more, in the 28th digit)."""
        return (
            self.integral / (DAYS_PER_YEAR * 100),
            None if self.volume is None else self.volume / DAYS_PER_YEAR,
            None if self.dynamic is None else self.dynamic / (DAYS_PER_YEAR * 100),
        )

    def duties(self, line: Line) -> Decimal:
        """Static duties on `line` over the period."""
        return line.value * self.per_unit()[0]

    def imports(self, line: Line) -> Decimal | None:
        """Imports of `line` over the period after the trade response."""
        per_unit = self.per_unit()[1]
        return None if per_unit is None else line.value * per_unit

    def dynamic_duties(self, line: Line) -> Decimal | None:
        """Duties on the responded imports of `line` over the period."""
        per_unit = self.per_unit()[2]
        return None if per_unit is None else line.value * per_unit


class Response(NamedTuple):
    """A flow's trade response over the period (see tariffs.response and docs/economics.md).

    `rate_on` and `average` are post-substitution effective rates: weighted by the responded
    imports. `consumer_cost` and `deadweight_loss` are measured from the observed rates;
    the `delta_` fields are this scenario minus the baseline.
    """

    static_imports: Decimal
    imports: Decimal
    dynamic_duties: Decimal
    rate_on: Decimal
    average: Decimal
    observed_duties: Decimal
    consumer_cost: Decimal
    deadweight_loss: Decimal
    delta_imports: Decimal
    delta_dynamic_duties: Decimal
    delta_consumer_cost: Decimal
    delta_deadweight_loss: Decimal


class Delta(NamedTuple):
    """A scenario's metrics minus the baseline's, for one flow."""

    rate_on: Decimal
    average: Decimal
    low: Decimal
    peak: Decimal
    duties: Decimal


class FlowResult(NamedTuple):
    """One flow under one scenario over the study period."""

    flow: Flow
    rate_on: Decimal
    stack: tuple[Layer, ...]
    average: Decimal
    low: Decimal
    low_from: date
    peak: Decimal
    peak_from: date
    duties: Decimal
    segments: tuple[Segment, ...]
    delta: Delta
    classes: tuple[LineClass, ...] = ()
    line_class: tuple[int, ...] = ()  # for each line of the flow, in order, its class
    response: Response | None = None

    def lines(self) -> Iterator[tuple[Line, LineClass]]:
        """Each product line of the flow, in file order, with its class."""
        for line, index in zip(self.flow.lines, self.line_class, strict=True):
            yield line, self.classes[index]


class WindowResult(NamedTuple):
    """A window's effect on one flow, over the whole window (not clipped to the period)."""

    window: str
    flow: Flow
    first_day: date
    last_day: date
    days: int
    before: Decimal
    inside: Decimal
    after: Decimal
    cliff: Decimal
    duties_with: Decimal
    duties_without: Decimal
    saved: Decimal


class ScenarioResult(NamedTuple):
    name: str
    description: str
    flows: tuple[FlowResult, ...]
    windows: tuple[WindowResult, ...]


class StudyResult(NamedTuple):
    title: str
    start: date
    until: date
    on: date
    baseline: str
    currency: str
    sources: tuple[str, ...]
    scenarios: tuple[ScenarioResult, ...]

    @property
    def days(self) -> int:
        return (self.until - self.start).days


# --- step functions ---------------------------------------------------------------------


def rate_at(steps: tuple[Step, ...], day: date) -> Decimal:
    """The rate of a step function on `day` (0% before its first step)."""
    index = bisect_right(steps, day, key=lambda step: step.start) - 1
    return steps[index].rate if index >= 0 else ZERO


class _Plan(NamedTuple):
    """A scenario's changes and windows indexed by measure name, built once per scenario."""

    disabled: frozenset[str]
    changes: dict[str, list[tuple[date, Decimal]]]
    windows: dict[str, list[Window]]


def _plan(scenario: Scenario) -> _Plan:
    changes: dict[str, list[tuple[date, Decimal]]] = {}
    for day, name, rate in scenario.changes:  # already sorted by date
        changes.setdefault(name, []).append((day, rate))
    windows: dict[str, list[Window]] = {}
    for window in scenario.windows:
        for name, _ in window.rates:
            windows.setdefault(name, []).append(window)
    return _Plan(scenario.disabled, changes, windows)


def measure_steps(
    measure: Measure, scenario: Scenario, *, without: str | None = None
) -> tuple[Step, ...]:
    """A measure's step function under a scenario, optionally ignoring the window `without`.

    Order of precedence: the measure's own schedule, then the scenario's changes (each
    replaces the schedule from its date on), then windows (each overrides [start, until)
    and hands back to whatever the schedule says at `until`).
    """
    return _steps(measure, _plan(scenario), without)


def _steps(
    measure: Measure,
    plan: _Plan,
    without: str | None = None,
    schedule: Schedule | None = None,
) -> tuple[Step, ...]:
    if measure.name in plan.disabled:
        return (Step(date.min, ZERO, "disabled"),)
    steps = [Step(date.min, ZERO, "")]
    own = measure.rates if schedule is None else schedule
    cause = "schedule" if schedule is None else "product rate"
    steps.extend(Step(day, rate, cause) for day, rate in own)
    for day, rate in plan.changes.get(measure.name, ()):
        steps = [step for step in steps if step.start < day]
        steps.append(Step(day, rate, "scenario change"))
    windows = [w for w in plan.windows.get(measure.name, ()) if w.name != without]
    if windows:
        steps = _apply_windows(tuple(steps), measure.name, windows)
    return _without_repeats(steps)


def _apply_windows(underlying: tuple[Step, ...], measure: str, windows: list[Window]) -> list[Step]:
    """Overlay non-overlapping windows on a step function."""
    windows = sorted(windows, key=lambda w: w.start)
    by_day: dict[date, Step] = {}
    for step in underlying:
        # Windows do not overlap, so only the last one starting on or before the step can
        # cover it.
        index = bisect_right(windows, step.start, key=lambda w: w.start) - 1
        if index < 0 or windows[index].until <= step.start:
            by_day[step.start] = step
    for window in windows:  # window ends first, so an adjacent window's start wins
        by_day[window.until] = Step(
            window.until, rate_at(underlying, window.until), f"{window.name} ends"
        )
    for window in windows:
        rate = next(r for name, r in window.rates if name == measure)
        by_day[window.start] = Step(window.start, rate, f"{window.name} starts")
    return [by_day[day] for day in sorted(by_day)]


def _without_repeats(steps: Iterable[Step]) -> tuple[Step, ...]:
    kept: list[Step] = []
    for step in steps:
        if not kept or step.rate != kept[-1].rate:
            kept.append(step)
    return tuple(kept)


# --- flows ------------------------------------------------------------------------------


def segments(layers: Layers, start: date, until: date) -> tuple[Segment, ...]:
    """Cut [start, until) into segments over which no layer's rate changes."""
    current = [rate_at(steps, start) for _, steps in layers]
    events: dict[date, list[tuple[int, Step]]] = {}
    for index, (_, steps) in enumerate(layers):
        first = bisect_right(steps, start, key=lambda step: step.start)
        for step in steps[first:]:
            if step.start >= until:
                break
            events.setdefault(step.start, []).append((index, step))
    out: list[Segment] = []
    seg_start: date = start
    changes: tuple[Change, ...] = ()
    for day in sorted(events):
        out.append(_segment(seg_start, day, current, changes))
        moved: list[Change] = []
        for index, step in events[day]:
            moved.append(Change(layers[index][0].name, current[index], step.rate, step.cause))
            current[index] = step.rate
        seg_start, changes = day, tuple(moved)
    out.append(_segment(seg_start, until, current, changes))
    return tuple(out)


def _segment(
    start: date, until: date, layers: list[Decimal], changes: tuple[Change, ...]
) -> Segment:
    return Segment(start, until, sum(layers, ZERO), tuple(layers), changes)


def rate_days(parts: Iterable[Segment]) -> Decimal:
    """Sum of rate% x days: the integral of the rate over the segments."""
    return sum((seg.rate * seg.days for seg in parts), ZERO)


def static_duties(value: Decimal, rate_day_sum: Decimal) -> Decimal:
    """Duties on trade held at `value` a year, from a sum of rate% x days."""
    return value * rate_day_sum / (DAYS_PER_YEAR * 100)


Layers = list[tuple[Measure, tuple[Step, ...]]]


# --- product scope and stacking -----------------------------------------------------------


class Scope(NamedTuple):
    """How one measure treats one product: whether it applies, any exclusion, which rates."""

    applies: bool
    excluded_from: date | None
    note: str
    prefix: str  # the product_rates prefix whose schedule is used; "" for the measure's own
    schedule: Schedule


def scope_of(measure: Measure, hs: str) -> Scope:
    """The scope of `measure` for a product with HS digits `hs` ("" for unclassified).

    `applies_to` (when given) must match; an unclassified product matches only a measure
    without `applies_to`, and no exclusion or product rate. Of several exclusions the
    earliest wins; of several product rates, the longest prefix.
    """
    if measure.applies_to and not (hs and hs.startswith(measure.applies_to)):
        return _not_in_scope(measure)
    excluded: date | None = None
    note = ""
    prefix = ""
    schedule = measure.rates
    if hs:
        for start, since, text in measure.excludes:
            if hs.startswith(start) and (excluded is None or since < excluded):
                excluded, note = since, text
        for start, rates in measure.product_rates:
            if hs.startswith(start) and len(start) > len(prefix):
                prefix, schedule = start, rates
    return Scope(True, excluded, note, prefix, schedule)


class _Class(NamedTuple):
    """Lines with the same scopes under every measure and the same trade response."""

    scopes: tuple[Scope, ...]
    elasticity: Decimal | None
    observed: Decimal | None
    value: Decimal
    lines: tuple[Line, ...]


class _FlowModel(NamedTuple):
    """A flow, its measures (file order), the order to stack them in, and its line classes."""

    flow: Flow
    measures: tuple[Measure, ...]
    order: tuple[int, ...]  # each measure after the measures it yields to
    classes: tuple[_Class, ...]
    line_class: tuple[int, ...]
    memo: dict[str, _FlowLayers]  # the untouched layers, once computed (see _untouched)


def _flow_model(flow: Flow, measures: tuple[Measure, ...]) -> _FlowModel:
    """Group a flow's lines into classes; the work is once per line and scoped measure.

    Each measure's distinct scopes are numbered, so a line's class key is a tuple of small
    numbers (plus its trade response), cheap to hash for 100,000s of lines.
    """
    known: list[dict[Scope, int]] = [{} for _ in measures]
    outside = [scope_of(m, "") if not m.applies_to else None for m in measures]
    groups: dict[tuple[tuple[int, ...], Decimal | None, Decimal | None], list[int]] = {}
    for index, line in enumerate(flow.lines):
        ids = []
        for i, measure in enumerate(measures):
            if not measure.scoped:
                scope = outside[i]
            elif measure.applies_to and not (line.hs and line.hs.startswith(measure.applies_to)):
                ids.append(-1)  # not in scope
                continue
            else:
                scope = scope_of(measure, line.hs)
            ids.append(known[i].setdefault(scope, len(known[i])) if scope else -1)
        groups.setdefault((tuple(ids), line.elasticity, line.observed), []).append(index)
    scopes_of = [{number: scope for scope, number in table.items()} for table in known]
    classes: list[_Class] = []
    line_class = [0] * len(flow.lines)
    for (numbers, elasticity, observed), members in groups.items():
        for index in members:
            line_class[index] = len(classes)
        scopes = tuple(
            scopes_of[i][number] if number >= 0 else _not_in_scope(measures[i])
            for i, number in enumerate(numbers)
        )
        lines = tuple(flow.lines[i] for i in members)
        total = sum((line.value for line in lines), ZERO)
        classes.append(_Class(scopes, elasticity, observed, total, lines))
    return _FlowModel(flow, measures, _yield_order(measures), tuple(classes), tuple(line_class), {})


def _not_in_scope(measure: Measure) -> Scope:
    return Scope(False, None, "", "", measure.rates)


def _yield_order(measures: tuple[Measure, ...]) -> tuple[int, ...]:
    """Measure indexes such that each comes after the measures it yields to (no cycles)."""
    index = {m.name: i for i, m in enumerate(measures)}
    done: list[int] = []

    def visit(i: int) -> None:
        if i in done:
            return
        for name in measures[i].yields_to:
            visit(index[name])
        done.append(i)

    for i in range(len(measures)):
        visit(i)
    return tuple(done)


def _models(study: Study) -> dict[str, _FlowModel]:
    by_flow: dict[str, list[Measure]] = {flow.key: [] for flow in study.flows}
    for measure in study.measures:
        by_flow[f"{measure.importer}:{measure.exporter}"].append(measure)
    return {flow.key: _flow_model(flow, tuple(by_flow[flow.key])) for flow in study.flows}


class TooMuchWork(Exception):
    """A file asks for more work than the limit: refused before the work starts."""

    def __init__(self, needed: int, limit: int, detail: str) -> None:
        super().__init__(
            f"this file asks for about {needed:,} steps of work ({detail}), over the limit "
            f"of {limit:,}; split its scenarios or flows over several files"
        )
        self.needed = needed
        self.limit = limit


def work(study: Study, models: dict[str, _FlowModel] | None = None) -> tuple[int, str]:
    """How much work comparing every scenario of `study` takes, in steps, and why.

    A step is one rate in force from one date, made for one class of product lines under
    one scenario (a measure's schedule, its product rates, a scenario's changes); writing a
    product line's results under one scenario counts LINE_STEPS, and each flow's result
    under each scenario RESULT_STEPS. It is an upper bound of what `compare`
    makes: measures a scenario leaves alone are shared (see `_untouched`), so a scenario
    costs the measures it touches, each window once more.
    """
    models = models or _models(study)
    changes_of: list[dict[str, int]] = []
    for scenario in study.scenarios:
        counted: dict[str, int] = {}
        for _, name, _ in scenario.changes:
            counted[name] = counted.get(name, 0) + 1
        changes_of.append(counted)
    total = 0
    touched_flows = 0
    for model in models.values():
        own = [_measure_steps(m) for m in model.measures]
        every = sum(own)
        total += (len(model.classes) + 2) * every
        names = {m.name for m in model.measures}
        for scenario, changes in zip(study.scenarios, changes_of, strict=True):
            windows = [w for w in scenario.windows if names.intersection(n for n, _ in w.rates)]
            touched = names & (
                set(changes) | set(scenario.disabled) | {n for w in windows for n, _ in w.rates}
            )
            if not touched:
                continue
            touched_flows += 1
            affected = _closure(model, set(touched))
            steps = sum(own[i] + changes.get(model.measures[i].name, 0) for i in affected)
            total += ((len(model.classes) + 1) * steps + every) * (1 + len(windows))
    lines = sum(len(flow.lines) for flow in study.flows)
    total += len(study.scenarios) * (LINE_STEPS * lines + RESULT_STEPS * len(study.flows))
    detail = (
        f"{len(study.scenarios):,} scenarios, {sum(len(m.classes) for m in models.values()):,} "
        f"classes of {lines:,} product lines, "
        f"{sum(_measure_steps(m) for m in study.measures):,} dated rates, "
        f"{touched_flows:,} flows changed by a scenario"
    )
    return total, detail


LINE_STEPS = 25
"""What writing one product line's results under one scenario costs, counted in steps."""
RESULT_STEPS = 2_000
"""What one flow's result under one scenario costs beyond its steps (metrics, windows
tables, output), counted in steps: measured as about 0.6 ms, against 0.3 us a step."""


def _measure_steps(measure: Measure) -> int:
    return 2 + len(measure.rates) + sum(len(rates) for _, rates in measure.product_rates)


def check_work(study: Study, limit: int, models: dict[str, _FlowModel] | None = None) -> None:
    """Raise TooMuchWork if comparing `study` would take more than `limit` steps."""
    needed, detail = work(study, models)
    if needed > limit:
        raise TooMuchWork(needed, limit, detail)


def _exclude(steps: tuple[Step, ...], since: date, note: str) -> tuple[Step, ...]:
    """A step function that drops to 0% from `since` on (an exclusion)."""
    cause = f"excluded: {note}" if note else "excluded"
    kept = [step for step in steps if step.start < since]
    return _without_repeats([*kept, Step(since, ZERO, cause)])


def _yield(steps: tuple[Step, ...], others: list[tuple[str, tuple[Step, ...]]]) -> tuple[Step, ...]:
    """0% on the days when any of `others` is above 0%: the measure yields to them."""
    days = sorted({step.start for s in (steps, *(o for _, o in others)) for step in s})
    out: list[Step] = []
    for day in days:
        blocker = next((name for name, other in others if rate_at(other, day) > 0), None)
        if blocker is not None:
            out.append(Step(day, ZERO, f"yields to {blocker}"))
        else:
            index = bisect_right(steps, day, key=lambda step: step.start) - 1
            own = steps[index] if index >= 0 else Step(day, ZERO, "")
            out.append(Step(day, own.rate, own.cause))
    return _without_repeats(out)


_NOT_IN_SCOPE = (Step(date.min, ZERO, "not in scope"),)


def _class_layers(
    model: _FlowModel,
    scopes: tuple[Scope, ...],
    plan: _Plan,
    without: str | None = None,
    *,
    reuse: Layers | None = None,
    affected: set[int] | None = None,
) -> Layers:
    """Each measure's step function for one class of lines under a scenario.

    With `reuse` (the same class's layers with every window), only the `affected` measures
    are computed again: those the window `without` sets, and those that yield to them.
    """
    found: dict[int, tuple[Step, ...]] = {}
    for i in model.order:
        measure, scope = model.measures[i], scopes[i]
        if reuse is not None and affected is not None and i not in affected:
            found[i] = reuse[i][1]
            continue
        if not scope.applies:
            found[i] = _NOT_IN_SCOPE
            continue
        schedule = scope.schedule if scope.prefix else None
        steps = _steps(measure, plan, without, schedule)
        if scope.excluded_from is not None:
            steps = _exclude(steps, scope.excluded_from, scope.note)
        if measure.yields_to:
            names = {m.name: j for j, m in enumerate(model.measures)}
            steps = _yield(steps, [(name, found[names[name]]) for name in measure.yields_to])
        found[i] = steps
    return [(m, found[i]) for i, m in enumerate(model.measures)]


def _weighted(parts: list[tuple[Decimal, tuple[Step, ...]]], total: Decimal) -> tuple[Step, ...]:
    """The value-weighted mean of step functions: sum(value x rate) / total, at each change."""
    if len(parts) == 1:
        return parts[0][1]
    if total == 0:
        return (Step(date.min, ZERO, ""),)
    current = [ZERO] * len(parts)
    events: dict[date, list[tuple[int, Step]]] = {}
    for index, (_, steps) in enumerate(parts):
        for step in steps:
            events.setdefault(step.start, []).append((index, step))
    weighted = ZERO
    out: list[Step] = []
    for day in sorted(events):
        causes: dict[str, None] = {}
        for index, step in events[day]:
            weighted += parts[index][0] * (step.rate - current[index])
            current[index] = step.rate
            if step.cause:
                causes[step.cause] = None
        out.append(Step(day, weighted / total, "; ".join(causes)))
    return _without_repeats(out)


class _FlowLayers(NamedTuple):
    """A flow's layers under a scenario: import-weighted, and per class of lines."""

    model: _FlowModel
    layers: Layers
    classes: tuple[Layers, ...]


def _closure(model: _FlowModel, names: set[str]) -> set[int]:
    """The measures named, and those that yield to them (directly or not)."""
    grew = True
    while grew:
        more = {m.name for m in model.measures if names.intersection(m.yields_to)} - names
        names |= more
        grew = bool(more)
    return {i for i, m in enumerate(model.measures) if m.name in names}


_NO_PLAN = _Plan(frozenset(), {}, {})


def _untouched(model: _FlowModel) -> _FlowLayers:
    """The flow's layers under a plan that touches none of its measures.

    Computed once per model and shared by every scenario that leaves the flow, or some of
    its measures, alone: a scenario costs what it changes, not what the whole file holds.
    """
    found = model.memo.get("untouched")
    if found is None:
        classes = tuple(_class_layers(model, c.scopes, _NO_PLAN) for c in model.classes)
        found = model.memo["untouched"] = _FlowLayers(
            model, _weighted_layers(model, classes, range(len(model.measures))), classes
        )
    return found


def _weighted_layers(
    model: _FlowModel,
    classes: tuple[Layers, ...],
    indexes: Iterable[int],
    reuse: _FlowLayers | None = None,
) -> Layers:
    """Each measure's import-weighted steps over the classes; measures not in `indexes`
    are taken from `reuse`."""
    wanted = set(indexes)
    layers: Layers = []
    for index, measure in enumerate(model.measures):
        if reuse is not None and index not in wanted:
            layers.append(reuse.layers[index])
            continue
        parts = [
            (c.value, layers_[index][1]) for c, layers_ in zip(model.classes, classes, strict=True)
        ]
        layers.append((measure, _weighted(parts, model.flow.value)))
    return layers


def _flow_layers(
    model: _FlowModel, plan: _Plan, without: Window | None = None, reuse: _FlowLayers | None = None
) -> _FlowLayers:
    """A flow's layers under a scenario's plan.

    Only the measures the plan touches (changes, windows, disabled) and those that yield to
    them are computed; the rest come from the untouched layers. With `without`, one window
    is left out, and `reuse` (the layers with every window) supplies what it does not change.
    """
    if without is None:
        touched = set(plan.disabled) | set(plan.changes) | set(plan.windows)
        affected = _closure(model, touched)
        reuse = _untouched(model)
        if not affected:
            return reuse
        name = None
    else:
        if reuse is None:
            raise ValueError("leaving out a window needs the layers with every window")
        affected = _closure(model, {measure for measure, _ in without.rates})
        name = without.name
    classes = tuple(
        _class_layers(model, c.scopes, plan, name, reuse=old, affected=affected)
        for c, old in zip(model.classes, reuse.classes, strict=True)
    )
    return _FlowLayers(model, _weighted_layers(model, classes, affected, reuse), classes)


def _layers_by_flow(
    study: Study, plan: _Plan, models: dict[str, _FlowModel] | None = None
) -> dict[str, _FlowLayers]:
    """Every flow's layers under a scenario (measures in file order)."""
    models = models or _models(study)
    return {key: _flow_layers(model, plan) for key, model in models.items()}


def _total_at(layers: Layers, day: date) -> Decimal:
    return sum((rate_at(steps, day) for _, steps in layers), ZERO)


class _Metrics(NamedTuple):
    rate_on: Decimal
    stack: tuple[Layer, ...]
    average: Decimal
    low: Decimal
    low_from: date
    peak: Decimal
    peak_from: date
    duties: Decimal
    segments: tuple[Segment, ...]
    integral: Decimal  # sum of rate% x days: exact, so each delta needs one division
    classes: tuple[LineClass, ...]
    response: Response | None  # its deltas are filled in by compare


def _flow_metrics(study: Study, layered: _FlowLayers, on: date) -> _Metrics:
    flow, layers = layered.model.flow, layered.layers
    days = (study.until - study.start).days
    parts = segments(layers, study.start, study.until)
    integral = rate_days(parts)
    low = min(parts, key=lambda seg: seg.rate)  # min/max keep the first of equals
    peak = max(parts, key=lambda seg: seg.rate)
    per_layer = [sum((seg.layers[i] * seg.days for seg in parts), ZERO) for i in range(len(layers))]
    classes, response = _line_metrics(study, layered, on)
    return _Metrics(
        rate_on=_total_at(layers, on),
        stack=tuple(
            Layer(m.name, m.basis, rate_at(steps, on), per_layer[i] / days)
            for i, (m, steps) in enumerate(layers)
        ),
        average=integral / days,
        low=low.rate,
        low_from=low.start,
        peak=peak.rate,
        peak_from=peak.start,
        duties=static_duties(flow.value, integral),
        segments=parts,
        integral=integral,
        classes=classes,
        response=response,
    )


def _line_metrics(
    study: Study, layered: _FlowLayers, on: date
) -> tuple[tuple[LineClass, ...], Response | None]:
    """Per class of lines: rates and integrals; and the flow's trade response, if it has one.

    Imports respond segment by segment: in a segment where a line's total rate is T, its
    imports run at M0 x f(T) a year, f = ((1 + T) / (1 + T0)) ** e.
    """
    days = (study.until - study.start).days
    responds = layered.model.classes[0].elasticity is not None
    out: list[LineClass] = []
    imports = dynamic = cost = observed = ZERO
    weight_on = duty_on = ZERO
    for cls, layers in zip(layered.model.classes, layered.classes, strict=True):
        parts = segments(layers, study.start, study.until)
        integral = rate_days(parts)
        rate_on = _total_at(layers, on)
        volume = dyn = None
        if responds and cls.elasticity is not None and cls.observed is not None:
            e, t0 = cls.elasticity, cls.observed
            volume = sum((elastic.factor(g.rate, t0, e) * g.days for g in parts), ZERO)
            dyn = sum((elastic.factor(g.rate, t0, e) * g.rate * g.days for g in parts), ZERO)
            cls_cost = sum((elastic.consumer_cost(g.rate, t0, e) * g.days for g in parts), ZERO)
            imports += cls.value * volume
            dynamic += cls.value * dyn
            cost += cls.value * cls_cost
            observed += cls.value * t0 * days
            f_on = cls.value * elastic.factor(rate_on, t0, e)
            weight_on += f_on
            duty_on += f_on * rate_on
        out.append(LineClass(cls.lines, rate_on, integral / days, integral, volume, dyn))
    if not responds:
        return tuple(out), None
    dynamic_duties = dynamic / (DAYS_PER_YEAR * 100)
    observed_duties = observed / (DAYS_PER_YEAR * 100)
    consumer_cost = cost / DAYS_PER_YEAR
    response = Response(
        static_imports=layered.model.flow.value * days / DAYS_PER_YEAR,
        imports=imports / DAYS_PER_YEAR,
        dynamic_duties=dynamic_duties,
        rate_on=duty_on / weight_on if weight_on else ZERO,
        average=dynamic / imports if imports else ZERO,
        observed_duties=observed_duties,
        consumer_cost=consumer_cost,
        deadweight_loss=consumer_cost - (dynamic_duties - observed_duties),
        delta_imports=ZERO,
        delta_dynamic_duties=ZERO,
        delta_consumer_cost=ZERO,
        delta_deadweight_loss=ZERO,
    )
    return tuple(out), response


def _window_effects(
    study: Study, scenario: Scenario, plan: _Plan, by_flow: dict[str, _FlowLayers]
) -> tuple[WindowResult, ...]:
    """Each window of a scenario, for each flow it touches: rates around it, duties saved."""
    if not scenario.windows:
        return ()
    flow_of = {m.name: f"{m.importer}:{m.exporter}" for m in study.measures}
    out: list[WindowResult] = []
    for window in scenario.windows:
        keys = {flow_of[name] for name, _ in window.rates}
        for flow in study.flows:
            if flow.key not in keys:
                continue
            layered = by_flow[flow.key]
            layers = layered.layers
            bare = _flow_layers(layered.model, plan, window, layered).layers
            inside = rate_days(segments(layers, window.start, window.until))
            outside = rate_days(segments(bare, window.start, window.until))
            last = window.until - ONE_DAY
            out.append(
                WindowResult(
                    window=window.name,
                    flow=flow,
                    first_day=window.start,
                    last_day=last,
                    days=(window.until - window.start).days,
                    before=_total_at(layers, window.start - ONE_DAY),
                    inside=_total_at(layers, window.start),
                    after=_total_at(layers, window.until),
                    cliff=_total_at(layers, window.until) - _total_at(layers, last),
                    duties_with=static_duties(flow.value, inside),
                    duties_without=static_duties(flow.value, outside),
                    saved=static_duties(flow.value, outside - inside),
                )
            )
    return tuple(out)


def _against(m: Response | None, b: Response | None) -> Response | None:
    """A scenario's response with its deltas against the baseline's."""
    if m is None or b is None:
        return None
    return m._replace(
        delta_imports=m.imports - b.imports,
        delta_dynamic_duties=m.dynamic_duties - b.dynamic_duties,
        delta_consumer_cost=m.consumer_cost - b.consumer_cost,
        delta_deadweight_loss=m.deadweight_loss - b.deadweight_loss,
    )


def compare(
    study: Study,
    *,
    on: date | None = None,
    baseline: str | None = None,
    only: tuple[str, ...] = (),
) -> StudyResult:
    """Compute every flow under every scenario (or those in `only`), with deltas.

    Deltas are against `baseline` (default: the study's), which is computed even when
    `only` leaves it out. Unknown names raise `KeyError`; the CLI checks them first.
    """
    report_on = on or study.on
    base_name = baseline or study.baseline
    wanted = only or tuple(s.name for s in study.scenarios)
    metrics: dict[str, list[_Metrics]] = {}
    plans = {name: _plan(study.scenario(name)) for name in dict.fromkeys((base_name, *wanted))}
    models = _models(study)
    layers: dict[str, dict[str, _FlowLayers]] = {}
    shared: dict[int, _Metrics] = {}  # scenarios that leave a flow alone share its metrics
    for name, plan in plans.items():
        layers[name] = _layers_by_flow(study, plan, models)
        metrics[name] = []
        for flow in study.flows:
            layered = layers[name][flow.key]
            found = shared.get(id(layered))
            if found is None:
                found = shared[id(layered)] = _flow_metrics(study, layered, report_on)
            metrics[name].append(found)
    study_days = (study.until - study.start).days
    results = []
    for name in wanted:
        scenario = study.scenario(name)
        flows = tuple(
            FlowResult(
                flow=flow,
                rate_on=m.rate_on,
                stack=m.stack,
                average=m.average,
                low=m.low,
                low_from=m.low_from,
                peak=m.peak,
                peak_from=m.peak_from,
                duties=m.duties,
                segments=m.segments,
                delta=Delta(
                    rate_on=m.rate_on - b.rate_on,
                    average=(m.integral - b.integral) / study_days,
                    low=m.low - b.low,
                    peak=m.peak - b.peak,
                    duties=static_duties(flow.value, m.integral - b.integral),
                ),
                classes=m.classes,
                line_class=models[flow.key].line_class,
                response=_against(m.response, b.response),
            )
            for flow, m, b in zip(study.flows, metrics[name], metrics[base_name], strict=True)
        )
        windows = _window_effects(study, scenario, plans[name], layers[name])
        results.append(ScenarioResult(name, scenario.description, flows, windows))
    return StudyResult(
        title=study.title,
        start=study.start,
        until=study.until,
        on=report_on,
        baseline=base_name,
        currency=study.currency,
        sources=study.sources,
        scenarios=tuple(results),
    )


class TimelineEntry(NamedTuple):
    """One flow under one scenario: its measures, and the segments of the period."""

    scenario: str
    flow: Flow
    measures: tuple[Measure, ...]
    segments: tuple[Segment, ...]


class TimelineResult(NamedTuple):
    title: str
    start: date
    until: date
    entries: tuple[TimelineEntry, ...]


def timelines(study: Study, scenarios: tuple[str, ...], flows: tuple[Flow, ...]) -> TimelineResult:
    """The segments of each flow under each scenario over the study period."""
    entries = []
    models = _models(study)
    for name in scenarios:
        by_flow = _layers_by_flow(study, _plan(study.scenario(name)), models)
        for flow in flows:
            layers = by_flow[flow.key].layers
            entries.append(
                TimelineEntry(
                    name,
                    flow,
                    tuple(m for m, _ in layers),
                    segments(layers, study.start, study.until),
                )
            )
    return TimelineResult(study.title, study.start, study.until, tuple(entries))


def flow_rate_on(study: Study, scenario: str, flow: str, day: date) -> Decimal:
    """A flow's (import-weighted) rate on `day` under `scenario`; `flow` is 'US:CN'."""
    layered = _layers_by_flow(study, _plan(study.scenario(scenario)))[flow]
    return _total_at(layered.layers, day)


def product_layers(
    study: Study, flow: Flow, hs: str, scenario: str
) -> tuple[Layers, tuple[Scope, ...], frozenset[str]]:
    """Each measure's step function for one product (HS digits) of `flow` under `scenario`,
    with the product's scope under each measure and the measures the scenario disables."""
    model = _models(study)[flow.key]
    scopes = tuple(scope_of(m, hs) for m in model.measures)
    plan = _plan(study.scenario(scenario))
    return _class_layers(model, scopes, plan), scopes, plan.disabled
