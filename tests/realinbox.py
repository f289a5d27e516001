"""A two-week city inbox holding every trap of a real Thursday, with its ground truth.

`build(root)` writes `root/week1/` and `root/week2/` (the folders the clerk receives) and returns
`Truth`: every case each week really holds, in 万元, under its one canonical unit. The expected
annex figures are computed from that truth by `annex_figures`, straight from SPEC.md with
Decimal arithmetic and nothing of ledgercli, so a test that compares the two is an independent
check. Run `python tests/realinbox.py OUT` to look at the files.

The traps (issue 12), each a file of week 1:

- 附件2-打通镇（元）.xlsx declares 金额单位：元 above its header and writes every amount in 元;
- 附件2-区教委.xlsx and a byte-identical 附件2-区教委(1).xlsx;
- 附件2-赶水镇.xlsx has a sheet per town office: 赶水镇 and 赶水镇（二）;
- 附件2-石角镇.xlsx names its unit 石角镇 on 8 rows and 石角镇人民政府 on 5;
- 附件2-横山镇.xlsx leaves 街镇部门 blank under 填报单位：横山镇;
- 附件2-文龙街道.xlsx has one case of 7,900 元 typed as 7900 in a 万元 column (its 合同金额
  of 1.2 万元 gives it away): counted as written, stated as suspect;
- 附件1-古南街道-联络表.xlsx (a contact form) and 附件4-古南街道（自报）.xlsx (the district's
  own annex 4, with planted differences) beside the ledgers.

Week 2: 永新镇 sends nothing; 古南街道 drops one case (the one real vanished case), adds one and
repays part of another; 区教委 is sent once; 文龙街道's suspect case is corrected to 0.79, and
another of its cases is typed in 元 (both 合同金额 and 拖欠金额: only last week's figure tells).
"""

from __future__ import annotations

import random
import shutil
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "sample_data"))

import generate as gen  # noqa: E402

AMOUNTS = [
    "合同金额",
    "拖欠金额",
    "清偿完毕金额",
    "已偿还金额",
    "剩余金额",
    "协议还款金额",
    "进入司法程序的金额",
]
YUAN = Decimal(10000)
SEED = "realinbox"

# The units of the city and the rows each sends (week 1).
PLAIN_UNITS = {"古南街道": 12, "区教委": 18, "永新镇": 26, "文龙街道": 14}
GANSHUI_SHEETS = {"赶水镇": 10, "赶水镇（二）": 5}
DATONG_ROWS = 9  # 打通镇, in 元
SHIJIAO = (8, 5)  # 石角镇 rows, then 石角镇人民政府 rows
HENGSHAN_ROWS = 10
SUSPECT_ROW = 4  # 0-based row of 文龙街道 typed in 元 in week 1
TYPED_IN_YUAN_WEEK2 = 7  # 0-based row of 文龙街道 typed in 元 (both amounts) in week 2
GUNAN_VANISHED = 3
ROSTER = ["古南街道", "区教委", "永新镇", "文龙街道", "赶水镇", "打通镇", "石角镇", "横山镇"]


@dataclass
class Week:
    """What one week's inbox really holds: each case with its true 万元 amounts."""

    folder: Path
    cases: list[dict[str, Any]] = field(default_factory=list)  # canonical unit in 街镇部门
    as_written: dict[int, dict[str, Any]] = field(default_factory=dict)  # index → written row

    def counted(self) -> list[dict[str, Any]]:
        """The cases as the tool must count them: a suspect row counts as it was written."""
        return [self.as_written.get(i, c) for i, c in enumerate(self.cases)]


@dataclass
class Truth:
    week1: Week
    week2: Week
    vanished: dict[str, Any]  # the one real vanished case (week 1 → 2)
    new: dict[str, Any]
    suspect_week1: dict[str, Any]  # as written
    typed_in_yuan_week2: dict[str, Any]  # as written
    not_reported: list[str] = field(default_factory=lambda: ["永新镇"])


def _rows(unit: str, n: int, salt: str = "") -> list[dict[str, Any]]:
    rows = gen.annex2_rows(random.Random(f"{SEED}:{unit}{salt}"), unit, n)
    for r in rows:
        assert not gen.check_annex2_row(r), r
    return rows


