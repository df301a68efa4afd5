"""An importer's total over its partners, day by day, as segments: `timeline --flow US:*`. Pure.

The total on a day is each flow's rate weighted by the flow's value, sum(value x rate) /
sum(value), as ImporterResult's (calc.compare.importer_totals) is on the report date; each
layer's part is sum(value x the flow's part) / sum(value) over the flows it is on, as
ImporterLayer's is. Both are computed from the flows' own segments: rates change on few
days, so the work follows the number of changes, never the number of days.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from tariffs.calc.compare import timelines
from tariffs.calc.results import (
    ZERO,
    Change,
    Gap,
    Segment,
    TimelineResult,
    TotalTimeline,
)
from tariffs.calc.scope import FlowModel, flow_layers, flow_models
from tariffs.calc.steps import plan_of, segments
from tariffs.calc.tracker import gap
from tariffs.domain import AUTHORITIES, MFN, Flow, Measure, Study, Tracker

SPLITS = ("authority", "layer", "partner")
"""The ways a total splits into parts, in the order outputs show them."""
UNSTATED = "unstated"
"""The authority of a measure that states none."""
AUTHORITY_ORDER = (MFN, *AUTHORITIES, UNSTATED)
"""The order of the authority parts: the base layer (MFN), then CBP's order."""


def authority_of(measure: Measure) -> str:
    """The authority part a measure counts in: `mfn` for a base layer, its `authority`, or
    `unstated`."""
    if measure.kind == MFN:
        return MFN
    return measure.authority or UNSTATED


def total_timelines(
    study: Study,
    scenarios: Sequence[str],
    importers: Sequence[str],
    splits: Iterable[str] = SPLITS,
    models: dict[str, FlowModel] | None = None,
) -> tuple[TotalTimeline, ...]:
    """Each importer's total over its flows under each scenario (scenario by scenario),
    with the parts of the `splits` asked for. Unknown names raise KeyError (the CLI checks
    them first); an importer of no flow has no total and raises ValueError."""
    wanted = frozenset(splits)
    mine = {name: [f for f in study.flows if f.importer == name] for name in importers}
    for name, flows in mine.items():
        if not flows:
            raise ValueError(f"no flow has importer {name!r}")
    models = models or flow_models(study, [f for flows in mine.values() for f in flows])
    out: list[TotalTimeline] = []
    for scenario in scenarios:
        plan = plan_of(study.scenario(scenario))
        for importer in importers:
            flows = mine[importer]
            parts = [
                (
                    flow,
                    segments(flow_layers(models[flow.key], plan).layers, study.start, study.until),
                )
                for flow in flows
            ]
            measures = [m for flow in flows for m in models[flow.key].measures]
            out.append(
                _total(scenario, importer, parts, measures, wanted=wanted, until=study.until)
            )
    return tuple(out)


class _Row(NamedTuple):
    """The total on the days from `day` on: its rate, each layer's part and each partner's
    (in pp, file order), and the measures whose part moved on `day`."""

    day: date
    rate: Decimal
    layers: list[Decimal]
    partners: list[Decimal]
    changes: list[Change]


def _total(
    scenario: str,
    importer: str,
    flows: list[tuple[Flow, tuple[Segment, ...]]],
    measures: list[Measure],
    *,
    wanted: frozenset[str],
    until: date,
) -> TotalTimeline:
    value = sum((flow.value for flow, _ in flows), ZERO)
    names = list(dict.fromkeys(m.name for m in measures))  # first seen, as ImporterLayer's
    index = {name: i for i, name in enumerate(names)}
    # each flow's layer k is the importer's layer slots[f][k]
    slots = [
        [index[m.name] for m in measures if (m.importer, m.exporter) == (f.importer, f.exporter)]
        for f, _ in flows
    ]
    rows: list[_Row] = []
    for day, layers, partners, total, moved in _days(flows, slots, len(names), value):
        if rows and rows[-1].layers == layers and rows[-1].partners == partners:
            continue  # nothing the total shows changed: a rule, not a rate
        changes = []
        if rows:
            before = rows[-1].layers
            for name, causes in moved.items():
                i = index[name]
                if before[i] != layers[i]:
                    why = "; ".join(
                        f"{cause or 'no rate'} on {', '.join(who)}" for cause, who in causes.items()
                    )
                    changes.append(Change(name, before[i], layers[i], why))
        rows.append(_Row(day, total, layers, partners, changes))
    authority = {m.name: authority_of(m) for m in measures}
    exporters = [flow.exporter for flow, _ in flows]
    series, columns = _series(names, authority, exporters, rows, wanted)
    out = []
    for r, row in enumerate(rows):
        end = rows[r + 1].day if r + 1 < len(rows) else until
        shown = tuple(column(row.layers, row.partners) for column in columns)
        out.append(Segment(row.day, end, row.rate, shown, tuple(row.changes)))
    return TotalTimeline(scenario, importer, tuple(exporters), value, series, tuple(out))


