"""Customs entries and the customs law's dated facts: plain frozen values, no I/O.

`tariffs.input.entries` reads an entry file into `EntryLine`s, and the fee and interest
tables (package data, or a user's own) into `FeeYear`s and `InterestQuarter`s;
`tariffs.calc.entry` computes an entry's duties, fees and refunds from them and the law of
the scenario files. Money is a `Decimal` amount in US dollars; rates are `Decimal` percents
(2.9 means 2.9%). Every figure below is cited in docs/sources.md#customs-entries.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple, TypeVar

ROUNDING = ROUND_HALF_UP
"""The rounding of 19 CFR 159.3: a fraction under one half is dropped, one half or more
counts as a whole (a whole dollar of value, a whole unit of quantity, a whole cent)."""
ROUNDING_NAME = "ROUND_HALF_UP"
CENT = Decimal("0.01")
DOLLAR = Decimal(1)

# --- an entry line -----------------------------------------------------------------------

VESSEL, RAIL, TRUCK, AIR, MAIL, OTHER = "vessel", "rail", "truck", "air", "mail", "other"
MODES = (VESSEL, RAIL, TRUCK, AIR, MAIL, OTHER)
"""The modes of transport, by kind; the entry file may give CBP's two-digit codes."""

FORMAL, INFORMAL, DE_MINIMIS = "01", "11", "86"
"""Entry types: a formal consumption entry, an informal one, a Section 321 (de minimis)
release. Other two-digit types of CBP Form 7501 count as formal."""

AD_VALOREM, PER_ITEM = "ad-valorem", "per-item"
"""The two ways a carrier may pay the duty on a postal item (see POSTAL)."""


class StatedRate(NamedTuple):
    """A rate as the HTSUS writes it: `percent` ad valorem plus `amount` dollars per
    `unit` ("" for none); `text` as written ("2.9%", "$1.055/kg", "0.9¢/each + 15.8%")."""

    percent: Decimal
    amount: Decimal
    unit: str
    text: str

    @property
    def specific(self) -> bool:
        return bool(self.unit)


class EntryLine(NamedTuple):
    """One line of an entry summary (CBP Form 7501): the goods, and what was paid on them.

    `entry`, `entry_date`, `mode`, `entry_type`, `loaded`, `deposit` and `postal` are the
    entry's and alike on all its lines. `hts` is the HTS code's digits, `hts_text` as
    written. `paid_*` are what the importer paid (None: not given); `paid_headings` the
    duty paid under each Chapter 99 heading, from the file's Chapter 99 rows.
    """

    entry: str
    line: int
    row: int  # the file's row of the line, for messages
    entry_date: date
    mode: str
    hts: str
    hts_text: str
    origin: str
    value: Decimal
    quantity: Decimal | None = None
    unit: str = ""
    mfn: StatedRate | None = None
    shares: tuple[tuple[str, Decimal], ...] = ()
    program: str = ""
    entry_type: str = ""
    loaded: date | None = None
    exported: date | None = None
    deposit: date | None = None
    postal: str = ""
    paid_duty: Decimal | None = None
    paid_mpf: Decimal | None = None
    paid_hmf: Decimal | None = None
    paid_headings: tuple[tuple[str, Decimal], ...] = ()
    description: str = ""

    @property
    def key(self) -> tuple[str, int]:
        return self.entry, self.line


class Entries(NamedTuple):
    """An entry file's lines, entry by entry, each entry's lines in the order read."""

    path: str
    lines: tuple[EntryLine, ...]
    ignored: tuple[str, ...] = ()  # the file's columns tariffs does not read
    columns: tuple[tuple[str, int], ...] = ()  # each column read, and its place (from 1)


# --- fees ----------------------------------------------------------------------------------


class FeeYear(NamedTuple):
    """The fees of one fiscal year [start, until), 1 October to 1 October (CBP Decisions).

    The merchandise processing fee of a formal entry is `mpf_rate` percent of the value,
    at least `mpf_min` and at most `mpf_max`; an informal entry pays `mpf_informal` (class
    311a: automated, not prepared by CBP). The harbor maintenance fee is `hmf_rate` percent
    of the value of goods by vessel.
    """

    start: date
    until: date
    mpf_rate: Decimal
    mpf_min: Decimal
    mpf_max: Decimal
    mpf_informal: Decimal
    hmf_rate: Decimal
    source: str


class InterestQuarter(NamedTuple):
    """The overpayment interest rates of one calendar quarter [start, until), in percent a
    year, as CBP publishes them for customs duties (19 U.S.C. 1505(c), 26 U.S.C. 6621)."""

    start: date
    until: date
    corporate: Decimal
    non_corporate: Decimal
    source: str


CORPORATE, NON_CORPORATE = "corporate", "non-corporate"
PAYERS = (CORPORATE, NON_CORPORATE)

Dated = TypeVar("Dated", FeeYear, InterestQuarter)


def covering(rows: Sequence[Dated], day: date) -> Dated | None:
    """The row of a table whose [start, until) holds `day`, if any."""
    return next((row for row in rows if row.start <= day < row.until), None)


