"""Merging many submissions into one city ledger, with nothing lost and nothing doubled unseen.

Every input file is validated with the same rules as `validate`. Then each row is either written
or left out for a stated reason (`--only-valid`, `--drop-duplicates`), and the books must balance:
rows read = rows written + rows left out, per file and in total. Duplicates (the same case from a
district and from a department) are grouped by the case identity of SPEC.md across and within
files, so a clerk sees them instead of counting them twice.

Files are read in parallel (merge/worker.py); each file's rows wait in a spill file until the city
workbook is written, so the plan below works on row counts and identities only. A MergeResult
owns those spills: `close()` it (or use it as a context manager) when done.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ledgercli.check.inbox import ledger_folders
from ledgercli.check.roster import read_roster
from ledgercli.check.rules import load_schema
from ledgercli.merge.worker import FileRows, read_for_merge
from ledgercli.model.errors import LedgerError
from ledgercli.model.forms import FormSpec, get_form, input_forms
from ledgercli.model.i18n import message
from ledgercli.model.ledger import Ledger
from ledgercli.model.options import Options
from ledgercli.model.report import FileReport, Finding
from ledgercli.model.units import (
    Roster,
    UnitPlan,
    apply_to_ledger,
    plan_units,
    reporting_units,
)
from ledgercli.read.workbook import UNREADABLE_REASONS, iter_spreadsheets, real
from ledgercli.run.spill import SpillDir, new_key

# How a skipped file is reported, by the reason iter_spreadsheets gives.
_SKIP_CODES = {
    "lock-file": "merge-skip-lock-file",
    "hidden": "merge-skip-hidden",
    "not-spreadsheet": "merge-skip-not-spreadsheet",
    "wps-format": "merge-skip-wps-format",
    "folder-link": "merge-skip-folder-link",
}


@dataclass
class LeftOut:
    """A row that was read but not written, and why."""

    index: int  # row index in the file's ledger
    row: int  # the Excel row a person sees
    reason: str  # "errors" | "duplicate"
    finding: Finding


@dataclass
class Source:
    """One input path and what became of it."""

    path: Path
    status: str  # merged | skipped | other-form | unreadable
    skip_reason: str | None = None
    sha256: str | None = None
    copy_of: Path | None = None  # the file this one is a byte-identical copy of
    report: FileReport | None = None
    data: FileRows | None = None  # the file's rows as planned with; cells in its spill
    kept: list[int] = field(default_factory=list)  # ledger row indexes written, in order
    left_out: list[LeftOut] = field(default_factory=list)
    notes: list[Finding] = field(default_factory=list)  # findings the merge itself adds
    duplicates: int = 0  # rows of this file that belong to a duplicate group
    # Unit names as written → their canonical name (units.py), applied as the rows are written.
    renames: dict[str, str] = field(default_factory=dict)
    # The validated ledger, when the merge was asked to keep it (merge_paths(keep_ledgers=True)).
    ledger: Ledger | None = None

    @property
    def rows_read(self) -> int:
        return len(self.data) if self.data is not None and self.status == "merged" else 0

    @property
    def sheets(self) -> list[str]:
        """The sheets read (a sheet per town: every one holding the form)."""
        if self.data is not None:
            return self.data.sheet_names
        return list(self.report.sheets) if self.report is not None else []

    @property
    def rows_written(self) -> int:
        return len(self.kept)

    @property
    def rows_left_out(self) -> int:
        return len(self.left_out)

    @property
    def form(self) -> str | None:
        return self.report.form if self.report is not None else None

    @property
    def unit(self) -> str | None:
        """The file's unit (units, joined), by canonical name."""
        if self.data is None:
            return None
        if self.data.unit:
            return self.renames.get(self.data.unit, self.data.unit)
        spellings = self.report.units if self.report is not None else []
        names = sorted({self.renames.get(u.name, u.name) for u in spellings})
        return "、".join(names) or self.data.units

    @property
    def findings(self) -> list[Finding]:
        """Validation findings of a file in the merge, then what the merge itself added.

        A file of another form, a contact form beside the ledgers and a copy of another input
        are not part of the merge: only the finding that says why it was skipped.
        """
        own = self.report.findings if self.report is not None else []
        apart = self.status == "other-form" or self.skip_reason in ("contact-form", "copy")
        return [*(own if not apart else []), *self.notes]

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)


