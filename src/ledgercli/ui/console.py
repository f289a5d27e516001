"""All terminal output for people: rich tables on stdout, messages on stderr.

Machine output (`--format json`) never goes through rich; it is printed by the CLI as is.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ledgercli.model.i18n import Words, message
from ledgercli.model.report import FileReport, Report, severity_word

out = Console(highlight=False, soft_wrap=False)
err = Console(stderr=True, highlight=False)

STYLE = {"error": "bold red", "warning": "yellow", "notice": "cyan"}


def label(lang: str, key: str, **params: Any) -> str:
    return message(f"screen.{key}", lang, **params)


def render_validation(report: Report, lang: str, limit: int = 50, verbose: bool = False) -> None:
    # A byte-identical copy is said once, by its own `identical-file` warning.
    for fr in report.files:
        _render_file(fr, lang, limit, verbose)
    for code, paths in (
        ("merged-skipped", report.skipped_merged),
        ("summaries-skipped", report.skipped_summaries),
    ):
        if paths:
            out.print(Text(message(code, lang, paths=", ".join(paths)), style="cyan"))
    not_reported(report.not_reported, lang, out)
    line = label(
        lang,
        "summary",
        files=len(report.files),
        errors=report.count("error"),
        warnings=report.count("warning"),
        notices=report.count("notice"),
    )
    style = (
        "bold red"
        if report.count("error") or report.unreadable
        else ("yellow" if report.count("warning") else "bold green")
    )
    out.print(Text(line, style=style))


def _render_file(fr: FileReport, lang: str, limit: int, verbose: bool) -> None:
    title = Text(fr.path, style="bold")
    if not fr.readable:
        title.append(f"  {label(lang, 'unreadable')}", style="bold red")
        out.print(title)
        for f in fr.findings:
            out.print(Text(f"  {f.message(lang)}", style="red"))
        out.print()
        return
    sheets = "、".join(fr.sheets) if len(fr.sheets) > 1 else fr.sheet
    title.append(f"  {fr.form} · {sheets} · {fr.rows} {label(lang, 'rows')}")
    if fr.metadata:
        title.append("  " + " ".join(f"{k}：{v}" for k, v in fr.metadata.items()), style="dim")
    out.print(title)
    shown = [f for f in fr.findings if verbose or f.severity != "notice"]
    shown.sort(key=lambda f: ("error", "warning", "notice").index(f.severity))
    notices = [f for f in fr.findings if f.severity == "notice"]
    if not shown and not notices:
        out.print(Text(f"  {label(lang, 'clean')}", style="green"))
        out.print()
        return
    cut = shown if limit <= 0 else shown[:limit]
    if cut:
        table = Table(
            show_header=True, header_style="bold", box=None, pad_edge=False, padding=(0, 1)
        )
        table.add_column(label(lang, "severity"), no_wrap=True)
        table.add_column(label(lang, "where"), no_wrap=True)
        # The message is what the clerk acts on: it wraps, it is never cut.
        table.add_column(label(lang, "header"), max_width=14, overflow="fold")
        table.add_column(label(lang, "value"), max_width=22, overflow="ellipsis")
        # No min_width: when the columns cannot all fit, rich wraps a cell at its minimum and
        # then crops it to the narrower width it could give, losing a character a line.
        table.add_column(label(lang, "message"), ratio=1, overflow="fold")
        for f in cut:
            table.add_row(
                Text(severity_word(f.severity, lang), style=STYLE[f.severity]),
                f.location(),
                f.header or "",
                f.value or "",
                f.message(lang),
            )
        out.print(table)
    if len(shown) > len(cut):
        out.print(Text("  " + label(lang, "hidden", n=len(shown) - len(cut)), style="dim"))
    if notices and not verbose:
        counts = Counter(f.rule for f in notices)
        # Each notice by its short name (年月格式 ×7), by its code when it has none.
        names = Words("notice-name", lang)
        detail = ", ".join(f"{names[rule]} ×{n}" for rule, n in counts.most_common())
        out.print(Text("  " + label(lang, "notices", n=len(notices), detail=detail), style="cyan"))
    out.print()


def not_reported(names: list[str] | None, lang: str, console: Console) -> None:
    """The units of the roster that sent nothing, named once (nothing without a roster)."""
    if names:
        text = message("not-reported", lang, n=len(names), units="、".join(names))
        console.print(Text(text, style="bold yellow"))


class Screen:
    """What a person watching sees on stderr while files are read (merge, week): a bar over
    the files read, then a status line while a workbook is written. Nothing when stderr is no
    terminal."""

    def __init__(self, lang: str, output: Path) -> None:
        self.console = err
        self.lang = lang
        self.output = output
        self.bar: Any = None
        self.task: Any = None

    def __enter__(self) -> Screen:
        return self

    @property
    def progress(self) -> Callable[[Path, int, int], None] | None:
        """The per-file callback of the reading (None when nobody watches)."""
        return self._update if self.console.is_terminal else None

    def _update(self, path: Path, n: int, total: int) -> None:
        if self.bar is None:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self.bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[name]}", style="dim"),
                console=self.console,
                transient=True,
            )
            self.bar.start()
            word = message("merge-line-reading", self.lang)
            self.task = self.bar.add_task(word, total=None, name="")
        self.bar.update(self.task, completed=n - 1, total=total, name=path.name)

    def writing(self) -> AbstractContextManager[Any]:
        """The status line while the workbook is written (the bar is done by then)."""
        self._stop()
        if not self.console.is_terminal:
            return nullcontext()
        status: AbstractContextManager[Any] = self.console.status(
            message("merge-line-writing", self.lang, path=str(self.output))
        )
        return status

    def _stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None

    def __exit__(self, *exc: object) -> None:
        self._stop()


def error(text: str) -> None:
    err.print(Text(text, style="bold red"))


def say(code: str, lang: str, **params: Any) -> None:
    err.print(message(code, lang, **params))


def case_table(unit: str, debtor: str, creditor: str, contract: str) -> Any:
    """A table of cases that starts with who they are (diff, overdue): unit, debtor,
    creditor and contract, cut to fit; the caller adds the columns of what it shows."""
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False, padding=(0, 1))
    table.add_column(unit, no_wrap=True, max_width=14)
    table.add_column(debtor, max_width=18, overflow="ellipsis")
    table.add_column(creditor, max_width=18, overflow="ellipsis")
    table.add_column(contract, max_width=20, overflow="ellipsis")
    return table
