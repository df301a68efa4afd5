"""`tariffs sweep`: the --vary language, variants of the loaded study, break-even answers.

Hand figures: the Geneva truce suspends 24 points (34% -> 10%) of the US reciprocal tariff
on 438.9bn of imports a year, and of China's counter-tariff on 143.5bn, so each of its days
saves US importers 438.9bn x 24 / 100 / 365 = 288,591,780.82 and Chinese importers
143.5bn x 24 / 100 / 365 = 94,356,164.38.
"""

from __future__ import annotations

import io
import itertools
import re
import shlex
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tariffs.calc.compare import compare
from tariffs.calc.sweep import Sweeper, default_metrics, solve, sweep_cost, sweep_work
from tariffs.cli import app
from tariffs.cli.progress import bar, tracked
from tariffs.domain import Solve, Study, Sweep
from tariffs.input import vary
from tariffs.input.load import load, load_text
from tariffs.input.problems import ScenarioError
from tariffs.limits import MAX_SWEEP_WORK

from .conftest import GOLDEN, ROOT

GENEVA = "scenarios/geneva.yaml"
PRODUCTS = "scenarios/products-2025.yaml"
US_DAY = Decimal("438.9e9") * 24 / 100 / 365  # 288,591,780.82 a day of truce, US:CN
CN_DAY = Decimal("143.5e9") * 24 / 100 / 365  # 94,356,164.38, CN:US


def _study(path: str = GENEVA) -> Study:
    return load(ROOT / path)


def _sweep(
    texts: list[str],
    scenario: str = "geneva",
    metrics: tuple[str, ...] = ("duties_saved",),
    path: str = GENEVA,
    goal: str | None = None,
) -> Sweeper:
    study = _study(path)
    varies = tuple(vary.vary(study, study.scenario(scenario), text) for text in texts)
    solved = vary.solve(goal) if goal else None
    return Sweeper(study, Sweep("", scenario, varies, metrics, solve=solved))


def _cli(*args: str) -> Any:
    return CliRunner().invoke(app, list(args), prog_name="tariffs", catch_exceptions=False)


# --- the --vary language ---------------------------------------------------------------------


def test_targets_name_each_kind_of_number() -> None:
    study = _study(PRODUCTS)
    geneva = study.scenario("geneva")
    window = vary.target(study, geneva, "window:Geneva truce.days")
    assert (window.kind, window.name, window.field, window.unit) == (
        "window",
        "Geneva truce",
        "days",
        "days",
    )
    rate = vary.target(study, geneva, 'window:"Geneva truce".us-reciprocal')
    assert (rate.field, rate.measure, rate.unit) == ("rate", "us-reciprocal", "percent")
    change = vary.target(study, geneva, "change:2025-05-14.us-reciprocal")
    assert (change.day, change.measure) == (date(2025, 5, 14), "us-reciprocal")
    step = vary.target(study, geneva, "measure:us-reciprocal.2025-04-10")
    assert (step.kind, step.name, step.day) == ("measure", "us-reciprocal", date(2025, 4, 10))
    flow = vary.target(study, geneva, "flow:US:CN.elasticity")
    assert (flow.kind, flow.name, flow.unit) == ("flow", "US:CN", "number")
    line = vary.target(study, geneva, "line:US:CN.8517.13.share")
    assert (line.kind, line.hs, line.field, line.unit) == ("line", "851713", "share", "percent")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("window:Busan truce.days", "scenario 'geneva' has no such window (its windows: Geneva"),
        ("window:Geneva truce.length", "window 'Geneva truce' has days, until, start and the"),
        ("change:2025-05-15.us-reciprocal", "changes no measure 'us-reciprocal' on 2025-05-15"),
        ("measure:us-reciprocal.2025-04-11", "has no rate from 2025-04-11 (its dates: 2025-04-05"),
        ("measure:nothing.2025-04-11", "there is no measure 'nothing'"),
        ("flow:US:JP.value", "there is no flow US:JP (known: US:CN, CN:US)"),
        ("flow:US:CN.elasticity", "flow US:CN has no trade response to vary"),
        ("line:US:CN.8517.value", "flow US:CN has no product lines; vary flow:US:CN.value"),
        ("tariff:us.rate", "names no number: write KIND:NAME.FIELD"),
    ],
)
def test_a_target_that_names_nothing_says_what_there_is(text: str, message: str) -> None:
    study = _study()
    with pytest.raises(ValueError, match=re.escape(message)):
        vary.target(study, study.scenario("geneva"), text)


