"""The merge library and the city workbook: conservation, duplicates, forms, safety."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest

from helpers import (
    CREDITOR,
    DEBTOR,
    WENLONG_ROW,
    annex2_row,
    write_annex2,
    write_roster,
    write_wuhan,
)
from ledgercli.check.inbox import validate_many
from ledgercli.check.validate import validate_file
from ledgercli.merge.plan import check_conservation, merge_paths
from ledgercli.model.errors import LedgerError
from ledgercli.model.forms import input_forms
from ledgercli.model.options import Options
from ledgercli.write import citybook
from ledgercli.write.citybook import write_city

DATA = Path(__file__).parent / "data"


def _annex1(path: Path, unit: str, phone: str = "13812345678") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["街镇、部门防范和化解拖欠中小企业账款专项行动工作联络表"])
    ws.append(["区 县：", unit])
    ws.append(["牵头单位", f"{unit}办事处"])
    ws.append(["责任领导", "张三", "职 务", "副主任", "联系电话", phone])
    ws.append(["联络人", "李四", "职 务", "科员", "联系电话", "023-63895398"])
    wb.save(path)
    return path


def _folder(tmp_path: Path) -> Path:
    """Two good submissions (2 + 1 rows), one with an error row, and the clutter of a real inbox."""
    d = tmp_path / "in"
    d.mkdir()
    write_annex2(
        d / "a.xlsx",
        [annex2_row(), annex2_row(序号=2, 合同名称="二号合同", 拖欠金额=10, 剩余金额=10)],
    )
    write_annex2(d / "b.xlsx", [annex2_row(街镇部门="区交通局", 合同名称="三号合同")])
    write_annex2(
        d / "c.xlsx",
        [
            annex2_row(街镇部门="永新镇", 合同名称="四号合同"),
            annex2_row(序号=2, 街镇部门="永新镇", 合同名称="五号合同", 欠款类型="劳务"),
        ],
    )
    shutil.copy(d / "a.xlsx", d / "~$a.xlsx")
    (d / ".hidden.xlsx").write_bytes(b"PK junk")
    (d / "notes.txt").write_text("请于周五前报送", encoding="utf-8")
    (d / "broken.xlsx").write_bytes(b"PK\x03\x04 this is not a zip at all")
    return d


def test_conservation_with_lock_hidden_junk_and_unreadable(tmp_path: Path) -> None:
    """Clutter is skipped with a notice, the broken file is reported, the rest balance exactly."""
    result = merge_paths([_folder(tmp_path)], Options())
    status = {s.path.name: s.status for s in result.sources}
    assert status == {
        ".hidden.xlsx": "skipped",
        "a.xlsx": "merged",
        "b.xlsx": "merged",
        "broken.xlsx": "unreadable",
        "c.xlsx": "merged",
        "notes.txt": "skipped",
        "~$a.xlsx": "skipped",
    }
    rules = {s.path.name: [f.rule for f in s.notes] for s in result.sources}
    assert rules["~$a.xlsx"] == ["merge-skip-lock-file"]
    assert rules[".hidden.xlsx"] == ["merge-skip-hidden"]
    assert rules["notes.txt"] == ["merge-skip-not-spreadsheet"]
    t = result.totals()
    assert (t["rows_read"], t["rows_written"], t["rows_left_out"]) == (5, 5, 0)
    assert t["unreadable"] == 1 and result.exit_code() == 1
    per_file = {s.path.name: (s.rows_read, s.rows_written, s.rows_left_out) for s in result.merged}
    assert per_file == {"a.xlsx": (2, 2, 0), "b.xlsx": (1, 1, 0), "c.xlsx": (2, 2, 0)}


def test_only_valid_leaves_out_error_rows_and_says_which(tmp_path: Path) -> None:
    """--only-valid: the row with 劳务 is left out, named by file and row, and the books balance."""
    result = merge_paths([_folder(tmp_path)], Options(), only_valid=True)
    t = result.totals()
    assert (t["rows_read"], t["rows_written"], t["rows_left_out"]) == (5, 4, 1)
    c = next(s for s in result.sources if s.path.name == "c.xlsx")
    assert [(lo.row, lo.reason) for lo in c.left_out] == [(4, "errors")]
    msg = c.left_out[0].finding
    assert msg.message("en") == "left out by --only-valid: the row has 1 error(s)"
    assert msg.message("zh") == "该行有1个错误，按 --only-valid 未写入"


def test_conservation_mismatch_fails_loudly(tmp_path: Path) -> None:
    """A row neither written nor left out is a bug: the merge stops before writing."""
    write_annex2(tmp_path / "a.xlsx", [annex2_row(), annex2_row(序号=2, 合同名称="二号")])
    result = merge_paths([tmp_path / "a.xlsx"], Options())
    result.sources[0].kept.pop()
    with pytest.raises(LedgerError) as exc:
        check_conservation(result)
    assert exc.value.code == "merge-conservation"
    assert "read 2, written 1, left out 0" in str(exc.value)


def _two_districts(tmp_path: Path) -> list[Path]:
    """The same 问题编号 from a district and a department, and the same contract without one."""
    gxb = {"问题来源": "工信部平台", "问题编号": "GXB20220400871"}
    a = write_annex2(
        tmp_path / "district.xlsx",
        [annex2_row(**gxb), annex2_row(序号=2, 合同名称="古南大道 改造工程施工合同 ")],
    )
    b = write_annex2(
        tmp_path / "dept.xlsx",
        [
            annex2_row(街镇部门="区住房城乡建委", 合同名称="别的合同", **gxb),
            annex2_row(序号=2, 街镇部门="区住房城乡建委", 合同名称="另一合同"),
        ],
    )
    return [a, b]


def test_duplicates_across_files_are_grouped_and_marked(tmp_path: Path) -> None:
    """The same case in two files is one group; both rows are written and carry its id."""
    a, b = _two_districts(tmp_path)
    result = merge_paths([a, b], Options())
    groups = {
        g.label: [(result.sources[k].path.name, i) for k, i in g.members] for g in result.groups
    }
    assert groups["GXB20220400871"] == [("district.xlsx", 0), ("dept.xlsx", 0)]
    t = result.totals()
    assert (t["rows_read"], t["rows_written"], t["rows_left_out"]) == (4, 4, 0)
    dept = result.sources[1]
    dup = [f for f in dept.notes if f.rule == "merge-duplicate"]
    assert [(f.row, f.severity) for f in dup] == [(3, "warning")]
    assert dup[0].message("en") == "the same case as district.xlsx row 3 (duplicate group D1)"
    assert dup[0].message("zh") == "与district.xlsx第3行为同一案件（重复组D1）"

    out = tmp_path / "city.xlsx"
    write_city(result, out)
    ws = openpyxl.load_workbook(out)["明细"]
    header = [c.value for c in ws[1]]
    g, src, row = header.index("重复组"), header.index("来源文件"), header.index("来源行号")
    marked = [
        (Path(r[src]).name, r[row])
        for r in ws.iter_rows(min_row=2, values_only=True)
        if r[g] == "D1"
    ]
    assert marked == [("district.xlsx", 3), ("dept.xlsx", 3)]


def test_duplicate_by_codes_and_normalized_contract_name(tmp_path: Path) -> None:
    """Without 问题编号, debtor + creditor code + contract name (spaces, width ignored) match."""
    a = write_annex2(tmp_path / "a.xlsx", [annex2_row(合同名称="古南大道改造工程施工合同")])
    b = write_annex2(
        tmp_path / "b.xlsx",
        [annex2_row(街镇部门="区住房城乡建委", 合同名称="古南大道 改造工程施工合同")],
    )
    result = merge_paths([a, b], Options())
    assert [(g.id, g.label, g.members) for g in result.groups] == [
        ("D1", f"{DEBTOR} / {CREDITOR} / 古南大道改造工程施工合同", [(0, 0), (1, 0)])
    ]


def test_drop_duplicates_keeps_the_first_and_names_the_dropped(tmp_path: Path) -> None:
    """--drop-duplicates writes the first of each group and lists the dropped row with the kept one."""
    a, b = _two_districts(tmp_path)
    result = merge_paths([a, b], Options(), drop_duplicates=True)
    t = result.totals()
    assert (t["rows_read"], t["rows_written"], t["rows_left_out"]) == (4, 3, 1)
    dept = result.sources[1]
    assert [(lo.row, lo.reason) for lo in dept.left_out] == [(3, "duplicate")]
    assert dept.left_out[0].finding.message("en") == (
        "left out by --drop-duplicates: the same case as district.xlsx row 3 (duplicate group D1)"
    )


def test_drop_duplicates_keeps_the_valid_twin_of_an_error_row(tmp_path: Path) -> None:
    """With --only-valid, an error row does not take its valid duplicate down with it."""
    bad = write_annex2(tmp_path / "a.xlsx", [annex2_row(欠款类型="劳务")])
    good = write_annex2(tmp_path / "b.xlsx", [annex2_row(街镇部门="区住房城乡建委")])
    result = merge_paths([bad, good], Options(), only_valid=True, drop_duplicates=True)
    assert [s.kept for s in result.sources] == [[], [0]]
    assert [lo.reason for lo in result.sources[0].left_out] == ["errors"]


def test_mixed_forms_are_refused_with_a_listing(tmp_path: Path) -> None:
    """Ledgers of two forms (annex 2 and the Wuhan ledger) in one folder: refused, naming which
    file is which form; the contact form beside them is no ledger and is not listed."""
    write_annex2(tmp_path / "a.xlsx", [annex2_row()])
    write_wuhan(tmp_path / "wuhan.xlsx")
    _annex1(tmp_path / "contact.xlsx", "古南街道")
    with pytest.raises(LedgerError) as exc:
        merge_paths([tmp_path], Options())
    assert exc.value.code == "merge-mixed-forms"
    text = exc.value.render("en")
    assert f"cq-annex2: {tmp_path / 'a.xlsx'}" in text
    assert f"wh-ledger: {tmp_path / 'wuhan.xlsx'}" in text
    assert "contact.xlsx" not in text
    assert "--form" in exc.value.render("zh")


def test_contact_forms_beside_ledgers_are_skipped(tmp_path: Path) -> None:
    """Annex 1 beside annex 2 (the usual package): the ledgers merge without --form, and each
    contact form is skipped with a notice (not its own findings), listed in JSON as skipped."""
    from ledgercli.merge.plan import to_json

    write_annex2(tmp_path / "a.xlsx", [annex2_row(), annex2_row(序号=2, 合同名称="二号合同")])
    _annex1(tmp_path / "contact.xlsx", "古南街道", phone="12345")  # a bad phone: not said
    result = merge_paths([tmp_path], Options())
    assert result.form is not None and result.form.id == "cq-annex2"
    contact = result.sources[1]
    assert (contact.status, contact.skip_reason) == ("skipped", "contact-form")
    assert [(f.rule, f.severity) for f in contact.findings] == [
        ("merge-skip-contact-form", "notice")
    ]
    t = result.totals()
    assert (t["merged"], t["skipped"], t["rows_read"], t["rows_written"]) == (1, 1, 2, 2)
    files = to_json(result, "en")["files"]
    assert [(f["status"], f["skip_reason"]) for f in files] == [
        ("merged", None),
        ("skipped", "contact-form"),
    ]
    # Contact forms alone are what was given: merged into a roster, as before.
    (tmp_path / "a.xlsx").unlink()
    _annex1(tmp_path / "contact2.xlsx", "文龙街道")
    alone = merge_paths([tmp_path], Options())
    assert alone.form is not None and alone.form.id == "cq-annex1"
    assert alone.totals()["rows_read"] == 2


def test_form_option_skips_other_forms_with_a_notice(tmp_path: Path) -> None:
    """--form picks annex 2; the contact form is skipped with a notice and no findings of its own."""
    write_annex2(tmp_path / "a.xlsx", [annex2_row()])
    _annex1(tmp_path / "contact.xlsx", "古南街道", phone="12345")
    result = merge_paths([tmp_path], Options(form="cq-annex2"))
    other = result.sources[1]
    assert other.status == "other-form" and other.skip_reason == "cq-annex1"
    assert [(f.rule, f.severity) for f in other.findings] == [("merge-skip-other-form", "notice")]
    assert other.findings[0].message("en") == (
        "this file is form cq-annex1, not cq-annex2 being merged; skipped"
    )
    assert result.totals()["rows_read"] == 1


def test_contact_forms_merge_into_one_roster(tmp_path: Path) -> None:
    """Annex-1 forms become one roster: one row per unit with leader and liaison."""
    _annex1(tmp_path / "a.xlsx", "古南街道")
    _annex1(tmp_path / "b.xlsx", "文龙街道")
    result = merge_paths([tmp_path], Options())
    out = tmp_path / "roster.xlsx"
    write_city(result, out)
    ws = openpyxl.load_workbook(out)["明细"]
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0][:8]) == [
        "区县",
        "牵头单位",
        "责任领导",
        "职务",
        "联系电话",
        "联络人",
        "职务",
        "联系电话",
    ]
    assert [r[:8] for r in rows[1:]] == [
        (
            "古南街道",
            "古南街道办事处",
            "张三",
            "副主任",
            "13812345678",
            "李四",
            "科员",
            "023-63895398",
        ),
        (
            "文龙街道",
            "文龙街道办事处",
            "张三",
            "副主任",
            "13812345678",
            "李四",
            "科员",
            "023-63895398",
        ),
    ]


def test_roster_validates_back(tmp_path: Path) -> None:
    """The merged roster reads back as annex 1, one record a row (职务 and 联系电话 twice, in
    order); a bad phone typed into it later is found at its row and column."""
    d = tmp_path / "in"
    d.mkdir()
    _annex1(d / "a.xlsx", "古南街道")
    _annex1(d / "b.xlsx", "文龙街道")
    out = tmp_path / "roster.xlsx"
    write_city(merge_paths([d], Options()), out)
    fr, ledger = validate_file(out, Options())
    assert fr.form == "cq-annex1" and fr.merged and fr.rows == 2
    assert [f for f in fr.findings if f.severity != "notice"] == []
    assert ledger is not None and ledger.units() == ["古南街道", "文龙街道"]
    assert ledger.values["leader_title"] == ["副主任", "副主任"]
    assert ledger.values["liaison_phone"] == ["023-63895398", "023-63895398"]
    wb = openpyxl.load_workbook(out)
    wb["明细"]["H3"] = "12345"  # 文龙街道's liaison phone
    wb.save(out)
    fr, _ = validate_file(out, Options())
    assert [(f.rule, f.row, f.column, f.header) for f in fr.findings if f.severity == "error"] == [
        ("bad-phone", 3, "H", "联络人/联系电话")
    ]
    # A merged roster left in the inbox is not merged again.
    (d / "roster.xlsx").write_bytes(out.read_bytes())
    again = merge_paths([d], Options())
    skipped = [s for s in again.sources if s.skip_reason == "merged-workbook"]
    assert [s.path for s in skipped] == [d / "roster.xlsx"] and len(again.merged) == 2


def test_roster_columns_follow_their_label_and_units_meet_forms(tmp_path: Path) -> None:
    """A county's roster with the liaison before the leader: each 职务/联系电话 belongs to the
    name to its left, not to its position. A unit in the roster that also sent its own form is
    one duplicate group across the two files."""
    d = tmp_path / "in"
    d.mkdir()
    _annex1(d / "form.xlsx", "古南街道")
    liaison_first = [
        "区县",
        "牵头单位",
        "联络人",
        "职务",
        "联系电话",
        "责任领导",
        "职务",
        "联系电话",
    ]
    gu = [
        "古南街道",
        "古南街道办事处",
        "李四",
        "科员",
        "023-63895398",
        "张三",
        "副主任",
        "13812345678",
    ]
    wen = WENLONG_ROW
    write_roster(d / "roster.xlsx", [gu, wen], liaison_first)
    fr, ledger = validate_file(d / "roster.xlsx", Options())
    assert ledger is not None and fr.form == "cq-annex1" and fr.rows == 2
    assert [f for f in fr.findings if f.severity != "notice"] == []
    assert ledger.values["leader"] == ["张三", "赵六"]
    assert ledger.values["leader_title"] == ["副主任", "主任"]
    assert ledger.values["liaison_title"] == ["科员", "干事"]
    assert ledger.values["liaison_phone"] == ["023-63895398", "023-63895399"]
    # Through the process pool the ledger comes back as the roster it was read as.
    pooled = validate_many([d / "roster.xlsx", d / "form.xlsx"], Options(), input_forms(), jobs=2)
    assert [lg.form.is_roster for _, lg in pooled if lg is not None] == [True, False]
    result = merge_paths([d], Options(), jobs=2)
    assert [
        (g.label, [(result.sources[k].path.name, i) for k, i in g.members]) for g in result.groups
    ] == [("古南街道", [("form.xlsx", 0), ("roster.xlsx", 0)])]


def test_a_unit_twice_in_a_roster_is_a_warning(tmp_path: Path) -> None:
    """A roster holds one row per unit: a second row for a unit is a warning at its unit cell
    (validate), and the merge's 问题 sheet carries it."""
    d = tmp_path / "in"
    d.mkdir()
    wen = WENLONG_ROW
    write_roster(d / "roster.xlsx", [wen, ["古南街道", *wen[1:]], [" 文龙街道", *wen[1:]]])
    fr, _ = validate_file(d / "roster.xlsx", Options())
    dupes = [f for f in fr.findings if f.rule == "duplicate-unit"]
    assert [(f.severity, f.row, f.column) for f in dupes] == [("warning", 4, "A")]
    assert dupes[0].message("en") == "'文龙街道' already has row 2; a roster holds one row per unit"
    out = tmp_path / "roster.xlsx"
    write_city(merge_paths([d], Options()), out)
    problems = list(openpyxl.load_workbook(out)["问题"].iter_rows(values_only=True))
    assert [(r[2], r[3], r[7]) for r in problems[1:]] == [(4, "A", "duplicate-unit")]


