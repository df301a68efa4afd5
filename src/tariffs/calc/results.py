"""What the calculation returns: plain frozen values, one kind per result (see docs/output.md).

Rates are `Decimal` percents (30 means 30%); money is a `Decimal` amount in the study's
currency; intervals are half-open, [start, until).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from tariffs.domain import Expectation, Flow, Line, Measure, Solve, Tracker, Vary, VaryValue

Value = Decimal | str | None

ZERO = Decimal(0)

DAYS_PER_YEAR = 365

ONE_DAY = timedelta(days=1)


class Change(NamedTuple):
    """A measure's rate moved from `old` to `new` at a segment's start."""

    measure: str
    old: Decimal
    new: Decimal
    cause: str


class Segment(NamedTuple):
    """[start, until) over which every layer of a flow holds one rate."""

    start: date
    until: date
    rate: Decimal
    layers: tuple[Decimal, ...]
    changes: tuple[Change, ...]

    @property
    def days(self) -> int:
        return (self.until - self.start).days


class Layer(NamedTuple):
    """One measure's part of a flow's rate: on the report date, and on average over the period.

    For a flow of several product lines both are import-weighted (pre-substitution): the
    measure's contribution to the flow's effective rate, in percentage points.
    """

    measure: str
    basis: str
    rate: Decimal
    average: Decimal


class LineClass(NamedTuple):
    """Product lines that every measure treats alike, and what they pay per unit of value.

    `rate_on` and `average` are the lines' total rate on the report date and over the period;
    `integral` is sum(rate% x days) over the period. With a trade response, `volume` is
    sum(f x days) and `dynamic` sum(f x rate% x days), f being M(t)/M0 in each segment.
    The `per_unit_` fields are static duties, imports and dynamic duties over the period per
    unit of a line's value: a line's are its value times these.
    """

    lines: tuple[Line, ...]
    rate_on: Decimal
    average: Decimal
    integral: Decimal
    volume: Decimal | None
    dynamic: Decimal | None
    per_unit_duties: Decimal
    per_unit_imports: Decimal | None
    per_unit_dynamic: Decimal | None

    def duties(self, line: Line) -> Decimal:
        """Static duties on `line` over the period."""
        return line.value * self.per_unit_duties

    def imports(self, line: Line) -> Decimal | None:
        """Imports of `line` over the period after the trade response."""
        return None if self.per_unit_imports is None else line.value * self.per_unit_imports

    def dynamic_duties(self, line: Line) -> Decimal | None:
        """Duties on the responded imports of `line` over the period."""
        return None if self.per_unit_dynamic is None else line.value * self.per_unit_dynamic


class Response(NamedTuple):
    """A flow's trade response over the period (see tariffs.response and docs/economics.md).

    `rate_on` and `average` are post-substitution effective rates: weighted by the responded
    imports. `consumer_cost` and `deadweight_loss` are measured from the observed rates.
    """

    static_imports: Decimal
    imports: Decimal
    dynamic_duties: Decimal
    rate_on: Decimal
    average: Decimal
    observed_duties: Decimal
    consumer_cost: Decimal
    deadweight_loss: Decimal


class FlowResult(NamedTuple):
    """One flow under one scenario over the study period."""

    flow: Flow
    rate_on: Decimal
    stack: tuple[Layer, ...]
    average: Decimal
    low: Decimal
    low_from: date
    peak: Decimal
    peak_from: date
    duties: Decimal
    segments: tuple[Segment, ...]
    classes: tuple[LineClass, ...] = ()
    line_class: tuple[int, ...] = ()  # for each line of the flow, in order, its class
    response: Response | None = None

    def lines(self) -> Iterator[tuple[Line, LineClass]]:
        """Each product line of the flow, in file order, with its class."""
        for line, index in zip(self.flow.lines, self.line_class, strict=True):
            yield line, self.classes[index]


class WindowResult(NamedTuple):
    """A window's effect on one flow, over the whole window (not clipped to the period);
    `days_in_period` and `saved_in_period` are over its days inside the period only."""

    window: str
    flow: Flow
    first_day: date
    last_day: date
    days: int
    before: Decimal
    inside: Decimal
    after: Decimal
    cliff: Decimal
    duties_with: Decimal
    duties_without: Decimal
    saved: Decimal
    days_in_period: int = 0
    saved_in_period: Decimal = Decimal(0)


class ImporterResult(NamedTuple):
    """One importer's flows together under one scenario: its total over its partners.

    Rates are import-weighted by the flows' values, as a flow's are by its lines':
    sum(value x rate) / sum(value); duties add up.
    """

    importer: str
    partners: tuple[str, ...]
    value: Decimal
    rate_on: Decimal
    average: Decimal
    duties: Decimal
    layers: tuple[ImporterLayer, ...] = ()  # each measure's part, in first-seen order

    @property
    def key(self) -> str:
        """IMPORTER:* (every partner)."""
        return f"{self.importer}:*"


class ImporterLayer(NamedTuple):
    """One measure's part of an importer's total, over every flow it is on: the flows'
    parts weighted by their values, sum(value x part) / sum(value of all the importer's
    flows), in percentage points; the parts add up to the total's rates."""

    importer: str
    measure: str
    basis: str
    rate: Decimal
    average: Decimal
    share: Decimal  # of the total's average rate, in percent (0 when the average is 0)

    @property
    def key(self) -> str:
        """IMPORTER:* (every partner)."""
        return f"{self.importer}:*"


