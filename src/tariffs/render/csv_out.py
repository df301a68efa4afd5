"""Tidy CSV: one value per row, ready for a spreadsheet or pandas (see docs/output.md)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import timedelta
from decimal import Decimal

from tariffs.core import StudyResult, TimelineResult
from tariffs.render import fmt

HEADER = ("file", "scenario", "importer", "exporter", "item", "metric", "date", "value", "unit")
Row = tuple[str, str, str, str, str, str, str, str, str]


def _writer_text(rows: Sequence[Row]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue()


def rate(value: Decimal) -> str:
    return fmt.number(value, fmt.RATE_PLACES)


def money(value: Decimal) -> str:
    return fmt.number(value, fmt.MONEY_PLACES)


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
