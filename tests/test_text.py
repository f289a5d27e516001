"""Normalizing text: the batched form gives exactly what one value at a time gives."""

from __future__ import annotations

import pytest

from ledgercli.text import norm_key, norm_keys

CASES = [
    [],
    ["DC2022203544-0"],
    ["DC2022203544-0", "dc2022203544－0", " DC 2022 ", "“合同”A", "Straße"],
    ["ＡＢＣ１２３", "㈱重庆", "ﬁne", "x\u3000y", "e\u0301", "\u0301lead"],  # NFKC, combining
    ["a\0b", "c"],  # a NUL inside a value: the batch cannot be split safely
    ["", "a", ""],
]


@pytest.mark.parametrize("values", CASES)
def test_norm_keys_equal_one_by_one(values: list[str]) -> None:
    assert norm_keys(values) == [norm_key(v) for v in values]
