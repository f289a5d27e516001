"""Normalizing text: the batched form gives exactly what one value at a time gives."""

from __future__ import annotations

import pytest

from ledgercli.model.text import norm_key, norm_keys

CASES = [
    [],
    ["DC2022203544-0"],
    ["DC2022203544-0", "dc2022203544－0", " DC 2022 ", "“合同”A", "Straße"],
    ["ＡＢＣ１２３", "㈱重庆", "ﬁne", "x\u3000y", "e\u0301", "\u0301lead"],  # NFKC, combining
    ["合同（一期）：１号", "Ａ\u0301", "（重庆）\u3000公司", "ｶﾞ"],  # full width, then composed
    ["a\0b", "c"],  # a NUL inside a value: the batch cannot be split safely
    ["", "a", ""],
]


@pytest.mark.parametrize("values", CASES)
def test_norm_keys_equal_one_by_one(values: list[str]) -> None:
    assert norm_keys(values) == [norm_key(v) for v in values]


@pytest.mark.parametrize("value", [v for case in CASES for v in case])
def test_norm_key_is_nfkc_without_spaces_or_quotes(value: str) -> None:
    """The fast path for full-width text gives exactly what the definition says."""
    import unicodedata

    expected = "".join(unicodedata.normalize("NFKC", value).split())
    for q in "“”\"'‘’「」『』《》":
        expected = expected.replace(q, "")
    assert norm_key(value) == expected.casefold()
