"""The installed console script, run as a real process (the one subprocess test module)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import GOLDEN, ROOT

TARIFFS = shutil.which("tariffs") or str(Path(sys.executable).with_name("tariffs"))
HOSTILE_ENV = {
    "COLUMNS": "40",
    "LINES": "5",
    "TERM": "dumb",
    "FORCE_COLOR": "1",
    "NO_COLOR": "1",
    "TTY_COMPATIBLE": "1",
    "TERMINAL_WIDTH": "300",
    "GITHUB_ACTIONS": "true",
    "LC_ALL": "C",
    "LANG": "C",
    "PYTHONIOENCODING": "ascii",
}


def tariffs(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run the installed script from the repository root; the caller checks the exit code."""
    merged = {**os.environ, **(env or {})}
    return subprocess.run(
        [TARIFFS, *args], cwd=ROOT, env=merged, capture_output=True, timeout=60, check=False
    )


def test_console_script_is_installed() -> None:
    assert Path(TARIFFS).exists(), "install the project: pip install -e '.[test]'"


def test_compare_bytes_do_not_depend_on_the_terminal() -> None:
    # Same bytes as the golden file, whatever the environment says about the terminal.
    expected = (GOLDEN / "geneva.compare.txt").read_bytes()
    plain = tariffs("compare", "scenarios/geneva.yaml")
    hostile = tariffs("compare", "scenarios/geneva.yaml", env=HOSTILE_ENV)
    assert plain.returncode == hostile.returncode == 0
    assert plain.stdout == hostile.stdout == expected


@pytest.mark.parametrize(
    "env",
    [
        {"COLUMNS": "40"},
        {"COLUMNS": "300"},
        {"LC_ALL": "de_DE.UTF-8", "LANG": "de_DE.UTF-8"},
        {"LC_ALL": "C", "LANG": "C"},
        {"NO_COLOR": "1"},
        {"FORCE_COLOR": "1"},
        {"TERM": "dumb"},
        {"TERM": "xterm-256color", "COLORTERM": "truecolor"},
    ],
    ids=lambda env: ",".join(f"{k}={v}" for k, v in env.items()),
)
@pytest.mark.parametrize(("fmt", "ext"), [("table", "txt"), ("markdown", "md")])
def test_each_terminal_variable_alone_changes_no_byte(
    env: dict[str, str], fmt: str, ext: str
) -> None:
    expected = (GOLDEN / f"geneva.compare.{ext}").read_bytes()
    done = tariffs("compare", "scenarios/geneva.yaml", "--format", fmt, env=env)
    assert (done.returncode, done.stderr) == (0, b"")
    assert done.stdout == expected


@pytest.mark.parametrize(("fmt", "ext"), [("json", "json"), ("csv", "csv"), ("markdown", "md")])
def test_every_format_ignores_a_hostile_environment(fmt: str, ext: str) -> None:
    done = tariffs("compare", "scenarios/geneva.yaml", "--format", fmt, env=HOSTILE_ENV)
    assert done.returncode == 0
    assert done.stdout == (GOLDEN / f"geneva.compare.{ext}").read_bytes()


def test_help_does_not_import_heavy_modules() -> None:
    # Design guard for start-up time: --help loads neither pydantic nor yaml nor rich.
    probe = (
        "import sys; from tariffs.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('pydantic', 'yaml', 'rich') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, "--help"], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip().endswith("[]")


def test_python_dash_m_and_exit_code_for_invalid_input(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("tariffs: 1\nflows: [\n")
    done = subprocess.run(
        [sys.executable, "-m", "tariffs", "validate", str(bad)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr.startswith(f"{bad}:3:1: ")
    assert "Traceback" not in done.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX terminals")
def test_colour_only_on_a_terminal() -> None:
    import pty  # noqa: PLC0415 - POSIX only

    leader, follower = pty.openpty()
    with subprocess.Popen(
        [TARIFFS, "compare", "scenarios/geneva.yaml"], cwd=ROOT, stdout=follower, stderr=follower
    ) as proc:
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closes when the process ends
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert proc.wait(timeout=60) == 0
    os.close(leader)
    on_terminal = b"".join(chunks)
    assert b"\x1b[" in on_terminal
    assert b"\x1b[" not in tariffs("compare", "scenarios/geneva.yaml").stdout


_MAIN = (
    "import sys\n"
    "from tariffs.cli import main\n"
    "sys.argv = ['tariffs', *sys.argv[1:]]\n"
    "try:\n"
    "    main()\n"
    "except SystemExit as exc:\n"
    "    sys.stderr.write(f'exit {exc.code}, metadata {\"importlib.metadata\" in sys.modules}')\n"
)


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("scenarios/geneva.yaml", 0),
        ("tests/corpus/percent-bare-30.yaml", 1),
        ("tests/corpus/expect-two-metrics.yaml", 1),
    ],
)
def test_the_console_script_leaves_out_pydantic_plugins(path: str, code: int) -> None:
    # pydantic's plugin search imports importlib.metadata (with email and zipfile) when it
    # builds its first validator; the console script leaves it out (tariffs.cli.startup)
    # and its files are validated all the same: the output and the refusals are as ever.
    done = subprocess.run(
        [sys.executable, "-c", _MAIN, "compare", path],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.stderr.endswith(f"exit {code}, metadata False")
    if code == 0:
        assert done.stdout == (GOLDEN / "geneva.compare.txt").read_text(encoding="utf-8")
    else:
        expected = (ROOT / path).with_suffix(".err").read_text(encoding="utf-8")
        assert done.stderr.startswith(expected)
