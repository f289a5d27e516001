"""`ledger diff OLD NEW`: what changed since last week, what vanished, what went backwards."""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..options import format_option, input_options, jobs_option, lang_option, make_options

if TYPE_CHECKING:
    from ..diff import Change, Diff

LABELS = {
    "zh": {
        "head": "上周：{old}（{n_old}件）  →  本周：{new}（{n_new}件）  表样：{form}",
        "vanished": "消失案件 {n}件：拖欠金额 {owed} 万元，剩余 {rest} 万元（上周在册，本周不见）",
        "regression": "倒退 {n}件（剩余金额增加、化解状态倒退、拖欠金额变化）",
        "new": "新增案件 {n}件，拖欠金额 {owed} 万元",
        "repaid": "本周偿还 {amount} 万元（{n}件）",
        "status": "化解状态推进 {n}件",
        "changed": "关键字段变更 {n}件",
        "corrected": "标识字段更正后匹配 {n}件",
        "suspect": "疑似按元填写 {n}件：本周拖欠金额是上周同一案件的上千倍，合计{owed}万元，"
        "占本周拖欠金额的{percent}%（已计入，请核实）",
        "none": "两周之间没有变化",
        "units": "分单位",
        "more": "另有{n}条未显示（用 --limit 0 显示全部，或 -o 输出变更工作簿）",
        "unit": "街镇部门",
        "debtor": "主体名称",
        "creditor": "企业名称",
        "contract": "合同名称",
        "owed": "拖欠金额",
        "remaining": "剩余金额",
        "amount": "金额",
        "what": "变化",
        "where": "位置",
        "cases": "件数 上周→本周",
        "n_new": "新增",
        "n_vanished": "消失",
        "n_repaid": "本周偿还",
        "n_status": "推进",
        "n_regression": "倒退",
        "n_changed": "变更",
        "n_corrected": "更正",
        "total": "合计",
        "errors": "注意：上周{old}行、本周{new}行有错误，相关金额可能不准",
        "saved": "变更工作簿已写入 {path}",
        "alarm": "有未报送单位、消失案件或倒退（退出码1）",
        "not_reported": "未报送 {n}个单位：本周没有报送任何文件（其上周案件计在该单位名下，不逐件列为消失案件）",
        "not_reported_unit": "  {unit}：上周{cases}件，拖欠金额 {owed} 万元，剩余 {rest} 万元",
        "n_not_reported": "未报送",
        "skipped": "未参与比较（不是{form}表样）：{paths}",
    },
    "en": {
        "head": "old: {old} ({n_old} cases)  →  new: {new} ({n_new} cases)  form: {form}",
        "vanished": "{n} VANISHED case(s): owed {owed} 万元, remaining {rest} 万元 "
        "(there last week, gone now)",
        "regression": "{n} regression(s) (remaining up, status backwards, amount owed changed)",
        "new": "{n} new case(s), owed {owed} 万元",
        "repaid": "repaid this week: {amount} 万元 ({n} case(s))",
        "status": "{n} status move(s) forward",
        "changed": "{n} case(s) with key fields changed",
        "corrected": "{n} case(s) matched after their identity was corrected",
        "suspect": "{n} amount(s) owed look typed in yuan: thousands of times last week's "
        "figure of the same case, {owed} 万元 in all, {percent}% of this week's amount owed "
        "(counted: please check them)",
        "none": "no changes between the two weeks",
        "units": "By unit",
        "more": "{n} more not shown (--limit 0 shows all; -o writes them all to a workbook)",
        "unit": "unit",
        "debtor": "debtor",
        "creditor": "creditor",
        "contract": "contract",
        "owed": "owed",
        "remaining": "remaining",
        "amount": "amount",
        "what": "change",
        "where": "where",
        "cases": "cases old→new",
        "n_new": "new",
        "n_vanished": "vanished",
        "n_repaid": "repaid",
        "n_status": "moves",
        "n_regression": "regress.",
        "n_changed": "changed",
        "n_corrected": "corrected",
        "total": "total",
        "errors": "note: {old} row(s) of the old and {new} of the new ledger have errors; "
        "their amounts may be wrong",
        "saved": "change workbook written to {path}",
        "alarm": "units that sent nothing, vanished cases or regressions found (exit code 1)",
        "not_reported": "{n} unit(s) NOT REPORTED: nothing sent this week (their cases of last "
        "week are counted under the unit, not listed one by one as vanished)",
        "not_reported_unit": "  {unit}: {cases} case(s) last week, owed {owed} 万元, "
        "remaining {rest} 万元",
        "n_not_reported": "not rep.",
        "skipped": "not compared (not {form}): {paths}",
    },
}


def _l(lang: str, key: str, **params: Any) -> str:
    return LABELS[lang][key].format(**params)


