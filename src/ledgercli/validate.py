"""Validating a submission: every finding in a workbook, never stopping at the first.

`validate_file` always returns a report: a file that cannot be read is one finding, not an
exception, so a folder of forty workbooks is checked to the end.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass, field
from itertools import accumulate, compress
from operator import itemgetter
from pathlib import Path
from typing import Any

from . import amountunit
from .cells import ColumnParser, check_phone, int_text, number_text
from .errors import UnreadableFile
from .forms import FormSpec, get_form, input_forms, load_form
from .ledger import Ledger, join
from .report import FileReport, Finding, Report
from .rules import Context, get_rules
from .table import HEADER_SCAN_ROWS, Located, locate
from .text import norm_key
from .units import count_spellings, declared_unit
from .workbook import (
    DEFAULT_MAX_UNPACKED_MB,
    UNREADABLE_REASONS,
    Book,
    Sheet,
    iter_spreadsheets,
    open_book,
    real,
)
from .workbook import col_letter as letter


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

    def forms(self) -> list[FormSpec]:
        if self.schema is not None:
            return [load_form(self.schema)]
        if self.form is not None:
            return [get_form(self.form)]
        return input_forms()


def validate_paths(
    paths: list[Path],
    options: Options,
    *,
    jobs: int | None = None,
    keep_ledgers: bool = True,
    units: bool = True,
) -> tuple[Report, list[Ledger]]:
    """Validate files and folders (recursively); lock files and non-spreadsheets are skipped.

    Files are read on `jobs` processes (None: every core; 1: in this process); the report is
    the same, in the same order, whatever `jobs` is. `keep_ledgers=False` returns no ledgers,
    which spares sending every file's rows back from the workers. Unit names are then made
    canonical across all files (units.py; with `options.units`, from that roster, and
    `report.not_reported` names its units that sent nothing); `units=False` leaves that to a
    caller that reads more files first (diff reads two weeks).
    """
    from .parallel import validate_many
    from .units import canonicalize, read_roster

    # The roster is read first: a wrong --units stops the run before forty files are read.
    roster = read_roster(options.units, options.password) if units and options.units else None
    report = Report()
    ledgers: list[Ledger] = []
    forms = options.forms()
    listed = list(iter_spreadsheets(paths))
    files = [path for path, skip in listed if skip is None]
    named = {real(p) for p in paths if not p.is_dir()}
    jobs = jobs if jobs is not None else options.jobs
    read = iter(validate_many(files, options, forms, jobs=jobs, keep_ledgers=keep_ledgers))
    # A folder that cannot be opened is an unreadable input, in its place among the files.
    results = [
        next(read) if skip is None else (unreadable_folder(path), None)
        for path, skip in listed
        if skip is None or skip in UNREADABLE_REASONS
    ]
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
    import hashlib
    import stat

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


def validate_file(
    path: Path, options: Options, forms: list[FormSpec] | None = None
) -> tuple[FileReport, Ledger | None]:
    return _validate(
        path, options, forms, lambda: open_book(path, options.password, options.max_unpacked_mb)
    )


def validate_grid(
    grid: list[list[Any]],
    options: Options | None = None,
    sheet: str = "Sheet1",
    forms: list[FormSpec] | None = None,
) -> tuple[FileReport, Ledger | None]:
    """Validate rows held in memory (row 1 first), as if they were a one-sheet workbook."""
    rows = [
        (i, list(r)) for i, r in enumerate(grid, start=1) if any(v not in ("", None) for v in r)
    ]
    rows = [(i, ["" if v is None else v for v in r]) for i, r in rows]
    book = Book(
        path=Path("<memory>"),
        format="memory",
        sheet_names=[sheet],
        typed=True,
        _loader=lambda name: Sheet(name=name, rows=rows),
    )
    return _validate(Path("<memory>"), options or Options(), forms, lambda: book)


def _validate(
    path: Path, options: Options, forms: list[FormSpec] | None, opener: Any
) -> tuple[FileReport, Ledger | None]:
    forms = forms if forms is not None else options.forms()
    fr = FileReport(path=str(path))
    try:
        book = opener()
        fr.sha256 = book.sha256
        loc = None
        if options.summary_columns is not None:
            from .columnar import locate_merged

            loc = locate_merged(book, forms, options.sheet, options.summary_columns)
        if loc is None:
            loc = locate(book, forms, options.sheet)
    except UnreadableFile as exc:
        fr.readable = False
        fr.sha256 = fr.sha256 or exc.sha256
        fr.findings.append(Finding("error", exc.code, params=exc.params))
        return fr, None
    fr.form = loc.form.id
    fr.sheet = loc.sheet.name
    fr.merged = "source_file" in loc.extras
    fr.metadata = dict(loc.metadata)
    fr.findings.extend(loc.findings)
    others: list[Located] = []
    if options.sheet is None and not fr.merged and len(book.sheet_names) > 1:
        others = _other_ledger_sheets(book, loc, fr.findings)
    if loc.form.kind == "keyvalue":
        ledger = _keyvalue(loc, fr, path)
    else:
        typed = book.typed and loc.column_rows is None  # columns are read as text
        ledger = check_table(loc, fr, str(path), options, typed=typed, whole=not others)
        if others:
            ledger = _join_sheets(ledger, loc, others, fr, str(path), options, book.typed)
    fr.sheets = list(ledger.sheet_names)
    fr.rows = len(ledger)
    fr.units = count_spellings(ledger)
    _sort(fr)
    return fr, ledger


def _join_sheets(
    ledger: Ledger,
    loc: Located,
    others: list[Located],
    fr: FileReport,
    path: str,
    options: Options,
    typed: bool,
) -> Ledger:
    """Every sheet holding the form, as one ledger of the file whose rows keep their sheet:
    each sheet checked on its own, then what spans sheets (the same case on two of them)."""
    parts = [ledger]
    for other in others:
        fr.findings.extend(other.findings)
        parts.append(check_table(other, fr, path, options, typed=typed, whole=False))
    whole = join(parts)
    locs = [loc, *others]
    starts = list(accumulate((len(p) for p in parts[:-1]), initial=0))
    form = whole.form

    def add(sev: str, rule: str, i: int, key: str, value: Any, params: dict[str, Any]) -> None:
        j = locs[bisect_right(starts, i) - 1].columns.get(key)
        fr.findings.append(
            Finding(
                sev,
                rule,
                whole.row_sheets[i],
                whole.rows[i],
                None if j is None else letter(j),
                form.by_key[key].named,
                _show(value),
                params,
            )
        )
        if sev == "error":
            whole.errors[i] += 1
        elif sev == "warning":
            whole.warnings[i] += 1

    ids = {k: v for k, v in whole.values.items() if k in form.identity}
    _unique_values(form, ids, whole.rows, whole.row_sheets, add, None)
    _duplicate_cases(whole, add)
    detail = "; ".join(f"{p.sheet} {len(p)}" for p in parts)
    fr.metadata = dict(whole.metadata)
    fr.findings.append(
        Finding("notice", "ledger-sheets", params={"count": len(parts), "detail": detail})
    )
    return whole


def _other(rows: list[int], sheets: list[str] | None, i: int, j: int) -> dict[str, Any]:
    """The params naming row j, which row i repeats: its sheet too when that is another."""
    params: dict[str, Any] = {"other_row": rows[j]}
    if sheets is not None and sheets[j] != sheets[i]:
        params.update(other_sheet=sheets[j], variant="sheet")
    return params


def _unique_values(
    form: FormSpec,
    values: dict[str, list[Any]],
    rows: list[int],
    sheets: list[str] | None,
    add: Any,
    origin: Any,
) -> None:
    """A column that must be unique (问题编号): each repeat of a value names its first row."""
    for key, col in values.items():
        spec = form.by_key[key]
        if not spec.unique:
            continue
        first: dict[Any, int] = {}
        for i, v in enumerate(col):
            if v is None:
                continue
            if v in first:
                # In a merged workbook two rows from different submissions are the same
                # case reported twice: a duplicate (a warning, as merge said), not a typo.
                sev = spec.unique
                if origin is not None and origin[i] != origin[first[v]]:
                    sev = "warning"
                add(sev, "duplicate-value", i, key, v, _other(rows, sheets, i, first[v]))
            else:
                first[v] = i


# Kinds a merged cell may stand for in every row it covers. An amount merged over rows is
# one amount, not one a row, and a 序号 is the row's own: those are left for the rules.
_FILL_DOWN = {"text", "enum", "credit_code", "phone", "month", "date"}


def _fill_merged(loc: Located, findings: list[Finding]) -> None:
    """A cell merged down the data rows (街镇部门 over a town's six cases, very common) holds
    its value in the top cell only; each row it covers takes that value, with a notice."""
    by_row = {excel_row: cells for excel_row, cells in loc.data}
    keys = {j: key for key, j in loc.columns.items()}
    for (r0, c0), (r1, c1) in loc.sheet.merged:
        key = keys.get(c0)
        top = by_row.get(r0 + 1)
        if c0 != c1 or r1 == r0 or key is None or top is None or c0 >= len(top):
            continue
        spec = loc.form.by_key[key]
        value = top[c0]
        if spec.kind not in _FILL_DOWN or value in ("", None):
            continue
        filled = False
        for excel_row in range(r0 + 2, r1 + 2):
            cells = by_row.get(excel_row)
            if cells is not None and c0 < len(cells) and cells[c0] in ("", None):
                cells[c0] = value
                filled = True
        if filled:
            span = f"{letter(c0)}{r0 + 1}:{letter(c0)}{r1 + 1}"
            findings.append(
                Finding(
                    "notice",
                    "merged-filled",
                    loc.sheet.name,
                    r0 + 1,
                    letter(c0),
                    spec.named,
                    _show(value),
                    {"range": span},
                )
            )


def _other_ledger_sheets(book: Book, loc: Located, findings: list[Finding]) -> list[Located]:
    """Other sheets holding the same form with rows under it (a county's workbook with a sheet
    per town), located with their data: they are part of the submission and are read.

    A key–value form (annex 1) holds one record: a second one on another sheet is not read,
    and is a warning rather than lost silently. A blank copy of the form loses nothing and
    is not mentioned.
    """
    from .columnar import head_book

    others = [n for n in book.sheet_names if n != loc.sheet.name]
    # Only the first rows of each are parsed where the format allows it (xlsx).
    heads = head_book(book, HEADER_SCAN_ROWS, only=others) or book
    found: list[Located] = []
    for name in others:
        try:
            other = locate(heads, [loc.form], name, collect=False)
        except UnreadableFile:
            continue
        if other.form.id != loc.form.id:
            continue
        if loc.form.kind != "table":
            params = {"other": name, "form": loc.form.id, "read": loc.sheet.name}
            findings.append(Finding("warning", "other-ledger-sheet", sheet=name, params=params))
            continue
        below = [c for r, c in heads.sheet(name).rows if r > other.header_row]
        if not any(sum(1 for v in cells if v not in ("", None)) >= 2 for cells in below):
            continue
        try:
            whole = locate(book, [loc.form], name)
        except UnreadableFile:  # pragma: no cover - the head was read from the same sheet
            continue
        if whole.data:
            found.append(whole)
    return found


def _sort(fr: FileReport) -> None:
    # File-level findings first, then by position as a person reads the sheets, in order.
    order = {name: n for n, name in enumerate(fr.sheets)}
    fr.findings.sort(
        key=lambda f: (
            0 if f.row is None else 1 + order.get(f.sheet or "", 0),
            f.row or 0,
            len(f.column or ""),
            f.column or "",
        )
    )


def check_table(
    loc: Located,
    fr: FileReport,
    path: str,
    options: Options,
    typed: bool = True,
    whole: bool = True,
) -> Ledger:
    """Check the rows of one located table. `whole=False`: the table is one sheet of several
    in the file, so what spans rows (repeated values and cases) is left to the whole file.
    """
    form = loc.form
    sheet = loc.sheet
    sname = sheet.name
    data = loc.data
    rows = [r for r, _ in data] if loc.column_rows is None else loc.column_rows
    n = len(rows)
    findings = fr.findings
    values: dict[str, list[Any]] = {}
    raw: dict[str, list[Any]] = {}
    errors = [0] * n
    warnings = [0] * n
    bad_cells = sheet.bad_cells

    def add(sev: str, rule: str, i: int, key: str, value: Any, params: dict[str, Any]) -> None:
        spec = form.by_key[key]
        findings.append(
            Finding(
                sev,
                rule,
                sname,
                rows[i],
                letter(loc.columns[key]),
                spec.named,
                _show(value),
                params,
            )
        )
        if sev == "error":
            errors[i] += 1
            broken.setdefault(key, set()).add(i)
        elif sev == "warning":
            warnings[i] += 1

    broken: dict[str, set[int]] = {}
    if sheet.merged and loc.column_rows is None:
        _fill_merged(loc, findings)

    # 1. Each column on its own: kind, allowed values, signs. Every distinct value is parsed
    # once and mapped back to the rows in one pass; only rows whose value has an issue are
    # visited again, which keeps a clean 100k-row ledger close to the bare read.
    only = options.summary_columns if "status" in loc.extras else None
    if loc.column_rows is not None:  # read by columns already (a merged workbook, columnar.py)
        columns: list[Any] = [()] * (max(loc.column_cells, default=-1) + 1)
        for j, cells in loc.column_cells.items():
            columns[j] = cells
    else:
        grid = [c for _, c in data]
        widths = set(map(len, grid))
        if len(widths) > 1:  # ragged rows (CSV): pad, so that columns line up
            width = max(widths)
            grid = [c if len(c) == width else c + [""] * (width - len(c)) for c in grid]
        wanted = sorted(
            {j for key, j in loc.columns.items() if only is None or key in only}
            | set(loc.extras.values())
        )
        columns = _transpose(grid, wanted, max(widths, default=0))
    blanks: dict[str, list[int]] = {}
    held: list[tuple[int, str, Any, dict[str, Any]]] = []  # cells that look like 元
    for key, j in loc.columns.items():
        if only is not None and key not in only:
            continue
        spec = form.by_key[key]
        col_raw: Any = columns[j] if j < len(columns) else ("",) * n
        column = ColumnParser(spec, form, options.today).parse_column(
            col_raw, blanks=bool(spec.required or spec.required_when)
        )
        parsed = column.values
        for i, issues in column.issues:
            for sev, code, params in issues:
                if code == "looks-like-yuan":
                    held.append((i, key, col_raw[i], params))  # decided with the unit, below
                # In a CSV every number is text; saying so on each cell is noise.
                elif typed or code != "number-normalized":
                    add(sev, code, i, key, col_raw[i], params)
        if bad_cells:
            for i, excel_row in enumerate(rows):
                bad = bad_cells.get((excel_row, j))
                if bad is not None:
                    add("error", bad.kind, i, key, bad.value, {})
                    col_raw = list(col_raw) if type(col_raw) is tuple else col_raw
                    col_raw[i] = bad.value
                    parsed[i] = None
        values[key] = parsed
        raw[key] = col_raw
        if column.blanks:
            blanks[key] = column.blanks

    _unit_from_metadata(loc, values, blanks, findings, rows)

    # Cells that could not be read correctly; cross-field rules say nothing about them, so a
    # clerk sees "cannot be negative", not also "remaining should be -1".
    unreadable = {k: set(v) for k, v in broken.items()}

    # 1b. The unit of amount: a file declared in 元 is converted here, before any rule compares
    # or any summary adds its amounts; a conflict or a suspected 元 is said once per cause.
    unit = _amount_unit(loc, values, rows, columns, only is None)
    for finding, touched in unit.file_findings:
        findings.append(finding)
        per_row = errors if finding.severity == "error" else warnings
        if finding.severity != "notice":
            for i in touched:
                per_row[i] += 1
    for rf in unit.row_findings:
        add(rf.severity, rf.rule, rf.index, rf.key, raw[rf.key][rf.index], rf.params)
    marks = unit.marks
    in_yuan = amountunit.YUAN in (unit.declared or "")
    for i, key, c, params in held:
        # A declared 元, or a row already marked, explains the size: one cause, one finding.
        if not in_yuan and not (marks and marks[i]):
            add("warning", "looks-like-yuan", i, key, c, params)
    if form.kind == "table":
        # One sheet of several: the file's verdict covers them all.
        fr.amount_unit = amountunit.combine(fr.amount_unit, unit.to_json())

    # 2. Required, required-when and values that depend on another column.
    j_origin = loc.extras.get("source_file")
    origin = columns[j_origin] if j_origin is not None and j_origin < len(columns) else None
    for key, col in values.items():
        spec = form.by_key[key]
        blank = blanks.get(key, [])
        if spec.required:
            sev = "warning" if spec.required == "warning" else "error"
            col_raw = raw[key]
            for i in blank:
                # 无 or a dash stands for blank; said so, not called an empty cell.
                cell = col_raw[i]
                if isinstance(cell, str) and cell.strip():
                    params = {"placeholder": cell.strip()}
                    add(sev, "required-placeholder", i, key, cell, params)
                else:
                    add(sev, "required", i, key, None, {})
        cond = spec.required_when
        if cond is not None and cond.column in values:
            other = values[cond.column]
            cond_header = form.by_key[cond.column].header
            for i in blank:
                v = other[i]
                if v is None:
                    continue
                hit = (
                    v in cond.in_ if cond.in_ is not None else (cond.gt is not None and v > cond.gt)
                )
                if hit and cond.in_ is not None:
                    params = {"cond_header": cond_header, "cond_value": v}
                    add(cond.severity, "required-when", i, key, None, params)
                elif hit:
                    params = {"cond_header": cond_header, "limit": f"{cond.gt}"}
                    add(cond.severity, "required-above", i, key, None, params)
        by = spec.values_by
        if by is not None and by.column in values:
            other = values[by.column]
            cond_header = form.by_key[by.column].header
            for i, v in enumerate(col):
                if v is None or other[i] is None:
                    continue
                allowed = by.map.get(other[i])
                if allowed is None:
                    add(
                        "warning",
                        "value-not-applicable",
                        i,
                        key,
                        v,
                        {"cond_header": cond_header, "cond_value": other[i]},
                    )
                elif v not in allowed:
                    add(
                        "error",
                        "value-not-allowed-for",
                        i,
                        key,
                        v,
                        {
                            "cond_header": cond_header,
                            "cond_value": other[i],
                            "allowed": "、".join(allowed),
                        },
                    )
        # A case's identity (问题编号) is unique in the whole file, checked there when the file
        # has several sheets; numbering (序号) starts again on each sheet.
        if spec.unique and only is None and (whole or key not in form.identity):
            _unique_values(form, {key: col}, rows, None, add, origin)

    # 3. Cross-field rules named by the schema.
    params = dict(form.params)
    if options.cutoff:
        params["cutoff"] = options.cutoff
    ctx = Context(values, params)
    for rule in get_rules(form.checks if only is None else []):
        if not all(k in values for k in rule.needs) or rule.anchor not in values:
            continue
        involved = [unreadable[k] for k in {*rule.needs, rule.anchor} if k in unreadable]
        for i, hit in rule.fn(ctx):
            if any(i in rows_bad for rows_bad in involved):
                continue
            sev = hit.pop("_severity", rule.severity)
            add(sev, rule.code, i, rule.anchor, raw[rule.anchor][i], hit)

    ledger = Ledger(
        form=form,
        path=path,
        sheet=sname,
        metadata=dict(loc.metadata),
        rows=rows,
        values=values,
        raw=raw,
        columns=dict(loc.columns),
        headers=dict(loc.headers),
        errors=errors,
        warnings=warnings,
        marks=marks,
    )
    for key, j in loc.extras.items():
        if loc.column_rows is not None and j not in loc.column_cells:
            continue  # a provenance column the columnar read left out (columnar.py)
        ledger.extras[key] = list(columns[j]) if j < len(columns) else [""] * n
    if only is not None:
        recorded = ledger.extras.get("status")
        if recorded is not None:
            ledger.errors = [
                max(e, _recorded_errors(r)) for e, r in zip(errors, recorded, strict=True)
            ]
        return ledger

    # 4. The same case twice in one file.
    if whole:
        _duplicate_cases(ledger, add)
    return ledger


def _amount_unit(
    loc: Located, values: dict[str, list[Any]], rows: list[int], columns: list[Any], full: bool
) -> amountunit.Assessment:
    """The unit verdict of a submission; for a merged city workbook, what merge decided (its
    金额单位核查 column), restated per source file when the workbook is validated in full."""
    letters = {key: letter(j) for key, j in loc.columns.items()}
    sheet = loc.sheet.name
    if "source_file" not in loc.extras:
        return amountunit.assess(loc.form, values, rows, loc.units, sheet, letters, loc.header_row)
    j = loc.extras.get("amount_mark")
    marks = amountunit.marks_from(columns[j]) if j is not None and j < len(columns) else None
    unit = amountunit.Assessment(None, "merged", marks)
    if marks and full:
        k = loc.extras["source_file"]
        origins = columns[k] if k < len(columns) else [""] * len(rows)
        owed_at = letters.get(amountunit.OWED)
        unit.file_findings = amountunit.recorded(marks, origins, rows, sheet, owed_at)
    return unit


def _unit_from_metadata(
    loc: Located,
    values: dict[str, list[Any]],
    blanks: dict[str, list[int]],
    findings: list[Finding],
    rows: list[int],
) -> None:
    """Blank 街镇部门 cells under a `填报单位：横山镇` line are that unit's cases: the file says
    whose they are. They take its name, with one notice for the file instead of an error a
    row (the roster's spelling, if any, comes later with the other names; units.py)."""
    key = loc.form.unit_column
    blank = blanks.get(key) if key else None
    if not key or not blank:
        return
    unit = declared_unit(loc.metadata)
    if unit is None:
        return
    del blanks[key]
    column = values[key]
    for i in blank:
        column[i] = unit
    spec = loc.form.by_key[key]
    findings.append(
        Finding(
            "notice",
            "unit-from-metadata",
            loc.sheet.name,
            rows[blank[0]],
            letter(loc.columns[key]),
            spec.named,
            None,
            {"unit": unit, "rows": len(blank)},
        )
    )


def _transpose(grid: list[list[Any]], wanted: list[int], width: int) -> list[Any]:
    """Columns of the grid (by index; only the wanted ones filled), in C-level passes."""
    columns: list[Any] = [()] * width
    if not grid or not wanted:
        return columns
    if len(wanted) == width:
        picked = list(zip(*grid, strict=True))
    elif len(wanted) == 1:
        picked = [tuple(row[wanted[0]] for row in grid)]
    else:
        picked = list(zip(*map(itemgetter(*wanted), grid), strict=True))
    for j, col in zip(wanted, picked, strict=True):
        columns[j] = col
    return columns


def _recorded_errors(status: Any) -> int:
    """'错误3' in a merged workbook's 校验状态 → 3; 通过 and 警告N → 0."""
    text = str(status).strip()
    return int(text[2:]) if text.startswith("错误") and text[2:].isdigit() else 0


def _duplicate_cases(ledger: Ledger, add: Any) -> None:
    """The same case twice in one file, by the fallback identity (debtor, creditor, contract).

    Rows are first bucketed by the parts that are canonical already (the credit codes); only
    rows sharing a bucket have their contract names normalized and compared, so a 100k-row
    file does not normalize 100k names to find a handful of repeats.
    """
    form = ledger.form
    if form.is_roster:
        _duplicate_units(ledger, add)
        return
    keys = form.identity_fallback
    if not keys or not all(k in ledger.values for k in keys):
        return
    anchor = keys[-1]
    text = [n for n, k in enumerate(keys) if form.by_key[k].kind == "text"]
    exact = [n for n, k in enumerate(keys) if n not in text]
    # Rows with a 问题编号 are already held unique by that column's own check.
    numbered = [ledger.values[k] for k in form.identity if k in ledger.values]
    columns = [ledger.values[k] for k in keys]
    candidates: Iterable[int] = range(len(ledger))
    if exact:
        # In a city ledger most creditors appear once: only rows whose codes occur twice or
        # more can share a bucket, and they are found by C-level passes.
        exact_parts = [columns[n] for n in exact]
        repeated = {p for p, c in Counter(zip(*exact_parts, strict=True)).items() if c > 1}
        candidates = compress(
            candidates, map(repeated.__contains__, zip(*exact_parts, strict=True))
        )
    buckets: dict[tuple[Any, ...], list[int]] = {}
    for i in candidates:
        parts = [col[i] for col in columns]
        if not all(parts) or any(col[i] for col in numbered):
            continue
        buckets.setdefault(tuple(parts[n] for n in exact), []).append(i)
    for rows in buckets.values():
        if len(rows) < 2:
            continue
        first: dict[tuple[str, ...], int] = {}
        for i in rows:
            ident = tuple(norm_key(str(ledger.values[keys[n]][i])) for n in text)
            if ident in first:
                shown = " / ".join(str(ledger.get(k, i)) for k in keys)
                params = _other(ledger.rows, ledger.row_sheets, i, first[ident])
                params["identity"] = shown
                add("warning", "duplicate-case", i, anchor, ledger.raw[anchor][i], params)
            else:
                first[ident] = i


def _duplicate_units(ledger: Ledger, add: Any) -> None:
    """A roster holds one row per unit: a unit's second row is a warning at its unit cell."""
    key = ledger.form.unit_column
    if key is None or key not in ledger.values:
        return
    first: dict[str, int] = {}
    for i, unit in enumerate(ledger.values[key]):
        if unit in (None, ""):
            continue
        ident = norm_key(str(unit))
        if ident in first:
            params = _other(ledger.rows, ledger.row_sheets, i, first[ident])
            params["unit"] = str(unit)
            add("warning", "duplicate-unit", i, key, ledger.raw[key][i], params)
        else:
            first[ident] = i


def _show(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, float):
        return int_text(value) or number_text(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()[:10]
    return str(value)


def _keyvalue(loc: Located, fr: FileReport, path: Path) -> Ledger:
    """Annex 1: one record of labelled values."""
    form = loc.form
    sname = loc.sheet.name
    values: dict[str, list[Any]] = {}
    for f in form.fields:
        value, excel_row, j = loc.fields.get(f.key, ("", 0, 0))
        values[f.key] = [value or None]
        if f.key not in loc.fields:
            continue
        if not value and f.required:
            fr.findings.append(
                Finding("error", "required", sname, excel_row, letter(j + 1), f.named)
            )
        elif value and f.kind == "phone":
            for part in value.replace("，", "/").replace(",", "/").split("/"):
                problem = check_phone(part.strip()) if part.strip() else None
                if problem:
                    sev, rule, params = problem
                    fr.findings.append(
                        Finding(sev, rule, sname, excel_row, letter(j + 1), f.named, value, params)
                    )
    first_row = min((r for _, r, _ in loc.fields.values()), default=0)
    n_err = sum(1 for f in fr.findings if f.severity == "error")
    return Ledger(
        form=form,
        path=str(path),
        sheet=sname,
        metadata=dict(loc.metadata),
        rows=[first_row],
        values=values,
        raw=dict(values),
        columns={},
        headers={},
        errors=[n_err],
        warnings=[0],
    )
