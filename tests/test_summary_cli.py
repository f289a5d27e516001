"""`ledger summarize`: the official workbook cell by cell, JSON, Wuhan report, --check."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from helpers import annex2_row, write_annex2
from ledgercli.cli import cli
from test_summary import rows_bing, rows_jia, rows_yi


@pytest.fixture
def city(tmp_path: Path) -> Path:
    d = tmp_path / "in"
    d.mkdir()
    write_annex2(d / "jia.xlsx", rows_jia())
    write_annex2(d / "yi.xlsx", rows_yi())
    write_annex2(d / "bing.xlsx", rows_bing())
    return d


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_annex4_workbook_cell_by_cell(city: Path, tmp_path: Path) -> None:
    """Title, unit row, the 4-row merged header of the seed, values with formats, 合计."""
    out = tmp_path / "annex4.xlsx"
    result = run("summarize", str(city), "--annex", "4", "-o", str(out), "--lang", "en")
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["附件4", "图表"]
    ws = wb["附件4"]
    assert ws["A1"].value == "防范和化解拖欠中小企业账款问题化解情况汇总表"
    assert ws["A2"].value == "数量：件          金额：万元"
    header = {
        "A3": "序号",
        "B3": "部门街镇",
        "C3": "总体情况",
        "K3": "化解情况",
        "C4": "拖欠数量",
        "H4": "涉及金额",
        "K4": "无分歧问题",
        "S4": "有分歧问题",
        "AA4": "进入司法程序",
        "C5": "数量总计",
        "D5": "其中",
        "H5": "拖欠总金额",
        "I5": "清偿总金额",
        "J5": "清偿率（%）",
        "K5": "数量小计",
        "L5": "清偿金额小计",
        "M5": "清偿完毕",
        "O5": "部分清偿",
        "Q5": "协议还款",
        "S5": "数量小计",
        "T5": "清偿金额小计",
        "U5": "清偿完毕",
        "W5": "部分清偿",
        "Y5": "协议还款",
        "AA5": "数量",
        "AB5": "金额",
        "D6": "自行排查",
        "E6": "国务院“互联网+督查”转",
        "F6": "部登记（投诉）平台转",
        "G6": "其他",
        "M6": "数量",
        "N6": "金额",
        "W6": "数量",
        "X6": "金额",
        "Z6": "金额",
    }
    for ref, text in header.items():
        assert ws[ref].value == text, ref
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert merged == {
        "A1:AB1",
        "A2:AB2",
        "A3:A6",
        "B3:B6",
        "C3:J3",
        "K3:AB3",
        "C4:G4",
        "H4:J4",
        "K4:R4",
        "S4:Z4",
        "AA4:AB4",
        "C5:C6",
        "D5:G5",
        "H5:H6",
        "I5:I6",
        "J5:J6",
        "K5:K6",
        "L5:L6",
        "M5:N5",
        "O5:P5",
        "Q5:R5",
        "S5:S6",
        "T5:T6",
        "U5:V5",
        "W5:X5",
        "Y5:Z5",
        "AA5:AA6",
        "AB5:AB6",
        "A10:B10",  # 合计 across 序号 and 部门街镇
    }
    # Rows 7-9 are 丙镇, 乙街道, 甲街道 (by name); row 10 the total.
    assert [ws.cell(r, 2).value for r in range(7, 10)] == ["丙镇", "乙街道", "甲街道"]
    assert [ws.cell(r, 1).value for r in range(7, 11)] == [1, 2, 3, "合计"]
    jia = [ws.cell(9, c).value for c in range(3, 29)]
    assert jia[:16] == [4, 1, 1, 1, 1, 200.6234, 120, 59.81, 2, 100, 1, 100, 0, 0, 1, 30.5]
    assert [ws.cell(9, c).value for c in range(19, 29)] == [2, 20, 0, 0, 1, 20, 0, 0, 2, 30.1234]
    assert ws["J7"].value is None  # 丙镇 owes 0: 清偿率 blank
    assert ws["J10"].value == 65.04
    assert ws["H10"].value == 250.6234
    assert ws["C10"].value == 7
    assert ws["C9"].data_type == "n" and ws["C9"].number_format == "0"
    assert ws["H9"].number_format == "0.0000"
    assert ws["J9"].number_format == "0.00"
    assert ws["H10"].data_type == "n"  # a value, not a formula
    assert ws.freeze_panes == "C7"
    assert ws.page_setup.orientation == "landscape"
    assert (ws.page_setup.fitToWidth or 1) == 1  # absent is OOXML's default, 1 page wide
    assert ws.page_setup.fitToHeight == 0  # as many pages down as it takes
    assert ws.print_title_rows == "$3:$6"  # the header repeats on every printed page
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws["C9"].border.left.style == "thin"
    chart_sheet = wb["图表"]
    assert len(chart_sheet._charts) == 1
    assert [chart_sheet.cell(r, 1).value for r in range(2, 5)] == ["丙镇", "乙街道", "甲街道"]
    assert [chart_sheet.cell(r, 2).value for r in range(2, 5)] == [None, 86, 59.81]
    # The chart prints on one landscape page, not cut across four.
    assert chart_sheet.page_setup.orientation == "landscape"
    assert chart_sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert chart_sheet.page_setup.fitToHeight in (None, 1)


def test_annex3_workbook_positions(city: Path, tmp_path: Path) -> None:
    """Annex 3: column A the unit, 3 header rows as the seed, data from row 6."""
    out = tmp_path / "a3.xlsx"
    assert run("summarize", str(city), "--annex", "3", "-o", str(out)).exit_code == 0
    ws = openpyxl.load_workbook(out)["附件3"]
    expected = {
        "A3": "街镇、部门、央企总公司",
        "B3": "问题来源",
        "J3": "总计",
        "B4": "自行排查",
        "D4": "国务院“互联网+督查”",
        "F4": "工业和信息化部登记（投诉）平台",
        "H4": "其他",
        "J4": "问题数量",
        "K4": "涉及金额",
        "B5": "数量",
        "C5": "金额",
        "I5": "金额",
    }
    for ref, text in expected.items():
        assert ws[ref].value == text, ref
    assert {str(r) for r in ws.merged_cells.ranges} == {
        "A1:K1",
        "A2:K2",
        "A3:A5",
        "B3:I3",
        "J3:K3",
        "B4:C4",
        "D4:E4",
        "F4:G4",
        "H4:I4",
        "J4:J5",
        "K4:K5",
    }
    assert [ws.cell(8, c).value for c in range(1, 12)] == [
        "甲街道",
        1,
        100,
        1,
        50,
        1,
        30.5,
        1,
        20.1234,
        4,
        200.6234,
    ]
    assert [ws.cell(9, c).value for c in (1, 10, 11)] == ["合计", 7, 250.6234]
    assert ws.freeze_panes == "B6"


def test_json_output_and_no_workbook(city: Path, tmp_path: Path, monkeypatch: Any) -> None:
    """--format json prints rows keyed by header path; without -o no workbook is written."""
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["summarize", str(city), "--annex", "3", "--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert set(data) == {
        "form",
        "title",
        "unit",
        "columns",
        "rows",
        "total",
        "cases",
        "warnings",
        "not_reported",
        "skipped",
    }
    assert data["not_reported"] is None  # no roster given
    assert data["skipped"] == {
        "merged": [],
        "summaries": [],
        "contact_forms": [],
        "copies": [],
        "files": [],
    }
    assert data["total"] == {
        "街镇、部门、央企总公司": "合计",
        "问题来源/自行排查/数量": 2,
        "问题来源/自行排查/金额": "100.0000",
        "问题来源/国务院“互联网+督查”/数量": 1,
        "问题来源/国务院“互联网+督查”/金额": "50.0000",
        "问题来源/工业和信息化部登记（投诉）平台/数量": 1,
        "问题来源/工业和信息化部登记（投诉）平台/金额": "30.5000",
        "问题来源/其他/数量": 3,
        "问题来源/其他/金额": "70.1234",
        "总计/问题数量": 7,
        "总计/涉及金额": "250.6234",
    }
    assert not (tmp_path / "annex3.xlsx").exists()


def test_terminal_table_and_warnings_in_both_languages(city: Path, tmp_path: Path) -> None:
    """The table shows units and 合计; the error-row warning is said in Chinese and English."""
    out = tmp_path / "a4.xlsx"
    zh = run("summarize", str(city), "--annex", "4", "-o", str(out), "--lang", "zh")
    assert "甲街道" in zh.output and "合计" in zh.output and "200.6234" in zh.output
    assert "1行存在错误（涉及拖欠金额0.0000万元），已计入汇总" in zh.output
    en = run("summarize", str(city), "--annex", "4", "-o", str(out), "--lang", "en", "--force")
    assert "1 row(s) with errors (0.0000 万元 owed) are counted" in en.output
    assert f"written: {out}" in en.output


def test_default_input_missing_and_default_output(
    city: Path, tmp_path: Path, monkeypatch: Any
) -> None:
    """Without INPUT and without ./city.xlsx: a clear message, exit 2; default output name."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    result = run("summarize", "--annex", "4", "--lang", "en")
    assert result.exit_code == 2
    assert "there is no city.xlsx in the current folder" in result.output
    assert run("summarize", str(city), "--annex", "4").exit_code == 0
    assert (work / "annex4.xlsx").exists()


