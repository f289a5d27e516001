"""One big file read in two halves on two cores gives exactly what reading it whole gives."""

from __future__ import annotations

import datetime as dt
import json
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from helpers import annex2_row, write_annex2
from ledgercli.check.validate import validate_file
from ledgercli.cli import cli
from ledgercli.model.options import Options
from ledgercli.read import splitread
from ledgercli.read.workbook import open_book


@contextmanager
def split_everything() -> Iterator[None]:
    """The loader's split read, for sheets of any size."""
    before = splitread.MIN_BYTES
    splitread.MIN_BYTES = 0
    try:
        with splitread.enabled(True):
            yield
    finally:
        splitread.MIN_BYTES = before


def whole_and_halves(path: Path) -> list[tuple[Any, Any]]:
    """(whole read, split read) of every sheet of the workbook; each was really split."""
    out = []
    for name in open_book(path).sheet_names:
        whole = open_book(path).sheet(name)
        assert splitread.read_in_halves(open_book(path), name, min_bytes=0) is not None, name
        with split_everything():
            halves = open_book(path).sheet(name)  # bad cells included, as the loader finds them
        out.append((whole, halves))
    return out


def assert_same(path: Path) -> None:
    pairs = whole_and_halves(path)
    for whole, halves in pairs:
        assert halves.rows == whole.rows, whole.name
        assert halves.merged == whole.merged, whole.name
        assert halves.bad_cells == whole.bad_cells, whole.name


def awkward_book(path: Path, n: int = 400) -> Path:
    """Shared strings, dates, booleans, merged cells (one across the middle), formulas with no
    result and error cells, a blank stretch, a second half starting two columns in and a last
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


def test_awkward_workbook_reads_the_same(tmp_path: Path) -> None:
    assert_same(awkward_book(tmp_path / "a.xlsx"))


def test_samples_and_test_data_read_the_same() -> None:
    """Every workbook the project ships: the district samples, LibreOffice and WPS files."""
    root = Path(__file__).resolve().parents[1]
    paths = sorted((root / "sample_data" / "submissions").glob("*.xlsx"))
    paths += sorted((root / "tests" / "data").glob("*.xlsx"))
    assert len(paths) >= 8
    for path in paths:
        assert_same(path)


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
    assert_same(path)


def test_rows_without_numbers_are_read_whole(tmp_path: Path) -> None:
    """Rows with no r= attribute are numbered by their order: a second half would restart at
    row 1, so such a sheet is never cut."""
    src = awkward_book(tmp_path / "a.xlsx")
    path = _rewrite_sheet(
        src, tmp_path / "n.xlsx", lambda xml: re.sub(rb'(<row[^>]*?) r="\d+"', rb"\1", xml)
    )
    assert splitread.read_in_halves(open_book(path), "附件2", min_bytes=0) is None


def test_small_sheets_are_read_whole(tmp_path: Path) -> None:
    path = awkward_book(tmp_path / "a.xlsx")
    assert splitread.read_in_halves(open_book(path), "附件2") is None  # below MIN_BYTES


def big_ledger(path: Path, n: int = 3000) -> Path:
    """A ledger with clean rows, broken rows on both sides of the middle, and duplicates."""
    rows = []
    for i in range(n):
        row = annex2_row(序号=i + 1, 合同名称=f"合同{i}", 债权人联系电话=f"139{i:08d}")
        if i % 97 == 0:
            row["欠款类型"] = "劳务"
        if i % 211 == 0:
            row["债权人联系电话"] = "12345"
        if i in (n // 2 - 1, n // 2 + 1):
            row["合同名称"] = "合同同名"
        rows.append(row)
    return write_annex2(path, rows)


def test_validate_one_big_file_equals_serial(tmp_path: Path, monkeypatch: Any) -> None:
    """The report and the ledger of a file read in halves equal those of the whole read."""
    path = big_ledger(tmp_path / "big.xlsx")
    options = Options(today=dt.date(2022, 6, 1))
    serial_report, serial_ledger = validate_file(path, options)
    calls: list[Any] = []
    real = splitread.read_in_halves

    def spy(book: Any, name: str, min_bytes: int | None = None) -> Any:
        sheet = real(book, name, min_bytes=0)
        calls.append(sheet)
        return sheet

    monkeypatch.setattr(splitread, "read_in_halves", spy)
    with splitread.enabled(True):
        split_report, split_ledger = validate_file(path, options)
    assert calls and calls[0] is not None  # the file was read in halves
    assert split_report.to_json("en") == serial_report.to_json("en")
    assert serial_ledger is not None and split_ledger is not None
    assert split_ledger.values == serial_ledger.values
    assert split_ledger.raw == serial_ledger.raw
    assert split_ledger.rows == serial_ledger.rows
    assert any(f.rule == "duplicate-case" for f in split_report.findings)


def test_cli_one_file_alone_is_split_and_equals_jobs_1(tmp_path: Path, monkeypatch: Any) -> None:
    """`ledger validate big.xlsx` reads the one file in halves; its JSON equals --jobs 1's,
    which reads it whole in one process."""
    path = big_ledger(tmp_path / "big.xlsx")
    monkeypatch.setattr(splitread, "MIN_BYTES", 0)
    seen: list[bool] = []
    real = splitread.read_in_halves

    def spy(book: Any, name: str, min_bytes: int | None = None) -> Any:
        sheet = real(book, name, min_bytes)
        seen.append(sheet is not None)
        return sheet

    monkeypatch.setattr(splitread, "read_in_halves", spy)
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
