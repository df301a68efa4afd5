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


def value(e: Expectation, got: Decimal | None) -> str:
    """The result as the expectation's unit writes it: '45.0466%', '12.5pp', '25.9708bn',
    '90', '2025-04-10'; 'nothing' where the metric has no value."""
    if got is None:
        return "nothing (the metric has no value here)"
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
    got = value(e, outcome.got)
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
