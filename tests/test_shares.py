"""Shares of a line's value: a layer on one share only (`on_share`), a share exempt from a
layer (`exempt_share`), and a rate in place of MFN on a share (`preferences`).

tests/fixtures/shares-2025.yaml holds the lines; every figure is worked by hand in its comment.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tariffs.calc.compare import RatesOn
from tariffs.calc.stack import product_stack
from tariffs.cli import app
from tariffs.domain import Study
from tariffs.input.load import load, load_text
from tariffs.input.problems import ScenarioError

ROOT = Path(__file__).resolve().parent.parent
SHARES = "tests/fixtures/shares-2025.yaml"


@pytest.fixture(scope="module")
def shares() -> Study:
    return load(ROOT / SHARES)


def layers(study: Study, flow: str, hs: str, on: date) -> dict[str, Decimal]:
    found = next(f for f in study.flows if f.key == flow)
    result = product_stack(study, found, hs, on, "as-written")
    return {"total": result.total, **{x.measure: x.rate for x in result.layers}}


@pytest.mark.parametrize(
    ("flow", "hs", "on", "expected"),
    [
        # half claims USMCA: the Canada tariff on the other half, 0.5 x 25 = 12.5; MFN 2.5%
        # on the other half only, the claiming half paying USMCA's Free: 0.5 x 2.5 = 1.25
        ("US:CA", "8708.29", date(2025, 4, 1), {"ieepa-ca": "12.5", "mfn": "1.25"}),
        # 40% steel, 50% claiming, independent: parts of 20/20/30/30% (steel & usmca, steel
        # only, usmca only, neither). Before 4 June 232 yields where the Canada tariff is owed:
        # steel & usmca: Canada exempt, so 232 25%; steel only: Canada 25%, 232 yields;
        # usmca only: nothing; neither: Canada 25%.
        # Canada: 0.2 x 25 + 0.3 x 25 = 12.5; 232: 0.2 x 25 = 5; total 17.5
        ("US:CA", "7308.90", date(2025, 4, 1), {"ieepa-ca": "12.5", "s232-steel-ca": "5"}),
        # from 4 June the Canada tariff yields to 232 (now 50%) on the steel content:
        # 232: (0.2 + 0.2) x 50 = 20; Canada: the neither part only, 0.3 x 25 = 7.5; total 27.5
        ("US:CA", "7308.90", date(2025, 7, 1), {"ieepa-ca": "7.5", "s232-steel-ca": "20"}),
        # a line that states no steel share pays 232 on its whole value, as CBP requires
        # when the content is not declared: before 4 June 232 yields to Canada's 25%...
        ("US:CA", "7208.51", date(2025, 4, 1), {"ieepa-ca": "25", "s232-steel-ca": "0"}),
        # ... and after, Canada yields to 232's 50%
        ("US:CA", "7208.51", date(2025, 7, 1), {"ieepa-ca": "0", "s232-steel-ca": "50"}),
        # 70% non-US content pays the EU top-up 15 - 2.5 = 12.5: 0.7 x 12.5 = 8.75; MFN 2.5
        ("US:EU", "8479.89", date(2025, 9, 1), {"reciprocal-eu": "8.75", "mfn": "2.5"}),
        # before 7 August the 10% baseline, on the non-US 70%: 7
        ("US:EU", "8479.89", date(2025, 6, 1), {"reciprocal-eu": "7", "mfn": "2.5"}),
    ],
)
def test_layers_on_shares_of_value(
    shares: Study, flow: str, hs: str, on: date, expected: dict[str, str]
) -> None:
    found = layers(shares, flow, hs, on)
    for name, rate in expected.items():
        assert found[name] == Decimal(rate), name
    assert found["total"] == sum(found[name] for name in found if name != "total")


def test_the_flow_rate_weights_the_parts(shares: Study) -> None:
    rates = RatesOn(shares)
    # 1 April: (100m x 13.75 + 10m x 17.5 + 10m x 25) / 120m = 1,800 / 120 = 15
    # (each layer is weighted on its own, so their sum is exact to 26 places)
    april = rates("as-written", "US:CA", date(2025, 4, 1))
    assert april.quantize(Decimal("1E-20")) == Decimal(15)
    # 1 July: (100m x 13.75 + 10m x 27.5 + 10m x 50) / 120m = 2,150 / 120 = 17.91666...
    july = rates("as-written", "US:CA", date(2025, 7, 1))
    assert july.quantize(Decimal("0.0001")) == Decimal("17.9167")


def test_rate_shows_each_share(shares: Study) -> None:
    out = CliRunner().invoke(
        app,
        [
            "rate",
            SHARES,
            "--flow",
            "US:CA",
            "--hs",
            "8708.29",
            "--on",
            "2025-04-01",
            "-f",
            "json",
        ],
    )
    assert out.exit_code == 0, out.output
    assert '"total": 13.75,' in out.output
    assert "0% on 50% (usmca: its usmca share is exempt)" in out.output
    assert "25% on 50% (not usmca: schedule, since 2025-03-04)" in out.output
    assert "0% on 50% (usmca: usmca preference)" in out.output


def test_the_fixture_checks() -> None:
    out = CliRunner().invoke(app, ["check", SHARES])
    assert out.exit_code == 0, out.output
    assert "3 passed, 0 failed" in out.output


HEAD = """\
tariffs: 1
title: t
period: {start: 2025-01-01, until: 2026-01-01}
on: 2025-04-01
"""


def test_a_flow_without_lines_takes_its_shares() -> None:
    study = load_text(
        HEAD
        + """\
