"""The outputs of `tariffs entry`: an entry file's duties, fees and refunds, in every format.

Keys, columns and CSV metric names come from the registry (tariffs.metrics, the entry
kinds). Tables and Markdown show, per run (a scenario, from the origins as entered or from
one other): the entries with their totals, each entry's duty lines laid out as the duty
columns of CBP Form 7501 (at most ENTRY_GRIDS entries; JSON and CSV hold every one), the
alternative origins side by side, what is owed back, and the notes. Money is shown in
dollars and cents; no figure is rounded again for display.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import timedelta
from decimal import Decimal
from typing import Any

from tariffs import metrics
from tariffs.calc.entry import (
    DutyRow,
    EntryDuties,
    EntryOutcome,
    EntryResult,
    EntryRun,
    LineDuties,
)
from tariffs.customs import ROUNDING_NAME, EntryExpectation
from tariffs.domain import counted
from tariffs.metrics import ENTRY, ENTRY_DUTY, ENTRY_LINE, ENTRY_TOTAL, Kind, Metric
from tariffs.render import fmt
from tariffs.render.csv_out import field
from tariffs.render.grids import Facts, Grid
from tariffs.render.json_out import Money, Rate, Stream, envelope, machine
from tariffs.render.safe import json_string

ENTRY_FORMAT = "tariffs.entry"
ENTRY_GRIDS = 20
"""The entries a table or Markdown page lays out line by line, per run."""
BATCH = 2_000
_AT: Any = None
"""The entry kinds' getters read the result object alone."""

BEGIN = "<!-- entry metrics: generated from src/tariffs/metrics.py; do not edit by hand -->"
END = "<!-- entry metrics: end -->"


def _get(metric: Metric, value: Any) -> Any:
    return metric.get(value, _AT)


def money(amount: Decimal | None) -> str:
    """Dollars and cents, grouped: 9,616.76; '-' for none."""
    if amount is None:
        return "-"
    return f"{fmt.rounded(amount, 2):,.2f}"


def whole(amount: Decimal) -> str:
    return f"{fmt.rounded(amount, 0):,.0f}"


def percent(rate: Decimal) -> str:
    return fmt.pct(rate, 2)


def run_label(run: EntryRun) -> str:
    """'as-enacted' or 'as-enacted, all from VN'."""
    return run.scenario if not run.origin else f"{run.scenario}, all from {run.origin}"


# --- facts ---------------------------------------------------------------------------------


def facts(result: EntryResult) -> Facts:
    out: Facts = [
        ("Entries", result.path),
        ("Law", "; ".join(result.laws)),
        ("Scenarios", ", ".join(result.scenarios)),
    ]
    if result.origins:
        out.append(("Origins", "as entered, then all from " + ", ".join(result.origins)))
    out.append(
        (
            "Rounding",
            f"19 CFR 159.3, {ROUNDING_NAME}: values and bases in whole dollars, each duty "
            "line and each fee in cents; totals are sums of those",
        )
    )
    out.append(("Fees", result.fees_table or "-"))
    if result.ignored:
        out.append(("Not read", "the columns " + ", ".join(repr(h) for h in result.ignored)))
    refund = result.refund
    if refund is not None:
        what = (
            f"the duties under authority {refund.authority}"
            if refund.authority
            else f"each layer's duty less its duty under {refund.against!r}"
        )
        out.append(("Owed back", what))
        if refund.on is not None:
            last = refund.on - timedelta(days=1)
            out.append(
                (
                    "Interest",
                    f"{refund.payer} overpayment rates of {refund.table}, compounded daily, from "
                    f"each entry's deposit date to {refund.on} (days [deposit, {refund.on}): "
                    f"the last day counted is {last})",
                )
            )
    return out


# --- tables --------------------------------------------------------------------------------


def _summary_metrics(result: EntryResult) -> list[Metric]:
    refund = result.refund is not None
    return [
        m
        for m in ENTRY.metrics
        if m.label
        and (refund or m.name not in {"refund", "interest"})
        and (m.name != "interest" or (result.refund is not None and result.refund.on))
    ]


def _cell(metric: Metric, value: Any) -> str:
    if value is None:
        return "-"
    if metric.unit == "money":
        return money(value)
    if metric.unit == "percent":
        return percent(value)
    if metric.unit == "date":
        return str(value.isoformat())
    return str(value)


