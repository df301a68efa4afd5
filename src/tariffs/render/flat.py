"""Results as flat metrics for `tariffs diff`: {(scenario, flow, item, metric): (value, unit)}.

Every metric of the registry (tariffs.metrics), no deltas (they follow from the baseline's
own metrics), rounded as JSON and CSV show them, so a scenario file and a saved result of
it compare equal. input/saved.py reads a saved document into the same form.
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


def study_metrics(result: StudyResult) -> metrics.Flat:
    """Every metric of one file's results."""
    out: metrics.Flat = {}
    seen: dict[tuple[str, str, str, str], int] = {}
    for kind, item in metrics.in_order(result):
        name = metrics.numbered(seen, kind, (item.scenario, item.flow_key, item.name))
        for metric in kind.metrics:
            value = shown(metric.unit, metrics.value(metric, item))
            if value is not None:
                unit = metrics.unit_label(metric.unit, result.currency)
                out[(item.scenario, item.flow_key, name, metric.name)] = (value, unit)
    return out
