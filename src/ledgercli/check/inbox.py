"""Validating an inbox: files and folders, each file on the pool, byte-identical copies counted
once, last week's city workbook and a district's annex 3/4 passed over, unit names made
canonical across all files.

`validate_paths` is what every command that reads submissions starts with; the work on one
file is check/validate.py's.
"""

from __future__ import annotations

import hashlib
import stat
from collections.abc import Iterable, Sequence
from contextlib import suppress
from pathlib import Path
from typing import Any

from ledgercli.check import validate
from ledgercli.check.roster import read_roster
from ledgercli.check.validate import forms_for
from ledgercli.model.forms import FormSpec
from ledgercli.model.ledger import Ledger
from ledgercli.model.options import Options
from ledgercli.model.report import FileReport, Finding, Report
from ledgercli.model.units import canonicalize
from ledgercli.read import splitread
from ledgercli.read.workbook import UNREADABLE_REASONS, iter_spreadsheets, real
from ledgercli.run.pool import Progress, Work, run


def validate_paths(
    paths: list[Path],
    options: Options,
    *,
    jobs: int | None = None,
    keep_ledgers: bool = True,
    units: bool = True,
    progress: Progress | None = None,
) -> tuple[Report, list[Ledger]]:
    """Validate files and folders (recursively); lock files and non-spreadsheets are skipped.

    Files are read on `jobs` processes (None: every core; 1: in this process); the report is
    the same, in the same order, whatever `jobs` is. `keep_ledgers=False` returns no ledgers,
    which spares sending every file's rows back from the workers. Unit names are then made
    canonical across all files (units.py; with `options.units`, from that roster, and
    `report.not_reported` names its units that sent nothing); `units=False` leaves that to a
    caller that reads more files first (diff reads two weeks). `progress(path, n, total)`
    hears of each file read.
    """
    # The roster is read first: a wrong --units stops the run before forty files are read.
    roster = read_roster(options.units, options.password) if units and options.units else None
    report = Report()
    ledgers: list[Ledger] = []
    forms = forms_for(options)
    listed = list(iter_spreadsheets(paths))
    files = [path for path, skip in listed if skip is None]
    named = {real(p) for p in paths if not p.is_dir()}
    jobs = jobs if jobs is not None else options.jobs
    read = iter(
        validate_many(
            files, options, forms, jobs=jobs, keep_ledgers=keep_ledgers, progress=progress
        )
    )
    # A folder that cannot be opened is an unreadable input, in its place among the files.
    results = [
        next(read) if skip is None else (unreadable_folder(path), None)
        for path, skip in listed
        if skip is None or skip in UNREADABLE_REASONS
    ]
    # Hidden files (.DS_Store, Thumbs.db) are the folder's own; the rest a clerk should see.
    report.skipped_files = [(str(p), skip) for p, skip in listed if skip in _SAID_SKIPS]
    beside = ledger_folders(fr for fr, _ in results)
    for fr, ledger in results:
        if fr.merged and real(Path(fr.path)) not in named:
            # A city workbook left in the inbox is last week's result, not a submission:
            # reading it again would count every case twice. Named explicitly, it is read.
            report.skipped_merged.append(fr.path)
            continue
        if fr.is_summary and real(Path(fr.path)).parent in beside:
            # A district's annex 3/4 beside its ledger: not a ledger, and not broken either.
            # Without a ledger beside it, it was sent instead of one: the error stands.
            report.skipped_summaries.append(fr.path)
            continue
        report.files.append(fr)
        if ledger is not None:
            ledgers.append(ledger)
    # A copy of an unreadable file is unreadable for the same reason, and says so itself.
    digests = {fr.path: fr.sha256 for fr in report.files if fr.sha256 is not None}
    readable = [Path(fr.path) for fr in report.files if fr.readable]
    report.identical = identical_files(readable, digests)
    copies = mark_copies(report.identical, {fr.path: fr for fr in report.files}, options)
    if copies:
        ledgers = [lg for lg in ledgers if lg.path not in copies]
    if units:
        canonicalize(report, ledgers, roster)
    return report, ledgers


# Files of a folder validate passes over and names (merge names every file it passes over).
_SAID_SKIPS = ("wps-format", "lock-file", "not-spreadsheet")


def forms_at_a_glance(paths: list[Path], options: Options) -> list[str]:
    """The form of each file under `paths`, by its head rows only (a file that does not say is
    passed over): what a command needs to know before reading everything, to refuse what
    would only be refused after (summarize's default output, already there)."""
    from ledgercli.read.columnar import head_book
    from ledgercli.read.table import HEADER_SCAN_ROWS, locate
    from ledgercli.read.workbook import open_book

    forms = forms_for(options)
    found = []
    for path, skip in iter_spreadsheets(paths):
        if skip is not None:
            continue
        try:
            book = open_book(path, options.password, options.max_unpacked_mb)
            heads = head_book(book, HEADER_SCAN_ROWS) or book
            found.append(locate(heads, forms, options.sheet, collect=False).form.id)
        except Exception:  # unreadable or of no form: the reading says so, in its place
            continue
    return found


