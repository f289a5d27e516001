"""Week over week: which cases are new, which vanished, what was repaid, what went backwards.

Two submissions of one form (two weeks of one unit, or two merged city workbooks) are read
through the validator, their cases matched by identity (SPEC.md), and every difference an
inspection looks for is listed as a `Change`. The terminal, `--format json` and the change
workbook all render the one `Diff` built here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ledgercli.check.inbox import case_ledgers, validate_paths
from ledgercli.check.roster import read_roster
from ledgercli.model.amountunit import CONFLICT, CONVERTED, RATIO, evidence_params
from ledgercli.model.errors import LedgerError
from ledgercli.model.forms import FormSpec
from ledgercli.model.ledger import Ledger, money, moneys
from ledgercli.model.numbers import rate
from ledgercli.model.options import Options
from ledgercli.model.report import FileReport, Finding, col_letter
from ledgercli.model.status import (
    rank,
    remaining,
    remainings,
    repaid,
    status,
    statuses_and_repaid,
)
from ledgercli.model.text import norm_key
from ledgercli.model.units import (
    apply_to_ledger,
    plan_units,
    reporting_units,
    unit_key,
)
from ledgercli.run.collector import paused
from ledgercli.run.pool import Progress

# Kinds of change, in the order they are shown. Codes are part of the JSON output.
KINDS = ("vanished", "regression", "new", "repaid", "status", "changed", "corrected")

# Regression reasons (codes).
REMAINING_UP = "remaining-up"
STATUS_BACK = "status-back"
OWED_CHANGED = "owed-changed"
REPAID_DOWN = "repaid-down"

# Columns whose change is reported on its own ("changed key fields"), when the form has them.
# 街镇部门 too: a unit that renames itself moves its cases to another row of annex 3 and 4.
KEY_FIELDS = (
    "unit",
    "debtor",
    "debtor_code",
    "creditor",
    "creditor_code",
    "contract",
    "disputed",
)
# Columns that must agree for a case whose identity was corrected to be matched anyway. At most
# one of them may differ, and only one that is part of the identity.
MATCH_FIELDS = (
    "debtor",
    "debtor_code",
    "creditor",
    "creditor_code",
    "contract",
    "contract_amount",
    "owed",
)


@dataclass
class Side:
    """All cases of one week: the ledgers read from OLD (or NEW)."""

    paths: list[str]
    form: FormSpec
    ledgers: list[Ledger]
    rows_with_errors: int = 0
    skipped: list[str] = field(default_factory=list)  # files of another form (with --form)
    identical: list[list[str]] = field(default_factory=list)  # byte-identical files
    reports: list[FileReport] = field(default_factory=list)  # every file read, for its units
    # With a roster (--units): its units that sent nothing (overdue). None without one.
    not_reported: list[str] | None = None
    contacts: list[str] = field(default_factory=list)  # annex-1 forms beside the ledgers
    keep_copies: bool = False  # identical files are each counted (--keep-copies)
    _cases: list[Case] | None = field(default=None, repr=False, compare=False)

    @property
    def copies(self) -> list[str]:
        """The copies left out: each identical group but its first file."""
        return [] if self.keep_copies else [p for g in self.identical for p in g[1:]]

    def cases(self) -> list[Case]:
        """Every row as a Case, made once (diff and overdue both ask) and column-wise."""
        if self._cases is None:
            self._cases = [c for lg in self.ledgers for c in Case.all_of(lg)]
        return self._cases


@dataclass(eq=False)
class Case:
    """One row of one ledger, with the figures diff and overdue compare."""

    ledger: Ledger
    i: int
    identity: str | None = field(init=False)
    unit: str = field(init=False)
    status: str = field(init=False)
    repaid: Decimal = field(init=False)
    owed: Decimal = field(init=False)
    remaining: Decimal = field(init=False)

    def __post_init__(self) -> None:
        lg, i = self.ledger, self.i
        self.identity = lg.identity(i)
        self.unit = lg.unit_of(i) or ""
        self.status = status(lg, i)
        self.repaid = repaid(lg, i)
        self.owed = money(lg.get("owed", i))
        self.remaining = remaining(lg, i)

    @classmethod
    def all_of(cls, lg: Ledger) -> list[Case]:
        """Every row of a ledger, by the same definitions as one Case at a time (status.py),
        computed a column at a time: a city's 100,000 rows, twice a week."""
        n = len(lg)
        states, paid = statuses_and_repaid(lg)
        owed = moneys(lg.values.get("owed") or [None] * n)
        rest = remainings(lg, owed, paid)
        out = []
        for i, ident, unit, st, rp, ow, rm in zip(
            range(n), lg.identities(), lg.units(), states, paid, owed, rest, strict=True
        ):
            c = cls.__new__(cls)
            c.ledger, c.i, c.identity, c.unit = lg, i, ident, unit or ""
            c.status, c.repaid, c.owed, c.remaining = st, rp, ow, rm
            out.append(c)
        return out

    def get(self, key: str) -> Any:
        return self.ledger.get(key, self.i)

    @property
    def row(self) -> int:
        return self.ledger.rows[self.i]

    def source(self) -> tuple[str | None, int | None]:
        """(来源文件, 来源行号) of a merged workbook read back; (None, None) otherwise."""
        extras = self.ledger.extras
        src = extras.get("source_file")
        row = extras.get("source_row")
        file = _text(src[self.i]) if src else None
        return file, (_int(row[self.i]) if row else None)

    def source_sheet(self) -> str | None:
        """来源工作表 of a merged workbook read back (a file may have had a sheet per town)."""
        sheets = self.ledger.extras.get("source_sheet")
        return _text(sheets[self.i]) if sheets else None

    def where(self) -> dict[str, Any]:
        file, row = self.source()
        return {
            "file": self.ledger.path,
            "sheet": self.ledger.sheet_of(self.i),
            "row": self.row,
            "source_file": file,
            "source_sheet": self.source_sheet(),
            "source_row": row,
        }

    def place(self) -> str:
        """Where the case is, for the terminal: `file:row` (`file:sheet!row` in a file with
        several sheets read), then its 来源 in a merged workbook: `(file:sheet!row)`."""
        text = f"{Path(self.ledger.path).name}:{self.ledger.place(self.i)}"
        file, row = self.source()
        if file:
            at = "?" if row is None else str(row)
            sheet = self.source_sheet()
            text += f" ({file}:{sheet}!{at})" if sheet else f" ({file}:{at})"
        return text

    def to_json(self) -> dict[str, Any]:
        lg = self.ledger
        data: dict[str, Any] = {
            "identity": self.identity,
            "unit": self.unit,
            "status": self.status,
            "owed": amount(self.owed),
            "repaid": amount(self.repaid),
            "remaining": amount(self.remaining),
        }
        for key in ("case_no", "debtor", "debtor_code", "creditor", "creditor_code", "contract"):
            if key in lg.values:
                data[key] = _plain(self.get(key))
        data.update(self.where())
        return data


