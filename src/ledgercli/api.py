"""The library front: what the commands do, as functions over paths and options.

A program or a notebook imports this module; the `ledger` commands are a thin layer over it
(they parse options, call one of these functions, and hand the result to ui/). Each function
returns a report: a pydantic model whose fields are the command's `--format json` keys, in
order, so `report.model_dump_json(indent=2)` is exactly what the command prints, and
`report.model_dump()` is that JSON as Python data. The library objects behind it (findings,
ledgers, the merge plan, the summary table, the changes) are attributes of the report.

    from pathlib import Path
    from ledgercli import api

    checked = api.validate([Path("inbox")])
    checked.errors, checked.exit_code()          # 12, 1
    checked.report.files[0].findings[0].message("en")

Errors that stop a run (an output that exists, an unknown form, nothing to read) raise
`LedgerError`; `error.render("en")` says what to do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    PrivateAttr,
    SerializerFunctionWrapHandler,
    model_serializer,
)

from ledgercli.check.inbox import validate_paths
from ledgercli.model.errors import LedgerError
from ledgercli.model.ledger import Ledger
from ledgercli.model.options import Options
from ledgercli.model.report import Report
from ledgercli.run.pool import Progress
from ledgercli.week.report import WeekReport

if TYPE_CHECKING:
    from ledgercli.compare.diff import Diff
    from ledgercli.compare.overdue import Overdue
    from ledgercli.merge.plan import MergeResult
    from ledgercli.summary.pipeline import SummaryRun

# Each function imports the layers its call needs when it is called: `ledger validate` does
# not pay for the writers, the merge or the summaries.

__all__ = [
    "DiffReport",
    "LedgerError",
    "MergeReport",
    "Options",
    "OverdueReport",
    "SummaryReport",
    "ValidateReport",
    "WeekReport",
    "annotate",
    "diff",
    "merge",
    "overdue",
    "summarize",
    "validate",
    "week",
]

Json = dict[str, Any]


class _Report(BaseModel):
    """A command's JSON as a model: the fields in the JSON's order; an optional key the
    command leaves out (`output` without -o) is left out of the dump too."""

    model_config = ConfigDict(extra="forbid")

    @model_serializer(mode="wrap")
    def _given(self, handler: SerializerFunctionWrapHandler) -> Json:
        data: Json = handler(self)
        return {k: v for k, v in data.items() if k in self.model_fields_set}

    @classmethod
    def _of(cls, data: Json) -> Any:
        # The data is the library's own JSON, built for this model: validating it again
        # would copy every finding of a national folder for nothing.
        return cls.model_construct(_fields_set=set(data), **data)


class ValidateReport(_Report):
    """`ledger validate --format json`."""

    files: list[Json]
    errors: int
    warnings: int
    notices: int
    skipped: dict[str, list[Any]]
    not_reported: list[str] | None
    _report: Report = PrivateAttr()
    _ledgers: list[Ledger] = PrivateAttr(default_factory=list)

    @property
    def report(self) -> Report:
        """Every file's findings (model/report.py)."""
        return self._report

    @property
    def ledgers(self) -> list[Ledger]:
        """The validated ledgers, when asked for (`keep_ledgers=True`)."""
        return self._ledgers

    def exit_code(self, strict: bool = False) -> int:
        """0 clean, 1 errors (or warnings with `strict`), 2 a file could not be read."""
        return self._report.exit_code(strict)


class MergeReport(_Report):
    """`ledger merge --format json`."""

    output: str | None
    form: str | None
    only_valid: bool
    drop_duplicates: bool
    files: list[Json]
    duplicates: list[Json]
    totals: dict[str, int]
    conserved: bool
    not_reported: list[str] | None
    _result: MergeResult = PrivateAttr()

    @property
    def result(self) -> MergeResult:
        """The merge plan: sources, rows left out, duplicate groups (merge/plan.py)."""
        return self._result

    def exit_code(self) -> int:
        """0 merged; 1 a file could not be read (it is missing from the merge)."""
        return self._result.exit_code()


