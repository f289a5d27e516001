"""Validating a submission: every finding in a workbook, never stopping at the first.

`validate_file` always returns a report: a file that cannot be read is one finding, not an
exception, so a folder of forty workbooks is checked to the end.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Callable
from itertools import accumulate, chain
from operator import itemgetter
from pathlib import Path
from typing import Any

from ledgercli.check.columns import COLUMN_CHECKS, ColumnContext, other_row, unique
from ledgercli.check.rules import Context, get_rules, load_schema
from ledgercli.model import amountunit
from ledgercli.model.cityformat import is_merged, recorded_errors
from ledgercli.model.errors import UnreadableFile
from ledgercli.model.forms import ColumnSpec, FormSpec, get_form, input_forms
from ledgercli.model.ledger import Ledger, join
from ledgercli.model.numbers import int_text, number_text
from ledgercli.model.options import Options as Options  # the engine's options, re-exported
from ledgercli.model.report import FileReport, Finding
from ledgercli.model.report import col_letter as letter
from ledgercli.model.units import count_spellings, declared_unit
from ledgercli.read import splitread
from ledgercli.read.cells import ColumnParser, ParsedColumn, check_phone
from ledgercli.read.table import HEADER_SCAN_ROWS, Located, collect_rows, collected, locate
from ledgercli.read.workbook import (
    Book,
    Sheet,
    open_book,
)
from ledgercli.run.collector import paused


def forms_for(options: Options) -> list[FormSpec]:
    """The forms a file of this run may be: the custom schema (its checks known), the form
    asked for, or every bundled input form (detected by the header)."""
    if options.schema is not None:
        return [load_schema(options.schema)]
    if options.form is not None:
        return [get_form(options.form)]
    return input_forms()


def validate_file(
    path: Path, options: Options, forms: list[FormSpec] | None = None
) -> tuple[FileReport, Ledger | None]:
    # The collector waits while the file is read and checked (run/collector.py); a run
    # through the pool is paused already, a caller of its own is paused here.
    with paused():
        return _validate(
            path,
            options,
            forms,
            lambda: open_book(path, options.password, options.max_unpacked_mb),
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
    with paused():
        return _validate(Path("<memory>"), options or Options(), forms, lambda: book)


def _validate(
    path: Path, options: Options, forms: list[FormSpec] | None, opener: Callable[[], Book]
) -> tuple[FileReport, Ledger | None]:
    # The file is opened (read, decrypted) once: a check begun again reads the same bytes.
    books: list[Book] = []

    def opened() -> Book:
        if not books:
            books.append(opener())
        return books[0]

    try:
        try:
            return _validate_book(path, options, forms, opened)
        except splitread.Broken:
            pass
        # A big sheet read in pieces (its first rows checked while the rest were parsed) could
        # not be read so after all: the file is checked again, its sheets read whole. Not in
        # the handler, where the exception's frames would hold all that was made of the pieces.
        books[0].read_whole()  # its sheets are never begun in pieces again
        return _validate_book(path, options, forms, opened)
    finally:
        for book in books:
            book.stop_reading()  # a check that ended early leaves no piece being parsed


def _validate_book(
    path: Path,
    options: Options,
    forms: list[FormSpec] | None,
    opener: Callable[[], Book],
) -> tuple[FileReport, Ledger | None]:
    forms = forms if forms is not None else forms_for(options)
    fr = FileReport(path=str(path))
    try:
        book = opener()
        fr.sha256 = book.sha256
        loc = None
        if options.summary_columns is not None:
            from ledgercli.read.columnar import locate_merged

            loc = locate_merged(book, forms, options.sheet, options.summary_columns)
        if loc is None:
            loc = locate(book, forms, options.sheet, partial=True)
    except UnreadableFile as exc:
        fr.readable = False
        fr.sha256 = fr.sha256 or exc.sha256
        fr.findings.append(Finding("error", exc.code, params=exc.params))
        return fr, None
    fr.form = loc.form.id
    fr.sheet = loc.sheet.name
    fr.merged = is_merged(loc.extras)
    fr.metadata = dict(loc.metadata)
    fr.findings.extend(loc.findings)
    others: list[Located] = []
    if options.sheet is None and not fr.merged and len(book.sheet_names) > 1:
        others = _other_ledger_sheets(book, loc, fr.findings)
    if loc.form.kind == "keyvalue":
        ledger = _keyvalue(loc, fr, path)
    else:
        typed = book.typed and loc.column_rows is None  # columns are read as text
        ledger = check_table(loc, fr, str(path), options, typed=typed, whole=not others, book=book)
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

    for key in [k for k in whole.values if k in form.identity]:
        cc = ColumnContext(
            form, key, whole.values, whole.raw[key], [], whole.rows, whole.row_sheets
        )
        for sev, code, i, shown, params in unique.run(cc):
            add(sev, code, i, key, shown, params)
    _duplicate_cases(whole, add)
    detail = "; ".join(f"{p.sheet} {len(p)}" for p in parts)
    fr.metadata = dict(whole.metadata)
    fr.findings.append(
        Finding("notice", "ledger-sheets", params={"count": len(parts), "detail": detail})
    )
    return whole


# Kinds a merged cell may stand for in every row it covers. An amount merged over rows is
# one amount, not one a row, and a 序号 is the row's own: those are left for the rules.
_FILL_DOWN = {"text", "enum", "credit_code", "phone", "month", "date"}


def _fill_merged(loc: Located, findings: list[Finding]) -> set[int]:
    """A cell merged down the data rows (街镇部门 over a town's six cases, very common) holds
    its value in the top cell only; each row it covers takes that value, with a notice.
    Returns the columns filled (a title merged across the top, as most ledgers have, fills
    none)."""
    by_row = {excel_row: cells for excel_row, cells in loc.data}
    keys = {j: key for key, j in loc.columns.items()}
    changed: set[int] = set()
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
            changed.add(c0)
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
    return changed


def _other_ledger_sheets(book: Book, loc: Located, findings: list[Finding]) -> list[Located]:
    """Other sheets holding the same form with rows under it (a county's workbook with a sheet
    per town), located with their data: they are part of the submission and are read.

    A key–value form (annex 1) holds one record: a second one on another sheet is not read,
    and is a warning rather than lost silently. A blank copy of the form loses nothing and
    is not mentioned.
    """
    from ledgercli.read.columnar import head_book

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
    book: Book | None = None,
) -> Ledger:
    """Check the rows of one located table. `whole=False`: the table is one sheet of several
    in the file, so what spans rows (repeated values and cases) is left to the whole file.
    A sheet still being read in pieces (locate's `partial`) has its columns parsed a piece
    at a time as `book` gives them, while the later pieces are parsed on other threads.

    The steps, in order: each column on its own (kind, allowed values, signs), the unit of
    amount, what the schema says of each column (check/columns.py), the cross-field rules
    (check/rules/), the ledger, the same case twice.
    """
    pieces = None
    if loc.sheet.rest is not None:
        assert book is not None  # a sheet is read in pieces only for a caller with its book
        pieces = _ColumnsInPieces(loc, options)
        pieces.read(book, fr)
    if loc.sheet.merged and loc.column_rows is None:
        filled = _fill_merged(loc, fr.findings)
        if pieces is not None and filled:
            pieces.refill(filled)  # their cells changed: taken again, and parsed whole
    t = _TableCheck(loc, fr, options, typed, pieces)
    t.parse_columns()
    _unit_from_metadata(loc, t.values, t.blanks, fr.findings, t.rows)
    # Cells that could not be read correctly; cross-field rules say nothing about them, so a
    # clerk sees "cannot be negative", not also "remaining should be -1".
    unreadable = {k: set(v) for k, v in t.broken.items()}
    marks = t.amount_unit()
    t.column_checks(whole)
    t.rules(unreadable)
    ledger = t.ledger(path, marks)
    if t.only is not None:
        recorded = ledger.extras.get("status")
        if recorded is not None:
            # A few distinct statuses (通过, 警告1, 错误2…): each read once.
            counts = {r: recorded_errors(r) for r in set(recorded)}
            ledger.errors = [max(e, counts[r]) for e, r in zip(t.errors, recorded, strict=True)]
        return ledger
    # The same case twice in one file.
    if whole:
        _duplicate_cases(ledger, t.add)
    return ledger


class _TableCheck:
    """One table being checked: its columns as read and parsed, and the findings and error
    and warning counts of its rows as each step adds them."""

    def __init__(
        self,
        loc: Located,
        fr: FileReport,
        options: Options,
        typed: bool,
        pieces: _ColumnsInPieces | None = None,
    ) -> None:
        self.loc = loc
        self.pieces = pieces
        self.form = loc.form
        self.fr = fr
        self.options = options
        self.typed = typed
        self.rows = [r for r, _ in loc.data] if loc.column_rows is None else loc.column_rows
        n = len(self.rows)
        self.errors = [0] * n
        self.warnings = [0] * n
        self.values: dict[str, list[Any]] = {}
        self.raw: dict[str, list[Any]] = {}
        self.blanks: dict[str, list[int]] = {}
        self.held: list[tuple[int, str, Any, dict[str, Any]]] = []  # cells that look like 元
        self.broken: dict[str, set[int]] = {}  # rows with an error, per column
        # A summary's read of a merged city workbook parses only the columns it needs.
        self.only = options.summary_columns if "status" in loc.extras else None
        self.columns = self._columns()

    def add(
        self, sev: str, rule: str, i: int, key: str, value: Any, params: dict[str, Any]
    ) -> None:
        loc = self.loc
        finding = Finding(
            sev,
            rule,
            loc.sheet.name,
            self.rows[i],
            letter(loc.columns[key]),
            self.form.by_key[key].named,
            _show(value),
            params,
        )
        self.fr.findings.append(finding)
        if sev == "error":
            self.errors[i] += 1
            self.broken.setdefault(key, set()).add(i)
        elif sev == "warning":
            self.warnings[i] += 1

    def _columns(self) -> list[Any]:
        """The table's cells column by column (only the wanted columns filled)."""
        loc = self.loc
        if self.pieces is not None:  # parsed a piece at a time as the sheet was read
            return self.pieces.columns()
        if loc.column_rows is not None:  # read by columns already (a merged workbook)
            columns: list[Any] = [()] * (max(loc.column_cells, default=-1) + 1)
            for j, cells in loc.column_cells.items():
                columns[j] = cells
            return columns
        grid = [c for _, c in loc.data]
        only = self.only
        wanted = sorted(
            {j for key, j in loc.columns.items() if only is None or key in only}
            | set(loc.extras.values())
        )
        widths = set(map(len, grid))
        width = max(widths, default=0)
        if grid and wanted and wanted[-1] >= width:
            width = wanted[-1] + 1  # a CSV's rows may all stop short of the header's end
        if widths != {width}:  # ragged rows (CSV): pad, so that columns line up
            grid = [c if len(c) == width else c + [""] * (width - len(c)) for c in grid]
        return _transpose(grid, wanted, width)

    def parse_columns(self) -> None:
        """Each column on its own: kind, allowed values, signs. Every distinct value is parsed
        once and mapped back to the rows in one pass; only rows whose value has an issue are
        visited again, which keeps a clean 100k-row ledger close to the bare read."""
        for key, j in self.loc.columns.items():
            if self.only is None or key in self.only:
                self._parse_column(key, j)

    def _parse_column(self, key: str, j: int) -> None:
        form, typed, add = self.form, self.typed, self.add
        spec = form.by_key[key]
        columns = self.columns
        col_raw: Any = columns[j] if j < len(columns) else ("",) * len(self.rows)
        if self.pieces is not None:
            column = self.pieces.parsed[key]
        else:
            column = ColumnParser(spec, form, self.options.today).parse_column(
                col_raw, blanks=_lists_blanks(spec)
            )
        parsed = column.values
        for i, issues in column.issues:
            for sev, code, params in issues:
                if code == "looks-like-yuan":
                    self.held.append((i, key, col_raw[i], params))  # decided with the unit
                # In a CSV every number is text; saying so on each cell is noise.
                elif typed or code != "number-normalized":
                    add(sev, code, i, key, col_raw[i], params)
        bad_cells = self.loc.sheet.bad_cells
        if bad_cells:
            copied = False  # the table's column stays as read; the ledger's shows the error
            for i, excel_row in enumerate(self.rows):
                bad = bad_cells.get((excel_row, j))
                if bad is not None:
                    add("error", bad.kind, i, key, bad.value, {})
                    if not copied:
                        col_raw, copied = list(col_raw), True
                    col_raw[i] = bad.value
                    parsed[i] = None
        self.values[key] = parsed
        self.raw[key] = col_raw
        if column.blanks:
            self.blanks[key] = column.blanks

    def amount_unit(self) -> list[str] | None:
        """The unit of amount: a file declared in 元 is converted here, before any rule
        compares or any summary adds its amounts; a conflict or a suspected 元 is said once
        per cause. Returns each row's mark."""
        unit = _amount_unit(self.loc, self.values, self.rows, self.columns, self.only is None)
        for finding, touched in unit.file_findings:
            self.fr.findings.append(finding)
            per_row = self.errors if finding.severity == "error" else self.warnings
            if finding.severity != "notice":
                for i in touched:
                    per_row[i] += 1
        for rf in unit.row_findings:
            self.add(rf.severity, rf.rule, rf.index, rf.key, self.raw[rf.key][rf.index], rf.params)
        marks = unit.marks
        in_yuan = amountunit.YUAN in (unit.declared or "")
        for i, key, c, params in self.held:
            # A declared 元, or a row already marked, explains the size: one cause, one finding.
            if not in_yuan and not (marks and marks[i]):
                self.add("warning", "looks-like-yuan", i, key, c, params)
        if self.form.kind == "table":
            # One sheet of several: the file's verdict covers them all.
            self.fr.amount_unit = amountunit.combine(self.fr.amount_unit, unit.to_json())
        return marks

    def column_checks(self, whole: bool) -> None:
        """What the schema says of each column: required, required when, values by another
        column, unique (check/columns.py)."""
        form, columns = self.form, self.columns
        j_origin = self.loc.extras.get("source_file")
        origin = columns[j_origin] if j_origin is not None and j_origin < len(columns) else None
        for key in self.values:
            blank = self.blanks.get(key, [])
            cc = ColumnContext(
                form, key, self.values, self.raw[key], blank, self.rows, None, origin
            )
            for check in COLUMN_CHECKS.values():
                # A case's identity (问题编号) is unique in the whole file, checked there when
                # the file has several sheets; numbering (序号) starts again on each sheet.
                if check is unique and (
                    self.only is not None or not (whole or key not in form.identity)
                ):
                    continue
                for sev, code, i, shown, params in check.run(cc):
                    self.add(sev, code, i, key, shown, params)

    def rules(self, unreadable: dict[str, set[int]]) -> None:
        """The cross-field rules the schema names, silent on cells that could not be read."""
        form, values, raw = self.form, self.values, self.raw
        params = dict(form.params)
        if self.options.cutoff:
            params["cutoff"] = self.options.cutoff
        ctx = Context(values, params)
        for rule in get_rules(form.checks if self.only is None else []):
            if not all(k in values for k in rule.needs) or rule.anchor not in values:
                continue
            involved = [unreadable[k] for k in {*rule.needs, rule.anchor} if k in unreadable]
            for i, hit in rule.fn(ctx):
                if any(i in rows_bad for rows_bad in involved):
                    continue
                sev = hit.pop("_severity", rule.severity)
                self.add(sev, rule.code, i, rule.anchor, raw[rule.anchor][i], hit)

    def ledger(self, path: str, marks: list[str] | None) -> Ledger:
        loc, columns = self.loc, self.columns
        ledger = Ledger(
            form=self.form,
            path=path,
            sheet=loc.sheet.name,
            metadata=dict(loc.metadata),
            rows=self.rows,
            values=self.values,
            raw=self.raw,
            columns=dict(loc.columns),
            headers=dict(loc.headers),
            errors=self.errors,
            warnings=self.warnings,
            marks=marks,
        )
        n = len(self.rows)
        for key, j in loc.extras.items():
            if loc.column_rows is not None and j not in loc.column_cells:
                continue  # a provenance column the columnar read left out (columnar.py)
            ledger.extras[key] = list(columns[j]) if j < len(columns) else [""] * n
        return ledger


def _lists_blanks(spec: ColumnSpec) -> bool:
    """Whether a column's parse lists its blank rows: only a column that may be required
    needs them (the required checks of check/columns.py; a unit filled from 填报单位)."""
    return bool(spec.required or spec.required_when)


class _ColumnsInPieces:
    """The columns of a table whose sheet is read in pieces (read/splitread.py), each parsed
    a piece at a time as the pieces come, while the later ones are still parsed on other
    threads. A cell's parse is its own (ColumnParser.parse_column: each value, its issues),
    so a column parsed in pieces and joined is the column parsed whole; tests hold them so."""

    def __init__(self, loc: Located, options: Options) -> None:
        self.loc = loc
        only = options.summary_columns if "status" in loc.extras else None
        form = loc.form
        self.keys = [(k, j) for k, j in loc.columns.items() if only is None or k in only]
        self.wanted = sorted({j for _, j in self.keys} | set(loc.extras.values()))
        self.parsers = {k: ColumnParser(form.by_key[k], form, options.today) for k, _ in self.keys}
        self.raw: dict[int, list[Any]] = {j: [] for j in self.wanted}
        self.parsed: dict[str, ParsedColumn] = {
            k: ParsedColumn(values=[], issues=[], blanks=[]) for k, _ in self.keys
        }
        self.n = 0

    def read(self, book: Book, fr: FileReport) -> None:
        """Every piece of the sheet, the first's rows (loc.data so far) first; the data rows of
        each later one collected as locate would have (a total row, the table's end)."""
        loc = self.loc
        said = len(loc.findings)  # those of the first piece reached the report already
        self.add(loc.data)
        while (rows := book.more_rows(loc.sheet)) is not None:
            self.add(collect_rows(rows, loc))
        collected(loc)
        fr.findings.extend(loc.findings[said:])

    def add(self, block: list[tuple[int, list[Any]]]) -> None:
        """One piece's data rows: their cells appended to each column, and each column's
        part parsed, its row indexes moved to where the piece's rows sit in the table."""
        if not block:
            return
        form, offset = self.loc.form, self.n
        width = len(block[0][1])  # a piece's rows are all as wide (splitread.RowStream)
        columns = _transpose([c for _, c in block], [j for j in self.wanted if j < width], width)
        blank = [""] * len(block)
        for j in self.wanted:
            self.raw[j].extend(columns[j] if j < width else blank)
        for key, j in self.keys:
            spec = form.by_key[key]
            part = self.parsers[key].parse_column(
                columns[j] if j < width else blank, blanks=_lists_blanks(spec)
            )
            whole = self.parsed[key]
            whole.values.extend(part.values)
            whole.issues.extend((i + offset, issues) for i, issues in part.issues)
            whole.blanks.extend(i + offset for i in part.blanks)
        self.n += len(block)

    def refill(self, filled: set[int]) -> None:
        """The columns whose cells a merged range filled in the rows (_fill_merged, once the
        sheet's end said where its merged ranges are): taken again from the rows, and parsed
        whole. The other columns' parse, a piece at a time, stands."""
        form = self.loc.form
        for j in filled & self.raw.keys():
            self.raw[j] = [cells[j] if j < len(cells) else "" for _, cells in self.loc.data]
        for key, j in self.keys:
            if j in filled:
                spec = form.by_key[key]
                self.parsed[key] = self.parsers[key].parse_column(
                    self.raw[j], blanks=_lists_blanks(spec)
                )

    def columns(self) -> list[Any]:
        """The table's cells column by column, as _TableCheck._columns lays them out."""
        columns: list[Any] = [()] * (max(self.wanted, default=-1) + 1)
        for j, cells in self.raw.items():
            columns[j] = cells
        return columns


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
    """Columns of a grid whose rows are all `width` long (by index; only the wanted ones
    filled), each a list, in C-level passes.

    The cells are laid out in memory row by row, as calamine made them; every copy of a
    reference touches its cell, so the rows are first flattened in that order and each column
    is then a stride of the flat list (zip(*grid) visits the cells column by column, 100k
    iterators at once, and took half as long again)."""
    columns: list[Any] = [()] * width
    if not grid or not wanted:
        return columns
    if 4 * len(wanted) < width:  # a few columns of many: each in its own pass
        for j in wanted:
            columns[j] = list(map(itemgetter(j), grid))
        return columns
    flat = list(chain.from_iterable(grid))
    for j in wanted:
        columns[j] = flat[j::width]
    return columns


def _duplicate_cases(ledger: Ledger, add: Any) -> None:
    """The same case twice in one file, by its identity (model/ledger.py): a warning at the
    contract cell (debtor, creditor, contract), or for a roster of contact forms at the unit
    cell, naming the row it repeats."""
    form = ledger.form
    unit = form.unit_column
    if form.one_row_per_unit and unit is not None and unit in ledger.values:
        for i, j in ledger.repeats():
            params = other_row(ledger.rows, ledger.row_sheets, i, j)
            params["unit"] = str(ledger.values[unit][i])
            add("warning", "duplicate-unit", i, unit, ledger.raw[unit][i], params)
        return
    if form.one_row_per_unit:
        return
    keys = form.identity_fallback
    for i, j in ledger.repeats():
        params = other_row(ledger.rows, ledger.row_sheets, i, j)
        params["identity"] = " / ".join(str(ledger.get(k, i)) for k in keys)
        add("warning", "duplicate-case", i, keys[-1], ledger.raw[keys[-1]][i], params)


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
