"""`tariffs entry`: an entry's duties and fees to the cent, worked by hand.

Every figure below is computed in its comment from the law of the fixture files
(tests/fixtures/entries/us-2025.yaml, us-2026.yaml, cited in docs/sources.md#customs-entries)
or of scenarios/products-2025.yaml, and the fees of the shipped table (FY2025: MPF 0.3464%,
$32.71 to $634.62; FY2026: $33.58 to $651.50; HMF 0.125%). Rounding is 19 CFR 159.3's: the
value in whole dollars, each duty line in cents, half up.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tariffs.cli import app, progress

FIXTURES = "tests/fixtures/entries"
LAW_2025 = f"{FIXTURES}/us-2025.yaml"
LAW_2026 = f"{FIXTURES}/us-2026.yaml"
D = Decimal


def run(*args: str) -> Any:
    """The JSON document of `tariffs entry ARGS -f json`."""
    result = CliRunner().invoke(app, ["entry", *args, "-f", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout, parse_float=Decimal)


def entries(document: Any, run_index: int = 0) -> dict[str, Any]:
    return {e["entry"]: e for e in document["runs"][run_index]["entries"]}


def duties(entry: dict[str, Any], line: int = 1) -> dict[str, Any]:
    """A line's duty lines by measure."""
    found = next(x for x in entry["lines"] if x["line"] == line)
    return {d["measure"]: d for d in found["duties"]}