@dataclass
class DuplicateGroup:
    id: str  # D1, D2… in order of first appearance
    identity: str  # normalized, as compared
    label: str  # as a person reads it: the 问题编号, or debtor / creditor / contract
    members: list[tuple[int, int]]  # (source index, ledger row index), input order


@dataclass
class MergeResult:
    form: FormSpec | None
    sources: list[Source]
    groups: list[DuplicateGroup]
    group_of: dict[tuple[int, int], str]
    only_valid: bool = False
    drop_duplicates: bool = False
    spill_dir: Any = field(default=None, repr=False)  # the rows' SpillDir (spill.py)
    # With a roster (--units): its units that sent nothing. None without one.
    not_reported: list[str] | None = None
    # Every unit's canonical name, decided over all merged files (units.py).
    unit_plan: UnitPlan | None = None

    def close(self) -> None:
        """Remove the spilled rows (the city workbook can no longer be written after)."""
        if self.spill_dir is not None:
            self.spill_dir.cleanup()
            self.spill_dir = None

    def __enter__(self) -> MergeResult:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def merged(self) -> list[Source]:
        return [s for s in self.sources if s.status == "merged"]

    @property
    def unreadable(self) -> bool:
        return any(s.status == "unreadable" for s in self.sources)

    def totals(self) -> dict[str, int]:
        srcs = self.sources
        return {
            "files": len(srcs),
            "merged": sum(1 for s in srcs if s.status == "merged"),
            "skipped": sum(1 for s in srcs if s.status in ("skipped", "other-form")),
            "unreadable": sum(1 for s in srcs if s.status == "unreadable"),
            "sheets_read": sum(len(s.sheets) for s in srcs if s.status == "merged"),
            "rows_read": sum(s.rows_read for s in srcs),
            "rows_written": sum(s.rows_written for s in srcs),
            "rows_left_out": sum(s.rows_left_out for s in srcs),
            "errors": sum(s.count("error") for s in srcs),
            "warnings": sum(s.count("warning") for s in srcs),
            "duplicate_groups": len(self.groups),
            "duplicate_rows": sum(len(g.members) for g in self.groups),
        }

    def exit_code(self) -> int:
        """0 merged; 1 when a file could not be read (it is missing from the merge)."""
        return 1 if self.unreadable else 0


Progress = Callable[[Path, int, int], None]


class NothingToMerge(LedgerError):
    """Every spreadsheet was unreadable: each one's reason, in the language it is shown in."""

    def __init__(self, sources: list[Source]) -> None:
        super().__init__("merge-nothing-readable", listing="")
        self.sources = sources

    def render(self, lang: str) -> str:
        listing = "\n".join(
            f"  {s.path}: {'; '.join(f.message(lang) for f in s.findings)}" for s in self.sources
        )
        return message(self.code, lang, listing=listing)


