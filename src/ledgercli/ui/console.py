"""All terminal output for people: rich text on stdout, messages and progress on stderr.

Machine output (`--format json`) never goes through rich; `machine` prints it as is.

What is on screen is made to be read in an ordinary 80-column terminal, in Chinese as in
English, and to use more room when the terminal has it: each item (a finding, a change, a case)
on one or two lines, lines cut with "…" where what is cut is in the workbook or the JSON, and
sentences wrapped between characters (rich wraps only at spaces: a Chinese sentence after a
space went to a line of its own, and a narrow table column held one character a line).
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

from rich.cells import cell_len
from rich.console import Console
from rich.containers import Lines
from rich.style import Style
from rich.table import Table
from rich.text import Text

from ledgercli.model.i18n import Words, message
from ledgercli.model.report import FileReport, Finding, Report, one_cause, severity_word


class _Quiet(Console):
    """A console whose reader may stop reading (`| head -2`): that ends what is printed there,
    never the run. The workbooks are still written and the exit code stays the command's.

    Its size is the terminal's when it prints (rich fixes COLUMNS when the console is made:
    a terminal resized, or a program that sets COLUMNS per run, would not be followed)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._width = self._height = None

    def on_broken_pipe(self) -> None:
        self.quiet = True
        silence(sys.stderr if self.stderr else sys.stdout)


def silence(stream: Any = None) -> None:
    """Send what is still printed to `stream` (stdout) nowhere, so that neither a later print
    nor the interpreter's last flush meets the closed pipe (and prints a traceback)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, (stream or sys.stdout).fileno())
    except (OSError, ValueError):  # no file behind it (a test's buffer): nothing to silence
        pass


def machine(text: str) -> None:
    """JSON for programs on stdout, as is; a closed pipe ends it quietly."""
    try:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        silence()


out = _Quiet(highlight=False, soft_wrap=False)
err = _Quiet(stderr=True, highlight=False)

STYLE = {"error": "bold red", "warning": "yellow", "notice": "cyan"}


def label(lang: str, key: str, **params: Any) -> str:
    return message(f"screen.{key}", lang, **params)


# --- lines that fit ------------------------------------------------------------------------

# A line may not start with closing punctuation nor end with opening punctuation (the rule of
# Chinese typesetting; the same for brackets in English).
GLUE = "\u00a0"  # a space no line breaks at
KEEP = Style(meta={"keep": True})  # a span of text no line breaks in (it shows nothing)
_CLOSING = frozenset("，。、；：！？）》」』】〕”’,.;:!?)]}%…·")
_OPENING = frozenset("（《「『【〔“‘([{")


def _kept(text: Text) -> list[bool]:
    """For each character of `text`: is it inside a span styled KEEP?"""
    kept = [False] * len(text.plain)
    for span in text.spans:
        if isinstance(span.style, Style) and span.style.meta.get("keep"):
            for i in range(span.start, min(span.end, len(kept))):
                kept[i] = True
    return kept


def _breaks(plain: str) -> list[bool]:
    """For each position, may a line start there? After a space, and between two characters
    of which one is wide (Chinese runs have no spaces); never inside a Latin word or number,
    nor at a no-break space (GLUE: "18 行" stays on one line)."""
    ok = [False] * (len(plain) + 1)
    for i in range(1, len(plain)):
        a, b = plain[i - 1], plain[i]
        if b in _CLOSING or a in _OPENING or GLUE in (a, b):
            continue
        if _strands(plain, i):
            continue
        # After a space, unless what follows is one last character (协议还款金额 > / 0).
        after_space = a == " " and b != " " and i + 1 < len(plain)
        wide = a != " " and b != " " and (cell_len(a) == 2 or cell_len(b) == 2)
        ok[i] = after_space or wide
    return ok


def _strands(plain: str, i: int) -> bool:
    """Would a break before position i leave one Chinese character alone: the first of a run
    at the end of a line, or the last at the start of the next (清偿总金 / 额)?"""

    def edge(j: int) -> bool:
        return j < 0 or j >= len(plain) or plain[j] == " "

    a, b = plain[i - 1], plain[i]
    punctuation = _CLOSING | _OPENING
    if i + 1 == len(plain) and cell_len(b) == 2 and b not in punctuation:
        return True  # the sentence's last character alone on a line (“重复组” / 列)
    wide = cell_len(a) == 2 and cell_len(b) == 2 and a not in punctuation
    return wide and b not in punctuation and (edge(i - 2) or edge(i + 1))


def wrap(text: Text | str, width: int, hang: int = 0) -> list[Text]:
    """The lines of `text` for a terminal `width` cells wide, continuation lines `hang` cells
    narrower (the caller indents them): broken where a reader expects it, and folded inside
    a word only when the word alone is wider than the line."""
    text = text if isinstance(text, Text) else Text(text)
    lines: list[Text] = []
    for part in text.split("\n", allow_blank=True):
        room = width if not lines else width - hang
        lines.extend(_wrap_line(part, max(room, 4), max(width - hang, 4)))
    return lines or [Text("")]


def _wrap_line(part: Text, first: int, rest: int) -> list[Text]:
    plain = part.plain
    ok = _breaks(plain)
    kept = _kept(part)
    for i in range(1, len(plain)):
        if kept[i - 1] and kept[i]:
            ok[i] = False
    spans: list[tuple[int, int]] = []
    start, used, room, last_ok = 0, 0, first, -1
    i = 0
    while i < len(plain):
        if i > start and ok[i]:
            last_ok = i
        w = cell_len(plain[i])
        if used + w > room and i > start and not plain[i].isspace():
            end = last_ok if last_ok > start else i
            spans.append((start, end))
            start, room = end, rest
            while start < len(plain) and plain[start] == " ":
                start += 1
            used = cell_len(plain[start:i])
            last_ok = next((j for j in range(i - 1, start, -1) if ok[j]), -1)
            continue
        used += w
        i += 1
    spans.append((start, len(plain)))
    lines = []
    for s, e in spans:
        line = part[s:e]
        line.rstrip()
        if GLUE in line.plain:
            line.plain = line.plain.replace(GLUE, " ")  # the same length: styles stay
        lines.append(line)
    return lines


class Prose(Text):
    """Text that a table cell wraps as `wrap` does (between Chinese characters, never one
    character a line) instead of folding it at the column's edge (债务人统一社会信用代 / 码)."""

    def wrap(
        self,
        console: Console,
        width: int,
        *,
        justify: Any = None,
        overflow: Any = None,
        tab_size: int = 8,
        no_wrap: bool | None = None,
    ) -> Lines:
        if no_wrap:
            return super().wrap(console, width, justify=justify, overflow=overflow, no_wrap=no_wrap)
        lines = Lines(wrap(self, width))
        lines.justify(console, width, justify=justify or self.justify or "left", overflow="fold")
        return lines


