"""The outputs of `tariffs sweep`: its rows and its break-even answers, in every format.

A sweep's columns are the variant's number, each varied number (headed by its target as
written), the flow, each metric named (from the registry, tariffs.metrics.SWEEP) and the
variant's problem, if it is invalid. JSON and CSV stream the rows as they are computed;
tables and Markdown show one grid per flow. See docs/sweep.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from tariffs import metrics
from tariffs.calc.results import Answer, SolveResult, SweepResult, VariantRow
from tariffs.domain import Vary, VaryValue, counted, money_literal, percent_literal
from tariffs.render import fmt
from tariffs.render.csv_out import field
from tariffs.render.grids import Facts, Grid, cell
from tariffs.render.json_out import EXACT_PLACES, Exact, Money, Rate, Stream, envelope, typed
from tariffs.render.safe import json_string

SWEEP_FORMAT = "tariffs.sweep"
SOLVE_FORMAT = "tariffs.solve"
VALUE_PLACES = EXACT_PLACES
"""Decimal places of a varied value in JSON and CSV: as many as a file may write."""
BATCH = 2_000
"""Rows per piece of CSV text."""


def _metrics(names: Sequence[str]) -> list[metrics.Metric]:
    return [metrics.SWEEP.metric(name) for name in names]


# --- values as each format writes them -----------------------------------------------------


def literal(unit: str, value: VaryValue) -> str:
    """A varied value as a scenario file writes it: 90, 2025-08-12, 30%, 438.9bn, -1.5."""
    if isinstance(value, date):
        return value.isoformat()
    if unit == "percent":
        return percent_literal(value)
    if unit == "money":
        return money_literal(value)
    return fmt.number(value, VALUE_PLACES)


def _machine_value(unit: str, value: VaryValue) -> str:
    """A varied value in CSV and JSON: a date's ISO text, or the exact number (percent as
    the number of percent, as rates are everywhere)."""
    if isinstance(value, date):
        return value.isoformat()
    return fmt.number(value, VALUE_PLACES)


def _places(unit: str) -> int:
    return fmt.RATE_PLACES if unit in {"percent", "pp"} else fmt.MONEY_PLACES


def _number(unit: str, value: Decimal | None) -> str:
    return "" if value is None else fmt.number(value, _places(unit))


# --- facts ---------------------------------------------------------------------------------


def _varied(vary: Vary) -> str:
    shown = [literal(vary.target.unit, v) for v in vary.values]
    if len(shown) > 4:
        shown = [*shown[:2], "...", shown[-1]]
    return f"{vary.target.text}: {', '.join(shown)} ({counted(len(vary.values), 'value')})"


def _money(currency: str, largest: Decimal) -> tuple[Decimal, str]:
    divisor, suffix = fmt.scale_for(largest)
    return divisor, f"{currency} {suffix}".rstrip()


def sweep_facts(result: SweepResult, path: str) -> Facts:
    facts: Facts = [("File", path), ("Scenario", result.scenario)]
    facts.extend(("Varied", _varied(vary)) for vary in result.vary)
    _, unit = _money(result.currency, result.money_scale)
    last = result.until - timedelta(days=1)
    facts.extend(
        [
            ("Variants", f"{result.variants:,} (the first varied number outermost)"),
            ("Period", f"{result.start} to {last}"),
            ("Rates on", result.on.isoformat()),
            ("Baseline", f"{result.baseline} (deltas are variant minus baseline)"),
            ("Money", f"{unit}, static (trade held at each flow's annual value)"),
        ]
    )
    return facts


def sweep_grids(result: SweepResult, rows: Sequence[VariantRow]) -> list[Grid]:
    """One grid per flow: a row per variant, its varied values and metrics; then, if some
    variants are invalid, a grid of the reasons, each once, numbered."""
    chosen = _metrics(result.metrics)
    divisor, unit = _money(result.currency, result.money_scale)
    reasons: dict[str, int] = {}
    for row in rows:
        if row.problem is not None:
            reasons.setdefault(row.problem, len(reasons) + 1)
    headers = (
        "#",
        *(vary.target.text for vary in result.vary),
        *(m.name + (f"\n{unit}" if m.unit == "money" else "") for m in chosen),
        *(("Invalid",) if reasons else ()),
    )
    kinds = "n" * (1 + len(result.vary) + len(chosen)) + ("k" if reasons else "")
    grids = []
    for position, flow in enumerate(result.flows):
        body = []
        for row in rows:
            varied = tuple(
                literal(v.target.unit, x) for v, x in zip(result.vary, row.values, strict=True)
            )
            if row.problem is not None:
                values = ("-",) * len(chosen) + (f"reason {reasons[row.problem]}",)
            else:
                values = tuple(
                    cell(m, x, divisor) for m, x in zip(chosen, row.cells[position], strict=True)
                ) + (("",) if reasons else ())
            body.append((str(row.number), *varied, *values))
        grids.append(
            Grid(f"{flow} under variants of {result.scenario}", headers, kinds, tuple(body))
        )
    if reasons:
        grids.append(
            Grid(
                "Why variants are invalid",
                ("Reason", "A file could not state the variant:"),
                "nt",
                tuple((str(n), text) for text, n in reasons.items()),
            )
        )
    return grids


# --- JSON ----------------------------------------------------------------------------------


def _vary_json(vary: Vary) -> dict[str, Any]:
    return {"target": vary.target.text, "unit": vary.target.unit, "count": len(vary.values)}


def _json_rows(result: SweepResult) -> Iterator[str]:
    chosen = _metrics(result.metrics)
    keys = [json_string(vary.target.text) for vary in result.vary]
    flows = [
        (json_string(flow.partition(":")[0]), json_string(flow.partition(":")[2]))
        for flow in result.flows
    ]
    names = [json_string(m.name) for m in chosen]
    nulls = ", ".join(f"{name}: null" for name in names)
    for row in result.rows:
        values = ", ".join(
            f"{key}: "
            + (
                json_string(x.isoformat())
                if isinstance(x, date)
                else _machine_value(v.target.unit, x)
            )
            for key, v, x in zip(keys, result.vary, row.values, strict=True)
        )
        head = f'{{"variant": {row.number}, "values": {{{values}}}'
        problem = "null" if row.problem is None else json_string(row.problem)
        for position, (importer, exporter) in enumerate(flows):
            if row.problem is not None:
                numbers = nulls
            else:
                numbers = ", ".join(
                    f"{name}: {_json_number(m.unit, x)}"
                    for name, m, x in zip(names, chosen, row.cells[position], strict=True)
                )
            yield (
                f'{head}, "importer": {importer}, "exporter": {exporter}, {numbers}, '
                f'"problem": {problem}}}'
            )


def _json_number(unit: str, value: Decimal | None) -> str:
    return "null" if value is None else fmt.number(value, _places(unit))


def sweep_json(result: SweepResult, path: str) -> Iterator[str]:
    """The JSON document of a sweep; its rows stream out as they are computed."""
    return envelope(
        SWEEP_FORMAT,
        "rows",
        Stream(_json_rows(result)),
        path=path,
        title=result.title,
        scenario=result.scenario,
        baseline=result.baseline,
        report_on=result.on,
        currency=result.currency,
        vary=[_vary_json(vary) for vary in result.vary],
        metrics=[{"name": m.name, "unit": m.unit} for m in _metrics(result.metrics)],
        variants=result.variants,
    )


# --- CSV -----------------------------------------------------------------------------------


def sweep_csv(result: SweepResult) -> Iterator[str]:
    """Tidy CSV: a row per variant per flow; the rows stream out as they are computed."""
    chosen = _metrics(result.metrics)
    header = [
        "variant",
        *(field(vary.target.text) for vary in result.vary),
        "importer",
        "exporter",
        *(m.name for m in chosen),
        "problem",
    ]
    batch = [",".join(header) + "\n"]
    flows = [tuple(field(part) for part in flow.split(":", 1)) for flow in result.flows]
    empty = "," * (len(chosen) - 1) if chosen else ""
    for row in result.rows:
        head = ",".join(
            [str(row.number)]
            + [
                _machine_value(v.target.unit, x)
                for v, x in zip(result.vary, row.values, strict=True)
            ]
        )
        problem = field(row.problem) if row.problem is not None else ""
        for position, (importer, exporter) in enumerate(flows):
            if row.problem is not None:
                numbers = empty
            else:
                numbers = ",".join(
                    _number(m.unit, x) for m, x in zip(chosen, row.cells[position], strict=True)
                )
            batch.append(f"{head},{importer},{exporter},{numbers},{problem}\n")
        if len(batch) >= BATCH:
            yield "".join(batch)
            batch = []
    yield "".join(batch)


# --- break-even answers ------------------------------------------------------------------------


ANSWER_NOTES = {
    "exact": "the goal, exactly",
    "crossed": "the goal lies in between",
    "none": "no value in the range reaches the goal",
    "invalid": "a variant on the way is invalid",
}


def solve_facts(result: SolveResult, path: str) -> Facts:
    _, unit = _money(result.currency, result.money_scale)
    return [
        ("File", path),
        ("Scenario", result.scenario),
        ("Varied", _varied(result.vary)),
        ("Goal", f"{result.solve.metric} = {_goal(result)}"),
        ("Method", "bisection on the exact calculation, to whole days or to 0.000001"),
        ("Money", unit),
    ]


def _goal(result: SolveResult) -> str:
    unit = result.unit
    goal = result.solve.goal
    if unit in {"percent", "pp"}:
        return fmt.number(goal, fmt.RATE_PLACES) + "%"
    return money_literal(goal) if goal >= 0 else "-" + money_literal(-goal)


MOST_PLACES = 12
"""The most decimals a solve's table shows to tell a value from its goal."""


