"""The official summary workbook (annex 3, annex 4, the Wuhan weekly report) as the clerk sends it.

Row 1 the title, row 2 the unit row, then the multi-level merged header exactly as the seed,
the data rows and 合计. Cells hold values, never formulas: the province's tools and anyone's
pandas must read the numbers without a spreadsheet program computing them first.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from ledgercli.model.i18n import bilingual
from ledgercli.summary.figures import Summary, SummaryRow, header_cells, header_merges, header_spans
from ledgercli.write.base import check_output

TITLE_ROW = 1
UNIT_ROW = 2
HEADER_TOP = 3  # the first header row of the sheet
CM = 37.8  # pixels per centimetre, for the chart's size


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
    from ledgercli.write.base import atomic_save

    check_output(out, inputs, force)
    atomic_save(lambda path: build_workbook(summary, path, lang), out, replace=force)


def build_workbook(summary: Summary, path: str | Path, lang: str = "zh") -> None:
    """The workbook, written to `path` with xlsxwriter (a tenth of openpyxl's import time,
    which was a twentieth of summarizing a city). Text is always written as text."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    try:
        _summary_sheet(wb, summary)
        if summary.layout.chart is not None:
            _chart_sheet(wb, summary, lang)
    finally:
        wb.close()


class _Formats:
    """xlsxwriter formats are made once per combination and reused."""

    def __init__(self, wb: Any) -> None:
        self.wb = wb
        self.made: dict[tuple[Any, ...], Any] = {}

    def __call__(self, **props: Any) -> Any:
        key = tuple(sorted(props.items()))
        if key not in self.made:
            self.made[key] = self.wb.add_format(props)
        return self.made[key]


HEADER = {
    "bold": True,
    "pattern": 1,
    "bg_color": "#DDEBF7",
    "align": "center",
    "valign": "vcenter",
    "text_wrap": True,
    "border": 1,
    "border_color": "#808080",
}


def _summary_sheet(wb: Any, summary: Summary) -> None:
    layout = summary.layout
    ncols = len(layout.columns)
    fmt = _Formats(wb)
    ws = wb.add_worksheet(layout.sheet)

    title = fmt(bold=True, font_size=16, align="center", valign="vcenter")
    ws.merge_range(TITLE_ROW - 1, 0, TITLE_ROW - 1, ncols - 1, summary.title, title)
    ws.set_row(TITLE_ROW - 1, 32)
    ws.merge_range(UNIT_ROW - 1, 0, UNIT_ROW - 1, ncols - 1, layout.unit_row, fmt(align="right"))

    head = fmt(**HEADER)
    top = HEADER_TOP - 1
    for r in range(layout.header_rows):
        for c in range(ncols):
            ws.write_blank(top + r, c, None, head)
    texts = {(r, c): text for r, c, text in header_cells(layout)}
    merged: set[tuple[int, int]] = set()
    for rng in header_merges(layout):
        first, last = rng.split(":")
        r0, c0 = _cell(first)
        r1, c1 = _cell(last)
        ws.merge_range(top + r0, c0, top + r1, c1, texts.get((r0, c0), ""), head)
        merged.add((r0, c0))
    for (r, c), text in texts.items():
        if (r, c) not in merged:
            ws.write_string(top + r, c, text, head)
    # Neither Excel nor LibreOffice grows a row for wrapped text in merged cells: each header
    # row is made tall enough for the longest text it holds, or the lines overlap the row above.
    for r, height in enumerate(header_heights(summary)):
        ws.set_row(top + r, height)

    row = first_data_row(summary) - 1
    for seq, data in enumerate(summary.rows, start=1):
        _write_row(ws, fmt, row, data, summary, seq, bold=False)
        row += 1
    _write_row(ws, fmt, row, summary.total, summary, None, bold=True)
    seq_col = next((i for i, c in enumerate(layout.columns) if c.kind == "seq"), None)
    unit_col = next(i for i, c in enumerate(layout.columns) if c.kind == "unit")
    if seq_col is not None and seq_col + 1 == unit_col:
        # 合计 stands across 序号 and the unit, as clerks draw it.
        total = fmt(bold=True, align="center", border=1)
        ws.merge_range(row, seq_col, row, unit_col, layout.total_label, total)

    _write_notes(ws, fmt, summary, row + 2)

    for i, spec in enumerate(layout.columns):
        ws.set_column(i, i, spec.width)
    ws.freeze_panes(first_data_row(summary) - 1, unit_col + 1)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(top, first_data_row(summary) - 2)


# Points per line of wrapped 11-point text (CJK fonts need more than Latin ones), and the
# margin above and below it.
LINE_HEIGHT = 16.0
ROW_PADDING = 5.0
MIN_HEADER_HEIGHT = 20.0
BOLD_FACTOR = 1.1  # bold glyphs are wider
# The notes under the table: what the figures hold or leave out of amounts in 元.
NOTE_CODES = ("summary-unit-conflict", "summary-amount-converted", "summary-suspect-yuan")


def text_width(text: str) -> float:
    """Width in Excel column units (one Latin digit): CJK and full-width characters count two,
    as do the curly quotes, which CJK fonts draw full width."""
    import unicodedata

    return float(sum(2 if unicodedata.east_asian_width(ch) in "WFA" else 1 for ch in text))


