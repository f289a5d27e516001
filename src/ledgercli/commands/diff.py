"""`ledger diff OLD NEW`: what changed since last week, what vanished, what went backwards."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ledgercli.commands.options import format_option, input_options, jobs_option, lang_option
from ledgercli.commands.words import command, option
from ledgercli.model.options import Options


@command("diff")
@jobs_option
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@input_options
@lang_option
@format_option
@option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    default=None,
    help="help.diff.output",
)
@option("--force", is_flag=True, help="help.diff.force")
@option(
    "--limit",
    type=click.IntRange(0),
    metavar="N",
    default=20,
    show_default=True,
    help="help.diff.limit",
)
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
) -> None:
    """`ledger diff` (its help: `help.diff` in the message catalogue)."""
    from ledgercli.run.prestart import prestart

    prestart([old, new], jobs, ["ledgercli.check.validate"])
    from ledgercli import api
    from ledgercli.model.i18n import detect_lang
    from ledgercli.ui import diff as view

    language = detect_lang(lang)
    click.get_current_context().obj["lang"] = language
    options.jobs = jobs
    result = api.diff([old], [new], options, output=output, force=force, lang=language)
    if fmt == "json":
        click.echo(result.model_dump_json(indent=2))
    else:
        view.render(result.diff, language, limit)
        if output is not None:
            view.saved(output, language)
    sys.exit(result.exit_code)


command = diff
