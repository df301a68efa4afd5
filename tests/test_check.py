"""Expectations in scenario files and `tariffs check`.

Values in tests/fixtures/check-fails.yaml, by hand: `duty` is 20% from 1 July 2025, so 184
days of the 365-day period: 20 x 184 = 3680 rate-days; average 3680/365 = 10.082191...%;
duties 365m x 3680 / 36500 = 36.8m. The `pause` window zeroes 10 days: saved
365m x 20 x 10 / 36500 = 2m exactly.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from typer.testing import CliRunner, Result

from tariffs.cli import app
from tariffs.domain import Bound
from tariffs.input.literals import parse_bound
from tariffs.input.load import load_text
from tariffs.input.problems import ScenarioError

from .conftest import GOLDEN, ROOT

FIXTURE = "tests/fixtures/check-fails.yaml"


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), prog_name="tariffs", catch_exceptions=False)


# --- the value an expectation accepts ---------------------------------------------------


@pytest.mark.parametrize(
    ("written", "quantum"),
    # as written, but never coarser than 0.01 pp: 30% is 30.00%
    [("30%", "0.01"), ("45.05%", "0.01"), ("0.125%", "0.001")],
)
def test_a_literal_percent_is_exact_at_its_written_precision(written: str, quantum: str) -> None:
    bound = parse_bound(written, "percent")
    assert bound.quantum == Decimal(quantum)
    assert bound.low == bound.high == Decimal(written[:-1])


@pytest.mark.parametrize(
    ("written", "quantum"),
    # as written, but never coarser than a ten-thousandth of the amount (a power of ten):
    # 25.97bn / 10,000 = 2.597m -> 1m; 2m / 10,000 = 200 -> 100; 1.5k -> 0.15 -> 0.1;
    # 1000 -> 0.1; 1.23456m as written, to 10 (finer than its cap, 100)
    [("25.97bn", "1E+6"), ("2m", "100"), ("1.5k", "0.1"), (1000, "0.1"), ("1.23456m", "10")],
)
def test_a_literal_amount_is_exact_at_its_written_precision(
    written: str | int, quantum: str
) -> None:
    assert parse_bound(written, "money").quantum == Decimal(quantum)


def test_exact_match_rounds_half_up_to_the_written_precision() -> None:
    bound = parse_bound("45.05%", "percent")
    assert bound.accepts(Decimal("45.0466"))  # 45.0466 -> 45.05
    assert bound.accepts(Decimal("45.045"))  # half up: 45.045 -> 45.05
    assert not bound.accepts(Decimal("45.0449"))
    assert not parse_bound("45.0466%", "percent").accepts(Decimal("45.0467"))
    # 25.97bn is checked to the nearest million: 25,973.26m rounds to 25,973m, not 25,970m
    assert not parse_bound("25.97bn", "money").accepts(Decimal("25973260273.97"))
    assert parse_bound("25.9733bn", "money").accepts(Decimal("25973260273.97"))


def test_ranges_are_inclusive_and_may_be_open() -> None:
    both = parse_bound({"min": "100%", "max": "110%"}, "percent")
    assert both.accepts(Decimal(100))
    assert both.accepts(Decimal(110))
    assert not both.accepts(Decimal("110.0001"))
    assert parse_bound({"min": "25bn"}, "money") == Bound(
        Decimal(25) * 10**9, None, None, "at least 25bn"
    )
    assert not parse_bound({"max": "1%"}, "percent").accepts(Decimal("1.00001"))


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"min": "5%", "max": "4%"}, "the range is empty: max 4% is below min 5%"),
        ({}, "a range needs 'min', 'max' or both"),
        ({"min": "5%", "most": "9%"}, "a range has only 'min' and 'max', not most"),
        ("30", "'30' is not a percent"),
    ],
)
def test_bad_expected_values(value: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_bound(value, "percent")


# --- loading ------------------------------------------------------------------------------

HEAD = """\
tariffs: 1
title: t
period: {start: 2025-01-01, until: 2026-01-01}
on: 2025-06-01
flows: [{importer: US, exporter: CN, value: 1bn}, {importer: CN, exporter: US, value: 1bn}]
measures:
  a: {importer: US, exporter: CN, basis: b, rates: {2025-01-01: 10%}}
  c: {importer: CN, exporter: US, basis: b, rates: {2025-01-01: 10%}}
scenarios:
  s:
    windows: [{name: w, start: 2025-02-01, days: 5, set: {c: 0%}}]
