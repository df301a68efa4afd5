"""A step chart of a flow's rate over the period, drawn in plain ASCII."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from tariffs.calc.results import Segment
from tariffs.render import fmt

FILL = "#"


def _column_peaks(parts: tuple[Segment, ...], start: date, days: int, width: int) -> list[Decimal]:
    """The highest rate within each column's share of the days, so one-day spikes show."""
    peaks: list[Decimal] = []
    index = 0
    for col in range(width):
        lo = start + timedelta(days=col * days // width)
        hi = start + timedelta(days=max((col + 1) * days // width, col * days // width + 1))
        while index < len(parts) - 1 and parts[index].until <= lo:
            index += 1
        best = parts[index].rate
        probe = index
        while probe < len(parts) and parts[probe].start < hi:
            best = max(best, parts[probe].rate)
            probe += 1
        peaks.append(best)
    return peaks


def step_chart(parts: tuple[Segment, ...], *, width: int = 60, height: int = 10) -> str:
    """Rows from the peak rate down to 0%, one column per slice of the period.

    A cell is filled when the column's highest rate reaches the middle of the cell's row;
    any rate above zero fills at least the bottom row.
    """
    start, until = parts[0].start, parts[-1].until
    days = (until - start).days
    width = max(1, min(width, days))
    peaks = _column_peaks(parts, start, days, width)
    top = max(peaks)
    labels = [fmt.pct(top * row / height, 0) for row in range(height, 0, -1)]
    pad = max(len(label) for label in (*labels, "0%"))
    lines = []
    for row in range(height, 0, -1):
        threshold = top * (Decimal(row) - Decimal("0.5")) / height
        cells = "".join(
            FILL if peak > 0 and (peak >= threshold or row == 1) else " " for peak in peaks
        )
        label = labels[height - row] if row in {height, (height + 1) // 2} else ""
        lines.append(f"{label:>{pad}} |{cells}".rstrip())
    lines.append(f"{'0%':>{pad}} +{'-' * width}")
    left = start.isoformat()
    right = (until - timedelta(days=1)).isoformat()
    gap = max(1, width + 1 - len(left) - len(right))
    lines.append(f"{'':>{pad}}  {left}{' ' * gap}{right}".rstrip())
    return "\n".join(lines)
