"""Results as flat metrics for `tariffs diff`: {(scenario, flow, item, metric): (value, unit)}.

Every metric of the registry (tariffs.metrics), no deltas (they follow from the baseline's
own metrics). Numbers are exact: `diff` compares them as JSON and CSV show them (`shown`),
so a scenario file and a saved result of it compare equal, and computes each change from
the exact values, rounded once where it is shown. input/saved.py reads a saved document
into the same form (its numbers are the rounded ones the document holds).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tariffs import metrics
from tariffs.calc.results import StudyResult
from tariffs.render import fmt


def shown(unit: str, value: Any) -> Decimal | str | None:
    """A value as the JSON document holds it: rounded numbers, ISO dates, text."""
    if value is None:
        return None
    if unit in {"percent", "pp"}:
        return fmt.rounded(value, fmt.RATE_PLACES)
    if unit == "money":
        return fmt.rounded(value, fmt.MONEY_PLACES)
    if unit == "days":
        return Decimal(value)
    if unit == "date":
        return str(value.isoformat())
    return str(value)


def exact(unit: str, value: Any) -> Decimal | str | None:
    """A value as `diff` holds it: exact numbers, ISO dates, text."""
    if value is None:
        return None
    if unit in {"percent", "pp", "money"}:
        return Decimal(value)
    return shown(unit, value)


def study_metrics(result: StudyResult) -> metrics.Flat:
    """Every metric of one file's results, exact."""
    out: metrics.Flat = {}
    seen: dict[tuple[str, str, str, str], int] = {}
    for kind, item in metrics.in_order(result):
        name = metrics.numbered(seen, kind, (item.scenario, item.flow_key, item.name))
        for metric in kind.metrics:
            value = exact(metric.unit, metrics.value(metric, item))
            if value is not None:
                unit = metrics.unit_label(metric.unit, result.currency)
                out[(item.scenario, item.flow_key, name, metric.name)] = (value, unit)
    return out


def as_shown(flat: metrics.Flat) -> metrics.Flat:
    """Flat metrics rounded as JSON shows them (what a saved result holds)."""
    out: metrics.Flat = {}
    for key, (value, unit) in flat.items():
        places = metrics.SHOWN_PLACES.get(unit, metrics.MONEY_PLACES)
        out[key] = (fmt.rounded(value, places) if isinstance(value, Decimal) else value, unit)
    return out


def without_lines(files: list[tuple[str, metrics.Flat]]) -> list[tuple[str, metrics.Flat]]:
    """Each file's metrics but its product lines', to compare with a result saved without
    them (`compare --lines none`)."""
    names = {metric.name for metric in metrics.LINE.metrics}
    return [
        (path, {key: found for key, found in flat.items() if key[3] not in names})
        for path, flat in files
    ]
