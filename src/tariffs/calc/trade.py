"""Constant-elasticity import demand: the trade response to a tariff. Pure, `Decimal` only.

A line observed at value M0 (a year, at world prices) while its total tariff was T0 imports

    M(T) = M0 * ((1 + T) / (1 + T0)) ** e,        e <= 0 the import demand elasticity,

when the tariff is T (rates here are percents: 1 + T is (100 + T) / 100). The world price is
fixed at 1 (a small importer) and tariffs pass through in full, so buyers pay p = 1 + T.
See docs/economics.md for the assumptions and sources.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

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
