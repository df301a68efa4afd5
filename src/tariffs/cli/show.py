"""Writing results and messages: the only place that writes, and the choice of renderer.

Every byte for stdout goes through `out`, and every message for stderr through `say`. Text
for people (tables, Markdown, reports, messages) passes `visible` on its way, so that no
control or invisible formatting character from a file reaches a terminal. JSON and CSV
escape such characters themselves, and stream: their documents are written piece by piece.

Each command's result has one `show_*` function that picks its renderer by a typed import,
so mypy checks every renderer's signature; renderers are imported only when used.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, ParamSpec, TypeVar

import typer

from tariffs.cli.exits import EXIT_INVALID, EXIT_OUTPUT, EXIT_USAGE
from tariffs.render import PLAIN_WIDTH

if TYPE_CHECKING:
    from tariffs.calc.results import (
        DiffReport,
        ProductStack,
        SolveResult,
        StudyResult,
        SweepResult,
        TimelineResult,
    )
    from tariffs.input.files import Inputs
    from tariffs.render.grids import Facts, Grid
    from tariffs.render.table import Page

T = TypeVar("T")
P = ParamSpec("P")


def say(line: str) -> None:
    """One message line on stderr, with any control character made visible."""
    from tariffs.render.safe import visible

    typer.echo(visible(line), err=True)


def fail(problems: Iterable[object], code: int = EXIT_INVALID) -> NoReturn:
    """Say each problem, one a line, and end the run with `code`."""
    for line in problems:
        say(str(line))
    raise typer.Exit(code)


def out(text: str | Iterable[str]) -> None:
    """Write to stdout now, piece by piece. A closed pipe or a full disk ends the run
    (see cli.streams)."""
    write = sys.stdout.write
    if isinstance(text, str):
        write(text)
    else:
        for piece in text:
            write(piece)
    sys.stdout.flush()


def emit(
    text: str | bytes | Iterable[str],
    output: Path | None,
    inputs: Inputs,
    *,
    people: bool,
    option: str = "--output",
) -> None:
    """Write a rendered document to stdout or to `output` (see cli.output.write_file).

    `people` marks text meant for reading (tables, Markdown, reports): its control and
    invisible characters are made visible.
    """
    from tariffs.cli.output import OutputProblem, OutputRefused, write_file

    if people and not isinstance(text, bytes):
        from tariffs.render.safe import visible

        whole = text if isinstance(text, str) else "".join(text)
        text = visible(whole, newlines=True)
    if output is None:
        if isinstance(text, bytes):
            raise ValueError("bytes are written to a file, not to stdout")
        out(text)
        return
    sys.stdout.flush()  # an output may be one of our own descriptors (/dev/stdout)
    try:
        write_file(text, output, inputs)
    except OutputRefused as exc:
        raise typer.BadParameter(str(exc), param_hint=f"'{option}'") from None
    except OutputProblem as exc:
        fail([f"tariffs: {exc}"], EXIT_OUTPUT)


def computed(path: str, work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run a calculation. Its inputs are bounded so that arithmetic cannot overflow; should
    a limit be reached all the same, the run ends with a message naming the file."""
    try:
        return work(*args, **kwargs)
    except (ArithmeticError, RecursionError, MemoryError) as exc:
        fail([f"{path}:1:1: cannot compute this file ({type(exc).__name__}): {exc}"])


def is_terminal(output: Path | None) -> bool:
    return output is None and sys.stdout.isatty()


NARROWEST = 40
"""The narrowest page, for --width and for a terminal: a narrower terminal gets 40 columns
and wraps them itself."""
WIDEST = 1000
"""The widest page, for --width and for a terminal."""


def page_width(width: int | None, output: Path | None) -> int:
    """An explicit --width wins; a terminal gets its own width; anything else gets 120."""
    if width is not None:
        return width
    if is_terminal(output):
        import shutil

        columns = shutil.get_terminal_size((PLAIN_WIDTH, 24)).columns
        return min(max(NARROWEST, columns), WIDEST)
    return PLAIN_WIDTH


def show_page(page: Page, output: Path | None, inputs: Inputs) -> None:
    """Print a table page: coloured on a terminal, plain text everywhere else."""
    from tariffs.render.table import body, cells, to_text

    refuse_large(cells(page))
    if is_terminal(output):
        from rich.console import Console

        console = Console(width=page.width, highlight=False, markup=False, emoji=False)
        console.print(body(page), soft_wrap=True)  # laid out already: no wrapping, no cropping
        return
    emit(to_text(page), output, inputs, people=True)


