"""`tariffs sweep`: the sweep a run asks for, its rows, and its outputs.

The options (or a `sweeps:` entry of the file) become a `domain.Sweep`; tariffs.calc.sweep
computes its variants, here or in a pool of processes (cli.parallel); cli.show writes them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import typer

from tariffs.cli import show
from tariffs.domain import Sweep, quoted

if TYPE_CHECKING:
    from tariffs.calc.results import SweepResult, VariantRow
    from tariffs.domain import Study
    from tariffs.input.files import Inputs


class Asked(NamedTuple):
    """What the command line asks of a sweep."""

    sweep: str | None
    scenario: str | None
    vary: list[str]
    metric: list[str]
    flow: list[str]
    solve: str | None
    on: date | None
    baseline: str | None
    jobs: int


def _bad(message: str, option: str) -> typer.BadParameter:
    return typer.BadParameter(message, param_hint=f"'{option}'")


def _named(study: Study, asked: Asked, path: str) -> Sweep | None:
    """The file's sweep the run names (or the only one), or None when --vary is given."""
    names = [s.name for s in study.sweeps]
    if asked.vary:
        if asked.sweep is not None:
            raise _bad("give --vary or --sweep, not both", "--vary")
        return None
    if asked.sweep is None:
        if len(study.sweeps) == 1:
            return study.sweeps[0]
        if not study.sweeps:
            raise _bad(
                f"{path} has no sweeps; say what to vary, such as --vary "
                "'window:Geneva truce.days=30..365/5'",
                "--vary",
            )
        raise _bad(f"{path} has {len(names)} sweeps; name one ({', '.join(names)})", "--sweep")
    for sweep in study.sweeps:
        if sweep.name == asked.sweep:
            return sweep
    raise _bad(
        f"{path} has no sweep {quoted(asked.sweep)} (it has: {', '.join(names) or 'none'})",
        "--sweep",
    )


def _metric_names(texts: list[str]) -> tuple[str, ...]:
    from tariffs import metrics

    names: list[str] = []
    for text in texts:
        for part in text.split(","):
            name = part.strip()
            try:
                names.append(metrics.sweep_metric(name).name)
            except KeyError:
                known = ", ".join(
                    [*metrics.SWEEP_ALIASES, *(m.name for m in metrics.SWEEP.metrics)]
                )
                message = f"there is no sweep metric {quoted(name)} (known: {known})"
                raise _bad(message, "--metric") from None
    return tuple(dict.fromkeys(names))


def _from_options(study: Study, asked: Asked, path: str) -> Sweep:
    from tariffs.input import vary as language

    name = asked.scenario or study.baseline
    names = [s.name for s in study.scenarios]
    if name not in names:
        raise _bad(
            f"{path} has no scenario {quoted(name)} (it has: {', '.join(names)})", "--scenario"
        )
    scenario = study.scenario(name)
    try:
        varies = tuple(language.vary(study, scenario, text) for text in asked.vary)
    except ValueError as exc:
        raise _bad(str(exc), "--vary") from None
    return Sweep("", name, varies)


def _flows(study: Study, asked: Asked, path: str) -> tuple[str, ...]:
    from tariffs.input.literals import parse_flow

    keys = [f.key for f in study.flows]
    try:
        flows = tuple(dict.fromkeys(":".join(parse_flow(t)) for t in asked.flow))
    except ValueError as exc:
        raise _bad(str(exc), "--flow") from None
    for key in flows:
        if key not in keys:
            raise _bad(f"{path} has no flow {key} (it has: {', '.join(keys)})", "--flow")
    return flows


def build(study: Study, asked: Asked, path: str) -> Sweep:
    """The sweep to run: the file's (with the command line's metrics, flows and goal
    instead of its own, when given) or one made of --vary options."""
    from tariffs.input import vary as language

    sweep = _named(study, asked, path)
    if sweep is None:
        sweep = _from_options(study, asked, path)
    elif asked.scenario is not None and asked.scenario != sweep.scenario:
        raise _bad(
            f"sweep {quoted(sweep.name)} varies scenario {quoted(sweep.scenario)}", "--scenario"
        )
    try:
        language.check_grid(sweep.vary)
    except ValueError as exc:
        raise _bad(str(exc), "--vary") from None
    if asked.metric:
        sweep = sweep._replace(metrics=_metric_names(asked.metric))
    if asked.flow:
        sweep = sweep._replace(flows=_flows(study, asked, path))
    if asked.solve is not None:
        try:
            sweep = sweep._replace(solve=language.solve(asked.solve))
        except ValueError as exc:
            raise _bad(str(exc), "--solve") from None
    if sweep.solve is not None:
        if len(sweep.vary) != 1:
            raise _bad("a goal is solved for over one varied number; give one --vary", "--solve")
        sweep = sweep._replace(metrics=(sweep.solve.metric,))
    return sweep


def check_work(study: Study, sweep: Sweep, baseline: str | None, path: str) -> None:
    from tariffs.calc.sweep import sweep_work
    from tariffs.limits import MAX_SWEEP_WORK

    needed, detail = sweep_work(study, sweep, baseline)
    if needed > MAX_SWEEP_WORK:
        show.fail(
            [
                f"{path}:1:1: this sweep asks for about {needed:,} steps of work ({detail}), "
                f"over the limit of {MAX_SWEEP_WORK:,}; vary fewer values"
            ]
        )


def rows(study: Study, sweep: Sweep, asked: Asked, path: str, count: int) -> Iterator[VariantRow]:
    """The sweep's rows in order: computed here, or by `--jobs` processes. A worker process
    that dies (killed, out of memory) ends the run as an output failure: the rows are not
    all there."""
    from tariffs.calc.sweep import Sweeper
    from tariffs.cli import parallel
    from tariffs.cli.exits import EXIT_OUTPUT

    try:
        if asked.jobs > 1 and count > 1:
            yield from parallel.rows(study, sweep, count, asked.jobs, asked.on, asked.baseline)
            return
        sweeper = Sweeper(study, sweep, on=asked.on, baseline=asked.baseline)
        for number in range(1, count + 1):
            yield sweeper.row(number)
    except (ArithmeticError, RecursionError) as exc:
        show.fail([f"{path}:1:1: cannot compute this sweep ({type(exc).__name__}): {exc}"])
    except parallel.WorkerLost:
        show.fail(
            [
                "tariffs: a worker process of the sweep (--jobs) ended before its variants "
                "were computed (killed, or out of memory); the output is incomplete"
            ],
            EXIT_OUTPUT,
        )


class Kept:
    """Rows passed through, with the first flow's first metric kept for a chart."""

    def __init__(self, source: Iterable[VariantRow], keep: bool) -> None:
        self.source = source
        self.keep = keep
        self.values: list[Decimal | None] = []

    def __iter__(self) -> Iterator[VariantRow]:
        for row in self.source:
            if self.keep:
                self.values.append(None if row.problem is not None else row.cells[0][0])
            yield row


def chart(
    plot_path: Path | None, path: str, result: SweepResult, kept: Kept, inputs: Inputs
) -> None:
    """The sweep's chart: its first metric for its first flow, against the varied numbers."""
    show.chart(
        plot_path,
        lambda module, kind, notes: module.sweep_result_chart(
            path, result, kept.values, kind, notes=notes
        ),
        inputs,
    )


def check_chart(plot_path: Path | None, sweep: Sweep) -> None:
    """Refuse a chart the sweep cannot have, before any work is done."""
    if plot_path is None:
        return
    show.chart_kind(plot_path)
    if len(sweep.vary) > 2:
        raise _bad("a chart shows one or two varied numbers", "--plot")
