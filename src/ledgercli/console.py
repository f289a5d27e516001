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


def error(text: str) -> None:
    err.print(Text(text, style="bold red"))


def say(code: str, lang: str, **params: Any) -> None:
    err.print(message(code, lang, **params))
