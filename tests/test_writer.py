"""Writing workbooks: atomic, permissions of an ordinary file, text never a formula."""

from __future__ import annotations

import os
from pathlib import Path

import openpyxl
import pytest

from ledgercli.model.errors import LedgerError
from ledgercli.write.base import atomic_save, check_output, set_text


def test_atomic_save_leaves_no_half_file(tmp_path: Path) -> None:
    """A failing save leaves neither the output nor a temporary file behind, and is a plain
    LedgerError naming the reason (exit 2), not an OSError (which the CLI calls a bug)."""
    import errno

    out = tmp_path / "out.xlsx"

    def broken(path: str) -> None:
        Path(path).write_bytes(b"half")
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(LedgerError) as exc:
        atomic_save(broken, out)
    assert exc.value.code == "output-write-failed"
    assert "the disk is full" in exc.value.render("en") and "磁盘空间已满" in exc.value.render("zh")
    assert list(tmp_path.iterdir()) == []


def test_atomic_save_has_ordinary_permissions(tmp_path: Path) -> None:
    """The saved file gets the user's umask permissions, not mkstemp's private 0600."""
    out = tmp_path / "out.xlsx"
    mask = os.umask(0o022)
    try:
        atomic_save(lambda p: Path(p).write_bytes(b"x"), out)
    finally:
        os.umask(mask)
    assert out.stat().st_mode & 0o777 == 0o644


def test_check_output_refuses_inputs_and_existing(tmp_path: Path) -> None:
    """An input is never an output; an existing output needs force."""
    src = tmp_path / "in.xlsx"
    src.write_bytes(b"x")
    with pytest.raises(LedgerError) as exc:
        check_output(src, [src], force=True)
    assert exc.value.code == "output-is-input"
    with pytest.raises(LedgerError) as exc:
        check_output(src, [], force=False)
    assert exc.value.code == "output-exists"
    check_output(src, [], force=True)


def test_set_text_keeps_formula_text(tmp_path: Path) -> None:
    """'=1+1' written with set_text reads back as the string, cell type s."""
    wb = openpyxl.Workbook()
    set_text(wb.active["A1"], "=1+1")
    p = tmp_path / "t.xlsx"
    wb.save(p)
    cell = openpyxl.load_workbook(p).active["A1"]
    assert cell.value == "=1+1" and cell.data_type == "s"


def test_output_must_be_a_workbook_name(tmp_path: Path) -> None:
    """-o city.csv would write an xlsx under a csv name: refused."""
    with pytest.raises(LedgerError) as exc:
        check_output(tmp_path / "city.csv", [], force=True)
    assert exc.value.code == "output-suffix"
