"""What a chart draws at most (docs/charts.md, "Limits"), and how it says what it leaves out:
in its caption or legend, in `notes`, and on stderr through `--plot`; and no warning of
matplotlib ever reaches the user raw.
"""

from __future__ import annotations

import logging
import string
import warnings
from decimal import Decimal
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from tariffs.calc.compare import compare, timelines
from tariffs.cli import app, show
from tariffs.input.files import Inputs
from tariffs.input.load import load_text
from tariffs.render import plot

from .conftest import ROOT
from .test_plot import diff_report, svg_text

HEAD = """tariffs: 1
title: "limits"
period: {start: 2025-01-01, until: 2026-01-01}
on: 2025-06-01
"""


def _codes(count: int) -> list[str]:
    """`count` exporter codes: AA, AB, ..., AZ, BA, ..."""
    letters = string.ascii_uppercase
    return [letters[i // 26] + letters[i % 26] for i in range(count)]


def many_scenarios(count: int, baseline: int) -> str:
    """One flow, one measure at 10%; scenario sI sets it to I% from 1 May."""
    scenarios = "".join(f"  s{i}: {{changes: {{2025-05-01: {{m: {i}%}}}}}}\n" for i in range(count))
    return (
        HEAD
        + f"baseline: s{baseline}\n"
        + "flows:\n  - {importer: US, exporter: CN, value: 100bn}\n"
        + "measures:\n  m: {importer: US, exporter: CN, basis: M, rates: {2025-01-01: 10%}}\n"
        + "scenarios:\n"
        + scenarios
    )


def many_flows(count: int, rate: str = "10%") -> str:
    """`count` flows US:AA, US:AB, ..., each with one measure at `rate` all year."""
    codes = _codes(count)
    flows = "".join(f"  - {{importer: US, exporter: {c}, value: 1bn}}\n" for c in codes)
    measures = "".join(
        f"  m{c}: {{importer: US, exporter: {c}, basis: M, rates: {{2025-01-01: {rate}}}}}\n"
        for c in codes
    )
    return HEAD + "flows:\n" + flows + "measures:\n" + measures + "scenarios:\n  s: {}\n"


def many_layers(count: int) -> str:
    """One flow with `count` measures: mI at I% all year."""
    measures = "".join(
        f"  m{i}: {{importer: US, exporter: CN, basis: M, rates: {{2025-01-01: {i}%}}}}\n"
        for i in range(1, count + 1)
    )
    return (
        HEAD
        + "flows:\n  - {importer: US, exporter: CN, value: 100bn}\n"
        + "measures:\n"
        + measures
        + "scenarios:\n  s: {}\n"
    )


def comments(data: bytes) -> set[str]:
    """The texts an SVG draws (each is written once more as a comment)."""
    text = svg_text(data)
    return {part.split(" -->", 1)[0] for part in text.split("<!-- ")[1:]}


def test_a_compare_panel_draws_the_baseline_and_the_first_others() -> None:
    # 30 scenarios, the baseline the 21st (s20): 12 are drawn (MAX_SERIES), s20 and the
    # first 11 others, s0 to s10; s11 to s19 and s21 to s29 are left out.
    result = compare(load_text(many_scenarios(30, baseline=20), "many.yaml"))
    notes: list[str] = []
    drawn = comments(plot.compare_chart([("many.yaml", result)], "svg", notes=notes))
    assert {f"s{i}" for i in range(11)} | {"s20 (baseline)"} <= drawn
    assert not {f"s{i}" for i in (11, 12, 19, 21, 29)} & drawn
    assert notes == [
        "many.yaml: the chart draws 12 of its 30 scenarios (the baseline and the first "
        "others shown; --scenario chooses them)"
    ]
    caption = " ".join(svg_text(plot.compare_chart([("many.yaml", result)], "svg")).split())
    assert "Drawn: 12 of the 30 scenarios: s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s20" in (
        caption
    )


def test_twelve_scenarios_are_all_drawn_and_nothing_is_said() -> None:
    result = compare(load_text(many_scenarios(12, baseline=0), "many.yaml"))
    notes: list[str] = []
    drawn = comments(plot.compare_chart([("many.yaml", result)], "svg", notes=notes))
    assert {"s0 (baseline)"} | {f"s{i}" for i in range(1, 12)} <= drawn
    assert notes == []


def test_a_compare_chart_draws_the_first_40_panels() -> None:
    # 45 flows, one panel each: the first 40 (US:AA to US:BN) are drawn; the 41st flow is
    # the 41st code, B (the 2nd letter) then O (the 15th): 26 + 14 = index 40, US:BO.
    result = compare(load_text(many_flows(45), "flows.yaml"))
    notes: list[str] = []
    drawn = comments(plot.compare_chart([("flows.yaml", result)], "svg", notes=notes))
    assert "US on BN: total tariff rate by scenario" in drawn
    assert "US on BO: total tariff rate by scenario" not in drawn
    assert notes == [
        "the chart draws the first 40 of its 45 panels; from flow US:BO on, they are left out"
    ]


def test_a_timeline_draws_the_first_40_panels_and_merges_the_smallest_layers() -> None:
    study = load_text(many_flows(45), "flows.yaml")
    notes: list[str] = []
    result = timelines(study, ("s",), study.flows)
    drawn = comments(plot.timeline_chart("flows.yaml", result, "svg", notes=notes))
    assert "US on BN under s" in drawn
    assert "US on BO under s" not in drawn
    assert notes == [
        "the chart draws the first 40 of its 45 panels (a flow or a total under a scenario); "
        "from US on BO under s on, they are left out (--scenario and --flow choose them)"
    ]
    # 15 layers of 1% to 15%: 11 (MAX_LAYERS - 1) are drawn apart, the largest, m5 to m15;
    # the 15 - 11 = 4 smallest, m1 to m4, as one area of 1 + 2 + 3 + 4 = 10%.
    study = load_text(many_layers(15), "layers.yaml")
    notes = []
    result = timelines(study, ("s",), study.flows)
    drawn = comments(plot.timeline_chart("layers.yaml", result, "svg", notes=notes))
    assert {f"m{i}" for i in range(5, 16)} | {"4 other layers", "Total"} <= drawn
    assert not {"m1", "m2", "m3", "m4"} & drawn
    assert notes == [
        "US on CN under s: the 15 layers that apply are more than 12; the 4 smallest are "
        "drawn as one, '4 other layers'"
    ]
    assert plot._stacked(result.entries[0].segments, [f"m{i}" for i in range(1, 16)]) == (
        list(range(4, 15)),
        [0, 1, 2, 3],
    )


def test_a_diff_chart_says_which_bars_it_leaves_out(tmp_path: Path) -> None:
    # 45 flows from 10% to 20%: each changes its rate on the report date, average, lowest and
    # peak rates (4 x 45 = 180) and its static duties (45); the US total over the 45 flows
    # changes its rate on the date and its average (2 more, 182 rate changes) and its duties
    # (1 more, 46 changes of money). A panel draws the 40 largest.
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(many_flows(45), encoding="utf-8")
    new.write_text(many_flows(45, rate="20%"), encoding="utf-8")
    notes: list[str] = []
    plot.diff_chart(diff_report(str(old), str(new)), "svg", notes=notes)
    assert notes == [
        "the chart draws the 40 largest of the 182 changes of rates (pp) it could show; the "
        "table lists them all",
        "the chart draws the 40 largest of the 46 changes of USD it could show; the table "
        "lists them all",
    ]


def test_a_sweep_line_and_heat_map_draw_every_kth_value() -> None:
    # 4,001 values: k = ceil(4,001 / 2,000) = 3, so values 0, 3, ..., 3,999: 1,334 of them.
    axis = [Decimal(i) for i in range(4001)]
    axes, values, said = plot._sampled([axis], axis)
    assert (len(axes[0]), axes[0][:3], axes[0][-1], values[-1]) == (1334, axis[0:7:3], 3999, 3999)
    assert said == (
        "the line goes through every 3rd of the 4,001 variants (1,334), from the first; the "
        "output has them all"
    )
    # 250 rows x 101 columns, value 1,000 x row + column: every 3rd row (84: 0 to 249) and
    # every 2nd column (51: 0 to 100); the last cell drawn is row 249, column 100: 249,100.
    rows, cols = [Decimal(i) for i in range(250)], [Decimal(j) for j in range(101)]
    grid: list[Decimal | None] = [Decimal(1000 * i + j) for i in range(250) for j in range(101)]
    axes, values, said = plot._sampled([rows, cols], grid)
    assert (len(axes[0]), len(axes[1]), len(values)) == (84, 51, 84 * 51)
    assert (values[0], values[1], values[51], values[-1]) == (0, 2, 3000, 249_100)
    assert said == (
        "the heat map has every 3rd row and every 2nd column of the 250 x 101 variants "
        "(84 x 51), from the first; the output has them all"
    )
    notes: list[str] = []
    data = plot.sweep_chart("t", ["a"], [axis], "m", "%", list(axis), "c", "svg", notes=notes)
    assert notes == [
        "the line goes through every 3rd of the 4,001 variants (1,334), from the first; the "
        "output has them all"
    ]
    assert "Drawn: the line goes through every 3rd" in " ".join(svg_text(data).split())


def test_small_sweeps_are_drawn_whole() -> None:
    axis = [Decimal(i) for i in range(2000)]
    assert plot._sampled([axis], axis) == ([axis], axis, "")
    side = [Decimal(i) for i in range(100)]
    grid: list[Decimal | None] = [Decimal(i) for i in range(10_000)]
    assert plot._sampled([side, side], grid) == ([side, side], grid, "")


# --- on the command line ------------------------------------------------------------------


def _cli(*args: str) -> Any:
    return CliRunner().invoke(app, list(args), prog_name="tariffs", catch_exceptions=False)


def test_compare_plot_of_300_scenarios_says_what_it_leaves_out_and_nothing_else(
    tmp_path: Path,
) -> None:
    # Drawn whole, 300 scenarios made a legend of 300 entries, and matplotlib's own warning
    # ("constrained_layout not applied ...", with its source path) reached stderr.
    path = tmp_path / "many.yaml"
    path.write_text(many_scenarios(300, baseline=0), encoding="utf-8")
    chart = tmp_path / "many.svg"
    result = _cli("compare", str(path), "-f", "json", "--plot", str(chart))
    assert result.exit_code == 0
    assert result.stderr == (
        f"tariffs: --plot: {path}: the chart draws 12 of its 300 scenarios (the baseline and "
        "the first others shown; --scenario chooses them)\n"
    )
    assert chart.read_bytes().startswith(b"<?xml")


def test_a_warning_of_the_drawing_library_is_one_line_of_ours(tmp_path: Path) -> None:
    def draw(module: Any, kind: str, notes: list[str]) -> bytes:
        warnings.warn("axes sizes collapsed to zero", UserWarning, stacklevel=1)
        warnings.warn("axes sizes collapsed to zero", UserWarning, stacklevel=1)  # once
        logging.getLogger("matplotlib.font_manager").warning("findfont: Font family not found")
        notes.append("something was left out")
        return b"<svg/>"

    out = tmp_path / "x.svg"
    result = CliRunner().invoke(_plot_app(draw), [str(out)], catch_exceptions=False)
    assert out.read_bytes() == b"<svg/>"
    assert result.exit_code == 0
    assert result.stderr == (
        "tariffs: --plot: something was left out\n"
        "tariffs: --plot: the chart may be drawn imperfectly: matplotlib says: findfont: Font "
        "family not found\n"
        "tariffs: --plot: the chart may be drawn imperfectly: matplotlib says: axes sizes "
        "collapsed to zero\n"
    )


def _plot_app(draw: Any) -> Any:
    import typer  # noqa: PLC0415

    one = typer.Typer()

    @one.command()
    def main(path: Path) -> None:
        show.chart(path, draw, Inputs())

    return one


def test_the_limits_are_those_docs_charts_md_gives() -> None:
    doc = (ROOT / "docs" / "charts.md").read_text(encoding="utf-8")
    for row in (
        f"| compare | {plot.MAX_SERIES} scenarios a panel | the baseline and the first "
        f"{plot.MAX_SERIES - 1} others",
        f"| compare, timeline | {plot.MAX_PANELS} panels | the first {plot.MAX_PANELS} ",
        f"| compare (layers), timeline | {plot.MAX_LAYERS} layers a panel | the "
        f"{plot.MAX_LAYERS - 1} largest",
        f"| diff | {plot.DIFF_BARS} bars a panel | the {plot.DIFF_BARS} largest changes |",
        f"| sweep, one number | a line through {plot.SWEEP_POINTS:,} values, with a marker at "
        f"each up to {plot.SWEEP_MARKERS} |",
        f"| sweep, two numbers | a heat map of {plot.HEAT_SIDE} rows and {plot.HEAT_SIDE} "
        "columns |",
    ):
        assert row in doc
