"""Annotated returns: findings marked on the submission's own cells, the original untouched."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import openpyxl
import pytest
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

from helpers import annex2_row, needs_program, write_annex2
from ledgercli.check.inbox import validate_paths
from ledgercli.check.validate import validate_file
from ledgercli.model.errors import LedgerError
from ledgercli.model.options import Options
from ledgercli.write.annotate import (
    ERROR_FILL,
    RESULT_SHEET,
    WARNING_FILL,
    annotate_file,
    annotate_reports,
)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _bad_rows() -> list[dict[str, object]]:
    """Row 3 clean; row 4 a bad phone and a negative amount; row 5 a repeated 序号 (warning)."""
    return [
        annex2_row(),
        annex2_row(序号=2, 债务人联系电话="123", 拖欠金额=-1, 剩余金额=None, 合同名称="二号合同"),
        annex2_row(序号=2, 合同名称="另一合同"),
    ]


def _styled_submission(path: Path) -> Path:
    """An annex-2 workbook with the district's own styles and a note of its own."""
    write_annex2(path, _bad_rows())
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    ws["A1"].font = Font(name="仿宋", size=18, bold=True, color="FF123456")
    ws["E3"].fill = PatternFill("solid", fgColor="FF00B050")
    ws["K4"].comment = Comment("区里说这个号码待核实", "古南街道")
    ws.column_dimensions["E"].width = 33
    wb.save(path)
    return path


def _fill(cell: object) -> str:
    return cell.fill.fgColor.rgb  # type: ignore[attr-defined]


def test_marks_each_finding_on_its_cell_with_colour_and_comment(tmp_path: Path) -> None:
    """Errors red, warnings amber, every message of a cell in its comment; clean cells untouched."""
    src = write_annex2(tmp_path / "古南街道.xlsx", _bad_rows())
    fr, _ = validate_file(src, Options())
    done = annotate_file(fr, tmp_path / "returned.xlsx", "zh")
    assert (done.converted, done.errors, done.warnings) == (False, 2, 1)
    ws = openpyxl.load_workbook(done.path)["附件2"]
    assert _fill(ws["K4"]) == ERROR_FILL
    assert ws["K4"].comment.text == "[错误] “123”不是有效的手机或固定电话号码"
    assert ws["K4"].comment.author == "ledger"
    assert _fill(ws["R4"]) == ERROR_FILL
    assert ws["R4"].comment.text == "[错误] 金额不能为负数"
    assert _fill(ws["A5"]) == WARNING_FILL
    assert ws["A5"].comment.text == "[警告] 与第4行重复"
    assert ws["B3"].comment is None and ws["B3"].fill.fill_type is None
    assert ws["K4"].value == "123"  # the values themselves are left as sent


def test_several_messages_on_one_cell_share_its_comment(tmp_path: Path) -> None:
    """A cell with an error and a warning is red and its comment holds both, in English too."""
    rows = [annex2_row(拖欠金额=20000, 合同金额=10, 剩余金额=20000)]
    src = write_annex2(tmp_path / "x.xlsx", rows)
    fr, _ = validate_file(src, Options())
    at_r3 = [f.rule for f in fr.findings if (f.column, f.row) == ("R", 3)]
    assert at_r3 == ["amount-suspect-yuan", "owed-exceeds-contract"]
    out = annotate_file(fr, tmp_path / "out.xlsx", "en").path
    ws = openpyxl.load_workbook(out)["附件2"]
    assert _fill(ws["R3"]) == WARNING_FILL
    assert ws["R3"].comment.text.splitlines() == [
        "[warning] the amount owed 20000 万元 looks typed in yuan (at least 10000 万元, 100 "
        "million yuan; 2000 times the contract amount 10 万元); it is counted, and the "
        "summaries state its share: please check it",
        "[warning] the amount owed 20000 is larger than the contract amount 10",
    ]


def test_row_findings_mark_the_row_number_cell(tmp_path: Path) -> None:
    """A finding without a column (a missing column, an empty table) marks column A of its row."""
    headers = [h for h in write_annex2.__globals__["ANNEX2_HEADERS"] if h != "有无分歧"]
    src = write_annex2(tmp_path / "x.xlsx", [annex2_row()], headers=headers)
    fr, _ = validate_file(src, Options())
    missing = [f for f in fr.findings if f.rule == "missing-column"]
    assert [(f.row, f.column, f.header) for f in missing] == [(2, None, "有无分歧")]
    ws = openpyxl.load_workbook(annotate_file(fr, tmp_path / "o.xlsx", "zh").path)["附件2"]
    assert _fill(ws["A2"]) == ERROR_FILL
    assert ws["A2"].comment.text == "[错误] 有无分歧：缺少“有无分歧”列"


