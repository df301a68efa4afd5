"""The registry of result metrics: each kind of result declares its metrics once, here.

Every output reads this declaration and nothing else for its keys and columns: the JSON
document (render/json_out), the tidy CSV (render/csv_out), the tables and Markdown
(render/grids), `tariffs diff` (calc/changes), `tariffs check` (calc/expectations),
schema/result.schema.json (render/result_schema) and docs/output.md (a test checks that
every metric is documented there). A metric has one name in every format.

Adding a metric is one entry in a kind's tuple below (plus the golden files): its name,
unit, how to get it from a result, what it means, and optionally the date it refers to,
whether it has a delta against the baseline, the key an `expect:` entry checks it with, and
its table column.

Values are exact (`Decimal`, `date`, `int` or `str`); None means "not applicable here" (a
line's imports without a trade response): JSON writes null, CSV and diff leave it out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import TYPE_CHECKING, Any, NamedTuple, cast

if TYPE_CHECKING:
    from tariffs.calc.results import FlowResult, ScenarioResult, StudyResult

UNITS = {
    "percent": "a rate in percent (30 means 30%)",
    "pp": "a difference or part of rates, in percentage points",
    "money": "an amount in the file's currency",
    "date": "an ISO 8601 date",
    "days": "a number of days",
    "count": "a number of things (entries, lines)",
    "text": "text",
}
"""Every unit a metric can have, and what it means."""


class At(NamedTuple):
    """Where an item sits: the study's result, the scenario and, below a flow, the flow."""

    study: StudyResult
    scenario: ScenarioResult | None = None
    flow: FlowResult | None = None


Get = Callable[[Any, At], Any]


class Metric(NamedTuple):
    """One metric of one kind of result."""

    name: str
    unit: str
    get: Get
    doc: str
    when: Get | None = None
    """The date the value refers to (the CSV `date` column); None: no date."""
    delta: bool = False
    """Whether outputs also give `delta_NAME`: this scenario's value minus the baseline's."""
    expect: str | None = None
    """The key an `expect:` entry of a scenario file checks this metric with."""
    label: str | None = None
    """The column header in tables ({unit} is replaced by the money unit); None: not shown."""
    vs_base: bool = False
    """Whether tables show the delta in a `vs base` column after the value."""
    per: str | None = None
    """For a line metric, what its value depends on, read by `of`: "line" (the line alone),
    "class" (its class of lines alone) or "value" (the line's value times a per-unit amount
    of its class). Outputs use it to write a value once and reuse it. For a `total_segment`
    metric, the split whose parts it gives ("authority", "layer" or "partner")."""
    of: Get | None = None
    """For a line metric: the getter of the part named by `per` (see `line_metric`)."""
    nullable: bool = False
    """Whether the value may be unknown (None; null in JSON, an empty cell in CSV)."""
    text: Get | None = None
    """How tables show it, where that is not the value alone (a window's days: '31/90')."""
    also: tuple[str, ...] = ()
    """Other metrics of its kind that its table cell shows beside it (with `text`)."""


class Item(NamedTuple):
    """One result of a kind: where it is, what names it (the CSV `item`), and the object."""

    at: At
    name: str
    value: Any

    @property
    def scenario(self) -> str:
        """The scenario's name; empty for a file-level item."""
        return self.at.scenario.name if self.at.scenario is not None else ""

    @property
    def flow(self) -> FlowResult:
        """The flow the item belongs to (a flow's own item is the flow)."""
        if self.at.flow is None:
            raise ValueError(f"a {type(self.value).__name__} item has no flow")
        return self.at.flow

    @property
    def flow_key(self) -> str:
        """IMPORTER:EXPORTER of the item's flow; empty for an item above flows."""
        if self.at.flow is not None:
            return self.at.flow.flow.key
        if hasattr(self.value, "importer") and not hasattr(self.value, "flow"):
            return str(self.value.key)  # an importer's total or its layer: IMPORTER:*
        window_flow = getattr(self.value, "flow", None)
        return str(window_flow.key) if window_flow is not None else ""


class Kind(NamedTuple):
    """A kind of result: its metrics, where its items sit (`level`: "file", "scenario" or
    "flow"), how to find them there (`under`), and the same item under the baseline (for
    deltas)."""

    name: str
    doc: str
    metrics: tuple[Metric, ...]
    level: str
    under: Callable[[At], Iterator[Item]]
    base: Callable[[Item, StudyResult], Any] | None = None

    def metric(self, name: str) -> Metric:
        for metric in self.metrics:
            if metric.name == name:
                return metric
        raise KeyError(name)

    def items(self, study: StudyResult) -> Iterator[Item]:
        """Every item of this kind in a study's result, in the order of the documents."""
        if self.level == "file":
            yield from self.under(At(study))
            return
        for scenario in study.scenarios:
            if self.level == "scenario":
                yield from self.under(At(study, scenario))
                continue
            for flow in scenario.flows:
                yield from self.under(At(study, scenario, flow))


def _on(_: Any, at: At) -> date:
    return at.study.on


def _start(_: Any, at: At) -> date:
    return at.study.start


def _low_from(f: Any, _: At) -> date:
    return f.low_from  # type: ignore[no-any-return]


def _peak_from(f: Any, _: At) -> date:
    return f.peak_from  # type: ignore[no-any-return]


WHEN = {
    "_on": "report date",
    "_start": "period start",
    "_low_from": "first day it applied",
    "_peak_from": "first day it applied",
    "_first": "window's first day",
    "_day_before": "day before the window",
    "_after": "day after the window",
}
"""What each `when` says, for the reference in docs/output.md."""


# --- the study ---------------------------------------------------------------------------


def _study_items(at: At) -> Iterator[Item]:
    yield Item(at, "", at.study)


FILE = Kind(
    "file",
    "One scenario file's results as a whole.",
    (
        Metric("period_start", "date", lambda s, _: s.start, "The period's first day."),
        Metric("period_until", "date", lambda s, _: s.until, "The first day after the period."),
        Metric("report_on", "date", lambda s, _: s.on, "The report date of `rate_on` figures."),
        Metric("baseline", "text", lambda s, _: s.baseline, "The baseline scenario's name."),
    ),
    "file",
    _study_items,
)


# --- flows -------------------------------------------------------------------------------


def _flow_items(at: At) -> Iterator[Item]:
    yield Item(at, "", at.flow)


def _base_flow(item: Item, study: StudyResult) -> FlowResult:
    key = item.value.flow.key
    flows = _BASE_FLOWS.of(study.base)
    if key not in flows:
        raise KeyError(key)
    return flows[key]