def test_contact_form_liaison_written_as_alias(tmp_path: Path) -> None:
    """联系人 written for 联络人 still heads the 职务 and 联系电话 on its line."""
    p = _annex1(tmp_path / "a1.xlsx", "古南街道")
    wb = openpyxl.load_workbook(p)
    wb.active["A5"] = "联系人"
    wb.save(p)
    fr, ledger = validate_file(p, Options())
    assert [f.rule for f in fr.findings if f.severity != "notice"] == []
    assert ledger is not None and ledger.values["liaison_title"] == ["科员"]


def test_missing_roster_column_says_whose(tmp_path: Path) -> None:
    """With one 职务 and one 联系电话 in a roster, the missing ones are named with the person
    they belong to; so on a contact form without the liaison's line."""
    headers = ["区县", "牵头单位", "责任领导", "职务", "联系电话", "联络人"]
    unit = ["古南街道", "古南街道办事处", "张三", "副主任", "13812345678", "李四"]
    fr, _ = validate_file(write_roster(tmp_path / "r.xlsx", [unit], headers), Options())
    missing = [(f.rule, f.header) for f in fr.findings if f.rule == "missing-column"]
    assert missing == [("missing-column", "联络人/职务"), ("missing-column", "联络人/联系电话")]
    p = _annex1(tmp_path / "a1.xlsx", "古南街道")
    wb = openpyxl.load_workbook(p)
    wb.active.delete_cols(3, 4)  # 职务 and 联系电话 of both lines
    wb.save(p)
    fr, _ = validate_file(p, Options())
    assert [f.header for f in fr.findings if f.rule == "missing-field"] == [
        "责任领导/职务",
        "责任领导/联系电话",
        "联络人/职务",
        "联络人/联系电话",
    ]


