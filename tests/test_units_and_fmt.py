"""Literal parsing (percent, money, dates) and presentation rounding (ROUND_HALF_UP)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from tariffs.input.duties import UNIT_SPELLINGS, UNITS, parse_duty, parse_quantity
from tariffs.input.literals import parse_date, parse_flow, parse_money, parse_percent
from tariffs.render import fmt

from .conftest import ROOT

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


# --- near misses: what to change, and every form that is accepted ----------------------------


@pytest.mark.parametrize(
    ("parse", "text", "message"),
    [
        (parse_money, "87.4 bn", "'87.4 bn' is not an amount: remove the space, 87.4bn"),
        (parse_money, "87.4BN", "'87.4BN' is not an amount: write it in lower case, 87.4bn"),
        (
            parse_money,
            "$87.4bn",
            "'$87.4bn' is not an amount: write it without the currency sign, 87.4bn",
        ),
        (
            parse_money,
            "87,4bn",
            "'87,4bn' is not an amount: a comma could be a decimal point or a thousands "
            "separator: write a point for decimals and nothing between thousands, such as "
            "7.5% or 1000000",
        ),
        (parse_percent, "30 %", "'30 %' is not a percent: remove the space, 30%"),
        (
            parse_money,
            "-5bn",
            "'-5bn' is not an amount: write a non-negative number, optionally with a suffix k, "
            "m, bn or tn, such as 438.9bn",
        ),
    ],
)
def test_a_near_miss_says_what_to_change(parse: Any, text: str, message: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        parse(text)


# Every spelling of every unit that UNITS accepts, as messages and docs/format.md list them.
SPELLINGS = (
    "kg, g, t, l (or liter, litre), each (or no.), doz (or doz., dozen), pair (or prs.), m2, m3"
)


def test_the_unit_list_names_every_accepted_spelling() -> None:
    assert UNIT_SPELLINGS == SPELLINGS
    listed = set(re.findall(r"[a-z0-9.]+", SPELLINGS)) - {"or"}
    assert listed == set(UNITS)  # no spelling accepted but left out of the list
    with pytest.raises(ValueError, match=re.escape(f"(units: {SPELLINGS})")):
        parse_duty("$1/kilo")
    with pytest.raises(ValueError, match=re.escape(f"(units: {SPELLINGS})")):
        parse_quantity("1000 kilo")
    doc = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")
    assert all(f"`{spelling}`" in doc for spelling in UNITS)


@pytest.mark.parametrize(
    ("text", "amount", "unit"),
    [
        ("6.3c/litre", D("0.063"), "l"),  # 6.3 cents = $0.063, a plain c as the sign
        ("6.3¢/liter", D("0.063"), "l"),
        ("0.9c/each", D("0.009"), "each"),
        ("$1.055/kg", D("1.055"), "kg"),
    ],
)
def test_cents_may_be_written_with_a_plain_c(text: str, amount: Decimal, unit: str) -> None:
    duty = parse_duty(text)
    assert (duty.amount, duty.unit) == (amount, unit)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("$1.055 / kg", "'$1.055 / kg' is not a rate: remove the spaces, $1.055/kg"),
        ("6.3 c/litre", "'6.3 c/litre' is not a rate: remove the spaces, 6.3c/litre"),
        ("$1/KG", "'$1/KG' is not a rate: write the unit in lower case, $1/kg"),
        ("1.055$/kg", "'1.055$/kg' is not a rate: write the dollar sign first, $1.055/kg"),
    ],
)
def test_a_specific_rate_near_miss_says_what_to_change(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        parse_duty(text)


@pytest.mark.parametrize(
    ("text", "amount", "unit"),
    [
        ("1000 kg", D(1000), "kg"),
        ("1000kg", D(1000), "kg"),  # was read as 1000k g: 1,000,000 grams
        ("5k g", D(5000), "g"),  # 5 x 1,000 grams, the scale and a space
        ("2.5m l", D(2_500_000), "l"),  # 2.5 x 1,000,000 litres
        ("12k doz", D(12_000), "doz"),
    ],
)
def test_a_scaled_quantity_has_a_space_before_its_unit(
    text: str, amount: Decimal, unit: str
) -> None:
    found = parse_quantity(text)
    assert (found.amount, found.unit) == (amount, unit)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "2.5ml",  # was read as 2.5 million litres, where millilitres may be meant
            "'2.5ml' is not a quantity: for 2.5 million l, write 2.5m l: the scale beside the "
            "number, a space before the unit",
        ),
        (
            "2.5 m l",
            "'2.5 m l' is not a quantity: for 2.5 million l, write 2.5m l: the scale beside "
            "the number, a space before the unit",
        ),
        ("1000 KG", "'1000 KG' is not a quantity: write the unit in lower case, 1000 kg"),
        ("1000  kg", "'1000  kg' is not a quantity: write one space, 1000 kg"),
    ],
)
def test_a_quantity_near_miss_says_what_to_change(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        parse_quantity(text)
