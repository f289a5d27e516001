"""Units of amount: a ledger in 元 never reaches a 万元 total as if it were 万元.

The forms take amounts in 万元 (10,000 元), and a 元 figure counted as 万元 is 10,000 times too
large. Districts declare 元 above the header (`金额单位：元`, `（单位：元）`) or in the amount
headers (`拖欠金额（元）`), or type one case in 元 without saying so. Each file gets one verdict,
carried on each row as a mark that every summary reads:

- **converted**: 元 is declared (and nothing declares 万元) and the amounts are plausible in 元:
  every amount is divided by 10,000 exactly (`Decimal.scaleb`, no rounding) before anything
  sums them; one file-level warning, `amount-unit-yuan`.
- **conflict**: the evidence disagrees (元 and 万元 both declared; 元 declared but the amounts
  look like 万元; 万元 declared but they look like 元; one row of a 元 file far below its
  peers): an error, `amount-unit-conflict`; those rows stay as written and are kept out of
  the summaries, which say so.
- **suspect**: nothing declares 元, but a row's 拖欠金额 looks like 元 (see `_evidence`):
  a warning, `amount-suspect-yuan`; the row is counted, and every summary states how many
  such rows there are and their share of each total.

The thresholds are module constants, written down in the README ("How the figures are
computed").
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ledgercli.model.forms import FormSpec
from ledgercli.model.numbers import percent, plain
from ledgercli.model.report import Finding, col_letter
from ledgercli.model.text import header_unit, nfkc

YUAN = "元"
WAN = "万元"
OWED = "owed"
CONTRACT = "contract_amount"

# Row marks (Ledger.marks): "" for a row none of this concerns.
CONVERTED = "converted"
CONFLICT = "conflict"
SUSPECT = "suspect"
# How the merged city workbook writes a mark (column 金额单位核查), and reads it back.
MARK_HEADER = "金额单位核查"
MARK_TEXT = {
    CONVERTED: "已由元折算为万元",
    CONFLICT: "金额单位矛盾，未计入汇总",
    SUSPECT: "疑似按元填写",
}
_MARK_OF = {text: mark for mark, text in MARK_TEXT.items()}

# A declared-元 file is plausible in 元 when the median of its positive 拖欠金额 is at least
# 1,000 元 (no arrears case of an SME is smaller) and at most a tenth of its positive amounts
# have more than two decimals (a fen is the smallest 元 amount; 万元 figures carry four).
PLAUSIBLE_MEDIAN_YUAN = Decimal(1000)
MAX_SUBFEN_SHARE = Decimal("0.1")
# "Thousands of times": a row's 拖欠金额 this many times a comparable figure is read as 元
# typed among 万元 (and, in a 元 file, this many times below its peers as 万元 among 元).
RATIO = Decimal(1000)
# Peers needed for a median to be evidence at all.
MIN_PEERS = 3
_CENT = Decimal("0.01")
_ZERO = Decimal(0)
_HUNDRED = Decimal(100)

_LABEL = r"(?:(?:金额|货币|计量)?单位|金额)"
_UNIT = r"(?:人民币)?(万元|元)(?:人民币)?"
# 金额单位：元, （单位：元）, 数量：件  金额：万元 — but not 填报单位：元山镇 (a label inside a longer
# word, or 元 starting a name).
_CJK = "\u3400-\u9fff"
_DECLARED = re.compile(rf"(?<![{_CJK}]){_LABEL}\s*:\s*{_UNIT}(?![{_CJK}A-Za-z0-9])")
_LABEL_ONLY = re.compile(rf"^{_LABEL}\s*:?$")
_UNIT_ONLY = re.compile(rf"^\(?\s*{_UNIT}\s*\)?$")


@dataclass(frozen=True)
class Declaration:
    """A cell that says which unit the amounts are in."""

    unit: str  # 元 or 万元
    row: int  # Excel row
    column: str  # column letter
    text: str  # the cell as written
    key: str | None = None  # the amount column, for a header that declares its own unit

    @property
    def cell(self) -> str:
        return f"{self.column}{self.row}"


def declarations_above(rows: Sequence[tuple[int, list[Any]]]) -> list[Declaration]:
    """Unit declarations in the rows above a header: `label：unit` in one cell (anywhere in
    it, so `填报单位：横山镇    金额单位：元` counts), or a label cell followed by a unit cell."""
    found: list[Declaration] = []
    for excel_row, cells in rows:
        for j, cell in enumerate(cells):
            if not isinstance(cell, str) or not cell.strip():
                continue
            text = nfkc(cell)
            hits = list(_DECLARED.finditer(text))
            for m in hits:
                found.append(Declaration(m.group(1), excel_row, col_letter(j), cell.strip()))
            if hits or not _LABEL_ONLY.match(text.strip()):
                continue
            nxt = next((c for c in cells[j + 1 :] if c not in ("", None)), None)
            if isinstance(nxt, str):
                unit = _UNIT_ONLY.match(nfkc(nxt).strip())
                if unit:
                    shown = f"{cell.strip()} {nxt.strip()}"
                    found.append(Declaration(unit.group(1), excel_row, col_letter(j), shown))
    return found


def header_declarations(
    form: FormSpec, columns: dict[str, int], headers: dict[str, str], header_row: int
) -> list[Declaration]:
    """Amount headers that carry their unit: 拖欠金额（元）, 合同金额(万元)."""
    found = []
    for key, j in columns.items():
        if form.by_key[key].kind != "amount":
            continue
        unit = header_unit(headers[key])
        if unit is not None:
            found.append(Declaration(unit, header_row, col_letter(j), headers[key], key))
    return found


# --- the verdict of one file ------------------------------------------------------------------


@dataclass
class RowFinding:
    """A finding at one row's cell, added by the validator (which counts it on the row)."""

    severity: str
    rule: str
    index: int
    key: str
    params: dict[str, Any]


