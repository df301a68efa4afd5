"""Product lines, measure scope, stacking rules, effective rates and the trade response.

Every expected value is worked out by hand in the comments beside it.
"""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from tariffs.calc.compare import compare
from tariffs.calc.results import FlowResult, Response
from tariffs.calc.stack import product_stack
from tariffs.cli import app
from tariffs.input.literals import parse_hs
from tariffs.input.load import load, load_text
from tariffs.input.problems import ScenarioError

from .conftest import GOLDEN, ROOT

HEAD = """\
tariffs: 1
title: t
period: {start: 2025-01-01, until: 2026-01-01}
on: 2025-06-01
"""


def close(got: Decimal, want: Fraction | Decimal) -> bool:
    """Equal to 20 decimal places. A flow of several lines is a weighted mean of its lines,
    computed per measure in a 28-digit Decimal context, so its last digits may differ from
    the exact fraction; shown values have at most 4 decimals."""
    want = Fraction(want)
    return abs(Fraction(got) - want) < Fraction(1, 10**20)


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), prog_name="tariffs", catch_exceptions=False)


def problems(text: str) -> str:
    with pytest.raises(ScenarioError) as caught:
        load_text(text, "f.yaml")
    return str(caught.value)


# --- HS codes -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "kept"),
    [("8517.13", "8517.13"), ("0304", "0304"), (85, "85"), ("8517130000", "8517130000")],
)
def test_hs_codes_are_kept_as_written(given: object, kept: str) -> None:
    assert parse_hs(given) == kept


@pytest.mark.parametrize("bad", ["1", "85171300001", "85..17", "8517.", ".85", "85a", True, None])
def test_bad_hs_codes_are_refused(bad: object) -> None:
    with pytest.raises(ValueError, match="HS code"):
        parse_hs(bad)


def test_quoted_codes_keep_leading_and_trailing_zeros() -> None:
    study = load_text(
        HEAD
        + "flows:\n  - importer: US\n    exporter: CN\n    lines:\n"
        + '      - {hs: "0304", description: fish fillets, value: 1m}\n'
        + '      - {hs: "8517.10", description: phones, value: 2m}\n'
        + "measures: {a: {importer: US, exporter: CN, basis: b}}\nscenarios: {s: {}}\n",
        "f.yaml",
    )
    assert [line.code for line in study.flows[0].lines] == ["0304", "8517.10"]
    assert [line.hs for line in study.flows[0].lines] == ["0304", "851710"]
    assert study.flows[0].value == Decimal(3_000_000)  # derived from the lines


# --- lines --------------------------------------------------------------------------------

LINES = (
    HEAD
    + """\
flows:
  - importer: US
    exporter: CN
    value: VALUE
    lines:
      - {hs: "8517.13", description: phones, value: 40m}
      - {hs: "8708", description: parts, value: 10m}
measures: {a: {importer: US, exporter: CN, basis: b}}
scenarios: {s: {}}
"""
)


def test_line_values_must_add_up_to_the_flow_value() -> None:
    assert problems(LINES.replace("VALUE", "51m")) == (
        "f.yaml:8:12: flow US:CN: its lines add up to 50m (50,000,000), but its value is 51m "
        "(51,000,000); make them agree, or leave out 'value' to take the sum"
    )
    assert load_text(LINES.replace("VALUE", "50m"), "f.yaml").flows[0].value == 50_000_000


def test_line_errors() -> None:
    twice = LINES.replace("VALUE", "50m").replace('"8708"', '"8517.13"')
    assert "HS code 8517.13 is listed twice in flow US:CN (also as 8517.13)" in problems(twice)
    partial = LINES.replace("VALUE", "50m").replace("value: 10m}", "value: 10m, elasticity: -1}")
    assert "'elasticity' and 'observed_at' go together" in problems(partial)
    mixed = partial.replace("elasticity: -1}", "elasticity: -1, observed_at: 0%}")
    assert "either every line responds to the rate" in problems(mixed)
    positive = mixed.replace("elasticity: -1,", "elasticity: 1.5,")
    assert "an import demand elasticity is a number from -20 to 0" in problems(positive)
    both = LINES.replace("VALUE", "50m").replace("    lines:", "    lines_file: x.csv\n    lines:")
    assert "give 'lines' or 'lines_file', not both" in problems(both)


