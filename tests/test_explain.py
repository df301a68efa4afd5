"""The explanation of a rate is a result: the rule in force, from the date it took effect.

The case a user reported: a measure's schedule is 10% from 2025-04-05, then 15% from
2025-08-07 (12.5% for HS 8479.89 by a product rate); scenario `stay-10` changes it to 10%
from 2025-08-07. On 2025-09-01 the 10% is the scenario's change, not the schedule of
2025-04-05, though the rate did not move.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tariffs.calc.compare import timelines
from tariffs.calc.stack import product_stack
from tariffs.cli import app
from tariffs.domain import Study
from tariffs.input.load import load_text

CASE = """\
tariffs: 1
title: EU deal, stay at 10%
period: {start: 2025-01-01, until: 2026-01-01}
on: 2025-09-01
flows:
  - importer: US
    exporter: EU
    lines:
      - {hs: "8703", description: cars, value: 40bn}
      - {hs: "8479.89", description: machines, value: 10bn}
measures:
  us-reciprocal:
    importer: US
    exporter: EU
    basis: reciprocal
    rates: {2025-04-05: 10%, 2025-08-07: 15%}
    product_rates:
      - {hs: ["8479.89"], rates: {2025-04-05: 10%, 2025-08-07: 12.5%}}
scenarios:
  as-enacted: {}
  stay-10:
    changes:
      2025-08-07: {us-reciprocal: 10%}
  truce:
    windows:
      - {name: Pause, start: 2025-06-01, until: 2025-07-01, set: {us-reciprocal: 0%}}
"""


def _study() -> Study:
    return load_text(CASE, "eu.yaml")


def _why(hs: str, scenario: str, on: date = date(2025, 9, 1)) -> tuple[str, str]:
    study = _study()
    [layer] = product_stack(study, study.flows[0], hs, on, scenario).layers
    return f"{layer.rate:f}", layer.why


@pytest.mark.parametrize(
    ("hs", "scenario", "rate", "why"),
    [
        # the scenario's change of 2025-08-07 is in force, at the rate the schedule had
        ("8703", "stay-10", "10", "scenario change, since 2025-08-07"),
        ("8479.89", "stay-10", "10", "scenario change, since 2025-08-07"),
        # without the change: the schedule's 15%, and the product rate's 12.5%
        ("8703", "as-enacted", "15", "schedule, since 2025-08-07"),
        ("8479.89", "as-enacted", "12.5", "product rate for HS 8479.89, since 2025-08-07"),
    ],
)
def test_rate_names_the_rule_in_force_and_its_date(
    hs: str, scenario: str, rate: str, why: str
) -> None:
    assert _why(hs, scenario) == (rate, why)


def test_before_the_change_the_schedule_is_in_force() -> None:
    assert _why("8703", "stay-10", date(2025, 8, 6)) == ("10", "schedule, since 2025-04-05")


def test_after_a_window_the_rule_handed_back_to_is_named_with_its_own_date() -> None:
    # The pause ends on 1 July; the schedule of 2025-04-05 is in force again.
    assert _why("8703", "truce", date(2025, 7, 15)) == (
        "10",
        "Pause ends: schedule of 2025-04-05, since 2025-07-01",
    )
    assert _why("8703", "truce", date(2025, 6, 15)) == ("0", "Pause starts, since 2025-06-01")


def test_a_timeline_shows_a_rule_change_that_keeps_the_rate() -> None:
    study = _study()
    [entry] = timelines(study, ("stay-10",), study.flows).entries
    starts = [segment.start for segment in entry.segments]
    assert date(2025, 8, 7) in starts
    [change] = entry.segments[starts.index(date(2025, 8, 7))].changes
    assert (change.old, change.new, change.cause) == (10, 10, "scenario change")


def test_the_timeline_table_marks_an_unchanged_rate(tmp_path: Path) -> None:
    path = tmp_path / "eu.yaml"
    path.write_text(CASE, encoding="utf-8")
    result: Any = CliRunner().invoke(
        app, ["timeline", str(path), "-s", "stay-10", "--width", "200"], prog_name="tariffs"
    )
    assert result.exit_code == 0, result.output
    assert "us-reciprocal stays 10.0% (scenario change; the rate is unchanged)" in result.stdout
