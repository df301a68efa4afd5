"""Validation errors said in the file's terms: pydantic's errors become `Problem`s at a line."""

from __future__ import annotations

from types import UnionType
from typing import Any

from tariffs.domain import listed, quoted
from tariffs.input.literals import described
from tariffs.input.problems import Loc, Problem
from tariffs.input.yamlsource import KEY, Locator


def _dotted(loc: Loc) -> str:
    """A data path as messages show it: `scenarios.geneva.windows.0`, each part cut short;
    the tags of a value's forms (`~percent`, see format.Setting) are not part of it."""
    return ".".join(
        quoted(str(part))[1:-1]
        for part in loc
        if part != KEY and not (isinstance(part, str) and part.startswith("~"))
    )


def from_pydantic(error: Any, locate: Locator, path: str, model: Any = None) -> Problem:
    """A pydantic error as a problem at its place, in the file's terms; `model` is the
    file's model (a scenario file by default), whose keys an unknown key is matched with."""
    loc: Loc = tuple(error["loc"])
    kind = error["type"]
    message = error["msg"]
    if kind == "extra_forbidden":
        loc = (*loc, KEY)
        message = f"unknown key {quoted(loc[-2])}{did_you_mean(loc[:-2], loc[-2], model)}"
        loc_text = _dotted(loc[:-2])
    elif kind == "missing":
        message = f"missing required key {quoted(loc[-1])}"
        loc_text = _dotted(loc[:-1])
    else:
        if loc and loc[-1] == "[key]":
            loc = (*loc[:-1], KEY)
        loc_text = _dotted(loc)
        if kind in _EXPECTED:
            message = f"expected {_EXPECTED[kind]}, got {described(error['input'])}"
        elif kind == "union_tag_invalid":  # a setting in a form that place does not take
            message = (
                "expected a percent such as 30%, or {rate, hs, products} for some products, "
                f"got {described(error['input'])}"
            )
        elif kind == "string_pattern_mismatch":
            message = f"{quoted(error['input'])} is not allowed here ({_pattern_hint(loc)})"
        else:
            message = _said(kind, error, loc, message)
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


def _pattern_hint(loc: Loc) -> str:
    last = next((p for p in reversed(loc) if isinstance(p, str) and p != KEY), "")
    if last in {"importer", "exporter"}:
        return "country codes are 2 or 3 capital letters, such as US or CN"
    if last == "flow":
        return "a flow is IMPORTER:EXPORTER in capitals, such as US:CN"
    if last == "currency":
        return "a currency is a 3-letter code such as USD"
    return "names use letters, digits, '-', '_' and '.', and start with a letter or digit"


_EMPTY_HINTS = {
    "rates": "such as {2025-04-05: 10%}",
    "set": "a measure and its rate, such as {us-reciprocal: 10%}",
    "hs": "HS codes, such as [8517, 8471.30]",
    "flows": "a flow, such as {importer: US, exporter: CN, value: 438.9bn}",
    "measures": "a measure by its name",
    "scenarios": "a scenario by its name, such as as-is: {}",
    "vary": "TARGET: VALUES, such as 'window:truce.days': 30..365/5",
}


def in_file_terms(error: Any) -> str:
    """The message of a pydantic error of a value, in the file's terms."""
    return _said(error["type"], error, tuple(error["loc"]), error["msg"])


def _said(kind: str, error: Any, loc: Loc, message: str) -> str:
    """Pydantic's remaining messages in the file's terms."""
    ctx = error.get("ctx") or {}
    value = error.get("input")
    if kind in {"greater_than_equal", "greater_than", "less_than_equal", "less_than"}:
        limit = ctx.get("ge", ctx.get("gt", ctx.get("le", ctx.get("lt"))))
        words = {
            "greater_than_equal": "at least",
            "greater_than": "more than",
            "less_than_equal": "at most",
            "less_than": "less than",
        }[kind]
        hint = " (a window lasts at least a day)" if _last(loc) == "days" else ""
        return f"expected a whole number of {words} {limit:,}, got {described(value)}{hint}"
    if kind == "too_short":
        example = _EMPTY_HINTS.get(_last(loc))
        return "must not be empty: give at least one entry" + (f", {example}" if example else "")
    sizes = {
        "too_long": f"holds too many entries: at most {ctx.get('max_length')} are allowed",
        "string_too_short": "must not be empty text",
        "string_too_long": f"text is longer than {ctx.get('max_length') or 0:,} characters",
        # one of a few words, written as the format spells them
        "literal_error": f"expected {ctx.get('expected', '')} (as written here), got "
        f"{described(value)}",
    }
    return sizes.get(kind, message)


def _last(loc: Loc) -> str:
    return next((str(p) for p in reversed(loc) if isinstance(p, str) and p != KEY), "")


SYNONYMS = {
    "end": "until",
    "ends": "until",
    "to": "until",
    "stop": "until",
    "finish": "until",
    "begin": "start",
    "from": "start",
    "duration": "days",
    "length": "days",
    "rate": "rates",
    "lines_csv": "lines_file",
    "csv": "lines_file",
    "extend": "extends",
    "inherits": "extends",
    "disabled": "disable",
}
"""Keys people write for another that the format has (said with 'did you mean')."""

UNTIL = " (exclusive: the first day it no longer applies)"


def did_you_mean(loc: Loc, key: object, model: Any = None) -> str:
    """' (did you mean 'until'? ...)' when a known key of the mapping at `loc` (of `model`,
    a scenario file by default) is close."""
    import difflib  # noqa: PLC0415 - only a file with an unknown key needs it

    known = keys_at(loc, model)
    text = str(key)
    guess = SYNONYMS.get(text.lower())
    if guess not in known:
        close = difflib.get_close_matches(text.lower(), known, n=1, cutoff=0.7)
        guess = close[0] if close else None
    if guess is None:
        return f" (known: {listed(known)})" if known else ""
    return f"; did you mean {quoted(guess)}?" + (UNTIL if guess == "until" else "")


def keys_at(loc: Loc, model: Any = None) -> list[str]:
    """The keys the format allows in the mapping at `loc` (none if it is not a model's)."""
    from typing import Annotated, Union, get_args, get_origin  # noqa: PLC0415

    from pydantic import BaseModel  # noqa: PLC0415

    from tariffs.input import format as models  # noqa: PLC0415

    def unwrapped(kind: Any) -> Any:
        while True:
            origin = get_origin(kind)
            if origin is Annotated:
                kind = get_args(kind)[0]
            elif origin in (Union, UnionType):
                kinds = [k for k in get_args(kind) if k is not type(None)]
                if len(kinds) != 1:
                    return None
                kind = kinds[0]
            else:
                return kind

    kind: Any = models.ScenarioFile if model is None else model
    for part in loc:
        kind = unwrapped(kind)
        origin = get_origin(kind)
        if origin is list:
            kind = get_args(kind)[0]
        elif origin is dict:
            kind = get_args(kind)[1]
        elif isinstance(kind, type) and issubclass(kind, BaseModel):
            fields = {f.alias or n: f for n, f in kind.model_fields.items()}
            if part not in fields:
                return []
            kind = fields[part].annotation
        else:
            return []
    kind = unwrapped(kind)
    if isinstance(kind, type) and issubclass(kind, BaseModel):
        return [f.alias or n for n, f in kind.model_fields.items()]
    return []
