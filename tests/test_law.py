"""The law as written: MFN as the base layer, all-in ceilings, dated precedence.

tests/fixtures/law-2025.yaml holds three partners of the US in 2025 (rates and instruments in
docs/sources.md#tariff-law-2025). Every figure below is worked by hand in its comment.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tariffs.calc.compare import compare
from tariffs.calc.expectations import check
from tariffs.calc.stack import product_stack
from tariffs.calc.sweep import _study as sweep_study
from tariffs.cli import app
from tariffs.domain import Study
from tariffs.input.literals import parse_percent
from tariffs.input.load import load, load_text
from tariffs.input.problems import ScenarioError
from tariffs.input.vary import target as vary_target
from tariffs.limits import MAX_RATE
from tariffs.render.grids import importer_grids

LAW = "tests/fixtures/law-2025.yaml"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def law() -> Study:
    return load(ROOT / LAW)


def stack(
    study: Study, flow: str, hs: str, on: date, scenario: str = "as-written"
) -> dict[str, Any]:
    found = next(f for f in study.flows if f.key == flow)
    result = product_stack(study, found, hs, on, scenario)
    return {"total": result.total, **{x.measure: (x.rate, x.status, x.why) for x in result.layers}}


@pytest.mark.parametrize(
    ("hs", "on", "layers"),
    [
        # from 7 Aug the EU's reciprocal rate tops MFN up to 15%: 15 - 2.5 = 12.5
        ("8703.23", date(2025, 9, 1), ("2.5", "12.5", "15.0")),
        # MFN 16.5% is above the ceiling: max(0, 15 - 16.5) = 0, the total stays 16.5%
        ("6110.20.20", date(2025, 9, 1), ("16.5", "0", "16.5")),
        # before 7 Aug the 10% baseline is added to MFN: 2.5 + 10 and 16.5 + 10
        ("8703.23", date(2025, 6, 1), ("2.5", "10", "12.5")),
        ("6110.20.20", date(2025, 6, 1), ("16.5", "10", "26.5")),
    ],
)
def test_eu_all_in_ceiling_over_mfn(
    law: Study, hs: str, on: date, layers: tuple[str, str, str]
) -> None:
    mfn, reciprocal, total = map(Decimal, layers)
    found = stack(law, "US:EU", hs, on)
    assert found["mfn"][0] == mfn
    assert found["us-reciprocal-eu"][0] == reciprocal
    assert found["total"] == total


def test_a_lower_ceiling_in_a_scenario(law: Study) -> None:
    # ceiling-10 sets the all-in rate to 10% from 7 Aug: cars 10 - 2.5 = 7.5, total 10
    found = stack(law, "US:EU", "8703.23", date(2025, 9, 1), "ceiling-10")
    assert found["us-reciprocal-eu"][0] == Decimal("7.5")
    assert found["total"] == Decimal(10)


def test_chinese_steel_on_10_june_owes_no_reciprocal(law: Study) -> None:
    found = stack(law, "US:CN", "7208.51", date(2025, 6, 10))
    # 232 steel 50% (from 4 June) + 301 25% + fentanyl 20% + MFN 0 (Free) = 95%
    assert found["us-232-steel-cn"][0] == 50
    assert found["us-301-cn"][0] == 25
    assert found["us-fentanyl-cn"][0] == 20
    assert found["mfn"] == (0, "in force", "MFN of the line")
    assert found["us-reciprocal-cn"] == (0, "yields", "yields to us-232-steel-cn (50%)")
    assert found["total"] == 95
    # on 1 June 232 was 25%: 25 + 25 + 20 = 70
    assert stack(law, "US:CN", "7208.51", date(2025, 6, 1))["total"] == 70


@pytest.mark.parametrize(
    ("on", "ieepa", "steel"),
    [
        # EO 14289 (from 4 March): goods owing the Canada tariff owe no 232 steel
        (date(2025, 5, 1), (25, "in force"), (0, "yields")),
        # Procl. 10947 (from 4 June): the order is reversed, 232 steel at 50% wins
        (date(2025, 6, 10), (0, "yields"), (50, "in force")),
    ],
)
def test_dated_precedence_reverses_on_4_june(
    law: Study, on: date, ieepa: tuple[int, str], steel: tuple[int, str]
) -> None:
    found = stack(law, "US:CA", "7208.51", on)
    assert found["us-ieepa-ca"][:2] == ieepa
    assert found["us-232-steel-ca"][:2] == steel


def test_flow_figures_include_mfn(law: Study) -> None:
    by = {(s.name, f.flow.key): f for s in compare(law).scenarios for f in s.flows}
    eu = by[("as-written", "US:EU")]
    # rate on 1 Sep: (40bn x 15 + 0.5bn x 16.5) / 40.5bn = 608.25 / 40.5 = 15.0185%
    assert round(eu.rate_on, 4) == Decimal("15.0185")
    # cars: 2.5 x 365 + 10 x 124 (5 Apr - 6 Aug) + 12.5 x 147 (7 Aug - 31 Dec) = 3,990 rate-days
    # sweaters: 16.5 x 365 + 10 x 124 = 7,262.5; (40 x 3,990 + 0.5 x 7,262.5) / 40.5 / 365
    # = 163,231.25 / 14,782.5 = 11.0422%
    assert round(eu.average, 4) == Decimal("11.0422")
    ca = by[("as-written", "US:CA")]
    # 25 x 92 (4 Mar - 3 Jun) + 50 x 211 (4 Jun - 31 Dec) = 12,850 rate-days / 365 = 35.2055%
    assert round(ca.average, 4) == Decimal("35.2055")
    cn = by[("as-written", "US:CN")]
    # phones: fentanyl 10 x 28 + 20 x 303 = 6,340; steel: 6,340 + 301 25 x 365 (9,125) + 232
    # 25 x 84 (12 Mar - 3 Jun) + 50 x 211 (12,650) = 28,115; reciprocal 0 (excluded, yields)
    # (41.7 x 6,340 + 1 x 28,115) / 42.7 / 365 = 292,493 / 15,585.5 = 18.7670%
    assert round(cn.average, 4) == Decimal("18.7670")


def test_rate_says_what_its_total_holds() -> None:
    runner = CliRunner()
    with_mfn = runner.invoke(app, ["rate", LAW, "--flow", "US:EU", "--hs", "8703.23"])
    assert "Total:    15.0% (MFN and additional duties)" in with_mfn.stdout
    doc = runner.invoke(app, ["rate", LAW, "--flow", "US:EU", "--hs", "8703.23", "-f", "json"])
    assert json.loads(doc.stdout)["stack"]["mfn_stated"] is True
    without = runner.invoke(
        app, ["rate", "scenarios/geneva.yaml", "--flow", "US:CN", "--hs", "8703"]
    )
    assert "additional duties only: the file states no MFN rate for this flow" in without.stdout


HEAD = """\
tariffs: 1
title: t
period: {start: 2025-01-01, until: 2026-01-01}
on: 2025-09-01
"""


def problems(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        load_text(HEAD + text, "t.yaml")
    return [str(p) for p in caught.value.problems]


def test_an_unknown_mfn_is_never_zero() -> None:
    found = problems(
        """\