# --- CSV files ----------------------------------------------------------------------------

CSV_SCENARIO = (
    HEAD
    + """\
flows: [{importer: US, exporter: CN, lines_file: FILE}]
measures: {a: {importer: US, exporter: CN, basis: b, rates: {2025-01-01: 10%}}}
scenarios: {s: {}}
"""
)


def scenario_with(tmp_path: Path, csv_text: str, name: str = "lines.csv") -> Path:
    (tmp_path / "data").mkdir(exist_ok=True)
    (tmp_path / "data" / name).write_text(csv_text, encoding="utf-8")
    path = tmp_path / "s.yaml"
    path.write_text(CSV_SCENARIO.replace("FILE", f"data/{name}"), encoding="utf-8")
    return path


def load_problems(path: Path) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        load(path)
    return [str(p) for p in caught.value.problems]


def test_csv_lines_load(tmp_path: Path) -> None:
    path = scenario_with(
        tmp_path, 'hs,description,value\n0304,fish,1.5m\n,rest,"2,5"\n'.replace('"2,5"', "2.5m")
    )
    flow = load(path).flows[0]
    assert [(line.code, line.value) for line in flow.lines] == [
        ("0304", 1_500_000),
        ("", 2_500_000),
    ]
    assert flow.classified


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", "1:1: the file is empty; expected a header such as hs,description,value"),
        ("hs,description,value,colour\n", "1:4: unknown column 'colour'"),
        ("hs,value\n", "1:1: missing column 'description'"),
        ("hs,description,value\n85,a,1m,extra\n", "2:1: expected 3 cells, found 4"),
        ("hs,description,value\n85,a,1m\n8x,b,2m\n", "3:1: hs: '8x' is not an HS code"),
        ("hs,description,value\n85,a,-1m\n", "2:3: value: '-1m' is not an amount"),
        ("description,hs,value\na,85,1m\nb,86\n", "3:1: expected 3 cells, found 2"),
        ("hs,description,value,elasticity\n85,a,1m,2\n", "2:4: elasticity: an import demand"),
    ],
)
def test_csv_errors_name_row_and_column(tmp_path: Path, text: str, error: str) -> None:
    path = scenario_with(tmp_path, text)
    shown = os.path.normpath(tmp_path / "data" / "lines.csv")
    assert load_problems(path)[0].startswith(f"{shown}:{error}")


def test_csv_paths_may_not_leave_the_scenario_folder(tmp_path: Path) -> None:
    inside = tmp_path / "project"
    inside.mkdir()
    secret = tmp_path / "secret.csv"
    secret.write_text("hs,description,value\n85,a,1m\n", encoding="utf-8")
    scenario = inside / "s.yaml"
    for name, why in [
        ("../secret.csv", "is outside the scenario file's folder; refusing to read it"),
        (str(secret), "must be a path relative to the scenario file"),
        ("link.csv", "is outside the scenario file's folder; refusing to read it"),
    ]:
        (inside / "link.csv").unlink(missing_ok=True)
        (inside / "link.csv").symlink_to(secret)
        scenario.write_text(CSV_SCENARIO.replace("FILE", f'"{name}"'), encoding="utf-8")
        [message] = load_problems(scenario)
        assert message.startswith(f"{scenario}:5:")
        assert why in message
    (inside / "data").mkdir()
    (inside / "data" / "ok.csv").write_text("hs,description,value\n85,a,1m\n", encoding="utf-8")
    scenario.write_text(CSV_SCENARIO.replace("FILE", "data/../data/ok.csv"), encoding="utf-8")
    assert load(scenario).flows[0].value == 1_000_000  # a '..' that stays inside is fine


def test_a_csv_file_read_from_text_needs_a_folder() -> None:
    message = problems(CSV_SCENARIO.replace("FILE", "x.csv"))
    assert "cannot read 'x.csv' here: no folder to read it from" in message


# --- scope and stacking -------------------------------------------------------------------