def merge_paths(
    paths: list[Path],
    options: Options,
    *,
    only_valid: bool = False,
    drop_duplicates: bool = False,
    progress: Progress | None = None,
    jobs: int | None = None,
    roster: Roster | None = None,
    keep_ledgers: bool = False,
) -> MergeResult:
    """Read, validate and plan the merge of files and folders; nothing is written here.

    `options.form` picks the form to merge (files of other forms are skipped with a notice);
    without it every readable file must be of the same form. Files are read on `jobs`
    processes (None: every core; 1: in this process), with the same result. `roster` is
    given by a caller that read it already (else `options.units` is read); `keep_ledgers`
    keeps each file's validated ledger (`Source.ledger`, units renamed as in the workbook).
    """
    # The roster first: a wrong --units stops the merge before forty files are read.
    if roster is None and options.units:
        roster = read_roster(options.units, options.password)
    spill = SpillDir()
    try:
        sources, forms = read_sources(
            paths,
            options,
            progress,
            Path(spill.name),
            jobs,
            key=spill.key,
            keep_ledgers=keep_ledgers,
        )
        set_copies_aside(sources, options)
        form = choose_form(sources, options, forms)
        if form is None:
            unreadable = [s for s in sources if s.status == "unreadable"]
            if not unreadable:
                raise LedgerError("no-inputs", path=", ".join(map(str, paths)))
            raise NothingToMerge(unreadable)
        result = MergeResult(
            form=form,
            sources=sources,
            groups=[],
            group_of={},
            only_valid=only_valid,
            drop_duplicates=drop_duplicates,
            spill_dir=spill,
        )
        canonical_units(result, roster)
        plan(result)
        check_conservation(result)
    except BaseException:
        spill.cleanup()
        raise
    return result


def read_sources(
    paths: list[Path],
    options: Options,
    progress: Progress | None,
    spill_dir: Path,
    jobs: int | None = None,
    *,
    key: bytes | None = None,
    keep_ledgers: bool = False,
) -> tuple[list[Source], list[FormSpec]]:
    listed = list(iter_spreadsheets(paths))
    if not listed:
        raise LedgerError("no-inputs", path=", ".join(map(str, paths)))
    # Detect each file's form among all of them, so a stray file of another form is named as
    # such rather than reported as a file without a header.
    if options.schema is not None:
        forms = [load_schema(options.schema)]
    else:
        if options.form is not None:
            get_form(options.form)  # an unknown --form fails before any file is read
        forms = input_forms()
    files = [path for path, skip in listed if skip is None]
    named = {real(p) for p in paths if not p.is_dir()}
    if key is None:
        key = new_key()
    read = iter(
        read_for_merge(
            files,
            options,
            forms,
            spill_dir,
            key=key,
            jobs=jobs,
            progress=progress,
            keep_ledgers=keep_ledgers,
        )
    )
    sources: list[Source] = []
    for path, skip in listed:
        if skip in UNREADABLE_REASONS:
            # A folder that cannot be opened: its files are missing from the merge.
            src = Source(path=path, status="unreadable", skip_reason=skip)
            src.notes.append(Finding("error", skip, params={"path": str(path)}))
            sources.append(src)
            continue
        if skip is not None:
            src = Source(path=path, status="skipped", skip_reason=skip)
            src.notes.append(Finding("notice", _SKIP_CODES.get(skip, "merge-skip-not-spreadsheet")))
            sources.append(src)
            continue
        report, data, sha = next(read)
        src = Source(path=path, status="merged", sha256=sha, report=report)
        if data is not None and data.ledger is not None:
            src.ledger, data.ledger = data.ledger, None
        if report.merged and real(path) not in named:
            # A city workbook in the inbox (last week's, or this merge's own output) is a
            # result, not a submission; merging it would double every case.
            src.status = "skipped"
            src.skip_reason = "merged-workbook"
            src.notes.append(Finding("notice", "merge-skip-merged-workbook"))
        elif not report.readable or data is None:
            src.status = "unreadable"
        else:
            src.data = data
        sources.append(src)
    beside = ledger_folders(s.report for s in sources if s.report is not None)
    for src in sources:
        # A district sends its annex 3/4 beside its ledger: the ledger is merged. Without one
        # beside it, it was sent instead of one: unreadable it stays.
        summary = src.report is not None and src.report.is_summary
        if src.status == "unreadable" and summary and real(src.path).parent in beside:
            src.status = "skipped"
            src.skip_reason = "summary-table"
            src.notes.append(Finding("notice", "merge-skip-summary-table"))
    return sources, forms


