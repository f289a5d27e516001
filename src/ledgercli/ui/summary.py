"""The terminal view of `ledger summarize`: what was set aside, the caveats, the table in
blocks that fit the terminal, and the differences of a reported table."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ledgercli.model.i18n import Words, message
from ledgercli.ui.console import para

if TYPE_CHECKING:
    from ledgercli.summary.pipeline import SummaryRun


def notices(run: SummaryRun, lang: str, console: Any) -> None:
    """On stderr: what was read and not counted, units that sent nothing, the caveats."""
    from ledgercli.ui.console import not_reported, skipped_files

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
            para(message(code, lang, paths=", ".join(paths)), console, style="cyan")
    skipped_files(report.skipped_files, lang, console)
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
        para(text, console, style="cyan")
    for caveat in run.summary.caveats:
        _warn(console, caveat.message(lang))


def render(
    run: SummaryRun,
    lang: str,
    console: Any,
    verbose: bool = False,
    output: Path | None = None,
) -> None:
    """By default each unit's main figures (the layout's `screen`), or with --check only what
    differs; with `verbose` the whole table in blocks that fit the terminal."""
    summary = run.summary
    diffs = run.differences
    if verbose:
        _render(summary, console)
    elif diffs is None:
        _screen(summary, console)
        n = len(summary.layout.figures)
        if output is not None:
            text = message("summary-screen-part", lang, columns=n, path=str(output))
        else:
            text = message("summary-screen-part-nofile", lang, columns=n)
        para(text, console, style="dim")
    if diffs is not None:
        if not verbose:
            _title(summary, console)  # which table the reported one is compared with
            para(message("summary-screen-check", lang), console, style="dim")
        skipped = run.not_compared
        if skipped:
            text = message("check-not-compared", lang, n=len(skipped), units="、".join(skipped))
            para(text, console, style="dim")
        _render_diffs(diffs, len(summary.rows) - len(skipped), lang, console, verbose)


def written(path: Path, lang: str) -> str:
    return message("summary-written", lang, path=str(path))


def _warn(console: Any, text: str) -> None:
    para(text, console, style="yellow")


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

    from ledgercli.summary.figures import fmt_figure

    layout = result.layout
    _title(result, console)
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


def _screen(result: Any, console: Any) -> None:
    """Each unit's main figures, and the total: a table when it fits, else a line a unit."""

    from ledgercli.summary.figures import fmt_figure
    from ledgercli.ui.console import Grid

    layout = result.layout
    _title(result, console)
    chosen = [c for c in layout.figures if c.key in layout.screen] or layout.figures
    lasts = [c.path[-1] for c in chosen]
    heads = [c.path[-1] if lasts.count(c.path[-1]) == 1 else "/".join(c.path[-2:]) for c in chosen]
    table = Grid((layout.unit_column.path[-1], "left"), *((h, "right") for h in heads), fold=(0,))
    for row in [*result.rows, result.total]:
        style = "bold" if row is result.total else ""
        table.add_row(row.label, *(fmt_figure(c, row.values[c.key]) for c in chosen), style=style)
    table.print(console)


def _title(result: Any, console: Any) -> None:
    from rich.text import Text

    unit_row = " ".join(result.layout.unit_row.split())
    para(Text(f"{result.title}  （{unit_row}）", style="bold"), console)


def _render_diffs(
    diffs: list[Any], rows: int, lang: str, console: Any, verbose: bool = False
) -> None:
    """Each difference on two lines: the unit and the figure, then what was reported, what it
    should be and against what. One figure wrong on several units (a rate written as a
    fraction on every row) is one item, with the units; `verbose` lists each."""
    from rich.cells import cell_len
    from rich.text import Text

    from ledgercli.model.report import one_cause
    from ledgercli.ui.console import first_places, item

    if not diffs:
        para(message("check-agrees", lang, rows=rows), console, style="bold green")
        return
    words = Words("check", lang)
    heads = [words[f"head.{key}"] for key in ("reported", "should", "from", "row")]

    def figures(d: Any) -> str:
        parts = [f"{heads[0]} {'' if d.reported is None else d.reported}"]
        if d.against != "repeated":
            parts.append(f"{heads[1]} {d.computed}")
        parts.append(f"{heads[2]} {words(f'against.{d.against}', row=d.computed)}")
        if d.row is not None:
            parts.append(f"{heads[3]} {d.row}")
        return " · ".join(parts)

    groups = [[d] for d in diffs] if verbose else one_cause(diffs, _diff_cause)
    for group in groups:
        d = group[0]
        if len(group) == 1:
            # The column path says which figure differs: beside the unit when it fits, else
            # on a line of its own, never cut.
            head = Text(d.unit, style="bold")
            if head.cell_len + 2 + cell_len(d.column) <= console.width - 2:
                head.append(f"  {d.column}")
                item(head, figures(d), console=console)
            else:
                item(head, f"{d.column}\n{figures(d)}", console=console)
            continue
        head = Text(f"×{len(group)} ", style="bold")
        head.append(first_places([x.unit for x in group], console.width))
        first = message("screen.shown-first", lang, where=d.unit, text=figures(d))
        item(head, f"{d.column}\n{first}", console=console)
    para(message("check-differences", lang, n=len(diffs)), console, style="bold red")


def _diff_cause(d: Any) -> Any:
    """One figure reported wrong the same way (against the same thing) on several units."""
    return None if d.against == "repeated" else (d.column, d.against)
