"""A merged city workbook read by columns in pieces (splitread.parse_pieces) gives exactly what
reading it whole gives: the same rows, every column's values, types and nulls; and whatever the
whole read cannot read by columns, the pieces cannot either. The safety scan runs over the
pieces as they are cut: nothing reaches a parser before the scan has covered it."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from ledgercli.check import validate as validate_mod
from ledgercli.check.validate import forms_for, validate_file
from ledgercli.model.errors import UnreadableFile
from ledgercli.model.options import Options
from ledgercli.read import columnar, sheetscan, splitread
from ledgercli.read.table import HEADER_SCAN_ROWS, locate
from ledgercli.read.workbook import open_book
from ledgercli.summary.figures import input_columns

SHEET = "xl/worksheets/sheet1.xml"
WHOLE = 1 << 40  # a piece size no sheet reaches: read whole
# Small pieces, so that a sheet of 140 rows (214 KB of XML) is cut many times, and anywhere.
SIZES = (7_000, 23_456, 60_000)


def _rewrite(src: Path, dst: Path, change: Callable[[str], str]) -> Path:
    """A copy of a workbook with its first sheet's XML changed."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == SHEET:
                data = change(data.decode()).encode()
            zout.writestr(item, data)
    return dst


def _shared(src: Path, dst: Path, change: Callable[[list[list[Any]]], None]) -> Path:
    """The workbook's values, `change`d, written again with shared strings (xlsxwriter's
    default; openpyxl 3.1 writes inline strings, as merge does)."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(dst))
    for ws in openpyxl.load_workbook(src).worksheets:
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        if ws.title == "明细":
            change(rows)
        out = book.add_worksheet(ws.title)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None:
                    out.write(r, c, value)
    book.close()
    return dst


def _header(path: Path) -> list[str]:
    return [c.value for c in openpyxl.load_workbook(path, read_only=True)["明细"][1]]


def _column(path: Path, name: str) -> int:
    return _header(path).index(name)


def _read(
    path: Path, piece_bytes: int, workers: int = 1, remaining: bool = False, scanned: bool = False
) -> Any:
    """read_columns of every column of the 明细 sheet (amounts as numbers, the rest as text),
    in pieces of `piece_bytes` or whole. 剩余金额 is a number only with `remaining`: a sample
    holds #REF! there, in row 119."""
    book = open_book(path)
    if scanned:  # scanned already: the pieces are not scanned again
        book.check_sheet("明细")
    heads = columnar.head_book(book, HEADER_SCAN_ROWS)
    assert heads is not None
    loc = locate(heads, forms_for(Options()), None, collect=False)
    header = next(cells for r, cells in loc.sheet.rows if r == loc.header_row)
    indices = list(range(len(header)))
    kind = {j: loc.form.by_key[key].kind for key, j in loc.columns.items()}
    numbers = {j for j, k in kind.items() if k == "amount"} | {loc.extras["source_row"]}
    if not remaining:
        numbers.discard(loc.columns["remaining"])
    # Text as found (strictly typed); the numbers, months and other columns as text, whatever
    # they hold (as summarize reads its first four columns).
    text = {j for j, k in kind.items() if k in ("text", "enum", "credit_code", "phone")}
    text |= {j for key, j in loc.extras.items() if key in ("source_file", "status")}
    return columnar.read_columns(
        book,
        loc.sheet,
        loc.header_row,
        indices,
        numbers,
        text | numbers,
        workers=workers,
        piece_bytes=piece_bytes,
    )


@contextmanager
def counting_pieces() -> Iterator[list[int]]:
    """How many pieces each read in pieces parsed (none: the sheet was read whole)."""
    counts: list[int] = []
    real = splitread.parse_pieces

    def spy(*args: Any, **kwargs: Any) -> Any:
        pieces = real(*args, **kwargs)
        counts.append(0 if pieces is None else len(pieces))
        return pieces

    splitread.parse_pieces = spy  # type: ignore[assignment]
    try:
        yield counts
    finally:
        splitread.parse_pieces = real  # type: ignore[assignment]


