"""Which unit a row belongs to: one canonical name per unit, and the units that sent nothing.

Districts write one unit several ways: 石角镇 / 石角镇人民政府 / 石角镇人民政府办公室, 古南街道 /
古南街道办事处, full-width or with spaces. Counted as written, each spelling would be a row of
annex 3 and 4 of its own. `unit_key` folds what is only decoration (administrative suffixes,
width, white space) and nothing else: 石角镇 and 石角街道 stay two units, since a town (镇) and a
sub-district (街道) of the same name are different administrations.

Canonicalizing needs every file's spellings, so it runs once after all files are read:
`plan_units` takes the file reports (each carries the spellings its rows use, counted where the
file was read), picks each unit's name (the roster's, else the most frequent spelling), adds one
finding per spelling per file, and the callers rename their rows with the plan
(`apply_to_ledger` for validate, summarize, diff and overdue; the merge renames the cells it
writes).
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ledgercli.model.report import FileReport, Finding, UnitCount, col_letter
from ledgercli.model.text import clean_text, nfkc, norm_key

# --- the name of a unit -------------------------------------------------------------------

# What a place name ends with: the part before 人民政府 must be a place (石角镇, 綦江区), or
# 区人民政府办公室 would fold to a bare 区.
_PLACES = ("街道", "镇", "乡", "区", "县", "市")
_GOVERNMENT = ("人民政府办公室", "政府办公室", "人民政府", "政府")


def _is_place(text: str) -> bool:
    return len(text) >= 2 and text.endswith(_PLACES) and text not in _PLACES


@lru_cache(maxsize=65536)
def unit_key(name: str) -> str:
    """The comparable form of a unit name: spellings with the same key are one unit.

    Width, white space, quotes and letter case are folded (`norm_key`); then, at the end of
    the name and repeatedly: 人民政府办公室 / 政府办公室 / 人民政府 / 政府 after a place name
    (石角镇人民政府 → 石角镇); 街道办事处 and 街道办 → 街道; 管委会 → 管理委员会; 委员会 → 委.
    Nothing else: 石角镇 and 石角街道, 永新镇 and 永新乡, 区教委 and 区教育委员会 stay apart.
    """
    key = norm_key(name)
    while True:
        before = key
        for suffix in _GOVERNMENT:
            if key.endswith(suffix) and _is_place(key[: -len(suffix)]):
                key = key[: -len(suffix)]
                break
        for long, short in (("街道办事处", "街道"), ("街道办", "街道")):
            if key.endswith(long) and len(key) > len(long):
                key = key[: -len(long)] + short
        if key.endswith("管委会") and len(key) > 3:
            key = key[:-3] + "管理委员会"
        if key.endswith("委员会") and len(key) > 3:
            key = key[:-3] + "委"
        if key == before:
            return key


def _clean(name: str) -> bool:
    """A spelling as the forms write it: no full-width letters or digits, no inner spaces."""
    return nfkc(name) == name and "".join(name.split()) == name


# Labels above the header that say whose ledger it is (填报单位：横山镇).
_DECLARING = {"填报单位", "报送单位", "填报单位名称", "单位", "单位名称", "街镇部门"}
_SEAL = re.compile(r"[(（][^()（）]*[盖公]章[^()（）]*[)）]")


def declared_unit(metadata: dict[str, str]) -> str | None:
    """The unit the lines above the header name (`填报单位：横山镇`, `填报单位（盖章）：…`)."""
    for label, value in metadata.items():
        if _SEAL.sub("", norm_key(label)) in _DECLARING:
            text = clean_text(_SEAL.sub("", str(value))).strip()
            if text and norm_key(text) not in ("无", "-", "/", "—"):
                return text
    return None


def count_spellings(ledger: Any) -> list[UnitCount]:
    """Each unit name a ledger's rows use, how many rows, and where it first appears.

    Tables with a unit column count per row; a form whose unit is its 填报单位 (Wuhan) names
    one unit for all its rows. Contact forms and rosters name no unit of cases.
    """
    form = ledger.form
    if form.kind != "table" or form.is_roster or len(ledger) == 0:
        return []
    key = form.unit_column
    per_row = True
    if key and key in ledger.values:
        j = ledger.columns.get(key)
        column = col_letter(j) if j is not None else None
        header = form.by_key[key].named
    else:
        # The 填报单位 line above the header (Wuhan), or its column in a merged workbook.
        column = None
        header = next((m.label for m in form.metadata if m.key == form.unit_metadata), None)
        per_row = ledger.extras.get("reporter") is not None
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for i, unit in enumerate(ledger.units()):
        if unit is None or unit == "":
            continue
        counts[unit] += 1
        first.setdefault(unit, i)
    return [
        UnitCount(
            name, n, ledger.sheet, ledger.rows[first[name]] if per_row else None, column, header
        )
        for name, n in counts.items()
    ]


# --- the roster -----------------------------------------------------------------------------


@dataclass
class Roster:
    """The canonical names of the units expected to report, in the roster's order."""

    path: Path
    names: list[str]
    by_key: dict[str, str] = field(default_factory=dict)
    # unit key → (联络人, 联系电话) where the roster is made of annex-1 liaison forms.
    contacts: dict[str, tuple[str, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in self.names:
            # The first row of a unit wins; a second spelling of it in the roster adds nothing.
            self.by_key.setdefault(unit_key(name), name)
        self.names = list(self.by_key.values())


# --- the plan ---------------------------------------------------------------------------------


@dataclass
class UnitPlan:
    """Each unit's canonical name, by `unit_key`; and the roster it came from, if any."""

    names: dict[str, str]
    roster: Roster | None = None

    def canonical(self, spelling: str) -> str:
        return self.names.get(unit_key(spelling), spelling)

    def renames(self, spellings: Iterable[str]) -> dict[str, str]:
        """spelling → canonical name, for the spellings that change."""
        out = {}
        for s in spellings:
            c = self.canonical(s)
            if c != s:
                out[s] = c
        return out

    def not_reported(self, expected: Iterable[str], reported: set[str]) -> list[str]:
        """The canonical names of the expected units (keys) with no submission, in order."""
        out: list[str] = []
        for key in dict.fromkeys(expected):
            if key not in reported:
                out.append(self.names.get(key, key))
        return out


def _best(spellings: dict[str, list[int]]) -> str:
    """The name a unit goes by without a roster: a clean spelling before one with full-width
    characters or spaces; then the most rows, the most files, the shortest, Unicode order."""
    return min(
        spellings,
        key=lambda s: (not _clean(s), -spellings[s][0], -spellings[s][1], len(s), s),
    )


def plan_units(
    reports: Sequence[FileReport], roster: Roster | None = None, *, findings: bool = True
) -> UnitPlan:
    """Decide every unit's canonical name from all files' spellings; with `findings`, add to
    each file one `unit-renamed` notice per spelling mapped to another name, one
    `unit-not-in-roster` warning per spelling the roster does not know, and one `mixed-units`
    warning when its rows name two different units (a merged city workbook does on purpose)."""
    seen: dict[str, dict[str, list[int]]] = {}
    for fr in reports:
        for u in fr.units:
            tally = seen.setdefault(unit_key(u.name), {}).setdefault(u.name, [0, 0])
            tally[0] += u.rows
            tally[1] += 1
    names: dict[str, str] = dict(roster.by_key) if roster is not None else {}
    for key, spellings in seen.items():
        names.setdefault(key, _best(spellings))
    plan = UnitPlan(names, roster)
    if findings:
        for fr in reports:
            _file_findings(fr, plan)
    return plan


def _file_findings(fr: FileReport, plan: UnitPlan) -> None:
    added: list[Finding] = []
    roster = plan.roster
    per_unit: Counter[str] = Counter()
    for u in fr.units:
        key = unit_key(u.name)
        name = plan.names[key]
        per_unit[name] += u.rows
        where = (u.sheet, u.row, u.column, u.header, u.name)
        if name != u.name:
            added.append(
                Finding("notice", "unit-renamed", *where, {"canonical": name, "rows": u.rows})
            )
        if roster is not None and key not in roster.by_key:
            params: dict[str, Any] = {"rows": u.rows, "roster": roster.path.name}
            near = difflib.get_close_matches(u.name, roster.names, n=1, cutoff=0.6)
            params["near_unit"] = near[0] if near else "—"
            added.append(Finding("warning", "unit-not-in-roster", *where, params))
    if len(per_unit) > 1 and not fr.merged:
        units = "、".join(f"{name} ×{n}" for name, n in per_unit.most_common())
        sheet = fr.units[0].sheet if fr.units else fr.sheet
        added.append(
            Finding("warning", "mixed-units", sheet, params={"n": len(per_unit), "units": units})
        )
    if added:
        fr.findings.extend(added)
        # File-level findings first, then by position, as validate orders them.
        fr.findings.sort(key=lambda f: (f.row or 0, len(f.column or ""), f.column or ""))


def reporting_units(reports: Iterable[FileReport], candidates: Iterable[str] = ()) -> set[str]:
    """The units (keys) that sent something: named by a row or by the lines above the header
    (填报单位); a file that names no unit at all (an empty form, or one that cannot be read)
    counts for the candidate unit its file name contains (附件2-永新镇.xlsx), the longest."""
    keys: set[str] = set()
    pool = sorted({k for k in candidates if k}, key=len, reverse=True)
    for fr in reports:
        mine = {unit_key(u.name) for u in fr.units}
        declared = declared_unit(fr.metadata)
        if declared:
            mine.add(unit_key(declared))
        if not mine:
            stem = norm_key(Path(fr.path).stem)
            hit = next((k for k in pool if k in stem), None)
            if hit is not None:
                mine.add(hit)
        keys |= mine
    return keys


def apply_to_ledger(ledger: Any, plan: UnitPlan) -> None:
    """Rename the ledger's units to their canonical names, in place (its raw cells keep what
    the district wrote, for the marked copy and the findings)."""
    form = ledger.form
    if form.kind != "table" or form.is_roster:
        return
    key = form.unit_column
    if key and key in ledger.values:
        column = ledger.values[key]
        renames = plan.renames({str(v) for v in column if v not in (None, "")})
        if renames:
            ledger.values[key] = [renames.get(v, v) if isinstance(v, str) else v for v in column]
        return
    reporter = ledger.extras.get("reporter")
    if reporter is not None:
        renames = plan.renames({str(v).strip() for v in reporter if v not in (None, "")})
        if renames:
            ledger.extras["reporter"] = [
                renames.get(str(v).strip(), v) if v not in (None, "") else v for v in reporter
            ]
        return
    label = next((m.label for m in form.metadata if m.key == form.unit_metadata), None)
    if label is not None and ledger.metadata.get(label):
        ledger.metadata[label] = plan.canonical(ledger.metadata[label])


def canonicalize(report: Any, ledgers: Iterable[Any], roster: Roster | None) -> UnitPlan:
    """One canonical name per unit over all files a command read (validate, summarize,
    overdue): findings on each file, ledgers renamed, and with a roster the units of it that
    sent nothing in `report.not_reported`."""
    plan = plan_units([fr for fr in report.files if fr.readable], roster)
    for ledger in ledgers:
        apply_to_ledger(ledger, plan)
    if roster is not None:
        sent = reporting_units(report.files, roster.by_key)
        report.not_reported = plan.not_reported(roster.by_key, sent)
    return plan
