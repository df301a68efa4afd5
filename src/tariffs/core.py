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
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from tariffs.domain import Expectation, Flow, Measure, Scenario, Study, Window

ZERO = Decimal(0)
DAYS_PER_YEAR = 365
ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Step:
    """A measure's `rate` applies from `start` until the next step. `cause` says why."""

    start: date
    rate: Decimal
    cause: str


@dataclass(frozen=True, slots=True)
class Change:
    """A measure's rate moved from `old` to `new` at a segment's start."""

    measure: str
    old: Decimal
    new: Decimal
    cause: str


@dataclass(frozen=True, slots=True)
class Segment:
    """[start, until) over which every layer of a flow holds one rate."""

    start: date
    until: date
    rate: Decimal
    layers: tuple[Decimal, ...]
    changes: tuple[Change, ...]

    @property
    def days(self) -> int:
        return (self.until - self.start).days


@dataclass(frozen=True, slots=True)
class Layer:
    """One measure's part of a flow's rate on a date."""

    measure: str
    basis: str
    rate: Decimal


@dataclass(frozen=True, slots=True)
class Delta:
    """A scenario's metrics minus the baseline's, for one flow."""

    rate_on: Decimal
    average: Decimal
    low: Decimal
    peak: Decimal
    duties: Decimal


@dataclass(frozen=True, slots=True)
class FlowResult:
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


@dataclass(frozen=True, slots=True)
class WindowResult:
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


@dataclass(frozen=True, slots=True)
class ScenarioResult:
    name: str
    description: str
    flows: tuple[FlowResult, ...]
    windows: tuple[WindowResult, ...]


@dataclass(frozen=True, slots=True)
class StudyResult:
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


@dataclass(frozen=True, slots=True)
class _Plan:
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


def _steps(measure: Measure, plan: _Plan, without: str | None = None) -> tuple[Step, ...]:
    if measure.name in plan.disabled:
        return (Step(date.min, ZERO, "disabled"),)
    steps = [Step(date.min, ZERO, "")]
    steps.extend(Step(day, rate, "schedule") for day, rate in measure.rates)
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


def _layers_by_flow(study: Study, plan: _Plan) -> dict[str, Layers]:
    """Every flow's measures with their step functions under a scenario (file order)."""
    out: dict[str, Layers] = {flow.key: [] for flow in study.flows}
    for measure in study.measures:
        out[f"{measure.importer}:{measure.exporter}"].append((measure, _steps(measure, plan)))
    return out


def _total_at(layers: Layers, day: date) -> Decimal:
    return sum((rate_at(steps, day) for _, steps in layers), ZERO)


@dataclass(frozen=True, slots=True)
class _Metrics:
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


def _flow_metrics(study: Study, flow: Flow, layers: Layers, on: date) -> _Metrics:
    parts = segments(layers, study.start, study.until)
    integral = rate_days(parts)
    low = min(parts, key=lambda seg: seg.rate)  # min/max keep the first of equals
    peak = max(parts, key=lambda seg: seg.rate)
    return _Metrics(
        rate_on=_total_at(layers, on),
        stack=tuple(Layer(m.name, m.basis, rate_at(steps, on)) for m, steps in layers),
        average=integral / (study.until - study.start).days,
        low=low.rate,
        low_from=low.start,
        peak=peak.rate,
        peak_from=peak.start,
        duties=static_duties(flow.value, integral),
        segments=parts,
        integral=integral,
    )


def _window_effects(
    study: Study, scenario: Scenario, plan: _Plan, by_flow: dict[str, Layers]
) -> tuple[WindowResult, ...]:
    """Each window of a scenario, for each flow it touches: rates around it, duties saved."""
    if not scenario.windows:
        return ()
    flow_of = {m.name: f"{m.importer}:{m.exporter}" for m in study.measures}
    out: list[WindowResult] = []
    for window in scenario.windows:
        touched = {name for name, _ in window.rates}
        keys = {flow_of[name] for name in touched}
        for flow in study.flows:
            if flow.key not in keys:
                continue
            layers = by_flow[flow.key]
            bare = [
                (m, _steps(m, plan, window.name) if m.name in touched else steps)
                for m, steps in layers
            ]
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
    layers: dict[str, dict[str, Layers]] = {}
    for name, plan in plans.items():
        layers[name] = _layers_by_flow(study, plan)
        metrics[name] = [
            _flow_metrics(study, flow, layers[name][flow.key], report_on) for flow in study.flows
        ]
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


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One flow under one scenario: its measures, and the segments of the period."""

    scenario: str
    flow: Flow
    measures: tuple[Measure, ...]
    segments: tuple[Segment, ...]


@dataclass(frozen=True, slots=True)
class TimelineResult:
    title: str
    start: date
    until: date
    entries: tuple[TimelineEntry, ...]


def timelines(study: Study, scenarios: tuple[str, ...], flows: tuple[Flow, ...]) -> TimelineResult:
    """The segments of each flow under each scenario over the study period."""
    entries = []
    for name in scenarios:
        by_flow = _layers_by_flow(study, _plan(study.scenario(name)))
        for flow in flows:
            layers = by_flow[flow.key]
            entries.append(
                TimelineEntry(
                    name,
                    flow,
                    tuple(m for m, _ in layers),
                    segments(layers, study.start, study.until),
                )
            )
    return TimelineResult(study.title, study.start, study.until, tuple(entries))


@dataclass(frozen=True, slots=True)
class Outcome:
    """An expectation, the value the calculation gave for it, and whether it held."""

    expectation: Expectation
    got: Decimal
    passed: bool
    on: date | None  # the date of a "rate" expectation: its own, or the study's


def check(study: Study) -> tuple[Outcome, ...]:
    """Evaluate the study's expectations against its results, in file order."""
    if not study.expectations:
        return ()
    result = compare(study)
    flows = {(s.name, f.flow.key): f for s in result.scenarios for f in s.flows}
    saved: dict[tuple[str, str, str], Decimal] = {}
    for s in result.scenarios:
        for w in s.windows:  # a child may reuse an ancestor's window name: add them up
            key = (s.name, w.window, w.flow.key)
            saved[key] = saved.get(key, ZERO) + w.saved
    layers: dict[str, dict[str, Layers]] = {}
    outcomes = []
    for e in study.expectations:
        flow = flows[(e.scenario, e.flow)]
        if e.metric == "rate" and e.on is not None and e.on != result.on:
            if e.scenario not in layers:
                layers[e.scenario] = _layers_by_flow(study, _plan(study.scenario(e.scenario)))
            got = _total_at(layers[e.scenario][e.flow], e.on)
        elif e.metric == "saved":
            got = saved[(e.scenario, e.window or "", e.flow)]
        else:
            got = {
                "rate": flow.rate_on,
                "average": flow.average,
                "low": flow.low,
                "peak": flow.peak,
                "duties": flow.duties,
            }[e.metric]
        on = (e.on or result.on) if e.metric == "rate" else None
        outcomes.append(Outcome(e, got, e.bound.accepts(got), on))
    return tuple(outcomes)
