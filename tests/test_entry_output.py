"""`tariffs entry` in every format: golden files, the JSON contract, docs/output.md's
reference of the entry metrics, and what each format holds."""

from __future__ import annotations

import csv
import io
import json
import pathlib
import re

import jsonschema
import pytest
from typer.testing import CliRunner

from tariffs import contract, metrics
from tariffs.cli import app
from tariffs.input.entries import COLUMNS, column_of
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


# --- docs/entry.md: true to what the command reads and prints --------------------------------

ENTRY_DOC = (ROOT / "docs" / "entry.md").read_text(encoding="utf-8")


def test_docs_entry_lists_every_column_and_its_aliases() -> None:
    rows = {}
    for line in ENTRY_DOC.splitlines():
        found = re.match(r"\| `([\w:]+)` \| [^|]* \| ([^|]*) \|", line)
        if found:
            rows[found.group(1)] = [c.strip(" `") for c in found.group(2).split(",") if c.strip()]
    for column in COLUMNS:
        assert column.name in rows, f"docs/entry.md does not describe column {column.name}"
        written = {re.sub(r"[^a-z0-9]", "", alias.lower()) for alias in rows[column.name]}
        assert written == set(column.aliases), column.name
        assert all(column_of(alias) == column.name for alias in rows[column.name])


def test_docs_entry_s_7501_example_is_the_command_s() -> None:
    start = ENTRY_DOC.index("<!-- 7501: EN1-0000001-6 -->")
    block = ENTRY_DOC[start : ENTRY_DOC.index("<!-- end 7501 -->")]
    document = json.loads(
        CliRunner().invoke(app, ["entry", *CASES["figures"], "-f", "json"]).stdout
    )
    entry = next(e for e in document["runs"][0]["entries"] if e["entry"] == "EN1-0000001-6")
    [line] = entry["lines"]
    shown = [f"| {d['heading'] or line['hts']} |" for d in line["duties"]]
    amounts = [f"{float(d['duty_amount']):,.2f} |" for d in line["duties"]]
    for heading, amount in zip(shown, amounts, strict=True):
        row = next(r for r in block.splitlines() if heading in r)
        assert row.endswith(amount), row
    for label, value in (("Duty", entry["duty"]), ("Total", entry["total"])):
        assert f"**{label}** | | | **{float(value):,.2f}** |" in block
    for label, value in (("MPF", entry["mpf"]), ("HMF", entry["hmf"])):
        row = next(r for r in block.splitlines() if f"| {label}" in r)
        assert row.endswith(f"{float(value):,.2f} |")


def test_docs_entry_s_expectations_example_holds(tmp_path: pathlib.Path) -> None:
    example = re.search(
        r"```yaml\n(tariffs: 1\nentries: refunds-2025.csv\n.*?)```", ENTRY_DOC, re.S
    )
    assert example
    (tmp_path / "refunds-2025.csv").write_bytes((ROOT / FIXTURES / "refunds-2025.csv").read_bytes())
    (tmp_path / "expected.yaml").write_text(example.group(1), encoding="utf-8")
    result = CliRunner().invoke(
        app, ["check", LAW_2025, "--entries", str(tmp_path / "expected.yaml")]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith("8 passed, 0 failed\n")


def test_docs_entry_names_its_anchors() -> None:
    # docs/format.md and the code point at these sections
    for heading in ("### Which date selects the rates", "### Rounding", "## Checking entries"):
        assert f"\n{heading}\n" in ENTRY_DOC
