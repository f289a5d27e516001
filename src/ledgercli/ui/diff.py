"""The terminal view of `ledger diff`: the two weeks, the units that sent nothing, each kind of
change case by case (a case on two lines; one unit's cases changed alike are one item), and
the units side by side."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text

from ledgercli.compare.diff import OWED_CHANGED, REMAINING_UP, REPAID_DOWN, STATUS_BACK
from ledgercli.model.i18n import message
from ledgercli.model.numbers import fmt_amount as amount  # four decimals, as every amount
from ledgercli.model.report import one_cause
from ledgercli.ui import console
from ledgercli.ui.console import (
    Grid,
    beside,
    case_head,
    first_places,
    group_message,
    item,
    para,
    places,
)

if TYPE_CHECKING:
    from ledgercli.compare.diff import Change, Diff


def _l(lang: str, key: str, **params: Any) -> str:
    return message("diff." + key, lang, **params)


def render(d: Diff, lang: str, limit: int, verbose: bool = False) -> None:
    _head(d, lang)
    _changes(d, lang, limit, verbose)
    if d.suspects:
        _suspects(d, lang, limit, verbose)
    if len(d.units) > 1 or d.changes or d.not_reported:
        _units_table(d, lang)
    if d.alarming:
        para(_l(lang, "alarm"), style="bold red")


def _head(d: Diff, lang: str) -> None:
    """The two weeks compared, what was set aside, and rows with errors."""
    t = d.totals
    text = _l(
        lang,
        "head",
        old=", ".join(d.old.paths),
        new=", ".join(d.new.paths),
        n_old=t.cases_old,
        n_new=t.cases_new,
        form=d.form.id,
    )
    para(text, style="bold")
    render_set_aside([d.old, d.new], lang)
    skipped = [*d.old.skipped, *d.new.skipped]
    if skipped:
        para(_l(lang, "skipped", form=d.form.id, paths=", ".join(skipped)), style="yellow")
    if d.old.rows_with_errors or d.new.rows_with_errors:
        text = _l(lang, "errors", old=d.old.rows_with_errors, new=d.new.rows_with_errors)
        para(text, style="yellow")
    console.out.print()


def _changes(d: Diff, lang: str, limit: int, verbose: bool) -> None:
    """Units that sent nothing, then each kind of change with its cases."""
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
        para(_l(lang, "not_reported", n=len(d.not_reported)), style="bold red")
        for name in d.not_reported:
            u = d.units[name]
            text = _l(
                lang,
                "not_reported_unit",
                unit=name,
                cases=u.not_reported_cases,
                owed=amount(u.not_reported_owed),
                rest=amount(u.not_reported_remaining),
            )
            para(text, hang=4)
        console.out.print()
    if not d.changes and not d.not_reported:
        para(_l(lang, "none"), style="bold green")
    for kind, style, params in sections:
        changes = d.of(kind)
        if not changes:
            continue
        para(_l(lang, kind, n=len(changes), **params), style=style)
        _cases(changes, lang, limit, verbose)
        console.out.print()


def _suspects(d: Diff, lang: str, limit: int, verbose: bool) -> None:
    """Amounts of this week that look typed in 元, by last week's figure."""
    owed = sum((x.new.owed for x in d.suspects), Decimal(0))
    share = d.suspect_share()
    text = _l(lang, "suspect", n=len(d.suspects), owed=amount(owed), percent=share or "—")
    para(text, style="yellow")
    # A unit whose amounts were typed in 元 this week is one cause: its cases are one item.
    groups = (
        [[x] for x in d.suspects]
        if verbose
        else one_cause(d.suspects, lambda x: (x.new.unit, x.new.ledger.path))
    )
    shown = groups if verbose or limit <= 0 else groups[:limit]
    for group in shown:
        x = group[0]
        findings = [y.finding() for y in group]
        where = [Path(x.new.ledger.path).name, places(findings)]
        if len(group) > 1:
            where.insert(0, f"×{len(group)}")
        figure = amount(sum((y.new.owed for y in group), Decimal(0)))
        item(case_head(x.new.unit, *where), group_message(findings, lang), right=figure)
    _more(len(groups), len(shown), lang)
    console.out.print()


def _what(ch: Change, lang: str) -> str:
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
    for side in sides:
        code = "identical-files@kept" if side.keep_copies else "identical-files"
        for group in side.identical:
            para(message(code, lang, paths=" = ".join(group)), style="yellow")
    contacts = [p for side in sides for p in side.contacts]
    if contacts:
        para(message("contact-forms-skipped", lang, paths=", ".join(contacts)), style="cyan")


def _where(ch: Change) -> str:
    """Where the case is; both weeks' places when it moved (file, sheet or row)."""
    places = list(dict.fromkeys(c.place() for c in (ch.old, ch.new) if c is not None))
    return " → ".join(places)


