"""The commands: parse options, load, compute, and hand the result to cli.show.

A thin shell over the pipeline: input (load) -> calc -> render (chosen in cli.show). Heavy
modules (pydantic, yaml, rich, the calculation) are imported inside the commands, so that
`tariffs --help` stays fast.
"""

import enum
import math
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NamedTuple, NoReturn

import typer
from typer.core import TyperCommand

from tariffs import __version__
from tariffs.cli import show
from tariffs.cli.exits import EXIT_INVALID, EXIT_OK, EXIT_USAGE
from tariffs.cli.streams import run
from tariffs.domain import Flow, Study, Tracker, counted, quoted
from tariffs.render import COMPARE_SECTIONS

if TYPE_CHECKING:
    from tariffs.calc.results import Outcome, StudyResult, Tolerance
    from tariffs.calc.scope import FlowModel
    from tariffs.input.files import FileReader, Inputs
    from tariffs.metrics import Flat

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


class Split(enum.StrEnum):
    """The parts an importer's total is split into (timeline --by)."""

    authority = "authority"
    layer = "layer"
    partner = "partner"


class Lines(enum.StrEnum):
    """What compare's JSON and CSV write of the product lines (render.json_out.LINES)."""

    all = "all"
    changed = "changed"
    none = "none"


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
        129  ended by SIGHUP (the terminal closed)
        130  interrupted (Ctrl-C)
        141  the reader closed the output pipe early (as with | head)
        143  ended by SIGTERM (timeout, kill, a cancelled CI job)
    """


# --- help, usage errors and completion ---------------------------------------------------


class Command(TyperCommand):
    """A command whose help names each argument by its metavar alone (`FILE...`, not
    `FILE <list[Path]>`), and whose unknown-option error lists the options it has."""

    # click's classes are typer's (vendored from typer 0.29): typed loosely, used by name.
    def format_options(self, ctx: Any, formatter: Any) -> None:
        arguments: list[tuple[str, str]] = []
        options: list[tuple[str, str]] = []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None:
                continue
            if param.param_type_name == "argument":
                name = param.metavar or param.name or ""
                if param.nargs != 1 and "[" not in name:
                    name += "..."
                arguments.append((name, record[1]))
            else:
                options.append(record)
        if arguments:
            with formatter.section("Arguments"):
                formatter.write_dl(arguments)
        if options:
            with formatter.section("Options"):
                formatter.write_dl(options)

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except Exception as exc:
            if type(exc).__name__ != "NoSuchOption":
                raise
            helps = set(ctx.help_option_names)
            error: Any = exc
            close = [name for name in error.possibilities or () if name not in helps]
            known = sorted(
                name
                for param in self.get_params(ctx)
                if param.param_type_name == "option"
                for name in param.opts
                if name.startswith("--") and name not in helps
            )
            error.possibilities = close or known
            raise


class CompareCommand(Command):
    """`compare`, whose help ends with each table column beside the names the registry
    (tariffs.metrics) gives its metrics, which JSON, CSV, diff, sweep and `expect:` use.
    Read from the registry only when the help is shown."""

    def format_epilog(self, ctx: Any, formatter: Any) -> None:
        from tariffs.render.reference import column_names

        formatter.write_paragraph()
        formatter.write_text(
            "The table columns, and the names JSON, CSV, diff, sweep and expect: give "
            "their metrics:"
        )
        for title, rows in column_names():
            with formatter.section(title):
                formatter.write_dl(rows)


def _named_files(ctx: typer.Context, args: list[str]) -> list[Path]:
    """The scenario files already on the command line being completed: the FILE argument
    when it was parsed, or else the words naming a YAML file."""
    value = ctx.params.get("files") or ctx.params.get("file")
    if value:
        return [Path(v) for v in (value if isinstance(value, list | tuple) else [value])]
    words = [*args, *ctx.args]  # while an option waits for its value, the rest is unparsed
    return [Path(word) for word in dict.fromkeys(words) if word.endswith((".yaml", ".yml"))]


def _complete(
    ctx: typer.Context,
    args: list[str],
    incomplete: str,
    names: Callable[[Study], Iterable[str]],
) -> list[str]:
    """Names from the files on the line that start with `incomplete`; none on any error, so
    that completion never prints a traceback."""
    try:
        from tariffs.input.load import load

        found: dict[str, None] = {}
        for path in _named_files(ctx, args):
            found.update(dict.fromkeys(names(load(path))))
        return [name for name in found if name.startswith(incomplete)]
    except Exception:  # a half-typed line must never break the shell
        return []


def complete_scenario(ctx: typer.Context, args: list[str], incomplete: str) -> list[str]:
    """Shell completion of --scenario and --baseline: the scenarios of the FILE given."""
    return _complete(ctx, args, incomplete, lambda study: (s.name for s in study.scenarios))


def complete_flow(ctx: typer.Context, args: list[str], incomplete: str) -> list[str]:
    """Shell completion of --flow: the flows (IMPORTER:EXPORTER) of the FILE given."""
    return _complete(ctx, args, incomplete, lambda study: (f.key for f in study.flows))


def complete_timeline_flow(ctx: typer.Context, args: list[str], incomplete: str) -> list[str]:
    """Shell completion of timeline's --flow: the flows of the FILE given, and each
    importer's total (IMPORTER:*)."""

    def names(study: Study) -> Iterable[str]:
        yield from (f.key for f in study.flows)
        yield from dict.fromkeys(f"{f.importer}:*" for f in study.flows)

    return _complete(ctx, args, incomplete, names)