class MarketPartner(NamedTuple):
    """One partner in an importer's market under one scenario (see calc.market): money over
    the period, rates and shares in percent. `imports` are after the response (values at
    world prices); their change from `static_imports` is `creation` plus `diversion`."""

    importer: str
    exporter: str
    observed: Decimal  # T0, the rate its base imports were observed at
    rate_on: Decimal  # its rate on the report date
    static_imports: Decimal
    imports: Decimal
    creation: Decimal
    diversion: Decimal
    share_before: Decimal
    share_after: Decimal
    world_price_on: Decimal  # the change of its export price on the report date, in percent
    tariff_revenue: Decimal
    producer_surplus: Decimal

    @property
    def key(self) -> str:
        """IMPORTER:EXPORTER."""
        return f"{self.importer}:{self.exporter}"

    @property
    def change(self) -> Decimal:
        return self.imports - self.static_imports


class MarketResult(NamedTuple):
    """An importer's market under one scenario: its partners in file order and the totals.

    `price_on` and `price_average` are the change of the tariff-inclusive import price
    index from the base, in percent, on the report date and on average over the period.
    Surpluses and welfare are changes from the base (every partner at its observed rate),
    over the period; `warnings` say where the linear model left its range.
    """

    importer: str
    model: str
    import_demand: Decimal
    substitution: Decimal
    partners: tuple[MarketPartner, ...]
    static_imports: Decimal
    imports: Decimal
    price_on: Decimal
    price_average: Decimal
    tariff_revenue: Decimal
    base_revenue: Decimal
    consumer_surplus: Decimal
    producer_surplus: Decimal
    warnings: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """IMPORTER:* (every partner)."""
        return f"{self.importer}:*"

    @property
    def revenue_change(self) -> Decimal:
        return self.tariff_revenue - self.base_revenue

    @property
    def welfare(self) -> Decimal:
        """Buyers, tariff revenue and exporters together, from the base."""
        return self.consumer_surplus + self.revenue_change + self.producer_surplus


class ScenarioResult(NamedTuple):
    """One scenario's results: each flow, in file order, each window's effect, and each
    importer of two or more flows, in file order, with its total."""

    name: str
    description: str
    flows: tuple[FlowResult, ...]
    windows: tuple[WindowResult, ...]
    importers: tuple[ImporterResult, ...] = ()
    markets: tuple[MarketResult, ...] = ()


class StudyResult(NamedTuple):
    """A study's results: the scenarios shown, in order, and the baseline."""

    title: str
    start: date
    until: date
    on: date
    baseline: str
    currency: str
    sources: tuple[str, ...]
    scenarios: tuple[ScenarioResult, ...]
    base: ScenarioResult
    """The baseline's results, shown or not, for deltas (its windows only if it is shown)."""

    @property
    def days(self) -> int:
        return (self.until - self.start).days


