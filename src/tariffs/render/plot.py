"""Charts of results as SVG or PNG bytes, drawn with matplotlib (an optional dependency).

Each function is pure: results in, the bytes of one image out; nothing is written or shown.
matplotlib is imported inside the functions, so importing this module stays cheap and works
without it; a call without matplotlib raises `PlotUnavailable`.

The same input gives the same bytes, run after run and process after process (with the
same matplotlib and the bundled DejaVu Sans font): the figure has a fixed width and dpi, its
height follows from what it shows, the settings start from matplotlib's defaults (not the
user's matplotlibrc) inside `rc_context`, the layout is computed once and rounded (see
`_freeze`), SVG ids come from a fixed `svg.hashsalt`, and neither format carries a date or
a software version. Global matplotlib state is left as it was (rcParams are restored; the
context is not thread-safe, as nothing in matplotlib's global state is); pyplot is never
used.

Text from files (titles, names, paths, captions) is untrusted. It goes through
`safe.visible`, characters the font cannot draw are written as escapes such as `\\u4e2d`,
long labels are cut with an ellipsis, and mathtext is off (`text.parse_math`), so a `$` is
drawn as a dollar sign and never parsed as a formula.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

from tariffs import metrics
from tariffs.calc.tracker import QUIET_MARGIN, near_changes, tracker_steps
from tariffs.calc.tracker import pieces as gap_pieces
from tariffs.domain import counted
from tariffs.render import fmt
from tariffs.render.grids import SPLIT_TITLES
from tariffs.render.safe import visible

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.typing import RcKeyType

    from tariffs.calc.results import (
        DiffReport,
        FlowResult,
        ResultChange,
        Segment,
        StudyResult,
        SweepResult,
        TimelineResult,
        TotalTimeline,
        WindowResult,
    )
    from tariffs.domain import Tracker, Vary


class PlotUnavailable(Exception):
    """matplotlib cannot be imported: charts need the `plot` extra."""


UNAVAILABLE = "--plot needs matplotlib: pip install 'tariffs[plot]'"
KINDS = ("svg", "png")
"""The image formats the functions write."""

WIDTH = 10.0
"""Figure width in inches (720 pt in SVG, 1500 px in PNG)."""
DPI = 150
"""Dots per inch of PNG files, and of the figure while it is laid out: text is measured at
the resolution it is drawn at (hinting makes widths depend on it)."""
HASH_SALT = "tariffs"
"""Fixed salt for the ids in SVG files, so that they do not change from run to run."""

TITLE_CHARS = 200
NAME_CHARS = 40
LABEL_CHARS = 72
PATH_CHARS = 100
CAPTION_CHARS = 1200
CAPTION_NAMES = 12
"""At most this many scenario names are listed in a caption; the rest are counted."""

_EPOCH = date(1970, 1, 1)  # matplotlib's date.epoch, set in _RC
_ONE_DAY = timedelta(days=1)

# Okabe-Ito colours (safe for colour-blind readers); series also differ in line style and
# marker, or hatch, so that they stay apart in grey scale.
COLOURS = ("#000000", "#E69F00", "#0072B2", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#999999")
DASHES: tuple[Any, ...] = (
    "-",
    (0, (6, 2)),
    (0, (6, 2, 1.5, 2)),
    (0, (1.5, 1.5)),
    (0, (10, 2, 1.5, 2, 1.5, 2)),
    (0, (3, 3)),
)
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
FILLS = ("#1F4E79", "#E3A33B", "#7FB069", "#A64D79", "#9CC3E6", "#C8553D", "#D9D9D9", "#5E5E5E")
HATCHES = ("", "///", "\\\\\\", "xxx", "..", "---", "+++", "|||")
WINDOW_SHADES = ("#E9E9E9", "#D6D6D6")
INCREASE, DECREASE = "#B2182B", "#2166AC"
WINDOW_ROWS = 4
"""Window names take at most this many rows at the top of a panel; a window whose name
finds no room in them is shaded but not named."""

# What a chart draws at most (docs/charts.md, "Limits"): beyond, a chart would take minutes
# and hundreds of MB to draw what nobody can read (a legend of thousands of entries, looks
# that repeat). What is left out is said in the caption and in `notes`.
MAX_SERIES = 12
"""Scenarios drawn in a compare panel: the baseline and the first others shown."""
MAX_PANELS = 40
"""Panels of a compare or timeline chart: the first ones."""
MAX_LAYERS = 12
"""Layers of a stacked panel: the largest (by their average), the others drawn as one."""
SWEEP_POINTS = 2_000
"""Variants a sweep's line is drawn through: every k-th beyond, from the first."""
SWEEP_MARKERS = 200
"""A sweep's line has a marker at each value up to this many values."""
HEAT_SIDE = 100
"""Rows, and columns, of a sweep's heat map: every k-th value beyond, from the first."""

_RC: dict[RcKeyType, Any] = {
    "svg.hashsalt": HASH_SALT,
    "svg.fonttype": "path",
    "date.epoch": "1970-01-01T00:00:00",
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": 9.0,
    "text.parse_math": False,
    "axes.titlesize": 10.5,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.titlepad": 8.0,
    "axes.labelsize": 9.0,
    "axes.labelcolor": "#333333",
    "axes.edgecolor": "#555555",
    "axes.linewidth": 0.8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "axes.axisbelow": True,
    "grid.color": "#DDDDDD",
    "grid.linewidth": 0.6,
    "xtick.color": "#333333",
    "ytick.color": "#333333",
    "xtick.labelsize": 8.5,
    "ytick.labelsize": 8.5,
    "legend.fontsize": 8.5,
    "legend.frameon": False,
    "legend.handlelength": 3.2,
    "legend.borderaxespad": 0.3,
    "hatch.linewidth": 0.6,
    "figure.dpi": DPI,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "figure.constrained_layout.h_pad": 0.06,
    "figure.constrained_layout.w_pad": 0.06,
    "figure.constrained_layout.hspace": 0.06,
}


def _headline_names() -> dict[str, str]:
    """The metrics a diff chart draws, and how it names them: those the tables show as
    numbers (tariffs.metrics, Metric.label), named by their column."""
    from tariffs import metrics

    return {
        m.name: (m.label or "").replace(" {unit}", "").replace("\n{unit}", "").replace("\n", " ")
        for kind in metrics.KINDS
        for m in kind.metrics
        if m.label and m.unit in {"percent", "pp", "money"}
    }


_HEADLINE = _headline_names()
DIFF_BARS = 40
"""At most this many bars per panel of a diff chart: the largest changes."""
_RATE_UNITS = frozenset({"percent", "pp", "%"})


# --- text -------------------------------------------------------------------------------


def require() -> None:
    """Raise PlotUnavailable unless a recent enough matplotlib can be imported."""
    try:
        import matplotlib as mpl
    except ImportError as exc:
        raise PlotUnavailable(UNAVAILABLE) from exc
    if tuple(mpl.__version_info__[:2]) < (3, 8):
        raise PlotUnavailable(
            f"--plot needs matplotlib 3.8 or later, not {mpl.__version__}: "
            "pip install 'tariffs[plot]'"
        )


@lru_cache(maxsize=1)
def _glyphs() -> frozenset[int]:
    """The characters the bundled DejaVu Sans can draw."""
    require()
    from matplotlib import get_data_path
    from matplotlib.ft2font import FT2Font

    font = FT2Font(f"{get_data_path()}/fonts/ttf/DejaVuSans.ttf")
    return frozenset(font.get_charmap())


def _clean(text: str) -> str:
    """Untrusted text as drawn: visible escapes, and escapes for characters the font lacks
    (which would otherwise be drawn as empty boxes, with a warning)."""
    glyphs = _glyphs()
    text = visible(text)
    if any(ord(char) not in glyphs for char in text):
        text = "".join(c if ord(c) in glyphs else _escape(ord(c)) for c in text)
    return text


def _shown(text: str, limit: int = LABEL_CHARS) -> str:
    """Untrusted text as drawn (see `_clean`), at most `limit` characters, the last an
    ellipsis when it is cut."""
    text = _clean(text[: 4 * limit])  # cleaning never shortens: the prefix is enough
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _escape(code: int) -> str:
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def _path(text: str) -> str:
    """A file path, shortened in the middle so that its file name stays."""
    text = _clean(text)
    if len(text) <= PATH_CHARS:
        return text
    half = (PATH_CHARS - 1) // 2
    return text[:half] + "\u2026" + text[-(PATH_CHARS - 1 - half) :]