def assert_pieces_equal_whole(
    path: Path, sizes: tuple[int, ...] = SIZES, remaining: bool = False
) -> Any:
    """Read in pieces at every size (on one worker and two), each time really cut, and equal
    to the whole read: rows, and each column's type and values, nulls included."""
    whole = _read(path, WHOLE, remaining=remaining)
    for size in sizes:
        for workers, scanned in ((1, False), (2, False), (2, True)):
            with counting_pieces() as counts:
                pieces = _read(path, size, workers, remaining, scanned)
            assert counts and counts[0] > 1, (size, counts)
            if whole is None:
                assert pieces is None, size
                continue
            assert pieces is not None, size
            assert pieces[0] == whole[0], size
            assert pieces[1].keys() == whole[1].keys()
            for j, column in whole[1].items():
                got = pieces[1][j]
                assert got.type == column.type, (size, j, got.type, column.type)
                assert got.to_pylist() == column.to_pylist(), (size, j)
                assert got.null_count == column.null_count, (size, j)
    return whole


def test_merged_workbook_in_pieces(city: Path) -> None:
    whole = assert_pieces_equal_whole(city)
    assert whole is not None and len(whole[0]) == 139


def test_error_value_in_a_late_piece(city: Path) -> None:
    """#REF! in an amount column, row 119: in a late piece, read neither way."""
    assert assert_pieces_equal_whole(city, remaining=True) is None


def test_column_empty_in_some_pieces(city: Path, tmp_path: Path) -> None:
    """A column emptied in the middle rows (a piece holds none of it: all null there, or left
    out by the reader), one filled only at the end (null in the first pieces), and one empty
    in every row but the first."""
    wb = openpyxl.load_workbook(city)
    ws = wb["明细"]
    note = _column(city, "债务人联系人") + 1
    late = _column(city, "债权人联系人") + 1
    once = _column(city, "隶属关系") + 1
    for r in range(2, ws.max_row + 1):
        if 30 < r < 120:
            ws.cell(r, note).value = None
        if r < 125:
            ws.cell(r, late).value = None
        if r > 2:
            ws.cell(r, once).value = None
    path = tmp_path / "holes.xlsx"
    wb.save(path)
    whole = assert_pieces_equal_whole(path)
    assert whole is not None
    assert whole[1][late - 1].null_count == 123


def test_shared_strings_title_and_total_rows(city: Path, tmp_path: Path) -> None:
    """Resaved by openpyxl (shared strings, cells with styles), with a title above the header,
    a 合计 row and the 填写说明 under the table."""
    last = 140

    def change(rows: list[list[Any]]) -> None:
        width = len(rows[0])
        rows[:0] = [[None] * width, [None, None, "全市拖欠中小企业账款明细"]]
        rows.append([None, "合计"] + [None] * 15 + [123.0])
        rows.append(["填写说明：金额单位为万元"])

    path = _shared(city, tmp_path / "shared.xlsx", change)
    assert "xl/sharedStrings.xml" in zipfile.ZipFile(path).namelist()
    # Pieces at least twice the shared strings: small ones here, to cut this small sheet.
    whole = assert_pieces_equal_whole(path, (9_000, 30_000))
    assert whole is not None and whole[0][0] == 4 and whole[0][-1] == last + 4


