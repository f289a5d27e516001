"""The terminal view of `ledger diff`: totals, each kind of change, the units."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ledgercli.model.i18n import message

if TYPE_CHECKING:
    from ledgercli.compare.diff import Change, Diff


def _l(lang: str, key: str, **params: Any) -> str:
    return message("diff." + key, lang, **params)


def render(d: Diff, lang: str, limit: int) -> None:
    from rich.text import Text

    from ledgercli.ui.console import out

    _head(d, lang)
    _changes(d, lang, limit)
    if d.suspects:
        _suspects(d, lang, limit)
    if len(d.units) > 1 or d.changes or d.not_reported:
        _units_table(d, lang)
    if d.alarming:
        out.print(Text(_l(lang, "alarm"), style="bold red"))


def _head(d: Diff, lang: str) -> None:
    """The two weeks compared, what was set aside, and rows with errors."""
    from rich.text import Text

    from ledgercli.ui.console import out

    t = d.totals
    out.print(
        Text(
            _l(
                lang,
                "head",
                old=", ".join(d.old.paths),
                new=", ".join(d.new.paths),
                n_old=t.cases_old,
                n_new=t.cases_new,
                form=d.form.id,
            ),
            style="bold",
        )
    )

    render_set_aside([d.old, d.new], lang)
    skipped = [*d.old.skipped, *d.new.skipped]
    if skipped:
        out.print(
            Text(_l(lang, "skipped", form=d.form.id, paths=", ".join(skipped)), style="yellow")
        )
    if d.old.rows_with_errors or d.new.rows_with_errors:
        out.print(
            Text(
                _l(lang, "errors", old=d.old.rows_with_errors, new=d.new.rows_with_errors),
                style="yellow",
            )
        )
    out.print()


def _changes(d: Diff, lang: str, limit: int) -> None:
    """Units that sent nothing, then each kind of change with its cases."""
    from rich.text import Text

    from ledgercli.model.numbers import fmt_amount as amount  # as every amount is shown
    from ledgercli.ui.console import out

    t = d.totals
    sections = [
        (
            "vanished",
            "bold red",
            dict(owed=amount(t.vanished_amount), rest=amount(t.vanished_remaining)),
        ),
        ("regression", "bold red", {}),
        ("new", "bold", dict(owed=amount(t.new_amount))),
        ("repaid", "bold green", dict(amount=amount(t.repaid))),
        ("status", "green", {}),
        ("changed", "yellow", {}),
        ("corrected", "cyan", {}),
    ]
    if d.not_reported:
        out.print(Text(_l(lang, "not_reported", n=len(d.not_reported)), style="bold red"))
        for name in d.not_reported:
            u = d.units[name]
            out.print(
                _l(
                    lang,
                    "not_reported_unit",
                    unit=name,
                    cases=u.not_reported_cases,
                    owed=amount(u.not_reported_owed),
                    rest=amount(u.not_reported_remaining),
                )
            )
        out.print()
    if not d.changes and not d.not_reported:
        out.print(Text(_l(lang, "none"), style="bold green"))
    for kind, style, params in sections:
        changes = d.of(kind)
        if not changes:
            continue
        out.print(Text(_l(lang, kind, n=len(changes), **params), style=style))
        _cases_table(changes, lang, limit)
        out.print()


def _suspects(d: Diff, lang: str, limit: int) -> None:
    """Amounts of this week that look typed in 元, by last week's figure."""
    from rich.text import Text

    from ledgercli.model.numbers import fmt_amount as amount  # as every amount is shown
    from ledgercli.ui.console import out

    if d.suspects:
        owed = sum((x.new.owed for x in d.suspects), Decimal(0))
        share = d.suspect_share()
        text = _l(lang, "suspect", n=len(d.suspects), owed=amount(owed), percent=share or "—")
        out.print(Text(text, style="yellow"))
        for x in d.suspects[: limit or None]:
            f = x.finding()
            where = f"{Path(x.new.ledger.path).name} {f.location()}"
            out.print(Text(f"  {where}: {f.message(lang)}", style="yellow"))
        out.print()


