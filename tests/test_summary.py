"""Annex 3 and 4 figures, hand-computed on a small ledger that covers every case kind."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from helpers import annex2_row, write_annex2
from ledgercli.check.inbox import validate_paths
from ledgercli.model.errors import LedgerError
from ledgercli.model.forms import builtin_forms, get_form
from ledgercli.model.numbers import rate
from ledgercli.model.options import Options
from ledgercli.summary.figures import (
    SummaryLayout,
    annex_layout,
    cases_from,
    header_merges,
    layout_of,
    summarize,
    to_json,
)

PLATFORM = "工业和信息化部违约拖欠中小企业款项登记（投诉）平台"
D = Decimal


def rows_jia() -> list[dict[str, object]]:
    """甲街道: one case of each status and each of the four source buckets."""
    return [
        # 自行排查, 无分歧, 清偿完毕 100
        annex2_row(
            序号=1, 街镇部门="甲街道", 合同名称="合同1", 拖欠金额=100, 清偿完毕金额=100, 剩余金额=0
        ),
        # 互联网+督查, 有分歧, 部分清偿 20, judicial 10
        annex2_row(
            序号=2,
            问题来源="国务院“互联网+督查”",
            问题编号="DC2022001",
            街镇部门="甲街道",
            合同名称="合同2",
            拖欠金额=50,
            有无分歧="有",
            已偿还金额=20,
            剩余金额=30,
            进入司法程序的金额=10,
        ),
        # 工信部平台, 无分歧, 协议还款 30.5
        annex2_row(
            序号=3,
            问题来源=PLATFORM,
            问题编号="GXB2022001",
            街镇部门="甲街道",
            合同名称="合同3",
            拖欠金额=30.5,
            剩余金额=30.5,
            协议还款金额=30.5,
            协议约定最迟偿还时间="2022-10",
        ),
        # 重大政策跟踪审计 (→ 其他), 有分歧, 未化解, all of it in court
        annex2_row(
            序号=4,
            问题来源="重大政策跟踪审计",
            街镇部门="甲街道",
            合同名称="合同4",
            拖欠金额="20.1234",
            有无分歧="有",
            剩余金额="20.1234",
            进入司法程序的金额="20.1234",
        ),
    ]


def rows_yi() -> list[dict[str, object]]:
    """乙街道: 信访 cleared with a dispute; 其他 partly repaid that also has an agreement."""
    return [
        annex2_row(
            序号=1,
            问题来源="信访",
            街镇部门="乙街道",
            合同名称="合同5",
            拖欠金额=40,
            有无分歧="有",
            清偿完毕金额=40,
            剩余金额=0,
        ),
        annex2_row(
            序号=2,
            问题来源="其他",
            街镇部门="乙街道",
            合同名称="合同6",
            拖欠金额=10,
            已偿还金额=3,
            剩余金额=7,
            协议还款金额=7,
            协议约定最迟偿还时间="2022-11",
        ),
    ]


def rows_bing() -> list[dict[str, object]]:
    """丙镇: a single row with 拖欠金额 0, an error: the unit's 清偿率 is blank."""
    return [annex2_row(街镇部门="丙镇", 合同名称="合同7", 拖欠金额=0, 剩余金额=0)]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    d = tmp_path / "in"
    d.mkdir()
    write_annex2(d / "jia.xlsx", rows_jia())
    write_annex2(d / "yi.xlsx", rows_yi())
    write_annex2(d / "bing.xlsx", rows_bing())
    return d


def compute(path: Path, annex: str, **kw: object):
    report, ledgers = validate_paths([path], Options())
    form, layout = annex_layout(annex)
    return summarize(cases_from(ledgers, layout, report), form, layout, **kw)


