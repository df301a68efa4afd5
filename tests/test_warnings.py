"""What a valid file says that has no effect is a warning: printed by `validate` and `check`
on stderr, with its place in the file; the exit code stays that of the run."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tariffs.cli import app

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


def test_only_scope_on_flows_without_lines_is_warned_about() -> None:
    # geneva.yaml has no product scope; products-2025.yaml scopes China's energy and farm
    # tariffs by HS code on CN:US, a flow without lines: their figures leave them out
    assert CliRunner().invoke(app, ["validate", "scenarios/geneva.yaml"]).stderr == ""
    result = CliRunner().invoke(app, ["validate", "scenarios/products-2025.yaml"])
    assert result.exit_code == 0
    warned = [line.split(": warning: measure ")[1][:22] for line in result.stderr.splitlines()]
    assert warned == [
        "'cn-energy' has 'appli",
        "'cn-energy' has 'produ",
        "'cn-farm' has 'applies",
        "'cn-farm' has 'product",
    ]
