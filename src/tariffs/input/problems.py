"""User errors: a `Problem` is one `path:line:col: message`; `ScenarioError` carries them.
Also the cycles that several checks report (`extends`, `yields_to`, `all_in`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from tariffs.domain import quoted
from tariffs.limits import MAX_FILE_PROBLEMS

Loc = tuple[Any, ...]
"""A place in a file's data, as pydantic reports it: keys and list indexes."""
Report = Callable[[Loc, str], None]
"""Records a problem at a data path; positions are looked up once, at the end."""


class Stricter(str):
    """A problem's message from a rule that earlier versions of tariffs did not have, about a
    file whose meaning is not in doubt (it would change nothing): a file's past version, read
    by `diff --rev`, gets it as a warning instead (see input.load, `history`)."""

    __slots__ = ()


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


def cycles(edges: dict[str, list[str]]) -> list[list[str]]:
    """A cycle of each strongly knit part of a graph (name -> names it points to), found by
    one depth-first walk: linear in the names and edges. Each cycle starts at its first
    name in the order of `edges` and is given as [a, b, ..., a]."""
    order = {name: i for i, name in enumerate(edges)}
    state: dict[str, int] = {}  # 1: on the walk's path, 2: done
    found: list[list[str]] = []
    for root, targets in edges.items():
        if root in state:
            continue
        path = [root]
        state[root] = 1
        todo = [iter(targets)]
        while todo:
            step = next(todo[-1], None)
            if step is None:
                state[path.pop()] = 2
                todo.pop()
            elif step not in state and step in edges:
                state[step] = 1
                path.append(step)
                todo.append(iter(edges[step]))
            elif state.get(step) == 1:  # back to the walk's own path: a cycle
                loop = path[path.index(step) :]
                first = min(range(len(loop)), key=lambda i: order[loop[i]])
                loop = loop[first:] + loop[:first]
                found.append([*loop, loop[0]])
    return found


def cycle_path(cycle: list[str]) -> str:
    """'a -> b -> a', cut after ten names."""
    names = [quoted(n)[1:-1] for n in cycle]
    if len(names) <= 11:
        return " -> ".join(names)
    return " -> ".join(names[:10]) + f" -> ... ({len(cycle) - 1:,} in all) -> {names[-1]}"
