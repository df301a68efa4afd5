"""An importer's total over its partners, day by day: `tariffs timeline --flow 'US:*'`, and a
tracker's series beside it (`--against FILE.csv`).

tests/fixtures/us-total-2025.yaml has three partners and two changes; every figure below is
worked by hand from it, and from tests/fixtures/tracker-us-2025.csv for the gaps.
"""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tariffs.calc.compare import compare
from tariffs.calc.cost import timeline_cells
from tariffs.calc.results import TotalTimeline
from tariffs.calc.series import SPLITS, daily, total_timelines
from tariffs.cli import app
from tariffs.domain import Study, Tracker
from tariffs.input.load import load
from tariffs.input.tracker import read_tracker
from tariffs.render import plot

from .test_golden import TOTAL_ARGS

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = "tests/fixtures/us-total-2025.yaml"
TRACKER = "tests/fixtures/tracker-us-2025.csv"


@pytest.fixture(scope="module")
def study() -> Study:
    return load(ROOT / FIXTURE)


@pytest.fixture(scope="module")
def total(study: Study) -> TotalTimeline:
    [found] = total_timelines(study, ("as-enacted",), ("US",), SPLITS)
    return found


def D(text: str) -> Decimal:
    return Decimal(text)


def test_three_segments_with_the_days_between_the_changes(total: TotalTimeline) -> None:
    # [1 Jan, 4 Mar): 31 + 28 + 3 = 62 days; [4 Mar, 4 Jun): 28 + 30 + 31 + 3 = 92;
    # [4 Jun, 1 Jan 2026): 365 - 62 - 92 = 211
    spans = [(s.start, s.until, s.days) for s in total.segments]
    assert spans == [
        (date(2025, 1, 1), date(2025, 3, 4), 62),
        (date(2025, 3, 4), date(2025, 6, 4), 92),
        (date(2025, 6, 4), date(2026, 1, 1), 211),
    ]
    assert total.partners == ("CN", "EU", "CA")
    assert total.value == D("1000e9")


def test_the_total_weights_each_partner_by_its_value(total: TotalTimeline) -> None:
    # trade 400 + 500 + 100 = 1,000bn. MFN only: (3 x 400 + 1.5 x 500 + 0 x 100) / 1,000 = 1.95
    # from 4 Mar: + (20 x 400 + 25 x 100) / 1,000 = + 10.5 = 12.45
    # from 4 Jun: + 10 x (500 + 100) / 1,000 = + 6, and Canada's 25% yields to 232 on its
    # 100bn: - 2.5; 12.45 + 6 - 2.5 = 15.95
    assert [s.rate for s in total.segments] == [D("1.95"), D("12.45"), D("15.95")]


def test_the_parts_add_up_by_authority_by_layer_and_by_partner(total: TotalTimeline) -> None:
    first, second, third = total.segments
    assert total.parts(first, "authority") == (("mfn", D("1.95")), ("ieepa", 0), ("section-232", 0))
    # ieepa: fentanyl on China 20 x 400 / 1,000 = 8, on Canada 25 x 100 / 1,000 = 2.5
    assert total.parts(second, "authority") == (
        ("mfn", D("1.95")),
        ("ieepa", D("10.5")),
        ("section-232", 0),
    )
    assert total.parts(third, "authority") == (
        ("mfn", D("1.95")),
        ("ieepa", D("8")),
        ("section-232", D("6")),
    )
    # each measure over the flows it is on; 232 is one measure over the EU and Canada:
    # 10 x 500 / 1,000 + 10 x 100 / 1,000 = 5 + 1 = 6. First seen: CN's, then EU's, CA's.
    assert total.parts(third, "layer") == (
        ("mfn", D("1.95")),
        ("fentanyl-cn", D("8")),
        ("us-232", D("6")),
        ("fentanyl-ca", D("0")),
    )
    # partners: CN (3 + 20) x 400 / 1,000 = 9.2; EU (1.5 + 10) x 500 / 1,000 = 5.75;
    # CA 10 x 100 / 1,000 = 1
    assert total.parts(third, "partner") == (("CN", D("9.2")), ("EU", D("5.75")), ("CA", D("1")))
    for seg in total.segments:
        for split in SPLITS:
            assert sum(part for _, part in total.parts(seg, split)) == seg.rate, split


