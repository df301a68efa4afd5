"""The `markets:` section: an importer's partners as one market (see docs/format.md).

Literals of its elasticities, and the checks that need the file's flows and scenarios.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from tariffs import domain
from tariffs.domain import listed, quoted
from tariffs.input.literals import described

if TYPE_CHECKING:
    from tariffs.input import format as models
    from tariffs.input.problems import Report

MAX_SUBSTITUTION = Decimal(50)
"""The largest elasticity of substitution a file may state (estimates run to about 20)."""

MAX_SUPPLY = Decimal(1000)
"""The largest finite export supply elasticity; write `infinite` for a fixed world price."""

INFINITE = "infinite"

DEFAULT_IMPORT_DEMAND = Decimal(-1)
"""Em when a market states none: Tax Foundation's import elasticity (docs/sources.md)."""

DEFAULT_SUBSTITUTION = Decimal("1.5")
"""sigma when a market states none: WITS SMART's default (docs/sources.md)."""


def _number(value: object, what: str, example: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | Decimal | str):
        raise ValueError(f"expected {what} such as {example}, got {described(value)}")
    try:
        number = Decimal(value.strip() if isinstance(value, str) else value)
    except ArithmeticError:
        raise ValueError(
            f"{quoted(value)} is not a number; write {what} such as {example}"
        ) from None
    if not number.is_finite():
        raise ValueError(f"{what} is a finite number such as {example}, got {quoted(value)}")
    return number


def parse_substitution(value: object) -> Decimal:
    """An elasticity of substitution between partners: a number from 0 to 50, such as 3."""
    number = _number(value, "an elasticity of substitution", "3")
    if number < 0 or number > MAX_SUBSTITUTION:
        raise ValueError(
            f"an elasticity of substitution is a number from 0 (no substitution) to "
            f"{MAX_SUBSTITUTION}, got {quoted(value)}"
        )
    return number


def parse_supply(value: object) -> Decimal | None:
    """An export supply elasticity: a number above 0 up to 1,000, or `infinite` (None)."""
    if isinstance(value, str) and value.strip() == INFINITE:
        return None
    number = _number(value, "an export supply elasticity", "2 (or infinite)")
    if number <= 0 or number > MAX_SUPPLY:
        raise ValueError(
            f"an export supply elasticity is a number above 0 up to {MAX_SUPPLY:,}, or "
            f"'infinite' (world prices do not move), got {quoted(value)}"
        )
    return number


def resolve_markets(
    parsed: models.ScenarioFile, flows: list[domain.Flow], problem: Report
) -> tuple[domain.Market, ...]:
    """Each market of the file, checked against its flows: an importer of two flows or more
    (one partner is no market), and for each partner a known T0."""
    out: list[domain.Market] = []
    by_importer: dict[str, list[domain.Flow]] = {}
    for flow in flows:
        by_importer.setdefault(flow.importer, []).append(flow)
    for importer, market in parsed.markets.items():
        at = ("markets", importer)
        mine = by_importer.get(importer, [])
        if len(mine) < 2:
            problem(
                at,
                f"market {importer} needs two flows or more into {importer} (partners to "
                f"substitute between); the file declares {len(mine)}",
            )
            continue
        partners = [flow.exporter for flow in mine]
        for partner in market.partner_supply:
            if partner not in partners:
                problem(
                    (*at, "partner_supply", partner),
                    f"market {importer} has no partner {quoted(partner)[1:-1]} (its partners: "
                    f"{listed(partners)})",
                )
        if market.observed_on is None:
            missing = [f.key for f in mine if any(x.observed is None for x in f.lines)]
            if missing:
                problem(
                    at,
                    f"market {importer}: the observed rate T0 of {listed(missing)} is not "
                    "known; give the market 'observed_on' (T0 is then each flow's rate on "
                    "that day under the baseline) or the flows 'observed_at'",
                )
                continue
        out.append(
            domain.Market(
                importer,
                market.model,
                DEFAULT_IMPORT_DEMAND if market.import_demand is None else market.import_demand,
                DEFAULT_SUBSTITUTION if market.substitution is None else market.substitution,
                market.export_supply,
                tuple(market.partner_supply.items()),
                market.observed_on,
            )
        )
    return tuple(out)
