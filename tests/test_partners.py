"""A measure over many partners given to each: a partner of its group that has no rate of its
own is not this partner's tariff (`rate` says so; its product rates are the others'); `diff`
shows a partner's rate; and Switzerland's lines in scenarios/world-2025.yaml."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from typer.testing import CliRunner

from tariffs.calc.compare import RatesOn, compare
from tariffs.calc.stack import product_stack
from tariffs.cli import app
from tariffs.domain import Study
from tariffs.input.load import load, load_text

ROOT = Path(__file__).resolve().parent.parent
WORLD = "scenarios/world-2025.yaml"

HEAD = """\
tariffs: 1
title: t
period: {start: 2025-01-01, until: 2026-01-01}
on: 2025-06-01
"""

# CA and MX have rates of their own; JP is in the group (so that a measure on every flow
# may yield to this one) but has none. Canada's energy pays 10% instead of 25%.
BORDER = """\
flows:
  - {importer: US, exporter: CA, lines: [{hs: "2709", description: oil, value: 1bn}]}
  - {importer: US, exporter: JP, lines: [{hs: "2709", description: oil, value: 1bn},
      {hs: "8703", description: cars, value: 3bn}]}
measures:
  border:
    importer: US
    exporters: [CA, JP]
    basis: b
    partner_rates:
      CA: {2025-03-04: 25%}
    product_rates:
      - {hs: ["27"], rates: {2025-03-04: 10%}}
scenarios:
  s: {}
"""


def _study(text: str) -> Study:
    return load_text(HEAD + text, "t.yaml")


def test_a_partner_without_rates_of_its_own_pays_none_of_the_measure() -> None:
    study = _study(BORDER)
    rates = RatesOn(study)
    # Canada's oil: the product rate, 10%. Japan's oil paid it too (10% x 1bn / 4bn =
    # 2.5% of its flow), though the measure has no rate for Japan; now 0%
    assert rates("s", "US:CA", date(2025, 6, 1)) == 10
    assert rates("s", "US:JP", date(2025, 6, 1)) == 0
    jp = next(f for f in study.flows if f.key == "US:JP")
    [layer] = product_stack(study, jp, "2709", date(2025, 6, 1), "s").layers
    assert (layer.rate, layer.status) == (0, "not in scope")
    assert layer.why == "not this partner: its rates are for CA only"
    [measure] = [m for m in study.measures if m.exporter == "JP"]
    assert (measure.rated_partners, measure.product_rates) == (("CA",), ())


def test_a_measure_wide_rate_reaches_every_partner_as_before() -> None:
    # with `rates` for all, Japan takes them and the product rate: (10 x 1 + 5 x 3) / 4 = 6.25
    study = _study(
        BORDER.replace("    partner_rates:", "    rates: {2025-03-04: 5%}\n    partner_rates:")
    )
    assert RatesOn(study)("s", "US:JP", date(2025, 6, 1)) == Decimal("6.25")
    assert all(not m.rated_partners for m in study.measures)


def _rate(args: list[str]) -> dict[str, object]:
    out = CliRunner().invoke(app, ["rate", *args, "-f", "json"], prog_name="tariffs")
    assert out.exit_code == 0, out.output
    return dict(json.loads(out.stdout)["stack"])


def _layer(stack: dict[str, object], name: str) -> dict[str, object]:
    layers = stack["layers"]
    assert isinstance(layers, list)
    return dict(next(x for x in layers if x["measure"] == name))


def test_rate_says_the_canada_mexico_tariff_is_not_switzerlands() -> None:
    stack = _rate([WORLD, "--flow", "US:CH", "--hs", "30"])
    border = _layer(stack, "us-ieepa-border")
    assert (border["status"], border["why"]) == (
        "not in scope",
        "not this partner: its rates are for CA, MX only",
    )  # was "not in force", "no rate yet"
    # Swiss pharmaceuticals on 15 Nov: Annex II spares them the reciprocal tariff and the
    # all-in ceiling; their MFN is Free (was the flow's 2.21% proxy)
    assert Decimal(str(stack["total"])) == 0
    assert _layer(stack, "mfn")["rate"] == 0
    # Swiss crude oil on 1 May paid Canada's 10% energy rate: 10 + 10 + 2.21 = 22.21%; now
    # the reciprocal 10% and the flow's MFN proxy 2.21%
    oil = _rate([WORLD, "--flow", "US:CH", "--hs", "2709", "--on", "2025-05-01"])
    assert Decimal(str(oil["total"])) == Decimal("12.21")
    assert _layer(oil, "us-ieepa-border")["rate"] == 0


def test_diff_shows_a_change_of_one_partners_rate(tmp_path: Path) -> None:
    old = tmp_path / "old.yaml"
    new = tmp_path / "new.yaml"
    text = (ROOT / WORLD).read_text(encoding="utf-8")
    old.write_text(text, encoding="utf-8")
    moved = "      CA: {2025-03-04: 25%, 2025-08-01: 40%}"
    new.write_text(text.replace("      CA: {2025-03-04: 25%, 2025-08-01: 35%}", moved), "utf-8")
    out = CliRunner().invoke(app, ["diff", str(old), str(new), "-f", "json"])
    assert out.exit_code == 1, out.output
    # compared on the last partner's copy (ROW), the change was no input change at all
    assert json.loads(out.stdout)["inputs"] == [
        {
            "section": "measure",
            "name": "us-ieepa-border",
            "field": "rate from 2025-08-01 for CA",
            "old": "35%",
            "new": "40%",
        }
    ]


# --- Switzerland in scenarios/world-2025.yaml ---------------------------------------------


def test_switzerlands_pharmaceuticals_are_their_own_line_duty_free() -> None:
    study = load(ROOT / WORLD)
    ch = next(f for f in study.flows if f.key == "US:CH")
    pharma = next(line for line in ch.lines if line.code == "30")
    # CHF 31bn of CHF 65bn of Swiss exports to the US in 2024: 63.4 x 31 / 65 = 30.24 -> 30.2
    assert pharma.value == Decimal("30.2e9")
    assert pharma.mfn == 0
    assert sum(line.value for line in ch.lines) == Decimal("63.4e9")
    result = compare(study, on=date(2025, 11, 13), only=("as-enacted",))
    [flow] = [f for f in result.scenarios[0].flows if f.flow.key == "US:CH"]
    # 39% on top of MFN 2.21 on everything else, 50% on the metals, nothing on pharma:
    # (1.5 x 52.21 + 30.2 x 0 + 31.7 x 41.21) / 63.4 = 1,384.672 / 63.4 = 21.84025...%
    # (with the economy-wide 20.8% Annex II share at MFN 2.21 it was 33.3504%)
    assert flow.rate_on.quantize(Decimal("0.0001")) == Decimal("21.8403")
