"""How well a sweep's work estimate follows its time, for each kind of varied number.

Run from the repository root after `pip install -e '.[test]'`:

    python bench/sweep_work.py             # 40 variants of each kind, 3 runs each
    python bench/sweep_work.py --variants 100 --runs 5

For each sweep below it prints the estimate of one variant (tariffs.calc.sweep.sweep_cost,
in steps), the time one variant takes on one core (the median over the runs, computed
from the loaded study), the microseconds a step took, and so the time that a sweep at the
limit (limits.MAX_SWEEP_WORK) would take on one core. An estimate that follows the work
gives a like time at the limit for every kind: a `measure:` variant that costs many
`change:` variants must be estimated so.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from tariffs.calc.sweep import Sweeper, sweep_cost
from tariffs.domain import Sweep
from tariffs.input import vary
from tariffs.input.load import load
from tariffs.limits import MAX_SWEEP_WORK

ROOT = Path(__file__).resolve().parent.parent

SWEEPS = [
    ("geneva.yaml", "geneva", "window:Geneva truce.days=1..{n}"),
    ("geneva.yaml", "geneva", "change:2025-05-14.us-reciprocal=1%..{n}%/1%"),
    ("geneva.yaml", "geneva", "measure:us-reciprocal.2025-04-05=1%..{n}%/1%"),
    ("geneva.yaml", "geneva", "flow:US:CN.value=301bn..{v}bn/1bn"),
    ("products-2025.yaml", "", "measure:us-reciprocal.2025-04-05=1%..{n}%/1%"),
    ("world-2025.yaml", "s301-lower", "change:2025-01-01.us-301-cn=1%..{n}%/1%"),
    ("world-2025.yaml", "s301-lower", "measure:us-301-cn.2018-07-06=1%..{n}%/1%"),
    ("world-2025.yaml", "april-2-no-deals", "change:2025-06-04.us-232-steel=1%..{n}%/1%"),
    ("world-2025.yaml", "as-enacted", "measure:us-reciprocal.2025-04-05=1%..{n}%/1%"),
    ("world-2025.yaml", "as-enacted", "measure:us-232-steel.2025-06-04=1%..{n}%/1%"),
    ("world-2025.yaml", "as-enacted", "flow:US:CN.value=301bn..{v}bn/1bn"),
]


def seconds_per_variant(sweeper: Sweeper, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        sweeper.rows(1, sweeper.count)
        times.append((time.perf_counter() - start) / sweeper.count)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", type=int, default=40)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    n = args.variants
    print(f"limit {MAX_SWEEP_WORK:,} steps; {n} variants of each sweep, median of {args.runs}")
    print(
        f"{'file':19} {'scenario':17} {'varied':46} {'steps':>9} {'ms':>7} {'us/step':>7} "
        f"{'limit s':>8}"
    )
    for name, scenario, text in SWEEPS:
        study = load(ROOT / "scenarios" / name)
        swept = scenario or study.baseline
        target = text.format(n=n, v=300 + n)
        one = vary.vary(study, study.scenario(swept), target)
        sweep = Sweep("", swept, (one,))
        cost = sweep_cost(study, sweep)
        seconds = seconds_per_variant(Sweeper(study, sweep), args.runs)
        at_limit = MAX_SWEEP_WORK / cost.each * seconds
        print(
            f"{name:19} {swept:17} {target.split('=')[0]:46} {cost.each:9,} "
            f"{seconds * 1000:7.2f} {seconds / cost.each * 1e6:7.3f} {at_limit:8.0f}"
        )


if __name__ == "__main__":
    main()
