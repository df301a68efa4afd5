"""Product scope and classes: which lines each measure reaches, and a flow's layers. Pure.

A flow's product lines fall into classes that every measure treats alike (same scope,
exclusion and product rate, same trade response); rates are computed once per class.
A flow's layers under a scenario are each measure's step function, import-weighted over
the classes. Measures a scenario leaves alone are computed once and shared.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from tariffs.calc.precedence import Interval, apply_rules, intervals
from tariffs.calc.results import ZERO
from tariffs.calc.steps import (
    Layers,
    Plan,
    Prefixes,
    Step,
    exclusions,
    rate_at,
    steps_for,
    without_repeats,
)
from tariffs.calc.steps import limited as limited_settings
from tariffs.calc.weights import Fraction, complement, mean, share_weight, some, times
from tariffs.domain import EXCLUDES, MFN, Flow, Line, Measure, Schedule, Study, Window, rules_under


class Scope(NamedTuple):
    """How one measure treats one product: whether it applies, any exclusion, which rates."""

    applies: bool
    excluded_from: date | None
    note: str
    label: str  # the rule its own `schedule` comes under; "" for the measure's `rates`
    schedule: Schedule
    tags: frozenset[Prefixes] = frozenset()  # the scenarios' product-level settings it takes


def scope_of(
    measure: Measure,
    hs: str,
    product_rates: dict[str, Schedule] | None = None,
    limited: Iterable[Prefixes] = (),
) -> Scope:
    """The scope of `measure` for a product with HS digits `hs` ("" for unclassified).

    `applies_to` (when given) must match; an unclassified product matches only a measure
    without `applies_to`, and no exclusion or product rate. Of several exclusions the
    earliest wins; of several product rates, the longest prefix (`product_rates`: the
    measure's, as a dict, when the caller has built it once). An MFN layer's product rate
    is the line's own, so lines at one MFN rate share a scope. `limited` holds the prefixes
    of the scenarios' changes and windows for some products of this measure; the scope's
    `tags` are those the product matches.
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
    tags = frozenset(p for p in limited if hs and hs.startswith(p))
    return Scope(True, excluded, note, label, schedule, tags)


class _Class(NamedTuple):
    """Lines with the same scopes under every measure and the same trade response.

    A line whose named shares of value a measure treats apart (`on_share`, `exempt_share`,
    an MFN preference) is cut into parts, each a fraction of its value with its own scopes;
    `parts` holds them (fractions adding up to 1 on every day; a fraction changes by date
    where a share does, see calc.weights), and `scopes` is the first part's.
    """

    scopes: tuple[Scope, ...]
    elasticity: Decimal | None
    observed: Decimal | None
    value: Decimal
    lines: tuple[Line, ...]
    parts: tuple[tuple[Fraction, tuple[Scope, ...]], ...] = ()


class FlowModel(NamedTuple):
    """A flow, its measures (file order), their rules' intervals, and its line classes."""

    flow: Flow
    measures: tuple[Measure, ...]
    spans: tuple[Interval, ...]  # see calc.precedence
    ruled: frozenset[int]  # the measures with rules
    classes: tuple[_Class, ...]
    line_class: tuple[int, ...]
    memo: dict[object, FlowLayers]  # layers computed before, by what the plan sets here
    limited: tuple[frozenset[Prefixes], ...] = ()  # per measure: see scope_of
    variants: dict[object, FlowModel] | None = None  # by the rules a plan changes: see ruled


ONE = Decimal(1)
PREFERENCE = " preference"  # the end of the label of a part's preference rate
Part = tuple[Fraction, frozenset[str]]


def share_names(measures: Iterable[Measure]) -> frozenset[str]:
    """The shares of value that some measure treats apart."""
    return frozenset(name for m in measures for name in (m.on_share, m.exempt_share) if name)


def line_parts(line: Line, wanted: frozenset[str]) -> tuple[Part, ...]:
    """The parts of a line's value: each a fraction and the named shares it lies in.

    Only shares in `wanted` (or with a preference) cut the line. Shares are taken as
    independent: a line 50% usmca and 30% steel is 15% both, 35% usmca only, 15% steel only
    and 35% neither. A line with no such share is one part, the whole. A share by date makes
    the fractions of its parts change on its dates (see calc.weights); a part is kept if its
    fraction is above 0 on some day.
    """
    preferred = {name for name, _ in line.preferences}
    parts: list[Part] = [(ONE, frozenset())]
    for name, share in line.shares:
        if name not in wanted and name not in preferred:
            continue
        fraction = share / 100 if isinstance(share, Decimal) else share_weight(name, share)
        cut: list[Part] = []
        for whole, flags in parts:
            if some(inside := times(whole, fraction)):
                cut.append((inside, flags | {name}))
            if some(outside := times(whole, complement(fraction))):
                cut.append((outside, flags))
        parts = cut
    return tuple(parts)


def part_scope(measure: Measure, scope: Scope, line: Line, flags: frozenset[str]) -> Scope:
    """The scope of `measure` on one part of `line` (in the shares `flags`), from its scope
    on the whole line."""
    if not scope.applies:
        return scope
    if measure.exempt_share and measure.exempt_share in flags:
        return Scope(False, None, f"its {measure.exempt_share} share is exempt", "", measure.rates)
    stated = {name for name, _ in line.shares}
    if measure.on_share and measure.on_share in stated and measure.on_share not in flags:
        return Scope(False, None, f"only on its {measure.on_share} share", "", measure.rates)
    if measure.kind == MFN:
        for name, rate in line.preferences:
            if name in flags:
                return Scope(True, None, "", f"{name}{PREFERENCE}", ((date.min, rate),))
    return scope


def _flow_model(
    flow: Flow, measures: tuple[Measure, ...], limited: tuple[frozenset[Prefixes], ...]
) -> FlowModel:
    """Group a flow's lines into classes; the work is once per line and scoped measure.

    Each measure's distinct scopes are numbered, so a line's class key is a tuple of small
    numbers (plus its trade response), cheap to hash for 100,000s of lines.
    """
    known: list[dict[Scope, int]] = [{} for _ in measures]
    # A measure without scope rules treats every line alike: its number is the same for all.
    base = [-1] * len(measures)
    scoped: list[
        tuple[int, Measure, tuple[str, ...], dict[str, Schedule], frozenset[Prefixes]]
    ] = []
    for i, measure in enumerate(measures):
        if measure.scoped or limited[i]:
            scoped.append((i, measure, measure.applies_to, dict(measure.product_rates), limited[i]))
        else:
            known[i][scope_of(measure, "")] = 0
            base[i] = 0
    wanted = share_names(measures)
    Key = tuple[tuple[tuple[Fraction, tuple[int, ...]], ...], Decimal | None, Decimal | None]
    groups: dict[Key, list[int]] = {}
    cuts: dict[object, tuple[tuple[Fraction, tuple[int, ...]], ...]] = {}
    for index, line in enumerate(flow.lines):
        ids = base.copy()
        hs = line.hs
        for i, measure, prefixes, table, tagged in scoped:
            if prefixes and not (hs and hs.startswith(prefixes)):
                continue  # not in scope: -1
            scope = scope_of(measure, hs, table, tagged)
            ids[i] = known[i].setdefault(scope, len(known[i]))
        cut: tuple[tuple[Fraction, tuple[int, ...]], ...] = ((ONE, tuple(ids)),)
        if line.shares:
            # lines alike in scopes and in the shares that matter are cut alike: once
            preferred = {name for name, _ in line.preferences}
            signature = (
                tuple(ids),
                tuple(x for x in line.shares if x[0] in wanted or x[0] in preferred),
                line.preferences,
            )
            found = cuts.get(signature)
            if found is None:
                found = cuts[signature] = _cut(line, measures, ids, known, wanted)
            cut = found
        groups.setdefault((cut, line.elasticity, line.observed), []).append(index)
    scopes_of = [{number: scope for scope, number in table.items()} for table in known]
    classes: list[_Class] = []
    line_class = [0] * len(flow.lines)
    for (cut, elasticity, observed), members in groups.items():
        for index in members:
            line_class[index] = len(classes)
        parts_scopes = tuple(
            (
                fraction,
                tuple(
                    scopes_of[i][number] if number >= 0 else _not_in_scope(measures[i])
                    for i, number in enumerate(numbers)
                ),
            )
            for fraction, numbers in cut
        )
        lines = tuple(flow.lines[i] for i in members)
        total = sum((line.value for line in lines), ZERO)
        classes.append(_Class(parts_scopes[0][1], elasticity, observed, total, lines, parts_scopes))
    ruled = frozenset(i for i, m in enumerate(measures) if m.rules)
    spans = intervals(measures) if ruled else ()
    return FlowModel(
        flow, measures, spans, ruled, tuple(classes), tuple(line_class), {}, limited, {}
    )


def _cut(
    line: Line,
    measures: tuple[Measure, ...],
    ids: list[int],
    known: list[dict[Scope, int]],
    wanted: frozenset[str],
) -> tuple[tuple[Fraction, tuple[int, ...]], ...]:
    """A line's parts (see line_parts), each with its scope numbers under every measure;
    `ids` are the whole line's (-1: not in scope), `known` the numbering, extended here."""
    parts = line_parts(line, wanted)  # one part is still a part: 100% usmca is all usmca
    numbered = [{number: scope for scope, number in table.items()} for table in known]
    whole = [
        numbered[i][ids[i]] if ids[i] >= 0 else _not_in_scope(m) for i, m in enumerate(measures)
    ]
    return tuple(
        (
            fraction,
            tuple(
                known[i].setdefault(part_scope(m, w, line, flags), len(known[i]))
                for i, (m, w) in enumerate(zip(measures, whole, strict=True))
            ),
        )
        for fraction, flags in parts
    )


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
    named: dict[str, set[Prefixes]] = {}
    for scenario in study.scenarios:
        for name, prefixes in limited_settings(scenario).items():
            named.setdefault(name, set()).update(prefixes)
    return {
        flow.key: _flow_model(
            flow,
            tuple(by_flow[flow.key]),
            tuple(frozenset(named.get(m.name, ())) for m in by_flow[flow.key]),
        )
        for flow in flows
    }


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
            found.append((Step(date.min, ZERO, scope.note),) if scope.note else _NOT_IN_SCOPE)
            continue
        schedule = scope.schedule if scope.label else None
        # a preference is a rate in place of MFN: changes of MFN do not reach it
        ruling = Plan(plan.disabled, {}, {}) if scope.label.endswith(PREFERENCE) else plan
        steps = steps_for(measure, ruling, without, schedule, scope.label, tags=scope.tags)
        changed = plan.rules.get(measure.name, ())
        if scope.excluded_from is not None or changed:
            steps = exclusions(steps, scope.excluded_from, scope.note, scope.tags, changed)
        # a rule can only lower a rate: a measure at 0% throughout stays so, and skips them
        if i in model.ruled and measure.name not in plan.disabled and any(s.rate for s in steps):
            todo.add(i)
        found.append(steps)
    if todo:
        for i, steps in apply_rules(found, model.measures, model.spans, todo).items():
            found[i] = steps
    return [(m, found[i]) for i, m in enumerate(model.measures)]


def parts_layers(
    model: FlowModel,
    parts: tuple[tuple[Fraction, tuple[Scope, ...]], ...],
    plan: Plan,
    without: str | None = None,
    *,
    reuse: tuple[Layers, tuple[Layers, ...]] | None = None,
    affected: set[int] | None = None,
) -> tuple[Layers, tuple[Layers, ...]]:
    """Each measure's step function for a class of lines cut into `parts`: each part's
    layers (see class_layers), weighted by its fraction of the value.

    Returns the class's layers and each part's (for a class of one part, its own). With
    `reuse` (the class's layers and its parts' with every window, as returned before), only
    the `affected` measures are computed again.
    """
    if len(parts) == 1:
        old = reuse[1][0] if reuse is not None else None
        found = class_layers(model, parts[0][1], plan, without, reuse=old, affected=affected)
        return found, (found,)
    each = tuple(
        class_layers(
            model,
            scopes,
            plan,
            without,
            reuse=reuse[1][k] if reuse is not None else None,
            affected=affected,
        )
        for k, (_, scopes) in enumerate(parts)
    )
    fractions = [fraction for fraction, _ in parts]
    if reuse is None or affected is None:
        return combine(model.measures, list(zip(fractions, each, strict=True))), each
    combined: Layers = [
        (
            measure,
            _weighted([(f, layers[i][1]) for f, layers in zip(fractions, each, strict=True)], ONE),
        )
        if i in affected
        else reuse[0][i]
        for i, measure in enumerate(model.measures)
    ]
    return combined, each


def combine(measures: tuple[Measure, ...], each: list[tuple[Fraction, Layers]]) -> Layers:
    """The layers of a line from its parts' layers, weighted by their fractions of it."""
    return [
        (measure, _weighted([(fraction, layers[i][1]) for fraction, layers in each], ONE))
        for i, measure in enumerate(measures)
    ]


def _class_parts(cls: _Class) -> tuple[tuple[Fraction, tuple[Scope, ...]], ...]:
    return cls.parts or ((ONE, cls.scopes),)


def _weighted(
    parts: Sequence[tuple[Fraction, tuple[Step, ...]]], total: Decimal
) -> tuple[Step, ...]:
    """The value-weighted mean of step functions: sum(value x rate) / total, at each change.
    Weights that change by date (a line's parts, `total` 1) are calc.weights's."""
    if len(parts) == 1 and isinstance(parts[0][0], Decimal):
        return parts[0][1]
    fixed = [(weight, steps) for weight, steps in parts if isinstance(weight, Decimal)]
    if len(fixed) < len(parts):
        return mean(parts, total)
    if total == 0:
        return (Step(date.min, ZERO, ""),)
    current = [ZERO] * len(fixed)
    events: dict[date, list[tuple[int, Step]]] = {}
    for index, (_, steps) in enumerate(fixed):
        for step in steps:
            events.setdefault(step.start, []).append((index, step))
    weighted = ZERO
    out: list[Step] = []
    for day in sorted(events):
        causes: dict[str, None] = {}
        for index, step in events[day]:
            weighted += fixed[index][0] * (step.rate - current[index])
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
    parts: tuple[tuple[Layers, ...], ...] = ()  # per class, each part's layers


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
        made = [parts_layers(model, _class_parts(c), NO_PLAN) for c in model.classes]
        classes = tuple(layers for layers, _ in made)
        found = model.memo["untouched"] = FlowLayers(
            model,
            _weighted_layers(model, classes, range(len(model.measures))),
            classes,
            tuple(each for _, each in made),
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


def ruled(model: FlowModel, plan: Plan) -> FlowModel:
    """The model with its measures' rules (yields, all-in ceilings) as the plan changes
    them (see domain.RuleChange); the model itself where the plan changes none of them.
    The line classes are the same: rules do not change a product's scope."""
    changed = {
        i: plan.rules[m.name]
        for i, m in enumerate(model.measures)
        if any(c.kind != EXCLUDES for c in plan.rules.get(m.name, ()))
    }
    if not changed:
        return model
    variants = model.variants if model.variants is not None else {}
    key = tuple(sorted(changed.items()))
    found = variants.get(key)
    if found is None:
        measures = tuple(
            m._replace(rules=rules_under(m.rules, changed[i])) if i in changed else m
            for i, m in enumerate(model.measures)
        )
        with_rules = frozenset(i for i, m in enumerate(measures) if m.rules)
        found = variants[key] = model._replace(
            measures=measures,
            spans=intervals(measures) if with_rules else (),
            ruled=with_rules,
            memo={},
            variants=None,
        )
    return found


def flow_layers(
    model: FlowModel,
    plan: Plan,
    without: Window | None = None,
    reuse: FlowLayers | None = None,
    *,
    remember: bool = False,
) -> FlowLayers:
    """A flow's layers under a scenario's plan.

    Only the measures the plan touches (changes, windows, disabled, rules) and those that
    yield to them are computed; the rest come from the untouched layers. With `without`, one window
    is left out, and `reuse` (the layers with every window) supplies what it does not change.
    With `remember`, the layers are kept on the model by what the plan sets on this flow, and
    a later plan that sets it alike gets the same object (compare's scenarios; not a sweep's
    variants, which would make the memory grow with their number).
    """
    base = model
    if without is None:
        touched = set(plan.disabled) | set(plan.changes) | set(plan.windows) | set(plan.rules)
        model = ruled(base, plan)  # the rules as the plan changes them
        affected = closure(model, touched)
        reuse = _untouched(base)
        if not affected:
            return reuse
        # scenarios that set this flow's measures alike share its layers (and so its result)
        mine = {m.name for m in model.measures}
        key = (
            frozenset(mine & plan.disabled),
            tuple((n, tuple(plan.changes[n])) for n in sorted(mine & set(plan.changes))),
            tuple((n, tuple(plan.windows[n])) for n in sorted(mine & set(plan.windows))),
            tuple((n, plan.rules[n]) for n in sorted(mine & set(plan.rules))),
        )
        known = base.memo.get(key) if remember else None
        if known is not None:
            return known
        name = None
    else:
        if reuse is None:
            raise ValueError("leaving out a window needs the layers with every window")
        model = reuse.model  # with the rules as the plan changes them
        affected = closure(model, {measure for measure, _ in without.rates})
        name = without.name
    made = [
        parts_layers(model, _class_parts(c), plan, name, reuse=(old, each), affected=affected)
        for c, old, each in zip(model.classes, reuse.classes, reuse.parts, strict=True)
    ]
    classes = tuple(layers for layers, _ in made)
    found = FlowLayers(
        model,
        _weighted_layers(model, classes, affected, reuse),
        classes,
        tuple(each for _, each in made),
    )
    if without is None and remember:
        base.memo[key] = found
    return found


def layers_by_flow(
    study: Study,
    plan: Plan,
    models: dict[str, FlowModel] | None = None,
    *,
    remember: bool = False,
) -> dict[str, FlowLayers]:
    """Every flow's layers under a scenario (measures in file order); see flow_layers for
    `remember`."""
    models = models or flow_models(study)
    return {key: flow_layers(model, plan, remember=remember) for key, model in models.items()}


def total_at(layers: Layers, day: date) -> Decimal:
    return sum((rate_at(steps, day) for _, steps in layers), ZERO)
