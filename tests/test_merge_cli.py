"""`ledger merge` from the command line: exit codes, refusals, JSON, the workbook read back."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
from click.testing import CliRunner, Result

from helpers import annex2_row, write_annex2
from ledgercli.cli import cli
from ledgercli.merge.plan import merge_paths, to_json
from ledgercli.model.options import Options


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env)


def _inbox(tmp_path: Path) -> Path:
    d = tmp_path / "in"
    d.mkdir()
    write_annex2(
        d / "古南街道.xlsx",
        [annex2_row(), annex2_row(序号=2, 合同名称="二号合同", 拖欠金额=10, 剩余金额=10)],
        above=[["填报单位：古南街道"]],
    )
    write_annex2(
        d / "区交通局.xlsx",
        [
            annex2_row(
                街镇部门="区交通局",
                合同名称="三号合同",
                问题来源="互联网+督查",
                问题编号="DC2022156388",
                已偿还金额=20.25,
                剩余金额=30.25,
                债权人联系电话="１３８１２３４５６７８",
                最迟付款日期="2022年3月",
            )
        ],
    )
    return d


def test_merged_workbook_reads_back_with_no_errors(tmp_path: Path) -> None:
    """Valid inputs merge, and `ledger validate city.xlsx` finds 0 errors and 0 warnings."""
    d = _inbox(tmp_path)
    out = tmp_path / "city.xlsx"
    r = run("merge", str(d), "-o", str(out), "--lang", "en")
    assert r.exit_code == 0, r.output
    assert "rows: 3 read from 2 sheet(s) = 3 written + 0 left out ✓" in r.output
    assert f"wrote {out} (2 file(s) merged, 0 skipped, 0 unreadable)" in r.output
    v = run("validate", str(out), "--format", "json")
    assert v.exit_code == 0, v.output
    report = json.loads(v.stdout)
    assert (report["errors"], report["warnings"]) == (0, 0)
    f = report["files"][0]
    assert (f["form"], f["sheet"], f["rows"]) == ("cq-annex2", "明细", 3)
    assert not [x for x in f["findings"] if x["rule"] == "unknown-column"]


def test_chinese_summary_lines(tmp_path: Path) -> None:
    """The conservation line and the per-file table speak Chinese with --lang zh."""
    out = tmp_path / "city.xlsx"
    r = run("merge", str(_inbox(tmp_path)), "-o", str(out), "--lang", "zh")
    assert r.exit_code == 0
    assert "行数核对：读取2个工作表3行 = 写入3行 + 未写入0行 ✓" in r.output
    assert "单位" in r.output and "古南街道" in r.output and "区交通局" in r.output


def test_unreadable_file_exit_1_and_the_rest_merged(tmp_path: Path) -> None:
    """A broken file and a lock file: exit 1, the good rows are still written."""
    d = _inbox(tmp_path)
    (d / "坏文件.xlsx").write_bytes(b"PK\x03\x04 truncated")
    (d / "~$古南街道.xlsx").write_bytes(b"lock")
    out = tmp_path / "city.xlsx"
    r = run("merge", str(d), "-o", str(out), "--lang", "en")
    assert r.exit_code == 1
    assert "坏文件.xlsx (unreadable)" in r.output and "damaged or incomplete" in r.output
    assert "skipped an Excel/WPS lock file" in r.output
    assert "rows: 3 read from 2 sheet(s) = 3 written + 0 left out ✓" in r.output
    ws = openpyxl.load_workbook(out)["明细"]
    assert ws.max_row == 4
    src = [[c.value for c in row] for row in openpyxl.load_workbook(out)["来源"].iter_rows()]
    status = {Path(row[0]).name: row[2] for row in src[1:]}
    assert status["坏文件.xlsx"] == "无法读取"
    assert status["~$古南街道.xlsx"] == "已跳过（锁定文件）"


def test_json_is_the_library_result(tmp_path: Path) -> None:
    """--format json prints exactly what the library computes."""
    d = _inbox(tmp_path)
    out = tmp_path / "city.xlsx"
    r = run("merge", str(d), "-o", str(out), "--format", "json", "--lang", "en")
    assert r.exit_code == 0
    data = json.loads(r.stdout)
    expected = to_json(merge_paths([d], Options()), "en", out)
    assert data == expected
    assert data["totals"]["rows_read"] == 3 and data["conserved"] is True
    assert data["files"][1]["metadata"] == {"填报单位": "古南街道"}


def _contact_form(path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["区 县：", "古南街道"])
    ws.append(["牵头单位", "古南街道办事处"])
    ws.append(["责任领导", "张三", "职 务", "副主任", "联系电话", "13812345678"])
    ws.append(["联络人", "李四", "职 务", "科员", "联系电话", "13812345679"])
    wb.save(path)


def test_mixed_forms_exit_2_nothing_written(tmp_path: Path) -> None:
    """A folder mixing annex 2 and Wuhan ledgers is refused (exit 2) and no workbook appears."""
    from helpers import write_wuhan

    d = _inbox(tmp_path)
    write_wuhan(d / "武汉.xlsx")
    out = tmp_path / "city.xlsx"
    r = run("merge", str(d), "-o", str(out), "--lang", "en")
    assert r.exit_code == 2
    assert "the files are of different forms" in r.output
    assert f"wh-ledger: {d / '武汉.xlsx'}" in r.output
    assert not out.exists()


def test_contact_form_beside_ledgers_merges_without_form(tmp_path: Path) -> None:
    """Annex 1 beside annex 2: merged without --form, the contact form skipped with a notice
    on the terminal and in the 来源 sheet; no 明细 row comes from it."""
    d = _inbox(tmp_path)
    _contact_form(d / "联络表.xlsx")
    out = tmp_path / "city.xlsx"
    r = run("merge", str(d), "-o", str(out), "--lang", "en")
    assert r.exit_code == 0, r.output
    assert "联络表.xlsx (skipped): skipped a contact form (annex 1)" in r.output
    assert "rows: 3 read from 2 sheet(s) = 3 written + 0 left out ✓" in r.output
    wb = openpyxl.load_workbook(out, read_only=True)
    sources = [row for row in wb["来源"].iter_rows(min_row=2, values_only=True)]
    status = {Path(str(row[0])).name: row[2] for row in sources}
    assert status["联络表.xlsx"] == "已跳过（联络表（附件1））"
    wb.close()
    r = run("validate", str(out), "--format", "json")
    assert json.loads(r.output)["files"][0]["rows"] == 3
    # --form still picks a form: the contact form is then of another form.
    r = run("merge", str(d), "-o", str(out), "--form", "cq-annex2", "--force", "--lang", "en")
    assert r.exit_code == 0
    assert "this file is form cq-annex1, not cq-annex2 being merged; skipped" in r.output
    assert "联络表.xlsx (" in r.output and "（" not in r.output  # English punctuation in English


def test_overwrite_protection(tmp_path: Path) -> None:
    """An existing output needs --force; an input is never the output, even with --force."""
    d = _inbox(tmp_path)
    out = tmp_path / "city.xlsx"
    out.write_bytes(b"old")
    r = run("merge", str(d), "-o", str(out), "--lang", "en")
    assert r.exit_code == 2
    assert f"{out} already exists; add --force to overwrite it" in r.output
    assert out.read_bytes() == b"old"
    zh = run("merge", str(d), "-o", str(out), "--lang", "zh")
    assert "已存在；如需覆盖请加 --force" in zh.output
    r = run("merge", str(d), "-o", str(out), "--force")
    assert r.exit_code == 0 and out.read_bytes()[:2] == b"PK"
    src = d / "古南街道.xlsx"
    before = src.read_bytes()
    r = run("merge", str(src), "-o", str(src), "--force", "--lang", "en")
    assert r.exit_code == 2 and "is one of the inputs" in r.output
    assert src.read_bytes() == before
    # A district's ledger inside the input folder is an input too: --force does not make it
    # an output, for any command that writes one.
    for cmd in (
        ["merge", str(d)],
        ["summarize", str(d)],
        ["overdue", str(d), "--as-of", "2023-06"],
        ["diff", str(d), str(d)],
    ):
        r = run(*cmd, "-o", str(src), "--force", "--lang", "en")
        assert r.exit_code == 2 and "is one of the inputs" in r.output, (cmd, r.output)
        assert src.read_bytes() == before, cmd
    # A file that cannot be read (damaged, encrypted, of a form not given) is kept too: only
    # a workbook positively known as a merged one may be replaced.
    junk = d / "损坏.xlsx"
    junk.write_bytes(b"PK\x03\x04 damaged")
    r = run("merge", str(d), "-o", str(junk), "--force", "--lang", "en")
    assert r.exit_code == 2 and "is one of the inputs" in r.output
    assert junk.read_bytes() == b"PK\x03\x04 damaged"
    junk.unlink()
    # Last week's city workbook in the folder may be replaced with --force (and is skipped).
    assert run("merge", str(d), "-o", str(d / "city.xlsx")).exit_code == 0
    r = run("merge", str(d), "-o", str(d / "city.xlsx"), "--force", "--lang", "en")
    assert r.exit_code == 0, r.output


def test_only_valid_and_drop_duplicates_from_the_cli(tmp_path: Path) -> None:
    """The CLI lists the rows it left out, with the reason, and still balances."""
    d = tmp_path / "in"
    d.mkdir()
    write_annex2(d / "a.xlsx", [annex2_row(), annex2_row(序号=2, 合同名称="二号", 欠款类型="劳务")])
    write_annex2(d / "b.xlsx", [annex2_row(街镇部门="区住房城乡建委")])
    out = tmp_path / "city.xlsx"
    r = run("merge", str(d), "-o", str(out), "--only-valid", "--drop-duplicates", "--lang", "en")
    assert r.exit_code == 0, r.output
    assert "a.xlsx 附件2!4:4: left out by --only-valid: the row has 1 error(s)" in r.output
    assert (
        "b.xlsx 附件2!3:3: left out by --drop-duplicates: the same case as a.xlsx row 3 "
        "(duplicate group D1)"
    ) in r.output
    assert "rows: 3 read from 2 sheet(s) = 1 written + 2 left out ✓" in r.output
    v = run("validate", str(out), "--format", "json")
    assert json.loads(v.stdout)["errors"] == 0


def test_nothing_readable_exit_2_with_reasons(tmp_path: Path) -> None:
    """When no file can be read, nothing is written and each file's reason is given."""
    d = tmp_path / "in"
    d.mkdir()
    (d / "坏.xlsx").write_bytes(b"PK\x03\x04 truncated")
    out = tmp_path / "city.xlsx"
    r = run("merge", str(d), "-o", str(out), "--lang", "en")
    assert r.exit_code == 2
    assert "nothing to merge, nothing was written" in r.output
    assert "坏.xlsx is damaged or incomplete" in r.output
    assert "没有可合并的文件" in run("merge", str(d), "-o", str(out), "--lang", "zh").output
    assert not out.exists()


