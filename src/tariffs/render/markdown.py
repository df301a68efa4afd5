"""GitHub-flavoured Markdown of the same grids the terminal shows."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from tariffs.core import StudyResult, TimelineResult
from tariffs.render.chart import step_chart
from tariffs.render.grids import (
    Grid,
    chart_width,
    flow_grids,
    header_lines,
    timeline_grid,
    timeline_heading,
    window_grid,
)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def grid(g: Grid) -> str:
    """A Markdown table under a bold title; numeric columns are right-aligned."""
    head = "| " + " | ".join(_cell(h) for h in g.headers) + " |"
    rule = "|" + "|".join("---:" if n else "---" for n in g.numeric) + "|"
    body = ["| " + " | ".join(_cell(c) for c in row) + " |" for row in g.rows]
    return "\n".join([f"**{_cell(g.title)}**", "", head, rule, *body])


def _document(title: str, lines: Iterable[str], blocks: Iterable[str]) -> str:
    parts = [f"## {_cell(title)}", *(_cell(line) for line in lines), *blocks]
    return "\n\n".join(parts) + "\n"


def compare(results: Sequence[tuple[str, StudyResult]]) -> str:
    """The Markdown document for `tariffs compare`."""
    docs = []
    for path, result in results:
        title, *lines = header_lines(result, path)
        grids = flow_grids(result)
        windows = window_grid(result)
        blocks = [grid(g) for g in [*grids, *([windows] if windows else [])]]
        docs.append(_document(title, lines, blocks))
    return "\n".join(docs)


def timeline(path: str, result: TimelineResult, width: int) -> str:
    """The Markdown document for `tariffs timeline`: tables, with charts in code blocks."""
    title, *lines = timeline_heading(result, path)
    blocks: list[str] = []
    for entry in result.entries:
        chart = step_chart(entry.segments, width=chart_width(width))
        blocks.extend((grid(timeline_grid(entry)), f"```text\n{chart}\n```"))
    return _document(title, lines, blocks)
