"""The `ledger` command: parses options, calls the library, renders, maps errors to exit codes.

Nothing here knows a form or a rule. Heavy libraries are imported inside the commands so that
`ledger --help` starts at once.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from .errors import LedgerError

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
                "--max-unpacked-mb",
                type=click.IntRange(1),
                default=2048,
                show_default=True,
                help="Refuse workbooks whose parts would inflate beyond this size.",
            ),
        ]
    ):
        fn = opt(fn)
    return fn


def _options(
    form_id: str | None,
    schema: Path | None,
    sheet: str | None,
    password: str | None,
    cutoff: str | None,
    max_unpacked_mb: int,
) -> Any:
    import re

    from .validate import Options

    if cutoff is not None and not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", cutoff):
        raise click.BadParameter(
            f"{cutoff!r} is not a month written YYYY-MM", param_hint="--cutoff"
        )
    if form_id and schema:
        raise click.UsageError("give --form or --schema, not both")
    return Options(
        form=form_id,
        schema=schema,
        sheet=sheet,
        password=password,
        cutoff=cutoff,
        max_unpacked_mb=max_unpacked_mb,
    )


class _Failed(click.ClickException):
    """A LedgerError in the user's language, exit code 2 (cannot go on)."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo(self.message, err=True)


class LedgerGroup(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except LedgerError as exc:
            from .i18n import detect_lang

            lang = detect_lang((ctx.obj or {}).get("lang") or _argv_lang())
            prefix = "错误" if lang == "zh" else "Error"
            raise _Failed(f"{prefix}: {exc.render(lang)}") from exc


@click.group(cls=LedgerGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="ledgercli")
@click.option("--debug", is_flag=True, help="Show a traceback on an unexpected error.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Check, merge and summarize the arrears ledgers districts send in Excel
    (防范和化解拖欠中小企业账款台账).

    \b
    ledger validate district.xlsx        every problem, with sheet, row and column
    ledger forms                         the forms this tool knows
    """
    ctx.obj = {"debug": debug}


@cli.command()
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
def validate(
    paths: tuple[Path, ...],
    form_id: str | None,
    schema: Path | None,
    sheet: str | None,
    password: str | None,
    cutoff: str | None,
    max_unpacked_mb: int,
    lang: str | None,
    fmt: str,
    strict: bool,
    limit: int,
    verbose: bool,
) -> None:
    """Check submitted workbooks (files or folders) and list every problem.

    Exit code 0: no errors; 1: errors (or warnings with --strict); 2: a file cannot be read.
    """
    from .i18n import detect_lang
    from .validate import validate_paths

    language = detect_lang(lang)
    click.get_current_context().obj["lang"] = language
    options = _options(form_id, schema, sheet, password, cutoff, max_unpacked_mb)
    report, _ = validate_paths(list(paths), options)
    if not report.files:
        raise LedgerError("no-inputs", path=", ".join(map(str, paths)))
    if fmt == "json":
        click.echo(json.dumps(report.to_json(language), ensure_ascii=False, indent=2))
    else:
        from .console import render_validation

        render_validation(report, language, limit=limit, verbose=verbose)
    sys.exit(report.exit_code(strict))


@cli.command()
@click.option("-v", "--verbose", is_flag=True, help="Also list every column and check.")
@format_option
def forms(verbose: bool, fmt: str) -> None:
    """List the forms (schemas) this tool knows."""
    from .forms import builtin_forms
    from .rules import REGISTRY, get_rules

    known = builtin_forms()
    if fmt == "json":
        data = [
            {
                "id": f.id,
                "kind": f.kind,
                "title": f.title,
                "title_en": f.title_en,
                "source": f.source,
                "columns": [c.header for c in f.columns],
                "checks": f.checks,
            }
            for f in known.values()
        ]
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    from rich.table import Table

    from .console import out

    table = Table(box=None, header_style="bold")
    for col in ("id", "kind", "title", "columns", "source"):
        table.add_column(col)
    for f in known.values():
        n = len(f.columns) or len(f.fields)
        table.add_row(f.id, f.kind, f"{f.title}\n{f.title_en}", str(n), f.source)
    out.print(table)
    if verbose:
        for f in known.values():
            out.print(f"\n[bold]{f.id}[/bold]")
            for c in f.columns:
                req = (
                    "required"
                    if c.required is True
                    else (
                        "warn if blank"
                        if c.required == "warning"
                        else ("required when " + c.required_when.column if c.required_when else "")
                    )
                )
                out.print(f"  {c.label:<24} {c.kind:<12} {req}")
            for r in get_rules(f.checks):
                out.print(f"  check {r.code}: {r.doc}")
        out.print("\n[bold]all checks[/bold]")
        for code in sorted(REGISTRY):
            out.print(f"  {code}: {REGISTRY[code].doc}")


def main() -> None:
    """Entry point: a clear message and exit code for every expected failure."""
    debug = "--debug" in sys.argv
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:
        if debug:
            raise
        click.echo(
            f"Internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug in ledger; run again with --debug for details.",
            err=True,
        )
        sys.exit(3)


def _argv_lang() -> str | None:
    argv = sys.argv
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None
