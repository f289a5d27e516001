"""One big file read in pieces on two cores, checked a piece at a time, gives exactly what
reading it whole gives."""

from __future__ import annotations

import datetime as dt
import json
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from helpers import annex2_row, write_annex2
from ledgercli.check.validate import validate_file
from ledgercli.cli import cli
from ledgercli.model.options import Options
from ledgercli.read import splitread
from ledgercli.read.workbook import open_book


@contextmanager
def split_everything(pieces: int = 6) -> Iterator[None]:
    """The loader's read in pieces, for sheets of any size, cut into about `pieces`."""
    saved = splitread.MIN_BYTES, splitread.STREAM_FLOOR, splitread.STREAM_PIECES
    splitread.MIN_BYTES, splitread.STREAM_FLOOR, splitread.STREAM_PIECES = 0, 256, pieces
    try:
        with splitread.enabled(True):
            yield
    finally:
        splitread.MIN_BYTES, splitread.STREAM_FLOOR, splitread.STREAM_PIECES = saved


def read_in_pieces(path: Path, name: str, pieces: int = 6) -> tuple[Any, int]:
    """The sheet read in pieces, every piece taken as it comes (no whole read to fall back
    on: a piece that cannot be placed fails the test), and how many pieces it came in."""
    with split_everything(pieces):
        book = open_book(path)
        sheet = book.sheet(name, partial=True)
        assert sheet.rest is not None, name  # really read in pieces
        n = 1
        while book.more_rows(sheet) is not None:
            n += 1
    assert sheet.rest is None
    return sheet, n


def assert_same(path: Path, pieces: int = 6, must: bool = True) -> None:
    """Every sheet read in pieces (or, `must=False`, however the loader reads it with pieces
    allowed) equals the whole read: rows, merged ranges, bad cells (error cells, formulas)."""
    for name in open_book(path).sheet_names:
        whole = open_book(path).sheet(name)
        if must:
            split, n = read_in_pieces(path, name, pieces)
            assert n >= 2, name
        else:
            with split_everything(pieces):
                split = open_book(path).sheet(name)
        assert split.rows == whole.rows, name
        assert split.merged == whole.merged, name
        assert split.bad_cells == whole.bad_cells, name


