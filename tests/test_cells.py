"""Reading one cell: months, dates, numbers typed as text, enums, codes and phones."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ledgercli.model.forms import get_form
from ledgercli.read.cells import ColumnParser

ANNEX2 = get_form("cq-annex2")
WUHAN = get_form("wh-ledger")
TODAY = dt.date(2022, 6, 1)


def parse(form_key: str, raw: object, form=ANNEX2):  # type: ignore[no-untyped-def]
    return ColumnParser(form.by_key[form_key], form, TODAY)(raw)


@pytest.mark.parametrize(
    ("raw", "month", "notice"),
    [
        ("2022-12", "2022-12", False),
        ("2022.12", "2022-12", True),
        ("2022/12", "2022-12", True),
        ("2022年12月", "2022-12", True),
        ("２０２２年３月", "2022-03", True),
        ("202212", "2022-12", True),
        ("2022-3", "2022-03", True),
        ("2022.3", "2022-03", True),
        ("2022-12-31", "2022-12", True),
        ("2022/12/31 00:00:00", "2022-12", True),
        (dt.datetime(2022, 3, 5), "2022-03", True),
        (dt.date(2022, 3, 5), "2022-03", True),
        (44621.0, "2022-03", True),  # an Excel serial (2022-03-01)
        (2022.12, "2022-12", True),
        (202203.0, "2022-03", True),
    ],
)
def test_month_forms_normalized(raw: object, month: str, notice: bool) -> None:
    """Every way months are written becomes YYYY-MM; anything but YYYY-MM is a notice."""
    value, issues = parse("due_month", raw)
    assert value == month
    assert [i[1] for i in issues] == (["month-normalized"] if notice else [])


@pytest.mark.parametrize(
    ("raw", "rule"),
    [
        ("2022-13", "bad-month"),
        ("十二月", "bad-month"),
        (2022.1, "ambiguous-month"),
        ("1899-01", "bad-month"),
        (True, "bad-month"),
    ],
)
def test_bad_months(raw: object, rule: str) -> None:
    """Impossible or ambiguous months are errors, never guessed."""
    value, issues = parse("due_month", raw)
    assert value is None
    assert [(i[0], i[1]) for i in issues] == [("error", rule)]


@pytest.mark.parametrize(
    ("raw", "amount", "notice"),
    [
        (12.5, Decimal("12.5"), False),
        (0.1, Decimal("0.1"), False),
        (3, Decimal("3"), False),
        ("1,234.5", Decimal("1234.5"), True),
        ("１２.５", Decimal("12.5"), True),
        (" 7.25 ", Decimal("7.25"), True),
        ("12.5万元", Decimal("12.5"), True),
    ],
)
def test_amounts_exact(raw: object, amount: Decimal, notice: bool) -> None:
    """Amounts are exact Decimals; numbers typed as text are read with a notice."""
    value, issues = parse("contract_amount", raw)
    assert value == amount and isinstance(value, Decimal)
    assert [i[1] for i in issues] == (["number-normalized"] if notice else [])


@pytest.mark.parametrize("key", ["contract_amount", "owed"])
def test_batch_amounts_equal_one_by_one(key: str) -> None:
    """The tight loop for plain amounts gives exactly what the full parser gives, at the edges too."""
    import random

    rng = random.Random(5)
    edges = [0.0, 1e-4, 1.00001e-4, 0.00015, 0.12345, 0.1 + 0.2, 9999.9999, 9999.99999999999]
    edges += [10000.0, 9999.999999999998, 12.34567, 1e15, 123456789012345.0, -0.5, float("nan")]
    edges += [7, True, "12.5", "", "-"]
    values = edges + [round(rng.uniform(0, 20000), rng.choice([0, 2, 4, 6])) for _ in range(3000)]
    spec = ANNEX2.by_key[key]
    parser = ColumnParser(spec, ANNEX2, TODAY)
    distinct = list(dict.fromkeys(values))  # True == 1 as a key: only the first stays
    assert parser.parse_distinct(distinct) == {v: parser.parse(v) for v in distinct}


def test_float_noise_is_excel_precision() -> None:
    """A float like 0.1+0.2 is read as Excel shows it (15 significant digits), not as binary."""
    value, _ = parse("contract_amount", 0.1 + 0.2)
    assert value == Decimal("0.3")


def test_placeholder_dash_is_blank() -> None:
    """'-' or '/' in an optional amount means nothing to report, not a bad number."""
    assert parse("cleared", "-") == (None, ())


def test_bad_thousands_separator() -> None:
    """'1,23' is not a number with separators; it is refused rather than guessed."""
    value, issues = parse("contract_amount", "1,23")
    assert value is None and issues[0][1] == "bad-number"


def test_enum_alias_and_width() -> None:
    """Aliases map to the canonical value with a notice; full-width variants too."""
    assert parse("source", "工信部平台")[0] == "工业和信息化部违约拖欠中小企业款项登记（投诉）平台"
    assert parse("source", "工信部平台")[1][0][1] == "alias-normalized"
    value, issues = parse("source", '国务院"互联网+督查"')
    assert value == "国务院“互联网+督查”" and issues[0][1] == "text-normalized"


def test_integer_as_float() -> None:
    """3.0 read back from a sheet is the integer 3; 3.5 is not a 序号."""
    assert parse("seq", 3.0) == (3, ())
    assert parse("seq", 3.5)[1][0][1] == "bad-integer"


def test_case_number_stored_as_number_is_error() -> None:
    """问题编号 typed as a number may have lost digits: an error, value kept as digits."""
    value, issues = parse("case_no", 1.2345678901234568e17)
    assert value == "123456789012346000"
    assert issues[0][:2] == ("error", "stored-as-number")


def test_credit_code_lowercase_normalized() -> None:
    """A code typed in lower case, with a hyphen or in full width is normalized with a notice
    that says which (capitals and hyphens, or the width of characters), then checked."""
    from stdnum.cn.uscc import calc_check_digit

    from ledgercli.model.text import nfkc

    code = "91500222MA5U12345" + calc_check_digit("91500222MA5U12345")
    for typed, rule in (
        (" " + code.lower(), "code-normalized"),
        (code[:8] + "-" + code[8:], "code-normalized"),
        ("".join(chr(ord(c) + 0xFEE0) for c in code), "text-normalized"),
    ):
        assert nfkc(typed).strip().upper().replace("-", "") == code
        value, issues = parse("debtor_code", typed)
        assert value == code and [i[1] for i in issues] == [rule], typed


def test_credit_code_in_scientific_notation() -> None:
    """A CSV saved by Excel holds 9.15002E+17 for a code stored as a number: the digits are
    gone, which is what the message says (not '11 characters')."""
    value, issues = parse("debtor_code", "9.15002E+17")
    assert [i[:2] for i in issues] == [("error", "stored-as-number")]


def test_check_character_equals_stdnum() -> None:
    """The direct GB 32100 sum gives stdnum's check character for every body."""
    import random

    from stdnum.cn.uscc import calc_check_digit

    from ledgercli.read.cells import USCC_ALPHABET, uscc_check_char

    rng = random.Random(3)
    for _ in range(5000):
        body = "".join(rng.choice(USCC_ALPHABET) for _ in range(17))
        assert uscc_check_char(body) == calc_check_digit(body), body


