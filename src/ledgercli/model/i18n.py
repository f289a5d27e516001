"""Every word the tool shows a person, in Chinese and English: one catalogue, one lookup.

The words are data, in `messages/*.toml` beside this module (one file per area: findings,
files, merge, summary, diff, overdue, the workbooks, the terminal, `--help`, click's own
words), each entry a table `[code]` with `zh` and `en`. A translator edits those files, never
Python; the code names a code and the reader's language, and nothing else in the package
chooses words by language (tests/test_i18n.py holds both).

Codes are part of the JSON output and never change meaning; the sentences may be reworded.
"""

from __future__ import annotations

import functools
import os
import tomllib
from pathlib import Path
from typing import Any

LANGS = ("zh", "en")
FOLDER = Path(__file__).with_name("messages")


def load(folder: Path = FOLDER) -> dict[str, dict[str, str]]:
    """code → {language: template} from every file of `folder`; a table holding `zh` is an
    entry, its other tables are entries under longer codes (`[diff.head]` is `diff.head`).
    A code defined twice (in two files, or twice in one) is refused."""
    entries: dict[str, dict[str, str]] = {}
    for path in sorted(folder.glob("*.toml")):
        load_file(path, entries)
    return entries


def load_file(
    path: Path, into: dict[str, dict[str, str]] | None = None
) -> dict[str, dict[str, str]]:
    """The entries of one file (added to `into`, refusing a code it already holds)."""
    entries = {} if into is None else into
    with path.open("rb") as fh:
        _flatten(tomllib.load(fh), "", entries, path)
    return entries


def _flatten(
    table: dict[str, Any], prefix: str, into: dict[str, dict[str, str]], path: Path
) -> None:
    words = {lang: table[lang] for lang in LANGS if isinstance(table.get(lang), str)}
    if words:
        if prefix in into:
            raise ValueError(f"{path.name}: the code {prefix!r} is defined twice")
        into[prefix] = words
    for key, value in table.items():
        if isinstance(value, dict):
            _flatten(value, f"{prefix}.{key}" if prefix else key, into, path)


@functools.cache
def catalogue() -> dict[str, dict[str, str]]:
    """The package's catalogue, read once per process on first use (not at import: `--help`
    and the reading workers that never speak do not pay for it)."""
    return load()


def known(code: str) -> bool:
    return code in catalogue()


def template(code: str, lang: str) -> str:
    """The sentence of `code` in `lang` with its placeholders unfilled; English for a language
    the catalogue lacks, the code itself for a code it lacks (shown, never a crash)."""
    entry = catalogue().get(code)
    if entry is None:
        return code
    return entry.get(lang) or entry.get("en") or code


def message(code: str, lang: str, **params: Any) -> str:
    """The sentence of `code` in `lang`, its placeholders filled (a missing one shows as '?').
    A `detail` the reader gave in its own words (`a folder`) is said in `lang` when the
    catalogue has it (`detail.a folder`); a library's message stays as it is."""
    detail = params.get("detail")
    if isinstance(detail, str) and f"detail.{detail}" in catalogue():
        params["detail"] = template(f"detail.{detail}", lang)
    text = template(code, lang)
    try:
        return text.format_map(_Default(params))
    except (ValueError, IndexError):
        return text


class _Default(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "?"


class Words:
    """The words of one area in one language: `w["unit"]` is `message("<area>.unit", lang)`,
    `w("head", n=3)` fills the placeholders; a key the catalogue lacks is shown as itself."""

    def __init__(self, area: str, lang: str) -> None:
        self.area = area
        self.lang = lang

    def __getitem__(self, key: str) -> str:
        code = f"{self.area}.{key}"
        return message(code, self.lang) if known(code) else key

    def __call__(self, key: str, **params: Any) -> str:
        code = f"{self.area}.{key}"
        return message(code, self.lang, **params) if known(code) else key


def join(items: Any, lang: str, sep: str = "sep.list") -> str:
    """Items joined as the language lists them: 甲、乙 / a, b (`sep.clause`: 甲；乙 / a; b)."""
    return template(sep, lang).join(str(i) for i in items)


def bilingual(lang: str, zh: str, en: str | None) -> str:
    """A text a schema gives in both languages (a form's title, a chart's): the English one
    for English when the schema has it, else the Chinese (the forms' own language)."""
    return en if en and lang == "en" else zh


def detect_lang(explicit: str | None = None) -> str:
    """`--lang` wins; then LEDGER_LANG (a setting that persists); then the locale (LC_ALL,
    LC_MESSAGES, LANG, or the system's, as on Windows where those are unset). A locale that
    names no language (C, POSIX) says nothing; with nothing said the tool speaks Chinese, the
    language of its users and of the forms."""
    if explicit:
        return explicit
    setting = os.environ.get("LEDGER_LANG", "").strip().lower()
    if setting in LANGS:
        return setting
    candidates = [os.environ.get(v, "") for v in ("LC_ALL", "LC_MESSAGES", "LANG")]
    if not any(candidates):
        # No POSIX locale variables (Windows): ask the system. Where they are set, Python's
        # answer only mirrors them, and maps C.UTF-8 to en_US, which is no one's choice.
        try:
            import locale

            candidates.append(locale.getlocale()[0] or "")
        except (ValueError, AttributeError):
            pass
    for value in candidates:
        name = value.split(".")[0].lower()
        if not name or name in ("c", "posix"):
            continue
        return "zh" if name.startswith(("zh", "chinese")) else "en"
    return "zh"


def main(argv: list[str] | None = None) -> None:
    """`python -m ledgercli.model.i18n CODE [name=value …]`: one sentence of the catalogue in
    the reader's language, for the scripts around the tool (the Makefile's demo)."""
    import sys

    code, *pairs = sys.argv[1:] if argv is None else argv
    params = dict(pair.split("=", 1) for pair in pairs)
    print(message(code, detect_lang(), **params))


if __name__ == "__main__":
    main()
