"""Entry files: the lines of customs entry summaries, as CSV (or .xlsx), into `EntryLine`s.

One row per entry line (see docs/entry.md for every column and the names of CBP's reports
it takes as aliases). A row whose HTS code is of Chapter 99 gives the duty paid under that
heading on the line of the same entry and number, as CBP's line reports list them. Every
problem is reported at its row and column, `path:row:col: message`; reading stops after
`limits.MAX_FILE_PROBLEMS` problems and refuses more than `limits.MAX_LINES` rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

from tariffs.customs import (
    AD_VALOREM,
    AIR,
    CHAPTER_99,
    DE_MINIMIS,
    FORMAL,
    INFORMAL,
    MAIL,
    OTHER,
    PER_ITEM,
    RAIL,
    TRUCK,
    VESSEL,
    Entries,
    EntryLine,
    StatedRate,
)
from tariffs.domain import counted, quoted
from tariffs.input import duties
from tariffs.input.files import Inputs, read_text, to_read
from tariffs.input.literals import hs_digits, parse_date, parse_hs, parse_percent
from tariffs.input.problems import Problem, ScenarioError, capped
from tariffs.limits import MAX_FILE_PROBLEMS, MAX_LINES

# --- the cells ------------------------------------------------------------------------------

MAX_VALUE = Decimal(10) ** 12
"""The largest amount a cell may hold: a trillion dollars is no entry line."""
MAX_QUANTITY = Decimal(10) ** 15
_MONEY = re.compile(r"^\$?([0-9]{1,3}(,[0-9]{3})+|[0-9]+)(\.[0-9]{1,2})?$")
_NUMBER = re.compile(r"^[0-9]{1,16}(\.[0-9]{1,6})?$")
_US_DATE = re.compile(r"^([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})$")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_COUNTRY = re.compile(r"^[A-Z]{2,3}$")
_PROGRAM = re.compile(r"^[A-Z0-9][A-Z0-9+*#]{0,2}$")
_ENTRY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ./-]{0,39}$")
_LINE = re.compile(r"^[0-9]{1,5}$")


def parse_amount(text: str) -> Decimal:
    """An amount in dollars and cents: 12345.67, 12,345.67 or $12,345.67."""
    if not _MONEY.match(text):
        raise ValueError(
            f"{quoted(text)} is not an amount in dollars: write digits with at most 2 "
            "decimals, such as 12345.67 (a $ and thousands commas are allowed)"
        )
    amount = Decimal(text.lstrip("$").replace(",", ""))
    if amount >= MAX_VALUE:
        raise ValueError(f"{quoted(text)} is over a trillion dollars; no entry line is")
    return amount


def parse_entry_date(text: str) -> date:
    """A date as YYYY-MM-DD, or as CBP's reports write it, MM/DD/YYYY (month first)."""
    found = _US_DATE.match(text)
    if found is None:
        if "/" in text:
            raise ValueError(f"expected a date as YYYY-MM-DD or MM/DD/YYYY, got {quoted(text)}")
        return parse_date(text)
    month, day, year = (int(part) for part in found.groups())
    try:
        return parse_date(f"{year:04d}-{month:02d}-{day:02d}")
    except ValueError:
        raise ValueError(
            f"{quoted(text)} is not a calendar date (read as MM/DD/YYYY: month {month}, day {day})"
        ) from None


MODE_NAMES = {
    "vessel": VESSEL,
    "ocean": VESSEL,
    "sea": VESSEL,
    "rail": RAIL,
    "truck": TRUCK,
    "road": TRUCK,
    "air": AIR,
    "mail": MAIL,
    "postal": MAIL,
    "other": OTHER,
}
MODE_CODES = {
    **dict.fromkeys(("10", "11", "12"), VESSEL),
    **dict.fromkeys(("20", "21"), RAIL),
    **dict.fromkeys(("30", "31", "32", "33", "34"), TRUCK),
    **dict.fromkeys(("40", "41"), AIR),
    "50": MAIL,
    **dict.fromkeys(("60", "70"), OTHER),
}
"""CBP's mode of transportation codes (CBP Form 7501, block 9), by kind."""


