"""A validated ledger: parsed values held column-wise, each row traceable to its file and row."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import compress, repeat
from operator import is_
from typing import Any

from ledgercli.model.forms import FormSpec
from ledgercli.model.text import norm_keys


class SheetRows:
    """Rows that each keep their sheet (a workbook with a sheet per town is read whole)."""

    sheet: str  # the first sheet read
    rows: list[int]
    row_sheets: list[str]
    _sheet_names: list[str] | None

    def _fill_sheets(self) -> None:
        if not self.row_sheets:
            self.row_sheets = [self.sheet] * len(self.rows)

    def sheet_of(self, i: int) -> str:
        return self.row_sheets[i]

    @property
    def sheet_names(self) -> list[str]:
        """The sheets read, in order (one for most files; a sheet per town for some)."""
        if self._sheet_names is None:
            self._sheet_names = list(dict.fromkeys(self.row_sheets)) or [self.sheet]
        return self._sheet_names


@dataclass
class Ledger(SheetRows):
    form: FormSpec
    path: str
    sheet: str
    metadata: dict[str, str]
    rows: list[int]  # Excel row number of each data row
    values: dict[str, list[Any]]  # column key → parsed value per row (None when blank or bad)
    raw: dict[str, list[Any]]  # column key → the cell as read, for "as written" outputs
    columns: dict[str, int]  # column key → 0-based index in the sheet
    headers: dict[str, str]  # column key → header as written
    errors: list[int] = field(default_factory=list)  # error findings per row
    warnings: list[int] = field(default_factory=list)
    extras: dict[str, list[Any]] = field(default_factory=dict)  # provenance columns read back
    # Per row, what the unit of amount made of it (amountunit.py: converted, conflict, suspect,
    # or ""); None when no row is concerned.
    marks: list[str] | None = None
    # The sheet of each data row: a county's workbook holds a sheet per town, all read as one
    # ledger. Filled with `sheet` (the first sheet read) when not given.
    row_sheets: list[str] = field(default_factory=list)
    _identities: list[str | None] | None = field(default=None, repr=False, compare=False)
    _sheet_names: list[str] | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._fill_sheets()

    def __len__(self) -> int:
        return len(self.rows)

    def place(self, i: int) -> str:
        """Where row i is, as a person looks for it: `row`, or `sheet!row` when the file has
        several sheets read (a bare row number would be ambiguous there)."""
        if len(self.sheet_names) > 1:
            return f"{self.row_sheets[i]}!{self.rows[i]}"
        return str(self.rows[i])

    def get(self, key: str, i: int) -> Any:
        col = self.values.get(key)
        return None if col is None else col[i]

    def record(self, i: int) -> dict[str, Any]:
        return {k: v[i] for k, v in self.values.items()}

    @property
    def unit(self) -> str | None:
        """The reporting unit of the whole file, where the form keeps it in the metadata."""
        if self.form.unit_metadata:
            label = next(m.label for m in self.form.metadata if m.key == self.form.unit_metadata)
            return self.metadata.get(label)
        if self.form.unit_column and self.form.unit_column in self.values:
            units = {str(u) for u in self.values[self.form.unit_column] if u}
            if len(units) == 1:
                return units.pop()
        return None

    def unit_of(self, i: int) -> str | None:
        if self.form.unit_column and self.form.unit_column in self.values:
            unit = self.values[self.form.unit_column][i]
            return None if unit is None else str(unit)
        reporter = self.extras.get("reporter")
        if reporter is not None:
            value = reporter[i]
            return str(value).strip() or None if value not in (None, "") else None
        return self.unit

    def units(self) -> list[str | None]:
        """Every row's unit (see `unit_of`), column-wise."""
        if self.form.unit_column and self.form.unit_column in self.values:
            return [None if u is None else str(u) for u in self.values[self.form.unit_column]]
        if self.extras.get("reporter") is not None:
            return [self.unit_of(i) for i in range(len(self))]
        return [self.unit] * len(self)

    def identity(self, i: int) -> str | None:
        """The case identity of SPEC.md: 问题编号 when present, else debtor, creditor, contract;
        for a contact form (one row per unit), the unit. Merge, diff, the summaries and the
        duplicate checks all compare cases by this one identity."""
        return self.identities()[i]

    def identities(self) -> list[str | None]:
        """Every row's case identity, computed column-wise once (merge and diff need them all).

        Codes are canonical already; text (contract names, units) is compared as norm_key
        reads it, so spaces, full-width characters and quotes do not make two cases of one.
        """
        if self._identities is not None:
            return self._identities
        n = len(self.rows)
        form = self.form
        if form.one_row_per_unit:
            units = self.units()
            distinct = [u for u in set(units) if u]
            keyed = dict(zip(distinct, norm_keys(distinct), strict=True))
            self._identities = [f"unit:{keyed[u]}" if u else None for u in units]
            return self._identities
        out: list[str | None] = [None] * n
        for key in form.identity:
            numbers = self.values.get(key)
            if numbers is None:
                continue
            distinct = [v for v in set(numbers) if v]
            folded = norm_keys([str(v) for v in distinct])
            named = {v: f"{key}:{k}" for v, k in zip(distinct, folded, strict=True)}
            if not any(out):  # the first number column: a blank cell has no entry
                out = list(map(named.get, numbers))
                continue
            for i, v in enumerate(numbers):
                if v and out[i] is None:
                    out[i] = named[v]
        fallback = form.identity_fallback
        # Only rows without a number need the fallback (debtor, creditor, contract).
        rest = list(compress(range(n), map(is_, out, repeat(None))))
        if rest and fallback and all(k in self.values for k in fallback):
            cols = []
            for k in fallback:
                col = list(map(self.values[k].__getitem__, rest))
                if form.by_key[k].kind == "text":
                    distinct = [v for v in set(col) if v]
                    keys = dict(zip(distinct, norm_keys(distinct), strict=True))
                    col = [keys[v] if v else v for v in col]
                cols.append(col)
            parts = list(zip(*cols, strict=True))
            whole = list(map(all, parts))  # a part missing: no identity
            for i, key in zip(
                compress(rest, whole), map("|".join, compress(parts, whole)), strict=True
            ):
                out[i] = key
        self._identities = out
        return out

    def drop_columns(self, keys: Iterable[str]) -> None:
        """Let go of these columns; the case identities are computed first (from them, where
        a row has no number) and kept."""
        self.identities()
        for key in keys:
            self.values.pop(key, None)
            self.raw.pop(key, None)

    def repeats(self) -> Iterator[tuple[int, int]]:
        """(row, the earlier row whose case it repeats) within this ledger, by the identity of
        `identities()`: the unit of a contact form's row; else, for rows without a 问题编号
        (that column holds its own values unique), debtor, creditor and contract.

        Found without folding every name: rows are first bucketed by the parts that are
        canonical already (the credit codes); only rows sharing a bucket have their text parts
        folded and compared, so a 100k-row file does not fold 100k contract names to find a
        handful of repeats.
        """
        form = self.form
        if form.one_row_per_unit:
            yield from _repeats(self.identities())
            return
        keys = form.identity_fallback
        if not keys or not all(k in self.values for k in keys):
            return
        text = [n for n, k in enumerate(keys) if form.by_key[k].kind == "text"]
        exact = [n for n, k in enumerate(keys) if n not in text]
        numbered = [self.values[k] for k in form.identity if k in self.values]
        columns = [self.values[k] for k in keys]
        candidates: Iterable[int] = range(len(self.rows))
        if exact:
            # In a city ledger most creditors appear once: only rows whose codes occur twice
            # or more can share a bucket, and C-level passes find them.
            exact_parts = [columns[n] for n in exact]
            seen = Counter(zip(*exact_parts, strict=True))
            repeated = {p for p, c in seen.items() if c > 1}
            in_repeated = map(repeated.__contains__, zip(*exact_parts, strict=True))
            candidates = compress(candidates, in_repeated)
        buckets: dict[tuple[Any, ...], list[int]] = {}
        for i in candidates:
            parts = [col[i] for col in columns]
            if not all(parts) or any(col[i] for col in numbered):
                continue
            buckets.setdefault(tuple(parts[n] for n in exact), []).append(i)
        for rows in buckets.values():
            if len(rows) < 2:
                continue
            folded = [norm_keys([str(self.values[keys[n]][i]) for i in rows]) for n in text]
            row_keys = list(zip(*folded, strict=True)) if folded else [()] * len(rows)
            first: dict[tuple[str, ...], int] = {}
            for i, key in zip(rows, row_keys, strict=True):
                j = first.setdefault(key, i)
                if j != i:
                    yield i, j

    def label(self, i: int) -> str:
        """Row i's identity as written in its file, for messages ("" for a row without one)."""
        if self.identity(i) is None:
            return ""
        form = self.form
        keys = [form.unit_column] if form.one_row_per_unit and form.unit_column else []
        for key in [*keys, *form.identity]:
            value = self.get(key, i)
            if value:
                return str(value)
        return " / ".join(str(self.get(k, i) or "") for k in form.identity_fallback)


