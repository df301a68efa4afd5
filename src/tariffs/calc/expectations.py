"""Expectations: evaluate the facts a scenario file states about its own results. Pure."""

from __future__ import annotations

from decimal import Decimal

from tariffs.calc.compare import compare, flow_rate_on
from tariffs.calc.results import Outcome
from tariffs.domain import Study


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
            saved[key] = saved.get(key, Decimal(0)) + w.saved
    outcomes = []
    for e in study.expectations:
        flow = flows[(e.scenario, e.flow)]
        if e.metric == "rate" and e.on is not None and e.on != result.on:
            got = flow_rate_on(study, e.scenario, e.flow, e.on)
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
