"""Wall time and peak memory of `tariffs validate` on each hostile file in tests/corpus/.

Run from the repository root after `pip install -e '.[test]'`:

    python bench/hostile.py          # 3 runs per file; the median time, the largest peak

The issue's limits are 2 s and 200 MB per file. Also runs a 50 MB file made on the spot.
Peak memory is the command's maximum resident set size, from wait4(2) in a small parent.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
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
