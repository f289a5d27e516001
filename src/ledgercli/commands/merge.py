"""`ledger merge`: one city ledger from many submissions, nothing lost."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from ..i18n import register
from ..options import format_option, input_options, jobs_option, lang_option, make_options

register(
    {
        "merge-line-conservation": (
            "行数核对：读取{sheets}个工作表{read}行 = 写入{written}行 + 未写入{left_out}行{ok}",
            "rows: {read} read from {sheets} sheet(s) = {written} written + {left_out} left "
            "out{ok}",
        ),
        "merge-line-written": (
            "已写入{path}（{files}个文件合并，{skipped}个跳过，{unreadable}个无法读取）",
            "wrote {path} ({files} file(s) merged, {skipped} skipped, {unreadable} unreadable)",
        ),
        "merge-line-group": (
            "重复组{group}（{identity}）：{rows}",
            "duplicate group {group} ({identity}): {rows}",
        ),
        "merge-line-reading": ("读取", "reading"),
        "merge-line-writing": ("正在写入{path}…", "writing {path}…"),
    }
)

LABELS = {
    "zh": {
        "file": "文件",
        "unit": "单位",
        "form": "表样",
        "rows": "行数",
        "written": "写入",
        "left_out": "未写入",
        "errors": "错误",
        "warnings": "警告",
        "duplicates": "重复",
        "merged": "已合并",
        "skipped": "已跳过",
        "other-form": "表样不同",
        "unreadable": "无法读取",
        "total": "合计",
        "left_out_title": "未写入的行：",
        "groups_title": "重复案件：",
        "groups_title_units": "重复报送的单位：",
    },
    "en": {
        "file": "file",
        "unit": "unit",
        "form": "form",
        "rows": "rows",
        "written": "written",
        "left_out": "left out",
        "errors": "errors",
        "warnings": "warnings",
        "duplicates": "duplicates",
        "merged": "merged",
        "skipped": "skipped",
        "other-form": "other form",
        "unreadable": "unreadable",
        "total": "total",
        "left_out_title": "Rows left out:",
        "groups_title": "Duplicate cases:",
        "groups_title_units": "Units sent more than once:",
    },
}


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The city workbook to write (.xlsx).",
)
@input_options
@click.option(
    "--only-valid", is_flag=True, help="Leave out rows with errors (listed in the report)."
)
@click.option(
    "--drop-duplicates",
    is_flag=True,
    help="Keep only the first row of each duplicate case (the others are listed).",
)
@click.option("--force", is_flag=True, help="Overwrite the output if it exists.")
@jobs_option
@lang_option
@format_option
def merge(
    paths: tuple[Path, ...],
    output: Path,
    form_id: str | None,
    schema: Path | None,
    sheet: str | None,
    password: str | None,
    cutoff: str | None,
    max_unpacked_mb: int,
    units: Path | None,
    keep_copies: bool,
    only_valid: bool,
    drop_duplicates: bool,
    force: bool,
    jobs: int | None,
    lang: str | None,
    fmt: str,
) -> None:
    """Merge submitted ledgers (files or folders) into one city workbook.

    The workbook has the sheets 明细 (every case, with 来源文件, 来源工作表, 来源行号, 校验状态 and
    重复组), 问题 (every finding) and 来源 (every input file, with its SHA-256).

    Exit code 0: merged; 1: a file could not be read (the others are merged);
    2: nothing written (mixed forms, output exists, output is an input…).
    """
    from ..prestart import prestart

    prestart(paths, jobs)
    from ..citybook import write_city
    from ..i18n import detect_lang, message
    from ..merge import merge_paths
    from ..writer import check_output

    language = detect_lang(lang)
    click.get_current_context().obj["lang"] = language
    options = make_options(
        form_id, schema, sheet, password, cutoff, max_unpacked_mb, units, keep_copies
    )
    inputs = list(paths)
    check_output(output, inputs, force)  # before reading forty files, not after
    from ..console import ProgressBar

    with ProgressBar(message("merge-line-reading", language)) as progress:
        result = merge_paths(
            inputs,
            options,
            only_valid=only_valid,
            drop_duplicates=drop_duplicates,
            progress=progress,
            jobs=jobs,
        )
    with result:  # the rows wait in spill files until the workbook is written
        from ..console import err

        if err.is_terminal:
            with err.status(message("merge-line-writing", language, path=str(output))):
                write_city(result, output, inputs, force, language)
        else:
            write_city(result, output, inputs, force, language)
    if fmt == "json":
        from ..merge import to_json

        click.echo(json.dumps(to_json(result, language, output), ensure_ascii=False, indent=2))
    else:
        _render(result, output, language)
    sys.exit(result.exit_code())


def _render(result: Any, output: Path, lang: str) -> None:
    from rich.table import Table
    from rich.text import Text

    from ..amountunit import describe
    from ..console import out
    from ..i18n import message

    lab = LABELS[lang]
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
        shown = (
            f"{s.path.name}（{lab[s.status]}）：{reason}"
            if lang == "zh"
            else f"{s.path.name} ({lab[s.status]}): {reason}"
        )
        out.print(Text(shown, style=style))

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
    from ..console import not_reported

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


command = merge