STACK = (
    HEAD
    + """\
flows:
  - importer: US
    exporter: CN
    lines:
      - {hs: "8517.13", description: phones, value: 40m}
      - {hs: "8708.29", description: parts, value: 10m}
      - {hs: "7208", description: steel, value: 20m}
      - {description: rest, value: 30m}
measures:
  fent: {importer: US, exporter: CN, basis: f, rates: {2025-03-04: 20%}}
  recip:
    importer: US
    exporter: CN
    basis: r
    rates: {2025-04-10: 125%}
    excludes: [{hs: ["8517.13"], from: 2025-04-05, note: carve-out}]
    yields_to: [autos, steel]
  autos:
    importer: US
    exporter: CN
    basis: a
    applies_to: ["87"]
    rates: {2025-04-03: 25%}
    product_rates:
      - {hs: ["8708"], rates: {2025-05-03: 25%}}
      - {hs: ["8708.2"], rates: {2025-06-01: 30%}}
  steel: {importer: US, exporter: CN, basis: s, applies_to: ["72"], rates: {2025-06-04: 50%}}
scenarios:
  base: {}
  truce:
    windows: [{name: w, start: 2025-05-14, days: 90, set: {recip: 10%, autos: 0%}}]
"""
)


def stack_rates(hs: str, on: str, scenario: str = "base") -> dict[str, tuple[str, str]]:
    study = load_text(STACK, "f.yaml")
    result = product_stack(study, study.flows[0], hs, date.fromisoformat(on), scenario)
    return {x.measure: (f"{x.rate:f}", x.status) for x in result.layers}


def test_each_stacking_rule() -> None:
    # Carved out from 5 April (retroactively: the rate itself only starts on 10 April).
    assert stack_rates("8517.13", "2025-06-01")["recip"] == ("0", "excluded")
    # Not in scope: autos applies to chapter 87 only.
    assert stack_rates("8517.13", "2025-06-01")["autos"] == ("0", "not in scope")
    # Product rate: the longest prefix wins: 8708.2 -> 30% from 1 June, not 8708's 25%.
    assert stack_rates("8708.29", "2025-06-01")["autos"] == ("30", "in force")
    assert stack_rates("8708.10", "2025-06-01")["autos"] == ("25", "in force")
    assert stack_rates("8708.29", "2025-05-10")["autos"] == ("0", "not in force")
    # Yields: the reciprocal tariff gives way while autos applies above 0%.
    assert stack_rates("8708.29", "2025-06-01")["recip"] == ("0", "yields")
    assert stack_rates("7208", "2025-06-03")["recip"] == ("125", "in force")  # before steel
    assert stack_rates("7208", "2025-06-04")["recip"] == ("0", "yields")
    # A window sets the product rate too (autos 0%), so the reciprocal applies again: 10%.
    truce = stack_rates("8708.29", "2025-06-01", "truce")
    assert (truce["autos"], truce["recip"]) == (
        ("0", "in force" if False else "not in force"),
        ("10", "in force"),
    )