def _what(ch: Change, lang: str) -> str:
    from ledgercli.model.numbers import (
        fmt_amount as amount,  # four decimals, as every amount is shown
    )
    from ledgercli.write.changebook import status_word, word

    if ch.kind in ("new", "vanished"):
        c = ch.case
        return f"{status_word(lang, c.status)} · {_l(lang, 'remaining')} {amount(c.remaining)}"
    o, n = ch.old, ch.new
    assert o is not None and n is not None
    if ch.kind == "repaid":
        return f"+{amount(ch.amount)}  ({amount(o.repaid)} → {amount(n.repaid)})"
    if ch.kind == "status":
        return f"{status_word(lang, o.status)} → {status_word(lang, n.status)}"
    if ch.kind == "regression":
        parts = []
        for r in ch.reasons:
            if r == "remaining-up":
                parts.append(f"{word(lang, r)} {amount(o.remaining)} → {amount(n.remaining)}")
            elif r == "status-back":
                parts.append(
                    f"{word(lang, r)} {status_word(lang, o.status)} → {status_word(lang, n.status)}"
                )
            elif r == "owed-changed":
                parts.append(f"{word(lang, r)} {amount(o.owed)} → {amount(n.owed)}")
            else:
                parts.append(f"{word(lang, r)} {amount(o.repaid)} → {amount(n.repaid)}")
        return "; ".join(parts)
    return "; ".join(f"{f['header']}: {_show(f['old'])} → {_show(f['new'])}" for f in ch.fields)


def _show(value: Any) -> str:
    return "—" if value is None or value == "" else str(value)


def render_set_aside(sides: list[Any], lang: str) -> None:
    """What was read and deliberately not counted: copies of a file, contact forms."""
    from rich.text import Text

    from ledgercli.ui.console import out

    for side in sides:
        code = "identical-files@kept" if side.keep_copies else "identical-files"
        for group in side.identical:
            out.print(Text(message(code, lang, paths=" = ".join(group)), style="yellow"))
    contacts = [p for side in sides for p in side.contacts]
    if contacts:
        out.print(
            Text(message("contact-forms-skipped", lang, paths=", ".join(contacts)), style="cyan")
        )


def _where(ch: Change) -> str:
    return " → ".join(c.place() for c in (ch.old, ch.new) if c is not None)


def _cases_table(changes: list[Change], lang: str, limit: int) -> None:
    from rich.text import Text

    from ledgercli.model.numbers import (
        fmt_amount as amount,  # four decimals, as every amount is shown
    )
    from ledgercli.ui.console import case_table, out

    who = (_l(lang, k) for k in ("unit", "debtor", "creditor", "contract"))
    table = case_table(*who)
    table.add_column(_l(lang, "owed"), justify="right", no_wrap=True)
    # What changed is what the clerk reads: folded onto more lines, never cut.
    table.add_column(_l(lang, "what"), ratio=1, overflow="fold")
    table.add_column(_l(lang, "where"), no_wrap=True)
    shown = changes if limit <= 0 else changes[:limit]
    for ch in shown:
        c = ch.case
        table.add_row(
            ch.unit,
            _show(c.get("debtor")),
            _show(c.get("creditor")),
            _show(c.get("contract")),
            amount(c.owed),
            _what(ch, lang),
            _where(ch),
        )
    out.print(table)
    if len(changes) > len(shown):
        out.print(Text("  " + _l(lang, "more", n=len(changes) - len(shown)), style="dim"))


def _units_table(d: Diff, lang: str) -> None:
    from rich.table import Table
    from rich.text import Text

    from ledgercli.compare.diff import Tally
    from ledgercli.model.numbers import fmt_amount as amount
    from ledgercli.ui.console import out

    out.print(Text(_l(lang, "units"), style="bold"))
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False, padding=(0, 1))
    table.add_column(_l(lang, "unit"), no_wrap=True)
    table.add_column(_l(lang, "cases"), justify="right", no_wrap=True)
    table.add_column(_l(lang, "n_not_reported"), justify="right", no_wrap=True)
    for key in ("n_vanished", "n_regression", "n_new", "n_repaid", "n_status", "n_changed"):
        table.add_column(_l(lang, key), justify="right", no_wrap=True)
    table.add_column(_l(lang, "n_corrected"), justify="right", no_wrap=True)

    def row(name: str, t: Tally, style: str = "", missing: bool = False) -> None:
        table.add_row(
            name,
            f"{t.cases_old}→{t.cases_new}",
            Text(
                f"{t.not_reported_cases} ({amount(t.not_reported_owed)})" if missing else "",
                style="bold red" if missing else "",
            ),
            Text(
                f"{t.vanished} ({amount(t.vanished_amount)})" if t.vanished else "0",
                style="bold red" if t.vanished else "",
            ),
            Text(str(t.regressions), style="red" if t.regressions else ""),
            str(t.new),
            amount(t.repaid),
            str(t.status_moves),
            str(t.changed),
            str(t.corrected),
            style=style,
        )

    for unit, t in d.units_worst_first():
        row(unit or "—", t, missing=unit in d.not_reported)
    row(_l(lang, "total"), d.totals, "bold", missing=bool(d.not_reported))
    out.print(table)


def saved(path: Path, lang: str) -> None:
    """On stderr: where the workbook of -o was written."""
    from ledgercli.ui.console import err

    err.print(_l(lang, "saved", path=path))
