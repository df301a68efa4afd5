"""The timeline of a flow of product lines says what its columns are, and `--hs` follows one
product's own rates.

scenarios/products-2025.yaml: US imports from China in 13 product lines. Smartphones (HS
8517.13) are carved out of the reciprocal tariff (memorandum of 11 April 2025), so under
`busan` their reciprocal layer is 0% all year while fentanyl goes 10% (4 Feb) -> 20% (4 Mar)
-> 10% (10 Nov, the Busan change).
"""

from __future__ import annotations

import json
from typing import Any

from typer.testing import CliRunner

from tariffs.cli import app

FILE = "scenarios/products-2025.yaml"


def run(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


def timeline_json(*args: str) -> dict[str, Any]:
    result = run("timeline", FILE, "-s", "busan", "--flow", "US:CN", *args, "-f", "json")
    assert result.exit_code == 0, result.output
    [entry] = json.loads(result.stdout)["timelines"]
    return dict(entry)


def test_a_product_timeline_shows_the_product_own_rates() -> None:
    entry = timeline_json("--hs", "8517.13")
    assert entry["hs"] == "8517.13"
    assert entry["weighted"] is False
    segments = {s["start"]: s for s in entry["segments"]}
    # every segment: the smartphone's reciprocal layer is 0, as `tariffs rate --hs` says
    assert {s["layers"]["us-reciprocal"] for s in entry["segments"]} == {0}
    # totals: fentanyl alone, 10 -> 20 -> 10 (a flow-weighted total would carry reciprocal pp)
    assert [segments[d]["rate"] for d in ("2025-02-04", "2025-03-04", "2025-11-10")] == [
        10,
        20,
        10,
    ]
    # the carve-out is a rule of its own on 5 April, though the rate stays 0
    [change] = segments["2025-04-05"]["changes"]
    assert change["measure"] == "us-reciprocal"
    assert (change["from"], change["to"]) == (0, 0)
    assert change["cause"].startswith("excluded: electronics carve-out")


def test_the_flow_timeline_is_labelled_import_weighted() -> None:
    entry = timeline_json()
    assert entry["hs"] is None
    assert entry["weighted"] is True
    table = run("timeline", FILE, "-s", "busan", "--flow", "US:CN")
    assert table.exit_code == 0
    title = "US on CN under 'busan': layers in pp of the flow's rate, import-weighted over 13 lines"
    assert title in table.stdout


def test_the_product_table_and_csv_name_the_product() -> None:
    table = run("timeline", FILE, "-s", "busan", "--flow", "US:CN", "--hs", "8517.13")
    assert "HS 8517.13 from CN into US under 'busan': the product's own rates" in table.stdout
    assert "import-weighted" not in table.stdout
    csv = run("timeline", FILE, "-s", "busan", "--flow", "US:CN", "--hs", "8517.13", "-f", "csv")
    rows = csv.stdout.splitlines()
    assert f"{FILE},busan,US,CN,8517.13,rate,2025-03-04,20,percent" in rows


def test_a_flow_without_lines_is_not_weighted() -> None:
    result = run("timeline", "scenarios/geneva.yaml", "-s", "geneva", "-f", "json")
    assert result.exit_code == 0
    assert {e["weighted"] for e in json.loads(result.stdout)["timelines"]} == {False}


def test_a_bad_code_is_a_usage_error() -> None:
    result = run("timeline", FILE, "--hs", "85x7")
    assert result.exit_code == 2
    assert "--hs" in result.output