def test_result_sheet_lists_findings_with_links_and_counts(tmp_path: Path) -> None:
    """校验结果 comes first, counts by severity, and links every finding to its cell."""
    src = write_annex2(tmp_path / "x.xlsx", _bad_rows())
    fr, _ = validate_file(src, Options())
    wb = openpyxl.load_workbook(annotate_file(fr, tmp_path / "o.xlsx", "zh").path)
    assert wb.sheetnames == [RESULT_SHEET, "附件2"]
    assert wb.active.title == RESULT_SHEET
    ws = wb[RESULT_SHEET]
    assert ws["B2"].value == "x.xlsx"
    assert ws["A6"].value == "错误2个，警告1个，提示0条"
    rows = list(ws.iter_rows(min_row=10, values_only=True))
    assert [r[:4] for r in rows] == [
        (1, "错误", "附件2!K4", "债务人联系电话"),
        (2, "错误", "附件2!R4", "拖欠金额"),
        (3, "警告", "附件2!A5", "序号"),
    ]
    assert rows[0][5] == "“123”不是有效的手机或固定电话号码"
    assert rows[0][6] == "bad-phone"
    assert ws["C10"].hyperlink.location == "'附件2'!K4"
    assert _fill(ws["B10"]) == ERROR_FILL


def test_district_styles_kept_and_original_untouched(tmp_path: Path) -> None:
    """The copy keeps the district's fonts, fills, widths and notes; the original's bytes stay."""
    src = _styled_submission(tmp_path / "styled.xlsx")
    before = _sha(src)
    fr, _ = validate_file(src, Options())
    out = annotate_file(fr, tmp_path / "o.xlsx", "zh").path
    assert _sha(src) == before
    ws = openpyxl.load_workbook(out)["附件2"]
    font = ws["A1"].font
    assert (font.name, font.sz, font.b, font.color.rgb) == ("仿宋", 18, True, "FF123456")
    assert _fill(ws["E3"]) == "FF00B050"
    assert ws.column_dimensions["E"].width == 33
    assert (
        ws["K4"].comment.text
        == "区里说这个号码待核实\n——\n[错误] “123”不是有效的手机或固定电话号码"
    )


def test_output_is_never_the_input(tmp_path: Path) -> None:
    """Writing the annotated copy over the submission is refused; so is a non-.xlsx name."""
    src = write_annex2(tmp_path / "x.xlsx", _bad_rows())
    before = _sha(src)
    fr, _ = validate_file(src, Options())
    with pytest.raises(LedgerError) as exc:
        annotate_file(fr, src, "en", force=True)
    assert exc.value.code == "output-is-input"
    with pytest.raises(LedgerError) as exc:
        annotate_file(fr, tmp_path / "o.xls", "en")
    assert exc.value.code == "annotate-suffix"
    (tmp_path / "o.xlsx").write_text("old")
    with pytest.raises(LedgerError) as exc:
        annotate_file(fr, tmp_path / "o.xlsx", "en")
    assert exc.value.code == "output-exists"
    assert _sha(src) == before


def test_csv_becomes_an_xlsx_of_values_with_a_notice(tmp_path: Path) -> None:
    """A CSV submission is annotated as a new .xlsx of its values; the result sheet says so."""
    xlsx = write_annex2(tmp_path / "x.xlsx", _bad_rows(), title=False)
    src = tmp_path / "古南 街道[1].csv"
    ws = openpyxl.load_workbook(xlsx).active
    lines = [
        ",".join("" if v is None else str(v) for v in r) for r in ws.iter_rows(values_only=True)
    ]
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    fr, _ = validate_file(src, Options())
    said: list[str] = []
    from ledgercli.model.report import Report

    written = annotate_reports(
        Report([fr]), [], tmp_path / "o.xlsx", None, "en", False, notify=said.append
    )
    assert written == [tmp_path / "o.xlsx"]
    assert said[0].startswith(f"{src} is not an .xlsx workbook")
    wb = openpyxl.load_workbook(written[0])
    data = wb.worksheets[1]
    assert data.title == "古南 街道_1_"
    assert data["K3"].value == "123" and data["K3"].data_type == "s"
    assert _fill(data["K3"]) == ERROR_FILL
    notice = [c.value for c in wb[RESULT_SHEET]["A"] if c.value and "new .xlsx" in str(c.value)]
    assert notice == [
        "The submission is a .csv file: this is a new .xlsx holding the values as read, "
        "without the original's formatting."
    ]


needs_soffice = needs_program("soffice")


