"""The I/O edge: read a scenario file, validate it, and resolve it into a `Study`.

Every user error becomes a `Problem` with the file, a 1-based line and column, and a
message. `load` raises `ScenarioError` with all problems of a file in line order.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

from pydantic import ValidationError

from tariffs import domain, models
from tariffs.files import FileReader, Inputs, folder_reader, read_text
from tariffs.limits import MAX_FILE_PROBLEMS, MAX_LINES
from tariffs.problems import Problem, ScenarioError, quoted
from tariffs.units import hs_digits, money_literal
from tariffs.yamlsource import KEY, YamlProblem, locate, parse

Loc = tuple[Any, ...]
Report = Callable[[Loc, str], None]
"""Records a problem at a data path; positions are looked up once, at the end."""


def _no_files(name: str) -> tuple[str, str]:
    raise ValueError(f"cannot read {quoted(name)} here: no folder to read it from")


def load(path: Path, *, inputs: Inputs | None = None) -> domain.Study:
    """Read, validate and resolve one scenario file (and the files it names).

    `inputs`, when given, records every file read, so that no output replaces one.
    """
    shown = os.fspath(path)
    text = read_text(path, shown=shown, inputs=inputs)
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
    if not isinstance(data, dict):
        line, column = locate(root, ())
        raise ScenarioError(
            [Problem(line, column, "the top level must be a mapping (key: value)", path)]
        )
    try:
        parsed = models.ScenarioFile.model_validate(data)
    except ValidationError as exc:
        problems = [_from_pydantic(error, root, path) for error in exc.errors(include_url=False)]
        raise ScenarioError(sorted(set(problems))) from None
    found: list[tuple[Loc, str]] = []
    other_files: list[Problem] = []
    study = _resolve(parsed, found, lambda loc: locate(root, loc), _Files(read_file, other_files))
    if found or other_files or study is None:
        unique = {Problem(*locate(root, loc), message, path) for loc, message in found}
        raise ScenarioError(sorted(unique) + other_files)
    return study


def _dotted(loc: Loc) -> str:
    return ".".join(str(part) for part in loc if part != KEY)


def _from_pydantic(error: Any, root: Any, path: str) -> Problem:
    loc: Loc = tuple(error["loc"])
    kind = error["type"]
    message = error["msg"]
    if kind == "extra_forbidden":
        loc = (*loc, KEY)
        message = f"unknown key {loc[-2]!r}"
        loc_text = _dotted(loc[:-2])
    elif kind == "missing":
        message = f"missing required key {loc[-1]!r}"
        loc_text = _dotted(loc[:-1])
    else:
        if loc and loc[-1] == "[key]":
            loc = (*loc[:-1], KEY)
        loc_text = _dotted(loc)
        if kind in _EXPECTED:
            message = f"expected {_EXPECTED[kind]}, got {_shown(error['input'])}"
        elif kind == "string_pattern_mismatch":
            message = f"{error['input']!r} is not allowed here ({_pattern_hint(loc)})"
    line, column = locate(root, loc)
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


class _Files(NamedTuple):
    """How to read the files a scenario names, and where their own problems go."""

    read: FileReader
    problems: list[Problem]


def _resolve(
    parsed: models.ScenarioFile,
    found: list[tuple[Loc, str]],
    where: Callable[[Loc], tuple[int, int]],
    files: _Files,
) -> domain.Study | None:
    """Check cross-references and build the `Study`; append problems to `found`."""

    def problem(loc: Loc, message: str) -> None:
        found.append((loc, message))

    period = parsed.period
    if period.until <= period.start:
        problem(("period", "until"), "period.until must be after period.start")

    flows: list[domain.Flow] = []
    seen_flows: dict[tuple[str, str], int] = {}
    for i, flow in enumerate(parsed.flows):
        pair = (flow.importer, flow.exporter)
        if flow.importer == flow.exporter:
            problem(("flows", i, "exporter"), "a flow's importer and exporter must differ")
        if pair in seen_flows:
            problem(
                ("flows", i),
                f"flow {pair[0]}:{pair[1]} is declared twice (also flows[{seen_flows[pair]}])",
            )
        seen_flows[pair] = i
        built = _flow(flow, ("flows", i), problem, files)
        if built is not None:
            flows.append(built)

    _check_line_count(flows, problem)

    measures: list[domain.Measure] = []
    for name, measure in parsed.measures.items():
        if (measure.importer, measure.exporter) not in seen_flows:
            problem(
                ("measures", name, "importer"),
                f"measure {name!r} applies to {measure.importer}:{measure.exporter}, "
                "but no flow with that importer and exporter is declared",
            )
        measures.append(_measure(name, measure, problem))
    _check_yields(parsed, problem)

    known = set(parsed.measures)
    names = list(parsed.scenarios)
    baseline = parsed.baseline or names[0]
    if parsed.baseline is not None and parsed.baseline not in parsed.scenarios:
        problem(("baseline",), f"baseline {parsed.baseline!r} is not a scenario ({_known(names)})")

    for name, scenario in parsed.scenarios.items():
        _check_scenario(name, scenario, known, names, problem)
    chains = _chains(parsed, problem)

    resolved: list[domain.Scenario] = []
    for name in names:
        chain = chains.get(name)
        if chain is not None:
            resolved.append(_inherit(parsed, chain, problem))
    flow_of = {m.name: f"{m.importer}:{m.exporter}" for m in measures}
    expectations = _expectations(parsed, resolved, flow_of, problem, where)
    if found:
        return None
    return domain.Study(
        title=parsed.title,
        start=period.start,
        until=period.until,
        on=parsed.on,
        baseline=baseline,
        currency=parsed.currency,
        sources=tuple(parsed.sources),
        flows=tuple(flows),
        measures=tuple(measures),
        scenarios=tuple(resolved),
        expectations=expectations,
    )


def _check_line_count(flows: list[domain.Flow], problem: Report) -> None:
    lines = sum(len(flow.lines) for flow in flows)
    if lines > MAX_LINES:
        problem(
            ("flows",),
            f"the flows hold {lines:,} product lines; a file may hold at most {MAX_LINES:,}",
        )


def _known(names: list[str]) -> str:
    return "known: " + ", ".join(names) if names else "none are defined"


def _check_scenario(
    name: str,
    scenario: models.Scenario,
    known: set[str],
    scenario_names: list[str],
    problem: Report,
) -> None:
    here: Loc = ("scenarios", name)
    measure_list = sorted(known)
    if scenario.extends is not None and scenario.extends not in scenario_names:
        problem(
            (*here, "extends"),
            f"scenario {name!r} extends {scenario.extends!r}, which is not a scenario "
            f"({_known(scenario_names)})",
        )
    for day, settings in scenario.changes.items():
        for measure in settings:
            if measure not in known:
                problem(
                    (*here, "changes", day.isoformat(), measure, KEY),
                    f"unknown measure {measure!r} ({_known(measure_list)})",
                )
    for i, measure in enumerate(scenario.disable):
        if measure not in known:
            problem((*here, "disable", i), f"unknown measure {measure!r} ({_known(measure_list)})")
    window_names: set[str] = set()
    for i, window in enumerate(scenario.windows):
        at: Loc = (*here, "windows", i)
        if window.name in window_names:
            problem((*at, "name"), f"window name {window.name!r} is used twice in {name!r}")
        window_names.add(window.name)
        _check_window(window, at, known, measure_list, problem)


def _check_window(
    window: models.Window, at: Loc, known: set[str], measure_list: list[str], problem: Report
) -> None:
    if (window.days is None) == (window.until is None):
        problem(at, f"window {window.name!r} needs exactly one of 'days' or 'until'")
    elif window.until is not None and window.until <= window.start:
        problem((*at, "until"), f"window {window.name!r} must end after it starts")
    elif window.days is not None and date.max - window.start < timedelta(days=window.days):
        problem((*at, "days"), f"window {window.name!r} runs past the year 9999")
    for measure in window.set:
        if measure not in known:
            problem(
                (*at, "set", measure, KEY), f"unknown measure {measure!r} ({_known(measure_list)})"
            )


def _chains(parsed: models.ScenarioFile, problem: Report) -> dict[str, list[str]]:
    """For each scenario, its `extends` chain from the root ancestor down to itself."""
    chains: dict[str, list[str]] = {}
    for name in parsed.scenarios:
        chain = [name]
        current = parsed.scenarios[name].extends
        while current is not None and current in parsed.scenarios:
            if current in chain:
                cycle = " -> ".join([*chain[chain.index(current) :], current])
                problem(("scenarios", name, "extends"), f"'extends' forms a cycle: {cycle}")
                break
            chain.append(current)
            current = parsed.scenarios[current].extends
        else:
            chains[name] = chain[::-1]
    return chains


def _inherit(parsed: models.ScenarioFile, chain: list[str], problem: Report) -> domain.Scenario:
    """Merge a scenario with its ancestors (children win on the same date and measure)."""
    changes: dict[tuple[date, str], Any] = {}
    windows: list[tuple[Loc, domain.Window]] = []
    disabled: set[str] = set()
    for ancestor in chain:
        scenario = parsed.scenarios[ancestor]
        for day, settings in scenario.changes.items():
            for measure, rate in settings.items():
                changes[(day, measure)] = rate
        for i, window in enumerate(scenario.windows):
            until = window.until
            if until is None and window.days is not None:
                until = window.start + timedelta(days=window.days)
            if until is None or until <= window.start:
                continue  # reported by _check_scenario
            windows.append(
                (
                    ("scenarios", ancestor, "windows", i),
                    domain.Window(window.name, window.start, until, tuple(window.set.items())),
                )
            )
        disabled.update(scenario.disable)
    _check_overlaps(chain[-1], windows, problem)
    own = parsed.scenarios[chain[-1]]
    return domain.Scenario(
        name=chain[-1],
        description=own.description or "",
        changes=tuple(sorted((d, m, r) for (d, m), r in changes.items())),
        windows=tuple(w for _, w in windows),
        disabled=frozenset(disabled),
    )


def _check_overlaps(
    scenario: str, windows: list[tuple[Loc, domain.Window]], problem: Report
) -> None:
    by_measure: dict[str, list[tuple[Loc, domain.Window]]] = {}
    for loc, window in windows:
        for measure, _ in window.rates:
            by_measure.setdefault(measure, []).append((loc, window))
    for measure, entries in by_measure.items():
        entries.sort(key=lambda entry: (entry[1].start, entry[1].until))
        for (first_loc, first), (loc, second) in itertools.pairwise(entries):
            own = [at for at in (loc, first_loc) if at[1] == scenario]
            if second.start < first.until and own:  # ancestors report their own overlaps
                last = min(first.until, second.until) - timedelta(days=1)
                problem(
                    (*own[0], "start"),
                    f"windows {first.name!r} and {second.name!r} both set {measure!r} "
                    f"from {second.start} to {last} (in scenario {scenario!r})",
                )


def _expectations(
    parsed: models.ScenarioFile,
    scenarios: list[domain.Scenario],
    flow_of: dict[str, str],
    problem: Report,
    where: Callable[[Loc], tuple[int, int]],
) -> tuple[domain.Expectation, ...]:
    """Check each expectation's names and its one metric; build them with their positions."""
    by_name = {s.name: s for s in scenarios}
    flow_keys = [f"{f.importer}:{f.exporter}" for f in parsed.flows]
    out: list[domain.Expectation] = []
    for i, entry in enumerate(parsed.expect):
        at: Loc = ("expect", i)
        given = [m for m in domain.METRICS if getattr(entry, m) is not None]
        if len(given) != 1:
            metrics = ", ".join(domain.METRICS)
            what = "none" if not given else ", ".join(given)
            problem(at, f"an expectation states exactly one of {metrics} (this one: {what})")
            continue
        metric = given[0]
        if entry.on is not None and metric != "rate":
            problem((*at, "on", KEY), f"'on' goes with 'rate' only, not with {metric!r}")
        if (entry.window is None) != (metric != "saved"):
            problem(at, "'window' names the window of a 'saved' expectation, and goes with it only")
        if entry.flow not in flow_keys:
            problem((*at, "flow"), f"no flow {entry.flow} is declared ({_known(flow_keys)})")
        scenario = by_name.get(entry.scenario)
        if entry.scenario not in parsed.scenarios:
            problem(
                (*at, "scenario"),
                f"unknown scenario {entry.scenario!r} ({_known(list(parsed.scenarios))})",
            )
        elif scenario is not None and entry.window is not None:
            windows = [w for w in scenario.windows if w.name == entry.window]
            if not windows:
                names = list(dict.fromkeys(w.name for w in scenario.windows))
                problem(
                    (*at, "window"),
                    f"scenario {entry.scenario!r} has no window {entry.window!r} ({_known(names)})",
                )
            elif not any(flow_of.get(m) == entry.flow for w in windows for m, _ in w.rates):
                problem(
                    (*at, "window"),
                    f"window {entry.window!r} sets no measure of flow {entry.flow}",
                )
        line, column = where((*at, metric))
        bound = getattr(entry, metric)
        out.append(
            domain.Expectation(
                entry.scenario, entry.flow, metric, bound, entry.on, entry.window, line, column
            )
        )
    return tuple(out)