def _names(names: Sequence[str]) -> str:
    """Scenario names for a caption, the first CAPTION_NAMES of them."""
    listed = ", ".join(_shown(name, NAME_CHARS) for name in names[:CAPTION_NAMES])
    more = len(names) - CAPTION_NAMES
    return f"{listed} and {more:,} more" if more > 0 else listed


def _decimal(value: Decimal) -> str:
    """An axis value as written: 90, 0.5, 1e+3 -> 1000."""
    text = format(value.normalize(), "f")
    return "0" if text == "-0" else text


def _every(count: int, limit: int) -> int:
    """The step k such that every k-th of `count` items, from the first, are at most `limit`."""
    return max(1, math.ceil(count / limit))


def _nth(k: int) -> str:
    """'2nd', '3rd', '50th': which of every k items are drawn."""
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k:,}{suffix}"


def _note(notes: list[str] | None, text: str) -> str:
    """Record what a chart leaves out (for the caller to say), and return it for the
    caption."""
    if notes is not None:
        notes.append(text)
    return text


# --- figures ----------------------------------------------------------------------------


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown image kind {kind!r}: use 'svg' or 'png'")


@contextmanager
def _settings() -> Iterator[None]:
    """matplotlib's default settings with ours on top, restored afterwards."""
    require()
    import matplotlib as mpl
    import matplotlib.style

    with matplotlib.style.context("default"), mpl.rc_context(_RC):
        yield


class _Frame(NamedTuple):
    figure: Figure
    axes: list[Axes]


_MARGIN = 0.12
"""Inches of white space at the figure's left and right edges for the title and caption."""
TITLE_LINES, CAPTION_LINES = 2, 12


def _fit(figure: Figure, text: str, lines: int, **style: Any) -> list[str]:
    """`text` broken into at most `lines` lines that fit the figure's width when drawn in
    `style`, measured (not guessed from the number of characters); what does not fit ends
    in an ellipsis."""
    probe = figure.text(0, 0, "", **style)
    room = (WIDTH - 2 * _MARGIN) * DPI * 0.97  # SVG text, unhinted, may be a little wider

    def fits(candidate: str) -> bool:
        probe.set_text(candidate)
        return probe.get_window_extent().width <= room

    def longest(candidate: str, suffix: str = "") -> int:
        """How many characters of `candidate` fit, followed by `suffix`."""
        lo, hi = 0, len(candidate)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if fits(candidate[:mid] + suffix):
                lo = mid
            else:
                hi = mid - 1
        return lo

    out: list[str] = []
    rest = text.strip()
    while rest and len(out) < lines:
        if fits(rest):
            out.append(rest)
            rest = ""
            break
        cut = max(1, longest(rest))
        space = rest.rfind(" ", 0, cut + 1)
        if space > cut // 2:
            cut = space
        out.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:  # the last line ends in an ellipsis
        last = out[-1] + " " + rest
        out[-1] = last[: longest(last, "\u2026")].rstrip() + "\u2026"
    probe.remove()
    return out


def _frame(title: str, subtitle: str, caption: str, heights: Sequence[float]) -> _Frame:
    """A figure WIDTH inches wide: a title (at most two lines) and a one-line subtitle, the
    panels of the given heights (inches) stacked in one column, and the caption below."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    engine = ConstrainedLayoutEngine()
    figure = Figure(figsize=(WIDTH, sum(heights) + 2), dpi=DPI, layout=engine)
    FigureCanvasAgg(figure)  # Agg draws; savefig switches to the SVG backend for SVG
    title_style: dict[str, Any] = {"fontsize": 14, "fontweight": "bold", "linespacing": 1.25}
    subtitle_style: dict[str, Any] = {"fontsize": 10}
    caption_style: dict[str, Any] = {"fontsize": 7.5, "linespacing": 1.35}
    title_lines = _fit(figure, _shown(title, TITLE_CHARS), TITLE_LINES, **title_style)
    subtitle_lines = _fit(figure, subtitle, 1, **subtitle_style)
    caption_lines = _fit(figure, caption, CAPTION_LINES, **caption_style)
    title_in = 14 * 1.25 / 72 * len(title_lines)
    subtitle_in = (10 * 1.3 / 72 + 0.04) if subtitle_lines else 0.0
    top = 0.16 + title_in + subtitle_in + 0.12
    bottom = 0.1 + 7.5 * 1.35 / 72 * len(caption_lines) + 0.08
    height = top + sum(heights) + bottom
    figure.set_size_inches(WIDTH, height)
    # the panels fill what the title and the caption leave
    engine.set(rect=(0.0, bottom / height, 1.0, (height - top - bottom) / height))
    x = _MARGIN / WIDTH
    y = 1 - 0.16 / height
    figure.text(x, y, "\n".join(title_lines), ha="left", va="top", color="#111111", **title_style)
    if subtitle_lines:
        y -= (title_in + 0.04) / height
        figure.text(x, y, subtitle_lines[0], ha="left", va="top", color="#444444", **subtitle_style)
    figure.text(
        x,
        0.1 / height,
        "\n".join(caption_lines),
        ha="left",
        va="bottom",
        color="#555555",
        **caption_style,
    )
    grid = figure.add_gridspec(len(heights), 1, height_ratios=list(heights))
    axes = [figure.add_subplot(grid[row, 0]) for row in range(len(heights))]
    return _Frame(figure, axes)


def _freeze(figure: Figure) -> None:
    """Lay the figure out once, and keep that layout, rounded, for the file.

    The constrained layout's solver may differ in the last bits of a float from one process
    to the next (it follows memory addresses); SVG ids are hashes of exact coordinates, so
    such noise would change the file. Rounded to a millionth of the figure, the panels'
    positions are the same every time.
    """
    figure.draw_without_rendering()
    for ax in figure.axes:
        x, y, width, height = (round(float(v), 6) for v in ax.get_position().bounds)
        ax.set_position((x, y, width, height))
    figure.set_layout_engine("none")


def _bytes(figure: Figure, kind: str, title: str) -> bytes:
    """The figure as SVG or PNG, with no date or software version in it."""
    from io import BytesIO

    _freeze(figure)
    out = BytesIO()
    if kind == "svg":
        metadata: dict[str, Any] = {
            "Date": None,
            "Creator": None,
            "Title": _shown(title, TITLE_CHARS),
        }
        figure.savefig(out, format="svg", metadata=metadata)
    else:
        figure.savefig(out, format="png", dpi=DPI, metadata={"Software": None})
    return out.getvalue()


def _x(day: date) -> float:
    """A date as matplotlib's date number (days since date.epoch)."""
    return float((day - _EPOCH).days)


def _date_axis(ax: Axes, start: date, until: date) -> None:
    """A date x axis from `start` to `until` (exclusive), with concise automatic ticks."""
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, DayLocator

    ax.xaxis_date()
    # matplotlib.dates has no type hints: these calls are untyped
    days = (until - start).days
    locator: Any
    if days <= 14:  # whole days, never hours
        locator = DayLocator(interval=max(1, days // 7))  # type: ignore[no-untyped-call]
    else:
        locator = AutoDateLocator(minticks=4, maxticks=13)  # type: ignore[no-untyped-call]
    formatter = ConciseDateFormatter(locator)  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(formatter)
    ax.set_xlim(_x(start), _x(until))


def _percent_tick(value: float, _: object = None) -> str:
    """A tick of a rate axis: 25 -> '25%', 2.5 -> '2.5%', 150000 -> '150,000%'."""
    text = f"{value:,.6f}".rstrip("0").rstrip(".")
    return f"{'0' if text == '-0' else text}%"


def _percent_axis(ax: Axes, label: str = "Tariff rate (%)") -> None:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    ax.yaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]))
    ax.yaxis.set_major_formatter(FuncFormatter(_percent_tick))
    ax.set_ylabel(label)


def _steps(parts: Sequence[Segment]) -> tuple[list[float], list[float]]:
    """x and y of a step line: each segment from its start, the last one to `until`."""
    xs = [_x(seg.start) for seg in parts] + [_x(parts[-1].until)]
    ys = [float(seg.rate) for seg in parts]
    return xs, [*ys, ys[-1]]


