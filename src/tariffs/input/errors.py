"""Validation errors said in the file's terms: pydantic's errors become `Problem`s at a line."""

from __future__ import annotations

from typing import Any

from tariffs.domain import quoted
from tariffs.input.problems import Loc, Problem
from tariffs.input.yamlsource import KEY, Locator


def _dotted(loc: Loc) -> str:
    """A data path as messages show it: `scenarios.geneva.windows.0`, each part cut short."""
    return ".".join(quoted(str(part))[1:-1] for part in loc if part != KEY)


def from_pydantic(error: Any, locate: Locator, path: str) -> Problem:
    loc: Loc = tuple(error["loc"])
    kind = error["type"]
    message = error["msg"]
    if kind == "extra_forbidden":
        loc = (*loc, KEY)
        message = f"unknown key {quoted(loc[-2])}"
        loc_text = _dotted(loc[:-2])
    elif kind == "missing":
        message = f"missing required key {quoted(loc[-1])}"
        loc_text = _dotted(loc[:-1])
    else:
        if loc and loc[-1] == "[key]":
            loc = (*loc[:-1], KEY)
        loc_text = _dotted(loc)
        if kind in _EXPECTED:
            message = f"expected {_EXPECTED[kind]}, got {_shown(error['input'])}"
        elif kind == "string_pattern_mismatch":
            message = f"{quoted(error['input'])} is not allowed here ({_pattern_hint(loc)})"
    line, column = locate(loc)
    prefix = f"{loc_text}: " if loc_text else ""
    return Problem(line, column, prefix + message, path)


_EXPECTED = {
    "dict_type": "a mapping (key: value)",
    "model_type": "a mapping (key: value)",
    "model_attributes_type": "a mapping (key: value)",
    "list_type": "a list",
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "bool_type": "true or false",
}
"""Pydantic's type errors, said in the file's terms rather than Python's."""


def _shown(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str):
        return f"text {quoted(value)}"
    if value is None:
        return "nothing (null)"
    return f"the number {quoted(value)}"


def _pattern_hint(loc: Loc) -> str:
    last = next((p for p in reversed(loc) if isinstance(p, str) and p != KEY), "")
    if last in {"importer", "exporter"}:
        return "country codes are 2 or 3 capital letters, such as US or CN"
    if last == "flow":
        return "a flow is IMPORTER:EXPORTER in capitals, such as US:CN"
    if last == "currency":
        return "a currency is a 3-letter code such as USD"
    return "names use letters, digits, '-', '_' and '.', and start with a letter or digit"
