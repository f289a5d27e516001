"""One canonical name per unit, the roster (--units), and the units that sent nothing (未报送)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

import realinbox
from helpers import GUNAN_ROW, WENLONG_ROW, annex2_row, write_annex2, write_roster
from ledgercli.check.inbox import validate_paths
from ledgercli.check.roster import RosterUnreadable, read_roster
from ledgercli.cli import cli
from ledgercli.compare.diff import diff_paths
from ledgercli.model.options import Options
from ledgercli.model.units import unit_key


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def case(unit: str | None, n: int, owed: float = 10, **more: Any) -> dict[str, Any]:
    """A valid unresolved case of `unit`, told apart from the others by its contract."""
    return annex2_row(
        序号=n, 街镇部门=unit, 合同名称=f"合同{n}", 拖欠金额=owed, 剩余金额=owed, **more
    )


def findings(data: dict[str, Any], rule: str) -> list[tuple[str, dict[str, Any]]]:
    return [
        (Path(f["path"]).name, x) for f in data["files"] for x in f["findings"] if x["rule"] == rule
    ]


# --- the name of a unit -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("石角镇", "石角镇人民政府"),
        ("石角镇", "石角镇人民政府办公室"),
        ("石角镇", "石角镇政府"),
        ("古南街道", "古南街道办事处"),
        ("古南街道", "古南街道办"),
        ("古南街道", " 古南　街道 "),
        ("綦江区", "綦江区人民政府"),
        ("区经济信息委", "区经济信息委员会"),
        ("工业园区管委会", "工业园区管理委员会"),
        ("ＡＢ镇", "ab镇人民政府"),
    ],
)
def test_spellings_of_one_unit_fold_together(a: str, b: str) -> None:
    assert unit_key(a) == unit_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("石角镇", "石角街道"),
        ("永新镇", "永新乡"),
        ("区教委", "区教育委员会"),  # an abbreviation is not guessed
        ("区人民政府办公室", "区"),  # no place name before 人民政府
        ("古南街道", "古南镇"),
        ("石角镇", "石角镇党委"),  # another organ of the town
    ],
)
def test_different_units_stay_apart(a: str, b: str) -> None:
    assert unit_key(a) != unit_key(b)


PLACE_CHARS = "石角古南永新文龙赶水横山打通三江通惠綦"
places = st.text(alphabet=PLACE_CHARS, min_size=1, max_size=4)
types = st.sampled_from(["镇", "乡", "街道", "区", "县"])
government = st.sampled_from(["人民政府", "人民政府办公室", "政府", "政府办公室"])


@given(places, types, government)
def test_property_government_suffix_is_decoration(place: str, kind: str, suffix: str) -> None:
    assert unit_key(place + kind + suffix) == unit_key(place + kind)


@given(places, types, st.lists(st.integers(0, 8), max_size=3), st.booleans())
def test_property_spaces_and_width_are_decoration(
    place: str, kind: str, cuts: list[int], ideographic: bool
) -> None:
    name = place + kind
    spaced = name
    for at in sorted(cuts, reverse=True):
        spaced = spaced[:at] + ("\u3000" if ideographic else " ") + spaced[at:]
    assert unit_key(spaced) == unit_key(name)
    assert unit_key("ＡＢ" + name) == unit_key("AB" + name)


@given(places, types, types, st.one_of(st.just(""), government))
def test_property_a_town_is_never_a_sub_district(
    place: str, kind1: str, kind2: str, suffix: str
) -> None:
    """Folding never joins two kinds of administration of the same place name."""
    if kind1 != kind2:
        assert unit_key(place + kind1 + suffix) != unit_key(place + kind2)


@given(
    st.text(alphabet=PLACE_CHARS + "镇乡街道区县市人民政府办公室事处委员会管 　ＡａB", max_size=16)
)
def test_property_folding_is_idempotent(name: str) -> None:
    assert unit_key(unit_key(name)) == unit_key(name)


# --- canonical names over all files read ---------------------------------------------------


def test_most_frequent_spelling_wins_and_each_renaming_is_one_notice(tmp_path: Path) -> None:
    """石角镇 ×3 over two files beats 石角镇人民政府 ×2: one notice per spelling per file (with its
    rows), one annex row, and no mixed-units warning for spellings of one unit."""
    d = tmp_path / "in"
    d.mkdir()
    write_annex2(
        d / "a.xlsx", [case("石角镇", 1), case("石角镇人民政府", 2), case("石角镇人民政府", 3)]
    )
    write_annex2(d / "b.xlsx", [case("石角镇", 4), case("石角镇", 5)])
    data = json.loads(run("validate", str(d), "--format", "json").output)
    renamed = findings(data, "unit-renamed")
    assert [(name, x["value"], x["row"], x["column"]) for name, x in renamed] == [
        ("a.xlsx", "石角镇人民政府", 4, "D")
    ]
    assert "(2 row(s)) counted as '石角镇'" in renamed[0][1]["message"]
    assert findings(data, "mixed-units") == []
    summary = json.loads(run("summarize", str(d), "--format", "json").output)
    assert [(r["部门街镇"], r["总体情况/拖欠数量/数量总计"]) for r in summary["rows"]] == [
        ("石角镇", 5)
    ]


def test_a_tie_is_decided_by_the_clean_and_shorter_spelling(tmp_path: Path) -> None:
    d = tmp_path / "in"
    d.mkdir()
    write_annex2(d / "a.xlsx", [case("古南街道办事处", 1)])
    write_annex2(d / "b.xlsx", [case("古 南 街 道", 2)])  # spaced: never the name
    write_annex2(d / "c.xlsx", [case("古南街道", 3)])
    for _ in range(2):  # the same answer every time, whatever the order of reading
        report, ledgers = validate_paths([d], Options(), jobs=1)
        assert {u for lg in ledgers for u in lg.units()} == {"古南街道"}


def test_a_file_naming_two_units_is_one_warning(tmp_path: Path) -> None:
    p = write_annex2(
        tmp_path / "石角镇.xlsx", [case("石角镇", 1), case("永新镇", 2), case("石角镇", 3)]
    )
    data = json.loads(run("validate", str(p), "--format", "json", "--lang", "en").output)
    (hit,) = findings(data, "mixed-units")
    assert hit[1]["severity"] == "warning" and hit[1]["row"] is None
    assert "2 different units (石角镇 ×2、永新镇 ×1)" in hit[1]["message"]


def test_a_merged_city_workbook_names_many_units_without_warning(tmp_path: Path) -> None:
    d = tmp_path / "in"
    d.mkdir()
    write_annex2(d / "a.xlsx", [case("石角镇", 1)])
    write_annex2(d / "b.xlsx", [case("永新镇", 2)])
    city = tmp_path / "city.xlsx"
    assert run("merge", str(d), "-o", str(city)).exit_code == 0
    data = json.loads(run("validate", str(city), "--format", "json").output)
    assert findings(data, "mixed-units") == []


def test_wuhan_units_from_the_reporting_line_fold_too(tmp_path: Path) -> None:
    """Wuhan ledgers name their unit once, in 填报单位 above the header: spellings of it fold
    like any other, and the notice points at no data row."""
    from test_summary_cli import write_wuhan

    d = tmp_path / "in"
    d.mkdir()
    one = [{"owed": 5, "nature": "机关", "progress": "正在沟通办理"}]
    write_wuhan(d / "a.xlsx", "江岸区减负办", one)
    write_wuhan(d / "b.xlsx", "江岸区减负办", [{**one[0], "owed": 6}])
    write_wuhan(d / "c.xlsx", "江岸区 减负办", [{**one[0], "owed": 7}])
    data = json.loads(run("validate", str(d), "--format", "json").output)
    assert [(n, x["value"], x["row"], x["header"]) for n, x in findings(data, "unit-renamed")] == [
        ("c.xlsx", "江岸区 减负办", None, "填报单位")
    ]
    summary = json.loads(run("summarize", str(d), "--format", "json").stdout)
    assert [(r["填报单位"], r["合计/数量"]) for r in summary["rows"]] == [("江岸区减负办", 3)]


# --- a blank unit under 填报单位 ---------------------------------------------------------------


def test_blank_unit_takes_the_declared_unit_with_one_notice(tmp_path: Path) -> None:
    rows = [case(None, n) for n in range(1, 11)]
    p = write_annex2(tmp_path / "横山镇.xlsx", rows, above=[["填报单位：横山镇"]])
    data = json.loads(run("validate", str(p), "--format", "json", "--lang", "en").output)
    (f,) = data["files"]
    assert [x["rule"] for x in f["findings"] if x["severity"] != "notice"] == []
    (hit,) = findings(data, "unit-from-metadata")
    assert (hit[1]["row"], hit[1]["column"], hit[1]["header"]) == (4, "D", "街镇部门")
    assert "blank on 10 row(s): counted as '横山镇'" in hit[1]["message"]
    summary = json.loads(run("summarize", str(p), "--format", "json").output)
    assert [r["部门街镇"] for r in summary["rows"]] == ["横山镇"]
    # With a roster, the roster's name of that unit.
    roster = tmp_path / "roster.txt"
    roster.write_text("横山镇人民政府\n", encoding="utf-8")
    summary = json.loads(
        run("summarize", str(p), "--units", str(roster), "--format", "json").output
    )
    assert [r["部门街镇"] for r in summary["rows"]] == ["横山镇人民政府"]
    assert summary["not_reported"] == []


def test_merge_writes_the_declared_unit_into_blank_cells(tmp_path: Path) -> None:
    d = tmp_path / "in"
    d.mkdir()
    write_annex2(d / "横山镇.xlsx", [case(None, 1), case(None, 2)], above=[["填报单位：横山镇"]])
    city = tmp_path / "city.xlsx"
    assert run("merge", str(d), "-o", str(city)).exit_code == 0
    detail = openpyxl.load_workbook(city)["明细"]
    j = [c.value for c in detail[1]].index("街镇部门")
    assert [r[j] for r in detail.iter_rows(min_row=2, values_only=True)] == ["横山镇", "横山镇"]
    folder = json.loads(run("summarize", str(d), "--format", "json").stdout)
    again = json.loads(run("summarize", str(city), "--format", "json").stdout)
    assert again["rows"] == folder["rows"] and folder["rows"][0]["部门街镇"] == "横山镇"


def test_blank_unit_without_a_declared_unit_stays_an_error(tmp_path: Path) -> None:
    p = write_annex2(tmp_path / "x.xlsx", [case(None, 1), case(None, 2)])
    data = json.loads(run("validate", str(p), "--format", "json").output)
    assert [x["row"] for _, x in findings(data, "required")] == [3, 4]
    assert findings(data, "unit-from-metadata") == []


# --- the roster ----------------------------------------------------------------------------


def test_roster_as_text_list(tmp_path: Path) -> None:
    p = tmp_path / "名单.txt"
    text = "綦江区街镇部门名单\n# 第一批\n1. 古南街道\n2、文龙街道\n\n 石角镇人民政府 \n古南街道办事处\n"
    p.write_bytes(text.encode("gb18030"))
    assert read_roster(p).names == ["古南街道", "文龙街道", "石角镇人民政府"]


def test_roster_as_csv_and_xlsx_lists(tmp_path: Path) -> None:
    csv = tmp_path / "units.csv"
    csv.write_text("序号,单位名称\n1,古南街道\n2,永新镇\n", encoding="utf-8-sig")
    assert read_roster(csv).names == ["古南街道", "永新镇"]
    xlsx = tmp_path / "units.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in (["街镇部门名单"], ["序号", "单位"], [1, "三江街道"], [2, "区教委"]):
        ws.append(row)
    wb.save(xlsx)
    assert read_roster(xlsx).names == ["三江街道", "区教委"]


def test_roster_of_annex1_forms(tmp_path: Path) -> None:
    """A merged annex-1 roster workbook, and a folder of annex-1 forms (a ledger in it is
    passed over): the 区县 field is the unit."""
    merged = write_roster(tmp_path / "roster.xlsx", [GUNAN_ROW, WENLONG_ROW])
    assert read_roster(merged).names == ["古南街道", "文龙街道"]
    folder = tmp_path / "forms"
    folder.mkdir()
    for unit in ("文龙街道", "横山镇"):
        realinbox.gen.write_annex1(
            folder / f"附件1-{unit}.xlsx",
            unit,
            f"{unit}经济发展办公室",
            ("陈志强", "副主任", "13983056218"),
            ("刘婷", "主任", "023-48661532"),
        )
    write_annex2(folder / "附件2-文龙街道.xlsx", [case("文龙街道", 1)])
    assert read_roster(folder).names == ["文龙街道", "横山镇"]


@pytest.mark.parametrize("command", ["validate", "merge", "summarize", "diff", "overdue"])
def test_an_unreadable_roster_stops_every_command(tmp_path: Path, command: str) -> None:
    p = write_annex2(tmp_path / "a.xlsx", [case("古南街道", 1)])
    bad = tmp_path / "名单.xlsx"
    bad.write_bytes(b"%PDF-1.4 not a roster")
    args = {
        "validate": [str(p)],
        "merge": [str(p), "-o", str(tmp_path / "city.xlsx")],
        "summarize": [str(p)],
        "diff": [str(p), str(p)],
        "overdue": [str(p)],
    }[command]
    r = CliRunner().invoke(cli, [command, *args, "--units", str(bad), "--lang", "en"])
    assert r.exit_code == 2, r.output
    assert f"the roster of units {bad} cannot be read: " in r.output
    assert "PDF" in r.output
    assert not (tmp_path / "city.xlsx").exists()
    empty = tmp_path / "empty.txt"
    empty.write_text("\n# nothing\n", encoding="utf-8")
    r = CliRunner().invoke(cli, [command, *args, "--units", str(empty), "--lang", "zh"])
    assert r.exit_code == 2 and f"单位名单 {empty} 无法读取：没有找到单位名称" in r.output


def test_a_ledger_is_no_roster(tmp_path: Path) -> None:
    p = write_annex2(tmp_path / "附件2.xlsx", [case("古南街道", 1)])
    with pytest.raises(RosterUnreadable) as info:
        read_roster(p)
    assert info.value.render("en").endswith("it is a cq-annex2 ledger, not a roster of units")


@pytest.mark.parametrize(
    ("label", "unit"),
    [
        ("填报单位：横山镇", "横山镇"),
        ("填报单位（盖章）：横山镇人民政府（盖章）", "横山镇人民政府"),
    ],
)
def test_the_declared_unit_may_carry_a_seal(tmp_path: Path, label: str, unit: str) -> None:
    p = write_annex2(tmp_path / "x.xlsx", [case(None, 1)], above=[[label]])
    report, ledgers = validate_paths([p], Options())
    assert ledgers[0].units() == [unit]


def test_missing_roster_is_named(tmp_path: Path) -> None:
    with pytest.raises(RosterUnreadable) as info:
        read_roster(tmp_path / "nope.txt")
    assert str(tmp_path / "nope.txt") in info.value.render("en")


# --- 未报送 with a roster --------------------------------------------------------------------


@pytest.fixture
def inbox(tmp_path: Path) -> tuple[Path, Path]:
    """Three units of a four-unit roster send ledgers (one in other spellings); 永新镇 sends
    nothing; 文龙街道 sends an empty form (it reported: no cases)."""
    d = tmp_path / "inbox"
    d.mkdir()
    write_annex2(d / "附件2-古南街道.xlsx", [case("古南街道", 1), case("古南街道", 2)])
    write_annex2(d / "附件2-石角镇.xlsx", [case("石角镇", 3), case("石角镇人民政府", 4)])
    write_annex2(d / "附件2-文龙街道.xlsx", [])
    roster = tmp_path / "名单.txt"
    roster.write_text("古南街道办事处\n永新镇\n石角镇\n文龙街道\n", encoding="utf-8")
    return d, roster


def test_not_reported_in_validate_and_summarize(inbox: tuple[Path, Path]) -> None:
    d, roster = inbox
    data = json.loads(run("validate", str(d), "--units", str(roster), "--format", "json").output)
    assert data["not_reported"] == ["永新镇"]
    renamed = [(n, x["value"]) for n, x in findings(data, "unit-renamed")]
    assert renamed == [("附件2-古南街道.xlsx", "古南街道"), ("附件2-石角镇.xlsx", "石角镇人民政府")]
    assert findings(data, "unit-not-in-roster") == []
    r = run("summarize", str(d), "--units", str(roster), "--format", "json")
    assert r.exit_code == 0  # the figures are those of what was sent
    summary = json.loads(r.stdout)
    assert summary["not_reported"] == ["永新镇"]
    assert [(x["部门街镇"], x["总体情况/拖欠数量/数量总计"]) for x in summary["rows"]] == [
        ("古南街道办事处", 2),
        ("石角镇", 2),
    ]
    table = run("summarize", str(d), "--units", str(roster), "--lang", "en", "-o", "/dev/null")
    assert "not reported: 1 unit(s) of the roster sent nothing: 永新镇" in table.output


def test_a_unit_not_on_the_roster_is_a_warning_naming_the_closest(tmp_path: Path) -> None:
    p = write_annex2(tmp_path / "a.xlsx", [case("石脚镇", 1)])
    roster = tmp_path / "r.txt"
    roster.write_text("石角镇\n", encoding="utf-8")
    r = run("validate", str(p), "--units", str(roster), "--format", "json", "--lang", "en")
    data = json.loads(r.output)
    (hit,) = findings(data, "unit-not-in-roster")
    assert hit[1]["severity"] == "warning" and hit[1]["value"] == "石脚镇"
    assert "not on the roster r.txt (closest there: 石角镇)" in hit[1]["message"]
    assert data["not_reported"] == ["石角镇"]


def test_merge_writes_canonical_names_and_names_who_did_not_report(
    inbox: tuple[Path, Path], tmp_path: Path
) -> None:
    d, roster = inbox
    city = tmp_path / "city.xlsx"
    r = run("merge", str(d), "-o", str(city), "--units", str(roster), "--format", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["not_reported"] == ["永新镇"]
    units = {Path(f["path"]).name: f["unit"] for f in data["files"]}
    assert units == {
        "附件2-古南街道.xlsx": "古南街道办事处",
        "附件2-石角镇.xlsx": "石角镇",
        "附件2-文龙街道.xlsx": None,
    }
    wb = openpyxl.load_workbook(city)
    detail = wb["明细"]
    header = [c.value for c in detail[1]]
    j = header.index("街镇部门")
    assert [row[j] for row in detail.iter_rows(min_row=2, values_only=True)] == [
        "古南街道办事处",
        "古南街道办事处",
        "石角镇",
        "石角镇",
    ]
    problems = [
        (row[0], row[2], row[5], row[7])
        for row in wb["问题"].iter_rows(min_row=2, values_only=True)
        if row[7] == "unit-renamed"
    ]
    assert [(Path(p).name, r, v, rule) for p, r, v, rule in problems] == [
        ("附件2-古南街道.xlsx", 3, "古南街道", "unit-renamed"),
        ("附件2-石角镇.xlsx", 4, "石角镇人民政府", "unit-renamed"),
    ]
    sources = list(wb["来源"].iter_rows(values_only=True))
    assert sources[-1][2:6] == ("未报送", None, None, "永新镇")
    # The city workbook read back gives the figures of the folder, with or without the roster.
    folder = json.loads(run("summarize", str(d), "--units", str(roster), "--format", "json").stdout)
    again = json.loads(run("summarize", str(city), "--format", "json").stdout)
    assert again["rows"] == folder["rows"] and again["total"] == folder["total"]


# --- 未报送 in diff ----------------------------------------------------------------------------


def _week(folder: Path, files: dict[str, list[dict[str, Any]]], above: Any = None) -> Path:
    folder.mkdir()
    for name, rows in files.items():
        write_annex2(folder / name, rows, above=above.get(name) if above else None)
    return folder


def test_diff_names_a_silent_unit_once_and_keeps_the_real_vanished_case(tmp_path: Path) -> None:
    """Last week's units are the roster: 永新镇 sends nothing (one 未报送 fact, its 3 cases under
    its line), 古南街道 drops one case (the one vanished case); 石角镇 changes its spelling only."""
    old = _week(
        tmp_path / "w1",
        {
            "古南.xlsx": [case("古南街道", 1, 5), case("古南街道", 2, 6)],
            "永新.xlsx": [case("永新镇", 3, 7), case("永新镇", 4, 8), case("永新镇", 5, 9)],
            "石角.xlsx": [case("石角镇人民政府", 6, 1)],
        },
    )
    new = _week(
        tmp_path / "w2",
        {"古南.xlsx": [case("古南街道", 1, 5)], "石角.xlsx": [case("石角镇", 6, 1)]},
    )
    r = run("diff", str(old), str(new), "--format", "json")
    assert r.exit_code == 1
    data = json.loads(r.output)
    assert data["not_reported"] == ["永新镇"]
    assert [(c["unit"], c["old"]["contract"]) for c in data["changes"]["vanished"]] == [
        ("古南街道", "合同2")
    ]
    assert data["changes"]["changed"] == []  # 石角镇人民政府 → 石角镇 is one unit
    first = data["units"][0]
    assert (first["unit"], first["not_reported"], first["vanished"]) == ("永新镇", True, 0)
    assert (first["not_reported_cases"], first["not_reported_owed"]) == (3, "24")
    totals = data["totals"]
    assert (totals["not_reported"], totals["not_reported_cases"], totals["vanished"]) == (1, 3, 1)
    assert (totals["vanished_amount"], totals["not_reported_owed"]) == ("6", "24")
    text = run("diff", str(old), str(new), "--lang", "en")
    assert "1 unit(s) NOT REPORTED" in text.output
    assert "永新镇: 3 case(s) last week, owed 24.0000 万元" in text.output
    assert "1 VANISHED case(s): owed 6.0000 万元" in text.output
    assert (
        run("diff", str(old), str(new), "--lang", "zh", "-o", str(tmp_path / "c.xlsx")).exit_code
        == 1
    )
    wb = openpyxl.load_workbook(tmp_path / "c.xlsx")
    assert list(wb["未报送"].iter_rows(values_only=True)) == [
        ("街镇部门", "未报送（上周件数）", "未报送（上周拖欠金额）", "未报送（上周剩余金额）"),
        ("永新镇", 3, 24, 24),
    ]
    assert wb["消失案件"].max_row == 2  # the header and the one case


def test_diff_a_unit_that_sent_an_empty_form_reported(tmp_path: Path) -> None:
    """An empty form under 填报单位：永新镇 is a report of no cases: its cases vanished."""
    old = _week(tmp_path / "w1", {"a.xlsx": [case("永新镇", 1), case("永新镇", 2)]})
    new = _week(tmp_path / "w2", {"a.xlsx": []}, above={"a.xlsx": [["填报单位：永新镇"]]})
    d = diff_paths([old], [new], Options())
    assert d.not_reported == []
    assert [c.case.get("contract") for c in d.of("vanished")] == ["合同1", "合同2"]


def test_diff_with_a_roster_names_units_without_cases_too(tmp_path: Path) -> None:
    old = _week(tmp_path / "w1", {"a.xlsx": [case("古南街道", 1)], "b.xlsx": [case("永新镇", 2)]})
    new = _week(tmp_path / "w2", {"a.xlsx": [case("古南街道", 1)]})
    roster = tmp_path / "r.txt"
    roster.write_text("三江街道\n古南街道\n", encoding="utf-8")
    d = diff_paths([old], [new], Options(units=roster))
    assert d.not_reported == ["三江街道", "永新镇"]  # the roster's, then last week's
    assert d.units["三江街道"].not_reported_cases == 0
    assert d.units["永新镇"].not_reported_owed == Decimal("10")
    assert d.alarming and d.of("vanished") == []


def test_real_inbox_week_two(tmp_path: Path) -> None:
    """The two-week inbox of issue 12 (without the byte-identical copy, counted once by its own
    feature): 永新镇 is one 未报送 fact and the one vanished case is 古南街道's."""
    truth = realinbox.build(tmp_path)
    (truth.week1.folder / "附件2-区教委(1).xlsx").unlink()
    d = diff_paths([truth.week1.folder], [truth.week2.folder], Options())
    assert d.not_reported == truth.not_reported == ["永新镇"]
    assert [c.case.get("contract") for c in d.of("vanished")] == [truth.vanished["合同名称"]]
    assert d.units["永新镇"].not_reported_cases == realinbox.PLAIN_UNITS["永新镇"]
    report, ledgers = validate_paths([truth.week1.folder], Options())
    shijiao = next(fr for fr in report.files if fr.path.endswith("附件2-石角镇.xlsx"))
    assert [(f.rule, f.value, f.params["rows"]) for f in shijiao.findings] == [
        ("unit-renamed", "石角镇人民政府", realinbox.SHIJIAO[1])
    ]
    hengshan = next(fr for fr in report.files if fr.path.endswith("附件2-横山镇.xlsx"))
    assert [(f.rule, f.params.get("rows")) for f in hengshan.findings] == [
        ("unit-from-metadata", realinbox.HENGSHAN_ROWS)
    ]
    units = {u for lg in ledgers for u in lg.units()}
    assert {"石角镇", "横山镇"} <= units and "石角镇人民政府" not in units and None not in units
    roster = tmp_path / "roster.txt"
    roster.write_text("\n".join(realinbox.ROSTER), encoding="utf-8")
    report, _ = validate_paths([truth.week2.folder], Options(units=roster))
    assert report.not_reported == ["永新镇"]


