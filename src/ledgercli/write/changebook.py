"""The change workbooks of `ledger diff -o` and `ledger overdue -o`.

One sheet per kind of change; each row puts last week's and this week's value of every column
side by side (changed cells marked), then where each version came from: the workbook row read,
and for a merged city workbook the submission file and row it was merged from.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from ledgercli.compare.diff import KINDS, Case, Change, Diff, Tally, comparable
from ledgercli.compare.overdue import Overdue
from ledgercli.model.errors import LedgerError
from ledgercli.model.forms import FormSpec
from ledgercli.model.i18n import Words, join, message
from ledgercli.model.numbers import AMOUNT_FORMAT
from ledgercli.model.status import status_said
from ledgercli.write.base import (
    MAX_SHEET_ROWS,
    XLSX_HEADER_FORMAT,
    atomic_save,
    check_output,
)

# The columns of the 汇总 sheet, in order (their headers: `changebook.tally.<key>`).
TALLY_KEYS = (
    "cases_old",
    "cases_new",
    "owed_old",
    "owed_new",
    "remaining_old",
    "remaining_new",
    "new",
    "new_amount",
    "vanished",
    "vanished_amount",
    "vanished_remaining",
    "not_reported_cases",
    "not_reported_owed",
    "not_reported_remaining",
    "repaid",
    "repaid_cases",
    "status_moves",
    "regressions",
    "changed",
    "corrected",
)


def word(lang: str, key: str) -> str:
    return Words("changebook", lang)[key]


def sheet_name(lang: str, kind: str) -> str:
    return message(f"changebook.sheet.{kind}", lang)


def column_name(lang: str, column: Any) -> str:
    """A form's column as a header: its Chinese header, with the English beside it in English."""
    return message("changebook.column", lang, header=column.header, en=column.en)


def status_word(lang: str, st: str | None) -> str:
    return status_said(st, lang)


@dataclass
class BookSheet:
    title: str
    headers: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    marks: list[set[int]] = field(default_factory=list)  # per row: 0-based columns to mark
    links: list[dict[int, str]] = field(default_factory=list)  # per row: column → hyperlink
    widths: list[int] = field(default_factory=list)


# Excel keeps at most this many links on one sheet; past it a location is written as text.
MAX_LINKS = 65_530
_MARK = "#FFEB9C"


def save(sheets: list[BookSheet], out: Path, inputs: Iterable[Path], force: bool) -> None:
    """Write the sheets to `out` atomically; never over an input, never over a file unasked.

    Streamed with xlsxwriter (a city's lapsed promises are tens of thousands of full rows);
    text is always a text cell, never a formula, number or link."""
    if out.suffix.lower() != ".xlsx":
        raise LedgerError("changebook-suffix", path=str(out))
    check_output(out, list(inputs), force)
    atomic_save(lambda path: _build(sheets, path), out, replace=force)


