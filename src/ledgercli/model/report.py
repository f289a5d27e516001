"""Findings are data: one record per problem, rendered per language only when shown.

The same objects feed the terminal table, `--format json`, the merged workbook's 问题 sheet and
the annotated returns, so they can never disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ledgercli.model.i18n import join, known, message

SEVERITIES = ("error", "warning", "notice")


def severity_word(severity: str, lang: str) -> str:
    """How a severity is said: the terminal, the 问题 sheet, the annotated returns, `ledger forms`."""
    return message(f"severity.{severity}", lang)


# A finding names its column as a person sees it, by letter.
def col_letter(index: int) -> str:
    """0 → A, 27 → AB."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def col_index(letters: str) -> int:
    """A → 0, AB → 27."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


@dataclass(slots=True)
class Finding:
    severity: str
    rule: str
    sheet: str | None = None
    row: int | None = None  # the Excel row number a person sees
    column: str | None = None  # the column letter
    header: str | None = None
    value: str | None = None
    params: dict[str, Any] = field(default_factory=dict)

    def message(self, lang: str) -> str:
        text = self._message(lang)
        if self.params.get("near"):
            text += message("perhaps", lang, near=self.params["near"])
        return text

    def _message(self, lang: str) -> str:
        params = {"value": self.value, "header": self.header, **self.params}
        # A variant of the rule's sentence (the other row on another sheet, a copy kept by
        # --keep-copies, a unit of amount in conflict with its declaration): the same rule
        # code, said as the case needs.
        code = self.rule
        variant = self.params.get("variant")
        if variant and known(f"{code}@{variant}"):
            code = f"{code}@{variant}"
        # `because` lists the codes of the sentences giving the evidence, in the same language.
        because = params.get("because")
        if isinstance(because, list):
            params["because"] = join(
                (message(c, lang, **params) for c in because), lang, "sep.clause"
            )
        return message(code, lang, **params)

    def location(self) -> str:
        """`Sheet!F12` as Excel writes it; what exists of it for row or file findings."""
        if self.sheet is None:
            return ""
        if self.column is None and self.row is not None:
            return f"{self.sheet}!{self.row}:{self.row}"
        cell = f"{self.column or ''}{self.row or ''}"
        return f"{self.sheet}!{cell}" if cell else self.sheet

    def to_json(self, lang: str) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "rule": self.rule,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "header": self.header,
            "value": self.value,
            "message": self.message(lang),
        }


T = TypeVar("T")


def one_cause(
    items: Sequence[T], cause: Callable[[T], Hashable | None], least: int = 3
) -> list[list[T]]:
    """The items in their order, those of one cause together once there are `least` of them
    (a column written the same wrong way on every row, one unit's cases changed alike): each
    list is one thing to say, in the place of its first item. An item whose cause is None
    stands alone. Nothing is dropped: every item is in exactly one list."""
    by_cause: dict[Hashable, list[T]] = {}
    for x in items:
        key = cause(x)
        if key is not None:
            by_cause.setdefault(key, []).append(x)
    out: list[list[T]] = []
    placed: set[Hashable] = set()
    for x in items:
        key = cause(x)
        members = by_cause.get(key) if key is not None else None
        if members is None or len(members) < least:
            out.append([x])
        elif key not in placed:
            placed.add(key)
            out.append(members)
    return out


@dataclass(slots=True)
class UnitCount:
    """A unit name as a file's rows write it: how many rows, and where it first appears."""

    name: str
    rows: int
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    header: str | None = None


@dataclass
class FileReport:
    path: str
    form: str | None = None
    sheet: str | None = None  # the (first) sheet read
    sheets: list[str] = field(default_factory=list)  # every sheet read, in order
    rows: int = 0
    metadata: dict[str, str] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    readable: bool = True
    merged: bool = False  # a city workbook written by `ledger merge` (it has 来源文件)
    sha256: str | None = None  # of the bytes read (not in the JSON of validate)
    # The unit of amount (amountunit.Assessment.to_json) of a table; None for other files.
    amount_unit: dict[str, Any] | None = None
    # The unit names its rows use (units.py canonicalizes them once every file is read).
    units: list[UnitCount] = field(default_factory=list)

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    @property
    def is_summary(self) -> bool:
        """An annex 3/4 summary table sent in place of (or beside) a ledger."""
        return not self.readable and any(f.rule == "summary-table" for f in self.findings)

    def to_json(self, lang: str) -> dict[str, Any]:
        return {
            "path": self.path,
            "form": self.form,
            "sheet": self.sheet,
            "sheets": self.sheets,
            "rows": self.rows,
            "metadata": self.metadata,
            "amount_unit": self.amount_unit,
            "findings": [f.to_json(lang) for f in self.findings],
        }


@dataclass
class Report:
    files: list[FileReport] = field(default_factory=list)
    # Merged city workbooks found inside an input folder: last week's output, not a submission.
    skipped_merged: list[str] = field(default_factory=list)
    # Annex 3/4 summary tables found in a folder beside the ledgers: checked by --check.
    skipped_summaries: list[str] = field(default_factory=list)
    # Files in a folder that are no workbook to read: (path, reason) with reason lock-file,
    # wps-format (a .et ledger: to be saved again as .xlsx) or not-spreadsheet.
    skipped_files: list[tuple[str, str]] = field(default_factory=list)
    # Byte-identical files (a re-sent submission saved twice): each group's paths.
    identical: list[list[str]] = field(default_factory=list)
    # With a roster (--units): its units that sent nothing, by canonical name. None without one.
    not_reported: list[str] | None = None

    def count(self, severity: str) -> int:
        return sum(f.count(severity) for f in self.files)

    @property
    def unreadable(self) -> bool:
        return any(not f.readable for f in self.files)

    def exit_code(self, strict: bool = False) -> int:
        """0 clean, 1 errors (or warnings with --strict), 2 a file could not be read."""
        if self.unreadable:
            return 2
        if self.count("error") or (strict and self.count("warning")):
            return 1
        return 0

    def to_json(self, lang: str) -> dict[str, Any]:
        return {
            "files": [f.to_json(lang) for f in self.files],
            "errors": self.count("error"),
            "warnings": self.count("warning"),
            "notices": self.count("notice"),
            # Files found in a folder and not read: last week's city workbook, an annex 3/4
            # beside a ledger. Listed so that no file vanishes from the machine's view.
            "skipped": {
                "merged": self.skipped_merged,
                "summaries": self.skipped_summaries,
                "files": self.skipped_files_json(),
            },
            "not_reported": self.not_reported,
        }

    def skipped_files_json(self) -> list[dict[str, str]]:
        """`skipped_files` as every command's JSON gives them (validate's, summarize's)."""
        return [{"path": p, "reason": r} for p, r in self.skipped_files]

    def flatten(self, keys: list[str]) -> list[list[Any]]:
        """Findings as short lists of the named attributes, for compact test assertions."""
        return [[getattr(f, k) for k in keys] for fr in self.files for f in fr.findings]
