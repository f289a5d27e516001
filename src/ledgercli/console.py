"""All terminal output for people: rich tables on stdout, messages on stderr.

Machine output (`--format json`) never goes through rich; it is printed by the CLI as is.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from .i18n import message
from .report import FileReport, Report

out = Console(highlight=False, soft_wrap=False)
err = Console(stderr=True, highlight=False)

STYLE = {"error": "bold red", "warning": "yellow", "notice": "cyan"}
WORD = {
    "zh": {"error": "错误", "warning": "警告", "notice": "提示"},
    "en": {"error": "error", "warning": "warning", "notice": "notice"},
}
LABELS = {
    "zh": {
        "severity": "级别",
        "where": "位置",
        "header": "列",
        "value": "值",
        "message": "说明",
        "rows": "行",
        "hidden": "另有{n}条未显示（用 --limit 0 显示全部）",
        "notices": "提示{n}条（用 -v 显示）：{detail}",
        "summary": "共{files}个文件：{errors}个错误，{warnings}个警告，{notices}条提示",
        "unreadable": "无法读取",
        "clean": "未发现问题",
    },
    "en": {
        "severity": "severity",
        "where": "where",
        "header": "column",
        "value": "value",
        "message": "message",
        "rows": "rows",
        "hidden": "{n} more not shown (--limit 0 shows all)",
        "notices": "{n} notice(s) (-v shows them): {detail}",
        "summary": "{files} file(s): {errors} error(s), {warnings} warning(s), {notices} notice(s)",
        "unreadable": "cannot be read",
        "clean": "no problems found",
    },
}


# Short names for the notice summary line ("提示16条：年月格式 ×7, …"); the code otherwise.
NOTICE_NAMES = {
    "month-normalized": ("年月格式", "month format"),
    "date-normalized": ("日期格式", "date format"),
    "number-normalized": ("文本型数字", "number typed as text"),
    "alias-normalized": ("取值别名", "value alias"),
    "text-normalized": ("全半角或空格", "width or spaces"),
    "code-normalized": ("代码大小写或连字符", "code case or hyphens"),
    "header-alias": ("表头别名", "header alias"),
    "unknown-column": ("多余的列", "extra column"),
    "total-row-skipped": ("合计行", "total row"),
    "data-end": ("填写说明", "instructions"),
    "too-many-decimals": ("小数超过4位", "over 4 decimals"),
    "merged-filled": ("合并单元格", "merged cells"),
    "ledger-sheets": ("多个工作表均已读取", "several sheets read"),
}


def label(lang: str, key: str, **params: Any) -> str:
    return LABELS[lang][key].format(**params)


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
                Text(WORD[lang][f.severity], style=STYLE[f.severity]),
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
        names = {code: pair[0 if lang == "zh" else 1] for code, pair in NOTICE_NAMES.items()}
        detail = ", ".join(f"{names.get(rule, rule)} ×{n}" for rule, n in counts.most_common())
        out.print(Text("  " + label(lang, "notices", n=len(notices), detail=detail), style="cyan"))
    out.print()


def not_reported(names: list[str] | None, lang: str, console: Console) -> None:
    """The units of the roster that sent nothing, named once (nothing without a roster)."""
    if names:
        text = message("not-reported", lang, n=len(names), units="、".join(names))
        console.print(Text(text, style="bold yellow"))


def render_week(report: Any, lang: str, console: Console | None = None) -> None:
    """`ledger week` on one screen (at most 40 lines at 80 columns): what came in, what goes
    back to whom, the figures and their change, who sent nothing, the alarms, the cautions."""
    from pathlib import Path

    from .weekhtml import money, signed

    c = console or out
    r = report
    sep = "、" if lang == "zh" else ", "

    def line(text: str, style: str = "", lines: int = 1) -> None:
        # At most `lines` screen lines each: what does not fit is cut with … (the whole is in
        # 周报.html and week.json), so the screen stays one screen.
        for part in _screen_lines(text, c.width, lines):
            c.print(Text(part, style=style), overflow="ellipsis", no_wrap=True, crop=True)

    line(message("week-line-head", lang, inbox=r.inbox, outdir=r.outdir), "bold")
    rest = ""
    if r.received.skipped:
        rest += message("week-line-skipped", lang, n=len(r.received.skipped))
    if r.received.unreadable:
        rest += message("week-line-unreadable", lang, n=len(r.received.unreadable))
    received = r.received.model_dump()
    line(message("week-line-received", lang, **received, rest=rest))
    _week_returned(r, lang, line)
    _week_figures(r, lang, line, money, signed)
    if r.not_reported:
        names = sep.join(r.not_reported)
        line(message("not-reported", lang, n=len(r.not_reported), units=names), "bold red")
    if r.changes is None:
        line(message("week-line-no-last", lang), "dim")
    else:
        t = r.changes.totals
        bad = bool(r.changes.vanished or r.changes.regressions)
        line(
            message(
                "week-line-changes",
                lang,
                vanished=t["vanished"],
                vanished_amount=money(t["vanished_amount"]),
                regressions=t["regressions"],
                new=t["new"],
                repaid=money(t["repaid"]),
            ),
            "bold red" if bad else "",
            2,
        )
    if r.overdue is not None:
        o = r.overdue
        text = message(
            "week-line-overdue", lang, as_of=o.as_of, cases=o.cases, amount=money(o.amount)
        )
        line(text, "bold red" if o.cases else "")
    if r.cautions:
        line(message("week-line-cautions", lang), "yellow")
        for caution in r.cautions[:4]:
            line(f"  {caution.message}", "yellow", 2)
        if len(r.cautions) > 4:
            line(message("week-line-more-cautions", lang, n=len(r.cautions) - 4), "yellow")
    written = [*_week_outputs(r), *r.outputs.marked_copies]
    first = Path(written[0]).name
    line(message("week-line-written", lang, outdir=r.outdir, first=first, n=len(written)), "green")
    _week_verdict(r, lang, line)


def _screen_lines(text: str, width: int, lines: int) -> list[str]:
    """`text` broken into at most `lines` lines of `width` terminal cells (a Chinese
    character takes two); the last one ends in … when something was left out."""
    from rich.cells import cell_len

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


def _week_outputs(r: Any) -> list[str]:
    o = r.outputs
    found = [o.html, o.json_, o.city, o.annex3, o.annex4, o.wuhan, o.changes, o.overdue, o.index]
    return [p for p in found if p]


def _week_returned(r: Any, lang: str, line: Any) -> None:
    from pathlib import Path

    if not r.returned:
        line(message("week-line-none-returned", lang), "green")
        return
    folder = str(Path(r.outdir) / "退回")
    index = Path(r.outputs.index).name
    line(message("week-line-returned", lang, n=len(r.returned), folder=folder, index=index), "bold")
    shown = r.returned[:6]
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


def _week_figures(r: Any, lang: str, line: Any, money: Any, signed: Any) -> None:
    ch = r.change
    line(message("week-line-figures", lang, vs=message("week-line-vs", lang) if ch else ""))
    h = r.headline

    def delta(value: Any, amount: bool = False, unit: str = "") -> str:
        if ch is None:
            return ""
        text = signed(value, amount) + unit
        return f"（{text}）" if lang == "zh" else f" ({text})"

    points = message("week-line-points", lang)
    rate = h.rate if h.rate is not None else "—"
    line(message("week-line-cases", lang, value=h.cases, change=delta(ch and ch.cases)))
    line(message("week-line-owed", lang, value=money(h.owed), change=delta(ch and ch.owed, True)))
    repaid = money(h.repaid)
    line(message("week-line-repaid", lang, value=repaid, change=delta(ch and ch.repaid, True)))
    line(message("week-line-rate", lang, value=rate, change=delta(ch and ch.rate, unit=points)))


def _week_verdict(r: Any, lang: str, line: Any) -> None:
    sep = "、" if lang == "zh" else ", "
    what = []
    if r.received.unreadable:
        what.append(message("week-alarm-unreadable", lang, n=len(r.received.unreadable)))
    if r.returned:
        what.append(message("week-alarm-returned", lang, n=len(r.returned)))
    for key, n in r.alarms.items():
        if n:
            what.append(message(f"week-alarm-{key}", lang, n=n))
    if what:
        line(message("week-line-alarm", lang, what=sep.join(what), exit=r.exit_code), "bold red", 2)
    else:
        line(message("week-line-quiet", lang), "bold green")


class ProgressBar:
    """A progress bar over files on stderr, only when a person is watching (a TTY); used as
    `with ProgressBar(word) as progress:`, `progress` is None otherwise."""

    def __init__(self, word: str) -> None:
        self.console = err
        self.word = word
        self.bar: Any = None
        self.task: Any = None

    def __enter__(self) -> Any:
        if not self.console.is_terminal:
            return None
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
        self.task = self.bar.add_task(self.word, total=None, name="")
        return self.update

    def update(self, path: Any, n: int, total: int) -> None:
        self.bar.update(self.task, completed=n - 1, total=total, name=path.name)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


def error(text: str) -> None:
    err.print(Text(text, style="bold red"))


def say(code: str, lang: str, **params: Any) -> None:
    err.print(message(code, lang, **params))
