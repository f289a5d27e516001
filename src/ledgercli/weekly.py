"""`ledger week`: the clerk's whole weekly cycle from one read of the inbox.

Every submission is read once, on the process pool a merge uses (parallel.py): each worker
validates its file, spills the rows the city workbook will hold and sends the validated ledger
back. From those reads come the marked copies and the index of returns (the findings), the city
workbook (the spills), annex 3 and 4 or the Wuhan weekly report, the headline figures, the
changes since last week and the lapsed promises (the ledgers). Nothing here re-implements a
figure: the same functions as `merge`, `summarize`, `diff` and `overdue` compute them, so
whatever those learn (units of amount, copies, sheets) is in the week too.

The outputs go to OUTDIR, a folder the tool owns: it is written whole beside OUTDIR and put in
its place at the end, a marker file lists what it holds, and a folder holding anything else is
refused before a single file is read.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from .errors import LedgerError
from .i18n import message
from .ledger import Ledger
from .merge import MergeResult, merge_paths
from .report import Report
from .summary import Summary, SummaryLayout, cases_from, fmt_amount, summarize
from .units import Roster, liaisons, plan_units, read_roster, reporting_units, unit_key
from .validate import Options

# --- the folder's contents: stable names (README "ledger week") ------------------------------

CITY = "全市台账.xlsx"
ANNEX3 = "附件3-排查情况汇总表.xlsx"
ANNEX4 = "附件4-化解情况汇总表.xlsx"
WUHAN = "武汉周报-线索办理情况汇总表.xlsx"
CHANGES = "本周变化.xlsx"
OVERDUE = "逾期未偿还.xlsx"
INDEX = "退回清单.xlsx"
RETURNS = "退回"  # the folder of marked copies
HTML = "周报.html"
JSON = "week.json"
MARKER = ".ledger-week.json"
MARKER_TOOL = "ledger week"
# Files an operating system drops into any folder it shows; not the clerk's, not ours.
OS_LITTER = {".DS_Store", "Thumbs.db", "desktop.ini"}

Progress = Callable[[Path, int, int], None]


# --- the report: week.json is its JSON --------------------------------------------------------


class Figures(BaseModel):
    """Cases, 拖欠总金额, 清偿总金额 (万元, exact decimal strings) and 清偿率 (%)."""

    cases: int
    owed: str
    repaid: str
    rate: str | None


class UnitFigures(Figures):
    unit: str


class Change(BaseModel):
    """This week minus last week; 清偿率 in percentage points."""

    cases: int
    owed: str
    repaid: str
    rate: str | None


class Received(BaseModel):
    files: int  # spreadsheets in the inbox
    merged: int  # ledgers whose rows are in the city workbook
    rows: int
    units: int  # units with rows
    unreadable: list[str]
    skipped: list[dict[str, str]]  # {path, reason}


class Returned(BaseModel):
    """A submission that goes back: its errors, whom to call, its marked copy."""

    unit: str
    file: str
    copy_path: str | None
    person: str
    phone: str
    errors: int
    warnings: int
    unreadable: bool
    problems: list[str]


class Caution(BaseModel):
    code: str
    message: str


class Changes(BaseModel):
    """The comparison with last week (`diff`): totals, and the alarming changes in full."""

    last: str  # what was compared with: last week's city workbook or folder
    totals: dict[str, Any]
    vanished: list[dict[str, Any]]
    regressions: list[dict[str, Any]]


class Lapsed(BaseModel):
    as_of: str
    cases: int
    amount: str
    units: list[dict[str, Any]]
    top: list[dict[str, Any]]  # the longest overdue cases (all are in the workbook)


class Outputs(BaseModel):
    """Every file written, as a path inside OUTDIR (None: not written this week)."""

    city: str
    annex3: str | None
    annex4: str | None
    wuhan: str | None
    changes: str | None
    overdue: str | None
    index: str
    marked_copies: list[str]
    html: str
    json_: str = Field(serialization_alias="json")


class WeekReport(BaseModel):
    inbox: str
    outdir: str
    last: str | None
    form: str
    as_of: str
    generated: str
    received: Received
    headline: Figures
    last_week: Figures | None
    change: Change | None
    units: list[UnitFigures]
    not_reported: list[str] | None
    returned: list[Returned]
    changes: Changes | None
    overdue: Lapsed | None
    cautions: list[Caution]
    alarms: dict[str, int]
    outputs: Outputs
    exit_code: int

    def to_json(self) -> str:
        return json.dumps(self.model_dump(by_alias=True), ensure_ascii=False, indent=2)


# --- OUTDIR: refused before anything is read --------------------------------------------------


def check_outdir(inbox: Path, outdir: Path, last: Path | None = None) -> None:
    """Refuse an OUTDIR inside the inbox (the next week would read our outputs as submissions),
    a file, or a folder holding anything the tool did not write there; and a --last that is
    this OUTDIR. Nothing is read or written before these checks."""
    if not inbox.exists():
        raise LedgerError("file-missing", path=str(inbox))
    if not inbox.is_dir():
        raise LedgerError("week-inbox-not-folder", path=str(inbox))
    target = outdir.resolve()
    if target.is_relative_to(inbox.resolve()):
        raise LedgerError("week-outdir-in-inbox", path=str(outdir), inbox=str(inbox))
    if last is not None and last.resolve() == target:
        raise LedgerError("week-last-is-outdir", path=str(last))
    if not outdir.exists():
        return
    if not outdir.is_dir():
        raise LedgerError("week-outdir-not-folder", path=str(outdir))
    foreign = foreign_files(outdir)
    if foreign:
        shown = "、".join(foreign[:5]) + ("…" if len(foreign) > 5 else "")
        raise LedgerError("week-outdir-foreign", path=str(outdir), files=shown, n=len(foreign))


def foreign_files(outdir: Path) -> list[str]:
    """What OUTDIR holds that its marker does not list (all of it, without a marker)."""
    owned = set(_marker(outdir).get("files", [])) | {MARKER}
    found = []
    for p in sorted(outdir.rglob("*")):
        rel = p.relative_to(outdir).as_posix()
        if (p.is_dir() and rel in owned) or p.name in OS_LITTER:
            continue
        if p.is_dir() and any(f.startswith(rel + "/") for f in owned):
            continue
        if rel not in owned:
            found.append(rel)
    return found


def _marker(folder: Path) -> dict[str, Any]:
    try:
        data = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) and data.get("tool") == MARKER_TOOL else {}


# --- last week ----------------------------------------------------------------------------------


def last_inputs(last: Path) -> tuple[Path, list[str] | None, str | None]:
    """What to read of --last: last week's OUTDIR gives its city workbook (and the units its
    marker lists, so they need no reading); a workbook or an inbox folder is read as it is."""
    if not last.exists():
        raise LedgerError("week-last-missing", path=str(last))
    marker = _marker(last) if last.is_dir() else {}
    if marker:
        city = last / str(marker.get("city", CITY))
        if not city.exists():
            raise LedgerError("week-last-no-city", path=str(last), city=city.name)
        units, form = marker.get("units"), marker.get("form")
        form = str(form) if isinstance(form, str) else None
        if isinstance(units, list) and all(isinstance(u, str) for u in units):
            return city, [str(u) for u in units], form
        return city, None, form
    return last, None, None


def roster_of_last_week(units: list[str], path: Path) -> Roster | None:
    """Last week's units as the roster (no --units): its names stay the names, and a unit
    that reported then and sends nothing now is 未报送. A unit written several ways goes by
    its most frequent spelling."""
    from collections import Counter

    counts = Counter(units)
    names: dict[str, str] = {}
    for name, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        names.setdefault(unit_key(name), name)
    return Roster(path, sorted(names.values())) if names else None


# --- the week ------------------------------------------------------------------------------


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
    from .overdue import current_month

    check_outdir(inbox, outdir, last)
    roster = read_roster(options.units, options.password) if options.units else None
    last_week = LastWeek(*last_inputs(last), options=options) if last is not None else None
    if last_week is not None and roster is None:
        roster = roster_of_last_week(last_week.units(), last_week.path)
    month = as_of or current_month(options.today)
    with merge_paths(
        [inbox], options, progress=progress, jobs=jobs, roster=roster, keep_ledgers=True
    ) as result:
        week = _Week(inbox, outdir, options, result, roster, last_week, month, lang)
        week.jobs = jobs
        with staging(outdir) as folder:
            return week.write(folder)


class LastWeek:
    """Last week's cases, read in two steps: its units first (they are this week's roster and
    who is expected), the whole later, while the city workbook is being written."""

    def __init__(
        self, path: Path, units: list[str] | None, form: str | None, options: Options
    ) -> None:
        self.path = path
        self.options = options
        self._units = units  # from last week's marker, when --last is its OUTDIR
        self.form = form
        self._side: Any = None

    def _read(self, columns: frozenset[str] | None) -> Any:
        from .diff import load_side

        # A merged workbook is read by columns, without the checks of a submission (last
        # week's findings were last week's); a folder of submissions is validated in full.
        opts = replace(self.options, units=None, summary_columns=columns)
        return load_side([self.path], opts, units=False)

    def units(self) -> list[str]:
        """Every row's unit name (as last week wrote it)."""
        if self._units is None:
            side = self._side
            if side is None and self.path.is_file():
                side = self._read(_UNIT_KEYS)
            elif side is None:
                side = self._side = self._read(None)
            self._units = [u for lg in side.ledgers for u in lg.units() if u]
            self.form = side.form.id
        return self._units

    def side(self) -> Any:
        if self._side is None:
            self._side = self._read(_ALL_KEYS if self.path.is_file() else None)
        return self._side


