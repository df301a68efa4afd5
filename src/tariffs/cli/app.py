"""The command line: parse options, load, compute, render, write. The only module that prints.

Heavy modules (pydantic, yaml, rich, the core) are imported inside the commands, so that
`tariffs --help` stays fast.
"""

from __future__ import annotations

import enum
import errno
import os
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NamedTuple, NoReturn, ParamSpec, TypeVar

import typer

from tariffs import __version__
from tariffs.render import PLAIN_WIDTH

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from datetime import date

    from tariffs.calc.changes import Metrics
    from tariffs.calc.results import StudyResult, Tolerance
    from tariffs.domain import Study
    from tariffs.input.files import FileReader, Inputs
    from tariffs.render.table import Page

T = TypeVar("T")
P = ParamSpec("P")
EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_OUTPUT = 74  # EX_IOERR of sysexits.h: output could not be written (full, read-only, closed)
EXIT_INTERRUPTED = 130  # 128 + SIGINT
EXIT_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a tool killed by a closed pipe

app = typer.Typer(
    name="tariffs",
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class Format(enum.StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


class ReportFormat(enum.StrEnum):
    """The formats of commands whose output has no tidy-CSV form."""

    table = "table"
    json = "json"
    markdown = "markdown"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"tariffs {__version__}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Trade-tariff scenarios as code: validate YAML scenario files and compare them.

    \b
    Start with:
        tariffs compare scenarios/geneva.yaml

    \b
    Exit codes:
        0    success
        1    invalid input: each problem is printed as path:line:col: message
        2    usage error (unknown option, bad --on date, unknown scenario name)
        74   output could not be written (disk full, read-only, stdout closed)
        130  interrupted (Ctrl-C)
        141  the reader closed the output pipe early (as with | head)
    """


# --- writing ----------------------------------------------------------------------------
#
# Every byte for stdout goes through `_out`, and every message for stderr through `_say`.
# Text for people (tables, Markdown, reports, messages) passes `visible` on its way, so
# that no control or invisible formatting character from a file reaches a terminal.


def _say(line: str) -> None:
    """One message line on stderr, with any control character made visible."""
    from tariffs.render.safe import visible

    typer.echo(visible(line), err=True)


def _fail(problems: Iterable[object], code: int = EXIT_INVALID) -> NoReturn:
    for line in problems:
        _say(str(line))
    raise typer.Exit(code)


def _out(text: str) -> None:
    """Write to stdout now. A closed pipe or a full disk ends the run (see `main`)."""
    sys.stdout.write(text)
    sys.stdout.flush()


def _emit(
    text: str,
    output: Path | None,
    inputs: Inputs,
    *,
    people: bool,
    option: str = "--output",
) -> None:
    """Write a rendered document to stdout or to `output` (see files.write_file).

    `people` marks text meant for reading (tables, Markdown, reports): its control and
    invisible characters are made visible. JSON and CSV escape such characters themselves.
    """
    from tariffs.cli.output import OutputProblem, OutputRefused, write_file

    if people:
        from tariffs.render.safe import visible

        text = visible(text, newlines=True)
    if output is None:
        _out(text)
        return
    sys.stdout.flush()  # an output may be one of our own descriptors (/dev/stdout)
    try:
        write_file(text, output, inputs)
    except OutputRefused as exc:
        raise typer.BadParameter(str(exc), param_hint=f"'{option}'") from None
    except OutputProblem as exc:
        _fail([f"tariffs: {exc}"], EXIT_OUTPUT)


# --- shared helpers ---------------------------------------------------------------------


def _computed(path: str, work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run a calculation. Its inputs are bounded so that arithmetic cannot overflow; should
    a limit be reached all the same, the run ends with a message naming the file."""
    try:
        return work(*args, **kwargs)
    except (ArithmeticError, RecursionError, MemoryError) as exc:
        _fail([f"{path}:1:1: cannot compute this file ({type(exc).__name__}): {exc}"])


def _inputs() -> Inputs:
    from tariffs.input.files import Inputs

    return Inputs()


def _load_all(files: list[Path], inputs: Inputs) -> list[tuple[str, Study]]:
    from tariffs.input.load import load
    from tariffs.input.problems import ScenarioError

    loaded: list[tuple[str, Study]] = []
    problems: list[str] = []
    for path in files:
        try:
            study = load(path, inputs=inputs)
        except ScenarioError as exc:
            problems.extend(str(p) for p in exc.problems)
            continue
        problems.extend(_too_much_work(str(path), study))
        loaded.append((str(path), study))
    if problems:
        _fail(problems)
    return loaded


def _too_much_work(path: str, study: Study) -> list[str]:
    """A problem if computing `study` would take more than MAX_WORK (see limits.py)."""
    from tariffs.calc.cost import TooMuchWork, check_work
    from tariffs.limits import MAX_WORK

    try:
        check_work(study, MAX_WORK)
    except TooMuchWork as exc:
        return [f"{path}:1:1: {exc}"]
    return []


def _parse_on(value: str | None) -> date | None:
    from tariffs.input.literals import parse_date

    if value is None:
        return None
    try:
        return parse_date(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="'--on'") from None


def _check_names(kind: str, option: str, wanted: list[str], known: list[str], path: str) -> None:
    for name in wanted:
        if name not in known:
            raise typer.BadParameter(
                f"{path} has no {kind} {name!r} (it has: {', '.join(known)})",
                param_hint=f"'{option}'",
            )


def _is_terminal(output: Path | None) -> bool:
    return output is None and sys.stdout.isatty()


def _show(page: Page, output: Path | None, inputs: Inputs) -> None:
    """Print a table page: coloured on a terminal, plain text everywhere else."""
    from tariffs.render.table import to_text

    if _is_terminal(output):
        from rich.console import Console

        Console(width=page.width, highlight=False, markup=False, emoji=False).print(page.body)
        return
    _emit(to_text(page), output, inputs, people=True)


def _page_width(width: int | None, output: Path | None) -> int:
    """An explicit --width wins; a terminal gets its own width; anything else gets 120."""
    if width is not None:
        return width
    if _is_terminal(output):
        import shutil

        return max(60, shutil.get_terminal_size((PLAIN_WIDTH, 24)).columns)
    return PLAIN_WIDTH


def _render(
    fmt: Format | ReportFormat,
    output: Path | None,
    width: int | None,
    inputs: Inputs,
    view: str,
    *args: object,
) -> None:
    """Call `view` ("compare" or "timeline") of the renderer for `fmt`, and write it.

    Each renderer module has both functions. The table renderer takes the page width and
    returns a `Page`; the others return text (a Markdown timeline takes the width too, for
    its chart).
    """
    import importlib

    module = importlib.import_module(f"tariffs.render.{_RENDERERS[fmt]}")  # only the one needed
    page_width = _page_width(width, output)
    if fmt == "table":
        _show(getattr(module, view)(*args, page_width), output, inputs)
        return
    if view == "timeline" and fmt == "markdown":
        args = (*args, page_width)  # for the width of the chart
    _emit(getattr(module, view)(*args), output, inputs, people=fmt == "markdown")


_RENDERERS = {
    "table": "table",
    "json": "json_out",
    "csv": "csv_out",
    "markdown": "markdown",
}


FilesArg = Annotated[
    list[Path],
    typer.Argument(help="Scenario files (YAML).", metavar="FILE", show_default=False),
]
FormatOpt = Annotated[
    Format, typer.Option("--format", "-f", help="Output format.", case_sensitive=False)
]
ReportFormatOpt = Annotated[
    ReportFormat, typer.Option("--format", "-f", help="Output format.", case_sensitive=False)
]
OutputOpt = Annotated[
    Path | None,
    typer.Option(
        "--output", "-o", help="Write here (atomically) instead of stdout.", dir_okay=False
    ),
]
WidthOpt = Annotated[
    int | None,
    typer.Option(
        "--width",
        min=60,
        max=1000,
        show_default=False,
        help="Width of table output in characters. Default: the terminal's width on a "
        "terminal, 120 everywhere else.",
    ),
]
ScenarioOpt = Annotated[
    list[str] | None,
    typer.Option("--scenario", "-s", metavar="NAME", help="Only these scenarios (repeat)."),
]


# --- commands ---------------------------------------------------------------------------


@app.command()
def compare(
    files: FilesArg,
    on: Annotated[
        str | None,
        typer.Option("--on", metavar="DATE", help="Report rates on this date (YYYY-MM-DD)."),
    ] = None,
    scenario: ScenarioOpt = None,
    baseline: Annotated[
        str | None,
        typer.Option("--baseline", "-b", metavar="NAME", help="Measure deltas against this."),
    ] = None,
    fmt: FormatOpt = Format.table,
    output: OutputOpt = None,
    width: WidthOpt = None,
) -> None:
    """Compare the scenarios of each file: rates, averages, duties and windows.

    \b
    Example:
        tariffs compare scenarios/geneva.yaml
        tariffs compare scenarios/geneva.yaml --on 2025-09-01 -s geneva -s extended
        tariffs compare scenarios/*.yaml --format json --output results.json
    """
    from tariffs.calc.compare import compare as run

    inputs = _inputs()
    report_on = _parse_on(on)
    results: list[tuple[str, StudyResult]] = []
    for path, study in _load_all(files, inputs):
        names = [s.name for s in study.scenarios]
        _check_names("scenario", "--scenario", scenario or [], names, path)
        _check_names("scenario", "--baseline", [baseline] if baseline else [], names, path)
        only = tuple(dict.fromkeys(scenario or ()))  # each named scenario once, in order
        result = _computed(path, run, study, on=report_on, baseline=baseline, only=only)
        results.append((path, result))
    _render(fmt, output, width, inputs, "compare", results)


@app.command()
def validate(files: FilesArg) -> None:
    """Check scenario files; print every problem, or one 'ok' line per file.

    \b
    Example:
        tariffs validate scenarios/*.yaml
    """
    from tariffs.input.load import load
    from tariffs.input.problems import ScenarioError
    from tariffs.render.safe import visible

    problems: list[str] = []
    for path in files:
        try:
            study = load(path)
        except ScenarioError as exc:
            problems.extend(str(p) for p in exc.problems)
            continue
        too_much = _too_much_work(str(path), study)
        if too_much:
            problems.extend(too_much)
            continue
        _out(
            visible(
                f"{path}: ok ({len(study.scenarios)} scenarios, {len(study.measures)} "
                f"measures, {len(study.flows)} flows)"
            )
            + "\n"
        )
    if problems:
        _fail(problems)


@app.command()
def timeline(
    file: Annotated[Path, typer.Argument(help="A scenario file (YAML).", show_default=False)],
    scenario: Annotated[
        list[str] | None,
        typer.Option(
            "--scenario",
            "-s",
            metavar="NAME",
            help="Scenarios to show (repeat); default: baseline.",
        ),
    ] = None,
    flow: Annotated[
        list[str] | None,
        typer.Option(
            "--flow", metavar="IMPORTER:EXPORTER", help="Flows to show (repeat), such as US:CN."
        ),
    ] = None,
    fmt: FormatOpt = Format.table,
    output: OutputOpt = None,
    width: WidthOpt = None,
) -> None:
    """Show each segment of the rate timeline, what changed, and a step chart.

    \b
    Example:
        tariffs timeline scenarios/geneva.yaml --scenario geneva --flow US:CN
    """
    from tariffs.calc.compare import timelines
    from tariffs.input.literals import parse_flow

    inputs = _inputs()
    [(path, study)] = _load_all([file], inputs)
    names = [s.name for s in study.scenarios]
    wanted = list(dict.fromkeys(scenario or [study.baseline]))
    _check_names("scenario", "--scenario", wanted, names, path)
    keys = [f.key for f in study.flows]
    try:
        flows = list(dict.fromkeys(":".join(parse_flow(text)) for text in flow or keys))
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="'--flow'") from None
    _check_names("flow", "--flow", flows, keys, path)
    chosen = tuple(f for key in flows for f in study.flows if f.key == key)
    result = _computed(path, timelines, study, tuple(wanted), chosen)
    _render(fmt, output, width, inputs, "timeline", path, result)


@app.command()
def rate(
    file: Annotated[Path, typer.Argument(help="A scenario file (YAML).", show_default=False)],
    flow: Annotated[
        str, typer.Option("--flow", metavar="IMPORTER:EXPORTER", help="The flow, such as US:CN.")
    ],
    hs: Annotated[
        str, typer.Option("--hs", metavar="CODE", help="The product's HS code, such as 8517.13.")
    ],
    on: Annotated[
        str | None,
        typer.Option("--on", metavar="DATE", help="The date (YYYY-MM-DD); default: the file's."),
    ] = None,
    scenario: Annotated[
        str | None,
        typer.Option("--scenario", "-s", metavar="NAME", help="Default: the baseline."),
    ] = None,
    fmt: ReportFormatOpt = ReportFormat.table,
    output: OutputOpt = None,
    width: WidthOpt = None,
) -> None:
    """Show the duty stack of one product on one date: each layer, why it applies or not.

    \b
    Example:
        tariffs rate scenarios/products-2025.yaml --flow US:CN --hs 8517.13 --on 2025-04-20
    """
    from tariffs.calc.stack import product_stack
    from tariffs.input.literals import parse_flow, parse_hs

    inputs = _inputs()
    [(path, study)] = _load_all([file], inputs)
    try:
        key = ":".join(parse_flow(flow))
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="'--flow'") from None
    _check_names("flow", "--flow", [key], [f.key for f in study.flows], path)
    try:
        code = parse_hs(hs)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="'--hs'") from None
    name = scenario or study.baseline
    _check_names("scenario", "--scenario", [name], [s.name for s in study.scenarios], path)
    day = _parse_on(on) or study.on
    chosen = next(f for f in study.flows if f.key == key)
    stack = _computed(path, product_stack, study, chosen, code, day, name)
    _render(fmt, output, width, inputs, "rate", path, stack)


