"""The metrics reference of docs/output.md, written from the registry (tariffs.metrics).

docs/output.md holds `metrics_markdown()` between two markers; a test keeps them equal, so
every metric of every kind is documented, with the unit, date, delta, `expect:` key and
table column it has in every format.
"""

from __future__ import annotations

from tariffs import metrics
from tariffs.render.grids import QUALIFIERS

BEGIN = "<!-- metrics: generated from src/tariffs/metrics.py; do not edit by hand -->"
END = "<!-- metrics: end -->"
EXPECT_BEGIN = "<!-- expect: generated from src/tariffs/metrics.py; do not edit by hand -->"
EXPECT_END = "<!-- expect: end -->"

_NAMED_BY = {
    "flow": "`flow: IMPORTER:EXPORTER` alone",
    "layer": "`layer: MEASURE` (a measure of the flow, or `mfn`)",
    "line": "`hs: CODE` (a product line of the flow)",
    "window": "`window: NAME`",
    "importer": "`flow: IMPORTER:*`",
    "importer layer": "`flow: IMPORTER:*` and `layer: MEASURE`",
}


def _date(metric: metrics.Metric) -> str:
    if metric.when is None:
        return "-"
    return metrics.WHEN[getattr(metric.when, "__name__", "")]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _heading(kind: metrics.Kind, columns: tuple[str, ...]) -> list[str]:
    """A kind's heading and the head of its table."""
    return [
        f"#### `{kind.name}`: {kind.doc}",
        "",
        "| " + " | ".join(columns) + " |",
        "|" + "---|" * len(columns),
    ]


def metrics_markdown() -> str:
    """One table per kind of result: every metric, as each format shows it."""
    parts = [BEGIN, ""]
    for kind in metrics.KINDS:
        columns = ("Metric", "Unit", "Date (CSV)", "Delta", "`expect:`", "Table column", "Meaning")
        parts.extend(_heading(kind, columns))
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
    parts.extend(_heading(sweep, ("Metric", "Unit", "Short name", "Meaning")))
    for metric in sweep.metrics:
        short = f"`{metric.expect}`" if metric.expect else "-"
        parts.append(f"| `{metric.name}` | {metric.unit} | {short} | {_cell(metric.doc)} |")
    parts.append("")
    for kind in (metrics.TOTAL_SEGMENT, metrics.GAP):
        parts.extend(_heading(kind, ("Metric", "Unit", "Item (CSV)", "Table column", "Meaning")))
        for metric in kind.metrics:
            item = f"the {metric.per}" if metric.per else "-"
            label = _cell(metric.label) if metric.label else "-"
            parts.append(
                f"| `{metric.name}` | {metric.unit} | {item} | {label} | {_cell(metric.doc)} |"
            )
        parts.append("")
    parts.append(END)
    return "\n".join(parts) + "\n"


def expect_markdown() -> str:
    """What an `expect:` entry can state, by what it is about (docs/format.md)."""
    parts = [
        EXPECT_BEGIN,
        "",
        "| About | Named by | Keys: the short ones, then every metric's name | Written as |",
        "|---|---|---|---|",
    ]
    for context, kinds in metrics.CONTEXTS.items():
        keys = [key for key, found in metrics.EXPECTED.items() if context in found]
        units = sorted({metrics.expect_unit(key) for key in keys})
        shown = ", ".join(f"`{key}`" for key in keys)
        kinds_text = ", ".join(f"`{kind.name}`" for kind in kinds)
        parts.append(
            f"| {context} ({kinds_text} metrics) | {_NAMED_BY[context]} | {shown} "
            f"| {', '.join(units)} |"
        )
    parts.append("")
    parts.append(EXPECT_END)
    return "\n".join(parts) + "\n"


TABLES = (
    ("Scenarios and totals tables", (metrics.FLOW, metrics.IMPORTER)),
    ("Windows table", (metrics.WINDOW,)),
    ("Trade response table", (metrics.RESPONSE,)),
    ("Market tables", (metrics.MARKET, metrics.MARKET_PARTNER)),
)
"""The compare tables whose columns come from the registry, and the kinds they show."""


def column_names() -> list[tuple[str, list[tuple[str, str]]]]:
    """Per table of `tariffs compare`, each column's header beside the names of the metrics
    it shows, as JSON, CSV, `diff`, `sweep` and `expect:` name them: ("Low, from",
    "low_rate, low_from; expect: low"). A `from` column is listed with the column it
    qualifies; a column two kinds share (the flow's and the importer's `Rate on`) is listed
    once. `tariffs compare --help` prints this."""
    out: list[tuple[str, list[tuple[str, str]]]] = []
    for title, kinds in TABLES:
        rows: dict[str, tuple[list[str], list[str], list[bool]]] = {}  # names, keys, vs base
        qualified: set[str] = set()  # columns followed by a `from` column
        label = ""
        for kind in kinds:
            for metric in kind.metrics:
                if not metric.label:
                    continue
                if metric.label not in QUALIFIERS:
                    label = " ".join(metric.label.format(unit="").split())
                else:
                    qualified.add(label)
                names, keys, delta = rows.setdefault(label, ([], [], [False]))
                for name in (metric.name, *metric.also):
                    if name not in names:
                        names.append(name)
                if metric.expect and metric.expect not in keys:
                    keys.append(metric.expect)
                delta[0] = delta[0] or metric.vs_base
        listed = []
        for header, (names, keys, delta) in rows.items():
            text = ", ".join(names)
            if delta[0]:
                text += f"; vs base: delta_{names[0]}"
            if keys:
                text += f"; expect: {', '.join(keys)}"
            extra = ", from" if header in qualified else ""
            listed.append((header + extra, text))
        out.append((title, listed))
    return out
