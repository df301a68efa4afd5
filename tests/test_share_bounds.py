"""Shares of value at their bounds: a share of exactly 0% or 100% is a share like any other.

A line cut into one part is that part: `shares: {usmca: 100%}` is all usmca, so a measure
with `exempt_share: usmca` takes nothing and a preference replaces the whole MFN;
`shares: {steel: 0%}` has no steel, so a measure `on_share: steel` takes nothing. Each rule
is tested at 0%, at 100% and just inside them, on a product line and on a flow without
lines, through the product's stack (`tariffs rate`), the flow's rate (`compare`) and the
product's timeline.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tariffs.calc.compare import RatesOn, timelines
from tariffs.calc.stack import product_stack
from tariffs.domain import Study
from tariffs.input.load import load_text

ON = date(2025, 7, 1)

# One Canadian flow: MFN 2.5%; the Canada tariff 25% spares the usmca share; Section 232
# 50% falls on the steel share only; the usmca share pays a preference of 0% for MFN.
TEMPLATE = """\
tariffs: 1
title: shares at their bounds
period: {{start: 2025-01-01, until: 2026-01-01}}
on: 2025-07-01
flows:
  - importer: US
    exporter: CA
{flow}
measures:
  canada:
    importer: US
    exporter: CA
    basis: IEEPA Canada
    rates: {{2025-03-04: 25%}}
    exempt_share: usmca
  steel:
    importer: US
    exporter: CA
    basis: Section 232 steel
    rates: {{2025-06-04: 50%}}
    on_share: steel
scenarios:
  law: {{description: as written}}
"""


def line_flow(shares: str) -> str:
    return (
        "    lines:\n"
        '      - {hs: "7308.90", description: steel structures, value: 100m, '
        "mfn: 2.5%, "
        f"shares: {{{shares}}}, preferences: {{usmca: 0%}}}}\n"
    )


def whole_flow(shares: str) -> str:
    return (
        f"    value: 100m\n    mfn: 2.5%\n    shares: {{{shares}}}\n"
        "    preferences: {usmca: 0%}\n"
    )


def study_of(flow: str) -> Study:
    return load_text(TEMPLATE.format(flow=flow), "bounds.yaml")


def stack_of(study: Study, hs: str) -> dict[str, Decimal]:
    flow = study.flows[0]
    found = product_stack(study, flow, hs, ON, "law")
    return {"total": found.total, **{x.measure: x.rate for x in found.layers}}


CASES = [
    # usmca 100%: all claiming, so no Canada tariff and MFN at the preference, 0%; all
    # steel: 232 on the whole value, 50. Total 50.
    ("usmca: 100%, steel: 100%", {"canada": "0", "mfn": "0", "steel": "50"}),
    # usmca 0%: nothing claims: Canada 25 and MFN 2.5 on all; 232 on all, 50. Total 77.5
    ("usmca: 0%, steel: 100%", {"canada": "25", "mfn": "2.5", "steel": "50"}),
    # just inside: 99.9999% claims: Canada 25 x 0.000001 = 0.000025; MFN 2.5 x 0.000001 =
    # 0.0000025; 232 on all, 50
    ("usmca: 99.9999%, steel: 100%", {"canada": "0.000025", "mfn": "0.0000025", "steel": "50"}),
    # steel 0%: no steel content, so 232 takes nothing; Canada 25 and MFN 2.5 on all: 27.5
    ("usmca: 0%, steel: 0%", {"canada": "25", "mfn": "2.5", "steel": "0"}),
    # just inside: 0.0001% steel: 232 50 x 0.000001 = 0.00005
    ("usmca: 0%, steel: 0.0001%", {"canada": "25", "mfn": "2.5", "steel": "0.00005"}),
    # both bounds the other way: all claiming, no steel: nothing at all
    ("usmca: 100%, steel: 0%", {"canada": "0", "mfn": "0", "steel": "0"}),
    # half claiming, no steel: Canada 0.5 x 25 = 12.5, MFN 0.5 x 2.5 = 1.25, 232 0
    ("usmca: 50%, steel: 0%", {"canada": "12.5", "mfn": "1.25", "steel": "0"}),
    # all claiming, 40% steel: 232 0.4 x 50 = 20 only
    ("usmca: 100%, steel: 40%", {"canada": "0", "mfn": "0", "steel": "20"}),
]


@pytest.mark.parametrize("make", [line_flow, whole_flow], ids=["line", "flow without lines"])
@pytest.mark.parametrize(("shares", "expected"), CASES, ids=[c[0] for c in CASES])
def test_a_share_at_its_bound_is_a_share(
    make: object, shares: str, expected: dict[str, str]
) -> None:
    study = study_of(make(shares))  # type: ignore[operator]
    total = sum(Decimal(rate) for rate in expected.values())
    # the product's own stack, as `tariffs rate` shows it
    found = stack_of(study, "7308.90")
    for name, rate in expected.items():
        assert found[name] == Decimal(rate), name
    assert found["total"] == total
    # the flow's rate, as `tariffs compare` computes it: one line (or none), the same figure
    assert RatesOn(study)("law", "US:CA", ON) == total
    # the product's timeline (`timeline --hs`): its segment on 1 July has the same total
    [entry] = timelines(study, ("law",), study.flows, "7308.90").entries
    [segment] = [s for s in entry.segments if s.start <= ON < s.until]
    assert segment.rate == total


def test_the_stack_says_why_a_share_at_its_bound_pays_nothing() -> None:
    study = study_of(line_flow("usmca: 100%, steel: 0%"))
    found = product_stack(study, study.flows[0], "7308.90", ON, "law")
    why = {x.measure: (x.status, x.why) for x in found.layers}
    assert why["canada"] == ("excluded", "its usmca share is exempt")
    assert why["steel"] == ("not in scope", "only on its steel share")
    assert why["mfn"] == ("in force", "usmca preference")
