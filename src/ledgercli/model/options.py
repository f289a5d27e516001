"""What a person asked of a run: the options every command that reads submissions shares.

Held here, below every layer that reads them, and cheap to import: a command builds them
before it starts the worker pool (run/prestart.py), whose imports it overlaps with its own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

# Refuse a workbook whose parts would inflate beyond this (--max-unpacked-mb).
DEFAULT_MAX_UNPACKED_MB = 2048


@dataclass
class Options:
    form: str | None = None
    schema: Path | None = None
    sheet: str | None = None
    password: str | None = None
    cutoff: str | None = None
    max_unpacked_mb: int = DEFAULT_MAX_UNPACKED_MB
    today: dt.date = field(default_factory=dt.date.today)
    # A summary's read of a merged city workbook (a sheet with the 校验状态 column merge
    # writes): parse only these column keys, without uniqueness, cross-field or duplicate
    # checks, and take each row's errors from 校验状态, which merge wrote from the full
    # validation. Any other workbook, or None here, is validated in full.
    summary_columns: frozenset[str] | None = None
    # Processes that read files (None: every core; 1: in this process); results never differ.
    jobs: int | None = None
    # A roster of units (--units): their canonical names, and who did not report (units.py).
    units: Path | None = None
    # A byte-identical copy of an input (附件2(1).xlsx) counts once unless this is set.
    keep_copies: bool = False
