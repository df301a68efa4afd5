"""Markets over time: each importer's market (calc.diversion, calc.gsim) solved on every
stretch of the period over which no partner's rate changes, and added up. Pure.

A partner's tariff T1 is its flow's rate (import-weighted over its product lines, before
substitution, as the flow's own timeline has it); its base T0 is the market's observed rate
(domain.Market). Each stretch of d days adds d / 365 of the solved annual figures, as the
single-flow response does segment by segment (calc.trade).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from tariffs.calc import diversion, gsim
from tariffs.calc.results import (
    DAYS_PER_YEAR,
    ZERO,
    FlowResult,
    MarketPartner,
    MarketResult,
)
from tariffs.calc.scope import FlowModel, flow_layers, total_at
from tariffs.calc.steps import plan_of
from tariffs.domain import Market, Study

HUNDRED = Decimal(100)


def observed_rates(
    study: Study, models: dict[str, FlowModel], *, remember: bool = False
) -> dict[str, Decimal]:
    """T0 of each flow in a market, by flow key: its rate on the market's `observed_on`
    under the file's baseline scenario, else its lines' `observed_at`, value-weighted.
    `remember` keeps the baseline's layers on the models, for compare to reuse."""
    out: dict[str, Decimal] = {}
    plan = plan_of(study.scenario(study.baseline))
    for market in study.markets:
        for flow in study.flows:
            if flow.importer != market.importer:
                continue
            if market.observed_on is not None:
                layers = flow_layers(models[flow.key], plan, remember=remember).layers
                out[flow.key] = total_at(layers, market.observed_on)
                continue
            total = sum((x.value for x in flow.lines), ZERO)
            weighted = sum((x.value * (x.observed or ZERO) for x in flow.lines), ZERO)
            out[flow.key] = weighted / total if total else (flow.lines[0].observed or ZERO)
    return out


Inputs = tuple[object, ...]
"""What a market's solution depends on besides its rates: the markets (elasticities), their
partners' flows, base imports and T0."""


class Solutions:
    """The markets solved so far, by their inputs and rates.

    Scenarios that agree over a stretch (before they part, say) share its solution. Give one
    to `markets` for every scenario of one comparison."""

    def __init__(self) -> None:
        self.ces: dict[tuple[Inputs, tuple[Decimal, ...]], _Solved] = {}
        self.gsim: dict[tuple[Inputs, tuple[Decimal, ...]], dict[str, _Solved]] = {}


class _Piece(NamedTuple):
    """A stretch [start, start + days) over which every partner's rate holds."""

    start: date
    days: int
    rates: tuple[Decimal, ...]


def _pieces(flows: Sequence[FlowResult]) -> list[_Piece]:
    """The stretches of the period on which no flow's rate changes, with each one's rate."""
    starts = sorted({seg.start for f in flows for seg in f.segments})
    ends = flows[0].segments[-1].until
    out: list[_Piece] = []
    cursor = [0] * len(flows)
    for index, start in enumerate(starts):
        until = starts[index + 1] if index + 1 < len(starts) else ends
        rates = []
        for which, f in enumerate(flows):
            while f.segments[cursor[which]].until <= start:
                cursor[which] += 1
            rates.append(f.segments[cursor[which]].rate)
        out.append(_Piece(start, (until - start).days, tuple(rates)))
    return out


class _Sums:
    """Per-partner and market sums over the stretches, each stretch weighted by days/365."""

    def __init__(self, size: int) -> None:
        self.imports = [ZERO] * size
        self.creation = [ZERO] * size
        self.diversion = [ZERO] * size
        self.revenue = [ZERO] * size
        self.producer = [ZERO] * size
        self.consumer = ZERO
        self.price_days = ZERO

    def add(
        self,
        days: int,
        base: Sequence[Decimal],
        answer: tuple[Sequence[Decimal], Sequence[Decimal], Decimal, Decimal],
        rates: Sequence[Decimal],
    ) -> None:
        """Add a stretch: (imports, producer surplus, consumer surplus, price index - 1)."""
        imports, producer, consumer, price = answer
        creation, diverted = diversion.split(base, imports)
        share = Decimal(days) / DAYS_PER_YEAR
        for r, m1 in enumerate(imports):
            self.imports[r] += m1 * share
            self.creation[r] += creation[r] * share
            self.diversion[r] += diverted[r] * share
            self.revenue[r] += m1 * rates[r] / HUNDRED * share
            self.producer[r] += producer[r] * share
        self.consumer += consumer * share
        self.price_days += price * days