@dataclass
class Change:
    """One difference between the weeks for one case. `old`/`new` is None for new/vanished."""

    kind: str
    unit: str
    old: Case | None
    new: Case | None
    amount: Decimal = Decimal(0)  # the figure of the change: owed (new/vanished), repaid delta
    reasons: list[str] = field(default_factory=list)  # regression codes
    fields: list[dict[str, Any]] = field(default_factory=list)  # {key, header, old, new}

    @property
    def case(self) -> Case:
        c = self.new or self.old
        assert c is not None
        return c

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": self.kind,
            "unit": self.unit,
            "amount": amount(self.amount),
            "old": self.old.to_json() if self.old else None,
            "new": self.new.to_json() if self.new else None,
        }
        if self.kind == "status" or STATUS_BACK in self.reasons:
            data["status"] = {
                "old": self.old and self.old.status,
                "new": self.new and self.new.status,
            }
        if self.reasons:
            data["reasons"] = list(self.reasons)
        if self.fields:
            data["fields"] = [
                {**f, "old": _plain(f["old"]), "new": _plain(f["new"])} for f in self.fields
            ]
        return data


@dataclass
class Tally:
    """Counts and amounts of one unit (or of the whole comparison)."""

    cases_old: int = 0
    cases_new: int = 0
    owed_old: Decimal = Decimal(0)
    owed_new: Decimal = Decimal(0)
    remaining_old: Decimal = Decimal(0)
    remaining_new: Decimal = Decimal(0)
    new: int = 0
    new_amount: Decimal = Decimal(0)
    vanished: int = 0
    vanished_amount: Decimal = Decimal(0)
    vanished_remaining: Decimal = Decimal(0)
    # Last week's cases of a unit that sent nothing this week: one 未报送 fact, not vanished.
    not_reported_cases: int = 0
    not_reported_owed: Decimal = Decimal(0)
    not_reported_remaining: Decimal = Decimal(0)
    repaid: Decimal = Decimal(0)
    repaid_cases: int = 0
    status_moves: int = 0
    regressions: int = 0
    changed: int = 0
    corrected: int = 0

    def to_json(self) -> dict[str, Any]:
        return {k: amount(v) if isinstance(v, Decimal) else v for k, v in self.__dict__.items()}


