#!/usr/bin/env python3
"""Generate the sample submissions in ``sample_data/submissions/`` and ``sample_data/EXPECTED.md``.

Run ``python sample_data/generate.py``: every file is rebuilt byte for byte the same (fixed random
seeds, fixed workbook timestamps, fixed zip member timestamps). Needs only the standard library,
openpyxl and python-stdnum.

Everything in the files is invented: the names of companies, people, contracts, the credit codes
(which carry a correct GB 32100-2015 check character) and the phone numbers. The reporting units
(古南街道, 区住房城乡建委, ...) are the kind of 街镇/部门 of 重庆市綦江区 named in the 2022 notice.

The module is also importable: ``annex2_rows(rng, unit, n)`` returns valid cq-annex2 rows keyed by
the official Chinese headers, and the ``write_*`` functions lay out the workbooks.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import math
import random
import re
import sys
import zipfile
from collections.abc import Callable, Iterable, Sequence
from decimal import ROUND_CEILING, ROUND_DOWN, Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from stdnum.cn import uscc

HERE = Path(__file__).resolve().parent
OUT_DIR = HERE / "submissions"
EXPECTED_MD = HERE / "EXPECTED.md"

SEED = 20220520
FIXED_TIME = dt.datetime(2022, 5, 26, 18, 0, 0)
ZIP_TIME = (2022, 5, 26, 18, 0, 0)
CUTOFF = "2022-05"  # the screening cut-off: 最迟付款日期 later than this is "not yet overdue"

# --------------------------------------------------------------------------------------------
# cq-annex2 vocabulary (SPEC.md and the Chongqing seed)
# --------------------------------------------------------------------------------------------

ANNEX2_TITLE = "防范和化解拖欠中小企业账款专项行动问题化解情况明细表"
ANNEX2_HEADERS: list[str] = [
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
AMOUNT_COLUMNS = {
    "合同金额",
    "拖欠金额",
    "清偿完毕金额",
    "已偿还金额",
    "剩余金额",
    "协议还款金额",
    "进入司法程序的金额",
}
MONTH_COLUMNS = {"最迟付款日期", "剩余金额约定最迟偿还时间", "协议约定最迟偿还时间"}
TEXT_CODE_COLUMNS = {
    "债务人统一社会信用代码",
    "债权人统一社会信用代码",
    "债务人联系电话",
    "债权人联系电话",
    "问题编号",
}

SRC_SELF = "自行排查"
SRC_DC = "国务院“互联网+督查”"
SRC_MIIT = "工业和信息化部违约拖欠中小企业款项登记（投诉）平台"
SRC_AUDIT = "重大政策跟踪审计"
SRC_PETITION = "信访"
SRC_OTHER = "其他"
SOURCES = [SRC_SELF, SRC_DC, SRC_MIIT, SRC_AUDIT, SRC_PETITION, SRC_OTHER]
SOURCE_WEIGHTS = [50, 12, 16, 8, 8, 6]
NUMBERED_SOURCES = {SRC_DC, SRC_MIIT}

GOV = "政府序列部门（含政府投融资平台）"
NONGOV = "非政府序列部门"
INST = "事业单位"
SOE_C = "大型企业（央企）"
SOE_L = "大型企业（地方国企）"
PRIV = "大型企业（民营、外资）"
NATURES = [GOV, NONGOV, INST, SOE_C, SOE_L, PRIV]
LARGE = {SOE_C, SOE_L, PRIV}
DOMAINS = {
    GOV: [
        "发展改革",
        "公安",
        "住建",
        "卫生健康",
        "交通",
        "水利",
        "教育",
        "农业农村",
        "平台公司",
        "其他",
    ],
    NONGOV: ["政法委", "宣传部", "其他"],
}

ST_CLEARED = "清偿完毕"
ST_PARTIAL = "部分清偿"
ST_AGREED = "协议还款"
ST_OPEN = "未化解"
STATUSES = [ST_CLEARED, ST_PARTIAL, ST_AGREED, ST_OPEN]
STATUS_WEIGHTS = [35, 25, 15, 25]

ANNEX2_INSTRUCTIONS = [
    "填写说明：",
    "1.“问题来源”：指自行排查、国务院互联网+督查、工业和信息化部违约拖欠中小企业款项登记（投诉）平台、"
    "重大政策跟踪审计、信访等。",
    "3.“问题编号”：工业和信息化部违约拖欠中小企业款项登记（投诉）平台编号、“国务院互联网+督查”编号等。",
    "4.“拖欠主体性质”：政府序列部门（含政府投融资平台）、非政府序列部门、事业单位、大型企业（央企）、"
    "大型企业（地方国企）、大型企业（民营、外资）。",
    "5.“隶属关系”：指若拖欠主体为企业时，填写内容为企业所属总公司；",
    "6.“所属领域”：拖欠主体为政府序列部门时，填写“发展改革、公安、住建、卫生健康、交通、水利、教育、"
    "农业农村、平台公司、其他”；拖欠主体为非政府序列部门时，填写“政法委、宣传部、其他”。",
    "7.“欠款类型”：填写工程、货物、服务。",
    "8.时间填写：填写格式为xxxx-xx，例2022-12。",
    "9.“有无分歧”：填写“有”或“无”。",
    "10.涉及金额项的单位：万元。",
]

# --------------------------------------------------------------------------------------------
# Identifiers: credit codes and phones
# --------------------------------------------------------------------------------------------

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
ORG_LETTERS = "ABCDEFGHJKLMNPQRTUWXY"  # letters a GB 32100 code may carry
MOBILE_PREFIXES = [
    "138",
    "139",
    "135",
    "136",
    "137",
    "150",
    "151",
    "158",
    "159",
    "182",
    "187",
    "188",
]


def _org_code(rng: random.Random, digits_only: bool = False) -> str:
    """A 9-character organization code: 8 body characters and the GB 11714 check character."""
    while True:
        if digits_only or rng.random() < 0.55:
            body = "".join(rng.choice("0123456789") for _ in range(8))
        else:  # codes issued since 2015 start with MA
            body = "MA" + "".join(rng.choice("0123456789" + ORG_LETTERS) for _ in range(6))
        weights = (3, 7, 9, 10, 5, 8, 4, 2)
        total = sum(
            (int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(body, weights, strict=True)
        )
        check = 11 - total % 11
        char = {10: "X", 11: "0"}.get(check, str(check))
        if digits_only and not char.isdigit():
            continue
        return body + char


def make_uscc(rng: random.Random, kind: str, region: str, digits_only: bool = False) -> str:
    """An 18-character unified social credit code with a correct GB 32100-2015 check character.

    ``kind`` is the registration authority and entity type, e.g. '91' (company), '11' (organ),
    '12' (public institution), '52' (private non-enterprise unit), '92' (individual business).
    """
    while True:
        body = kind + region + _org_code(rng, digits_only)
        check = uscc.calc_check_digit(body)
        if digits_only and not check.isdigit():
            continue
        code = body + check
        assert uscc.is_valid(code), code
        return code


def code_for(name: str, kind: str, region: str) -> str:
    """The same entity always gets the same credit code (seeded by its name)."""
    return make_uscc(random.Random(f"uscc:{name}"), kind, region)


def mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + "".join(rng.choice("0123456789") for _ in range(8))


def fixed_line(rng: random.Random, area: str = "023") -> str:
    if area == "023":
        first = rng.choice(["4866", "4867", "4869", "6"])
    else:
        first = rng.choice(["8", "85", "82"])
    rest = "".join(rng.choice("0123456789") for _ in range(8 - len(first)))
    return f"{area}-{first}{rest}"


SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何罗高林郑谢唐冯邓曾彭蒋蔡余杜叶程苏魏吕丁任沈姚卢钟谭廖袁"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玲波斌宇浩凯鹏飞雪梅琴兰晓东林"


def person(rng: random.Random) -> str:
    given = rng.choice(GIVEN) if rng.random() < 0.3 else rng.choice(GIVEN) + rng.choice(GIVEN)
    return rng.choice(SURNAMES) + given


def contact_for(name: str, area: str = "023", fixed_share: float = 0.0) -> tuple[str, str]:
    """The contact person and phone of an entity, stable across rows and files."""
    r = random.Random(f"contact:{name}")
    who = person(r)
    phone = fixed_line(r, area) if r.random() < fixed_share else mobile(r)
    return who, phone


# --------------------------------------------------------------------------------------------
# Debtors and creditors (Chongqing, 綦江区)
# --------------------------------------------------------------------------------------------

QJ = "重庆市綦江区"
# (name, 性质, 隶属关系, 所属领域, code kind, tags)
DEBTORS: list[tuple[str, str, str, str, str, tuple[str, ...]]] = [
    (QJ + "住房和城乡建设委员会", GOV, "", "住建", "11", ("建",)),
    (QJ + "交通局", GOV, "", "交通", "11", ("交",)),
    (QJ + "水利局", GOV, "", "水利", "11", ()),
    (QJ + "教育委员会", GOV, "", "教育", "11", ()),
    (QJ + "卫生健康委员会", GOV, "", "卫生健康", "11", ()),
    (QJ + "农业农村委员会", GOV, "", "农业农村", "11", ()),
    (QJ + "发展和改革委员会", GOV, "", "发展改革", "11", ()),
    (QJ + "公安局", GOV, "", "公安", "11", ()),
    (QJ + "城市管理局", GOV, "", "其他", "11", ("建",)),
    ("重庆綦城城乡建设发展有限公司", GOV, "", "平台公司", "91", ("建",)),
    ("重庆綦南交通建设投资有限公司", GOV, "", "平台公司", "91", ("交",)),
    ("重庆綦东新城开发建设有限公司", GOV, "", "平台公司", "91", ("建",)),
    ("中共" + QJ + "委政法委员会", NONGOV, "", "政法委", "11", ()),
    ("中共" + QJ + "委宣传部", NONGOV, "", "宣传部", "11", ()),
    ("共青团" + QJ + "委员会", NONGOV, "", "其他", "13", ()),
    (QJ + "人民医院", INST, "", "", "12", ()),
    (QJ + "中医院", INST, "", "", "12", ()),
    ("重庆市綦江实验中学", INST, "", "", "12", ()),
    (QJ + "市政设施管理所", INST, "", "", "12", ("建",)),
    (QJ + "公路事务中心", INST, "", "", "12", ("交",)),
    (QJ + "农村公路养护中心", INST, "", "", "12", ("交",)),
    ("中华西建设集团第五工程有限公司", SOE_C, "中华西建设集团有限公司", "", "91", ("建",)),
    ("中路桥綦江项目管理有限公司", SOE_C, "中路桥建设集团有限公司", "", "91", ("交",)),
    ("中能电建重庆工程有限公司", SOE_C, "中国中能电力建设集团有限公司", "", "91", ()),
    ("重庆渝建实业第三建设有限公司", SOE_L, "重庆渝建实业集团股份有限公司", "", "91", ("建",)),
    ("重庆渝南公路建设有限公司", SOE_L, "重庆渝南交通控股（集团）有限公司", "", "91", ("交",)),
    ("重庆綦渝能源开发有限责任公司", SOE_L, "重庆綦渝能源投资集团有限公司", "", "91", ()),
    ("重庆锦华置业发展有限公司", PRIV, "锦华控股集团有限公司", "", "91", ("建",)),
    ("重庆瑞江汽车零部件有限公司", PRIV, "瑞江机械（香港）有限公司", "", "91", ()),
    ("重庆东溪新材料科技有限公司", PRIV, "东溪控股集团有限公司", "", "91", ()),
]
DEBTOR_REGIONS = {"11": "500222", "12": "500222", "13": "500222", "91": "500222"}

CREDITOR_PREFIXES = [
    "鑫源",
    "恒达",
    "华泰",
    "渝通",
    "綦发",
    "巨邦",
    "宏远",
    "金桥",
    "众诚",
    "瑞丰",
    "博远",
    "川黔",
    "聚力",
    "盛邦",
    "汇通",
    "天宇",
    "腾辉",
    "德润",
    "嘉禾",
    "铭洋",
    "新锐",
    "永泰",
    "正阳",
    "万和",
    "佳信",
    "润泽",
    "长林",
    "安捷",
    "友邦",
    "思源",
    "隆昌",
    "创宏",
    "蓝天",
    "同丰",
    "明达",
    "卓越",
]
# (suffix, 欠款类型, code kind, contract maker key)
CREDITOR_KINDS: list[tuple[str, str, str, str]] = [
    ("建筑工程有限公司", "工程", "91", "build"),
    ("市政工程有限公司", "工程", "91", "build"),
    ("园林绿化工程有限公司", "工程", "91", "green"),
    ("建筑劳务有限公司", "工程", "91", "labour"),
    ("装饰工程有限公司", "工程", "91", "deco"),
    ("机电设备安装工程有限公司", "工程", "91", "mep"),
    ("交通设施工程有限公司", "工程", "91", "road"),
    ("建材有限公司", "货物", "91", "material"),
    ("商贸有限公司", "货物", "91", "trade"),
    ("医疗器械有限公司", "货物", "91", "medical"),
    ("办公设备有限公司", "货物", "91", "office"),
    ("五金经营部", "货物", "92", "material"),
    ("信息技术有限公司", "服务", "91", "it"),
    ("物业管理有限公司", "服务", "91", "property"),
    ("印务有限公司", "服务", "91", "print"),
    ("环保科技有限公司", "服务", "91", "env"),
    ("工程咨询有限公司", "服务", "91", "consult"),
    ("职业培训学校", "服务", "52", "training"),
]
PLACES = [
    "古南",
    "文龙",
    "三江",
    "通惠",
    "永新",
    "横山",
    "石角",
    "东溪",
    "打通",
    "赶水",
    "隆盛",
    "郭扶",
    "篆塘",
    "丁山",
    "新盛",
    "石壕",
    "安稳",
    "扶欢",
    "中峰",
    "三角",
]
LOTS = ["", "", "", "（一期）", "（二期）", "（一标段）", "（二标段）", "（三标段）"]
PROJECTS = {
    "build": [
        "老旧小区改造工程",
        "安置房建设工程",
        "小学教学楼改扩建工程",
        "污水管网建设工程",
        "农贸市场改造工程",
        "社区便民服务中心建设工程",
        "城市道路改造工程",
    ],
    "green": ["滨河公园绿化提升工程", "道路绿化提升工程", "滨江步道景观工程"],
    "labour": ["安置房建设工程", "污水处理厂扩建工程", "老旧小区改造工程"],
    "deco": ["卫生院装修工程", "办公楼维修改造工程", "学校食堂改造工程"],
    "mep": ["医院供配电改造工程", "学校消防设施改造工程", "办公楼电梯更新工程"],
    "road": ["农村公路硬化工程", "县道安全生命防护工程", "桥梁维修加固工程", "公路边坡治理工程"],
}
GOODS = {
    "material": ["商品混凝土", "钢材", "水泥", "砂石材料", "管材"],
    "trade": ["防疫物资", "办公用品", "劳保用品", "食堂食材"],
    "medical": ["医用耗材", "医疗设备", "检验试剂"],
    "office": ["计算机设备", "学生课桌椅", "多媒体教学设备"],
}
SERVICES = {
    "it": ["信息化系统运维", "视频监控平台建设运维", "政务网络运维"],
    "property": ["物业管理", "保洁及安保"],
    "print": ["宣传资料印刷", "档案印刷装订"],
    "env": ["垃圾清运", "河道保洁", "污水处理设施运营"],
    "consult": ["工程造价咨询", "工程监理", "项目可行性研究编制"],
    "training": ["职业技能培训", "农村实用技术培训"],
}
BUILD_KIND = {
    "build": "施工合同",
    "green": "施工合同",
    "labour": "劳务分包合同",
    "deco": "施工合同",
    "mep": "专业分包合同",
    "road": "施工合同",
}


def _contract_name(rng: random.Random, maker: str) -> str:
    year = rng.choice([2018, 2019, 2020, 2020, 2021, 2021, 2021])
    if maker in PROJECTS:
        place = rng.choice(PLACES)
        place += "街道" if place in {"古南", "文龙", "三江", "通惠", "新盛"} else "镇"
        return f"{year}年{place}{rng.choice(PROJECTS[maker])}{rng.choice(LOTS)}{BUILD_KIND[maker]}"
    if maker in GOODS:
        return f"{year}年{rng.choice(GOODS[maker])}采购合同"
    return f"{year}年度{rng.choice(SERVICES[maker])}服务合同"


def _creditor(
    rng: random.Random, city: str = "重庆", region: str = "500222"
) -> tuple[str, str, str, str]:
    suffix, debt_type, kind, maker = rng.choice(CREDITOR_KINDS)
    prefix = rng.choice(CREDITOR_PREFIXES)
    if kind == "52":
        name = f"{city}市綦江区{prefix}{suffix}" if city == "重庆" else f"{city}市{prefix}{suffix}"
    elif kind == "92":
        name = f"綦江区{prefix}{suffix}" if city == "重庆" else f"江岸区{prefix}{suffix}"
    else:
        name = f"{city}{prefix}{suffix}"
    return name, debt_type, creditor_code(name, kind, region), maker


def creditor_code(name: str, kind: str, region: str = "500222") -> str:
    """A creditor's code; most are registered locally, some elsewhere (stable per name)."""
    r = random.Random(f"region:{name}")
    if kind == "91" and r.random() < 0.3:
        region = r.choice(["500000", "500110", "500112", "500107"])
    return code_for(name, kind, region)


