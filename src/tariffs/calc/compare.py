"""Metrics and comparison: every flow under every scenario, with deltas and windows. Pure.

See docs/output.md for what each metric means.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tariffs.calc import market, trade
from tariffs.calc.results import (
    DAYS_PER_YEAR,
    ONE_DAY,
    ZERO,
    FlowResult,
    ImporterLayer,
    ImporterResult,
    Layer,
    LineClass,
    MarketResult,
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
    FlowModel,
    Scope,
    class_layers,
    combine,
    flow_layers,
    flow_models,
    layers_by_flow,
    line_parts,
    part_scope,
    ruled,
    scope_of,
    share_names,
    total_at,
)
from tariffs.calc.steps import Layers, Plan, plan_of, rate_at, rate_days, segments, static_duties
from tariffs.calc.weights import Fraction
from tariffs.domain import ALL_IN, MFN, Flow, Line, Measure, Rule, Scenario, Study, hs_code, listed


def _flow_result(
    study: Study, layered: FlowLayers, on: date, respond: trade.TradeModel
) -> FlowResult:
    """One flow's result under one scenario (its layers already computed)."""
    model, layers = layered.model, layered.layers
    days = (study.until - study.start).days
    parts = segments(layers, study.start, study.until)
    integral = rate_days(parts)
    low = min(parts, key=lambda seg: seg.rate)  # min/max keep the first of equals
    peak = max(parts, key=lambda seg: seg.rate)
    lengths = [seg.days for seg in parts]
    per_layer = [
        sum((seg.layers[i] * n for seg, n in zip(parts, lengths, strict=True)), ZERO)
        for i in range(len(layers))
    ]
    classes, response = _line_results(study, layered, on, respond, parts)
    return FlowResult(
        flow=model.flow,
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
        duties=static_duties(model.flow.value, integral),
        segments=parts,
        classes=classes,
        line_class=model.line_class,
        response=response,
    )


def _line_results(
    study: Study,
    layered: FlowLayers,
    on: date,
    respond: trade.TradeModel,
    flow_parts: tuple[Segment, ...],
) -> tuple[tuple[LineClass, ...], Response | None]:
    """Per class of lines: rates and integrals; and the flow's trade response, if it has one.

    The response of each class comes from the trade model `respond` (the seam where other
    models plug in); this sums the classes, weighted by their observed values.
    """
    days = (study.until - study.start).days
    responds = layered.model.classes[0].elasticity is not None
    out: list[LineClass] = []
    imports = dynamic = cost = observed = ZERO
    weight_on = duty_on = ZERO
    for cls, layers in zip(layered.model.classes, layered.classes, strict=True):
        # a flow of one class has that class's layers: its segments are the flow's
        same = len(layered.classes) == 1 and layers == layered.layers
        parts = flow_parts if same else segments(layers, study.start, study.until)
        integral = rate_days(parts)
        rate_on = total_at(layers, on)
        volume = dyn = None
        if responds and cls.elasticity is not None and cls.observed is not None:
            answer = respond(cls.elasticity, cls.observed, parts, rate_on)
            volume, dyn = answer.volume, answer.dynamic
            imports += cls.value * answer.volume
            dynamic += cls.value * answer.dynamic
            cost += cls.value * answer.cost
            observed += cls.value * cls.observed * days
            weight_on += cls.value * answer.factor_on
            duty_on += cls.value * answer.factor_on * rate_on
        out.append(
            LineClass(
                cls.lines,
                rate_on,
                integral / days,
                integral,
                volume,
                dyn,
                per_unit_duties=integral / (DAYS_PER_YEAR * 100),
                per_unit_imports=None if volume is None else volume / DAYS_PER_YEAR,
                per_unit_dynamic=None if dyn is None else dyn / (DAYS_PER_YEAR * 100),
            )
        )
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
    )
    return tuple(out), response


