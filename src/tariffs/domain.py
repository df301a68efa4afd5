"""The validated, resolved inputs of a calculation: plain frozen values, no I/O.

`tariffs.input` builds these from a scenario file; `tariffs.calc` computes on them. Rates
are `Decimal` percents (30 means 30%); money is a `Decimal` amount in the study's currency.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple


class Line(NamedTuple):
    """A product line: its HS code's digits (empty: unclassified), as written, and its value.

    `elasticity` and `observed` (the total rate in percent at which `value` was observed)
    are both set, or both None for a line whose imports do not respond to the rate. `mfn`
    is its MFN rate, the base layer; None where the file does not say (unknown, not 0%).
    """

    hs: str
    code: str
    description: str
    value: Decimal
    elasticity: Decimal | None = None
    observed: Decimal | None = None
    mfn: Decimal | None = None  # its MFN rate in percent; None: not stated (unknown)
    mfn_form: str = ""  # a specific MFN as written, with its quantity; mfn is then its AVE
    shares: tuple[tuple[str, ShareValue], ...] = ()  # named shares of the value (see ShareValue)
    preferences: tuple[tuple[str, Decimal], ...] = ()  # a share's rate in place of MFN (%)


class Flow(NamedTuple):
    """Annual trade into `importer` from `exporter`, as one or more product lines.

    A flow given without lines has one unclassified line (HS code empty) holding its whole
    value; then `classified` is False.
    """

    importer: str
    exporter: str
    value: Decimal
    lines: tuple[Line, ...]
    classified: bool = False

    @property
    def label(self) -> str:
        return f"{self.importer} on {self.exporter}"

    @property
    def key(self) -> str:
        return f"{self.importer}:{self.exporter}"


Schedule = tuple[tuple[date, Decimal], ...]
"""(from, rate) pairs sorted by date; 0% before the first."""

ShareValue = Decimal | Schedule
"""A named share of a line's value in percent: fixed, or by date as a Schedule (each from
its date on, 0% before the first)."""

AUTHORITIES = ("section-301", "ieepa", "section-232", "section-122", "other")
"""The legal authorities of additional duties, in CBP's reporting order: Chapter 99 lines
for Section 301 first, then IEEPA, then Section 232 (then the rest, then the Chapter 1-97
line with MFN)."""
MFN = "mfn"
"""The kind, and the name, of a flow's base layer: its MFN (column 1 general) rates."""
YIELDS = "yields"
ALL_IN = "all_in"


class Rule(NamedTuple):
    """How a measure stands to other layers of its flow over [start, until).

    `YIELDS`: the measure pays nothing on a line and day where one of `names` is owed there
    at a rate above 0 (CBP's "subject to"). `ALL_IN`: the measure's rate is a ceiling over
    `names`: it pays max(0, its rate - the sum of theirs), the EU's 15% "all-in" form.
    """

    kind: str
    names: tuple[str, ...]
    start: date = date.min
    until: date = date.max

    def active(self, day: date) -> bool:
        return self.start <= day < self.until


class InTransit(NamedTuple):
    """A saving clause of the order that changed a measure's rate: goods loaded (onto the
    vessel that brings them) before `loaded_before` and entered before `entered_before`
    pay the measure's rate of `rate_on`, when that is earlier than their entry date."""

    loaded_before: date
    entered_before: date
    rate_on: date
    note: str = ""


