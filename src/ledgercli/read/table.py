"""Finding the form, the sheet, the header and the data inside a workbook, by content.

Districts add title rows, a 金额单位 row, a 填报单位/联系人 row, two-level merged headers, line
breaks and units inside headers, a 合计 row and the 填写说明 under the table. None of these is
at a fixed position, so every one is recognised by what it says.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from itertools import compress, repeat
from operator import is_, itemgetter
from typing import Any

from ledgercli.model.amountunit import (
    Declaration,
    declarations_above,
    header_declarations,
)
from ledgercli.model.cityformat import READ_BACK
from ledgercli.model.errors import UnreadableFile
from ledgercli.model.forms import ColumnSpec, FormSpec
from ledgercli.model.report import Finding, col_letter
from ledgercli.model.text import clean_text, nfkc, norm_header, norm_key
from ledgercli.read.workbook import Book, Sheet

HEADER_SCAN_ROWS = 40
METADATA_SCAN_ROWS = 12
_TOTAL_WORDS = ("合计", "总计", "小计", "总合计")
_END_WORDS = (
    "填写说明",
    "填表说明",
    "填报说明",
    "说明:",
    "说明",
    "注:",
    "备注:",
    "填报人",
    "审核人",
    "制表人",
    "制表",
    "单位负责人",
    "负责人:",
    "统计人",
)
TRIGGERS = {w[0] for w in (*_TOTAL_WORDS, *_END_WORDS)} | {" ", "\u3000", "\n", "\t"}
_LABEL_VALUE = re.compile(r"^\s*([^：:]{1,12}?)\s*[：:]\s*(.*)$", re.S)


@dataclass
class Located:
    form: FormSpec
    sheet: Sheet
    header_row: int  # the Excel row of the (last) header row
    columns: dict[str, int]  # column key → 0-based column index
    headers: dict[str, str]  # column key → the header text as written
    extras: dict[str, int] = field(default_factory=dict)  # provenance key → column index
    metadata: dict[str, str] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    data: list[tuple[int, list[Any]]] = field(default_factory=list)
    # Read by columns (columnar.py) instead: each data row's Excel row, the columns read.
    column_rows: list[int] | None = None
    column_cells: dict[int, list[Any]] = field(default_factory=dict)
    fields: dict[str, tuple[str, int, int]] = field(default_factory=dict)  # key-value forms
    # Cells declaring the unit of amount (金额单位：元, 拖欠金额（元）), above the header first.
    units: list[Declaration] = field(default_factory=list)
    ended: bool = False  # a row below the table was met (填写说明): no later row is data


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return None


@dataclass
class _Match:
    score: float
    columns: dict[str, int]
    headers: dict[str, str]
    aliased: dict[str, str]
    unknown: list[tuple[int, str]]
    duplicates: list[tuple[int, str]]
    extras: dict[str, int]


def match_header(form: FormSpec, lower: list[Any], upper: list[Any] | None) -> _Match:
    """Map the cells of a header row (and the group row above it) to the form's columns."""
    index = form.header_index
    columns: dict[str, int] = {}
    headers: dict[str, str] = {}
    aliased: dict[str, str] = {}
    unknown: list[tuple[int, str]] = []
    duplicates: list[tuple[int, str]] = []
    extras: dict[str, int] = {}
    group: str | None = None
    owner: str | None = None  # the last column matched that no context names, for `context`
    width = max(len(lower), len(upper) if upper else 0)
    for j in range(width):
        leaf = _text(lower[j]) if j < len(lower) else None
        up = _text(upper[j]) if upper and j < len(upper) else None
        if up is not None:
            group = up if leaf is not None else None
        candidates: list[str] = []
        shown = leaf or up
        if leaf is not None:
            if group:
                candidates.append(norm_header(group) + "/" + norm_header(leaf))
            candidates.append(norm_header(leaf))
        elif up is not None:
            candidates.append(norm_header(up))
        if not candidates or shown is None:
            continue
        hit: ColumnSpec | None = None
        taken = False
        for cand in candidates:
            specs = index.get(cand, [])
            if len(specs) > 1:
                specs = sorted(specs, key=lambda c: _context_rank(c, owner))
            for spec in specs:
                if spec.key in columns:
                    taken = True
                    continue
                hit = spec
                break
            if hit:
                break
        if hit is not None:
            if hit.context is None:
                owner = norm_header(hit.header)
            columns[hit.key] = j
            headers[hit.key] = clean_text(shown)
            if norm_header(shown) != norm_header(hit.header):
                aliased[hit.key] = clean_text(shown)
        elif taken:
            duplicates.append((j, clean_text(shown)))
        elif nfkc(shown).replace(" ", "") in READ_BACK:
            extras[READ_BACK[nfkc(shown).replace(" ", "")]] = j
        else:
            unknown.append((j, clean_text(shown)))
    return _Match(
        len(columns) + len(columns) / max(len(form.columns), 1),
        columns,
        headers,
        aliased,
        unknown,
        duplicates,
        extras,
    )