def test_each_change_names_the_measure_its_parts_and_why(total: TotalTimeline) -> None:
    assert total.segments[0].changes == ()
    moved = [(c.measure, c.old, c.new, c.cause) for c in total.segments[2].changes]
    assert moved == [
        ("us-232", 0, D("6"), "schedule on EU, CA"),
        ("fentanyl-ca", D("2.5"), 0, "yields to us-232 on CA"),
    ]


def test_the_series_is_compare_s_importer_total_on_every_day(study: Study) -> None:
    # On a day inside each segment, the total and its layers are compare's importer total
    # and importer_layer figures for that report date.
    [total] = total_timelines(study, ("as-enacted", "no-232"), ("US",), ("layer",))[:1]
    for seg in total.segments:
        for day in (seg.start, seg.until - (seg.until - seg.start) / 2):
            [importer] = compare(study, on=day, only=("as-enacted",)).scenarios[0].importers
            assert importer.rate_on == seg.rate
            layers = {layer.measure: layer.rate for layer in importer.layers}
            for name, part in total.parts(seg, "layer"):
                assert layers[name] == part, name
    # and its time-weighted mean is compare's average: (1.95 x 62 + 12.45 x 92 + 15.95 x
    # 211) / 365 = (120.9 + 1,145.4 + 3,365.45) / 365 = 4,631.75 / 365
    [importer] = compare(study, only=("as-enacted",)).scenarios[0].importers
    mean = sum((s.rate * s.days for s in total.segments), Decimal(0)) / 365
    assert mean == importer.average == D("4631.75") / 365


def test_a_scenario_that_disables_a_measure_leaves_its_part_out(study: Study) -> None:
    [total] = total_timelines(study, ("no-232",), ("US",), SPLITS)
    # no 232: Canada's fentanyl never yields, and nothing changes on 4 June: two segments
    assert [(s.start, s.rate) for s in total.segments] == [
        (date(2025, 1, 1), D("1.95")),
        (date(2025, 3, 4), D("12.45")),
    ]
    # a layer and an authority at 0% all the period are left out; partners stay
    assert total.names("layer") == ("mfn", "fentanyl-cn", "fentanyl-ca")
    assert total.names("authority") == ("mfn", "ieepa")
    assert total.names("partner") == ("CN", "EU", "CA")


def test_the_gap_to_a_tracker_by_hand(study: Study) -> None:
    tracker = read_tracker(ROOT / TRACKER)
    result = daily(study, ("as-enacted",), (), ("US",), tracker=tracker)
    [gap] = result.gaps
    # the tracker: 2.10 until 4 Mar, 12.00 from 5 Mar, 15.50 from 4 Jun, 16.00 from 1 Oct
    # (the 31 Dec row, for its own day): gaps, the total minus it, over 365 days:
    # -0.15 x 62 (1 Jan - 3 Mar); 12.45 - 2.10 = 10.35 on 4 Mar; 0.45 x 91 (5 Mar - 3 Jun);
    # 0.45 x 119 (4 Jun - 30 Sep); -0.05 x 92 (1 Oct - 31 Dec)
    assert gap.days == 365
    # mean: (-9.3 + 10.35 + 40.95 + 53.55 - 4.6) / 365 = 90.95 / 365
    assert gap.mean == D("90.95") / 365
    # mean size: (9.3 + 10.35 + 40.95 + 53.55 + 4.6) / 365 = 118.75 / 365 = 0.3253...
    assert gap.mean_abs == D("118.75") / 365
    assert (gap.largest, gap.largest_on) == (D("10.35"), date(2025, 3, 4))
    # quiet days: at least 10 days from the changes of 4 Mar, 5 Mar (tracker), 4 Jun (both)
    # and 1 Oct (tracker; 31 Dec repeats 16.00, no change). Near them: [23 Feb, 15 Mar) 20
    # days, [26 May, 14 Jun) 19, [22 Sep, 11 Oct) 19: 365 - 58 = 307 quiet days, of which
    # 53 at -0.15, 72 + 100 at 0.45, 82 at -0.05: (7.95 + 32.4 + 45 + 4.1) / 307
    assert (gap.margin, gap.quiet_days) == (10, 307)
    assert gap.quiet_mean_abs == D("89.45") / 307
    assert (gap.quiet_largest, gap.quiet_largest_on) == (D("0.45"), date(2025, 3, 15))