def awkward_book(path: Path, n: int = 400) -> Path:
    """Shared strings, dates, booleans, merged cells (one across the middle), formulas with no
    result and error cells, a blank stretch, a lower part starting two columns in and a last
    row wider than the rest, and a second sheet."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "附件2"
    ws.append(["标题"])
    ws.append(["序号", "名称", "日期", "金额", "是否"])
    for i in range(n // 2):
        ws.append([i + 1, f"名称{i % 37}", dt.date(2022, 1 + i % 12, 1), i * 1.25, i % 2 == 0])
    for _ in range(5):
        ws.append([])
    for i in range(n // 2):
        ws.append([None, None, f"文本{i}", dt.datetime(2021, 5, 6, 7, 8), "#N/A" if i == 3 else i])
    last = ws.max_row + 1
    ws.cell(row=last, column=9, value="备注：最后一行更宽")
    ws.merge_cells(start_row=5, start_column=2, end_row=9, end_column=2)
    middle = ws.max_row // 2
    ws.merge_cells(start_row=middle - 2, start_column=3, end_row=middle + 2, end_column=3)
    ws.cell(row=12, column=4, value="=SUM(D3:D11)")
    ws.cell(row=last - 3, column=5).value = "#DIV/0!"
    ws.cell(row=last - 3, column=5).data_type = "e"
    other = wb.create_sheet("其他")
    for i in range(50):
        other.append([f"x{i}", i])
    wb.save(path)
    return path


@pytest.mark.parametrize("pieces", [2, 5, 40])
def test_awkward_workbook_reads_the_same(tmp_path: Path, pieces: int) -> None:
    """Cuts in many places: through the merged range, the blank stretch, the rows that start
    two columns in, before the wider last row."""
    assert_same(awkward_book(tmp_path / "a.xlsx"), pieces)


def test_samples_and_test_data_read_the_same() -> None:
    """Every workbook the project ships: the district samples, LibreOffice and WPS files."""
    root = Path(__file__).resolve().parents[1]
    paths = sorted((root / "sample_data" / "submissions").glob("*.xlsx"))
    paths += sorted((root / "tests" / "data").glob("*.xlsx"))
    assert len(paths) >= 8
    for path in paths:
        assert_same(path, 4, must=False)


def _rewrite_sheet(src: Path, dst: Path, change: Any) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = change(data)
            zout.writestr(info, data)
    return dst


def test_prefixed_xml_reads_the_same(tmp_path: Path) -> None:
    """A sheet written with a namespace prefix (<x:row>, as some .NET writers do)."""
    src = awkward_book(tmp_path / "a.xlsx")

    def prefix(xml: bytes) -> bytes:
        xml = re.sub(rb"<(/?)([A-Za-z]\w*)([\s>/])", rb"<\1x:\2\3", xml)
        main = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
        return xml.replace(main, main.replace(b"xmlns=", b"xmlns:x="), 1)

    path = _rewrite_sheet(src, tmp_path / "x.xlsx", prefix)
    assert b"<x:row " in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    with split_everything():
        assert open_book(path).sheet("附件2", partial=True).rest is None  # read whole
    assert_same(path, must=False)


def test_rows_without_numbers_are_read_whole(tmp_path: Path) -> None:
    """Rows with no r= attribute are numbered by their order: a later piece would restart at
    row 1, so such a sheet is never cut."""
    src = awkward_book(tmp_path / "a.xlsx")
    path = _rewrite_sheet(
        src, tmp_path / "n.xlsx", lambda xml: re.sub(rb'(<row[^>]*?) r="\d+"', rb"\1", xml)
    )
    with split_everything():
        assert open_book(path).sheet("附件2", partial=True).rest is None
    assert_same(path, must=False)


def test_small_sheets_are_read_whole(tmp_path: Path) -> None:
    path = awkward_book(tmp_path / "a.xlsx")
    with splitread.enabled(True):  # below MIN_BYTES
        assert open_book(path).sheet("附件2", partial=True).rest is None


def test_a_row_out_of_place_is_read_whole(tmp_path: Path) -> None:
    """A row written after later ones (row 3 at the very end): the whole read places it third,
    a piece could not, so the sheet that began in pieces is read whole after all."""
    src = awkward_book(tmp_path / "a.xlsx")

    def move(xml: bytes) -> bytes:
        row = re.search(rb'<row r="3"[^>]*>.*?</row>', xml, re.S)
        assert row is not None
        xml = xml.replace(row.group(0), b"", 1)
        return xml.replace(b"</sheetData>", row.group(0) + b"</sheetData>", 1)

    path = _rewrite_sheet(src, tmp_path / "m.xlsx", move)
    with pytest.raises(splitread.Broken):
        read_in_pieces(path, "附件2")
    assert_same(path, must=False)
    whole = open_book(path).sheet("附件2")
    assert whole.rows[2][0] == 3


def big_ledger(path: Path, n: int = 3000, end: bool = False, merged: bool = False) -> Path:
    """A ledger with clean rows, broken rows all along (so in every piece), duplicates far
    apart, a 合计 row and, with `end`, the 填写说明 under the table; with `merged`, a unit
    merged down a few rows near the end."""
    rows = []
    for i in range(n):
        row = annex2_row(序号=i + 1, 合同名称=f"合同{i}", 债权人联系电话=f"139{i:08d}")
        if i % 97 == 0:
            row["欠款类型"] = "劳务"
        if i % 211 == 0:
            row["债权人联系电话"] = "12345"
        if i % 389 == 0:
            row["拖欠金额（万元）"] = -1
        if i in (3, n // 2 + 1, n - 5):
            row["合同名称"] = "合同同名"
        rows.append(row)
    below: list[list[Any]] = [["合计", None, None, None, None]]
    if end:
        below += [["填写说明：金额单位为万元。"], ["1", "这一行不是数据"]]
    path = write_annex2(path, rows, below=below)
    if merged:
        import openpyxl

        wb = openpyxl.load_workbook(path)
        ws = wb.active
        col = 1 + next(j for j, c in enumerate(ws[2]) if c.value == "街镇部门")
        for r in range(n - 10, n - 5):
            ws.cell(row=r, column=col).value = None
        ws.merge_cells(start_row=n - 11, start_column=col, end_row=n - 5, end_column=col)
        wb.save(path)
    return path


def spy_streams(monkeypatch: Any) -> list[bool]:
    """Whether each sheet the loader was asked for began in pieces."""
    seen: list[bool] = []
    real = splitread.stream_rows

    def spy(*args: Any, **kwargs: Any) -> Any:
        stream = real(*args, **kwargs)
        seen.append(stream is not None)
        return stream

    monkeypatch.setattr(splitread, "stream_rows", spy)
    return seen


def break_on_the_third_piece(monkeypatch: Any) -> list[int]:
    """The third piece of every stream cannot be placed (Broken); the first row of each
    piece taken, in order."""
    real = splitread.RowStream._rows
    given: list[int] = []

    def third_breaks(self: Any, piece: Any) -> Any:
        given.append(piece.first_row)
        if len(given) == 3:
            raise splitread.Broken("planted")
        return real(self, piece)

    monkeypatch.setattr(splitread.RowStream, "_rows", third_breaks)
    return given


def assert_equal_checks(a: Any, b: Any) -> None:
    (ra, la), (rb, lb) = a, b
    assert ra.to_json("en") == rb.to_json("en")
    assert la is not None and lb is not None
    assert (la.values, la.raw, la.rows, la.errors, la.warnings, la.extras) == (
        lb.values,
        lb.raw,
        lb.rows,
        lb.errors,
        lb.warnings,
        lb.extras,
    )


@pytest.mark.parametrize(
    ("pieces", "end", "merged"), [(2, False, False), (7, True, False), (30, True, True)]
)
def test_validate_one_big_file_equals_serial(
    tmp_path: Path, monkeypatch: Any, pieces: int, end: bool, merged: bool
) -> None:
    """The report and the ledger of a file checked a piece at a time as it is read equal
    those of the whole read: findings in every piece, duplicates across pieces, the total
    row and the end of the table in a later piece, a merged unit (filled, then parsed whole)."""
    path = big_ledger(tmp_path / "big.xlsx", end=end, merged=merged)
    options = Options(today=dt.date(2022, 6, 1))
    serial = validate_file(path, options)
    seen = spy_streams(monkeypatch)
    with split_everything(pieces):
        split = validate_file(path, options)
    assert seen == [True]
    assert_equal_checks(split, serial)
    report = split[0]
    assert sum(f.rule == "duplicate-case" for f in report.findings) == 2
    assert any(f.rule == "total-row-skipped" for f in report.findings)
    assert any(f.rule == "data-end" for f in report.findings) == end
    assert any(f.rule == "merged-filled" for f in report.findings) == merged
    # The first data row is Excel row 3: broken phones from the first piece to the last.
    assert {f.row for f in report.findings if f.rule == "bad-phone"} >= {3, 2954 + 3}


def test_a_piece_that_breaks_late_is_checked_again_whole(tmp_path: Path, monkeypatch: Any) -> None:
    """A piece that cannot be placed after the first rows were checked: the file is checked
    again from its whole read, and says exactly what the whole read says."""
    path = big_ledger(tmp_path / "big.xlsx", end=True)
    options = Options(today=dt.date(2022, 6, 1))
    serial = validate_file(path, options)
    given = break_on_the_third_piece(monkeypatch)
    seen = spy_streams(monkeypatch)
    with split_everything(6):
        split = validate_file(path, options)
    assert len(given) >= 3 and seen[0] is True  # began in pieces, broke on the third
    assert_equal_checks(split, serial)


def test_a_big_sheet_that_is_not_the_ledger(tmp_path: Path) -> None:
    """A big sheet of notes before the ledger's sheet: begun in pieces, then read to its end
    (no form there) while the ledger is found on the next sheet; the same report."""
    import openpyxl

    path = big_ledger(tmp_path / "big.xlsx", n=300)
    wb = openpyxl.load_workbook(path)
    notes = wb.create_sheet("说明", 0)
    for i in range(2000):
        notes.append([f"第{i}条说明", i, "备注"])
    wb.save(path)
    options = Options(today=dt.date(2022, 6, 1))
    serial = validate_file(path, options)
    with split_everything(5):
        split = validate_file(path, options)
    assert_equal_checks(split, serial)
    none = tmp_path / "none.xlsx"
    del wb["附件2"]
    wb.save(none)
    serial = validate_file(none, options)
    with split_everything(5):
        split = validate_file(none, options)
    assert split[0].to_json("en") == serial[0].to_json("en")
    assert [f.rule for f in split[0].findings] == ["no-header"]


def test_cli_one_file_alone_is_split_and_equals_jobs_1(tmp_path: Path, monkeypatch: Any) -> None:
    """`ledger validate big.xlsx` reads the one file in pieces; its JSON equals --jobs 1's,
    which reads it whole in one process."""
    path = big_ledger(tmp_path / "big.xlsx")
    monkeypatch.setattr(splitread, "MIN_BYTES", 0)
    monkeypatch.setattr(splitread, "STREAM_FLOOR", 1024)
    seen = spy_streams(monkeypatch)
    monkeypatch.setattr(splitread, "idle_core", lambda: True)  # whatever the machine's load
    split = CliRunner().invoke(cli, ["validate", str(path), "--format", "json"])
    assert seen == [True]
    whole = CliRunner().invoke(cli, ["validate", str(path), "--format", "json", "--jobs", "1"])
    assert seen == [True]  # --jobs 1: one core, read whole
    assert split.exit_code == whole.exit_code == 1
    assert json.loads(split.output) == json.loads(whole.output)


def test_city_workbook_summary_read_in_pieces(tmp_path: Path, monkeypatch: Any) -> None:
    """A merged city workbook read by columns (fastexcel) in pieces, two at a time, gives the
    findings and ledger of the whole read (test_columnar holds that equal to the row-by-row
    read; test_pieces.py holds the pieces equal to the whole read column by column)."""
    from ledgercli.check import validate as validate_mod
    from ledgercli.summary.figures import input_columns

    subs = tmp_path / "subs"
    subs.mkdir()
    big_ledger(subs / "a.xlsx", 1500)
    city = tmp_path / "city.xlsx"
    r = CliRunner().invoke(cli, ["merge", str(subs), "-o", str(city), "--jobs", "1"])
    assert r.exit_code == 0, r.output
    options = Options(today=dt.date(2022, 6, 1), summary_columns=input_columns(None))
    whole_report, whole = validate_file(city, options)
    monkeypatch.setattr(splitread, "PIECE_BYTES", 200_000)
    seen: list[int] = []
    real = splitread.parse_pieces

    def spy(*args: Any, **kwargs: Any) -> Any:
        pieces = real(*args, **kwargs)
        seen.append(0 if pieces is None else len(pieces))
        assert kwargs["workers"] == 2
        return pieces

    monkeypatch.setattr(splitread, "parse_pieces", spy)
    with monkeypatch.context() as m, splitread.enabled(True):

        def refuse(*args: Any, **kwargs: Any) -> Any:
            raise AssertionError("read row by row, not by columns")

        m.setattr(validate_mod, "locate", refuse)
        split_report, split = validate_file(city, options)
    assert len(seen) == 1 and seen[0] > 4
    assert split_report.to_json("en") == whole_report.to_json("en")
    assert whole is not None and split is not None
    assert (split.rows, split.values, split.errors) == (whole.rows, whole.values, whole.errors)
    assert split.extras == whole.extras
    assert len(split.rows) == 1500


def test_a_busy_machine_reads_whole(monkeypatch: Any) -> None:
    """No idle core (one core, or a load average that leaves none): the sheet is read whole,
    since a second thread would only compete with the others' work."""
    import os

    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(splitread, "running_now", lambda: 2)  # this process and another
    monkeypatch.setattr(os, "getloadavg", lambda: (2.4, 2.0, 1.0))
    assert splitread.idle_core() is False
    monkeypatch.setattr(os, "getloadavg", lambda: (0.9, 2.0, 1.0))
    assert splitread.idle_core() is True
    # The minute's average still high from the run before, but only this process runs now.
    monkeypatch.setattr(os, "getloadavg", lambda: (1.8, 1.2, 1.0))
    monkeypatch.setattr(splitread, "running_now", lambda: 1)
    assert splitread.idle_core() is True
    monkeypatch.setattr(splitread, "running_now", lambda: None)  # no /proc/loadavg
    assert splitread.idle_core() is False
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    monkeypatch.setattr(splitread, "running_now", lambda: 1)
    assert splitread.idle_core() is False


