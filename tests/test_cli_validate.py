"""`ledger validate` from the command line: exit codes, JSON shape, both languages."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from helpers import annex2_row, write_annex2
from ledgercli.check.inbox import validate_paths
from ledgercli.cli import cli
from ledgercli.model.options import Options


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env)


def test_clean_file_exit_0(tmp_path: Path) -> None:
    """A valid submission exits 0 and says so."""
    p = write_annex2(tmp_path / "ok.xlsx", [annex2_row()])
    r = run("validate", str(p), "--lang", "en")
    assert r.exit_code == 0
    assert "no problems found" in r.output
    assert "1 file(s): 0 error(s), 0 warning(s), 0 notice(s)" in r.output


def test_errors_exit_1_with_location_and_message(tmp_path: Path) -> None:
    """An error exits 1 and the table shows Sheet!Cell, header, value and message."""
    p = write_annex2(tmp_path / "bad.xlsx", [annex2_row(欠款类型="劳务")])
    r = run("validate", str(p), "--lang", "en")
    assert r.exit_code == 1
    assert "附件2!S3" in r.output and "欠款类型" in r.output and "劳务" in r.output
    assert "'劳务' is not an allowed value; choose one of: 工程、货物、服务" in r.output


def test_chinese_messages_by_flag_and_locale(tmp_path: Path) -> None:
    """--lang zh, or a zh locale, gives Chinese messages; --lang wins over the locale."""
    p = write_annex2(tmp_path / "bad.xlsx", [annex2_row(欠款类型="劳务")])
    zh = "“劳务”不是允许的取值；可选：工程、货物、服务"
    assert zh in run("validate", str(p), "--lang", "zh").output
    assert zh in run("validate", str(p), env={"LANG": "zh_CN.UTF-8"}).output
    assert zh not in run("validate", str(p), "--lang", "en", env={"LANG": "zh_CN.UTF-8"}).output
    assert "共1个文件：1个错误" in run("validate", str(p), "--lang", "zh").output


def test_strict_counts_warnings(tmp_path: Path) -> None:
    """A warning alone exits 0, or 1 with --strict."""
    p = write_annex2(tmp_path / "w.xlsx", [annex2_row(最迟付款日期="2022-09")])
    assert run("validate", str(p)).exit_code == 0
    assert run("validate", str(p), "--strict").exit_code == 1


def test_cutoff_option(tmp_path: Path) -> None:
    """--cutoff moves the screening cut-off the warning compares with."""
    p = write_annex2(tmp_path / "w.xlsx", [annex2_row(最迟付款日期="2022-09")])
    r = run("validate", str(p), "--cutoff", "2022-10", "--strict")
    assert r.exit_code == 0


def test_json_shape_equals_library_report(tmp_path: Path) -> None:
    """--format json is exactly the documented shape and equals the library's report."""
    p = write_annex2(
        tmp_path / "bad.xlsx", [annex2_row(欠款类型="劳务")], above=[["填报单位：古南街道"]]
    )
    r = run("validate", str(p), "--format", "json", "--lang", "en")
    data = json.loads(r.output)
    assert set(data) == {"files", "errors", "warnings", "notices", "skipped", "not_reported"}
    assert data["not_reported"] is None  # no roster (--units): not known, not "nobody"
    (f,) = data["files"]
    assert set(f) == {
        "path",
        "form",
        "sheet",
        "sheets",
        "rows",
        "metadata",
        "amount_unit",
        "findings",
    }
    assert f["sheets"] == ["附件2"]
    assert f["amount_unit"] == {
        "declared": None,
        "state": "undeclared",
        "rows_converted": 0,
        "rows_conflict": 0,
        "rows_suspect": 0,
        "suspects": [],
    }
    assert (f["form"], f["sheet"], f["rows"], f["metadata"]) == (
        "cq-annex2",
        "附件2",
        1,
        {"填报单位": "古南街道"},
    )
    assert f["findings"] == [
        {
            "severity": "error",
            "rule": "value-not-allowed",
            "sheet": "附件2",
            "row": 4,
            "column": "S",
            "header": "欠款类型",
            "value": "劳务",
            "message": "'劳务' is not an allowed value; choose one of: 工程、货物、服务",
        }
    ]
    report, _ = validate_paths([p], Options())
    assert data == report.to_json("en")


