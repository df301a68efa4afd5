"""Literal parsing (percent, money, dates) and presentation rounding (ROUND_HALF_UP)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from tariffs.input.literals import parse_date, parse_flow, parse_money, parse_percent
from tariffs.render import fmt

D = Decimal


@pytest.mark.parametrize(
    ("text", "value"),
    [("30%", D(30)), ("7.5%", D("7.5")), ("0%", D(0)), (" 125% ", D(125)), ("0.125%", D("0.125"))],
)
def test_percents(text: str, value: Decimal) -> None:
    assert parse_percent(text) == value


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (30, "30 is ambiguous (did you mean 30%, or 3000%?)"),
        (D("0.3"), "0.3 is ambiguous (did you mean 0.3%, or 30%?)"),
        ("-5%", "is not a percent"),
        ("1e400%", "is not a percent"),
        ("nan%", "is not a percent"),
        ("30", "is not a percent"),
        ("30 %", "is not a percent"),
        (True, "expected a percent such as 30%, got true"),
        ([30], "expected a percent such as 30%, got a list"),
    ],
)
def test_bad_percents(value: object, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_percent(value)


@pytest.mark.parametrize(
    ("value", "amount"),
    [
        ("438.9bn", D("438900000000")),
        ("12.5m", D("12500000")),
        ("3k", D(3000)),
        ("1.5tn", D("1500000000000")),
        (438_900_000_000, D("438900000000")),
        (D("438.9e9"), D("438900000000")),
        ("0", D(0)),
    ],
)
def test_money(value: object, amount: Decimal) -> None:
    assert parse_money(value) == amount


@pytest.mark.parametrize(
    "value", ["-1bn", "1_000", "438.9 billion", "1e9", "1000000tn", D(-1), D("1e18"), True, None]
)
def test_bad_money(value: object) -> None:
    with pytest.raises(ValueError, match="amount"):
        parse_money(value)


def test_dates_and_flows() -> None:
    assert parse_date("2025-05-14") == date(2025, 5, 14)
    with pytest.raises(ValueError, match="is not a calendar date"):
        parse_date("2025-02-30")
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        parse_date("14/05/2025")
    assert parse_flow("us:cn") == ("US", "CN")
    with pytest.raises(ValueError, match="IMPORTER:EXPORTER"):
        parse_flow("US")


# Presentation: ROUND_HALF_UP, applied once; values exactly at a half round away from zero.


@pytest.mark.parametrize(
    ("value", "places", "shown"),
    [
        (D("0.125"), 2, "0.13"),  # HALF_EVEN would give 0.12
        (D("0.135"), 2, "0.14"),
        (D("-0.125"), 2, "-0.13"),
        (D("108.80547945205479452054794521"), 4, "108.8055"),
        (D("145.0000"), 4, "145"),  # trailing zeros dropped in JSON/CSV numbers
        (D("-0.00004"), 4, "0"),  # no negative zero
        (D("438900000000.0"), 2, "438900000000"),
    ],
)
def test_number_rounding(value: Decimal, places: int, shown: str) -> None:
    assert fmt.number(value, places) == shown


def test_table_formats() -> None:
    assert fmt.pct(D("108.85")) == "108.9%"  # half up
    assert fmt.pct(D("0.04")) == "0.0%"
    assert fmt.pp(D("24")) == "+24.0 pp"
    assert fmt.pp(D("-0.04")) == "0.0 pp"  # rounds to zero: no sign, no "-0.0"
    assert fmt.pp(D("-115")) == "-115.0 pp"
    divisor, suffix = fmt.scale_for(D("438.9e9"))
    assert (divisor, suffix) == (D(10) ** 9, "bn")
    assert fmt.money(D("477547249315.07"), divisor) == "477.5"
    assert fmt.signed_money(D("25973260273.97"), divisor) == "+26.0"
    assert fmt.scale_for(D(999)) == (D(1), "")