class _FlowIndex:
    """The flows of one scenario's result by key, for the last scenario asked about: every
    delta of every flow looks up the baseline's flow, which a scan would make quadratic in
    the flows (870 of them in a 30-region market). The index is kept with the scenario it
    was made from, and made again for any other: the same answer as a scan, always."""

    def __init__(self) -> None:
        self.scenario: ScenarioResult | None = None
        self.flows: dict[str, FlowResult] = {}

    def of(self, scenario: ScenarioResult) -> dict[str, FlowResult]:
        if scenario is not self.scenario:
            self.flows = {}
            for flow in scenario.flows:
                self.flows.setdefault(flow.flow.key, flow)  # the first, as a scan finds
            self.scenario = scenario
        return self.flows


_BASE_FLOWS = _FlowIndex()


FLOW = Kind(
    "flow",
    "One flow (an importer's tariffs on an exporter's goods) under one scenario, over the "
    "study period.",
    (
        Metric(
            "trade_value",
            "money",
            lambda f, _: f.flow.value,
            "The flow's annual trade value (the sum of its product lines).",
        ),
        Metric(
            "rate_on",
            "percent",
            lambda f, _: f.rate_on,
            "The flow's total rate (the sum of its measures) on the report date; for a flow "
            "of product lines, import-weighted.",
            when=_on,
            delta=True,
            expect="rate",
            label="Rate on",
            vs_base=True,
        ),
        Metric(
            "average_rate",
            "percent",
            lambda f, _: f.average,
            "The time-weighted average rate over the period: sum(rate% x days) / days.",
            when=_start,
            delta=True,
            expect="average",
            label="Average",
            vs_base=True,
        ),
        Metric(
            "low_rate",
            "percent",
            lambda f, _: f.low,
            "The lowest rate during the period.",
            when=_low_from,
            delta=True,
            expect="low",
            label="Low",
        ),
        Metric(
            "low_from",
            "date",
            lambda f, _: f.low_from,
            "The first day the lowest rate applied.",
            label="from",
        ),
        Metric(
            "peak_rate",
            "percent",
            lambda f, _: f.peak,
            "The highest rate during the period.",
            when=_peak_from,
            delta=True,
            expect="peak",
            label="Peak",
        ),
        Metric(
            "peak_from",
            "date",
            lambda f, _: f.peak_from,
            "The first day the highest rate applied.",
            label="from",
        ),
        Metric(
            "static_duties",
            "money",
            lambda f, _: f.duties,
            "Duties over the period with trade held at its annual value: "
            "value x sum(rate% x days) / (365 x 100).",
            when=_start,
            delta=True,
            expect="duties",
            label="Duties\n{unit}",
            vs_base=True,
        ),
        Metric(
            "max_cliff",
            "pp",
            lambda f, at: (
                max(
                    (w.cliff for w in at.scenario.windows if w.flow.key == f.flow.key),
                    default=None,
                )
                if at.scenario
                else None
            ),
            "The largest cliff of any of the scenario's windows on the flow (see the window "
            "metric `cliff`); null where the scenario has no window on it.",
            nullable=True,
        ),
    ),
    "flow",
    _flow_items,
    _base_flow,
)


# --- each layer's part of a flow's rate --------------------------------------------------


def _layer_items(at: At) -> Iterator[Item]:
    if at.flow is not None:
        for layer in at.flow.stack:
            yield Item(at, layer.measure, layer)


LAYER = Kind(
    "layer",
    "One measure's part of a flow's rate (item: the measure). For a flow of product lines "
    "it is import-weighted, before substitution: the measure's contribution to the effective "
    "rate. A flow's layers add up to its rate_on and average_rate.",
    (
        Metric(
            "layer_rate_on",
            "pp",
            lambda x, _: x.rate,
            "The measure's part of rate_on.",
            when=_on,
            expect="rate",
        ),
        Metric(
            "layer_average_rate",
            "pp",
            lambda x, _: x.average,
            "The measure's part of average_rate.",
            when=_start,
            expect="average",
        ),
    ),
    "flow",
    _layer_items,
)


# --- the trade response ------------------------------------------------------------------


def _response_items(at: At) -> Iterator[Item]:
    if at.flow is not None and at.flow.response is not None:
        yield Item(at, "", at.flow.response)


def _base_response(item: Item, study: StudyResult) -> Any:
    flow = item.at.flow
    if flow is None:
        raise KeyError("a response belongs to a flow")
    return _base_flow(Item(item.at, "", flow), study).response


RESPONSE = Kind(
    "response",
    "A flow's trade response over the period, for a flow whose lines have an elasticity "
    "(see docs/economics.md).",
    (
        Metric(
            "static_imports",
            "money",
            lambda r, _: r.static_imports,
            "Imports over the period with no response.",
            when=_start,
        ),
        Metric(
            "imports",
            "money",
            lambda r, _: r.imports,
            "Imports over the period after the response.",
            when=_start,
            delta=True,
            label="Imports",
            vs_base=True,
        ),
        Metric(
            "dynamic_duties",
            "money",
            lambda r, _: r.dynamic_duties,
            "Duties on the imports after the response.",
            when=_start,
            delta=True,
            label="Duties\ndynamic",
        ),
        Metric(
            "post_substitution_rate_on",
            "percent",
            lambda r, _: r.rate_on,
            "The effective rate on the report date, weighted by the imports after the response.",
            when=_on,
            label="Rate on\npost-subst.",
        ),
        Metric(
            "post_substitution_average_rate",
            "percent",
            lambda r, _: r.average,
            "dynamic_duties over imports: the post-substitution average rate.",
            when=_start,
            label="Average\npost-subst.",
        ),
        Metric(
            "observed_duties",
            "money",
            lambda r, _: r.observed_duties,
            "Duties at the observed rates T0, on the observed imports.",
            when=_start,
        ),
        Metric(
            "consumer_cost",
            "money",
            lambda r, _: r.consumer_cost,
            "The area under the demand curve between the observed and the scenario's prices.",
            when=_start,
            delta=True,
            label="Consumer\ncost",
        ),
        Metric(
            "deadweight_loss",
            "money",
            lambda r, _: r.deadweight_loss,
            "consumer_cost minus the change in duties (dynamic_duties - observed_duties).",
            when=_start,
            delta=True,
            label="Deadweight\nloss",
        ),
    ),
    "flow",
    _response_items,
    _base_response,
)


