"""The command line: parse options, load, compute, render, write. The only module that prints.

Heavy modules (pydantic, yaml, rich, the core) are imported inside the commands, so that
`tariffs --help` stays fast.
"""

from __future__ import annotations

import enum
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NamedTuple, NoReturn

import typer

from tariffs import __version__
from tariffs.render import PLAIN_WIDTH

if TYPE_CHECKING:
    from datetime import date

    from tariffs.core import StudyResult
    from tariffs.diffing import Metrics, Tolerance
    from tariffs.domain import Study
    from tariffs.loading import FileReader
    from tariffs.render.table import Page

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
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
        141  the reader closed the output pipe early (as with | head)
    """


# --- shared helpers ---------------------------------------------------------------------


def _fail(problems: list[str]) -> NoReturn:
    for line in problems:
        typer.echo(line, err=True)
    raise typer.Exit(EXIT_INVALID)


def _load_all(files: list[Path]) -> list[tuple[str, Study]]:
    from tariffs.loading import ScenarioError, load

    loaded: list[tuple[str, Study]] = []
    problems: list[str] = []
    for path in files:
        try:
            loaded.append((str(path), load(path)))
        except ScenarioError as exc:
            problems.extend(str(p) for p in exc.problems)
    if problems:
        _fail(problems)
    return loaded


def _parse_on(value: str | None) -> date | None:
    from tariffs.units import parse_date

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


def _write(text: str, output: Path | None, option: str = "--output") -> None:
    """Write to stdout, or atomically to `output` (a temporary file, then a rename)."""
    if output is None:
        try:
            sys.stdout.write(text)
            sys.stdout.flush()
        except BrokenPipeError:
            _quiet_pipe()
        return
    import tempfile

    parent = output.parent
    if not parent.is_dir():
        raise typer.BadParameter(f"folder {str(parent)!r} does not exist", param_hint=f"'{option}'")
    fd, tmp = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".tmp", dir=parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(tmp, output)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _quiet_pipe() -> NoReturn:
    """The reader went away (`tariffs ... | head`): stop quietly, as cat or grep would."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    raise typer.Exit(EXIT_PIPE)


def _refuse_overwrite(output: Path | None, inputs: list[Path], option: str = "--output") -> None:
    if output is None:
        return
    target = output.resolve()
    for path in inputs:
        if path.resolve() == target:
            raise typer.BadParameter(
                f"refusing to overwrite the input file {str(path)!r}", param_hint=f"'{option}'"
            )


def _show(page: Page, output: Path | None) -> None:
    """Print a table page: coloured on a terminal, plain text everywhere else."""
    from tariffs.render.table import to_text

    if _is_terminal(output):
        from rich.console import Console

        Console(width=page.width, highlight=False, markup=False, emoji=False).print(page.body)
        return
    _write(to_text(page), output)


def _page_width(width: int | None, output: Path | None) -> int:
    """An explicit --width wins; a terminal gets its own width; anything else gets 120."""
    if width is not None:
        return width
    if _is_terminal(output):
        import shutil

        return max(60, shutil.get_terminal_size((PLAIN_WIDTH, 24)).columns)
    return PLAIN_WIDTH


