"""Normalizing text the way a clerk reads it: full-width or half-width, spaces or not."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SPACE = re.compile(r"\s+")
# Leading numbering ("1、", "2.", "(3)") and trailing units or examples in parentheses
# ("（万元）", "（例：2020-04-08）") are decoration, not part of a column's name.
_NUMBERING = re.compile(r"^(?:\d+[、.．)]|\(\d+\)|[一二三四五六七八九十]+、)")
_DECORATION = re.compile(r"\((?:[^()]*(?:万元|元|例|单位|件|格式|填写|yyyy|xxxx)[^()]*)\)")
_QUOTES = str.maketrans("", "", "“”\"'‘’「」『』《》")


def nfkc(value: str) -> str:
    return unicodedata.normalize("NFKC", value)


_QUOTE_CHARS = "“”\"'‘’「」『』《》"


_FULL_WIDTH = re.compile("[\uff01-\uff5e\u3000]")


def _fold(text: str) -> str:
    # NFKC (full-width to half-width, compatibility forms), no white space, no quotes, case-
    # folded. Each step acts on characters one at a time (NFKC composes only a letter with the
    # marks after it), so folding values joined by NUL folds each of them.
    if not unicodedata.is_normalized("NFKC", text):
        # Full-width ASCII （，：…) and the ideographic space are what Chinese text usually
        # needs; replaced directly (a few fast searches), the text is then often normalized
        # already, and normalize() returns at once after its own quick check instead of
        # decomposing everything (ten times slower). Either way the result is NFKC's.
        for c in set(_FULL_WIDTH.findall(text)):
            text = text.replace(c, unicodedata.normalize("NFKC", c))
        text = unicodedata.normalize("NFKC", text)
    text = "".join(text.split())
    for q in _QUOTE_CHARS:  # a few fast searches; str.translate goes character by character
        if q in text:
            text = text.replace(q, "")
    return text.casefold()


def norm_key(value: str) -> str:
    """Comparable form of a value: NFKC, no white space, no quotes, case-folded."""
    return _fold(value)


def norm_keys(values: list[str]) -> list[str]:
    """`norm_key` of each value, folded all at once (joined by NUL, which no cell holds)."""
    if not values:
        return []
    joined = "\0".join(values)
    if joined.count("\0") != len(values) - 1:
        return [_fold(v) for v in values]
    return _fold(joined).split("\0")


@lru_cache(maxsize=16384)
def norm_header(value: str) -> str:
    """Comparable form of a header cell, without numbering, units, examples or marks."""
    text = _SPACE.sub("", nfkc(value)).translate(_QUOTES)
    text = text.strip("*：:")
    text = _NUMBERING.sub("", text)
    text = _DECORATION.sub("", text)
    return text.casefold()


def header_unit(value: str) -> str | None:
    """The money unit a header declares in parentheses, if any: '万元' or '元'."""
    text = nfkc(value)
    if "万元" in text:
        return "万元"
    if re.search(r"\((?:[^()]*[^万])?元\)", _SPACE.sub("", text)):
        return "元"
    return None


def clean_text(value: str) -> str:
    """Trim a text cell; inner line breaks become spaces (a name never needs two lines)."""
    # Most cells are already clean; checking is cheaper than rebuilding every one.
    if value.isprintable() and "  " not in value and value == value.strip():
        return value
    return " ".join(value.split())
