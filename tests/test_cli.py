"""The command line, in-process through typer's CliRunner."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from tariffs import __version__
from tariffs.cli import app
from tariffs.input.schema import scenario_schema_text

from .conftest import ROOT

GENEVA = "scenarios/geneva.yaml"


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), prog_name="tariffs", catch_exceptions=False)


def test_version() -> None:
    result = run("--version")
    assert (result.exit_code, result.stdout) == (0, f"tariffs {__version__}\n")


def test_help_lists_commands_and_exit_codes() -> None:
    result = run("--help")
    assert result.exit_code == 0
    words = ("compare", "validate", "timeline", "rate", "check", "diff", "schema", "141")
    for word in (*words, "path:line:col"):
        assert word in result.stdout


@pytest.mark.parametrize(
    "command", ["compare", "validate", "timeline", "rate", "check", "diff", "init", "schema"]
)
def test_every_command_has_an_example(command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Example:" in result.stdout
    assert f"tariffs {command}" in result.stdout


def test_no_arguments_is_a_usage_error() -> None:
    assert run().exit_code == 2


def test_compare_headline_rates() -> None:
    # The headline rates on 1 June 2025 (docs/sources.md#headline-rates): US 145% -> 30%,
    # China 125% -> 10%.
    result = run("compare", GENEVA, "--format", "json")
    assert result.exit_code == 0
    [file] = json.loads(result.stdout)["files"]
    rates = {
        (s["name"], f["importer"]): f["rate_on"] for s in file["scenarios"] for f in s["flows"]
    }
    assert rates[("no-deal", "US")] == 145
    assert rates[("geneva", "US")] == 30
    assert rates[("no-deal", "CN")] == 125
    assert rates[("geneva", "CN")] == 10


def test_compare_on_overrides_the_file_date() -> None:
    # 9 April 2025, the one day at 104% (20 fentanyl + 84 reciprocal) under every scenario.
    result = run("compare", GENEVA, "--on", "2025-04-09", "--format", "csv", "-s", "geneva")
    lines = [line for line in result.stdout.splitlines() if ",rate_on," in line]
    assert lines[0].endswith(",geneva,US,CN,,rate_on,2025-04-09,104,percent")


def test_compare_subset_and_baseline() -> None:
    result = run("compare", GENEVA, "-s", "busan", "-b", "geneva", "--format", "json")
    [file] = json.loads(result.stdout)["files"]
    assert file["baseline"] == "geneva"
    assert [s["name"] for s in file["scenarios"]] == ["busan"]
    us = file["scenarios"][0]["flows"][0]
    # (12514 - 16442) / 365 = -10.7616..., rounded half up to 4 places
    assert us["delta_average_rate"] == pytest.approx(-10.7616)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--on", "2025-13-01"], "is not a calendar date"),
        (["--on", "June"], "expected a date as YYYY-MM-DD"),
        (["-s", "nope"], "has no scenario 'nope'"),
        (["-b", "nope"], "has no scenario 'nope'"),
        (["--format", "xml"], "Invalid value for '--format'"),
        (["--width", "10"], "Invalid value for '--width'"),
    ],
)
def test_usage_errors_exit_2(args: list[str], message: str) -> None:
    result = run("compare", GENEVA, *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_invalid_file_exits_1_with_positions(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("tariffs: 1\ntitle: t\ntitle: u\n")
    result = run("compare", str(bad))
    assert result.exit_code == 1
    assert result.stderr == f"{bad}:3:1: duplicate key 'title' (first defined on line 2)\n"
    assert "Traceback" not in result.output


def test_validate_ok_and_failures(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("tariffs: 2\n")
    result = run("validate", GENEVA, str(bad))
    assert result.exit_code == 1
    assert result.stdout == f"{GENEVA}: ok (4 scenarios, 3 measures, 2 flows)\n"
    assert f"{bad}:1:10: tariffs: unsupported format version 2" in result.stderr


def test_validate_all_shipped_scenarios() -> None:
    paths = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "scenarios").glob("*.yaml"))
    result = run("validate", *paths)
    assert result.exit_code == 0
    assert result.stdout.count(": ok (") == len(paths)


def test_timeline_shows_segments_and_chart() -> None:
    result = run("timeline", GENEVA, "--scenario", "geneva", "--flow", "us:cn", "--width", "160")
    assert result.exit_code == 0
    assert "US on CN under 'geneva'" in result.stdout
    assert "| 2025-05-14 | 2025-08-11 |   90 |" in result.stdout
    assert "us-reciprocal 125.0% -> 10.0% (Geneva truce starts)" in result.stdout
    assert "145% |" in result.stdout
    assert "CN on US" not in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--flow", "US"], "IMPORTER:EXPORTER"), (["--flow", "US:JP"], "has no flow 'US:JP'")],
)
def test_timeline_bad_flow(args: list[str], message: str) -> None:
    result = run("timeline", GENEVA, *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_schema_command_matches_committed_file() -> None:
    committed = (ROOT / "schema" / "scenario.schema.json").read_text(encoding="utf-8")
    assert scenario_schema_text() == committed, "run: tariffs schema > schema/scenario.schema.json"
    assert run("schema").stdout == committed


def test_output_file_is_written_and_inputs_are_protected(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    result = run("compare", GENEVA, "--format", "json", "--output", str(target))
    assert (result.exit_code, result.stdout) == (0, "")
    assert json.loads(target.read_text())["format"] == "tariffs.compare"
    assert list(tmp_path.iterdir()) == [target]  # no temporary file left behind
    refused = run("compare", GENEVA, "--output", GENEVA)
    assert refused.exit_code == 2
    assert "refusing to overwrite the input file" in refused.stderr
    missing = run("compare", GENEVA, "--output", str(tmp_path / "no" / "out.txt"))
    assert missing.exit_code == 2
    assert "does not exist" in missing.stderr


def test_an_interrupted_write_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "results.json"
    target.write_text("previous results\n", encoding="utf-8")

    def interrupted(src: str, dst: str) -> None:
        raise KeyboardInterrupt  # as if Ctrl-C arrived after writing, before the rename

    monkeypatch.setattr("os.replace", interrupted)
    result = run("compare", GENEVA, "-f", "json", "-o", str(target))
    assert result.exit_code == 130  # Ctrl-C: "Aborted!", 128 + SIGINT
    assert target.read_text(encoding="utf-8") == "previous results\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.json"]
    monkeypatch.undo()
    assert run("compare", GENEVA, "-f", "json", "-o", str(target)).exit_code == 0
    assert target.read_text(encoding="utf-8").startswith('{\n  "format": "tariffs.compare"')
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.json"]


def test_table_output_is_plain_and_fits_the_width() -> None:
    for width in ("120", "160"):
        result = run("compare", GENEVA, "--width", width)
        assert "\x1b[" not in result.stdout
        assert max(len(line) for line in result.stdout.splitlines()) <= int(width)
        assert not any(line.endswith(" ") for line in result.stdout.splitlines())


def test_narrow_width_splits_tables_and_keeps_every_number_whole() -> None:
    # At 60 columns the tables cannot fit: they are split into parts that repeat the
    # scenario, and every number and date of a row appears whole beside its scenario.
    narrow = run("compare", GENEVA, "--width", "60").stdout.splitlines()
    wide = run("compare", GENEVA).stdout.splitlines()
    assert max(len(line) for line in narrow) <= 60

    def cells(line: str) -> list[str]:
        return [cell.strip() for cell in line.strip("|").split("|")]

    shown: dict[str, set[str]] = {}
    for line in narrow:
        if line.startswith("|"):
            key, *rest = cells(line)
            shown.setdefault(key, set()).update(rest)
    value = re.compile(r"[-+]?[\d.,]+(%| pp)?|base|\d{4}-\d\d-\d\d")
    rows = [cells(line) for line in wide if line.startswith("|")]
    rows = [row for row in rows if row[0] not in ("", "Scenario")]
    assert len(rows) == 20
    for key, *rest in rows:
        assert {cell for cell in rest if value.fullmatch(cell)} <= shown[key]


def test_a_repeated_scenario_is_shown_once() -> None:
    result = run("compare", GENEVA, "-s", "geneva", "-s", "geneva", "-f", "json")
    [file] = json.loads(result.stdout)["files"]
    assert [s["name"] for s in file["scenarios"]] == ["geneva"]


def complete(line: str) -> list[str]:
    """What bash completion offers for the last word of `line`, in process."""
    words = line.split()
    env = {
        "_TARIFFS_COMPLETE": "complete_bash",
        "COMP_WORDS": line,
        "COMP_CWORD": str(len(words) if line.endswith(" ") else len(words) - 1),
    }
    result = CliRunner().invoke(app, [], prog_name="tariffs", env=env)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return result.stdout.split()


def test_completion_offers_the_scenarios_and_flows_of_the_file_on_the_line(
    tmp_path: Path,
) -> None:
    assert complete(f"tariffs compare {GENEVA} -s ") == ["no-deal", "geneva", "extended", "busan"]
    assert complete(f"tariffs timeline {GENEVA} --scenario ex") == ["extended"]
    assert complete(f"tariffs compare {GENEVA} -b n") == ["no-deal"]
    # timeline's --flow also takes an importer's total over its partners
    assert complete(f"tariffs timeline {GENEVA} --flow ") == ["US:CN", "CN:US", "US:*", "CN:*"]
    assert complete(f"tariffs rate {GENEVA} --flow C") == ["CN:US"]
    assert complete(f"tariffs sweep {GENEVA} -s b") == ["busan"]
    broken = tmp_path / "broken.yaml"
    broken.write_text("tariffs: 1\ntitle: [\n", encoding="utf-8")
    for line in (f"tariffs timeline {broken} -s ", "tariffs timeline missing.yaml --flow "):
        assert complete(line) == []


def test_help_names_arguments_by_metavar_and_width_as_n() -> None:
    for command, shown in (("check", "FILE..."), ("compare", "FILE..."), ("rate", "FILE")):
        text = run(command, "--help").stdout
        assert f"  {shown}  " in text
        assert "<list[Path]>" not in text
        assert "<path>" not in text
    assert "--width N " in run("compare", "--help").stdout
    assert "<int range>" not in run("compare", "--help").stdout


def test_an_unknown_option_lists_the_options_there_are() -> None:
    # "--he" was answered "Possible options: --help": the help option is no answer.
    result = run("timeline", GENEVA, "--he")
    assert result.exit_code == 2
    assert "--help" not in result.output.splitlines()[-1]
    result = run("timeline", GENEVA, "--bogus", "85")
    assert result.exit_code == 2
    options = "--against, --by, --flow, --format, --hs, --output, --plot, --scenario, --width"
    assert f"Possible options: {options}" in result.output
    assert "Possible options: --scenario" in run("timeline", GENEVA, "--scenari", "x").output


def test_counts_are_pluralised(tmp_path: Path) -> None:
    one = tmp_path / "one.yaml"
    one.write_text(
        "tariffs: 1\ntitle: t\nperiod: {start: 2025-01-01, until: 2025-01-02}\n"
        "on: 2025-01-01\nflows: [{importer: US, exporter: CN, value: 1bn}]\n"
        "measures: {m: {importer: US, exporter: CN, basis: b, rates: {2025-01-01: 10%}}}\n"
        "scenarios: {s: {}}\n",
        encoding="utf-8",
    )
    assert run("validate", str(one)).stdout == f"{one}: ok (1 scenario, 1 measure, 1 flow)\n"
    assert "(1 day)" in run("compare", str(one)).stdout
    assert "(1 day)" in run("timeline", str(one)).stdout
    assert "(4 scenarios, 3 measures, 2 flows)" in run("validate", GENEVA).stdout