def set_copies_aside(sources: list[Source], options: Options) -> None:
    """A byte-identical copy of an input (附件2(1).xlsx) is one submission saved twice: it is
    skipped, with a warning naming the file it repeats, unless --keep-copies keeps it (then
    the warning says its cases count twice). The SHA-256 each worker computed decides."""
    readable = [s for s in sources if s.status == "merged" and s.sha256 is not None]
    by_hash: dict[str, list[Source]] = {}
    for s in readable:
        assert s.sha256 is not None
        by_hash.setdefault(s.sha256, []).append(s)
    for group in by_hash.values():
        if len(group) < 2:
            continue
        # The copy is the longer name, as validate says.
        group.sort(key=lambda s: (len(s.path.name), str(s.path)))
        first = group[0]
        for copy in group[1:]:
            copy.copy_of = first.path
            params: dict[str, Any] = {"other": str(first.path)}
            if options.keep_copies:
                params["variant"] = "kept"
            else:
                copy.status = "skipped"
                copy.skip_reason = "copy"
            copy.notes.insert(0, Finding("warning", "identical-file", params=params))


def choose_form(
    sources: list[Source], options: Options, forms: list[FormSpec] | None = None
) -> FormSpec | None:
    readable = [s for s in sources if s.status == "merged" and s.data is not None]
    by_id = {f.id: f for f in forms or input_forms()}
    if options.schema is None and options.form is None:
        # Contact forms (annex 1) come beside the ledgers: what is merged is the ledgers.
        # Only contact forms given: those are merged, into a roster.
        contacts = [s for s in readable if _contact_form(s, by_id)]
        if contacts and len(contacts) < len(readable):
            for s in contacts:
                s.status = "skipped"
                s.skip_reason = "contact-form"
                s.notes.append(Finding("notice", "merge-skip-contact-form"))
            readable = [s for s in readable if s.status == "merged"]
    if options.schema is not None or options.form is not None:
        chosen = load_schema(options.schema) if options.schema else get_form(str(options.form))
        for s in readable:
            assert s.data is not None
            if s.data.form_id != chosen.id:
                s.status = "other-form"
                s.skip_reason = s.data.form_id
                s.notes.append(
                    Finding(
                        "notice",
                        "merge-skip-other-form",
                        params={"form": s.data.form_id, "chosen": chosen.id},
                    )
                )
        return chosen
    ids = {s.data.form_id for s in readable if s.data is not None}
    if len(ids) > 1:
        listing = "\n".join(f"  {s.data.form_id}: {s.path}" for s in readable if s.data is not None)
        raise LedgerError("merge-mixed-forms", listing=listing)
    if not readable or readable[0].data is None:
        return None
    return by_id[readable[0].data.form_id]


def canonical_units(result: MergeResult, roster: Roster | None) -> None:
    """One name per unit in the city workbook, decided over every merged file (units.py); a
    file's spellings are renamed as its rows are written, and each renaming is a notice of the
    file, so the name it was written under stays in 问题."""
    merged = [s for s in result.sources if s.status == "merged" and s.report is not None]
    plan = plan_units([s.report for s in merged if s.report is not None], roster)
    result.unit_plan = plan
    for s in merged:
        assert s.report is not None
        s.renames = plan.renames(u.name for u in s.report.units)
        if s.ledger is not None:
            apply_to_ledger(s.ledger, plan)
    if roster is not None:
        # A file that cannot be read was sent all the same; last week's city workbook in the
        # inbox was not sent by anyone.
        sent = [
            s.report
            for s in result.sources
            if s.report is not None and s.status in ("merged", "unreadable")
        ]
        result.not_reported = plan.not_reported(roster.by_key, reporting_units(sent, roster.by_key))


def _contact_form(source: Source, by_id: dict[str, FormSpec]) -> bool:
    """An annex-1 contact form, on its own or as a roster of them (both hold one unit each)."""
    form = by_id.get(source.data.form_id) if source.data is not None else None
    return form is not None and form.one_row_per_unit


