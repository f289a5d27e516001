"""Fast paths give exactly what the full paths give (speed never changes a result)."""

from __future__ import annotations

import random
import sys
from typing import Any

import pytest

from ledgercli.model.forms import get_form
from ledgercli.read.cells import (
    USCC_ALPHABET,
    parse_credit_code,
    parse_credit_code_fully,
    uscc_check_char,
)

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
    # Right check characters on codes that also read as numbers in scientific notation.
    scientific = []
    while len(scientific) < max(3, n // 100):
        body = f"{rng.randint(1, 9)}E{rng.randint(10**14, 10**15 - 1)}"
        if uscc_check_char(body).isdigit():  # all digits after the E: 1E…7 reads as a number
            scientific.append(body + uscc_check_char(body))
    out += scientific
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
    from ledgercli.read.cells import ColumnParser

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

    from ledgercli.read.cells import ColumnParser

    form = get_form(form_id)
    with_bools = cells(9, 3000)
    without = [c for c in with_bools if type(c) is not bool]  # the bulk paths, not typed keys
    for spec in form.columns:
        parser = ColumnParser(spec, form, dt.date(2022, 6, 1))
        for column in (with_bools, without):
            got = parser.parse_column(column)
            values, issues, blanks = one_by_one(parser, column)
            # 1 and 1.0 are one key: a column without booleans may show either's parse for
            # both, which the parsers make equal (checked here too).
            assert got.values == values, spec.key
            assert got.issues == issues, spec.key
            assert got.blanks == blanks, spec.key
        distinct = list(dict.fromkeys(c for c in column if type(c) is not bool))
        assert parser.parse_distinct(distinct) == {c: parser.parse(c) for c in distinct}


def test_fast_loops_were_taken() -> None:
    """The sample reaches each tight loop (a value it accepts and one it sends on)."""
    import datetime as dt

    from ledgercli.read.cells import ColumnParser

    column = cells(9, 3000)
    for key in ("creditor_phone", "creditor_code", "contract", "seq"):
        spec = ANNEX2.by_key[key]
        got = ColumnParser(spec, ANNEX2, dt.date(2022, 6, 1)).parse_column(column)
        assert sum(v is not None for v in got.values) > 200, key
        assert len(got.issues) + len(got.blanks) > 10, key


def mostly_clean(seed: int, kind: str, n: int) -> list[object]:
    """A column as a city ledger has it: clean values, most of them distinct, and a few
    cells of the kinds that need the full parser."""
    from test_phones import numbers

    rng = random.Random(seed)
    if kind == "text":
        column: list[object] = [f"重庆{rng.randint(0, 10**6)}建筑工程有限公司" for _ in range(n)]
    elif kind == "credit_code":
        column = []
        for _ in range(n):
            body = "91" + f"{rng.randint(0, 999999):06d}"
            body += "".join(rng.choice(USCC_ALPHABET) for _ in range(9))
            column.append(body + uscc_check_char(body))
    elif kind == "phone":
        column = [f"1{rng.choice('3456789')}{rng.randint(0, 10**9 - 1):09d}" for _ in range(n)]
    elif kind == "amount":
        column = [round(rng.uniform(0, 5000), rng.choice([0, 2, 4])) for _ in range(n)]
    else:
        column = [float(i) for i in range(1, n + 1)]
    # No booleans: a column holding one takes the typed-key path, not the bulk one.
    junk = [c for c in cells(seed, 200) + numbers(seed, 40) if type(c) is not bool]
    for _ in range(n // 100):
        column[rng.randrange(n)] = rng.choice(junk)
    return column


@pytest.mark.parametrize(
    "key",
    ["creditor", "contract", "creditor_code", "creditor_phone", "debtor_phone", "seq", "owed"],
)
def test_bulk_paths_equal_parsing_each_cell(key: str) -> None:
    """The column-wide passes (clean texts, codes with their check character, valid mobiles,
    whole 序号, plain amounts) give each row what parsing the cell alone gives."""
    import datetime as dt

    from ledgercli.read.cells import ColumnParser

    spec = ANNEX2.by_key[key]
    parser = ColumnParser(spec, ANNEX2, dt.date(2022, 6, 1))
    for seed in range(3):
        column = mostly_clean(seed, spec.kind, 4000)
        values, issues, blanks = one_by_one(parser, column)
        calls: list[object] = []
        counting = ColumnParser(spec, ANNEX2, dt.date(2022, 6, 1))

        def parse(raw: object, seen: list[object] = calls, real: object = parser.parse) -> object:
            seen.append(raw)
            return real(raw)  # type: ignore[operator]

        counting.parse = parse  # type: ignore[method-assign,assignment]
        got = counting.parse_column(column)
        assert (got.values, got.issues, got.blanks) == (values, issues, blanks)
        assert len(calls) < 200  # the column-wide passes did the work, not `parse`


@pytest.mark.parametrize(
    "odd",
    [
        None,
        "",
        "-",
        "无",
        " lead",
        "trail ",
        "trail\u3000",
        "a  b",
        "line\nbreak",
        "#REF!",
        "#tag",
        "x\0y",
    ],
)
def test_one_odd_text_in_a_clean_column(odd: str | None) -> None:
    """A clean text column with one odd cell (or none): the search over all texts at once
    finds it, and every row reads as parsing it alone reads."""
    import datetime as dt

    from ledgercli.read.cells import ColumnParser

    spec = ANNEX2.by_key["contract"]
    parser = ColumnParser(spec, ANNEX2, dt.date(2022, 6, 1))
    column: list[object] = [f"合同{i}（一期）" for i in range(500)]
    if odd is not None:
        column[250] = odd
    got = parser.parse_column(column)
    assert (got.values, got.issues, got.blanks) == one_by_one(parser, column)


def test_collect_data_equals_looking_at_every_row() -> None:
    """Rows below the header: the C-level gate leaves the same data rows, totals skipped and
    the end of the table found, as testing every row does (序号 as numbers, as text, blank)."""
    from ledgercli.read import table
    from ledgercli.read.table import Located, data_end, row_kind
    from ledgercli.read.workbook import Sheet

    def by_every_row(sheet: Sheet, start: int, loc: Located) -> None:
        for excel_row, cells in sheet.rows[start:]:
            kind = row_kind(cells)
            if kind is not None:
                data_end(loc, excel_row, kind)
                if kind == "end":
                    break
                continue
            loc.data.append((excel_row, cells))

    rng = random.Random(4)
    firsts: list[object] = [1.0, "1", "", "合计", "小计：", "填写说明：", " 合计", "备注", "说明"]
    for _ in range(200):
        rows = []
        for r in range(1, rng.randint(2, 30)):
            cells = [rng.choice(firsts), rng.choice(["", "合计", "x", 2.0]), "y", "", 3.0]
            rows.append((r, cells))
        sheet = Sheet(name="s", rows=rows)
        start = rng.randint(0, 2)
        got = Located(form=ANNEX2, sheet=sheet, header_row=1, columns={}, headers={})
        want = Located(form=ANNEX2, sheet=sheet, header_row=1, columns={}, headers={})
        table._collect_data(sheet, start, got)
        by_every_row(sheet, start, want)
        assert got.data == want.data
        assert got.findings[: len(want.findings)] == want.findings


def test_credit_codes_checked_at_once_equal_one_at_a_time(monkeypatch: Any) -> None:
    """The check characters of a column of codes computed as one matrix (a city ledger's
    creditors, mostly distinct) say of each code what uscc_check_char says."""
    from ledgercli.read import cells

    codes = [c for c in credit_codes(11, 6000) if isinstance(c, str)]
    rng = random.Random(2)
    for _ in range(3000):  # right codes, and each with every wrong check character
        body = "".join(rng.choice(USCC_ALPHABET) for _ in range(2))
        body += "".join(rng.choice("0123456789") for _ in range(6))
        body += "".join(rng.choice(USCC_ALPHABET) for _ in range(9))
        codes.append(body + uscc_check_char(body))
        codes.append(body + rng.choice(USCC_ALPHABET))
    with monkeypatch.context() as m:
        # One at a time whatever is loaded: numpy (imported by any test that read Arrow
        # columns before this one) would otherwise send this reference through the matrix.
        m.delitem(sys.modules, "numpy", raising=False)
        m.setattr(cells, "_ARRAY_CODES", 10**9)
        m.setattr(cells, "_checks_right", None)  # never called here
        one_at_a_time = cells._clean_codes(codes)
    matrices: list[int] = []
    real = cells._checks_right

    def counted(shaped: list[str]) -> list[bool]:
        matrices.append(len(shaped))
        return real(shaped)

    monkeypatch.setattr(cells, "_checks_right", counted)
    monkeypatch.setattr(cells, "_ARRAY_CODES", 0)
    at_once = cells._clean_codes(codes)
    assert len(matrices) == 1  # really computed as one matrix
    assert at_once == one_at_a_time
    assert 3000 <= len(at_once) < len(codes) - 2500