def _repeats(identities: list[str | None]) -> Iterator[tuple[int, int]]:
    first: dict[str, int] = {}
    for i, ident in enumerate(identities):
        if ident is None:
            continue
        if ident in first:
            yield i, first[ident]
        else:
            first[ident] = i


def money(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(0)


_ZERO = Decimal(0)


def moneys(column: list[Any]) -> list[Decimal]:
    """`money` of every cell of a column, inline: a million calls cost more than the test."""
    return [v if type(v) is Decimal else _ZERO for v in column]


def join(parts: list[Ledger]) -> Ledger:
    """One ledger of the sheets of one file: their rows in sheet order, each keeping its own
    sheet. A column missing on one sheet is blank on its rows (that sheet says so itself).

    The file's unit, where the form keeps it above the header (填报单位 of the Wuhan ledger),
    is each sheet's own: when the sheets name different units, every row carries its sheet's
    in `extras["reporter"]`, as a merged workbook's rows do.
    """
    first = parts[0]
    if len(parts) == 1:
        return first

    def cat(columns: list[dict[str, list[Any]]], blank: Any) -> dict[str, list[Any]]:
        keys = list(dict.fromkeys(k for c in columns for k in c))
        out: dict[str, list[Any]] = {}
        for key in keys:
            col: list[Any] = []
            for part, c in zip(parts, columns, strict=True):
                got = c.get(key)
                col.extend(got if got is not None else [blank] * len(part))
            out[key] = col
        return out

    metadata = dict(first.metadata)
    extras = cat([p.extras for p in parts], "")
    form = first.form
    if form.unit_metadata and "reporter" not in extras:
        label = next(m.label for m in form.metadata if m.key == form.unit_metadata)
        units = [p.metadata.get(label) for p in parts]
        if len(set(units)) > 1:
            metadata.pop(label, None)
            extras["reporter"] = [
                u or "" for p, u in zip(parts, units, strict=True) for _ in p.rows
            ]
    return Ledger(
        form=form,
        path=first.path,
        sheet=first.sheet,
        metadata=metadata,
        rows=[r for p in parts for r in p.rows],
        values=cat([p.values for p in parts], None),
        raw=cat([p.raw for p in parts], None),
        columns=dict(first.columns),
        headers=dict(first.headers),
        errors=[e for p in parts for e in p.errors],
        warnings=[w for p in parts for w in p.warnings],
        extras=extras,
        row_sheets=[s for p in parts for s in p.row_sheets],
        # Each sheet's unit of amount is its own (its own 金额单位 line and headers).
        marks=(
            [m for p in parts for m in (p.marks or [""] * len(p))]
            if any(p.marks for p in parts)
            else None
        ),
    )
