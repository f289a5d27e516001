"""The week's headline figures and their change since last week, computed by the summaries'
own code (so the headline equals annex 4's 合计), and the lapsed promises as week.json says
them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ledgercli.compare.overdue import Overdue
from ledgercli.model.forms import get_form
from ledgercli.model.ledger import Ledger
from ledgercli.model.numbers import fmt_amount
from ledgercli.summary.figures import Summary, SummaryLayout, cases_from, summarize
from ledgercli.week.report import Change, Figures, Lapsed

# How many of the longest overdue cases week.json lists (the workbook has them all).
TOP_OVERDUE = 10


def headline_layout(form_id: str) -> SummaryLayout:
    """Cases, 拖欠总金额, 清偿总金额 and 清偿率 by unit: annex 4's 总体情况 figures, by the same
    summary code (so the headline equals annex 4's 合计), for the Wuhan form too."""
    return SummaryLayout.model_validate(
        {
            "of": form_id,
            # Never asked for by `summarize --annex` nor written as a workbook: the week's own.
            "annex": "week-headline",
            "output": "",
            "sheet": "周报",
            "unit_row": "金额单位：万元",
            "header_rows": 1,
            "columns": [
                {"key": "unit", "path": ["单位"], "kind": "unit"},
                {"key": "cases", "path": ["案件数"], "kind": "count"},
                {"key": "owed", "path": ["拖欠总金额"], "kind": "amount", "measure": "owed"},
                {
                    "key": "repaid",
                    "path": ["清偿总金额"],
                    "kind": "amount",
                    "measure": "repaid_amount",
                },
                {
                    "key": "rate",
                    "path": ["清偿率（%）"],
                    "kind": "rate",
                    "ratio": ["repaid", "owed"],
                },
            ],
        }
    )


def headline_summary(ledgers: list[Ledger], form_id: str) -> Summary:
    layout = headline_layout(form_id)
    return summarize(cases_from(ledgers, layout), get_form(form_id), layout)


def figures_of(values: dict[str, Any]) -> Figures:
    rate = values.get("rate")
    return Figures(
        cases=int(values.get("cases") or 0),
        owed=fmt_amount(_dec(values.get("owed"))),
        repaid=fmt_amount(_dec(values.get("repaid"))),
        rate=None if rate is None else f"{rate:.2f}",
    )


def change_of(now: Summary, before: Summary) -> Change:
    a, b = now.total.values, before.total.values
    ra, rb = a.get("rate"), b.get("rate")
    return Change(
        cases=int(a.get("cases") or 0) - int(b.get("cases") or 0),
        owed=fmt_amount(_dec(a.get("owed")) - _dec(b.get("owed"))),
        repaid=fmt_amount(_dec(a.get("repaid")) - _dec(b.get("repaid"))),
        rate=None if ra is None or rb is None else f"{ra - rb:.2f}",
    )


def _dec(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(value or 0)


def lapsed_of(found: Overdue | None, top: int = TOP_OVERDUE) -> Lapsed | None:
    if found is None:
        return None
    return Lapsed(
        as_of=found.as_of,
        cases=found.totals.cases,
        amount=fmt_amount(found.totals.amount),
        units=[{"unit": u, **t.to_json()} for u, t in found.units],
        top=[c.to_json() for c in found.cases[:top]],
    )
