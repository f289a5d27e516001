"""Running one task per file on every core, with the same result as running them one by one.

Files are independent, so each file's task runs in a worker process of a pool; results come
back in input order, so reports and merged workbooks are byte-identical to a serial run. A
task that raises, or a worker that dies (out of memory, a fault in a reader library), becomes
that file's result through the run's `failed`: one file never takes the others down, and never
shows a traceback.

The pool knows nothing of validating or merging: a `Work` names the task, the result standing
for a file that failed, and what every task of the run shares (sent once per worker).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from ledgercli.model.report import Finding
from ledgercli.run.collector import paused
from ledgercli.run.prestart import SERIAL_BELOW_BYTES

Progress = Callable[[Path, int, int], None]

S = TypeVar("S")  # what every task of a run shares (options, forms)
A = TypeVar("A")  # a task's own argument besides its file
R = TypeVar("R")  # a task's result


@dataclass(frozen=True)
class Work(Generic[S, A, R]):
    """One run: `task(shared, path, arg)` per file, and `failed(path, finding)`, the result
    that stands for a file whose task raised or whose worker died. Both are module-level
    functions: a worker process gets them by name."""

    task: Callable[[S, Path, A], R]
    failed: Callable[[Path, Finding], R]
    shared: S


# What the tasks of a run share, set once per worker process by the pool's initializer
# (spawn-safe: everything a worker needs arrives pickled, nothing is inherited).
_STATE: dict[str, Any] = {}


def effective_jobs(jobs: int | None, n_files: int, total_bytes: int | None = None) -> int:
    """None means every core (one, for a few small files); never more processes than files."""
    if jobs is None and total_bytes is not None and total_bytes < SERIAL_BELOW_BYTES:
        return 1
    want = os.cpu_count() or 1 if jobs is None else max(1, jobs)
    return max(1, min(want, n_files))


def run(
    work: Work[S, A, R],
    items: Sequence[tuple[Path, A]],
    *,
    jobs: int | None = None,
    progress: Progress | None = None,
) -> list[R]:
    """Each item's task; results in input order, the same whatever `jobs` is (None: every
    core, or one for a few small files; 1: in this process)."""
    total = len(items)
    paths = [path for path, _ in items]
    n_jobs = effective_jobs(jobs, total, sum(map(_size, paths)) if jobs is None else None)
    if n_jobs == 1:
        _init(work.shared)
        out = []
        for n, (path, arg) in enumerate(items, start=1):
            if progress is not None:
                progress(path, n, total)
            out.append(_guarded(work.task, work.failed, path, arg))
        return out

    results: dict[int, R] = {}
    failed: list[int] = []
    # Results are unpickled here (a kept ledger is a file's rows): see collector.py.
    with (
        paused(),
        ProcessPoolExecutor(
            max_workers=n_jobs,
            mp_context=_context(work),
            initializer=_init,
            initargs=(work.shared,),
        ) as pool,
    ):
        futures: dict[Future[R], int] = {
            pool.submit(_guarded, work.task, work.failed, path, arg): k
            for k, (path, arg) in enumerate(items)
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
        results[k] = _isolated(work, *items[k])
    return [results[k] for k in range(total)]


def in_background(fn: Callable[..., R], *args: Any) -> Future[R]:
    """Run `fn(*args)` in a process of its own while this one goes on (`ledger week` writes
    the city workbook there while it computes the rest); `.result()` waits for it."""
    pool = ProcessPoolExecutor(max_workers=1, mp_context=_start_context([fn.__module__]))
    future = pool.submit(fn, *args)
    pool.shutdown(wait=False)  # the process ends once its one job is done
    return future


def _isolated(work: Work[S, A, R], path: Path, arg: A) -> R:
    try:
        with ProcessPoolExecutor(
            max_workers=1, mp_context=_context(work), initializer=_init, initargs=(work.shared,)
        ) as pool:
            return pool.submit(_guarded, work.task, work.failed, path, arg).result()
    except BrokenProcessPool:
        return work.failed(path, Finding("error", "worker-died"))
    except Exception as exc:
        return work.failed(path, _internal(exc))


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _context(work: Work[Any, Any, Any]) -> Any:
    return _start_context([work.task.__module__])


def _start_context(modules: list[str]) -> Any:
    # forkserver: workers do not inherit the parent's threads (the progress bar's) mid-lock,
    # and start faster than spawn; spawn where there is no forkserver.
    methods = multiprocessing.get_all_start_methods()
    method = START_METHOD or ("forkserver" if "forkserver" in methods else "spawn")
    ctx = multiprocessing.get_context(method)
    if method == "forkserver":
        # What the task needs, imported once in the fork server instead of once per worker.
        ctx.set_forkserver_preload([__name__, *modules])
    return ctx


# Tests set "fork" to let a worker see a monkeypatched function.
START_METHOD: str | None = None


def _init(shared: Any) -> None:
    _STATE["shared"] = shared


def _guarded(
    task: Callable[[Any, Path, A], R], failed: Callable[[Path, Finding], R], path: Path, arg: A
) -> R:
    """A bug on one file is that file's result, never the end of the run."""
    try:
        with paused():  # a file's ledger is acyclic: see collector.py
            return task(_STATE["shared"], path, arg)
    except Exception as exc:
        return failed(path, _internal(exc))


def _internal(exc: BaseException) -> Finding:
    return Finding("error", "internal-error", params={"detail": f"{type(exc).__name__}: {exc}"})
