"""What an importer pays on a customs entry, to the cent, and what it is owed back. Pure.

Each entry line takes its rates from the scenario file whose period holds its entry date,
through the same duty stack as `tariffs rate` (calc.stack.product_stack): every layer of the
line's product on its flow, in CBP's reporting order, with each layer's own date where an
in-transit saving clause keeps an earlier rate. Money follows 19 CFR 159.3, ROUND_HALF_UP
at each legal boundary (docs/entry.md, "Rounding"):

- the entered value, and each duty line's base (the value, or the share of it a layer
  falls on), in whole dollars;
- a specific duty's quantity in whole units (rates of $1 or less a unit) or hundredths;
- each duty line's amount in cents; the line's, the entry's and the file's duty are sums of
  those cents, never rounded again;
- the MPF and the HMF once per entry, on the entry's value, in cents (then the MPF's
  minimum and maximum); overpayment interest once per entry, in cents.
"""

from __future__ import annotations

import calendar
import functools
import itertools
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from datetime import date, timedelta
from decimal import Context, Decimal, localcontext
from typing import Any, NamedTuple, TypeVar

from tariffs.calc import weights
from tariffs.calc.compare import product_layers
from tariffs.calc.results import ZERO, ProductLayer
from tariffs.calc.scope import FlowModel, flow_models
from tariffs.calc.stack import Layered, product_stack
from tariffs.calc.steps import Plan, plan_of, rate_at, steps_for
from tariffs.customs import (
    AD_VALOREM,
    CENT,
    CORPORATE,
    DE_MINIMIS,
    DE_MINIMIS_ENDS,
    DE_MINIMIS_LIMIT,
    DOLLAR,
    FORMAL,
    INFORMAL,
    INFORMAL_LIMIT,
    INFORMAL_LIMIT_CHAPTER_99,
    MAIL,
    MPF_EXEMPT_PROGRAMS,
    PER_ITEM,
    POSTAL,
    ROUNDING,
    VESSEL,
    DeMinimisEnd,
    Entries,
    EntryExpectation,
    EntryLine,
    FeeYear,
    InterestQuarter,
    PostalRegime,
    StatedRate,
    covering,
    span,
)
from tariffs.domain import MFN, Flow, InTransit, Line, Measure, Study, percent_literal
from tariffs.metrics import ENTRY_KINDS

ONE = Decimal(1)
HUNDRED = Decimal(100)
_NOWHERE: Any = None
"""The entry kinds' getters read the result object alone (see tariffs.metrics)."""
US = "US"
IEEPA = "ieepa"
SHOWN_STATUSES = frozenset({"in force", "excluded", "yields"})
"""Layers an entry line shows: those owed, and those in scope that something spares."""

# --- what is asked --------------------------------------------------------------------------


class Law(NamedTuple):
    """One scenario file: its path as shown, and its study."""

    path: str
    study: Study


class Refund(NamedTuple):
    """What a refund is: the duties of `authority` (say ieepa), or what each heading owes
    more than under the scenario `against`; with interest to `on` at the `payer`'s rate
    (corporate or non-corporate) from `quarters`, when `on` is given."""

    authority: str = ""
    against: str = ""
    on: date | None = None
    payer: str = ""
    quarters: tuple[InterestQuarter, ...] = ()
    table: str = ""  # the interest table, as shown


class Ask(NamedTuple):
    """The run: the scenarios (each named in every file), the alternative origins, the fee
    years, and the refund, if one is asked for."""

    scenarios: tuple[str, ...]
    origins: tuple[str, ...] = ()
    fees: tuple[FeeYear, ...] = ()
    refund: Refund | None = None
    fees_table: str = ""  # the fees table, as shown


class EntryProblem(NamedTuple):
    """A line the law cannot price as asked: its row, the column at fault ('' for the
    row) and why."""

    row: int
    column: str
    message: str


class EntryProblems(Exception):
    """The lines that could not be priced; nothing is computed for a file with any."""

    def __init__(self, problems: list[EntryProblem]) -> None:
        super().__init__("\n".join(p.message for p in problems))
        self.problems = problems


# --- what is computed -----------------------------------------------------------------------


class DutyRow(NamedTuple):
    """One duty line of an entry line, as a CBP Form 7501 lists it: a Chapter 99 heading
    (or the HTS line's MFN), its rate as written, the base it falls on and the amount.

    `rate` is in percent (a specific or compound rate: its ad valorem equivalent on the
    line); `base` the whole dollars the ad valorem rate applies to, `share` that base's
    percent of the line's value; `specific` the specific part's dollars (None: none);
    `rate_on` the day whose rate applies. `paid` is what the file says was paid under it.
    """

    measure: str
    heading: str
    authority: str
    basis: str
    rate: Decimal
    rate_text: str
    base: Decimal
    share: Decimal
    amount: Decimal
    status: str
    why: str
    rate_on: date
    specific: Decimal | None = None
    paid: Decimal | None = None


class OwedBack(NamedTuple):
    """What one layer of a line owes back: the measure, its heading and the amount."""

    measure: str
    heading: str
    amount: Decimal


class LineDuties(NamedTuple):
    """An entry line's duties under one scenario, from one origin."""

    line: EntryLine
    origin: str
    law: str
    value: Decimal  # the entered value in whole dollars
    rows: tuple[DutyRow, ...]
    duty: Decimal
    notes: tuple[str, ...] = ()
    paid: Decimal | None = None
    refund: tuple[OwedBack, ...] | None = None
    chapter_99: bool = False  # it owes a duty of Chapter 99 (subchapter III or IV)

    @property
    def difference(self) -> Decimal | None:
        """Paid minus computed: above 0, overpaid."""
        return None if self.paid is None else self.paid - self.duty

    @property
    def flagged(self) -> bool:
        """Paid and computed are more than a cent apart."""
        difference = self.difference
        return difference is not None and abs(difference) > CENT

    @property
    def owed_back(self) -> Decimal | None:
        if self.refund is None:
            return None
        return sum((r.amount for r in self.refund), ZERO)

    @property
    def effective_rate(self) -> Decimal:
        return self.duty / self.value * HUNDRED if self.value else ZERO


