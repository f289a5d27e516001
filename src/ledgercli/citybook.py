"""Writing the city workbook of a merge: sheets 明细 (the cases), 问题 (every finding) and 来源
(every input file).

The workbook is streamed (openpyxl write-only mode) so a city of a hundred thousand cases is
written in seconds. Every piece of text from a submission becomes a text cell, so '=1+1' or
'@SUM(A1)' typed by a district stays text and never runs as a formula on the clerk's machine.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from .errors import LedgerError
from .ledger import Ledger
from .merge import MergeResult, Source, all_findings, check_conservation, status_of
from .report import Finding
from .workbook import col_letter
from .writer import (
    AMOUNT_FORMAT,
    MAX_SHEET_ROWS,
    atomic_save,
    check_output,
    header_style,
)

DETAIL_SHEET = "明细"
FINDINGS_SHEET = "问题"
SOURCES_SHEET = "来源"
PROVENANCE = ["来源文件", "来源工作表", "来源行号", "校验状态", "重复组"]
FINDINGS_HEADERS = ["文件", "工作表", "行", "列", "表头", "值", "级别", "规则", "说明"]
FINDINGS_WIDTHS = [36, 12, 7, 5, 20, 24, 7, 22, 60]
SEVERITY_WORD = {
    "zh": {"error": "错误", "warning": "警告", "notice": "提示"},
    "en": {"error": "error", "warning": "warning", "notice": "notice"},
}
STATUS_WORD = {
    "merged": "已合并",
    "skipped": "已跳过",
    "other-form": "表样不同，已跳过",
    "unreadable": "无法读取",
}
SKIP_WORD = {"lock-file": "锁定文件", "hidden": "隐藏文件", "not-spreadsheet": "非电子表格"}
DATE_FORMAT = "yyyy-mm-dd"
# Tests lower this to check the refusal without writing a million rows.
MAX_ROWS = MAX_SHEET_ROWS
# Kinds whose parsed value is text: written as text cells whatever they look like.
_TEXT_KINDS = {"text", "enum", "month", "credit_code", "phone"}


@dataclass
class _Column:
    header: str
    group: str | None
    width: int
    kind: str  # a form kind, or "meta" / "provenance"
    key: str


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
    columns, header_rows = _detail_columns(result)
    findings = all_findings(result)
    written_total = sum(s.rows_written for s in result.sources)
    for sheet, rows in (
        (DETAIL_SHEET, header_rows + written_total),
        (FINDINGS_SHEET, 1 + len(findings)),
        (SOURCES_SHEET, 1 + len(result.sources)),
    ):
        if rows > MAX_ROWS:
            raise LedgerError("merge-too-many-rows", sheet=sheet, rows=rows, limit=MAX_ROWS)

    written: dict[int, int] = {}

    def save(tmp: str) -> None:
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        written.update(_write_detail(wb, result, columns, header_rows))
        # The books are checked against what was really emitted before the file is renamed
        # into place: a mismatch leaves no output at all.
        check_conservation(result, written)
        _write_findings(wb, findings, lang)
        _write_sources(wb, result)
        wb.save(tmp)

    atomic_save(save, out)
    return written


def _detail_columns(result: MergeResult) -> tuple[list[_Column], int]:
    form = result.form
    assert form is not None
    cols: list[_Column] = []
    if form.kind == "keyvalue":
        for f in form.fields:
            cols.append(_Column(f.label, None, max(12, 2 * len(f.label) + 4), "text", f.key))
    else:
        for c in form.columns:
            width = min(max(c.width, len(c.header) + 4), 30)
            cols.append(_Column(c.header, c.group, width, c.kind, c.key))
        if form.unit_metadata:
            label = next(m.label for m in form.metadata if m.key == form.unit_metadata)
            cols.append(_Column(label, None, 20, "meta", form.unit_metadata))
    widths = [36, 12, 9, 9, 8]
    for name, w in zip(PROVENANCE, widths, strict=True):
        cols.append(_Column(name, None, w, "provenance", name))
    header_rows = 2 if any(c.group for c in cols) else 1
    return cols, header_rows


def _text_cell(ws: Any, value: str, style: dict[str, Any] | None = None) -> Any:
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=value)
    # After the value: openpyxl infers 'f' for '=…', and a submission must never run a formula.
    cell.data_type = "s"
    if style:
        for name, v in style.items():
            setattr(cell, name, v)
    return cell


def _prepare(ws: Any, widths: list[int], header_rows: int) -> None:
    """Widths and the frozen header must be set before the first row is streamed."""
    for j, w in enumerate(widths):
        ws.column_dimensions[col_letter(j)].width = w
    ws.freeze_panes = f"A{header_rows + 1}"


def _header(ws: Any, cols: list[_Column], header_rows: int) -> None:
    style = header_style()
    if header_rows == 2:
        # The group over its columns (repeated, as a streamed sheet cannot merge cells);
        # an ungrouped column shows its name in both rows, as a vertically merged cell reads.
        ws.append([_text_cell(ws, c.group or c.header, style) for c in cols])
    ws.append([_text_cell(ws, c.header, style) for c in cols])


def _write_detail(
    wb: Any, result: MergeResult, cols: list[_Column], header_rows: int
) -> dict[int, int]:
    from openpyxl.cell import WriteOnlyCell

    ws = wb.create_sheet(DETAIL_SHEET)
    _prepare(ws, [c.width for c in cols], header_rows)
    last = header_rows + sum(s.rows_written for s in result.sources)
    ws.auto_filter.ref = f"A{header_rows}:{col_letter(len(cols) - 1)}{max(last, header_rows)}"
    _header(ws, cols, header_rows)
    written: dict[int, int] = {}
    seq = 0
    for k, src in enumerate(result.sources):
        if src.status != "merged" or src.ledger is None:
            continue
        led = src.ledger
        file_name = str(src.path)
        unit = src.ledger.unit
        for i in src.kept:
            seq += 1
            row: list[Any] = []
            for c in cols:
                if c.kind == "provenance":
                    row.append(
                        _provenance(ws, c.key, file_name, led, i, result.group_of.get((k, i)))
                    )
                elif c.kind == "meta":
                    row.append(_text_cell(ws, unit) if unit else None)
                elif c.header == "序号" and led.form.kind == "table":
                    # The city ledger is numbered anew; 来源文件 + 来源行号 trace each row back.
                    row.append(seq)
                else:
                    row.append(_cell(ws, WriteOnlyCell, c.kind, led.get(c.key, i), _raw(led, c, i)))
            ws.append(row)
            written[k] = written.get(k, 0) + 1
    return written


def _raw(led: Ledger, c: _Column, i: int) -> Any:
    col = led.raw.get(c.key)
    return None if col is None else col[i]


def _provenance(ws: Any, key: str, file_name: str, led: Ledger, i: int, group: str | None) -> Any:
    if key == "来源文件":
        return _text_cell(ws, file_name)
    if key == "来源工作表":
        return _text_cell(ws, led.sheet)
    if key == "来源行号":
        return led.rows[i]
    if key == "校验状态":
        return _text_cell(ws, status_of(led, i))
    return _text_cell(ws, group) if group else None


def _cell(ws: Any, cell_type: Any, kind: str, value: Any, raw: Any) -> Any:
    if value is None:
        # A value that did not parse is kept as written, so the clerk sees what was sent.
        text = _raw_text(raw)
        return _text_cell(ws, text) if text else None
    if kind in _TEXT_KINDS or isinstance(value, str):
        return _text_cell(ws, str(value))
    if isinstance(value, Decimal):
        # Excel holds doubles; amounts to 0.0001 万元 are far inside their 15 digits.
        cell = cell_type(ws, value=float(value))
        cell.number_format = AMOUNT_FORMAT
        return cell
    if isinstance(value, dt.date):
        cell = cell_type(ws, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    if isinstance(value, bool | int | float):
        return value
    return _text_cell(ws, str(value))


def _raw_text(raw: Any) -> str | None:
    if raw is None:
        return None
    if isinstance(raw, float):
        return f"{raw:.0f}" if raw.is_integer() else f"{raw:.15g}"
    if isinstance(raw, dt.datetime | dt.date):
        return raw.isoformat()[:10]
    text = str(raw)
    return text if text.strip() else None


def _write_findings(wb: Any, findings: list[tuple[Source, Finding]], lang: str) -> None:
    ws = wb.create_sheet(FINDINGS_SHEET)
    _prepare(ws, FINDINGS_WIDTHS, 1)
    ws.auto_filter.ref = f"A1:{col_letter(len(FINDINGS_HEADERS) - 1)}{len(findings) + 1}"
    style = header_style()
    ws.append([_text_cell(ws, h, style) for h in FINDINGS_HEADERS])
    words = SEVERITY_WORD.get(lang, SEVERITY_WORD["en"])
    for src, f in findings:
        ws.append(
            [
                _text_cell(ws, str(src.path)),
                _text_cell(ws, f.sheet) if f.sheet else None,
                f.row,
                _text_cell(ws, f.column) if f.column else None,
                _text_cell(ws, f.header) if f.header else None,
                _text_cell(ws, f.value) if f.value else None,
                _text_cell(ws, words[f.severity]),
                _text_cell(ws, f.rule),
                _text_cell(ws, f.message(lang)),
            ]
        )


def _write_sources(wb: Any, result: MergeResult) -> None:
    ws = wb.create_sheet(SOURCES_SHEET)
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
    ]
    widths = [40, 20, 14, 11, 12, 20, *[16] * len(meta_labels), 9, 9, 10, 7, 7, 9]
    _prepare(ws, widths, 1)
    ws.auto_filter.ref = f"A1:{col_letter(len(headers) - 1)}{len(result.sources) + 1}"
    style = header_style()
    ws.append([_text_cell(ws, h, style) for h in headers])

    def text(v: str | None) -> Any:
        return _text_cell(ws, v) if v else None

    for s in result.sources:
        status = STATUS_WORD[s.status]
        if s.status == "skipped" and s.skip_reason:
            status += f"（{SKIP_WORD.get(s.skip_reason, s.skip_reason)}）"
        meta = s.report.metadata if s.report is not None else {}
        ws.append(
            [
                text(str(s.path)),
                text(s.sha256),
                text(status),
                text(s.form),
                text(s.report.sheet if s.report is not None else None),
                text(s.unit),
                *[text(meta.get(label)) for label in meta_labels],
                s.rows_read,
                s.rows_written,
                s.rows_left_out,
                s.count("error"),
                s.count("warning"),
                s.duplicates,
            ]
        )