flows:
  - importer: US
    exporter: EU
    lines:
      - {hs: "8703", description: cars, value: 40bn, mfn: 2.5%}
      - {hs: "8479", description: machines, value: 10bn}
measures:
  r: {importer: US, exporter: EU, basis: b, rates: {2025-04-05: 10%}}
scenarios:
  s: {}
"""
    )
    assert found == [
        "t.yaml:6:5: flow US:EU: 1 of its 2 lines state an MFN rate, but HS 8479 does not; "
        "give every line an 'mfn', or the flow an 'mfn' for the rest (an unknown MFN is never "
        "taken as 0%)"
    ]


def test_an_mfn_above_the_ceiling_pays_no_top_up() -> None:
    # a line at MFN 32% under a 15% all-in ceiling: max(0, 15 - 32) = 0, total 32.0%
    study = load_text(
        HEAD
        + """\
flows:
  - importer: US
    exporter: EU
    lines: [{hs: "6404", description: a line at MFN 32%, value: 1bn, mfn: 32%}]
measures:
  r:
    importer: US
    exporter: EU
    basis: b
    rates: {2025-04-05: 10%, 2025-08-07: 15%}
    all_in: [{over: [mfn], from: 2025-08-07}]
scenarios:
  s: {}
""",
        "t.yaml",
    )
    found = stack(study, "US:EU", "6404", date(2025, 9, 1), "s")
    assert (found["r"][0], found["total"]) == (0, 32)
    assert found["r"][2] == "schedule; all-in 15% over mfn, since 2025-08-07"


def test_a_flow_mfn_fills_the_lines_that_state_none() -> None:
    study = load_text(
        HEAD
        + """\