def test_wuhan_reporting_unit_becomes_a_column(tmp_path: Path) -> None:
    """A Wuhan ledger merges under its two-level header with 填报单位 as a column."""
    src = tmp_path / "wuhan.xls"
    shutil.copy(DATA / "libreoffice-wuhan.xls", src)
    options = Options(today=dt.date(2026, 1, 1))
    result = merge_paths([src], options)
    out = tmp_path / "city.xlsx"
    write_city(result, out)
    ws = openpyxl.load_workbook(out)["明细"]
    groups = [c.value for c in ws[1]]
    header = [c.value for c in ws[2]]
    assert groups[header.index("企业名称")] == "被拖欠企业（经纪人）"
    col = header.index("填报单位")
    assert [r[col] for r in ws.iter_rows(min_row=3, values_only=True)] == ["江岸区减负办"] * 3
    assert ws.freeze_panes == "A3"
    fr, ledger = validate_file(out, options)
    assert fr.form == "wh-ledger" and fr.rows == 3 and fr.count("error") == 0


PAYLOADS = ["=1+1", "+cmd|' /C calc'!A0", "-2", "@SUM(A1)"]


def test_formula_payloads_are_written_as_text(tmp_path: Path) -> None:
    """'=1+1', '+cmd', '-2', '@SUM(A1)' from a submission are text cells in every sheet."""
    p = write_annex2(
        tmp_path / "a.xlsx",
        [
            annex2_row(
                主体名称=PAYLOADS[0],
                债务人联系人=PAYLOADS[1],
                企业名称=PAYLOADS[2],
                合同名称=PAYLOADS[3],
                拖欠金额="=1+1",
            )
        ],
    )
    # Keep the payloads text in the submission too: a district's cell typed as text.
    wb = openpyxl.load_workbook(p)
    for row in wb.active.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value[:1] in "=+-@":
                cell.data_type = "s"
    wb.save(p)
    result = merge_paths([p], Options())
    out = tmp_path / "city.xlsx"
    write_city(result, out)
    wb = openpyxl.load_workbook(out)
    ws = wb["明细"]
    header = [c.value for c in ws[1]]
    cells = {h: ws.cell(row=2, column=j + 1) for j, h in enumerate(header)}
    for h, v in zip(["主体名称", "债务人联系人", "企业名称", "合同名称"], PAYLOADS, strict=True):
        assert cells[h].value == v and cells[h].data_type == "s", h
    # An amount that is not a number is kept as written, as text, next to its error.
    assert cells["拖欠金额"].value == "=1+1" and cells["拖欠金额"].data_type == "s"
    found = [c for row in wb["问题"].iter_rows(min_row=2) for c in row if c.value == "=1+1"]
    assert found and all(c.data_type == "s" for c in found)
    assert not [c for ws in wb for row in ws.iter_rows() for c in row if c.data_type == "f"]


