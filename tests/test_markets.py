"""Markets through the whole tool: the `markets:` section, compare's tables and JSON, check,
sweeps, the linear model's warning and the messages for a wrong market.

The core's figures are in tests/test_diversion.py; here they come back through files.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tariffs.calc import gsim, trade
from tariffs.calc.compare import compare, scenario_result
from tariffs.calc.market import Solutions
from tariffs.calc.scope import flow_models
from tariffs.cli import app
from tariffs.input.load import load, load_text
from tariffs.input.problems import ScenarioError
from tariffs.render import plot

ROOT = Path(__file__).resolve().parent.parent
TWO = ROOT / "tests" / "fixtures" / "market-2.yaml"
GSIM = ROOT / "tests" / "fixtures" / "gsim-4x4.yaml"
D = Decimal


def run(*args: str) -> Any:
    return CliRunner().invoke(app, list(args), prog_name="tariffs")


def markets_json(path: Path, *args: str) -> dict[str, Any]:
    out = run("compare", str(path), "-f", "json", *args)
    assert out.exit_code == 0, out.output
    scenarios = json.loads(out.stdout, parse_float=Decimal)["files"][0]["scenarios"]
    return {s["name"]: s["markets"] for s in scenarios}


def test_the_two_partner_file_checks() -> None:
    # Its expectations are the hand figures of tests/test_diversion.py (see the file).
    out = run("check", str(TWO))
    assert out.exit_code == 0, out.output
    assert "3 passed, 0 failed" in out.output


def test_the_two_partner_figures_in_json() -> None:
    [market] = markets_json(TWO)["tariff"]
    cn, row = market["partners"]
    # 365 days at 30%: a year's figures (tests/test_diversion.py works them by hand).
    # (to the cent: 438.9bn x 0.674660015 x 1.016941990 = 301,124,944,114.65)
    assert cn["market_imports"] == D("301124944114.65")
    assert row["market_imports"] == D("2847437572650.96")
    assert cn["creation"] == D("-12241539223.68")
    assert cn["diversion"] + row["diversion"] == 0
    assert market["price_index_change_on"] == D("3.4171")  # P = 1.034171
    assert market["price_index_change"] == D("3.4171")
    # revenue 301.1249 x 30% = 90.3375bn; consumer surplus -3,238.9 x ln 1.034171 = -108.8275bn;
    # welfare -108.8275 + 90.3375 = -18.4900bn (infinite supply: no producer surplus).
    assert market["market_tariff_revenue"] == D("90337483234.39")
    assert market["consumer_surplus"] == D("-108827528125.05")
    assert market["welfare"] == D("-18490044890.65")
    assert market["warnings"] == []
    [base] = markets_json(TWO)["none"]
    assert base["welfare"] == 0
    assert [p["share_after"] for p in base["partners"]] == [D("13.5509"), D("86.4491")]


def test_compare_shows_the_by_partner_table() -> None:
    out = run("compare", str(TWO), "--width", "120")
    assert out.exit_code == 0, out.output
    text = out.stdout
    assert "US's partners under 'tariff', model ces" in text
    assert (
        "| CN      |   438.9 |   301.1 | -137.8 |    -12.2 |    -125.5 |  13.6% |   9.6% |" in text
    )
    assert (
        "| ROW     | 2,800.0 | 2,847.4 |   47.4 |    -78.1 |     125.5 |  86.4% |  90.4% |" in text
    )
    assert (
        "| All     | 3,238.9 | 3,148.6 |  -90.3 |    -90.3 |       0.0 | 100.0% | 100.0% |" in text
    )


def test_csv_and_markdown_carry_the_market() -> None:
    csv = run("compare", str(TWO), "-f", "csv").stdout
    assert "tariff,US,CN,market,share_after,2025-01-01,9.5639,percent" in csv
    assert "tariff,US,*,market,price_index_change_on,2025-06-01,3.4171,percent" in csv
    markdown = run("compare", str(TWO), "-f", "markdown").stdout
    assert "US's partners under 'tariff'" in markdown


def test_the_linear_model_warns_below_zero() -> None:
    # gsim with Es = 5: China's linear change is (0.1355090 x -1 - 0.8644910 x 5) x 0.3
    # = -1.337389, past -100% (tests/test_diversion.py); compare says so on stderr.
    text = TWO.read_text(encoding="utf-8").replace(
        "{model: ces, import_demand: -1, substitution: 1.5,",
        "{model: gsim, import_demand: -1, substitution: 5,",
    )
    study = load_text(text, "two.yaml")
    result = compare(study)
    [market] = result.scenarios[1].markets
    assert market.partners[0].imports < 0
    assert len(market.warnings) == 1
    assert "US:CN passes -100% from 2025-01-01" in market.warnings[0]
    assert result.scenarios[0].markets[0].warnings == ()


def test_the_gsim_file_is_gsim() -> None:
    # The scenario file (the published matrix without the EU's and RW's trade within
    # themselves, which a file cannot declare) gives what calc.gsim gives for that matrix:
    # the world prices, in percent.
    trade = [[0, 50, 200, 300], [500, 0, 150, 200], [300, 100, 0, 200], [50, 100, 110, 0]]
    powers = [
        ["1.00", "1.21", "1.41", "1.22"],
        ["1.37", "1.00", "1.31", "1.23"],
        ["1.32", "1.36", "1.00", "1.18"],
        ["1.57", "1.41", "1.25", "1.15"],
    ]
    base = [[D(v) for v in row] for row in powers]
    new = [list(row) for row in base]
    new[0][2] = new[2][0] = D(1)
    regions = [gsim.Region(D("-1.25"), D(5), D("1.5"))] * 4
    direct = gsim.solve([[D(v) * 10**9 for v in row] for row in trade], base, new, regions)
    markets = markets_json(GSIM, "-s", "us-eu-fta")["us-eu-fta"]
    names = ["US", "JP", "EU", "RW"]
    for market in markets:
        for partner in market["partners"]:
            x = direct.prices[names.index(partner["exporter"])] * 100
            assert partner["world_price_change_on"] == round(x, 4)
    welfare = {m["importer"]: m["welfare"] for m in markets}
    assert abs(sum(welfare.values()) - sum(direct.welfare)) < D("0.05")


def test_a_sweep_over_the_substitution_elasticity() -> None:
    out = run(
        "sweep",
        str(TWO),
        "--scenario",
        "tariff",
        "--vary",
        "market:US.substitution=0,1.5,5",
        "--flow",
        "US:CN",
        "--metric",
        "share_after",
        "-f",
        "csv",
    )
    assert out.exit_code == 0, out.output
    rows = [line.split(",") for line in out.stdout.splitlines()[1:]]
    # sigma 0: no diversion, China keeps 13.5509% (imports fall alike, P ** Em);
    # sigma 1.5: 9.5639% (the hand figures); sigma 5: M_CN = 438.9 x 1.3 ** -5 x P ** 4 =
    # 129.6236 (tests/test_diversion.py), M_ROW = 2,800 x P ** 4 = 2,800 x 1.0965676
    # = 3,070.3893: 129.6236 / 3,200.0129 = 4.0507%.
    assert [(row[1], row[4]) for row in rows] == [
        ("0", "13.5509"),
        ("1.5", "9.5639"),
        ("5", "4.0507"),
    ]


@pytest.mark.parametrize(
    ("markets", "message"),
    [
        ("{CN: {substitution: 2}}", "market CN needs two flows or more into CN"),
        ("{US: {substitution: -1}}", "an elasticity of substitution is a number from 0"),
        ("{US: {export_supply: 0}}", "an export supply elasticity is a number above 0"),
        ("{US: {partner_supply: {JP: 2}, observed_on: 2024-12-31}}", "has no partner JP"),
        ("{US: {substitution: 2}}", "the observed rate T0 of US:CN, US:ROW is not known"),
        ("{US: {model: linear}}", "'ces' or 'gsim'"),
    ],
)
def test_a_wrong_market_is_refused(markets: str, message: str) -> None:
    text = TWO.read_text(encoding="utf-8").split("markets:")[0]
    text += f"markets: {markets}\n"
    with pytest.raises(ScenarioError) as caught:
        load_text(text, "bad.yaml")
    assert message in str(caught.value), str(caught.value)


def test_a_share_expectation_needs_a_market() -> None:
    text = TWO.read_text(encoding="utf-8").split("markets:")[0]
    text += "expect:\n  - {scenario: tariff, flow: US:CN, share: 9%}\n"
    with pytest.raises(ScenarioError) as caught:
        load_text(text, "bad.yaml")
    assert "'share' is a metric of a market, and the file gives US no market" in str(caught.value)


# --- properties over time ------------------------------------------------------------------

RATES = st.lists(
    st.tuples(st.integers(min_value=0, max_value=360), st.integers(min_value=0, max_value=200)),
    min_size=1,
    max_size=4,
)


@settings(max_examples=25, deadline=None, derandomize=True)
@given(RATES, RATES, st.sampled_from(["0", "1.5", "5"]), st.sampled_from(["-1", "0", "-2"]))
def test_over_a_timeline_diversion_adds_to_zero(
    cn: list[tuple[int, int]], mx: list[tuple[int, int]], sigma: str, em: str
) -> None:
    def schedule(steps: list[tuple[int, int]]) -> str:
        days = sorted(dict(steps).items())
        return ", ".join(f"2025-{1 + d // 31:02d}-{1 + d % 28:02d}: {r}%" for d, r in days)

    text = f"""