def _rate_on(parts: Sequence[Segment], day: date) -> Decimal:
    for seg in parts:
        if seg.start <= day < seg.until:
            return seg.rate
    return parts[-1].rate


def _legend(ax: Axes, handles: Sequence[Any], labels: Sequence[str]) -> None:
    """A legend to the right of the panel, one column per 16 entries."""
    ax.legend(
        handles,
        labels,
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        ncols=max(1, math.ceil(len(labels) / 16)),
    )


# --- compare ----------------------------------------------------------------------------


class _Span(NamedTuple):
    """A window drawn on a panel: its name as shown and [first_day, last_day + 1) within the
    period."""

    name: str
    start: date
    until: date


def _spans(windows: Sequence[WindowResult], start: date, until: date) -> list[_Span]:
    """Distinct windows (by name and dates), clipped to the period, in order of start; a
    window that runs outside the period is named with its own first or last day."""
    found = dict.fromkeys((w.window, w.first_day, w.last_day) for w in windows)
    spans = []
    for name, first, last in found:
        lo, hi = max(first, start), min(last + _ONE_DAY, until)
        shown = _shown(name, NAME_CHARS)
        if first < start:
            shown = f"(from {first}) {shown}"
        if last + _ONE_DAY > until:
            shown = f"{shown} (to {last})"
        if lo < hi:
            spans.append(_Span(shown, lo, hi))
    return sorted(spans, key=lambda s: (s.start, s.until))


def _shade(ax: Axes, spans: Sequence[_Span]) -> None:
    for index, span in enumerate(spans):
        ax.axvspan(
            _x(span.start),
            _x(span.until),
            facecolor=WINDOW_SHADES[index % 2],
            edgecolor="none",
            zorder=0.5,
        )
        ax.axvline(_x(span.start), color="#9A9A9A", linewidth=0.6, zorder=0.6)


def _label_spans(figure: Figure, ax: Axes, spans: Sequence[_Span], top: float) -> None:
    """Name each window at the top of the panel, in rows so that no two names overlap, and
    leave the rates below the names: the y axis ends above `top` by the rows' height.

    The figure must have been laid out (names are measured against the panel's width)."""
    from matplotlib.transforms import offset_copy

    if not spans:
        ax.set_ylim(0, _headroom(top, 0))
        return
    left_edge, right_edge = ax.get_window_extent().intervalx
    rows: list[float] = []  # the right end (in pixels) of the last name in each row
    placed: list[tuple[_Span, int, bool]] = []
    pad = 3.0 * DPI / 72
    for span in spans:
        probe = ax.text(0, 0, span.name, fontsize=7.5)
        width = probe.get_window_extent().width
        probe.remove()
        x0 = ax.transData.transform((_x(span.start), 0))[0]
        x1 = ax.transData.transform((_x(span.until), 0))[0]
        right = x0 + pad + width > right_edge  # no room to the right: end the name at x1
        lo = (x1 - pad - width) if right else (x0 + pad)
        lo = max(lo, left_edge)
        hi = lo + width
        row = next((i for i, end in enumerate(rows) if lo > end + pad), len(rows))
        if row == WINDOW_ROWS:
            continue  # no room left: the window is shaded but not named
        if row == len(rows):
            rows.append(hi)
        else:
            rows[row] = hi
        placed.append((span, row, right))
    transform = ax.get_xaxis_transform()
    for span, row, right in placed:
        y = 0.985 - row * 0.085
        x = span.until if right else span.start
        shift = -3.0 if right else 3.0
        text = ax.text(
            _x(x),
            y,
            span.name,
            transform=offset_copy(transform, fig=figure, x=shift, units="points"),
            ha="right" if right else "left",
            va="top",
            fontsize=7.5,
            color="#333333",
            zorder=5,
        )
        text.set_in_layout(False)
    ax.set_ylim(0, _headroom(top, len(rows)))


def _headroom(top: float, rows: int) -> float:
    """The top of a rate axis: above `top` by 8%, and by the rows of window names."""
    top = max(top, 1.0)
    share = 0.03 + 0.085 * rows  # of the axis height, taken by the names
    return top * 1.08 / (1 - share)


def _drawn(result: StudyResult) -> list[int]:
    """The scenarios a compare panel draws: all, or MAX_SERIES of them, the baseline and
    the first others, in the order shown."""
    count = len(result.scenarios)
    if count <= MAX_SERIES:
        return list(range(count))
    names = [s.name for s in result.scenarios]
    base = names.index(result.baseline) if result.baseline in names else None
    others = [i for i in range(count) if i != base][: MAX_SERIES - (base is not None)]
    return sorted([*others, *([] if base is None else [base])])


def _rate_panel(
    ax: Axes, result: StudyResult, index: int, *, file_title: str
) -> tuple[list[_Span], float]:
    """Each drawn scenario's total rate on flow `index` (see `_drawn`), as step lines;
    returns the windows to name and the highest rate."""
    from matplotlib.lines import Line2D

    flow = result.scenarios[0].flows[index].flow
    drawn = [result.scenarios[i] for i in _drawn(result)]
    count = len(drawn)
    handles: list[Any] = []
    labels: list[str] = []
    top = 0.0
    marks = 8
    days = (result.until - result.start).days
    for k, scenario in enumerate(drawn):
        parts = scenario.flows[index].segments
        xs, ys = _steps(parts)
        top = max(top, *ys)
        colour, dash, marker = COLOURS[k % 8], DASHES[k % 6], MARKERS[k % 8]
        width = max(1.2, 2.6 - 0.45 * k)  # wider lines underneath, so overlaps stay visible
        ax.step(xs, ys, where="post", color=colour, linestyle=dash, linewidth=width, zorder=3 + k)
        # markers at evenly spaced days, offset per scenario so that they do not coincide
        # (in days from the start; the rate is the one of the day the marker falls in)
        offsets = [days * (i + (k + 0.5) / count) / marks for i in range(marks)]
        ax.plot(
            [_x(result.start) + o for o in offsets],
            [float(_rate_on(parts, result.start + timedelta(days=int(o)))) for o in offsets],
            linestyle="none",
            marker=marker,
            markersize=5,
            markerfacecolor="white" if k % 2 else colour,
            markeredgecolor=colour,
            markeredgewidth=1.1,
            zorder=3 + k,
            clip_on=False,  # whole markers on the 0% line
        )
        handles.append(
            Line2D(
                [],
                [],
                color=colour,
                linestyle=dash,
                linewidth=width,
                marker=marker,
                markersize=5,
                markerfacecolor="white" if k % 2 else colour,
                markeredgecolor=colour,
            )
        )
        name = _shown(scenario.name, NAME_CHARS)
        labels.append(f"{name} (baseline)" if scenario.name == result.baseline else name)
    windows = [w for s in drawn for w in s.windows if w.flow.key == flow.key]
    spans = _spans(windows, result.start, result.until)
    _shade(ax, spans)
    if result.start <= result.on < result.until:
        ax.axvline(_x(result.on), color="#444444", linewidth=0.9, linestyle=(0, (1, 2)), zorder=2)
        handles.append(Line2D([], [], color="#444444", linewidth=0.9, linestyle=(0, (1, 2))))
        labels.append(f"Rates on {result.on.isoformat()}")
    if spans:
        from matplotlib.patches import Patch

        handles.append(Patch(facecolor=WINDOW_SHADES[0], edgecolor="#9A9A9A", linewidth=0.6))
        labels.append("Window (named above)")
    _legend(ax, handles, labels)
    _date_axis(ax, result.start, result.until)
    _percent_axis(ax)
    ax.set_title(f"{file_title}{_shown(flow.label, NAME_CHARS)}: total tariff rate by scenario")
    return spans, top


OTHER_FILL, OTHER_HATCH = "#F2F2F2", "...."
"""The look of the layers a stacked panel draws as one (see MAX_LAYERS)."""


def _stacked(parts: Sequence[Segment], names: Sequence[str]) -> tuple[list[int], list[int]]:
    """The layers a stacked panel draws apart, in file order, and those it draws as one:
    of the layers that apply at some time, the MAX_LAYERS - 1 largest by their average
    when there are more than MAX_LAYERS. A layer that never applies is left out."""
    applying = [i for i in range(len(names)) if any(seg.layers[i] for seg in parts)]
    if len(applying) <= MAX_LAYERS:
        return applying, []
    size = {i: sum((seg.layers[i] * seg.days for seg in parts), Decimal(0)) for i in applying}
    largest = sorted(applying, key=lambda i: (-size[i], i))[: MAX_LAYERS - 1]
    return sorted(largest), [i for i in applying if i not in largest]


