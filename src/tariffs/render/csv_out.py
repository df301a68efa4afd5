"""Tidy CSV: one value per row, ready for a spreadsheet or pandas (see docs/output.md).

The rows of `compare` come from the registry (tariffs.metrics): one row per metric of each
item, its delta after it where it has one, under the metric's own name. The document is
made and written piece by piece.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from tariffs import metrics
from tariffs.calc.results import StudyResult, TimelineResult, TotalTimeline
from tariffs.render import fmt
from tariffs.render.safe import csv_cell

HEADER = ("file", "scenario", "importer", "exporter", "item", "metric", "date", "value", "unit")

BATCH = 2_000
"""Rows written per piece of text: the document streams out, it is never held whole."""


def field(text: str) -> str:
    """One CSV field of text tariffs did not write: made safe for a spreadsheet (see
    `safe.csv_cell`), then quoted as RFC 4180 says if it holds a comma or a quote."""
    shown = csv_cell(text)
    if "," in shown or '"' in shown:
        return '"' + shown.replace('"', '""') + '"'
    return shown


def _pieces(rows: Iterable[str]) -> Iterator[str]:
    """The header, then the rows, BATCH of them to a piece."""
    batch = [",".join(HEADER) + "\n"]
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            yield "".join(batch)
            batch = []
    yield "".join(batch)


def number(unit: str, value: Any) -> str:
    """A value in the `value` column: rates to 4 decimals, money to 2, days whole, text
    made safe; a date goes to the `date` column instead (see `_cells`)."""
    if unit in {"percent", "pp"}:
        return fmt.number(value, fmt.RATE_PLACES)
    if unit == "money":
        return fmt.number(value, fmt.MONEY_PLACES)
    if unit == "text":
        return field(str(value))
    return str(value)


class _Prefixes:
    """The first five cells of a row (file, scenario, importer, exporter, item), made
    once per distinct value: the text cells come from files and are made safe."""

    def __init__(self) -> None:
        self.safe: dict[str, str] = {}

    def __call__(self, path: str, item: metrics.Item) -> str:
        importer, _, exporter = item.flow_key.partition(":")
        cells = (path, item.scenario, importer, exporter, item.name)
        return ",".join(self._safe(cell) for cell in cells) + ","

    def _safe(self, text: str) -> str:
        shown = self.safe.get(text)
        if shown is None:
            shown = self.safe[text] = field(text)
        return shown


def _rows(path: str, result: StudyResult, prefix: _Prefixes, lines: str) -> Iterator[str]:
    """Every metric of every item of one file, in the order of the compare JSON, and of the
    product lines what `lines` says (see render.json_out.LINES)."""
    against = lines == "changed" and any(s.name == result.baseline for s in result.scenarios)
    rows_of = _LineRows(result)
    before = _Before(result, rows_of)
    for kind, item in metrics.in_order(result):
        if kind is metrics.LINE:
            if lines == "none":
                continue
            rows = rows_of(item)
            if not rows or (against and item.value.line.code and rows == before.rows(item)):
                continue
            head = prefix(path, item)
            yield head + rows[:-1].replace("\n", "\n" + head) + "\n"  # every row, headed
        else:
            yield from _item_rows(prefix(path, item), result, kind, item)


class _LineRows:
    """A product line's rows without their first five cells, as one text, each row ending
    in a newline (see _line_tails). A line's text is kept with the number of what its class
    gives it (its class metrics and per-unit amounts): in a later scenario whose class of
    the line gives the same, as most do, the text is used again."""

    def __init__(self, result: StudyResult) -> None:
        self.result = result
        self.tails: dict[tuple[str, int], str] = {}
        self.kept: dict[int, tuple[int, str]] = {}
        self.known: dict[tuple[Any, ...], int] = {}
        self.classes: dict[int, int] = {}
        self.of = [m.of for m in metrics.LINE.metrics if m.per != "line" and m.of is not None]

    def __call__(self, item: metrics.Item) -> str:
        line, cls = item.value
        number = self.classes.get(id(cls))
        if number is None:
            given = tuple(of(cls, item.at) for of in self.of)
            number = self.classes[id(cls)] = self.known.setdefault(given, len(self.known))
        kept = self.kept.get(id(line))
        if kept is not None and kept[0] == number:
            return kept[1]
        text = "".join(_line_tails(self.result, item, self.tails))
        self.kept[id(line)] = (number, text)
        return text


class _Before:
    """A product line's rows under the baseline (see _LineRows), for `--lines changed`:
    found by the line's flow under the baseline."""

    def __init__(self, result: StudyResult, rows_of: _LineRows) -> None:
        self.result = result
        self.rows_of = rows_of
        self.flows: dict[int, tuple[metrics.At, dict[int, Any]]] = {}

    def rows(self, item: metrics.Item) -> str | None:
        at = item.at
        if at.scenario is None or at.flow is None or at.scenario.name == self.result.baseline:
            return None
        found = self.flows.get(id(at.flow))
        if found is None:
            if metrics.FLOW.base is None:
                return None
            flow = metrics.FLOW.base(metrics.Item(at, "", at.flow), self.result)
            base = metrics.At(self.result, self.result.base, flow)
            found = self.flows[id(at.flow)] = (base, {id(x): c for x, c in flow.lines()})
        base, classes = found
        line = item.value.line
        if id(line) not in classes:
            return None
        was = metrics.Item(base, item.name, metrics.LineResult(line, classes[id(line)]))
        return self.rows_of(was)


