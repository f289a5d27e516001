"""A ledger checked a piece at a time as its sheet is read in pieces (splitread.RowStream,
validate._ColumnsInPieces) gives exactly what the whole read gives: a differential, property-based test.

Hypothesis draws annex-2 ledgers of 50-600 rows with broken cells of every kind in random rows
(bad phones and credit codes, negative amounts, unknown values, numbers stored as text, blank
required cells, amounts in 元, zeros written -0, booleans, dates, formulas without a result,
error cells), the same case far apart, a 合计 row, the 填写说明 and junk under the table, blank
rows, rows starting at column C, a wider last row, the title and a few cells merged (the unit,
the debtor, the kind of debt, an amount), the unit of amount declared above the header or in
it, a merged city workbook's provenance columns, other sheets before and after the ledger's
(notes, another town's ledger), written by xlsxwriter (shared strings) or by openpyxl and
xlsxwriter's constant_memory mode (inline strings), and cut into 2-60 pieces, the first one
mostly holding the header (else the sheet is read to its end before it is sought). The report,
the ledger (values with their types) and every sheet as read must equal the whole read's.
Hostile sheets by hand and the stream's own edges follow.

`make test` runs a few dozen examples, the same ones every time; a longer, random run:

    LEDGER_STREAM_FUZZ_EXAMPLES=500 .venv/bin/python -m pytest tests/test_stream_fuzz.py
"""

from __future__ import annotations

import datetime as dt
import os
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import ANNEX2_HEADERS, TITLE2, annex2_row
from ledgercli.check import validate
from ledgercli.check.validate import validate_file
from ledgercli.model.amountunit import MARK_HEADER, MARK_TEXT
from ledgercli.model.cityformat import PROVENANCE
from ledgercli.model.errors import UnreadableFile
from ledgercli.model.ledger import Ledger
from ledgercli.model.options import Options
from ledgercli.model.report import FileReport
from ledgercli.read import splitread
from ledgercli.read.workbook import open_book
from realinbox import AMOUNTS
from test_splitread import split_everything, spy_streams

EXAMPLES = int(os.environ.get("LEDGER_STREAM_FUZZ_EXAMPLES", "0") or 0)
LONG = EXAMPLES > 0
EXAMPLES = EXAMPLES or 40
TODAY = dt.date(2022, 6, 1)

UNIT = ANNEX2_HEADERS.index("街镇部门")
# Columns a district merges down: the unit (most often), the debtor, the kind of debt (filled
# down) and an amount (one amount, not filled).
MERGED_COLUMNS = [UNIT, UNIT, *map(ANNEX2_HEADERS.index, ["主体名称", "欠款类型", "拖欠金额"])]


def scattered(n: int, seed: int) -> str:
    """A long text that does not compress like a zip bomb (one character repeated does)."""
    return "".join(chr(0x4E00 + (seed * 7919 + k * 104729) % 20000) for k in range(n))


@dataclass(frozen=True)
class Formula:
    text: str
    result: Any = None  # None: written without a result


@dataclass(frozen=True)
class Error:
    code: str


