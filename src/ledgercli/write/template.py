"""Blank workbooks for districts to fill, generated from the same schema that validates them.

The dropdowns, number rules and the 填写说明 sheet all come from the FormSpec, so the template,
the checks and the annotated returns can never disagree. Everything here must work in Excel,
WPS and LibreOffice alike: lists live on a hidden sheet behind ASCII defined names (names with
Chinese punctuation break in some of them), and the dependent list 债务人所属领域 by 性质 goes
through a lookup table, INDIRECT(VLOOKUP(...)), so no defined name ever has to spell a value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ledgercli.model.forms import ColumnSpec, FormSpec
from ledgercli.model.numbers import AMOUNT_FORMAT, DATE_FORMAT
from ledgercli.write.base import (
    apply_style,
    atomic_save,
    check_output,
    header_style,
    set_text,
)

DATA_ROWS = 1000
LISTS_SHEET = "lists"
GUIDE_SHEET = "填写说明"
# Text cells keep leading zeros and all 18 characters; months typed 2022-12 stay text instead
# of turning into a date that reads back as 2022-12-01.
TEXT_KINDS = {"credit_code", "phone", "month"}
# 1990-01-01 and 2099-12-31 as Excel serials: the range cells.py accepts for dates.
FIRST_DAY, LAST_DAY = 32874, 73050
MAX_PROMPT = 250  # Excel refuses input messages over 255 characters

KIND_ZH = {
    "text": "文本",
    "integer": "整数",
    "amount": "金额（万元）",
    "month": "年月（xxxx-xx）",
    "date": "日期（xxxx-xx-xx）",
    "credit_code": "统一社会信用代码（18位）",
    "phone": "电话号码",
    "enum": "下拉选择",
}


@dataclass(frozen=True)
class Layout:
    """Where things are in a generated table template (Excel rows, 1-based)."""

    title_row: int
    metadata_row: int | None
    header_rows: tuple[int, ...]
    first_data_row: int
    last_data_row: int

    @property
    def header_row(self) -> int:
        return self.header_rows[-1]


def layout(form: FormSpec, rows: int = DATA_ROWS) -> Layout:
    """The row plan of `form`'s template: title, the 填报单位 row if any, header, data."""
    row = 2
    meta = None
    if form.metadata:
        meta, row = row, row + 1
    two_level = form.header_rows > 1 or any(c.group for c in form.columns)
    headers = (row, row + 1) if two_level else (row,)
    first = headers[-1] + 1
    return Layout(1, meta, headers, first, first + rows - 1)


# --- what each column takes, in words -------------------------------------------------------


def requirement(col: ColumnSpec, form: FormSpec) -> str:
    if col.required is True:
        return "必填"
    if col.required == "warning":
        return "应填"
    cond = col.required_when
    if cond is not None:
        other = form.by_key[cond.column].header
        word = "必填" if cond.severity == "error" else "应填"
        if cond.in_ is not None:
            shown = "或".join(f"“{v}”" for v in cond.in_)
            return f"{other}为{shown}时{word}"
        return f"{other}大于{cond.gt}时{word}"
    return "选填"


def rules_text(col: ColumnSpec, form: FormSpec) -> str:
    """The column's rules as a clerk reads them (the 填写说明 sheet and the input message)."""
    parts: list[str] = []
    kind = col.kind
    if kind == "integer":
        parts.append("填写整数")
    elif kind == "amount":
        if col.positive:
            parts.append("大于0")
        elif col.min is not None:
            parts.append(f"不小于{col.min.normalize():f}")
        parts.append("单位万元，最多4位小数")
    elif kind == "month":
        parts.append("按xxxx-xx填写，例2022-12")
    elif kind == "date":
        parts.append("按xxxx-xx-xx填写，例2022-04-08")
    elif kind == "credit_code":
        parts.append("18位，须符合GB 32100-2015（含校验位）；按文本录入")
    elif kind == "phone":
        parts.append("11位手机号，或带区号的固定电话，如023-63895398；按文本录入")
    if col.number_is_error:
        parts.append("按文本录入，不得以数字保存")
    if col.not_future:
        parts.append("不得晚于今天")
    if col.unique == "error":
        parts.append("同一表内不得重复")
    elif col.unique == "warning":
        parts.append("同一表内不应重复")
    if col.values_by is not None:
        by = form.by_key[col.values_by.column].header
        for parent, values in col.values_by.map.items():
            parts.append(f"{by}为“{parent}”时填写{'、'.join(values)}")
        parts.append(f"{by}为其他时不填")
    if col.help and col.kind != "enum":
        parts.append(col.help)
    return "；".join(parts)