# --- product lines -----------------------------------------------------------------------


class LineResult(NamedTuple):
    """One product line of a flow with the class of lines it belongs to."""

    line: Any  # tariffs.domain.Line
    cls: Any  # tariffs.calc.results.LineClass


def _line_items(at: At) -> Iterator[Item]:
    flow = at.flow
    if flow is not None and flow.flow.classified:
        for line, cls in flow.lines():
            yield Item(at, line.code or "unclassified", LineResult(line, cls))


def line_metric(name: str, unit: str, per: str, of: Get, doc: str, **extra: Any) -> Metric:
    """A line metric whose value depends on the line (per="line": `of(line, at)`), on its
    class (per="class": `of(cls, at)`), or on both as the line's value times the per-unit
    amount `of(cls, at)` (per="value"; None when the class has none)."""

    def get(x: Any, at: At) -> Any:
        if per == "line":
            return of(x.line, at)
        found = of(x.cls, at)
        if per == "class" or found is None:
            return found
        return x.line.value * found

    return Metric(name, unit, get, doc, per=per, of=of, **extra)


LINE = Kind(
    "line",
    "One product line of a flow given with lines (item: its HS code as written, or "
    "`unclassified`).",
    (
        line_metric(
            "line_value", "money", "line", lambda x, _: x.value, "The line's annual value."
        ),
        line_metric(
            "line_rate_on",
            "percent",
            "class",
            lambda c, _: c.rate_on,
            "The line's total rate on the report date.",
            when=_on,
            expect="rate",
        ),
        line_metric(
            "line_average_rate",
            "percent",
            "class",
            lambda c, _: c.average,
            "The line's time-weighted average rate over the period.",
            when=_start,
            expect="average",
        ),
        line_metric(
            "line_static_duties",
            "money",
            "value",
            lambda c, _: c.per_unit_duties,
            "The line's static duties over the period.",
            when=_start,
            expect="duties",
        ),
        line_metric(
            "line_imports",
            "money",
            "value",
            lambda c, _: c.per_unit_imports,
            "The line's imports after the response (none without one).",
            when=_start,
            nullable=True,
        ),
        line_metric(
            "line_dynamic_duties",
            "money",
            "value",
            lambda c, _: c.per_unit_dynamic,
            "Duties on the line's imports after the response (none without one).",
            when=_start,
            nullable=True,
        ),
    ),
    "flow",
    _line_items,
)


# --- windows -----------------------------------------------------------------------------


def _window_items(at: At) -> Iterator[Item]:
    if at.scenario is not None:
        for window in at.scenario.windows:
            yield Item(at, window.window, window)


def _first(w: Any, _: At) -> date:
    return w.first_day  # type: ignore[no-any-return]


def _day_before(w: Any, _: At) -> date:
    return w.first_day - timedelta(days=1)  # type: ignore[no-any-return]


def _after(w: Any, _: At) -> date:
    return w.last_day + timedelta(days=1)  # type: ignore[no-any-return]


def _days_text(w: Any, _: At) -> str:
    """'90', or '31/90' for a window 31 of whose 90 days lie inside the period."""
    return str(w.days) if w.days_in_period == w.days else f"{w.days_in_period}/{w.days}"


WINDOW = Kind(
    "window",
    "A window's effect on one flow (item: the window's name). Its figures cover the whole "
    "window, even where it runs past the period's end; window_days_in_period and "
    "duties_saved_in_period are over its days inside the period.",
    (
        Metric(
            "window_first_day",
            "date",
            _first,
            "The first day the window covers.",
            label="First day",
        ),
        Metric(
            "window_last_day",
            "date",
            lambda w, _: w.last_day,
            "The last day the window covers.",
            label="Last day",
        ),
        Metric(
            "window_days",
            "days",
            lambda w, _: w.days,
            "The window's length. Tables show `IN/ALL` (`31/90`) for a window that runs "
            "outside the period: its days inside the period, of all its days.",
            label="Days",
            text=_days_text,
            also=("window_days_in_period",),
        ),
        Metric(
            "window_days_in_period",
            "days",
            lambda w, _: w.days_in_period,
            "The window's days inside the period (window_days where it lies within it).",
        ),
        Metric(
            "rate_before",
            "percent",
            lambda w, _: w.before,
            "The flow's rate on the day before the window.",
            when=_day_before,
            label="Before",
        ),
        Metric(
            "rate_inside",
            "percent",
            lambda w, _: w.inside,
            "The flow's rate on the window's first day.",
            when=_first,
            label="Inside",
        ),
        Metric(
            "rate_after",
            "percent",
            lambda w, _: w.after,
            "The flow's rate on the first day after the window (the snapback, or what follows).",
            when=_after,
            label="After",
        ),
        Metric(
            "cliff",
            "pp",
            lambda w, _: w.cliff,
            "rate_after minus the rate on the window's last day: the jump when it ends.",
            when=_after,
            label="Cliff",
        ),
        Metric(
            "duties_with",
            "money",
            lambda w, _: w.duties_with,
            "Static duties over the window's days with the window.",
            when=_first,
        ),
        Metric(
            "duties_without",
            "money",
            lambda w, _: w.duties_without,
            "Static duties over the window's days without it (the same scenario with only "
            "this window removed).",
            when=_first,
        ),
        Metric(
            "duties_saved",
            "money",
            lambda w, _: w.saved,
            "duties_without minus duties_with: what the window saved importers, over all "
            "its days (those outside the period too: see duties_saved_in_period).",
            when=_first,
            expect="saved",
            label="Saved\n{unit}",
        ),
        Metric(
            "duties_saved_in_period",
            "money",
            lambda w, _: w.saved_in_period,
            "duties_saved over the window's days inside the period only, to set beside the "
            "period's duties.",
            when=_first,
            expect="saved_in_period",
        ),
    ),
    "scenario",
    _window_items,
)


# --- an importer's total over its partners ----------------------------------------------


def _importer_items(at: At) -> Iterator[Item]:
    if at.scenario is not None:
        for total in at.scenario.importers:
            yield Item(at, "all partners", total)


def _base_importer(item: Item, study: StudyResult) -> Any:
    for total in study.base.importers:
        if total.importer == item.value.importer:
            return total
    return None


