"""`ledger week INBOX -o OUTDIR`: the weekly cycle in one command (library: week/)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ledgercli.commands.options import format_option, input_options, jobs_option, lang_option
from ledgercli.commands.words import command, option
from ledgercli.model.options import Options


@command("week")
@click.argument("inbox", type=click.Path(path_type=Path))
@option(
    "-o",
    "--output",
    "outdir",
    required=True,
    type=click.Path(path_type=Path),
    metavar="OUTDIR",
    help="help.week.output",
)
@option(
    "--last",
    type=click.Path(path_type=Path),
    default=None,
    metavar="PATH",
    help="help.week.last",
)
@option("--as-of", "as_of", default=None, metavar="YYYY-MM", help="help.overdue.as-of")
@input_options
@jobs_option
@lang_option
@format_option
def week(
    inbox: Path,
    outdir: Path,
    last: Path | None,
    as_of: str | None,
    options: Options,
    jobs: int | None,
    lang: str,
    fmt: str,
) -> None:
    """`ledger week` (its help: `help.week` in the message catalogue)."""
    from ledgercli.run.prestart import prestart

    prestart([inbox], jobs, ["ledgercli.merge.worker"])
    from ledgercli import api
    from ledgercli.ui import week as view
    from ledgercli.ui.console import Screen, machine

    language = lang  # decided by --lang's callback (commands/options.py)
    with Screen(language) as screen:
        report = api.week(
            inbox,
            outdir,
            options,
            last=last,
            as_of=as_of,
            jobs=jobs,
            lang=language,
            progress=screen.progress,
        )
    if fmt == "json":
        machine(report.model_dump_json(indent=2))
    else:
        view.render(report, language)
    sys.exit(report.exit_code)


command = week