class EntryDuties(NamedTuple):
    """One entry's lines, fees and totals under one scenario, from one origin.

    `mpf` and `hmf` are None where the fees are not modelled (`fees_note` says why): a
    Section 321 release, a postal item, a mail entry."""

    entry: str
    entry_date: date
    mode: str
    entry_type: str
    origin: str
    lines: tuple[LineDuties, ...]
    value: Decimal
    duty: Decimal
    mpf: Decimal | None
    hmf: Decimal | None
    fees_note: str = ""
    notes: tuple[str, ...] = ()
    paid_duty: Decimal | None = None
    paid_mpf: Decimal | None = None
    paid_hmf: Decimal | None = None
    deposit: date | None = None
    refund: Decimal | None = None
    interest: Decimal | None = None
    interest_days: int | None = None

    @property
    def fees(self) -> Decimal | None:
        if self.mpf is None or self.hmf is None:
            return None
        return self.mpf + self.hmf

    @property
    def total(self) -> Decimal | None:
        fees = self.fees
        return None if fees is None else self.duty + fees

    @property
    def effective_rate(self) -> Decimal:
        return self.duty / self.value * HUNDRED if self.value else ZERO

    @property
    def flagged(self) -> int:
        """How many of its lines' duties, and of its fees, are paid more than a cent off."""
        lines = sum(1 for line in self.lines if line.flagged)
        fees = sum(
            1
            for paid, computed in ((self.paid_mpf, self.mpf), (self.paid_hmf, self.hmf))
            if paid is not None and computed is not None and abs(paid - computed) > CENT
        )
        return lines + fees


class EntryRun(NamedTuple):
    """Every entry of the file under one scenario, from the origins as entered ('') or all
    from one other origin."""

    scenario: str
    origin: str
    entries: tuple[EntryDuties, ...]

    @property
    def lines(self) -> int:
        return sum(len(e.lines) for e in self.entries)

    @property
    def value(self) -> Decimal:
        return sum((e.value for e in self.entries), ZERO)

    @property
    def duty(self) -> Decimal:
        return sum((e.duty for e in self.entries), ZERO)

    def _known(self, get: Callable[[EntryDuties], Decimal | None]) -> Decimal:
        return sum((x for e in self.entries if (x := get(e)) is not None), ZERO)

    @property
    def mpf(self) -> Decimal:
        return self._known(lambda e: e.mpf)

    @property
    def hmf(self) -> Decimal:
        return self._known(lambda e: e.hmf)

    @property
    def without_fees(self) -> int:
        """Entries whose fees are not modelled: not in mpf, hmf and total."""
        return sum(1 for e in self.entries if e.fees is None)

    @property
    def total(self) -> Decimal:
        return self.duty + self.mpf + self.hmf

    @property
    def effective_rate(self) -> Decimal:
        return self.duty / self.value * HUNDRED if self.value else ZERO

    @property
    def refund(self) -> Decimal | None:
        found = [e.refund for e in self.entries if e.refund is not None]
        return sum(found, ZERO) if found else None

    @property
    def interest(self) -> Decimal | None:
        found = [e.interest for e in self.entries if e.interest is not None]
        return sum(found, ZERO) if found else None

    @property
    def flagged(self) -> int:
        return sum(e.flagged for e in self.entries)


class EntryResult(NamedTuple):
    """An entry file under each scenario asked for, from its own origins and then from
    each alternative origin."""

    path: str
    laws: tuple[str, ...]
    runs: tuple[EntryRun, ...]
    refund: Refund | None = None
    scenarios: tuple[str, ...] = ()
    origins: tuple[str, ...] = ()
    fees_table: str = ""
    ignored: tuple[str, ...] = ()  # the entry file's headers tariffs does not read


# --- rounding -------------------------------------------------------------------------------


def dollars(amount: Decimal) -> Decimal:
    """Whole dollars, as 19 CFR 159.3(a) applies ad valorem rates: under 50 cents dropped,
    50 cents or more a dollar."""
    return amount.quantize(DOLLAR, rounding=ROUNDING)


def cents(amount: Decimal) -> Decimal:
    """Cents: under half a cent dropped, half a cent or more a cent."""
    return amount.quantize(CENT, rounding=ROUNDING)


def units(quantity: Decimal, per_unit: Decimal) -> Decimal:
    """The quantity a specific rate applies to (19 CFR 159.3(b)): whole units for a rate of
    $1 or less a unit (a fraction of one half or more a unit), hundredths above $1."""
    return quantity.quantize(DOLLAR if per_unit <= ONE else CENT, rounding=ROUNDING)


# --- the law of one line --------------------------------------------------------------------


def law_for(laws: Sequence[Law], day: date) -> list[Law]:
    """The files whose period holds `day`."""
    return [law for law in laws if law.study.start <= day < law.study.until]


def flow_of(study: Study, origin: str) -> Flow | None:
    return next((f for f in study.flows if f.importer == US and f.exporter == origin), None)


def _prefix_line(flow: Flow, digits: str) -> Line | None:
    """The flow's classified line whose code is the longest prefix of `digits`."""
    best: Line | None = None
    for line in flow.lines:
        if line.hs and digits.startswith(line.hs) and (best is None or len(line.hs) > len(best.hs)):
            best = line
    return best


class Mfn(NamedTuple):
    """A line's MFN: its ad valorem equivalent, as written, the stated rate (None: the
    scenario line's ad valorem rate) and where it comes from."""

    ave: Decimal
    text: str
    stated: StatedRate | None
    why: str


