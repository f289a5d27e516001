"""ledger diff: two weeks of one ledger compared case by case."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from helpers import (
    ANNEX2_HEADERS,
    GUNAN_ROW,
    annex2_row,
    uscc,
    write_annex2,
    write_roster,
    write_wuhan,
)
from ledgercli.check.validate import validate_file
from ledgercli.cli import cli
from ledgercli.compare.diff import diff_paths
from ledgercli.model.options import Options

WENLONG = "文龙街道"


def case(contract: str, owed: float, **kw: Any) -> dict[str, Any]:
    row = annex2_row(合同名称=contract, 拖欠金额=owed, 剩余金额=owed)
    row.update(kw)
    return row


def numbered(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for n, r in enumerate(rows, start=1):
        r["序号"] = n
    return rows


def week1() -> list[dict[str, Any]]:
    return numbered(
        [
            case("A合同", 50.5),
            case("B合同", 30),
            case("C合同", 20, 已偿还金额=5, 剩余金额=15),
            case("D合同工程", 8),
            case("E合同", 9),
            case("G合同", 40, 街镇部门=WENLONG),
            case("H合同", 25, 街镇部门=WENLONG, 协议还款金额=25, 协议约定最迟偿还时间="2022-10"),
        ]
    )


def week2() -> list[dict[str, Any]]:
    return numbered(
        [
            case("A合同", 50.5, 已偿还金额=10.5, 剩余金额=40),  # repaid 10.5: progress
            # B合同 vanished
            case("C合同", 20),  # repaid 5 → 0: regression
            case("D合同施工", 8),  # contract name corrected: matched by the other fields
            case("E合同", 9, 主体名称="綦江区住建委", 有无分歧="有"),  # key fields changed
            case("F合同", 12, 街镇部门=WENLONG),  # new
            case("G合同", 45, 剩余金额=45, 街镇部门=WENLONG),  # owed changed: regression
            case("H合同", 25, 街镇部门=WENLONG, 清偿完毕金额=25, 剩余金额=0),  # 协议 → 清偿完毕
        ]
    )


@pytest.fixture
def weeks(tmp_path: Path) -> tuple[Path, Path]:
    return (
        write_annex2(tmp_path / "week1.xlsx", week1()),
        write_annex2(tmp_path / "week2.xlsx", week2()),
    )


def contracts(changes: list[Any]) -> list[str]:
    return [c.case.get("contract") for c in changes]


def test_every_kind_of_change_is_found(weeks: tuple[Path, Path]) -> None:
    """Each planted change lands in exactly its kind, with the exact Decimal amounts."""
    d = diff_paths([weeks[0]], [weeks[1]], Options())
    assert contracts(d.of("vanished")) == ["B合同"]
    assert d.of("vanished")[0].amount == Decimal("30")
    assert contracts(d.of("new")) == ["F合同"]
    assert [(c.case.get("contract"), c.amount) for c in d.of("repaid")] == [
        ("A合同", Decimal("10.5")),
        ("H合同", Decimal("25")),
    ]
    assert [(c.old.status, c.new.status) for c in d.of("status")] == [
        ("未化解", "部分清偿"),
        ("协议还款", "清偿完毕"),
    ]
    regressions = {c.case.get("contract"): c.reasons for c in d.of("regression")}
    assert regressions == {
        "C合同": ["remaining-up", "status-back", "repaid-down"],
        "G合同": ["remaining-up", "owed-changed"],
    }
    changed = d.of("changed")
    assert contracts(changed) == ["E合同"]
    assert [(f["key"], f["old"], f["new"]) for f in changed[0].fields] == [
        ("debtor", "綦江区住房和城乡建设委员会", "綦江区住建委"),
        ("disputed", "无", "有"),
    ]
    assert d.alarming


def test_corrected_identity_is_matched_and_reported(weeks: tuple[Path, Path]) -> None:
    """A corrected 合同名称 pairs the case (not vanished + new) and says which field changed."""
    d = diff_paths([weeks[0]], [weeks[1]], Options())
    (corr,) = d.of("corrected")
    assert corr.old.get("contract") == "D合同工程"
    assert corr.new.get("contract") == "D合同施工"
    assert [(f["header"], f["old"], f["new"]) for f in corr.fields] == [
        ("合同名称", "D合同工程", "D合同施工")
    ]
    # Reported once, as the correction, not again as a changed key field.
    assert "D合同施工" not in contracts(d.of("changed"))


def test_ambiguous_correction_is_not_guessed(tmp_path: Path) -> None:
    """Two cases that could be the corrected one: neither is paired, both vanish and appear."""
    old = write_annex2(tmp_path / "o.xlsx", numbered([case("X合同", 8)]))
    new = write_annex2(tmp_path / "n.xlsx", numbered([case("X合同一", 8), case("X合同二", 8)]))
    d = diff_paths([old], [new], Options())
    assert d.of("corrected") == []
    assert contracts(d.of("vanished")) == ["X合同"]
    assert sorted(contracts(d.of("new"))) == ["X合同一", "X合同二"]


def test_case_number_added_is_a_corrected_identity(tmp_path: Path) -> None:
    """A 问题编号 filled in this week changes the identity; the case is matched all the same."""
    old = write_annex2(tmp_path / "o.xlsx", numbered([case("X合同", 8)]))
    new = write_annex2(tmp_path / "n.xlsx", numbered([case("X合同", 8, 问题编号="GXB2022001")]))
    d = diff_paths([old], [new], Options())
    assert [c.kind for c in d.changes] == ["corrected"]
    assert d.of("corrected")[0].fields[0]["key"] == "case_no"


def test_per_unit_and_total_tallies(weeks: tuple[Path, Path]) -> None:
    """Per unit and in total: counts and Decimal sums, the unit with a vanished case first."""
    d = diff_paths([weeks[0]], [weeks[1]], Options())
    units = d.units_worst_first()
    assert [u for u, _ in units] == ["古南街道", WENLONG]
    gunan, wenlong = units[0][1], units[1][1]
    assert (gunan.vanished, gunan.vanished_amount, gunan.repaid) == (
        1,
        Decimal(30),
        Decimal("10.5"),
    )
    assert (wenlong.new, wenlong.new_amount, wenlong.repaid) == (1, Decimal(12), Decimal(25))
    t = d.totals
    assert (t.cases_old, t.cases_new) == (7, 7)
    assert t.repaid == Decimal("35.5")
    assert (t.status_moves, t.regressions, t.changed, t.corrected) == (2, 2, 1, 1)
    assert t.owed_old == Decimal("182.5") and t.owed_new == Decimal("169.5")


def test_identical_weeks_exit_zero(tmp_path: Path) -> None:
    """Nothing changed: exit code 0 and a message saying so, in both languages."""
    a = write_annex2(tmp_path / "a.xlsx", week1())
    b = write_annex2(tmp_path / "b.xlsx", week1())
    runner = CliRunner()
    res = runner.invoke(cli, ["diff", str(a), str(b), "--lang", "zh"])
    assert res.exit_code == 0, res.output
    assert "两周之间没有变化" in res.output
    res = runner.invoke(cli, ["diff", str(a), str(b), "--lang", "en"])
    assert res.exit_code == 0
    assert "no changes between the two weeks" in res.output


def test_vanished_or_regression_exits_one(weeks: tuple[Path, Path]) -> None:
    """Vanished cases and regressions are what inspections look for: exit code 1, flagged."""
    res = CliRunner().invoke(cli, ["diff", str(weeks[0]), str(weeks[1]), "--lang", "zh"])
    assert res.exit_code == 1, res.output
    assert "消失案件 1件：拖欠金额 30.0000 万元" in res.output
    assert "倒退 2件" in res.output
    res = CliRunner().invoke(cli, ["diff", str(weeks[0]), str(weeks[1]), "--lang", "en"])
    assert "1 VANISHED case(s): owed 30.0000 万元" in res.output


def test_progress_only_exits_zero(tmp_path: Path) -> None:
    """Repayments, new cases and status moves alone are good news: exit code 0."""
    a = write_annex2(tmp_path / "a.xlsx", numbered([case("A合同", 50)]))
    b = write_annex2(
        tmp_path / "b.xlsx",
        numbered([case("A合同", 50, 已偿还金额=20, 剩余金额=30), case("N合同", 3)]),
    )
    res = CliRunner().invoke(cli, ["diff", str(a), str(b), "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["totals"]["repaid"] == "20"
    assert data["exit_code"] == 0


def test_json_shape(weeks: tuple[Path, Path]) -> None:
    """The JSON output: totals, units worst first, changes by kind, amounts as exact strings."""
    res = CliRunner().invoke(cli, ["diff", str(weeks[0]), str(weeks[1]), "--format", "json"])
    assert res.exit_code == 1
    data = json.loads(res.output)
    assert set(data) == {
        "form",
        "old",
        "new",
        "totals",
        "units",
        "not_reported",
        "changes",
        "suspect_yuan",
        "exit_code",
    }
    assert data["not_reported"] == [] and data["totals"]["not_reported"] == 0
    assert data["suspect_yuan"] == {"rows": 0, "owed": "0", "percent": "0.00", "cases": []}
    assert data["form"] == "cq-annex2"
    assert data["old"]["cases"] == 7 and data["old"]["files"] == [str(weeks[0])]
    assert list(data["changes"]) == [
        "vanished",
        "regression",
        "new",
        "repaid",
        "status",
        "changed",
        "corrected",
    ]
    (gone,) = data["changes"]["vanished"]
    assert gone["new"] is None
    assert gone["amount"] == "30"
    assert gone["old"]["contract"] == "B合同"
    assert gone["old"]["row"] == 4 and gone["old"]["file"] == str(weeks[0])
    assert gone["old"]["status"] == "未化解"
    reg = {r["old"]["contract"]: r for r in data["changes"]["regression"]}
    assert reg["C合同"]["status"] == {"old": "部分清偿", "new": "未化解"}
    assert reg["C合同"]["old"]["remaining"] == "15" and reg["C合同"]["new"]["remaining"] == "20"
    assert data["totals"]["repaid"] == "35.5"
    assert data["units"][0]["unit"] == "古南街道"
    assert data["units"][0]["vanished_amount"] == "30"
    changed = data["changes"]["changed"][0]["fields"]
    assert changed[0] == {
        "key": "debtor",
        "header": "主体名称",
        "old": "綦江区住房和城乡建设委员会",
        "new": "綦江区住建委",
    }


def test_merged_workbooks_link_to_sources(tmp_path: Path) -> None:
    """City workbooks read back: each case's 来源文件/来源行号 is reported as its provenance."""
    headers = [*ANNEX2_HEADERS, "来源文件", "来源行号"]
    old_rows = numbered([case("A合同", 5), case("B合同", 7)])
    for r, n in zip(old_rows, (3, 9), strict=True):
        r.update({"来源文件": "附件2-古南街道.xlsx", "来源行号": n})
    new_rows = numbered([case("A合同", 5)])
    new_rows[0].update({"来源文件": "附件2-古南街道.xlsx", "来源行号": 3})
    old = write_annex2(tmp_path / "city-w1.xlsx", old_rows, headers=headers)
    new = write_annex2(tmp_path / "city-w2.xlsx", new_rows, headers=headers)
    d = diff_paths([old], [new], Options())
    (gone,) = d.of("vanished")
    assert gone.old.where() == {
        "file": str(old),
        "sheet": "附件2",
        "row": 4,
        "source_file": "附件2-古南街道.xlsx",
        "source_sheet": None,  # this workbook has no 来源工作表 column
        "source_row": 9,
    }


