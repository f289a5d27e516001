"""The terminal view of `ledger summarize`: what was set aside, the caveats, the table in
blocks that fit the terminal, and the differences of a reported table."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ledgercli.model.i18n import Words, message

if TYPE_CHECKING:
    from ledgercli.summary.pipeline import SummaryRun


def notices(run: SummaryRun, lang: str, console: Any) -> None:
    """On stderr: what was read and not counted, units that sent nothing, the caveats."""
    from ledgercli.ui.console import not_reported

    report = run.report
    copies = "identical-files@kept" if run.keep_copies else "identical-files"
    for group in report.identical:
        _warn(console, message(copies, lang, paths=" = ".join(group)))
    for code, paths in (
        ("merged-skipped", report.skipped_merged),
        ("summaries-skipped", report.skipped_summaries),
        ("contact-forms-skipped", run.contacts),
    ):
        if paths:
            console.print(message(code, lang, paths=", ".join(paths)), style="cyan")
    not_reported(report.not_reported, lang, console)
    unreadable = run.unreadable
    if unreadable:
        text = message(
            "summary-unreadable", lang, count=len(unreadable), files=", ".join(unreadable)
        )
        _warn(console, text)
    if run.skipped_forms:
        names = ", ".join(Path(p).name for p in run.skipped_forms)
        form = run.summary.layout.of
        text = message(
            "summary-skipped-forms", lang, count=len(run.skipped_forms), form=form, files=names
        )
        console.print(text, style="cyan")
    for caveat in run.summary.caveats:
        _warn(console, caveat.message(lang))


def render(run: SummaryRun, lang: str, console: Any) -> None:
    """The table, then what --check found."""
    _render(run.summary, console)
    diffs = run.differences
    if diffs is not None:
        skipped = run.not_compared
        if skipped:
            text = message("check-not-compared", lang, n=len(skipped), units="、".join(skipped))
            console.print(text, style="dim")
        _render_diffs(diffs, len(run.summary.rows) - len(skipped), lang, console)


def written(path: Path, lang: str) -> str:
    return message("summary-written", lang, path=str(path))


def _warn(console: Any, text: str) -> None:
    from rich.text import Text

    console.print(Text(text, style="yellow"))


def _blocks(columns: list[Any], widths: dict[str, int], room: int) -> list[list[Any]]:
    """Figure columns packed into tables that fit the terminal, split where the header groups
    split: a top-level group if it fits, else its second-level groups, else single columns."""

    def size(cols: list[Any]) -> int:
        return sum(widths[c.key] + 3 for c in cols)

    def split(cols: list[Any], level: int) -> list[list[Any]]:
        if size(cols) <= room or len(cols) == 1:
            return [cols]
        if level > max(len(c.path) for c in cols):
            return [[c] for c in cols]
        groups: dict[tuple[str, ...], list[Any]] = {}
        for c in cols:
            groups.setdefault(tuple(c.path[:level]), []).append(c)
        return [p for g in groups.values() for p in split(g, level + 1)]

    tables: list[list[Any]] = []
    for piece in split(columns, 1):
        if tables and size(tables[-1]) + size(piece) <= room:
            tables[-1].extend(piece)
        else:
            tables.append(list(piece))
    return tables


def _common_prefix(paths: list[list[str]]) -> list[str]:
    prefix: list[str] = []
    for parts in zip(*paths, strict=False):
        if len(set(parts)) != 1:
            break
        prefix.append(parts[0])
    return prefix


def _render(result: Any, console: Any) -> None:
    from rich.cells import cell_len
    from rich.table import Table
    from rich.text import Text

    from ledgercli.summary.figures import fmt_figure

    layout = result.layout
    unit_row = " ".join(layout.unit_row.split())
    console.print(Text(f"{result.title}  （{unit_row}）", style="bold"))
    rows = [*result.rows, result.total]
    unit_width = max(cell_len(r.label) for r in rows) + 3
    widths = {
        c.key: max(
            *(cell_len(fmt_figure(c, r.values[c.key])) for r in rows),
            min(max(cell_len(p) for p in c.path), 10),
        )
        for c in layout.figures
    }
    room = max(console.width - unit_width - 4, 20)
    for block in _blocks(layout.figures, widths, room):
        prefix = _common_prefix([c.path for c in block])
        if len(prefix) == len(block[0].path):
            prefix = prefix[:-1]
        title = "/".join(prefix) if prefix else " · ".join(dict.fromkeys(c.path[0] for c in block))
        table = Table(title=title, title_justify="left", header_style="bold")
        table.add_column(layout.unit_column.path[-1], no_wrap=True)
        for c in block:
            table.add_column(
                "\n".join(c.path[len(prefix) :]),
                justify="right",
                min_width=widths[c.key],
                overflow="fold",
            )
        for row in rows:
            style = "bold" if row is result.total else None
            table.add_row(
                row.label, *(fmt_figure(c, row.values[c.key]) for c in block), style=style
            )
        console.print(table)


def _render_diffs(diffs: list[Any], rows: int, lang: str, console: Any) -> None:
    from rich.table import Table
    from rich.text import Text

    if not diffs:
        console.print(Text(message("check-agrees", lang, rows=rows), style="bold green"))
        return
    words = Words("check", lang)
    heads = [
        words[f"head.{key}"] for key in ("unit", "column", "reported", "should", "from", "row")
    ]
    table = Table(header_style="bold")
    for h in heads:
        # The column path says which figure differs: folded, never cut to 总体情况/拖欠 ….
        table.add_column(h, overflow="fold")
    for d in diffs:
        table.add_row(
            d.unit,
            d.column,
            "" if d.reported is None else str(d.reported),
            "" if d.against == "repeated" else d.computed,
            words(f"against.{d.against}", row=d.computed),
            "" if d.row is None else str(d.row),
        )
    console.print(table)
    console.print(Text(message("check-differences", lang, n=len(diffs)), style="bold red"))