def summary_grid(result: EntryResult, run: EntryRun) -> Grid:
    """The run's entries, one a row, then the file's total."""
    shown = _summary_metrics(result)
    paid = any(e.paid_duty is not None for e in run.entries)
    headers = ["Entry", "Date", "Lines", *(m.label or "" for m in shown)]
    if paid:
        headers += ["Paid duty", "Flagged"]
    rows = []
    for entry in run.entries:
        cells = [entry.entry, entry.entry_date.isoformat(), str(len(entry.lines))]
        cells += [_cell(m, _get(m, entry)) for m in shown]
        if paid:
            cells += [money(entry.paid_duty), str(entry.flagged)]
        rows.append(tuple(cells))
    totals = {m.label: m for m in ENTRY_TOTAL.metrics if m.label}
    last = ["All", "", str(run.lines)]
    for metric in shown:
        total = totals.get(metric.label or "")
        last.append(_cell(total, _get(total, run)) if total is not None else "")
    if paid:
        last += [
            money(sum((e.paid_duty or Decimal(0) for e in run.entries), Decimal(0))),
            str(run.flagged),
        ]
    rows.append(tuple(last))
    kinds = "kkn" + "".join("k" if m.unit in {"text", "date"} else "n" for m in shown)
    kinds += "nn" if paid else ""
    note = ""
    if run.without_fees:
        note = (
            f"; {counted(run.without_fees, 'entry', 'entries')} without modelled fees, "
            "not in the MPF, HMF and total"
        )
    return Grid(
        f"Entries under {run_label(run)!r}: duty and fees in USD{note}",
        tuple(headers),
        kinds,
        tuple(rows),
        keys=1,
    )


def _duty_label(row: DutyRow, line: LineDuties) -> str:
    """The HTS column of a duty line: its Chapter 99 heading; the HTS code for the goods'
    own line (MFN, a release, a postal duty); '-' for a layer the law gives no heading."""
    if row.authority == "mfn" or row.measure in {"de-minimis", "postal"}:
        return line.line.hts_text
    return row.heading or "-"


def _base(row: DutyRow) -> str:
    shown = whole(row.base)
    if row.share != 100:
        shown += f" ({fmt.rounded(row.share, 2).normalize():f}%)"
    return shown


def entry_grid(entry: EntryDuties, run: EntryRun) -> Grid:
    """An entry's duty lines as CBP Form 7501 lays them out: per line, its Chapter 99 lines
    in CBP's reporting order, then the HTS line with its MFN; then the fees and totals."""
    paid = any(line.paid is not None for line in entry.lines)
    rows: list[tuple[str, ...]] = []
    for line in entry.lines:
        first = True
        for row in line.rows:
            cells = (
                str(line.line.line) if first else "",
                _duty_label(row, line),
                row.measure if row.authority != "mfn" else "MFN",
                row.rate_text + (f" (on {row.rate_on})" if row.rate_on != entry.entry_date else ""),
                _base(row),
                money(row.amount),
                row.status if row.status != "in force" else "",
            )
            rows.append(cells + ((money(row.paid),) if paid else ()))
            first = False
        total = (
            "",
            f"line {line.line.line}",
            f"{line.origin}, {line.line.description}".rstrip(", "),
            percent(line.effective_rate),
            whole(line.value),
            money(line.duty),
            "",
        )
        rows.append(total + ((money(line.paid) + (" !" if line.flagged else ""),) if paid else ()))
    fees = (
        ("", "MPF", "merchandise processing fee", "", "", money(entry.mpf), ""),
        ("", "HMF", "harbor maintenance fee", "", "", money(entry.hmf), ""),
        (
            "",
            "Total",
            f"{entry.entry_type}, {entry.mode}",
            percent(entry.effective_rate),
            whole(entry.value),
            money(entry.total),
            "",
        ),
    )
    given = [x for x in (entry.paid_duty, entry.paid_mpf, entry.paid_hmf) if x is not None]
    paid_total = sum(given, Decimal(0)) if given else None
    paid_fees = (money(entry.paid_mpf), money(entry.paid_hmf), money(paid_total))
    for cells, extra in zip(fees, paid_fees, strict=True):
        rows.append(cells + ((extra,) if paid else ()))
    headers: tuple[str, ...] = ("Line", "HTS / Ch. 99", "Layer", "Rate", "Value\nUSD", "Duty\nUSD")
    headers += ("Status", "Paid\nUSD") if paid else ("Status",)
    return Grid(
        f"Entry {entry.entry} of {entry.entry_date} under {run_label(run)!r}",
        headers,
        "kktnnnk" + ("n" if paid else ""),
        tuple(rows),
        keys=2,
    )


