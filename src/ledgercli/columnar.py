"""Reading a merged city workbook by columns: its head from the sheet's XML, its columns from
fastexcel.

`summarize` reads a city workbook of up to a million rows for the ~20 columns its figures use.
Read whole by calamine, every cell of all 33 columns becomes a Python object, row by row, and is
then transposed; fastexcel (calamine into Arrow) builds only the chosen columns, as columns.
To choose them, the head of the sheet (title, header, first rows) is parsed from the start of its
XML, which stops after a few rows however long the sheet is, and the header is found by content
as in any workbook (`table.locate`). The columns are then checked against that header: if they
do not line up, the caller reads the workbook the ordinary way.
"""

from __future__ import annotations

import importlib
import re
import threading
import zipfile
from contextlib import suppress
from functools import reduce
from pathlib import Path
from typing import Any

from .citybook import DETAIL_SHEET
from .errors import UnreadableFile
from .forms import FormSpec
from .table import HEADER_SCAN_ROWS, TRIGGERS, Located, data_end, locate, row_kind
from .workbook import Book, Sheet, col_index, scan_bad_cells

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def locate_merged(
    book: Book, forms: list[FormSpec], sheet_name: str | None, only: frozenset[str]
) -> Located | None:
    """A merged city workbook found and read by columns, the columns `only` and its provenance;
    None when the book is not one (or not an .xlsx on disk), or its columns do not line up."""
    if DETAIL_SHEET not in book.sheet_names:
        return None  # a submission (or a renamed sheet): the ordinary reader, without a detour
    heads = head_book(book, HEADER_SCAN_ROWS)
    if heads is None:
        return None
    try:
        loc = locate(heads, forms, sheet_name, collect=False)
    except UnreadableFile:
        return None
    if loc.form.kind != "table" or "status" not in loc.extras:
        return None
    header = next(cells for r, cells in loc.sheet.rows if r == loc.header_row)
    wanted = {j for key, j in loc.columns.items() if key in only}
    wanted |= {j for key, j in loc.extras.items() if key in SUMMARY_EXTRAS}
    # The first four columns tell a 合计 row or the 填写说明 under the table; they are looked
    # at in Arrow, and only where a cell starts like one.
    first = list(range(min(4, len(header))))
    numbers = {j for key, j in loc.columns.items() if loc.form.by_key[key].kind == "amount"}
    found, scan = scan_bad_cells(book, loc.sheet.name)  # on the other core, beside fastexcel
    try:
        indices = sorted(wanted | set(first))
        read = read_columns(book, loc.sheet, loc.header_row, indices, numbers & wanted)
    finally:
        if scan is not None:
            scan.join()
    if read is None:
        return None
    rows, arrays = read
    loc.sheet.bad_cells = found
    keep = _not_data(loc, rows, [arrays[j] for j in first])
    if keep is not None:
        rows = [rows[i] for i in keep]
        arrays = {j: a.take(keep) for j, a in arrays.items()}
    loc.column_rows = rows
    form = loc.form
    repeating = {j for key, j in loc.columns.items() if form.by_key[key].kind == "enum"} | {
        j for key, j in loc.extras.items() if key in SUMMARY_EXTRAS
    }
    if form.unit_column in loc.columns:
        repeating.add(loc.columns[form.unit_column])
    loc.column_cells = {j: _python(arrays[j], j in repeating) for j in sorted(wanted)}
    return loc


# The provenance a summary needs: the row's validation result, and (Wuhan) its reporting unit.
SUMMARY_EXTRAS = frozenset({"status", "reporter"})


def _not_data(loc: Located, rows: list[int], first: list[Any]) -> list[int] | None:
    """Say which rows are totals or the end of the table; the rows to keep, None for all."""
    import pyarrow.compute as pc

    # The gate of `row_kind`, on whole columns: the row's first non-empty cell starts like one.
    lead = pc.coalesce(*first) if len(first) > 1 else first[0]
    # (A pattern, not a value set: building an Arrow array from Python imports pandas.)
    starts = "^(?:" + "|".join(re.escape(t) for t in sorted(TRIGGERS)) + ")"
    maybe = pc.match_substring_regex(lead, pattern=starts)
    candidates = pc.indices_nonzero(maybe).to_pylist()
    if not candidates:
        return None
    dropped: set[int] = set()
    end = len(rows)
    for i in candidates:
        kind = row_kind([a[i].as_py() or "" for a in first])
        if kind is not None:
            data_end(loc, rows[i], kind)
            if kind == "end":
                end = i
                break
            dropped.add(i)
    if end == len(rows) and not dropped:
        return None
    return [i for i in range(end) if i not in dropped]


def _python(array: Any, repeating: bool) -> list[Any]:
    """An Arrow column as a list, an empty cell as "" (as from the ordinary reader). The values
    of a `repeating` column (units, enums, statuses) are made once and shared."""
    if repeating:
        if hasattr(array, "combine_chunks"):
            array = array.combine_chunks()
        encoded = array.dictionary_encode(null_encoding="encode")
        shared = ["" if v is None else v for v in encoded.dictionary.to_pylist()]
        return list(map(shared.__getitem__, encoded.indices.to_pylist()))
    values: list[Any] = array.to_pylist()
    if array.null_count:
        values = ["" if v is None else v for v in values]
    return values


def head_book(book: Book, limit: int) -> Book | None:
    """The book with each sheet cut to its first `limit` non-blank rows, or None (not xlsx)."""
    if book.format != "xlsx" or not book.parts or book.source is None:
        return None
    try:
        with zipfile.ZipFile(book.source) as zf:
            heads = {
                name: _head_rows(zf, part, limit)
                for name, part in book.parts.items()
                if name in book.sheet_names
            }
            _resolve_strings(zf, book.strings_part, heads)
    except Exception:  # anything unusual: the ordinary reader decides what is wrong
        return None
    sheets = {name: Sheet(name=name, rows=rows) for name, rows in heads.items()}
    return Book(
        path=book.path,
        format=book.format,
        sheet_names=[n for n in book.sheet_names if n in sheets],
        typed=False,
        _loader=sheets.__getitem__,
    )


