"""Annotated returns: a copy of a submission with every problem marked where a clerk looks.

Errors get a red fill, warnings amber, and each marked cell a comment with all its messages; a
finding about a whole row marks that row's column-A cell. A first sheet 校验结果 lists every
finding with a link to its cell. The same Finding records feed the terminal and the JSON, so the
marks and the report can never disagree.

An .xlsx/.xlsm is opened with openpyxl so the district's own fonts, fills, widths and merges
stay as they were (macros too, for an .xlsm written back as .xlsm). Other formats (.xls, .ods,
.csv) become an .xlsx holding the values as the validator read them, and the result sheet says
so. The original is only ever read.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ledgercli.model.errors import LedgerError
from ledgercli.model.i18n import Words, join, message
from ledgercli.model.ledger import Ledger
from ledgercli.model.report import FileReport, Finding, Report, severity_word
from ledgercli.write.base import apply_style, atomic_save, check_output, header_style, set_text

RESULT_SHEET = "校验结果"
INDEX_NAME = "index.xlsx"
# Excel's own "Bad" and "Neutral" cell-style fills: colours a clerk already reads as such.
ERROR_FILL = "FFFFC7CE"
WARNING_FILL = "FFFFEB9C"
COMMENT_AUTHOR = "ledger"
MARKED = ("error", "warning")  # notices are listed on 校验结果 but no cell is coloured for them


@dataclass(frozen=True)
class Annotated:
    path: Path
    converted: bool  # True when the copy holds values as read, not the original workbook
    errors: int
    warnings: int


def annotate_file(
    fr: FileReport,
    out: Path,
    lang: str,
    force: bool = False,
    password: str | None = None,
    inputs: Iterable[Path] = (),
) -> Annotated:
    """Write an annotated copy of the submission `fr` describes to `out`."""
    src = Path(fr.path)
    if not fr.readable:
        raise LedgerError("annotate-unreadable", path=fr.path)
    suffix = out.suffix.lower()
    if suffix not in (".xlsx", ".xlsm") or (suffix == ".xlsm" and src.suffix.lower() != ".xlsm"):
        raise LedgerError("annotate-suffix", path=str(out))
    check_output(out, [src, *inputs], force)
    wb, names = _open_styled(src, keep_vba=suffix == ".xlsm")
    converted = wb is None
    cached: dict[str, dict[str, tuple[str, str]]] = {}
    if wb is None:
        wb, names = _open_values(src, password)
    else:
        cached = _formula_results(src)
    _mark(wb, names, fr.findings, lang)
    _result_sheet(wb, names, fr, lang, converted)

    def save(tmp: str) -> None:
        wb.save(tmp)
        if any(cached.values()):
            _restore_results(Path(tmp), cached)

    atomic_save(save, out, replace=force)
    return Annotated(out, converted, fr.count("error"), fr.count("warning"))


# --- the district's formulas keep their results -------------------------------------------


def _formula_results(src: Path) -> dict[str, dict[str, tuple[str, str]]]:
    """Sheet name → cell → (type, cached result) of every formula of the submission.

    openpyxl keeps formulas but writes them without their results (`<v/>`): the returned
    copy would then hold formulas no reader can show until Excel recalculates, and validate
    would call each one an error. The results are read from the original's XML here."""
    from ledgercli.model.options import DEFAULT_MAX_UNPACKED_MB
    from ledgercli.read.archive import Archive
    from ledgercli.read.sheetscan import formula_values
    from ledgercli.read.workbook import read_input, sheet_parts

    try:
        archive = Archive(
            read_input(src, DEFAULT_MAX_UNPACKED_MB << 20), str(src), DEFAULT_MAX_UNPACKED_MB
        )
        parts, _ = sheet_parts(archive)
        return {name: formula_values(archive, part) for name, part in parts.items()}
    except LedgerError:
        return {}  # openpyxl read it, so this cannot happen; the copy then lacks results


_FORMULA_CELL = re.compile(
    rb'<c r="([A-Z]{1,3}[0-9]{1,7})"([^>]*)><f([^>]*)(/>|>[^<]*</f>)<v ?/></c>'
)


