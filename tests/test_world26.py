"""scenarios/world-2026.yaml: the US over 16 partners in 2025 and 2026, checked against Yale's
daily series and the IEEPA refund figures in docs/economics.md (sections 5 and 6), whose
tables these tests keep equal to the tool's output."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from tariffs.cli import app

ROOT = Path(__file__).resolve().parent.parent
WORLD = "scenarios/world-2026.yaml"
ECONOMICS = (ROOT / "docs" / "economics.md").read_text(encoding="utf-8")
IEEPA = {
    "us-reciprocal",
    "us-reciprocal-cn",
    "us-reciprocal-ceiling",
    "us-fentanyl-cn",
    "us-ieepa-brazil",
    "us-ieepa-india",
    "us-ieepa-border",
}


def _compare(*args: str) -> dict[str, Any]:
    out = CliRunner().invoke(app, ["compare", WORLD, *args, "-f", "json"], prog_name="tariffs")
    assert out.exit_code == 0, out.output
    scenarios: list[dict[str, Any]] = json.loads(out.stdout)["files"][0]["scenarios"]
    return scenarios[0]


def _section(title: str, end: str) -> str:
    return ECONOMICS.split(title, 1)[1].split(end, 1)[0]


_ROWS = [
    [cell.strip() for cell in line.strip("|").split("|")]
    for line in _section("### 2025 and 2026 against", "**Mean absolute gap**").splitlines()
    if re.match(r"^\| 202[56]-\d\d-\d\d \|", line)
]
# the comparison (date, tariffs, Yale, gap, the parts by authority, vintages), then the
# tracker's split by authority on the same dates
DAILY = [row for row in _ROWS if row[3].endswith(" pp")]
SPLIT = {row[0]: row for row in _ROWS if not row[3].endswith(" pp")}
QUOTED = ROOT / "docs" / "data" / "tracker-us-quoted.csv"
AUTHORITIES = ("mfn", "section-301", "ieepa", "section-232", "section-122")
REFUND = [
    [cell.strip() for cell in line.strip("|").split("|")]
    for line in _section("## 6. The IEEPA refund", "Beside the published figures").splitlines()
    if re.match(r"^\| ([A-Z]{2,3}|All 16) \|", line)
]


def test_the_file_checks() -> None:
    out = CliRunner().invoke(app, ["check", WORLD])
    assert out.exit_code == 0, out.output
    assert "13 passed, 0 failed" in out.output


def test_the_same_16_partners_and_world_total_as_2025() -> None:
    from tariffs.input.load import load  # noqa: PLC0415

    study = load(ROOT / WORLD)
    before = load(ROOT / "scenarios" / "world-2025.yaml")
    assert [(f.importer, f.exporter, f.value) for f in study.flows] == [
        (f.importer, f.exporter, f.value) for f in before.flows
    ]
    # Census 2024 general imports, customs value: 3,267.4bn
    assert sum(f.value for f in study.flows) == Decimal("3267.4e9")
    assert [s.name for s in study.scenarios] == [
        "as-enacted",
        "no-ruling",
        "s122-extended",
        "s122-extended-15",
        "s301-forced-labor",
        "ieepa-struck",
    ]


def test_every_ieepa_layer_ends_on_24_february_2026_unless_the_ruling_is_undone() -> None:
    for day, on in (("2026-02-23", True), ("2026-02-24", False)):
        total = _compare("-s", "as-enacted", "--on", day)["importers"][0]
        ieepa = sum(
            lay["importer_layer_rate_on"] for lay in total["layers"] if lay["measure"] in IEEPA
        )
        assert (ieepa > 0) is on
    kept = _compare("-s", "no-ruling", "--on", "2026-06-01")["importers"][0]
    assert (
        sum(lay["importer_layer_rate_on"] for lay in kept["layers"] if lay["measure"] in IEEPA) > 0
    )
    assert all(
        lay["importer_layer_rate_on"] == 0 for lay in kept["layers"] if lay["measure"] == "us-s122"
    )


def _flow_rate(scenario: str, day: str, exporter: str) -> Decimal:
    flows = _compare("-s", scenario, "--on", day)["flows"]
    return Decimal(str(next(f["rate_on"] for f in flows if f["exporter"] == exporter)))


def test_section_122_is_half_open_24_february_to_23_july() -> None:
    # China's rest (245.327bn) and the non-aluminium part of its aluminium line: from 6 April
    # that line owes Section 232 on its full value, so Section 122 falls on the rest only:
    # 10 x 245.327 / 438.9 = 5.5896 pp
    last, after = (
        _flow_rate("as-enacted", "2026-07-23", "CN"),
        _flow_rate("as-enacted", "2026-07-24", "CN"),
    )
    assert last - after == Decimal("5.5896")
    # kept past 23 July, the day after is the day before
    assert _flow_rate("s122-extended", "2026-07-24", "CN") == last


def _timeline() -> dict[str, Any]:
    """The file's US total by authority against the quoted tracker values, as the page says."""
    out = CliRunner().invoke(
        app,
        [
            "timeline",
            WORLD,
            "-s",
            "as-enacted",
            "--flow",
            "US:*",
            "--by",
            "authority",
            "--against",
            "docs/data/tracker-us-quoted.csv",
            "-f",
            "json",
        ],
    )
    assert out.exit_code == 0, out.output
    total: dict[str, Any] = json.loads(out.stdout)["totals"][0]
    return total


