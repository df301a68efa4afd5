"""Expectations: evaluate the facts a scenario file states about its own results. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from tariffs.calc.compare import MfnUnknown, RatesOn, compare
from tariffs.calc.results import Outcome, StudyResult
from tariffs.calc.scope import FlowModel, flow_models
from tariffs.calc.stack import product_stack
from tariffs.domain import Expectation, Study
from tariffs.metrics import (
    EXPECTED,
    FLOW,
    IMPORTER,
    IMPORTER_LAYER,
    LAYER,
    LINE,
    MARKET,
    MARKET_PARTNER,
    PRODUCT_RATES,
    RESPONSE,
    WINDOW,
    Item,
    Kind,
    Metric,
    dated,
    value,
)

UNNAMED = (IMPORTER, MARKET, MARKET_PARTNER)
"""Kinds whose item an expectation names by its flow alone."""

Index = dict[tuple[str, str, str, str], Item]
"""Items by (kind, scenario, flow key, item name)."""


def check(
    study: Study,
    expectations: Iterable[Expectation] | None = None,
    *,
    models: dict[str, FlowModel] | None = None,
) -> tuple[Outcome, ...]:
    """Evaluate expectations (the study's own by default) against its results, in order.

    Each names a metric of the registry in a context (tariffs.metrics.EXPECTED and
    CONTEXTS). A window's money and days add up every window of that name on the flow (a
    child scenario may reuse an ancestor's window name). A rate on another date than the
    report date is computed for that date. With `hs` and a rate, the product's own stack
    gives it (with `layer`, that measure's rate on the product); with `hs` otherwise, the
    line of that code. A metric with no value there (a flow's largest cliff without a
    window) fails, with nothing got. `models` are the study's flow models when the caller
    has made them; the results of every day share their layers.
    """
    wanted = tuple(study.expectations if expectations is None else expectations)
    if not wanted:
        return ()
    models = models or flow_models(study)
    results = _Results(study, models)
    rates = RatesOn(study, models)
    outcomes = []
    for e in wanted:
        kind, metric = EXPECTED[e.metric][e.context]
        on = (e.on or study.on) if dated(metric) or _product_rate(e) else None
        note = ""
        try:
            got = _got(study, (rates, results), e, (kind, metric, on))
        except MfnUnknown as exc:  # a product's layer whose rule depends on its unknown MFN
            got, note = None, str(exc)
        outcomes.append(Outcome(e, got, got is not None and e.bound.accepts(got), on, note))
    return tuple(outcomes)


class _Results:
    """The study's whole results for a report day, each computed when an expectation first
    needs it (a flow's rate on another day needs none: RatesOn gives it), and indexed."""

    def __init__(self, study: Study, models: dict[str, FlowModel]) -> None:
        self.study = study
        self.models = models
        self.found: dict[date, tuple[StudyResult, Index]] = {}

    def on(self, day: date) -> tuple[StudyResult, Index]:
        if day not in self.found:
            result = compare(self.study, on=day, models=self.models)
            self.found[day] = (result, _index(result))
        return self.found[day]


BY_RATES = (FLOW, LAYER, IMPORTER, IMPORTER_LAYER)
"""Kinds whose rate on another day comes from the rates alone (RatesOn): the others' (a
response's, a market's, a line's) from the whole result computed for that day."""


def _product_rate(e: Expectation) -> bool:
    return e.hs is not None and e.metric in PRODUCT_RATES


def _index(result: StudyResult) -> Index:
    out: Index = {}
    for kind in (FLOW, RESPONSE, LAYER, LINE, IMPORTER, IMPORTER_LAYER, MARKET, MARKET_PARTNER):
        for item in kind.items(result):
            # a line by its digits; an importer's total ("all partners") or its market, and a
            # partner in it ("market"), by no name
            name = item.value.line.hs if kind is LINE else "" if kind in UNNAMED else item.name
            out[(kind.name, item.scenario, item.flow_key, name)] = item
    return out


def _number(found: Any) -> Decimal | None:
    """A metric's value as a number to compare: a date as its day number."""
    if found is None or isinstance(found, Decimal):
        return found
    if isinstance(found, date):
        return Decimal(found.toordinal())
    return Decimal(found)


def _got(
    study: Study,
    lookups: tuple[RatesOn, _Results],
    e: Expectation,
    what: tuple[Kind, Metric, date | None],
) -> Decimal | None:
    rates, results = lookups
    kind, metric, on = what
    other_day = on is not None and on != study.on
    if _product_rate(e) and on is not None:
        return _product(study, e, on)
    if kind is WINDOW:
        result, _ = results.on(study.on)
        items = [
            item
            for item in WINDOW.items(result)
            if (item.scenario, item.name, item.flow_key) == (e.scenario, e.window, e.flow)
        ]
        found = [_number(value(metric, item)) for item in items]
        if metric.unit in {"money", "days"}:
            return sum((x for x in found if x is not None), Decimal(0))
        return found[0] if found else None
    if other_day and on is not None and kind in BY_RATES:
        return _on_another_day(study, rates, e, on)
    name = {"layer": e.layer, "importer layer": e.layer, "line": e.hs}.get(e.context) or ""
    if kind is LINE:
        name = name.replace(".", "")
    _, index = results.on(study.on if on is None else on)  # a whole result for that day
    item = index.get((kind.name, e.scenario, e.flow, name))
    return None if item is None else _number(value(metric, item))


def _product(study: Study, e: Expectation, on: date) -> Decimal | None:
    """A product's own rate on a day, or one layer's on it: its stack, as `rate` shows it."""
    flow = next(f for f in study.flows if f.key == e.flow)
    stack = product_stack(study, flow, e.hs or "", on, e.scenario)
    if e.layer is None:
        return stack.total
    return next((x.rate for x in stack.layers if x.measure == e.layer), Decimal(0))


def _on_another_day(study: Study, rates: RatesOn, e: Expectation, on: date) -> Decimal:
    """A rate on a day other than the report date: a flow's or a layer's, or an importer's
    total's (its flows' rates, or a measure's parts, weighted by their values; 0% for a
    total value of 0, as for a flow)."""
    if not e.flow.endswith(":*"):
        if e.layer is not None:
            return rates.layer(e.scenario, e.flow, e.layer, on)
        return rates(e.scenario, e.flow, on)
    importer = e.flow.split(":", 1)[0]
    mine = [flow for flow in study.flows if flow.importer == importer]
    total = sum((flow.value for flow in mine), Decimal(0))
    if not total:
        return Decimal(0)
    if e.layer is None:
        parts = [(flow.value, rates(e.scenario, flow.key, on)) for flow in mine]
    else:
        parts = [
            (flow.value, rates.layer(e.scenario, flow.key, e.layer, on))
            for flow in mine
            if rates.has(e.scenario, flow.key, e.layer)
        ]
    return sum((v * r for v, r in parts), Decimal(0)) / total
