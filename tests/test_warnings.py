"""What a valid file says that has no effect is a warning: printed by `validate` and `check`
on stderr, with its place in the file; the exit code stays that of the run."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tariffs.cli import app

from .conftest import SCENARIOS

FILE = """\
tariffs: 1
title: India, before the lines are known
period: {start: 2025-01-01, until: 2026-01-01}
on: 2025-09-01
flows:
  - {importer: US, exporter: IN, value: 87.4bn}
measures:
  reciprocal:
    importer: US
    exporter: IN
    basis: reciprocal
    rates: {2025-04-05: 10%}
    excludes: [{hs: ["3004"], note: Annex II}]
  steel:
    importer: US
    exporter: IN
    basis: "232"
    rates: {2025-03-12: 25%}
    applies_to: [72]
scenarios:
  s: {}
expect:
  # the exclusion cannot spare anything, and 232 never applies: 10% on the whole flow
  - {scenario: s, flow: US:IN, rate: 10%}
"""

EXCLUDES = (
    "india.yaml:13:15: warning: measure 'reciprocal' has 'excludes', but flow US:IN has no "
    "product lines, so they change none of the flow's figures; only `tariffs rate --hs` uses "
    "them (give the flow 'lines')"
)
APPLIES = (
    "india.yaml:19:17: warning: measure 'steel' has 'applies_to', but flow US:IN has no product "
    "lines, so the measure is in none of the flow's figures (a flow without lines is one "
    "unclassified product, which only measures without 'applies_to' cover); only `tariffs "
    "rate --hs` uses them (give the flow 'lines')"
)


def test_validate_and_check_warn_and_still_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "india.yaml").write_text(FILE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    for command in ("validate", "check"):
        result = runner.invoke(app, [command, "india.yaml"])
        assert result.exit_code == 0, result.output
        assert result.stderr.splitlines() == [EXCLUDES, APPLIES]
    assert runner.invoke(app, ["validate", "india.yaml"]).stdout.startswith("india.yaml: ok")


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_every_shipped_scenario_validates_and_checks_without_a_warning(path: Path) -> None:
    # products-2025.yaml printed 4 warnings on each run while its CN:US flow had no lines:
    # China's energy and farm tariffs (applies_to, product_rates) reached none of its figures
    runner = CliRunner()
    for command in ("validate", "check"):
        result = runner.invoke(app, [command, f"scenarios/{path.name}"])
        assert result.exit_code == 0, result.output
        assert result.stderr == "", result.stderr


def test_product_rates_on_a_flow_without_lines_are_warned_about(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = FILE.replace(
        "    applies_to: [72]\n",
        "    applies_to: [72]\n    product_rates: [{hs: [7208], rates: {2025-06-04: 50%}}]\n",
    )
    (tmp_path / "india.yaml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["validate", "india.yaml"])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        EXCLUDES,
        APPLIES,
        "india.yaml:20:20: warning: measure 'steel' has 'product_rates', but flow US:IN has no "
        "product lines, so they change none of the flow's figures; only `tariffs rate --hs` "
        "uses them (give the flow 'lines')",
    ]
