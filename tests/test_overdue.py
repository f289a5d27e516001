"""ledger overdue: repayment promises past their month while money is still owed."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from helpers import annex2_row, write_annex2, write_wuhan
from ledgercli.cli import cli
from ledgercli.compare.overdue import overdue_paths, parse_month
from ledgercli.model.options import Options


def case(contract: str, owed: float, **kw: Any) -> dict[str, Any]:
    row = annex2_row(合同名称=contract, 拖欠金额=owed, 剩余金额=owed)
    row.update(kw)
    return row


def ledger(tmp_path: Path) -> Path:
    rows = [
        # due the month before the as-of month: overdue by one month
        case("前月到期", 10, 剩余金额约定最迟偿还时间="2022-10"),
        # due in the as-of month itself: not yet overdue
        case("当月到期", 20, 剩余金额约定最迟偿还时间="2022-11"),
        # long overdue, partly repaid: the remaining amount is what is overdue
        case("早已到期", 30, 已偿还金额=12, 剩余金额=18, 剩余金额约定最迟偿还时间="2022-06"),
        # paid in full: nothing owed, never overdue
        case(
            "已清偿",
            40,
            清偿完毕金额=40,
            剩余金额=0,
            剩余金额约定最迟偿还时间=None,
            协议还款金额=None,
        ),
        # an agreement that lapsed, its own remaining-date still ahead
        case(
            "协议逾期",
            50,
            街镇部门="文龙街道",
            剩余金额约定最迟偿还时间="2023-06",
            协议还款金额=25,
            协议约定最迟偿还时间="2022-09",
        ),
    ]
    for n, r in enumerate(rows, start=1):
        r["序号"] = n
    return write_annex2(tmp_path / "ledger.xlsx", rows)


def test_month_boundary(tmp_path: Path) -> None:
    """Due month == as-of month is not overdue; the month before is (one month late)."""
    o = overdue_paths([ledger(tmp_path)], Options(), "2022-11")
    late = {c.case.get("contract"): c for c in o.cases}
    assert "当月到期" not in late
    assert late["前月到期"].months_late == 1
    assert late["前月到期"].amount == Decimal(10)
    o = overdue_paths([ledger(tmp_path)], Options(), "2022-12")
    assert "当月到期" in {c.case.get("contract") for c in o.cases}


def test_amounts_reasons_and_order(tmp_path: Path) -> None:
    """Remaining overdue is 剩余金额; a lapsed agreement counts its unpaid agreed amount."""
    o = overdue_paths([ledger(tmp_path)], Options(), "2022-11")
    got = [(c.case.get("contract"), c.amount, c.reasons, c.due, c.months_late) for c in o.cases]
    assert got == [
        ("早已到期", Decimal(18), ["remaining"], "2022-06", 5),
        ("协议逾期", Decimal(25), ["agreement"], "2022-09", 2),
        ("前月到期", Decimal(10), ["remaining"], "2022-10", 1),
    ]


def test_units_worst_first(tmp_path: Path) -> None:
    """Per unit counts and Decimal amounts, the largest overdue amount first, then the total."""
    o = overdue_paths([ledger(tmp_path)], Options(), "2022-11")
    assert [(u, t.cases, t.amount) for u, t in o.units] == [
        ("古南街道", 2, Decimal(28)),
        ("文龙街道", 1, Decimal(25)),
    ]
    assert (o.totals.cases, o.totals.amount) == (3, Decimal(53))
    assert o.totals.oldest_due == "2022-06"


def test_json_shape_and_exit_code(tmp_path: Path) -> None:
    """--format json: as_of, totals, units, cases with amounts as exact strings; exit 1."""
    res = CliRunner().invoke(
        cli, ["overdue", str(ledger(tmp_path)), "--as-of", "2022-11", "--format", "json"]
    )
    assert res.exit_code == 1, res.output
    data = json.loads(res.output)
    assert set(data) == {
        "form",
        "as_of",
        "paths",
        "contact_forms",
        "copies",
        "cases_checked",
        "totals",
        "units",
        "cases",
        "overdue_with_errors",
        "not_reported",
        "exit_code",
    }
    assert data["not_reported"] is None  # no roster given
    assert data["as_of"] == "2022-11" and data["cases_checked"] == 5
    assert data["overdue_with_errors"] == 0 and data["cases"][0]["row_errors"] == 0
    assert data["totals"] == {
        "cases": 3,
        "amount": "53",
        "remaining_lapsed": 2,
        "agreement_lapsed": 1,
        "oldest_due": "2022-06",
    }
    first = data["cases"][0]
    assert first["contract"] == "早已到期"
    assert first["overdue_amount"] == "18" and first["remaining"] == "18"
    assert first["months_late"] == 5 and first["row"] == 5
    assert first["status"] == "部分清偿"


def test_nothing_overdue_exits_zero(tmp_path: Path) -> None:
    """Before every promised month: exit 0 and a clear sentence in both languages."""
    path = ledger(tmp_path)
    res = CliRunner().invoke(cli, ["overdue", str(path), "--as-of", "2022-06", "--lang", "zh"])
    assert res.exit_code == 0, res.output
    assert "截至2022-06没有逾期未偿还的案件" in res.output
    res = CliRunner().invoke(cli, ["overdue", str(path), "--as-of", "2022-06", "--lang", "en"])
    assert "no overdue cases as of 2022-06" in res.output


def test_terminal_lists_units_and_cases(tmp_path: Path) -> None:
    """The terminal summary names the units and the lapsed reasons."""
    res = CliRunner().invoke(
        cli, ["overdue", str(ledger(tmp_path)), "--as-of", "2022-11", "--lang", "zh"]
    )
    assert res.exit_code == 1
    assert "逾期未偿还3件，金额 53.0000 万元" in res.output
    assert "协议到期未落实" in res.output and "文龙街道" in res.output


def test_two_reasons_are_listed_in_each_language(tmp_path: Path) -> None:
    """A case with both promises lapsed: 、 between them in Chinese, a comma in English."""
    row = case(
        "两项逾期",
        20,
        剩余金额约定最迟偿还时间="2022-06",
        协议还款金额=10,
        协议约定最迟偿还时间="2022-06",
    )
    path = write_annex2(tmp_path / "l.xlsx", [row])
    args = ["overdue", str(path), "--as-of", "2022-11"]
    zh = CliRunner().invoke(cli, [*args, "--lang", "zh"], env={"COLUMNS": "200"}).output
    assert "剩余金额到期未还、协议到期未落实" in zh, zh
    en = CliRunner().invoke(cli, [*args, "--lang", "en"], env={"COLUMNS": "200"}).output
    assert "、" not in en and "past due, " in en, en


def test_default_as_of_is_current_month(tmp_path: Path) -> None:
    """Without --as-of the current month is used (every 2022 promise has lapsed by now)."""
    res = CliRunner().invoke(cli, ["overdue", str(ledger(tmp_path)), "--format", "json"])
    data = json.loads(res.output)
    assert data["as_of"] >= "2024-01"
    assert data["totals"]["cases"] == 4


@pytest.mark.parametrize("bad", ["2022-13", "22-11", "next month"])
def test_bad_as_of(tmp_path: Path, bad: str) -> None:
    """A month that is not YYYY-MM is refused with exit 2 and a message, no traceback."""
    res = CliRunner().invoke(cli, ["overdue", str(ledger(tmp_path)), "--as-of", bad])
    assert res.exit_code == 2
    assert "YYYY-MM" in res.output


def test_parse_month_forms() -> None:
    """2022-9, 2022/09 and 2022年9月 all mean 2022-09."""
    assert {parse_month(v) for v in ("2022-9", "2022/09", "2022年9月", "2022.09")} == {"2022-09"}


def test_overdue_workbook(tmp_path: Path) -> None:
    """-o: a sheet by unit and a sheet of cases with provenance; never over the input."""
    path = ledger(tmp_path)
    out = tmp_path / "overdue.xlsx"
    res = CliRunner().invoke(
        cli, ["overdue", str(path), "--as-of", "2022-11", "-o", str(out), "--lang", "zh"]
    )
    assert res.exit_code == 1, res.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["逾期汇总", "逾期未偿还"]
    units = [[c.value for c in r] for r in wb["逾期汇总"].iter_rows(values_only=False)]
    assert units[1][:3] == ["古南街道", 2, 28]
    assert units[-1][:3] == ["合计", 3, 53]
    ws = wb["逾期未偿还"]
    headers = [c.value for c in ws[1]]
    assert ws.cell(2, headers.index("合同名称") + 1).value == "早已到期"
    assert ws.cell(2, headers.index("位置") + 1).value == f"{path} › 附件2 › 5"
    res = CliRunner().invoke(cli, ["overdue", str(path), "-o", str(path)])
    assert res.exit_code == 2


def test_form_without_promised_months(tmp_path: Path) -> None:
    """The Wuhan ledger has no promised-repayment months: exit 2 saying so."""
    wh = write_wuhan(tmp_path / "wh.xlsx")
    res = CliRunner().invoke(cli, ["overdue", str(wh), "--lang", "en"])
    assert res.exit_code == 2
    assert "wh-ledger has neither" in res.output


def test_overdue_case_on_an_error_row_is_marked(tmp_path: Path) -> None:
    """An overdue case whose row has errors is counted, and marked as possibly wrong: in JSON,
    on the terminal (both languages) and in the workbook's 校验 column."""
    rows = [
        case("电话错误", 10, 剩余金额约定最迟偿还时间="2022-06", 债务人联系电话="123"),
        case("无误", 20, 剩余金额约定最迟偿还时间="2022-07"),
    ]
    # A long name, as districts send them: the mark must survive the terminal's edge.
    name = "重庆市某某区某某街道防范和化解拖欠中小企业账款专项行动台账（第三季度）.xlsx"
    path = write_annex2(tmp_path / name, rows)
    args = ["overdue", str(path), "--as-of", "2022-11"]
    data = json.loads(CliRunner().invoke(cli, [*args, "--format", "json"]).output)
    by_contract = {c["contract"]: c for c in data["cases"]}
    assert by_contract["电话错误"]["row_errors"] == 1 and by_contract["无误"]["row_errors"] == 0
    assert data["overdue_with_errors"] == 1 and data["totals"]["cases"] == 2
    zh = CliRunner().invoke(cli, [*args, "--lang", "zh"]).output
    assert "其中1件所在行有错误（标⚠）" in zh and "⚠ 重庆市" in zh
    en = CliRunner().invoke(cli, [*args, "--lang", "en"]).output
    assert "1 of them are on rows with errors" in en
    out = tmp_path / "overdue.xlsx"
    CliRunner().invoke(cli, [*args, "-o", str(out), "--lang", "zh"])
    ws = openpyxl.load_workbook(out)["逾期未偿还"]
    headers = [c.value for c in ws[1]]
    checks = {
        ws.cell(r, headers.index("合同名称") + 1).value: ws.cell(r, headers.index("校验") + 1).value
        for r in range(2, ws.max_row + 1)
    }
    assert checks == {"电话错误": "有1处错误", "无误": None}
    # The lapsed month is the cell marked on each row, whatever columns come before it.
    marked = [
        headers[c.column - 1]
        for c in ws[2]
        if c.fill is not None and c.fill.fgColor.rgb not in ("00000000", None)
    ]
    assert marked == ["剩余金额约定最迟偿还时间"]
