"""Property-based tests: generated valid scenario files, through loading, the core and the CLI.

Invariants:
- every average lies between the lowest and the peak rate;
- static duties equal the sum over the timeline's segments of value x rate x days / 36500;
- reordering measures, scenarios, flows or keys in the file changes no result;
- a file diffed with itself exits 0;
- JSON output validates against schema/result.schema.json.

Files are written as JSON, which is YAML, after building them as plain data.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tariffs.calc.compare import compare, timelines
from tariffs.cli import app
from tariffs.input import saved
from tariffs.input.load import load_text
from tariffs.render import json_out
from tariffs.render.flat import as_shown, study_metrics

from .test_result_schema import errors

START = date(2025, 1, 1)
NAMES = ["alpha", "beta", "gamma", "delta"]
FLOWS = [("US", "CN"), ("CN", "US"), ("US", "MX")]
PROFILE = settings(
    max_examples=60,
    deadline=None,  # speed is measured by bench/, never by tests
    derandomize=True,  # the same examples on every run, so CI is reproducible
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

days = st.integers(-40, 420)
percents = st.builds(
    lambda whole, frac: f"{whole}.{frac}%" if frac else f"{whole}%",
    st.integers(0, 200),
    st.sampled_from([0, 0, 5, 25, 125]),
)


def day(offset: int) -> str:
    return (START + timedelta(days=offset)).isoformat()


HS_POOL = ["85", "8517", "8517.13", "8471.30", "72", "7208.10", "0304", "87", "8708"]
prefixes = st.lists(st.sampled_from(HS_POOL), min_size=1, max_size=3, unique=True)


@st.composite
def scopes(draw: st.DrawFn, index: int) -> dict[str, Any]:
    """Optional HS scope rules for measure `index`; it may only yield to later measures."""
    out: dict[str, Any] = {}
    if draw(st.booleans()):
        out["applies_to"] = draw(prefixes)
    if draw(st.booleans()):
        out["excludes"] = [{"hs": draw(prefixes), "from": day(draw(days))}]
    if draw(st.booleans()):
        out["product_rates"] = [
            {"hs": [hs], "rates": {day(draw(days)): draw(percents)}} for hs in draw(prefixes)
        ]
    if draw(st.booleans()) and index < 3:  # measures are m0 to m3: m3 yields to none
        out["yields_to"] = [f"m{index + 1}"]
    return out


@st.composite
def flow(draw: st.DrawFn, importer: str, exporter: str) -> dict[str, Any]:
    """A flow with a value, or with product lines; with or without a trade response."""
    out: dict[str, Any] = {"importer": importer, "exporter": exporter}
    codes = draw(st.lists(st.sampled_from(HS_POOL), max_size=5, unique=True))
    if codes:
        out["lines"] = [
            {"hs": code, "description": f"line {code}", "value": f"{draw(st.integers(0, 999))}m"}
            for code in codes
        ]
        if draw(st.booleans()):
            out["lines"].append({"description": "rest", "value": "5m"})
    else:
        out["value"] = f"{draw(st.integers(0, 10**6))}m"
    if draw(st.booleans()):
        out["elasticity"] = draw(st.sampled_from(["0", "-0.5", "-1", "-2.5"]))
        out["observed_at"] = draw(percents)
    return out


@st.composite
def scenario_files(draw: st.DrawFn) -> dict[str, Any]:
    length = draw(st.integers(1, 400))
    flows = draw(st.lists(st.sampled_from(FLOWS), min_size=1, max_size=3, unique=True))
    measures: dict[str, Any] = {}
    for i in range(draw(st.integers(1, 4))):
        importer, exporter = draw(st.sampled_from(flows))
        rates = draw(st.dictionaries(days.map(day), percents, max_size=4))
        measures[f"m{i}"] = {
            "importer": importer,
            "exporter": exporter,
            "basis": f"basis {i}",
            "rates": rates,
            **draw(scopes(i)),
        }
    for measure in measures.values():  # yield only to measures of the same flow
        measure["yields_to"] = [
            name
            for name in measure.get("yields_to", [])
            if name in measures
            and (measures[name]["importer"], measures[name]["exporter"])
            == (measure["importer"], measure["exporter"])
        ]
    scenarios: dict[str, Any] = {}
    for name in NAMES[: draw(st.integers(1, 4))]:
        changes: dict[str, dict[str, str]] = {}
        for _ in range(draw(st.integers(0, 3))):
            on = day(draw(days))
            changes.setdefault(on, {})[draw(st.sampled_from(sorted(measures)))] = draw(percents)
        windows = []
        for measure in sorted(measures):  # at most one window per measure: never overlapping
            if draw(st.booleans()):
                windows.append(
                    {
                        "name": f"w-{measure}",
                        "start": day(draw(days)),
                        "days": draw(st.integers(1, 200)),
                        "set": {measure: draw(percents)},
                    }
                )
        disable = draw(st.lists(st.sampled_from(sorted(measures)), max_size=1))
        scenarios[name] = {"changes": changes, "windows": windows, "disable": disable}
    return {
        "tariffs": 1,
        "title": "generated",
        "period": {"start": day(0), "until": day(length)},
        "on": day(draw(st.integers(0, length - 1))),
        "baseline": NAMES[0],
        "flows": [draw(flow(a, b)) for a, b in flows],
        "measures": measures,
        "scenarios": scenarios,
    }


def _reversed(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _reversed(value[k]) for k in reversed(value)}
    if isinstance(value, list):
        return [_reversed(v) for v in reversed(value)]
    return value


def metrics(text: str) -> dict[Any, Any]:
    # as shown: the exact sums of reordered lines may differ in the 28th digit
    return as_shown(study_metrics(compare(load_text(text, "f.yaml"))))


TINY = Decimal("1e-15")  # weighted means of several lines carry 28 significant digits


@PROFILE
@given(scenario_files())
def test_averages_lie_between_low_and_peak(data: dict[str, Any]) -> None:
    for scenario in compare(load_text(json.dumps(data), "f.yaml")).scenarios:
        for flow in scenario.flows:
            assert flow.low - TINY <= flow.average <= flow.peak + TINY


@PROFILE
@given(scenario_files())
def test_a_flow_is_the_value_weighted_sum_of_its_lines(data: dict[str, Any]) -> None:
    for scenario in compare(load_text(json.dumps(data), "f.yaml")).scenarios:
        for flow in scenario.flows:
            lines = list(flow.lines())
            duties = sum((cls.duties(line) for line, cls in lines), Decimal(0))
            assert abs(duties - flow.duties) <= TINY * max(flow.duties, Decimal(1))
            weighted = sum((line.value * cls.rate_on for line, cls in lines), Decimal(0))
            assert abs(weighted - flow.rate_on * flow.flow.value) <= TINY * max(
                weighted, Decimal(1)
            )
            assert abs(sum((x.average for x in flow.stack), Decimal(0)) - flow.average) <= TINY


@PROFILE
@given(scenario_files())
def test_static_duties_are_the_sum_over_segments(data: dict[str, Any]) -> None:
    study = load_text(json.dumps(data), "f.yaml")
    result = compare(study)
    names = tuple(s.name for s in study.scenarios)
    for entry in timelines(study, names, study.flows).entries:
        by_segments = sum(
            (entry.flow.value * seg.rate * seg.days / Decimal(36500) for seg in entry.segments),
            Decimal(0),
        )
        flow = next(
            f
            for s in result.scenarios
            if s.name == entry.scenario
            for f in s.flows
            if f.flow == entry.flow
        )
        assert abs(flow.duties - by_segments) < Decimal("1e-12")


@PROFILE
@given(scenario_files())
def test_a_saved_result_reads_back_as_what_was_computed(data: dict[str, Any]) -> None:
    # The JSON writer and the saved-result reader walk the document apart; through the
    # registry they must agree on every metric of every item.
    result = compare(load_text(json.dumps(data), "f.yaml"))
    text = "".join(json_out.compare([("f.yaml", result)]))
    read = saved.read(text, "saved.json")
    assert read == [("f.yaml", as_shown(study_metrics(result)))]


@PROFILE
@given(scenario_files())
def test_reordering_the_file_changes_no_result(data: dict[str, Any]) -> None:
    assert metrics(json.dumps(_reversed(data))) == metrics(json.dumps(data))


@PROFILE
@given(data=scenario_files())
def test_a_file_diffed_with_itself_exits_0_and_json_obeys_the_schema(
    data: dict[str, Any], tmp_path: Path
) -> None:
    path = tmp_path / "generated.yaml"
    path.write_text(json.dumps(data), encoding="utf-8")
    runner = CliRunner()
    same = runner.invoke(app, ["diff", str(path), str(path), "-f", "json"])
    assert same.exit_code == 0, same.output
    assert errors(json.loads(same.stdout)) == []
    for command in ("compare", "timeline"):
        out = runner.invoke(app, [command, str(path), "-f", "json"])
        assert out.exit_code == 0, out.output
        assert errors(json.loads(out.stdout)) == []