def test_effective_rates_and_contributions_by_hand() -> None:
    result = compare(load_text(STACK, "f.yaml"), on=date(2025, 6, 10))
    flow = result.scenarios[0].flows[0]
    # On 10 June: phones 20 (fent); parts 20 + 30 (autos, 8708.2); steel 20 + 50; rest 20 + 125.
    # Weighted by 40, 10, 20, 30 (m): (40*20 + 10*50 + 20*70 + 30*145) / 100 = 70.5.
    assert flow.rate_on == Decimal("70.5")
    layers = {x.measure: x.rate for x in flow.stack}
    assert layers == {
        "fent": Decimal(20),
        "recip": Decimal("37.5"),  # 30 * 125 / 100
        "autos": Decimal(3),  # 10 * 30 / 100
        "steel": Decimal(10),  # 20 * 50 / 100
    }
    by_line = {line.code or "rest": cls.rate_on for line, cls in flow.lines()}
    assert by_line == {"8517.13": 20, "8708.29": 50, "7208": 70, "rest": 145}
    # Averages: fent 20 from 4 Mar = 303 days on every line: 6060 rate-days.
    # Phones: 6060. Rest: 6060 + 125 * 266 (10 Apr on) = 39310.
    averages = {line.code or "rest": cls.integral for line, cls in flow.lines()}
    assert averages["8517.13"] == 6060
    assert averages["rest"] == 39310
    # Steel: recip 125 from 10 Apr to 3 Jun (55 days) then steel 50 from 4 Jun (211 days).
    assert averages["7208"] == 6060 + 125 * 55 + 50 * 211
    # Parts: the 8708.2 schedule replaces autos' own, so autos is 0% until 1 June and the
    # reciprocal applies from 10 Apr to 31 May (52 days); autos 30% from 1 June (214 days).
    assert averages["8708.29"] == 6060 + 125 * 52 + 30 * 214
    # The flow's average is the value-weighted mean of the lines' averages.
    weighted = Fraction(
        40 * 6060 + 10 * (6060 + 125 * 52 + 30 * 214) + 20 * int(averages["7208"]) + 30 * 39310,
        100 * 365,
    )
    assert close(flow.average, weighted)
    assert close(sum(x.average for x in flow.stack), flow.average)


# --- the trade response -------------------------------------------------------------------

RESPONSE = (
    HEAD
    + """\
flows: [{importer: US, exporter: CN, value: 100, elasticity: E, observed_at: T0}]
measures: {a: {importer: US, exporter: CN, basis: b, rates: {2024-01-01: 25%}}}
scenarios: {s: {}}
"""
)


def response(elasticity: str, observed: str = "0%") -> FlowResult:
    text = RESPONSE.replace("E,", f"{elasticity},").replace("T0}", f"{observed}}}")
    flow = compare(load_text(text, "f.yaml")).scenarios[0].flows[0]
    assert flow.response is not None
    return flow


def responded(flow: FlowResult) -> Response:
    assert flow.response is not None
    return flow.response


def test_response_with_unit_elasticity_by_hand() -> None:
    # 25% all year, e = -1, T0 = 0: imports 100 / 1.25 = 80; duties 80 * 25% = 20;
    # consumer cost = M0 * p0 * ln(p / p0) = 100 * ln 1.25 = 22.3143551...; DWL = 22.31 - 20.
    flow = response("-1")
    r = responded(flow)
    assert r.imports == 80
    assert r.dynamic_duties == 20
    assert r.consumer_cost == Decimal(100) * Decimal("1.25").ln()
    assert r.deadweight_loss == r.consumer_cost - 20
    assert r.average == 25  # one line: post-substitution = pre-substitution
    assert flow.duties == 25  # static duties


def test_response_with_elasticity_minus_two_by_hand() -> None:
    # f = 1.25^-2 = 0.64: imports 64, duties 16; consumer cost = p0 * ((p/p0)^-1 - 1) / -1
    # * 100 = (1 - 0.8) * 100 = 20; DWL = 20 - 16 = 4.
    r = responded(response("-2"))
    assert (r.imports, r.dynamic_duties, r.consumer_cost, r.deadweight_loss) == (64, 16, 20, 4)


def test_zero_elasticity_reproduces_static_results_exactly() -> None:
    flow = response("0")
    r = responded(flow)
    assert r.imports == r.static_imports == 100
    assert r.dynamic_duties == flow.duties
    assert r.consumer_cost == flow.duties
    assert r.deadweight_loss == 0


def test_a_rate_that_never_changes_leaves_imports_unchanged() -> None:
    r = responded(response("-3.5", "25%"))
    assert (r.imports, r.consumer_cost, r.deadweight_loss) == (100, 0, 0)
    assert r.dynamic_duties == r.observed_duties == 25


# --- the shipped product file -------------------------------------------------------------

PRODUCTS = "scenarios/products-2025.yaml"


