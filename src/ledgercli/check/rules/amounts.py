"""Amounts that must agree with each other (annex 2 instructions and SPEC.md)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from itertools import compress, repeat
from operator import and_, eq, gt, is_not, not_

from ledgercli.model.numbers import plain as fmt

from . import Context, RuleHits, exceeds, q, rule, same

ZERO = Decimal(0)


@rule(
    "owed-exceeds-contract",
    "warning",
    ("owed", "contract_amount"),
    "owed",
)
def owed_exceeds_contract(ctx: Context) -> RuleHits:
    """拖欠金额 larger than 合同金额: possible, but usually a typo."""
    owed_col, contract_col = ctx.cols("owed", "contract_amount")
    both = list(compress(range(len(owed_col)), map(and_, _filled(owed_col), _filled(contract_col))))
    # The comparison over every row with both amounts is made in C; a row over it is looked at.
    larger = map(gt, map(owed_col.__getitem__, both), map(contract_col.__getitem__, both))
    for i in compress(both, larger):
        owed, contract = owed_col[i], contract_col[i]
        if owed is not None and contract is not None and contract > 0 and owed > contract:
            yield i, {"owed": fmt(owed), "contract": fmt(contract)}


@rule(
    "cleared-not-owed",
    "error",
    ("owed", "cleared"),
    "cleared",
)
def cleared_not_owed(ctx: Context) -> RuleHits:
    """清偿完毕金额, when filled, is the whole debt."""
    owed_col, cleared_col = ctx.cols("owed", "cleared")
    for i in _truthy(cleared_col):
        owed, cleared = owed_col[i], cleared_col[i]
        if owed is not None and cleared and not same(cleared, owed):
            yield i, {"cleared": fmt(cleared), "owed": fmt(owed)}


@rule(
    "repaid-not-less",
    "error",
    ("owed", "repaid"),
    "repaid",
)
def repaid_not_less(ctx: Context) -> RuleHits:
    """已偿还金额 is a partial repayment, so less than 拖欠金额."""
    owed_col, repaid_col = ctx.cols("owed", "repaid")
    for i in _truthy(repaid_col):
        owed, repaid = owed_col[i], repaid_col[i]
        if owed is not None and repaid and not exceeds(owed, repaid):
            yield i, {"repaid": fmt(repaid), "owed": fmt(owed)}


def _paid(cleared: Decimal | None, repaid: Decimal | None) -> Decimal:
    return (cleared or ZERO) + (repaid or ZERO)


@rule(
    "remaining-mismatch",
    "error",
    ("owed", "remaining"),
    "remaining",
)
def remaining_mismatch(ctx: Context) -> RuleHits:
    """剩余金额 = 拖欠金额 − (清偿完毕金额 + 已偿还金额), to 0.0001 万元."""
    owed_col, rem_col = ctx.cols("owed", "remaining")
    n = len(owed_col)
    cleared = ctx.values.get("cleared", [None] * n)
    repaid = ctx.values.get("repaid", [None] * n)
    # Most rows owe what they owed, nothing paid: 剩余金额 equal to 拖欠金额 agrees. Those are
    # found in C; the others are computed.
    unpaid = map(and_, map(not_, cleared), map(not_, repaid))
    agree = map(and_, map(eq, rem_col, owed_col), unpaid)
    for i in compress(range(n), map(not_, agree)):
        owed, rem, c, r = owed_col[i], rem_col[i], cleared[i], repaid[i]
        if owed is None or rem is None:
            continue
        expected = owed - _paid(c, r)
        if not same(rem, expected):
            yield i, {"expected": fmt(q(expected)), "value": fmt(rem)}


@rule(
    "agreement-exceeds-balance",
    "error",
    ("owed", "agreed"),
    "agreed",
)
def agreement_exceeds_balance(ctx: Context) -> RuleHits:
    """协议还款金额 covers at most what is still owed."""
    owed_col, agreed_col = ctx.cols("owed", "agreed")
    n = len(owed_col)
    cleared = ctx.values.get("cleared", [None] * n)
    repaid = ctx.values.get("repaid", [None] * n)
    for i in _truthy(agreed_col):
        owed, agreed, c, r = owed_col[i], agreed_col[i], cleared[i], repaid[i]
        if owed is None or not agreed:
            continue
        balance = owed - _paid(c, r)
        if exceeds(agreed, balance):
            yield i, {"agreed": fmt(agreed), "balance": fmt(q(balance))}


@rule(
    "judicial-exceeds-owed",
    "error",
    ("owed", "judicial"),
    "judicial",
)
def judicial_exceeds_owed(ctx: Context) -> RuleHits:
    """进入司法程序的金额 is part of the debt."""
    owed_col, judicial_col = ctx.cols("owed", "judicial")
    for i in compress(range(len(judicial_col)), _filled(judicial_col)):
        owed, judicial = owed_col[i], judicial_col[i]
        if owed is not None and isinstance(judicial, Decimal) and exceeds(judicial, owed):
            yield i, {"judicial": fmt(judicial), "owed": fmt(owed)}


def _filled(column: list[Decimal | None]) -> Iterator[bool]:
    return map(is_not, column, repeat(None))


def _truthy(column: list[Decimal | None]) -> Iterator[int]:
    """The rows holding an amount other than 0: the only ones a rule on a filled-in amount
    (清偿完毕金额, 已偿还金额, 协议还款金额) can find wrong. Found in C, so a ledger whose rows
    leave it blank costs no loop."""
    return compress(range(len(column)), column)


BREAKDOWN = ("owed_works", "owed_goods", "owed_debt", "owed_other")


@rule(
    "breakdown-mismatch",
    "error",
    ("owed",),
    "owed",
)
def breakdown_mismatch(ctx: Context) -> RuleHits:
    """Wuhan: the four amounts by kind of debt add up to 拖欠金额 (a warning when all four are
    blank)."""
    parts = [ctx.values[k] for k in BREAKDOWN if k in ctx.values]
    if not parts:
        return
    for i, owed in enumerate(ctx.col("owed")):
        if owed is None:
            continue
        vals = [p[i] for p in parts]
        if all(v is None for v in vals):
            yield i, {"total": "0", "owed": fmt(owed), "_severity": "warning"}
            continue
        total = sum((v for v in vals if v is not None), ZERO)
        if not same(total, owed):
            yield i, {"total": fmt(total), "owed": fmt(owed)}