def write(tmp_path: Path, text: str, name: str = "entries.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


HEADER = "entry,line,entry_date,mode,hts,origin,value"


# --- figure 1: one line of 7326.90.8688 from China, after IEEPA collection ended -------------


@pytest.fixture(scope="module")
def figures() -> Any:
    return run(LAW_2025, LAW_2026, f"{FIXTURES}/figures-2026.csv")


def test_one_line_of_steel_articles_from_china_after_ieepa(figures: Any) -> None:
    entry = entries(figures)["EN1-0000001-6"]
    rows = duties(entry)
    # The value 12,344.50 is 12,345 whole dollars: 50 cents or more count as a dollar.
    assert entry["entered_value"] == D("12345.00")
    # Section 301 list 3: 12,345 x 25% = 3,086.25 (9903.88.03)
    assert rows["us-301-list3"]["heading"] == "9903.88.03"
    assert rows["us-301-list3"]["duty_amount"] == D("3086.25")
    # Section 232 steel derivative on the full value: 12,345 x 50% = 6,172.50 (9903.81.90)
    assert rows["us-232-steel"]["duty_base"] == D("12345")
    assert rows["us-232-steel"]["duty_amount"] == D("6172.5")
    # MFN 2.9%: 12,345 x 0.029 = 358.005, a half cent: half up, 358.01 (half even: 358.00)
    assert rows["mfn"]["duty_amount"] == D("358.01")
    assert rows["mfn"]["rate_text"] == "2.9%"
    # Section 122 is shown at 0%: it yields to Section 232; IEEPA is no longer collected
    assert rows["us-s122"]["status"] == "yields"
    assert rows["us-s122"]["duty_amount"] == 0
    assert "us-fentanyl-cn" not in rows
    assert "us-reciprocal-cn" not in rows
    # Duty 3,086.25 + 6,172.50 + 0 + 358.01 = 9,616.76; rate 9,616.76 / 12,345 = 77.90%
    assert entry["duty"] == D("9616.76")
    assert entry["effective_rate"] == D("77.9")
    # MPF (FY2026): 12,345 x 0.3464% = 42.76308 -> 42.76, inside 33.58..651.50
    # HMF (by vessel): 12,345 x 0.125% = 15.43125 -> 15.43
    assert (entry["mpf"], entry["hmf"]) == (D("42.76"), D("15.43"))
    # Total 9,616.76 + 42.76 + 15.43 = 9,674.95
    assert entry["total"] == D("9674.95")
    assert entry["entry_type"] == "01"  # formal: over $250 and owing a Chapter 99 duty


def test_the_order_of_the_duty_lines_is_cbp_s(figures: Any) -> None:
    # Section 301, then IEEPA, Section 232, the rest (Section 122), then the HTS line
    order = [d["authority"] for d in entries(figures)["EN1-0000001-6"]["lines"][0]["duties"]]
    assert order == ["section-301", "section-232", "section-122", "mfn"]


# --- figure 2: an entry of three lines by sea; one at the MPF's maximum ---------------------


def test_three_lines_by_sea_pay_the_mpf_and_the_hmf_once(figures: Any) -> None:
    entry = entries(figures)["EN1-0000002-4"]
    lines = {x["line"]: x for x in entry["lines"]}
    # Line 1, 10,000: 301 2,500.00 + 232 5,000.00 + MFN 290.00 = 7,790.00
    assert lines[1]["line_duty"] == D("7790")
    # Line 2, 20,000: 5,000.00 + 10,000.00 + 580.00 = 15,580.00
    assert lines[2]["line_duty"] == D("15580")
    # Line 3, cotton sweaters 30,000: Section 122 10% (no Section 232 to yield to) 3,000.00
    # + MFN 16.5% 4,950.00 = 7,950.00
    assert duties(entry, 3)["us-s122"]["duty_amount"] == D("3000")
    assert lines[3]["line_duty"] == D("7950")
    assert entry["duty"] == D("31320")  # 7,790 + 15,580 + 7,950
    # MPF once on the entry's 60,000: 60,000 x 0.3464% = 207.84 (between 33.58 and 651.50),
    # not three per-line fees; HMF once: 60,000 x 0.125% = 75.00
    assert (entry["mpf"], entry["hmf"]) == (D("207.84"), D("75"))
    assert entry["total"] == D("31602.84")  # 31,320 + 207.84 + 75


def test_an_entry_at_the_mpf_maximum_and_one_at_its_minimum(figures: Any) -> None:
    found = entries(figures)
    big = found["EN1-0000003-2"]
    # 250,000 x 0.3464% = 866.00, over the FY2026 maximum: 651.50; HMF 312.50
    assert (big["mpf"], big["hmf"]) == (D("651.5"), D("312.5"))
    # duty 62,500.00 (301) + 125,000.00 (232) + 7,250.00 (MFN 2.9%) = 194,750.00
    assert big["duty"] == D("194750")
    small = found["EN1-0000004-0"]
    # 5,000 x 0.3464% = 17.32, under the minimum: 33.58; HMF 6.25
    assert (small["mpf"], small["hmf"]) == (D("33.58"), D("6.25"))


def test_the_file_s_totals_are_the_sums_of_its_entries(figures: Any) -> None:
    totals = figures["runs"][0]
    # duty 9,616.76 + 31,320.00 + 194,750.00 + (5,000 x (10% + 16.5%) = 1,325.00)
    assert totals["total_duty"] == D("237011.76")
    # MPF 42.76 + 207.84 + 651.50 + 33.58; HMF 15.43 + 75.00 + 312.50 + 6.25
    assert totals["total_mpf"] == D("935.68")
    assert totals["total_hmf"] == D("409.18")
    assert totals["total_paid"] == D("238356.62")  # 237,011.76 + 935.68 + 409.18
    assert (totals["entry_count"], totals["line_count"]) == (4, 6)


def test_the_fiscal_year_sets_the_mpf_limits(tmp_path: Path) -> None:
    # The same $5,000 entry of sweaters on 30 Sep 2025 (FY2025) and 1 Oct 2025 (FY2026):
    # 17.32 is under both minimums, 32.71 and 33.58
    csv = (
        f"{HEADER}\nA,1,2025-09-30,vessel,6110.20.2010,CN,5000\n"
        "B,1,2025-10-01,vessel,6110.20.2010,CN,5000\n"
    )
    found = entries(run(LAW_2025, write(tmp_path, csv)))
    assert (found["A"]["mpf"], found["B"]["mpf"]) == (D("32.71"), D("33.58"))


# --- rounding at the legal boundaries ---------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "mfn", "dollars", "duty"),
    [
        # 12,344.49 -> 12,344 whole dollars (49 cents dropped); x 2.9% = 357.976 -> 357.98
        ("12344.49", "2.9%", "12344", "357.98"),
        # 12,344.50 -> 12,345; x 2.9% = 358.005: the half cent goes up, 358.01
        ("12344.50", "2.9%", "12345", "358.01"),
        # 105 x 2.5% = 2.625 -> 2.63 (half even would give 2.62)
        ("105", "2.5%", "105", "2.63"),
        # 101 x 2.5% = 2.525 -> 2.53 (half even: 2.52)
        ("101", "2.5%", "101", "2.53"),
        # 11 x 4.5% = 0.495 -> 0.50
        ("11", "4.5%", "11", "0.50"),
        # 15 x 3.5% = 0.525 -> 0.53 (half even: 0.52)
        ("15", "3.5%", "15", "0.53"),
    ],
)
def test_half_cents_round_up_on_whole_dollar_values(
    tmp_path: Path, value: str, mfn: str, dollars: str, duty: str
) -> None:
    csv = f"{HEADER},mfn\nR,1,2026-03-05,air,6110.20.2010,CN,{value},{mfn}\n"
    entry = entries(run(LAW_2026, write(tmp_path, csv)))["R"]
    assert entry["entered_value"] == D(dollars)
    assert duties(entry)["mfn"]["duty_amount"] == D(duty)


