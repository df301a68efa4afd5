"""Sweeps: one scenario over a grid of varied numbers, and break-even answers. Pure.

A variant is made from the loaded, validated domain values (the file is not read again):
each varied number takes its value, and the variant is checked again as a file would be
(windows that end before they start, or overlap another window setting the same
measure). An invalid variant is a row with its reason, not an error. See docs/sweep.md.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterator, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from tariffs import metrics
from tariffs.calc import trade
from tariffs.calc.compare import scenario_result
from tariffs.calc.cost import (
    MAKE_STEPS,
    market_steps,
    model_steps,
    remade_steps,
    scenario_steps,
)
from tariffs.calc.market import observed_rates
from tariffs.calc.results import (
    Answer,
    Point,
    ScenarioResult,
    SolveResult,
    StudyResult,
    VariantRow,
)
from tariffs.calc.scope import FlowModel, flow_models
from tariffs.domain import (
    Flow,
    Line,
    Market,
    Measure,
    Scenario,
    Study,
    Sweep,
    Target,
    Vary,
    VaryValue,
    Window,
    counted,
    quoted,
    window_overlaps,
)

GLOBAL_KINDS = frozenset({"measure", "flow", "line", "market"})
"""Targets that change the file's measures, flows, lines or markets: every scenario sees
them, the baseline too."""

DEFAULT_METRICS = ("rate_on", "average_rate", "static_duties")
"""What a sweep reports when it names no metrics; `duties_saved` follows when the swept
scenario has windows, and `imports` and `dynamic_duties` when a flow responds."""

RESOLUTION = {"days": Decimal(1), "date": Decimal(1)}
"""How finely `solve` bisects days and dates: whole days."""

FINEST = Decimal("0.000001")
"""How finely `solve` bisects rates, amounts and elasticities: the finest a file writes."""

MAX_BISECTIONS = 200
"""Bisection steps at most (a range of 1e18 at 1e-6 takes 80)."""


class Invalid(Exception):
    """A variant that a file could not state: its row says why."""


def default_metrics(study: Study, scenario: Scenario) -> tuple[str, ...]:
    names = list(DEFAULT_METRICS)
    if scenario.windows:
        names.append("duties_saved")
    if any(flow.lines[0].elasticity is not None for flow in study.flows):
        names.extend(("imports", "dynamic_duties"))
    if study.markets:
        names.extend(("market_imports", "share_after"))
    return tuple(names)


class SweepCost(NamedTuple):
    """The work of a sweep, in the steps of tariffs.calc.cost (see sweep_cost)."""

    once: int
    """What no variant changes, made once."""
    each: int
    """What one variant makes again."""
    variants: int
    """The variants."""
    changed: tuple[str, ...]
    """The flows each variant makes again (their models and untouched layers)."""
    baseline: bool
    """Whether each variant makes the baseline's result again (a variant of the file)."""

    @property
    def total(self) -> int:
        return self.once + self.variants * self.each


def sweep_cost(study: Study, sweep: Sweep, baseline: str | None = None) -> SweepCost:
    """The work of a sweep, counted from what each variant makes again (see Sweeper):

    - what no variant changes is made once: every flow's untouched layers (model_steps),
      and the baseline's result when only the swept scenario varies;
    - a variant of the swept scenario (`window:`, `change:`) makes its result again: the
      measures it touches on each flow and those that depend on them through rules, and
      every flow's result (scenario_steps);
    - a variant of the file (`measure:`, `flow:`, `line:`, `market:`) makes, besides, the
      baseline's result, and the model and the untouched layers of every flow it changes
      (remade_steps: a measure's schedule changes every flow and class of lines it is on,
      and all that depends on it);
    - each result counts its markets' work too (cost.market_steps).
    """
    models = flow_models(study)
    swept = study.scenario(sweep.scenario)
    base = study.scenario(baseline or study.baseline)
    changed = _changed_flows(study, sweep)
    base_steps = _result_steps(study, base, models)
    each = _result_steps(study, swept, models)
    once = sum(model_steps(model) for model in models.values())
    again = any(one.target.kind in GLOBAL_KINDS for one in sweep.vary)
    if again:
        each += base_steps + sum(remade_steps(models[key]) for key in changed)
    else:
        once += base_steps
    count = math.prod(len(one.values) for one in sweep.vary)
    return SweepCost(once, each, count, changed, again)


