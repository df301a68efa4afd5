"""Rich renderables for the terminal, and their deterministic plain-text form.

Every cell, title and fact passes `safe.visible` before it is laid out, so a control or
invisible character from a file is shown as an escape, and counted at its shown width.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, NamedTuple

from rich import box
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from tariffs.calc.results import StudyResult, TimelineResult
from tariffs.render import plain
from tariffs.render.chart import step_chart
from tariffs.render.grids import (
    BASE,
    Facts,
    Grid,
    chart_width,
    compare_grids,
    diff_facts,
    diff_grids,
    header_facts,
    rate_facts,
    rate_grid,
    timeline_facts,
    timeline_grid,
)
from tariffs.render.safe import visible

if TYPE_CHECKING:
    from tariffs.calc.results import DiffReport, ProductStack

WRAP_FLOOR = 12
"""Free-text columns may wrap down to this many characters, and no further."""


Block = str | Grid
"""A piece of a page: a line of text ("" for a blank line; a chart may span lines) or a
grid, drawn as its title line and its table."""


class Page(NamedTuple):
    """What to print, and the width to print it at.

    `width` is the width asked for, or more when a table needs it: numbers, names and dates
    are never wrapped or cropped, so a table too wide for the page widens the page instead.
    Text from files in `blocks` is escaped when the page is drawn.
    """

    blocks: tuple[Block, ...]
    width: int


def needed_width(grid: Grid) -> int:
    """The narrowest a grid's table can be drawn without wrapping a number, name or date."""
    total = 1  # the left border
    for column, kind in enumerate(grid.kinds):
        cells = [grid.headers[column], *(row[column] for row in grid.rows)]
        lines = [line for cell in cells for line in cell.split("\n")]
        widest = max(len(line) for line in lines)
        if kind == "t":
            longest_word = max((len(word) for line in lines for word in line.split()), default=1)
            widest = min(widest, max(longest_word, WRAP_FLOOR))
        total += widest + 3  # padding on both sides and the right border
    return total


def _shown(grid: Grid) -> Grid:
    """The grid with every cell, header and its title made visible (render.safe)."""
    return Grid(
        visible(grid.title),
        tuple(visible(h, newlines=True) for h in grid.headers),
        grid.kinds,
        tuple(tuple(visible(cell, newlines=True) for cell in row) for row in grid.rows),
    )


def _page(blocks: list[Block], width: int) -> Page:
    shown = tuple(_shown(b) if isinstance(b, Grid) else b for b in blocks)
    widest = [needed_width(b) for b in shown if isinstance(b, Grid)]
    return Page(shown, max([width, *widest]))


def grid_table(grid: Grid) -> Group:
    """A grid's title line, then its rich Table: ASCII box, no wrapping of numbers.

    The title is a line of its own, so a long title is never wrapped to the table's width.
    """
    table = Table(
        box=box.ASCII2,
        header_style="bold",
        show_edge=True,
    )
    for header, kind in zip(grid.headers, grid.kinds, strict=True):
        table.add_column(
            header,
            justify="right" if kind == "n" else "left",
            no_wrap=kind != "t",  # numbers, names and dates never wrap
            overflow="fold",
        )
    for row in grid.rows:
        table.add_row(*(_styled(cell) for cell in row))
    return Group(Text(grid.title, style="bold"), table)


def _styled(cell: str) -> Text:
    """Colour only matters on a terminal; the plain form drops styles."""
    if cell.startswith("+") and cell[1:2].isdigit():
        return Text(cell, style="red")
    if cell.startswith("-") and cell[1:2].isdigit():
        return Text(cell, style="green")
    if cell == BASE:
        return Text(cell, style="dim")
    return Text(cell)


def heading(title: str, facts: Facts) -> list[Block]:
    """The title, then one aligned 'Label:  value' line per fact."""
    pad = max((len(label) for label, _ in facts), default=0) + 2
    lines = (f"{label + ':':<{pad}}{value}" for label, value in facts)
    return [visible(title), *(visible(line) for line in lines)]


def document(title: str, facts: Facts, grids: Iterable[Grid]) -> list[Block]:
    """The heading, then one table per grid."""
    blocks = heading(title, facts)
    for grid in grids:
        blocks.extend(("", grid))
    return blocks


def compare(results: Sequence[tuple[str, StudyResult]], width: int) -> Page:
    """The terminal view of `tariffs compare`: per file, per flow, its scenarios and windows."""
    blocks: list[Block] = []
    for index, (path, result) in enumerate(results):
        if index:
            blocks.append("")
        blocks.extend(document(result.title, header_facts(result, path), compare_grids(result)))
    return _page(blocks, width)


def timeline(path: str, result: TimelineResult, width: int) -> Page:
    """The terminal view of `tariffs timeline`: per flow and scenario, segments and a chart."""
    blocks = heading(result.title, timeline_facts(result, path))
    for entry in result.entries:
        chart = step_chart(entry.segments, width=chart_width(width))
        blocks.extend(("", timeline_grid(entry), "", chart))
    return _page(blocks, width)


def diff(report: DiffReport, width: int) -> Page:
    """The terminal view of `tariffs diff`: what changed in the inputs, then in the results."""
    title = "Differences" if report.diff.differences else "No differences"
    return _page(document(title, diff_facts(report), diff_grids(report.diff)), width)


def report(title: str, facts: Facts, grids: Iterable[Grid], width: int) -> Page:
    """The terminal view of any titled document: its facts, then its grids (`tariffs
    sweep`)."""
    return _page(document(title, facts, grids), width)


def rate(path: str, stack: ProductStack, width: int) -> Page:
    """The terminal view of `tariffs rate`: a product's duty stack on a date."""
    grid = rate_grid(stack)
    return _page(document(f"Duty stack of HS {stack.hs}", rate_facts(stack, path), [grid]), width)


def cells(page: Page) -> int:
    """How many cells the page's tables hold."""
    return sum(len(b.headers) * (len(b.rows) + 1) for b in page.blocks if isinstance(b, Grid))


def body(page: Page) -> RenderableType:
    """The page as rich renderables: for a terminal, or where a cell must wrap."""
    return Group(*(grid_table(b) if isinstance(b, Grid) else Text(b) for b in page.blocks))


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


def _fits(page: Page) -> bool:
    """Whether plain drawing gives rich's bytes: no line of text and no table is wider than
    the page, so rich would wrap nothing."""
    for block in page.blocks:
        if isinstance(block, Grid):
            if plain.natural_width(block) > page.width or len(block.title) > page.width:
                return False
        elif any(len(line) > page.width for line in block.split("\n")):
            return False
    return True


def to_text(page: Page) -> str:
    """Render to plain text with no ANSI codes and no trailing spaces.

    Drawn directly (render.plain) when nothing needs wrapping, by rich otherwise."""
    if _fits(page):
        out: list[str] = []
        for block in page.blocks:
            if isinstance(block, Grid):
                out.extend(plain.lines(block))
            else:
                out.extend(line.rstrip() for line in block.split("\n"))
        return "\n".join(out) + "\n"
    buffer = io.StringIO()
    plain_console(buffer, page.width).print(body(page))
    lines = [line.rstrip() for line in buffer.getvalue().splitlines()]
    return "\n".join(lines) + "\n"
