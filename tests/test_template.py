"""`ledger template`: blank workbooks generated from the schemas."""

from __future__ import annotations

import csv
import datetime as dt
import json
import subprocess
from pathlib import Path
from typing import Any

import openpyxl
from click.testing import CliRunner

from helpers import annex2_row, needs_program, uscc
from ledgercli.check.validate import validate_file
from ledgercli.cli import cli
from ledgercli.model.forms import get_form, load_form
from ledgercli.model.options import Options
from ledgercli.write.template import (
    GUIDE_SHEET,
    LISTS_SHEET,
    build_template,
    layout,
    write_template,
)


def _save(form_id: str, tmp_path: Path) -> Path:
    return write_template(get_form(form_id), tmp_path / f"{form_id}.xlsx")


def _validations(ws: Any) -> dict[str, Any]:
    """Data area validations by the first cell of their range (header-cell prompts left out)."""
    found = {}
    for dv in ws.data_validations.dataValidation:
        ref = str(dv.sqref)
        if ":" in ref:
            found[ref.split(":")[0]] = dv
    return found


def _named_values(wb: Any, name: str) -> list[list[Any]]:
    """The cells a defined name refers to, row by row."""
    ((sheet, ref),) = list(wb.defined_names[name].destinations)
    return [[c.value for c in row] for row in wb[sheet][ref.replace("$", "")]]


def test_every_enum_has_a_dropdown_with_exactly_its_values(tmp_path: Path) -> None:
    """Each enum column of annex 2 and Wuhan gets a list validation holding its exact values."""
    for form_id in ("cq-annex2", "wh-ledger"):
        form = get_form(form_id)
        wb = openpyxl.load_workbook(_save(form_id, tmp_path))
        ws = wb.worksheets[0]
        dvs = _validations(ws)
        first = layout(form).first_data_row
        for j, col in enumerate(form.columns):
            if col.kind != "enum" or not col.values:
                continue
            dv = dvs[f"{openpyxl.utils.get_column_letter(j + 1)}{first}"]
            assert dv.type == "list"
            assert dv.errorStyle == "stop" and dv.showErrorMessage
            values = [r[0] for r in _named_values(wb, dv.formula1)]
            assert values == col.values, (form_id, col.key)
        assert wb[LISTS_SHEET].sheet_state == "hidden"


def test_sector_dropdown_depends_on_nature_through_a_lookup(tmp_path: Path) -> None:
    """债务人所属领域 lists the sectors of the 性质 on its row, via INDIRECT(VLOOKUP(...))."""
    form = get_form("cq-annex2")
    wb = openpyxl.load_workbook(_save("cq-annex2", tmp_path))
    dv = _validations(wb.worksheets[0])["I3"]
    assert dv.type == "list"
    assert dv.formula1 == "INDIRECT(VLOOKUP($G3,L_sector_lookup,2,FALSE))"
    assert str(dv.sqref) == "I3:I1002"
    lookup = _named_values(wb, "L_sector_lookup")
    assert [p for p, _ in lookup] == list(form.by_key["sector"].values_by.map)  # type: ignore[union-attr]
    for parent, name in lookup:
        # Defined names must be plain ASCII: parent values hold Chinese parentheses.
        assert name.isascii()
        got = [r[0] for r in _named_values(wb, name)]
        assert got == form.by_key["sector"].values_by.map[parent]  # type: ignore[union-attr]


def test_number_rules_text_formats_and_input_messages(tmp_path: Path) -> None:
    """Counts are whole ≥ 0, amounts decimal ≥ 0 (> 0 for 拖欠金额), codes/phones/months text."""
    wb = openpyxl.load_workbook(_save("cq-annex2", tmp_path))
    ws = wb.worksheets[0]
    dvs = _validations(ws)
    assert (dvs["A3"].type, dvs["A3"].operator, dvs["A3"].formula1) == (
        "whole",
        "greaterThanOrEqual",
        "0",
    )
    assert (dvs["Q3"].type, dvs["Q3"].operator, dvs["Q3"].formula1) == (
        "decimal",
        "greaterThanOrEqual",
        "0",
    )
    assert (dvs["R3"].type, dvs["R3"].operator, dvs["R3"].formula1) == (
        "decimal",
        "greaterThan",
        "0",
    )
    assert (dvs["F3"].type, dvs["F3"].formula1) == ("textLength", "18")
    # 问题编号 (C), codes (F, M), phones (K, O) and months (T) keep what was typed as text.
    for letter in "CFKMOT":
        assert ws[f"{letter}3"].number_format == "@"
        assert ws[f"{letter}1002"].number_format == "@"
    assert ws["Q3"].number_format == "0.0000"
    # Every column says what it takes, on the header cell and on the data area.
    prompts = {str(dv.sqref): dv.prompt for dv in ws.data_validations.dataValidation}
    for j in range(1, 29):
        letter = openpyxl.utils.get_column_letter(j)
        assert prompts[f"{letter}2"], letter
        assert prompts[f"{letter}3:{letter}1002"] == prompts[f"{letter}2"]
    assert prompts["B2"].startswith("必填。从下拉列表选择：自行排查、国务院“互联网+督查”")
    assert prompts["C2"].startswith("问题来源为“国务院“互联网+督查””或")
    assert all(len(p) <= 255 for p in prompts.values())


