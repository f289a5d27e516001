"""Dates and months against the screening cut-off and against each other."""

from __future__ import annotations

from . import Context, RuleHits, rule


@rule(
    "due-after-cutoff",
    "warning",
    ("due_month",),
    "due_month",
)
def due_after_cutoff(ctx: Context) -> RuleHits:
    """最迟付款日期 after the screening cut-off: not yet overdue, so not arrears."""
    cutoff = ctx.params.get("cutoff")
    if not cutoff:
        return
    for i, month in enumerate(ctx.col("due_month")):
        # Months are canonical 'YYYY-MM' strings, so text order is time order.
        if month is not None and month > cutoff:
            yield i, {"value": month, "cutoff": cutoff}


@rule(
    "due-after-accepted",
    "warning",
    ("due_date", "accepted"),
    "due_date",
)
def due_after_accepted(ctx: Context) -> RuleHits:
    """Wuhan: the agreed payment date after the date the case was accepted: the debt was not
    yet due, so not overdue."""
    for i, (due, accepted) in enumerate(zip(*ctx.cols("due_date", "accepted"), strict=True)):
        if due is not None and accepted is not None and due > accepted:
            yield i, {"due": due.isoformat(), "accepted": accepted.isoformat()}