@pytest.mark.parametrize(
    ("unit_of", "text", "first", "last", "count"),
    [
        ("window:Geneva truce.days", "30..365/5", Decimal(30), Decimal(365), 68),
        ("window:Geneva truce.days", "30..364/5", Decimal(30), Decimal(360), 67),  # 364 not hit
        ("window:Geneva truce.days", "30,60,90", Decimal(30), Decimal(90), 3),
        ("window:Geneva truce.days", "90", Decimal(90), Decimal(90), 1),
        ("window:Geneva truce.days", "1..10", Decimal(1), Decimal(10), 10),  # days step 1
        ("window:Geneva truce.until", "2025-08-12..2025-09-11/10", date(2025, 8, 12),
         date(2025, 9, 11), 4),
        ("window:Geneva truce.us-reciprocal", "10%..60%/5%", Decimal(10), Decimal(60), 11),
        ("change:2025-05-14.us-reciprocal", "0.5%..1%/0.25%", Decimal("0.5"), Decimal(1), 3),
    ],
)  # fmt: skip
def test_values_are_ranges_lists_or_one_value(
    unit_of: str, text: str, first: Any, last: Any, count: int
) -> None:
    study = _study()
    target = vary.target(study, study.scenario("geneva"), unit_of)
    values = vary.values(target, text)
    assert (values[0], values[-1], len(values)) == (first, last, count)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("window:Geneva truce.days=0..10", "a window lasts at least one day: 0 days is not a"),
        ("window:Geneva truce.days=0", "a window lasts at least one day"),
        ("window:Geneva truce.us-reciprocal=10..60/5", "'10' is not a percent: write a"),
        ("window:Geneva truce.us-reciprocal=10%..60%", "give the range a step, such as 10%.."),
        ("window:Geneva truce.days=90..30/5", "the range runs down; write the smaller value"),
        ("window:Geneva truce.days=30..90/0", "the step must be above zero"),
        ("window:Geneva truce.days", "write TARGET=VALUES"),
        ("window:Geneva truce.days=1..36500/1", ""),  # 36,500 values: allowed
        ("change:2025-05-14.us-reciprocal=0%..99999%/0.0001%", "over the limit of 1,000,000"),
    ],
)
def test_bad_values_are_refused_with_a_message(text: str, message: str) -> None:
    study = _study()
    if not message:
        assert len(vary.vary(study, study.scenario("geneva"), text).values) == 36_500
        return
    with pytest.raises(ValueError, match=re.escape(message)):
        vary.vary(study, study.scenario("geneva"), text)


def test_a_grid_may_not_vary_one_number_twice_or_grow_past_the_limit() -> None:
    study = _study()
    geneva = study.scenario("geneva")
    days = vary.vary(study, geneva, "window:Geneva truce.days=30..90/30")
    until = vary.vary(study, geneva, "window:Geneva truce.until=2025-08-01")
    with pytest.raises(ValueError, match="vary the same number"):
        vary.check_grid([days, until])
    wide = vary.vary(study, geneva, "change:2025-05-14.us-reciprocal=0%..999.9%/0.1%")
    assert vary.check_grid([wide]) == 10_000
    with pytest.raises(ValueError, match=r"10,000 x 10,000 = 100,000,000 variants"):
        vary.check_grid([wide, wide._replace(target=wide.target._replace(measure="cn"))])


# --- variants ------------------------------------------------------------------------------