class ProseTable(Table):
    """A table whose text cells wrap as sentences (Prose)."""

    def add_row(self, *cells: Any, style: Any = None, end_section: bool = False) -> None:
        prose = [Prose(c) if isinstance(c, str) else c for c in cells]
        super().add_row(*prose, style=style, end_section=end_section)


def para(
    text: Text | str,
    console: Console | None = None,
    style: str | None = None,
    indent: int = 0,
    hang: int | None = None,
) -> None:
    """Print a sentence wrapped to the terminal: `indent` spaces before its first line, `hang`
    before the others (default: the same)."""
    console = console or out
    hang = indent if hang is None else hang
    text = text if isinstance(text, Text) else Text(text)
    if style:
        text.stylize(style)
    for n, line in enumerate(wrap(text, console.width - indent, hang - indent)):
        line.pad_left(indent if n == 0 else hang)
        console.print(line, no_wrap=True, crop=True, overflow="crop", soft_wrap=False)


def crop(text: Text | str, width: int) -> Text:
    """One line of at most `width` cells, ending in "…" where it was cut."""
    text = text.copy() if isinstance(text, Text) else Text(text)
    text.truncate(max(width, 1), overflow="ellipsis")
    return text


def item(
    head: Text,
    body: Text | str | None = None,
    right: Text | str = "",
    console: Console | None = None,
    indent: int = 2,
    hang: int = 6,
) -> None:
    """One item on one or two lines: `head` (cut to fit, `right` at the line's end), then
    `body` below it, wrapped (a message is never cut)."""
    console = console or out
    right = right if isinstance(right, Text) else Text(right)
    room = console.width - indent - (right.cell_len + 2 if right.plain else 0)
    line = crop(head, room)
    if right.plain:
        line.append(" " * (room - line.cell_len + 2))
        line.append_text(right)
    line.pad_left(indent)
    console.print(line, no_wrap=True, crop=True, overflow="crop", soft_wrap=False)
    if body is not None and (body.plain if isinstance(body, Text) else body):
        para(body, console, indent=hang)