def _segment(total: dict[str, Any], day: str) -> dict[str, Any]:
    segment: dict[str, Any] = next(
        seg for seg in total["segments"] if seg["start"] <= day < seg["until"]
    )
    return segment


def _pct(cell: str) -> Decimal:
    return Decimal(cell.removesuffix("%").removesuffix(" pp"))


def test_the_daily_comparison_is_the_tools_output() -> None:
    total = _timeline()
    for row in DAILY:
        day, shown, yale, gap = row[0], row[1], row[2], row[3]
        segment = _segment(total, day)
        rate = Decimal(str(segment["rate"]))
        assert f"{rate.quantize(Decimal('0.01'))}%" == shown, day
        # the gap is the tool's rate less the tracker's, as shown
        assert f"{_pct(shown) - _pct(yale):+.2f} pp" == gap, day
        # each part: the file's part by authority (the tool's) less the tracker's (the
        # second table, to 2 decimals), so to within rounding
        split = SPLIT[day]
        theirs = [_pct(cell) for cell in split[1:6]]
        for authority, cell, other in zip(AUTHORITIES, row[4:9], theirs, strict=True):
            ours = Decimal(str(segment["authority_part"].get(authority, 0)))
            assert abs(ours - other - _pct(cell)) <= Decimal("0.011"), (day, authority)
        assert _pct(row[9]) == -_pct(split[6])  # Section 201: the file has none
        # vintages: the July split's total less the April series, which is the Yale column
        assert abs(_pct(split[7]) - _pct(split[8]) - _pct(row[10])) <= Decimal("0.011"), day
        assert split[8] == yale
        # and the parts add up to the gap, to rounding
        assert abs(sum(_pct(cell) for cell in row[4:11]) - _pct(gap)) <= Decimal("0.03"), day
    # every compared day is quiet: the tool counts each quoted value, and all are quiet
    against = total["against"]
    assert against["gap_days"] == against["quiet_days"] == len(DAILY)


def test_the_daily_comparison_covers_both_years_far_from_changes() -> None:
    years = {row[0][:4] for row in DAILY}
    assert years == {"2025", "2026"}
    assert len(DAILY) >= 10
    assert set(SPLIT) == {row[0] for row in DAILY}


def test_the_quoted_tracker_values_are_the_pages_and_only_those() -> None:
    rows = QUOTED.read_text(encoding="utf-8").splitlines()
    assert rows[0] == "date,value"
    quoted = {day: value for day, value in (r.split(",") for r in rows[1:]) if value}
    assert quoted == {row[0]: row[2].removesuffix("%") for row in DAILY}
    # each value is followed by an empty row on the next day: it counts for its day only
    assert len(rows) == 1 + 2 * len(quoted)
    assert all(not r.split(",")[1] for r in rows[2::2])


def test_the_refund_table_is_the_ieepa_layers_duties_static_and_after_the_response() -> None:
    scenario = _compare("-s", "as-enacted")
    flows = scenario["flows"]
    # 730 days of the period at 1/365 of the annual value a day; percent
    duties = {
        f["exporter"]: Decimal(str(f["trade_value"]))
        * sum(
            Decimal(str(lay["layer_average_rate"]))
            for lay in f["layers"]
            if lay["measure"] in IEEPA
        )
        * 730
        / 365
        / 100
        / Decimal("1e9")
        for f in flows
    }
    # after the response: each partner's static IEEPA duties x its imports after the market's
    # response / its static imports, over the period
    [market] = scenario["markets"]
    ratio = {
        p["exporter"]: Decimal(str(p["market_imports"])) / Decimal(str(p["market_static_imports"]))
        for p in market["partners"]
    }
    after = {partner: value * ratio[partner] for partner, value in duties.items()}
    shown = {row[0]: (Decimal(row[1]), Decimal(row[2])) for row in REFUND}
    assert set(shown) == set(duties) | {"All 16"}
    for partner, value in duties.items():
        assert value.quantize(Decimal("0.1")) == shown[partner][0], partner
        assert after[partner].quantize(Decimal("0.1")) == shown[partner][1], partner
        assert f"{ratio[partner] * 100:.1f}%" == next(r for r in REFUND if r[0] == partner)[3]
    assert sum(duties.values()).quantize(Decimal("0.1")) == shown["All 16"][0]
    assert sum(after.values()).quantize(Decimal("0.1")) == shown["All 16"][1]
    # the whole IEEPA part of the US total over the segments gives the same static figure
    total = _timeline()
    ieepa = sum(
        Decimal(str(seg["authority_part"].get("ieepa", 0))) * seg["segment_days"]
        for seg in total["segments"]
    )
    whole = ieepa * Decimal(str(total["trade_value"])) / 365 / 100 / Decimal("1e9")
    assert whole.quantize(Decimal("0.1")) == shown["All 16"][0]
