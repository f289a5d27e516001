"""The official summary workbook (annex 3, annex 4, the Wuhan weekly report) as the clerk sends it.

Row 1 the title, row 2 the unit row, then the multi-level merged header exactly as the seed,
the data rows and 合计. Cells hold values, never formulas: the province's tools and anyone's
pandas must read the numbers without a spreadsheet program computing them first.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .summary import Summary, SummaryRow, header_cells, header_merges
from .workbook import col_letter
from .writer import apply_style, atomic_save, check_output, header_style, set_text, set_value

TITLE_ROW = 1
UNIT_ROW = 2
HEADER_TOP = 3  # the first header row of the sheet


def first_data_row(summary: Summary) -> int:
    return HEADER_TOP + summary.layout.header_rows


def write_summary(
    summary: Summary,
    out: Path,
    inputs: Iterable[Path] = (),
    force: bool = False,
    lang: str = "zh",
) -> None:
    """Write the summary workbook atomically; refuse to overwrite an input (or, without
    `force`, any existing file)."""
    check_output(out, inputs, force)
    wb = build_workbook(summary, lang)
    atomic_save(wb.save, out)


def build_workbook(summary: Summary, lang: str = "zh") -> Any:
    import openpyxl
    from openpyxl.styles import Alignment, Border, Font, Side

    layout = summary.layout
    ncols = len(layout.columns)
    last = col_letter(ncols - 1)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = layout.sheet

    set_text(ws.cell(TITLE_ROW, 1), summary.title)
    ws.merge_cells(f"A{TITLE_ROW}:{last}{TITLE_ROW}")
    ws.cell(TITLE_ROW, 1).font = Font(bold=True, size=16)
    ws.cell(TITLE_ROW, 1).alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[TITLE_ROW].height = 32
    set_text(ws.cell(UNIT_ROW, 1), layout.unit_row)
    ws.merge_cells(f"A{UNIT_ROW}:{last}{UNIT_ROW}")
    ws.cell(UNIT_ROW, 1).alignment = Alignment(horizontal="right")

    head = header_style()
    for r in range(layout.header_rows):
        for c in range(ncols):
            apply_style(ws.cell(HEADER_TOP + r, c + 1), head)
    for r, c, text in header_cells(layout):
        set_text(ws.cell(HEADER_TOP + r, c + 1), text)
    for rng in header_merges(layout):
        ws.merge_cells(_shift(rng, HEADER_TOP - 1))

    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    row = first_data_row(summary)
    for seq, data in enumerate(summary.rows, start=1):
        _write_row(ws, row, data, summary, seq, border, bold=False)
        row += 1
    _write_row(ws, row, summary.total, summary, None, border, bold=True)
    seq_col = next((i for i, c in enumerate(layout.columns) if c.kind == "seq"), None)
    unit_col = next(i for i, c in enumerate(layout.columns) if c.kind == "unit")
    if seq_col is not None and seq_col + 1 == unit_col:
        # 合计 stands across 序号 and the unit, as clerks draw it.
        ws.merge_cells(
            start_row=row, start_column=seq_col + 1, end_row=row, end_column=unit_col + 1
        )

    for i, spec in enumerate(layout.columns):
        ws.column_dimensions[col_letter(i)].width = spec.width
    ws.freeze_panes = f"{col_letter(unit_col + 1)}{first_data_row(summary)}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{HEADER_TOP}:{first_data_row(summary) - 1}"

    if layout.chart is not None:
        _chart_sheet(wb, summary, lang)
    return wb


def _write_row(
    ws: Any,
    row: int,
    data: SummaryRow,
    summary: Summary,
    seq: int | None,
    border: Any,
    bold: bool,
) -> None:
    from openpyxl.styles import Alignment, Font

    for i, col in enumerate(summary.layout.columns):
        cell = ws.cell(row, i + 1)
        if col.kind == "seq":
            if seq is None:
                set_text(cell, summary.layout.total_label)
            else:
                set_value(cell, seq, "0")
            cell.alignment = Alignment(horizontal="center")
        elif col.kind == "unit":
            if seq is not None or not any(c.kind == "seq" for c in summary.layout.columns):
                set_text(cell, data.label)
        else:
            set_value(cell, data.values[col.key], col.number_format)
            if col.number_format:
                cell.number_format = col.number_format
        cell.border = border
        if bold:
            cell.font = Font(bold=True)


def _chart_sheet(wb: Any, summary: Summary, lang: str) -> None:
    """A native bar chart of one figure by unit (清偿率 for annex 4), with the data it plots."""
    from openpyxl.chart import BarChart, Reference

    layout = summary.layout
    chart_spec = layout.chart
    assert chart_spec is not None
    col = next(c for c in layout.columns if c.key == chart_spec.column)
    title = chart_spec.title if lang == "zh" or not chart_spec.title_en else chart_spec.title_en
    ws = wb.create_sheet("图表")
    set_text(ws.cell(1, 1), layout.unit_column.path[-1])
    set_text(ws.cell(1, 2), chart_spec.title)
    for r, data in enumerate(summary.rows, start=2):
        set_text(ws.cell(r, 1), data.label)
        set_value(ws.cell(r, 2), data.values[col.key], col.number_format)
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 14
    n = len(summary.rows)
    chart = BarChart()
    chart.type = "bar"  # horizontal bars: unit names stay readable
    chart.title = title
    chart.y_axis.title = chart_spec.title
    chart.legend = None
    chart.height = max(7.5, 0.6 * n + 3)
    chart.width = 18
    chart.add_data(
        Reference(ws, min_col=2, min_row=1, max_row=max(n, 1) + 1), titles_from_data=True
    )
    chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=max(n, 1) + 1))
    ws.add_chart(chart, "D2")


def _shift(rng: str, rows: int) -> str:
    """'A1:B2' moved down by `rows`."""
    import re

    return re.sub(r"(\d+)", lambda m: str(int(m.group(1)) + rows), rng)