def beside(first: str, second: str, hang: int = 6, console: Console | None = None) -> str:
    """`first  second` when they fit on one line after `hang` spaces, else on two lines: a
    file and row (`附件2-古南街道.xlsx:6`) is not broken in the middle."""
    console = console or out
    if cell_len(first) + 2 + cell_len(second) <= console.width - hang:
        return f"{first}  {second}"
    return f"{first}\n{second}"


def first_places(places: Sequence[str], width: int, sep: str = "、") -> str:
    """As many of the places as fit in `width` cells, then "…": the first cells of a group."""
    shown = ""
    for n, p in enumerate(places):
        candidate = p if n == 0 else shown + sep + p
        more = "…" if n + 1 < len(places) else ""
        if n and cell_len(candidate + more) > width:
            return shown + "…"
        shown = candidate
    return shown


# --- progress on stderr ----------------------------------------------------------------------


class Screen:
    """What a person watching sees on stderr while a command runs: a bar over the files read,
    then a status line while a workbook is written. Nothing when stderr is no terminal."""

    def __init__(self, lang: str, console: Console | None = None) -> None:
        self.console = console or err
        self.lang = lang
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
            word = message("progress-reading", self.lang)
            self.task = self.bar.add_task(word, total=None, name="")
        # Called as file n starts (one process) or ends (a pool): n - 1 are done at least. A
        # second run of files (diff's other week) goes on in the same bar.
        self.bar.update(self.task, completed=n - 1, total=total, name=path.name)

    def writing(self, path: Path) -> AbstractContextManager[Any]:
        """The status line while a workbook is written (the bar is done by then)."""
        self.stop()
        if not self.console.is_terminal:
            return nullcontext()
        status: AbstractContextManager[Any] = self.console.status(
            message("progress-writing", self.lang, path=str(path))
        )
        return status

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None

    def __exit__(self, *exc: object) -> None:
        self.stop()


# --- validate ----------------------------------------------------------------------------------


def render_validation(report: Report, lang: str, limit: int = 50, verbose: bool = False) -> None:
    """Each file: its title, then its errors and warnings, one item a cause (the findings of one
    rule on one column are one item, with their count and first cells; `verbose` lists every
    cell, and the notices), then one summary line."""
    # A byte-identical copy is said once, by its own `identical-file` warning. A file without
    # a problem is a line (two for a long path); a block of them ends with a blank line.
    clean = False
    for fr in report.files:
        was, clean = clean, _clean(fr, verbose)
        if was and not clean:
            out.print()
        _render_file(fr, lang, limit, verbose)
    if clean:
        out.print()
    for code, paths in (
        ("merged-skipped", report.skipped_merged),
        ("summaries-skipped", report.skipped_summaries),
    ):
        if paths:
            para(message(code, lang, paths=", ".join(paths)), style="cyan")
    skipped_files(report.skipped_files, lang, out)
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
    para(line, style=style)


def _clean(fr: FileReport, verbose: bool) -> bool:
    """Nothing to show of the file but its line: readable, no error, no warning."""
    return fr.readable and all(f.severity == "notice" and not verbose for f in fr.findings)


def _render_file(fr: FileReport, lang: str, limit: int, verbose: bool) -> None:
    title = Text(fr.path, style="bold")
    if not fr.readable:
        title.append(f"  {label(lang, 'unreadable')}", style="bold red")
        para(title, hang=2)
        for f in fr.findings:
            para(f.message(lang), style="red", indent=2)
        out.print()
        return
    sheets = "、".join(fr.sheets) if len(fr.sheets) > 1 else fr.sheet
    title.append(f"  {fr.form} · {sheets} · {fr.rows}{GLUE}{label(lang, 'rows')}")
    if fr.metadata:
        title.append("  " + " ".join(f"{k}：{v}" for k, v in fr.metadata.items()), style="dim")
    shown = [f for f in fr.findings if verbose or f.severity != "notice"]
    shown.sort(key=lambda f: ("error", "warning", "notice").index(f.severity))
    notices = [f for f in fr.findings if f.severity == "notice"]
    if not shown:
        title.append("  ")
        title.append(label(lang, "clean"), style=KEEP + Style(color="green"))
        para(title, hang=2)
        _notices(notices, lang)
        return
    para(title, hang=2)
    groups = [[f] for f in shown] if verbose else one_cause(shown, cause)
    cut = groups if limit <= 0 else groups[:limit]
    for group in cut:
        finding_item(group, lang)
    if len(groups) > len(cut):
        para(label(lang, "hidden", n=len(groups) - len(cut)), style="dim", indent=2)
    if not verbose:
        _notices(notices, lang)
    out.print()


