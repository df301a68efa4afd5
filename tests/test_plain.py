"""The plain-text table writer gives rich's bytes, and is the one used for piped tables."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tariffs.calc.changes import input_changes, result_changes
from tariffs.calc.compare import compare, timelines
from tariffs.calc.results import Diff, DiffReport, Tolerance
from tariffs.calc.stack import product_stack
from tariffs.input.load import load
from tariffs.render import table
from tariffs.render.flat import study_metrics

from .conftest import ROOT, SCENARIOS


def by_rich(page: table.Page) -> str:
    buffer = io.StringIO()
    table.plain_console(buffer, page.width).print(table.body(page))
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines()) + "\n"


def pages(path: Path) -> list[table.Page]:
    path = path.relative_to(ROOT)  # as given on a command line run from the root
    study = load(path)
    names = tuple(s.name for s in study.scenarios)
    result = compare(study)
    out = [
        table.compare([(str(path), result)], 120),
        table.timeline(str(path), timelines(study, names, study.flows), 120),
    ]
    if any(f.classified for f in study.flows):
        flow = next(f for f in study.flows if f.classified)
        stack = product_stack(study, flow, flow.lines[0].code or "85", study.on, names[0])
        out.append(table.rate(str(path), stack, 120))
    other = load(ROOT / "tests" / "fixtures" / "geneva-145.yaml")
    found = Diff(
        input_changes(study, other),
        result_changes(
            [("a", study_metrics(result))],
            [("a", study_metrics(compare(other)))],
            Tolerance(),
        ),
    )
    out.append(table.diff(DiffReport("a", "b", Tolerance(), found), 120))
    return out


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_plain_drawing_is_byte_for_byte_rich(path: Path) -> None:
    drawn = pages(path)
    if path.stem == "geneva":
        assert table._fits(drawn[0])  # the README's page: drawn by the plain writer
    for page in drawn:  # a page with a cell to wrap at 120 columns goes to rich
        assert table.to_text(page) == by_rich(page)


def test_a_page_that_needs_wrapping_goes_to_rich() -> None:
    page = pages(ROOT / "scenarios" / "geneva.yaml")[0]
    narrow = table.Page(page.blocks, 60)
    assert not table._fits(narrow)
    assert table.to_text(narrow) == by_rich(narrow)
