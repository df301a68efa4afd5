"""Keep the README and docs/ true: they must match what the code does and prints."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from pydantic import BaseModel
from typer.testing import CliRunner

from tariffs import contract, metrics
from tariffs.calc.compare import compare
from tariffs.cli import app, exits
from tariffs.input import format as models
from tariffs.input.load import load
from tariffs.render import fmt, reference

from .conftest import GOLDEN, ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def code_words(text: str) -> set[str]:
    """Identifiers inside inline code spans: `files[].path` gives files and path."""
    return {w for span in re.findall(r"`([^`\n]+)`", text) for w in re.findall(r"[\w-]+", span)}


FORMAT_DOC = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")
OUTPUT_DOC = (ROOT / "docs" / "output.md").read_text(encoding="utf-8")
OUTPUT_WORDS = code_words(OUTPUT_DOC)


def test_readme_output_is_the_real_output() -> None:
    match = re.search(
        r"<!-- output: tariffs compare scenarios/geneva.yaml -->\n```text\n(.*?)```\n", README, re.S
    )
    assert match, "README lost its pasted output block"
    assert match.group(1) == (GOLDEN / "geneva.compare.txt").read_text(encoding="utf-8")


def test_quick_start_is_two_commands_and_ci_runs_the_test_one() -> None:
    block = re.search(r"## Quick start\n.*?```sh\n(.*?)```", README, re.S)
    assert block
    install_and_run, install_and_test = block.group(1).strip().splitlines()
    assert install_and_run.endswith("tariffs compare scenarios/geneva.yaml")
    assert install_and_test.endswith("python -m pytest")
    assert install_and_test in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_readme_shows_every_command_and_exit_code() -> None:
    for command in ("compare", "validate", "timeline", "check", "diff", "init", "schema", "entry"):
        assert f"`tariffs {command}" in README
    section = README.split("### Exit codes", 1)[1].split("\n#", 1)[0]
    documented = {
        int(code)
        for row in section.splitlines()
        if row.startswith("| ") and row[2].isdigit()
        for code in row.split("|")[1].split(",")
    }
    assert documented == {value for name, value in vars(exits).items() if name.startswith("EXIT_")}
    root_help = CliRunner().invoke(app, ["--help"]).stdout
    assert all(f"\n      {code} " in root_help for code in documented)


def _fields(model: type[BaseModel]) -> set[str]:
    return {field.alias or name for name, field in model.model_fields.items()}


@pytest.mark.parametrize(
    "model",
    [
        models.ScenarioFile,
        models.Period,
        models.Flow,
        models.Measure,
        models.Scenario,
        models.Window,
        models.Sweep,
        models.Expectation,
        models.Line,
        models.Exclusion,
        models.ProductRate,
        models.ProductSet,
        models.Yield,
        models.AllIn,
    ],
)
def test_format_doc_names_every_key(model: type[BaseModel]) -> None:
    missing = {name for name in _fields(model) if f"`{name}`" not in FORMAT_DOC}
    assert not missing, f"docs/format.md does not describe {sorted(missing)}"


def _keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


@pytest.mark.parametrize(
    "args",
    [
        ["compare", "scenarios/products-2025.yaml", "-s", "busan"],
        ["timeline", "scenarios/geneva.yaml", "-s", "busan"],
        ["rate", "scenarios/products-2025.yaml", "--flow", "US:CN", "--hs", "8708"],
        ["diff", "scenarios/geneva.yaml", "tests/fixtures/geneva-145.yaml"],
    ],
    ids=["compare", "timeline", "rate", "diff"],
)
def test_output_doc_names_every_json_key(args: list[str]) -> None:
    out = CliRunner().invoke(app, [*args, "-f", "json"])
    document = json.loads(out.stdout)
    layer_names = {"us-fentanyl", "us-reciprocal", "cn-counter"}  # keys of `layers`: data
    missing = _keys(document) - layer_names - OUTPUT_WORDS
    assert not missing, f"docs/output.md does not describe {sorted(missing)}"


@pytest.mark.parametrize("command", ["compare", "timeline"])
def test_output_doc_names_every_csv_column_and_metric(command: str) -> None:
    path = "scenarios/products-2025.yaml"
    out = CliRunner().invoke(app, [command, path, "-f", "csv", "-s", "busan"])
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    names = set(rows[0]) | {row["metric"] for row in rows}
    missing = names - OUTPUT_WORDS
    assert not missing, f"docs/output.md does not describe {sorted(missing)}"


def test_output_doc_holds_the_metrics_reference_of_the_registry() -> None:
    # Generated from tariffs.metrics: every metric of every kind, as each format shows it.
    # After a change of the registry, paste reference.metrics_markdown() into the block.
    start = OUTPUT_DOC.index(reference.BEGIN)
    end = OUTPUT_DOC.index(reference.END) + len(reference.END) + 1
    assert OUTPUT_DOC[start:end] == reference.metrics_markdown()
    for name in metrics.names():
        assert f"`{name}`" in OUTPUT_DOC or f"delta_{name}" in OUTPUT_DOC


def test_format_doc_holds_the_expectations_reference_of_the_registry() -> None:
    # Generated from tariffs.metrics: what an `expect:` entry can state, by what it is about.
    start = FORMAT_DOC.index(reference.EXPECT_BEGIN)
    end = FORMAT_DOC.index(reference.EXPECT_END) + len(reference.EXPECT_END) + 1
    assert FORMAT_DOC[start:end] == reference.expect_markdown()


def test_the_committed_result_schema_is_the_registry_s() -> None:
    committed = (ROOT / "schema" / "result.schema.json").read_text(encoding="utf-8")
    assert committed == contract.schema_text(), "run: tariffs schema --results > schema/..."
    assert CliRunner().invoke(app, ["schema", "--results"]).stdout == committed
    text = json.dumps(contract.schema())
    for name in metrics.names():
        assert f'"{name}"' in text, f"the result schema lacks {name}"


ECONOMICS = (ROOT / "docs" / "economics.md").read_text(encoding="utf-8")


def test_economics_doc_quotes_the_tools_own_numbers() -> None:
    study = load(ROOT / "scenarios" / "products-2025.yaml")
    section = ECONOMICS.split("## 4. Real data", 1)[1].split("## 5.", 1)[0]  # 5: test_world
    rows = re.findall(r"^\| (2025-\d\d-\d\d) \| ([\w-]+) \| ([\d.]+)% \| .*$", section, re.M)
    assert len(rows) == 3
    for day, scenario, piie in rows:
        result = compare(study, on=date.fromisoformat(day), only=(scenario,))
        ours = result.scenarios[0].flows[0].rate_on
        row = next(line for line in ECONOMICS.splitlines() if line.startswith(f"| {day} |"))
        assert f"| +{fmt.rounded(ours, 1)} pp |" in row  # the rate on 20 Jan is 0 in the file
        gap = fmt.rounded(ours - (Decimal(piie) - Decimal("20.8")), 1)
        assert f"| {'+' if gap > 0 else ''}{gap} pp |" in row


def test_readme_console_excerpts_are_the_real_output() -> None:
    # each ```console block of the README that starts with `$ tariffs ...` (not piped):
    # every line it shows (it may leave lines out with "...") is a line of its output
    blocks = re.findall(r"```console\n\$ tariffs (.*?)\n(.*?)```\n", README, re.S)
    assert blocks
    for command, shown in blocks:
        if "|" in command:
            continue  # piped through another tool
        out = CliRunner().invoke(app, command.split()).stdout.splitlines()
        for line in shown.splitlines():
            if line != "...":
                assert line in out, f"{command}: {line!r}"