def test_several_files_and_folders(tmp_path: Path) -> None:
    """Several paths in one call; folders are read recursively, lock files skipped."""
    write_annex2(tmp_path / "a.xlsx", [annex2_row()])
    sub = tmp_path / "sub"
    sub.mkdir()
    write_annex2(sub / "b.xlsx", [annex2_row(欠款类型="劳务")])
    (sub / "~$b.xlsx").write_bytes(b"lock")
    r = run("validate", str(tmp_path), "--format", "json")
    names = sorted(Path(f["path"]).name for f in json.loads(r.output)["files"])
    assert names == ["a.xlsx", "b.xlsx"]
    assert r.exit_code == 1


def test_files_passed_over_are_named(tmp_path: Path) -> None:
    """A ledger saved in WPS's .et format, a lock file and a Word file in the inbox are named
    (the .et first: a unit's cases went unchecked); the folder's own files are not."""
    inbox = tmp_path / "in"
    inbox.mkdir()
    write_annex2(inbox / "a.xlsx", [annex2_row()])
    (inbox / "附件2-古南街道.et").write_bytes(b"\xd0\xcf\x11\xe0wps")
    (inbox / "~$a.xlsx").write_bytes(b"lock")
    (inbox / "说明.docx").write_bytes(b"PK")
    (inbox / "Thumbs.db").write_bytes(b"x")
    (inbox / ".DS_Store").write_bytes(b"x")
    r = run("validate", str(inbox), "--format", "json")
    assert r.exit_code == 0
    skipped = json.loads(r.output)["skipped"]["files"]
    assert [(Path(f["path"]).name, f["reason"]) for f in skipped] == [
        ("~$a.xlsx", "lock-file"),
        ("说明.docx", "not-spreadsheet"),
        ("附件2-古南街道.et", "wps-format"),
    ]
    text = run("validate", str(inbox), "--lang", "en").output
    wps = text.index("not checked:")
    assert "附件2-古南街道.et in WPS's own format" in text.replace("\n", "")
    assert wps < text.index("skipped lock files") < text.index("skipped files that are no")
    assert "Thumbs.db" not in text and ".DS_Store" not in text
    zh = run("validate", str(inbox), "--lang", "zh").output
    assert "WPS 表格格式" in zh and "另存为" in zh
    merged = run("merge", str(inbox), "-o", str(tmp_path / "city.xlsx"), "--lang", "en")
    assert "not merged: WPS's own format (.et) cannot be read" in merged.output.replace("\n  ", " ")


def test_limit_hides_and_counts(tmp_path: Path) -> None:
    """--limit caps the items shown per file and says how many are hidden. Seven rows with
    the same wrong 欠款类型 are one item (one cause, ×7); -v lists each, and the limit then
    counts them one by one."""
    rows = [annex2_row(序号=i, 欠款类型="劳务", 合同名称=f"合同{i}") for i in range(1, 8)]
    p = write_annex2(tmp_path / "many.xlsx", rows)
    r = run("validate", str(p), "--limit", "3", "--lang", "en")
    assert "×7" in r.output and "more not shown" not in r.output
    r = run("validate", str(p), "--limit", "3", "-v", "--lang", "en")
    assert "4 more not shown (--limit 0 shows all)" in r.output


def test_custom_schema_variant_without_python(tmp_path: Path) -> None:
    """Another city's variant (a renamed header, an extra allowed value) is just a TOML file."""
    from ledgercli.model.forms import get_form

    text = Path(get_form("cq-annex2").path).read_text(encoding="utf-8")
    text = text.replace('id = "cq-annex2"', 'id = "xx-annex2"')
    text = text.replace(
        'values = ["工程", "货物", "服务"]', 'values = ["工程", "货物", "服务", "劳务"]'
    )
    schema = tmp_path / "xx-annex2.toml"
    schema.write_text(text, encoding="utf-8")
    p = write_annex2(tmp_path / "v.xlsx", [annex2_row(欠款类型="劳务")])
    r = run("validate", str(p), "--schema", str(schema), "--format", "json")
    data = json.loads(r.output)
    assert r.exit_code == 0 and data["files"][0]["form"] == "xx-annex2"


def test_forms_lists_bundled_forms() -> None:
    """`ledger forms` lists the input forms with their ids."""
    r = run("forms", "--format", "json")
    by_id = {f["id"]: f for f in json.loads(r.output)}
    assert {"cq-annex1", "cq-annex2", "wh-ledger"} <= set(by_id)
    assert by_id["cq-annex1"]["columns"][:3] == ["区县", "牵头单位", "责任领导"]