def test_overwrite_refused_without_force_and_input_never(city: Path, tmp_path: Path) -> None:
    """An existing output needs --force; an input is never overwritten, even with --force."""
    out = tmp_path / "a4.xlsx"
    assert run("summarize", str(city), "-o", str(out)).exit_code == 0
    again = run("summarize", str(city), "-o", str(out), "--lang", "en")
    assert again.exit_code == 2
    assert run("summarize", str(city), "-o", str(out), "--force").exit_code == 0
    jia = city / "jia.xlsx"
    before = jia.read_bytes()
    clash = run("summarize", str(jia), "-o", str(jia), "--force", "--lang", "en")
    assert clash.exit_code == 2
    assert jia.read_bytes() == before


def test_check_finds_a_planted_difference(city: Path, tmp_path: Path) -> None:
    """--check: the recomputed annex agrees with itself; a changed cell is listed, exit 1."""
    reported = tmp_path / "reported.xlsx"
    assert run("summarize", str(city), "--annex", "4", "-o", str(reported)).exit_code == 0
    same = run("summarize", str(city), "--annex", "4", "--check", str(reported), "--lang", "en")
    assert same.exit_code == 0, same.output
    assert "agrees" in same.output
    wb = openpyxl.load_workbook(reported)
    ws = wb["附件4"]
    ws["H9"] = 199.6234  # 甲街道 拖欠总金额 under-reported by 1 万元
    ws["D8"] = 1  # 乙街道 自行排查 1 instead of 0
    wb.save(reported)
    result = CliRunner().invoke(
        cli,
        ["summarize", str(city), "--annex", "4", "--check", str(reported), "--format", "json"],
    )
    assert result.exit_code == 1
    diffs = json.loads(result.stdout)["check"]["differences"]
    assert diffs[:2] == [
        {
            "unit": "乙街道",
            "column": "总体情况/拖欠数量/其中/自行排查",
            "reported": 1,
            "computed": "0",
            "row": 8,
            "against": "detail",
        },
        {
            "unit": "甲街道",
            "column": "总体情况/涉及金额/拖欠总金额",
            "reported": 199.6234,
            "computed": "200.6234",
            "row": 9,
            "against": "detail",
        },
    ]
    # The 合计 was left as it was, so it no longer adds up to the reported rows themselves.
    assert [
        (d["column"], d["reported"], d["computed"], d["row"], d["against"]) for d in diffs[2:]
    ] == [
        ("总体情况/拖欠数量/其中/自行排查", 2, "3", 10, "rows"),
        ("总体情况/涉及金额/拖欠总金额", 250.6234, "249.6234", 10, "rows"),
        ("总体情况/涉及金额/清偿率（%）", 65.04, "65.30", 10, "rows"),
    ]
    table = run("summarize", str(city), "--annex", "4", "--check", str(reported), "--lang", "zh")
    assert table.exit_code == 1
    assert "5处问题" in table.output and "报送表各行之和" in table.output