def parse_mode(text: str) -> str:
    found = MODE_NAMES.get(text.lower()) or MODE_CODES.get(text)
    if found is None:
        raise ValueError(
            f"{quoted(text)} is not a mode of transport: write vessel, air, truck, rail, mail "
            "or other, or CBP's two-digit code (10, 11: vessel; 40, 41: air; 50: mail; ...)"
        )
    return found


ENTRY_TYPE_NAMES = {
    "formal": FORMAL,
    "informal": INFORMAL,
    "de-minimis": DE_MINIMIS,
    "section-321": DE_MINIMIS,
    "321": DE_MINIMIS,
}


def parse_entry_type(text: str) -> str:
    found = ENTRY_TYPE_NAMES.get(text.lower())
    if found is not None:
        return found
    if re.fullmatch(r"[0-9]{2}", text):
        return text
    raise ValueError(
        f"{quoted(text)} is not an entry type: write CBP's two-digit code (01 formal, 11 "
        "informal, 86 section 321) or formal, informal or de-minimis"
    )


def parse_stated_rate(text: str) -> StatedRate:
    """A rate as the HTSUS writes it: 2.9%, Free, $1.055/kg, 0.9¢/each + 15.8%."""
    if text.lower() == "free":
        return StatedRate(Decimal(0), Decimal(0), "", "Free")
    return duties.parse_duty(text)


def parse_quantity(text: str) -> tuple[Decimal, str]:
    """A quantity, alone (its unit in the unit column) or with its unit: 1000 or 1000 kg."""
    if _NUMBER.match(text):
        amount = Decimal(text)
        if amount >= MAX_QUANTITY:
            raise ValueError(f"{quoted(text)} is too large a quantity")
        return amount, ""
    found = duties.parse_quantity(text)
    return found.amount, found.unit


def parse_unit(text: str) -> str:
    unit = duties.UNITS.get(text.lower())
    if unit is None:
        raise ValueError(
            f"{quoted(text)} is not a unit tariffs knows (units: {duties.UNIT_SPELLINGS})"
        )
    return unit


def parse_postal(text: str) -> str:
    if text.lower() not in {AD_VALOREM, PER_ITEM}:
        raise ValueError(
            f"{quoted(text)}: a carrier pays a postal item's duty {AD_VALOREM} or {PER_ITEM}"
        )
    return text.lower()


def _pattern(pattern: re.Pattern[str], what: str) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if not pattern.match(text):
            raise ValueError(f"{quoted(text)} is not {what}")
        return text

    return parse


def parse_line_number(text: str) -> int:
    if not _LINE.match(text) or int(text) == 0:
        raise ValueError(f"{quoted(text)} is not a line number: write 1 to 99999")
    return int(text)


def parse_hts(text: str) -> tuple[str, str]:
    """(digits, as written): '7326.90.8688' -> ('7326908688', '7326.90.8688')."""
    code = parse_hs(text)
    return hs_digits(code), code


def parse_origin(text: str) -> str:
    if not _COUNTRY.match(text):
        raise ValueError(
            f"{quoted(text)} is not a country of origin: write its code in capitals, such "
            "as CN (or a partner of the scenario files, such as EU)"
        )
    return text


def parse_share(text: str) -> Decimal:
    share = parse_percent(text)
    if share > 100:
        raise ValueError(f"a share of the value is at most 100%, got {quoted(text)}")
    return share


def parse_text(text: str) -> str:
    if len(text) > 2000:
        raise ValueError(f"text of {len(text):,} characters; a cell holds at most 2,000")
    return text


# --- the columns ----------------------------------------------------------------------------


class Column(NamedTuple):
    name: str
    parse: Callable[[str], Any]
    aliases: tuple[str, ...]
    doc: str