def _stack_panel(
    ax: Axes,
    parts: Sequence[Segment],
    names: Sequence[str],
    start: date,
    until: date,
    *,
    total: str = "Total",
) -> tuple[float, int]:
    """Each layer's rate stacked as step areas, with the total on top; returns its peak,
    and how many layers are drawn as one (`_stacked`)."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    xs, totals = _steps(parts)
    base = [0.0] * len(xs)
    handles: list[Any] = []
    labels: list[str] = []
    apart, merged = _stacked(parts, names)
    areas: list[tuple[list[float], str, str, str]] = []
    for index in apart:
        ys = [float(seg.layers[index]) for seg in parts]
        areas.append((ys, FILLS[index % 8], HATCHES[index % 8], _shown(names[index], NAME_CHARS)))
    if merged:  # on top of the others, in a look no single layer has
        ys = [float(sum(seg.layers[i] for i in merged)) for seg in parts]
        areas.append((ys, OTHER_FILL, OTHER_HATCH, f"{len(merged):,} other layers"))
    for ys, fill, hatch, name in areas:  # a measure keeps its look in every panel
        ys.append(ys[-1])
        upper = [b + y for b, y in zip(base, ys, strict=True)]
        ax.fill_between(
            xs,
            base,
            upper,
            step="post",
            facecolor=fill,
            hatch=hatch,
            edgecolor="white",
            linewidth=0.0,
            zorder=2,
        )
        handles.append(Patch(facecolor=fill, hatch=hatch, edgecolor="white", linewidth=0.0))
        labels.append(name)
        base = upper
    ax.step(xs, totals, where="post", color="#111111", linewidth=1.3, zorder=4)
    handles.reverse()  # the top layer first, as drawn
    labels.reverse()
    handles.insert(0, Line2D([], [], color="#111111", linewidth=1.3))
    labels.insert(0, total)
    _legend(ax, handles, labels)
    _date_axis(ax, start, until)
    _percent_axis(ax)
    return max(totals), len(merged)


def _layers_panel(ax: Axes, result: StudyResult, index: int, *, file_title: str) -> int:
    """The baseline scenario's effective rate on a flow of product lines, by layer; returns
    how many layers are drawn as one."""
    chosen = next((s for s in result.scenarios if s.name == result.baseline), result.scenarios[0])
    flow: FlowResult = chosen.flows[index]
    names = [layer.measure for layer in flow.stack]
    peak, merged = _stack_panel(
        ax, flow.segments, names, result.start, result.until, total="Effective rate"
    )
    which = "baseline" if chosen.name == result.baseline else "first scenario shown"
    ax.set_title(
        f"{file_title}{_shown(flow.flow.label, NAME_CHARS)} under "
        f"{_shown(chosen.name, NAME_CHARS)} ({which}): effective rate by layer, import-weighted"
    )
    ax.set_ylim(0, _headroom(peak, 0))
    return merged


def _panel_name(panel: _Panel) -> str:
    """A compare panel as a message names it: its flow, or its importer's market."""
    first = panel.result.scenarios[0]
    if panel.market >= 0:
        return f"the market of {first.markets[panel.market].importer}"
    return f"flow {first.flows[panel.flow].flow.key}"


class _Panel(NamedTuple):
    """A panel of a compare chart: a flow of a file's result, its rates or its layers; or
    (`market` >= 0) one of its markets, imports by partner."""

    result: StudyResult
    flow: int
    layers: bool
    prefix: str  # the file's title, when the chart shows several files
    market: int = -1

    @property
    def height(self) -> float:
        """Inches: 3.1 for a flow; a market's bars need room for each partner."""
        if self.market < 0:
            return 3.1
        partners = len(self.result.scenarios[0].markets[self.market].partners)
        return max(3.1, 0.5 + 0.09 * partners * (len(_drawn(self.result)) + 1))


def _market_panel(ax: Axes, panel: _Panel) -> None:
    """Imports by partner over the period: static, then after the response under each
    scenario, as horizontal bars (the largest static imports on top)."""
    from matplotlib.patches import Patch

    result = panel.result
    first = result.scenarios[0].markets[panel.market]
    order = sorted(range(len(first.partners)), key=lambda r: -first.partners[r].static_imports)
    statics = [first.partners[r].static_imports for r in order]
    divisor, unit = _value_scale(result.currency, statics)
    series: list[tuple[str, list[Decimal]]] = [("Static (no response)", statics)]
    for scenario in (result.scenarios[i] for i in _drawn(result)):
        found = scenario.markets[panel.market]
        series.append(
            (_shown(scenario.name, NAME_CHARS), [found.partners[r].imports for r in order])
        )
    band = 0.8 / len(series)
    handles: list[Any] = []
    labels: list[str] = []
    for index, (label, values) in enumerate(series):
        ys = [row - 0.4 + band * (index + 0.5) for row in range(len(order))]
        fill = "#BBBBBB" if index == 0 else FILLS[(index - 1) % 8]
        hatch = "" if index == 0 else HATCHES[(index - 1) % 8]
        ax.barh(
            ys,
            [float(v / divisor) for v in values],
            height=band,
            color=fill,
            hatch=hatch,
            edgecolor="white",
            linewidth=0.0,
            zorder=2,
        )
        handles.append(Patch(facecolor=fill, hatch=hatch, edgecolor="white", linewidth=0.0))
        labels.append(label)
    ax.set_yticks(list(range(len(order))))
    ax.set_yticklabels([_shown(first.partners[r].exporter, NAME_CHARS) for r in order])
    ax.invert_yaxis()  # the largest on top
    ax.grid(axis="x")
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(f"Imports over the period ({unit})")
    _legend(ax, handles, labels)
    ax.set_title(
        f"{panel.prefix}{_shown(first.importer, NAME_CHARS)}'s imports by partner, model "
        f"{first.model}: static and after the response, with diversion between partners"
    )


def _compare_panels(results: Sequence[tuple[str, StudyResult]]) -> list[_Panel]:
    panels: list[_Panel] = []
    for _, result in results:
        prefix = f"{_shown(result.title, 40)} \u2013 " if len(results) > 1 else ""
        for index, flow in enumerate(result.scenarios[0].flows):
            panels.append(_Panel(result, index, False, prefix))
            if flow.flow.classified:
                panels.append(_Panel(result, index, True, prefix))
        for index in range(len(result.scenarios[0].markets)):
            panels.append(_Panel(result, -1, False, prefix, market=index))
    return panels


def _compare_headings(results: Sequence[tuple[str, StudyResult]]) -> tuple[str, str]:
    """The title and subtitle of a compare chart."""
    if len(results) > 1:
        return f"Tariff rates by scenario in {len(results)} files", ""
    result = results[0][1]
    return result.title, (
        f"Each flow's total tariff rate under each scenario, {result.start.isoformat()} "
        f"to {(result.until - _ONE_DAY).isoformat()}; baseline "
        f"{_shown(result.baseline, NAME_CHARS)}"
    )