def _renumber(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for seq, row in enumerate(rows, start=1):
        row["序号"] = seq
    return rows


def _in_yuan(row: dict[str, Any], keys: Iterable[str] = AMOUNTS) -> dict[str, Any]:
    out = dict(row)
    for k in keys:
        if isinstance(out.get(k), Decimal):
            out[k] = out[k] * YUAN
    return out


def _plain(path: Path, rows: list[dict[str, Any]]) -> None:
    gen.write_annex2(path, rows)


def _with_lines_above(path: Path, rows: list[dict[str, Any]], above: list[str]) -> None:
    """Title, then metadata lines (金额单位：元, 填报单位：…), then the header and the rows."""
    wb, ws = gen.new_workbook("附件2")
    gen.write_title(ws, 1, gen.ANNEX2_TITLE, len(gen.ANNEX2_COLUMNS))
    for i, line in enumerate(above, start=2):
        ws.cell(row=i, column=1, value=line)
    gen.write_table(ws, 2 + len(above), gen.ANNEX2_COLUMNS, rows)
    gen.save(wb, path)


def _sheets(path: Path, sheets: dict[str, list[dict[str, Any]]]) -> None:
    wb = None
    for name, rows in sheets.items():
        if wb is None:
            wb, ws = gen.new_workbook(name)
        else:
            ws = wb.create_sheet(name)
        gen.write_title(ws, 1, gen.ANNEX2_TITLE, len(gen.ANNEX2_COLUMNS))
        gen.write_table(ws, 2, gen.ANNEX2_COLUMNS, rows)
    assert wb is not None
    gen.save(wb, path)


def _suspect(row: dict[str, Any]) -> dict[str, Any]:
    """7,900 元 owed on a contract of 1.2 万元, the arrears typed in 元 in a 万元 column."""
    gen.set_amounts(row, Decimal("0.79"), gen.ST_OPEN, due="2022-10")
    row["合同金额"] = Decimal("1.2")
    row["进入司法程序的金额"] = None
    written = dict(row)
    written["拖欠金额"] = Decimal("7900")
    written["剩余金额"] = Decimal("7900")
    return written


def build(root: Path) -> Truth:
    """Write root/week1 and root/week2; return what they really hold."""
    w1 = Week(root / "week1")
    w2 = Week(root / "week2")
    for w in (w1, w2):
        if w.folder.exists():
            shutil.rmtree(w.folder)
        w.folder.mkdir(parents=True)

    plain = {unit: _rows(unit, n) for unit, n in PLAIN_UNITS.items()}
    ganshui = {sheet: _rows("赶水镇", n, sheet) for sheet, n in GANSHUI_SHEETS.items()}
    datong = _rows("打通镇", DATONG_ROWS)
    shijiao = _rows("石角镇", sum(SHIJIAO))
    hengshan = _rows("横山镇", HENGSHAN_ROWS)
    for sheet_rows in ganshui.values():
        for r in sheet_rows:
            r["街镇部门"] = "赶水镇"
    _renumber(ganshui["赶水镇（二）"])

    # --- week 1 -----------------------------------------------------------------------------
    wenlong = [dict(r) for r in plain["文龙街道"]]
    suspect_written = _suspect(wenlong[SUSPECT_ROW])
    wenlong_written = list(wenlong)
    wenlong_written[SUSPECT_ROW] = suspect_written
    for unit in ("古南街道", "区教委", "永新镇"):
        _plain(w1.folder / f"附件2-{unit}.xlsx", plain[unit])
    _plain(w1.folder / "附件2-文龙街道.xlsx", wenlong_written)
    shutil.copyfile(w1.folder / "附件2-区教委.xlsx", w1.folder / "附件2-区教委(1).xlsx")
    _sheets(w1.folder / "附件2-赶水镇.xlsx", ganshui)
    _with_lines_above(
        w1.folder / "附件2-打通镇（元）.xlsx",
        [_in_yuan(r) for r in datong],
        ["金额单位：元"],
    )
    shijiao_written = [dict(r) for r in shijiao]
    for r in shijiao_written[SHIJIAO[0] :]:
        r["街镇部门"] = "石角镇人民政府"
    _plain(w1.folder / "附件2-石角镇.xlsx", shijiao_written)
    hengshan_written = [{**r, "街镇部门": None} for r in hengshan]
    _with_lines_above(w1.folder / "附件2-横山镇.xlsx", hengshan_written, ["填报单位：横山镇"])
    gen.write_annex1(
        w1.folder / "附件1-古南街道-联络表.xlsx",
        "古南街道",
        "古南街道经济发展办公室",
        ("陈志强", "党工委委员、办事处副主任", "13983056218"),
        ("刘婷", "经济发展办公室主任", "023-48661532"),
    )
    w1.cases = [
        *plain["古南街道"],
        *plain["区教委"],
        *plain["永新镇"],
        *wenlong,
        *ganshui["赶水镇"],
        *ganshui["赶水镇（二）"],
        *datong,
        *shijiao,
        *hengshan,
    ]
    w1.as_written[w1.cases.index(wenlong[SUSPECT_ROW])] = suspect_written

    # --- week 2 -----------------------------------------------------------------------------
    gunan = [dict(r) for r in plain["古南街道"]]
    vanished = gunan.pop(GUNAN_VANISHED)
    new = _rows("古南街道", 1, "new")[0]
    gunan.append(new)
    progressed = next(r for r in gunan if r is not new and _status(r) == "未化解")
    owed = progressed["拖欠金额"]
    gen.set_amounts(progressed, owed, gen.ST_PARTIAL, repaid=(owed / 4).quantize(gen.Q2))
    _renumber(gunan)
    wenlong2 = [dict(r) for r in plain["文龙街道"]]
    wenlong2[SUSPECT_ROW] = dict(wenlong[SUSPECT_ROW])  # corrected to 0.79
    typed = _in_yuan(wenlong2[TYPED_IN_YUAN_WEEK2])
    wenlong2_written = list(wenlong2)
    wenlong2_written[TYPED_IN_YUAN_WEEK2] = typed
    _plain(w2.folder / "附件2-古南街道.xlsx", gunan)
    _plain(w2.folder / "附件2-区教委.xlsx", plain["区教委"])
    _plain(w2.folder / "附件2-文龙街道.xlsx", wenlong2_written)
    _sheets(w2.folder / "附件2-赶水镇.xlsx", ganshui)
    _with_lines_above(
        w2.folder / "附件2-打通镇（元）.xlsx", [_in_yuan(r) for r in datong], ["金额单位：元"]
    )
    _plain(w2.folder / "附件2-石角镇.xlsx", shijiao_written)
    _with_lines_above(w2.folder / "附件2-横山镇.xlsx", hengshan_written, ["填报单位：横山镇"])
    w2.cases = [
        *gunan,
        *plain["区教委"],
        *wenlong2,
        *ganshui["赶水镇"],
        *ganshui["赶水镇（二）"],
        *datong,
        *shijiao,
        *hengshan,
    ]
    w2.as_written[w2.cases.index(wenlong2[TYPED_IN_YUAN_WEEK2])] = typed
    for w in (w1, w2):
        idents = [_identity(c) for c in w.cases]
        assert len(set(idents)) == len(idents), "the builder made one case twice"
    truth = Truth(w1, w2, vanished, new, suspect_written, typed)
    return truth


def _identity(c: dict[str, Any]) -> str:
    if c.get("问题编号"):
        return str(c["问题编号"])
    return f"{c['债务人统一社会信用代码']}|{c['债权人统一社会信用代码']}|{c['合同名称']}"


# --- the figures, straight from SPEC.md ----------------------------------------------------------


def _dec(row: dict[str, Any], key: str) -> Decimal:
    v = row.get(key)
    return v if isinstance(v, Decimal) else Decimal(0)


def _status(row: dict[str, Any]) -> str:
    if _dec(row, "清偿完毕金额") > 0:
        return "清偿完毕"
    if _dec(row, "已偿还金额") > 0:
        return "部分清偿"
    if _dec(row, "协议还款金额") > 0:
        return "协议还款"
    return "未化解"


def _repaid(row: dict[str, Any]) -> Decimal:
    st = _status(row)
    if st == "清偿完毕":
        return _dec(row, "清偿完毕金额")
    if st == "部分清偿":
        return _dec(row, "已偿还金额")
    return Decimal(0)


BUCKET3 = {
    "自行排查": "自行排查",
    "国务院“互联网+督查”": "国务院“互联网+督查”",
    "工业和信息化部违约拖欠中小企业款项登记（投诉）平台": "工业和信息化部登记（投诉）平台",
}
BUCKET4 = {
    "自行排查": "自行排查",
    "国务院“互联网+督查”": "国务院“互联网+督查”转",
    "工业和信息化部违约拖欠中小企业款项登记（投诉）平台": "部登记（投诉）平台转",
}


def _money(d: Decimal) -> str:
    return f"{d:.4f}"


def annex_figures(cases: list[dict[str, Any]], annex: int) -> dict[str, dict[str, Any]]:
    """unit (and 合计) → {column path as `summarize --format json` names it: value}."""
    by_unit: dict[str, list[dict[str, Any]]] = {}
    for c in cases:
        by_unit.setdefault(str(c["街镇部门"]), []).append(c)
    out = {u: _figures(rows, annex) for u, rows in sorted(by_unit.items())}
    out["合计"] = _figures(cases, annex)
    return out


def _figures(rows: list[dict[str, Any]], annex: int) -> dict[str, Any]:
    owed = sum((_dec(r, "拖欠金额") for r in rows), Decimal(0))
    if annex == 3:
        f: dict[str, Any] = {}
        for bucket in [*dict.fromkeys(BUCKET3.values()), "其他"]:
            mine = [r for r in rows if BUCKET3.get(str(r["问题来源"]), "其他") == bucket]
            f[f"问题来源/{bucket}/数量"] = len(mine)
            f[f"问题来源/{bucket}/金额"] = _money(
                sum((_dec(r, "拖欠金额") for r in mine), Decimal(0))
            )
        f["总计/问题数量"] = len(rows)
        f["总计/涉及金额"] = _money(owed)
        return f
    repaid = sum((_repaid(r) for r in rows), Decimal(0))
    rate = "" if owed == 0 else f"{(repaid / owed * 100).quantize(Decimal('0.01'))}"
    g = "总体情况/拖欠数量/"
    f = {f"{g}数量总计": len(rows)}
    for source, label in BUCKET4.items():
        f[f"{g}其中/{label}"] = sum(1 for r in rows if r["问题来源"] == source)
    f[f"{g}其中/其他"] = sum(1 for r in rows if r["问题来源"] not in BUCKET4)
    f["总体情况/涉及金额/拖欠总金额"] = _money(owed)
    f["总体情况/涉及金额/清偿总金额"] = _money(repaid)
    f["总体情况/涉及金额/清偿率（%）"] = rate
    for disputed, group in (("无", "无分歧问题"), ("有", "有分歧问题")):
        mine = [r for r in rows if r["有无分歧"] == disputed]
        p = f"化解情况/{group}/"
        f[f"{p}数量小计"] = len(mine)
        f[f"{p}清偿金额小计"] = _money(sum((_repaid(r) for r in mine), Decimal(0)))
        for st, key in (
            ("清偿完毕", "清偿完毕金额"),
            ("部分清偿", "已偿还金额"),
            ("协议还款", "协议还款金额"),
        ):
            of = [r for r in mine if _status(r) == st]
            f[f"{p}{st}/数量"] = len(of)
            f[f"{p}{st}/金额"] = _money(sum((_dec(r, key) for r in of), Decimal(0)))
    court = [r for r in rows if _dec(r, "进入司法程序的金额") > 0]
    f["化解情况/进入司法程序/数量"] = len(court)
    f["化解情况/进入司法程序/金额"] = _money(
        sum((_dec(r, "进入司法程序的金额") for r in court), Decimal(0))
    )
    return f


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "realinbox")
    t = build(out)
    for w in (t.week1, t.week2):
        print(w.folder, len(w.cases), "cases")
        for p in sorted(w.folder.iterdir()):
            print("   ", p.name)
