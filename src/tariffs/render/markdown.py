"""GitHub-flavoured Markdown of the same grids the terminal shows."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import TYPE_CHECKING

from tariffs.calc.results import StudyResult, TimelineResult
from tariffs.render import COMPARE_SECTIONS
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

_ESCAPES = str.maketrans(
    {
        "&": "&amp;",  # so that text such as "&lt;" shows as written
        "<": "&lt;",  # no HTML tags from file text
        ">": "&gt;",
        "\\": "\\\\",
        "|": "\\|",  # a pipe would end the cell
        "*": "\\*",  # no emphasis, links or code spans from file text
        "_": "\\_",
        "`": "\\`",
        "[": "\\[",
        "]": "\\]",
    }
)


ARROW = "\u2192"
"""The arrow of a change of rate ("30.0% → 54.0%"): `->` would be escaped to `-&gt;`."""


def _cell(text: str) -> str:
    """Escape text for GitHub-flavoured Markdown, inside a table cell or not.

    Line breaks (LF, CR or CRLF) inside a cell become <br>, which GitHub renders, so no
    text can start a line of its own (a heading, a table row); every other control or
    invisible character is made visible (`safe.visible`).
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n")
    return visible(lines, newlines=True).translate(_ESCAPES).replace("\n", "<br>")


def grid(g: Grid) -> str:
    """A Markdown table under a bold title; numeric columns are right-aligned."""
    head = "| " + " | ".join(_cell(h) for h in g.headers) + " |"
    rule = "|" + "|".join("---:" if kind == "n" else "---" for kind in g.kinds) + "|"
    body = ["| " + " | ".join(_cell(c) for c in row) + " |" for row in g.rows]
    return "\n".join([f"**{_cell(g.title)}**", "", head, rule, *body])


def _document(title: str, facts: Facts, blocks: Iterable[str]) -> str:
    """A heading, the labelled facts as a list, then the blocks."""
    items = "\n".join(f"- **{label}:** {_cell(value)}" for label, value in facts)
    return "\n\n".join([f"## {_cell(title)}", items, *blocks]) + "\n"


def compare(
    results: Sequence[tuple[str, StudyResult]], sections: Collection[str] = COMPARE_SECTIONS
) -> str:
    """The Markdown document for `tariffs compare`: the `sections` named (all by default)."""
    docs = []
    for path, result in results:
        blocks = [grid(g) for g in document_grids(result, sections)]
        docs.append(_document(result.title, header_facts(result, path), blocks))
    return "\n".join(docs)


def timeline(path: str, result: TimelineResult, width: int) -> str:
    """The Markdown document for `tariffs timeline`: tables, with charts in code blocks."""
    blocks: list[str] = []
    for entry in result.entries:
        chart = step_chart(entry.segments, width=chart_width(width))
        table = grid(timeline_grid(entry, arrow=ARROW))
        blocks.extend((table, f"```text\n{chart}\n```"))
    for total in result.totals:
        blocks.extend(grid(g) for g in total_grids(total, arrow=ARROW))
        chart = step_chart(total.segments, width=chart_width(width))
        blocks.append(f"```text\n{chart}\n```")
    gaps = gap_grid(result)
    if gaps is not None:
        blocks.append(grid(gaps))
    return _document(result.title, timeline_facts(result, path), blocks)


def diff(report: DiffReport) -> str:
    """The Markdown document for `tariffs diff`, for a pull-request comment or job summary."""
    title = "Differences" if report.diff.differences else "No differences"
    return _document(title, diff_facts(report), [grid(g) for g in diff_grids(report.diff)])


def report(title: str, facts: Facts, grids: Iterable[Grid]) -> str:
    """The Markdown of any titled document: its facts, then its grids (`tariffs sweep`)."""
    return _document(title, facts, [grid(g) for g in grids])


def rate(path: str, stack: ProductStack) -> str:
    """The Markdown document for `tariffs rate`."""
    return _document(
        f"Duty stack of HS {stack.hs}", rate_facts(stack, path), [grid(rate_grid(stack))]
    )