@click.command()
@jobs_option
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@input_options
@lang_option
@format_option
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write every change to this .xlsx (one sheet per kind of change).",
)
@click.option("--force", is_flag=True, help="Overwrite the -o file if it exists.")
@click.option(
    "--limit",
    type=click.IntRange(0),
    default=20,
    show_default=True,
    help="Cases listed per kind of change on the terminal (0: all).",
)
def diff(
    old: Path,
    new: Path,
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
    """Compare last week's ledger (OLD) with this week's (NEW): files or folders of one form.

    Lists vanished cases, regressions, new cases, repayments, status moves and changed key
    fields, per unit and in total.

    A unit with cases last week (or on the --units roster) that sent nothing this week is
    named once as 未报送; its cases are not listed one by one as vanished.

    Exit code 0: nothing alarming; 1: a unit sent nothing, a case vanished or went backwards;
    2: a file cannot be read (its cases would otherwise all look vanished).
    """
    from ..prestart import prestart

    prestart([old, new], jobs)
    from ..diff import diff_paths
    from ..i18n import detect_lang
    from ..writer import check_output

    language = detect_lang(lang)
    click.get_current_context().obj["lang"] = language
    options = make_options(
        form_id, schema, sheet, password, cutoff, max_unpacked_mb, units, keep_copies
    )
    options.jobs = jobs
    if output is not None:
        check_output(output, [old, new], force)  # fail before the reading, not after
    result = diff_paths([old], [new], options)
    if output is not None:
        from ..changebook import diff_sheets, save

        save(diff_sheets(result, language), output, [old, new], force)
    if fmt == "json":
        click.echo(json.dumps(result.to_json(language), ensure_ascii=False, indent=2))
    else:
        render(result, language, limit)
        if output is not None:
            from ..console import err

            err.print(_l(language, "saved", path=output))
    sys.exit(1 if result.alarming else 0)


def render(d: Diff, lang: str, limit: int) -> None:
    from rich.text import Text

    from ..console import out

    t = d.totals
    out.print(
        Text(
            _l(
                lang,
                "head",
                old=", ".join(d.old.paths),
                new=", ".join(d.new.paths),
                n_old=t.cases_old,
                n_new=t.cases_new,
                form=d.form.id,
            ),
            style="bold",
        )
    )

    render_set_aside([d.old, d.new], lang)
    skipped = [*d.old.skipped, *d.new.skipped]
    if skipped:
        out.print(
            Text(_l(lang, "skipped", form=d.form.id, paths=", ".join(skipped)), style="yellow")
        )
    if d.old.rows_with_errors or d.new.rows_with_errors:
        out.print(
            Text(
                _l(lang, "errors", old=d.old.rows_with_errors, new=d.new.rows_with_errors),
                style="yellow",
            )
        )
    out.print()
    from ..summary import fmt_amount as amount  # four decimals, as every amount is shown

    sections = [
        (
            "vanished",
            "bold red",
            dict(owed=amount(t.vanished_amount), rest=amount(t.vanished_remaining)),
        ),
        ("regression", "bold red", {}),
        ("new", "bold", dict(owed=amount(t.new_amount))),
        ("repaid", "bold green", dict(amount=amount(t.repaid))),
        ("status", "green", {}),
        ("changed", "yellow", {}),
        ("corrected", "cyan", {}),
    ]
    if d.not_reported:
        out.print(Text(_l(lang, "not_reported", n=len(d.not_reported)), style="bold red"))
        for name in d.not_reported:
            u = d.units[name]
            out.print(
                _l(
                    lang,
                    "not_reported_unit",
                    unit=name,
                    cases=u.not_reported_cases,
                    owed=amount(u.not_reported_owed),
                    rest=amount(u.not_reported_remaining),
                )
            )
        out.print()
    if not d.changes and not d.not_reported:
        out.print(Text(_l(lang, "none"), style="bold green"))
    for kind, style, params in sections:
        changes = d.of(kind)
        if not changes:
            continue
        out.print(Text(_l(lang, kind, n=len(changes), **params), style=style))
        _cases_table(changes, lang, limit)
        out.print()
    if d.suspects:
        owed = sum((x.new.owed for x in d.suspects), Decimal(0))
        share = d.suspect_share()
        text = _l(lang, "suspect", n=len(d.suspects), owed=amount(owed), percent=share or "—")
        out.print(Text(text, style="yellow"))
        for x in d.suspects[: limit or None]:
            f = x.finding()
            where = f"{Path(x.new.ledger.path).name} {f.location()}"
            out.print(Text(f"  {where}: {f.message(lang)}", style="yellow"))
        out.print()
    if len(d.units) > 1 or d.changes or d.not_reported:
        _units_table(d, lang)
    if d.alarming:
        out.print(Text(_l(lang, "alarm"), style="bold red"))


def _what(ch: Change, lang: str) -> str:
    from ..changebook import status_word, word
    from ..summary import fmt_amount as amount  # four decimals, as every amount is shown

    if ch.kind in ("new", "vanished"):
        c = ch.case
        return f"{status_word(lang, c.status)} · {_l(lang, 'remaining')} {amount(c.remaining)}"
    o, n = ch.old, ch.new
    assert o is not None and n is not None
    if ch.kind == "repaid":
        return f"+{amount(ch.amount)}  ({amount(o.repaid)} → {amount(n.repaid)})"
    if ch.kind == "status":
        return f"{status_word(lang, o.status)} → {status_word(lang, n.status)}"
    if ch.kind == "regression":
        parts = []
        for r in ch.reasons:
            if r == "remaining-up":
                parts.append(f"{word(lang, r)} {amount(o.remaining)} → {amount(n.remaining)}")
            elif r == "status-back":
                parts.append(
                    f"{word(lang, r)} {status_word(lang, o.status)} → {status_word(lang, n.status)}"
                )
            elif r == "owed-changed":
                parts.append(f"{word(lang, r)} {amount(o.owed)} → {amount(n.owed)}")
            else:
                parts.append(f"{word(lang, r)} {amount(o.repaid)} → {amount(n.repaid)}")
        return "; ".join(parts)
    return "; ".join(f"{f['header']}: {_show(f['old'])} → {_show(f['new'])}" for f in ch.fields)


def _show(value: Any) -> str:
    return "—" if value is None or value == "" else str(value)


def render_set_aside(sides: list[Any], lang: str) -> None:
    """What was read and deliberately not counted: copies of a file, contact forms."""
    from rich.text import Text

    from ..console import out
    from ..i18n import message

    for side in sides:
        code = "identical-files@kept" if side.keep_copies else "identical-files"
        for group in side.identical:
            out.print(Text(message(code, lang, paths=" = ".join(group)), style="yellow"))
    contacts = [p for side in sides for p in side.contacts]
    if contacts:
        out.print(
            Text(message("contact-forms-skipped", lang, paths=", ".join(contacts)), style="cyan")
        )


def _where(ch: Change) -> str:
    return " → ".join(c.place() for c in (ch.old, ch.new) if c is not None)


def _cases_table(changes: list[Change], lang: str, limit: int) -> None:
    from rich.table import Table
    from rich.text import Text

    from ..console import out
    from ..summary import fmt_amount as amount  # four decimals, as every amount is shown

    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False, padding=(0, 1))
    table.add_column(_l(lang, "unit"), no_wrap=True, max_width=14)
    table.add_column(_l(lang, "debtor"), max_width=18, overflow="ellipsis")
    table.add_column(_l(lang, "creditor"), max_width=18, overflow="ellipsis")
    table.add_column(_l(lang, "contract"), max_width=20, overflow="ellipsis")
    table.add_column(_l(lang, "owed"), justify="right", no_wrap=True)
    # What changed is what the clerk reads: folded onto more lines, never cut.
    table.add_column(_l(lang, "what"), ratio=1, overflow="fold")
    table.add_column(_l(lang, "where"), no_wrap=True)
    shown = changes if limit <= 0 else changes[:limit]
    for ch in shown:
        c = ch.case
        table.add_row(
            ch.unit,
            _show(c.get("debtor")),
            _show(c.get("creditor")),
            _show(c.get("contract")),
            amount(c.owed),
            _what(ch, lang),
            _where(ch),
        )
    out.print(table)
    if len(changes) > len(shown):
        out.print(Text("  " + _l(lang, "more", n=len(changes) - len(shown)), style="dim"))