def _restore_results(path: Path, cached: dict[str, dict[str, tuple[str, str]]]) -> None:
    """Put each formula's cached result back into the workbook openpyxl wrote at `path`."""
    import os
    import zipfile
    from xml.sax.saxutils import escape

    from ledgercli.read.archive import Archive
    from ledgercli.read.workbook import sheet_parts

    data = path.read_bytes()
    parts, _ = sheet_parts(Archive(data, str(path), 1 << 20))
    by_part = {part: cached[name] for name, part in parts.items() if cached.get(name)}

    def fill(values: dict[str, tuple[str, str]]) -> Any:
        def one(m: re.Match[bytes]) -> bytes:
            found = values.get(m.group(1).decode())
            if found is None:
                return m.group(0)
            kind, value = found
            attrs = re.sub(rb'\st="[^"]*"', b"", m.group(2))
            if kind != "n":
                attrs += f' t="{kind}"'.encode()
            text = escape(value).encode()
            return b'<c r="%s"%s><f%s%s<v>%s</v></c>' % (
                m.group(1),
                attrs,
                m.group(3),
                m.group(4),
                text,
            )

        return one

    tmp = path.with_name(path.name + ".2")
    try:
        with (
            zipfile.ZipFile(path) as zin,
            zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout,
        ):
            for info in zin.infolist():
                content = zin.read(info)
                if info.filename in by_part:
                    content = _FORMULA_CELL.sub(fill(by_part[info.filename]), content)
                zout.writestr(info, content)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def check_annotate_dir(annotate_dir: Path, inputs: Sequence[Path]) -> None:
    """Refuse, before any reading, a folder of marked copies inside an input folder."""
    target = annotate_dir.resolve()
    for p in inputs:
        if p.is_dir() and target.is_relative_to(p.resolve()):
            raise LedgerError("annotate-dir-in-input", folder=str(p), path=str(annotate_dir))


def annotate_reports(
    report: Report,
    ledgers: list[Ledger],
    annotate: Path | None,
    annotate_dir: Path | None,
    lang: str,
    force: bool,
    *,
    password: str | None = None,
    notify: Callable[[str], None] | None = None,
) -> list[Path]:
    """`validate --annotate FILE` / `--annotate-dir DIR`: the annotated copies, and for a
    folder the index of who must fix what (DIR/index.xlsx). Returns every path written."""
    say = notify or (lambda _text: None)
    inputs = [Path(fr.path) for fr in report.files]
    written: list[Path] = []
    if annotate is not None:
        if len(report.files) != 1:
            raise LedgerError("annotate-one-file", count=len(report.files))
        fr = report.files[0]
        if not fr.readable:
            say(message("annotate-unreadable", lang, path=fr.path))
        else:
            done = annotate_file(fr, annotate, lang, force, password, inputs)
            _tell(done, fr, lang, say)
            written.append(done.path)
    if annotate_dir is not None:
        if annotate_dir.exists() and not annotate_dir.is_dir():
            raise LedgerError("annotate-dir-not-folder", path=str(annotate_dir))
        try:
            annotate_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            from ledgercli.write.base import OutputError

            raise OutputError(annotate_dir, exc) from None
        copies: dict[str, Path] = {}
        taken: set[str] = {INDEX_NAME.casefold()}
        for fr in report.files:
            if not fr.readable or not (fr.count("error") or fr.count("warning")):
                continue
            out = annotate_dir / copy_name(Path(fr.path), taken)
            done = annotate_file(fr, out, lang, force, password, inputs)
            _tell(done, fr, lang, say)
            copies[fr.path] = done.path
            written.append(done.path)
        index = annotate_dir / INDEX_NAME
        write_index(report, ledgers, copies, index, lang, force, inputs)
        to_fix = sum(1 for fr in report.files if not fr.readable or fr.count("error"))
        say(message("annotate-index-written", lang, path=str(index), files=to_fix))
        written.append(index)
    return written


def _tell(done: Annotated, fr: FileReport, lang: str, say: Callable[[str], None]) -> None:
    if done.converted:
        say(message("annotate-converted", lang, source=fr.path, path=str(done.path)))
    say(
        message(
            "annotate-written",
            lang,
            path=str(done.path),
            errors=done.errors,
            warnings=done.warnings,
        )
    )


def copy_name(src: Path, taken: set[str]) -> str:
    """Named after the original; a second 台账.xls beside 台账.xlsx becomes 台账-2.xlsx."""
    suffix = ".xlsm" if src.suffix.lower() == ".xlsm" else ".xlsx"
    name, n = src.stem + suffix, 1
    while name.casefold() in taken:
        n += 1
        name = f"{src.stem}-{n}{suffix}"
    taken.add(name.casefold())
    return name


# --- opening the copy -----------------------------------------------------------------------


def _open_styled(src: Path, keep_vba: bool) -> tuple[Any, dict[str, str]]:
    """The workbook itself, formatting and all, when openpyxl can read it; else (None, {})."""
    if src.suffix.lower() not in (".xlsx", ".xlsm"):
        return None, {}
    import openpyxl

    try:
        wb = openpyxl.load_workbook(src, keep_vba=keep_vba, rich_text=True)
    except Exception:  # encrypted, damaged or exotic: the values as read are still worth sending
        return None, {}
    return wb, {ws.title: ws.title for ws in wb.worksheets}


