"""Reading a merged city workbook by columns gives what reading it row by row gives."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from ledgercli.check import validate as validate_mod
from ledgercli.check.validate import forms_for, validate_file
from ledgercli.model.options import Options
from ledgercli.read import columnar
from ledgercli.summary.figures import input_columns

SUBS = Path(__file__).parent.parent / "sample_data" / "submissions"


def _read(path: Path, monkeypatch: pytest.MonkeyPatch, by_columns: bool) -> Any:
    """(findings, ledger) of a summary read, by columns only or row by row only."""
    options = Options()
    options.summary_columns = input_columns(None)
    with monkeypatch.context() as m:
        if by_columns:

            def refuse(*args: Any, **kwargs: Any) -> Any:
                raise AssertionError("read row by row, not by columns")

            m.setattr(validate_mod, "locate", refuse)
        else:
            m.setattr(columnar, "locate_merged", lambda *args: None)
        fr, ledger = validate_file(path, options)
    assert fr.readable, fr.findings
    findings = [(f.severity, f.rule, f.row, f.column) for f in fr.findings]
    return findings, ledger


def _same(path: Path, monkeypatch: pytest.MonkeyPatch, by_columns: bool = True) -> Any:
    cols, ledger_c = _read(path, monkeypatch, by_columns)
    rows, ledger_r = _read(path, monkeypatch, False)
    assert cols == rows
    assert ledger_c.rows == ledger_r.rows
    assert ledger_c.errors == ledger_r.errors
    assert ledger_c.values == ledger_r.values
    assert ledger_c.extras["status"] == ledger_r.extras["status"]
    return ledger_c


def test_city_workbook_by_columns(city: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The merged workbook as merge wrote it: the same rows, values and errors either way."""
    ledger = _same(city, monkeypatch)
    assert len(ledger) > 50 and any(ledger.errors)