class TimelineEntry(NamedTuple):
    """One flow (or, with `hs`, one product of it) under one scenario: its measures, and
    the segments of the period. `weighted`: the rates are the flow's, import-weighted over
    its product lines (each measure's part of the flow's rate), not any product's own. A
    product whose MFN is unknown (`mfn_unknown`) has no MFN layer: its rates are the
    additional duties only."""

    scenario: str
    flow: Flow
    measures: tuple[Measure, ...]
    segments: tuple[Segment, ...]
    hs: str = ""
    weighted: bool = False
    mfn_unknown: bool = False  # with `hs`: the flow states MFN, but not for this product

    @property
    def label(self) -> str:
        """'US on CN', or 'HS 8517.13 from CN into US' for one product."""
        if self.hs:
            return f"HS {self.hs} from {self.flow.exporter} into {self.flow.importer}"
        return self.flow.label


class TotalTimeline(NamedTuple):
    """An importer's total over its partners under one scenario (`timeline --flow
    IMPORTER:*`): its segments, each holding the total rate and its parts.

    Rates are weighted by the flows' values, as ImporterResult's are. `series` names the
    parts, as (split, name): ("authority", "ieepa"), ("layer", "us-232-steel"), ("partner",
    "CN"); each segment's `layers` holds their values in pp, in that order, and its
    `changes` the measures whose part moved on its first day (old and new parts, in pp, and
    why, by partner). A segment ends where the total or any layer's or partner's part
    changes.
    """

    scenario: str
    importer: str
    partners: tuple[str, ...]
    value: Decimal
    series: tuple[tuple[str, str], ...]
    segments: tuple[Segment, ...]

    @property
    def key(self) -> str:
        """IMPORTER:* (every partner)."""
        return f"{self.importer}:*"

    @property
    def label(self) -> str:
        """'US on all its 3 partners'."""
        count = len(self.partners)
        return f"{self.importer} on all its {count:,} partner{'s' if count != 1 else ''}"

    def names(self, split: str) -> tuple[str, ...]:
        """The names of one split's parts, in order."""
        return tuple(name for kind, name in self.series if kind == split)

    def parts(self, segment: Segment, split: str) -> tuple[tuple[str, Decimal], ...]:
        """One split's parts of the total over a segment: (name, pp)."""
        return tuple(
            (name, part)
            for (kind, name), part in zip(self.series, segment.layers, strict=True)
            if kind == split
        )


class Gap(NamedTuple):
    """A series of the study against a tracker's over the days both have a value in the
    period (see calc.tracker): the gaps are the study's rate minus the tracker's, in pp.

    `quiet_` figures take only the days at least `margin` days from a change in either
    series (a new segment of the study's, a new value of the tracker's). A mean or a
    largest gap over no day is None (unknown, not 0).
    """

    days: int
    mean: Decimal | None
    mean_abs: Decimal | None
    largest: Decimal | None  # the gap of largest size, with its sign
    largest_on: date | None
    margin: int
    quiet_days: int
    quiet_mean_abs: Decimal | None
    quiet_largest: Decimal | None
    quiet_largest_on: date | None


class TimelineResult(NamedTuple):
    title: str
    start: date
    until: date
    entries: tuple[TimelineEntry, ...]
    totals: tuple[TotalTimeline, ...] = ()
    """Importers' totals over their partners (`--flow IMPORTER:*`), after the flows."""
    tracker: Tracker | None = None
    """The series of `--against`, if given."""
    gaps: tuple[Gap, ...] = ()
    """With a tracker: each entry's gap to it, then each total's, in their order."""


class ProductLayer(NamedTuple):
    """One measure's part of a product's rate on a date, and why it is what it is."""

    measure: str
    basis: str
    rate: Decimal
    status: str  # in force, not in force, not in scope, excluded, yields, disabled
    why: str
    heading: str = ""  # its Chapter 99 heading, if the file gives one
    authority: str = ""


class ProductStack(NamedTuple):
    """The duty stack of one product (HS code) of one flow on one date, under one scenario."""

    flow: Flow
    hs: str
    on: date
    scenario: str
    layers: tuple[ProductLayer, ...]
    mfn_stated: bool = False  # the total counts the product's MFN; else the layers are additional
    mfn_unknown: bool = False  # the flow states MFN, but not for this product (no line of it)

    @property
    def total(self) -> Decimal:
        return sum((layer.rate for layer in self.layers), ZERO)