# What a fault does to one data row (its dict, by header), or what it puts before it.
FAULTS: dict[str, Any] = {
    "phone": lambda r: r.update(债权人联系电话="12345"),
    "phone-number": lambda r: r.update(债务人联系电话=13812345678.0),
    "phone-two": lambda r: r.update(债权人联系电话="13912345678/023-63895398"),
    "uscc": lambda r: r.update(债务人统一社会信用代码="91500222MA5U1234X"),
    "uscc-lower": lambda r: r.update(债权人统一社会信用代码=r["债权人统一社会信用代码"].lower()),
    "negative": lambda r: r.update(拖欠金额=-1),
    "enum": lambda r: r.update(欠款类型="劳务"),
    "enum-space": lambda r: r.update(有无分歧=" 无 "),
    "number-text": lambda r: r.update(拖欠金额="50.5", 合同金额="１００"),
    "blank-required": lambda r: r.update(主体名称=None),
    "blank-unit": lambda r: r.update(街镇部门=None),
    "yuan": lambda r: r.update({h: r[h] * 10000 for h in AMOUNTS if isinstance(r[h], int | float)}),
    "float": lambda r: r.update(拖欠金额=0.1 + 0.2, 剩余金额=0.30000000000000004),
    "date": lambda r: r.update(最迟付款日期=dt.datetime(2021, 7, 9)),
    "month-bad": lambda r: r.update(最迟付款日期="2022-13"),
    "future": lambda r: r.update(剩余金额约定最迟偿还时间="2030-01"),
    "bool": lambda r: r.update(有无分歧=True),
    "one-float": lambda r: r.update(有无分歧=1.0),
    "formula": lambda r: r.update(合同金额=Formula("=R3*2")),
    "formula-result": lambda r: r.update(合同金额=Formula("=R3*2", 101)),
    "error": lambda r: r.update(剩余金额=Error("#N/A")),
    "error-formula": lambda r: r.update(拖欠金额=Formula("=1/0", "#DIV/0!")),
    "spaces": lambda r: r.update(主体名称="  綦江区 住房和城乡建设委员会 "),
    "placeholder": lambda r: r.update(合同名称="/", 债务人联系人="无"),
    "duplicate": lambda r: r.update(合同名称="合同同名"),
    "numbered-text": lambda r: r.update(序号=f"{r['序号']}"),
    "long": lambda r: r.update(合同名称=scattered(3000, int(r["序号"]))),
    "repaid": lambda r: r.update(清偿完毕金额=r["拖欠金额"], 剩余金额=0),
    "mismatch": lambda r: r.update(剩余金额=7),
    "zero": lambda r: r.update(已偿还金额=0.0, 债权人联系电话=0.0),
    "minus-zero": lambda r: r.update(已偿还金额=-0.0, 债权人联系电话=-0.0),
    "minus-zero-amount": lambda r: r.update(已偿还金额=-0.0),
    # What stands before the row, not in it:
    "blank-row": None,
    "total": None,
    "end": None,
    "start-c": None,
    "header-again": None,
    "wide": None,
}


@dataclass
class Spec:
    """One drawn workbook."""

    writer: str  # openpyxl | xlsxwriter | inline (xlsxwriter's constant_memory)
    rows: int
    faults: list[tuple[int, str]]
    title: bool
    title_merged: bool  # the title merged across the table, as most districts have it
    above: list[list[Any]]
    header_unit: str | None  # 元 or 万元 in every amount header
    all_yuan: bool
    before: list[str]  # sheets before the ledger's
    after: list[str]  # and after it (a town's sheet of the same form is joined to it)
    merges: list[tuple[int, int, int]]  # (first data row index, rows, column) merged down
    tail: list[str]  # what ends the sheet: total, end, junk, wide
    provenance: bool  # a merged city workbook's columns after the form's (来源文件…)
    pieces: int
    first_rows: int | None  # about how many rows the first piece holds (None: as cut)
    grid: list[list[Any]] = field(default_factory=list)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # 0-based, inclusive


@st.composite
def specs(draw: Any) -> Spec:
    n = draw(st.integers(50, 600))
    index = st.integers(0, n - 1)
    faults = draw(st.lists(st.tuples(index, st.sampled_from(sorted(FAULTS))), max_size=40))
    above = draw(
        st.lists(
            st.sampled_from(
                [
                    ["金额单位：元"],
                    ["（单位：万元）"],
                    ["填报单位：古南街道", None, "联系人：张三"],
                    ["金额单位", None, "元"],
                    ["说明文字"],
                ]
            ),
            max_size=3,
        )
    )
    if draw(st.integers(0, 9)) == 0:
        above += [[f"第{i}行说明"] for i in range(draw(st.integers(30, 45)))]  # header far down
    return Spec(
        writer=draw(st.sampled_from(["openpyxl", "xlsxwriter", "inline"])),
        rows=n,
        faults=faults,
        title=draw(st.booleans()),
        title_merged=draw(st.integers(0, 3)) == 0,
        above=above,
        header_unit=draw(st.sampled_from([None, None, "元", "万元"])),
        all_yuan=draw(st.integers(0, 5)) == 0,
        before=draw(st.lists(st.sampled_from(["notes", "empty", "ledger", "long"]), max_size=2)),
        after=draw(st.lists(st.sampled_from(["notes", "ledger"]), max_size=1)),
        merges=draw(
            st.lists(
                st.tuples(index, st.integers(2, 8), st.sampled_from(MERGED_COLUMNS)), max_size=3
            )
        ),
        tail=draw(
            st.sampled_from(
                [[], ["total"], ["end", "junk"], ["total", "end", "junk"], ["wide"], ["blank"]]
            )
        ),
        provenance=draw(st.integers(0, 5)) == 0,
        pieces=draw(st.integers(2, 60)),
        # A first piece of fewer than HEADER_SCAN_ROWS rows is read to its end before the
        # header is sought: mostly one of more rows, so that the check reads on in pieces.
        first_rows=draw(st.sampled_from([None, 30, 45, 45, 60, 90, 150])),
    )


