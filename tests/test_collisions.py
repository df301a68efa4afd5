"""Two outputs of one run never land in one file (cli.output.collision), and a chart is never
written through a link to a file of another kind (cli.output.check_suffix): refused before
any work, exit 2, every file left as it was."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tariffs.cli import app

from .conftest import ROOT
from .test_installed import TARIFFS

GENEVA = "scenarios/geneva.yaml"
EDITED = "tests/fixtures/geneva-145.yaml"
SAME = "one output would replace the other, or both be mixed in it; give each its own file"

pytest.importorskip("matplotlib")


def _cli(*args: str) -> Any:
    return CliRunner().invoke(app, list(args), prog_name="tariffs", catch_exceptions=False)


def _error(result: Any) -> str:
    return " ".join(result.stderr.split("Error: ", 1)[1].split())


COMMANDS = {
    "compare": ["compare", GENEVA],
    "timeline": ["timeline", GENEVA],
    "diff": ["diff", GENEVA, EDITED],
    "sweep": ["sweep", GENEVA, "--sweep", "truce-length"],
}


@pytest.mark.parametrize("args", COMMANDS.values(), ids=COMMANDS.keys())
def test_output_and_plot_to_one_file_are_refused(tmp_path: Path, args: list[str]) -> None:
    same = tmp_path / "same.svg"
    result = _cli(*args, "-o", str(same), "--plot", str(same))
    assert result.exit_code == 2
    assert _error(result) == (
        f"Invalid value for '--plot': '{same}' is the same file as '{same}' (--output): {SAME}"
    )
    assert list(tmp_path.iterdir()) == []  # refused before anything was written


def test_a_link_or_a_hard_link_to_the_other_output_is_the_same_file(tmp_path: Path) -> None:
    out = tmp_path / "out.svg"
    out.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.svg"
    link.symlink_to("out.svg")
    result = _cli("compare", GENEVA, "-o", str(out), "--plot", str(link))
    assert result.exit_code == 2
    assert _error(result) == (
        f"Invalid value for '--plot': '{link}' is the same file as '{out}' (--output): {SAME}"
    )
    hard = tmp_path / "hard.svg"
    os.link(out, hard)
    result = _cli("compare", GENEVA, "-o", str(hard), "--plot", str(out))
    assert result.exit_code == 2
    assert out.read_text(encoding="utf-8") == "old\n"


def test_check_junit_to_standard_output_is_refused() -> None:
    # check prints its report on standard output: the XML would be mixed into it.
    result = _cli("check", GENEVA, "--junit", "/dev/stdout")
    assert result.exit_code == 2
    assert _error(result) == (
        f"Invalid value for '--junit': '/dev/stdout' is the same file as standard output: {SAME}"
    )


def test_a_shell_redirection_to_the_plot_file_is_refused(tmp_path: Path) -> None:
    # `tariffs compare FILE -f json --plot x.svg > x.svg`: the chart would be renamed over
    # the file the JSON is being written to, and the JSON lost.
    chart = tmp_path / "x.svg"
    with chart.open("wb") as stdout:
        done = subprocess.run(
            [TARIFFS, "compare", GENEVA, "-f", "json", "--plot", str(chart)],
            cwd=ROOT,
            stdout=stdout,
            stderr=subprocess.PIPE,
            check=False,
        )
    assert done.returncode == 2
    assert f"'{chart}' is the same file as standard output: {SAME}" in " ".join(
        done.stderr.decode().split()
    )
    assert chart.read_bytes() == b""


def test_a_plot_link_to_a_file_of_another_kind_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "data.json"
    data.write_text("{}\n", encoding="utf-8")
    link = tmp_path / "chart.svg"
    link.symlink_to("data.json")
    result = _cli("compare", GENEVA, "--plot", str(link))
    assert result.exit_code == 2
    assert _error(result) == (
        f"Invalid value for '--plot': refusing to write '{link}': it is a symbolic link to "
        f"'{data}', a file of another kind (.json, not .svg)"
    )
    assert data.read_text(encoding="utf-8") == "{}\n"
    png = tmp_path / "old.png"
    png.write_bytes(b"png")
    other = tmp_path / "new.svg"
    other.symlink_to("old.png")  # an SVG image in a .png file: refused too
    assert _cli("sweep", GENEVA, "--sweep", "truce-length", "--plot", str(other)).exit_code == 2
    assert png.read_bytes() == b"png"


def test_distinct_outputs_a_link_of_the_same_kind_and_dev_null_are_written(
    tmp_path: Path,
) -> None:
    target = tmp_path / "target.svg"
    target.write_text("old\n", encoding="utf-8")
    link = tmp_path / "chart.svg"
    link.symlink_to("target.svg")
    out = tmp_path / "out.json"
    result = _cli("compare", GENEVA, "-f", "json", "-o", str(out), "--plot", str(link))
    assert result.exit_code == 0
    assert link.is_symlink()
    assert target.read_bytes().startswith(b"<?xml")
    assert out.read_text(encoding="utf-8").startswith("{")
    assert _cli("check", GENEVA, "--junit", "/dev/null").exit_code == 0
    assert (
        _cli("compare", GENEVA, "-o", "/dev/null", "--plot", str(tmp_path / "a.svg")).exit_code == 0
    )
