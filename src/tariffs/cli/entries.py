"""`tariffs entry`: read the law and an entry file, price every line, and show it.

The command's options are declared in cli.app; this module does the work, importing the
calculation and the renderers only when the command runs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, NoReturn

import typer

from tariffs.cli import show
from tariffs.cli.exits import EXIT_USAGE
from tariffs.domain import AUTHORITIES, quoted

if TYPE_CHECKING:
    from tariffs.calc.entry import Law, Refund
    from tariffs.customs import Entries
    from tariffs.domain import Study
    from tariffs.input.files import Inputs

ORIGIN = re.compile(r"^[A-Z]{2,3}$")
YAML = (".yaml", ".yml")


class EntryOptions(NamedTuple):
    """What `tariffs entry` was asked, as given on the command line."""

    files: list[Path]
    scenarios: list[str]
    origins: list[str]
    refund_authority: str | None
    refund_against: str | None
    refund_on: str | None
    payer: str | None
    fees: Path | None
    interest: Path | None


def _usage(message: str, option: str) -> NoReturn:
    raise typer.BadParameter(message, param_hint=option)


def split_files(files: Sequence[Path]) -> tuple[list[Path], Path]:
    """The scenario files, then the entry file (the last argument)."""
    if len(files) < 2:
        _usage("give one or more scenario files, then the entry file", "FILE...")
    *laws, entries = files
    if entries.suffix.lower() in YAML:
        _usage(
            f"the last file, {quoted(str(entries))}, is the entry file (CSV or .xlsx), not a "
            "scenario file",
            "FILE...",
        )
    strays = [str(p) for p in laws if p.suffix.lower() not in YAML]
    if strays:
        _usage(
            f"only the last file is the entry file; {', '.join(map(quoted, strays))} come "
            "before it and are not YAML scenario files",
            "FILE...",
        )
    return laws, entries


def read_entry_file(path: Path, inputs: Inputs) -> Entries:
    from tariffs.input.entries import read_entries
    from tariffs.input.problems import ScenarioError
    from tariffs.input.sheets import SheetsUnavailable

    try:
        entries = read_entries(path, inputs=inputs)
    except ScenarioError as exc:
        show.fail(exc.problems)
    except SheetsUnavailable as exc:
        show.fail([f"tariffs: {exc}"], EXIT_USAGE)
    if entries.ignored:
        show.say(
            f"{path}:1:1: warning: columns tariffs does not read, ignored: "
            f"{', '.join(quoted(name) for name in entries.ignored)}"
        )
    return entries


def scenario_names(laws: Sequence[Law], asked: Sequence[str]) -> tuple[str, ...]:
    """The scenarios asked (each in every file), or the files' common baseline."""
    if asked:
        names = tuple(dict.fromkeys(asked))
        for law in laws:
            known = [s.name for s in law.study.scenarios]
            for name in names:
                if name not in known:
                    _usage(
                        f"{law.path} has no scenario {quoted(name)} (it has: {', '.join(known)})",
                        "'--scenario'",
                    )
        return names
    baselines = {law.study.baseline for law in laws}
    if len(baselines) > 1:
        _usage(
            "the scenario files' baselines differ ("
            + ", ".join(f"{law.path}: {law.study.baseline}" for law in laws)
            + "); name the scenario to price the entries under with -s",
            "'--scenario'",
        )
    return (baselines.pop(),)


def origin_codes(
    laws: Sequence[Law], asked: Sequence[str], days: Iterable[date] = ()
) -> tuple[str, ...]:
    """The alternative origins: each a partner of every file whose period holds one of
    `days` (the entry dates; none given: of every file)."""
    dates = set(days)
    used = [
        law
        for law in laws
        if not dates or any(law.study.start <= day < law.study.until for day in dates)
    ] or list(laws)
    out = []
    for text in dict.fromkeys(asked):
        code = text.strip()
        if not ORIGIN.match(code):
            _usage(f"{quoted(text)} is not a country code such as VN", "'--origin'")
        for law in used:
            partners = [f.exporter for f in law.study.flows if f.importer == "US"]
            if code not in partners:
                _usage(
                    f"{law.path} has no flow US:{code} (its partners: {', '.join(partners)})",
                    "'--origin'",
                )
        out.append(code)
    return tuple(out)


