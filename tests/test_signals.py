"""How a run ends on a signal: SIGTERM (`timeout`, `kill`, a cancelled CI job), SIGHUP (a
closed terminal) and SIGINT (Ctrl-C) leave no process and no temporary file behind, and exit
128 + N. The installed command runs as a real process and gets a real signal; the tests poll
for the run to have started (its temporary output file, its worker processes), never time it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tariffs.cli import app
from tariffs.cli.streams import Terminated, catch_ending_signals

from .conftest import ROOT
from .test_installed import TARIFFS

pytestmark = pytest.mark.skipif(
    sys.platform == "win32" or not Path("/proc/self").exists(), reason="POSIX signals, /proc"
)

GENEVA = "scenarios/geneva.yaml"
# A sweep of 3,650 x 30 = 109,500 variants: a minute of work or more, within the work
# limit, so it is still running whenever the signal comes.
LONG_SWEEP = (
    "sweep",
    GENEVA,
    "-s",
    "geneva",
    "--vary",
    "window:Geneva truce.days=1..3650",
    "--vary",
    "change:2025-05-14.us-reciprocal=0%..29%/1%",
    "-f",
    "csv",
)
OLD = "previous results\n"
GUARD = 120
"""Seconds after which a test gives up waiting (a guard against a hang, not a speed check)."""


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found.extend(int(n) for n in (task / "children").read_text().split())
    return found


def _until(ready: Callable[[], bool], proc: subprocess.Popen[bytes]) -> None:
    """Poll until `ready()` holds; fail if the run ends first."""
    deadline = time.monotonic() + GUARD
    while not ready():
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else b""
        assert time.monotonic() < deadline, "the run never started"
        time.sleep(0.02)


def _start_sweep(
    out: Path, jobs: int, preexec_fn: Callable[[], None] | None = None
) -> subprocess.Popen[bytes]:
    """The long sweep writing CSV to `out` (which holds OLD), in a session of its own, once
    its temporary output file and its `jobs` worker processes (for jobs > 1) are there."""
    out.write_text(OLD, encoding="utf-8")
    proc = subprocess.Popen(
        [TARIFFS, *LONG_SWEEP, "-j", str(jobs), "-o", str(out)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        preexec_fn=preexec_fn,  # noqa: PLW1509 - sets one signal's disposition, nothing more
    )
    workers = jobs if jobs > 1 else 0

    def started() -> bool:
        temporary = any(p.name.endswith(".tmp") for p in out.parent.iterdir())
        return temporary and len(_children(proc.pid)) == workers

    _until(started, proc)
    return proc


def _group_is_gone(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return True
    return False


def _ended(proc: subprocess.Popen[bytes], out: Path) -> tuple[int, bytes]:
    """The run's exit code and stderr, once it has ended; its output file is as it was,
    beside no temporary file, and no process of its session is left."""
    _, stderr = proc.communicate(timeout=GUARD)
    assert sorted(p.name for p in out.parent.iterdir()) == [out.name]
    assert out.read_text(encoding="utf-8") == OLD
    assert _group_is_gone(proc.pid)  # the workers ended before the main process
    return proc.returncode, stderr


@pytest.mark.parametrize(
    ("name", "jobs", "whole_group"),
    [
        ("SIGTERM", 1, False),  # kill PID
        ("SIGTERM", 2, False),  # kill PID: the main process ends its workers
        ("SIGTERM", 3, True),  # timeout(1), a cancelled CI job: every process gets it
        ("SIGHUP", 1, False),
        ("SIGHUP", 2, True),  # a closed terminal: the foreground group gets it
        ("SIGINT", 2, True),  # Ctrl-C, as before
    ],
)
def test_a_signal_ends_a_sweep_cleanly_with_128_plus_its_number(
    tmp_path: Path, name: str, jobs: int, whole_group: bool
) -> None:
    number = getattr(signal, name)
    out = tmp_path / "sweep.csv"
    proc = _start_sweep(out, jobs)
    if whole_group:
        os.killpg(proc.pid, number)
    else:
        os.kill(proc.pid, number)
    code, stderr = _ended(proc, out)
    # SIGHUP is 1, SIGINT 2, SIGTERM 15: exit 129, 130, 143, as a shell reports them.
    assert code == 128 + number
    assert stderr == b""


def test_a_worker_killed_mid_sweep_is_one_line_and_an_output_failure(tmp_path: Path) -> None:
    out = tmp_path / "sweep.csv"
    proc = _start_sweep(out, 2)
    os.kill(_children(proc.pid)[0], signal.SIGKILL)  # as the out-of-memory killer would
    code, stderr = _ended(proc, out)
    assert code == 74
    assert stderr == (
        b"tariffs: a worker process of the sweep (--jobs) ended before its variants were "
        b"computed (killed, or out of memory); the output is incomplete\n"
    )


def _ignore_hangup() -> None:
    signal.signal(signal.SIGHUP, signal.SIG_IGN)


def test_a_hangup_ignored_from_the_start_stays_ignored(tmp_path: Path) -> None:
    # `nohup tariffs sweep ...` starts the run with SIGHUP ignored: a closed terminal must
    # not end it. The SIGHUP is dropped; the SIGTERM after it ends the run (143, not 129).
    out = tmp_path / "sweep.csv"
    proc = _start_sweep(out, 2, preexec_fn=_ignore_hangup)
    os.killpg(proc.pid, signal.SIGHUP)
    os.killpg(proc.pid, signal.SIGTERM)
    code, stderr = _ended(proc, out)
    assert (code, stderr) == (143, b"")


def test_the_workers_end_when_the_main_process_is_killed_outright(tmp_path: Path) -> None:
    # SIGKILL cannot be handled: the temporary file stays, but no worker may wait for ever.
    # Each ends when it next sends a run, which nobody reads any more.
    out = tmp_path / "sweep.csv"
    proc = _start_sweep(out, 2)
    workers = _children(proc.pid)
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=GUARD)  # the workers hold stderr too: this waits for them
    assert proc.returncode == -signal.SIGKILL
    deadline = time.monotonic() + GUARD
    while not _group_is_gone(proc.pid):
        assert time.monotonic() < deadline, f"workers {workers} outlived the main process"
        time.sleep(0.05)


# --- every command that writes a file ends cleanly on SIGTERM ---------------------------


@pytest.fixture
def terminable() -> Iterator[None]:
    """This process's SIGTERM and SIGHUP handled as the installed command handles them."""
    saved = {number: signal.getsignal(number) for number in (signal.SIGTERM, signal.SIGHUP)}
    for number in saved:
        signal.signal(number, signal.SIG_DFL)
    catch_ending_signals()
    yield
    for number, handler in saved.items():
        signal.signal(number, handler)