def mfn_of(line: EntryLine, flow: Flow, law: str, value: Decimal) -> Mfn | str:
    """The line's MFN, or why it has none: the line's own, else the scenario line's whose
    code is the longest prefix of the line's; an unknown MFN is never 0%."""
    stated = line.mfn
    if stated is not None:
        specific = ZERO
        if stated.specific and line.quantity is not None and value:
            specific = stated.amount * units(line.quantity, stated.amount) / value * HUNDRED
        return Mfn(stated.percent + specific, stated.text, stated, "stated on the entry line")
    found = _prefix_line(flow, line.hts)
    if found is None or found.mfn is None:
        where = f"no line of flow {flow.key} in {law}"
        if found is not None:
            where = f"its line HS {found.code} in {law} states none"
        return (
            f"HTS {line.hts_text} from {flow.exporter}: no MFN rate: the entry line states "
            f"none and {where}; give the line an 'mfn' (an unknown MFN is never 0%)"
        )
    if found.mfn_form:
        return (
            f"HTS {line.hts_text}: the MFN of its line HS {found.code} in {law} is specific "
            f"({found.mfn_form}), priced on that line's yearly quantity; give the entry line "
            "its 'mfn' and 'quantity'"
        )
    return Mfn(found.mfn, percent_literal(found.mfn), None, f"MFN of HS {found.code} in {law}")


class _Key(NamedTuple):
    """What a product's layers depend on: the law, flow, code, the MFN the line sets (None:
    the flow's own), the line's shares and the scenario."""

    law: str
    flow: str
    hts: str
    mfn: Decimal | None
    shares: tuple[tuple[str, Decimal], ...]
    scenario: str


Shown = tuple[tuple[ProductLayer, tuple[tuple[Decimal, Decimal], ...]], ...]
"""The layers an entry line shows on a day, each with its rate on each part of the line
(the fraction of the value and the rate there)."""


class _Product:
    """One product's layers under one scenario (see _Key), and what they are on each day.

    Days between two changes of any layer (its final rate, its rate on a part of the line,
    its own schedule) are alike, so the stack and the layers shown are made once per such
    span of days, however many lines of the product fall in it."""

    def __init__(self, law: Law, flow: Flow, key: _Key, layered: Layered, plan: Plan) -> None:
        self.law, self.flow, self.key, self.layered = law, flow, key, layered
        layers, scopes, _, parts = layered
        self.index = {m.name: i for i, (m, _) in enumerate(layers)}
        self.measures = {m.name: m for m, _ in layers}
        self.own = [
            steps_for(
                m,
                plan,
                None,
                scope.schedule if scope.label else None,
                scope.label or "schedule",
                tags=scope.tags,
            )
            if scope.applies
            else ()
            for (m, _), scope in zip(layers, scopes, strict=True)
        ]
        cuts: set[date] = set()
        for _, steps in layers:
            cuts.update(step.start for step in steps)
        for _, _, each in parts:
            for _, steps in each:
                cuts.update(step.start for step in steps)
        for steps in self.own:
            cuts.update(step.start for step in steps)
        self.cuts = sorted(cuts)
        self.transit = any(m.in_transit for m in self.measures.values())
        self.stacks: dict[int, dict[str, ProductLayer]] = {}
        self.shown: dict[int, Shown] = {}

    def span(self, day: date) -> int:
        return bisect_right(self.cuts, day)

    def stack(self, day: date) -> dict[str, ProductLayer]:
        """Each layer on `day`, by measure, in CBP's order."""
        span = self.span(day)
        found = self.stacks.get(span)
        if found is None:
            line = Line(self.key.hts, "", "", ZERO, mfn=self.key.mfn, shares=self.key.shares)
            made = product_stack(
                self.law.study,
                self.flow,
                self.key.hts,
                day,
                self.key.scenario,
                line=line,
                layered=self.layered,
            )
            found = self.stacks[span] = {x.measure: x for x in made.layers}
        return found

    def parts(
        self, name: str, layer: ProductLayer, day: date
    ) -> tuple[tuple[Decimal, Decimal], ...]:
        """The layer's rate on each part of the line (the whole: one part)."""
        at = self.index[name]
        each = tuple(
            (weights.at(f, day), rate_at(layers[at][1], day)) for f, _, layers in self.layered[3]
        )  # an entry line's shares are fixed; a part's fraction is read on the day all the same
        return each or ((ONE, layer.rate),)

    def owed(self, name: str, layer: ProductLayer, day: date) -> bool:
        """Whether an entry line shows the layer: owed, or spared by a yield or an
        exclusion although its own rate that day is above 0% (MFN always)."""
        if layer.authority == MFN:
            return True
        if layer.status not in SHOWN_STATUSES:
            return False
        return bool(layer.rate) or bool(rate_at(self.own[self.index[name]], day))

    def on(self, day: date) -> Shown:
        """The layers shown on `day`, each with its rates on the line's parts."""
        span = self.span(day)
        found = self.shown.get(span)
        if found is None:
            found = self.shown[span] = tuple(
                (layer, self.parts(name, layer, day))
                for name, layer in self.stack(day).items()
                if self.owed(name, layer, day)
            )
        return found


class _Stacks:
    """Each product's layers, made once per law, flow, code, MFN, shares and scenario: 10,000
    lines of a few hundred products cost a few hundred stacks."""

    def __init__(self) -> None:
        self.models: dict[tuple[str, str], dict[str, FlowModel]] = {}
        self.products: dict[_Key, _Product] = {}
        self.plans: dict[tuple[str, str], Plan] = {}
        self.mfn: dict[tuple[str, str], bool] = {}

    def flow_models(self, law: Law, flow: Flow) -> dict[str, FlowModel]:
        models = self.models.get((law.path, flow.key))
        if models is None:
            models = self.models[(law.path, flow.key)] = flow_models(law.study, (flow,))
        return models

    def has_mfn(self, law: Law, flow: Flow) -> bool:
        """Whether the flow's law has an MFN layer (a flow of product lines, or one stating
        its MFN)."""
        found = self.mfn.get((law.path, flow.key))
        if found is None:
            models = self.flow_models(law, flow)
            found = self.mfn[(law.path, flow.key)] = any(
                m.kind == MFN for m in models[flow.key].measures
            )
        return found

    def product(self, law: Law, flow: Flow, key: _Key) -> _Product:
        found = self.products.get(key)
        if found is None:
            models = self.flow_models(law, flow)
            plan = self.plans.get((law.path, key.scenario))
            if plan is None:
                plan = self.plans[(law.path, key.scenario)] = plan_of(
                    law.study.scenario(key.scenario)
                )
            line = Line(key.hts, "", "", ZERO, mfn=key.mfn, shares=key.shares)
            layered = product_layers(law.study, flow, key.hts, key.scenario, models, line=line)
            found = self.products[key] = _Product(law, flow, key, layered, plan)
        return found


