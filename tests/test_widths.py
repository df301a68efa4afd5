"""Tables fit their width: every line of every table command, in a pipe and on a terminal.

A table too wide for its page wraps its free text at spaces, then is split into parts that
each repeat the row's key columns, then is stacked as `header: value` lines (render.plain).
A number, a name or a date is never cut, and no word is split: a word longer than a
column (a URL) breaks only after punctuation.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from tariffs.cli import app, show
from tariffs.render import plain
from tariffs.render.grids import Grid

from .conftest import SCENARIOS

WIDTHS = (40, 60, 80, 120)
WIDE = 1000
OTHER = "tests/fixtures/geneva-145.yaml"


def commands(path: Path) -> list[list[str]]:
    """The table commands on a shipped scenario: compare, timeline, rate, diff, check."""
    name = f"scenarios/{path.name}"
    out = [
        ["compare", name],
        ["timeline", name],
        ["diff", OTHER, name],
        ["rate", name, "--flow", "US:CN", "--hs", "8517.13"],
        ["rate", name, "--flow", "US:CN", "--hs", "8708.10"],
    ]
    if path.stem == "products-2025":
        out.append(["rate", name, "--flow", "US:CN", "--hs", "3004", "--on", "2025-04-20"])
    return out


def run(args: list[str], width: int | None = None) -> str:
    more = [] if width is None or args[0] == "check" else ["--width", str(width)]
    result = CliRunner().invoke(app, [*args, *more], prog_name="tariffs")
    assert result.exit_code in (0, 1), result.output  # diff exits 1 on differences
    return result.stdout


_TOKEN = re.compile(r"[A-Za-z0-9]+")


def tokens(text: str) -> set[str]:
    """The runs of letters and digits of a text: a word split across lines makes new ones."""
    return set(_TOKEN.findall(text))


CASES = [(path, args) for path in SCENARIOS for args in commands(path)]


@pytest.mark.parametrize(
    ("path", "args"), CASES, ids=[" ".join(args[:1] + args[2:]) + f" {p.stem}" for p, args in CASES]
)
def test_every_line_fits_and_no_word_is_split(path: Path, args: list[str]) -> None:
    whole = tokens(run(args, WIDE))
    for width in WIDTHS:
        text = run(args, width)
        too_wide = [line for line in text.splitlines() if len(line) > width]
        assert not too_wide, f"--width {width}: {too_wide[:3]}"
        # a word longer than a stacked row's value (the line less "Header:  ", borders: 10
        # columns), such as a commit hash in a link, cannot but be split
        longer = [word for word in whole if len(word) > width - 10]
        split = {t for t in tokens(text) - whole if not any(t in word for word in longer)}
        assert not split, f"--width {width}: split {split}"


def test_check_lines_fit() -> None:
    text = run(["check", *(f"scenarios/{p.name}" for p in SCENARIOS)])
    assert text.endswith(" passed, 0 failed\n")
    assert max(len(line) for line in text.splitlines()) <= min(WIDTHS)


def test_a_cut_number_is_never_shown() -> None:
    """Every number of the wide table is in the narrow ones, whole."""
    args = ["compare", "scenarios/geneva.yaml"]
    numbers = re.compile(r"[-+]?\d[\d,.]*%?(?: pp)?")
    whole = set(numbers.findall(run(args, WIDE)))
    for width in WIDTHS:
        assert set(numbers.findall(run(args, width))) == whole


def test_the_issue_cases() -> None:
    """compare --width 60 was 113 wide; rate --width 60 split 'four-year-review'."""
    compared = run(["compare", "scenarios/geneva.yaml"], 60)
    assert max(len(line) for line in compared.splitlines()) <= 60
    rate = run(["rate", "scenarios/products-2025.yaml", "--flow", "US:CN", "--hs", "8517.13"], 60)
    assert "four-year-review" in rate
    assert max(len(line) for line in rate.splitlines()) <= 60


# --- the terminal: rich prints the same characters, only coloured ------------------------


def on_terminal(monkeypatch: pytest.MonkeyPatch, args: list[str], width: int) -> str:
    """The command's output as a terminal shows it: rich with colour, ANSI codes removed."""
    buffer = io.StringIO()

    def console(**kwargs: object) -> Console:
        return Console(file=buffer, force_terminal=True, color_system="standard", **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(show, "is_terminal", lambda output: output is None)
    monkeypatch.setattr("rich.console.Console", console)
    result = CliRunner().invoke(app, [*args, "--width", str(width)], prog_name="tariffs")
    assert result.exit_code in (0, 1), result.output
    coloured = buffer.getvalue()
    assert "\x1b[" in coloured  # rich was used, in colour
    return re.sub(r"\x1b\[[0-9;]*m", "", coloured)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_terminal_shows_the_same_characters(
    monkeypatch: pytest.MonkeyPatch, width: int
) -> None:
    cases = (
        ["compare", "scenarios/geneva.yaml"],
        ["diff", OTHER, "scenarios/geneva.yaml"],
        ["rate", "scenarios/products-2025.yaml", "--flow", "US:CN", "--hs", "8517.13"],
    )
    piped = [run(args, width) for args in cases]
    for args, text in zip(cases, piped, strict=True):
        shown = on_terminal(monkeypatch, args, width)
        assert shown == text
        assert max(len(line) for line in shown.splitlines()) <= width


# --- the layout, step by step ------------------------------------------------------------


def grid(*rows: tuple[str, ...], kinds: str = "knt", keys: int = 1) -> Grid:
    return Grid("T", ("Name", "Number", "Text"), kinds, rows, keys=keys)


def drawn(g: Grid, width: int) -> list[str]:
    return ["".join(text for text, _ in line).rstrip() for line in plain.draw(g, width)]


def test_wrap_breaks_at_spaces_only() -> None:
    assert plain.wrap("four-year-review increases (USTR)", 20) == [
        "four-year-review",
        "increases (USTR)",
    ]


def test_a_word_longer_than_the_width_breaks_after_punctuation() -> None:
    url = "https://example.com/section-122-of-the-trade-act"
    lines = plain.wrap(f"see {url} now", 24)
    assert lines == ["see https://example.com/", "section-122-of-the-", "trade-act now"]
    assert "".join(lines[1:]).replace(" now", "") + "" in url


def test_a_word_with_no_punctuation_is_cut_only_when_nothing_else_fits() -> None:
    assert plain.wrap("a" * 30, 12) == ["a" * 12, "a" * 12, "a" * 6]


def test_paragraph_hangs_its_value_after_the_label() -> None:
    text = "Old:       tests/fixtures/geneva-145.yaml"
    assert plain.paragraph(text, 41, 11) == [text]
    assert plain.paragraph(text, 40, 11) == [
        "Old:       tests/fixtures/geneva-145.",
        " " * 11 + "yaml",
    ]
    assert plain.paragraph("Title: a b c d e f g h i j k l m n", 12, 0)[0] == "Title: a b c"


def test_free_text_wraps_before_anything_else() -> None:
    g = grid(("alpha", "12.5%", "one two three four five six seven"))
    lines = drawn(g, 36)
    assert max(map(len, lines)) <= 36
    assert lines[1:] == [
        "+-------+--------+-----------------+",
        "| Name  | Number | Text            |",
        "+-------+--------+-----------------+",
        "| alpha |  12.5% | one two three   |",
        "|       |        | four five six   |",
        "|       |        | seven           |",
        "+-------+--------+-----------------+",
    ]


def test_a_table_that_cannot_wrap_enough_is_split_keeping_its_keys() -> None:
    g = Grid(
        "T",
        ("Scenario", "Rate", "Average", "Peak"),
        "knnn",
        (("no-deal", "145.0%", "108.8%", "145.0%"),),
        keys=1,
    )
    lines = drawn(g, 32)
    assert max(map(len, lines)) <= 32
    headers = [line for line in lines if line.startswith("| Scenario")]
    assert len(headers) == 2  # two parts, each with the key column
    assert all(number in "\n".join(lines) for number in ("145.0%", "108.8%"))


def test_a_table_that_cannot_be_split_is_stacked_with_numbers_whole() -> None:
    g = grid(("a-very-long-scenario-name", "-1,234,567.8", "some text"))
    lines = drawn(g, 30)
    assert max(map(len, lines)) <= 30
    assert lines[1:] == [
        "Name:   a-very-long-scenario-",
        "        name",
        "Number: -1,234,567.8",
        "Text:   some text",
    ]
