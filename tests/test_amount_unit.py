"""Units of amount: a ledger declared in 元 is converted exactly, conflicting evidence keeps rows
out of the figures, a row suspected of 元 is counted and stated; one cause, one finding."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from helpers import annex2_row, write_annex2
from ledgercli.check.inbox import validate_paths
from ledgercli.check.validate import validate_file
from ledgercli.cli import cli
from ledgercli.compare.diff import diff_paths
from ledgercli.model.amountunit import declarations_above
from ledgercli.model.options import Options
from ledgercli.summary.figures import annex_layout, cases_from, summarize
from ledgercli.write.annexbook import LINE_HEIGHT, header_heights
from ledgercli.write.annotate import ERROR_FILL, WARNING_FILL, annotate_file
from realinbox import AMOUNTS
from test_summary import ANNEX4_JIA, ANNEX4_TOTAL, ANNEX4_YI, rows_bing, rows_jia, rows_yi

D = Decimal


def in_yuan(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The same cases with every amount written in 元 (×10,000), as a district types them."""
    out = []
    for row in rows:
        row = dict(row)
        for h in AMOUNTS:
            if row[h] not in (None, ""):
                row[h] = int(D(str(row[h])) * 10000)
        out.append(row)
    return out


def unit_headers(path: Path, unit: str) -> Path:
    """The workbook with every amount header written with its unit: 拖欠金额（元）."""
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    for cell in ws[2]:
        if cell.value in AMOUNTS:
            cell.value = f"{cell.value}（{unit}）"
    wb.save(path)
    return path


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def rules(path: Path) -> list[tuple[str, str, int | None, str | None]]:
    fr, _ = validate_file(path, Options())
    return [(f.severity, f.rule, f.row, f.column) for f in fr.findings if f.severity != "notice"]


# --- detection --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cells", "unit"),
    [
        (["金额单位：元"], "元"),
        (["金额单位:元"], "元"),
        (["单位：元"], "元"),
        (["（单位：元）"], "元"),
        (["(单位:元)"], "元"),
        (["金额单位 ： 元"], "元"),
        (["金额单位：人民币元"], "元"),
        (["填报单位：古南街道        金额单位：元"], "元"),
        (["防范和化解拖欠中小企业账款台账（单位：元）"], "元"),
        (["金额单位", "", "元"], "元"),
        (["金额单位：万元"], "万元"),
        (["数量：件          金额：万元"], "万元"),
        (["填报单位：元山镇"], None),
        (["单位：古南街道"], None),
        (["填报单位", "元"], None),
    ],
)
def test_declarations_above_the_header(cells: list[str], unit: str | None) -> None:
    """Every way a district writes the unit above its table; a unit name starting with 元 or
    a 填报单位 is not one."""
    found = declarations_above([(2, cells)])
    assert [d.unit for d in found] == ([unit] if unit else [])
    if unit:
        assert (found[0].row, found[0].column) == (2, "A")


def test_header_in_yuan_converts(tmp_path: Path) -> None:
    """Amount headers written （元） declare the unit too: converted, one warning at the first."""
    p = unit_headers(write_annex2(tmp_path / "a.xlsx", in_yuan(rows_jia())), "元")
    fr, ledger = validate_file(p, Options())
    assert [(f.severity, f.rule, f.row, f.column) for f in fr.findings] == [
        ("warning", "amount-unit-yuan", 2, "Q")
    ]
    assert ledger is not None and ledger.values["owed"] == [D(100), D(50), D("30.5"), D("20.1234")]


# --- conversion -------------------------------------------------------------------------------


