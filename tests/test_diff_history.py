"""`diff --rev` reads a past version under today's rules, as warnings where its meaning is
not in doubt: a file valid when committed stays diffable.

An unquoted HS code (0207, 8473.30) became an error after files were written with it: other
YAML readers take it for another number, but tariffs always read it as written. A scenario's
rate for some products that reaches no product line changes nothing. Both are warnings on a
past version; anything that changes a figure is still an error.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tariffs.cli import app

OLD = """\
tariffs: 1
title: history
period: {start: 2025-01-01, until: 2026-01-01}
on: 2025-06-01
flows:
  - importer: US
    exporter: CN
    lines:
      - {hs: 0207, description: poultry, value: 1bn}
      - {hs: 8473.30, description: computer parts, value: 2bn}
measures:
  a:
    importer: US
    exporter: CN
    basis: b
    rates: {2025-01-01: 10%}
    applies_to: [0207, 8473.30]
scenarios:
  law: {}
  cut:
    changes:
      2025-07-01: {a: {rate: 5%, hs: ["9999"]}}
expect:
  - {scenario: law, flow: "US:CN", layer: nope, rate: 10%}
"""
NEW = OLD.replace("hs: 0207", 'hs: "0207"').replace("hs: 8473.30", 'hs: "8473.30"')
NEW = NEW.replace("[0207, 8473.30]", '["0207", "8473.30"]').replace('["9999"]', '["0207"]')
NEW = NEW.replace("layer: nope", "layer: a")


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_a_version_valid_when_committed_stays_diffable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "s.yaml").write_text(OLD, encoding="utf-8")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-q", "-m", "old rules")
    (tmp_path / "s.yaml").write_text(NEW, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    # today the old text is refused: its codes need quotes
    assert CliRunner().invoke(app, ["validate", "s.yaml"]).exit_code == 0
    (tmp_path / "old.yaml").write_text(OLD, encoding="utf-8")
    assert CliRunner().invoke(app, ["validate", "old.yaml"]).exit_code == 1
    result = CliRunner().invoke(app, ["diff", "--rev", "HEAD", "s.yaml", "-f", "json"])
    # the results differ (the cut now reaches poultry from 1 July): exit 1, not 2
    assert result.exit_code == 1, result.stderr
    warnings = result.stderr.splitlines()
    older = "warning: read under today's stricter rules, which this version predates: "
    assert warnings == [
        f"HEAD:s.yaml:9:14: {older}HS code 0207 unquoted, which today's rules refuse (other "
        'YAML readers take it for another number; write "0207"); read as 0207, as it was',
        f"HEAD:s.yaml:10:14: {older}HS code 8473.30 unquoted, which today's rules refuse "
        '(other YAML readers take it for another number; write "8473.30"); read as 8473.30, '
        "as it was",
        f"HEAD:s.yaml:17:18: {older}HS code 0207 unquoted, which today's rules refuse (other "
        'YAML readers take it for another number; write "0207"); read as 0207, as it was',
        f"HEAD:s.yaml:17:24: {older}HS code 8473.30 unquoted, which today's rules refuse "
        '(other YAML readers take it for another number; write "8473.30"); read as 8473.30, '
        "as it was",
        f"HEAD:s.yaml:22:23: {older}the rate of 'a' for HS 9999 reaches no product line of "
        "its flows, so it would change nothing (a flow without lines has no codes)",
    ]
    # the codes were read as written: only the scenario change differs in the inputs
    assert '"field": "change on 2025-07-01 to a for HS 9999"' in result.stdout


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_a_past_version_that_changes_figures_is_still_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # an unknown measure in a scenario's change is a problem whenever it was written
    (tmp_path / "s.yaml").write_text(OLD.replace("{a: {rate: 5%", "{b: {rate: 5%"), "utf-8")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-q", "-m", "broken")
    (tmp_path / "s.yaml").write_text(NEW, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["diff", "--rev", "HEAD", "s.yaml"])
    assert result.exit_code == 2
    assert "HEAD:s.yaml:22:20: unknown measure 'b'" in result.stderr
