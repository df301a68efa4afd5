"""Messages in the file's terms, and names read as text (docs/format.md)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from tariffs.cli import app
from tariffs.input.load import load_text

LINES_FILE = """\
tariffs: 1
title: t
period: {start: 2025-01-01, until: 2026-01-01}
on: 2025-06-01
flows: [{importer: US, exporter: CN, lines_file: lines.csv}]
measures:
  m: {importer: US, exporter: CN, basis: b}
scenarios:
  s: {}
"""

NUMBER_NAMES = """\
tariffs: 1
title: t
period: {start: 2025-01-01, until: 2026-01-01}
on: 2025-06-01
baseline: 123
flows: [{importer: US, exporter: CN, value: 1bn}]
measures:
  7: {importer: US, exporter: CN, basis: b, rates: {2025-01-01: 10%}}
scenarios:
  123: {windows: [{name: 5, start: 2025-05-01, days: 3, set: {7: 0%}}]}
  2: {extends: 123, disable: [7]}
expect:
  - {scenario: 123, flow: "US:CN", window: 5, saved: 0}
"""


def test_names_written_as_numbers_are_read_as_text() -> None:
    study = load_text(NUMBER_NAMES, "f.yaml")
    assert study.baseline == "123"
    assert [s.name for s in study.scenarios] == ["123", "2"]
    assert [m.name for m in study.measures] == ["7"]
    assert [w.name for w in study.scenarios[0].windows] == ["5"]
    assert study.scenarios[1].disabled == frozenset({"7"})
    assert (study.expectations[0].scenario, study.expectations[0].window) == ("123", "5")


def test_a_lines_file_separated_by_semicolons_is_named_as_such(tmp_path: Path) -> None:
    (tmp_path / "lines.csv").write_text("hs;description;value\n85;Machines;1bn\n", "utf-8")
    scenario = tmp_path / "s.yaml"
    scenario.write_text(LINES_FILE, "utf-8")
    result = CliRunner().invoke(app, ["validate", str(scenario)], catch_exceptions=False)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"{tmp_path / 'lines.csv'}:1:1: the header 'hs;description;value' is one column: this "
        "file separates its cells with ';'; a lines file separates them with commas, such as "
        "hs,description,value\n"
    )


def test_an_unknown_column_is_reported_once_not_on_every_row(tmp_path: Path) -> None:
    rows = "".join(f"{85 + i},Machines,1bn,x\n" for i in range(3))
    (tmp_path / "lines.csv").write_text("hs,description,value,junk\n" + rows, "utf-8")
    scenario = tmp_path / "s.yaml"
    scenario.write_text(LINES_FILE, "utf-8")
    result = CliRunner().invoke(app, ["validate", str(scenario)], catch_exceptions=False)
    assert result.exit_code == 1
    assert result.stderr == (
        f"{tmp_path / 'lines.csv'}:1:4: unknown column 'junk' "
        "(known: hs, description, value, elasticity, observed_at, mfn, quantity)\n"
    )
