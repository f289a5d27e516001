"""`ledger week`: two weeks of a real inbox end to end, OUTDIR ownership, the one screen, the
one-page report in a real browser."""

from __future__ import annotations

import json
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner, Result
from rich.console import Console

import realinbox
from helpers import annex2_row, needs_program, write_annex2, write_wuhan
from ledgercli.cli import cli
from ledgercli.compare.diff import Case, load_side
from ledgercli.compare.overdue import overdue_paths
from ledgercli.model.errors import LedgerError
from ledgercli.model.options import Options
from ledgercli.week import cycle
from ledgercli.week import outdir as od
from ledgercli.week.report import WeekReport

AS_OF = "2022-11"
# A unit new in week 2 whose file goes back: one row with a broken credit code, and the
# contact lines above the header the index of returns must carry.
RETURNED_UNIT = "三江街道"
RETURNED_FILE = "附件2-三江街道.xlsx"
CONTACT = ("王芳", "13983056219")


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def _returned_file(folder: Path) -> list[dict[str, Any]]:
    good = annex2_row(街镇部门=RETURNED_UNIT, 合同名称="三江污水管网工程", 拖欠金额=20, 剩余金额=20)
    bad = annex2_row(
        序号=2,
        街镇部门=RETURNED_UNIT,
        合同名称="三江道路硬化工程",
        债务人统一社会信用代码="11500222MB123456X",
        拖欠金额=30,
        剩余金额=30,
    )
    write_annex2(
        folder / RETURNED_FILE,
        [good, bad],
        above=[[f"联系人：{CONTACT[0]}", None, f"联系电话：{CONTACT[1]}"]],
    )
    as_truth = []
    for row in (good, bad):
        case = dict(row)
        for key in realinbox.AMOUNTS:
            if case.get(key) is not None:
                case[key] = Decimal(str(case[key]))
        as_truth.append(case)
    return as_truth


@pytest.fixture(scope="module")
def weeks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Week 1 and week 2 of the real inbox (week 2 with a file that goes back), each run
    through `ledger week` once; week 2 compares with week 1's OUTDIR."""
    root = tmp_path_factory.mktemp("week")
    truth = realinbox.build(root / "inbox")
    extra = _returned_file(truth.week2.folder)
    out1, out2 = root / "out" / "w1", root / "out" / "w2"
    r1 = run("week", str(truth.week1.folder), "-o", str(out1), "--form", "cq-annex2",
             "--as-of", AS_OF, "--format", "json", "--lang", "zh")  # fmt: skip
    r2 = run("week", str(truth.week2.folder), "-o", str(out2), "--last", str(out1),
             "--as-of", AS_OF, "--format", "json", "--lang", "zh")  # fmt: skip
    return {
        "truth": truth,
        "extra": extra,
        "out1": out1,
        "out2": out2,
        "r1": r1,
        "r2": r2,
        "j1": json.loads(r1.stdout),
        "j2": json.loads(r2.stdout),
    }


def _summarize(folder: Path, annex: str) -> dict[str, Any]:
    r = run("summarize", str(folder), "--annex", annex, "--form", "cq-annex2", "--format", "json")
    assert r.exit_code in (0, 1), r.output
    data: dict[str, Any] = json.loads(r.stdout)
    return data


def _unit_label(summarized: dict[str, Any]) -> str:
    total = summarized["total"]
    return next(k for k, v in total.items() if v == "合计")


def _annex_rows(path: Path, columns: list[str], unit: str) -> dict[str, list[Any]]:
    """unit → its row of the annex workbook as written, cells in the order of `columns`."""
    ws = openpyxl.load_workbook(path, data_only=True).active
    k = columns.index(unit)
    rows: dict[str, list[Any]] = {}
    for row in ws.iter_rows(values_only=True):
        cells = list(row)[: len(columns)]
        figures = any(isinstance(v, int | float) for v in cells[k + 1 :])
        if not figures:  # the title, the header, the notes (注1…) under the table
            continue
        if "合计" in cells[: k + 1]:  # the label spans 序号 and the unit
            rows["合计"] = cells
        elif isinstance(cells[k], str):
            rows[cells[k]] = cells
    return rows


