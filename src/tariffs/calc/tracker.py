"""A series of the study against another source's (a tracker's) rate by date. Pure.

The tracker's series (calc.results.Tracker) is a step function: each value holds from its
date until the next row's date, the last value for its own day only, and a row without a
value is a gap. The study's series is a timeline's segments. Their gap, the study's rate
minus the tracker's, is compared over the days of the period on which both have a value.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal

from tariffs.calc.results import ZERO, Gap, Segment
from tariffs.domain import Tracker

QUIET_MARGIN = 10
"""Days a quiet day keeps from a change in either series: a day at least this many days
before or after every change (|day - change| >= 10) is quiet. Near a change the two
series often differ by a day or two in when they apply it, which is no measure of how
far apart their levels are."""

_ONE_DAY = timedelta(days=1)

Piece = tuple[date, date, Decimal]
"""[start, until) and the gap over it."""


def tracker_steps(tracker: Tracker) -> list[tuple[date, date, Decimal]]:
    """The tracker's values as [start, until) pieces: each until the next row's date, the
    last for its own day; gaps (rows without a value) left out."""
    out: list[tuple[date, date, Decimal]] = []
    points = tracker.points
    for index, (day, value) in enumerate(points):
        if value is None:
            continue
        until = points[index + 1][0] if index + 1 < len(points) else day + _ONE_DAY
        out.append((day, until, value))
    return out


def changes(tracker: Tracker) -> list[date]:
    """The days the tracker's value changes: a row whose value differs from the row's
    before it, which holds until that day. A value after a row without one is no change:
    when the series moved is not known (values quoted on some days only)."""
    out: list[date] = []
    last: Decimal | None = None
    for day, value in tracker.points:
        if value is not None and last is not None and value != last:
            out.append(day)
        last = value
    return out


def gap(parts: Sequence[Segment], tracker: Tracker, margin: int = QUIET_MARGIN) -> Gap:
    """The study's segments `parts` (covering its period) against `tracker`."""
    found = pieces(parts, tracker_steps(tracker))
    near = near_changes(parts, tracker, margin)
    quiet = [q for piece in found for q in _outside(piece, near)]
    days, mean, mean_abs, largest, largest_on = _summary(found)
    quiet_days, _, quiet_abs, quiet_largest, quiet_on = _summary(quiet)
    return Gap(
        days,
        mean,
        mean_abs,
        largest,
        largest_on,
        margin,
        quiet_days,
        quiet_abs,
        quiet_largest,
        quiet_on,
    )


def pieces(parts: Sequence[Segment], steps: list[tuple[date, date, Decimal]]) -> list[Piece]:
    """The spans where both series have a value, with the gap: the study's minus the
    tracker's."""
    out: list[Piece] = []
    index = 0
    for start, until, value in steps:
        while index < len(parts) and parts[index].until <= start:
            index += 1
        probe = index
        while probe < len(parts) and parts[probe].start < until:
            seg = parts[probe]
            lo, hi = max(start, seg.start), min(until, seg.until)
            if lo < hi:
                out.append((lo, hi, seg.rate - value))
            probe += 1
    return out


def near_changes(
    parts: Sequence[Segment], tracker: Tracker, margin: int
) -> list[tuple[date, date]]:
    """The spans within `margin` days of a change in either series, merged and sorted:
    [change - margin + 1, change + margin) for each day a segment of the study's starts
    (after the first) or the tracker's value changes."""
    days = sorted({*(seg.start for seg in parts[1:]), *changes(tracker)})
    out: list[tuple[date, date]] = []
    reach = timedelta(days=margin)
    for day in days:
        lo, hi = day - reach + _ONE_DAY, day + reach
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def _outside(piece: Piece, near: list[tuple[date, date]]) -> list[Piece]:
    """The parts of a piece that are outside every span of `near` (sorted, disjoint)."""
    start, until, value = piece
    out: list[Piece] = []
    for lo, hi in near:
        if hi <= start or until <= lo:
            continue
        if start < lo:
            out.append((start, lo, value))
        start = max(start, hi)
        if start >= until:
            return out
    out.append((start, until, value))
    return out


def _summary(
    pieces: list[Piece],
) -> tuple[int, Decimal | None, Decimal | None, Decimal | None, date | None]:
    """Days, mean gap, mean absolute gap, and the gap of largest size with its first day."""
    days = sum((until - start).days for start, until, _ in pieces)
    if not days:
        return 0, None, None, None, None
    total = sum((value * (until - start).days for start, until, value in pieces), ZERO)
    absolute = sum((abs(value) * (until - start).days for start, until, value in pieces), ZERO)
    largest = max(pieces, key=lambda piece: abs(piece[2]))  # the first of equals
    return days, total / days, absolute / days, largest[2], largest[0]
