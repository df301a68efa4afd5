"""`sweep --solve` shows each value beside the goal with enough decimals to tell its side.

The Geneva truce's length where China's window saves 10bn: CN:US trade is 143.5bn and the
truce keeps 24 points of its rate off (34% after it, 10% inside), so 106 days save
143.5 x 0.24 x 106 / 365 = 10.001753...bn and 105 days 9.907397...bn. At two decimals the
first is 10.00, as the goal; the table shows 10.002. US:CN (438.9bn): 35 days save
438.9 x 0.24 x 35 / 365 = 10.100712...bn, 10.10 at two decimals, enough as it is.
"""

from __future__ import annotations

from typer.testing import CliRunner

from tariffs.cli import app


def test_a_value_next_to_its_goal_shows_which_side_it_is_on() -> None:
    result = CliRunner().invoke(
        app,
        [
            "sweep",
            "scenarios/geneva.yaml",
            "-s",
            "geneva",
            "--vary",
            "window:Geneva truce.days=30..365/1",
            "--solve",
            "saved=10bn",
        ],
    )
    assert result.exit_code == 0, result.output
    rows = {
        line.split("|")[1].strip(): line for line in result.stdout.splitlines() if "crossed" in line
    }
    cn = [cell.strip() for cell in rows["CN:US"].split("|")]
    assert cn[3:7] == ["106", "10.002", "105", "9.91"]
    us = [cell.strip() for cell in rows["US:CN"].split("|")]
    assert us[3:7] == ["35", "10.10", "34", "9.81"]