@needs_soffice
def test_xls_submission_is_annotated_from_its_values(tmp_path: Path) -> None:
    """An .xls (saved by LibreOffice) gets an .xlsx copy with its values and the marks."""
    xlsx = write_annex2(tmp_path / "src.xlsx", _bad_rows())
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
            "--headless",
            "--convert-to",
            "xls",
            "--outdir",
            str(tmp_path),
            str(xlsx),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    src = tmp_path / "src.xls"
    before = _sha(src)
    fr, _ = validate_file(src, Options())
    assert [(f.rule, f.row, f.column) for f in fr.findings if f.severity != "notice"] == [
        ("bad-phone", 4, "K"),
        ("negative-amount", 4, "R"),
        ("duplicate-value", 5, "A"),
    ]
    done = annotate_file(fr, tmp_path / "src-returned.xlsx", "zh")
    assert done.converted
    assert _sha(src) == before
    wb = openpyxl.load_workbook(done.path)
    ws = wb["附件2"]
    assert ws["A1"].value == "防范和化解拖欠中小企业账款专项行动问题化解情况明细表"
    assert ws["E3"].value == "綦江区住房和城乡建设委员会"
    assert _fill(ws["K4"]) == ERROR_FILL and _fill(ws["A5"]) == WARNING_FILL
    assert ws["R4"].comment.text == "[错误] 金额不能为负数"
    links = [c.hyperlink.location for c in wb[RESULT_SHEET]["C"] if c.hyperlink]
    assert links[:1] == ["'附件2'!K4"]


def test_annotate_dir_writes_copies_of_files_with_findings_and_an_index(tmp_path: Path) -> None:
    """--annotate-dir: one copy per file with errors or warnings, named after it, and index.xlsx."""
    subs = tmp_path / "subs"
    subs.mkdir()
    write_annex2(subs / "古南街道.xlsx", _bad_rows())
    write_annex2(subs / "文龙街道.xlsx", [annex2_row(街镇部门="文龙街道")])
    write_annex2(
        subs / "三江街道.xlsx",
        [annex2_row(街镇部门="三江街道"), annex2_row(序号=1, 合同名称="二", 街镇部门="三江街道")],
    )
    (subs / "坏文件.xlsx").write_text("not a workbook")
    before = {p.name: _sha(p) for p in subs.iterdir()}
    report, ledgers = validate_paths([subs], Options())
    out = tmp_path / "returned"
    said: list[str] = []
    written = annotate_reports(report, ledgers, None, out, "zh", False, notify=said.append)
    assert sorted(p.name for p in written) == ["index.xlsx", "三江街道.xlsx", "古南街道.xlsx"]
    assert {p.name: _sha(p) for p in subs.iterdir()} == before
    assert said[-1] == f"已生成退回清单{out / 'index.xlsx'}：2个文件需修改"
    ws = openpyxl.load_workbook(out / "index.xlsx").active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == (
        "单位",
        "文件",
        "表样",
        "错误",
        "警告",
        "状态",
        "标注文件",
        "联系人",
        "联系电话",
        "主要问题",
    )
    assert [(r[0], Path(r[1]).name, r[3], r[4], r[6]) for r in rows[1:]] == [
        (None, "坏文件.xlsx", 1, 0, None),
        ("古南街道", "古南街道.xlsx", 2, 1, "古南街道.xlsx"),
        ("三江街道", "三江街道.xlsx", 0, 1, "三江街道.xlsx"),
        ("文龙街道", "文龙街道.xlsx", 0, 0, None),
    ]
    assert rows[1][5].startswith("无法读取：")
    assert [r[5] for r in rows[2:]] == ["需修改", "请核实警告", "无问题"]
    assert ws["G3"].hyperlink.target == "古南街道.xlsx"
    # Files to fix say what first (their errors, or why they cannot be read); others do not.
    first = rows[2][9].split("\n")
    assert len(first) == 2 and all(line.startswith("附件2!") for line in first)
    assert rows[1][9] and rows[3][9] is None and rows[4][9] is None
    # A second run needs --force, since the copies already exist.
    with pytest.raises(LedgerError) as exc:
        annotate_reports(report, ledgers, None, out, "zh", False)
    assert exc.value.code == "output-exists"
    assert annotate_reports(report, ledgers, None, out, "zh", True)


def test_annotate_one_file_only(tmp_path: Path) -> None:
    """--annotate FILE with several submissions asks for --annotate-dir instead."""
    a = write_annex2(tmp_path / "a.xlsx", _bad_rows())
    b = write_annex2(tmp_path / "b.xlsx", _bad_rows())
    report, ledgers = validate_paths([a, b], Options())
    with pytest.raises(LedgerError) as exc:
        annotate_reports(report, ledgers, tmp_path / "o.xlsx", None, "en", False)
    assert exc.value.code == "annotate-one-file"
    assert "use --annotate-dir" in exc.value.render("en")
    assert not (tmp_path / "o.xlsx").exists()
