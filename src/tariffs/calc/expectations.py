"""Expectations: evaluate the facts a scenario file states about its own results. Pure."""

from __future__ import annotations

from decimal import Decimal

from tariffs.calc.compare import RatesOn, compare
from tariffs.calc.results import Outcome
from tariffs.domain import Study
from tariffs.metrics import EXPECTED, FLOW, WINDOW, Item, value


def check(study: Study) -> tuple[Outcome, ...]:
    """Evaluate the study's expectations against its results, in file order.

    Each expectation names a metric of the registry (tariffs.metrics.EXPECTED). A window's
    metric adds up every window of that name on the flow: a child scenario may reuse an
    ancestor's window name. A rate on another date than the report date is computed for it.
    """
    if not study.expectations:
        return ()
    result = compare(study)
    rate_on = RatesOn(study)
    flows = {(item.scenario, item.flow_key): item for item in FLOW.items(result)}
    windows: dict[tuple[str, str | None, str], list[Item]] = {}
    for item in WINDOW.items(result):
        windows.setdefault((item.scenario, item.name, item.flow_key), []).append(item)
    outcomes = []
    for e in study.expectations:
        kind, metric = EXPECTED[e.metric]
        on = (e.on or result.on) if e.metric == "rate" else None
        if on is not None and on != result.on:
            got = rate_on(e.scenario, e.flow, on)
        elif kind is WINDOW:
            got = sum(
                (value(metric, item) for item in windows.get((e.scenario, e.window, e.flow), ())),
                Decimal(0),
            )
        else:
            got = value(metric, flows[(e.scenario, e.flow)])
        outcomes.append(Outcome(e, got, e.bound.accepts(got), on))
    return tuple(outcomes)
