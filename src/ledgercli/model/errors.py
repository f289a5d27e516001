"""The one exception type the library raises for 'cannot go on': a code and its parameters.

The CLI renders it in the user's language; nothing else ever reaches the user as a traceback.
"""

from __future__ import annotations

from typing import Any


class LedgerError(Exception):
    """A problem that stops the work on one file (or the whole call), with a stable code."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    def render(self, lang: str) -> str:
        from ledgercli.model.i18n import message

        return message(self.code, lang, **self.params)

    def __str__(self) -> str:
        return self.render("en")


class UnreadableFile(LedgerError):
    """The file cannot be read as a spreadsheet at all (exit code 2)."""

    # SHA-256 of the bytes read, when the file could be read before it was refused.
    sha256: str | None = None