@dataclass
class Suspect:
    """A case of this week whose 拖欠金额 is thousands of times last week's: typed in 元."""

    old: Case
    new: Case

    @property
    def ratio(self) -> Decimal:
        return (self.new.owed / self.old.owed).quantize(Decimal(1))

    def finding(self) -> Finding:
        lg = self.new.ledger
        column = lg.columns.get("owed")
        params = evidence_params(
            [{"kind": "last-week", "owed": _plain_amount(self.old.owed), "ratio": str(self.ratio)}]
        )
        return Finding(
            "warning",
            "amount-suspect-yuan",
            lg.sheet,
            self.new.row,
            None if column is None else col_letter(column),
            "拖欠金额",
            _plain_amount(self.new.owed),
            params,
        )

    def to_json(self, lang: str) -> dict[str, Any]:
        f = self.finding()
        return {
            "unit": self.new.unit,
            "identity": self.new.identity,
            "owed_old": amount(self.old.owed),
            "owed_new": amount(self.new.owed),
            "ratio": str(self.ratio),
            **f.to_json(lang),
            "file": self.new.ledger.path,
            "evidence": f.params["evidence"],
        }


@dataclass
class Diff:
    form: FormSpec
    old: Side
    new: Side
    changes: list[Change]
    totals: Tally
    units: dict[str, Tally]
    # Units expected this week (the roster, and last week's units) that sent nothing.
    not_reported: list[str] = field(default_factory=list)
    # Cases of this week whose amount owed looks typed in 元, by last week's figure.
    suspects: list[Suspect] = field(default_factory=list)

    def suspect_share(self) -> Decimal | None:
        """The suspects' share (percent) of this week's total amount owed."""
        return rate(sum((s.new.owed for s in self.suspects), Decimal(0)), self.totals.owed_new)

    def of(self, kind: str) -> list[Change]:
        return [c for c in self.changes if c.kind == kind]

    @property
    def alarming(self) -> bool:
        """A unit that sent nothing, vanished cases or regressions: what inspections look for
        (exit code 1)."""
        return bool(self.not_reported) or any(
            c.kind in ("vanished", "regression") for c in self.changes
        )

    def units_worst_first(self) -> list[tuple[str, Tally]]:
        missing = set(self.not_reported)
        return sorted(
            self.units.items(),
            key=lambda kv: (
                kv[0] not in missing,
                -kv[1].vanished,
                -kv[1].regressions,
                -kv[1].vanished_amount,
                kv[0],
            ),
        )

    def to_json(self, lang: str = "zh") -> dict[str, Any]:
        return {
            "form": self.form.id,
            "old": _side_json(self.old),
            "new": _side_json(self.new),
            "totals": {**self.totals.to_json(), "not_reported": len(self.not_reported)},
            "units": [
                {"unit": u, "not_reported": u in self.not_reported, **t.to_json()}
                for u, t in self.units_worst_first()
            ],
            "not_reported": list(self.not_reported),
            "changes": {k: [c.to_json() for c in self.of(k)] for k in KINDS},
            "suspect_yuan": {
                "rows": len(self.suspects),
                "owed": amount(sum((s.new.owed for s in self.suspects), Decimal(0))),
                "percent": _percent(self.suspect_share()),
                "cases": [s.to_json(lang) for s in self.suspects],
            },
            "exit_code": 1 if self.alarming else 0,
        }