class _Solved(NamedTuple):
    """One importer's market at one set of rates: what _Sums.add takes, and world prices."""

    imports: tuple[Decimal, ...]
    producer: tuple[Decimal, ...]
    consumer: Decimal
    price: Decimal  # the import price index less 1
    world: tuple[Decimal, ...]  # each partner's world price less 1
    negative: tuple[int, ...] = ()  # partners whose linear change passes -100% (gsim)

    @property
    def answer(self) -> tuple[Sequence[Decimal], Sequence[Decimal], Decimal, Decimal]:
        return self.imports, self.producer, self.consumer, self.price


def _ces(
    market: Market,
    base: Sequence[Decimal],
    observed: Sequence[Decimal],
    rates: Sequence[Decimal],
    supply: Sequence[Decimal | None],
) -> _Solved:
    got = diversion.solve(
        base,
        observed,
        rates,
        diversion.Elasticities(market.import_demand, market.substitution),
        supply,
    )
    return _Solved(
        got.imports,
        got.producer_surplus,
        got.consumer_surplus,
        got.price_index - 1,
        tuple(p - 1 for p in got.world_prices),
    )


class _World(NamedTuple):
    """The regions of the file's gsim markets, and where each importer's partners sit."""

    regions: tuple[str, ...]
    elasticities: tuple[gsim.Region, ...]
    places: dict[str, tuple[int, tuple[int, ...]]]  # importer: (its index, its partners')


def _world(markets: Sequence[tuple[Market, Sequence[str]]]) -> _World:
    names: list[str] = []
    for market, partners in markets:
        for name in (market.importer, *partners):
            if name not in names:
                names.append(name)
    demand: dict[str, tuple[Decimal, Decimal]] = {
        m.importer: (m.import_demand, m.substitution) for m, _ in markets
    }
    supply: dict[str, Decimal | None] = {}
    for market, partners in markets:  # an exporter's Ex: the first gsim market's that has it
        for partner in partners:
            supply.setdefault(partner, market.supply(partner))
    regions = tuple(
        gsim.Region(*demand.get(name, (ZERO, ZERO)), supply.get(name)) for name in names
    )
    places = {
        m.importer: (names.index(m.importer), tuple(names.index(p) for p in partners))
        for m, partners in markets
    }
    return _World(tuple(names), regions, places)


def _gsim(
    world: _World,
    trade: Mapping[str, tuple[Sequence[Decimal], Sequence[Decimal], Sequence[Decimal]]],
) -> dict[str, _Solved]:
    """Every gsim market at once: `trade` gives each importer's (base imports, T0, T1) by
    partner, in its partners' order."""
    n = len(world.regions)
    flows = [[ZERO] * n for _ in range(n)]
    before = [[Decimal(1)] * n for _ in range(n)]
    after = [[Decimal(1)] * n for _ in range(n)]
    for importer, (base, observed, rates) in trade.items():
        i, partners = world.places[importer]
        for r, m0, t0, t1 in zip(partners, base, observed, rates, strict=True):
            flows[r][i] = m0
            before[r][i] = diversion.factor(t0)
            after[r][i] = diversion.factor(t1)
    got = gsim.solve(flows, before, after, world.elasticities)
    out: dict[str, _Solved] = {}
    for importer in trade:
        i, partners = world.places[importer]
        out[importer] = _Solved(
            tuple(got.flows[r][i] for r in partners),
            tuple(_exporter_share(got.producer_surplus[r], flows, r, i) for r in partners),
            got.consumer_surplus[i],
            got.price_index[i],
            tuple(got.prices[r] for r in partners),
            tuple(k for k, r in enumerate(partners) if (r, i) in got.negative),
        )
    return out


def _exporter_share(surplus: Decimal, flows: list[list[Decimal]], r: int, i: int) -> Decimal:
    """An exporter's producer surplus apportioned to one importer by its base exports."""
    total = sum(flows[r], ZERO)
    return surplus * flows[r][i] / total if total else ZERO


def markets(
    study: Study,
    scenario: str,
    flows: Sequence[FlowResult],
    observed: dict[str, Decimal],
    solved: Solutions | None = None,
) -> tuple[MarketResult, ...]:
    """Each market of the study under one scenario, from its flows' results; `solved`
    keeps the solutions for the next scenario of the same study and `observed`."""
    if not study.markets:
        return ()
    solved = Solutions() if solved is None else solved
    by_importer: dict[str, list[FlowResult]] = {}
    for found in flows:
        by_importer.setdefault(found.flow.importer, []).append(found)
    mine = [(m, by_importer[m.importer]) for m in study.markets]
    ces = [(m, f) for m, f in mine if m.model != "gsim"]
    linear = [(m, f) for m, f in mine if m.model == "gsim"]
    out = {m.importer: _ces_market(m, f, observed, solved.ces) for m, f in ces}
    if linear:
        out.update(_gsim_markets(scenario, linear, observed, solved.gsim))
    return tuple(out[m.importer] for m in study.markets)