def lines_needed(text: str, width: float, bold: bool = False) -> int:
    """Lines `text` wraps to in a cell `width` units wide (each explicit line at least one)."""
    room = max(width - 1.0, 1.0)  # the cell's own margins
    factor = BOLD_FACTOR if bold else 1.0
    return sum(max(1, math.ceil(text_width(part) * factor / room)) for part in text.split("\n"))


def header_heights(summary: Summary) -> list[float]:
    """The height (points) of each header row: its tallest one-row cell first, then whatever a
    cell spanning several rows still lacks goes to the last row it spans."""
    layout = summary.layout
    widths = [c.width for c in layout.columns]
    heights = [MIN_HEADER_HEIGHT] * layout.header_rows
    spans = sorted(header_spans(layout), key=lambda s: s[3] - s[0])
    for r, c0, c1, r1, text in spans:
        need = lines_needed(text, sum(widths[c0 : c1 + 1]), bold=True) * LINE_HEIGHT + ROW_PADDING
        have = sum(heights[r : r1 + 1])
        if r == r1:
            heights[r] = max(heights[r], need)
        elif have < need:
            heights[r1] += need - have
    return heights


def _write_notes(ws: Any, fmt: _Formats, summary: Summary, row: int) -> None:
    """注: under the table, one line per note on amounts in 元 (converted files, rows left out
    for a conflicting unit, rows suspected of 元 and their share), in the official language."""
    notes = [c for c in summary.caveats if c.code in NOTE_CODES]
    if not notes:
        return
    last = len(summary.layout.columns) - 1
    width = sum(c.width for c in summary.layout.columns)
    cell = fmt(text_wrap=True, valign="top", align="left")
    for n, caveat in enumerate(notes, start=1):
        text = f"注{n}：{caveat.message('zh')}" if len(notes) > 1 else f"注：{caveat.message('zh')}"
        ws.merge_range(row, 0, row, last, text, cell)
        ws.set_row(row, lines_needed(text, width) * LINE_HEIGHT + ROW_PADDING)
        row += 1


def _cell(ref: str) -> tuple[int, int]:
    """'AB4' → (3, 27): 0-based row and column of a header-block reference."""
    letters = ref.rstrip("0123456789")
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return int(ref[len(letters) :]) - 1, n - 1


def _number(ws: Any, row: int, col: int, value: Any, fmt: Any) -> None:
    """A figure as a number (Decimal exact to 15 digits in Excel's double); blank when None."""
    if value is None:
        ws.write_blank(row, col, None, fmt)
    else:
        ws.write_number(row, col, float(value) if isinstance(value, Decimal) else value, fmt)


def _write_row(
    ws: Any,
    fmt: _Formats,
    row: int,
    data: SummaryRow,
    summary: Summary,
    seq: int | None,
    bold: bool,
) -> None:
    columns = summary.layout.columns
    has_seq = any(c.kind == "seq" for c in columns)
    for i, col in enumerate(columns):
        if col.kind == "seq":
            cell = fmt(bold=bold, border=1, align="center", num_format="0")
            if seq is None:
                ws.write_string(row, i, summary.layout.total_label, cell)
            else:
                ws.write_number(row, i, seq, cell)
        elif col.kind == "unit":
            cell = fmt(bold=bold, border=1)
            if seq is not None or not has_seq:
                ws.write_string(row, i, data.label, cell)
            else:
                ws.write_blank(row, i, None, cell)
        else:
            cell = fmt(bold=bold, border=1, num_format=col.number_format or "General")
            _number(ws, row, i, data.values[col.key], cell)


def _chart_sheet(wb: Any, summary: Summary, lang: str) -> None:
    """A native bar chart of one figure by unit (清偿率 for annex 4), with the data it plots."""
    layout = summary.layout
    chart_spec = layout.chart
    assert chart_spec is not None
    col = next(c for c in layout.columns if c.key == chart_spec.column)
    title = bilingual(lang, chart_spec.title, chart_spec.title_en)
    ws = wb.add_worksheet("图表")
    value = wb.add_format({"num_format": col.number_format or "General"})
    ws.write_string(0, 0, layout.unit_column.path[-1])
    ws.write_string(0, 1, chart_spec.title)
    for r, data in enumerate(summary.rows, start=1):
        ws.write_string(r, 0, data.label)
        _number(ws, r, 1, data.values[col.key], value)
    ws.set_column(0, 0, 24)
    ws.set_column(1, 1, 14)
    n = max(len(summary.rows), 1)
    chart = wb.add_chart({"type": "bar"})  # horizontal bars: unit names stay readable
    chart.add_series(
        {
            "name": ["图表", 0, 1],
            "categories": ["图表", 1, 0, n, 0],
            "values": ["图表", 1, 1, n, 1],
        }
    )
    chart.set_title({"name": title})
    chart.set_x_axis({"name": chart_spec.title})  # a bar chart's value axis is horizontal
    chart.set_legend({"none": True})
    # A label per bar (a short chart shows every other unit), the first unit at the top as in
    # the table, and the sheet printed on one landscape page rather than cut across four.
    chart.set_y_axis({"reverse": True, "interval_unit": 1})
    chart.set_size({"width": 18 * CM, "height": max(7.5, 0.8 * len(summary.rows) + 3) * CM})
    ws.insert_chart("D2", chart)
    ws.set_landscape()
    ws.fit_to_pages(1, 1)
