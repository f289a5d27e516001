"""`ledger summarize`: the official annex 3 / annex 4 tables (or the Wuhan weekly report)."""

from __future__ import annotations

import sys
from contextlib import nullcontext
from pathlib import Path

import click

from ledgercli.commands.options import (
    force_option,
    format_option,
    input_options,
    lang_option,
    output_option,
    verbose_option,
)
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
@output_option("summarize")
@force_option("summarize")
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
@verbose_option
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
    verbose: bool,
    lang: str,
    fmt: str,
) -> None:
    """`ledger summarize` (its help: `help.summarize` in the message catalogue)."""
    from ledgercli import api
    from ledgercli.ui import summary as view
    from ledgercli.ui.console import Screen, err, machine, out

    language = lang  # decided by --lang's callback (commands/options.py)
    if input_path is None:
        if not DEFAULT_INPUT.exists():
            raise LedgerError("summary-input-missing", path=str(DEFAULT_INPUT))
        input_path = DEFAULT_INPUT
    # An output that would be refused is refused before the reading (force is given for
    # that); the workbook is written before anything is printed, so that a reader of stdout
    # that stops early (| head) never keeps it from being written.
    with Screen(language) as screen:
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
            force=force,
            lang=language,
            save=False,
            progress=screen.progress,
        )
        target = result.output_path
        with screen.writing(target) if target is not None else nullcontext():
            written = result.save(force)
    view.notices(result.run, language, err)
    if fmt == "json":
        machine(result.model_dump_json(indent=2))
    else:
        view.render(result.run, language, out, verbose, written)
        if written is not None:
            err.print(view.written(written, language), style="green")
    sys.exit(result.exit_code())


command = summarize