def layout(spec: Spec) -> Spec:
    """The sheet's grid (row 1 first, None for an empty cell, [] for an empty row) and its
    merged ranges, from the drawn spec."""
    headers = list(ANNEX2_HEADERS)
    if spec.header_unit:
        headers = [f"{h}（{spec.header_unit}）" if h in AMOUNTS else h for h in headers]
    if spec.provenance:
        headers += PROVENANCE
    grid: list[list[Any]] = []
    if spec.title:
        grid.append([TITLE2])
    grid += [list(r) for r in spec.above]
    grid.append(headers)
    by_row: dict[int, list[str]] = {}
    for i, kind in spec.faults:
        by_row.setdefault(i, []).append(kind)
    top_of: dict[int, int] = {}  # data index → the grid row it went to
    for i in range(spec.rows):
        row = annex2_row(序号=i + 1, 合同名称=f"合同{i}", 债权人联系电话=f"139{i:08d}")
        if spec.all_yuan:
            FAULTS["yuan"](row)
        kinds = by_row.get(i, [])
        shift = 0
        extra: list[Any] = []
        for kind in kinds:
            fault = FAULTS[kind]
            if fault is not None:
                fault(row)
            elif kind == "blank-row":
                grid.append([])
            elif kind == "total":
                grid.append(["合计", None, None, None, None, None, None, None, None, 123])
            elif kind == "end":
                grid.append(["填写说明：金额单位为万元。"])
            elif kind == "start-c":
                shift = 2
            elif kind == "header-again":
                grid.append(list(headers))
            elif kind == "wide":
                extra = [None] * 12 + ["更宽的一格"]
        top_of[i] = len(grid)
        cells = [row[h] for h in ANNEX2_HEADERS]
        if spec.provenance:
            cells += provenance(i)
        grid.append([None] * shift + cells + extra)
    for kind in spec.tail:
        if kind == "total":
            grid.append(["合计", None, None, None, None, None, None, None, None, 9999])
        elif kind == "end":
            grid.append(["填写说明：金额单位为万元。"])
        elif kind == "junk":
            grid += [["1", "这一行不是数据", 3.5], [], ["审核人：", "李四"]]
        elif kind == "wide":
            grid.append([None] * 40 + ["备注：最后一行更宽"])
        elif kind == "blank":
            grid += [[], [], [None, None]]
    merged = []
    if spec.title and spec.title_merged:
        merged.append((0, 0, 0, len(headers) - 1))
    taken: set[tuple[int, int]] = set()
    for i, span, column in spec.merges:
        rows = [top_of[j] for j in range(i, min(i + span, spec.rows))]
        # A range of consecutive grid rows, each holding the column, none merged there yet.
        rows = rows[: next((k for k in range(1, len(rows)) if rows[k] != rows[k - 1] + 1), None)]
        if len(rows) < 2 or taken & {(r, column) for r in rows}:
            continue
        if any(len(grid[r]) <= column or grid[r][0] is None for r in rows):
            continue  # a row shifted to column C
        taken |= {(r, column) for r in rows}
        for r in rows[1:]:
            grid[r][column] = None
        merged.append((rows[0], column, rows[-1], column))
    spec.grid, spec.merged = grid, merged
    return spec


def provenance(i: int) -> list[Any]:
    """A merged workbook's record of where row i came from and what merge said of it."""
    marks = ["", "", "", *MARK_TEXT.values()]
    status = ["通过", "警告1", "错误2", "错误1"][i % 4 if i % 7 else 2]
    assert PROVENANCE[-1] == MARK_HEADER
    return [
        f"区{i % 3}.xlsx",
        "附件2",
        float(i + 3),
        status,
        "G1" if i % 50 == 7 else None,
        marks[i % len(marks)] or None,
    ]


def other_sheet(kind: str) -> tuple[list[list[Any]], list[tuple[int, int, int, int]]]:
    if kind == "notes":
        return [[f"第{i}条说明", i, "备注"] for i in range(300)], []
    if kind == "long":
        return [[scattered(4000, i), i] for i in range(12)], []
    if kind == "ledger":  # a town's sheet of the same form: read and joined with the ledger's
        rows = [annex2_row(序号=i + 1, 合同名称=f"镇合同{i}") for i in range(30)]
        rows[7]["合同名称"] = "合同同名"
        rows[9]["债权人联系电话"] = "12345"
        return [[TITLE2], list(ANNEX2_HEADERS), *([r[h] for h in ANNEX2_HEADERS] for r in rows)], []
    return [], []