def test_change_workbook(weeks: tuple[Path, Path], tmp_path: Path) -> None:
    """-o: one sheet per kind, old and new side by side, changes marked, provenance linked."""
    out = tmp_path / "changes.xlsx"
    res = CliRunner().invoke(
        cli, ["diff", str(weeks[0]), str(weeks[1]), "-o", str(out), "--lang", "zh"]
    )
    assert res.exit_code == 1, res.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == [
        "汇总",
        "未报送",
        "消失案件",
        "倒退",
        "新增案件",
        "本周偿还",
        "状态推进",
        "关键字段变更",
        "更正标识",
    ]
    ws = wb["倒退"]
    headers = [c.value for c in ws[1]]
    old_col = headers.index("剩余金额（上周）")
    assert headers[old_col + 1] == "剩余金额（本周）"
    rows = {r[headers.index("合同名称（本周）")].value: r for r in ws.iter_rows(min_row=2)}
    c_row = rows["C合同"]
    assert (c_row[old_col].value, c_row[old_col + 1].value) == (15, 20)
    # The fill Excel calls "Neutral" (its alpha byte is the writer's: FF or 00).
    assert c_row[old_col].fill.fgColor.rgb[2:] == "FFEB9C"
    where = headers.index("上周位置")
    assert c_row[where].value == f"{weeks[0]} › 附件2 › 5"
    link = c_row[where].hyperlink
    assert link.target.endswith("week1.xlsx") and link.location == "'附件2'!A5"
    gone = wb["消失案件"]
    assert gone.cell(2, 3).value == 30
    # Text from a submission is a text cell, never a formula.
    assert gone.cell(2, headers.index("合同名称（上周）") + 1).data_type == "s"
    summary = [[c.value for c in r] for r in wb["汇总"].iter_rows()]
    assert summary[-1][0] == "合计"


