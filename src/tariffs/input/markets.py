"""The `markets:` section: an importer's partners as one market (see docs/format.md).

Its defaults, and the checks that need the file's flows and scenarios (the literals of its
elasticities are in input.literals).
"""

from __future__ import annotations

from decimal import Decimal

from tariffs import domain
from tariffs.domain import listed, quoted
from tariffs.input import format as models
from tariffs.input.problems import Report

DEFAULT_IMPORT_DEMAND = Decimal(-1)
"""Em when a market states none: Tax Foundation's import elasticity (docs/sources.md)."""

DEFAULT_SUBSTITUTION = Decimal("1.5")
"""sigma when a market states none: WITS SMART's default (docs/sources.md)."""


def resolve_markets(
    parsed: models.ScenarioFile,
    flows: list[domain.Flow],
    problem: Report,
    unsure: set[str] | frozenset[str] = frozenset(),
) -> tuple[domain.Market, ...]:
    """Each market of the file, checked against its flows: an importer of two flows or more
    (one partner is no market), and for each partner a known T0. An importer in `unsure`
    (one of its flows failed) is not checked: its flows are not all known."""
    out: list[domain.Market] = []
    by_importer: dict[str, list[domain.Flow]] = {}
    for flow in flows:
        by_importer.setdefault(flow.importer, []).append(flow)
    for importer, market in parsed.markets.items():
        at = ("markets", importer)
        if importer in unsure:
            continue
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
