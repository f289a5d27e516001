"""Reading many submissions on every core, with the same result as reading them one by one.

Files are independent, so each is validated in a worker process of a pool; results come back
in input order, so reports and merged workbooks are byte-identical to a serial run. A worker
that raises, or dies (out of memory, a fault in a reader library), becomes that file's report:
one file never takes the others down, and never shows a traceback.

For a merge the workers do not send whole ledgers back: each writes its file's rows, already
as the city workbook will hold them, to a spill file, and returns what the merge plans with
(Excel rows, error counts, case identities). The merge then streams spills to the writer one
file at a time, so memory stays at one file's rows whatever the number of files.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import stat
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .forms import FormSpec
from .i18n import register
from .ledger import Ledger, SheetRows
from .prestart import PRELOAD, SERIAL_BELOW_BYTES
from .report import FileReport, Finding

register(
    {
        "internal-error": (
            "读取该文件时ledger内部出错（{detail}）：这是ledger的缺陷，请报告此问题",
            "ledger failed on this file ({detail}): this is a bug in ledger, please report it",
        ),
        "worker-died": (
            "读取该文件的进程意外退出（内存不足，或文件触发了读取库的缺陷）",
            "the process reading this file died (out of memory, or the file triggers a fault "
            "in the reading library)",
        ),
    }
)

Progress = Callable[[Path, int, int], None]

# The forms of a run, set once per worker process by the pool's initializer (spawn-safe:
# everything a worker needs arrives pickled, nothing is inherited).
_STATE: dict[str, Any] = {}


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
    spill: Path | None = None  # list of row tuples, the city workbook's cells (spill.py)
    key: bytes | None = None  # the run's key of the spill, never written anywhere
    marks: list[str] | None = None  # the unit of amount of each row (amountunit.py)
    # The sheet of each row (a sheet per town: every one is read); [sheet] * rows when empty.
    row_sheets: list[str] = field(default_factory=list)
    # Each row's reporting unit where the file's sheets name different ones above their
    # headers (a Wuhan workbook with a sheet per unit); None: every row's is `unit`.
    row_units: list[str | None] | None = None
    # The validated ledger itself, only when the caller asked for it (`ledger week` computes
    # its summaries, changes and lapsed promises from the same read as the city workbook).
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
        from .spill import load

        assert self.spill is not None and self.key is not None
        rows: list[tuple[Any, ...]] = load(self.spill, self.key)
        return rows


def effective_jobs(jobs: int | None, n_files: int, total_bytes: int | None = None) -> int:
    """None means every core (one, for a few small files); never more processes than files."""
    if jobs is None and total_bytes is not None and total_bytes < SERIAL_BELOW_BYTES:
        return 1
    want = os.cpu_count() or 1 if jobs is None else max(1, jobs)
    return max(1, min(want, n_files))


def validate_many(
    paths: Sequence[Path],
    options: Any,
    forms: list[FormSpec],
    *,
    jobs: int | None = None,
    keep_ledgers: bool = True,
    progress: Progress | None = None,
) -> list[tuple[FileReport, Ledger | None]]:
    """Validate each file; results in input order, the same whatever `jobs` is."""
    by_id = {f.id: f for f in forms}
    results = _run(
        _validate_task, [(p, keep_ledgers) for p in paths], paths, options, forms, jobs, progress
    )
    out: list[tuple[FileReport, Ledger | None]] = []
    for fr, ledger in results:
        if ledger is not None:
            _restore_form(ledger, by_id)
        out.append((fr, ledger))
    return out


def _ship(ledger: Ledger) -> Ledger:
    """The form goes back by its id: the parent holds the same specs, and 300 copies of a
    schema need not cross the pipe."""
    ledger.form = (ledger.form.id, ledger.form.is_roster)  # type: ignore[assignment]
    return ledger


def _restore_form(ledger: Ledger, by_id: dict[str, FormSpec]) -> None:
    if isinstance(ledger.form, tuple):
        form_id, is_roster = ledger.form
        form = by_id[form_id]
        ledger.form = form.roster or form if is_roster else form


def read_for_merge(
    paths: Sequence[Path],
    options: Any,
    forms: list[FormSpec],
    spill_dir: Path,
    *,
    key: bytes,
    jobs: int | None = None,
    progress: Progress | None = None,
    keep_ledgers: bool = False,
) -> list[tuple[FileReport, FileRows | None, str | None]]:
    """Validate each file and spill its rows (encrypted with `key`); (report, rows, sha256)
    in input order.

    `keep_ledgers` also sends each file's validated ledger back (`FileRows.ledger`), for a
    caller that computes more than the city workbook from the one read."""
    tasks = [(p, spill_dir / f"{n:06d}.spill", key, keep_ledgers) for n, p in enumerate(paths)]
    results = _run(_merge_task, tasks, paths, options, forms, jobs, progress)
    if keep_ledgers:
        by_id = {f.id: f for f in forms}
        for _, rows, _ in results:
            if rows is not None and rows.ledger is not None:
                _restore_form(rows.ledger, by_id)
    return results


def _run(
    task: Callable[..., Any],
    args: list[tuple[Any, ...]],
    paths: Sequence[Path],
    options: Any,
    forms: list[FormSpec],
    jobs: int | None,
    progress: Progress | None,
) -> list[Any]:
    total = len(args)
    n_jobs = effective_jobs(jobs, total, sum(map(_size, paths)) if jobs is None else None)
    if n_jobs == 1:
        from .splitread import enabled, idle_core

        _init(options, forms)
        out = []
        # One file alone leaves the other cores idle: its sheet may be parsed on two.
        with enabled(total == 1 and jobs != 1 and idle_core()):
            for n, a in enumerate(args, start=1):
                if progress is not None:
                    progress(paths[n - 1], n, total)
                out.append(_guarded(task, *a))
        return out

    results: list[Any] = [None] * total
    failed: list[int] = []
    with ProcessPoolExecutor(
        max_workers=n_jobs, mp_context=_context(), initializer=_init, initargs=(options, forms)
    ) as pool:
        futures: dict[Future[Any], int] = {
            pool.submit(_guarded, task, *a): k for k, a in enumerate(args)
        }
        for done, fut in enumerate(as_completed(futures), start=1):
            k = futures[fut]
            if progress is not None:
                progress(paths[k], done, total)
            try:
                results[k] = fut.result()
            except Exception:  # the pool broke (a worker died) or a result would not pickle
                failed.append(k)
    # A dead worker breaks every pending file of the pool; each is read again alone, so only
    # the file that kills its process is reported as such.
    for k in sorted(failed):
        results[k] = _isolated(task, args[k], options, forms)
    return results


def in_background(fn: Callable[..., Any], *args: Any) -> Future[Any]:
    """Run `fn(*args)` in a process of its own while this one goes on (`ledger week` writes
    the city workbook there while it computes the rest); `.result()` waits for it."""
    pool = ProcessPoolExecutor(max_workers=1, mp_context=_context())
    future = pool.submit(fn, *args)
    pool.shutdown(wait=False)  # the process ends once its one job is done
    return future


def _isolated(
    task: Callable[..., Any], a: tuple[Any, ...], options: Any, forms: list[FormSpec]
) -> Any:
    path = a[0]
    try:
        with ProcessPoolExecutor(
            max_workers=1, mp_context=_context(), initializer=_init, initargs=(options, forms)
        ) as pool:
            return pool.submit(_guarded, task, *a).result()
    except BrokenProcessPool:
        return _failed(task, path, Finding("error", "worker-died"))
    except Exception as exc:
        return _failed(task, path, _internal(exc))


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _context() -> Any:
    # forkserver: workers do not inherit the parent's threads (the progress bar's) mid-lock,
    # and start faster than spawn; spawn where there is no forkserver.
    methods = multiprocessing.get_all_start_methods()
    method = START_METHOD or ("forkserver" if "forkserver" in methods else "spawn")
    ctx = multiprocessing.get_context(method)
    if method == "forkserver":
        ctx.set_forkserver_preload(PRELOAD)
    return ctx


# Tests set "fork" to let a worker see a monkeypatched function.
START_METHOD: str | None = None


def _init(options: Any, forms: list[FormSpec]) -> None:
    _STATE["options"] = options
    _STATE["forms"] = forms


def _guarded(task: Callable[..., Any], path: Path, *rest: Any) -> Any:
    """A bug on one file is that file's report, never the end of the run."""
    try:
        return task(path, *rest)
    except Exception as exc:
        return _failed(task, path, _internal(exc))