def test_running_now_reads_this_machine() -> None:
    """On Linux the count of runnable tasks includes this very test."""
    import sys

    now = splitread.running_now()
    assert (now is None) == (not sys.platform.startswith("linux"))
    assert now is None or now >= 1


def test_a_check_that_ends_early_stops_the_pieces(tmp_path: Path, monkeypatch: Any) -> None:
    """A check that fails half-way leaves no thread parsing the rest of the sheet."""
    from ledgercli.check import validate as validate_mod

    path = big_ledger(tmp_path / "big.xlsx")
    streams: list[Any] = []
    real = splitread.stream_rows

    def keep(*args: Any, **kwargs: Any) -> Any:
        streams.append(real(*args, **kwargs))
        return streams[-1]

    monkeypatch.setattr(splitread, "stream_rows", keep)
    added: list[int] = []

    def fails_on_the_second(self: Any, block: Any) -> None:
        added.append(len(block))
        if len(added) == 2:
            raise RuntimeError("planted")

    monkeypatch.setattr(validate_mod._ColumnsInPieces, "add", fails_on_the_second)
    with split_everything(40), pytest.raises(RuntimeError, match="planted"):
        validate_file(path, Options(today=dt.date(2022, 6, 1)))
    assert len(streams) == 1 and streams[0]._closed
    streams[0]._thread.join(timeout=30)
    assert not streams[0]._thread.is_alive()


