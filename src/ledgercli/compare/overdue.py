"""Promises that lapsed: cases past their agreed repayment month while money is still owed.

Inspections look for 清偿协议到期后无法落实 (repayment agreements that lapsed unpaid). A case is
overdue at an as-of month M when

- its 剩余金额约定最迟偿还时间 is a month before M and its remaining amount is > 0
  (the overdue amount is the remaining amount), or
- its 协议约定最迟偿还时间 is a month before M and the agreed amount is not yet repaid: the case
  is not 清偿完毕 and min(协议还款金额, remaining) > 0 (that is the overdue amount). The form
  keeps 协议还款金额 ≤ 拖欠金额 − repaid, so what stays in 协议还款金额 is the part of the
  agreement still unpaid.

A month equal to M is not overdue: the promise runs to the end of that month. When both dates
lapsed the case counts once, with the larger amount.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ledgercli.compare.diff import Case, Side, amount, load_side
from ledgercli.model.errors import LedgerError
from ledgercli.model.ledger import money
from ledgercli.model.options import Options
from ledgercli.model.status import CLEARED
from ledgercli.run.collector import paused
from ledgercli.run.pool import Progress

REMAINING = "remaining"  # reason: 剩余金额约定最迟偿还时间 lapsed
AGREEMENT = "agreement"  # reason: 协议约定最迟偿还时间 lapsed


@dataclass
class OverdueCase:
    case: Case
    amount: Decimal  # money owed past its promised month
    reasons: list[str]
    due: str  # the earliest lapsed month
    months_late: int

    @property
    def row_errors(self) -> int:
        """Errors `validate` finds on the case's row: its months or amounts may be wrong."""
        errors = self.case.ledger.errors
        return errors[self.case.i] if errors else 0

    def to_json(self) -> dict[str, Any]:
        c = self.case
        data = c.to_json()
        data.update(
            {
                "row_errors": self.row_errors,
                "overdue_amount": amount(self.amount),
                "reasons": list(self.reasons),
                "due": self.due,
                "months_late": self.months_late,
                "remaining_due": c.get("remaining_due"),
                "agreed": amount(money(c.get("agreed"))),
                "agreed_due": c.get("agreed_due"),
            }
        )
        return data


@dataclass
class UnitTally:
    cases: int = 0
    amount: Decimal = Decimal(0)
    remaining_lapsed: int = 0
    agreement_lapsed: int = 0
    oldest_due: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "cases": self.cases,
            "amount": amount(self.amount),
            "remaining_lapsed": self.remaining_lapsed,
            "agreement_lapsed": self.agreement_lapsed,
            "oldest_due": self.oldest_due,
        }


@dataclass
class Overdue:
    side: Side
    as_of: str
    cases: list[OverdueCase]
    totals: UnitTally
    units: list[tuple[str, UnitTally]] = field(default_factory=list)  # worst first

    @property
    def with_errors(self) -> int:
        return sum(1 for c in self.cases if c.row_errors)

    def to_json(self) -> dict[str, Any]:
        return {
            "form": self.side.form.id,
            "as_of": self.as_of,
            "paths": self.side.paths,
            "contact_forms": self.side.contacts,
            "copies": self.side.copies,
            "cases_checked": sum(len(lg) for lg in self.side.ledgers),
            "totals": self.totals.to_json(),
            "units": [{"unit": u, **t.to_json()} for u, t in self.units],
            "cases": [c.to_json() for c in self.cases],
            "overdue_with_errors": self.with_errors,
            "not_reported": self.side.not_reported,
            "exit_code": 1 if self.cases else 0,
        }


def parse_month(value: str) -> str:
    """An as-of month, written any way a month cell may be (2022-09, 2022/9, 2022年9月,
    202209, 2022-09-15), as YYYY-MM."""
    from ledgercli.read.cells import month_of

    month = month_of(value or "")
    if month is None:
        raise LedgerError("overdue-bad-month", value=value)
    return month


def current_month(today: dt.date | None = None) -> str:
    today = today or dt.date.today()
    return f"{today.year:04d}-{today.month:02d}"


def months_between(earlier: str, later: str) -> int:
    y1, m1 = map(int, earlier.split("-"))
    y2, m2 = map(int, later.split("-"))
    return (y2 - y1) * 12 + (m2 - m1)


def overdue_paths(
    paths: Iterable[Path],
    options: Options,
    as_of: str | None = None,
    progress: Progress | None = None,
) -> Overdue:
    side = load_side(paths, options, progress=progress)
    with paused():  # a case per row, none holding a cycle (run/collector.py)
        return find_overdue(side, as_of or current_month(options.today))


def find_overdue(side: Side, as_of: str) -> Overdue:
    form = side.form
    if "remaining_due" not in form.by_key and "agreed_due" not in form.by_key:
        raise LedgerError("overdue-form", form=form.id)
    found: list[OverdueCase] = []
    for c in side.cases():
        hit = check_case(c, as_of)
        if hit is not None:
            found.append(hit)
    found.sort(key=lambda o: (-o.months_late, -o.amount, o.case.unit, o.case.row))
    totals = UnitTally()
    units: dict[str, UnitTally] = defaultdict(UnitTally)
    for o in found:
        for t in (totals, units[o.case.unit]):
            t.cases += 1
            t.amount += o.amount
            t.remaining_lapsed += REMAINING in o.reasons
            t.agreement_lapsed += AGREEMENT in o.reasons
            if t.oldest_due is None or o.due < t.oldest_due:
                t.oldest_due = o.due
    worst = sorted(units.items(), key=lambda kv: (-kv[1].amount, -kv[1].cases, kv[0]))
    return Overdue(side, as_of, found, totals, worst)


def check_case(c: Case, as_of: str) -> OverdueCase | None:
    """The case's lapsed promises at `as_of`, or None. Month strings are canonical YYYY-MM."""
    reasons: list[str] = []
    amounts: list[Decimal] = []
    dues: list[str] = []
    rest = c.remaining
    due = c.get("remaining_due")
    if isinstance(due, str) and due < as_of and rest > 0:
        reasons.append(REMAINING)
        amounts.append(rest)
        dues.append(due)
    due = c.get("agreed_due")
    unpaid = min(money(c.get("agreed")), rest)
    if isinstance(due, str) and due < as_of and c.status != CLEARED and unpaid > 0:
        reasons.append(AGREEMENT)
        amounts.append(unpaid)
        dues.append(due)
    if not reasons:
        return None
    first = min(dues)
    return OverdueCase(c, max(amounts), reasons, first, months_between(first, as_of))
