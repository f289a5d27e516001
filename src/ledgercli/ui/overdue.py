"""The terminal view of `ledger overdue`: the lapsed promises per unit and case by case."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ledgercli.model.i18n import join, message
from ledgercli.model.numbers import fmt_amount as amount  # four decimals, as every amount
from ledgercli.ui import console
from ledgercli.ui.console import Grid, beside, case_head, item, para

if TYPE_CHECKING:
    from ledgercli.compare.overdue import Overdue


def _l(lang: str, key: str, **params: Any) -> str:
    return message("overdue." + key, lang, **params)


def render(o: Overdue, lang: str, limit: int, verbose: bool = False) -> None:
    from ledgercli.ui.diff import render_set_aside

    console.not_reported(o.side.not_reported, lang, console.out)
    render_set_aside([o.side], lang)
    checked = sum(len(lg) for lg in o.side.ledgers)
    if not o.cases:
        para(_l(lang, "none", as_of=o.as_of), style="bold green")
        return
    text = _l(
        lang,
        "head",
        paths=", ".join(o.side.paths),
        as_of=o.as_of,
        n=checked,
        k=o.totals.cases,
        amount=amount(o.totals.amount),
        form=o.side.form.id,
    )
    para(text, style="bold red")
    console.out.print()
    _units(o, lang)
    console.out.print()
    _cases(o, lang, 0 if verbose else limit)


def _units(o: Overdue, lang: str) -> None:
    """Per unit, largest overdue amount first, then the total."""
    para(_l(lang, "units"), style="bold")
    heads = ("count", "amount", "remaining_lapsed", "agreement_lapsed", "oldest")
    units = Grid((_l(lang, "unit"), "left"), *((_l(lang, k), "right") for k in heads), fold=(0,))
    for name, t in [*o.units, (_l(lang, "total"), o.totals)]:
        units.add_row(
            name or "—",
            str(t.cases),
            amount(t.amount),
            str(t.remaining_lapsed),
            str(t.agreement_lapsed),
            t.oldest_due or "",
            style="bold" if t is o.totals else "",
        )
    units.print()


def _cases(o: Overdue, lang: str, limit: int) -> None:
    """Case by case, worst first, up to `limit` (0: all): unit, debtor, creditor and contract
    as far as they fit, the amount at the end; then when it fell due, how late, why, where."""
    from ledgercli.write.changebook import word

    para(_l(lang, "cases"), style="bold")
    shown = o.cases if limit <= 0 else o.cases[:limit]
    amounts = [amount(oc.amount) for oc in shown]
    width = max(map(len, amounts), default=0)
    for oc, figure in zip(shown, amounts, strict=True):
        c = oc.case
        head = case_head(c.unit, *(c.get(k) for k in ("debtor", "creditor", "contract")))
        why = join((word(lang, r) for r in oc.reasons), lang)
        when = f"{_l(lang, 'due')} {oc.due} · {_l(lang, 'late')} {oc.months_late} · {why}"
        where = ("⚠ " if oc.row_errors else "") + c.place()
        item(head, beside(when, where), right=figure.rjust(width))
    if len(o.cases) > len(shown):
        para(_l(lang, "more", n=len(o.cases) - len(shown)), style="dim", indent=2)
    if o.with_errors:
        para(_l(lang, "errors", n=o.with_errors), style="yellow")


def saved(path: Path, lang: str) -> None:
    """On stderr: where the workbook of -o was written."""
    para(_l(lang, "saved", path=path), console.err)
