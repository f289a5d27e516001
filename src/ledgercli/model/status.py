"""A case's resolution status and repaid amount, defined once (SPEC.md, cq-annex2).

Summaries, diff and overdue all read these two functions, so that "部分清偿" or "repaid" can
never mean two things in two tables.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ledgercli.model.i18n import message
from ledgercli.model.ledger import Ledger, money, moneys

CLEARED = "清偿完毕"
PARTIAL = "部分清偿"
AGREEMENT = "协议还款"
UNRESOLVED = "未化解"
_ZERO = Decimal(0)

# From least to most resolved: a move to a later entry is progress, to an earlier a regression.
STATUSES = (UNRESOLVED, AGREEMENT, PARTIAL, CLEARED)

# The Wuhan ledger states the status in words (办理情况) rather than through amount columns.
_PROGRESS_WORDS = {
    "已清偿完毕": CLEARED,
    "已部分清偿": PARTIAL,
    "已达成还款协议": AGREEMENT,
    "正在沟通办理": UNRESOLVED,
}

# Each status's code in the message catalogue (`status.cleared`: 清偿完毕 / paid in full).
_STATUS_CODES = {
    CLEARED: "cleared",
    PARTIAL: "partial",
    AGREEMENT: "agreement",
    UNRESOLVED: "unresolved",
}


def status_said(st: str | None, lang: str) -> str:
    """A status as a reader of `lang` says it ("" for none; an unknown one as written)."""
    if st is None:
        return ""
    code = _STATUS_CODES.get(st)
    return message(f"status.{code}", lang) if code else st


def _amount_columns(ledger: Ledger) -> bool:
    return any(k in ledger.values for k in ("cleared", "repaid", "agreed"))


def status_of(cleared: Any, repaid: Any, agreed: Any) -> str:
    """The first that holds: 清偿完毕 (清偿完毕金额 > 0), 部分清偿 (已偿还金额 > 0),
    协议还款 (协议还款金额 > 0), else 未化解. Blank or unreadable amounts count as 0."""
    if money(cleared) > 0:
        return CLEARED
    if money(repaid) > 0:
        return PARTIAL
    if money(agreed) > 0:
        return AGREEMENT
    return UNRESOLVED


def status(ledger: Ledger, i: int) -> str:
    """The resolution status of row i (see `status_of`).

    A form without those amount columns (Wuhan) states it in 办理情况; blank there is 未化解.
    """
    if _amount_columns(ledger):
        return status_of(ledger.get("cleared", i), ledger.get("repaid", i), ledger.get("agreed", i))
    word = ledger.get("progress", i)
    return _PROGRESS_WORDS.get(word, UNRESOLVED) if isinstance(word, str) else UNRESOLVED


def statuses_and_repaid(ledger: Ledger) -> tuple[list[str], list[Decimal]]:
    """Every row's status and repaid amount at once: the same definitions as `status` and
    `repaid`, read column-wise for the summaries of a million rows."""
    n = len(ledger)
    if not _amount_columns(ledger):
        pairs = [(status(ledger, i), repaid(ledger, i)) for i in range(n)]
        return [p[0] for p in pairs], [p[1] for p in pairs]
    zeros: list[Decimal] = [_ZERO] * n
    cleared, repaid_, agreed = (
        moneys(ledger.values[k]) if k in ledger.values else zeros
        for k in ("cleared", "repaid", "agreed")
    )
    # `status_of` inline: a million calls of it (and of `money`, three each) cost more than
    # the comparisons.
    states = [
        CLEARED if c > 0 else PARTIAL if r > 0 else AGREEMENT if a > 0 else UNRESOLVED
        for c, r, a in zip(cleared, repaid_, agreed, strict=True)
    ]
    paid = [
        c if st is CLEARED else r if st is PARTIAL else _ZERO
        for st, c, r in zip(states, cleared, repaid_, strict=True)
    ]
    return states, paid


def repaid(ledger: Ledger, i: int) -> Decimal:
    """清偿完毕金额 for 清偿完毕, 已偿还金额 for 部分清偿, else 0 (SPEC.md).

    The Wuhan ledger records no repaid amounts: a case 已清偿完毕 there repaid its whole
    拖欠金额, and any other case counts 0 because the part repaid is not written down.
    """
    st = status(ledger, i)
    if _amount_columns(ledger):
        if st == CLEARED:
            return money(ledger.get("cleared", i))
        if st == PARTIAL:
            return money(ledger.get("repaid", i))
        return Decimal(0)
    return money(ledger.get("owed", i)) if st == CLEARED else Decimal(0)


def rank(st: str) -> int:
    """Position of a status on the way to 清偿完毕 (0 = 未化解)."""
    return STATUSES.index(st) if st in STATUSES else 0


def remaining(ledger: Ledger, i: int) -> Decimal:
    """剩余金额 as written; when blank (or the form has no such column), 拖欠金额 − repaid.

    The written value wins because it is what the unit reported; the validator already flags
    a 剩余金额 that disagrees with the other amounts.
    """
    written = ledger.get("remaining", i)
    if isinstance(written, Decimal):
        return written
    owed = money(ledger.get("owed", i))
    if _amount_columns(ledger):
        rest = owed - money(ledger.get("cleared", i)) - money(ledger.get("repaid", i))
    else:
        rest = owed - repaid(ledger, i)
    return max(rest, Decimal(0))


def remainings(ledger: Ledger, owed: list[Decimal], paid: list[Decimal]) -> list[Decimal]:
    """`remaining` of every row, column-wise: 剩余金额 as written, else what `remaining`
    computes from `owed` (拖欠金额) and `paid` (the repaid amounts of `statuses_and_repaid`)."""
    n = len(ledger)
    written = ledger.values.get("remaining") or [None] * n
    zero = Decimal(0)
    if _amount_columns(ledger):
        cleared = ledger.values.get("cleared") or [None] * n
        repaid_col = ledger.values.get("repaid") or [None] * n
        return [
            w if type(w) is Decimal else max(o - money(c) - money(r), zero)
            for w, o, c, r in zip(written, owed, cleared, repaid_col, strict=True)
        ]
    return [
        w if type(w) is Decimal else max(o - p, zero)
        for w, o, p in zip(written, owed, paid, strict=True)
    ]
