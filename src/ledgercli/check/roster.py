"""Reading `--units FILE`: the roster of units expected to report.

Annex-1 liaison forms (a folder of them, one form, or a merged roster of them) are validated
as any submission; a plain list is one name a line (.txt) or the first filled cell of each row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ledgercli.check.validate import validate_file
from ledgercli.model.errors import LedgerError, UnreadableFile
from ledgercli.model.forms import input_forms
from ledgercli.model.i18n import message
from ledgercli.model.options import Options
from ledgercli.model.text import clean_text, norm_key
from ledgercli.model.units import Roster, unit_key
from ledgercli.read.workbook import iter_spreadsheets, open_book, read_input


class RosterUnreadable(LedgerError):
    """`--units FILE` cannot be read as a roster (exit 2), with the reason in the user's
    language."""

    def __init__(self, path: Path, reason: LedgerError) -> None:
        super().__init__("roster-unreadable", path=str(path))
        self.reason = reason

    def render(self, lang: str) -> str:
        return message(self.code, lang, path=self.params["path"], reason=self.reason.render(lang))


# A plain list's header cell or title line, not a unit.
_LIST_HEADERS = {"单位", "单位名称", "街镇部门", "部门街镇", "街镇、部门", "区县", "名称", "序号"}
_LIST_TITLE = ("名单", "名册", "列表", "清单")
_NUMBERING = re.compile(r"^\s*(?:\d+\s*[、.．)）:：]?\s+|\d+\s*[、.．)）:：]\s*)")


def read_roster(path: Path, password: str | None = None) -> Roster:
    """The units of `--units FILE`: annex-1 liaison forms (a folder of them, one form, or a
    merged roster of them), or a plain list, one name a line (.txt) or in the first filled
    cell of each row (.xlsx, .xls, .ods, .csv). Anything unreadable stops the run (exit 2)."""
    if not path.exists():
        raise RosterUnreadable(path, LedgerError("file-missing", path=str(path)))
    names: list[str] = []
    contacts: dict[str, tuple[str, str]] = {}
    if path.is_dir():
        for p, skip in iter_spreadsheets([path]):
            if skip is None:  # annex-1 forms beside ledgers (an inbox): the ledgers are passed over
                names += _annex1_units(p, password, ledger_ok=True, contacts=contacts) or []
    elif path.suffix.lower() == ".txt":
        names = _text_list(path)
    else:
        found = _annex1_units(path, password, contacts=contacts)
        names = found if found is not None else _sheet_list(path, password)
    names = [n for n in names if n]
    if not names:
        raise RosterUnreadable(path, LedgerError("roster-empty"))
    return Roster(path, names, contacts=contacts)


def liaisons(ledger: Any) -> dict[str, tuple[str, str]]:
    """unit key → (联络人, 联系电话) of an annex-1 liaison form or a roster of them: who to call
    about a unit's returned ledger."""
    form = ledger.form
    key = form.unit_column or "unit"
    if not form.one_row_per_unit or key not in ledger.values:
        return {}
    out: dict[str, tuple[str, str]] = {}
    for i, unit in enumerate(ledger.values[key]):
        if unit in (None, ""):
            continue
        person = ledger.get("liaison", i) or ledger.get("leader", i)
        phone = ledger.get("liaison_phone", i) or ledger.get("leader_phone", i)
        if person or phone:
            text = clean_text(str(unit))
            out.setdefault(unit_key(text), (str(person or ""), str(phone or "")))
    return out


def _annex1_units(
    path: Path,
    password: str | None,
    ledger_ok: bool = False,
    contacts: dict[str, tuple[str, str]] | None = None,
) -> list[str] | None:
    """The units of an annex-1 form or roster; None when the file is neither. A ledger of
    another form named as the roster is refused: its first column is no list of units.
    `contacts` gathers each unit's liaison and phone."""
    fr, ledger = validate_file(path, Options(password=password), input_forms())
    if not fr.readable or ledger is None:
        return None
    if not ledger.form.one_row_per_unit:
        if ledger_ok:
            return None
        raise RosterUnreadable(path, LedgerError("roster-other-form", form=ledger.form.id))
    if contacts is not None:
        for k, v in liaisons(ledger).items():
            contacts.setdefault(k, v)
    key = ledger.form.unit_column or "unit"
    return [clean_text(str(v)) for v in ledger.values.get(key, []) if v not in (None, "")]


def _text_list(path: Path) -> list[str]:
    try:
        data = read_input(path, 64 << 20)  # a regular file only: a named pipe would block
    except UnreadableFile as exc:
        raise RosterUnreadable(path, exc) from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise RosterUnreadable(path, LedgerError("roster-bad-text"))
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    return _list_names(lines)


def _sheet_list(path: Path, password: str | None) -> list[str]:
    try:
        book = open_book(path, password)
        for name in book.sheet_names:
            cells = []
            for _, row in book.sheet(name).rows:
                # The first filled cell that is no bare number (a 序号 column before the name).
                text = next(
                    (
                        str(c).strip()
                        for c in row
                        if c not in (None, "")
                        and not isinstance(c, int | float | bool)
                        and not str(c).strip().isdigit()
                    ),
                    "",
                )
                cells.append(text)
            found = _list_names(cells)
            if found:
                return found
    except UnreadableFile as exc:
        raise RosterUnreadable(path, exc) from exc
    return []


def _list_names(lines: Iterable[str]) -> list[str]:
    out: list[str] = []
    for n, line in enumerate(lines):
        text = clean_text(_NUMBERING.sub("", line)).strip()
        if not text or norm_key(text) in {norm_key(h) for h in _LIST_HEADERS}:
            continue
        if not out and n < 3 and any(w in text for w in _LIST_TITLE):
            continue  # a title line above the list: 綦江区街镇部门名单
        out.append(text)
    return out
