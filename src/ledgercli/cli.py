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
    "week": "week",
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


def _terminate(signum: int, _frame: Any) -> None:
    """SIGTERM / SIGHUP end the run as an exception would: temporary files and the merge's
    spilled rows are removed on the way out (`kill -9` cannot be caught: the next run
    removes what it left)."""
    raise SystemExit(128 + signum)


def main() -> None:
    """Entry point: a clear message and exit code for every expected failure."""
    import signal

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
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except KeyboardInterrupt:
        sys.exit(130)
    except OSError as exc:
        if debug:
            raise
        # A file or folder the system refused (not a defect of ledger): say which and why.
        where = f"{exc.filename}: " if exc.filename else ""
        click.echo(f"Error: {where}{exc.strerror or exc}", err=True)
        sys.exit(2)
    except Exception as exc:
        if debug:
            raise
        click.echo(
            f"Internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug in ledger; run again with --debug for details.",
            err=True,
        )
        sys.exit(3)


# click's own sentences (it ships no Chinese) and ours raised as usage errors, for a reader of
# Chinese: patterns over the English text, so an unknown sentence still shows, in English.
_USAGE_ZH = [
    (r"'([^']*)' is not one of ([^.]*)\.", r"“\1”不是可选值（\2）之一。"),
    (r"'([^']*)' is not a month \(write it 2022-05\)", r"“\1”不是年月（请写成2022-05）"),
    (r"'([^']*)' is not a valid integer( range)?\.", r"“\1”不是整数。"),
    (r"(\S+) is not in the range ([^.]*)\.", r"\1 不在允许范围（\2）内。"),
    (r"Missing argument '([^']*)'\.", r"缺少参数 \1。"),
    (r"Missing option '([^']*)'\.", r"缺少选项 \1。"),
    (r"No such option '([^']*)'\.", r"没有选项 \1。"),
    (r"No such command '([^']*)'\.", r"没有命令 \1。"),
    (r"\(Did you mean one of: ([^?]*)\?\)", r"（是否要用：\1？）"),
    (r"\(?Did you mean ([^?]*)\?\)?", r"（是否要用 \1？）"),
    (r"Option '([^']*)' requires an argument\.", r"选项 \1 需要一个值。"),
    (r"Got unexpected extra arguments? \(([^)]*)\)", r"多余的参数（\1）"),
    (r"Invalid value for ('[^:]*'|[^':]*): ", r"选项 \1 的取值无效："),
    (r"give --form or --schema \(one of them\)", "请给出 --form 或 --schema（二选一）"),
    (r"give --form or --schema, not both", "--form 与 --schema 只能给一个"),
    (r"the template is an \.xlsx file", "空白表样须为.xlsx文件"),
]


def _show_usage_error(exc: click.UsageError) -> None:
    """A usage error in the reader's language, with where to find the usage."""
    from .i18n import detect_lang

    if detect_lang(_argv_lang()) != "zh":
        exc.show()
        return
    import re

    text = exc.format_message()
    for pattern, zh in _USAGE_ZH:
        text = re.sub(pattern, zh, text)
    text = text.replace("。 （", "（").replace(" （", "（")
    command = exc.ctx.command_path if exc.ctx is not None else "ledger"
    if command == "ledger" and len(sys.argv) > 1 and sys.argv[1] in COMMANDS:
        command += " " + sys.argv[1]  # an option's missing value is caught above the command
    click.echo(f"错误：{text}\n用 {command} --help 查看用法。", err=True)


def _argv_lang() -> str | None:
    argv = sys.argv
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None
