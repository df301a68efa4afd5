"""schema/result.schema.json is the contract of the JSON output: every golden JSON obeys it."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from tariffs.input import saved
from tariffs.input.problems import ScenarioError

from .conftest import GOLDEN, ROOT

SCHEMA = json.loads((ROOT / "schema" / "result.schema.json").read_text(encoding="utf-8"))
VALIDATOR = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)
GOLDEN_JSON = sorted(GOLDEN.glob("*.json"))


def errors(document: Any) -> list[str]:
    return [e.message for e in VALIDATOR.iter_errors(document)]


def test_the_schema_is_a_valid_schema() -> None:
    Draft202012Validator.check_schema(SCHEMA)


def test_there_are_goldens_of_every_json_format() -> None:
    formats = {json.loads(p.read_text(encoding="utf-8"))["format"] for p in GOLDEN_JSON}
    assert formats == {
        "tariffs.compare",
        "tariffs.timeline",
        "tariffs.diff",
        "tariffs.rate",
        "tariffs.sweep",
        "tariffs.solve",
        "tariffs.entry",
    }


@pytest.mark.parametrize("path", GOLDEN_JSON, ids=lambda p: p.name)
def test_every_golden_json_obeys_the_schema(path: Any) -> None:
    assert errors(json.loads(path.read_text(encoding="utf-8"))) == []


def _compare() -> dict[str, Any]:
    text = (GOLDEN / "geneva.compare.json").read_text(encoding="utf-8")
    document: dict[str, Any] = json.loads(text)
    return document


@pytest.mark.parametrize(
    "break_it",
    [
        lambda d: d["files"][0]["scenarios"][0]["flows"][0].update(rate_on="145%"),
        lambda d: d["files"][0]["scenarios"][0]["flows"][0].update(surprise=1),
        lambda d: d["files"][0]["scenarios"][0]["flows"][0].pop("average_rate"),
        lambda d: d["files"][0].update(report_on="1 June 2025"),
        lambda d: d["files"][0]["scenarios"][0]["flows"][0].update(rate_on=None),
        lambda d: d["files"][0]["scenarios"][0]["flows"][0]["lines"].append({"hs": None}),
        lambda d: d["files"][0]["scenarios"][1]["windows"][0].update(window_days=1.5),
        lambda d: d.update(version=3),
        lambda d: d["units"].update(rounding="ROUND_HALF_EVEN"),
    ],
)
def test_the_schema_rejects_a_broken_document(break_it: Any) -> None:
    document = copy.deepcopy(_compare())
    break_it(document)
    assert errors(document), "the schema accepted a broken document"
    # tariffs' own reader of saved results refuses it too: the two validators agree
    with pytest.raises(ScenarioError):
        saved.read(json.dumps(document), "saved.json")


@pytest.mark.parametrize("stem", ["geneva", "products-2025", "scotus-2026", "world-2025"])
def test_the_reader_of_saved_results_accepts_every_golden_compare(stem: str) -> None:
    text = (GOLDEN / f"{stem}.compare.json").read_text(encoding="utf-8")
    assert saved.read(text, "saved.json")