def rate_day(measure: Measure, line: EntryLine) -> tuple[date, InTransit | None]:
    """The day whose rate of `measure` the line pays: its entry date, or an earlier day
    kept by an in-transit saving clause (goods loaded onto the vessel before the change;
    of several clauses that hold, the earliest day)."""
    if line.loaded is None or line.mode != VESSEL:
        return line.entry_date, None
    best: InTransit | None = None
    for clause in measure.in_transit:
        holds = (
            line.loaded < clause.loaded_before
            and line.entry_date < clause.entered_before
            and clause.rate_on < line.entry_date
        )
        if holds and (best is None or clause.rate_on < best.rate_on):
            best = clause
    return (line.entry_date if best is None else best.rate_on), best


RATE_TEXT = Decimal("0.0001")


@functools.lru_cache(maxsize=4096)
def _rate_text(rate: Decimal) -> str:
    """A computed rate as written: 25%, 12.5%; at most four decimals (an all-in ceiling over
    a specific MFN can have more: the rate itself is exact)."""
    exponent = rate.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -4:
        rate = rate.quantize(RATE_TEXT, rounding=ROUNDING)
    return percent_literal(rate)


def _amounts(
    layer: ProductLayer,
    parts: list[tuple[Decimal, Decimal]],
    value: Decimal,
    day: date,
    *,
    mfn: Mfn | None,
    quantity: Decimal | None,
) -> list[DutyRow]:
    """The duty lines of one layer: one per rate it has on the line's parts (a layer that
    falls on a share of the value has one, on that share), each on its base in whole
    dollars; a layer at 0% throughout is one line at 0% on the whole value."""
    groups: dict[Decimal, Decimal] = {}
    for fraction, rate in parts:
        groups[rate] = groups.get(rate, ZERO) + fraction
    owed = [(rate, fraction) for rate, fraction in groups.items() if rate] or [(ZERO, ONE)]
    rows = []
    for rate, fraction in owed:
        base = value if fraction == ONE else dollars(value * fraction)
        specific: Decimal | None = None
        text = _rate_text(rate)
        why = layer.why
        amount = cents(base * rate / HUNDRED)
        if mfn is not None:
            text, why = mfn.text, mfn.why
            stated = mfn.stated
            if stated is not None and stated.specific and quantity is not None:
                specific = stated.amount * units(quantity, stated.amount)
                amount = cents(base * stated.percent / HUNDRED + specific)
        rows.append(
            DutyRow(
                layer.measure,
                layer.heading,
                layer.authority,
                layer.basis,
                rate,
                text,
                base,
                fraction * HUNDRED,
                amount,
                layer.status,
                why,
                day,
                specific,
            )
        )
    return rows


def _own_mfn(mfn: Mfn, value: Decimal, line: EntryLine) -> DutyRow:
    """The MFN line of a flow whose scenario file states no MFN layer: the line's own."""
    layer = ProductLayer(MFN, "MFN (column 1 general)", mfn.ave, "in force", mfn.why, "", MFN)
    return _amounts(
        layer, [(ONE, mfn.ave)], value, line.entry_date, mfn=mfn, quantity=line.quantity
    )[0]


def _paid(line: EntryLine, rows: list[DutyRow]) -> tuple[list[DutyRow], Decimal | None, list[str]]:
    """The rows with what was paid under each, the line's paid total, and notes: with
    Chapter 99 rows, the line's own paid duty is its HTS line's (MFN), and the total adds
    them up; without, the line's paid duty is its total."""
    if not line.paid_headings:
        return rows, line.paid_duty, []
    paid = dict(line.paid_headings)
    out = []
    for row in rows:
        if row.authority == MFN:
            out.append(row._replace(paid=line.paid_duty))
        elif row.heading in paid:
            out.append(row._replace(paid=paid.pop(row.heading)))
        else:
            out.append(row)
    notes = [
        f"paid {amount:f} under {heading}, which this scenario does not owe on the line"
        for heading, amount in paid.items()
    ]
    total = (line.paid_duty or ZERO) + sum((a for _, a in line.paid_headings), ZERO)
    return out, total, notes


def line_duties(
    law: Law, flow: Flow, line: EntryLine, scenario: str, stacks: _Stacks
) -> LineDuties | str:
    """A line's duties under `scenario` (its origin is the flow's exporter); the reason
    when it cannot be priced."""
    value = dollars(line.value)
    mfn = mfn_of(line, flow, law.path, value)
    if isinstance(mfn, str):
        return mfn
    has_mfn = stacks.has_mfn(law, flow)
    key = _Key(law.path, flow.key, line.hts, mfn.ave if has_mfn else None, line.shares, scenario)
    product = stacks.product(law, flow, key)
    rows: list[DutyRow] = []
    notes: list[str] = []
    shown = _shown_in_transit(product, line, notes) if product.transit else None
    for layer, each, day in shown or (
        (x, e, line.entry_date) for x, e in product.on(line.entry_date)
    ):
        own = mfn if layer.authority == MFN else None
        rows.extend(_amounts(layer, list(each), value, day, mfn=own, quantity=line.quantity))
    if not has_mfn:
        rows.append(_own_mfn(mfn, value, line))
    rows, paid, paid_notes = _paid(line, rows)
    return LineDuties(
        line,
        flow.exporter,
        law.path,
        value,
        tuple(rows),
        sum((row.amount for row in rows), ZERO),
        tuple(notes + paid_notes),
        paid,
        chapter_99=any(row.amount and row.authority != MFN for row in rows),
    )


