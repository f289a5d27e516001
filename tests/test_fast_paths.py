"""Fast paths give exactly what the full paths give (speed never changes a result)."""

from __future__ import annotations

import random

import pytest

from ledgercli.cells import (
    USCC_ALPHABET,
    parse_credit_code,
    parse_credit_code_fully,
    uscc_check_char,
)
from ledgercli.forms import get_form

ANNEX2 = get_form("cq-annex2")


def credit_codes(seed: int, n: int) -> list[object]:
    """Valid codes and every way one goes wrong: a check character, a letter outside the
    alphabet, a length, case, spaces, full width, an E that reads as a number."""
    rng = random.Random(seed)
    out: list[object] = []
    for _ in range(n):
        body = "".join(rng.choice(USCC_ALPHABET) for _ in range(17))
        if rng.random() < 0.6:
            body = body[:2] + "".join(rng.choice("0123456789") for _ in range(6)) + body[8:]
        code = body + uscc_check_char(body)
        k = rng.random()
        if k < 0.1:
            code = body + rng.choice(USCC_ALPHABET)
        elif k < 0.15:
            code = code.lower()
        elif k < 0.2:
            code = code[: rng.randint(0, 17)] + rng.choice("IOSVZ -　\t") + code[18:]
        elif k < 0.25:
            code = code[: rng.randint(10, 20)]
        elif k < 0.3:
            code = code.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})
        elif k < 0.35:
            code = f"{rng.randint(1, 9)}E{rng.randint(10**15, 10**16 - 1)}"
        elif k < 0.38:
            code = " " + code + "\n"
        out.append(code)
    out += [9.15002e17, 915001020001583853, True, None, "", "9" * 18 + "000"]
    return out


def test_credit_code_fast_path_equals_full_path() -> None:
    codes = credit_codes(5, 20000)
    fast = [parse_credit_code(c, ANNEX2.by_key["creditor_code"]) for c in codes]
    full = [parse_credit_code_fully(c) for c in codes]
    assert fast == full
    assert sum(1 for _, issues in fast if not issues) > 5000  # the fast path was taken
    assert sum(1 for _, issues in fast if issues) > 5000


def cells(seed: int, n: int) -> list[object]:
    """Cells of every kind a column meets: clean and unclean text, numbers typed as text,
    placeholders, Excel errors, booleans, dates, phones and codes of every shape."""
    import datetime as dt

    from test_phones import numbers

    rng = random.Random(seed)
    pool: list[object] = [
        "",
        " ",
        "-",
        "无",
        "/",
        "#REF!",
        "#N/A",
        "#hashtag",
        "a  b",
        " lead",
        "trail ",
        "line\nbreak",
        "tab\there",
        "重庆某某建筑工程有限公司",
        "（全角）公司",
        "１２３",
        "12.5万元",
        "1,234.5",
        "2022-05",
        "2022/5",
        "2022年5月",
        "202205",
        "2022-05-15",
        "自行排查",
        "工信部平台",
        "有",
        "无分歧",
        "工程",
        True,
        False,
        0,
        1,
        1.0,
        2.5,
        -3.0,
        float("inf"),
        44621.0,
        202205.0,
        1.2345678901234568e17,
        dt.datetime(2022, 5, 1),
        dt.date(2022, 5, 1),
    ]
    pool += numbers(seed, 300) + credit_codes(seed, 300)
    out: list[object] = [rng.choice(pool) for _ in range(n)]
    out += [float(rng.randint(1, 10**6)) for _ in range(200)]
    out += [round(rng.uniform(0, 20000), rng.choice([0, 2, 4, 6])) for _ in range(200)]
    out += [f"合同{rng.randint(0, 10**9)}" for _ in range(200)]
    rng.shuffle(out)
    return out


def one_by_one(parser: object, column: list[object]) -> tuple[list, list, list]:
    """What check_table computed before parse_column: each cell parsed on its own."""
    from ledgercli.cells import ColumnParser

    assert isinstance(parser, ColumnParser)
    results = [parser.parse(c) for c in column]
    values = [v for v, _ in results]
    issues = [(i, iss) for i, (_, iss) in enumerate(results) if iss]
    blanks = [i for i, (v, iss) in enumerate(results) if v is None and not iss]
    return values, issues, blanks


@pytest.mark.parametrize("form_id", ["cq-annex2", "wh-ledger"])
def test_parse_column_equals_parsing_each_cell(form_id: str) -> None:
    """For every column of the form, the tight loops and the C-level mapping give each row
    the value and the issues parsing that cell alone gives; blanks are the same rows."""
    import datetime as dt

    from ledgercli.cells import ColumnParser

    form = get_form(form_id)
    column = cells(9, 3000)
    for spec in form.columns:
        parser = ColumnParser(spec, form, dt.date(2022, 6, 1))
        got = parser.parse_column(column)
        values, issues, blanks = one_by_one(parser, column)
        # 1 and 1.0 are one key: a column without booleans may show either's parse for both,
        # which the parsers make equal (checked here too).
        assert got.values == values, spec.key
        assert got.issues == issues, spec.key
        assert got.blanks == blanks, spec.key
        distinct = list(dict.fromkeys(c for c in column if type(c) is not bool))
        assert parser.parse_distinct(distinct) == {c: parser.parse(c) for c in distinct}


def test_fast_loops_were_taken() -> None:
    """The sample reaches each tight loop (a value it accepts and one it sends on)."""
    import datetime as dt

    from ledgercli.cells import ColumnParser

    column = cells(9, 3000)
    for key in ("creditor_phone", "creditor_code", "contract", "seq"):
        spec = ANNEX2.by_key[key]
        got = ColumnParser(spec, ANNEX2, dt.date(2022, 6, 1)).parse_column(column)
        assert sum(v is not None for v in got.values) > 200, key
        assert len(got.issues) + len(got.blanks) > 10, key