def _window_effects(
    study: Study, scenario: Scenario, plan: Plan, by_flow: dict[str, FlowLayers]
) -> tuple[WindowResult, ...]:
    """Each window of a scenario, for each flow it touches: rates around it, duties saved."""
    if not scenario.windows:
        return ()
    flows_of: dict[str, set[str]] = {}  # a measure over many partners is on many flows
    for m in study.measures:
        flows_of.setdefault(m.name, set()).add(f"{m.importer}:{m.exporter}")
    out: list[WindowResult] = []
    for window in scenario.windows:
        keys = {key for name, _ in window.rates for key in flows_of.get(name, ())}
        for flow in study.flows:
            if flow.key not in keys:
                continue
            layered = by_flow[flow.key]
            layers = layered.layers
            bare = flow_layers(layered.model, plan, window, layered).layers
            inside = rate_days(segments(layers, window.start, window.until))
            outside = rate_days(segments(bare, window.start, window.until))
            lo, hi = max(window.start, study.start), min(window.until, study.until)
            saved_in = ZERO
            if lo < hi:  # the window's days inside the period
                saved_in = rate_days(segments(bare, lo, hi)) - rate_days(segments(layers, lo, hi))
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
                    days_in_period=max(0, (hi - lo).days),
                    saved_in_period=static_duties(flow.value, saved_in),
                )
            )
    return tuple(out)


def scenario_result(
    study: Study,
    scenario: Scenario,
    models: dict[str, FlowModel],
    on: date,
    respond: trade.TradeModel,
    *,
    windows: bool = True,
    shared: dict[int, tuple[FlowLayers, FlowResult]] | None = None,
    remember: bool = False,
    observed: dict[str, Decimal] | None = None,
    solved: market.Solutions | None = None,
) -> ScenarioResult:
    """Every flow of `study` under `scenario`, and (with `windows`) each window's effect.

    Scenarios that leave a flow alone share its layers, and so its result: `shared` holds
    the results made so far by their layers' id(), with the layers, since an id() is only
    unique while its object lives. `observed` holds the markets' observed rates T0 (see
    calc.market.observed_rates), when the caller has made them, and `solved` the markets
    solved so far under them (calc.market.Solutions).
    """
    shared = {} if shared is None else shared
    plan = plan_of(scenario)
    layers = layers_by_flow(study, plan, models, remember=remember)
    flows = []
    for flow in study.flows:
        layered = layers[flow.key]
        known = shared.get(id(layered))
        if known is None:
            known = shared[id(layered)] = (layered, _flow_result(study, layered, on, respond))
        flows.append(known[1])
    effects = _window_effects(study, scenario, plan, layers) if windows else ()
    found: tuple[MarketResult, ...] = ()
    if study.markets:
        t0 = market.observed_rates(study, models) if observed is None else observed
        found = market.markets(study, scenario.name, flows, t0, solved)
    return ScenarioResult(
        scenario.name,
        scenario.description,
        tuple(flows),
        effects,
        importer_totals(flows),
        found,
    )


def importer_totals(flows: list[FlowResult]) -> tuple[ImporterResult, ...]:
    """Each importer with two or more flows: its flows' values, value-weighted rates (0%
    for a total value of 0, as for a flow) and summed duties."""
    by: dict[str, list[FlowResult]] = {}
    for found in flows:
        by.setdefault(found.flow.importer, []).append(found)
    out: list[ImporterResult] = []
    for importer, mine in by.items():
        if len(mine) < 2:
            continue
        value = sum((f.flow.value for f in mine), ZERO)

        rate_on = sum((f.flow.value * f.rate_on for f in mine), ZERO)
        average = sum((f.flow.value * f.average for f in mine), ZERO)
        out.append(
            ImporterResult(
                importer,
                tuple(f.flow.exporter for f in mine),
                value,
                rate_on / value if value else ZERO,
                average / value if value else ZERO,
                sum((f.duties for f in mine), ZERO),
                _importer_layers(importer, mine, value, average),
            )
        )
    return tuple(out)


