"""Read a scenario file, validate it, and resolve it into a `Study`: the input pipeline's face.

Every user error becomes a `Problem` with the file, a 1-based line and column, and a
message. `load` raises `ScenarioError` with all problems of a file in line order.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError

from tariffs import domain
from tariffs.domain import ALL_IN, quoted
from tariffs.input import format as models
from tariffs.input.errors import from_pydantic
from tariffs.input.expect import Known, expectations
from tariffs.input.files import FileReader, Inputs, LinkRefused, folder_reader, followed, read_text
from tariffs.input.law import flows_of, rules_of
from tariffs.input.lines import Files
from tariffs.input.literals import quoted_code
from tariffs.input.problems import Loc, Problem, ScenarioError, Stricter, capped
from tariffs.input.resolve import NOTHING_BROKEN, Broken, resolve
from tariffs.input.yamlsource import Locator, YamlProblem, parse
from tariffs.limits import MAX_EXPECTATIONS

T = TypeVar("T")


def _no_files(name: str) -> tuple[str, str]:
    raise ValueError(f"cannot read {quoted(name)} here: no folder to read it from")


def load(path: Path, *, inputs: Inputs | None = None) -> domain.Study:
    """Read, validate and resolve one scenario file (and the files it names).

    `inputs`, when given, records every file read, so that no output replaces one.
    """
    return load_text(_read(path, inputs), os.fspath(path), folder_reader(path, inputs))


def load_text(
    text: str, path: str, read_file: FileReader = _no_files, *, history: bool = False
) -> domain.Study:
    """Validate and resolve scenario text; `path` is only used in messages.

    `history` reads a past version of a file (`diff --rev`) whose meaning today's stricter
    rules do not put in doubt: an HS code that should be quoted is read as written, and a
    setting that reaches no product line (so changes nothing) is left as it is, each with a
    warning instead of a problem; its expectations and sweeps, which `diff` compares
    neither, are not read. Anything else is refused as usual."""
    return _guarded(path, lambda: _load_text(text, path, read_file, history=history)[1])


def load_expectations(
    path: Path, expectations: Sequence[Path], *, inputs: Inputs | None = None
) -> tuple[domain.Study, list[tuple[str, tuple[domain.Expectation, ...]]]]:
    """A scenario file, and the expectations files of their own state about it (`tariffs
    check FILE --expect EXPECTATIONS`), each checked against the scenario file's names.

    Problems of the scenario file are reported at it; those of the expectations, at theirs,
    every file's in the same run.
    """
    shown = os.fspath(path)
    text = _read(path, inputs)
    parsed, study = _guarded(shown, lambda: _load_text(text, shown, folder_reader(path, inputs)))
    out: list[tuple[str, tuple[domain.Expectation, ...]]] = []
    problems: list[Problem] = []
    for each in expectations:
        try:
            out.append((os.fspath(each), _expectations_at(each, (parsed, study), inputs)))
        except ScenarioError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ScenarioError(problems)
    return study, out


def _expectations_at(
    path: Path, about: tuple[models.ScenarioFile, domain.Study], inputs: Inputs | None
) -> tuple[domain.Expectation, ...]:
    shown = os.fspath(path)
    text = _read(path, inputs)
    return _guarded(shown, lambda: _expectations_of(text, shown, *about))


def _read(path: Path, inputs: Inputs | None) -> str:
    shown = os.fspath(path)
    try:
        real = followed(path)
    except LinkRefused as exc:
        raise ScenarioError([Problem(1, 1, f"{exc}; refusing to read it", shown)]) from None
    return read_text(real, shown=shown, inputs=inputs, follow=False)


def _expectations_of(
    text: str, path: str, parsed: models.ScenarioFile, study: domain.Study
) -> tuple[domain.Expectation, ...]:
    try:
        data, root = parse(text)
    except YamlProblem as exc:
        raise ScenarioError([Problem(exc.line, exc.column, exc.message, path)]) from None
    where = Locator(root)
    if not isinstance(data, dict):
        line, column = where(())
        message = "expected a mapping with 'tariffs: 1' and an 'expect' list"
        raise ScenarioError([Problem(line, column, message, path)])
    _check_count(data, where, path)
    # each entry on its own, so that every entry's problems come in one run
    entries_data = data.get("expect")
    listed = isinstance(entries_data, list) and bool(entries_data)
    head = {**data, "expect": [_STAND_IN_EXPECTATION]} if listed else data
    failures: list[Problem] = []
    try:
        models.ExpectationsFile.model_validate(head)
    except ValidationError as exc:
        failures += _problems(exc, where, path)
    valid: list[Any] = []
    indexes: list[int] = []
    for i, entry in enumerate(entries_data if isinstance(entries_data, list) else []):
        try:
            valid.append(models.Expectation.model_validate(entry))
            indexes.append(i)
        except ValidationError as exc:
            failures += _problems(exc, where, path, prefix=("expect", i))
    problems: list[tuple[Loc, str]] = []
    flow_of: dict[str, set[str]] = {}
    for m in study.measures:
        if m.kind != domain.MFN:
            flow_of.setdefault(m.name, set()).add(f"{m.importer}:{m.exporter}")
    known = Known(
        parsed,
        {s.name: s for s in study.scenarios},
        flow_of,
        {f.key: f for f in study.flows},
        {f"{m.importer}:{m.exporter}" for m in study.measures if m.kind == domain.MFN},
    )
    entries = expectations(
        valid, indexes, known, lambda loc, message: problems.append((loc, message)), where
    )
    if problems or failures:
        unique = {*failures, *(Problem(*where(loc), message, path) for loc, message in problems)}
        raise ScenarioError(capped(sorted(unique)))
    return entries


_STAND_IN_EXPECTATION = {"scenario": "s", "flow": "AA:BB", "rate": "1%"}
"""A valid entry in place of a file's own, whose entries are validated one by one."""


