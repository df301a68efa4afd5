"""Tables laid out to a page's width, as lines of text: the one layout of every table.

`draw` turns a grid into lines of styled pieces. render.table joins them into plain text
for pipes and files, and on a terminal hands them to rich for colour only; rich lays out
nothing, so a table is the same characters on a terminal, in a pipe and in a file.

The box is ASCII: `+-...-+` rules above and below the header and at the bottom, one space
of padding each side of a cell, numbers (kind `n`) right-aligned, everything else
left-aligned; a multi-line header is aligned to its last line, a multi-line body cell to
its first.

A table wider than its page is made to fit in three steps, each only when the one before
cannot do it (docs/output.md, "Width"):

1. Wrap: free-text columns (kind `t`) wrap at spaces, never inside a word, the widest
   first as rich collapses them, each down to its longest word or WRAP_FLOOR characters.
2. Split: the table is cut into parts shown one under the other. Each part repeats the
   columns that identify a row (`Grid.keys`) and holds as many of the other columns as
   fit, in order, with glued columns (`Grid.glued`) kept together; step 1 applies within
   a part. A number, name or date is never cropped or wrapped.
3. Stack: when not even one more column fits beside the key columns, each row is shown
   as a list of `header: value` lines, one row after another.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import NamedTuple

from tariffs.render.grids import BASE, Grid

WRAP_FLOOR = 12
"""Free-text columns wrap down to this many characters (or their longest word, if longer),
and no further."""

LONG_WORD = 24
"""A word longer than this (a URL, a path) does not hold a free-text column open: it is
broken after punctuation when the column is narrower (see `wrap`)."""

Span = tuple[str, str]
"""A piece of a line and its style on a terminal: "", "bold", "red", "green" or "dim"."""

Line = tuple[Span, ...]


def text_width(text: str) -> int:
    """The columns a line of text takes on a terminal: two for a wide (East Asian)
    character, none for a combining mark, one for any other."""
    if text.isascii():
        return len(text)
    return sum(_char_width(char) for char in text)


def _char_width(char: str) -> int:
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in {"W", "F"} else 1


def _left(text: str, width: int) -> str:
    return text + " " * (width - text_width(text))


def _right(text: str, width: int) -> str:
    return " " * (width - text_width(text)) + text


_WORD = re.compile(r"\s*\S+\s*")

_PIECE = re.compile(r"[^/\-_?&=.,;]*[/\-_?&=.,;]+|[^/\-_?&=.,;]+")
"""A piece of a long word: up to and with its punctuation, where a URL or a path breaks."""


def wrap(text: str, width: int) -> list[str]:
    """Each line of `text`, broken at spaces into lines at most `width` wide.

    Greedy, as rich wraps text: a word goes on the line while it fits. A word longer than
    `width` (a URL, a path) is broken after punctuation (`/`, `-`, `.`...), and only where
    it has none that fits, at `width`. Trailing spaces are dropped.
    """
    out: list[str] = []
    for line in text.split("\n"):
        if text_width(line) <= width:
            out.append(line.rstrip())
            continue
        current = ""
        for match in _WORD.finditer(line):
            token = match.group()
            word = token.strip()
            lead = token[: token.index(word)]
            trail = token[len(lead) + len(word) :]
            for index, chunk in enumerate(_chunks(word, width)):
                piece = lead + chunk if index == 0 else chunk
                if current.strip() and text_width(current + piece) > width:
                    out.append(current.rstrip())
                    current = chunk
                else:
                    current += piece
            current += trail
        out.append(current.rstrip())
    return out


def _chunks(word: str, width: int) -> list[str]:
    """`word` whole if it fits `width`; otherwise pieces that do, cut after punctuation
    where it can be, and at `width` where it cannot."""
    if text_width(word) <= width:
        return [word]
    out: list[str] = []
    current = ""
    for found in _PIECE.findall(word):
        piece = found
        while text_width(piece) > width:  # no punctuation to break at: cut at the width
            if current:
                out.append(current)
                current = ""
            cut = _cut(piece, width)
            out.append(piece[:cut])
            piece = piece[cut:]
        if current and text_width(current + piece) > width:
            out.append(current)
            current = ""
        current += piece
    if current:
        out.append(current)
    return out


def _cut(text: str, width: int) -> int:
    """How many characters of `text` fit in `width` columns (at least one)."""
    used = 0
    for index, char in enumerate(text):
        used += _char_width(char)
        if used > width:
            return max(index, 1)
    return len(text)


def balanced(text: str, width: int) -> list[str]:
    """`text` (one line) wrapped at spaces into as few lines as `wrap` gives at `width`, each
    about as long as the others: the narrowest width that needs no more lines, so that no
    word is left alone on a last line when the others could share it. A word longer than
    `width` is broken as `wrap` breaks it."""
    lines = wrap(text, width)
    if len(lines) < 2 or "\n" in text:
        return lines
    words = text.split()
    narrowest = max(*(text_width(word) for word in words), -(-text_width(text) // len(lines)))
    if narrowest >= width:
        return lines
    low, high = narrowest, width  # wrap(text, high) has len(lines) lines; find the least
    while low < high:
        middle = (low + high) // 2
        if len(wrap(text, middle)) <= len(lines):
            high = middle
        else:
            low = middle + 1
    return wrap(text, high)


def paragraph(text: str, width: int, indent: int) -> list[str]:
    """`text` wrapped to `width` with a hanging indent: its first `indent` characters (a
    label) stand on the first line, and the rest is wrapped to the columns after them."""
    head, rest = text[:indent], text[indent:]
    if not indent or width - indent < WRAP_FLOOR:
        head, rest, indent = "", text, 0
    out: list[str] = []
    for number, line in enumerate(rest.split("\n")):
        for piece in wrap(line, width - indent):
            out.append((head if not out and not number else " " * indent) + piece)
    return out


# --- layout ------------------------------------------------------------------------------


class Part(NamedTuple):
    """Columns of a grid drawn as one table, and the width of each (without padding)."""

    columns: tuple[int, ...]
    widths: tuple[int, ...]


def natural_widths(grid: Grid) -> list[int]:
    """Each column's width with no cell wrapped."""
    widths = [max(text_width(line) for line in header.split("\n")) for header in grid.headers]
    for row in grid.rows:
        for column, cell in enumerate(row):
            if "\n" in cell:
                size = max(text_width(line) for line in cell.split("\n"))
            else:
                size = text_width(cell)
            widths[column] = max(widths[column], size)
    return widths


