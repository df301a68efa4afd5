"""Make the example charts of docs/charts.md.

    python docs/images/make.py [FOLDER]

Writes compare-geneva.svg, timeline-geneva.svg, diff-geneva-145.svg and
sweep-geneva-days.svg into FOLDER (default: this script's folder, docs/images/), from any
working directory. tests/test_plot.py runs it into a temporary folder and checks that the
committed images are the same bytes: rerun it after a change to tariffs.render.plot, and
review the images before committing them.
"""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

from tariffs.calc.changes import input_changes, result_changes
from tariffs.calc.compare import compare, timelines
from tariffs.calc.results import Diff, DiffReport, Tolerance
from tariffs.domain import Study
from tariffs.input.load import load
from tariffs.metrics import Flat as Metrics
from tariffs.render import plot
from tariffs.render.flat import study_metrics

ROOT = Path(__file__).resolve().parents[2]
GENEVA = "scenarios/geneva.yaml"
EDITED = "tests/fixtures/geneva-145.yaml"


def _side(path: str) -> tuple[Study, list[tuple[str, Metrics]]]:
    """A scenario file and its result metrics, as `tariffs diff` reads one side."""
    study = load(ROOT / path)
    return study, [(path, study_metrics(compare(study)))]


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
    # Illustrative sweep, not computed by tariffs: were the Geneva window N days long, US
    # importers would save the 24 suspended points on 438.9bn a year for N days.
    days = [Decimal(n) for n in (*range(30, 361, 30), 365)]
    saved: list[Decimal | None] = [Decimal("438.9e9") * 24 / 100 * n / 365 for n in days]
    return {
        f"compare-geneva.{kind}": plot.compare_chart([(GENEVA, compare(study))], kind),
        f"timeline-geneva.{kind}": plot.timeline_chart(
            GENEVA, timelines(study, ("busan",), study.flows), kind
        ),
        f"diff-geneva-145.{kind}": plot.diff_chart(report, kind),
        f"sweep-geneva-days.{kind}": plot.sweep_chart(
            "Static duties the Geneva truce saves, by its length (illustrative)",
            ["Length of the Geneva truce (days)"],
            [days],
            "Static duties saved",
            "USD",
            saved,
            "Illustrative values passed straight to sweep_chart, not computed by tariffs: "
            "saved = 438.9bn USD x 24% x days / 365, the 24 suspended points of the US "
            f"reciprocal tariff on a year's imports from China ({GENEVA}, scenario geneva).",
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
