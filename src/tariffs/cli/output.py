"""Writing files (see docs/output.md, "Writing files"): the shell's side of file access.

`write_file` replaces a regular file atomically, keeping its mode; writes through to a
character device or a FIFO, never replacing it; writes to this process's own descriptor
for a name such as /dev/stdout; follows any other symbolic link to its target; and
refuses to replace a file the run read (`Inputs`). `create_file` writes only a new file
(`tariffs init`), with exclusive creation.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from tariffs.input.files import Inputs, LinkRefused, followed, kind


class OutputProblem(Exception):
    """An output file cannot be written (a full disk, a read-only file system, a missing
    folder); the message is for the user."""


class OutputRefused(OutputProblem):
    """An output path that tariffs will not write: a file the run read, or a folder."""


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


Content = str | bytes | Iterable[str]
"""What write_file writes: text (UTF-8), pieces of text written as they come, or bytes."""


def write_file(text: Content, path: Path, inputs: Inputs | None = None) -> None:
    """Write `text` to `path`, safely.

    - A symbolic link is followed to its target, and the link stays, when the target lies
      where tariffs may follow it (input.files.followed: in the current folder's tree for
      a relative path, in the link's own folder, never a stranger's link in /tmp).
    - A regular file or a new path is written atomically: a temporary file in the same
      folder, then a rename. An existing file keeps its mode (and its owner, for root); a
      new file gets the mode the umask gives, as a shell redirection would.
    - A character device (/dev/null) or a FIFO is written through, never replaced; so is a
      name for one of this process's descriptors (/dev/stdout, /dev/fd/3), which shares
      that descriptor's position as a shell redirection does.
    - Anything else (a folder, a socket, a block device) is refused, and so is any file the
      run read (`inputs`), whatever path names it.
    """
    shown = os.fspath(path)
    info = _existing(path, follow=True)
    if info is not None and inputs is not None:
        read = inputs.read(info)
        if read is not None:
            same = "" if read == shown else f" (this run reads it as {read!r})"
            raise OutputRefused(f"refusing to overwrite the input file {shown!r}{same}")
    descriptor = _descriptor(path)
    try:
        target = path if descriptor is not None else followed(path)
    except LinkRefused as exc:
        raise OutputRefused(f"cannot write {shown!r}: {exc}") from None
    try:
        if descriptor is not None:
            _write_descriptor(text, descriptor)
        elif info is None or stat.S_ISREG(info.st_mode):
            _replace(text, target, info)
        elif stat.S_ISCHR(info.st_mode) or stat.S_ISFIFO(info.st_mode):
            _write_through(text, path, fifo=stat.S_ISFIFO(info.st_mode))
        else:
            raise OutputRefused(f"cannot write {shown!r}: it is {kind(info.st_mode)}")
    except OSError as exc:
        raise OutputProblem(f"cannot write {shown!r}: {exc.strerror or exc}") from None


_DESCRIPTOR = re.compile(r"^/(?:proc/(?:self|thread-self|[0-9]+)|dev)/fd/([0-9]+)$")


def _descriptor(path: Path) -> int | None:
    """The descriptor number if `path` names one of this process's descriptors, following
    symbolic links one at a time (/dev/stdout -> /proc/self/fd/1): such a link cannot be
    resolved to a file to replace, it *is* the open file."""
    current = os.path.abspath(path)
    for _ in range(40):
        found = _DESCRIPTOR.match(current)
        if found and (not current.startswith("/proc/") or _ours(current)):
            return int(found.group(1))
        if not os.path.islink(current):
            return None
        current = os.path.normpath(os.path.join(os.path.dirname(current), os.readlink(current)))
    return None


def _ours(path: str) -> bool:
    owner = path.split("/")[2]
    return owner in {"self", "thread-self", str(os.getpid())}


def _pieces(text: Content) -> Iterable[bytes]:
    if isinstance(text, bytes):
        return (text,)
    if isinstance(text, str):
        return (text.encode("utf-8"),)
    return (piece.encode("utf-8") for piece in text)


def _write_descriptor(text: Content, descriptor: int) -> None:
    for piece in _pieces(text):
        data = memoryview(piece)
        while data:
            data = data[os.write(descriptor, data) :]


def _replace(text: Content, target: Path, info: os.stat_result | None) -> None:
    parent = target.parent
    if not parent.is_dir():
        raise OutputRefused(f"cannot write {str(target)!r}: folder {str(parent)!r} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            for piece in _pieces(text):
                handle.write(piece)
            handle.flush()
            if info is None:
                os.fchmod(handle.fileno(), 0o666 & ~_umask())
            else:
                os.fchmod(handle.fileno(), stat.S_IMODE(info.st_mode))
                if os.geteuid() == 0:
                    os.fchown(handle.fileno(), info.st_uid, info.st_gid)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write_through(text: Content, path: Path, *, fifo: bool) -> None:
    flags = os.O_WRONLY | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags | (os.O_NONBLOCK if fifo else 0))
    except OSError as exc:
        if fifo and exc.errno == errno.ENXIO:  # nobody reads the FIFO: writing would hang
            raise OutputProblem(f"cannot write {str(path)!r}: the FIFO has no reader") from None
        raise
    try:
        if fifo:
            os.set_blocking(fd, True)
        _write_descriptor(text, fd)
    finally:
        os.close(fd)


def create_file(text: Content, path: Path) -> None:
    """Write `text` to a new file at `path`; never replace or write through anything.

    The file is opened with exclusive creation ('x': O_CREAT | O_EXCL), so a file that is
    there, or appears between a look and the open, is never overwritten, and a symbolic
    link at `path` (even one that leads nowhere) is refused rather than followed; so are a
    folder, a FIFO and a device. The new file gets the mode the umask gives. Should writing
    fail (a full disk), the partial file is removed.
    """
    shown = os.fspath(path)
    info = _existing(path, follow=False)
    if info is not None:
        what = "it exists" if stat.S_ISREG(info.st_mode) else f"it is {kind(info.st_mode)}"
        raise OutputRefused(f"refusing to overwrite {shown!r}: {what}")
    parent = path.parent
    if not parent.is_dir():
        raise OutputRefused(f"cannot write {shown!r}: folder {str(parent)!r} does not exist")
    try:
        handle = open(path, "xb")  # noqa: SIM115 (closed below, or removed with the file)
    except FileExistsError:
        raise OutputRefused(f"refusing to overwrite {shown!r}: it exists") from None
    except OSError as exc:
        raise OutputProblem(f"cannot write {shown!r}: {exc.strerror or exc}") from None
    try:
        with handle:
            for piece in _pieces(text):
                handle.write(piece)
    except BaseException as exc:
        path.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise OutputProblem(f"cannot write {shown!r}: {exc.strerror or exc}") from None
        raise


def collision(outputs: Iterable[tuple[str, Path | None]]) -> tuple[str, str] | None:
    """Two outputs of one run that are one file, where one would replace the other or the
    two would be written into each other: the option of the second, and a message naming
    both; None when there are none. Each output is an option's name and its path, or None
    for standard output (where a command without --output writes its result).

    Two outputs are one when they name the same descriptor (`/dev/stdout` and standard
    output), or the same regular file or FIFO, by identity (device and inode: a symbolic or
    hard link to the other, or `> x` in the shell beside `--plot x`), or the same new path.
    A character device (/dev/null, a terminal) may take several outputs: nothing is
    replaced there.
    """
    seen: dict[tuple[object, ...], str] = {}
    for option, path in outputs:
        keys = _identities(path)
        for key in keys:
            if key in seen:
                shown = "standard output" if path is None else repr(os.fspath(path))
                return option, (
                    f"{shown} is the same file as {seen[key]}: one output would replace "
                    "the other, or both be mixed in it; give each its own file"
                )
        for key in keys:
            seen.setdefault(
                key, "standard output" if path is None else f"{os.fspath(path)!r} ({option})"
            )
    return None


def _identities(path: Path | None) -> list[tuple[object, ...]]:
    """What makes an output one with another (see `collision`)."""
    if path is None:
        return _descriptor_identities(1)
    number = _descriptor(path)
    if number is not None:
        return _descriptor_identities(number)
    try:
        target = followed(path)
    except LinkRefused:
        return []  # refused when written, with the reason
    try:
        info = os.stat(target)
    except FileNotFoundError:
        return [("new", os.path.realpath(target))]
    except OSError:
        return []
    return _file_identity(info)


def _descriptor_identities(number: int) -> list[tuple[object, ...]]:
    try:
        info = os.fstat(number)
    except OSError:
        return [("fd", number)]
    return [("fd", number), *_file_identity(info)]


def _file_identity(info: os.stat_result) -> list[tuple[object, ...]]:
    if stat.S_ISREG(info.st_mode) or stat.S_ISFIFO(info.st_mode):
        return [("file", info.st_dev, info.st_ino)]
    return []


def check_suffix(path: Path) -> None:
    """Refuse a path whose symbolic link leads to a file with another suffix: a chart is
    written in the kind its name's suffix says (`--plot chart.svg`), and a link from
    chart.svg to data.json would put an SVG image in place of the JSON."""
    try:
        target = followed(path)
    except LinkRefused:
        return  # refused when written, with the reason
    if _descriptor(path) is None and target.suffix.lower() != path.suffix.lower():
        raise OutputRefused(
            f"refusing to write {os.fspath(path)!r}: it is a symbolic link to "
            f"{os.fspath(target)!r}, a file of another kind "
            f"({target.suffix or 'no suffix'}, not {path.suffix or 'no suffix'})"
        )


def _existing(path: Path, *, follow: bool) -> os.stat_result | None:
    """What is at `path` now (a link itself when not `follow`), or None for nothing."""
    try:
        return os.stat(path) if follow else os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise OutputProblem(f"cannot write {os.fspath(path)!r}: {exc.strerror or exc}") from None
