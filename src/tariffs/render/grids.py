"""What the human-readable outputs show: grids of already formatted cells.

The rich table renderer and the Markdown renderer both draw these grids, so the terminal
and a pull-request comment always show the same cells.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

from tariffs.calc.results import (
    FlowResult,
    ImporterResult,
    Segment,
    StudyResult,
    TimelineEntry,
    TimelineResult,
    TotalTimeline,
)
from tariffs.calc.tracker import QUIET_MARGIN
from tariffs.domain import counted, listed
from tariffs.metrics import (
    FLOW,
    GAP,
    IMPORTER,
    RESPONSE,
    WINDOW,
    Item,
    Kind,
    Metric,
    delta,
    read,
    value,
)
from tariffs.render import COMPARE_SECTIONS, fmt

if TYPE_CHECKING:
    from tariffs.calc.results import Diff, DiffReport, ProductLayer, ProductStack

BASE = "base"


class Grid(NamedTuple):
    """A titled table: header cells, a kind per column, and rows of cells.

    `kinds` has one letter per column: `n` a number (right-aligned, never wrapped), `k` a
    name or date (left-aligned, never wrapped), `t` free text (left-aligned, may wrap).

    `keys` and `glued` say how the table may be split when it cannot fit its page (see
    render.plain): the first `keys` columns identify a row and are repeated in every part,
    and a column in `glued` stays in the same part as the column before it.
    """

    title: str
    headers: tuple[str, ...]
    kinds: str
    rows: tuple[tuple[str, ...], ...]
    keys: int = 1
    glued: frozenset[int] = frozenset()


def money_scale(result: StudyResult) -> tuple[Decimal, str]:
    """One money unit for a whole file, from its largest flow value."""
    largest = max((f.flow.value for s in result.scenarios for f in s.flows), default=Decimal(0))
    return fmt.scale_for(largest)


def money_unit(result: StudyResult) -> str:
    _, suffix = money_scale(result)
    return f"{result.currency} {suffix}".rstrip()


Facts = list[tuple[str, str]]
"""Labelled facts shown under a document's title: (label, value)."""


def header_facts(result: StudyResult, path: str) -> Facts:
    """What the numbers below the title mean."""
    last = result.until - timedelta(days=1)
    return [
        ("File", path),
        ("Period", f"{result.start} to {last} ({counted(result.days, 'day')})"),
        ("Rates on", result.on.isoformat()),
        ("Baseline", f"{result.baseline} (deltas are scenario minus baseline)"),
        ("Money", f"{money_unit(result)}, static (trade held at each flow's annual value)"),
    ]


_COLUMN_KIND = {"date": "k", "text": "t"}
"""A table column's kind by the unit of its metric: numbers are `n`."""


def cell(metric: Metric, value: Any, divisor: Decimal) -> str:
    """A metric's value as a table shows it: one decimal, money in the file's unit."""
    if value is None:
        return "-"
    if metric.unit == "percent":
        return fmt.pct(value)
    if metric.unit == "pp":
        return fmt.pp(value)
    if metric.unit == "money":
        return fmt.money(value, divisor)
    if metric.unit == "date":
        return str(value.isoformat())
    return str(value)


def _delta_cell(metric: Metric, delta: Decimal | None, divisor: Decimal) -> str:
    if delta is None:
        return "-"
    return fmt.signed_money(delta, divisor) if metric.unit == "money" else fmt.pp(delta)


QUALIFIERS = {"from"}
"""Labels of metric columns that qualify the column before them (`Low`, then `from`)."""


class Columns(NamedTuple):
    """The metric columns of a kind's table: the metrics shown, a header and a kind letter
    per column, and the columns (counted from the first metric column) glued to the one
    before them: a `vs base`, a `from` date."""

    shown: list[Metric]
    headers: list[str]
    kinds: str
    glued: list[int]

    def glued_after(self, leading: int) -> frozenset[int]:
        """`glued` as column numbers of a grid with `leading` columns before these."""
        return frozenset(leading + column for column in self.glued)