COLUMNS = (
    Column(
        "entry",
        _pattern(_ENTRY, "an entry number (letters, digits, dashes; up to 40)"),
        ("entrynumber", "entrysummarynumber", "entryno"),
        "The entry number, such as EN1-1234567-8.",
    ),
    Column(
        "line",
        parse_line_number,
        ("linenumber", "entrysummarylinenumber", "entrylinenumber", "lineno"),
        "The line number within the entry (1 to 99999).",
    ),
    Column("entry_date", parse_entry_date, ("entrydate",), "The entry date."),
    Column(
        "mode",
        parse_mode,
        ("modeoftransport", "modeoftransportation", "modeoftransportationcode", "transportmode"),
        "The mode of transport: vessel, air, truck, rail, mail, other, or CBP's code.",
    ),
    Column(
        "hts",
        parse_hts,
        ("htsnumber", "htscode", "htsus", "htsusnumber", "tariffnumber"),
        "The HTS code, 10 digits or a prefix; a Chapter 99 code on a row of its own gives "
        "the duty paid under that heading.",
    ),
    Column(
        "origin",
        parse_origin,
        ("countryoforigin", "countryoforigincode", "origincountry", "coo"),
        "The country of origin, such as CN.",
    ),
    Column(
        "value",
        parse_amount,
        ("enteredvalue", "lineenteredvalue", "linegoodsvalue", "linevalue"),
        "The entered value in dollars.",
    ),
    Column(
        "quantity",
        parse_quantity,
        ("netquantity", "linetariffquantity", "netquantityinhtsunits"),
        "The quantity, for a specific rate: 1000, or 1000 kg.",
    ),
    Column(
        "unit",
        parse_unit,
        ("uom", "unitofmeasure", "quantityunit", "htsunit"),
        "The quantity's unit: kg, l, each, doz, pair, m2, m3, ...",
    ),
    Column(
        "mfn",
        parse_stated_rate,
        ("htsrate", "mfnrate", "generalrate", "rateofduty"),
        "The MFN rate of the HTS line, as written: 2.9%, Free, $1.055/kg, 0.9¢/each + 15.8%.",
    ),
    Column(
        "program",
        lambda text: _pattern(_PROGRAM, "a special program indicator, such as S or KR")(
            text.upper()
        ),
        ("spi", "specialprogramindicator", "specialprogram"),
        "The special program indicator claimed, such as S (USMCA) or KR.",
    ),
    Column(
        "entry_type",
        parse_entry_type,
        ("entrytype", "entrytypecode"),
        "The entry type: 01 formal, 11 informal, 86 section 321 (de minimis).",
    ),
    Column(
        "loaded",
        parse_entry_date,
        ("loadeddate", "dateloaded", "ladingdate", "loaddate"),
        "The date the goods were loaded onto the vessel that brought them.",
    ),
    Column("export_date", parse_entry_date, ("exportdate", "dateofexport"), "The export date."),
    Column(
        "deposit_date",
        parse_entry_date,
        ("depositdate", "paymentdate", "datepaid"),
        "The date the estimated duties were deposited: interest on a refund runs from it.",
    ),
    Column(
        "postal",
        parse_postal,
        ("postalmethod",),
        "For a postal item: how the carrier pays its duty, ad-valorem or per-item.",
    ),
    Column(
        "paid_duty",
        parse_amount,
        ("dutyamount", "linedutyamount", "dutypaid", "lineduty"),
        "The duty paid: on the line, or under the heading of a Chapter 99 row.",
    ),
    Column("paid_mpf", parse_amount, ("mpfamount", "linempfamount"), "The MPF paid on the line."),
    Column("paid_hmf", parse_amount, ("hmfamount", "linehmfamount"), "The HMF paid on the line."),
    Column(
        "description",
        parse_text,
        ("descriptionofmerchandise", "linedescription"),
        "What the goods are.",
    ),
)
"""Every column of an entry file: its name, parser, aliases (lower case, letters and
digits only) and meaning. `share:NAME` columns add named shares of the value."""

SHARE = "share:"
GOODS_REQUIRED = ("entry", "line", "entry_date", "mode", "hts", "origin", "value")
CHAPTER_99_REQUIRED = ("entry", "line", "hts", "paid_duty")
ENTRY_LEVEL = ("entry_date", "mode", "entry_type", "loaded", "deposit_date", "postal")
"""Columns that are the entry's: alike on every line of it."""