def test_annex2_title_header_widths_and_frozen_header(tmp_path: Path) -> None:
    """Annex 2: the official title over the header in the official order, widths from the schema."""
    form = get_form("cq-annex2")
    wb = openpyxl.load_workbook(_save("cq-annex2", tmp_path))
    ws = wb.worksheets[0]
    assert ws.title == "附件2"
    assert ws["A1"].value == "防范和化解拖欠中小企业账款专项行动问题化解情况明细表"
    assert "A1:AB1" in {str(r) for r in ws.merged_cells.ranges}
    assert [ws.cell(2, j).value for j in range(1, 29)] == [c.header for c in form.columns]
    assert ws.column_dimensions["E"].width == 24
    assert ws.freeze_panes == "A3"
    assert wb.sheetnames == ["附件2", LISTS_SHEET, GUIDE_SHEET]


def test_wuhan_two_level_header_and_reporter_row(tmp_path: Path) -> None:
    """Wuhan: 填报单位/联系人/联系方式 above a two-level header with merged groups."""
    wb = openpyxl.load_workbook(_save("wh-ledger", tmp_path))
    ws = wb.worksheets[0]
    assert ws["A1"].value == "拖欠中小企业账款投诉表"
    row2 = [v for v in next(ws.iter_rows(min_row=2, max_row=2, values_only=True)) if v]
    assert row2 == ["填报单位：", "联系人：", "联系方式："]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert ws["D3"].value == "被拖欠企业（经纪人）" and "D3:F3" in merged
    assert [ws[f"{c}4"].value for c in "DEF"] == ["企业名称", "联系人", "联系方式"]
    assert ws["G3"].value == "拖欠主体（债务人）" and "G3:I3" in merged
    assert ws["M3"].value == "欠款类型" and "M3:P3" in merged
    assert ws["A3"].value == "序号" and "A3:A4" in merged
    assert ws.freeze_panes == "A5"
    dvs = _validations(ws)
    assert (dvs["B5"].type, dvs["B5"].formula2) == ("date", "TODAY()")
    assert ws["B5"].number_format == "yyyy-mm-dd"


def test_guide_sheet_lists_every_column_and_the_seed_notes(tmp_path: Path) -> None:
    """填写说明 has one line per column (kind, rule, allowed values) and the seed's wording."""
    form = get_form("cq-annex2")
    wb = openpyxl.load_workbook(_save("cq-annex2", tmp_path))
    ws = wb[GUIDE_SHEET]
    rows = list(ws.iter_rows(min_row=4, max_row=3 + len(form.columns), values_only=True))
    assert [r[1] for r in rows] == [c.header for c in form.columns]
    by_header = {r[1]: r for r in rows}
    assert by_header["拖欠金额"][3:6] == ("金额（万元）", "必填", "大于0；单位万元，最多4位小数")
    assert by_header["欠款类型"][6] == "工程、货物、服务"
    assert by_header["债务人所属领域"][6].startswith("政府序列部门（含政府投融资平台）：发展改革、")
    assert by_header["隶属关系"][4] == (
        "性质为“大型企业（央企）”或“大型企业（地方国企）”或“大型企业（民营、外资）”时必填"
    )
    texts = [c.value for c in ws["A"] if isinstance(c.value, str)]
    assert "说明：" in texts
    assert f"7、{form.notes[6]}" in texts


def _fill_annex2(path: Path) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    headers = [c.value for c in ws[2]]
    rows = [
        annex2_row(),
        annex2_row(
            序号=2,
            问题来源="工业和信息化部违约拖欠中小企业款项登记（投诉）平台",
            问题编号="0012345",
            性质="非政府序列部门",
            债务人所属领域="宣传部",
            合同名称="宣传片制作合同",
            欠款类型="服务",
            清偿完毕金额=50.5,
            剩余金额=0,
            剩余金额约定最迟偿还时间=None,
        ),
        annex2_row(
            序号=3,
            性质="大型企业（央企）",
            隶属关系="中国某建设集团",
            债务人所属领域=None,
            主体名称="某央企重庆分公司",
            债务人统一社会信用代码=uscc("91500000MA5U00001"),
            合同名称="货物采购合同",
            欠款类型="货物",
            有无分歧="有",
            协议还款金额=20,
            协议约定最迟偿还时间="2022-10",
        ),
    ]
    for i, row in enumerate(rows, start=3):
        for j, h in enumerate(headers, start=1):
            if row[h] is not None:
                ws.cell(i, j).value = row[h]
    wb.save(path)