def test_summary_in_pieces_equals_row_by_row(city: Path, tmp_path: Path, monkeypatch: Any) -> None:
    """What summarize reads (findings and ledger) in pieces equals the row-by-row read, with
    the 合计 row and the notes below the table left out as the ordinary reader leaves them."""
    wb = openpyxl.load_workbook(city)
    ws = wb["明细"]
    last = ws.max_row
    ws.cell(last + 1, 2, "合计")
    ws.cell(last + 1, 18, 123.0)
    ws.cell(last + 2, 1, "填写说明：金额单位为万元")
    path = tmp_path / "total.xlsx"
    wb.save(path)
    options = Options(summary_columns=input_columns(None))
    with monkeypatch.context() as m:
        m.setattr(columnar, "locate_merged", lambda *args: None)
        rows_report, by_rows = validate_file(path, options)
    monkeypatch.setattr(splitread, "PIECE_BYTES", 9_000)

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("read row by row, not by columns")

    with counting_pieces() as counts, monkeypatch.context() as m:
        m.setattr(validate_mod, "locate", refuse)
        report, in_pieces = validate_file(path, options)
    assert counts and counts[0] > 3
    assert report.to_json("en") == rows_report.to_json("en")
    assert by_rows is not None and in_pieces is not None
    assert in_pieces.rows == by_rows.rows and in_pieces.rows[-1] == last
    assert in_pieces.values == by_rows.values
    assert in_pieces.errors == by_rows.errors
    assert in_pieces.extras == {k: by_rows.extras[k] for k in in_pieces.extras}
    assert any(f.rule == "total-row-skipped" for f in report.findings)
    # And what the columns read whole give, provenance included.
    monkeypatch.setattr(splitread, "PIECE_BYTES", WHOLE)
    whole_report, whole = validate_file(path, options)
    assert whole is not None and report.to_json("en") == whole_report.to_json("en")
    assert (in_pieces.rows, in_pieces.values, in_pieces.raw, in_pieces.extras) == (
        whole.rows,
        whole.values,
        whole.raw,
        whole.extras,
    )


def _row_xml(xml: str, r: int) -> str:
    m = re.search(rf'<row r="{r}"[ >].*?</row>', xml)
    assert m is not None
    return m.group(0)


def test_rows_out_of_order_are_read_whole(city: Path, tmp_path: Path) -> None:
    """A row written after later rows (Excel never does; calamine reads it in its place): no
    piece may hold it away from its place, so the sheet is read whole, and gives the same."""

    def move(xml: str) -> str:
        row = _row_xml(xml, 20)
        return xml.replace(row, "").replace("</sheetData>", row + "</sheetData>")

    path = _rewrite(city, tmp_path / "late.xlsx", move)
    whole = _read(path, WHOLE)
    assert whole is not None and whole[0] == list(range(2, 141))
    for size in SIZES:
        got = _read(path, size)
        assert got is not None and got[0] == whole[0]
        assert all(got[1][j].to_pylist() == c.to_pylist() for j, c in whole[1].items())


@pytest.mark.parametrize(("holder", "placed"), [(130, 100), (100, 130), (60, 2), (3, 139)])
def test_cell_placed_away_from_its_row(
    city: Path, tmp_path: Path, holder: int, placed: int
) -> None:
    """A cell whose reference puts it rows above or below the row holding it (calamine places
    it by its reference, into another row's empty cell): a piece holding it does not begin
    with its marker row, or ends past the next piece's first row, and the sheet is read
    whole."""
    column = "J"  # 债务人联系人: empty in the row the cell is moved to

    def move(xml: str) -> str:
        old = _row_xml(xml, placed)
        emptied = re.sub(rf'<c r="{column}{placed}"[^>]*?(/>|>.*?</c>)', "", old, count=1)
        xml = xml.replace(old, emptied)
        row = _row_xml(xml, holder)
        cell = f'<c r="{column}{placed}" t="inlineStr"><is><t>搬来的</t></is></c>'
        return xml.replace(row, row.replace("</row>", cell + "</row>"))

    path = _rewrite(city, tmp_path / "moved.xlsx", move)
    whole = _read(path, WHOLE)
    assert whole is not None
    assert whole[1][9][whole[0].index(placed)].as_py() == "搬来的"
    for size in SIZES:
        got = _read(path, size)
        assert got is not None and got[0] == whole[0]
        assert all(got[1][j].to_pylist() == c.to_pylist() for j, c in whole[1].items())


