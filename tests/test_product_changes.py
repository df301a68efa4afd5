"""A scenario's changes and windows for some products only (`{rate, hs, products}`).

tests/fixtures/product-changes-2025.yaml holds the lines; every figure is worked by hand.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tariffs.calc.compare import RatesOn, compare
from tariffs.calc.stack import product_stack
from tariffs.cli import app
from tariffs.domain import Study
from tariffs.input.load import load, load_text
from tariffs.input.problems import ScenarioError

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = "tests/fixtures/product-changes-2025.yaml"


@pytest.fixture(scope="module")
def study() -> Study:
    return load(ROOT / FIXTURE)


def total(study: Study, hs: str, on: date, scenario: str) -> Decimal:
    return product_stack(study, study.flows[0], hs, on, scenario).total


@pytest.mark.parametrize(
    ("hs", "on", "scenario", "rate"),
    [
        # the deal lowers the ceiling on cars from 1 October: MFN 2.5 + max(0, 10 - 2.5) = 10
        ("8703.23", date(2025, 10, 1), "cars-deal", "10"),
        # the day before, the law's 15%: 2.5 + 12.5
        ("8703.23", date(2025, 9, 30), "cars-deal", "15"),
        # machines are not cars: 2.5 + 12.5 = 15 throughout
        ("8479.89", date(2025, 10, 1), "cars-deal", "15"),
        # the truce sets the cars' rate to 0% for 30 days from 1 September: MFN only
        ("8703.23", date(2025, 9, 30), "cars-truce", "2.5"),
        # ... and on its 31st day (1 October) the ceiling snaps back: 15
        ("8703.23", date(2025, 10, 1), "cars-truce", "15"),
        ("8479.89", date(2025, 9, 15), "cars-truce", "15"),
    ],
)
def test_rates_for_some_products(study: Study, hs: str, on: date, scenario: str, rate: str) -> None:
    assert total(study, hs, on, scenario) == Decimal(rate)


def test_the_flow_and_the_window(study: Study) -> None:
    rates = RatesOn(study)
    # cars-deal on 1 October: (40bn x 10 + 10bn x 15) / 50bn = 11
    assert rates("cars-deal", "US:EU", date(2025, 10, 1)) == Decimal(11)
    result = compare(study, only=("cars-truce",))
    (window,) = result.scenarios[0].windows
    # inside: (40 x 2.5 + 10 x 15) / 50 = 5; saved: 50bn x 10 pp x 30 days / (365 x 100)
    # = 410,958,904.1...
    assert (window.inside, window.before, window.after) == (Decimal(5), Decimal(15), Decimal(15))
    assert window.saved.quantize(Decimal(1)) == Decimal(410_958_904)


def test_rate_names_the_products_change(study: Study) -> None:
    stack = product_stack(study, study.flows[0], "8703.23", date(2025, 10, 2), "cars-deal")
    layer = next(x for x in stack.layers if x.measure == "reciprocal-eu")
    assert layer.why == "scenario change for HS 8703; all-in 10% over mfn, since 2025-10-01"


def test_the_fixture_checks() -> None:
    out = CliRunner().invoke(app, ["check", FIXTURE])
    assert out.exit_code == 0, out.output
    assert "3 passed, 0 failed" in out.output


def test_diff_lists_a_change_for_some_products(tmp_path: Path) -> None:
    text = (ROOT / FIXTURE).read_text(encoding="utf-8")
    old = tmp_path / "old.yaml"
    new = tmp_path / "new.yaml"
    old.write_text(text, encoding="utf-8")
    new.write_text(text.replace("{rate: 10%, products: cars}", "{rate: 12%, products: cars}"))
    out = CliRunner().invoke(app, ["diff", str(old), str(new)])
    assert "2025-10-01 to reciprocal-eu for HS 8703" in out.output
    assert "10%" in out.output
    assert "12%" in out.output


HEAD = """\
tariffs: 1
title: t
period: {start: 2025-01-01, until: 2026-01-01}
on: 2025-04-01
flows:
  - importer: US
    exporter: EU
    lines: [{hs: "8703", description: cars, value: 1bn}]
products:
  grows: {hs: ["8703"], added: {2025-09-01: ["8704"]}}
measures:
  r: {importer: US, exporter: EU, basis: b, rates: {2025-04-05: 10%}}
