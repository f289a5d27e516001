"""Phone verdicts from phonenumbers' CN metadata compiled once equal the library's own.

`check_phone` no longer calls phonenumbers for every number (about 47 µs each); these tests
hold its verdicts, rules and messages equal to a reference that does, over many thousands of
numbers of every shape a ledger holds: mobiles of every block, fixed lines with area codes of
every length, with and without the 0, +86 and 86 in front, extensions, and junk.
"""

from __future__ import annotations

import random
import re
from functools import lru_cache

import phonenumbers
import pytest

from ledgercli.read.cells import Issue, check_phone, phone_valid

_STRIP = re.compile(r"[\s\-()（）.]")


def library_valid(digits: str) -> bool:
    try:
        return bool(phonenumbers.is_valid_number(phonenumbers.parse(digits, "CN")))
    except phonenumbers.NumberParseException:
        return False


def reference(text: str) -> Issue | None:
    """check_phone as it was, calling the library on every number (a parse error: invalid)."""
    digits = _STRIP.sub("", text)
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if not digits.isdigit():
        return ("error", "bad-phone", {"value": text})
    if (len(digits) == 11 and digits[0] == "1") or digits[0] == "0":
        return None if library_valid(digits) else ("error", "bad-phone", {"value": text})
    if len(digits) in (7, 8) and digits[0] not in "01":
        return ("warning", "phone-no-area-code", {"value": text})
    return ("error", "bad-phone", {"value": text})


@lru_cache(maxsize=1)
def area_codes() -> list[str]:
    """Every area code the library accepts (2 digits: 10, 2x; 3 digits: the rest), found by
    asking it about a typical local number behind each candidate."""
    found = []
    for area in [f"{n:02d}" for n in range(10, 30)] + [f"{n:03d}" for n in range(300, 1000)]:
        local = "6123456" if len(area) == 3 else "61234567"
        if library_valid("0" + area + local) or library_valid("0" + area + local + "8"):
            found.append(area)
    return found


def digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def numbers(seed: int, n: int) -> list[str]:
    """n phone texts of every shape, valid and not, formatted as districts write them."""
    rng = random.Random(seed)
    areas = area_codes()
    out = []
    for _ in range(n):
        k = rng.random()
        if k < 0.35:  # a mobile: any block 100–199, any subscriber number
            core = "1" + digits(rng, 10)
        elif k < 0.7:  # a fixed line: a real area code, a local number of 5–9 digits
            area = rng.choice(areas)
            core = "0" + area + rng.choice("123456789") + digits(rng, rng.randint(4, 8))
        elif k < 0.8:  # an area code of any digits
            core = "0" + digits(rng, rng.randint(1, 12))
        elif k < 0.9:  # a local number without its area code, or anything short
            core = digits(rng, rng.randint(1, 9))
        else:  # what the library's parser treats specially: 00, 11x/12x, 179xx prefixes
            core = rng.choice(["00", "0086", "00852", "11", "12", "179", "1790", "125"])
            core += digits(rng, rng.randint(0, 11))
        if core.startswith("0") and rng.random() < 0.15:
            core = core[1:]  # the 0 left out
        text = core
        style = rng.random()
        if style < 0.15:
            text = "+86" + text
        elif style < 0.25:
            text = "86" + text
        elif style < 0.4 and len(text) > 4:
            cut = rng.randint(2, len(text) - 2)
            text = f"{text[:cut]}{rng.choice(['-', ' ', ')', '.'])}{text[cut:]}"
            if text[cut] == ")":
                text = "(" + text
        elif style < 0.45:
            text += rng.choice(["-801", "转801", "#12", "ext 9", "x"])
        elif style < 0.5:
            text = rng.choice(["电话", "无号码", "1３8", "一三八", "+", "++86", "-", "８６"]) + text
        out.append(text)
    return out


@pytest.mark.parametrize("seed", range(4))
def test_verdicts_equal_phonenumbers(seed: int) -> None:
    """Over 6,000 numbers a seed, each verdict (and its rule and message) is the library's."""
    texts = numbers(seed, 6000)
    got = [check_phone(t) for t in texts]
    want = [reference(t) for t in texts]
    diffs = [(t, g, w) for t, g, w in zip(texts, got, want, strict=True) if g != w]
    assert diffs == []
    # The sample is worth something: plenty of valid numbers and of each kind of problem.
    assert sum(g is None for g in got) > 1000
    assert sum(g is not None and g[1] == "bad-phone" for g in got) > 1500
    assert sum(g is not None and g[1] == "phone-no-area-code" for g in got) > 100


def test_every_mobile_block_and_area_code() -> None:
    """Each 4-digit mobile block and each area code with local numbers of 6–9 digits: the
    compiled metadata and the library agree on every one."""
    rng = random.Random(11)
    cases = [f"1{b:03d}" + digits(rng, 7) for b in range(1000)]
    cases += ["1740" + d + digits(rng, 6) for d in "0123456789"]  # a 5-digit block
    for area in area_codes():
        for n in (6, 7, 8, 9):
            cases.append("0" + area + rng.choice("123456789") + digits(rng, n - 1))
            cases.append("0" + area + "95" + digits(rng, n - 2))  # 95xxx service numbers
            cases.append("0" + area + "1" + digits(rng, n - 1))
    assert len(area_codes()) > 300
    assert [phone_valid(c) for c in cases] == [library_valid(c) for c in cases]
    assert sum(map(phone_valid, cases)) > 1000


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("13812345678", None),
        ("023-61234567", None),
        ("0755 86123456", None),
        ("(0851)5123456", None),
        ("+86 138 1234 5678", None),
        ("8613812345678", None),
        ("0085223456789", None),  # dialled abroad (Hong Kong): the library calls it valid
        ("61234567", "phone-no-area-code"),
        ("12345678901", "bad-phone"),  # no such mobile block
        ("11200000000", "bad-phone"),  # read by the library as an international prefix
        ("0", "bad-phone"),  # the library cannot parse it at all
        ("023-61234567转801", "bad-phone"),
        ("1380836123", "bad-phone"),
    ],
)
def test_known_numbers(text: str, rule: str | None) -> None:
    issue = check_phone(text)
    assert (issue and issue[1]) == rule
    assert issue == reference(text)


def test_one_pattern_for_eleven_digits_equals_the_library() -> None:
    """The single pattern used on a whole column of mobiles (general description as a
    lookahead, then every 11-digit type) agrees with the library on every 11-digit number."""
    from ledgercli.read.cells import _valid_11

    rng = random.Random(12)
    pattern = _valid_11()
    assert pattern is not None
    cases = [f"1{b:03d}" + digits(rng, 7) for b in range(1000) for _ in range(3)]
    cases += ["1740" + d + digits(rng, 6) for d in "0123456789"]
    assert [bool(pattern.fullmatch(c)) for c in cases] == [library_valid(c) for c in cases]
