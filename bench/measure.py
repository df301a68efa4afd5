"""Shared by the benchmark scripts: the peak memory of a command, measured fairly."""

from __future__ import annotations

import subprocess
import sys

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