def _metric_columns(kind: Kind, unit: str) -> Columns:
    """The metrics a table shows for a kind (those with a label), their headers and kinds."""
    shown = [m for m in kind.metrics if m.label]
    headers: list[str] = []
    kinds = ""
    glued: list[int] = []
    for metric in shown:
        if metric.label in QUALIFIERS:
            glued.append(len(headers))
        headers.append((metric.label or "").format(unit=unit))
        kinds += _COLUMN_KIND.get(metric.unit, "n")
        if metric.vs_base:
            glued.append(len(headers))
            headers.append("vs base")
            kinds += "n"
    return Columns(shown, headers, kinds, glued)


def _metric_cells(
    kind: Kind, shown: list[Metric], item: Item, divisor: Decimal, is_base: bool
) -> list[str]:
    cells: list[str] = []
    for metric in shown:
        text = metric.text(item.value, item.at) if metric.text else None
        cells.append(text if text is not None else cell(metric, value(metric, item), divisor))
        if metric.vs_base:
            cells.append(
                BASE if is_base else _delta_cell(metric, delta(kind, metric, item), divisor)
            )
    return cells


def flow_grids(result: StudyResult) -> list[Grid]:
    """One grid per flow, scenarios as rows; columns from the registry (tariffs.metrics)."""
    return _scenario_rows(result, FLOW, _flow_title)


def importer_grids(result: StudyResult, sections: Collection[str] = COMPARE_SECTIONS) -> list[Grid]:
    """For each importer of two or more flows: its total over them, scenarios as rows; then
    per scenario, its partners as rows with the total last, its layers largest first, and
    each layer's part of each partner's average; each only if `sections` names it."""
    out = _scenario_rows(result, IMPORTER, _importer_title) if "totals" in sections else []
    for scenario in result.scenarios:
        for total in scenario.importers:
            flows = [f for f in scenario.flows if f.flow.importer == total.importer]
            if "partners" in sections:
                out.append(_partner_grid(result, scenario.name, total, flows))
            if "by-layer" not in sections and "partner-by-layer" not in sections:
                continue
            matrix = _partner_layer_grid(scenario.name, total, flows)
            cells = len(matrix.rows) * len(matrix.headers)
            shown = cells <= MATRIX_CELLS
            # a matrix too large to show is named in the by-layer title, so that table
            # stands in for it when only the matrix was asked for
            if "by-layer" in sections or ("partner-by-layer" in sections and not shown):
                out.append(_importer_layer_grid(scenario.name, total, cells))
            if "partner-by-layer" in sections and shown:
                out.append(matrix)
    return out


TOP_LAYERS = 20
"""The layers an importer's by-layer table lists one by one; the rest make one row."""

MATRIX_CELLS = 2_000
"""The largest partner-by-layer table shown (partners x layers): a larger one is mostly
empty, as each layer is on few partners; JSON and CSV carry every part all the same."""


def _partner_grid(
    result: StudyResult, scenario: str, total: ImporterResult, flows: list[FlowResult]
) -> Grid:
    """An importer's partners as rows, the largest part of the total's average rate first
    (ties in file order), with the total last: each one's trade, rates, duties, share of the
    duties and part of the total's average."""
    divisor, _ = money_scale(result)
    unit = money_unit(result)
    flows = sorted(flows, key=lambda f: -(f.flow.value * f.average))
    rows = [
        (
            f.flow.exporter,
            fmt.money(f.flow.value, divisor),
            fmt.pct(f.rate_on),
            fmt.pct(f.average),
            fmt.money(f.duties, divisor),
            fmt.pct(f.duties / total.duties * 100) if total.duties else "-",
            _part(f.flow.value * f.average / total.value) if total.value else "-",
        )
        for f in flows
    ]
    rows.append(
        (
            "All",
            fmt.money(total.value, divisor),
            fmt.pct(total.rate_on),
            fmt.pct(total.average),
            fmt.money(total.duties, divisor),
            fmt.pct(Decimal(100)) if total.duties else "-",
            _part(total.average),
        )
    )
    return Grid(
        f"{total.importer} by partner under {scenario!r}, largest part first (Part: its part "
        "of the total's average rate, in pp)",
        (
            "Partner",
            f"Trade\n{unit}",
            "Rate on",
            "Average",
            f"Duties\n{unit}",
            "Share",
            "Part\npp",
        ),
        "knnnnnn",
        tuple(rows),
        keys=1,
    )


