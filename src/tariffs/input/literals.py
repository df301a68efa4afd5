"""Parse the unambiguous literals of the scenario format: percents, money and dates.

Pure functions: text in, `Decimal` or `date` out, `ValueError` with a user-facing message
on bad input. The models and the command line both use them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from tariffs.domain import SCALE, Bound, quoted
from tariffs.limits import FIRST_DAY, LAST_DAY

PERCENT_PATTERN = r"^[0-9]{1,5}(\.[0-9]{1,6})?%$"
MONEY_PATTERN = r"^[0-9]{1,18}(\.[0-9]{1,6})?(k|m|bn|tn)?$"
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"

_PERCENT = re.compile(PERCENT_PATTERN)
_MONEY = re.compile(MONEY_PATTERN)
_DATE = re.compile(DATE_PATTERN)
MAX_MONEY = Decimal(10) ** 18
MONEY_PLACES = 6
"""The most decimal places an amount may have, as a number or as text (MONEY_PATTERN)."""


def described(value: object) -> str:
    """A value as a message names it, in the file's terms: 'a mapping', 'the number 30'."""
    if isinstance(value, dict | list):
        return "a mapping" if isinstance(value, dict) else "a list"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str):
        return f"text {quoted(value)}"
    if value is None:
        return "nothing (null)"
    if isinstance(value, date):
        return f"the date {value.isoformat()}"
    return f"the number {quoted(value)}"


def parse_percent(value: object) -> Decimal:
    """`"30%"` -> Decimal("30"): a rate in percent. A bare number is refused."""
    if isinstance(value, bool):
        raise ValueError(f"expected a percent such as 30%, got {str(value).lower()}")
    if isinstance(value, int | Decimal):
        number = Decimal(value)
        if not number.is_finite() or abs(number.adjusted()) > 6:
            raise ValueError(
                f"write percents with a % sign, such as 30%: {quoted(value)} is not a rate"
            )
        raise ValueError(
            f"write percents with a % sign: {value} is ambiguous "
            f"(did you mean {value}%, or {number.scaleb(2):f}%?)"
        )
    if not isinstance(value, str):
        raise ValueError(f"expected a percent such as 30%, got {described(value)}")
    text = value.strip()
    if not _PERCENT.match(text):
        hint = _hint(text, _PERCENT)
        raise ValueError(
            f"{quoted(value)} is not a percent: "
            + (hint or "write a non-negative number with a % sign, such as 30% or 7.5%")
        )
    return Decimal(text[:-1])


def _hint(text: str, pattern: re.Pattern[str]) -> str:
    """What to change in a percent or an amount that is nearly right: a space, capitals,
    commas or a currency sign ("" when none of them would make it right)."""
    compact = text.replace(" ", "")
    if compact != text and pattern.match(compact):
        return f"remove the space, {compact}"
    if pattern.match(compact.lower()):
        return f"write it in lower case, {compact.lower()}"
    if "," in compact and pattern.match(compact.replace(",", "")):
        return (
            "a comma could be a decimal point or a thousands separator: write a point for "
            "decimals and nothing between thousands, such as 7.5% or 1000000"
        )
    if compact[:1] in "$€£¥" and pattern.match(compact[1:].lower()):
        return f"write it without the currency sign, {compact[1:].lower()}"
    return ""


def parse_money(value: object) -> Decimal:
    """`"438.9bn"`, `438900000000` or `"12.5m"` -> an exact non-negative Decimal."""
    if isinstance(value, bool):
        raise ValueError(f"expected an amount such as 438.9bn, got {str(value).lower()}")
    if isinstance(value, int | Decimal):
        amount = Decimal(value)
        if not amount.is_finite() or amount < 0:
            raise ValueError(f"an amount must be zero or more, got {quoted(value)}")
        if amount >= MAX_MONEY:
            raise ValueError(f"an amount must be below 1e18, got {quoted(value)}")
        exponent = amount.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -MONEY_PLACES:
            raise ValueError(
                f"an amount has at most {MONEY_PLACES} decimal places, got {quoted(value)}"
            )
        return amount
    if not isinstance(value, str):
        raise ValueError(f"expected an amount such as 438.9bn, got {described(value)}")
    text = value.strip()
    match = _MONEY.match(text)
    if not match:
        hint = _hint(text, _MONEY)
        raise ValueError(
            f"{quoted(value)} is not an amount: "
            + (
                hint
                or "write a non-negative number, optionally with a suffix k, m, bn or tn, "
                "such as 438.9bn"
            )
        )
    suffix = match.group(2) or ""
    amount = Decimal(text[: len(text) - len(suffix)]) * SCALE[suffix]
    if amount >= MAX_MONEY:
        raise ValueError(f"an amount must be below 1e18, got {value}")
    return amount