# --- what review found (each held by a test that failed before its fix) -------------------


def _add_cells(xml: bytes, row: int, cells: bytes) -> bytes:
    """`cells` added at the end of the sheet's row `row`."""
    m = re.search(rb'<row r="%d"[^>]*>' % row, xml)
    assert m is not None
    end = xml.index(b"</row>", m.end())
    return xml[:end] + cells + xml[end:]


def test_bad_cells_unreadable_after_the_pieces_is_the_files_finding(tmp_path: Path) -> None:
    """A formula (so the sheet is searched for bad cells) and a tag calamine reads but expat
    calls mismatched, far down: the whole read reports the file damaged, and so does the read
    in pieces (the search runs once the last piece is in), never an exception."""
    src = big_ledger(tmp_path / "big.xlsx")

    def damage(xml: bytes) -> bytes:
        xml = _add_cells(xml, 5, b'<c r="C5"><f>1+1</f><v>2</v></c>')
        return _add_cells(xml, 2900, b'<c r="C2900" t="inlineStr"><is><t>ab</T></is></c>')

    path = _rewrite_sheet(src, tmp_path / "d.xlsx", damage)
    options = Options(today=dt.date(2022, 6, 1))
    serial = validate_file(path, options)
    assert not serial[0].readable and [f.rule for f in serial[0].findings] == ["corrupt"]
    with split_everything(6):
        split = validate_file(path, options)
    assert split[0].to_json("en") == serial[0].to_json("en")


