"""A scenario changes a measure's rules from a date: all-in ceilings, yields, exclusions.

The Swiss case of November 2025: the reciprocal tariff on Switzerland was 39% on top of MFN
from 7 August 2025 (EO 14326), and 15% all-in over MFN from 14 November 2025 (the deal). A
`no-deal` scenario that only changes the rate back to 39% keeps the ceiling (39% all-in); to
mean "39% plus MFN" it lifts the ceiling with `rules`. Figures are worked by hand.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tariffs.calc.compare import RatesOn, timelines
from tariffs.calc.stack import product_stack
from tariffs.cli import app
from tariffs.domain import ALL_IN, YIELDS, Rule, RuleChange, rules_under
from tariffs.input.load import load_text

SWISS = """\
tariffs: 1
title: Swiss deal
period: {start: 2025-01-01, until: 2026-01-01}
on: 2025-12-01
flows:
  - importer: US
    exporter: CH
    lines:
      - {hs: "8471", description: machines, value: 10m, mfn: 3.7%}
      - {hs: "3004", description: medicines, value: 10m, mfn: 0%}
measures:
  ch-reciprocal:
    importer: US
    exporter: CH
    basis: IEEPA reciprocal
    rates: {2025-04-05: 10%, 2025-08-07: 39%, 2025-11-14: 15%}
    all_in:
      - {over: [mfn], from: 2025-11-14}
    excludes:
      - {hs: ["3004"], note: Annex II}
scenarios:
  deal: {description: the deal}
  no-deal:
    changes:
      2025-11-14: {ch-reciprocal: 39%}
  lifted:
    changes:
      2025-11-14: {ch-reciprocal: 39%}
    rules:
      2025-11-14:
        ch-reciprocal: {all_in: []}
  child:
    extends: lifted
  medicines:
    rules:
      2025-10-01:
        ch-reciprocal: {excludes: []}
  medicines-back:
    extends: medicines
    rules:
      2025-12-15:
        ch-reciprocal: {excludes: [{hs: ["3004"], note: deal for medicines}]}
"""

ON = date(2025, 12, 1)


@pytest.fixture(scope="module")
def study():  # type: ignore[no-untyped-def]
    return load_text(SWISS, "swiss.yaml")


def total(study, scenario: str, hs: str, on: date = ON) -> Decimal:  # type: ignore[no-untyped-def]
    return product_stack(study, study.flows[0], hs, on, scenario).total


@pytest.mark.parametrize(
    ("scenario", "expected"),
    [
        # the deal: 15% all-in over MFN 3.7: 3.7 + max(0, 15 - 3.7) = 15
        ("deal", "15"),
        # the rate changed back to 39%, the ceiling left alone: 3.7 + (39 - 3.7) = 39 all-in
        ("no-deal", "39"),
        # the ceiling lifted from 14 November: 39 + 3.7 = 42.7
        ("lifted", "42.7"),
        # a child inherits its parent's rule change
        ("child", "42.7"),
    ],
)
def test_a_scenario_lifts_a_ceiling(study, scenario: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    assert total(study, scenario, "8471") == Decimal(expected)
    # before the ceiling and the change, all four alike: 39 + 3.7 = 42.7 on 1 October
    assert total(study, scenario, "8471", date(2025, 10, 1)) == Decimal("42.7")


def test_the_flow_s_rate_and_average_follow_the_rules(study) -> None:  # type: ignore[no-untyped-def]
    rates = RatesOn(study)
    # the flow on 1 December: (10m x 42.7 + 10m x 0) / 20m = 21.35 (medicines excluded)
    assert rates("lifted", "US:CH", ON) == Decimal("21.35")
    # without the rule change: (10m x 39 + 0) / 20m = 19.5
    assert rates("no-deal", "US:CH", ON) == Decimal("19.5")


def test_a_scenario_ends_an_exclusion_and_brings_one_back(study) -> None:  # type: ignore[no-untyped-def]
    # medicines: excluded (0%) until 30 September; from 1 October they pay 39% (MFN Free);
    # from 14 November 15% all-in over MFN 0: 15
    assert total(study, "medicines", "3004", date(2025, 9, 30)) == 0
    assert total(study, "medicines", "3004", date(2025, 10, 1)) == Decimal(39)
    assert total(study, "medicines", "3004", ON) == Decimal(15)
    # the child excludes them again from 15 December
    assert total(study, "medicines-back", "3004", date(2025, 12, 14)) == Decimal(15)
    assert total(study, "medicines-back", "3004", date(2025, 12, 15)) == 0
    stack = product_stack(study, study.flows[0], "3004", date(2025, 12, 20), "medicines-back")
    [layer] = [x for x in stack.layers if x.measure == "ch-reciprocal"]
    assert (layer.status, layer.why) == (
        "excluded",
        "scenario exclusion: deal for medicines, since 2025-12-15",
    )
    # the timeline of the product names each rule as it takes over
    [entry] = timelines(study, ("medicines-back",), study.flows, "3004").entries
    causes = [c.cause for s in entry.segments for c in s.changes if c.measure == "ch-reciprocal"]
    assert causes == [
        "exclusion ends: schedule of 2025-08-07",
        "schedule; all-in 15% over mfn",
        "scenario exclusion: deal for medicines",
    ]


def test_a_scenario_adds_and_removes_a_yield() -> None:
    text = """\
