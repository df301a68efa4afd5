"""File access at the edge: every path a user names is checked, then exactly that path is used.

Reading (see docs/format.md, "Files and limits"):
- `inside` is the one check of a path that a scenario file names, on disk and in git alike.
- `read_text` opens without blocking, refuses anything but a regular file (a FIFO would
  hang, a device would never end), and refuses files over `MAX_BYTES` before reading them.
- `GitRevision` reads a scenario file and the files it names as they were at a revision,
  refusing symbolic links, folders and submodules, and never passing a user's text to git
  as an option.

`Inputs` records every file a run reads, so that no output replaces one (cli.output).
"""

from __future__ import annotations

import os
import posixpath
import stat
import subprocess
from collections.abc import Callable
from pathlib import Path, PurePath, PurePosixPath

from tariffs.domain import quoted
from tariffs.input.problems import Problem, ScenarioError
from tariffs.limits import MAX_BYTES

FileReader = Callable[[str], tuple[str, str]]
"""Reads a file named in a scenario (relative to it): returns (path to show, text).

Raises ValueError with a message about the name, or ScenarioError about the file itself.
"""


class Inputs:
    """The files a run has read, by identity (device and inode), so no output replaces one.

    Identity, not the path's text, catches a symbolic or hard link to an input as well.
    """

    def __init__(self) -> None:
        self._seen: dict[tuple[int, int], str] = {}

    def add(self, info: os.stat_result, shown: str) -> None:
        self._seen.setdefault((info.st_dev, info.st_ino), shown)

    def read(self, info: os.stat_result) -> str | None:
        """The path shown for the input with this identity, or None if the run read none."""
        return self._seen.get((info.st_dev, info.st_ino))


def _problem(shown: str, message: str, line: int = 1, column: int = 1) -> ScenarioError:
    return ScenarioError([Problem(line, column, message, shown)])


def kind(mode: int) -> str:
    """What a file is, for messages: 'a folder', 'a FIFO (named pipe)', ..."""
    for test, name in (
        (stat.S_ISREG, "a regular file"),
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISLNK, "a symbolic link"),
    ):
        if test(mode):
            return name
    return "not a regular file"


_READ_FLAGS = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)


def read_text(
    path: Path, *, shown: str | None = None, inputs: Inputs | None = None, follow: bool = True
) -> str:
    """Read a regular file as UTF-8 (a leading BOM is allowed); refuse anything else.

    The file is opened without blocking (so a FIFO cannot hang the run) and checked on the
    open descriptor, so what is checked is what is read. `follow=False` refuses a symbolic
    link as the last part of the path.
    """
    shown = shown if shown is not None else os.fspath(path)
    flags = _READ_FLAGS | (0 if follow else getattr(os, "O_NOFOLLOW", 0))
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise _problem(shown, "no such file") from None
    except NotADirectoryError:
        raise _problem(shown, "no such file (a part of its path is not a folder)") from None
    except PermissionError:
        raise _problem(shown, "permission denied") from None
    except OSError as exc:
        raise _problem(shown, f"cannot read: {exc.strerror or exc}") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_BYTES:
        os.close(fd)
        if stat.S_ISDIR(info.st_mode):
            raise _problem(shown, "is a directory, not a scenario file")
        if not stat.S_ISREG(info.st_mode):
            what = kind(info.st_mode)
            raise _problem(shown, f"is {what}, not a regular file; refusing to read it")
        raise _problem(shown, _too_large(info.st_size))
    with os.fdopen(fd, "rb") as handle:
        try:
            raw = handle.read(MAX_BYTES + 1)
        except OSError as exc:
            raise _problem(shown, f"cannot read: {exc.strerror or exc}") from None
    if len(raw) > MAX_BYTES:  # it grew while we read it
        raise _problem(shown, _too_large(len(raw)))
    if inputs is not None:
        inputs.add(info, shown)
    return decode(raw, shown)


def _too_large(size: int) -> str:
    return (
        f"file is larger than {MAX_BYTES // (1024 * 1024)} MiB ({size:,} bytes); "
        "refusing to parse it"
    )


