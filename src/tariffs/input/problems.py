"""User errors: a `Problem` is one `path:line:col: message`; `ScenarioError` carries them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Loc = tuple[Any, ...]
"""A place in a file's data, as pydantic reports it: keys and list indexes."""
Report = Callable[[Loc, str], None]
"""Records a problem at a data path; positions are looked up once, at the end."""

QUOTE_LIMIT = 60
"""Longest text of a user's value quoted in a message; longer values are cut."""


def quoted(value: object, limit: int = QUOTE_LIMIT) -> str:
    """A user's value for a message: repr-quoted (so control characters show as escapes),
    and cut to about `limit` characters, so a huge value never makes a huge message."""
    text = repr(value) if isinstance(value, str) else _short_number(value)
    if len(text) > limit:
        return text[: limit - 5] + "[...]" + (text[-1] if isinstance(value, str) else "")
    return text


def _short_number(value: object) -> str:
    """str() of a number, kept short: a Decimal keeps its exponent (1E-999999), and an
    integer too long to print in full is said to be one."""
    try:
        return str(value)
    except ValueError:  # int digits over sys.get_int_max_str_digits()
        return "a number with thousands of digits"


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One user error, printed as `path:line:col: message`."""

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
