"""Specific and compound duties in the HTS's own forms, and the quantities they need.

An MFN rate may be ad valorem (`2.5%`), specific (`$1.055/kg`, `6.3¢/liter`) or compound
(`0.9¢/each + 15.8%`). A specific part needs the line's annual quantity in the same unit
(`quantity: 1000 kg`); the line then carries the exact ad valorem equivalent (AVE):

    AVE% = ad valorem% + amount x quantity / value x 100

so that duties, value x AVE / 100, are the amount x quantity exactly (to Decimal's 28
significant digits where the division does not end). An AVE is bounded as a written rate
is (limits.MAX_RATE). An all-in ceiling over such a layer uses its AVE. Pure functions:
text in, values out; errors are ValueError in the file's terms.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import NamedTuple

from tariffs.input.literals import parse_percent
from tariffs.limits import MAX_RATE

UNITS = {
    "kg": "kg",
    "g": "g",
    "t": "t",
    "l": "l",
    "liter": "l",
    "litre": "l",
    "each": "each",
    "no.": "each",
    "doz": "doz",
    "doz.": "doz",
    "dozen": "doz",
    "pair": "pair",
    "prs.": "pair",
    "m2": "m2",
    "m3": "m3",
}
"""Unit names as written (the HTS's and plain ones) -> the one a quantity must match."""

_UNIT = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
_SPECIFIC = re.compile(rf"^(\$|)([0-9]{{1,9}}(?:\.[0-9]{{1,6}})?)(¢|)/({_UNIT})$")
_QUANTITY = re.compile(rf"^([0-9]{{1,15}}(?:\.[0-9]{{1,6}})?)(k|m|bn)? ?({_UNIT})$")
_SCALE = {"": Decimal(1), "k": Decimal(1000), "m": Decimal(10**6), "bn": Decimal(10**9)}

DUTY_PATTERN = (
    r"^(([0-9]{1,5}(\.[0-9]{1,6})?%)|((\$[0-9.]+|[0-9.]+¢)/[a-z.0-9]+"
    r"( \+ [0-9]{1,5}(\.[0-9]{1,6})?%)?))$"
)
QUANTITY_PATTERN = r"^[0-9]{1,15}(\.[0-9]{1,6})?(k|m|bn)? ?[a-z.0-9]+$"


class Duty(NamedTuple):
    """A rate as the HTS writes it: `percent` ad valorem, plus `amount` (in the currency's
    units, cents converted) per `unit`; `text` as written."""

    percent: Decimal
    amount: Decimal
    unit: str
    text: str

    @property
    def specific(self) -> bool:
        return bool(self.unit)


class Quantity(NamedTuple):
    amount: Decimal
    unit: str
    text: str


def parse_duty(value: object) -> Duty:
    """`2.5%`, `$1.055/kg`, `6.3¢/liter` or `0.9¢/each + 15.8%`."""
    if not isinstance(value, str):
        raise ValueError(
            f"expected a rate such as 2.5%, $1.055/kg or 0.9¢/each + 15.8%, got {value!r}"
        )
    text = value.strip()
    specific, _, ad_valorem = (part.strip() for part in text.partition("+"))
    if specific.endswith("%") and not ad_valorem:
        return Duty(parse_percent(specific), Decimal(0), "", text)
    found = _SPECIFIC.match(specific)
    if found is None or (found.group(1) == "$") == (found.group(3) == "¢"):
        raise ValueError(
            f"expected a rate such as 2.5%, $1.055/kg, 6.3¢/liter or 0.9¢/each + 15.8% "
            f"(units: {', '.join(sorted(set(UNITS.values())))}), got {text!r}"
        )
    amount = Decimal(found.group(2)) / (100 if found.group(3) else 1)
    percent = parse_percent(ad_valorem) if ad_valorem else Decimal(0)
    return Duty(percent, amount, UNITS[found.group(4)], text)


def parse_quantity(value: object) -> Quantity:
    """A line's annual quantity with its unit: `1000 kg`, `2.5m l`, `12k doz`."""
    text = str(value).strip() if isinstance(value, str) else ""
    found = _QUANTITY.match(text)
    if found is None:
        raise ValueError(f"expected a quantity with its unit, such as 1000 kg, got {value!r}")
    amount = Decimal(found.group(1)) * _SCALE[found.group(2) or ""]
    return Quantity(amount, UNITS[found.group(3)], text)


def ad_valorem_equivalent(duty: Duty, quantity: Quantity | None, value: Decimal) -> Decimal:
    """The duty as a percent of `value`; ValueError when a specific part cannot be priced."""
    if not duty.specific:
        return duty.percent
    if quantity is None:
        raise ValueError(
            f"its rate {duty.text} is per {duty.unit}, so it needs a 'quantity' in {duty.unit} "
            f"(such as 1000 {duty.unit}); a specific duty is never taken as 0"
        )
    if quantity.unit != duty.unit:
        raise ValueError(
            f"its rate {duty.text} is per {duty.unit}, but its quantity is in {quantity.unit}"
        )
    if value == 0:
        raise ValueError(f"its rate {duty.text} has no ad valorem equivalent on a value of 0")
    equivalent = duty.percent + duty.amount * quantity.amount / value * 100
    if equivalent > MAX_RATE:
        raise ValueError(
            f"its rate {duty.text} on {quantity.text} worth {value:,f} comes to "
            f"{_large(equivalent)}% of the value (duties of {duty.amount * quantity.amount:,f} a "
            "year), "
            f"over the highest rate a file may write, {MAX_RATE:,f}%; check the quantity, "
            "the value and the rate"
        )
    return equivalent


def _large(number: Decimal) -> str:
    """A large figure for a message: 100,000 or 100,000.5; from 10^12, 9.9999e+15."""
    if number < 10**12:
        return f"{number.normalize():,f}"
    return f"{float(number):.6g}"