def test_declared_yuan_is_converted_exactly_with_one_finding(tmp_path: Path) -> None:
    """Every amount ÷ 10,000 as an exact Decimal; one file-level warning at the declaration,
    no "looks like 元" on any of its cells; the JSON says what was done."""
    wan = write_annex2(tmp_path / "wan.xlsx", rows_jia())
    yuan = write_annex2(tmp_path / "yuan.xlsx", in_yuan(rows_jia()), above=[["金额单位：元"]])
    _, a = validate_file(wan, Options())
    fr, b = validate_file(yuan, Options())
    assert a is not None and b is not None
    for key in ("contract_amount", "owed", "cleared", "repaid", "remaining", "agreed", "judicial"):
        assert b.values[key] == a.values[key], key
        assert all(type(v) is D for v in b.values[key] if v is not None)
    assert [(f.severity, f.rule, f.row, f.column) for f in fr.findings] == [
        ("warning", "amount-unit-yuan", 2, "A")
    ]
    assert fr.findings[0].message("zh").startswith("表格注明金额单位为元（A2：“金额单位：元”）")
    assert b.marks == ["converted"] * 4
    assert fr.amount_unit == {
        "declared": "元",
        "state": "converted",
        "rows_converted": 4,
        "rows_conflict": 0,
        "rows_suspect": 0,
        "suspects": [],
    }
    r = run("validate", str(yuan), "--format", "json", "--lang", "en")
    data = json.loads(r.output)
    assert data["warnings"] == 1 and data["files"][0]["amount_unit"]["state"] == "converted"
    # Before: 4 rows × 7 amount columns of "looks like 元". Now one line on the terminal.
    r = run("validate", str(yuan), "--lang", "en")
    assert r.exit_code == 0 and "0 error(s), 1 warning(s)" in r.output
    assert "converted exactly to 万元" in r.output


def test_summaries_of_yuan_and_wan_files_are_identical(tmp_path: Path) -> None:
    """Annex 4 of 甲 in 元 and 乙 in 万元: exactly the hand-computed figures of both in 万元
    (library and CLI), with one note naming the converted file."""
    d = tmp_path / "in"
    d.mkdir()
    write_annex2(d / "jia.xlsx", in_yuan(rows_jia()), above=[["（单位：元）"]])
    write_annex2(d / "yi.xlsx", rows_yi())
    write_annex2(d / "bing.xlsx", rows_bing())
    report, ledgers = validate_paths([d], Options())
    form, layout = annex_layout("4")
    s = summarize(cases_from(ledgers, layout, report), form, layout)
    by = {r.label: r.values for r in s.rows}
    assert by["甲街道"] == ANNEX4_JIA and by["乙街道"] == ANNEX4_YI
    assert s.total.values == ANNEX4_TOTAL
    assert s.caveats[0].code == "summary-amount-converted"
    assert s.caveats[0].params == {
        "files": "jia.xlsx",
        "count": 1,
        "rows": 4,
        "amount": "200.6234",
    }
    r = run("summarize", str(d), "--format", "json", "--lang", "zh")
    data = json.loads(r.stdout)
    assert data["total"]["总体情况/涉及金额/拖欠总金额"] == "250.6234"
    assert data["total"]["总体情况/涉及金额/清偿总金额"] == "163.0000"
    assert data["warnings"][0]["message"] == (
        "1个文件注明金额单位为元，其4行金额已按1万元=10000元精确折算为万元后计入"
        "（拖欠金额合计200.6234万元）：jia.xlsx"
    )
    # The same figures as the folder written in 万元 throughout.
    plain = tmp_path / "plain"
    plain.mkdir()
    write_annex2(plain / "jia.xlsx", rows_jia())
    write_annex2(plain / "yi.xlsx", rows_yi())
    write_annex2(plain / "bing.xlsx", rows_bing())
    other = json.loads(run("summarize", str(plain), "--format", "json").stdout)
    assert (data["rows"], data["total"]) == (other["rows"], other["total"])


# --- conflicts --------------------------------------------------------------------------------