def complete_section(ctx: typer.Context, args: list[str], incomplete: str) -> list[str]:
    """Shell completion of compare's --only: the section names, after those already given
    in the same comma-separated word (`totals,pa` offers `totals,partners` and
    `totals,partner-by-layer`)."""
    done, comma, last = incomplete.rpartition(",")
    given = set(done.split(",")) if comma else set()
    return [
        f"{done}{comma}{name}"
        for name in COMPARE_SECTIONS
        if name.startswith(last) and name not in given
    ]


# --- shared helpers ---------------------------------------------------------------------


def _inputs() -> "Inputs":
    from tariffs.input.files import Inputs

    return Inputs()


Models = dict[int, dict[str, "FlowModel"]]
"""The flow models the work estimate made, by id() of their study: a file named twice is
loaded twice, and each study keeps its own (the studies live as long as the dict is used)."""


def _load_all(
    files: list[Path], inputs: "Inputs", models: Models | None = None
) -> list[tuple[str, Study]]:
    """Every file's study, each within the work limit; `models`, when given, receives the
    flow models the work estimate made for each study, for a command that computes them."""
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
        problems.extend(_too_much_work(str(path), study, models))
        loaded.append((str(path), study))
    if problems:
        show.fail(problems)
    return loaded


def _too_much_work(path: str, study: Study, models: Models | None = None) -> list[str]:
    """A problem if computing `study` would take more than MAX_WORK (see limits.py)."""
    from tariffs.calc.cost import TooMuchWork, check_work
    from tariffs.calc.scope import flow_models
    from tariffs.limits import MAX_WORK

    made = flow_models(study)
    if models is not None:
        models[id(study)] = made
    try:
        check_work(study, MAX_WORK, made)
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
                f"{path} has no {kind} {quoted(name)} (it has: {', '.join(known)})",
                param_hint=f"'{option}'",
            )


def _sections(values: list[str] | None, fmt: Format) -> list[str] | None:
    """The sections `--only` names (comma-separated, the option repeatable), each checked;
    None when it is not given. JSON and CSV always hold every result, so with them it is a
    usage error rather than an option silently ignored."""
    if not values:
        return None
    names = [piece.strip() for value in values for piece in value.split(",")]
    valid = ", ".join(COMPARE_SECTIONS)
    for name in names:
        if name not in COMPARE_SECTIONS:
            what = f"unknown section {quoted(name)}" if name else "an empty section name"
            raise typer.BadParameter(f"{what} (sections: {valid})", param_hint="'--only'")
    if fmt in {Format.json, Format.csv}:
        how = "a JSON tool such as jq" if fmt == Format.json else "its `metric` column"
        raise typer.BadParameter(
            f"chooses the sections of table and Markdown output; --format {fmt.value} always "
            f"holds every result (select from it with {how})",
            param_hint="'--only'",
        )
    return names


def _once(values: list[str] | None, option: str) -> str | None:
    """The one value of an option that takes one: given twice, it is refused, not the last
    taken (click's way), so that `-s a -s b` never silently shows `b` alone."""
    given = values or []
    if len(given) > 1:
        shown = ", ".join(quoted(value) for value in given)
        raise typer.BadParameter(
            f"given {len(given)} times ({shown}); this command takes one", param_hint=f"'{option}'"
        )
    return given[0] if given else None


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
        min=show.NARROWEST,
        max=show.WIDEST,
        metavar="N",
        show_default=False,
        help="Width of table output in characters. Default: the terminal's width on a "
        "terminal, 120 everywhere else.",
    ),
]
PlotOpt = Annotated[
    Path | None,
    typer.Option(
        "--plot",
        metavar="PATH.svg|PATH.png",
        dir_okay=False,
        help="Also draw a chart here (needs: pip install 'tariffs[plot]').",
    ),
]
ScenarioOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--scenario",
        "-s",
        metavar="NAME",
        autocompletion=complete_scenario,
        help="Only these scenarios (repeat).",
    ),
]


# --- commands ---------------------------------------------------------------------------