def test_city_workbook_layout_and_types(tmp_path: Path) -> None:
    """明细: official columns then provenance; codes, phones, months text; amounts 0.0000."""
    p = write_annex2(
        tmp_path / "a.xlsx",
        [annex2_row(问题来源="工信部平台", 问题编号="0012345", 债务人联系电话="023-63895398")],
    )
    result = merge_paths([p], Options())
    out = tmp_path / "city.xlsx"
    write_city(result, out)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["明细", "问题", "来源"]
    ws = wb["明细"]
    header = [c.value for c in ws[1]]
    assert header[:3] == ["序号", "问题来源", "问题编号"]
    assert header[-6:] == [
        "来源文件",
        "来源工作表",
        "来源行号",
        "校验状态",
        "重复组",
        "金额单位核查",
    ]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:AH2"
    cell = {h: ws.cell(row=2, column=j + 1) for j, h in enumerate(header)}
    assert cell["问题来源"].value == "工业和信息化部违约拖欠中小企业款项登记（投诉）平台"
    for h in ("问题编号", "债务人统一社会信用代码", "债务人联系电话", "最迟付款日期"):
        assert cell[h].data_type == "s", h
    assert cell["问题编号"].value == "0012345"
    assert cell["最迟付款日期"].value == "2022-03"
    assert cell["拖欠金额"].value == 50.5 and cell["拖欠金额"].number_format == "0.0000"
    assert cell["来源行号"].value == 3 and cell["校验状态"].value == "通过"
    assert ws.column_dimensions["A"].width > 0
    src = wb["来源"]
    head = [c.value for c in src[1]]
    row = dict(zip(head, [c.value for c in src[2]], strict=True))
    assert row["状态"] == "已合并" and row["读取行数"] == 1 and row["写入行数"] == 1
    assert len(row["SHA-256"]) == 64


def test_too_many_rows_is_refused_before_writing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sheet that would exceed Excel's row limit is refused and no file appears."""
    p = write_annex2(tmp_path / "a.xlsx", [annex2_row(), annex2_row(序号=2, 合同名称="二号")])
    result = merge_paths([p], Options())
    monkeypatch.setattr(citybook, "MAX_ROWS", 2)
    out = tmp_path / "city.xlsx"
    with pytest.raises(LedgerError) as exc:
        write_city(result, out)
    assert exc.value.code == "merge-too-many-rows"
    assert exc.value.params == {"sheet": "明细", "rows": 3, "limit": 2}
    assert not out.exists()
    assert list(tmp_path.glob(".~ledger-*")) == []


def test_output_has_ordinary_permissions(tmp_path: Path) -> None:
    """The city workbook is not left private (0600) by the temporary file it was written through."""
    import os

    p = write_annex2(tmp_path / "a.xlsx", [annex2_row()])
    out = tmp_path / "city.xlsx"
    write_city(merge_paths([p], Options()), out)
    mask = os.umask(0)
    os.umask(mask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~mask