def _context_rank(spec: ColumnSpec, owner: str | None) -> int:
    """Among columns sharing a header: the one whose context is the nearest name to the left
    first, then one without a context, then the others (by position)."""
    if spec.context is None:
        return 1
    return 0 if norm_header(spec.context) == owner else 2


def _nearest(spec: ColumnSpec, unknown: list[tuple[int, str]]) -> str | None:
    """The unrecognised header most like a missing column's, for "perhaps column P '…'?"."""
    from difflib import SequenceMatcher

    names = [norm_header(spec.header), *(norm_header(a) for a in spec.aliases if "/" not in a)]
    best: tuple[float, int, str] | None = None
    for j, shown in unknown:
        key = norm_header(shown)
        score = max(SequenceMatcher(None, key, n).ratio() for n in names)
        if score >= 0.6 and (best is None or score > best[0]):
            best = (score, j, shown)
    return f"{col_letter(best[1])} “{best[2]}”" if best else None


def summary_title(book: Book, names: list[str] | None = None) -> str | None:
    """The title of a computed summary (annex 3 or 4) a district sent instead of its ledger."""
    from ledgercli.model.forms import builtin_forms

    titles = {
        k: f.title for f in builtin_forms().values() if f.kind == "summary" for k in f.title_keys
    }
    for name in book.sheet_names if names is None else names:
        for _, cells in book.sheet(name).rows[:6]:
            for cell in cells:
                if isinstance(cell, str) and cell.strip():
                    key = norm_key(cell)
                    for title_key, title in titles.items():
                        if title_key in key:
                            return title
    return None


def _complete(form: FormSpec, m: _Match) -> bool:
    return all(c.key in m.columns for c in form.columns if not c.optional_column)


def _threshold(form: FormSpec) -> int:
    needed = [c for c in form.columns if not c.optional_column]
    return max(3, math.ceil(0.4 * len(needed)))


def locate(
    book: Book,
    forms: list[FormSpec],
    sheet_name: str | None = None,
    collect: bool = True,
    partial: bool = False,
) -> Located:
    """Find the best (sheet, header row, form) in a workbook, or say why there is none.

    `collect=False` leaves the data rows to the caller (a book of head rows only).
    `partial`: the table's sheet may be one read in pieces (Book.sheet): loc.data then holds
    the data rows of its first piece, and the caller collects the rest (`collect_rows`) as
    `book.more_rows(loc.sheet)` gives them. Every other sheet is read to its end: if that
    breaks (splitread.Broken), the caller begins again with the book read whole.
    """
    names = book.sheet_names
    if sheet_name is not None:
        if sheet_name not in names:
            raise UnreadableFile(
                "no-sheet", path=str(book.path), sheet=sheet_name, sheets="、".join(names)
            )
        names = [sheet_name]
    best: tuple[float, Sheet, int, FormSpec, _Match] | None = None
    kv_best: tuple[int, Sheet, FormSpec, dict[str, tuple[str, int, int]]] | None = None
    begun: list[Sheet] = []
    for name in names:
        sheet = book.sheet(name, partial=partial)
        if sheet.rest is not None:
            if len(sheet.rows) < HEADER_SCAN_ROWS:
                book.finish(sheet)  # a first piece of a few very long rows
            else:
                begun.append(sheet)
        head = sheet.rows[:HEADER_SCAN_ROWS]
        tables = [f for f in forms if f.kind == "table"]
        for candidate in forms:
            if candidate.kind == "keyvalue":
                found = _find_fields(candidate, head)
                if len(found) >= 3 and (kv_best is None or len(found) > kv_best[0]):
                    kv_best = (len(found), sheet, candidate, found)
                # Its records may also stand one per row, under its labels (a merged annex 1);
                # tried after the table forms, so that it scans only the rows above their header.
                if candidate.roster is not None:
                    tables.append(candidate.roster)
        # The rows below a complete header are its data: no form looks for a header there.
        rows = len(head)
        for form in tables:
            need = _threshold(form)
            for i, (excel_row, cells) in enumerate(head[:rows]):
                upper = None
                if i > 0 and head[i - 1][0] == excel_row - 1:
                    upper = head[i - 1][1]
                m = match_header(form, cells, upper)
                if len(m.columns) >= need and (best is None or m.score > best[0]):
                    best = (m.score, sheet, i, form, m)
                if _complete(form, m):
                    rows = i + 1
                    break
        # A sheet that names every column of its form settles it: later sheets (a merged
        # workbook's 问题 and 来源, a district's notes) need not be loaded at all.
        if best is not None and best[1] is sheet and _complete(best[3], best[4]):
            break
    if best is None and kv_best is None:
        raise _no_table(book, names, begun)
    keyvalue = best is None or (kv_best is not None and kv_best[0] > len(best[4].columns))
    for sheet in begun:  # only the table's sheet may stay partial, for the caller to read on
        if keyvalue or not collect or best is None or sheet is not best[1]:
            book.read_rest(sheet)
    if keyvalue:
        assert kv_best is not None
        _, sheet, form, found = kv_best
        loc = Located(form=form, sheet=sheet, header_row=0, columns={}, headers={}, fields=found)
        for f in form.fields:
            if f.required and f.key not in found:
                loc.findings.append(
                    Finding("error", "missing-field", sheet=sheet.name, header=f.named)
                )
        return loc
    assert best is not None
    _, sheet, i, form, m = best
    return _build(form, sheet, i, m, collect)


