"""The calculation core, against values computed by hand (the arithmetic is in comments).

Day counts used below, all in 2025 (a 365-day year):
  1 Jan -> 4 Feb = 34 days      4 Feb -> 4 Mar = 28     4 Mar -> 5 Apr = 32
  5 Apr -> 9 Apr = 4            9 Apr -> 10 Apr = 1     10 Apr -> 14 May = 34
  14 May -> 12 Aug = 90         12 Aug -> 10 Nov = 90   10 Nov -> 1 Jan 2026 = 52
  12 Aug -> 1 Jan 2026 = 142    10 Apr -> 12 Apr = 2    12 Apr -> 14 May = 32
"""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tariffs.calc.compare import compare, timelines
from tariffs.calc.results import StudyResult
from tariffs.calc.steps import measure_steps, rate_at, rate_days, segments, static_duties
from tariffs.domain import Flow, Line, Measure, Scenario, Study, Window
from tariffs.input.load import load
from tariffs.metrics import FLOW, delta

ROOT = Path(__file__).resolve().parent.parent
D = Decimal
US_CN = D("438.9e9")  # US goods imports from China, 2024 (Census, first release)
CN_US = D("143.5e9")  # US goods exports to China, 2024


@pytest.fixture(scope="module")
def geneva() -> Study:
    return load(ROOT / "scenarios" / "geneva.yaml")


def flow(result_scenario: object, importer: str) -> object:
    return next(f for f in result_scenario.flows if f.flow.importer == importer)  # type: ignore[attr-defined]


# --- the shipped Geneva file, US on CN --------------------------------------------------

# sum of rate% x days over 2025, by scenario (US on CN):
# first 99 days, common to all: 0x34 + 10x28 + 20x32 + 30x4 + 104x1 = 1144
# no-deal:  1144 + 145x266                                  = 39714
# geneva:   1144 + 145x34 + 30x90 + 54x142                  = 16442
# extended: 1144 + 145x34 + 30x90 + 30x90 + 54x52           = 14282
# busan:    1144 + 145x34 + 30x90 + 30x90 + 20x52           = 12514
US_RATE_DAYS = {"no-deal": 39714, "geneva": 16442, "extended": 14282, "busan": 12514}


@pytest.mark.parametrize(("name", "rate_days_sum"), US_RATE_DAYS.items())
def test_us_average_and_duties_per_scenario(geneva: Study, name: str, rate_days_sum: int) -> None:
    result = compare(geneva)
    us = flow(result.scenarios[[s.name for s in result.scenarios].index(name)], "US")
    assert us.average == D(rate_days_sum) / 365  # e.g. no-deal 39714/365 = 108.8055%
    assert us.duties == US_CN * rate_days_sum / 36500  # value x sum(rate% x days) / (365 x 100)


def test_us_average_no_deal_rounds_to_hand_value(geneva: Study) -> None:
    us = flow(compare(geneva).scenarios[0], "US")
    assert round(us.average, 4) == D("108.8055")  # 39714 / 365
    assert round(us.duties / 10**9, 3) == D("477.547")  # 438.9 x 39714 / 36500


def test_cn_average_no_deal_and_geneva(geneva: Study) -> None:
    # no-deal: 84x2 + 125x264 = 33168; geneva: 84x2 + 125x32 + 10x90 + 34x142 = 9896
    result = compare(geneva)
    assert flow(result.scenarios[0], "CN").average == D(33168) / 365
    assert flow(result.scenarios[1], "CN").average == D(9896) / 365
    assert flow(result.scenarios[1], "CN").duties == CN_US * 9896 / 36500


def test_headline_rates_on_1_june_2025(geneva: Study) -> None:
    # The headline figures (docs/sources.md#headline-rates): 145%/30% and 125%/10%.
    result = compare(geneva, on=date(2025, 6, 1))
    by_name = {s.name: s for s in result.scenarios}
    assert flow(by_name["no-deal"], "US").rate_on == 145
    assert flow(by_name["geneva"], "US").rate_on == 30
    assert flow(by_name["no-deal"], "CN").rate_on == 125
    assert flow(by_name["geneva"], "CN").rate_on == 10
    stack = {x.measure: x.rate for x in flow(by_name["geneva"], "US").stack}
    assert stack == {"us-fentanyl": 20, "us-reciprocal": 10}


