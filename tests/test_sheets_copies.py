"""Issue 12, three traps of a real inbox: a sheet per town, the same file sent twice, and a
contact form (annex 1) beside the ledgers. Each through validate, merge, summarize, diff and
overdue, on the two-week inbox of `realinbox.py` (figures checked against its ground truth)
and on small workbooks built here."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner, Result

import realinbox
from helpers import ANNEX2_HEADERS, TITLE2, annex2_row, write_annex2
from ledgercli.cli import cli


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, [*args])


def as_json(*args: str) -> Any:
    r = run(*args, "--format", "json")
    assert r.exit_code in (0, 1), r.output
    return json.loads(r.stdout)


@pytest.fixture(scope="module")
def inbox(tmp_path_factory: pytest.TempPathFactory) -> realinbox.Truth:
    return realinbox.build(tmp_path_factory.mktemp("inbox"))


def _truth_rows(truth: realinbox.Week, annex: int) -> dict[str, dict[str, Any]]:
    rows = realinbox.annex_figures(truth.counted(), annex)
    for figures in rows.values():
        for key, value in figures.items():
            if value == "":
                figures[key] = None  # a blank 清偿率 is null in JSON
    return rows


def _unit_rows(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    label = data["columns"][1] if data["columns"][0] == "序号" else data["columns"][0]
    return {row[label]: row for row in data["rows"]}


# --- a sheet per town ---------------------------------------------------------------------


def test_merge_reads_every_sheet_and_counts_them(inbox: realinbox.Truth, tmp_path: Path) -> None:
    """赶水镇.xlsx holds 赶水镇 (10 cases) and 赶水镇（二） (5): all 15 are merged, each row with its
    own 来源工作表 and 来源行号, and the conservation line counts 9 sheets of 8 files; the
    区教委 copy and the contact form are skipped, without --form."""
    w1 = inbox.week1.folder
    city = tmp_path / "city.xlsx"
    data = as_json("merge", str(w1), "-o", str(city))
    t = data["totals"]
    assert (t["merged"], t["skipped"], t["sheets_read"]) == (8, 2, 9)
    assert (t["rows_read"], t["rows_written"], t["rows_left_out"]) == (117, 117, 0)
    assert data["conserved"] is True
    files = {Path(f["path"]).name: f for f in data["files"]}
    ganshui = files["附件2-赶水镇.xlsx"]
    assert ganshui["sheets"] == ["赶水镇", "赶水镇（二）"] and ganshui["sheet"] == "赶水镇"
    assert ganshui["rows_read"] == 15
    copy = files["附件2-区教委(1).xlsx"]
    assert (copy["status"], copy["skip_reason"], copy["rows_read"]) == ("skipped", "copy", 0)
    assert copy["copy_of"] == str(w1 / "附件2-区教委.xlsx")
    assert [f["rule"] for f in copy["findings"]] == ["identical-file"]
    contact = files["附件1-古南街道-联络表.xlsx"]
    assert (contact["status"], contact["skip_reason"]) == ("skipped", "contact-form")

    wb = openpyxl.load_workbook(city, read_only=True)
    ws = wb["明细"]
    header = next(ws.iter_rows(min_row=1, max_row=2, values_only=True))
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    header = [h for h in header]
    j_file, j_sheet, j_row = (header.index(h) for h in ("来源文件", "来源工作表", "来源行号"))
    origin = [(r[j_sheet], r[j_row]) for r in rows if str(r[j_file]).endswith("赶水镇.xlsx")]
    assert origin == [("赶水镇", n) for n in range(3, 13)] + [
        ("赶水镇（二）", n) for n in range(3, 8)
    ]
    sources = {Path(str(r[0])).name: r for r in wb["来源"].iter_rows(min_row=2, values_only=True)}
    assert sources["附件2-赶水镇.xlsx"][4] == "赶水镇、赶水镇（二）"
    assert sources["附件2-区教委(1).xlsx"][2] == "已跳过（与另一文件完全相同的副本）"
    wb.close()

    # Read on two processes, each row still carries its sheet: the same JSON and workbook.
    city2 = tmp_path / "city2.xlsx"
    assert as_json("merge", str(w1), "-o", str(city2), "--jobs", "2") == {
        **data,
        "output": str(city2),
    }
    wb2 = openpyxl.load_workbook(city2, read_only=True)
    assert list(wb2["明细"].iter_rows(min_row=3, values_only=True)) == rows
    wb2.close()

    r = run("merge", str(w1), "-o", str(city), "--force", "--lang", "zh")
    assert "行数核对：读取9个工作表117行 = 写入117行 + 未写入0行 ✓" in r.output
    assert "附件2-赶水镇.xlsx: 2个工作表填有本表，均已读取" in r.output.replace("\n", "")


@pytest.mark.parametrize("annex", [3, 4])
def test_summaries_count_every_sheet_and_each_copy_once(
    inbox: realinbox.Truth, tmp_path: Path, annex: int
) -> None:
    """Annex 3 and 4 rows of 赶水镇 (two sheets) and 区教委 (sent twice) are exactly the truth,
    from the folder and from the city workbook merged from it."""
    w1 = inbox.week1.folder
    truth = _truth_rows(inbox.week1, annex)
    city = tmp_path / "city.xlsx"
    run("merge", str(w1), "-o", str(city))
    for source in (w1, city):
        rows = _unit_rows(as_json("summarize", str(source), "--annex", str(annex)))
        for unit in ("赶水镇", "区教委"):
            got = {k: rows[unit][k] for k in truth[unit]}
            assert got == truth[unit], (source, unit)
    count = "总计/问题数量" if annex == 3 else "总体情况/拖欠数量/数量总计"
    assert (truth["赶水镇"][count], truth["区教委"][count]) == (15, 18)


def _county(path: Path, weeks_on: int = 0) -> Path:
    """Two town sheets of one county workbook; the second sheet's case 2 repays 1 万元 per
    week after the first (`weeks_on`), and its case 3 is overdue since 2022-06."""
    wb = openpyxl.Workbook()
    first = wb.active
    for n, (name, cases) in enumerate((("甲镇", 2), ("乙镇", 3))):
        ws = first if n == 0 else wb.create_sheet()
        ws.title = name
        ws.append([TITLE2])
        ws.append(ANNEX2_HEADERS)
        for i in range(cases):
            row = annex2_row(序号=i + 1, 街镇部门=name, 合同名称=f"{name}{i}号合同")
            if name == "乙镇" and i == 1 and weeks_on:
                row.update(已偿还金额=weeks_on, 剩余金额=50.5 - weeks_on)
            if name == "乙镇" and i == 2:
                row.update(剩余金额约定最迟偿还时间="2022-06")
            ws.append(list(row.values()))
    wb.save(path)
    return path


def test_diff_and_overdue_name_the_sheet_of_a_case(tmp_path: Path) -> None:
    """A repayment on the second sheet is reported where it is (JSON sheet, terminal
    `file:sheet!row`), nothing on the second sheet looks new or vanished, and overdue names
    the sheet too; a merged workbook read back names its 来源工作表."""
    (tmp_path / "w1").mkdir()
    old = _county(tmp_path / "w1" / "county.xlsx")
    new = _county(tmp_path / "w2.xlsx", weeks_on=1)
    data = as_json("diff", str(old), str(new))
    assert (data["totals"]["cases_old"], data["totals"]["cases_new"]) == (5, 5)
    assert data["changes"]["new"] == [] and data["changes"]["vanished"] == []
    (repaid,) = data["changes"]["repaid"]
    assert (repaid["new"]["sheet"], repaid["new"]["row"], repaid["amount"]) == ("乙镇", 4, "1")
    assert repaid["old"]["sheet"] == "乙镇"
    r = run("diff", str(old), str(new), "--lang", "en")
    assert "county.xlsx:乙镇!4 → w2.xlsx:乙镇!4" in r.output

    data = as_json("overdue", str(new), "--as-of", "2022-09")
    (case,) = data["cases"]
    assert (case["sheet"], case["row"], case["unit"]) == ("乙镇", 5, "乙镇")
    r = run("overdue", str(new), "--as-of", "2022-09", "--lang", "en")
    assert "w2.xlsx:乙镇!5" in r.output

    city = tmp_path / "city.xlsx"
    assert run("merge", str(new), "-o", str(city)).exit_code == 0
    data = as_json("overdue", str(city), "--as-of", "2022-09")
    (case,) = data["cases"]
    assert (case["sheet"], case["source_sheet"], case["source_row"]) == ("明细", "乙镇", 5)
    r = run("overdue", str(city), "--as-of", "2022-09", "--lang", "en")
    assert f"({new}:乙镇!5)" in r.output.replace("\n", "")

    # The workbooks -o writes say the same, each version's sheet and its 来源工作表.
    out = tmp_path / "overdue.xlsx"
    r = run("overdue", str(city), "--as-of", "2022-09", "-o", str(out), "--lang", "zh")
    assert r.exit_code == 1
    ws = openpyxl.load_workbook(out).worksheets[1]
    header = [c.value for c in ws[1]]
    row = [c.value for c in ws[2]]
    got = {h: row[header.index(h)] for h in ("位置", "来源文件", "来源工作表", "来源行号")}
    assert got == {
        "位置": f"{city} › 明细 › 6",
        "来源文件": str(new),
        "来源工作表": "乙镇",
        "来源行号": 5,
    }
    out = tmp_path / "changes.xlsx"
    run("diff", str(old), str(new), "-o", str(out), "--lang", "zh")
    wb = openpyxl.load_workbook(out)
    ws = next(ws for ws in wb.worksheets if ws.title == "本周偿还")
    header = [c.value for c in ws[1]]
    row = [c.value for c in ws[2]]
    assert row[header.index("本周位置")] == f"{new} › 乙镇 › 4"
    assert row[header.index("上周位置")] == f"{old} › 乙镇 › 4"


def test_a_case_on_two_sheets_is_a_duplicate_in_merge_and_summaries(tmp_path: Path) -> None:
    """The same case on two town sheets of one file: merge groups it, naming each sheet and
    row; summarize --drop-duplicates counts it once and says where the other row is."""
    wb = openpyxl.Workbook()
    for n, name in enumerate(("甲镇", "乙镇")):
        ws = wb.active if n == 0 else wb.create_sheet()
        ws.title = name
        ws.append(ANNEX2_HEADERS)
        ws.append(list(annex2_row(合同名称="同一合同").values()))
        ws.append(list(annex2_row(序号=2, 合同名称=f"{name}自己的合同").values()))
    path = tmp_path / "county.xlsx"
    wb.save(path)
    data = as_json("merge", str(path), "-o", str(tmp_path / "city.xlsx"))
    (group,) = data["duplicates"]
    assert [(m["sheet"], m["row"], m["written"]) for m in group["rows"]] == [
        ("甲镇", 2, True),
        ("乙镇", 2, True),
    ]
    r = run(
        "merge", str(path), "-o", str(tmp_path / "c2.xlsx"), "--drop-duplicates", "--lang", "en"
    )
    assert "county.xlsx 甲镇!2; county.xlsx 乙镇!2" in r.output
    assert "rows: 4 read from 2 sheet(s) = 3 written + 1 left out ✓" in r.output
    r = run("summarize", str(path), "--drop-duplicates", "--lang", "en", "--format", "json")
    summary = json.loads(r.stdout)
    assert summary["cases"] == 3
    (caveat,) = [w for w in summary["warnings"] if w["code"] == "summary-duplicates-dropped"]
    assert caveat["where"] == "county.xlsx:乙镇!2"


def test_marked_copy_marks_each_sheet(tmp_path: Path) -> None:
    """--annotate marks a finding of the second sheet on that sheet, and 校验结果 lists both."""
    path = tmp_path / "county.xlsx"
    wb = openpyxl.Workbook()
    for n, name in enumerate(("甲镇", "乙镇")):
        ws = wb.active if n == 0 else wb.create_sheet()
        ws.title = name
        ws.append(ANNEX2_HEADERS)
        ws.append(
            list(annex2_row(合同名称=f"{name}合同", 欠款类型="劳务" if n else "工程").values())
        )
    wb.save(path)
    out = tmp_path / "marked.xlsx"
    r = run("validate", str(path), "--annotate", str(out), "--lang", "zh")
    assert r.exit_code == 1 and "乙镇!S2" in r.output
    marked = openpyxl.load_workbook(out)
    assert marked["乙镇"]["S2"].comment is not None and marked["甲镇"]["S2"].comment is None
    facts = {row[0]: row[1] for row in marked["校验结果"].iter_rows(max_row=6, values_only=True)}
    assert facts["工作表"] == "甲镇、乙镇" and facts["数据行数"] == "2"


def test_a_wuhan_workbook_with_a_sheet_per_unit(tmp_path: Path) -> None:
    """Wuhan ledgers keep their unit above the header: sheets naming two units give each row
    its own sheet's unit, in the summary and in the merged 填报单位 column."""
    sample = Path(__file__).parent.parent / "sample_data/submissions/武汉-江岸区减负办-台账.xlsx"
    one = _unit_rows(as_json("summarize", str(sample)))["江岸区减负办"]
    path = tmp_path / "wuhan.xlsx"
    wb = openpyxl.load_workbook(sample)
    second = wb.copy_worksheet(wb.active)
    second.title = "江汉区"
    second["A2"] = "填报单位：江汉区减负办"
    wb.save(path)
    data = as_json("summarize", str(path))
    rows = _unit_rows(data)
    assert rows == {"江岸区减负办": one, "江汉区减负办": {**one, "填报单位": "江汉区减负办"}}
    assert data["total"]["合计/数量"] == 2 * one["合计/数量"]
    city = tmp_path / "city.xlsx"
    assert run("merge", str(path), "-o", str(city)).exit_code == 0
    assert _unit_rows(as_json("summarize", str(city))) == rows