def test_a_specific_rate_prices_whole_units_at_a_dollar_or_less(tmp_path: Path) -> None:
    # 6.3¢/liter on 1,000.5 liters: a rate of $1 or less a unit counts a half unit as one,
    # 1,001 l x 0.063 = 63.063 -> 63.06; its ad valorem equivalent on $2,000 is
    # 63.063 / 2,000 = 3.15315%
    csv = f"{HEADER},quantity,unit,mfn\nW,1,2026-03-05,air,6110.20.2010,CN,2000,1000.5,l,6.3¢/l\n"
    entry = entries(run(LAW_2026, write(tmp_path, csv)))["W"]
    mfn = duties(entry)["mfn"]
    assert mfn["duty_specific"] == D("63.06")  # 63.063 in JSON's two places
    assert mfn["duty_amount"] == D("63.06")
    assert mfn["duty_rate"] == D("3.1532")  # 3.15315% shown to four places
    assert mfn["rate_text"] == "6.3¢/l"


def test_a_specific_rate_above_a_dollar_prices_hundredths(tmp_path: Path) -> None:
    # $1.055/kg on 10.125 kg: above $1 a unit, the quantity to the hundredth, half up,
    # 10.13 kg x 1.055 = 10.68715 -> 10.69; a compound 0.9¢/each + 15.8% on 200 each worth $50:
    # 200 x 0.009 = 1.80, + 50 x 15.8% = 7.90: 9.70
    csv = (
        f"{HEADER},quantity,unit,mfn\n"
        "K,1,2026-03-05,air,6110.20.2010,CN,100,10.125,kg,$1.055/kg\n"
        "K,2,2026-03-05,air,6110.20.2010,CN,50,200,each,0.9¢/each + 15.8%\n"
    )
    entry = entries(run(LAW_2026, write(tmp_path, csv)))["K"]
    assert duties(entry, 1)["mfn"]["duty_amount"] == D("10.69")
    assert duties(entry, 2)["mfn"]["duty_amount"] == D("9.7")


# --- figure 3: a $600 parcel from China, either side of the end of de minimis ---------------


@pytest.fixture(scope="module")
def parcels() -> Any:
    return run("scenarios/products-2025.yaml", f"{FIXTURES}/parcels-2025.csv", "-s", "geneva")