def sweep_work(study: Study, sweep: Sweep, baseline: str | None = None) -> tuple[int, str]:
    """The work of a sweep in steps (see sweep_cost), and how it is made up."""
    cost = sweep_cost(study, sweep, baseline)
    detail = f"{counted(cost.variants, 'variant')} of about {counted(cost.each, 'step')} each"
    if cost.changed:
        detail += f", each making {counted(len(cost.changed), 'flow')} and the baseline again"
    elif cost.baseline:
        detail += ", each making the baseline again"
    return cost.total, detail


def _result_steps(study: Study, scenario: Scenario, models: dict[str, FlowModel]) -> int:
    """The work of one scenario's result (scenario_steps) and of its markets."""
    steps, _ = scenario_steps(study, scenario, models, MAKE_STEPS)
    return steps + market_steps(study._replace(scenarios=(scenario,)))


def _changed_flows(study: Study, sweep: Sweep) -> tuple[str, ...]:
    """The flows that a sweep's variants of the file change: each flow a varied measure is
    on (a measure over many partners is on each), and each varied flow or line's flow."""
    changed: dict[str, None] = {}
    for one in sweep.vary:
        target = one.target
        if target.kind == "measure":
            for measure in study.measures:
                if measure.name == target.name:
                    changed[f"{measure.importer}:{measure.exporter}"] = None
        elif target.kind in {"flow", "line"}:  # a market's elasticities change no flow
            changed[target.name] = None
    keys = {flow.key for flow in study.flows}
    return tuple(key for key in changed if key in keys)


# --- making a variant ------------------------------------------------------------------------


def _window_index(windows: list[Window], name: str) -> int:
    for index, window in enumerate(windows):
        if window.name == name:
            return index
    raise KeyError(name)


def _move_window(window: Window, target: Target, value: VaryValue) -> Window:
    if target.field == "rate":
        rates = tuple((m, value if m == target.measure else r) for m, r in window.rates)
        return window._replace(rates=rates)  # type: ignore[arg-type]
    try:
        if target.field == "start" and isinstance(value, date):
            return window._replace(start=value, until=value + (window.until - window.start))
        if target.field == "days" and isinstance(value, Decimal):
            return window._replace(until=window.start + timedelta(days=int(value)))
        if target.field == "until" and isinstance(value, date):
            return window._replace(until=value)
    except OverflowError:
        raise Invalid(f"window {quoted(window.name)} would run past the year 9999") from None
    raise ValueError(f"cannot set {target.field} of a window to {value!r}")


def _scenario(scenario: Scenario, pairs: Sequence[tuple[Target, VaryValue]]) -> Scenario:
    windows = list(scenario.windows)
    changes = scenario.changes
    # a window's start first: its days or until are counted from the new start
    for target, value in sorted(pairs, key=lambda pair: pair[0].field != "start"):
        if target.kind == "window":
            index = _window_index(windows, target.name)
            windows[index] = _move_window(windows[index], target, value)
        elif target.kind == "change" and isinstance(value, Decimal):
            changes = tuple(
                (d, m, value if (d, m) == (target.day, target.measure) else r)
                for d, m, r in changes
            )
    return scenario._replace(windows=tuple(windows), changes=changes)


def _measure(measure: Measure, target: Target, value: Decimal) -> Measure:
    rates = tuple((d, value if d == target.day else r) for d, r in measure.rates)
    return measure._replace(rates=rates)


def _scaled(lines: Sequence[Line], factor: Decimal) -> list[Line]:
    return [line._replace(value=line.value * factor) for line in lines]


def _response(lines: list[Line], target: Target, value: Decimal) -> list[Line]:
    """The lines with the elasticity or observed rate of one line (or every line) set."""
    out = []
    for line in lines:
        if target.kind == "line" and line.hs != target.hs:
            out.append(line)
        elif target.field == "elasticity":
            out.append(line._replace(elasticity=value))
        else:
            out.append(line._replace(observed=value))
    return out


def _share(flow: Flow, lines: list[Line], index: int, share: Decimal) -> list[Line]:
    """One line takes `share` percent of the flow's value; the others keep what is left
    between them, in proportion."""
    total = flow.value
    rest = total - lines[index].value
    mine = total * share / 100
    if rest == 0 and mine != total:
        raise Invalid(
            f"the other lines of flow {flow.key} hold nothing to take {100 - share}% of its value"
        )
    out = _scaled(lines, (total - mine) / rest if rest else Decimal(0))
    out[index] = out[index]._replace(value=mine)
    return out