def test_a_sweep_of_90_days_reproduces_compare_exactly() -> None:
    study = _study()
    sweeper = _sweep(
        ["window:Geneva truce.days=90..90"],
        metrics=("rate_on", "average_rate", "static_duties", "duties_saved", "delta_rate_on"),
    )
    [row] = [sweeper.row(1)]
    result = compare(study, only=("geneva",))
    [scenario] = result.scenarios
    for cells, flow, base in zip(row.cells, scenario.flows, result.base.flows, strict=True):
        saved = sum((w.saved for w in scenario.windows if w.flow == flow.flow), Decimal(0))
        assert cells == (
            flow.rate_on,
            flow.average,
            flow.duties,
            saved,
            flow.rate_on - base.rate_on,
        )
    # The reference figures: 30% on 1 June, 25.97bn saved (scenarios/geneva.yaml's expect).
    assert row.cells[0][0] == 30
    assert round(row.cells[0][3] / Decimal("1e7")) == 2597


def test_saved_duties_grow_exactly_linearly_with_the_window_inside_the_period() -> None:
    # From 14 May, a window of up to 232 days ends by 1 January 2026, the period's end.
    sweeper = _sweep(["window:Geneva truce.days=1..232"])
    rows = sweeper.rows(1, 232)
    for before, after in itertools.pairwise(rows):
        us = after.cells[0][0] - before.cells[0][0]
        cn = after.cells[1][0] - before.cells[1][0]
        # Decimal keeps 28 significant digits: the slope is exact to ~1e-17 of 2.9e8.
        assert abs(us - US_DAY) < Decimal("1e-15")
        assert abs(cn - CN_DAY) < Decimal("1e-15")
    assert abs(rows[0].cells[0][0] - US_DAY) < Decimal("1e-15")  # one day saves one slope


def test_an_overlapping_variant_is_a_row_with_its_reason() -> None:
    # In `extended`, the first extension starts on 12 August, day 91 from 14 May.
    sweeper = _sweep(["window:Geneva truce.days=89..92"], scenario="extended")
    rows = sweeper.rows(1, 4)
    assert [row.problem is None for row in rows] == [True, True, False, False]
    assert rows[2].problem == (
        "windows 'Geneva truce' and 'First extension' would both set 'us-reciprocal' from "
        "2025-08-12 to 2025-08-12"
    )
    assert rows[2].cells == ()


def test_a_window_that_would_end_before_it_starts_is_invalid() -> None:
    sweeper = _sweep(["window:Geneva truce.until=2025-05-13..2025-05-15"])
    problems = [row.problem for row in sweeper.rows(1, 3)]
    assert problems[0] == (
        "window 'Geneva truce' would end (2025-05-13) on or before its start (2025-05-14)"
    )
    assert "would end (2025-05-14) on or before" in str(problems[1])  # [start, start): empty
    assert problems[2] is None


def test_start_moves_the_window_and_keeps_its_length() -> None:
    sweeper = _sweep(["window:Geneva truce.start=2025-06-01"], metrics=("duties_saved",))
    # 90 days of 24 points saved wherever the window sits inside the period
    assert abs(sweeper.row(1).cells[0][0] - 90 * US_DAY) < Decimal("1e-12")


def test_varying_a_measure_changes_the_baseline_too() -> None:
    # measure:us-reciprocal.2025-04-10 is the 125% step; at 125% the variant is the file.
    sweeper = _sweep(
        ["measure:us-reciprocal.2025-04-10=125%,100%"],
        metrics=("peak_rate", "delta_peak_rate"),
        scenario="no-deal",
    )
    first, second = sweeper.rows(1, 2)
    assert first.cells[0] == (Decimal(145), Decimal(0))  # 20% fentanyl + 125%
    assert second.cells[0] == (Decimal(120), Decimal(0))  # the baseline varies with it


def test_a_flow_s_value_scales_its_duties() -> None:
    sweeper = _sweep(["flow:US:CN.value=438.9bn,877.8bn"], metrics=("static_duties",))
    one, two = sweeper.rows(1, 2)
    assert two.cells[0][0] == 2 * one.cells[0][0]
    assert two.cells[1] == one.cells[1]  # CN:US is another flow


