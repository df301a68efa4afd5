"""Loading and validation: every user error names its line and column."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from tariffs.input.load import load, load_text
from tariffs.input.problems import ScenarioError
from tariffs.limits import MAX_BYTES, MAX_DEPTH

VALID = """\
tariffs: 1
title: t
period: {start: 2025-01-01, until: 2026-01-01}
on: 2025-06-01
flows:
  - {importer: US, exporter: CN, value: 438.9bn}
measures:
  m:
    importer: US
    exporter: CN
    basis: b
    rates: {2025-02-04: 10%}
scenarios:
  a: {}
  b:
    extends: a
    windows:
      - {name: w, start: 2025-05-14, days: 90, set: {m: 0%}}
"""


def problems(text: str) -> list[tuple[int, int, str]]:
    with pytest.raises(ScenarioError) as caught:
        load_text(text, "f.yaml")
    return [(p.line, p.column, p.message) for p in caught.value.problems]


def only_problem(text: str) -> tuple[int, int, str]:
    [problem] = problems(text)
    return problem


def test_valid_file_loads() -> None:
    study = load_text(VALID, "f.yaml")
    assert study.flows[0].value == Decimal("438900000000")
    assert study.baseline == "a"  # the first scenario, when the file names none
    assert study.scenario("b").windows[0].until == date(2025, 8, 12)  # 14 May + 90 days


def test_yaml_1_1_traps_stay_strings() -> None:
    text = VALID.replace("importer: US, exporter: CN", "importer: NO, exporter: CN").replace(
        "    importer: US\n", "    importer: NO\n"
    )
    assert load_text(text, "f.yaml").flows[0].importer == "NO"


@pytest.mark.parametrize(
    ("old", "new", "where", "message"),
    [
        ("value: 438.9bn", "value: -1bn", (6, 41), "not an amount"),
        ("value: 438.9bn", "value: 438.9 billion", (6, 41), "not an amount"),
        ("2025-02-04: 10%", "2025-02-04: 0.1", (12, 25), "write percents with a % sign"),
        ("2025-02-04: 10%", "2025-02-04: 30", (12, 25), "30 is ambiguous"),
        ("2025-02-04: 10%", "2025-02-04: -5%", (12, 25), "is not a percent"),
        ("2025-02-04: 10%", "2025-02-30: 10%", (12, 13), "is not a calendar date"),
        ("tariffs: 1", "tariffs: 2", (1, 10), "unsupported format version 2"),
        ("title: t", "title: t\nbaseline: nope", (3, 11), "baseline 'nope' is not a scenario"),
        ("exporter: CN, value", "exporter: cn, value", (6, 30), "country codes"),
        ("until: 2026-01-01}", "until: 2025-01-01}", (3, 36), "period.until must be after"),
    ],
)
def test_value_errors_point_at_the_value(
    old: str, new: str, where: tuple[int, int], message: str
) -> None:
    line, column, text = only_problem(VALID.replace(old, new, 1))
    assert (line, column) == where
    assert message in text


def test_misspelt_key_is_never_silently_ignored() -> None:
    assert problems(VALID.replace("title: t", "titel: t")) == [
        (1, 1, "missing required key 'title'"),
        (2, 1, "unknown key 'titel'; did you mean 'title'?"),
    ]


def test_missing_key_points_at_the_parent_mapping() -> None:
    line, column, text = only_problem(VALID.replace("    basis: b\n", ""))
    assert (line, column) == (9, 5)
    assert text == "measures.m: missing required key 'basis'"


def test_all_errors_are_listed_in_line_order() -> None:
    text = VALID.replace("title: t", "title: t\nbogus: 1").replace("10%}", "ten}")
    found = problems(text)
    assert [p[:2] for p in found] == sorted(p[:2] for p in found)
    assert len(found) == 2


@pytest.mark.parametrize(
    ("old", "new", "where", "message"),
    [
        ("set: {m: 0%}", "set: {zz: 0%}", (18, 54), "unknown measure 'zz'"),
        ("extends: a", "extends: zz", (16, 14), "extends 'zz', which is not a scenario"),
        ("days: 90,", "until: 2025-05-01,", (18, 45), "must end after it starts"),
        ("days: 90,", "days: 90, until: 2025-09-01,", (18, 9), "exactly one of 'days' or 'until'"),
        ("days: 90,", "", (18, 9), "exactly one of 'days' or 'until'"),
    ],
)
def test_reference_errors(old: str, new: str, where: tuple[int, int], message: str) -> None:
    line, column, text = only_problem(VALID.replace(old, new, 1))
    assert (line, column) == where
    assert message in text


def test_overlapping_windows_name_both() -> None:
    text = VALID + "      - {name: v, start: 2025-08-01, days: 30, set: {m: 5%}}\n"
    line, column, message = only_problem(text)
    assert (line, column) == (19, 26)
    assert "windows 'w' and 'v' both set 'm' from 2025-08-01 to 2025-08-11" in message


def test_overlap_with_an_inherited_window_is_reported_once() -> None:
    parent = "  a:\n    windows:\n      - {name: p, start: 2025-06-01, days: 10, set: {m: 1%}}\n"
    text = VALID.replace("  a: {}\n", parent)
    [(line, _, message)] = problems(text)
    assert line == 20  # the child's window, which is the one that collides
    assert "'w' and 'p'" in message


def test_extends_cycle() -> None:
    text = VALID.replace("  a: {}\n", "  a: {extends: b}\n")
    found = problems(text)
    assert all("'extends' forms a cycle" in p[2] for p in found)
    assert {p[0] for p in found} == {14}  # once per cycle, at its first scenario


def test_long_chains_of_yields_and_extends_are_linear() -> None:
    # 4,000 measures each yielding to the next, closed into a cycle; 4,000 scenarios each
    # extending the previous: one cycle message (cut short), and the chain limit.
    measures = "".join(
        f"  m{i}: {{importer: US, exporter: CN, basis: b, yields_to: [m{(i + 1) % 4000}]}}\n"
        for i in range(4000)
    )
    scenarios = "  s0: {}\n" + "".join(f"  s{i}: {{extends: s{i - 1}}}\n" for i in range(1, 4000))
    text = (
        "tariffs: 1\ntitle: t\nperiod: {start: 2025-01-01, until: 2026-01-01}\non: 2025-06-01\n"
        "flows: [{importer: US, exporter: CN, value: 1bn}]\n"
        f"measures:\n{measures}scenarios:\n{scenarios}"
    )
    found = problems(text)
    assert found[0][2] == (
        "'yields_to' forms a cycle: m0 -> m1 -> m2 -> m3 -> m4 -> m5 -> m6 -> m7 -> m8 -> m9 "
        "-> ... (4,000 in all) -> m0"
    )
    assert found[1][2] == (
        "scenario 's32' extends a chain of more than 32 scenarios, the most there may be"
    )


def test_unknown_disable_and_change_measures() -> None:
    text = VALID.replace(
        "    extends: a\n",
        "    extends: a\n    disable: [nope]\n    changes:\n      2025-03-01: {other: 5%}\n",
    )
    found = problems(text)
    assert [(p[0], p[1]) for p in found] == [(17, 15), (19, 20)]


def test_measure_on_undeclared_flow() -> None:
    line, _, message = only_problem(VALID.replace("    importer: US\n", "    importer: JP\n"))
    assert line == 9
    assert "no flow with that importer and exporter" in message


def test_duplicate_flow() -> None:
    text = VALID.replace(
        "value: 438.9bn}\n", "value: 438.9bn}\n  - {importer: US, exporter: CN, value: 1}\n"
    )
    line, column, message = only_problem(text)
    assert (line, column) == (7, 5)
    assert "declared twice" in message


# --- YAML-level errors ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ("a: 1\na: 2\n", (2, 1), "duplicate key 'a' (first defined on line 1)"),
        ("a: &x 1\nb: *x\n", (1, 4), "anchors (&name) are not allowed"),
        ("a: *x\n", (1, 4), "aliases (*name) are not allowed"),
        ("<<: {a: 1}\n", (1, 1), "merge keys (<<) are not allowed"),
        ("a: 1\n---\nb: 2\n", (2, 1), "expected one YAML document, found several"),
        ("a:\n\tb: 1\n", (2, 1), "a tab character is not allowed here"),
        ("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), (1, MAX_DEPTH + 1), "nesting is deeper"),
        ("", (1, 1), "file is empty"),
        ("# only a comment\n", (1, 1), "file is empty"),
        ("- a\n- b\n", (1, 1), "the top level must be a mapping"),
        ("a: [1\n", (2, 1), "did not find expected"),
    ],
)
def test_yaml_errors(text: str, where: tuple[int, int], message: str) -> None:
    line, column, found = only_problem(text)
    assert (line, column) == where
    assert message in found


# --- bytes and files --------------------------------------------------------------------------


def write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "s.yaml"
    path.write_bytes(data)
    return path


def load_problem(path: Path) -> str:
    with pytest.raises(ScenarioError) as caught:
        load(path)
    [problem] = caught.value.problems
    return str(problem)


def test_bad_utf8_names_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, b"a: 1\nbb: \xff\n")
    assert load_problem(path) == f"{path}:2:5: file is not valid UTF-8 (byte 0xff)"


def test_utf16_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, "a: 1\n".encode("utf-16"))
    assert load_problem(path) == f"{path}:1:1: file is UTF-16; save it as UTF-8"


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = write(tmp_path, b"\xef\xbb\xbf" + VALID.encode())
    assert load(path).title == "t"


def test_oversized_file_is_refused_before_parsing(tmp_path: Path) -> None:
    path = write(tmp_path, b"#" * (MAX_BYTES + 1))
    assert load_problem(path).endswith(
        "file is larger than 10 MiB (10,485,761 bytes); refusing to parse it"
    )


def test_binary_file(tmp_path: Path) -> None:
    path = write(tmp_path, b"a: 1\n\x00\x01\x02")
    assert load_problem(path) == f"{path}:2:1: file contains NUL bytes; is it binary?"


def test_missing_file_and_directory(tmp_path: Path) -> None:
    assert load_problem(tmp_path / "nope.yaml") == f"{tmp_path / 'nope.yaml'}:1:1: no such file"
    assert load_problem(tmp_path).endswith("is a directory, not a scenario file")


def test_a_csv_row_keeps_the_line_models_fields_in_their_order() -> None:
    # Rows of a lines file are kept as input.lines.Row, made from a validated
    # format.Line's fields in order: the two must list the same fields alike.
    from tariffs.input import format as models  # noqa: PLC0415
    from tariffs.input.lines import Row  # noqa: PLC0415

    assert Row._fields == tuple(models.Line.model_fields)