# --- product lines ------------------------------------------------------------------------

LINE_COLUMNS = ("hs", "description", "value", "elasticity", "observed_at")
REQUIRED_COLUMNS = ("description", "value")


def _flow(flow: models.Flow, at: Loc, problem: Report, files: _Files) -> domain.Flow | None:
    """A flow with its product lines (inline, from a CSV file, or one unclassified line)."""
    key = f"{flow.importer}:{flow.exporter}"
    if flow.lines is not None and flow.lines_file is not None:
        problem((*at, "lines_file", KEY), f"flow {key}: give 'lines' or 'lines_file', not both")
        return None
    if flow.lines is None and flow.lines_file is None:
        if flow.value is None:
            problem(at, f"flow {key} needs a 'value', or product lines to add it up from")
            return None
        if (flow.elasticity is None) != (flow.observed_at is None):
            problem(at, f"flow {key}: 'elasticity' and 'observed_at' go together")
        line = domain.Line("", "", "", flow.value, flow.elasticity, flow.observed_at)
        return domain.Flow(flow.importer, flow.exporter, flow.value, (line,), classified=False)
    if flow.lines is not None:
        raw = [((*at, "lines", j), line) for j, line in enumerate(flow.lines)]
        where: Callable[[Loc, str], None] = problem
    else:
        rows = _csv_lines(flow.lines_file or "", (*at, "lines_file"), problem, files)
        if rows is None:
            return None
        raw, where = rows
    if not raw:
        problem(at, f"flow {key} has no product lines")
        return None
    lines = _lines(key, flow, raw, where)
    total = sum((line.value for line in lines), Decimal(0))
    if flow.value is not None and flow.value != total:
        problem(
            (*at, "value"),
            f"flow {key}: its lines add up to {money_literal(total)} ({total:f}), but its "
            f"value is {money_literal(flow.value)} ({flow.value:f}); make them agree, or "
            "leave out 'value' to take the sum",
        )
    if lines and len({line.elasticity is None for line in lines}) > 1:
        problem(
            at,
            f"flow {key}: either every line responds to the rate (has 'elasticity' and "
            "'observed_at', its own or the flow's) or none does",
        )
    return domain.Flow(flow.importer, flow.exporter, total, tuple(lines), classified=True)