@app.command(cls=CompareCommand)
def compare(
    files: FilesArg,
    on: Annotated[
        str | None,
        typer.Option("--on", metavar="DATE", help="Report rates on this date (YYYY-MM-DD)."),
    ] = None,
    scenario: ScenarioOpt = None,
    baseline: Annotated[
        str | None,
        typer.Option(
            "--baseline",
            "-b",
            metavar="NAME",
            autocompletion=complete_scenario,
            help="Measure deltas against this.",
        ),
    ] = None,
    chosen: Annotated[
        list[str] | None,
        typer.Option(
            "--only",
            metavar="SECTIONS",
            autocompletion=complete_section,
            help="Only these sections of the table or Markdown, comma-separated (repeat to "
            f"add more): {', '.join(COMPARE_SECTIONS)}. Not with --format json or csv, "
            "which hold every result.",
        ),
    ] = None,
    fmt: FormatOpt = Format.table,
    lines: Annotated[
        Lines,
        typer.Option(
            "--lines",
            case_sensitive=False,
            help="The product lines of --format json or csv: all (under every scenario), "
            "changed (under the baseline all, under the other scenarios those whose figures "
            "differ from the baseline's) or none.",
        ),
    ] = Lines.all,
    output: OutputOpt = None,
    width: WidthOpt = None,
    plot: PlotOpt = None,
) -> None:
    """Compare the scenarios of each file: rates, averages, duties and windows.

    \b
    Example:
        tariffs compare scenarios/geneva.yaml
        tariffs compare scenarios/geneva.yaml --on 2025-09-01 -s geneva -s extended
        tariffs compare scenarios/world-2025.yaml --only totals,partners
        tariffs compare scenarios/*.yaml --format json --output results.json
        tariffs compare scenarios/products-2025.yaml --format json --lines changed
        tariffs compare scenarios/geneva.yaml --plot geneva.svg
    """
    from tariffs.calc.compare import compare as run

    show.check_outputs(output=output, plot=plot)
    sections = _sections(chosen, fmt)
    if lines != Lines.all and fmt not in {Format.json, Format.csv}:
        raise typer.BadParameter(
            f"chooses the product lines of --format json and csv; --format {fmt.value} shows "
            "each flow's largest lines (the section 'lines' of --only)",
            param_hint="'--lines'",
        )
    inputs = _inputs()
    report_on = _parse_on(on)
    results: list[tuple[str, StudyResult]] = []
    models: Models = {}
    for path, study in _load_all(files, inputs, models):
        names = [s.name for s in study.scenarios]
        _check_names("scenario", "--scenario", scenario or [], names, path)
        _check_names("scenario", "--baseline", [baseline] if baseline else [], names, path)
        only = tuple(dict.fromkeys(scenario or ()))  # each named scenario once, in order
        result = show.computed(
            path, run, study, on=report_on, baseline=baseline, only=only, models=models[id(study)]
        )
        results.append((path, result))
        for found in result.scenarios:  # the linear market model out of its range
            for warning in (w for m in found.markets for w in m.warnings):
                show.say(f"{path}: {warning}")
    show.chart(
        plot, lambda module, kind, notes: module.compare_chart(results, kind, notes=notes), inputs
    )
    if sections:
        from tariffs.render.market_grids import document_grids

        for name in sections:  # a section the files have nothing for is said, not silent
            if not any(document_grids(result, {name}) for _, result in results):
                show.say(f"tariffs: --only: the files have no {name!r} section to show")
    show.show_compare(show.Where(fmt, output, width, inputs), results, sections, lines.value)


@app.command(cls=Command)
def validate(files: FilesArg) -> None:
    """Check scenario files; print every problem, or one 'ok' line per file.

    \b
    Example:
        tariffs validate scenarios/*.yaml
    """
    from tariffs.domain import MFN
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
        for warning in study.warnings:
            show.say(warning)
        measures = sum(1 for m in study.measures if m.kind != MFN)
        show.out(
            visible(
                f"{path}: ok ({counted(len(study.scenarios), 'scenario')}, "
                f"{counted(measures, 'measure')}, {counted(len(study.flows), 'flow')})"
            )
            + "\n"
        )
    if problems:
        show.fail(problems)


