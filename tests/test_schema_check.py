"""The committed schema agrees with the program, as check-jsonschema sees it.

check-jsonschema is what pre-commit users and CI run on scenario files, with its own YAML
reader (ruamel.yaml, YAML 1.2). It runs here as a separate process from this venv, as a
user runs it: every scenario file `tariffs` accepts must pass it, and every corpus file
that `tariffs` refuses for its shape must fail it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from tariffs.input.format import SCHEMA_ID
from tariffs.input.load import load
from tariffs.input.schema import scenario_schema_text

from .conftest import ROOT

SCHEMA = ROOT / "schema" / "scenario.schema.json"
CORPUS = ROOT / "tests" / "corpus"

SHAPE = {
    "bom-utf8-with-error",
    "country-lowercase",
    "date-feb-30",
    "date-month-13",
    "elasticity-positive",
    "empty",
    "every-problem",
    "expect-two-metrics",
    "hs-code-one-digit",
    "missing-key",
    "money-huge",
    "money-negative",
    "money-space",
    "money-words",
    "only-comments",
    "percent-1e400",
    "percent-bare-30",
    "percent-bare-fraction",
    "percent-inf",
    "percent-mapping",
    "percent-nan",
    "percent-negative",
    "product-rates-empty",
    "quantity-scale-without-space",
    "root-list",
    "root-scalar",
    "unknown-key-end",
    "unknown-key-measure",
    "unknown-key-top",
    "unknown-key-typo",
    "unknown-key-window",
    "version-2",
    "window-both-ends",
    "window-days-zero",
    "wrong-type-days",
    "wrong-type-flows",
    "wrong-type-measure",
    "wrong-type-period",
    "wrong-type-rates",
    "wrong-type-title",
    "wrong-type-version",
    "wrong-type-windows",
}
"""Corpus files refused for their shape: a key, a type, a form or a range of a value."""

NOT_SHAPE = {
    "reading": {
        # The bytes or the YAML, before any shape: refused by tariffs' reader (encodings,
        # anchors, merge keys, tabs, duplicate keys, nesting, several documents).
        "anchor",
        "billion-laughs",
        "binary-junk",
        "duplicate-key-date",
        "duplicate-key-number",
        "duplicate-key-top",
        "latin1",
        "merge-key",
        "nesting-block-100",
        "nesting-flow-10000",
        "nul-byte",
        "syntax-bad-indent",
        "syntax-block-list",
        "syntax-unclosed-flow",
        "syntax-unclosed-quote",
        "tab-indent",
        "two-documents",
        "utf16",
    },
    "meaning": {
        # Well-shaped, but the parts do not fit together: names, cycles, sums, order of
        # dates, files on disk. A schema cannot see these; `tariffs validate` does.
        "cyclic-extends",
        "elasticity-without-observed-at",
        "expect-unknown-window",
        "flow-twice",
        "lines-do-not-add-up",
        "lines-file-absolute",
        "lines-file-escapes",
        "measure-without-flow",
        "money-in-full",
        "name-number-unknown",
        "overlapping-windows",
        "period-backwards",
        "rules-change-nothing",
        "rules-cycle",
        "rules-exclusion-no-line",
        "rules-of-mfn",
        "rules-other-flow",
        "rules-two-ceilings",
        "rules-unknown-measure",
        "rules-until-before-change",
        "self-extends",
        "specific-duty-over-limit",
        "unknown-baseline",
        "unknown-extends",
        "unknown-measure-change",
        "unknown-measure-window",
        "yields-cycle",
        "yields-to-other-flow",
    },
    "quotes": {
        # A number to every other YAML reader (207, 8471.3), and a valid one: only tariffs,
        # which sees how the code was written, can ask for the quotes.
        "hs-code-leading-zero",
        "hs-code-trailing-zero",
    },
}


def check_jsonschema(schema: Path, *files: Path, cwd: Path = ROOT) -> dict[str, Any]:
    """check-jsonschema's JSON report on `files`, run as a user runs it."""
    done = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--schemafile", str(schema), "-o", "JSON"]
        + [str(f) for f in files],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        check=False,
    )
    report: dict[str, Any] = json.loads(done.stdout)
    assert done.returncode == (0 if report["status"] == "ok" else 1), done.stderr
    return report