class Outcome(NamedTuple):
    """An expectation, the value the calculation gave for it, and whether it held."""

    expectation: Expectation
    got: Decimal | None  # None: the metric has no value there (a cliff without a window)
    passed: bool
    on: date | None  # the date of a "rate" expectation: its own, or the study's
    note: str = ""  # why nothing was got, where the calculation says (an unknown MFN)


class InputChange(NamedTuple):
    """One altered input: where it is (`section`, `name`, `field`), and its old and new text.

    `old` is None for an addition and `new` is None for a removal.
    """

    section: str
    name: str
    field: str
    old: str | None
    new: str | None


class ResultChange(NamedTuple):
    """One result metric that differs. `delta` is new minus old, for numbers on both sides."""

    file: str
    scenario: str
    flow: str
    item: str
    metric: str
    unit: str
    old: Value
    new: Value
    delta: Decimal | None


class Tolerance(NamedTuple):
    """Result differences of at most these sizes are ignored (None: report every one)."""

    rate: Decimal | None = None  # percentage points, for metrics in percent or pp
    money: Decimal | None = None  # in the file's currency
    rate_given: str | None = None  # each as given on the command line, to show it so
    money_given: str | None = None


class Diff(NamedTuple):
    """`inputs` is None when either side is a saved result, whose inputs are unknown."""

    inputs: tuple[InputChange, ...] | None
    results: tuple[ResultChange, ...]

    @property
    def differences(self) -> int:
        return len(self.inputs or ()) + len(self.results)


class DiffReport(NamedTuple):
    """A diff with what the renderers say about it: the two sides' labels and the tolerance."""

    old: str
    new: str
    tolerance: Tolerance
    diff: Diff


class Point(NamedTuple):
    """One flow under one variant of a sweep: its result, the swept scenario's windows on
    it, and the same flow under the baseline (with the variant's measures, flows and lines).
    The sweep metrics of tariffs.metrics read it."""

    flow: FlowResult
    windows: tuple[WindowResult, ...]
    base: FlowResult
    market: MarketPartner | None = None  # the flow in its importer's market, if it has one
    base_market: MarketPartner | None = None


class VariantRow(NamedTuple):
    """One variant of a sweep: its number (from 1), the value of each varied number, and
    for each flow shown the value of each metric; or, for an invalid variant, why."""

    number: int
    values: tuple[VaryValue, ...]
    cells: tuple[tuple[Decimal | None, ...], ...]
    problem: str | None = None


class SweepResult(NamedTuple):
    """A sweep: what was varied and reported, and its rows, one per variant, in order.

    `rows` may be a generator: renderers read it once, as the rows are computed.
    """

    title: str
    scenario: str
    baseline: str
    start: date
    until: date
    on: date
    currency: str
    money_scale: Decimal  # the largest flow value of the file, for tables' money unit
    vary: tuple[Vary, ...]
    flows: tuple[str, ...]
    metrics: tuple[str, ...]
    variants: int
    rows: Iterable[VariantRow]


class Answer(NamedTuple):
    """Where one flow's metric reaches the goal over the varied range.

    `status` is "exact" (the metric equals the goal at `value`), "crossed" (it passes the
    goal between `below` and `value`, the first value on the goal's other side), "none"
    (no value in the range reaches it; `low` and `high` are the metric's least and
    greatest) or "invalid" (a variant on the way is invalid: `note` says which and why).
    """

    flow: str
    status: str
    value: VaryValue | None = None
    metric: Decimal | None = None
    below: VaryValue | None = None
    metric_below: Decimal | None = None
    low: Decimal | None = None
    high: Decimal | None = None
    note: str = ""
    evaluated: int = 0


class SolveResult(NamedTuple):
    """The answers of a break-even question, one per flow shown."""

    title: str
    scenario: str
    currency: str
    money_scale: Decimal
    vary: Vary
    solve: Solve
    unit: str
    answers: tuple[Answer, ...]
