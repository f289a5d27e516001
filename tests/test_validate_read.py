"""How validate reads a submission: what it leaves behind, and shortcuts held to the plain path."""

from __future__ import annotations

import datetime as dt
import gc
import random
import weakref
from pathlib import Path
from typing import Any

import pytest

from helpers import ANNEX2_HEADERS, annex2_row, write_annex2
from ledgercli.check import validate
from ledgercli.check.validate import _transpose, validate_file
from ledgercli.model.forms import get_form
from ledgercli.model.options import Options
from ledgercli.read import splitread, workbook
from ledgercli.read.cells import ColumnParser, _cn_metadata, _cn_valid
from ledgercli.read.workbook import open_book
from test_fast_paths import cells, one_by_one

ANNEX2 = get_form("cq-annex2")


def test_a_read_book_goes_with_its_last_reference(tmp_path: Path, monkeypatch: Any) -> None:
    """With the collector paused while a file is validated (run/collector.py), a cycle would
    keep every row of the file alive after it, for the collector to walk and free once the
    pause ends: the book (and its rows) must go by reference counting alone."""
    path = write_annex2(
        tmp_path / "a.xlsx", [annex2_row(序号=i, 合同名称=f"合同{i}") for i in range(1, 30)]
    )
    books: list[Any] = []
    real = workbook.open_book

    def spy(*args: Any, **kwargs: Any) -> Any:
        book = real(*args, **kwargs)
        books.append(weakref.ref(book))
        return book

    monkeypatch.setattr(validate, "open_book", spy)
    gc.disable()
    try:
        fr, ledger = validate_file(path, Options())
        assert fr.rows == 29 and ledger is not None
        assert books and books[0]() is None
    finally:
        gc.enable()