# --- the two weeks --------------------------------------------------------------------------


def test_week_outputs_are_the_documented_files(weeks: dict[str, Any]) -> None:
    assert weeks["r1"].exit_code == 1 and weeks["r2"].exit_code == 1
    out2 = weeks["out2"]
    names = sorted(p.relative_to(out2).as_posix() for p in out2.rglob("*"))
    assert names == sorted(
        [
            od.MARKER,
            od.JSON,
            od.HTML,
            od.CITY,
            od.ANNEX3,
            od.ANNEX4,
            od.CHANGES,
            od.OVERDUE,
            od.INDEX,
            od.RETURNS,
            f"{od.RETURNS}/{RETURNED_FILE}",
        ]
    )
    marker = json.loads((out2 / od.MARKER).read_text(encoding="utf-8"))
    assert marker["tool"] == "ledger week" and set(marker["files"]) == set(names) - {od.MARKER}
    # week.json on disk is what --format json printed, and names every output's path.
    on_disk = json.loads((out2 / od.JSON).read_text(encoding="utf-8"))
    assert on_disk == weeks["j2"]
    outputs = weeks["j2"]["outputs"]
    assert outputs["json"] == str(out2 / od.JSON)
    assert outputs["marked_copies"] == [str(out2 / od.RETURNS / RETURNED_FILE)]
    for key in ("city", "annex3", "annex4", "changes", "overdue", "index", "html", "json"):
        assert Path(outputs[key]).is_file(), key
    assert outputs["wuhan"] is None
    # Without --last: no change workbook, and the JSON says so.
    assert weeks["j1"]["outputs"]["changes"] is None and weeks["j1"]["changes"] is None


@pytest.mark.parametrize("week", ["week1", "week2"])
def test_week_figures_equal_the_truth_and_summarize(weeks: dict[str, Any], week: str) -> None:
    """Annex 3 and 4 as written, the headline and 清偿率 by unit: equal to `summarize` of the
    same inbox and to the ground truth (SPEC.md arithmetic, every trap of issue 12 in it) for
    every unit and the 合计."""
    truth = weeks["truth"]
    cases = getattr(truth, week).counted() + (weeks["extra"] if week == "week2" else [])
    data = weeks["j1" if week == "week1" else "j2"]
    out = weeks["out1" if week == "week1" else "out2"]
    folder = getattr(truth, week).folder
    for annex, name in (("3", od.ANNEX3), ("4", od.ANNEX4)):
        expected = realinbox.annex_figures(cases, int(annex))
        summarized = _summarize(folder, annex)
        label = _unit_label(summarized)
        columns = summarized["columns"]
        by_unit = {r[label]: r for r in summarized["rows"]}
        written = _annex_rows(out / name, columns, label)
        assert set(written) == {*by_unit, "合计"}
        for unit, row in [*by_unit.items(), ("合计", summarized["total"])]:
            cells = written[unit]
            for j, column in enumerate(columns):
                if column == label or column == "序号":
                    continue
                want, got = row[column], cells[j]
                if want in (None, ""):
                    assert got in (None, ""), (unit, column)
                else:
                    assert Decimal(str(got)) == Decimal(str(want)), (annex, unit, column)
            for column, want in expected[unit].items():
                assert str(row[column]) == str(want), (annex, unit, column)
    annex4 = _summarize(folder, "4")
    total = annex4["total"]
    head = data["headline"]
    assert head["cases"] == total["总体情况/拖欠数量/数量总计"]
    assert head["owed"] == total["总体情况/涉及金额/拖欠总金额"]
    assert head["repaid"] == total["总体情况/涉及金额/清偿总金额"]
    assert head["rate"] == total["总体情况/涉及金额/清偿率（%）"]
    rates = {u["unit"]: u["rate"] for u in data["units"]}
    for row in annex4["rows"]:
        assert rates[row[_unit_label(annex4)]] == (row["总体情况/涉及金额/清偿率（%）"] or None)
    truth4 = realinbox.annex_figures(cases, 4)["合计"]
    assert head["cases"] == truth4["总体情况/拖欠数量/数量总计"]
    assert head["owed"] == truth4["总体情况/涉及金额/拖欠总金额"]
    assert head["repaid"] == truth4["总体情况/涉及金额/清偿总金额"]