def amount(value: Decimal) -> str:
    """An amount in JSON: an exact decimal string, never a float, never exponent notation."""
    return format(value, "f")


# --- reading --------------------------------------------------------------------------------


def load_side(
    paths: Iterable[Path],
    options: Options,
    units: bool = True,
    progress: Progress | None = None,
) -> Side:
    """Read files or folders into one Side; every file must be readable and of one form.

    `units=False` leaves unit names as written, for a caller that makes them canonical over
    more files (diff, over both weeks)."""
    paths = list(paths)
    shown = ", ".join(map(str, paths))
    report, ledgers = validate_paths(paths, options, units=units, progress=progress)
    ledgers, contacts = case_ledgers(ledgers)
    skipped: list[str] = []
    for f in report.files:
        if f.readable:
            continue
        rule = f.findings[0].rule if f.findings else "no-inputs"
        if rule == "no-header" and (options.form or options.schema):
            # With --form, a file of another form (the Wuhan ledger beside annex 2) is not
            # part of the comparison; it is listed as skipped, not taken for a broken one.
            skipped.append(f.path)
            continue
        # Comparing without this file would report every case in it as vanished: stop.
        params = dict(f.findings[0].params) if f.findings else {}
        params.setdefault("path", f.path)
        raise LedgerError(rule, **params)
    # A contact form (annex 1, or a roster of them) holds no cases; a folder of submissions
    # often has one.
    tables = [lg for lg in ledgers if lg.form.kind == "table" and not lg.form.is_roster]
    if not tables:
        raise LedgerError("diff-no-cases", paths=shown)
    forms = sorted({lg.form.id for lg in tables})
    if len(forms) > 1:
        raise LedgerError("diff-mixed-forms", paths=shown, forms="、".join(forms))
    rows_bad = sum(1 for lg in tables for e in lg.errors if e)
    return Side(
        [str(p) for p in paths],
        tables[0].form,
        tables,
        rows_bad,
        skipped,
        report.identical,
        report.files,
        report.not_reported,
        contacts,
        options.keep_copies,
    )


def diff_paths(
    old: Iterable[Path],
    new: Iterable[Path],
    options: Options,
    progress: Progress | None = None,
) -> Diff:
    # The roster first: a wrong --units stops before two weeks of files are read.
    roster = read_roster(options.units, options.password) if options.units else None
    a = load_side(old, options, units=False, progress=progress)
    b = load_side(new, options, units=False, progress=progress)
    if a.form.id != b.form.id:
        raise LedgerError("diff-form-mismatch", old=a.form.id, new=b.form.id)
    # One name per unit over both weeks, so that a unit written 石角镇人民政府 last week and
    # 石角镇 this week is one unit, not a renamed one.
    plan = plan_units([fr for fr in [*a.reports, *b.reports] if fr.readable], roster)
    for lg in [*a.ledgers, *b.ledgers]:
        apply_to_ledger(lg, plan)
    # Who was expected this week: the roster's units, and every unit with cases last week.
    expected = list(roster.by_key) if roster is not None else []
    expected += [unit_key(u) for lg in a.ledgers for u in lg.units() if u]
    sent = reporting_units(b.reports, expected)
    with paused():  # two weeks of cases, none holding a cycle (run/collector.py)
        return compare(a, b, plan.not_reported(expected, sent))


# --- comparing ------------------------------------------------------------------------------