@app.command(cls=Command)
def timeline(
    file: Annotated[
        Path, typer.Argument(help="A scenario file (YAML).", metavar="FILE", show_default=False)
    ],
    scenario: Annotated[
        list[str] | None,
        typer.Option(
            "--scenario",
            "-s",
            metavar="NAME",
            autocompletion=complete_scenario,
            help="Scenarios to show (repeat); default: baseline.",
        ),
    ] = None,
    flow: Annotated[
        list[str] | None,
        typer.Option(
            "--flow",
            metavar="IMPORTER:EXPORTER",
            autocompletion=complete_timeline_flow,
            help="Flows to show (repeat), such as US:CN; IMPORTER:* for an importer's "
            "total over its partners, such as 'US:*'.",
        ),
    ] = None,
    by: Annotated[
        list[Split] | None,
        typer.Option(
            "--by",
            metavar="authority|layer|partner",
            case_sensitive=False,
            help="How to split an importer's total (repeat). Default: authority and layer.",
        ),
    ] = None,
    against: Annotated[
        Path | None,
        typer.Option(
            "--against",
            metavar="FILE.csv",
            dir_okay=False,
            help="Another source's rates by date (a CSV with date and value columns, "
            "values in percent): each series' gap to it, and a line beside it on --plot.",
        ),
    ] = None,
    hs: Annotated[
        str | None,
        typer.Option(
            "--hs",
            metavar="CODE",
            help="Follow one product's own rates (an HS code such as 8517.13), not the "
            "flow's import-weighted ones.",
        ),
    ] = None,
    fmt: FormatOpt = Format.table,
    output: OutputOpt = None,
    width: WidthOpt = None,
    plot: PlotOpt = None,
) -> None:
    """Show each segment of the rate timeline, what changed, and a step chart.

    \b
    Example:
        tariffs timeline scenarios/geneva.yaml --scenario geneva --flow US:CN
        tariffs timeline scenarios/products-2025.yaml --flow US:CN --hs 8517.13
        tariffs timeline scenarios/world-2026.yaml --flow 'US:*' --by partner -f csv
        tariffs timeline scenarios/world-2026.yaml --flow 'US:*' --against yale.csv --plot us.svg
    """
    from tariffs.calc.compare import MfnUnknown
    from tariffs.calc.cost import TooMuchWork, check_timeline
    from tariffs.calc.series import daily
    from tariffs.limits import MAX_TIMELINE_CELLS

    show.check_outputs(output=output, plot=plot)
    inputs = _inputs()
    [(path, study)] = _load_all([file], inputs)
    names = [s.name for s in study.scenarios]
    wanted = list(dict.fromkeys(scenario or [study.baseline]))
    _check_names("scenario", "--scenario", wanted, names, path)
    chosen, importers = _timeline_flows(study, flow, path)
    if by and not importers:
        raise typer.BadParameter(
            "--by splits an importer's total: name one with --flow IMPORTER:*, such as 'US:*'",
            param_hint="'--by'",
        )
    try:
        check_timeline(study, tuple(wanted), chosen, MAX_TIMELINE_CELLS, importers)
    except TooMuchWork as exc:
        show.fail([f"{path}:1:1: {exc}"])
    code = ""
    if hs is not None:
        from tariffs.input.literals import parse_hs

        if importers:
            raise typer.BadParameter(
                "--hs follows one product of a flow; an importer's total (IMPORTER:*) has none",
                param_hint="'--hs'",
            )
        try:
            code = parse_hs(hs)
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="'--hs'") from None
    tracker = _tracker(against, inputs) if against is not None else None
    splits = tuple(dict.fromkeys(s.value for s in by or (Split.authority, Split.layer)))
    try:
        result = show.computed(
            path,
            daily,
            study,
            tuple(wanted),
            chosen,
            importers,
            splits=splits,
            hs=code,
            tracker=tracker,
        )
    except MfnUnknown as exc:
        raise typer.BadParameter(str(exc), param_hint="'--hs'") from None
    if tracker is not None and not any(g.days for g in result.gaps):
        show.say(f"{tracker.path}: warning: no value of it falls in the period of {path}")
    show.chart(
        plot,
        lambda module, kind, notes: module.timeline_chart(path, result, kind, notes=notes),
        inputs,
    )
    show.show_timeline(show.Where(fmt, output, width, inputs), path, result)


def _timeline_flows(
    study: Study, given: list[str] | None, path: str
) -> tuple[tuple[Flow, ...], tuple[str, ...]]:
    """The flows and the importers' totals (IMPORTER:*) that timeline's --flow names, each
    once, in order; every flow when none is named."""
    from tariffs.input.literals import parse_flow

    keys = [f.key for f in study.flows]
    try:
        named = list(dict.fromkeys(":".join(parse_flow(text)) for text in given or keys))
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="'--flow'") from None
    totals = [key for key in named if key.endswith(":*")]
    flows = [key for key in named if not key.endswith(":*")]
    _check_names("flow", "--flow", flows, keys, path)
    importers = list(dict.fromkeys(f.importer for f in study.flows))
    for key in totals:
        if key[:-2] not in importers:
            raise typer.BadParameter(
                f"{path} has no flow into {quoted(key[:-2])}, so no total {quoted(key)} "
                f"(its importers: {', '.join(importers)})",
                param_hint="'--flow'",
            )
    chosen = tuple(f for key in flows for f in study.flows if f.key == key)
    return chosen, tuple(key[:-2] for key in totals)


def _tracker(path: Path, inputs: "Inputs") -> Tracker:
    """The series of --against, or the end of the run with its problems (exit 1)."""
    from tariffs.input.problems import ScenarioError
    from tariffs.input.tracker import read_tracker

    try:
        tracker = read_tracker(path, inputs)
    except ScenarioError as exc:
        show.fail(exc.problems)
    values = [v for _, v in tracker.points if v is not None]
    if values and max(values) < 1:
        show.say(
            f"{tracker.path}: warning: every value is below 1; values are read as percent "
            "(0.16 is 0.16%, not 16%)"
        )
    return tracker