def allowed_text(col: ColumnSpec) -> str:
    return "、".join(col.values) if col.values else ""


def prompt(col: ColumnSpec, form: FormSpec) -> str:
    bits = [requirement(col, form)]
    if col.values:
        bits.append("从下拉列表选择：" + allowed_text(col))
    elif col.values_by is not None:
        bits.append("先填" + form.by_key[col.values_by.column].header + "，再从下拉列表选择")
    rules = rules_text(col, form)
    if rules:
        bits.append(rules)
    text = "。".join(bits) + "。"
    return text if len(text) <= MAX_PROMPT else text[: MAX_PROMPT - 1] + "…"


# --- the workbook ---------------------------------------------------------------------------


def build_template(form: FormSpec, rows: int = DATA_ROWS) -> Any:
    """An openpyxl Workbook: the form sheet, 填写说明, and (for dropdowns) a hidden lists sheet."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = _sheet_title(form)
    if form.kind == "keyvalue":
        _keyvalue_sheet(ws, form)
    else:
        _table_sheet(wb, ws, form, rows)
    _guide_sheet(wb, form)
    return wb


def write_template(form: FormSpec, out: Path, force: bool = False, rows: int = DATA_ROWS) -> Path:
    """Write `form`'s blank template to `out` (atomically; an existing file only with force)."""
    check_output(out, (), force)
    wb = build_template(form, rows)
    atomic_save(wb.save, out, replace=force)
    return out


def _sheet_title(form: FormSpec) -> str:
    m = re.search(r"附件\s*(\d+)", form.source)
    name = f"附件{m.group(1)}" if m else form.title
    return re.sub(r"[\\/*?:\[\]]", "", name)[:31] or "Sheet1"


def _title_cell(ws: Any, text: str, width: int) -> None:
    from openpyxl.styles import Alignment, Font

    cell = ws.cell(1, 1)
    set_text(cell, text)
    cell.font = Font(bold=True, size=16)
    cell.alignment = Alignment(horizontal="center", vertical="center")
    if width > 1:
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.row_dimensions[1].height = 32