flows:
  - importer: US
    exporter: EU
    mfn: 1%
    lines:
      - {hs: "8703", description: cars, value: 40bn, mfn: 2.5%}
      - {hs: "8479", description: machines, value: 10bn}
measures:
  r: {importer: US, exporter: EU, basis: b, rates: {2025-04-05: 10%}}
scenarios:
  s: {}
""",
        "t.yaml",
    )
    # (40 x 2.5 + 10 x 1) / 50 = 2.2% on 1 Jan, before the 10% starts
    [flow] = compare(study, on=date(2025, 1, 1)).scenarios[0].flows
    assert flow.rate_on == Decimal("2.2")


@pytest.mark.parametrize(
    ("measures", "message"),
    [
        (
            "  r: {importer: US, exporter: EU, basis: b, all_in: [{over: [mfn]}]}\n",
            "flow US:EU states no MFN rates, so it has no 'mfn' layer; give its "
            "lines (or the flow) an 'mfn'",
        ),
        (
            "  r: {importer: US, exporter: EU, basis: b, yields_to: [{measure: q, from: "
            "2025-06-04, until: 2025-06-04}]}\n"
            "  q: {importer: US, exporter: EU, basis: b}\n",
            "'until' (2025-06-04) must be after 'from' (2025-06-04)",
        ),
        (
            "  r: {importer: US, exporter: EU, basis: b, yields_to: [{measure: q, from: "
            "2025-03-04}]}\n"
            "  q: {importer: US, exporter: EU, basis: b, yields_to: [{measure: r, from: "
            "2025-06-04}]}\n",
            "'yields_to' forms a cycle from 2025-06-04: r -> q -> r",
        ),
    ],
    ids=["no-mfn-layer", "empty-span", "cycle-on-a-day"],
)
def test_rules_are_checked(measures: str, message: str) -> None:
    text = (
        """\
flows:
  - {importer: US, exporter: EU, value: 10bn}
measures:
"""
        + measures
        + """\
scenarios:
  s: {}
"""
    )
    # the whole message, at the measure's own line (8; 9 for the second)
    assert [p.split(": ", 1)[1] for p in problems(text)] == [message]
    assert problems(text)[0].startswith("t.yaml:8:")


def test_the_format_doc_examples_are_the_tested_fixture() -> None:
    # docs/format.md's MFN and precedence examples are cut from the fixture tested above
    doc = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")
    section = doc.split("### MFN, the base layer", 1)[1].split("### Stacking rules", 1)[0]
    blocks = section.split("```yaml\n")[1:]
    assert len(blocks) == 2
    fixture = (ROOT / LAW).read_text(encoding="utf-8")
    for block in blocks:
        for line in block.split("```", 1)[0].splitlines():
            assert line.strip() in fixture, line


def _one_line(line: str, measures: str = "") -> Study:
    return load_text(
        HEAD
        + f"""\
flows:
  - importer: US
    exporter: EU
    lines: [{line}]
measures:
  r: {{importer: US, exporter: EU, basis: b{measures}}}
scenarios:
  s: {{}}
