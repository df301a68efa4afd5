"""Wall time and peak memory of `tariffs` on hostile files: the corpus, and files at the size
limits.

Run from the repository root after `pip install -e '.[test]'`:

    python bench/hostile.py              # corpus: 3 runs per file; the median, the largest peak
    python bench/hostile.py --sizes      # the size cases: each refused, or done within 60 s, 1 GB

Corpus files should take under 2 s and 200 MB each; a 50 MB file made on the spot is
refused before parsing. The size cases are generated in a temporary folder (see
`size_cases`). Peak memory is the command's maximum resident set size, from wait4(2) in a
small parent.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from measure import peak_mb

ROOT = Path(__file__).resolve().parent.parent
TARIFFS = shutil.which("tariffs") or str(Path(sys.executable).with_name("tariffs"))


def measure(path: Path) -> tuple[float, float, int]:
    """(seconds, peak MB, exit code) of one `tariffs validate PATH`."""
    command = [TARIFFS, "validate", str(path)]
    start = time.perf_counter()
    subprocess.run(command, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    peak, code = peak_mb(command)
    return elapsed, peak, code


def _rate_steps(path: Path, measures: int, steps: int, scenarios: int, *, touch: bool) -> Path:
    first = date(1900, 1, 1)
    with path.open("w") as out:
        out.write("tariffs: 1\ntitle: steps\nperiod: {start: 2025-01-01, until: 2026-01-01}\n")
        out.write("on: 2025-06-01\nflows:\n  - {importer: US, exporter: CN, value: 1bn}\n")
        out.write("measures:\n")
        for m in range(measures):
            out.write(f"  m{m}:\n    importer: US\n    exporter: CN\n    basis: b\n    rates:\n")
            for i in range(steps):
                out.write(f"      {(first + timedelta(days=i)).isoformat()}: {i % 50}%\n")
        out.write("scenarios:\n")
        change = "{changes: {2025-03-01: {m0: 5%}}}" if touch else "{}"
        for i in range(scenarios):
            out.write(f"  s{i}: {change}\n")
    return path


def _lines(folder: Path, name: str, rows: int, scenarios: int) -> Path:
    with (folder / f"{name}.csv").open("w") as out:
        out.write("hs,description,value\n")
        for i in range(rows):
            out.write(f"{1_000_000 + i},line {i},{i % 7 + 1}m\n")
    path = folder / f"{name}.yaml"
    names = "".join(f"  s{i}: {{}}\n" for i in range(scenarios))
    path.write_text(
        "tariffs: 1\ntitle: lines\nperiod: {start: 2025-01-01, until: 2026-01-01}\n"
        f"on: 2025-06-01\nflows:\n  - {{importer: US, exporter: CN, lines_file: {name}.csv}}\n"
        "measures:\n  m: {importer: US, exporter: CN, basis: b, rates: {2025-04-01: 10%},"
        " applies_to: [1000, 1001]}\n"
        f"scenarios:\n{names}"
    )
    return path


def size_cases(folder: Path) -> list[tuple[str, list[str]]]:
    """(name, arguments) of each size case, its files written into `folder`."""
    issue = _rate_steps(folder / "steps-3000.yaml", 4, 20_000, 3_000, touch=False)
    touching = _rate_steps(folder / "touch-3000.yaml", 4, 20_000, 3_000, touch=True)
    largest = _rate_steps(folder / "steps-10mib.yaml", 5, 90_000, 2, touch=True)
    million = folder / "rows-1m.yaml"
    million.write_text(
        (folder / "steps-3000.yaml")
        .read_text()
        .split("measures:")[0]
        .replace("value: 1bn}", "lines_file: rows-1m.csv}")
        + "measures:\n  m: {importer: US, exporter: CN, basis: b, rates: {2025-04-01: 10%}}\n"
        "scenarios:\n  s: {}\n"
    )
    (folder / "rows-1m.csv").write_text("hs,description,value\n" + ",d,1\n" * 1_000_000)
    at_limit = _lines(folder, "rows-250k", 250_000, 1)
    ten = _lines(folder, "rows-200k-x10", 200_000, 10)
    head = (
        "tariffs: 1\ntitle: t\nperiod: {start: 1950-01-01, until: 2199-12-31}\n"
        "on: 2025-06-01\nflows:\n  - {importer: US, exporter: CN, value: 1bn}\nmeasures:\n"
    )
    windows = folder / "windows-4000.yaml"
    windows.write_text(
        head
        + "  m: {importer: US, exporter: CN, basis: b, rates: {1950-01-01: 50%}}\n"
        + "scenarios:\n  s:\n    windows:\n"
        + "".join(
            f"      - {{name: w{i}, start: {date(1950, 1, 1) + timedelta(days=2 * i)}, "
            f"days: 1, set: {{m: {i % 40}%}}}}\n"
            for i in range(4_000)
        )
    )
    timeline = folder / "timeline-40x500.yaml"
    timeline.write_text(
        head
        + "".join(
            f"  m{k}:\n    importer: US\n    exporter: CN\n    basis: b\n    rates:\n"
            + "".join(
                f"      {date(1950, 1, 2) + timedelta(days=k + 40 * i)}: {(i + k) % 50}%\n"
                for i in range(500)
            )
            for k in range(40)
        )
        + "scenarios:\n  s: {}\n"
    )
    layers = folder / "layers-300x3000.yaml"
    layers.write_text(
        head
        + "".join(
            f"  m{k}: {{importer: US, exporter: CN, basis: b, rates: {{2025-02-01: 1%}}}}\n"
            for k in range(300)
        )
        + "scenarios:\n"
        + "".join(f"  s{i}: {{}}\n" for i in range(3_000))
    )
    values = folder / "values-10mib.yaml"
    values.write_text("tariffs: 1\nnotes:\n" + "- {a: 1}\n" * 950_000)
    return [
        ("4,000 windows on one measure", ["compare", str(windows), "-f", "json"]),
        ("timeline of 40 measures x 500 rates, json", ["timeline", str(timeline), "-f", "json"]),
        ("timeline of 40 measures x 500 rates, table", ["timeline", str(timeline)]),
        ("300 measures x 3,000 scenarios, json", ["compare", str(layers), "-f", "json"]),
        ("950,000 small mappings (10 MiB)", ["validate", str(values)]),
        ("4 x 20,000 steps x 3,000 scenarios, json", ["compare", str(issue), "-f", "json"]),
        ("4 x 20,000 steps x 3,000 scenarios, table", ["compare", str(issue)]),
        ("3,000 scenarios each changing 20,000 steps", ["compare", str(touching)]),
        ("10 MiB of rate steps (5 x 90,000), json", ["compare", str(largest), "-f", "json"]),
        ("1,000,000-row CSV", ["compare", str(million), "-f", "json"]),
        ("250,000 lines, json", ["compare", str(at_limit), "-f", "json"]),
        ("250,000 lines, csv", ["compare", str(at_limit), "-f", "csv"]),
        ("200,000 lines x 10 scenarios, json", ["compare", str(ten), "-f", "json"]),
        ("200,000 lines x 10 scenarios, csv", ["compare", str(ten), "-f", "csv"]),
    ]


def sizes() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for name, args in size_cases(Path(tmp)):
            command = [TARIFFS, *args]
            start = time.perf_counter()
            done = subprocess.run(command, capture_output=True, check=False)
            elapsed = time.perf_counter() - start
            peak, _ = peak_mb(command)
            verdict = "done" if done.returncode == 0 else "refused"
            message = done.stderr.decode("utf-8", "replace").strip().splitlines()
            print(f"{name:44} {verdict:8} {elapsed:6.1f} s {peak:7.1f} MB")
            if done.returncode != 0:
                print(f"    {message[0][-150:] if message else done.returncode}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes", action="store_true", help="run the size cases instead")
    args = parser.parse_args()
    if args.sizes:
        sizes()
        return
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "fifty-mb.yaml"
        line = b"notes: " + b"x" * 1000 + b"\n"
        with big.open("wb") as handle:  # in pieces: this process stays small
            for _ in range(50 * 1024 * 1024 // len(line) + 1):
                handle.write(line)
        files = [*sorted((ROOT / "tests" / "corpus").glob("*.yaml")), big]
        rows = []
        for path in files:
            runs = [measure(path) for _ in range(args.runs)]
            codes = {code for _, _, code in runs}
            rows.append(
                (path.name, statistics.median(t for t, _, _ in runs), max(m for _, m, _ in runs))
            )
            if codes != {1}:
                print(f"{path.name}: exit codes {sorted(codes)}, expected 1")
        for name, seconds, peak in rows:
            print(f"{name:34} {seconds * 1000:7.1f} ms {peak:7.1f} MB")
        slowest = max(rows, key=lambda r: r[1])
        largest = max(rows, key=lambda r: r[2])
        print(f"{len(rows)} files; slowest {slowest[0]} {slowest[1] * 1000:.1f} ms;", end=" ")
        print(f"largest peak {largest[0]} {largest[2]:.1f} MB")


if __name__ == "__main__":
    main()
