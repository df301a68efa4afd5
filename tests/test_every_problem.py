"""Every problem of a file in one run: the reference problems of the parts that validated
come with the type problems of those that did not, in line order, and a part that failed
causes no problem elsewhere (a reference to an invalid measure is not an unknown measure)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tariffs.input.load import load, load_text
from tariffs.input.problems import ScenarioError

HEAD = """\
tariffs: 1
title: t
period: {start: 2025-01-01, until: 2026-01-01}
on: 2025-06-01
"""


def problems(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        load_text(text, "f.yaml")
    return [f"{p.line}:{p.column}: {p.message}" for p in caught.value.problems]


def test_the_issue_s_file_gives_every_problem_in_line_order() -> None:
    text = """\
title: t
period: {start: 2025-01-01, until: 2026-01-01}
on: 2025-13-01
baseline: as_is
flows:
  - {importer: US, exporter: CN, value: 1bn}
measures:
  m:
    importer: US
    exporter: CN
    basis: b
    rates: {2025-02-04: 25}
scenarios:
  s:
    changes:
      2025-03-01: {ghost: 5%}
"""
    assert problems(text) == [
        "1:1: missing required key 'tariffs'",
        "3:5: on: '2025-13-01' is not a calendar date (month must be in 1..12)",
        "4:11: baseline 'as_is' is not a scenario (known: s)",
        "12:25: measures.m.rates.2025-02-04: write percents with a % sign: 25 is ambiguous "
        "(did you mean 25%, or 2500%?)",
        "16:20: unknown measure 'ghost' (known: m)",
    ]


def test_an_invalid_measure_is_not_an_unknown_one() -> None:
    text = (
        HEAD
        + """\
flows: [{importer: US, exporter: CN, value: 1bn}]
measures:
  bad: {importer: US, exporter: CN, basis: b, rates: {2025-01-01: 30}}
  good: {importer: US, exporter: CN, basis: b, yields_to: [bad, nope]}
scenarios:
  s:
    disable: [bad]
    changes: {2025-03-01: {bad: 1%, ghost: 2%}}
    windows: [{name: w, start: 2025-05-01, days: 9, set: {bad: 0%}}]
"""
    )
    assert problems(text) == [
        "7:67: measures.bad.rates.2025-01-01: write percents with a % sign: 30 is ambiguous "
        "(did you mean 30%, or 3000%?)",
        "8:65: unknown measure 'nope' (known: bad, good)",
        "12:37: unknown measure 'ghost' (known: bad, good)",
    ]


def test_an_expectation_on_an_invalid_layer_names_no_missing_measure() -> None:
    # An unquoted 8473.30 makes the measure invalid; the expectation on its layer is not
    # about a measure the flow lacks, while one on a layer that is nowhere still is.
    text = (
        HEAD
        + """\
flows: [{importer: US, exporter: CN, value: 1bn}]
measures:
  recip: {importer: US, exporter: CN, basis: b, excludes: [{hs: [8473.30]}]}
scenarios:
  s: {}
expect:
  - {scenario: s, flow: US:CN, layer: recip, rate: 0%}
  - {scenario: s, flow: US:CN, layer: ghost, rate: 0%}
"""
    )
    assert problems(text) == [
        '7:66: measures.recip.excludes.0.hs.0: write the HS code 8473.30 in quotes, "8473.30": '
        "unquoted, other YAML readers (editors, yq, check-jsonschema) take it for the number "
        "8473.3",
        "12:39: flow US:CN has no measure 'ghost' (known: recip)",
    ]


def test_every_measure_invalid_still_checks_the_scenarios() -> None:
    text = (
        HEAD
        + """\
flows: [{importer: US, exporter: CN, value: 1bn}]
measures:
  m: {importer: US, exporter: CN}
scenarios:
  s: {disable: [m, zz]}
"""
    )
    assert problems(text) == [
        "7:6: measures.m: missing required key 'basis'",
        "9:20: unknown measure 'zz' (known: m)",
    ]


def test_measures_that_are_not_a_mapping_check_nothing_that_names_one() -> None:
    text = (
        HEAD
        + """\
baseline: nope
flows: [{importer: US, exporter: CN, value: 1bn}]
measures: [m]
scenarios:
  s: {disable: [m]}