IMPORTER = Kind(
    "importer",
    "An importer's flows together under one scenario (item: all partners), for an importer "
    "of two or more flows: trade adds up, rates are weighted by the flows' values.",
    (
        Metric(
            "trade_value",
            "money",
            lambda i, _: i.value,
            "The importer's annual trade over its flows (the sum of their values).",
        ),
        Metric(
            "rate_on",
            "percent",
            lambda i, _: i.rate_on,
            "The import-weighted rate over the importer's flows on the report date: "
            "sum(value x rate_on) / sum(value).",
            when=_on,
            delta=True,
            expect="rate",
            label="Rate on",
            vs_base=True,
        ),
        Metric(
            "average_rate",
            "percent",
            lambda i, _: i.average,
            "The import-weighted average rate over the importer's flows and the period.",
            when=_start,
            delta=True,
            expect="average",
            label="Average",
            vs_base=True,
        ),
        Metric(
            "static_duties",
            "money",
            lambda i, _: i.duties,
            "The sum of the flows' static duties.",
            when=_start,
            delta=True,
            expect="duties",
            label="Duties\n{unit}",
            vs_base=True,
        ),
    ),
    "scenario",
    _importer_items,
    _base_importer,
)


def _importer_layer_items(at: At) -> Iterator[Item]:
    if at.scenario is not None:
        for total in at.scenario.importers:
            for layer in total.layers:
                yield Item(at, layer.measure, layer)


IMPORTER_LAYER = Kind(
    "importer_layer",
    "One measure's part of an importer's total (item: the measure), over every flow it is "
    "on: the flows' parts weighted by their values over all the importer's trade, in pp. "
    "An importer's layers add up to its rate_on and average_rate.",
    (
        Metric(
            "importer_layer_rate_on",
            "pp",
            lambda x, _: x.rate,
            "The measure's part of the importer's rate_on.",
            when=_on,
            expect="rate",
        ),
        Metric(
            "importer_layer_average_rate",
            "pp",
            lambda x, _: x.average,
            "The measure's part of the importer's average_rate.",
            when=_start,
            expect="average",
        ),
        Metric(
            "importer_layer_share",
            "percent",
            lambda x, _: x.share,
            "Its part of the average as a share of the importer's average_rate (0 when that is 0).",
            when=_start,
        ),
    ),
    "scenario",
    _importer_layer_items,
)


# --- an importer's market: creation, diversion, prices and welfare -------------------------


def _market_items(at: At) -> Iterator[Item]:
    if at.scenario is not None:
        for market in at.scenario.markets:
            yield Item(at, "market", market)


def _base_market(item: Item, study: StudyResult) -> Any:
    for market in study.base.markets:
        if market.importer == item.value.importer:
            return market
    return None


MARKET = Kind(
    "market",
    "An importer's flows as one market (item: market), for an importer the file's "
    "`markets:` names: imports after the response, with diversion between partners, the "
    "import price index and welfare, changes measured from the observed rates T0 (see "
    "docs/economics.md, sections 7 and 8).",
    (
        Metric("market_model", "text", lambda m, _: m.model, "The model: ces or gsim."),
        Metric(
            "market_static_imports",
            "money",
            lambda m, _: m.static_imports,
            "Imports over the period at their observed values (no response).",
            when=_start,
        ),
        Metric(
            "market_imports",
            "money",
            lambda m, _: m.imports,
            "Imports over the period after the response, at world prices.",
            when=_start,
            delta=True,
            label="Imports\n{unit}",
            vs_base=True,
        ),
        Metric(
            "market_change",
            "money",
            lambda m, _: m.imports - m.static_imports,
            "market_imports minus market_static_imports: trade created (or destroyed).",
            when=_start,
            label="Change\n{unit}",
        ),
        Metric(
            "price_index_change_on",
            "percent",
            lambda m, _: m.price_on,
            "The tariff-inclusive import price index on the report date, as a change from "
            "the base, in percent.",
            when=_on,
            delta=True,
            label="Prices\non",
        ),
        Metric(
            "price_index_change",
            "percent",
            lambda m, _: m.price_average,
            "The same, on average over the period (time-weighted).",
            when=_start,
            delta=True,
            label="Prices\naverage",
        ),
        Metric(
            "market_tariff_revenue",
            "money",
            lambda m, _: m.tariff_revenue,
            "Tariff revenue over the period on the imports after the response.",
            when=_start,
            delta=True,
            label="Revenue\n{unit}",
        ),
        Metric(
            "market_base_revenue",
            "money",
            lambda m, _: m.base_revenue,
            "Tariff revenue over the period at the observed rates on the observed imports.",
            when=_start,
        ),
        Metric(
            "consumer_surplus",
            "money",
            lambda m, _: m.consumer_surplus,
            "The change in buyers' surplus from the base, over the period (negative: a loss).",
            when=_start,
            delta=True,
            label="Consumer\nsurplus",
        ),
        Metric(
            "producer_surplus",
            "money",
            lambda m, _: m.producer_surplus,
            "The change in the partners' exporters' surplus from the base, over the period "
            "(0 with infinite export supply).",
            when=_start,
            delta=True,
            label="Producer\nsurplus",
        ),
        Metric(
            "welfare",
            "money",
            lambda m, _: m.welfare,
            "consumer_surplus + (market_tariff_revenue - market_base_revenue) + "
            "producer_surplus: the market's net welfare change from the base.",
            when=_start,
            delta=True,
            label="Welfare",
        ),
    ),
    "scenario",
    _market_items,
    _base_market,
)


def _market_partner_items(at: At) -> Iterator[Item]:
    if at.scenario is not None:
        for market in at.scenario.markets:
            for partner in market.partners:
                yield Item(at, "market", partner)


def _base_market_partner(item: Item, study: StudyResult) -> Any:
    mine = item.value
    for market in study.base.markets:
        if market.importer == mine.importer:
            return next((p for p in market.partners if p.exporter == mine.exporter), None)
    return None


