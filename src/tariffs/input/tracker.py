"""Another source's rate by date, from a `date,value` CSV file (`timeline --against`).

The file is untrusted, as a scenario file is: its path is checked (input.files.followed),
it is read as a regular file of at most `limits.MAX_BYTES`, and each bad row is reported
as `path:line:column: message` (the column is the cell's number), at most
`limits.MAX_FILE_PROBLEMS` of them. The header names a `date` and a `value` column (other
columns are ignored); a date is YYYY-MM-DD, a value a rate in percent (`16.11` or
`16.11%`), or empty for a day without one. Rows may come in any order; a date may appear
once.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

from tariffs.domain import Tracker, quoted
from tariffs.input.files import Inputs, LinkRefused, followed, read_text
from tariffs.input.literals import parse_date
from tariffs.input.problems import Problem, ScenarioError, capped
from tariffs.limits import MAX_FILE_PROBLEMS, MAX_NUMBER_LENGTH, MAX_TRACKER_ROWS

COLUMNS = ("date", "value")
MAX_RATE = Decimal(1_000_000)
"""Values at or above this many percent are refused, as no rate is that high."""
_NUMBER = re.compile(r"^\+?[0-9]+(\.[0-9]+)?$")


def read_tracker(path: Path, inputs: Inputs | None = None) -> Tracker:
    """The series of a `date,value` CSV file; ScenarioError with each problem found."""
    shown = str(path)
    try:
        text = read_text(followed(path), shown=shown, inputs=inputs, follow=False)
    except LinkRefused as exc:
        raise ScenarioError([Problem(1, 1, f"{exc}; refusing to read it", shown)]) from None
    problems: list[Problem] = []
    points = _rows(text, shown, problems)
    if problems:
        raise ScenarioError(capped(problems))
    return Tracker(shown, tuple(sorted(points)))


class _Bad(Exception):
    """A problem with one cell of a row: its cell number (from 1) and the message."""

    def __init__(self, column: int, message: str) -> None:
        super().__init__(message)
        self.column = column
        self.message = message


def _rows(text: str, shown: str, problems: list[Problem]) -> list[tuple[date, Decimal | None]]:
    import csv  # noqa: PLC0415 - only --against needs it: keep start-up fast
    import io  # noqa: PLC0415

    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    out: list[tuple[date, Decimal | None]] = []
    seen: dict[date, int] = {}
    line = 1
    try:
        where = _header(next(reader, None))
        for cells in reader:
            line = reader.line_num
            if len(problems) >= MAX_FILE_PROBLEMS:
                break
            if not any(cell.strip() for cell in cells):
                continue
            if len(out) >= MAX_TRACKER_ROWS:
                raise _Bad(1, f"more than {MAX_TRACKER_ROWS:,} rows, the most a file may hold")
            try:
                day, value = _row(cells, where)
                if day in seen:
                    raise _Bad(where[0] + 1, f"{day} is given twice (also on line {seen[day]})")
            except _Bad as bad:
                problems.append(Problem(line, bad.column, bad.message, shown))
                continue
            seen[day] = line
            out.append((day, value))
    except _Bad as bad:  # the header, or a file too long: nothing more to read
        problems.append(Problem(line, bad.column, bad.message, shown))
    except csv.Error as exc:
        problems.append(Problem(reader.line_num or 1, 1, f"not valid CSV: {exc}", shown))
    if not out and not problems:
        problems.append(Problem(1, 1, f"no rows after the header; {EXAMPLE}", shown))
    return out


EXAMPLE = "expected a header date,value and rows such as 2025-04-10,27.0"


def _header(header: list[str] | None) -> tuple[int, int]:
    """The cell numbers (from 0) of the date and value columns."""
    if header is None:
        raise _Bad(1, f"the file is empty; {EXAMPLE}")
    names = [cell.strip().lower() for cell in header]
    missing = [name for name in COLUMNS if name not in names]
    if missing:
        found = ", ".join(quoted(cell.strip()) for cell in header[:10]) or "none"
        raise _Bad(
            1,
            f"the header names no {' or '.join(repr(m) for m in missing)} column (it has: "
            f"{found}); {EXAMPLE}",
        )
    for name in COLUMNS:
        if names.count(name) > 1:
            again = names.index(name, names.index(name) + 1)
            raise _Bad(again + 1, f"column {name!r} appears twice")
    return names.index("date"), names.index("value")


def _row(cells: list[str], where: tuple[int, int]) -> tuple[date, Decimal | None]:
    """A row's date and value (None: an empty cell, no value that day, not 0%)."""
    at_date, at_value = where
    if len(cells) <= max(at_date, at_value):
        raise _Bad(1, f"expected at least {max(at_date, at_value) + 1} cells, found {len(cells)}")
    try:
        day = parse_date(cells[at_date].strip())
    except ValueError as exc:
        raise _Bad(at_date + 1, str(exc)) from None
    text = cells[at_value].strip()
    if not text:
        return day, None
    number = text.removesuffix("%").strip()
    if len(number) > MAX_NUMBER_LENGTH or not _NUMBER.match(number):
        negative = " (a rate is not negative)" if number.startswith("-") else ""
        raise _Bad(
            at_value + 1,
            f"expected a rate in percent such as 16.11 or 16.11%, got {quoted(text)}{negative}",
        )
    value = Decimal(number)
    if value >= MAX_RATE:
        raise _Bad(at_value + 1, f"{quoted(text)} is not a rate: rates here are below 1,000,000%")
    return day, value