""",
        "t.yaml",
    )


def test_a_specific_duty_is_exact_with_its_ad_valorem_equivalent() -> None:
    study = _one_line(
        '{hs: "2204.21", description: d, value: 2000, mfn: "$1.055/kg", quantity: 1000 kg}'
    )
    found = stack(study, "US:EU", "2204.21", date(2025, 9, 1), "s")
    # AVE = 1.055 x 1,000 / 2,000 x 100 = 52.75%
    assert found["mfn"] == (
        Decimal("52.75"),
        "in force",
        "MFN $1.055/kg on 1000 kg, as its ad valorem equivalent",
    )
    [flow] = compare(study).scenarios[0].flows
    # a year of it: 2,000 x 52.75% x 365 / 365 = $1,055.00, which is 1.055 x 1,000 exactly
    assert flow.duties == Decimal("1055.00")


def test_a_compound_duty_and_a_ceiling_over_it() -> None:
    # 0.9¢/each + 15.8% on 10,000 each worth $1,000: 15.8 + 0.009 x 10,000 / 1,000 x 100
    # = 15.8 + 9 = 24.8%
    study = _one_line(
        '{hs: "9503", description: d, value: 1000, mfn: "0.9¢/each + 15.8%", quantity: 10k each}'
    )
    assert stack(study, "US:EU", "9503", date(2025, 9, 1), "s")["total"] == Decimal("24.8")
    # 6.3¢/liter on 1,000 l worth $1,000: AVE 6.3%; an all-in 15% tops it up by 8.7
    wine = _one_line(
        '{hs: "2204.21", description: d, value: 1000, mfn: "6.3¢/liter", quantity: 1000 l}',
        ", rates: {2025-08-07: 15%}, all_in: [{over: [mfn]}]",
    )
    found = stack(wine, "US:EU", "2204.21", date(2025, 9, 1), "s")
    assert (found["mfn"][0], found["r"][0], found["total"]) == (
        Decimal("6.3"),
        Decimal("8.7"),
        Decimal(15),
    )


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            '{hs: "2204.21", description: d, value: 2000, mfn: "$1.055/kg"}',
            "flow US:EU, HS 2204.21: its rate $1.055/kg is per kg, so it needs a 'quantity' in "
            "kg (such as 1000 kg); a specific duty is never taken as 0",
        ),
        (
            '{hs: "2204.21", description: d, value: 2000, mfn: "$1.055/kg", quantity: 5 l}',
            "flow US:EU, HS 2204.21: its rate $1.055/kg is per kg, but its quantity is in l",
        ),
    ],
    ids=["no-quantity", "other-unit"],
)
def test_a_specific_duty_without_its_quantity_names_the_line(line: str, message: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        _one_line(line)
    assert [p.message for p in caught.value.problems] == [message]


@pytest.mark.parametrize(
    ("mfn", "quantity", "value", "ave"),
    [
        # 1 x 99,999.999999 / 100 x 100 = 99,999.999999%: the highest written rate, taken
        ("$1/kg", "99999.999999 kg", "100", Decimal("99999.999999")),
        # 1 x 100,000 / 100 x 100 = 100,000%: over it
        ("$1/kg", "100000 kg", "100", None),
        # 99,999% + 1 x 1 / 100 x 100 = 100,000%: a compound rate's sum is bounded too
        ("$1/kg + 99999%", "1 kg", "100", None),
    ],
)
def test_an_ad_valorem_equivalent_is_bounded_as_a_written_rate(
    mfn: str, quantity: str, value: str, ave: Decimal | None
) -> None:
    line = f'{{hs: "0101.21", description: d, value: {value}, mfn: "{mfn}", quantity: {quantity}}}'
    if ave is not None:
        study = _one_line(line)
        assert stack(study, "US:EU", "0101.21", date(2025, 9, 1), "s")["mfn"][0] == ave
        return
    with pytest.raises(ScenarioError) as caught:
        _one_line(line)
    [problem] = caught.value.problems
    assert (problem.line, problem.column) == (8, 13)  # the line, in the flow's list
    # the amount x quantity is 100,000 (1 x 100,000) and 1 (1 x 1): 100,000% both times
    assert problem.message == (
        f"flow US:EU, HS 0101.21: its rate {mfn} on {quantity} worth {value} comes to "
        f"100,000% of the value (duties of {'100,000' if quantity == '100000 kg' else '1'} a "
        "year), over the highest rate a file may write, 99,999.999999%; check the quantity, "
        "the value and the rate"
    )


def test_the_bound_is_the_highest_written_rate() -> None:
    # PERCENT_PATTERN: at most five digits and six decimals, so 99,999.999999% is the
    # highest a file writes; 100,000% is not a written rate.
    assert parse_percent("99999.999999%") == MAX_RATE
    with pytest.raises(ValueError, match="is not a percent"):
        parse_percent("100000%")


def test_the_issue_s_absurd_duty_is_refused() -> None:
    # $99,999/kg on 1bn kg worth 1: 99,999 x 1,000,000,000 / 1 x 100 = 9.9999e15 percent
    with pytest.raises(ScenarioError) as caught:
        _one_line('{hs: "0101.21", description: d, value: 1, mfn: "$99999/kg", quantity: 1bn kg}')
    assert "comes to 9.9999e+15% of the value (duties of 99,999,000,000,000 a year)" in str(
        caught.value
    )


def test_rate_lists_layers_in_cbp_order() -> None:
    # CBP's reporting order: Section 301, then IEEPA, then Section 232, then MFN last; the
    # file lists fentanyl, reciprocal, 232, 301 (and MFN comes first among the layers)
    result = CliRunner().invoke(
        app, ["rate", LAW, "--flow", "US:CN", "--hs", "7208.51", "--on", "2025-06-10", "-f", "json"]
    )
    layers = json.loads(result.stdout)["stack"]["layers"]
    assert [(x["measure"], x["authority"]) for x in layers] == [
        ("us-301-cn", "section-301"),
        ("us-fentanyl-cn", "ieepa"),
        ("us-reciprocal-cn", "ieepa"),
        ("us-232-steel-cn", "section-232"),
        ("mfn", "mfn"),
    ]
    # the fentanyl layer's Chapter 99 heading (HTS 9903.01.24), shown beside its basis
    assert layers[1]["heading"] == "9903.01.24"
    table = CliRunner().invoke(
        app, ["rate", LAW, "--flow", "US:CN", "--hs", "7208.51", "--on", "2025-06-10"]
    )
    assert "(9903.01.24)" in table.stdout


def test_without_authorities_the_file_order_stays() -> None:
    result = CliRunner().invoke(
        app, ["rate", "scenarios/geneva.yaml", "--flow", "US:CN", "--hs", "8703", "-f", "json"]
    )
    layers = json.loads(result.stdout)["stack"]["layers"]
    assert [x["measure"] for x in layers] == ["us-fentanyl", "us-reciprocal"]
    assert {x["authority"] for x in layers} == {None}


SETS = """\
flows:
  - importer: US
    exporter: IN
    lines:
      - {hs: "3004.90", description: medicaments, value: 10bn, mfn: 0%}
      - {hs: "3002.15", description: immunological products, value: 2bn, mfn: 0%}
      - {hs: "8517.13", description: smartphones, value: 8bn, mfn: 0%}