# --- the same file twice ------------------------------------------------------------------


def test_validate_says_a_copy_once(inbox: realinbox.Truth) -> None:
    """validate: the copy's report is the one identical-file warning (its other findings are
    the original's, said there); --keep-copies reports both in full, the warning saying so."""
    w1 = inbox.week1.folder
    copy = str(w1 / "附件2-区教委(1).xlsx")
    data = as_json("validate", str(w1), "--lang", "en")
    f = next(f for f in data["files"] if f["path"] == copy)
    assert [(x["rule"], x["severity"]) for x in f["findings"]] == [("identical-file", "warning")]
    assert f["findings"][0]["message"].startswith(f"byte-identical to {w1 / '附件2-区教委.xlsx'}")
    assert "this copy is not counted" in f["findings"][0]["message"]
    kept = as_json("validate", str(w1), "--lang", "en", "--keep-copies")
    f = next(f for f in kept["files"] if f["path"] == copy)
    assert f["findings"][0]["rule"] == "identical-file"
    assert "--keep-copies counts both" in f["findings"][0]["message"]
    assert kept["warnings"] == data["warnings"]  # the original's findings: none but this one
    r = run("validate", str(w1), "--lang", "en")
    assert r.output.count("byte-identical") == 1


def test_a_copy_counts_once_in_every_command(inbox: realinbox.Truth, tmp_path: Path) -> None:
    """merge, summarize, diff and overdue count 区教委 once; --keep-copies counts it twice."""
    w1, w2 = inbox.week1.folder, inbox.week2.folder
    once = as_json("merge", str(w1), "-o", str(tmp_path / "a.xlsx"))
    both = as_json("merge", str(w1), "-o", str(tmp_path / "b.xlsx"), "--keep-copies")
    assert (once["totals"]["rows_read"], both["totals"]["rows_read"]) == (117, 135)
    assert (once["totals"]["duplicate_groups"], both["totals"]["duplicate_groups"]) == (0, 18)
    copy = next(f for f in both["files"] if f["path"].endswith("(1).xlsx"))
    assert (copy["status"], copy["copy_of"]) == ("merged", str(w1 / "附件2-区教委.xlsx"))
    assert copy["findings"][0]["rule"] == "identical-file"

    for args, n, owed in (([], 18, "1375.6157"), (["--keep-copies"], 36, "2751.2314")):
        data = as_json("summarize", str(w1), *args)
        row = _unit_rows(data)["区教委"]
        assert (row["总体情况/拖欠数量/数量总计"], row["总体情况/涉及金额/拖欠总金额"]) == (n, owed)
        assert data["skipped"]["copies"] == ([] if args else [str(w1 / "附件2-区教委(1).xlsx")])
    truth = sum(
        (c["拖欠金额"] for c in inbox.week1.counted() if c["街镇部门"] == "区教委"), Decimal(0)
    )
    assert f"{truth:.4f}" == "1375.6157"

    # Next week 区教委 is sent once: nothing of it vanished (with both copies counted last week,
    # the second copy's 18 cases would be).
    data = as_json("diff", str(w1), str(w2))
    unit = next(u for u in data["units"] if u["unit"] == "区教委")
    assert (unit["cases_old"], unit["cases_new"], unit["vanished"], unit["new"]) == (18, 18, 0, 0)
    assert data["old"]["copies"] == [str(w1 / "附件2-区教委(1).xlsx")]
    assert data["new"]["copies"] == []
    kept = as_json("diff", str(w1), str(w2), "--keep-copies")
    unit = next(u for u in kept["units"] if u["unit"] == "区教委")
    assert (unit["cases_old"], unit["vanished"]) == (36, 18)
    r = run("diff", str(w1), str(w2), "--lang", "en")
    assert "only the first is counted" in r.output.replace("\n", "")

    a = as_json("overdue", str(w1), "--as-of", "2023-06")
    b = as_json("overdue", str(w1), "--as-of", "2023-06", "--keep-copies")
    assert b["cases_checked"] - a["cases_checked"] == 18
    assert a["copies"] == [str(w1 / "附件2-区教委(1).xlsx")] and b["copies"] == []
    units_a = {u["unit"]: u for u in a["units"]}
    units_b = {u["unit"]: u for u in b["units"]}
    assert units_b["区教委"]["cases"] == 2 * units_a["区教委"]["cases"] > 0