tariffs: 1
title: yields
period: {start: 2025-01-01, until: 2026-01-01}
on: 2025-06-01
flows: [{importer: US, exporter: CA, value: 100m}]
measures:
  canada: {importer: US, exporter: CA, basis: IEEPA Canada, rates: {2025-03-04: 25%},
           yields_to: [{measure: steel, from: 2025-06-04}]}
  steel: {importer: US, exporter: CA, basis: Section 232, rates: {2025-03-12: 50%}}
scenarios:
  law: {}
  stacked:
    rules:
      2025-06-04:
        canada: {yields_to: []}
  yield-early:
    rules:
      2025-04-01:
        canada: {yields_to: [steel]}
"""
    study = load_text(text, "yields.yaml")
    rates = RatesOn(study)
    # the law: Canada yields to 232 from 4 June: 50 after, 25 + 50 = 75 before
    assert rates("law", "US:CA", date(2025, 5, 1)) == 75
    assert rates("law", "US:CA", date(2025, 7, 1)) == 50
    # the yield removed from 4 June: they stack, 75 throughout
    assert rates("stacked", "US:CA", date(2025, 7, 1)) == 75
    # the yield brought forward to 1 April: 50 from then
    assert rates("yield-early", "US:CA", date(2025, 3, 31)) == 75
    assert rates("yield-early", "US:CA", date(2025, 4, 1)) == 50


def test_rules_under_cuts_and_replaces_one_kind() -> None:
    own = (
        Rule(YIELDS, ("a",), date(2025, 3, 1), date(2025, 9, 1)),
        Rule(YIELDS, ("b",), date(2025, 8, 1)),
        Rule(ALL_IN, ("mfn",), date(2025, 1, 1)),
    )
    change = RuleChange(
        date(2025, 6, 1), "m", YIELDS, (Rule(YIELDS, ("c",), date(2025, 1, 1), date(2025, 12, 1)),)
    )
    assert rules_under(own, [change]) == (
        # the yield to a ends at the change; the yield to b, later, is dropped
        Rule(YIELDS, ("a",), date(2025, 3, 1), date(2025, 6, 1)),
        Rule(ALL_IN, ("mfn",), date(2025, 1, 1)),  # another kind: kept
        # the new one from the change's date, not before
        Rule(YIELDS, ("c",), date(2025, 6, 1), date(2025, 12, 1)),
    )
    lifted = RuleChange(date(2025, 6, 1), "m", ALL_IN)
    assert rules_under(own, [lifted])[2] == Rule(
        ALL_IN, ("mfn",), date(2025, 1, 1), date(2025, 6, 1)
    )


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "swiss.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_rate_change_that_leaves_a_dated_rule_alone_is_warned(tmp_path: Path) -> None:
    path = write(tmp_path, SWISS)
    result = CliRunner().invoke(app, ["validate", path])
    assert result.exit_code == 0
    # one warning, for no-deal (line 25: its change); lifted changes the rule too
    [warning] = result.stderr.splitlines()
    assert warning == (
        f"{path}:25:35: warning: scenario 'no-deal' changes 'ch-reciprocal' from 2025-11-14, "
        "on or after the day its all-in ceiling over mfn begins (2025-11-14), and leaves that "
        "rule alone, so the new rate is a ceiling over it, not added to it; to lift it, add "
        "rules: {2025-11-14: {ch-reciprocal: {all_in: []}}} to the scenario (to keep it, restate "
        "it there)"
    )
    # a change to 0% leaves nothing for a ceiling to lower: no warning
    zero = SWISS.replace(
        "      2025-11-14: {ch-reciprocal: 39%}\n  lifted:",
        "      2025-11-14: {ch-reciprocal: 0%}\n  lifted:",
    )
    assert CliRunner().invoke(app, ["validate", write(tmp_path, zero)]).stderr == ""
    # a change before the rule begins is the schedule's business: no warning
    earlier = SWISS.replace(
        "  no-deal:\n    changes:\n      2025-11-14:", "  no-deal:\n    changes:\n      2025-11-13:"
    )
    assert CliRunner().invoke(app, ["validate", write(tmp_path, earlier)]).stderr == ""


def test_diff_shows_rule_changes_and_rules(tmp_path: Path) -> None:
    old = tmp_path / "old.yaml"
    old.write_text(SWISS, encoding="utf-8")
    new = tmp_path / "new.yaml"
    new.write_text(
        SWISS.replace(
            "ch-reciprocal: {all_in: []}", "ch-reciprocal: {all_in: [{over: [mfn]}]}"
        ).replace(
            "      - {over: [mfn], from: 2025-11-14}", "      - {over: [mfn], from: 2025-11-20}"
        ),
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["diff", str(old), str(new), "-f", "json"])
    inputs = {
        (c["section"], c["name"], c["field"]): (c["old"], c["new"])
        for c in json.loads(result.stdout)["inputs"]
    }
    assert inputs[("measure", "ch-reciprocal", "rule all-in over mfn")] == (
        "[2025-11-14, )",
        "[2025-11-20, )",
    )
    assert inputs[("scenario", "lifted", "rules from 2025-11-14 all_in of ch-reciprocal")] == (
        "none",
        "all-in over mfn [2025-11-14, )",
    )


def test_a_rule_lifted_by_an_ancestor_is_no_warning(tmp_path: Path) -> None:
    # c lifts the ceiling from 14 Nov; d extends c and changes the rate on 1 Dec: d pays
    # 20 + 3.7 = 23.7 (no ceiling), so only a, which leaves the ceiling alone, is warned
    text = SWISS.split("scenarios:", maxsplit=1)[0] + (
        "scenarios:\n"
        "  a: {changes: {2025-11-14: {ch-reciprocal: 39%}}}\n"
        "  c: {extends: a, rules: {2025-11-14: {ch-reciprocal: {all_in: []}}}}\n"
        "  d: {extends: c, changes: {2025-12-01: {ch-reciprocal: 20%}}}\n"
    )
    study = load_text(text, "ext.yaml")
    assert total(study, "d", "8471") == Decimal("23.7")
    warnings = CliRunner().invoke(app, ["validate", write(tmp_path, text)]).stderr.splitlines()
    assert len(warnings) == 1
    assert "scenario 'a' changes 'ch-reciprocal'" in warnings[0]