@app.command()
def check(
    files: FilesArg,
    junit: Annotated[
        Path | None,
        typer.Option(
            "--junit",
            metavar="PATH",
            dir_okay=False,
            help="Also write the results as JUnit XML here (atomically).",
        ),
    ] = None,
) -> None:
    """Evaluate the expectations (`expect:`) of scenario files.

    Prints one line per failed expectation as path:line:col: expected ..., got ...,
    then 'N passed, M failed'. Exits 1 if any expectation fails.

    \b
    Example:
        tariffs check scenarios/*.yaml --junit check-results.xml
    """
    from tariffs.calc.expectations import check as evaluate
    from tariffs.calc.results import Outcome
    from tariffs.render import checks

    inputs = _inputs()
    checked: list[tuple[str, tuple[Outcome, ...]]] = []
    for path, study in _load_all(files, inputs):
        if not study.expectations:
            _say(f"{path}: states no expectations (add an 'expect' list)")
        checked.append((path, _computed(path, evaluate, study)))
    if junit is not None:
        _emit(checks.junit(checked), junit, inputs, people=False, option="--junit")
    _emit(checks.report(checked), None, inputs, people=True)
    if any(not o.passed for _, outcomes in checked for o in outcomes):
        raise typer.Exit(EXIT_INVALID)


