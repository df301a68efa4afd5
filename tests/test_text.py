"""Text that reaches other programs: terminals, spreadsheets, Markdown, JSON and JUnit XML.

A scenario file (and its lines file, and its file name) carries terminal escapes, bidi
overrides, zero-width characters, carriage returns and spreadsheet formulas in every
field that is shown. Each output must show them inert: visible escapes for people, OWASP's
quote for spreadsheets, JSON escapes for machines, and well-formed XML.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from typer.testing import CliRunner, Result

from tariffs.cli import app
from tariffs.render import safe

from .conftest import ROOT as ROOT_DIR
from .test_installed import TARIFFS

# In YAML double quotes: \e is ESC, \a is BEL, \r is CR.
HOSTILE = r"""
tariffs: 1
title: "Title\e]0;pwned\a\e[2J\r# INJECTED"
period: {start: 2025-01-01, until: 2026-01-01}
on: 2025-06-01
baseline: base
sources: ["=HYPERLINK(\"http://evil\")", "\u202eevil"]
flows:
  - {importer: US, exporter: CN, lines_file: lines.csv}
measures:
  m:
    importer: US
    exporter: CN
    basis: "=cmd|' /C calc'!A0\e[31m"
    rates: {2025-01-01: 10%}
    excludes:
      - {hs: [8517], from: 2025-03-01, note: "+note\u200bzero\u2066width"}
scenarios:
  base: {description: "@SUM(1+1)\e]8;;http://evil\e\\link"}
  deal:
    description: "-2+3"
    windows:
      - {name: "win\rdow\x85\u202e", start: 2025-05-14, days: 90, set: {m: 0%}}
expect:
  - {scenario: deal, flow: "US:CN", window: "win\rdow\x85\u202e", saved: {min: 0}}
