"""What the human-readable outputs show: grids of already formatted cells.

The rich table renderer and the Markdown renderer both draw these grids, so the terminal
and a pull-request comment always show the same cells.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from tariffs.core import Segment, StudyResult, TimelineEntry, TimelineResult
from tariffs.render import fmt

BASE = "base"


@dataclass(frozen=True, slots=True)
class Grid:
    """A titled table: header cells, which columns are numeric, and rows of cells."""

    title: str
    headers: tuple[str, ...]
    numeric: tuple[bool, ...]
    rows: tuple[tuple[str, ...], ...]


def money_scale(result: StudyResult) -> tuple[Decimal, str]:
    """One money unit for a whole file, from its largest flow value."""
    largest = max((f.flow.value for s in result.scenarios for f in s.flows), default=Decimal(0))
    return fmt.scale_for(largest)


def money_unit(result: StudyResult) -> str:
    _, suffix = money_scale(result)
    return f"{result.currency} {suffix}".rstrip()


def header_lines(result: StudyResult, path: str) -> list[str]:
    """The title and a labelled block saying what the numbers below mean."""
    last = result.until - timedelta(days=1)
    return [
        result.title,
        f"File:      {path}",
        f"Period:    {result.start} to {last} ({result.days} days)",
        f"Rates on:  {result.on}",
        f"Baseline:  {result.baseline} (deltas are scenario minus baseline)",
        f"Money:     {money_unit(result)}, static (trade held at each flow's annual value)",
    ]


def flow_grids(result: StudyResult) -> list[Grid]:
    """One grid per flow, scenarios as rows."""
    divisor, _ = money_scale(result)
    unit = money_unit(result)
    grids: list[Grid] = []
    if not result.scenarios:
        return grids
    for index, first in enumerate(result.scenarios[0].flows):
        flow = first.flow
        rows = []
        for scenario in result.scenarios:
            f = scenario.flows[index]
            is_base = scenario.name == result.baseline
            rows.append(
                (
                    scenario.name,
                    fmt.pct(f.rate_on),
                    BASE if is_base else fmt.pp(f.delta.rate_on),
                    fmt.pct(f.average),
                    BASE if is_base else fmt.pp(f.delta.average),
                    fmt.pct(f.low),
                    f.low_from.isoformat(),
                    fmt.pct(f.peak),
                    f.peak_from.isoformat(),
                    fmt.money(f.duties, divisor),
                    BASE if is_base else fmt.signed_money(f.delta.duties, divisor),
                )
            )
        grids.append(
            Grid(
                title=f"{flow.label}: trade {fmt.money(flow.value, divisor)} {unit} a year",
                headers=(
                    "Scenario",
                    "Rate on",
                    "vs base",
                    "Average",
                    "vs base",
                    "Low",
                    "from",
                    "Peak",
                    "from",
                    f"Duties\n{unit}",
                    "vs base",
                ),
                numeric=(False, True, True, True, True, True, False, True, False, True, True),
                rows=tuple(rows),
            )
        )
    return grids


def window_grid(result: StudyResult) -> Grid | None:
    """All windows of all scenarios, one row per window and flow."""
    divisor, _ = money_scale(result)
    unit = money_unit(result)
    rows = [
        (
            scenario.name,
            w.flow.label,
            w.window,
            w.first_day.isoformat(),
            w.last_day.isoformat(),
            str(w.days),
            fmt.pct(w.before),
            fmt.pct(w.inside),
            fmt.pct(w.after),
            fmt.pp(w.cliff),
            fmt.money(w.saved, divisor),
        )
        for scenario in result.scenarios
        for w in scenario.windows
    ]
    if not rows:
        return None
    return Grid(
        title="Windows: rates around each window and the static duties it saved",
        headers=(
            "Scenario",
            "Flow",
            "Window",
            "First day",
            "Last day",
            "Days",
            "Before",
            "Inside",
            "After",
            "Cliff",
            f"Saved\n{unit}",
        ),
        numeric=(False, False, False, False, False, True, True, True, True, True, True),
        rows=tuple(rows),
    )


def describe_changes(segment: Segment) -> str:
    return "; ".join(
        f"{c.measure} {fmt.pct(c.old)} -> {fmt.pct(c.new)} ({c.cause})" for c in segment.changes
    )


def timeline_heading(result: TimelineResult, path: str) -> list[str]:
    last = result.until - timedelta(days=1)
    return [result.title, f"{path}: period {result.start} to {last}"]


def timeline_grid(entry: TimelineEntry) -> Grid:
    """The segments of one flow under one scenario, with each layer and what changed."""
    rows = [
        (
            seg.start.isoformat(),
            (seg.until - timedelta(days=1)).isoformat(),
            str(seg.days),
            *(fmt.pct(rate) for rate in seg.layers),
            fmt.pct(seg.rate),
            describe_changes(seg) or "(in force at the start of the period)",
        )
        for seg in entry.segments
    ]
    names = tuple(m.name for m in entry.measures)
    return Grid(
        title=f"{entry.flow.label} under {entry.scenario!r}",
        headers=("From", "To", "Days", *names, "Total", "What changed"),
        numeric=(False, False, True, *(True for _ in names), True, False),
        rows=tuple(rows),
    )


def chart_width(width: int) -> int:
    """Columns for the step chart within a page `width` characters wide."""
    return max(20, min(width - 12, 100))
