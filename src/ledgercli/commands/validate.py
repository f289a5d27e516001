"""`ledger validate`: every problem in submitted workbooks."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..errors import LedgerError
from ..options import format_option, input_options, jobs_option, lang_option, make_options


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@input_options
@lang_option
@format_option
@click.option("--strict", is_flag=True, help="Count warnings as errors in the exit code.")
@click.option(
    "--limit",
    type=click.IntRange(0),
    default=50,
    show_default=True,
    help="Findings shown per file (0: all).",
)
@click.option("-v", "--verbose", is_flag=True, help="Also list every notice.")
@click.option(
    "--annotate",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write a copy of the (one) submission with every finding marked on its cell.",
)
@click.option(
    "--annotate-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Write a marked copy of every file with findings, and index.xlsx of who must fix what.",
)
@click.option("--force", is_flag=True, help="Overwrite annotated copies that already exist.")
@jobs_option
def validate(
    paths: tuple[Path, ...],
    form_id: str | None,
    schema: Path | None,
    sheet: str | None,
    password: str | None,
    cutoff: str | None,
    max_unpacked_mb: int,
    units: Path | None,
    keep_copies: bool,
    lang: str | None,
    fmt: str,
    strict: bool,
    limit: int,
    verbose: bool,
    annotate: Path | None,
    annotate_dir: Path | None,
    force: bool,
    jobs: int | None,
) -> None:
    """Check submitted workbooks (files or folders) and list every problem.

    Exit code 0: no errors; 1: errors (or warnings with --strict); 2: a file cannot be read.
    """
    from ..prestart import prestart

    prestart(paths, jobs)
    from ..i18n import detect_lang
    from ..validate import validate_paths

    language = detect_lang(lang)
    click.get_current_context().obj["lang"] = language
    options = make_options(
        form_id, schema, sheet, password, cutoff, max_unpacked_mb, units, keep_copies
    )
    annotating = annotate is not None or annotate_dir is not None
    if annotate_dir is not None:
        from ..annotate import check_annotate_dir

        check_annotate_dir(annotate_dir, list(paths))
    # Ledgers are only needed to name units in the index of returns; not sending every row
    # back from the workers keeps a national folder's validation small.
    report, ledgers = validate_paths(list(paths), options, jobs=jobs, keep_ledgers=annotating)
    if not report.files:
        raise LedgerError("no-inputs", path=", ".join(map(str, paths)))
    if fmt == "json":
        click.echo(json.dumps(report.to_json(language), ensure_ascii=False, indent=2))
    else:
        from ..console import render_validation

        render_validation(report, language, limit=limit, verbose=verbose)
    # The report is shown first: an annotated copy that cannot be written must not hide it.
    if annotating:
        from ..annotate import annotate_reports

        annotate_reports(
            report,
            ledgers,
            annotate,
            annotate_dir,
            language,
            force,
            password=password,
            notify=lambda text: click.echo(text, err=True),
        )
    sys.exit(report.exit_code(strict))


command = validate