def refund_asked(laws: Sequence[Law], options: EntryOptions, inputs: Inputs) -> Refund | None:
    """What is owed back, if a refund is asked for, and the interest table it needs."""
    from tariffs.calc.entry import Refund
    from tariffs.customs import PAYERS
    from tariffs.input.literals import parse_date
    from tariffs.input.problems import ScenarioError
    from tariffs.input.tables import interest_quarters

    authority, against = options.refund_authority, options.refund_against
    if authority is None and against is None:
        for given, option in ((options.refund_on, "--refund-on"), (options.payer, "--payer")):
            if given is not None:
                _usage(
                    "goes with --refund-authority AUTHORITY or --refund-against SCENARIO",
                    f"'{option}'",
                )
        return None
    if authority is not None and against is not None:
        _usage("give --refund-authority or --refund-against, not both", "'--refund-against'")
    if authority is not None and authority not in AUTHORITIES:
        _usage(f"{quoted(authority)} is none of {', '.join(AUTHORITIES)}", "'--refund-authority'")
    if against is not None:
        scenario_names(laws, [against])
    if options.refund_on is None:
        if options.payer is not None:
            _usage("goes with --refund-on DATE, the date interest runs to", "'--payer'")
        return Refund(authority or "", against or "")
    try:
        on = parse_date(options.refund_on)
    except ValueError as exc:
        _usage(str(exc), "'--refund-on'")
    if options.payer not in PAYERS:
        _usage(
            "interest on a refund is at the corporate or the non-corporate rate: say which "
            "with --payer corporate or --payer non-corporate",
            "'--payer'",
        )
    try:
        table, quarters = interest_quarters(options.interest, inputs)
    except ScenarioError as exc:
        show.fail(exc.problems)
    return Refund(authority or "", against or "", on, options.payer or "", quarters, table)


def run(
    options: EntryOptions,
    where: tuple[str, Path | None, int | None],
    inputs: Inputs,
    load_all: Callable[[list[Path], Inputs], list[tuple[str, Study]]],
) -> None:
    """The command: every entry line priced under each scenario, then shown. `where` is the
    format, the output path and the width; `load_all` reads the law files (the command's,
    with its work limit), recording what it reads in `inputs`."""
    from tariffs.calc.entry import Ask, EntryProblems, Law, compute, grouped
    from tariffs.cli.progress import tracked
    from tariffs.input.problems import Problem, ScenarioError
    from tariffs.input.tables import fee_years

    fmt, output, width = where
    law_paths, entry_path = split_files(options.files)
    laws = [Law(path, study) for path, study in load_all(law_paths, inputs)]
    entries = read_entry_file(entry_path, inputs)
    scenarios = scenario_names(laws, options.scenarios)
    origins = origin_codes(laws, options.origins, (line.entry_date for line in entries.lines))
    refund = refund_asked(laws, options, inputs)
    try:
        fees_table, years = fee_years(options.fees, inputs)
    except ScenarioError as exc:
        show.fail(exc.problems)
    ask = Ask(scenarios, origins, years, refund, fees_table)
    total = len(grouped(entries)) * len(scenarios) * (1 + len(origins))

    def each(items: Iterable[Any]) -> Iterable[Any]:
        return tracked(items, total, "entries")

    try:
        result = show.computed(str(entry_path), compute, laws, entries, ask, each=each)
    except EntryProblems as exc:
        places = dict(entries.columns)
        show.fail(
            Problem(p.row, places.get(p.column, 1), p.message, entries.path) for p in exc.problems
        )
    show_entries(show.Where(fmt, output, width, inputs), result)


