"""Bad input: a clear message naming the file, exit code 2, never a traceback."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from helpers import annex2_row, write_annex2
from ledgercli.cli import cli


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def findings(result: Result) -> str:
    return result.output


def valid(tmp_path: Path) -> Path:
    return write_annex2(tmp_path / "good.xlsx", [annex2_row()])


def test_missing_path(tmp_path: Path) -> None:
    """A path that does not exist is reported by name."""
    r = run("validate", str(tmp_path / "nope.xlsx"), "--lang", "en")
    assert r.exit_code == 2
    assert "no such file or folder" in r.output and "nope.xlsx" in r.output
    assert r.exception is None or isinstance(r.exception, SystemExit)


def test_empty_file(tmp_path: Path) -> None:
    """A 0-byte file says it is empty."""
    p = tmp_path / "empty.xlsx"
    p.write_bytes(b"")
    r = run("validate", str(p), "--lang", "en")
    assert r.exit_code == 2 and "empty (0 bytes)" in r.output


def test_text_named_xlsx(tmp_path: Path) -> None:
    """A text file renamed .xlsx is not a spreadsheet, and the message says what to send."""
    p = tmp_path / "notes.xlsx"
    p.write_text("这不是表格", encoding="utf-8")
    r = run("validate", str(p), "--lang", "zh")
    assert r.exit_code == 2
    assert "不是电子表格（纯文本）" in r.output and ".xlsx、.xls、.ods或.csv" in r.output
    assert "plain text" in run("validate", str(p), "--lang", "en").output


def test_word_document_named_xlsx_is_named_in_chinese(tmp_path: Path) -> None:
    """A .docx renamed .xlsx: what it is, in the reader's language."""
    p = tmp_path / "报告.xlsx"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<document/>")
    r = run("validate", str(p), "--lang", "zh")
    assert r.exit_code == 2 and "不是电子表格（Word文档）" in r.output, r.output


def test_docx_named_xlsx(tmp_path: Path) -> None:
    """A Word document renamed .xlsx is recognised as one."""
    p = tmp_path / "report.xlsx"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<document/>")
    r = run("validate", str(p), "--lang", "en")
    assert r.exit_code == 2 and "a Word document" in r.output


