"""Every change is computed from exact values and rounded once, where it is shown.

A 7% measure on a 100m flow that starts on 4 January 2025 in one version and on
4 February in the other: the average moves by 7 x 31 / 365 = 0.594520547... pp, shown
-0.5945; the two averages round to 6.9425 (7 x 362 / 365 = 6.942465...) and 6.3479
(7 x 331 / 365 = 6.347945...), whose difference, -0.5946, is not the change. Duties move
by 100m x 7% x 31 / 365 = 594,520.547945... , shown -594,520.55; the rounded duties
(6,942,465.75 and 6,347,945.21) differ by -594,520.54.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from typer.testing import CliRunner

from tariffs.cli import app

FILE = """\
tariffs: 1
title: exact deltas
period: {{start: 2025-01-01, until: 2026-01-01}}
on: 2025-06-01
flows: [{{importer: US, exporter: CN, value: 100m}}]
measures:
  m: {{importer: US, exporter: CN, basis: b, rates: {{{start}: 7%}}}}
scenarios:
  base: {{}}
  later:
    changes:
      2025-01-04: {{m: 0%}}
      2025-02-04: {{m: 7%}}
"""


def write(tmp_path: Path, name: str, start: str) -> str:
    path = tmp_path / name
    path.write_text(FILE.format(start=start), encoding="utf-8")
    return str(path)


def test_diff_changes_are_exact_then_rounded(tmp_path: Path) -> None:
    old = write(tmp_path, "old.yaml", "2025-01-04")
    new = write(tmp_path, "new.yaml", "2025-02-04")
    result = CliRunner().invoke(app, ["diff", old, new, "-f", "json"])
    assert result.exit_code == 1  # differences
    found = {
        (c["scenario"], c["item"], c["metric"]): c for c in json.loads(result.stdout)["results"]
    }
    average = found[("base", "", "average_rate")]
    assert (average["old"], average["new"], average["delta"]) == (6.9425, 6.3479, -0.5945)
    layer = found[("base", "m", "layer_average_rate")]
    assert layer["delta"] == -0.5945
    duties = found[("base", "", "static_duties")]
    assert (duties["old"], duties["new"], duties["delta"]) == (
        6942465.75,
        6347945.21,
        -594520.55,
    )
    table = CliRunner().invoke(app, ["diff", old, new]).stdout
    assert "-0.5945 pp" in table
    assert "-0.5946" not in table


def test_compare_deltas_are_exact_then_rounded(tmp_path: Path) -> None:
    # the scenario `later` is the new version against the old as its baseline
    path = write(tmp_path, "f.yaml", "2025-01-04")
    doc = json.loads(CliRunner().invoke(app, ["compare", path, "-f", "json"]).stdout)
    [later] = [s for s in doc["files"][0]["scenarios"] if s["name"] == "later"]
    flow = later["flows"][0]
    assert flow["delta_average_rate"] == -0.5945
    assert flow["delta_static_duties"] == -594520.55
    rows = csv.DictReader(
        io.StringIO(CliRunner().invoke(app, ["compare", path, "-f", "csv"]).stdout)
    )
    deltas = {
        r["metric"]: r["value"]
        for r in rows
        if r["scenario"] == "later" and r["metric"].startswith("delta_")
    }
    assert deltas["delta_average_rate"] == "-0.5945"
    assert deltas["delta_static_duties"] == "-594520.55"