def show_entries(where: show.Where, result: Any) -> None:
    from tariffs.render import entry_out

    if where.fmt == "json":
        where.machine(entry_out.to_json(result))
        return
    if where.fmt == "csv":
        where.machine(entry_out.to_csv(result))
        return
    from tariffs.render import markdown, table

    title = f"Duties and fees of {result.path}"
    facts, grids = entry_out.facts(result), entry_out.grids(result)
    page = table.report(title, facts, grids, where.width)
    if where.fmt == "table":
        where.page(page)
    else:
        where.markdown(page, lambda: markdown.report(title, facts, grids))


def check_entry_files(
    loaded: Sequence[tuple[str, Any]],
    paths: Sequence[Path],
    checked: Sequence[tuple[str, Any]],
    junit: Path | None,
    inputs: Inputs,
) -> bool:
    """`tariffs check --entries`: each expectations file's entries priced under the law of
    the scenario files, its expectations evaluated, and the report (and JUnit XML) of them
    and of the scenario files' own. True if any expectation failed."""
    from tariffs.calc.entry import Ask, EntryProblems, Law, Refund, check_entries, compute
    from tariffs.input.entry_checks import load_checks
    from tariffs.input.problems import Problem, ScenarioError
    from tariffs.input.tables import fee_years, interest_quarters
    from tariffs.render import entry_out

    laws = [Law(path, study) for path, study in loaded]
    try:
        fees_table, years = fee_years(None, inputs)
    except ScenarioError as exc:
        show.fail(exc.problems)
    results = []
    for path in paths:
        try:
            found = load_checks(path, inputs)
        except ScenarioError as exc:
            show.fail(exc.problems)
        unknown = _unknown_names(found, laws)
        if unknown:
            show.fail(unknown)
        refund = None
        if found.refund_authority or found.refund_against:
            refund = Refund(
                found.refund_authority, found.refund_against, found.refund_on, found.payer
            )
            if found.refund_on is not None:
                try:
                    table, quarters = interest_quarters(None, inputs)
                except ScenarioError as exc:
                    show.fail(exc.problems)
                refund = refund._replace(quarters=quarters, table=table)
        scenarios = tuple(dict.fromkeys(e.scenario for e in found.expectations))
        origins = tuple(dict.fromkeys(e.origin for e in found.expectations if e.origin))
        ask = Ask(scenarios, origins, years, refund, fees_table)
        try:
            result = show.computed(found.path, compute, laws, found.entries, ask)
        except EntryProblems as exc:
            places = dict(found.entries.columns)
            show.fail(
                Problem(p.row, places.get(p.column, 1), p.message, found.entries.path)
                for p in exc.problems
            )
        results.append((found.path, check_entries(result, found.expectations)))
    if junit is not None:
        show.emit(
            entry_out.check_junit(checked, results), junit, inputs, people=False, option="--junit"
        )
    show.emit(entry_out.check_report(checked, results), None, inputs, people=True)
    return any(not o.passed for _, outcomes in results for o in outcomes)


def _unknown_names(found: Any, laws: Sequence[Law]) -> list[str]:
    """Expectations naming a scenario some law file lacks, or an origin it has no flow from."""
    out = []
    for e in found.expectations:
        for law in laws:
            names = [s.name for s in law.study.scenarios]
            partners = [f.exporter for f in law.study.flows if f.importer == "US"]
            if e.scenario not in names:
                out.append(
                    f"{found.path}:{e.line_at}:{e.column}: {law.path} has no scenario "
                    f"{quoted(e.scenario)} (it has: {', '.join(names)})"
                )
            if e.origin and e.origin not in partners:
                out.append(
                    f"{found.path}:{e.line_at}:{e.column}: {law.path} has no flow US:{e.origin}"
                )
    against = found.refund_against
    for law in laws:
        if against and against not in [s.name for s in law.study.scenarios]:
            out.append(
                f"{found.path}:1:1: {law.path} has no scenario {quoted(against)} (refund: against)"
            )
    return list(dict.fromkeys(out))


# --- tariffs rate --value ---------------------------------------------------------------------


