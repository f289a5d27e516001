"""Who owes whom."""

from __future__ import annotations

from itertools import compress
from operator import eq

from . import Context, RuleHits, rule


@rule(
    "debtor-is-creditor",
    "error",
    ("debtor_code", "creditor_code"),
    "creditor_code",
)
def debtor_is_creditor(ctx: Context) -> RuleHits:
    """A unit cannot be in arrears to itself."""
    debtors, creditors = ctx.cols("debtor_code", "creditor_code")
    # The rows whose two codes are equal are found in C (blank ones among them).
    for i in compress(range(len(debtors)), map(eq, debtors, creditors)):
        d = debtors[i]
        if d and d == creditors[i]:
            yield i, {}