def test_change_workbook_refuses_inputs_and_existing(
    weeks: tuple[Path, Path], tmp_path: Path
) -> None:
    """-o never overwrites an input, and an existing file only with --force."""
    runner = CliRunner()
    res = runner.invoke(
        cli, ["diff", str(weeks[0]), str(weeks[1]), "-o", str(weeks[1]), "--lang", "en"]
    )
    assert res.exit_code == 2
    assert "one of the inputs" in res.output
    out = tmp_path / "c.xlsx"
    out.write_bytes(b"x")
    res = runner.invoke(cli, ["diff", str(weeks[0]), str(weeks[1]), "-o", str(out)])
    assert res.exit_code == 2 and "--force" in res.output
    res = runner.invoke(
        cli, ["diff", str(weeks[0]), str(weeks[1]), "-o", str(out), "--force", "--lang", "en"]
    )
    assert res.exit_code == 1
    assert openpyxl.load_workbook(out).sheetnames[0] == "Summary"


def test_unreadable_input_stops(tmp_path: Path, weeks: tuple[Path, Path]) -> None:
    """A missing or broken file is exit 2, not a week in which all its cases vanished."""
    bad = tmp_path / "bad.xlsx"
    bad.write_text("not a workbook")
    res = CliRunner().invoke(cli, ["diff", str(bad), str(weeks[1]), "--lang", "zh"])
    assert res.exit_code == 2
    assert "错误" in res.output
    res = CliRunner().invoke(cli, ["diff", str(tmp_path / "nope.xlsx"), str(weeks[1])])
    assert res.exit_code == 2


