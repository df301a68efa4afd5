"""The duty stack of one product on one date: each layer, and why it applies or not. Pure."""

from __future__ import annotations

from bisect import bisect_right
from datetime import date

from tariffs.calc.compare import product_layers
from tariffs.calc.results import ZERO, ProductLayer, ProductStack
from tariffs.calc.steps import Step, rate_at
from tariffs.domain import Flow, Study


def product_stack(study: Study, flow: Flow, hs: str, on: date, scenario: str) -> ProductStack:
    """Every measure of `flow` for the product with HS code `hs` (as written) on `on`."""
    layers, scopes, disabled = product_layers(study, flow, hs.replace(".", ""), scenario)
    out: list[ProductLayer] = []
    rates = {m.name: rate_at(steps, on) for m, steps in layers}
    for (measure, steps), scope in zip(layers, scopes, strict=True):
        index = bisect_right(steps, on, key=lambda step: step.start) - 1
        step = steps[index] if index >= 0 else Step(on, ZERO, "")
        blockers = [name for name in measure.yields_to if rates[name] > 0]
        status = "in force" if step.rate > 0 else "not in force"
        why = f"{step.cause}, since {step.start}" if step.cause else "no rate yet"
        if not scope.applies:
            prefixes = ", ".join(measure.hs(p) for p in measure.applies_to)
            status, why = "not in scope", f"applies only to HS {prefixes}"
        elif measure.name in disabled:
            status, why = "disabled", f"disabled by scenario {scenario!r}"
        elif scope.excluded_from is not None and scope.excluded_from <= on:
            since = "always" if scope.excluded_from == date.min else f"from {scope.excluded_from}"
            status, why = "excluded", f"excluded {since}{': ' if scope.note else ''}{scope.note}"
        elif blockers:
            shown = ", ".join(f"{name} ({rates[name]:f}%)" for name in blockers)
            status, why = "yields", f"yields to {shown}"
        out.append(ProductLayer(measure.name, measure.basis, step.rate, status, why))
    return ProductStack(flow, hs, on, scenario, tuple(out))
