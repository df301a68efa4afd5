"""Shares of value that change by date: `shares: {usmca: {2025-01-01: 38%, 2025-07-01: 80%}}`.

A share by date holds each value from its date on, [date, next date), and is 0% before its
first date. The parts of a line it cuts weigh what their fractions are on each day, so a
line's layers (and a flow's, and its segments) change on the share's dates.
tests/fixtures/shares-by-date-2025.yaml holds the lines; every figure is worked by hand.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tariffs.calc.compare import RatesOn, compare, timelines
from tariffs.calc.weights import at, complement, share_weight, times
from tariffs.cli import app
from tariffs.domain import Study
from tariffs.input.load import load, load_text
from tariffs.input.problems import ScenarioError

from .test_shares import HEAD as SHARES_HEAD
from .test_shares import layers

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = "tests/fixtures/shares-by-date-2025.yaml"


@pytest.fixture(scope="module")
def study() -> Study:
    return load(ROOT / FIXTURE)


@pytest.mark.parametrize(
    ("hs", "on", "expected"),
    [
        # USMCA claims 38% until 30 June: the Canada tariff on the other 62%, 0.62 x 25 =
        # 15.5, and MFN on it (the claiming share pays USMCA's Free), 0.62 x 2.5 = 1.55
        ("8708.29", date(2025, 6, 30), {"ieepa-ca": "15.5", "mfn": "1.55", "total": "17.05"}),
        # 80% from 1 July ([2025-07-01, ...): 0.20 x 25 = 5 and 0.20 x 2.5 = 0.5
        ("8708.29", date(2025, 7, 1), {"ieepa-ca": "5", "mfn": "0.5", "total": "5.5"}),
        # a share of exactly 0% on a date: nothing claims, the whole value pays 25 + 2.5
        ("8703.23", date(2025, 6, 30), {"ieepa-ca": "25", "mfn": "2.5", "total": "27.5"}),
        # ... and exactly 100% from 1 July: all of it claims, and pays nothing
        ("8703.23", date(2025, 7, 1), {"ieepa-ca": "0", "mfn": "0", "total": "0"}),
        # a share whose one date is after the period is 0% throughout it: 25 + MFN 4
        ("4011.10", date(2025, 12, 31), {"ieepa-ca": "25", "mfn": "4", "total": "29"}),
        # one date only: 0% before it (25%), 80% from it: 0.20 x 25 = 5
        ("4407.11", date(2025, 6, 30), {"ieepa-ca": "25", "total": "25"}),
        ("4407.11", date(2025, 7, 1), {"ieepa-ca": "5", "total": "5"}),
        # a date before the period: 50% claims all through it, independent of the fixed
        # 40% steel: 232 on the steel 40%, 0.4 x 25 = 10; Canada on the other half of the
        # claims, 0.5 x 25 = 12.5; total 22.5
        ("7308.90", date(2025, 4, 1), {"ieepa-ca": "12.5", "s232-steel-ca": "10"}),
        ("7308.90", date(2025, 12, 31), {"ieepa-ca": "12.5", "s232-steel-ca": "10"}),
    ],
)
def test_a_line_pays_on_its_share_of_the_day(
    study: Study, hs: str, on: date, expected: dict[str, str]
) -> None:
    found = layers(study, "US:CA", hs, on)
    for name, rate in expected.items():
        assert found[name] == Decimal(rate), name


def test_the_flow_weights_the_lines_of_the_day(study: Study) -> None:
    rates = RatesOn(study)
    # five lines of 100m each, on 1 April: parts 17.05, cars 27.5, tyres 29, lumber 25,
    # steel structures 22.5: 121.05 / 5 = 24.21
    assert rates("as-written", "US:CA", date(2025, 4, 1)) == Decimal("24.21")
    # from 1 July: 5.5 + 0 + 29 + 5 + 22.5 = 62, / 5 = 12.4
    assert rates("as-written", "US:CA", date(2025, 7, 1)) == Decimal("12.4")
    # a flow without lines: half claims until 30 June, 0.5 x 25 + 0.5 x 2 = 13.5; 90%
    # from 1 July, 0.1 x 25 + 0.1 x 2 = 2.7
    assert rates("as-written", "US:MX", date(2025, 6, 30)) == Decimal("13.5")
    assert rates("as-written", "US:MX", date(2025, 7, 1)) == Decimal("2.7")


def test_averages_and_duties_weigh_each_day(study: Study) -> None:
    mx = next(f for f in compare(study).scenarios[0].flows if f.flow.key == "US:MX")
    # Mexico 25% from 4 March on the share that does not claim: 0 for 62 days, 0.5 x 25 =
    # 12.5 for 119 days (4 March to 30 June), 0.1 x 25 = 2.5 for 184; MFN 2% on it,
    # 0.5 x 2 = 1 for 181 days, 0.1 x 2 = 0.2 for 184:
    # 12.5 x 119 + 2.5 x 184 + 1 x 181 + 0.2 x 184 = 1,487.5 + 460 + 181 + 36.8 = 2,165.3
    assert mx.average * 365 == Decimal("2165.3")
    # duties on 1bn a year: 1bn x 2,165.3 / (365 x 100) = 59,323,287.67...
    assert mx.duties.quantize(Decimal("0.01")) == Decimal("59323287.67")


def test_the_segments_split_on_the_dates_of_shares_in_the_period(study: Study) -> None:
    ca = next(f for f in study.flows if f.key == "US:CA")
    [entry] = timelines(study, ("as-written",), (ca,)).entries
    starts = [seg.start for seg in entry.segments]
    # the tariffs' dates and the share dates in the period; not 2024-06-01 (before it) nor
    # 2026-03-01 (after it)
    assert starts == [date(2025, 1, 1), date(2025, 3, 4), date(2025, 3, 12), date(2025, 7, 1)]
    causes = {c.cause for c in entry.segments[-1].changes}
    assert causes == {"usmca share 80%; usmca share 100%"}


def test_timeline_of_a_product_shows_the_share_that_moved() -> None:
    out = CliRunner().invoke(
        app, ["timeline", FIXTURE, "--flow", "US:CA", "--hs", "8708.29", "-f", "csv"]
    )
    assert out.exit_code == 0, out.output
    # [2025-03-04, 2025-07-01): 15.5 + 1.55; [2025-07-01, 2026-01-01): 5 + 0.5
    assert ",8708.29,rate,2025-03-04,17.05,percent\n" in out.stdout
    assert ",8708.29,segment_days,2025-03-04,119,days\n" in out.stdout
    assert ",8708.29,rate,2025-07-01,5.5,percent\n" in out.stdout


def test_rate_shows_each_part_on_the_day() -> None:
    args = ["rate", FIXTURE, "--flow", "US:CA", "--hs", "8708.29", "-f", "json"]
    before = CliRunner().invoke(app, [*args, "--on", "2025-06-30"])
    after = CliRunner().invoke(app, [*args, "--on", "2025-07-01"])
    assert before.exit_code == after.exit_code == 0, before.output + after.output
    assert '"total": 17.05,' in before.output
    assert "0% on 38% (usmca: its usmca share is exempt)" in before.output
    assert "25% on 62% (not usmca: schedule, since 2025-03-04)" in before.output
    assert '"total": 5.5,' in after.output
    assert "0% on 80% (usmca: its usmca share is exempt)" in after.output
    assert "25% on 20% (not usmca: schedule, since 2025-03-04)" in after.output


def test_a_part_at_0_percent_on_the_day_is_not_listed() -> None:
    out = CliRunner().invoke(
        app,
        ["rate", FIXTURE, "--flow", "US:CA", "--hs", "8703.23", "--on", "2025-07-01", "-f", "json"],
    )
    assert out.exit_code == 0, out.output
    # all of the value claims from 1 July: one part, so no split to show; 0% in all
    assert '"total": 0,' in out.output
    assert "on 0%" not in out.output


def test_the_fixture_checks() -> None:
    out = CliRunner().invoke(app, ["check", FIXTURE])
    assert out.exit_code == 0, out.output
    assert "5 passed, 0 failed" in out.output


def test_the_weights_of_a_share_by_date() -> None:
    usmca = share_weight(
        "usmca", ((date(2025, 1, 1), Decimal(38)), (date(2025, 7, 1), Decimal(80)))
    )
    assert at(usmca, date(2024, 12, 31)) == 0  # 0% before the first date
    assert at(usmca, date(2025, 6, 30)) == Decimal("0.38")
    assert at(usmca, date(2025, 7, 1)) == Decimal("0.8")
    assert at(complement(usmca), date(2025, 7, 1)) == Decimal("0.2")
    # independent of a fixed 40%: 0.4 x 0.8 = 0.32 from 1 July
    assert at(times(usmca, Decimal("0.4")), date(2025, 7, 1)) == Decimal("0.32")
    # a share at 0% on every date (before its first too) is a fixed fraction, 0
    assert share_weight("s", ((date(2025, 1, 1), Decimal(0)),)) == 0


HEAD = SHARES_HEAD + "flows:\n"
TAIL = """\
measures:
  r: {importer: US, exporter: CA, basis: b, rates: {2025-03-04: 25%}, exempt_share: usmca}