class Measure(NamedTuple):
    """A tariff layer with its product scope (HS prefixes are digit strings).

    `applies_to` empty means every product, unclassified ones included; otherwise only lines
    whose HS code starts with one of the prefixes. `excludes` holds (prefix, from, note): a
    matching line pays nothing from that day on (`date.min`: always). `product_rates` holds
    (prefix, schedule): the longest matching prefix's schedule replaces `rates` for a line.
    `rules` say how it stands to the flow's other layers, by date (see `Rule`).
    """

    name: str
    importer: str
    exporter: str
    basis: str
    rates: Schedule
    applies_to: tuple[str, ...] = ()
    excludes: tuple[tuple[str, date, str], ...] = ()
    product_rates: tuple[tuple[str, Schedule], ...] = ()
    rules: tuple[Rule, ...] = ()
    kind: str = ""  # MFN for the base layer built from the lines' `mfn`; "" otherwise
    heading: str = ""  # its HTSUS Chapter 99 heading, such as 9903.01.25; "" if not given
    authority: str = ""  # one of AUTHORITIES; "" if not given
    written: tuple[tuple[str, str], ...] = ()
    """(prefix, the HS code as the file wrote it): '851713' was written '8517.13'."""
    on_share: str = ""  # it applies only to this named share of a line's value
    exempt_share: str = ""  # this named share of a line's value pays none of it
    rated_partners: tuple[str, ...] = ()
    """For a partner of a measure over many partners that has no rates of its own (no
    `partner_rates` entry, and the measure no `rates`): the partners that have rates. The
    measure is not this partner's tariff: it is 0% on every product here (its product rates
    are for the others), and `tariffs rate` says so. Empty otherwise."""
    in_transit: tuple[InTransit, ...] = ()  # saving clauses for goods loaded before a change

    def hs(self, prefix: str) -> str:
        """A prefix of this measure as its file wrote it, for messages and output."""
        return dict(self.written).get(prefix) or hs_code(prefix)

    @property
    def scoped(self) -> bool:
        return bool(
            self.applies_to
            or self.excludes
            or self.product_rates
            or self.on_share
            or self.exempt_share
        )

    @property
    def yields_to(self) -> tuple[str, ...]:
        """The measures it yields to on some day."""
        return tuple(dict.fromkeys(n for r in self.rules if r.kind == YIELDS for n in r.names))

    @property
    def depends_on(self) -> tuple[str, ...]:
        """The measures whose rates its own depends on, on some day."""
        return tuple(dict.fromkeys(n for r in self.rules for n in r.names))


EXCLUDES = "excludes"
"""The kind of a scenario's rule change that replaces a measure's exclusions."""
RULE_KINDS = {"yields_to": YIELDS, "all_in": ALL_IN, "excludes": EXCLUDES}
"""A scenario's rule change keys (as the file writes them) and the kind each replaces."""


class RuleChange(NamedTuple):
    """From `day` on, a scenario replaces one kind of a measure's rules.

    `kind` is YIELDS or ALL_IN: the measure's own rules of that kind end at `day` (those
    that start on or after it are dropped), and `rules` hold from then, each over
    [max(its start, day), its until); an empty `rules` lifts them (`all_in: []`). `kind`
    EXCLUDES: the measure's exclusions end at `day`, and `excludes` hold from then: each
    (HS prefixes, from, note) takes those products out of the measure from max(from, day)
    until the measure's next change of exclusions.
    """

    day: date
    measure: str
    kind: str
    rules: tuple[Rule, ...] = ()
    excludes: tuple[tuple[tuple[str, ...], date, str], ...] = ()


def rules_under(rules: tuple[Rule, ...], changes: Iterable[RuleChange]) -> tuple[Rule, ...]:
    """A measure's rules (yields and all-in ceilings) under a scenario's rule changes of
    it (see RuleChange), applied in date order."""
    out = list(rules)
    for change in sorted(changes, key=lambda c: c.day):
        if change.kind == EXCLUDES:
            continue
        kept = [
            rule if rule.kind != change.kind else rule._replace(until=min(rule.until, change.day))
            for rule in out
            if rule.kind != change.kind or rule.start < change.day
        ]
        for rule in change.rules:
            start = max(rule.start, change.day)
            if start < rule.until:
                kept.append(rule._replace(start=start))
        out = kept
    return tuple(dict.fromkeys(out))


class Window(NamedTuple):
    """A temporary override of some measures' rates over [start, until)."""

    name: str
    start: date
    until: date
    rates: tuple[tuple[str, Decimal], ...]
    products: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """(measure, HS prefixes): a measure the window sets for those products only."""


class Scenario(NamedTuple):
    """A scenario with its inheritance already resolved.

    `changes` are (date, measure, rate) sorted by date: each sets the measure's rate from that
    date on, replacing the measure's own schedule from then. Windows override both.
    """

    name: str
    description: str
    changes: tuple[tuple[date, str, Decimal], ...]
    windows: tuple[Window, ...]
    disabled: frozenset[str]
    product_changes: tuple[tuple[date, str, Decimal, tuple[str, ...]], ...] = ()
    """(date, measure, rate, HS prefixes): changes for those products only, by date."""
    rules: tuple[RuleChange, ...] = ()
    """Changes of measures' rules (yields, all-in ceilings, exclusions) from a date on."""


