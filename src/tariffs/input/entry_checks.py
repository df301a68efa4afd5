"""Expectations on entries: a YAML file of figures an entry file must give under the law
(`tariffs check FILE... --entries EXPECTATIONS.yaml`; docs/entry.md, "Checking entries").

The file names its entry file (relative to itself, never outside its folder), the refund
its figures assume, and its expectations, each one metric of the registry's entry kinds:

    tariffs: 1
    entries: figures-2026.csv
    refund: {against: ieepa-struck, on: 2026-03-15, payer: non-corporate}
    expect:
      - {scenario: as-enacted, entry: EN1-0000001-6, duty: 9616.76}
      - {scenario: as-enacted, entry: EN1-0000001-6, line: 1, measure: mfn, duty_amount: 358.01}

Every problem is reported as `path:line:col: message`.
"""

from __future__ import annotations

import difflib
import os
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    WithJsonSchema,
    create_model,
)

from tariffs.customs import Entries, EntryChecks, EntryExpectation
from tariffs.domain import listed, quoted
from tariffs.input.entries import entries_from_rows, entries_from_text
from tariffs.input.errors import from_pydantic
from tariffs.input.files import Inputs, inside, read_text, to_read
from tariffs.input.format import Country, Day, Money, Name, Percent, Text
from tariffs.input.literals import parse_tolerance
from tariffs.input.problems import Problem, ScenarioError, capped
from tariffs.input.yamlsource import KEY, Locator, YamlProblem, parse
from tariffs.limits import MAX_EXPECTATIONS
from tariffs.metrics import ENTRY, ENTRY_DUTY, ENTRY_KINDS, ENTRY_LINE, ENTRY_TOTAL

NUMERIC = ("money", "percent", "days", "count")
LEVELS = {kind.name: kind for kind in ENTRY_KINDS}
METRICS = {m.name: (kind, m) for kind in ENTRY_KINDS for m in kind.metrics if m.unit in NUMERIC}
"""What an entry expectation can check: each numeric metric of the entry kinds, by name."""

_FIELD_TYPES: dict[str, Any] = {
    "money": Money,
    "percent": Percent,
    "days": Annotated[int, Field(ge=0)],
    "count": Annotated[int, Field(ge=0)],
}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class _Refund(_Model):
    authority: Literal["section-301", "ieepa", "section-232", "section-122", "other"] | None = None
    against: Name | None = None
    on: Day | None = None
    payer: Literal["corporate", "non-corporate"] | None = None


class _ExpectationBase(_Model):
    scenario: Name
    origin: Country | None = Field(default=None, description="Default: as entered.")
    entry: Annotated[str, StringConstraints(min_length=1, max_length=40)] | None = None
    line: Annotated[int, Field(ge=1, le=99_999)] | None = None
    measure: Name | None = None
    tolerance: Annotated[
        Any, WithJsonSchema({"anyOf": [{"type": "string", "maxLength": 40}, {"type": "number"}]})
    ] = Field(
        default=None,
        description="How far the result may be from the value: 0.5pp for a rate, an amount "
        "for money, a number for days and counts. Without it a value is exact.",
    )
    note: Text | None = None


_METRIC_FIELDS: dict[str, Any] = {
    name: (_FIELD_TYPES[metric.unit] | None, Field(default=None, description=metric.doc))
    for name, (_, metric) in METRICS.items()
}
Expectation = create_model("EntryExpectation", __base__=_ExpectationBase, **_METRIC_FIELDS)


class _File(_Model):
    tariffs: Literal[1]
    entries: Annotated[str, StringConstraints(min_length=1, max_length=500)]
    refund: _Refund | None = None
    expect: list[Expectation] = Field(min_length=1)


def load_checks(path: Path, inputs: Inputs | None = None) -> EntryChecks:
    """Read an expectations file and the entry file it names; ScenarioError otherwise."""
    shown = os.fspath(path)
    real = to_read(path)
    text = read_text(real, shown=shown, inputs=inputs, follow=False)
    try:
        data, root = parse(text)
    except YamlProblem as exc:
        raise ScenarioError([Problem(exc.line, exc.column, exc.message, shown)]) from None
    where = Locator(root)
    listed = data.get("expect") if isinstance(data, dict) else None
    if isinstance(listed, list) and len(listed) > MAX_EXPECTATIONS:
        line, column = where(("expect",))
        message = f"at most {MAX_EXPECTATIONS:,} expectations a file"
        raise ScenarioError([Problem(line, column, message, shown)])
    try:
        parsed = _File.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        said = {_said(error, where, shown) for error in errors}
        raise ScenarioError(capped(sorted(said))) from None
    problems: list[Problem] = []
    expectations = tuple(
        found
        for i, item in enumerate(parsed.expect)
        if (found := _expectation(item, ("expect", i), where, shown, problems)) is not None
    )
    refund = parsed.refund or _Refund()
    _check_refund(refund, where, shown, problems)
    if problems:
        raise ScenarioError(capped(sorted(problems)))
    entries = _entries(parsed.entries, path, where, shown, inputs)
    return EntryChecks(
        shown,
        entries,
        expectations,
        refund.authority or "",
        refund.against or "",
        refund.on,
        refund.payer or "",
    )