Day = tuple[date, list[Decimal], list[Decimal], Decimal, dict[str, dict[str, list[str]]]]


def _days(
    flows: list[tuple[Flow, tuple[Segment, ...]]],
    slots: list[list[int]],
    count: int,
    value: Decimal,
) -> Iterator[Day]:
    """On each day a flow's segment starts: each of the `count` layers' part of the total,
    sum(value x part) / `value`, each partner's, value x rate / `value`, the total, and,
    by measure, the partners on which it moved, by cause (the first day has none). All 0
    for a total value of 0, as for ImporterResult."""
    at = [0] * len(flows)
    first = True
    for day in sorted({seg.start for _, parts in flows for seg in parts}):
        layers = [ZERO] * count
        total = ZERO
        partners: list[Decimal] = []
        moved: dict[str, dict[str, list[str]]] = {}  # measure -> cause -> partners
        for f, (flow, parts) in enumerate(flows):
            while at[f] + 1 < len(parts) and parts[at[f] + 1].start <= day:
                at[f] += 1
            seg = parts[at[f]]
            for k, part in enumerate(seg.layers):
                layers[slots[f][k]] += flow.value * part
            total += flow.value * seg.rate
            partners.append(flow.value * seg.rate)
            if seg.start == day and not first:
                for change in seg.changes:
                    causes = moved.setdefault(change.measure, {})
                    # a flow of lines joins its classes' rules with "; ": each on its own
                    for cause in dict.fromkeys(change.cause.split("; ")):
                        causes.setdefault(cause, []).append(flow.exporter)
        first = False
        if value:
            yield (
                day,
                [x / value for x in layers],
                [x / value for x in partners],
                total / value,
                moved,
            )
        else:
            yield day, [ZERO] * count, [ZERO] * len(flows), ZERO, moved


def _series(
    names: list[str],
    authority: dict[str, str],
    partners: list[str],
    rows: list[_Row],
    wanted: frozenset[str],
) -> tuple[tuple[tuple[str, str], ...], list[_Column]]:
    """The parts shown, in the order of SPLITS, and how to get each from a row's layers and
    partners. A layer or an authority at 0% all the period is left out; partners stay."""
    series: list[tuple[str, str]] = []
    columns: list[_Column] = []
    if "authority" in wanted:
        for name in AUTHORITY_ORDER:
            members = [i for i, layer in enumerate(names) if authority[layer] == name]
            if any(row.layers[i] for row in rows for i in members):
                series.append(("authority", name))
                columns.append(_Column(members, None))
    if "layer" in wanted:
        for i, layer in enumerate(names):
            if any(row.layers[i] for row in rows):
                series.append(("layer", layer))
                columns.append(_Column([i], None))
    if "partner" in wanted:
        for f, partner in enumerate(partners):
            series.append(("partner", partner))
            columns.append(_Column(None, f))
    return tuple(series), columns


class _Column:
    """One part shown: the sum of some layers' parts, or one partner's part."""

    def __init__(self, layers: list[int] | None, partner: int | None) -> None:
        self.layers = layers
        self.partner = partner

    def __call__(self, layers: list[Decimal], partners: list[Decimal]) -> Decimal:
        if self.partner is not None:
            return partners[self.partner]
        return sum((layers[i] for i in self.layers or ()), ZERO)


def daily(
    study: Study,
    scenarios: tuple[str, ...],
    flows: tuple[Flow, ...],
    importers: tuple[str, ...] = (),
    *,
    splits: Iterable[str] = SPLITS,
    hs: str = "",
    tracker: Tracker | None = None,
) -> TimelineResult:
    """`tariffs timeline`: each flow's segments under each scenario (see
    calc.compare.timelines), each importer's total, and, with a tracker, each one's gap to
    it (flows first, then totals)."""
    result = timelines(study, scenarios, flows, hs) if flows else None
    entries = result.entries if result is not None else ()
    totals = total_timelines(study, scenarios, importers, splits) if importers else ()
    gaps: tuple[Gap, ...] = ()
    if tracker is not None:
        parts = [e.segments for e in entries] + [t.segments for t in totals]
        gaps = tuple(gap(segs, tracker) for segs in parts)
    return TimelineResult(study.title, study.start, study.until, entries, totals, tracker, gaps)