def test_check_skips_subtotals_and_names_a_repeated_unit(city: Path, tmp_path: Path) -> None:
    """A 小计 row is neither a unit nor part of the sum of rows; a unit written twice is named
    (its second row still counts in the sum the 合计 is checked against)."""
    reported = tmp_path / "reported.xlsx"
    assert run("summarize", str(city), "--annex", "4", "-o", str(reported)).exit_code == 0
    wb = openpyxl.load_workbook(reported)
    ws = wb["附件4"]
    assert [ws.cell(r, 2).value for r in (8, 9, 10)] == ["乙街道", "甲街道", None]
    width = ws.max_column
    ws.insert_rows(10, 2)
    for col in range(3, width + 1):
        ws.cell(10, col).value = 7  # a subtotal that adds up to nothing in particular
    ws.cell(10, 2).value = "街镇小计"
    ws.cell(11, 2).value = "甲街道"  # repeated, with no figures: the 合计 still adds up
    wb.save(reported)
    args = ["summarize", str(city), "--annex", "4", "--check", str(reported)]
    result = CliRunner().invoke(cli, [*args, "--format", "json"])
    assert result.exit_code == 1, result.output
    diffs = json.loads(result.stdout)["check"]["differences"]
    assert diffs == [
        {
            "unit": "甲街道",
            "column": "部门街镇",
            "reported": "甲街道",
            "computed": "9",
            "row": 11,
            "against": "repeated",
        }
    ]
    table = run(*args, "--lang", "zh")
    assert "单位重复，同第9行" in table.output and "1处问题" in table.output