def plan(result: MergeResult) -> None:
    """Group duplicates, then decide for every row whether it is written or left out."""
    merged = [(k, s) for k, s in enumerate(result.sources) if s.status == "merged"]
    _group_duplicates(result, merged)
    _decide_rows(result, merged)
    _note_duplicates_across_files(result)
    for _, s in merged:
        s.notes.extend(lo.finding for lo in s.left_out)


def _group_duplicates(result: MergeResult, merged: list[tuple[int, Source]]) -> None:
    """The groups of rows sharing a case identity, across files and within them."""
    by_identity: dict[str, list[tuple[int, int]]] = {}
    for k, s in merged:
        assert s.data is not None
        for i, ident in enumerate(s.data.identities):
            if ident is not None:
                by_identity.setdefault(ident, []).append((k, i))
    for ident, members in by_identity.items():
        if len(members) < 2:
            continue
        fk, fi = members[0]
        first_data = result.sources[fk].data
        assert first_data is not None
        label = first_data.labels[fi]
        group = DuplicateGroup(f"D{len(result.groups) + 1}", ident, label, members)
        result.groups.append(group)
        for m in members:
            result.group_of[m] = group.id
    per_source: dict[int, int] = {}
    for kk, _i in result.group_of:
        per_source[kk] = per_source.get(kk, 0) + 1
    for k, _ in merged:
        result.sources[k].duplicates = per_source.get(k, 0)


def _decide_rows(result: MergeResult, merged: list[tuple[int, Source]]) -> None:
    """Each row kept, or left out for its errors (--only-valid) or as a repeat of a case
    (--drop-duplicates)."""
    # The first written member of each group is the one kept by --drop-duplicates: a row left
    # out for its errors must not make its valid twin disappear too.
    kept_first: dict[str, tuple[int, int]] = {}
    for k, s in merged:
        led = s.data
        assert led is not None
        for i in range(len(led)):
            if result.only_valid and led.errors[i] > 0:
                s.left_out.append(
                    LeftOut(
                        i,
                        led.rows[i],
                        "errors",
                        Finding(
                            "notice",
                            "merge-left-out-errors",
                            led.sheet_of(i),
                            led.rows[i],
                            params={"errors": led.errors[i]},
                        ),
                    )
                )
                continue
            gid = result.group_of.get((k, i))
            if gid is not None and gid in kept_first and result.drop_duplicates:
                fk, fi = kept_first[gid]
                first = result.sources[fk]
                assert first.data is not None
                s.left_out.append(
                    LeftOut(
                        i,
                        led.rows[i],
                        "duplicate",
                        Finding(
                            "notice",
                            "merge-left-out-duplicate",
                            led.sheet_of(i),
                            led.rows[i],
                            params={
                                "other_file": first.path.name,
                                "other_row": first.data.rows[fi],
                                "group": gid,
                                **_other_sheet(first.data, fi),
                            },
                        ),
                    )
                )
                continue
            if gid is not None:
                kept_first.setdefault(gid, (k, i))
            s.kept.append(i)


def _note_duplicates_across_files(result: MergeResult) -> None:
    # Duplicates inside one file are already findings of validate; across files they are new.
    for group in result.groups:
        fk, fi = group.members[0]
        first = result.sources[fk]
        assert first.data is not None
        for k, i in group.members[1:]:
            if k == fk:
                continue
            src = result.sources[k]
            assert src.data is not None
            src.notes.append(
                Finding(
                    "warning",
                    "merge-duplicate",
                    src.data.sheet_of(i),
                    src.data.rows[i],
                    params={
                        "other_file": first.path.name,
                        "other_row": first.data.rows[fi],
                        "group": group.id,
                        **_other_sheet(first.data, fi),
                    },
                )
            )


def _other_sheet(data: FileRows, i: int) -> dict[str, Any]:
    """The sheet of the other row, where its file has several sheets read."""
    if len(data.sheet_names) > 1:
        return {"other_sheet": data.sheet_of(i), "variant": "sheet"}
    return {}


