"""`ledger diff OLD NEW`: what changed since last week, what vanished, what went backwards."""

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
from ledgercli.commands.words import command
from ledgercli.model.options import Options


@command("diff")
@jobs_option
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@input_options
@lang_option
@format_option
@output_option("diff")
@force_option("diff")
@limit_option("diff", 10)
@verbose_option
def diff(
    old: Path,
    new: Path,
    options: Options,
    lang: str,
    fmt: str,
    jobs: int | None,
    output: Path | None,
    force: bool,
    limit: int,
    verbose: bool,
) -> None:
    """`ledger diff` (its help: `help.diff` in the message catalogue)."""
    from ledgercli.run.prestart import prestart

    prestart([old, new], jobs, ["ledgercli.check.validate"])
    from ledgercli import api
    from ledgercli.ui import diff as view
    from ledgercli.ui.console import Screen, machine

    language = lang  # decided by --lang's callback (commands/options.py)
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
