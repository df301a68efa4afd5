"""The customs tables: fees by fiscal year and overpayment interest by quarter.

Each is a CSV file with a source on every row. tariffs ships the tables it was written with
(src/tariffs/data/); a user passes newer ones with `tariffs entry --fees FILE` or
`--interest FILE`. A table's problems are reported at its own rows and columns; rows may
not overlap, and a date no row covers is refused where an entry needs it, never assumed.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from importlib.resources import files
from pathlib import Path
from typing import TypeVar

from tariffs.customs import FeeYear, InterestQuarter
from tariffs.input.files import Inputs, read_text, to_read
from tariffs.input.literals import parse_date, parse_money, parse_percent
from tariffs.input.problems import Problem, ScenarioError, capped

T = TypeVar("T", FeeYear, InterestQuarter)

FEE_COLUMNS = (
    "from",
    "until",
    "mpf_rate",
    "mpf_min",
    "mpf_max",
    "mpf_informal",
    "hmf_rate",
    "source",
)
INTEREST_COLUMNS = ("from", "until", "corporate", "non_corporate", "source")
SHIPPED_FEES = "fees.csv"
SHIPPED_INTEREST = "interest.csv"


def _fee(cells: dict[str, str]) -> FeeYear:
    return FeeYear(
        parse_date(cells["from"]),
        parse_date(cells["until"]),
        parse_percent(cells["mpf_rate"]),
        parse_money(cells["mpf_min"]),
        parse_money(cells["mpf_max"]),
        parse_money(cells["mpf_informal"]),
        parse_percent(cells["hmf_rate"]),
        cells["source"],
    )


def _quarter(cells: dict[str, str]) -> InterestQuarter:
    return InterestQuarter(
        parse_date(cells["from"]),
        parse_date(cells["until"]),
        parse_percent(cells["corporate"]),
        parse_percent(cells["non_corporate"]),
        cells["source"],
    )


_PARSERS: dict[str, Callable[[object], object]] = {
    "from": parse_date,
    "until": parse_date,
    "mpf_rate": parse_percent,
    "hmf_rate": parse_percent,
    "corporate": parse_percent,
    "non_corporate": parse_percent,
    "mpf_min": parse_money,
    "mpf_max": parse_money,
    "mpf_informal": parse_money,
}


def _cell_problems(named: dict[str, str], columns: Sequence[str]) -> list[tuple[int, str]]:
    """(column, message) for each cell of a row that does not parse."""
    out = []
    for index, column in enumerate(columns, start=1):
        parse = _PARSERS.get(column)
        if column == "source" and not named[column]:
            out.append((index, "source: every row cites one"))
        elif parse is not None:
            try:
                parse(named[column])
            except ValueError as exc:
                out.append((index, f"{column}: {exc}"))
    return out


def parse_table(
    text: str, shown: str, columns: Sequence[str], make: Callable[[dict[str, str]], T]
) -> tuple[T, ...]:
    """The rows of a table, in date order; ScenarioError with every problem otherwise."""
    problems: list[Problem] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[int, T]] = []
    try:
        header = [cell.strip() for cell in next(reader, [])]
        if header != list(columns):
            problems.append(Problem(1, 1, f"expected the header {','.join(columns)}", shown))
            raise ScenarioError(problems)
        for cells in reader:
            row = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(columns):
                problems.append(
                    Problem(row, 1, f"expected {len(columns)} cells, found {len(cells)}", shown)
                )
                continue
            named = {c: cell.strip() for c, cell in zip(columns, cells, strict=True)}
            found = _cell_problems(named, columns)
            problems.extend(Problem(row, index, message, shown) for index, message in found)
            if not found:
                rows.append((row, make(named)))
    except csv.Error as exc:
        problems.append(Problem(reader.line_num or 1, 1, f"not valid CSV: {exc}", shown))
    rows.sort(key=lambda found: found[1].start)
    previous: tuple[int, T] | None = None
    for row, item in rows:
        if item.until <= item.start:
            problems.append(
                Problem(row, 2, f"until: {item.until} must be after from ({item.start})", shown)
            )
        elif previous is not None and item.start < previous[1].until:
            problems.append(
                Problem(
                    row,
                    1,
                    f"from: {item.start} is inside the row of line {previous[0]} "
                    f"({previous[1].start} to {previous[1].until}); rows may not overlap",
                    shown,
                )
            )
        previous = (row, item)
    if problems:
        raise ScenarioError(capped(sorted(problems)))
    return tuple(item for _, item in rows)


def _read(
    path: Path | None,
    shipped: str,
    columns: Sequence[str],
    make: Callable[[dict[str, str]], T],
    inputs: Inputs | None,
) -> tuple[str, tuple[T, ...]]:
    if path is None:
        text = files("tariffs").joinpath("data", shipped).read_text("utf-8")
        return f"(shipped) {shipped}", parse_table(text, shipped, columns, make)
    shown = str(path)
    real = to_read(path)
    text = read_text(real, shown=shown, inputs=inputs, follow=False)
    return shown, parse_table(text, shown, columns, make)


def fee_years(
    path: Path | None = None, inputs: Inputs | None = None
) -> tuple[str, tuple[FeeYear, ...]]:
    """The fees table: the user's file, or the shipped one; with the name it is shown by."""
    return _read(path, SHIPPED_FEES, FEE_COLUMNS, _fee, inputs)


def interest_quarters(
    path: Path | None = None, inputs: Inputs | None = None
) -> tuple[str, tuple[InterestQuarter, ...]]:
    """The interest table: the user's file, or the shipped one."""
    return _read(path, SHIPPED_INTEREST, INTEREST_COLUMNS, _quarter, inputs)