def origins_grid(runs: Sequence[EntryRun]) -> Grid:
    """One scenario's runs side by side: each line's duty, and each entry's total, from the
    origins as entered and from each other origin."""
    base = runs[0]
    others = runs[1:]
    rows: list[tuple[str, ...]] = []
    for index, entry in enumerate(base.entries):
        alternatives = [run.entries[index] for run in others]
        for position, line in enumerate(entry.lines):
            rows.append(
                (
                    entry.entry,
                    str(line.line.line),
                    line.line.hts_text,
                    whole(line.value),
                    f"{money(line.duty)} ({line.origin})",
                    *(money(alt.lines[position].duty) for alt in alternatives),
                )
            )
        rows.append(
            (
                entry.entry,
                "total",
                "duty and fees",
                whole(entry.value),
                money(entry.total),
                *(money(alt.total) for alt in alternatives),
            )
        )
    headers = (
        "Entry",
        "Line",
        "HTS",
        "Value\nUSD",
        "As entered\nUSD",
        *(f"From {run.origin}\nUSD" for run in others),
    )
    return Grid(
        f"Under {base.scenario!r}: each line's duty and each entry's total, as entered and "
        "from other origins",
        headers,
        "kkkn" + "n" * (1 + len(others)),
        tuple(rows),
        keys=2,
    )


def refund_grid(run: EntryRun) -> Grid:
    """What each entry is owed back, by line and layer, with its interest."""
    rows: list[tuple[str, ...]] = []
    for entry in run.entries:
        for line in entry.lines:
            for owed in line.refund or ():
                rows.append(
                    (
                        entry.entry,
                        str(line.line.line),
                        owed.heading or "-",
                        owed.measure,
                        money(owed.amount),
                    )
                )
        days = f" ({entry.interest_days} days)" if entry.interest_days is not None else ""
        rows.append((entry.entry, "total", "", "owed back", money(entry.refund)))
        if entry.interest is not None or entry.interest_days is not None:
            rows.append((entry.entry, "", "", f"interest{days}", money(entry.interest)))
    rows.append(("All", "", "", "owed back", money(run.refund)))
    if run.interest is not None:
        rows.append(("All", "", "", "interest", money(run.interest)))
    return Grid(
        f"Owed back under {run_label(run)!r}, by line and layer",
        ("Entry", "Line", "Heading", "Layer", "USD"),
        "kkkkn",
        tuple(rows),
        keys=2,
    )


def notes_grid(run: EntryRun) -> Grid | None:
    rows = []
    for entry in run.entries:
        for note in (*entry.notes, *((entry.fees_note,) if entry.fees_note else ())):
            rows.append((entry.entry, "", note))
        for line in entry.lines:
            for note in line.notes:
                rows.append((entry.entry, str(line.line.line), note))
    if not rows:
        return None
    return Grid(
        f"Notes under {run_label(run)!r}", ("Entry", "Line", "Note"), "kkt", tuple(rows), keys=2
    )


def grids(result: EntryResult) -> list[Grid]:
    """Per scenario: for each run, the summary, the entries line by line (the first
    ENTRY_GRIDS), what is owed back and the notes; then the origins side by side."""
    out: list[Grid] = []
    for scenario in result.scenarios:
        runs = [run for run in result.runs if run.scenario == scenario]
        for run in runs:
            out.append(summary_grid(result, run))
            for entry in run.entries[:ENTRY_GRIDS]:
                out.append(entry_grid(entry, run))
            left = len(run.entries) - ENTRY_GRIDS
            if left > 0:
                out.append(
                    Grid(
                        f"{counted(left, 'more entry', 'more entries')} under {run_label(run)!r} "
                        "not laid out here: JSON and CSV hold every one",
                        ("Entries",),
                        "k",
                        (),
                    )
                )
            if result.refund is not None:
                out.append(refund_grid(run))
            notes = notes_grid(run)
            if notes is not None:
                out.append(notes)
        if len(runs) > 1:
            out.append(origins_grid(runs))
    return out


