"""OUTDIR, the folder `ledger week` owns: its stable file names, the marker that lists what it
wrote, the refusals made before anything is read, and the swap that puts a new week in place.

The outputs are written whole beside OUTDIR and put in its place at the end; a marker file
lists what it holds, and a folder holding anything else is refused before a single file is
read.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from ledgercli.model.errors import LedgerError
from ledgercli.run.spill import track, untrack

# --- the folder's contents: stable names (docs/commands.md "ledger week") ---------------------

CITY = "全市台账.xlsx"
ANNEX3 = "附件3-排查情况汇总表.xlsx"
ANNEX4 = "附件4-化解情况汇总表.xlsx"
WUHAN = "武汉周报-线索办理情况汇总表.xlsx"
CHANGES = "本周变化.xlsx"
OVERDUE = "逾期未偿还.xlsx"
INDEX = "退回清单.xlsx"
RETURNS = "退回"  # the folder of marked copies
HTML = "周报.html"
JSON = "week.json"
MARKER = ".ledger-week.json"
MARKER_TOOL = "ledger week"
# The summary tables the week writes, by the `annex` of their schema: (week.json key, file).
SUMMARIES = {"3": ("annex3", ANNEX3), "4": ("annex4", ANNEX4), "wh": ("wuhan", WUHAN)}
# Files an operating system drops into any folder it shows; not the clerk's, not ours.
OS_LITTER = {".DS_Store", "Thumbs.db", "desktop.ini"}


def check_outdir(inbox: Path, outdir: Path, last: Path | None = None) -> None:
    """Refuse an OUTDIR inside the inbox (the next week would read our outputs as submissions),
    a file, or a folder holding anything the tool did not write there; and a --last that is
    this OUTDIR. Nothing is read or written before these checks."""
    if not inbox.exists():
        raise LedgerError("file-missing", path=str(inbox))
    if not inbox.is_dir():
        raise LedgerError("week-inbox-not-folder", path=str(inbox))
    target = outdir.resolve()
    if target.is_relative_to(inbox.resolve()):
        raise LedgerError("week-outdir-in-inbox", path=str(outdir), inbox=str(inbox))
    if last is not None and last.resolve() == target:
        raise LedgerError("week-last-is-outdir", path=str(last))
    if not outdir.exists():
        return
    if not outdir.is_dir():
        raise LedgerError("week-outdir-not-folder", path=str(outdir))
    foreign = foreign_files(outdir)
    if foreign:
        shown = "、".join(foreign[:5]) + ("…" if len(foreign) > 5 else "")
        raise LedgerError("week-outdir-foreign", path=str(outdir), files=shown, n=len(foreign))


def foreign_files(outdir: Path) -> list[str]:
    """What OUTDIR holds that its marker does not list (all of it, without a marker)."""
    owned = set(read_marker(outdir).get("files", [])) | {MARKER}
    found = []
    for p in sorted(outdir.rglob("*")):
        rel = p.relative_to(outdir).as_posix()
        if (p.is_dir() and rel in owned) or p.name in OS_LITTER:
            continue
        if p.is_dir() and any(f.startswith(rel + "/") for f in owned):
            continue
        if rel not in owned:
            found.append(rel)
    return found


def read_marker(folder: Path) -> dict[str, Any]:
    """The marker of a folder `ledger week` wrote ({} for any other folder)."""
    try:
        data = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) and data.get("tool") == MARKER_TOOL else {}


def write_marker(folder: Path, fields: dict[str, Any]) -> None:
    """The marker: what the folder holds (every file written so far), and `fields`."""
    written = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))
    marker = {"tool": MARKER_TOOL, "version": 1, **fields, "files": written}
    (folder / MARKER).write_text(json.dumps(marker, ensure_ascii=False, indent=1), "utf-8")


@contextmanager
def staging(outdir: Path) -> Iterator[Path]:
    """A new folder beside OUTDIR to write into; on success it becomes OUTDIR whole (the
    previous one, the tool's own, is removed), on failure it is removed and OUTDIR stays as
    it was."""
    parent = outdir.absolute().parent
    parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=f".{outdir.name}.ledger-new-", dir=parent))
    track(folder, folder=True)
    try:
        # mkdtemp makes the folder private (0700); OUTDIR is a shared folder like any other.
        mask = os.umask(0)
        os.umask(mask)
        with suppress(OSError):
            os.chmod(folder, 0o777 & ~mask)
        yield folder
        # From here a stop signal waits for the two renames: OUTDIR is never left missing.
        with _signals_held():
            untrack(folder)
            swap_into(folder, outdir)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    finally:
        untrack(folder)


@contextmanager
def _signals_held() -> Iterator[None]:
    import signal

    held = {getattr(signal, n) for n in ("SIGTERM", "SIGHUP", "SIGINT") if hasattr(signal, n)}
    if not hasattr(signal, "pthread_sigmask") or not held:
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def swap_into(folder: Path, outdir: Path) -> None:
    """Put `folder` in OUTDIR's place: two renames on one file system, so OUTDIR is either
    the previous outputs or the new ones; a folder that cannot be moved (a file in it open in
    Excel, on Windows) leaves the previous outputs in place and says so."""
    old = None
    if outdir.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{outdir.name}.ledger-old-", dir=folder.parent))
        old.rmdir()
        try:
            os.rename(outdir, old)
        except OSError as exc:
            raise LedgerError("week-outdir-busy", path=str(outdir), detail=str(exc)) from exc
    try:
        os.rename(folder, outdir)
    except OSError as exc:
        if old is not None:
            os.rename(old, outdir)
        raise LedgerError("week-outdir-busy", path=str(outdir), detail=str(exc)) from exc
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