# --------------------------------------------------------------------------------------------
# Amounts and months
# --------------------------------------------------------------------------------------------

Q4 = Decimal("0.0001")
Q2 = Decimal("0.01")


def _amount(rng: random.Random, low: float, high: float) -> Decimal:
    x = math.exp(rng.uniform(math.log(low), math.log(high)))
    places = rng.choices([1, 2, 4], weights=[15, 60, 25])[0]
    value = Decimal(f"{x:.{places}f}")
    return max(value, Decimal(str(low)))


def _fraction(value: Decimal, f: float) -> Decimal:
    return (value * Decimal(f"{f:.4f}")).quantize(Q2, rounding=ROUND_DOWN)


def month(y: int, m: int) -> str:
    return f"{y:04d}-{m:02d}"


def _month_between(rng: random.Random, start: tuple[int, int], end: tuple[int, int]) -> str:
    a = start[0] * 12 + start[1] - 1
    b = end[0] * 12 + end[1] - 1
    k = rng.randint(a, b)
    return month(k // 12, k % 12 + 1)


def set_amounts(
    row: dict[str, object],
    arrears: Decimal,
    status: str,
    *,
    repaid: Decimal | None = None,
    agreed: Decimal | None = None,
    due: str | None = None,
) -> None:
    """Fill the resolution columns of a row consistently for the given status."""
    row["拖欠金额"] = arrears
    row["清偿完毕金额"] = None
    row["已偿还金额"] = None
    row["协议还款金额"] = None
    row["协议约定最迟偿还时间"] = None
    row["剩余金额约定最迟偿还时间"] = None
    row["进入司法程序的金额"] = None
    if status == ST_CLEARED:
        row["清偿完毕金额"] = arrears
        row["剩余金额"] = Decimal("0")
        return
    if status == ST_PARTIAL:
        assert repaid is not None and Decimal(0) < repaid < arrears
        row["已偿还金额"] = repaid
        row["剩余金额"] = arrears - repaid
    else:
        row["剩余金额"] = arrears
    if status == ST_AGREED:
        assert agreed is not None and Decimal(0) < agreed <= arrears
        row["协议还款金额"] = agreed
        row["协议约定最迟偿还时间"] = due
    if row["剩余金额"]:
        row["剩余金额约定最迟偿还时间"] = due


# --------------------------------------------------------------------------------------------
# annex2_rows: the importable generator of valid rows
# --------------------------------------------------------------------------------------------


def _mix(rng: random.Random, values: Sequence[str], weights: Sequence[int], n: int) -> list[str]:
    """n values covering every value once when n allows, the rest drawn by weight."""
    picked = list(values) if n >= len(values) else rng.sample(list(values), n)
    picked += rng.choices(list(values), weights=list(weights), k=n - len(picked))
    rng.shuffle(picked)
    return picked


def _problem_number(rng: random.Random, source: str) -> str:
    if source == SRC_DC:
        return f"DC2022{rng.randint(0, 999999):06d}"
    return f"GXB2022{rng.randint(1, 12):02d}{rng.randint(0, 99999):05d}"


def _debtor_weights(unit: str) -> list[int]:
    weights = []
    for name, _nature, _parent, _domain, _kind, tags in DEBTORS:
        w = 2
        if ("住房城乡建委" in unit and "建" in tags) or ("交通" in unit and "交" in tags):
            w = 12
        elif "住房城乡建委" in unit or "交通" in unit:
            w = 1
        if name.endswith("委员会") and name.startswith("共青团"):
            w = 1
        weights.append(w)
    return weights


def _street_office(unit: str) -> tuple[str, str, str, str, str, tuple[str, ...]] | None:
    if unit.endswith("街道"):
        return (f"{QJ}人民政府{unit}办事处", GOV, "", "其他", "11", ())
    if unit.endswith("镇"):
        return (f"{QJ}{unit}人民政府", GOV, "", "其他", "11", ())
    return None


def annex2_rows(
    rng: random.Random, unit: str, n: int, start_seq: int = 1
) -> list[dict[str, object]]:
    """``n`` valid cq-annex2 rows for reporting unit ``unit``, keyed by the official headers.

    Amounts are ``Decimal`` (万元, at most 4 decimals) or ``None`` for a blank cell; months are
    'YYYY-MM' strings; 序号 counts from ``start_seq``. Every row satisfies every rule of SPEC.md
    (no error, no warning). The six 问题来源 values all occur when n >= 6, the four resolution
    statuses when n >= 4; a few rows with 剩余金额 > 0 entered judicial proceedings.
    """
    sources = _mix(rng, SOURCES, SOURCE_WEIGHTS, n)
    statuses = _mix(rng, STATUSES, STATUS_WEIGHTS, n)
    debtors = list(DEBTORS)
    weights = _debtor_weights(unit)
    office = _street_office(unit)
    if office is not None:
        debtors.append(office)
        weights.append(6)
    rows: list[dict[str, object]] = []
    numbers: set[str] = set()
    identities: set[tuple[str, str, str]] = set()
    for i in range(n):
        source, status = sources[i], statuses[i]
        while True:
            dname, nature, parent, domain, dkind, _tags = rng.choices(debtors, weights)[0]
            cname, debt_type, ccode, maker = _creditor(rng)
            contract = _contract_name(rng, maker)
            dcode = code_for(dname, dkind, DEBTOR_REGIONS[dkind])
            ident = (dcode, ccode, contract)
            if ident not in identities and dcode != ccode:
                identities.add(ident)
                break
        number = None
        if source in NUMBERED_SOURCES:
            while (number := _problem_number(rng, source)) in numbers:
                pass
            numbers.add(number)
        dperson, dphone = contact_for(dname, "023", fixed_share=0.5 if dkind != "91" else 0.2)
        cperson, cphone = contact_for(cname, "023", fixed_share=0.1)
        if debt_type == "工程":
            arrears = _amount(rng, 3, 800)
        elif debt_type == "货物":
            arrears = _amount(rng, 0.5, 200)
        else:
            arrears = _amount(rng, 0.5, 120)
        if rng.random() < 0.2:
            contract_amount = arrears
        else:
            contract_amount = (arrears * Decimal(f"{rng.uniform(1.05, 3.0):.3f}")).quantize(
                Q2, rounding=ROUND_CEILING
            )
        row: dict[str, object] = dict.fromkeys(ANNEX2_HEADERS)
        row.update(
            {
                "序号": start_seq + i,
                "问题来源": source,
                "问题编号": number,
                "街镇部门": unit,
                "主体名称": dname,
                "债务人统一社会信用代码": dcode,
                "性质": nature,
                "隶属关系": parent or None,
                "债务人所属领域": domain or None,
                "债务人联系人": dperson,
                "债务人联系电话": dphone,
                "企业名称": cname,
                "债权人统一社会信用代码": ccode,
                "债权人联系人": cperson,
                "债权人联系电话": cphone,
                "合同名称": contract,
                "合同金额": contract_amount,
                "欠款类型": debt_type,
                "最迟付款日期": _month_between(rng, (2019, 1), (2022, 5)),
                "有无分歧": "有" if rng.random() < 0.25 else "无",
            }
        )
        due = _month_between(rng, (2022, 6), (2022, 12))
        repaid = agreed = None
        if status == ST_PARTIAL:
            repaid = max(_fraction(arrears, rng.uniform(0.1, 0.8)), Q2)
            if repaid >= arrears:  # only for tiny amounts
                repaid = (arrears / 2).quantize(Q4, rounding=ROUND_DOWN)
        elif status == ST_AGREED:
            agreed = (
                arrears
                if rng.random() < 0.7
                else max(_fraction(arrears, rng.uniform(0.3, 0.9)), Q2)
            )
        set_amounts(row, arrears, status, repaid=repaid, agreed=agreed, due=due)
        rows.append(row)
    # a few open cases went to court (the amount in court never exceeds what is still owed)
    open_rows = [r for r in rows if r["剩余金额"]]
    k = min(len(open_rows), max(1, n // 8)) if n >= 8 else 0
    for r in rng.sample(open_rows, k):
        rest = r["剩余金额"]
        assert isinstance(rest, Decimal)
        r["进入司法程序的金额"] = rest if rng.random() < 0.6 else _fraction(rest, 0.5) or rest
        r["有无分歧"] = "有"
    return rows


def check_annex2_row(row: dict[str, object], cutoff: str = CUTOFF) -> list[str]:
    """Problems of a row against SPEC.md (empty for a valid row); the generator's self-check."""
    p: list[str] = []

    def dec(key: str) -> Decimal:
        v = row.get(key)
        return v if isinstance(v, Decimal) else Decimal(0)

    for key in [
        "问题来源",
        "街镇部门",
        "主体名称",
        "债务人统一社会信用代码",
        "性质",
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
    ]:
        if row.get(key) in (None, ""):
            p.append(f"{key} missing")
    if row.get("问题来源") not in SOURCES:
        p.append("问题来源")
    if row.get("问题来源") in NUMBERED_SOURCES and not row.get("问题编号"):
        p.append("问题编号 missing")
    for key in ["债务人统一社会信用代码", "债权人统一社会信用代码"]:
        if not (
            isinstance(row.get(key), str)
            and uscc.is_valid(str(row[key]))
            and len(str(row[key])) == 18
        ):
            p.append(key)
    if row.get("债务人统一社会信用代码") == row.get("债权人统一社会信用代码"):
        p.append("same codes")
    nature = row.get("性质")
    if nature not in NATURES:
        p.append("性质")
    if nature in LARGE and not row.get("隶属关系"):
        p.append("隶属关系 missing")
    domain = row.get("债务人所属领域")
    if nature in DOMAINS:
        if domain not in DOMAINS[str(nature)]:
            p.append("所属领域")
    elif domain:
        p.append("所属领域 not expected")
    for key in ["债务人联系电话", "债权人联系电话"]:
        v = str(row.get(key) or "")
        if not (re.fullmatch(r"1[3-9]\d{9}", v) or re.fullmatch(r"0\d{2,3}-\d{7,8}", v)):
            p.append(key)
    if row.get("欠款类型") not in ("工程", "货物", "服务"):
        p.append("欠款类型")
    if row.get("有无分歧") not in ("有", "无"):
        p.append("有无分歧")
    for key in MONTH_COLUMNS:
        v = row.get(key)
        if v is not None and not (
            isinstance(v, str) and re.fullmatch(r"20\d\d-(0[1-9]|1[0-2])", v)
        ):
            p.append(f"{key} format")
    if str(row.get("最迟付款日期")) > cutoff:
        p.append("最迟付款日期 after cutoff")
    for key in AMOUNT_COLUMNS:
        v = row.get(key)
        if v is not None and (not isinstance(v, Decimal) or v < 0 or v != v.quantize(Q4)):
            p.append(f"{key} amount")
    arrears = dec("拖欠金额")
    if arrears <= 0:
        p.append("拖欠金额 <= 0")
    if arrears > dec("合同金额") or arrears > 800:
        p.append("拖欠金额 > 合同金额 or yuan-like")
    cleared, repaid = dec("清偿完毕金额"), dec("已偿还金额")
    if cleared > 0 and cleared != arrears:
        p.append("清偿完毕金额")
    if repaid >= arrears and repaid > 0:
        p.append("已偿还金额")
    if abs(arrears - cleared - repaid - dec("剩余金额")) > Q4:
        p.append("剩余金额")
    if dec("剩余金额") > 0 and not row.get("剩余金额约定最迟偿还时间"):
        p.append("剩余金额约定最迟偿还时间 missing")
    paid = cleared if cleared > 0 else repaid
    if dec("协议还款金额") > arrears - paid:
        p.append("协议还款金额")
    if dec("协议还款金额") > 0 and not row.get("协议约定最迟偿还时间"):
        p.append("协议约定最迟偿还时间 missing")
    if dec("进入司法程序的金额") > arrears:
        p.append("进入司法程序的金额")
    return p


# --------------------------------------------------------------------------------------------
# Writing workbooks deterministically
# --------------------------------------------------------------------------------------------

THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
BOLD = Font(bold=True)
TITLE_FONT = Font(bold=True, size=16)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
AMOUNT_FORMAT = "0.0000"


def new_workbook(sheet_title: str) -> tuple[Workbook, Worksheet]:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet_title
    wb.properties.creator = "ledger sample_data/generate.py"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    return wb, ws


def workbook_bytes(wb: Workbook) -> bytes:
    """The .xlsx bytes, made reproducible: fixed core-properties times and zip member times."""
    raw = io.BytesIO()
    wb.save(raw)
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    src = zipfile.ZipFile(io.BytesIO(raw.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = data.decode("utf-8")
                text = re.sub(r"(<dcterms:modified[^>]*>)[^<]*(<)", rf"\g<1>{stamp}\g<2>", text)
                text = re.sub(r"(<dcterms:created[^>]*>)[^<]*(<)", rf"\g<1>{stamp}\g<2>", text)
                data = text.encode("utf-8")
            zi = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.create_system = 0
            zi.external_attr = 0o600 << 16
            dst.writestr(zi, data)
    return out.getvalue()


def save(wb: Workbook, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(workbook_bytes(wb))


def _cell_value(key: str, value: object) -> object:
    if isinstance(value, Decimal):
        return float(value)
    return value


def write_table(
    ws: Worksheet,
    header_row: int,
    columns: Sequence[tuple[str, str]],
    rows: Sequence[dict[str, object]],
    overrides: dict[tuple[int, str], object] | None = None,
    widths: dict[str, float] | None = None,
) -> int:
    """Write a header row and data rows. ``columns`` is (key, header text shown); ``overrides``
    maps (row index, key) to the raw cell value to write instead (a text amount, a date cell,
    an int credit code, or the marker ``ERROR_REF``). Returns the last row written."""
    overrides = overrides or {}
    for j, (_key, header) in enumerate(columns, start=1):
        c = ws.cell(row=header_row, column=j, value=header)
        c.font = BOLD
        c.alignment = CENTER
        c.border = BORDER
        width = (widths or {}).get(_key)
        if width is None:
            width = 20 if _key in TEXT_CODE_COLUMNS or _key in {"主体名称", "企业名称"} else 12
            if _key == "合同名称":
                width = 36
        ws.column_dimensions[get_column_letter(j)].width = width
    r = header_row
    for i, row in enumerate(rows):
        r = header_row + 1 + i
        for j, (key, _header) in enumerate(columns, start=1):
            c = ws.cell(row=r, column=j)
            c.border = BORDER
            if (i, key) in overrides:
                raw = overrides[(i, key)]
                if raw is ERROR_REF:
                    c.value = "#REF!"
                    c.data_type = "e"
                    continue
                c.value = raw  # type: ignore[assignment]
                if isinstance(raw, dt.datetime):
                    c.number_format = "yyyy-mm-dd"
                elif isinstance(raw, int | float) and key in AMOUNT_COLUMNS:
                    c.number_format = AMOUNT_FORMAT
                continue
            value = row.get(key)
            if value is None:
                continue
            c.value = _cell_value(key, value)  # type: ignore[assignment]
            if key in AMOUNT_COLUMNS:
                c.number_format = AMOUNT_FORMAT
            elif key in TEXT_CODE_COLUMNS or key in MONTH_COLUMNS:
                c.number_format = "@"
    return r


class _ErrorRef:
    def __repr__(self) -> str:
        return "ERROR_REF"


ERROR_REF: Any = _ErrorRef()


def write_title(ws: Worksheet, row: int, text: str, ncols: int, font: Font = TITLE_FONT) -> None:
    ws.cell(row=row, column=1, value=text).font = font
    ws.cell(row=row, column=1).alignment = Alignment(horizontal="center", vertical="center")
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncols)
    ws.row_dimensions[row].height = 30


def write_notes(ws: Worksheet, first_row: int, lines: Iterable[str], ncols: int) -> int:
    r = first_row
    for r, line in enumerate(lines, start=first_row):
        ws.cell(row=r, column=1, value=line).alignment = Alignment(wrap_text=False)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=ncols)
    return r


ANNEX2_COLUMNS = [(h, h) for h in ANNEX2_HEADERS]


def write_annex2(
    path: Path,
    rows: Sequence[dict[str, object]],
    *,
    instructions: bool = False,
    overrides: dict[tuple[int, str], object] | None = None,
    save_to: Callable[[Workbook, Path], None] = save,
) -> None:
    """The clean layout of the seed: title (row 1, merged), header (row 2), data from row 3."""
    wb, ws = new_workbook("附件2")
    write_title(ws, 1, ANNEX2_TITLE, len(ANNEX2_COLUMNS))
    last = write_table(ws, 2, ANNEX2_COLUMNS, rows, overrides)
    ws.freeze_panes = "A3"
    if instructions:
        write_notes(ws, last + 2, ANNEX2_INSTRUCTIONS, len(ANNEX2_COLUMNS))
    save_to(wb, path)


# --------------------------------------------------------------------------------------------
# The clean files and the cross-file duplicate
# --------------------------------------------------------------------------------------------

CLEAN_UNITS: list[tuple[str, int, bool]] = [
    ("古南街道", 18, False),
    ("文龙街道", 24, False),
    ("三江街道", 13, True),
    ("区住房城乡建委", 27, False),
    ("区交通局", 15, True),
]
DUP_NUMBER = "GXB20220318573"
DUP_IN = {"古南街道": 6, "区住房城乡建委": 11}  # 0-based insertion position


def duplicate_case() -> dict[str, object]:
    """One case reported by both 古南街道 and 区住房城乡建委 (merge must find it)."""
    dname = "重庆綦城城乡建设发展有限公司"
    cname = "重庆恒达市政工程有限公司"
    dperson, dphone = contact_for(dname, "023", fixed_share=0.2)
    cperson, cphone = contact_for(cname, "023", fixed_share=0.1)
    row: dict[str, object] = dict.fromkeys(ANNEX2_HEADERS)
    row.update(
        {
            "问题来源": SRC_MIIT,
            "问题编号": DUP_NUMBER,
            "主体名称": dname,
            "债务人统一社会信用代码": code_for(dname, "91", "500222"),
            "性质": GOV,
            "债务人所属领域": "平台公司",
            "债务人联系人": dperson,
            "债务人联系电话": dphone,
            "企业名称": cname,
            "债权人统一社会信用代码": creditor_code(cname, "91"),
            "债权人联系人": cperson,
            "债权人联系电话": cphone,
            "合同名称": "2020年古南街道老旧小区改造工程（二标段）施工合同",
            "合同金额": Decimal("486.50"),
            "欠款类型": "工程",
            "最迟付款日期": "2021-12",
            "有无分歧": "无",
        }
    )
    set_amounts(row, Decimal("132.6848"), ST_PARTIAL, repaid=Decimal("50.00"), due="2022-09")
    return row


def clean_unit_rows(unit: str, n: int) -> list[dict[str, object]]:
    rows = annex2_rows(random.Random(f"{SEED}:{unit}"), unit, n)
    if unit in DUP_IN:
        dup = duplicate_case()
        dup["街镇部门"] = unit
        rows.insert(DUP_IN[unit], dup)
        rows.pop()  # keep the row count
        for seq, row in enumerate(rows, start=1):
            row["序号"] = seq
    return rows


# --------------------------------------------------------------------------------------------
# 通惠街道: messy but valid
# --------------------------------------------------------------------------------------------

MESSY_UNIT = "通惠街道"
MESSY_COLUMNS: list[tuple[str, str]] = [
    ("序号", "序　号"),
    ("街镇部门", "街镇\n部门"),
    ("问题来源", "问题来源"),
    ("问题编号", "问题编号"),
    ("主体名称", "主体名称"),
    ("债务人统一社会信用代码", "债务人统一社会\n信用代码"),
    ("性质", "性质"),
    ("隶属关系", "隶属关系"),
    ("债务人所属领域", "债务人所属领域"),
    ("债务人联系电话", "债务人联系电话"),
    ("债务人联系人", "债务人联系人"),
    ("企业名称", "企业名称"),
    ("债权人统一社会信用代码", "债权人统一社会信用代码"),
    ("债权人联系人", "债权人联系人"),
    ("债权人联系电话", "债权人联系电话"),
    ("合同名称", "合同名称"),
    ("拖欠金额", "拖欠金额\n（万元）"),
    ("合同金额", "合同金额（万元）"),
    ("欠款类型", "欠款类型"),
    ("最迟付款日期", "最迟付款日期\n（填写格式：ＸＸＸＸ－ＸＸ）"),
    ("有无分歧", "有无分歧"),
    ("清偿完毕金额", "清偿完毕金额(万元)"),
    ("已偿还金额", "已偿还金额（万元）"),
    ("剩余金额", "剩余金额（万　元）"),
    ("剩余金额约定最迟偿还时间", "剩余金额约定\n最迟偿还时间"),
    ("协议还款金额", "协议还款金额（万元）"),
    ("协议约定最迟偿还时间", "协议约定最迟偿还时间"),
    ("进入司法程序的金额", "进入司法程序的金额（万元）"),
    ("备注", "备注"),
]
FULLWIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")


def messy_rows() -> tuple[list[dict[str, object]], dict[tuple[int, str], object], list[str]]:
    """The rows (canonical values), the cells written differently, and a description of each."""
    rows = annex2_rows(random.Random(f"{SEED}:{MESSY_UNIT}"), MESSY_UNIT, 16)
    ov: dict[tuple[int, str], object] = {}
    notes: list[str] = []
    first = {s: next(i for i, r in enumerate(rows) if r["问题来源"] == s) for s in NUMBERED_SOURCES}
    ov[(first[SRC_DC], "问题来源")] = "互联网+督查"
    notes.append(f"{first[SRC_DC]}|问题来源|'互联网+督查' (alias of {SRC_DC})")
    ov[(first[SRC_MIIT], "问题来源")] = "工信部平台"
    notes.append(f"{first[SRC_MIIT]}|问题来源|'工信部平台' (alias of {SRC_MIIT})")
    # months written six ways (the canonical value is set to match)
    month_forms: list[tuple[int, str, str, object]] = [
        (1, "最迟付款日期", "2022-03", "2022.3"),
        (2, "最迟付款日期", "2021-11", "2021/11"),
        (3, "最迟付款日期", "2022-01", "2022年1月"),
        (4, "最迟付款日期", "2021-12", "202112"),
        (5, "最迟付款日期", "2021-09", dt.datetime(2021, 9, 30)),
        (6, "最迟付款日期", "2021-10", "2021-10-15"),
    ]
    for i, key, canonical, raw in month_forms:
        rows[i][key] = canonical
        ov[(i, key)] = raw
        shown = raw.strftime("date cell %Y-%m-%d") if isinstance(raw, dt.datetime) else repr(raw)
        notes.append(f"{i}|{key}|{shown} = {canonical}")
    agreed = [i for i, r in enumerate(rows) if r["协议约定最迟偿还时间"]]
    if agreed:
        i = agreed[0]
        rows[i]["协议约定最迟偿还时间"] = "2022-12"
        ov[(i, "协议约定最迟偿还时间")] = "2022年12月"
        notes.append(f"{i}|协议约定最迟偿还时间|'2022年12月' = 2022-12")
    # contract amounts typed as text with thousands separators, one in full-width digits
    rows[7]["合同金额"] = Decimal("1234.5")
    ov[(7, "合同金额")] = "1,234.5"
    notes.append("7|合同金额|text '1,234.5' = 1234.5")
    rows[8]["合同金额"] = Decimal("1086.40")
    ov[(8, "合同金额")] = "1,086.40"
    notes.append("8|合同金额|text '1,086.40' = 1086.40")
    v = rows[9]["拖欠金额"]
    ov[(9, "拖欠金额")] = str(v)
    notes.append(f"9|拖欠金额|text '{v}' = {v}")
    v = rows[10]["合同金额"]
    ov[(10, "合同金额")] = str(v).translate(FULLWIDTH_DIGITS)
    notes.append(f"10|合同金额|full-width text '{str(v).translate(FULLWIDTH_DIGITS)}' = {v}")
    for i, remark in [(0, "已约谈债务人"), (4, "分期支付中"), (11, "资金已纳入2022年预算")]:
        rows[i]["备注"] = remark
    return rows, ov, notes


def write_messy(path: Path) -> list[str]:
    rows, ov, notes = messy_rows()
    ncols = len(MESSY_COLUMNS)
    wb, ws = new_workbook("Sheet1")
    write_title(ws, 1, ANNEX2_TITLE, ncols)
    write_title(ws, 2, "（通惠街道 截至2022年5月20日）", ncols, Font(bold=True, size=12))
    ws.cell(row=3, column=1, value="金额单位：万元")
    last = write_table(ws, 4, MESSY_COLUMNS, rows, ov)
    total_row = last + 1
    ws.cell(row=total_row, column=1, value="合计").font = BOLD
    for j, (key, _h) in enumerate(MESSY_COLUMNS, start=1):
        if key in AMOUNT_COLUMNS:
            total = sum((r[key] for r in rows if isinstance(r[key], Decimal)), Decimal(0))
            c = ws.cell(row=total_row, column=j, value=float(total))
            c.number_format = AMOUNT_FORMAT
            c.font = BOLD
        ws.cell(row=total_row, column=j).border = BORDER
    write_notes(ws, total_row + 2, ANNEX2_INSTRUCTIONS, ncols)
    save(wb, path)
    for row in rows:
        problems = check_annex2_row(row)
        assert not problems, (row, problems)
    letters = {k: get_column_letter(j) for j, (k, _h) in enumerate(MESSY_COLUMNS, start=1)}
    cells = sorted(
        (int(i) + 5, letters[key], key, what) for i, key, what in (n.split("|", 2) for n in notes)
    )
    return [f"{r}|{letter} {key}|{what}" for r, letter, key, what in cells] + [
        f"{total_row}|A|合计 row: sums of the amount columns",
        f"{total_row + 2}-{total_row + 1 + len(ANNEX2_INSTRUCTIONS)}|A|填写说明 block",
    ]


# --------------------------------------------------------------------------------------------
# 永新镇: planted errors
# --------------------------------------------------------------------------------------------

ERR_UNIT = "永新镇"
Planted = tuple[int, str, str, str, str]  # (row index, column key, value shown, problem, severity)


def _col(key: str) -> str:
    return get_column_letter(ANNEX2_HEADERS.index(key) + 1)


def error_rows() -> tuple[list[dict[str, object]], dict[tuple[int, str], object], list[Planted]]:
    """Rows with one planted problem each (except the first two and last two, which are valid).

    Returns the rows, the raw-cell overrides and (row index, key, shown value, problem,
    severity) for EXPECTED.md.
    """
    rng = random.Random(f"{SEED}:{ERR_UNIT}")
    rows = annex2_rows(rng, ERR_UNIT, 26)
    for r in rows:  # keep the planted rows free of side findings
        if r["进入司法程序的金额"]:
            r["进入司法程序的金额"] = None
    ov: dict[tuple[int, str], object] = {}
    plan: list[Planted] = []

    def plant(i: int, key: str, shown: object, problem: str, severity: str = "error") -> None:
        plan.append((i, key, str(shown), problem, severity))

    # row 0 valid, carries the 问题编号 that row 18 repeats
    rows[0]["问题来源"] = SRC_MIIT
    rows[0]["问题编号"] = "GXB20220400871"
    # 2: bad check character in the debtor's code
    good = str(rows[2]["债务人统一社会信用代码"])
    bad = good[:-1] + USCC_ALPHABET[(USCC_ALPHABET.index(good[-1]) + 7) % 31]
    rows[2]["债务人统一社会信用代码"] = bad
    plant(2, "债务人统一社会信用代码", bad, f"wrong check character (should be {good[-1]})")
    # 3: 17 characters
    short = str(rows[3]["债权人统一社会信用代码"])[:17]
    rows[3]["债权人统一社会信用代码"] = short
    plant(3, "债权人统一社会信用代码", short, "17 characters, not 18")
    # 4: a credit code stored as a number cell
    digits = make_uscc(random.Random("numeric-code"), "91", "500222", digits_only=True)
    rows[4]["债权人统一社会信用代码"] = digits
    ov[(4, "债权人统一社会信用代码")] = int(digits)
    plant(
        4,
        "债权人统一社会信用代码",
        f"number cell {digits}",
        "credit code stored as a number (Excel keeps 15 significant digits: the code is lost)",
    )
    # 5: invalid phone
    rows[5]["债务人联系电话"] = "1380836123"
    plant(5, "债务人联系电话", "1380836123", "invalid phone number (10 digits)")
    # 6: missing 主体名称
    rows[6]["主体名称"] = None
    plant(6, "主体名称", "(blank)", "required value missing")
    # 7: 问题来源 not in the list
    rows[7]["问题来源"] = "领导批示"
    rows[7]["问题编号"] = None
    plant(7, "问题来源", "领导批示", "not one of the allowed 问题来源")
    # 8: 性质 not in the list
    rows[8].update(
        {"性质": "国有企业", "隶属关系": "重庆綦渝能源投资集团有限公司", "债务人所属领域": None}
    )
    plant(8, "性质", "国有企业", "not one of the allowed 性质")
    # 9: 所属领域 not allowed for that 性质
    rows[9].update(
        {
            "主体名称": "中共" + QJ + "委宣传部",
            "性质": NONGOV,
            "隶属关系": None,
            "债务人所属领域": "住建",
            "债务人统一社会信用代码": code_for("中共" + QJ + "委宣传部", "11", "500222"),
        }
    )
    plant(9, "债务人所属领域", "住建", f"住建 is not a 所属领域 of {NONGOV} (政法委/宣传部/其他)")
    # 10: debtor code = creditor code
    rows[10]["债权人统一社会信用代码"] = rows[10]["债务人统一社会信用代码"]
    plant(
        10,
        "债权人统一社会信用代码",
        rows[10]["债权人统一社会信用代码"],
        "same as 债务人统一社会信用代码",
    )
    # 11: 拖欠金额 0
    rows[11]["合同金额"] = Decimal("50")
    set_amounts(rows[11], Decimal("0"), ST_OPEN)
    plant(11, "拖欠金额", "0", "拖欠金额 must be > 0")
    # 12: negative amount
    rows[12]["合同金额"] = Decimal("-150")
    set_amounts(rows[12], Decimal("30"), ST_OPEN, due="2022-10")
    plant(
        12,
        "合同金额",
        "-150",
        "negative amount (合同金额 must be >= 0); a 拖欠金额 > 合同金额 "
        "warning on the same row is acceptable",
    )
    # 13: 清偿完毕金额 ≠ 拖欠金额
    rows[13]["合同金额"] = Decimal("120")
    set_amounts(rows[13], Decimal("80"), ST_OPEN, due="2022-08")
    rows[13]["清偿完毕金额"] = Decimal("50")
    rows[13]["剩余金额"] = Decimal("30")
    plant(13, "清偿完毕金额", "50", "清偿完毕金额 > 0 must equal 拖欠金额 (80)")
    # 14: 已偿还金额 ≥ 拖欠金额
    rows[14]["合同金额"] = Decimal("90")
    set_amounts(rows[14], Decimal("60"), ST_OPEN)
    rows[14].update(
        {"已偿还金额": Decimal("60"), "剩余金额": Decimal("0"), "剩余金额约定最迟偿还时间": None}
    )
    plant(14, "已偿还金额", "60", "已偿还金额 must be < 拖欠金额 (60): should be 清偿完毕")
    # 15: 剩余金额 inconsistent
    rows[15]["合同金额"] = Decimal("100")
    set_amounts(rows[15], Decimal("100"), ST_PARTIAL, repaid=Decimal("30"), due="2022-11")
    rows[15]["剩余金额"] = Decimal("50")
    plant(15, "剩余金额", "50", "剩余金额 should be 100 − 30 = 70")
    # 16: 协议还款金额 without 协议约定最迟偿还时间
    rows[16]["合同金额"] = Decimal("45")
    set_amounts(rows[16], Decimal("40"), ST_AGREED, agreed=Decimal("40"), due="2022-12")
    rows[16]["协议约定最迟偿还时间"] = None
    plant(16, "协议约定最迟偿还时间", "(blank)", "required when 协议还款金额 (40) > 0")
    # 17: month 2022-13
    rows[17]["最迟付款日期"] = "2022-13"
    plant(17, "最迟付款日期", "2022-13", "not a month")
    # 18: duplicate 问题编号 (repeats row 0)
    rows[18]["问题来源"] = SRC_MIIT
    rows[18]["问题编号"] = rows[0]["问题编号"]
    plant(18, "问题编号", rows[0]["问题编号"], "duplicate 问题编号 (same as row 3)")
    # 19: amount typed in yuan
    rows[19]["合同金额"] = Decimal("400000")
    set_amounts(rows[19], Decimal("350000"), ST_OPEN, due="2022-12")
    plant(
        19,
        "拖欠金额",
        "350000 (合同金额 400000)",
        "looks like yuan, not 万元 (35 亿元 owed to an SME)",
        "warning",
    )
    # 20: #REF! error cell
    ov[(20, "剩余金额")] = ERROR_REF
    plant(20, "剩余金额", "#REF! (error cell)", "Excel error value: a broken formula")
    # 21: 最迟付款日期 after the cut-off
    rows[21]["最迟付款日期"] = "2022-09"
    plant(
        21,
        "最迟付款日期",
        "2022-09",
        "after the screening cut-off 2022-05 (not yet overdue)",
        "warning",
    )
    # 22: 问题编号 missing though 问题来源 is 互联网+督查
    rows[22]["问题来源"] = SRC_DC
    rows[22]["问题编号"] = None
    plant(22, "问题编号", "(blank)", f"required when 问题来源 is {SRC_DC}")
    # 23: 隶属关系 missing for a large enterprise
    name = "重庆渝南公路建设有限公司"
    rows[23].update(
        {
            "主体名称": name,
            "性质": SOE_L,
            "隶属关系": None,
            "债务人所属领域": None,
            "债务人统一社会信用代码": code_for(name, "91", "500222"),
        }
    )
    plant(23, "隶属关系", "(blank)", f"required when 性质 is {SOE_L}")
    # the other rows must be valid, and each planted row must fail only where planted
    planted = {i for i, *_ in plan}
    for i, row in enumerate(rows):
        problems = check_annex2_row(row)
        if i not in planted:
            assert not problems, (i, row, problems)
        else:
            assert problems or (i, "剩余金额") in ov or i == 18 or i == 4, (i, problems)
    return rows, ov, plan


def write_errors(path: Path) -> list[Planted]:
    rows, ov, plan = error_rows()
    write_annex2(path, rows, overrides=ov)
    return plan


def expected_md(plan: list[Planted], messy_notes: list[str]) -> str:
    lines = [
        "# Expected findings in the sample submissions",
        "",
        "Generated by `sample_data/generate.py`; do not edit by hand.",
        "",
        "## `submissions/附件2-永新镇（有错误）.xlsx`",
        "",
        "Layout: title in row 1, header in row 2, data from row 3 (26 rows, Excel rows 3-28).",
        "Rows 3, 4, 27 and 28 are valid. Each other data row carries exactly one planted",
        "problem (row 15 may also raise the 拖欠金额 > 合同金额 warning, and a validator may",
        "report the duplicate 问题编号 on row 3 as well as on row 21; the yuan warning of row 22",
        "may be raised on each of its amounts: Q 合同金额, R 拖欠金额, X 剩余金额).",
        "",
        "| Excel row | column | header | value | problem | severity |",
        "|---|---|---|---|---|---|",
    ]
    for i, key, shown, problem, severity in plan:
        lines.append(f"| {i + 3} | {_col(key)} | {key} | {shown} | {problem} | {severity} |")
    lines += [
        "",
        "Expected totals: "
        f"{sum(1 for p in plan if p[4] == 'error')} rows with an error, "
        f"{sum(1 for p in plan if p[4] == 'warning')} rows with a warning "
        "(exit code 1; with `--strict` the warnings are errors too).",
        "",
        "## `submissions/附件2-通惠街道（格式不规范）.xlsx`",
        "",
        "Valid: zero errors, zero warnings, exit code 0. Only notices are expected, for the cells",
        "below (the header is in row 4, data in rows 5-20, then the 合计 row and 填写说明).",
        "",
        "| Excel row | column | what is written |",
        "|---|---|---|",
    ]
    for note in messy_notes:
        where, key, what = note.split("|", 2)
        lines.append(f"| {where} | {key} | {what} |")
    lines += [
        "",
        "Headers as written (row 4): "
        + ", ".join("`" + h.replace("\n", "\\n") + "`" for _k, h in MESSY_COLUMNS)
        + ". The order differs from the seed (街镇部门 second; 债务人联系电话 before 债务人联系人;",
        "拖欠金额 before 合同金额) and there is an extra column 备注.",
        "",
        "## The five clean files",
        "",
        "`附件2-古南街道.xlsx`, `附件2-文龙街道.xlsx`, `附件2-三江街道.xlsx`,",
        "`附件2-区住房城乡建委.xlsx`, `附件2-区交通局.xlsx`: zero findings each. Merged",
        "together (with 通惠街道) they hold exactly one duplicate case: 问题编号",
        f"`{DUP_NUMBER}` in `附件2-古南街道.xlsx` row {DUP_IN['古南街道'] + 3} and",
        f"`附件2-区住房城乡建委.xlsx` row {DUP_IN['区住房城乡建委'] + 3} (same parties, same",
        "contract, same amounts; only 序号 and 街镇部门 differ).",
        "",
        "## Others",
        "",
        "`武汉-江岸区减负办-台账.xlsx` (wh-ledger) and `附件1-古南街道-联络表.xlsx`",
        "(cq-annex1): zero findings.",
        "",
    ]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# 武汉 wh-ledger
# --------------------------------------------------------------------------------------------

WH_TITLE = "拖欠中小企业账款投诉表"
# (key, header text, group or None)
WH_COLUMNS: list[tuple[str, str, str | None]] = [
    ("序号", "序号", None),
    ("问题线索受理日期", "问题线索受理日期（例：2020-04-08）", None),
    ("线索来源", "线索来源", None),
    ("企业名称", "企业名称", "被拖欠企业（经纪人）"),
    ("联系人", "联系人", "被拖欠企业（经纪人）"),
    ("联系方式", "联系方式", "被拖欠企业（经纪人）"),
    ("主体名称", "主体名称", "拖欠主体（债务人）"),
    ("性质", "性质", "拖欠主体（债务人）"),
    ("隶属关系", "隶属关系", "拖欠主体（债务人）"),
    ("合同名称", "合同名称", None),
    ("合同金额", "合同金额", None),
    ("拖欠金额", "拖欠金额（万元）", None),
    ("工程款", "1、工程款（万元）", "欠款类型"),
    ("货物采购", "2、货物采购（万元）", "欠款类型"),
    ("债务", "3、债务（万元）", "欠款类型"),
    ("其他", "4、其他（万元）", "欠款类型"),
    ("约定最迟付款时间", "约定最迟付款时间（例：2020-01-08）", None),
    ("合同等证明材料", "合同等证明材料", None),
    ("有无分歧", "有无分歧", None),
    ("是否进入司法程序", "是否进入违法程序", None),
    ("其他需要说明问题", "其他需要说明问题（例：涉纪检监察案件）", None),
    ("办理情况", "办理情况", None),
    ("回访情况", "回访情况", None),
]
WH_AMOUNTS = {"合同金额", "拖欠金额", "工程款", "货物采购", "债务", "其他"}
WH_SOURCES = [
    "国家信访转办",
    "“互联网+督查”平台转办",
    "重大政策跟踪审计",
    "违约拖欠中小企业款项登记投诉平台转办",
    "挂牌督办重点线索",
    "本地区自主受理投诉",
]
WH_NATURES = ["机关", "事业单位", "大型企业（央企）", "大型企业（国企）", "大型企业（其他）"]
WH_STATES = ["已清偿完毕", "已部分清偿", "已达成还款协议", "正在沟通办理"]
WH_NOTES = [
    "说明：",
    "1、“问题线索受理日期”指国家信访，“互联网+督查”、重大政策跟踪审计、违约拖欠中小企业款项登记投诉平台等途径"
    "转办日期，对本地区自主受理日期。",
    "2、“线索来源”为下拉控可选，国家信访转办、“互联网+督查”平台转办、重大政策跟踪审计、违约拖欠中小企业款项"
    "登记投诉平台转办、挂牌督办重点线索、本地区自主受理投诉。",
    "3、“拖欠主体性质”为下拉控可选：机关、事业单位、大型企业（央企）、大型企业（国企）、大型企业（其他）。",
    "4、“合同等证明材料”为下拉控可选：有、无。",
    "5、“有无分歧”为下拉控可选：有、无。",
    "6、“是否进入司法程序”为下拉控可选：是、否。",
    "7、“办理状态”为下拉控可选，已清偿完毕、已部分清偿、已达成还款协议、正在沟通办理。",
    "8、“回访情况”为下拉控可选，满意、不满意。",
]
WH = "武汉市江岸区"
WH_DEBTORS: list[tuple[str, str, str, str]] = [
    (WH + "城市管理执法局", "机关", "", "11"),
    (WH + "教育局", "机关", "", "11"),
    (WH + "卫生健康局", "机关", "", "11"),
    (WH + "人民政府大智街道办事处", "机关", "", "11"),
    (WH + "园林和林业局", "机关", "", "11"),
    (WH + "妇幼保健院", "事业单位", "", "12"),
    (WH + "市政设施维护中心", "事业单位", "", "12"),
    ("中楚建设集团第二工程有限公司", "大型企业（央企）", "中国中楚建设集团有限公司", "91"),
    ("武汉江岸城市更新投资有限公司", "大型企业（国企）", "武汉城建发展集团有限公司", "91"),
    ("湖北长江云置业有限公司", "大型企业（其他）", "长江云控股集团有限公司", "91"),
]


def wuhan_rows(rng: random.Random, n: int) -> list[dict[str, object]]:
    """n valid wh-ledger rows (dates as 'YYYY-MM-DD' strings, amounts as Decimal)."""
    rows: list[dict[str, object]] = []
    states = _mix(rng, WH_STATES, [30, 25, 20, 25], n)
    sources = _mix(rng, WH_SOURCES, [15, 15, 5, 25, 5, 35], n)
    natures = _mix(rng, WH_NATURES, [35, 25, 10, 15, 15], n)
    for i in range(n):
        dname, nature, parent, _dkind = rng.choice([d for d in WH_DEBTORS if d[1] == natures[i]])
        suffix, debt_type, _kind, maker = rng.choice([k for k in CREDITOR_KINDS if k[2] == "91"])
        cname = (
            f"武汉{rng.choice([p for p in CREDITOR_PREFIXES if p not in {'綦发', '川黔'}])}{suffix}"
        )
        cperson, cphone = contact_for(cname, "027", fixed_share=0.15)
        contract = _contract_name(rng, maker)
        contract = re.sub(r"^(\d{4}年(?:度)?)[^\d]*?(街道|镇)", r"\1江岸区", contract)
        arrears = _amount(rng, 2, 500) if debt_type == "工程" else _amount(rng, 0.5, 150)
        contract_amount = (arrears * Decimal(f"{rng.uniform(1.0, 2.5):.3f}")).quantize(
            Q2, rounding=ROUND_CEILING
        )
        split = dict.fromkeys(["工程款", "货物采购", "债务", "其他"])
        main_key = {"工程": "工程款", "货物": "货物采购", "服务": "其他"}[debt_type]
        if rng.random() < 0.2:
            part = _fraction(arrears, rng.uniform(0.2, 0.6)) or Q2
            split[main_key] = arrears - part
            split["其他" if main_key != "其他" else "货物采购"] = part
        else:
            split[main_key] = arrears
        accepted = dt.date(2022, 1, 4) + dt.timedelta(days=rng.randint(0, 135))
        due = accepted - dt.timedelta(days=rng.randint(60, 900))
        state = states[i]
        row: dict[str, object] = {
            "序号": i + 1,
            "问题线索受理日期": accepted.isoformat(),
            "线索来源": sources[i],
            "企业名称": cname,
            "联系人": cperson,
            "联系方式": cphone,
            "主体名称": dname,
            "性质": nature,
            "隶属关系": parent or None,
            "合同名称": contract,
            "合同金额": contract_amount,
            "拖欠金额": arrears,
            **split,
            "约定最迟付款时间": due.isoformat(),
            "合同等证明材料": "有" if rng.random() < 0.85 else "无",
            "有无分歧": "有" if rng.random() < 0.25 else "无",
            "是否进入司法程序": "是" if rng.random() < 0.1 else "否",
            "其他需要说明问题": rng.choice(
                [None, None, None, "无", "涉及农民工工资", "已纳入区级挂牌督办"]
            ),
            "办理情况": state,
            "回访情况": "满意" if state != "正在沟通办理" or rng.random() < 0.3 else "不满意",
        }
        rows.append(row)
    return rows


def write_wuhan(
    path: Path,
    rows: Sequence[dict[str, object]],
    meta: tuple[str, str, str] = ("江岸区减负办", "张三", "027-85316982"),
    save_to: Callable[[Workbook, Path], None] = save,
) -> None:
    """Title (row 1), 填报单位/联系人/联系方式 (row 2), two-level merged header (rows 3-4),
    data from row 5, a blank row, then the 说明 lines."""
    ncols = len(WH_COLUMNS)
    wb, ws = new_workbook("Sheet1")
    write_title(ws, 1, WH_TITLE, ncols)
    ws.cell(row=2, column=1, value=f"填报单位：{meta[0]}")
    ws.cell(row=2, column=7, value=f"联系人：{meta[1]}")
    ws.cell(row=2, column=17, value=f"联系方式：{meta[2]}")
    j = 1
    while j <= ncols:
        key, header, group = WH_COLUMNS[j - 1]
        if group is None:
            ws.cell(row=3, column=j, value=header)
            ws.merge_cells(start_row=3, start_column=j, end_row=4, end_column=j)
            j += 1
            continue
        span = [k for k, (_kk, _h, g) in enumerate(WH_COLUMNS, start=1) if g == group]
        ws.cell(row=3, column=span[0], value=group)
        ws.merge_cells(start_row=3, start_column=span[0], end_row=3, end_column=span[-1])
        for k in span:
            ws.cell(row=4, column=k, value=WH_COLUMNS[k - 1][1])
        j = span[-1] + 1
    for r in (3, 4):
        for k in range(1, ncols + 1):
            c = ws.cell(row=r, column=k)
            c.font = BOLD
            c.alignment = CENTER
            c.border = BORDER
    for k, (key, _h, _g) in enumerate(WH_COLUMNS, start=1):
        width = {
            "企业名称": 30,
            "主体名称": 30,
            "合同名称": 36,
            "隶属关系": 24,
            "问题线索受理日期": 16,
            "约定最迟付款时间": 16,
            "线索来源": 24,
        }.get(key, 12)
        ws.column_dimensions[get_column_letter(k)].width = width
    r = 4
    for i, row in enumerate(rows):
        r = 5 + i
        for k, (key, _h, _g) in enumerate(WH_COLUMNS, start=1):
            c = ws.cell(row=r, column=k)
            c.border = BORDER
            value = row.get(key)
            if value is None:
                continue
            c.value = _cell_value(key, value)  # type: ignore[assignment]
            if key in WH_AMOUNTS:
                c.number_format = AMOUNT_FORMAT
            elif key in {"联系方式", "问题线索受理日期", "约定最迟付款时间"}:
                c.number_format = "@"
    write_notes(ws, r + 2, WH_NOTES, ncols)
    save_to(wb, path)


# --------------------------------------------------------------------------------------------
# cq-annex1 contact form
# --------------------------------------------------------------------------------------------

ANNEX1_TITLE = "街镇、部门防范和化解拖欠中小企业账款专项行动工作联络表"


def write_annex1(
    path: Path, unit: str, lead: str, leader: tuple[str, str, str], liaison: tuple[str, str, str]
) -> None:
    wb, ws = new_workbook("附件1")
    write_title(ws, 1, ANNEX1_TITLE, 6, Font(bold=True, size=14))
    ws.cell(row=2, column=1, value="区 县：")
    ws.cell(row=2, column=2, value=unit)
    ws.cell(row=3, column=1, value="牵头单位")
    ws.cell(row=3, column=2, value=lead)
    ws.merge_cells("B3:F3")
    for r, label, (name, title, phone) in [(4, "责任领导", leader), (5, "联络人", liaison)]:
        for j, v in enumerate([label, name, "职 务", title, "联系电话", phone], start=1):
            c = ws.cell(row=r, column=j, value=v)
            if j == 6:
                c.number_format = "@"
    for r in range(3, 6):
        for j in range(1, 7):
            ws.cell(row=r, column=j).border = BORDER
            ws.cell(row=r, column=j).alignment = CENTER
        ws.row_dimensions[r].height = 28
    for j, w in enumerate([12, 14, 10, 26, 12, 16], start=1):
        ws.column_dimensions[get_column_letter(j)].width = w
    save(wb, path)


# --------------------------------------------------------------------------------------------
# 打通镇: a ledger filled in 元 (the demo's trap; not among the submissions the tests count)
# --------------------------------------------------------------------------------------------

TRAPS_DIR = HERE / "traps"
YUAN_UNIT = "打通镇"


def write_yuan(path: Path, n: int = 10) -> None:
    """打通镇's ledger with 金额单位：元 under the title and every amount in 元 (×10000 of its
    万元 truth, so whole yuan): `ledger` must convert it exactly, not count it 10,000 times."""
    rows = annex2_rows(random.Random(f"{SEED}:{YUAN_UNIT}"), YUAN_UNIT, n)
    for row in rows:
        for key in AMOUNT_COLUMNS:
            value = row.get(key)
            if isinstance(value, Decimal):
                row[key] = value * 10000
    wb, ws = new_workbook("附件2")
    write_title(ws, 1, ANNEX2_TITLE, len(ANNEX2_COLUMNS))
    ws.cell(row=2, column=1, value="金额单位：元")
    write_table(ws, 3, ANNEX2_COLUMNS, rows)
    ws.freeze_panes = "A4"
    save(wb, path)


# --------------------------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------------------------


def generate(out_dir: Path = OUT_DIR, expected: Path = EXPECTED_MD) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    numbers: dict[str, str] = {}
    identities: dict[tuple[object, object, object], str] = {}

    def register(rows: Sequence[dict[str, object]], unit: str) -> None:
        for row in rows:
            ident = (row["债务人统一社会信用代码"], row["债权人统一社会信用代码"], row["合同名称"])
            number = row["问题编号"]
            is_dup = number == DUP_NUMBER
            if number:
                assert is_dup or number not in numbers, (number, unit, numbers.get(str(number)))
                numbers[str(number)] = unit
            assert is_dup or ident not in identities, (ident, unit)
            identities[ident] = unit

    for unit, n, instructions in CLEAN_UNITS:
        rows = clean_unit_rows(unit, n)
        for row in rows:
            problems = check_annex2_row(row)
            assert not problems, (unit, row, problems)
        register(rows, unit)
        path = out_dir / f"附件2-{unit}.xlsx"
        write_annex2(path, rows, instructions=instructions)
        written.append(path)

    path = out_dir / f"附件2-{MESSY_UNIT}（格式不规范）.xlsx"
    messy_notes = write_messy(path)
    register(messy_rows()[0], MESSY_UNIT)
    written.append(path)

    path = out_dir / f"附件2-{ERR_UNIT}（有错误）.xlsx"
    plan = write_errors(path)
    written.append(path)

    path = out_dir / "武汉-江岸区减负办-台账.xlsx"
    write_wuhan(path, wuhan_rows(random.Random(f"{SEED}:武汉江岸"), 15))
    written.append(path)

    path = out_dir / "附件1-古南街道-联络表.xlsx"
    write_annex1(
        path,
        "古南街道",
        "古南街道经济发展办公室",
        ("陈志强", "党工委委员、办事处副主任", "13983056218"),
        ("刘婷", "经济发展办公室主任", "023-48661532"),
    )
    written.append(path)

    path = out_dir.parent / TRAPS_DIR.name / f"附件2-{YUAN_UNIT}（元）.xlsx"
    write_yuan(path)
    written.append(path)

    expected.write_text(expected_md(plan, messy_notes), encoding="utf-8")
    written.append(expected)
    return written


# --------------------------------------------------------------------------------------------
# Week 2: the same districts a week later (ledger week --last)
# --------------------------------------------------------------------------------------------

WEEK2_DIR = HERE / "week2"
WEEK2_NOT_SENT = "区交通局"  # sent last week, nothing this week: 未报送
WEEK2_VANISHED = 2  # 0-based row of 古南街道 that is gone in week 2 (a vanished case)
WEEK2_REGRESSED = "文龙街道"  # its first 部分清偿 case is 未化解 again (a regression)


def week2_rows() -> dict[str, list[dict[str, object]]]:
    """Week 2's clean ledgers, derived from week 1's: 古南街道 repays part of a case, clears
    another, loses one (vanished) and adds one (new); 文龙街道 sets a partly repaid case back
    to 未化解; the others send the same rows again; 区交通局 sends nothing."""
    out: dict[str, list[dict[str, object]]] = {}
    for unit, n, _ in CLEAN_UNITS:
        if unit == WEEK2_NOT_SENT:
            continue
        rows = [dict(r) for r in clean_unit_rows(unit, n)]
        if unit == "古南街道":
            rows.pop(WEEK2_VANISHED)
            open_rows = [r for r in rows if r["已偿还金额"] is None and r["清偿完毕金额"] is None]
            first, second = open_rows[0], open_rows[1]
            owed = first["拖欠金额"]
            assert isinstance(owed, Decimal)
            set_amounts(first, owed, ST_PARTIAL, repaid=(owed / 3).quantize(Q2), due="2023-03")
            owed = second["拖欠金额"]
            assert isinstance(owed, Decimal)
            set_amounts(second, owed, ST_CLEARED)
            rows += annex2_rows(random.Random(f"{SEED}:古南街道:week2"), unit, 1)
        if unit == WEEK2_REGRESSED:
            back = next(r for r in rows if r["已偿还金额"] is not None)
            owed = back["拖欠金额"]
            assert isinstance(owed, Decimal)
            set_amounts(back, owed, ST_OPEN, due="2023-06")
        for seq, row in enumerate(rows, start=1):
            row["序号"] = seq
            assert not check_annex2_row(row), (unit, row)
        out[unit] = rows
    return out


def generate_week2(out_dir: Path = WEEK2_DIR) -> list[Path]:
    """sample_data/week2/: the inbox a week after submissions/ (see README)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for unit, rows in week2_rows().items():
        instructions = next(i for u, _, i in CLEAN_UNITS if u == unit)
        path = out_dir / f"附件2-{unit}.xlsx"
        write_annex2(path, rows, instructions=instructions)
        written.append(path)
    path = out_dir / f"附件2-{MESSY_UNIT}（格式不规范）.xlsx"
    write_messy(path)
    written.append(path)
    # 永新镇 sends its file again without fixing it: it goes back a second time.
    path = out_dir / f"附件2-{ERR_UNIT}（有错误）.xlsx"
    write_errors(path)
    written.append(path)
    for unit, office, leader, liaison in (
        (
            "古南街道",
            "古南街道经济发展办公室",
            ("陈志强", "党工委委员、办事处副主任", "13983056218"),
            ("刘婷", "经济发展办公室主任", "023-48661532"),
        ),
        (
            ERR_UNIT,
            "永新镇经济发展办公室",
            ("周建国", "党委委员、副镇长", "13908365127"),
            ("杨静", "经济发展办公室副主任", "023-48713365"),
        ),
    ):
        path = out_dir / f"附件1-{unit}-联络表.xlsx"
        write_annex1(path, unit, office, leader, liaison)
        written.append(path)
    return written


def main() -> int:
    for path in [*generate(), *generate_week2()]:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
        print(f"{digest}  {path.stat().st_size:7d}  {path.relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