# --- JSON ----------------------------------------------------------------------------------


def _typed(metric: Metric, value: Any) -> Any:
    if value is None:
        return None
    if metric.unit in {"percent", "pp"}:
        return Rate(value)
    if metric.unit == "money":
        return Money(value)
    if metric.unit in {"days", "count"}:
        return int(value)
    return value


def _fields(kind: Kind, value: Any) -> dict[str, Any]:
    return {m.name: _typed(m, _get(m, value)) for m in kind.metrics}


class _Writer:
    """A kind's metrics as compact JSON members, each written as every document writes its
    unit (json_out.machine): made once, used for every entry, line and duty line."""

    def __init__(self, kind: Kind) -> None:
        self.fields = [(json_string(m.name), m.get, _text(m.unit)) for m in kind.metrics]

    def __call__(self, value: Any) -> str:
        return ", ".join(f"{key}: {text(get(value, _AT))}" for key, get, text in self.fields)


def _text(unit: str) -> Callable[[Any], str]:
    """How a value of `unit` is written, as json_out.machine writes it; text, dates and
    rates repeat from line to line, so each is made once."""
    if unit == "money":
        return machine(unit)
    if unit in {"days", "count"}:
        return lambda v: "null" if v is None else str(int(v))
    made: dict[Any, str] = {}
    write = machine(unit)
    if unit in {"text", "date", "percent"}:

        def memo(value: Any) -> str:
            found = made.get(value)
            if found is None:
                found = made[value] = write(value)
            return found

        return memo
    return write


_ENTRY, _LINE, _DUTY = _Writer(ENTRY), _Writer(ENTRY_LINE), _Writer(ENTRY_DUTY)
_MONEY = machine("money")


def _owed_json(line: LineDuties) -> str:
    if line.refund is None:
        return "null"
    items = (
        f'{{"measure": {json_string(o.measure)}, "heading": {json_string(o.heading)}, '
        f'"amount": {_MONEY(o.amount)}}}'
        for o in line.refund
    )
    return "[" + ", ".join(items) + "]"


def _line_json(line: LineDuties) -> str:
    duties = ", ".join(
        f'{{"measure": {json_string(row.measure)}, {_DUTY(row)}}}' for row in line.rows
    )
    return (
        f'{{"line": {line.line.line}, {_LINE(line)}, "duties": [{duties}], '
        f'"owed_back": {_owed_json(line)}}}'
    )


def _entry_json(entry: EntryDuties) -> str:
    lines = ", ".join(_line_json(line) for line in entry.lines)
    return f'{{"entry": {json_string(entry.entry)}, {_ENTRY(entry)}, "lines": [{lines}]}}'


def _entries_stream(run: EntryRun) -> Iterator[str]:
    for entry in run.entries:
        yield _entry_json(entry)


def to_json(result: EntryResult) -> Iterator[str]:
    """The JSON document of `tariffs entry`: per run, its totals and its entries (streamed)."""
    runs = [
        {
            "scenario": run.scenario,
            "origin": run.origin or None,
            **_fields(ENTRY_TOTAL, run),
            "entries": Stream(_entries_stream(run)),
        }
        for run in result.runs
    ]
    refund = result.refund
    return envelope(
        ENTRY_FORMAT,
        "runs",
        runs,
        path=result.path,
        laws=list(result.laws),
        scenarios=list(result.scenarios),
        origins=list(result.origins),
        rounding=f"19 CFR 159.3 ({ROUNDING_NAME}): values and bases in whole dollars, duty "
        "lines and fees in cents",
        fees_table=result.fees_table,
        ignored_columns=list(result.ignored),
        refund=None
        if refund is None
        else {
            "authority": refund.authority or None,
            "against": refund.against or None,
            "on": refund.on,
            "payer": refund.payer or None,
            "interest_table": refund.table or None,
        },
    )


# --- CSV -----------------------------------------------------------------------------------

CSV_HEADER = ("scenario", "origin", "entry", "line", "item", "metric", "date", "value", "unit")