def test_different_forms_are_refused(tmp_path: Path, weeks: tuple[Path, Path]) -> None:
    """An annex-2 ledger against a Wuhan one: exit 2 with both form ids named."""
    wh = write_wuhan(tmp_path / "wh.xlsx")
    fr, lg = validate_file(wh, Options())
    assert lg is not None and lg.form.id == "wh-ledger", [f.rule for f in fr.findings]
    res = CliRunner().invoke(cli, ["diff", str(weeks[0]), str(wh), "--lang", "en"])
    assert res.exit_code == 2
    assert "cq-annex2" in res.output and "wh-ledger" in res.output


def test_credit_code_corrected(tmp_path: Path) -> None:
    """A mistyped debtor code fixed this week: the case is matched, not vanished."""
    wrong = uscc("11500222MB7654321")
    old = write_annex2(
        tmp_path / "o.xlsx", numbered([case("X合同", 8, 债务人统一社会信用代码=wrong)])
    )
    new = write_annex2(tmp_path / "n.xlsx", numbered([case("X合同", 8)]))
    d = diff_paths([old], [new], Options())
    assert [c.kind for c in d.changes] == ["corrected"]
    assert d.of("corrected")[0].fields[0]["key"] == "debtor_code"


def test_folders_with_form_skip_other_forms(tmp_path: Path) -> None:
    """Folders: with --form, a workbook of another form is listed as skipped, not compared."""
    for week, rows in (("w1", week1()), ("w2", week2())):
        folder = tmp_path / week
        folder.mkdir()
        write_annex2(folder / "附件2.xlsx", rows)
        wb = openpyxl.Workbook()
        wb.active.append(["这不是台账"])
        wb.save(folder / "其他.xlsx")
    args = ["diff", str(tmp_path / "w1"), str(tmp_path / "w2"), "--form", "cq-annex2"]
    res = CliRunner().invoke(cli, [*args, "--format", "json"])
    data = json.loads(res.output)
    assert data["old"]["skipped"] == [str(tmp_path / "w1" / "其他.xlsx")]
    assert data["totals"]["vanished"] == 1