def validate_many(
    paths: Sequence[Path],
    options: Options,
    forms: list[FormSpec],
    *,
    jobs: int | None = None,
    keep_ledgers: bool = True,
    progress: Progress | None = None,
) -> list[tuple[FileReport, Ledger | None]]:
    """Validate each file on a pool; results in input order, the same whatever `jobs` is."""
    work = Work(_validate_task, _unreadable, (options, forms))
    # One file alone leaves the other core idle: its sheet may be parsed on two.
    with splitread.enabled(splitread.alone(len(paths), jobs)):
        return run(work, [(p, keep_ledgers) for p in paths], jobs=jobs, progress=progress)


def _validate_task(
    shared: tuple[Options, list[FormSpec]], path: Path, keep_ledger: bool
) -> tuple[FileReport, Ledger | None]:
    options, forms = shared
    # Looked up on the module at each call: tests replace it to make one file fail.
    fr, ledger = validate.validate_file(path, options, forms)
    return fr, ledger if keep_ledger else None


def _unreadable(path: Path, finding: Finding) -> tuple[FileReport, Ledger | None]:
    return FileReport(path=str(path), readable=False, findings=[finding]), None


def mark_copies(
    groups: list[list[str]], reports: dict[str, FileReport], options: Options
) -> set[str]:
    """The copies among byte-identical files, each with an `identical-file` warning naming the
    file it repeats (not only a line under the report: it counts, --strict sees it, and JSON
    carries it). Unless `options.keep_copies`, a copy is not counted: its findings are those of
    the file it repeats, said once there, and its rows are left out of every figure.

    Each group is put in order, the file counted first; the copy is the longer name
    (附件2(1).xlsx, 附件2 - 副本.xlsx). Returns the paths of the copies left out.
    """
    left_out: set[str] = set()
    for group in groups:
        group.sort(key=lambda p: (len(Path(p).name), p))
        first = group[0]
        for copy in group[1:]:
            fr = reports.get(copy)
            if fr is None:
                continue
            params: dict[str, Any] = {"other": first}
            if options.keep_copies:
                params["variant"] = "kept"
            else:
                fr.findings.clear()
                left_out.add(copy)
            fr.findings.insert(0, Finding("warning", "identical-file", params=params))
    return left_out


def case_ledgers(ledgers: list[Ledger]) -> tuple[list[Ledger], list[str]]:
    """The ledgers of cases, and the contact forms (annex 1, or a roster of them) sent beside
    them, which hold no case: those are set aside by what counts cases (summaries, diff,
    overdue). Contact forms alone are what was given, and stay."""
    cases = [lg for lg in ledgers if not lg.form.one_row_per_unit]
    if not cases:
        return ledgers, []
    return cases, [lg.path for lg in ledgers if lg.form.one_row_per_unit]


def ledger_folders(reports: Iterable[FileReport]) -> set[Path]:
    """Folders holding a readable ledger (a summary table there is sent beside one)."""
    return {
        real(Path(fr.path)).parent
        for fr in reports
        if fr.readable and fr.form is not None and not fr.merged
    }


def unreadable_folder(path: Path) -> FileReport:
    """The report of a folder that could not be listed: its files are missing from the run."""
    finding = Finding("error", "folder-unreadable", params={"path": str(path)})
    return FileReport(path=str(path), readable=False, findings=[finding])


def identical_files(paths: list[Path], digests: dict[str, str] | None = None) -> list[list[str]]:
    """Groups of byte-identical files: the same submission saved twice (附件2(1).xlsx), whose
    cases would otherwise be counted twice without anyone seeing why. `digests` are the
    SHA-256 of files as they were read (so a file is not read again)."""
    digests = digests or {}
    by_size: dict[int, list[Path]] = {}
    for p in paths:
        with suppress(OSError):
            st = p.stat()
            if stat.S_ISREG(st.st_mode):  # never open a pipe or a device to hash it
                by_size.setdefault(st.st_size, []).append(p)
    groups: dict[str, list[str]] = {}
    for same_size in by_size.values():
        if len(same_size) < 2:
            continue
        for p in same_size:
            with suppress(OSError):
                digest = digests.get(str(p)) or hashlib.sha256(p.read_bytes()).hexdigest()
                groups.setdefault(digest, []).append(str(p))
    return [g for g in groups.values() if len(g) > 1]
