"""The JSON output contract: the JSON Schema of every document, the compare document built
from the registry of metrics (tariffs.metrics).

schema/result.schema.json is `schema_text()` (a test keeps them equal); saved results are
validated against `schema()` before `tariffs diff` reads them (input/saved.py). The metric
keys, their types and their descriptions come from the registry, so a metric added there
is in the schema with no other edit.
"""

from __future__ import annotations

import json
from typing import Any

from tariffs import metrics
from tariffs.domain import AUTHORITIES, MFN

VERSION = 2
"""The version of every JSON document; raised when a key changes (2: one name per metric,
from the registry)."""

DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
RATE = "A rate in percent (30 means 30%), at most 4 decimals."

Schema = dict[str, Any]


def _obj(properties: dict[str, Schema], description: str | None = None) -> Schema:
    out: Schema = {}
    if description:
        out["description"] = description
    out.update(
        {
            "type": "object",
            "additionalProperties": False,
            "required": list(properties),
            "properties": properties,
        }
    )
    return out


def _list(items: Schema) -> Schema:
    return {"type": "array", "items": items}


def _nullable(schema: Schema) -> Schema:
    return {"anyOf": [schema, {"type": "null"}]}


STRING: Schema = {"type": "string"}
DATE: Schema = {"type": "string", "format": "date", "pattern": DATE_PATTERN}
RATE_NUMBER: Schema = {"type": "number", "description": RATE}
_BY_UNIT: dict[str, Schema] = {
    "percent": RATE_NUMBER,
    "pp": {"type": "number", "description": "Percentage points, at most 4 decimals."},
    "money": {"type": "number", "description": "In the file's currency, at most 2 decimals."},
    "date": DATE,
    "days": {"type": "integer", "minimum": 0},
    "count": {"type": "integer", "minimum": 0},
    "text": STRING,
}


def metric_properties(kind: metrics.Kind) -> dict[str, Schema]:
    """The keys a kind's metrics give a JSON object: each metric, then its delta."""
    out: dict[str, Schema] = {}
    for metric in kind.metrics:
        schema = {**_BY_UNIT[metric.unit], "description": metric.doc}
        out[metric.name] = _nullable(schema) if metric.nullable else schema
        if metric.delta:
            unit = "pp" if metric.unit == "percent" else metric.unit
            out[f"delta_{metric.name}"] = {
                **_BY_UNIT[unit],
                "description": f"{metric.name} minus the baseline's.",
            }
    return out


UNITS = _obj(
    {
        "rate": {"const": "percent"},
        "rate_places": {"type": "integer", "minimum": 0},
        "money_places": {"type": "integer", "minimum": 0},
        "rounding": {"const": "ROUND_HALF_UP"},
        "dates": STRING,
    },
    "The conventions of every number and date in the document.",
)


def _document(name: str, description: str, body: dict[str, Schema]) -> Schema:
    return {
        **_obj(
            {
                "format": {"const": name},
                "version": {"const": VERSION},
                "units": UNITS,
                **body,
            }
        ),
        "description": description,
    }


