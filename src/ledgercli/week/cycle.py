"""`ledger week`: the clerk's whole weekly cycle from one read of the inbox.

Every submission is read once, on the process pool a merge uses (merge/worker.py): each worker
validates its file, spills the rows the city workbook will hold and sends the validated ledger
back. From those reads come the marked copies and the index of returns (the findings), the city
workbook (the spills), the summary tables of the form (annex 3 and 4, or the Wuhan weekly
report), the headline figures, the changes since last week and the lapsed promises (the
ledgers). Nothing here re-implements a figure: the same functions as `merge`, `summarize`,
`diff` and `overdue` compute them, so whatever those learn (units of amount, copies, sheets)
is in the week too.

The outputs go to OUTDIR, a folder the tool owns (week/outdir.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from ledgercli.check.roster import liaisons, read_roster
from ledgercli.compare.diff import Diff, Side, compare
from ledgercli.compare.overdue import Overdue, current_month, find_overdue
from ledgercli.merge.plan import MergeResult, merge_paths
from ledgercli.model.amountunit import SUSPECT
from ledgercli.model.errors import LedgerError
from ledgercli.model.i18n import join, message
from ledgercli.model.numbers import fmt_amount, rate
from ledgercli.model.options import Options
from ledgercli.model.report import Report
from ledgercli.model.units import Roster, apply_to_ledger, plan_units, reporting_units, unit_key
from ledgercli.run.collector import paused
from ledgercli.run.pool import Progress, effective_jobs, in_background
from ledgercli.summary.figures import cases_from, expanded, summarize, summary_layouts
from ledgercli.week import outdir as od
from ledgercli.week.figures import change_of, figures_of, headline_summary, lapsed_of
from ledgercli.week.last import LastWeek, roster_of_last_week
from ledgercli.week.report import (
    Caution,
    Changes,
    Outputs,
    Received,
    Returned,
    UnitFigures,
    WeekReport,
)
from ledgercli.write.annexbook import write_summary
from ledgercli.write.annotate import annotate_file, contact_of, copy_name, problem_line, write_index
from ledgercli.write.changebook import diff_sheets, overdue_sheets, save
from ledgercli.write.citybook import write_city

# Below this many rows the city workbook is written in this process: starting another costs
# more than it saves.
BACKGROUND_ROWS = 20_000
# A lapsed promise's row holds every form column twice over (its values and more): it counts
# for this many city rows when deciding whether to write it in another process.
OVERDUE_WEIGHT = 2
# How many errors of a returned file week.json and the page name (the marked copy has all).
FIRST_PROBLEMS = 3
# The summaries' caveats that point to an option of `summarize` the week has not: what the
# week does instead.
WEEK_CAVEATS = {
    "summary-error-rows": "week-caveat-error-rows",
    "summary-duplicates": "week-caveat-duplicates",
}


def run_week(
    inbox: Path,
    outdir: Path,
    options: Options,
    *,
    last: Path | None = None,
    as_of: str | None = None,
    lang: str = "zh",
    jobs: int | None = None,
    progress: Progress | None = None,
) -> WeekReport:
    """Read INBOX once, write every output into OUTDIR (replacing the tool's own previous
    outputs there as a whole), and return what the week found."""
    od.check_outdir(inbox, outdir, last)
    roster = read_roster(options.units, options.password) if options.units else None
    last_week = LastWeek(last, options) if last is not None else None
    if last_week is not None and roster is None:
        roster = roster_of_last_week(last_week.units(), last_week.path)
    month = as_of or current_month(options.today)
    with merge_paths(
        [inbox], options, progress=progress, jobs=jobs, roster=roster, keep_ledgers=True
    ) as result:
        week = _Week(inbox, outdir, options, result, roster, last_week, month, lang)
        week.jobs = jobs
        with od.staging(outdir) as folder:
            return week.write(folder)


# A workbook written elsewhere comes back as nothing, or as its refusal (code, parameters).
Refusal = tuple[str, dict[str, Any]] | None
Wait = Callable[[], Refusal]


class _Week:
    """One week's facts, computed from the one read, and the files that say them."""

    def __init__(
        self,
        inbox: Path,
        outdir: Path,
        options: Options,
        result: MergeResult,
        roster: Roster | None,
        last_week: LastWeek | None,
        as_of: str,
        lang: str,
    ) -> None:
        assert result.form is not None
        self.inbox, self.outdir, self.options = inbox, outdir, options
        self.result, self.roster, self.as_of, self.lang = result, roster, as_of, lang
        self.last_week = last_week
        self.old: Side | None = None  # last week's, read while the city workbook is written
        self.diff: Diff | None = None
        self.form = result.form
        self.jobs: int | None = None
        self.waits: list[Wait] = []
        self.merged = [s for s in result.sources if s.status == "merged"]
        ledgers = [s.ledger for s in self.merged if s.ledger is not None]
        self.ledgers = [lg for lg in ledgers if lg.form.kind == "table" and not lg.form.is_roster]
        self.report = _report(result)
        self.new = Side(
            paths=[str(inbox)],
            form=self.form,
            ledgers=self.ledgers,
            rows_with_errors=sum(1 for lg in self.ledgers for e in lg.errors if e),
            reports=[s.report for s in result.sources if s.report is not None],
            keep_copies=options.keep_copies,
        )
        if last_week is not None and last_week.form not in (None, self.form.id):
            raise LedgerError("diff-form-mismatch", old=last_week.form, new=self.form.id)
        self.not_reported = self._not_reported()
        result.not_reported = self.not_reported  # the city workbook's 来源 sheet says it too

    def _not_reported(self) -> list[str] | None:
        """Units expected this week that sent nothing: the roster's (--units, else last
        week's units) and, with --last, every unit with cases last week."""
        expected = list(self.roster.by_key) if self.roster is not None else []
        if self.last_week is not None:
            expected += [unit_key(u) for u in self.last_week.units()]
        if not expected:
            return None
        plan = self.result.unit_plan or plan_units([], self.roster, findings=False)
        # As merge says it: a file that cannot be read was sent all the same; last week's
        # city workbook left in the inbox was not sent by anyone.
        sent = [
            s.report
            for s in self.result.sources
            if s.report is not None and s.status in ("merged", "unreadable")
        ]
        return plan.not_reported(expected, reporting_units(sent, expected))

    def _diff(self) -> Diff | None:
        if self.last_week is None:
            return None
        self.old = old = self.last_week.side()
        if old.form.id != self.form.id:
            raise LedgerError("diff-form-mismatch", old=old.form.id, new=self.form.id)
        plan = self.result.unit_plan
        if plan is not None:
            for lg in old.ledgers:
                apply_to_ledger(lg, plan)
        return compare(old, self.new, self.not_reported or [])

    # --- writing ------------------------------------------------------------------------

    def write(self, folder: Path) -> WeekReport:
        from ledgercli.week.page import render

        inputs = [self.inbox]
        # The city workbook is most of the writing: in a process of its own, on the other
        # core, while this one writes everything else.
        self.waits = [self._city(folder / od.CITY, inputs)]
        try:
            with paused():  # cases by the million, none holding a cycle (run/collector.py)
                self.headline = headline_summary(self.ledgers, self.form.id)
                self.diff = self._diff()
            summaries = self._summaries(folder, inputs)
            copies = self._returns(folder, inputs)
            changes = self._changes(folder, inputs)
            lapsed = self._overdue(folder, inputs)
        except BaseException:
            for wait in self.waits:  # the folder is removed after a failure: not while it is
                wait()  # being written
            raise
        for wait in self.waits:
            failed = wait()
            if failed is not None:
                raise LedgerError(failed[0], **failed[1])
        report = self._report(summaries, copies, changes, lapsed)
        (folder / od.HTML).write_text(render(report), encoding="utf-8")
        (folder / od.JSON).write_text(report.model_dump_json(indent=2), encoding="utf-8")
        fields = {
            "inbox": str(self.inbox),
            "written": report.generated,
            "city": od.CITY,
            "form": self.form.id,
            # Next week's --last reads these as the units expected, without opening a file.
            "units": sorted({u for lg in self.ledgers for u in lg.units() if u}),
        }
        od.write_marker(folder, fields)
        return report

    def _city(self, out: Path, inputs: list[Path]) -> Wait:
        """Start writing the city workbook; the returned call waits for it (None: written,
        else the error's code and parameters)."""
        rows = sum(s.rows_read for s in self.merged)
        if not self._beside(rows):
            done = refusal_of(write_city, self.result, out, inputs, False, self.lang)
            return lambda: done
        # What crosses to the other process: the plan and the spill files' names, no ledger.
        light = replace(
            self.result,
            spill_dir=None,
            sources=[replace(s, ledger=None) for s in self.result.sources],
        )
        return in_background(refusal_of, write_city, light, out, inputs, False, self.lang).result

    def _beside(self, rows: int) -> bool:
        """Is a workbook of this many rows worth a process of its own?"""
        return effective_jobs(self.jobs, 2) >= 2 and rows >= BACKGROUND_ROWS

    def _summaries(self, folder: Path, inputs: list[Path]) -> dict[str, str]:
        """The summary tables of the form read (annex 3 and 4, or the Wuhan weekly report),
        by the schemas' layouts, as `summarize --annex` computes them."""
        out: dict[str, str] = {}
        for form, layout in summary_layouts():
            if layout.of != self.form.id or layout.annex not in od.SUMMARIES:
                continue
            key, name = od.SUMMARIES[layout.annex]
            layout = expanded(layout, self.ledgers)
            with paused():
                result = summarize(cases_from(self.ledgers, layout, self.report), form, layout)
            write_summary(result, folder / name, inputs, lang=self.lang)
            out[key] = name
        return out

    def _returns(self, folder: Path, inputs: list[Path]) -> dict[str, Path]:
        """Marked copies of the submissions with errors, and the index of every file."""
        back = folder / od.RETURNS
        copies: dict[str, Path] = {}
        taken: set[str] = set()
        for fr in self.report.files:
            if not fr.readable or not fr.count("error"):
                continue
            back.mkdir(exist_ok=True)
            out = back / copy_name(Path(fr.path), taken)
            annotate_file(fr, out, self.lang, password=self.options.password, inputs=inputs)
            copies[fr.path] = out
        units = {str(s.path): s.unit or "" for s in self.result.sources}
        ledgers = [s.ledger for s in self.result.sources if s.ledger is not None]
        write_index(
            self.report,
            ledgers,
            copies,
            folder / od.INDEX,
            self.lang,
            inputs=inputs,
            contacts=self.contacts(),
            units=units,
        )
        return copies

    def contacts(self) -> dict[str, tuple[str, str]]:
        """Each unit's liaison: annex-1 forms in the inbox, then the --units roster."""
        found: dict[str, tuple[str, str]] = {}
        for s in self.result.sources:
            if s.ledger is not None:
                for k, v in liaisons(s.ledger).items():
                    found.setdefault(k, v)
        if self.roster is not None:
            for k, v in self.roster.contacts.items():
                found.setdefault(k, v)
        return found

    def _changes(self, folder: Path, inputs: list[Path]) -> str | None:
        if self.diff is None:
            return None
        save(diff_sheets(self.diff, self.lang), folder / od.CHANGES, inputs, False)
        return od.CHANGES

    def _overdue(self, folder: Path, inputs: list[Path]) -> Overdue | None:
        if "remaining_due" not in self.form.by_key and "agreed_due" not in self.form.by_key:
            return None  # the Wuhan form records no promised months
        found = find_overdue(self.new, self.as_of)
        sheets = overdue_sheets(found, self.lang)
        if self._beside(len(found.cases) * OVERDUE_WEIGHT):
            # A city's lapsed promises can be tens of thousands of full rows: written beside
            # the city workbook while this process finishes the rest.
            future = in_background(refusal_of, save, sheets, folder / od.OVERDUE, inputs, False)
            self.waits.append(future.result)
        else:
            save(sheets, folder / od.OVERDUE, inputs, False)
        return found

    # --- the report -------------------------------------------------------------------------

    def _report(
        self,
        summaries: dict[str, str],
        copies: dict[str, Path],
        changes: str | None,
        lapsed: Overdue | None,
    ) -> WeekReport:
        returned = self._returned(copies)
        alarms = self._alarms(lapsed)
        unreadable = [s for s in self.result.sources if s.status == "unreadable"]
        exit_code = 2 if unreadable else 1 if returned or any(alarms.values()) else 0
        last = headline_summary(self.old.ledgers, self.form.id) if self.old is not None else None
        return WeekReport(
            inbox=str(self.inbox),
            outdir=str(self.outdir),
            last=self.old.paths[0] if self.old is not None else None,
            form=self.form.id,
            as_of=self.as_of,
            generated=dt.datetime.now().isoformat(timespec="seconds"),
            received=self._received(),
            headline=figures_of(self.headline.total.values),
            last_week=figures_of(last.total.values) if last else None,
            change=change_of(self.headline, last) if last else None,
            units=[
                UnitFigures(unit=r.label, **figures_of(r.values).model_dump())
                for r in self.headline.rows
            ],
            not_reported=self.not_reported,
            returned=returned,
            changes=self._changes_json(),
            overdue=lapsed_of(lapsed),
            cautions=self._cautions(),
            alarms=alarms,
            outputs=self._outputs(summaries, copies, changes, lapsed is not None),
            exit_code=exit_code,
        )

    def _outputs(
        self, summaries: dict[str, str], copies: dict[str, Path], changes: str | None, lapsed: bool
    ) -> Outputs:
        out = self.outdir

        def at(name: str | None) -> str | None:
            return None if name is None else str(out / name)

        return Outputs(
            city=str(out / od.CITY),
            annex3=at(summaries.get("annex3")),
            annex4=at(summaries.get("annex4")),
            wuhan=at(summaries.get("wuhan")),
            changes=at(changes),
            overdue=at(od.OVERDUE if lapsed else None),
            index=str(out / od.INDEX),
            marked_copies=[str(out / od.RETURNS / p.name) for p in copies.values()],
            html=str(out / od.HTML),
            json=str(out / od.JSON),
        )

    def _received(self) -> Received:
        sources = self.result.sources
        skipped = [
            {"path": str(s.path), "reason": s.skip_reason or s.status}
            for s in sources
            if s.status in ("skipped", "other-form")
        ]
        units = {u for lg in self.ledgers for u in lg.units() if u}
        return Received(
            files=len(sources),
            merged=len(self.merged),
            rows=sum(s.rows_read for s in self.merged),
            units=len(units),
            unreadable=[str(s.path) for s in sources if s.status == "unreadable"],
            skipped=skipped,
        )

    def _returned(self, copies: dict[str, Path]) -> list[Returned]:
        contacts = self.contacts()
        out = []
        for s in self.result.sources:
            fr = s.report
            if fr is None or s.status not in ("merged", "unreadable"):
                continue
            errors = s.count("error")
            if s.status == "merged" and not errors:
                continue
            unit = s.unit or _unit_from_name(s.path, self.roster)
            person, phone = contact_of(fr, unit, contacts)
            problems = [f for f in s.findings if f.severity == "error"][:FIRST_PROBLEMS]
            copy = copies.get(fr.path)
            out.append(
                Returned(
                    unit=unit,
                    file=str(s.path),
                    copy_path=str(self.outdir / od.RETURNS / copy.name) if copy else None,
                    person=person,
                    phone=phone,
                    errors=errors,
                    warnings=s.count("warning"),
                    unreadable=s.status == "unreadable",
                    problems=[problem_line(f, self.lang) for f in problems],
                )
            )
        return out

    def _alarms(self, lapsed: Overdue | None) -> dict[str, int]:
        d = self.diff
        return {
            "not_reported": len(self.not_reported or []),
            "vanished": len(d.of("vanished")) if d is not None else 0,
            "regressions": len(d.of("regression")) if d is not None else 0,
            "overdue": len(lapsed.cases) if lapsed is not None else 0,
        }

    def _changes_json(self) -> Changes | None:
        d = self.diff
        if d is None or self.old is None:
            return None
        return Changes(
            last=self.old.paths[0],
            totals={**d.totals.to_json(), "not_reported": len(d.not_reported)},
            vanished=[c.to_json() for c in d.of("vanished")],
            regressions=[c.to_json() for c in d.of("regression")],
        )

    def _cautions(self) -> list[Caution]:
        """What the figures include or leave out that a signer must know (the safe-figure
        rules): the summaries' caveats, copies, suspect amounts, unreadable and skipped files."""
        lang = self.lang
        out: list[Caution] = []
        for caveat in self.headline.caveats:
            code = WEEK_CAVEATS.get(caveat.code)
            text = message(code, lang, **caveat.params) if code else caveat.message(lang)
            out.append(Caution(code=caveat.code, message=text))
        # A byte-identical copy: counted once (merge set it aside), or twice with --keep-copies;
        # its warning says which, naming the file it repeats.
        for src in self.result.sources:
            for f in src.notes:
                if f.rule == "identical-file":
                    text = message(
                        "week-caution-file", lang, file=src.path.name, text=f.message(lang)
                    )
                    out.append(Caution(code="identical-file", message=text))
        suspect = self._suspect_since_last_week()
        if suspect is not None:
            out.append(suspect)
        for status, code in (
            ("unreadable", "week-caution-unreadable"),
            ("other-form", "week-caution-other-form"),
        ):
            names = [s.path.name for s in self.result.sources if s.status == status]
            if names:
                text = message(code, lang, n=len(names), form=self.form.id, files=join(names, lang))
                out.append(Caution(code=status, message=text))
        return out

    def _suspect_since_last_week(self) -> Caution | None:
        """Amounts thousands of times last week's: said unless the summaries' own suspect
        caveat counts the row already."""
        d = self.diff
        news = [x.new for x in d.suspects] if d is not None else []
        news = [c for c in news if not (c.ledger.marks and c.ledger.marks[c.i] == SUSPECT)]
        if d is None or not news:
            return None
        owed = sum((c.owed for c in news), Decimal(0))
        share = rate(owed, d.totals.owed_new)
        text = message(
            "week-caution-suspect-last-week",
            self.lang,
            n=len(news),
            owed=fmt_amount(owed),
            percent="—" if share is None else f"{share:.2f}",
        )
        return Caution(code="amount-suspect-yuan", message=text)


def refusal_of(write: Callable[..., object], *args: Any) -> Refusal:
    """`write(*args)`, in this process or another; a refusal comes back as (code, parameters),
    which cross processes whole (an exception's keyword parameters would not)."""
    try:
        write(*args)
    except LedgerError as exc:
        return exc.code, exc.params
    return None


def _report(result: MergeResult) -> Report:
    """The validation report of the week: every file read as a submission, with what the merge
    found across files (a case sent by two units) among its findings."""
    report = Report()
    for s in result.sources:
        if s.report is not None and s.status in ("merged", "unreadable"):
            report.files.append(replace(s.report, findings=list(s.findings)))
    report.not_reported = result.not_reported
    return report


def _unit_from_name(path: Path, roster: Roster | None) -> str:
    """The unit of a file that names none (it cannot be read): the roster unit its name holds."""
    if roster is not None:
        stem = unit_key(path.stem)
        for key, name in sorted(roster.by_key.items(), key=lambda kv: -len(kv[0])):
            if key and key in stem:
                return name
    return ""
