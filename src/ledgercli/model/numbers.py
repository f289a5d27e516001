"""Numbers as the forms and the reports show them: each format defined once.

Amounts are Decimal 万元, exact to 0.0001 (one yuan); only a rate (清偿率, a share) is rounded,
half up, to two decimals of a percent.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

# Excel number formats of the workbooks written.
AMOUNT_FORMAT = "0.0000"
COUNT_FORMAT = "0"
RATE_FORMAT = "0.00"
DATE_FORMAT = "yyyy-mm-dd"

_FOUR = Decimal("0.0001")
_CENT = Decimal("0.01")
_HUNDRED = Decimal(100)


def rate(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    """清偿率 in percent, two decimals rounded half up; None (blank) when nothing is owed."""
    if denominator == 0:
        return None
    return percent(numerator / denominator)


def percent(share: Decimal) -> Decimal:
    """A share (0.1234) in percent, two decimals rounded half up (12.34)."""
    return (share * _HUNDRED).quantize(_CENT, rounding=ROUND_HALF_UP)


def fmt_amount(value: Decimal) -> str:
    """An amount as text: four decimals (the form's precision), more only if the data has more."""
    q = value.quantize(_FOUR)
    return f"{q:f}" if q == value else f"{value.normalize():f}"


def plain(value: Decimal | None) -> str:
    """An exact decimal string without exponent or trailing zeros ("7900", "0.79"); "" for
    None. How a message quotes the number a district typed."""
    return "" if value is None else f"{value.normalize():f}"


def grouped(value: str | Decimal | None) -> str:
    """An exact amount for a person to read at a glance: thousands separated, four decimals
    (more only if it has more): 12,345.6789; — for none."""
    if value is None or value == "":
        return "—"
    d = Decimal(str(value))
    return f"{d:,.4f}" if d == d.quantize(_FOUR) else f"{d:,f}"


def signed(value: str | int | Decimal | None, amount: bool = False) -> str:
    """A change since last week: +3, −12.0000 (a true minus sign), ±0; — for none."""
    if value is None:
        return "—"
    d = Decimal(str(value))
    if d == 0:
        return "±0"
    text = grouped(abs(d)) if amount else f"{abs(d)}"
    return ("+" if d > 0 else "−") + text