def test_a_600_dollar_parcel_from_china_before_and_after_de_minimis(parcels: Any) -> None:
    found = entries(parcels)
    before, after = found["EX1-0000011-9"], found["EX1-0000012-7"]
    # 1 May 2025: $600, $800 or less, entered as a Section 321 release the day before de
    # minimis ended for China and Hong Kong (2 May, EO 14256): free of duty
    assert (before["entry_type"], before["duty"]) == ("86", 0)
    assert before["mpf"] is None  # the fees of a release are not modelled
    # 3 May 2025: no longer de minimis. The smartphone owes the fentanyl tariff, 20% x 600 =
    # 120.00; the electronics memorandum excludes it from the reciprocal tariff; MFN Free.
    rows = duties(after)
    assert rows["us-fentanyl"]["duty_amount"] == D("120")
    assert rows["us-reciprocal"]["status"] == "excluded"
    assert after["duty"] == D("120")
    # Over $250 and owing a Chapter 99 duty: a formal entry (19 CFR 143.21); MPF 600 x
    # 0.3464% = 2.08, under the FY2025 minimum: 32.71; by air, no HMF. Total 152.71.
    assert after["entry_type"] == "01"
    assert (after["mpf"], after["hmf"], after["total"]) == (D("32.71"), 0, D("152.71"))
    assert "ended for CN, HK on 2025-05-02" in after["notes"]


def test_de_minimis_ended_for_every_origin_on_29_august_2025(tmp_path: Path) -> None:
    csv = (
        f"{HEADER},entry_type\nV1,1,2025-08-28,air,6110.20.2010,VN,600,86\n"
        "V2,1,2025-08-29,air,6110.20.2010,VN,600,86\n"
    )
    found = entries(run(LAW_2025, write(tmp_path, csv)))
    assert found["V1"]["duty"] == 0
    # 29 Aug: reciprocal 20% (120.00) + MFN 16.5% (99.00) = 219.00
    assert found["V2"]["duty"] == D("219")


def test_a_release_over_800_dollars_is_dutiable(tmp_path: Path) -> None:
    csv = f"{HEADER},entry_type\nV,1,2025-07-01,air,6110.20.2010,VN,800.01,86\n"
    entry = entries(run(LAW_2025, write(tmp_path, csv)))["V"]
    # $800.01 is $800 whole dollars, but the limit is on the value declared: dutiable.
    # 800 x (reciprocal 10% + MFN 16.5%) = 80.00 + 132.00 = 212.00
    assert entry["duty"] == D("212")
    assert "over $800" in entry["notes"]


# --- postal items -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "origin", "method", "duty"),
    [
        # China, 2 to 13 May 2025: 120% of the value or $100 an item (EO 14256 as amended)
        ("2025-05-10", "CN", "ad-valorem", "120"),  # 100 x 120%
        ("2025-05-10", "CN", "per-item", "100"),
        # from 14 May: 54% or $100 (EO 14298)
        ("2025-05-20", "CN", "ad-valorem", "54"),
        # Vietnam from 29 August (EO 14324): its effective IEEPA rate, 20%, or by that rate's
        # band (16% to 25%): $160 an item
        ("2025-09-10", "VN", "ad-valorem", "20"),
        ("2025-09-10", "VN", "per-item", "160"),
    ],
)
def test_a_postal_item_pays_one_duty_in_place_of_all_others(
    tmp_path: Path, day: str, origin: str, method: str, duty: str
) -> None:
    csv = f"{HEADER},postal\nM,1,{day},mail,6110.20.2010,{origin},100,{method}\n"
    entry = entries(run(LAW_2025, write(tmp_path, csv)))["M"]
    assert entry["entry_type"] == "postal"
    assert list(duties(entry)) == ["postal"]
    assert entry["duty"] == D(duty)
    assert entry["mpf"] is None


