"""Shared by the benchmark scripts: the peak memory of a command, measured fairly."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import NamedTuple

from tariffs.calc.compare import compare
from tariffs.input.load import load
from tariffs.render import PLAIN_WIDTH, json_out, table

_PROBE = (
    "import os, subprocess, sys\n"
    "p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
    "_, status, usage = os.wait4(p.pid, 0)\n"
    "print(usage.ru_maxrss, os.waitstatus_to_exitcode(status))\n"
)


def peak_mb(command: list[str]) -> tuple[float, int]:
    """(peak resident MB, exit code) of `command`, started from a small fresh process.

    A child's peak counts the memory of the process that forked it, so the command is not
    started from the (larger) benchmark process.
    """
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, *command], capture_output=True, text=True, check=True
    )
    peak, code = done.stdout.split()
    return int(peak) / 1024, int(code)


ROOT = Path(__file__).resolve().parent.parent

# Bytecode is cached as after a normal install: an environment that sets
# PYTHONDONTWRITEBYTECODE (as some sandboxes do) would otherwise time the compilation of
# our sources on every run. One untimed run first writes the cache.
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run(command: list[str]) -> None:
    """Run a command from the repository root, its output thrown away."""
    subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, check=True, env=CHILD_ENV)


def cpu_seconds(command: list[str]) -> tuple[float, float]:
    """(wall, user + system) seconds of one whole run of `command`, its output thrown away."""
    start = time.perf_counter()
    child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, env=CHILD_ENV)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise subprocess.CalledProcessError(os.waitstatus_to_exitcode(status), command)
    return wall, usage.ru_utime + usage.ru_stime


def median_wall_and_cpu(command: list[str], runs: int) -> tuple[float, float]:
    """Medians of wall and CPU seconds of a whole command, after one untimed run."""
    run(command)
    samples = [cpu_seconds(command) for _ in range(runs)]
    return (
        statistics.median(wall for wall, _ in samples),
        statistics.median(cpu for _, cpu in samples),
    )


_SAMPLE = (
    "import os, subprocess, sys, time\n"
    "start = time.perf_counter()\n"
    "p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
    "_, status, usage = os.wait4(p.pid, 0)\n"
    "wall = time.perf_counter() - start\n"
    "cpu = usage.ru_utime + usage.ru_stime\n"
    "print(wall, cpu, usage.ru_maxrss, os.waitstatus_to_exitcode(status))\n"
)


class Sample(NamedTuple):
    """One whole run of a command: wall and CPU (user + system) seconds, peak resident MB."""

    wall: float
    cpu: float
    peak: float


def sample(command: list[str]) -> Sample:
    """One run of `command` from the repository root, its output thrown away, started from
    a small fresh process (see `peak_mb`) that reports what wait4(2) says of it."""
    done = subprocess.run(
        [sys.executable, "-c", _SAMPLE, *command],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env=CHILD_ENV,
    )
    wall, cpu, peak, code = done.stdout.split()
    if int(code) != 0:
        raise subprocess.CalledProcessError(int(code), command)
    return Sample(float(wall), float(cpu), int(peak) / 1024)


class Paired(NamedTuple):
    """Medians of a command's runs and of the floor's runs made in turn with them, the
    median of the CPU ratios pair by pair, and the command's largest peak."""

    cpu: float
    wall: float
    peak: float
    floor_cpu: float
    ratio: float
    runs: int


def paired(command: list[str], floor: list[str], runs: int) -> Paired:
    """`command` and `floor` run in turn, A B A B ..., after one untimed run of each (which
    also writes the bytecode caches): pairing keeps the ratio meaningful on a machine whose
    speed drifts (other work, frequency), where single timings are not."""
    sample(command)
    sample(floor)
    pairs = [(sample(command), sample(floor)) for _ in range(runs)]
    return Paired(
        cpu=statistics.median(a.cpu for a, _ in pairs),
        wall=statistics.median(a.wall for a, _ in pairs),
        peak=max(a.peak for a, _ in pairs),
        floor_cpu=statistics.median(b.cpu for _, b in pairs),
        ratio=statistics.median(a.cpu / b.cpu for a, b in pairs),
        runs=runs,
    )


def median_seconds(command: list[str], runs: int) -> float:
    """Median wall seconds of a whole command, after one untimed run."""
    run(command)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run(command)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def stage_seconds(path: Path, runs: int, *, with_table: bool = False) -> dict[str, float]:
    """Median seconds of each stage for one file inside this process (no start-up cost):
    load, compute and JSON, and the plain-text table if asked."""
    found: dict[str, list[float]] = {"load": [], "compute": [], "json": []}
    if with_table:
        found["table"] = []
    for _ in range(runs):
        t0 = time.perf_counter()
        study = load(path)
        t1 = time.perf_counter()
        result = compare(study)
        t2 = time.perf_counter()
        for _ in json_out.compare([(str(path), result)]):  # a lazy stream: consume it
            pass
        t3 = time.perf_counter()
        times = [t1 - t0, t2 - t1, t3 - t2]
        if with_table:
            table.to_text(table.compare([(str(path), result)], PLAIN_WIDTH))
            times.append(time.perf_counter() - t3)
        for name, seconds in zip(found, times, strict=True):
            found[name].append(seconds)
    return {name: statistics.median(values) for name, values in found.items()}