def compare_schema() -> Schema:
    """The compare document: files, scenarios, flows (with their layers, response and
    product lines) and windows, each object's metric keys from the registry."""
    flow = _obj(
        {
            "importer": STRING,
            "exporter": STRING,
            **metric_properties(metrics.FLOW),
            "layers": _list(
                _obj(
                    {"measure": STRING, "basis": STRING, **metric_properties(metrics.LAYER)},
                    metrics.LAYER.doc,
                )
            ),
            "response": _nullable(_obj(metric_properties(metrics.RESPONSE), metrics.RESPONSE.doc)),
            "lines": _list(
                _obj(
                    {
                        "hs": _nullable(STRING),
                        "description": STRING,
                        **metric_properties(metrics.LINE),
                    },
                    metrics.LINE.doc,
                )
            ),
        },
        metrics.FLOW.doc,
    )
    window = _obj(
        {
            "window": STRING,
            "importer": STRING,
            "exporter": STRING,
            **metric_properties(metrics.WINDOW),
        },
        metrics.WINDOW.doc,
    )
    importer_layer = _obj(
        {
            "measure": STRING,
            "basis": STRING,
            **metric_properties(metrics.IMPORTER_LAYER),
        },
        metrics.IMPORTER_LAYER.doc,
    )
    importer = _obj(
        {
            "importer": STRING,
            "partners": _list(STRING),
            **metric_properties(metrics.IMPORTER),
            "layers": _list(importer_layer),
        },
        metrics.IMPORTER.doc,
    )
    # added within version 2: a document written before it has no importer `layers`
    importer["required"].remove("layers")
    partner = _obj(
        {"exporter": STRING, **metric_properties(metrics.MARKET_PARTNER)},
        metrics.MARKET_PARTNER.doc,
    )
    market = _obj(
        {
            "importer": STRING,
            **metric_properties(metrics.MARKET),
            "import_demand": {"type": "number", "description": "Em, as the file gives it."},
            "substitution": {"type": "number", "description": "sigma (Es), as the file gives it."},
            "warnings": _list(STRING),
            "partners": _list(partner),
        },
        metrics.MARKET.doc,
    )
    scenario = _obj(
        {
            "name": STRING,
            "description": STRING,
            "is_baseline": {"type": "boolean"},
            "flows": _list(flow),
            "windows": _list(window),
            "importers": _list(importer),
            "markets": _list(market),
        }
    )
    # added within version 2: a document written before it has no `importers` or `markets`
    scenario["required"].remove("importers")
    scenario["required"].remove("markets")
    file = _obj(
        {
            "path": STRING,
            "title": STRING,
            "currency": STRING,
            "sources": _list(STRING),
            **metric_properties(metrics.FILE),
            "scenarios": _list(scenario),
        },
        metrics.FILE.doc,
    )
    lines = {
        "enum": ["changed", "none"],
        "description": "What `--lines` left out of the product lines (left out: all): changed, "
        "a scenario other than the baseline lists only the lines whose figures differ from "
        "the baseline's, and every unclassified line; none, no flow lists any.",
    }
    document = _document(
        "tariffs.compare", "tariffs compare --format json", {"lines": lines, "files": _list(file)}
    )
    return _optional(document, "lines")  # added within version 2


def _optional(schema: Schema, *keys: str) -> Schema:
    """An object schema whose `keys` may be left out."""
    return {**schema, "required": [k for k in schema["required"] if k not in keys]}


def timeline_schema() -> Schema:
    """The timeline document: `timelines`, and `against` and `totals` when they are asked
    for (added within version 2)."""
    change = _obj({"measure": STRING, "from": RATE_NUMBER, "to": RATE_NUMBER, "cause": STRING})
    segment = _obj(
        {
            "start": DATE,
            "until": DATE,
            "days": {"type": "integer", "minimum": 1},
            "rate": RATE_NUMBER,
            "layers": {"type": "object", "additionalProperties": RATE_NUMBER},
            "changes": _list(change),
        }
    )
    gap = _obj(metric_properties(metrics.GAP), metrics.GAP.doc)
    entry = _optional(
        _obj(
            {
                "path": STRING,
                "scenario": STRING,
                "importer": STRING,
                "exporter": STRING,
                "hs": {
                    "type": ["string", "null"],
                    "description": "The product followed (--hs), as given; null for the flow.",
                },
                "weighted": {
                    "type": "boolean",
                    "description": "The rates are the flow's, import-weighted over its product "
                    "lines: each measure's part of the flow's rate, in percentage points.",
                },
                "mfn_unknown": {
                    "type": "boolean",
                    "description": "With --hs: the flow states MFN rates, but no line of this "
                    "code or of a code it starts with, so the product's MFN is unknown and its "
                    "rates are the additional duties only (there is no mfn layer).",
                },
                "measures": _list(_obj({"name": STRING, "basis": STRING})),
                "segments": _list(segment),
                "against": gap,
            }
        ),
        "against",
    )
    parts: dict[str, Schema] = {}
    for metric in metrics.TOTAL_SEGMENT.metrics:
        schema = {**_BY_UNIT[metric.unit], "description": metric.doc}
        if metric.per is not None:
            schema = {"type": "object", "additionalProperties": schema, "description": metric.doc}
        parts[metric.name] = schema
    splits = [m.name for m in metrics.TOTAL_SEGMENT.metrics if m.per is not None]
    total_segment = _optional(
        _obj({"start": DATE, "until": DATE, **parts, "changes": _list(change)}), *splits
    )
    total = _optional(
        _obj(
            {
                "path": STRING,
                "scenario": STRING,
                "importer": STRING,
                "exporter": {"const": "*"},
                "partners": _list(STRING),
                "trade_value": _BY_UNIT["money"],
                "segments": _list(total_segment),
                "against": gap,
            },
            metrics.TOTAL_SEGMENT.doc,
        ),
        "against",
    )
    against = _obj(
        {
            "path": STRING,
            "rows": {"type": "integer", "minimum": 0},
            "first": _nullable(DATE),
            "last": _nullable(DATE),
        },
        "The file of --against: its path, rows, and first and last dates.",
    )
    document = _document(
        "tariffs.timeline",
        "tariffs timeline --format json",
        {"against": against, "totals": _list(total), "timelines": _list(entry)},
    )
    return _optional(document, "against", "totals")


