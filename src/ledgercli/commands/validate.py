"""`ledger validate`: every problem in submitted workbooks."""

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
)
from ledgercli.commands.words import command, option
from ledgercli.model.options import Options


@command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@input_options
@lang_option
@format_option
@option("--strict", is_flag=True, help="help.validate.strict")
@limit_option("validate", 50)
@option("-v", "--verbose", is_flag=True, help="help.validate.verbose")
@option(
    "--annotate",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    default=None,
    help="help.validate.annotate",
)
@option(
    "--annotate-dir",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="DIR",
    default=None,
    help="help.validate.annotate-dir",
)
@force_option("validate")
@jobs_option
def validate(
    paths: tuple[Path, ...],
    options: Options,
    lang: str,
    fmt: str,
    strict: bool,
    limit: int,
    verbose: bool,
    annotate: Path | None,
    annotate_dir: Path | None,
    force: bool,
    jobs: int | None,
) -> None:
    """`ledger validate` (its help: `help.validate` in the message catalogue)."""
    from ledgercli.run.prestart import prestart

    prestart(paths, jobs, ["ledgercli.check.validate"])
    from ledgercli import api
    from ledgercli.ui.console import Screen, err, machine, para, render_validation

    language = lang  # decided by --lang's callback (commands/options.py)
    annotating = annotate is not None or annotate_dir is not None
    # Ledgers are only needed to name units in the index of returns; not sending every row
    # back from the workers keeps a national folder's validation small. Marked copies that
    # cannot be written are refused before any file is read.
    with Screen(language) as screen:
        checked = api.validate(
            list(paths),
            options,
            jobs=jobs,
            keep_ledgers=annotating,
            annotate_file=annotate,
            annotate_dir=annotate_dir,
            force=force,
            lang=language,
            progress=screen.progress,
        )
    if fmt == "json":
        machine(checked.model_dump_json(indent=2))
    else:
        render_validation(checked.report, language, limit=limit, verbose=verbose)
    # The report is shown first: an annotated copy that fails on the way must not hide it.
    if annotating:
        target = annotate_dir if annotate_dir is not None else annotate
        assert target is not None
        with Screen(language) as screen, screen.writing(target):
            api.annotate(
                checked,
                annotate,
                annotate_dir,
                force=force,
                password=options.password,
                lang=language,
                notify=lambda text: para(text, err),
            )
    sys.exit(checked.exit_code(strict))


command = validate
