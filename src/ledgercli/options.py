"""Options several commands share, defined once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def lang_option(fn: F) -> F:
    return click.option(
        "--lang",
        type=click.Choice(["zh", "en"]),
        default=None,
        help="Language of messages (default: from LANG/LC_ALL; 中文 when the locale is zh).",
    )(fn)


def format_option(fn: F) -> F:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["table", "json"]),
        default="table",
        show_default=True,
        help="table for people, json for programs (see README).",
    )(fn)


def jobs_option(fn: F) -> F:
    """--jobs N: how many processes read files (default: every core; 1 reads in-process)."""
    return click.option(
        "--jobs",
        "-j",
        type=click.IntRange(1),
        default=None,
        metavar="N",
        help="Read files on N processes (default: every core). The result is the same.",
    )(fn)


def input_options(fn: F) -> F:
    """Options every command that reads submissions shares."""
    for opt in reversed(
        [
            click.option(
                "--form",
                "form_id",
                default=None,
                help="Form id (see `ledger forms`); default: detected from the header.",
            ),
            click.option(
                "--schema",
                type=click.Path(dir_okay=False, path_type=Path),
                default=None,
                help="A custom schema file (TOML) for another city's variant.",
            ),
            click.option("--sheet", default=None, help="Sheet name; default: found by content."),
            click.option("--password", default=None, help="Password of protected workbooks."),
            click.option(
                "--cutoff",
                default=None,
                metavar="YYYY-MM",
                help="Screening cut-off month (default: the form's, 2022-05 for annex 2).",
            ),
            click.option(
                "--units",
                "units",
                type=click.Path(path_type=Path),
                default=None,
                metavar="FILE",
                help="Roster of units: annex-1 forms (a file, a folder, or a merged roster) or "
                "a list of names (.xlsx/.csv/.txt). Gives the canonical unit names and lists "
                "the units that sent nothing (未报送).",
            ),
            click.option(
                "--max-unpacked-mb",
                type=click.IntRange(1),
                default=2048,
                show_default=True,
                help="Refuse workbooks whose parts would inflate beyond this size.",
            ),
            click.option(
                "--keep-copies",
                is_flag=True,
                help="Count byte-identical copies of a file (附件2(1).xlsx) too; by default a "
                "copy counts once, with a warning.",
            ),
        ]
    ):
        fn = opt(fn)
    return fn


def make_options(
    form_id: str | None,
    schema: Path | None,
    sheet: str | None,
    password: str | None,
    cutoff: str | None,
    max_unpacked_mb: int,
    units: Path | None = None,
    keep_copies: bool = False,
) -> Any:
    from .validate import Options

    if cutoff is not None:
        from .cells import month_of

        month = month_of(cutoff)
        if month is None:
            raise click.BadParameter(
                f"{cutoff!r} is not a month (write it 2022-05)", param_hint="--cutoff"
            )
        cutoff = month
    if form_id and schema:
        raise click.UsageError("give --form or --schema, not both")
    return Options(
        form=form_id,
        schema=schema,
        sheet=sheet,
        password=password,
        cutoff=cutoff,
        max_unpacked_mb=max_unpacked_mb,
        units=units,
        keep_copies=keep_copies,
    )