def test_the_check_begun_again_reads_the_same_book_whole(tmp_path: Path, monkeypatch: Any) -> None:
    """A piece that breaks late: the file is checked again from the book already open (not
    read from disk, nor decrypted, again), its sheet read whole (not in pieces a second
    time), and what the first check made of its pieces is let go of before that read."""
    import weakref

    from ledgercli.check import validate as validate_mod
    from ledgercli.read import workbook

    path = big_ledger(tmp_path / "big.xlsx", end=True)
    options = Options(today=dt.date(2022, 6, 1))
    serial = validate_file(path, options)
    given = break_on_the_third_piece(monkeypatch)
    opened: list[Path] = []
    real_open = validate_mod.open_book

    def counted(*args: Any) -> Any:
        opened.append(args[0])
        return real_open(*args)

    monkeypatch.setattr(validate_mod, "open_book", counted)
    begun: list[Any] = []
    real_more = workbook.Book.more_rows

    def more(self: Any, sheet: Any) -> Any:
        if not begun:
            begun.append(weakref.ref(sheet))
        return real_more(self, sheet)

    monkeypatch.setattr(workbook.Book, "more_rows", more)
    alive: list[bool] = []
    real_whole = workbook._Loaders.whole

    def whole(self: Any, name: str) -> Any:
        alive.append(begun[0]() is not None)
        return real_whole(self, name)

    monkeypatch.setattr(workbook._Loaders, "whole", whole)
    seen = spy_streams(monkeypatch)
    with split_everything(6):
        split = validate_file(path, options)
    assert len(given) == 3 and seen == [True]  # begun in pieces once, then read whole
    assert opened == [path]
    assert alive == [False]
    assert_equal_checks(split, serial)