WRITERS = {
    "compare -o": ["compare", GENEVA, "-f", "json", "-o", "{out}"],
    "compare --plot": ["compare", GENEVA, "--plot", "{out}.svg"],
    "timeline -o": ["timeline", GENEVA, "-f", "csv", "-o", "{out}"],
    "diff -o": ["diff", GENEVA, "tests/fixtures/geneva-145.yaml", "-o", "{out}"],
    "check --junit": ["check", GENEVA, "--junit", "{out}"],
    "sweep -o": ["sweep", GENEVA, "--sweep", "truce-length", "-f", "csv", "-o", "{out}"],
}


@pytest.mark.usefixtures("terminable")
@pytest.mark.parametrize("args", WRITERS.values(), ids=WRITERS.keys())
def test_sigterm_while_a_file_is_written_leaves_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    pytest.importorskip("matplotlib")
    out = tmp_path / "out"
    wanted = [a.format(out=out) for a in args]
    target = Path(wanted[-1])
    target.write_text(OLD, encoding="utf-8")

    def terminated(src: str, dst: str) -> None:
        os.kill(os.getpid(), signal.SIGTERM)  # the file is written, not yet renamed

    monkeypatch.setattr("os.replace", terminated)
    with pytest.raises(Terminated) as ended:
        CliRunner().invoke(app, wanted)
    assert ended.value.signum == signal.SIGTERM
    assert target.read_text(encoding="utf-8") == OLD
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]


@pytest.mark.usefixtures("terminable")
def test_sigterm_while_init_writes_leaves_no_half_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tariffs.cli import output  # noqa: PLC0415

    def pieces(text: output.Content) -> Iterator[bytes]:
        yield b"tariffs: 1\n"
        os.kill(os.getpid(), signal.SIGTERM)  # half the file written
        yield b"title: never written\n"

    monkeypatch.setattr(output, "_pieces", pieces)
    target = tmp_path / "new.yaml"
    with pytest.raises(Terminated):
        CliRunner().invoke(app, ["init", str(target)])
    assert list(tmp_path.iterdir()) == []
