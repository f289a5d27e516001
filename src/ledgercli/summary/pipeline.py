"""From an input to its summary table: read, choose the layout, compute, compare with a
reported table. What `ledger summarize` and `api.summarize` do, without a word on a terminal.

Which summary is computed is the schemas' to say (`[layout]` of, annex, default): no form id
is written here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ledgercli.check.inbox import case_ledgers, forms_at_a_glance, validate_paths
from ledgercli.model.errors import LedgerError
from ledgercli.model.forms import get_form
from ledgercli.model.options import Options
from ledgercli.model.report import Report
from ledgercli.run.collector import paused
from ledgercli.run.pool import Progress
from ledgercli.summary import figures as sm
from ledgercli.summary.reconcile import (
    Difference,
    not_compared,
    read_reported,
    reconcile,
    reported_annex,
)


@dataclass
class SummaryRun:
    """A summary with what was read for it and what was set aside on the way."""

    path: Path
    report: Report  # every file read, as validate reports them
    contacts: list[str]  # contact forms (annex 1) sent beside the ledgers, not counted
    annex: str
    summary: sm.Summary
    skipped_forms: list[str]  # ledgers of another detail form, not counted
    keep_copies: bool = False
    # --check: the reported table's differences, and the units it does not name
    check: Path | None = None
    differences: list[Difference] | None = None
    not_compared: list[str] = field(default_factory=list)

    @property
    def unreadable(self) -> list[str]:
        return [fr.path for fr in self.report.files if not fr.readable]

    def exit_code(self) -> int:
        """0 done; 1 a file could not be read, or --check found differences."""
        return 1 if self.unreadable or self.differences else 0

    def to_json(self, lang: str, output: Path | None) -> dict[str, Any]:
        report = self.report
        data = sm.to_json(self.summary, lang)
        data["not_reported"] = report.not_reported
        if output is not None:
            data["output"] = str(output)
        # Files read and deliberately not counted, so that none vanishes from the machine's
        # view.
        data["skipped"] = {
            "merged": report.skipped_merged,
            "summaries": report.skipped_summaries,
            "contact_forms": self.contacts,
            "copies": [] if self.keep_copies else [p for g in report.identical for p in g[1:]],
            "files": report.skipped_files_json(),
        }
        if self.differences is not None:
            data["check"] = {
                "path": str(self.check),
                "differences": [d.to_json() for d in self.differences],
                "not_compared": self.not_compared,
            }
        return data


def refuse_early(
    path: Path, annex: str | None = None, by: str | None = None, check: Path | None = None
) -> None:
    """What can be refused before the inputs are read: a missing input or reported table, an
    unknown annex, a --by column the annex's detail form does not have."""
    if not path.exists():
        raise LedgerError("file-missing", path=str(path))
    if check is not None and not check.exists():
        raise LedgerError("file-missing", path=str(check))
    if annex is not None:
        _, layout = sm.annex_layout(annex)
        if by:
            sm.resolve_by(get_form(layout.of), by)


def planned_annex(path: Path, options: Options, check: Path | None = None) -> str:
    """The summary `summarize_path` will compute when no annex is given, known from the head
    rows of the inputs (and the title of a reported table) before anything is read in full."""
    if check is not None:
        guess = reported_annex(check, options.password)
        if guess is not None:
            return guess
    return sm.default_annex(forms_at_a_glance([path], options))


def summarize_path(
    path: Path,
    options: Options,
    *,
    annex: str | None = None,
    by: str | None = None,
    order: Literal["name", "amount"] = "name",
    only_valid: bool = False,
    drop_duplicates: bool = False,
    check: Path | None = None,
    progress: Progress | None = None,
) -> SummaryRun:
    """The summary of a merged city workbook, one submission or a folder of them.

    `annex` names the summary (its schema's `annex`); without it, a table reported for
    `check` says which, else the default summary of the detail form read. `progress(path, n,
    total)` hears of each file read.
    """
    refuse_early(path, annex, by, check)
    # A merged city workbook is read for its figures only; submissions are validated in full.
    options.summary_columns = sm.input_columns(by, annex)
    report, ledgers = validate_paths([path], options, progress=progress)
    ledgers, contacts = case_ledgers(ledgers)
    read_forms = [lg.form.id for lg in ledgers]
    if annex is None and check is not None:
        # The table the district reported, when it is a summary of what was read.
        guess = reported_annex(check, options.password)
        if guess is not None and sm.annex_layout(guess)[1].of in read_forms:
            annex = guess
    if annex is None:
        annex = sm.default_annex(read_forms)
    form, layout = sm.annex_layout(annex)
    chosen = [lg for lg in ledgers if lg.form.id == layout.of]
    if not chosen:
        found = sorted({fr.form for fr in report.files if fr.form}) or ["-"]
        raise LedgerError(
            "summary-no-ledger", path=str(path), form=layout.of, found=", ".join(found)
        )
    layout = sm.expanded(layout, chosen)
    by_key = sm.resolve_by(chosen[0].form, by) if by else None
    if by_key:
        layout = sm.grouped_by(layout, chosen[0].form.by_key[by_key].header)
    with paused():  # a case per row, none holding a cycle (run/collector.py)
        for lg in chosen:
            # What only names a case without a number (two codes and a contract name: most
            # of a city workbook's text) is let go once the identities are made of it, before
            # a million cases are built beside it.
            lg.drop_columns(set(lg.form.identity_fallback) - {by_key})
        cases = sm.cases_from(chosen, layout, report, by_key)
        summary = sm.summarize(
            cases, form, layout, order=order, only_valid=only_valid, drop_duplicates=drop_duplicates
        )
    run = SummaryRun(
        path=path,
        report=report,
        contacts=contacts,
        annex=annex,
        summary=summary,
        skipped_forms=[lg.path for lg in ledgers if lg.form.id != layout.of],
        keep_copies=options.keep_copies,
        check=check,
    )
    if check is not None:
        reported = read_reported(check, summary, options.password)
        run.differences = reconcile(summary, reported)
        run.not_compared = not_compared(summary, reported)
    return run
