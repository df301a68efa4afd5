"""The targets of `tariffs sweep`: time and memory of sweeps of scenarios/geneva.yaml.

Run from the repository root after `pip install -e '.[test]'`:

    python bench/sweep.py                 # 1,000 variants, and 100,000 with --jobs 2
    python bench/sweep.py --large 20000   # a smaller "large" sweep, for a quick look

It prints, for 1,000 variants of the Geneva window's length on one core:
- the variants computed in one process, from the loaded study (the calculation alone);
- the whole command, `tariffs sweep ... -f csv`, start-up and loading included;
- the same as one process per variant (a loop over `tariffs compare`), for 20 variants,
  scaled to 1,000: what the sweep replaces;
and, for the large sweep (two varied numbers) with --jobs 1 and --jobs 2: wall time and
the peak memory of the largest process, with the rows streamed to a file. Memory that
stays flat as the sweep grows is the point: compare the peaks of --large 20000 and 100000.
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

from measure import CHILD_ENV, median_seconds, peak_mb, run
from tariffs.calc.sweep import Sweeper
from tariffs.domain import Sweep
from tariffs.input import vary
from tariffs.input.load import load

ROOT = Path(__file__).resolve().parent.parent
GENEVA = ROOT / "scenarios" / "geneva.yaml"
DAYS = "window:Geneva truce.days=1..1000"


def in_process(runs: int) -> float:
    """Median seconds to compute the 1,000 variants from the loaded study."""
    study = load(GENEVA)
    days = vary.vary(study, study.scenario("geneva"), DAYS)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        sweeper = Sweeper(study, Sweep("", "geneva", (days,)))
        sweeper.rows(1, sweeper.count)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def per_process(tariffs: str, variants: int) -> float:
    """Seconds for `variants` runs of `tariffs compare` on edited copies of the file: the
    one-process-per-variant loop a sweep replaces."""
    text = GENEVA.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        for days in range(1, variants + 1):
            path = Path(tmp) / "geneva.yaml"
            path.write_text(text.replace("days: 90", f"days: {days}"), encoding="utf-8")
            command = [tariffs, "compare", str(path), "-s", "geneva", "-f", "csv"]
            subprocess.run(command, stdout=subprocess.DEVNULL, check=True, env=CHILD_ENV)
        return time.perf_counter() - start


def large(tariffs: str, count: int, jobs: int, out: Path) -> tuple[float, float]:
    """(wall seconds, peak MB of the largest process) of a sweep of `count` variants:
    the Geneva window's length (1..count/100 days) by the snapback rate (100 rates)."""
    lengths = max(1, count // 100)
    command = [
        tariffs,
        "sweep",
        str(GENEVA),
        "-s",
        "geneva",
        "--vary",
        f"window:Geneva truce.days=1..{lengths}",
        "--vary",
        "change:2025-05-14.us-reciprocal=0%..99%/1%",
        "-f",
        "csv",
        "-o",
        str(out),
        "--jobs",
        str(jobs),
    ]
    start = time.perf_counter()
    run(command)
    seconds = time.perf_counter() - start
    peak, _ = peak_mb(command)
    return seconds, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--large", type=int, default=100_000, help="variants of the large sweep")
    parser.add_argument("--loop", type=int, default=20, help="processes of the per-variant loop")
    args = parser.parse_args()
    tariffs = shutil.which("tariffs") or str(Path(sys.executable).with_name("tariffs"))
    print(f"1,000 variants of {DAYS}, scenario geneva:")
    print(f"  in one process, from the loaded study  {in_process(args.runs):7.2f} s (median)")
    command = [tariffs, "sweep", str(GENEVA), "-s", "geneva", "--vary", DAYS, "-f", "csv"]
    whole = median_seconds(command, args.runs)
    print(f"  tariffs sweep ... -f csv (whole run)   {whole:7.2f} s (median)")
    loop = per_process(tariffs, args.loop)
    print(
        f"  one tariffs compare per variant         {loop * 1000 / args.loop:7.1f} s "
        f"(scaled from {args.loop} runs)"
    )
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "sweep.csv"
        for jobs in (1, 2):
            seconds, peak = large(tariffs, args.large, jobs, out)
            rows = out.read_text(encoding="utf-8").count("\n") - 1
            print(
                f"{args.large:,} variants, --jobs {jobs}: {seconds:7.1f} s, "
                f"peak {peak:6.1f} MB, {rows:,} rows"
            )


if __name__ == "__main__":
    main()
