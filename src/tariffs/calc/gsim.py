"""The linear GSIM model of Francois and Hall: N importers and N exporters of one good, world
prices cleared per exporter. Pure, `Decimal` only (docs/economics.md, section 8).

Notation (rows r are exporters, columns i importers): M[r][i] base trade at world prices,
T0 and T1 the powers of the tariff (1 + t), That = T1 / T0 - 1, x_r the change of r's world
price, Em_i < 0 import demand, Es_i > 0 substitution, Ex_r > 0 export supply (None:
infinite, x_r = 0).

    theta[r][i] = M[r][i] T0[r][i] / sum_s M[s][i] T0[s][i]       (shares at internal prices)
    phi[r][i]   = M[r][i] / sum_j M[r][j]                         (shares of r's exports)
    own[r][i]   = theta[r][i] Em_i - (1 - theta[r][i]) Es_i
    cross[s][i] = theta[s][i] (Em_i + Es_i)
    mhat[r][i]  = own[r][i] (That[r][i] + x_r) + sum_{s != r} cross[s][i] (That[s][i] + x_s)
    sum_i phi[r][i] mhat[r][i] = Ex_r x_r                          (one per exporter)

The clearing conditions are linear in x: one Gaussian elimination solves them exactly (to
Decimal's 28 digits). Then M1 = M (1 + mhat) (1 + x_r), the composite price change
Phat_i = sum_r theta[r][i] ((1 + x_r) T1 / T0 - 1), and as GSIM states them:

    dRev_i = sum_r M1[r][i] (T1 - 1) - M[r][i] (T0 - 1)
    dCS_i  = 1/2 E_i Phat_i ** 2 sign(Phat_i) Em_i - E_i Phat_i,  E_i = sum_r M[r][i] T0[r][i]
    dPS_r  = x_r X_r (1 + 1/2 Ex_r x_r),                          X_r = sum_i M[r][i]

Being linear, mhat is not bounded below: a large tariff rise can take it past -1, and the
linear imports below zero. `Solution.negative` lists those flows, so callers can warn.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import NamedTuple

ZERO = Decimal(0)
ONE = Decimal(1)
HALF = Decimal("0.5")

Matrix = tuple[tuple[Decimal, ...], ...]


class Region(NamedTuple):
    """A region's elasticities: Em and Es as an importer, Ex as an exporter (None: infinite)."""

    import_demand: Decimal
    substitution: Decimal
    export_supply: Decimal | None


class Solution(NamedTuple):
    """GSIM's answer, regions in the order given: world price changes x, the proportional
    change of each flow (mhat), new flows M1 (world prices), and per region the composite
    price change of its imports and the changes in tariff revenue, consumer surplus (as
    an importer) and producer surplus (as an exporter). `negative` holds (r, i) of each flow
    whose linear change passes -100%."""

    prices: tuple[Decimal, ...]
    changes: Matrix
    flows: Matrix
    price_index: tuple[Decimal, ...]
    revenue: tuple[Decimal, ...]
    consumer_surplus: tuple[Decimal, ...]
    producer_surplus: tuple[Decimal, ...]
    negative: tuple[tuple[int, int], ...]

    @property
    def welfare(self) -> tuple[Decimal, ...]:
        """Each region's net welfare change: its producer and consumer surplus and revenue."""
        return tuple(
            ps + cs + rev
            for ps, cs, rev in zip(
                self.producer_surplus, self.consumer_surplus, self.revenue, strict=True
            )
        )


class Singular(ArithmeticError):
    """The clearing conditions have no unique solution (an exporter whose price nothing
    pins down); never seen with negative Em, positive Es and Ex."""


def _sign(value: Decimal) -> int:
    return (value > 0) - (value < 0)


