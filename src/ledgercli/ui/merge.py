"""The terminal view of `ledger merge`: every file, what was left out, the duplicate groups
and the row count that must balance (the progress on stderr is ui/console.py's Screen)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.text import Text

from ledgercli.model.i18n import Words, message
from ledgercli.ui import console
from ledgercli.ui.console import para

# Items (groups of rows left out for one cause, duplicate groups) listed on the terminal
# without -v: the merged workbook and the JSON hold every one.
SHOWN = 20


def render(result: Any, output: Path, lang: str, verbose: bool = False) -> None:
    """Every file merged, what happened to the others, rows left out, duplicate groups, then
    the row count that must balance and where the workbook went."""
    _files_table(result, lang)
    _file_notes(result, lang)
    _left_out_and_groups(result, lang, verbose)
    _footer(result, output, lang)


def _files_table(result: Any, lang: str) -> None:
    lab = Words("merge", lang)
    # Every merged file has the form of the merge (a second form is refused): it is said once,
    # on the total row, which leaves the file names their room.
    keys = ("rows", "written", "left_out", "errors", "warnings", "duplicates")
    heads = ((lab[k], "right") for k in keys)
    table = console.Grid(
        (lab["file"], "left"), (lab["unit"], "left"), *heads, names=2, fold=(1,), keep_end=(0,)
    )
    for s in result.sources:
        if s.status != "merged":
            continue
        table.add_row(
            s.path.name,
            s.unit or "",
            str(s.rows_read),
            str(s.rows_written),
            str(s.rows_left_out),
            Text(str(s.count("error")), style="red" if s.count("error") else ""),
            Text(str(s.count("warning")), style="yellow" if s.count("warning") else ""),
            str(s.duplicates),
        )
    t = result.totals()
    table.add_row(
        Text(lab["total"], style="bold"),
        result.form.id if result.form is not None else "",
        str(t["rows_read"]),
        str(t["rows_written"]),
        str(t["rows_left_out"]),
        str(t["errors"]),
        str(t["warnings"]),
        str(t["duplicate_rows"]),
    )
    table.print()


def _file_notes(result: Any, lang: str) -> None:
    from ledgercli.model.amountunit import describe

    lab = Words("merge", lang)
    for s in result.sources:
        if s.status == "merged":
            # A file's own warnings (a byte-identical copy kept) are about rows the count above
            # does not show, and a file with several sheets read says which: shown, not left to
            # the 问题 sheet.
            for f in s.findings:
                if f.severity == "warning" and f.row is None:
                    para(f"{s.path.name}: {f.message(lang)}", style="yellow", hang=2)
                elif f.rule == "ledger-sheets":
                    para(f"{s.path.name}: {f.message(lang)}", style="cyan", hang=2)
            # So is the unit of its amounts: converted, not counted, or in doubt.
            unit = s.report.amount_unit if s.report is not None else None
            note = describe(unit, lang)
            if note:
                style = "bold red" if unit and unit["rows_conflict"] else "yellow"
                para(f"{s.path.name}: {note}", style=style, hang=2)
            continue
        style = "bold red" if s.status == "unreadable" else "dim"
        reason = "; ".join(
            f.message(lang)
            for f in s.findings
            if f.severity != "notice" or s.status != "unreadable"
        )
        shown = lab("source-left", file=s.path.name, status=lab[s.status], reason=reason)
        para(shown, style=style, hang=2)


def _left_out_and_groups(result: Any, lang: str, verbose: bool) -> None:
    from ledgercli.model.report import one_cause

    lab = Words("merge", lang)
    left = []
    for s in result.sources:
        findings = [lo.finding for lo in s.left_out]
        # The rows of one file left out for one cause (every row without 街镇部门) are one item.
        groups = [[f] for f in findings] if verbose else one_cause(findings, console.cause)
        left += [(s, g) for g in groups]
    if left:
        console.out.print()
        console.out.print(Text(lab["left_out_title"], style="bold"))
        for s, g in left if verbose else left[:SHOWN]:
            count = f" ×{len(g)}" if len(g) > 1 else ""
            text = f"{s.path.name}{count} {console.places(g)}: {console.group_message(g, lang)}"
            para(text, indent=2, hang=4)
        _more(len(left), verbose, lang)
    if result.groups:
        console.out.print()
        by_unit = result.form is not None and result.form.one_row_per_unit
        console.out.print(
            Text(lab["groups_title_units" if by_unit else "groups_title"], style="bold")
        )
        for g in result.groups if verbose else result.groups[:SHOWN]:
            places = []
            for k, i in g.members:
                src = result.sources[k]
                places.append(f"{src.path.name} {src.data.place(i)}")
            text = message(
                "merge-line-group", lang, group=g.id, identity=g.label, rows="; ".join(places)
            )
            para(text, indent=2, hang=4)
        _more(len(result.groups), verbose, lang)


def _more(n: int, verbose: bool, lang: str) -> None:
    if not verbose and n > SHOWN:
        para(message("merge-line-more", lang, n=n - SHOWN), style="dim", indent=2)


def _footer(result: Any, output: Path, lang: str) -> None:
    t = result.totals()
    console.out.print()
    console.not_reported(result.not_reported, lang, console.out)
    ok = " ✓" if t["rows_read"] == t["rows_written"] + t["rows_left_out"] else ""
    text = message(
        "merge-line-conservation",
        lang,
        sheets=t["sheets_read"],
        read=t["rows_read"],
        written=t["rows_written"],
        left_out=t["rows_left_out"],
        ok=ok,
    )
    para(text, style="bold green")
    text = message(
        "merge-line-written",
        lang,
        path=str(output),
        files=t["merged"],
        skipped=t["skipped"],
        unreadable=t["unreadable"],
    )
    para(text, style="bold red" if t["unreadable"] else "bold")