class SummaryReport(_Report):
    """`ledger summarize --format json`."""

    form: str
    title: str
    unit: str
    columns: list[str]
    rows: list[Json]
    total: Json
    cases: int
    warnings: list[Json]
    not_reported: list[str] | None
    output: str | None = None
    skipped: dict[str, list[Any]]
    check: Json | None = None
    _run: SummaryRun = PrivateAttr()
    _lang: str = PrivateAttr(default="zh")
    _inputs: list[Path] = PrivateAttr(default_factory=list)
    _target: Path | None = PrivateAttr(default=None)

    @property
    def run(self) -> SummaryRun:
        """The table, what was read for it and set aside, and a --check's differences."""
        return self._run

    @property
    def output_path(self) -> Path | None:
        """Where `save` writes (the -o file or the summary's default name), None: nowhere."""
        return self._target

    def save(self, force: bool = False) -> Path | None:
        """Write the official workbook to `output` (atomically; an input is never replaced,
        an existing file only with `force`). Returns the path written, None without output."""
        out = self._target
        if out is None:
            return None
        from ledgercli.write.annexbook import write_summary

        write_summary(self._run.summary, out, self._inputs, force=force, lang=self._lang)
        return out

    def exit_code(self) -> int:
        """0 done; 1 a file could not be read, or --check found differences."""
        return self._run.exit_code()


class DiffReport(_Report):
    """`ledger diff --format json`."""

    form: str
    old: Json
    new: Json
    totals: Json
    units: list[Json]
    not_reported: list[str]
    changes: dict[str, list[Json]]
    suspect_yuan: Json
    exit_code: int
    _diff: Diff = PrivateAttr()

    @property
    def diff(self) -> Diff:
        """Both weeks and every change (compare/diff.py)."""
        return self._diff


class OverdueReport(_Report):
    """`ledger overdue --format json`."""

    form: str
    as_of: str
    paths: list[str]
    contact_forms: list[str]
    copies: list[str]
    cases_checked: int
    totals: Json
    units: list[Json]
    cases: list[Json]
    overdue_with_errors: int
    not_reported: list[str] | None
    exit_code: int
    _overdue: Overdue = PrivateAttr()

    @property
    def overdue(self) -> Overdue:
        """The lapsed promises, per unit and case by case (compare/overdue.py)."""
        return self._overdue


def validate(
    paths: Sequence[Path],
    options: Options | None = None,
    *,
    jobs: int | None = None,
    keep_ledgers: bool = False,
    annotate_file: Path | None = None,
    annotate_dir: Path | None = None,
    force: bool = False,
    lang: str = "zh",
    progress: Progress | None = None,
) -> ValidateReport:
    """Validate files and folders: every finding of every submission.

    `jobs`: processes that read files (None: every core; 1: this process); the report is the
    same whatever it is. `keep_ledgers` also returns the validated ledgers (`annotate` needs
    them for its index). `annotate_file` and `annotate_dir`, where `annotate` will write marked
    copies, are refused before any reading when they cannot be written (a folder given for
    one copy, a copy that exists without `force`, a folder of copies inside an input folder).
    `progress(path, n, total)` hears of each file read.
    """
    options = options or Options()
    if annotate_file is not None or annotate_dir is not None:
        from ledgercli.write.annotate import check_annotate

        check_annotate(list(paths), annotate_file, annotate_dir, force)
    report, ledgers = validate_paths(
        list(paths), options, jobs=jobs, keep_ledgers=keep_ledgers, progress=progress
    )
    if not report.files:
        raise LedgerError("no-inputs", path=", ".join(map(str, paths)))
    out: ValidateReport = ValidateReport._of(report.to_json(lang))
    out._report, out._ledgers = report, ledgers
    return out


