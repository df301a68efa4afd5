"""Hostile and malformed input: every file in tests/corpus/ fails cleanly with its exact error.

Each `NAME.yaml` has a `NAME.err` beside it: the exact stderr of `tariffs validate` on it,
`path:line:col: message` per problem. `pytest --update-golden` rewrites the .err files;
review their diff like any golden file. Two files are made at test time instead of being
committed: one of 50 MB and one just over the 10 MiB limit.

Speed is not asserted here (see bench/hostile.py for the timings); memory is bounded by the
operating system instead: the real process runs under a 200 MB address-space limit, so a
file that needed more would fail the test with a MemoryError or a crash.
"""

from __future__ import annotations

import resource
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tariffs.cli import app
from tariffs.limits import MAX_BYTES

from .conftest import ROOT
from .test_installed import TARIFFS

CORPUS = sorted((ROOT / "tests" / "corpus").glob("*.yaml"))
MEMORY_LIMIT = 200 * 1024 * 1024


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def expected(path: Path) -> str:
    return path.with_suffix(".err").read_text(encoding="utf-8")


def test_the_corpus_has_at_least_40_files_each_with_its_error() -> None:
    assert len(CORPUS) >= 40
    missing = [p.name for p in CORPUS if not p.with_suffix(".err").exists()]
    assert not missing


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_each_bad_file_gives_its_exact_error(path: Path, update_golden: bool) -> None:
    result = CliRunner().invoke(app, ["validate", rel(path)], catch_exceptions=False)
    if update_golden:
        path.with_suffix(".err").write_text(result.stderr, encoding="utf-8", newline="")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == expected(path)
    lines = result.stderr.splitlines()
    assert lines
    assert all(line.startswith(f"{rel(path)}:") for line in lines)
    assert all(line.split(":")[1].isdigit() and line.split(":")[2].isdigit() for line in lines)


@pytest.mark.parametrize("command", ["compare", "check", "timeline"])
@pytest.mark.parametrize("path", CORPUS[::7], ids=lambda p: p.stem)
def test_every_command_reports_the_same_error(path: Path, command: str) -> None:
    result = CliRunner().invoke(app, [command, rel(path)], catch_exceptions=False)
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", expected(path))


def _big(path: Path, size: int) -> Path:
    line = b"notes: " + b"x" * 1000 + b"\n"
    with path.open("wb") as handle:
        for _ in range(size // len(line) + 1):
            handle.write(line)
    return path


@pytest.mark.parametrize("size", [MAX_BYTES + 1, 50 * 1024 * 1024], ids=["10MiB+1", "50MB"])
def test_huge_files_are_refused_before_parsing(tmp_path: Path, size: int) -> None:
    big = _big(tmp_path / "big.yaml", size)
    result = CliRunner().invoke(app, ["validate", str(big)], catch_exceptions=False)
    assert result.exit_code == 1
    assert result.stderr == f"{big}:1:1: {too_large(big)}\n"


def too_large(path: Path) -> str:
    size = path.stat().st_size
    return f"file is larger than 10 MiB ({size:,} bytes); refusing to parse it"


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def test_the_real_process_stays_within_200_mb_and_never_shows_a_traceback(
    tmp_path: Path,
) -> None:
    big = _big(tmp_path / "big.yaml", 50 * 1024 * 1024)
    done = subprocess.run(
        [TARIFFS, "validate", *(rel(p) for p in CORPUS), str(big)],
        cwd=ROOT,
        capture_output=True,
        timeout=120,  # a guard against hangs, not a speed check
        preexec_fn=_limit_memory,  # memory capped by the OS: RLIMIT_AS
        check=False,
    )
    stderr = done.stderr.decode("utf-8")
    assert "Traceback" not in stderr
    assert done.returncode == 1
    want = "".join(expected(p) for p in CORPUS)
    want += f"{big}:1:1: {too_large(big)}\n"
    assert stderr == want
