"""A progress bar on stderr, for long runs on a terminal: never in a pipe or a file.

It appears only when stderr is a terminal and the run has lasted `DELAY` seconds, is
redrawn at most `RATE` times a second, and is wiped when the run ends, so that nothing of
it stays on the screen or reaches any output.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Iterator
from typing import TextIO, TypeVar

T = TypeVar("T")

DELAY = 1.0
"""Seconds before the bar appears: shorter runs show none."""
RATE = 10
"""Redraws a second, at most."""
WIDTH = 30
"""Characters of the bar itself."""


def bar(done: int, total: int, what: str) -> str:
    """The bar's text: `[#######.......]  42%  4,200/10,000 variants`."""
    share = done / total if total else 1.0
    filled = int(WIDTH * share)
    return f"[{'#' * filled}{'.' * (WIDTH - filled)}] {share:4.0%}  {done:,}/{total:,} {what}"


def tracked(
    items: Iterable[T],
    total: int,
    what: str,
    *,
    stream: TextIO | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> Iterator[T]:
    """`items`, passed through; with a bar on `stream` (stderr) when it is a terminal."""
    out = stream or sys.stderr
    if not out.isatty():
        yield from items
        return
    start = last = clock()
    shown = False
    done = 0
    try:
        for item in items:
            yield item
            done += 1
            now = clock()
            if now - start >= DELAY and now - last >= 1 / RATE:
                out.write("\r" + bar(done, total, what))
                out.flush()
                shown, last = True, now
    finally:
        if shown:
            out.write("\r\x1b[2K")  # wipe the line: the bar leaves nothing behind
            out.flush()