def test_a_line_s_share_keeps_the_flow_s_value_and_moves_its_rate() -> None:
    sweeper = _sweep(
        ["line:US:CN.8517.13.share=0%,100%"],
        metrics=("trade_value", "rate_on"),
        path=PRODUCTS,
    )
    none, all_ = sweeper.rows(1, 2)
    assert none.cells[0][0] == all_.cells[0][0] == Decimal("438.9e9")
    # all of the trade in smartphones: the rate of smartphones on 1 June 2025, 20% fentanyl
    # (they are excluded from the reciprocal tariff), as `tariffs rate --hs 8517.13` says.
    assert all_.cells[0][1] == 20


def test_an_elasticity_changes_the_imports_after_the_response() -> None:
    sweeper = _sweep(["flow:US:CN.elasticity=0,-1"], metrics=("imports",), path=PRODUCTS)
    still, responds = sweeper.rows(1, 2)
    assert still.cells[0][0] == Decimal("438.9e9")  # elasticity 0: no response, a year
    assert responds.cells[0][0] < still.cells[0][0]


def test_default_metrics_follow_what_the_file_has() -> None:
    study = _study()
    assert default_metrics(study, study.scenario("no-deal")) == (
        "rate_on",
        "average_rate",
        "static_duties",
    )
    assert default_metrics(study, study.scenario("geneva"))[-1] == "duties_saved"
    products = _study(PRODUCTS)
    assert default_metrics(products, products.scenario("geneva"))[-2:] == (
        "imports",
        "dynamic_duties",
    )


# --- break-even answers --------------------------------------------------------------------


def test_solve_finds_the_hand_computed_length_to_the_day() -> None:
    # saved = 10bn: 10e9 / 288,591,780.82 = 34.65 days, so 34 days fall short and 35 pass.
    sweeper = _sweep(["window:Geneva truce.days=1..232/10"], goal="saved=10bn")
    us = solve(sweeper).answers[0]
    assert (us.status, us.below, us.value) == ("crossed", Decimal(34), Decimal(35))
    assert us.metric_below is not None
    assert us.metric is not None
    assert us.metric_below < Decimal("10e9") < us.metric
    assert abs(us.metric - 35 * US_DAY) < Decimal("1e-12")


def test_solve_finds_an_exact_snapback_rate() -> None:
    # The truce saves nothing when the rate it suspends is the rate it sets: 10%.
    sweeper = _sweep(["change:2025-05-14.us-reciprocal=0%..60%/5%"], goal="saved=0")
    us, cn = solve(sweeper).answers
    assert (us.status, us.value, us.metric) == ("exact", Decimal(10), Decimal(0))
    assert cn.status == "none"  # China's counter-tariff does not move with the US rate
    assert cn.low == cn.high == 90 * CN_DAY


def test_solve_bisects_a_rate_to_a_millionth_of_a_point() -> None:
    # Under geneva, the snapback rate r applies from 12 Aug to 31 Dec 2025: 142 days. At
    # r = 34% sum(rate x days) is 16,442 (average 45.0466%), so the average is 40% where
    # 16,442 + (r - 34) x 142 = 14,600: r = 34 - 1,842/142 = 21.0281690...%.
    sweeper = _sweep(
        ["change:2025-05-14.us-reciprocal=10%..60%/5%"],
        goal="average=40%",
        metrics=("average_rate",),
    )
    us = solve(sweeper).answers[0]
    assert (us.status, us.below, us.value) == ("crossed", Decimal("21.028169"), Decimal("21.02817"))
    exact = 34 - Decimal(1842) / 142
    assert us.below < exact < us.value


def test_solve_says_when_no_value_in_the_range_reaches_the_goal() -> None:
    # US:CN's 2025 average is 108.8% before the truce could start: a year-long truce from
    # 14 May still leaves it above 30%.
    sweeper = _sweep(["window:Geneva truce.days=1..365"], goal="average=30%")
    us = solve(sweeper).answers[0]
    assert us.status == "none"
    assert us.low is not None
    assert us.high is not None
    assert 30 < us.low < us.high


