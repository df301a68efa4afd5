"""Presentation of numbers: the one place where results are rounded.

Rounding is ROUND_HALF_UP (0.125 -> 0.13), applied once to each shown value; totals are
computed at full precision and rounded on their own, so a shown total may differ from the sum
of shown parts in the last digit.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation

from tariffs import metrics

ROUNDING = ROUND_HALF_UP
ROUNDING_NAME = "ROUND_HALF_UP"
RATE_PLACES = metrics.RATE_PLACES  # defined once, in the registry: JSON, CSV and diff share it
MONEY_PLACES = metrics.MONEY_PLACES

_SCALES = (
    (Decimal(10) ** 12, "tn"),
    (Decimal(10) ** 9, "bn"),
    (Decimal(10) ** 6, "m"),
    (Decimal(10) ** 3, "k"),
)


_QUANTA = {places: Decimal(1).scaleb(-places) for places in range(13)}


def _quantize(value: Decimal, places: int) -> Decimal:
    """`value` rounded half up to `places` decimals, however many digits that takes.

    Quantizing needs the result's digits to fit the context's precision (28): a value
    above 1e25 would fail at 2 places. Such values come only from extreme but valid
    inputs (an elasticity of -20 on a rate of 99999%), so they get a wider context.
    """
    try:
        return value.quantize(_QUANTA[places], rounding=ROUNDING)
    except InvalidOperation:
        wide = Context(prec=max(28, value.adjusted() + places + 2), rounding=ROUNDING)
        return value.quantize(_QUANTA[places], context=wide)


def rounded(value: Decimal, places: int) -> Decimal:
    """Round to `places` decimals, half up; never returns a negative zero."""
    result = _quantize(value, places)
    return result if result != 0 else abs(result)


def number(value: Decimal, places: int) -> str:
    """A plain decimal number for JSON and CSV: rounded, trailing zeros dropped."""
    try:  # the common case inline: this runs for every number of every product line
        shown = value.quantize(_QUANTA[places], rounding=ROUNDING)
    except InvalidOperation:
        shown = _quantize(value, places)
    # str() writes a Decimal of exponent -places without an exponent for places up to 6
    # (it uses one only below 1e-6), and is faster than format(shown, "f").
    text = str(shown) if places <= _PLAIN_PLACES else format(shown, "f")
    if places:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


_PLAIN_PLACES = 6


def pct(value: Decimal, places: int = 1) -> str:
    """145 -> '145.0%'."""
    return f"{rounded(value, places):,.{places}f}%"


def pp(value: Decimal, places: int = 1) -> str:
    """A change in rate, in percentage points, always signed: '+24.0 pp', '0.0 pp'."""
    shown = rounded(value, places)
    sign = "+" if shown > 0 else ""
    return f"{sign}{shown:,.{places}f} pp"


def scale_for(largest: Decimal) -> tuple[Decimal, str]:
    """The unit to show money in, chosen from the largest amount: (divisor, suffix)."""
    for divisor, suffix in _SCALES:
        if largest >= divisor:
            return divisor, suffix
    return Decimal(1), ""


def money(value: Decimal, divisor: Decimal, places: int = 1) -> str:
    """An amount in the chosen unit: 477547397260.27 / 1e9 -> '477.5'."""
    return f"{rounded(value / divisor, places):,.{places}f}"


def signed_money(value: Decimal, divisor: Decimal, places: int = 1) -> str:
    shown = rounded(value / divisor, places)
    sign = "+" if shown > 0 else ""
    return f"{sign}{shown:,.{places}f}"