def _table_sheet(wb: Any, ws: Any, form: FormSpec, rows: int) -> None:
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    plan = layout(form, rows)
    cols = form.columns
    n = len(cols)
    _title_cell(ws, form.title, n)
    if plan.metadata_row is not None:
        _metadata_row(ws, form, plan.metadata_row, n)
    style = header_style()
    top, bottom = plan.header_rows[0], plan.header_rows[-1]
    j = 0
    while j < n:
        col = cols[j]
        c = j + 1
        if len(plan.header_rows) == 1:
            set_text(ws.cell(top, c), col.header)
        elif col.group:
            # A group stands over the run of adjacent columns that name it.
            end = j
            while end + 1 < n and cols[end + 1].group == col.group:
                end += 1
            set_text(ws.cell(top, c), col.group)
            if end > j:
                ws.merge_cells(start_row=top, start_column=c, end_row=top, end_column=end + 1)
            for k in range(j, end + 1):
                set_text(ws.cell(bottom, k + 1), cols[k].header)
            j = end + 1
            continue
        else:
            set_text(ws.cell(top, c), col.header)
            ws.merge_cells(start_row=top, start_column=c, end_row=bottom, end_column=c)
        j += 1
    for r in plan.header_rows:
        for c in range(1, n + 1):
            apply_style(ws.cell(r, c), style)
        ws.row_dimensions[r].height = 30 if len(plan.header_rows) > 1 else 42
    ws.freeze_panes = ws.cell(plan.first_data_row, 1).coordinate

    lists = _Lists(wb)
    first, last = plan.first_data_row, plan.last_data_row
    for j, col in enumerate(cols):
        letter = get_column_letter(j + 1)
        ws.column_dimensions[letter].width = col.width
        fmt = _number_format(col)
        if fmt is not None:
            for r in range(first, last + 1):
                ws.cell(r, j + 1).number_format = fmt
        area = f"{letter}{first}:{letter}{last}"
        text = prompt(col, form)
        title = col.header[:32]
        # The header cell carries the same message, so it shows before anything is typed.
        head = DataValidation(allow_blank=True, showInputMessage=True)
        head.promptTitle, head.prompt = title, text
        head.add(f"{letter}{plan.header_row}")
        ws.add_data_validation(head)
        dv = _validation(col, form, lists, letter, first, plan)
        dv.promptTitle, dv.prompt = title, text
        dv.showInputMessage = True
        dv.add(area)
        ws.add_data_validation(dv)
    lists.finish()


