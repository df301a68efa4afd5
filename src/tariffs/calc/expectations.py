"""Expectations: evaluate the facts a scenario file states about its own results. Pure."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tariffs.calc.compare import RatesOn, compare
from tariffs.calc.results import Outcome
from tariffs.calc.stack import product_stack
from tariffs.domain import Expectation, Study
from tariffs.metrics import EXPECTED, FLOW, IMPORTER, LAYER, MARKET_PARTNER, WINDOW, Item, value

IMPORTER_METRIC = {"rate": "rate_on", "average": "average_rate", "duties": "static_duties"}
"""The importer-total metric an expectation on IMPORTER:* checks, by its key."""

LAYER_METRIC = {"rate": "layer_rate_on", "average": "layer_average_rate"}
"""The layer metric an expectation with a `layer` checks, by its key."""


def check(study: Study) -> tuple[Outcome, ...]:
    """Evaluate the study's expectations against its results, in file order.

    Each expectation names a metric of the registry (tariffs.metrics.EXPECTED). A window's
    metric adds up every window of that name on the flow: a child scenario may reuse an
    ancestor's window name. A rate on another date than the report date is computed for it.
    With `hs`, the product's own stack (as `tariffs rate` shows it) gives the rate; with
    `layer`, that measure's part of the flow's rate or average (import-weighted for a flow
    of product lines), or its rate on the product.
    """
    if not study.expectations:
        return ()
    result = compare(study)
    rate_on = RatesOn(study)
    flows = {(item.scenario, item.flow_key): item for item in FLOW.items(result)}
    windows: dict[tuple[str, str | None, str], list[Item]] = {}
    for item in WINDOW.items(result):
        windows.setdefault((item.scenario, item.name, item.flow_key), []).append(item)
    layers = {(item.scenario, item.flow_key, item.name): item for item in LAYER.items(result)}
    totals = {(item.scenario, item.flow_key): item for item in IMPORTER.items(result)}
    partners = {(item.scenario, item.flow_key): item for item in MARKET_PARTNER.items(result)}
    outcomes = []
    for e in study.expectations:
        kind, metric = EXPECTED[e.metric]
        on = (e.on or result.on) if e.metric == "rate" else None
        if e.flow.endswith(":*"):
            got = _importer_total(study, rate_on, e, on if on != result.on else None, totals)
        elif e.hs is not None and on is not None:
            flow = next(f for f in study.flows if f.key == e.flow)
            stack = product_stack(study, flow, e.hs, on, e.scenario)
            got = stack.total
            if e.layer is not None:
                got = next(layer.rate for layer in stack.layers if layer.measure == e.layer)
        elif e.layer is not None and on is not None and on != result.on:
            got = rate_on.layer(e.scenario, e.flow, e.layer, on)
        elif e.layer is not None:
            item = layers[(e.scenario, e.flow, e.layer)]
            got = value(LAYER.metric(LAYER_METRIC[e.metric]), item)
        elif on is not None and on != result.on:
            got = rate_on(e.scenario, e.flow, on)
        elif kind is MARKET_PARTNER:
            got = value(metric, partners[(e.scenario, e.flow)])
        elif kind is WINDOW:
            got = sum(
                (value(metric, item) for item in windows.get((e.scenario, e.window, e.flow), ())),
                Decimal(0),
            )
        else:
            got = value(metric, flows[(e.scenario, e.flow)])
        outcomes.append(Outcome(e, got, e.bound.accepts(got), on))
    return tuple(outcomes)


def _importer_total(
    study: Study,
    rate_on: RatesOn,
    e: Expectation,
    on: date | None,
    totals: dict[tuple[str, str], Item],
) -> Decimal:
    """An importer's total (IMPORTER:*) from the results; a rate on a day `on` other than
    the report date is its flows' rates on that day, weighted by their values (0% for a
    total value of 0, as for a flow)."""
    if on is None:
        found: Decimal = value(
            IMPORTER.metric(IMPORTER_METRIC[e.metric]), totals[(e.scenario, e.flow)]
        )
        return found
    scenario = e.scenario
    importer = e.flow.split(":", 1)[0]
    mine = [flow for flow in study.flows if flow.importer == importer]
    value_sum = sum((flow.value for flow in mine), Decimal(0))
    if not value_sum:
        return Decimal(0)
    weighted = sum((flow.value * rate_on(scenario, flow.key, on) for flow in mine), Decimal(0))
    return weighted / value_sum