def _flow(flow: Flow, target: Target, value: Decimal) -> Flow:
    lines = list(flow.lines)
    if target.field in {"elasticity", "observed_at"}:
        lines = _response(lines, target, value)
    elif target.kind == "flow":  # its value: every line in proportion
        if len(lines) == 1:
            lines = [lines[0]._replace(value=value)]
        elif flow.value == 0:
            raise Invalid(f"the lines of flow {flow.key} hold nothing to scale; vary a line")
        else:
            lines = _scaled(lines, value / flow.value)
    else:
        index = next(i for i, line in enumerate(lines) if line.hs == target.hs)
        if target.field == "value":
            lines[index] = lines[index]._replace(value=value)
        else:
            lines = _share(flow, lines, index, value)
    return Flow(
        flow.importer,
        flow.exporter,
        sum((line.value for line in lines), Decimal(0)),
        tuple(lines),
        flow.classified,
    )


def _study(study: Study, pairs: Sequence[tuple[Target, VaryValue]]) -> tuple[Study, set[str]]:
    """The study with its measures, flows and lines varied, and the flows they touch."""
    measures = list(study.measures)
    flows = list(study.flows)
    markets = list(study.markets)
    touched: set[str] = set()
    for target, value in pairs:
        if not isinstance(value, Decimal):
            raise ValueError(f"{target.text} takes numbers")
        if target.kind == "market":  # the market's elasticities: no flow changes
            markets = [
                _market(m, target, value) if m.importer == target.name else m for m in markets
            ]
        elif target.kind == "measure":  # a name may hold one measure per partner: vary each
            for index, found in enumerate(measures):
                if found.name == target.name:
                    measures[index] = _measure(found, target, value)
                    touched.add(f"{found.importer}:{found.exporter}")
        else:
            index = next(i for i, f in enumerate(flows) if f.key == target.name)
            flows[index] = _flow(flows[index], target, value)
            touched.add(target.name)
    changed = study._replace(measures=tuple(measures), flows=tuple(flows), markets=tuple(markets))
    return changed, touched


def _market(market: Market, target: Target, value: Decimal) -> Market:
    if target.field == "import_demand":
        return market._replace(import_demand=value)
    if target.field == "substitution":
        return market._replace(substitution=value)
    return market._replace(export_supply=value, partner_supply=())  # every partner's Ex


def check(scenario: Scenario) -> None:
    """Raise Invalid if a file could not state the scenario's windows (see input.resolve)."""
    for window in scenario.windows:
        if window.until <= window.start:
            raise Invalid(
                f"window {quoted(window.name)} would end ({window.until}) on or before its "
                f"start ({window.start})"
            )
    for first, second, measure in window_overlaps(scenario.windows):
        last = min(first.until, second.until) - timedelta(days=1)
        raise Invalid(
            f"windows {quoted(first.name)} and {quoted(second.name)} would both set "
            f"{quoted(measure)} from {second.start} to {last}"
        )


# --- computing variants ----------------------------------------------------------------------