class _Side(NamedTuple):
    """One side of a diff: a label, the study when it is a scenario file, its result metrics."""

    label: str
    study: Study | None
    files: list[tuple[str, Metrics]]


def _diff_fail(lines: Iterable[object]) -> NoReturn:
    _fail(lines, EXIT_USAGE)  # diff(1): trouble is 2


def _diff_side(label: str, text: str, read_file: FileReader) -> _Side:
    """A scenario file (computed here) or a saved `tariffs compare --format json` result."""
    import json
    from decimal import Decimal

    from tariffs.calc.changes import flatten
    from tariffs.calc.compare import compare as run
    from tariffs.input import saved
    from tariffs.input.load import load_text
    from tariffs.input.problems import ScenarioError
    from tariffs.render import json_out

    try:
        files = saved.read(text, label)
        if files is not None:
            return _Side(label, None, [(str(f["path"]), flatten(f)) for f in files])
        study = load_text(text, label, read_file)
    except ScenarioError as exc:
        _diff_fail(exc.problems)
    too_much = _too_much_work(label, study)
    if too_much:
        _diff_fail(too_much)
    result = _computed(label, run, study)
    computed = json.loads(json_out.compare([(label, result)]), parse_float=Decimal)
    return _Side(label, study, [(label, flatten(computed["files"][0]))])


