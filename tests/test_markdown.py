"""Markdown output renders as intended in a GitHub pull-request comment, whatever the file says."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from tariffs.cli import app

HOSTILE = """\
tariffs: 1
title: "A | B <b>bold</b> *star* _under_ [link](http://x) `code` &lt;"
period: {start: 2025-01-01, until: 2026-01-01}
on: 2025-06-01
flows: [{importer: US, exporter: CN, value: 1bn}]
measures:
  m_1: {importer: US, exporter: CN, basis: "a | b", rates: {2025-01-01: 10%}}
scenarios:
  s_1:
    description: "line one\\nline two | <script>alert(1)</script>"
    windows: [{name: "w | *x*", start: 2025-02-01, days: 5, set: {m_1: 0%}}]
"""

UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


def _cells(row: str) -> int:
    return len(UNESCAPED_PIPE.findall(row)) - 1


def test_hostile_text_cannot_break_tables_or_inject_html(tmp_path: Path) -> None:
    path = tmp_path / "hostile.yaml"
    path.write_text(HOSTILE, encoding="utf-8")
    for command in ("compare", "timeline"):
        result = CliRunner().invoke(app, [command, str(path), "-f", "markdown"])
        assert result.exit_code == 0, result.output
        text = result.stdout
        assert "<b>" not in text
        assert "<script>" not in text
        assert "&lt;b&gt;bold&lt;/b&gt;" in text
        assert "&amp;lt;" in text  # the file's own "&lt;" shows as written
        assert r"\*star\*" in text
        assert r"\[link\](http://x)" in text
        assert "\\`code\\`" in text
        # Every row of every table has as many cells as its header.
        for table in re.findall(r"((?:^\|.*\|\n)+)", text, re.M):
            rows = table.splitlines()
            assert {_cells(row) for row in rows} == {_cells(rows[0])}, table
    compare = CliRunner().invoke(app, ["compare", str(path), "-f", "markdown"]).stdout
    assert "| w \\| \\*x\\* |" in compare


def test_a_change_of_rate_reads_as_an_arrow_and_file_text_stays_escaped(tmp_path: Path) -> None:
    path = tmp_path / "arrow.yaml"
    path.write_text(HOSTILE.replace('name: "w | *x*"', 'name: "<i>w->x</i>"'), encoding="utf-8")
    result = CliRunner().invoke(app, ["timeline", str(path), "-s", "s_1", "-f", "markdown"])
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "| m\\_1 10.0% \u2192 0.0% (&lt;i&gt;w-&gt;x&lt;/i&gt; starts) |" in text
    assert "<i>" not in text
    assert "% -&gt;" not in text
    table = CliRunner().invoke(app, ["timeline", str(path), "-s", "s_1"]).stdout
    assert "m_1 10.0% -> 0.0% (<i>w->x</i> starts)" in " ".join(table.split())