flows:
  - {importer: US, exporter: CA, value: 412.7bn, mfn: 2%, shares: {usmca: 38%},
     preferences: {usmca: 0%}}
measures:
  ieepa-ca: {importer: US, exporter: CA, basis: b, rates: {2025-03-04: 25%},
             exempt_share: usmca}
scenarios:
  s: {}
""",
        "t.yaml",
    )
    # 62% does not claim: 0.62 x 25 = 15.5, plus MFN on it, 0.62 x 2 = 1.24: 16.74
    assert RatesOn(study)("s", "US:CA", date(2025, 4, 1)) == Decimal("16.74")


@pytest.mark.parametrize(
    ("flow", "measure", "message"),
    [
        (
            "shares: {usmca: 101%}",
            "exempt_share: usmca",
            "t.yaml:6:62: flow US:CA: share 'usmca' is 101%, more than the whole value (100%)",
        ),
        (
            "mfn: 2%, preferences: {usmca: 0%}",
            "",
            "flow US:CA: the preference 'usmca' names no share of the value",
        ),
        (
            "shares: {usmca: 50%}, preferences: {usmca: 0%}",
            "",
            "flow US:CA: a preference is a rate in place of MFN on a share, but no MFN is stated",
        ),
        (
            "shares: {usmca: 50%}",
            "exempt_share: usnca",
            "measure 'r': exempt_share 'usnca' is a share that no line of its flows states",
        ),
        (
            "mfn: 2%",
            "on_share: steel",
            "measure 'r': on_share 'steel' is a share that no line of its flows states",
        ),
    ],
)
def test_shares_are_checked(flow: str, measure: str, message: str) -> None:
    extra = f", {measure}" if measure else ""
    text = (
        HEAD
        + f"""\
flows:
  - {{importer: US, exporter: CA, value: 1bn, {flow}}}
measures:
  r: {{importer: US, exporter: CA, basis: b, rates: {{2025-03-04: 25%}}{extra}}}
scenarios:
  s: {{}}
"""
    )
    with pytest.raises(ScenarioError) as caught:
        load_text(text, "t.yaml")
    assert message in str(caught.value)


def test_the_format_doc_example_is_the_tested_fixture() -> None:
    doc = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")
    section = doc.split("### Shares of value", 1)[1].split("\n## ", 1)[0].split("\n### ", 1)[0]
    blocks = section.split("```yaml\n")[1:]
    assert blocks
    fixture = (ROOT / SHARES).read_text(encoding="utf-8")
    for block in blocks:
        for line in block.split("```", 1)[0].splitlines():
            assert line.strip() in fixture, line


def test_a_line_states_at_most_eight_shares() -> None:
    # a line is cut into a part for each combination of its shares: 9 would be 512 parts
    shares = ", ".join(f"s{i}: 10%" for i in range(9))
    text = (
        HEAD
        + f"""\
flows:
  - {{importer: US, exporter: CA, value: 1bn, shares: {{{shares}}}}}
measures:
  r: {{importer: US, exporter: CA, basis: b, rates: {{2025-03-04: 25%}}, exempt_share: s0}}
scenarios:
  s: {{}}
