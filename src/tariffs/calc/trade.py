"""The trade response: how imports respond to a tariff. Pure, `Decimal` only.

`TradeModel` is the seam: compare asks a model, class of lines by class, what imports do
over the period. The shipped model is constant-elasticity import demand:

A line observed at value M0 (a year, at world prices) while its total tariff was T0 imports

    M(T) = M0 * ((1 + T) / (1 + T0)) ** e,        e <= 0 the import demand elasticity,

when the tariff is T (rates here are percents: 1 + T is (100 + T) / 100). The world price is
fixed at 1 (a small importer) and tariffs pass through in full, so buyers pay p = 1 + T.
See docs/economics.md for the assumptions and sources.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

from tariffs.calc.results import Segment

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)


@lru_cache(maxsize=65_536)
def factor(rate: Decimal, observed: Decimal, elasticity: Decimal) -> Decimal:
    """M(T) / M0 = ((1 + T) / (1 + T0)) ** e. Exactly 1 when e = 0 or T = T0."""
    if elasticity == 0 or rate == observed:
        return ONE
    return ((HUNDRED + rate) / (HUNDRED + observed)) ** elasticity


@lru_cache(maxsize=65_536)
def consumer_cost(rate: Decimal, observed: Decimal, elasticity: Decimal) -> Decimal:
    """What buyers lose, per unit of M0 and per year, when the price goes from 1+T0 to 1+T.

    The exact area to the left of the demand curve between the two prices:

        integral from p0 to p of M0 * (q / p0) ** e dq
          = M0 * p0 * ((p / p0) ** (e + 1) - 1) / (e + 1)      (e != -1)
          = M0 * p0 * ln(p / p0)                                 (e == -1)

    Negative when the tariff is below T0 (buyers gain). With e = 0 it is p - p0 = T - T0:
    the extra duty on unchanged imports.
    """
    if rate == observed:
        return ZERO
    p0 = (HUNDRED + observed) / HUNDRED
    p = (HUNDRED + rate) / HUNDRED
    if elasticity == 0:
        return p - p0
    if elasticity == -1:
        return p0 * (p / p0).ln()
    power = elasticity + 1
    return p0 * ((p / p0) ** power - 1) / power


class ClassResponse(NamedTuple):
    """What a class of lines' imports do over the period, per unit of its observed value.

    `volume` is sum(f x days) and `dynamic` sum(f x rate% x days), f being M(T)/M0 in each
    segment; `cost` is sum(consumer cost x days); `factor_on` is f on the report date.
    """

    volume: Decimal
    dynamic: Decimal
    cost: Decimal
    factor_on: Decimal


TradeModel = Callable[[Decimal, Decimal, Sequence[Segment], Decimal], ClassResponse]
"""A trade model: (elasticity, observed rate T0, the segments of the class's rate over the
period, its rate on the report date) -> ClassResponse."""


def constant_elasticity(
    elasticity: Decimal, observed: Decimal, parts: Sequence[Segment], rate_on: Decimal
) -> ClassResponse:
    """Imports respond segment by segment: where the rate is T, they run at M0 x f(T) a year,
    f = ((1 + T) / (1 + T0)) ** e."""
    zero = Decimal(0)
    return ClassResponse(
        volume=sum((factor(g.rate, observed, elasticity) * g.days for g in parts), zero),
        dynamic=sum((factor(g.rate, observed, elasticity) * g.rate * g.days for g in parts), zero),
        cost=sum((consumer_cost(g.rate, observed, elasticity) * g.days for g in parts), zero),
        factor_on=factor(rate_on, observed, elasticity),
    )