def refuse_large(count: int) -> None:
    """End the run if a page for people would hold more than MAX_TABLE_CELLS cells."""
    from tariffs.limits import MAX_TABLE_CELLS

    if count > MAX_TABLE_CELLS:
        fail(
            [
                f"tariffs: the tables would hold {count:,} cells, over the limit of "
                f"{MAX_TABLE_CELLS:,} for a table or Markdown; use --format json or csv, "
                "or show fewer scenarios or flows"
            ]
        )


class Where:
    """Where and how a command's output goes: format, file (None: stdout), width, and the
    inputs no output may replace."""

    def __init__(self, fmt: str, output: Path | None, width: int | None, inputs: Inputs) -> None:
        self.fmt = fmt
        self.output = output
        self.width = page_width(width, output)
        self.inputs = inputs

    def machine(self, text: Iterable[str]) -> None:
        emit(text, self.output, self.inputs, people=False)

    def people(self, text: str) -> None:
        emit(text, self.output, self.inputs, people=True)

    def markdown(self, page: Page, render: Callable[[], str]) -> None:
        """Markdown of what `page` shows, refused like the page when it is too large."""
        from tariffs.render.table import cells

        refuse_large(cells(page))
        self.people(render())

    def page(self, page: Page) -> None:
        show_page(page, self.output, self.inputs)


def check_outputs(
    *, output: Path | None, plot: Path | None = None, junit: Path | None = None
) -> None:
    """Refuse, before any work, outputs that would replace one another (cli.output.collision)
    and a chart whose path is a link to a file of another kind (cli.output.check_suffix).
    `output` None: the result goes to standard output."""
    from tariffs.cli.output import OutputRefused, check_suffix, collision

    named = [("--output", output), ("--plot", plot), ("--junit", junit)]
    found = collision(
        (option, path) for option, path in named if path is not None or option == "--output"
    )
    if found is not None:
        option, message = found
        raise typer.BadParameter(message, param_hint=f"'{option}'")
    if plot is not None:
        try:
            check_suffix(plot)
        except OutputRefused as exc:
            raise typer.BadParameter(str(exc), param_hint="'--plot'") from None


def chart_kind(path: Path) -> str:
    """The kind of chart a `--plot` path asks for ("svg" or "png"), once matplotlib is
    known to be there; a usage error otherwise. matplotlib is imported only here."""
    kind = path.suffix.lower().lstrip(".")
    if kind not in {"svg", "png"}:
        raise typer.BadParameter(
            "a chart is written as .svg or .png, "
            + (f"not {path.suffix}" if path.suffix else "and this path has no suffix"),
            param_hint="'--plot'",
        )
    from tariffs.render import plot

    try:
        plot.require()
    except plot.PlotUnavailable as exc:
        fail([f"tariffs: {exc}"], EXIT_USAGE)
    return kind


def chart(path: Path | None, draw: Callable[[Any, str, list[str]], bytes], inputs: Inputs) -> None:
    """Write a chart for `--plot PATH`, drawn by `draw(plot module, kind, notes)`; its kind
    (SVG or PNG) comes from the file name. matplotlib is imported only here, only when asked.

    What the chart leaves out (`notes`, see docs/charts.md, "Limits") is said on stderr, a
    line each, and so is any warning of the drawing library, in one line of our own rather
    than as the library's warning with its source path."""
    if path is None:
        return
    kind = chart_kind(path)
    from tariffs.render import plot

    notes: list[str] = []
    try:
        with _library_warnings() as warned:
            data = draw(plot, kind, notes)
    except plot.PlotUnavailable as exc:
        fail([f"tariffs: {exc}"], EXIT_USAGE)
    except ValueError as exc:
        fail([f"tariffs: cannot draw the chart: {exc}"], EXIT_USAGE)
    emit(data, path, inputs, people=False, option="--plot")
    for note in notes:
        say(f"tariffs: --plot: {note}")
    for text in warned:
        say(f"tariffs: --plot: the chart may be drawn imperfectly: matplotlib says: {text}")