def _internal(exc: BaseException) -> Finding:
    return Finding("error", "internal-error", params={"detail": f"{type(exc).__name__}: {exc}"})


def _failed(task: Callable[..., Any], path: Path, finding: Finding) -> Any:
    fr = FileReport(path=str(path), readable=False, findings=[finding])
    if task is _merge_task:
        return fr, None, sha256_of(path)
    return fr, None


def _validate_task(path: Path, keep_ledger: bool) -> tuple[FileReport, Ledger | None]:
    from .validate import validate_file

    fr, ledger = validate_file(path, _STATE["options"], _STATE["forms"])
    if ledger is None or not keep_ledger:
        return fr, None
    return fr, _ship(ledger)


def _merge_task(
    path: Path, spill: Path, key: bytes, keep_ledger: bool = False
) -> tuple[FileReport, FileRows | None, str | None]:
    from .citybook import detail_columns, row_cells
    from .merge import describe, identity
    from .spill import dump
    from .validate import validate_file

    fr, ledger = validate_file(path, _STATE["options"], _STATE["forms"])
    # The digest of the very bytes the rows were read from: a file rewritten during the
    # merge cannot pair one version's rows with the other's SHA-256.
    sha = fr.sha256
    if not fr.readable or ledger is None:
        return fr, None, sha
    n = len(ledger)
    identities = [identity(ledger, i) for i in range(n)]
    labels = [describe(ledger, i) if identities[i] is not None else "" for i in range(n)]
    units = {ledger.unit_of(i) for i in range(n)} - {None, ""}
    cols, _ = detail_columns(ledger.form)
    cells = row_cells(ledger, cols)
    dump(cells, spill, key)
    del cells
    rows = FileRows(
        form_id=ledger.form.id,
        form_kind=ledger.form.kind,
        sheet=ledger.sheet,
        rows=list(ledger.rows),
        errors=list(ledger.errors),
        warnings=list(ledger.warnings),
        identities=identities,
        labels=labels,
        unit=ledger.unit,
        units=ledger.unit or "、".join(sorted(str(u) for u in units)) or None,
        spill=spill,
        key=key,
        row_sheets=list(ledger.row_sheets),
        row_units=ledger.units() if ledger.unit is None and ledger.form.unit_metadata else None,
        marks=ledger.marks,
    )
    if keep_ledger:
        rows.ledger = _ship(ledger)
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
