"""`ledger overdue LEDGER --as-of YYYY-MM`: repayment promises that lapsed unpaid."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ledgercli.commands.options import (
    force_option,
    format_option,
    input_options,
    jobs_option,
    lang_option,
    limit_option,
    output_option,
    verbose_option,
)
from ledgercli.commands.words import command, option
from ledgercli.model.options import Options


@command("overdue")
@jobs_option
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@option(
    "--as-of",
    "as_of",
    default=None,
    metavar="YYYY-MM",
    help="help.overdue.as-of",
)
@input_options
@lang_option
@format_option
@output_option("overdue")
@force_option("overdue")
@limit_option("overdue", 15)
@verbose_option
def overdue(
    paths: tuple[Path, ...],
    as_of: str | None,
    options: Options,
    lang: str,
    fmt: str,
    jobs: int | None,
    output: Path | None,
    force: bool,
    limit: int,
    verbose: bool,
) -> None:
    """`ledger overdue` (its help: `help.overdue` in the message catalogue)."""
    from ledgercli import api
    from ledgercli.ui import overdue as view
    from ledgercli.ui.console import Screen, machine

    language = lang  # decided by --lang's callback (commands/options.py)
    options.jobs = jobs
    with Screen(language) as screen:
        result = api.overdue(
            list(paths),
            options,
            as_of=as_of,
            output=output,
            force=force,
            lang=language,
            progress=screen.progress,
            writing=screen.writing,
        )
    if fmt == "json":
        machine(result.model_dump_json(indent=2))
    else:
        view.render(result.overdue, language, limit, verbose)
        if output is not None:
            view.saved(output, language)
    sys.exit(result.exit_code)


command = overdue
