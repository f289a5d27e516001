"""The cases of ledgers as a pandas DataFrame, for analysts working in a notebook.

Every column is Arrow-backed: amounts are Arrow decimals (exact; a sum or a group sum over the
frame is the annexes' figure to the 0.0001 万元, never a float), text is Arrow strings, months
are 'YYYY-MM' strings (the form's own spelling: they sort, compare with '2022-05' and write to
JSON or Parquet as they are), dates are Arrow dates.

pandas is imported here only: the CLI never imports this module, so `ledger --help` does not
pay for pandas.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ledgercli.check.inbox import case_ledgers, validate_paths
from ledgercli.model.amountunit import CONFLICT, MARK_HEADER
from ledgercli.model.errors import LedgerError
from ledgercli.model.forms import ColumnSpec, FormSpec
from ledgercli.model.ledger import Ledger
from ledgercli.model.options import Options
from ledgercli.model.report import Report
from ledgercli.model.status import statuses_and_repaid

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

# Amounts are in 万元 with four decimals (1 元), the form's precision; a frame whose data has
# more (a 元 amount with 分, converted: 0.000001 万元) gets the scale its data needs, so no
# amount is ever rounded. Precision 38 leaves 22 digits before the point up to scale 16.
AMOUNT_SCALE = 4
_MAX_SCALE_128 = 16

# Columns every frame has besides the form's own: where the row was read, where the case was
# submitted (a merged city workbook's 来源 columns; the same place for a submission), what
# status.py and amountunit.py make of it, and its findings. Key → header with headers=True.
PROVENANCE = {
    "file": "文件",
    "sheet": "工作表",
    "row": "行号",
    "source_file": "来源文件",
    "source_sheet": "来源工作表",
    "source_row": "来源行号",
}
DERIVED = {
    "unit": "填报单位",  # only for a form without a unit column (Wuhan: its 填报单位 line)
    "identity": "案件标识",
    "status": "化解状态",
    "repaid_amount": "清偿金额",
    "amount_unit": MARK_HEADER,
    "errors": "错误数",
    "warnings": "警告数",
}


def read_cases(
    paths: Path | str | Sequence[Path | str],
    options: Options | None = None,
    *,
    headers: bool = False,
    conflicts: bool = False,
) -> tuple[Report, pd.DataFrame]:
    """Files and folders → (the validation report, the frame of their cases).

    Read as `ledger summarize` reads them (validate.validate_paths): every sheet holding the
    form, byte-identical copies once, 元 converted to 万元, unit names canonical (from
    `options.units` when given), a merged city workbook left in a folder skipped, and contact
    forms beside ledgers set aside. The report says all of it, with every finding.
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    report, ledgers = validate_paths([Path(p) for p in paths], options or Options())
    ledgers, _contacts = case_ledgers(ledgers)
    return report, cases_frame(ledgers, headers=headers, conflicts=conflicts)


def read_frame(
    paths: Path | str | Sequence[Path | str],
    options: Options | None = None,
    *,
    headers: bool = False,
    conflicts: bool = False,
) -> pd.DataFrame:
    """The frame of `read_cases` alone."""
    return read_cases(paths, options, headers=headers, conflicts=conflicts)[1]


def cases_frame(
    ledgers: Sequence[Ledger], *, headers: bool = False, conflicts: bool = False
) -> pd.DataFrame:
    """One row per case of the ledgers (all of one form), in file and row order.

    Columns: `PROVENANCE`, then the form's columns by key (or, with `headers=True`, by the
    official header; `column_headers` gives the mapping), then `DERIVED`. Rows whose unit of
    amount conflicts (amountunit.py) are in no figure the tool gives, so they are left out
    unless `conflicts=True`; `amount_unit` says which rows were converted from 元 or look
    typed in 元. `df.attrs["form"]` is the form id.
    """
    import pandas as pd
    import pyarrow as pa

    forms = {lg.form.id: lg.form for lg in ledgers}
    if len(forms) > 1:
        ids = sorted(forms)
        raise LedgerError("frame-several-forms", forms=", ".join(ids), first=ids[0])
    form = next(iter(forms.values()), None)
    columns = _gather(ledgers, form, conflicts)
    kinds = _kinds(form, columns)
    scale = _scale([columns[k] for k, kind in kinds.items() if kind == "amount"])
    arrays = {k: _array(columns[k], kind, scale) for k, kind in kinds.items()}
    frame = pa.table(arrays).to_pandas(types_mapper=pd.ArrowDtype)
    if headers:
        frame = frame.rename(columns=column_headers(form, list(frame.columns)))
    frame.attrs["form"] = form.id if form is not None else None
    return frame


