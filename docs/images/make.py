"""Make the example charts of docs/charts.md.

    python docs/images/make.py [FOLDER]

Writes compare-geneva.svg, timeline-geneva.svg, timeline-us-total.svg, diff-geneva-145.svg,
sweep-geneva-days.svg and sweep-extended-grid.svg (docs/charts.md) and timeline-world-2026.svg
(docs/economics.md) into FOLDER (default: this script's folder, docs/images/), from any
working directory, from files in the repository only. tests/test_plot.py runs it into a
temporary folder and checks that the committed images are the same bytes: rerun it after a
change to tariffs.render.plot, and review the images before committing them.
"""

from __future__ import annotations

import sys
from pathlib import Path

from tariffs.calc.changes import input_changes, result_changes
from tariffs.calc.compare import compare, timelines
from tariffs.calc.results import Diff, DiffReport, SweepResult, Tolerance
from tariffs.calc.series import daily
from tariffs.calc.sweep import Sweeper
from tariffs.domain import Study, Sweep
from tariffs.input import vary
from tariffs.input.load import load
from tariffs.input.tracker import read_tracker
from tariffs.metrics import Flat as Metrics
from tariffs.render import plot
from tariffs.render.flat import study_metrics

ROOT = Path(__file__).resolve().parents[2]
GENEVA = "scenarios/geneva.yaml"
EDITED = "tests/fixtures/geneva-145.yaml"
TOTAL = "tests/fixtures/us-total-2025.yaml"
TRACKER = "tests/fixtures/tracker-us-2025.csv"
WORLD = "scenarios/world-2026.yaml"
QUOTED = "docs/data/tracker-us-quoted.csv"


def _side(path: str) -> tuple[Study, list[tuple[str, Metrics]]]:
    """A scenario file and its result metrics, as `tariffs diff` reads one side."""
    study = load(ROOT / path)
    return study, [(path, study_metrics(compare(study)))]


def _sweep_chart(study: Study, scenario: str, texts: list[str], kind: str) -> bytes:
    """The chart `tariffs sweep GENEVA -s SCENARIO --vary TEXT... -m saved --flow US:CN
    --plot` draws."""
    varies = tuple(vary.vary(study, study.scenario(scenario), text) for text in texts)
    sweep = Sweep("", scenario, varies, ("duties_saved",), ("US:CN",))
    sweeper = Sweeper(study, sweep)
    rows = [sweeper.row(n) for n in range(1, sweeper.count + 1)]
    values = [None if row.problem else row.cells[0][0] for row in rows]
    result = SweepResult(
        study.title,
        scenario,
        study.baseline,
        study.start,
        study.until,
        study.on,
        study.currency,
        max(f.value for f in study.flows),
        varies,
        sweep.flows,
        sweep.metrics,
        sweeper.count,
        rows,
    )
    return plot.sweep_result_chart(GENEVA, result, values, kind)


def _total_chart(kind: str) -> bytes:
    """The chart `tariffs timeline TOTAL --flow 'US:*' --against TRACKER --plot` draws."""
    study = load(ROOT / TOTAL)
    tracker = read_tracker(ROOT / TRACKER)._replace(path=TRACKER)  # as given, from the root
    result = daily(study, (study.baseline,), (), ("US",), tracker=tracker)
    return plot.timeline_chart(TOTAL, result, kind)


def _world_chart(kind: str) -> bytes:
    """The chart `tariffs timeline WORLD -s as-enacted --flow 'US:*' --by authority --against
    QUOTED --plot` draws: the file's US total against the tracker's values quoted in
    docs/economics.md."""
    study = load(ROOT / WORLD)
    tracker = read_tracker(ROOT / QUOTED)._replace(path=QUOTED)  # as given, from the root
    result = daily(study, ("as-enacted",), (), ("US",), splits=("authority",), tracker=tracker)
    return plot.timeline_chart(WORLD, result, kind)


def charts(kind: str = "svg") -> dict[str, bytes]:
    """Each example image's file name and bytes (the docs use SVG; the tests also PNG)."""
    study = load(ROOT / GENEVA)
    old, new = _side(GENEVA), _side(EDITED)
    tolerance = Tolerance()
    report = DiffReport(
        GENEVA,
        EDITED,
        tolerance,
        Diff(input_changes(old[0], new[0]), result_changes(old[1], new[1], tolerance)),
    )
    return {
        f"compare-geneva.{kind}": plot.compare_chart([(GENEVA, compare(study))], kind),
        f"timeline-geneva.{kind}": plot.timeline_chart(
            GENEVA, timelines(study, ("busan",), study.flows), kind
        ),
        f"timeline-us-total.{kind}": _total_chart(kind),
        f"timeline-world-2026.{kind}": _world_chart(kind),
        f"diff-geneva-145.{kind}": plot.diff_chart(report, kind),
        f"sweep-geneva-days.{kind}": _sweep_chart(
            study, "geneva", ["window:Geneva truce.days=30..230/5"], kind
        ),
        f"sweep-extended-grid.{kind}": _sweep_chart(
            study,
            "extended",
            [
                "window:Geneva truce.days=60..100/5",
                "window:First extension.us-reciprocal=0%..30%/5%",
            ],
            kind,
        ),
    }


def main(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in charts().items():
        (folder / name).write_bytes(data)
        sys.stdout.write(f"wrote {folder / name}\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent)