@contextmanager
def _library_warnings() -> Iterator[list[str]]:
    """Collect, instead of printing, what the drawing library warns while a chart is drawn:
    Python warnings and the warnings it logs. Each distinct message once, its first line."""
    import logging
    import warnings

    messages: list[str] = []

    def add(text: str) -> None:
        line = text.strip().split("\n", 1)[0]
        if line not in messages:
            messages.append(line)

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            add(record.getMessage())

    logger = logging.getLogger("matplotlib")
    handler = Collect(logging.WARNING)
    propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield messages
        for warning in caught:
            add(str(warning.message))
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def show_compare(
    where: Where,
    results: Sequence[tuple[str, StudyResult]],
    sections: Collection[str] | None = None,
    lines: str = "all",
) -> None:
    """`sections`: the tables and Markdown sections to show (render.COMPARE_SECTIONS); None
    for all. JSON and CSV always hold every result, and of the product lines what `lines`
    says (render.json_out.LINES)."""
    from tariffs.render import COMPARE_SECTIONS

    chosen = COMPARE_SECTIONS.keys() if sections is None else sections
    if where.fmt == "table":
        from tariffs.render import table

        where.page(table.compare(results, where.width, chosen))
    elif where.fmt == "json":
        from tariffs.render import json_out

        where.machine(json_out.compare(results, lines))
    elif where.fmt == "csv":
        from tariffs.render import csv_out

        where.machine(csv_out.compare(results, lines))
    else:
        from tariffs.render import markdown, table

        page = table.compare(results, where.width, chosen)
        where.markdown(page, lambda: markdown.compare(results, chosen))


def show_timeline(where: Where, path: str, result: TimelineResult) -> None:
    if where.fmt == "table":
        from tariffs.render import table

        where.page(table.timeline(path, result, where.width))
    elif where.fmt == "json":
        from tariffs.render import json_out

        where.machine(json_out.timeline(path, result))
    elif where.fmt == "csv":
        from tariffs.render import csv_out

        where.machine(csv_out.timeline(path, result))
    else:
        from tariffs.render import markdown, table

        page = table.timeline(path, result, where.width)
        where.markdown(page, lambda: markdown.timeline(path, result, where.width))


def show_rate(where: Where, path: str, stack: ProductStack) -> None:
    if where.fmt == "table":
        from tariffs.render import table

        where.page(table.rate(path, stack, where.width))
    elif where.fmt == "json":
        from tariffs.render import json_out

        where.machine(json_out.rate(path, stack))
    else:
        from tariffs.render import markdown

        where.people(markdown.rate(path, stack))


def show_diff(where: Where, report: DiffReport) -> None:
    if where.fmt == "table":
        from tariffs.render import table

        where.page(table.diff(report, where.width))
    elif where.fmt == "json":
        from tariffs.render import json_out

        where.machine(json_out.diff(report))
    else:
        from tariffs.render import markdown, table

        where.markdown(table.diff(report, where.width), lambda: markdown.diff(report))


def show_sweep(where: Where, path: str, result: SweepResult) -> None:
    """A sweep's rows: JSON and CSV stream them; tables and Markdown hold them first."""
    from tariffs.render import sweep_out

    if where.fmt == "json":
        where.machine(sweep_out.sweep_json(result, path))
        return
    if where.fmt == "csv":
        where.machine(sweep_out.sweep_csv(result))
        return
    rows = list(result.rows)
    grids = sweep_out.sweep_grids(result, rows)
    facts = sweep_out.sweep_facts(result, path)
    title = f"Sweep of {result.title}"
    _report(where, title, facts, grids)


def show_solve(where: Where, path: str, result: SolveResult) -> None:
    from tariffs.render import sweep_out

    if where.fmt == "json":
        where.machine(sweep_out.solve_json(result, path))
    elif where.fmt == "csv":
        where.machine(sweep_out.solve_csv(result))
    else:
        title = f"Break-even of {result.title}"
        _report(where, title, sweep_out.solve_facts(result, path), sweep_out.solve_grids(result))


def _report(where: Where, title: str, facts: Facts, grids: list[Grid]) -> None:
    from tariffs.render import markdown, table

    page = table.report(title, facts, grids, where.width)
    if where.fmt == "table":
        where.page(page)
    else:
        where.markdown(page, lambda: markdown.report(title, facts, grids))