class Bound(NamedTuple):
    """What an expectation accepts: an exact value at a stated precision, or a range.

    Exact: `low == high` and `quantum` is the precision it is checked to: the precision
    written (30% -> 1, 45.05% -> 0.01, 25.97bn -> 10,000,000), but never coarser than 0.01
    pp for a rate or one ten-thousandth of a sum of money (25.97bn -> 1,000,000); a result
    matches when, rounded half up to `quantum`, it equals the value. Range: `quantum` is
    None and either end may be open; both ends are inclusive and compared with the
    unrounded result (a `tolerance` makes a range around the value). Dates are compared as
    day numbers (date.toordinal()).
    """

    low: Decimal | None
    high: Decimal | None
    quantum: Decimal | None
    text: str

    def accepts(self, value: Decimal) -> bool:
        if self.quantum is not None and self.low is not None:
            shown = (value / self.quantum).quantize(Decimal(1), rounding=ROUND_HALF_UP)
            return shown * self.quantum == self.low
        return (self.low is None or self.low <= value) and (self.high is None or value <= self.high)

    def off_by(self, value: Decimal) -> Decimal:
        """How far `value` is from what the bound accepts: value minus the expected value
        (exact), or minus the nearest end of the range; 0 when it is accepted."""
        if self.accepts(value):
            return Decimal(0)
        if self.quantum is not None and self.low is not None:
            return value - self.low
        if self.low is not None and value < self.low:
            return value - self.low
        return value - self.high if self.high is not None else Decimal(0)


class Expectation(NamedTuple):
    """A fact a scenario file states about its own results; `tariffs check` evaluates it.

    `metric` is a key of tariffs.metrics.EXPECTED, and `context` what the fact is about (a
    key of tariffs.metrics.CONTEXTS: the flow, a `layer` of it, a product `hs`, a `window`,
    an importer's total): together they name one metric of the registry. `on` is set for a
    rate on a date only (the file's `on` by default); `hs` (an HS code as written) for a
    product: its line's metrics, or with a rate, the product's own stack as `tariffs rate`
    shows it (on any date). `line` and `column` say where the file states it.
    """

    scenario: str
    flow: str
    metric: str
    bound: Bound
    on: date | None
    window: str | None
    line: int
    column: int
    hs: str | None = None
    layer: str | None = None
    context: str = "flow"


class Target(NamedTuple):
    """A number in a study that a sweep varies (see docs/sweep.md for how each is written).

    `kind` says where it is: "window" (`name` a window of the swept scenario; `field` days,
    until, start, or rate with `measure`), "change" (the swept scenario's change of `measure`
    on `day`), "measure" (the step of `name`'s own schedule from `day`), "flow" (`name` a
    flow key; `field` value, elasticity or observed_at) or "line" (the line `hs` of flow
    `name`; `field` value, share, elasticity or observed_at). `unit` is how its values are
    written: days, date, percent, money or number. `text` is the target as written.
    """

    kind: str
    name: str
    field: str
    unit: str
    text: str
    measure: str = ""
    day: date | None = None
    hs: str = ""


VaryValue = Decimal | date
"""A varied value: a Decimal (days, percent, money, number) or a date."""


class Vary(NamedTuple):
    """One varied number and the values it takes, in order."""

    target: Target
    values: tuple[VaryValue, ...]
    text: str


class Solve(NamedTuple):
    """A break-even question: the value of the one varied number at which `metric` (a
    sweep metric's name) reaches `goal`."""

    metric: str
    goal: Decimal
    text: str


class Sweep(NamedTuple):
    """A grid of variants of one scenario: every combination of the varies' values (the
    first vary outermost), with the metrics and flows to report, or a question to solve.
    `flows` and `metrics` empty mean the defaults (see tariffs.calc.sweep)."""

    name: str
    scenario: str
    vary: tuple[Vary, ...]
    metrics: tuple[str, ...] = ()
    flows: tuple[str, ...] = ()
    solve: Solve | None = None
    description: str = ""


def window_overlaps(windows: Iterable[Window]) -> Iterator[tuple[Window, Window, str]]:
    """Each pair of windows that set the same measure on a common day: (earlier, later,
    measure), the earlier by (start, until)."""
    by_measure: dict[str, list[Window]] = {}
    for window in windows:
        for measure, _ in window.rates:
            by_measure.setdefault(measure, []).append(window)
    for measure, entries in by_measure.items():
        entries.sort(key=lambda window: (window.start, window.until))
        for first, second in itertools.pairwise(entries):
            if second.start < first.until:
                yield first, second, measure


MODELS = ("ces", "gsim")
"""The market models of `markets:`: `ces` (the default, in levels) and linear `gsim`."""