def _build(sheets: list[BookSheet], path: str) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(
        path,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    try:
        header = wb.add_format(XLSX_HEADER_FORMAT)
        formats = {
            (False, False): None,
            (True, False): wb.add_format({"num_format": AMOUNT_FORMAT}),
            (False, True): wb.add_format({"bg_color": _MARK, "pattern": 1}),
            (True, True): wb.add_format(
                {"num_format": AMOUNT_FORMAT, "bg_color": _MARK, "pattern": 1}
            ),
        }
        link = wb.add_format({"font_color": "#0563C1", "underline": 1})
        for spec in sheets:
            _sheet(wb.add_worksheet(spec.title[:31]), spec, header, formats, link)
    finally:
        wb.close()


def _sheet(ws: Any, spec: BookSheet, header: Any, formats: dict[Any, Any], link: Any) -> None:
    for j, h in enumerate(spec.headers):
        width = spec.widths[j] if j < len(spec.widths) else max(10, len(h) * 2)
        ws.set_column(j, j, min(width, 40))
    for j, h in enumerate(spec.headers):
        ws.write_string(0, j, h, header)
    ws.freeze_panes(1, 0)
    links_left = MAX_LINKS
    for r, values in enumerate(spec.rows[: MAX_SHEET_ROWS - 1], start=1):
        marks = spec.marks[r - 1] if r - 1 < len(spec.marks) else set()
        links = spec.links[r - 1] if r - 1 < len(spec.links) else {}
        for j, v in enumerate(values):
            fmt = formats[(isinstance(v, Decimal), j in marks)]
            if j in links and links_left > 0 and len(links[j]) < 2000:
                links_left -= 1
                ws.write_url(r, j, "external:" + links[j], link, "" if v is None else str(v))
            elif v is None or v == "":
                if fmt is not None:
                    ws.write_blank(r, j, None, fmt)
            elif isinstance(v, str):
                ws.write_string(r, j, v, fmt)
            elif isinstance(v, bool):
                ws.write_boolean(r, j, v, fmt)
            elif isinstance(v, Decimal | int | float):
                # Excel holds doubles; 0.0001 万元 amounts are far inside their 15 digits.
                ws.write_number(r, j, float(v), fmt)
            else:
                ws.write_string(r, j, str(v), fmt)


# --- diff -----------------------------------------------------------------------------------


def diff_sheets(d: Diff, lang: str) -> list[BookSheet]:
    sheets = [_summary_sheet(d, lang), _not_reported_sheet(d, lang)]
    for kind in KINDS:
        sheets.append(_change_sheet(d.form, d.of(kind), kind, lang))
    return sheets


def _summary_sheet(d: Diff, lang: str) -> BookSheet:
    keys = TALLY_KEYS
    tally = Words("changebook.tally", lang)
    sheet = BookSheet(sheet_name(lang, "summary"), [word(lang, "unit"), *(tally[k] for k in keys)])
    for unit, t in d.units_worst_first():
        sheet.rows.append([unit, *(_cell(getattr(t, k)) for k in keys)])
    sheet.rows.append([word(lang, "total"), *(_cell(getattr(d.totals, k)) for k in keys)])
    sheet.widths = [18, *([12] * len(keys))]
    return sheet


def _not_reported_sheet(d: Diff, lang: str) -> BookSheet:
    """One row per unit that sent nothing this week, with what it had last week."""
    tally = Words("changebook.tally", lang)
    keys = ["not_reported_cases", "not_reported_owed", "not_reported_remaining"]
    sheet = BookSheet(sheet_name(lang, "not_reported"), [word(lang, "unit")])
    sheet.headers += [tally[k] for k in keys]
    for unit in d.not_reported:
        t = d.units[unit]
        sheet.rows.append([unit, *(_cell(getattr(t, k)) for k in keys)])
    sheet.widths = [18, 12, 14, 14]
    return sheet


def _change_sheet(form: FormSpec, changes: list[Change], kind: str, lang: str) -> BookSheet:
    cols = [c for c in form.columns if c.key != "seq"]
    old, new = word(lang, "old"), word(lang, "new")
    headers = [word(lang, "unit"), word(lang, "detail"), word(lang, "amount")]
    for c in cols:
        name = column_name(lang, c)
        headers += [name + old, name + new]
    headers += [word(lang, "status") + old, word(lang, "status") + new]
    headers += [word(lang, "repaid") + old, word(lang, "repaid") + new]
    prov = [
        word(lang, "where"),
        word(lang, "source_file"),
        word(lang, "source_sheet"),
        word(lang, "source_row"),
    ]
    for side in ("old_side", "new_side"):
        headers += [message("changebook.side", lang, side=word(lang, side), name=p) for p in prov]
    sheet = BookSheet(sheet_name(lang, kind), headers)
    sheet.widths = [14, 28, 12, *([14] * (len(headers) - 3))]
    for ch in changes:
        row: list[Any] = [ch.unit, _detail(ch, lang), _cell(ch.amount)]
        marks: set[int] = set()
        for c in cols:
            a = _raw(ch.old, c.key)
            b = _raw(ch.new, c.key)
            if ch.old and ch.new and comparable(ch.old.get(c.key)) != comparable(ch.new.get(c.key)):
                marks.update((len(row), len(row) + 1))
            row += [a, b]
        statuses = (
            status_word(lang, ch.old.status if ch.old else None),
            status_word(lang, ch.new.status if ch.new else None),
        )
        repaids = (ch.old.repaid if ch.old else None, ch.new.repaid if ch.new else None)
        for pair in (statuses, repaids):
            if ch.old and ch.new and pair[0] != pair[1]:
                marks.update((len(row), len(row) + 1))
            row += list(pair)
        links: dict[int, str] = {}
        for case in (ch.old, ch.new):
            if case is not None:
                links[len(row)] = _link(case)
            row += _provenance(case)
        sheet.rows.append(row)
        sheet.marks.append(marks)
        sheet.links.append(links)
    return sheet


def _detail(ch: Change, lang: str) -> str:
    if ch.reasons:
        return join((word(lang, r) for r in ch.reasons), lang)
    if ch.fields:
        return join((f["header"] for f in ch.fields), lang)
    if ch.kind == "status" and ch.old and ch.new:
        return f"{status_word(lang, ch.old.status)} → {status_word(lang, ch.new.status)}"
    return ""


def _raw(case: Case | None, key: str) -> Any:
    """The value as the unit wrote it (parsed where it parsed, the cell as read otherwise)."""
    if case is None:
        return None
    value = case.get(key)
    if value is None:
        raw = case.ledger.raw.get(key)
        value = raw[case.i] if raw else None
        if value == "":
            value = None
    return _cell(value)


def _cell(value: Any) -> Any:
    if value is None or isinstance(value, str | int | Decimal):
        return value
    if isinstance(value, float):
        return Decimal(str(value))
    return str(value)


def _provenance(case: Case | None) -> list[Any]:
    if case is None:
        return [None, None, None, None]
    file, row = case.source()
    sheet = case.ledger.sheet_of(case.i)
    return [f"{case.ledger.path} › {sheet} › {case.row}", file, case.source_sheet(), row]


def _link(case: Case) -> str:
    """A link Excel and WPS open at the row: file#'sheet'!A<row>."""
    sheet = case.ledger.sheet_of(case.i).replace("'", "''")
    return f"{_resolved(case.ledger.path)}#'{sheet}'!A{case.row}"


@lru_cache(maxsize=1024)
def _resolved(path: str) -> str:
    """A file's absolute path, once per file (tens of thousands of rows link to one file)."""
    try:
        return str(Path(path).resolve())
    except OSError:
        return path


# --- overdue --------------------------------------------------------------------------------


def overdue_sheets(o: Overdue, lang: str) -> list[BookSheet]:
    w = Words("changebook", lang)
    units = BookSheet(
        sheet_name(lang, "overdue_units"),
        [
            w["unit"],
            w["cases"],
            w["overdue_amount"],
            w["remaining_lapsed"],
            w["agreement_lapsed"],
            w["oldest_due"],
        ],
        widths=[18, 8, 14, 12, 12, 12],
    )
    for unit, t in [*o.units, (w["total"], o.totals)]:
        units.rows.append(
            [unit, t.cases, t.amount, t.remaining_lapsed, t.agreement_lapsed, t.oldest_due]
        )
    form = o.side.form
    cols = [c for c in form.columns if c.key != "seq"]
    headers = [
        w["unit"],
        w["reasons"],
        w["overdue_amount"],
        w["due"],
        w["months_late"],
        w["status"],
        w["row_check"],
        *[column_name(lang, c) for c in cols],
        w["where"],
        w["source_file"],
        w["source_sheet"],
        w["source_row"],
    ]
    cases = BookSheet(sheet_name(lang, "overdue"), headers)
    cases.widths = [14, 20, 12, 12, 8, 10, 10, *([14] * (len(headers) - 7))]
    lapsed = {"remaining_due", "agreed_due"}
    for oc in o.cases:
        c = oc.case
        row: list[Any] = [
            c.unit,
            join((word(lang, r) for r in oc.reasons), lang),
            oc.amount,
            oc.due,
            oc.months_late,
            status_word(lang, c.status),
            w("row_errors", n=oc.row_errors) if oc.row_errors else "",
        ]
        marks = {
            7 + j
            for j, col in enumerate(cols)
            if col.key in lapsed and isinstance(c.get(col.key), str) and c.get(col.key) < o.as_of
        }
        row += [_raw(c, col.key) for col in cols]
        links = {len(row): _link(c)}
        row += _provenance(c)
        cases.rows.append(row)
        cases.marks.append(marks)
        cases.links.append(links)
    return [units, cases]


__all__ = ["BookSheet", "Tally", "diff_sheets", "overdue_sheets", "save"]