def test_truncated_workbook(tmp_path: Path) -> None:
    """Half a workbook (an interrupted download) is damaged, with advice to resend."""
    data = valid(tmp_path).read_bytes()
    p = tmp_path / "cut.xlsx"
    p.write_bytes(data[: len(data) // 2])
    r = run("validate", str(p), "--lang", "en")
    assert r.exit_code == 2 and "damaged or incomplete" in r.output


def test_password_protected(tmp_path: Path) -> None:
    """Encrypted: the message names --password; with the right password it is validated."""
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = valid(tmp_path)
    p = tmp_path / "locked.xlsx"
    with plain.open("rb") as fh, p.open("wb") as out:
        OOXMLFile(fh).encrypt("secret", out)
    r = run("validate", str(p), "--lang", "en")
    assert r.exit_code == 2 and "--password" in r.output
    r = run("validate", str(p), "--password", "wrong", "--lang", "en")
    assert r.exit_code == 2 and "password" in r.output and "wrong" in r.output
    r = run("validate", str(p), "--password", "secret", "--lang", "en")
    assert r.exit_code == 0, r.output
    assert "cq-annex2" in r.output


def test_no_recognizable_header(tmp_path: Path) -> None:
    """A workbook with no form's header says so and suggests --form."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["姓名", "年龄"])
    wb.active.append(["张三", 30])
    p = tmp_path / "other.xlsx"
    wb.save(p)
    r = run("validate", str(p), "--lang", "en")
    assert r.exit_code == 2 and "no recognizable header" in r.output and "--form" in r.output


def test_inflation_limit(tmp_path: Path) -> None:
    """Parts that would inflate beyond the limits are refused before parsing, and the message
    says which limit: a part inflating thousands of times is a zip bomb no option lets through
    (it used to advise --max-unpacked-mb); the total size is the limit the option raises."""
    p = valid(tmp_path)
    r = run("validate", str(p), "--max-unpacked-mb", "1", "--lang", "en")
    assert r.exit_code == 0  # a small real workbook is far below even 1 MB
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(p) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item))
        dst.writestr("xl/media/padding.bin", b"\0" * (20 * 1024 * 1024))
    r = run("validate", str(bomb), "--lang", "en")
    assert r.exit_code == 2 and "xl/media/padding.bin inflates" in r.output
    assert "No option lifts this limit" in r.output and "--max-unpacked-mb" not in r.output
    big = tmp_path / "big.xlsx"
    with zipfile.ZipFile(p) as src, zipfile.ZipFile(big, "w", zipfile.ZIP_STORED) as dst:
        for item in src.infolist():
            dst.writestr(item.filename, src.read(item))
        dst.writestr("xl/media/photo.bin", bytes(range(256)) * 8192)  # 2 MB, not compressible
    r = run("validate", str(big), "--max-unpacked-mb", "1", "--lang", "en")
    assert r.exit_code == 2 and "more than the 1 MB limit" in r.output
    assert "--max-unpacked-mb" in r.output


def test_xml_entity_expansion(tmp_path: Path) -> None:
    """A part declaring entities (billion laughs) is refused, not expanded."""
    p = valid(tmp_path)
    evil = tmp_path / "laughs.xlsx"
    laughs = (
        b'<!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    )
    with zipfile.ZipFile(p) as src, zipfile.ZipFile(evil, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = laughs + data
            dst.writestr(item, data)
    r = run("validate", str(evil), "--lang", "en")
    assert r.exit_code == 2 and "entity declarations" in r.output


def test_one_bad_file_does_not_stop_the_rest(tmp_path: Path) -> None:
    """In a folder, an unreadable file is reported and the others are still checked."""
    valid(tmp_path)
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04garbage")
    r = run("validate", str(tmp_path), "--format", "json")
    import json

    data = json.loads(r.output)
    assert r.exit_code == 2
    forms = {Path(f["path"]).name: f["form"] for f in data["files"]}
    assert forms == {"good.xlsx": "cq-annex2", "broken.xlsx": None}


def test_bad_option_values() -> None:
    """A malformed --cutoff is a usage error naming the option."""
    r = run("validate", "x.xlsx", "--cutoff", "May 2022")
    assert r.exit_code == 2 and "--cutoff" in r.output


def test_month_options_read_months_as_cells_do(tmp_path: Path) -> None:
    """--cutoff and --as-of take a month written any way a month cell may be."""
    from ledgercli.compare.overdue import parse_month

    for typed in ("2022-05", "2022/5", "2022-5", "202205", "2022年5月", "2022-05-15"):
        assert parse_month(typed) == "2022-05", typed
        r = run("validate", str(valid(tmp_path)), "--cutoff", typed, "--format", "json")
        assert r.exit_code == 0, (typed, r.output)
    for typed in ("May 2022", "2022-13", "22-05"):
        r = run("overdue", str(valid(tmp_path)), "--as-of", typed, "--lang", "en")
        assert r.exit_code == 2 and "is not a month" in r.output, (typed, r.output)


@pytest.mark.parametrize("name", ["bad-schema.toml"])
def test_schema_typo_names_file_and_key(tmp_path: Path, name: str) -> None:
    """A typo in a custom schema is an error naming the file and the column key."""
    from ledgercli.model.forms import get_form

    text = Path(get_form("cq-annex2").path).read_text(encoding="utf-8")
    bad = text.replace('kind = "credit_code"', 'kind = "creditcode"', 1)
    p = tmp_path / name
    p.write_text(bad, encoding="utf-8")
    r = run("validate", str(valid(tmp_path)), "--schema", str(p), "--lang", "en")
    assert r.exit_code == 2
    assert name in r.output and 'key "debtor_code"' in r.output and "kind" in r.output


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("gb18030", ","), ("utf-8-sig", ","), ("utf-16", "\t"), ("utf-16-be", ",")],
)
def test_csv_in_any_encoding_excel_saves(tmp_path: Path, encoding: str, delimiter: str) -> None:
    """A CSV saved by Excel in GB18030, UTF-8 or UTF-16 (its "Unicode text", tab-separated)
    is read, and numbers in it are not 'typed as text'."""
    import csv

    from helpers import ANNEX2_HEADERS

    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter)
    w.writerow(ANNEX2_HEADERS)
    w.writerow(["" if v is None else v for v in annex2_row().values()])
    p = tmp_path / "sub.csv"
    data = buf.getvalue().encode(encoding)
    p.write_bytes(b"\xfe\xff" + data if encoding == "utf-16-be" else data)
    r = run("validate", str(p), "--format", "json")
    import json

    data = json.loads(r.output)
    assert r.exit_code == 0, r.output
    assert data["files"][0]["form"] == "cq-annex2" and data["notices"] == 0


def test_csv_in_no_known_encoding_says_which_are_read(tmp_path: Path) -> None:
    """Bytes that are neither UTF-8 nor GB18030 (and carry no UTF-16 mark) are refused with
    the encodings that are read and what to send instead."""
    p = tmp_path / "sub.csv"
    p.write_bytes("区县,金额\n".encode() + b"\x80\xff\xfe\x81\n")
    r = run("validate", str(p), "--lang", "en")
    assert r.exit_code == 2
    assert "sub.csv" in r.output and "UTF-16 with its byte-order mark" in r.output
    assert "save it from Excel as .xlsx" in r.output


def test_schema_cannot_claim_the_roster_flag(tmp_path: Path) -> None:
    """The roster flag is the tool's own: a schema claiming it would merge cases by unit."""
    from ledgercli.model.forms import get_form

    text = Path(get_form("cq-annex2").path).read_text("utf-8")
    p = tmp_path / "custom.toml"
    p.write_text(text.replace('kind = "table"', 'kind = "table"\nis_roster = true', 1), "utf-8")
    r = run("validate", str(valid(tmp_path)), "--schema", str(p), "--lang", "en")
    assert r.exit_code == 2 and "custom.toml" in r.output and "is_roster" in r.output


def test_schema_context_must_name_a_label(tmp_path: Path) -> None:
    """A misspelled `context` would silently fall back to column order: it is refused."""
    from ledgercli.model.forms import get_form

    text = Path(get_form("cq-annex1").path).read_text("utf-8")
    p = tmp_path / "a1.toml"
    p.write_text(text.replace('context = "联络人"', 'context = "联洛人"', 1), encoding="utf-8")
    r = run("validate", str(valid(tmp_path)), "--schema", str(p), "--lang", "en")
    assert r.exit_code == 2 and "a1.toml" in r.output and "联洛人" in r.output


def test_usage_errors_in_the_readers_language(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A mistyped command line is explained in Chinese (the default), in English with
    --lang en; both say where the usage is."""
    from ledgercli.cli import main

    def run_main(*args: str) -> tuple[int, str]:
        monkeypatch.setattr("sys.argv", ["ledger", *args])
        with pytest.raises(SystemExit) as exit_:
            main()
        return int(exit_.value.code or 0), capsys.readouterr().err

    monkeypatch.delenv("LEDGER_LANG", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    hint = "\n用 ledger validate --help 查看用法。\n"
    code, err = run_main("validate")
    assert code == 2 and err == "错误：缺少参数 PATHS...。" + hint
    code, err = run_main("validate", "x.xlsx", "--cutoff", "May 2022")
    assert err == "错误：--cutoff 的取值无效：“May 2022”不是年月（请写成2022-05）" + hint
    code, err = run_main("validate", "x.xlsx", "--nope")
    assert code == 2 and err == "错误：没有选项 --nope；是否要用 --annotate、--force？" + hint
    code, err = run_main("validate", "x.xlsx", "--format", "xml")
    assert err == "错误：'--format' 的取值无效：“xml”不是可选值（'table', 'json'）之一。" + hint
    code, err = run_main("validate", "x.xlsx", "--limit")
    assert err == "错误：选项 --limit 需要一个值。" + hint
    code, err = run_main("validate", "x.xlsx", "--limit", "-3")
    assert err == "错误：'--limit' 的取值无效：-3 不在允许范围（x>=0）内。" + hint
    code, err = run_main("valdate")
    assert code == 2 and err == "错误：没有命令 valdate。\n用 ledger --help 查看用法。\n"
    # The same mistakes in English, in the same two lines.
    hint = "\nTry 'ledger validate --help' for help.\n"
    code, err = run_main("validate", "--lang", "en")
    assert code == 2 and err == "Error: Missing argument 'PATHS...'." + hint
    code, err = run_main("validate", "x.xlsx", "--nope", "--lang", "en")
    assert err == "Error: No such option '--nope'. Did you mean --annotate, --force?" + hint
    code, err = run_main("validate", "x.xlsx", "--format", "xml", "--lang", "en")
    assert err == "Error: Invalid value for '--format': 'xml' is not one of 'table', 'json'." + hint
    code, err = run_main("validate", "x.xlsx", "--form", "a", "--schema", "b.toml", "--lang=en")
    assert err == "Error: give --form or --schema, not both" + hint
    # A LedgerError has the same prefix: full-width in Chinese.
    code, err = run_main("template", "--form", "cq-annex3", "-o", "x.xlsx")
    assert code == 2 and err.startswith("错误：cq-annex3是汇总表")


@pytest.mark.parametrize(
    ("head", "zh"),
    [(b"Rar!\x1a\x07\x01\x00" + bytes(64), "RAR压缩包"), (b"\x01\x02\x03binary" * 8, "未知格式")],
)
def test_archives_and_binary_are_not_called_text(tmp_path: Path, head: bytes, zh: str) -> None:
    """A .rar sent as .xlsx (districts do) says it is an archive; control bytes are no text."""
    p = tmp_path / "附件2.xlsx"
    p.write_bytes(head)
    r = run("validate", str(p), "--lang", "zh")
    assert r.exit_code == 2 and f"不是电子表格（{zh}）" in r.output, r.output


def test_a_file_named_twice_is_read_once(tmp_path: Path) -> None:
    """x.xlsx and ./x.xlsx, or a folder and a file in it, are one file: its cases once."""
    p = valid(tmp_path)
    data = json.loads(run("validate", str(tmp_path), str(p), "--format", "json").output)
    assert [Path(f["path"]).name for f in data["files"]] == [p.name]


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "{s}"],
        ["merge", "{s}", "--form", "cq-annex2", "-o", "{t}/city.xlsx"],
        ["summarize", "{s}", "--form", "cq-annex2", "-o", "{t}/annex4.xlsx"],
        ["overdue", "{s}", "--form", "cq-annex2", "--as-of", "2023-06"],
    ],
    ids=lambda a: a[0],
)
def test_output_redirected_as_gbk_is_written_not_a_crash(tmp_path: Path, args: list[str]) -> None:
    """A Chinese Windows redirects output in GBK, which lacks ✓ ⚠ −: the run completes with
    its own exit code and a stand-in for those characters, never exit 3."""
    import os
    import subprocess
    import sys

    subs = Path(__file__).parent.parent / "sample_data" / "submissions"
    argv = [a.replace("{s}", str(subs)).replace("{t}", str(tmp_path)) for a in args]
    env = {**os.environ, "PYTHONIOENCODING": "gbk", "LEDGER_LANG": "zh"}
    done = subprocess.run(
        [sys.executable, "-m", "ledgercli", *argv], capture_output=True, env=env, timeout=120
    )
    assert done.returncode in (0, 1), done.stderr.decode("gbk", "replace")
    text = (done.stdout + done.stderr).decode("gbk")
    assert "Traceback" not in text and "UnicodeEncodeError" not in text