def compare_chart(
    results: Sequence[tuple[str, StudyResult]], kind: str, *, notes: list[str] | None = None
) -> bytes:
    """Each flow of each file: every scenario's total rate over the period as a step line,
    with the windows shaded and named. A flow of product lines gets a second panel: the
    baseline scenario's import-weighted effective rate, stacked by layer.

    `results` pairs each file's path (as given) with its result, as `tariffs compare` has
    them. Returns the image's bytes; `kind` is "svg" or "png". A chart draws at most
    MAX_SERIES scenarios a panel, MAX_PANELS panels and MAX_LAYERS layers a stack; what it
    leaves out is said in its caption, and appended to `notes` when given.
    """
    _check_kind(kind)
    if not results or any(not r.scenarios for _, r in results):
        raise ValueError("nothing to chart: no files or no scenarios")
    with _settings():
        panels = _compare_panels(results)
        if not panels:
            raise ValueError("nothing to chart: no flows")
        panels, left = _compare_limits(results, panels, notes)
        title, subtitle = _compare_headings(results)
        caption = _compare_caption(results, " ".join(f"Not drawn: {t}." for t in left))
        frame = _frame(title, subtitle, caption, [p.height for p in panels])
        labelled: list[tuple[Axes, list[_Span], float]] = []
        for ax, panel in zip(frame.axes, panels, strict=True):
            if panel.market >= 0:
                _market_panel(ax, panel)
            elif panel.layers:
                merged = _layers_panel(ax, panel.result, panel.flow, file_title=panel.prefix)
                if merged:
                    flow = panel.result.scenarios[0].flows[panel.flow].flow.key
                    _note(notes, _merged_text(flow, merged))
            else:
                spans, top = _rate_panel(ax, panel.result, panel.flow, file_title=panel.prefix)
                labelled.append((ax, spans, top))
        dated = [ax for ax, panel in zip(frame.axes, panels, strict=True) if panel.market < 0]
        if dated:
            dated[-1].set_xlabel("Date")
        if any(spans for _, spans, _ in labelled):
            for ax, spans, top in labelled:  # room for about one row of names, for now
                ax.set_ylim(0, _headroom(top, min(len(spans), 1)))
            frame.figure.draw_without_rendering()  # lay the figure out, to measure names
        for ax, spans, top in labelled:
            _label_spans(frame.figure, ax, spans, top)
        return _bytes(frame.figure, kind, title)


def _compare_limits(
    results: Sequence[tuple[str, StudyResult]], panels: list[_Panel], notes: list[str] | None
) -> tuple[list[_Panel], list[str]]:
    """The panels a compare chart draws (MAX_PANELS, whole flows), and what it leaves out
    for the caption; each file's scenarios beyond MAX_SERIES are noted too."""
    for path, result in results:
        count = len(result.scenarios)
        if count > MAX_SERIES:
            chosen = [result.scenarios[i].name for i in _drawn(result)]
            which = "the baseline and " if result.baseline in chosen else ""
            _note(
                notes,
                f"{_path(path)}: the chart draws {MAX_SERIES} of its {count:,} scenarios "
                f"({which}the first others shown; --scenario chooses them)",
            )
    if len(panels) <= MAX_PANELS:
        return panels, []
    end = MAX_PANELS - 1 if panels[MAX_PANELS].layers else MAX_PANELS  # whole flows
    cut = panels[end]
    source = next(path for path, result in results if result is cut.result)
    where = f" of {_path(source)}" if len(results) > 1 else ""
    text = (
        f"the chart draws the first {end} of its {len(panels):,} panels; from "
        f"{_panel_name(cut)}{where} on, they are left out"
    )
    return panels[:end], [_note(notes, text)]


def _merged_text(where: str, merged: int) -> str:
    return (
        f"{where}: the {merged + MAX_LAYERS - 1:,} layers that apply are more than "
        f"{MAX_LAYERS}; the {merged:,} smallest are drawn as one, '{merged:,} other layers'"
    )


def _compare_caption(results: Sequence[tuple[str, StudyResult]], left: str = "") -> str:
    parts = []
    for path, result in results:
        names = [
            f"{s.name} (baseline)" if s.name == result.baseline else s.name
            for s in result.scenarios
        ]
        drawn = ""
        if len(names) > MAX_SERIES:
            drawn = (
                f" Drawn: {MAX_SERIES} of the {len(names):,} scenarios: "
                f"{_names([names[i] for i in _drawn(result)])}."
            )
        parts.append(f"Source: {_path(path)}. Scenarios: {_names(names)}.{drawn}")
    if left:
        parts.append(left)
    parts.append(
        "Rates are the sum of each flow's measures (import-weighted for product lines), "
        "drawn as steps from the first day each applies; shaded spans are windows (truces) "
        "of any scenario shown."
    )
    return " ".join(parts)[:CAPTION_CHARS]


# --- timeline ---------------------------------------------------------------------------

TRACKER_COLOUR = COLOURS[4]
TRACKER_DASH: Any = (0, (5, 1.6))
SHORT_SHARE = 100
"""A value of the tracker's that holds for at most 1/100 of the period (a value quoted on a
day, followed by a row without one) is also drawn as a marker: a line so short is not seen."""
SPLIT_BANDS = 7
"""At most this many parts of a split are stacked one by one, the largest by their average
over the period; the rest are one band, `the other N`."""


def timeline_chart(
    path: str, result: TimelineResult, kind: str, *, notes: list[str] | None = None
) -> bytes:
    """Each entry (a flow under a scenario): every measure's rate over the period, stacked
    as step areas, with the flow's total rate on top. Each importer's total (`--flow
    IMPORTER:*`): a panel per split (by authority, layer or partner), its parts stacked.
    With a tracker (`--against`), its series is drawn beside the first panel of each, and
    a last panel shows the gap between them. Returns the image's bytes. A chart draws at
    most MAX_PANELS panels and MAX_LAYERS layers a panel; what it leaves out is said in its
    caption and legends, and appended to `notes` when given."""
    _check_kind(kind)
    if not result.entries and not result.totals:
        raise ValueError("nothing to chart: the timeline has no entries")
    with _settings():
        every = _timeline_panels(result)
        panels = every[:MAX_PANELS]
        scenarios = list(
            dict.fromkeys(
                [e.scenario for e in result.entries] + [t.scenario for t in result.totals]
            )
        )
        left = ""
        if len(every) > MAX_PANELS:
            text = _note(
                notes,
                f"the chart draws the first {MAX_PANELS} of its {len(every):,} panels (a flow "
                f"or a total under a scenario); from {every[MAX_PANELS].title} on, they are "
                "left out (--scenario and --flow choose them)",
            )
            left = f" Not drawn: {text}."
        caption = (
            f"Source: {_path(path)}. Scenarios: {_names(scenarios)}.{left} Each layer is one "
            "measure's rate (import-weighted for product lines), stacked; steps start on the "
            "first day a rate applies."
        )
        if result.totals:
            caption += (
                " An importer's total weights its flows' rates by their values; its parts "
                f"(pp) add up to it, the {SPLIT_BANDS} largest on average one by one."
            )
        if result.tracker is not None:
            caption += (
                f" Dashed: {_path(result.tracker.path)}, each value from its date to the next "
                f"row's. Shaded in the gap panels: days within {QUIET_MARGIN} days of a change "
                "in either series."
            )
        what = "Each part of the rate" if result.totals else "Each measure's rate"
        subtitle = (
            f"{what}, stacked, {result.start.isoformat()} to "
            f"{(result.until - _ONE_DAY).isoformat()}"
        )
        heights = [2.0 if panel.gap else 2.8 for panel in panels]
        frame = _frame(result.title, subtitle, caption[:CAPTION_CHARS], heights)
        for ax, panel in zip(frame.axes, panels, strict=True):
            _timeline_panel(ax, result, panel, notes)
        frame.axes[-1].set_xlabel("Date")
        return _bytes(frame.figure, kind, result.title)


class _TimelinePanel(NamedTuple):
    """A panel of a timeline chart: the parts to stack (names, and segments holding them
    and the total), its title, whether it shows the tracker, and whether it is a gap panel
    (of `parts`, the series it compares)."""

    title: str
    names: tuple[str, ...]
    parts: tuple[Segment, ...]
    tracker: bool
    gap: bool = False


def _timeline_panels(result: TimelineResult) -> list[_TimelinePanel]:
    tracked = result.tracker is not None
    out: list[_TimelinePanel] = []
    for entry in result.entries:
        title = f"{_shown(entry.label, NAME_CHARS)} under {_shown(entry.scenario, NAME_CHARS)}"
        names = tuple(m.name for m in entry.measures)
        out.append(_TimelinePanel(title, names, entry.segments, tracked))
        if tracked:
            out.append(_TimelinePanel(title, (), entry.segments, False, gap=True))
    for total in result.totals:
        head = (
            f"{_shown(total.importer, NAME_CHARS)} on all its {len(total.partners)} partners "
            f"under {_shown(total.scenario, NAME_CHARS)}"
        )
        splits = list(dict.fromkeys(split for split, _ in total.series))
        for number, split in enumerate(splits):
            names, parts = _bands(total, split)
            title = f"{head}: {SPLIT_TITLES[split]}, pp"
            out.append(_TimelinePanel(title, names, parts, tracked and number == 0))
        if tracked:
            out.append(_TimelinePanel(head, (), total.segments, False, gap=True))
    return out