def test_blank_rows_anywhere_fall_back(city: Path, tmp_path: Path) -> None:
    """Rows with no cells in the middle (at whatever cut), or rows holding nothing read: the
    whole read cannot read by columns, nor can the pieces."""

    def blank(xml: str) -> str:
        for r in (40, 41, 90):
            row = _row_xml(xml, r)
            xml = xml.replace(row, f'<row r="{r}"></row>')
        return xml

    path = _rewrite(city, tmp_path / "blank.xlsx", blank)
    assert _read(path, WHOLE) is None
    assert_pieces_equal_whole(path, tuple(range(5_000, 40_000, 3_100)))


def test_text_in_an_amount_of_a_late_piece(city: Path, tmp_path: Path) -> None:
    """An amount typed as text far down the sheet: neither read says what it holds."""
    owed = _column(city, "拖欠金额")
    letter = openpyxl.utils.get_column_letter(owed + 1)

    def typed(xml: str) -> str:
        row = _row_xml(xml, 135)
        cell = re.search(rf'<c r="{letter}135"[^>]*>.*?</c>', row)
        assert cell is not None
        text = f'<c r="{letter}135" t="inlineStr"><is><t>12.5万</t></is></c>'
        return xml.replace(row, row.replace(cell.group(0), text))

    path = _rewrite(city, tmp_path / "typed.xlsx", typed)
    assert _read(path, WHOLE) is None
    assert_pieces_equal_whole(path)


def test_far_cell_never_reaches_a_parser(city: Path, tmp_path: Path, monkeypatch: Any) -> None:
    """A stray value at XFD1048576 in the last rows: the scan sees it before the piece holding
    it is made, no parser is given it, and the file is refused naming the cell."""
    cell = '<c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c>'
    path = _rewrite(
        city,
        tmp_path / "far.xlsx",
        lambda x: x.replace("</row></sheetData>", cell + "</row></sheetData>"),
    )
    made: list[bytes] = []
    real = splitread._zip

    def spy(keep: Any, raw: Any, part: str, pieces: tuple[Any, ...]) -> bytes:
        made.append(b"".join(bytes(p) for p in pieces))
        return real(keep, raw, part, pieces)

    monkeypatch.setattr(splitread, "_zip", spy)
    with counting_pieces() as counts:
        assert _read(path, 20_000) is None
    assert counts == [0] and made and not any(b"XFD1048576" in m for m in made)
    book = open_book(path)
    forms = forms_for(Options())
    assert columnar.locate_merged(book, forms, None, input_columns(None)) is None
    monkeypatch.setattr(splitread, "PIECE_BYTES", 20_000)
    fr, _ = validate_file(path, Options(summary_columns=input_columns(None)))
    assert not fr.readable and fr.findings[0].rule == "far-cell"
    assert "XFD1048576" in fr.findings[0].message("en")


def test_formula_in_a_late_piece_is_found(city: Path, tmp_path: Path, monkeypatch: Any) -> None:
    """A formula without a result far down the sheet: the pieces' scan notices it, and the
    error cells are searched for, as for the whole read."""
    letter = openpyxl.utils.get_column_letter(_column(city, "合同名称") + 1)

    def formula(xml: str) -> str:
        row = _row_xml(xml, 133)
        cell = re.search(rf'<c r="{letter}133"[^>]*>.*?</c>', row)
        assert cell is not None
        return xml.replace(row, row.replace(cell.group(0), f'<c r="{letter}133"><f>A1</f></c>'))

    path = _rewrite(city, tmp_path / "formula.xlsx", formula)
    options = Options(summary_columns=input_columns(None))
    whole, _ = validate_file(path, options)
    monkeypatch.setattr(splitread, "PIECE_BYTES", 20_000)
    with counting_pieces() as counts:
        pieces, _ = validate_file(path, options)
    assert counts and counts[0] > 3
    assert pieces.to_json("en") == whole.to_json("en")
    assert any(f.rule == "formula-no-value" and f.row == 133 for f in pieces.findings)