@dataclass
class Assessment:
    declared: str | None  # 元, 万元, 元/万元 (both), None
    state: str  # converted | conflict | declared | undeclared | merged
    marks: list[str] | None = None  # per row; None: no row is concerned
    # File-level findings, each with the rows it counts on (an error or warning of each).
    file_findings: list[tuple[Finding, list[int]]] = field(default_factory=list)
    row_findings: list[RowFinding] = field(default_factory=list)
    suspects: list[dict[str, Any]] = field(default_factory=list)  # per suspect row, for JSON

    def count(self, mark: str) -> int:
        return 0 if self.marks is None else self.marks.count(mark)

    def to_json(self) -> dict[str, Any]:
        return {
            "declared": self.declared,
            "state": self.state,
            "rows_converted": self.count(CONVERTED),
            "rows_conflict": self.count(CONFLICT),
            "rows_suspect": self.count(SUSPECT),
            "suspects": self.suspects,
        }


_STATES = ("conflict", "converted", "merged", "declared", "undeclared")


def combine(first: dict[str, Any] | None, then: dict[str, Any]) -> dict[str, Any]:
    """The verdicts of two sheets of one file as one: the rows add up, `declared` names every
    unit declared, `state` is the strongest (conflict, converted, …, undeclared)."""
    if first is None:
        return then
    units = {u for a in (first, then) if a["declared"] for u in a["declared"].split("/")}
    return {
        "declared": "/".join(sorted(units, key=(YUAN, WAN).index)) or None,
        "state": min(first["state"], then["state"], key=_STATES.index),
        **{k: first[k] + then[k] for k in ("rows_converted", "rows_conflict", "rows_suspect")},
        "suspects": [*first["suspects"], *then["suspects"]],
    }


def amount_keys(form: FormSpec, values: dict[str, list[Any]]) -> list[str]:
    return [c.key for c in form.columns if c.kind == "amount" and c.key in values]


def assess(
    form: FormSpec,
    values: dict[str, list[Any]],
    rows: list[int],
    declarations: list[Declaration],
    sheet: str,
    letters: dict[str, str],
    header_row: int,
) -> Assessment:
    """Decide the unit of a submission's amounts, convert a 元 file in place (`values`), and
    say what was found. `letters` maps column keys to their letters."""
    units = {d.unit for d in declarations}
    declared = "/".join(sorted(units, key=(YUAN, WAN).index)) or None
    keys = amount_keys(form, values)
    n = len(rows)
    state = "declared" if declared else "undeclared"
    if not keys or n == 0:
        return Assessment(declared, state)
    if len(units) > 1:
        return _both_declared(declarations, sheet, n, declared)
    owed = values.get(OWED)
    positives = [(i, v) for i, v in enumerate(owed or ()) if type(v) is Decimal and v > _ZERO]
    if units == {YUAN}:
        return _declared_yuan(values, keys, rows, declarations[0], sheet, positives)
    where = (sheet, header_row, letters.get(OWED))
    return _suspects(form, values, rows, declarations, where, positives, declared)