def _least_widths(grid: Grid, natural: Sequence[int]) -> list[int]:
    """Each column's narrowest width: a free-text column's longest word (at most LONG_WORD;
    at least WRAP_FLOOR, if its text is that wide), any other column's natural width."""
    least = list(natural)
    for column, kind in enumerate(grid.kinds):
        if kind == "t":
            cells = [grid.headers[column], *(row[column] for row in grid.rows)]
            words = (_least_word(w) for cell in cells for w in cell.split())
            longest = max(words, default=0)
            least[column] = min(natural[column], max(longest, WRAP_FLOOR))
    return least


def _least_word(word: str) -> int:
    """The narrowest a word can be: its width, or for a word longer than LONG_WORD its
    longest piece between punctuation (see `wrap`), if that is longer than LONG_WORD."""
    size = text_width(word)
    if size <= LONG_WORD:
        return size
    return max(LONG_WORD, *(text_width(piece) for piece in _PIECE.findall(word)))


def table_width(widths: Sequence[int]) -> int:
    """The width of a table whose columns are `widths` wide: each has a space of padding
    either side and a border after it, and the table a border before its first."""
    return sum(widths) + 3 * len(widths) + 1


def _ratio_reduce(
    total: int, ratios: list[int], maximums: list[int], values: list[int]
) -> list[int]:
    """rich's ratio_reduce (rich._ratio): take `total` from `values` in proportion to
    `ratios`, at most `maximums` from each; the same rounding, so the same widths."""
    ratios = [ratio if most else 0 for ratio, most in zip(ratios, maximums, strict=True)]
    total_ratio = sum(ratios)
    if not total_ratio:
        return values[:]
    remaining = total
    out: list[int] = []
    for ratio, most, value in zip(ratios, maximums, values, strict=True):
        if ratio and total_ratio > 0:
            taken = min(most, round(ratio * remaining / total_ratio))
            out.append(value - taken)
            remaining -= taken
            total_ratio -= ratio
        else:
            out.append(value)
    return out


