"""`ledger forms`: the forms this tool knows."""

from __future__ import annotations

import json
from typing import Any

import click

from ..i18n import register
from ..options import format_option, lang_option

register(
    {
        "forms-head": ("表样|类型|名称|列数|来源", "id|kind|title|columns|source"),
        "forms-columns-head": ("列|英文名|类型|必填", "column|English|kind|required"),
        "forms-fields-head": ("栏目|英文名|类型|必填", "field|English|kind|required"),
        "forms-required": ("必填", "required"),
        "forms-warn-blank": ("空白时警告", "warning if blank"),
        "forms-required-when": ("{column}为{values}时必填", "required when {column} is {values}"),
        "forms-required-above": ("{column}大于{limit}时必填", "required when {column} > {limit}"),
        "forms-checks": ("跨列检查", "cross-column checks"),
        "forms-all-checks": ("全部检查", "all checks"),
        "forms-severity-error": ("错误", "error"),
        "forms-severity-warning": ("警告", "warning"),
    }
)

# The kinds as a clerk reads them; English keeps the schema's own words, which are what
# `--schema` files are written with.
_KINDS_ZH = {
    "table": "明细表",
    "keyvalue": "栏目表",
    "summary": "汇总表",
    "text": "文本",
    "integer": "整数",
    "amount": "金额（万元）",
    "month": "年月",
    "date": "日期",
    "credit_code": "统一社会信用代码",
    "phone": "电话",
    "enum": "选项",
}


def _kind(kind: str, language: str) -> str:
    return _KINDS_ZH.get(kind, kind) if language == "zh" else kind


@click.command()
@click.option("-v", "--verbose", is_flag=True, help="Also list every column and check.")
@click.option(
    "--json-schema",
    "schema_of",
    metavar="FORM_ID",
    default=None,
    help="Print the JSON Schema of one row of FORM_ID (for systems that receive the data).",
)
@format_option
@lang_option
def forms(verbose: bool, schema_of: str | None, fmt: str, lang: str | None) -> None:
    """List the forms (schemas) this tool knows."""
    from ..forms import builtin_forms
    from ..i18n import detect_lang

    if schema_of is not None:
        from ..rowmodel import json_schema

        click.echo(json.dumps(json_schema(schema_of), ensure_ascii=False, indent=2))
        return
    known = builtin_forms()
    if fmt == "json":
        data = [
            {
                "id": f.id,
                "kind": f.kind,
                "title": f.title,
                "title_en": f.title_en,
                "source": f.source,
                "columns": [c.header for c in f.columns] or [fd.label for fd in f.fields],
                "checks": f.checks,
            }
            for f in known.values()
        ]
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    language = detect_lang(lang)
    click.get_current_context().obj["lang"] = language
    from ..console import out

    # rich measures Chinese characters as two columns wide, so tables stay aligned, and
    # wraps (never cuts) a long title.
    table = _table("forms-head", language)
    for f in known.values():
        n = len(f.columns) or len(f.fields)
        title = f.title if language == "zh" else f"{f.title_en}\n{f.title}"
        table.add_row(f.id, _kind(f.kind, language), title, str(n) if n else "-", f.source)
    out.print(table)
    if verbose:
        _details(known, language, out)


def _table(head: str, language: str) -> Any:
    from rich.table import Table

    from ..i18n import message

    table = Table(box=None, header_style="bold", pad_edge=False)
    for name in message(head, language).split("|"):
        table.add_column(name, overflow="fold")
    return table


def _details(known: dict[str, Any], language: str, out: Any) -> None:
    from ..i18n import message
    from ..rules import REGISTRY, get_rules

    for f in known.values():
        if f.kind == "summary":
            continue
        out.print(f"\n[bold]{f.id}[/bold]  {f.title if language == 'zh' else f.title_en}")
        if f.kind == "keyvalue":
            table = _table("forms-fields-head", language)
            for fd in f.fields:
                req = message("forms-required", language) if fd.required else ""
                table.add_row(fd.label, fd.en, _kind(fd.kind, language), req)
        else:
            table = _table("forms-columns-head", language)
            for c in f.columns:
                table.add_row(c.label, c.en, _kind(c.kind, language), _requirement(c, f, language))
        out.print(table)
        rules = get_rules(f.checks)
        if rules:
            out.print(f"[bold]{message('forms-checks', language)}[/bold]")
            for r in rules:
                out.print(_rule_line(r, language))
    out.print(f"\n[bold]{message('forms-all-checks', language)}[/bold]")
    for code in sorted(REGISTRY):
        out.print(_rule_line(REGISTRY[code], language))


def _rule_line(r: Any, language: str) -> str:
    from rich.markup import escape

    from ..i18n import message

    severity = message(f"forms-severity-{r.severity}", language)
    return escape(f"  {r.code} ({severity}): {r.describe(language)}")


def _requirement(c: Any, form: Any, language: str) -> str:
    from ..i18n import message

    if c.required is True:
        return message("forms-required", language)
    if c.required == "warning":
        return message("forms-warn-blank", language)
    cond = c.required_when
    if cond is None:
        return ""
    other = form.by_key.get(cond.column)
    name = other.header if other is not None else cond.column
    if cond.in_ is not None:
        values = ("、" if language == "zh" else " or ").join(cond.in_)
        text = message("forms-required-when", language, column=name, values=values)
    else:
        text = message("forms-required-above", language, column=name, limit=f"{cond.gt}")
    if cond.severity == "warning":
        text += "（警告）" if language == "zh" else " (warning)"
    return text


command = forms
