"""`ledger template`: a blank workbook for districts, with dropdowns and a 填写说明 sheet."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ledgercli.commands.options import format_option, lang_option
from ledgercli.model.i18n import register

register(
    {
        "template-written": (
            "已生成{form}空白表样：{path}（{columns}列，数据区{rows}行带下拉和校验）",
            "wrote the blank {form} template to {path} "
            "({columns} columns, {rows} data rows with dropdowns and checks)",
        ),
        "template-written-fields": (
            "已生成{form}空白表样：{path}（{columns}个栏目）",
            "wrote the blank {form} template to {path} ({columns} fields)",
        ),
        "template-not-input": (
            "{form}是汇总表，由 ledger summarize 生成，不需要空白表样；可用：{known}",
            "{form} is a summary computed by `ledger summarize`, not a form to fill; "
            "choose one of: {known}",
        ),
    }
)


@click.command()
@click.option(
    "--form",
    "form_id",
    default=None,
    help="Form id: cq-annex1, cq-annex2, wh-ledger (see `ledger forms`).",
)
@click.option(
    "--schema",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="A custom schema file (TOML) instead of a bundled form.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The .xlsx file to write.",
)
@click.option(
    "--rows",
    type=click.IntRange(1, 100_000),
    default=1000,
    show_default=True,
    help="Rows of the data area that get dropdowns and checks.",
)
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
@lang_option
@format_option
def template(
    form_id: str | None,
    schema: Path | None,
    output: Path,
    rows: int,
    force: bool,
    lang: str | None,
    fmt: str,
) -> None:
    """Write a blank template of a form: official title and header, dropdowns for every
    list, number and date checks, text format for codes and phones, and a 填写说明 sheet.

    \b
    ledger template --form cq-annex2 -o 附件2.xlsx
    ledger template --schema my-city.toml -o 台账.xlsx
    """
    from ledgercli.check.rules import load_schema
    from ledgercli.model.errors import LedgerError
    from ledgercli.model.forms import builtin_forms, get_form
    from ledgercli.model.i18n import detect_lang, message
    from ledgercli.write.template import write_template

    language = detect_lang(lang)
    click.get_current_context().obj["lang"] = language
    if (form_id is None) == (schema is None):
        raise click.UsageError("give --form or --schema (one of them)")
    if output.suffix.lower() != ".xlsx":
        raise click.BadParameter("the template is an .xlsx file", param_hint="-o/--output")
    known = ", ".join(f.id for f in builtin_forms().values() if f.kind != "summary")
    if schema is None and str(form_id) not in builtin_forms():
        raise LedgerError("unknown-form", form=str(form_id), known=known)  # no summaries listed
    form = load_schema(schema) if schema is not None else get_form(str(form_id))
    if form.kind not in ("table", "keyvalue"):
        raise LedgerError("template-not-input", form=form.id, known=known)
    write_template(form, output, force=force, rows=rows)
    columns = len(form.columns) or len(form.fields)
    shown = rows if form.kind == "table" else 0
    if fmt == "json":
        data = {"form": form.id, "path": str(output), "columns": columns, "rows": shown}
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    from ledgercli.ui.console import out

    code = "template-written" if form.kind == "table" else "template-written-fields"
    out.print(message(code, language, form=form.id, path=str(output), columns=columns, rows=shown))


command = template