def _problems(exc: ValidationError, where: Locator, path: str, prefix: Loc = ()) -> list[Problem]:
    """An expectations file's validation errors as problems (an entry's under `prefix`)."""
    return [
        from_pydantic({**e, "loc": (*prefix, *e["loc"])}, where, path, models.ExpectationsFile)
        for e in exc.errors(include_url=False)
    ]


def _check_count(data: dict[Any, Any], where: Locator, path: str) -> None:
    expect = data.get("expect")
    if isinstance(expect, list) and len(expect) > MAX_EXPECTATIONS:
        line, column = where(("expect",))
        message = (
            f"the file states {len(expect):,} expectations; a file may state at most "
            f"{MAX_EXPECTATIONS:,}"
        )
        raise ScenarioError([Problem(line, column, message, path)])


def _guarded(path: str, work: Callable[[], T]) -> T:
    try:
        return work()
    except RecursionError:  # the parser's depth limits should stop this first
        raise ScenarioError([Problem(1, 1, "file is nested too deeply to process", path)]) from None
    except MemoryError:
        raise ScenarioError(
            [Problem(1, 1, "file needs too much memory to process", path)]
        ) from None


def _load_text(
    text: str, path: str, read_file: FileReader, *, history: bool = False
) -> tuple[models.ScenarioFile, domain.Study]:
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
    _check_count(data, where, path)
    forgiven: list[tuple[Loc, str]] = []
    if history:
        data = {k: v for k, v in data.items() if k not in {"expect", "sweeps"}}
        forgiven = _quoted_as_written(data)
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
        study = resolve(parsed, found, where, Files(read_file, other_files), broken, lax=history)
    if history:
        forgiven += [(loc, message) for loc, message in found if isinstance(message, Stricter)]
        found = [(loc, message) for loc, message in found if not isinstance(message, Stricter)]
    if problems or found or other_files or study is None or parsed is None:
        unique = {*problems, *(Problem(*where(loc), message, path) for loc, message in found)}
        raise ScenarioError(capped(sorted(unique)) + other_files)
    warnings = () if history else _warnings(parsed, study, where, path)
    if forgiven:
        warnings = tuple(
            sorted(
                (
                    *warnings,
                    *(f"{path}:{_at(where, loc)}: warning: {_OLDER}{m}" for loc, m in forgiven),
                ),
                key=_position,
            )
        )
    return parsed, study._replace(warnings=warnings)


_OLDER = "read under today's stricter rules, which this version predates: "


def _at(where: Locator, loc: Loc) -> str:
    line, column = where(loc)
    return f"{line}:{column}"


def _position(warning: str) -> tuple[int, int]:
    """A warning's line and column, to sort by ('path:line:col: warning: ...')."""
    parts = warning.rsplit(": warning: ", 1)[0].rsplit(":", 2)
    return int(parts[1]), int(parts[2])


def _quoted_as_written(data: Any, loc: Loc = ()) -> list[tuple[Loc, str]]:
    """Where a past version wrote an HS code that today must be quoted (an unquoted 0207 or
    8473.30, which other YAML readers take for another number), read it as the text it was
    written as, which is what tariffs always read: the places, with today's message."""
    out: list[tuple[Loc, str]] = []
    items = (
        data.items()
        if isinstance(data, dict)
        else enumerate(data)
        if isinstance(data, list)
        else ()
    )
    for key, value in list(items):
        here = (*loc, key)
        if isinstance(value, dict | list):
            out.extend(_quoted_as_written(value, here))
            continue
        code = quoted_code(value) if _is_code_place(here) else None
        if code is not None:
            data[key] = code
            out.append(
                (
                    here,
                    f"HS code {code} unquoted, which today's rules refuse (other YAML readers "
                    f'take it for another number; write "{code}"); read as {code}, as it was',
                )
            )
    return out