MARKET_PARTNER = Kind(
    "market_partner",
    "One partner in an importer's market (item: market): its imports after the response, "
    "the change split into creation and diversion, and its share of the importer's imports "
    "before and after. Diversion adds up to zero over the partners.",
    (
        Metric(
            "observed_rate",
            "percent",
            lambda p, _: p.observed,
            "T0: the rate at which its base imports were observed.",
        ),
        Metric(
            "market_static_imports",
            "money",
            lambda p, _: p.static_imports,
            "Its imports over the period at the observed value (no response).",
            when=_start,
            label="Static\n{unit}",
        ),
        Metric(
            "market_imports",
            "money",
            lambda p, _: p.imports,
            "Its imports over the period after the response, at world prices.",
            when=_start,
            delta=True,
            label="Imports\n{unit}",
        ),
        Metric(
            "market_change",
            "money",
            lambda p, _: p.imports - p.static_imports,
            "market_imports minus market_static_imports: creation plus diversion.",
            when=_start,
            label="Change\n{unit}",
        ),
        Metric(
            "creation",
            "money",
            lambda p, _: p.creation,
            "Its part of the change in the importer's total imports, shares held: "
            "base imports x (total after / total before - 1).",
            when=_start,
            label="Creation",
        ),
        Metric(
            "diversion",
            "money",
            lambda p, _: p.diversion,
            "What it gains from (or loses to) the other partners: market_change minus "
            "creation, (share after - share before) x the total after.",
            when=_start,
            delta=True,
            expect="diversion",
            label="Diversion",
        ),
        Metric(
            "share_before",
            "percent",
            lambda p, _: p.share_before,
            "Its share of the importer's imports at the observed values.",
            label="Share\nbefore",
        ),
        Metric(
            "share_after",
            "percent",
            lambda p, _: p.share_after,
            "Its share of the importer's imports after the response, over the period.",
            when=_start,
            delta=True,
            expect="share",
            label="Share\nafter",
        ),
        Metric(
            "world_price_change_on",
            "percent",
            lambda p, _: p.world_price_on,
            "The change of its export (world) price on the report date, in percent (0 with "
            "infinite export supply).",
            when=_on,
        ),
        Metric(
            "market_tariff_revenue",
            "money",
            lambda p, _: p.tariff_revenue,
            "Tariff revenue over the period on its imports after the response.",
            when=_start,
        ),
        Metric(
            "producer_surplus",
            "money",
            lambda p, _: p.producer_surplus,
            "The change in its exporters' surplus from the base, over the period.",
            when=_start,
        ),
    ),
    "scenario",
    _market_partner_items,
    _base_market_partner,
)


# --- an importer's total over time, and a tracker's series beside it --------------------


class TotalPoint(NamedTuple):
    """One segment of an importer's total over time: the total (a
    tariffs.calc.results.TotalTimeline) and the segment."""

    total: Any
    segment: Any


def _parts(split: str) -> Get:
    def read(x: Any, _: At) -> Any:
        return x.total.parts(x.segment, split)

    return read


TOTAL_SEGMENT = Kind(
    "total_segment",
    "One segment of an importer's total over its partners (`tariffs timeline --flow "
    "IMPORTER:*`): days over which the total and each part of it hold one value. Rates are "
    "weighted by the flows' values, as the `importer` kind's are; the parts add up to the "
    "rate, split by authority, by layer and by partner alike.",
    (
        Metric(
            "segment_days",
            "days",
            lambda x, _: x.segment.days,
            "The segment's length in days, from its first day (the CSV date) on.",
        ),
        Metric(
            "rate",
            "percent",
            lambda x, _: x.segment.rate,
            "The importer's rate over its flows: sum(value x the flow's rate) / sum(value).",
        ),
        Metric(
            "authority_part",
            "pp",
            _parts("authority"),
            "Each legal authority's part of the rate (item: `mfn`, `section-301`, `ieepa`, "
            "`section-232`, `section-122`, `other`, or `unstated` for measures that state "
            "none): the sum of its layers' parts.",
            per="authority",
        ),
        Metric(
            "layer_part",
            "pp",
            _parts("layer"),
            "Each measure's part of the rate (item: the measure), over every flow it is on: "
            "sum(value x the flow's part) / sum(value).",
            per="layer",
        ),
        Metric(
            "partner_part",
            "pp",
            _parts("partner"),
            "Each partner's part of the rate (item: the partner): value x the flow's rate / "
            "sum(value).",
            per="partner",
        ),
    ),
    "segment",
    lambda _: iter(()),
)
"""The metrics of an importer's total over time. A split metric (`per` names the split)
gives (name, value) per part; outputs read the names from it."""


GAP = Kind(
    "gap",
    "A timeline's rate against another source's (`tariffs timeline --against FILE.csv`), "
    "over the days of the period on which both have a value: the gap is the timeline's "
    "rate minus the other's, in pp. Quiet days are at least `quiet_margin` days from a "
    "change in either series. A figure over no day is null.",
    (
        Metric("gap_days", "days", lambda g, _: g.days, "The days compared.", label="Days"),
        Metric(
            "mean_gap",
            "pp",
            lambda g, _: g.mean,
            "The mean gap over those days: positive where the timeline is above.",
            nullable=True,
            label="Mean gap",
        ),
        Metric(
            "mean_abs_gap",
            "pp",
            lambda g, _: g.mean_abs,
            "The mean of the gap's size over those days.",
            nullable=True,
            label="Mean |gap|",
        ),
        Metric(
            "max_abs_gap",
            "pp",
            lambda g, _: g.largest,
            "The gap of largest size, with its sign.",
            nullable=True,
            label="Largest gap",
        ),
        Metric(
            "max_abs_gap_on",
            "date",
            lambda g, _: g.largest_on,
            "The first day it is that.",
            nullable=True,
            label="on",
        ),
        Metric(
            "quiet_margin",
            "days",
            lambda g, _: g.margin,
            "The days a quiet day keeps from every change in either series.",
            label="Margin",
        ),
        Metric(
            "quiet_days",
            "days",
            lambda g, _: g.quiet_days,
            "The quiet days compared.",
            label="Quiet days",
        ),
        Metric(
            "quiet_mean_abs_gap",
            "pp",
            lambda g, _: g.quiet_mean_abs,
            "The mean of the gap's size over the quiet days.",
            nullable=True,
            label="Quiet mean |gap|",
        ),
        Metric(
            "quiet_max_abs_gap",
            "pp",
            lambda g, _: g.quiet_largest,
            "The gap of largest size on a quiet day, with its sign.",
            nullable=True,
            label="Quiet largest",
        ),
        Metric(
            "quiet_max_abs_gap_on",
            "date",
            lambda g, _: g.quiet_largest_on,
            "The first quiet day it is that.",
            nullable=True,
            label="on",
        ),
    ),
    "entry",
    lambda _: iter(()),
)
"""The metrics of a timeline against a tracker, per flow or total shown."""

_NOWHERE = At(cast("StudyResult", None))


def read(metric: Metric, value: Any) -> Any:
    """A `total_segment` or `gap` metric's value: they read no place in a study's result."""
    return metric.get(value, _NOWHERE)