# --- a contact form beside the ledgers --------------------------------------------------------


def test_contact_form_beside_ledgers_is_skipped_by_every_command(
    inbox: realinbox.Truth, tmp_path: Path
) -> None:
    """summarize, diff and overdue leave the annex-1 form out with a notice and list it in
    JSON; merge skips it without --form (see test_merge_cli)."""
    w1, w2 = inbox.week1.folder, inbox.week2.folder
    contact = str(w1 / "附件1-古南街道-联络表.xlsx")
    assert as_json("summarize", str(w1))["skipped"]["contact_forms"] == [contact]
    r = run("summarize", str(w1), "--lang", "en", "-o", str(tmp_path / "a4.xlsx"))
    assert r.exit_code == 0
    assert "skipped contact forms (annex 1)" in r.stderr.replace("\n", "")
    assert "are not counted" not in r.stderr  # not called a file of another form
    data = as_json("diff", str(w1), str(w2))
    assert (data["old"]["contact_forms"], data["new"]["contact_forms"]) == ([contact], [])
    assert "skipped contact forms" in run("diff", str(w1), str(w2), "--lang", "en").output
    assert as_json("overdue", str(w1), "--as-of", "2023-06")["contact_forms"] == [contact]
    r = run("overdue", str(w1), "--as-of", "2023-06", "--lang", "en")
    assert "skipped contact forms" in r.output.replace("\n", "")


def test_contact_forms_alone_are_no_ledger(tmp_path: Path) -> None:
    """Only contact forms given: summaries and diff have no cases to count, and say so."""
    write_annex2(tmp_path / "ignored.xlsx", [annex2_row()])
    d = tmp_path / "in"
    d.mkdir()
    src = Path(__file__).parent.parent / "sample_data/submissions/附件1-古南街道-联络表.xlsx"
    shutil.copy(src, d / "附件1.xlsx")
    r = run("summarize", str(d), "--format", "json")
    assert r.exit_code == 2 and "cq-annex2" in r.output
    r = run("diff", str(d), str(d))
    assert r.exit_code == 2