tariffs: 1
title: t
period: {{start: 2025-01-01, until: 2026-01-01}}
on: 2025-06-01
flows:
  - {{importer: US, exporter: CN, value: 438.9bn}}
  - {{importer: US, exporter: MX, value: 505.9bn}}
  - {{importer: US, exporter: ROW, value: 2322.6bn}}
measures:
  cn: {{importer: US, exporter: CN, basis: x, rates: {{{schedule(cn)}}}}}
  mx: {{importer: US, exporter: MX, basis: x, rates: {{{schedule(mx)}}}}}
scenarios:
  s: {{}}
markets:
  US:
    import_demand: {em}
    substitution: {sigma}
    partner_supply: {{MX: 3}}
    observed_on: 2025-01-01
"""
    [market] = compare(load_text(text, "t.yaml")).scenarios[0].markets
    assert all(p.imports >= 0 for p in market.partners)
    assert abs(sum(p.diversion for p in market.partners)) < D("0.001")
    assert abs(sum(p.imports for p in market.partners) - market.imports) < D("0.001")
    if sigma == "0" and em == "0":
        # no response at all, MX's finite supply included (k = 0, shifts 0): static, but
        # for the days / 365 of each stretch, added up in Decimal's 28 digits
        assert all(abs(p.imports - p.static_imports) < D("1e-12") for p in market.partners)
        assert all(p.diversion == 0 and p.creation == 0 for p in market.partners)


# --- docs/economics.md, section 9: China's share with diversion ------------------------------

WORLD = ROOT / "scenarios" / "world-2025.yaml"
ECONOMICS = (ROOT / "docs" / "economics.md").read_text(encoding="utf-8")


def _share_rows() -> list[list[str]]:
    section = ECONOMICS.split("## 9. China's share", 1)[1]
    rows = [line for line in section.splitlines() if line.startswith(("| ces", "| gsim"))]
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows]


def test_the_china_share_table_is_the_tools_output() -> None:
    rows = _share_rows()
    assert len(rows) == 5
    text = WORLD.read_text(encoding="utf-8")
    shipped = "".join(
        f"    {line}\n"
        for line in (
            "model: ces",
            "import_demand: -1",
            "substitution: 1.5",
            "export_supply: infinite",
        )
    )
    assert shipped in text
    for model, em, sigma, ex, before, after, change in rows:
        varied = text.replace(
            shipped,
            f"    model: {model.split()[0].rstrip(',')}\n    import_demand: {em}\n"
            f"    substitution: {sigma}\n    export_supply: {ex}\n",
        )
        result = compare(load_text(varied, "world.yaml"), only=("as-enacted",))
        [market] = result.scenarios[0].markets
        [china] = [p for p in market.partners if p.exporter == "CN"]
        assert f"{round(china.share_before, 2)}%" == before
        assert f"{round(china.share_after, 2)}%" == after
        assert f"{round(china.share_after, 2) - round(china.share_before, 2):+} pp" == change


def test_diff_names_the_market_and_what_it_did(tmp_path: Path) -> None:
    changed = tmp_path / "market-3.yaml"
    changed.write_text(
        TWO.read_text(encoding="utf-8").replace("substitution: 1.5", "substitution: 3"),
        encoding="utf-8",
    )
    out = run("diff", str(TWO), str(changed), "-f", "json")
    assert out.exit_code == 1, out.output
    document = json.loads(out.stdout, parse_float=Decimal)
    assert document["inputs"] == [
        {"section": "market", "name": "US", "field": "substitution", "old": "1.5", "new": "3"}
    ]
    shares = [r for r in document["results"] if r["metric"] == "share_after"]
    assert [(r["flow"], r["old"]) for r in shares] == [
        ("US:CN", D("9.5639")),
        ("US:ROW", D("90.4361")),
    ]
    # a saved result of the file diffs equal to the file
    saved = tmp_path / "saved.json"
    saved.write_text(run("compare", str(TWO), "-f", "json").stdout, encoding="utf-8")
    assert run("diff", str(saved), str(TWO)).exit_code == 0


def test_a_gsim_system_too_large_is_refused_before_any_work(tmp_path: Path) -> None:
    # 250 regions, each importing from the next two: one date inside the period makes at
    # most 1 + 2 = 3 stretches (the report date's solve counted), each 3 steps x 250 ** 3:
    # 3 x 3 x 15,625,000 = 140,625,000 steps, over the 60,000,000 of limits.MAX_WORK.
    names = [f"R{chr(65 + k // 26)}{chr(65 + k % 26)}" for k in range(250)]
    flows = "\n".join(
        f"  - {{importer: {a}, exporter: {names[(k + step) % 250]}, value: 1bn}}"
        for k, a in enumerate(names)
        for step in (1, 2)
    )
    markets = "\n".join(f"  {a}: {{model: gsim, observed_on: 2024-12-31}}" for a in names)
    path = tmp_path / "big.yaml"
    path.write_text(
        "tariffs: 1\ntitle: t\nperiod: {start: 2025-01-01, until: 2026-01-01}\n"
        f"on: 2025-06-01\nflows:\n{flows}\n"
        f"measures:\n  m: {{importer: {names[0]}, exporter: {names[1]}, basis: x,"
        " rates: {2025-03-01: 10%}}\n"
        f"scenarios:\n  s: {{}}\nmarkets:\n{markets}\n",
        encoding="utf-8",
    )
    out = run("compare", str(path))
    assert out.exit_code == 1, out.output
    assert "steps of work" in out.output
    assert "gsim markets over 250 regions" in out.output
    assert "Traceback" not in out.output


def test_the_compare_chart_has_a_panel_of_imports_by_partner() -> None:
    result = compare(load(TWO))
    panels = plot._compare_panels([(str(TWO), result)])
    assert [p.market for p in panels] == [-1, -1, 0]  # two flows' rates, then the market
    assert panels[-1].height == 3.1  # 2 partners x 3 series of bars fit the usual height
    image = plot.compare_chart([(str(TWO), result)], "png")
    assert image.startswith(b"\x89PNG")
    out = run("compare", str(TWO), "--plot", "/dev/null/x.png")
    assert out.exit_code != 0  # an unwritable chart path is refused, never a traceback
    assert "Traceback" not in out.output


def test_t0_from_the_flows_observed_at() -> None:
    # Without observed_on, T0 is each flow's observed_at (with elasticity 0: no response of
    # its own); at 0% it is the rate observed_on 2024-12-31 gave: the same figures.
    text = TWO.read_text(encoding="utf-8")
    for value in ("438.9bn", "2800bn"):
        text = text.replace(
            f"value: {value}}}", f"value: {value}, elasticity: 0, observed_at: 0%}}"
        )
    text = text.replace(", observed_on: 2024-12-31", "")
    [market] = compare(load_text(text, "t0.yaml")).scenarios[1].markets
    assert [round(p.share_after, 4) for p in market.partners] == [D("9.5639"), D("90.4361")]


@pytest.mark.parametrize(
    "path", [GSIM, TWO, ROOT / "scenarios" / "world-2026.yaml"], ids=lambda p: p.stem
)
def test_scenarios_that_share_stretches_get_the_markets_each_would_alone(path: Path) -> None:
    # compare solves a market once for a set of rates and hands the solution to every
    # scenario that has those rates over some stretch (calc.market.Solutions); each
    # scenario computed on its own, with nothing shared, must give the same figures.
    study = load(path)
    together = compare(study)
    for result in together.scenarios:
        alone = scenario_result(
            study,
            study.scenario(result.name),
            flow_models(study),
            study.on,
            trade.constant_elasticity,
        )
        assert alone.markets == result.markets, result.name


def test_a_shared_solution_is_one_of_the_same_market() -> None:
    # Solutions keys a solved market by all it depends on, not its rates alone: the same
    # file with another substitution elasticity, or other base imports, asked through the
    # same Solutions, must get its own figures, not the first study's.
    study = load(TWO)
    [us] = study.markets
    other = study._replace(markets=(us._replace(substitution=D(3)),))
    cn, row = study.flows
    smaller = study._replace(flows=(cn._replace(value=D("100e9")), row))
    solved = Solutions()
    for each in (study, other, smaller):
        models = flow_models(each)
        args = (each, each.scenario("tariff"), models, each.on, trade.constant_elasticity)
        assert scenario_result(*args, solved=solved).markets == scenario_result(*args).markets
    assert len(solved.ces) == 3  # one a study: 30% all year, the report day's rates too
