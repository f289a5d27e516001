"""Starting the workers' fork server first thing, so that its imports overlap the command's own.

A worker pool forks its processes from a server process that has imported the reading code
once (~0.2 s). Started only when the pool is created, that import would come after the
command's own imports, one after the other; started here, before them, the two run side by
side on two cores. This module imports nothing heavy for that reason.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterable
from pathlib import Path

# Below this much input, starting worker processes (~0.3 s) costs more than it saves; an
# explicit --jobs is obeyed whatever the size.
SERIAL_BELOW_BYTES = 2 * 1024 * 1024


def inputs(paths: Iterable[Path], enough: int = SERIAL_BELOW_BYTES) -> tuple[int, int]:
    """(files, bytes) of the inputs (folders walked), counted only until there are two files
    and `enough` bytes: all that decides whether a pool is worth starting."""
    files = total = 0
    for root in paths:
        try:
            found = root.rglob("*") if root.is_dir() else iter([root])
            for p in found:
                if p.is_file():
                    files += 1
                    total += p.stat().st_size
                    if files >= 2 and total >= enough:
                        return files, total
        except OSError:
            continue  # the command itself says what is wrong with an unreadable path
    return files, total


def prestart(paths: Iterable[Path], jobs: int | None, preload: list[str]) -> None:
    """Start the fork server now if this run will use a pool; otherwise do nothing.

    `preload` names the modules of the run's task (by name: importing them here is what
    this module avoids), imported once in the fork server instead of once per worker."""
    if jobs == 1 or (os.cpu_count() or 1) < 2:
        return
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return
    files, total = inputs(paths)
    if files < 2 or (jobs is None and total < SERIAL_BELOW_BYTES):
        return  # one file is read in this process; a few small ones too
    from multiprocessing import forkserver

    multiprocessing.get_context("forkserver").set_forkserver_preload(preload)
    forkserver.ensure_running()