# --- the command ---------------------------------------------------------------------------


SWEEP_CASES = {
    "truce-length": ["--sweep", "truce-length"],
    "snapback": ["--sweep", "snapback"],
    "grid": [
        "-s",
        "extended",
        "--vary",
        "window:Geneva truce.days=85..95/5",
        "--vary",
        "window:First extension.us-reciprocal=10%,20%",
    ],
}
FORMATS = {"table": "txt", "json": "json", "csv": "csv", "markdown": "md"}


@pytest.mark.parametrize("case", SWEEP_CASES)
@pytest.mark.parametrize("fmt", FORMATS)
def test_golden(case: str, fmt: str, update_golden: bool) -> None:
    result = _cli("sweep", GENEVA, *SWEEP_CASES[case], "--format", fmt)
    assert result.exit_code == 0, result.output
    golden = GOLDEN / f"geneva-{case}.sweep.{FORMATS[fmt]}"
    if update_golden:
        golden.write_text(result.stdout, encoding="utf-8", newline="")
    assert result.stdout == golden.read_text(encoding="utf-8")


def test_any_number_of_jobs_gives_the_same_bytes() -> None:
    args = ["sweep", GENEVA, *SWEEP_CASES["grid"], "-f", "csv"]
    one = _cli(*args)
    two = _cli(*args, "--jobs", "2")
    three = _cli(*args, "--jobs", "3")
    assert one.exit_code == two.exit_code == three.exit_code == 0
    assert one.stdout == two.stdout == three.stdout
    assert one.stdout.count("\n") == 1 + 3 * 2 * 2  # header, 6 variants x 2 flows


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-s", "geneva", "--vary", "window:Geneva truce.days=0..10"], "at least one day"),
        (["--vary", "window:Geneva truce.days=30"], "scenario 'no-deal' has no such window"),
        (["--sweep", "nothing"], "has no sweep 'nothing' (it has: truce-length, snapback)"),
        ([], "has 2 sweeps; name one (truce-length, snapback)"),
        (["--sweep", "snapback", "--vary", "x=1"], "give --vary or --sweep, not both"),
        (["--sweep", "truce-length", "-m", "avg"], "there is no sweep metric 'avg'"),
        (["--sweep", "truce-length", "--flow", "US:JP"], "has no flow US:JP"),
        (["--sweep", "truce-length", "--solve", "saved"], "write METRIC=GOAL"),
        (
            ["-s", "extended", *SWEEP_CASES["grid"][2:], "--solve", "saved=0"],
            "over one varied number",
        ),
        (
            ["--sweep", "truce-length", "--plot", "x.pdf"],
            "a chart is written as .svg or .png, not .pdf",
        ),
        (
            [
                "-s",
                "extended",
                *SWEEP_CASES["grid"][2:],
                "--vary",
                "change:2025-05-14.us-reciprocal=34%",
                "--plot",
                "x.svg",
            ],
            "a chart shows one or two varied numbers",
        ),
        (
            ["-s", "geneva", "-s", "extended", *SWEEP_CASES["grid"][2:]],
            "'--scenario': given 2 times ('geneva', 'extended'); this command takes one",
        ),
    ],
)
def test_usage_errors_exit_2_with_a_message(args: list[str], message: str) -> None:
    result = _cli("sweep", GENEVA, *args)
    assert result.exit_code == 2
    assert message in " ".join(result.stderr.split())


def test_a_table_too_large_is_refused_before_computing() -> None:
    result = _cli(
        "sweep", GENEVA, "-s", "geneva", "--vary", "change:2025-05-14.us-reciprocal=0%..100%/0.001%"
    )
    assert result.exit_code == 1
    assert "over the limit of 250,000 for a table" in result.stderr


# --- the work estimate -----------------------------------------------------------------------

