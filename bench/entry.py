"""Entry-scale timings: `tariffs entry` on a generated file of many entry lines.

Run from the repository root after `pip install -e '.[test]'`:

    python bench/entry.py                  # 10,000 lines over 5 origins, 3 runs
    python bench/entry.py --lines 20000 --runs 5

The law is scenarios/world-2025.yaml (16 partners, every 2025 layer). The generated file
(`generate`): N lines in entries of 5 lines, from CN, MX, CA, JP and VN in turn, dated
across 2025 (so every fee year and many rate changes are crossed), of the product lines
the law holds (vehicles, auto parts, aluminium, steel, Annex II goods, computers, phones)
with 10-digit codes under them, each with its own MFN, values of $100 to $99,999.99 with
cents, by vessel, air or truck; a fifth of the lines claim USMCA (share 100%).

For each size it prints the wall time (median) and peak memory (largest) of the whole
process, `tariffs entry LAW FILE --format csv > /dev/null` and `--format json`, beside the
floor of the stack itself (`python -c "import typer._adapters, pydantic, yaml,
rich.console"`): what any command of this stack costs before it does anything.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from pathlib import Path

from measure import ROOT, median_wall_and_cpu, peak_mb

LAW = "scenarios/world-2025.yaml"
ORIGINS = ("CN", "MX", "CA", "JP", "VN")
PRODUCTS = (
    ("8703.23.0190", "2.5%"),
    ("8708.99.8180", "2.5%"),
    ("7616.99.5190", "2.5%"),
    ("7326.90.8688", "2.9%"),
    ("3004.90.9290", "Free"),
    ("8471.30.0100", "Free"),
    ("8517.13.0000", "Free"),
)
MODES = ("vessel", "air", "truck")
FLOOR = [sys.executable, "-c", "import typer._adapters, pydantic, yaml, rich.console"]


def generate(path: Path, lines: int, seed: int = 2025) -> None:
    """Write an entry file of `lines` lines, 5 to an entry (see the module's doc)."""
    pick = random.Random(seed)  # noqa: S311 - test data, not secrets
    rows = ["entry,line,entry_date,mode,hts,origin,value,mfn,share:usmca"]
    for index in range(lines):
        number, line = divmod(index, 5)
        origin = ORIGINS[number % len(ORIGINS)]
        day = 1 + (number * 7) % 365
        month, date_in_month = _month_day(day)
        hts, mfn = PRODUCTS[pick.randrange(len(PRODUCTS))]
        value = f"{pick.randrange(100, 100_000)}.{pick.randrange(100):02d}"
        claim = "100%" if origin in {"MX", "CA"} and pick.random() < 0.5 else ""
        mode = MODES[number % len(MODES)]
        rows.append(
            f"EB{number:07d},{line + 1},2025-{month:02d}-{date_in_month:02d},{mode},{hts},"
            f"{origin},{value},{mfn},{claim}"
        )
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _month_day(day: int) -> tuple[int, int]:
    for month, days in enumerate(_DAYS, start=1):
        if day <= days:
            return month, day
        day -= days
    return 12, 31


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    tariffs = str(Path(sys.executable).parent / "tariffs")
    floor_wall, _ = median_wall_and_cpu(FLOOR, args.runs)
    floor_peak = max(peak_mb(FLOOR)[0] for _ in range(args.runs))
    print(f"stack floor: {floor_wall:.2f} s, {floor_peak:.0f} MB peak")
    with tempfile.TemporaryDirectory() as folder:
        entries = Path(folder) / "entries.csv"
        generate(entries, args.lines)
        size = entries.stat().st_size
        print(f"{args.lines:,} entry lines over {len(ORIGINS)} origins ({size:,} bytes)")
        for fmt in ("csv", "json", "table"):
            command = [tariffs, "entry", str(ROOT / LAW), str(entries), "--format", fmt]
            wall, cpu = median_wall_and_cpu(command, args.runs)
            peaks = [peak_mb(command) for _ in range(args.runs)]
            if any(code != 0 for _, code in peaks):
                print(f"  --format {fmt}: the command failed")
                continue
            peak = max(mb for mb, _ in peaks)
            print(
                f"  --format {fmt:5}: {wall:.2f} s wall, {cpu:.2f} s CPU, {peak:.0f} MB peak "
                f"(median of {args.runs})"
            )


if __name__ == "__main__":
    main()
