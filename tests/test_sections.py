"""`compare --only` chooses sections of the tables and Markdown; titles wrap into balanced
blocks; `compare --help` names each table column's metrics as the registry does."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tariffs import metrics
from tariffs.calc.compare import compare
from tariffs.calc.results import StudyResult
from tariffs.cli import app
from tariffs.input.load import load
from tariffs.render import COMPARE_SECTIONS, plain, table
from tariffs.render.market_grids import document_grids
from tariffs.render.reference import TABLES, column_names

from .test_cli import complete
from .test_world import fifty_partners

WORLD = "scenarios/world-2025.yaml"
PRODUCTS = "scenarios/products-2025.yaml"
WIDTHS = (40, 60, 80, 120)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), prog_name="tariffs")
    return result.exit_code, result.stdout, result.stderr


@cache
def computed(path: str) -> StudyResult:
    return compare(load(Path(path)))


# --- choosing sections -------------------------------------------------------------------


def test_only_totals_and_partners_prints_the_heading_and_those_tables() -> None:
    code, out, _ = run("compare", WORLD, "--only", "totals,partners")
    assert code == 0
    titles = [g.title for g in document_grids(computed(WORLD), {"totals", "partners"})]
    # the world file's 5 scenarios: one totals table, then one by-partner table each
    assert len(titles) == 6
    assert titles[0].startswith("US on all its 16 partners (EU, MX, CN, CA, JP, VN, KR,")
    assert [t.split(" under ")[0] for t in titles[1:]] == ["US by partner"] * 5
    assert out.startswith("US imports from the world in 2025")
    assert "Money:    USD bn" in out  # the heading stays
    assert "US on EU: trade" not in out  # no flow's table
    assert "US by layer under" not in out
    # the same as --only totals --only partners, and in document order whatever the order
    assert run("compare", WORLD, "--only", "totals", "--only", "partners")[1] == out
    assert run("compare", WORLD, "--only", "partners,totals")[1] == out
    # 139 lines at 120 columns, against 1,437 for the whole document: the heading (6); a
    # blank, the totals title (2 lines) and table (3 rules, 2 header lines, 5 scenarios);
    # per scenario a blank, the by-partner title (1) and table (3 rules, 2 header lines,
    # 16 partners and All): 6 + 13 + 5 x 24 = 139
    assert len(out.splitlines()) == 6 + (1 + 2 + 3 + 2 + 5) + 5 * (1 + 1 + 3 + 2 + 17)
    assert len(run("compare", WORLD)[1].splitlines()) == 1437


def test_each_section_alone_is_its_part_of_the_whole_in_order() -> None:
    for path in (WORLD, PRODUCTS, "scenarios/geneva.yaml"):
        result = computed(path)
        whole = document_grids(result)
        assert document_grids(result, COMPARE_SECTIONS) == whole
        parts = {name: document_grids(result, {name}) for name in COMPARE_SECTIONS}
        assert sum(len(part) for part in parts.values()) == len(whole), path
        for name, part in parts.items():
            # the whole, less the grids of every other section, in its order
            assert part == [g for g in whole if g in part], (path, name)
            assert all(g in whole for g in part)
    world = {name: len(document_grids(computed(WORLD), {name})) for name in COMPARE_SECTIONS}
    # 16 flows, all with lines, none with windows or a trade response; 5 scenarios; one
    # market (its table over the scenarios, then one of its partners per scenario)
    assert world == {
        "flows": 16,
        "windows": 0,
        "layers": 16,
        "lines": 16,
        "response": 0,
        "totals": 1,
        "partners": 5,
        "by-layer": 5,
        "partner-by-layer": 5,
        "markets": 6,
    }


def test_markdown_shows_the_same_sections() -> None:
    code, out, _ = run("compare", WORLD, "--only", "by-layer", "-f", "markdown")
    assert code == 0
    bold = re.findall(r"^\*\*(.*)\*\*$", out, re.M)
    assert len(bold) == 5
    assert all(t.startswith("US by layer under ") for t in bold)


def test_a_bad_section_name_is_a_usage_error_listing_the_names() -> None:
    valid = (
        "(sections: flows, windows, layers, lines, response, totals, partners, by-layer, "
        "partner-by-layer, markets)"
    )
    code, out, err = run("compare", WORLD, "--only", "totals,partner")
    assert (code, out) == (2, "")
    assert f"Invalid value for '--only': unknown section 'partner' {valid}" in err
    code, _, err = run("compare", WORLD, "--only", "totals,")
    assert code == 2
    assert f"an empty section name {valid}" in err


@pytest.mark.parametrize(("fmt", "how"), [("json", "jq"), ("csv", "`metric` column")])
def test_json_and_csv_refuse_only_as_they_hold_every_result(fmt: str, how: str) -> None:
    code, out, err = run("compare", WORLD, "--only", "totals", "-f", fmt)
    assert (code, out) == (2, "")
    assert f"--format {fmt} always holds every result" in err
    assert how in err


def test_a_too_large_partner_by_layer_table_asked_for_alone_names_itself() -> None:
    # 2,652 cells, over the 2,000 shown: asked for alone, the by-layer table, whose title
    # says so, stands in for it
    study = fifty_partners()
    [grid] = document_grids(compare(study), {"partner-by-layer"})
    assert grid.title.startswith("US by layer under 's'")
    assert "the partner-by-layer table (2,652 cells, over 2,000) is left out" in grid.title


def test_completion_offers_the_sections_after_those_given() -> None:
    line = f"tariffs compare {WORLD} --only "
    assert complete(line) == list(COMPARE_SECTIONS)
    assert complete(line + "totals,pa") == ["totals,partners", "totals,partner-by-layer"]
    assert complete(line + "by-") == ["by-layer"]
    assert complete(line + "lines,layers,l") == []  # both given already


# --- titles wrap into balanced blocks ----------------------------------------------------


def test_balanced_wraps_into_as_many_lines_of_about_equal_length() -> None:
    # greedy at 20: "each layer's part of" (20) / "the rate" (8); balanced, the narrowest
    # width that still gives two lines: 16 ("each layer's" 12 / "part of the rate" 16; at
    # 15 it takes three)
    text = "each layer's part of the rate"
    assert plain.wrap(text, 20) == ["each layer's part of", "the rate"]
    assert plain.balanced(text, 20) == ["each layer's", "part of the rate"]
    assert len(plain.wrap(text, 15)) == 3
    assert plain.balanced(text, 40) == [text]  # it fits: one line
    # a word longer than the page is broken as wrap breaks it
    assert plain.balanced("a https://example.com/long/path", 12) == plain.wrap(
        "a https://example.com/long/path", 12
    )


def _lone_words(text: str, width: int) -> list[str]:
    lines = plain.balanced(text, width)
    return [line for line in lines if len(lines) > 1 and len(line.split()) == 1]


@pytest.mark.parametrize("width", WIDTHS)
def test_no_title_of_the_world_file_leaves_a_word_alone(width: int) -> None:
    # at 120 columns, "... 2 layers at 0% throughout" then "not shown" on a line of its own
    # was the case; now every wrapped title of compare is a block of balanced lines
    result = computed(WORLD)
    titles = [result.title, *(g.title for g in document_grids(result))]
    lone = {t: _lone_words(t, width) for t in titles if _lone_words(t, width)}
    assert not lone
    text = table.to_text(table.compare([(WORLD, result)], width))
    assert "\nnot shown\n" not in text
    assert "\nlayer\n" not in text
    assert max(len(line) for line in text.splitlines()) <= width


# --- the metric names beside the table columns -------------------------------------------


def test_compare_help_names_every_labelled_metric_beside_its_column() -> None:
    code, out, _ = run("compare", "--help")
    assert code == 0
    help_words = set(re.findall(r"[\w-]+", out))
    listed = {kind for _, kinds in TABLES for kind in kinds}
    # every kind whose metrics have a table column is listed, and each of those metrics
    # appears under its registry name, with its delta and `expect:` key where it has them
    assert {k for k in metrics.KINDS if any(m.label for m in k.metrics)} <= listed
    for kind in listed:
        for metric in kind.metrics:
            if metric.label:
                assert metric.name in help_words, metric.name
                if metric.vs_base:
                    assert f"delta_{metric.name}" in help_words
                if metric.expect:
                    assert f"expect: {metric.expect}" in " ".join(out.split())
    rows = dict(row for _, table_rows in column_names() for row in table_rows)
    # compare's Saved, Average and Duties are what sweep and diff call these
    assert rows["Saved"] == "duties_saved; expect: saved"
    assert rows["Average"].startswith("average_rate; vs base: delta_average_rate")
    assert rows["Duties"].startswith("static_duties; vs base: delta_static_duties")
    assert rows["Low, from"] == "low_rate, low_from; expect: low"
    # each column on one line of the help with the first name of its metrics
    flat = [" ".join(line.split()) for line in out.splitlines()]
    for header, text in rows.items():
        assert any(line.startswith(f"{header} {text.split(',')[0].split(';')[0]}") for line in flat)


def test_diff_and_sweep_help_point_at_the_names() -> None:
    for command in ("diff", "sweep"):
        code, out, _ = run(command, "--help")
        assert code == 0
        assert "`tariffs compare --help` lists the table column" in " ".join(out.split())


def test_a_section_the_files_lack_is_said_not_silent() -> None:
    # geneva.yaml has no importer of two flows (US and CN import from each other): no totals
    code, out, err = run("compare", "scenarios/geneva.yaml", "--only", "totals,flows")
    assert code == 0
    assert err == "tariffs: --only: the files have no 'totals' section to show\n"
    assert "US on CN: trade" in out
