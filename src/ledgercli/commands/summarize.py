"""`ledger summarize`: the official annex 3 / annex 4 tables (or the Wuhan weekly report)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ledgercli.commands.options import format_option, input_options, lang_option
from ledgercli.commands.words import command, option
from ledgercli.model.errors import LedgerError
from ledgercli.model.options import Options

DEFAULT_INPUT = Path("city.xlsx")


@command("summarize")
@click.argument("input_path", metavar="[INPUT]", required=False, type=click.Path(path_type=Path))
@option(
    "--annex",
    type=click.Choice(["3", "4", "wh"]),
    default=None,
    help="help.summarize.annex",
)
@option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    default=None,
    help="help.summarize.output",
)
@option("--force", is_flag=True, help="help.summarize.force")
@option(
    "--by",
    "by",
    default=None,
    metavar="COLUMN",
    help="help.summarize.by",
)
@option(
    "--order",
    type=click.Choice(["name", "amount"]),
    default="name",
    show_default=True,
    help="help.summarize.order",
)
@option("--only-valid", is_flag=True, help="help.summarize.only-valid")
@option("--drop-duplicates", is_flag=True, help="help.summarize.drop-duplicates")
@option(
    "--check",
    "check",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    default=None,
    help="help.summarize.check",
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
    options: Options,
    lang: str | None,
    fmt: str,
) -> None:
    """`ledger summarize` (its help: `help.summarize` in the message catalogue)."""
    from ledgercli import api
    from ledgercli.model.i18n import detect_lang
    from ledgercli.ui import summary as view
    from ledgercli.ui.console import err, out

    language = detect_lang(lang)
    click.get_current_context().obj["lang"] = language
    if input_path is None:
        if not DEFAULT_INPUT.exists():
            raise LedgerError("summary-input-missing", path=str(DEFAULT_INPUT))
        input_path = DEFAULT_INPUT
    result = api.summarize(
        input_path,
        options,
        annex=annex,
        by=by,
        order="amount" if order == "amount" else "name",
        only_valid=only_valid,
        drop_duplicates=drop_duplicates,
        check=check,
        output=output,
        default_output=fmt != "json" and check is None,
        lang=language,
        save=False,
    )
    view.notices(result.run, language, err)
    if fmt == "json":
        result.save(force)
        click.echo(result.model_dump_json(indent=2))
    else:
        # The table first: a second run that finds annex4.xlsx already there still shows it.
        view.render(result.run, language, out)
        written = result.save(force)
        if written is not None:
            err.print(view.written(written, language), style="green")
    sys.exit(result.exit_code())


command = summarize