def span(rows: Sequence[Dated]) -> str:
    """What a table covers, for a message: '2024-10-01 to 2026-09-30'."""
    if not rows:
        return "no dates"
    last = max(row.until for row in rows) - timedelta(days=1)
    return f"{min(row.start for row in rows)} to {last}"


# --- the law of low-value shipments --------------------------------------------------------

DE_MINIMIS_LIMIT = Decimal(800)
"""19 U.S.C. 1321(a)(2)(C): a shipment of $800 or less (fair retail value) passes free of
duty and tax."""

INFORMAL_LIMIT = Decimal(2500)
"""19 CFR 143.21(a): goods of $2,500 or less may be entered informally."""
INFORMAL_LIMIT_CHAPTER_99 = Decimal(250)
"""... but goods owing a duty of Chapter 99, subchapter III or IV, only up to $250."""


class DeMinimisEnd(NamedTuple):
    """From `since`, a shipment from `origins` (empty: every origin) no longer passes free
    of duty under 19 U.S.C. 1321, whatever its value."""

    origins: tuple[str, ...]
    since: date
    instrument: str


DE_MINIMIS_ENDS = (
    DeMinimisEnd(("CN", "HK"), date(2025, 5, 2), "EO 14256"),
    DeMinimisEnd((), date(2025, 8, 29), "EO 14324"),
)


class PostalRegime(NamedTuple):
    """The duty on an item of $800 or less sent through the international postal network
    from `origins` (empty: every origin but those of another regime), entered over
    [start, until), in place of every other duty: `ad_valorem` percent of its value
    (None: the origin's effective IEEPA rate), or a duty per item, as the carrier elects.
    `per_item` holds (IEEPA rate below, dollars) bands: the first whose bound the rate is
    below; a bound of None is the last band. The per-item duty is open to carriers until
    `per_item_until`."""

    origins: tuple[str, ...]
    start: date
    until: date
    ad_valorem: Decimal | None
    per_item: tuple[tuple[Decimal | None, Decimal], ...]
    per_item_until: date
    instrument: str


POSTAL = (
    PostalRegime(
        ("CN", "HK"),
        date(2025, 5, 2),
        date(2025, 5, 14),
        Decimal(120),
        ((None, Decimal(100)),),
        date(2025, 5, 14),
        "EO 14256 as amended by EO 14259 and EO 14266",
    ),
    PostalRegime(
        ("CN", "HK"),
        date(2025, 5, 14),
        date(2025, 8, 29),
        Decimal(54),
        ((None, Decimal(100)),),
        date(2025, 8, 29),
        "EO 14256 as amended by EO 14298",
    ),
    PostalRegime(
        (),
        date(2025, 8, 29),
        date(2026, 2, 24),
        None,
        ((Decimal(16), Decimal(80)), (Decimal(25), Decimal(160)), (None, Decimal(200))),
        date(2026, 2, 28),
        "EO 14324",
    ),
)
"""The postal regimes the sources give. What China and Hong Kong's postal items owed from
29 August 2025, and every origin's from 24 February 2026, is not settled by them: such an
item is refused rather than priced."""

MPF_EXEMPT_PROGRAMS = frozenset({"AU", "BH", "CL", "E", "E*", "KR", "P", "P+", "S", "S+", "SG"})
"""Special program indicators whose claim exempts a line from the merchandise processing
fee (19 CFR 24.23(c)): the free trade agreements with Australia, Bahrain, Chile, Korea,
Singapore, CAFTA-DR (P, P+) and USMCA (S, S+), and CBERA (E, E*). Claims the sources read
do not settle (Morocco, Oman, Peru, Colombia, Panama, ...) pay the fee here."""

CHAPTER_99 = "99"
"""HTS codes of Chapter 99 (additional duties): in an entry file, a row with such a code
gives the duty paid under that heading on the line of the same number."""


# --- expectations on entries (tariffs check --entries) ------------------------------------


class EntryExpectation(NamedTuple):
    """A figure an expectations file states about an entry file's result: `metric` (a
    numeric metric of the registry's entry kinds) of the file's total (`entry` None), of an
    entry, of one of its lines (`line`) or of a duty line (`line` and `measure`), under
    `scenario`, from the origins as entered (`origin` '') or from one. Money is checked to
    the cent, a rate to 0.01 percentage point, unless `tolerance` (in the metric's unit)
    allows more. `line_at` and `column` say where the file states it."""

    scenario: str
    metric: str
    value: Decimal
    text: str
    line_at: int
    column: int
    entry: str | None = None
    line: int | None = None
    measure: str | None = None
    origin: str = ""
    tolerance: Decimal | None = None


class EntryChecks(NamedTuple):
    """An expectations file: its path, the entry file it checks (as read), the refund its
    figures assume (a calc.entry.Refund's fields: authority, against, on, payer) and the
    expectations in file order."""

    path: str
    entries: Entries
    expectations: tuple[EntryExpectation, ...]
    refund_authority: str = ""
    refund_against: str = ""
    refund_on: date | None = None
    payer: str = ""