WORK_FILE = """tariffs: 1
title: "work"
period: {start: 2025-01-01, until: 2026-01-01}
on: 2025-06-01
baseline: base
flows:
  - {importer: US, exporter: CN, value: 100bn}
  - {importer: US, exporter: MX, value: 50bn}
measures:
  a: {importer: US, exporter: CN, basis: A, rates: {2025-01-01: 10%, 2025-04-01: 20%}}
  b: {importer: US, exporter: CN, basis: B, rates: {2025-02-01: 5%}, yields_to: [a]}
  c: {importer: US, exporter: MX, basis: C, rates: {2025-03-01: 25%}}
scenarios:
  base: {}
  deal:
    changes:
      2025-05-01: {a: 5%}
"""
# The estimate's figures by hand (tariffs.calc.cost; each flow is one class of one line and
# one part; a measure's own steps are 2 + its dated rates: a 4, b 3, c 3):
# - untouched layers, made once: US:CN (1 part + 2) x (4 + 3) = 21, US:MX 3 x 3 = 9: 30.
# - a scenario's result: 25 x 2 lines + 2,000 x 2 flows + 100 x 3 measures = 4,350; `base`
#   touches nothing: 4,350.
# - `deal` changes a on US:CN, and b yields to a: both are made again, each costing 35
#   (MAKE_STEPS) + its own steps + its changes: (35 + 4 + 1) + (35 + 3) = 78, for 1 part + 1,
#   plus US:CN's 7: 2 x 78 + 7 = 163; with the result, 163 + 4,350 = 4,513.
# - a flow made again: its 21 (or 9) + (12 x 1 line + 35 x 1 part) x its measures: US:CN
#   21 + 47 x 2 = 115, US:MX 9 + 47 x 1 = 56.
WORK_CASES = [
    # change: the baseline (4,350) and the untouched layers (30) once; each variant 4,513.
    ("change:2025-05-01.a=1%..10%/1%", 4_380, 4_513, ()),
    # measure: a is on US:CN: each variant 4,513 + the baseline 4,350 + US:CN 115 = 8,978.
    ("measure:a.2025-01-01=1%..10%/1%", 30, 8_978, ("US:CN",)),
    # flow: US:MX made again: 4,513 + 4,350 + 56 = 8,919.
    ("flow:US:MX.value=1bn..10bn/1bn", 30, 8_919, ("US:MX",)),
]


@pytest.mark.parametrize(("text", "once", "each", "changed"), WORK_CASES)
def test_a_variant_is_estimated_by_what_it_makes_again(
    text: str, once: int, each: int, changed: tuple[str, ...]
) -> None:
    study = load_text(WORK_FILE, "work.yaml")
    sweep = Sweep("", "deal", (vary.vary(study, study.scenario("deal"), text),))
    cost = sweep_cost(study, sweep)
    assert cost == (once, each, 10, changed, bool(changed))
    assert sweep_work(study, sweep)[0] == once + 10 * each


def test_a_measure_sweep_is_refused_where_a_change_sweep_of_as_many_variants_is_not(
    tmp_path: Path,
) -> None:
    path = tmp_path / "work.yaml"
    path.write_text(WORK_FILE, encoding="utf-8")
    study = load_text(WORK_FILE, "work.yaml")
    deal = study.scenario("deal")
    values = "=0.0001%..15%/0.0001%"  # 150,000 values
    change = Sweep("", "deal", (vary.vary(study, deal, "change:2025-05-01.a" + values),))
    # 4,380 + 150,000 x 4,513 = 676,954,380, within the limit of 900,000,000
    assert sweep_work(study, change)[0] == 676_954_380 <= MAX_SWEEP_WORK == 900_000_000
    result = _cli("sweep", str(path), "-s", "deal", "--vary", "measure:a.2025-01-01" + values)
    # 30 + 150,000 x 8,978 = 1,346,700,030: over the limit, refused before any work
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"{path}:1:1: this sweep asks for about 1,346,700,030 steps of work (150,000 variants "
        "of about 8,978 steps each, each making 1 flow and the baseline again), over the limit "
        "of 900,000,000; vary fewer values\n"
    )