_BY_NAME = {column.name: column for column in COLUMNS}
_BY_ALIAS = {
    alias: column.name
    for column in COLUMNS
    for alias in (*column.aliases, re.sub(r"[^a-z0-9]", "", column.name))
}


def column_of(header: str) -> str | None:
    """The column a header names: its own name, or an alias (compared without case, spaces
    or punctuation); `share:NAME` as it is; None for a column tariffs does not read."""
    text = header.strip()
    if text.lower().startswith(SHARE):
        return SHARE + text[len(SHARE) :].strip()
    return _BY_ALIAS.get(re.sub(r"[^a-z0-9]", "", text.lower()))


# --- reading --------------------------------------------------------------------------------


class _Row(NamedTuple):
    row: int
    cells: dict[str, Any]  # column -> parsed value
    places: dict[str, int]  # column -> its 1-based position


class _Reader:
    """Collects a file's problems, at most MAX_FILE_PROBLEMS of them."""

    def __init__(self, shown: str) -> None:
        self.shown = shown
        self.problems: list[Problem] = []

    def __call__(self, row: int, column: int, message: str) -> None:
        self.problems.append(Problem(row, column, message, self.shown))

    @property
    def full(self) -> bool:
        return len(self.problems) >= MAX_FILE_PROBLEMS


def read_entries(path: Path, *, inputs: Inputs | None = None) -> Entries:
    """Read an entry file named on the command line: CSV, or .xlsx (with the optional
    extra). ScenarioError with every problem, in row order, if it is not valid."""
    shown = str(path)
    real = to_read(path)
    if path.suffix.lower() == ".xlsx":
        from tariffs.input.sheets import rows  # noqa: PLC0415 - the optional extra, when asked

        return entries_from_rows(rows(real, shown, inputs), shown)
    text = read_text(real, shown=shown, inputs=inputs, follow=False)
    return entries_from_text(text, shown)


def entries_from_text(text: str, shown: str) -> Entries:
    """The entries of CSV text; `shown` names the file in messages."""
    import csv  # noqa: PLC0415 - only entry files need it
    import io  # noqa: PLC0415

    reader = csv.reader(io.StringIO(text, newline=""))

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            for cells in reader:
                yield reader.line_num, cells
        except csv.Error as exc:
            raise ScenarioError(
                [Problem(reader.line_num or 1, 1, f"not valid CSV: {exc}", shown)]
            ) from None

    return entries_from_rows(rows(), shown)


def entries_from_rows(rows: Iterable[tuple[int, list[str]]], shown: str) -> Entries:
    """The entries of a file's rows (row number, cells as text), the header first."""
    report = _Reader(shown)
    found = iter(rows)
    first = next(found, None)
    if first is None:
        raise ScenarioError(
            [Problem(1, 1, "the file is empty; expected a header such as entry,line,...", shown)]
        )
    columns, ignored = _header(first[1], report)
    if report.problems:
        raise ScenarioError(report.problems)
    parsed = _rows(found, columns, report)
    lines = _assemble(parsed, report)
    if report.problems:
        raise ScenarioError(capped(sorted(report.problems)))
    places = tuple((name, i) for i, name in enumerate(columns, start=1) if name is not None)
    return Entries(shown, lines, ignored, places)


def _header(cells: list[str], report: _Reader) -> tuple[list[str | None], tuple[str, ...]]:
    """Each cell's column (None: not read) and the headers not read."""
    columns: list[str | None] = []
    ignored: list[str] = []
    seen: dict[str, int] = {}
    if len(cells) == 1 and any(c in cells[0] for c in ";\t|"):
        separator = next(c for c in ";\t|" if c in cells[0])
        report(
            1,
            1,
            f"the header is one column: this file separates its cells with {separator!r}; an "
            "entry file separates them with commas",
        )
        return [], ()
    for index, header in enumerate(cells, start=1):
        column = column_of(header)
        if column is None:
            if header.strip():
                ignored.append(header.strip())
            columns.append(None)
            continue
        if column.startswith(SHARE) and not _NAME.match(column[len(SHARE) :]):
            report(1, index, f"{quoted(header)}: a share's name is letters, digits, '-', '_'")
        if column in seen:
            report(
                1,
                index,
                f"{quoted(header)} is column {quoted(column)} again (also column {seen[column]})",
            )
        seen[column] = index
        columns.append(column)
    missing = [name for name in GOODS_REQUIRED if name not in seen]
    if missing:
        report(
            1,
            1,
            f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)} (an entry "
            f"file needs {', '.join(GOODS_REQUIRED)}; see docs/entry.md)",
        )
    return columns, tuple(ignored)


