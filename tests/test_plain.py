"""A terminal shows a page in rich with colour, and the same characters as the plain text
written to a pipe: rich lays out nothing (render.plain does), whatever the width."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from rich.console import Console

from tariffs.calc.changes import input_changes, result_changes
from tariffs.calc.compare import compare, timelines
from tariffs.calc.results import Diff, DiffReport, Tolerance
from tariffs.calc.stack import product_stack
from tariffs.input.load import load
from tariffs.render import table
from tariffs.render.flat import study_metrics

from .conftest import ROOT, SCENARIOS


def by_rich(page: table.Page) -> str:
    """The page as a colour terminal shows it, less its colour codes."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=page.width, force_terminal=True, color_system="standard")
    console.print(table.body(page), soft_wrap=True)
    coloured = buffer.getvalue()
    assert "\x1b[" in coloured
    return re.sub(r"\x1b\[[0-9;]*m", "", coloured)


def pages(path: Path, width: int = 120) -> list[table.Page]:
    path = path.relative_to(ROOT)  # as given on a command line run from the root
    study = load(path)
    names = tuple(s.name for s in study.scenarios)
    result = compare(study)
    out = [
        table.compare([(str(path), result)], width),
        table.timeline(str(path), timelines(study, names, study.flows), width),
    ]
    if any(f.classified for f in study.flows):
        flow = next(f for f in study.flows if f.classified)
        stack = product_stack(study, flow, flow.lines[0].code or "85", study.on, names[0])
        out.append(table.rate(str(path), stack, width))
    other = load(ROOT / "tests" / "fixtures" / "geneva-145.yaml")
    found = Diff(
        input_changes(study, other),
        result_changes(
            [("a", study_metrics(result))],
            [("a", study_metrics(compare(other)))],
            Tolerance(),
        ),
    )
    out.append(table.diff(DiffReport("a", "b", Tolerance(), found), width))
    return out


@pytest.mark.parametrize("width", [40, 60, 120])
@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_rich_shows_the_plain_characters(path: Path, width: int) -> None:
    for page in pages(path, width):
        assert by_rich(page) == table.to_text(page)
        assert max(len(line) for line in table.to_text(page).splitlines()) <= width
