"""`tariffs diff`: inputs and results between two versions of a scenario, exit status as diff(1).

tests/fixtures/geneva-145.yaml is scenarios/geneva.yaml with the reciprocal tariff at 145%
(not 125%) from 10 April and CN:US trade at 150bn (not 143.5bn). By hand, for US on CN:
no-deal pays 20 points more from 10 April to 31 December, 266 days: the average rises by
20 x 266 / 365 = 14.5753 pp and duties by 438.9bn x 20 x 266 / 36500 = 63.9712bn. Under
geneva the extra 20 points last from 10 April to 13 May, 34 days: +20 x 34 / 365 = 1.8630 pp.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from tariffs.cli import app
from tariffs.input.yamlsource import parse

from .conftest import GOLDEN, ROOT

GENEVA = "scenarios/geneva.yaml"
EDITED = "tests/fixtures/geneva-145.yaml"


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), prog_name="tariffs", catch_exceptions=False)


def diff_json(*args: str) -> tuple[int, dict[str, Any]]:
    result = run("diff", *args, "--format", "json")
    return result.exit_code, json.loads(result.stdout, parse_float=Decimal)


def _reversed(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _reversed(value[k]) for k in reversed(value)}
    if isinstance(value, list):
        return [_reversed(v) for v in value]
    return value


def test_a_file_against_itself_is_no_difference() -> None:
    result = run("diff", GENEVA, GENEVA)
    assert result.exit_code == 0
    assert result.stdout.startswith("No differences\n")


def test_a_copy_with_every_mapping_reordered_is_no_difference(tmp_path: Path) -> None:
    data, _ = parse((ROOT / GENEVA).read_text(encoding="utf-8"))  # PyYAML would read on: True
    copy = tmp_path / "reordered.yaml"
    copy.write_text(json.dumps(_reversed(data), indent=1), encoding="utf-8")  # JSON is YAML
    assert next(iter(parse(copy.read_text(encoding="utf-8"))[0]["scenarios"])) == "busan"
    code, doc = diff_json(GENEVA, str(copy))
    assert (code, doc["differences"], doc["inputs"], doc["results"]) == (0, 0, [], [])


def test_a_saved_result_against_its_scenario_is_no_difference(tmp_path: Path) -> None:
    saved = tmp_path / "geneva.json"
    assert run("compare", GENEVA, "-f", "json", "-o", str(saved)).exit_code == 0
    assert run("diff", str(saved), GENEVA).exit_code == 0
    assert run("diff", str(saved), str(saved)).exit_code == 0
    _code, doc = diff_json(str(saved), GENEVA)
    assert doc["inputs"] is None  # a saved result carries no inputs to compare


def test_changes_are_reported_with_hand_computed_deltas() -> None:
    code, doc = diff_json(GENEVA, EDITED)
    assert code == 1
    assert doc["inputs"] == [
        {"section": "flow", "name": "CN:US", "field": "value", "old": "143.5bn", "new": "150bn"},
        {
            "section": "measure",
            "name": "us-reciprocal",
            "field": "rate from 2025-04-10",
            "old": "125%",
            "new": "145%",
        },
    ]
    rows = {(r["scenario"], r["flow"], r["item"], r["metric"]): r for r in doc["results"]}
    average = rows[("no-deal", "US:CN", "", "average_rate")]
    assert (average["old"], average["new"], average["delta"]) == (
        Decimal("108.8055"),
        Decimal("123.3808"),
        Decimal("14.5753"),
    )
    assert rows[("no-deal", "US:CN", "", "static_duties")]["delta"] == Decimal("63971178082.19")
    assert rows[("geneva", "US:CN", "", "average_rate")]["delta"] == Decimal("1.863")
    assert rows[("no-deal", "CN:US", "", "trade_value")]["unit"] == "USD"
    assert doc["differences"] == len(doc["inputs"]) + len(doc["results"])


def test_tolerance_hides_small_result_changes_but_not_input_changes() -> None:
    code, doc = diff_json(GENEVA, EDITED, "--tolerance", "25%", "--tolerance", "100bn")
    assert code == 1  # the inputs still differ
    assert doc["results"] == []
    assert doc["tolerance"] == {"rate": 25, "money": 100000000000}
    code, doc = diff_json(GENEVA, EDITED, "-t", "14.5753pp")
    kept = {(r["scenario"], r["metric"]) for r in doc["results"] if r["flow"] == "US:CN"}
    # the change is 14.575342... pp, shown 14.5753: within a tolerance of 14.5753, ignored
    assert ("no-deal", "average_rate") not in kept
    assert ("no-deal", "rate_on") in kept  # 20 pp > 14.5753


def test_a_tolerance_is_shown_as_it_was_given() -> None:
    result = run("diff", GENEVA, EDITED, "-t", "0.5pp", "-t", "100m")
    assert result.exit_code == 1
    assert "Tolerance: 0.5pp, 100m in money" in result.stdout


@pytest.mark.parametrize(("fmt", "ext"), [("table", "txt"), ("json", "json"), ("markdown", "md")])
def test_golden(fmt: str, ext: str, update_golden: bool) -> None:
    result = run("diff", GENEVA, EDITED, "--format", fmt)
    assert result.exit_code == 1
    golden = GOLDEN / f"geneva-145.diff.{ext}"
    if update_golden:
        golden.write_text(result.stdout, encoding="utf-8", newline="")
    assert result.stdout == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((GENEVA,), "give two files, OLD and NEW"),
        (("--rev", "HEAD", GENEVA, EDITED), "with --rev, give one scenario file"),
        ((GENEVA, GENEVA, "-t", "lotsm"), "'lotsm' is not an amount"),
        (
            (GENEVA, GENEVA, "-t", "0.5"),
            "'0.5' has no unit: write a rate in percentage points with pp or %, such as 0.5pp, "
            "and money with a suffix k, m, bn or tn, such as 100m",
        ),
        ((GENEVA, "tests/fixtures/nope.yaml"), "tests/fixtures/nope.yaml:1:1: no such file"),
    ],
)
def test_trouble_exits_2(args: tuple[str, ...], message: str) -> None:
    result = run("diff", *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_an_invalid_scenario_exits_2_with_its_position(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text((ROOT / GENEVA).read_text(encoding="utf-8").replace("145%}", "145}"))
    result = run("diff", GENEVA, str(bad))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{bad}:")
    assert "write percents with a % sign" in result.stderr


def test_other_json_documents_are_refused(tmp_path: Path) -> None:
    timeline = tmp_path / "t.json"
    assert run("timeline", GENEVA, "-f", "json", "-o", str(timeline)).exit_code == 0
    result = run("diff", str(timeline), GENEVA)
    assert result.exit_code == 2
    assert "this is 'tariffs.timeline', version 2" in result.stderr
    broken = tmp_path / "b.json"
    broken.write_text('{"format": "tariffs.compare", "version": 2, "files": [{}]}')
    result = run("diff", str(broken), GENEVA)
    assert result.exit_code == 2
    assert "not a well-formed tariffs.compare result" in result.stderr
    broken.write_text('{"format": "tariffs.compare", "version": 1, "files": []}')
    result = run("diff", str(broken), GENEVA)
    assert result.exit_code == 2
    assert "version 1, which an older tariffs wrote: write it again" in result.stderr


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_rev_reads_the_old_version_with_git(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "repo"
    (repo / "scenarios").mkdir(parents=True)
    target = repo / "scenarios" / "geneva.yaml"
    shutil.copy(ROOT / GENEVA, target)
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "first")
    monkeypatch.chdir(repo)
    assert run("diff", "--rev", "HEAD", "scenarios/geneva.yaml").exit_code == 0
    shutil.copy(ROOT / EDITED, target)
    result = run("diff", "--rev", "HEAD", "scenarios/geneva.yaml", "-f", "markdown")
    assert result.exit_code == 1
    assert "- **Old:** HEAD:scenarios/geneva.yaml" in result.stdout
    assert "| measure | us-reciprocal | rate from 2025-04-10 | 125% | 145% |" in result.stdout
    monkeypatch.chdir(repo / "scenarios")  # the path is relative to where tariffs runs
    assert run("diff", "--rev", "HEAD", "geneva.yaml").exit_code == 1
    result = run("diff", "--rev", "no-such-rev", "geneva.yaml")
    assert result.exit_code == 2
    assert (
        result.stderr
        == "tariffs: unknown revision 'no-such-rev' (not a commit in this repository)\n"
    )


def _products_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "scenarios"
    shutil.copytree(ROOT / "scenarios", folder)
    return folder / "products-2025.yaml"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_product_lines_and_scopes_are_diffed(tmp_path: Path) -> None:
    copy = _products_copy(tmp_path)
    # 1bn moves from smartphones to everything else (the flow total is unchanged), and
    # monitors (8528.52 is carved out, but the line is the whole heading) join the carve-out.
    _edit(
        copy.parent / "data" / "us-imports-cn-2024.csv", "Smartphones,41700m", "Smartphones,40700m"
    )
    _edit(copy.parent / "data" / "us-imports-cn-2024.csv", 'sources)",280610m', 'sources)",281610m')
    _edit(copy, "8523.51, 8524, 8528.52,", "8523.51, 8524, 8528,")
    code, doc = diff_json("scenarios/products-2025.yaml", str(copy))
    assert code == 1
    changes = {(c["section"], c["name"], c["field"]): (c["old"], c["new"]) for c in doc["inputs"]}
    assert changes[("flow", "US:CN", "line 8517.13")] == (
        "Smartphones: 41.7bn; elasticity -1, observed at 0%",
        "Smartphones: 40.7bn; elasticity -1, observed at 0%",
    )
    assert changes[("measure", "us-reciprocal", "scope excludes 8528")] == (
        None,
        "from 2025-04-05 (electronics carve-out, memorandum of 11 Apr 2025)",
    )
    assert ("measure", "us-reciprocal", "scope excludes 8528.52") in changes  # as written
    rows = {(r["scenario"], r["item"], r["metric"]): r for r in doc["results"]}
    # Monitors now pay 20% (fentanyl only) on 1 June, not 145%.
    monitors = rows[("no-deal", "8528", "line_rate_on")]
    assert (monitors["old"], monitors["new"]) == (Decimal(145), Decimal(20))
    assert rows[("no-deal", "8517.13", "line_value")]["delta"] == Decimal(-1_000_000_000)


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_rev_reads_product_lines_at_the_revision(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = _products_copy(tmp_path)
    repo = copy.parent.parent
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "first")
    monkeypatch.chdir(repo)
    assert run("diff", "--rev", "HEAD", "scenarios/products-2025.yaml").exit_code == 0
    _edit(copy.parent / "data" / "us-imports-cn-2024.csv", "Toys,13463m", "Toys,12463m")
    _edit(copy.parent / "data" / "us-imports-cn-2024.csv", 'sources)",280610m', 'sources)",281610m')
    result = run("diff", "--rev", "HEAD", "scenarios/products-2025.yaml", "-f", "json")
    assert result.exit_code == 1
    inputs = json.loads(result.stdout)["inputs"]
    assert (inputs[0]["field"], inputs[0]["old"], inputs[0]["new"]) == (
        "line 9503",
        "Toys: 13.463bn; elasticity -1, observed at 0%",
        "Toys: 12.463bn; elasticity -1, observed at 0%",
    )
    assert [c["field"] for c in inputs] == ["line 9503", "line unclassified"]


def test_response_metrics_do_not_hide_the_flow_rates(tmp_path: Path) -> None:
    # Post-substitution rates are their own metrics: halving the elasticity moves them and
    # the imports, but not the pre-substitution rate on the report date.
    copy = _products_copy(tmp_path)
    _edit(copy, "elasticity: -1\n", "elasticity: -0.5\n")
    _code, doc = diff_json("scenarios/products-2025.yaml", str(copy))
    moved = {(r["scenario"], r["flow"], r["item"], r["metric"]) for r in doc["results"]}
    assert ("no-deal", "US:CN", "", "post_substitution_rate_on") in moved
    assert ("no-deal", "US:CN", "", "imports") in moved
    assert ("no-deal", "US:CN", "", "rate_on") not in moved


def test_saved_results_of_several_files_pair_by_path(tmp_path: Path) -> None:
    both = tmp_path / "both.json"
    one = tmp_path / "one.json"
    assert (
        run(
            "compare", GENEVA, "scenarios/scotus-2026.yaml", "-f", "json", "-o", str(both)
        ).exit_code
        == 0
    )
    assert run("compare", GENEVA, "-f", "json", "-o", str(one)).exit_code == 0
    assert run("diff", str(both), str(both)).exit_code == 0
    code, doc = diff_json(str(both), str(one))
    assert code == 1
    assert doc["results"] == [
        {
            "file": "scenarios/scotus-2026.yaml",
            "scenario": "",
            "flow": "",
            "item": "",
            "metric": "file",
            "unit": "",
            "old": "present",
            "new": None,
            "delta": None,
        }
    ]


def test_an_unclassified_line_shows_its_value_without_a_stray_colon(tmp_path: Path) -> None:
    copy = _products_copy(tmp_path)
    _edit(copy, "    lines_file: data/us-imports-cn-2024.csv\n", "")
    _code, doc = diff_json("scenarios/products-2025.yaml", str(copy))
    changed = {c["field"]: (c["old"], c["new"]) for c in doc["inputs"]}
    assert changed["line (none: one unclassified line)"] == (
        None,
        "438.9bn; elasticity -1, observed at 0%",
    )
    table = run("diff", "scenarios/products-2025.yaml", str(copy)).stdout
    assert "| : " not in table


def test_hs_codes_keep_their_dots_as_written(tmp_path: Path) -> None:
    copy = _products_copy(tmp_path)
    _edit(copy, "8517.62, 8523.51,", "8517.62, 8523.51, 8473.3,")
    _edit(copy, 'applies_to: ["8703.80", 8541', 'applies_to: ["8703.80", 8541.42.00, 8541')
    _code, doc = diff_json("scenarios/products-2025.yaml", str(copy))
    fields = {(c["name"], c["field"]) for c in doc["inputs"]}
    assert ("us-reciprocal", "scope excludes 8473.3") in fields
    rows = {(c["name"], c["field"]): c["new"] for c in doc["inputs"]}
    assert rows[("us-301-2024", "scope applies to")] == "8703.80, 8541.42.00, 8541, 8542, 8507.60"
    rate = run("rate", str(copy), "--flow", "US:CN", "--hs", "0101", "-f", "json")
    stack = json.loads(rate.stdout)["stack"]["layers"]
    why = {layer["measure"]: layer["why"] for layer in stack}
    assert why["us-301-2024"] == "applies only to HS 8703.80, 8541.42.00, 8541, 8542, 8507.60"