def test_low_and_peak_with_their_first_dates(geneva: Study) -> None:
    us = flow(compare(geneva).scenarios[1], "US")
    assert (us.low, us.low_from) == (0, date(2025, 1, 1))
    assert (us.peak, us.peak_from) == (145, date(2025, 4, 10))


def deltas(result: StudyResult, scenario: str, importer: str) -> dict[str, D]:
    """Each flow metric's delta against the baseline, as every output shows it."""
    [item] = [
        i for i in FLOW.items(result) if i.scenario == scenario and i.flow.flow.importer == importer
    ]
    out = {}
    for metric in FLOW.metrics:
        if metric.delta:
            found = delta(FLOW, metric, item)
            assert found is not None
            out[metric.name] = found
    return out


CLOSE = D("1e-24")  # each side of a delta is a quotient in Decimal's 28-digit context


def test_deltas_are_scenario_minus_baseline(geneva: Study) -> None:
    result = compare(geneva)
    base, gen = deltas(result, "no-deal", "US"), deltas(result, "geneva", "US")
    assert abs(gen["average_rate"] - D(16442 - 39714) / 365) < CLOSE
    assert abs(gen["static_duties"] - US_CN * (16442 - 39714) / 36500) < CLOSE
    assert gen["rate_on"] == -115  # 30 - 145
    assert gen["peak_rate"] == 0  # 145 - 145
    assert set(base.values()) == {0}


def test_other_baseline_and_subset(geneva: Study) -> None:
    result = compare(geneva, baseline="geneva", only=("busan",))
    assert [s.name for s in result.scenarios] == ["busan"]
    assert result.base.name == "geneva"  # computed for the deltas, not shown
    assert abs(deltas(result, "busan", "US")["average_rate"] - D(12514 - 16442) / 365) < CLOSE


def test_truce_window_days_and_snapback(geneva: Study) -> None:
    # days: 90 from 14 May covers 14 May .. 11 August; the snapback applies from 12 August.
    result = compare(geneva, only=("geneva",))
    truce = next(w for w in result.scenarios[0].windows if w.flow.importer == "US")
    assert (truce.first_day, truce.last_day, truce.days) == (
        date(2025, 5, 14),
        date(2025, 8, 11),
        90,
    )
    assert (truce.before, truce.inside, truce.after, truce.cliff) == (145, 30, 54, 24)
    # saved: 24 points on 90 days of 438.9bn a year = 438.9e9 x 24 x 90 / 36500
    assert truce.saved == US_CN * 24 * 90 / 36500
    assert truce.duties_with == US_CN * 30 * 90 / 36500
    assert truce.duties_without == US_CN * 54 * 90 / 36500


def test_half_open_boundaries_day_by_day(geneva: Study) -> None:
    scenario = geneva.scenario("geneva")
    recip = next(m for m in geneva.measures if m.name == "us-reciprocal")
    steps = measure_steps(recip, scenario)
    assert rate_at(steps, date(2025, 5, 13)) == 125  # the day before the truce
    assert rate_at(steps, date(2025, 5, 14)) == 10  # first day of the truce
    assert rate_at(steps, date(2025, 8, 11)) == 10  # last day of the truce
    assert rate_at(steps, date(2025, 8, 12)) == 34  # snapback day
    assert rate_at(steps, date(2025, 4, 4)) == 0  # 0% before the first scheduled rate


def test_window_beyond_the_period_is_counted_in_full(geneva: Study) -> None:
    # Busan truce: 10 Nov 2025 .. 9 Nov 2026 = 365 days; saved 24 points on US-CN all along.
    busan = compare(geneva, only=("busan",)).scenarios[0]
    truce = next(w for w in busan.windows if w.window == "Busan truce" and w.flow.importer == "US")
    assert truce.days == 365
    assert truce.saved == US_CN * 24 * 365 / 36500
    assert (truce.before, truce.inside, truce.after) == (30, 20, 44)  # fentanyl cut the same day


