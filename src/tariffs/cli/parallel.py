"""A sweep's variants computed by a pool of processes (`tariffs sweep --jobs N`).

The rows come back in the order of their numbers, whatever the number of processes, and
at most `AHEAD` runs of rows per process are in flight, so that memory stays flat however
many variants there are: rows are written as they come.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import date
from typing import TYPE_CHECKING

from tariffs.calc.sweep import Sweeper, chunks

if TYPE_CHECKING:
    from tariffs.calc.results import VariantRow
    from tariffs.domain import Study, Sweep

AHEAD = 4
"""Runs of rows in flight per process."""
RUN = 250
"""Variants in one run, at most: a run costs about 0.1 s on geneva."""

_sweeper: Sweeper | None = None


def _start(study: Study, sweep: Sweep, on: date | None, baseline: str | None) -> None:
    global _sweeper  # noqa: PLW0603 - one sweeper per worker process, made once
    _sweeper = Sweeper(study, sweep, on=on, baseline=baseline)


def _rows(first: int, last: int) -> list[VariantRow]:
    if _sweeper is None:  # pragma: no cover - _start runs first in every worker
        raise RuntimeError("the worker has no sweep")
    return _sweeper.rows(first, last)


def run_size(count: int, jobs: int) -> int:
    """Variants per run: small enough for every process to get many, at most RUN."""
    return max(1, min(RUN, count // (jobs * AHEAD * 4) or 1))


def rows(
    study: Study, sweep: Sweep, count: int, jobs: int, on: date | None, baseline: str | None
) -> Iterator[VariantRow]:
    """Variants 1..count of the sweep, in order, computed by `jobs` processes."""
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    runs = chunks(count, run_size(count, jobs))
    with ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=context,
        initializer=_start,
        initargs=(study, sweep, on, baseline),
    ) as pool:
        pending: deque[Future[list[VariantRow]]] = deque()
        try:
            for first, last in runs:
                pending.append(pool.submit(_rows, first, last))
                if len(pending) >= jobs * AHEAD:
                    break
            while pending:
                done = pending.popleft().result()
                following = next(runs, None)
                if following is not None:
                    pending.append(pool.submit(_rows, *following))
                yield from done
        finally:  # stopped early (an error, a closed pipe): drop the runs not started
            for future in pending:
                future.cancel()