# --- summarize --check -----------------------------------------------------------------------


@pytest.fixture
def district(tmp_path: Path) -> tuple[Path, Path]:
    """The city's detail rows (甲街道, 乙街道, 丙镇) and one district's own annex 4, naming only
    its two units, with its 合计 the sum of those two."""
    from test_summary import rows_bing, rows_jia, rows_yi

    city = tmp_path / "city"
    city.mkdir()
    own = tmp_path / "own"
    own.mkdir()
    for name, rows in (("jia", rows_jia()), ("yi", rows_yi())):
        write_annex2(city / f"{name}.xlsx", rows)
        write_annex2(own / f"{name}.xlsx", rows)
    write_annex2(city / "bing.xlsx", rows_bing())
    reported = tmp_path / "reported.xlsx"
    assert run("summarize", str(own), "--annex", "4", "-o", str(reported)).exit_code == 0
    return city, reported


def check(city: Path, reported: Path) -> tuple[int, dict[str, Any]]:
    args = ["summarize", str(city), "--annex", "4", "--check", str(reported), "--format", "json"]
    r = CliRunner().invoke(cli, args)
    return r.exit_code, json.loads(r.stdout)["check"]


def test_check_compares_only_the_units_the_table_names(district: tuple[Path, Path]) -> None:
    city, reported = district
    code, result = check(city, reported)
    assert (code, result["differences"], result["not_compared"]) == (0, [], ["丙镇"])
    text = run("summarize", str(city), "--annex", "4", "--check", str(reported), "--lang", "en")
    assert "1 unit(s) of the detail rows are not in the reported table" in text.output
    assert "agrees" in text.output and "(2 row(s))" in text.output
    # Its 合计 is held to the sum of its units: one more case in it is a difference.
    wb = openpyxl.load_workbook(reported)
    ws = wb["附件4"]
    assert [ws.cell(r, 2).value for r in (7, 8)] == ["乙街道", "甲街道"]
    assert ws["A9"].value == "合计"
    cases = ws["C9"].value
    ws["C9"] = cases + 1
    wb.save(reported)
    code, result = check(city, reported)
    assert code == 1
    assert [
        (d["unit"], d["column"], d["computed"], d["against"]) for d in result["differences"]
    ] == [
        ("合计", "总体情况/拖欠数量/数量总计", str(cases), "detail"),
        ("合计", "总体情况/拖欠数量/数量总计", str(cases), "rows"),
    ]