KINDS = (
    FILE,
    FLOW,
    LAYER,
    RESPONSE,
    LINE,
    WINDOW,
    IMPORTER,
    IMPORTER_LAYER,
    MARKET,
    MARKET_PARTNER,
)
"""Every kind of result of `tariffs compare`, in the order outputs list them."""


# --- what an expectation can state --------------------------------------------------------

EXPECT_UNITS = {
    "percent": "percent",
    "pp": "percent",
    "money": "money",
    "days": "days",
    "date": "date",
}
"""The units an expectation can state, and how its value is written: pp as a percent."""

CONTEXTS: dict[str, tuple[Kind, ...]] = {
    "flow": (FLOW, RESPONSE, MARKET_PARTNER),
    "layer": (LAYER,),
    "line": (LINE,),
    "window": (WINDOW,),
    "importer": (IMPORTER, MARKET),
    "importer layer": (IMPORTER_LAYER,),
}
"""What an expectation is about, and the kinds whose metrics it can state there: a flow
(its own metrics, its trade response's and, in an importer's market, its partner's), a
flow's `layer`, a product line (`hs`), a `window`, an importer's total (`flow: IMPORTER:*`,
and its market) and a layer of that total."""


def _expected() -> dict[str, dict[str, tuple[Kind, Metric]]]:
    out: dict[str, dict[str, tuple[Kind, Metric]]] = {}
    for context, kinds in CONTEXTS.items():
        for kind in kinds:
            for metric in kind.metrics:
                if metric.unit not in EXPECT_UNITS:
                    continue
                for key in (metric.expect, metric.name):
                    if key is not None:
                        out.setdefault(key, {}).setdefault(context, (kind, metric))
    return out


EXPECTED = _expected()
"""What an `expect:` entry can state: a key (every metric's registry name, and the short
keys `rate`, `average`, `low`, `peak`, `duties`, `saved`, `saved_in_period`) -> the metric it
means in each context where it has one (see CONTEXTS)."""


PRODUCT_RATES = frozenset({"rate", "line_rate_on"})
"""With `hs`, these keys are the product's own rate on a date, as `tariffs rate` shows it,
for any code (a line's other metrics need a line of that code)."""


def expect_unit(key: str) -> str:
    """How an expectation's value for `key` is written: percent, money, days or date."""
    return EXPECT_UNITS[next(iter(EXPECTED[key].values()))[1].unit]


def expect_context(flow: str, *, layer: bool, hs: bool, window: bool) -> str:
    """The context of an expectation, from what it names (see CONTEXTS)."""
    if flow.endswith(":*"):
        return "importer layer" if layer else "importer"
    if window:
        return "window"
    if layer:
        return "layer"
    return "line" if hs else "flow"


def dated(metric: Metric) -> bool:
    """Whether a metric is a rate on the report date, so an expectation may give it `on`."""
    return metric.when is _on


FLOW_KINDS = (FLOW, LAYER, RESPONSE, LINE)
"""The kinds whose items sit in a flow, in the order a flow's document lists them."""


def in_order(study: StudyResult) -> Iterator[tuple[Kind, Item]]:
    """Every item of every kind in the order of the compare document: the file, then per
    scenario each flow with its layers, response and lines, then the scenario's windows."""
    for item in FILE.under(At(study)):
        yield FILE, item
    for scenario in study.scenarios:
        for flow in scenario.flows:
            at = At(study, scenario, flow)
            for kind in FLOW_KINDS:
                for item in kind.under(at):
                    yield kind, item
        for item in WINDOW.under(At(study, scenario)):
            yield WINDOW, item
        for item in IMPORTER.under(At(study, scenario)):
            yield IMPORTER, item
        for item in IMPORTER_LAYER.under(At(study, scenario)):
            yield IMPORTER_LAYER, item
        for item in MARKET.under(At(study, scenario)):
            yield MARKET, item
        for item in MARKET_PARTNER.under(At(study, scenario)):
            yield MARKET_PARTNER, item


# --- sweeps ------------------------------------------------------------------------------


def _point_flow(point: Any) -> Any:
    return point.flow


def _point_response(point: Any) -> Any:
    return point.flow.response


def _base_flow_of(point: Any) -> Any:
    return point.base


def _base_response_of(point: Any) -> Any:
    return point.base.response


def _point_market(point: Any) -> Any:
    return point.market


def _base_market_of(point: Any) -> Any:
    return point.base_market


def _via(get: Get, part: Callable[[Any], Any]) -> Get:
    """A sweep metric read from a part of the point: None where the part is absent."""

    def read(point: Any, at: At) -> Any:
        found = part(point)
        return None if found is None else get(found, at)

    return read


def _delta_via(get: Get, part: Callable[[Any], Any], base: Callable[[Any], Any]) -> Get:
    def read(point: Any, at: At) -> Any:
        mine, theirs = part(point), base(point)
        if mine is None or theirs is None:
            return None
        return get(mine, at) - get(theirs, at)

    return read


def _saved(point: Any, _: At) -> Decimal:
    return sum((window.saved for window in point.windows), Decimal(0))


_SWEPT = (
    (FLOW, _point_flow, _base_flow_of),
    (RESPONSE, _point_response, _base_response_of),
    (MARKET_PARTNER, _point_market, _base_market_of),
)


def _sweep_metrics() -> tuple[Metric, ...]:
    """The flow and response metrics that are numbers, each with its delta, under their
    own names, units and meanings; and the duties saved by all the scenario's windows."""
    out: list[Metric] = []
    for kind, part, base in _SWEPT:
        for metric in kind.metrics:
            if metric.unit not in {"percent", "money"}:
                continue
            out.append(metric._replace(get=_via(metric.get, part), when=None, vs_base=False))
            if metric.delta:
                unit = "pp" if metric.unit == "percent" else metric.unit
                out.append(
                    Metric(
                        f"delta_{metric.name}",
                        unit,
                        _delta_via(metric.get, part, base),
                        f"{metric.name} minus the baseline's.",
                        label=f"{metric.label}\nvs base" if metric.label else None,
                    )
                )
    out.append(
        Metric(
            "duties_saved",
            "money",
            _saved,
            "What the swept scenario's windows saved importers on the flow: the sum of the "
            "window metric duties_saved over its windows.",
            expect="saved",
            label="Saved\n{unit}",
        )
    )
    return tuple(out)


SWEEP = Kind(
    "sweep",
    "One flow under one variant of `tariffs sweep` (one row per variant per flow). The "
    "baseline of a delta has the variant's measures, flows and lines; windows and changes "
    "vary in the swept scenario only.",
    _sweep_metrics(),
    "variant",
    lambda _: iter(()),
)
"""The metrics of `tariffs sweep`, from the flow and response metrics above."""

