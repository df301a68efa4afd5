"""`tariffs check FILE... --entries EXPECTATIONS.yaml`: expectations on an entry file's
totals, lines, duty lines and refunds, evaluated under the law of the scenario files."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from typer.testing import CliRunner

from tariffs.cli import app

from .test_entry import FIXTURES, LAW_2025, LAW_2026

EXPECTED = f"{FIXTURES}/expected-2026.yaml"
REFUNDS = f"{FIXTURES}/expected-refunds.yaml"


def check(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["check", *args])
    return result.exit_code, result.stdout, result.stderr


def test_the_shipped_expectations_hold() -> None:
    # 4 of the scenario files' own expect: lists, 10 on the entries
    assert check(LAW_2025, LAW_2026, "--entries", EXPECTED) == (0, "14 passed, 0 failed\n", "")
    assert check(LAW_2025, "--entries", REFUNDS) == (0, "8 passed, 0 failed\n", "")


def _expectations(tmp_path: Path, body: str, entries: str = "figures.csv") -> str:
    (tmp_path / entries).write_text(
        (Path(FIXTURES) / "figures-2026.csv").read_text(encoding="utf-8"), encoding="utf-8"
    )
    path = tmp_path / "expected.yaml"
    path.write_text(f"tariffs: 1\nentries: {entries}\nexpect:\n{body}", encoding="utf-8")
    return str(path)


def test_a_figure_off_by_a_cent_fails_with_its_place(tmp_path: Path) -> None:
    path = _expectations(
        tmp_path,
        "  - {scenario: as-enacted, entry: EN1-0000001-6, duty: 9616.75}\n"
        "  - {scenario: as-enacted, entry: EN1-0000001-6, effective_rate: 77.91%}\n"
        "  - {scenario: as-enacted, entry: EN1-0000001-6, line: 1, measure: us-301-list3, "
        "duty_amount: 3086.25}\n",
    )
    code, out, err = check(LAW_2026, "--entries", path)
    assert code == 1
    assert out == (
        f"{path}:4:56: expected as-enacted, entry EN1-0000001-6, duty: 9616.75, got 9616.76 "
        "(+0.01 off; a value is checked to the cent: give a 'tolerance' for more)\n"
        f"{path}:5:66: expected as-enacted, entry EN1-0000001-6, effective_rate: 77.91%, got "
        "77.9% (-0.01pp off; a value is checked to 0.01pp: give a 'tolerance' for more)\n"
        "3 passed, 2 failed\n"
    )
    assert err == ""


def test_a_tolerance_allows_what_it_says(tmp_path: Path) -> None:
    path = _expectations(
        tmp_path,
        "  - {scenario: as-enacted, entry: EN1-0000001-6, duty: 9616.75, tolerance: 0.01}\n"
        # 77.9% is 0.4pp from 78.3%: a tolerance of 0.5pp (rates in percentage points)
        "  - {scenario: as-enacted, entry: EN1-0000001-6, effective_rate: 78.3%, "
        "tolerance: 0.5pp}\n"
        "  - {scenario: as-enacted, entry: EN1-0000001-6, mpf: 42.70, tolerance: 0.05}\n",
    )
    code, out, _ = check(LAW_2026, "--entries", path)
    assert code == 1
    assert out == (
        f"{path}:6:55: expected as-enacted, entry EN1-0000001-6, mpf: 42.70, got 42.76 "
        "(+0.06 off; 0.05 allowed)\n"
        "4 passed, 1 failed\n"
    )


def test_a_rate_s_tolerance_is_in_percentage_points(tmp_path: Path) -> None:
    path = _expectations(
        tmp_path,
        "  - {scenario: as-enacted, entry: EN1-0000001-6, effective_rate: 78%, tolerance: 0.5%}\n",
    )
    code, _, err = check(LAW_2026, "--entries", path)
    assert code == 1
    assert err == (
        f"{path}:4:82: tolerance: write a rate's tolerance in percentage points, such as "
        "0.5pp, got '0.5%'\n"
    )


def test_what_the_result_does_not_hold_fails(tmp_path: Path) -> None:
    path = _expectations(
        tmp_path,
        "  - {scenario: as-enacted, entry: NO-SUCH, duty: 1}\n"
        "  - {scenario: as-enacted, entry: EN1-0000001-6, line: 1, measure: us-fentanyl-cn, "
        "duty_amount: 0}\n",
    )
    code, out, _ = check(LAW_2026, "--entries", path)
    assert code == 1
    assert out.splitlines() == [
        f"{path}:4:50: expected as-enacted, entry NO-SUCH, duty: 1, got no entry NO-SUCH",
        f"{path}:5:97: expected as-enacted, entry EN1-0000001-6, line 1, us-fentanyl-cn, "
        "duty_amount: 0, got line 1 of entry EN1-0000001-6 owes nothing under us-fentanyl-cn",
        "2 passed, 2 failed",
    ]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "  - {scenario: as-enacted, entry: E, duty: 1, mpf: 2}\n",
            "4:5: an expectation states one metric, such as duty (it states duty, mpf)",
        ),
        (
            "  - {scenario: as-enacted, entry: E, duty_amount: 1}\n",
            "4:38: duty_amount is a metric of entry_duty (one duty line of an entry line, as cbp "
            "form 7501 lists them): give line, measure",
        ),
        (
            "  - {scenario: as-enacted, entry: E, total_duty: 1}\n",
            "4:38: total_duty is a metric of entry_total (every entry of the file under one "
            "scenario, from the origins as entered or all from one other): without entry",
        ),
        (
            "  - {scenario: as-enacted, entry: E, duty: 12%}\n",
            "4:44: expect.0.duty: '12%' is not an amount",
        ),
        (
            "  - {scenario: as-enacted, entry: E, rates: 1}\n",
            "4:38: unknown key 'rates' (known: scenario, origin, entry, line, measure, "
            "tolerance, note",
        ),
        (
            "  - {scenario: nope, entry: E, duty: 1}\n",
            "4:38: tests/fixtures/entries/us-2026.yaml has no scenario 'nope'",
        ),
    ],
)
def test_an_expectation_that_cannot_be_checked_is_refused(
    tmp_path: Path, body: str, message: str
) -> None:
    path = _expectations(tmp_path, body)
    code, out, err = check(LAW_2026, "--entries", path)
    assert (code, out) == (1, "")
    assert err.startswith(f"{path}:{message}")


def test_the_entry_file_stays_inside_the_expectations_folder(tmp_path: Path) -> None:
    folder = tmp_path / "checks"
    folder.mkdir()
    path = folder / "expected.yaml"
    path.write_text(
        "tariffs: 1\nentries: ../figures.csv\nexpect:\n"
        "  - {scenario: as-enacted, entry: E, duty: 1}\n",
        encoding="utf-8",
    )
    code, out, err = check(LAW_2026, "--entries", str(path))
    assert (code, out) == (1, "")
    assert err == (
        f"{path}:2:10: '../figures.csv' is outside the scenario file's folder; refusing to "
        "read it\n"
    )


def test_junit_holds_a_suite_per_expectations_file(tmp_path: Path) -> None:
    xml = tmp_path / "check.xml"
    code, _, _ = check(LAW_2025, LAW_2026, "--entries", EXPECTED, "--junit", str(xml))
    assert code == 0
    root = ET.fromstring(xml.read_text(encoding="utf-8"))  # noqa: S314 - written by the test
    assert (root.get("tests"), root.get("failures")) == ("14", "0")
    suites = {suite.get("name"): int(suite.get("tests") or 0) for suite in root}
    assert suites == {LAW_2025: 2, LAW_2026: 2, EXPECTED: 10}