def test_a_postal_item_whose_duty_the_sources_do_not_settle_is_refused(tmp_path: Path) -> None:
    # China's postal items from 29 August 2025: EO 14256's regime or EO 14324's?
    path = write(tmp_path, f"{HEADER},postal\nM,1,2025-09-10,mail,6110.20.2010,CN,100,per-item\n")
    result = CliRunner().invoke(app, ["entry", LAW_2025, path])
    assert result.exit_code == 1
    assert result.stderr == (
        f"{path}:2:4: a postal item from CN entered on 2025-09-10: the duty it owes is not "
        "settled by the sources tariffs cites (docs/entry.md); it is not priced\n"
    )


def test_a_postal_item_needs_the_carrier_s_election(tmp_path: Path) -> None:
    path = write(tmp_path, f"{HEADER}\nM,1,2025-05-10,mail,6110.20.2010,CN,100\n")
    result = CliRunner().invoke(app, ["entry", LAW_2025, path])
    assert result.exit_code == 1
    assert "say which in the 'postal' column" in result.stderr
    assert result.stderr.startswith(f"{path}:2:1: ")  # no postal column: the row


# --- which date selects the rates: the in-transit saving clauses -------------------------------


@pytest.mark.parametrize(
    ("origin", "entered", "loaded", "mode", "reciprocal"),
    [
        # EO 14326: Vietnam's 20% from 7 Aug 2025; goods loaded before and entered before
        # 5 Oct keep the 10% of 6 Aug: 10,000 x 10% = 1,000.00
        ("VN", "2025-09-15", "2025-08-01", "vessel", "1000"),
        ("VN", "2025-09-15", "2025-08-01", "air", "2000"),  # by air: no clause, 20%
        ("VN", "2025-10-10", "2025-08-01", "vessel", "2000"),  # entered too late
        ("VN", "2025-09-15", "2025-08-07", "vessel", "2000"),  # loaded too late
        ("VN", "2025-09-15", "", "vessel", "2000"),  # no loaded date given
        # EO 14257: loaded before 5 Apr 2025, entered before 16 June (CBP): no reciprocal
        # duty at all, the rate of 4 April (the row is then not shown)
        ("CN", "2025-04-20", "2025-04-02", "vessel", None),
        # loaded 5-9 April: the 10% of 8 April, not the 125% of 20 April
        ("CN", "2025-04-20", "2025-04-07", "vessel", "1000"),
        ("CN", "2025-04-20", "2025-04-10", "vessel", "12500"),  # loaded after: 125%
    ],
)
def test_goods_on_the_water_keep_the_earlier_rate(
    tmp_path: Path, origin: str, entered: str, loaded: str, mode: str, *, reciprocal: str | None
) -> None:
    csv = f"{HEADER},loaded\nT,1,{entered},{mode},6110.20.2010,{origin},10000,{loaded}\n"
    entry = entries(run(LAW_2025, write(tmp_path, csv)))["T"]
    rows = duties(entry)
    name = f"us-reciprocal-{origin.lower()}"
    if reciprocal is None:
        assert name not in rows
        assert any("in transit" in note for note in entry["lines"][0]["line_notes"].split("; "))
    else:
        assert rows[name]["duty_amount"] == D(reciprocal)


def test_the_section_122_saving_clause(tmp_path: Path) -> None:
    # Loaded before 24 Feb 2026 and entered before 28 Feb: no Section 122 surcharge; the
    # sweaters pay MFN only, 10,000 x 16.5% = 1,650.00. Entered 28 Feb: 10% more.
    csv = (
        f"{HEADER},loaded\nA,1,2026-02-26,vessel,6110.20.2010,CN,10000,2026-02-20\n"
        "B,1,2026-02-28,vessel,6110.20.2010,CN,10000,2026-02-20\n"
    )
    found = entries(run(LAW_2026, write(tmp_path, csv)))
    assert found["A"]["duty"] == D("1650")
    assert found["B"]["duty"] == D("2650")


# --- other origins, side by side ---------------------------------------------------------------


