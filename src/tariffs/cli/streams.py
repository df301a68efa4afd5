"""The standard streams and the exit status: how a run ends, whatever happens to its output.

`run` prepares the streams (a closed stdout, an encoding that cannot hold a file name,
SIGPIPE) and the signals that end a run (SIGTERM, SIGHUP, as SIGINT), and turns every way a
run can end into an exit code and at most one line on stderr.
"""

from __future__ import annotations

import errno
import io
import os
import signal
import sys
from types import FrameType
from typing import NoReturn

import typer

from tariffs.cli.exits import EXIT_INTERRUPTED, EXIT_INVALID, EXIT_OK, EXIT_OUTPUT, EXIT_PIPE

ENDING = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))
"""The signals that ask a run to end, besides SIGINT: `timeout`, `kill` and a cancelled CI
job send SIGTERM, a closed terminal SIGHUP."""


class Terminated(BaseException):
    """A run ended by SIGTERM or SIGHUP. Raised in the main thread by the signal's handler,
    it unwinds the run as Ctrl-C's KeyboardInterrupt does, so that every `finally` runs: a
    temporary output file is removed, worker processes are stopped. Like KeyboardInterrupt,
    it is no Exception, so that no `except Exception` can swallow it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _end(signum: int, frame: FrameType | None) -> None:
    """The handler of SIGTERM and SIGHUP: end the run by an exception. Another such signal
    while the run cleans up is ignored, so that the cleaning is not cut short."""
    for each in ENDING:
        signal.signal(each, signal.SIG_IGN)
    raise Terminated(signum)


def catch_ending_signals() -> None:
    """Make SIGTERM and SIGHUP end the run by `Terminated`, except a signal that was ignored
    when the process started (`nohup` ignores SIGHUP), which stays ignored."""
    for each in ENDING:
        if signal.getsignal(each) is signal.SIG_DFL:
            signal.signal(each, _end)


class _ClosedStream:
    """Stands in for stdout when the process started with it closed (`>&-`): any write
    fails, so a command that has something to say exits 74 instead of saying nothing."""

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, "standard output is closed")

    def flush(self) -> None:
        """Nothing is buffered."""

    def isatty(self) -> bool:
        return False


def _prepare_streams() -> None:
    """Make the standard streams safe before anything runs.

    - A closed descriptor 0, 1 or 2 is reopened on /dev/null, so that no file opened later
      takes its number; a closed stdout becomes a stream whose writes fail.
    - Piped or redirected output is UTF-8 whatever the locale (LC_ALL=C), so that the same
      input gives the same bytes; on a terminal, or with an encoding asked for
      (PYTHONIOENCODING=ascii), text the encoding cannot hold is written as a backslash
      escape rather than ending the run.
    - A closed pipe ends the run as it ends cat or grep: by SIGPIPE, which a shell reports
      as 141. Python ignores SIGPIPE by default; restoring it covers every write, the help
      text's included, whatever code makes it.
    """
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            null = os.open(os.devnull, os.O_RDWR)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)
            if fd == 1:
                sys.stdout = _ClosedStream()  # type: ignore[assignment,unused-ignore]
            elif fd == 2:  # messages go nowhere, rather than into stdout
                sys.stderr = open(fd, "w", closefd=False)  # noqa: SIM115
    chosen = "PYTHONIOENCODING" in os.environ  # an encoding asked for, not the locale's
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is None:
            continue
        if not chosen and not _is_terminal(stream):
            # piped or redirected: UTF-8 whatever the locale, so the bytes are the same
            reconfigure(encoding="utf-8", errors="backslashreplace")
            continue
        try:
            "tariffs \\ \u2013\n".encode(stream.encoding, "backslashreplace")
            reconfigure(errors="backslashreplace")
        except (LookupError, UnicodeError, ValueError):  # a codec that is no text encoding
            reconfigure(encoding="utf-8", errors="backslashreplace")


def _is_terminal(stream: object) -> bool:
    try:
        return bool(getattr(stream, "isatty", lambda: False)())
    except (OSError, ValueError):
        return False


def _usage(exc: typer.TyperException) -> None:
    """A usage error, as click would show it, but through `visible`: its text may quote a
    file name or an option value, which are not to reach a terminal raw."""
    from tariffs.render.safe import visible

    buffer = io.StringIO()
    show = getattr(exc, "show", None)
    if show is not None:
        show(file=buffer)
    else:
        buffer.write(f"tariffs: {exc.format_message()}\n")
    typer.echo(visible(buffer.getvalue(), newlines=True), err=True, nl=False)


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that the interpreter's last flush has nowhere to fail."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.close(null)
    except OSError:
        pass


def _failed_write(error: OSError) -> int:
    """The exit code, and the message, for output that could not be written.

    Every read and every output file is handled where it happens, so an OSError that
    reaches here comes from writing stdout: a full disk, a closed descriptor, a closed pipe
    where SIGPIPE is not available.
    """
    _silence_stdout()
    if isinstance(error, BrokenPipeError):
        return EXIT_PIPE  # the reader went away (| head): stop quietly, as cat would
    typer.echo(f"tariffs: cannot write the output: {error.strerror or error}", err=True)
    return EXIT_OUTPUT


def run(app: typer.Typer) -> NoReturn:
    """Run the app as the console script does. Every way a run can end has its exit code
    and at most a one-line message (see the README, "Exit codes"); a traceback is a bug."""
    _prepare_streams()
    catch_ending_signals()
    try:
        code = app(prog_name="tariffs", standalone_mode=False)
    except typer.TyperException as exc:  # usage errors and bad parameters
        _usage(exc)
        code = exc.exit_code
    except (typer.Abort, KeyboardInterrupt):
        code = EXIT_INTERRUPTED
    except Terminated as exc:
        code = 128 + exc.signum  # as a shell reports a process the signal ended
    except OSError as exc:
        code = _failed_write(exc)
    except MemoryError:
        _silence_stdout()
        typer.echo("tariffs: out of memory; the input is too large for this machine", err=True)
        code = EXIT_INVALID
    else:
        try:
            sys.stdout.flush()
        except OSError as exc:
            code = _failed_write(exc)
    raise SystemExit(code if isinstance(code, int) else EXIT_OK)