def test_week_two_changes_not_reported_and_returns(weeks: dict[str, Any]) -> None:
    truth = weeks["truth"]
    j1, j2 = weeks["j1"], weeks["j2"]
    # Week 1 has no roster and no last week: nobody can be said not to have reported.
    assert j1["not_reported"] is None
    assert j2["not_reported"] == truth.not_reported == ["永新镇"]
    assert j2["alarms"]["not_reported"] == 1
    ch = j2["changes"]
    vanished = {c["old"]["contract"] for c in ch["vanished"]}
    assert truth.vanished["合同名称"] in vanished
    # 永新镇's 26 cases are one 未报送 fact, not 26 vanished cases.
    assert not any(c["unit"] == "永新镇" for c in ch["vanished"])
    assert ch["totals"]["not_reported_cases"] == realinbox.PLAIN_UNITS["永新镇"]
    assert vanished == {truth.vanished["合同名称"]}
    assert ch["totals"]["new"] == 1 + len(weeks["extra"])  # 古南街道's new case, 三江街道's two
    assert j2["change"]["cases"] == j2["headline"]["cases"] - j1["headline"]["cases"]
    assert Decimal(j2["change"]["owed"]) == Decimal(j2["headline"]["owed"]) - Decimal(
        j1["headline"]["owed"]
    )
    assert j2["last_week"] == j1["headline"]
    # The change workbook holds every change the JSON counts.
    wb = openpyxl.load_workbook(weeks["out2"] / od.CHANGES, read_only=True)
    assert wb["消失案件"].max_row - 1 == len(ch["vanished"])
    assert wb["倒退"].max_row - 1 == len(ch["regressions"])
    # The one file that goes back, with whom to call and why.
    assert [r["unit"] for r in j2["returned"]] == [RETURNED_UNIT]
    ret = j2["returned"][0]
    assert (ret["person"], ret["phone"]) == CONTACT and ret["errors"] == 1
    assert Path(ret["file"]).name == RETURNED_FILE and ret["problems"][0].startswith("附件2!F5 ")
    index = openpyxl.load_workbook(weeks["out2"] / od.INDEX).active
    rows = list(index.iter_rows(values_only=True))
    assert rows[1][:2] == (RETURNED_UNIT, ret["file"]) and rows[1][7:9] == CONTACT
    assert index["G2"].hyperlink.target == f"{od.RETURNS}/{RETURNED_FILE}"
    assert j1["returned"] == []


def test_week_overdue_is_the_overdue_command(weeks: dict[str, Any]) -> None:
    truth = weeks["truth"]
    expected = overdue_paths([truth.week2.folder], Options(), AS_OF)
    got = weeks["j2"]["overdue"]
    assert got["as_of"] == AS_OF and got["cases"] == expected.totals.cases > 0
    assert Decimal(got["amount"]) == expected.totals.amount
    wb = openpyxl.load_workbook(weeks["out2"] / od.OVERDUE, read_only=True)
    assert wb["逾期未偿还"].max_row - 1 == expected.totals.cases


def test_week_city_workbook_is_the_merge(weeks: dict[str, Any]) -> None:
    """The city workbook holds every row read, names 未报送 in its 来源 sheet, and summarizes
    to the week's annex 4."""
    out2 = weeks["out2"]
    r = run("merge", str(weeks["truth"].week2.folder), "-o", str(out2.parent / "m.xlsx"),
            "--format", "json")  # fmt: skip
    merged = json.loads(r.stdout)
    wb = openpyxl.load_workbook(out2 / od.CITY, read_only=True)
    alone = openpyxl.load_workbook(out2.parent / "m.xlsx", read_only=True)
    assert merged["totals"]["rows_written"] == weeks["j2"]["received"]["rows"]
    detail = [r for r in wb["明细"].iter_rows(values_only=True)]
    assert detail == [r for r in alone["明细"].iter_rows(values_only=True)]
    sources = [row for row in wb["来源"].iter_rows(values_only=True)]
    assert any(row[2] == "未报送" and row[5] == "永新镇" for row in sources)
    s = json.loads(run("summarize", str(out2 / od.CITY), "--format", "json").stdout)
    assert s["total"]["总体情况/涉及金额/拖欠总金额"] == weeks["j2"]["headline"]["owed"]


