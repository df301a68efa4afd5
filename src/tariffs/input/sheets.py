"""Entry files as spreadsheets (.xlsx), the form CBP's ACE reports download as.

openpyxl is an optional extra (`pip install 'tariffs[xlsx]'`), imported only here and only
when a .xlsx file is read; defusedxml, in the same extra, guards its XML parsing. Before
openpyxl opens the file, the archive itself is checked: a file over the read limit, an
archive whose parts unpack to more than `MAX_UNPACKED` bytes (a zip bomb), or one that is
no spreadsheet at all is refused with a message. Only the first sheet is read, as text
cells: numbers as the sheet shows them, dates as YYYY-MM-DD.
"""

from __future__ import annotations

import os
import stat
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from tariffs.input.files import Inputs, kind
from tariffs.input.problems import Problem, ScenarioError
from tariffs.limits import MAX_BYTES

MAX_UNPACKED = 20 * MAX_BYTES
"""The most a spreadsheet's parts may unpack to: a 10 MiB limit on the file is no limit on
what its compressed XML holds."""
EXTRA = "pip install 'tariffs[xlsx]'"


class SheetsUnavailable(Exception):
    """openpyxl is not installed."""


def _problem(shown: str, message: str, row: int = 1, column: int = 1) -> ScenarioError:
    return ScenarioError([Problem(row, column, message, shown)])


def require() -> Any:
    """openpyxl, or SheetsUnavailable saying how to install it."""
    try:
        import openpyxl
    except ImportError:
        raise SheetsUnavailable(
            f"reading a .xlsx entry file needs openpyxl: {EXTRA} (or save it as CSV)"
        ) from None
    return openpyxl


def _checked(path: Path, shown: str, inputs: Inputs | None) -> None:
    """The file is a regular file within the read limit, and a zip archive whose parts
    unpack to at most MAX_UNPACKED bytes."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise _problem(shown, "no such file") from None
    except OSError as exc:
        raise _problem(shown, f"cannot read: {exc.strerror or exc}") from None
    if not stat.S_ISREG(info.st_mode):
        raise _problem(shown, f"is {kind(info.st_mode)}, not a regular file; refusing to read it")
    if info.st_size > MAX_BYTES:
        raise _problem(
            shown,
            f"file is larger than {MAX_BYTES // (1024 * 1024)} MiB ({info.st_size:,} bytes); "
            "refusing to parse it",
        )
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(part.file_size for part in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        raise _problem(shown, "not a .xlsx spreadsheet (it is no zip archive)") from None
    if unpacked > MAX_UNPACKED:
        raise _problem(
            shown,
            f"the spreadsheet unpacks to {unpacked:,} bytes, over the limit of "
            f"{MAX_UNPACKED:,}; refusing to open it",
        )
    if inputs is not None:
        inputs.add(info, shown)


def _text(value: object) -> str:
    """A cell as the entry reader takes it: text as it is, a whole number without a
    decimal point, a date as YYYY-MM-DD, nothing as empty."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{Decimal(repr(value)):f}"  # the shortest text that reads back as the float
    return str(value)


def rows(path: Path, shown: str, inputs: Inputs | None = None) -> Iterator[tuple[int, list[str]]]:
    """The first sheet's rows as text cells, numbered from 1, the header first."""
    openpyxl = require()
    _checked(path, shown, inputs)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise _problem(shown, f"not a readable .xlsx spreadsheet ({type(exc).__name__})") from None
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            raise _problem(shown, "the spreadsheet has no sheet")
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [_text(value) for value in cells]
    finally:
        book.close()
