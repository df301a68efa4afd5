"""Hostile entry files: each `tests/corpus/entry-*.csv` fails `tariffs entry` cleanly with
the exact stderr in the `.err` beside it (bad dates, codes, units and values, injected text,
binary and UTF-16 files, files the law cannot price). `pytest --update-golden` rewrites the
.err files; review their diff like any golden file."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tariffs.cli import app

from .conftest import ROOT
from .test_entry import LAW_2026

ENTRY_CORPUS = sorted((ROOT / "tests" / "corpus").glob("entry-*.csv"))


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_the_corpus_has_entry_files_each_with_its_error() -> None:
    assert len(ENTRY_CORPUS) >= 12
    assert not [p.name for p in ENTRY_CORPUS if not p.with_suffix(".err").exists()]


@pytest.mark.parametrize("path", ENTRY_CORPUS, ids=lambda p: p.stem)
def test_each_bad_entry_file_gives_its_exact_error(path: Path, update_golden: bool) -> None:
    result = CliRunner().invoke(app, ["entry", LAW_2026, rel(path)], catch_exceptions=False)
    if update_golden:
        path.with_suffix(".err").write_text(result.stderr, encoding="utf-8", newline="")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == path.with_suffix(".err").read_text(encoding="utf-8")
    lines = result.stderr.splitlines()
    assert lines
    assert all(line.startswith(f"{rel(path)}:") for line in lines)
    assert all(line.split(":")[1].isdigit() and line.split(":")[2].isdigit() for line in lines)
    assert "\x1b" not in result.stderr
    assert "\u202e" not in result.stderr


@pytest.mark.parametrize("fmt", ["json", "csv", "markdown"])
def test_every_format_reports_the_same_error(fmt: str) -> None:
    path = ROOT / "tests" / "corpus" / "entry-bad-values.csv"
    result = CliRunner().invoke(app, ["entry", LAW_2026, rel(path), "-f", fmt])
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == path.with_suffix(".err").read_text(encoding="utf-8")