def _metric_cell(result: SolveResult, value: Decimal | None) -> str:
    """A metric's value beside its goal, with enough decimals to see which side of the goal
    it is on: 9.9966 is not shown as 10.00 next to a goal of 10 (at most MOST_PLACES)."""
    if value is None:
        return "-"
    metric = metrics.SWEEP.metric(result.solve.metric)
    divisor, _ = _money(result.currency, result.money_scale)
    goal = result.solve.goal
    if metric.unit == "money":
        value, goal, places = value / divisor, goal / divisor, 2
    else:
        places = 1
    while (
        places < MOST_PLACES
        and value != goal
        and fmt.rounded(value, places) == fmt.rounded(goal, places)
    ):
        places += 1
    if metric.unit == "money":
        return fmt.money(value, Decimal(1), places)
    if metric.unit == "pp":
        return fmt.pp(value, places)
    return fmt.pct(value, places) if metric.unit == "percent" else cell(metric, value, divisor)


def solve_grids(result: SolveResult) -> list[Grid]:
    unit = result.vary.target.unit
    _, money_unit = _money(result.currency, result.money_scale)
    metric = result.solve.metric + (f"\n{money_unit}" if result.unit == "money" else "")

    def shown(value: VaryValue | None) -> str:
        return "-" if value is None else literal(unit, value)

    rows = []
    for answer in result.answers:
        note = answer.note or ANSWER_NOTES[answer.status]
        if answer.status == "none":
            note += (
                f" (from {_metric_cell(result, answer.low)} to {_metric_cell(result, answer.high)})"
            )
        rows.append(
            (
                answer.flow,
                answer.status,
                shown(answer.value),
                _metric_cell(result, answer.metric),
                shown(answer.below),
                _metric_cell(result, answer.metric_below),
                f"{answer.evaluated:,}",
                note,
            )
        )
    headers = ("Flow", "Status", "Value", metric, "Value\nbefore", metric, "Variants", "Note")
    return [Grid(f"Where {result.solve.text} is met", headers, "kknnnnnt", tuple(rows))]