class Sweeper:
    """Computes the variants of one sweep of one study, one at a time, in any order.

    What no variant changes (the flows' models, and the baseline when only the swept
    scenario varies) is made once. Each variant's row holds, for each flow shown, the
    sweep metrics named (tariffs.metrics.SWEEP).
    """

    def __init__(
        self,
        study: Study,
        sweep: Sweep,
        *,
        on: date | None = None,
        baseline: str | None = None,
        respond: trade.TradeModel = trade.constant_elasticity,
    ) -> None:
        self.study = study
        self.sweep = sweep
        self.scenario = study.scenario(sweep.scenario)
        self.base = study.scenario(baseline or study.baseline)
        self.on = on or study.on
        self.respond = respond
        names = sweep.metrics or default_metrics(study, self.scenario)
        if sweep.solve is not None:  # a question needs its metric, and only that
            names = (sweep.solve.metric,)
        self.metrics = tuple(metrics.sweep_metric(name) for name in names)
        self.windows = any(metric.name == "duties_saved" for metric in self.metrics)
        keys = [flow.key for flow in study.flows]
        self.flows = sweep.flows or tuple(keys)
        self.flow_index = tuple(keys.index(key) for key in self.flows)
        self.sizes = tuple(len(one.values) for one in sweep.vary)
        self.count = math.prod(self.sizes)
        self.varies_study = any(one.target.kind in GLOBAL_KINDS for one in sweep.vary)
        self.models = flow_models(study)
        self.observed = observed_rates(study, self.models) if study.markets else None
        # a variant of measures, flows or lines may change the observed rates T0
        self.fixed_observed = not any(
            one.target.kind in {"measure", "flow", "line"} for one in sweep.vary
        )
        self.fixed_base = None
        if not self.varies_study:
            self.fixed_base = self._result(study, self.base, self.models, windows=False)
        self.at = metrics.At(
            StudyResult(
                study.title,
                study.start,
                study.until,
                self.on,
                self.base.name,
                study.currency,
                study.sources,
                (),
                ScenarioResult(self.base.name, "", (), ()),
            )
        )

    def _result(
        self, study: Study, scenario: Scenario, models: dict[str, FlowModel], *, windows: bool
    ) -> ScenarioResult:
        observed = self.observed if self.fixed_observed else None
        return scenario_result(
            study, scenario, models, self.on, self.respond, windows=windows, observed=observed
        )

    def values(self, number: int) -> tuple[VaryValue, ...]:
        """The varied values of variant `number` (from 1): the first vary outermost."""
        index = number - 1
        out: list[VaryValue] = []
        for size, one in zip(reversed(self.sizes), reversed(self.sweep.vary), strict=True):
            index, here = divmod(index, size)
            out.append(one.values[here])
        return tuple(reversed(out))

    def row(self, number: int) -> VariantRow:
        """Variant `number` (from 1) of the grid."""
        return self.evaluate(number, self.values(number))

    def rows(self, first: int, last: int) -> list[VariantRow]:
        """Variants `first` to `last`, both included."""
        return [self.row(number) for number in range(first, last + 1)]

    def evaluate(self, number: int, values: tuple[VaryValue, ...]) -> VariantRow:
        """The row of the variant whose varied numbers take `values`."""
        try:
            points = self.points(values)
        except Invalid as exc:
            return VariantRow(number, values, (), str(exc))
        cells = tuple(
            tuple(metric.get(point, self.at) for metric in self.metrics) for point in points
        )
        return VariantRow(number, values, cells)

    def points(self, values: tuple[VaryValue, ...]) -> tuple[Point, ...]:
        """Each flow shown under the variant; Invalid if a file could not state it."""
        pairs = [(one.target, value) for one, value in zip(self.sweep.vary, values, strict=True)]
        study, models, base = self.study, self.models, self.fixed_base
        if self.varies_study:
            study, touched = _study(study, [p for p in pairs if p[0].kind in GLOBAL_KINDS])
            changed = [flow for flow in study.flows if flow.key in touched]
            models = {**self.models, **flow_models(study, changed)}
        scenario = _scenario(self.scenario, [p for p in pairs if p[0].kind not in GLOBAL_KINDS])
        check(scenario)
        if base is None:
            base = self._result(study, self.base, models, windows=False)
        mine = self._result(study, scenario, models, windows=self.windows)
        partners = {p.key: p for m in mine.markets for p in m.partners}
        before = {p.key: p for m in base.markets for p in m.partners}
        return tuple(
            Point(
                mine.flows[index],
                tuple(w for w in mine.windows if w.flow.key == mine.flows[index].flow.key),
                base.flows[index],
                partners.get(mine.flows[index].flow.key),
                before.get(mine.flows[index].flow.key),
            )
            for index in self.flow_index
        )


def chunks(count: int, size: int) -> Iterator[tuple[int, int]]:
    """Variant numbers 1..count in runs of `size`: (first, last) of each."""
    for first in range(1, count + 1, size):
        yield first, min(first + size - 1, count)


# --- break-even answers ------------------------------------------------------------------


class _Probe(NamedTuple):
    value: VaryValue
    metric: Decimal | None
    problem: str | None


Probe = Callable[[VaryValue], _Probe]


def _sign(value: Decimal) -> int:
    return (value > 0) - (value < 0)