ANNEX4_JIA = {
    "count": 4,
    "self_count": 1,
    "inspect_count": 1,
    "platform_count": 1,
    "other_count": 1,
    "owed": D("200.6234"),
    "repaid": D("120"),
    "rate": D("59.81"),
    "undisputed_count": 2,
    "undisputed_repaid": D("100"),
    "undisputed_cleared_count": 1,
    "undisputed_cleared_amount": D("100"),
    "undisputed_partial_count": 0,
    "undisputed_partial_amount": D("0"),
    "undisputed_agreed_count": 1,
    "undisputed_agreed_amount": D("30.5"),
    "disputed_count": 2,
    "disputed_repaid": D("20"),
    "disputed_cleared_count": 0,
    "disputed_cleared_amount": D("0"),
    "disputed_partial_count": 1,
    "disputed_partial_amount": D("20"),
    "disputed_agreed_count": 0,
    "disputed_agreed_amount": D("0"),
    "judicial_count": 2,
    "judicial_amount": D("30.1234"),
}
ANNEX4_YI = {
    "count": 2,
    "self_count": 0,
    "inspect_count": 0,
    "platform_count": 0,
    "other_count": 2,
    "owed": D("50"),
    "repaid": D("43"),
    "rate": D("86.00"),
    "undisputed_count": 1,
    "undisputed_repaid": D("3"),
    "undisputed_cleared_count": 0,
    "undisputed_cleared_amount": D("0"),
    "undisputed_partial_count": 1,
    "undisputed_partial_amount": D("3"),
    # 协议还款 counts only cases whose status is 协议还款: 部分清偿 wins over the agreement.
    "undisputed_agreed_count": 0,
    "undisputed_agreed_amount": D("0"),
    "disputed_count": 1,
    "disputed_repaid": D("40"),
    "disputed_cleared_count": 1,
    "disputed_cleared_amount": D("40"),
    "disputed_partial_count": 0,
    "disputed_partial_amount": D("0"),
    "disputed_agreed_count": 0,
    "disputed_agreed_amount": D("0"),
    "judicial_count": 0,
    "judicial_amount": D("0"),
}
ANNEX4_BING = {k: (D(0) if isinstance(v, Decimal) else 0) for k, v in ANNEX4_YI.items()} | {
    "count": 1,
    "self_count": 1,
    "undisputed_count": 1,
    "rate": None,
}
ANNEX4_TOTAL = {
    "count": 7,
    "self_count": 2,
    "inspect_count": 1,
    "platform_count": 1,
    "other_count": 3,
    "owed": D("250.6234"),
    "repaid": D("163"),
    "rate": D("65.04"),  # 163 / 250.6234 = 65.0378…%, recomputed, not the sum of rates
    "undisputed_count": 4,
    "undisputed_repaid": D("103"),
    "undisputed_cleared_count": 1,
    "undisputed_cleared_amount": D("100"),
    "undisputed_partial_count": 1,
    "undisputed_partial_amount": D("3"),
    "undisputed_agreed_count": 1,
    "undisputed_agreed_amount": D("30.5"),
    "disputed_count": 3,
    "disputed_repaid": D("60"),
    "disputed_cleared_count": 1,
    "disputed_cleared_amount": D("40"),
    "disputed_partial_count": 1,
    "disputed_partial_amount": D("20"),
    "disputed_agreed_count": 0,
    "disputed_agreed_amount": D("0"),
    "judicial_count": 2,
    "judicial_amount": D("30.1234"),
}


def test_annex4_rows_and_total_hand_computed(folder: Path) -> None:
    """Every annex-4 figure of three units and the 合计 row equals the hand computation."""
    s = compute(folder, "4")
    assert [r.label for r in s.rows] == ["丙镇", "乙街道", "甲街道"]  # by name (code point)
    got = {r.label: r.values for r in s.rows}
    assert got["甲街道"] == ANNEX4_JIA
    assert got["乙街道"] == ANNEX4_YI
    assert got["丙镇"] == ANNEX4_BING
    assert s.total.label == "合计"
    assert s.total.values == ANNEX4_TOTAL
    assert all(isinstance(v, int | Decimal | type(None)) for v in s.total.values.values())