def run(*args: str) -> object:
    return CliRunner().invoke(app, list(args), prog_name="tariffs")


def test_csv_has_a_row_per_change() -> None:
    out = CliRunner().invoke(app, ["timeline", FIXTURE, "--flow", "US:*", "-f", "csv"])
    assert out.exit_code == 0, out.output
    rows = out.stdout.splitlines()[1:]
    # the first segment gives every part (2 + 3 authorities + 4 layers = 9 rows); then only
    # what moved: 4 Mar days, rate, ieepa, fentanyl-cn, fentanyl-ca (5); 4 Jun days, rate,
    # ieepa, section-232, us-232, fentanyl-ca (6)
    assert len(rows) == 9 + 5 + 6
    assert rows[-1] == f"{FIXTURE},as-enacted,US,*,fentanyl-ca,layer_part,2025-06-04,0,pp"
    assert f"{FIXTURE},as-enacted,US,*,,rate,2025-06-04,15.95,percent" in rows


def test_a_flow_and_a_total_together() -> None:
    out = CliRunner().invoke(
        app, ["timeline", FIXTURE, "--flow", "US:*", "--flow", "US:CA", "-f", "csv"]
    )
    assert out.exit_code == 0, out.output
    lines = out.stdout.splitlines()
    flow = [n for n, line in enumerate(lines) if ",US,CA," in line]
    total = [n for n, line in enumerate(lines) if ",US,*," in line]
    assert flow
    assert total
    assert max(flow) < min(total)  # flows first, then totals


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--flow", "XX:*"], "has no flow into 'XX', so no total 'XX:*' (its importers: US)"),
        (["--flow", "US:CN", "--by", "partner"], "--by splits an importer's total"),
        (["--flow", "US:*", "--hs", "8703"], "an importer's total (IMPORTER:*) has none"),
        (["--flow", "US:*", "--by", "country"], "'country' is not one of"),
    ],
)
def test_usage_errors(args: list[str], message: str) -> None:
    out = CliRunner().invoke(app, ["timeline", FIXTURE, *args])
    assert out.exit_code == 2, out.output
    assert message in " ".join(out.output.split())


# --- the tracker's file: untrusted, checked, never a traceback ----------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "t.csv:1:1: the file is empty; expected a header date,value"),
        ("date,value\n", "t.csv:1:1: no rows after the header"),
        ("day,rate\n2025-01-01,2\n", "t.csv:1:1: the header names no 'date' or 'value' column"),
        ("date,value,value\n", "t.csv:1:3: column 'value' appears twice"),
        ("date,value\n2025-13-01,2\n", "t.csv:2:1: '2025-13-01' is not a calendar date"),
        ("date,value\n01/02/2025,2\n", "t.csv:2:1: expected a date as YYYY-MM-DD, got '01/02"),
        ("date,value\n2025-01-01,-2\n", "t.csv:2:2: expected a rate in percent such as 16.11"),
        ("date,value\n2025-01-01,-2\n", "(a rate is not negative)"),
        ("date,value\n2025-01-01,abc\n", "t.csv:2:2: expected a rate in percent"),
        ("date,value\n2025-01-01,1e3\n", "t.csv:2:2: expected a rate in percent"),
        ("date,value\n2025-01-01,1000000\n", "t.csv:2:2: '1000000' is not a rate"),
        ("date,value\n2025-01-01\n", "t.csv:2:1: expected at least 2 cells, found 1"),
        (
            "date,value\n2025-01-01,2\n2025-01-02,3\n2025-01-01,4\n",
            "t.csv:4:1: 2025-01-01 is given twice (also on line 2)",
        ),
        ("date,value\n1800-01-01,2\n", "t.csv:2:1: dates run from 1900-01-01"),
        ('date,value\n2025-01-01,"2\n', "t.csv:2:1: not valid CSV"),
    ],
)
def test_a_bad_tracker_file_is_refused_at_its_line_and_cell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, message: str
) -> None:
    (tmp_path / "t.csv").write_text(text, encoding="utf-8")
    (tmp_path / "s.yaml").write_bytes((ROOT / FIXTURE).read_bytes())
    monkeypatch.chdir(tmp_path)
    out = CliRunner().invoke(app, ["timeline", "s.yaml", "--flow", "US:*", "--against", "t.csv"])
    assert out.exit_code == 1, out.output
    assert message in out.output
    assert "Traceback" not in out.output