def test_shipped_products_file_by_hand() -> None:
    result = compare(load(ROOT / PRODUCTS))
    us = {s.name: s.flows[0] for s in result.scenarios}
    # Carved out: 41,700 + 33,100 + 2,373 = 77,173m at 20%; auto parts 9,059m at 45%;
    # the other 352,668m at 145% (no-deal) or 30% (geneva). Sum 438,900m.
    assert close(us["no-deal"].rate_on, Fraction(77173 * 20 + 9059 * 45 + 352668 * 145, 438900))
    assert close(us["geneva"].rate_on, Fraction(77173 * 20 + 9059 * 45 + 352668 * 30, 438900))
    contribution = {x.measure: x.rate for x in us["no-deal"].stack}
    assert close(contribution["us-reciprocal"], Fraction(352668 * 125, 438900))
    assert close(contribution["us-232-autos"], Fraction(9059 * 25, 438900))


def test_rate_command_golden(update_golden: bool) -> None:
    args = [PRODUCTS, "--flow", "US:CN", "--hs", "8517.13", "--on", "2025-04-20"]
    for fmt, ext in (("table", "txt"), ("json", "json"), ("markdown", "md")):
        result = run("rate", *args, "--format", fmt)
        assert result.exit_code == 0, result.output
        golden = GOLDEN / f"products-2025.rate.{ext}"
        if update_golden:
            golden.write_text(result.stdout, encoding="utf-8", newline="")
        assert result.stdout == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--flow", "US:JP", "--hs", "85"], "has no flow 'US:JP'"),
        (["--flow", "US:CN", "--hs", "8"], "'8' is not an HS code"),
        (["--flow", "US:CN", "--hs", "85", "-s", "nope"], "has no scenario 'nope'"),
        (["--flow", "US:CN", "--hs", "85", "--on", "2025-02-30"], "is not a calendar date"),
        (
            ["--flow", "US:CN", "--hs", "85", "-s", "geneva", "-s", "no-deal"],
            "Invalid value for '--scenario': given 2 times ('geneva', 'no-deal'); "
            "this command takes one",
        ),
        (
            ["--flow", "US:CN", "--hs", "85", "--hs", "8517"],
            "Invalid value for '--hs': given 2 times ('85', '8517'); this command takes one",
        ),
    ],
)
def test_rate_usage_errors(args: list[str], message: str) -> None:
    result = run("rate", PRODUCTS, *args)
    assert result.exit_code == 2
    assert message in result.stderr


# --- China's energy and farm tariffs on US goods (CN:US by product) ----------------------


def test_chinas_energy_and_farm_tariffs_reach_their_lines() -> None:
    study = load(ROOT / "scenarios" / "products-2025.yaml")
    [flow] = [f for f in study.flows if f.key == "CN:US"]
    # 12 lines of China's 2024 customs values, 32.554bn, and everything else 110.946bn
    assert sum(line.value for line in flow.lines) == Decimal("143.5e9")
    assert len(flow.lines) == 13
    result = compare(study, on=date(2025, 6, 1))
    rates = {s.name: next(f for f in s.flows if f.flow.key == "CN:US") for s in result.scenarios}
    # geneva, 1 June: 10 on everything; crude oil and cars 10 (9.1bn), LNG and coal 15
    # (4.2bn), cotton, wheat, corn and chicken 15 (3.429bn), soybeans, sorghum, beef and
    # swine offal 10 (15.825bn): 10 + (91 + 63 + 51.435 + 158.25) / 143.5 = 10 + 363.685 / 143.5
    assert close(rates["geneva"].rate_on, Fraction(10) + Fraction("363.685") / Fraction("143.5"))
    # no-deal, 1 June: 125 on everything, the same product layers: 125 + 363.685 / 143.5
    assert close(rates["no-deal"].rate_on, Fraction(125) + Fraction("363.685") / Fraction("143.5"))
    # each product layer's part: energy (91 + 63) / 143.5, farm (51.435 + 158.25) / 143.5
    parts = {x.measure: x.rate for x in rates["geneva"].stack}
    assert close(parts["cn-energy"], Fraction(154) / Fraction("143.5"))
    assert close(parts["cn-farm"], Fraction("209.685") / Fraction("143.5"))
    # LNG's own stack under geneva: 10 + 15 = 25 (Platts: "LNG 25%")
    lng = product_stack(study, flow, "2711.11", date(2025, 6, 1), "geneva")
    assert lng.total == 25
