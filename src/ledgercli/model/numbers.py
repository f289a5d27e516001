"""Numbers as the forms and the reports show them: each format defined once.

Amounts are Decimal 万元, exact to 0.0001 (one yuan); only a rate (清偿率, a share) is rounded,
half up, to two decimals of a percent.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

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


# A cell's number as Excel showed it to the clerk (in a finding, or kept as a cell's text).


def number_text(value: float) -> str:
    """A float as Excel shows it: at most 15 significant digits, no trailing '.0', and a zero
    without a sign. (-0.0, from `<v>-0</v>`, equals 0.0 as a key: a column parses whichever
    it meets first for both, so the two must read alike, wherever a column is cut.)"""
    if value == 0:
        return "0"
    text = f"{value:.15g}"
    if "e" in text or "E" in text:
        text = f"{Decimal(text):f}"
    return text


def int_text(raw: Any) -> str | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return str(raw)
    if isinstance(raw, float) and raw.is_integer():
        # Past 15 digits a double's exact value shows digits nobody typed; Excel shows 15.
        # A zero has no sign (number_text).
        return number_text(raw) if not raw or abs(raw) >= 1e15 else f"{raw:.0f}"
    return None