def solve(
    trade: Sequence[Sequence[Decimal]],
    base: Sequence[Sequence[Decimal]],
    new: Sequence[Sequence[Decimal]],
    regions: Sequence[Region],
) -> Solution:
    """GSIM for `trade` M[r][i] when the powers of the tariff go from `base` to `new`."""
    n = len(regions)
    spend = [sum((trade[s][i] * base[s][i] for s in range(n)), ZERO) for i in range(n)]
    exports = [sum(trade[r], ZERO) for r in range(n)]
    theta = [
        [trade[r][i] * base[r][i] / spend[i] if spend[i] else ZERO for i in range(n)]
        for r in range(n)
    ]
    phi = [[trade[r][i] / exports[r] if exports[r] else ZERO for i in range(n)] for r in range(n)]
    em = [g.import_demand for g in regions]
    es = [g.substitution for g in regions]
    own = [[theta[r][i] * em[i] - (1 - theta[r][i]) * es[i] for i in range(n)] for r in range(n)]
    cross = [[theta[s][i] * (em[i] + es[i]) for i in range(n)] for s in range(n)]
    hat = [[new[r][i] / base[r][i] - 1 for i in range(n)] for r in range(n)]
    # Row r: sum_i phi[r][i] (own[r][i] (hat[r][i] + x_r) + sum_{s != r} cross[s][i] (hat[s][i]
    # + x_s)) - Ex_r x_r = 0, as A x = b. Exporters with infinite supply or no exports keep
    # x_r = 0: their rows are x_r = 0. With pull[i] = sum_s cross[s][i] hat[s][i], the sum
    # over s != r is pull[i] less r's own term.
    pull = [sum((cross[s][i] * hat[s][i] for s in range(n)), ZERO) for i in range(n)]
    free = [regions[r].export_supply is not None and exports[r] != 0 for r in range(n)]
    a = [[ZERO] * n for _ in range(n)]
    b = [ZERO] * n
    for r in range(n):
        if not free[r]:
            a[r][r] = ONE
            continue
        weights = phi[r]
        for s in range(n):
            if s != r:
                a[r][s] = sum((w * c for w, c in zip(weights, cross[s], strict=True) if w), ZERO)
        a[r][r] = sum((w * own[r][i] for i, w in enumerate(weights) if w), ZERO) - (
            regions[r].export_supply or ZERO
        )
        b[r] = -sum(
            (
                w * (own[r][i] * hat[r][i] + pull[i] - cross[r][i] * hat[r][i])
                for i, w in enumerate(weights)
                if w
            ),
            ZERO,
        )
    x = _gauss(a, b)
    push = [pull[i] + sum((cross[s][i] * x[s] for s in range(n)), ZERO) for i in range(n)]
    changes = tuple(
        tuple(
            own[r][i] * (hat[r][i] + x[r]) + push[i] - cross[r][i] * (hat[r][i] + x[r])
            for i in range(n)
        )
        for r in range(n)
    )
    flows = tuple(
        tuple(trade[r][i] * (1 + changes[r][i]) * (1 + x[r]) for i in range(n)) for r in range(n)
    )
    price = tuple(
        sum(
            (theta[r][i] * ((1 + x[r]) * new[r][i] / base[r][i] - 1) for r in range(n)),
            ZERO,
        )
        for i in range(n)
    )
    revenue = tuple(
        sum(
            (flows[r][i] * (new[r][i] - 1) - trade[r][i] * (base[r][i] - 1) for r in range(n)),
            ZERO,
        )
        for i in range(n)
    )
    consumer = tuple(
        HALF * spend[i] * price[i] ** 2 * _sign(price[i]) * em[i] - spend[i] * price[i]
        for i in range(n)
    )
    producer = tuple(
        x[r] * exports[r] * (1 + HALF * (regions[r].export_supply or ZERO) * x[r]) for r in range(n)
    )
    negative = tuple(
        (r, i) for r in range(n) for i in range(n) if trade[r][i] and changes[r][i] < -1
    )
    return Solution(tuple(x), changes, flows, price, revenue, consumer, producer, negative)


def _gauss(a: list[list[Decimal]], b: list[Decimal]) -> list[Decimal]:
    """x with a x = b, by Gaussian elimination with partial pivoting (a and b are spent)."""
    n = len(b)
    for col in range(n):
        pivot = max(range(col, n), key=lambda row: abs(a[row][col]))
        if a[pivot][col] == 0:
            raise Singular("the world prices of GSIM have no unique solution")
        a[col], a[pivot] = a[pivot], a[col]
        b[col], b[pivot] = b[pivot], b[col]
        head = a[col][col]
        for row in range(col + 1, n):
            ratio = a[row][col] / head
            if not ratio:
                continue
            for k in range(col, n):
                a[row][k] -= ratio * a[col][k]
            b[row] -= ratio * b[col]
    x = [ZERO] * n
    for row in range(n - 1, -1, -1):
        known = sum((a[row][k] * x[k] for k in range(row + 1, n)), ZERO)
        x[row] = (b[row] - known) / a[row][row]
    return x
