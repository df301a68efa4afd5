"""Pages for people: headings, tables and charts, laid out to a width (render.plain).

Every cell, title and fact passes `safe.visible` before it is laid out, so a control or
invisible character from a file is shown as an escape, and counted at its shown width.
`to_text` gives the page as plain text; `body` gives the same characters as a rich Text
with colours, for a terminal.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import TYPE_CHECKING, NamedTuple

from rich.text import Text

from tariffs.calc.results import StudyResult, TimelineResult
from tariffs.render import COMPARE_SECTIONS, plain
from tariffs.render.chart import step_chart
from tariffs.render.grids import (
    Facts,
    Grid,
    chart_width,
    diff_facts,
    diff_grids,
    gap_grid,
    header_facts,
    rate_facts,
    rate_grid,
    timeline_facts,
    timeline_grid,
    total_grids,
)
from tariffs.render.market_grids import document_grids
from tariffs.render.safe import visible

if TYPE_CHECKING:
    from tariffs.calc.results import DiffReport, ProductStack


class Para(NamedTuple):
    """A paragraph of text, wrapped at spaces to the page's width; its lines after the
    first are indented by `indent` spaces. A `title` is wrapped into lines of about equal
    length (`plain.balanced`), so that none holds a lone word."""

    text: str
    indent: int = 0
    title: bool = False


Block = str | Para | Grid
"""A piece of a page: lines of text drawn as they are ("" for a blank line; a chart spans
lines), a paragraph, or a grid, drawn as its title and its table."""


class Page(NamedTuple):
    """What to print, and the width to print it at.

    Every line fits `width` (render.plain says how a table is made to fit), save one
    holding a single word, number, name or date longer than the page, which is never cut.
    Text from files in `blocks` is escaped when the page is made.
    """

    blocks: tuple[Block, ...]
    width: int


def _shown(grid: Grid) -> Grid:
    """The grid with every cell, header and its title made visible (render.safe)."""
    return grid._replace(
        title=visible(grid.title),
        headers=tuple(visible(h, newlines=True) for h in grid.headers),
        rows=tuple(tuple(visible(cell, newlines=True) for cell in row) for row in grid.rows),
    )


def _page(blocks: list[Block], width: int) -> Page:
    return Page(tuple(_shown(b) if isinstance(b, Grid) else b for b in blocks), width)


def heading(title: str, facts: Facts) -> list[Block]:
    """The title, then one aligned 'Label:  value' paragraph per fact."""
    pad = max((len(label) for label, _ in facts), default=0) + 2
    lines = (f"{label + ':':<{pad}}{value}" for label, value in facts)
    return [Para(visible(title), title=True), *(Para(visible(line), pad) for line in lines)]


def document(title: str, facts: Facts, grids: Iterable[Grid]) -> list[Block]:
    """The heading, then one table per grid."""
    blocks = heading(title, facts)
    for grid in grids:
        blocks.extend(("", grid))
    return blocks


def compare(
    results: Sequence[tuple[str, StudyResult]],
    width: int,
    sections: Collection[str] = COMPARE_SECTIONS,
) -> Page:
    """The terminal view of `tariffs compare`: per file, per flow, its scenarios and windows,
    then each importer's totals; only the `sections` named (render.COMPARE_SECTIONS)."""
    blocks: list[Block] = []
    for index, (path, result) in enumerate(results):
        if index:
            blocks.append("")
        grids = document_grids(result, sections)
        blocks.extend(document(result.title, header_facts(result, path), grids))
    return _page(blocks, width)


def timeline(path: str, result: TimelineResult, width: int) -> Page:
    """The terminal view of `tariffs timeline`: per flow and scenario, segments and a chart."""
    blocks = heading(result.title, timeline_facts(result, path))
    for entry in result.entries:
        chart = step_chart(entry.segments, width=chart_width(width))
        blocks.extend(("", timeline_grid(entry), "", chart))
    for total in result.totals:
        for grid in total_grids(total):
            blocks.extend(("", grid))
        blocks.extend(("", step_chart(total.segments, width=chart_width(width))))
    gaps = gap_grid(result)
    if gaps is not None:
        blocks.extend(("", gaps))
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


def lines(page: Page) -> list[plain.Line]:
    """The page, line by line, as styled pieces with no trailing spaces."""
    out: list[plain.Line] = []
    for block in page.blocks:
        if isinstance(block, Grid):
            out.extend(_rstrip(line) for line in plain.draw(block, page.width))
        elif isinstance(block, Para):
            if block.title:
                text = plain.balanced(block.text, page.width)
            else:
                text = plain.paragraph(block.text, page.width, block.indent)
            out.extend(((line.rstrip(), ""),) for line in text)
        else:
            out.extend(((line.rstrip(), ""),) for line in block.split("\n"))
    return out


def _rstrip(line: plain.Line) -> plain.Line:
    spans = list(line)
    while spans and not spans[-1][0].rstrip():
        spans.pop()
    if spans:
        spans[-1] = (spans[-1][0].rstrip(), spans[-1][1])
    return tuple(spans)


def to_text(page: Page) -> str:
    """The page as plain text: no ANSI codes, no trailing spaces."""
    return "\n".join("".join(text for text, _ in line) for line in lines(page)) + "\n"


def body(page: Page) -> Text:
    """The page as a rich Text for a terminal: the characters of `to_text` with colours.
    Print it with soft_wrap=True, so that rich neither wraps nor crops it."""
    out = Text()
    run: list[str] = []
    for index, line in enumerate(lines(page)):
        if index:
            run.append("\n")
        for text, look in line:
            if look:
                out.append("".join(run))
                run = []
                out.append(text, style=look)
            else:
                run.append(text)
    out.append("".join(run))
    return out