def _importer_layers(
    importer: str, flows: list[FlowResult], value: Decimal, average: Decimal
) -> tuple[ImporterLayer, ...]:
    """Each measure's part of an importer's total, over the flows it is on."""
    parts: dict[str, list[Decimal]] = {}
    basis: dict[str, str] = {}
    for found in flows:
        for layer in found.stack:
            sums = parts.setdefault(layer.measure, [ZERO, ZERO])
            basis.setdefault(layer.measure, layer.basis)
            sums[0] += found.flow.value * layer.rate
            sums[1] += found.flow.value * layer.average
    if not value:
        return tuple(ImporterLayer(importer, name, basis[name], ZERO, ZERO, ZERO) for name in parts)
    return tuple(
        ImporterLayer(
            importer,
            name,
            basis[name],
            on / value,
            mean / value,
            mean / average * 100 if average else ZERO,
        )
        for name, (on, mean) in parts.items()
    )


def compare(
    study: Study,
    *,
    on: date | None = None,
    baseline: str | None = None,
    only: tuple[str, ...] = (),
    respond: trade.TradeModel = trade.constant_elasticity,
    models: dict[str, FlowModel] | None = None,
) -> StudyResult:
    """Compute every flow under every scenario (or those in `only`), and their windows.

    The baseline (default: the study's) is computed even when `only` leaves it out, for
    the deltas outputs show (tariffs.metrics). `respond` is the trade model; `models` the
    study's flow models when the caller has made them (for the work estimate, say). Unknown
    names raise `KeyError`; the CLI checks them first.
    """
    report_on = on or study.on
    base_name = baseline or study.baseline
    wanted = only or tuple(s.name for s in study.scenarios)
    models = models or flow_models(study)
    shared: dict[int, tuple[FlowLayers, FlowResult]] = {}
    results: dict[str, ScenarioResult] = {}
    observed = market.observed_rates(study, models, remember=True) if study.markets else {}
    solved = market.Solutions()
    for name in dict.fromkeys((*wanted, base_name)):
        results[name] = scenario_result(
            study,
            study.scenario(name),
            models,
            report_on,
            respond,
            windows=name in wanted,
            shared=shared,
            remember=True,
            observed=observed,
            solved=solved,
        )
    return StudyResult(
        title=study.title,
        start=study.start,
        until=study.until,
        on=report_on,
        baseline=base_name,
        currency=study.currency,
        sources=study.sources,
        scenarios=tuple(results[name] for name in wanted),
        base=results[base_name],
    )


def timelines(
    study: Study, scenarios: tuple[str, ...], flows: tuple[Flow, ...], hs: str = ""
) -> TimelineResult:
    """The segments of each flow under each scenario over the study period; with `hs` (an
    HS code as written), of that product of each flow, at its own rates."""
    entries = []
    models = flow_models(study)
    period = (study.start, study.until)
    for name in scenarios:
        plan = plan_of(study.scenario(name))
        by_flow = {} if hs else layers_by_flow(study, plan, models)
        for flow in flows:
            unknown = False
            if hs:
                layers, scopes, _, _ = product_layers(
                    study, flow, hs.replace(".", ""), name, models, during=period
                )
                unknown = mfn_unknown(layers, scopes)
                if unknown:  # unknown, not 0%: the layers are the additional duties
                    layers = [(m, steps) for m, steps in layers if m.kind != MFN]
            else:
                layers = by_flow[flow.key].layers
            entries.append(
                TimelineEntry(
                    name,
                    flow,
                    tuple(m for m, _ in layers),
                    segments(layers, study.start, study.until),
                    hs=hs,
                    weighted=not hs and flow.classified,
                    mfn_unknown=unknown,
                )
            )
    return TimelineResult(study.title, study.start, study.until, tuple(entries))