def _lines(
    key: str, flow: models.Flow, raw: list[tuple[Loc, models.Line]], problem: Report
) -> list[domain.Line]:
    out: list[domain.Line] = []
    seen: dict[str, str] = {}
    for loc, line in raw:
        elasticity = line.elasticity if line.elasticity is not None else flow.elasticity
        observed = line.observed_at if line.observed_at is not None else flow.observed_at
        if (elasticity is None) != (observed is None):
            problem(loc, f"flow {key}: 'elasticity' and 'observed_at' go together")
            continue
        code = line.hs or ""
        digits = hs_digits(code)
        if digits and digits in seen:
            problem(loc, f"HS code {code} is listed twice in flow {key} (also as {seen[digits]})")
        seen[digits] = code
        out.append(domain.Line(digits, code, line.description, line.value, elasticity, observed))
    return out


def _csv_lines(
    name: str, at: Loc, problem: Report, files: _Files
) -> tuple[list[tuple[Loc, models.Line]], Report] | None:
    """Product lines from a CSV file; its problems are reported as file:row:column."""
    try:
        shown, text = files.read(name)
    except ValueError as exc:
        problem(at, str(exc))
        return None
    except ScenarioError as exc:
        files.problems.extend(exc.problems)
        return None
    before = len(files.problems)

    def report(loc: Loc, message: str) -> None:
        row, column = loc[0], loc[1] if len(loc) > 1 else 1
        files.problems.append(Problem(row, column, message, shown))

    import csv  # noqa: PLC0415 - only files with product lines need it: keep start-up fast
    import io  # noqa: PLC0415

    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[Loc, models.Line]] = []
    try:
        columns = _csv_header(reader, report)
        rows = _csv_rows(reader, columns, report) if columns else []
    except csv.Error as exc:
        report((reader.line_num or 1, 1), f"not valid CSV: {exc}")
    if len(files.problems) > before:
        return None
    return rows, report