def _importer_layer_grid(scenario: str, total: ImporterResult, matrix: int = 0) -> Grid:
    """An importer's layers, the largest part of its average first (ties in file order);
    the title says when the partner-by-layer table (`matrix` cells) is too large to show."""
    order = sorted(total.layers, key=lambda x: -x.average)
    rows = tuple(
        (x.measure, _part(x.rate), _part(x.average), fmt.pct(x.share)) for x in order[:TOP_LAYERS]
    )
    rest = order[TOP_LAYERS:]
    if rest:  # the smallest together, so that the table stays a summary
        rows += (
            (
                f"the other {len(rest):,}",
                _part(sum((x.rate for x in rest), Decimal(0))),
                _part(sum((x.average for x in rest), Decimal(0))),
                fmt.pct(sum((x.share for x in rest), Decimal(0))),
            ),
        )
    left = (
        f"; the partner-by-layer table ({matrix:,} cells, over {MATRIX_CELLS:,}) is left out: "
        "JSON and CSV hold it"
        if matrix > MATRIX_CELLS
        else ""
    )
    return Grid(
        f"{total.importer} by layer under {scenario!r}, largest first: each one's part of the "
        f"total rate over all partners, in pp{left}",
        ("Layer", "Rate on\npp", "Average\npp", "Share"),
        "knnn",
        (*rows, ("All", _part(total.rate_on), _part(total.average), fmt.pct(Decimal(100)))),
        keys=1,
    )


def _partner_layer_grid(scenario: str, total: ImporterResult, flows: list[FlowResult]) -> Grid:
    """Each layer's part of each partner's average rate (pp), partners as rows; a layer not
    on a partner's flow is '-'. The last row is the layer's part of the total. A layer at 0%
    throughout on every partner is left out."""
    moving = {x.measure for f in flows for x in f.stack if x.average or x.rate}
    kept = [x for x in total.layers if x.measure in moving]
    names = [x.measure for x in kept]
    rows = []
    for f in flows:
        parts = {x.measure: x.average for x in f.stack}
        rows.append(
            (
                f.flow.exporter,
                *(_part(parts[n]) if n in parts else "-" for n in names),
                fmt.pct(f.average),
            )
        )
    rows.append(("All", *(_part(x.average) for x in kept), fmt.pct(total.average)))
    left = len(total.layers) - len(kept)
    note = f"; {counted(left, 'layer')} at 0% throughout not shown" if left else ""
    return Grid(
        f"{total.importer} by partner and layer under {scenario!r}: each layer's part of the "
        f"partner's average rate, in pp{note}",
        ("Partner", *names, "Average"),
        "k" + "n" * (len(names) + 1),
        tuple(rows),
        keys=1,
    )


def _part(value: Decimal) -> str:
    """A part of a rate in pp, as the layer tables show it: '12.3'."""
    return f"{fmt.rounded(value, 1):,.1f}"


def _flow_title(item: Item, divisor: Decimal, unit: str) -> tuple[str, str]:
    flow = item.value.flow
    return flow.key, f"{flow.label}: trade {fmt.money(flow.value, divisor)} {unit} a year"


def _importer_title(item: Item, divisor: Decimal, unit: str) -> tuple[str, str]:
    total = item.value
    partners = ", ".join(total.partners)
    money = fmt.money(total.value, divisor)
    title = (
        f"{total.importer} on all its {len(total.partners)} partners ({partners}): "
        f"trade {money} {unit} a year, rates weighted by trade"
    )
    scenario = item.at.scenario
    flows = scenario.flows if scenario is not None else ()
    stated = {f.flow.exporter for f in flows if all(x.mfn is not None for x in f.flow.lines)}
    if stated:  # some partners' rates include MFN: say whose do not
        without = [p for p in total.partners if p not in stated]
        if without:
            title += f"; MFN stated for all but {', '.join(without)}: theirs is not counted"
    return total.key, title