SWEEP_ALIASES = {metric.expect: metric.name for metric in SWEEP.metrics if metric.expect}
"""Short names a sweep accepts for its metrics: the keys of `expect:` (rate, average, ...)."""


def sweep_metric(name: str) -> Metric:
    """A sweep metric by its name or short name; KeyError if there is none."""
    return SWEEP.metric(SWEEP_ALIASES.get(name, name))


def value(metric: Metric, item: Item) -> Any:
    """The metric's value for an item."""
    return metric.get(item.value, item.at)


def delta(kind: Kind, metric: Metric, item: Item) -> Decimal | None:
    """The metric's value for an item minus the baseline's value for the same item."""
    if kind.base is None or item.at.scenario is None:
        return None
    base = kind.base(item, item.at.study)
    if base is None:
        return None
    mine, theirs = metric.get(item.value, item.at), metric.get(base, item.at)
    if not isinstance(mine, Decimal) or not isinstance(theirs, Decimal):
        return None
    return mine - theirs


def date_of(metric: Metric, item: Item) -> date | None:
    """The date the metric's value refers to, if any."""
    return None if metric.when is None else metric.when(item.value, item.at)


RATE_PLACES = 4
"""Decimal places of rates (in percent or pp) in JSON, CSV and `diff`."""
MONEY_PLACES = 2
"""Decimal places of money in JSON, CSV and `diff`."""
SHOWN_PLACES = {"percent": RATE_PLACES, "pp": RATE_PLACES, "days": 0}
"""The places a number of each unit is shown with (money, in any currency: MONEY_PLACES)."""


def round_half_up(value: Decimal, places: int) -> Decimal:
    """`value` rounded half up to `places` decimals, in a context wide enough for it."""
    wide = Context(prec=max(28, value.adjusted() + places + 2), rounding=ROUND_HALF_UP)
    return value.quantize(Decimal(1).scaleb(-places), context=wide)


Flat = dict[tuple[str, str, str, str], tuple[Decimal | str | None, str]]
"""Results as flat metrics, for `tariffs diff`: (scenario, flow, item, metric) -> (value,
unit), no deltas. render/flat.py makes it from results, input/saved.py from saved JSON."""


def unit_label(unit: str, currency: str) -> str:
    """The unit a diff shows: the currency code for money, '' for text."""
    return {"money": currency, "text": ""}.get(unit, unit)


def numbered(
    seen: dict[tuple[str, str, str, str], int], kind: Kind, where: tuple[str, str, str]
) -> str:
    """An item's name in flat metrics, `where` being (scenario, flow, name): numbered from
    the second time one kind's name repeats in a scenario's flow (`Geneva truce #2`)."""
    key = (kind.name, *where)
    count = seen[key] = seen.get(key, 0) + 1
    return where[2] if count == 1 else f"{where[2]} #{count}"


def names() -> list[str]:
    """Every metric's name, deltas included, in registry order."""
    out: list[str] = []
    for kind in KINDS:
        for metric in kind.metrics:
            out.append(metric.name)
            if metric.delta:
                out.append(f"delta_{metric.name}")
    return out


# --- customs entries (tariffs entry) -----------------------------------------------------
# An entry file's results (tariffs.calc.entry): per run (a scenario, from the origins as
# entered or one other), its totals, each entry, each entry line and each duty line. Their
# getters read the result object alone; `tariffs entry` renders them (render/entry_out).


def _flag(line: Any, _: At) -> str | None:
    return None if line.paid is None else ("yes" if line.flagged else "no")


ENTRY_TOTAL = Kind(
    "entry_total",
    "Every entry of the file under one scenario, from the origins as entered or all from "
    "one other (item: all entries).",
    (
        Metric("entry_count", "count", lambda r, _: len(r.entries), "Entries priced."),
        Metric("line_count", "count", lambda r, _: r.lines, "Entry lines priced."),
        Metric(
            "total_entered_value",
            "money",
            lambda r, _: r.value,
            "The entries' value, each line's in whole dollars.",
            label="Value",
        ),
        Metric("total_duty", "money", lambda r, _: r.duty, "The entries' duty.", label="Duty"),
        Metric(
            "total_mpf",
            "money",
            lambda r, _: r.mpf,
            "The entries' merchandise processing fees (entries whose fees are modelled).",
            label="MPF",
        ),
        Metric(
            "total_hmf",
            "money",
            lambda r, _: r.hmf,
            "The entries' harbor maintenance fees (entries whose fees are modelled).",
            label="HMF",
        ),
        Metric(
            "total_paid",
            "money",
            lambda r, _: r.total,
            "total_duty + total_mpf + total_hmf.",
            label="Total",
        ),
        Metric(
            "total_effective_rate",
            "percent",
            lambda r, _: r.effective_rate,
            "total_duty over total_entered_value, in percent.",
            label="Rate",
        ),
        Metric(
            "entries_without_fees",
            "count",
            lambda r, _: r.without_fees,
            "Entries whose fees are not modelled (a Section 321 release, a postal item, an "
            "informal mail entry): not in total_mpf, total_hmf or total_paid.",
        ),
        Metric(
            "total_refund",
            "money",
            lambda r, _: r.refund,
            "What the entries are owed back (with --refund-authority or --refund-against).",
            nullable=True,
            label="Owed back",
        ),
        Metric(
            "total_interest",
            "money",
            lambda r, _: r.interest,
            "Overpayment interest on it to the refund date (with --refund-on).",
            nullable=True,
            label="Interest",
        ),
        Metric(
            "flagged",
            "count",
            lambda r, _: r.flagged,
            "Lines, MPFs and HMFs paid more than a cent off what is computed.",
        ),
    ),
    "run",
    lambda _: iter(()),
)

