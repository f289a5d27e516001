"""The built-in column checks: what a schema says of one column, checked on its rows.

`required`, `required_when` (and its `gt` form, required above an amount), `values_by` and
`unique` are settings of a column in a schema; each is a check registered here by its code,
as the cross-field rules are in rules/, so `ledger forms -v` lists them and each can be run
and tested on its own. A check yields its findings as hits; the engine (validate.py) decides
which checks run on which table and turns hits into findings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import compress, repeat
from operator import is_not
from typing import Any

from ledgercli.model.forms import ColumnSpec, FormSpec
from ledgercli.model.i18n import known, message

# (severity, finding code, row index, the value shown, params)
Hit = tuple[str, str, int, Any, dict[str, Any]]
ColumnHits = Iterator[Hit]


@dataclass
class ColumnContext:
    """One column of a table, with the rest of the table it may be checked against."""

    form: FormSpec
    key: str
    values: dict[str, list[Any]]  # every parsed column of the table (None: blank or bad)
    raw: Sequence[Any]  # this column's cells as read
    blank: list[int]  # the rows where this column is blank (or holds only 无, -)
    rows: list[int]  # the Excel row of each row
    sheets: list[str] | None = None  # each row's sheet, when a file's sheets are checked as one
    origin: Sequence[Any] | None = None  # each row's 来源文件, in a merged city workbook

    @property
    def spec(self) -> ColumnSpec:
        return self.form.by_key[self.key]

    @property
    def column(self) -> list[Any]:
        return self.values[self.key]

    def other(self, i: int, j: int) -> dict[str, Any]:
        return other_row(self.rows, self.sheets, i, j)


def other_row(rows: list[int], sheets: list[str] | None, i: int, j: int) -> dict[str, Any]:
    """The params naming row j, which row i repeats: its sheet too when that is another."""
    params: dict[str, Any] = {"other_row": rows[j]}
    if sheets is not None and sheets[j] != sheets[i]:
        params.update(other_sheet=sheets[j], variant="sheet")
    return params


@dataclass(frozen=True)
class ColumnCheck:
    code: str  # the setting's name in `ledger forms -v`
    gives: tuple[str, ...]  # the finding codes it reports
    applies: Callable[[ColumnSpec], bool]  # whether a column's schema asks for it
    fn: Callable[[ColumnContext], ColumnHits]
    doc: str

    def describe(self, lang: str) -> str:
        """What the check does, for `ledger forms -v` (`check-doc.<code>` in the catalogue)."""
        code = f"check-doc.{self.code}"
        return message(code, lang) if known(code) else self.doc

    def run(self, ctx: ColumnContext) -> ColumnHits:
        return self.fn(ctx) if self.applies(ctx.spec) else iter(())


# In the order they run on each column (the order of a row's findings at one cell).
COLUMN_CHECKS: dict[str, ColumnCheck] = {}


def column_check(
    code: str, gives: tuple[str, ...], applies: Callable[[ColumnSpec], bool]
) -> Callable[[Callable[[ColumnContext], ColumnHits]], ColumnCheck]:
    def register(fn: Callable[[ColumnContext], ColumnHits]) -> ColumnCheck:
        doc = " ".join((fn.__doc__ or "").split())
        check = ColumnCheck(code, gives, applies, fn, doc)
        COLUMN_CHECKS[code] = check
        return check

    return register


@column_check(
    "required",
    ("required", "required-placeholder"),
    lambda spec: bool(spec.required),
)
def required(c: ColumnContext) -> ColumnHits:
    """A required column is not blank (无 or a dash counts as blank); a column marked
    `warning` only warns."""
    sev = "warning" if c.spec.required == "warning" else "error"
    for i in c.blank:
        # 无 or a dash stands for blank; said so, not called an empty cell.
        cell = c.raw[i]
        if isinstance(cell, str) and cell.strip():
            yield sev, "required-placeholder", i, cell, {"placeholder": cell.strip()}
        else:
            yield sev, "required", i, None, {}


@column_check(
    "required-when",
    ("required-when", "required-above"),
    lambda spec: spec.required_when is not None,
)
def required_when(c: ColumnContext) -> ColumnHits:
    """Required when another column holds one of some values, or exceeds an amount."""
    cond = c.spec.required_when
    if cond is None or cond.column not in c.values:
        return
    other = c.values[cond.column]
    cond_header = c.form.by_key[cond.column].header
    for i in c.blank:
        v = other[i]
        if v is None:
            continue
        if cond.in_ is not None:
            if v in cond.in_:
                params = {"cond_header": cond_header, "cond_value": v}
                yield cond.severity, "required-when", i, None, params
        elif cond.gt is not None and v > cond.gt:
            params = {"cond_header": cond_header, "limit": f"{cond.gt}"}
            yield cond.severity, "required-above", i, None, params


@column_check(
    "values-by",
    ("value-not-allowed-for", "value-not-applicable"),
    lambda spec: spec.values_by is not None,
)
def values_by(c: ColumnContext) -> ColumnHits:
    """The values allowed depend on another column (债务人所属领域 by 债务人性质)."""
    by = c.spec.values_by
    if by is None or by.column not in c.values:
        return
    other = c.values[by.column]
    cond_header = c.form.by_key[by.column].header
    # Whether a value is allowed depends on the pair alone: each distinct pair is looked up
    # once, and only rows holding a pair that is not allowed are visited.
    wrong = {
        (v, o)
        for v, o in set(zip(c.column, other, strict=True))
        if v is not None and o is not None and v not in by.map.get(o, ())
    }
    if not wrong:
        return
    pairs = zip(c.column, other, strict=True)
    for i in compress(range(len(other)), map(wrong.__contains__, pairs)):
        v = c.column[i]
        if v is None or other[i] is None:
            continue
        allowed = by.map.get(other[i])
        if allowed is None:
            params = {"cond_header": cond_header, "cond_value": other[i]}
            yield "warning", "value-not-applicable", i, v, params
        elif v not in allowed:
            params = {
                "cond_header": cond_header,
                "cond_value": other[i],
                "allowed": "、".join(allowed),
            }
            yield "error", "value-not-allowed-for", i, v, params


@column_check(
    "unique",
    ("duplicate-value",),
    lambda spec: bool(spec.unique),
)
def unique(c: ColumnContext) -> ColumnHits:
    """No value twice in the file (问题编号); each repeat names the row it repeats."""
    filled = list(compress(c.column, map(is_not, c.column, repeat(None))))
    if len(set(filled)) == len(filled):
        return  # nothing twice, as most files are: seen in C
    first: dict[Any, int] = {}
    for i, v in enumerate(c.column):
        if v is None:
            continue
        if v in first:
            # In a merged workbook two rows from different submissions are the same case
            # reported twice: a duplicate (a warning, as merge said), not a typo.
            sev: str = c.spec.unique or "error"
            if c.origin is not None and c.origin[i] != c.origin[first[v]]:
                sev = "warning"
            yield sev, "duplicate-value", i, v, c.other(i, first[v])
        else:
            first[v] = i