def compare(old: Side, new: Side, not_reported: Iterable[str] = ()) -> Diff:
    """The changes from OLD to NEW. A unit of `not_reported` sent nothing this week: its cases
    that are gone are counted under its one 未报送 line, not listed as vanished one by one."""
    form = new.form
    missing = list(not_reported)
    olds, news = old.cases(), new.cases()
    pairs, corrected, gone, born = match(olds, news, form)
    changes: list[Change] = []
    units: dict[str, Tally] = defaultdict(Tally)
    totals = Tally()
    for name in missing:
        units[name]  # a unit that sent nothing has its line, even with no case last week
    for o in gone:
        if o.unit in missing:
            for t in (totals, units[o.unit]):
                t.not_reported_cases += 1
                t.not_reported_owed += o.owed
                t.not_reported_remaining += o.remaining
            continue
        changes.append(Change("vanished", o.unit, o, None, o.owed))
    for n in born:
        changes.append(Change("new", n.unit, None, n, n.owed))
    for o, n in pairs:
        is_corrected = (o, n) in corrected
        changes.extend(_pair_changes(o, n, form, is_corrected))
    changes.sort(key=lambda c: (KINDS.index(c.kind), c.unit, c.case.ledger.path, c.case.row))
    for cases, side in ((olds, "old"), (news, "new")):
        for c in cases:
            for t in (totals, units[c.unit]):
                if side == "old":
                    t.cases_old += 1
                    t.owed_old += c.owed
                    t.remaining_old += c.remaining
                else:
                    t.cases_new += 1
                    t.owed_new += c.owed
                    t.remaining_new += c.remaining
    for ch in changes:
        for t in (totals, units[ch.unit]):
            _count(t, ch)
    suspects = [Suspect(o, n) for o, n in pairs if _yuan_since_last_week(o, n)]
    return Diff(form, old, new, changes, totals, dict(units), missing, suspects)


def _yuan_since_last_week(o: Case, n: Case) -> bool:
    """This week's 拖欠金额 is thousands of times last week's (0.79 then, 7900 now), and its
    file did not declare 元 (a converted or conflicting row is said already)."""
    marks = n.ledger.marks
    if marks and marks[n.i] in (CONVERTED, CONFLICT):
        return False
    return o.owed > 0 and n.owed >= RATIO * o.owed