def column_headers(form: FormSpec | None, keys: list[str] | None = None) -> dict[str, str]:
    """Column key → the header a clerk reads: the form's official header (联络人/职务 where
    the header alone would repeat), and the Chinese names of the added columns."""
    named: dict[str, str] = {}
    if form is not None:
        named.update((c.key, c.label if c.group else c.named) for c in _columns(form))
    for key, header in {**PROVENANCE, **DERIVED}.items():
        if key == "unit" and form is not None and form.unit_metadata:
            header = next(m.label for m in form.metadata if m.key == form.unit_metadata)
        # A form's own unit column (街镇部门) keeps its header.
        named.setdefault(_derived_name(key, form), header)
    return named if keys is None else {k: named[k] for k in keys if k in named}


def _columns(form: FormSpec) -> list[ColumnSpec]:
    """A table's columns; a contact form's fields as the columns of its records (a row per
    unit, as a merged annex 1 holds them)."""
    return (form.roster or form).columns


def _derived_name(key: str, form: FormSpec | None) -> str:
    """An added column's key; `_status` where a custom form has a column named `status`."""
    if form is None or key not in {c.key for c in _columns(form)} or form.unit_column == key:
        return key
    return f"_{key}"


def _gather(
    ledgers: Sequence[Ledger], form: FormSpec | None, conflicts: bool
) -> dict[str, list[Any]]:
    """Every column as one Python list over all ledgers (Arrow arrays are built once)."""
    own = [c.key for c in _columns(form)] if form is not None else []
    cases = form is not None and not form.one_row_per_unit
    derived = [k for k in DERIVED if k != "unit" or (form is not None and not form.unit_column)]
    if not cases:
        derived = [k for k in derived if k in ("unit", "errors", "warnings", "amount_unit")]
    names = {k: _derived_name(k, form) for k in [*PROVENANCE, *derived]}
    order = [*(names[k] for k in PROVENANCE), *own, *(names[k] for k in derived)]
    out: dict[str, list[Any]] = {k: [] for k in order}
    for lg in ledgers:
        n = len(lg)
        keep = list(range(n))
        if not conflicts and lg.marks:
            keep = [i for i in keep if lg.marks[i] != CONFLICT]
        where: dict[str, list[Any]] = {
            "file": [lg.path] * n,
            "sheet": list(lg.row_sheets),
            "row": list(lg.rows),
            "source_file": lg.extras.get("source_file") or [lg.path] * n,
            "source_sheet": lg.extras.get("source_sheet") or list(lg.row_sheets),
            "source_row": [_int(v) for v in lg.extras.get("source_row") or lg.rows],
        }
        part = {names[k]: column for k, column in where.items()}
        for key in own:
            part[key] = lg.values.get(key) or [None] * n
        if "unit" in names:
            part[names["unit"]] = lg.units()
        if cases:
            states, paid = statuses_and_repaid(lg)
            part[names["identity"]] = lg.identities()
            part[names["status"]] = states
            part[names["repaid_amount"]] = paid
        # converted, conflict or suspect; null where nothing is said of the row's amounts.
        part[names["amount_unit"]] = [m or None for m in lg.marks] if lg.marks else [None] * n
        part[names["errors"]] = list(lg.errors)
        part[names["warnings"]] = list(lg.warnings)
        for key, column in part.items():
            out[key].extend(column if len(keep) == n else [column[i] for i in keep])
    return out


def _kinds(form: FormSpec | None, columns: dict[str, list[Any]]) -> dict[str, str]:
    """Column key → how its values are typed (a form kind, or text/integer/amount)."""
    kinds = {k: "text" for k in columns}
    if form is not None:
        kinds.update((c.key, c.kind) for c in _columns(form))
    added = {"repaid_amount": "amount", "row": "integer", "source_row": "integer"}
    added.update(errors="integer", warnings="integer")
    for key, kind in added.items():
        name = _derived_name(key, form)
        if name in columns:
            kinds[name] = kind
    return kinds


def _scale(columns: list[list[Any]]) -> int:
    """The decimals every amount needs: four, more only where the data has more."""
    scale = AMOUNT_SCALE
    for column in columns:
        for v in set(column):
            if type(v) is Decimal:
                exponent = v.as_tuple().exponent
                if isinstance(exponent, int) and -exponent > scale:
                    scale = -exponent
    return scale


def _amount_type(scale: int) -> pa.DataType:
    import pyarrow as pa

    if scale <= _MAX_SCALE_128:
        return pa.decimal128(38, scale)
    return pa.decimal256(76, scale)


def _array(values: list[Any], kind: str, scale: int) -> pa.Array:
    import pyarrow as pa

    if kind == "amount":
        return pa.array([v if type(v) is Decimal else None for v in values], _amount_type(scale))
    if kind == "integer":
        return pa.array([_int(v) for v in values], pa.int64())
    if kind == "date":
        return pa.array([_date(v) for v in values], pa.date32())
    # text, codes, phones, enums and months: the parsed text (None for a blank or bad cell).
    return pa.array([v if v is None or type(v) is str else str(v) for v in values], pa.string())


def _int(value: Any) -> int | None:
    """A row number or count as a merged workbook holds it (a number, or its text)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float | Decimal) and value == int(value):
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None
