"""scenarios/world-2026.yaml: the US over 16 partners in 2025 and 2026, checked against Yale's
daily series and the IEEPA refund figures in docs/economics.md (sections 5 and 6), whose
tables these tests keep equal to the tool's output."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
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


DAILY = [
    [cell.strip() for cell in line.strip("|").split("|")]
    for line in _section("### 2025 and 2026 against", "**Mean absolute gap**").splitlines()
    if re.match(r"^\| 202[56]-\d\d-\d\d \|", line)
]
REFUND = [
    [cell.strip() for cell in line.strip("|").split("|")]
    for line in _section("## 6. The IEEPA refund", "Static only").splitlines()
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


@pytest.mark.parametrize("row", DAILY, ids=[r[0] for r in DAILY])
def test_the_daily_comparison_is_the_tools_output(row: list[str]) -> None:
    day, shown, yale, gap = row[0], row[1], row[2], row[3]
    rate = Decimal(str(_compare("-s", "as-enacted", "--on", day)["importers"][0]["rate_on"]))
    assert f"{rate.quantize(Decimal('0.01'))}%" == shown
    ours, theirs = Decimal(shown.rstrip("%")), Decimal(yale.rstrip("%"))
    assert f"{ours - theirs:+.2f} pp" == gap


def test_the_daily_comparison_covers_both_years_far_from_changes() -> None:
    years = {row[0][:4] for row in DAILY}
    assert years == {"2025", "2026"}
    assert len(DAILY) >= 12


def test_the_refund_table_is_the_ieepa_layers_duties() -> None:
    flows = _compare("-s", "as-enacted")["flows"]
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
    shown = {row[0]: Decimal(row[1]) for row in REFUND}
    assert set(shown) == set(duties) | {"All 16"}
    for partner, value in duties.items():
        assert value.quantize(Decimal("0.1")) == shown[partner], partner
    assert sum(duties.values()).quantize(Decimal("0.1")) == shown["All 16"]
