"""A validated ledger: parsed values held column-wise, each row traceable to its file and row."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .forms import FormSpec
from .text import norm_keys


@dataclass
class Ledger:
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
    _identities: list[str | None] | None = field(default=None, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.rows)

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
        """The case identity of SPEC.md: 问题编号 when present, else debtor, creditor, contract."""
        return self.identities()[i]

    def identities(self) -> list[str | None]:
        """Every row's case identity, computed column-wise once (merge and diff need them all).

        Codes are canonical already; text (contract names) is compared as norm_key reads it,
        so spaces, full-width characters and quotes do not make two cases of one.
        """
        if self._identities is not None:
            return self._identities
        n = len(self.rows)
        form = self.form
        out: list[str | None] = [None] * n
        for key in form.identity:
            numbers = self.values.get(key)
            if numbers is None:
                continue
            distinct = [v for v in set(numbers) if v]
            folded = norm_keys([str(v) for v in distinct])
            named = {v: f"{key}:{k}" for v, k in zip(distinct, folded, strict=True)}
            for i, v in enumerate(numbers):
                if v and out[i] is None:
                    out[i] = named[v]
        fallback = form.identity_fallback
        # Only rows without a number need the fallback (debtor, creditor, contract).
        rest = [i for i in range(n) if out[i] is None]
        if rest and fallback and all(k in self.values for k in fallback):
            cols = []
            for k in fallback:
                col = [self.values[k][i] for i in rest]
                if form.by_key[k].kind == "text":
                    distinct = [v for v in set(col) if v]
                    keys = dict(zip(distinct, norm_keys(distinct), strict=True))
                    col = [keys[v] if v else v for v in col]
                cols.append(col)
            for i, parts in zip(rest, zip(*cols, strict=True), strict=True):
                if all(parts):
                    out[i] = "|".join(parts)
        self._identities = out
        return out


def money(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(0)


_ZERO = Decimal(0)


def moneys(column: list[Any]) -> list[Decimal]:
    """`money` of every cell of a column, inline: a million calls cost more than the test."""
    return [v if type(v) is Decimal else _ZERO for v in column]