def failed(report: dict[str, Any]) -> set[str]:
    problems = [*report.get("errors", []), *report.get("parse_errors", [])]
    return {Path(e["filename"]).stem for e in problems}


def accepted_files() -> list[Path]:
    """Every scenario file shipped or kept for tests that tariffs accepts."""
    files = sorted([*(ROOT / "scenarios").glob("*.yaml"), *(ROOT / "tests").glob("*/*.yaml")])
    files = [f for f in files if not (f.parent == CORPUS and f.with_suffix(".err").exists())]
    for path in files:
        load(path)  # raises if tariffs refuses it
    return files


def test_every_corpus_file_is_either_of_shape_or_not() -> None:
    others = set().union(*NOT_SHAPE.values())
    assert not SHAPE & others
    # the scenario files of the corpus (its entry files, entry-*.csv, are no scenario files)
    scenarios = {p.stem for p in CORPUS.glob("*.err") if p.with_suffix(".yaml").exists()}
    assert scenarios == SHAPE | others


def test_every_file_tariffs_accepts_passes_check_jsonschema() -> None:
    files = accepted_files()
    assert {f.name for f in files} >= {"geneva.yaml", "products-2025.yaml", "geneva-145.yaml"}
    report = check_jsonschema(SCHEMA, *files)
    assert report["status"] == "ok", report


def test_every_file_refused_for_its_shape_fails_check_jsonschema() -> None:
    report = check_jsonschema(SCHEMA, *(CORPUS / f"{name}.yaml" for name in sorted(SHAPE)))
    assert failed(report) == SHAPE


def test_well_shaped_files_refused_for_their_meaning_pass_check_jsonschema() -> None:
    # The schema refuses no more than tariffs does: what only `validate` can see is no
    # shape problem (a name written as a number, `7:`, is a name to both).
    names = sorted(NOT_SHAPE["meaning"] | NOT_SHAPE["quotes"])
    report = check_jsonschema(SCHEMA, *(CORPUS / f"{name}.yaml" for name in names))
    assert failed(report) == set()


def test_names_written_as_numbers_pass(tmp_path: Path) -> None:
    text = (CORPUS / "name-number-unknown.yaml").read_text(encoding="utf-8")
    accepted = tmp_path / "numbers.yaml"
    accepted.write_text(text.replace("disable: [8]", "disable: [7]"), encoding="utf-8")
    study = load(accepted)
    assert [s.name for s in study.scenarios] == ["123", "2"]
    assert check_jsonschema(SCHEMA, accepted)["status"] == "ok"


def test_hs_codes_written_as_numbers_pass_and_the_version_is_1(tmp_path: Path) -> None:
    shipped = (ROOT / "scenarios" / "products-2025.yaml").read_text(encoding="utf-8")
    assert "applies_to: [72, 73]" in shipped
    assert "8517.13" in shipped
    numbers = tmp_path / "numbers.yaml"  # every code as a number, as other readers see it
    numbers.write_text(shipped.replace('"8473.30"', "8473.3"), encoding="utf-8")
    version_2 = tmp_path / "version-2.yaml"
    version_2.write_text(shipped.replace("tariffs: 1\n", "tariffs: 2\n"), encoding="utf-8")
    assert version_2.read_text(encoding="utf-8") != shipped
    report = check_jsonschema(SCHEMA, numbers, version_2)
    assert report["errors"] == [
        {
            "filename": str(version_2),
            "path": "$.tariffs",
            "message": "1 was expected",
            "has_sub_errors": False,
        }
    ]


def test_the_schema_names_itself_and_works_from_anywhere(tmp_path: Path) -> None:
    # docs/format.md: `tariffs schema > tariffs.schema.json` beside the files, outside a clone.
    schema = json.loads(scenario_schema_text())
    assert schema["$id"] == SCHEMA_ID == "urn:tariffs:schema:scenario"
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    (tmp_path / "tariffs.schema.json").write_text(scenario_schema_text(), encoding="utf-8")
    shutil.copy(ROOT / "scenarios" / "geneva.yaml", tmp_path / "geneva.yaml")
    report = check_jsonschema(Path("tariffs.schema.json"), Path("geneva.yaml"), cwd=tmp_path)
    assert report["status"] == "ok", report
    doc = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")
    assert "tariffs schema > tariffs.schema.json" in doc
    assert "# yaml-language-server: $schema=tariffs.schema.json" in doc
    assert SCHEMA_ID in doc
