"""Every workbook the tool writes goes through here: atomic save, inputs never overwritten,
text from submissions always a text cell (never a formula), the house styles.
"""

from __future__ import annotations

import errno
import gc
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from ledgercli.model.errors import LedgerError

MAX_SHEET_ROWS = 1_048_576
# The house header style (header_style's), for workbooks streamed with xlsxwriter.
XLSX_HEADER_FORMAT = {
    "bold": True,
    "bg_color": "#DDEBF7",
    "pattern": 1,
    "align": "center",
    "valign": "vcenter",
    "text_wrap": True,
    "border": 1,
    "border_color": "#808080",
}


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


def atomic_save(save: Any, out: Path, replace: bool = False) -> None:
    """Write through `save(path)` to a temporary file beside `out`, then move it into place.

    A crash or a full disk leaves either the old file or the new one, never half of one: the
    temporary file is flushed to disk (fsync) before it takes the name, and removed on every
    way out. Without `replace` the name is taken only if it is still free when the file is
    ready (a hard link cannot overwrite), so of two runs writing the same new output one wins
    and the other says the file exists. A destination that cannot be written (read-only, full,
    gone, not permitted) is a LedgerError (exit 2), not a crash.
    """
    from ledgercli.run.spill import TEMP_PREFIX, clean_stale, track, untrack

    clean_stale(out.parent, TEMP_PREFIX)  # the temporary files of killed runs
    try:
        fd, tmp = tempfile.mkstemp(
            prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=out.suffix, dir=out.parent
        )
        os.close(fd)
    except OSError as exc:
        raise OutputError(out, exc) from None
    track(tmp)
    try:
        with _quiet_cleanup():
            save(tmp)
        # mkstemp makes the file private (0600); a workbook is a shared document and gets the
        # permissions any new file of this user would have.
        mask = os.umask(0)
        os.umask(mask)
        with suppress(OSError):
            os.chmod(tmp, 0o666 & ~mask)
        _fsync(tmp)
        if replace:
            os.replace(tmp, out)
        else:
            _take_name(tmp, out)
        _fsync_dir(out.parent)
    except BaseException as exc:
        with suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise OutputError(out, exc) from None
        raise
    finally:
        untrack(tmp)


def _take_name(tmp: str, out: Path) -> None:
    """Give `tmp` the name `out` only if no file has it: a hard link fails if one does."""
    try:
        os.link(tmp, out)
    except FileExistsError:
        raise LedgerError("output-exists", path=str(out)) from None
    except OSError as exc:
        if exc.errno not in _NO_LINKS:
            raise
        # A file system without hard links (FAT, some shares): claim the name exclusively,
        # then move the finished file over the claim.
        try:
            os.close(os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:
            raise LedgerError("output-exists", path=str(out)) from None
        os.replace(tmp, out)
        return
    os.unlink(tmp)


_NO_LINKS = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK, errno.ENOSYS}


def _fsync(path: str) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    """The rename itself reaches the disk (where the system allows syncing a folder)."""
    with suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextmanager
def _quiet_cleanup() -> Iterator[None]:
    """A writer that failed half-way (a full disk) leaves objects whose destructors try to
    finish the file and fail again, printing 'Exception ignored in ZipFile.__del__' with a
    traceback. They are collected here, with that noise muted; the error itself is raised."""
    try:
        yield
    except BaseException:
        hook = sys.unraisablehook
        sys.unraisablehook = lambda _unraisable: None
        try:
            gc.collect()
        finally:
            sys.unraisablehook = hook
        raise


# Why a destination cannot be written, for a person: the errnos the catalogue explains
# (`output-reason.EROFS` …); any other is given in the system's words.
_OUTPUT_REASONS = {
    errno.EROFS,
    errno.ENOSPC,
    errno.EDQUOT,
    errno.EACCES,
    errno.EPERM,
    errno.ENOENT,
    errno.ENOTDIR,
    errno.EISDIR,
    errno.ENAMETOOLONG,
    errno.EIO,
}


class OutputError(LedgerError):
    """An output that could not be written, with the reason in the reader's language."""

    def __init__(self, out: Path, exc: OSError) -> None:
        super().__init__("output-write-failed", path=str(out))
        number = exc.errno or 0
        self.reason = errno.errorcode[number] if number in _OUTPUT_REASONS else None
        self.detail = exc.strerror or type(exc).__name__

    def render(self, lang: str) -> str:
        from ledgercli.model.i18n import message

        reason = message(f"output-reason.{self.reason}", lang) if self.reason else self.detail
        return message(self.code, lang, path=self.params["path"], reason=reason)


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