def write(spec: Spec, path: Path) -> Path:
    sheets = [(f"其他{n}", *other_sheet(kind)) for n, kind in enumerate(spec.before)]
    sheets.append(("附件2", spec.grid, spec.merged))
    sheets += [(f"其后{n}", *other_sheet(kind)) for n, kind in enumerate(spec.after)]
    if spec.writer == "openpyxl":
        _write_openpyxl(path, sheets)
    else:
        _write_xlsxwriter(path, sheets, inline=spec.writer == "inline")
    return path


Sheets = list[tuple[str, list[list[Any]], list[tuple[int, int, int, int]]]]


def _write_openpyxl(path: Path, sheets: Sheets) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, grid, merged in sheets:
        ws = wb.create_sheet(name)
        for r, row in enumerate(grid, start=1):
            for c, value in enumerate(row, start=1):
                if value is None:
                    continue
                if isinstance(value, Formula):
                    ws.cell(row=r, column=c, value=value.text)  # openpyxl keeps no result
                elif isinstance(value, Error):
                    cell = ws.cell(row=r, column=c, value=value.code)
                    cell.data_type = "e"
                else:
                    ws.cell(row=r, column=c, value=value)
        for r0, c0, r1, c1 in merged:
            ws.merge_cells(start_row=r0 + 1, start_column=c0 + 1, end_row=r1 + 1, end_column=c1 + 1)
    wb.save(path)


def _write_xlsxwriter(path: Path, sheets: Sheets, inline: bool) -> None:
    import xlsxwriter

    options = {"strings_to_numbers": False, "constant_memory": inline}
    wb = xlsxwriter.Workbook(str(path), options)
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    for name, grid, merged in sheets:
        ws = wb.add_worksheet(name)
        for r, row in enumerate(grid):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, Formula):
                    result = "" if value.result is None else value.result
                    ws.write_formula(r, c, value.text, None, result)
                elif isinstance(value, Error):
                    ws.write_formula(r, c, "=NA()", None, value.code)
                elif isinstance(value, bool):
                    ws.write_boolean(r, c, value)
                elif isinstance(value, int | float):
                    ws.write_number(r, c, value)
                elif isinstance(value, dt.date):
                    ws.write_datetime(r, c, value, date)
                else:
                    ws.write_string(r, c, value)
        # Recorded as merge_range records them; its formatted blanks would be written out of
        # row order in constant_memory mode, and the cells below the top are empty anyway.
        ws.merge.extend([list(m) for m in merged])
    wb.close()


# --- the comparison ----------------------------------------------------------------------------

SEEN: Counter[str] = Counter()  # how the examples were read (for a long run's summary)


def typed(values: dict[str, list[Any]]) -> dict[str, list[tuple[str, str]]]:
    """Values with their types (1 and 1.0 and True are equal, but not the same result)."""
    return {k: [(type(v).__name__, repr(v)) for v in col] for k, col in values.items()}


def checked(path: Path, pieces: int | None) -> tuple[FileReport, Ledger | None]:
    """validate_file as a lone file is checked: read whole, or (`pieces`) in about so many."""
    options = Options(today=TODAY)
    if pieces is None:
        whole: tuple[FileReport, Ledger | None] = validate_file(path, options)
        return whole
    with split_everything(pieces):
        checked: tuple[FileReport, Ledger | None] = validate_file(path, options)
    return checked


