"""Reading one cell of one kind: what it means, and what was wrong or normalized on the way.

A parser returns `(value, issues)`; an issue is `(severity, rule, params)`. Parsers are pure, so
a column parses each distinct raw value once (`ColumnParser` caches): enums, units, months and
names repeat thousands of times in a ledger, which is what keeps 100k rows fast.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from itertools import compress, repeat
from operator import contains, eq, is_, itemgetter, ne, not_
from typing import Any

from ledgercli.model.forms import ColumnSpec, FormSpec
from ledgercli.model.numbers import int_text, number_text
from ledgercli.model.text import clean_text, nfkc, norm_key

Issue = tuple[str, str, dict[str, Any]]
Parsed = tuple[Any, tuple[Issue, ...]]
NO_ISSUES: tuple[Issue, ...] = ()
BLANK: Parsed = (None, NO_ISSUES)

EXCEL_EPOCH = dt.date(1899, 12, 30)
EXCEL_ERRORS = {"#REF!", "#N/A", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!"}
PLACEHOLDERS = {"-", "—", "–", "/", "\\", "无", "－", "——", "／"}


def _issue(severity: str, rule: str, **params: Any) -> Issue:
    return (severity, rule, params)


# --- text --------------------------------------------------------------------------------


def parse_text(raw: Any, spec: ColumnSpec) -> Parsed:
    if isinstance(raw, str):
        text = clean_text(raw)
        return (text or None), NO_ISSUES
    if isinstance(raw, bool):
        return ("TRUE" if raw else "FALSE"), NO_ISSUES
    if isinstance(raw, int | float):
        text = int_text(raw) or number_text(float(raw))
        if spec.number_is_error:
            return text, (_issue("error", "stored-as-number"),)
        return text, NO_ISSUES
    if isinstance(raw, dt.datetime | dt.date):
        return raw.isoformat()[:10], NO_ISSUES
    return str(raw), NO_ISSUES


# --- numbers -----------------------------------------------------------------------------

_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


def number_from_text(text: str) -> Decimal | None:
    """A number typed as text: full-width digits, 万元/万, thousands separators in their
    places (650,2541 is not a number). None when it is not one."""
    s = nfkc(text).strip().replace(" ", "")
    for suffix in ("万元", "万"):
        if s.endswith(suffix):
            s = s[: -len(suffix)]
            break
    if "," in s:
        if not _THOUSANDS.match(s):
            return None
        s = s.replace(",", "")
    try:
        d = Decimal(s)
    except InvalidOperation:
        return None
    return d if d.is_finite() and d.adjusted() <= _MAX_DIGITS else None


_FOUR_PLACES = Decimal("0.0001")
# No amount in 万元 has more than 15 integer digits; beyond that a figure is a typo, and one
# beyond 24 could not even be rounded to 0.0001 in Decimal's 28 digits.
_MAX_DIGITS = 14


@lru_cache(maxsize=64)
def _threshold(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def parse_amount(raw: Any, spec: ColumnSpec, form: FormSpec) -> Parsed:
    issues: list[Issue] = []
    if type(raw) is float and 0 <= raw < 1e15:
        # The common cell: a plain non-negative number. Only what can go wrong is tested.
        value = Decimal(number_text(raw))
        threshold = _threshold(form.params.get("yuan_threshold"))
        exponent = value.as_tuple().exponent  # an int for a finite number
        if not (
            (spec.positive and not raw)
            or (spec.min is not None and value < spec.min)
            or (threshold is not None and value >= threshold)
            or (isinstance(exponent, int) and exponent < -4)
        ):
            return value, NO_ISSUES
    if isinstance(raw, bool) or (type(raw) is float and not math.isfinite(raw)):
        return None, (_issue("error", "bad-number", value=str(raw)),)
    if isinstance(raw, int | float):
        value = Decimal(number_text(float(raw))) if isinstance(raw, float) else Decimal(raw)
        if value.adjusted() > _MAX_DIGITS:
            return None, (_issue("error", "bad-number", value=number_text(float(raw))),)
    elif isinstance(raw, str):
        text = raw.strip()
        parsed = number_from_text(text)
        if parsed is None:
            return None, (_other_unit(text) or _issue("error", "bad-number", value=text),)
        value = parsed
        issues.append(_issue("notice", "number-normalized", value=text, canonical=f"{value:f}"))
    else:
        return None, (_issue("error", "bad-number", value=str(raw)),)
    if value < 0:
        issues.append(_issue("error", "negative-amount"))
    elif spec.positive and value == 0:
        issues.append(_issue("error", "amount-not-positive"))
    elif spec.min is not None and value < spec.min:
        issues.append(_issue("error", "amount-below-min", min=f"{spec.min:f}"))
    threshold = _threshold(form.params.get("yuan_threshold"))
    if threshold is not None and value >= threshold:
        issues.append(_issue("warning", "looks-like-yuan", yuan=f"{value * 10000:,.0f}"))
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -4 and value != value.quantize(_FOUR_PLACES):
        issues.append(_issue("notice", "too-many-decimals"))
    return value, tuple(issues)


# Other units a district writes out, and what one of them is in 万元.
_UNITS = (("亿元", Decimal(10000)), ("亿", Decimal(10000)), ("元", Decimal("0.0001")))


def _other_unit(text: str) -> Issue | None:
    """1200000元 or 1.5亿元: not read (the figure is the district's to restate), but the
    error says the unit and what the amount would be in 万元."""
    folded = nfkc(text).replace(" ", "")
    for suffix, factor in _UNITS:
        if folded.endswith(suffix) and not folded.endswith("万元"):
            number = number_from_text(folded[: -len(suffix)])
            if number is not None:
                wan = (number * factor).quantize(_FOUR_PLACES)
                return _issue("error", "amount-other-unit", value=text, unit=suffix, wan=f"{wan:f}")
    return None


def _plain_range(spec: ColumnSpec, form: FormSpec) -> tuple[float, float]:
    """Bounds strictly inside which a float amount breaks no rule of `parse_amount`.

    The margins keep a double whose 15-digit text rounds onto a bound out of the fast path: it
    takes the exact Decimal comparisons of `parse_amount` instead.
    """
    lo = 1e-4  # positive, and written without an exponent by "%.15g"
    if spec.min is not None:
        lo = max(lo, float(spec.min) * (1 + 1e-9))
    threshold = _threshold(form.params.get("yuan_threshold"))
    hi = 1e15 if threshold is None else min(1e15, float(threshold))
    return lo, hi * (1 - 1e-9)


def parse_integer(raw: Any, spec: ColumnSpec) -> Parsed:
    if isinstance(raw, bool):
        return None, (_issue("error", "bad-integer", value=str(raw)),)
    if isinstance(raw, int):
        return raw, NO_ISSUES
    if isinstance(raw, float):
        if raw.is_integer():
            return int(raw), NO_ISSUES
        return None, (_issue("error", "bad-integer", value=number_text(raw)),)
    if isinstance(raw, str):
        text = raw.strip()
        s = nfkc(text)
        if s.isdigit():
            issues = (
                NO_ISSUES
                if s == text
                else (_issue("notice", "number-normalized", value=text, canonical=s),)
            )
            return int(s), issues
        d = number_from_text(s)
        if d is not None and d == d.to_integral_value():
            return int(d), (
                _issue("notice", "number-normalized", value=text, canonical=str(int(d))),
            )
        return None, (_issue("error", "bad-integer", value=text),)
    return None, (_issue("error", "bad-integer", value=str(raw)),)


# --- months and dates --------------------------------------------------------------------

_TIME_SUFFIX = re.compile(r"[T\s]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")
_YM = re.compile(r"^(\d{4})\s*(?:[-./年]|\s)\s*(\d{1,2})\s*月?(?:份)?$")
_YM_COMPACT = re.compile(r"^(\d{4})(\d{2})$")
_YMD = re.compile(r"^(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?$")
_YMD_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_CANON_MONTH = re.compile(r"^\d{4}-\d{2}$")
_CANON_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _valid_month(y: int, m: int) -> bool:
    return 1990 <= y <= 2100 and 1 <= m <= 12


def _date_or_none(y: int, m: int, d: int) -> dt.date | None:
    if not 1990 <= y <= 2100:
        return None
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def _serial_date(value: float) -> dt.date | None:
    """An Excel date serial (a date whose cell format was lost), within a sane range."""
    if 32874 <= value <= 73051:  # 1990-01-01 .. 2099-12-31
        return EXCEL_EPOCH + dt.timedelta(days=int(value))
    return None


def parse_month(raw: Any, spec: ColumnSpec | None = None) -> Parsed:
    if isinstance(raw, dt.datetime | dt.date):
        canon = f"{raw.year:04d}-{raw.month:02d}"
        return canon, (
            _issue("notice", "month-normalized", value=raw.isoformat()[:10], canonical=canon),
        )
    if isinstance(raw, bool):
        return None, (_issue("error", "bad-month", value=str(raw)),)
    if isinstance(raw, int | float):
        text = number_text(float(raw))
        if float(raw).is_integer():
            n = int(raw)
            if 199001 <= n <= 210012 and _valid_month(n // 100, n % 100):
                canon = f"{n // 100:04d}-{n % 100:02d}"
                return canon, (_issue("notice", "month-normalized", value=text, canonical=canon),)
            day = _serial_date(float(raw))
            if day is not None:
                canon = f"{day.year:04d}-{day.month:02d}"
                return canon, (_issue("notice", "month-normalized", value=text, canonical=canon),)
            return None, (_issue("error", "bad-month", value=text),)
        # 2022.12 typed as a number: 2022.1 could be January or October, every other is clear.
        year, _, frac = text.partition(".")
        if frac == "1":
            return None, (_issue("error", "ambiguous-month", value=text),)
        if year.isdigit() and frac.isdigit() and _valid_month(int(year), int(frac)):
            canon = f"{int(year):04d}-{int(frac):02d}"
            return canon, (_issue("notice", "month-normalized", value=text, canonical=canon),)
        return None, (_issue("error", "bad-month", value=text),)
    if not isinstance(raw, str):
        return None, (_issue("error", "bad-month", value=str(raw)),)
    text = raw.strip()
    if _CANON_MONTH.match(text):
        y, m = int(text[:4]), int(text[5:])
        if _valid_month(y, m):
            return text, NO_ISSUES
        return None, (_issue("error", "bad-month", value=text),)
    s = _TIME_SUFFIX.sub("", nfkc(text)).strip()
    found: str | None = None
    if mt := _YM.match(s) or _YM_COMPACT.match(s):
        y, m = int(mt.group(1)), int(mt.group(2))
        if _valid_month(y, m):
            found = f"{y:04d}-{m:02d}"
    elif md := _YMD.match(s) or _YMD_COMPACT.match(s):
        day = _date_or_none(int(md.group(1)), int(md.group(2)), int(md.group(3)))
        if day is not None:
            found = f"{day.year:04d}-{day.month:02d}"
    if found is None:
        return None, (_issue("error", "bad-month", value=text),)
    return found, (_issue("notice", "month-normalized", value=text, canonical=found),)


def month_of(text: str) -> str | None:
    """A month given as an option (--cutoff, --as-of), read as a month cell is: 2022-05,
    2022/5, 2022年5月, 202205, 2022-05-15. None if it is none of them."""
    value, issues = parse_month(text)
    if value is None or any(i[0] == "error" for i in issues):
        return None
    return str(value)


def parse_date(raw: Any, spec: ColumnSpec, today: dt.date) -> Parsed:
    issues: list[Issue] = []
    day: dt.date | None
    if isinstance(raw, dt.datetime):
        day = raw.date()
    elif isinstance(raw, dt.date):
        day = raw
    elif isinstance(raw, bool):
        return None, (_issue("error", "bad-date", value=str(raw)),)
    elif isinstance(raw, int | float):
        text = number_text(float(raw))
        day = _serial_date(float(raw)) if float(raw).is_integer() else None
        if day is None and float(raw).is_integer():
            m = _YMD_COMPACT.match(text)
            day = _date_or_none(*map(int, m.groups())) if m else None
        if day is None:
            return None, (_issue("error", "bad-date", value=text),)
        issues.append(_issue("notice", "date-normalized", value=text, canonical=day.isoformat()))
    elif isinstance(raw, str):
        text = raw.strip()
        s = _TIME_SUFFIX.sub("", nfkc(text)).strip()
        m = _YMD.match(s) or _YMD_COMPACT.match(s)
        day = _date_or_none(*map(int, m.groups())) if m else None
        if day is None:
            return None, (_issue("error", "bad-date", value=text),)
        if not _CANON_DATE.match(text):
            issues.append(
                _issue("notice", "date-normalized", value=text, canonical=day.isoformat())
            )
    else:
        return None, (_issue("error", "bad-date", value=str(raw)),)
    if spec.not_future and day > today:
        issues.append(_issue("error", "date-in-future", value=day.isoformat()))
    return day, tuple(issues)


# --- codes and phones --------------------------------------------------------------------

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_SET = frozenset(USCC_ALPHABET)
_USCC_DIGITS = str.maketrans(
    {c: "0123456789ABCDEFGHIJKLMNOPQRSTU"[n] for n, c in enumerate(USCC_ALPHABET)}
)


def uscc_check_char(body: str) -> str:
    """The check character of 17 compact GB 32100 characters: stdnum's sum, done directly.

    stdnum's `calc_check_digit` first re-cleans its input character by character, which was a
    fifth of validating a clean ledger; codes reach here compact and upper-case already. A test
    holds this equal to stdnum's on thousands of codes.
    """
    # The weights are 3^i mod 31, and 34 ≡ 3 (mod 31): the body's values read as a base-34
    # number, last character first, are the weighted sum mod 31, and int() reads it in C.
    # Only characters of the alphabet reach here (each becomes the digit of its value).
    return USCC_ALPHABET[-int(body.translate(_USCC_DIGITS)[::-1], 34) % 31]


def check_credit_code(code: str) -> Issue | None:
    """GB 32100-2015: 18 characters from its alphabet, 3rd–8th a region code, a check character.

    stdnum's `validate` also demands digits in the first two places, which wrongly rejects codes
    issued by other registration authorities (Y1…, N2…, A1…); only its check character is used.
    """
    if len(code) != 18:
        return _issue("error", "credit-code-length", length=len(code))
    bad = sorted({c for c in code if c not in _USCC_SET})
    if bad:
        return _issue("error", "credit-code-chars", chars="".join(bad))
    if not code[2:8].isdigit():
        return _issue("error", "credit-code-region")
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        if code.isdigit() and code.endswith("000"):
            # Excel keeps 15 significant digits: a code once stored as a number ends in 000
            # (a merged workbook or a re-typed copy carries it on as text).
            return _issue("error", "credit-code-lost-digits", expected=expected)
        return _issue("error", "credit-code-check", expected=expected)
    return None


_SCIENTIFIC = re.compile(r"\d(\.\d+)?[eE]\+?\d+")


# A code as it should be written: 18 characters of the alphabet, the region in digits.
_USCC_SHAPE = re.compile(r"[0-9A-HJ-NP-RTUWXY]{2}[0-9]{6}[0-9A-HJ-NP-RTUWXY]{10}")
_CODE_SPACES = re.compile(r"[\s\-]")
_SPACES = re.compile(r"\s")


def parse_credit_code(raw: Any, spec: ColumnSpec) -> Parsed:
    """A credit code: canonical, or what is wrong with it.

    In a city ledger nearly every creditor has its own code, so most codes are parsed once
    each; one written as it should be, with its check character right, is accepted at once (a
    test holds this equal to the full path below); 1E0…, all digits after the E, reads as a
    number.
    """
    if (
        type(raw) is str
        and _USCC_SHAPE.fullmatch(raw)
        and not _SCIENTIFIC.fullmatch(raw)
        and raw[17] == uscc_check_char(raw[:17])
    ):
        return raw, NO_ISSUES
    return parse_credit_code_fully(raw)


def parse_credit_code_fully(raw: Any) -> Parsed:
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        text = int_text(raw) or number_text(float(raw))
        return text, (_issue("error", "stored-as-number"),)
    if not isinstance(raw, str):
        return str(raw), (_issue("error", "credit-code-length", length=len(str(raw))),)
    text = raw.strip()
    if _SCIENTIFIC.fullmatch(text):
        # A CSV saved by Excel holds what the cell showed: 9.15002E+17, the digits gone.
        return text, (_issue("error", "stored-as-number"),)
    folded = nfkc(text)
    code = _CODE_SPACES.sub("", folded).upper()
    issues: list[Issue] = []
    if code != text:
        # Say what was changed: the width of characters, or the code's own spelling.
        rule = "text-normalized" if code == _SPACES.sub("", folded) else "code-normalized"
        issues.append(_issue("notice", rule, canonical=code))
    problem = check_credit_code(code)
    if problem:
        issues.append(problem)
    return code, tuple(issues)


_PHONE_SPLIT = re.compile(r"[/,，、;；]|\s{2,}")
_PHONE_STRIP = re.compile(r"[\s\-()（）.]")


class _Desc:
    """One number type of phonenumbers' metadata: its lengths and its pattern, compiled once."""

    __slots__ = ("lengths", "pattern")

    def __init__(self, lengths: Iterable[int], pattern: str) -> None:
        self.lengths = frozenset(lengths)
        self.pattern = re.compile(pattern)


@lru_cache(maxsize=1)
def _cn_metadata() -> tuple[_Desc, tuple[_Desc, ...]]:
    """phonenumbers' own CN metadata: the general description and every number type (mobile
    and fixed line first: a valid number is almost always one of them)."""
    from phonenumbers import PhoneMetadata

    meta = PhoneMetadata.metadata_for_region("CN")
    assert meta is not None
    kinds = (
        "mobile",
        "fixed_line",
        "premium_rate",
        "toll_free",
        "shared_cost",
        "voip",
        "personal_number",
        "pager",
        "uan",
        "voicemail",
    )
    descs = [getattr(meta, k) for k in kinds]
    types = tuple(
        _Desc(d.possible_length or (), d.national_number_pattern)
        for d in descs
        if d is not None and d.national_number_pattern
    )
    general = meta.general_desc
    assert general is not None and general.national_number_pattern
    return _Desc(general.possible_length or (), general.national_number_pattern), types


def _cn_valid(national: str) -> bool:
    """phonenumbers' `is_valid_number` for a CN national number (ASCII digits, no leading 0):
    it fits the general description and at least one number type (one pattern a length)."""
    pattern = _valid_of_length(len(national))
    return pattern is not None and pattern.fullmatch(national) is not None


@lru_cache(maxsize=4096)
def _phonenumbers_valid(digits: str) -> bool:
    """The library itself, for the rare numbers its parser treats specially: a leading 00 or
    11x/12x/179xx (an international or carrier prefix in China), digits other than ASCII."""
    import phonenumbers

    try:
        return bool(phonenumbers.is_valid_number(phonenumbers.parse(digits, "CN")))
    except phonenumbers.NumberParseException:
        return False


# What phonenumbers' parser reads as a prefix to strip (metadata: international_prefix
# 00|1(?:[12]\d|79)\d\d00, national_prefix_for_parsing (1(?:[12]\d|79)\d\d)|0): such
# numbers go to the library; every other one is its national number as written.
_SPECIAL_PREFIXES = ("00", "11", "12", "179")


def phone_valid(digits: str) -> bool:
    """Whether phonenumbers would call these digits (a number dialled in China) valid:
    `is_valid_number(parse(digits, "CN"))`, a parse error being invalid.

    Called 75,000 times for a 100k-row ledger whose creditors each have their own phone, the
    library's per-call machinery (about 47 µs a number) was most of validating it. Its
    metadata compiled once gives the same verdict in about a microsecond; a test holds the two
    equal over many thousands of numbers of every shape.
    """
    if not digits.isascii() or digits.startswith(_SPECIAL_PREFIXES):
        return _phonenumbers_valid(digits)
    if digits[:1] == "0":
        # The national prefix 0 is stripped (a number starting with 0 is never valid as it
        # stands, so the parser always strips it); kept only when the rest has an impossible
        # length, which is invalid either way.
        return _cn_valid(digits[1:])
    return _cn_valid(digits)


def check_phone(text: str) -> Issue | None:
    """One number: a mobile, a fixed line with its area code, or a fixed line without one."""
    digits = _PHONE_STRIP.sub("", text)
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if not digits.isdigit():
        return _issue("error", "bad-phone", value=text)
    if (len(digits) == 11 and digits[0] == "1") or digits[0] == "0":
        return None if phone_valid(digits) else _issue("error", "bad-phone", value=text)
    if len(digits) in (7, 8) and digits[0] not in "01":
        return _issue("warning", "phone-no-area-code", value=text)
    return _issue("error", "bad-phone", value=text)


def parse_phone(raw: Any, spec: ColumnSpec) -> Parsed:
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        text = int_text(raw) or number_text(float(raw))
    elif isinstance(raw, str):
        text = nfkc(raw).strip()
    else:
        return str(raw), (_issue("error", "bad-phone", value=str(raw)),)
    issues = []
    for part in _PHONE_SPLIT.split(text):
        part = part.strip()
        if part:
            problem = check_phone(part)
            if problem:
                issues.append(problem)
    return text, tuple(issues)


# --- enums -------------------------------------------------------------------------------


def enum_parser(spec: ColumnSpec) -> Callable[[Any], Parsed]:
    exact = set(spec.all_values)
    by_key = {norm_key(v): v for v in spec.all_values}
    aliases = {norm_key(a): v for a, v in spec.value_aliases.items()}
    allowed = "、".join(spec.values or spec.all_values)

    def parse(raw: Any) -> Parsed:
        text = raw.strip() if isinstance(raw, str) else (int_text(raw) or str(raw))
        if text in exact:
            return text, NO_ISSUES
        key = norm_key(text)
        if key in by_key:
            canon = by_key[key]
            return canon, (_issue("notice", "text-normalized", canonical=canon),)
        if key in aliases:
            canon = aliases[key]
            return canon, (_issue("notice", "alias-normalized", value=text, canonical=canon),)
        return None, (_issue("error", "value-not-allowed", value=text, allowed=allowed),)

    return parse


# --- one column --------------------------------------------------------------------------


@dataclass
class ParsedColumn:
    values: list[Any]  # the parsed value of each row (None: blank or unreadable)
    issues: list[tuple[int, tuple[Issue, ...]]]  # (row index, its issues), in row order
    blanks: list[int]  # rows blank without an issue (empty, or a placeholder such as 无)


# The first cells of a column, whose distinct values tell whether it holds few of them.
_SAMPLE = 1024

# Kinds whose parse of a cell written as it should be is the cell itself, without an issue.
_ITSELF = ("text", "credit_code", "phone")


def _unclean(kind: str, distinct: set[Any], types: set[type]) -> set[Any]:
    """The distinct cells of a column of one of the `_ITSELF` kinds that `parse` might not
    return unchanged and without an issue; found by C-level passes over the column (tests
    hold everything else equal to `parse`). The others need no parsing."""
    if types == {str}:
        strs, others = list(distinct), set()
    else:
        strs = list(compress(distinct, map(is_, map(type, distinct), repeat(str))))
        others = distinct.difference(strs)
    if kind == "text":
        # Empty and placeholder texts are looked up in the set rather than searched for.
        return others | _unclean_texts(strs) | _BLANK_TEXTS.intersection(distinct)
    clean = _clean_codes(strs) if kind == "credit_code" else _valid_mobiles(strs)
    return distinct.difference(clean)  # the cells other than strings, and unclean ones


_BLANK_TEXTS = PLACEHOLDERS | {""}


def _unclean_texts(strs: list[str]) -> set[str]:
    """Texts that are not printable, trimmed and free of double spaces, or start like an
    Excel error: the rest (but an empty text or a placeholder) is `parse`'s as it is."""
    # Most columns are clean throughout, which a few searches of all of them at once show
    # (each for a literal first: the fast kind of search).
    joined = "\0".join(strs)
    backwards = joined[::-1]
    if not (
        joined.count("\0") != len(strs) - 1
        or "  " in joined
        or "\0#" in joined
        or joined[:1] == "#"
        or joined[:1].isspace()
        or backwards[:1].isspace()
        or _NUL_SPACE.search(joined)  # a text starting with white space
        or _NUL_SPACE.search(backwards)  # … or ending with it
        or not joined.replace("\0", "x").isprintable()
    ):
        return set()
    bad = set(compress(strs, map(not_, map(str.isprintable, strs))))
    bad.update(compress(strs, map(ne, strs, map(str.strip, strs))))
    bad.update(compress(strs, map(contains, strs, repeat("  "))))
    bad.update(compress(strs, map(str.startswith, strs, repeat("#"))))
    return bad


_NUL_SPACE = re.compile(r"\0\s")


# From this many codes on, numpy is worth importing to check them (it takes a tenth of a
# second; a sheet big enough to be read in pieces has it imported while they are parsed).
_ARRAY_CODES = 30_000


def _clean_codes(strs: list[str]) -> list[str]:
    """The credit codes written as they should be, with a right check character (the fast
    path of `parse_credit_code`, over a column)."""
    shaped = list(compress(strs, map(_USCC_SHAPE.fullmatch, strs)))
    # In this shape only a code whose second character is E can read as a number (1E…, all
    # digits after): each is 18 characters, so the second ones are a stride of them all.
    if "E" in "".join(shaped)[1::18]:
        shaped = list(compress(shaped, map(not_, map(_SCIENTIFIC.fullmatch, shaped))))
    if len(shaped) >= _ARRAY_CODES or (len(shaped) >= 1024 and "numpy" in sys.modules):
        return list(compress(shaped, _checks_right(shaped)))
    checks = map(uscc_check_char, map(itemgetter(slice(0, 17)), shaped))
    return list(compress(shaped, map(eq, map(itemgetter(17), shaped), checks)))


def _checks_right(shaped: list[str]) -> list[bool]:
    """Whether each code (of `_USCC_SHAPE`: 18 ASCII characters of the alphabet) has its
    right check character: uscc_check_char over all of them at once, as a matrix of values
    times the weights 3^i mod 31. In a city ledger most creditors' codes are distinct, and
    one at a time they were the costliest column of a clean ledger."""
    import numpy as np

    table = np.zeros(128, dtype=np.int64)
    for value, char in enumerate(USCC_ALPHABET):
        table[ord(char)] = value
    grid = np.frombuffer("".join(shaped).encode("ascii"), dtype=np.uint8).reshape(-1, 18)
    values = table[grid]
    weights = np.array([pow(3, i, 31) for i in range(17)], dtype=np.int64)
    expected = (-(values[:, :17] @ weights)) % 31
    right: list[bool] = (values[:, 17] == expected).tolist()
    return right


def _valid_mobiles(strs: list[str]) -> list[str]:
    """The phones written as 11 ASCII digits from 1 (no prefix phonenumbers' parser would
    strip) that the CN metadata calls valid: `check_phone` says nothing about them."""
    valid = _valid_plain_mobile()
    if valid is None:
        return []
    return list(compress(strs, map(valid.fullmatch, strs)))


_PLAIN_MOBILE = r"1(?!1|2|79)[0-9]{10}"


@lru_cache(maxsize=1)
def _valid_plain_mobile() -> re.Pattern[str] | None:
    """`_PLAIN_MOBILE` (as a lookahead) and `_valid_11`: one pass of one pattern a phone."""
    valid = _valid_11()
    if valid is None:
        return None
    return re.compile(rf"(?={_PLAIN_MOBILE}\Z){valid.pattern}")


def _valid_11() -> re.Pattern[str] | None:
    return _valid_of_length(11)


@lru_cache(maxsize=64)
def _valid_of_length(n: int) -> re.Pattern[str] | None:
    """One pattern for `_cn_valid` of an n-digit number: the general description (as a
    lookahead) and any number type that allows n digits; None if none can. phonenumbers'
    _is_number_matching_desc tests a description's lengths (when listed), then the whole
    number against its pattern, with the same `re` engine: one match of them all instead of
    one call a description, which was most of the time a fixed line took."""
    general, types = _cn_metadata()
    if general.lengths and n not in general.lengths:
        return None
    alts = [t.pattern.pattern for t in types if not t.lengths or n in t.lengths]
    if not alts:
        return None
    body = "|".join(f"(?:{a})" for a in alts)
    return re.compile(rf"(?=(?:{general.pattern.pattern})\Z)(?:{body})")


def _whole_floats(cells: Sequence[Any]) -> bool:
    """Whether every cell is a float holding a whole number (float.is_integer refuses any
    other type, a boolean among them)."""
    try:
        return all(map(float.is_integer, cells))
    except TypeError:
        return False


def _hidden_bool(cells: Sequence[Any], distinct: set[Any]) -> bool:
    """Whether a TRUE hides behind an equal 1 or 1.0 seen first (a FALSE behind 0): it is
    not among the distinct values, but must not be read as the number. The booleans are two
    objects, so the cells are compared by identity, without visiting any of them."""
    return (True in distinct and any(map(is_, cells, repeat(True)))) or (
        False in distinct and any(map(is_, cells, repeat(False)))
    )


def _same_text(cell: str, value: Any) -> bool:
    return type(value) is str and value == cell


def _typed_key(cell: Any) -> Any:
    """A cache key that keeps 1, 1.0 and True apart (equal as dict keys, not as cells)."""
    return cell if type(cell) is str else (type(cell), cell)


def _bad_phone(text: str) -> Issue:
    return ("error", "bad-phone", {"value": text})


class ColumnParser:
    """Parses the cells of one column, each distinct raw value once."""

    def __init__(self, spec: ColumnSpec, form: FormSpec, today: dt.date) -> None:
        self.spec = spec
        kind = spec.kind
        fn: Callable[[Any], Parsed]
        if kind == "text":
            fn = lambda raw: parse_text(raw, spec)  # noqa: E731
        elif kind == "integer":
            fn = lambda raw: parse_integer(raw, spec)  # noqa: E731
        elif kind == "amount":
            fn = lambda raw: parse_amount(raw, spec, form)  # noqa: E731
        elif kind == "month":
            fn = lambda raw: parse_month(raw, spec)  # noqa: E731
        elif kind == "date":
            fn = lambda raw: parse_date(raw, spec, today)  # noqa: E731
        elif kind == "credit_code":
            fn = lambda raw: parse_credit_code(raw, spec)  # noqa: E731
        elif kind == "phone":
            fn = lambda raw: parse_phone(raw, spec)  # noqa: E731
        else:
            fn = enum_parser(spec)
        self._fn = fn
        self._cache: dict[Any, Parsed] = {}
        self._plain = _plain_range(spec, form) if kind == "amount" else None

    def __call__(self, raw: Any) -> Parsed:
        # 1, 1.0 and True are equal as dict keys but not as cells; only str keys are safe alone.
        key = _typed_key(raw)
        hit = self._cache.get(key)
        if hit is None:
            hit = self.parse(raw)
            self._cache[key] = hit
        return hit

    def parse_distinct(self, values: Iterable[Any]) -> dict[Any, Parsed]:
        """Each of these distinct values parsed (values equal as keys must parse alike).

        In a city ledger most cells of many columns are distinct: amounts, 序号, contract
        names, and the creditors' codes and phones. A value written as it should be is read
        here in a tight loop, without the general parser's steps; tests hold every loop equal
        to `parse` one value at a time.
        """
        kind = self.spec.kind
        if kind == "amount":
            return self._amounts(values)
        parse = self.parse
        out: dict[Any, Parsed] = {}
        if kind == "text":
            for v in values:
                # A clean, non-empty text that is no placeholder and no Excel error is itself.
                if (
                    type(v) is str
                    and v.isprintable()
                    and v == v.strip()
                    and v
                    and v[0] != "#"
                    and v not in PLACEHOLDERS
                    and "  " not in v
                ):
                    out[v] = (v, NO_ISSUES)
                else:
                    out[v] = parse(v)
        elif kind == "integer":
            for v in values:
                out[v] = (int(v), NO_ISSUES) if type(v) is float and v.is_integer() else parse(v)
        elif kind == "credit_code":
            spec = self.spec
            for v in values:
                # The shape leaves no space, placeholder or Excel error for `parse` to see.
                if type(v) is str and _USCC_SHAPE.fullmatch(v):
                    out[v] = parse_credit_code(v, spec)
                else:
                    out[v] = parse(v)
        elif kind == "phone":
            for v in values:
                if type(v) is str and v.isascii() and v and v[0] != "#" and v == v.strip():
                    if (
                        len(v) == 11
                        and v.isdigit()
                        and v[0] == "1"
                        and not v.startswith(_SPECIAL_PREFIXES)
                    ):
                        # A mobile as written: phonenumbers' national number is the text itself.
                        out[v] = (v, NO_ISSUES) if _cn_valid(v) else (v, (_bad_phone(v),))
                        continue
                    if v not in PLACEHOLDERS and _PHONE_SPLIT.search(v) is None:
                        # One number in ASCII: NFKC and the split change nothing.
                        problem = check_phone(v)
                        out[v] = (v, NO_ISSUES if problem is None else (problem,))
                        continue
                out[v] = parse(v)
        else:
            for v in values:
                out[v] = parse(v)
        return out

    def _amounts(self, values: Iterable[Any]) -> dict[Any, Parsed]:
        values = list(values)
        plain = self._plain_amounts(values)
        out: dict[Any, Parsed] = {v: (d, NO_ISSUES) for v, d in plain.items()}
        parse = self.parse
        for v in values:
            if v not in out:
                out[v] = parse(v)
        return out

    def _plain_amounts(self, values: Iterable[Any]) -> dict[float, Decimal]:
        """The Decimal of each amount no rule of `parse_amount` can touch, in a tight loop.

        Most amounts in a ledger are distinct plain numbers, a third of a clean ledger's
        cells: a float strictly inside the plain range whose 15 significant digits (as Excel
        shows it; no exponent in this range) have at most four decimals. (A loop with an
        f-string beats C-level passes through str.format and a pattern here.)
        """
        assert self._plain is not None
        lo, hi = self._plain
        out: dict[float, Decimal] = {}
        for v in values:
            if type(v) is float and lo < v < hi:
                text = f"{v:.15g}"
                dot = text.find(".")
                if dot < 0 or len(text) - dot <= 5:
                    out[v] = Decimal(text)
        return out

    def parse_column(self, cells: Sequence[Any], blanks: bool = True) -> ParsedColumn:
        """Every cell of a column: each distinct value parsed once and mapped back to the rows
        in C-level passes; only the rows whose value has an issue (or is blank) are listed."""
        if self.spec.kind == "integer" and _whole_floats(cells):
            # 序号 as it should be, every cell a float and whole: each row is its int.
            return ParsedColumn(values=list(map(int, cells)), issues=[], blanks=[])
        # True == 1 == 1.0 as keys; only a column holding booleans needs typed keys (1 and
        # 1.0 parse alike in every kind).
        keys: Sequence[Any] = cells
        if len(set(cells[:_SAMPLE])) * 8 <= min(len(cells), _SAMPLE):
            # Few values, many times over (an enum, a unit, a debtor): each cell becomes the
            # first cell equal to it, in the pass that finds the distinct values. The cells
            # are spread over memory with the rest of their rows; every later pass over the
            # column (and over its values, in the checks after) then meets a few cells.
            first: dict[Any, Any] = {}
            keys = list(map(first.setdefault, cells, cells))
            distinct = set(first)
        else:
            distinct = set(cells)
        value_of: dict[Any, Any] = {}
        identity = False  # a cell not in value_of is its own value
        types = set(map(type, distinct))
        if bool not in types and _hidden_bool(cells, distinct):
            types.add(bool)
        if bool in types:
            keys = list(map(_typed_key, cells))
            parsed_by: dict[Any, Parsed] = {}
            for c, k in zip(cells, keys, strict=True):
                if k not in parsed_by:
                    parsed_by[k] = self.parse(c)
        elif self.spec.kind in _ITSELF:
            identity = True
            parsed_by = self.parse_distinct(_unclean(self.spec.kind, distinct, types))
        elif self.spec.kind == "amount":
            value_of = self._plain_amounts(distinct)
            parsed_by = self.parse_distinct(distinct.difference(value_of))
        elif self.spec.kind == "integer":
            # 序号: whole numbers read as floats, each its int.
            floats = [v for v in distinct if type(v) is float]
            whole = list(compress(floats, map(float.is_integer, floats)))
            value_of = dict(zip(whole, map(int, whole), strict=True))
            parsed_by = self.parse_distinct(distinct.difference(value_of))
        else:
            parsed_by = self.parse_distinct(distinct)
        noisy: dict[Any, tuple[Issue, ...]] = {}
        blank_keys = set()
        for k, (v, issues) in parsed_by.items():
            if v is not k or not identity:  # (a cell read as itself needs no entry)
                value_of[k] = v
            if issues:
                noisy[k] = issues
            elif v is None:
                blank_keys.add(k)
        n = len(cells)
        if not identity and types == {str} and all(_same_text(k, v) for k, v in value_of.items()):
            identity = True  # each text its own value (an enum written as the form has it)
            value_of = {}
        if not identity:
            values = list(map(value_of.__getitem__, keys))
        elif value_of:
            values = list(map(value_of.get, keys, keys))
        else:
            values = list(keys)
        flagged = list(compress(range(n), map(noisy.__contains__, keys))) if noisy else []
        return ParsedColumn(
            values=values,
            issues=[(i, noisy[keys[i]]) for i in flagged],
            blanks=(
                list(compress(range(n), map(blank_keys.__contains__, keys)))
                if blanks and blank_keys
                else []
            ),
        )

    def parse(self, raw: Any) -> Parsed:
        """One value, uncached: for callers that already hold the distinct values."""
        if type(raw) is str:
            text = raw.strip()
            if not text or (text in PLACEHOLDERS and self.spec.kind != "enum"):
                return BLANK
            if text[0] == "#" and text in EXCEL_ERRORS:
                return (None, (_issue("error", "excel-error"),))
        return self._fn(raw)