def test_forms_verbose_in_both_languages() -> None:
    """`ledger forms -v` lists every column and annex 1's fields, in the reader's language,
    with Chinese text in aligned columns and conditions spelled out."""
    zh = run("forms", "-v", "--lang", "zh", env={"COLUMNS": "160"}).output
    assert "问题来源为国务院“互联网+督查”、" in zh and "空白时警告" in zh
    assert "区县" in zh and "联络人" in zh  # the key–value form's fields
    lines = zh.splitlines()
    # 序号's kind starts where 问题编号's does: widths counted as the terminal shows them.
    from rich.cells import cell_len

    def kind_at(start: str) -> int:
        line = next(x for x in lines if x.startswith(start))
        kind = "整数" if start == "序号" else "文本"
        return cell_len(line[: line.index(kind)])

    assert kind_at("序号") == kind_at("问题编号")
    # Kinds and checks are described in Chinese too, with their severity.
    assert "统一社会信用代码" in zh and "credit_code" not in zh
    assert "owed-exceeds-contract (警告): 拖欠金额大于合同金额" in zh
    en = run("forms", "-v", "--lang", "en", env={"COLUMNS": "160"}).output
    assert "required when 问题来源 is" in en and "warning if blank" in en
    assert "credit_code" in en and "owed-exceeds-contract (warning): 拖欠金额 larger" in en
    # English names of columns are for an English reader only (issue 17: 英文名 in zh).
    assert "英文名" not in zh and "Debtor" not in zh and "English" in en


def test_form_option_unknown() -> None:
    """An unknown --form names the known ones."""
    r = run("validate", "x.xlsx", "--form", "nope", "--lang", "en")
    assert r.exit_code == 2 and "unknown form 'nope'" in r.output and "cq-annex2" in r.output


def test_language_setting_and_default(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """--lang wins, then LEDGER_LANG, then a real locale; a C locale or none gives Chinese."""
    import locale

    from ledgercli.model.i18n import detect_lang

    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LEDGER_LANG"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(locale, "getlocale", lambda *a: (None, None))
    assert detect_lang() == "zh"
    monkeypatch.setattr(locale, "getlocale", lambda *a: ("Chinese (Simplified)_China", "936"))
    assert detect_lang() == "zh"
    monkeypatch.setattr(locale, "getlocale", lambda *a: ("English_United States", "1252"))
    assert detect_lang() == "en"
    monkeypatch.setenv("LANG", "C.UTF-8")
    assert detect_lang() == "zh"
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    assert detect_lang() == "en"
    monkeypatch.setenv("LEDGER_LANG", "zh")
    assert detect_lang() == "zh"
    assert detect_lang("en") == "en"


def test_identical_files_are_named(tmp_path: Path) -> None:
    """A submission saved twice (附件2(1).xlsx) is named, since its cases would count twice."""
    import shutil

    p = write_annex2(tmp_path / "附件2.xlsx", [annex2_row()])
    shutil.copy(p, tmp_path / "附件2(1).xlsx")
    r = run("validate", str(tmp_path), "--lang", "en")
    assert "byte-identical" in r.output and "附件2(1).xlsx" in r.output
    assert r.exit_code == 0 and "1 warning(s)" in r.output
    # It is a warning of the copy: counted, seen by --strict, carried in JSON.
    assert run("validate", str(tmp_path), "--strict").exit_code == 1
    data = json.loads(run("validate", str(tmp_path), "--format", "json").output)
    copy = next(f for f in data["files"] if f["path"].endswith("附件2(1).xlsx"))
    assert [f["rule"] for f in copy["findings"]] == ["identical-file"] and data["warnings"] == 1
    from ledgercli.check.inbox import identical_files

    assert identical_files([p, tmp_path / "附件2(1).xlsx"]) == [
        [str(p), str(tmp_path / "附件2(1).xlsx")]
    ]


def test_notice_summary_in_the_readers_language() -> None:
    """Notices are counted by kind, named in Chinese or English, and listed with -v."""
    p = Path(__file__).parent.parent / "sample_data/submissions/附件2-通惠街道（格式不规范）.xlsx"
    zh = run("validate", str(p), "--lang", "zh").output
    assert "年月格式 ×7" in zh and "month-normalized" not in zh
    assert "month format ×7" in run("validate", str(p), "--lang", "en").output
    assert "read as 2022-03" in run("validate", str(p), "--lang", "en", "-v").output