"""
    )
    assert problems(text) == [
        "5:11: baseline 'nope' is not a scenario (known: s)",
        "7:11: measures: expected a mapping (key: value), got a list",
    ]


def test_an_invalid_scenario_is_not_an_unknown_one() -> None:
    text = (
        HEAD
        + """\
baseline: base
flows: [{importer: US, exporter: CN, value: 1bn}]
measures:
  m: {importer: US, exporter: CN, basis: b}
scenarios:
  base:
    windows: [{name: w, start: 2025-05-01, days: 9, set: {m: 0%}, colour: red}]
  child: {extends: base, disable: [zz]}
expect:
  - {scenario: base, flow: "US:CN", rate: 0%}
  - {scenario: child, flow: "US:CN", window: w, saved: 0}
  - {scenario: ghost, flow: "US:CN", rate: 0%}
"""
    )
    assert problems(text) == [
        "11:67: scenarios.base.windows.0: unknown key 'colour' "
        "(known: name, start, days, until, set, note)",
        "12:36: unknown measure 'zz' (known: m)",
        "16:16: unknown scenario 'ghost' (known: base, child)",
    ]


@pytest.mark.parametrize(
    ("flow", "problem"),
    [
        ("{importer: US, exporter: CN, value: lots}", "5:45: flows.0.value: 'lots' is not an"),
        ("{importer: US, exporter: cn, value: 1bn}", "5:34: flows.0.exporter: 'cn' is not"),
        ("{importer: US, value: 1bn}", "5:9: flows.0: missing required key 'exporter'"),
    ],
)
def test_an_invalid_flow_is_not_an_undeclared_one(flow: str, problem: str) -> None:
    text = (
        HEAD
        + f"""\
flows: [{flow}]
measures:
  m: {{importer: US, exporter: CN, basis: b}}
scenarios:
  s: {{disable: [zz]}}
expect:
  - {{scenario: s, flow: "US:CN", rate: 0%}}
"""
    )
    found = problems(text)
    assert len(found) == 2
    assert found[0].startswith(problem)
    assert found[1] == "9:17: unknown measure 'zz' (known: m)"


def test_flows_left_out_keep_their_places_in_messages() -> None:
    text = (
        HEAD
        + """\
flows:
  - {importer: US, exporter: CN, value: lots}
  - {importer: US, exporter: MX, value: 1bn}
  - {importer: US, exporter: MX, value: 2bn}
measures:
  m: {importer: US, exporter: MX, basis: b}
scenarios:
  s: {}
"""
    )
    assert problems(text) == [
        "6:41: flows.0.value: 'lots' is not an amount: write a non-negative number, "
        "optionally with a suffix k, m, bn or tn, such as 438.9bn",
        "8:5: flow US:MX is declared twice (also flows[1])",
    ]


def test_sweeps_are_checked_beside_other_problems_but_not_over_a_bad_scenario() -> None:
    text = (
        HEAD
        + """\
flows: [{importer: US, exporter: CN, value: 1bn}]
measures:
  m: {importer: US, exporter: CN, basis: b, rates: {2025-01-01: 10%}}
scenarios:
  a: {windows: [{name: w, start: 2025-05-01, days: 9, set: {m: 0%}}]}
  b: {windows: [{name: v, start: 2025-05-01, days: 0, set: {m: 0%}}]}
  c: {disable: [zz]}
sweeps:
  good: {scenario: a, vary: {window:w.days: 10..20/5}, metrics: [bogus]}
  over-b: {scenario: b, vary: {window:v.days: 10..20/5}}
"""
    )
    found = problems(text)
    assert [line.split(":")[0] for line in found] == ["10", "11", "13"]
    assert "windows.0.days" in found[0]
    assert found[1] == "11:17: unknown measure 'zz' (known: m)"
    assert found[2].startswith("13:66: there is no sweep metric 'bogus'")


def test_a_lines_file_s_problems_come_with_the_scenario_file_s(tmp_path: Path) -> None:
    (tmp_path / "lines.csv").write_text("hs,description,value\n85,a,lots\n", encoding="utf-8")
    path = tmp_path / "s.yaml"
    path.write_text(
        HEAD
        + """\