def _csv_cell(unit: str) -> Callable[[Any], tuple[str, str]]:
    """The date and value cells of a metric's row (a date value goes to the date column),
    each distinct text, date and rate made once."""
    if unit == "money":
        return lambda v: ("", fmt.number(v, fmt.MONEY_PLACES))
    if unit in {"count", "days"}:
        return lambda v: ("", str(v))
    writers: dict[str, Callable[[Any], tuple[str, str]]] = {
        "date": lambda v: (v.isoformat(), ""),
        "percent": lambda v: ("", fmt.number(v, fmt.RATE_PLACES)),
        "pp": lambda v: ("", fmt.number(v, fmt.RATE_PLACES)),
        "text": lambda v: ("", field(str(v))),
    }
    write = writers[unit]
    made: dict[Any, tuple[str, str]] = {}

    def memo(value: Any) -> tuple[str, str]:
        found = made.get(value)
        if found is None:
            found = made[value] = write(value)
        return found

    return memo


class _CsvRows:
    """A kind's rows for one object: `metric,date,value,unit` after the row's head."""

    def __init__(self, kind: Kind) -> None:
        self.fields = [
            (m.name, m.get, _csv_cell(m.unit), "USD" if m.unit == "money" else m.unit, m.unit)
            for m in kind.metrics
        ]

    def __call__(self, out: list[str], head: str, value: Any, day: str) -> None:
        """Append the object's rows to `out`."""
        for name, get, cell, unit, kind in self.fields:
            found = get(value, _AT)
            if found is None or (kind == "text" and found == ""):
                continue
            date_cell, shown = cell(found)
            out.append(f"{head}{name},{date_cell or day},{shown},{unit}\n")


_CSV = {kind.name: _CsvRows(kind) for kind in metrics.ENTRY_KINDS}


def to_csv(result: EntryResult) -> Iterator[str]:
    """Tidy CSV: one value per row (scenario, origin, entry, line, item, metric, date,
    value, unit), the run's totals first, then each entry, its lines and duty lines;
    written an entry at a time."""
    total, one, line_rows, duty_rows = (_CSV[k.name] for k in metrics.ENTRY_KINDS)
    batch = [",".join(CSV_HEADER) + "\n"]
    for run in result.runs:
        prefix = f"{field(run.scenario)},{field(run.origin)},"
        total(batch, f"{prefix},,all entries,", run, "")
        for entry in run.entries:
            number = field(entry.entry)
            day = entry.entry_date.isoformat()
            one(batch, f"{prefix}{number},,,", entry, day)
            for line in entry.lines:
                at = f"{prefix}{number},{line.line.line},"
                line_rows(batch, at + ",", line, day)
                for row in line.rows:
                    duty_rows(batch, f"{at}{field(row.measure)},", row, day)
            if len(batch) >= BATCH:
                yield "".join(batch)
                batch = []
    yield "".join(batch)


# --- the reference in docs/output.md ----------------------------------------------------------


def metrics_markdown() -> str:
    """The entry kinds' metrics, one table per kind, for docs/output.md (a test keeps the
    page's block equal to this)."""
    parts = [BEGIN, ""]
    for kind in metrics.ENTRY_KINDS:
        parts.append(f"#### `{kind.name}`: {kind.doc}")
        parts.append("")
        parts.append("| Metric | Unit | Null | Table column | Meaning |")
        parts.append("|---|---|---|---|---|")
        for m in kind.metrics:
            label = (m.label or "-").replace("\n", " ")
            null = "yes" if m.nullable else "-"
            doc = m.doc.replace("|", "\\|")
            parts.append(f"| `{m.name}` | {m.unit} | {null} | {label} | {doc} |")
        parts.append("")
    parts.append(END)
    return "\n".join(parts) + "\n"


# --- tariffs check --entries --------------------------------------------------------------


def _where(e: EntryExpectation) -> str:
    parts = []
    if e.entry is not None:
        parts.append(f"entry {e.entry}")
    if e.line is not None:
        parts.append(f"line {e.line}")
    if e.measure is not None:
        parts.append(e.measure)
    place = ", ".join(parts) or "all entries"
    origin = f", all from {e.origin}" if e.origin else ""
    return f"{e.scenario}{origin}, {place}, {e.metric}"


def _unit(e: EntryExpectation) -> str:
    return next(m.unit for kind in metrics.ENTRY_KINDS for m in kind.metrics if m.name == e.metric)


def _shown(e: EntryExpectation, got: Decimal) -> str:
    unit = _unit(e)
    if unit == "percent":
        return f"{fmt.number(got, fmt.RATE_PLACES)}%"
    if unit == "money":
        return f"{fmt.rounded(got, 2):f}"
    return f"{got:f}"