class RatesOn:
    """Flows' (import-weighted) rates on any day, under any scenario of a study: each
    scenario's layers are made once, however many days are asked about. Given the models
    a comparison used, it takes the layers the comparison kept on them (flow_layers'
    `remember`)."""

    def __init__(self, study: Study, models: dict[str, FlowModel] | None = None) -> None:
        self.study = study
        self.models = models or flow_models(study)
        self.layers: dict[str, dict[str, FlowLayers]] = {}

    def _layers(self, scenario: str) -> dict[str, FlowLayers]:
        found = self.layers.get(scenario)
        if found is None:
            plan = plan_of(self.study.scenario(scenario))
            found = self.layers[scenario] = layers_by_flow(
                self.study, plan, self.models, remember=True
            )
        return found

    def __call__(self, scenario: str, flow: str, day: date) -> Decimal:
        """The rate of `flow` ('US:CN') on `day` under `scenario`."""
        return total_at(self._layers(scenario)[flow].layers, day)

    def has(self, scenario: str, flow: str, measure: str) -> bool:
        """Whether `measure` is a layer of `flow`."""
        return any(m.name == measure for m, _ in self._layers(scenario)[flow].layers)

    def layer(self, scenario: str, flow: str, measure: str, day: date) -> Decimal:
        """One measure's part of the rate of `flow` on `day` under `scenario`."""
        layers = self._layers(scenario)[flow].layers
        return next(rate_at(steps, day) for m, steps in layers if m.name == measure)


PartLayers = tuple[tuple[Fraction, frozenset[str], Layers], ...]


def _line_of(flow: Flow, hs: str) -> Line | None:
    """The line of `flow` whose shares of value a product (HS digits) takes: the line of
    that code, else the line whose code is its longest prefix, else the flow's unclassified
    line (which holds the flow's own shares); None if none is."""
    best: Line | None = None
    for line in flow.lines:
        if hs.startswith(line.hs) and (best is None or len(line.hs) > len(best.hs)):
            best = line
    return best


UNKNOWN_MFN = "MFN unknown"
"""The note of the MFN layer's scope on a product whose MFN the flow does not give."""


class MfnUnknown(ValueError):
    """A product's MFN is unknown, and a measure's rate depends on it over the dates asked
    about (an all-in ceiling over MFN, or a yield to it): that rate is unknown too."""

    def __init__(self, hs: str, flow: Flow, measure: str, rule: Rule) -> None:
        self.hs, self.flow, self.measure, self.rule = hs, flow, measure, rule
        what = "its all-in ceiling is over MFN" if rule.kind == ALL_IN else "it yields to MFN"
        super().__init__(
            f"HS {hs_code(hs)}'s MFN is unknown (no line of {flow.key} has this code or a "
            f"code it starts with), and {measure!r} depends on it ({what}{_span_text(rule)}), "
            "so its rate is unknown too; give the flow a line of this code with its 'mfn'"
            f"{_lines_under(flow, hs)}"
        )


def _span_text(rule: Rule) -> str:
    if rule.start == date.min and rule.until == date.max:
        return ""
    start = "" if rule.start == date.min else f" from {rule.start}"
    until = "" if rule.until == date.max else f" until {rule.until}"
    return start + until


def _lines_under(flow: Flow, hs: str) -> str:
    """', or ask for one of its lines under it: 8703.10, 8703.23' (up to 10), or ''."""
    under = [line.code for line in flow.lines if line.hs.startswith(hs) and line.hs != hs]
    return f", or ask for one of its lines under it: {listed(under)}" if under else ""


def mfn_unknown(layers: Layers, scopes: tuple[Scope, ...]) -> bool:
    """Whether a product's layers have an MFN layer whose rate is unknown for it."""
    return any(
        m.kind == MFN and s.note == UNKNOWN_MFN for (m, _), s in zip(layers, scopes, strict=True)
    )