def test_pieces_scan_equals_the_scan(city: Path, tmp_path: Path) -> None:
    """The scan the pieces feed says what scan_sheet says of the sheet (its facts recorded for
    the book), and the sheet's part is inflated once."""
    book = open_book(city)
    inflated: list[str] = []
    real = book.archive.chunks  # type: ignore[union-attr]

    def chunks(name: str) -> Any:
        inflated.append(name)
        return real(name)

    book.archive.chunks = chunks  # type: ignore[union-attr,method-assign]
    heads = columnar.head_book(book, HEADER_SCAN_ROWS)
    assert heads is not None
    loc = locate(heads, forms_for(Options()), None, collect=False)
    got = columnar.read_columns(
        book, loc.sheet, loc.header_row, [0, 1], set(), {1}, piece_bytes=9_000
    )
    assert got is not None and inflated.count(SHEET) == 1
    facts = book.scanned("明细")
    assert facts == sheetscan.scan_sheet(open_book(city).archive, SHEET, "明细")  # type: ignore[arg-type]


def test_a_namespace_prefix_is_read_whole(city: Path, tmp_path: Path) -> None:
    """<x:row> (some .NET writers): the scan hands the sheet to its exact pass, and the
    pieces are not made; the whole read decides."""

    def prefix(xml: str) -> str:
        xml = re.sub(r"<(/?)([A-Za-z]\w*)([\s>/])", r"<\1x:\2\3", xml)
        main = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
        return xml.replace(main, main.replace("xmlns=", "xmlns:x="), 1)

    path = _rewrite(city, tmp_path / "x.xlsx", prefix)
    with counting_pieces() as counts:
        got = _read(path, 20_000)
    assert counts == [0]
    assert (got is None) == (_read(path, WHOLE) is None)


@pytest.mark.parametrize(
    "text", ['<!-- <row r="71"><c r="A71"><v>1</v></c></row> -->', '<?pi <row r="71"> ?>']
)
def test_comments_among_the_rows_are_read_whole(city: Path, tmp_path: Path, text: str) -> None:
    """A comment or instruction among the rows (a <row> tag inside it is not one): no cut is
    made anywhere in such a sheet; the whole read decides."""
    path = _rewrite(
        city, tmp_path / "comment.xlsx", lambda x: x.replace('<row r="70"', text + '<row r="70"')
    )
    whole = _read(path, WHOLE)
    for size in SIZES:
        with counting_pieces() as counts:
            got = _read(path, size)
        assert counts == [0]
        assert (got is None) == (whole is None)
        if whole is not None and got is not None:
            assert got[0] == whole[0]


def test_markup_found_across_a_boundary() -> None:
    """The search for comments and instructions resumes where the last one stopped: a `<`
    at the end of what was searched and its `!` in what follows are one."""
    assert splitread._markup(b"<c>1</c><!-- x -->", 0)
    assert splitread._markup(b"<c>1</c><!-- x -->", 9)  # the `<` before, the `!` after
    assert not splitread._markup(b"<c>1</c><!-- x -->", 10)
    assert splitread._markup(b"<?pi x?>", 0) and not splitread._markup(b"<t>ok?!</t>", 0)


def test_a_truncated_part_is_unreadable(city: Path, tmp_path: Path) -> None:
    """A sheet whose compressed bytes are damaged past the first pieces: the read in pieces
    gives nothing, and the ordinary reader says what is wrong."""
    data = bytearray(city.read_bytes())
    info = zipfile.ZipFile(city).getinfo(SHEET)
    at = info.header_offset + 30 + len(info.filename) + info.compress_size - 200
    data[at : at + 50] = bytes(50)
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(bytes(data))
    assert _read(path, 20_000) is None
    with pytest.raises(UnreadableFile):
        open_book(path).check_sheet("明细")