def _read_side(path: Path, inputs: Inputs) -> _Side:
    from tariffs.input.files import folder_reader, read_text
    from tariffs.input.problems import ScenarioError

    try:
        text = read_text(path, inputs=inputs)
    except ScenarioError as exc:
        _diff_fail(exc.problems)
    return _diff_side(str(path), text, folder_reader(path, inputs))


def _rev_side(rev: str, path: Path) -> _Side:
    from tariffs.input.files import GitProblem, GitRevision
    from tariffs.input.problems import ScenarioError

    try:
        revision = GitRevision(rev, path)
        text = revision.scenario_text()
    except GitProblem as exc:
        _diff_fail([f"tariffs: {exc}"])
    except ScenarioError as exc:
        _diff_fail(exc.problems)
    return _diff_side(revision.label(path.name), text, revision.read)


def _tolerance(values: list[str]) -> Tolerance:
    from tariffs.calc.results import Tolerance
    from tariffs.input.literals import parse_money, parse_percent

    rate = money = None
    for text in values:
        try:
            if text.endswith(("%", "pp")):
                rate = parse_percent(text.removesuffix("pp").strip().removesuffix("%") + "%")
            else:
                money = parse_money(text)
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="'--tolerance'") from None
    return Tolerance(rate=rate, money=money)


