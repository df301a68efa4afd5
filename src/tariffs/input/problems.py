"""User errors: a `Problem` is one `path:line:col: message`; `ScenarioError` carries them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from tariffs.limits import MAX_FILE_PROBLEMS

Loc = tuple[Any, ...]
"""A place in a file's data, as pydantic reports it: keys and list indexes."""
Report = Callable[[Loc, str], None]
"""Records a problem at a data path; positions are looked up once, at the end."""


class Problem(NamedTuple):
    """One user error, printed as `path:line:col: message`; problems sort by position."""

    line: int
    column: int
    message: str
    path: str = ""

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.message}"


class ScenarioError(Exception):
    """A file could not be loaded; `problems` says why, in line order."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def capped(problems: list[Problem]) -> list[Problem]:
    """At most MAX_FILE_PROBLEMS problems of a file, in line order, then one that says how
    many more there are: a file of 100,000 mistakes gets a readable answer, fast."""
    if len(problems) <= MAX_FILE_PROBLEMS:
        return problems
    kept = problems[:MAX_FILE_PROBLEMS]
    last = kept[-1]
    more = len(problems) - MAX_FILE_PROBLEMS
    note = f"{more:,} more problems after this line are not shown; fix these first"
    return [*kept, Problem(last.line, last.column, note, last.path)]