def test_timeline_segments_name_what_changed(geneva: Study) -> None:
    [entry] = timelines(geneva, ("geneva",), (geneva.flows[0],)).entries
    parts = entry.segments
    assert [p.start for p in parts][:3] == [date(2025, 1, 1), date(2025, 2, 4), date(2025, 3, 4)]
    truce = next(p for p in parts if p.start == date(2025, 5, 14))
    assert truce.rate == 30
    assert [(c.measure, c.old, c.new, c.cause) for c in truce.changes] == [
        ("us-reciprocal", 125, 10, "Geneva truce starts")
    ]
    assert sum(p.days for p in parts) == 365


# --- the shipped 2026 file -------------------------------------------------------------

# 2026 day counts: 1 Jan -> 24 Feb = 54; 24 Feb -> 24 Jul = 150 (the Section 122 window);
# 24 Jul -> 1 Jan 2027 = 161; 1 Jan -> 10 Nov = 313; 10 Nov -> 1 Jan 2027 = 52.
# US on CN, sum of rate% x days:
#   ruling:        20x54 + 10x150                 = 2580
#   s122-15pct:    20x54 + 15x150                 = 3330
#   s122-extended: 20x54 + 10x(150 + 161)         = 4190
#   no-ruling:     20x313 + (10 + 34)x52          = 8548  (reciprocal back to 34% on 10 Nov)
#   truce-renewed: as ruling                      = 2580
SCOTUS_US = {
    "ruling": 2580,
    "s122-15pct": 3330,
    "s122-extended": 4190,
    "no-ruling": 8548,
    "truce-renewed": 2580,
}


@pytest.fixture(scope="module")
def scotus() -> Study:
    return load(ROOT / "scenarios" / "scotus-2026.yaml")


@pytest.mark.parametrize(("name", "rate_days_sum"), SCOTUS_US.items())
def test_scotus_us_averages(scotus: Study, name: str, rate_days_sum: int) -> None:
    result = compare(scotus, only=(name,))
    us = flow(result.scenarios[0], "US")
    assert us.average == D(rate_days_sum) / 365  # e.g. ruling 2580/365 = 7.0685%
    assert us.duties == D("308.4e9") * rate_days_sum / 36500


def test_scotus_section_122_window_and_china_snapback(scotus: Study) -> None:
    result = compare(scotus, only=("ruling", "truce-renewed"))
    ruling, renewed = result.scenarios
    assert flow(ruling, "US").rate_on == 10  # 1 June 2026: Section 122 only
    # China: 10% until 9 Nov, 34% from 10 Nov: 10x313 + 34x52 = 4898; renewed: 10x365
    assert flow(ruling, "CN").average == D(4898) / 365
    assert flow(renewed, "CN").average == 10
    [suspension] = ruling.windows
    assert (suspension.first_day, suspension.last_day, suspension.days) == (
        date(2025, 5, 14),
        date(2026, 11, 9),
        545,
    )
    assert (suspension.before, suspension.after) == (125, 34)


# --- small synthetic studies ---------------------------------------------------------------


def study(
    measures: tuple[Measure, ...],
    scenarios: tuple[Scenario, ...],
    start: date = date(2025, 1, 1),
    until: date = date(2026, 1, 1),
) -> Study:
    return Study(
        title="t",
        start=start,
        until=until,
        on=start,
        baseline=scenarios[0].name,
        currency="USD",
        sources=(),
        # 1 a day: duties are rate% x days / 100; one unclassified line holds it all
        flows=(Flow("US", "CN", D(365), (Line("", "", "", D(365)),)),),
        measures=measures,
        scenarios=scenarios,
    )


