"""Two weeks of a real city inbox, every trap at once (issue 12): the annex figures, merged row
counts and week-over-week changes must equal the ground truth `realinbox` computes from SPEC.md
without ledgercli."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import realinbox
from ledgercli.cli import cli


@pytest.fixture(scope="module")
def inbox(tmp_path_factory: pytest.TempPathFactory) -> realinbox.Truth:
    return realinbox.build(tmp_path_factory.mktemp("inbox"))


def run_json(*args: str) -> tuple[int, dict[str, Any]]:
    r = CliRunner().invoke(cli, [*args, "--format", "json", "--lang", "zh"])
    assert r.exit_code in (0, 1), r.output
    return r.exit_code, json.loads(r.stdout)


def rows_by_unit(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    unit_col = data["columns"][1] if data["form"] == "cq-annex4" else data["columns"][0]
    out = {str(r[unit_col]): r for r in data["rows"]}
    out["合计"] = data["total"]
    return out


def assert_figures(data: dict[str, Any], expected: dict[str, dict[str, Any]]) -> None:
    got = rows_by_unit(data)
    assert sorted(got) == sorted(expected)
    for unit, figures in expected.items():
        wrong = {
            k: (v, got[unit].get(k)) for k, v in figures.items() if str(got[unit].get(k)) != str(v)
        }
        assert not wrong, f"{unit}: (expected, computed) {wrong}"


@pytest.mark.parametrize("annex", [3, 4])
@pytest.mark.parametrize("week", ["week1", "week2"])
def test_annex_figures_of_the_inbox_equal_the_truth(
    inbox: realinbox.Truth, week: str, annex: int
) -> None:
    """Every unit's row and the 合计 of annex 3 and 4, straight from the inbox folder: 元
    converted, the copy counted once, both sheets of 赶水镇, 石角镇 under one name, 横山镇 from
    its 填报单位, the contact form and the district's own annex set aside."""
    truth: realinbox.Week = getattr(inbox, week)
    _, data = run_json("summarize", str(truth.folder), "--annex", str(annex))
    assert_figures(data, realinbox.annex_figures(truth.counted(), annex))


@pytest.mark.parametrize("annex", [3, 4])
def test_the_city_workbook_gives_the_same_figures(
    inbox: realinbox.Truth, tmp_path: Path, annex: int
) -> None:
    """Merged first, then summarized: the city workbook keeps 万元, canonical names and what
    the folder counted, so its annexes are the folder's to the 0.0001."""
    city = tmp_path / "city.xlsx"
    _, merged = run_json("merge", str(inbox.week1.folder), "-o", str(city))
    _, data = run_json("summarize", str(city), "--annex", str(annex))
    assert_figures(data, realinbox.annex_figures(inbox.week1.counted(), annex))


def test_merge_accounts_for_every_sheet_and_row(inbox: realinbox.Truth, tmp_path: Path) -> None:
    """117 cases on 9 sheets of 8 ledgers; the copy and the contact form are skipped, each
    with its reason, and nothing else is left out."""
    _, data = run_json("merge", str(inbox.week1.folder), "-o", str(tmp_path / "city.xlsx"))
    totals = data["totals"]
    assert totals["rows_read"] == len(inbox.week1.cases) == 117
    assert totals["rows_written"] == 117 and totals["rows_left_out"] == 0
    assert totals["sheets_read"] == 9
    assert data["conserved"] is True
    skipped = {Path(f["path"]).name: f["skip_reason"] for f in data["files"] if f["skip_reason"]}
    assert skipped == {
        "附件2-区教委(1).xlsx": "copy",
        "附件1-古南街道-联络表.xlsx": "contact-form",
    }


def test_week_over_week_names_the_silent_unit_once(inbox: realinbox.Truth) -> None:
    """永新镇 sent nothing: one 未报送 fact, its 26 cases not listed as vanished; the one real
    vanished case and the one new case of 古南街道 are found; last week's copy of 区教委 makes
    nothing vanish."""
    code, data = run_json("diff", str(inbox.week1.folder), str(inbox.week2.folder))
    assert code == 1
    assert data["not_reported"] == ["永新镇"]
    vanished = [c["old"]["contract"] for c in data["changes"]["vanished"]]
    assert vanished == [inbox.vanished["合同名称"]]
    new = [c["new"]["contract"] for c in data["changes"]["new"]]
    assert new == [inbox.new["合同名称"]]
    silent = next(u for u in data["units"] if u["unit"] == "永新镇")
    assert silent["not_reported"] is True
    assert silent["not_reported_cases"] == realinbox.PLAIN_UNITS["永新镇"]
    assert all(c["unit"] != "区教委" for k in data["changes"] for c in data["changes"][k])