def _said(error: Any, where: Locator, shown: str) -> Problem:
    """A validation error in the file's terms; an unknown key with the keys its mapping
    takes (the scenario format's suggestions are not this file's)."""
    if error["type"] != "extra_forbidden":
        return from_pydantic(error, where, shown)
    loc = tuple(error["loc"])
    model: Any = {"expect": Expectation, "refund": _Refund}.get(loc[0], _File)
    if loc[0] == "expect" and len(loc) < 3:
        model = _File
    known = list(model.model_fields)
    close = difflib.get_close_matches(str(loc[-1]), known, n=1, cutoff=0.7)
    hint = f"; did you mean {quoted(close[0])}?" if close else f" (known: {listed(known)})"
    return Problem(*where((*loc, KEY)), f"unknown key {quoted(str(loc[-1]))}{hint}", shown)


def _expectation(
    item: Any, at: tuple[Any, ...], where: Locator, shown: str, problems: list[Problem]
) -> EntryExpectation | None:
    given = [name for name in METRICS if getattr(item, name) is not None]
    if len(given) != 1:
        line, column = where(at)
        what = ", ".join(given) if given else "none"
        problems.append(
            Problem(
                line,
                column,
                f"an expectation states one metric, such as duty (it states {what})",
                shown,
            )
        )
        return None
    name = given[0]
    kind, metric = METRICS[name]
    needs = {
        ENTRY_TOTAL.name: (),
        ENTRY.name: ("entry",),
        ENTRY_LINE.name: ("entry", "line"),
        ENTRY_DUTY.name: ("entry", "line", "measure"),
    }[kind.name]
    extra = [
        key
        for key in ("entry", "line", "measure")
        if key not in needs and getattr(item, key) is not None
    ]
    missing = [key for key in needs if getattr(item, key) is None]
    line, column = where((*at, name))
    if missing or extra:
        problem = f"{name} is a metric of {kind.name} ({kind.doc.split(' (')[0].lower()})"
        if missing:
            problem += f": give {', '.join(missing)}"
        if extra:
            problem += f": without {', '.join(extra)}"
        problems.append(Problem(*where((*at, name, KEY)), problem, shown))
        return None
    tolerance = None
    if item.tolerance is not None:
        kind_of = {"percent": "percent", "money": "money"}.get(metric.unit, "days")
        try:
            tolerance = parse_tolerance(item.tolerance, kind_of)
        except ValueError as exc:
            problems.append(Problem(*where((*at, "tolerance")), f"tolerance: {exc}", shown))
            return None
    value = getattr(item, name)
    return EntryExpectation(
        item.scenario,
        name,
        Decimal(value),
        _written(value, metric.unit),
        line,
        column,
        item.entry,
        item.line,
        item.measure,
        item.origin or "",
        tolerance,
    )


def _written(value: Any, unit: str) -> str:
    if unit == "percent":
        return f"{value:f}%"
    return f"{value:f}" if isinstance(value, Decimal) else str(value)


def _check_refund(refund: Any, where: Locator, shown: str, problems: list[Problem]) -> None:
    if refund.authority and refund.against:
        problems.append(
            Problem(*where(("refund", "against")), "give 'authority' or 'against', not both", shown)
        )
    if (refund.on is None) != (refund.payer is None):
        problems.append(
            Problem(
                *where(("refund",)),
                "'on' (the refund date) and 'payer' (corporate or non-corporate) go together",
                shown,
            )
        )
    if (refund.on or refund.payer) and not (refund.authority or refund.against):
        problems.append(
            Problem(*where(("refund",)), "interest needs 'authority' or 'against'", shown)
        )


def _entries(name: str, path: Path, where: Locator, shown: str, inputs: Inputs | None) -> Entries:
    """The entry file named, inside the expectations file's folder."""
    folder = path.parent
    try:
        target = Path(inside(folder, name))
    except ValueError as exc:
        raise ScenarioError([Problem(*where(("entries",)), str(exc), shown)]) from None
    relative = os.path.normpath(folder / target.relative_to(Path(folder).resolve()))
    if target.suffix.lower() == ".xlsx":
        from tariffs.input.sheets import rows  # noqa: PLC0415 - the optional extra

        return entries_from_rows(rows(target, relative, inputs), relative)
    text = read_text(target, shown=relative, inputs=inputs, follow=False)
    return entries_from_text(text, relative)
