"""Summary tables computed from ledger rows: Chongqing annex 3 and 4, the Wuhan weekly report.

Everything is Decimal: a figure reported upward must be right to 0.0001 万元, so amounts are
summed exactly and only 清偿率 is rounded (half up, two decimals). The layouts are data
(`schemas/cq-annex3.toml`, `schemas/cq-annex4.toml`): a figure is a measure summed over the
cases that match a few attributes, so the definitions can be read in one place.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import repeat, tee
from pathlib import Path
from typing import Any, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from ledgercli.model.amountunit import CONFLICT, CONVERTED, SUSPECT
from ledgercli.model.errors import LedgerError
from ledgercli.model.forms import FormSpec, builtin_forms, get_form
from ledgercli.model.ledger import Ledger, moneys
from ledgercli.model.numbers import AMOUNT_FORMAT, COUNT_FORMAT, RATE_FORMAT, fmt_amount, rate
from ledgercli.model.report import Report, col_letter
from ledgercli.model.status import statuses_and_repaid
from ledgercli.model.text import norm_header

BLANK_LABEL = "（未填）"

Figure = int | Decimal | None


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ChartSpec(_Strict):
    column: str
    title: str
    title_en: str = ""


class SummaryColumn(_Strict):
    """One column of the official sheet: where its header sits and what figure it holds."""

    key: str
    path: list[str]
    kind: Literal["seq", "unit", "count", "amount", "rate"]
    measure: str = "count"
    where: dict[str, str] = {}
    ratio: list[str] = []
    width: int = 12

    @model_validator(mode="after")
    def _coherent(self) -> SummaryColumn:
        if not self.path:
            raise ValueError(f"column {self.key!r}: `path` is empty")
        if self.kind == "rate" and len(self.ratio) != 2:
            raise ValueError(f"column {self.key!r}: a rate needs ratio = [numerator, denominator]")
        if self.kind == "amount" and self.measure == "count":
            raise ValueError(f"column {self.key!r}: an amount needs a `measure`")
        return self

    @property
    def label(self) -> str:
        return "/".join(self.path)

    @property
    def number_format(self) -> str | None:
        return {"count": COUNT_FORMAT, "amount": AMOUNT_FORMAT, "rate": RATE_FORMAT}.get(self.kind)

    @property
    def is_figure(self) -> bool:
        return self.kind in ("count", "amount", "rate")


class ExpandFigure(_Strict):
    key: str  # joined to the column key and value number: progress_0_count
    label: str  # the bottom header cell: 数量, 金额
    kind: Literal["count", "amount"]
    measure: str = "count"


class Expand(_Strict):
    """Columns added per allowed value of some detail columns (the Wuhan weekly report)."""

    columns: list[str]
    figures: list[ExpandFigure]
    blank_label: str = BLANK_LABEL


class SummaryLayout(_Strict):
    of: str  # the detail form it is computed from
    annex: str  # its name for `ledger summarize --annex`
    output: str  # the workbook written when -o is not given
    default: bool = False  # the summary of its detail form when --annex is not given
    sheet: str
    unit_row: str
    header_rows: int
    merges: list[str] = []
    total_label: str = "合计"
    other_bucket: str = "其他"
    buckets: dict[str, str] = {}
    chart: ChartSpec | None = None
    columns: list[SummaryColumn]
    expand: Expand | None = None
    # The figures a terminal shows by default, per unit (the whole table with -v, in the
    # workbook and the JSON); none: every figure.
    screen: list[str] = []

    @model_validator(mode="after")
    def _coherent(self) -> SummaryLayout:
        keys = [c.key for c in self.columns]
        if len(set(keys)) != len(keys):
            raise ValueError("column keys repeat")
        paths = [tuple(c.path) for c in self.columns]
        if len(set(paths)) != len(paths):
            raise ValueError("two columns have the same header path")
        if max(len(p) for p in paths) > self.header_rows:
            raise ValueError("a header path is deeper than header_rows")
        if sum(1 for c in self.columns if c.kind == "unit") != 1:
            raise ValueError("exactly one column must have kind = 'unit'")
        for c in self.columns:
            for ref in c.ratio:
                if ref not in keys:
                    raise ValueError(f"column {c.key!r}: ratio names unknown column {ref!r}")
        if self.expand and self.header_rows < 3:
            raise ValueError("expanded columns need header_rows = 3 (column, value, figure)")
        for key in self.screen:
            if key not in keys:
                raise ValueError(f"screen names unknown column {key!r}")
        if self.chart and self.chart.column not in keys:
            raise ValueError(f"chart column {self.chart.column!r} is not a column key")
        if self.merges:
            derived = {m for m in header_merges(self)}
            declared = set(self.merges)
            if derived != declared:
                raise ValueError(
                    "the merges the header paths give differ from `merges`: "
                    f"only in paths {sorted(derived - declared)}, "
                    f"only in merges {sorted(declared - derived)}"
                )
        return self

    @property
    def figures(self) -> list[SummaryColumn]:
        return [c for c in self.columns if c.is_figure]

    @property
    def unit_column(self) -> SummaryColumn:
        return next(c for c in self.columns if c.kind == "unit")


# --- the header: cells and merges from the column paths -----------------------------------


def header_cells(layout: SummaryLayout) -> list[tuple[int, int, str]]:
    """(row, column, text), 0-based within the header block, one per header cell."""
    return [(r, c0, text) for r, c0, _c1, _r1, text in header_spans(layout)]


def header_merges(layout: SummaryLayout) -> list[str]:
    """Merged ranges as Excel writes them, rows counted from 1 at the first header row."""
    out = []
    for r, c0, c1, r1, _ in header_spans(layout):
        if c1 > c0 or r1 > r:
            out.append(f"{col_letter(c0)}{r + 1}:{col_letter(c1)}{r1 + 1}")
    return out


def header_spans(layout: SummaryLayout) -> list[tuple[int, int, int, int, str]]:
    # A cell spans the neighbouring columns that share its path prefix; a path that ends above
    # the last header row spans down to it (数量总计 over 其中's row).
    depth = layout.header_rows
    paths = [c.path for c in layout.columns]
    spans = []
    for level in range(depth):
        j = 0
        while j < len(paths):
            if len(paths[j]) <= level:
                j += 1
                continue
            prefix = paths[j][: level + 1]
            k = j
            while k + 1 < len(paths) and paths[k + 1][: level + 1] == prefix:
                k += 1
            bottom = depth - 1 if len(paths[j]) == level + 1 and k == j else level
            spans.append((level, j, k, bottom, prefix[-1]))
            j = k + 1
    return spans


def layout_of(form: FormSpec) -> SummaryLayout:
    """The validated layout of a summary form; a mistake names the form and the key."""
    try:
        layout = SummaryLayout.model_validate(form.layout)
    except ValidationError as exc:
        reason = "; ".join(
            f"{'.'.join(str(x) for x in e['loc']) or 'layout'}: {e['msg']}" for e in exc.errors()
        )
        raise LedgerError("summary-bad-layout", form=form.id, reason=reason) from exc
    detail = get_form(layout.of)
    _check_refs(form.id, layout, detail)
    return layout


def _check_refs(form_id: str, layout: SummaryLayout, detail: FormSpec) -> None:
    amounts = {c.key for c in detail.columns if c.kind == "amount"}
    attrs = {c.key for c in detail.columns} | {"bucket", "status", "judicial"}
    for key in layout.expand.columns if layout.expand else []:
        spec = detail.by_key.get(key)
        if spec is None or not spec.values:
            raise LedgerError(
                "summary-bad-layout",
                form=form_id,
                reason=f"expand: {key!r} is not a column of {detail.id} with allowed values",
            )
    for fig in layout.expand.figures if layout.expand else []:
        if fig.kind == "amount" and fig.measure not in amounts:
            raise LedgerError(
                "summary-bad-layout",
                form=form_id,
                reason=f"expand: figure {fig.key!r} has unknown measure {fig.measure!r}",
            )
    for c in layout.columns:
        if c.kind in ("count", "amount") and c.measure not in {"count", "repaid_amount", *amounts}:
            raise LedgerError(
                "summary-bad-layout",
                form=form_id,
                reason=f"column {c.key!r}: unknown measure {c.measure!r}",
            )
        for attr in c.where:
            if attr not in attrs:
                raise LedgerError(
                    "summary-bad-layout",
                    form=form_id,
                    reason=f"column {c.key!r}: `where` names unknown attribute {attr!r}",
                )


def summary_layouts() -> list[tuple[FormSpec, SummaryLayout]]:
    """Every bundled summary form with its validated layout, by id."""
    forms = sorted(builtin_forms().values(), key=lambda f: f.id)
    return [(f, layout_of(f)) for f in forms if f.kind == "summary"]


def annex_layout(annex: str) -> tuple[FormSpec, SummaryLayout]:
    """The summary `ledger summarize --annex ANNEX` computes (its layout before `expand`)."""
    known = summary_layouts()
    for form, layout in known:
        if layout.annex == annex:
            return form, layout
    names = ", ".join(layout.annex for _, layout in known)
    raise LedgerError("unknown-form", form=annex, known=names)


def default_annex(detail_forms: Iterable[str]) -> str:
    """The annex given when none is asked for: the default summary of the first detail form
    (by summary id) that was read; the first default summary when none was."""
    present = set(detail_forms)
    defaults = [layout for _, layout in summary_layouts() if layout.default]
    chosen = next((lo for lo in defaults if lo.of in present), defaults[0])
    return chosen.annex


def expanded(layout: SummaryLayout, ledgers: Sequence[Ledger]) -> SummaryLayout:
    """The layout with its `expand` columns for these ledgers: per allowed value of each
    listed column, one column per figure; a column no ledger has adds nothing, and the blank
    label appears only where some case leaves the column blank."""
    spec_of = layout.expand
    if spec_of is None:
        return layout
    detail = get_form(layout.of)
    columns: list[dict[str, Any]] = [c.model_dump() for c in layout.columns]
    for dim in spec_of.columns:
        spec = detail.by_key[dim]
        present = [lg for lg in ledgers if dim in lg.values]
        if not present:
            continue
        values = list(spec.values)
        if any(v is None for lg in present for v in lg.values[dim]):
            values.append(spec_of.blank_label)
        for n, v in enumerate(values):
            where = {dim: "" if v == spec_of.blank_label else v}
            for fig in spec_of.figures:
                columns.append(
                    {
                        "key": f"{dim}_{n}_{fig.key}",
                        "path": [spec.header, v, fig.label],
                        "kind": fig.kind,
                        "measure": fig.measure,
                        "where": where,
                    }
                )
    data = layout.model_dump(exclude={"columns", "expand"})
    return SummaryLayout.model_validate({**data, "columns": columns})


# --- cases ------------------------------------------------------------------------------


class CaseKeys(NamedTuple):
    """The names behind a case's attribute and amount tuples (one per ledger form). A tuple:
    cases are grouped by it with their attributes, and a tuple hashes in C."""

    attrs: tuple[str, ...]
    amounts: tuple[str, ...]


class Case(NamedTuple):
    """One ledger row as the summaries see it: a tuple of tuples, since a city has a million
    (a frozen dataclass took five times as long to build)."""

    keys: CaseKeys
    group: str
    attr_values: tuple[str, ...]
    amount_values: tuple[Decimal, ...]
    error: bool
    identity: str | None
    file: str
    row: int
    sheet: str = ""  # only where the file has several sheets read (a sheet per town)
    mark: str = ""  # the unit of amount (amountunit.py): converted, conflict, suspect or ""
    origin: str = ""  # the submission's file name (a merged workbook's 来源文件), for notes

    @property
    def attrs(self) -> dict[str, str]:
        return dict(zip(self.keys.attrs, self.attr_values, strict=True))

    @property
    def amounts(self) -> dict[str, Decimal]:
        return dict(zip(self.keys.amounts, self.amount_values, strict=True))

    @property
    def owed(self) -> Decimal:
        return self.amounts.get("owed", Decimal(0))

    @property
    def where(self) -> str:
        """File name and Excel row (with the sheet where the file has several), for messages."""
        if self.sheet:
            return f"{self.file}:{self.sheet}!{self.row}"
        return f"{self.file}:{self.row}"


def error_rows(report: Report | None, ledger: Ledger) -> list[bool]:
    """Which rows have an error a person must fix.

    From the ledger's own count, which for a merged city workbook is its 校验状态 column: the
    same per-file validation whether a folder or the workbook merged from it is summarized.
    """
    return [n > 0 for n in ledger.errors]


def grouped_by(layout: SummaryLayout, header: str) -> SummaryLayout:
    """The layout with its unit column headed by the --by column, e.g. 性质, not 街镇部门."""
    columns = [
        c.model_copy(update={"path": [header, *c.path[1:]]}) if c.kind == "unit" else c
        for c in layout.columns
    ]
    return SummaryLayout.model_validate(
        {**layout.model_dump(), "columns": [c.model_dump() for c in columns]}
    )


def resolve_by(form: FormSpec, column: str) -> str:
    """A --by column given as key or header (as written or any alias) → the column key."""
    if column in form.by_key:
        return column
    hits = form.header_index.get(norm_header(column), [])
    if len(hits) == 1:
        return hits[0].key
    raise LedgerError(
        "summary-bad-by",
        column=column,
        form=form.id,
        known="、".join(c.header for c in form.columns),
    )


def cases_from(  # long: every row once, column-wise, the locals of the loop bound once
    ledgers: Iterable[Ledger],
    layout: SummaryLayout,
    report: Report | None = None,
    by: str | None = None,
) -> list[Case]:
    """Every row of the ledgers as a Case, grouped by unit (or the --by column)."""
    cases: list[Case] = []
    # Only what the layout tests and sums: fewer attributes, fewer distinct combinations.
    tested = {k for col in layout.figures for k in col.where}
    measured = {col.measure for col in layout.figures if col.kind == "amount"} | {"owed"}
    for ledger in ledgers:
        form = ledger.form
        n = len(ledger)
        enums = [
            c.key
            for c in form.columns
            if c.kind == "enum"
            and c.key in ledger.values
            and (c.key in tested or (c.key == "source" and "bucket" in tested))
        ]
        amounts = [
            c.key
            for c in form.columns
            if c.kind == "amount"
            and c.key in ledger.values
            and (c.key in measured or (c.key == "judicial" and "judicial" in tested))
        ]
        # 清偿完毕金额 and its kin (annex 2), or 办理情况 (Wuhan): status.py reads either.
        derive = ("cleared" in form.by_key or "progress" in form.by_key) and bool(
            {"status"} & tested or "repaid_amount" in measured
        )
        judicial_amount = "judicial" in amounts
        bad = error_rows(report, ledger)
        name = Path(ledger.path).name
        # Column-wise: a million rows are read as a few lists, not a million dicts.
        attr_names = list(enums)
        attr_cols = [_attrs(ledger.values[k]) for k in enums]
        amount_names = list(amounts)
        amount_cols = [moneys(ledger.values[k]) for k in amounts]
        if "source" in enums:
            bucket_of = layout.buckets
            attr_names.append("bucket")
            attr_cols.append(
                [bucket_of.get(v, layout.other_bucket) for v in attr_cols[enums.index("source")]]
            )
        if derive:
            states, paid = statuses_and_repaid(ledger)
            attr_names.append("status")
            attr_cols.append(states)
            amount_names.append("repaid_amount")
            amount_cols.append(paid)
        if judicial_amount:
            attr_names.append("judicial")
            attr_cols.append(
                ["是" if v > 0 else "否" for v in amount_cols[amounts.index("judicial")]]
            )
        keys = CaseKeys(tuple(attr_names), tuple(amount_names))
        groups = ledger.values[by] if by else ledger.units()
        identities = ledger.identities()
        # A few dozen combinations of attributes: each case shares its combination's one
        # tuple (a million cases held a million tuples, 90 MB).
        shared: dict[tuple[str, ...], tuple[str, ...]] = {}
        attr_rows = (
            list(map(shared.setdefault, *tee(zip(*attr_cols, strict=True))))
            if attr_cols
            else [()] * n
        )
        amount_rows = list(zip(*amount_cols, strict=True)) if amount_cols else [()] * n
        labels = {g: _attr(g) or BLANK_LABEL for g in set(groups)}
        origins: Iterable[str] = repeat(name)
        sources = ledger.extras.get("source_file")
        if sources is not None:
            names = {v: Path(str(v)).name for v in set(sources)}
            origins = map(names.__getitem__, sources)
        # tuple.__new__ straight from the columns: Case(...) would run its Python-level
        # __new__ once per row.
        cases.extend(
            map(
                tuple.__new__,
                repeat(Case),
                zip(
                    repeat(keys),
                    map(labels.__getitem__, groups),
                    attr_rows,
                    amount_rows,
                    bad,
                    identities,
                    repeat(name),
                    ledger.rows,
                    ledger.row_sheets if len(ledger.sheet_names) > 1 else repeat(""),
                    ledger.marks or repeat(""),
                    origins,
                ),
            )
        )
    return cases


def _attr(value: Any) -> str:
    return "" if value is None else str(value)


def _attrs(column: list[Any]) -> list[str]:
    # Enums repeat: each distinct value is turned into text once.
    text = {v: _attr(v) for v in set(column)}
    return list(map(text.__getitem__, column))


# --- the summary --------------------------------------------------------------------------


@dataclass
class SummaryRow:
    label: str
    values: dict[str, Figure]  # figure column key → value (rate None when 拖欠总金额 is 0)


@dataclass
class Caveat:
    """What the figures include or leave out that the clerk must know: a message code."""

    code: str
    params: dict[str, Any]

    def message(self, lang: str) -> str:
        from ledgercli.model.i18n import join, message

        params = dict(self.params)
        shares = params.get("shares")
        if isinstance(shares, list):
            # Each amount total the rows are part of, and their share of it.
            parts = (message("summary-share", lang, **s) for s in shares)
            params["shares"] = join(parts, lang, "sep.clause")
        return message(self.code, lang, **params)


@dataclass
class Summary:
    form_id: str
    title: str
    layout: SummaryLayout
    rows: list[SummaryRow]
    total: SummaryRow
    cases: int  # cases counted
    caveats: list[Caveat] = field(default_factory=list)

    def flat(self, row: SummaryRow, seq: int | None = None) -> dict[str, Any]:
        """A row as {header path joined with '/': value}, the JSON and reconciliation form."""
        data: dict[str, Any] = {}
        for c in self.layout.columns:
            if c.kind == "seq":
                data[c.label] = seq
            elif c.kind == "unit":
                data[c.label] = row.label
            else:
                data[c.label] = row.values[c.key]
        return data


def summarize(
    cases: Sequence[Case],
    form: FormSpec,
    layout: SummaryLayout,
    order: Literal["name", "amount"] = "name",
    only_valid: bool = False,
    drop_duplicates: bool = False,
) -> Summary:
    """The summary table: one row per group in a stable order, then the exact total."""
    caveats: list[Caveat] = []
    # Rows whose unit of amount is in doubt are in no figure: a 元 amount read as 万元 would
    # swamp the total. Left out first, so nothing below (error rows, duplicates) counts them.
    conflict = [c for c in cases if c.mark == CONFLICT]
    left_out: list[Caveat] = []
    if conflict:
        left_out.append(
            Caveat(
                "summary-unit-conflict",
                {
                    "rows": len(conflict),
                    "amount": _sum_owed(conflict),
                    "files": _files(conflict),
                },
            )
        )
        cases = [c for c in cases if c.mark != CONFLICT]
    errors = [c for c in cases if c.error]
    if errors:
        code = "summary-error-rows-left-out" if only_valid else "summary-error-rows"
        caveats.append(Caveat(code, {"rows": len(errors), "amount": _sum_owed(errors)}))
    counted = [c for c in cases if not (only_valid and c.error)]
    # Counted in C first: only identities seen twice need their cases gathered.
    seen = Counter(c.identity for c in counted)
    twice = {k for k, n in seen.items() if n > 1 and k is not None}
    groups: dict[str, list[Case]] = {}
    if twice:
        for c in counted:
            if c.identity in twice:
                groups.setdefault(c.identity, []).append(c)
    dupes = list(groups.values())
    if dupes:
        extra = [c for g in dupes for c in g[1:]]
        if drop_duplicates:
            dropped = {id(c) for c in extra}
            counted = [c for c in counted if id(c) not in dropped]
            caveats.append(
                Caveat(
                    "summary-duplicates-dropped",
                    {
                        "groups": len(dupes),
                        "rows": len(extra),
                        "amount": _sum_owed(extra),
                        "where": ", ".join(c.where for c in extra),
                    },
                )
            )
        else:
            caveats.append(
                Caveat(
                    "summary-duplicates",
                    {"groups": len(dupes), "rows": len(extra), "amount": _sum_owed(extra)},
                )
            )
    by_group: dict[str, list[Case]] = {}
    for c in counted:
        by_group.setdefault(c.group, []).append(c)
    matched = _Matches(layout)
    rows = [
        SummaryRow(name, figures(members, layout, matched)) for name, members in by_group.items()
    ]
    owed_key = _owed_key(layout)
    if order == "amount" and owed_key:
        rows.sort(key=lambda r: (-_dec(r.values[owed_key]), r.label))
    else:
        rows.sort(key=lambda r: r.label)
    total = SummaryRow(layout.total_label, total_of(rows, layout))
    # The unit of amount first: what a clerk must know before signing any figure.
    caveats = [*left_out, *_unit_notes(counted, layout, total), *caveats]
    return Summary(form.id, form.title, layout, rows, total, len(counted), caveats)


def _unit_notes(counted: Sequence[Case], layout: SummaryLayout, total: SummaryRow) -> list[Caveat]:
    """What the counted figures hold of 元: files converted, rows suspected (and their share
    of every amount total they are part of)."""
    notes: list[Caveat] = []
    converted = [c for c in counted if c.mark == CONVERTED]
    if converted:
        notes.append(
            Caveat(
                "summary-amount-converted",
                {
                    "files": _files(converted),
                    "count": len({c.origin for c in converted}),
                    "rows": len(converted),
                    "amount": _sum_owed(converted),
                },
            )
        )
    suspect = [c for c in counted if c.mark == SUSPECT]
    if suspect:
        part = figures(suspect, layout)
        amounts = [c for c in layout.figures if c.kind == "amount"]
        shares = []
        for col in amounts:
            if not part[col.key]:
                continue
            whole = _dec(total.values[col.key])
            share = rate(_dec(part[col.key]), whole)
            shares.append(
                {
                    "column": col.label,
                    "name": _short_name(col, amounts),
                    "amount": fmt_amount(_dec(part[col.key])),
                    "total": fmt_amount(whole),
                    "percent": None if share is None else f"{share:.2f}",
                }
            )
        count_share = rate(Decimal(len(suspect)), Decimal(len(counted)))
        notes.append(
            Caveat(
                "summary-suspect-yuan",
                {
                    "rows": len(suspect),
                    "cases": len(counted),
                    "percent": None if count_share is None else f"{count_share:.2f}",
                    "shares": shares,
                    "files": _files(suspect),
                },
            )
        )
    return notes


def _short_name(col: SummaryColumn, columns: Sequence[SummaryColumn]) -> str:
    """A column as a person names it: the shortest end of its header path no other column
    shares (拖欠总金额; 无分歧问题/清偿金额小计 where 有分歧问题 has one too)."""
    for k in range(1, len(col.path)):
        tail = col.path[-k:]
        if sum(1 for c in columns if c.path[-k:] == tail) == 1:
            return "/".join(tail)
    return col.label


def _files(cases: Iterable[Case]) -> str:
    return "、".join(dict.fromkeys(c.origin for c in cases))


def figures(
    cases: Iterable[Case], layout: SummaryLayout, matched: _Matches | None = None
) -> dict[str, Figure]:
    """The figures of a set of cases (one unit's, or all). `matched` carries what one table's
    calls have decided already (which columns a combination of attributes counts in)."""
    matched = matched or _Matches(layout)
    # Cases with the same attributes are counted and summed together first, so each column's
    # condition is tested once per combination (a few dozen), not once per case.
    combos: dict[tuple[CaseKeys, tuple[str, ...]], list[tuple[Decimal, ...]]] = {}
    for c in cases:
        combos.setdefault((c.keys, c.attr_values), []).append(c.amount_values)
    counts = {col.key: 0 for col in matched.columns if col.kind == "count"}
    totals = {col.key: Decimal(0) for col in matched.columns if col.kind != "count"}
    for (keys, attrs), amounts in combos.items():
        counted, measures = matched(keys, attrs)
        for key in counted:
            counts[key] += len(amounts)
        if measures:
            # The combination's amounts, transposed and summed in C: exact Decimal sums.
            sums = dict(zip(keys.amounts, zip(*amounts, strict=True), strict=True))
            for key, measure in measures:
                column = sums.get(measure)
                if column is not None:
                    totals[key] += sum(column, Decimal(0))
    values: dict[str, Figure] = {
        col.key: counts[col.key] if col.kind == "count" else totals[col.key]
        for col in matched.columns
    }
    _rates(values, layout)
    return values


class _Matches:
    """Which figure columns a combination of attributes counts in: decided once per
    combination for the whole table, not once per unit."""

    def __init__(self, layout: SummaryLayout) -> None:
        self.columns = [c for c in layout.figures if c.kind != "rate"]
        self._seen: dict[
            tuple[CaseKeys, tuple[str, ...]], tuple[list[str], list[tuple[str, str]]]
        ] = {}

    def __call__(
        self, keys: CaseKeys, attrs: tuple[str, ...]
    ) -> tuple[list[str], list[tuple[str, str]]]:
        found = self._seen.get((keys, attrs))
        if found is None:
            named = dict(zip(keys.attrs, attrs, strict=True))
            hits = [
                c for c in self.columns if all(named.get(k, "") == v for k, v in c.where.items())
            ]
            counts = [c.key for c in hits if c.kind == "count"]
            measures = [(c.key, c.measure) for c in hits if c.kind != "count"]
            found = self._seen[(keys, attrs)] = (counts, measures)
        return found


def total_of(rows: Sequence[SummaryRow], layout: SummaryLayout) -> dict[str, Figure]:
    """The 合计 row: the exact sum of the rows' figures; each rate recomputed from the sums."""
    values: dict[str, Figure] = {}
    for col in layout.figures:
        if col.kind == "count":
            values[col.key] = sum(int(r.values[col.key] or 0) for r in rows)
        elif col.kind == "amount":
            values[col.key] = sum((_dec(r.values[col.key]) for r in rows), Decimal(0))
    _rates(values, layout)
    return values


def _rates(values: dict[str, Figure], layout: SummaryLayout) -> None:
    for col in layout.figures:
        if col.kind == "rate":
            num, den = col.ratio
            values[col.key] = rate(_dec(values[num]), _dec(values[den]))


def _owed_key(layout: SummaryLayout) -> str | None:
    return next(
        (
            c.key
            for c in layout.figures
            if c.kind == "amount" and c.measure == "owed" and not c.where
        ),
        None,
    )


def _dec(value: Figure) -> Decimal:
    if value is None:
        return Decimal(0)
    return value if isinstance(value, Decimal) else Decimal(value)


def _sum_owed(cases: Iterable[Case]) -> str:
    return fmt_amount(sum((c.owed for c in cases), Decimal(0)))


def fmt_figure(col: SummaryColumn, value: Figure) -> str:
    if value is None:
        return ""
    if col.kind == "amount" and isinstance(value, Decimal):
        return fmt_amount(value)
    if col.kind == "rate" and isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


def to_json(summary: Summary, lang: str) -> dict[str, Any]:
    """Rows as data: keys are header paths joined with '/'; amounts and rates are exact decimal
    strings (a float would lose the 0.0001 万元 the figures are checked to), counts integers."""

    def encode(row: SummaryRow, seq: int | None) -> dict[str, Any]:
        flat = summary.flat(row, seq)
        by_label = {c.label: c for c in summary.layout.columns}
        return {
            k: (fmt_figure(by_label[k], v) if isinstance(v, Decimal) else v)
            for k, v in flat.items()
        }

    return {
        "form": summary.form_id,
        "title": summary.title,
        "unit": summary.layout.unit_row,
        "columns": [c.label for c in summary.layout.columns],
        "rows": [encode(r, i) for i, r in enumerate(summary.rows, start=1)],
        "total": encode(summary.total, None),
        "cases": summary.cases,
        "warnings": [
            {"code": w.code, **w.params, "message": w.message(lang)} for w in summary.caveats
        ],
    }


# --- what a summary reads ---------------------------------------------------------------------

# Attributes a layout may test that are derived from other columns (see cases_from).
_DERIVED = {
    "bucket": ("source",),
    "status": ("cleared", "repaid", "agreed", "progress"),
    "judicial": ("judicial",),
}


def input_columns(by: str | None = None, annex: str | None = None) -> frozenset[str]:
    """Every detail column the summary reads (any summary's when `annex` is None): the
    measures, the tested attributes and what they derive from, the expanded columns, the units,
    the case identity.

    A merged city workbook is read with only these parsed (Options.summary_columns); the rest
    of its 33 columns would cost time and give no figure.
    """
    keys: set[str] = {"owed"}
    layouts = [lo for _, lo in summary_layouts() if annex is None or lo.annex == annex]
    details = {lo.of for lo in layouts}
    for layout in layouts:
        for col in layout.figures:
            if col.measure not in ("count", "repaid_amount"):
                keys.add(col.measure)
            if col.measure == "repaid_amount":
                keys.update(_DERIVED["status"])
            for attr in col.where:
                keys.update(_DERIVED.get(attr, (attr,)))
        if layout.expand:
            keys.update(layout.expand.columns)
            keys.update(f.measure for f in layout.expand.figures if f.kind == "amount")
    for form_id in sorted(details):
        form = get_form(form_id)
        keys.update(form.identity, form.identity_fallback)
        if form.unit_column:
            keys.add(form.unit_column)
    if by:
        keys.add(by)
        for form_id in sorted(details):
            keys.update(c.key for c in get_form(form_id).header_index.get(norm_header(by), []))
    return frozenset(keys)
