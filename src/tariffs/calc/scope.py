"""Product scope and classes: which lines each measure reaches, and a flow's layers. Pure.

A flow's product lines fall into classes that every measure treats alike (same scope,
exclusion and product rate, same trade response); rates are computed once per class.
A flow's layers under a scenario are each measure's step function, import-weighted over
the classes. Measures a scenario leaves alone are computed once and shared.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from tariffs.calc.precedence import Interval, apply_rules, intervals
from tariffs.calc.results import ZERO
from tariffs.calc.steps import (
    Layers,
    Plan,
    Step,
    excluded,
    rate_at,
    steps_for,
    without_repeats,
)
from tariffs.domain import MFN, Flow, Line, Measure, Schedule, Study, Window


class Scope(NamedTuple):
    """How one measure treats one product: whether it applies, any exclusion, which rates."""

    applies: bool
    excluded_from: date | None
    note: str
    label: str  # the rule its own `schedule` comes under; "" for the measure's `rates`
    schedule: Schedule


def scope_of(measure: Measure, hs: str, product_rates: dict[str, Schedule] | None = None) -> Scope:
    """The scope of `measure` for a product with HS digits `hs` ("" for unclassified).

    `applies_to` (when given) must match; an unclassified product matches only a measure
    without `applies_to`, and no exclusion or product rate. Of several exclusions the
    earliest wins; of several product rates, the longest prefix (`product_rates`: the
    measure's, as a dict, when the caller has built it once). An MFN layer's product rate
    is the line's own, so lines at one MFN rate share a scope.
    """
    if measure.applies_to and not (hs and hs.startswith(measure.applies_to)):
        return _not_in_scope(measure)
    excluded: date | None = None
    note = ""
    label = ""
    schedule = measure.rates
    if hs:
        for start, since, text in measure.excludes:
            if hs.startswith(start) and (excluded is None or since < excluded):
                excluded, note = since, text
        if measure.product_rates:
            table = dict(measure.product_rates) if product_rates is None else product_rates
            prefix = next((hs[:n] for n in range(len(hs), 0, -1) if hs[:n] in table), "")
            if prefix:
                schedule = table[prefix]
                mfn = measure.kind == MFN
                label = "MFN of the line" if mfn else f"product rate for HS {measure.hs(prefix)}"
    return Scope(True, excluded, note, label, schedule)


class _Class(NamedTuple):
    """Lines with the same scopes under every measure and the same trade response."""

    scopes: tuple[Scope, ...]
    elasticity: Decimal | None
    observed: Decimal | None
    value: Decimal
    lines: tuple[Line, ...]


class FlowModel(NamedTuple):
    """A flow, its measures (file order), their rules' intervals, and its line classes."""

    flow: Flow
    measures: tuple[Measure, ...]
    spans: tuple[Interval, ...]  # see calc.precedence
    ruled: frozenset[int]  # the measures with rules
    classes: tuple[_Class, ...]
    line_class: tuple[int, ...]
    memo: dict[str, FlowLayers]  # the untouched layers, once computed (see _untouched)


def _flow_model(flow: Flow, measures: tuple[Measure, ...]) -> FlowModel:
    """Group a flow's lines into classes; the work is once per line and scoped measure.

    Each measure's distinct scopes are numbered, so a line's class key is a tuple of small
    numbers (plus its trade response), cheap to hash for 100,000s of lines.
    """
    known: list[dict[Scope, int]] = [{} for _ in measures]
    # A measure without scope rules treats every line alike: its number is the same for all.
    base = [-1] * len(measures)
    scoped: list[tuple[int, Measure, tuple[str, ...], dict[str, Schedule]]] = []
    for i, measure in enumerate(measures):
        if measure.scoped:
            scoped.append((i, measure, measure.applies_to, dict(measure.product_rates)))
        else:
            known[i][scope_of(measure, "")] = 0
            base[i] = 0
    groups: dict[tuple[tuple[int, ...], Decimal | None, Decimal | None], list[int]] = {}
    for index, line in enumerate(flow.lines):
        ids = base.copy()
        hs = line.hs
        for i, measure, prefixes, table in scoped:
            if prefixes and not (hs and hs.startswith(prefixes)):
                continue  # not in scope: -1
            scope = scope_of(measure, hs, table)
            ids[i] = known[i].setdefault(scope, len(known[i]))
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
    ruled = frozenset(i for i, m in enumerate(measures) if m.rules)
    spans = intervals(measures) if ruled else ()
    return FlowModel(flow, measures, spans, ruled, tuple(classes), tuple(line_class), {})


def _not_in_scope(measure: Measure) -> Scope:
    return Scope(False, None, "", "", measure.rates)


def flow_models(study: Study, only: Iterable[Flow] | None = None) -> dict[str, FlowModel]:
    """The model of each flow of `study` (or of the flows in `only`)."""
    flows = tuple(study.flows if only is None else only)
    by_flow: dict[str, list[Measure]] = {flow.key: [] for flow in flows}
    for measure in study.measures:
        found = by_flow.get(f"{measure.importer}:{measure.exporter}")
        if found is not None:
            found.append(measure)
    return {flow.key: _flow_model(flow, tuple(by_flow[flow.key])) for flow in flows}


_NOT_IN_SCOPE = (Step(date.min, ZERO, "not in scope"),)


def class_layers(
    model: FlowModel,
    scopes: tuple[Scope, ...],
    plan: Plan,
    without: str | None = None,
    *,
    reuse: Layers | None = None,
    affected: set[int] | None = None,
) -> Layers:
    """Each measure's step function for one class of lines under a scenario.

    With `reuse` (the same class's layers with every window), only the `affected` measures
    are computed again: those the window `without` sets, and those that yield to them.
    """
    found: list[tuple[Step, ...]] = []
    todo: set[int] = set()
    for i, (measure, scope) in enumerate(zip(model.measures, scopes, strict=True)):
        if reuse is not None and affected is not None and i not in affected:
            found.append(reuse[i][1])
            continue
        if not scope.applies:
            found.append(_NOT_IN_SCOPE)
            continue
        schedule = scope.schedule if scope.label else None
        steps = steps_for(measure, plan, without, schedule, scope.label)
        if scope.excluded_from is not None:
            steps = excluded(steps, scope.excluded_from, scope.note)
        if i in model.ruled and measure.name not in plan.disabled:
            todo.add(i)
        found.append(steps)
    if todo:
        for i, steps in apply_rules(found, model.measures, model.spans, todo).items():
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
    return without_repeats(out)


class FlowLayers(NamedTuple):
    """A flow's layers under a scenario: import-weighted, and per class of lines."""

    model: FlowModel
    layers: Layers
    classes: tuple[Layers, ...]


def closure(model: FlowModel, names: set[str]) -> set[int]:
    """The measures named, and those that depend on them (directly or not)."""
    grew = True
    while grew:
        more = {m.name for m in model.measures if names.intersection(m.depends_on)} - names
        names |= more
        grew = bool(more)
    return {i for i, m in enumerate(model.measures) if m.name in names}


NO_PLAN = Plan(frozenset(), {}, {})


def _untouched(model: FlowModel) -> FlowLayers:
    """The flow's layers under a plan that touches none of its measures.

    Computed once per model and shared by every scenario that leaves the flow, or some of
    its measures, alone: a scenario costs what it changes, not what the whole file holds.
    """
    found = model.memo.get("untouched")
    if found is None:
        classes = tuple(class_layers(model, c.scopes, NO_PLAN) for c in model.classes)
        found = model.memo["untouched"] = FlowLayers(
            model, _weighted_layers(model, classes, range(len(model.measures))), classes
        )
    return found


def _weighted_layers(
    model: FlowModel,
    classes: tuple[Layers, ...],
    indexes: Iterable[int],
    reuse: FlowLayers | None = None,
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


def flow_layers(
    model: FlowModel, plan: Plan, without: Window | None = None, reuse: FlowLayers | None = None
) -> FlowLayers:
    """A flow's layers under a scenario's plan.

    Only the measures the plan touches (changes, windows, disabled) and those that yield to
    them are computed; the rest come from the untouched layers. With `without`, one window
    is left out, and `reuse` (the layers with every window) supplies what it does not change.
    """
    if without is None:
        touched = set(plan.disabled) | set(plan.changes) | set(plan.windows)
        affected = closure(model, touched)
        reuse = _untouched(model)
        if not affected:
            return reuse
        name = None
    else:
        if reuse is None:
            raise ValueError("leaving out a window needs the layers with every window")
        affected = closure(model, {measure for measure, _ in without.rates})
        name = without.name
    classes = tuple(
        class_layers(model, c.scopes, plan, name, reuse=old, affected=affected)
        for c, old in zip(model.classes, reuse.classes, strict=True)
    )
    return FlowLayers(model, _weighted_layers(model, classes, affected, reuse), classes)


def layers_by_flow(
    study: Study, plan: Plan, models: dict[str, FlowModel] | None = None
) -> dict[str, FlowLayers]:
    """Every flow's layers under a scenario (measures in file order)."""
    models = models or flow_models(study)
    return {key: flow_layers(model, plan) for key, model in models.items()}


def total_at(layers: Layers, day: date) -> Decimal:
    return sum((rate_at(steps, day) for _, steps in layers), ZERO)
