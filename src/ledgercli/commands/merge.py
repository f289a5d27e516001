"""`ledger merge`: one city ledger from many submissions, nothing lost."""

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
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The city workbook to write (.xlsx).",
)
@input_options
@click.option(
    "--only-valid", is_flag=True, help="Leave out rows with errors (listed in the report)."
)
@click.option(
    "--drop-duplicates",
    is_flag=True,
    help="Keep only the first row of each duplicate case (the others are listed).",
)
@click.option("--force", is_flag=True, help="Overwrite the output if it exists.")
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
    lang: str | None,
    fmt: str,
) -> None:
    """Merge submitted ledgers (files or folders) into one city workbook.

    The workbook has the sheets 明细 (every case, with 来源文件, 来源工作表, 来源行号, 校验状态 and
    重复组), 问题 (every finding) and 来源 (every input file, with its SHA-256).

    Exit code 0: merged; 1: a file could not be read (the others are merged);
    2: nothing written (mixed forms, output exists, output is an input…).
    """
    from ledgercli.run.prestart import prestart

    prestart(paths, jobs, ["ledgercli.merge.worker"])
    from ledgercli import api
    from ledgercli.model.i18n import detect_lang
    from ledgercli.ui import merge as view
    from ledgercli.ui.console import Screen, machine

    language = detect_lang(lang)
    click.get_current_context().obj["lang"] = language
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