class Priced(NamedTuple):
    """What `tariffs rate --value` prices: one product of a flow on a date, as given."""

    study: Any
    flow: Any
    code: str
    day: Any
    scenario: str
    value: str
    quantity: str | None
    mfn: str | None


def _mfn_of_line(priced: Priced) -> Any:
    """The MFN to price with: --mfn, or a specific MFN of the file's line of that code (its
    rate as written), or None (the file's ad valorem MFN, or none)."""
    from tariffs.input.entries import parse_stated_rate

    text = priced.mfn
    if text is None:
        digits = priced.code.replace(".", "")
        best = None
        for line in priced.flow.lines:
            if (
                line.hs
                and digits.startswith(line.hs)
                and (best is None or len(line.hs) > len(best.hs))
            ):
                best = line
        if best is None or not best.mfn_form:
            return None
        text = best.mfn_form.partition(" on ")[0]  # "$1.055/kg on 1000 kg": the rate
    try:
        return parse_stated_rate(text)
    except ValueError as exc:
        _usage(str(exc), "'--mfn'")


def show_priced_rate(where: show.Where, path: str, priced: Priced) -> None:
    """`tariffs rate --value`: the stack, then each duty line's money, as `tariffs entry`
    prices an entry line of that value (19 CFR 159.3 rounding). The stack is the entry
    line's: with its stated MFN (--mfn), without the flow's shares of value."""
    from tariffs.calc.entry import Law, dollars, line_duties, mfn_of, new_stacks
    from tariffs.calc.results import ZERO
    from tariffs.calc.stack import product_stack
    from tariffs.customs import EntryLine
    from tariffs.domain import Line
    from tariffs.input.entries import parse_amount, parse_quantity
    from tariffs.render import entry_out

    try:
        amount = parse_amount(priced.value.strip())
    except ValueError as exc:
        _usage(str(exc), "'--value'")
    quantity, unit = None, ""
    if priced.quantity is not None:
        try:
            quantity, unit = parse_quantity(priced.quantity.strip())
        except ValueError as exc:
            _usage(str(exc), "'--quantity'")
    mfn = _mfn_of_line(priced)
    if mfn is not None and mfn.specific and (quantity is None or unit != mfn.unit):
        _usage(
            f"the MFN {mfn.text} is per {mfn.unit}: give --quantity in {mfn.unit}, such as "
            f"1000{mfn.unit}",
            "'--quantity'",
        )
    line = EntryLine(
        "-",
        1,
        0,
        priced.day,
        "",
        priced.code.replace(".", ""),
        priced.code,
        priced.flow.exporter,
        amount,
        quantity,
        unit,
        mfn,
    )
    law = Law(path, priced.study)
    found = show.computed(path, line_duties, law, priced.flow, line, priced.scenario, new_stacks())
    if isinstance(found, str):
        show.fail([f"tariffs: {found}; or give --mfn RATE"], EXIT_USAGE)
    own = mfn_of(line, priced.flow, path, dollars(amount))
    stated = None if isinstance(own, str) or own.stated is None else own
    form = ""
    if stated is not None and stated.stated is not None and stated.stated.specific:
        form = f"{stated.text} on {quantity:f} {unit}"
    digits = priced.code.replace(".", "")
    stack = show.computed(
        path,
        product_stack,
        priced.study,
        priced.flow,
        priced.code,
        priced.day,
        priced.scenario,
        line=Line(digits, "", "", ZERO, mfn=None if stated is None else stated.ave, mfn_form=form),
    )
    if where.fmt == "json":
        from tariffs.render import json_out

        where.machine(json_out.rate(path, stack, money=entry_out.priced_json(found)))
        return
    from tariffs.render import markdown, table
    from tariffs.render.grids import rate_facts, rate_grid

    title = f"Duty stack of HS {stack.hs}"
    facts = rate_facts(stack, path)
    grids = [rate_grid(stack), entry_out.priced_grid(found)]
    if where.fmt == "table":
        where.page(table.report(title, facts, grids, where.width))
    else:
        where.people(markdown.report(title, facts, grids))