def test_filled_annex2_template_validates_clean(tmp_path: Path) -> None:
    """Valid values typed into the annex-2 template give 0 findings of any severity."""
    path = _save("cq-annex2", tmp_path)
    _fill_annex2(path)
    fr, ledger = validate_file(path, Options())
    assert fr.form == "cq-annex2"
    assert [(f.severity, f.rule, f.row, f.column) for f in fr.findings] == []
    assert ledger is not None and len(ledger) == 3
    assert ledger.values["case_no"][1] == "0012345"  # leading zeros survive the text format


def test_filled_wuhan_template_validates_clean(tmp_path: Path) -> None:
    """A Wuhan template with its 填报单位 row and one valid case gives 0 findings."""
    path = _save("wh-ledger", tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    ws["B2"] = "江汉区经信局"
    ws["I2"] = "张三"
    ws["P2"] = "027-85551234"
    values = [
        1,
        dt.date(2022, 4, 8),
        "国家信访转办",
        "武汉某科技有限公司",
        "李四",
        "13912345678",
        "某区城建公司",
        "大型企业（国企）",
        "某城投集团",
        "道路工程合同",
        100,
        30,
        30,
        None,
        None,
        None,
        dt.date(2022, 1, 8),
        "有",
        "无",
        "否",
        None,
        "正在沟通办理",
        None,
    ]
    for j, v in enumerate(values, start=1):
        if v is not None:
            ws.cell(5, j).value = v
    wb.save(path)
    fr, ledger = validate_file(path, Options())
    assert fr.form == "wh-ledger"
    assert [(f.severity, f.rule, f.row, f.column) for f in fr.findings] == []
    assert fr.metadata == {"填报单位": "江汉区经信局", "联系人": "张三", "联系方式": "027-85551234"}
    assert ledger is not None and ledger.unit == "江汉区经信局"


def test_filled_annex1_template_validates_clean(tmp_path: Path) -> None:
    """The key–value annex 1 template, filled in its value cells, gives 0 findings."""
    path = _save("cq-annex1", tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    assert [ws["A3"].value, ws["A5"].value, ws["A6"].value, ws["C6"].value] == [
        "区县：",
        "牵头单位",
        "责任领导",
        "职务",
    ]
    for ref, v in {
        "B3": "綦江区",
        "B5": "区经济信息委",
        "B6": "赵六",
        "D6": "副主任",
        "F6": "13812345678",
        "B7": "袁丁",
        "D7": "科员",
        "F7": "023-48612345",
    }.items():
        ws[ref] = v
    wb.save(path)
    fr, ledger = validate_file(path, Options())
    assert fr.form == "cq-annex1"
    assert fr.findings == []
    assert ledger is not None and ledger.values["liaison_phone"] == ["023-48612345"]


def test_custom_schema_template(tmp_path: Path) -> None:
    """--schema: a custom form's columns, dropdown and guide come from its TOML file."""
    schema = tmp_path / "city.toml"
    schema.write_text(
        """
id = "x-city"
kind = "table"
title = "某市拖欠账款台账"
title_en = "A city's ledger"
notes = ["金额单位：万元。"]

[[columns]]
key = "unit"
header = "填报单位"
en = "Unit"
kind = "text"
required = true

[[columns]]
key = "owed"
header = "拖欠金额"
en = "Owed"
kind = "amount"
positive = true

[[columns]]
key = "kind"
header = "类型"
en = "Kind"
kind = "enum"
values = ["甲", "乙（丙）"]
""",
        encoding="utf-8",
    )
    form = load_form(schema)
    wb = build_template(form, rows=10)
    ws = wb.worksheets[0]
    assert ws.title == "某市拖欠账款台账"
    assert [c.value for c in ws[2]] == ["填报单位", "拖欠金额", "类型"]
    dv = _validations(ws)["C3"]
    assert str(dv.sqref) == "C3:C12"
    assert [r[0] for r in _named_values(wb, dv.formula1)] == ["甲", "乙（丙）"]
    assert wb[GUIDE_SHEET]["A9"].value == "1、金额单位：万元。"


needs_soffice = needs_program("soffice")


def _soffice(args: list[str], cwd: Path) -> None:
    profile = (cwd / "lo-profile").as_uri()
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile}", "--headless", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        timeout=180,
    )


