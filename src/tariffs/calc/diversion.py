"""One importer's market over its partners: trade creation, diversion, prices and welfare.

Pure, `Decimal` only. The importer buys one good from several partners; each partner's
goods are a variety (Armington). Total import demand has the constant elasticity Em <= 0,
varieties substitute with the elasticity of substitution sigma >= 0, and each partner's
export supply has the elasticity Ex > 0 (None: infinite, the world price stays 1).

The `ces` model is in levels (docs/economics.md, section 7). With tau_r = (1 + T1_r) /
(1 + T0_r) the change in partner r's tariff factor, p_r its world price (1 at base) and
theta_r its base share of spending at tariff-inclusive prices,

    P ** (1 - sigma) = sum_r theta_r (p_r tau_r) ** (1 - sigma)     (P = exp(sum theta_r
                                                                   ln(p_r tau_r)) at sigma 1)
    q_r = M0_r (p_r tau_r) ** (-sigma) P ** (sigma + Em)           (quantity bought)
    q_r = M0_r p_r ** Ex_r                                         (quantity supplied)

so ln p_r = (-sigma ln tau_r + (sigma + Em) ln P) / (Ex_r + sigma), and ln P is the one
root of f(y) = y - G(y), G(y) the log price index at world prices p_r(y). G' = sum_r w_r
k_r with w_r the spending shares at y and k_r = (sigma + Em) / (Ex_r + sigma) < 1 (as Em <= 0
< Ex_r), so f is strictly increasing: Newton's method on f (with step halving while |f| does
not fall) finds it; with every Ex_r equal (or infinite) f is affine and one step is exact.
Imports are values at world prices: M_r = q_r p_r, never negative.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import NamedTuple

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)

TOLERANCE = Decimal("1e-20")
"""The price solve stops when |f(ln P)| is at most this (Decimal's 28 digits leave room)."""

MAX_STEPS = 60
"""Newton steps at most; a solve that has not converged by then raises NotConverged."""


class NotConverged(ArithmeticError):
    """The price index solve did not reach TOLERANCE within MAX_STEPS (never seen: the
    function is strictly increasing; this guards the arithmetic, not the economics)."""


class Elasticities(NamedTuple):
    """An importer's market: Em (total import demand, <= 0), sigma (substitution, >= 0)."""

    import_demand: Decimal
    substitution: Decimal


class Solution(NamedTuple):
    """A market at one set of tariffs, per year, each partner in the order given.

    `imports` are values at world prices (quantity x world price); `world_prices` are the
    partners' export prices, 1 at base; `price_index` is the tariff-inclusive import price
    index P, 1 at base. Surpluses are changes from the base, per year: `consumer_surplus`
    the importer's buyers', `producer_surplus` each partner's exporters' (0 with infinite
    export supply), `revenue` the importer's tariff revenue at these tariffs. `steps` is
    how many Newton steps the price solve took (0: no solve was needed).
    """

    imports: tuple[Decimal, ...]
    world_prices: tuple[Decimal, ...]
    price_index: Decimal
    revenue: Decimal
    base_revenue: Decimal
    consumer_surplus: Decimal
    producer_surplus: tuple[Decimal, ...]
    steps: int = 0

    @property
    def welfare(self) -> Decimal:
        """The market's net welfare change: consumers, tariff revenue and exporters."""
        return (
            self.consumer_surplus
            + self.revenue
            - self.base_revenue
            + sum(self.producer_surplus, ZERO)
        )


def factor(rate: Decimal) -> Decimal:
    """1 + T for a rate T in percent."""
    return (HUNDRED + rate) / HUNDRED


def _power(base: Decimal, exponent: Decimal) -> Decimal:
    """base ** exponent for base > 0, exact for an integer exponent."""
    if exponent == 0 or base == ONE:
        return ONE
    if exponent == exponent.to_integral_value():
        return base ** int(exponent)
    return (exponent * base.ln()).exp()


def consumer_surplus(spending: Decimal, price_index: Decimal, import_demand: Decimal) -> Decimal:
    """The change in buyers' surplus when the import price index goes from 1 to P, with
    composite demand Q = Q0 P ** Em and base spending E0 = Q0 (the area left of the
    demand curve, exact): -E0 (P ** (Em + 1) - 1) / (Em + 1), or -E0 ln P at Em = -1."""
    if price_index == ONE:
        return ZERO
    power = import_demand + 1
    if power == 0:
        return -spending * price_index.ln()
    return -spending * (_power(price_index, power) - 1) / power


def producer_surplus(base: Decimal, price: Decimal, supply: Decimal | None) -> Decimal:
    """The change in an exporter's surplus when its world price goes from 1 to p, with
    supply q = M0 p ** Ex: M0 (p ** (Ex + 1) - 1) / (Ex + 1); 0 with infinite supply."""
    if supply is None or price == ONE:
        return ZERO
    power = supply + 1
    return base * (_power(price, power) - 1) / power


def solve(
    base: Sequence[Decimal],
    observed: Sequence[Decimal],
    rates: Sequence[Decimal],
    market: Elasticities,
    supply: Sequence[Decimal | None],
) -> Solution:
    """The market when partner r's tariff goes from `observed[r]` to `rates[r]` (percents),
    its base imports being `base[r]` a year and its export supply elasticity `supply[r]`."""
    em, sigma = market.import_demand, market.substitution
    factors0 = [factor(t) for t in observed]
    taus = [factor(t1) / t0 for t1, t0 in zip(rates, factors0, strict=True)]
    spend = [m * t0 for m, t0 in zip(base, factors0, strict=True)]
    spending = sum(spend, ZERO)
    base_revenue = sum((m * t / HUNDRED for m, t in zip(base, observed, strict=True)), ZERO)
    if spending == 0:  # nothing is bought: nothing responds
        zeros = tuple(ZERO for _ in base)
        return Solution(tuple(base), tuple(ONE for _ in base), ONE, ZERO, ZERO, ZERO, zeros)
    theta = [s / spending for s in spend]
    logs = [tau.ln() if tau != ONE else ZERO for tau in taus]
    slopes = [ZERO if ex is None else (sigma + em) / (ex + sigma) for ex in supply]
    shifts = [
        ZERO if ex is None else -sigma * lt / (ex + sigma)
        for ex, lt in zip(supply, logs, strict=True)
    ]

    def world(y: Decimal) -> list[Decimal]:
        """ln p_r at ln P = y."""
        return [c + k * y for c, k in zip(shifts, slopes, strict=True)]

    def index(y: Decimal) -> tuple[Decimal, Decimal]:
        """G(y), the log price index at the world prices y implies, and G'(y)."""
        prices = [lt + lp for lt, lp in zip(logs, world(y), strict=True)]
        if sigma == 1:
            mean = sum((w * x for w, x in zip(theta, prices, strict=True)), ZERO)
            slope = sum((w * k for w, k in zip(theta, slopes, strict=True)), ZERO)
            return mean, slope
        one = ONE - sigma
        terms = [w * (one * x).exp() if w else ZERO for w, x in zip(theta, prices, strict=True)]
        total = sum(terms, ZERO)
        slope = sum((t * k for t, k in zip(terms, slopes, strict=True)), ZERO) / total
        return total.ln() / one, slope

    y, steps = _root(index, any(ex is not None for ex in supply))
    log_prices = world(y)
    prices = tuple(lp.exp() if lp else ONE for lp in log_prices)
    price_index = y.exp() if y else ONE
    growth = (sigma + em) * y
    imports = tuple(
        m * ((growth - sigma * (lt + lp)).exp() if (growth or lt or lp) else ONE) * p
        for m, lt, lp, p in zip(base, logs, log_prices, prices, strict=True)
    )
    revenue = sum((m * t / HUNDRED for m, t in zip(imports, rates, strict=True)), ZERO)
    return Solution(
        imports,
        prices,
        price_index,
        revenue,
        base_revenue,
        consumer_surplus(spending, price_index, em),
        tuple(producer_surplus(m, p, ex) for m, p, ex in zip(base, prices, supply, strict=True)),
        steps,
    )


def _root(
    get: Callable[[Decimal], tuple[Decimal, Decimal]], solve_needed: bool
) -> tuple[Decimal, int]:
    """The root y of y - G(y), `get` giving (G(y), G'(y)): G itself at infinite supply (no
    solve), else Newton's method from y = 0, halving a step while |f| does not fall."""
    g, slope = get(ZERO)
    if not solve_needed:
        return g, 0
    y, f = ZERO, -g
    for step in range(1, MAX_STEPS + 1):
        move = -f / (ONE - slope)
        while True:
            candidate = y + move
            g, new_slope = get(candidate)
            f_new = candidate - g
            if abs(f_new) < abs(f) or abs(move) <= TOLERANCE:
                break
            move /= 2
        y, f, slope = candidate, f_new, new_slope
        if abs(f) <= TOLERANCE:
            return y, step
    raise NotConverged(f"the import price index did not converge in {MAX_STEPS} steps")


def split(
    base: Sequence[Decimal], imports: Sequence[Decimal]
) -> tuple[tuple[Decimal, ...], tuple[Decimal, ...]]:
    """Each partner's change in imports split into creation and diversion.

    Creation is the partner's base imports times the growth of the importer's total,
    M0_r (sum M1 / sum M0 - 1): its part of the change if shares held. Diversion is the
    rest, M1_r - M0_r - creation_r = (s1_r - s0_r) sum M1 with s the shares: what the
    partner gains or loses to the others. Diversion adds up to zero over the partners.
    """
    before = sum(base, ZERO)
    after = sum(imports, ZERO)
    growth = after / before - 1 if before else ZERO
    creation = tuple(m0 * growth for m0 in base)
    diversion = tuple(m1 - m0 - c for m0, m1, c in zip(base, imports, creation, strict=True))
    return creation, diversion
