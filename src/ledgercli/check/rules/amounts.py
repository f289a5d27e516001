"""Amounts that must agree with each other (annex 2 instructions and SPEC.md)."""

from __future__ import annotations

from decimal import Decimal

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
    for i, (owed, contract) in enumerate(zip(*ctx.cols("owed", "contract_amount"), strict=True)):
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
    for i, (owed, cleared) in enumerate(zip(*ctx.cols("owed", "cleared"), strict=True)):
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
    for i, (owed, repaid) in enumerate(zip(*ctx.cols("owed", "repaid"), strict=True)):
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
    n = len(ctx.col("owed"))
    cleared = ctx.values.get("cleared", [None] * n)
    repaid = ctx.values.get("repaid", [None] * n)
    for i, (owed, rem, c, r) in enumerate(
        zip(ctx.col("owed"), ctx.col("remaining"), cleared, repaid, strict=True)
    ):
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
    n = len(ctx.col("owed"))
    cleared = ctx.values.get("cleared", [None] * n)
    repaid = ctx.values.get("repaid", [None] * n)
    for i, (owed, agreed, c, r) in enumerate(
        zip(ctx.col("owed"), ctx.col("agreed"), cleared, repaid, strict=True)
    ):
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
    for i, (owed, judicial) in enumerate(zip(*ctx.cols("owed", "judicial"), strict=True)):
        if owed is not None and isinstance(judicial, Decimal) and exceeds(judicial, owed):
            yield i, {"judicial": fmt(judicial), "owed": fmt(owed)}


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