def test_edited_workbook_by_columns(
    city: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Resaved by another program (shared strings), with a title above the header (not in
    column A), a 合计 row and the 填写说明 under the table: still read by columns, the same."""
    wb = openpyxl.load_workbook(city)
    ws = wb["明细"]
    last = ws.max_row
    ws.insert_rows(1, 2)
    ws["C2"] = "全市拖欠中小企业账款明细"  # the sheet's first used row is 2, its header row 3
    ws.cell(last + 3, 2, "合计")
    ws.cell(last + 3, 18, 123.0)
    ws.cell(last + 4, 1, "填写说明：金额单位为万元")
    ws.cell(last + 5, 5, "说明以下不是数据")
    path = tmp_path / "edited.xlsx"
    wb.save(path)
    rules, ledger = _read(path, monkeypatch, by_columns=True)
    assert ("notice", "total-row-skipped", last + 3, None) in rules
    assert ("notice", "data-end", last + 4, None) in rules
    assert ledger.rows[0] == 4 and ledger.rows[-1] == last + 2
    _same(path, monkeypatch)


def test_text_in_an_amount_falls_back_to_rows(
    city: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An amount cell a clerk typed as text is not read by columns; the ordinary reader reads
    it (and says what it holds)."""
    wb = openpyxl.load_workbook(city)
    ws = wb["明细"]
    col = next(c.column for c in ws[1] if c.value == "拖欠金额")
    ws.cell(5, col, "12.5万")
    path = tmp_path / "typed.xlsx"
    wb.save(path)
    assert columnar.locate_merged is not None
    options = Options()
    options.summary_columns = input_columns(None)
    from ledgercli.read.workbook import open_book

    book = open_book(path)
    forms = forms_for(options)
    assert columnar.locate_merged(book, forms, None, options.summary_columns) is None
    ledger = _same(path, monkeypatch, by_columns=False)
    assert ledger.values["owed"][ledger.rows.index(5)] == 12.5


def test_submission_is_not_read_by_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    """A district's own ledger (no 校验状态) is validated in full, not read by columns."""
    from ledgercli.read.workbook import open_book

    path = next(SUBS.glob("附件2-*.xlsx"))
    options = Options()
    options.summary_columns = input_columns(None)
    book = open_book(path)
    assert columnar.locate_merged(book, forms_for(options), None, options.summary_columns) is None


def _patch(src: Path, dst: Path, change: Any) -> Path:
    """A copy of a merged workbook with its 明细 sheet's XML changed, as other programs write."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = change(data.decode()).encode()
            zout.writestr(item, data)
    return dst


def _append_row(xml: str, cells: str) -> str:
    last = max(int(n) for n in re.findall(r'<row r="(\d+)"', xml))
    row = f'<row r="{last + 1}">' + cells.replace("{r}", str(last + 1)) + "</row>"
    return xml.replace("</sheetData>", row + "</sheetData>")


def _text(ref: str, value: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'


def test_escaped_header_is_decoded(
    city: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A header holding _x000D_ (how OOXML writes a carriage return) is read as calamine reads
    it, so 拖欠金额 is found and read by columns, not missed (which would sum nothing)."""
    path = _patch(
        city,
        tmp_path / "escaped.xlsx",
        lambda x: x.replace("<t>拖欠金额</t>", "<t>拖欠金额_x000D_\n（万元）</t>", 1),
    )
    ledger = _same(path, monkeypatch)
    assert any(ledger.values["owed"])


def test_row_filled_only_in_unread_columns(
    city: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A row with a value only in a column the summary does not read is still a row: the
    workbook is then read the ordinary way, and counts it."""
    path = _patch(city, tmp_path / "stray.xlsx", lambda x: _append_row(x, _text("J{r}", "张三")))
    rows, ledger = _read(path, monkeypatch, by_columns=False)
    assert ledger.rows[-1] == max(ledger.rows)
    assert columnar.locate_merged(_book(path), forms_for(Options()), None, _columns()) is None
    _same(path, monkeypatch, by_columns=False)


def test_empty_text_cell_before_a_total(
    city: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cell holding empty text (a formula's "") is empty: the 合计 after it is a total row."""
    cells = _text("A{r}", "") + _text("B{r}", "合计") + '<c r="R{r}"><v>999</v></c>'
    path = _patch(city, tmp_path / "emptytext.xlsx", lambda x: _append_row(x, cells))
    rules, ledger = _read(path, monkeypatch, by_columns=True)
    assert ("notice", "total-row-skipped", max(ledger.rows) + 1, None) in rules
    _same(path, monkeypatch)


def test_number_in_a_text_column_falls_back(
    city: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 问题编号 typed as a number is an error only the ordinary reader can see (as Excel shows
    it): the workbook is read that way, and the error is there."""
    wb = openpyxl.load_workbook(city)
    ws = wb["明细"]
    col = next(c.column for c in ws[1] if c.value == "问题编号")
    ws.cell(5, col, 20220001.0)
    path = tmp_path / "number.xlsx"
    wb.save(path)
    assert columnar.locate_merged(_book(path), forms_for(Options()), None, _columns()) is None
    rules, _ = _read(path, monkeypatch, by_columns=False)
    assert ("error", "stored-as-number", 5, openpyxl.utils.get_column_letter(col)) in rules


def test_any_surprise_falls_back(city: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The column reader is only a shortcut: an exception inside it means the ordinary reader."""

    def boom(*args: Any) -> Any:
        raise RuntimeError("unexpected")

    monkeypatch.setattr(columnar, "_not_data", boom)
    assert columnar.locate_merged(_book(city), forms_for(Options()), None, _columns()) is None
    fr, _ = validate_file(city, _summary_options())
    assert fr.readable and fr.rows > 50


def _columns() -> frozenset[str]:
    return input_columns(None)


def _summary_options() -> Options:
    options = Options()
    options.summary_columns = _columns()
    return options


def _book(path: Path) -> Any:
    from ledgercli.read.workbook import open_book

    return open_book(path)


def test_header_only_workbook(city: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A merged workbook with its header and no rows: no rows, a warning, no crash, either way."""
    wb = openpyxl.load_workbook(city)
    ws = wb["明细"]
    ws.delete_rows(2, ws.max_row)
    path = tmp_path / "empty.xlsx"
    wb.save(path)
    for by_columns in (True, False):
        rules, ledger = _read(path, monkeypatch, by_columns)
        assert len(ledger) == 0 and ("warning", "no-rows", 1, None) in rules
    fr, _ = validate_file(path, Options())  # validate, which reads every column
    assert fr.readable and [f.rule for f in fr.findings if f.severity != "notice"] == ["no-rows"]