"""
    )
    with pytest.raises(ScenarioError) as caught:
        load_text(text, "t.yaml")
    assert "flow US:CA: 9 shares of value; a line may state at most 8" in str(caught.value)


def _study(flows: str, measures: str, scenarios: str = "  s: {}\n") -> Study:
    return load_text(
        HEAD + f"flows:\n{flows}measures:\n{measures}scenarios:\n{scenarios}", "t.yaml"
    )


def test_a_change_of_mfn_does_not_reach_a_preference() -> None:
    study = _study(
        '  - {importer: US, exporter: MX, lines: [{hs: "8703", description: cars, value: 1bn,'
        " mfn: 2.5%, shares: {usmca: 80%}, preferences: {usmca: 0%}}]}\n",
        "  r: {importer: US, exporter: MX, basis: b, rates: {2025-03-04: 10%}}\n",
        "  s: {}\n  up: {changes: {2025-01-01: {mfn: 5%}}}\n",
    )
    rates = RatesOn(study)
    # the claiming 80% pays USMCA's Free whatever MFN is: 0.2 x 2.5 + 10 = 10.5, and with
    # MFN raised to 5%, 0.2 x 5 + 10 = 11 (not 5 + 10 = 15)
    assert rates("s", "US:MX", date(2025, 4, 1)) == Decimal("10.5")
    assert rates("up", "US:MX", date(2025, 4, 1)) == Decimal(11)


def test_rate_of_a_code_takes_the_shares_of_its_line_or_flow() -> None:
    study = _study(
        "  - {importer: US, exporter: CA, value: 10bn, shares: {usmca: 60%}}\n"
        '  - {importer: US, exporter: MX, lines: [{hs: "8703", description: cars, value: 1bn,'
        " shares: {usmca: 50%}}]}\n",
        "  r: {importer: US, exporters: [CA, MX], basis: b, rates: {2025-03-04: 25%},"
        " exempt_share: usmca}\n",
    )
    by = {f.key: f for f in study.flows}
    # a flow without lines: its own shares, 0.4 x 25 = 10, as its flow rate
    assert product_stack(study, by["US:CA"], "8703", date(2025, 4, 1), "s").total == 10
    assert RatesOn(study)("s", "US:CA", date(2025, 4, 1)) == 10
    # a longer code than the line's takes the line's shares: 0.5 x 25 = 12.5
    assert product_stack(study, by["US:MX"], "8703.10", date(2025, 4, 1), "s").total == Decimal(
        "12.5"
    )


def test_one_share_cannot_be_both_the_base_and_the_exemption() -> None:
    with pytest.raises(ScenarioError) as caught:
        _study(
            "  - {importer: US, exporter: CA, value: 1bn, shares: {usmca: 60%}}\n",
            "  r: {importer: US, exporter: CA, basis: b, on_share: usmca, exempt_share: usmca}\n",
        )
    assert "falls on share 'usmca' only and spares it too" in str(caught.value)


def test_the_parts_of_lines_count_against_the_line_limit() -> None:
    # 8 shares that measures treat apart cut each line into 2^8 = 256 parts: 1,000 lines
    # are 256,000 parts, over the 250,000 a file may hold
    names = [f"s{i}" for i in range(8)]
    shares = ", ".join(f"{n}: 10%" for n in names)
    lines = "".join(
        f'      - {{hs: "{1000 + i}", description: l{i}, value: 1m, shares: {{{shares}}}}}\n'
        for i in range(1000)
    )
    measures = "".join(
        f"  m{i}: {{importer: US, exporter: CA, basis: b, exempt_share: {n}}}\n"
        for i, n in enumerate(names)
    )
    with pytest.raises(ScenarioError) as caught:
        _study(f"  - importer: US\n    exporter: CA\n    lines:\n{lines}", measures)
    assert "cut their lines into 256,000 parts; a file may hold at most 250,000" in str(
        caught.value
    )


def test_diff_shows_a_changed_share_and_base(tmp_path: Path) -> None:
    text = (ROOT / SHARES).read_text(encoding="utf-8")
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(text, encoding="utf-8")
    changed = text.replace("shares: {usmca: 50%}\n", "shares: {usmca: 60%}\n", 1).replace(
        "    on_share: non-us ", "    exempt_share: non-us "
    )
    assert changed != text
    new.write_text(changed, encoding="utf-8")
    out = CliRunner().invoke(app, ["diff", str(old), str(new)])
    assert out.exit_code == 1, out.output
    assert "usmca 50%" in out.output
    assert "usmca 60%" in out.output
    assert "on share" in out.output
    assert "exempt share" in out.output