class _Bad(NamedTuple):
    """A cell's text that its column refuses, and why."""

    message: str


_UNSEEN = object()


def _rows(
    found: Iterator[tuple[int, list[str]]], columns: list[str | None], report: _Reader
) -> list[_Row]:
    out: list[_Row] = []
    # cells repeat (dates, codes, origins, rates): each distinct text is parsed once a column
    seen: list[dict[str, Any]] = [{} for _ in columns]
    parsers = [
        None
        if column is None
        else parse_share
        if column.startswith(SHARE)
        else _BY_NAME[column].parse
        for column in columns
    ]
    for row, cells in found:
        if report.full:
            report(row, 1, f"stopped reading after {MAX_FILE_PROBLEMS} problems")
            break
        if not any(cell.strip() for cell in cells):
            continue
        if len(out) >= MAX_LINES:
            report(
                row,
                1,
                f"more than {MAX_LINES:,} rows, the most an entry file may hold; split it",
            )
            break
        if len(cells) != len(columns):
            report(row, 1, f"expected {counted(len(columns), 'cell')}, found {len(cells)}")
            continue
        parsed: dict[str, Any] = {}
        places: dict[str, int] = {}
        bad = False
        for index, (column, cell) in enumerate(zip(columns, cells, strict=True), start=1):
            text = cell.strip()
            parse = parsers[index - 1]
            if column is None or parse is None or not text:
                continue
            places[column] = index
            cache = seen[index - 1]
            value = cache.get(text, _UNSEEN)
            if value is _UNSEEN:
                try:
                    value = parse(text)
                except ValueError as exc:
                    value = _Bad(str(exc))
                cache[text] = value
            if isinstance(value, _Bad):
                report(row, index, f"{column}: {value.message}")
                bad = True
            else:
                parsed[column] = value
        if not bad:
            _required(row, parsed, places, report)
            out.append(_Row(row, parsed, places))
    return out


def _required(row: int, parsed: dict[str, Any], places: dict[str, int], report: _Reader) -> None:
    chapter_99 = "hts" in parsed and parsed["hts"][0].startswith(CHAPTER_99)
    needed = CHAPTER_99_REQUIRED if chapter_99 else GOODS_REQUIRED
    missing = [name for name in needed if name not in parsed]
    if missing:
        what = "a Chapter 99 row" if chapter_99 else "an entry line"
        report(row, 1, f"{what} needs {', '.join(missing)}: the row leaves it empty")


def _assemble(rows: list[_Row], report: _Reader) -> tuple[EntryLine, ...]:
    """The entry lines in entry order (each entry's lines by number), with each line's
    Chapter 99 rows; the entry's columns must agree on all its lines."""
    goods: dict[tuple[str, int], _Row] = {}
    paid: dict[tuple[str, int], list[tuple[str, Decimal, _Row]]] = {}
    order: dict[str, None] = {}
    for found in rows:
        cells = found.cells
        if not all(name in cells for name in ("entry", "line", "hts")):
            continue  # reported as missing
        key = (cells["entry"], cells["line"])
        if cells["hts"][0].startswith(CHAPTER_99):
            if "paid_duty" in cells:
                paid.setdefault(key, []).append((cells["hts"][1], cells["paid_duty"], found))
            continue
        if not all(name in cells for name in GOODS_REQUIRED):
            continue
        if key in goods:
            report(
                found.row,
                found.places["line"],
                f"entry {key[0]} has line {key[1]} twice (also on row {goods[key].row})",
            )
            continue
        goods[key] = found
        order.setdefault(key[0], None)
    _entries_agree(goods, report)
    lines: dict[tuple[str, int], EntryLine] = {}
    for key, found in goods.items():
        built = _line(found, paid.get(key, ()), report)
        if built is not None:
            lines[key] = built
    for key, rows_paid in paid.items():
        if key not in goods:
            _, _, first = rows_paid[0]
            report(
                first.row,
                first.places["line"],
                f"a Chapter 99 row of entry {key[0]} line {key[1]}, which has no line of goods "
                "(a row with its HTS code, origin and value)",
            )
    by_entry: dict[str, list[EntryLine]] = {}
    for (entry, _), built in sorted(lines.items(), key=lambda item: item[0][1]):
        by_entry.setdefault(entry, []).append(built)
    return tuple(line for entry in order for line in by_entry.get(entry, ()))