@app.command(cls=Command)
def rate(
    file: Annotated[
        Path, typer.Argument(help="A scenario file (YAML).", metavar="FILE", show_default=False)
    ],
    flows: Annotated[
        list[str],
        typer.Option(
            "--flow",
            metavar="IMPORTER:EXPORTER",
            autocompletion=complete_flow,
            help="The flow, such as US:CN.",
        ),
    ],
    codes: Annotated[
        list[str],
        typer.Option("--hs", metavar="CODE", help="The product's HS code, such as 8517.13."),
    ],
    dates: Annotated[
        list[str] | None,
        typer.Option("--on", metavar="DATE", help="The date (YYYY-MM-DD); default: the file's."),
    ] = None,
    scenarios: Annotated[
        list[str] | None,
        typer.Option(
            "--scenario",
            "-s",
            metavar="NAME",
            autocompletion=complete_scenario,
            help="Default: the baseline.",
        ),
    ] = None,
    value: Annotated[
        str | None,
        typer.Option(
            "--value",
            metavar="DOLLARS",
            help="Also price this entered value to the cent, as tariffs entry would.",
        ),
    ] = None,
    quantity: Annotated[
        str | None,
        typer.Option(
            "--quantity", metavar="QUANTITY", help="With --value: the quantity, such as 1000kg."
        ),
    ] = None,
    mfn: Annotated[
        str | None,
        typer.Option(
            "--mfn", metavar="RATE", help="With --value: the MFN rate, if the file has none."
        ),
    ] = None,
    fmt: ReportFormatOpt = ReportFormat.table,
    output: OutputOpt = None,
    width: WidthOpt = None,
) -> None:
    """Show the duty stack of one product on one date: each layer, why it applies or not;
    with --value, the duty on that value to the cent.

    \b
    Example:
        tariffs rate scenarios/products-2025.yaml --flow US:CN --hs 8517.13 --on 2025-04-20
        tariffs rate scenarios/world-2025.yaml --flow US:CN --hs 8708 --value 30000
    """
    from tariffs.calc.compare import MfnUnknown
    from tariffs.calc.stack import product_stack
    from tariffs.input.literals import parse_flow, parse_hs

    flow, hs = _once(flows, "--flow") or "", _once(codes, "--hs") or ""
    on, scenario = _once(dates, "--on"), _once(scenarios, "--scenario")
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
    where = show.Where(fmt, output, width, inputs)
    if value is not None:
        from tariffs.cli.entries import Priced, show_priced_rate

        priced = Priced(study, chosen, code, day, name, value, quantity, mfn)
        show_priced_rate(where, path, priced)
        return
    for given, option in ((quantity, "--quantity"), (mfn, "--mfn")):
        if given is not None:
            raise typer.BadParameter("goes with --value", param_hint=f"'{option}'")
    try:
        stack = show.computed(path, product_stack, study, chosen, code, day, name)
    except MfnUnknown as exc:
        raise typer.BadParameter(str(exc), param_hint="'--hs'") from None
    show.show_rate(where, path, stack)


@app.command(cls=Command)
def entry(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="Scenario files (YAML), then the entry file (CSV, or .xlsx with the xlsx extra).",
            metavar="FILE",
            show_default=False,
        ),
    ],
    scenarios: Annotated[
        list[str] | None,
        typer.Option(
            "--scenario",
            "-s",
            metavar="NAME",
            help="Price the entries under this scenario (repeat); default: the files' baseline.",
        ),
    ] = None,
    origins: Annotated[
        list[str] | None,
        typer.Option(
            "--origin",
            metavar="CC",
            help="Also price every line as if from this origin, side by side (repeat).",
        ),
    ] = None,
    refund_authority: Annotated[
        str | None,
        typer.Option(
            "--refund-authority",
            metavar="AUTHORITY",
            help="Owed back: the duties paid under this authority, such as ieepa.",
        ),
    ] = None,
    refund_against: Annotated[
        str | None,
        typer.Option(
            "--refund-against",
            metavar="SCENARIO",
            help="Owed back: what each layer owes more than under this scenario, such as "
            "ieepa-struck.",
        ),
    ] = None,
    refund_on: Annotated[
        str | None,
        typer.Option(
            "--refund-on", metavar="DATE", help="With a refund: interest runs to this date."
        ),
    ] = None,
    payer: Annotated[
        str | None,
        typer.Option(
            "--payer",
            metavar="corporate|non-corporate",
            help="With --refund-on: the overpayment interest rate that applies.",
        ),
    ] = None,
    fees: Annotated[
        Path | None,
        typer.Option(
            "--fees", metavar="FILE", dir_okay=False, help="A fees table (CSV) for other years."
        ),
    ] = None,
    interest: Annotated[
        Path | None,
        typer.Option(
            "--interest",
            metavar="FILE",
            dir_okay=False,
            help="An interest table (CSV) for other quarters.",
        ),
    ] = None,
    fmt: FormatOpt = Format.table,
    output: OutputOpt = None,
    width: WidthOpt = None,
) -> None:
    """Price an entry file to the cent: each line's duty lines in CBP's order, the entry's
    MPF and HMF, totals; other origins side by side; what is owed back, with interest.

    \b
    Example:
        tariffs entry scenarios/world-2025.yaml entries.csv --origin VN --origin MX
        tariffs entry law-2025.yaml law-2026.yaml entries.csv -s as-enacted \\
            --refund-against ieepa-struck --refund-on 2026-03-15 --payer corporate
    """
    from tariffs.cli.entries import EntryOptions, run

    options = EntryOptions(
        files,
        scenarios or [],
        origins or [],
        refund_authority,
        refund_against,
        refund_on,
        payer,
        fees,
        interest,
    )
    run(options, (fmt.value, output, width), _inputs(), _load_all)


