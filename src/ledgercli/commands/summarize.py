"""`ledger summarize`: the official annex 3 / annex 4 tables (or the Wuhan weekly report)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from ..errors import LedgerError
from ..i18n import register
from ..options import format_option, input_options, lang_option, make_options

register(
    {
        "summary-written": ("已写入 {path}", "written: {path}"),
        "summary-unreadable": (
            "{count}个文件无法读取，未计入汇总：{files}",
            "{count} file(s) cannot be read and are not counted: {files}",
        ),
    }
)

DEFAULT_INPUT = Path("city.xlsx")
MAX_TABLE_COLUMNS = 10  # figures per terminal table: wider than this stops being readable


@click.command()
@click.argument("input_path", metavar="[INPUT]", required=False, type=click.Path(path_type=Path))
@click.option(
    "--annex",
    type=click.Choice(["3", "4", "wh"]),
    default=None,
    help="3: 排查情况汇总表; 4: 化解情况汇总表; wh: the Wuhan weekly report "
    "(default: wh when the input holds only Wuhan ledgers, else 4).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Workbook to write (default annex3.xlsx / annex4.xlsx / wuhan-weekly.xlsx; with "
    "--format json or --check only when given).",
)
@click.option("--force", is_flag=True, help="Overwrite the output workbook if it exists.")
@click.option(
    "--by",
    "by",
    default=None,
    metavar="COLUMN",
    help="Group rows by this column (key or header) instead of 街镇部门 / 填报单位.",
)
@click.option(
    "--order",
    type=click.Choice(["name", "amount"]),
    default="name",
    show_default=True,
    help="Row order: by unit name, or by 拖欠金额 (largest first).",
)
@click.option("--only-valid", is_flag=True, help="Leave out rows with errors.")
@click.option("--drop-duplicates", is_flag=True, help="Count each duplicate case once.")
@click.option(
    "--check",
    "check",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="A unit's self-reported annex 3/4: list every cell that differs (exit 1 if any).",
)
@input_options
@lang_option
@format_option
def summarize(
    input_path: Path | None,
    annex: str | None,
    output: Path | None,
    force: bool,
    by: str | None,
    order: str,
    only_valid: bool,
    drop_duplicates: bool,
    check: Path | None,
    form_id: str | None,
    schema: Path | None,
    sheet: str | None,
    password: str | None,
    cutoff: str | None,
    max_unpacked_mb: int,
    units: Path | None,
    keep_copies: bool,
    lang: str | None,
    fmt: str,
) -> None:
    """Compute the official summary table from ledger rows and write it as a workbook.

    INPUT is the merged city workbook, one submission, or a folder of submissions (default:
    ./city.xlsx). Exit code 0: done; 1: an input could not be read, or --check found
    differences; 2: nothing to summarize.
    """
    from .. import summary as sm
    from ..console import err, out
    from ..i18n import detect_lang, message
    from ..validate import case_ledgers, validate_paths

    language = detect_lang(lang)
    click.get_current_context().obj["lang"] = language
    if input_path is None:
        if not DEFAULT_INPUT.exists():
            raise LedgerError("summary-input-missing", path=str(DEFAULT_INPUT))
        input_path = DEFAULT_INPUT
    if not input_path.exists():
        raise LedgerError("file-missing", path=str(input_path))
    if check is not None and not check.exists():
        raise LedgerError("file-missing", path=str(check))
    options = make_options(
        form_id, schema, sheet, password, cutoff, max_unpacked_mb, units, keep_copies
    )
    # A merged city workbook is read for its figures only; submissions are validated in full.
    options.summary_columns = sm.input_columns(by, annex)
    report, ledgers = validate_paths([input_path], options)
    ledgers, contacts = case_ledgers(ledgers)

    copies = "identical-files@kept" if keep_copies else "identical-files"
    for group in report.identical:
        _warn(err, message(copies, language, paths=" = ".join(group)))
    for code, paths in (
        ("merged-skipped", report.skipped_merged),
        ("summaries-skipped", report.skipped_summaries),
        ("contact-forms-skipped", contacts),
    ):
        if paths:
            err.print(message(code, language, paths=", ".join(paths)), style="cyan")
    from ..console import not_reported

    not_reported(report.not_reported, language, err)
    wuhan = [lg for lg in ledgers if lg.form.id == "wh-ledger"]
    cq = [lg for lg in ledgers if lg.form.id == "cq-annex2"]
    if annex is None and check is not None and cq:
        from ..reconcile import reported_annex

        annex = reported_annex(check, password)  # the table the district reported
    if annex is None:
        annex = "wh" if wuhan and not cq else "4"
    if annex == "wh":
        form, layout = sm.wuhan_layout(wuhan)
    else:
        form, layout = sm.annex_layout(annex)
    chosen = [lg for lg in ledgers if lg.form.id == layout.of]
    if not chosen:
        found = sorted({fr.form for fr in report.files if fr.form}) or ["-"]
        raise LedgerError(
            "summary-no-ledger", path=str(input_path), form=layout.of, found=", ".join(found)
        )
    by_key = sm.resolve_by(chosen[0].form, by) if by else None
    if by_key:
        layout = sm.grouped_by(layout, chosen[0].form.by_key[by_key].header)

    unreadable = [fr.path for fr in report.files if not fr.readable]
    if unreadable:
        _warn(
            err,
            message(
                "summary-unreadable", language, count=len(unreadable), files=", ".join(unreadable)
            ),
        )
    skipped = [lg.path for lg in ledgers if lg.form.id != layout.of]
    if skipped:
        names = ", ".join(Path(p).name for p in skipped)
        err.print(
            message(
                "summary-skipped-forms", language, count=len(skipped), form=layout.of, files=names
            ),
            style="cyan",
        )

    cases = sm.cases_from(chosen, layout, report, by_key)
    result = sm.summarize(
        cases,
        form,
        layout,
        order="amount" if order == "amount" else "name",
        only_valid=only_valid,
        drop_duplicates=drop_duplicates,
    )
    for caveat in result.caveats:
        _warn(err, caveat.message(language))

    default_name = {"3": "annex3.xlsx", "4": "annex4.xlsx", "wh": "wuhan-weekly.xlsx"}[annex]
    target = output
    if target is None and fmt != "json" and check is None:
        target = Path(default_name)
    inputs = [input_path, *([check] if check else [])]

    diffs: list[Any] | None = None
    skipped_units: list[str] = []
    if check is not None:
        from ..reconcile import not_compared, read_reported, reconcile

        reported = read_reported(check, result, password)
        diffs = reconcile(result, reported)
        skipped_units = not_compared(result, reported)

    from ..annexbook import write_summary

    if fmt == "json":
        if target is not None:
            write_summary(result, target, inputs, force=force, lang=language)
        data = sm.to_json(result, language)
        data["not_reported"] = report.not_reported
        if target is not None:
            data["output"] = str(target)
        # Files read and deliberately not counted, so that none vanishes from the machine's view.
        data["skipped"] = {
            "merged": report.skipped_merged,
            "summaries": report.skipped_summaries,
            "contact_forms": contacts,
            "copies": [] if keep_copies else [p for g in report.identical for p in g[1:]],
        }
        if diffs is not None:
            data["check"] = {
                "path": str(check),
                "differences": [d.to_json() for d in diffs],
                "not_compared": skipped_units,
            }
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        # The table first: a second run that finds annex4.xlsx already there still shows it.
        _render(result, out)
        if diffs is not None:
            if skipped_units:
                units_text = "、".join(skipped_units)
                text = message(
                    "check-not-compared", language, n=len(skipped_units), units=units_text
                )
                out.print(text, style="dim")
            _render_diffs(diffs, len(result.rows) - len(skipped_units), language, out)
        if target is not None:
            write_summary(result, target, inputs, force=force, lang=language)
            err.print(message("summary-written", language, path=str(target)), style="green")
    sys.exit(1 if unreadable or diffs else 0)


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

    from ..summary import fmt_figure

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

    from ..i18n import message

    if not diffs:
        console.print(Text(message("check-agrees", lang, rows=rows), style="bold green"))
        return
    heads = {
        "zh": ("单位", "列", "报送值", "应为", "依据", "行"),
        "en": ("unit", "column", "reported", "should be", "from", "row"),
    }[lang]
    against = {
        "zh": {"detail": "明细台账", "rows": "报送表各行之和", "repeated": "单位重复，同第{row}行"},
        "en": {
            "detail": "detail rows",
            "rows": "sum of its rows",
            "repeated": "unit repeats row {row}",
        },
    }[lang]
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
            against[d.against].format(row=d.computed),
            "" if d.row is None else str(d.row),
        )
    console.print(table)
    console.print(Text(message("check-differences", lang, n=len(diffs)), style="bold red"))


command = summarize