def _form_keys(units_only: bool) -> frozenset[str]:
    from .forms import input_forms

    keys: set[str] = {"source_file", "source_row", "source_sheet"}
    for form in input_forms():
        if units_only:
            keys.update(k for k in (form.unit_column,) if k)
        else:
            # Every column a comparison shows, but numbering and dates: Excel stores those as
            # numbers, which would send the whole workbook to the slow reader for nothing.
            keys.update(c.key for c in form.columns if c.kind not in ("integer", "date"))
    return frozenset(keys)


_UNIT_KEYS = _form_keys(True)
_ALL_KEYS = _form_keys(False)


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
        from .diff import Side

        assert result.form is not None
        self.inbox, self.outdir, self.options = inbox, outdir, options
        self.result, self.roster, self.as_of, self.lang = result, roster, as_of, lang
        self.last_week = last_week
        self.old: Any = None  # last week's Side, read while the city workbook is written
        self.diff: Any = None
        self.form = result.form
        self.jobs: int | None = None
        self.waits: list[Callable[[], tuple[str, Any] | None]] = []
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

    def _diff(self) -> Any:
        from .diff import compare
        from .units import apply_to_ledger

        if self.last_week is None:
            return None
        self.old = self.last_week.side()
        if self.old.form.id != self.form.id:
            raise LedgerError("diff-form-mismatch", old=self.old.form.id, new=self.form.id)
        plan = self.result.unit_plan
        if plan is not None:
            for lg in self.old.ledgers:
                apply_to_ledger(lg, plan)
        return compare(self.old, self.new, self.not_reported or [])

    # --- writing ------------------------------------------------------------------------

    def write(self, folder: Path) -> WeekReport:
        inputs = [self.inbox]
        # The city workbook is most of the writing: in a process of its own, on the other
        # core, while this one writes everything else.
        self.waits = [self._city(folder / CITY, inputs)]
        try:
            self.headline = headline_summary(self.ledgers, self.form.id)
            self.diff = self._diff()
            annexes = self._annexes(folder, inputs)
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
        report = self._report(annexes, copies, changes, lapsed)
        from .weekhtml import render

        (folder / HTML).write_text(render(report), encoding="utf-8")
        (folder / JSON).write_text(report.to_json(), encoding="utf-8")
        written = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))
        marker = {
            "tool": MARKER_TOOL,
            "version": 1,
            "inbox": str(self.inbox),
            "written": report.generated,
            "city": CITY,
            "form": self.form.id,
            # Next week's --last reads these as the units expected, without opening a file.
            "units": sorted({u for lg in self.ledgers for u in lg.units() if u}),
            "files": written,
        }
        (folder / MARKER).write_text(json.dumps(marker, ensure_ascii=False, indent=1), "utf-8")
        return report

    def _city(self, out: Path, inputs: list[Path]) -> Callable[[], tuple[str, Any] | None]:
        """Start writing the city workbook; the returned call waits for it (None: written,
        else the error's code and parameters)."""
        rows = sum(s.rows_read for s in self.merged)
        if not self._beside(rows):
            done = write_city_task(self.result, out, inputs, self.lang)
            return lambda: done
        from .parallel import in_background

        # What crosses to the other process: the plan and the spill files' names, no ledger.
        light = replace(
            self.result,
            spill_dir=None,
            sources=[replace(s, ledger=None) for s in self.result.sources],
        )
        future = in_background(write_city_task, light, out, inputs, self.lang)
        return future.result

    def _beside(self, rows: int) -> bool:
        """Is a workbook of this many rows worth a process of its own?"""
        from .parallel import effective_jobs

        return effective_jobs(self.jobs, 2) >= 2 and rows >= BACKGROUND_ROWS

    def _annexes(self, folder: Path, inputs: list[Path]) -> dict[str, str]:
        from . import summary as sm
        from .annexbook import write_summary

        out: dict[str, str] = {}
        if self.form.id == "wh-ledger":
            form, layout = sm.wuhan_layout(self.ledgers)
            todo = [("wuhan", WUHAN, form, layout)]
        else:
            todo = []
            for annex, name in (("3", ANNEX3), ("4", ANNEX4)):
                form, layout = sm.annex_layout(annex)
                if layout.of == self.form.id:
                    todo.append((f"annex{annex}", name, form, layout))
        for key, name, form, layout in todo:
            result = summarize(cases_from(self.ledgers, layout, self.report), form, layout)
            write_summary(result, folder / name, inputs, lang=self.lang)
            out[key] = name
        return out

    def _returns(self, folder: Path, inputs: list[Path]) -> dict[str, Path]:
        """Marked copies of the submissions with errors, and the index of every file."""
        from .annotate import _copy_name, annotate_file, write_index

        back = folder / RETURNS
        copies: dict[str, Path] = {}
        taken: set[str] = set()
        for fr in self.report.files:
            if not fr.readable or not fr.count("error"):
                continue
            back.mkdir(exist_ok=True)
            out = back / _copy_name(Path(fr.path), taken)
            annotate_file(fr, out, self.lang, password=self.options.password, inputs=inputs)
            copies[fr.path] = out
        units = {str(s.path): s.unit or "" for s in self.result.sources}
        ledgers = [s.ledger for s in self.result.sources if s.ledger is not None]
        write_index(
            self.report,
            ledgers,
            copies,
            folder / INDEX,
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
        from .changebook import diff_sheets, save

        save(diff_sheets(self.diff, self.lang), folder / CHANGES, inputs, False)
        return CHANGES

    def _overdue(self, folder: Path, inputs: list[Path]) -> Any:
        from .overdue import find_overdue

        if "remaining_due" not in self.form.by_key and "agreed_due" not in self.form.by_key:
            return None  # the Wuhan form records no promised months
        from .changebook import overdue_sheets, save

        found = find_overdue(self.new, self.as_of)
        sheets = overdue_sheets(found, self.lang)
        if self._beside(len(found.cases) * OVERDUE_WEIGHT):
            # A city's lapsed promises can be tens of thousands of full rows: written beside
            # the city workbook while this process finishes the rest.
            from .parallel import in_background

            future = in_background(save_sheets_task, sheets, folder / OVERDUE, inputs)
            self.waits.append(future.result)
        else:
            save(sheets, folder / OVERDUE, inputs, False)
        return found

    def _report(
        self, annexes: dict[str, str], copies: dict[str, Path], changes: str | None, lapsed: Any
    ) -> WeekReport:
        out = self.outdir

        def at(name: str | None) -> str | None:
            return None if name is None else str(out / name)

        returned = self._returned(copies)
        alarms = self._alarms(lapsed)
        unreadable = [s for s in self.result.sources if s.status == "unreadable"]
        exit_code = 2 if unreadable else 1 if returned or any(alarms.values()) else 0
        last_figures = None
        if self.old is not None:
            last_figures = headline_summary(self.old.ledgers, self.form.id)
        return WeekReport(
            inbox=str(self.inbox),
            outdir=str(out),
            last=self.old.paths[0] if self.old is not None else None,
            form=self.form.id,
            as_of=self.as_of,
            generated=dt.datetime.now().isoformat(timespec="seconds"),
            received=self._received(),
            headline=figures_of(self.headline.total.values),
            last_week=figures_of(last_figures.total.values) if last_figures else None,
            change=change_of(self.headline, last_figures) if last_figures else None,
            units=[
                UnitFigures(unit=r.label, **figures_of(r.values).model_dump())
                for r in self.headline.rows
            ],
            not_reported=self.not_reported,
            returned=returned,
            changes=self._changes_json(),
            overdue=_lapsed(lapsed),
            cautions=self._cautions(),
            alarms=alarms,
            outputs=Outputs(
                city=str(out / CITY),
                annex3=at(annexes.get("annex3")),
                annex4=at(annexes.get("annex4")),
                wuhan=at(annexes.get("wuhan")),
                changes=at(changes),
                overdue=at(OVERDUE if lapsed is not None else None),
                index=str(out / INDEX),
                marked_copies=[str(out / RETURNS / p.name) for p in copies.values()],
                html=str(out / HTML),
                json_=str(out / JSON),
            ),
            exit_code=exit_code,
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
        from .annotate import contact_of

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
            problems = [f for f in s.findings if f.severity == "error"][:3]
            copy = copies.get(fr.path)
            out.append(
                Returned(
                    unit=unit,
                    file=str(s.path),
                    copy_path=str(self.outdir / RETURNS / copy.name) if copy else None,
                    person=person,
                    phone=phone,
                    errors=errors,
                    warnings=s.count("warning"),
                    unreadable=s.status == "unreadable",
                    problems=[
                        " ".join(x for x in (f.location(), f.message(self.lang)) if x)
                        for f in problems
                    ],
                )
            )
        return out

    def _alarms(self, lapsed: Any) -> dict[str, int]:
        d = self.diff
        return {
            "not_reported": len(self.not_reported or []),
            "vanished": len(d.of("vanished")) if d is not None else 0,
            "regressions": len(d.of("regression")) if d is not None else 0,
            "overdue": len(lapsed.cases) if lapsed is not None else 0,
        }

    def _changes_json(self) -> Changes | None:
        d = self.diff
        if d is None:
            return None
        return Changes(
            last=self.old.paths[0],
            totals={**d.totals.to_json(), "not_reported": len(d.not_reported)},
            vanished=[c.to_json() for c in d.of("vanished")],
            regressions=[c.to_json() for c in d.of("regression")],
        )

    def _cautions(self) -> list[Caution]:
        """What the figures include or leave out that a signer must know (the safe-figure
        rules): the summaries' caveats, copies, unreadable and skipped files."""
        lang = self.lang
        out: list[Caution] = []
        for caveat in self.headline.caveats:
            # The summaries' own sentence, unless it points to an option of `summarize`
            # that the week has not: then what the week does instead.
            code = WEEK_CAVEATS.get(caveat.code)
            text = message(code, lang, **caveat.params) if code else caveat_text(caveat, lang)
            out.append(Caution(code=caveat.code, message=text))
        # A byte-identical copy: counted once (merge set it aside), or twice with --keep-copies;
        # its warning says which, naming the file it repeats.
        for src in self.result.sources:
            for f in src.notes:
                if f.rule == "identical-file":
                    text = f"{src.path.name}：{f.message(lang)}"
                    out.append(Caution(code="identical-file", message=text))
        # Amounts thousands of times last week's: said here unless the summaries' own
        # suspect caveat above counts the row already.
        from .amountunit import SUSPECT
        from .summary import rate

        news = [x.new for x in self.diff.suspects] if self.diff is not None else []
        news = [c for c in news if not (c.ledger.marks and c.ledger.marks[c.i] == SUSPECT)]
        if news:
            owed = sum((c.owed for c in news), Decimal(0))
            share = rate(owed, self.diff.totals.owed_new)
            text = message(
                "week-caution-suspect-last-week",
                lang,
                n=len(news),
                owed=fmt_amount(owed),
                percent="—" if share is None else f"{share:.2f}",
            )
            out.append(Caution(code="amount-suspect-yuan", message=text))
        unreadable = [s.path.name for s in self.result.sources if s.status == "unreadable"]
        if unreadable:
            text = message("week-caution-unreadable", lang, n=len(unreadable))
            out.append(Caution(code="unreadable", message=f"{text}{'、'.join(unreadable)}"))
        other = [s.path.name for s in self.result.sources if s.status == "other-form"]
        if other:
            text = message("week-caution-other-form", lang, form=self.form.id, n=len(other))
            out.append(Caution(code="other-form", message=f"{text}{'、'.join(other)}"))
        return out


# Below this many rows the city workbook is written in this process: starting another costs
# more than it saves.
BACKGROUND_ROWS = 20_000


def write_city_task(
    result: MergeResult, out: Path, inputs: list[Path], lang: str
) -> tuple[str, dict[str, Any]] | None:
    """Write the city workbook; a refusal comes back as (code, parameters), which cross
    processes whole (an exception's keyword parameters would not)."""
    from .citybook import write_city

    try:
        write_city(result, out, inputs, lang=lang)
    except LedgerError as exc:
        return exc.code, exc.params
    return None


# A lapsed promise's row holds every form column twice over (its values and more): it counts
# for this many city rows when deciding whether to write it in another process.
OVERDUE_WEIGHT = 2


def save_sheets_task(
    sheets: list[Any], out: Path, inputs: list[Path]
) -> tuple[str, dict[str, Any]] | None:
    """Write a change workbook (changebook.py) in another process; a refusal comes back as
    (code, parameters)."""
    from .changebook import save

    try:
        save(sheets, out, inputs, False)
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


WEEK_CAVEATS = {
    "summary-error-rows": "week-caveat-error-rows",
    "summary-duplicates": "week-caveat-duplicates",
}


def caveat_text(caveat: Any, lang: str) -> str:
    said = getattr(caveat, "message", None)
    if callable(said):
        return str(said(lang))
    return message(caveat.code, lang, **caveat.params)


# --- the headline figures ---------------------------------------------------------------------


def headline_layout(form_id: str) -> SummaryLayout:
    """Cases, 拖欠总金额, 清偿总金额 and 清偿率 by unit: annex 4's 总体情况 figures, by the same
    summary code (so the headline equals annex 4's 合计), for the Wuhan form too."""
    return SummaryLayout.model_validate(
        {
            "of": form_id,
            "sheet": "周报",
            "unit_row": "金额单位：万元",
            "header_rows": 1,
            "columns": [
                {"key": "unit", "path": ["单位"], "kind": "unit"},
                {"key": "cases", "path": ["案件数"], "kind": "count"},
                {"key": "owed", "path": ["拖欠总金额"], "kind": "amount", "measure": "owed"},
                {
                    "key": "repaid",
                    "path": ["清偿总金额"],
                    "kind": "amount",
                    "measure": "repaid_amount",
                },
                {
                    "key": "rate",
                    "path": ["清偿率（%）"],
                    "kind": "rate",
                    "ratio": ["repaid", "owed"],
                },
            ],
        }
    )


def headline_summary(ledgers: list[Ledger], form_id: str) -> Summary:
    from .forms import get_form

    layout = headline_layout(form_id)
    return summarize(cases_from(ledgers, layout), get_form(form_id), layout)


def figures_of(values: dict[str, Any]) -> Figures:
    rate = values.get("rate")
    return Figures(
        cases=int(values.get("cases") or 0),
        owed=fmt_amount(_dec(values.get("owed"))),
        repaid=fmt_amount(_dec(values.get("repaid"))),
        rate=None if rate is None else f"{rate:.2f}",
    )


def change_of(now: Summary, before: Summary) -> Change:
    a, b = now.total.values, before.total.values
    ra, rb = a.get("rate"), b.get("rate")
    return Change(
        cases=int(a.get("cases") or 0) - int(b.get("cases") or 0),
        owed=fmt_amount(_dec(a.get("owed")) - _dec(b.get("owed"))),
        repaid=fmt_amount(_dec(a.get("repaid")) - _dec(b.get("repaid"))),
        rate=None if ra is None or rb is None else f"{ra - rb:.2f}",
    )


def _dec(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(value or 0)


def _lapsed(found: Any, top: int = 10) -> Lapsed | None:
    if found is None:
        return None
    return Lapsed(
        as_of=found.as_of,
        cases=found.totals.cases,
        amount=fmt_amount(found.totals.amount),
        units=[{"unit": u, **t.to_json()} for u, t in found.units],
        top=[c.to_json() for c in found.cases[:top]],
    )


# --- putting OUTDIR in place ------------------------------------------------------------------


@contextmanager
def staging(outdir: Path) -> Iterator[Path]:
    """A new folder beside OUTDIR to write into; on success it becomes OUTDIR whole (the
    previous one, the tool's own, is removed), on failure it is removed and OUTDIR stays as
    it was."""
    parent = outdir.absolute().parent
    parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=f".{outdir.name}.ledger-new-", dir=parent))
    try:
        # mkdtemp makes the folder private (0700); OUTDIR is a shared folder like any other.
        mask = os.umask(0)
        os.umask(mask)
        with suppress(OSError):
            os.chmod(folder, 0o777 & ~mask)
        yield folder
        swap_into(folder, outdir)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def swap_into(folder: Path, outdir: Path) -> None:
    """Put `folder` in OUTDIR's place: two renames on one file system, so OUTDIR is either
    the previous outputs or the new ones; a folder that cannot be moved (a file in it open in
    Excel, on Windows) leaves the previous outputs in place and says so."""
    old = None
    if outdir.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{outdir.name}.ledger-old-", dir=folder.parent))
        old.rmdir()
        try:
            os.rename(outdir, old)
        except OSError as exc:
            raise LedgerError("week-outdir-busy", path=str(outdir), detail=str(exc)) from exc
    try:
        os.rename(folder, outdir)
    except OSError as exc:
        if old is not None:
            os.rename(old, outdir)
        raise LedgerError("week-outdir-busy", path=str(outdir), detail=str(exc)) from exc
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