def _csv_header(reader: Any, report: Report) -> list[str]:
    header = next(reader, None)
    if header is None:
        report((1, 1), "the file is empty; expected a header such as hs,description,value")
        return []
    columns = [cell.strip() for cell in header]
    for index, column in enumerate(columns):
        if column not in LINE_COLUMNS:
            report((1, index + 1), f"unknown column {column!r} (known: {', '.join(LINE_COLUMNS)})")
        elif columns.index(column) != index:
            report((1, index + 1), f"column {column!r} appears twice")
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        report((1, 1), f"missing column {', '.join(map(repr, missing))}")
    return columns


def _csv_rows(reader: Any, columns: list[str], report: Report) -> list[tuple[Loc, models.Line]]:
    """The rows as lines; it stops at the first row past MAX_LINES, and after
    MAX_FILE_PROBLEMS problems, so that a huge file costs no more than its limit."""
    out: list[tuple[Loc, models.Line]] = []
    problems = 0

    def counted(loc: Loc, message: str) -> None:
        nonlocal problems
        problems += 1
        report(loc, message)

    for cells in reader:
        row = reader.line_num
        if problems >= MAX_FILE_PROBLEMS:
            report((row, 1), f"stopped reading after {MAX_FILE_PROBLEMS} problems")
            break
        if len(out) >= MAX_LINES:
            report(
                (row, 1),
                f"more than {MAX_LINES:,} product lines, the most a file may hold; "
                "split the flow over several files",
            )
            break
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(columns):
            counted((row, 1), f"expected {len(columns)} cells, found {len(cells)}")
            continue
        data = {c: cell.strip() for c, cell in zip(columns, cells, strict=True) if cell.strip()}
        try:
            out.append(((row, 1), models.Line.model_validate(data)))
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                field = str(error["loc"][0]) if error["loc"] else ""
                place = columns.index(field) + 1 if field in columns else 1
                message = f"missing {field!r}" if error["type"] == "missing" else error["msg"]
                counted((row, place), f"{field}: {message}" if field else message)
    return out


