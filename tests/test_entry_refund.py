"""What an entry is owed back after the IEEPA ruling, with interest, and what was paid.

The entries (tests/fixtures/entries/refunds-2025.csv) are of sweaters from China (HTS
6110.20.20, MFN 16.5%) worth $10,000 each, under tests/fixtures/entries/us-2025.yaml:

- EN1-0000021-5, entered 1 April 2025, deposited 15 April: the fentanyl tariff, 20%, was in
  force (the reciprocal tariff began on 5 April): 2,000.00 owed back.
- EN1-0000022-3, entered 20 May 2025, deposited 3 June: fentanyl 20% (2,000.00) and the
  reciprocal tariff, 10% since 14 May (1,000.00): 3,000.00 owed back.

Interest is the overpayment rate of the shipped table, 7% a year for non-corporate
importers and 6% for corporations in every quarter from 2025 to March 2026, compounded daily
on 365-day years.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tariffs.calc.entry import days_in_year, interest
from tariffs.cli import app
from tariffs.customs import CORPORATE, NON_CORPORATE, InterestQuarter

from .test_entry import FIXTURES, LAW_2025, duties, entries, run, write

D = Decimal
REFUNDS = f"{FIXTURES}/refunds-2025.csv"
ON = "2026-03-15"


def by_hand(principal: Decimal, start: date, until: date, rate: Decimal) -> Decimal:
    """Interest worked day by day: each day of [start, until) adds rate/365 of the balance
    (2025 and 2026 have 365 days), then rounded half up to the cent."""
    balance = principal
    day = start
    while day < until:
        balance += balance * rate / 100 / 365
        day += timedelta(days=1)
    return (balance - principal).quantize(D("0.01"), rounding=ROUND_HALF_UP)


@pytest.fixture(scope="module")
def against() -> Any:
    return run(
        LAW_2025,
        REFUNDS,
        "--refund-against",
        "ieepa-struck",
        "--refund-on",
        ON,
        "--payer",
        "non-corporate",
    )


def test_an_entry_of_1_april_2025_is_owed_its_fentanyl_duty(against: Any) -> None:
    entry = entries(against)["EN1-0000021-5"]
    rows = duties(entry)
    # 1 April 2025: fentanyl 20% x 10,000 = 2,000.00; the reciprocal tariff began on 5 April
    assert rows["us-fentanyl-cn"]["duty_amount"] == D("2000")
    assert "us-reciprocal-cn" not in rows
    assert entry["duty"] == D("3650")  # + MFN 1,650.00
    # Against ieepa-struck (no IEEPA duty): 3,650.00 - 1,650.00 = 2,000.00 owed back,
    # all of it under 9903.01.24
    assert entry["refund"] == D("2000")
    assert entry["lines"][0]["owed_back"] == [
        {"measure": "us-fentanyl-cn", "heading": "9903.01.24", "amount": D("2000")}
    ]


def test_the_interest_on_it_worked_day_by_day(against: Any) -> None:
    entry = entries(against)["EN1-0000021-5"]
    # From the deposit, 15 April 2025, to 15 March 2026: 334 days, [15 Apr, 15 Mar)
    assert entry["interest_days"] == 334
    # 2,000 x ((1 + 0.07/365)^334 - 1) = 132.2885... -> 132.29
    assert by_hand(D(2000), date(2025, 4, 15), date(2026, 3, 15), D(7)) == D("132.29")
    assert entry["interest"] == D("132.29")


def test_an_entry_paying_fentanyl_and_reciprocal_duties(against: Any) -> None:
    entry = entries(against)["EN1-0000022-3"]
    rows = duties(entry)
    # 20 May 2025: fentanyl 20% (2,000.00) and reciprocal 10% (1,000.00), both owed back
    assert rows["us-fentanyl-cn"]["duty_amount"] == D("2000")
    assert rows["us-reciprocal-cn"]["duty_amount"] == D("1000")
    assert entry["refund"] == D("3000")
    # 3 June 2025 to 15 March 2026: 285 days; 3,000 x ((1 + 0.07/365)^285 - 1) = 168.5199...
    # -> 168.52
    assert entry["interest_days"] == 285
    assert by_hand(D(3000), date(2025, 6, 3), date(2026, 3, 15), D(7)) == D("168.52")
    assert entry["interest"] == D("168.52")
    # The file's total: 5,000.00 owed back, 132.29 + 168.52 = 300.81 interest
    totals = against["runs"][0]
    assert (totals["total_refund"], totals["total_interest"]) == (D("5000"), D("300.81"))


def test_by_authority_and_against_a_scenario_agree_here(against: Any) -> None:
    by_authority = run(LAW_2025, REFUNDS, "--refund-authority", "ieepa")
    found = entries(by_authority)
    assert (found["EN1-0000021-5"]["refund"], found["EN1-0000022-3"]["refund"]) == (
        D("2000"),
        D("3000"),
    )
    assert found["EN1-0000021-5"]["interest"] is None  # no --refund-on: no interest


def test_a_corporation_earns_the_corporate_rate() -> None:
    document = run(
        LAW_2025, REFUNDS, "--refund-authority", "ieepa", "--refund-on", ON, "--payer", "corporate"
    )
    found = entries(document)
    # 6%: 2,000 x ((1 + 0.06/365)^334 - 1) = 112.87; 3,000 x ((1 + 0.06/365)^285 - 1) = 143.88
    assert by_hand(D(2000), date(2025, 4, 15), date(2026, 3, 15), D(6)) == D("112.87")
    assert by_hand(D(3000), date(2025, 6, 3), date(2026, 3, 15), D(6)) == D("143.88")
    assert found["EN1-0000021-5"]["interest"] == D("112.87")
    assert found["EN1-0000022-3"]["interest"] == D("143.88")


def test_compounding_counts_a_leap_year_s_days_by_366() -> None:
    # 1,000 at 8% from 1 Dec 2027 to 1 Mar 2028: 31 days of 2027 at 8/365, then 60 days of
    # 2028 (a leap year) at 8/366:
    # 1,000 x ((1 + 0.08/365)^31 x (1 + 0.08/366)^60 - 1) = 20.1066 -> 20.11
    quarters = (
        InterestQuarter(date(2027, 10, 1), date(2028, 1, 1), D(7), D(8), "test"),
        InterestQuarter(date(2028, 1, 1), date(2028, 4, 1), D(7), D(8), "test"),
    )
    assert days_in_year(date(2028, 2, 29)) == 366
    assert days_in_year(date(2027, 2, 28)) == 365
    factor = (1 + D("0.08") / 365) ** 31 * (1 + D("0.08") / 366) ** 60
    expected = (D(1000) * (factor - 1)).quantize(D("0.01"), rounding=ROUND_HALF_UP)
    assert expected == D("20.11")
    got = interest(D(1000), date(2027, 12, 1), date(2028, 3, 1), quarters, NON_CORPORATE)
    assert got == expected
    # a quarter's rate changes mid-way: the corporate 7% in both quarters is one run
    corporate = interest(D(1000), date(2027, 12, 1), date(2028, 3, 1), quarters, CORPORATE)
    factor = (1 + D("0.07") / 365) ** 31 * (1 + D("0.07") / 366) ** 60
    assert corporate == (D(1000) * (factor - 1)).quantize(D("0.01"), rounding=ROUND_HALF_UP)


def test_no_interest_without_a_deposit_date(tmp_path: Path) -> None:
    csv = "entry,line,entry_date,mode,hts,origin,value\nA,1,2025-05-20,vessel,6110.20.20,CN,100\n"
    document = run(
        LAW_2025,
        write(tmp_path, csv),
        "--refund-authority",
        "ieepa",
        "--refund-on",
        ON,
        "--payer",
        "corporate",
    )
    entry = entries(document)["A"]
    assert entry["refund"] == D("30")  # 100 x (20% + 10%)
    assert entry["interest"] is None
    assert "no deposit date: no interest" in entry["notes"]


def test_a_refund_date_past_the_interest_table_is_refused() -> None:
    args = ["--refund-authority", "ieepa", "--refund-on", "2026-05-01", "--payer", "corporate"]
    result = CliRunner().invoke(app, ["entry", LAW_2025, REFUNDS, *args])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"{REFUNDS}:2:8: no overpayment interest rate for 2026-04-01 in the interest table (it "
        "covers 2025-01-01 to 2026-03-31); give a table that does with --interest FILE"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--refund-on", ON], "goes with --refund-authority AUTHORITY or --refund-against"),
        (["--refund-authority", "ieepa", "--refund-on", ON], "--payer corporate or --payer"),
        (["--refund-authority", "tariff"], "is none of section-301, ieepa"),
        (["--refund-against", "no-such"], "has no scenario 'no-such'"),
        (["--refund-authority", "ieepa", "--refund-against", "ieepa-struck"], "not both"),
    ],
)
def test_refund_options_that_do_not_fit_are_usage_errors(args: list[str], message: str) -> None:
    result = CliRunner().invoke(app, ["entry", LAW_2025, REFUNDS, *args])
    assert result.exit_code == 2
    assert message in result.stderr


# --- reconciliation: what was paid against what the law says ---------------------------------


def test_paid_and_computed_side_by_side(against: Any) -> None:
    found = entries(against)
    first, second = found["EN1-0000021-5"], found["EN1-0000022-3"]
    # EN1-0000021-5 paid 3,650.00 on its line: as computed, not flagged
    line = first["lines"][0]
    assert (line["line_paid_duty"], line["line_difference"], line["line_flagged"]) == (
        D("3650"),
        0,
        "no",
    )
    # EN1-0000022-3's Chapter 99 rows: 2,000.00 under 9903.01.24 and 1,000.05 under
    # 9903.01.25; its own row 1,650.00 (the HTS line's MFN). Paid 4,650.05 against 4,650.00:
    # five cents over, flagged
    line = second["lines"][0]
    assert (line["line_paid_duty"], line["line_difference"], line["line_flagged"]) == (
        D("4650.05"),
        D("0.05"),
        "yes",
    )
    rows = duties(second)
    assert rows["us-reciprocal-cn"]["duty_paid"] == D("1000.05")
    assert rows["us-fentanyl-cn"]["duty_paid"] == D("2000")
    assert rows["mfn"]["duty_paid"] == D("1650")
    # fees as paid: MPF 34.64 (10,000 x 0.3464%) and HMF 12.50, as computed
    assert (second["paid_mpf"], second["mpf"]) == (D("34.64"), D("34.64"))
    assert (second["paid_hmf"], second["hmf"]) == (D("12.5"), D("12.5"))
    assert (first["flagged_items"], second["flagged_items"]) == (0, 1)
    assert against["runs"][0]["flagged"] == 1


def test_a_heading_paid_that_the_law_does_not_owe_is_noted(tmp_path: Path) -> None:
    csv = (
        "entry,line,entry_date,mode,hts,origin,value,paid_duty\n"
        "A,1,2025-04-01,vessel,6110.20.2010,CN,10000,1650\n"
        "A,1,,,9903.01.24,,,2000\n"
        "A,1,,,9903.01.25,,,1000\n"
    )
    entry = entries(run(LAW_2025, write(tmp_path, csv)))["A"]
    line = entry["lines"][0]
    # The reciprocal tariff began on 5 April: nothing was owed under 9903.01.25 on 1 April
    assert "paid 1000 under 9903.01.25, which this scenario does not owe" in line["line_notes"]
    assert line["line_difference"] == D("1000")  # 4,650 paid, 3,650 computed