def _no_table(book: Book, names: list[str], begun: list[Sheet]) -> UnreadableFile:
    """Why no sheet holds a form: a summary sent instead of a ledger, or no header at all."""
    for sheet in begun:
        # No header in its first piece, so none in the sheet, unless its rest cannot be read in
        # pieces (Broken: the file is checked again whole). summary_title looks at the sheet
        # anyway: it is read on, not read again.
        book.read_rest(sheet)
    summary = summary_title(book, names)
    if summary is not None:
        return UnreadableFile("summary-table", path=str(book.path), title=summary)
    return UnreadableFile("no-header", path=str(book.path), sheets="、".join(names))


def _build(form: FormSpec, sheet: Sheet, i: int, m: _Match, collect: bool = True) -> Located:
    header_row = sheet.rows[i][0]
    loc = Located(
        form=form,
        sheet=sheet,
        header_row=header_row,
        columns=m.columns,
        headers=m.headers,
        extras=m.extras,
    )
    sname = sheet.name
    for key, shown in m.aliased.items():
        spec = form.by_key[key]
        loc.findings.append(
            Finding(
                "notice",
                "header-alias",
                sname,
                header_row,
                col_letter(m.columns[key]),
                spec.header,
                shown,
                {"canonical": spec.header},
            )
        )
    for spec in form.columns:
        if spec.key not in m.columns and not spec.optional_column:
            sev = "error" if spec.required is not False or spec.required_when else "warning"
            near = _nearest(spec, m.unknown)
            loc.findings.append(
                Finding(
                    sev,
                    "missing-column",
                    sname,
                    header_row,
                    None,
                    spec.named,
                    None,
                    {"near": near} if near else {},
                )
            )
    for j, shown in m.duplicates:
        loc.findings.append(
            Finding("warning", "duplicate-column", sname, header_row, col_letter(j), shown)
        )
    for j, shown in m.unknown:
        loc.findings.append(
            Finding(
                "notice",
                "unknown-column",
                sname,
                header_row,
                col_letter(j),
                shown,
                None,
                {"form": form.id},
            )
        )
    # What the sheet says about the unit of its amounts: acted on once the amounts are read.
    loc.units = header_declarations(form, m.columns, m.headers, header_row)
    _read_metadata(form, sheet, i, loc)
    if collect:
        _collect_data(sheet, i + 1, loc)
    return loc


def _read_metadata(form: FormSpec, sheet: Sheet, i: int, loc: Located) -> None:
    """Label–value pairs above the header: 填报单位, 联系人, 联系方式, 金额单位…"""
    labels = {norm_header(m.label): m.label for m in form.metadata}
    for m in form.metadata:
        labels.update({norm_header(a): m.label for a in m.aliases})
    upper_header = sheet.rows[i - 1][0] if i > 0 and form.header_rows > 1 else None
    above = [(r, c) for r, c in sheet.rows[max(0, i - METADATA_SCAN_ROWS) : i] if r != upper_header]
    if form.kind == "table":
        loc.units[:0] = declarations_above(above)
    for _row, cells in above:
        for j, cell in enumerate(cells):
            text = _text(cell)
            if text is None:
                continue
            mt = _LABEL_VALUE.match(text)
            if mt:
                label, value = mt.group(1).strip(), mt.group(2).strip()
            elif norm_header(text) in labels:
                label, value = text, ""
            else:
                continue
            if not value:
                value = _next_value(cells, j, labels)
            key = labels.get(norm_header(label), re.sub(r"\s+", "", nfkc(label)))
            if value and key not in loc.metadata:
                loc.metadata[key] = clean_text(value)


def _next_value(cells: list[Any], j: int, labels: dict[str, Any]) -> str:
    for cell in cells[j + 1 :]:
        text = _text(cell) if isinstance(cell, str) else _cell_text(cell)
        if text is None:
            continue
        if norm_header(text) in labels or _LABEL_VALUE.match(text):
            return ""
        return text
    return ""


