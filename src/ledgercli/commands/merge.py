"""`ledger merge`: one city ledger from many submissions, nothing lost."""

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
    output_option,
    verbose_option,
)
from ledgercli.commands.words import command, option
from ledgercli.model.options import Options


@command("merge")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@output_option("merge", required=True)
@input_options
@option("--only-valid", is_flag=True, help="help.merge.only-valid")
@option(
    "--drop-duplicates",
    is_flag=True,
    help="help.merge.drop-duplicates",
)
@force_option("merge")
@verbose_option
@jobs_option
@lang_option
@format_option
def merge(
    paths: tuple[Path, ...],
    output: Path,
    options: Options,
    only_valid: bool,
    drop_duplicates: bool,
    force: bool,
    verbose: bool,
    jobs: int | None,
    lang: str,
    fmt: str,
) -> None:
    """`ledger merge` (its help: `help.merge` in the message catalogue)."""
    from ledgercli.run.prestart import prestart

    prestart(paths, jobs, ["ledgercli.merge.worker"])
    from ledgercli import api
    from ledgercli.ui import merge as view
    from ledgercli.ui.console import Screen, machine

    language = lang  # decided by --lang's callback (commands/options.py)
    with Screen(language) as screen:
        result = api.merge(
            list(paths),
            output,
            options,
            only_valid=only_valid,
            drop_duplicates=drop_duplicates,
            force=force,
            jobs=jobs,
            lang=language,
            progress=screen.progress,
            writing=lambda: screen.writing(output),
        )
    if fmt == "json":
        machine(result.model_dump_json(indent=2))
    else:
        view.render(result.result, output, language, verbose)
    sys.exit(result.exit_code())


command = merge
