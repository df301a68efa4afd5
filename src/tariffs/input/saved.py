"""Saved results read back: the JSON that `tariffs compare --format json` writes.

A saved file is as untrusted as a scenario file. It is parsed here, and only here, with
exact decimals and a depth limit, then validated against the shape of the compare document
(schema/result.schema.json): every number must be a number, every date a date, and no
scenario or file may appear twice. Any fault is a `ScenarioError` naming the place.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError, model_validator

from tariffs.input.problems import Problem, ScenarioError, quoted

FORMAT = "tariffs.compare"
VERSION = 1


MAX_EXPONENT = 100
"""Numbers in a saved result lie between 1e-100 and 1e100 in size (or are 0): far beyond
any result, and far from where Decimal arithmetic would overflow."""


def _number(value: object) -> object:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise ValueError(f"expected a number, got {_kind(value)}")
    number = Decimal(value)
    if number and abs(number.adjusted()) > MAX_EXPONENT:
        raise ValueError(f"the number {quoted(value)} is out of range for a result")
    return value


def _day(value: object) -> object:
    if not isinstance(value, str):
        raise ValueError(f"expected a date as YYYY-MM-DD, got {_kind(value)}")
    return value


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str):
        return f"text {quoted(value)}"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return f"the number {quoted(value)}"


Num = Annotated[Decimal, BeforeValidator(_number)]
Day = Annotated[date, BeforeValidator(_day)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Units(_Strict):
    rate: Literal["percent"]
    rate_places: int
    money_places: int
    rounding: Literal["ROUND_HALF_UP"]
    dates: str


class _Period(_Strict):
    start: Day
    until: Day
    days: int


class _Layer(_Strict):
    measure: str
    basis: str
    rate: Num
    average: Num


class _Extreme(_Strict):
    rate: Num
    from_: Day

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="before")
    @classmethod
    def _from(cls, data: Any) -> Any:
        if isinstance(data, dict) and "from" in data:
            data = {("from_" if k == "from" else k): v for k, v in data.items()}
        return data


class _Delta(_Strict):
    rate_on: Num
    average: Num
    low: Num
    peak: Num
    static_duties: Num


class _ResponseDelta(_Strict):
    imports: Num
    dynamic_duties: Num
    consumer_cost: Num
    deadweight_loss: Num


class _Response(_Strict):
    static_imports: Num
    imports: Num
    dynamic_duties: Num
    rate_on: Num
    average: Num
    observed_duties: Num
    consumer_cost: Num
    deadweight_loss: Num
    delta: _ResponseDelta


class _Line(_Strict):
    hs: str | None
    description: str
    value: Num
    rate_on: Num
    average: Num
    static_duties: Num
    imports: Num | None
    dynamic_duties: Num | None


class _Flow(_Strict):
    importer: str
    exporter: str
    value: Num
    rate_on: Num
    stack: list[_Layer]
    average: Num
    low: _Extreme
    peak: _Extreme
    static_duties: Num
    delta: _Delta
    response: _Response | None
    lines: list[_Line]


class _Window(_Strict):
    window: str
    importer: str
    exporter: str
    first_day: Day
    last_day: Day
    days: int
    rate_before: Num
    rate_inside: Num
    rate_after: Num
    cliff: Num
    duties_with: Num
    duties_without: Num
    duties_saved: Num


class _Scenario(_Strict):
    name: str
    description: str
    is_baseline: bool
    flows: list[_Flow]
    windows: list[_Window]


class _File(_Strict):
    path: str
    title: str
    period: _Period
    on: Day
    baseline: str
    currency: str
    sources: list[str]
    scenarios: list[_Scenario]

    @model_validator(mode="after")
    def _unique(self) -> _File:
        names = [s.name for s in self.scenarios]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"scenario {quoted(twice[0])} is listed twice")
        for scenario in self.scenarios:
            flows = [(f.importer, f.exporter) for f in scenario.flows]
            if len(set(flows)) != len(flows):
                raise ValueError(f"scenario {quoted(scenario.name)} lists a flow twice")
        return self


class _Document(_Strict):
    format: Literal["tariffs.compare"]
    version: Literal[1]
    units: _Units
    files: list[_File]

    @model_validator(mode="after")
    def _unique(self) -> _Document:
        paths = [f.path for f in self.files]
        twice = sorted({p for p in paths if paths.count(p) > 1})
        if twice:
            raise ValueError(f"file {quoted(twice[0])} is listed twice")
        return self


def read(text: str, label: str) -> list[dict[str, Any]] | None:
    """The files of a saved compare result, validated; None if `text` is not a saved result
    at all (not a JSON object with a "format" key: a scenario file, which may be written
    as JSON, since JSON is YAML). ScenarioError if it is a saved result with faults."""
    if not text.lstrip().startswith("{"):
        return None
    try:
        doc = json.loads(text, parse_float=Decimal, parse_constant=_no_constant)
    except (ValueError, RecursionError):
        return None  # not JSON: the scenario loader says what is wrong with it
    if not isinstance(doc, dict) or "format" not in doc:
        return None

    def fail(message: str) -> ScenarioError:
        return ScenarioError([Problem(1, 1, message, label)])

    if doc.get("format") != FORMAT or doc.get("version") != VERSION:
        raise fail(
            f"a saved result must be 'tariffs compare --format json' output (format "
            f"{FORMAT!r}, version {VERSION}); this is {quoted(doc.get('format'))}, version "
            f"{quoted(doc.get('version'))}"
        )
    try:
        _Document.model_validate(doc)
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_url=False)[:MAX_PROBLEMS]:
            where = ".".join(str(part) for part in error["loc"]) or "the document"
            message = _MESSAGES.get(error["type"]) or str(error["msg"]).removeprefix(
                "Value error, "
            )
            text = f"not a well-formed tariffs.compare result: {where}: {message}"
            problems.append(Problem(1, 1, text, label))
        raise ScenarioError(problems) from None
    files: list[dict[str, Any]] = doc["files"]
    return files


_MESSAGES = {"missing": "missing", "extra_forbidden": "unknown key"}

MAX_PROBLEMS = 20
"""At most this many faults of a saved result are listed."""


def _no_constant(name: str) -> object:
    raise ValueError(f"{name} is not a number a result can hold")
