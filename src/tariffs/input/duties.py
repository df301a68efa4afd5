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

from tariffs.customs import StatedRate
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


def _spellings() -> str:
    """Every unit as a message lists it: 'kg, g, t, l (or liter, litre), ...'."""
    names: dict[str, list[str]] = {}
    for written, unit in UNITS.items():
        names.setdefault(unit, []).extend([] if written == unit else [written])
    return ", ".join(f"{u} (or {', '.join(more)})" if more else u for u, more in names.items())


UNIT_SPELLINGS = _spellings()
"""The units a specific rate and a quantity may name, every spelling of each."""

CENTS = ("¢", "c")
"""How a specific rate writes cents: the sign, or a plain c (`6.3¢/liter`, `6.3c/litre`)."""

_UNIT = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
_SPECIFIC = re.compile(rf"^(\$|)([0-9]{{1,9}}(?:\.[0-9]{{1,6}})?)(¢|c|)/({_UNIT})$")
# a scaled amount has a space before its unit: 2.5m l (2.5ml would read as millilitres)
_QUANTITY = re.compile(rf"^([0-9]{{1,15}}(?:\.[0-9]{{1,6}})?)(?:(k|m|bn) | ?)({_UNIT})$")
_SCALE = {"": Decimal(1), "k": Decimal(1000), "m": Decimal(10**6), "bn": Decimal(10**9)}

DUTY_PATTERN = (
    r"^(([0-9]{1,5}(\.[0-9]{1,6})?%)|((\$[0-9.]+|[0-9.]+(¢|c))/"
    rf"({_UNIT})( \+ [0-9]{{1,5}}(\.[0-9]{{1,6}})?%)?))$"
)
QUANTITY_PATTERN = _QUANTITY.pattern
"""The schema's patterns (JSON Schema's regular expressions read them alike)."""


Duty = StatedRate
"""A rate as the HTS writes it (see customs.StatedRate): `percent` ad valorem, plus `amount`
(in the currency's units, cents converted) per `unit`; `text` as written."""


class Quantity(NamedTuple):
    amount: Decimal
    unit: str
    text: str


def parse_duty(value: object) -> Duty:
    """`2.5%`, `$1.055/kg`, `6.3¢/liter` (or `6.3c/liter`) or `0.9¢/each + 15.8%`."""
    if not isinstance(value, str):
        raise ValueError(
            f"expected a rate such as 2.5%, $1.055/kg or 0.9¢/each + 15.8%, got {value!r}"
        )
    text = value.strip()
    specific, _, ad_valorem = (part.strip() for part in text.partition("+"))
    if specific.endswith("%") and not ad_valorem:
        return Duty(parse_percent(specific), Decimal(0), "", text)
    found = _specific(specific)
    if found is None:
        hint = _specific_hint(specific)
        raise ValueError(
            f"{text!r} is not a rate: {hint}"
            if hint
            else f"expected a rate such as 2.5%, $1.055/kg, 6.3¢/liter (or 6.3c/liter) or "
            f"0.9¢/each + 15.8% (units: {UNIT_SPELLINGS}), got {text!r}"
        )
    amount = Decimal(found.group(2)) / (100 if found.group(3) else 1)
    percent = parse_percent(ad_valorem) if ad_valorem else Decimal(0)
    return Duty(percent, amount, UNITS[found.group(4)], text)


def _specific(text: str) -> re.Match[str] | None:
    """The parts of a specific rate, `$1.055/kg` or `6.3¢/liter`: in dollars or in cents,
    not both, not neither."""
    found = _SPECIFIC.match(text)
    if found is None or (found.group(1) == "$") == bool(found.group(3)):
        return None
    return found


def _specific_hint(text: str) -> str:
    """What to change in a specific rate that is nearly right ("" if none is plain)."""
    compact = text.replace(" ", "")
    if compact != text and _specific(compact):
        return f"remove the spaces, {compact}"
    if _specific(compact.lower()):
        return f"write the unit in lower case, {compact.lower()}"
    after = _DOLLARS_AFTER.match(compact)
    if after and _specific(f"${after.group(1)}{after.group(2)}"):
        return f"write the dollar sign first, ${after.group(1)}{after.group(2)}"
    return ""


def parse_quantity(value: object) -> Quantity:
    """A line's annual quantity with its unit: `1000 kg`, `2.5m l`, `12k doz`."""
    text = str(value).strip() if isinstance(value, str) else ""
    found = _QUANTITY.match(text)
    if found is None:
        hint = _quantity_hint(text)
        raise ValueError(
            f"{value!r} is not a quantity: {hint}"
            if hint
            else f"expected a quantity with its unit, such as 1000 kg or 2.5m l (units: "
            f"{UNIT_SPELLINGS}), got {value!r}"
        )
    amount = Decimal(found.group(1)) * _SCALE[found.group(2) or ""]
    return Quantity(amount, UNITS[found.group(3)], text)


_SCALED = re.compile(r"^([0-9.]+)(k|m|bn)([a-z][a-z.0-9]*)$")
_SCALE_WORDS = {"k": "thousand", "m": "million", "bn": "billion"}


def _quantity_hint(text: str) -> str:
    """What to change in a quantity that is nearly right ("" if none is plain)."""
    compact = " ".join(text.split())
    if "," in compact and _QUANTITY.match(compact.replace(",", "")):
        return (
            "a comma could be a decimal point or a thousands separator: write a point for "
            "decimals and nothing between thousands, such as 2.5m l or 1000 kg"
        )
    if _QUANTITY.match(compact):
        return f"write one space, {compact}"
    if _QUANTITY.match(compact.lower()):
        return f"write the unit in lower case, {compact.lower()}"
    scaled = _SCALED.match(compact.lower().replace(" ", ""))
    if scaled:
        amount, scale, unit = scaled.groups()
        fixed = f"{amount}{scale} {unit}"
        if _QUANTITY.match(fixed):
            return (
                f"for {amount} {_SCALE_WORDS[scale]} {unit}, write {fixed}: the scale beside "
                "the number, a space before the unit"
            )
    return ""


_DOLLARS_AFTER = re.compile(r"^([0-9.]+)\$(/.*)$")


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
