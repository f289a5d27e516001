"""`ledger template`: a blank workbook for districts, with dropdowns and a 填写说明 sheet."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ledgercli.commands.options import (
    force_option,
    format_option,
    lang_option,
    output_option,
)
from ledgercli.commands.words import command, option, said


@command("template")
@option(
    "--form",
    "form_id",
    default=None,
    help="help.template.form",
)
@option(
    "--schema",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    default=None,
    help="help.template.schema",
)
@output_option("template", required=True)
@option(
    "--rows",
    type=click.IntRange(1, 100_000),
    metavar="N",
    default=1000,
    show_default=True,
    help="help.template.rows",
)
@force_option("template")
@lang_option
@format_option
def template(
    form_id: str | None,
    schema: Path | None,
    output: Path,
    rows: int,
    force: bool,
    lang: str,
    fmt: str,
) -> None:
    """`ledger template` (its help: `help.template` in the message catalogue)."""
    from ledgercli.check.rules import load_schema
    from ledgercli.model.errors import LedgerError
    from ledgercli.model.forms import builtin_forms, get_form
    from ledgercli.model.i18n import message
    from ledgercli.write.template import write_template

    language = lang  # decided by --lang's callback (commands/options.py)
    if (form_id is None) == (schema is None):
        raise click.UsageError(said("usage.form-or-schema"))
    if output.suffix.lower() != ".xlsx":
        raise click.BadParameter(said("usage.template-xlsx"), param_hint="-o/--output")
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