@pytest.mark.parametrize(
    ("raw", "date", "rules"),
    [
        ("2022-04-08", dt.date(2022, 4, 8), []),
        ("2022/4/8", dt.date(2022, 4, 8), ["date-normalized"]),
        ("2022年4月8日", dt.date(2022, 4, 8), ["date-normalized"]),
        ("20220408", dt.date(2022, 4, 8), ["date-normalized"]),
        (dt.datetime(2022, 4, 8, 0, 0), dt.date(2022, 4, 8), []),
        ("2022-07-01", dt.date(2022, 7, 1), ["date-in-future"]),
    ],
)
def test_dates(raw: object, date: dt.date, rules: list[str]) -> None:
    """Wuhan dates: every spelling read, a date after today is an error (today = 2022-06-01)."""
    value, issues = parse("accepted", raw, WUHAN)
    assert value == date
    assert [i[1] for i in issues] == rules


def test_amount_in_another_unit_says_what_it_is_in_wan() -> None:
    """1200000元 and 1.5亿元 are not read as 万元 figures, but the error converts them."""
    from ledgercli.model.i18n import message

    for typed, wan in (("1200000元", "120.0000"), ("1.5亿元", "15000.0000"), ("3,000元", "0.3000")):
        value, issues = parse("owed", typed)
        assert value is None and [i[:2] for i in issues] == [("error", "amount-other-unit")]
        assert issues[0][2]["wan"] == wan, typed
    assert message("amount-other-unit", "zh", value="1200000元", unit="元", wan="120.0000") == (
        "“1200000元”以元为单位，本表金额以万元计：应填120.0000"
    )
    assert parse("owed", "12.5万元")[0] == Decimal("12.5")
    assert [i[1] for i in parse("owed", "十万")[1]] == ["bad-number"]


def test_code_that_lost_its_digits_is_named() -> None:
    """915002220058243000 (a code once stored as a number, carried on as text) is not just a
    wrong check character: the message says what happened to it."""
    value, issues = parse("debtor_code", "915002220058243000")
    assert [i[1] for i in issues] == ["credit-code-lost-digits"]
    value, issues = parse("debtor_code", "915002220058243001")
    assert [i[1] for i in issues] == ["credit-code-check"]


def test_absurd_amounts_are_not_numbers_not_crashes() -> None:
    """1e30 (typed, or as a cell number) and 1e30元 are errors of their cell; before, rounding
    them to 0.0001 overflowed Decimal's precision and the whole file became unreadable."""
    for raw in ("1e30", 1e30, "1e30元", "1e25亿元", "100000000000000000"):
        value, issues = parse("owed", raw)
        assert value is None and [i[:2] for i in issues] == [("error", "bad-number")], raw
    assert parse("owed", 99999999999999.0)[0] == Decimal("99999999999999")


@pytest.mark.parametrize("form", [ANNEX2, WUHAN], ids=lambda f: f.id)
def test_a_zero_written_minus_reads_as_zero(form) -> None:  # type: ignore[no-untyped-def]
    """-0.0 (a sheet may hold `<v>-0</v>`) equals 0.0 as a key, so a column parses whichever
    of the two it meets first for both: each must read as 0.0 does (Excel shows both as 0),
    or a column's values and findings would depend on the order of its cells, and a column
    parsed a piece at a time (check/validate.py) would differ from the column parsed whole."""
    for spec in form.columns:
        zero, minus = ColumnParser(spec, form, TODAY), ColumnParser(spec, form, TODAY)
        assert repr(minus.parse(-0.0)) == repr(zero.parse(0.0)), spec.key
        filler = [float(i + 2) for i in range(30)]
        whole = ColumnParser(spec, form, TODAY).parse_column([0.0, *filler, -0.0])
        alone = ColumnParser(spec, form, TODAY).parse_column([*filler, -0.0])
        assert repr(alone.values[-1]) == repr(whole.values[-1]), spec.key
        last_alone, last_whole = dict(alone.issues).get(30), dict(whole.issues).get(31)
        assert repr(last_alone) == repr(last_whole), spec.key