def _collapse(widths: list[int], floors: list[int | None], room: int) -> list[int]:
    """Narrow the wrapping columns (those with a floor) until the widths add up to at most
    `room`: the widest first, down to the next widest, as rich's Table._collapse_widths
    does, but never below a column's floor. Widths here include the padding, as rich's."""
    excess = sum(widths) - room
    while excess > 0:
        open_ = [floor is not None and w > floor for w, floor in zip(widths, floors, strict=True)]
        if not any(open_):
            break
        widest = max(w for w, can in zip(widths, open_, strict=True) if can)
        second = max(
            (w for w, can in zip(widths, open_, strict=True) if can and w != widest), default=0
        )
        ratios = [1 if can and w == widest else 0 for w, can in zip(widths, open_, strict=True)]
        step = widest - second
        maximums = [
            min(excess, step, w - (floor or 0)) if can else 0
            for w, floor, can in zip(widths, floors, open_, strict=True)
        ]
        narrower = _ratio_reduce(excess, ratios, maximums, widths)
        if narrower == widths:
            break
        widths = narrower
        excess = sum(widths) - room
    return widths


class _Measures(NamedTuple):
    natural: list[int]
    least: list[int]


def _fit(grid: Grid, columns: tuple[int, ...], sizes: _Measures, width: int) -> Part | None:
    """The columns drawn within `width`: as they are, or with free text wrapped; None if
    even wrapped they are too wide."""
    natural = [sizes.natural[c] for c in columns]
    if table_width(natural) <= width:
        return Part(columns, tuple(natural))
    if table_width([sizes.least[c] for c in columns]) > width:
        return None
    floors = [sizes.least[c] + 2 if grid.kinds[c] == "t" else None for c in columns]
    padded = _collapse([w + 2 for w in natural], floors, width - len(columns) - 1)
    return Part(columns, tuple(w - 2 for w in padded))


def _groups(grid: Grid, keys: int) -> list[tuple[int, ...]]:
    """The columns after the keys, a glued column together with the one before it."""
    groups: list[tuple[int, ...]] = []
    for column in range(keys, len(grid.headers)):
        if groups and column in grid.glued:
            groups[-1] += (column,)
        else:
            groups.append((column,))
    return groups


def layout(grid: Grid, width: int) -> list[Part]:
    """The tables a grid is drawn as within `width`: one (wrapped if need be), several
    (split), or none, when its rows must be stacked."""
    sizes = _Measures(natural := natural_widths(grid), _least_widths(grid, natural))
    whole = _fit(grid, tuple(range(len(grid.headers))), sizes, width)
    if whole is not None:
        return [whole]
    keys = min(grid.keys, len(grid.headers))
    key_columns = tuple(range(keys))

    def fits(columns: tuple[int, ...]) -> bool:
        return table_width([sizes.least[c] for c in key_columns + columns]) <= width

    parts: list[tuple[int, ...]] = []
    current: tuple[int, ...] = ()
    for group in _groups(grid, keys):
        if fits(current + group):
            current += group
        elif current and fits(group):
            parts.append(current)
            current = group
        else:
            return []
    if not current:
        return []
    parts.append(current)
    out = [_fit(grid, key_columns + part, sizes, width) for part in parts]
    return [part for part in out if part is not None] if None not in out else []