"""
LINES = 'hs,description,value\n8517.13,"=1+1\x1b[5m",5bn\n8471,"\tTAB",3bn\n,"-cmd\r\nCRLF",2bn\n'
UNSAFE = [chr(c) for c in range(0x20) if c != 0x0A] + ["\x7f", "\x85", "\u202e", "\u200b", "\u2066"]


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    folder = tmp_path / "s"
    folder.mkdir()
    (folder / "lines.csv").write_text(LINES, encoding="utf-8", newline="")
    path = folder / "hostile\x1b[1m.yaml"
    path.write_text(HOSTILE, encoding="utf-8")
    return path


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), prog_name="tariffs", catch_exceptions=False)


def assert_inert(text: str) -> None:
    found = sorted({repr(c) for c in text if c in UNSAFE})
    assert not found, f"raw control or invisible characters: {found}"


# --- the choke point ---------------------------------------------------------------------


def test_visible_covers_every_control_and_format_character() -> None:
    # Checked against this Python's Unicode database, so the list cannot go stale unseen.
    categories = {"Cc", "Cf", "Zl", "Zp", "Cs"}
    missing = [
        f"U+{c:04X}"
        for c in range(0x110000)
        if unicodedata.category(chr(c)) in categories and safe.visible(chr(c)) == chr(c)
    ]
    assert missing == []
    # and nothing else but the noncharacters XML refuses, and format characters that newer
    # Unicode versions add (Egyptian hieroglyph controls)
    extra = [
        c
        for c in range(0x110000)
        if unicodedata.category(chr(c)) not in categories and safe.visible(chr(c)) != chr(c)
    ]
    assert extra == [0xFFFE, 0xFFFF, *range(0x13439, 0x13440)]


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07"),
        ("\x1b[2J", "\\x1b[2J"),
        ("a\u202eb", "a\\u202eb"),
        ("zero\u200bwidth", "zero\\u200bwidth"),
        ("tag\U000e0041", "tag\\U000e0041"),
        ("line\nbreak", "line\\x0abreak"),
        ("bad byte \udcff", "bad byte \\xff"),
        ("Genève \u2013 ok", "Genève \u2013 ok"),  # printable: kept
    ],
)
def test_visible(text: str, shown: str) -> None:
    assert safe.visible(text) == shown
    assert safe.visible(safe.visible(text)) == shown  # idempotent


# --- every format ----------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["table", "markdown"])
@pytest.mark.parametrize("command", ["compare", "timeline"])
def test_text_for_people_shows_escapes(hostile: Path, command: str, fmt: str) -> None:
    result = run(command, str(hostile), "-f", fmt)
    assert result.exit_code == 0, result.stderr
    assert_inert(result.stdout)
    # Markdown escapes the backslash and bracket of the shown escape: it renders as \x1b]0;
    shown = "\\x1b]0;pwned\\x07" if fmt == "table" else "\\\\x1b\\]0;pwned\\\\x07"
    assert shown in result.stdout


def test_table_shows_each_hostile_field(hostile: Path) -> None:
    out = run("compare", str(hostile)).stdout
    assert "Title\\x1b]0;pwned\\x07\\x1b[2J\\x0d# INJECTED" in out
    assert "hostile\\x1b[1m.yaml" in out
    assert "win\\x0ddow\\x85\\u202e" in out
    assert "=1+1\\x1b[5m" in out  # a line's description, from the CSV


def test_rate_and_diff_show_escapes(hostile: Path, tmp_path: Path) -> None:
    result = run("rate", str(hostile), "--flow", "US:CN", "--hs", "8517.13", "--on", "2025-04-01")
    assert result.exit_code == 0
    assert_inert(result.stdout)
    assert "+note\\u200bzero\\u2066width" in result.stdout
    assert "=cmd|' /C calc'!A0\\x1b[31m" in result.stdout
    other = tmp_path / "other.yaml"
    other.write_text(HOSTILE.replace("win\\rdow", "w\\e[8min").replace("-2+3", "\\e[0m"))
    (tmp_path / "lines.csv").write_text(LINES, newline="")
    for fmt in ("table", "markdown"):
        result = run("diff", str(hostile), str(other), "-f", fmt)
        assert result.exit_code == 1
        assert_inert(result.stdout)
        assert ("\\x1b[8m" if fmt == "table" else "\\\\x1b\\[8m") in result.stdout


def test_markdown_cannot_start_a_line_or_break_a_row(hostile: Path) -> None:
    out = run("compare", str(hostile), "-f", "markdown").stdout
    assert "## Title\\\\x1b\\]0;pwned\\\\x07\\\\x1b\\[2J<br># INJECTED" in out
    assert not any(line.startswith("# INJECTED") for line in out.splitlines())
    rows = [line for line in out.splitlines() if "win" in line and line.startswith("|")]
    assert rows
    assert all(line.endswith("|") and line.count(" | ") >= 9 for line in rows)
    assert "win<br>dow\\\\x85\\\\u202e" in out


def test_csv_cells_are_never_formulas(hostile: Path) -> None:
    result = run("compare", str(hostile), "-f", "csv")
    assert result.exit_code == 0
    assert_inert(result.stdout)
    rows = list(csv.reader(io.StringIO(result.stdout)))
    text_cells = [cell for row in rows[1:] for cell in (row[0], row[1], row[4])]
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in text_cells)
    items = {row[4] for row in rows}
    assert "win\\x0ddow\\x85\\u202e" in items
    assert all(row[0].endswith("hostile\\x1b[1m.yaml") for row in rows[1:])
    # numbers stay numbers, negative ones included; a text value is neutralised
    assert {row[7] for row in rows[1:] if row[8] == "text"} == {"base"}
    values = [row[7] for row in rows[1:] if row[7] and row[8] != "text"]
    assert any(v.startswith("-") for v in values)
    assert all(v.lstrip("-").replace(".", "").isdigit() for v in values)


def test_csv_formula_cells_get_a_quote(tmp_path: Path) -> None:
    for text, cell in [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-cmd", "'-cmd"),
        ("@SUM", "'@SUM"),
        ("\tx", "\\x09x"),
        ("ok-name", "ok-name"),
    ]:
        assert safe.csv_cell(text) == cell


def test_json_keeps_every_value_and_no_raw_escape(hostile: Path) -> None:
    result = run("compare", str(hostile), "-f", "json")
    assert result.exit_code == 0
    assert_inert(result.stdout)
    doc = json.loads(result.stdout)
    [file] = doc["files"]
    assert file["title"] == "Title\x1b]0;pwned\x07\x1b[2J\r# INJECTED"  # the exact value
    assert file["path"].endswith("hostile\x1b[1m.yaml")
    windows = [w["window"] for s in file["scenarios"] for w in s["windows"]]
    assert windows == ["win\rdow\x85\u202e"]
    descriptions = [line["description"] for line in file["scenarios"][0]["flows"][0]["lines"]]
    assert descriptions == ["=1+1\x1b[5m", "TAB", "-cmd\r\nCRLF"]  # CSV cells are stripped


def test_junit_xml_is_well_formed(hostile: Path, tmp_path: Path) -> None:
    named = tmp_path / "x\x01y.yaml"
    named.write_text(HOSTILE)
    (tmp_path / "lines.csv").write_text(LINES, newline="")
    junit = tmp_path / "junit.xml"
    result = run("check", str(hostile), str(named), "--junit", str(junit))
    assert result.exit_code == 0, result.stderr
    text = junit.read_text(encoding="utf-8")
    root = ET.fromstring(text)  # noqa: S314 - our own output; it must parse
    names = [suite.get("name") for suite in root]
    assert names == [str(hostile).replace("\x1b", "\\x1b"), str(named).replace("\x01", "\\x01")]
    assert_inert(text)
    assert_inert(result.stdout)


def test_messages_show_escapes(tmp_path: Path) -> None:
    bad = tmp_path / "bad\x1b]0;x\x07.yaml"
    bad.write_text('tariffs: 1\ntitle: "\\e[2J"\nbaseline: "\\e[31m"\n')
    result = run("validate", str(bad))
    assert result.exit_code == 1
    assert_inert(result.stderr)
    assert "bad\\x1b]0;x\\x07.yaml:" in result.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX terminals")
def test_on_a_terminal_only_our_own_colours_are_escapes(hostile: Path) -> None:
    import pty  # noqa: PLC0415 - POSIX only

    leader, follower = pty.openpty()
    with subprocess.Popen(
        [TARIFFS, "compare", str(hostile)], stdout=follower, stderr=follower
    ) as proc:
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closes when the process ends
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert proc.wait(timeout=60) == 0
    os.close(leader)
    shown = b"".join(chunks).decode("utf-8")
    assert "\x1b[" in shown  # rich's colours: SGR sequences only
    without_colour = re.sub(r"\x1b\[[0-9;]*m", "", shown)
    assert_inert(without_colour.replace("\r\n", "\n"))
    assert "Title\\x1b]0;pwned\\x07" in without_colour


# --- usage errors and messages that quote what a user gave -------------------------------


def test_a_file_name_in_a_usage_error_is_shown_escaped(tmp_path: Path) -> None:
    # A file a pull request adds, named with escapes, quoted by "has no scenario".
    named = tmp_path / "g\x1b]0;PWN\x07\u202e.yaml"
    named.write_text((ROOT_DIR / "scenarios" / "geneva.yaml").read_text())
    for args in (
        ["compare", str(named), "-s", "nope"],
        ["timeline", str(named), "--flow", "XX:YY"],
    ):
        done = subprocess.run(
            [TARIFFS, *args], capture_output=True, text=True, timeout=60, check=False
        )
        assert done.returncode == 2
        assert_inert(done.stderr)
        assert "g\\x1b]0;PWN\\x07\\u202e.yaml" in done.stderr


@pytest.mark.parametrize(
    "args",
    [["compare", "--x\u202ey\u200b"], ["timeline", "a", "b", "c\u202ed\u200b"]],
    ids=["no-such-option", "extra-argument"],
)
def test_typer_s_own_usage_errors_are_escaped(args: list[str]) -> None:
    done = subprocess.run([TARIFFS, *args], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2
    assert_inert(done.stderr)
    assert "\\u202e" in done.stderr


def test_quoted_values_are_cut_to_about_60_characters(tmp_path: Path) -> None:
    long = "q" * 1_000  # YAML allows plain keys of up to 1,024 characters
    path = tmp_path / "x.yaml"
    path.write_text(
        "tariffs: 1\ntitle: t\nperiod: {start: 2025-01-01, until: 2026-01-01}\non: 2025-06-01\n"
        f"{long}: 1\n"
        "flows:\n  - {importer: US, exporter: CN, value: 1bn}\n"
        "measures:\n  m: {importer: US, exporter: CN, basis: b, rates: {2025-01-01: 10%}}\n"
        f"scenarios:\n  {long}: {{}}\n  s:\n    windows:\n"
        f"      - {{name: {long}, start: 2025-01-01, days: 5, set: {{m: 0%}}}}\n"
        f"      - {{name: {long}, start: 2025-02-01, days: 5, set: {{m: 0%}}}}\n"
    )
    result = run("validate", str(path))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) >= 2  # the unknown key and the scenario name, at least
    assert all(len(line) < len(str(path)) + 300 for line in lines)  # two cut names at most
    result = run("rate", "scenarios/geneva.yaml", "--flow", "US:" + "C" * 100_000, "--hs", "85")
    assert result.exit_code == 2
    assert len(result.stderr) < 2_000


def test_names_a_message_lists_are_cut_to_ten(tmp_path: Path) -> None:
    # 4,000 measures and 4,000 unknown names: one line each, not 4,000 names each.
    measures = "".join(
        f"  m{i:04d}: {{importer: US, exporter: CN, basis: b}}\n" for i in range(4_000)
    )
    path = tmp_path / "x.yaml"
    path.write_text(
        "tariffs: 1\ntitle: t\nperiod: {start: 2025-01-01, until: 2026-01-01}\non: 2025-06-01\n"
        "flows:\n  - {importer: US, exporter: CN, value: 1bn}\n"
        f"measures:\n{measures}scenarios:\n  s: {{disable: [{', '.join(['q'] * 4_000)}]}}\n"
    )
    result = run("validate", str(path))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0].endswith(
        "unknown measure 'q' (known: m0000, m0001, m0002, m0003, m0004, m0005, m0006, m0007, "
        "m0008, m0009 and 3,990 more)"
    )
    assert len(lines) == 101  # the first 100 problems, and how many more there are
    assert lines[-1].endswith("3,900 more problems after this line are not shown; fix these first")


def test_a_control_character_in_yaml_is_placed(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text('tariffs: 1\ntitle: t\n\n\nnotes: "a\x1bb"\n')
    result = run("validate", str(path))
    assert result.stderr == (
        f"{path}:5:10: the character U+001B is not allowed in a YAML file "
        "(control characters are not allowed)\n"
    )
