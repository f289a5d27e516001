"""The `ledger` command: parses options, calls the library, renders, maps errors to exit codes.

Nothing here knows a form or a rule. Heavy libraries are imported inside the commands so that
`ledger --help` starts at once.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from typing import Any

import click

from .errors import LedgerError

# Command name → module under ledgercli.commands exposing `command`. A command whose module is
# not there (yet) is simply not listed.
COMMANDS = {
    "validate": "validate",
    "merge": "merge",
    "summarize": "summarize",
    "template": "template",
    "diff": "diff",
    "overdue": "overdue",
    "forms": "forms",
}


class _Failed(click.ClickException):
    """A LedgerError in the user's language, exit code 2 (cannot go on)."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo(self.message, err=True)


class LedgerGroup(click.Group):
    """Loads each command's module only when that command runs (fast `--help`), and turns a
    LedgerError into a message in the user's language."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name, mod in COMMANDS.items() if _module_exists(mod)]

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        mod = COMMANDS.get(name)
        if mod is None or not _module_exists(mod):
            return None
        command: click.Command = importlib.import_module(f"ledgercli.commands.{mod}").command
        return command

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
    ledger validate district.xlsx           every problem, with sheet, row and column
    ledger merge submissions/ -o city.xlsx  one city ledger from many, nothing lost
    ledger summarize city.xlsx --annex 4    the official summary tables
    ledger forms                            the forms this tool knows
    """
    ctx.obj = {"debug": debug}


def _module_exists(mod: str) -> bool:
    return importlib.util.find_spec(f"ledgercli.commands.{mod}") is not None


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