def product_layers(
    study: Study,
    flow: Flow,
    hs: str,
    scenario: str,
    models: dict[str, FlowModel] | None = None,
    *,
    during: tuple[date, date] = (date.min, date.max),
    line: Line | None = None,
) -> tuple[Layers, tuple[Scope, ...], frozenset[str], PartLayers]:
    """Each measure's step function for one product (HS digits) of `flow` under `scenario`,
    with the product's scope under each measure and the measures the scenario disables
    (`models`: the study's flow models, when the caller has made them).

    A line of the flow with that code whose named shares of value some measure treats apart
    is cut into parts (see calc.scope.line_parts): the layers are then weighted over them,
    and the last item gives each part's fraction, shares and layers (else it is empty).

    A flow's MFN is a line's: a product that is no line of the flow, nor under one (by the
    longest prefix), has an unknown MFN unless the flow states one for all its value. Its
    MFN layer is then out of scope with the note UNKNOWN_MFN (see `mfn_unknown`): the other
    layers are the additional duties. A measure whose rate depends on that MFN over
    `during` (a half-open interval) raises MfnUnknown: its rate is unknown, never 0%.

    `line`, when given, is the product's own line instead (an entry line): its shares cut
    it, and its MFN, if it states one, is the flow's MFN layer's rate for it.
    """
    model = (models or flow_models(study, (flow,)))[flow.key]
    limited = model.limited or tuple(frozenset() for _ in model.measures)
    scopes = tuple(
        _known(m, scope_of(m, hs, limited=tags))
        for m, tags in zip(model.measures, limited, strict=True)
    )
    if line is not None and line.mfn is not None:
        own = ((date.min, line.mfn),)
        scopes = tuple(
            Scope(True, None, "", "MFN of the line", own) if m.kind == MFN else scope
            for m, scope in zip(model.measures, scopes, strict=True)
        )
    plan = plan_of(study.scenario(scenario))
    model = ruled(model, plan)  # the rules as the scenario changes them
    if any(s.note == UNKNOWN_MFN for s in scopes):
        _depends_on_mfn(model.measures, scopes, plan.disabled, (hs, flow), during)
    if line is None:
        line = _line_of(flow, hs)
    if line is None or not line.shares:
        return class_layers(model, scopes, plan), scopes, plan.disabled, ()
    # a line cut into one part is that part: 100% usmca is all usmca, 0% steel no steel
    each = tuple(
        (
            fraction,
            flags,
            tuple(
                part_scope(m, scope, line, flags)
                for m, scope in zip(model.measures, scopes, strict=True)
            ),
        )
        for fraction, flags in line_parts(line, share_names(model.measures))
    )
    if len(each) == 1:
        only = each[0][2]
        return class_layers(model, only, plan), only, plan.disabled, ()
    cut = tuple(
        (fraction, flags, class_layers(model, part_scopes, plan))
        for fraction, flags, part_scopes in each
    )
    layers = combine(model.measures, [(fraction, layers) for fraction, _, layers in cut])
    # a measure that every part treats alike is shown with that treatment
    shown = tuple(
        parts[0] if all(p == parts[0] for p in parts) else whole
        for whole, parts in zip(scopes, zip(*(s for _, _, s in each), strict=True), strict=True)
    )
    return layers, shown, plan.disabled, cut


def _known(measure: Measure, scope: Scope) -> Scope:
    """An MFN layer's scope on a product with no line of its own, nor one above it, on a
    flow that states no MFN for its whole value: out of scope, as unknown (not 0%)."""
    if measure.kind != MFN or scope.label or measure.rates:
        return scope
    return Scope(False, None, UNKNOWN_MFN, "", ())


def _depends_on_mfn(
    measures: tuple[Measure, ...],
    scopes: tuple[Scope, ...],
    disabled: frozenset[str],
    product: tuple[str, Flow],
    during: tuple[date, date],
) -> None:
    """Raise MfnUnknown for the first measure on the product whose rule names MFN over
    `during`."""
    start, until = during
    hs, flow = product
    for measure, scope in zip(measures, scopes, strict=True):
        if not scope.applies or measure.name in disabled:
            continue
        for rule in measure.rules:
            if MFN in rule.names and rule.start < until and start < rule.until:
                raise MfnUnknown(hs, flow, measure.name, rule)
