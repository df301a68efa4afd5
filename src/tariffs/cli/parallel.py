"""A sweep's variants computed by worker processes (`tariffs sweep --jobs N`).

The variants are cut into runs; worker w of N computes runs w, w + N, w + 2N, ... and sends
each back through its own pipe. This process reads run k from worker k mod N, so the rows
come back in the order of their numbers, whatever the number of processes, and are written
as they come. A worker waits while its pipe is full, so at most a run or two per worker are
in flight and memory stays flat however many variants there are.

How the processes end (see docs/output.md, "Signals"):
- A run that ends early (Ctrl-C, SIGTERM, SIGHUP, a closed pipe, an error) ends the workers
  at once, rather than after their runs, and waits for them: none outlives the run.
- A worker ignores Ctrl-C, which this process handles for the whole run; SIGTERM and
  SIGHUP end it where it is.
- A worker that dies (killed, out of memory) ends the run with `WorkerLost`.
- Should this process be killed outright (SIGKILL), each worker ends when it next sends a
  run: nobody reads its pipe.
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import signal
from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Any

from tariffs.calc.sweep import Sweeper, chunks

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

    from tariffs.calc.results import VariantRow
    from tariffs.domain import Study, Sweep

AHEAD = 4
"""Runs per process, at least, that the variants are cut into, so that every process has
many runs and ends at about the same time."""
RUN = 250
"""Variants in one run, at most: a run costs about 0.1 s on geneva."""

_ENDING = frozenset(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)
"""The signals that end a run: held back while the workers are made, so that none reaches
a worker before it has its own handlers."""


class WorkerLost(Exception):
    """A worker process ended before it sent all its runs: it was killed, or ran out of
    memory. The rows are incomplete."""


def run_size(count: int, jobs: int) -> int:
    """Variants per run: small enough for every process to get many, at most RUN."""
    return max(1, min(RUN, count // (jobs * AHEAD * 4) or 1))


def rows(
    study: Study, sweep: Sweep, count: int, jobs: int, on: date | None, baseline: str | None
) -> Iterator[VariantRow]:
    """Variants 1..count of the sweep, in order, computed by `jobs` processes."""
    size = run_size(count, jobs)
    runs = len(range(1, count + 1, size))
    workers = _start(min(jobs, runs), (study, sweep, on, baseline, count, size))
    try:
        for number in range(runs):
            yield from _receive(workers[number % len(workers)])
    except BaseException:  # stopped early (a signal, a closed pipe, an error, a lost worker)
        _stop(workers, at_once=True)
        raise
    _stop(workers, at_once=False)


class _Worker:
    def __init__(self, process: BaseProcess, pipe: Connection) -> None:
        self.process = process
        self.pipe = pipe


def _start(jobs: int, task: tuple[Any, ...]) -> list[_Worker]:
    """Start `jobs` workers on `task`; a fork of this process where the system has fork."""
    forked = "fork" in multiprocessing.get_all_start_methods()
    context: Any = multiprocessing.get_context("fork" if forked else "spawn")
    workers: list[_Worker] = []
    with _signals_held():
        try:
            for index in range(jobs):
                ours, theirs = context.Pipe(duplex=False)
                # a fork copies this process's ends of the pipes: the worker closes them
                others = [*(worker.pipe for worker in workers), ours] if forked else []
                process = context.Process(
                    target=_work, args=(theirs, others, index, jobs, *task), daemon=True
                )
                process.start()
                theirs.close()  # the worker holds the only copy: its death closes the pipe
                workers.append(_Worker(process, ours))
        except BaseException:
            _stop(workers, at_once=True)
            raise
    return workers


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold back Ctrl-C, SIGTERM and SIGHUP while the workers are made: a worker starts
    with them blocked and lets them through once it has its own handlers (`_work`); this
    process gets any that came meanwhile as soon as they are let through again."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    held = signal.pthread_sigmask(signal.SIG_BLOCK, _ENDING)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def _receive(worker: _Worker) -> list[VariantRow]:
    """The next run of `worker`, or its exception raised here."""
    try:
        done, value = worker.pipe.recv()
    except (EOFError, OSError):
        raise WorkerLost from None
    if not done:
        raise value
    result: list[VariantRow] = value
    return result


def _stop(workers: list[_Worker], *, at_once: bool) -> None:
    """Wait for every worker to end, ending it first when `at_once`."""
    for worker in workers:
        if at_once and worker.process.is_alive():
            worker.process.terminate()
    for worker in workers:
        worker.process.join()
        worker.pipe.close()


def _work(
    pipe: Connection,
    others: list[Connection],
    index: int,
    jobs: int,
    study: Study,
    sweep: Sweep,
    on: date | None,
    baseline: str | None,
    count: int,
    size: int,
) -> None:
    """A worker: runs index, index + jobs, ... of the sweep, each sent as it is done.

    The main process's ends of the pipes (this worker's and those of the workers made
    before it), which a fork copies, are closed first: the main process is then the only
    reader of this worker's pipe, so that the worker cannot outlive it.
    """
    _signals_of_a_worker()
    for other in others:
        other.close()
    sweeper = Sweeper(study, sweep, on=on, baseline=baseline)
    for first, last in itertools.islice(chunks(count, size), index, None, jobs):
        try:
            message: tuple[bool, object] = (True, sweeper.rows(first, last))
        except Exception as exc:  # raised again in the main process, which says what it is
            message = (False, exc)
        pipe.send(message)
        if not message[0]:
            break
    pipe.close()


def _signals_of_a_worker() -> None:
    """Ctrl-C is the main process's to handle; SIGTERM and SIGHUP end a worker where it is,
    whatever handler it inherited, and so does a pipe nobody reads any more (SIGPIPE)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in ("SIGTERM", "SIGHUP", "SIGPIPE"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _ENDING)
