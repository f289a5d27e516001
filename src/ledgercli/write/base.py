"""Every workbook the tool writes goes through here: atomic save, inputs never overwritten,
text from submissions always a text cell (never a formula), the house styles.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from contextlib import suppress
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from ledgercli.model.errors import LedgerError

MAX_SHEET_ROWS = 1_048_576


def check_output(out: Path, inputs: Iterable[Path] = (), force: bool = False) -> None:
    """Refuse a name that is not a workbook's, an input, or an existing file without --force."""
    if out.suffix.lower() not in (".xlsx", ".xlsm"):
        # A workbook saved as city.csv opens as garbage in Excel and WPS.
        raise LedgerError("output-suffix", path=str(out))
    # Both the file a link points to and the link itself: replacing either loses a file.
    targets = {out.resolve(), out.absolute()}
    for p in inputs:
        with suppress(OSError):
            folder = p.resolve()
            for target in targets:
                # Inside an input folder an existing file is replaced only with --force, and
                # only if it is last week's city workbook (which the readers skip): anything
                # else there (a ledger, an encrypted one, a district's annex) is a submission.
                inside = p.is_dir() and target.is_relative_to(folder) and target.exists()
                if folder == target or (inside and (not force or not _merged_workbook(target))):
                    raise LedgerError("output-is-input", path=str(out))
    if out.exists() and not force:
        raise LedgerError("output-exists", path=str(out))
    if not out.parent.exists():
        raise LedgerError("output-dir-missing", path=str(out.parent))


def _merged_workbook(path: Path) -> bool:
    """Is this positively a merged city workbook (its header has the provenance columns)?
    Only the head rows are read, so a 100k-row file costs no more than a small one."""
    stat = path.stat()
    return _merged_cached(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _merged_cached(path: str, mtime_ns: int, size: int) -> bool:
    from ledgercli.model.cityformat import is_merged
    from ledgercli.model.forms import input_forms
    from ledgercli.read.columnar import head_book
    from ledgercli.read.table import HEADER_SCAN_ROWS, locate
    from ledgercli.read.workbook import open_book

    try:
        book = open_book(Path(path))
        heads = head_book(book, HEADER_SCAN_ROWS) or book
        loc = locate(heads, input_forms(), collect=False)
    except Exception:
        return False  # unreadable, encrypted, of an unknown form: kept
    return is_merged(loc.extras)


def atomic_save(save: Any, out: Path) -> None:
    """Write through `save(path)` to a temporary file beside `out`, then rename over it.

    A crash or a full disk leaves either the old file or the new one, never half of one.
    """
    fd, tmp = tempfile.mkstemp(prefix=".~ledger-", suffix=out.suffix, dir=out.parent)
    os.close(fd)
    try:
        save(tmp)
        # mkstemp makes the file private (0600); a workbook is a shared document and gets the
        # permissions any new file of this user would have.
        mask = os.umask(0)
        os.umask(mask)
        with suppress(OSError):
            os.chmod(tmp, 0o666 & ~mask)
        os.replace(tmp, out)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise


def set_text(cell: Any, value: str) -> None:
    """A text cell whatever it starts with: '=1+1' from a submission stays the text '=1+1'."""
    cell.value = value
    cell.data_type = "s"


def set_value(cell: Any, value: Any, number_format: str | None = None) -> None:
    """Write a parsed value: Decimal as a number (exact to 15 digits), str as text."""
    if value is None:
        return
    if isinstance(value, str):
        set_text(cell, value)
        return
    if isinstance(value, Decimal):
        # Excel holds doubles; 0.0001 万元 amounts of a ledger are far inside 15 digits.
        cell.value = float(value)
    else:
        cell.value = value
    if number_format:
        cell.number_format = number_format


def header_style() -> dict[str, Any]:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="808080")
    return {
        "font": Font(bold=True),
        "fill": PatternFill("solid", fgColor="DDEBF7"),
        "alignment": Alignment(horizontal="center", vertical="center", wrap_text=True),
        "border": Border(left=thin, right=thin, top=thin, bottom=thin),
    }


def apply_style(cell: Any, style: dict[str, Any]) -> None:
    for name, value in style.items():
        setattr(cell, name, value)
