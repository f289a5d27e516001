"""`ledger validate --annotate/--annotate-dir` end to end."""

from __future__ import annotations

import hashlib
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from helpers import annex2_row, write_annex2
from ledgercli.cli import cli
from ledgercli.write.annotate import ERROR_FILL, RESULT_SHEET


def test_validate_annotate_writes_the_marked_copy(tmp_path: Path) -> None:
    """--annotate FILE: exit code as without it, the copy written, the original unchanged."""
    src = write_annex2(tmp_path / "古南街道.xlsx", [annex2_row(债务人联系电话="123")])
    before = hashlib.sha256(src.read_bytes()).hexdigest()
    out = tmp_path / "returned.xlsx"
    res = CliRunner().invoke(
        cli, ["validate", str(src), "--annotate", str(out), "--lang", "en"], catch_exceptions=False
    )
    assert res.exit_code == 1, res.output
    assert f"annotated copy written to {out} (1 error(s), 0 warning(s))" in res.output
    assert hashlib.sha256(src.read_bytes()).hexdigest() == before
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == RESULT_SHEET
    assert wb["附件2"]["K3"].fill.fgColor.rgb == ERROR_FILL


def test_validate_annotate_dir_and_force(tmp_path: Path) -> None:
    """--annotate-dir DIR: copies and index.xlsx; a second run needs --force (exit 2 without)."""
    subs = tmp_path / "subs"
    subs.mkdir()
    write_annex2(subs / "a.xlsx", [annex2_row(拖欠金额=-1)])
    write_annex2(subs / "b.xlsx", [annex2_row()])
    out = tmp_path / "returned"
    args = ["validate", str(subs), "--annotate-dir", str(out), "--lang", "zh"]
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 1, res.output
    assert sorted(p.name for p in out.iterdir()) == ["a.xlsx", "index.xlsx"]
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 2
    assert "已存在；如需覆盖请加 --force" in res.output
    res = CliRunner().invoke(cli, [*args, "--force"])
    assert res.exit_code == 1


def test_marked_copies_never_go_inside_the_input_folder(tmp_path: Path) -> None:
    """inbox/returned would be read back as submissions next time (every case twice): the
    folder is refused before anything is read or written."""
    subs = tmp_path / "subs"
    subs.mkdir()
    write_annex2(subs / "a.xlsx", [annex2_row(拖欠金额=-1)])
    args = ["validate", str(subs), "--annotate-dir", str(subs / "returned"), "--lang", "en"]
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 2
    assert "cannot go inside the input folder" in res.output
    assert sorted(p.name for p in subs.iterdir()) == ["a.xlsx"]