def _shown_in_transit(
    product: _Product, line: EntryLine, notes: list[str]
) -> list[tuple[ProductLayer, tuple[tuple[Decimal, Decimal], ...], date]] | None:
    """The layers shown for a line some in-transit clause reaches, each at its own day;
    None when none does (the line is then priced on its entry date alone)."""
    days = {name: rate_day(m, line) for name, m in product.measures.items()}
    if all(clause is None for _, clause in days.values()):
        return None
    out = []
    for name in product.stack(line.entry_date):
        day, clause = days[name]
        layer = product.stack(day)[name]
        if clause is not None:
            notes.append(
                f"{name}: in transit (loaded {line.loaded}, entered before "
                f"{clause.entered_before}), at its rate of {day}"
                + (f": {clause.note}" if clause.note else "")
            )
        if product.owed(name, layer, day):
            out.append((layer, product.parts(name, layer, day), day))
    return out


# --- the entry: low-value shipments, its type, its fees ----------------------------------


def de_minimis_end(origin: str, day: date) -> DeMinimisEnd | None:
    """The order that ended duty-free de minimis for `origin` by `day`, if one has."""
    return next(
        (
            end
            for end in DE_MINIMIS_ENDS
            if end.since <= day and (not end.origins or origin in end.origins)
        ),
        None,
    )


POSTAL_UNSETTLED = ((("CN", "HK"), date(2025, 8, 29)), ((), date(2026, 2, 24)))
"""From these days, what a postal item from these origins (empty: every origin) owes is not
settled by the sources read (docs/sources.md#customs-entries): such an item is refused."""


def postal_regime(origin: str, day: date) -> PostalRegime | None:
    """The postal duty of an item from `origin` entered on `day`; None where the sources do
    not settle it."""
    for origins, since in POSTAL_UNSETTLED:
        if day >= since and (not origins or origin in origins):
            return None
    own = [r for r in POSTAL if r.start <= day < r.until and origin in r.origins]
    every = [r for r in POSTAL if r.start <= day < r.until and not r.origins]
    found = own or every
    return found[0] if found else None


def _ieepa_rate(duties: LineDuties) -> Decimal:
    """The line's effective IEEPA rate: the sum of its IEEPA layers' rates (weighted by the
    share of the value each falls on)."""
    return sum(
        (row.rate * row.share / HUNDRED for row in duties.rows if row.authority == IEEPA),
        ZERO,
    )


def _per_item(regime: PostalRegime, rate: Decimal) -> Decimal:
    for bound, amount in regime.per_item:
        if bound is None or rate < bound:
            return amount
    return regime.per_item[-1][1]


def _postal_lines(lines: list[LineDuties], regime: PostalRegime, election: str) -> list[LineDuties]:
    """A postal item's lines: one duty in place of all others (ad valorem on each line, or
    one duty per item, on the first line)."""
    out = []
    for position, duties in enumerate(lines):
        ieepa = _ieepa_rate(duties)
        if election == AD_VALOREM:
            rate = regime.ad_valorem if regime.ad_valorem is not None else ieepa
            amount = cents(duties.value * rate / HUNDRED)
            text = _rate_text(rate)
            why = f"postal item, ad valorem ({regime.instrument})"
            if regime.ad_valorem is None:
                why += ": the origin's effective IEEPA rate"
        else:
            rate = ZERO
            amount = _per_item(regime, ieepa) if position == 0 else ZERO
            text = f"${_per_item(regime, ieepa):f} per item"
            why = f"postal item, per item, on the item's first line ({regime.instrument})"
        row = DutyRow(
            "postal",
            "",
            IEEPA,
            f"Postal duty in place of all others ({regime.instrument})",
            rate,
            text,
            duties.value,
            HUNDRED,
            amount,
            "in force",
            why,
            duties.line.entry_date,
        )
        out.append(
            duties._replace(rows=(row,), duty=amount, chapter_99=True, paid=duties.line.paid_duty)
        )
    return out


def _release(lines: list[LineDuties], why: str) -> list[LineDuties]:
    """The lines of a Section 321 release: free of duty."""
    out = []
    for duties in lines:
        row = DutyRow(
            "de-minimis",
            "",
            "",
            "Section 321 (19 U.S.C. 1321(a)(2)(C))",
            ZERO,
            "Free",
            duties.value,
            HUNDRED,
            ZERO,
            "in force",
            why,
            duties.line.entry_date,
        )
        out.append(duties._replace(rows=(row,), duty=ZERO, chapter_99=False))
    return out


def entry_type(lines: Sequence[LineDuties], given: str, value: Decimal) -> tuple[str, str]:
    """The type of a dutiable entry, and a note when it is not the one given: formal above
    $2,500, or above $250 for goods owing a duty of Chapter 99 (19 CFR 143.21)."""
    chapter_99 = any(d.chapter_99 for d in lines)
    limit = INFORMAL_LIMIT_CHAPTER_99 if chapter_99 else INFORMAL_LIMIT
    why = "goods owing a Chapter 99 duty" if chapter_99 else "goods"
    allowed = value <= limit
    if given and given not in {INFORMAL, DE_MINIMIS}:
        return given, ""
    if given == INFORMAL and not allowed:
        return FORMAL, (
            f"an informal entry is for {why} of ${limit:,} or less; this one's value is "
            f"${value:,}: priced as a formal entry"
        )
    if given == INFORMAL:
        return INFORMAL, ""
    derived = INFORMAL if allowed else FORMAL
    if given == DE_MINIMIS:
        return derived, ""
    kind = "informal" if allowed else "formal"
    return derived, (
        f"no entry type given: {kind}, as its value is ${value:,} ({why}: informal up to "
        f"${limit:,})"
    )


