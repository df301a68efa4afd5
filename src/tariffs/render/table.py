"""Rich renderables for the terminal, and their deterministic plain-text form."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from rich import box
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from tariffs.core import StudyResult, TimelineResult
from tariffs.render.chart import step_chart
from tariffs.render.grids import (
    BASE,
    Facts,
    Grid,
    chart_width,
    compare_grids,
    header_facts,
    timeline_facts,
    timeline_grid,
)

DEFAULT_WIDTH = 120


def grid_table(grid: Grid) -> Table:
    """A rich Table for a grid. ASCII box, no wrapping of numbers, no trailing padding."""
    table = Table(
        title=grid.title,
        title_justify="left",
        title_style="bold",
        box=box.ASCII2,
        header_style="bold",
        show_edge=True,
    )
    for index, (header, numeric) in enumerate(zip(grid.headers, grid.numeric, strict=True)):
        table.add_column(
            header,
            justify="right" if numeric else "left",
            no_wrap=numeric or index == 0,  # numbers and the row's name never wrap
            overflow="fold",
        )
    for row in grid.rows:
        table.add_row(*(_styled(cell) for cell in row))
    return table


def _styled(cell: str) -> Text:
    """Colour only matters on a terminal; the plain form drops styles."""
    if cell.startswith("+") and cell[1:2].isdigit():
        return Text(cell, style="red")
    if cell.startswith("-") and cell[1:2].isdigit():
        return Text(cell, style="green")
    if cell == BASE:
        return Text(cell, style="dim")
    return Text(cell)


def heading(title: str, facts: Facts) -> list[RenderableType]:
    """The title, then one aligned 'Label:  value' line per fact."""
    pad = max((len(label) for label, _ in facts), default=0) + 2
    return [Text(title), *(Text(f"{label + ':':<{pad}}{value}") for label, value in facts)]


def document(title: str, facts: Facts, grids: Iterable[Grid]) -> Group:
    """The heading, then one table per grid."""
    parts = heading(title, facts)
    for grid in grids:
        parts.extend((Text(""), grid_table(grid)))
    return Group(*parts)


def compare(results: Sequence[tuple[str, StudyResult]]) -> RenderableType:
    """The terminal view of `tariffs compare`: per file, a table per flow, then the windows."""
    parts: list[RenderableType] = []
    for index, (path, result) in enumerate(results):
        if index:
            parts.append(Text(""))
        parts.append(document(result.title, header_facts(result, path), compare_grids(result)))
    return Group(*parts)


def timeline(path: str, result: TimelineResult, width: int) -> RenderableType:
    """The terminal view of `tariffs timeline`: per flow and scenario, segments and a chart."""
    parts = heading(result.title, timeline_facts(result, path))
    for entry in result.entries:
        chart = step_chart(entry.segments, width=chart_width(width))
        parts.extend((Text(""), grid_table(timeline_grid(entry)), Text(""), Text(chart)))
    return Group(*parts)


def plain_console(file: io.StringIO, width: int) -> Console:
    """A console whose output depends on nothing but `width`: no colour, no terminal probing."""
    return Console(
        file=file,
        width=width,
        height=10_000,
        color_system=None,
        force_terminal=False,
        force_interactive=False,
        no_color=True,
        highlight=False,
        markup=False,
        emoji=False,
        legacy_windows=False,
        soft_wrap=False,
        _environ={},
    )


def to_text(renderable: RenderableType, width: int = DEFAULT_WIDTH) -> str:
    """Render to plain text with no ANSI codes and no trailing spaces."""
    buffer = io.StringIO()
    plain_console(buffer, width).print(renderable)
    lines = [line.rstrip() for line in buffer.getvalue().splitlines()]
    return "\n".join(lines) + "\n"
