"""JSON output: a versioned document with exact decimal numbers (see docs/output.md)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

from tariffs import contract, metrics
from tariffs.calc.results import (
    Gap,
    ScenarioResult,
    Segment,
    StudyResult,
    TimelineResult,
    TotalTimeline,
)
from tariffs.render import fmt
from tariffs.render.safe import json_string

if TYPE_CHECKING:
    from tariffs.calc.results import DiffReport, ProductStack

FORMAT = "tariffs.compare"
TIMELINE_FORMAT = "tariffs.timeline"
DIFF_FORMAT = "tariffs.diff"
RATE_FORMAT = "tariffs.rate"
VERSION = contract.VERSION


class Rate(Decimal):
    """A rate in percent, written with `fmt.RATE_PLACES` decimals."""


class Money(Decimal):
    """An amount, written with `fmt.MONEY_PLACES` decimals."""


EXACT_PLACES = 6
"""Decimal places of an input written back (a sweep's varied values): as a file may."""


class Exact(Decimal):
    """An input number written back as it is, with at most `EXACT_PLACES` decimals."""


class Stream:
    """A list of objects written one per line as they come: each item is already compact
    JSON text. Product lines are written this way, so a document of 100,000s of lines is
    never held whole in memory."""

    def __init__(self, items: Iterable[str]) -> None:
        self.items = items


def dumps(value: Any) -> str:
    """The JSON text of a value (see `chunks`)."""
    return "".join(chunks(value))


BATCH = 1_000
"""Stream items joined into one piece of output."""


class _Placed(NamedTuple):
    """A Stream in the document, with the indentation of its place."""

    stream: Stream
    indent: str


def chunks(value: Any) -> Iterator[str]:
    """Serialise dicts, lists, `Stream`s, strings, ints, bools, None, dates and our Decimals,
    as pieces of text, in order.

    Everything but the Streams is small and written first, with each Stream left in its
    place; then the pieces go out, each Stream's items read and written as they come, in
    batches. The standard json module cannot write a Decimal as a number without passing
    through a float, so numbers are written here from their exact decimal text.
    """
    parts: list[str | _Placed] = []
    _write(value, "", parts)
    batch: list[str] = []
    for part in parts:
        if isinstance(part, str):
            batch.append(part)
            continue
        inner = part.indent + "  "
        first = True
        for item in part.stream.items:
            batch.append(("[\n" if first else ",\n") + inner + item)
            first = False
            if len(batch) >= BATCH:
                yield "".join(batch)
                batch = []
        batch.append("[]" if first else "\n" + part.indent + "]")
    yield "".join(batch)


def _write(value: Any, indent: str, out: list[str | _Placed]) -> None:
    inner = indent + "  "
    if isinstance(value, Stream):
        out.append(_Placed(value, indent))
    elif isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        out.append("{\n")
        for index, (key, item) in enumerate(value.items()):
            out.append((",\n" if index else "") + inner + json_string(str(key)) + ": ")
            _write(item, inner, out)
        out.append("\n" + indent + "}")
    elif isinstance(value, list | tuple):
        if not value:
            out.append("[]")
            return
        out.append("[\n")
        for index, item in enumerate(value):
            out.append((",\n" if index else "") + inner)
            _write(item, inner, out)
        out.append("\n" + indent + "]")
    else:
        out.append(_scalar(value))


def _scalar(value: Any) -> str:
    if isinstance(value, Rate):
        return fmt.number(value, fmt.RATE_PLACES)
    if isinstance(value, Money):
        return fmt.number(value, fmt.MONEY_PLACES)
    if isinstance(value, Exact):
        return fmt.number(value, EXACT_PLACES)
    if isinstance(value, Decimal):
        raise TypeError("a bare Decimal has no stated precision; wrap it in Rate or Money")
    if isinstance(value, date):
        return json.dumps(value.isoformat())
    if isinstance(value, str):
        return json_string(value)
    if value is None or isinstance(value, bool | int):
        return json.dumps(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


def _segments(parts: Sequence[Segment], measures: Sequence[str]) -> list[dict[str, Any]]:
    return [
        {
            "start": seg.start,
            "until": seg.until,
            "days": seg.days,
            "rate": Rate(seg.rate),
            "layers": {name: Rate(r) for name, r in zip(measures, seg.layers, strict=True)},
            "changes": [
                {"measure": c.measure, "from": Rate(c.old), "to": Rate(c.new), "cause": c.cause}
                for c in seg.changes
            ],
        }
        for seg in parts
    ]


# --- compare: keys and values from the registry (tariffs.metrics) --------------------------


def typed(unit: str, value: Any) -> Any:
    """A metric's value wrapped for `chunks` by its unit: Rate, Money, int or as it is."""
    if value is None:
        return None
    if unit in {"percent", "pp"}:
        return Rate(value)
    if unit == "money":
        return Money(value)
    if unit == "days":
        return int(value)
    return value


def metric_fields(kind: metrics.Kind, item: metrics.Item) -> dict[str, Any]:
    """A kind's metrics of one item, each followed by its delta if it has one."""
    out: dict[str, Any] = {}
    for metric in kind.metrics:
        out[metric.name] = typed(metric.unit, metrics.value(metric, item))
        if metric.delta:
            out[f"delta_{metric.name}"] = typed(
                "pp" if metric.unit == "percent" else metric.unit,
                metrics.delta(kind, metric, item),
            )
    return out


class Written:
    """What one file's product lines have written so far, by the id of the line or class
    (lines and classes live as long as the result, so their ids hold): each line's last
    whole text with the number of what its class gave it and the length of its part that
    depends on the line alone (see _LineText), and those numbers. One text a line: a file
    may have 100,000s of lines."""

    def __init__(self) -> None:
        self.texts: dict[int, tuple[int, str, int]] = {}
        self.classes: dict[tuple[Any, ...], int] = {}


def machine(unit: str) -> Callable[[Any], str]:
    """How a value of `unit` is written in JSON: the same as `_scalar(typed(unit, v))`,
    without wrapping each number first (this runs for every field of every product line)."""
    places = {"percent": fmt.RATE_PLACES, "pp": fmt.RATE_PLACES, "money": fmt.MONEY_PLACES}
    if unit in places:
        number, digits = fmt.number, places[unit]
        return lambda v: "null" if v is None else number(v, digits)
    return lambda v: _scalar(typed(unit, v))


Run = tuple[str, int, list[tuple[str, metrics.Get, str]]]


def _line_runs() -> list[Run]:
    """The registry's line metrics in order, as runs of the same `per`: (per, the run's
    index, [(JSON key, getter of the part, unit)])."""
    runs: list[Run] = []
    for m in metrics.LINE.metrics:
        if m.per is None or m.of is None or (m.per == "value" and m.unit not in _PLACES):
            raise ValueError(f"line metric {m.name}: `per` and `of` must say what it is")
        field = (f", {json_string(m.name)}: ", m.of, m.unit)
        if runs and runs[-1][0] == m.per:
            runs[-1][2].append(field)
        else:
            runs.append((m.per, len(runs), [field]))
    return runs


def _line_texts(at: metrics.At, written: Written, base: metrics.At | None = None) -> Iterator[str]:
    """Each product line of a flow as one compact JSON object: its code and description,
    then the registry's line metrics in order. With `base` (the same flow under the
    baseline: `--lines changed`), only the lines whose object differs from the baseline's,
    and every unclassified line (lines are matched by their HS code).

    A run of metrics that depends on the line alone (Metric.per) is written once and read
    back from the line's kept text in later scenarios; one that depends on its class alone,
    once for every line of the class. A run of shares ("value": the line's value times a
    per-unit amount of its class) is written for each line, from the class's amounts, read
    once. A line's whole text is kept with the number of what its class gave (the class
    runs' texts and the amounts): in a later scenario whose class of the line gives the
    same, as most do, the text is written again as it is.
    """
    flow = at.flow
    if flow is None or not flow.flow.classified:
        return
    runs = _line_runs()
    text_of = _LineText(written, runs, at)
    classes: dict[int, tuple[int, list[str | list[tuple[str, Any, int]]]]] = {}
    before: dict[int, tuple[int, list[str | list[tuple[str, Any, int]]]]] = {}
    if base is not None and base.flow is not None:
        found_in: dict[int, tuple[int, list[str | list[tuple[str, Any, int]]]]] = {}
        for line, cls in base.flow.lines():
            given = found_in.get(id(cls))
            if given is None:
                given = found_in[id(cls)] = _class_parts(cls, base, runs, written.classes)
            before[id(line)] = given
    texts = written.texts
    for line, cls in flow.lines():
        found = classes.get(id(cls))
        if found is None:
            found = classes[id(cls)] = _class_parts(cls, at, runs, written.classes)
        if before:
            was = before.get(id(line))
            if was is not None and line.code:
                if was[0] == found[0]:
                    continue  # the same class figures: the same object as the baseline's
                if text_of(line, *was) == text_of(line, *found):
                    continue
        kept = texts.get(id(line))  # the common case inline: this runs for every line
        yield kept[1] if kept is not None and kept[0] == found[0] else text_of(line, *found)


class _LineText:
    """A line's JSON object from what its class gave (see _line_texts), kept in `written`.

    Its start, the code, description and the runs of the line alone that come before any
    other, is the same in every scenario: it is read back from the line's kept text."""

    def __init__(self, written: Written, runs: list[Run], at: metrics.At) -> None:
        self.written = written
        self.runs = runs
        self.at = at  # for the runs of the line alone, which do not depend on it
        self.leading = next((n for n, (per, _, _) in enumerate(runs) if per != "line"), len(runs))

    def __call__(self, line: Any, key: int, parts: list[str | list[tuple[str, Any, int]]]) -> str:
        texts = self.written.texts
        kept = texts.get(id(line))
        if kept is not None and kept[0] == key:
            return kept[1]
        if kept is not None:
            pieces = [kept[1][: kept[2]]]
        else:
            code = json_string(line.code) if line.code else "null"
            pieces = [f'{{"hs": {code}, "description": {json_string(line.description)}']
            pieces.extend(
                self._line_run(line, fields) for _, _, fields in self.runs[: self.leading]
            )
        start = sum(map(len, pieces))
        number = fmt.number
        for (per, _, fields), part in zip(
            self.runs[self.leading :], parts[self.leading :], strict=True
        ):
            if isinstance(part, str):
                pieces.append(part)
            elif per == "line":
                pieces.append(self._line_run(line, fields))
            else:
                value = line.value
                for name, amount, places in part:
                    pieces.append(
                        name + ("null" if amount is None else number(value * amount, places))
                    )
        pieces.append("}")
        text = "".join(pieces)
        texts[id(line)] = (key, text, start)
        return text

    def _line_run(self, line: Any, fields: list[tuple[str, metrics.Get, str]]) -> str:
        return "".join(name + machine(unit)(of(line, self.at)) for name, of, unit in fields)


def _class_parts(
    cls: Any, at: metrics.At, runs: list[Run], known: dict[tuple[Any, ...], int]
) -> tuple[int, list[str | list[tuple[str, Any, int]]]]:
    """What a class gives its lines' texts, run by run: a class run's text, a share run's
    [(key, amount, places)], or [] for a line run; and a number for all that, the same for
    classes that give the same (in any scenario)."""
    parts: list[str | list[tuple[str, Any, int]]] = []
    for per, _, fields in runs:
        if per == "class":
            parts.append("".join(key + machine(unit)(of(cls, at)) for key, of, unit in fields))
        elif per == "value":
            parts.append([(key, of(cls, at), _PLACES[unit]) for key, of, unit in fields])
        else:
            parts.append([])
    shape = tuple(p if isinstance(p, str) else tuple(a for _, a, _ in p) for p in parts)
    return known.setdefault(shape, len(known)), parts


_PLACES = {"percent": fmt.RATE_PLACES, "pp": fmt.RATE_PLACES, "money": fmt.MONEY_PLACES}


LINES = ("all", "changed", "none")
"""What `compare --lines` writes of the product lines: every line under every scenario; under
a scenario other than the baseline, only the lines whose figures differ from the
baseline's (and every unclassified line); or none."""


def study(result: StudyResult, path: str, lines: str = "all") -> dict[str, Any]:
    """One file's results as plain data, ready for `chunks`; product lines are streamed
    (see LINES). With "changed", a file whose baseline is not shown lists every line."""
    written = Written()
    against = lines == "changed" and any(s.name == result.baseline for s in result.scenarios)
    [file_item] = metrics.FILE.items(result)
    scenarios = []
    for scenario in result.scenarios:
        flows = []
        for f in scenario.flows:
            at = metrics.At(result, scenario, f)
            [flow_item] = metrics.FLOW.under(at)
            response = list(metrics.RESPONSE.under(at))
            flows.append(
                {
                    "importer": f.flow.importer,
                    "exporter": f.flow.exporter,
                    **metric_fields(metrics.FLOW, flow_item),
                    "layers": [
                        {
                            "measure": x.value.measure,
                            "basis": x.value.basis,
                            **metric_fields(metrics.LAYER, x),
                        }
                        for x in metrics.LAYER.under(at)
                    ],
                    "response": metric_fields(metrics.RESPONSE, response[0]) if response else None,
                    "lines": []
                    if lines == "none"
                    else Stream(
                        _line_texts(at, written, _base(at, flow_item) if against else None)
                    ),
                }
            )
        scenarios.append(
            {
                "name": scenario.name,
                "description": scenario.description,
                "is_baseline": scenario.name == result.baseline,
                "flows": flows,
                "windows": [
                    {
                        "window": w.name,
                        "importer": w.value.flow.importer,
                        "exporter": w.value.flow.exporter,
                        **metric_fields(metrics.WINDOW, w),
                    }
                    for w in metrics.WINDOW.under(metrics.At(result, scenario))
                ],
                "importers": [
                    {
                        "importer": i.value.importer,
                        "partners": list(i.value.partners),
                        **metric_fields(metrics.IMPORTER, i),
                        "layers": [
                            {
                                "measure": x.value.measure,
                                "basis": x.value.basis,
                                **metric_fields(metrics.IMPORTER_LAYER, x),
                            }
                            for x in metrics.IMPORTER_LAYER.under(metrics.At(result, scenario))
                            if x.value.importer == i.value.importer
                        ],
                    }
                    for i in metrics.IMPORTER.under(metrics.At(result, scenario))
                ],
                **_markets(result, scenario),
            }
        )
    return {
        "path": path,
        "title": result.title,
        "currency": result.currency,
        "sources": list(result.sources),
        **metric_fields(metrics.FILE, file_item),
        "scenarios": scenarios,
    }


def _base(at: metrics.At, flow: metrics.Item) -> metrics.At | None:
    """The flow under the baseline, for a scenario that is not the baseline."""
    if at.scenario is None or at.scenario.name == at.study.baseline or metrics.FLOW.base is None:
        return None
    return metrics.At(at.study, at.study.base, metrics.FLOW.base(flow, at.study))


def _markets(result: StudyResult, scenario: ScenarioResult) -> dict[str, Any]:
    """A scenario's markets, for a file that has them (a document without `markets` reads
    as one with none)."""
    if not scenario.markets:
        return {}
    at = metrics.At(result, scenario)
    partners = list(metrics.MARKET_PARTNER.under(at))
    return {
        "markets": [
            {
                "importer": m.value.importer,
                **metric_fields(metrics.MARKET, m),
                "import_demand": Exact(m.value.import_demand),
                "substitution": Exact(m.value.substitution),
                "warnings": list(m.value.warnings),
                "partners": [
                    {"exporter": p.value.exporter, **metric_fields(metrics.MARKET_PARTNER, p)}
                    for p in partners
                    if p.value.importer == m.value.importer
                ],
            }
            for m in metrics.MARKET.under(at)
        ]
    }


def envelope(kind: str, body_key: str, body: Any, **extra: Any) -> Iterator[str]:
    """A document of one kind: its format, version and units, the `extra` keys, then the
    body (the largest part, so it comes last), as pieces of text."""
    doc = {
        "format": kind,
        "version": VERSION,
        "units": {
            "rate": "percent",
            "rate_places": fmt.RATE_PLACES,
            "money_places": fmt.MONEY_PLACES,
            "rounding": fmt.ROUNDING_NAME,
            "dates": "ISO 8601; intervals are [start, until)",
        },
        **extra,
        body_key: body,
    }
    yield from chunks(doc)
    yield "\n"


def compare(results: Sequence[tuple[str, StudyResult]], lines: str = "all") -> Iterator[str]:
    """The JSON document for `tariffs compare`, as pieces of text (product lines streamed);
    `lines` (see LINES) other than "all" is stated in the document."""
    files = [study(result, path, lines) for path, result in results]
    return envelope(FORMAT, "files", files, **({} if lines == "all" else {"lines": lines}))


def timeline(path: str, result: TimelineResult) -> Iterator[str]:
    """The JSON document for `tariffs timeline`: `against` (with --against) and `totals`
    (with --flow IMPORTER:*) only when asked for, then `timelines`."""
    gaps = iter(result.gaps)
    body = []
    for entry in result.entries:
        found: dict[str, Any] = {
            "path": path,
            "scenario": entry.scenario,
            "importer": entry.flow.importer,
            "exporter": entry.flow.exporter,
            "hs": entry.hs or None,
            "weighted": entry.weighted,
            "mfn_unknown": entry.mfn_unknown,
            "measures": [{"name": m.name, "basis": m.basis} for m in entry.measures],
            "segments": _segments(entry.segments, [m.name for m in entry.measures]),
        }
        if result.tracker is not None:
            found["against"] = _gap(next(gaps))
        body.append(found)
    extra: dict[str, Any] = {}
    if result.tracker is not None:
        points = result.tracker.points
        extra["against"] = {
            "path": result.tracker.path,
            "rows": len(points),
            "first": points[0][0] if points else None,
            "last": points[-1][0] if points else None,
        }
    if result.totals:
        extra["totals"] = [
            _total(path, total, next(gaps) if result.tracker is not None else None)
            for total in result.totals
        ]
    return envelope(TIMELINE_FORMAT, "timelines", body, **extra)


def _total(path: str, total: TotalTimeline, gap: Gap | None) -> dict[str, Any]:
    """An importer's total over time: its segments with the `total_segment` metrics, a
    split metric as an object of its parts by name."""
    segments = []
    for seg in total.segments:
        point = metrics.TotalPoint(total, seg)
        found: dict[str, Any] = {"start": seg.start, "until": seg.until}
        for metric in metrics.TOTAL_SEGMENT.metrics:
            value = metrics.read(metric, point)
            if metric.per is None:
                found[metric.name] = typed(metric.unit, value)
            elif total.names(metric.per):
                found[metric.name] = {name: Rate(part) for name, part in value}
        found["changes"] = [
            {"measure": c.measure, "from": Rate(c.old), "to": Rate(c.new), "cause": c.cause}
            for c in seg.changes
        ]
        segments.append(found)
    out: dict[str, Any] = {
        "path": path,
        "scenario": total.scenario,
        "importer": total.importer,
        "exporter": "*",
        "partners": list(total.partners),
        "trade_value": Money(total.value),
        "segments": segments,
    }
    if gap is not None:
        out["against"] = _gap(gap)
    return out


def _gap(gap: Gap) -> dict[str, Any]:
    return {m.name: typed(m.unit, metrics.read(m, gap)) for m in metrics.GAP.metrics}


def _diffed(value: Decimal | str | None, unit: str) -> Any:
    if isinstance(value, Decimal):
        if unit in {"percent", "pp"}:
            return Rate(value)
        if unit == "days":
            return int(value)
        return Money(value)
    return value


def diff(report: DiffReport) -> Iterator[str]:
    """The JSON document for `tariffs diff`."""
    d = report.diff
    tol = report.tolerance
    inputs = None
    if d.inputs is not None:
        inputs = [
            {"section": c.section, "name": c.name, "field": c.field, "old": c.old, "new": c.new}
            for c in d.inputs
        ]
    results = [
        {
            "file": c.file,
            "scenario": c.scenario,
            "flow": c.flow,
            "item": c.item,
            "metric": c.metric,
            "unit": c.unit,
            "old": _diffed(c.old, c.unit),
            "new": _diffed(c.new, c.unit),
            "delta": _diffed(c.delta, "pp" if c.unit == "percent" else c.unit),
        }
        for c in d.results
    ]
    return envelope(
        DIFF_FORMAT,
        "results",
        results,
        old=report.old,
        new=report.new,
        tolerance={
            "rate": None if tol.rate is None else Rate(tol.rate),
            "money": None if tol.money is None else Money(tol.money),
        },
        differences=d.differences,
        inputs=inputs,
    )


def rate(path: str, stack: ProductStack, *, money: dict[str, Any] | None = None) -> Iterator[str]:
    """The JSON document for `tariffs rate`; `money`, the duty on a value (`--value`)."""
    body = {
        "path": path,
        "importer": stack.flow.importer,
        "exporter": stack.flow.exporter,
        "hs": stack.hs,
        "on": stack.on,
        "scenario": stack.scenario,
        "layers": [
            {
                "measure": x.measure,
                "basis": x.basis,
                "rate": Rate(x.rate),
                "status": x.status,
                "why": x.why,
                "heading": x.heading or None,
                "authority": x.authority or None,
            }
            for x in stack.layers
        ],
        "total": Rate(stack.total),
        "mfn_stated": stack.mfn_stated,
        "mfn_unknown": stack.mfn_unknown,
    }
    if money is not None:
        body["money"] = money
    return envelope(RATE_FORMAT, "stack", body)