def _at(
    where: Declaration, severity: str, rule: str, sheet: str, params: dict[str, Any]
) -> Finding:
    """A file-level finding placed on the cell that declared the unit."""
    return Finding(severity, rule, sheet, where.row, where.column, None, where.text, params)


def _both_declared(
    declarations: list[Declaration], sheet: str, n: int, declared: str | None
) -> Assessment:
    yuan = next(d for d in declarations if d.unit == YUAN)
    wan = next(d for d in declarations if d.unit == WAN)
    params = {
        "variant": "both",
        "scope": "file",
        "yuan_at": yuan.cell,
        "yuan_text": yuan.text,
        "wan_at": wan.cell,
        "wan_text": wan.text,
        "rows": n,
    }
    finding = Finding(
        "error", "amount-unit-conflict", sheet, yuan.row, yuan.column, None, yuan.text, params
    )
    return Assessment(declared, "conflict", [CONFLICT] * n, [(finding, list(range(n)))])


def _declared_yuan(
    values: dict[str, list[Any]],
    keys: list[str],
    rows: list[int],
    where: Declaration,
    sheet: str,
    positives: list[tuple[int, Decimal]],
) -> Assessment:
    n = len(rows)
    amounts = [v for k in keys for v in values[k] if type(v) is Decimal and v > _ZERO]
    base = [v for _, v in positives] or amounts
    if not base:  # nothing to convert: the declaration alone changes no figure
        return Assessment(YUAN, "declared")
    ordered = sorted(base)
    median = _median(ordered)
    subfen = sum(1 for v in amounts if v != v.quantize(_CENT))
    share = Decimal(subfen) / len(amounts) if amounts else Decimal(0)
    if median < PLAUSIBLE_MEDIAN_YUAN or share > MAX_SUBFEN_SHARE:
        params = {
            "variant": "looks-wan",
            "scope": "file",
            "at": where.cell,
            "text": where.text,
            "median": plain(median),
            "subfen": _percent(share),
            "rows": n,
        }
        finding = _at(where, "error", "amount-unit-conflict", sheet, params)
        return Assessment(YUAN, "conflict", [CONFLICT] * n, [(finding, list(range(n)))])

    marks = [CONVERTED] * n
    row_findings: list[RowFinding] = []
    # A row thousands of times below its peers in a 元 file was typed in 万元: converting it
    # would make it 10,000 times too small, counting it as is 10,000 times too large.
    for i, v, peers_median, peers in _outliers(positives, ordered, above=False):
        marks[i] = CONFLICT
        row_findings.append(
            RowFinding(
                "error",
                "amount-unit-conflict",
                i,
                OWED,
                {
                    "variant": "row",
                    "median": plain(peers_median),
                    "peers": peers,
                    "ratio": plain((peers_median / v).quantize(Decimal(1))),
                },
            )
        )
    for k in keys:
        column = values[k]
        for i, v in enumerate(column):
            if type(v) is Decimal and marks[i] == CONVERTED:
                column[i] = v.scaleb(-4)  # exact: only the exponent moves
    converted = marks.count(CONVERTED)
    params = {"scope": "file", "at": where.cell, "text": where.text, "rows": converted}
    finding = _at(where, "warning", "amount-unit-yuan", sheet, params)
    return Assessment(YUAN, "converted", marks, [(finding, [])], row_findings)