def decode(raw: bytes, shown: str) -> str:
    """Bytes of a text file as str: UTF-8, a BOM allowed; UTF-16 and NUL bytes refused."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _problem(shown, "file is UTF-16; save it as UTF-8")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        message = f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x})"
        raise _problem(shown, message, line, column) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise _problem(shown, "file contains NUL bytes; is it binary?", line)
    return text


# --- the one path check -----------------------------------------------------------------


def inside(folder: PurePath, name: str, *, resolve: bool = True) -> PurePath:
    """The path to open for `name`, a path relative to `folder`; ValueError if it is not one.

    This is the only check of a path that a file names. `name` must be relative and use
    `/` between folders. With `resolve` (a folder on disk), every symbolic link is resolved
    first, as the system would when opening it, and the real path must lie inside the real
    folder; the path returned is that real path, so the path checked is the path opened.
    Without `resolve` (a folder in a git tree, where links are refused one by one by
    `GitRevision`), the text is normalised and must stay inside `folder`.
    """
    if not name or "\x00" in name:
        raise ValueError("a file name must not be empty or contain NUL characters")
    if name.startswith("/") or "\\" in name or ":" in name:
        raise ValueError(
            f"{quoted(name)} must be a path relative to the scenario file, with / between folders"
        )
    outside = ValueError(
        f"{quoted(name)} is outside the scenario file's folder; refusing to read it"
    )
    if resolve:
        base = Path(folder).resolve()
        target = (Path(folder) / name).resolve()
        if not target.is_relative_to(base):
            raise outside
        return target
    base_text = posixpath.normpath(folder.as_posix())
    joined = posixpath.normpath(posixpath.join(base_text, name))
    if base_text == ".":
        if joined == ".." or joined.startswith("../"):
            raise outside
    elif not (joined == base_text or joined.startswith(base_text + "/")):
        raise outside
    return PurePosixPath(joined)


class LinkRefused(ValueError):
    """A path whose symbolic links lead where tariffs will not follow them."""


def followed(path: Path) -> Path:
    """The real path behind `path` (a file named on the command line, to read or write),
    if tariffs may follow the symbolic links on the way there; LinkRefused if not.

    - A relative path names something in the current folder's tree (or, written with `..`,
      in the folder it names): where links on the way lead must stay in it, so a link
      committed to a repository cannot lead a run out of it. A path without links is the
      user's own choice, `../x.yaml` too.
    - A link as the last part of the path must lead into the link's own folder (or, for a
      relative path, the current folder's tree).
    - As the kernel's protected_symlinks does, a link in a sticky world-writable folder
      (/tmp) that belongs neither to the caller nor to the folder's owner is not followed.
    The path returned is the one to open.
    """
    real = path.resolve()
    home = Path.cwd().resolve()
    # the path as written, without following links: `../x.yaml` is the user's own choice
    lexical = Path(os.path.normpath(home / path))
    if not path.is_absolute() and real != lexical:
        base = home if lexical.is_relative_to(home) else lexical.parent.resolve()
        if not real.is_relative_to(base):
            raise LinkRefused(
                f"{str(path)!r} leads outside the current folder through a symbolic link"
            )
    if not path.is_symlink():
        return real
    folder = path.parent.resolve()
    if not (real.is_relative_to(folder) or (not path.is_absolute() and real.is_relative_to(home))):
        raise LinkRefused(f"{str(path)!r} is a symbolic link that leads out of its folder")
    _protected(path, folder)
    return real


def to_read(path: Path) -> Path:
    """`followed(path)` for a file named on the command line to read: a link tariffs will
    not follow is that file's problem (ScenarioError at 1:1)."""
    try:
        return followed(path)
    except LinkRefused as exc:
        raise _problem(os.fspath(path), f"{exc}; refusing to read it") from None


def _protected(link: Path, folder: Path) -> None:
    info = os.lstat(link)
    place = os.stat(folder)
    sticky = place.st_mode & stat.S_ISVTX and place.st_mode & stat.S_IWOTH
    if sticky and info.st_uid not in {os.geteuid(), place.st_uid}:
        raise LinkRefused(
            f"{str(link)!r} is a symbolic link in a shared folder that belongs to another "
            "user; refusing to follow it"
        )


def folder_reader(scenario: Path, inputs: Inputs | None = None) -> FileReader:
    """Reads files inside the scenario file's folder, and nothing outside it (see `inside`)."""
    folder = scenario.parent

    def read(name: str) -> tuple[str, str]:
        target = Path(inside(folder, name))
        shown = os.path.normpath(folder / target.relative_to(Path(folder).resolve()))
        return shown, read_text(target, shown=shown, inputs=inputs, follow=False)

    return read


