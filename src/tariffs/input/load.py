"""Read a scenario file, validate it, and resolve it into a `Study`: the input pipeline's face.

Every user error becomes a `Problem` with the file, a 1-based line and column, and a
message. `load` raises `ScenarioError` with all problems of a file in line order.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from tariffs import domain
from tariffs.domain import ALL_IN, quoted
from tariffs.input import format as models
from tariffs.input.errors import from_pydantic
from tariffs.input.files import FileReader, Inputs, LinkRefused, folder_reader, followed, read_text
from tariffs.input.law import flows_of, rule_changes, rules_of
from tariffs.input.lines import Files
from tariffs.input.problems import Loc, Problem, ScenarioError, capped
from tariffs.input.resolve import NOTHING_BROKEN, Broken, resolve
from tariffs.input.yamlsource import Locator, YamlProblem, parse
from tariffs.limits import MAX_EXPECTATIONS


def _no_files(name: str) -> tuple[str, str]:
    raise ValueError(f"cannot read {quoted(name)} here: no folder to read it from")


def load(path: Path, *, inputs: Inputs | None = None) -> domain.Study:
    """Read, validate and resolve one scenario file (and the files it names).

    `inputs`, when given, records every file read, so that no output replaces one.
    """
    shown = os.fspath(path)
    try:
        real = followed(path)
    except LinkRefused as exc:
        raise ScenarioError([Problem(1, 1, f"{exc}; refusing to read it", shown)]) from None
    text = read_text(real, shown=shown, inputs=inputs, follow=False)
    return load_text(text, shown, folder_reader(path, inputs))


def load_text(text: str, path: str, read_file: FileReader = _no_files) -> domain.Study:
    """Validate and resolve scenario text; `path` is only used in messages."""
    try:
        return _load_text(text, path, read_file)
    except RecursionError:  # the parser's depth limits should stop this first
        raise ScenarioError([Problem(1, 1, "file is nested too deeply to process", path)]) from None
    except MemoryError:
        raise ScenarioError(
            [Problem(1, 1, "file needs too much memory to process", path)]
        ) from None


def _load_text(text: str, path: str, read_file: FileReader) -> domain.Study:
    try:
        data, root = parse(text)
    except YamlProblem as exc:
        raise ScenarioError([Problem(exc.line, exc.column, exc.message, path)]) from None
    if data is None:
        raise ScenarioError([Problem(1, 1, "file is empty; expected a scenario mapping", path)])
    where = Locator(root)
    if not isinstance(data, dict):
        line, column = where(())
        raise ScenarioError(
            [Problem(line, column, "the top level must be a mapping (key: value)", path)]
        )
    expect = data.get("expect")
    if isinstance(expect, list) and len(expect) > MAX_EXPECTATIONS:
        line, column = where(("expect",))
        message = (
            f"the file states {len(expect):,} expectations; a file may state at most "
            f"{MAX_EXPECTATIONS:,}"
        )
        raise ScenarioError([Problem(line, column, message, path)])
    problems: list[Problem] = []
    broken = NOTHING_BROKEN
    parsed: models.ScenarioFile | None
    try:
        parsed = models.ScenarioFile.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        problems = [from_pydantic(error, where, path) for error in errors]
        parsed, broken = _salvaged(data, errors)
    found: list[tuple[Loc, str]] = []
    other_files: list[Problem] = []
    study = None
    if parsed is not None:
        study = resolve(parsed, found, where, Files(read_file, other_files), broken)
    if problems or found or other_files or study is None or parsed is None:
        unique = {*problems, *(Problem(*where(loc), message, path) for loc, message in found)}
        raise ScenarioError(capped(sorted(unique)) + other_files)
    return study._replace(warnings=_warnings(parsed, study, where, path))


def _warnings(
    parsed: models.ScenarioFile,
    study: domain.Study,
    where: Callable[[Loc], tuple[int, int]],
    path: str,
) -> tuple[str, ...]:
    """What a valid file says that has no effect: product scope on a flow without lines."""
    whole = {flow.key for flow in study.flows if not flow.classified}
    out: list[tuple[int, int, str]] = []
    for name, measure in parsed.measures.items():
        keys = sorted(f"{a}:{b}" for a, b in flows_of(parsed, measure))
        key = next((k for k in keys if k in whole), None)
        if key is None:
            continue
        for field in ("applies_to", "excludes", "product_rates"):
            if not getattr(measure, field):
                continue
            if field == "applies_to":
                effect = "so the measure is in none of the flow's figures (a flow without "
                effect += "lines is one unclassified product, which only measures without "
                effect += "'applies_to' cover)"
            else:
                effect = "so they change none of the flow's figures"
            message = (
                f"warning: measure {quoted(name)} has '{field}', but flow {key} has no product "
                f"lines, {effect}; only `tariffs rate --hs` uses them (give the flow 'lines')"
            )
            out.append((*where(("measures", name, field)), message))
    out.extend((*where(loc), message) for loc, message in _rule_warnings(parsed))
    return tuple(f"{path}:{line}:{column}: {message}" for line, column, message in sorted(out))


def _rule_warnings(parsed: models.ScenarioFile) -> list[tuple[Loc, str]]:
    """A scenario's change of a measure's rate on or after the day one of the measure's
    dated rules begins, that leaves the rule alone: the rule still applies to the new rate
    (a 39% under an all-in ceiling over MFN is 39% all-in, not 39% plus MFN)."""
    out: list[tuple[Loc, str]] = []
    for name, scenario in parsed.scenarios.items():
        changed = {  # (measure, kind) -> the first day this scenario changes those rules
            (measure, found.kind): day
            for day, by_measure in sorted(scenario.rules.items(), reverse=True)
            for measure, change in by_measure.items()
            for found in rule_changes(parsed, (name, day, measure), change, ((set(), [])))
        }
        for day, settings in scenario.changes.items():
            for measure in settings:
                own = parsed.measures.get(measure)
                for rule in rules_of(own) if own is not None else ():
                    if rule.start == date.min or not rule.start <= day < rule.until:
                        continue
                    if changed.get((measure, rule.kind), date.max) <= day:
                        continue
                    key = "all_in" if rule.kind == ALL_IN else "yields_to"
                    what = (
                        f"its all-in ceiling over {', '.join(rule.names)}"
                        if rule.kind == ALL_IN
                        else f"its yield to {', '.join(rule.names)}"
                    )
                    them, are = ("them", "are") if len(rule.names) > 1 else ("it", "is")
                    effect = (
                        f"so the new rate is a ceiling over {them}, not added to {them}"
                        if rule.kind == ALL_IN
                        else f"so it still pays nothing where {them} {are} owed"
                    )
                    out.append(
                        (
                            ("scenarios", name, "changes", day.isoformat(), measure),
                            f"warning: scenario {quoted(name)} changes {quoted(measure)} from "
                            f"{day}, on or after the day {what} begins ({rule.start}), and "
                            f"leaves that rule alone, {effect}; to change the rule too, add "
                            f"rules: {{{day}: {{{measure}: {{{key}: []}}}}}} to the scenario",
                        )
                    )
    return out


_LISTS = ("flows", "expect")
_MAPPINGS = ("measures", "scenarios", "sweeps")
_STAND_INS: dict[str, Any] = {
    "tariffs": models.FORMAT_VERSION,
    "title": "-",
    "period": {"start": date(2000, 1, 1), "until": date(2000, 1, 2)},
    "on": date(2000, 1, 1),
    "flows": [{"importer": "AA", "exporter": "BB", "value": 0}],
    "measures": {"m": {"importer": "AA", "exporter": "BB", "basis": "-"}},
    "scenarios": {"s": {}},
}
"""Valid values for required parts of a file that failed validation as a whole, so that the
rest can be checked; the sections among them are emptied again after validation."""


def _salvaged(data: dict[Any, Any], errors: list[Any]) -> tuple[models.ScenarioFile | None, Broken]:
    """The file without the parts that failed validation, and what was left out.

    Each entry of a section (a flow, a measure, a scenario, an expectation, a sweep) is left
    out on its own, so that the others' references can be checked in the same run; any other
    top-level key that failed is left out whole (a required one gets a stand-in). None when
    what is left still does not validate (then only the validation problems are reported).
    """
    entries: dict[str, dict[Any, set[str]]] = {}  # section: entry: the keys that failed
    whole: set[str] = set()
    emptied: set[str] = set()  # sections left without entries: a stand-in, emptied again
    for again in range(3):
        for error in errors:
            loc = error["loc"]
            if not loc:
                return None, NOTHING_BROKEN
            key = str(loc[0])
            sections = (*_LISTS, *_MAPPINGS)
            if not again and key in sections and len(loc) > 1 and _holds(data.get(key), loc[1]):
                failed = entries.setdefault(key, {}).setdefault(loc[1], set())
                failed.add(str(loc[2]) if len(loc) > 2 else "")
            elif again and len(loc) == 1 and key in entries and key not in whole:
                emptied.add(key)  # every entry was left out
            else:
                whole.add(key)
        pruned, kept = _pruned(data, entries, whole | emptied)
        if pruned is None:
            return None, NOTHING_BROKEN
        try:
            parsed = models.ScenarioFile.model_validate(pruned)
        except ValidationError as exc:
            errors = exc.errors(include_url=False)
            continue
        stood_in = (whole | emptied) & {"flows", "measures", "scenarios"}
        empty = {key: type(_STAND_INS[key])() for key in stood_in}
        return parsed.model_copy(update=empty), _broken(data, entries, whole, kept)
    return None, NOTHING_BROKEN


def _holds(container: object, part: object) -> bool:
    if isinstance(container, dict):
        return part in container
    return isinstance(container, list) and isinstance(part, int) and 0 <= part < len(container)


def _pruned(
    data: dict[Any, Any], entries: dict[str, dict[Any, set[str]]], whole: set[str]
) -> tuple[dict[Any, Any] | None, dict[str, tuple[int, ...]]]:
    pruned = dict(data)
    kept: dict[str, tuple[int, ...]] = {}
    for key, left_out in entries.items():
        if key in whole:
            continue
        container = data[key]
        if isinstance(container, dict):
            pruned[key] = {k: v for k, v in container.items() if k not in left_out}
        else:
            kept[key] = tuple(i for i in range(len(container)) if i not in left_out)
            pruned[key] = [container[i] for i in kept[key]]
    for key in whole:
        field = models.ScenarioFile.model_fields.get(key)
        if field is None or not field.is_required():
            pruned.pop(key, None)
        elif key in _STAND_INS:
            pruned[key] = _STAND_INS[key]
        else:
            return None, kept
    return pruned, kept


def _broken(
    data: dict[Any, Any],
    entries: dict[str, dict[Any, set[str]]],
    whole: set[str],
    kept: dict[str, tuple[int, ...]],
) -> Broken:
    names: set[tuple[str, str]] = set()
    unknown = set(whole)
    for key, left_out in entries.items():
        for part, failed in left_out.items():
            if key != "flows":
                names.add((key, str(part)))
            elif failed & {"", "importer", "exporter"}:
                unknown.add(key)  # which pair it declares is not known
            else:
                names.add((key, f"{data[key][part]['importer']}:{data[key][part]['exporter']}"))
    listed = {
        key: tuple(str(name) for name in data[key])
        for key in _MAPPINGS
        if key not in whole and isinstance(data.get(key), dict)
    }
    return Broken(frozenset(names), frozenset(unknown), kept, listed)
