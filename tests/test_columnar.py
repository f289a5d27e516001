"""Reading a merged city workbook by columns gives what reading it row by row gives."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from ledgercli import columnar
from ledgercli import validate as validate_mod
from ledgercli.cli import cli
from ledgercli.summary import input_columns
from ledgercli.validate import Options, validate_file

SUBS = Path(__file__).parent.parent / "sample_data" / "submissions"


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("city") / "city.xlsx"
    r = CliRunner().invoke(cli, ["merge", str(SUBS), "--form", "cq-annex2", "-o", str(path)])
    assert r.exit_code == 0, r.output
    return path


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
    """Resaved by another program (shared strings), with a title row above the header, a blank
    row, a 合计 row and the 填写说明 under the table: still read by columns, still the same."""
    wb = openpyxl.load_workbook(city)
    ws = wb["明细"]
    last = ws.max_row
    ws.insert_rows(1)
    ws["A1"] = "全市拖欠中小企业账款明细"
    ws.insert_rows(10)  # a blank row inside the data
    ws.cell(last + 3, 2, "合计")
    ws.cell(last + 3, 18, 123.0)
    ws.cell(last + 4, 1, "填写说明：金额单位为万元")
    ws.cell(last + 5, 5, "说明以下不是数据")
    path = tmp_path / "edited.xlsx"
    wb.save(path)
    rules, ledger = _read(path, monkeypatch, by_columns=True)
    assert ("notice", "total-row-skipped", last + 3, None) in rules
    assert ("notice", "data-end", last + 4, None) in rules
    assert ledger.rows[0] == 3 and 10 not in ledger.rows
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
    from ledgercli.workbook import open_book

    book = open_book(path)
    forms = options.forms()
    assert columnar.locate_merged(book, forms, None, options.summary_columns) is None
    ledger = _same(path, monkeypatch, by_columns=False)
    assert ledger.values["owed"][ledger.rows.index(5)] == 12.5


def test_submission_is_not_read_by_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    """A district's own ledger (no 校验状态) is validated in full, not read by columns."""
    from ledgercli.workbook import open_book

    path = next(SUBS.glob("附件2-*.xlsx"))
    options = Options()
    options.summary_columns = input_columns(None)
    book = open_book(path)
    assert columnar.locate_merged(book, options.forms(), None, options.summary_columns) is None