@needs_soffice
def test_libreoffice_opens_the_template_and_keeps_its_validations(tmp_path: Path) -> None:
    """LibreOffice reads the template (CSV of the form sheet) and re-saves every validation."""
    path = _save("cq-annex2", tmp_path)
    out = tmp_path / "lo"
    _soffice(
        [
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76",
            "--outdir",
            str(out),
            path.name,
        ],
        tmp_path,
    )
    with (out / "cq-annex2.csv").open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][0] == "防范和化解拖欠中小企业账款专项行动问题化解情况明细表"
    assert rows[1] == [c.header for c in get_form("cq-annex2").columns]
    _soffice(["--convert-to", "xlsx", "--outdir", str(out), path.name], tmp_path)
    wb = openpyxl.load_workbook(out / "cq-annex2.xlsx")
    dvs = _validations(wb["附件2"])
    assert dvs["I3"].formula1 == "INDIRECT(VLOOKUP($G3,L_sector_lookup,2,0))"
    assert [r[0] for r in _named_values(wb, dvs["S3"].formula1)] == ["工程", "货物", "服务"]


@needs_soffice
def test_libreoffice_evaluates_the_dependent_list(tmp_path: Path) -> None:
    """In LibreOffice the dependent-list formula yields the sectors of the chosen 性质."""
    path = _save("cq-annex2", tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    ws["G3"] = "非政府序列部门"
    ws["G4"] = "政府序列部门（含政府投融资平台）"
    probe = wb.create_sheet("probe", 0)
    for k in range(1, 4):
        probe.cell(1, k).value = f"=INDEX(INDIRECT(VLOOKUP(附件2!$G3,L_sector_lookup,2,FALSE)),{k})"
    probe["A2"] = "=ROWS(INDIRECT(VLOOKUP(附件2!$G4,L_sector_lookup,2,FALSE)))"
    wb.save(path)
    out = tmp_path / "lo"
    _soffice(
        [
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76",
            "--outdir",
            str(out),
            path.name,
        ],
        tmp_path,
    )
    with (out / "cq-annex2.csv").open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["政法委", "宣传部", "其他"]
    assert rows[1][0] == "10"


def test_cli_writes_the_template_and_refuses_to_overwrite(tmp_path: Path) -> None:
    """`ledger template` writes the file, says so in the chosen language, and needs --force."""
    out = tmp_path / "附件2.xlsx"
    runner = CliRunner()
    res = runner.invoke(cli, ["template", "--form", "cq-annex2", "-o", str(out), "--lang", "zh"])
    assert res.exit_code == 0, res.output
    assert "已生成cq-annex2空白表样" in res.output
    assert openpyxl.load_workbook(out).sheetnames[0] == "附件2"
    res = runner.invoke(cli, ["template", "--form", "cq-annex2", "-o", str(out), "--lang", "en"])
    assert res.exit_code == 2
    assert "already exists; add --force to overwrite it" in res.output
    res = runner.invoke(
        cli, ["template", "--form", "wh-ledger", "-o", str(out), "--force", "--lang", "en"]
    )
    assert res.exit_code == 0
    assert "wrote the blank wh-ledger template" in res.output
    a1 = tmp_path / "附件1.xlsx"
    res = runner.invoke(cli, ["template", "--form", "cq-annex1", "-o", str(a1), "--lang", "zh"])
    assert res.exit_code == 0 and "（8个栏目）" in res.output and "0行" not in res.output
    assert openpyxl.load_workbook(out).worksheets[0]["A1"].value == "拖欠中小企业账款投诉表"


def test_cli_rejects_bad_arguments(tmp_path: Path) -> None:
    """Unknown forms, a missing form, both --form and --schema, or a non-.xlsx name: no file."""
    runner = CliRunner()
    out = tmp_path / "t.xlsx"
    res = runner.invoke(cli, ["template", "--form", "nope", "-o", str(out), "--lang", "en"])
    assert res.exit_code == 2 and "unknown form 'nope'" in res.output
    assert "cq-annex2" in res.output and "cq-annex4" not in res.output  # only forms to fill
    res = runner.invoke(cli, ["template", "-o", str(out)])
    assert res.exit_code == 2 and "give --form or --schema" in res.output
    res = runner.invoke(cli, ["template", "--form", "cq-annex2", "-o", str(tmp_path / "t.xls")])
    assert res.exit_code == 2 and ".xlsx" in res.output
    assert not out.exists()


def test_cli_json_output(tmp_path: Path) -> None:
    """--format json prints the form, path, column count and data rows."""
    out = tmp_path / "t.xlsx"
    res = CliRunner().invoke(
        cli, ["template", "--form", "cq-annex2", "-o", str(out), "--rows", "5", "--format", "json"]
    )
    assert res.exit_code == 0
    assert json.loads(res.output) == {
        "form": "cq-annex2",
        "path": str(out),
        "columns": 28,
        "rows": 5,
    }
    assert str(_validations(openpyxl.load_workbook(out).worksheets[0])["B3"].sqref) == "B3:B7"