def _scenario_rows(
    result: StudyResult,
    kind: Kind,
    title: Callable[[Item, Decimal, str], tuple[str, str]],
    scale: tuple[Decimal, str] | None = None,
) -> list[Grid]:
    """One grid per item of `kind`, scenarios as rows; money in the file's unit, or in
    `scale` (divisor, unit text) when given."""
    divisor, unit = scale or (money_scale(result)[0], money_unit(result))
    columns = _metric_columns(kind, unit)
    rows: dict[str, list[tuple[str, ...]]] = {}
    labels: dict[str, str] = {}
    for item in kind.items(result):
        key, labels[key] = title(item, divisor, unit)
        is_base = item.scenario == result.baseline
        cells = _metric_cells(kind, columns.shown, item, divisor, is_base)
        rows.setdefault(key, []).append((item.scenario, *cells))
    return [
        Grid(
            labels[key],
            ("Scenario", *columns.headers),
            "k" + columns.kinds,
            tuple(found),
            keys=1,
            glued=columns.glued_after(1),
        )
        for key, found in rows.items()
    ]


def window_grids(result: StudyResult) -> dict[str, Grid]:
    """Per flow (keyed IMPORTER:EXPORTER), the windows of all scenarios that touch it."""
    divisor, _ = money_scale(result)
    columns = _metric_columns(WINDOW, money_unit(result))
    rows: dict[str, list[tuple[str, ...]]] = {}
    labels: dict[str, str] = {}
    for item in WINDOW.items(result):
        flow = item.value.flow
        labels[flow.key] = flow.label
        cells = _metric_cells(WINDOW, columns.shown, item, divisor, is_base=False)
        rows.setdefault(flow.key, []).append((item.scenario, item.name, *cells))
    outside = {
        item.value.flow.key
        for item in WINDOW.items(result)
        if item.value.days_in_period != item.value.days
    }
    return {
        key: Grid(
            title=f"{labels[key]}: windows, the rates around them and the static duties saved"
            + (" over all their days (Days: in the period/all)" if key in outside else ""),
            headers=("Scenario", "Window", *columns.headers),
            kinds="kt" + columns.kinds,
            rows=tuple(found),
            keys=2,
            glued=columns.glued_after(2),
        )
        for key, found in rows.items()
    }


TOP_LINES = 10
"""How many product lines the table shows per flow (JSON and CSV have every line)."""


def layer_grid(result: StudyResult, index: int) -> Grid:
    """Each measure's contribution to a flow's average rate, per scenario (pp); a measure at
    0% on every day of every scenario shown is left out, and the title says how many."""
    first = result.scenarios[0].flows[index]
    shown = [
        i
        for i in range(len(first.stack))
        if any(
            s.flows[index].stack[i].average or s.flows[index].stack[i].rate
            for s in result.scenarios
        )
    ]
    rows = [
        (
            scenario.name,
            *(f"{fmt.rounded(scenario.flows[index].stack[i].average, 1):,.1f}" for i in shown),
            fmt.pct(scenario.flows[index].average),
        )
        for scenario in result.scenarios
    ]
    left = len(first.stack) - len(shown)
    note = f"; {counted(left, 'layer')} at 0% throughout not shown" if left else ""
    return Grid(
        title=f"{first.flow.label}: each layer's part of the average rate, in pp "
        f"(import-weighted, before substitution){note}",
        headers=("Scenario", *(first.stack[i].measure for i in shown), "Average"),
        kinds="k" + "n" * (len(shown) + 1),
        rows=tuple(rows),
    )


def lines_grid(result: StudyResult, index: int) -> Grid:
    """The largest product lines of a flow, with each one's rate on the report date."""
    divisor, _ = money_scale(result)
    first = result.scenarios[0].flows[index]
    order = sorted(range(len(first.flow.lines)), key=lambda i: (-first.flow.lines[i].value, i))[
        :TOP_LINES
    ]
    rows = []
    for i in order:
        line = first.flow.lines[i]
        rates = []
        for scenario in result.scenarios:
            flow = scenario.flows[index]
            rates.append(fmt.pct(flow.classes[flow.line_class[i]].rate_on))
        rows.append((line.code or "-", line.description, fmt.money(line.value, divisor), *rates))
    shown = f"the {len(order)} largest" if len(order) < len(first.flow.lines) else "all"
    return Grid(
        title=f"{first.flow.label}: {shown} of {len(first.flow.lines)} product lines, "
        f"rate on {result.on}",
        headers=("HS", "Description", money_unit(result), *(s.name for s in result.scenarios)),
        kinds="ktn" + "n" * len(result.scenarios),
        rows=tuple(rows),
    )


