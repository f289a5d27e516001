"""`ledger forms`: the forms this tool knows."""

from __future__ import annotations

import json
from typing import Any

import click

from ledgercli.commands.options import format_option, lang_option
from ledgercli.commands.words import command, option


def _kind(kind: str, language: str) -> str:
    """A column's kind as the reader says it: 金额（万元） in Chinese; in English the schema's
    own word, which is what `--schema` files are written with (`kind.<kind>`)."""
    from ledgercli.model.i18n import Words

    return Words("kind", language)[kind]


@command("forms")
@option("-v", "--verbose", is_flag=True, help="help.forms.verbose")
@option(
    "--json-schema",
    "schema_of",
    metavar="FORM_ID",
    default=None,
    help="help.forms.json-schema",
)
@format_option
@lang_option
def forms(verbose: bool, schema_of: str | None, fmt: str, lang: str) -> None:
    """`ledger forms` (its help: `help.forms` in the message catalogue)."""
    from ledgercli.model.forms import builtin_forms
    from ledgercli.model.i18n import message

    if schema_of is not None:
        from ledgercli.check.rowmodel import json_schema

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
    language = lang  # decided by --lang's callback (commands/options.py)
    from ledgercli.ui.console import out

    # rich measures Chinese characters as two columns wide, so tables stay aligned, and
    # wraps (never cuts) a long title.
    table = _Table("forms-head", language)
    for f in known.values():
        n = len(f.columns) or len(f.fields)
        table.add(
            id=f.id,
            kind=_kind(f.kind, language),
            title=message("forms-title", language, title=f.title, title_en=f.title_en),
            columns=str(n) if n else "-",
            source=f.source,
        )
    out.print(table.table)
    if verbose:
        _details(known, language, out)


class _Table:
    """A table whose columns the catalogue lists for each language as `field:title|…`, so a
    language may leave a field out (a Chinese reader gets no column of English names)."""

    def __init__(self, head: str, language: str) -> None:
        from ledgercli.model.i18n import message
        from ledgercli.ui.console import ProseTable

        # Cells wrap as sentences (a column name folded between characters, never one a line).
        self.table = ProseTable(box=None, header_style="bold", pad_edge=False)
        self.fields: list[str] = []
        for item in message(head, language).split("|"):
            field, _, title = item.partition(":")
            self.fields.append(field)
            self.table.add_column(title, overflow="fold")

    def add(self, **values: str) -> None:
        self.table.add_row(*(values[f] for f in self.fields))


def _details(known: dict[str, Any], language: str, out: Any) -> None:
    from ledgercli.check.columns import COLUMN_CHECKS
    from ledgercli.check.rules import REGISTRY, get_rules
    from ledgercli.model.i18n import bilingual, message
    from ledgercli.ui.console import para

    for f in known.values():
        if f.kind == "summary":
            continue
        out.print(f"\n[bold]{f.id}[/bold]  {bilingual(language, f.title, f.title_en)}")
        if f.kind == "keyvalue":
            table = _Table("forms-fields-head", language)
            for fd in f.fields:
                req = message("forms-required", language) if fd.required else ""
                table.add(label=fd.label, en=fd.en, kind=_kind(fd.kind, language), required=req)
        else:
            table = _Table("forms-columns-head", language)
            for c in f.columns:
                req = _requirement(c, f, language)
                table.add(label=c.label, en=c.en, kind=_kind(c.kind, language), required=req)
        out.print(table.table)
        rules = get_rules(f.checks)
        if rules:
            out.print(f"[bold]{message('forms-checks', language)}[/bold]")
            for r in rules:
                para(_rule_line(r, language), hang=4)
    out.print(f"\n[bold]{message('forms-all-checks', language)}[/bold]")
    for code in sorted(REGISTRY):
        para(_rule_line(REGISTRY[code], language), hang=4)
    out.print(f"\n[bold]{message('forms-column-checks', language)}[/bold]")
    for check in COLUMN_CHECKS.values():
        gives = ", ".join(check.gives)
        para(f"  {check.code} ({gives}): {check.describe(language)}", hang=4)


def _rule_line(r: Any, language: str) -> str:
    from ledgercli.model.report import severity_word

    severity = severity_word(r.severity, language)
    return f"  {r.code} ({severity}): {r.describe(language)}"


def _requirement(c: Any, form: Any, language: str) -> str:
    from ledgercli.model.i18n import join, message

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
        values = join(cond.in_, language, "sep.or")
        text = message("forms-required-when", language, column=name, values=values)
    else:
        text = message("forms-required-above", language, column=name, limit=f"{cond.gt}")
    if cond.severity == "warning":
        text = message("forms-as-warning", language, text=text)
    return text


command = forms
