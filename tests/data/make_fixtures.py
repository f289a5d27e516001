#!/usr/bin/env python3
"""Rebuild the LibreOffice-saved fixtures in ``tests/data/``.

Real submissions are saved by Excel, WPS or LibreOffice, not by openpyxl, so these fixtures are
written by openpyxl into a temporary directory and then re-saved by LibreOffice:

    libreoffice-annex2.xlsx  libreoffice-annex2.xls  libreoffice-annex2.ods  libreoffice-wuhan.xls

Needs LibreOffice (``soffice`` on PATH, or set ``SOFFICE=/path/to/soffice``) and openpyxl +
python-stdnum (the layout comes from ``sample_data/generate.py``). Run from anywhere:

    python tests/data/make_fixtures.py

LibreOffice stamps the files with the current time, so the bytes differ from run to run; the
cell contents do not. ``tests/data/README.md`` lists what each file holds.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook, load_workbook

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "sample_data"))

import generate as g  # noqa: E402  (sample_data/generate.py)

D = Decimal
GOV = g.GOV
SRC_MIIT = g.SRC_MIIT

# Five valid cq-annex2 rows (Excel rows 3-7 under the title row 1 and the header row 2).
ANNEX2_ROWS: list[dict[str, object]] = [
    {
        "序号": 1,
        "问题来源": "信访",
        "街镇部门": "古南街道",
        "主体名称": "重庆綦城城乡建设发展有限公司",
        "债务人统一社会信用代码": "91500222231355466G",
        "性质": GOV,
        "债务人所属领域": "平台公司",
        "债务人联系人": "冯东强",
        "债务人联系电话": "15121819834",
        "企业名称": "重庆万和医疗器械有限公司",
        "债权人统一社会信用代码": "915002227120394560",
        "债权人联系人": "周飞秀",
        "债权人联系电话": "13794631524",
        "合同名称": "2018年检验试剂采购合同",
        "合同金额": D("445.39"),
        "拖欠金额": D("166.4976"),
        "欠款类型": "货物",
        "最迟付款日期": "2021-04",
        "有无分歧": "无",
        "清偿完毕金额": D("166.4976"),
        "剩余金额": D("0"),
    },
    {
        "序号": 2,
        "问题来源": "自行排查",
        "街镇部门": "古南街道",
        "主体名称": "重庆市綦江区人民政府古南街道办事处",
        "债务人统一社会信用代码": "11500222772184081N",
        "性质": GOV,
        "债务人所属领域": "其他",
        "债务人联系人": "罗华丽",
        "债务人联系电话": "13881236727",
        "企业名称": "重庆同丰市政工程有限公司",
        "债权人统一社会信用代码": "9150022203835201XT",
        "债权人联系人": "余洋丽",
        "债权人联系电话": "13556372889",
        "合同名称": "2019年通惠街道小学教学楼改扩建工程（一期）施工合同",
        "合同金额": D("942.25"),
        "拖欠金额": D("327.17"),
        "欠款类型": "工程",
        "最迟付款日期": "2021-09",  # written as a real date cell 2021-09-01 (format yyyy-mm)
        "有无分歧": "有",
        "已偿还金额": D("246.98"),
        "剩余金额": D("80.19"),
        "剩余金额约定最迟偿还时间": "2022-09",
    },
    {
        "序号": 3,
        "问题来源": "重大政策跟踪审计",
        "街镇部门": "古南街道",
        "主体名称": "重庆市綦江区人民医院",
        "债务人统一社会信用代码": "1250022277092957XK",
        "性质": "事业单位",
        "债务人联系人": "任磊",
        "债务人联系电话": "13927498134",
        "企业名称": "重庆汇通办公设备有限公司",
        "债权人统一社会信用代码": "91500222622830607K",
        "债权人联系人": "姚凯娟",
        "债权人联系电话": "13576078758",
        "合同名称": "2019年计算机设备采购合同",
        "合同金额": D("3.18"),
        "拖欠金额": D("1.8497"),
        "欠款类型": "货物",
        "最迟付款日期": "2019-07",
        "有无分歧": "有",
        "剩余金额": D("1.8497"),
        "剩余金额约定最迟偿还时间": "2022-11",
    },
    {
        "序号": 4,
        "问题来源": SRC_MIIT,
        "问题编号": "GXB20221156037",
        "街镇部门": "古南街道",
        "主体名称": "重庆市綦江区水利局",
        "债务人统一社会信用代码": "11500222666583089X",
        "性质": GOV,
        "债务人所属领域": "水利",
        "债务人联系人": "刘丽",
        "债务人联系电话": "13770767613",
        "企业名称": "重庆川黔建筑工程有限公司",
        "债权人统一社会信用代码": "915002229634932152",
        "债权人联系人": "杨国华",
        "债权人联系电话": "15127804545",
        "合同名称": "2021年丁山镇城市道路改造工程（三标段）施工合同",
        "合同金额": D("6.74"),
        "拖欠金额": D("6.74"),
        "欠款类型": "工程",
        "最迟付款日期": "2022-03",
        "有无分歧": "无",
        "剩余金额": D("6.74"),
        "剩余金额约定最迟偿还时间": "2022-08",
        "协议还款金额": D("6.74"),
        "协议约定最迟偿还时间": "2022-08",
    },
    {
        "序号": 5,
        "问题来源": "其他",
        "街镇部门": "古南街道",
        "主体名称": "重庆渝建实业第三建设有限公司",
        "债务人统一社会信用代码": "91500222MA3EEWTX3N",
        "性质": "大型企业（地方国企）",
        "隶属关系": "重庆渝建实业集团股份有限公司",
        "债务人联系人": "沈华华",
        "债务人联系电话": "023-48674259",
        "企业名称": "重庆恒达信息技术有限公司",
        "债权人统一社会信用代码": "91500110MAR7N8YD2U",
        "债权人联系人": "赵英秀",
        "债权人联系电话": "18729331764",
        "合同名称": "2019年度政务网络运维服务合同",
        "合同金额": D("109.2603"),
        "拖欠金额": D("109.2603"),
        "欠款类型": "服务",
        "最迟付款日期": "2021-08",
        "有无分歧": "有",
        "剩余金额": D("109.2603"),
        "剩余金额约定最迟偿还时间": "2022-12",
        "进入司法程序的金额": D("50"),
    },
]
DATE_CELL = (1, "最迟付款日期", dt.datetime(2021, 9, 1))  # (row index, column, value)

# Three valid wh-ledger rows (Excel rows 5-7 under the title, the metadata row and the two-level
# header in rows 3-4).
WUHAN_META = ("江岸区减负办", "张三", "027-85316982")
WUHAN_ROWS: list[dict[str, object]] = [
    {
        "序号": 1,
        "问题线索受理日期": "2022-04-09",
        "线索来源": "国家信访转办",
        "企业名称": "武汉润泽医疗器械有限公司",
        "联系人": "袁英飞",
        "联系方式": "15817708569",
        "主体名称": "武汉江岸城市更新投资有限公司",
        "性质": "大型企业（国企）",
        "隶属关系": "武汉城建发展集团有限公司",
        "合同名称": "2020年医疗设备采购合同",
        "合同金额": D("86.51"),
        "拖欠金额": D("49.6324"),
        "货物采购": D("49.6324"),
        "约定最迟付款时间": "2020-10-07",
        "合同等证明材料": "有",
        "有无分歧": "无",
        "是否进入司法程序": "否",
        "其他需要说明问题": "涉及农民工工资",
        "办理情况": "已清偿完毕",
        "回访情况": "满意",
    },
    {
        "序号": 2,
        "问题线索受理日期": "2022-02-04",
        "线索来源": "本地区自主受理投诉",
        "企业名称": "武汉汇通工程咨询有限公司",
        "联系人": "罗丽强",
        "联系方式": "13663610809",
        "主体名称": "湖北长江云置业有限公司",
        "性质": "大型企业（其他）",
        "隶属关系": "长江云控股集团有限公司",
        "合同名称": "2020年度工程造价咨询服务合同",
        "合同金额": D("3.65"),
        "拖欠金额": D("2.4155"),
        "货物采购": D("0.99"),
        "其他": D("1.4255"),
        "约定最迟付款时间": "2020-02-11",
        "合同等证明材料": "有",
        "有无分歧": "无",
        "是否进入司法程序": "否",
        "办理情况": "已部分清偿",
        "回访情况": "满意",
    },
    {
        "序号": 3,
        "问题线索受理日期": "2022-01-08",
        "线索来源": "违约拖欠中小企业款项登记投诉平台转办",
        "企业名称": "武汉宏远装饰工程有限公司",
        "联系人": "曾华",
        "联系方式": "027-82462582",
        "主体名称": "武汉市江岸区园林和林业局",
        "性质": "机关",
        "合同名称": "2020年江岸区办公楼维修改造工程（二标段）施工合同",
        "合同金额": D("284.54"),
        "拖欠金额": D("160.03"),
        "工程款": D("160.03"),
        "约定最迟付款时间": "2019-11-04",
        "合同等证明材料": "有",
        "有无分歧": "有",
        "是否进入司法程序": "是",
        "办理情况": "正在沟通办理",
        "回访情况": "不满意",
    },
]


def _full(row: dict[str, object]) -> dict[str, object]:
    out: dict[str, object] = dict.fromkeys(g.ANNEX2_HEADERS)
    out.update(row)
    return out


def _plain_save(wb: Workbook, path: Path) -> None:
    wb.save(path)


def soffice() -> str:
    exe = os.environ.get("SOFFICE") or shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        sys.exit(
            "make_fixtures.py needs LibreOffice: install it (apt-get install libreoffice-calc)"
        )
    return exe


def convert(exe: str, src: Path, fmt: str, outdir: Path, profile: Path) -> Path:
    outdir.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            exe,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            fmt,
            "--outdir",
            str(outdir),
            str(src),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
        timeout=300,
    )
    out = outdir / f"{src.stem}.{fmt}"
    if not out.exists():
        sys.exit(f"soffice did not write {out}")
    return out


def main() -> int:
    exe = soffice()
    rows = [_full(r) for r in ANNEX2_ROWS]
    for row in rows:
        problems = g.check_annex2_row(row)
        assert not problems, (row, problems)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        src = tmp / "src"
        src.mkdir()
        annex2 = src / "libreoffice-annex2.xlsx"
        i, key, value = DATE_CELL
        g.write_annex2(annex2, rows, overrides={(i, key): value}, save_to=_plain_save)
        # the date cell shows as a month, the way a clerk formats it
        wb = load_workbook(annex2)
        ws = wb.active
        assert ws is not None
        col = g.ANNEX2_HEADERS.index(key) + 1
        ws.cell(row=3 + i, column=col).number_format = "yyyy-mm"
        wb.save(annex2)
        wuhan = src / "libreoffice-wuhan.xlsx"
        g.write_wuhan(wuhan, WUHAN_ROWS, WUHAN_META, save_to=_plain_save)

        profile = tmp / "profile"
        made = [
            convert(exe, annex2, "xlsx", tmp / "xlsx", profile),
            convert(exe, annex2, "xls", tmp / "xls", profile),
            convert(exe, annex2, "ods", tmp / "ods", profile),
            convert(exe, wuhan, "xls", tmp / "xls", profile),
        ]
        for path in made:
            shutil.copyfile(path, HERE / path.name)
            print(f"{path.stat().st_size:7d}  tests/data/{path.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
