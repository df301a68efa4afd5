"""The metrics reference of docs/output.md, written from the registry (tariffs.metrics).

docs/output.md holds `metrics_markdown()` between two markers; a test keeps them equal, so
every metric of every kind is documented, with the unit, date, delta, `expect:` key and
table column it has in every format.
"""

from __future__ import annotations

from tariffs import metrics

BEGIN = "<!-- metrics: generated from src/tariffs/metrics.py; do not edit by hand -->"
END = "<!-- metrics: end -->"


def _date(metric: metrics.Metric) -> str:
    if metric.when is None:
        return "-"
    return metrics.WHEN[getattr(metric.when, "__name__", "")]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def metrics_markdown() -> str:
    """One table per kind of result: every metric, as each format shows it."""
    parts = [BEGIN, ""]
    for kind in metrics.KINDS:
        parts.append(f"#### `{kind.name}`: {kind.doc}")
        parts.append("")
        parts.append("| Metric | Unit | Date (CSV) | Delta | `expect:` | Table column | Meaning |")
        parts.append("|---|---|---|---|---|---|---|")
        for metric in kind.metrics:
            delta = f"`delta_{metric.name}`" if metric.delta else "-"
            expect = f"`{metric.expect}`" if metric.expect else "-"
            label = _cell(metric.label.format(unit="(money unit)")) if metric.label else "-"
            parts.append(
                f"| `{metric.name}` | {metric.unit} | {_date(metric)} | {delta} | {expect} "
                f"| {label} | {_cell(metric.doc)} |"
            )
        parts.append("")
    sweep = metrics.SWEEP
    parts.append(f"#### `{sweep.name}`: {sweep.doc}")
    parts.append("")
    parts.append("| Metric | Unit | Short name | Meaning |")
    parts.append("|---|---|---|---|")
    for metric in sweep.metrics:
        short = f"`{metric.expect}`" if metric.expect else "-"
        parts.append(f"| `{metric.name}` | {metric.unit} | {short} | {_cell(metric.doc)} |")
    parts.append("")
    for kind in (metrics.TOTAL_SEGMENT, metrics.GAP):
        parts.append(f"#### `{kind.name}`: {kind.doc}")
        parts.append("")
        parts.append("| Metric | Unit | Item (CSV) | Table column | Meaning |")
        parts.append("|---|---|---|---|---|")
        for metric in kind.metrics:
            item = f"the {metric.per}" if metric.per else "-"
            label = _cell(metric.label) if metric.label else "-"
            parts.append(
                f"| `{metric.name}` | {metric.unit} | {item} | {label} | {_cell(metric.doc)} |"
            )
        parts.append("")
    parts.append(END)
    return "\n".join(parts) + "\n"