def _suspects(  # long: one verdict over a file's amounts, its cases read in order
    form: FormSpec,
    values: dict[str, list[Any]],
    rows: list[int],
    declarations: list[Declaration],
    where_owed: tuple[str, int, str | None],
    positives: list[tuple[int, Decimal]],
    declared: str | None,
) -> Assessment:
    n = len(rows)
    sheet, header_row, owed_at = where_owed
    state = "declared" if declared else "undeclared"
    if not positives:
        return Assessment(declared, state)
    limit_text = form.params.get("yuan_threshold")
    limit = Decimal(limit_text) if limit_text is not None else None
    ordered = sorted(v for _, v in positives)
    median = _median(ordered)
    if limit is not None and median >= limit and len(positives) > MIN_PEERS:
        # The file's typical case (of four or more) is 1亿元 or more: the whole file is in 元.
        every = [i for i, _ in positives]
        marks = [""] * n
        if declared == WAN:
            where = declarations[0]
            params = {
                "variant": "looks-yuan",
                "scope": "file",
                "at": where.cell,
                "text": where.text,
                "median": plain(median),
                "rows": n,
            }
            finding = _at(where, "error", "amount-unit-conflict", sheet, params)
            return Assessment(WAN, "conflict", [CONFLICT] * n, [(finding, list(range(n)))])
        for i in every:
            marks[i] = SUSPECT
        params = {
            "variant": "file",
            "scope": "file",
            "rows": len(every),
            "because": ["yuan-evidence.file"],
            "median": plain(median),
        }
        finding = Finding("warning", "amount-suspect-yuan", sheet, header_row, owed_at, "拖欠金额")
        finding.params = params
        suspects = [
            {
                "sheet": sheet,
                "row": rows[i],
                "owed": plain(v),
                "evidence": [{"kind": "file", "median": plain(median)}],
            }
            for i, v in positives
        ]
        return Assessment(declared, state, marks, [(finding, every)], [], suspects)

    evidence = _evidence(values, positives, ordered, limit)
    if not evidence:
        return Assessment(declared, state)
    marks = [""] * n
    for i in evidence:
        marks[i] = SUSPECT
    suspects = [
        {"sheet": sheet, "row": rows[i], "owed": plain(values[OWED][i]), "evidence": ev}
        for i, ev in sorted(evidence.items())
    ]
    if len(evidence) >= MIN_PEERS and 2 * len(evidence) > len(positives):
        # Most of the file looks like 元: one cause, one finding.
        kinds = sorted({e["kind"] for ev in evidence.values() for e in ev}, key=_KINDS.index)
        params = {
            "variant": "most",
            "scope": "file",
            "rows": len(evidence),
            "of": len(positives),
            "because": [f"yuan-evidence.{k}-any" for k in kinds],
        }
        finding = Finding("warning", "amount-suspect-yuan", sheet, header_row, owed_at, "拖欠金额")
        finding.params = params
        return Assessment(declared, state, marks, [(finding, sorted(evidence))], [], suspects)
    row_findings = [
        RowFinding("warning", "amount-suspect-yuan", i, OWED, evidence_params(ev))
        for i, ev in sorted(evidence.items())
    ]
    return Assessment(declared, state, marks, [], row_findings, suspects)


_KINDS = ("magnitude", "contract", "peers", "file", "last-week")


def _evidence(
    values: dict[str, list[Any]],
    positives: list[tuple[int, Decimal]],
    ordered: list[Decimal],
    limit: Decimal | None,
) -> dict[int, list[dict[str, Any]]]:
    """Each row whose 拖欠金额 looks like 元, with what says so."""
    found: dict[int, list[dict[str, Any]]] = {}
    contract = values.get(CONTRACT)
    for i, v in positives:
        if limit is not None and v >= limit:
            found.setdefault(i, []).append({"kind": "magnitude", "limit": plain(limit)})
        if contract is not None:
            c = contract[i]
            # (v > c first: a plain comparison rules out almost every row.)
            if type(c) is Decimal and c > 0 and v > c and v >= RATIO * c:
                ratio = plain((v / c).quantize(Decimal(1)))
                found.setdefault(i, []).append(
                    {"kind": "contract", "contract": plain(c), "ratio": ratio}
                )
    for i, v, peers_median, peers in _outliers(positives, ordered, above=True):
        found.setdefault(i, []).append(
            {
                "kind": "peers",
                "median": plain(peers_median),
                "peers": peers,
                "ratio": plain((v / peers_median).quantize(Decimal(1))),
            }
        )
    return found


