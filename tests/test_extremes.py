"""Extreme values: each gives a one-line message and an exit code, never a traceback.

Decimal signals, date overflow, recursion, huge numbers and odd saved results are user
problems: they are caught where they arise, and the message names the file, the line and
a value cut to about 60 characters.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from tariffs.cli import app
from tariffs.render import fmt

from .conftest import GOLDEN, ROOT

BASE = """\
tariffs: 1
title: extreme
period: {start: 2025-01-01, until: 2026-01-01}
on: 2025-06-01
flows:
  - {importer: US, exporter: CN, value: 100bn FLOW}
measures:
  m: {importer: US, exporter: CN, basis: b, rates: {2025-01-01: RATE}}
scenarios:
  s: {WINDOWS}
EXPECT
"""


def scenario(
    tmp_path: Path,
    *,
    rate: str = "10%",
    flow: str = "",
    windows: str = "",
    expect: str = "",
) -> Path:
    path = tmp_path / "x.yaml"
    text = (
        BASE.replace("RATE", rate)
        .replace(" FLOW", flow)
        .replace("WINDOWS", windows)
        .replace("EXPECT", expect)
    )
    path.write_text(text, encoding="utf-8")
    return path


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), prog_name="tariffs", catch_exceptions=False)


def one_line(result: Result, code: int = 1) -> str:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    [line] = result.stderr.splitlines()
    assert len(line) < 300
    return line


@pytest.mark.parametrize(
    ("rate", "message"),
    [
        ("1e999999", "write percents with a % sign, such as 30%: 1E+999999 is not a rate"),
        ("1e-999999", "write percents with a % sign, such as 30%: 1E-999999 is not a rate"),
        ("0.3", "write percents with a % sign: 0.3 is ambiguous (did you mean 0.3%, or 30%?)"),
        ("9" * 41, "a number of 41 characters; numbers here have at most 40"),
        ("1" * 5000, "a number of 5,000 characters; numbers here have at most 40"),
        ('"' + "9" * 100 + '%"', "9999[...]' is not a percent"),
    ],
)
def test_huge_and_tiny_rates(tmp_path: Path, rate: str, message: str) -> None:
    line = one_line(run("validate", str(scenario(tmp_path, rate=rate))))
    assert line.startswith(f"{tmp_path / 'x.yaml'}:8:")
    assert message in line


@pytest.mark.parametrize(
    "bound",
    ["1e-999999", "0.0000000000000000000000000000000001", "1e999999"],
)
def test_check_with_absurd_precision_or_size(tmp_path: Path, bound: str) -> None:
    expect = f'expect:\n  - {{scenario: s, flow: "US:CN", duties: {bound}}}'
    path = scenario(tmp_path, expect=expect)
    for command in ("validate", "check"):
        line = one_line(run(command, str(path)))
        assert line.startswith(f"{path}:12:42: expect.0.duties: an amount")


def test_a_huge_response_is_computed_not_a_crash(tmp_path: Path) -> None:
    # e = -20 and observed at 99999%: at 10% the factor is (110 / 100099) ** -20, about
    # 6.6e59, so imports reach 1e71: far past 28 digits, yet exact to the cent when shown.
    path = scenario(tmp_path, flow=", elasticity: -20, observed_at: 99999%")
    assert run("validate", str(path)).exit_code == 0
    for form in ("table", "json", "csv", "markdown"):
        result = run("compare", str(path), "-f", form)
        assert result.exit_code == 0, result.output
    doc = json.loads(run("compare", str(path), "-f", "json").stdout)
    imports = doc["files"][0]["scenarios"][0]["flows"][0]["response"]["imports"]
    assert 1e70 < imports < 1e72


def test_rounding_beyond_28_digits_is_exact() -> None:
    from decimal import Decimal  # noqa: PLC0415

    big = Decimal("123456789012345678901234567890.125")  # 30 digits before the point
    assert fmt.number(big, 2) == "123456789012345678901234567890.13"  # half up
    assert fmt.pct(big, 1) == "123,456,789,012,345,678,901,234,567,890.1%"


@pytest.mark.parametrize(
    ("windows", "message"),
    [
        (
            "windows: [{name: w, start: 0001-01-01, days: 5, set: {m: 1%}}]",
            "dates run from 1900-01-01 to 2199-12-31, got '0001-01-01'",
        ),
        (
            "windows: [{name: w, start: 9999-12-31, days: 5, set: {m: 1%}}]",
            "dates run from 1900-01-01 to 2199-12-31, got '9999-12-31'",
        ),
        (
            "changes: {0001-01-01: {m: 1%}}",
            "dates run from 1900-01-01 to 2199-12-31, got '0001-01-01'",
        ),
    ],
)
def test_dates_at_the_ends_of_the_calendar(tmp_path: Path, windows: str, message: str) -> None:
    path = scenario(tmp_path, windows=windows)
    for command in ("validate", "compare", "check"):
        assert message in one_line(run(command, str(path)))


def test_on_at_the_end_of_the_calendar() -> None:
    result = run("compare", "scenarios/geneva.yaml", "--on", "0001-01-01")
    assert result.exit_code == 2
    assert "dates run from 1900-01-01 to 2199-12-31" in result.stderr


@pytest.mark.parametrize(
    "value",
    ['!!int "0x1F"', '!!float ".inf"', "!!binary aGVsbG8=", "!!python/name:os.system ''"],
)
def test_explicit_tags_are_refused(tmp_path: Path, value: str) -> None:
    path = scenario(tmp_path, rate=value)
    line = one_line(run("validate", str(path)))
    assert "tags (!!" in line
    assert "are not allowed in scenario files" in line


# --- saved results --------------------------------------------------------------------------


@pytest.fixture
def saved(tmp_path: Path) -> dict[str, object]:
    doc: dict[str, object] = json.loads((GOLDEN / "geneva.compare.json").read_text())
    return doc


def diff_saved(tmp_path: Path, doc: object) -> Result:
    path = tmp_path / "saved.json"
    path.write_text(json.dumps(doc))
    return run("diff", str(path), str(ROOT / "scenarios" / "geneva.yaml"))


def _first_flow(doc: dict[str, object]) -> dict[str, object]:
    files = doc["files"]
    assert isinstance(files, list)
    flow: dict[str, object] = files[0]["scenarios"][0]["flows"][0]
    return flow


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", "rate_on: expected a number, got text 'abc'"),
        (None, "rate_on: expected a number, got null"),
        (True, "rate_on: expected a number, got true"),
        ([1], "rate_on: expected a number, got a list"),
    ],
)
def test_a_saved_result_with_a_wrong_value_is_refused(
    tmp_path: Path, saved: dict[str, object], value: object, message: str
) -> None:
    _first_flow(saved)["rate_on"] = value
    result = diff_saved(tmp_path, saved)
    assert result.exit_code == 2
    assert f"files.0.scenarios.0.flows.0.{message}" in result.stderr


def test_a_saved_result_with_a_scenario_twice_is_refused(
    tmp_path: Path, saved: dict[str, object]
) -> None:
    files = saved["files"]
    assert isinstance(files, list)
    files[0]["scenarios"].append(files[0]["scenarios"][0])
    result = diff_saved(tmp_path, saved)
    assert result.exit_code == 2
    assert "scenario 'no-deal' is listed twice" in result.stderr


def test_a_saved_result_with_a_huge_number_is_refused(tmp_path: Path) -> None:
    text = (
        (GOLDEN / "geneva.compare.json")
        .read_text()
        .replace('"rate_on": 145,', '"rate_on": 1e999999,', 1)
    )
    path = tmp_path / "saved.json"
    path.write_text(text)
    result = run("diff", str(path), "scenarios/geneva.yaml")
    assert result.exit_code == 2
    assert "the number 1E+999999 is out of range for a result" in result.stderr


def test_a_saved_result_nested_100000_deep(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"format": ' + "[" * 100_000 + "]" * 100_000 + "}")
    result = run("diff", str(path), "scenarios/geneva.yaml")
    line = one_line(result, 2)
    assert line == f"{path}:1:1011: while increasing flow level exceeded maximum nesting depth"


def test_a_saved_result_with_nan_is_not_a_result(tmp_path: Path) -> None:
    text = (
        (GOLDEN / "geneva.compare.json")
        .read_text()
        .replace('"rate_on": 145,', '"rate_on": NaN,', 1)
    )
    path = tmp_path / "saved.json"
    path.write_text(text)
    result = run("diff", str(path), "scenarios/geneva.yaml")
    assert result.exit_code == 2
    assert "Traceback" not in result.output
