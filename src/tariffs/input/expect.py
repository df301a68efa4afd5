"""Expectations: check what each `expect:` entry names, and build them with their places.

An entry states one metric (a key of tariffs.metrics.EXPECTED) in one context: a flow, a
`layer` of it, a product `hs`, a `window`, an importer's total (`IMPORTER:*`) or a layer of
that total (see tariffs.metrics.CONTEXTS). The same checks serve a scenario file's own
`expect:` and a file of expectations given to `tariffs check --expect`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, NamedTuple

from tariffs import domain
from tariffs.domain import MFN, listed, quoted
from tariffs.input import format as models
from tariffs.input.literals import hs_digits, parse_tolerance
from tariffs.input.problems import Loc, Report
from tariffs.input.yamlsource import KEY
from tariffs.metrics import (
    EXPECTED,
    MARKET,
    MARKET_PARTNER,
    PRODUCT_RATES,
    RESPONSE,
    Metric,
    dated,
    expect_context,
    expect_unit,
)

SHORT = ("rate", "average", "low", "peak", "duties", "saved")
"""The short keys a message offers first; every metric of the registry is a key too."""


WHAT = {
    "flow": "a flow",
    "layer": "a layer (with 'layer')",
    "line": "a product line (with 'hs')",
    "window": "a window (with 'window')",
    "importer": "an importer's total (IMPORTER:*)",
    "importer layer": "a layer of an importer's total (IMPORTER:* with 'layer')",
}


class Known(NamedTuple):
    """What a file declares that expectations refer to: its scenarios (resolved, by name;
    those whose chain failed are left out), each measure's flows, its flows (by key), and
    names that may belong to parts that failed validation (not reported as unknown)."""

    parsed: models.ScenarioFile
    scenarios: dict[str, domain.Scenario]
    flow_of: dict[str, set[str]]
    flows: dict[str, domain.Flow]
    with_mfn: set[str]
    broken: Callable[[str, str], bool] = lambda section, name: False
    named: Callable[[str, list[str]], list[str]] = lambda section, names: names
    """The names of a section with those of its parts that failed validation, for lists."""


def keys_of(context: str) -> list[str]:
    """The keys an expectation can state in a context, short ones first."""
    return [key for key, found in EXPECTED.items() if context in found]


def expectations(
    entries: Sequence[Any],
    indexes: Sequence[int],
    known: Known,
    problem: Report,
    where: Callable[[Loc], tuple[int, int]],
) -> tuple[domain.Expectation, ...]:
    """Check each entry's names and its one metric; build them with their positions
    (`indexes`: each entry's index in its file's `expect` list)."""
    out: list[domain.Expectation] = []
    for i, entry in zip(indexes, entries, strict=True):
        at: Loc = ("expect", i)
        given = [key for key in EXPECTED if getattr(entry, key) is not None]
        if len(given) != 1:
            what = "none" if not given else ", ".join(given)
            problem(
                at,
                f"an expectation states exactly one metric, such as {', '.join(SHORT)} or any "
                f"metric's name (this one: {what})",
            )
            continue
        key = given[0]
        context = expect_context(
            entry.flow,
            layer=entry.layer is not None,
            hs=entry.hs is not None,
            window=entry.window is not None,
        )
        found = EXPECTED[key].get(context)
        if found is None:
            problem(
                (*at, key, KEY),
                f"{quoted(key)} is no metric of {WHAT[context]}; it states "
                f"{listed(keys_of(context))}",
            )
            continue
        _, metric = found
        _check_names(entry, known, at, problem)
        _check_context(entry, (key, context, metric), known, at, problem)
        bound = _with_tolerance(entry, key, at, problem)
        line, column = where((*at, key))
        out.append(
            domain.Expectation(
                entry.scenario,
                entry.flow,
                key,
                bound,
                entry.on,
                entry.window,
                line,
                column,
                hs=entry.hs,
                layer=entry.layer,
                context=context,
            )
        )
    return tuple(out)


def _with_tolerance(entry: Any, key: str, at: Loc, problem: Report) -> domain.Bound:
    """The entry's bound; with a `tolerance`, the range [value - it, value + it]."""
    bound: domain.Bound = getattr(entry, key)
    if entry.tolerance is None:
        return bound
    place: Loc = (*at, "tolerance")
    if bound.quantum is None:
        problem(place, "a tolerance goes with a value, not with a range {min, max}")
        return bound
    try:
        tolerance = parse_tolerance(entry.tolerance, expect_unit(key))
    except ValueError as exc:
        problem(place, str(exc))
        return bound
    if tolerance < 0:
        problem(place, f"a tolerance is zero or more, got {quoted(entry.tolerance)}")
        return bound
    text = f"{bound.text} ± {entry.tolerance}"
    low = bound.low if bound.low is not None else Decimal(0)
    return domain.Bound(low - tolerance, low + tolerance, None, text)


