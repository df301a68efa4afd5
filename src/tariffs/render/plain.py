"""Plain-text grids, drawn without rich: the same bytes as rich's ASCII tables, much faster.

`table.to_text` uses this whenever every table fits the page without wrapping a cell and
every line of text fits too, which is the case for piped output at the default width; it
falls back to rich otherwise (a cell to wrap, a line to fold). tests/test_golden.py and
tests/test_plain.py hold the two to the same bytes.

The layout is rich's `box.ASCII2` with a header row: `+-...-+` rules above and below the
header and at the bottom, one space of padding each side of a cell, numbers (kind `n`)
right-aligned, everything else left-aligned; a multi-line header is aligned to its last
line, a multi-line body cell to its first.
"""

from __future__ import annotations

from tariffs.render.grids import Grid


def natural_width(grid: Grid) -> int:
    """The width of the grid's table with no cell wrapped."""
    return sum(width + 3 for width in _widths(grid)) + 1


def _widths(grid: Grid) -> list[int]:
    widths = [max(len(line) for line in header.split("\n")) for header in grid.headers]
    for row in grid.rows:
        for column, cell in enumerate(row):
            size = max(len(line) for line in cell.split("\n")) if "\n" in cell else len(cell)
            widths[column] = max(widths[column], size)
    return widths


def lines(grid: Grid) -> list[str]:
    """The grid's title, then its table, one string a line (trailing spaces stripped)."""
    widths = _widths(grid)
    right = [kind == "n" for kind in grid.kinds]
    rule = "+" + "+".join("-" * (width + 2) for width in widths) + "+"
    out = [grid.title, rule]
    out.extend(_row(grid.headers, widths, right, bottom=True))
    out.append(rule)
    for row in grid.rows:
        out.extend(_row(row, widths, right, bottom=False))
    out.append(rule)
    return [line.rstrip() for line in out]


def _row(
    cells: tuple[str, ...], widths: list[int], right: list[bool], *, bottom: bool
) -> list[str]:
    split = [cell.split("\n") for cell in cells]
    height = max(len(parts) for parts in split)
    out = []
    for index in range(height):
        shown = []
        for parts, width, to_right in zip(split, widths, right, strict=True):
            at = index - (height - len(parts)) if bottom else index
            text = parts[at] if 0 <= at < len(parts) else ""
            shown.append(text.rjust(width) if to_right else text.ljust(width))
        out.append("| " + " | ".join(shown) + " |")
    return out
