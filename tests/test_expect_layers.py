"""Expectations on one product (`hs`) or one layer (`layer`), checked by `tariffs check`.

Hand figures from scenarios/products-2025.yaml (US imports from China, 2024, 438,900m):
the electronics carve-out excludes smartphones (41,700m), laptops (33,100m) and other
computers (2,373m) from the reciprocal tariff, 77,173m in all, from 5 April; motor
vehicle parts (9,059m) pay Section 232 autos instead from 3 May.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tariffs.cli import app

from .conftest import ROOT

PRODUCTS = ROOT / "scenarios" / "products-2025.yaml"


def _file(tmp_path: Path, *expectations: str) -> Path:
    """products-2025.yaml with these expectations only."""
    shutil.copytree(ROOT / "scenarios" / "data", tmp_path / "data")
    text = PRODUCTS.read_text(encoding="utf-8")
    text = text[: text.index("\nexpect:")] + "\nexpect:\n"
    text += "".join(f"  - {e}\n" for e in expectations)
    path = tmp_path / "products.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _check(path: Path) -> Any:
    return CliRunner().invoke(app, ["check", str(path)], prog_name="tariffs")


def test_a_layer_on_another_date_is_computed_for_that_date(tmp_path: Path) -> None:
    # On 9 April the reciprocal tariff is 84% on every line but the excluded electronics:
    # 84% x (438,900m - 77,173m) / 438,900m = 30,385,068 / 438,900 = 69.2300%.
    path = _file(
        tmp_path,
        "{scenario: no-deal, flow: US:CN, layer: us-reciprocal, on: 2025-04-09, rate: 69.23%}",
        "{scenario: no-deal, flow: US:CN, hs: '8507', layer: us-reciprocal, "
        "on: 2025-04-09, rate: 84%}",
        "{scenario: no-deal, flow: US:CN, hs: '8471.30', on: 2025-04-09, rate: 20%}",
    )
    result = _check(path)
    assert result.exit_code == 0, result.output
    assert result.stdout == "3 passed, 0 failed\n"


def test_a_failed_product_or_layer_expectation_says_which(tmp_path: Path) -> None:
    path = _file(
        tmp_path,
        "{scenario: geneva, flow: US:CN, hs: '8517.13', layer: us-reciprocal, rate: 10%}",
        "{scenario: geneva, flow: US:CN, layer: us-fentanyl, average: 20%}",
    )
    result = _check(path)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].endswith(
        "expected geneva, US on CN, 'us-reciprocal' rate of HS 8517.13 on 2025-06-01: 10%, got 0% "
        "(-10pp off; a value is checked to 0.01pp: give a 'tolerance' for more)"
    )
    # 10% from 4 Feb (28 days) and 20% from 4 Mar (303 days) over 365:
    # (10 x 28 + 20 x 303) / 365 = 6,340 / 365 = 17.3699%.
    assert lines[1].endswith(
        "expected geneva, US on CN, 'us-fentanyl' part of the average rate: 20%, got 17.3699pp "
        "(-2.6301pp off; a value is checked to 0.01pp: give a 'tolerance' for more)"
    )
    assert lines[2] == "0 passed, 2 failed"


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (  # a line's average needs a line of that code; its rate on a date takes any code
            "{scenario: geneva, flow: US:CN, hs: '8517.99', average: 20%}",
            "flow US:CN has no line HS 8517.99, so it has no 'average' (its lines: ",
        ),
        (
            "{scenario: geneva, flow: US:CN, layer: us-fentanyl, duties: 1bn}",
            "'duties' is no metric of a layer (with 'layer'); it states rate, average, "
            "layer_rate_on, layer_average_rate",
        ),
        (
            "{scenario: geneva, flow: US:CN, hs: '8517.13', layer: us-fentanyl, average: 1%}",
            "with 'hs' and 'layer', an expectation states the layer's rate on the product "
            "('rate'), not 'average'",
        ),
        (
            "{scenario: geneva, flow: US:CN, layer: cn-counter, rate: 10%}",
            "flow US:CN has no measure 'cn-counter' (known: us-fentanyl, us-reciprocal",
        ),
    ],
)
def test_a_misplaced_product_or_layer_is_refused(tmp_path: Path, entry: str, message: str) -> None:
    path = _file(tmp_path, entry)
    result = _check(path)
    assert result.exit_code == 1
    line = len(path.read_text(encoding="utf-8").splitlines())  # the entry is the last line
    assert result.stderr.startswith(f"{path}:{line}:")
    assert message in result.stderr