def _units_table(d: Diff, lang: str) -> None:
    from rich.table import Table
    from rich.text import Text

    from ..console import out
    from ..diff import Tally
    from ..summary import fmt_amount as amount

    out.print(Text(_l(lang, "units"), style="bold"))
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False, padding=(0, 1))
    table.add_column(_l(lang, "unit"), no_wrap=True)
    table.add_column(_l(lang, "cases"), justify="right", no_wrap=True)
    table.add_column(_l(lang, "n_not_reported"), justify="right", no_wrap=True)
    for key in ("n_vanished", "n_regression", "n_new", "n_repaid", "n_status", "n_changed"):
        table.add_column(_l(lang, key), justify="right", no_wrap=True)
    table.add_column(_l(lang, "n_corrected"), justify="right", no_wrap=True)

    def row(name: str, t: Tally, style: str = "", missing: bool = False) -> None:
        table.add_row(
            name,
            f"{t.cases_old}→{t.cases_new}",
            Text(
                f"{t.not_reported_cases} ({amount(t.not_reported_owed)})" if missing else "",
                style="bold red" if missing else "",
            ),
            Text(
                f"{t.vanished} ({amount(t.vanished_amount)})" if t.vanished else "0",
                style="bold red" if t.vanished else "",
            ),
            Text(str(t.regressions), style="red" if t.regressions else ""),
            str(t.new),
            amount(t.repaid),
            str(t.status_moves),
            str(t.changed),
            str(t.corrected),
            style=style,
        )

    for unit, t in d.units_worst_first():
        row(unit or "—", t, missing=unit in d.not_reported)
    row(_l(lang, "total"), d.totals, "bold", missing=bool(d.not_reported))
    out.print(table)


command = diff