def annotate(
    checked: ValidateReport,
    file: Path | None = None,
    folder: Path | None = None,
    *,
    force: bool = False,
    password: str | None = None,
    lang: str = "zh",
    notify: Callable[[str], None] | None = None,
) -> list[Path]:
    """Marked copies of validated submissions: `file` for the one submission, or in `folder`
    a copy of every file with findings and index.xlsx of who must fix what. `notify(text)`
    hears of each copy written. Returns every path written."""
    from ledgercli.write.annotate import annotate_reports

    return annotate_reports(
        checked.report,
        checked.ledgers,
        file,
        folder,
        lang,
        force,
        password=password,
        notify=notify,
    )


def merge(
    paths: Sequence[Path],
    output: Path,
    options: Options | None = None,
    *,
    only_valid: bool = False,
    drop_duplicates: bool = False,
    force: bool = False,
    jobs: int | None = None,
    lang: str = "zh",
    progress: Progress | None = None,
    writing: Callable[[], AbstractContextManager[Any]] | None = None,
) -> MergeReport:
    """Merge submissions into one city workbook at `output`, nothing lost or doubled unseen.

    The output is checked before any file is read (not an input, not there unless `force`).
    `progress(path, n, total)` is called as files are read; `writing()` is entered while the
    workbook is written (a terminal's status line).
    """
    from ledgercli.merge.plan import merge_paths
    from ledgercli.merge.plan import to_json as merge_json
    from ledgercli.write.base import check_output
    from ledgercli.write.citybook import write_city

    options = options or Options()
    inputs = list(paths)
    check_output(output, inputs, force)  # before reading forty files, not after
    result = merge_paths(
        inputs,
        options,
        only_valid=only_valid,
        drop_duplicates=drop_duplicates,
        progress=progress,
        jobs=jobs,
    )
    with result, (writing or nullcontext)():  # the rows wait in spills until written
        write_city(result, output, inputs, force, lang)
    out: MergeReport = MergeReport._of(merge_json(result, lang, output))
    out._result = result
    return out


def summarize(
    path: Path,
    options: Options | None = None,
    *,
    annex: str | None = None,
    by: str | None = None,
    order: Literal["name", "amount"] = "name",
    only_valid: bool = False,
    drop_duplicates: bool = False,
    check: Path | None = None,
    output: Path | None = None,
    default_output: bool = False,
    force: bool = False,
    lang: str = "zh",
    save: bool = True,
    progress: Progress | None = None,
) -> SummaryReport:
    """The official summary table of a merged city workbook, a submission or a folder.

    `annex` names the table (a summary schema's `annex`: "3", "4", "wh"); without it, the
    table `check` reports, else the default summary of the form read. `check` compares a
    unit's self-reported table with the one computed. With `output` the workbook is written
    there (`save=False`: later, by `report.save()`); with `default_output` and no `output`,
    to the summary's own default name (annex4.xlsx). An output that would be refused (there
    without `force`, an input, in no folder) is refused before anything is read, even with
    `save=False`.
    """
    from ledgercli.summary.figures import annex_layout
    from ledgercli.summary.pipeline import refuse_early, summarize_path

    options = options or Options()
    refuse_early(path, annex, by, check)
    inputs = [path, *([check] if check else [])]
    _check_summary_output(path, options, annex, check, output, default_output, force)
    run = summarize_path(
        path,
        options,
        annex=annex,
        by=by,
        order=order,
        only_valid=only_valid,
        drop_duplicates=drop_duplicates,
        check=check,
        progress=progress,
    )
    out: SummaryReport = SummaryReport._of(run.to_json(lang, output))
    out._run, out._lang = run, lang
    out._inputs = inputs
    out._target = output
    if output is None and default_output:
        out._target = Path(annex_layout(run.annex)[1].output)
    if save:
        out.save(force)
    return out


