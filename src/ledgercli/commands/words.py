"""The command line in the reader's language: `--help`, click's own words, usage errors.

The language is decided once per run, from the command line itself (`--lang`), else as
`detect_lang` decides (LEDGER_LANG, the locale), before click parses anything, so that even
`--help` and a mistyped option are said in it. Every text comes from the message catalogue:

- a command's help is `help.<command>`, an option's is the key given as its `help=`
  (`help.validate.strict`), looked up each time click shows it;
- click's own words ("Usage:", "Show this message and exit.", "No such option …") come from
  `click.<click's English text>`. click looks them up through gettext by the module-level
  names `_` and `ngettext` when it shows them, and gettext cannot be given an in-memory
  catalogue (only compiled .mo files, for the whole process); so those two names in click's
  modules are pointed at the catalogue, the hook click's maintainers describe for
  translating it (pallets/click#2706, #2864). A text click adds later stays English until
  the catalogue has it; tests/test_i18n.py fails when click rewords one we translate.
- help is wrapped counting a Chinese character as two columns, as the terminal shows it
  (click counts characters, which would make Chinese lines twice too wide).
"""

from __future__ import annotations

import gettext
import sys
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextvars import ContextVar
from typing import Any, TypeVar

import click

from ledgercli.model.i18n import LANGS, detect_lang, join, known, message, template

F = TypeVar("F", bound=Callable[..., Any])

_SPOKEN: ContextVar[str | None] = ContextVar("ledger_language", default=None)


def lang_in(args: Sequence[str]) -> str | None:
    """The language a command line asks for with `--lang` (None when it names none we speak;
    click then refuses the value, in the language found otherwise)."""
    for i, arg in enumerate(args):
        if arg == "--":
            break
        value = None
        if arg == "--lang" and i + 1 < len(args):
            value = args[i + 1]
        elif arg.startswith("--lang="):
            value = arg.split("=", 1)[1]
        if value in LANGS:
            return value
    return None


def speak(args: Sequence[str]) -> str:
    """Decide the language of this run from its arguments (and the environment)."""
    lang = detect_lang(lang_in(args))
    _SPOKEN.set(lang)
    _teach_click()
    return lang


def spoken() -> str:
    """The language of this run (as `detect_lang` says before a command line was read)."""
    return _SPOKEN.get() or detect_lang()


def said(code: str, **params: Any) -> str:
    return message(code, spoken(), **params)


# --- click's own words ---------------------------------------------------------------------


def click_word(text: str) -> str:
    """One of click's texts in the reader's language (as click says it when we lack it), its
    placeholders left for click to fill."""
    code = f"click.{text}"
    return template(code, spoken()) if known(code) else text


def _click_ngettext(singular: str, plural: str, n: int) -> str:
    return click_word(singular if n == 1 else plural)


def _teach_click() -> None:
    """Point the gettext names of click's loaded modules at the catalogue (once; the modules
    click loads later, such as its progress bar, keep English)."""
    for name, module in list(sys.modules.items()):
        if name != "click" and not name.startswith("click."):
            continue
        if getattr(module, "_", None) is gettext.gettext:
            module._ = click_word  # type: ignore[attr-defined]
        if getattr(module, "ngettext", None) is gettext.ngettext:
            module.ngettext = _click_ngettext  # type: ignore[attr-defined]


def usage_text(exc: click.UsageError) -> str:
    """What is wrong with a command line. A missing argument or option is said from what the
    exception knows (click builds that sentence from English pieces); the rest click has
    said already, its words from the catalogue."""
    if isinstance(exc, click.MissingParameter) and exc.param is not None and not exc.message:
        kind = exc.param_type or exc.param.param_type_name
        if kind in ("argument", "option"):
            name = exc.param.get_error_hint(exc.ctx).replace("'", "")
            return said(f"usage.missing-{kind}", name=name)
    if isinstance(exc, click.NoSuchOption) and exc.possibilities:
        # click appends its "Did you mean" to the English sentence; said as one sentence here.
        perhaps = join(sorted(exc.possibilities), spoken())
        return said("usage.no-such-option", name=exc.option_name, perhaps=perhaps)
    return exc.format_message()


# --- help in the reader's language -----------------------------------------------------------


class _SaidHelp:
    """`help` is a catalogue code, said in the reader's language whenever click reads it."""

    _help_code: str | None = None

    @property
    def help(self) -> str | None:
        return said(self._help_code) if self._help_code else None

    @help.setter
    def help(self, code: str | None) -> None:
        self._help_code = code


class SaidOption(_SaidHelp, click.Option):
    pass


def _said_help_option(option: click.Option | None) -> click.Option | None:
    """click makes `--help` once per command, its help said at that moment: said again here
    each time it is shown, so a second run in one process (tests) speaks its own language."""
    if option is not None:
        option.help = click_word("Show this message and exit.")
    return option


