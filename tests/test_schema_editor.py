"""One file, one meaning: what tariffs reads is what editors, yq and check-jsonschema read.

An HS code written as a YAML number is kept as written only when every YAML reader reads
the same code from it; a leading zero (`0207`) or a trailing zero after the point
(`8473.30`) needs quotes, and `tariffs validate` says so at the code's line and column.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML  # check-jsonschema's YAML reader (YAML 1.2)

from tariffs.input.literals import parse_hs
from tariffs.input.load import load, load_text
from tariffs.input.problems import ScenarioError
from tariffs.input.yamlsource import parse

from .conftest import ROOT

HEAD = """\
tariffs: 1
title: t
period: {start: 2025-01-01, until: 2026-01-01}
on: 2025-06-01
"""


def scenario(code: str) -> str:
    """A file with `code` (as YAML text) in each of the four places an HS code goes."""
    return HEAD + (
        "flows:\n"
        "  - importer: US\n"
        "    exporter: CN\n"
        f"    lines: [{{hs: {code}, description: x, value: 1m}}]\n"
        "measures:\n"
        "  a:\n"
        "    importer: US\n"
        "    exporter: CN\n"
        "    basis: b\n"
        f"    applies_to: [{code}]\n"
        f"    excludes: [{{hs: [{code}]}}]\n"
        f"    product_rates: [{{hs: [{code}], rates: {{2025-01-01: 5%}}}}]\n"
        "scenarios:\n"
        "  s: {}\n"
    )


def problems(text: str) -> list[tuple[int, int, str]]:
    with pytest.raises(ScenarioError) as caught:
        load_text(text, "f.yaml")
    return [(p.line, p.column, p.message) for p in caught.value.problems]


def other_readers(text: str) -> list[object]:
    """What YAML 1.2 (ruamel, as check-jsonschema) and YAML 1.1 (PyYAML) readers load."""
    return [YAML(typ="safe", pure=True).load(text), yaml.safe_load(text)]


@pytest.mark.parametrize(
    ("code", "number"),
    [
        ("0207", "207"),
        ("0207.14", "207.14"),
        ("03", "3"),
        ("8473.30", "8473.3"),
        ("8470.0", "8470"),
        ("8703.800", "8703.8"),
    ],
)
def test_a_code_that_other_readers_read_otherwise_must_be_quoted(code: str, number: str) -> None:
    message = (
        f'write the HS code {code} in quotes, "{code}": unquoted, other YAML readers '
        f"(editors, yq, check-jsonschema) take it for the number {number}"
    )
    assert problems(scenario(code)) == [
        (8, 18, f"flows.0.lines.0.hs: {message}"),
        (14, 18, f"measures.a.applies_to.0: {message}"),
        (15, 22, f"measures.a.excludes.0.hs.0: {message}"),
        (16, 27, f"measures.a.product_rates.0.hs.0: {message}"),
    ]
    study = load_text(scenario(f'"{code}"'), "f.yaml")  # quoted, it is the code as written
    assert study.flows[0].lines[0].code == code
    assert study.measures[0].applies_to == (code.replace(".", ""),)


@pytest.mark.parametrize("code", ["8517.", "85e2", "8.5e1"])
def test_a_code_with_an_exponent_or_a_bare_point_is_refused(code: str) -> None:
    found = problems(scenario(code))
    assert len(found) == 4
    assert all(
        "a code has no exponent, and no point without digits after it" in p[2] for p in found
    )


@pytest.mark.parametrize("code", ["85", "8517", "8517.13", "8541.42", "2711.11", "8517130000"])
def test_a_code_every_reader_reads_alike_needs_no_quotes(code: str) -> None:
    study = load_text(scenario(code), "f.yaml")
    assert study.flows[0].lines[0].code == code
    for data in other_readers(scenario(code)):
        assert isinstance(data, dict)
        assert str(data["measures"]["a"]["applies_to"][0]) == code


def test_leading_zeros_elsewhere_are_still_text() -> None:
    # Only HS codes are read as codes; a title or a name of digits is text, as before.
    text = scenario("85").replace("title: t", "title: 0207").replace("  s: {}", "  0304: {}")
    study = load_text(text, "f.yaml")
    assert study.title == "0207"
    assert [s.name for s in study.scenarios] == ["0304"]


def test_codes_in_a_lines_file_are_text(tmp_path: Path) -> None:
    # CSV has no numbers: 0207 and 8473.30 in a cell are the codes as written.
    (tmp_path / "lines.csv").write_text(
        "hs,description,value\n0207,poultry,1m\n8473.30,parts,2m\n", encoding="utf-8"
    )
    text = scenario("85").replace(
        "    lines: [{hs: 85, description: x, value: 1m}]\n", "    lines_file: lines.csv\n"
    )
    (tmp_path / "s.yaml").write_text(text, encoding="utf-8")
    assert [line.code for line in load(tmp_path / "s.yaml").flows[0].lines] == ["0207", "8473.30"]


_DIGITS = st.text("0123456789", min_size=2, max_size=10)


@st.composite
def numerals(draw: st.DrawFn) -> str:
    """HS codes that YAML may read as numbers: 2 to 10 digits, at most one point after the
    second digit; leading and trailing zeros are common."""
    digits = draw(_DIGITS | st.sampled_from(["0207", "8473.30", "03", "8470", "0100"]))
    if "." in digits or len(digits) == 2 or not draw(st.booleans()):
        return digits
    point = draw(st.integers(2, len(digits) - 1))
    return f"{digits[:point]}.{digits[point:]}"


def _as_text(value: object) -> str:
    if isinstance(value, float):
        return repr(value)
    return str(value)


@settings(max_examples=300, deadline=None)
@given(numerals())
def test_an_unquoted_code_is_accepted_only_if_every_reader_reads_the_same_code(code: str) -> None:
    text = f"hs: {code}\n"
    data, _ = parse(text)
    refused = ""
    try:
        kept = parse_hs(data["hs"])
    except ValueError as exc:
        refused = str(exc)
    if refused:
        assert "in quotes" in refused or "no exponent" in refused
        assert parse_hs(code) == code  # quoted, the code is read as written
        return
    assert kept == code
    for theirs in other_readers(text):
        assert isinstance(theirs, dict)
        assert _as_text(theirs["hs"]) == code, f"{code} is {theirs['hs']!r} to another reader"


def test_the_format_doc_shows_the_real_message(tmp_path: Path) -> None:
    # docs/format.md quotes what validate says of the shipped file without its quotes.
    shipped = (ROOT / "scenarios" / "products-2025.yaml").read_text(encoding="utf-8")
    assert '"8473.30"' in shipped
    (tmp_path / "data").mkdir()
    for csv in (ROOT / "scenarios" / "data").glob("*.csv"):
        (tmp_path / "data" / csv.name).write_bytes(csv.read_bytes())
    unquoted = tmp_path / "products.yaml"
    unquoted.write_text(shipped.replace('"8473.30"', "8473.30"), encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load(unquoted)
    [problem] = caught.value.problems
    line = str(problem).replace(str(tmp_path) + "/", "")
    doc = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")
    assert f"```text\n{line}\n```" in doc
