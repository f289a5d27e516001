"""Options several commands share, defined once."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from ledgercli.commands.words import option, said
from ledgercli.model.i18n import LANGS
from ledgercli.model.options import DEFAULT_MAX_UNPACKED_MB, Options

F = TypeVar("F", bound=Callable[..., Any])


def _language(ctx: click.Context, _param: click.Parameter, value: str | None) -> str:
    """The run's language (`--lang`, else LEDGER_LANG, else the locale), kept where an error
    raised later in the command finds it (cli.LedgerGroup says errors in it)."""
    from ledgercli.model.i18n import detect_lang

    language = detect_lang(value)
    if isinstance(ctx.obj, dict):
        ctx.obj["lang"] = language
    return language


def lang_option(fn: F) -> F:
    """--lang zh|en; the command receives the language already decided, never None."""
    return option(
        "--lang",
        type=click.Choice(LANGS),
        default=None,
        callback=_language,
        help="help.option.lang",
    )(fn)


def format_option(fn: F) -> F:
    return option(
        "--format",
        "fmt",
        type=click.Choice(["table", "json"]),
        default="table",
        show_default=True,
        help="help.option.format",
    )(fn)


def verbose_option(fn: F) -> F:
    """-v: everything on the terminal (by default a summary and the most important items; the
    workbook of -o and --format json always hold everything)."""
    return option("-v", "--verbose", is_flag=True, help="help.option.verbose")(fn)


def jobs_option(fn: F) -> F:
    """--jobs N: how many processes read files (default: every core; 1 reads in-process)."""
    return option(
        "--jobs",
        "-j",
        type=click.IntRange(1),
        default=None,
        metavar="N",
        help="help.option.jobs",
    )(fn)


_INPUT_OPTIONS = [
    option(
        "--form",
        "form_id",
        default=None,
        metavar="FORM_ID",
        help="help.option.form",
    ),
    option(
        "--schema",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        metavar="FILE",
        help="help.option.schema",
    ),
    option("--sheet", default=None, metavar="SHEET", help="help.option.sheet"),
    option("--password", default=None, metavar="PASSWORD", help="help.option.password"),
    option(
        "--cutoff",
        default=None,
        metavar="YYYY-MM",
        help="help.option.cutoff",
    ),
    option(
        "--units",
        "units",
        type=click.Path(path_type=Path),
        default=None,
        metavar="FILE",
        help="help.option.units",
    ),
    option(
        "--max-unpacked-mb",
        type=click.IntRange(1),
        default=DEFAULT_MAX_UNPACKED_MB,
        show_default=True,
        metavar="MB",
        help="help.option.max-unpacked-mb",
    ),
    option(
        "--keep-copies",
        is_flag=True,
        help="help.option.keep-copies",
    ),
]
_INPUT_KEYS = (
    "form_id",
    "schema",
    "sheet",
    "password",
    "cutoff",
    "max_unpacked_mb",
    "units",
    "keep_copies",
)


def output_option(command: str, *, required: bool = False) -> Callable[[F], F]:
    """`-o FILE`: the workbook a command writes (its help is `help.<command>.output`)."""
    return option(
        "-o",
        "--output",
        type=click.Path(dir_okay=False, path_type=Path),
        metavar="FILE",
        default=None,
        required=required,
        help=f"help.{command}.output",
    )


def force_option(command: str) -> Callable[[F], F]:
    """`--force`: replace an output that exists (never an input)."""
    return option("--force", is_flag=True, help=f"help.{command}.force")


def limit_option(command: str, default: int) -> Callable[[F], F]:
    """`--limit N`: how many items the screen shows of each kind (the rest: -v, -o, JSON)."""
    return option(
        "--limit",
        type=click.IntRange(0),
        metavar="N",
        default=default,
        show_default=True,
        help=f"help.{command}.limit",
    )


def input_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """The options every command that reads submissions shares, given to the command as one
    `options: Options` argument (built and checked here, once for all commands)."""

    @functools.wraps(fn)
    def command(*args: Any, **kwargs: Any) -> Any:
        given = {key: kwargs.pop(key) for key in _INPUT_KEYS}
        return fn(*args, options=make_options(**given), **kwargs)

    for opt in reversed(_INPUT_OPTIONS):
        command = opt(command)
    return command


def make_options(
    form_id: str | None,
    schema: Path | None,
    sheet: str | None,
    password: str | None,
    cutoff: str | None,
    max_unpacked_mb: int,
    units: Path | None = None,
    keep_copies: bool = False,
) -> Options:
    if cutoff is not None:
        from ledgercli.read.cells import month_of

        month = month_of(cutoff)
        if month is None:
            raise click.BadParameter(
                said("usage.cutoff-month", value=cutoff), param_hint="--cutoff"
            )
        cutoff = month
    if form_id and schema:
        raise click.UsageError(said("usage.form-and-schema"))
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