"""


@pytest.mark.parametrize(
    ("scenario", "message"),
    [
        (
            "changes: {2025-05-01: {r: {rate: 5%}}}",
            "a rate for some products needs 'hs' (codes), 'products' (a set), or both",
        ),
        (
            "changes: {2025-05-01: {r: {rate: 5%, products: trucks}}}",
            "unknown product set 'trucks' (known: grows)",
        ),
        (
            "changes: {2025-05-01: {r: [{rate: 5%, products: grows}]}}",
            "product set 'grows' grows by date ('added')",
        ),
        (
            "windows: [{name: w, start: 2025-05-01, days: 3, set: {r: {rate: 5%}}}]",
            "a rate for some products needs 'hs' (codes), 'products' (a set), or both",
        ),
    ],
)
def test_product_settings_are_checked(scenario: str, message: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        load_text(HEAD + f"scenarios:\n  s: {{{scenario}}}\n", "t.yaml")
    assert message in str(caught.value)


def test_several_product_settings_on_one_date() -> None:
    study = load_text(
        HEAD.replace(
            'lines: [{hs: "8703", description: cars, value: 1bn}]',
            'lines: [{hs: "8703", description: cars, value: 1bn}, '
            '{hs: "8704", description: trucks, value: 1bn}, '
            '{hs: "8471", description: computers, value: 2bn}]',
        )
        + "scenarios:\n  s: {changes: {2025-05-01: {r: [{rate: 5%, hs: ['8703']}, "
        "{rate: 25%, hs: ['8704']}]}}}\n",
        "t.yaml",
    )
    # cars 5, trucks 25, computers keep 10: (1 x 5 + 1 x 25 + 2 x 10) / 4 = 12.5
    assert RatesOn(study)("s", "US:EU", date(2025, 5, 1)) == Decimal("12.5")


def test_the_format_doc_example_is_the_tested_fixture() -> None:
    doc = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")
    section = doc.split("### Changes for some products", 1)[1].split("\n## ", 1)[0]
    blocks = section.split("```yaml\n")[1:]
    assert blocks
    fixture = (ROOT / FIXTURE).read_text(encoding="utf-8")
    for block in blocks:
        for line in block.split("```", 1)[0].splitlines():
            assert line.strip() in fixture, line


def test_two_rates_for_the_same_products_on_one_date_are_refused() -> None:
    with pytest.raises(ScenarioError) as caught:
        load_text(
            HEAD + "scenarios:\n  s: {changes: {2025-05-01: {r: [{rate: 5%, hs: ['8703']}, "
            "{rate: 10%, hs: ['87']}]}}}\n",
            "t.yaml",
        )
    assert "two rates of 'r' on 2025-05-01 reach the same products (HS 87 and HS 8703)" in str(
        caught.value
    )


def test_an_empty_list_of_settings_is_refused() -> None:
    with pytest.raises(ScenarioError):
        load_text(HEAD + "scenarios:\n  s: {changes: {2025-05-01: {r: []}}}\n", "t.yaml")


def test_a_childs_change_for_all_products_wins_over_its_parents_for_some() -> None:
    study = load_text(
        HEAD + "scenarios:\n  parent: {changes: {2025-05-01: {r: {rate: 5%, hs: ['8703']}}}}\n"
        "  child: {extends: parent, changes: {2025-05-01: {r: 15%}}}\n",
        "t.yaml",
    )
    rates = RatesOn(study)
    # the parent sets cars to 5% from 1 May; the child sets every product to 15% that day
    assert rates("parent", "US:EU", date(2025, 5, 1)) == Decimal(5)
    assert rates("child", "US:EU", date(2025, 5, 1)) == Decimal(15)


def test_a_window_on_a_measure_over_many_partners_counts_on_each() -> None:
    study = load_text(
        """\
tariffs: 1
title: t
period: {start: 2025-01-01, until: 2026-01-01}
on: 2025-06-01
flows:
  - {importer: US, exporter: EU, value: 36.5bn}
  - {importer: US, exporter: JP, value: 73bn}
measures:
  m: {importer: US, exporters: [EU, JP], basis: b, rates: {2025-01-01: 10%}}
scenarios:
  s:
    windows:
      - {name: truce, start: 2025-03-01, days: 10, set: {m: 0%}}
""",
        "t.yaml",
    )
    (result,) = compare(study).scenarios
    saved = {w.flow.key: w.saved for w in result.windows}
    # 10 days at 10 pp less: EU 36.5bn x 10 x 10 / 36,500 = 0.1bn; JP twice that
    assert saved == {"US:EU": Decimal("1e8"), "US:JP": Decimal("2e8")}


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        # one message, in the file's terms, for the form the value has
        (
            "{r: {rate: 5%, hs: ['87a']}}",
            "t.yaml:14:49: scenarios.s.changes.2025-05-01.r.hs.0: '87a' is not an HS code",
        ),
        ("{r: 5}", "t.yaml:14:33: scenarios.s.changes.2025-05-01.r: write percents with a %"),
    ],
)
def test_a_bad_setting_gets_one_message(setting: str, message: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        load_text(HEAD + f"scenarios:\n  s: {{changes: {{2025-05-01: {setting}}}}}\n", "t.yaml")
    problems = str(caught.value).splitlines()
    assert len(problems) == 1, problems
    assert problems[0].startswith(message), problems


def test_a_window_sets_one_rate_a_measure() -> None:
    with pytest.raises(ScenarioError) as caught:
        load_text(
            HEAD + "scenarios:\n  s: {windows: [{name: w, start: 2025-05-01, days: 3, "
            "set: {r: [{rate: 5%, hs: ['8703']}]}}]}\n",
            "t.yaml",
        )
    assert "expected a percent such as 30%, or {rate, hs, products} for some products, got a" in (
        str(caught.value)
    )


def test_a_rate_for_products_no_line_has_is_refused() -> None:
    with pytest.raises(ScenarioError) as caught:
        load_text(
            HEAD + "scenarios:\n  s: {changes: {2025-05-01: {r: {rate: 5%, hs: ['8704']}}}}\n",
            "t.yaml",
        )
    assert (
        "the rate of 'r' for HS 8704 reaches no product line of its flows, so it would change "
        "nothing"
    ) in str(caught.value)
