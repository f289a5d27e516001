"""`--check`: a unit's self-reported annex 3/4 against the one recomputed from its detail rows.

The notices ask inspectors to find ledgers that do not add up (台账不实). The reported workbook
is read by content, not by position: the sheet and header row are found by the unit column's
header, the data rows by the unit name in that column, the figures in the seed's column order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ledgercli.model.errors import LedgerError
from ledgercli.model.forms import get_form
from ledgercli.model.numbers import rate
from ledgercli.model.text import nfkc, norm_header, norm_key
from ledgercli.model.units import unit_key
from ledgercli.read.cells import PLACEHOLDERS, number_from_text
from ledgercli.read.workbook import Book, Sheet, open_book
from ledgercli.summary.figures import (
    Figure,
    Summary,
    SummaryColumn,
    SummaryRow,
    fmt_figure,
    summary_layouts,
    total_of,
)

_END = ("填写说明", "填表说明", "填报说明", "说明", "注", "填报人", "审核人", "制表", "单位负责人")
_TOTALS = ("合计", "总计", "总合计")
_AGGREGATES = ("小计", "合计", "总计")
_Q4 = Decimal("0.0001")
_Q2 = Decimal("0.01")


@dataclass(frozen=True)
class Difference:
    unit: str
    column: str  # header path joined with '/'
    reported: Any
    computed: Any
    row: int | None  # the Excel row in the reported workbook (None: the row is missing there)
    # "detail": `computed` is recomputed from the detail rows; "rows": it is the sum of the
    # reported table's own unit rows, which its 合计 does not add up to; "repeated": the unit
    # already has a row, whose Excel row is `computed`.
    against: str = "detail"

    def to_json(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "column": self.column,
            "reported": self.reported,
            "computed": self.computed,
            "row": self.row,
            "against": self.against,
        }


@dataclass
class Reported:
    sheet: str
    rows: dict[str, tuple[int, str, list[Any]]]  # unit key → (Excel row, unit as written, figures)
    # A unit's second and later rows: compared with nothing, but counted in the sum of rows.
    repeated: list[tuple[int, str, list[Any]]] = field(default_factory=list)
    # A second 合计 (or 总计) row: named, and kept out of the sum of rows.
    extra_totals: list[tuple[int, str, list[Any]]] = field(default_factory=list)
    # (Excel row, figure position) of the cells shown as a percentage (number format 0.00%):
    # 0.5604 there reads 56.04%. Known for .xlsx/.xlsm only; elsewhere a cell is as written.
    percent: set[tuple[int, int]] = field(default_factory=set)


def read_reported(path: Path, summary: Summary, password: str | None = None) -> Reported:
    """The data rows of a reported annex under its official header, keyed by unit name."""
    layout = summary.layout
    unit_idx = next(i for i, c in enumerate(layout.columns) if c.kind == "unit")
    figure_idx = [i for i, c in enumerate(layout.columns) if c.is_figure]
    names = {norm_header(layout.unit_column.path[0])}
    detail = get_form(layout.of)
    if detail.unit_column:
        spec = detail.by_key[detail.unit_column]
        names |= {norm_header(spec.header), *(norm_header(a) for a in spec.aliases)}
    book = open_book(path, password)
    for name in book.sheet_names:
        sheet = book.sheet(name)
        top = _header_row(sheet, unit_idx, names)
        if top is None:
            continue
        units = {unit_key(r.label) for r in summary.rows}
        found = _data_rows(sheet, top, unit_idx, figure_idx, names, units)
        reported = _reported(name, found, layout.total_label)
        rates = {n: j for n, j in enumerate(figure_idx) if layout.columns[j].kind == "rate"}
        rows = {r[0] for part in found for r in part}
        reported.percent = _percent_cells(book, name, rows, rates)
        return reported
    raise LedgerError(
        "check-no-header", path=str(path), title=summary.title, header=layout.unit_column.label
    )


def _percent_cells(
    book: Book, sheet: str, rows: set[int], columns: dict[int, int]
) -> set[tuple[int, int]]:
    """Which of the rate cells (figure position → 0-based column) are formatted as a
    percentage. calamine gives values only, so the (small) reported workbook's formats are
    read with openpyxl; other formats say nothing, and a cell is then taken as written."""
    if book.format != "xlsx" or not rows or not columns:
        return set()
    import io

    import openpyxl

    source = book.source
    if isinstance(source, io.BytesIO):
        source = io.BytesIO(source.getvalue())
    found: set[tuple[int, int]] = set()
    try:
        wb = openpyxl.load_workbook(source, read_only=True, data_only=True)
        try:
            ws = wb[sheet]
            low, high = min(rows), max(rows)
            for n, j in columns.items():
                cells = ws.iter_rows(min_row=low, max_row=high, min_col=j + 1, max_col=j + 1)
                for excel_row, (cell,) in enumerate(cells, start=low):
                    if excel_row in rows and _is_percent(getattr(cell, "number_format", "")):
                        found.add((excel_row, n))
        finally:
            wb.close()
    except Exception:  # formats are a refinement: unreadable, every cell counts as written
        return set()
    return found


def _is_percent(number_format: str | None) -> bool:
    """0.00%, 0%, [Red]0.0% …: a % outside quoted text and not escaped."""
    text = re.sub(r'"[^"]*"|\\.', "", number_format or "")
    return "%" in text


def reported_annex(path: Path, password: str | None = None) -> str | None:
    """Which summary (its `annex`: "3", "4") a reported workbook is, by its title; None if it
    does not say. `--check annex3.xlsx` without `--annex 3` then compares it with the right
    table."""
    from ledgercli.read.table import summary_title

    try:
        title = summary_title(open_book(path, password))
    except Exception:
        return None  # read_reported says what is wrong with it
    return next((lo.annex for form, lo in summary_layouts() if form.title == title), None)


def _header_row(sheet: Sheet, unit_idx: int, names: set[str]) -> int | None:
    for excel_row, cells in sheet.rows[:40]:
        cell = cells[unit_idx] if unit_idx < len(cells) else None
        if isinstance(cell, str) and norm_header(cell) in names:
            return excel_row
    return None


_Row = tuple[int, str, str, list[Any]]  # Excel row, label as written, its key, figures


def _data_rows(
    sheet: Sheet,
    top: int,
    unit_idx: int,
    figure_idx: list[int],
    names: set[str],
    units: set[str],
) -> tuple[list[_Row], list[_Row]]:
    """The rows under the header until the notes: (unit rows, total and subtotal rows). A row
    is a total or subtotal by its label (…小计, …合计, …总计), unless a unit is so named."""
    unit_rows: list[_Row] = []
    aggregates: list[_Row] = []
    for excel_row, cells in sheet.rows:
        if excel_row <= top:
            continue
        unit = cells[unit_idx] if unit_idx < len(cells) else None
        first = cells[0] if cells else None
        label = str(unit).strip() if unit not in (None, "") else ""
        if not label and isinstance(first, str) and norm_key(first).endswith(_AGGREGATES):
            label = first.strip()  # 合计 written in 序号's cell, merged across the unit's
        if not label or norm_header(label) in names:
            continue
        key = unit_key(label)
        if key.startswith(_END):
            break
        figures = [cells[j] if j < len(cells) else None for j in figure_idx]
        is_aggregate = key not in units and (key in _TOTALS or key.endswith(_AGGREGATES))
        (aggregates if is_aggregate else unit_rows).append((excel_row, label, key, figures))
    return unit_rows, aggregates


def _reported(name: str, found: tuple[list[_Row], list[_Row]], total_label: str) -> Reported:
    """Key the unit rows, and pick the total: a row labelled exactly 合计 (总计, 总合计), else
    the last …合计 or …总计 below every unit (全区合计). Other such rows are subtotals."""
    unit_rows, aggregates = found
    reported = Reported(name, {})
    for excel_row, label, key, figures in unit_rows:
        if key in reported.rows:
            reported.repeated.append((excel_row, label, figures))
        else:
            reported.rows[key] = (excel_row, label, figures)
    below = max((r[0] for r in unit_rows), default=0)
    exact = [a for a in aggregates if a[2] in _TOTALS]
    trailing = [a for a in aggregates if a[0] > below and not a[2].endswith("小计")]
    totals = exact or trailing[-1:]
    if totals:
        excel_row, label, _, figures = totals[0]
        reported.rows[unit_key(total_label)] = (excel_row, label, figures)
        reported.extra_totals = [(r, lb, f) for r, lb, _, f in totals[1:]]
    return reported


def reconcile(summary: Summary, reported: Reported) -> list[Difference]:
    """Every figure that differs, row by row, for the units the reported table names (a
    district reports its own units, not the city's): a unit it names that the detail rows do
    not have is compared with an empty row, so each of its figures shows. Its 合计 is compared
    with the sum of the units it names. Names match as units.py folds them (古南街道办事处 is
    古南街道)."""
    layout = summary.layout
    figures = layout.figures
    computed: dict[str, SummaryRow] = {unit_key(r.label): r for r in summary.rows}
    diffs: list[Difference] = []
    total_key = unit_key(layout.total_label)
    keys = [k for k in computed if k in reported.rows]
    keys += [k for k in reported.rows if k not in computed and k != total_key]
    if total_key in reported.rows:
        named = [computed[k] for k in keys if k in computed]
        computed[total_key] = SummaryRow(summary.total.label, total_of(named, layout))
        keys.append(total_key)
    for key in keys:
        have = computed.get(key)
        excel_row, label, cells = reported.rows[key]
        unit = have.label if have else label
        for n, (col, cell) in enumerate(zip(figures, cells, strict=True)):
            value: Figure = have.values[col.key] if have else (None if col.kind == "rate" else 0)
            if not _same(col, cell, value, (excel_row, n) in reported.percent):
                diffs.append(
                    Difference(unit, col.label, _show(cell), fmt_figure(col, value), excel_row)
                )
    unit_label = layout.unit_column.label
    for excel_row, label, _ in reported.repeated:
        first = reported.rows[unit_key(label)][0]
        diffs.append(Difference(label, unit_label, label, str(first), excel_row, "repeated"))
    for excel_row, label, _ in reported.extra_totals:
        first = reported.rows[total_key][0]
        diffs.append(Difference(label, unit_label, label, str(first), excel_row, "repeated"))
    if total_key in reported.rows:
        diffs += _total_adds_up(summary, reported, total_key)
    return diffs


def not_compared(summary: Summary, reported: Reported) -> list[str]:
    """The units of the detail rows the reported table does not name (not compared)."""
    return [r.label for r in summary.rows if unit_key(r.label) not in reported.rows]


def _total_adds_up(summary: Summary, reported: Reported, total_key: str) -> list[Difference]:
    """The reported 合计 against the sum of the reported table's own unit rows: a total that
    does not add up is wrong whatever the detail rows say."""
    figures = summary.layout.figures
    excel_row, label, total = reported.rows[total_key]
    units = [cells for key, (_, _, cells) in reported.rows.items() if key != total_key]
    units += [cells for _, _, cells in reported.repeated]
    sums: dict[str, Decimal | None] = {}
    for n, col in enumerate(figures):
        if col.kind != "rate":
            # A cell that is no number (650,2541) makes its column's sum unknown: it is
            # already a difference of its unit's row, and a guessed sum would only mislead.
            column = [cells[n] for cells in units]
            numbers = [_number(c) for c in column]
            known = all(v is not None or _blank(c) for v, c in zip(numbers, column, strict=True))
            sums[col.key] = sum((v or Decimal(0) for v in numbers), Decimal(0)) if known else None
    diffs = []
    for n, (col, cell) in enumerate(zip(figures, total, strict=True)):
        value: Figure
        if col.kind == "rate":
            num, den = col.ratio
            if sums.get(num) is None or sums.get(den) is None:
                continue
            value = rate(sums[num] or Decimal(0), sums[den] or Decimal(0))
        elif sums[col.key] is None:
            continue
        elif col.kind == "count":
            value = int(sums[col.key] or 0)
        else:
            value = sums[col.key]
        if not _same(col, cell, value, (excel_row, n) in reported.percent):
            diffs.append(
                Difference(label, col.label, _show(cell), fmt_figure(col, value), excel_row, "rows")
            )
    return diffs


def _blank(cell: Any) -> bool:
    """Empty, or what validate takes for blank (无, a dash, a slash): read as 0."""
    return cell is None or (isinstance(cell, str) and nfkc(cell).strip() in ("", *PLACEHOLDERS))


def _number(cell: Any) -> Decimal | None:
    """A reported figure read as validate reads an amount (万元, thousands separators in
    their places, full-width digits), and a rate's % sign; None if it is no number."""
    if _blank(cell) or isinstance(cell, bool):
        return None
    if isinstance(cell, int | float):
        return Decimal(str(cell))
    text = nfkc(str(cell)).strip()
    return number_from_text(text[:-1] if text.endswith("%") else text)


def _same(col: SummaryColumn, cell: Any, value: Figure, percent: bool = False) -> bool:
    reported = _number(cell)
    if reported is None and not _blank(cell):
        return False  # text where a number belongs never matches
    if col.kind == "rate":
        if value is None:
            return reported is None or reported == 0
        if reported is None:
            return False
        # What the clerk sees is compared: a number in a %-formatted cell shows ×100 (0.8550
        # reads 85.50%); anywhere else 0.8550 reads 0.86, a difference, not a guessed percent.
        if percent and isinstance(cell, int | float) and not isinstance(cell, bool):
            reported *= 100
        return reported.quantize(_Q2) == Decimal(value).quantize(_Q2)
    want_n = Decimal(value or 0)
    got = reported if reported is not None else Decimal(0)
    if col.kind == "count":
        return got == want_n
    return got.quantize(_Q4) == want_n.quantize(_Q4)


def _show(cell: Any) -> Any:
    if cell is None or cell == "":
        return None
    if isinstance(cell, float) and cell.is_integer():
        return int(cell)
    return cell if isinstance(cell, int | float | str) else str(cell)
