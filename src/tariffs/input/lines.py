"""Product lines: inline in a flow or from a CSV file beside the scenario (see docs/format.md).

A CSV file's problems are reported at its own rows and columns. Reading stops at
`limits.MAX_LINES` rows and after `limits.MAX_FILE_PROBLEMS` problems.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, NamedTuple

from pydantic import ValidationError

from tariffs import domain
from tariffs.domain import counted as count_of
from tariffs.domain import money_exact, money_literal, quoted
from tariffs.input import format as models
from tariffs.input.duties import ad_valorem_equivalent
from tariffs.input.errors import in_file_terms
from tariffs.input.files import FileReader
from tariffs.input.literals import hs_digits
from tariffs.input.problems import Loc, Problem, Report, ScenarioError
from tariffs.input.yamlsource import KEY
from tariffs.limits import MAX_FILE_PROBLEMS, MAX_LINES, MAX_SHARES


class Files(NamedTuple):
    """How to read the files a scenario names, and where their own problems go."""

    read: FileReader
    problems: list[Problem]


class Row(NamedTuple):
    """A product line's fields as models.Line validated them, without the model: what a CSV
    file's rows are kept as until they become lines (a model holds seven times the memory,
    and a file may have 100,000s of rows)."""

    hs: str | None
    description: str
    value: Decimal
    elasticity: Decimal | None
    observed_at: Decimal | None
    mfn: Any
    quantity: Any
    shares: dict[str, Decimal]
    preferences: dict[str, Decimal]


Given = models.Line | Row
"""A product line as given: inline in the file (a model) or a row of a CSV file."""

LINE_COLUMNS = ("hs", "description", "value", "elasticity", "observed_at", "mfn", "quantity")

REQUIRED_COLUMNS = ("description", "value")


def build_flow(flow: models.Flow, at: Loc, problem: Report, files: Files) -> domain.Flow | None:
    """A flow with its product lines (inline, from a CSV file, or one unclassified line)."""
    key = f"{flow.importer}:{flow.exporter}"
    if flow.lines is not None and flow.lines_file is not None:
        problem((*at, "lines_file", KEY), f"flow {key}: give 'lines' or 'lines_file', not both")
        return None
    if flow.lines is None and flow.lines_file is None:
        return _unclassified(flow, at, problem)
    if flow.lines is not None:
        raw: list[tuple[Loc, Given]] = [
            ((*at, "lines", j), line) for j, line in enumerate(flow.lines)
        ]
        where: Callable[[Loc, str], None] = problem
    else:
        rows = _csv_lines(flow.lines_file or "", (*at, "lines_file"), problem, files)
        if rows is None:
            return None
        raw, where = rows
    if not raw:
        problem(at, f"flow {key} has no product lines")
        return None
    lines = None if _half_paired(flow, raw, at, problem) else _lines(key, flow, raw, where)
    if lines is None or len(lines) != len(raw):
        return None  # a line's problem was reported; the sum would be of the others
    total = sum((line.value for line in lines), Decimal(0))
    if flow.value is not None and flow.value != total:
        problem(
            (*at, "value"),
            f"flow {key}: its lines add up to {money_literal(total)} ({money_exact(total)}), "
            f"but its value is {money_literal(flow.value)} ({money_exact(flow.value)}); make "
            "them agree, or leave out 'value' to take the sum",
        )
    if lines and len({line.elasticity is None for line in lines}) > 1:
        problem(
            at,
            f"flow {key}: either every line responds to the rate (has 'elasticity' and "
            "'observed_at', its own or the flow's) or none does",
        )
    return domain.Flow(flow.importer, flow.exporter, total, tuple(lines), classified=True)


def _unclassified(flow: models.Flow, at: Loc, problem: Report) -> domain.Flow | None:
    """A flow without product lines: one line of unknown kind."""
    key = f"{flow.importer}:{flow.exporter}"
    if flow.value is None:
        problem(at, f"flow {key} needs a 'value', or product lines to add it up from")
        return None
    if (flow.elasticity is None) != (flow.observed_at is None):
        problem(at, f"flow {key}: 'elasticity' and 'observed_at' go together")
    split = value_shares(flow, None, at, problem, shown=f"flow {key}", mfn=flow.mfn is not None)
    if split is None:
        return None
    shares, preferences = split
    line = domain.Line(
        "",
        "",
        "",
        flow.value,
        flow.elasticity,
        flow.observed_at,
        flow.mfn,
        shares=shares,
        preferences=preferences,
    )
    return domain.Flow(flow.importer, flow.exporter, flow.value, (line,), classified=False)


def _half_paired(flow: models.Flow, raw: list[tuple[Loc, Given]], at: Loc, problem: Report) -> bool:
    """Whether the flow gives one of 'elasticity' and 'observed_at' for lines that give
    neither: then one problem, at the flow, rather than one per line."""
    if (flow.elasticity is None) == (flow.observed_at is None) or not any(
        line.elasticity is None and line.observed_at is None for _, line in raw
    ):
        return False
    given, other = ("elasticity", "observed_at")[:: 1 if flow.observed_at is None else -1]
    problem(
        (*at, given, KEY),
        f"flow {flow.importer}:{flow.exporter} gives {quoted(given)} but not {quoted(other)}: "
        f"they go together (give {quoted(other)} beside it, or both on each line)",
    )
    return True


def _lines(
    key: str, flow: models.Flow, raw: list[tuple[Loc, Given]], problem: Report
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
        mfn, form = flow.mfn, ""
        if line.mfn is not None:
            try:
                mfn = ad_valorem_equivalent(line.mfn, line.quantity, line.value)
            except ValueError as exc:
                problem(loc, f"flow {key}, HS {code or '(unclassified)'}: {exc}")
                continue
            if line.mfn.specific:
                form = f"{line.mfn.text} on {line.quantity.text}" if line.quantity else ""
        split = value_shares(
            flow,
            line,
            loc,
            problem,
            shown=f"flow {key}, HS {code or '(unclassified)'}",
            mfn=mfn is not None,
        )
        if split is None:
            continue
        shares, preferences = split
        out.append(
            domain.Line(
                digits,
                code,
                line.description,
                line.value,
                elasticity,
                observed,
                mfn,
                form,
                shares,
                preferences,
            )
        )
    return out


Shares = tuple[tuple[str, Decimal], ...]
ValueShares = tuple[tuple[str, domain.ShareValue], ...]


def value_shares(
    flow: models.Flow,
    line: Given | None,
    at: Loc,
    problem: Report,
    *,
    shown: str,
    mfn: bool,
) -> tuple[ValueShares, Shares] | None:
    """A line's named shares of its value and its preferences (each its own, else the
    flow's), sorted by name; a share by date as a schedule sorted by date. None after
    reporting a problem."""
    given = {**flow.shares, **(line.shares if line else {})}
    preferences = {**flow.preferences, **(line.preferences if line else {})}
    ok = True
    if len(given) > MAX_SHARES:
        problem(
            (*at, "shares"),
            f"{shown}: {len(given)} shares of value; a line may state at most {MAX_SHARES} "
            f"(it is cut into a part for each combination of them, 2^{MAX_SHARES} at most)",
        )
        return None
    shares: dict[str, domain.ShareValue] = {}
    for name, share in given.items():
        dated = share.items() if isinstance(share, dict) else [(None, share)]
        for day, value in dated:
            if value > 100:
                where = (*at, "shares", name) if day is None else (*at, "shares", name, day)
                on = "" if day is None else f" from {day}"
                problem(
                    where,
                    f"{shown}: share {quoted(name)} is {value:f}%{on}, more than the whole "
                    "value (100%)",
                )
                ok = False
        shares[name] = tuple(sorted(share.items())) if isinstance(share, dict) else share
    for name in preferences:
        if name not in shares:
            problem(
                (*at, "preferences", name, KEY),
                f"{shown}: the preference {quoted(name)} names no share of the value; state "
                f"the share that claims it, such as shares: {{{name}: 50%}}",
            )
            ok = False
    if preferences and not mfn:
        problem(
            (*at, "preferences", KEY),
            f"{shown}: a preference is a rate in place of MFN on a share, but no MFN is "
            "stated; give the line (or the flow) an 'mfn'",
        )
        ok = False
    if not ok:
        return None
    return tuple(sorted(shares.items())), tuple(sorted(preferences.items()))


def _csv_lines(
    name: str, at: Loc, problem: Report, files: Files
) -> tuple[list[tuple[Loc, Given]], Report] | None:
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
    rows: list[tuple[Loc, Given]] = []
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
    separator = next((c for c in ";\t|" if len(columns) == 1 and c in columns[0]), None)
    if separator is not None:
        report(
            (1, 1),
            f"the header {quoted(columns[0])} is one column: this file separates its cells "
            f"with {separator!r}; a lines file separates them with commas, such as "
            "hs,description,value",
        )
        return []
    problems = False
    for index, column in enumerate(columns):
        if column not in LINE_COLUMNS:
            report(
                (1, index + 1),
                f"unknown column {quoted(column)} (known: {', '.join(LINE_COLUMNS)})",
            )
            problems = True
        elif columns.index(column) != index:
            report((1, index + 1), f"column {quoted(column)} appears twice")
            problems = True
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        report((1, 1), f"missing column {', '.join(map(repr, missing))}")
    return [] if problems or missing else columns  # the rows' problems would be the header's


def _csv_rows(reader: Any, columns: list[str], report: Report) -> list[tuple[Loc, Given]]:
    """The rows as lines; it stops at the first row past MAX_LINES, and after
    MAX_FILE_PROBLEMS problems, so that a huge file costs no more than its limit."""
    out: list[tuple[Loc, Given]] = []
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
        if len(cells) != len(columns):
            if any(cell.strip() for cell in cells):  # a blank row is passed over
                counted((row, 1), f"expected {count_of(len(columns), 'cell')}, found {len(cells)}")
            continue
        data = {c: text for c, cell in zip(columns, cells, strict=True) if (text := cell.strip())}
        if not data:
            continue
        try:
            line = models.Line.model_validate(data)
            out.append(((row, 1), Row._make(line.__dict__.values())))  # the fields, in order
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                field = str(error["loc"][0]) if error["loc"] else ""
                place = columns.index(field) + 1 if field in columns else 1
                missing = error["type"] == "missing"
                message = f"missing {quoted(field)}" if missing else in_file_terms(error)
                counted((row, place), f"{field}: {message}" if field else message)
    return out