def test_every_doubt_is_stated_on_the_summary(inbox: realinbox.Truth) -> None:
    """The converted 元 file and the one suspect row are said, with their amounts; the copy
    and the contact form are listed as set aside."""
    _, data = run_json("summarize", str(inbox.week1.folder), "--annex", "4")
    warnings = {w["code"]: w for w in data["warnings"]}
    converted = warnings["summary-amount-converted"]
    assert converted["files"] == "附件2-打通镇（元）.xlsx"
    assert converted["rows"] == realinbox.DATONG_ROWS
    datong = realinbox.annex_figures(inbox.week1.counted(), 4)["打通镇"]
    assert converted["amount"] == datong["总体情况/涉及金额/拖欠总金额"]
    suspect = warnings["summary-suspect-yuan"]
    assert suspect["rows"] == 1 and suspect["files"] == "附件2-文龙街道.xlsx"
    owed = next(s for s in suspect["shares"] if s["name"] == "拖欠总金额")
    assert owed["amount"] == f"{inbox.suspect_week1['拖欠金额']:.4f}"
    skipped = data["skipped"]
    assert [Path(p).name for p in skipped["copies"]] == ["附件2-区教委(1).xlsx"]
    assert [Path(p).name for p in skipped["contact_forms"]] == ["附件1-古南街道-联络表.xlsx"]


def test_a_districts_own_annex_is_checked_for_its_unit_only(
    inbox: realinbox.Truth, tmp_path: Path
) -> None:
    """古南街道's own annex 4 names itself 古南街道办事处, writes its 清偿率 as a fraction in a
    plain cell and counts one 自行排查 case too many: exactly those cells differ, and the other
    units of the city are not compared, not reported missing."""
    import openpyxl

    own = tmp_path / "own.xlsx"
    gunan = inbox.week1.folder / "附件2-古南街道.xlsx"
    CliRunner().invoke(cli, ["summarize", str(gunan), "--annex", "4", "-o", str(own)])
    wb = openpyxl.load_workbook(own)
    ws = wb.active
    assert ws["B7"].value == "古南街道" and ws["A8"].value == "合计"
    rate = ws["J7"].value
    ws["B7"] = "古南街道办事处"
    ws["J7"] = float(rate) / 100  # 0.7012 in a 0.00 cell, not a percent cell
    ws["D7"] = ws["D7"].value + 1
    ws["D8"] = ws["D8"].value + 1
    reported = tmp_path / "reported.xlsx"
    wb.save(reported)
    code, data = run_json(
        "summarize", str(inbox.week1.folder), "--annex", "4", "--check", str(reported)
    )
    assert code == 1
    found = {(d["unit"], d["column"]) for d in data["check"]["differences"]}
    assert found == {
        ("古南街道", "总体情况/拖欠数量/其中/自行排查"),
        ("古南街道", "总体情况/涉及金额/清偿率（%）"),
        ("合计", "总体情况/拖欠数量/其中/自行排查"),
    }
    others = set(realinbox.ROSTER) - {"古南街道"}
    assert set(data["check"]["not_compared"]) == others


def test_the_demos_yuan_sample_is_converted_to_its_truth() -> None:
    """sample_data/traps holds 打通镇 filled in 元: summarized, it is its generator's 万元
    figures exactly, with one warning for the file."""
    traps = Path(__file__).parent.parent / "sample_data" / "traps"
    rows = realinbox.gen.annex2_rows(
        realinbox.random.Random(f"{realinbox.gen.SEED}:{realinbox.gen.YUAN_UNIT}"),
        realinbox.gen.YUAN_UNIT,
        10,
    )
    _, data = run_json("summarize", str(traps), "--annex", "4")
    assert_figures(data, realinbox.annex_figures(rows, 4))
    assert [w["code"] for w in data["warnings"]] == ["summary-amount-converted"]
