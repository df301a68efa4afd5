"""`compare --lines all|changed|none`: what JSON and CSV write of the product lines, the
result schema of each, and `diff` reading a result saved with each."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from typer.testing import CliRunner

from tariffs.cli import app

from .conftest import GOLDEN, ROOT

PRODUCTS = "scenarios/products-2025.yaml"
SCHEMA = json.loads((ROOT / "schema" / "result.schema.json").read_text(encoding="utf-8"))


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), prog_name="tariffs")
    return result.exit_code, result.stdout, result.stderr


def document(*args: str) -> dict[str, Any]:
    code, out, err = run("compare", PRODUCTS, "--format", "json", *args)
    assert code == 0, err
    found: dict[str, Any] = json.loads(out)
    jsonschema.validate(found, SCHEMA)
    return found


def listed(doc: dict[str, Any]) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """Each (scenario, flow)'s line objects."""
    return {
        (s["name"], f"{f['importer']}:{f['exporter']}"): f["lines"]
        for s in doc["files"][0]["scenarios"]
        for f in s["flows"]
    }


def test_all_is_the_default_and_the_document_as_ever() -> None:
    code, out, _ = run("compare", PRODUCTS, "--format", "json", "--lines", "all")
    assert code == 0
    assert out == (GOLDEN / "products-2025.compare.json").read_text(encoding="utf-8")
    assert "lines" not in json.loads(out)


def test_changed_lists_under_each_other_scenario_the_lines_unlike_the_baselines() -> None:
    every, changed = listed(document()), listed(document("--lines", "changed"))
    assert document("--lines", "changed")["lines"] == "changed"
    for (scenario, flow), lines in every.items():
        base = {line["hs"]: line for line in every[("no-deal", flow)]}  # the baseline
        expected = [
            line
            for line in lines
            if scenario == "no-deal" or line["hs"] is None or line != base[line["hs"]]
        ]
        assert changed[(scenario, flow)] == expected
    # Geneva cuts the reciprocal rate, which exempt smartphones and computers never paid,
    # and leaves motor parts under Section 232: those four lines are as under no deal.
    left_out = {line["hs"] for line in every[("geneva", "US:CN")]} - {
        line["hs"] for line in changed[("geneva", "US:CN")]
    }
    assert left_out == {"8517.13", "8471.30", "8471", "8708"}
    assert len(changed[("no-deal", "US:CN")]) == 13  # the baseline lists every line


def test_changed_lists_every_line_when_the_baseline_is_not_shown() -> None:
    shown = document("--lines", "changed", "-s", "geneva", "-s", "busan")
    assert all(len(lines) == 13 for lines in listed(shown).values())


def test_none_lists_no_line_and_the_rest_as_ever() -> None:
    none, every = document("--lines", "none"), document()
    assert none.pop("lines") == "none"
    for scenario in every["files"][0]["scenarios"]:
        for flow in scenario["flows"]:
            flow["lines"] = []
    assert none == every


@pytest.mark.parametrize("choice", ["changed", "none"])
def test_csv_holds_the_same_lines_as_json(choice: str) -> None:
    code, out, _ = run("compare", PRODUCTS, "--format", "csv", "--lines", choice)
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    _, whole, _ = run("compare", PRODUCTS, "--format", "csv")
    every = list(csv.DictReader(io.StringIO(whole)))
    assert [r for r in rows if not r["metric"].startswith("line_")] == [
        r for r in every if not r["metric"].startswith("line_")
    ]
    in_json = {
        (scenario, flow, line["hs"] or "unclassified")
        for (scenario, flow), lines in listed(document("--lines", choice)).items()
        for line in lines
    }
    line_rows = {
        (r["scenario"], f"{r['importer']}:{r['exporter']}", r["item"])
        for r in rows
        if r["metric"].startswith("line_")
    }
    assert line_rows == in_json


@pytest.mark.parametrize("choice", ["changed", "none"])
def test_diff_reads_a_result_saved_with_fewer_lines(choice: str, tmp_path: Path) -> None:
    saved = tmp_path / "saved.json"
    _, out, _ = run("compare", PRODUCTS, "--format", "json", "--lines", choice)
    saved.write_text(out, encoding="utf-8")
    # against the file it came from: nothing differs, the lines left out included
    code, out, _ = run("diff", str(saved), PRODUCTS, "--format", "json")
    assert code == 0
    assert json.loads(out)["differences"] == 0
    # against a file whose Geneva truce is 12% rather than 10%: the flows' figures differ,
    # and the lines' where the saved result has lines (none: they are not compared)
    other = tmp_path / "products-2025.yaml"
    (tmp_path / "data").mkdir()
    for data in (ROOT / "scenarios" / "data").glob("*.csv"):
        (tmp_path / "data" / data.name).write_bytes(data.read_bytes())
    text = (ROOT / PRODUCTS).read_text(encoding="utf-8")
    truce = "set: {us-reciprocal: 10%, cn-counter: 10%}"
    assert text.index("\n  geneva:") < text.index(truce) < text.index("\n  extended:")
    other.write_text(
        text.replace(truce, "set: {us-reciprocal: 12%, cn-counter: 10%}", 1), encoding="utf-8"
    )
    code, out, err = run("diff", str(saved), str(other), "--format", "json")
    assert code == 1, err
    found = {(r["scenario"], r["metric"]) for r in json.loads(out)["results"]}
    assert ("geneva", "average_rate") in found
    assert (("geneva", "line_average_rate") in found) == (choice == "changed")


def test_diff_of_a_changed_result_shows_the_lines_that_changed(tmp_path: Path) -> None:
    base = tmp_path / "base.json"
    _, out, _ = run("compare", PRODUCTS, "--format", "json", "--lines", "changed")
    base.write_text(out, encoding="utf-8")
    every = tmp_path / "every.json"
    _, out, _ = run("compare", PRODUCTS, "--format", "json")
    every.write_text(out, encoding="utf-8")
    code, out, _ = run("diff", str(base), str(every), "--format", "json")
    assert code == 0, "a result saved with changed lines holds every line's figures"
    assert json.loads(out)["differences"] == 0


@pytest.mark.parametrize("fmt", ["table", "markdown"])
def test_tables_refuse_lines_other_than_all(fmt: str) -> None:
    code, _, err = run("compare", PRODUCTS, "--format", fmt, "--lines", "changed")
    assert code == 2
    assert "chooses the product lines of --format json and csv" in err
