"""Writing the city workbook of a merge: sheets 明细 (the cases), 问题 (every finding) and 来源
(every input file).

The workbook is streamed (xlsxwriter, constant-memory mode) one source file at a time, from the
rows the readers spilled to disk, so a national merge of a million cases holds one file's rows
in memory, not the whole ledger. Every piece of text from a submission becomes a text cell
(write_string, and the workbook never turns strings into formulas, numbers or links), so '=1+1'
or '@SUM(A1)' typed by a district stays text and never runs on the clerk's machine.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ledgercli.merge.plan import MergeResult, Source, all_findings, check_conservation
from ledgercli.model.amountunit import MARK_HEADER, MARK_TEXT, describe
from ledgercli.model.cityformat import (
    DETAIL_SHEET,
    FINDINGS_SHEET,
    SOURCES_SHEET,
    Column,
    Plain,
    detail_columns,
    form_columns,
    status_text,
)
from ledgercli.model.errors import LedgerError
from ledgercli.model.numbers import AMOUNT_FORMAT, DATE_FORMAT
from ledgercli.model.report import Finding, severity_word
from ledgercli.write.base import MAX_SHEET_ROWS, XLSX_HEADER_FORMAT, atomic_save, check_output

FINDINGS_HEADERS = ["文件", "工作表", "行", "列", "表头", "值", "级别", "规则", "说明"]
FINDINGS_WIDTHS = [36, 12, 7, 5, 20, 24, 7, 22, 60]
STATUS_WORD = {
    "merged": "已合并",
    "skipped": "已跳过",
    "other-form": "表样不同，已跳过",
    "unreadable": "无法读取",
}
SKIP_WORD = {
    "lock-file": "锁定文件",
    "hidden": "隐藏文件",
    "not-spreadsheet": "非电子表格",
    "merged-workbook": "已合并的汇总台账",
    "summary-table": "汇总表（附件3/4）",
    "folder-link": "指向已读取文件夹的链接",
    "folder-unreadable": "文件夹无法打开",
    "copy": "与另一文件完全相同的副本",
    "contact-form": "联络表（附件1）",
}
NOT_REPORTED_WORD = "未报送"
# Tests lower this to check the refusal without writing a million rows.
MAX_ROWS = MAX_SHEET_ROWS


# The workbook's own options: a string is only ever a string.
_BOOK_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
    # A million rows of long text can pass 4 GB of sheet XML; zip64 records are written only
    # for a member that needs them (1,020,000 rows × 33 columns here: 1.6 GB, none).
    "use_zip64": True,
}


def write_city(
    result: MergeResult,
    out: Path,
    inputs: Iterable[Path] = (),
    force: bool = False,
    lang: str = "zh",
) -> dict[int, int]:
    """Write the city workbook atomically; returns data rows written per source index.

    Refuses (LedgerError) before touching the disk when the output is an input, exists without
    `force`, or a sheet would need more rows than Excel allows.
    """
    check_output(out, inputs, force)
    if result.form is None:
        raise LedgerError("no-inputs", path=", ".join(str(s.path) for s in result.sources))
    columns, header_rows = detail_columns(result.form)
    findings = all_findings(result)
    written_total = sum(s.rows_written for s in result.sources)
    for sheet, rows in (
        (DETAIL_SHEET, header_rows + written_total),
        (FINDINGS_SHEET, 1 + len(findings)),
        (SOURCES_SHEET, 1 + len(result.sources) + len(result.not_reported or [])),
    ):
        if rows > MAX_ROWS:
            raise LedgerError("merge-too-many-rows", sheet=sheet, rows=rows, limit=MAX_ROWS)

    written: dict[int, int] = {}

    def save(tmp: str) -> None:
        import xlsxwriter

        wb = xlsxwriter.Workbook(tmp, _BOOK_OPTIONS)
        try:
            fmt = _Formats(wb)
            written.update(_write_detail(wb, fmt, result, columns, header_rows))
            # The books are checked against what was really emitted before the file is renamed
            # into place: a mismatch leaves no output at all.
            check_conservation(result, written)
            _write_findings(wb, fmt, findings, lang)
            _write_sources(wb, fmt, result)
        finally:
            wb.close()

    atomic_save(save, out, replace=force)
    return written


class _Formats:
    def __init__(self, wb: Any) -> None:
        self.header = wb.add_format(XLSX_HEADER_FORMAT)
        self.amount = wb.add_format({"num_format": AMOUNT_FORMAT})
        self.date = wb.add_format({"num_format": DATE_FORMAT})


def _prepare(ws: Any, widths: list[int], header_rows: int) -> None:
    for j, w in enumerate(widths):
        ws.set_column(j, j, w)
    ws.freeze_panes(header_rows, 0)


def _text_row(ws: Any, r: int, values: list[str], fmt: Any) -> None:
    for j, v in enumerate(values):
        ws.write_string(r, j, v, fmt)


def _write_detail(  # long: one streaming pass over every row of a city: no call per cell
    wb: Any, fmt: _Formats, result: MergeResult, cols: list[Column], header_rows: int
) -> dict[int, int]:
    ws = wb.add_worksheet(DETAIL_SHEET)
    _prepare(ws, [c.width for c in cols], header_rows)
    last = header_rows + sum(s.rows_written for s in result.sources)
    ws.autofilter(header_rows - 1, 0, max(last, header_rows) - 1, len(cols) - 1)
    if header_rows == 2:
        # The group over its columns (repeated: one filter row, no merged cells to trip a
        # sort); an ungrouped column shows its name in both rows, as a vertically merged cell.
        _text_row(ws, 0, [c.group or c.header for c in cols], fmt.header)
    _text_row(ws, header_rows - 1, [c.header for c in cols], fmt.header)

    form = result.form
    assert form is not None
    # Where each kind of cell goes: the submission's own cells in their order, then ours.
    own = {id(c) for c in form_columns(cols, form)}
    own_at = [j for j, c in enumerate(cols) if id(c) in own]
    seq_at = [
        j
        for j, c in enumerate(cols)
        if c.header == "序号" and form.kind == "table" and id(c) not in own
    ]
    meta_at = [j for j, c in enumerate(cols) if c.kind == "meta"]
    # Where the unit sits among the submission's own cells: written under its canonical name.
    unit_at = next(
        (n for n, c in enumerate(form_columns(cols, form)) if c.key == form.unit_column), None
    )
    prov_at = {c.key: j for j, c in enumerate(cols) if c.kind == "provenance"}
    write_string = ws.write_string
    write_number = ws.write_number
    write_datetime = ws.write_datetime
    write_boolean = ws.write_boolean
    amount, date = fmt.amount, fmt.date
    j_file, j_sheet = prov_at["来源文件"], prov_at["来源工作表"]
    j_row, j_status, j_group = prov_at["来源行号"], prov_at["校验状态"], prov_at["重复组"]
    j_mark = prov_at[MARK_HEADER]

    written: dict[int, int] = {}
    r = header_rows - 1
    seq = 0
    for k, src in enumerate(result.sources):
        data = src.data
        if src.status != "merged" or data is None or not src.kept:
            continue
        cells = data.load()
        file_name = str(src.path)
        renames = src.renames
        unit = renames.get(data.unit, data.unit) if data.unit else data.unit
        rename_at = unit_at if renames else None
        unit = data.unit
        marks = data.marks
        row_units = data.row_units
        sheet_of = data.row_sheets
        group_of = result.group_of
        for i in src.kept:
            r += 1
            seq += 1
            row = cells[i]
            if rename_at is not None and row[rename_at] in renames:
                row = (*row[:rename_at], renames[row[rename_at]], *row[rename_at + 1 :])
            for j, v in zip(own_at, row, strict=True):
                t = type(v)
                if t is str:
                    write_string(r, j, v)
                elif t is float:
                    write_number(r, j, v, amount)
                elif v is None:
                    continue
                elif t is int or t is Plain:
                    write_number(r, j, v)
                elif t is bool:
                    write_boolean(r, j, v)
                else:
                    write_datetime(r, j, v, date)
            for j in seq_at:
                write_number(r, j, seq)
            here = row_units[i] if row_units is not None else unit
            if here and renames:
                here = renames.get(here, here)
            if here:
                for j in meta_at:
                    write_string(r, j, here)
            write_string(r, j_file, file_name)
            write_string(r, j_sheet, sheet_of[i])
            write_number(r, j_row, data.rows[i])
            write_string(r, j_status, status_text(data.errors[i], data.warnings[i]))
            gid = group_of.get((k, i))
            if gid:
                write_string(r, j_group, gid)
            if marks and marks[i]:
                # Converted amounts are written in 万元; a conflict row as written, and no
                # summary counts it (the column says why).
                write_string(r, j_mark, MARK_TEXT[marks[i]])
        written[k] = len(src.kept)
        del cells
    return written


def _write_findings(
    wb: Any, fmt: _Formats, findings: list[tuple[Source, Finding]], lang: str
) -> None:
    ws = wb.add_worksheet(FINDINGS_SHEET)
    _prepare(ws, FINDINGS_WIDTHS, 1)
    ws.autofilter(0, 0, len(findings), len(FINDINGS_HEADERS) - 1)
    _text_row(ws, 0, FINDINGS_HEADERS, fmt.header)
    for r, (src, f) in enumerate(findings, start=1):
        _row(
            ws,
            r,
            [
                str(src.path),
                f.sheet,
                f.row,
                f.column,
                f.header,
                f.value,
                severity_word(f.severity, lang),
                f.rule,
                f.message(lang),
            ],
        )


def _row(ws: Any, r: int, values: list[Any]) -> None:
    """Text as text cells, counts as numbers, nothing for None or ''."""
    for j, v in enumerate(values):
        if v is None or v == "":
            continue
        if isinstance(v, str):
            ws.write_string(r, j, v)
        else:
            ws.write_number(r, j, v)


def _write_sources(wb: Any, fmt: _Formats, result: MergeResult) -> None:
    ws = wb.add_worksheet(SOURCES_SHEET)
    meta_labels: list[str] = []
    for s in result.sources:
        for label in s.report.metadata if s.report is not None else {}:
            if label not in meta_labels:
                meta_labels.append(label)
    headers = [
        "文件",
        "SHA-256",
        "状态",
        "表样",
        "工作表",
        "单位",
        *meta_labels,
        "读取行数",
        "写入行数",
        "未写入行数",
        "错误",
        "警告",
        "重复行数",
        MARK_HEADER,
    ]
    widths = [40, 20, 14, 11, 12, 20, *[16] * len(meta_labels), 9, 9, 10, 7, 7, 9, 40]
    _prepare(ws, widths, 1)
    ws.autofilter(0, 0, len(result.sources) + len(result.not_reported or []), len(headers) - 1)
    _text_row(ws, 0, headers, fmt.header)
    for r, s in enumerate(result.sources, start=1):
        status = STATUS_WORD[s.status]
        if s.status == "skipped" and s.skip_reason:
            status += f"（{SKIP_WORD.get(s.skip_reason, s.skip_reason)}）"
        meta = s.report.metadata if s.report is not None else {}
        _row(
            ws,
            r,
            [
                str(s.path),
                s.sha256,
                status,
                s.form,
                "、".join(s.sheets) or None,
                s.unit,
                *[meta.get(label) for label in meta_labels],
                s.rows_read,
                s.rows_written,
                s.rows_left_out,
                s.count("error"),
                s.count("warning"),
                s.duplicates,
                # In Chinese, as the sheet's other words (状态): the workbook is the city's.
                describe(s.report.amount_unit if s.report is not None else None, "zh") or None,
            ],
        )
    # A unit of the roster that sent nothing is a row too: the sheet answers "who sent what".
    for r, name in enumerate(result.not_reported or [], start=len(result.sources) + 1):
        _row(ws, r, [None, None, NOT_REPORTED_WORD, None, None, name])