def _answer_json(result: SolveResult, answer: Answer) -> dict[str, Any]:
    def value(x: VaryValue | None) -> Any:
        return x if x is None or isinstance(x, date) else Exact(x)

    importer, _, exporter = answer.flow.partition(":")
    return {
        "importer": importer,
        "exporter": exporter,
        "status": answer.status,
        "value": value(answer.value),
        "metric": typed(result.unit, answer.metric),
        "value_before": value(answer.below),
        "metric_before": typed(result.unit, answer.metric_below),
        "least": typed(result.unit, answer.low),
        "greatest": typed(result.unit, answer.high),
        "variants_computed": answer.evaluated,
        "note": answer.note or ANSWER_NOTES[answer.status],
    }


def solve_json(result: SolveResult, path: str) -> Iterator[str]:
    goal = Rate(result.solve.goal) if result.unit in {"percent", "pp"} else Money(result.solve.goal)
    return envelope(
        SOLVE_FORMAT,
        "answers",
        [_answer_json(result, a) for a in result.answers],
        path=path,
        title=result.title,
        scenario=result.scenario,
        vary=_vary_json(result.vary),
        metric=result.solve.metric,
        unit=result.unit,
        goal=goal,
    )


def solve_csv(result: SolveResult) -> Iterable[str]:
    header = (
        "importer,exporter,status,value,metric,value_before,metric_before,least,greatest,note\n"
    )
    unit = result.vary.target.unit
    lines = [header]
    for a in result.answers:
        importer, _, exporter = a.flow.partition(":")
        cells = [
            field(importer),
            field(exporter),
            a.status,
            "" if a.value is None else _machine_value(unit, a.value),
            _number(result.unit, a.metric),
            "" if a.below is None else _machine_value(unit, a.below),
            _number(result.unit, a.metric_below),
            _number(result.unit, a.low),
            _number(result.unit, a.high),
            field(a.note or ANSWER_NOTES[a.status]),
        ]
        lines.append(",".join(cells) + "\n")
    return lines