@app.command(cls=Command)
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
    expect: Annotated[
        list[Path] | None,
        typer.Option(
            "--expect",
            metavar="PATH",
            dir_okay=False,
            help="Also check the expectations of this file (tariffs: 1 and an 'expect' "
            "list) against the one FILE: pin figures of a file you do not own (repeat "
            "for several).",
        ),
    ] = None,
    entries: Annotated[
        list[Path] | None,
        typer.Option(
            "--entries",
            metavar="PATH",
            dir_okay=False,
            help="Also check this file's expectations on an entry file (YAML; see "
            "docs/entry.md), priced under the law of FILE... (repeat).",
        ),
    ] = None,
) -> None:
    """Evaluate the expectations (`expect:`) of scenario files.

    Prints one line per failed expectation as path:line:col: expected ..., got ...,
    then 'N passed, M failed'. Exits 1 if any expectation fails.

    \b
    Example:
        tariffs check scenarios/*.yaml --junit check-results.xml
        tariffs check scenarios/world-2025.yaml --expect my-figures.yaml
        tariffs check law-2025.yaml law-2026.yaml --entries entries-expected.yaml
    """
    from tariffs.calc.expectations import check as evaluate
    from tariffs.render import checks

    show.check_outputs(output=None, junit=junit)  # the report goes to standard output
    inputs = _inputs()
    checked: list[tuple[str, tuple[Outcome, ...]]] = []
    if expect:
        checked = _check_against(files, expect, inputs)
    models: Models = {}  # each study's flow models, made once for the work estimate
    loaded = _load_all(files, inputs, models) if not expect or entries else []
    for path, study in loaded if not expect else ():
        for warning in study.warnings:
            show.say(warning)
        if not study.expectations and not entries:
            show.say(f"{path}: states no expectations (add an 'expect' list)")
        checked.append((path, show.computed(path, evaluate, study, models=models[id(study)])))
    failed = any(not o.passed for _, outcomes in checked for o in outcomes)
    if entries:
        from tariffs.cli.entries import check_entry_files

        failed = check_entry_files(loaded, entries, checked, junit, inputs) or failed
    else:
        if junit is not None:
            show.emit(checks.junit(checked), junit, inputs, people=False, option="--junit")
        show.emit(checks.report(checked), None, inputs, people=True)
    if failed:
        raise typer.Exit(EXIT_INVALID)


def _check_against(
    files: list[Path], expect: list[Path], inputs: "Inputs"
) -> list[tuple[str, tuple["Outcome", ...]]]:
    """The outcomes of one scenario file's own expectations and of each file of
    expectations about it (`check --expect`), in the order given."""
    from tariffs.calc.expectations import check as evaluate
    from tariffs.input.load import load_expectations
    from tariffs.input.problems import ScenarioError

    if len(files) != 1:
        raise typer.BadParameter(
            f"an expectations file is about one scenario file; {len(files)} were given",
            param_hint="'--expect'",
        )
    try:
        study, external = load_expectations(files[0], expect, inputs=inputs)
    except ScenarioError as exc:
        show.fail(str(p) for p in exc.problems)
    path = str(files[0])
    models: Models = {}
    too_much = _too_much_work(path, study, models)
    if too_much:
        show.fail(too_much)
    for warning in study.warnings:
        show.say(warning)
    every = [(path, study.expectations), *external]
    wanted = [e for _, found in every for e in found]
    outcomes = show.computed(path, evaluate, study, wanted, models=models[id(study)])
    out: list[tuple[str, tuple[Outcome, ...]]] = []
    for name, found in every:
        mine, outcomes = outcomes[: len(found)], outcomes[len(found) :]
        if found or name != path:
            out.append((name, mine))
    return out


class _Side(NamedTuple):
    """One side of a diff: a label, the study when it is a scenario file, its result metrics."""

    label: str
    study: Study | None
    files: list[tuple[str, "Flat"]]
    lines: str = "all"  # a saved result's `--lines`


def _diff_fail(lines: Iterable[object]) -> NoReturn:
    show.fail(lines, EXIT_USAGE)  # diff(1): trouble is 2


def _diff_side(label: str, text: str, read_file: "FileReader", *, history: bool = False) -> _Side:
    """A scenario file (computed here) or a saved `tariffs compare --format json` result;
    `history`: a past version, read under today's rules as warnings where its meaning is not
    in doubt (see input.load)."""
    from tariffs.calc.compare import compare as run
    from tariffs.input import saved
    from tariffs.input.load import load_text
    from tariffs.input.problems import ScenarioError
    from tariffs.render.flat import study_metrics

    try:
        found = saved.read_saved(text, label)
        if found is not None:
            return _Side(label, None, found.files, found.lines)
        study = load_text(text, label, read_file, history=history)
    except ScenarioError as exc:
        _diff_fail(exc.problems)
    for warning in study.warnings if history else ():
        show.say(warning)
    too_much = _too_much_work(label, study)
    if too_much:
        _diff_fail(too_much)
    return _Side(label, study, [(label, study_metrics(show.computed(label, run, study)))])


def _read_side(path: Path, inputs: "Inputs") -> _Side:
    from tariffs.input.files import LinkRefused, folder_reader, followed, read_text
    from tariffs.input.problems import ScenarioError

    try:
        text = read_text(followed(path), shown=str(path), inputs=inputs, follow=False)
    except LinkRefused as exc:
        _diff_fail([f"{path}:1:1: {exc}; refusing to read it"])
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
    return _diff_side(revision.label(path.name), text, revision.read, history=True)


TOLERANCE_UNITS = (
    "write a rate in percentage points with pp or %, such as 0.5pp, and money with a "
    "suffix k, m, bn or tn, such as 100m"
)


