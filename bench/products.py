"""Product-scale timings: a generated flow of many product lines, scoped measures, elasticities.

Run from the repository root after `pip install -e '.[test]'`:

    python bench/products.py                 # 20,000 and 40,000 lines, 3 runs each
    python bench/products.py --lines 20000 --runs 5
    python bench/products.py --lines 20000 --partners 16   # MFN, all-in ceilings, dated yields

For each size it prints the whole-process wall time (median) and peak memory (largest) of
`tariffs compare FILE --format json > /dev/null`, then the in-process stages, and finally
the ratio between the sizes: the work is meant to grow linearly with lines x changes.

The generated study (`generate`): one flow US:CN of N lines with 6-digit HS codes spread
over all 97 chapters, read from a CSV file; 30 measures, each with an HS scope (`applies_to`
over a few chapters), an exclusion from a date, product-specific rates on some headings,
and every fifth one yielding to the next; 10 scenarios, each with 3 changes and 2 windows;
an elasticity of -1.5 on every line (observed at 5%).
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

from measure import peak_mb, stage_seconds
from tariffs.calc.compare import compare
from tariffs.input.load import load

MEASURES = 30
SCENARIOS = 10


def hs_code(i: int) -> str:
    chapter = 1 + i % 97
    rest = i // 97
    return f"{chapter:02d}{rest % 100:02d}.{(rest // 100) % 100:02d}"


def generate(folder: Path, lines: int) -> Path:
    """Write lines.csv and study.yaml into `folder`; return the scenario file."""
    rows = ["hs,description,value"]
    rows += [f"{hs_code(i)},product {i},{(i * 7919) % 1000 + 1}m" for i in range(lines)]
    (folder / "lines.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = [
        "tariffs: 1",
        "title: generated product-scale benchmark",
        "period: {start: 2025-01-01, until: 2026-01-01}",
        "on: 2025-06-01",
        "flows:",
        "  - {importer: US, exporter: CN, lines_file: lines.csv, elasticity: -1.5,"
        " observed_at: 5%}",
        "measures:",
    ]
    for m in range(MEASURES):
        chapters = ", ".join(f'"{1 + (3 * m + k) % 97:02d}"' for k in range(6))
        first = 1 + (3 * m) % 97
        out += [
            f"  m{m}:",
            "    importer: US",
            "    exporter: CN",
            f"    basis: generated {m}",
            f"    rates: {{2025-02-01: {m % 7 + 5}%, 2025-05-01: {m % 11 + 10}%,"
            f" 2025-09-01: {m % 5 + 2}%}}",
            f"    applies_to: [{chapters}]",
            f'    excludes: [{{hs: ["{first:02d}1", "{first:02d}2"], from: 2025-04-05}}]',
            f'    product_rates: [{{hs: ["{first:02d}5", "{first:02d}6"],'
            f" rates: {{2025-03-01: {m % 9 + 20}%}}}}]",
        ]
        if m % 5 == 0 and m + 1 < MEASURES:
            out.append(f"    yields_to: [m{m + 1}]")
    out.append("scenarios:")
    for s in range(SCENARIOS):
        out += [f"  s{s}:", "    changes:"]
        out += [
            f"      2025-{month:02d}-15: {{m{(s + month) % MEASURES}: {month + s}%}}"
            for month in (3, 6, 10)
        ]
        out += [
            "    windows:",
            f"      - {{name: w1, start: 2025-05-14, days: 90, set: {{m{s}: 1%}}}}",
            f"      - {{name: w2, start: 2025-10-01, days: 30,"
            f" set: {{m{(s + 1) % MEASURES}: 0%}}}}",
        ]
    path = folder / "study.yaml"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


def generate_partners(folder: Path, lines: int, partners: int) -> Path:
    """The law's forms at scale: `lines` over `partners` flows into the US, each line with an
    MFN rate (one of 20), each partner with two scoped measures (as `generate` makes them),
    a reciprocal rate that becomes all-in 15% over MFN on 2025-08-07, and a dated yield."""
    names = [f"P{chr(65 + k // 26)}{chr(65 + k % 26)}" for k in range(partners)]
    out = [
        "tariffs: 1",
        "title: generated many-partner benchmark",
        "period: {start: 2025-01-01, until: 2026-01-01}",
        "on: 2025-09-01",
        "flows:",
    ]
    for k, partner in enumerate(names):
        rows = ["hs,description,value,mfn"]
        rows += [
            f"{hs_code(i)},product {i},{(i * 7919) % 1000 + 1}m,{(i % 20) * 1.5}%"
            for i in range(k, lines, partners)
        ]
        (folder / f"lines-{k}.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
        out.append(f"  - {{importer: US, exporter: {partner}, lines_file: lines-{k}.csv}}")
    out.append("measures:")
    for k, partner in enumerate(names):
        for j in range(2):
            m = 2 * k + j
            chapters = ", ".join(f'"{1 + (3 * m + c) % 97:02d}"' for c in range(6))
            out += [
                f"  m{m}:",
                f"    {{importer: US, exporter: {partner}, basis: generated {m},"
                f" rates: {{2025-03-12: 25%, 2025-06-04: 50%}}, applies_to: [{chapters}]}}",
            ]
        out += [
            f"  r{k}:",
            "    importer: US",
            f"    exporter: {partner}",
            "    basis: reciprocal",
            "    rates: {2025-04-05: 10%, 2025-08-07: 15%}",
            "    all_in: [{over: [mfn], from: 2025-08-07}]",
            f"    yields_to: [{{measure: m{2 * k}, from: 2025-06-04}}]",
        ]
    out.append("scenarios:")
    out.append("  as-written: {}")
    for s in range(SCENARIOS - 1):
        out += [f"  s{s}:", "    changes:"]
        out += [
            f"      2025-{month:02d}-15: {{r{(s + month) % partners}: {month + s}%}}"
            for month in (3, 6, 10)
        ]
    path = folder / "study.yaml"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


def whole_process(tariffs: str, path: Path, runs: int) -> tuple[float, float]:
    """(median seconds, largest peak MB) of compare --format json into /dev/null."""
    command = [tariffs, "compare", str(path), "--format", "json"]
    times, peaks = [], []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
        peak, code = peak_mb(command)
        peaks.append(peak)
        if code != 0:
            raise SystemExit(f"tariffs failed on {path}")
    return statistics.median(times), max(peaks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, nargs="+", default=[20_000, 40_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--partners",
        type=int,
        default=0,
        help="spread the lines over this many partners, with MFN, all-in and dated yields",
    )
    args = parser.parse_args()
    tariffs = shutil.which("tariffs") or str(Path(sys.executable).with_name("tariffs"))
    walls = []
    for count in args.lines:
        with tempfile.TemporaryDirectory() as tmp:
            if args.partners:
                path = generate_partners(Path(tmp), count, args.partners)
            else:
                path = generate(Path(tmp), count)
            wall, peak = whole_process(tariffs, path, args.runs)
            walls.append(wall)
            flows = compare(load(path)).scenarios[0].flows
            classes = sum(len(flow.classes) for flow in flows)
            shape = f"{len(flows)} partners" if args.partners else f"{MEASURES} measures"
            print(
                f"{count:>7} lines, {shape}, {SCENARIOS} scenarios: "
                f"compare --format json {wall:6.2f} s wall (median of {args.runs}), "
                f"peak {peak:6.1f} MB ({classes} classes of lines)"
            )
            for name, seconds in stage_seconds(path, args.runs).items():
                print(f"    {name:<8} {seconds:6.2f} s")
    for (a, wa), (b, wb) in zip(
        zip(args.lines, walls, strict=True),
        zip(args.lines[1:], walls[1:], strict=True),
        strict=False,
    ):
        print(f"{b} / {a} lines: wall time x{wb / wa:.2f} (lines x{b / a:.2f})")


if __name__ == "__main__":
    main()