scenarios:
  s: {}
"""


@pytest.mark.parametrize(
    ("shares", "message"),
    [
        (
            "{usmca: {2025-01-01: 38%, 2025-07-01: 101%}}",
            "t.yaml:6:92: flow US:CA: share 'usmca' is 101% from 2025-07-01, more than the "
            "whole value (100%)",
        ),
        ("{usmca: {}}", "t.yaml:6:62: flows.0.shares.usmca: must not be empty"),
        ("{usmca: {2025-02-30: 38%}}", "'2025-02-30' is not a calendar date"),
        ("{usmca: {2025-01-01: 38}}", "write percents with a % sign"),
    ],
)
def test_shares_by_date_are_checked(shares: str, message: str) -> None:
    text = HEAD + f"  - {{importer: US, exporter: CA, value: 1bn, shares: {shares}}}\n" + TAIL
    with pytest.raises(ScenarioError) as caught:
        load_text(text, "t.yaml")
    assert message in str(caught.value)


def test_diff_shows_a_share_by_date(tmp_path: Path) -> None:
    text = (ROOT / FIXTURE).read_text(encoding="utf-8")
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(text, encoding="utf-8")
    changed = text.replace("38%, 2025-07-01: 80%}}", "38%, 2025-06-01: 80%}}", 1)
    assert changed != text
    new.write_text(changed, encoding="utf-8")
    out = CliRunner().invoke(app, ["diff", str(old), str(new), "-f", "json"])
    assert out.exit_code == 1, out.output
    # the line's inputs, as the file writes them; and the results it changes: the parts
    # pay 5.5 instead of 17.05 over June's 30 days. Average: 1.55 x 62 + 17.05 x 119 +
    # 5.5 x 184 = 3,137.05, / 365 = 8.5947 before; 1.55 x 62 + 17.05 x 89 + 5.5 x 214 =
    # 2,790.55, / 365 = 7.6453 after; the change, exact: -11.55 x 30 / 365 = -0.9493
    assert "shares usmca {2025-01-01: 38%, 2025-07-01: 80%}; preferences" in out.output
    assert "shares usmca {2025-01-01: 38%, 2025-06-01: 80%}; preferences" in out.output
    assert '"old": 8.5947,\n      "new": 7.6453,\n      "delta": -0.9493\n' in out.output


def test_the_format_doc_example_is_the_tested_fixture() -> None:
    doc = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")
    section = doc.split("### Shares by date", 1)[1].split("\n## ", 1)[0]
    example = "shares: {usmca: {2025-01-01: 38%, 2025-07-01: 80%}}"
    assert f"```yaml\n        {example}\n```" in section
    assert example in (ROOT / FIXTURE).read_text(encoding="utf-8")
    # the figures the section quotes are the fixture's, which the tests above work out
    assert "0.62 x 25 = 15.5%" in section
    assert "0.20 x 25 = 5%" in section
