"""Market timings: an importer's partners as one market (`ces`), and linear GSIM (`gsim`).

Run from the repository root after `pip install -e '.[test]'`:

    python bench/markets.py                # 20,000 lines over 16 partners; GSIM of 30 regions
    python bench/markets.py --lines 20000 --partners 16 --regions 30 --runs 3

It prints, for each case, the whole-process wall time (median) and peak memory (largest) of
`tariffs compare FILE --format json > /dev/null`, and the in-process time of the market
step alone (calc.market, over every scenario).

- ces: bench/products.py's many-partner study (`generate_partners`: 16 partners, 10
  scenarios, MFN, all-in ceilings and dated yields on 20,000 lines), with the US's partners
  made one market (Em -1, sigma 3, Ex 2 for one partner in two, T0 the rates of 1 January).
  The same study without the market is timed too: the difference is the market's cost.
- gsim: `regions` regions, each importing from every other (regions x (regions - 1) flows
  without lines), a tariff on each flow and 2 scenarios that change a quarter of them; every
  region's market is `gsim`, solved together (one linear system of `regions` unknowns per
  stretch of constant rates).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from products import SCENARIOS, generate_partners, whole_process
from tariffs.calc import market
from tariffs.calc.compare import compare
from tariffs.calc.scope import flow_models
from tariffs.input.load import load


def with_market(path: Path, partners: int) -> Path:
    """The many-partner study with its partners as one `ces` market."""
    supply = ", ".join(f"P{chr(65 + k // 26)}{chr(65 + k % 26)}: 2" for k in range(0, partners, 2))
    text = path.read_text(encoding="utf-8") + (
        "markets:\n"
        "  US: {model: ces, import_demand: -1, substitution: 3,"
        f" partner_supply: {{{supply}}}, observed_on: 2025-01-01}}\n"
    )
    out = path.with_name("market.yaml")
    out.write_text(text, encoding="utf-8")
    return out


def generate_gsim(folder: Path, regions: int) -> Path:
    """`regions` regions trading one good with each other, every market `gsim`."""
    names = [f"R{chr(65 + k // 26)}{chr(65 + k % 26)}" for k in range(regions)]
    out = [
        "tariffs: 1",
        "title: generated GSIM benchmark",
        "period: {start: 2025-01-01, until: 2026-01-01}",
        "on: 2025-06-01",
        "flows:",
    ]
    pairs = [(i, r) for i in range(regions) for r in range(regions) if i != r]
    out += [
        f"  - {{importer: {names[i]}, exporter: {names[r]}, value: {1 + (7 * i + 3 * r) % 50}bn}}"
        for i, r in pairs
    ]
    out.append("measures:")
    out += [
        f"  t{i}-{r}: {{importer: {names[i]}, exporter: {names[r]}, basis: generated,"
        f" rates: {{2024-01-01: {(5 * i + 11 * r) % 12}%, 2025-07-01: {(3 * i + r) % 15}%}}}}"
        for i, r in pairs
    ]
    out += ["scenarios:", "  as-written: {}", "  cut:", "    changes:", "      2025-03-01:"]
    out += [f"        t{i}-{r}: 0%" for n, (i, r) in enumerate(pairs) if n % 4 == 0]
    out.append("markets:")
    out += [
        f"  {name}: {{model: gsim, import_demand: -1.25, substitution: 5, export_supply: 1.5,"
        " observed_on: 2024-12-31}"
        for name in names
    ]
    path = folder / "gsim.yaml"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


def market_seconds(path: Path, runs: int) -> float:
    """Median seconds of the market step alone, over every scenario, in this process."""
    study = load(path)
    result = compare(study)
    observed = market.observed_rates(study, flow_models(study))
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        for scenario in result.scenarios:
            market.markets(study, scenario.name, scenario.flows, observed)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def report(tariffs: str, shape: str, pair: tuple[Path, Path], runs: int, what: str) -> None:
    """Whole-process figures of a study without and with its markets, then the step alone."""
    for label, path in zip(("without markets", "with markets"), pair, strict=True):
        wall, peak = whole_process(tariffs, path, runs)
        print(f"{shape}, {label:<15}: compare {wall:6.2f} s wall, peak {peak:6.1f} MB")
    print(f"    the {what} step alone: {market_seconds(pair[1], runs):6.3f} s, every scenario")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=20_000)
    parser.add_argument("--partners", type=int, default=16)
    parser.add_argument("--regions", type=int, default=30)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    tariffs = shutil.which("tariffs") or str(Path(sys.executable).with_name("tariffs"))
    with tempfile.TemporaryDirectory() as tmp:
        plain = generate_partners(Path(tmp), args.lines, args.partners)
        shape = f"{args.lines} lines, {args.partners} partners, {SCENARIOS} scenarios"
        pair = (plain, with_market(plain, args.partners))
        report(tariffs, shape, pair, args.runs, "ces market")
        gsim = generate_gsim(Path(tmp), args.regions)
        bare = gsim.with_name("bare.yaml")
        bare.write_text(gsim.read_text(encoding="utf-8").split("markets:")[0], encoding="utf-8")
        flows = args.regions * (args.regions - 1)
        shape = f"{args.regions} regions ({flows} flows), 2 scenarios"
        report(tariffs, shape, (bare, gsim), args.runs, "gsim")


if __name__ == "__main__":
    main()