def write_wuhan(path: Path, unit: str, rows: list[dict[str, Any]]) -> Path:
    """A Wuhan ledger: title, 填报单位 row, two-level header, data."""
    top = [
        "序号",
        "问题线索受理日期",
        "线索来源",
        "被拖欠企业（经纪人）",
        None,
        None,
        "拖欠主体（债务人）",
        None,
        None,
        "合同名称",
        "合同金额",
        "拖欠金额（万元）",
        "欠款类型",
        None,
        None,
        None,
        "约定最迟付款时间",
        "合同等证明材料",
        "有无分歧",
        "是否进入司法程序",
        "其他需要说明问题",
        "办理情况",
        "回访情况",
    ]
    sub = [None] * 3 + ["企业名称", "联系人", "联系方式", "主体名称", "性质", "隶属关系"]
    sub += [None] * 3 + ["1、工程款（万元）", "2、货物采购（万元）", "3、债务（万元）"]
    sub += ["4、其他（万元）"] + [None] * 7
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["拖欠中小企业账款投诉表"])
    ws.append([f"填报单位：{unit}", None, None, "联系人：张三", None, "联系方式：027-85316982"])
    ws.append(top)
    ws.append(sub)
    for i, r in enumerate(rows, start=1):
        owed = r["owed"]
        ws.append(
            [
                i,
                "2022-03-01",
                r.get("source"),
                f"武汉某建材有限公司{i}",
                "李四",
                "13812345678",
                "武汉市江岸区教育局" if r["nature"] == "机关" else "某单位",
                r["nature"],
                None,
                f"{unit}合同{i}",
                owed * 2,
                owed,
                owed,
                None,
                None,
                None,
                "2021-12-31",
                "有",
                "无",
                "否",
                None,
                r["progress"],
                "满意",
            ]
        )
    wb.save(path)
    return path


