"""`check` computes what its expectations need: a rate on another day than the report date
comes from the rates alone; the whole result is computed once a day that is asked about."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tariffs.calc import expectations
from tariffs.calc.results import StudyResult
from tariffs.input.load import load

ROOT = Path(__file__).resolve().parent.parent


def counting(monkeypatch: pytest.MonkeyPatch) -> list[date | None]:
    """The days compare is asked to report on, as it is called."""
    asked: list[date | None] = []
    real = expectations.compare

    def compare(study: Any, **kwargs: Any) -> StudyResult:
        asked.append(kwargs.get("on"))
        return real(study, **kwargs)

    monkeypatch.setattr(expectations, "compare", compare)
    return asked


def test_rates_on_other_days_need_no_whole_result(monkeypatch: pytest.MonkeyPatch) -> None:
    # world-2026's 13 expectations are flow, layer and importer rates, each on a day that
    # is not the file's report date: none needs the markets, responses or windows.
    study = load(ROOT / "scenarios" / "world-2026.yaml")
    assert all(e.on is not None and e.on != study.on for e in study.expectations)
    asked = counting(monkeypatch)
    outcomes = expectations.check(study)
    assert len(outcomes) == 13
    assert all(o.passed for o in outcomes)
    assert asked == []


def test_the_whole_result_is_computed_once_a_day(monkeypatch: pytest.MonkeyPatch) -> None:
    # geneva.yaml: four rates on the report date (2025-06-01), three on other days, and
    # averages, a peak and windows' savings, which are the report's: one whole result.
    study = load(ROOT / "scenarios" / "geneva.yaml")
    asked = counting(monkeypatch)
    outcomes = expectations.check(study)
    assert all(o.passed for o in outcomes)
    assert asked == [date(2025, 6, 1)]