def _render(
    fmt: Format | ReportFormat, output: Path | None, width: int | None, view: str, *args: object
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
        _show(getattr(module, view)(*args, page_width), output)
        return
    if view == "timeline" and fmt == "markdown":
        args = (*args, page_width)  # for the width of the chart
    _write(getattr(module, view)(*args), output)


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
    from tariffs.core import compare as run

    _refuse_overwrite(output, files)
    report_on = _parse_on(on)
    results: list[tuple[str, StudyResult]] = []
    for path, study in _load_all(files):
        names = [s.name for s in study.scenarios]
        _check_names("scenario", "--scenario", scenario or [], names, path)
        _check_names("scenario", "--baseline", [baseline] if baseline else [], names, path)
        only = tuple(dict.fromkeys(scenario or ()))  # each named scenario once, in order
        result = run(study, on=report_on, baseline=baseline, only=only)
        results.append((path, result))
    _render(fmt, output, width, "compare", results)


@app.command()
def validate(files: FilesArg) -> None:
    """Check scenario files; print every problem, or one 'ok' line per file.

    \b
    Example:
        tariffs validate scenarios/*.yaml
    """
    from tariffs.loading import ScenarioError, load

    problems: list[str] = []
    for path in files:
        try:
            study = load(path)
        except ScenarioError as exc:
            problems.extend(str(p) for p in exc.problems)
            continue
        typer.echo(
            f"{path}: ok ({len(study.scenarios)} scenarios, {len(study.measures)} measures, "
            f"{len(study.flows)} flows)"
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
    from tariffs.core import timelines
    from tariffs.units import parse_flow

    _refuse_overwrite(output, [file])
    [(path, study)] = _load_all([file])
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
    _render(fmt, output, width, "timeline", path, timelines(study, tuple(wanted), chosen))


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
    from tariffs.product import product_stack
    from tariffs.units import parse_flow, parse_hs

    _refuse_overwrite(output, [file])
    [(path, study)] = _load_all([file])
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
    _render(fmt, output, width, "rate", path, product_stack(study, chosen, code, day, name))


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
    from tariffs.checking import Outcome
    from tariffs.checking import check as evaluate
    from tariffs.render import checks

    _refuse_overwrite(junit, files, "--junit")
    checked: list[tuple[str, tuple[Outcome, ...]]] = []
    for path, study in _load_all(files):
        if not study.expectations:
            typer.echo(f"{path}: states no expectations (add an 'expect' list)", err=True)
        checked.append((path, evaluate(study)))
    if junit is not None:
        _write(checks.junit(checked), junit, "--junit")
    _write(checks.report(checked), None)
    if any(not o.passed for _, outcomes in checked for o in outcomes):
        raise typer.Exit(EXIT_INVALID)


class _Side(NamedTuple):
    """One side of a diff: a label, the study when it is a scenario file, its result metrics."""

    label: str
    study: Study | None
    files: list[tuple[str, Metrics]]


def _diff_fail(lines: list[str]) -> NoReturn:
    for line in lines:
        typer.echo(line, err=True)
    raise typer.Exit(EXIT_USAGE)


def _git_show(rev: str, path: Path, relative: str | None = None) -> str:
    """The text at git revision `rev` of `path`, or of `relative` to `path`'s folder."""
    import subprocess

    spec = f"{rev}:./{relative or path.name}"
    try:
        done = subprocess.run(  # noqa: S603 - a fixed argv, no shell
            ["git", "show", spec],  # noqa: S607 - git is found on PATH, as a user expects
            cwd=path.parent if str(path.parent) else ".",
            capture_output=True,
            check=False,
        )
    except FileNotFoundError:
        _diff_fail(["tariffs: --rev needs git, which is not on PATH"])
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines() or ["failed"]
        shown = path.parent / relative if relative else path
        _diff_fail([f"{shown}: cannot read it at revision {rev!r}: {reason[0]}"])
    try:
        return done.stdout.decode("utf-8-sig")
    except UnicodeDecodeError:
        _diff_fail([f"{rev}:{path}: file is not valid UTF-8"])


def _git_reader(rev: str, scenario: Path) -> FileReader:
    """Reads the files a scenario names as they were at `rev`, inside its folder only."""
    import posixpath

    def read(name: str) -> tuple[str, str]:
        relative = posixpath.normpath(name.replace("\\", "/"))
        if posixpath.isabs(relative) or ":" in relative:
            raise ValueError(f"{name!r} must be a path relative to the scenario file")
        if relative == ".." or relative.startswith("../"):
            raise ValueError(f"{name!r} is outside the scenario file's folder; refusing to read it")
        return f"{rev}:{scenario.parent / relative}", _git_show(rev, scenario, relative)

    return read


def _diff_side(label: str, text: str, read_file: FileReader | None = None) -> _Side:
    """A scenario file (computed here) or a saved `tariffs compare --format json` result."""
    import json
    from decimal import Decimal

    from tariffs.core import compare as run
    from tariffs.diffing import flatten
    from tariffs.loading import ScenarioError, load_text
    from tariffs.render import json_out

    doc = None
    if text.lstrip().startswith("{"):
        try:
            doc = json.loads(text, parse_float=Decimal)
        except ValueError:
            doc = None  # not JSON: let the YAML loader report it
    if isinstance(doc, dict) and "format" in doc:
        if doc.get("format") != json_out.FORMAT or doc.get("version") != json_out.VERSION:
            _diff_fail(
                [
                    f"{label}: a saved result must be 'tariffs compare --format json' output "
                    f"(format {json_out.FORMAT!r}, version {json_out.VERSION}); this is "
                    f"{doc.get('format')!r}, version {doc.get('version')!r}"
                ]
            )
        try:
            files = [(str(f["path"]), flatten(f)) for f in doc["files"]]
        except (KeyError, TypeError, AttributeError) as exc:
            _diff_fail([f"{label}: not a well-formed tariffs.compare result ({exc!r} is wrong)"])
        return _Side(label, None, files)
    try:
        study = load_text(text, label, read_file) if read_file else load_text(text, label)
    except ScenarioError as exc:
        _diff_fail([str(p) for p in exc.problems])
    computed = json.loads(json_out.compare([(label, run(study))]), parse_float=Decimal)
    return _Side(label, study, [(label, flatten(computed["files"][0]))])


def _read_side(path: Path) -> _Side:
    from tariffs.loading import ScenarioError, folder_reader, read_text

    try:
        return _diff_side(str(path), read_text(path), folder_reader(path))
    except ScenarioError as exc:
        _diff_fail([str(p) for p in exc.problems])


def _tolerance(values: list[str]) -> Tolerance:
    from tariffs.diffing import Tolerance
    from tariffs.units import parse_money, parse_percent

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
    from tariffs.diffing import Diff, DiffReport, input_changes, result_changes

    if rev is not None and len(files) != 1:
        raise typer.BadParameter("with --rev, give one scenario file", param_hint="FILE")
    if rev is None and len(files) != 2:
        raise typer.BadParameter("give two files, OLD and NEW (or --rev REV FILE)")
    _refuse_overwrite(output, files)
    limits = _tolerance(tolerance or [])
    if rev is not None:
        old = _diff_side(f"{rev}:{files[0]}", _git_show(rev, files[0]), _git_reader(rev, files[0]))
        new = _read_side(files[0])
    else:
        old, new = _read_side(files[0]), _read_side(files[1])
    inputs = None
    if old.study is not None and new.study is not None:
        inputs = input_changes(old.study, new.study)
    found = Diff(inputs, result_changes(old.files, new.files, limits))
    _render(fmt, output, width, "diff", DiffReport(old.label, new.label, limits, found))
    if found.count:
        raise typer.Exit(EXIT_INVALID)


@app.command()
def schema() -> None:
    """Print the JSON Schema of scenario files (for editors and other validators).

    \b
    Example:
        tariffs schema > scenario.schema.json
    """
    from tariffs.schema import scenario_schema_text

    _write(scenario_schema_text(), None)


def main() -> None:
    """Console-script entry point."""
    app(prog_name="tariffs")