def test_wuhan_weekly_report(tmp_path: Path) -> None:
    """Wuhan: per 填报单位, 件 and 万元 by 办理情况, 线索来源 and 性质, with a 合计 row."""
    d = tmp_path / "wh"
    d.mkdir()
    write_wuhan(
        d / "jiangan.xlsx",
        "江岸区减负办",
        [
            {"owed": 10, "nature": "机关", "progress": "已清偿完毕", "source": "国家信访转办"},
            {"owed": 5, "nature": "事业单位", "progress": "正在沟通办理", "source": "国家信访转办"},
        ],
    )
    write_wuhan(
        d / "jianghan.xlsx",
        "江汉区减负办",
        [{"owed": 7, "nature": "机关", "progress": "已清偿完毕", "source": "挂牌督办重点线索"}],
    )
    out = tmp_path / "wh.xlsx"
    result = CliRunner().invoke(
        cli, ["summarize", str(d), "--format", "json", "-o", str(out)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["form"] == "wh-weekly"
    rows = {r["填报单位"]: r for r in data["rows"]}
    jiangan = rows["江岸区减负办"]
    assert (jiangan["合计/数量"], jiangan["合计/金额"]) == (2, "15.0000")
    assert jiangan["办理情况/已清偿完毕/数量"] == 1
    assert jiangan["办理情况/已清偿完毕/金额"] == "10.0000"
    assert jiangan["办理情况/正在沟通办理/金额"] == "5.0000"
    assert jiangan["线索来源/国家信访转办/数量"] == 2
    assert jiangan["性质/事业单位/金额"] == "5.0000"
    total = data["total"]
    assert total["填报单位"] == "合计"
    assert (total["合计/数量"], total["合计/金额"]) == (3, "22.0000")
    assert total["办理情况/已清偿完毕/金额"] == "17.0000"
    assert total["线索来源/挂牌督办重点线索/数量"] == 1
    assert total["性质/机关/数量"] == 2
    assert data["warnings"] == []
    ws = openpyxl.load_workbook(out)["周报"]
    assert (ws["A3"].value, ws["B3"].value, ws["B4"].value, ws["D3"].value) == (
        "填报单位",
        "合计",
        "数量",
        "办理情况",
    )


def test_wuhan_weekly_from_merged_workbook(tmp_path: Path) -> None:
    """A merged Wuhan ledger read back keeps each row's 填报单位 as its unit."""
    import json
    import shutil

    from click.testing import CliRunner

    from ledgercli.cli import cli

    src = Path(__file__).parent / "data" / "libreoffice-wuhan.xls"
    subs = tmp_path / "subs"
    subs.mkdir()
    shutil.copy(src, subs / "a.xls")
    city = tmp_path / "city.xlsx"
    r = CliRunner().invoke(cli, ["merge", str(subs), "-o", str(city)])
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(cli, ["summarize", str(city), "--format", "json"])
    data = json.loads(r.output)
    units = [row[data["columns"][0]] for row in data["rows"]]
    assert units == ["江岸区减负办"]


def test_merged_workbook_and_folder_give_the_same_figures(tmp_path: Path) -> None:
    """A merged city workbook (read for its figures only, errors from 校验状态) and the folder
    it was merged from give identical annex 4 rows, with and without --only-valid."""
    import json

    from click.testing import CliRunner

    from ledgercli.cli import cli

    subs = Path(__file__).parent.parent / "sample_data" / "submissions"
    city = tmp_path / "city.xlsx"
    r = CliRunner().invoke(cli, ["merge", str(subs), "--form", "cq-annex2", "-o", str(city)])
    assert r.exit_code == 0, r.output
    for extra in ([], ["--only-valid"], ["--drop-duplicates"]):
        a = CliRunner().invoke(cli, ["summarize", str(city), "--format", "json", *extra])
        b = CliRunner().invoke(
            cli, ["summarize", str(subs), "--form", "cq-annex2", "--format", "json", *extra]
        )
        ja, jb = json.loads(a.stdout), json.loads(b.stdout)
        assert ja["rows"] == jb["rows"] and ja["total"] == jb["total"], extra
        assert ja["cases"] == jb["cases"]
        assert [w["code"] for w in ja["warnings"]] == [w["code"] for w in jb["warnings"]]


def test_by_column_heads_the_unit_column(tmp_path: Path) -> None:
    """--by 性质 groups by 性质 and says so in the first column's header."""
    import json

    from click.testing import CliRunner

    from ledgercli.cli import cli

    subs = Path(__file__).parent.parent / "sample_data" / "submissions"
    r = CliRunner().invoke(
        cli,
        [
            "summarize",
            str(subs),
            "--form",
            "cq-annex2",
            "--annex",
            "3",
            "--by",
            "性质",
            "--format",
            "json",
        ],
    )
    data = json.loads(r.stdout)
    assert data["columns"][0] == "性质"
    assert {row["性质"] for row in data["rows"]} <= {
        "政府序列部门（含政府投融资平台）",
        "非政府序列部门",
        "事业单位",
        "大型企业（央企）",
        "大型企业（地方国企）",
        "大型企业（民营、外资）",
        "（未填）",
    }


def test_unit_name_like_a_formula_stays_text(tmp_path: Path) -> None:
    """A unit called '=HYPERLINK(...)' in a submission is text in the summary workbook, in the
    table and on the chart sheet, never a formula."""
    from helpers import annex2_row

    d = tmp_path / "in"
    d.mkdir()
    name = '=HYPERLINK("http://x","甲")'
    path = write_annex2(d / "a.xlsx", [annex2_row(街镇部门="甲")])
    wb = openpyxl.load_workbook(path)
    cell = next(c for c in wb.active[3] if c.value == "甲")
    cell.value = name
    cell.data_type = "s"  # typed as text in the district's workbook
    wb.save(path)
    out = tmp_path / "annex4.xlsx"
    assert run("summarize", str(d), "--annex", "4", "-o", str(out)).exit_code == 0
    wb = openpyxl.load_workbook(out)
    assert wb["附件4"]["B7"].value == name and wb["附件4"]["B7"].data_type == "s"
    assert wb["图表"]["A2"].value == name and wb["图表"]["A2"].data_type == "s"


def _reported(city: Path, tmp_path: Path) -> tuple[Path, Any]:
    """The recomputed annex 4 as a district would report it: 丙镇, 乙街道, 甲街道, 合计 (row 10)."""
    reported = tmp_path / "reported.xlsx"
    assert run("summarize", str(city), "--annex", "4", "-o", str(reported)).exit_code == 0
    wb = openpyxl.load_workbook(reported)
    ws = wb["附件4"]
    assert [ws.cell(r, 2).value for r in (7, 8, 9)] == ["丙镇", "乙街道", "甲街道"]
    assert ws["A10"].value == "合计" and ws["C10"].value == 7
    return reported, wb


def _check(city: Path, reported: Path) -> tuple[int, list[dict[str, Any]]]:
    args = ["summarize", str(city), "--annex", "4", "--check", str(reported), "--format", "json"]
    result = CliRunner().invoke(cli, args)
    return result.exit_code, json.loads(result.stdout)["check"]["differences"]


def test_check_reads_a_total_labelled_for_the_district(city: Path, tmp_path: Path) -> None:
    """全区合计 below the units is the total, not a subtotal: a wrong figure in it is found."""
    reported, wb = _reported(city, tmp_path)
    ws = wb["附件4"]
    ws.unmerge_cells("A10:B10")
    ws["A10"], ws["B10"], ws["C10"] = None, "全区合计", 999
    wb.save(reported)
    code, diffs = _check(city, reported)
    assert code == 1
    assert [
        (d["unit"], d["column"], d["reported"], d["computed"], d["against"]) for d in diffs
    ] == [
        ("合计", "总体情况/拖欠数量/数量总计", 999, "7", "detail"),
        ("全区合计", "总体情况/拖欠数量/数量总计", 999, "7", "rows"),
    ]


def test_check_second_total_row_is_named_not_summed(city: Path, tmp_path: Path) -> None:
    """合计 then 总计: the second is named as repeating the first and is not added to the units."""
    reported, wb = _reported(city, tmp_path)
    ws = wb["附件4"]
    for col in range(3, ws.max_column + 1):
        ws.cell(11, col).value = ws.cell(10, col).value
    ws["A11"] = "总计"
    wb.save(reported)
    code, diffs = _check(city, reported)
    assert code == 1
    assert [(d["unit"], d["row"], d["computed"], d["against"]) for d in diffs] == [
        ("总计", 11, "10", "repeated")
    ]


def test_check_a_unit_named_like_a_subtotal_is_a_unit(tmp_path: Path) -> None:
    """A unit whose name ends in 小计 is still compared as a unit: the tool's own annex agrees
    with itself."""
    d = tmp_path / "in"
    d.mkdir()
    write_annex2(d / "a.xlsx", rows_jia())
    write_annex2(d / "b.xlsx", [annex2_row(街镇部门="区交通局小计", 合同名称="三号合同")])
    reported = tmp_path / "reported.xlsx"
    assert run("summarize", str(d), "--annex", "4", "-o", str(reported)).exit_code == 0
    code, diffs = _check(d, reported)
    assert (code, diffs) == (0, [])


def test_check_reads_reported_amounts_as_validate_does(city: Path, tmp_path: Path) -> None:
    """200.6234万元 is 200.6234 (no difference); 650,2541 is no number: a difference at its
    cell, and the 合计 is not checked against a sum that would have to guess it."""
    reported, wb = _reported(city, tmp_path)
    ws = wb["附件4"]
    assert ws["H9"].value == 200.6234
    ws["H9"] = "200.6234万元"
    ws["H8"] = "650,2541"
    wb.save(reported)
    code, diffs = _check(city, reported)
    assert code == 1
    assert [(d["unit"], d["column"], d["reported"], d["against"]) for d in diffs] == [
        ("乙街道", "总体情况/涉及金额/拖欠总金额", "650,2541", "detail")
    ]


def test_a_districts_annex_beside_its_ledger_is_skipped_not_unreadable(
    city: Path, tmp_path: Path
) -> None:
    """The usual package is 附件2 plus 附件3/4: in a folder the summary table is skipped with a
    notice by validate, merge and summarize; named on its own it is still refused."""
    annex = city / "附件4-甲街道.xlsx"
    assert run("summarize", str(city), "--annex", "4", "-o", str(annex)).exit_code == 0
    r = run("validate", str(city), "--lang", "en")
    assert r.exit_code == 1, r.output  # the planted error of the fixture, nothing unreadable
    assert "skipped summary tables (annex 3/4)" in r.output and "附件4-甲街道.xlsx" in r.output
    data = json.loads(run("validate", str(city), "--format", "json").output)
    assert data["skipped"] == {"merged": [], "summaries": [str(annex)], "files": []}
    merged = tmp_path / "city.xlsx"
    r = run("merge", str(city), "-o", str(merged), "--format", "json")
    data = json.loads(r.output)
    skipped = [f for f in data["files"] if f["skip_reason"] == "summary-table"]
    assert len(skipped) == 1 and r.exit_code == 0, r.output
    assert all(f["status"] != "unreadable" for f in data["files"])
    r = run("summarize", str(city), "--annex", "4", "--format", "json", "--lang", "en")
    assert r.exit_code == 0, r.output
    r = run("validate", str(annex), "--lang", "en")
    assert r.exit_code == 2 and "is a summary table" in r.output
    # A unit whose folder holds only its annex sent it instead of the ledger: still an error.
    alone = city / "古南"
    alone.mkdir()
    annex.rename(alone / annex.name)
    r = run("validate", str(city), "--lang", "en")
    assert r.exit_code == 2 and "is a summary table" in r.output
    r = run("merge", str(city), "-o", str(tmp_path / "c2.xlsx"), "--lang", "en")
    assert r.exit_code == 1 and "is a summary table" in r.output


def test_check_without_annex_compares_the_table_reported(city: Path, tmp_path: Path) -> None:
    """--check annex3.xlsx without --annex 3: the reported title says which table it is."""
    reported = tmp_path / "annex3.xlsx"
    assert run("summarize", str(city), "--annex", "3", "-o", str(reported)).exit_code == 0
    r = run("summarize", str(city), "--check", str(reported), "--lang", "en")
    assert r.exit_code == 0, r.output
    assert "agrees" in r.output and "问题排查情况汇总表" in r.output