def _check_summary_output(
    path: Path,
    options: Options,
    annex: str | None,
    check: Path | None,
    output: Path | None,
    default_output: bool,
    force: bool,
) -> None:
    """Refuse the workbook summarize would write before reading: a given `output` at once;
    the default name (annex4.xlsx) when one is already there, by the annex the inputs' head
    rows give (a mistaken guess is still refused when the workbook is saved)."""
    from ledgercli.summary.figures import annex_layout, summary_layouts
    from ledgercli.summary.pipeline import planned_annex
    from ledgercli.write.base import check_output

    inputs = [path, *([check] if check else [])]
    if output is not None:
        check_output(output, inputs, force)
        return
    if not default_output or force:
        return
    names = {lo.output for _, lo in summary_layouts() if annex is None or lo.annex == annex}
    if any(Path(name).exists() for name in names):
        planned = annex or planned_annex(path, options, check)
        check_output(Path(annex_layout(planned)[1].output), inputs, force)


def diff(
    old: Iterable[Path],
    new: Iterable[Path],
    options: Options | None = None,
    *,
    output: Path | None = None,
    force: bool = False,
    lang: str = "zh",
    progress: Progress | None = None,
    writing: Callable[[Path], AbstractContextManager[Any]] | None = None,
) -> DiffReport:
    """Last week's ledger against this week's: vanished, new, repaid, backwards, per unit.
    With `output` every change is also written to that workbook (refused before any reading
    when it cannot be). `progress(path, n, total)` hears of each file read; `writing(path)`
    is entered while the workbook is written."""
    from ledgercli.compare.diff import diff_paths
    from ledgercli.write.base import check_output
    from ledgercli.write.changebook import diff_sheets, save

    options = options or Options()
    old, new = list(old), list(new)
    if output is not None:
        check_output(output, [*old, *new], force)  # fail before the reading, not after
    result = diff_paths(old, new, options, progress)
    if output is not None:
        with (writing or _quiet)(output):
            save(diff_sheets(result, lang), output, [*old, *new], force)
    out: DiffReport = DiffReport._of(result.to_json(lang))
    out._diff = result
    return out


def overdue(
    paths: Sequence[Path],
    options: Options | None = None,
    *,
    as_of: str | None = None,
    output: Path | None = None,
    force: bool = False,
    lang: str = "zh",
    progress: Progress | None = None,
    writing: Callable[[Path], AbstractContextManager[Any]] | None = None,
) -> OverdueReport:
    """Repayment promises that lapsed unpaid before the `as_of` month (any way a month is
    written; default: this month). With `output` the cases are also written there (refused
    before any reading when they cannot be). `progress` and `writing` as for `diff`."""
    from ledgercli.compare.overdue import overdue_paths, parse_month
    from ledgercli.write.base import check_output
    from ledgercli.write.changebook import overdue_sheets, save

    options = options or Options()
    month = parse_month(as_of) if as_of is not None else None
    if output is not None:
        check_output(output, list(paths), force)
    result = overdue_paths(list(paths), options, month, progress)
    if output is not None:
        with (writing or _quiet)(output):
            save(overdue_sheets(result, lang), output, list(paths), force)
    out: OverdueReport = OverdueReport._of(result.to_json())
    out._overdue = result
    return out


def _quiet(_path: Path) -> AbstractContextManager[Any]:
    return nullcontext()


def week(
    inbox: Path,
    outdir: Path,
    options: Options | None = None,
    *,
    last: Path | None = None,
    as_of: str | None = None,
    jobs: int | None = None,
    lang: str = "zh",
    progress: Progress | None = None,
) -> WeekReport:
    """The whole weekly cycle from one read of the `inbox` folder: every output in `outdir`
    (marked copies and the index of returns, the city workbook, the summary tables, the
    changes since `last`, the lapsed promises before the `as_of` month, 周报.html and
    week.json). `outdir` is the tool's own: a folder holding anything else, or inside the
    inbox, is refused before any reading; a re-run replaces it whole.

    `last`: last week's `outdir`, its city workbook or its inbox. The report is week.json
    (`report.model_dump_json(indent=2)`); `report.exit_code` is the command's.
    """
    from ledgercli.compare.overdue import parse_month
    from ledgercli.week.cycle import run_week

    options = options or Options()
    month = parse_month(as_of) if as_of is not None else None
    return run_week(
        inbox,
        outdir,
        options,
        last=last,
        as_of=month,
        lang=lang,
        jobs=jobs,
        progress=progress,
    )