@app.command()
def diff(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="OLD NEW: scenario files or saved JSON results; with --rev, one scenario file.",
            metavar="OLD [NEW]",
            show_default=False,
        ),
    ],
    rev: Annotated[
        str | None,
        typer.Option(
            "--rev", metavar="REV", help="Diff FILE as it was at this git revision against now."
        ),
    ] = None,
    tolerance: Annotated[
        list[str] | None,
        typer.Option(
            "--tolerance",
            "-t",
            metavar="SIZE",
            help="Ignore result differences of at most SIZE: '0.01%' (or '0.01pp') for rates, "
            "'1m' for money. Repeat for both.",
        ),
    ] = None,
    fmt: ReportFormatOpt = ReportFormat.table,
    output: OutputOpt = None,
    width: WidthOpt = None,
) -> None:
    """Show what changed between two versions of a scenario, in its inputs and its results.

    Exit status as diff(1): 0 no differences, 1 differences, 2 trouble.

    \b
    Example:
        tariffs diff old.yaml scenarios/geneva.yaml
        tariffs diff --rev main scenarios/geneva.yaml --format markdown
        tariffs diff results-old.json results-new.json --tolerance 0.01% --tolerance 1m
    """
    from tariffs.calc.changes import input_changes, result_changes
    from tariffs.calc.results import Diff, DiffReport

    if rev is not None and len(files) != 1:
        raise typer.BadParameter("with --rev, give one scenario file", param_hint="FILE")
    if rev is None and len(files) != 2:
        raise typer.BadParameter("give two files, OLD and NEW (or --rev REV FILE)")
    inputs = _inputs()
    limits = _tolerance(tolerance or [])
    if rev is not None:
        old, new = _rev_side(rev, files[0]), _read_side(files[0], inputs)
    else:
        old, new = _read_side(files[0], inputs), _read_side(files[1], inputs)
    changed = None
    if old.study is not None and new.study is not None:
        changed = input_changes(old.study, new.study)
    found = Diff(changed, result_changes(old.files, new.files, limits))
    _render(fmt, output, width, inputs, "diff", DiffReport(old.label, new.label, limits, found))
    if found.differences:
        raise typer.Exit(EXIT_INVALID)


@app.command()
def schema() -> None:
    """Print the JSON Schema of scenario files (for editors and other validators).

    \b
    Example:
        tariffs schema > scenario.schema.json
    """
    from tariffs.input.schema import scenario_schema_text

    _out(scenario_schema_text())


class _ClosedStream:
    """Stands in for stdout when the process started with it closed (`>&-`): any write
    fails, so a command that has something to say exits 74 instead of saying nothing."""

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, "standard output is closed")

    def flush(self) -> None:
        """Nothing is buffered."""

    def isatty(self) -> bool:
        return False


def _prepare_streams() -> None:
    """Make the standard streams safe before anything runs.

    - A closed descriptor 0, 1 or 2 is reopened on /dev/null, so that no file opened later
      takes its number; a closed stdout becomes a stream whose writes fail.
    - Text that the output encoding cannot hold (PYTHONIOENCODING=ascii) is written as a
      backslash escape rather than ending the run.
    - A closed pipe ends the run as it ends cat or grep: by SIGPIPE, which a shell reports
      as 141. Python ignores SIGPIPE by default; restoring it covers every write, the help
      text's included, whatever code makes it.
    """
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            null = os.open(os.devnull, os.O_RDWR)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)
            if fd == 1:
                sys.stdout = _ClosedStream()  # type: ignore[assignment,unused-ignore]
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that the interpreter's last flush has nowhere to fail."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.close(null)
    except OSError:
        pass


def _failed_write(error: OSError) -> int:
    """The exit code, and the message, for output that could not be written.

    Every read and every output file is handled where it happens, so an OSError that
    reaches here comes from writing stdout: a full disk, a closed descriptor, a closed pipe
    where SIGPIPE is not available.
    """
    _silence_stdout()
    if isinstance(error, BrokenPipeError):
        return EXIT_PIPE  # the reader went away (| head): stop quietly, as cat would
    typer.echo(f"tariffs: cannot write the output: {error.strerror or error}", err=True)
    return EXIT_OUTPUT


def main() -> None:
    """Console-script entry point. Every way a run can end has its exit code and at most a
    one-line message (see the README, "Exit codes"); a traceback is a bug."""
    _prepare_streams()
    try:
        code = app(prog_name="tariffs", standalone_mode=False)
    except typer.TyperException as exc:  # usage errors and bad parameters
        show = getattr(exc, "show", None)
        if show is not None:
            show()
        else:
            typer.echo(f"tariffs: {exc.format_message()}", err=True)
        code = exc.exit_code
    except (typer.Abort, KeyboardInterrupt):
        code = EXIT_INTERRUPTED
    except OSError as exc:
        code = _failed_write(exc)
    else:
        try:
            sys.stdout.flush()
        except OSError as exc:
            code = _failed_write(exc)
    raise SystemExit(code if isinstance(code, int) else EXIT_OK)