def _metadata_row(ws: Any, form: FormSpec, row: int, width: int) -> None:
    """填报单位：____ 联系人：____ 联系方式：____ spread over the width, values to the right."""
    from openpyxl.styles import Alignment, Border, Font, Side

    line = Border(bottom=Side(style="thin", color="808080"))
    m = len(form.metadata)
    span = max(2, width // m)
    for k, meta in enumerate(form.metadata):
        c = 1 + k * span
        label = ws.cell(row, c)
        set_text(label, meta.label + "：")
        label.font = Font(bold=True)
        label.alignment = Alignment(horizontal="right")
        end = min(width, c + span - 1) if k < m - 1 else max(width, c + 1)
        value = ws.cell(row, c + 1)
        if meta.kind == "phone":
            value.number_format = "@"
        if end > c + 1:
            ws.merge_cells(start_row=row, start_column=c + 1, end_row=row, end_column=end)
        for cc in range(c + 1, end + 1):
            ws.cell(row, cc).border = line


def _number_format(col: ColumnSpec) -> str | None:
    if col.kind in TEXT_KINDS or col.number_is_error:
        return "@"
    if col.kind == "amount":
        return AMOUNT_FORMAT
    if col.kind == "date":
        return DATE_FORMAT
    if col.kind == "integer":
        return "0"
    return None


def _validation(
    col: ColumnSpec, form: FormSpec, lists: _Lists, letter: str, first: int, plan: Layout
) -> Any:
    from openpyxl.worksheet.datavalidation import DataValidation

    def stop(**kw: Any) -> Any:
        dv = DataValidation(allow_blank=True, showErrorMessage=True, errorStyle="stop", **kw)
        dv.errorTitle = col.header[:32]
        dv.error = prompt(col, form)
        return dv

    kind = col.kind
    if kind == "enum" and col.values:
        return stop(type="list", formula1=lists.values(col))
    if kind == "enum" and col.values_by is not None:
        parent = form.columns.index(form.by_key[col.values_by.column])
        from openpyxl.utils import get_column_letter

        ref = f"${get_column_letter(parent + 1)}{first}"
        lookup = lists.dependent(col)
        return stop(type="list", formula1=f"INDIRECT(VLOOKUP({ref},{lookup},2,FALSE))")
    if kind == "integer":
        return stop(type="whole", operator="greaterThanOrEqual", formula1="0")
    if kind == "amount":
        if col.positive:
            return stop(type="decimal", operator="greaterThan", formula1="0")
        low = col.min if col.min is not None else 0
        return stop(type="decimal", operator="greaterThanOrEqual", formula1=f"{low:f}")
    if kind == "credit_code":
        return stop(type="textLength", operator="equal", formula1="18")
    if kind == "date":
        upper = "TODAY()" if col.not_future else str(LAST_DAY)
        return stop(type="date", operator="between", formula1=str(FIRST_DAY), formula2=upper)
    if kind == "month":
        c = f"{letter}{first}"
        month = f"VALUE(RIGHT({c},2))"
        formula = (
            f'AND(LEN({c})=7,MID({c},5,1)="-",VALUE(LEFT({c},4))>=1990,'
            f"VALUE(LEFT({c},4))<=2100,{month}>=1,{month}<=12)"
        )
        return stop(type="custom", formula1=formula)
    # Text and phones: no rule Excel can state simply; the input message says what to type.
    return DataValidation(allow_blank=True)


class _Lists:
    """The hidden sheet of allowed values, one column per list, each behind a defined name."""

    def __init__(self, wb: Any) -> None:
        self.wb = wb
        self.ws: Any = None
        self.next_col = 1

    def _sheet(self) -> Any:
        if self.ws is None:
            self.ws = self.wb.create_sheet(LISTS_SHEET)
            self.ws.sheet_state = "hidden"
        return self.ws

    def _column(self, name: str, header: str, values: list[list[str]]) -> str:
        """Write rows under a header; name the rows (without the header); return the name."""
        from openpyxl.utils import get_column_letter
        from openpyxl.workbook.defined_name import DefinedName

        ws = self._sheet()
        c = self.next_col
        width = max(len(r) for r in values) if values else 1
        self.next_col += width + 1  # a blank column between lists, for people who look
        set_text(ws.cell(1, c), header)
        for i, row in enumerate(values, start=2):
            for k, v in enumerate(row):
                set_text(ws.cell(i, c + k), v)
        a, b = get_column_letter(c), get_column_letter(c + width - 1)
        ref = f"{_quote(LISTS_SHEET)}!${a}$2:${b}${len(values) + 1}"
        self.wb.defined_names[name] = DefinedName(name, attr_text=ref)
        return name

    def values(self, col: ColumnSpec) -> str:
        return self._column(_name(col, "list"), col.key, [[v] for v in col.values])

    def dependent(self, col: ColumnSpec) -> str:
        """One named list per parent value, and a lookup table parent value → list name."""
        assert col.values_by is not None
        pairs: list[list[str]] = []
        for k, (parent, values) in enumerate(col.values_by.map.items(), start=1):
            name = self._column(_name(col, f"by{k}"), f"{col.key}:{k}", [[v] for v in values])
            pairs.append([parent, name])
        return self._column(_name(col, "lookup"), f"{col.key}:lookup", pairs)

    def finish(self) -> None:
        if self.ws is not None:
            for c in range(1, self.next_col):
                from openpyxl.utils import get_column_letter

                self.ws.column_dimensions[get_column_letter(c)].width = 24


def _name(col: ColumnSpec, suffix: str) -> str:
    """An ASCII defined name that can never read as a cell reference or a function."""
    key = re.sub(r"[^A-Za-z0-9_]", "_", col.key.encode("ascii", "replace").decode())
    return f"L_{key}_{suffix}"


def _quote(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


def _keyvalue_sheet(ws: Any, form: FormSpec) -> None:
    """Annex 1 as in the seed: the unit line, then 牵头单位, then one line each for the leader
    and the liaison (name, 职务, 联系电话), labels in bold with the value cell to the right."""
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.worksheet.datavalidation import DataValidation

    thin = Side(style="thin", color="808080")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    width = 6
    _title_cell(ws, form.title, width)
    # Fields sharing a context sit on the line of the field they describe.
    lines: list[list[Any]] = []
    by_context: dict[str, list[Any]] = {}
    for f in form.fields:
        if f.context is None:
            line = [f]
            lines.append(line)
            by_context[f.label] = line
        else:
            by_context.setdefault(f.context, lines[-1] if lines else []).append(f)
    row = 3
    for n, line in enumerate(lines):
        for k, f in enumerate(line):
            c = 1 + 2 * k
            label = ws.cell(row, c)
            set_text(label, f.label + ("：" if n == 0 else ""))
            label.font = Font(bold=True)
            label.alignment = Alignment(horizontal="center", vertical="center")
            value = ws.cell(row, c + 1)
            value.number_format = "@"
            last = width if k == len(line) - 1 else c + 1
            if last > c + 1:
                ws.merge_cells(start_row=row, start_column=c + 1, end_row=row, end_column=last)
            if n > 0:
                for cc in range(c, last + 1):
                    ws.cell(row, cc).border = box
            dv = DataValidation(allow_blank=True, showInputMessage=True)
            dv.promptTitle = f.label[:32]
            need = "必填" if f.required else "选填"
            rule = "；11位手机号，或带区号的固定电话" if f.kind == "phone" else ""
            dv.prompt = f"{need}：{f.label}{'（' + f.context + '）' if f.context else ''}{rule}"
            dv.add(value.coordinate)
            ws.add_data_validation(dv)
        ws.row_dimensions[row].height = 30
        row += 2 if n == 0 else 1
    for letter, w in zip("ABCDEF", (12, 24, 10, 16, 12, 18), strict=True):
        ws.column_dimensions[letter].width = w


def _guide_sheet(wb: Any, form: FormSpec) -> None:
    """填写说明: every column with its kind, rule and allowed values, then the seed's notes."""
    from openpyxl.styles import Alignment, Font

    ws = wb.create_sheet(GUIDE_SHEET)
    style = header_style()
    set_text(ws.cell(1, 1), f"{form.title} 填写说明")
    ws.cell(1, 1).font = Font(bold=True, size=14)
    wrap = Alignment(wrap_text=True, vertical="top")
    row = 3
    if form.kind == "keyvalue":
        heads = ["序号", "栏目", "类型", "是否必填"]
        for c, h in enumerate(heads, start=1):
            set_text(ws.cell(row, c), h)
            apply_style(ws.cell(row, c), style)
        for n, f in enumerate(form.fields, start=1):
            row += 1
            # Label and English in one cell: a bare label here would read as a field of the
            # form itself when this workbook is validated.
            label = f"{f.context}/{f.label}" if f.context else f.label
            label = f"{label}（{f.en}）"
            kind = KIND_ZH[f.kind]
            for c, v in enumerate([str(n), label, kind, "必填" if f.required else "选填"], 1):
                set_text(ws.cell(row, c), v)
                ws.cell(row, c).alignment = wrap
    else:
        heads = ["序号", "列名", "English", "类型", "是否必填", "规则", "可选值"]
        for c, h in enumerate(heads, start=1):
            set_text(ws.cell(row, c), h)
            apply_style(ws.cell(row, c), style)
        for n, col in enumerate(form.columns, start=1):
            row += 1
            allowed = allowed_text(col)
            if col.values_by is not None:
                allowed = "；".join(f"{p}：{'、'.join(v)}" for p, v in col.values_by.map.items())
            cells: list[Any] = [
                n,
                col.label,
                col.en,
                KIND_ZH[col.kind],
                requirement(col, form),
                rules_text(col, form),
                allowed,
            ]
            for c, v in enumerate(cells, start=1):
                cell = ws.cell(row, c)
                if isinstance(v, str):
                    set_text(cell, v)
                else:
                    cell.value = v
                cell.alignment = wrap
    if form.notes:
        row += 2
        set_text(ws.cell(row, 1), "说明：")
        ws.cell(row, 1).font = Font(bold=True)
        for k, note in enumerate(form.notes, start=1):
            row += 1
            set_text(ws.cell(row, 1), f"{k}、{note}")
    for letter, w in zip("ABCDEFG", (6, 26, 24, 16, 22, 50, 50), strict=True):
        ws.column_dimensions[letter].width = w
    ws.freeze_panes = "A4"
