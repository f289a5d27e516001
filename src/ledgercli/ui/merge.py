"""The terminal view of `ledger merge`: every file, what was left out, the duplicate groups and
the row count that must balance (the progress bar while files are read: console.Screen)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ledgercli.model.i18n import Words, message


def render(result: Any, output: Path, lang: str) -> None:
    """Every file merged, what happened to the others, rows left out, duplicate groups, then
    the row count that must balance and where the workbook went."""
    _files_table(result, lang)
    _file_notes(result, lang)
    _left_out_and_groups(result, lang)
    _footer(result, output, lang)


def _files_table(result: Any, lang: str) -> None:
    from rich.table import Table
    from rich.text import Text

    from ledgercli.ui.console import out

    lab = Words("merge", lang)
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False, padding=(0, 1))
    # File names are what the clerk looks for: they fold rather than lose their ends.
    table.add_column(lab["file"], overflow="fold", ratio=1)
    table.add_column(lab["unit"], overflow="fold")
    table.add_column(lab["form"], no_wrap=True)
    for key in ("rows", "written", "left_out", "errors", "warnings", "duplicates"):
        table.add_column(lab[key], justify="right", no_wrap=True)
    for s in result.sources:
        if s.status != "merged":
            continue
        table.add_row(
            s.path.name,
            s.unit or "",
            s.form or "",
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
        "",
        result.form.id if result.form is not None else "",
        str(t["rows_read"]),
        str(t["rows_written"]),
        str(t["rows_left_out"]),
        str(t["errors"]),
        str(t["warnings"]),
        str(t["duplicate_rows"]),
    )
    out.print(table)


def _file_notes(result: Any, lang: str) -> None:
    from rich.text import Text

    from ledgercli.model.amountunit import describe
    from ledgercli.ui.console import out

    lab = Words("merge", lang)
    for s in result.sources:
        if s.status == "merged":
            # A file's own warnings (a byte-identical copy kept) are about rows the count above
            # does not show, and a file with several sheets read says which: shown, not left to
            # the 问题 sheet.
            for f in s.findings:
                if f.severity == "warning" and f.row is None:
                    out.print(Text(f"{s.path.name}: {f.message(lang)}", style="yellow"))
                elif f.rule == "ledger-sheets":
                    out.print(Text(f"{s.path.name}: {f.message(lang)}", style="cyan"))
            # So is the unit of its amounts: converted, not counted, or in doubt.
            unit = s.report.amount_unit if s.report is not None else None
            note = describe(unit, lang)
            if note:
                style = "bold red" if unit and unit["rows_conflict"] else "yellow"
                out.print(Text(f"{s.path.name}: {note}", style=style))
            continue
        style = "bold red" if s.status == "unreadable" else "dim"
        reason = "; ".join(
            f.message(lang)
            for f in s.findings
            if f.severity != "notice" or s.status != "unreadable"
        )
        shown = lab("source-left", file=s.path.name, status=lab[s.status], reason=reason)
        out.print(Text(shown, style=style))


def _left_out_and_groups(result: Any, lang: str) -> None:
    from rich.text import Text

    from ledgercli.ui.console import out

    lab = Words("merge", lang)
    left = [(s, lo) for s in result.sources for lo in s.left_out]
    if left:
        out.print()
        out.print(Text(lab["left_out_title"], style="bold"))
        for s, lo in left:
            out.print(f"  {s.path.name} {lo.finding.location()}: {lo.finding.message(lang)}")
    if result.groups:
        out.print()
        by_unit = result.form is not None and result.form.one_row_per_unit
        out.print(Text(lab["groups_title_units" if by_unit else "groups_title"], style="bold"))
        for g in result.groups:
            rows = []
            for k, i in g.members:
                src = result.sources[k]
                rows.append(f"{src.path.name} {src.data.place(i)}")
            out.print(
                "  "
                + message(
                    "merge-line-group", lang, group=g.id, identity=g.label, rows="; ".join(rows)
                )
            )


def _footer(result: Any, output: Path, lang: str) -> None:
    from rich.text import Text

    from ledgercli.ui.console import not_reported, out

    t = result.totals()
    out.print()
    not_reported(result.not_reported, lang, out)
    ok = " ✓" if t["rows_read"] == t["rows_written"] + t["rows_left_out"] else ""
    out.print(
        Text(
            message(
                "merge-line-conservation",
                lang,
                sheets=t["sheets_read"],
                read=t["rows_read"],
                written=t["rows_written"],
                left_out=t["rows_left_out"],
                ok=ok,
            ),
            style="bold green",
        )
    )
    out.print(
        Text(
            message(
                "merge-line-written",
                lang,
                path=str(output),
                files=t["merged"],
                skipped=t["skipped"],
                unreadable=t["unreadable"],
            ),
            style="bold red" if t["unreadable"] else "bold",
        )
    )
