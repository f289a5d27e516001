"""Who owes whom."""

from __future__ import annotations

from . import Context, RuleHits, rule


@rule(
    "debtor-is-creditor",
    "error",
    ("debtor_code", "creditor_code"),
    "creditor_code",
)
def debtor_is_creditor(ctx: Context) -> RuleHits:
    """A unit cannot be in arrears to itself."""
    for i, (d, c) in enumerate(zip(*ctx.cols("debtor_code", "creditor_code"), strict=True)):
        if d and d == c:
            yield i, {}