def test_city_workbook_left_in_the_inbox_is_skipped(tmp_path: Path) -> None:
    """Merging into the inbox twice (--force) and summarizing the inbox never count a case
    twice: a merged workbook found in a folder is last week's result, not a submission."""
    import json

    from click.testing import CliRunner

    from ledgercli.cli import cli

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_annex2(inbox / "a.xlsx", [annex2_row()])
    write_annex2(inbox / "b.xlsx", [annex2_row(合同名称="乙合同", 问题来源="信访")])
    city = inbox / "city.xlsx"
    for _ in range(2):
        r = CliRunner().invoke(
            cli, ["merge", str(inbox), "-o", str(city), "--force", "--format", "json"]
        )
        assert r.exit_code == 0, r.output
        data = json.loads(r.stdout)
        assert data["totals"]["rows_written"] == 2
    assert [f["skip_reason"] for f in data["files"] if f["status"] == "skipped"] == [
        "merged-workbook"
    ]
    r = CliRunner().invoke(cli, ["summarize", str(inbox), "--format", "json"])
    assert json.loads(r.stdout)["cases"] == 2
    assert "city.xlsx" in r.stderr
    r = CliRunner().invoke(cli, ["summarize", str(city), "--format", "json"])
    assert json.loads(r.stdout)["cases"] == 2


def test_roster_duplicates_are_units_not_cases(tmp_path: Path) -> None:
    """Merging rosters, a unit listed twice is reported as a unit sent twice, not a case."""
    from helpers import WENLONG_ROW, write_roster

    d = tmp_path / "in"
    d.mkdir()
    wen = WENLONG_ROW
    write_roster(d / "a.xlsx", [wen])
    # Not a byte-identical copy (that would count once): the same unit sent again, changed.
    write_roster(d / "b.xlsx", [[*wen[:-1], "13900000000"]])
    r = run("merge", str(d), "-o", str(tmp_path / "out.xlsx"), "--lang", "en")
    assert r.exit_code == 0, r.output
    assert "Units sent more than once:" in r.output and "Duplicate cases" not in r.output
    assert "duplicate group D1 (文龙街道)" in r.output
