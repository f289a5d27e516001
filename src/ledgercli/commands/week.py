"""`ledger week INBOX -o OUTDIR`: the weekly cycle in one command (library: weekly.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..options import format_option, input_options, jobs_option, lang_option, make_options


@click.command()
@click.argument("inbox", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    "outdir",
    required=True,
    type=click.Path(path_type=Path),
    help="The week's output folder (created; a re-run replaces the tool's own outputs there).",
)
@click.option(
    "--last",
    type=click.Path(path_type=Path),
    default=None,
    help="Last week: its output folder, its city workbook, or its inbox folder.",
)
@click.option(
    "--as-of",
    "as_of",
    default=None,
    metavar="YYYY-MM",
    help="Promises due before this month are overdue (default: the current month).",
)
@input_options
@jobs_option
@lang_option
@format_option
def week(
    inbox: Path,
    outdir: Path,
    last: Path | None,
    as_of: str | None,
    form_id: str | None,
    schema: Path | None,
    sheet: str | None,
    password: str | None,
    cutoff: str | None,
    max_unpacked_mb: int,
    units: Path | None,
    keep_copies: bool,
    jobs: int | None,
    lang: str | None,
    fmt: str,
) -> None:
    """The whole weekly cycle from one read of INBOX: marked copies and the index of returns,
    the city workbook, annex 3 and 4 (or the Wuhan weekly report), the changes since --last,
    the lapsed promises, 周报.html and week.json, all in OUTDIR.

    Exit code 0: nothing to act on; 1: files to return, or an alarm (a unit that sent
    nothing, a vanished case, a regression, a lapsed promise); 2: a submission or --last
    cannot be read, or a bad option (OUTDIR refused, nothing readable).
    """
    from ..prestart import prestart

    prestart([inbox], jobs)
    from ..console import ProgressBar
    from ..i18n import detect_lang, message
    from ..overdue import parse_month
    from ..weekly import run_week

    language = detect_lang(lang)
    click.get_current_context().obj["lang"] = language
    options = make_options(
        form_id, schema, sheet, password, cutoff, max_unpacked_mb, units, keep_copies
    )
    month = parse_month(as_of) if as_of is not None else None
    with ProgressBar(message("merge-line-reading", language)) as progress:
        report = run_week(
            inbox,
            outdir,
            options,
            last=last,
            as_of=month,
            lang=language,
            jobs=jobs,
            progress=progress,
        )
    if fmt == "json":
        click.echo(report.to_json())
    else:
        from ..console import render_week

        render_week(report, language)
    sys.exit(report.exit_code)


command = week