def _bands(total: TotalTimeline, split: str) -> tuple[tuple[str, ...], tuple[Segment, ...]]:
    """One split's parts as segments to stack: the SPLIT_BANDS largest by their average over
    the period (in their order), and the rest as one band."""
    names = total.names(split)
    columns = [i for i, (kind, _) in enumerate(total.series) if kind == split]
    days = [seg.days for seg in total.segments]
    weight = [
        sum((seg.layers[i] * n for seg, n in zip(total.segments, days, strict=True)), Decimal(0))
        for i in columns
    ]
    if len(names) <= SPLIT_BANDS + 1:
        kept, rest = list(range(len(names))), []
    else:
        largest = sorted(range(len(names)), key=lambda k: -weight[k])[:SPLIT_BANDS]
        kept = sorted(largest)
        rest = [k for k in range(len(names)) if k not in largest]
    shown = [names[k] for k in kept] + ([f"the other {len(rest)}"] if rest else [])
    parts = tuple(
        seg._replace(
            layers=tuple(seg.layers[columns[k]] for k in kept)
            + ((sum((seg.layers[columns[k]] for k in rest), Decimal(0)),) if rest else ()),
            changes=(),
        )
        for seg in total.segments
    )
    return tuple(shown), parts


def _timeline_panel(
    ax: Axes, result: TimelineResult, panel: _TimelinePanel, notes: list[str] | None
) -> None:
    if panel.gap:
        _gap_panel(ax, result, panel)
        return
    peak, merged = _stack_panel(ax, panel.parts, panel.names, result.start, result.until)
    if merged:
        _note(notes, _merged_text(panel.title, merged))
    if panel.tracker and result.tracker is not None:
        peak = max(peak, _tracker_line(ax, result.tracker, result.start, result.until))
    ax.set_title(panel.title)
    ax.set_ylim(0, _headroom(peak, 0))


