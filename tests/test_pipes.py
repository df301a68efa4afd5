"""Broken output in real processes: closed pipes, a full disk, a closed stdout, odd encodings.

One rule for every command, help and version included: a reader that goes away ends the
run with 141 (as `set -o pipefail` reports cat or grep), an unwritable stdout with 74 and
one line on stderr, and never a traceback. The shell tests run under bash.
"""

from __future__ import annotations

import os
import shlex
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT
from .test_installed import TARIFFS

pytestmark = pytest.mark.skipif(
    sys.platform == "win32" or shutil.which("bash") is None, reason="POSIX shell"
)

COMMANDS = {
    "compare": ["compare", "scenarios/geneva.yaml"],
    "compare-json": ["compare", "scenarios/geneva.yaml", "-f", "json"],
    "compare-csv": ["compare", "scenarios/products-2025.yaml", "-f", "csv"],
    "compare-markdown": ["compare", "scenarios/geneva.yaml", "-f", "markdown"],
    "validate": ["validate", "scenarios/geneva.yaml"],
    "timeline": ["timeline", "scenarios/geneva.yaml"],
    "rate": ["rate", "scenarios/products-2025.yaml", "--flow", "US:CN", "--hs", "8517.13"],
    "check": ["check", "scenarios/geneva.yaml"],
    "diff": ["diff", "scenarios/geneva.yaml", "tests/fixtures/geneva-145.yaml"],
    "schema": ["schema"],
    "help": ["--help"],
    "command-help": ["compare", "--help"],
    "version": ["--version"],
}


def shell(script: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run a bash script from the repository root; `$T` is the installed command."""
    return subprocess.run(
        ["bash", "-c", script],
        cwd=ROOT,
        env={**os.environ, "T": TARIFFS, **env},
        capture_output=True,
        text=True,
        timeout=120,  # a guard against hangs, not a speed check
        check=False,
    )


def command_line(name: str) -> str:
    return " ".join(shlex.quote(arg) for arg in COMMANDS[name])


@pytest.mark.parametrize("name", COMMANDS)
def test_a_closed_pipe_gives_141_and_no_message(name: str) -> None:
    # `true` exits without reading: every write fails, whatever the timing.
    done = shell(f'set -o pipefail; "$T" {command_line(name)} | true; echo "code $?"')
    assert done.stdout == "code 141\n"
    assert done.stderr == ""


def test_a_large_output_piped_to_head_gives_141(tmp_path: Path) -> None:
    # head reads one line and leaves; the output (about 8 MB) is far larger than a pipe's
    # buffer, so a later write fails and the run must end as cat's would.
    lines = tmp_path / "lines.csv"
    with lines.open("w") as handle:
        handle.write("hs,description,value\n")
        for i in range(20_000):
            handle.write(f"{1000 + i // 10}.{i % 10:02d},line {i},1m\n")
    scenario = tmp_path / "big.yaml"
    scenario.write_text(
        "tariffs: 1\ntitle: big\nperiod: {start: 2025-01-01, until: 2026-01-01}\n"
        "on: 2025-06-01\nflows:\n  - {importer: US, exporter: CN, lines_file: lines.csv}\n"
        "measures:\n  m: {importer: US, exporter: CN, basis: b, rates: {2025-04-01: 10%}}\n"
        "scenarios:\n  a: {}\n  b: {}\n"
    )
    done = shell(f'set -o pipefail; "$T" compare {scenario} -f csv | head -1; echo "code $?"')
    assert done.stdout == "file,scenario,importer,exporter,item,metric,date,value,unit\ncode 141\n"
    assert done.stderr == ""


def _full(tmp_path: Path) -> str:
    """A node like /dev/full in tmp_path (root only), else the machine's /dev/full, which a
    redirection of stdout only opens, never replaces."""
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        node = tmp_path / "full"
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 7))
        return str(node)
    return "/dev/full"


@pytest.mark.parametrize("name", COMMANDS)
def test_stdout_on_a_full_disk_gives_74_and_one_line(tmp_path: Path, name: str) -> None:
    done = shell(f'"$T" {command_line(name)} > {_full(tmp_path)}; echo "code $?"')
    assert done.stdout == "code 74\n"
    assert done.stderr == "tariffs: cannot write the output: No space left on device\n"


@pytest.mark.parametrize("name", COMMANDS)
def test_a_closed_stdout_gives_74_and_one_line(name: str) -> None:
    done = shell(f'"$T" {command_line(name)} >&-; echo "code $?" >&2')
    assert done.stderr == "tariffs: cannot write the output: standard output is closed\ncode 74\n"


def test_a_closed_stdout_does_not_matter_when_nothing_goes_there(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    done = shell(f'"$T" compare scenarios/geneva.yaml -f json -o {out} >&-; echo "code $?" >&2')
    assert done.stderr == "code 0\n"
    assert out.read_bytes() == (ROOT / "tests" / "golden" / "geneva.compare.json").read_bytes()


def test_invalid_input_with_a_closed_stdout_still_says_why(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("tariffs: 1\n")
    done = shell(f'"$T" validate {bad} >&-; echo "code $?" >&2')
    assert f"{bad}:1:1: missing required key 'title'\n" in done.stderr
    assert done.stderr.endswith("code 1\n")


def test_an_ascii_terminal_and_a_non_ascii_file_name(tmp_path: Path) -> None:
    folder = tmp_path / "données"
    folder.mkdir()
    shutil.copy(ROOT / "scenarios" / "geneva.yaml", folder / "genève.yaml")
    for command in ("validate", "compare", "check"):
        done = shell(f'"$T" {command} {folder}/genève.yaml', PYTHONIOENCODING="ascii")
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr
    done = shell(f'"$T" validate {folder}/genève.yaml', PYTHONIOENCODING="ascii")
    assert (
        done.stdout
        == f"{tmp_path}/donn\\xe9es/gen\\xe8ve.yaml: ok (4 scenarios, 3 measures, 2 flows)\n"
    )


def test_an_undecodable_file_name_is_shown_not_fatal(tmp_path: Path) -> None:
    name = os.fsencode(tmp_path) + b"/bad-\xff.yaml"
    with open(name, "wb") as handle:
        handle.write((ROOT / "scenarios" / "geneva.yaml").read_bytes())
    done = subprocess.run(
        [os.fsencode(TARIFFS), b"validate", name], capture_output=True, timeout=60, check=False
    )
    assert done.returncode == 0
    assert (
        done.stdout
        == os.fsencode(tmp_path) + b"/bad-\\xff.yaml: ok (4 scenarios, 3 measures, 2 flows)\n"
    )
    done = subprocess.run(
        [os.fsencode(TARIFFS), b"compare", name, b"-f", b"json"],
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0
    assert b'"path": "' + os.fsencode(tmp_path) + b'/bad-\\udcff.yaml"' in done.stdout


def test_with_stderr_closed_a_usage_error_does_not_land_in_stdout(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    done = shell(f'"$T" compare scenarios/geneva.yaml -s nope -f json 2>&- > {out}; echo "code $?"')
    assert done.stdout == "code 2\n"
    assert out.read_text() == ""


@pytest.mark.parametrize("encoding", ["idna", "ascii", "latin-1"])
def test_an_odd_output_encoding_still_writes(encoding: str) -> None:
    done = shell('"$T" --version; echo "code $?"', PYTHONIOENCODING=encoding)
    assert done.stdout.startswith("tariffs ")
    assert done.stdout.endswith("code 0\n")