# --- what the read leaves in memory --------------------------------------------------------


@pytest.mark.parametrize(
    "values",
    [
        ["甲", "乙", "甲", None, "", "甲", None],
        [f"合同{i}" for i in range(5000)],  # all different: converted cell by cell
        [1.5, -0.0, 0.0, None, 1.5, float("nan"), 0.0],
        [None, None],
        [],
    ],
)
def test_python_lists_equal_plain_conversion(values: list[Any]) -> None:
    """_python's lists, equal values sharing one object, equal the plain conversion (an empty
    cell as ""), 0.0 and -0.0 kept apart; for arrays and for columns in pieces."""
    import math

    import pyarrow as pa

    def same(a: list[Any], b: list[Any]) -> bool:
        return len(a) == len(b) and all(
            (isinstance(x, float) and math.isnan(x) and math.isnan(y))
            or (x == y and type(x) is type(y) and str(x) == str(y))
            for x, y in zip(a, b, strict=True)
        )

    array = pa.array(values, pa.string() if values and isinstance(values[0], str) else None)
    plain = ["" if v is None else v for v in values]
    chunked = pa.chunked_array([array.slice(0, 3), array.slice(3)], array.type)
    for column in (array, chunked):
        for repeating in (False, True):
            got = columnar._python(column, repeating)
            assert same(got, plain), (column, repeating)
    shared = columnar._python(chunked, True)
    if len(values) > 5 and values[0] == values[2]:
        assert shared[0] is shared[2]


def test_book_is_freed_once_read(city: Path, monkeypatch: Any) -> None:
    """A summary's read leaves no cycle holding the book (and so the file's bytes): it is
    freed as soon as validate is done with it, not when the collector next runs."""
    import gc
    import sys
    import weakref

    books: list[Any] = []
    data: list[bytes] = []
    real = validate_mod.open_book

    def spy(*args: Any, **kwargs: Any) -> Any:
        book = real(*args, **kwargs)
        books.append(weakref.ref(book))
        data.append(book.data)
        return book

    monkeypatch.setattr(validate_mod, "open_book", spy)
    monkeypatch.setattr(splitread, "PIECE_BYTES", 20_000)
    gc.disable()
    try:
        fr, ledger = validate_file(city, Options(summary_columns=input_columns(None)))
        assert fr.readable and ledger is not None
        assert len(books) == 1 and books[0]() is None
        # Nor anything else holding its bytes (iterparse's iterator sits in a cycle).
        assert sys.getrefcount(data.pop()) == 2  # this call's own references only
        fr, ledger = validate_file(city, Options())  # row by row, too
        assert fr.readable and len(books) == 2 and books[1]() is None
    finally:
        gc.enable()


def test_released_reader_reads_again(city: Path) -> None:
    """A book whose calamine reader was let go of (the columnar read does) still reads any
    sheet, the same."""
    book = open_book(city)
    before = {name: open_book(city).sheet(name).rows for name in book.sheet_names}
    book.release_reader()
    assert {name: book.sheet(name).rows for name in book.sheet_names} == before


def test_reading_by_columns_does_not_import_pandas(city: Path, tmp_path: Path) -> None:
    """pyarrow imports pandas (0.2 s) when a Python value is converted to Arrow: the read by
    columns, in pieces, and the lists made of it convert none."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from ledgercli.read import splitread\n"
        "splitread.PIECE_BYTES = 20_000\n"
        "from ledgercli.check.validate import validate_file\n"
        "from ledgercli.model.options import Options\n"
        "from ledgercli.summary.figures import input_columns\n"
        "options = Options(summary_columns=input_columns(None))\n"
        f"fr, ledger = validate_file(Path({str(city)!r}), options)\n"
        "print(fr.rows, 'pandas' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.split() == ["139", "False"], out.stderr