def test_a_sweep_of_a_measure_on_every_partner_counts_every_flow() -> None:
    # The world file's steel tariff is on all 16 flows: 18,000 variants of it ran for about
    # ten minutes on one core; the estimate now counts the 16 flows and refuses it.
    result = _cli(
        "sweep",
        "scenarios/world-2025.yaml",
        "-s",
        "as-enacted",
        "--vary",
        "measure:us-232-steel.2025-06-04=1%..18.999%/0.001%",  # 18,000 values
    )
    assert result.exit_code == 1
    assert "(18,000 variants of about " in result.stderr
    assert "each, each making 16 flows and the baseline again), over the limit" in result.stderr


def test_the_sweep_doc_shows_the_real_refusal() -> None:
    doc = (ROOT / "docs" / "sweep.md").read_text(encoding="utf-8")
    block = re.search(
        r"<!-- output: sweep-work -->\n```text\n\$ tariffs (.*?)\n(.*?)```", doc, re.S
    )
    assert block, "docs/sweep.md lost its refused sweep"
    args = shlex.split(block.group(1))
    result = _cli(*args)
    assert result.exit_code == 1
    assert result.stderr == block.group(2)
    # the same 100,000 values of the snapback rate are within the limit
    study = _study()
    snapback = vary.vary(
        study,
        study.scenario("geneva"),
        "change:2025-05-14.us-reciprocal" + args[-1][args[-1].index("=") :],
    )
    assert sweep_work(study, Sweep("", "geneva", (snapback,)))[0] <= MAX_SWEEP_WORK


def test_the_file_s_sweeps_are_checked_where_they_are_written() -> None:
    text = (ROOT / GENEVA).read_text(encoding="utf-8")
    bad = text.replace(
        "window:Geneva truce.days: 30..230/5", "window:Geneva pause.days: 30..230/5"
    ).replace("solve: saved=0", "solve: saved=0%")
    with pytest.raises(ScenarioError) as caught:
        load_text(bad, "geneva.yaml")
    shown = [str(p) for p in caught.value.problems]
    line = text.splitlines().index("      window:Geneva truce.days: 30..230/5") + 1
    assert shown[0].startswith(f"geneva.yaml:{line}:7: 'window:Geneva pause.days': scenario")
    assert "is not an amount" in shown[1]


def test_the_shipped_sweeps_load() -> None:
    study = _study()
    assert [s.name for s in study.sweeps] == ["truce-length", "snapback"]
    length, snapback = study.sweeps
    assert len(length.vary[0].values) == 41  # 30, 35, ..., 230
    assert snapback.solve == Solve("duties_saved", Decimal(0), "saved=0")


# --- the progress bar ----------------------------------------------------------------------


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_bar_shows_only_on_a_terminal_after_a_second() -> None:
    ticks = iter([0.0, 0.5, 1.2, 1.25, 1.5, 2.0])
    screen = _Terminal()
    items = list(tracked(range(5), 5, "variants", stream=screen, clock=lambda: next(ticks)))
    assert items == [0, 1, 2, 3, 4]
    # the clock is read after each item: drawn at 1.2 s (2 done), 1.5 s (4) and 2.0 s (5),
    # not at 1.25 s (too soon after the last), then wiped
    drawn = [bar(n, 5, "variants") for n in (2, 4, 5)]
    assert screen.getvalue() == "".join("\r" + b for b in drawn) + "\r\x1b[2K"
    pipe = io.StringIO()
    ticks = iter([0.0, 5.0, 10.0])
    assert list(tracked(range(2), 2, "variants", stream=pipe, clock=lambda: next(ticks))) == [0, 1]
    assert pipe.getvalue() == ""


def test_the_bar_says_how_far_the_run_is() -> None:
    assert bar(420, 1000, "variants") == (
        "[############..................]  42%  420/1,000 variants"
    )


def test_a_piped_sweep_writes_nothing_to_stderr(tmp_path: Path) -> None:
    result = _cli("sweep", GENEVA, "--sweep", "truce-length", "-f", "csv")
    assert result.exit_code == 0
    assert result.stderr == ""