def _check_names(entry: Any, known: Known, at: Loc, problem: Report) -> None:
    """The scenario, the flow and the window an entry names exist."""
    parsed = known.parsed
    keys = [f"{f.importer}:{f.exporter}" for f in parsed.flows]  # built or not
    flow = entry.flow
    if not flow.endswith(":*") and flow not in keys and not known.broken("flows", flow):
        listed_keys = known.named("flows", keys)  # with those that failed validation
        problem((*at, "flow"), f"no flow {flow} is declared ({_known(listed_keys)})")
    if entry.scenario not in parsed.scenarios:
        if not known.broken("scenarios", entry.scenario):
            names = known.named("scenarios", list(parsed.scenarios))
            problem(
                (*at, "scenario"),
                f"unknown scenario {quoted(entry.scenario)} ({_known(names)})",
            )
        return
    scenario = known.scenarios.get(entry.scenario)
    if scenario is None or entry.window is None:
        return
    windows = [w for w in scenario.windows if w.name == entry.window]
    if not windows:
        names = list(dict.fromkeys(w.name for w in scenario.windows))
        problem(
            (*at, "window"),
            f"scenario {quoted(entry.scenario)} has no window {quoted(entry.window)} "
            f"({_known(names)})",
        )
    elif not any(
        entry.flow in known.flow_of.get(m, ()) or known.broken("measures", m)
        for w in windows
        for m, _ in w.rates
    ):
        problem(
            (*at, "window"), f"window {quoted(entry.window)} sets no measure of flow {entry.flow}"
        )


def _check_context(
    entry: Any, found: tuple[str, str, Metric], known: Known, at: Loc, problem: Report
) -> None:
    """What the context asks of the names: a date only for a rate on one, a layer on the
    flow, a line of the code, a trade response, two flows for a total."""
    key, context, metric = found
    product_rate = entry.hs is not None and key in PRODUCT_RATES
    importer = entry.flow.split(":", 1)[0]
    if (
        metric in (*MARKET.metrics, *MARKET_PARTNER.metrics)
        and importer not in known.parsed.markets
    ):
        problem(
            (*at, "flow"),
            f"{quoted(key)} is a metric of a market, and the file gives {importer} no market "
            f"(add markets: {{{importer}: ...}})",
        )
    if entry.on is not None and not (dated(metric) or product_rate):
        problem((*at, "on", KEY), f"'on' goes with a rate on a date only, not with {quoted(key)}")
    if context in {"importer", "importer layer"}:
        _check_total(entry, known, at, problem)
    if entry.layer is not None:
        _check_layer(entry, known, at, problem)
    flow = known.flows.get(entry.flow)
    if flow is None:
        return
    if entry.hs is not None and entry.layer is not None and not product_rate:
        problem(
            (*at, key, KEY),
            f"with 'hs' and 'layer', an expectation states the layer's rate on the product "
            f"('rate'), not {quoted(key)}",
        )
    elif entry.hs is not None and product_rate:
        _check_product_mfn(entry, flow, known, at, problem)
    elif entry.hs is not None:
        digits = hs_digits(entry.hs)
        if not any(line.hs == digits for line in flow.lines):
            codes = [line.code for line in flow.lines if line.code]
            problem(
                (*at, "hs"),
                f"flow {entry.flow} has no line HS {entry.hs}, so it has no {quoted(key)} "
                f"(its lines: {listed(codes)}; a product's 'rate' on a date takes any code)",
            )
    if metric in RESPONSE.metrics and flow.lines[0].elasticity is None:
        problem(
            (*at, key, KEY),
            f"flow {entry.flow} has no trade response (give its lines an elasticity), so it "
            f"has no {quoted(key)}",
        )


def _check_total(entry: Any, known: Known, at: Loc, problem: Report) -> None:
    """IMPORTER:* is the importer's total over its flows: it needs two flows or more."""
    importer = entry.flow.split(":", 1)[0]
    every = known.named("flows", [f"{f.importer}:{f.exporter}" for f in known.parsed.flows])
    mine = [key for key in every if key.split(":", 1)[0] == importer]
    if len(mine) < 2:
        problem(
            (*at, "flow"),
            f"{entry.flow} is the total over {importer}'s flows, and the file declares "
            f"{len(mine)} (a total needs two or more)",
        )
    if entry.hs is not None:
        problem((*at, "hs", KEY), f"'hs' goes with one flow, not with {entry.flow}")


def _check_layer(entry: Any, known: Known, at: Loc, problem: Report) -> None:
    """`layer` names a measure of the flow (or of one of the importer's flows), or its
    `mfn` layer where it states MFN; one that failed validation is not reported again."""
    if entry.flow.endswith(":*"):
        importer = entry.flow.split(":", 1)[0]
        flows = {key for key in known.flows if key.startswith(f"{importer}:")}
    else:
        flows = {entry.flow}
    measures = [name for name, on in known.flow_of.items() if on & flows]
    if flows & known.with_mfn:
        measures.append(MFN)
    if entry.layer in measures or known.broken("measures", entry.layer):
        return
    # measures that failed validation are listed too: their flow cannot be known
    invalid = [n for n in known.named("measures", []) if n not in known.parsed.measures]
    problem(
        (*at, "layer"),
        f"flow {entry.flow} has no measure {quoted(entry.layer)} ({_known(measures + invalid)})",
    )


def _check_product_mfn(
    entry: Any, flow: domain.Flow, known: Known, at: Loc, problem: Report
) -> None:
    """A product's rate includes its MFN where the flow states MFN: a code that no line
    covers (its own, or one it starts with) has an unknown MFN, so the rate is unknown."""
    if entry.flow not in known.with_mfn or entry.layer is not None:
        return
    digits = hs_digits(entry.hs)
    if any(digits.startswith(line.hs) for line in flow.lines):
        return  # a line of the code, of a code it starts with, or the unclassified rest
    under = [line.code for line in flow.lines if line.hs.startswith(digits)]
    problem(
        (*at, "hs"),
        f"HS {entry.hs}'s MFN is unknown (no line of {entry.flow} has this code or a code it "
        "starts with), so its rate is unknown: give the flow a line of this code, or state "
        "'layer' for one measure's rate"
        + (f" (its lines under it: {listed(under)})" if under else ""),
    )


def _known(names: list[str]) -> str:
    return f"known: {listed(names)}" if names else "none are defined"