def solve(sweeper: Sweeper) -> SolveResult:
    """Where each flow's metric reaches the sweep's goal over the one varied number.

    The grid's values are computed in order; the first pair of neighbours on either side
    of the goal (or a value exactly at it) is then bisected, on the exact core, down to
    whole days for days and dates and to 0.000001 for rates, amounts and elasticities. A
    range the metric never reaches the goal in says so, with the least and greatest value.
    """
    sweep = sweeper.sweep
    if sweep.solve is None or len(sweep.vary) != 1:
        raise ValueError("solving needs a goal and exactly one varied number")
    [vary] = sweep.vary
    goal = sweep.solve
    column = 0  # the Sweeper of a question computes its metric only
    grid = [sweeper.row(number) for number in range(1, sweeper.count + 1)]
    answers = []
    for position in range(len(sweeper.flows)):

        def probe(value: VaryValue, position: int = position) -> _Probe:
            row = sweeper.evaluate(0, (value,))
            if row.problem is not None:
                return _Probe(value, None, row.problem)
            return _Probe(value, row.cells[position][column], None)

        probes = [
            _Probe(
                row.values[0],
                row.cells[position][column] if row.problem is None else None,
                row.problem,
            )
            for row in grid
        ]
        answers.append(_answer(sweeper.flows[position], vary, goal.goal, probes, probe))
    return SolveResult(
        sweeper.study.title,
        sweeper.scenario.name,
        sweeper.study.currency,
        max((flow.value for flow in sweeper.study.flows), default=Decimal(0)),
        vary,
        goal,
        sweeper.metrics[column].unit,
        tuple(answers),
    )


def _answer(flow: str, vary: Vary, goal: Decimal, probes: list[_Probe], probe: Probe) -> Answer:
    valid = [p for p in probes if p.metric is not None]
    if not valid:
        note = next((p.problem or "" for p in probes), "")
        return Answer(flow, "invalid", note=f"no variant is valid: {note}", evaluated=len(probes))
    for p in valid:
        if p.metric == goal:
            return Answer(flow, "exact", p.value, p.metric, evaluated=len(probes))
    for low, high in itertools.pairwise(valid):
        if low.metric is None or high.metric is None:  # pragma: no cover - filtered above
            continue
        if _sign(low.metric - goal) != _sign(high.metric - goal):
            return _bisect(flow, vary, goal, (low, high), probe=probe, done=len(probes))
    metrics_seen = [p.metric for p in valid if p.metric is not None]
    return Answer(
        flow,
        "none",
        low=min(metrics_seen),
        high=max(metrics_seen),
        note="no value in the range reaches the goal",
        evaluated=len(probes),
    )


def _offset(start: VaryValue, steps: int, unit: Decimal) -> VaryValue:
    if isinstance(start, date):
        return start + timedelta(days=steps)
    return start + unit * steps


def _bisect(
    flow: str, vary: Vary, goal: Decimal, pair: tuple[_Probe, _Probe], *, probe: Probe, done: int
) -> Answer:
    """Bisect between two neighbours on either side of the goal, on the grid of RESOLUTION
    from `low`: the answer is the first value on the far side, with its neighbour."""
    low, high = pair
    unit = RESOLUTION.get(vary.target.unit, FINEST)
    if isinstance(low.value, date) and isinstance(high.value, date):
        span = (high.value - low.value).days
    elif isinstance(low.value, Decimal) and isinstance(high.value, Decimal):
        span = int((high.value - low.value) / unit)
    else:  # pragma: no cover - one vary's values are all of one kind
        raise TypeError("mixed values")
    side = _sign((low.metric or Decimal(0)) - goal)
    lo, hi = 0, span  # probe(lo) is on `side`, probe(hi) is not
    best_lo, best_hi = low, high
    for _ in range(MAX_BISECTIONS):
        if hi - lo <= 1:
            break
        mid = (lo + hi) // 2
        found = probe(_offset(low.value, mid, unit))
        done += 1
        if found.metric is None:
            return Answer(
                flow,
                "invalid",
                below=best_lo.value,
                metric_below=best_lo.metric,
                value=best_hi.value,
                metric=best_hi.metric,
                note=f"the variant at {_text(found.value)} is invalid: {found.problem}",
                evaluated=done,
            )
        if found.metric == goal:
            return Answer(flow, "exact", found.value, found.metric, evaluated=done)
        if _sign(found.metric - goal) == side:
            lo, best_lo = mid, found
        else:
            hi, best_hi = mid, found
    return Answer(
        flow,
        "crossed",
        best_hi.value,
        best_hi.metric,
        best_lo.value,
        best_lo.metric,
        evaluated=done,
    )


def _text(value: VaryValue) -> str:
    return value.isoformat() if isinstance(value, date) else f"{value:f}"
