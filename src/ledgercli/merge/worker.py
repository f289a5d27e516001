"""A merge's reading: each file validated on the pool, its rows spilled as the city workbook
will hold them.

The workers do not send whole ledgers back: each writes its file's rows, already as the city
workbook will hold them, to a spill file, and returns what the merge plans with (Excel rows,
error counts, case identities). The merge then streams spills to the writer one file at a
time, so memory stays at one file's rows whatever the number of files.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ledgercli.check import validate
from ledgercli.model.cityformat import detail_columns, row_cells
from ledgercli.model.forms import FormSpec
from ledgercli.model.ledger import Ledger, SheetRows
from ledgercli.model.options import Options
from ledgercli.model.report import FileReport, Finding
from ledgercli.read import splitread
from ledgercli.run import spill
from ledgercli.run.pool import Progress, Work, run

Read = tuple[FileReport, "FileRows | None", str | None]


@dataclass
class FileRows(SheetRows):
    """What a merge needs of one file's rows, without holding their cells in memory."""

    form_id: str
    form_kind: str
    sheet: str  # the first sheet read
    rows: list[int]  # Excel row of each data row
    errors: list[int]
    warnings: list[int]
    identities: list[str | None]
    labels: list[str]  # the identity as a person reads it ("" where there is none)
    unit: str | None  # the file's reporting unit, as the 填报单位 column shows it
    units: str | None  # every unit of the file, for the 来源 sheet
    spill: Path | None = None  # list of row tuples, the city workbook's cells (run/spill.py)
    key: bytes | None = None  # the run's key of the spill, never written anywhere
    marks: list[str] | None = None  # the unit of amount of each row (amountunit.py)
    # The sheet of each row (a sheet per town: every one is read); [sheet] * rows when empty.
    row_sheets: list[str] = field(default_factory=list)
    # Each row's reporting unit where the file's sheets name different ones above their
    # headers (a Wuhan workbook with a sheet per unit); None: every row's is `unit`.
    row_units: list[str | None] | None = None
    # The validated ledger itself, only when the caller asked for it (`ledger week` computes
    # its summaries, changes and lapsed promises from the same read as the city workbook).
    # Its form crosses the pipe by id (FormSpec.__reduce__).
    ledger: Ledger | None = None
    _sheet_names: list[str] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self._fill_sheets()

    def __len__(self) -> int:
        return len(self.rows)

    def place(self, i: int) -> str:
        """Row i as a person looks for it: `sheet!row` (the 来源 of a merge names sheets)."""
        return f"{self.row_sheets[i]}!{self.rows[i]}"

    def load(self) -> list[tuple[Any, ...]]:
        assert self.spill is not None and self.key is not None
        rows: list[tuple[Any, ...]] = spill.load(self.spill, self.key)
        return rows


def read_for_merge(
    paths: Sequence[Path],
    options: Options,
    forms: list[FormSpec],
    spill_dir: Path,
    *,
    key: bytes,
    jobs: int | None = None,
    progress: Progress | None = None,
    keep_ledgers: bool = False,
) -> list[Read]:
    """Validate each file and spill its rows (encrypted with `key`); (report, rows, sha256)
    in input order.

    `keep_ledgers` also sends each file's validated ledger back (`FileRows.ledger`), for a
    caller that computes more than the city workbook from the one read."""
    work = Work(_merge_task, _unreadable, (options, forms, key, keep_ledgers))
    items = [(p, spill_dir / f"{n:06d}.spill") for n, p in enumerate(paths)]
    # One file alone leaves the other core idle: its sheet may be parsed on two.
    with splitread.enabled(splitread.alone(len(paths), jobs)):
        return run(work, items, jobs=jobs, progress=progress)


def _unreadable(path: Path, finding: Finding) -> Read:
    return FileReport(path=str(path), readable=False, findings=[finding]), None, sha256_of(path)


def _merge_task(shared: tuple[Options, list[FormSpec], bytes, bool], path: Path, to: Path) -> Read:
    options, forms, key, keep_ledger = shared
    # Looked up on the module at each call: tests replace it to make one file fail.
    fr, ledger = validate.validate_file(path, options, forms)
    # The digest of the very bytes the rows were read from: a file rewritten during the
    # merge cannot pair one version's rows with the other's SHA-256.
    sha = fr.sha256
    if not fr.readable or ledger is None:
        return fr, None, sha
    n = len(ledger)
    identities = ledger.identities()
    labels = [ledger.label(i) for i in range(n)]
    units = {ledger.unit_of(i) for i in range(n)} - {None, ""}
    cols, _ = detail_columns(ledger.form)
    cells = row_cells(ledger, cols)
    spill.dump(cells, to, key)
    del cells
    rows = FileRows(
        form_id=ledger.form.id,
        form_kind=ledger.form.kind,
        sheet=ledger.sheet,
        rows=list(ledger.rows),
        errors=list(ledger.errors),
        warnings=list(ledger.warnings),
        identities=list(identities),
        labels=labels,
        unit=ledger.unit,
        units=ledger.unit or "、".join(sorted(str(u) for u in units)) or None,
        spill=to,
        key=key,
        row_sheets=list(ledger.row_sheets),
        row_units=ledger.units() if ledger.unit is None and ledger.form.unit_metadata else None,
        marks=ledger.marks,
        ledger=ledger if keep_ledger else None,
    )
    return fr, rows, sha


def sha256_of(path: Path) -> str | None:
    """The digest of a regular file (a pipe or a device is never opened: it could block)."""
    h = hashlib.sha256()
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return None
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                return None
            while chunk := fh.read(1 << 20):
                h.update(chunk)
    except OSError:
        return None
    return h.hexdigest()