def _tracker_line(ax: Axes, tracker: Tracker, start: date, until: date) -> float:
    """The tracker's series as a dashed step line over the period (broken at its gaps),
    added to the panel's legend; returns its highest value in the period (0 if none)."""
    from matplotlib.lines import Line2D

    short = max(1, (until - start).days // SHORT_SHARE)
    pieces = [
        (max(first, start), min(end, until), value)
        for first, end, value in tracker_steps(tracker)
        if max(first, start) < min(end, until)
    ]
    xs, ys = _broken_steps(pieces)
    style: dict[str, Any] = {"color": TRACKER_COLOUR, "linestyle": TRACKER_DASH, "linewidth": 1.7}
    if xs:
        ax.plot(xs, ys, zorder=6, **style)
    # a value too short to see as a line (quoted on a day) is a marker too
    if _dots(ax, [p for p in pieces if (p[1] - p[0]).days <= short], "D", TRACKER_COLOUR, 7):
        style.update(marker="D", markersize=4.5)
    legend = ax.get_legend()
    handles = [*legend.legend_handles] if legend is not None else []
    labels = [t.get_text() for t in legend.get_texts()] if legend is not None else []
    handles.insert(1, Line2D([], [], **style))
    labels.insert(1, _shown(tracker.path.rsplit("/", 1)[-1], NAME_CHARS))
    _legend(ax, handles, labels)
    return max((float(value) for _, _, value in pieces), default=0.0)


def _broken_steps(pieces: Sequence[tuple[date, date, Decimal]]) -> tuple[list[float], list[float]]:
    """x and y of a step line over [start, until) pieces in order, broken where one piece
    does not start where the one before ends (a day without a value)."""
    xs: list[float] = []
    ys: list[float] = []
    for lo, hi, value in pieces:
        if xs and xs[-1] != _x(lo):
            xs.append(xs[-1])
            ys.append(math.nan)
        xs.extend((_x(lo), _x(hi)))
        ys.extend((float(value), float(value)))
    return xs, ys


def _dots(
    ax: Axes, pieces: Sequence[tuple[date, date, Decimal]], marker: str, colour: str, zorder: int
) -> bool:
    """A marker in the middle of each piece; whether there was any."""
    if pieces:
        ax.plot(
            [(_x(lo) + _x(hi)) / 2 for lo, hi, _ in pieces],
            [float(value) for _, _, value in pieces],
            linestyle="none",
            marker=marker,
            markersize=4.5,
            color=colour,
            zorder=zorder,
        )
    return bool(pieces)


def _gap_panel(ax: Axes, result: TimelineResult, panel: _TimelinePanel) -> None:
    """The gap, the total's rate minus the tracker's, as a step line in pp, over the days
    both have a value; the days near a change shaded."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    tracker = result.tracker
    if tracker is None:
        return
    xs, ys = _broken_steps(gap_pieces(panel.parts, tracker_steps(tracker)))
    # a value the tracker quotes on a day: its gap as a marker too (see SHORT_SHARE)
    short = max(1, (result.until - result.start).days // SHORT_SHARE)
    quoted = [p for p in tracker_steps(tracker) if (p[1] - p[0]).days <= short]
    for first, end in near_changes(panel.parts, tracker, QUIET_MARGIN):
        lo, hi = max(first, result.start), min(end, result.until)
        if lo < hi:
            ax.axvspan(_x(lo), _x(hi), facecolor=WINDOW_SHADES[0], edgecolor="none", zorder=0.5)
    ax.axhline(0, color="#444444", linewidth=0.8, zorder=2)
    if xs:
        ax.plot(xs, ys, color=COLOURS[2], linewidth=1.5, zorder=4)
    _dots(ax, gap_pieces(panel.parts, quoted), "o", COLOURS[2], 5)
    low = min((v for v in ys if not math.isnan(v)), default=0.0)
    high = max((v for v in ys if not math.isnan(v)), default=0.0)
    pad = max(0.5, (high - low) * 0.1)
    ax.set_ylim(min(low, 0.0) - pad, max(high, 0.0) + pad)
    _legend(
        ax,
        [
            Line2D([], [], color=COLOURS[2], linewidth=1.5),
            Patch(facecolor=WINDOW_SHADES[0], edgecolor="none"),
        ],
        ["Gap (pp)", f"Within {QUIET_MARGIN} days of a change"],
    )
    _date_axis(ax, result.start, result.until)
    from matplotlib.ticker import MaxNLocator

    ax.yaxis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10]))
    ax.set_ylabel("Gap (pp)")
    ax.set_title(f"{panel.title}: minus {_shown(tracker.path.rsplit('/', 1)[-1], NAME_CHARS)}")


# --- diff -------------------------------------------------------------------------------


def _headline(changes: Sequence[ResultChange]) -> list[ResultChange]:
    return [c for c in changes if c.delta is not None and c.metric in _HEADLINE]


def _bar_label(change: ResultChange, files: bool) -> str:
    importer, _, exporter = change.flow.partition(":")
    flow = f"{importer} on {exporter}" if exporter else change.flow
    what = _HEADLINE[change.metric]
    if change.item:
        what = f"{_shown(change.item, NAME_CHARS)}: {what}"
    text = f"{_shown(change.scenario, NAME_CHARS)} \u00b7 {_shown(flow, 20)} \u00b7 {what}"
    if files:
        text = f"{_path(change.file).rsplit('/', 1)[-1]} \u00b7 {text}"
    return _shown(text, LABEL_CHARS)


def diff_chart(report: DiffReport, kind: str, *, notes: list[str] | None = None) -> bytes:
    """New minus old for the headline metrics of a diff, as horizontal bars: rates (in pp)
    on one panel, money (in the file's currency) on another, one per currency. Only changes
    with a numeric delta are drawn; a panel shows at most DIFF_BARS, the largest (said in
    the caption, and appended to `notes` when given)."""
    _check_kind(kind)
    changes = _headline(report.diff.results)
    files = len({c.file for c in changes}) > 1
    groups: dict[str, list[ResultChange]] = {}
    for change in changes:
        unit = "pp" if change.unit in _RATE_UNITS else change.unit
        groups.setdefault(unit, []).append(change)
    ordered = sorted(groups.items(), key=lambda item: item[0] != "pp")  # rates first
    with _settings():
        shown_bars = {unit: _largest(items) for unit, items in ordered}
        for unit, items in ordered:
            if len(items) > DIFF_BARS:
                what = "rates (pp)" if unit == "pp" else _shown(unit, 12)
                _note(
                    notes,
                    f"the chart draws the {DIFF_BARS} largest of the {len(items):,} changes "
                    f"of {what} it could show; the table lists them all",
                )
        heights = [0.9 + 0.24 * len(bars) for bars in shown_bars.values()] or [1.2]
        title = "What changed in the results"
        subtitle = f"New minus old: {_path(report.new)} against {_path(report.old)}"
        frame = _frame(title, subtitle, _diff_caption(report, changes, shown_bars), heights)
        if not ordered:
            ax = frame.axes[0]
            ax.set_axis_off()
            ax.text(0.5, 0.5, "No headline result changed", ha="center", va="center")
        for ax, (unit, bars) in zip(frame.axes, shown_bars.items(), strict=False):
            _bars(ax, unit, bars, files)
        return _bytes(frame.figure, kind, title)


def _largest(changes: list[ResultChange]) -> list[ResultChange]:
    if len(changes) <= DIFF_BARS:
        return changes
    keep = sorted(range(len(changes)), key=lambda i: -abs(changes[i].delta or Decimal(0)))
    keep = keep[:DIFF_BARS]
    return [changes[i] for i in sorted(keep)]


def _bars(ax: Axes, unit: str, bars: Sequence[ResultChange], files: bool) -> None:
    from matplotlib.patches import Patch

    deltas = [c.delta or Decimal(0) for c in bars]
    if unit == "pp":
        divisor, suffix = Decimal(1), ""
        xlabel = "Change (percentage points)"
        texts = [fmt.pp(d, 1) for d in deltas]
        panel = "Rates (pp)"
    else:
        divisor, suffix = fmt.scale_for(max(abs(d) for d in deltas))
        shown_unit = f"{_shown(unit, 12)} {suffix}".strip()
        xlabel = f"Change ({shown_unit})"
        places = 1 if max(abs(d) for d in deltas) / divisor >= 10 else 2
        texts = [fmt.signed_money(d, divisor, places) for d in deltas]
        panel = f"Money ({shown_unit})"
    values = [float(d / divisor) for d in deltas]
    ys = list(range(len(bars)))
    colours = [INCREASE if v > 0 else DECREASE for v in values]
    hatches = ["" if v > 0 else "////" for v in values]
    container = ax.barh(ys, values, height=0.62, color=colours, edgecolor="white", linewidth=0.0)
    for patch, hatch in zip(container.patches, hatches, strict=True):
        patch.set_hatch(hatch)
    ax.bar_label(container, labels=texts, padding=3, fontsize=7.5, color="#222222")
    ax.set_yticks(ys, [_bar_label(c, files) for c in bars])
    ax.invert_yaxis()
    ax.axvline(0, color="#444444", linewidth=0.8)
    ax.grid(axis="x", visible=True)
    ax.grid(axis="y", visible=False)
    ax.margins(x=0.16, y=0.5 / max(len(bars), 1))
    ax.tick_params(axis="y", length=0)
    ax.set_xlabel(xlabel)
    ax.set_title(f"{panel}: {len(bars)} change{'s' if len(bars) != 1 else ''}")
    handles: list[Any] = []
    labels: list[str] = []
    if any(v > 0 for v in values):
        handles.append(Patch(facecolor=INCREASE, edgecolor="white", linewidth=0.0))
        labels.append("Increase (new above old)")
    if any(v <= 0 for v in values):
        handles.append(Patch(facecolor=DECREASE, hatch="////", edgecolor="white", linewidth=0.0))
        labels.append("Decrease (new below old)")
    _legend(ax, handles, labels)


def _diff_caption(
    report: DiffReport, changes: Sequence[ResultChange], bars: dict[str, list[ResultChange]]
) -> str:
    tolerance = report.tolerance
    limits = []
    if tolerance.rate is not None:
        limits.append(
            f"rates {tolerance.rate_given or fmt.number(tolerance.rate, fmt.RATE_PLACES) + ' pp'}"
        )
    if tolerance.money is not None:
        limits.append(
            f"money {tolerance.money_given or fmt.number(tolerance.money, fmt.MONEY_PLACES)}"
        )
    drawn = sum(len(b) for b in bars.values())
    scenarios = list(dict.fromkeys(c.scenario for c in changes if c.scenario))
    inputs = report.diff.inputs
    text = (
        f"Old: {_path(report.old)}. New: {_path(report.new)}. "
        f"Scenarios: {_names(scenarios) or 'none'}. "
        f"Tolerance: {', '.join(limits) or 'none'}. "
        f"Bars: {drawn} of the {len(report.diff.results)} changed results (headline metrics "
        f"with a numeric change"
        f"{f'; the {DIFF_BARS} largest per panel' if drawn < len(changes) else ''})"
    ) + ((f"; {counted(len(inputs), 'input')} changed" if inputs else "") + ".")
    return text[:CAPTION_CHARS]


# --- sweeps -----------------------------------------------------------------------------


def _valid(value: Decimal | None) -> bool:
    """Whether a sweep's value can be drawn: present, and finite even as a float."""
    return value is not None and value.is_finite() and math.isfinite(float(value))


def _value_scale(unit: str, values: Sequence[Decimal]) -> tuple[Decimal, str]:
    """Divisor and label of a metric's unit: money in the unit that suits its size."""
    shown_unit = _shown(unit, 20)
    if unit in _RATE_UNITS or not values:
        return Decimal(1), shown_unit
    divisor, suffix = fmt.scale_for(max(abs(v) for v in values))
    return divisor, f"{shown_unit} {suffix}".strip()


def _cell(value: Decimal, divisor: Decimal) -> str:
    scaled = value / divisor
    places = 0 if abs(scaled) >= 100 else 1 if abs(scaled) >= 10 else 2
    return f"{fmt.rounded(scaled, places):,.{places}f}"


def sweep_chart(  # noqa: PLR0917 (the CLI's call passes a sweep's parts in this order)
    title: str,
    params: Sequence[str],
    axes: Sequence[Sequence[Decimal]],
    metric: str,
    unit: str,
    values: Sequence[Decimal | None],
    caption: str,
    kind: str,
    *,
    notes: list[str] | None = None,
) -> bytes:
    """A metric over one or two varied parameters: a line against the one parameter, or a
    heat map over the two (rows: `axes[0]`, columns: `axes[1]`; `values` row-major). A None
    value is an invalid variant: a gap in the line, a hatched cell in the heat map.

    A line goes through at most SWEEP_POINTS values, a heat map has at most HEAT_SIDE rows
    and columns: beyond, every k-th value from the first, as the caption says (and `notes`,
    when given)."""
    _check_kind(kind)
    if len(params) not in {1, 2} or len(axes) != len(params):
        raise ValueError("a sweep varies one or two parameters, each with its axis")
    if any(not axis for axis in axes):
        raise ValueError("each varied parameter needs at least one value")
    if not all(_valid(value) for axis in axes for value in axis):
        raise ValueError("the values of a varied parameter must be finite numbers")
    if len(values) != math.prod(len(axis) for axis in axes):
        raise ValueError("values must have one entry per combination of the axes")
    axes, values, left = _sampled(axes, values)
    caption = _shown(caption, CAPTION_CHARS)
    if left:
        caption += f" Drawn: {_note(notes, left)}."
    numbers = [v for v in values if v is not None and _valid(v)]
    divisor, unit_label = _value_scale(unit, numbers)
    label = _shown(metric, NAME_CHARS) + (f" ({unit_label})" if unit_label else "")
    with _settings():
        frame = _frame(title, "", caption, [4.2])
        ax = frame.axes[0]
        if len(params) == 1:
            _sweep_line(
                ax, param=params[0], axis=axes[0], values=values, divisor=divisor, label=label
            )
        else:
            _heat_map(
                frame.figure,
                ax,
                params=params,
                axes=axes,
                values=values,
                divisor=divisor,
                label=label,
            )
        return _bytes(frame.figure, kind, title)


def _sampled(
    axes: Sequence[Sequence[Decimal]], values: Sequence[Decimal | None]
) -> tuple[list[list[Decimal]], list[Decimal | None], str]:
    """The axes and values a sweep's chart draws (see sweep_chart), and what it leaves out
    ("" for nothing)."""
    if len(axes) == 1:
        count = len(axes[0])
        k = _every(count, SWEEP_POINTS)
        if k == 1:
            return [list(axes[0])], list(values), ""
        kept = list(range(0, count, k))
        return (
            [[axes[0][i] for i in kept]],
            [values[i] for i in kept],
            f"the line goes through every {_nth(k)} of the {count:,} variants "
            f"({len(kept):,}), from the first; the output has them all",
        )
    rows, cols = len(axes[0]), len(axes[1])
    k_rows, k_cols = _every(rows, HEAT_SIDE), _every(cols, HEAT_SIDE)
    if k_rows == k_cols == 1:
        return [list(axes[0]), list(axes[1])], list(values), ""
    chosen_rows, chosen_cols = range(0, rows, k_rows), range(0, cols, k_cols)
    return (
        [[axes[0][i] for i in chosen_rows], [axes[1][j] for j in chosen_cols]],
        [values[i * cols + j] for i in chosen_rows for j in chosen_cols],
        f"the heat map has every {_nth(k_rows)} row and every {_nth(k_cols)} column of the "
        f"{rows:,} x {cols:,} variants ({len(chosen_rows):,} x {len(chosen_cols):,}), from "
        "the first; the output has them all",
    )


def _ticks(ax_values: Sequence[Decimal], limit: int = 16) -> tuple[list[int], list[str]]:
    """Which of an axis's values to label: all, or every k-th when there are many."""
    step = max(1, math.ceil(len(ax_values) / limit))
    chosen = list(range(0, len(ax_values), step))
    return chosen, [_decimal(ax_values[i]) for i in chosen]


def _sweep_line(
    ax: Axes,
    *,
    param: str,
    axis: Sequence[Decimal],
    values: Sequence[Decimal | None],
    divisor: Decimal,
    label: str,
) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.ticker import MaxNLocator

    xs = [float(a) for a in axis]
    ys = [float(v / divisor) if v is not None and _valid(v) else math.nan for v in values]
    marker = "o" if len(xs) <= SWEEP_MARKERS else ""  # a marker at each of many is a smear
    ax.plot(xs, ys, color=COLOURS[2], linewidth=2.0, marker=marker, markersize=5, zorder=3)
    handles: list[Any] = [Line2D([], [], color=COLOURS[2], linewidth=2.0, marker=marker)]
    labels = [label]
    bad = [x for x, v in zip(xs, values, strict=True) if not _valid(v)]
    if bad:
        ax.plot(
            bad,
            [0.03] * len(bad),
            transform=ax.get_xaxis_transform(),
            linestyle="none",
            marker="x",
            markersize=7,
            color=COLOURS[4],
            markeredgewidth=1.6,
            zorder=4,
            clip_on=False,
        )
        handles.append(
            Line2D([], [], linestyle="none", marker="x", color=COLOURS[4], markeredgewidth=1.6)
        )
        labels.append("Invalid variant (no value)")
    # automatic ticks (the markers show the values): close values keep their labels apart
    integers = all(a == a.to_integral_value() for a in axis)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=10, integer=integers))
    ax.set_xlabel(_shown(param, NAME_CHARS))
    ax.set_ylabel(label)
    ax.grid(axis="x", visible=True)
    if all(math.isnan(y) or y >= 0 for y in ys):
        ax.set_ylim(bottom=0)
    ax.legend(handles, labels, loc="best")