def test_check_matches_unit_names_as_units_fold(district: tuple[Path, Path]) -> None:
    city, reported = district
    wb = openpyxl.load_workbook(reported)
    wb["附件4"]["B8"] = "甲街道办事处"
    wb["附件4"]["B7"] = "乙 街 道"
    wb.save(reported)
    assert check(city, reported)[1]["differences"] == []


def test_check_reads_a_rate_as_the_clerk_sees_it(district: tuple[Path, Path]) -> None:
    """0.6668 in a plain 0.00 cell under 清偿率（%） reads 0.67: a difference, not 66.68 guessed;
    in a 0.00% cell it reads 66.68%; the text 66.68% is 66.68."""
    city, reported = district
    wb = openpyxl.load_workbook(reported)
    ws = wb["附件4"]
    rate = ws["J8"].value  # 甲街道
    assert ws["J8"].number_format == "0.00" and rate > 1
    fraction = float(Decimal(str(rate)) / 100)
    ws["J8"] = fraction
    wb.save(reported)
    code, result = check(city, reported)
    assert code == 1
    assert [(d["unit"], d["reported"], d["computed"], d["row"]) for d in result["differences"]] == [
        ("甲街道", fraction, f"{Decimal(str(rate)):.2f}", 8)
    ]
    ws["J8"].number_format = "0.00%"
    wb.save(reported)
    assert check(city, reported) == (
        0,
        {"path": str(reported), "differences": [], "not_compared": ["丙镇"]},
    )
    ws["J8"] = f"{rate}%"
    ws["J8"].number_format = "@"
    wb.save(reported)
    assert check(city, reported)[1]["differences"] == []