def _open_values(src: Path, password: str | None) -> tuple[Any, dict[str, str]]:
    """A new workbook with every sheet's values as the validator read them."""
    import openpyxl

    from ledgercli.read.workbook import open_book

    book = open_book(src, password)
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    names: dict[str, str] = {}
    for name in book.sheet_names:
        title = _sheet_title(name, set(names.values()))
        names[name] = title
        ws = wb.create_sheet(title)
        sheet = book.sheet(name)
        width = 0
        for excel_row, cells in sheet.rows:
            for j, value in enumerate(cells):
                if value is None or value == "":
                    continue
                _put(ws.cell(excel_row, j + 1), value)
            width = max(width, len(cells))
        for (r0, c0), (r1, c1) in sheet.merged:
            if (r0, c0) != (r1, c1):
                try:
                    ws.merge_cells(
                        start_row=r0 + 1, start_column=c0 + 1, end_row=r1 + 1, end_column=c1 + 1
                    )
                except ValueError:
                    continue
        from openpyxl.utils import get_column_letter

        for j in range(1, width + 1):
            ws.column_dimensions[get_column_letter(j)].width = 14
    return wb, names


def _sheet_title(name: str, used: set[str]) -> str:
    """A legal, unused sheet title (a CSV's sheet is its file name, which may be neither)."""
    base = re.sub(r"[\\/*?:\[\]]", "_", name)[:31] or "Sheet"
    title, n = base, 1
    while title in used or title == RESULT_SHEET:
        n += 1
        title = f"{base[:28]}-{n}"
    return title


def _put(cell: Any, value: Any) -> None:
    if isinstance(value, str):
        set_text(cell, value)
    elif isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        cell.value = int(value)
    elif isinstance(value, dt.datetime):
        cell.value = value
        cell.number_format = "yyyy-mm-dd hh:mm:ss" if value.time() else "yyyy-mm-dd"
    elif isinstance(value, dt.date):
        cell.value = value
        cell.number_format = "yyyy-mm-dd"
    elif isinstance(value, bool | int | float | dt.timedelta | dt.time):
        cell.value = value
    else:
        set_text(cell, str(value))


# --- marking --------------------------------------------------------------------------------


def _anchor(ws: Any, coord: str) -> Any:
    """The cell a mark can live on: the top-left cell when `coord` is inside a merge."""
    for rng in ws.merged_cells.ranges:
        if coord in rng:
            return ws.cell(rng.min_row, rng.min_col)
    return ws[coord]


def _target(f: Finding) -> str | None:
    if f.sheet is None or f.row is None:
        return None
    return f"{f.column or 'A'}{f.row}"


def _mark(wb: Any, names: dict[str, str], findings: list[Finding], lang: str) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    marks: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        coord = _target(f)
        if f.severity in MARKED and coord is not None and names.get(f.sheet or "") in wb.sheetnames:
            marks.setdefault((names[f.sheet or ""], coord), []).append(f)
    for (title, coord), found in marks.items():
        cell = _anchor(wb[title], coord)
        worst = "error" if any(f.severity == "error" for f in found) else "warning"
        color = ERROR_FILL if worst == "error" else WARNING_FILL
        cell.fill = PatternFill("solid", fgColor=color, bgColor=color)
        lines = [f"[{severity_word(f.severity, lang)}] {_said(f, lang)}" for f in found]
        text = "\n".join(lines)
        if cell.comment is not None and cell.comment.author != COMMENT_AUTHOR:
            # The district's own note stays, above ours.
            text = f"{cell.comment.text}\n——\n{text}"
        comment = Comment(text, COMMENT_AUTHOR)
        comment.width = 320
        comment.height = min(600, 40 + 36 * len(lines))
        cell.comment = comment


def _said(f: Finding, lang: str) -> str:
    """The message with the column named, for row findings that mark column A."""
    text = f.message(lang)
    if f.column is None and f.header:
        return message("annotate.labelled", lang, label=f.header, text=text)
    return text


def _link(cell: Any, sheet: str, coord: str) -> None:
    from openpyxl.styles import Font
    from openpyxl.worksheet.hyperlink import Hyperlink

    quoted = "'" + sheet.replace("'", "''") + "'"
    cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"{quoted}!{coord}")
    cell.font = Font(color="FF0563C1", underline="single")