def test_annex3_rows_and_total_hand_computed(folder: Path) -> None:
    """Annex 3: 数量 and 金额 per source bucket; 信访, 审计 and 其他 fall into 其他."""
    s = compute(folder, "3", order="amount")
    assert [r.label for r in s.rows] == ["甲街道", "乙街道", "丙镇"]  # 拖欠金额, largest first
    jia, yi, bing = (r.values for r in s.rows)
    assert jia == {
        "self_count": 1,
        "self_owed": D("100"),
        "inspect_count": 1,
        "inspect_owed": D("50"),
        "platform_count": 1,
        "platform_owed": D("30.5"),
        "other_count": 1,
        "other_owed": D("20.1234"),
        "count": 4,
        "owed": D("200.6234"),
    }
    assert (yi["other_count"], yi["other_owed"], yi["count"], yi["owed"]) == (2, D(50), 2, D(50))
    assert (bing["self_count"], bing["owed"]) == (1, D(0))
    assert s.total.values["other_count"] == 3
    assert s.total.values["other_owed"] == D("70.1234")
    assert s.total.values["owed"] == D("250.6234")


def test_error_rows_counted_with_warning_or_left_out(folder: Path) -> None:
    """A row with errors is counted and named in a warning; --only-valid leaves it out."""
    s = compute(folder, "4")
    assert [(c.code, c.params) for c in s.caveats] == [
        ("summary-error-rows", {"rows": 1, "amount": "0.0000"})
    ]
    valid = compute(folder, "4", only_valid=True)
    assert [r.label for r in valid.rows] == ["乙街道", "甲街道"]
    assert valid.total.values["count"] == 6
    assert valid.caveats[0].code == "summary-error-rows-left-out"


def test_duplicates_counted_then_dropped(tmp_path: Path) -> None:
    """The same 问题编号 from a district and a department is counted twice with a warning;
    --drop-duplicates counts it once (the first file's row)."""
    d = tmp_path / "dup"
    d.mkdir()
    write_annex2(d / "a.xlsx", rows_jia())
    twin = dict(rows_jia()[1], 街镇部门="区住房城乡建委")
    write_annex2(d / "b.xlsx", [twin])
    s = compute(d, "4")
    assert s.total.values["count"] == 5
    assert [(c.code, c.params) for c in s.caveats] == [
        ("summary-duplicates", {"groups": 1, "rows": 1, "amount": "50.0000"})
    ]
    once = compute(d, "4", drop_duplicates=True)
    assert once.total.values["count"] == 4
    assert [r.label for r in once.rows] == ["甲街道"]
    assert once.caveats[0].code == "summary-duplicates-dropped"
    assert once.caveats[0].params["where"] == "b.xlsx:3"


def test_rate_rounds_half_up_and_blank_without_arrears() -> None:
    """清偿率: two decimals rounded half up; None (blank) when 拖欠总金额 is 0."""
    assert rate(D("1"), D("8")) == D("12.50")
    assert rate(D("1"), D("3")) == D("33.33")
    assert rate(D("2"), D("3")) == D("66.67")
    assert rate(D("0.00005"), D("1")) == D("0.01")
    assert rate(D("5"), D("0")) is None


def test_json_keys_are_header_paths(folder: Path) -> None:
    """JSON rows are keyed by header paths joined with '/'; amounts are exact strings."""
    data = to_json(compute(folder, "4"), "en")
    assert data["form"] == "cq-annex4"
    assert len(data["columns"]) == 28
    assert data["columns"][:3] == ["序号", "部门街镇", "总体情况/拖欠数量/数量总计"]
    jia = data["rows"][2]
    assert jia["序号"] == 3
    assert jia["部门街镇"] == "甲街道"
    assert jia["总体情况/拖欠数量/其中/国务院“互联网+督查”转"] == 1
    assert jia["总体情况/涉及金额/拖欠总金额"] == "200.6234"
    assert jia["总体情况/涉及金额/清偿率（%）"] == "59.81"
    assert jia["化解情况/有分歧问题/部分清偿/金额"] == "20.0000"
    assert jia["化解情况/进入司法程序/金额"] == "30.1234"
    assert data["rows"][0]["总体情况/涉及金额/清偿率（%）"] is None
    assert data["total"]["部门街镇"] == "合计"
    assert data["total"]["序号"] is None
    assert data["cases"] == 7
    assert data["warnings"][0]["code"] == "summary-error-rows"
    assert "--only-valid" in data["warnings"][0]["message"]