def test_week_page_holds_the_facts(weeks: dict[str, Any]) -> None:
    html = (weeks["out2"] / od.HTML).read_text(encoding="utf-8")
    head = weeks["j2"]["headline"]
    from ledgercli.model.numbers import grouped as money

    assert money(head["owed"]) in html and money(head["repaid"]) in html
    assert f"{head['rate']}" in html and "永新镇" in html and RETURNED_UNIT in html
    assert "<svg" in html and html.count("<rect") == len(weeks["j2"]["units"])
    # Self-contained: nothing fetched from anywhere.
    for needle in ("http://", "https://", "src=", "<link", "@import", "url("):
        assert needle not in html, needle


def test_doubtful_figures_are_said_at_the_headline(weeks: dict[str, Any], tmp_path: Path) -> None:
    """A suspect 元 row in the totals is said above the headline figures, not only in the
    notes at the foot of the page; a week without doubt has no such banner."""
    html = (weeks["out2"] / od.HTML).read_text(encoding="utf-8")
    suspect = next(c for c in weeks["j2"]["cautions"] if c["code"] == "summary-suspect-yuan")
    banner = html[html.index('<div class="doubt">') : html.index('<div class="cards">')]
    assert "存疑金额" in banner and suspect["message"] in banner
    inbox = _inbox(tmp_path)
    out = tmp_path / "clean"
    assert run("week", str(inbox), "-o", str(out), "--as-of", "2022-06").exit_code == 0
    assert 'class="doubt"' not in (out / od.HTML).read_text(encoding="utf-8")


# --- OUTDIR is the tool's own ---------------------------------------------------------------


def _inbox(tmp_path: Path) -> Path:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_annex2(inbox / "附件2-古南街道.xlsx", [annex2_row(剩余金额约定最迟偿还时间="2023-06")])
    return inbox


def test_outdir_refused_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inbox = _inbox(tmp_path)

    def no_reading(*a: Any, **k: Any) -> Any:
        raise AssertionError("read before OUTDIR was checked")

    monkeypatch.setattr(cycle, "merge_paths", no_reading)
    cases = {
        "week-outdir-in-inbox": (inbox / "周报", None),
        "week-outdir-not-folder": (inbox.parent / "a-file", None),
        "week-outdir-foreign": (tmp_path / "mine", None),
        "week-last-is-outdir": (tmp_path / "out", tmp_path / "out"),
    }
    (inbox.parent / "a-file").write_text("x")
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "工作记录.docx").write_text("the clerk's")
    (tmp_path / "out").mkdir()
    for code, (outdir, last) in cases.items():
        with pytest.raises(LedgerError) as exc:
            cycle.run_week(inbox, outdir, Options(), last=last)
        assert exc.value.code == code
    assert (tmp_path / "mine" / "工作记录.docx").read_text() == "the clerk's"
    r = run("week", str(inbox), "-o", str(tmp_path / "mine"), "--lang", "zh")
    assert r.exit_code == 2 and "工作记录.docx" in r.output


