"""Whole-process timings of `tariffs`, each beside the floor of its stack in the same run.

Run from the repository root after `pip install -e '.[test]'`:

    python bench/bench.py                  # every row; 15 runs of each small command
    python bench/bench.py --runs 30 --large-runs 5
    python bench/bench.py --only geneva    # the rows whose label holds "geneva"
    python bench/bench.py --tariffs OTHER/.venv/bin/tariffs   # another install, say main's

The floor is `python -c "import typer._adapters, pydantic, yaml, rich.console"`: a command
cannot start faster than its libraries import. Each command and the floor run in turn
(A B A B ...), after one untimed run of each, and each row prints the command's median CPU
(user + system) and wall time, the floor's median CPU, the median of the CPU ratios taken
pair by pair (the figure to quote: it holds when the machine's speed drifts, as on a shared
machine), and the command's largest peak memory. Child processes may write bytecode caches
(see measure.CHILD_ENV), as an installed package has them.

The rows:
- four stages of start-up, each the floor and more in one `python -c`: our command-line
  modules imported; the scenario file's pydantic models declared (their module imported);
  then built (pydantic's schema generated); geneva.yaml loaded. Where the models alone
  take a command past a target, no change outside them can meet it;
- `compare` of the shipped geneva.yaml (table and JSON), world-2025.yaml and world-2026.yaml,
  and `check` of every shipped file;
- the importer's total over world-2026's 16 partners, day by day (`timeline --flow 'US:*'`);
- product scale: bench/products.py's study of 40,000 and 160,000 lines x 10 scenarios,
  `compare --format json`;
- a market: bench/markets.py's GSIM of 30 regions (870 flows), `compare`;
- a generated file with 200 measures, 50 scenarios and 50 windows per scenario
  (`generate_large`), `compare` as JSON and as a table.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import NamedTuple

from markets import generate_gsim
from measure import ROOT, paired
from products import generate

FLOOR = "import typer._adapters, pydantic, yaml, rich.console"


def generate_large(measures: int = 200, scenarios: int = 50, windows: int = 50) -> str:
    """A valid scenario file of the stated size; windows never overlap on a measure.

    Measures are spread over 20 flows (10 per flow). Each measure has 6 scheduled rates.
    Each scenario has 5 changes and `windows` windows; window w of a scenario sets two
    measures over days [7w, 7w + 5) of the year, so windows of one scenario are disjoint.
    """
    countries = [f"C{chr(65 + i)}" for i in range(21)]
    flows = [(countries[0], countries[i + 1]) for i in range(20)]
    out = [
        "tariffs: 1",
        "title: generated benchmark",
        "period: {start: 2025-01-01, until: 2026-01-01}",
        "on: 2025-06-01",
        "flows:",
    ]
    out += [
        f"  - {{importer: {a}, exporter: {b}, value: {i + 1}bn}}" for i, (a, b) in enumerate(flows)
    ]
    out.append("measures:")
    for m in range(measures):
        importer, exporter = flows[m % len(flows)]
        rates = ", ".join(f"2025-{month:02d}-01: {(m + month) % 40}%" for month in range(1, 12, 2))
        out += [
            f"  m{m}:",
            f"    importer: {importer}",
            f"    exporter: {exporter}",
            f"    basis: generated {m}",
            f"    rates: {{{rates}}}",
        ]
    out.append("scenarios:")
    for s in range(scenarios):
        out += [f"  s{s}:", "    changes:"]
        out += [
            f"      2025-{month:02d}-15: {{m{(s + month) % measures}: {month}%}}"
            for month in range(2, 12, 2)
        ]
        out.append("    windows:")
        for w in range(windows):
            day = 7 * w
            start = f"2025-{_month_day(day)}"
            first, second = (s + w) % measures, (s + w + 100) % measures
            rates = f"{{m{first}: 0%, m{second}: 1%}}"
            out.append(f"      - {{name: w{w}, start: {start}, days: 5, set: {rates}}}")
    return "\n".join(out) + "\n"


def _month_day(day_of_year: int) -> str:
    lengths = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    month = 0
    while day_of_year >= lengths[month]:
        day_of_year -= lengths[month]
        month += 1
    return f"{month + 1:02d}-{day_of_year + 1:02d}"


class Row(NamedTuple):
    """A command to time: its label, its arguments after `tariffs`, whether it is large.

    A row with `code` runs `python -c "FLOOR; code"` instead: a stage of start-up."""

    label: str
    args: list[str]
    large: bool = False
    code: str = ""


# As the console script starts: its module, then `prepare` (no pydantic plugin search).
_APP = "import tariffs.cli.app; from tariffs.cli.startup import prepare; prepare()"
_DECLARED = f"{_APP}; from tariffs.input.format import ScenarioFile"
_MODELS = f"{_DECLARED}; ScenarioFile.model_rebuild()"
_LOADED = (
    f"{_MODELS}; from pathlib import Path; from tariffs.input.load import load; "
    "load(Path('scenarios/geneva.yaml'))"
)


def rows(folder: Path) -> list[Row]:
    """Every row, its generated files written into `folder`."""
    shipped = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "scenarios").glob("*.yaml"))
    large = folder / "large.yaml"
    large.write_text(generate_large(), encoding="utf-8")
    made = {}
    for count in (40_000, 160_000):
        (folder / str(count)).mkdir()
        made[count] = str(generate(folder / str(count), count))
    gsim = generate_gsim(folder, 30)
    return [
        Row("stage: floor + import tariffs.cli.app", [], code=_APP),
        Row("stage: ... + the file's models declared", [], code=_DECLARED),
        Row("stage: ... + the file's models built", [], code=_MODELS),
        Row("stage: ... + geneva.yaml loaded", [], code=_LOADED),
        Row("tariffs --help", ["--help"]),
        Row("compare scenarios/geneva.yaml", ["compare", "scenarios/geneva.yaml"]),
        Row(
            "compare scenarios/geneva.yaml -f json",
            ["compare", "scenarios/geneva.yaml", "-f", "json"],
        ),
        Row("compare scenarios/world-2025.yaml", ["compare", "scenarios/world-2025.yaml"]),
        Row("compare scenarios/world-2026.yaml", ["compare", "scenarios/world-2026.yaml"]),
        Row(f"check scenarios/*.yaml ({len(shipped)} files)", ["check", *shipped]),
        Row(
            "timeline world-2026 US:* by all -f csv",
            [
                "timeline",
                "scenarios/world-2026.yaml",
                "--flow",
                "US:*",
                *("--by", "authority", "--by", "layer", "--by", "partner"),
                "--format",
                "csv",
            ],
        ),
        Row("40,000 lines x 10 scenarios, -f json", ["compare", made[40_000], "-f", "json"], True),
        Row(
            "160,000 lines x 10 scenarios, -f json", ["compare", made[160_000], "-f", "json"], True
        ),
        Row("GSIM, 30 regions (870 flows)", ["compare", str(gsim)], True),
        Row("large.yaml -f json", ["compare", str(large), "-f", "json"], True),
        Row("large.yaml (table)", ["compare", str(large)], True),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="pairs for each small command")
    parser.add_argument("--large-runs", type=int, default=3, help="pairs for each large one")
    parser.add_argument("--only", metavar="TEXT", help="only the rows whose label holds TEXT")
    parser.add_argument("--tariffs", metavar="PATH", help="the tariffs to run (default: ours)")
    args = parser.parse_args()
    tariffs = (
        args.tariffs or shutil.which("tariffs") or str(Path(sys.executable).with_name("tariffs"))
    )
    python = Path(tariffs).with_name("python")  # the floor of that install's libraries
    floor = [str(python) if python.exists() else sys.executable, "-c", FLOOR]
    print(f"floor: python -c {FLOOR!r}; {tariffs}")
    print(f"{'run':<46} {'cpu':>8} {'floor cpu':>9} {'cpu/floor':>9} {'wall':>8} {'peak':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        for row in rows(Path(tmp)):
            if args.only and args.only not in row.label:
                continue
            runs = args.large_runs if row.large else args.runs
            try:
                command = [floor[0], "-c", f"{FLOOR}; {row.code}"] if row.code else None
                found = paired(command or [tariffs, *row.args], floor, runs)
            except subprocess.CalledProcessError as exc:
                print(f"{row.label:<46} failed with exit status {exc.returncode}")
                continue
            print(
                f"{row.label:<46} {_seconds(found.cpu)} {_seconds(found.floor_cpu):>9} "
                f"{found.ratio:8.2f}x {_seconds(found.wall)} {found.peak:5.1f} MB"
                f"  ({runs} pairs)"
            )


def _seconds(value: float) -> str:
    return f"{value * 1000:5.0f} ms" if value < 10 else f"{value:6.2f} s"


if __name__ == "__main__":
    main()