def scenario(
    name: str = "s",
    changes: tuple[tuple[date, str, Decimal], ...] = (),
    windows: tuple[Window, ...] = (),
    disabled: frozenset[str] = frozenset(),
) -> Scenario:
    return Scenario(name, "", changes, windows, disabled)


M = Measure("m", "US", "CN", "test", ((date(2025, 3, 1), D(10)), (date(2025, 6, 1), D(40))))


def test_change_replaces_the_schedule_from_its_date_on() -> None:
    steps = measure_steps(M, scenario(changes=((date(2025, 4, 1), "m", D(25)),)))
    assert rate_at(steps, date(2025, 3, 31)) == 10
    assert rate_at(steps, date(2025, 4, 1)) == 25
    assert rate_at(steps, date(2025, 7, 1)) == 25  # the scheduled 40% from June is replaced


def test_window_hands_back_to_the_schedule_at_until() -> None:
    window = Window("w", date(2025, 5, 1), date(2025, 7, 1), (("m", D(0)),))
    steps = measure_steps(M, scenario(windows=(window,)))
    assert rate_at(steps, date(2025, 4, 30)) == 10
    assert rate_at(steps, date(2025, 6, 15)) == 0  # the schedule's June step is overridden
    assert rate_at(steps, date(2025, 7, 1)) == 40  # ...and applies again when the window ends


def test_adjacent_windows_and_disabled_measures() -> None:
    first = Window("a", date(2025, 5, 1), date(2025, 6, 1), (("m", D(5)),))
    second = Window("b", date(2025, 6, 1), date(2025, 7, 1), (("m", D(7)),))
    steps = measure_steps(M, scenario(windows=(first, second)))
    assert [rate_at(steps, date(2025, 5, 31)), rate_at(steps, date(2025, 6, 1))] == [5, 7]
    assert rate_at(steps, date(2025, 7, 1)) == 40
    off = measure_steps(M, scenario(disabled=frozenset({"m"})))
    assert rate_at(off, date(2025, 7, 1)) == 0


def test_static_duties_on_one_a_day() -> None:
    # 1 a day: 10% on 92 days (1 Mar - 1 Jun) + 40% on 214 days (1 Jun - 1 Jan) = 9.2 + 85.6
    result = compare(study((M,), (scenario(),)))
    assert result.scenarios[0].flows[0].duties == D("94.8")


def test_average_over_a_period_that_starts_mid_schedule() -> None:
    # period 1 May .. 1 Jul: 10% for 31 days, 40% for 30 days -> (310 + 1200) / 61
    result = compare(study((M,), (scenario(),), date(2025, 5, 1), date(2025, 7, 1)))
    assert result.scenarios[0].flows[0].average == D(1510) / 61


# --- properties ---------------------------------------------------------------------------

DAY0 = date(2025, 1, 1)
schedules = st.lists(st.tuples(st.integers(0, 400), st.decimals(0, 200, places=2)), max_size=12)


@settings(max_examples=150, deadline=None)
@given(schedules, schedules, st.integers(1, 400))
def test_segments_cover_the_period_and_bound_the_average(
    first: list[tuple[int, Decimal]], second: list[tuple[int, Decimal]], length: int
) -> None:
    def measure(name: str, points: list[tuple[int, Decimal]]) -> Measure:
        rates = {date.fromordinal(DAY0.toordinal() + d): r for d, r in points}
        return Measure(name, "US", "CN", "b", tuple(sorted(rates.items())))

    until = date.fromordinal(DAY0.toordinal() + length)
    s = study((measure("a", first), measure("b", second)), (scenario(),), DAY0, until)
    result = compare(s).scenarios[0].flows[0]
    parts = result.segments
    assert parts[0].start == DAY0
    assert parts[-1].until == until
    assert all(a.until == b.start for a, b in itertools.pairwise(parts))
    assert result.low <= result.average <= result.peak
    assert result.duties == static_duties(D(365), rate_days(parts))
    layers = [(m, measure_steps(m, s.scenarios[0])) for m in s.measures]
    assert segments(layers, DAY0, until) == parts