def _cell_text(cell: Any) -> str | None:
    if cell is None or cell == "":
        return None
    if isinstance(cell, float) and cell.is_integer():
        return f"{cell:.0f}"
    return str(cell)


def _is_total(cells: list[Any]) -> bool:
    seen = 0
    for cell in cells:
        if cell == "" or cell is None:
            continue
        if isinstance(cell, str):
            key = norm_key(cell)
            if key.startswith(_TOTAL_WORDS) and len(key) <= 8:
                return True
        seen += 1
        if seen >= 3:
            break
    return False


def _is_end(cells: list[Any]) -> bool:
    for cell in cells:
        if cell == "" or cell is None:
            continue
        if not isinstance(cell, str):
            return False
        key = nfkc(cell).replace(" ", "").replace("：", ":")
        return key.startswith(_END_WORDS)
    return False


def row_kind(cells: list[Any]) -> str | None:
    """ "end" for the 填写说明 (or signatures) under a table, "total" for a 合计 row, else None."""
    # Cheap gate: a total or end row starts (within its first cells) with one of a few
    # characters; only those rows get the full test.
    c: Any = ""
    for c in cells[:4]:
        if c != "":
            break
    if type(c) is not str or c[:1] not in TRIGGERS:
        return None
    if _is_end(cells):
        return "end"
    return "total" if _is_total(cells) else None


def data_end(loc: Located, excel_row: int, kind: str) -> None:
    """Say that a row below the header is not data (a total row, or the end of the table)."""
    name = loc.sheet.name
    if kind == "end":
        loc.findings.append(
            Finding("notice", "data-end", name, excel_row, params={"row": excel_row})
        )
    else:
        loc.findings.append(Finding("notice", "total-row-skipped", name, excel_row))


def _collect_data(sheet: Sheet, start: int, loc: Located) -> None:
    collect_rows(sheet.rows[start:], loc)
    if sheet.rest is None:
        collected(loc)


def collect_rows(rows: list[tuple[int, list[Any]]], loc: Located) -> list[tuple[int, list[Any]]]:
    """The data rows among `rows`, the next rows below the header (a sheet read in pieces
    gives them a piece at a time), added to loc.data: the rows before the table's end, but
    a total row."""
    if loc.ended:
        return []
    new: list[tuple[int, list[Any]]] = []
    # Header rows of a two-level header after the matched row (rare but seen) are not data.
    # Only a row whose first cell is text (or empty) passes the gate of `row_kind`; a
    # ledger's 序号 are numbers, so a C-level pass leaves only a few rows to look at.
    try:
        firsts = list(map(itemgetter(0), map(itemgetter(1), rows)))
        maybe: Any = compress(range(len(rows)), map(is_, map(type, firsts), repeat(str)))
    except IndexError:  # a row without cells: look at each
        maybe = range(len(rows))
    done = 0
    for k in maybe:
        excel_row, cells = rows[k]
        kind = row_kind(cells)
        if kind is None:
            continue
        new.extend(rows[done:k])
        done = k + 1
        data_end(loc, excel_row, kind)
        if kind == "end":
            loc.ended = True
            break
    else:
        new.extend(rows[done:])
    loc.data.extend(new)
    return new


def collected(loc: Located) -> None:
    """Every row of the sheet was looked at: say so if none was data."""
    if not loc.data and loc.form.kind == "table":
        loc.findings.append(Finding("warning", "no-rows", loc.sheet.name, loc.header_row))


def _find_fields(
    form: FormSpec, rows: list[tuple[int, list[Any]]]
) -> dict[str, tuple[str, int, int]]:
    """Labelled values of a key–value form: key → (value, Excel row, column index)."""
    by_label: dict[str, list[Any]] = {}
    for f in form.fields:
        for name in (f.label, *f.aliases):
            by_label.setdefault(norm_header(name), []).append(f)
    found: dict[str, tuple[str, int, int]] = {}
    for excel_row, cells in rows:
        context: str | None = None
        for j, cell in enumerate(cells):
            text = _text(cell)
            if text is None:
                continue
            mt = _LABEL_VALUE.match(text)
            label, value = (mt.group(1), mt.group(2).strip()) if mt else (text, "")
            candidates = by_label.get(norm_header(label))
            if not candidates:
                continue
            if context is None:
                # The label as the schema names it: 联系人 written for 联络人 still heads the
                # 职务 and 联系电话 beside it.
                plain = next((f for f in candidates if f.context is None), None)
                context = norm_header(plain.label) if plain else norm_header(label)
            spec = next(
                (f for f in candidates if f.context is None or norm_header(f.context) == context),
                None,
            )
            if spec is None or spec.key in found:
                continue
            if not value:
                value = _next_value(cells, j, by_label)
            found[spec.key] = (clean_text(value), excel_row, j)
    return found