class Market(NamedTuple):
    """An importer's imports from its partners as one market (see calc.market).

    `import_demand` is Em (<= 0), `substitution` sigma or Es (>= 0), `export_supply` Ex
    (> 0; None: infinite) for every partner but those of `partner_supply`. T0, each
    partner's observed rate, is its flow's rate on `observed_on` under the file's baseline
    scenario; without `observed_on`, its lines' `observed_at`.
    """

    importer: str
    model: str
    import_demand: Decimal
    substitution: Decimal
    export_supply: Decimal | None = None
    partner_supply: tuple[tuple[str, Decimal | None], ...] = ()
    observed_on: date | None = None

    def supply(self, partner: str) -> Decimal | None:
        """Ex of one partner: its own, else the market's."""
        return dict(self.partner_supply).get(partner, self.export_supply)


class Study(NamedTuple):
    """Everything one scenario file says, resolved and checked."""

    title: str
    start: date
    until: date
    on: date
    baseline: str
    currency: str
    sources: tuple[str, ...]
    flows: tuple[Flow, ...]
    measures: tuple[Measure, ...]
    scenarios: tuple[Scenario, ...]
    expectations: tuple[Expectation, ...] = ()
    sweeps: tuple[Sweep, ...] = ()
    warnings: tuple[str, ...] = ()  # `path:line:col: warning: ...` for what has no effect
    markets: tuple[Market, ...] = ()  # importers whose partners form one market

    def scenario(self, name: str) -> Scenario:
        for scenario in self.scenarios:
            if scenario.name == name:
                return scenario
        raise KeyError(name)


class Tracker(NamedTuple):
    """Another source's rate by date, from a `date,value` CSV (`timeline --against`): each
    value holds from its date until the next row's (the last: its own day only); None is a
    row without a value, a gap. Sorted by date."""

    path: str
    points: tuple[tuple[date, Decimal | None], ...]


# --- how values are written in a scenario file ----------------------------------------------

SCALE = {
    "": Decimal(1),
    "k": Decimal(10) ** 3,
    "m": Decimal(10) ** 6,
    "bn": Decimal(10) ** 9,
    "tn": Decimal(10) ** 12,
}
"""The money suffixes of the file format, and what each multiplies by."""


def money_literal(amount: Decimal) -> str:
    """The shortest scenario-file literal for an amount: 143500000000 -> '143.5bn'."""
    for suffix in ("tn", "bn", "m", "k"):
        scaled = amount / SCALE[suffix]
        if abs(scaled) >= 1:
            return f"{_plain(scaled)}{suffix}"
    return _plain(amount)


def money_exact(amount: Decimal) -> str:
    """An amount in full, grouped in thousands: 87300000000.0 -> '87,300,000,000'."""
    text = f"{amount:,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def percent_literal(rate: Decimal) -> str:
    """The scenario-file literal for a rate: Decimal('7.50') -> '7.5%'."""
    return f"{_plain(rate)}%"


def share_literal(share: ShareValue) -> str:
    """The scenario-file literal for a share: '38%', or '{2025-01-01: 38%, 2025-07-01: 80%}'."""
    if isinstance(share, Decimal):
        return percent_literal(share)
    return "{" + ", ".join(f"{day}: {percent_literal(rate)}" for day, rate in share) + "}"


def _plain(value: Decimal) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def hs_code(digits: str) -> str:
    """HS digits as usually written: '851713' -> '8517.13'."""
    return digits if len(digits) <= 4 else f"{digits[:4]}.{digits[4:]}"


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """A count and its noun, pluralised: '1 flow', '2 flows', '1,200 flows'."""
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"


QUOTE_LIMIT = 60
"""Longest text of a user's value quoted in a message; longer values are cut."""


def quoted(value: object, limit: int = QUOTE_LIMIT) -> str:
    """A user's value for a message: repr-quoted (so control characters show as escapes),
    and cut to about `limit` characters, so a huge value never makes a huge message."""
    text = repr(value) if isinstance(value, str) else _short_number(value)
    if len(text) > limit:
        return text[: limit - 5] + "[...]" + (text[-1] if isinstance(value, str) else "")
    return text


LISTED = 10
"""At most this many names are listed in a message such as 'unknown measure'."""


def listed(names: Sequence[str]) -> str:
    """Names for a message: the first LISTED, quoted as needed, and how many more there
    are; "none" for no names."""
    if not names:
        return "none"
    shown = ", ".join(quoted(name)[1:-1] for name in names[:LISTED])
    more = len(names) - LISTED
    return shown + (f" and {more:,} more" if more > 0 else "")


def _short_number(value: object) -> str:
    """str() of a number, kept short: a Decimal keeps its exponent (1E-999999), and an
    integer too long to print in full is said to be one."""
    try:
        return str(value)
    except ValueError:  # int digits over sys.get_int_max_str_digits()
        return "a number with thousands of digits"