def _header_last(xml: bytes) -> bytes:
    """The sheet's title and header rows (1 and 2) written after all the others: every
    reader places them first by their numbers, but the first piece does not hold them."""
    moved = []
    for r in (1, 2):
        row = re.search(rb'<row r="%d"[^>]*>.*?</row>' % r, xml, re.S)
        assert row is not None
        moved.append(row.group(0))
        xml = xml.replace(row.group(0), b"", 1)
    return xml.replace(b"</sheetData>", b"".join(moved) + b"</sheetData>", 1)


def test_a_header_written_last_is_found_as_the_whole_read_finds_it(tmp_path: Path) -> None:
    """The first piece's rows decide nothing on their own: a sheet whose header comes last
    in its XML is no 'no-header' file, since the whole read finds its header first."""
    path = _rewrite_sheet(big_ledger(tmp_path / "big.xlsx"), tmp_path / "h.xlsx", _header_last)
    options = Options(today=dt.date(2022, 6, 1))
    serial = validate_file(path, options)
    assert serial[0].readable and serial[0].rows > 2000
    with split_everything(6):
        split = validate_file(path, options)
    assert_equal_checks(split, serial)


def test_a_sheet_passed_over_on_its_first_piece_is_chosen_as_whole(tmp_path: Path) -> None:
    """A big first sheet whose header comes last in its XML, and a small ledger after it: the
    whole read takes the first sheet's ledger (its header complete), and so does the read in
    pieces, though the first piece showed no header."""
    import openpyxl

    src = big_ledger(tmp_path / "big.xlsx")
    wb = openpyxl.load_workbook(src)
    small = wb.create_sheet("另表")
    for row in wb.active.iter_rows(min_row=2, max_row=3, values_only=True):
        small.append(row)  # the header and one case
    wb.save(src)
    path = _rewrite_sheet(src, tmp_path / "h.xlsx", _header_last)
    options = Options(today=dt.date(2022, 6, 1))
    serial = validate_file(path, options)
    assert serial[0].readable and serial[0].rows > 2000
    with split_everything(6):
        split = validate_file(path, options)
    assert_equal_checks(split, serial)


def test_a_stream_given_up_holds_no_cycle(tmp_path: Path) -> None:
    """A stream closed before its end (a check that failed, a sheet that broke) lets its book
    go with the last reference once its thread is done: the cycle collector is paused while
    a file is checked (run/collector.py), and a cycle kept every row until the pause ended."""
    import gc
    import weakref

    path = big_ledger(tmp_path / "big.xlsx")
    was = gc.isenabled()
    gc.disable()
    try:
        with split_everything(40):
            book = open_book(path)
            sheet = book.sheet("附件2", partial=True)
            stream = sheet.rest
            assert stream is not None
            book.more_rows(sheet)
            book.stop_reading()
            stream._thread.join(timeout=30)
            assert not stream._thread.is_alive()
            gone, left = weakref.ref(book), weakref.ref(stream)
            del book, sheet, stream
            assert gone() is None and left() is None
    finally:
        if was:
            gc.enable()


def _far_cell_late(xml: bytes) -> bytes:
    """A cell beyond the stated dimension near the end (within the grid the sheet's size
    allows): the scan fed beside the pieces is no longer clear there."""
    return _add_cells(xml, 2990, b'<c r="AZ2990"><v>1</v></c>')


def test_a_stream_that_broke_stays_broken(tmp_path: Path) -> None:
    """Asked again after it broke, a stream says so again: it never ends as if whole, which
    would record the scan it broke on (not clear) as the sheet's, so that a later whole read
    skipped the exact pass."""
    path = _rewrite_sheet(big_ledger(tmp_path / "big.xlsx"), tmp_path / "f.xlsx", _far_cell_late)
    with split_everything(6):
        book = open_book(path)
        sheet = book.sheet("附件2", partial=True)
        assert sheet.rest is not None
        with pytest.raises(splitread.Broken):
            while book.more_rows(sheet) is not None:
                pass
        with pytest.raises(splitread.Broken):
            book.more_rows(sheet)
        assert book.scanned("附件2") is None
    assert_same(path, must=False)