def _plain_amount(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _percent(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _count(t: Tally, ch: Change) -> None:
    if ch.kind == "new":
        t.new += 1
        t.new_amount += ch.amount
    elif ch.kind == "vanished":
        t.vanished += 1
        t.vanished_amount += ch.amount
        t.vanished_remaining += ch.case.remaining
    elif ch.kind == "repaid":
        t.repaid += ch.amount
        t.repaid_cases += 1
    elif ch.kind == "status":
        t.status_moves += 1
    elif ch.kind == "regression":
        t.regressions += 1
    elif ch.kind == "changed":
        t.changed += 1
    elif ch.kind == "corrected":
        t.corrected += 1


def match(
    olds: list[Case], news: list[Case], form: FormSpec
) -> tuple[list[tuple[Case, Case]], set[tuple[Case, Case]], list[Case], list[Case]]:
    """Pair the cases of two weeks: (pairs, the pairs matched on corrected identity, vanished, new).

    First by identity; a case whose identity fields were corrected is then matched by the other
    fields, but only when exactly one case on each side fits: a wrong pairing would hide a
    vanished case, which is worse than reporting one vanished and one new.
    """
    by_id: dict[str, list[Case]] = defaultdict(list)
    for n in news:
        if n.identity is not None:
            by_id[n.identity].append(n)
    pairs: list[tuple[Case, Case]] = []
    rest_old: list[Case] = []
    taken: set[int] = set()
    for o in olds:
        bucket = by_id.get(o.identity) if o.identity is not None else None
        if bucket:
            n = bucket.pop(0)  # same identity twice in one week: pair them in order
            pairs.append((o, n))
            taken.add(id(n))
        else:
            rest_old.append(o)
    rest_new = [n for n in news if id(n) not in taken]

    fields = [k for k in MATCH_FIELDS if k in form.by_key]
    ident_fields = set(form.identity) | set(form.identity_fallback)
    cand_old: dict[int, list[Case]] = defaultdict(list)
    cand_new: dict[int, list[Case]] = defaultdict(list)
    # 拖欠金额 must agree anyway, so only cases owing the same amount are compared.
    by_owed: dict[Decimal, list[tuple[Case, list[Any]]]] = defaultdict(list)
    for n in rest_new:
        by_owed[n.owed].append((n, [comparable(n.get(k)) for k in fields]))
    for o in rest_old:
        if o.owed <= 0:
            continue
        ko = [comparable(o.get(k)) for k in fields]
        for n, kn in by_owed.get(o.owed, []):
            differ = [f for f, a, b in zip(fields, ko, kn, strict=True) if a != b]
            if len(differ) > 1 or (differ and differ[0] not in ident_fields):
                continue
            cand_old[id(o)].append(n)
            cand_new[id(n)].append(o)
    corrected: set[tuple[Case, Case]] = set()
    matched: set[int] = set()
    for o in rest_old:
        cands = cand_old.get(id(o), [])
        if len(cands) == 1 and len(cand_new[id(cands[0])]) == 1:
            n = cands[0]
            pairs.append((o, n))
            corrected.add((o, n))
            matched.update((id(o), id(n)))
    gone = [o for o in rest_old if id(o) not in matched]
    born = [n for n in rest_new if id(n) not in matched]
    return pairs, corrected, gone, born


def _pair_changes(o: Case, n: Case, form: FormSpec, corrected: bool) -> list[Change]:
    unit = n.unit or o.unit
    out: list[Change] = []
    if corrected:
        ident_keys = [*form.identity, *form.identity_fallback]
        diffs = [
            _field(form, k, o.get(k), n.get(k))
            for k in dict.fromkeys(ident_keys)
            if comparable(o.get(k)) != comparable(n.get(k))
        ]
        out.append(Change("corrected", unit, o, n, fields=diffs))
    delta = n.repaid - o.repaid
    if delta > 0:
        out.append(Change("repaid", unit, o, n, delta))
    ro, rn = rank(o.status), rank(n.status)
    if rn > ro:
        out.append(Change("status", unit, o, n))
    reasons: list[str] = []
    if n.remaining > o.remaining:
        reasons.append(REMAINING_UP)
    if rn < ro:
        reasons.append(STATUS_BACK)
    if n.owed != o.owed:
        reasons.append(OWED_CHANGED)
    if delta < 0:
        reasons.append(REPAID_DOWN)
    if reasons:
        out.append(Change("regression", unit, o, n, n.remaining - o.remaining, reasons=reasons))
    # A corrected identity field is already reported as the correction, not again as a change.
    explained = {f["key"] for c in out if c.kind == "corrected" for f in c.fields}
    changed = [
        _field(form, k, o.get(k), n.get(k))
        for k in KEY_FIELDS
        if k in form.by_key
        and k not in explained
        and o.get(k) != n.get(k)  # equal values need no folding to compare
        and comparable(o.get(k)) != comparable(n.get(k))
    ]
    if changed:
        out.append(Change("changed", unit, o, n, fields=changed))
    return out


def _field(form: FormSpec, key: str, old: Any, new: Any) -> dict[str, Any]:
    return {"key": key, "header": form.by_key[key].header, "old": old, "new": new}


def comparable(value: Any) -> Any:
    """Comparable form: text as a clerk reads it (full-width, spaces), everything else as is."""
    if value is None:
        return None
    if isinstance(value, str):
        return norm_key(value) or None
    return value


def _side_json(side: Side) -> dict[str, Any]:
    return {
        "paths": side.paths,
        "files": [lg.path for lg in side.ledgers],
        "cases": sum(len(lg) for lg in side.ledgers),
        "rows_with_errors": side.rows_with_errors,
        "skipped": side.skipped,
        "contact_forms": side.contacts,
        "copies": side.copies,
    }


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return amount(value)
    if value is None or isinstance(value, str | int | bool):
        return value
    return str(value)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _int(value: Any) -> int | None:
    """来源行号 as read back: a number cell, or text a person may have typed."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    try:
        number = Decimal(str(value).strip())
    except ArithmeticError:
        return None
    if not number.is_finite() or number != number.to_integral_value():
        return None
    return int(number)
