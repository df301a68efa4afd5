"""JSON output: a versioned document with exact decimal numbers (see docs/output.md)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from tariffs import contract, metrics
from tariffs.calc.results import Segment, StudyResult, TimelineResult
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


class Stream:
    """A list of objects written one per line as they come: each item is already compact
    JSON text. Product lines are written this way, so a document of 100,000s of lines is
    never held whole in memory."""

    def __init__(self, items: Iterable[str]) -> None:
        self.items = items


def dumps(value: Any) -> str:
    """The JSON text of a value (see `chunks`)."""
    return "".join(chunks(value))


def chunks(value: Any, indent: str = "") -> Iterator[str]:
    """Serialise dicts, lists, `Stream`s, strings, ints, bools, None, dates and our Decimals,
    as pieces of text, in order.

    The standard json module cannot write a Decimal as a number without passing through a
    float, so numbers are written here from their exact decimal text.
    """
    inner = indent + "  "
    if isinstance(value, Stream):
        first = True
        for item in value.items:
            yield ("[\n" if first else ",\n") + inner + item
            first = False
        yield "[]" if first else "\n" + indent + "]"
    elif isinstance(value, dict):
        if not value:
            yield "{}"
            return
        yield "{\n"
        for index, (key, item) in enumerate(value.items()):
            yield (",\n" if index else "") + inner + json_string(str(key)) + ": "
            yield from chunks(item, inner)
        yield "\n" + indent + "}"
    elif isinstance(value, list | tuple):
        if not value:
            yield "[]"
            return
        yield "[\n"
        for index, item in enumerate(value):
            yield (",\n" if index else "") + inner
            yield from chunks(item, inner)
        yield "\n" + indent + "]"
    else:
        yield _scalar(value)


def _scalar(value: Any) -> str:
    if isinstance(value, Rate):
        return fmt.number(value, fmt.RATE_PLACES)
    if isinstance(value, Money):
        return fmt.number(value, fmt.MONEY_PLACES)
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


def _line_texts(items: Iterable[metrics.Item]) -> Iterator[str]:
    """Each product line as one compact JSON object: its code and description, then the
    registry's line metrics in order.

    A line's value is the same under every scenario, and a class's rates are the same for
    all its lines, so those fields are written once and reused (see `_SHARED`).
    """
    kind = metrics.LINE
    keys = {m.name: json_string(m.name) for m in kind.metrics}
    written: dict[tuple[str, int], str] = {}
    heads: dict[int, str] = {}
    for item in items:
        line = item.value.line
        head = heads.get(id(line))
        if head is None:
            code = json_string(line.code) if line.code else "null"
            description = json_string(line.description)
            head = heads[id(line)] = f'{{"hs": {code}, "description": {description}'
        parts = [head]
        for metric in kind.metrics:
            part = _SHARED.get(metric.name)
            key = (metric.name, id(item.value[part])) if part is not None else None
            text = written.get(key) if key is not None else None
            if text is None:
                value = typed(metric.unit, metrics.value(metric, item))
                text = f", {keys[metric.name]}: {_scalar(value)}"
                if key is not None:
                    written[key] = text
            parts.append(text)
        parts.append("}")
        yield "".join(parts)


_SHARED = {"line_value": 0, "line_rate_on": 1, "line_average_rate": 1}
"""Line metrics that depend on the line alone (0) or on its class alone (1): written once."""


def study(result: StudyResult, path: str) -> dict[str, Any]:
    """One file's results as plain data, ready for `chunks`; product lines are streamed."""
    flows = metrics.grouped(metrics.FLOW, result)
    layers = metrics.grouped(metrics.LAYER, result)
    responses = metrics.grouped(metrics.RESPONSE, result)
    lines = metrics.grouped(metrics.LINE, result)
    windows = metrics.grouped(metrics.WINDOW, result, by="scenario")
    [file_item] = metrics.FILE.items(result)
    scenarios = []
    for scenario in result.scenarios:
        shown = []
        for f in scenario.flows:
            key = (scenario.name, f.flow.key)
            [item] = flows[key]
            response = responses.get(key)
            shown.append(
                {
                    "importer": f.flow.importer,
                    "exporter": f.flow.exporter,
                    **metric_fields(metrics.FLOW, item),
                    "layers": [
                        {
                            "measure": x.value.measure,
                            "basis": x.value.basis,
                            **metric_fields(metrics.LAYER, x),
                        }
                        for x in layers.get(key, [])
                    ],
                    "response": metric_fields(metrics.RESPONSE, response[0]) if response else None,
                    "lines": Stream(_line_texts(lines.get(key, []))),
                }
            )
        scenarios.append(
            {
                "name": scenario.name,
                "description": scenario.description,
                "is_baseline": scenario.name == result.baseline,
                "flows": shown,
                "windows": [
                    {
                        "window": w.name,
                        "importer": w.value.flow.importer,
                        "exporter": w.value.flow.exporter,
                        **metric_fields(metrics.WINDOW, w),
                    }
                    for w in windows.get((scenario.name, ""), [])
                ],
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


def _envelope(kind: str, body_key: str, body: Any, **extra: Any) -> Iterator[str]:
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


def compare(results: Sequence[tuple[str, StudyResult]]) -> Iterator[str]:
    """The JSON document for `tariffs compare`, as pieces of text (product lines streamed)."""
    return _envelope(FORMAT, "files", [study(result, path) for path, result in results])


def timeline(path: str, result: TimelineResult) -> Iterator[str]:
    """The JSON document for `tariffs timeline`."""
    body = [
        {
            "path": path,
            "scenario": entry.scenario,
            "importer": entry.flow.importer,
            "exporter": entry.flow.exporter,
            "measures": [{"name": m.name, "basis": m.basis} for m in entry.measures],
            "segments": _segments(entry.segments, [m.name for m in entry.measures]),
        }
        for entry in result.entries
    ]
    return _envelope(TIMELINE_FORMAT, "timelines", body)


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
    return _envelope(
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


def rate(path: str, stack: ProductStack) -> Iterator[str]:
    """The JSON document for `tariffs rate`."""
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
            }
            for x in stack.layers
        ],
        "total": Rate(stack.total),
    }
    return _envelope(RATE_FORMAT, "stack", body)
