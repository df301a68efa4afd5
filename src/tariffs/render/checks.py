"""Output of `tariffs check`: failure lines, the summary line and JUnit XML."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from xml.etree import ElementTree as ET

from tariffs.calc.results import Outcome
from tariffs.domain import Expectation, quoted
from tariffs.metrics import EXPECTED, PRODUCT_RATES
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
"""What a short key is called in a message; a metric's own name is called so."""


def describe(outcome: Outcome) -> str:
    """'geneva, US on CN, rate on 2025-06-01'."""
    e = outcome.expectation
    importer, _, exporter = e.flow.partition(":")
    what = _METRIC_NAMES.get(e.metric, e.metric)
    if e.layer is not None:
        what = f"{quoted(e.layer)} {'part of the average rate' if e.metric == 'average' else what}"
    if e.hs is not None:
        what += f" of HS {e.hs}"
    if outcome.on is not None:
        what += f" on {outcome.on.isoformat()}"
    if e.window is not None:
        what += f" by window {quoted(e.window)}"
    where = f"{importer}'s total" if exporter == "*" else f"{importer} on {exporter}"
    return f"{e.scenario}, {where}, {what}"


def _unit(e: Expectation) -> str:
    if e.hs is not None and e.metric in PRODUCT_RATES:
        return "percent"  # a product's own rate, or one layer's rate on it
    return EXPECTED[e.metric][e.context][1].unit


def value(e: Expectation, got: Decimal | None, note: str = "") -> str:
    """The result as the expectation's unit writes it: '45.0466%', '12.5pp', '25.9708bn',
    '90', '2025-04-10'; 'nothing' where the metric has no value, with why where known."""
    if got is None:
        return f"nothing ({note or 'the metric has no value here'})"
    unit = _unit(e)
    if unit in {"percent", "pp"}:
        return f"{fmt.number(got, fmt.RATE_PLACES)}{'pp' if unit == 'pp' else '%'}"
    if unit == "date":
        return date.fromordinal(int(got)).isoformat()
    if unit == "days":
        return fmt.number(got, 0)
    divisor, suffix = fmt.scale_for(abs(got))
    return f"{fmt.number(got / divisor, fmt.RATE_PLACES)}{suffix}"


def _off(e: Expectation, got: Decimal) -> str:
    """How far a failed result is from what was expected, and how exact the check is:
    '+0.3pp off; checked to 0.01pp' (a range: 'below it by 2pp')."""
    off = e.bound.off_by(got)
    unit = _unit(e)
    if unit == "date":
        shown = f"{int(off):+,} days"
    elif unit == "days":
        shown = f"{int(off):+,}"
    elif unit in {"percent", "pp"}:
        shown = f"{'+' if off > 0 else ''}{fmt.number(off, fmt.RATE_PLACES)}pp"
    else:
        divisor, suffix = fmt.scale_for(abs(off))
        shown = f"{'+' if off > 0 else ''}{fmt.number(off / divisor, fmt.RATE_PLACES)}{suffix}"
    if e.bound.quantum is None:
        return f"{shown} from the nearest end"
    if unit in {"date", "days"}:
        return f"{shown} off"
    if unit in {"percent", "pp"}:
        precision = f"{fmt.number(e.bound.quantum, 6)}pp"
    else:
        divisor, suffix = fmt.scale_for(e.bound.quantum)
        precision = f"{fmt.number(e.bound.quantum / divisor, 6)}{suffix}"
    return f"{shown} off; a value is checked to {precision}: give a 'tolerance' for more"


def failure(path: str, outcome: Outcome) -> str:
    e = outcome.expectation
    got = value(e, outcome.got, outcome.note)
    why = "" if outcome.got is None else f" ({_off(e, outcome.got)})"
    return (
        f"{path}:{e.line}:{e.column}: expected {describe(outcome)}: {e.bound.text}, got {got}{why}"
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


Case = tuple[str, int, str | None, str]
"""A JUnit test case: its name, line, and for a failure its message and text (else None)."""


def junit(checked: Checked) -> str:
    """JUnit XML: a test suite per file, a test case per expectation. No timestamps."""
    return junit_xml(suites(checked))


def suites(checked: Checked) -> list[tuple[str, list[Case]]]:
    """Each file's test cases, one per expectation."""
    return [(path, [_case(path, outcome) for outcome in outcomes]) for path, outcomes in checked]


def _case(path: str, outcome: Outcome) -> Case:
    e = outcome.expectation
    name = f"{describe(outcome)}: {e.bound.text}"
    if outcome.passed:
        return name, e.line, None, ""
    message = f"expected {e.bound.text}, got {value(e, outcome.got, outcome.note)}"
    return name, e.line, message, failure(path, outcome)


def junit_xml(files: Sequence[tuple[str, Sequence[Case]]]) -> str:
    """JUnit XML of test suites, a file each: every text made visible (XML 1.0 cannot hold
    most control characters)."""
    total = sum(len(cases) for _, cases in files)
    failures = sum(message is not None for _, cases in files for _, _, message, _ in cases)
    root = ET.Element(
        "testsuites", {"name": "tariffs check", "tests": str(total), "failures": str(failures)}
    )
    for path, cases in files:
        suite = ET.SubElement(
            root,
            "testsuite",
            {
                "name": path,
                "tests": str(len(cases)),
                "failures": str(sum(message is not None for _, _, message, _ in cases)),
                "errors": "0",
                "skipped": "0",
            },
        )
        for name, line, message, text in cases:
            case = ET.SubElement(
                suite,
                "testcase",
                {"classname": path, "name": name, "file": path, "line": str(line)},
            )
            if message is not None:
                failure_element = ET.SubElement(case, "failure", {"message": message})
                failure_element.text = text
    for element in root.iter():
        element.attrib.update({k: visible(v, newlines=True) for k, v in element.attrib.items()})
        if element.text:
            element.text = visible(element.text, newlines=True)
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