def _outliers(
    positives: list[tuple[int, Decimal]], ordered: list[Decimal], above: bool
) -> list[tuple[int, Decimal, Decimal, int]]:
    """Rows whose value is at least RATIO times (`above`) or at most 1/RATIO of the median of
    the file's other positive rows: (row index, value, that median, how many other rows).
    Needs MIN_PEERS other rows; `ordered` is every positive value, sorted."""
    m = len(positives)
    if m - 1 < MIN_PEERS:
        return []
    # Removing one value moves the median by at most one place, so it lies between these two;
    # only rows beyond the looser bound are tested exactly (a handful, in a 100k-row file).
    low, high = ordered[(m - 2) // 2], ordered[m // 2]
    if above:
        bound = low * RATIO
        near = [(i, v) for i, v in positives if v >= bound]
    else:
        bound = high / RATIO
        near = [(i, v) for i, v in positives if v <= bound]
    out = []
    for i, v in near:
        peers_median = _median_without(ordered, v)
        hit = v >= RATIO * peers_median if above else v * RATIO <= peers_median
        if peers_median > 0 and hit:
            out.append((i, v, peers_median, m - 1))
    return out


def evidence_params(evidence: list[dict[str, Any]]) -> dict[str, Any]:
    """A suspect row's finding parameters: its evidence, and the sentences that state it."""
    params: dict[str, Any] = {"because": [], "evidence": evidence}
    for e in evidence:
        kind = e["kind"]
        params["because"].append(f"yuan-evidence.{kind}")
        for k, v in e.items():
            if k != "kind":
                params[f"{kind.replace('-', '_')}_{k}"] = v
    return params


def _median(ordered: Sequence[Decimal]) -> Decimal:
    m = len(ordered)
    if m % 2:
        return ordered[m // 2]
    return (ordered[m // 2 - 1] + ordered[m // 2]) / 2


def _median_without(ordered: list[Decimal], value: Decimal) -> Decimal:
    """The median of `ordered` with one occurrence of `value` removed."""
    p = bisect_left(ordered, value)
    k = len(ordered) - 1

    def at(idx: int) -> Decimal:
        return ordered[idx] if idx < p else ordered[idx + 1]

    if k % 2:
        return at(k // 2)
    return (at(k // 2 - 1) + at(k // 2)) / 2


def _percent(share: Decimal) -> str:
    return f"{percent(share):f}"


# --- a merged city workbook: marks as merge wrote them ----------------------------------------


def marks_from(column: Sequence[Any]) -> list[str] | None:
    """The marks of a merged workbook's 金额单位核查 column (None when no row has one)."""
    marks = [_MARK_OF.get(str(v).strip(), "") if v not in (None, "") else "" for v in column]
    return marks if any(marks) else None


def recorded(
    marks: list[str], origins: Sequence[Any], rows: list[int], sheet: str, letter: str | None
) -> list[tuple[Finding, list[int]]]:
    """A merged workbook validated in full: one finding per source file and mark, stating what
    merge decided (the declaration that decided it is in the source file, not here)."""
    groups: dict[tuple[str, str], list[int]] = {}
    for i, mark in enumerate(marks):
        if mark:
            groups.setdefault((str(origins[i] or ""), mark), []).append(i)
    out = []
    rule = {
        CONVERTED: "amount-unit-yuan",
        CONFLICT: "amount-unit-conflict",
        SUSPECT: "amount-suspect-yuan",
    }
    severity = {CONVERTED: "warning", CONFLICT: "error", SUSPECT: "warning"}
    for (origin, mark), members in groups.items():
        params = {"variant": "merged", "scope": "file", "file": origin, "rows": len(members)}
        finding = Finding(
            severity[mark], rule[mark], sheet, rows[members[0]], letter, "拖欠金额", None, params
        )
        out.append((finding, [] if mark == CONVERTED else members))
    return out


def describe(amount_unit: dict[str, Any] | None, lang: str = "zh") -> str:
    """One file's unit of amount in a few words: the 来源 sheet's 金额单位核查 cell, and a line
    under merge's table."""
    from ledgercli.model.i18n import join, message

    if not amount_unit:
        return ""
    parts = [
        message(f"unit-note.{kind}", lang, rows=amount_unit[f"rows_{kind}"])
        for kind in ("converted", "conflict", "suspect")
        if amount_unit.get(f"rows_{kind}")
    ]
    return join(parts, lang, "sep.clause")