@pytest.mark.parametrize("width", [1, 3, 8, 28])
def test_columns_are_the_rows_transposed(width: int) -> None:
    rng = random.Random(width)
    grid = [[rng.choice(["", "a", 1.0, None, True, i]) for _ in range(width)] for i in range(57)]
    plain = list(zip(*grid, strict=True))
    for wanted in ([], [0], list(range(width)), sorted(rng.sample(range(width), width // 2))):
        columns = _transpose(grid, wanted, width)
        assert len(columns) == width
        for j in range(width):
            assert list(columns[j]) == (list(plain[j]) if j in wanted else [])
    assert _transpose([], [0], width) == [()] * width


def test_csv_rows_stopping_short_of_the_header(tmp_path: Path) -> None:
    """Rows whose last fields are left out (no trailing commas) are blank there, as a row
    shorter than the others always was; every row short once made an internal error."""
    path = tmp_path / "short.csv"
    row = annex2_row()
    cut = ANNEX2_HEADERS.index("拖欠金额") + 1
    lines = [",".join(ANNEX2_HEADERS)]
    for i in (1, 2):
        cells = [row[h] for h in ANNEX2_HEADERS[:cut]]
        cells[ANNEX2_HEADERS.index("合同名称")] = f"合同{i}"
        lines.append(",".join("" if c is None else str(c) for c in cells))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    fr, ledger = validate_file(path, Options())
    assert fr.readable and fr.rows == 2 and ledger is not None
    assert not [f for f in fr.findings if f.rule == "internal-error"]
    assert ledger.raw["remaining"] == ["", ""]
    assert "欠款类型" in {f.header for f in fr.findings if f.rule == "required"}


@pytest.mark.parametrize("min_bytes", [0, None])
def test_the_loader_keeps_nothing_after_a_read(
    tmp_path: Path, monkeypatch: Any, min_bytes: int | None
) -> None:
    """Read in pieces as it is scanned (0), or whole after its scan (None: too small to cut):
    either way the part is inflated once, not held after the read, and the rows are the
    same."""
    path = write_annex2(
        tmp_path / "a.xlsx", [annex2_row(序号=i, 合同名称=f"合同{i}") for i in range(1, 300)]
    )
    whole = open_book(path).sheet("附件2")
    book = open_book(path)
    assert book.archive is not None
    part = book.parts["附件2"]
    inflated: list[str] = []
    real = book.archive.chunks

    def counted(name: str) -> Any:
        inflated.append(name)
        return real(name)

    monkeypatch.setattr(book.archive, "chunks", counted)
    if min_bytes is not None:
        monkeypatch.setattr(splitread, "MIN_BYTES", min_bytes)
        monkeypatch.setattr(splitread, "STREAM_FLOOR", 1024)
    with splitread.enabled(True):
        sheet = book.sheet("附件2", partial=True)
        assert (sheet.rest is not None) == (min_bytes == 0)
        sheet = book.sheet("附件2")
    assert inflated.count(part) == 1
    assert sheet.rows == whole.rows
    assert book.scanned("附件2") is not None  # what the scan found is kept


@pytest.mark.parametrize("form_id", ["cq-annex2", "wh-ledger"])
@pytest.mark.parametrize("bools", [False, True])
def test_a_column_of_few_values_parses_as_each_cell(form_id: str, bools: bool) -> None:
    """Few distinct values, many times over: each cell stands for the first equal to it
    (1 and 1.0 and True among them), and every row still reads as parsing it alone."""
    form = get_form(form_id)
    rng = random.Random(3)
    pool = [c for c in cells(5, 400) if bools or type(c) is not bool]
    for spec in form.columns:
        few = rng.sample(pool, 12) + [1, 1.0, "1"] + ([True] if bools else [])
        column = [copy_of(rng.choice(few)) for _ in range(2500)]
        parser = ColumnParser(spec, form, dt.date(2022, 6, 1))
        got = parser.parse_column(column)
        assert (got.values, got.issues, got.blanks) == one_by_one(parser, column), spec.key
        assert [type(v) for v in got.values] == [type(v) for v in one_by_one(parser, column)[0]]


def copy_of(cell: Any) -> Any:
    """An equal cell that is another object, as calamine makes one a cell."""
    return (cell + "x")[:-1] if isinstance(cell, str) else cell


@pytest.mark.parametrize("key", ["seq", "source", "debt_type", "due_month", "disputed"])
def test_a_clean_column_parses_as_each_cell(key: str) -> None:
    """序号 all whole numbers, an enum or a month all written as the form has them: the
    column's values are its cells (or their ints) without looking each up."""
    spec = ANNEX2.by_key[key]
    parser = ColumnParser(spec, ANNEX2, dt.date(2022, 6, 1))
    rng = random.Random(7)
    if spec.kind == "integer":
        column: list[Any] = [float(rng.randint(-5, 10**7)) for _ in range(3000)] + [-0.0]
    elif spec.kind == "month":
        column = [copy_of(f"20{rng.randint(10, 29)}-{rng.randint(1, 12):02d}") for _ in range(3000)]
    else:
        column = [copy_of(rng.choice(spec.all_values)) for _ in range(3000)]
    got = parser.parse_column(column)
    assert (got.values, got.issues, got.blanks) == one_by_one(parser, column)
    assert [type(v) for v in got.values] == [type(v) for v in one_by_one(parser, column)[0]]
    assert not got.issues


def test_one_phone_pattern_a_length_equals_each_description() -> None:
    """`_cn_valid` (one pattern of every description allowing the length) equals testing the
    general description and then each number type, lengths first, as phonenumbers does."""
    general, types = _cn_metadata()

    def each(national: str) -> bool:
        def fits(d: Any) -> bool:
            return (not d.lengths or len(national) in d.lengths) and bool(
                d.pattern.fullmatch(national)
            )

        return fits(general) and any(fits(t) for t in types)

    rng = random.Random(11)
    cases = [str(rng.randint(10 ** (n - 1), 10**n - 1)) for n in range(1, 18) for _ in range(400)]
    cases += [f"{a}{rng.randint(10**6, 10**8 - 1)}" for a in range(10, 1000) for _ in range(3)]
    cases += [f"1{b:03d}{rng.randint(0, 10**7 - 1):07d}" for b in range(1000)]
    assert [_cn_valid(c) for c in cases] == [each(c) for c in cases]
    assert sum(map(_cn_valid, cases)) > 1000  # valid ones of several lengths among them


def test_true_after_an_equal_number_is_read_as_true() -> None:
    """TRUE == 1 == 1.0 as a key: a TRUE below a 1 was once read as the 1 above it."""
    spec = ANNEX2.by_key["source"]
    parser = ColumnParser(spec, ANNEX2, dt.date(2022, 6, 1))
    column: list[Any] = [1.0, True, "自行排查", 0.0, False]
    got = parser.parse_column(column)
    assert [iss[0][2]["value"] for _, iss in got.issues] == ["1", "True", "0", "False"]
    assert (got.values, got.issues, got.blanks) == one_by_one(parser, column)


def _plain_rules(values: dict[str, list[Any]]) -> dict[str, list[tuple[int, dict[str, Any]]]]:
    """The amount and party rules as they were written, one Python step a row."""
    from decimal import Decimal

    from ledgercli.check.rules import exceeds, q, same
    from ledgercli.model.numbers import plain as fmt

    zero = Decimal(0)
    owed, contract = values["owed"], values["contract_amount"]
    cleared, repaid = values["cleared"], values["repaid"]
    rem, agreed, judicial = values["remaining"], values["agreed"], values["judicial"]
    out: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    out["owed-exceeds-contract"] = [
        (i, {"owed": fmt(o), "contract": fmt(c)})
        for i, (o, c) in enumerate(zip(owed, contract, strict=True))
        if o is not None and c is not None and c > 0 and o > c
    ]
    out["cleared-not-owed"] = [
        (i, {"cleared": fmt(c), "owed": fmt(o)})
        for i, (o, c) in enumerate(zip(owed, cleared, strict=True))
        if o is not None and c and not same(c, o)
    ]
    out["repaid-not-less"] = [
        (i, {"repaid": fmt(r), "owed": fmt(o)})
        for i, (o, r) in enumerate(zip(owed, repaid, strict=True))
        if o is not None and r and not exceeds(o, r)
    ]
    out["remaining-mismatch"] = []
    out["agreement-exceeds-balance"] = []
    for i, (o, m, c, r, a) in enumerate(zip(owed, rem, cleared, repaid, agreed, strict=True)):
        paid = (c or zero) + (r or zero)
        if o is not None and m is not None and not same(m, o - paid):
            out["remaining-mismatch"].append((i, {"expected": fmt(q(o - paid)), "value": fmt(m)}))
        if o is not None and a and exceeds(a, o - paid):
            out["agreement-exceeds-balance"].append(
                (i, {"agreed": fmt(a), "balance": fmt(q(o - paid))})
            )
    out["judicial-exceeds-owed"] = [
        (i, {"judicial": fmt(j), "owed": fmt(o)})
        for i, (o, j) in enumerate(zip(owed, judicial, strict=True))
        if o is not None and isinstance(j, Decimal) and exceeds(j, o)
    ]
    out["debtor-is-creditor"] = [
        (i, {})
        for i, (d, c) in enumerate(zip(values["debtor_code"], values["creditor_code"], strict=True))
        if d and d == c
    ]
    return out


def test_rules_over_the_rows_they_can_find_equal_every_row() -> None:
    """The rules look only at rows that C-level passes leave (an amount filled in, two
    amounts that differ, two equal codes): they find what a step a row finds."""
    from decimal import Decimal

    from ledgercli.check.rules import REGISTRY, Context, _load

    _load()
    rng = random.Random(21)
    amounts: list[Any] = [None, Decimal(0), Decimal("0.0000"), Decimal("-3")]
    amounts += [Decimal(rng.randint(0, 500)) / rng.choice([1, 10, 10000]) for _ in range(40)]
    amounts += [Decimal("5"), Decimal("5.0000"), Decimal("5.00004"), Decimal("4.99996")]
    n = 4000
    values: dict[str, list[Any]] = {
        k: [rng.choice(amounts) for _ in range(n)]
        for k in ("owed", "contract_amount", "cleared", "repaid", "agreed", "judicial")
    }
    # Mostly what a clean ledger holds: 剩余金额 is what is owed, nothing paid.
    values["remaining"] = [rng.choice(amounts) if rng.random() < 0.3 else o for o in values["owed"]]
    for k in ("cleared", "repaid", "agreed"):
        values[k] = [v if rng.random() < 0.2 else None for v in values[k]]
    codes = [None, "", "A", "B", "C"]
    values["debtor_code"] = [rng.choice(codes) for _ in range(n)]
    values["creditor_code"] = [rng.choice(codes) for _ in range(n)]
    want = _plain_rules(values)
    for code, hits in want.items():
        got = list(REGISTRY[code].fn(Context(values)))
        assert got == hits, code
        assert hits, code  # each rule found something here


def test_column_checks_over_distinct_values_equal_every_row() -> None:
    """values-by looks up each distinct pair once, unique first asks whether anything
    repeats: both find what a step a row finds."""
    from ledgercli.check.columns import ColumnContext, unique, values_by

    rng = random.Random(8)
    n = 3000
    by = ANNEX2.by_key["sector"].values_by
    assert by is not None
    natures = [*by.map, "其他性质", None]
    sectors = [*sorted({s for allowed in by.map.values() for s in allowed}), "外星", None]
    values: dict[str, list[Any]] = {
        "nature": [rng.choice(natures) for _ in range(n)],
        "sector": [rng.choice(sectors) for _ in range(n)],
        "case_no": [f"DC{i}" if rng.random() < 0.5 else None for i in range(n)],
    }
    rows = list(range(3, n + 3))

    def plain_values_by(c: ColumnContext) -> list[Any]:
        other = c.values[by.column]
        out = []
        for i, v in enumerate(c.column):
            if v is None or other[i] is None:
                continue
            allowed = by.map.get(other[i])
            if allowed is None:
                out.append(("warning", "value-not-applicable", i, v, other[i]))
            elif v not in allowed:
                out.append(("error", "value-not-allowed-for", i, v, other[i]))
        return out

    cc = ColumnContext(ANNEX2, "sector", values, values["sector"], [], rows)
    got = [(s, code, i, v, p["cond_value"]) for s, code, i, v, p in values_by.run(cc)]
    assert got == plain_values_by(cc) and len(got) > 100
    ok = dict(values, sector=[by.map[o][0] if o in by.map else None for o in values["nature"]])
    assert not list(values_by.run(ColumnContext(ANNEX2, "sector", ok, ok["sector"], [], rows)))

    cases = ColumnContext(ANNEX2, "case_no", values, values["case_no"], [], rows)
    assert not list(unique.run(cases))  # nothing twice
    values["case_no"][2500] = values["case_no"][next(i for i in range(n) if values["case_no"][i])]
    repeats = list(unique.run(cases))
    assert len(repeats) == 1 and repeats[0][2] == 2500