# --- git --------------------------------------------------------------------------------


class GitProblem(Exception):
    """Something about git, a revision or a path in it; the message is for the user."""


class GitRevision:
    """A scenario file and the files it names, as they were at a git revision.

    The revision is checked once (it must name a commit; text that starts with '-' is
    refused, and `--end-of-options` is passed as well). Paths go through `inside`; only
    regular files are read: a symbolic link, a folder or a submodule is refused by name.
    """

    def __init__(self, rev: str, scenario: Path) -> None:
        if not rev.strip():
            raise GitProblem(
                "--rev needs a revision, such as HEAD or main (an empty one would read the "
                "staged files instead)"
            )
        if rev.startswith("-"):
            raise GitProblem(
                f"--rev {quoted(rev)} looks like an option; give a revision such as HEAD~1"
            )
        self.rev = rev
        self.scenario = scenario
        self.folder = scenario.parent
        if not self.folder.exists():
            raise GitProblem(f"{self.folder}: no such folder")
        if not self.folder.is_dir():
            raise GitProblem(f"{self.folder}: is {kind(self.folder.stat().st_mode)}, not a folder")
        found = self._git("rev-parse", "--verify", "--quiet", "--end-of-options", rev + "^{commit}")
        if found.returncode != 0:
            inside_repo = self._git("rev-parse", "--show-prefix")
            if inside_repo.returncode != 0:
                raise GitProblem(f"{self.folder}: is not inside a git repository")
            raise GitProblem(f"unknown revision {quoted(rev)} (not a commit in this repository)")
        self.commit = found.stdout.decode("ascii").strip()
        prefix = self._git("rev-parse", "--show-prefix").stdout.decode("utf-8", "surrogateescape")
        self.prefix = PurePosixPath(prefix.strip() or ".")

    def _git(self, *args: str) -> subprocess.CompletedProcess[bytes]:
        try:
            return subprocess.run(  # noqa: S603 - a fixed argv, no shell; user text is never an option
                ["git", *args],  # noqa: S607 - git is found on PATH, as a user expects
                cwd=self.folder,
                capture_output=True,
                check=False,
            )
        except FileNotFoundError:
            raise GitProblem("--rev needs git, which is not on PATH") from None
        except OSError as exc:
            raise GitProblem(f"cannot run git: {exc.strerror or exc}") from None

    def label(self, name: str) -> str:
        """How a file of this revision is shown: 'main:scenarios/geneva.yaml'."""
        return f"{self.rev}:{os.path.normpath(self.folder / name)}"

    def scenario_text(self) -> str:
        """The scenario file's text at this revision."""
        try:
            return self.read(self.scenario.name)[1]
        except ValueError as exc:
            raise GitProblem(str(exc)) from None

    def read(self, name: str) -> tuple[str, str]:
        """(path to show, text) of `name`, relative to the scenario's folder, at the revision.

        Raises ValueError for a name outside the folder, ScenarioError for anything else.
        """
        path = inside(self.prefix, name, resolve=False).as_posix()
        shown = self.label(name)
        listed = self._git(
            "ls-tree", "-z", "--full-tree", "--end-of-options", self.commit, "--", path
        )
        entry = listed.stdout.split(b"\0")[0]
        if listed.returncode != 0 or not entry:
            raise _problem(shown, f"no such file at revision {quoted(self.rev)}")
        mode, kind_name, sha = entry.split(b"\t")[0].decode("ascii").split()
        if mode == "120000":
            target = self._git("cat-file", "blob", sha).stdout.decode("utf-8", "replace")
            raise _problem(
                shown,
                f"is a symbolic link (to {quoted(target)}) at revision {quoted(self.rev)}; "
                "tariffs does not follow links in git revisions",
            )
        if kind_name != "blob":
            what = {"tree": "a folder", "commit": "a submodule"}.get(kind_name, kind_name)
            raise _problem(shown, f"is {what} at revision {quoted(self.rev)}, not a file")
        size = int(self._git("cat-file", "-s", sha).stdout or b"0")
        if size > MAX_BYTES:
            raise _problem(shown, _too_large(size))
        blob = self._git("cat-file", "blob", sha)
        if blob.returncode != 0:
            raise _problem(shown, f"cannot read it at revision {quoted(self.rev)}")
        return shown, decode(blob.stdout, shown)