expect:
"""


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        (
            "{scenario: s, flow: US:CN, rate: 10%, average: 10%}",
            "13:5: an expectation states exactly one metric, such as rate, average, low, peak, "
            "duties, saved or any metric's name (this one: rate, average)",
        ),
        (
            "{scenario: s, flow: US:CN}",
            "13:5: an expectation states exactly one metric, such as rate, average, low, peak, "
            "duties, saved or any metric's name (this one: none)",
        ),
        (
            "{scenario: s, flow: US:CN, on: 2025-03-01, average: 10%}",
            "13:32: 'on' goes with a rate on a date only, not with 'average'",
        ),
        (
            "{scenario: s, flow: US:CN, saved: 1m}",
            "13:32: 'saved' is no metric of a flow; it states trade_value, rate, rate_on, "
            "average, average_rate, low, low_rate, low_from, peak, peak_rate and 24 more",
        ),
        ("{scenario: x, flow: US:CN, rate: 10%}", "13:16: unknown scenario 'x' (known: s)"),
        (
            "{scenario: s, flow: US:JP, rate: 10%}",
            "13:25: no flow US:JP is declared (known: US:CN, CN:US)",
        ),
        (
            "{scenario: s, flow: US:CN, window: v, saved: 1m}",
            "13:40: scenario 's' has no window 'v' (known: w)",
        ),
        (
            "{scenario: s, flow: US:CN, window: w, saved: 1m}",
            "13:40: window 'w' sets no measure of flow US:CN",
        ),
        ("{scenario: s, flow: US:CN, rate: 10}", "13:38: expect.0.rate: write percents"),
        ("{scenario: s, flow: US:CN, duties: lots}", "13:40: expect.0.duties: 'lots' is not an"),
        (
            "{scenario: s, flow: US:CN, rate: 10%, tolerance: 1%}",
            "13:54: write a rate's tolerance in percentage points, such as 0.5pp, got '1%'",
        ),
        (
            "{scenario: s, flow: US:CN, rate: {min: 9%}, tolerance: 1pp}",
            "13:60: a tolerance goes with a value, not with a range {min, max}",
        ),
        (
            "{scenario: s, flow: us:cn, rate: 1%}",
            "13:25: expect.0.flow: 'us:cn' is not allowed here (a flow is IMPORTER:EXPORTER",
        ),
    ],
)
def test_expectation_errors_name_line_and_column(entry: str, problem: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        load_text(HEAD + f"  - {entry}\n", "f.yaml")
    assert str(caught.value).startswith(f"f.yaml:{problem}"), str(caught.value)


# --- the command --------------------------------------------------------------------------


def test_shipped_scenarios_pass_their_expectations() -> None:
    result = run("check", "scenarios/geneva.yaml", "scenarios/scotus-2026.yaml")
    assert (result.exit_code, result.stdout) == (0, "24 passed, 0 failed\n")


def test_failures_are_one_line_each_with_a_summary(update_golden: bool) -> None:
    result = run("check", FIXTURE)
    assert result.exit_code == 1
    golden = GOLDEN / "check-fails.check.txt"
    if update_golden:
        golden.write_text(result.stdout, encoding="utf-8", newline="")
    assert result.stdout == golden.read_text(encoding="utf-8")
    lines = result.stdout.splitlines()
    assert lines[-1] == "5 passed, 3 failed"
    assert lines[0] == (
        f"{FIXTURE}:24:44: expected base, US on CN, average rate: 10.0821%, got 10.0822% "
        "(+0.0001pp off; a value is checked to 0.0001pp: give a 'tolerance' for more)"
    )


def test_junit_xml(tmp_path: Path, update_golden: bool) -> None:
    target = tmp_path / "junit.xml"
    result = run("check", FIXTURE, "scenarios/geneva.yaml", "--junit", str(target))
    assert result.exit_code == 1
    text = target.read_text(encoding="utf-8")
    golden = GOLDEN / "check-fails.junit.xml"
    if update_golden:
        golden.write_text(text, encoding="utf-8", newline="")
    assert text == golden.read_text(encoding="utf-8")
    root = ET.fromstring(text)  # noqa: S314 - our own output
    assert (root.get("tests"), root.get("failures")) == ("21", "3")
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [FIXTURE, "scenarios/geneva.yaml"]
    failed = [c.get("line") for c in suites[0].iter("testcase") if c.find("failure") is not None]
    assert failed == ["24", "27", "28"]


def test_junit_when_all_pass_and_its_path_errors(tmp_path: Path) -> None:
    passing = tmp_path / "pass.xml"
    assert run("check", "scenarios/geneva.yaml", "--junit", str(passing)).exit_code == 0
    assert ET.parse(passing).getroot().get("failures") == "0"  # noqa: S314 - our own output
    target = tmp_path / "out" / "junit.xml"
    result = run("check", "scenarios/geneva.yaml", "--junit", str(target))
    assert result.exit_code == 2
    assert "does not exist" in result.stderr
    result = run("check", "scenarios/geneva.yaml", "--junit", "scenarios/geneva.yaml")
    assert result.exit_code == 2
    assert "refusing to overwrite the input file" in result.stderr


def test_a_file_without_expectations_says_so(tmp_path: Path) -> None:
    bare = tmp_path / "bare.yaml"
    text = (ROOT / FIXTURE).read_text(encoding="utf-8")
    bare.write_text(text[: text.index("expect:")], encoding="utf-8")
    result = run("check", str(bare))
    assert result.exit_code == 0
    assert result.stdout == "0 passed, 0 failed\n"
    assert result.stderr == f"{bare}: states no expectations (add an 'expect' list)\n"


def test_an_invalid_file_is_an_input_error() -> None:
    result = run("check", "tests/fixtures/does-not-exist.yaml")
    assert result.exit_code == 1
    assert result.stderr == "tests/fixtures/does-not-exist.yaml:1:1: no such file\n"