def _notices(notices: list[Finding], lang: str) -> None:
    """The notices of a file counted by kind on one line (-v lists them)."""
    if notices:
        counts = Counter(f.rule for f in notices)
        # Each notice by its short name (年月格式 ×7), by its code when it has none.
        names = Words("notice-name", lang)
        detail = ", ".join(f"{names[rule]} ×{n}" for rule, n in counts.most_common())
        para(label(lang, "notices", n=len(notices), detail=detail), style="cyan", indent=2)


def cause(f: Finding) -> tuple[Any, ...] | None:
    """Findings of one rule on one column of one sheet have one cause (the column written the
    same wrong way on every row); a finding of the whole file stands alone."""
    if f.row is None:
        return None
    return (f.severity, f.rule, f.sheet, f.column, f.header)


def group_message(group: Sequence[Finding], lang: str) -> str:
    """The message of a finding or of the findings of one cause: when theirs differ (each names
    its own value), the first, with its cell."""
    first = group[0]
    text = first.message(lang)
    if len(group) > 1 and any(f.message(lang) != text for f in group[1:]):
        text = label(lang, "shown-first", where=_cell(first), text=text)
    return text


def finding_item(group: Sequence[Finding], lang: str) -> None:
    """A finding, or the findings of one cause, as one item: severity (×count), where (the
    first cells), column and value on the first line; the message below it. When the
    messages of a group differ (each names its own value), the first is shown with its cell."""
    first = group[0]
    head = Text()
    head.append(severity_word(first.severity, lang), style=STYLE[first.severity])
    if len(group) > 1:
        head.append(f" ×{len(group)}", style=STYLE[first.severity])
    where = places(group)
    if where:
        head.append(f"  {where}")
    if first.header:
        head.append(f"  {first.header}", style="bold")
    if first.value and len(group) == 1:
        head.append("  ")
        head.append_text(crop(first.value, 24))
    item(head, group_message(group, lang))


def _cell(f: Finding) -> str:
    if f.column is None and f.row is not None:
        return f"{f.row}:{f.row}"  # a whole row, as Excel names it
    return f"{f.column or ''}{f.row or ''}" or f.location()


def places(group: Sequence[Finding]) -> str:
    """`附件2!D4` for one finding; `附件2!D4、D5、D6…` for a group (the sheet said once)."""
    first = group[0]
    if len(group) == 1:
        return first.location()
    cells = [_cell(f) for f in group]
    sheet = f"{first.sheet}!" if first.sheet else ""
    return sheet + first_places(cells, 28)


def skipped_files(files: list[tuple[str, str]], lang: str, console: Console) -> None:
    """The files of a folder that are no workbook to read, by why: a WPS ledger first (a
    unit's cases that were not checked), then lock files and other files."""
    for reason, style in (
        ("wps-format", "bold yellow"),
        ("lock-file", "cyan"),
        ("not-spreadsheet", "cyan"),
    ):
        paths = [p for p, r in files if r == reason]
        if paths:
            para(message(f"skipped-{reason}", lang, paths=", ".join(paths)), console, style=style)


def not_reported(names: list[str] | None, lang: str, console: Console) -> None:
    """The units of the roster that sent nothing, named once (nothing without a roster)."""
    if names:
        text = message("not-reported", lang, n=len(names), units="、".join(names))
        para(text, console, style="bold yellow")


def error(text: str) -> None:
    err.print(Text(text, style="bold red"))


def say(code: str, lang: str, **params: Any) -> None:
    para(message(code, lang, **params), err)


def case_head(unit: str, *parts: Any) -> Text:
    """The first line of a case (diff, overdue): its unit, then debtor, creditor and contract
    as far as the line has room (they are whole in the workbook and the JSON)."""
    head = Text(unit or "—", style="bold")
    for part in parts:
        if part is not None and part != "":
            head.append(" · ")
            head.append(str(part))
    return head


def _header_min(word: str) -> int:
    """The narrowest a header word may be: a Latin word whole; a Chinese one of four or more
    characters on two lines (清偿总/金额), never one character a line."""
    width = cell_len(word)
    if width == len(word) or len(word) <= 3:
        return width
    half = (width + 1) // 2
    return half + half % 2


