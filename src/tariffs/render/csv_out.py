"""Tidy CSV: one value per row, ready for a spreadsheet or pandas (see docs/output.md).

The rows of `compare` come from the registry (tariffs.metrics): one row per metric of each
item, its delta after it where it has one, under the metric's own name.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from tariffs import metrics
from tariffs.calc.results import StudyResult, TimelineResult
from tariffs.render import fmt
from tariffs.render.safe import csv_cell

HEADER = ("file", "scenario", "importer", "exporter", "item", "metric", "date", "value", "unit")
Row = tuple[str, str, str, str, str, str, str, str, str]

TEXT_COLUMNS = (0, 1, 4)
"""The columns that hold text from files (file, scenario, item); the others are codes,
dates, numbers and units that tariffs writes itself (a text value is neutralised too)."""

BATCH = 2_000
"""Rows written per piece of text: the document streams out, it is never held whole."""


def _pieces(rows: Iterable[Row]) -> Iterator[str]:
    """The CSV text in pieces of BATCH rows. Text cells go through `safe.csv_cell`, once per
    distinct value: a spreadsheet never reads them as formulas, and no control character
    reaches a terminal. Numbers are left as they are."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    safe: dict[str, str] = {}
    for count, row in enumerate(rows, 1):
        cells = list(row)
        for column in TEXT_COLUMNS:
            text = cells[column]
            shown = safe.get(text)
            if shown is None:
                shown = safe[text] = csv_cell(text)
            cells[column] = shown
        writer.writerow(cells)
        if count % BATCH == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def number(unit: str, value: Any) -> str:
    """A value in the `value` column: rates to 4 decimals, money to 2, days whole; a date
    goes to the `date` column instead (see `_row`)."""
    if unit in {"percent", "pp"}:
        return fmt.number(value, fmt.RATE_PLACES)
    if unit == "money":
        return fmt.number(value, fmt.MONEY_PLACES)
    if unit == "text":
        return csv_cell(str(value))
    return str(value)


def _rows(path: str, result: StudyResult) -> Iterator[Row]:
    """Every metric of every item of one file, in the order of the compare JSON."""
    for kind, item in metrics.in_order(result):
        yield from _item_rows(path, result, kind, item)


def _item_rows(
    path: str, result: StudyResult, kind: metrics.Kind, item: metrics.Item
) -> Iterator[Row]:
    importer, _, exporter = item.flow_key.partition(":")
    head = (path, item.scenario, importer, exporter, item.name)
    for metric in kind.metrics:
        value = metrics.value(metric, item)
        if value is None:
            continue
        when = metrics.date_of(metric, item)
        yield (*head, metric.name, *_cells(result, metric.unit, value, when))
        if metric.delta:
            change = metrics.delta(kind, metric, item)
            if change is not None:
                unit = "pp" if metric.unit == "percent" else metric.unit
                yield (*head, f"delta_{metric.name}", *_cells(result, unit, change, when))


def _cells(result: StudyResult, unit: str, value: Any, when: Any) -> tuple[str, str, str]:
    """The date, value and unit cells of a row; a date value goes to the date column."""
    if unit == "date":
        return value.isoformat(), "", "date"
    day = when.isoformat() if when is not None else ""
    return day, number(unit, value), result.currency if unit == "money" else unit


def compare(results: Sequence[tuple[str, StudyResult]]) -> Iterator[str]:
    """The CSV document for `tariffs compare`, in pieces."""
    return _pieces(row for path, result in results for row in _rows(path, result))


def timeline(path: str, result: TimelineResult) -> Iterator[str]:
    """The CSV document for `tariffs timeline`: per segment, its days, each layer and the total."""

    def rows() -> Iterator[Row]:
        for entry in result.entries:
            head = (path, entry.scenario, entry.flow.importer, entry.flow.exporter)
            for seg in entry.segments:
                start = seg.start.isoformat()
                yield (*head, "", "segment_days", start, str(seg.days), "days")
                for m, r in zip(entry.measures, seg.layers, strict=True):
                    yield (*head, m.name, "layer_rate", start, number("percent", r), "percent")
                yield (*head, "", "rate", start, number("percent", seg.rate), "percent")

    return _pieces(rows())