ENTRY = Kind(
    "entry",
    "One entry under one scenario (item: its entry number).",
    (
        Metric("entry_date", "date", lambda e, _: e.entry_date, "Its entry date."),
        Metric(
            "entry_type",
            "text",
            lambda e, _: e.entry_type,
            "How it is priced: 01 (formal), 11 (informal), 86 (a Section 321 release) or "
            "postal; another two-digit type given in the file as it is.",
            label="Type",
        ),
        Metric("mode", "text", lambda e, _: e.mode, "Its mode of transport.", label="Mode"),
        Metric(
            "entered_value",
            "money",
            lambda e, _: e.value,
            "Its value: each line's, in whole dollars (19 CFR 159.3(a)).",
            label="Value",
        ),
        Metric("duty", "money", lambda e, _: e.duty, "Its duty.", label="Duty"),
        Metric(
            "mpf",
            "money",
            lambda e, _: e.mpf,
            "Its merchandise processing fee (null: not modelled for this entry).",
            nullable=True,
            label="MPF",
        ),
        Metric(
            "hmf",
            "money",
            lambda e, _: e.hmf,
            "Its harbor maintenance fee (null: not modelled).",
            nullable=True,
            label="HMF",
        ),
        Metric(
            "total",
            "money",
            lambda e, _: e.total,
            "duty + mpf + hmf (null where the fees are not modelled).",
            nullable=True,
            label="Total",
        ),
        Metric(
            "effective_rate",
            "percent",
            lambda e, _: e.effective_rate,
            "duty over entered_value, in percent.",
            label="Rate",
        ),
        Metric(
            "paid_duty",
            "money",
            lambda e, _: e.paid_duty,
            "The duty the file says was paid on its lines (null: not given).",
            nullable=True,
        ),
        Metric(
            "paid_mpf",
            "money",
            lambda e, _: e.paid_mpf,
            "The MPF the file says was paid (null: not given).",
            nullable=True,
        ),
        Metric(
            "paid_hmf",
            "money",
            lambda e, _: e.paid_hmf,
            "The HMF the file says was paid (null: not given).",
            nullable=True,
        ),
        Metric(
            "flagged_items",
            "count",
            lambda e, _: e.flagged,
            "Its lines, MPF and HMF paid more than a cent off what is computed.",
        ),
        Metric(
            "deposit_date",
            "date",
            lambda e, _: e.deposit,
            "When its duties were deposited (null: not given).",
            nullable=True,
        ),
        Metric(
            "refund",
            "money",
            lambda e, _: e.refund,
            "What it is owed back (null: no refund asked).",
            nullable=True,
            label="Owed back",
        ),
        Metric(
            "interest",
            "money",
            lambda e, _: e.interest,
            "Overpayment interest on its refund, from deposit_date to the refund date, "
            "compounded daily, in cents (null: none computed).",
            nullable=True,
            label="Interest",
        ),
        Metric(
            "interest_days",
            "days",
            lambda e, _: e.interest_days,
            "The days interest runs: [deposit_date, refund date).",
            nullable=True,
        ),
        Metric(
            "fees_note",
            "text",
            lambda e, _: e.fees_note,
            "Why its fees are not modelled, if they are not.",
        ),
        Metric("notes", "text", lambda e, _: "; ".join(e.notes), "What else to know of it."),
    ),
    "entry",
    lambda _: iter(()),
)

ENTRY_LINE = Kind(
    "entry_line",
    "One line of an entry under one scenario (item: its line number).",
    (
        Metric("hts", "text", lambda x, _: x.line.hts_text, "Its HTS code, as written."),
        Metric("description", "text", lambda x, _: x.line.description, "What the goods are."),
        Metric("origin", "text", lambda x, _: x.origin, "The origin it is priced from."),
        Metric("law", "text", lambda x, _: x.law, "The scenario file whose law prices it."),
        Metric(
            "line_entered_value",
            "money",
            lambda x, _: x.value,
            "Its entered value in whole dollars (19 CFR 159.3(a)).",
        ),
        Metric("line_duty", "money", lambda x, _: x.duty, "Its duty: its duty lines' sum."),
        Metric(
            "line_effective_rate",
            "percent",
            lambda x, _: x.effective_rate,
            "line_duty over line_entered_value, in percent.",
        ),
        Metric(
            "line_paid_duty",
            "money",
            lambda x, _: x.paid,
            "The duty the file says was paid on it (null: not given).",
            nullable=True,
        ),
        Metric(
            "line_difference",
            "money",
            lambda x, _: x.difference,
            "line_paid_duty - line_duty: above 0, paid more than computed.",
            nullable=True,
        ),
        Metric(
            "line_flagged",
            "text",
            _flag,
            "yes where paid and computed are more than a cent apart (null: nothing paid given).",
            nullable=True,
        ),
        Metric(
            "line_refund",
            "money",
            lambda x, _: x.owed_back,
            "What it is owed back (null: no refund asked).",
            nullable=True,
        ),
        Metric("line_notes", "text", lambda x, _: "; ".join(x.notes), "What else to know of it."),
    ),
    "line",
    lambda _: iter(()),
)

ENTRY_DUTY = Kind(
    "entry_duty",
    "One duty line of an entry line, as CBP Form 7501 lists them (item: the measure): a "
    "Chapter 99 heading or the HTS line's MFN, in CBP's reporting order.",
    (
        Metric("heading", "text", lambda d, _: d.heading, "Its Chapter 99 heading, if given."),
        Metric("authority", "text", lambda d, _: d.authority, "Its authority (mfn: the HTS line)."),
        Metric("rate_text", "text", lambda d, _: d.rate_text, "Its rate as written."),
        Metric(
            "duty_rate",
            "percent",
            lambda d, _: d.rate,
            "Its rate (a specific or compound rate: its ad valorem equivalent on the line).",
        ),
        Metric(
            "duty_base",
            "money",
            lambda d, _: d.base,
            "The value its ad valorem rate applies to, in whole dollars.",
        ),
        Metric(
            "duty_share",
            "percent",
            lambda d, _: d.share,
            "duty_base's share of the line's value (100 but for a layer on a share of it).",
        ),
        Metric(
            "duty_specific",
            "money",
            lambda d, _: d.specific,
            "A specific rate's part: the amount per unit times the quantity (null: none).",
            nullable=True,
        ),
        Metric("duty_amount", "money", lambda d, _: d.amount, "Its duty, in cents."),
        Metric(
            "duty_paid",
            "money",
            lambda d, _: d.paid,
            "What the file says was paid under it (null: not given).",
            nullable=True,
        ),
        Metric("status", "text", lambda d, _: d.status, "in force, excluded or yields."),
        Metric("why", "text", lambda d, _: d.why, "Why it is at its rate."),
        Metric("rate_on", "date", lambda d, _: d.rate_on, "The day whose rate applies."),
    ),
    "duty",
    lambda _: iter(()),
)

ENTRY_KINDS = (ENTRY_TOTAL, ENTRY, ENTRY_LINE, ENTRY_DUTY)
"""The kinds of `tariffs entry`, outermost first: they are not in KINDS (compare's)."""