STATUSES = ("in force", "not in force", "not in scope", "excluded", "yields", "disabled")


def rate_schema() -> Schema:
    layer = _obj(
        {
            "measure": STRING,
            "basis": STRING,
            "rate": RATE_NUMBER,
            "status": {"enum": list(STATUSES)},
            "why": STRING,
            "heading": {
                "type": ["string", "null"],
                "description": "Its HTSUS Chapter 99 heading, if the file gives one.",
            },
            "authority": {
                "enum": [*AUTHORITIES, MFN, None],
                "description": "Its legal authority, if the file gives one (mfn for the base "
                "layer); layers come in CBP's reporting order.",
            },
        }
    )
    stack = _obj(
        {
            "path": STRING,
            "importer": STRING,
            "exporter": STRING,
            "hs": STRING,
            "on": DATE,
            "scenario": STRING,
            "layers": _list(layer),
            "total": RATE_NUMBER,
            "mfn_stated": {
                "type": "boolean",
                "description": "The flow states MFN rates, so `total` includes its MFN base "
                "layer; false: `total` is the additional duties only (MFN unknown).",
            },
            "mfn_unknown": {
                "type": "boolean",
                "description": "The flow states MFN rates, but no line of this code or of a "
                "code it starts with: this product's MFN is unknown, and `total` is the "
                "additional duties only.",
            },
            "money": _priced(),
        }
    )
    stack["required"].remove("money")  # with --value only
    return _document("tariffs.rate", "tariffs rate --format json", {"stack": stack})


def _priced() -> Schema:
    """`tariffs rate --value`: the duty on that value, as an entry line (the entry kinds)."""
    duty = _obj({"measure": STRING, **metric_properties(metrics.ENTRY_DUTY)})
    return _obj(
        {
            "entered_value": _BY_UNIT["money"],
            "quantity": {"type": ["string", "null"]},
            **metric_properties(metrics.ENTRY_LINE),
            "duties": _list(duty),
        },
        "With --value: the duty on that entered value, to the cent (see tariffs entry).",
    )


def diff_schema() -> Schema:
    change = _obj(
        {
            "section": {"enum": ["file", "flow", "measure", "scenario"]},
            "name": STRING,
            "field": STRING,
            "old": {"type": ["string", "null"]},
            "new": {"type": ["string", "null"]},
        }
    )
    result = _obj(
        {
            "file": STRING,
            "scenario": STRING,
            "flow": STRING,
            "item": STRING,
            "metric": {"enum": [*(m for k in metrics.KINDS for m in _names(k)), "file"]},
            "unit": STRING,
            "old": {"type": ["number", "string", "null"]},
            "new": {"type": ["number", "string", "null"]},
            "delta": {"type": ["number", "null"]},
        }
    )
    return _document(
        "tariffs.diff",
        "tariffs diff --format json",
        {
            "old": STRING,
            "new": STRING,
            "tolerance": _obj(
                {"rate": {"type": ["number", "null"]}, "money": {"type": ["number", "null"]}}
            ),
            "differences": {"type": "integer", "minimum": 0},
            "inputs": {"oneOf": [{"type": "null"}, _list(change)]},
            "results": _list(result),
        },
    )


VARIED: Schema = {
    "description": "A varied value as written in a file, without its suffix: a number of "
    "days, a rate in percent, an amount or an elasticity (at most 6 decimals), or a date.",
    "type": ["number", "string"],
}


def _vary() -> Schema:
    return _obj(
        {
            "target": STRING,
            "unit": {"enum": ["days", "date", "percent", "money", "number"]},
            "count": {"type": "integer", "minimum": 1},
        },
        "A varied number, as written (--vary TARGET=...), and how many values it takes.",
    )