def fees(
    lines: Sequence[LineDuties], kind: str, mode: str, year: FeeYear
) -> tuple[Decimal, Decimal]:
    """The MPF and HMF of a dutiable entry, each once, on the entry's value in cents.

    MPF: a formal entry pays mpf_rate percent of the value of its lines that claim no
    exempting program, at least mpf_min and at most mpf_max (none if every line is exempt);
    an informal one pays mpf_informal. HMF: hmf_rate percent of the value of goods by vessel.
    """
    subject = sum((d.value for d in lines if d.line.program not in MPF_EXEMPT_PROGRAMS), ZERO)
    if not subject:
        mpf = ZERO
    elif kind == INFORMAL:
        mpf = year.mpf_informal
    else:
        mpf = min(max(cents(subject * year.mpf_rate / HUNDRED), year.mpf_min), year.mpf_max)
    value = sum((d.value for d in lines), ZERO)
    hmf = cents(value * year.hmf_rate / HUNDRED) if mode == VESSEL else ZERO
    return mpf, hmf


# --- refunds and interest ------------------------------------------------------------------


def owed_back(
    duties: LineDuties, refund: Refund, without: LineDuties | None
) -> tuple[OwedBack, ...]:
    """What a line owes back: its duties under `refund.authority`, or, against another
    scenario (`without`, the same line under it), each layer's duty less that layer's there
    (a layer owed only there gives a negative amount)."""
    if refund.authority:
        return tuple(
            OwedBack(row.measure, row.heading, row.amount)
            for row in duties.rows
            if row.authority == refund.authority and row.amount
        )
    if without is None:
        return ()
    mine: dict[str, list[DutyRow]] = {}
    theirs: dict[str, Decimal] = {}
    for row in duties.rows:
        mine.setdefault(row.measure, []).append(row)
    for row in without.rows:
        theirs[row.measure] = theirs.get(row.measure, ZERO) + row.amount
    out = []
    for name, rows in mine.items():
        change = sum((row.amount for row in rows), ZERO) - theirs.pop(name, ZERO)
        if change:
            out.append(OwedBack(name, rows[0].heading, change))
    heading = {row.measure: row.heading for row in without.rows}
    out.extend(OwedBack(name, heading[name], -amount) for name, amount in theirs.items() if amount)
    return tuple(out)


INTEREST_PRECISION = 60
"""Digits of the daily compounding factor: far past a cent on any amount below 1e18."""


def days_in_year(day: date) -> int:
    return 366 if calendar.isleap(day.year) else 365


def interest(
    principal: Decimal,
    start: date,
    until: date,
    quarters: Sequence[InterestQuarter],
    payer: str,
) -> Decimal:
    """Overpayment interest on `principal` for the days [start, until), compounded daily
    (26 U.S.C. 6622): each day multiplies the balance by 1 + r / (100 x N), r being the
    yearly rate in percent of that day's quarter for the `payer` (corporate or not) and N
    the days of its year (365, or 366 in a leap year). Exact to INTEREST_PRECISION digits,
    rounded once, to the cent. Every day must fall in one of `quarters` (see `uncovered`)."""
    if until <= start or not principal:
        return ZERO
    cuts = {start, until}
    cuts.update(d for q in quarters for d in (q.start, q.until) if start < d < until)
    cuts.update(date(year, 1, 1) for year in range(start.year + 1, until.year + 1))
    with localcontext(Context(prec=INTEREST_PRECISION)):
        factor = ONE
        for first, end in itertools.pairwise(sorted(d for d in cuts if start <= d <= until)):
            quarter = next(q for q in quarters if q.start <= first < q.until)
            rate = quarter.corporate if payer == CORPORATE else quarter.non_corporate
            factor *= (ONE + rate / (HUNDRED * days_in_year(first))) ** (end - first).days
        grown = principal * (factor - ONE)
    return cents(grown)


def uncovered(quarters: Sequence[InterestQuarter], start: date, until: date) -> date | None:
    """The first day of [start, until) that no interest quarter covers, if any."""
    day = start
    while day < until:
        quarter = covering(quarters, day)
        if quarter is None:
            return day
        day = quarter.until
    return None


# --- the file ---------------------------------------------------------------------------------


class _Context(NamedTuple):
    """What every entry of a run needs: the laws, what is asked, the stacks made so far,
    and where problems go."""

    laws: tuple[Law, ...]
    ask: Ask
    stacks: _Stacks
    problems: list[EntryProblem]


def _priced(
    lines: Sequence[EntryLine], law: Law, scenario: str, origin: str, context: _Context
) -> list[LineDuties] | None:
    """Each line priced under the scenario, from its own origin or `origin`."""
    out = []
    for line in lines:
        source = origin or line.origin
        flow = flow_of(law.study, source)
        if flow is None:
            partners = ", ".join(f.exporter for f in law.study.flows if f.importer == US)
            context.problems.append(
                EntryProblem(
                    line.row,
                    "origin",
                    f"{law.path} has no flow US:{source} (its partners: {partners or 'none'})",
                )
            )
            continue
        found = line_duties(law, flow, line, scenario, context.stacks)
        if isinstance(found, str):
            context.problems.append(EntryProblem(line.row, "mfn", found))
            continue
        out.append(found)
    return out if len(out) == len(lines) else None


def _law(lines: Sequence[EntryLine], context: _Context) -> Law | None:
    first = lines[0]
    found = law_for(context.laws, first.entry_date)
    if len(found) == 1:
        return found[0]
    if found:
        names = " and ".join(law.path for law in found)
        message = f"entry date {first.entry_date} is in the period of both {names}"
    else:
        periods = "; ".join(
            f"{law.path}: {law.study.start} to {law.study.until - timedelta(days=1)}"
            for law in context.laws
        )
        message = f"no scenario file's period holds its entry date {first.entry_date} ({periods})"
    context.problems.append(EntryProblem(first.row, "entry_date", message))
    return None