def _tolerance(values: list[str]) -> "Tolerance":
    from tariffs.calc.results import Tolerance
    from tariffs.input.literals import parse_money, parse_percent

    limits = Tolerance()
    for given in values:
        text = given.strip()
        if text.startswith("-"):
            raise typer.BadParameter(
                f"a tolerance is zero or more, got {quoted(given)}", param_hint="'--tolerance'"
            )
        try:
            if text.endswith(("%", "pp")):
                rate = parse_percent(text.removesuffix("pp").strip().removesuffix("%") + "%")
                limits = limits._replace(rate=rate, rate_given=text)
            elif text.endswith(("k", "m", "bn", "tn")):
                limits = limits._replace(money=parse_money(text), money_given=text)
            else:
                raise ValueError(f"{quoted(given)} has no unit: {TOLERANCE_UNITS}")
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="'--tolerance'") from None
    return limits


METRIC_NAMES = (
    "Metrics go by the names of JSON and CSV (average_rate, duties_saved...); "
    "`tariffs compare --help` lists the table column that shows each."
)


@app.command(cls=Command, epilog=METRIC_NAMES)
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
            help="Ignore result differences of at most SIZE: '0.01pp' (or '0.01%') for rates, "
            "'1m' (a suffix k, m, bn or tn) for money. Repeat for both.",
        ),
    ] = None,
    fmt: ReportFormatOpt = ReportFormat.table,
    output: OutputOpt = None,
    width: WidthOpt = None,
    plot: PlotOpt = None,
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
    show.check_outputs(output=output, plot=plot)
    inputs = _inputs()
    limits = _tolerance(tolerance or [])
    if rev is not None:
        old, new = _rev_side(rev, files[0]), _read_side(files[0], inputs)
    else:
        old, new = _read_side(files[0], inputs), _read_side(files[1], inputs)
    changed = None
    if old.study is not None and new.study is not None:
        changed = input_changes(old.study, new.study)
    if "none" in (old.lines, new.lines):  # saved without product lines: compare the rest
        from tariffs.render.flat import without_lines

        old, new = (side._replace(files=without_lines(side.files)) for side in (old, new))
    found = Diff(changed, result_changes(old.files, new.files, limits))
    report = DiffReport(old.label, new.label, limits, found)
    show.chart(
        plot, lambda module, kind, notes: module.diff_chart(report, kind, notes=notes), inputs
    )
    show.show_diff(show.Where(fmt, output, width, inputs), report)
    if found.differences:
        raise typer.Exit(EXIT_INVALID)


@app.command(cls=Command, epilog=METRIC_NAMES)
def sweep(
    file: Annotated[
        Path, typer.Argument(help="A scenario file (YAML).", metavar="FILE", show_default=False)
    ],
    vary: Annotated[
        list[str] | None,
        typer.Option(
            "--vary",
            "-v",
            metavar="TARGET=VALUES",
            help="A number to vary and its values (repeat for a grid), such as "
            "'window:Geneva truce.days=30..365/5' or 'change:2025-05-14.us-reciprocal="
            "10%..60%/5%'. See docs/sweep.md.",
        ),
    ] = None,
    scenarios: Annotated[
        list[str] | None,
        typer.Option(
            "--scenario",
            "-s",
            metavar="NAME",
            autocompletion=complete_scenario,
            help="The scenario to vary; default: baseline.",
        ),
    ] = None,
    name: Annotated[
        str | None,
        typer.Option("--sweep", metavar="NAME", help="Run this sweep of the file's 'sweeps:'."),
    ] = None,
    metric: Annotated[
        list[str] | None,
        typer.Option(
            "--metric",
            "-m",
            metavar="NAMES",
            help="Metrics to report, comma-separated (average,duties,saved or their full names).",
        ),
    ] = None,
    flow: Annotated[
        list[str] | None,
        typer.Option(
            "--flow",
            metavar="IMPORTER:EXPORTER",
            autocompletion=complete_flow,
            help="Only these flows (repeat).",
        ),
    ] = None,
    solve: Annotated[
        str | None,
        typer.Option(
            "--solve",
            metavar="METRIC=GOAL",
            help="Find the value of the one varied number at which METRIC reaches GOAL, such "
            "as 'saved=0' or 'average=30%'.",
        ),
    ] = None,
    on: Annotated[
        str | None,
        typer.Option("--on", metavar="DATE", help="Report rates on this date (YYYY-MM-DD)."),
    ] = None,
    baseline: Annotated[
        str | None,
        typer.Option(
            "--baseline",
            "-b",
            metavar="NAME",
            autocompletion=complete_scenario,
            help="Measure deltas against this.",
        ),
    ] = None,
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs",
            "-j",
            min=1,
            max=256,
            metavar="N",
            help="Processes to compute the variants with; the rows are the same.",
        ),
    ] = 1,
    fmt: FormatOpt = Format.table,
    output: OutputOpt = None,
    width: WidthOpt = None,
    plot: PlotOpt = None,
) -> None:
    """Run one scenario over a grid of varied numbers, in one process (or --jobs N).

    One row per variant per flow, with the varied values as columns; an invalid variant
    (a window overlapping another) is a row saying why. With --solve, find where a
    metric reaches a goal instead.

    \b
    Example:
        tariffs sweep scenarios/geneva.yaml -s geneva --vary 'window:Geneva truce.days=30..365/5'
        tariffs sweep scenarios/geneva.yaml -s geneva \\
            --vary 'change:2025-05-14.us-reciprocal=10%..60%/5%' --solve saved=0
        tariffs sweep scenarios/geneva.yaml --sweep truce-length --plot truce.svg
    """
    from tariffs.calc.results import SweepResult
    from tariffs.calc.sweep import Sweeper, default_metrics
    from tariffs.calc.sweep import solve as solved
    from tariffs.cli import sweeping
    from tariffs.cli.progress import tracked

    scenario = _once(scenarios, "--scenario")
    show.check_outputs(output=output, plot=plot)
    inputs = _inputs()
    [(path, study)] = _load_all([file], inputs)
    names = [s.name for s in study.scenarios]
    _check_names("scenario", "--baseline", [baseline] if baseline else [], names, path)
    asked = sweeping.Asked(
        name, scenario, vary or [], metric or [], flow or [], solve, _parse_on(on), baseline, jobs
    )
    chosen = sweeping.build(study, asked, path)
    sweeping.check_chart(plot, chosen)
    sweeping.check_work(study, chosen, baseline, path)
    where = show.Where(fmt, output, width, inputs)
    if chosen.solve is not None:
        sweeper = show.computed(path, Sweeper, study, chosen, on=asked.on, baseline=baseline)
        answers = show.computed(path, solved, sweeper)
        show.show_solve(where, path, answers)
        return
    if not chosen.metrics:
        chosen = chosen._replace(metrics=default_metrics(study, study.scenario(chosen.scenario)))
    if not chosen.flows:
        chosen = chosen._replace(flows=tuple(f.key for f in study.flows))
    count = math.prod(len(one.values) for one in chosen.vary)
    if fmt in {Format.table, Format.markdown}:
        show.refuse_large(count * len(chosen.flows) * (len(chosen.vary) + len(chosen.metrics) + 2))
    computing = sweeping.rows(study, chosen, asked, path, count)
    buffered = fmt in {Format.table, Format.markdown} or not show.is_terminal(output)
    rows = tracked(computing, count, "variants") if buffered else computing
    kept = sweeping.Kept(rows, keep=plot is not None)
    result = SweepResult(
        study.title,
        chosen.scenario,
        baseline or study.baseline,
        study.start,
        study.until,
        asked.on or study.on,
        study.currency,
        max((f.value for f in study.flows), default=Decimal(0)),
        chosen.vary,
        chosen.flows,
        chosen.metrics,
        count,
        kept,
    )
    show.show_sweep(where, path, result)
    sweeping.chart(plot, path, result, kept, inputs)