def _heat_map(
    figure: Figure,
    ax: Axes,
    *,
    params: Sequence[str],
    axes: Sequence[Sequence[Decimal]],
    values: Sequence[Decimal | None],
    divisor: Decimal,
    label: str,
) -> None:
    import numpy as np
    from matplotlib import colormaps
    from matplotlib.colors import Normalize
    from matplotlib.patches import Patch, Rectangle

    rows, cols = len(axes[0]), len(axes[1])
    grid = np.full((rows, cols), np.nan)
    for i in range(rows):
        for j in range(cols):
            value = values[i * cols + j]
            if value is not None and _valid(value):
                grid[i, j] = float(value / divisor)
    cmap = colormaps["viridis"]
    valid = grid[~np.isnan(grid)]
    norm = Normalize(vmin=float(valid.min()), vmax=float(valid.max())) if valid.size else None
    ax.grid(visible=False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    if norm is not None:
        mesh = ax.pcolormesh(
            np.arange(cols + 1) - 0.5,
            np.arange(rows + 1) - 0.5,
            np.ma.masked_invalid(grid),
            cmap=cmap,
            norm=norm,
            edgecolors="white",
            linewidth=1.0 if max(rows, cols) <= 40 else 0.0,  # a dense grid would be all edge
        )
        bar = figure.colorbar(mesh, ax=ax, fraction=0.05, pad=0.02)
        bar.set_label(label)
        bar.outline.set_visible(False)
    invalid = 0
    for i in range(rows):
        for j in range(cols):
            value = values[i * cols + j]
            if value is None or not _valid(value):
                invalid += 1
                ax.add_patch(
                    Rectangle(
                        (j - 0.5, i - 0.5),
                        1,
                        1,
                        facecolor="white",
                        edgecolor="#888888",
                        hatch="xxx",
                        linewidth=0.0,
                    )
                )
            elif rows * cols <= 150 and norm is not None:
                red, green, blue, _ = cmap(norm(float(grid[i, j])))
                light = 0.2126 * red + 0.7152 * green + 0.0722 * blue > 0.5
                ax.text(
                    j,
                    i,
                    _cell(value, divisor),
                    ha="center",
                    va="center",
                    fontsize=7.5 if cols <= 10 else 6.5,
                    color="#111111" if light else "white",
                )
    ax.set_xlim(-0.5, cols - 0.5)
    ax.set_ylim(-0.5, rows - 0.5)
    xticks, xlabels = _ticks(axes[1])
    yticks, ylabels = _ticks(axes[0])
    ax.set_xticks(xticks, xlabels)
    ax.set_yticks(yticks, ylabels)
    ax.tick_params(length=0)
    ax.set_xlabel(_shown(params[1], NAME_CHARS))
    ax.set_ylabel(_shown(params[0], NAME_CHARS))
    if invalid:  # the colour bar is the legend of the values
        ax.legend(
            [Patch(facecolor="white", edgecolor="#888888", hatch="xxx")],
            ["Invalid variant (no value)"],
            loc="lower right",
            bbox_to_anchor=(1.0, 1.0),
        )


def _sweep_axis(vary: Vary, currency: str) -> tuple[list[Decimal], str]:
    """A varied number's values as a chart axis, with its unit: dates as days from the
    first, money in the unit that suits its largest value."""
    values = vary.values
    text = vary.target.text
    first = values[0]
    if isinstance(first, date):
        return [Decimal((v - first).days) for v in values if isinstance(v, date)], (
            f"{text} (days after {first})"
        )
    numbers = [v for v in values if isinstance(v, Decimal)]
    unit = vary.target.unit
    if unit == "money":
        divisor, suffix = fmt.scale_for(max(abs(v) for v in numbers))
        return [v / divisor for v in numbers], f"{text} ({currency} {suffix})".replace(" )", ")")
    shown = {"days": " (days)", "percent": " (%)", "number": ""}[unit]
    return numbers, text + shown


def sweep_result_chart(
    path: str,
    result: SweepResult,
    values: Sequence[Decimal | None],
    kind: str,
    *,
    notes: list[str] | None = None,
) -> bytes:
    """The chart of `tariffs sweep`: its first metric for its first flow (`values`, one per
    variant, None for an invalid one), against the one or two varied numbers."""
    metric = metrics.SWEEP.metric(result.metrics[0])
    flow = result.flows[0]
    axes = [_sweep_axis(vary, result.currency) for vary in result.vary]
    unit = {"percent": "%", "pp": "pp", "money": result.currency}[metric.unit]
    invalid = sum(1 for v in values if v is None)
    caption = (
        f"Source: {path}, scenario {result.scenario}, flow {flow}; "
        f"{counted(result.variants, 'variant')}"
        + (f", {invalid:,} invalid" if invalid else "")
        + f". {metric.name}: {metric.doc}"
    )
    return sweep_chart(
        f"{metric.name} of {flow} under variants of {result.scenario}",
        [label for _, label in axes],
        [axis for axis, _ in axes],
        metric.name,
        unit,
        values,
        caption,
        kind,
        notes=notes,
    )