def test_metadata_yuan_and_headers_wan_conflict(tmp_path: Path) -> None:
    """元 above the header, 万元 in the headers: one error, every row out of the figures."""
    p = write_annex2(tmp_path / "a.xlsx", in_yuan(rows_jia()), above=[["金额单位：元"]])
    wb = openpyxl.load_workbook(p)
    for cell in wb.active[3]:
        if cell.value in AMOUNTS:
            cell.value = f"{cell.value}（万元）"
    wb.save(p)
    fr, ledger = validate_file(p, Options())
    assert [(f.severity, f.rule, f.row, f.column) for f in fr.findings] == [
        ("error", "amount-unit-conflict", 2, "A")
    ]
    assert "Q3“合同金额（万元）”注明万元" in fr.findings[0].message("zh")
    assert ledger is not None and ledger.errors == [1, 1, 1, 1]
    assert ledger.values["owed"][0] == D(1000000)  # as written: the unit is not known


def test_conflict_rows_kept_out_and_stated_through_the_city_workbook(tmp_path: Path) -> None:
    """A 元 declaration over 万元 amounts: its rows count nowhere, by default, and the
    exclusion is stated; the merged workbook keeps them out too (金额单位核查), with the same
    figures and the same notes as the folder."""
    d = tmp_path / "in"
    d.mkdir()
    write_annex2(d / "jia.xlsx", rows_jia())
    write_annex2(d / "yi.xlsx", rows_yi(), above=[["金额单位：元"]])  # 50 and 40: not 元
    fr, _ = validate_file(d / "yi.xlsx", Options())
    assert [f.rule for f in fr.findings if f.severity != "notice"] == ["amount-unit-conflict"]
    assert fr.findings[0].params["variant"] == "looks-wan"
    r = run("summarize", str(d), "--format", "json", "--lang", "en")
    folder = json.loads(r.stdout)
    assert folder["cases"] == 4
    assert folder["total"]["总体情况/涉及金额/拖欠总金额"] == "200.6234"
    conflict = folder["warnings"][0]
    assert (conflict["code"], conflict["rows"], conflict["amount"], conflict["files"]) == (
        "summary-unit-conflict",
        2,
        "50.0000",
        "yi.xlsx",
    )
    # Error rows are counted by default; these are not, and are not called counted.
    assert [w["code"] for w in folder["warnings"]] == ["summary-unit-conflict"]

    city = tmp_path / "city.xlsx"
    assert run("merge", str(d), "-o", str(city)).exit_code == 0
    ws = openpyxl.load_workbook(city)["明细"]
    header = [c.value for c in ws[1]]
    marks = [r[header.index("金额单位核查")] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert marks == [None] * 4 + ["金额单位矛盾，未计入汇总"] * 2
    merged = json.loads(run("summarize", str(city), "--format", "json", "--lang", "en").stdout)
    for key in ("rows", "total", "cases", "warnings"):
        assert merged[key] == folder[key], key


def test_a_row_in_wan_inside_a_yuan_file_is_a_conflict(tmp_path: Path) -> None:
    """In a 元 file, a row thousands of times below its peers was typed in 万元: that row is
    an error and left as written; the others are converted."""
    rows = [*in_yuan(rows_jia()), annex2_row(序号=5, 街镇部门="甲街道", 合同名称="合同8")]
    p = write_annex2(tmp_path / "a.xlsx", rows, above=[["金额单位：元"]])
    fr, ledger = validate_file(p, Options())
    found = [(f.severity, f.rule, f.row, f.column) for f in fr.findings if f.severity != "notice"]
    assert found == [
        ("warning", "amount-unit-yuan", 2, "A"),
        ("error", "amount-unit-conflict", 8, "R"),
    ]
    assert fr.findings[1].params["variant"] == "row"
    assert ledger is not None and ledger.marks == ["converted"] * 4 + ["conflict"]
    assert ledger.values["owed"] == [D(100), D(50), D("30.5"), D("20.1234"), D("50.5")]


def test_declared_wan_with_yuan_amounts_is_a_conflict(tmp_path: Path) -> None:
    """金额单位：万元 over amounts whose median is 1亿元 or more: the declaration and the
    amounts disagree."""
    p = write_annex2(tmp_path / "a.xlsx", in_yuan(rows_jia()), above=[["金额单位：万元"]])
    found = rules(p)
    assert found == [("error", "amount-unit-conflict", 2, "A")]


# --- suspected 元 without a declaration -------------------------------------------------------


def test_one_case_typed_in_yuan_is_suspect_by_its_contract(tmp_path: Path) -> None:
    """7,900 typed for 0.79 万元: below the 10,000 line, caught by its 合同金额 (1 万元);
    counted, and the summary states the row and its share of every total it is part of."""
    rows = [
        *rows_jia(),
        annex2_row(
            序号=5, 街镇部门="甲街道", 合同名称="合同8", 合同金额=1, 拖欠金额=7900, 剩余金额=7900
        ),
    ]
    p = write_annex2(tmp_path / "a.xlsx", rows)
    fr, ledger = validate_file(p, Options())
    suspect = [f for f in fr.findings if f.rule == "amount-suspect-yuan"]
    assert [(f.severity, f.row, f.column, f.value) for f in suspect] == [
        ("warning", 7, "R", "7900")
    ]
    assert suspect[0].params["evidence"] == [{"kind": "contract", "contract": "1", "ratio": "7900"}]
    assert (
        suspect[0]
        .message("en")
        .startswith(
            "the amount owed 7900 万元 looks typed in yuan (7900 times the contract amount 1 万元)"
        )
    )
    assert not [f for f in fr.findings if f.rule == "looks-like-yuan"]
    assert fr.amount_unit is not None and fr.amount_unit["suspects"] == [
        {
            "sheet": "附件2",
            "row": 7,
            "owed": "7900",
            "evidence": [{"kind": "contract", "contract": "1", "ratio": "7900"}],
        }
    ]
    assert ledger is not None and ledger.warnings[4] >= 1
    data = json.loads(run("summarize", str(p), "--format", "json", "--lang", "en").stdout)
    assert data["total"]["总体情况/涉及金额/拖欠总金额"] == "8100.6234"  # counted
    (note,) = [w for w in data["warnings"] if w["code"] == "summary-suspect-yuan"]
    assert (note["rows"], note["cases"], note["percent"]) == (1, 5, "20.00")
    assert note["shares"] == [
        {
            "column": "总体情况/涉及金额/拖欠总金额",
            "name": "拖欠总金额",
            "amount": "7900.0000",
            "total": "8100.6234",
            "percent": "97.52",
        }
    ]
    assert "拖欠总金额 7900.0000 万元, 97.52% of 8100.6234" in note["message"]
    r = run("summarize", str(p), "-o", str(tmp_path / "annex4.xlsx"), "--lang", "en")
    assert "97.52% of 8100.6234" in r.stderr


def test_suspect_by_the_files_other_rows(tmp_path: Path) -> None:
    """A 拖欠金额 thousands of times the median of the file's other rows."""
    rows = [
        annex2_row(序号=i, 合同名称=f"合同{i}", 合同金额=None, 拖欠金额=v, 剩余金额=v)
        for i, v in enumerate([1, 2, 3, 4, 5000], start=1)
    ]
    fr, _ = validate_file(write_annex2(tmp_path / "a.xlsx", rows), Options())
    suspect = [f for f in fr.findings if f.rule == "amount-suspect-yuan"]
    assert [f.row for f in suspect] == [7]
    assert suspect[0].params["evidence"] == [
        {"kind": "peers", "median": "2.5", "peers": 4, "ratio": "2000"}
    ]


def test_an_undeclared_file_in_yuan_is_one_finding(tmp_path: Path) -> None:
    """Every case 1亿元 or more, no unit declared: one warning for the file, not one per cell;
    every row is marked suspect (counted, and stated by the summaries)."""
    rows = [r | {"序号": n} for n, r in enumerate(rows_jia() + rows_yi(), start=1)]
    p = write_annex2(tmp_path / "a.xlsx", in_yuan(rows))
    fr, ledger = validate_file(p, Options())
    found = [(f.severity, f.rule, f.row, f.column) for f in fr.findings if f.severity != "notice"]
    assert found == [("warning", "amount-suspect-yuan", 2, "R")]
    assert fr.findings[0].params["variant"] == "file"
    assert ledger is not None and ledger.marks == ["suspect"] * 6
    assert ledger.warnings == [1] * 6


def test_a_clean_ledger_has_no_unit_finding(tmp_path: Path) -> None:
    """The hand-computed ledgers of the summary tests raise no suspicion."""
    for name, rows in (("jia", rows_jia()), ("yi", rows_yi())):
        fr, ledger = validate_file(write_annex2(tmp_path / f"{name}.xlsx", rows), Options())
        assert ledger is not None and ledger.marks is None
        assert not [f for f in fr.findings if "yuan" in f.rule or "unit" in f.rule]


def test_diff_catches_a_case_typed_in_yuan_by_last_weeks_figure(tmp_path: Path) -> None:
    """0.79 万元 last week, 7900 this week for the same case: a suspect of 元 with that
    evidence, in the terminal and the JSON, with its share of this week's amount owed."""
    base = dict(问题编号="GXB2022001", 问题来源="工信部平台", 合同金额=None)
    week1 = write_annex2(
        tmp_path / "w1.xlsx", [annex2_row(**base, 拖欠金额=0.79, 剩余金额=0.79), *rows_yi()]
    )
    week2 = write_annex2(
        tmp_path / "w2.xlsx", [annex2_row(**base, 拖欠金额=7900, 剩余金额=7900), *rows_yi()]
    )
    d = diff_paths([week1], [week2], Options())
    assert [(s.new.row, str(s.ratio)) for s in d.suspects] == [(3, "10000")]
    data = json.loads(run("diff", str(week1), str(week2), "--format", "json").stdout)
    sy = data["suspect_yuan"]
    assert (sy["rows"], sy["owed"], sy["percent"]) == (1, "7900", "99.37")
    (case,) = sy["cases"]
    assert (case["rule"], case["row"], case["column"], case["owed_old"]) == (
        "amount-suspect-yuan",
        3,
        "R",
        "0.79",
    )
    assert case["evidence"] == [{"kind": "last-week", "owed": "0.79", "ratio": "10000"}]
    r = run("diff", str(week1), str(week2), "--lang", "en")
    assert "10000 times last week's 0.79 万元 for the same case" in r.output


# --- outputs ----------------------------------------------------------------------------------


def test_marked_copy_has_one_note_for_a_yuan_file(tmp_path: Path) -> None:
    """The returned copy of a 元 file: the declaration cell amber with one comment, no other
    cell coloured."""
    src = write_annex2(tmp_path / "a.xlsx", in_yuan(rows_jia()), above=[["金额单位：元"]])
    fr, _ = validate_file(src, Options())
    done = annotate_file(fr, tmp_path / "out.xlsx", "zh")
    ws = openpyxl.load_workbook(done.path)["附件2"]
    coloured = [
        c.coordinate
        for row in ws.iter_rows()
        for c in row
        if c.fill.fill_type and c.fill.fgColor.rgb in (ERROR_FILL, WARNING_FILL)
    ]
    assert coloured == ["A2"]
    assert ws["A2"].comment.text.startswith("[警告] 表格注明金额单位为元")
    commented = [c.coordinate for row in ws.iter_rows() for c in row if c.comment]
    assert commented == ["A2"]


def test_city_workbook_holds_converted_amounts_and_says_so(tmp_path: Path) -> None:
    """merge writes 万元 (converted), marks the rows, names the conversion in 来源 and 问题,
    says it on the terminal and in the JSON; summarizing the workbook gives what summarizing
    the submissions gives, notes included."""
    d = tmp_path / "in"
    d.mkdir()
    write_annex2(d / "jia.xlsx", in_yuan(rows_jia()), above=[["金额单位：元"]])
    write_annex2(d / "yi.xlsx", rows_yi())
    sus = rows_bing()[0] | {"拖欠金额": 7900, "剩余金额": 7900, "合同金额": 1}
    write_annex2(d / "bing.xlsx", [sus])
    city = tmp_path / "city.xlsx"
    r = run("merge", str(d), "-o", str(city), "--lang", "en")
    assert r.exit_code == 0
    assert "jia.xlsx: declared in 元: 4 row(s) converted to 万元 (÷10,000)" in r.output
    assert "bing.xlsx: 1 row(s) look typed in yuan (counted in the summaries)" in r.output
    wb = openpyxl.load_workbook(city)
    ws = wb["明细"]
    header = [c.value for c in ws[1]]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    owed = {(r[header.index("来源文件")], r[header.index("来源行号")]): r for r in rows}
    jia = owed[(str(d / "jia.xlsx"), 4)]
    assert jia[header.index("拖欠金额")] == 100 and jia[header.index("合同金额")] == 100
    assert jia[header.index("金额单位核查")] == "已由元折算为万元"
    assert owed[(str(d / "bing.xlsx"), 3)][header.index("金额单位核查")] == "疑似按元填写"
    src = wb["来源"]
    src_header = [c.value for c in src[1]]
    notes = {
        r[0]: r[src_header.index("金额单位核查")]
        for r in src.iter_rows(min_row=2, values_only=True)
    }
    assert notes[str(d / "jia.xlsx")] == "注明金额单位为元，4行已÷10000折算为万元"
    problems = [
        r for r in wb["问题"].iter_rows(min_row=2, values_only=True) if r[7] == "amount-unit-yuan"
    ]
    assert len(problems) == 1 and problems[0][0] == str(d / "jia.xlsx")
    merge_json = json.loads(
        run("merge", str(d), "-o", str(city), "--force", "--format", "json").stdout
    )
    assert [f["amount_unit"]["state"] for f in merge_json["files"]] == [
        "undeclared",
        "converted",
        "undeclared",
    ]
    for extra in ([], ["--only-valid"], ["--drop-duplicates"]):
        a = json.loads(run("summarize", str(city), "--format", "json", *extra).stdout)
        b = json.loads(run("summarize", str(d), "--format", "json", *extra).stdout)
        for key in ("rows", "total", "cases", "warnings"):
            assert a[key] == b[key], (key, extra)
    # Validated in full, the workbook restates what merge decided, once per source file.
    fr, _ = validate_file(city, Options())
    restated = [(f.rule, f.params.get("file")) for f in fr.findings if "yuan" in f.rule]
    assert restated == [
        ("amount-suspect-yuan", str(d / "bing.xlsx")),
        ("amount-unit-yuan", str(d / "jia.xlsx")),
    ]


def test_annex_note_and_header_heights(tmp_path: Path) -> None:
    """Under annex 4, one note per fact about 元; every header row tall enough for its
    wrapped text (the 其中 row holds 国务院“互联网+督查”转 on two lines or more)."""
    d = tmp_path / "in"
    d.mkdir()
    write_annex2(d / "jia.xlsx", in_yuan(rows_jia()), above=[["金额单位：元"]])
    write_annex2(d / "yi.xlsx", rows_yi(), above=[["金额单位：元"]])
    out = tmp_path / "annex4.xlsx"
    assert run("summarize", str(d), "-o", str(out)).exit_code == 0
    ws = openpyxl.load_workbook(out)["附件4"]
    texts = [ws.cell(row=r, column=1).value for r in range(9, 13)]
    assert texts[0] is None  # a blank row under 合计 (row 8)
    assert texts[1].startswith("注1：2行金额单位矛盾，未计入汇总") and "yi.xlsx" in texts[1]
    assert texts[2].startswith("注2：1个文件注明金额单位为元") and "jia.xlsx" in texts[2]
    assert texts[3] is None
    form, layout = annex_layout("4")
    assert header_heights(summarize([], form, layout))[3] >= 2 * LINE_HEIGHT
    for r, height in enumerate(header_heights(summarize([], form, layout)), start=3):
        assert abs(ws.row_dimensions[r].height - height) < 0.5  # Excel keeps quarter points


# --- the two-week inbox of issue 12 -------------------------------------------------------------


@pytest.fixture(scope="module")
def inbox(tmp_path_factory: pytest.TempPathFactory) -> Any:
    import realinbox

    return realinbox.build(tmp_path_factory.mktemp("inbox"))


def _rows_by_unit(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    label = data["columns"][1] if data["columns"][0] == "序号" else data["columns"][0]
    return {row[label]: row for row in [*data["rows"], {**data["total"], label: "合计"}]}


@pytest.mark.parametrize("annex", ["3", "4"])
def test_inbox_yuan_file_and_suspect_row_against_the_truth(
    inbox: Any, tmp_path: Path, annex: str
) -> None:
    """Week 1: 打通镇 declared in 元 is exactly its 万元 truth; 文龙街道's 7,900 is counted as
    written and stated with its share; the city workbook merged from the folder gives the same
    figures and the same notes."""
    import realinbox

    w1 = inbox.week1.folder
    fr, _ = validate_file(w1 / "附件2-打通镇（元）.xlsx", Options())
    assert [f.rule for f in fr.findings if f.severity != "notice"] == ["amount-unit-yuan"]
    truth = realinbox.annex_figures(inbox.week1.counted(), int(annex))
    folder = json.loads(run("summarize", str(w1), "--annex", annex, "--format", "json").stdout)
    rows = _rows_by_unit(folder)
    for unit in ("打通镇", "文龙街道"):
        got = {k: rows[unit][k] for k in truth[unit] if not k.endswith("清偿率（%）")}
        want = {k: v for k, v in truth[unit].items() if not k.endswith("清偿率（%）")}
        assert got == want, unit
    notes = {w["code"]: w for w in folder["warnings"]}
    converted = notes["summary-amount-converted"]
    assert (converted["files"], converted["rows"]) == ("附件2-打通镇（元）.xlsx", 9)
    suspect = notes["summary-suspect-yuan"]
    assert (suspect["rows"], suspect["files"]) == (1, "附件2-文龙街道.xlsx")
    owed = "总体情况/涉及金额/拖欠总金额" if annex == "4" else "总计/涉及金额"
    (share,) = [s for s in suspect["shares"] if s["column"] == owed]
    total = Decimal(folder["total"][owed])
    assert (share["amount"], share["total"]) == ("7900.0000", f"{total:.4f}")
    assert share["percent"] == f"{(D(7900) * 100 / total).quantize(D('0.01')):.2f}"
    city = tmp_path / "city.xlsx"
    assert run("merge", str(w1), "-o", str(city)).exit_code == 0
    merged = json.loads(run("summarize", str(city), "--annex", annex, "--format", "json").stdout)
    for key in ("rows", "total", "cases", "warnings"):
        assert merged[key] == folder[key], key


def test_inbox_diff_catches_the_case_typed_in_yuan_in_week_2(inbox: Any) -> None:
    """Week 2's 文龙街道 case typed in 元 in both 合同金额 and 拖欠金额: only last week's figure
    gives it away, and diff says so."""
    w1, w2 = inbox.week1.folder, inbox.week2.folder
    data = json.loads(run("diff", str(w1), str(w2), "--format", "json").stdout)
    cases = data["suspect_yuan"]["cases"]
    typed = inbox.typed_in_yuan_week2
    assert [(D(c["owed_new"]), c["ratio"]) for c in cases] == [(typed["拖欠金额"], "10000")]
    assert Path(cases[0]["file"]).name == "附件2-文龙街道.xlsx"
    assert cases[0]["evidence"][0]["kind"] == "last-week"
