"""Fractions of a line's value that change by date: the weights of its parts. Pure.

A line cut by its shares of value (see calc.scope.line_parts) is a sum of parts, each a
fraction of its value. A share fixed over time gives a fixed fraction, a `Decimal`; a share
that changes by date (`shares: {usmca: {2025-01-01: 38%, 2025-07-01: 80%}}`) gives a
`Weight`, the fraction as a step function of the day: 0 before the share's first date, then
each value from its date on, [date, next date). A line's layer is then the sum over its
parts of fraction x the part's rate, which changes where a part's rate or its fraction
does: its segments split on the share's dates.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from operator import attrgetter

from tariffs.calc.results import ZERO
from tariffs.calc.steps import Step, without_repeats
from tariffs.domain import Schedule, percent_literal

ONE = Decimal(1)

Weight = tuple[Step, ...]
"""A fraction (0 to 1) by date, as steps from date.min; a step's cause names the share that
moved it ("usmca share 80%")."""
Fraction = Decimal | Weight
"""A part's fraction of its line's value: fixed, or by date."""

_START = attrgetter("start")


def share_weight(name: str, schedule: Schedule) -> Fraction:
    """The fraction of a share by date, from its schedule in percent (0 before the first
    date); a schedule at one value throughout is that value."""
    steps = [Step(date.min, ZERO, "")]
    steps.extend(
        Step(day, rate / 100, f"{name} share {percent_literal(rate)}") for day, rate in schedule
    )
    return _simplest(tuple(steps))


def at(fraction: Fraction, day: date) -> Decimal:
    """A fraction on `day`."""
    if isinstance(fraction, Decimal):
        return fraction
    index = bisect_right(fraction, day, key=_START) - 1
    return fraction[index].rate if index >= 0 else ZERO


def times(a: Fraction, b: Fraction) -> Fraction:
    """The product of two fractions, by date where either is."""
    if isinstance(a, Decimal) and isinstance(b, Decimal):
        return a * b
    left, right = _steps(a), _steps(b)
    days = sorted({s.start for s in left} | {s.start for s in right})
    out: list[Step] = []
    for day in days:
        causes = [s.cause for s in (_on(left, day), _on(right, day)) if s.start == day and s.cause]
        out.append(Step(day, at(left, day) * at(right, day), "; ".join(causes)))
    return _simplest(without_repeats(out))


def complement(fraction: Fraction) -> Fraction:
    """One minus a fraction: the part of the value outside a share."""
    if isinstance(fraction, Decimal):
        return ONE - fraction
    return tuple(step._replace(rate=ONE - step.rate) for step in fraction)


def some(fraction: Fraction) -> bool:
    """Whether a fraction is above 0 on some day: a part of the line at all."""
    if isinstance(fraction, Decimal):
        return fraction > 0
    return any(step.rate > 0 for step in fraction)


def mean(
    parts: Sequence[tuple[Fraction, tuple[Step, ...]]], total: Decimal = ONE
) -> tuple[Step, ...]:
    """sum(fraction x rate) / total over the parts of a line (`total` 1: their fractions
    add up to 1), at each date either changes.

    A day on which only fractions change, leaving the sum as it was, is no step; one on
    which a part's own rule changes is, as in calc.scope's fixed-weight mean. A step's cause
    joins its parts' causes and the shares that moved.
    """
    events: dict[date, list[tuple[int, Step, bool]]] = {}
    for index, (fraction, steps) in enumerate(parts):
        for step in steps:
            events.setdefault(step.start, []).append((index, step, False))
        for step in _steps(fraction):
            events.setdefault(step.start, []).append((index, step, True))
    rates = [ZERO] * len(parts)
    weights = [ZERO] * len(parts)
    out: list[Step] = []
    for day in sorted(events):
        causes: dict[str, None] = {}
        ruled = False
        for index, step, weight in events[day]:
            if weight:
                weights[index] = step.rate
            else:
                rates[index] = step.rate
                ruled = True
            if step.cause:
                causes[step.cause] = None
        value = sum((w * r for w, r in zip(weights, rates, strict=True)), ZERO) / total
        if not ruled and out and value == out[-1].rate:
            continue
        out.append(Step(day, value, "; ".join(causes)))
    return without_repeats(out)


def _steps(fraction: Fraction) -> Weight:
    return (Step(date.min, fraction, ""),) if isinstance(fraction, Decimal) else fraction


def _on(steps: Weight, day: date) -> Step:
    return steps[bisect_right(steps, day, key=_START) - 1]


def _simplest(steps: Weight) -> Fraction:
    """A fraction at one value on every day is that value."""
    return steps[0].rate if len({s.rate for s in steps}) == 1 else steps