def _inputs(
    found: Sequence[FlowResult], observed: dict[str, Decimal]
) -> tuple[list[Decimal], list[Decimal]]:
    return [f.flow.value for f in found], [observed[f.flow.key] for f in found]


def _ces_market(
    market: Market,
    found: Sequence[FlowResult],
    observed: dict[str, Decimal],
    solved: dict[tuple[Inputs, tuple[Decimal, ...]], _Solved],
) -> MarketResult:
    base, t0 = _inputs(found, observed)
    supply = [market.supply(f.flow.exporter) for f in found]
    inputs = (market, tuple(f.flow.key for f in found), tuple(base), tuple(t0))

    def at(rates: tuple[Decimal, ...]) -> _Solved:
        key = (inputs, rates)
        if key not in solved:
            solved[key] = _ces(market, base, t0, rates, supply)
        return solved[key]

    sums = _Sums(len(found))
    for piece in _pieces(found):
        sums.add(piece.days, base, at(piece.rates).answer, piece.rates)
    report = at(tuple(f.rate_on for f in found))
    return _result(market, found, t0, sums, report)


def _gsim_markets(
    scenario: str,
    linear: Sequence[tuple[Market, Sequence[FlowResult]]],
    observed: dict[str, Decimal],
    solved: dict[tuple[Inputs, tuple[Decimal, ...]], dict[str, _Solved]],
) -> dict[str, MarketResult]:
    world = _world([(m, [f.flow.exporter for f in found]) for m, found in linear])
    every = [f for _, found in linear for f in found]
    inputs = {m.importer: _inputs(found, observed) for m, found in linear}
    sums = {m.importer: _Sums(len(found)) for m, found in linear}
    warned: dict[str, dict[int, date]] = {m.importer: {} for m, _ in linear}
    offset: dict[str, int] = {}
    position = 0
    for market, found in linear:
        offset[market.importer] = position
        position += len(found)

    same = (
        tuple(m for m, _ in linear),
        tuple(f.flow.key for f in every),
        tuple((tuple(b), tuple(t)) for b, t in inputs.values()),
    )

    def at(rates: tuple[Decimal, ...]) -> dict[str, _Solved]:
        """Every gsim market at these rates (every partner's, in `every`'s order)."""
        key = (same, rates)
        if key not in solved:
            trade = {
                m.importer: (
                    *inputs[m.importer],
                    rates[offset[m.importer] : offset[m.importer] + len(found)],
                )
                for m, found in linear
            }
            solved[key] = _gsim(world, trade)
        return solved[key]

    for piece in _pieces(every):
        answers = at(piece.rates)
        for market, found in linear:
            first = offset[market.importer]
            rates = piece.rates[first : first + len(found)]
            answer = answers[market.importer]
            sums[market.importer].add(piece.days, inputs[market.importer][0], answer.answer, rates)
            for k in answer.negative:
                warned[market.importer].setdefault(k, piece.start)
    report = at(tuple(f.rate_on for f in every))
    out = {}
    for market, found in linear:
        notes = tuple(
            f"warning: under {scenario!r}, the linear change of {found[k].flow.key} passes "
            f"-100% from {day}: its GSIM imports are below zero there (model gsim is linear; "
            "model ces, in levels, never goes below zero)"
            for k, day in sorted(warned[market.importer].items())
        )
        result = _result(
            market,
            found,
            inputs[market.importer][1],
            sums[market.importer],
            report[market.importer],
        )
        out[market.importer] = result._replace(warnings=notes)
    return out


def _result(
    market: Market,
    found: Sequence[FlowResult],
    t0: Sequence[Decimal],
    sums: _Sums,
    report: _Solved,
) -> MarketResult:
    days = (found[0].segments[-1].until - found[0].segments[0].start).days
    years = Decimal(days) / DAYS_PER_YEAR
    base = [f.flow.value for f in found]
    before = sum(base, ZERO)
    after = sum(sums.imports, ZERO)
    partners = tuple(
        MarketPartner(
            market.importer,
            f.flow.exporter,
            t0[r],
            f.rate_on,
            base[r] * years,
            sums.imports[r],
            sums.creation[r],
            sums.diversion[r],
            base[r] / before * HUNDRED if before else ZERO,
            sums.imports[r] / after * HUNDRED if after else ZERO,
            report.world[r] * HUNDRED,
            sums.revenue[r],
            sums.producer[r],
        )
        for r, f in enumerate(found)
    )
    return MarketResult(
        market.importer,
        market.model,
        market.import_demand,
        market.substitution,
        partners,
        before * years,
        after,
        report.price * HUNDRED,
        sums.price_days / days * HUNDRED if days else ZERO,
        sum(sums.revenue, ZERO),
        sum((m * t / HUNDRED for m, t in zip(base, t0, strict=True)), ZERO) * years,
        sums.consumer,
        sum(sums.producer, ZERO),
    )
