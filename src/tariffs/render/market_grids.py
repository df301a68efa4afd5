"""The tables of an importer's market (calc.market): its totals under each scenario, and
per scenario its partners' response, creation, diversion and shares. Columns come from the
registry (tariffs.metrics: MARKET, MARKET_PARTNER)."""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal

from tariffs.calc.results import MarketResult, StudyResult
from tariffs.metrics import MARKET, MARKET_PARTNER, Item, Metric
from tariffs.render import COMPARE_SECTIONS, fmt
from tariffs.render.grids import (
    Grid,
    _metric_cells,
    _metric_columns,
    _scenario_rows,
    compare_grids,
)


def _title(item: Item, divisor: Decimal, unit: str) -> tuple[str, str]:
    market: MarketResult = item.value
    partners = len(market.partners)
    static = fmt.money(market.static_imports, divisor)
    return market.key, (
        f"{market.importer}'s market over its {partners} partners, model {market.model} "
        f"(Em {fmt.number(market.import_demand, 2)}, sigma {fmt.number(market.substitution, 2)}): "
        f"imports after the response, {unit} (static {static}); prices, surpluses and "
        "welfare from the observed rates"
    )


def _scale(result: StudyResult) -> tuple[Decimal, str]:
    """The money unit of the market tables: that of the smallest partner's imports, so
    that each partner's figures show (the file's unit is its largest flow's)."""
    values = [p.static_imports for s in result.scenarios for m in s.markets for p in m.partners]
    divisor, suffix = fmt.scale_for(min((v for v in values if v), default=Decimal(0)))
    return divisor, f"{result.currency} {suffix}".rstrip()


def market_grids(result: StudyResult) -> list[Grid]:
    """Each market's totals, scenarios as rows; then per scenario and market, its partners
    as rows (largest static imports first, ties in file order) and the total last."""
    if not any(s.markets for s in result.scenarios):
        return []
    divisor, unit = _scale(result)
    out = _scenario_rows(result, MARKET, _title, (divisor, unit))
    columns = _metric_columns(MARKET_PARTNER, unit)
    for scenario in result.scenarios:
        items = list(MARKET_PARTNER.items(result._replace(scenarios=(scenario,))))
        for market in scenario.markets:
            mine = [i for i in items if i.value.importer == market.importer]
            mine.sort(key=lambda i: -i.value.static_imports)
            rows = [
                (
                    i.value.exporter,
                    *_metric_cells(MARKET_PARTNER, columns.shown, i, divisor, is_base=False),
                )
                for i in mine
            ]
            rows.append(("All", *_total_cells(market, columns.shown, divisor)))
            out.append(
                Grid(
                    f"{market.importer}'s partners under {scenario.name!r}, model "
                    f"{market.model}: imports over the period, {unit}; the change is creation "
                    "(shares held) plus diversion (to and from the other partners, adding up "
                    "to zero); shares in percent",
                    ("Partner", *columns.headers),
                    "k" + columns.kinds,
                    tuple(rows),
                    keys=1,
                    glued=columns.glued_after(1),
                )
            )
    return out


def _total_cells(market: MarketResult, shown: list[Metric], divisor: Decimal) -> list[str]:
    """The `All` row: the market's own figures where it has them, sums or 100% else."""
    hundred = fmt.pct(Decimal(100))
    sums = {
        "market_static_imports": market.static_imports,
        "market_imports": market.imports,
        "market_change": market.imports - market.static_imports,
        "creation": market.imports - market.static_imports,
        "diversion": sum((p.diversion for p in market.partners), Decimal(0)),
    }
    cells: list[str] = []
    for metric in shown:
        if metric.name in sums:
            cells.append(fmt.money(sums[metric.name], divisor))
        elif metric.unit == "percent":
            cells.append(hundred)
        else:
            cells.append("-")
        if metric.vs_base:
            cells.append("-")
    return cells


def document_grids(result: StudyResult, sections: Collection[str] = COMPARE_SECTIONS) -> list[Grid]:
    """Every grid of `tariffs compare`'s document in order: those of grids.compare_grids,
    then each market's (the `markets` section)."""
    out = compare_grids(result, sections)
    if "markets" in sections:
        out.extend(market_grids(result))
    return out