def entry_duties(
    lines: Sequence[EntryLine], scenario: str, origin: str, context: _Context
) -> EntryDuties | None:
    """One entry under one scenario, from its own origins or all from `origin`; None after
    recording why it cannot be priced."""
    first = lines[0]
    law = _law(lines, context)
    if law is None:
        return None
    priced = _priced(lines, law, scenario, origin, context)
    if priced is None:
        return None
    day, mode = first.entry_date, first.mode
    declared = sum((line.value for line in lines), ZERO)
    value = sum((d.value for d in priced), ZERO)
    origins = tuple(dict.fromkeys(d.origin for d in priced))
    ended = [end for o in origins if (end := de_minimis_end(o, day)) is not None]
    claimed = first.entry_type == DE_MINIMIS or (not first.entry_type and mode == MAIL)
    notes: list[str] = []
    mpf: Decimal | None = None
    hmf: Decimal | None = None
    fees_note = ""
    if declared <= DE_MINIMIS_LIMIT and not ended and claimed:
        why = f"${declared:f}, $800 or less: free of duty and tax (19 U.S.C. 1321(a)(2)(C))"
        priced = _release(priced, why)
        kind, fees_note = DE_MINIMIS, "a Section 321 release: its fees are not modelled"
    elif mode == MAIL and declared <= DE_MINIMIS_LIMIT and ended:
        found = _postal(lines, priced, origins, ended[0], context)
        if found is None:
            return None
        priced, note = found
        notes.append(note)
        kind, fees_note = "postal", "a postal item: its fees are not modelled"
    else:
        dutiable = _dutiable(lines, priced, (declared, value), ended, context)
        if dutiable is None:
            return None
        kind, mpf, hmf, fees_note, more = dutiable
        notes.extend(more)
    found_entry = EntryDuties(
        first.entry,
        day,
        mode,
        kind,
        origin,
        tuple(priced),
        value,
        sum((d.duty for d in priced), ZERO),
        mpf,
        hmf,
        fees_note,
        tuple(notes),
        _sum_paid(d.paid for d in priced),
        _sum_paid(line.paid_mpf for line in lines),
        _sum_paid(line.paid_hmf for line in lines),
        first.deposit,
    )
    refund = context.ask.refund
    if refund is None:
        return found_entry
    return _with_refund(found_entry, lines, origin, refund, context)


def _dutiable(
    lines: Sequence[EntryLine],
    priced: list[LineDuties],
    values: tuple[Decimal, Decimal],
    ended: Sequence[DeMinimisEnd],
    context: _Context,
) -> tuple[str, Decimal | None, Decimal | None, str, list[str]] | None:
    """A dutiable entry's type, MPF and HMF (None: not modelled, with why) and notes."""
    first = lines[0]
    declared, value = values
    notes = []
    if first.entry_type == DE_MINIMIS:
        notes.append(_no_release(declared, ended))
    elif not first.entry_type and declared <= DE_MINIMIS_LIMIT and not ended:
        notes.append(
            f"${declared:f}, $800 or less: as a Section 321 release (entry type 86) it "
            "would pass free of duty; the file gives no entry type"
        )
    kind, note = entry_type(priced, first.entry_type, value)
    if note:
        notes.append(note)
    if first.mode == MAIL and kind == INFORMAL:
        fee_note = "an informal mail entry: its dutiable mail fee is not modelled"
        return kind, None, None, fee_note, notes
    year = covering(context.ask.fees, first.entry_date)
    if year is None:
        context.problems.append(
            EntryProblem(
                first.row,
                "entry_date",
                f"no fiscal year of the fees table covers {first.entry_date} (it covers "
                f"{span(context.ask.fees)}); give a table that does with --fees FILE",
            )
        )
        return None
    mpf, hmf = fees(priced, kind, first.mode, year)
    return kind, mpf, hmf, "", notes


def _no_release(declared: Decimal, ended: Sequence[DeMinimisEnd]) -> str:
    if ended:
        end = ended[0]
        whom = "all origins" if not end.origins else ", ".join(end.origins)
        return (
            f"entered as a Section 321 release, but duty-free de minimis ended for {whom} on "
            f"{end.since} ({end.instrument}): dutiable"
        )
    return f"entered as a Section 321 release, but its value ${declared:f} is over $800: dutiable"


def _postal(
    lines: Sequence[EntryLine],
    priced: list[LineDuties],
    origins: tuple[str, ...],
    end: DeMinimisEnd,
    context: _Context,
) -> tuple[list[LineDuties], str] | None:
    first = lines[0]
    regimes = {postal_regime(o, first.entry_date) for o in origins}
    regime = regimes.pop() if len(regimes) == 1 else None
    if regime is None:
        context.problems.append(
            EntryProblem(
                first.row,
                "mode",
                f"a postal item from {', '.join(origins)} entered on {first.entry_date}: the "
                "duty it owes is not settled by the sources tariffs cites (docs/entry.md); it "
                "is not priced",
            )
        )
        return None
    election = first.postal
    if election == PER_ITEM and first.entry_date >= regime.per_item_until:
        election = ""
    if not election:
        options = f"{regime.ad_valorem:f}%" if regime.ad_valorem is not None else "ad valorem"
        context.problems.append(
            EntryProblem(
                first.row,
                "postal",
                f"a postal item under {regime.instrument} pays {options} of its value or a "
                "duty per item, as the carrier elects; say which in the 'postal' column "
                f"({AD_VALOREM} or {PER_ITEM}"
                + (f", the latter until {regime.per_item_until}" if regime.per_item else "")
                + ")",
            )
        )
        return None
    note = f"de minimis ended for {', '.join(origins)} on {end.since} ({end.instrument})"
    return _postal_lines(priced, regime, election), note


def _sum_paid(amounts: Iterable[Decimal | None]) -> Decimal | None:
    given = [a for a in amounts if a is not None]
    return sum(given, ZERO) if given else None


