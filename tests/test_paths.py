"""Reading files: every path a file names stays in the scenario's folder, on disk and in git.

Each test builds what an attacker would commit (links, FIFOs, devices, odd revisions) in a
temporary folder; nothing here reads or writes outside it, except /etc/passwd, which the
tests try (and fail) to reach.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path, PurePath

import pytest
from typer.testing import CliRunner, Result

from tariffs.cli import app
from tariffs.input import files

from .conftest import ROOT
from .test_installed import TARIFFS

SCENARIO = """\
tariffs: 1
title: lines from a file
period: {start: 2025-01-01, until: 2026-01-01}
on: 2025-06-01
flows:
  - {importer: US, exporter: CN, lines_file: 'LINES'}
measures:
  m: {importer: US, exporter: CN, basis: b, rates: {2025-01-01: 10%}}
scenarios:
  s: {}
expect:
  - {scenario: s, flow: "US:CN", rate: 10%}
"""
CSV = "hs,description,value\n8517.13,phones,10bn\n"
ROOT_ONLY = pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0, reason="mknod needs root"
)
POSIX = pytest.mark.skipif(sys.platform == "win32", reason="POSIX files")


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), prog_name="tariffs", catch_exceptions=False)


def scenario(folder: Path, lines_file: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "s.yaml"
    path.write_text(SCENARIO.replace("LINES", lines_file), encoding="utf-8")
    return path


# --- links out of the folder --------------------------------------------------------------


def deep_link(folder: Path) -> None:
    """`a` -> d1/d2/.../d12: resolving `a/..` stays inside, the text `a/..` does not."""
    deep = folder.joinpath(*(f"d{i}" for i in range(1, 13)))
    deep.mkdir(parents=True)
    (folder / "a").symlink_to(deep.relative_to(folder))


ESCAPE = "a/" + "../" * 12 + "etc/passwd"


@POSIX
@pytest.mark.parametrize("command", ["validate", "compare", "check", "timeline"])
def test_a_link_twelve_folders_deep_cannot_reach_etc_passwd(tmp_path: Path, command: str) -> None:
    # The text s/a/../../(12 in all)/etc/passwd normalises to /etc/passwd, which the old
    # loader opened after checking the resolved path. Resolved, `a` is d1/.../d12 and the
    # twelve `..` climb back to s: the file really named is s/etc/passwd, inside the
    # folder. That is the file opened now, and it does not exist.
    folder = tmp_path / "s"
    path = scenario(folder, ESCAPE)
    deep_link(folder)
    result = run(command, str(path))
    assert result.exit_code == 1
    assert "root:" not in result.output
    assert result.stderr == f"{folder / 'etc' / 'passwd'}:1:1: no such file\n"
    # One more `..` and the resolved path leaves the folder: refused before any opening.
    path = scenario(folder, ESCAPE.replace("etc/", "../etc/"))
    result = run(command, str(path))
    assert result.exit_code == 1
    assert "root:" not in result.output
    assert result.stderr.endswith("is outside the scenario file's folder; refusing to read it\n")


@POSIX
def test_the_path_checked_is_the_path_opened(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    deep_link(folder)
    d10 = folder.joinpath(*(f"d{i}" for i in range(1, 11)))
    (d10 / "x.csv").write_text(CSV)
    # a/.. is d11, so a/../../x.csv is d10/x.csv, inside the folder: it is read from there,
    # although the text normalises to s/../x.csv
    assert files.inside(folder, "a/../../x.csv") == (d10 / "x.csv").resolve()
    with pytest.raises(ValueError, match="outside"):
        files.inside(folder, ESCAPE.replace("etc/", "../etc/"))
    path = scenario(folder, "a/../../x.csv")
    assert run("validate", str(path)).exit_code == 0


@POSIX
@pytest.mark.parametrize(
    "name",
    ["link.csv", "linked-folder/us.csv", "data/../link.csv"],
)
def test_links_that_point_out_are_refused(tmp_path: Path, name: str) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "us.csv").write_text(CSV)
    folder = tmp_path / "s"
    path = scenario(folder, name)
    (folder / "data").mkdir()
    (folder / "link.csv").symlink_to(outside / "us.csv")
    (folder / "linked-folder").symlink_to(outside)
    result = run("validate", str(path))
    assert result.exit_code == 1
    assert result.stderr.endswith("is outside the scenario file's folder; refusing to read it\n")


@POSIX
def test_links_that_stay_inside_are_followed(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    path = scenario(folder, "current/us.csv")
    (folder / "v2").mkdir(parents=True)
    (folder / "v2" / "us.csv").write_text(CSV)
    (folder / "current").symlink_to("v2")
    result = run("validate", str(path))
    assert (result.exit_code, result.stderr) == (0, "")
    # the lines file's problems name the file actually read
    (folder / "v2" / "us.csv").write_text("hs,description,value\n8517.13,phones,lots\n")
    result = run("validate", str(path))
    assert result.stderr.startswith(f"{folder / 'v2' / 'us.csv'}:2:")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("/etc/passwd", "must be a path relative to the scenario file"),
        ("..\\..\\etc\\passwd", "must be a path relative to the scenario file"),
        ("C:/x.csv", "must be a path relative to the scenario file"),
        ("../s.yaml", "is outside the scenario file's folder"),
        ("data/../../x.csv", "is outside the scenario file's folder"),
    ],
)
def test_names_that_leave_the_folder_are_refused(tmp_path: Path, name: str, message: str) -> None:
    path = scenario(tmp_path / "s", name)
    result = run("validate", str(path))
    assert result.exit_code == 1
    assert message in result.stderr


# --- what is not a regular file -------------------------------------------------------------


def _run_guarded(*args: str) -> subprocess.CompletedProcess[str]:
    """A real process, with a timeout as a guard against a hang (not a speed check)."""
    return subprocess.run([TARIFFS, *args], capture_output=True, text=True, timeout=60, check=False)


@POSIX
def test_a_fifo_as_the_scenario_file_does_not_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "f.yaml"
    os.mkfifo(fifo)
    done = _run_guarded("validate", str(fifo))
    assert (done.returncode, done.stdout) == (1, "")
    assert (
        done.stderr
        == f"{fifo}:1:1: is a FIFO (named pipe), not a regular file; refusing to read it\n"
    )


@POSIX
def test_a_fifo_as_a_lines_file_does_not_hang(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    path = scenario(folder, "lines.csv")
    os.mkfifo(folder / "lines.csv")
    done = _run_guarded("compare", str(path))
    assert done.returncode == 1
    assert done.stderr.endswith(
        "lines.csv:1:1: is a FIFO (named pipe), not a regular file; refusing to read it\n"
    )


@POSIX
@ROOT_ONLY
@pytest.mark.parametrize(("device", "what"), [((1, 3), "null"), ((1, 8), "random")])
def test_a_character_device_is_refused(tmp_path: Path, device: tuple[int, int], what: str) -> None:
    # /dev/random would never end; /dev/null would be an empty file. Both are refused,
    # whether named on the command line or as a lines file. The nodes live in tmp_path.
    node = tmp_path / what
    os.mknod(node, stat.S_IFCHR | 0o600, os.makedev(*device))
    result = run("validate", str(node))
    assert (
        result.stderr
        == f"{node}:1:1: is a character device, not a regular file; refusing to read it\n"
    )
    folder = tmp_path / "s"
    path = scenario(folder, what)
    os.mknod(folder / what, stat.S_IFCHR | 0o600, os.makedev(*device))
    result = run("validate", str(path))
    assert result.exit_code == 1
    assert result.stderr.endswith(
        "is a character device, not a regular file; refusing to read it\n"
    )


def test_a_folder_as_a_lines_file_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    path = scenario(folder, "data")
    (folder / "data").mkdir()
    result = run("validate", str(path))
    assert result.exit_code == 1
    assert result.stderr.endswith("data:1:1: is a directory, not a scenario file\n")


# --- git: the same check, and nothing a revision can make git do ---------------------------


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    if shutil.which("git") is None:
        pytest.skip("needs git")
    repo = tmp_path / "repo"
    folder = repo / "s"
    scenario(folder, "data/us.csv")
    (folder / "data").mkdir()
    (folder / "data" / "us.csv").write_text(CSV)
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "first")
    monkeypatch.chdir(repo)
    return repo


def test_a_revision_reads_the_file_and_its_lines(repo: Path) -> None:
    result = run("diff", "--rev", "HEAD", "s/s.yaml")
    assert (result.exit_code, result.stderr) == (0, "")


@pytest.mark.parametrize(
    ("rev", "message"),
    [
        ("--output=victim", "looks like an option"),
        ("--pretty=format:%H", "looks like an option"),
        ("-p", "looks like an option"),
        ("", "--rev needs a revision"),
        ("  ", "--rev needs a revision"),
        ("no-such-branch", "unknown revision 'no-such-branch'"),
        ("HEAD:s", "unknown revision 'HEAD:s'"),
    ],
)
def test_a_revision_is_never_an_option_and_never_the_index(
    repo: Path, rev: str, message: str
) -> None:
    result = run("diff", f"--rev={rev}", "s/s.yaml")
    assert result.exit_code == 2
    assert message in result.stderr
    assert sorted(p.name for p in repo.iterdir()) == [".git", "s"]  # git wrote no file


def test_a_symbolic_link_at_a_revision_is_named(repo: Path) -> None:
    (repo / "s" / "link.csv").symlink_to("/etc/passwd")
    (repo / "s" / "s.yaml").write_text(SCENARIO.replace("LINES", "link.csv"))
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "link")
    result = run("diff", "--rev", "HEAD", "s/s.yaml")
    assert result.exit_code == 2
    assert "root:" not in result.output
    assert result.stderr.startswith(
        "HEAD:s/link.csv:1:1: is a symbolic link (to '/etc/passwd') at revision 'HEAD'; "
        "tariffs does not follow links in git revisions"
    )


def test_the_scenario_file_itself_as_a_link_at_a_revision(repo: Path) -> None:
    (repo / "s" / "t.yaml").symlink_to("s.yaml")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "link")
    result = run("diff", "--rev", "HEAD", "s/t.yaml")
    assert result.exit_code == 2
    assert "is a symbolic link (to 's.yaml')" in result.stderr


@pytest.mark.parametrize(
    ("lines_file", "message"),
    [
        ("../outside.csv", "is outside the scenario file's folder"),
        ("data", "is a folder at revision 'HEAD', not a file"),
        ("missing.csv", "no such file at revision 'HEAD'"),
    ],
)
def test_lines_files_at_a_revision(repo: Path, lines_file: str, message: str) -> None:
    (repo / "outside.csv").write_text(CSV)
    (repo / "s" / "s.yaml").write_text(SCENARIO.replace("LINES", lines_file))
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "edit")
    result = run("diff", "--rev", "HEAD", "s/s.yaml")
    assert result.exit_code == 2
    assert message in result.stderr


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("s/s.yaml/x.yaml", "s/s.yaml: is a regular file, not a folder"),
        ("missing/x.yaml", "missing: no such folder"),
    ],
)
def test_a_revision_of_a_path_whose_folder_is_wrong(repo: Path, path: str, message: str) -> None:
    result = run("diff", "--rev", "HEAD", path)
    assert result.exit_code == 2
    assert result.stderr == f"tariffs: {message}\n"


def test_a_revision_outside_a_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if shutil.which("git") is None:
        pytest.skip("needs git")
    path = scenario(tmp_path / "s", "x.csv")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    result = run("diff", "--rev", "HEAD", str(path))
    assert result.exit_code == 2
    assert "is not inside a git repository" in result.stderr


def test_git_missing_is_named_as_such(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(repo / "no-bin"))
    result = run("diff", "--rev", "HEAD", "s/s.yaml")
    assert result.exit_code == 2
    assert result.stderr == "tariffs: --rev needs git, which is not on PATH\n"


def test_one_path_check_serves_disk_and_git(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Both readers go through files.inside: replace it and both refuse the same way.
    inside = files.inside

    def refuse(folder: PurePath, name: str, *, resolve: bool = True) -> PurePath:
        if name == "s.yaml":
            return inside(folder, name, resolve=resolve)
        raise ValueError(f"checked {name} ({'disk' if resolve else 'git'})")

    monkeypatch.setattr(files, "inside", refuse)
    assert "checked data/us.csv (disk)" in run("validate", "s/s.yaml").stderr
    assert "checked data/us.csv (git)" in run("diff", "--rev", "HEAD", "s/s.yaml").stderr


def test_the_textual_check_refuses_every_way_out() -> None:
    from pathlib import PurePosixPath  # noqa: PLC0415

    assert files.inside(PurePosixPath("s"), "data/../x.csv", resolve=False).as_posix() == "s/x.csv"
    assert files.inside(PurePosixPath("."), "x.csv", resolve=False).as_posix() == "x.csv"
    for name in ("../x.csv", "data/../../x.csv", "/x.csv", "..", "a\\..\\..\\x"):
        with pytest.raises(ValueError, match=r"outside|relative"):
            files.inside(PurePosixPath("s"), name, resolve=False)
    for name in ("../x.csv", ".."):
        with pytest.raises(ValueError, match="outside"):
            files.inside(PurePosixPath("."), name, resolve=False)


# --- sizes: cost follows what the file says, and the limits are refused early ------------


def rate_steps_file(
    path: Path, *, steps: int, scenarios: int, touch: bool, alike: bool = True
) -> Path:
    """4 measures of `steps` dated rates each; `scenarios` scenarios that change one
    measure each (`touch`: alike, or each to its own rate) or nothing at all. The shape of
    the 1.5 MB file that once ran for 190 s: 4 measures x 20,000 steps x 3,000 scenarios."""
    from datetime import date, timedelta  # noqa: PLC0415

    first = date(1950, 1, 1)
    rates = "\n".join(
        f"      {(first + timedelta(days=i)).isoformat()}: {i % 50}%" for i in range(steps)
    )
    measures = "".join(
        f"  m{m}:\n    importer: US\n    exporter: CN\n    basis: b\n    rates:\n{rates}\n"
        for m in range(4)
    )

    def change(i: int) -> str:
        rate = 5 if alike else i
        return f"{{changes: {{2025-03-01: {{m0: {rate}%}}}}}}" if touch else "{}"

    body = "".join(f"  s{i}: {change(i)}\n" for i in range(scenarios))
    path.write_text(
        "tariffs: 1\ntitle: steps\nperiod: {start: 2025-01-01, until: 2026-01-01}\n"
        "on: 2025-06-01\nflows:\n  - {importer: US, exporter: CN, value: 1bn}\n"
        f"measures:\n{measures}scenarios:\n{body}"
    )
    return path


def test_scenarios_that_change_nothing_cost_nothing_more(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each measure's steps are made once and shared by every scenario that leaves it
    # alone: 300 empty scenarios make as many steps as 1; each scenario that changes a
    # measure its own way makes that measure's steps again, and scenarios that change it
    # alike share them.
    from tariffs.calc import scope  # noqa: PLC0415
    from tariffs.calc.compare import compare  # noqa: PLC0415
    from tariffs.domain import Measure  # noqa: PLC0415
    from tariffs.input.load import load  # noqa: PLC0415

    made: list[str] = []
    steps = scope.steps_for

    def counted(measure: Measure, *args: object, **kwargs: object) -> object:
        made.append(measure.name)
        return steps(measure, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(scope, "steps_for", counted)
    for scenarios, touch, alike, expected in [
        (1, False, True, 4),
        (300, False, True, 4),
        (300, True, False, 4 + 300),
        (300, True, True, 4 + 1),
    ]:
        made.clear()
        path = rate_steps_file(
            tmp_path / "f.yaml", steps=50, scenarios=scenarios, touch=touch, alike=alike
        )
        compare(load(path))
        assert len(made) == expected


def test_a_file_that_asks_for_too_much_work_is_refused_before_it_starts(tmp_path: Path) -> None:
    # 3,000 scenarios that each change a measure of 20,000 steps: about 360 million steps,
    # six times the limit. Refused after loading (a few seconds), not after minutes.
    path = rate_steps_file(tmp_path / "f.yaml", steps=20_000, scenarios=3_000, touch=True)
    for command in ("validate", "compare", "check"):
        result = run(command, str(path))
        assert result.exit_code == 1
        [line] = result.stderr.splitlines()
        assert line.startswith(f"{path}:1:1: this file asks for about ")
        assert "steps of work (3,000 scenarios, 1 classes of 1 product lines" in line
        assert "over the limit of 60,000,000; split its scenarios or flows" in line


def test_a_lines_file_past_the_limit_is_refused_at_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tariffs.input import lines as loading  # noqa: PLC0415

    monkeypatch.setattr(loading, "MAX_LINES", 100)
    folder = tmp_path / "s"
    path = scenario(folder, "lines.csv")
    rows = "".join(f"{1000 + i},line {i},1m\n" for i in range(1_000))
    (folder / "lines.csv").write_text("hs,description,value\n" + rows)
    result = run("validate", str(path))
    assert result.exit_code == 1
    assert result.stderr == (
        f"{folder / 'lines.csv'}:102:1: more than 100 product lines, the most a file may "
        "hold; split the flow over several files\n"
    )


def test_a_lines_file_stops_after_100_problems(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    path = scenario(folder, "lines.csv")
    (folder / "lines.csv").write_text("hs,description,value\n" + "1000,x,lots\n" * 1_000)
    result = run("validate", str(path))
    lines = result.stderr.splitlines()
    assert len(lines) == 101
    assert lines[-1] == f"{folder / 'lines.csv'}:102:1: stopped reading after 100 problems"


def head(extra_measures: str = "", scenarios: str = "  s: {}\n") -> str:
    return (
        "tariffs: 1\ntitle: t\nperiod: {start: 2025-01-01, until: 2026-01-01}\non: 2025-06-01\n"
        "flows:\n  - {importer: US, exporter: CN, value: 1bn}\n"
        "measures:\n  m: {importer: US, exporter: CN, basis: b, rates: {2025-01-01: 10%}}\n"
        f"{extra_measures}scenarios:\n{scenarios}"
    )


def test_a_file_of_too_many_values_is_refused_while_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The node tree that keeps every value's place costs about 600 bytes a value: counted
    # on the parse events, before any tree is built.
    from tariffs.input import yamlsource  # noqa: PLC0415

    monkeypatch.setattr(yamlsource, "MAX_EVENTS", 2 * 1_000 + 10)
    monkeypatch.setattr(yamlsource, "MAX_NODES", 1_000)
    path = tmp_path / "x.yaml"
    path.write_text("tariffs: 1\nnotes:\n" + "- {a: 1}\n" * 1_000)
    result = run("validate", str(path))
    assert result.exit_code == 1
    assert "the file holds more than 1,000 values and collections" in result.stderr


def test_too_many_expectations_are_refused_before_they_are_read(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(head() + "expect:\n" + '  - {scenario: s, flow: "US:CN", rate: 10%}\n' * 10_001)
    result = run("validate", str(path))
    assert result.stderr == (
        f"{path}:12:3: the file states 10,001 expectations; a file may state at most 10,000\n"
    )


def test_windows_cost_the_square_of_their_number_in_the_estimate(tmp_path: Path) -> None:
    # Each window's counterfactual remakes its measure with every window applied: 4,000
    # windows on one measure are about 4,000 x 8,000 x 5 steps, over the limit.
    from datetime import date, timedelta  # noqa: PLC0415

    windows = "".join(
        f"      - {{name: w{i}, start: {date(1990, 1, 1) + timedelta(days=2 * i)}, days: 1, "
        f"set: {{m: {i % 40}%}}}}\n"
        for i in range(4_000)
    )
    path = tmp_path / "x.yaml"
    path.write_text(head(scenarios=f"  s:\n    windows:\n{windows}"))
    result = run("compare", str(path))
    assert result.exit_code == 1
    assert "steps of work (1 scenarios" in result.stderr


def test_a_timeline_too_large_is_refused_before_it_is_made(tmp_path: Path) -> None:
    # 80 measures of 500 dated rates each: up to 40,000 rows of 86 columns.
    from datetime import date, timedelta  # noqa: PLC0415

    measures = "".join(
        f"  m{k}:\n    importer: US\n    exporter: CN\n    basis: b\n    rates:\n"
        + "".join(
            f"      {date(1950, 1, 1) + timedelta(days=k + 80 * i)}: {(i + k) % 50}%\n"
            for i in range(500)
        )
        for k in range(80)
    )
    path = tmp_path / "x.yaml"
    path.write_text(head(extra_measures=measures).replace("m: {importer", "m00: {importer"))
    result = run("timeline", str(path), "-f", "json")
    assert result.exit_code == 1
    assert "cells (1 scenario x 1 flow" in result.stderr
    assert "over the limit of 1,500,000" in result.stderr


def test_a_table_too_large_is_refused_but_json_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tariffs import limits  # noqa: PLC0415

    monkeypatch.setattr(limits, "MAX_TABLE_CELLS", 100)
    path = tmp_path / "x.yaml"
    path.write_text(head(scenarios="".join(f"  s{i}: {{}}\n" for i in range(20))))
    for fmt in ("table", "markdown"):
        result = run("compare", str(path), "-f", fmt)
        assert result.exit_code == 1
        assert result.stderr.startswith("tariffs: the tables would hold ")
        assert "over the limit of 100 for a table or Markdown; use --format json" in result.stderr
    assert run("compare", str(path), "-f", "json").exit_code == 0


def test_a_path_up_the_tree_without_links_is_the_user_s_choice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `../geneva.yaml` from a sub-folder names a file outside the current folder, but
    # through no link: read it, as the same path written absolute is; a link there that
    # leads out of its folder is still refused
    (tmp_path / "sub").mkdir()
    shutil.copy(ROOT / "scenarios" / "geneva.yaml", tmp_path / "geneva.yaml")
    (tmp_path / "sub" / "p.yaml").symlink_to("/etc/passwd")
    monkeypatch.chdir(tmp_path / "sub")
    result = CliRunner().invoke(app, ["validate", "../geneva.yaml"])
    assert (result.exit_code, result.stdout) == (
        0,
        "../geneva.yaml: ok (4 scenarios, 3 measures, 2 flows)\n",
    )
    refused = CliRunner().invoke(app, ["validate", "../sub/p.yaml"])
    assert refused.exit_code == 1
    assert "leads outside the current folder through a symbolic link" in refused.stderr
