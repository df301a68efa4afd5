"""Expectations that are strict by default, loose only when asked, about every metric the
outputs show, and in a file of their own (`tariffs check FILE --expect EXPECTATIONS`).

Figures are scenarios/products-2025.yaml's and scenarios/world-2025.yaml's, worked by hand.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tariffs.cli import app

PRODUCTS = "scenarios/products-2025.yaml"


def write(tmp_path: Path, *entries: str, head: str = "tariffs: 1\nexpect:\n") -> Path:
    path = tmp_path / "mine.yaml"
    path.write_text(head + "".join(f"  - {e}\n" for e in entries), encoding="utf-8")
    return path


def check(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["check", *args])
    return result.exit_code, result.stdout, result.stderr


# --- strict by default, loose when asked --------------------------------------------------

# US on CN under busan on 1 June: smartphones (8517.13) pay the fentanyl 20% only (the
# reciprocal layer's electronics carve-out, MFN Free): 20%.


def test_a_whole_percent_is_exact_to_a_hundredth_of_a_point(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        # exact: 20 is 20.00, and so is the product's rate
        '{scenario: busan, flow: "US:CN", hs: "8517.13", rate: 20%}',
        # 20.3% was accepted by `20%` when the digits set the precision (±0.5 pp): no more
        '{scenario: busan, flow: "US:CN", hs: "8517.13", rate: 20.3%}',
        # loose when asked: 20.3 ± 0.5 pp holds 20
        '{scenario: busan, flow: "US:CN", hs: "8517.13", rate: 20.3%, tolerance: 0.5pp}',
    )
    code, out, _ = check(PRODUCTS, "--expect", str(path))
    assert code == 1
    [failure, summary] = out.splitlines()[-2:]
    assert failure == (
        f"{path}:4:59: expected busan, US on CN, rate of HS 8517.13 on 2025-06-01: 20.3%, got "
        "20% (-0.3pp off; a value is checked to 0.01pp: give a 'tolerance' for more)"
    )
    assert summary == "14 passed, 1 failed"  # the file's own 12, then these 3


def test_money_is_checked_to_a_ten_thousandth(tmp_path: Path) -> None:
    # 8517.13's static duties under busan: 41.7bn x 15.9452...% (its average: fentanyl 10%
    # for 28 days, 20% for 251, 10% for 52 from the Busan cut: 5,820 / 365 = 15.945205...)
    # = 6,649,150,684.93. `6.65bn` is checked to the nearest 100k (6.65bn / 10,000 = 665k ->
    # 100k): 6,649.2m is not 6,650.0m; `6.6492bn` is.
    path = write(
        tmp_path,
        '{scenario: busan, flow: "US:CN", hs: "8517.13", duties: 6.65bn}',
        '{scenario: busan, flow: "US:CN", hs: "8517.13", duties: 6.6492bn}',
        '{scenario: busan, flow: "US:CN", hs: "8517.13", duties: 6.65bn, tolerance: 1m}',
    )
    code, out, _ = check(PRODUCTS, "--expect", str(path))
    assert code == 1
    assert out.splitlines()[-2] == (
        f"{path}:3:61: expected busan, US on CN, static duties of HS 8517.13: 6.65bn, got "
        "6.6492bn (-849.3151k off; a value is checked to 100k: give a 'tolerance' for more)"
    )


# --- every metric the outputs show ---------------------------------------------------------


@pytest.mark.parametrize(
    "entry",
    [
        # the line's own average: 5,820 / 365 = 15.9452%
        '{scenario: busan, flow: "US:CN", hs: "8517.13", average: 15.9452%}',
        '{scenario: busan, flow: "US:CN", hs: "8517.13", line_average_rate: 15.9452%}',
        # its static duties: 41.7bn x 15.945205...% = 6,649,150,684.93
        '{scenario: busan, flow: "US:CN", hs: "8517.13", line_static_duties: 6649150684.93}',
        # its imports after the response, elasticity -1 from 0%: 41.7bn x average of
        # 1/(1 + t): 28 days at 1/1.1, 251 at 1/1.2, 52 at 1/1.1, 34 at 1/1 (before 4 Feb)
        # = 41.7bn x (80/1.1 + 251/1.2 + 34) / 365 = 36,089,800,747.20
        '{scenario: busan, flow: "US:CN", hs: "8517.13", line_imports: 36089800747.2}',
        # the peak of the flow's rate was first reached on 10 April (145% on China)
        '{scenario: busan, flow: "US:CN", peak_from: 2025-04-10}',
        # a flow's trade response, by the registry's names
        '{scenario: busan, flow: "US:CN", imports: {min: 300bn, max: 400bn}}',
        '{scenario: busan, flow: "US:CN", consumer_cost: {min: 100bn}}',
    ],
)
def test_every_metric_can_be_expected(tmp_path: Path, entry: str) -> None:
    code, out, err = check(PRODUCTS, "--expect", str(write(tmp_path, entry)))
    assert code == 0, out + err
    assert out == "13 passed, 0 failed\n"  # the file's own 12, and this one


def test_the_mfn_layer_can_be_expected_as_any_other(tmp_path: Path) -> None:
    # world-2025's US:CN MFN: 2.7% on lines that state none, auto parts 2.5%, electronics
    # Free: (15.0 x 2.5 + (21.8 + 4.4 + 75.2 + 245.327) x 2.7) / 438.9 = 973.6629 / 438.9
    # = 2.2184 pp of the flow's average, all year
    path = write(tmp_path, '{scenario: as-enacted, flow: "US:CN", layer: mfn, average: 2.2184%}')
    code, out, err = check("scenarios/world-2025.yaml", "--expect", str(path))
    assert (code, out, err) == (0, "15 passed, 0 failed\n", "")


def test_a_metric_with_no_value_there_fails_with_nothing(tmp_path: Path) -> None:
    # no scenario of products-2025 has a window on CN:US: its largest cliff is null
    path = write(tmp_path, '{scenario: no-deal, flow: "CN:US", max_cliff: 0pp}')
    code, out, _ = check(PRODUCTS, "--expect", str(path))
    assert code == 1
    assert out.splitlines()[-2] == (
        f"{path}:3:51: expected no-deal, CN on US, max_cliff: 0pp, got nothing (the metric "
        "has no value here)"
    )


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            '{scenario: busan, flow: "US:CN", hs: "8517.99", duties: 1bn}',
            "3:42: flow US:CN has no line HS 8517.99, so it has no 'duties' (its lines: 8517.13, ",
        ),
        (
            '{scenario: busan, flow: "CN:US", consumer_cost: 1bn}',
            "3:38: flow CN:US has no trade response (give its lines an elasticity), so it "
            "has no 'consumer_cost'",
        ),
        (
            '{scenario: busan, flow: "US:CN", layer: us-fentanyl, duties: 1bn}',
            "3:58: 'duties' is no metric of a layer (with 'layer'); it states rate, average, "
            "layer_rate_on, layer_average_rate",
        ),
        (
            '{scenario: busan, flow: "US:CN", peak_from: 2025-04-10, on: 2025-05-01}',
            "3:61: 'on' goes with a rate on a date only, not with 'peak_from'",
        ),
    ],
)
def test_what_cannot_be_expected_is_refused_where_it_is_written(
    tmp_path: Path, entry: str, message: str
) -> None:
    path = write(tmp_path, entry)
    code, out, err = check(PRODUCTS, "--expect", str(path))
    assert (code, out) == (1, "")
    assert f"{path}:{message}" in err, err


def test_a_product_whose_mfn_is_unknown_has_no_rate_to_expect(tmp_path: Path) -> None:
    # the fixture's US:CA lines state MFN, and it has no unclassified rest: 9999.99 is no
    # line, nor under one, so its MFN, and so its rate, is unknown
    path = write(tmp_path, '{scenario: as-written, flow: "US:CA", hs: "9999.99", rate: 10%}')
    code, _, err = check("tests/fixtures/shares-2025.yaml", "--expect", str(path))
    assert code == 1
    assert err.startswith(
        f"{path}:3:47: HS 9999.99's MFN is unknown (no line of US:CA has this code or a code "
        "it starts with), so its rate is unknown"
    )
    # where a flow has an unclassified rest with its own MFN, the rest's MFN is the code's
    world = write(tmp_path, '{scenario: as-enacted, flow: "US:CN", hs: "9999.99", rate: 37.19%}')
    assert check("scenarios/world-2025.yaml", "--expect", str(world))[0] == 0


# --- a file of expectations -----------------------------------------------------------------


def test_a_file_of_expectations_pins_a_file_it_does_not_own(tmp_path: Path) -> None:
    # world-2025's US total on 2025-01-01: 3.4388% (its own expect, worked there by hand)
    path = write(
        tmp_path,
        '{scenario: as-enacted, flow: "US:*", on: 2025-01-01, rate: 3.4388%}',
        '{scenario: as-enacted, flow: "US:*", on: 2025-01-01, rate: 3.5%}',
    )
    junit = tmp_path / "check.xml"
    code, out, _ = check("scenarios/world-2025.yaml", "--expect", str(path), "--junit", str(junit))
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == (
        f"{path}:4:64: expected as-enacted, US's total, rate on 2025-01-01: 3.5%, got 3.4388% "
        "(-0.0612pp off; a value is checked to 0.01pp: give a 'tolerance' for more)"
    )
    assert lines[1] == "15 passed, 1 failed"  # the file's own 14 and one of these two
    root = ET.fromstring(junit.read_text(encoding="utf-8"))  # noqa: S314 - our own output
    suites = root.findall("testsuite")
    assert [(s.get("name"), s.get("tests"), s.get("failures")) for s in suites] == [
        ("scenarios/world-2025.yaml", "14", "0"),
        (str(path), "2", "1"),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("tariffs: 1\nexpect: []\n", "2:9: expect: must not be empty: give at least one entry"),
        ("tariffs: 2\nexpect: []\n", "1:10: tariffs: unsupported format version 2"),
        ("- a\n", "1:1: expected a mapping with 'tariffs: 1' and an 'expect' list"),
        (
            'tariffs: 1\nexpect:\n  - {scenario: nope, flow: "US:CN", rate: 1%}\n',
            "3:16: unknown scenario 'nope' (known: as-enacted, ",
        ),
    ],
)
def test_a_bad_file_of_expectations_is_reported_at_its_own_place(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    code, out, err = check("scenarios/world-2025.yaml", "--expect", str(path))
    assert (code, out) == (1, "")
    assert err.startswith(f"{path}:{message}"), err


def test_a_file_of_expectations_is_about_one_file(tmp_path: Path) -> None:
    path = write(tmp_path, '{scenario: busan, flow: "US:CN", rate: 20%}')
    result = CliRunner().invoke(
        app, ["check", PRODUCTS, "scenarios/geneva.yaml", "--expect", str(path)]
    )
    assert result.exit_code == 2
    assert "an expectations file is about one scenario file; 2 were given" in result.stderr