class Grid:
    """A table of names and figures (files or units, then counts and amounts) that fits the
    terminal: figures are never wrapped nor cut (a long header wraps at its spaces); names
    give up room, down to `NAME_MIN` cells, and then end in "…" (a file name: its rows are in
    the workbook) or, with `fold`, go on on a second line (a unit: its name is what is read);
    when even that does not fit, each row becomes a line of its own: the name, then
    `header value` for each figure that is not zero, wrapped under the name."""

    NAME_MIN = 10
    FOLD_MIN = 16

    def __init__(
        self,
        *columns: tuple[str, str],
        names: int = 1,
        fold: Sequence[int] = (),
        keep_end: Sequence[int] = (),
    ) -> None:
        self.columns = list(columns)
        self.names = names
        self.fold = set(fold)
        self.keep_end = set(keep_end)  # cut at the start: 附件2-… files differ at the end
        self.rows: list[tuple[list[Text], str]] = []

    def add_row(self, *cells: Text | str, style: str = "") -> None:
        self.rows.append(([c if isinstance(c, Text) else Text(c) for c in cells], style))

    def widths(self, width: int) -> list[int] | None:
        """Each column's width at this terminal width, None when they cannot all fit."""
        n = len(self.columns)
        natural = [
            max([cell_len(head)] + [cells[j].cell_len for cells, _ in self.rows])
            for j, (head, _) in enumerate(self.columns)
        ]
        room = width - 2 * (n - 1)
        if sum(natural) <= room:
            return natural
        need = list(natural)
        for j in range(self.names, n):
            words = max((_header_min(w) for w in self.columns[j][0].split()), default=1)
            need[j] = max([words] + [cells[j].cell_len for cells, _ in self.rows])
        left = room - sum(need[self.names :])
        names = need[: self.names]
        least = [self.FOLD_MIN if k in self.fold else self.NAME_MIN for k in range(self.names)]
        while sum(names) > left:
            # The widest name that may still give up room gives one cell.
            free = [k for k in range(self.names) if names[k] > min(least[k], natural[k])]
            if not free:
                return None
            names[max(free, key=lambda k: names[k])] -= 1
        return names + need[self.names :]

    def print(self, console: Console | None = None) -> None:
        console = console or out
        widths = self.widths(console.width)
        if widths is None:
            self._lines(console)
            return
        table = Table(
            show_header=True, header_style="bold", box=None, pad_edge=False, padding=(0, 1)
        )
        for j, (head, justify) in enumerate(self.columns):
            # A figure fits its width (it was measured): only its header wraps, as a sentence
            # does (at a space, between Chinese characters, never one character a line).
            name = j < self.names
            lines = [line.plain for line in wrap(head, widths[j])] if not name else [head]
            table.add_column(
                "\n".join(lines),
                justify=justify,  # type: ignore[arg-type]
                width=widths[j],
                no_wrap=name and j not in self.fold,
                overflow="ellipsis" if name and j not in self.fold else "fold",
            )
        for cells, style in self.rows:
            table.add_row(*(self._fit(j, c, widths[j]) for j, c in enumerate(cells)), style=style)
        console.print(table)

    def _fit(self, j: int, cell: Text, width: int) -> Text:
        """A name cell at its column's width: folded as a sentence is wrapped (never one
        character a line), or cut at its start for a file name (…丁山镇.xlsx)."""
        if j >= self.names or cell.cell_len <= width:
            return cell
        if j in self.fold:
            return Text("\n").join(wrap(cell, width))
        if j in self.keep_end:
            plain = cell.plain
            while cell_len(plain) > width - 1:
                plain = plain[1:]
            return Text("…" + plain, style=cell.style)
        return cell

    def _lines(self, console: Console) -> None:
        width = min(max(cells[0].cell_len for cells, _ in self.rows), 16) + 2
        for cells, style in self.rows:
            name = Text(" ").join(cells[: self.names])
            if self.fold and name.cell_len > width - 2:
                # A unit's name is never cut: alone on its line, its figures under it.
                para(Text(name.plain, style="bold"), console, hang=2)
                line = Text(" " * width)
            elif name.cell_len > width - 2:
                line = crop(name, width - 2)
            else:
                line = name.copy()
            line.stylize("bold", 0, len(line))
            line.append(" " * (width - line.cell_len))
            first = True
            for (head, _), cell in zip(
                self.columns[self.names :], cells[self.names :], strict=True
            ):
                if cell.plain.strip() in ("", "0", "0.0000", "-"):
                    continue
                if not first:
                    line.append("  ")
                first = False
                # `header value` is one piece: the line breaks between the pieces.
                piece = KEEP + Style.parse(style) if style else KEEP
                line.append(f"{head} {cell.plain}", style=piece)
            para(line, console, hang=width)