@app.command(cls=Command)
def schema(
    results: Annotated[
        bool,
        typer.Option(
            "--results", help="The schema of the JSON results instead (compare, diff, ...)."
        ),
    ] = False,
) -> None:
    """Print the JSON Schema of scenario files (for editors and other validators).

    \b
    Example:
        tariffs schema > scenario.schema.json
        tariffs schema --results > result.schema.json
    """
    if results:
        from tariffs.contract import schema_text

        show.out(schema_text())
        return
    from tariffs.input.schema import scenario_schema_text

    show.out(scenario_schema_text())


class Example(enum.StrEnum):
    """The starting files `tariffs init` writes (src/tariffs/templates/NAME.yaml)."""

    geneva = "geneva"
    products = "products"
    minimal = "minimal"


@app.command()
def init(
    file: Annotated[
        str,
        typer.Argument(
            help="The scenario file to write; it must not exist. '-': print it instead.",
            metavar="FILE",
            show_default=False,
        ),
    ],
    example: Annotated[
        Example,
        typer.Option(
            "--example",
            "-e",
            help="geneva: the 2025 US-China Geneva truce; products: rates by product line; "
            "minimal: one flow, one measure, one scenario.",
        ),
    ] = Example.geneva,
) -> None:
    """Write a commented scenario file to start from. Never overwrites a file.

    \b
    Example:
        tariffs init truce.yaml
        tariffs init --example products products.yaml
        tariffs init --example minimal - | less
    """
    import os
    from importlib.resources import files

    from tariffs.cli.exits import EXIT_OUTPUT
    from tariffs.cli.output import OutputProblem, OutputRefused, create_file
    from tariffs.render.safe import shell_word

    text = files("tariffs").joinpath("templates", f"{example.value}.yaml").read_text("utf-8")
    if file == "-":
        show.out(text)
        return
    if os.path.basename(file) in {"", ".", ".."}:  # Path("foo/") would be a file named foo
        suggested = os.path.normpath(os.path.join(file, f"{example.value}.yaml"))
        raise typer.BadParameter(
            f"{file!r} names a folder; give the new file's name, such as {suggested!r}",
            param_hint="FILE",
        )
    try:
        create_file(text, Path(file))
    except OutputRefused as exc:
        show.fail([f"tariffs: {exc}"], EXIT_USAGE)
    except OutputProblem as exc:
        show.fail([f"tariffs: {exc}"], EXIT_OUTPUT)
    show.say(
        f"{file}: written from the {example.value} example; next: tariffs validate "
        f"{shell_word(file)}"
    )


def main() -> NoReturn:
    """Console-script entry point."""
    from tariffs.cli.startup import prepare

    prepare()
    run(app)