products:
  annex-ii:
    note: "Annex II of EO 14257"
    hs: ["3004"]
    added: {2025-09-08: ["3002"]}
  electronics:
    hs: ["8517.13"]
measures:
  reciprocal:
    importer: US
    exporter: IN
    basis: "IEEPA reciprocal"
    rates: {2025-04-05: 10%, 2025-08-07: 25%}
    excludes:
      - {products: annex-ii}
      - {products: electronics, from: 2025-04-05, note: "electronics carve-out"}
  phones-only:
    importer: US
    exporter: IN
    basis: "a measure on one named set"
    rates: {2025-01-01: 1%}
    applies_to_products: [electronics]
scenarios:
  s: {}
"""


def test_named_product_sets_grow_by_date() -> None:
    study = load_text(HEAD + SETS, "t.yaml")
    # medicaments are in Annex II from the start: no reciprocal on 1 Sep (25% elsewhere)
    assert stack(study, "US:IN", "3004.90", date(2025, 9, 1), "s")["reciprocal"][:2] == (
        0,
        "excluded",
    )
    # immunological products join on 8 Sep: 25% on 1 Sep, 0 on 10 Sep
    assert stack(study, "US:IN", "3002.15", date(2025, 9, 1), "s")["reciprocal"][0] == 25
    later = stack(study, "US:IN", "3002.15", date(2025, 9, 10), "s")["reciprocal"]
    assert later == (0, "excluded", "excluded from 2025-09-08: Annex II of EO 14257")
    # the set in applies_to: the phones-only measure covers 8517.13 and nothing else
    assert stack(study, "US:IN", "8517.13", date(2025, 9, 1), "s")["phones-only"][0] == 1
    assert stack(study, "US:IN", "3004.90", date(2025, 9, 1), "s")["phones-only"][1] == (
        "not in scope"
    )


def test_a_growing_set_cannot_scope_applies_to() -> None:
    text = SETS.replace("applies_to_products: [electronics]", "applies_to_products: [annex-ii]")
    found = problems(text)
    assert [p.split(": ", 1)[1] for p in found] == [
        "product set 'annex-ii' grows by date ('added'), but 'applies_to' has no dates; list "
        "its codes in 'applies_to', or use the set in 'excludes'"
    ]
    unknown = problems(SETS.replace("{products: electronics,", "{products: electronic,"))
    assert [p.split(": ", 1)[1] for p in unknown] == [
        "unknown product set 'electronic' (known: annex-ii, electronics)"
    ]


def test_the_readme_example_is_the_real_output() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("$ tariffs rate tests/fixtures/law-2025.yaml --flow US:EU", 1)[1]
    shown = block.split("\n", 1)[1].split("```", 1)[0].splitlines()
    result = CliRunner().invoke(
        app, ["rate", LAW, "--flow", "US:EU", "--hs", "8703.23", "-f", "json"]
    )
    layers = json.loads(result.stdout)["stack"]["layers"]
    real = [json.dumps([x["measure"], x["rate"], x["why"]], separators=(",", ":")) for x in layers]
    assert shown == real


def test_the_importer_total_over_three_partners(law: Study) -> None:
    [total] = compare(law).scenarios[0].importers
    assert (total.importer, total.partners) == ("US", ("EU", "CN", "CA"))
    # trade 40.5 + 42.7 + 2 = 85.2bn
    assert total.value == Decimal("85.2e9")
    # rate-days over the year: EU 163,231.25 + CN 292,493 + CA 2 x 12,850 = 481,424.25
    # (bn x pp x days); / (85.2 x 365 = 31,098) = 15.4809%
    assert round(total.average, 4) == Decimal("15.4809")
    # on 1 Sep: (40 x 15 + 0.5 x 16.5 + 41.7 x 20 + 1 x 95 + 2 x 50) / 85.2
    # = (600 + 8.25 + 834 + 95 + 100) / 85.2 = 1,637.25 / 85.2 = 19.2165%
    assert round(total.rate_on, 4) == Decimal("19.2165")
    flows = compare(law).scenarios[0].flows
    assert total.duties == sum((f.duties for f in flows), Decimal(0))


def test_the_importer_total_in_every_format() -> None:
    runner = CliRunner()
    table = runner.invoke(app, ["compare", LAW]).stdout
    assert "US on all its 3 partners (EU, CN, CA): trade 85.2 USD bn a year" in table
    assert "| ceiling-10 |   16.9% | -2.3 pp |   14.5% | -0.9 pp |   12.4 |    -0.8 |" in table
    doc = json.loads(runner.invoke(app, ["compare", LAW, "-f", "json"]).stdout)
    [total] = doc["files"][0]["scenarios"][1]["importers"]
    # ceiling-10 cuts the EU cars' all-in rate to 10%: (40 x 10 + 8.25 + 834 + 95 + 100)
    # / 85.2 = 1,437.25 / 85.2 = 16.8691%, 2.3474 pp below the baseline's 19.2165%
    assert (total["rate_on"], total["delta_rate_on"]) == (16.8691, -2.3474)
    csv = runner.invoke(app, ["compare", LAW, "-f", "csv"]).stdout.splitlines()
    assert f"{LAW},ceiling-10,US,*,all partners,rate_on,2025-09-01,16.8691,percent" in csv
    # the geneva file has one flow per importer: no totals
    geneva = json.loads(
        runner.invoke(app, ["compare", "scenarios/geneva.yaml", "-f", "json"]).stdout
    )
    assert all(s["importers"] == [] for s in geneva["files"][0]["scenarios"])


def test_the_by_partner_table() -> None:
    table = CliRunner().invoke(app, ["compare", LAW]).stdout
    part = table.split("US by partner under 'as-written'", 1)[1]
    # CN's share of duties: 8.0135bn / 13.1897bn = 60.8%; the total row is 100%
    assert "| CN      |   42.7 |   21.8% |   18.8% |    8.0 |  60.8% |" in part
    assert "| All     |   85.2 |   19.2% |   15.5% |   13.2 | 100.0% |" in part
    # largest part of the total's average first: CN 42.7 x 18.8 / 85.2 = 9.4 pp, EU 40.5 x
    # 11.0 / 85.2 = 5.2, CA 2 x 35.2 / 85.2 = 0.8
    rows = [line[:9] for line in part.splitlines() if line.startswith("| ") and "%" in line]
    assert rows[:3] == ["| CN     ", "| EU     ", "| CA     "]


def test_diff_shows_a_changed_mfn_on_any_flow(tmp_path: Path) -> None:
    # every flow's MFN layer is named mfn: a change on US:CN (not the last flow) must show
    text = (ROOT / LAW).read_text(encoding="utf-8")
    old = '{hs: "7208.51", description: "flat-rolled steel", value: 1bn, mfn: 0%}'
    assert old in text
    changed = tmp_path / "law.yaml"
    changed.write_text(text.replace(old, old.replace("mfn: 0%", "mfn: 1%")), encoding="utf-8")
    result = CliRunner().invoke(app, ["diff", str(ROOT / LAW), str(changed), "-f", "json"])
    assert result.exit_code == 1
    inputs = json.loads(result.stdout)["inputs"]
    assert [(c["name"], c["field"], c["old"], c["new"]) for c in inputs] == [
        (
            "US:CN",
            "line 7208.51",
            "flat-rolled steel: 1bn; MFN 0%",
            "flat-rolled steel: 1bn; MFN 1%",
        )
    ]


PARTNERS = """\
partners:
  EU27: [DE, FR]