flows: [{importer: US, exporter: CN, lines_file: lines.csv}]
measures:
  m: {importer: US, exporter: CN, basis: b, rates: {2025-01-01: 10}}
scenarios:
  s: {}
""",
        encoding="utf-8",
    )
    with pytest.raises(ScenarioError) as caught:
        load(path)
    found = [str(p) for p in caught.value.problems]
    assert len(found) == 2
    assert found[0].startswith(f"{path}:7:65: measures.m.rates.2025-01-01: write percents")
    assert found[1].startswith(f"{tmp_path / 'lines.csv'}:2:3: value: 'lots' is not an amount")


def test_a_hundred_problems_of_both_kinds_are_capped() -> None:
    measures = "".join(
        f"  m{i}: {{importer: US, exporter: CN, basis: b, rates: 5}}\n" for i in range(80)
    )
    disables = ", ".join(f"x{i}" for i in range(80))
    text = (
        HEAD
        + "flows: [{importer: US, exporter: CN, value: 1bn}]\n"
        + f"measures:\n{measures}scenarios:\n  s: {{disable: [{disables}]}}\n"
    )
    found = problems(text)
    assert len(found) == 101
    assert found[-1].endswith("60 more problems after this line are not shown; fix these first")
    assert sum("unknown measure" in line for line in found) == 20  # on the last line


# --- one error, one message: the cascades found ------------------------------------------


def test_a_line_s_invalid_mfn_is_not_also_a_flow_without_mfn() -> None:
    # the specific MFN without a quantity is the one problem; the ceiling over MFN is no
    # second one ("flow US:CN states no MFN rates"): whether its lines state MFN is not known
    text = (
        HEAD
        + """\
flows:
  - importer: US
    exporter: CN
    lines:
      - {hs: "2204", description: wine, value: 1bn, mfn: "$1/l"}
      - {hs: "8703", description: cars, value: 1bn, mfn: 2.5%}
measures:
  a: {importer: US, exporter: CN, basis: b, rates: {2025-01-01: 10%}, all_in: [{over: [mfn]}]}
scenarios:
  s: {}
"""
    )
    found = problems(text)
    assert len(found) == 1, found
    assert found == [
        "9:9: flow US:CN, HS 2204: its rate $1/l is per l, so it needs a 'quantity' in l (such "
        "as 1000 l); a specific duty is never taken as 0"
    ]


def test_a_scenario_s_bad_window_leaves_its_changes_checked() -> None:
    # the window of 0 days and the unknown measure in the same scenario's changes come in
    # one run (the second came only after the first was mended)
    text = (
        HEAD
        + """\
flows: [{importer: US, exporter: CN, value: 1bn}]
measures:
  a: {importer: US, exporter: CN, basis: b, rates: {2025-01-01: 10%}}
scenarios:
  s:
    changes:
      2025-03-01: {ghost: 5%}
    windows:
      - {name: w1, start: 2025-04-01, days: 0, set: {a: 5%}}
expect:
  - {scenario: s, flow: "US:CN", window: w1, saved: 1m}
"""
    )
    assert problems(text) == [
        "11:20: unknown measure 'ghost' (known: a)",
        "13:45: scenarios.s.windows.0.days: expected a whole number of at least 1, got the "
        "number 0 (a window lasts at least a day)",
    ]  # and the expectation on the window left out is no "scenario 's' has no window 'w1'"


def test_an_overlap_of_two_windows_is_one_message_naming_every_measure() -> None:
    text = (
        HEAD
        + """\
flows: [{importer: US, exporter: CN, value: 1bn}]
measures:
  a: {importer: US, exporter: CN, basis: b, rates: {2025-01-01: 10%}}
  c: {importer: US, exporter: CN, basis: b, rates: {2025-01-01: 10%}}
scenarios:
  u:
    windows:
      - {name: w1, start: 2025-04-01, days: 30, set: {a: 5%, c: 5%}}
      - {name: w2, start: 2025-04-15, days: 30, set: {a: 6%, c: 6%}}
"""
    )
    assert problems(text) == [
        "13:27: windows 'w1' and 'w2' both set 'a', 'c' from 2025-04-15 to 2025-04-30 (in "
        "scenario 'u')"
    ]
