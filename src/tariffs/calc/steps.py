"""Rates over time: each measure's rate is a step function of the day. Pure.

A step function is a sorted tuple of `Step`s, each rate in force from its date until the
next step (0% before the first). A scenario's changes replace a measure's schedule from
their date on; windows override both over [start, until); an exclusion drops a product's
rate to 0% from a date. Rules between layers (yields, all-in ceilings) are in calc.precedence.
All work is proportional to the number of steps, never to the number of days.

Static duties assume trade runs at the flow's annual value every day, 1/365 of it per
day, whatever the year's length: duties = value * sum(rate% * days) / (365 * 100).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from operator import attrgetter
from types import MappingProxyType
from typing import NamedTuple

from tariffs.calc.results import DAYS_PER_YEAR, ZERO, Change, Segment
from tariffs.domain import EXCLUDES, Measure, RuleChange, Scenario, Schedule, Window


class Step(NamedTuple):
    """A measure's `rate` applies from `start` until the next step. `cause` says why."""

    start: date
    rate: Decimal
    cause: str


_START = attrgetter("start")


def rate_at(steps: tuple[Step, ...], day: date) -> Decimal:
    """The rate of a step function on `day` (0% before its first step)."""
    index = bisect_right(steps, day, key=_START) - 1
    return steps[index].rate if index >= 0 else ZERO


Prefixes = tuple[str, ...]
"""HS prefixes a scenario's change or window sets a measure for; () for every product."""


class Plan(NamedTuple):
    """A scenario's changes and windows indexed by measure name, built once per scenario.

    A change holds the prefixes it is limited to, () for every product; a line takes a
    limited change when the prefixes are among its `tags` (see calc.scope.Scope)."""

    disabled: frozenset[str]
    changes: dict[str, list[tuple[date, Decimal, Prefixes]]]
    windows: dict[str, list[Window]]
    rules: Mapping[str, tuple[RuleChange, ...]] = MappingProxyType({})
    """A measure's changes of rules (yields, ceilings, exclusions), in date order."""


def plan_of(scenario: Scenario) -> Plan:
    changes: dict[str, list[tuple[date, Decimal, Prefixes]]] = {}
    every = [(day, name, rate, ()) for day, name, rate in scenario.changes]
    # by date; on one date, a change for some products after one for all, so it wins there
    for day, name, rate, prefixes in sorted(
        [*every, *scenario.product_changes], key=lambda c: (c[0], len(c[3]) > 0)
    ):
        changes.setdefault(name, []).append((day, rate, prefixes))
    windows: dict[str, list[Window]] = {}
    for window in scenario.windows:
        for name, _ in window.rates:
            windows.setdefault(name, []).append(window)
    rules: dict[str, list[RuleChange]] = {}
    for change in sorted(scenario.rules, key=lambda c: c.day):
        rules.setdefault(change.measure, []).append(change)
    return Plan(scenario.disabled, changes, windows, {name: tuple(c) for name, c in rules.items()})


def limited(scenario: Scenario) -> dict[str, set[Prefixes]]:
    """The product prefixes each measure's limited changes, windows and exclusions name."""
    out: dict[str, set[Prefixes]] = {}
    for change in scenario.rules:
        for prefixes, _, _ in change.excludes:
            out.setdefault(change.measure, set()).add(prefixes)
    for _, name, _, prefixes in scenario.product_changes:
        out.setdefault(name, set()).add(prefixes)
    for window in scenario.windows:
        for name, prefixes in window.products:
            out.setdefault(name, set()).add(prefixes)
    return out


def measure_steps(
    measure: Measure, scenario: Scenario, *, without: str | None = None
) -> tuple[Step, ...]:
    """A measure's step function under a scenario, optionally ignoring the window `without`.

    Order of precedence: the measure's own schedule, then the scenario's changes (each
    replaces the schedule from its date on), then windows (each overrides [start, until)
    and hands back to whatever the schedule says at `until`).
    """
    return steps_for(measure, plan_of(scenario), without)


def steps_for(
    measure: Measure,
    plan: Plan,
    without: str | None = None,
    schedule: Schedule | None = None,
    label: str = "product rate",
    *,
    tags: frozenset[Prefixes] = frozenset(),
) -> tuple[Step, ...]:
    """A measure's step function under a plan; `schedule` (named `label`, such as
    "product rate for HS 8517.13") replaces the measure's own.

    Each step's cause names the rule in force from its start: "schedule", the `label`,
    "scenario change", a window ("Geneva truce starts"), or the rule a window hands back
    to when it ends, with that rule's own date. A rule that changes without changing the
    rate is a step of its own, so that the cause of a rate is always the rule in force.
    """
    if measure.name in plan.disabled:
        return (Step(date.min, ZERO, "disabled"),)
    steps = [Step(date.min, ZERO, "")]
    own = measure.rates if schedule is None else schedule
    cause = "schedule" if schedule is None else label
    steps.extend(Step(day, rate, cause) for day, rate in own)
    for day, rate, prefixes in plan.changes.get(measure.name, ()):
        if prefixes and prefixes not in tags:
            continue
        steps = [step for step in steps if step.start < day]
        steps.append(Step(day, rate, _change_cause(measure, prefixes)))
    windows = [
        w
        for w in plan.windows.get(measure.name, ())
        if w.name != without and dict(w.products).get(measure.name, ()) in {(), *tags}
    ]
    if windows:
        steps = _apply_windows(tuple(steps), measure.name, windows)
    return without_repeats(steps)