def _is_code_place(loc: Loc) -> bool:
    """Whether a place holds HS codes: `hs` keys and lists, `applies_to`, product sets."""
    names = [part for part in loc if isinstance(part, str)]
    return (bool(names) and names[-1] in {"hs", "applies_to"}) or (
        len(names) >= 2 and names[-2] == "added"
    )


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
    out.extend((*where(loc), message) for loc, message in _rule_warnings(parsed, study))
    return tuple(f"{path}:{line}:{column}: {message}" for line, column, message in sorted(out))


def _rule_warnings(parsed: models.ScenarioFile, study: domain.Study) -> list[tuple[Loc, str]]:
    """A scenario's change of a measure's rate on or after the day one of the measure's
    dated rules begins, that leaves the rule alone: the rule still applies to the new rate
    (a 39% under an all-in ceiling over MFN is 39% all-in, not 39% plus MFN)."""
    out: list[tuple[Loc, str]] = []
    for name, scenario in parsed.scenarios.items():
        changed: dict[tuple[str, str], date] = {}  # (measure, kind) -> first day changed
        for change in study.scenario(name).rules:  # its own and those it inherits
            which = (change.measure, change.kind)
            changed[which] = min(changed.get(which, date.max), change.day)
        for day, settings in scenario.changes.items():
            for measure, setting in settings.items():
                if not _any_rate(setting):
                    continue  # a rule can only lower a rate: at 0% it changes nothing
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
                            f"leaves that rule alone, {effect}; to lift it, add rules: "
                            f"{{{day}: {{{measure}: {{{key}: []}}}}}} to the scenario (to "
                            "keep it, restate it there)",
                        )
                    )
    return list(dict.fromkeys(out))


def _any_rate(setting: Any) -> bool:
    """Whether a scenario's change sets some product's rate above 0%."""
    if isinstance(setting, list):
        return any(_any_rate(each) for each in setting)
    return bool(getattr(setting, "rate", setting))


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
    data, partly = _scenario_parts_left_out(data, errors)
    for again in range(3):
        for error in errors:
            loc = error["loc"]
            if not loc:
                return None, NOTHING_BROKEN
            key = str(loc[0])
            sections = (*_LISTS, *_MAPPINGS)
            if not again and key in sections and len(loc) > 1 and _holds(data.get(key), loc[1]):
                if _scenario_part(loc):
                    continue  # the part was left out, the scenario kept
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
        broken = _broken(data, entries, whole, kept)
        partly_broken = frozenset(("scenarios", str(name)) for name in partly)
        return parsed.model_copy(update=empty), broken._replace(
            entries=broken.entries | partly_broken
        )
    return None, NOTHING_BROKEN


_PARTS = ("changes", "rules", "windows")
"""The parts of a scenario left out on their own when they fail validation, so that the
rest of it (an unknown measure in its changes, say) is checked in the same run."""


def _scenario_part(loc: tuple[Any, ...]) -> bool:
    return len(loc) > 3 and loc[0] == "scenarios" and loc[2] in _PARTS


def _scenario_parts_left_out(
    data: dict[Any, Any], errors: list[Any]
) -> tuple[dict[Any, Any], set[Any]]:
    """The data with each scenario's failed change date, rule date or window left out, and
    the scenarios concerned: they stay, and are marked as broken, so that what refers to
    them is not checked falsely."""
    scenarios = data.get("scenarios")
    failed: dict[tuple[Any, str], set[Any]] = {}
    for error in errors:
        loc = tuple(error["loc"])
        if _scenario_part(loc):
            failed.setdefault((loc[1], loc[2]), set()).add(loc[3])
    if not failed or not isinstance(scenarios, dict):
        return data, set()
    copied = dict(scenarios)
    for (name, part), items in failed.items():
        entry = copied.get(name)
        if not isinstance(entry, dict) or not isinstance(entry.get(part), dict | list):
            continue
        entry = copied[name] = dict(entry)
        if isinstance(entry[part], dict):
            entry[part] = {k: v for k, v in entry[part].items() if k not in items}
        else:
            entry[part] = [v for i, v in enumerate(entry[part]) if i not in items]
    return {**data, "scenarios": copied}, {name for name, _ in failed}


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