def response_grid(result: StudyResult, index: int) -> Grid:
    """A flow's trade response under each scenario."""
    divisor, _ = money_scale(result)
    unit = money_unit(result)
    first = result.scenarios[0].flows[index]
    static = fmt.money(first.response.static_imports, divisor) if first.response else "-"
    columns = _metric_columns(RESPONSE, unit)
    rows = []
    for item in RESPONSE.items(result):
        if item.flow_key != first.flow.key:
            continue
        is_base = item.scenario == result.baseline
        cells = _metric_cells(RESPONSE, columns.shown, item, divisor, is_base)
        rows.append((item.scenario, *cells))
    return Grid(
        title=f"{first.flow.label}: trade response over the period, {unit} "
        f"(static imports {static})",
        headers=("Scenario", *columns.headers),
        kinds="k" + columns.kinds,
        rows=tuple(rows),
        keys=1,
        glued=columns.glued_after(1),
    )


def compare_grids(result: StudyResult, sections: Collection[str] = COMPARE_SECTIONS) -> list[Grid]:
    """For each flow: its scenarios table, its windows table if it has windows, then for a
    flow of product lines its layers and largest lines, and its trade response if any; then
    each importer's total (`importer_grids`). Only the `sections` named (render's
    COMPARE_SECTIONS, all by default), in that order."""
    windows = window_grids(result) if "windows" in sections else {}
    grids = flow_grids(result) if "flows" in sections else []
    out: list[Grid] = []
    for index, flow in enumerate(_flows(result)):
        if grids:
            out.append(grids[index])
        if flow in windows:
            out.append(windows[flow])
        first = result.scenarios[0].flows[index]
        if first.flow.classified:
            if "layers" in sections:
                out.append(layer_grid(result, index))
            if "lines" in sections:
                out.append(lines_grid(result, index))
        if first.response is not None and "response" in sections:
            out.append(response_grid(result, index))
    out.extend(importer_grids(result, sections))
    return out


def _flows(result: StudyResult) -> list[str]:
    return [f.flow.key for f in result.scenarios[0].flows] if result.scenarios else []


def describe_changes(segment: Segment, arrow: str = "->") -> str:
    """One line per measure that changed at the segment's start; `arrow` between the old
    and the new rate ("->" in ASCII tables, "→" in Markdown, where ">" is escaped)."""
    return "\n".join(
        f"{c.measure} {fmt.pct(c.old)} {arrow} {fmt.pct(c.new)} ({c.cause})"
        if c.old != c.new
        else f"{c.measure} stays {fmt.pct(c.new)} ({c.cause}; the rate is unchanged)"
        for c in segment.changes
    )


def timeline_facts(result: TimelineResult, path: str) -> Facts:
    last = result.until - timedelta(days=1)
    days = (result.until - result.start).days
    facts = [("File", path), ("Period", f"{result.start} to {last} ({counted(days, 'day')})")]
    if result.tracker is not None:
        points = result.tracker.points
        span = f", {points[0][0]} to {points[-1][0]}" if points else ""
        facts.append(("Against", f"{result.tracker.path} ({counted(len(points), 'row')}{span})"))
    return facts


def timeline_grid(entry: TimelineEntry, arrow: str = "->") -> Grid:
    """The segments of one flow under one scenario, with each layer and what changed."""
    rows = [
        (
            seg.start.isoformat(),
            (seg.until - timedelta(days=1)).isoformat(),
            str(seg.days),
            *(fmt.pct(rate) for rate in seg.layers),
            fmt.pct(seg.rate),
            describe_changes(seg, arrow) or "(in force at the start of the period)",
        )
        for seg in entry.segments
    ]
    names = tuple(m.name for m in entry.measures)
    title = f"{entry.label} under {entry.scenario!r}"
    if entry.weighted:
        lines = len(entry.flow.lines)
        title += (
            f": layers in pp of the flow's rate, import-weighted over {lines:,} "
            f"line{'s' if lines != 1 else ''}"
        )
    elif entry.hs:
        title += ": the product's own rates"
        if entry.mfn_unknown:
            title += (
                f", additional duties only (its MFN is unknown: no line of {entry.flow.key} "
                "has this code or a code it starts with)"
            )
    return Grid(
        title=title,
        headers=("From", "To", "Days", *names, "Total", "What changed"),
        kinds="kkn" + "n" * len(names) + "nt",
        rows=tuple(rows),
        keys=2,
    )


