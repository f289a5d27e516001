"""The terminal view of `ledger week`: the week on one screen (at most 40 lines at 80 columns).

What came in, what goes back to whom, the figures and their change, who sent nothing, the
alarms and the cautions; the whole is in 周报.html and week.json.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from ledgercli.model.i18n import join, message
from ledgercli.model.numbers import grouped, signed
from ledgercli.week.outdir import RETURNS
from ledgercli.week.report import WeekReport

Line = Callable[..., None]
# How many returned files and cautions the screen names (the rest: the index, the page).
SHOWN_RETURNED = 6
SHOWN_CAUTIONS = 4


def render(report: WeekReport, lang: str, console: Console | None = None) -> None:
    """`ledger week` on one screen."""
    from ledgercli.ui.console import out

    c = console or out

    def line(text: str, style: str = "", lines: int = 1) -> None:
        # At most `lines` screen lines each: what does not fit is cut with … (the whole is in
        # 周报.html and week.json), so the screen stays one screen.
        for part in screen_lines(text, c.width, lines):
            c.print(Text(part, style=style), overflow="ellipsis", no_wrap=True, crop=True)

    r = report
    line(message("week-line-head", lang, inbox=r.inbox, outdir=r.outdir), "bold")
    rest = ""
    if r.received.skipped:
        rest += message("week-line-skipped", lang, n=len(r.received.skipped))
    if r.received.unreadable:
        rest += message("week-line-unreadable", lang, n=len(r.received.unreadable))
    line(message("week-line-received", lang, **r.received.model_dump(), rest=rest))
    _returned(r, lang, line)
    _figures(r, lang, line)
    if r.not_reported:
        names = join(r.not_reported, lang)
        line(message("not-reported", lang, n=len(r.not_reported), units=names), "bold red")
    _changes(r, lang, line)
    if r.overdue is not None:
        o = r.overdue
        text = message(
            "week-line-overdue", lang, as_of=o.as_of, cases=o.cases, amount=grouped(o.amount)
        )
        line(text, "bold red" if o.cases else "")
    if r.cautions:
        line(message("week-line-cautions", lang), "yellow")
        for caution in r.cautions[:SHOWN_CAUTIONS]:
            line(f"  {caution.message}", "yellow", 2)
        if len(r.cautions) > SHOWN_CAUTIONS:
            more = len(r.cautions) - SHOWN_CAUTIONS
            line(message("week-line-more-cautions", lang, n=more), "yellow")
    written = [*_outputs(r), *r.outputs.marked_copies]
    first = Path(written[0]).name
    line(message("week-line-written", lang, outdir=r.outdir, first=first, n=len(written)), "green")
    _verdict(r, lang, line)


def screen_lines(text: str, width: int, lines: int) -> list[str]:
    """`text` broken into at most `lines` lines of `width` terminal cells (a Chinese
    character takes two); the last one ends in … when something was left out."""
    out: list[str] = []
    current = ""
    for n, ch in enumerate(text):
        if cell_len(current + ch) > width:
            if len(out) == lines - 1:
                room = width - 1
                while current and cell_len(current) > room:
                    current = current[:-1]
                return [*out, current + "…"] if n < len(text) else [*out, current]
            out.append(current)
            current = ch if ch != " " else ""
        else:
            current += ch
    return [*out, current]


def _outputs(r: WeekReport) -> list[str]:
    o = r.outputs
    found = [o.html, o.json_, o.city, o.annex3, o.annex4, o.wuhan, o.changes, o.overdue, o.index]
    return [p for p in found if p]


def _returned(r: WeekReport, lang: str, line: Line) -> None:
    if not r.returned:
        line(message("week-line-none-returned", lang), "green")
        return
    folder = str(Path(r.outdir) / RETURNS)
    index = Path(r.outputs.index).name
    line(message("week-line-returned", lang, n=len(r.returned), folder=folder, index=index), "bold")
    shown = r.returned[:SHOWN_RETURNED]
    for x in shown:
        file = Path(x.file).name
        unit = x.unit or "—"
        if x.unreadable:
            line(message("week-line-unreadable-row", lang, unit=unit, file=file), "red")
            continue
        contact = " ".join(v for v in (x.person, x.phone) if v)
        text = message(
            "week-line-returned-row", lang, unit=unit, file=file, errors=x.errors, contact=contact
        )
        line(text.rstrip(), "red")
    if len(r.returned) > len(shown):
        line(message("week-line-more", lang, n=len(r.returned) - len(shown), index=index), "dim")


def _figures(r: WeekReport, lang: str, line: Line) -> None:
    ch = r.change
    line(message("week-line-figures", lang, vs=message("week-line-vs", lang) if ch else ""))
    h = r.headline

    def delta(value: str | int | None, amount: bool = False, unit: str = "") -> str:
        if ch is None:
            return ""
        return message("week-line-delta", lang, change=signed(value, amount) + unit)

    points = message("week-line-points", lang)
    rate = h.rate if h.rate is not None else "—"
    line(message("week-line-cases", lang, value=h.cases, change=delta(ch.cases if ch else None)))
    owed = grouped(h.owed)
    line(message("week-line-owed", lang, value=owed, change=delta(ch.owed if ch else None, True)))
    repaid = grouped(h.repaid)
    line(
        message(
            "week-line-repaid", lang, value=repaid, change=delta(ch.repaid if ch else None, True)
        )
    )
    line(
        message(
            "week-line-rate", lang, value=rate, change=delta(ch.rate if ch else None, unit=points)
        )
    )


def _changes(r: WeekReport, lang: str, line: Line) -> None:
    if r.changes is None:
        line(message("week-line-no-last", lang), "dim")
        return
    t = r.changes.totals
    bad = bool(r.changes.vanished or r.changes.regressions)
    text = message(
        "week-line-changes",
        lang,
        vanished=t["vanished"],
        vanished_amount=grouped(t["vanished_amount"]),
        regressions=t["regressions"],
        new=t["new"],
        repaid=grouped(t["repaid"]),
    )
    line(text, "bold red" if bad else "", 2)


def _verdict(r: WeekReport, lang: str, line: Line) -> None:
    what = []
    if r.received.unreadable:
        what.append(message("week-alarm-unreadable", lang, n=len(r.received.unreadable)))
    if r.returned:
        what.append(message("week-alarm-returned", lang, n=len(r.returned)))
    for key, n in r.alarms.items():
        if n:
            what.append(message(f"week-alarm-{key}", lang, n=n))
    if what:
        alarm = message("week-line-alarm", lang, what=join(what, lang), exit=r.exit_code)
        line(alarm, "bold red", 2)
    else:
        line(message("week-line-quiet", lang), "bold green")
