"""Tidy CSV: one value per row, ready for a spreadsheet or pandas (see docs/output.md)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import timedelta
from decimal import Decimal

from tariffs.calc.results import FlowResult, Response, StudyResult, TimelineResult
from tariffs.render import fmt
from tariffs.render.safe import csv_cell

HEADER = ("file", "scenario", "importer", "exporter", "item", "metric", "date", "value", "unit")
Row = tuple[str, str, str, str, str, str, str, str, str]


TEXT_COLUMNS = (0, 1, 4)
"""The columns that hold text from files (file, scenario, item); the others are codes,
dates, numbers and units that tariffs writes itself."""


def _writer_text(rows: Sequence[Row]) -> str:
    """The CSV text. Text cells go through `safe.csv_cell`, once per distinct value: a
    spreadsheet never reads them as formulas, and no control character reaches a terminal.
    Numbers are left as they are."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    safe: dict[str, str] = {}
    for row in rows:
        cells = list(row)
        for column in TEXT_COLUMNS:
            text = cells[column]
            shown = safe.get(text)
            if shown is None:
                shown = safe[text] = csv_cell(text)
            cells[column] = shown
        writer.writerow(cells)
    return buffer.getvalue()


def rate(value: Decimal) -> str:
    return fmt.number(value, fmt.RATE_PLACES)


def money(value: Decimal) -> str:
    return fmt.number(value, fmt.MONEY_PLACES)


def _response_rows(
    head: tuple[str, ...], r: Response, on: str, start: str, currency: str
) -> list[Row]:
    def row(metric: str, date: str, value: Decimal, unit: str) -> Row:
        shown = rate(value) if unit == "percent" else money(value)
        return (head[0], head[1], head[2], head[3], "", metric, date, shown, unit)

    return [
        row("static_imports", start, r.static_imports, currency),
        row("imports", start, r.imports, currency),
        row("dynamic_duties", start, r.dynamic_duties, currency),
        row("post_substitution_rate_on", on, r.rate_on, "percent"),
        row("post_substitution_average_rate", start, r.average, "percent"),
        row("observed_duties", start, r.observed_duties, currency),
        row("consumer_cost", start, r.consumer_cost, currency),
        row("deadweight_loss", start, r.deadweight_loss, currency),
        row("delta_imports", start, r.delta_imports, currency),
        row("delta_dynamic_duties", start, r.delta_dynamic_duties, currency),
        row("delta_consumer_cost", start, r.delta_consumer_cost, currency),
        row("delta_deadweight_loss", start, r.delta_deadweight_loss, currency),
    ]


def _line_rows(
    head: tuple[str, ...], f: FlowResult, on: str, start: str, currency: str
) -> list[Row]:
    """Per product line (item = its HS code, or 'unclassified'): value, rates and duties."""
    rows: list[Row] = []
    path, scenario, importer, exporter = head
    for line, cls in f.lines():
        item = line.code or "unclassified"
        base = (path, scenario, importer, exporter, item)
        rows.append((*base, "line_value", "", money(line.value), currency))
        rows.append((*base, "line_rate_on", on, rate(cls.rate_on), "percent"))
        rows.append((*base, "line_average_rate", start, rate(cls.average), "percent"))
        rows.append((*base, "line_static_duties", start, money(cls.duties(line)), currency))
        imports = cls.imports(line)
        dynamic = cls.dynamic_duties(line)
        if imports is not None and dynamic is not None:
            rows.append((*base, "line_imports", start, money(imports), currency))
            rows.append((*base, "line_dynamic_duties", start, money(dynamic), currency))
    return rows


def compare(results: Sequence[tuple[str, StudyResult]]) -> str:
    """The CSV document for `tariffs compare`."""
    rows: list[Row] = []
    for path, result in results:
        currency = result.currency
        for scenario in result.scenarios:
            for f in scenario.flows:
                head = (path, scenario.name, f.flow.importer, f.flow.exporter)
                on = result.on.isoformat()
                start = result.start.isoformat()
                rows.extend(
                    [
                        (*head, "", "trade_value", "", money(f.flow.value), currency),
                        (*head, "", "rate_on", on, rate(f.rate_on), "percent"),
                        *(
                            (*head, x.measure, "layer_rate_on", on, rate(x.rate), "percent")
                            for x in f.stack
                        ),
                        *(
                            (*head, x.measure, "layer_average_rate", start, rate(x.average), "pp")
                            for x in f.stack
                        ),
                        (*head, "", "average_rate", start, rate(f.average), "percent"),
                        (*head, "", "low_rate", f.low_from.isoformat(), rate(f.low), "percent"),
                        (*head, "", "peak_rate", f.peak_from.isoformat(), rate(f.peak), "percent"),
                        (*head, "", "static_duties", start, money(f.duties), currency),
                        (*head, "", "delta_rate_on", on, rate(f.delta.rate_on), "pp"),
                        (*head, "", "delta_average_rate", start, rate(f.delta.average), "pp"),
                        (*head, "", "delta_low_rate", "", rate(f.delta.low), "pp"),
                        (*head, "", "delta_peak_rate", "", rate(f.delta.peak), "pp"),
                        (*head, "", "delta_static_duties", start, money(f.delta.duties), currency),
                    ]
                )
                if f.response is not None:
                    rows.extend(_response_rows(head, f.response, on, start, currency))
                if f.flow.classified:
                    rows.extend(_line_rows(head, f, on, start, currency))
            for w in scenario.windows:
                head = (path, scenario.name, w.flow.importer, w.flow.exporter)
                first = w.first_day.isoformat()
                before = (w.first_day - timedelta(days=1)).isoformat()
                after = (w.last_day + timedelta(days=1)).isoformat()
                item = w.window
                rows.extend(
                    [
                        (*head, item, "window_days", first, str(w.days), "days"),
                        (*head, item, "window_last_day", w.last_day.isoformat(), "", ""),
                        (*head, item, "rate_before", before, rate(w.before), "percent"),
                        (*head, item, "rate_inside", first, rate(w.inside), "percent"),
                        (*head, item, "rate_after", after, rate(w.after), "percent"),
                        (*head, item, "cliff", after, rate(w.cliff), "pp"),
                        (*head, item, "duties_with", first, money(w.duties_with), currency),
                        (*head, item, "duties_without", first, money(w.duties_without), currency),
                        (*head, item, "duties_saved", first, money(w.saved), currency),
                    ]
                )
    return _writer_text(rows)


def timeline(path: str, result: TimelineResult) -> str:
    """The CSV document for `tariffs timeline`: per segment, its days, each layer and the total."""
    rows: list[Row] = []
    for entry in result.entries:
        head = (path, entry.scenario, entry.flow.importer, entry.flow.exporter)
        for seg in entry.segments:
            start = seg.start.isoformat()
            rows.append((*head, "", "segment_days", start, str(seg.days), "days"))
            rows.extend(
                (*head, m.name, "layer_rate", start, rate(r), "percent")
                for m, r in zip(entry.measures, seg.layers, strict=True)
            )
            rows.append((*head, "", "rate", start, rate(seg.rate), "percent"))
    return _writer_text(rows)