def test_the_same_lines_from_other_origins(tmp_path: Path) -> None:
    document = run(LAW_2026, f"{FIXTURES}/figures-2026.csv", "--origin", "VN", "--origin", "MX")
    assert [(r["scenario"], r["origin"]) for r in document["runs"]] == [
        ("as-enacted", None),
        ("as-enacted", "VN"),
        ("as-enacted", "MX"),
    ]
    china, vietnam, mexico = (entries(document, i)["EN1-0000001-6"] for i in range(3))
    # From Vietnam or Mexico no Section 301: 6,172.50 (232) + 358.01 (MFN) = 6,530.51
    assert china["duty"] == D("9616.76")
    assert vietnam["duty"] == mexico["duty"] == D("6530.51")
    assert vietnam["lines"][0]["origin"] == "VN"


def test_an_other_origin_need_be_a_partner_only_of_the_files_that_price_the_entries(
    tmp_path: Path,
) -> None:
    # us-2025.yaml has no flow from Mexico; the entries are all of 2026, priced by us-2026.yaml
    document = run(LAW_2025, LAW_2026, f"{FIXTURES}/figures-2026.csv", "--origin", "MX")
    assert entries(document, 1)["EN1-0000001-6"]["duty"] == D("6530.51")
    # An entry of 2025 needs a flow from Mexico in us-2025.yaml
    path = write(tmp_path, f"{HEADER}\nA,1,2025-06-02,vessel,6110.20.2010,CN,100\n")
    result = CliRunner().invoke(app, ["entry", LAW_2025, LAW_2026, path, "--origin", "MX"])
    assert result.exit_code == 2
    assert f"{LAW_2025} has no flow US:MX (its partners: CN, VN)" in result.stderr


def test_a_usmca_claim_spares_the_section_122_surcharge(tmp_path: Path) -> None:
    # Sweaters from Mexico on 2 Mar 2026: Section 122 10% unless claimed under USMCA
    csv = (
        f"{HEADER},share:usmca\nA,1,2026-03-02,truck,6110.20.2010,MX,10000,\n"
        "B,1,2026-03-02,truck,6110.20.2010,MX,10000,100%\n"
    )
    found = entries(run(LAW_2026, write(tmp_path, csv)))
    assert found["A"]["duty"] == D("2650")  # 1,000 + 1,650
    assert found["B"]["duty"] == D("1650")


# --- the CLI's refusals ---------------------------------------------------------------------------


def test_an_entry_date_no_file_covers_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, f"{HEADER}\nA,1,2024-12-31,vessel,6110.20.2010,CN,100\n")
    result = CliRunner().invoke(app, ["entry", LAW_2025, LAW_2026, path])
    assert result.exit_code == 1
    assert result.stderr == (
        f"{path}:2:3: no scenario file's period holds its entry date 2024-12-31 "
        f"({LAW_2025}: 2025-01-01 to 2025-12-31; {LAW_2026}: 2026-01-01 to 2026-12-31)\n"
    )


def test_an_unknown_mfn_is_never_zero(tmp_path: Path) -> None:
    # 9503.00 (toys) is no line of the fixture: the entry must state its MFN
    path = write(tmp_path, f"{HEADER}\nA,1,2026-03-02,vessel,9503.00.0073,CN,100\n")
    result = CliRunner().invoke(app, ["entry", LAW_2026, path])
    assert result.exit_code == 1
    assert "no MFN rate" in result.stderr
    assert "an unknown MFN is never 0%" in result.stderr
    fixed = write(tmp_path, f"{HEADER},mfn\nA,1,2026-03-02,vessel,9503.00.0073,CN,100,Free\n")
    assert entries(run(LAW_2026, fixed))["A"]["duty"] == D("10")  # Section 122 10% only


def test_an_origin_the_law_does_not_hold_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, f"{HEADER}\nA,1,2026-03-02,vessel,6110.20.2010,BR,100\n")
    result = CliRunner().invoke(app, ["entry", LAW_2026, path])
    assert result.exit_code == 1
    assert result.stderr == f"{path}:2:6: {LAW_2026} has no flow US:BR (its partners: CN, VN, MX)\n"
    other = CliRunner().invoke(app, ["entry", LAW_2026, path, "--origin", "BR"])
    assert other.exit_code == 2
    assert "has no flow US:BR" in other.stderr