def _with_refund(
    entry: EntryDuties,
    lines: Sequence[EntryLine],
    origin: str,
    refund: Refund,
    context: _Context,
) -> EntryDuties | None:
    """The entry with what each line owes back, and the entry's interest to refund.on."""
    others: dict[int, LineDuties] = {}
    if refund.against:
        plain = _Context(
            context.laws, context.ask._replace(refund=None), context.stacks, context.problems
        )
        without = entry_duties(lines, refund.against, origin, plain)
        if without is None:
            return None
        others = {d.line.line: d for d in without.lines}
    lines_out = tuple(
        d._replace(refund=owed_back(d, refund, others.get(d.line.line))) for d in entry.lines
    )
    total = sum((d.owed_back or ZERO for d in lines_out), ZERO)
    entry = entry._replace(lines=lines_out, refund=total)
    if refund.on is None:
        return entry
    if entry.deposit is None:
        note = "no deposit date: no interest (give the entry's deposit_date)"
        return entry._replace(notes=(*entry.notes, note))
    first = lines[0]
    missing = uncovered(refund.quarters, entry.deposit, refund.on)
    if missing is not None:
        context.problems.append(
            EntryProblem(
                first.row,
                "deposit_date",
                f"no overpayment interest rate for {missing} in the interest table (it covers "
                f"{span(refund.quarters)}); give a table that does with --interest FILE",
            )
        )
        return None
    days = max(0, (refund.on - entry.deposit).days)
    if total < 0:
        note = "it owes more than it is owed back: no overpayment interest"
        return entry._replace(interest=ZERO, interest_days=days, notes=(*entry.notes, note))
    grown = interest(total, entry.deposit, refund.on, refund.quarters, refund.payer)
    return entry._replace(interest=grown, interest_days=days)


T = TypeVar("T")


def _as_they_come(items: Iterable[T]) -> Iterable[T]:
    return items


def grouped(entries: Entries) -> list[list[EntryLine]]:
    """The file's lines, entry by entry."""
    found: dict[str, list[EntryLine]] = {}
    for line in entries.lines:
        found.setdefault(line.entry, []).append(line)
    return list(found.values())


def compute(
    laws: Sequence[Law],
    entries: Entries,
    ask: Ask,
    *,
    each: Callable[[Iterable[tuple[str, str, list[EntryLine]]]], Iterable[Any]] = _as_they_come,
) -> EntryResult:
    """Every entry of the file under each scenario of `ask`, from its own origins and then
    from each alternative origin. EntryProblems if any line cannot be priced. `each` sees
    every (scenario, origin, entry) as it is priced (a progress bar, say)."""
    context = _Context(tuple(laws), ask, _Stacks(), [])
    entry_lines = grouped(entries)
    work = [
        (scenario, origin, lines)
        for scenario in ask.scenarios
        for origin in ("", *ask.origins)
        for lines in entry_lines
    ]
    priced: dict[tuple[str, str], list[EntryDuties]] = {}
    for scenario, origin, lines in each(work):
        found = entry_duties(lines, scenario, origin, context)
        run = priced.setdefault((scenario, origin), [])
        if found is not None:
            run.append(found)
    runs = [
        EntryRun(scenario, origin, tuple(priced.get((scenario, origin), ())))
        for scenario in ask.scenarios
        for origin in ("", *ask.origins)
    ]
    if context.problems:
        unique = sorted(set(context.problems), key=lambda p: (p.row, p.column, p.message))
        raise EntryProblems(unique)
    return EntryResult(
        entries.path,
        tuple(law.path for law in laws),
        tuple(runs),
        ask.refund,
        ask.scenarios,
        ask.origins,
        ask.fees_table,
        entries.ignored,
    )


# --- expectations on entries --------------------------------------------------------------


class EntryOutcome(NamedTuple):
    """An expectation on an entry file, what the calculation gave (None: the entry, line or
    measure it names is not in the result: `missing` says which) and whether it held."""

    expectation: EntryExpectation
    got: Decimal | None
    passed: bool
    missing: str = ""


RATE_CHECK = Decimal("0.01")
"""Rates are checked to 0.01 percentage point unless a tolerance says otherwise."""


def _target(run: EntryRun, e: EntryExpectation) -> tuple[object, str]:
    """The result object an expectation reads, or why there is none."""
    entry = next((x for x in run.entries if x.entry == e.entry), None)
    line = None if entry is None else next((x for x in entry.lines if x.line.line == e.line), None)
    rows = [] if line is None else [row for row in line.rows if row.measure == e.measure]
    if e.entry is None:
        return run, ""
    if entry is None or e.line is None:
        return entry, "" if entry else f"no entry {e.entry}"
    if line is None or e.measure is None:
        return line, "" if line else f"entry {e.entry} has no line {e.line}"
    if not rows:
        return None, f"line {e.line} of entry {e.entry} owes nothing under {e.measure}"
    # a layer on several shares of the value is several duty lines: their amounts add up
    return rows[0]._replace(amount=sum((row.amount for row in rows), ZERO)), ""


def check_entries(
    result: EntryResult, expectations: Sequence[EntryExpectation]
) -> tuple[EntryOutcome, ...]:
    """Each expectation against the result (which holds every scenario and origin they
    name): money to the cent and rates to 0.01 pp, or within the expectation's tolerance."""
    runs = {(run.scenario, run.origin): run for run in result.runs}
    named = {m.name: m for kind in ENTRY_KINDS for m in kind.metrics}
    out = []
    for e in expectations:
        run = runs[(e.scenario, e.origin)]
        target, missing = _target(run, e)
        if target is None:
            out.append(EntryOutcome(e, None, False, missing))
            continue
        metric = named[e.metric]
        found = metric.get(target, _NOWHERE)
        if found is None:
            out.append(EntryOutcome(e, None, False, f"{e.metric} is not computed here"))
            continue
        got = Decimal(found)
        if e.tolerance is not None:
            passed = abs(got - e.value) <= e.tolerance
        elif metric.unit == "percent":
            passed = got.quantize(RATE_CHECK, rounding=ROUNDING) == e.value.quantize(
                RATE_CHECK, rounding=ROUNDING
            )
        else:
            passed = got == e.value
        out.append(EntryOutcome(e, got, passed))
    return tuple(out)


def new_stacks() -> _Stacks:
    """A fresh cache of product stacks, for pricing lines one at a time."""
    return _Stacks()
