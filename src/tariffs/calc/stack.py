"""The duty stack of one product on one date: each layer, and why it applies or not. Pure."""

from __future__ import annotations

from bisect import bisect_right
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from tariffs.calc import weights
from tariffs.calc.compare import PartLayers, mfn_unknown, product_layers
from tariffs.calc.results import ONE_DAY, ZERO, ProductLayer, ProductStack
from tariffs.calc.scope import Scope
from tariffs.calc.steps import Layers, Step, exclusions, plan_of, rate_at
from tariffs.domain import AUTHORITIES, MFN, YIELDS, Flow, Line, Measure, RuleChange, Study

Layered = tuple[Layers, tuple[Scope, ...], frozenset[str], PartLayers]
"""What calc.compare.product_layers returns for one product under one scenario."""


def product_stack(
    study: Study,
    flow: Flow,
    hs: str,
    on: date,
    scenario: str,
    *,
    line: Line | None = None,
    layered: Layered | None = None,
) -> ProductStack:
    """Every measure of `flow` for the product with HS code `hs` (as written) on `on`.

    `line` is the product's own line (an entry line: its shares and MFN; see
    calc.compare.product_layers); `layered`, the product's layers when the caller has
    made them already, for one product on many dates.
    """
    digits = hs.replace(".", "")
    layers, scopes, disabled, parts = layered or product_layers(
        study, flow, digits, scenario, during=(on, on + ONE_DAY), line=line
    )
    unknown = mfn_unknown(layers, scopes)
    plan = plan_of(study.scenario(scenario))
    out: list[ProductLayer] = []
    form = _mfn_form(flow, digits, line)
    rates = {m.name: rate_at(steps, on) for m, steps in layers}
    for (measure, steps), scope in zip(layers, scopes, strict=True):
        if unknown and measure.kind == MFN:
            continue  # unknown, not 0%: the total is the additional duties (see `unknown`)
        index = bisect_right(steps, on, key=lambda step: step.start) - 1
        step = steps[index] if index >= 0 else Step(on, ZERO, "")
        blockers = [
            name
            for rule in measure.rules
            if rule.kind == YIELDS and rule.active(on)
            for name in rule.names
            if rates[name] > 0
        ]
        # an MFN of 0% ("Free") is a rate in force, not the absence of one
        status = "in force" if step.rate > 0 or measure.kind == MFN else "not in force"
        if not step.cause:
            why = "no rate yet"
        elif step.start == date.min:  # a rate with no start, such as a line's MFN
            why = step.cause
            if measure.kind == MFN and form:
                why = f"MFN {form}, as its ad valorem equivalent"
        else:
            why = f"{step.cause}, since {step.start}"
        if out_of_scope := _out_of_scope(measure, scope):
            status, why = out_of_scope
        elif measure.name in disabled:
            status, why = "disabled", f"disabled by scenario {scenario!r}"
        elif measure.rated_partners and not step.cause:
            rated = ", ".join(measure.rated_partners)
            status, why = "not in scope", f"not this partner: its rates are for {rated} only"
        elif out_by := _excluded(scope, plan.rules.get(measure.name, ()), on):
            status, why = "excluded", out_by
        elif blockers:
            shown = ", ".join(f"{name} ({rates[name]:f}%)" for name in blockers)
            status, why = "yields", f"yields to {shown}"
        split = _by_part(parts, len(out), on)
        if split:
            status = "in force" if rates[measure.name] > 0 else status
            why = f"by share of value: {split}"
        out.append(
            ProductLayer(
                measure.name,
                measure.basis,
                step.rate,
                status,
                why,
                measure.heading,
                MFN if measure.kind == MFN else measure.authority,
            )
        )
    mfn = any(measure.kind == MFN for measure, _ in layers) and not unknown
    return ProductStack(
        flow, hs, on, scenario, tuple(sorted(out, key=_cbp_order)), mfn, mfn_unknown=unknown
    )


def _mfn_form(flow: Flow, digits: str, line: Line | None) -> str:
    """A specific MFN as written, with its quantity: the product's own line's, or the
    flow's line of that code; "" for an ad valorem MFN."""
    if line is not None:
        return line.mfn_form
    return next((own.mfn_form for own in flow.lines if own.hs == digits), "")


def _out_of_scope(measure: Measure, scope: Scope) -> tuple[str, str] | None:
    """The status and why of a product the measure does not cover: a share of its value
    that the measure spares or misses, or a code outside its `applies_to`; None if covered."""
    if scope.applies:
        return None
    if scope.note:  # a share of the value it spares or misses
        exempt = measure.exempt_share and scope.note.endswith("is exempt")
        return ("excluded" if exempt else "not in scope"), scope.note
    prefixes = ", ".join(measure.hs(p) for p in measure.applies_to)
    return "not in scope", f"applies only to HS {prefixes}"


def _excluded(scope: Scope, changes: tuple[RuleChange, ...], on: date) -> str:
    """Why a product is out of a measure on `on` by an exclusion (the measure's own, or a
    scenario's, as the scenario's changes of exclusions leave them); '' if it is not."""
    if scope.excluded_from is None and not changes:
        return ""
    probe = exclusions(
        (Step(date.min, ONE, ""),), scope.excluded_from, scope.note, scope.tags, changes
    )
    index = bisect_right(probe, on, key=lambda step: step.start) - 1
    if index < 0 or probe[index].rate:
        return ""
    if probe[index].cause.startswith("scenario exclusion"):
        return f"{probe[index].cause}, since {probe[index].start}"
    since = "always" if scope.excluded_from == date.min else f"from {scope.excluded_from}"
    return f"excluded {since}{': ' if scope.note else ''}{scope.note}"


ONE = Decimal(1)
TEXT_PLACES = Decimal("0.01")
"""The places of a part's share of value in `rate`'s explanation (rounded half up)."""


def _by_part(parts: PartLayers, index: int, on: date) -> str:
    """The rate of measure `index` on each part of a line cut by shares of value, when the
    parts' rates differ: '25% on 50% (not usmca); 0% on 50% (usmca: its usmca share is
    exempt)'; else ''."""
    rated = []
    for fraction, flags, layers in parts:
        share = weights.at(fraction, on)  # a share by date: its part's fraction on the day
        if not share:
            continue
        steps = layers[index][1]
        at = bisect_right(steps, on, key=lambda step: step.start) - 1
        rated.append((share, flags, steps[at] if at >= 0 else Step(on, ZERO, "")))
    if len({step.rate for _, _, step in rated}) == 1:
        return ""
    names = sorted({name for _, flags, _ in parts for name in flags})
    shown = []
    for fraction, flags, step in rated:
        label = ", ".join(name if name in flags else f"not {name}" for name in names)
        since = f", since {step.start}" if step.start not in {date.min, on} else ""
        cause = f": {step.cause}{since}" if step.cause else ""
        share = (fraction * 100).quantize(TEXT_PLACES, ROUND_HALF_UP).normalize()  # text only
        shown.append(f"{step.rate:f}% on {share:f}% ({label}{cause})")
    return "; ".join(shown)


def _cbp_order(layer: ProductLayer) -> int:
    """CBP's reporting order: Chapter 99 lines for Section 301, IEEPA, Section 232, then the
    rest (those without an authority keep file order; sorting is stable), then MFN."""
    if layer.authority == MFN:
        return len(AUTHORITIES) + 1
    if layer.authority in AUTHORITIES:
        return AUTHORITIES.index(layer.authority)
    return len(AUTHORITIES)
