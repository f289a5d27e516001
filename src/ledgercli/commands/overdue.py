"""`ledger overdue LEDGER --as-of YYYY-MM`: repayment promises that lapsed unpaid."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..options import format_option, input_options, jobs_option, lang_option, make_options

if TYPE_CHECKING:
    from ..overdue import Overdue

LABELS = {
    "zh": {
        "head": "{paths}：截至{as_of}，{n}件案件中逾期未偿还{k}件，金额 {amount} 万元  表样：{form}",
        "none": "截至{as_of}没有逾期未偿还的案件",
        "units": "分单位（逾期金额从大到小）",
        "cases": "逾期案件（逾期最久的在前）",
        "unit": "街镇部门",
        "count": "件数",
        "amount": "逾期金额",
        "remaining_lapsed": "剩余金额逾期",
        "agreement_lapsed": "协议逾期",
        "oldest": "最早到期",
        "debtor": "主体名称",
        "creditor": "企业名称",
        "contract": "合同名称",
        "due": "到期月份",
        "late": "逾期月数",
        "why": "原因",
        "where": "位置",
        "total": "合计",
        "more": "另有{n}件未显示（用 --limit 0 显示全部，或 -o 输出工作簿）",
        "saved": "逾期清单已写入 {path}",
        "errors": "其中{n}件所在行有错误（标⚠），月份或金额可能不实；用 ledger validate 查看",
    },
    "en": {
        "head": "{paths}: as of {as_of}, {k} of {n} cases overdue, {amount} 万元  form: {form}",
        "none": "no overdue cases as of {as_of}",
        "units": "By unit (largest overdue amount first)",
        "cases": "Overdue cases (longest overdue first)",
        "unit": "unit",
        "count": "cases",
        "amount": "overdue",
        "remaining_lapsed": "remaining lapsed",
        "agreement_lapsed": "agreement lapsed",
        "oldest": "oldest due",
        "debtor": "debtor",
        "creditor": "creditor",
        "contract": "contract",
        "due": "due",
        "late": "months late",
        "why": "why",
        "where": "where",
        "total": "total",
        "more": "{n} more not shown (--limit 0 shows all; -o writes them to a workbook)",
        "saved": "overdue list written to {path}",
        "errors": "{n} of them are on rows with errors (marked ⚠): their months or amounts "
        "may be wrong; ledger validate lists the errors",
    },
}


def _l(lang: str, key: str, **params: Any) -> str:
    return LABELS[lang][key].format(**params)


@click.command()
@jobs_option
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--as-of",
    "as_of",
    default=None,
    metavar="YYYY-MM",
    help="A promise due before this month is overdue (default: the current month).",
)
@input_options
@lang_option
@format_option
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the overdue cases to this .xlsx.",
)
@click.option("--force", is_flag=True, help="Overwrite the -o file if it exists.")
@click.option(
    "--limit",
    type=click.IntRange(0),
    default=30,
    show_default=True,
    help="Overdue cases listed on the terminal (0: all).",
)
def overdue(
    paths: tuple[Path, ...],
    as_of: str | None,
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
    jobs: int | None,
    output: Path | None,
    force: bool,
    limit: int,
) -> None:
    """List cases whose 剩余金额约定最迟偿还时间 or 协议约定最迟偿还时间 lies before the
    as-of month while money is still owed, per unit, worst first.

    Exit code 0: nothing overdue; 1: overdue cases found; 2: a file cannot be read.
    """
    from ..i18n import detect_lang
    from ..overdue import overdue_paths, parse_month
    from ..writer import check_output

    language = detect_lang(lang)
    click.get_current_context().obj["lang"] = language
    options = make_options(
        form_id, schema, sheet, password, cutoff, max_unpacked_mb, units, keep_copies
    )
    options.jobs = jobs
    month = parse_month(as_of) if as_of is not None else None
    if output is not None:
        check_output(output, list(paths), force)
    result = overdue_paths(list(paths), options, month)
    if output is not None:
        from ..changebook import overdue_sheets, save

        save(overdue_sheets(result, language), output, list(paths), force)
    if fmt == "json":
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    else:
        render(result, language, limit)
        if output is not None:
            from ..console import err

            err.print(_l(language, "saved", path=output))
    sys.exit(1 if result.cases else 0)


def render(o: Overdue, lang: str, limit: int) -> None:
    from rich.table import Table
    from rich.text import Text

    from ..changebook import word
    from ..console import not_reported, out
    from ..summary import fmt_amount as amount  # four decimals, as every amount is shown
    from .diff import render_set_aside

    not_reported(o.side.not_reported, lang, out)
    render_set_aside([o.side], lang)
    checked = sum(len(lg) for lg in o.side.ledgers)
    if not o.cases:
        out.print(Text(_l(lang, "none", as_of=o.as_of), style="bold green"))
        return
    out.print(
        Text(
            _l(
                lang,
                "head",
                paths=", ".join(o.side.paths),
                as_of=o.as_of,
                n=checked,
                k=o.totals.cases,
                amount=amount(o.totals.amount),
                form=o.side.form.id,
            ),
            style="bold red",
        )
    )
    out.print()
    out.print(Text(_l(lang, "units"), style="bold"))
    units = Table(show_header=True, header_style="bold", box=None, pad_edge=False, padding=(0, 1))
    units.add_column(_l(lang, "unit"), no_wrap=True)
    for key in ("count", "amount", "remaining_lapsed", "agreement_lapsed"):
        units.add_column(_l(lang, key), justify="right", no_wrap=True)
    units.add_column(_l(lang, "oldest"), no_wrap=True)
    for name, t in [*o.units, (_l(lang, "total"), o.totals)]:
        units.add_row(
            name or "—",
            str(t.cases),
            amount(t.amount),
            str(t.remaining_lapsed),
            str(t.agreement_lapsed),
            t.oldest_due or "",
            style="bold" if t is o.totals else "",
        )
    out.print(units)
    out.print()
    out.print(Text(_l(lang, "cases"), style="bold"))
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False, padding=(0, 1))
    table.add_column(_l(lang, "unit"), no_wrap=True, max_width=14)
    table.add_column(_l(lang, "debtor"), max_width=18, overflow="ellipsis")
    table.add_column(_l(lang, "creditor"), max_width=18, overflow="ellipsis")
    table.add_column(_l(lang, "contract"), max_width=20, overflow="ellipsis")
    table.add_column(_l(lang, "amount"), justify="right", no_wrap=True)
    table.add_column(_l(lang, "due"), no_wrap=True)
    table.add_column(_l(lang, "late"), justify="right", no_wrap=True)
    table.add_column(_l(lang, "why"), overflow="fold")
    table.add_column(_l(lang, "where"), overflow="fold")
    shown = o.cases if limit <= 0 else o.cases[:limit]
    for oc in shown:
        c = oc.case
        where = c.place()
        if oc.row_errors:
            where = "⚠ " + where  # first: a long file name is cut at the terminal's edge
        table.add_row(
            c.unit or "—",
            str(c.get("debtor") or ""),
            str(c.get("creditor") or ""),
            str(c.get("contract") or ""),
            amount(oc.amount),
            oc.due,
            str(oc.months_late),
            ("、" if lang == "zh" else ", ").join(word(lang, r) for r in oc.reasons),
            where,
        )
    out.print(table)
    if len(o.cases) > len(shown):
        out.print(Text("  " + _l(lang, "more", n=len(o.cases) - len(shown)), style="dim"))
    if o.with_errors:
        out.print(Text(_l(lang, "errors", n=o.with_errors), style="yellow"))


command = overdue
