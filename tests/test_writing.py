"""Writing files: never replace a special file, a link or an input; keep modes; fail cleanly.

Device nodes and FIFOs are made in a temporary folder (mknod needs root; those tests are
skipped otherwise); nothing here touches the machine's /dev.
"""

from __future__ import annotations

import errno
import itertools
import os
import shutil
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from tariffs.cli import app

from .conftest import GOLDEN, ROOT
from .test_installed import TARIFFS

GENEVA = "scenarios/geneva.yaml"
PRODUCTS = "scenarios/products-2025.yaml"
ROOT_ONLY = pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0, reason="mknod needs root"
)
POSIX = pytest.mark.skipif(sys.platform == "win32", reason="POSIX files")


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), prog_name="tariffs", catch_exceptions=False)


def device(folder: Path, name: str, minor: int) -> Path:
    """A character device of the memory driver (major 1): 3 is null, 7 is full."""
    node = folder / name
    os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, minor))
    return node


@POSIX
@ROOT_ONLY
@pytest.mark.parametrize("option", ["-o", "--junit"])
def test_a_null_device_is_written_through_not_replaced(tmp_path: Path, option: str) -> None:
    null = device(tmp_path, "null", 3)
    command = "check" if option == "--junit" else "compare"
    result = run(command, GENEVA, option, str(null))
    assert result.exit_code == 0
    assert stat.S_ISCHR(null.stat().st_mode)  # still the device, not a regular file
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null"]  # no temporary left


@POSIX
@ROOT_ONLY
@pytest.mark.parametrize("option", ["-o", "--junit"])
def test_a_full_device_gives_a_message_and_74(tmp_path: Path, option: str) -> None:
    full = device(tmp_path, "full", 7)
    command = "check" if option == "--junit" else "compare"
    result = run(command, GENEVA, option, str(full))
    assert result.exit_code == 74
    assert result.stderr == f"tariffs: cannot write {str(full)!r}: No space left on device\n"
    assert stat.S_ISCHR(full.stat().st_mode)


