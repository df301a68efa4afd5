"""Whole-process timings of `tariffs`, as medians, beside the bare Python start-up.

Run from the repository root after `pip install -e '.[test]'`:

    python bench/bench.py            # 20 runs of each small command, 5 of the large file
    python bench/bench.py --runs 40

It prints one line per command: median wall and CPU (user + system) time, and the CPU ratio to
the floor of this stack, `python -c "import typer._adapters, pydantic, yaml, rich.console"`,
measured in the same run (a command cannot start faster than its libraries import).
Child processes may write bytecode caches (see measure.CHILD_ENV), as an installed package has
them.
The world file against geneva.yaml is printed as a CPU ratio (the target: 1.3x).
The large case is a generated file with 200 measures, 50 scenarios and 50 windows per
scenario (`generate_large`), compared with `--format json`.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from measure import median_wall_and_cpu, stage_seconds

ROOT = Path(__file__).resolve().parent.parent


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--large-runs", type=int, default=5)
    args = parser.parse_args()
    tariffs = shutil.which("tariffs") or str(Path(sys.executable).with_name("tariffs"))
    with tempfile.TemporaryDirectory() as tmp:
        large = Path(tmp) / "large.yaml"
        large.write_text(generate_large(), encoding="utf-8")
        floor = "import typer._adapters, pydantic, yaml, rich.console"
        cases = [
            ("floor: import typer, pydantic, yaml, rich", [sys.executable, "-c", floor], args.runs),
            ("python -c pass", [sys.executable, "-c", "pass"], args.runs),
            ("tariffs --help", [tariffs, "--help"], args.runs),
            (
                "tariffs compare scenarios/geneva.yaml",
                [tariffs, "compare", "scenarios/geneva.yaml"],
                args.runs,
            ),
            (
                "tariffs compare scenarios/geneva.yaml -f json",
                [tariffs, "compare", "scenarios/geneva.yaml", "--format", "json"],
                args.runs,
            ),
            (
                "tariffs compare scenarios/world-2025.yaml",
                [tariffs, "compare", "scenarios/world-2025.yaml"],
                args.runs,
            ),
            (
                "tariffs compare scenarios/world-2025.yaml -f json",
                [tariffs, "compare", "scenarios/world-2025.yaml", "--format", "json"],
                args.runs,
            ),
            (
                "tariffs compare scenarios/world-2026.yaml",
                [tariffs, "compare", "scenarios/world-2026.yaml"],
                args.runs,
            ),
            (
                "tariffs compare large.yaml --format json",
                [tariffs, "compare", str(large), "--format", "json"],
                args.large_runs,
            ),
            (
                "tariffs compare large.yaml (table)",
                [tariffs, "compare", str(large)],
                args.large_runs,
            ),
        ]
        size = large.stat().st_size / 1024
        print(f"large.yaml: {size:.0f} KiB, 200 measures, 50 scenarios x 50 windows each")
        base = None
        cpus: dict[str, float] = {}
        for label, command, runs in cases:
            try:
                wall, cpu = (seconds * 1000 for seconds in median_wall_and_cpu(command, runs))
            except subprocess.CalledProcessError as exc:
                print(f"{label:<52} failed with exit status {exc.returncode}")
                continue
            base = base or cpu
            cpus[label] = cpu
            print(
                f"{label:<52} median wall {wall:8.1f} ms, cpu {cpu:8.1f} ms "
                f"({cpu / base:4.2f}x the floor's cpu, {runs} runs)"
            )
        # the target: the world file within 1.3x the time of geneva.yaml
        for fmt in ("", " -f json"):
            world = cpus[f"tariffs compare scenarios/world-2025.yaml{fmt}"]
            geneva = cpus[f"tariffs compare scenarios/geneva.yaml{fmt}"]
            print(f"world-2025 / geneva{fmt or ' (table)'}: {world / geneva:4.2f}x cpu")
        print(f"large.yaml in one process, median of {args.large_runs} runs:")
        for stage, seconds in stage_seconds(large, args.large_runs, with_table=True).items():
            print(f"  {stage:<8} {seconds * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