TOTAL_PLACES = 2
"""Decimals of an importer's total and its parts in tables: the parts are often below 1 pp."""
SPLIT_TITLES = {
    "authority": "by legal authority",
    "layer": "by layer (measure)",
    "partner": "by partner",
}
"""How a table of an importer's total names each split."""


def describe_total_changes(segment: Segment, arrow: str = "->") -> str:
    """One line per measure whose part of an importer's total moved at the segment's start:
    old part `arrow` new part, and why, by partner."""
    return "\n".join(
        f"{c.measure} {fmt.pct(c.old, TOTAL_PLACES)} {arrow} {fmt.pct(c.new, TOTAL_PLACES)} "
        f"({c.cause})"
        for c in segment.changes
    )


def total_grids(total: TotalTimeline, arrow: str = "->") -> list[Grid]:
    """An importer's total over time: a table per split asked for (`--by`), segments as
    rows, the first with the total and what changed."""
    partners = listed(total.partners)
    out: list[Grid] = []
    splits = list(dict.fromkeys(split for split, _ in total.series))
    for number, split in enumerate(splits):
        names = total.names(split)
        first = number == 0
        rows = []
        for index, seg in enumerate(total.segments):
            parts = tuple(fmt.pct(part, TOTAL_PLACES) for _, part in total.parts(seg, split))
            if not first:
                rows.append((seg.start.isoformat(), _last(seg), *parts))
                continue
            why = describe_total_changes(seg, arrow) or (
                "(partners' parts moved; no layer's part did)"
                if index
                else "(in force at the start of the period)"
            )
            rate = fmt.pct(seg.rate, TOTAL_PLACES)
            rows.append((seg.start.isoformat(), _last(seg), str(seg.days), rate, *parts, why))
        title = f"{total.label} ({partners}) under {total.scenario!r}"
        if first:
            title += ": rates weighted by the flows' values; parts in pp of the total"
        title += f", {SPLIT_TITLES[split]}"
        if first:
            headers = ("From", "To", "Days", "Total", *names, "What changed")
            kinds = "kknn" + "n" * len(names) + "t"
        else:
            headers, kinds = ("From", "To", *names), "kk" + "n" * len(names)
        out.append(Grid(title=title, headers=headers, kinds=kinds, rows=tuple(rows), keys=2))
    return out


def _last(segment: Segment) -> str:
    return (segment.until - timedelta(days=1)).isoformat()


def gap_grid(result: TimelineResult) -> Grid | None:
    """Each timeline shown against the tracker of `--against`: one row per flow or total
    (scenario and label), its gap metrics (tariffs.metrics.GAP)."""
    if result.tracker is None:
        return None
    labels = [
        f"{e.flow.key}{f' HS {e.hs}' if e.hs else ''} under {e.scenario!r}" for e in result.entries
    ]
    labels += [f"{t.key} under {t.scenario!r}" for t in result.totals]
    shown = GAP.metrics
    rows = tuple(
        (label, *(_gap_cell(m, read(m, found)) for m in shown))
        for label, found in zip(labels, result.gaps, strict=True)
    )
    glued = frozenset(1 + i for i, m in enumerate(shown) if m.unit == "date")
    return Grid(
        title=f"Against {result.tracker.path}: the timeline's rate minus its, in pp (quiet days: "
        f"at least {QUIET_MARGIN} days from a change in either)",
        headers=("Timeline", *(m.label or m.name for m in shown)),
        kinds="t" + "".join("k" if m.unit == "date" else "n" for m in shown),
        rows=rows,
        keys=1,
        glued=glued,
    )


def _gap_cell(metric: Metric, value: Any) -> str:
    if value is None:
        return "-"
    if metric.unit == "pp":
        return f"{fmt.rounded(value, 2):,.2f}"
    if metric.unit == "date":
        return str(value.isoformat())
    return str(value)


def chart_width(width: int) -> int:
    """Columns for the step chart within a page `width` characters wide."""
    return max(20, min(width - 12, 100))