def _entries_agree(goods: dict[tuple[str, int], _Row], report: _Reader) -> None:
    first: dict[str, _Row] = {}
    for (entry, _), found in goods.items():
        if entry not in first:
            first[entry] = found
            continue
        before = first[entry]
        for name in ENTRY_LEVEL:
            mine, theirs = found.cells.get(name), before.cells.get(name)
            if mine != theirs:
                shown = "nothing" if mine is None else quoted(str(mine))
                other = "nothing" if theirs is None else quoted(str(theirs))
                report(
                    found.row,
                    found.places.get(name, 1),
                    f"entry {entry}: {name} is {shown} here but {other} on row {before.row}; "
                    "it is the entry's, alike on all its lines",
                )


def _line(
    found: _Row, paid: Iterable[tuple[str, Decimal, _Row]], report: _Reader
) -> EntryLine | None:
    cells, places = found.cells, found.places
    digits, written = cells["hts"]
    quantity, unit = cells.get("quantity", (None, ""))
    if "unit" in cells:
        if unit and unit != cells["unit"]:
            report(
                found.row,
                places["unit"],
                f"unit: the quantity says {unit}, the unit column {cells['unit']}",
            )
            return None
        unit = cells["unit"]
    mfn: StatedRate | None = cells.get("mfn")
    if mfn is not None and mfn.specific:
        problem = _specific_problem(mfn, quantity, unit)
        if problem:
            report(found.row, places["mfn"], f"mfn: {problem}")
            return None
    headings: dict[str, Decimal] = {}
    for heading, amount, row in paid:
        if heading in headings:
            report(row.row, row.places["hts"], f"heading {heading} is paid twice on this line")
            continue
        headings[heading] = amount
    shares = tuple(
        sorted(
            (name[len(SHARE) :], share) for name, share in cells.items() if name.startswith(SHARE)
        )
    )
    return EntryLine(
        entry=cells["entry"],
        line=cells["line"],
        row=found.row,
        entry_date=cells["entry_date"],
        mode=cells["mode"],
        hts=digits,
        hts_text=written,
        origin=cells["origin"],
        value=cells["value"],
        quantity=quantity,
        unit=unit,
        mfn=mfn,
        shares=shares,
        program=cells.get("program", ""),
        entry_type=cells.get("entry_type", ""),
        loaded=cells.get("loaded"),
        exported=cells.get("export_date"),
        deposit=cells.get("deposit_date"),
        postal=cells.get("postal", ""),
        paid_duty=cells.get("paid_duty"),
        paid_mpf=cells.get("paid_mpf"),
        paid_hmf=cells.get("paid_hmf"),
        paid_headings=tuple(headings.items()),
        description=cells.get("description", ""),
    )


def _specific_problem(mfn: StatedRate, quantity: Decimal | None, unit: str) -> str:
    """Why a specific rate cannot be priced on the line, or ''."""
    if quantity is None:
        return (
            f"the rate {mfn.text} is per {mfn.unit}, so the line needs a quantity in "
            f"{mfn.unit}; a specific duty is never taken as 0"
        )
    if not unit:
        return f"the rate {mfn.text} is per {mfn.unit}: give the quantity's unit"
    if unit != mfn.unit:
        return f"the rate {mfn.text} is per {mfn.unit}, but the quantity is in {unit}"
    return ""
