"""The `ledger` command: parses options, calls the library, renders, maps errors to exit codes.

Nothing here knows a form or a rule. Heavy libraries are imported inside the commands so that
`ledger --help` starts at once.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import os
import sys
from typing import Any

import click

from ledgercli.commands.words import SaidGroup, SaidOption, click_word, said, spoken, usage_text
from ledgercli.model.errors import LedgerError

# Command name → module under ledgercli.commands exposing `command`. A command whose module is
# not there (yet) is simply not listed.
COMMANDS = {
    "validate": "validate",
    "merge": "merge",
    "summarize": "summarize",
    "template": "template",
    "diff": "diff",
    "overdue": "overdue",
    "week": "week",
    "forms": "forms",
}


class _Failed(click.ClickException):
    """A LedgerError in the user's language, exit code 2 (cannot go on)."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo(self.message, err=True)


class LedgerGroup(SaidGroup):
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
            lang = (ctx.obj or {}).get("lang") or spoken()
            raise _Failed(said("error.prefix", message=exc.render(lang))) from exc


def _version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """--version, said in the reader's language (click's own says it in English)."""
    if value and not ctx.resilient_parsing:
        from importlib.metadata import version

        click.echo(said("version", prog=ctx.info_name or "ledger", version=version("ledgercli")))
        ctx.exit()


@click.group(
    cls=LedgerGroup,
    help="help.ledger",
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_version,
    cls=SaidOption,
    help="help.version",
)
@click.option("--debug", is_flag=True, cls=SaidOption, help="help.debug")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """The `ledger` group (its help, like every word of the CLI, is in the catalogue)."""
    ctx.obj = {"debug": debug}


def _module_exists(mod: str) -> bool:
    return importlib.util.find_spec(f"ledgercli.commands.{mod}") is not None


def _terminate(signum: int, _frame: Any) -> None:
    """SIGTERM / SIGHUP end the run here and now: the readers are stopped, temporary files,
    the merge's spilled rows and a week's unfinished folder are removed, and the process exits
    128 + the signal (`kill -9` cannot be caught: the next run removes what it left).

    Not by raising SystemExit: a signal that arrives while a finalizer runs (a ZipFile being
    closed) would have it printed as "Exception ignored" and swallowed, and the run go on.
    """
    import multiprocessing
    import signal

    from ledgercli.run.spill import remove_tracked

    for name in ("SIGTERM", "SIGHUP", "SIGINT"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_IGN)
    for child in multiprocessing.active_children():
        with contextlib.suppress(Exception):
            child.kill()
    remove_tracked()
    with contextlib.suppress(Exception):
        if sys.stderr.isatty():
            sys.stderr.write("\x1b[?25h\n")  # a progress bar hid the cursor
        sys.stderr.flush()
    os._exit(128 + signum)


def _tolerant_streams() -> None:
    """Output redirected on a Chinese Windows is GBK, which has no ✓, ⚠ or −: write a
    stand-in for such a character rather than end the run (it was exit 3 on the first ✓)."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if encoding not in ("utf8", "utf_8") and hasattr(stream, "reconfigure"):
            with contextlib.suppress(Exception):
                stream.reconfigure(errors="replace")


def main() -> None:
    """Entry point: a clear message and exit code for every expected failure."""
    import signal

    _tolerant_streams()
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), _terminate)
    debug = "--debug" in sys.argv
    try:
        cli.main(standalone_mode=False, prog_name="ledger")
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.UsageError as exc:
        _show_usage_error(exc)
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo(said("error.aborted"), err=True)
        sys.exit(130)
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:
        # The reader of our output stopped reading (`| head`): nothing more to say to it, and
        # no traceback for it (the views print through ui/console, which carries on).
        from ledgercli.ui.console import silence

        silence()
        sys.exit(1)
    except OSError as exc:
        if debug:
            raise
        # A file or folder the system refused (not a defect of ledger): say which and why.
        where = f"{exc.filename}: " if exc.filename else ""
        click.echo(said("error.system", where=where, reason=exc.strerror or exc), err=True)
        sys.exit(2)
    except Exception as exc:
        if debug:
            raise
        click.echo(said("error.internal", kind=type(exc).__name__, detail=exc), err=True)
        sys.exit(3)


def _show_usage_error(exc: click.UsageError) -> None:
    """A usage error in the reader's language, and where to find the usage."""
    command = exc.ctx.command_path if exc.ctx is not None else "ledger"
    if command == "ledger" and len(sys.argv) > 1 and sys.argv[1] in COMMANDS:
        command += " " + sys.argv[1]  # an option's missing value is caught above the command
    hint = click_word("Try '{command} {option}' for help.").format(command=command, option="--help")
    click.echo(f"{said('error.prefix', message=usage_text(exc))}\n{hint}", err=True)