flows:
  - {importer: US, exporter: DE, value: 10bn, mfn: 2%}
  - {importer: US, exporter: FR, value: 5bn, mfn: 2%}
  - {importer: US, exporter: IN, value: 8bn}
measures:
  reciprocal:
    importer: US
    exporters: [EU27, IN]
    basis: "IEEPA reciprocal"
    rates: {2025-04-05: 10%, 2025-08-07: 15%}
    partner_rates:
      IN: {2025-04-05: 10%, 2025-08-07: 25%, 2025-08-27: 50%}
scenarios:
  s: {}
  truce:
    changes:
      2025-08-27: {reciprocal: 25%}
"""


def test_one_measure_over_a_group_of_partners() -> None:
    study = load_text(HEAD + PARTNERS, "t.yaml")
    on = date(2025, 9, 1)
    # DE and FR (the group EU27): MFN 2 + 15 = 17; IN its own rates: 50 from 27 Aug
    assert stack(study, "US:DE", "", on, "s")["total"] == 17
    assert stack(study, "US:FR", "", on, "s")["total"] == 17
    assert stack(study, "US:IN", "", on, "s")["total"] == 50
    # a scenario's change to the measure changes it on every partner: 2 + 25, and 25
    assert stack(study, "US:DE", "", on, "truce")["total"] == 27
    assert stack(study, "US:IN", "", on, "truce")["total"] == 25
    [total] = compare(study, on=on).scenarios[0].importers
    # (10 x 17 + 5 x 17 + 8 x 50) / 23 = 655 / 23 = 28.4783%
    assert round(total.rate_on, 4) == Decimal("28.4783")
    title = importer_grids(compare(study, on=on))[0].title
    assert title.endswith("; MFN stated for all but IN: theirs is not counted")


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            ("exporters: [EU27, IN]", "exporters: [EU28, IN]"),
            "'EU28' is neither a country code (2 or 3 capital letters) nor a group of "
            "'partners' (known: EU27)",
        ),
        (
            ("    partner_rates:\n      IN:", "    partner_rates:\n      JP:"),
            "JP is not a partner of measure 'reciprocal' (DE, FR, IN)",
        ),
        (
            ("    exporters: [EU27, IN]\n", "    exporters: [EU27, IN]\n    exporter: IN\n"),
            "measure 'reciprocal' needs 'exporter' (one partner) or 'exporters' (several), "
            "not both and not neither",
        ),
    ],
    ids=["unknown-group", "rates-for-no-partner", "both"],
)
def test_partners_are_checked(edit: tuple[str, str], message: str) -> None:
    assert edit[0] in PARTNERS
    found = problems(PARTNERS.replace(*edit))
    assert message in [p.split(": ", 1)[1] for p in found]


def test_a_sweep_varies_a_measure_on_every_partner() -> None:
    # the 7 Aug rate is 15% for DE and FR; IN has its own 25%: a sweep sets all three
    study = load_text(HEAD + PARTNERS, "t.yaml")
    target = vary_target(study, study.scenarios[0], "measure:reciprocal.2025-08-07")
    varied, touched = sweep_study(study, [(target, Decimal(20))])
    assert touched == {"US:DE", "US:FR", "US:IN"}
    rates = {m.exporter: dict(m.rates) for m in varied.measures if m.name == "reciprocal"}
    assert {k: v[date(2025, 8, 7)] for k, v in rates.items()} == {"DE": 20, "FR": 20, "IN": 20}


def test_expectations_on_the_importer_total() -> None:
    text = (ROOT / LAW).read_text(encoding="utf-8") + (
        "expect:\n"
        # on 1 Sep, worked in test_the_importer_total_over_three_partners: 19.2165%
        '  - {scenario: as-written, flow: "US:*", rate: 19.2165%}\n'
        # on 1 Jun: EU 40 x (2.5 + 10) + 0.5 x (16.5 + 10) = 513.25; CN smartphones 41.7 x 20
        # (fentanyl; reciprocal excluded) = 834, steel 1 x (232 25 + 301 25 + fentanyl 20;
        # reciprocal yields) = 70; CA steel 2 x 25 (232 yields to Canada's 25% until 4 June)
        # = 50: 1,467.25 / 85.2 = 17.2212%
        '  - {scenario: as-written, flow: "US:*", on: 2025-06-01, rate: 17.2212%}\n'
        '  - {scenario: as-written, flow: "US:*", average: 15.4809%}\n'
    )
    study = load_text(text, LAW)
    outcomes = check(study)
    assert [o.passed for o in outcomes] == [True, True, True], outcomes


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            '{scenario: as-written, flow: "US:*", peak: 20%}',
            "'peak' is no metric of an importer's total (IMPORTER:*); it states trade_value, "
            "rate, rate_on, average, average_rate, duties, static_duties",
        ),
        (
            '{scenario: as-written, flow: "CN:*", rate: 20%}',
            "CN:* is the total over CN's flows, and the file declares 0",
        ),
        (
            '{scenario: as-written, flow: "US:*", hs: "8703", rate: 20%}',
            "'hs' goes with one flow, not with US:*",
        ),
    ],
)
def test_importer_total_expectations_are_checked(entry: str, message: str) -> None:
    text = (ROOT / LAW).read_text(encoding="utf-8") + f"expect:\n  - {entry}\n"
    with pytest.raises(ScenarioError) as caught:
        load_text(text, LAW)
    assert message in str(caught.value)


def test_the_importer_total_by_layer(law: Study) -> None:
    [total] = compare(law).scenarios[0].importers
    parts = {x.measure: x for x in total.layers}
    # MFN over the three partners: (40 x 2.5 + 0.5 x 16.5) / 85.2 = 108.25 / 85.2 = 1.2705 pp,
    # on every day (MFN does not change)
    assert round(parts["mfn"].rate, 4) == round(parts["mfn"].average, 4) == Decimal("1.2705")
    # fentanyl on 1 Sep: 20% on all of China's 42.7bn: 854 / 85.2 = 10.0235 pp
    assert round(parts["us-fentanyl-cn"].rate, 4) == Decimal("10.0235")
    # the layers add up to the total, on the date and on average
    assert sum(x.rate for x in total.layers) == pytest.approx(total.rate_on)
    assert sum(x.average for x in total.layers) == pytest.approx(total.average)
    assert sum(x.share for x in total.layers) == pytest.approx(Decimal(100))


def test_compare_lists_the_layers_largest_first() -> None:
    out = CliRunner().invoke(app, ["compare", LAW, "-s", "as-written"]).stdout
    table = out.split("US by layer under 'as-written', largest first", 1)[1]
    rows = [line.split("|")[1].strip() for line in table.splitlines()[5:13]]
    # averages: fentanyl 8.7, EU reciprocal 4.0, MFN 1.3, CA steel 0.7, CN steel 0.4, ...
    assert rows[:4] == ["us-fentanyl-cn", "us-reciprocal-eu", "mfn", "us-232-steel-ca"]