def test_by_another_column(folder: Path) -> None:
    """--by groups by any column of the detail form, named by header."""
    report, ledgers = validate_paths([folder], Options())
    form, layout = annex_layout("3")
    from ledgercli.summary.figures import resolve_by

    key = resolve_by(ledgers[0].form, "有无分歧")
    s = summarize(cases_from(ledgers, layout, report, key), form, layout)
    assert [(r.label, r.values["count"]) for r in s.rows] == [("无", 4), ("有", 3)]
    with pytest.raises(LedgerError) as exc:
        resolve_by(ledgers[0].form, "no such column")
    assert exc.value.code == "summary-bad-by"


def test_layouts_match_the_seed_merges() -> None:
    """The bundled layouts load, have 11 and 28 columns and give the seed's merged ranges."""
    forms = builtin_forms()
    l3, l4 = layout_of(forms["cq-annex3"]), layout_of(forms["cq-annex4"])
    assert (len(l3.columns), len(l4.columns)) == (11, 28)
    assert header_merges(l3)[:3] == ["A1:A3", "B1:I1", "J1:K1"]
    assert "K1:AB1" in header_merges(l4)


def test_layout_merges_must_agree_with_paths() -> None:
    """A layout whose declared merges differ from its paths is refused, naming the ranges."""
    data = dict(builtin_forms()["cq-annex3"].layout)
    data["merges"] = ["A1:A3", "B1:J1"]
    with pytest.raises(ValueError, match="B1:J1"):
        SummaryLayout.model_validate(data)


# --- the layouts are data ----------------------------------------------------------------------


def test_every_summary_is_declared_in_schemas() -> None:
    """Annex 3, annex 4 and the Wuhan weekly report: each names its detail form, its --annex
    name and its default workbook; each detail form has exactly one default summary, and the
    command offers exactly the declared names."""
    from ledgercli.commands.summarize import summarize as command
    from ledgercli.summary.figures import summary_layouts

    layouts = {form.id: layout for form, layout in summary_layouts()}
    assert {k: (lo.of, lo.annex, lo.output) for k, lo in layouts.items()} == {
        "cq-annex3": ("cq-annex2", "3", "annex3.xlsx"),
        "cq-annex4": ("cq-annex2", "4", "annex4.xlsx"),
        "wh-weekly": ("wh-ledger", "wh", "wuhan-weekly.xlsx"),
    }
    defaults = [lo.of for lo in layouts.values() if lo.default]
    assert sorted(defaults) == sorted(set(defaults)) == ["cq-annex2", "wh-ledger"]
    choice = next(p for p in command.params if p.name == "annex")
    assert list(choice.type.choices) == [lo.annex for lo in layouts.values()]


def test_the_wuhan_weekly_columns_come_from_the_detail_forms_values() -> None:
    """Per allowed value of 办理情况 (and of 线索来源 and 性质 when a ledger has them), a 数量
    and a 金额 column; 未填 only where some case leaves the column blank."""
    from types import SimpleNamespace

    from ledgercli.summary.figures import expanded

    form, layout = annex_layout("wh")
    detail = get_form(layout.of)
    progress = detail.by_key["progress"]
    ledger = SimpleNamespace(values={"progress": [progress.values[0], None]})
    cols = expanded(layout, [ledger]).columns
    paths = [c.path for c in cols]
    assert paths[:3] == [["填报单位"], ["合计", "数量"], ["合计", "金额"]]
    expected = [
        [progress.header, v, w] for v in [*progress.values, "（未填）"] for w in ("数量", "金额")
    ]
    assert paths[3:] == expected
    assert cols[3].where == {"progress": progress.values[0]} and cols[-1].where == {"progress": ""}
    clean = SimpleNamespace(values={"progress": [progress.values[0]]})
    assert ["（未填）" not in c.path for c in expanded(layout, [clean]).columns] == [True] * (
        3 + 2 * len(progress.values)
    )


def test_a_layout_expanding_an_unknown_column_is_refused() -> None:
    from ledgercli.model.errors import LedgerError

    form, layout = annex_layout("wh")
    data = form.model_dump()
    data["layout"]["expand"]["columns"] = ["progress", "no_such_column"]
    bad = type(form).model_validate(data)
    with pytest.raises(LedgerError) as info:
        layout_of(bad)
    assert info.value.code == "summary-bad-layout" and "no_such_column" in info.value.render("en")