def _change_cause(measure: Measure, prefixes: Prefixes) -> str:
    if not prefixes:
        return "scenario change"
    return f"scenario change for HS {', '.join(measure.hs(p) for p in prefixes)}"


def _apply_windows(underlying: tuple[Step, ...], measure: str, windows: list[Window]) -> list[Step]:
    """Overlay non-overlapping windows on a step function."""
    windows = sorted(windows, key=_START)
    by_day: dict[date, Step] = {}
    for step in underlying:
        # Windows do not overlap, so only the last one starting on or before the step can
        # cover it.
        index = bisect_right(windows, step.start, key=_START) - 1
        if index < 0 or windows[index].until <= step.start:
            by_day[step.start] = step
    for window in windows:  # window ends first, so an adjacent window's start wins
        index = bisect_right(underlying, window.until, key=_START) - 1
        back = underlying[index] if index >= 0 else Step(date.min, ZERO, "")
        rule = f"{back.cause} of {back.start}" if back.cause else "no rate"
        by_day[window.until] = Step(window.until, back.rate, f"{window.name} ends: {rule}")
    for window in windows:
        rate = next(r for name, r in window.rates if name == measure)
        by_day[window.start] = Step(window.start, rate, f"{window.name} starts")
    return [by_day[day] for day in sorted(by_day)]


def without_repeats(steps: Iterable[Step]) -> tuple[Step, ...]:
    """The steps, less each that repeats the one before it: the same rate by the same rule.
    A new rule at the same rate is kept (its cause is the one in force from then)."""
    kept: list[Step] = []
    for step in steps:
        if not kept or step.rate != kept[-1].rate or step.cause != kept[-1].cause:
            kept.append(step)
    return tuple(kept)


def excluded(
    steps: tuple[Step, ...], since: date, note: str, until: date = date.max, *, by: str = "excluded"
) -> tuple[Step, ...]:
    """A step function at 0% over [since, until) (an exclusion), as before and after; `by`
    starts the cause ("excluded", or "scenario exclusion")."""
    cause = f"{by}: {note}" if note else by
    kept = [step for step in steps if step.start < since]
    if until == date.max:
        return without_repeats([*kept, Step(since, ZERO, cause)])
    index = bisect_right(steps, until, key=_START) - 1
    back = steps[index] if index >= 0 else Step(date.min, ZERO, "")
    rule = f"{back.cause} of {back.start}" if back.cause else "no rate"
    after = [step for step in steps if step.start > until]
    ends = Step(until, back.rate, f"exclusion ends: {rule}")
    return without_repeats([*kept, Step(since, ZERO, cause), ends, *after])


def exclusions(
    steps: tuple[Step, ...],
    excluded_from: date | None,
    note: str,
    tags: frozenset[Prefixes],
    changes: tuple[RuleChange, ...],
) -> tuple[Step, ...]:
    """A product's steps with its exclusions: the measure's own (from `excluded_from`, with
    `note`), which end at the scenario's first change of exclusions, then each change's
    (those whose prefixes are among the product's `tags`), until the next change."""
    changed = [c for c in changes if c.kind == EXCLUDES]
    first = changed[0].day if changed else date.max
    spans: list[tuple[date, date, str, str]] = []
    if excluded_from is not None and excluded_from < first:
        spans.append((excluded_from, first, note, "excluded"))
    for k, change in enumerate(changed):
        until = changed[k + 1].day if k + 1 < len(changed) else date.max
        starts = [
            (max(since, change.day), text)
            for prefixes, since, text in change.excludes
            if prefixes in tags
        ]
        if starts:
            start, text = min(starts, key=lambda x: x[0])
            if start < until:
                spans.append((start, until, text, "scenario exclusion"))
    for start, until, text, by in spans:
        steps = excluded(steps, start, text, until, by=by)
    return steps


def segments(layers: Layers, start: date, until: date) -> tuple[Segment, ...]:
    """Cut [start, until) into segments over which no layer's rate changes."""
    current = [rate_at(steps, start) for _, steps in layers]
    events: dict[date, list[tuple[int, Step]]] = {}
    for index, (_, steps) in enumerate(layers):
        first = bisect_right(steps, start, key=_START)
        for step in steps[first:]:
            if step.start >= until:
                break
            events.setdefault(step.start, []).append((index, step))
    out: list[Segment] = []
    seg_start: date = start
    changes: tuple[Change, ...] = ()
    for day in sorted(events):
        out.append(_segment(seg_start, day, current, changes))
        moved: list[Change] = []
        for index, step in events[day]:
            moved.append(Change(layers[index][0].name, current[index], step.rate, step.cause))
            current[index] = step.rate
        seg_start, changes = day, tuple(moved)
    out.append(_segment(seg_start, until, current, changes))
    return tuple(out)


def _segment(
    start: date, until: date, layers: list[Decimal], changes: tuple[Change, ...]
) -> Segment:
    return Segment(start, until, sum(layers, ZERO), tuple(layers), changes)


def rate_days(parts: Iterable[Segment]) -> Decimal:
    """Sum of rate% x days: the integral of the rate over the segments."""
    return sum((seg.rate * seg.days for seg in parts), ZERO)


def static_duties(value: Decimal, rate_day_sum: Decimal) -> Decimal:
    """Duties on trade held at `value` a year, from a sum of rate% x days."""
    return value * rate_day_sum / (DAYS_PER_YEAR * 100)


Layers = list[tuple[Measure, tuple[Step, ...]]]
