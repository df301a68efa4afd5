"""Metrics and comparison: every flow under every scenario, with deltas and windows. Pure.

See docs/output.md for what each metric means.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import NamedTuple

from tariffs.calc import trade
from tariffs.calc.results import (
    DAYS_PER_YEAR,
    ONE_DAY,
    ZERO,
    Delta,
    FlowResult,
    Layer,
    LineClass,
    Response,
    ScenarioResult,
    Segment,
    StudyResult,
    TimelineEntry,
    TimelineResult,
    WindowResult,
)
from tariffs.calc.scope import (
    FlowLayers,
    Scope,
    class_layers,
    flow_layers,
    flow_models,
    layers_by_flow,
    scope_of,
    total_at,
)
from tariffs.calc.steps import Layers, Plan, plan_of, rate_at, rate_days, segments, static_duties
from tariffs.domain import Flow, Scenario, Study


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


def _flow_metrics(study: Study, layered: FlowLayers, on: date) -> _Metrics:
    flow, layers = layered.model.flow, layered.layers
    days = (study.until - study.start).days
    parts = segments(layers, study.start, study.until)
    integral = rate_days(parts)
    low = min(parts, key=lambda seg: seg.rate)  # min/max keep the first of equals
    peak = max(parts, key=lambda seg: seg.rate)
    per_layer = [sum((seg.layers[i] * seg.days for seg in parts), ZERO) for i in range(len(layers))]
    classes, response = _line_metrics(study, layered, on)
    return _Metrics(
        rate_on=total_at(layers, on),
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
    study: Study, layered: FlowLayers, on: date
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
        rate_on = total_at(layers, on)
        volume = dyn = None
        if responds and cls.elasticity is not None and cls.observed is not None:
            e, t0 = cls.elasticity, cls.observed
            volume = sum((trade.factor(g.rate, t0, e) * g.days for g in parts), ZERO)
            dyn = sum((trade.factor(g.rate, t0, e) * g.rate * g.days for g in parts), ZERO)
            cls_cost = sum((trade.consumer_cost(g.rate, t0, e) * g.days for g in parts), ZERO)
            imports += cls.value * volume
            dynamic += cls.value * dyn
            cost += cls.value * cls_cost
            observed += cls.value * t0 * days
            f_on = cls.value * trade.factor(rate_on, t0, e)
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
    study: Study, scenario: Scenario, plan: Plan, by_flow: dict[str, FlowLayers]
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
            bare = flow_layers(layered.model, plan, window, layered).layers
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
                    before=total_at(layers, window.start - ONE_DAY),
                    inside=total_at(layers, window.start),
                    after=total_at(layers, window.until),
                    cliff=total_at(layers, window.until) - total_at(layers, last),
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
    plans = {name: plan_of(study.scenario(name)) for name in dict.fromkeys((base_name, *wanted))}
    models = flow_models(study)
    layers: dict[str, dict[str, FlowLayers]] = {}
    shared: dict[int, _Metrics] = {}  # scenarios that leave a flow alone share its metrics
    for name, plan in plans.items():
        layers[name] = layers_by_flow(study, plan, models)
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


def timelines(study: Study, scenarios: tuple[str, ...], flows: tuple[Flow, ...]) -> TimelineResult:
    """The segments of each flow under each scenario over the study period."""
    entries = []
    models = flow_models(study)
    for name in scenarios:
        by_flow = layers_by_flow(study, plan_of(study.scenario(name)), models)
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
    layered = layers_by_flow(study, plan_of(study.scenario(scenario)))[flow]
    return total_at(layered.layers, day)


def product_layers(
    study: Study, flow: Flow, hs: str, scenario: str
) -> tuple[Layers, tuple[Scope, ...], frozenset[str]]:
    """Each measure's step function for one product (HS digits) of `flow` under `scenario`,
    with the product's scope under each measure and the measures the scenario disables."""
    model = flow_models(study)[flow.key]
    scopes = tuple(scope_of(m, hs) for m in model.measures)
    plan = plan_of(study.scenario(scenario))
    return class_layers(model, scopes, plan), scopes, plan.disabled