# --- measure scope ------------------------------------------------------------------------


def _measure(name: str, measure: models.Measure, problem: Report) -> domain.Measure:
    at: Loc = ("measures", name)
    product_rates: list[tuple[str, domain.Schedule]] = []
    seen: set[str] = set()
    for i, entry in enumerate(measure.product_rates):
        for j, code in enumerate(entry.hs):
            digits = hs_digits(code)
            if digits in seen:
                problem(
                    (*at, "product_rates", i, "hs", j),
                    f"HS {code} has two product rates in measure {name!r}",
                )
            seen.add(digits)
            product_rates.append((digits, tuple(sorted(entry.rates.items()))))
    excludes = tuple(
        (hs_digits(code), entry.from_ or date.min, entry.note or "")
        for entry in measure.excludes
        for code in entry.hs
    )
    return domain.Measure(
        name,
        measure.importer,
        measure.exporter,
        measure.basis,
        tuple(sorted(measure.rates.items())),
        applies_to=tuple(dict.fromkeys(hs_digits(code) for code in measure.applies_to)),
        excludes=excludes,
        product_rates=tuple(product_rates),
        yields_to=tuple(dict.fromkeys(measure.yields_to)),
    )


def _check_yields(parsed: models.ScenarioFile, problem: Report) -> None:
    """`yields_to` names other measures of the same flow, without cycles."""
    for name, measure in parsed.measures.items():
        for i, other in enumerate(measure.yields_to):
            at: Loc = ("measures", name, "yields_to", i)
            target = parsed.measures.get(other)
            if target is None:
                problem(at, f"unknown measure {other!r} ({_known(sorted(parsed.measures))})")
            elif other == name:
                problem(at, f"measure {name!r} cannot yield to itself")
            elif (target.importer, target.exporter) != (measure.importer, measure.exporter):
                problem(
                    at,
                    f"measure {name!r} can only yield to a measure of the same flow "
                    f"({measure.importer}:{measure.exporter}); {other!r} is on "
                    f"{target.importer}:{target.exporter}",
                )
    for name in parsed.measures:
        cycle = _cycle_from(name, parsed)
        if cycle:
            problem(("measures", name, "yields_to"), f"'yields_to' forms a cycle: {cycle}")


def _cycle_from(start: str, parsed: models.ScenarioFile) -> str:
    """A `yields_to` cycle through `start`, as 'a -> b -> a', or '' if there is none."""
    stack = [(start, [start])]
    seen: set[str] = set()
    while stack:
        name, path = stack.pop()
        for other in parsed.measures[name].yields_to:
            if other == start and len(path) > 1:
                return " -> ".join([*path, start])
            if other in parsed.measures and other not in seen and other != start:
                seen.add(other)
                stack.append((other, [*path, other]))
    return ""
