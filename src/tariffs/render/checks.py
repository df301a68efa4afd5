"""Output of `tariffs check`: failure lines, the summary line and JUnit XML."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from xml.etree import ElementTree as ET

from tariffs.calc.results import Outcome
from tariffs.domain import Expectation, quoted
from tariffs.metrics import EXPECTED
from tariffs.render import fmt
from tariffs.render.safe import visible

Checked = Sequence[tuple[str, Sequence[Outcome]]]
"""(path, outcomes) per file, in the order the files were given."""

_METRIC_NAMES = {
    "rate": "rate",
    "average": "average rate",
    "low": "lowest rate",
    "peak": "peak rate",
    "duties": "static duties",
    "saved": "duties saved",
    "saved_in_period": "duties saved in the period",
}


def describe(outcome: Outcome) -> str:
    """'geneva, US on CN, rate on 2025-06-01'."""
    e = outcome.expectation
    importer, _, exporter = e.flow.partition(":")
    what = _METRIC_NAMES[e.metric]
    if e.layer is not None:
        what = f"{quoted(e.layer)} {'part of the average rate' if e.metric == 'average' else what}"
    if e.hs is not None:
        what += f" of HS {e.hs}"
    if outcome.on is not None:
        what += f" on {outcome.on.isoformat()}"
    if e.window is not None:
        what += f" by window {quoted(e.window)}"
    return f"{e.scenario}, {importer} on {exporter}, {what}"


def value(e: Expectation, got: Decimal) -> str:
    """The result as the expectation's unit writes it: '45.0466%' or '25.9708bn'."""
    if EXPECTED[e.metric][1].unit == "percent":
        return f"{fmt.number(got, fmt.RATE_PLACES)}%"
    divisor, suffix = fmt.scale_for(abs(got))
    return f"{fmt.number(got / divisor, fmt.RATE_PLACES)}{suffix}"


def failure(path: str, outcome: Outcome) -> str:
    e = outcome.expectation
    return (
        f"{path}:{e.line}:{e.column}: expected {describe(outcome)}: {e.bound.text}, "
        f"got {value(e, outcome.got)}"
    )


def report(checked: Checked) -> str:
    """One line per failed expectation, then 'N passed, M failed'."""
    lines = [
        failure(path, outcome)
        for path, outcomes in checked
        for outcome in outcomes
        if not outcome.passed
    ]
    passed = sum(o.passed for _, outcomes in checked for o in outcomes)
    failed = sum(not o.passed for _, outcomes in checked for o in outcomes)
    lines.append(f"{passed} passed, {failed} failed")
    return "\n".join(lines) + "\n"


def junit(checked: Checked) -> str:
    """JUnit XML: a test suite per file, a test case per expectation. No timestamps."""
    total = sum(len(outcomes) for _, outcomes in checked)
    failures = sum(not o.passed for _, outcomes in checked for o in outcomes)
    root = ET.Element(
        "testsuites", {"name": "tariffs check", "tests": str(total), "failures": str(failures)}
    )
    for path, outcomes in checked:
        suite = ET.SubElement(
            root,
            "testsuite",
            {
                "name": path,
                "tests": str(len(outcomes)),
                "failures": str(sum(not o.passed for o in outcomes)),
                "errors": "0",
                "skipped": "0",
            },
        )
        for outcome in outcomes:
            e = outcome.expectation
            case = ET.SubElement(
                suite,
                "testcase",
                {
                    "classname": path,
                    "name": f"{describe(outcome)}: {e.bound.text}",
                    "file": path,
                    "line": str(e.line),
                },
            )
            if not outcome.passed:
                message = f"expected {e.bound.text}, got {value(e, outcome.got)}"
                failure_element = ET.SubElement(case, "failure", {"message": message})
                failure_element.text = failure(path, outcome)
    for element in root.iter():  # XML 1.0 cannot hold most control characters
        element.attrib.update({k: visible(v, newlines=True) for k, v in element.attrib.items()})
        if element.text:
            element.text = visible(element.text, newlines=True)
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