def _cause(ch: Change) -> tuple[str, ...] | None:
    """Changes of one unit alike have one cause: its amounts typed in 元 this week (the same
    main regression on many cases), a column rewritten on every row (the same fields
    changed); a unit's repayments and status moves are said together too. A case that
    vanished or is new is said on its own."""
    if ch.kind == "regression":
        main = next(
            r for r in (OWED_CHANGED, STATUS_BACK, REMAINING_UP, REPAID_DOWN) if r in ch.reasons
        )
        return (ch.unit, main)
    if ch.kind in ("changed", "corrected"):
        return (ch.unit, *(f["key"] for f in ch.fields))
    if ch.kind in ("repaid", "status"):
        return (ch.unit,)
    return None


def _rows_of(cases: list[Any]) -> str:
    """The places of a group of cases: `附件2-三角镇.xlsx:3、4、5…` when they are in one
    file, else each `file:row`; as many as two lines hold."""
    files = {c.ledger.path for c in cases}
    width = 2 * console.out.width - 16
    if len(files) == 1 and not any(c.source()[0] for c in cases):
        name = Path(cases[0].ledger.path).name
        return f"{name}:" + first_places([c.ledger.place(c.i) for c in cases], width)
    return first_places([c.place() for c in cases], width, "; ")


def _cases(changes: list[Change], lang: str, limit: int, verbose: bool) -> None:
    """Each case on two lines: unit, debtor, creditor and contract as far as they fit, with
    the amount owed at the end; then what changed and where. Changes of one cause are one
    item: the unit ×count, what changed, the first places and the first change."""
    from ledgercli.write.changebook import word

    groups = [[ch] for ch in changes] if verbose else one_cause(changes, _cause)
    shown = groups if verbose or limit <= 0 else groups[:limit]
    owed = [amount(sum((x.case.owed for x in g), Decimal(0))) for g in shown]
    width = max(map(len, owed), default=0)  # the amounts in one column
    for group, total in zip(shown, owed, strict=True):
        ch = group[0]
        c = ch.case
        if len(group) == 1:
            head = case_head(ch.unit, *(c.get(k) for k in ("debtor", "creditor", "contract")))
            item(head, beside(_what(ch, lang), _where(ch)), right=total.rjust(width))
            continue
        cause = _cause(ch) or ()
        what = [word(lang, r) for r in cause[1:2] if ch.kind == "regression"]
        what += [f["header"] for f in ch.fields]
        head = case_head(ch.unit, f"×{len(group)}", "、".join(what))
        places = _rows_of([x.case for x in group])
        first = message("screen.shown-first", lang, where=_where(ch), text=_what(ch, lang))
        item(head, f"{places}\n{first}", right=total.rjust(width))
    _more(len(groups), len(shown), lang)


def _more(total: int, shown: int, lang: str) -> None:
    if total > shown:
        para(_l(lang, "more", n=total - shown), style="dim", indent=2)


def _units_table(d: Diff, lang: str) -> None:
    """Per unit, worst first: cases last week → this week, then each kind of change that
    happened anywhere (a kind that happened nowhere would be a column of zeros)."""
    from ledgercli.compare.diff import Tally

    para(_l(lang, "units"), style="bold")
    figures: list[tuple[str, Callable[[Tally, bool], int | Decimal]]] = [
        ("n_not_reported", lambda x, missing: x.not_reported_cases if missing else 0),
        ("n_vanished", lambda x, _: x.vanished),
        ("n_regression", lambda x, _: x.regressions),
        ("n_new", lambda x, _: x.new),
        ("n_repaid", lambda x, _: x.repaid),
        ("n_status", lambda x, _: x.status_moves),
        ("n_changed", lambda x, _: x.changed),
        ("n_corrected", lambda x, _: x.corrected),
    ]
    figures = [(k, f) for k, f in figures if f(d.totals, bool(d.not_reported))]
    table = Grid(
        (_l(lang, "unit"), "left"),
        (_l(lang, "cases"), "right"),
        *((_l(lang, k), "right") for k, _ in figures),
        fold=(0,),
    )
    styles = {"n_not_reported": "bold red", "n_vanished": "bold red", "n_regression": "red"}

    def row(name: str, x: Tally, missing: bool, style: str = "") -> None:
        cells = []
        for k, f in figures:
            v = f(x, missing)
            text = amount(v) if isinstance(v, Decimal) else str(v)
            cells.append(Text(text, style=styles.get(k, "") if v else ""))
        table.add_row(name, f"{x.cases_old}→{x.cases_new}", *cells, style=style)

    for unit, x in d.units_worst_first():
        row(unit or "—", x, unit in d.not_reported)
    row(_l(lang, "total"), d.totals, bool(d.not_reported), "bold")
    table.print()


def saved(path: Path, lang: str) -> None:
    """On stderr: where the workbook of -o was written."""
    para(_l(lang, "saved", path=path), console.err)