def _result_sheet(
    wb: Any, names: dict[str, str], fr: FileReport, lang: str, converted: bool
) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    words = Words("annotate", lang)
    if RESULT_SHEET in wb.sheetnames:
        # A workbook annotated before and sent back again: the old results are stale.
        wb.remove(wb[RESULT_SHEET])
    ws = wb.create_sheet(RESULT_SHEET, 0)
    for sheet in wb.worksheets:
        sheet.sheet_view.tabSelected = False
    ws.sheet_view.tabSelected = True
    wb.active = 0
    set_text(ws["A1"], words["title"])
    ws["A1"].font = Font(bold=True, size=14)
    facts = [
        (words["file"], Path(fr.path).name),
        (words["form"], fr.form or ""),
        (words["sheet"], join(fr.sheets, lang) or fr.sheet or ""),
        (words["rows"], str(fr.rows)),
    ]
    row = 2
    for label, value in facts:
        set_text(ws.cell(row, 1), label)
        set_text(ws.cell(row, 2), value)
        row += 1
    counts = words(
        "counts", errors=fr.count("error"), warnings=fr.count("warning"), notices=fr.count("notice")
    )
    set_text(ws.cell(row, 1), counts)
    ws.cell(row, 1).font = Font(bold=True, color="FF9C0006" if fr.count("error") else None)
    row += 1
    set_text(ws.cell(row, 1), words["legend"] if fr.findings else words["clean"])
    if converted:
        row += 1
        fmt = Path(fr.path).suffix.lstrip(".") or "?"
        set_text(ws.cell(row, 1), words("converted", format=fmt))
        ws.cell(row, 1).font = Font(italic=True)
    row += 2
    heads = ["no", "severity", "where", "header", "value", "message", "rule"]
    style = header_style()
    for c, key in enumerate(heads, start=1):
        set_text(ws.cell(row, c), words[key])
        apply_style(ws.cell(row, c), style)
    ws.freeze_panes = ws.cell(row + 1, 1).coordinate
    fills = {
        "error": PatternFill("solid", fgColor=ERROR_FILL, bgColor=ERROR_FILL),
        "warning": PatternFill("solid", fgColor=WARNING_FILL, bgColor=WARNING_FILL),
    }
    wrap = Alignment(wrap_text=True, vertical="top")
    for n, f in enumerate(fr.findings, start=1):
        row += 1
        ws.cell(row, 1).value = n
        sev = ws.cell(row, 2)
        set_text(sev, severity_word(f.severity, lang))
        if f.severity in fills:
            sev.fill = fills[f.severity]
        where = ws.cell(row, 3)
        title = names.get(f.sheet or "")
        coord = _target(f)
        set_text(where, f"{title}!{coord}" if title and coord else f.location())
        if title and coord and title in wb.sheetnames:
            _link(where, title, coord)
        set_text(ws.cell(row, 4), f.header or "")
        set_text(ws.cell(row, 5), f.value or "")
        set_text(ws.cell(row, 6), f.message(lang))
        ws.cell(row, 6).alignment = wrap
        set_text(ws.cell(row, 7), f.rule)
    for letter, w in zip("ABCDEFG", (8, 8, 16, 18, 22, 60, 22), strict=True):
        ws.column_dimensions[letter].width = w


# --- the index of returns -------------------------------------------------------------------


def unit_of(fr: FileReport, ledger: Ledger | None) -> str:
    """Who sent the file: the form's unit (填报单位 / 街镇部门), every one when it holds several."""
    if ledger is None:
        return ""
    if ledger.unit:
        return ledger.unit
    key = ledger.form.unit_column
    if key and key in ledger.values:
        units = dict.fromkeys(u for u in ledger.values[key] if u)
        return "、".join(units)
    return ""


# Labels above a header that name who filled the form and how to reach them.
_PERSON_LABELS = ("联系人", "填报人", "联络人", "经办人")
_PHONE_LABELS = ("联系电话", "联系方式", "电话", "手机")
FIRST_PROBLEMS = 3  # errors listed in the index per file; the marked copy has them all


def contact_of(
    fr: FileReport, unit: str, contacts: dict[str, tuple[str, str]] | None = None
) -> tuple[str, str]:
    """Who to call about a returned file: the 联系人 and 联系电话 written above its header,
    else the unit's liaison from annex-1 forms (`contacts`, by unit key), else blanks."""
    from ledgercli.model.text import norm_key
    from ledgercli.model.units import unit_key

    def find(labels: tuple[str, ...]) -> str:
        for label, value in fr.metadata.items():
            if any(norm_key(label).startswith(w) for w in labels) and str(value).strip():
                return str(value).strip()
        return ""

    person, phone = find(_PERSON_LABELS), find(_PHONE_LABELS)
    if (not person or not phone) and contacts and unit:
        # A file of several units is nobody's in particular: only one unit has a liaison.
        known = contacts.get(unit_key(unit))
        if known is not None:
            person, phone = person or known[0], phone or known[1]
    return person, phone