# --- drawing -----------------------------------------------------------------------------


def style(cell: str) -> str:
    """A cell's colour on a terminal: red for an increase, green for a decrease, dim for
    the baseline's own row."""
    if cell.startswith("+") and cell[1:2].isdigit():
        return "red"
    if cell.startswith("-") and cell[1:2].isdigit():
        return "green"
    if cell == BASE:
        return "dim"
    return ""


def _cell_lines(cell: str, kind: str, width: int) -> list[str]:
    return wrap(cell, width) if kind == "t" else cell.split("\n")


def _row(grid: Grid, part: Part, cells: Sequence[str], *, header: bool) -> list[Line]:
    columns = [
        (
            _cell_lines(cell, grid.kinds[c], w),
            w,
            grid.kinds[c] == "n",
            "bold" if header else style(cell),
        )
        for c, w, cell in zip(part.columns, part.widths, cells, strict=True)
    ]
    height = max(len(lines) for lines, *_ in columns)
    out: list[Line] = []
    for index in range(height):
        spans: list[Span] = []
        for lines, width, to_right, look in columns:
            at = index - (height - len(lines)) if header else index
            text = lines[at] if 0 <= at < len(lines) else ""
            spans.append(("| " if not spans else " | ", ""))
            spans.append((_right(text, width) if to_right else _left(text, width), look))
        spans.append((" |", ""))
        out.append(tuple(spans))
    return out


def _table(grid: Grid, part: Part) -> list[Line]:
    rule: Line = (("+" + "+".join("-" * (w + 2) for w in part.widths) + "+", ""),)
    out = [rule]
    out.extend(_row(grid, part, [grid.headers[c] for c in part.columns], header=True))
    out.append(rule)
    for row in grid.rows:
        out.extend(_row(grid, part, [row[c] for c in part.columns], header=False))
    out.append(rule)
    return out


def _entry(label: str, value: str, kind: str, pad: int, width: int) -> list[Line]:
    """One cell of a stacked row: `label:` then its value, aligned at `pad`; the value
    on lines of its own, indented by two, when it is too wide to stand beside it. A name
    wraps here as free text does; a number never does."""
    head = label + ":"
    look = style(value)
    kind = "t" if kind == "k" else kind
    lines = _cell_lines(value, kind, width - pad)
    if any(text_width(line) > width - pad for line in lines):
        lines = _cell_lines(value, kind, width - 2)
        return [((head, "bold"),), *((("  ", ""), (line, look)) for line in lines)]
    indent = " " * pad
    if text_width(head) < pad:
        first: Line = ((head, "bold"), (" " * (pad - text_width(head)), ""), (lines[0], look))
        return [first, *(((indent, ""), (line, look)) for line in lines[1:])]
    return [((head, "bold"),), *(((indent, ""), (line, look)) for line in lines)]


def _stack(grid: Grid, width: int) -> list[Line]:
    """Each row as `header: value` lines, a blank line between rows."""
    labels = [" ".join(header.split()) for header in grid.headers]
    pad = min(max(text_width(label) for label in labels) + 2, width // 2)
    out: list[Line] = []
    for index, row in enumerate(grid.rows):
        if index:
            out.append(())
        for label, cell, kind in zip(labels, row, grid.kinds, strict=True):
            out.extend(_entry(label, cell, kind, pad, width))
    return out


def draw(grid: Grid, width: int) -> list[Line]:
    """The grid's title (wrapped to `width` in lines of about equal length: `balanced`),
    then its table, its parts one under another with a blank line between, or its stacked
    rows."""
    out: list[Line] = [((line, "bold"),) for line in balanced(grid.title, width)]
    parts = layout(grid, width)
    if not parts:
        out.extend(_stack(grid, width))
    for index, part in enumerate(parts):
        if index:
            out.append(())
        out.extend(_table(grid, part))
    return out
