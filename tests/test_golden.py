"""Golden files: every shipped scenario in every format, byte for byte.

After an intended change of output, run `pytest --update-golden` and review the diff of
tests/golden/ like any other change.
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from tariffs.cli import app

from .conftest import GOLDEN, SCENARIOS

FORMATS = {"table": "txt", "json": "json", "csv": "csv", "markdown": "md"}
CASES = [
    (scenario.stem, command, fmt, ext)
    for scenario in SCENARIOS
    for command in ("compare", "timeline")
    for fmt, ext in FORMATS.items()
]


def test_every_scenario_is_covered() -> None:
    assert {path.stem for path in SCENARIOS} == {
        "geneva",
        "products-2025",
        "scotus-2026",
        "world-2025",
        "world-2026",
    }


@pytest.mark.parametrize(("stem", "command", "fmt", "ext"), CASES)
def test_golden(stem: str, command: str, fmt: str, ext: str, update_golden: bool) -> None:
    args = [command, f"scenarios/{stem}.yaml", "--format", fmt]
    assert_golden(args, f"{stem}.{command}.{ext}", update_golden)


def assert_golden(args: list[str], name: str, update_golden: bool) -> None:
    """The command's output equals golden file `name` (written first with --update-golden)."""
    result = CliRunner().invoke(app, args, prog_name="tariffs", catch_exceptions=False)
    assert result.exit_code == 0, result.output
    golden = GOLDEN / name
    if update_golden:
        golden.write_text(result.stdout, encoding="utf-8", newline="")
    assert result.stdout == golden.read_text(encoding="utf-8")


LAW_CASES = [("compare", fmt, ext) for fmt, ext in FORMATS.items()] + [
    ("rate", fmt, ext) for fmt, ext in FORMATS.items() if fmt != "csv"
]


@pytest.mark.parametrize(("command", "fmt", "ext"), LAW_CASES)
def test_golden_law(command: str, fmt: str, ext: str, update_golden: bool) -> None:
    # the law's forms on three partners: MFN, all-in, dated yields, CBP order, the US total
    args = [command, "tests/fixtures/law-2025.yaml", "--format", fmt]
    if command == "rate":
        args += ["--flow", "US:CN", "--hs", "7208.51", "--on", "2025-06-10"]
    assert_golden(args, f"law-2025.{command}.{ext}", update_golden)


TOTAL_ARGS = [
    *("timeline", "tests/fixtures/us-total-2025.yaml", "--flow", "US:*"),
    *("--by", "authority", "--by", "layer", "--by", "partner"),
    *("--against", "tests/fixtures/tracker-us-2025.csv"),
]
"""An importer's total day by day, split every way, against a tracker's series; its figures
are worked by hand in tests/test_totals.py."""


@pytest.mark.parametrize(("fmt", "ext"), FORMATS.items())
def test_golden_importer_total(fmt: str, ext: str, update_golden: bool) -> None:
    assert_golden([*TOTAL_ARGS, "--format", fmt], f"us-total-2025.timeline.{ext}", update_golden)