def test_an_interrupt_on_the_first_piece_stops_the_stream(tmp_path: Path, monkeypatch: Any) -> None:
    """Ctrl-C while the first piece's rows are taken: the stream (in no book's cache yet,
    so stop_reading cannot reach it) is closed, and its thread ends."""
    path = big_ledger(tmp_path / "big.xlsx")
    streams: list[Any] = []
    real = splitread.stream_rows

    def keep(*args: Any, **kwargs: Any) -> Any:
        streams.append(real(*args, **kwargs))
        return streams[-1]

    def interrupted(self: Any, piece: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(splitread, "stream_rows", keep)
    monkeypatch.setattr(splitread.RowStream, "_rows", interrupted)
    with split_everything(40), pytest.raises(KeyboardInterrupt):
        open_book(path).sheet("附件2", partial=True)
    assert len(streams) == 1 and streams[0]._closed
    streams[0]._thread.join(timeout=30)
    assert not streams[0]._thread.is_alive()


def test_a_merged_title_keeps_the_columns_parsed_in_pieces(
    tmp_path: Path, monkeypatch: Any
) -> None:
    """A title merged across the top (nearly every district's ledger has one) fills no cell:
    the columns parsed a piece at a time as the sheet was read stand, and only a column a
    merged range did fill (a unit merged down a town's cases) is parsed again, whole. The
    report and the ledger are the whole read's."""
    import openpyxl

    from ledgercli.read.cells import ColumnParser

    path = big_ledger(tmp_path / "big.xlsx", merged=True)
    wb = openpyxl.load_workbook(path)
    wb.active.merge_cells("A1:AB1")
    wb.save(path)
    options = Options(today=dt.date(2022, 6, 1))
    serial = validate_file(path, options)
    n = serial[0].rows
    whole: list[str] = []
    real = ColumnParser.parse_column

    def spy(self: Any, column: Any, blanks: bool = False) -> Any:
        if len(column) == n:
            whole.append(self.spec.key)
        return real(self, column, blanks=blanks)

    monkeypatch.setattr(ColumnParser, "parse_column", spy)
    with split_everything(6):
        split = validate_file(path, options)
    assert whole == ["unit"]
    assert_equal_checks(split, serial)
    assert any(f.rule == "merged-filled" for f in split[0].findings)


class _Panic(BaseException):
    """As pyo3's PanicException, which a Rust panic in calamine arrives as: no Exception."""


def test_a_panic_converting_a_piece_is_a_piece_that_cannot_be_read_so(
    tmp_path: Path, monkeypatch: Any
) -> None:
    """calamine panicking while it converts a later piece's cells: the file is checked again
    whole, as any piece that cannot be read in pieces (the whole read turns a panic of its
    own into the file's finding), never an exception out of validate_file."""
    path = big_ledger(tmp_path / "big.xlsx")
    options = Options(today=dt.date(2022, 6, 1))
    serial = validate_file(path, options)
    real = splitread.RowStream._rows
    given: list[int] = []

    def second_panics(self: Any, piece: Any) -> Any:
        given.append(piece.first_row)
        if len(given) == 2:
            raise _Panic("called `Option::unwrap()` on a `None` value")
        return real(self, piece)

    monkeypatch.setattr(splitread.RowStream, "_rows", second_panics)
    with split_everything(6):
        split = validate_file(path, options)
    assert len(given) == 2
    assert_equal_checks(split, serial)


def test_a_sheet_read_in_pieces_has_numpy_loaded_for_its_codes(tmp_path: Path) -> None:
    """A sheet big enough to be read in pieces has thousands of credit codes a piece: numpy
    (which checks them as one matrix, read/cells.py) is imported while the pieces are parsed.
    In a process of its own: this one has imported numpy long ago."""
    import subprocess
    import sys

    path = big_ledger(tmp_path / "big.xlsx", n=1500)
    code = f"""
import sys
from pathlib import Path
from ledgercli.check.validate import validate_file
from ledgercli.model.options import Options
from ledgercli.read import splitread
assert "numpy" not in sys.modules
splitread.MIN_BYTES, splitread.STREAM_FLOOR, splitread.STREAM_PIECES = 0, 256, 4
with splitread.enabled(True):
    validate_file(Path({str(path)!r}), Options())
print("numpy" in sys.modules)
"""
    got = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert got.stdout.strip() == "True"
