"""A product that is no line of its flow has an unknown MFN: never 0%.

A flow's MFN is its lines' (a product takes the line of its code, or of the longest code it
starts with) or, for the rest of its value, the flow's own `mfn`. A code that none of these
covers gets the additional duties only, labelled so; a measure whose rate depends on MFN
(an all-in ceiling over it) makes the product's rate unknown, and the command refuses.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from typer.testing import CliRunner

from tariffs.calc.stack import product_stack
from tariffs.cli import app
from tariffs.input.load import load_text

FILE = """\
tariffs: 1
title: MFN by line
period: {start: 2025-01-01, until: 2026-01-01}
on: 2025-06-01
flows:
  - importer: US
    exporter: EU
    lines:
      - {hs: "8703.23", description: cars, value: 40m, mfn: 2.5%}
      - {hs: "8703.24", description: large cars, value: 10m, mfn: 2.5%}
      - {hs: "8479", description: machines, value: 50m, mfn: 1.2%}
measures:
  reciprocal:
    importer: US
    exporter: EU
    basis: IEEPA reciprocal
    rates: {2025-04-05: 10%, 2025-08-07: 15%}
    all_in:
      - {over: [mfn], from: 2025-08-07}
scenarios:
  law: {description: as written}
"""


def write(tmp_path: object, text: str = FILE) -> str:
    path = tmp_path / "mfn.yaml"  # type: ignore[operator]
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_code_under_a_line_takes_that_line_s_mfn() -> None:
    study = load_text(FILE, "mfn.yaml")
    # 8479.89 starts with the line 8479: MFN 1.2% + reciprocal 10% = 11.2
    stack = product_stack(study, study.flows[0], "8479.89", date(2025, 6, 1), "law")
    assert stack.total == Decimal("11.2")
    assert stack.mfn_stated
    assert not stack.mfn_unknown


def test_a_code_of_no_line_has_the_additional_duties_only(tmp_path: object) -> None:
    path = write(tmp_path)
    # 8703.10 is no line and starts with none (8703.23 and 8703.24 are below 8703, not
    # above 8703.10): its MFN is unknown, so the total is the reciprocal 10% alone, before
    # the all-in ceiling over MFN starts on 7 August
    result = CliRunner().invoke(app, ["rate", path, "--flow", "US:EU", "--hs", "8703.10"])
    assert result.exit_code == 0, result.output
    assert (
        "Total: 10.0% (additional duties only: HS 8703.10's MFN is unknown, since no line "
        "of US:EU has this code or a code it starts with)"
    ) in " ".join(result.stdout.split())
    assert "| mfn " not in result.stdout  # no MFN layer, rather than one at 0.0%
    data = json.loads(
        CliRunner()
        .invoke(app, ["rate", path, "--flow", "US:EU", "--hs", "8703.10", "-f", "json"])
        .stdout
    )
    assert data["stack"]["total"] == 10
    assert data["stack"]["mfn_stated"] is False
    assert data["stack"]["mfn_unknown"] is True
    assert [x["measure"] for x in data["stack"]["layers"]] == ["reciprocal"]


def test_a_rate_that_depends_on_an_unknown_mfn_is_refused(tmp_path: object) -> None:
    path = write(tmp_path)
    # on 1 September the all-in ceiling pays max(0, 15 - MFN): unknown with MFN unknown
    result = CliRunner().invoke(
        app, ["rate", path, "--flow", "US:EU", "--hs", "8703", "--on", "2025-09-01"]
    )
    assert result.exit_code == 2
    message = " ".join(result.stderr.split())
    assert (
        "HS 8703's MFN is unknown (no line of US:EU has this code or a code it starts "
        "with), and 'reciprocal' depends on it (its all-in ceiling is over MFN from "
        "2025-08-07), so its rate is unknown too; give the flow a line of this code with "
        "its 'mfn', or ask for one of its lines under it: 8703.23, 8703.24"
    ) in message


def test_the_timeline_of_a_code_of_no_line(tmp_path: object) -> None:
    text = FILE.replace("    all_in:\n      - {over: [mfn], from: 2025-08-07}\n", "")
    path = write(tmp_path, text)
    result = CliRunner().invoke(
        app, ["timeline", path, "--flow", "US:EU", "--hs", "8703.10", "-f", "json"]
    )
    assert result.exit_code == 0, result.output
    [entry] = json.loads(result.stdout)["timelines"]
    assert entry["mfn_unknown"] is True
    assert [m["name"] for m in entry["measures"]] == ["reciprocal"]
    # 0 until 5 April, 10 until 7 August, then 15: no MFN under it
    assert [s["rate"] for s in entry["segments"]] == [0, 10, 15]
    # over the period the all-in ceiling would make it unknown: refused
    refused = CliRunner().invoke(
        app, ["timeline", write(tmp_path), "--flow", "US:EU", "--hs", "8703.10"]
    )
    assert refused.exit_code == 2
    assert "'reciprocal' depends on it" in " ".join(refused.stderr.split())


def test_a_flow_s_own_mfn_of_0_covers_the_rest_of_its_value() -> None:
    # the flow's unclassified rest states MFN Free: a code of no line takes it, 0% known
    text = FILE.replace(
        '      - {hs: "8479", description: machines, value: 50m, mfn: 1.2%}\n',
        '      - {hs: "8479", description: machines, value: 50m, mfn: 1.2%}\n'
        "      - {description: the rest, value: 5m, mfn: 0%}\n",
    )
    study = load_text(text, "mfn.yaml")
    stack = product_stack(study, study.flows[0], "9403.20", date(2025, 9, 1), "law")
    assert stack.mfn_stated
    assert not stack.mfn_unknown
    # all-in 15 over MFN 0: 15 + 0
    assert stack.total == Decimal(15)