def check_conservation(result: MergeResult, written: dict[int, int] | None = None) -> None:
    """rows read = rows written + rows left out, per file and in total; else stop loudly.

    `written` (source index → data rows the writer actually emitted) checks the workbook too.
    """
    problems: list[str] = []
    for k, s in enumerate(result.sources):
        if s.status != "merged":
            if s.kept or s.left_out:
                problems.append(f"{s.path}: {s.status} but has rows")
            continue
        assert s.data is not None
        indexes = sorted([*s.kept, *(lo.index for lo in s.left_out)])
        if indexes != list(range(len(s.data))):
            problems.append(
                f"{s.path}: read {s.rows_read}, written {s.rows_written}, "
                f"left out {s.rows_left_out}"
            )
        if written is not None and written.get(k, 0) != s.rows_written:
            problems.append(f"{s.path}: planned {s.rows_written}, wrote {written.get(k, 0)}")
    t = result.totals()
    if t["rows_read"] != t["rows_written"] + t["rows_left_out"]:
        problems.append(
            f"total: read {t['rows_read']}, written {t['rows_written']}, "
            f"left out {t['rows_left_out']}"
        )
    if written is not None and sum(written.values()) != t["rows_written"]:
        problems.append(f"total: planned {t['rows_written']}, wrote {sum(written.values())}")
    if problems:
        raise LedgerError("merge-conservation", detail="; ".join(problems))


def all_findings(result: MergeResult) -> list[tuple[Source, Finding]]:
    """Every finding of every file, then what the merge added, file by file in input order."""
    out: list[tuple[Source, Finding]] = []
    for s in result.sources:
        out.extend((s, f) for f in s.findings)
    return out


def to_json(result: MergeResult, lang: str, output: Path | None = None) -> dict[str, Any]:
    """The merge as data: the same figures as the terminal table and the 来源 sheet."""
    files = []
    for s in result.sources:
        files.append(
            {
                "path": str(s.path),
                "status": s.status,
                "skip_reason": s.skip_reason,
                "sha256": s.sha256,
                "copy_of": str(s.copy_of) if s.copy_of is not None else None,
                "form": s.form,
                "sheet": s.report.sheet if s.report is not None else None,
                "sheets": s.sheets,
                "unit": s.unit,
                "metadata": s.report.metadata if s.report is not None else {},
                "amount_unit": s.report.amount_unit if s.report is not None else None,
                "rows_read": s.rows_read,
                "rows_written": s.rows_written,
                "rows_left_out": s.rows_left_out,
                "errors": s.count("error"),
                "warnings": s.count("warning"),
                "notices": s.count("notice"),
                "duplicates": s.duplicates,
                "left_out": [
                    {"row": lo.row, "reason": lo.reason, "message": lo.finding.message(lang)}
                    for lo in s.left_out
                ],
                "findings": [f.to_json(lang) for f in s.findings],
            }
        )
    groups = []
    kept: dict[int, set[int]] = {}
    for g in result.groups:
        members = []
        for k, i in g.members:
            src = result.sources[k]
            assert src.data is not None
            if k not in kept:
                kept[k] = set(src.kept)
            members.append(
                {
                    "path": str(src.path),
                    "sheet": src.data.sheet_of(i),
                    "row": src.data.rows[i],
                    "written": i in kept[k],
                }
            )
        groups.append({"group": g.id, "identity": g.label, "rows": members})
    t = result.totals()
    return {
        "output": str(output) if output is not None else None,
        "form": result.form.id if result.form is not None else None,
        "only_valid": result.only_valid,
        "drop_duplicates": result.drop_duplicates,
        "files": files,
        "duplicates": groups,
        "totals": t,
        "conserved": t["rows_read"] == t["rows_written"] + t["rows_left_out"],
        "not_reported": result.not_reported,
    }
