"""A window that runs past the period: its figures are over all its days, and the tables,
JSON and CSV say how many of them fall inside the period, and what it saved there.

A 90-day truce from 1 December 2025 in a 2025 file, on a 100bn flow whose 30% it lowers to
10%: 31 of its days (1-31 December) are in the period, 59 in 2026. Saved over all its days:
100bn x (30 - 10)% x 90 / 365 = 4,931,506,849.32; in the period: 100bn x 20% x 31 / 365 =
1,698,630,136.99. The rate after it is for 1 March 2026: 30%.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

from typer.testing import CliRunner

from tariffs.calc.compare import compare
from tariffs.cli import app
from tariffs.input.load import load_text

FILE = """\
tariffs: 1
title: a truce past the year's end
period: {start: 2025-01-01, until: 2026-01-01}
on: 2025-12-15
flows: [{importer: US, exporter: CN, value: 100bn}]
measures:
  m: {importer: US, exporter: CN, basis: b, rates: {2025-01-01: 30%}}
scenarios:
  base: {}
  truce:
    windows:
      - {name: late truce, start: 2025-12-01, days: 90, set: {m: 10%}}
expect:
  - {scenario: truce, flow: "US:CN", window: late truce, saved: 4931506849.32}
  - {scenario: truce, flow: "US:CN", window: late truce, saved_in_period: 1698630136.99}
"""


def test_a_window_past_the_period_says_its_days_in_it(tmp_path: Path) -> None:
    study = load_text(FILE, "late.yaml")
    [window] = compare(study).scenarios[1].windows
    assert (window.days, window.days_in_period) == (90, 31)
    assert window.saved.quantize(Decimal("0.01")) == Decimal("4931506849.32")
    assert window.saved_in_period.quantize(Decimal("0.01")) == Decimal("1698630136.99")
    assert window.after == 30
    path = tmp_path / "late.yaml"
    path.write_text(FILE, encoding="utf-8")
    table = CliRunner().invoke(app, ["compare", str(path)]).stdout
    assert "static duties saved over all their days (Days: in the period/all)" in table
    assert "| truce    | late truce | 2025-12-01 | 2026-02-28 | 31/90 |" in table
    doc = json.loads(CliRunner().invoke(app, ["compare", str(path), "-f", "json"]).stdout)
    [found] = doc["files"][0]["scenarios"][1]["windows"]
    assert found["window_days"] == 90
    assert found["window_days_in_period"] == 31
    assert found["duties_saved"] == 4931506849.32
    assert found["duties_saved_in_period"] == 1698630136.99
    rows = list(
        csv.DictReader(
            io.StringIO(CliRunner().invoke(app, ["compare", str(path), "-f", "csv"]).stdout)
        )
    )
    assert {r["metric"]: r["value"] for r in rows if r["item"] == "late truce"}[
        "duties_saved_in_period"
    ] == "1698630136.99"
    # both are expectations a file can state
    checked = CliRunner().invoke(app, ["check", str(path)])
    assert checked.exit_code == 0, checked.output


def test_a_window_inside_the_period_shows_its_days_alone(tmp_path: Path) -> None:
    inside = FILE.replace("start: 2025-12-01, days: 90", "start: 2025-10-01, days: 90")
    study = load_text(inside.split("expect:")[0], "inside.yaml")
    [window] = compare(study).scenarios[1].windows
    # 1 October to 29 December: all 90 days in 2025, saved alike
    assert window.days_in_period == 90
    assert window.saved_in_period == window.saved
    path = tmp_path / "inside.yaml"
    path.write_text(inside.split("expect:")[0], encoding="utf-8")
    table = CliRunner().invoke(app, ["compare", str(path)]).stdout
    assert "| truce    | late truce | 2025-10-01 | 2025-12-29 |   90 |" in table
    assert "(Days: in the period/all)" not in table
