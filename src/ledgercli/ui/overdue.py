"""The terminal view of `ledger overdue`: the lapsed promises per unit and case by case."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ledgercli.model.i18n import join, message

if TYPE_CHECKING:
    from ledgercli.compare.overdue import Overdue


def _l(lang: str, key: str, **params: Any) -> str:
    return message("overdue." + key, lang, **params)


def render(o: Overdue, lang: str, limit: int) -> None:
    from rich.text import Text

    from ledgercli.model.numbers import (
        fmt_amount as amount,  # four decimals, as every amount is shown
    )
    from ledgercli.ui.console import not_reported, out
    from ledgercli.ui.diff import render_set_aside

    not_reported(o.side.not_reported, lang, out)
    render_set_aside([o.side], lang)
    checked = sum(len(lg) for lg in o.side.ledgers)
    if not o.cases:
        out.print(Text(_l(lang, "none", as_of=o.as_of), style="bold green"))
        return
    out.print(
        Text(
            _l(
                lang,
                "head",
                paths=", ".join(o.side.paths),
                as_of=o.as_of,
                n=checked,
                k=o.totals.cases,
                amount=amount(o.totals.amount),
                form=o.side.form.id,
            ),
            style="bold red",
        )
    )
    out.print()
    _units(o, lang)
    out.print()
    _cases(o, lang, limit)


def _units(o: Overdue, lang: str) -> None:
    """Per unit, largest overdue amount first, then the total."""
    from rich.table import Table
    from rich.text import Text

    from ledgercli.model.numbers import fmt_amount as amount  # as every amount is shown
    from ledgercli.ui.console import out

    out.print(Text(_l(lang, "units"), style="bold"))
    units = Table(show_header=True, header_style="bold", box=None, pad_edge=False, padding=(0, 1))
    units.add_column(_l(lang, "unit"), no_wrap=True)
    for key in ("count", "amount", "remaining_lapsed", "agreement_lapsed"):
        units.add_column(_l(lang, key), justify="right", no_wrap=True)
    units.add_column(_l(lang, "oldest"), no_wrap=True)
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
    out.print(units)


def _cases(o: Overdue, lang: str, limit: int) -> None:
    """Case by case, worst first, up to `limit` (0: all)."""
    from rich.text import Text

    from ledgercli.model.numbers import fmt_amount as amount  # as every amount is shown
    from ledgercli.ui.console import case_table, out
    from ledgercli.write.changebook import word

    out.print(Text(_l(lang, "cases"), style="bold"))
    who = (_l(lang, k) for k in ("unit", "debtor", "creditor", "contract"))
    table = case_table(*who)
    table.add_column(_l(lang, "amount"), justify="right", no_wrap=True)
    table.add_column(_l(lang, "due"), no_wrap=True)
    table.add_column(_l(lang, "late"), justify="right", no_wrap=True)
    table.add_column(_l(lang, "why"), overflow="fold")
    table.add_column(_l(lang, "where"), overflow="fold")
    shown = o.cases if limit <= 0 else o.cases[:limit]
    for oc in shown:
        c = oc.case
        where = c.place()
        if oc.row_errors:
            where = "⚠ " + where  # first: a long file name is cut at the terminal's edge
        table.add_row(
            c.unit or "—",
            str(c.get("debtor") or ""),
            str(c.get("creditor") or ""),
            str(c.get("contract") or ""),
            amount(oc.amount),
            oc.due,
            str(oc.months_late),
            join((word(lang, r) for r in oc.reasons), lang),
            where,
        )
    out.print(table)
    if len(o.cases) > len(shown):
        out.print(Text("  " + _l(lang, "more", n=len(o.cases) - len(shown)), style="dim"))
    if o.with_errors:
        out.print(Text(_l(lang, "errors", n=o.with_errors), style="yellow"))


def saved(path: Path, lang: str) -> None:
    """On stderr: where the workbook of -o was written."""
    from ledgercli.ui.console import err

    err.print(_l(lang, "saved", path=path))