def _line_tails(
    result: StudyResult, item: metrics.Item, tails: dict[tuple[str, int], str]
) -> list[str]:
    """A product line's rows without their first five cells. What depends on its class
    alone (Metric.per) is written once and reused; the rest for every line (a line's rows
    are kept whole: see _LineRows)."""
    _, cls = item.value
    out: list[str] = []
    for metric in metrics.LINE.metrics:
        if metric.per != "class" or metric.of is None:
            value = metric.get(item.value, item.at)
            if value is not None:
                when = metrics.date_of(metric, item)
                out.append(f"{metric.name},{_cells(result, metric.unit, value, when)}\n")
            continue
        tail = tails.get((metric.name, id(cls)))
        if tail is None:
            value = metric.of(cls, item.at)
            when = metrics.date_of(metric, item)
            tail = tails[(metric.name, id(cls))] = (
                ""
                if value is None
                else f"{metric.name},{_cells(result, metric.unit, value, when)}\n"
            )
        if tail:
            out.append(tail)
    return out


def _item_rows(
    head: str, result: StudyResult, kind: metrics.Kind, item: metrics.Item
) -> Iterator[str]:
    for metric in kind.metrics:
        value = metrics.value(metric, item)
        if value is None:
            continue
        when = metrics.date_of(metric, item)
        yield f"{head}{metric.name},{_cells(result, metric.unit, value, when)}\n"
        if metric.delta:
            change = metrics.delta(kind, metric, item)
            if change is not None:
                unit = "pp" if metric.unit == "percent" else metric.unit
                yield f"{head}delta_{metric.name},{_cells(result, unit, change, when)}\n"


def _cells(result: StudyResult, unit: str, value: Any, when: Any) -> str:
    """The date, value and unit cells of a row; a date value goes to the date column."""
    if unit == "date":
        return f"{value.isoformat()},,date"
    day = when.isoformat() if when is not None else ""
    return f"{day},{number(unit, value)},{result.currency if unit == 'money' else unit}"


def compare(results: Sequence[tuple[str, StudyResult]], lines: str = "all") -> Iterator[str]:
    """The CSV document for `tariffs compare`, in pieces; `lines`: see json_out.LINES."""
    prefix = _Prefixes()
    return _pieces(row for path, result in results for row in _rows(path, result, prefix, lines))


def timeline(path: str, result: TimelineResult) -> Iterator[str]:
    """The CSV document for `tariffs timeline`: per segment, its days, each layer and the total."""

    def rows() -> Iterator[str]:
        for entry in result.entries:
            head = ",".join(
                (field(path), field(entry.scenario), entry.flow.importer, entry.flow.exporter)
            )
            product = field(entry.hs)  # the product followed (--hs); empty for the flow
            for seg in entry.segments:
                start = seg.start.isoformat()
                yield f"{head},{product},segment_days,{start},{seg.days},days\n"
                for m, r in zip(entry.measures, seg.layers, strict=True):
                    shown = number("percent", r)
                    yield f"{head},{field(m.name)},layer_rate,{start},{shown},percent\n"
                yield f"{head},{product},rate,{start},{number('percent', seg.rate)},percent\n"
        for total in result.totals:
            head = ",".join((field(path), field(total.scenario), total.importer, "*"))
            yield from _total_rows(head, total)
        if result.tracker is not None:
            against = field(result.tracker.path)
            keys = [(e.scenario, e.flow.importer, e.flow.exporter) for e in result.entries]
            keys += [(t.scenario, t.importer, "*") for t in result.totals]
            for (scenario, importer, exporter), gap in zip(keys, result.gaps, strict=True):
                head = ",".join((field(path), field(scenario), importer, exporter, against))
                for metric in metrics.GAP.metrics:
                    value = metrics.read(metric, gap)
                    if value is not None:
                        yield f"{head},{metric.name},{_timeline_cells(metric.unit, value)}\n"

    return _pieces(rows())


def _total_rows(head: str, total: TotalTimeline) -> Iterator[str]:
    """An importer's total over time (the `total_segment` metrics): per segment its days
    and rate, and each part only where it differs from the segment before (every part in
    the first): one row per change."""
    before: dict[tuple[str, str], str] = {}
    for seg in total.segments:
        point = metrics.TotalPoint(total, seg)
        start = seg.start.isoformat()
        for metric in metrics.TOTAL_SEGMENT.metrics:
            found = metrics.read(metric, point)
            if metric.per is None:
                yield f"{head},,{metric.name},{start},{number(metric.unit, found)},{metric.unit}\n"
                continue
            for name, part in found:
                shown = number(metric.unit, part)  # a change that rounds away is none
                if before.get((metric.name, name)) == shown:
                    continue
                before[(metric.name, name)] = shown
                yield f"{head},{field(name)},{metric.name},{start},{shown},{metric.unit}\n"


def _timeline_cells(unit: str, value: Any) -> str:
    """The date, value and unit cells of a timeline row that has no date of its own."""
    if unit == "date":
        return f"{value.isoformat()},,date"
    return f",{number(unit, value)},{unit}"