def test_every_problem_of_a_tracker_file_is_listed(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("date,value\n2025-01-01,x\n2025-02-30,2\n2025-03-01,\n", encoding="utf-8")
    out = CliRunner().invoke(app, ["timeline", FIXTURE, "--flow", "US:*", "--against", str(path)])
    assert out.exit_code == 1
    assert f"{path}:2:2: expected a rate in percent" in out.output
    assert f"{path}:3:1: '2025-02-30' is not a calendar date" in out.output
    assert f"{path}:4:" not in out.output  # an empty value is a day without one, not an error


@pytest.mark.parametrize(
    ("make", "message"),
    [
        ("missing", "no such file"),
        ("folder", "is a directory"),
        ("fifo", "is a FIFO (named pipe), not a regular file"),
        ("binary", "file contains NUL bytes"),
        ("utf16", "file is UTF-16; save it as UTF-8"),
        ("huge", "file is larger than 10 MiB"),
    ],
)
def test_a_tracker_path_that_is_no_regular_text_file_is_refused(
    tmp_path: Path, make: str, message: str
) -> None:
    path = tmp_path / "t.csv"
    if make == "folder":
        path.mkdir()
    elif make == "fifo":
        os.mkfifo(path)
    elif make == "binary":
        path.write_bytes(b"date,value\n\x00\x01")
    elif make == "utf16":
        path.write_bytes("date,value\n".encode("utf-16"))
    elif make == "huge":
        with path.open("wb") as handle:
            handle.truncate(10 * 1024 * 1024 + 1)
    out = CliRunner().invoke(app, ["timeline", FIXTURE, "--flow", "US:*", "--against", str(path)])
    assert out.exit_code in {1, 2}, out.output
    assert message in " ".join(out.output.split())
    assert "Traceback" not in out.output


def test_a_link_out_of_the_current_folder_is_not_followed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outside = tmp_path / "outside.csv"
    outside.write_text("date,value\n2025-01-01,2\n", encoding="utf-8")
    here = tmp_path / "here"
    here.mkdir()
    (here / "s.yaml").write_bytes((ROOT / FIXTURE).read_bytes())
    (here / "t.csv").symlink_to(outside)
    monkeypatch.chdir(here)
    out = CliRunner().invoke(app, ["timeline", "s.yaml", "--flow", "US:*", "--against", "t.csv"])
    assert out.exit_code == 1, out.output
    assert "leads outside the current folder through a symbolic link" in out.output


def test_values_below_1_are_read_as_percent_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("date,value\n2025-01-01,0.02\n2025-06-01,0.16\n", encoding="utf-8")
    out = CliRunner().invoke(app, ["timeline", FIXTURE, "--flow", "US:*", "--against", str(path)])
    assert out.exit_code == 0, out.output
    assert "warning: every value is below 1; values are read as percent" in out.stderr


def test_a_tracker_outside_the_period_compares_no_day(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("date,value\n2024-01-01,2\n2024-12-31,3\n", encoding="utf-8")
    out = CliRunner().invoke(
        app, ["timeline", FIXTURE, "--flow", "US:*", "--against", str(path), "-f", "json"]
    )
    assert out.exit_code == 0, out.output
    assert "no value of it falls in the period" in out.stderr
    # no day compared: the means are unknown (null), not 0
    assert '"gap_days": 0,\n' in out.stdout
    assert '"mean_abs_gap": null,\n' in out.stdout


def test_the_tracker_file_is_an_input_no_output_replaces(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes((ROOT / TRACKER).read_bytes())
    out = CliRunner().invoke(
        app, ["timeline", FIXTURE, "--flow", "US:*", "--against", str(path), "-o", str(path)]
    )
    assert out.exit_code == 2, out.output
    assert path.read_bytes() == (ROOT / TRACKER).read_bytes()


def test_the_chart_draws_the_tracker_and_the_same_bytes_twice(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    args = [*TOTAL_ARGS, "-o", os.devnull, "--plot"]
    first, second = tmp_path / "a.svg", tmp_path / "b.svg"
    for target in (first, second):
        out = CliRunner().invoke(app, [*args, str(target)])
        assert out.exit_code == 0, out.output
    assert first.read_bytes() == second.read_bytes()
    text = " ".join(first.read_text(encoding="utf-8").split())
    for expected in (
        "US on all its 3 partners under as-enacted: by legal authority, pp",
        "tracker-us-2025.csv",
        "Gap (pp)",
        "Within 10 days of a change",
    ):
        assert expected in text


HOSTILE = "$x^2$ \x1b[31m red \u202e \u4e2d " + "W" * 300


def test_hostile_names_in_a_total_s_chart_are_escaped(total: TotalTimeline) -> None:
    renamed = total._replace(
        importer=HOSTILE,
        scenario=HOSTILE,
        series=tuple((split, f"{HOSTILE}{i}") for i, (split, _) in enumerate(total.series)),
    )
    tracker = Tracker(f"dir/{HOSTILE}.csv", ((date(2025, 1, 1), D("2")),))
    result = daily(load(ROOT / FIXTURE), ("as-enacted",), ())._replace(
        totals=(renamed,), tracker=tracker, gaps=()
    )
    text = plot.timeline_chart(HOSTILE, result, "svg").decode("utf-8")
    assert "\x1b" not in text
    assert "\u202e" not in text
    assert "\\x1b[31m red \\u202e \\u4e2d" in text  # escapes, drawn as text
    assert "<!-- $x^2$" in text  # a dollar sign is a dollar sign, never mathtext


def test_the_cells_of_a_total_count_against_the_timeline_limit(study: Study) -> None:
    # a flow's rows: its measures' steps (2 each, and one per dated rate; MFN has one rate)
    # and one more; CN: mfn 3 + fentanyl 3 + 1 = 7; EU: mfn 3 + 232 3 + 1 = 7; CA: mfn 3 +
    # fentanyl 3 + 232 3 + 1 = 10. The total has them all, 24 rows, and a column per measure
    # of its flows (7), per partner (3) and per authority (5), and 7 more: 24 x 22 = 528
    assert timeline_cells(study, ("as-enacted",), (), ("US",)) == 528
    # the flows alone: 7 x (2 + 5) + 7 x (2 + 5) + 10 x (3 + 5) = 49 + 49 + 80 = 178
    assert timeline_cells(study, ("as-enacted",), study.flows) == 178


def test_values_quoted_on_some_days_are_compared_on_those_days(study: Study) -> None:
    # each value quoted for its day only (an empty row after it): 3 days compared, and no
    # change in the tracker (a value after a gap is none), so quiet days are those at least
    # 10 days from the total's own changes (4 Mar, 4 Jun): 15 Jan and 1 Oct are, 5 Mar is not
    tracker = Tracker(
        "q.csv",
        (
            (date(2025, 1, 15), D("2")),
            (date(2025, 1, 16), None),
            (date(2025, 3, 5), D("12")),
            (date(2025, 3, 6), None),
            (date(2025, 10, 1), D("16.95")),
            (date(2025, 10, 2), None),
        ),
    )
    [gap] = daily(study, ("as-enacted",), (), ("US",), tracker=tracker).gaps
    # 1.95 - 2 = -0.05; 12.45 - 12 = 0.45; 15.95 - 16.95 = -1
    assert gap.days == 3
    assert gap.mean == (D("-0.05") + D("0.45") - 1) / 3
    assert (gap.largest, gap.largest_on) == (D("-1"), date(2025, 10, 1))
    assert gap.quiet_days == 2
    assert gap.quiet_mean_abs == (D("0.05") + 1) / 2
