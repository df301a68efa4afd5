"""Precedence between the layers of a flow: yields and all-in ceilings, by date. Pure.

A measure's own steps (its schedule, a scenario's changes and windows, exclusions) are
computed first; then its rules (see `domain.Rule`) are applied over the days they are in
force. The period is cut at every rule's start and end into intervals; within one interval
the rules in force form an acyclic graph (the loader refuses a cycle), so each measure is
evaluated after the layers it depends on. Two rules may point opposite ways at different
times, as the 2025 non-stacking orders did (IEEPA Canada over 232 steel, then the reverse
from 4 June 2025).

A yield follows CBP's "subject to": the other layer must be owed above 0% on that day. An
all-in ceiling pays max(0, rate - the sum of the named layers) on each day.
"""

from __future__ import annotations

import itertools
from bisect import bisect_right
from collections.abc import Sequence
from datetime import date
from operator import attrgetter
from typing import NamedTuple

from tariffs.calc.results import ZERO
from tariffs.calc.steps import Step, rate_at, without_repeats
from tariffs.domain import ALL_IN, Measure, Rule

_START = attrgetter("start")


class Interval(NamedTuple):
    """Days [start, until) over which the same rules are in force: each measure's rules
    (by index) and an order in which every measure comes after those it depends on."""

    start: date
    until: date
    order: tuple[int, ...]
    active: tuple[tuple[Rule, ...], ...]


def intervals(measures: Sequence[Measure]) -> tuple[Interval, ...]:
    """The intervals of a flow's measures; one interval from date.min when no rule is dated."""
    cuts = {date.min, date.max}
    for measure in measures:
        for rule in measure.rules:
            cuts.update((rule.start, rule.until))
    days = sorted(cuts)
    index = {m.name: i for i, m in enumerate(measures)}
    out: list[Interval] = []
    for start, until in itertools.pairwise(days):
        active = tuple(tuple(r for r in m.rules if r.active(start)) for m in measures)
        edges = [[index[n] for r in rules for n in r.names if n in index] for rules in active]
        out.append(Interval(start, until, _order(edges), active))
    return tuple(out)


def _order(edges: list[list[int]]) -> tuple[int, ...]:
    """Indexes such that each comes after those it points at: a depth-first walk without
    recursion (a chain of 1,000s of measures is no matter). The graph is acyclic."""
    done: list[int] = []
    seen: set[int] = set()
    for first in range(len(edges)):
        if first in seen:
            continue
        seen.add(first)
        todo = [(first, iter(edges[first]))]
        while todo:
            at, rest = todo[-1]
            nxt = next(rest, None)
            if nxt is None:
                done.append(at)
                todo.pop()
            elif nxt not in seen:
                seen.add(nxt)
                todo.append((nxt, iter(edges[nxt])))
    return tuple(done)


def apply_rules(
    steps: list[tuple[Step, ...]],
    measures: Sequence[Measure],
    spans: tuple[Interval, ...],
    which: set[int],
) -> dict[int, tuple[Step, ...]]:
    """The final steps of the measures in `which`, whose `steps` are their own (before
    rules); the other measures' `steps` are final already."""
    names = {m.name: i for i, m in enumerate(measures)}
    pieces: dict[int, list[Step]] = {i: [] for i in which}
    for span in spans:
        current = list(steps)
        for i in span.order:
            if i not in which:
                continue
            rules = span.active[i]
            if rules:
                piece = _evaluate(steps[i], rules, current, names, span)
            else:
                piece = _clip(steps[i], span.start, span.until)
            current[i] = piece
            pieces[i].extend(piece)
    return {i: without_repeats(found) for i, found in pieces.items()}


def _clip(steps: tuple[Step, ...], start: date, until: date) -> tuple[Step, ...]:
    """The steps over [start, until), starting with the one in force on `start`."""
    index = bisect_right(steps, start, key=_START) - 1
    first = steps[index]._replace(start=start) if index >= 0 else Step(start, ZERO, "")
    return (first, *(s for s in steps[index + 1 :] if s.start < until))


def _evaluate(
    own: tuple[Step, ...],
    rules: tuple[Rule, ...],
    current: list[tuple[Step, ...]],
    names: dict[str, int],
    span: Interval,
) -> tuple[Step, ...]:
    ceiling = next((r for r in rules if r.kind == ALL_IN), None)
    # a layer at 0% over the span (not in scope, say) never blocks: leave it out
    yields = [
        (n, current[names[n]])
        for r in rules
        if r.kind != ALL_IN
        for n in r.names
        if any(step.rate for step in current[names[n]])
    ]
    if ceiling is None and not yields:
        return _clip(own, span.start, span.until)
    days = {span.start}
    capped = [current[names[n]] for n in ceiling.names] if ceiling is not None else []
    for steps in (own, *(steps for _, steps in yields), *capped):
        days.update(s.start for s in steps if span.start < s.start < span.until)
    out: list[Step] = []
    for day in sorted(days):
        blocker = next((n for n, other in yields if rate_at(other, day) > 0), None)
        if blocker is not None:
            out.append(Step(day, ZERO, f"yields to {blocker}"))
            continue
        index = bisect_right(own, day, key=_START) - 1
        step = own[index] if index >= 0 else Step(day, ZERO, "")
        if ceiling is not None and step.rate > 0:
            base = sum((rate_at(current[names[n]], day) for n in ceiling.names), ZERO)
            over = " + ".join(ceiling.names)
            cause = f"{step.cause}; all-in {step.rate:f}% over {over}"
            out.append(Step(day, max(ZERO, step.rate - base), cause))
        else:
            out.append(Step(day, step.rate, step.cause))
    return tuple(out)
