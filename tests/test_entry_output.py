"""`tariffs entry` in every format: golden files, the JSON contract, docs/output.md's
reference of the entry metrics, and what each format holds."""

from __future__ import annotations

import csv
import io
import json
import re

import jsonschema
import pytest
from typer.testing import CliRunner

from tariffs import contract, metrics
from tariffs.cli import app
from tariffs.render import entry_out

from .conftest import ROOT
from .test_entry import FIXTURES, LAW_2025, LAW_2026
from .test_golden import FORMATS, assert_golden

CASES = {
    "figures": [LAW_2025, LAW_2026, f"{FIXTURES}/figures-2026.csv", "--origin", "VN"],
    "refunds": [
        LAW_2025,
        f"{FIXTURES}/refunds-2025.csv",
        "--refund-against",
        "ieepa-struck",
        "--refund-on",
        "2026-03-15",
        "--payer",
        "non-corporate",
    ],
    "parcels": ["scenarios/products-2025.yaml", f"{FIXTURES}/parcels-2025.csv", "-s", "geneva"],
}
OUTPUT_DOC = (ROOT / "docs" / "output.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize(("fmt", "ext"), FORMATS.items())
def test_golden(case: str, fmt: str, ext: str, update_golden: bool) -> None:
    assert_golden(["entry", *CASES[case], "--format", fmt], f"entry-{case}.{ext}", update_golden)


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_json_document_keeps_its_contract(case: str) -> None:
    result = CliRunner().invoke(app, ["entry", *CASES[case], "-f", "json"])
    document = json.loads(result.stdout)
    jsonschema.validate(document, contract.schema())
    assert document["format"] == "tariffs.entry"


def test_every_line_of_a_table_fits_its_width() -> None:
    for width in (40, 80, 120):
        result = CliRunner().invoke(app, ["entry", *CASES["figures"], "--width", str(width)])
        assert result.exit_code == 0
        assert max(len(line) for line in result.stdout.splitlines()) <= width


def test_docs_output_holds_the_entry_metrics_reference() -> None:
    # Generated from the registry: after a change of the entry kinds, paste
    # entry_out.metrics_markdown() into docs/output.md.
    start = OUTPUT_DOC.index(entry_out.BEGIN)
    end = OUTPUT_DOC.index(entry_out.END) + len(entry_out.END) + 1
    assert OUTPUT_DOC[start:end] == entry_out.metrics_markdown()


def test_docs_output_names_every_csv_column_metric_and_json_key() -> None:
    words = {
        w for span in re.findall(r"`([^`\n]+)`", OUTPUT_DOC) for w in re.findall(r"[\w-]+", span)
    }
    result = CliRunner().invoke(app, ["entry", *CASES["refunds"], "-f", "csv"])
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    names = set(rows[0]) | {row["metric"] for row in rows}
    assert names - words == set()
    document = json.loads(
        CliRunner().invoke(app, ["entry", *CASES["refunds"], "-f", "json"]).stdout
    )

    def keys(value: object) -> set[str]:
        if isinstance(value, dict):
            return set(value) | {k for v in value.values() for k in keys(v)}
        if isinstance(value, list):
            return {k for v in value for k in keys(v)}
        return set()

    assert keys(document) - words == set()


def test_the_entry_kinds_name_each_metric_once() -> None:
    names = [m.name for kind in metrics.ENTRY_KINDS for m in kind.metrics]
    assert len(names) == len(set(names))


def test_the_csv_is_one_value_per_row_with_the_entry_s_date() -> None:
    result = CliRunner().invoke(app, ["entry", *CASES["figures"], "-f", "csv"])
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    mfn = [
        r
        for r in rows
        if r["entry"] == "EN1-0000001-6" and r["item"] == "mfn" and r["metric"] == "duty_amount"
    ]
    assert [(r["origin"], r["value"], r["unit"], r["date"]) for r in mfn] == [
        ("", "358.01", "USD", "2026-03-02"),
        ("VN", "358.01", "USD", "2026-03-02"),
    ]


def test_text_from_the_file_is_made_safe_in_every_format() -> None:
    for fmt in FORMATS:
        result = CliRunner().invoke(app, ["entry", LAW_2026, f"{FIXTURES}/injected.csv", "-f", fmt])
        assert result.exit_code == 0, result.output
        assert "\x1b" not in result.stdout
        if fmt == "csv":
            assert ",=HYPERLINK" not in result.stdout
            assert "'=HYPERLINK" in result.stdout
        if fmt == "markdown":
            assert "<script>" not in result.stdout