def sweep_schema() -> Schema:
    """The sweep document: a row per variant per flow, the metrics' keys from the registry."""
    names = [m.name for m in metrics.SWEEP.metrics]
    row: Schema = {
        "description": metrics.SWEEP.doc,
        "type": "object",
        "additionalProperties": False,
        "required": ["variant", "values", "importer", "exporter", "problem"],
        "properties": {
            "variant": {"type": "integer", "minimum": 1},
            "values": {"type": "object", "additionalProperties": VARIED},
            "importer": STRING,
            "exporter": STRING,
            **{
                m.name: _nullable({**_BY_UNIT[m.unit], "description": m.doc})
                for m in metrics.SWEEP.metrics
            },
            "problem": {
                "type": ["string", "null"],
                "description": "Why the variant is invalid; null for a valid one, whose "
                "metrics are all given.",
            },
        },
    }
    return _document(
        "tariffs.sweep",
        "tariffs sweep --format json",
        {
            "path": STRING,
            "title": STRING,
            "scenario": STRING,
            "baseline": STRING,
            "report_on": DATE,
            "currency": STRING,
            "vary": _list(_vary()),
            "metrics": _list(_obj({"name": {"enum": names}, "unit": STRING})),
            "variants": {"type": "integer", "minimum": 1},
            "rows": _list(row),
        },
    )


def solve_schema() -> Schema:
    number = {"type": ["number", "null"]}
    answer = _obj(
        {
            "importer": STRING,
            "exporter": STRING,
            "status": {"enum": ["exact", "crossed", "none", "invalid"]},
            "value": _nullable(VARIED),
            "metric": number,
            "value_before": _nullable(VARIED),
            "metric_before": number,
            "least": number,
            "greatest": number,
            "variants_computed": {"type": "integer", "minimum": 0},
            "note": STRING,
        },
        "Where one flow's metric reaches the goal (see docs/sweep.md).",
    )
    return _document(
        "tariffs.solve",
        "tariffs sweep --solve METRIC=GOAL --format json",
        {
            "path": STRING,
            "title": STRING,
            "scenario": STRING,
            "vary": _vary(),
            "metric": {"enum": [m.name for m in metrics.SWEEP.metrics]},
            "unit": STRING,
            "goal": {"type": "number"},
            "answers": _list(answer),
        },
    )


def entry_schema() -> Schema:
    """The entry document: per run (a scenario, from the origins as entered or one other),
    its totals and entries, each with its lines and their duty lines; keys from the
    registry's entry kinds."""
    owed = _obj({"measure": STRING, "heading": STRING, "amount": _BY_UNIT["money"]})
    duty = _obj(
        {"measure": STRING, **metric_properties(metrics.ENTRY_DUTY)}, metrics.ENTRY_DUTY.doc
    )
    line = _obj(
        {
            "line": {"type": "integer", "minimum": 1},
            **metric_properties(metrics.ENTRY_LINE),
            "duties": _list(duty),
            "owed_back": _nullable(_list(owed)),
        },
        metrics.ENTRY_LINE.doc,
    )
    entry = _obj(
        {"entry": STRING, **metric_properties(metrics.ENTRY), "lines": _list(line)},
        metrics.ENTRY.doc,
    )
    run = _obj(
        {
            "scenario": STRING,
            "origin": {"type": ["string", "null"]},
            **metric_properties(metrics.ENTRY_TOTAL),
            "entries": _list(entry),
        },
        metrics.ENTRY_TOTAL.doc,
    )
    refund = _obj(
        {
            "authority": {"type": ["string", "null"]},
            "against": {"type": ["string", "null"]},
            "on": _nullable(DATE),
            "payer": {"type": ["string", "null"]},
            "interest_table": {"type": ["string", "null"]},
        }
    )
    return _document(
        "tariffs.entry",
        "tariffs entry --format json",
        {
            "path": STRING,
            "laws": _list(STRING),
            "scenarios": _list(STRING),
            "origins": _list(STRING),
            "rounding": STRING,
            "fees_table": STRING,
            "ignored_columns": _list(STRING),
            "refund": _nullable(refund),
            "runs": _list(run),
        },
    )


def _names(kind: metrics.Kind) -> list[str]:
    return [metric.name for metric in kind.metrics]


def schema() -> Schema:
    """The JSON Schema (draft 2020-12) of every JSON document tariffs writes."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "urn:tariffs:schema:result",
        "title": f"tariffs results (JSON output of compare, timeline, rate, diff, sweep and "
        "entry), "
        f"version {VERSION}",
        "description": "See docs/output.md. Keys and list order are stable; numbers are "
        "exact decimals.",
        "oneOf": [
            compare_schema(),
            timeline_schema(),
            rate_schema(),
            diff_schema(),
            sweep_schema(),
            solve_schema(),
            entry_schema(),
        ],
    }


def schema_text() -> str:
    """Stable text of `schema()`: two-space indent, keys in order, a final newline."""
    return json.dumps(schema(), indent=2, ensure_ascii=False) + "\n"