class _Shared:
    """A shared-string cell of the head, resolved once the strings it needs are read."""

    __slots__ = ("index",)

    def __init__(self, index: int) -> None:
        self.index = index


def _head_rows(zf: zipfile.ZipFile, part: str, limit: int) -> list[tuple[int, list[Any]]]:
    from defusedxml.ElementTree import iterparse

    rows: list[tuple[int, list[Any]]] = []
    last = 0
    with zf.open(part) as fh:
        for _event, el in iterparse(fh, events=("end",)):
            if el.tag != f"{NS}row":
                continue
            last = int(el.get("r") or last + 1)
            cells: dict[int, Any] = {}
            for n, c in enumerate(el.iter(f"{NS}c")):
                ref = c.get("r")
                j = col_index(ref.rstrip("0123456789")) if ref else n
                value = _cell(c)
                if value is not None:
                    cells[j] = value
            el.clear()
            if cells:
                line = [""] * (max(cells) + 1)
                for j, v in cells.items():
                    line[j] = v
                rows.append((last, line))
                if len(rows) >= limit:
                    break
    return rows


def _cell(c: Any) -> Any:
    kind = c.get("t", "n")
    if kind == "inlineStr":
        text = "".join(t.text or "" for t in c.iter(f"{NS}t"))
        return text or None
    v = c.find(f"{NS}v")
    if v is None or v.text is None:
        return None
    if kind == "s":
        return _Shared(int(v.text))
    if kind == "b":
        return v.text == "1"
    if kind in ("str", "e"):
        return v.text
    try:
        return float(v.text)
    except ValueError:
        return v.text


def _resolve_strings(
    zf: zipfile.ZipFile, part: str | None, heads: dict[str, list[tuple[int, list[Any]]]]
) -> None:
    """Replace shared-string references by their text, reading the table only as far as needed."""
    refs = [(line, j) for rows in heads.values() for _, line in rows for j, v in enumerate(line)]
    refs = [(line, j) for line, j in refs if isinstance(line[j], _Shared)]
    if not refs:
        return
    if part is None:
        raise KeyError("shared strings referenced, but the workbook has none")
    from defusedxml.ElementTree import iterparse

    wanted = max(line[j].index for line, j in refs)
    strings: list[str] = []
    with zf.open(part) as fh:
        for _event, el in iterparse(fh, events=("end",)):
            if el.tag != f"{NS}si":
                continue
            # Phonetic guides (rPh) are not part of the text.
            for ph in el.findall(f"{NS}rPh"):
                el.remove(ph)
            strings.append("".join(t.text or "" for t in el.iter(f"{NS}t")))
            el.clear()
            if len(strings) > wanted:
                break
    for line, j in refs:
        line[j] = strings[line[j].index]


def read_columns(
    book: Book, sheet: Sheet, header_row: int, indices: list[int], numbers: set[int]
) -> tuple[list[int], dict[int, Any]] | None:
    """The Excel rows below `header_row`, and these columns' cells there as Arrow arrays: the
    `numbers` columns as floats, the others as text (null when empty).

    None when they cannot be trusted: the header is not where the head says, or a cell of a
    `numbers` column holds something else (which the ordinary reader then reports). Blank rows
    (nothing in any chosen column) are left out, as the ordinary reader leaves out rows with
    nothing at all.
    """
    import fastexcel

    header = next((cells for r, cells in sheet.rows if r == header_row), None)
    if header is None or not indices or not isinstance(book.source, Path):
        return None  # (a decrypted workbook is in memory: it is read the ordinary way)
    first = sheet.rows[0][0]  # fastexcel counts rows from the first one holding a value
    # pyarrow takes 0.2 s to import; fastexcel parses without the interpreter, so the import
    # runs beside the parse instead of before it.
    arrow = threading.Thread(target=_import, args=("pyarrow.compute",))
    arrow.start()
    try:
        loaded = fastexcel.read_excel(str(book.source)).load_sheet(
            sheet.name,
            header_row=header_row - first,
            use_columns=indices,
            dtypes={j: "float" if j in numbers else "string" for j in indices},
        )
    except Exception:  # the columns are not where the head says: read the ordinary way
        return None
    finally:
        arrow.join()
    import pyarrow.compute as pc

    try:
        name_of = {c.absolute_index: c.name for c in loaded.selected_columns}
        for j in indices:
            shown = _as_text(header[j]) if j < len(header) else ""
            if name_of[j] != shown and not (shown == "" and name_of[j].startswith("__UNNAMED__")):
                return None
        table, errors = loaded.to_arrow_with_errors()
        if errors is not None and errors.errors:
            return None
        columns = {j: table.column(name_of[j]) for j in indices}
    except Exception:  # the columns are not where the head says: read the ordinary way
        return None
    blank = reduce(pc.and_, [c.is_null() for c in columns.values()])
    if pc.any(blank).as_py():
        keep = pc.indices_nonzero(pc.invert(blank))
        columns = {j: c.take(keep) for j, c in columns.items()}
        rows = [header_row + 1 + i for i in keep.to_pylist()]
    else:
        rows = list(range(header_row + 1, header_row + 1 + table.num_rows))
    return rows, columns


def _import(module: str) -> None:
    with suppress(ImportError):  # it fails again, and is reported, where it is used
        importlib.import_module(module)


def _as_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return f"{value:.0f}"
    return str(value).strip()