def _first_sentence(text: str) -> str:
    """The first sentence of a help text: the short help in a list of commands."""
    head = text.split("\n\n")[0]
    for end in ("。", ". "):
        if end in head:
            return head.split(end)[0] + end.strip()
    return head


class WideFormatter(click.HelpFormatter):
    """click's help layout with widths counted as the terminal shows them (a Chinese
    character takes two columns), so Chinese help stays inside the terminal as English does."""

    def write_heading(self, heading: str) -> None:
        # "Options:" / "选项：": the colon is the language's too.
        self.write(f"{'':>{self.current_indent}}{said('help.heading', heading=heading)}\n")

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        paragraphs = []
        for raw, body in _paragraphs(text):
            lines = body.splitlines() if raw else wrap(body, self.width - self.current_indent)
            paragraphs.append("".join(f"{indent}{line}\n" for line in lines))
        self.write("\n".join(paragraphs))

    def write_dl(
        self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2
    ) -> None:
        rows = list(rows)
        first_col = min(max((cells(r[0]) for r in rows), default=0), col_max) + col_spacing
        lead = " " * self.current_indent
        for first, second in rows:
            self.write(f"{lead}{first}")
            if not second:
                self.write("\n")
                continue
            if cells(first) <= first_col - col_spacing:
                self.write(" " * (first_col - cells(first)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            lines = wrap(second, max(self.width - first_col - 2, 10))
            self.write((lines[0] if lines else "") + "\n")
            for line in lines[1:]:
                self.write(f"{' ' * (first_col + self.current_indent)}{line}\n")


class SaidContext(click.Context):
    formatter_class = WideFormatter


class SaidCommand(_SaidHelp, click.Command):
    """A command whose help, options' help and click's words are in the reader's language;
    the language is decided from the command line by whichever runs first: the `ledger`
    group, or a command run on its own (in a test)."""

    context_class = SaidContext

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        if parent is None:
            speak(args)
        return super().make_context(info_name, args, parent, **extra)

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        return _said_help_option(super().get_help_option(ctx))

    def get_short_help_str(self, limit: int = 45) -> str:
        return _first_sentence(self.help or "")


class SaidGroup(SaidCommand, click.Group):
    pass


def command(name: str) -> Callable[[Callable[..., Any]], click.Command]:
    """`click.command` for a ledger command: its help is `help.<name>` in the catalogue."""
    return click.command(name, cls=SaidCommand, help=f"help.{name}")


def option(*decls: str, **attrs: Any) -> Callable[[F], F]:
    """`click.option` whose `help=` is a catalogue code."""
    return click.option(*decls, cls=SaidOption, **attrs)


# --- wrapping by terminal columns ------------------------------------------------------------

# Punctuation stays with what it encloses: a line never starts with a closing mark, nor
# ends with an opening one.
_CLOSING = set("，。、；：！？）》」』】”’,.;:!?)")
_OPENING = set("（《「『【“‘([")


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF"


def cells(text: str) -> int:
    """Columns the terminal gives `text`: two for a wide (Chinese) character, one otherwise."""
    return sum(2 if _wide(ch) else 1 for ch in text)


def _tokens(text: str) -> Iterator[str]:
    """What a line may break between: English words, single Chinese characters (with their
    punctuation), and " " for a space."""
    word = ""
    for ch in text:
        if ch.isspace():
            if word:
                yield word
                word = ""
            yield " "
        elif ch in _CLOSING or (word and word[-1] in _OPENING):
            word += ch
        elif word and (_wide(ch) or _wide(word[-1])):
            yield word
            word = ch
        else:
            word += ch
    if word:
        yield word


def wrap(text: str, width: int) -> list[str]:
    """Greedy wrapping at `width` columns: Chinese breaks between characters, English at
    spaces (kept as written); a word longer than a line keeps its line."""
    lines: list[str] = []
    line, used, space = "", 0, False
    for token in _tokens(text):
        if token == " ":
            space = bool(line)
            continue
        gap = 1 if space else 0
        size = cells(token)
        if line and used + gap + size > width:
            lines.append(line)
            line, used = token, size
        else:
            line += " " * gap + token
            used += gap + size
        space = False
    if line:
        lines.append(line)
    return lines


def _paragraphs(text: str) -> Iterable[tuple[bool, str]]:
    """(raw, text) per paragraph: a paragraph whose first line is \\b is kept as written."""
    for block in text.split("\n\n"):
        lines = block.splitlines()
        if lines and lines[0].strip() == "\b":
            yield True, "\n".join(lines[1:])
        elif lines:
            yield False, " ".join(line.strip() for line in lines)
