"""Small in-memory ledgers and workbooks for tests: valid by default, broken on purpose."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from stdnum.cn.uscc import calc_check_digit

ANNEX2_HEADERS = [
    "序号",
    "问题来源",
    "问题编号",
    "街镇部门",
    "主体名称",
    "债务人统一社会信用代码",
    "性质",
    "隶属关系",
    "债务人所属领域",
    "债务人联系人",
    "债务人联系电话",
    "企业名称",
    "债权人统一社会信用代码",
    "债权人联系人",
    "债权人联系电话",
    "合同名称",
    "合同金额",
    "拖欠金额",
    "欠款类型",
    "最迟付款日期",
    "有无分歧",
    "清偿完毕金额",
    "已偿还金额",
    "剩余金额",
    "剩余金额约定最迟偿还时间",
    "协议还款金额",
    "协议约定最迟偿还时间",
    "进入司法程序的金额",
]
TITLE2 = "防范和化解拖欠中小企业账款专项行动问题化解情况明细表"


def uscc(body17: str) -> str:
    """A valid unified social credit code from its first 17 characters."""
    return body17 + calc_check_digit(body17)


DEBTOR = uscc("11500222MB1234567")
CREDITOR = uscc("91500222MA5U12345")


def annex2_row(**overrides: Any) -> dict[str, Any]:
    """One valid, unresolved annex-2 case; keyword arguments replace columns by header."""
    row: dict[str, Any] = {
        "序号": 1,
        "问题来源": "自行排查",
        "问题编号": None,
        "街镇部门": "古南街道",
        "主体名称": "綦江区住房和城乡建设委员会",
        "债务人统一社会信用代码": DEBTOR,
        "性质": "政府序列部门（含政府投融资平台）",
        "隶属关系": None,
        "债务人所属领域": "住建",
        "债务人联系人": "王五",
        "债务人联系电话": "13812345678",
        "企业名称": "重庆某建筑有限公司",
        "债权人统一社会信用代码": CREDITOR,
        "债权人联系人": "李四",
        "债权人联系电话": "023-63895398",
        "合同名称": "古南大道改造工程施工合同",
        "合同金额": 100,
        "拖欠金额": 50.5,
        "欠款类型": "工程",
        "最迟付款日期": "2022-03",
        "有无分歧": "无",
        "清偿完毕金额": None,
        "已偿还金额": None,
        "剩余金额": 50.5,
        "剩余金额约定最迟偿还时间": "2022-12",
        "协议还款金额": None,
        "协议约定最迟偿还时间": None,
        "进入司法程序的金额": None,
    }
    for key, value in overrides.items():
        assert key in row, f"unknown annex-2 header {key}"
        row[key] = value
    return row


def write_annex2(
    path: Path,
    rows: list[dict[str, Any]],
    headers: list[str] | None = None,
    title: bool = True,
    above: list[list[Any]] | None = None,
    below: list[list[Any]] | None = None,
    sheet: str = "附件2",
) -> Path:
    """An annex-2 workbook as a district would send it (title row, header, data)."""
    import openpyxl

    headers = headers or ANNEX2_HEADERS
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    if title:
        ws.append([TITLE2])
    for extra in above or []:
        ws.append(extra)
    ws.append(headers)
    canon = {h: h for h in ANNEX2_HEADERS}
    for row in rows:
        ws.append([row.get(canon.get(h, h)) for h in headers])
    for extra in below or []:
        ws.append(extra)
    wb.save(path)
    return path


def write_wuhan(path: Path) -> Path:
    """A one-case Wuhan ledger (wh-ledger) with its 填报单位 row and a one-level header."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["填报单位：江岸区减负办", None, "联系人：张三"])
    header = (
        "序号 问题线索受理日期 企业名称 联系人 联系方式 主体名称 性质 隶属关系 合同名称 合同金额"
        " 拖欠金额（万元） 约定最迟付款时间 合同等证明材料 有无分歧 是否进入司法程序"
        " 其他需要说明问题 办理情况"
    )
    ws.append(header.split())
    ws.append(
        [
            1,
            "2022-04-08",
            "武汉某公司",
            "李四",
            "13812345678",
            "某局",
            "机关",
            None,
            "合同甲",
            10,
            5,
            "2022-01-01",
            "有",
            "无",
            "否",
            None,
            "正在沟通办理",
        ]
    )
    wb.save(path)
    return path


ROSTER_HEADERS = ["区县", "牵头单位", "责任领导", "职务", "联系电话", "联络人", "职务", "联系电话"]
# Two units' rows, in ROSTER_HEADERS order (a test with the blocks swapped reads them swapped).
GUNAN_ROW = [
    "古南街道",
    "古南街道办事处",
    "张三",
    "副主任",
    "13812345678",
    "李四",
    "科员",
    "023-63895398",
]
WENLONG_ROW = [
    "文龙街道",
    "文龙街道办事处",
    "王五",
    "干事",
    "023-63895399",
    "赵六",
    "主任",
    "13912345678",
]


def write_roster(path: Path, rows: list[list[Any]], headers: list[str] | None = None) -> Path:
    """A county's annex-1 forms as one table, a unit a row (the leader's block first unless
    `headers` says otherwise)."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headers or ROSTER_HEADERS)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def needs_program(name: str) -> pytest.MarkDecorator:
    """Skip a test whose program is missing on a developer's machine, but never in CI: there
    `.ci/run` installs it, and a skip would hide a feature nobody checked."""
    missing = shutil.which(name) is None and not os.environ.get("CI")
    return pytest.mark.skipif(missing, reason=f"{name} is not installed (CI installs it)")