def diff_value(value: Decimal | str | None, unit: str) -> str:
    """A diffed value as a table shows it: '30%', '+2.5 pp', '25.9733bn USD', '90 days'."""
    if value is None:
        return "-"
    if isinstance(value, str):
        return value
    if unit == "percent":
        return f"{fmt.number(value, fmt.RATE_PLACES)}%"
    if unit == "pp":
        return f"{fmt.number(value, fmt.RATE_PLACES)} pp"
    if unit == "days":
        return f"{value:f} {'day' if value == 1 else 'days'}"
    divisor, suffix = fmt.scale_for(abs(value))
    return f"{fmt.number(value / divisor, fmt.RATE_PLACES)}{suffix} {unit}".strip()


def _signed(delta: Decimal | None, unit: str) -> str:
    if delta is None:
        return ""
    shown = diff_value(delta, "pp" if unit == "percent" else unit)
    return shown if shown.startswith("-") or delta == 0 else "+" + shown


def diff_facts(report: DiffReport) -> Facts:
    diff, tolerance = report.diff, report.tolerance
    inputs = "not compared (a side is a saved result)" if diff.inputs is None else len(diff.inputs)
    limits = []
    if tolerance.rate is not None:
        limits.append(tolerance.rate_given or f"{fmt.number(tolerance.rate, 6)} pp")
    if tolerance.money is not None:
        limits.append(f"{tolerance.money_given or fmt.number(tolerance.money, 2)} in money")
    return [
        ("Old", report.old),
        ("New", report.new),
        ("Tolerance", ", ".join(limits) or "none (every difference counts)"),
        ("Inputs", f"{inputs} changed" if isinstance(inputs, int) else inputs),
        ("Results", f"{len(diff.results)} changed"),
    ]


def diff_grids(diff: Diff) -> list[Grid]:
    """A grid of input changes, then one of result changes per file."""
    grids: list[Grid] = []
    if diff.inputs:
        grids.append(
            Grid(
                title="What changed in the inputs",
                headers=("Section", "Name", "What", "Old", "New"),
                kinds="kkttt",
                rows=tuple(
                    (c.section, c.name, c.field, c.old or "-", c.new or "-") for c in diff.inputs
                ),
                keys=3,
            )
        )
    files = dict.fromkeys(c.file for c in diff.results)
    for path in files:
        rows = tuple(
            (
                c.scenario,
                c.flow.replace(":", " on "),
                c.item,
                c.metric,
                diff_value(c.old, c.unit),
                diff_value(c.new, c.unit),
                _signed(c.delta, c.unit),
            )
            for c in diff.results
            if c.file == path
        )
        grids.append(
            Grid(
                title=f"What that did to the results: {path}",
                headers=("Scenario", "Flow", "Item", "Metric", "Old", "New", "Change"),
                kinds="kktknnn",
                rows=rows,
                keys=4,
            )
        )
    return grids


def rate_facts(stack: ProductStack, path: str) -> Facts:
    return [
        ("File", path),
        ("Flow", f"{stack.flow.label} ({stack.flow.key})"),
        ("Product", f"HS {stack.hs}"),
        ("On", stack.on.isoformat()),
        ("Scenario", stack.scenario),
        ("Total", f"{fmt.pct(stack.total)} ({_what_total(stack)})"),
    ]


def _what_total(stack: ProductStack) -> str:
    if stack.mfn_stated:
        return "MFN and additional duties"
    if stack.mfn_unknown:
        return (
            f"additional duties only: HS {stack.hs}'s MFN is unknown, since no line of "
            f"{stack.flow.key} has this code or a code it starts with"
        )
    return "additional duties only: the file states no MFN rate for this flow"


def _with_heading(layer: ProductLayer) -> str:
    return f"{layer.basis} ({layer.heading})" if layer.heading else layer.basis


def rate_grid(stack: ProductStack) -> Grid:
    """Each layer of a product's duty stack: its rate, whether it applies, and why."""
    rows = [(x.measure, _with_heading(x), fmt.pct(x.rate), x.status, x.why) for x in stack.layers]
    rows.append(("Total", "", fmt.pct(stack.total), "", ""))
    return Grid(
        title=f"HS {stack.hs} from {stack.flow.exporter} into {stack.flow.importer} "
        f"on {stack.on} under {stack.scenario!r}",
        headers=("Measure", "Basis", "Rate", "Status", "Why"),
        kinds="ktnkt",
        rows=tuple(rows),
    )
