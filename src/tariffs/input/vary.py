"""The language of sweeps: which number a sweep varies, over which values (docs/sweep.md).

`--vary TARGET=VALUES` on the command line and the `vary:` entries of a file's `sweeps:`
both come here. A target names one number of the loaded study:

    window:NAME.days | .until | .start | .MEASURE    a window of the swept scenario
    change:DATE.MEASURE                             a change of the swept scenario
    measure:MEASURE.DATE                            a step of a measure's own schedule
    flow:IMPORTER:EXPORTER.value | .elasticity | .observed_at
    line:IMPORTER:EXPORTER.HS.value | .share | .elasticity | .observed_at
    market:IMPORTER.import_demand | .substitution | .export_supply

and VALUES are `FIRST..LAST/STEP`, a list `A,B,C`, or one value, each written as the file
writes that number (30, 2025-08-12, 30%, 438.9bn, -1.5). Pure: text and domain values in,
domain values out, `ValueError` with a user-facing message on bad input.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from tariffs import metrics
from tariffs.domain import Scenario, Solve, Study, Target, Vary, VaryValue, listed, quoted
from tariffs.input.literals import (
    hs_digits,
    parse_date,
    parse_elasticity,
    parse_flow,
    parse_hs,
    parse_money,
    parse_percent,
    parse_substitution,
    parse_supply,
)
from tariffs.limits import MAX_VARIANTS

KINDS = ("window", "change", "measure", "flow", "line", "market")

WINDOW_FIELDS = ("days", "until", "start")
FLOW_FIELDS = ("value", "elasticity", "observed_at")
LINE_FIELDS = ("value", "share", "elasticity", "observed_at")
MARKET_FIELDS = ("import_demand", "substitution", "export_supply")
MAX_DAYS = 36_500
"""The longest window, in days (as in the file format)."""

_UNIT_OF_FIELD = {
    "days": "days",
    "until": "date",
    "start": "date",
    "rate": "percent",
    "value": "money",
    "share": "percent",
    "elasticity": "number",
    "observed_at": "percent",
    "import_demand": "number",
    "substitution": "number",
    "export_supply": "number",
}

EXAMPLES = {
    "days": "30..365/5",
    "date": "2025-08-12..2025-12-31/7",
    "percent": "10%..60%/5%",
    "money": "300bn..500bn/50bn",
    "number": "-3..0/0.5",
}
"""A range of each unit, for messages and docs/sweep.md."""


def split(text: str) -> tuple[str, str]:
    """`TARGET=VALUES` -> (TARGET, VALUES), split at the last `=`."""
    target, sep, values = text.rpartition("=")
    if not sep or not target.strip() or not values.strip():
        raise ValueError(
            f"{quoted(text)}: write TARGET=VALUES, such as "
            "'window:Geneva truce.days=30..365/5' (see docs/sweep.md)"
        )
    return target.strip(), values.strip()


# --- targets ------------------------------------------------------------------------------


def target(study: Study, scenario: Scenario, text: str) -> Target:
    """The number `text` names in `study`, under `scenario` for windows and changes."""
    kind, sep, rest = text.partition(":")
    kind = kind.strip()
    if not sep or kind not in KINDS:
        raise ValueError(
            f"{quoted(text)} names no number: write KIND:NAME.FIELD, KIND being one of "
            f"{', '.join(KINDS)}, such as window:Geneva truce.days (see docs/sweep.md)"
        )
    rest = rest.strip()
    if kind == "window":
        return _window(scenario, rest, text)
    if kind == "change":
        return _change(scenario, rest, text)
    if kind == "measure":
        return _measure(study, rest, text)
    if kind == "market":
        return _market(study, rest, text)
    return _flow_or_line(study, kind, rest, text)


def _market(study: Study, rest: str, text: str) -> Target:
    importer, _, field = rest.partition(".")
    names = [market.importer for market in study.markets]
    if importer not in names:
        raise ValueError(
            f"{quoted(text)}: the file has no market {quoted(importer)} (its markets: "
            f"{listed(names)})"
        )
    if field not in MARKET_FIELDS:
        raise ValueError(
            f"{quoted(text)}: a market has {', '.join(MARKET_FIELDS)}, not {quoted(field)}"
        )
    return Target("market", importer, field, _UNIT_OF_FIELD[field], text)


def _window(scenario: Scenario, rest: str, text: str) -> Target:
    windows = {window.name: window for window in scenario.windows}
    if rest.startswith('"'):
        close = rest.find('"', 1)
        if close < 0 or rest[close + 1 : close + 2] != ".":
            raise ValueError(f'{quoted(text)}: write window:"NAME".FIELD, with the field after')
        splits = [(rest[1:close], rest[close + 2 :])]
    else:
        splits = [(rest[:i], rest[i + 1 :]) for i, c in enumerate(rest) if c == "."]
    found: list[Target] = []
    named = None
    for name, field in splits:
        window = windows.get(name)
        if window is None:
            continue
        named = window
        measures = [measure for measure, _ in window.rates]
        if field in WINDOW_FIELDS:
            found.append(Target("window", name, field, _UNIT_OF_FIELD[field], text))
        elif field in measures:
            found.append(Target("window", name, "rate", "percent", text, measure=field))
    if len(found) > 1:
        raise ValueError(
            f"{quoted(text)} could name {len(found)} numbers; quote the window's name: "
            'window:"NAME".FIELD'
        )
    if found:
        return found[0]
    if named is not None:
        sets = [measure for measure, _ in named.rates]
        raise ValueError(
            f"{quoted(text)}: window {quoted(named.name)} has days, until, start and the rates "
            f"it sets ({listed(sets)}), nothing else"
        )
    raise ValueError(
        f"{quoted(text)}: scenario {quoted(scenario.name)} has no such window "
        f"(its windows: {listed(list(windows))})"
    )


def _change(scenario: Scenario, rest: str, text: str) -> Target:
    day_text, _, measure = rest.partition(".")
    known = [f"{day}.{name}" for day, name, _ in scenario.changes]
    try:
        day = parse_date(day_text)
    except ValueError as exc:
        raise ValueError(f"{quoted(text)}: write change:DATE.MEASURE ({exc})") from None
    if not any(d == day and name == measure for d, name, _ in scenario.changes):
        raise ValueError(
            f"{quoted(text)}: scenario {quoted(scenario.name)} changes no measure "
            f"{quoted(measure)} on {day} (its changes: {listed(known)})"
        )
    return Target("change", scenario.name, "rate", "percent", text, measure=measure, day=day)


def _measure(study: Study, rest: str, text: str) -> Target:
    name, _, day_text = rest.rpartition(".")
    measures = {measure.name: measure for measure in study.measures}
    measure = measures.get(name)
    if measure is None:
        raise ValueError(
            f"{quoted(text)}: write measure:MEASURE.DATE; there is no measure {quoted(name)} "
            f"(known: {listed(list(measures))})"
        )
    try:
        day = parse_date(day_text)
    except ValueError as exc:
        raise ValueError(f"{quoted(text)}: write measure:MEASURE.DATE ({exc})") from None
    if not any(d == day for d, _ in measure.rates):
        dates = [d.isoformat() for d, _ in measure.rates]
        raise ValueError(
            f"{quoted(text)}: measure {quoted(name)} has no rate from {day} "
            f"(its dates: {listed(dates)})"
        )
    return Target("measure", name, "rate", "percent", text, day=day)


def _flow_or_line(study: Study, kind: str, rest: str, text: str) -> Target:
    key_text, _, more = rest.partition(".")
    try:
        key = ":".join(parse_flow(key_text))
    except ValueError as exc:
        raise ValueError(f"{quoted(text)}: {exc}") from None
    flows = {flow.key: flow for flow in study.flows}
    flow = flows.get(key)
    if flow is None:
        raise ValueError(f"{quoted(text)}: there is no flow {key} (known: {listed(list(flows))})")
    fields: tuple[str, ...] = FLOW_FIELDS
    if kind == "flow":
        field, hs = more, ""
    else:
        code, _, field = more.rpartition(".")
        fields = LINE_FIELDS
        if not flow.classified:
            raise ValueError(
                f"{quoted(text)}: flow {key} has no product lines; vary flow:{key}.value"
            )
        try:
            hs = hs_digits(parse_hs(code))
        except ValueError as exc:
            raise ValueError(f"{quoted(text)}: write line:{key}.HS.FIELD ({exc})") from None
        codes = [line.code for line in flow.lines if line.hs]
        if not any(line.hs == hs for line in flow.lines):
            raise ValueError(
                f"{quoted(text)}: flow {key} has no line {quoted(code)} (its lines: "
                f"{listed(codes)})"
            )
    if field not in fields:
        raise ValueError(f"{quoted(text)}: a {kind} has {', '.join(fields)}, not {quoted(field)}")
    if field in {"elasticity", "observed_at"} and flow.lines[0].elasticity is None:
        raise ValueError(
            f"{quoted(text)}: flow {key} has no trade response to vary; give it 'elasticity' "
            "and 'observed_at' in the file"
        )
    return Target(kind, key, field, _UNIT_OF_FIELD[field], text, hs=hs)


# --- values -------------------------------------------------------------------------------


def _days(text: str) -> Decimal:
    if not re.fullmatch(r"[0-9]{1,6}", text):
        raise ValueError(
            f"{quoted(text)} is not a number of days: write a whole number, such as 90"
        )
    days = Decimal(text)
    if days < 1:
        raise ValueError("a window lasts at least one day: 0 days is not a length")
    if days > MAX_DAYS:
        raise ValueError(f"a window lasts at most {MAX_DAYS:,} days, not {text}")
    return days


def _number(text: str) -> Decimal:
    return parse_elasticity(text)


def _share(text: str) -> Decimal:
    share = parse_percent(text)
    if share > 100:
        raise ValueError(f"a share is at most 100%, not {text}")
    return share


def _supply(text: str) -> Decimal:
    found = parse_supply(text)
    if found is None:
        raise ValueError("a sweep varies a finite export supply elasticity, not 'infinite'")
    return found


def _parser(target: Target) -> Callable[[str], VaryValue]:
    if target.field == "share":
        return _share
    if target.field == "substitution":
        return parse_substitution
    if target.field == "export_supply":
        return _supply
    parsers: dict[str, Callable[[str], VaryValue]] = {
        "days": _days,
        "date": parse_date,
        "percent": parse_percent,
        "money": parse_money,
        "number": _number,
    }
    return parsers[target.unit]


def _step(target: Target, text: str) -> Decimal:
    """A range's step: in days for days and dates, else written like the values."""
    unit = target.unit
    try:
        if unit in {"days", "date"}:
            if not re.fullmatch(r"[0-9]{1,6}", text):
                raise ValueError(f"{quoted(text)} is not a number of days")
            step = Decimal(text)
        elif unit == "percent":
            step = parse_percent(text)
        elif unit == "money":
            step = parse_money(text)
        else:
            step = Decimal(text)
    except (ValueError, InvalidOperation) as exc:
        message = exc if isinstance(exc, ValueError) else f"{quoted(text)} is not a number"
        raise ValueError(f"the step: {message}") from None
    if not step.is_finite() or step <= 0:
        raise ValueError(f"the step must be above zero, not {quoted(text)}")
    return step