def assert_same_check(path: Path, pieces: int, first_rows: int | None = None) -> int:
    """validate_file read in pieces equals the whole read, and so does every sheet as read.
    `first_rows`: the first piece holds about that many rows (else as the stream cuts it: one
    of fewer than HEADER_SCAN_ROWS rows is read to its end before the header is sought).
    Returns how many pieces' rows the loader gave, 0 if one of them could not be placed."""
    streams: list[Any] = []
    broke: list[bool] = []
    given: list[int] = []
    real_stream, real_pieces = splitread.stream_rows, splitread.parse_pieces
    real_next = splitread.RowStream.next_rows
    real_add = validate._ColumnsInPieces.add
    blocks: list[int] = []  # the blocks of rows the check parsed a piece at a time

    def add(self: Any, block: list[Any]) -> None:
        blocks.append(len(block))
        real_add(self, block)

    def stream_rows(book: Any, name: str, scan: Any, piece_bytes: int | None = None) -> Any:
        # About `pieces` pieces whatever the shared strings weigh (stream_rows makes pieces
        # no smaller than twice those, which would leave a sheet of long texts whole).
        part = book.parts.get(name)
        if piece_bytes is None and part and book.archive.has(part):
            piece_bytes = max(book.archive.size(part) // pieces, splitread.STREAM_FLOOR)
        streams.append(real_stream(book, name, scan, piece_bytes))
        return streams[-1]

    def parse_pieces(book: Any, name: str, *args: Any, **kwargs: Any) -> Any:
        if first_rows is not None:
            size = book.archive.size(book.parts[name])
            rows = max(1, sheet_rows(book.archive.read(book.parts[name])))
            kwargs["first_bytes"] = max(splitread.STREAM_FLOOR, size * first_rows // rows)
        return real_pieces(book, name, *args, **kwargs)

    def next_rows(self: Any) -> Any:
        try:
            rows = real_next(self)
        except splitread.Broken as exc:
            broke.append(True)
            SEEN[f"broken: {exc} / {exc.__cause__!r}"[:160]] += 1
            raise
        given.append(rows is not None)
        return rows

    whole_report, whole = checked(path, None)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(splitread, "stream_rows", stream_rows)
        mp.setattr(splitread, "parse_pieces", parse_pieces)
        mp.setattr(splitread.RowStream, "next_rows", next_rows)
        mp.setattr(validate._ColumnsInPieces, "add", add)
        split_report, split = checked(path, pieces)
    SEEN[f"checked in {min(sum(map(bool, blocks)), 5)} blocks"] += 1
    SEEN[f"pieces given {min(sum(given), 9)}"] += 1
    SEEN["streamed" if any(s is not None for s in streams) else "whole"] += 1
    SEEN["broken" if broke else "placed"] += 1
    assert split_report.to_json("en") == whole_report.to_json("en")
    assert list(map(repr, split_report.findings)) == list(map(repr, whole_report.findings))
    assert (split is None) == (whole is None)
    if whole is not None and split is not None:
        assert typed(split.values) == typed(whole.values)
        assert typed(split.raw) == typed(whole.raw)
        assert typed(split.extras) == typed(whole.extras)
        assert (split.rows, split.errors, split.warnings, split.marks) == (
            whole.rows,
            whole.errors,
            whole.warnings,
            whole.marks,
        )
        assert (split.sheet, split.metadata, split.columns) == (
            whole.sheet,
            whole.metadata,
            whole.columns,
        )
    assert_same_sheets(path, pieces)
    return 0 if broke else sum(given)


def sheet_rows(xml: bytes) -> int:
    return len(re.findall(rb"<row[\s>/]", xml))


def assert_same_sheets(path: Path, pieces: int) -> None:
    """Each sheet as the loader reads it with pieces allowed equals the whole read."""
    for name in open_book(path).sheet_names:
        try:
            whole = open_book(path).sheet(name)
        except UnreadableFile as exc:
            with split_everything(pieces), pytest.raises(UnreadableFile) as raised:
                open_book(path).sheet(name)
            assert (raised.value.code, raised.value.params) == (exc.code, exc.params)
            continue
        with split_everything(pieces):
            split = open_book(path).sheet(name)
        assert [(r, [(type(v).__name__, v) for v in c]) for r, c in split.rows] == [
            (r, [(type(v).__name__, v) for v in c]) for r, c in whole.rows
        ], name
        assert split.merged == whole.merged, name
        assert split.bad_cells == whole.bad_cells, name


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not LONG,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(spec=specs())
def test_a_ledger_checked_in_pieces_equals_the_whole_read(
    tmp_path_factory: Any, spec: Spec
) -> None:
    path = write(layout(spec), tmp_path_factory.mktemp("stream") / "ledger.xlsx")
    first_rows = spec.first_rows
    if first_rows is not None:  # a first piece short of the sheet's end: it is cut
        first_rows = min(first_rows, max(41, len(spec.grid) * 2 // 3))
    assert_same_check(path, spec.pieces, first_rows)


def plain(path: Path, rows: int, faults: list[tuple[int, str]], **changes: Any) -> Path:
    """A ledger of `rows` rows with these faults and nothing else unusual."""
    spec = Spec(
        writer="openpyxl",
        rows=rows,
        faults=faults,
        title=True,
        title_merged=False,
        above=[],
        header_unit=None,
        all_yuan=False,
        before=[],
        after=[],
        merges=[],
        tail=[],
        provenance=False,
        pieces=6,
        first_rows=None,
    )
    for key, value in changes.items():
        setattr(spec, key, value)
    return write(layout(spec), path)


def test_a_zero_written_minus_in_a_later_piece(tmp_path: Path) -> None:
    """0 in the first piece, -0 (`<v>-0</v>`) in a later one: equal as keys, so the whole
    column parsed 0's value and finding for both, while the later piece alone parsed -0's
    (Decimal('-0'), a bad phone "-0"). Both read as 0 now, however the column is cut."""
    path = plain(tmp_path / "zeros.xlsx", 300, [(5, "zero"), (250, "minus-zero")])
    assert assert_same_check(path, 6, first_rows=60) >= 4  # checked a piece at a time


# --- hostile sheets, by hand ----------------------------------------------------------------

SHEET = "xl/worksheets/sheet1.xml"


def _row(xml: bytes, n: int) -> bytes:
    found = re.search(rb'<row r="%d"[^>]*>.*?</row>' % n, xml, re.S)
    assert found is not None, n
    return found.group(0)


def _after_row(xml: bytes, n: int, extra: bytes) -> bytes:
    row = _row(xml, n)
    return xml.replace(row, row + extra, 1)


def _prefixed(xml: bytes) -> bytes:
    xml = re.sub(rb"<(/?)([A-Za-z]\w*)([\s>/])", rb"<\1x:\2\3", xml)
    main = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    return xml.replace(main, main.replace(b"xmlns=", b"xmlns:x="), 1)


def _numbers_tripled(xml: bytes) -> bytes:
    """Every row's number (and its cells') tripled, with an empty styled row in each gap."""

    def cell(m: re.Match[bytes]) -> bytes:
        return b'<c r="%s%d"' % (m.group(1), int(m.group(2)) * 3)

    def row(m: re.Match[bytes]) -> bytes:
        n = int(m.group(1)) * 3
        return b'<row r="%d" ht="20" customHeight="1"/><row r="%d"' % (n - 1, n)

    xml = re.sub(rb"<dimension [^>]*>", b"", xml)  # no longer the sheet's
    return re.sub(rb'<row r="(\d+)"', row, re.sub(rb'<c r="([A-Z]+)(\d+)"', cell, xml))


MERGES = b'<mergeCells count="1"><mergeCell ref="AD3:AE3"/></mergeCells>'

# Sheets no writer makes (rows out of order or repeated, rows and cells without numbers, cells
# placed in other rows, prefixes, comments, a second block of rows, merged ranges before or
# among the rows...): the pieces must give what the whole read gives, or read it whole.
HOSTILE: dict[str, Any] = {
    "row-moved-to-the-end": lambda x: x.replace(_row(x, 120), b"", 1).replace(
        b"</sheetData>", _row(x, 120) + b"</sheetData>"
    ),
    "rows-swapped-far-apart": lambda x: (
        x.replace(_row(x, 80), b"@").replace(_row(x, 200), _row(x, 80)).replace(b"@", _row(x, 200))
    ),
    "row-repeated-later": lambda x: _after_row(x, 220, _row(x, 100)),
    "row-repeated-at-once": lambda x: _after_row(x, 100, _row(x, 100)),
    "row-empty-then-repeated": lambda x: x.replace(_row(x, 100), b'<row r="100"/>' + _row(x, 100)),
    "rows-without-numbers": lambda x: re.sub(rb'(<row[^>]*?) r="\d+"', rb"\1", x),
    "some-rows-without-numbers": lambda x: re.sub(rb'<row r="(1[3-7]\d)"', b"<row", x),
    "cells-without-numbers": lambda x: re.sub(rb'<c r="[A-Z]+\d+"', b"<c", x),
    "cell-of-an-earlier-row": lambda x: x.replace(
        _row(x, 200), _row(x, 200).replace(b'r="B200"', b'r="B90"', 1)
    ),
    "cell-of-a-later-row": lambda x: x.replace(
        _row(x, 60), _row(x, 60).replace(b'r="B60"', b'r="B230"', 1)
    ),
    "cell-of-the-next-row": lambda x: x.replace(
        _row(x, 60), _row(x, 60).replace(b'r="B60"', b'r="AA61"', 1)
    ),
    "namespace-prefix": _prefixed,
    "comment-between-rows": lambda x: _after_row(x, 150, b'<!-- <row r="3"></row> -->'),
    "cdata-in-a-cell": lambda x: x.replace(
        _row(x, 160),
        re.sub(rb"<t>([^<]*)</t>", rb"<t><![CDATA[\1<row r='9'>]]></t>", _row(x, 160), count=1),
    ),
    "instruction-between-rows": lambda x: _after_row(x, 150, b"<?foo bar?>"),
    "single-quoted-numbers": lambda x: re.sub(rb'<row r="(1\d\d)"', rb"<row r='\1'", x),
    "leading-zeros": lambda x: re.sub(rb'<row r="(\d+)"', rb'<row r="00\1"', x),
    "line-breaks-and-tabs": lambda x: x.replace(b"<row r=", b"\r\n\t<row\tr="),
    "empty-styled-rows-between": _numbers_tripled,
    "row-number-zero": lambda x: x.replace(b'<row r="150"', b'<row r="0"', 1),
    "wrong-dimension": lambda x: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:C5"', x),
    "merged-ranges-before-the-rows": lambda x: x.replace(b"<sheetData>", MERGES + b"<sheetData>"),
    "merged-ranges-among-the-rows": lambda x: _after_row(x, 150, MERGES),
    "empty-merged-ranges-among-the-rows": lambda x: _after_row(x, 150, b"<mergeCells/>"),
    "a-second-block-of-rows": lambda x: x.replace(
        _row(x, 200), b"</sheetData><sheetData>" + _row(x, 200)
    ),
}


# The hostile sheets whose pieces can all be placed (the others are read whole at once, or
# after a piece that could not be placed).
IN_PIECES = {
    "cell-of-the-next-row",
    "empty-styled-rows-between",
    "leading-zeros",
    "line-breaks-and-tabs",
    "row-empty-then-repeated",
    "row-repeated-at-once",
}


@pytest.fixture(scope="module")
def hostile_base(tmp_path_factory: Any) -> Path:
    """A ledger with findings in every piece, the same case twice and its unit merged down
    four rows at the end (the only merged range: the check reads on in pieces until then)."""
    faults = [(5, "phone"), (10, "duplicate"), (150, "negative"), (250, "enum"), (270, "duplicate")]
    return plain(
        tmp_path_factory.mktemp("hostile") / "base.xlsx", 300, faults, merges=[(280, 4, UNIT)]
    )


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_sheet_reads_as_the_whole_read(
    hostile_base: Path, tmp_path: Path, name: str
) -> None:
    path = tmp_path / f"{name}.xlsx"
    with (
        zipfile.ZipFile(hostile_base) as zin,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout,
    ):
        for info in zin.infolist():
            data = zin.read(info)
            zout.writestr(info, HOSTILE[name](data) if info.filename == SHEET else data)
    assert zipfile.ZipFile(path).read(SHEET) != zipfile.ZipFile(hostile_base).read(SHEET)
    for pieces, first_rows in ((5, 45), (9, 80)):
        given = assert_same_check(path, pieces, first_rows)
        assert (given >= 4) == (name in IN_PIECES), given


def _rewritten(src: Path, dst: Path, change: Any) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            zout.writestr(info, change(data) if info.filename == SHEET else data)
    return dst


def _empty_rows_after(xml: bytes) -> bytes:
    """2,000 styled rows without a cell after the last row: pieces with nothing to place."""
    last = max(map(int, re.findall(rb'<row r="(\d+)"', xml)))
    rows = b"".join(
        b'<row r="%d" ht="20" customHeight="1"/>' % n for n in range(last + 1, last + 2001)
    )
    return xml.replace(b"</sheetData>", rows + b"</sheetData>")


def _no_rows_big_head(xml: bytes) -> bytes:
    """No row at all, after a head of 3,000 column widths."""
    cols = b"".join(
        b'<col min="%d" max="%d" width="12" customWidth="1"/>' % (i, i) for i in range(1, 3000)
    )
    head = xml[: xml.index(b"<sheetData>")]
    return head + b"<cols>" + cols + b"</cols><sheetData></sheetData></worksheet>"


def _edge(name: str, folder: Path) -> tuple[Path, int, int | None, bool]:
    """(the workbook, pieces, rows of the first piece, whether the check reads on in pieces)."""
    path = folder / f"{name}.xlsx"
    notes = [[f"第{i}行说明"] for i in range(40)]
    if name == "long-first-rows":  # a first piece of fewer than HEADER_SCAN_ROWS rows
        return plain(path, 300, [(i, "long") for i in range(12)]), 10, None, False
    if name == "header-at-row-40":  # the last row the header is sought in
        return plain(path, 300, [(200, "phone")], above=notes[:38]), 5, 45, True
    if name == "header-at-row-41":  # one row too far: no header, as read whole
        return plain(path, 300, [(200, "phone")], above=notes[:39]), 5, 45, False
    if name == "header-only-then-empty-rows":
        return _rewritten(plain(folder / "h.xlsx", 0, []), path, _empty_rows_after), 6, 45, False
    if name == "no-rows-big-head":
        return _rewritten(plain(folder / "h.xlsx", 0, []), path, _no_rows_big_head), 6, 45, False
    if name == "end-of-table-in-the-first-piece":  # every later piece is junk after 填写说明
        grid_rows = [(30, "end"), *((i, "phone") for i in range(31, 300, 20))]
        return plain(path, 300, grid_rows), 6, 60, True
    assert name == "data-rows-then-empty-rows"
    empty_after = _rewritten(plain(folder / "d.xlsx", 60, [(50, "phone")]), path, _empty_rows_after)
    return empty_after, 6, 1200, True  # (about 1,200 rows' share of the bytes: the data rows)


@pytest.mark.parametrize(
    "name",
    [
        "long-first-rows",
        "header-at-row-40",
        "header-at-row-41",
        "header-only-then-empty-rows",
        "no-rows-big-head",
        "end-of-table-in-the-first-piece",
        "data-rows-then-empty-rows",
    ],
)
def test_an_edge_of_the_stream_reads_as_the_whole_read(tmp_path: Path, name: str) -> None:
    """Where the stream's own choices lie: a first piece too short to hold the header's rows,
    the header at the last row it is sought in and one past it, a sheet of the header alone
    then thousands of empty rows, one of no row at all, the end of the table in the first
    piece, pieces holding nothing to place."""
    path, pieces, first_rows, in_pieces = _edge(name, tmp_path)
    blocks: list[int] = []
    real = validate._ColumnsInPieces.add

    def add(self: Any, block: list[Any]) -> None:
        blocks.append(len(block))
        real(self, block)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(validate._ColumnsInPieces, "add", add)
        assert_same_check(path, pieces, first_rows)
    assert (len(blocks) >= 2) == in_pieces, blocks


def test_a_sheet_that_broke_is_not_read_in_pieces_again(tmp_path: Path, monkeypatch: Any) -> None:
    """A piece that cannot be placed sends the file to be checked again, whole: its sheet is
    then read whole at once, not begun in pieces again to break at the same piece."""
    base = plain(tmp_path / "base.xlsx", 300, [(5, "phone")])
    path = _rewritten(base, tmp_path / "moved.xlsx", HOSTILE["row-moved-to-the-end"])
    whole = checked(path, None)
    streams = spy_streams(monkeypatch)
    split = checked(path, 6)
    assert split[0].to_json("en") == whole[0].to_json("en")
    assert streams == [True], streams


@pytest.mark.parametrize(("merges", "refilled"), [([], False), ([(200, 4, UNIT)], True)])
def test_merged_ranges_that_fill_nothing_keep_the_pieces_parse(
    tmp_path: Path, monkeypatch: Any, merges: list[tuple[int, int, int]], refilled: bool
) -> None:
    """A merged title (nearly every district's) fills no data cell: the columns parsed a piece
    at a time are kept. A unit merged down the data rows fills cells of its column only: that
    column is taken again and parsed whole, the others' parse in pieces stands."""
    path = plain(tmp_path / "t.xlsx", 300, [(5, "phone")], title_merged=True, merges=merges)
    used: list[bool] = []
    again: list[set[int]] = []
    real_columns, real_refill = validate._ColumnsInPieces.columns, validate._ColumnsInPieces.refill

    def columns(self: Any) -> Any:
        used.append(True)
        return real_columns(self)

    def refill(self: Any, filled: set[int]) -> None:
        again.append(set(filled))
        real_refill(self, filled)

    monkeypatch.setattr(validate._ColumnsInPieces, "columns", columns)
    monkeypatch.setattr(validate._ColumnsInPieces, "refill", refill)
    assert assert_same_check(path, 6, first_rows=60) >= 4
    assert used  # the pieces' parse was used either way
    assert again == ([{UNIT}] if refilled else [])


@pytest.fixture(autouse=True, scope="module")
def _say_how_they_were_read() -> Any:
    yield
    if LONG:
        print(f"\nstream fuzz: {dict(SEEN)}")