@POSIX
def test_a_fifo_with_a_reader_is_written_through(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []

    def reader() -> None:
        with fifo.open("rb") as handle:
            received.append(handle.read())

    thread = threading.Thread(target=reader)
    thread.start()
    # a real process: in this one the FIFO is opened without blocking, and the reader
    # thread may not have opened its end yet, so wait for it (a guard, not a timing)
    done = None
    for _ in range(100):
        done = subprocess.run(
            [TARIFFS, "compare", GENEVA, "-f", "csv", "-o", str(fifo)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if done.returncode == 0:
            break
        assert done.stderr.endswith("the FIFO has no reader\n")
    thread.join(timeout=60)
    assert done is not None
    assert done.returncode == 0
    assert received[0] == (ROOT / "tests" / "golden" / "geneva.compare.csv").read_bytes()
    assert stat.S_ISFIFO(fifo.stat().st_mode)


@POSIX
def test_a_fifo_without_a_reader_is_not_waited_for(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    result = run("compare", GENEVA, "-o", str(fifo))
    assert result.exit_code == 74
    assert result.stderr == f"tariffs: cannot write {str(fifo)!r}: the FIFO has no reader\n"
    assert stat.S_ISFIFO(fifo.stat().st_mode)


@POSIX
def test_a_link_to_our_own_stdout_is_written_through(tmp_path: Path) -> None:
    # What /dev/stdout is: a link to /proc/self/fd/1. Made here, so that a fault would
    # replace this link and not the machine's.
    link = tmp_path / "stdout"
    link.symlink_to("/proc/self/fd/1")
    done = subprocess.run(
        [TARIFFS, "compare", GENEVA, "-f", "json", "-o", str(link)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0
    assert done.stdout == (GOLDEN / "geneva.compare.json").read_text(encoding="utf-8")
    assert link.is_symlink()
    assert os.readlink(link) == "/proc/self/fd/1"


@POSIX
def test_a_symbolic_link_is_followed_and_kept(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (real / "out.json").write_text("old\n")
    link = tmp_path / "link.json"
    link.symlink_to(real / "out.json")
    dangling = tmp_path / "dangling.json"
    dangling.symlink_to(real / "new.json")
    assert run("compare", GENEVA, "-f", "json", "-o", str(link)).exit_code == 0
    assert run("compare", GENEVA, "-f", "json", "-o", str(dangling)).exit_code == 0
    assert link.is_symlink()
    assert dangling.is_symlink()
    golden = (ROOT / "tests" / "golden" / "geneva.compare.json").read_text()
    assert (real / "out.json").read_text() == golden
    assert (real / "new.json").read_text() == golden
    assert sorted(p.name for p in real.iterdir()) == ["new.json", "out.json"]


@pytest.mark.parametrize(
    ("command", "args", "target"),
    [
        ("compare", [PRODUCTS, "-f", "csv"], "scenarios/data/us-imports-cn-2024.csv"),
        ("compare", [GENEVA, PRODUCTS], PRODUCTS),
        ("timeline", [PRODUCTS], "scenarios/data/us-imports-cn-2024.csv"),
        ("rate", [PRODUCTS, "--flow", "US:CN", "--hs", "8517.13"], PRODUCTS),
        ("diff", [GENEVA, PRODUCTS], "scenarios/data/us-imports-cn-2024.csv"),
        ("check", [PRODUCTS, "--junit"], "scenarios/data/us-imports-cn-2024.csv"),
    ],
)
def test_no_file_the_run_read_is_overwritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str, args: list[str], target: str
) -> None:
    # Work on a copy of the shipped folder, so that a fault would damage only the copy.
    copy = tmp_path / "scenarios"
    shutil.copytree(ROOT / "scenarios", copy)
    monkeypatch.chdir(tmp_path)
    before = (tmp_path / target).read_bytes()
    option = [] if command == "check" else ["-o"]
    result = run(command, *args, *option, target)
    assert result.exit_code == 2
    assert f"refusing to overwrite the input file {target!r}" in result.stderr
    assert (tmp_path / target).read_bytes() == before


@POSIX
def test_links_to_an_input_are_refused_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / "scenarios"
    shutil.copytree(ROOT / "scenarios", copy)
    monkeypatch.chdir(tmp_path)
    lines = copy / "data" / "us-imports-cn-2024.csv"
    before = lines.read_bytes()
    (tmp_path / "hard.csv").hardlink_to(lines)
    (tmp_path / "soft.csv").symlink_to(lines)
    for name in ("hard.csv", "soft.csv"):
        result = run("compare", PRODUCTS, "-o", name)
        assert result.exit_code == 2
        assert "(this run reads it as 'scenarios/data/us-imports-cn-2024.csv')" in result.stderr
    assert lines.read_bytes() == before


@POSIX
@pytest.mark.parametrize("mode", [0o644, 0o640, 0o600, 0o755])
def test_an_existing_file_keeps_its_mode(tmp_path: Path, mode: int) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old\n")
    target.chmod(mode)
    assert run("compare", GENEVA, "-o", str(target)).exit_code == 0
    assert stat.S_IMODE(target.stat().st_mode) == mode
    assert target.read_text() != "old\n"


@POSIX
@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_a_new_file_gets_the_mode_the_umask_gives(tmp_path: Path, umask: int, mode: int) -> None:
    old = os.umask(umask)
    try:
        assert run("compare", GENEVA, "-o", str(tmp_path / "new.txt")).exit_code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == mode


@pytest.mark.parametrize(
    ("code", "text"),
    [(errno.EROFS, "Read-only file system"), (errno.ENOSPC, "No space left on device")],
)
def test_a_read_only_or_full_file_system_gives_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, text: str
) -> None:
    # A read-only or full file system cannot be mounted here; the error it gives can.
    def refuse(*args: object, **kwargs: object) -> object:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr("tempfile.mkstemp", refuse)
    target = tmp_path / "out.xml"
    for args in (["compare", GENEVA, "-o", str(target)], ["check", GENEVA, "--junit", str(target)]):
        result = run(*args)
        assert result.exit_code == 74
        assert result.stderr == f"tariffs: cannot write {str(target)!r}: {text}\n"
    assert not target.exists()


def test_a_folder_as_output_is_refused(tmp_path: Path) -> None:
    result = run("compare", GENEVA, "-o", str(tmp_path))
    assert result.exit_code == 2
    assert "Invalid value for '--output'" in result.stderr


# --- links that lead where tariffs will not follow -------------------------------------------


@POSIX
def test_a_committed_link_cannot_lead_an_output_out_of_the_tree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A pull request commits results/a.json as a link to a tool on the runner; CI writes
    # `-o results/a.json`. The tool must not become a JSON file (a shell would run it).
    tool = tmp_path / "bin" / "tool"
    tool.parent.mkdir()
    tool.write_text("#!/bin/sh\necho legit\n")
    tool.chmod(0o755)
    repo = tmp_path / "repo"
    (repo / "results").mkdir(parents=True)
    shutil.copy(ROOT / GENEVA, repo / "geneva.yaml")
    (repo / "results" / "a.json").symlink_to(tool)
    (repo / "results" / "b.json").symlink_to("../../bin/tool")
    monkeypatch.chdir(repo)
    for name in ("results/a.json", "results/b.json"):
        for option in (
            ["compare", "geneva.yaml", "-o", name],
            ["check", "geneva.yaml", "--junit", name],
        ):
            result = run(*option)
            assert result.exit_code == 2
            assert "leads outside the current folder through a symbolic link" in result.stderr
    assert tool.read_text() == "#!/bin/sh\necho legit\n"


@POSIX
def test_an_absolute_link_out_of_its_folder_is_not_followed(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text("keep\n")
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "report.json").symlink_to(secret)
    result = run("compare", GENEVA, "-o", str(folder / "report.json"))
    assert result.exit_code == 2
    assert "is a symbolic link that leads out of its folder" in result.stderr
    assert secret.read_text() == "keep\n"


@POSIX
@ROOT_ONLY
def test_a_strangers_link_in_a_sticky_folder_is_not_followed(tmp_path: Path) -> None:
    # /tmp's rule (the kernel's protected_symlinks): another user's link there is not ours
    # to follow, even to a file beside it.
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    target = shared / "shadow"
    target.write_text("root:secret\n")
    link = shared / "report.json"
    link.symlink_to(target)
    os.lchown(link, 65534, 65534)  # planted by nobody
    result = run("compare", GENEVA, "-o", str(link))
    assert result.exit_code == 2
    assert "belongs to another user; refusing to follow it" in result.stderr
    assert target.read_text() == "root:secret\n"


@POSIX
def test_a_scenario_file_read_through_a_link_out_of_the_tree_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "passwd.yaml").write_text("root:x:0:0:root:/root:/bin/bash\n")
    repo = tmp_path / "repo"
    (repo / "scenarios").mkdir(parents=True)
    (repo / "scenarios" / "x.yaml").symlink_to(outside / "passwd.yaml")
    (repo / "linked").symlink_to(outside)  # a committed link to a folder
    monkeypatch.chdir(repo)
    for path in ("scenarios/x.yaml", "linked/passwd.yaml"):
        for command in ("validate", "compare", "check"):
            result = run(command, path)
            assert result.exit_code == 1
            assert "root" not in result.stderr.replace("refusing", "")
            assert "symbolic link" in result.stderr
        result = run("diff", path, path)
        assert result.exit_code == 2
        assert "root" not in result.stderr.replace("refusing", "")


def test_a_csv_delta_row_has_the_date_of_its_metric_row() -> None:
    # docs/output.md (CSV, `date`) says so; delta_low_rate and delta_peak_rate included.
    assert "A `delta_NAME` row has the date of the `NAME` row before it" in (
        ROOT / "docs" / "output.md"
    ).read_text(encoding="utf-8")
    for path in ("scenarios/geneva.yaml", "scenarios/products-2025.yaml"):
        result = CliRunner().invoke(app, ["compare", path, "-f", "csv"], catch_exceptions=False)
        rows = [line.split(",") for line in result.stdout.splitlines()[1:]]
        dated = {"low_rate", "peak_rate", "rate_on", "average_rate", "static_duties"}
        seen = set()
        for before, row in itertools.pairwise(rows):
            if row[5].startswith("delta_"):
                assert before[5] == row[5].removeprefix("delta_")
                assert row[6] == before[6]
                if before[5] in dated:
                    assert row[6], row
                    seen.add(before[5])
        assert seen == dated
