"""The `sweeps:` section of a scenario file: each entry resolved as `--vary` resolves it.

Problems are reported at the entry's place in the file, like every other problem of
tariffs.input.resolve.
"""

from __future__ import annotations

from collections.abc import Mapping

from tariffs import domain, metrics
from tariffs.domain import listed, quoted
from tariffs.input import format as models
from tariffs.input import vary
from tariffs.input.problems import Loc, Report
from tariffs.input.yamlsource import KEY


def _known(names: list[str]) -> str:
    return f"known: {listed(names)}"


def resolve_sweeps(
    sweeps: Mapping[str, models.Sweep], study: domain.Study, problem: Report
) -> tuple[domain.Sweep, ...]:
    """Every sweep of the file that resolves; the others' problems go to `problem`."""
    out = []
    for name, sweep in sweeps.items():
        found = _sweep(name, sweep, study, problem)
        if found is not None:
            out.append(found)
    return tuple(out)


def _sweep(
    name: str, sweep: models.Sweep, study: domain.Study, problem: Report
) -> domain.Sweep | None:
    here: Loc = ("sweeps", name)
    names = [s.name for s in study.scenarios]
    if sweep.scenario not in names:
        problem(
            (*here, "scenario"),
            f"sweep {quoted(name)} varies {quoted(sweep.scenario)}, which is not a scenario "
            f"({_known(names)})",
        )
        return None
    varies = _varies(sweep, study.scenario(sweep.scenario), study, here, problem)
    goal = None
    if sweep.solve is not None:
        try:
            goal = vary.solve(sweep.solve)
        except ValueError as exc:
            problem((*here, "solve"), str(exc))
        if len(sweep.vary) != 1:
            problem((*here, "solve"), "a goal is solved for over one varied number; vary one")
    return domain.Sweep(
        name,
        sweep.scenario,
        varies,
        _metrics(sweep, here, problem),
        _flows(sweep, study, here, problem),
        goal,
        sweep.description or "",
    )


def _varies(
    sweep: models.Sweep, scenario: domain.Scenario, study: domain.Study, here: Loc, problem: Report
) -> tuple[domain.Vary, ...]:
    varies: list[domain.Vary] = []
    for target_text, values_text in sweep.vary.items():
        try:
            target = vary.target(study, scenario, target_text)
        except ValueError as exc:
            problem((*here, "vary", target_text, KEY), str(exc))
            continue
        try:
            values = vary.values(target, values_text)
        except ValueError as exc:
            problem((*here, "vary", target_text), str(exc))
            continue
        varies.append(domain.Vary(target, values, f"{target_text}={values_text}"))
    if len(varies) == len(sweep.vary):
        try:
            vary.check_grid(varies)
        except ValueError as exc:
            problem((*here, "vary"), str(exc))
    return tuple(varies)


def _metrics(sweep: models.Sweep, here: Loc, problem: Report) -> tuple[str, ...]:
    chosen: list[str] = []
    for i, metric in enumerate(sweep.metrics):
        try:
            chosen.append(metrics.sweep_metric(metric).name)
        except KeyError:
            known = [*metrics.SWEEP_ALIASES, *(m.name for m in metrics.SWEEP.metrics)]
            problem(
                (*here, "metrics", i),
                f"there is no sweep metric {quoted(metric)} ({_known(known)})",
            )
    return tuple(dict.fromkeys(chosen))


def _flows(sweep: models.Sweep, study: domain.Study, here: Loc, problem: Report) -> tuple[str, ...]:
    keys = [flow.key for flow in study.flows]
    for i, flow in enumerate(sweep.flows):
        if flow not in keys:
            problem((*here, "flows", i), f"there is no flow {flow} ({_known(keys)})")
    return tuple(dict.fromkeys(sweep.flows))