def values(target: Target, text: str) -> tuple[VaryValue, ...]:
    """The values `text` gives `target`, in order: a range FIRST..LAST/STEP (LAST is
    included when a whole number of steps reaches it), a list A,B,C, or one value."""
    parse = _parser(target)
    text = text.strip()
    try:
        if ".." not in text:
            return tuple(parse(part.strip()) for part in text.split(","))
        first_text, _, rest = text.partition("..")
        last_text, slash, step_text = rest.partition("/")
        first, last = parse(first_text.strip()), parse(last_text.strip())
    except ValueError as exc:
        raise ValueError(f"{quoted(target.text)}: {exc}") from None
    if not slash and target.unit not in {"days", "date"}:
        raise ValueError(
            f"{quoted(target.text)}: give the range a step, such as {EXAMPLES[target.unit]}"
        )
    try:
        step = _step(target, step_text.strip()) if slash else Decimal(1)
    except ValueError as exc:
        raise ValueError(f"{quoted(target.text)}: {exc}") from None
    return _range(target, first, last, step)


def _range(
    target: Target, first: VaryValue, last: VaryValue, step: Decimal
) -> tuple[VaryValue, ...]:
    if isinstance(first, date) and isinstance(last, date):
        span = Decimal((last - first).days)
    elif isinstance(first, Decimal) and isinstance(last, Decimal):
        span = last - first
    else:  # pragma: no cover - one parser gives both ends
        raise TypeError("a range's ends have different kinds")
    if span < 0:
        raise ValueError(
            f"{quoted(target.text)}: the range runs down; write the smaller value first"
        )
    count = int(span // step) + 1
    if count > MAX_VARIANTS:
        raise ValueError(
            f"{quoted(target.text)}: the range has {count:,} values, over the limit of "
            f"{MAX_VARIANTS:,} variants"
        )
    if isinstance(first, date):
        return tuple(first + timedelta(days=int(step) * k) for k in range(count))
    return tuple(first + step * k for k in range(count))


def vary(study: Study, scenario: Scenario, text: str) -> Vary:
    """A `TARGET=VALUES` text, resolved against the study and the swept scenario."""
    target_text, values_text = split(text)
    found = target(study, scenario, target_text)
    return Vary(found, values(found, values_text), text)


def check_grid(varies: Sequence[Vary]) -> int:
    """The number of variants; ValueError when two varies name one number, or when there
    are more than MAX_VARIANTS."""
    seen: dict[tuple[object, ...], str] = {}
    for one in varies:
        t = one.target
        key: tuple[object, ...] = (t.kind, t.name, t.field, t.measure, t.day, t.hs)
        if t.kind == "window" and t.field in {"days", "until"}:
            key = ("window", t.name, "end")
        if key in seen:
            raise ValueError(
                f"{quoted(t.text)} and {quoted(seen[key])} vary the same number; vary it once"
            )
        seen[key] = t.text
    count = math.prod(len(one.values) for one in varies)
    if count > MAX_VARIANTS:
        sizes = " x ".join(f"{len(one.values):,}" for one in varies)
        raise ValueError(
            f"the sweep has {sizes} = {count:,} variants, over the limit of {MAX_VARIANTS:,}"
        )
    return count


# --- questions ----------------------------------------------------------------------------


def solve(text: str) -> Solve:
    """`METRIC=GOAL` (`saved=0`, `average=30%`, `delta_static_duties=-50bn`): a sweep
    metric (tariffs.metrics.SWEEP), by its name or short name, and the value to reach."""
    name, sep, goal_text = text.partition("=")
    if not sep or not name.strip() or not goal_text.strip():
        raise ValueError(f"{quoted(text)}: write METRIC=GOAL, such as saved=0 or average=30%")
    try:
        metric = metrics.sweep_metric(name.strip())
    except KeyError:
        raise ValueError(f"there is no sweep metric {quoted(name.strip())}") from None
    goal_text = goal_text.strip()
    negative = goal_text.startswith("-")
    body = goal_text.removeprefix("-").strip()
    goal = parse_percent(body) if metric.unit in {"percent", "pp"} else parse_money(body)
    return Solve(metric.name, -goal if negative else goal, text)
