"""`ledger diff OLD NEW`: what changed since last week, what vanished, what went backwards."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ledgercli.commands.options import (
    format_option,
    input_options,
    jobs_option,
    lang_option,
    verbose_option,
)
from ledgercli.model.options import Options


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
    default=10,
    show_default=True,
    help="Items listed per kind of change on the terminal (0: all).",
)
@verbose_option
def diff(
    old: Path,
    new: Path,
    options: Options,
    lang: str | None,
    fmt: str,
    jobs: int | None,
    output: Path | None,
    force: bool,
    limit: int,
    verbose: bool,
) -> None:
    """Compare last week's ledger (OLD) with this week's (NEW): files or folders of one form.

    Lists vanished cases, regressions, new cases, repayments, status moves and changed key
    fields, per unit and in total.

    A unit with cases last week (or on the --units roster) that sent nothing this week is
    named once as 未报送; its cases are not listed one by one as vanished.

    Exit code 0: nothing alarming; 1: a unit sent nothing, a case vanished or went backwards;
    2: a file cannot be read (its cases would otherwise all look vanished).
    """
    from ledgercli.run.prestart import prestart

    prestart([old, new], jobs, ["ledgercli.check.validate"])
    from ledgercli import api
    from ledgercli.model.i18n import detect_lang
    from ledgercli.ui import diff as view
    from ledgercli.ui.console import Screen, machine

    language = detect_lang(lang)
    click.get_current_context().obj["lang"] = language
    options.jobs = jobs
    with Screen(language) as screen:
        result = api.diff(
            [old],
            [new],
            options,
            output=output,
            force=force,
            lang=language,
            progress=screen.progress,
            writing=screen.writing,
        )
    if fmt == "json":
        machine(result.model_dump_json(indent=2))
    else:
        view.render(result.diff, language, limit, verbose)
        if output is not None:
            view.saved(output, language)
    sys.exit(result.exit_code)


command = diff