def test_a_case_moved_to_another_unit_is_a_changed_key_field(tmp_path: Path) -> None:
    """A case that moves to another unit (古南街道 → 石角镇) moves an annex row: reported, not
    'no changes'. The same unit written another way (古南街道办事处) is one unit: no change."""
    old = write_annex2(tmp_path / "old.xlsx", [annex2_row()])
    new = write_annex2(tmp_path / "new.xlsx", [annex2_row(街镇部门="石角镇")])
    d = diff_paths([old], [new], Options())
    (ch,) = d.of("changed")
    assert [(f["key"], f["old"], f["new"]) for f in ch.fields] == [("unit", "古南街道", "石角镇")]
    same = write_annex2(tmp_path / "same.xlsx", [annex2_row(街镇部门="古南街道办事处")])
    d = diff_paths([old], [same], Options())
    assert d.changes == [] and d.not_reported == []
    assert list(d.units) == ["古南街道"]  # the most frequent spelling (a tie: the shorter)


def test_a_roster_in_the_folder_holds_no_cases(tmp_path: Path) -> None:
    """A county's roster of annex-1 forms beside the ledgers is not a ledger of another form:
    diff compares the ledgers, overdue lists their cases, and a roster alone has no cases."""
    unit = GUNAN_ROW
    week = tmp_path / "w"
    week.mkdir()
    write_annex2(week / "ledger.xlsx", week1())
    write_roster(week / "roster.xlsx", [unit])
    res = CliRunner().invoke(cli, ["diff", str(week), str(week), "--lang", "en"])
    assert res.exit_code == 0, res.output
    res = CliRunner().invoke(cli, ["overdue", str(week), "--as-of", "2023-06", "--lang", "en"])
    assert res.exit_code == 1 and "7 of 7 cases overdue" in res.output, res.output  # 1: found
    alone = tmp_path / "roster"
    alone.mkdir()
    write_roster(alone / "roster.xlsx", [unit])
    res = CliRunner().invoke(cli, ["diff", str(alone), str(alone), "--lang", "en"])
    assert res.exit_code == 2 and "no ledger table" in res.output, res.output