def test_the_entry_file_comes_last(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["entry", f"{FIXTURES}/figures-2026.csv", LAW_2026])
    assert result.exit_code == 2
    assert "is the entry file (CSV or .xlsx), not a scenario file" in result.stderr


# --- tariffs rate --value: one product's money without an entry file -----------------------


def test_rate_with_a_value_prices_one_product_as_an_entry_line() -> None:
    args = ["rate", LAW_2026, "--flow", "US:CN", "--hs", "7326.90.8688", "--on", "2026-03-02"]
    result = CliRunner().invoke(app, [*args, "--value", "12344.50", "-f", "json"])
    assert result.exit_code == 0, result.output
    money = json.loads(result.stdout, parse_float=Decimal)["stack"]["money"]
    # the same figures as the entry line above: 3,086.25 + 6,172.50 + 358.01
    assert money["line_duty"] == D("9616.76")
    assert [d["duty_amount"] for d in money["duties"]] == [
        D("3086.25"),
        D("6172.5"),
        0,
        D("358.01"),
    ]
    # without --value the document has no money
    plain = CliRunner().invoke(app, [*args, "-f", "json"])
    assert "money" not in json.loads(plain.stdout)["stack"]


def test_rate_with_a_specific_mfn_and_a_quantity() -> None:
    # EU wine on 1 Sep 2025: MFN 6.3¢/l on 1,000 l = 63.00 (an AVE of 3.15% on $2,000), and
    # the EU's all-in 15% pays 15% - 3.15% = 11.85%: 237.00; 300.00 in all, 15% exactly
    args = ["rate", "tests/fixtures/law-2025.yaml", "--flow", "US:EU", "--hs", "2204.21.5040"]
    args += ["--on", "2025-09-01", "--value", "2000", "--quantity", "1000l", "--mfn", "6.3¢/l"]
    result = CliRunner().invoke(app, [*args, "-f", "json"])
    money = json.loads(result.stdout, parse_float=Decimal)["stack"]["money"]
    amounts = {d["measure"]: d["duty_amount"] for d in money["duties"]}
    assert amounts == {"us-reciprocal-eu": D("237"), "mfn": D("63")}
    assert money["line_effective_rate"] == D("15")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--quantity", "10kg"], "'--quantity': goes with --value"),
        (["--value", "12.345"], "'12.345' is not an amount in dollars"),
        (["--value", "10", "--mfn", "6.3¢/l"], "give --quantity in l"),
    ],
)
def test_rate_value_options_that_do_not_fit(extra: list[str], message: str) -> None:
    args = ["rate", LAW_2026, "--flow", "US:CN", "--hs", "7326.90.8688", *extra]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_rate_value_with_an_unknown_mfn_asks_for_it() -> None:
    args = ["rate", LAW_2026, "--flow", "US:CN", "--hs", "9503.00", "--value", "100"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert "an unknown MFN is never 0%); or give --mfn RATE" in result.stderr


# --- the progress bar ---------------------------------------------------------------------------


def test_every_entry_of_every_run_passes_the_progress_bar(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[int, str, int]] = []

    def spy(items: Any, total: int, what: str, **_: Any) -> Any:
        listed = list(items)
        seen.append((total, what, len(listed)))
        return iter(listed)

    monkeypatch.setattr(progress, "tracked", spy)
    run(LAW_2025, LAW_2026, f"{FIXTURES}/figures-2026.csv", "--origin", "VN")
    # 4 entries x 1 scenario x (as entered + VN)
    assert seen == [(8, "entries", 8)]


def test_piped_output_has_no_progress_bar() -> None:
    result = CliRunner().invoke(app, ["entry", LAW_2026, f"{FIXTURES}/figures-2026.csv"])
    assert result.exit_code == 0
    assert result.stderr == ""