def parse_date(value: object) -> date:
    """`"2025-05-14"` -> date(2025, 5, 14). Only ISO calendar dates are accepted."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _DATE.match(value.strip()):
        shown = quoted(value) if isinstance(value, str) else described(value)
        raise ValueError(f"expected a date as YYYY-MM-DD, got {shown}")
    try:
        day = date.fromisoformat(value.strip())
    except ValueError as exc:
        raise ValueError(f"{quoted(value)} is not a calendar date ({exc})") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(f"dates run from {FIRST_DAY} to {LAST_DAY}, got {quoted(value.strip())}")
    return day


def parse_flow(text: str) -> tuple[str, str]:
    """`"US:CN"` -> ("US", "CN"): importer, then exporter."""
    importer, sep, exporter = text.partition(":")
    if not sep or not importer or not exporter:
        raise ValueError(f"a flow is written IMPORTER:EXPORTER, such as US:CN, got {quoted(text)}")
    return importer.strip().upper(), exporter.strip().upper()


def _quantum(text: str) -> Decimal:
    """The precision a literal was written with: '45.05%' -> 0.01, '25.97bn' -> 1e7."""
    body = text.strip().lstrip("+-").removesuffix("pp").rstrip("%")
    suffix = next((s for s in ("bn", "tn", "k", "m") if body.endswith(s)), "")
    digits = body[: len(body) - len(suffix)]
    places = len(digits.partition(".")[2])
    return Decimal(1).scaleb(-places) * SCALE[suffix]


RATE_QUANTUM = Decimal("0.01")
"""The coarsest precision an expected rate is checked to, in pp: `16%` means 16.00%."""
MONEY_PARTS = Decimal(10_000)
"""An expected sum of money is checked to at least one ten-thousandth of it (a power of ten):
`26bn` to the nearest million."""
CENT = Decimal("0.01")


def _strict(exact: Decimal, written: Decimal, kind: str) -> Decimal:
    """The precision an expected value is checked to: as written, but never coarser than
    RATE_QUANTUM for a rate, or than a ten-thousandth of a sum of money (at least a cent)."""
    if kind == "percent":
        return min(written, RATE_QUANTUM)
    if kind == "money":
        cap = CENT if not exact else Decimal(1).scaleb((abs(exact) / MONEY_PARTS).adjusted())
        return min(written, max(cap, CENT))
    return Decimal(1)


def _signed(value: object, parse: Callable[[object], Decimal]) -> Decimal:
    """A value with an optional sign: '-24pp', '+24%', '-1.5bn' (results can be negative)."""
    if isinstance(value, str) and value.strip()[:1] in {"-", "+"}:
        text = value.strip()
        number = parse(text[1:])
        return -number if text[0] == "-" else number
    if isinstance(value, int | Decimal) and not isinstance(value, bool) and value < 0:
        return -parse(-value)
    return parse(value)


def _rate(value: object) -> Decimal:
    """A rate in percent or a part of one in percentage points: '30%' or '12.5pp'."""
    if isinstance(value, str) and value.strip().endswith("pp"):
        return parse_percent(value.strip().removesuffix("pp").rstrip() + "%")
    return parse_percent(value)


def _days(value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"expected a whole number of days, such as 90, got {described(value)}")
    return Decimal(value)


def expected_value(value: object, kind: str) -> Decimal:
    """An expected value as a Decimal: percent (rates and pp), money, days or date (a day
    number, date.toordinal()). Raises ValueError with a user-facing message."""
    if kind == "date":
        return Decimal(parse_date(value).toordinal())
    if kind == "days":
        return _days(value)
    return _signed(value, _rate if kind == "percent" else parse_money)


def parse_bound(value: object, kind: str) -> Bound:
    """An expected value: a literal (exact at its written precision, within the strict
    limits of `_strict`) or {min: .., max: ..}.

    `kind` is "percent", "money", "days" or "date". Raises ValueError with a user-facing
    message.
    """
    if isinstance(value, dict):
        unknown = sorted(str(k) for k in value if k not in {"min", "max"})
        if unknown:
            raise ValueError(f"a range has only 'min' and 'max', not {', '.join(unknown)}")
        if not value:
            raise ValueError("a range needs 'min', 'max' or both")
        low = expected_value(value["min"], kind) if "min" in value else None
        high = expected_value(value["max"], kind) if "max" in value else None
        if low is not None and high is not None and high < low:
            raise ValueError(f"the range is empty: max {value['max']} is below min {value['min']}")
        if low is not None and high is not None:
            text = f"between {value['min']} and {value['max']}"
        elif low is not None:
            text = f"at least {value['min']}"
        else:
            text = f"at most {value['max']}"
        return Bound(low, high, None, text)
    exact = expected_value(value, kind)
    if kind in {"days", "date"}:
        written = Decimal(1)
    elif isinstance(value, str):
        written = _quantum(value)
    else:  # a YAML number (money only): an int, or a Decimal with its written places
        exponent = exact.as_tuple().exponent
        written = Decimal(1).scaleb(exponent if isinstance(exponent, int) else 0)
    text = value.isoformat() if isinstance(value, date) else str(value)
    return Bound(exact, exact, _strict(exact, written, kind), text)


def parse_tolerance(value: object, kind: str) -> Decimal:
    """How far from an expected value a result may be: '0.5pp' for a rate (percentage
    points, never '%', which could be read as a share of the value), an amount for money,
    a number of days for days."""
    if (isinstance(value, str) and value.strip().startswith("-")) or (
        isinstance(value, int | Decimal) and not isinstance(value, bool) and value < 0
    ):
        raise ValueError(f"a tolerance is zero or more, got {quoted(value)}")
    if kind == "percent":
        if not (isinstance(value, str) and value.strip().endswith("pp")):
            shown = quoted(value) if isinstance(value, str) else described(value)
            raise ValueError(
                f"write a rate's tolerance in percentage points, such as 0.5pp, got {shown}"
            )
        return _rate(value)
    if kind == "date":
        raise ValueError("a date is exact: give a range {min: .., max: ..} instead")
    return expected_value(value, kind)


HS_PATTERN = r"^[0-9]{2}(\.?[0-9]){0,8}$"
_HS = re.compile(HS_PATTERN)


class NumeralText(str):
    """Text that our YAML reader keeps as written but other YAML readers take for a number:
    an unquoted `0207` (207 in YAML 1.2, the octal 135 in YAML 1.1) or `0207.10` (207.1).

    tariffs.input.yamlsource makes these, so that an HS code written so can be refused with
    a request for quotes: the same file must mean the same to editors, yq and
    check-jsonschema as to tariffs."""

    __slots__ = ()


def _other_readers(text: str) -> str:
    """The number other YAML readers make of a numeral: '0207' -> '207', '8473.30' ->
    '8473.3', '8470.0' -> '8470'."""
    whole, _, fraction = text.partition(".")
    whole, fraction = whole.lstrip("0") or "0", fraction.rstrip("0")
    return f"{whole}.{fraction}" if fraction else whole


def _needs_quotes(code: str, number: str) -> ValueError:
    """`code` matches HS_PATTERN (digits and dots), so it is shown as it is."""
    return ValueError(
        f'write the HS code {code} in quotes, "{code}": unquoted, other YAML readers '
        f"(editors, yq, check-jsonschema) take it for the number {number}"
    )


def quoted_code(value: object) -> str | None:
    """The HS code a value was written as, where today's rules ask for quotes around it
    (see `parse_hs`): '0207' for an unquoted 0207, '8473.30' for 8473.30; else None."""
    if isinstance(value, NumeralText) and _HS.match(value):
        return str(value)
    if isinstance(value, Decimal) and value.is_finite():
        text = f"{value:f}"
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and exponent < 0 and text.endswith("0") and _HS.match(text):
            return text
    return None


def parse_hs(value: object) -> str:
    """An HS code as written, 2 to 10 digits with optional dots: '8517.13', '0304', '85'.

    A YAML number is taken as written (8517.13 stays '8517.13'), but only when every YAML
    reader reads the same code from it: a code with a leading zero (an unquoted 0207,
    which our reader keeps as the text '0207', see `NumeralText`), a trailing zero after
    its point (8473.30, which keeps its zero as a Decimal) must be quoted, since to other
    readers it is the number 207 or 8473.3; and a number with an exponent or a bare point
    (8517.) is refused, as the text "8517." is.
    """
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise ValueError(f"expected an HS code such as 8517.13, got {described(value)}")
    if isinstance(value, NumeralText) and _HS.match(value):
        raise _needs_quotes(value, _other_readers(value))
    if isinstance(value, Decimal) and value.is_finite():
        exponent = value.as_tuple().exponent
        text = f"{value:f}"
        if isinstance(exponent, int) and exponent >= 0 and _HS.match(text):
            raise ValueError(
                f'write this HS code as {text} or "{text}": a code has no exponent, and no '
                "point without digits after it"
            )
        if text.endswith("0") and _HS.match(text):
            raise _needs_quotes(text, _other_readers(text))
    text = value.strip() if isinstance(value, str) else str(value)
    if not _HS.match(text):
        raise ValueError(
            f"{quoted(text)} is not an HS code: write 2 to 10 digits, dots allowed between them, "
            "such as 85, 8517, 8517.13 or 0304"
        )
    return text


def hs_digits(code: str) -> str:
    """The digits of an HS code, for prefix matching: '8517.13' -> '851713'."""
    return code.replace(".", "")


MIN_ELASTICITY = Decimal(-20)


def _decimal(value: object, what: str, example: str) -> Decimal:
    """A plain number (an int, a Decimal or text), perhaps infinite or NaN."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal | str):
        raise ValueError(f"expected {what} such as {example}, got {described(value)}")
    try:
        return Decimal(value.strip() if isinstance(value, str) else value)
    except ArithmeticError:
        raise ValueError(
            f"{quoted(value)} is not a number; write {what} such as {example}"
        ) from None


