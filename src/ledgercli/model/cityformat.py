"""The merged city workbook as a format: its sheets, the columns of 明细 (the form's, then the
provenance of each row) and each row's cells as the workbook holds them.

A merge writes it (write/citybook.py), a merge worker prepares its rows (merge/worker.py), and
every reader recognises it (read/columnar.py, read/table.py, check/validate.py): one definition
for all of them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ledgercli.model.amountunit import MARK_HEADER
from ledgercli.model.forms import FormSpec
from ledgercli.model.ledger import Ledger
from ledgercli.model.numbers import int_text, number_text

DETAIL_SHEET = "明细"
FINDINGS_SHEET = "问题"
SOURCES_SHEET = "来源"
# The columns a merge adds after the form's own, in order, and the key a reader files each
# under (`Located.extras`).
PROVENANCE_KEYS = {
    "来源文件": "source_file",
    "来源工作表": "source_sheet",
    "来源行号": "source_row",
    "校验状态": "status",
    "重复组": "dup_group",
    # What merge decided about the unit of the row's amounts (amountunit.py).
    MARK_HEADER: "amount_mark",
}
PROVENANCE = list(PROVENANCE_KEYS)
# Headers a reader recognises beside a form's own columns, never "unknown": the provenance,
# and the 填报单位 a merged Wuhan ledger carries per row (a file's metadata in a submission).
READ_BACK = {**PROVENANCE_KEYS, "填报单位": "reporter"}


def is_merged(extras: dict[str, int]) -> bool:
    """Whether a located table is a merged city workbook: it has the 来源文件 column."""
    return "source_file" in extras


def status_text(errors: int, warnings: int) -> str:
    """A row's 校验状态 as the city workbook records it: 错误N, 警告N or 通过."""
    if errors:
        return f"错误{errors}"
    if warnings:
        return f"警告{warnings}"
    return "通过"


def recorded_errors(status: Any) -> int:
    """The errors a 校验状态 records: '错误3' → 3; 通过 and 警告N → 0."""
    text = str(status).strip()
    return int(text[2:]) if text.startswith("错误") and text[2:].isdigit() else 0


# Kinds whose parsed value is text: written as text cells whatever they look like.
_TEXT_KINDS = {"text", "enum", "month", "credit_code", "phone"}


@dataclass
class Column:
    header: str
    group: str | None
    width: int
    kind: str  # a form kind, or "meta" / "provenance"
    key: str


class Plain(float):
    """A number that is not an amount (amounts get the 0.0000 format; this does not)."""


def detail_columns(form: FormSpec) -> tuple[list[Column], int]:
    """The columns of 明细 for a form, and how many header rows they need."""
    cols: list[Column] = []
    if form.kind == "keyvalue":
        for f in form.fields:
            cols.append(Column(f.label, None, max(12, 2 * len(f.label) + 4), "text", f.key))
    else:
        for c in form.columns:
            width = min(max(c.width, len(c.header) + 4), 30)
            cols.append(Column(c.header, c.group, width, c.kind, c.key))
        if form.unit_metadata:
            label = next(m.label for m in form.metadata if m.key == form.unit_metadata)
            cols.append(Column(label, None, 20, "meta", form.unit_metadata))
    widths = [36, 12, 9, 9, 8, 16]
    for name, w in zip(PROVENANCE, widths, strict=True):
        cols.append(Column(name, None, w, "provenance", name))
    header_rows = 2 if any(c.group for c in cols) else 1
    return cols, header_rows


def form_columns(cols: list[Column], form: FormSpec) -> list[Column]:
    """The columns whose cells come from the submission (not numbering, unit or provenance)."""
    return [
        c
        for c in cols
        if c.kind not in ("provenance", "meta")
        and not (c.header == "序号" and form.kind == "table")
    ]


def row_cells(ledger: Ledger, cols: list[Column]) -> list[tuple[Any, ...]]:
    """Every row's cells as the city workbook holds them, in the order of `form_columns`.

    str is a text cell, float an amount, Plain another number, int and bool themselves, a date
    a date, None an empty cell. Computed column-wise, each distinct value once.
    """
    n = len(ledger)
    out_cols: list[list[Any]] = []
    for c in form_columns(cols, ledger.form):
        values = ledger.values.get(c.key)
        raw = ledger.raw.get(c.key)
        if values is None:
            values = [None] * n
        text_kind = c.kind in _TEXT_KINDS
        col: list[Any] = []
        cache: dict[Any, Any] = {}
        for i, v in enumerate(values):
            if v is None:
                col.append(_raw_text(raw[i] if raw is not None else None))
                continue
            if type(v) is str:
                col.append(v)
                continue
            try:
                key = (type(v), v)
                got = cache.get(key, _MISSING)
            except TypeError:  # an unhashable value: converted each time
                key, got = None, _MISSING
            if got is _MISSING:
                got = _canonical(v, text_kind)
                if key is not None:
                    cache[key] = got
            col.append(got)
        out_cols.append(col)
    if not out_cols:
        return [()] * n
    return list(zip(*out_cols, strict=True))


_MISSING = object()


def _canonical(value: Any, text_kind: bool) -> Any:
    if text_kind or isinstance(value, str):
        return str(value)
    if isinstance(value, Decimal):
        # Excel holds doubles; amounts to 0.0001 万元 are far inside their 15 digits.
        return float(value)
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return Plain(value)
    return str(value)


def _raw_text(raw: Any) -> str | None:
    if raw is None:
        return None
    if isinstance(raw, float):
        return int_text(raw) or number_text(raw)  # as the finding on the cell shows it
    if isinstance(raw, dt.datetime | dt.date):
        return raw.isoformat()[:10]
    text = str(raw)
    return text if text.strip() else None