def _off(e: EntryExpectation, got: Decimal) -> str:
    """How far a failed figure is from what was expected, and how exact the check was:
    '+0.01 off; money is checked to the cent: give a 'tolerance' for more'."""
    off = got - e.value
    sign = "+" if off > 0 else ""
    unit = _unit(e)
    if unit == "percent":
        shown, precision = f"{sign}{fmt.number(off, fmt.RATE_PLACES)}pp", "0.01pp"
        allowed = None if e.tolerance is None else f"{fmt.number(e.tolerance, 6)}pp"
    elif unit == "money":
        shown, precision = f"{sign}{fmt.rounded(off, 2):f}", "the cent"
        allowed = None if e.tolerance is None else f"{fmt.number(e.tolerance, 6)}"
    else:
        shown, precision = f"{sign}{off:f}", ""
        allowed = None if e.tolerance is None else f"{e.tolerance:f}"
    if allowed is not None:
        return f"{shown} off; {allowed} allowed"
    if precision:
        return f"{shown} off; a value is checked to {precision}: give a 'tolerance' for more"
    return f"{shown} off"


def check_failure(path: str, outcome: EntryOutcome) -> str:
    e = outcome.expectation
    if outcome.got is None:
        got = outcome.missing
    else:
        got = f"{_shown(e, outcome.got)} ({_off(e, outcome.got)})"
    return f"{path}:{e.line_at}:{e.column}: expected {_where(e)}: {e.text}, got {got}"


Checked = Sequence[tuple[str, Sequence[Any]]]


def check_report(checked: Checked, entry_checked: Checked) -> str:
    """The report of `tariffs check` with --entries: the scenario files' failures, then the
    entry expectations', then 'N passed, M failed' over all of them."""
    from tariffs.render import checks  # noqa: PLC0415

    lines = [
        checks.failure(path, outcome)
        for path, outcomes in checked
        for outcome in outcomes
        if not outcome.passed
    ]
    lines += [
        check_failure(path, outcome)
        for path, outcomes in entry_checked
        for outcome in outcomes
        if not outcome.passed
    ]
    everything = [o for _, outcomes in (*checked, *entry_checked) for o in outcomes]
    passed = sum(o.passed for o in everything)
    lines.append(f"{passed} passed, {len(everything) - passed} failed")
    return "\n".join(lines) + "\n"


def check_junit(checked: Checked, entry_checked: Checked) -> str:
    """The scenario files' JUnit XML with a test suite per expectations file added."""
    from tariffs.render import checks  # noqa: PLC0415

    entry_suites = [
        (
            path,
            [
                (
                    f"{_where(o.expectation)}: {o.expectation.text}",
                    o.expectation.line_at,
                    None if o.passed else check_failure(path, o),
                    "" if o.passed else check_failure(path, o),
                )
                for o in outcomes
            ],
        )
        for path, outcomes in entry_checked
    ]
    return checks.junit_xml([*checks.suites(checked), *entry_suites])


# --- tariffs rate --value --------------------------------------------------------------------


def priced_grid(line: LineDuties) -> Grid:
    """One product's duty lines on a value, to the cent."""
    rows = [
        (
            row.measure if row.authority != "mfn" else "MFN",
            _duty_label(row, line),
            row.rate_text,
            _base(row),
            money(row.amount),
        )
        for row in line.rows
    ]
    rows.append(("Total", "", percent(line.effective_rate), whole(line.value), money(line.duty)))
    return Grid(
        f"Duty on an entered value of USD {money(line.line.value)} ({whole(line.value)} whole "
        f"dollars), 19 CFR 159.3 rounding; fees need an entry (tariffs entry)",
        ("Layer", "HTS / Ch. 99", "Rate", "Value\nUSD", "Duty\nUSD"),
        "kknnn",
        tuple(rows),
    )


def priced_json(line: LineDuties) -> dict[str, Any]:
    """The `money` of `tariffs rate --value` in JSON."""
    return {
        "entered_value": Money(line.line.value),
        "quantity": None
        if line.line.quantity is None
        else f"{line.line.quantity:f} {line.line.unit}".strip(),
        **_fields(ENTRY_LINE, line),
        "duties": [{"measure": row.measure, **_fields(ENTRY_DUTY, row)} for row in line.rows],
    }