def problem_line(f: Finding, lang: str) -> str:
    """A finding on one line, where it is first: `B7 拖欠金额不是数字`."""
    where = f.location()
    return f"{where} {f.message(lang)}" if where else f.message(lang)


def _link_to(cell: Any, copy: Path, folder: Path) -> None:
    """A link to a marked copy, relative to the index's `folder`, so the folder can be zipped
    and sent on with its index."""
    import os

    from openpyxl.styles import Font

    target = Path(os.path.relpath(copy, folder)).as_posix()
    set_text(cell, target)
    cell.hyperlink = target
    cell.font = Font(color="FF0563C1", underline="single")


def first_problems(fr: FileReport, lang: str, limit: int = FIRST_PROBLEMS) -> str:
    """The first errors of a file (or why it cannot be read), one a line, as the index shows."""
    errors = [f for f in fr.findings if f.severity == "error"]
    lines = [problem_line(f, lang) for f in errors[:limit]]
    if len(errors) > limit:
        lines.append(Words("annotate", lang)("more", n=len(errors) - limit))
    return "\n".join(lines)


def write_index(
    report: Report,
    ledgers: list[Ledger],
    copies: dict[str, Path],
    out: Path,
    lang: str,
    force: bool = False,
    inputs: Iterable[Path] = (),
    contacts: dict[str, tuple[str, str]] | None = None,
    units: dict[str, str] | None = None,
) -> Path:
    """DIR/index.xlsx: unit, file, errors, warnings, status, a link to each annotated copy,
    who to call (from the file, else `contacts` by unit key) and its first errors; the files
    to fix first. `units` (path → unit) names units where the caller knows them better than
    the ledger (canonical names)."""
    import openpyxl
    from openpyxl.styles import Alignment, PatternFill

    check_output(out, inputs, force)
    words = Words("annotate", lang)
    by_path = {ledger.path: ledger for ledger in ledgers}
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = words["index"]
    heads = ["unit", "file", "form", "error", "warning", "status", "returned"]
    heads += ["person", "phone", "first"]
    style = header_style()
    for c, key in enumerate(heads, start=1):
        set_text(ws.cell(1, c), words[key])
        apply_style(ws.cell(1, c), style)
    ws.freeze_panes = "A2"

    def rank(fr: FileReport) -> int:
        if not fr.readable:
            return 0
        return 1 if fr.count("error") else (2 if fr.count("warning") else 3)

    red = PatternFill("solid", fgColor=ERROR_FILL, bgColor=ERROR_FILL)
    amber = PatternFill("solid", fgColor=WARNING_FILL, bgColor=WARNING_FILL)
    wrap = Alignment(wrap_text=True, vertical="top")
    for row, fr in enumerate(sorted(report.files, key=rank), start=2):
        status = ["unreadable", "fix", "check", "ok"][rank(fr)]
        unit = (units or {}).get(fr.path) or unit_of(fr, by_path.get(fr.path))
        set_text(ws.cell(row, 1), unit)
        set_text(ws.cell(row, 2), fr.path)
        set_text(ws.cell(row, 3), fr.form or "")
        ws.cell(row, 4).value = fr.count("error")
        ws.cell(row, 5).value = fr.count("warning")
        cell = ws.cell(row, 6)
        set_text(cell, words[status])
        if not fr.readable:
            set_text(
                cell,
                words("labelled", label=words[status], text=fr.findings[0].message(lang))
                if fr.findings
                else words[status],
            )
        if rank(fr) <= 1:
            cell.fill = red
        elif rank(fr) == 2:
            cell.fill = amber
        copy = copies.get(fr.path)
        if copy is not None:
            _link_to(ws.cell(row, 7), copy, out.parent)
        if rank(fr) <= 1:
            person, phone = contact_of(fr, unit, contacts)
            set_text(ws.cell(row, 8), person)
            set_text(ws.cell(row, 9), phone)
            set_text(ws.cell(row, 10), first_problems(fr, lang))
            ws.cell(row, 10).alignment = wrap
    for letter, w in zip("ABCDEFGHIJ", (20, 40, 12, 8, 8, 24, 30, 10, 16, 70), strict=True):
        ws.column_dimensions[letter].width = w
    atomic_save(wb.save, out, replace=force)
    return out
