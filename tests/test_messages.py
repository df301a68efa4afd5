"""Messages in the file's terms, and names read as text (docs/format.md)."""

from __future__ import annotations

from tariffs.input.load import load_text

NUMBER_NAMES = """\
tariffs: 1
title: t
period: {start: 2025-01-01, until: 2026-01-01}
on: 2025-06-01
baseline: 123
flows: [{importer: US, exporter: CN, value: 1bn}]
measures:
  7: {importer: US, exporter: CN, basis: b, rates: {2025-01-01: 10%}}
scenarios:
  123: {windows: [{name: 5, start: 2025-05-01, days: 3, set: {7: 0%}}]}
  2: {extends: 123, disable: [7]}
expect:
  - {scenario: 123, flow: "US:CN", window: 5, saved: 0}
"""


def test_names_written_as_numbers_are_read_as_text() -> None:
    study = load_text(NUMBER_NAMES, "f.yaml")
    assert study.baseline == "123"
    assert [s.name for s in study.scenarios] == ["123", "2"]
    assert [m.name for m in study.measures] == ["7"]
    assert [w.name for w in study.scenarios[0].windows] == ["5"]
    assert study.scenarios[1].disabled == frozenset({"7"})
    assert (study.expectations[0].scenario, study.expectations[0].window) == ("123", "5")