def test_rerun_replaces_own_outputs_and_never_touches_inbox(tmp_path: Path) -> None:
    inbox = _inbox(tmp_path)
    bad = annex2_row(街镇部门="文龙街道", 合同名称="二", 债权人联系电话="123")
    write_annex2(inbox / "附件2-文龙街道.xlsx", [bad])
    before = {p.name: p.read_bytes() for p in inbox.iterdir()}
    out = tmp_path / "out"
    r = run("week", str(inbox), "-o", str(out), "--as-of", "2022-06", "--format", "json")
    assert r.exit_code == 1 and json.loads(r.stdout)["returned"][0]["unit"] == "文龙街道"
    assert (out / od.RETURNS / "附件2-文龙街道.xlsx").exists()
    # The unit sends it again, fixed: the re-run replaces the folder whole.
    write_annex2(inbox / "附件2-文龙街道.xlsx", [{**bad, "债权人联系电话": "13812345678"}])
    before["附件2-文龙街道.xlsx"] = (inbox / "附件2-文龙街道.xlsx").read_bytes()
    r = run("week", str(inbox), "-o", str(out), "--as-of", "2022-06", "--format", "json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["returned"] == [] and not (out / od.RETURNS).exists()
    assert {p.name: p.read_bytes() for p in inbox.iterdir()} == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.ledger-")]
    # Something of the clerk's in it now: refused, and kept.
    (out / "笔记.txt").write_text("mine")
    r = run("week", str(inbox), "-o", str(out), "--as-of", "2022-06")
    assert r.exit_code == 2 and (out / "笔记.txt").read_text() == "mine"


def test_unreadable_submission_is_returned_and_exit_2(tmp_path: Path) -> None:
    inbox = _inbox(tmp_path)
    (inbox / "附件2-永新镇.xlsx").write_bytes(b"not a workbook")
    r = run("week", str(inbox), "-o", str(tmp_path / "out"), "--format", "json",
            "--as-of", "2022-06")  # fmt: skip
    data = json.loads(r.stdout)
    assert r.exit_code == 2 and data["exit_code"] == 2
    assert [(Path(x["file"]).name, x["unreadable"]) for x in data["returned"]] == [
        ("附件2-永新镇.xlsx", True)
    ]
    assert any(c["code"] == "unreadable" for c in data["cautions"])


def test_clean_week_exits_0_and_says_no_last(tmp_path: Path) -> None:
    inbox = _inbox(tmp_path)
    r = run("week", str(inbox), "-o", str(tmp_path / "out"), "--as-of", "2022-06",
            "--lang", "en")  # fmt: skip
    assert r.exit_code == 0, r.output
    assert r.output.count("no --last") == 1 and "nothing to act on" in r.output


@pytest.mark.parametrize("how", ["outdir", "workbook", "inbox"])
def test_last_week_three_ways(weeks: dict[str, Any], tmp_path: Path, how: str) -> None:
    """--last takes last week's OUTDIR, its city workbook or its inbox: the same changes."""
    truth = weeks["truth"]
    last = {
        "outdir": weeks["out1"],
        "workbook": weeks["out1"] / od.CITY,
        "inbox": truth.week1.folder,
    }[how]
    options = Options(form="cq-annex2")
    report = cycle.run_week(truth.week2.folder, tmp_path / how, options, last=last, as_of=AS_OF)
    want = weeks["j2"]["changes"]["totals"]
    assert report.changes is not None
    got = report.changes.totals
    for key in ("vanished", "new", "regressions", "repaid", "not_reported_cases"):
        assert got[key] == want[key], key
    assert report.not_reported == ["永新镇"]


def test_week_of_wuhan_ledgers(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_wuhan(inbox / "江岸区.xlsx")
    report = cycle.run_week(inbox, tmp_path / "out", Options(), as_of="2022-11")
    assert report.form == "wh-ledger" and report.outputs.wuhan is not None
    assert report.outputs.annex4 is None and report.overdue is None
    assert Path(report.outputs.wuhan).is_file() and report.headline.cases == 1


def test_cases_column_wise_equal_row_wise(weeks: dict[str, Any]) -> None:
    side = load_side([weeks["truth"].week2.folder], Options())
    for lg in side.ledgers:
        fast = Case.all_of(lg)
        for i, c in enumerate(fast):
            slow = Case(lg, i)
            got = (c.identity, c.unit, c.status, c.repaid, c.owed, c.remaining)
            assert got == (slow.identity, slow.unit, slow.status, slow.repaid, slow.owed,
                           slow.remaining)  # fmt: skip


# --- one screen, one page -------------------------------------------------------------------


def test_terminal_is_one_screen(weeks: dict[str, Any]) -> None:
    from ledgercli.ui.week import render as render_week

    report = WeekReport.model_validate(weeks["j2"])
    for lang in ("zh", "en"):
        console = Console(width=80, record=True, force_terminal=False)
        render_week(report, lang, console)
        text = console.export_text()
        lines = text.rstrip("\n").split("\n")
        assert len(lines) <= 40
        assert all(console_width(line) <= 80 for line in lines)
        assert "永新镇" in text and RETURNED_UNIT in text


def console_width(line: str) -> int:
    from rich.cells import cell_len

    return cell_len(line)


def test_page_escapes_submitted_text(tmp_path: Path) -> None:
    inbox = _inbox(tmp_path)
    write_annex2(
        inbox / "附件2-x.xlsx",
        [annex2_row(街镇部门="<script>alert(1)</script>镇", 合同名称="x", 债权人联系电话="1")],
    )
    cycle.run_week(inbox, tmp_path / "out", Options(), as_of="2022-06")
    html = (tmp_path / "out" / od.HTML).read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;" in html


@needs_program("chromium")
@needs_program("pdftotext")
def test_page_prints_on_one_a4_landscape_sheet(weeks: dict[str, Any], tmp_path: Path) -> None:
    """The report in a real browser: one page, A4 landscape, the headline figures on it."""
    from ledgercli.model.numbers import grouped as money

    page = weeks["out2"] / od.HTML
    pdf, png = tmp_path / "week.pdf", tmp_path / "week.png"
    browser = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"]
    browser.append("--disable-dev-shm-usage")  # containers give /dev/shm 64 MB
    subprocess.run(
        [*browser, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri()],
        check=True,
        capture_output=True,
        timeout=120,
    )
    subprocess.run(
        [*browser, "--window-size=1123,794", f"--screenshot={png}", page.as_uri()],
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert png.stat().st_size > 10_000
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert "Pages:          1" in info or "Pages:           1" in info, info
    size = next(line for line in info.splitlines() if line.startswith("Page size"))
    width, height = (float(x) for x in size.split()[2:5:2])
    assert width > height and abs(width - 841.9) < 2 and abs(height - 595.3) < 2, size
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True).stdout  # fmt: skip
    head = weeks["j2"]["headline"]
    for figure in (str(head["cases"]), money(head["owed"]), money(head["repaid"]), head["rate"]):
        assert figure in text, figure
    assert "永新镇" in text and "清偿率" in text
    keep = Path(__file__).parent.parent / "out"
    if keep.is_dir():  # for a person to look at, after a local run
        shutil.copy(png, keep / "week-page.png")


def test_workbooks_written_beside_are_the_same(
    weeks: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The city workbook and the lapsed promises, written in processes of their own (as for a
    city's inbox), hold what they hold when written in this one."""
    folder = weeks["truth"].week2.folder
    inline = cycle.run_week(folder, tmp_path / "inline", Options(), as_of=AS_OF, jobs=2)
    monkeypatch.setattr(cycle, "BACKGROUND_ROWS", 0)
    beside = cycle.run_week(folder, tmp_path / "beside", Options(), as_of=AS_OF, jobs=2)
    assert beside.headline == inline.headline and beside.overdue == inline.overdue

    def cells(path: Path) -> list[list[Any]]:
        wb = openpyxl.load_workbook(path, read_only=True)
        return [list(r) for ws in wb.worksheets for r in ws.iter_rows(values_only=True)]

    for name in (od.CITY, od.OVERDUE):
        assert cells(tmp_path / "beside" / name) == cells(tmp_path / "inline" / name), name


def test_week_lines_wrap_as_every_screen_wraps() -> None:
    """A week line is wrapped by console.wrap: no line starts with closing punctuation, the
    last character is not left alone, a continuation stays under its indented first line, and
    a line cut to fit ends in …."""
    from rich.cells import cell_len

    from ledgercli.ui.week import screen_lines

    alarm = "需要处理：退回1个文件、2个单位未报送、1件消失、1件倒退、89件到期未偿还（退出码1）"
    lines = screen_lines(alarm, 80, 2)
    assert "".join(lines) == alarm and len(lines) == 2
    assert all(not x.startswith(("）", "，", "、")) and cell_len(x) <= 80 for x in lines)
    caution = "  2组重复案件（多计2行，拖欠金额136.9348万元）已重复计入汇总；见全市台账“重复组”列"
    lines = screen_lines(caution, 80, 2)
    assert lines[-1] != "列" and lines[-1].startswith("  ") and len(lines[-1].strip()) > 1
    cut = screen_lines("拖欠金额" * 60, 80, 2)
    assert len(cut) == 2 and cut[-1].endswith("…") and cell_len(cut[-1]) <= 80