def parse_elasticity(value: object) -> Decimal:
    """An import demand elasticity: a plain number from -20 to 0, such as -1.5."""
    number = _decimal(value, "an elasticity", "-1.5")
    if not number.is_finite() or number > 0 or number < MIN_ELASTICITY:
        raise ValueError(
            f"an import demand elasticity is a number from -20 to 0 (imports fall as prices "
            f"rise), got {quoted(value)}"
        )
    return number


# --- the elasticities of a market ------------------------------------------------------

MAX_SUBSTITUTION = Decimal(50)
"""The largest elasticity of substitution a file may state (estimates run to about 20)."""

MAX_SUPPLY = Decimal(1000)
"""The largest finite export supply elasticity; write `infinite` for a fixed world price."""

INFINITE = "infinite"


def _number(value: object, what: str, example: str) -> Decimal:
    """A finite number of a market's, its problems said in the terms of `what`."""
    number = _decimal(value, what, example)
    if not number.is_finite():
        raise ValueError(f"{what} is a finite number such as {example}, got {quoted(value)}")
    return number


def parse_substitution(value: object) -> Decimal:
    """An elasticity of substitution between partners: a number from 0 to 50, such as 3."""
    number = _number(value, "an elasticity of substitution", "3")
    if number < 0 or number > MAX_SUBSTITUTION:
        raise ValueError(
            f"an elasticity of substitution is a number from 0 (no substitution) to "
            f"{MAX_SUBSTITUTION}, got {quoted(value)}"
        )
    return number


def parse_supply(value: object) -> Decimal | None:
    """An export supply elasticity: a number above 0 up to 1,000, or `infinite` (None)."""
    if isinstance(value, str) and value.strip() == INFINITE:
        return None
    number = _number(value, "an export supply elasticity", "2 (or infinite)")
    if number <= 0 or number > MAX_SUPPLY:
        raise ValueError(
            f"an export supply elasticity is a number above 0 up to {MAX_SUPPLY:,}, or "
            f"'infinite' (world prices do not move), got {quoted(value)}"
        )
    return number
