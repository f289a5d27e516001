"""Reading a merged city workbook by columns: its head from the sheet's XML, its columns from
fastexcel.

`summarize` reads a city workbook of up to a million rows for the ~20 columns its figures use.
Read whole by calamine, every cell of all 33 columns becomes a Python object, row by row, and is
then transposed; fastexcel (calamine into Arrow) builds only the chosen columns, as columns.
To choose them, the head of the sheet (title, header, first rows) is parsed from the start of its
XML, which stops after a few rows however long the sheet is, and the header is found by content
as in any workbook (`table.locate`). The columns are then checked against that header: if they
do not line up, the caller reads the workbook the ordinary way.

fastexcel lays out a whole sheet (every column) before it picks columns: a million-row workbook
took 2.9 GB so. A big sheet is therefore read in pieces (splitread.parse_pieces), each a few
thousand rows, scanned as it is inflated and freed once its columns are taken; the columns of
the pieces are held to be exactly those of the whole read (`_join_pieces`), or the sheet is read
whole.
"""

from __future__ import annotations

import importlib
import logging
import re
import secrets
import threading
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from functools import reduce
from typing import Any, NamedTuple

from ledgercli.model.cityformat import DETAIL_SHEET
from ledgercli.model.errors import UnreadableFile
from ledgercli.model.forms import FormSpec
from ledgercli.model.report import Finding, col_index, col_letter
from ledgercli.read import splitread
from ledgercli.read.sheetscan import MAX_COLS, SheetFacts, StreamScan
from ledgercli.read.table import HEADER_SCAN_ROWS, TRIGGERS, Located, data_end, locate, row_kind
from ledgercli.read.workbook import BadCellScan, Book, Sheet

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def locate_merged(
    book: Book, forms: list[FormSpec], sheet_name: str | None, only: frozenset[str]
) -> Located | None:
    """A merged city workbook found and read by columns, the columns `only` and its provenance;
    None when the book is not one (or not an .xlsx on disk), or anything about its columns is
    unlike what merge writes: the ordinary reader then reads it, and says what is wrong."""
    if DETAIL_SHEET not in book.sheet_names or book.data is None or book.original is not None:
        return None  # a submission, a renamed sheet, or a decrypted workbook
    try:
        return _locate_merged(book, forms, sheet_name, only)
    except Exception:  # only ever a shortcut: any surprise goes the ordinary way
        return None


def _locate_merged(
    book: Book, forms: list[FormSpec], sheet_name: str | None, only: frozenset[str]
) -> Located | None:
    heads = head_book(book, HEADER_SCAN_ROWS)
    if heads is None:
        return None
    try:
        loc = locate(heads, forms, sheet_name, collect=False)
    except UnreadableFile:
        return None
    if loc.form.kind != "table" or "status" not in loc.extras:
        return None
    if any(f.rule in _UNLIKE_MERGE for f in loc.findings):
        return None  # a column missing, unknown or twice: not as merge wrote it
    header = next(cells for r, cells in loc.sheet.rows if r == loc.header_row)
    wanted = {j for key, j in loc.columns.items() if key in only}
    # The provenance a summary needs, and any other the caller names (diff: 来源文件, 来源行号).
    wanted |= {j for key, j in loc.extras.items() if key in SUMMARY_EXTRAS or key in only}
    # The first four columns tell a 合计 row or the 填写说明 under the table.
    first = list(range(min(4, len(header))))
    numbers = {j for key, j in loc.columns.items() if loc.form.by_key[key].kind == "amount"}
    numbers |= {j for key, j in loc.extras.items() if key == "source_row"}  # 来源行号: a number
    # The sheet is measured before fastexcel lays any of it out (a stray far cell is refused,
    # not allocated); error cells and formulas, if it has any, are searched for beside it.
    bad: list[BadCellScan] = []

    def scanned(facts: SheetFacts) -> None:
        if facts.formulas:
            bad.append(BadCellScan(book, loc.sheet.name))

    # One workbook alone: two of its pieces parsed at a time, on two cores.
    workers = 2 if splitread.is_enabled() else 1
    try:
        indices = sorted(wanted | set(first))
        read = read_columns(
            book, loc.sheet, loc.header_row, indices, numbers & wanted, wanted, workers, scanned
        )
    finally:
        for scan in bad:
            scan.join()
    if read is None:
        return None
    rows, arrays = read
    del read
    big = len(rows) >= _BIG_ROWS
    if big:
        _give_back()  # what the pieces' parsing freed, before the lists are made
    loc.sheet.bad_cells = bad[0].result() if bad else {}
    keep = _not_data(loc, rows, [arrays[j] for j in first])
    if keep is not None:
        rows = [rows[i] for i in keep]
        arrays = {j: a.take(keep) for j, a in arrays.items()}
    if not rows:
        loc.findings.append(Finding("warning", "no-rows", loc.sheet.name, loc.header_row))
    loc.column_rows = rows
    form = loc.form
    repeating = {j for key, j in loc.columns.items() if form.by_key[key].kind == "enum"} | {
        j for key, j in loc.extras.items() if key in SUMMARY_EXTRAS or key == "source_file"
    }
    if form.unit_column in loc.columns:
        repeating.add(loc.columns[form.unit_column])
    loc.column_cells = _lists(arrays, sorted(wanted), repeating, big)
    return loc


def _lists(
    arrays: dict[int, Any], wanted: list[int], repeating: set[int], big: bool
) -> dict[int, list[Any]]:
    """The `wanted` columns as lists (_python), `arrays` emptied as they are made: each
    column's Arrow buffers are let go of as soon as it is converted and, after a `big` read,
    given back every few columns (else the lists grow while the columns' memory is held)."""
    cells = {}
    freed = 0
    for j in wanted:
        column = arrays.pop(j)
        freed += column.nbytes
        cells[j] = _python(column, j in repeating)
        del column
        if big and freed >= _GIVE_BACK_BYTES:
            _give_back()
            freed = 0
    arrays.clear()
    if big:
        _give_back()
    return cells


_BIG_ROWS = 100_000
_GIVE_BACK_BYTES = 64 << 20


def _give_back() -> None:
    """Return to the system the memory a big read freed. The pieces were parsed, and their
    columns made, on other threads, in glibc's arenas of those threads and in Arrow's pool;
    both keep freed memory for reuse that never comes (the lists made since live elsewhere),
    which held 500 MB of a million-row workbook's summary that no object used."""
    import ctypes

    import pyarrow as pa

    pa.default_memory_pool().release_unused()
    try:
        trim = ctypes.CDLL(None).malloc_trim  # glibc only; elsewhere nothing to do
    except (AttributeError, OSError, TypeError):
        return
    trim(0)


# The provenance a summary needs: the row's validation result, (Wuhan) its reporting unit,
# what merge made of the unit of its amounts, and the file it came from (to name a converted one).
SUMMARY_EXTRAS = frozenset({"status", "reporter", "amount_mark", "source_file"})
_UNLIKE_MERGE = {"missing-column", "unknown-column", "duplicate-column"}


def _empty(array: Any) -> Any:
    """Where a column's cells are empty: no value, or text of length 0 (a formula's "")."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not pa.types.is_string(array.type) and not pa.types.is_large_string(array.type):
        return array.is_null()
    # (No Python scalars here: converting one makes pyarrow import pandas, 0.2 s.)
    filled = pc.cast(pc.utf8_length(array), pa.bool_())
    return pc.invert(pc.and_kleene(filled.is_valid(), filled))


def _not_data(loc: Located, rows: list[int], first: list[Any]) -> list[int] | None:
    """Say which rows are totals or the end of the table; the rows to keep, None for all."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not rows:
        return None  # (pyarrow 15's indices_nonzero crashes the process on no chunks at all)
    # The gate of `row_kind`, on whole columns: the row's first non-empty cell is text that
    # starts like a total or a note; only those rows are looked at one by one.
    starts = "^(?:" + "|".join(re.escape(t) for t in sorted(TRIGGERS)) + ")"
    maybe = None
    before = None  # every earlier column empty
    for array in first:
        empty = _empty(array)
        if pa.types.is_string(array.type) or pa.types.is_large_string(array.type):
            hit = pc.and_kleene(pc.invert(empty), pc.match_substring_regex(array, pattern=starts))
            hit = pc.and_kleene(hit.is_valid(), hit)
            if before is not None:
                hit = pc.and_(hit, before)
            maybe = hit if maybe is None else pc.or_(maybe, hit)
        before = empty if before is None else pc.and_(before, empty)
    candidates = [] if maybe is None else pc.indices_nonzero(maybe).to_pylist()
    if not candidates:
        return None
    dropped: set[int] = set()
    end = len(rows)
    for i in candidates:
        kind = row_kind([_cell_py(a[i].as_py()) for a in first])
        if kind is not None:
            data_end(loc, rows[i], kind)
            if kind == "end":
                end = i
                break
            dropped.add(i)
    if end == len(rows) and not dropped:
        return None
    return [i for i in range(end) if i not in dropped]


def _cell_py(value: Any) -> Any:
    return "" if value is None else value


def _python(array: Any, repeating: bool) -> list[Any]:
    """An Arrow column (chunked: one chunk a piece) as a list, an empty cell as "" (as from
    the ordinary reader).

    Equal values share one object: a million-row workbook names the same few hundred debtors,
    codes and amounts again and again, and an object for each cell took 600 MB of a 1.5 GB
    budget. Sharing costs time (up to twice as long a column), so a column is shared only
    where a sample says it saves a tenth of the objects; others, whose values all differ
    (contract names) or are mostly empty ("" is one object anyway), are converted cell by
    cell. `repeating` columns (units, enums, statuses) are known to repeat. Equal
    means equal bytes: 0.0 and -0.0 stay apart."""
    import pyarrow as pa

    if pa.types.is_null(array.type):
        return [""] * len(array)
    if not (repeating or _worth_sharing(array)):
        values: list[Any] = array.to_pylist()
        if array.null_count:
            values = ["" if v is None else v for v in values]
        return values
    encoded = array.dictionary_encode(null_encoding="encode")
    out: list[Any] = []
    # The chunks of a chunked column share one dictionary; each is turned into objects once.
    made: dict[tuple[int, ...], Callable[[int], Any]] = {}
    for chunk in getattr(encoded, "chunks", [encoded]):
        words = chunk.dictionary
        key = (words.offset, len(words), *(b.address if b else 0 for b in words.buffers()))
        if key not in made:
            made[key] = ["" if v is None else v for v in words.to_pylist()].__getitem__
        out.extend(map(made[key], chunk.indices.to_pylist()))
    return out


def _worth_sharing(array: Any) -> bool:
    """Whether sharing equal values saves at least a tenth of the objects of the column's
    first rows: those holding a value (not empty text) less the distinct values."""
    import pyarrow as pa
    import pyarrow.compute as pc

    sample = array.slice(0, _SAMPLE)
    n = len(sample)
    if pa.types.is_string(sample.type) or pa.types.is_large_string(sample.type):
        # (Compared with no Python scalar: converting one makes pyarrow import pandas, 0.2 s.)
        sample = sample.filter(pc.cast(pc.utf8_length(sample), pa.bool_()))
    held: int = len(sample) - sample.null_count
    distinct: int = pc.count_distinct(sample, mode="only_valid").as_py()
    return held - distinct >= _SAVES * n


_SAMPLE = 4096
_SAVES = 0.1


def head_book(book: Book, limit: int, only: list[str] | None = None) -> Book | None:
    """The book with each sheet (or `only` those) cut to its first `limit` non-blank rows, or
    None (not xlsx)."""
    if book.format != "xlsx" or not book.parts or book.archive is None:
        return None
    wanted = book.sheet_names if only is None else only
    zf = book.archive.zf  # the directory read once, however many sheets
    try:
        heads = {
            name: _head_rows(zf, part, limit) for name, part in book.parts.items() if name in wanted
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
    with zf.open(part) as fh, _released(fh) as source:
        for _event, el in iterparse(source, events=("end",)):
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


class _Source:
    """A part's stream as iterparse reads it, let go of once the head is read: iterparse's
    iterator sits in a reference cycle, which would keep the stream (and through it the zip
    file and the workbook's bytes, 200 MB of a million-row workbook) until the collector next
    runs, long after the book was read."""

    def __init__(self, fh: Any) -> None:
        self.fh: Any = fh

    def read(self, size: int = -1) -> bytes:
        return b"" if self.fh is None else bytes(self.fh.read(size))


@contextmanager
def _released(fh: Any) -> Iterator[_Source]:
    source = _Source(fh)
    try:
        yield source
    finally:
        source.fh = None


_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _unescape(text: str) -> str:
    """OOXML writes characters XML cannot hold as _xHHHH_ (a line break in a header is often
    _x000D_); calamine decodes them, and so must the head, or the header would not match."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


def _cell(c: Any) -> Any:
    kind = c.get("t", "n")
    if kind == "inlineStr":
        text = _unescape("".join(t.text or "" for t in c.iter(f"{NS}t")))
        return text or None
    v = c.find(f"{NS}v")
    if v is None or v.text is None:
        return None
    if kind == "s":
        return _Shared(int(v.text))
    if kind == "b":
        return v.text == "1"
    if kind == "str":
        return _unescape(v.text)
    if kind == "e":
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
    with zf.open(part) as fh, _released(fh) as source:
        for _event, el in iterparse(source, events=("end",)):
            if el.tag != f"{NS}si":
                continue
            # Phonetic guides (rPh) are not part of the text.
            for ph in el.findall(f"{NS}rPh"):
                el.remove(ph)
            strings.append(_unescape("".join(t.text or "" for t in el.iter(f"{NS}t"))))
            el.clear()
            if len(strings) > wanted:
                break
    for line, j in refs:
        line[j] = strings[line[j].index]


def read_columns(
    book: Book,
    sheet: Sheet,
    header_row: int,
    indices: list[int],
    numbers: set[int],
    text: set[int],
    workers: int = 1,
    scanned: Callable[[SheetFacts], None] | None = None,
    piece_bytes: int | None = None,
) -> tuple[list[int], dict[int, Any]] | None:
    """The Excel rows below `header_row`, and these columns' cells there as Arrow arrays: the
    `numbers` columns as floats, the other `text` columns as text.

    The sheet is scanned (sheetscan.py) before fastexcel reads any of it, and `scanned` hears
    what the scan found. A sheet larger than `piece_bytes` (splitread.PIECE_BYTES) is read in
    pieces as it is inflated and scanned, `workers` of them parsed at a time: memory holds the
    columns read and a few pieces, never the whole sheet's grid (calamine lays out every column
    of a sheet it reads; a million-row workbook took 2.9 GB read whole). The pieces give what
    the whole read gives, or None.

    None whenever the ordinary reader must decide: the header is not where the head says, a
    `numbers` cell holds something else, a `text` column holds numbers, dates or booleans
    (which the ordinary reader shows as Excel does, or calls an error), or a row holds nothing
    in any column read (it may hold something in the others, which makes it a row).
    """
    header = next((cells for r, cells in sheet.rows if r == header_row), None)
    if header is None or not indices or book.data is None:
        return None
    # fastexcel says which columns it could not type when it guesses; a guess that fails is
    # handled here, so that is not news for a clerk's terminal.
    logging.getLogger("fastexcel").setLevel(logging.ERROR)
    # pyarrow takes 0.2 s to import; fastexcel parses without the interpreter, so the import
    # runs beside the parse instead of before it.
    arrow = threading.Thread(target=_import, args=("pyarrow.compute",))
    arrow.start()
    # The marker column of the pieces: right of every column the head shows (splitread.py).
    mark = max([len(header), max(indices) + 1, *(len(cells) for _, cells in sheet.rows)])
    load = _loader(sheet.name, header_row, indices, numbers, text, mark)
    try:
        columns = None
        if mark < MAX_COLS:
            columns = _read_pieces(
                book, sheet.name, load, header, header_row, indices, mark, workers, piece_bytes
            )
        if columns is None:  # not read in pieces: scanned, then read whole
            facts = book.check_sheet(sheet.name)
            if scanned is not None:
                scanned(facts)
            columns = _whole(load(book.data, 0, 1), header, indices)
        elif scanned is not None:
            scanned(book.check_sheet(sheet.name))  # the pieces' scan (cached)
    except Exception:  # the columns are not where the head says, or mix kinds of cells
        return None
    finally:
        arrow.join()
    if columns is None:
        return None
    arrays, n_rows = columns
    return _checked(arrays, n_rows, header_row, numbers, text)


class _Loaded(NamedTuple):
    """What fastexcel made of a workbook (one piece, or the whole sheet): the names of the
    columns it selected, by absolute index; their cells; whether any failed its type."""

    names: dict[int, str]
    table: Any
    failed: bool


def _loader(
    name: str, header_row: int, indices: list[int], numbers: set[int], text: set[int], mark: int
) -> Callable[[Any, int, int], _Loaded]:
    """fastexcel's load of the columns from a workbook's bytes: the whole sheet, or the first
    (k = 0) or a later piece of it (splitread.py), which begins with `first_row`."""
    import fastexcel

    # Numbers as numbers; the columns read only for the 合计 test as text, whatever they hold;
    # the other text columns as found (strictly: see read_columns).
    dtypes: dict[str | int, Any] = {j: "string" for j in indices if j not in text}
    dtypes.update({j: "float" for j in numbers})
    marked = dict(dtypes)
    marked[mark] = "string"
    wanted = {*indices, mark}

    def load(source: Any, k: int, first_row: int) -> _Loaded:
        if k == 0:  # the header's names checked by the caller; the rows above left out
            sheet = fastexcel.read_excel(source).load_sheet(
                name,
                header_row=header_row - 1,  # counted from row 1 of the sheet
                use_columns=indices,
                dtypes=dtypes,
                dtype_coercion="strict",  # a column of text and numbers is an error, not text
                schema_sample_rows=None,
            )
        else:
            # No header: the piece's first row is its marker row (splitread.py), and a
            # column empty in all the piece's rows may be left out (it is all null there).
            sheet = fastexcel.read_excel(source).load_sheet(
                name,
                header_row=None,
                use_columns=lambda c: c.absolute_index in wanted,
                dtypes=marked,
                dtype_coercion="strict",
                schema_sample_rows=None,
            )
        names = {c.absolute_index: c.name for c in sheet.selected_columns}
        table, errors = sheet.to_arrow_with_errors()
        return _Loaded(names, table, errors is not None and bool(errors.errors))

    return load


# Marks where a piece's rows begin: a cell no workbook holds (the token is new in each run),
# in a row of its own just above the piece's first row, right of every column read.
_TOKEN = f"ledger-piece-{secrets.token_hex(8)}"


def _lead(mark: int) -> Callable[[int], bytes]:
    def lead(first_row: int) -> bytes:
        r = first_row - 1
        cell = f'<c r="{col_letter(mark)}{r}" t="inlineStr"><is><t>{_TOKEN}</t></is></c>'
        return f'<row r="{r}">{cell}</row>'.encode()

    return lead


def _read_pieces(
    book: Book,
    name: str,
    load: Callable[[Any, int, int], _Loaded],
    header: list[Any],
    header_row: int,
    indices: list[int],
    mark: int,
    workers: int,
    piece_bytes: int | None,
) -> tuple[dict[int, list[Any]], int] | None:
    """The columns read in pieces, each checked to hold exactly its rows (below); None when
    the sheet is not read in pieces (then it is read whole)."""
    part = book.parts.get(name)
    if part is None or book.archive is None or not book.archive.has(part):
        return None
    size = splitread.worth_its_strings(
        book, piece_bytes if piece_bytes is not None else splitread.PIECE_BYTES
    )
    if book.archive.size(part) <= size:
        return None
    # Nothing reads the sheet with calamine meanwhile: its copy of the file is let go of.
    book.release_reader()
    # Scanned as the pieces are cut, unless it was scanned already.
    scan = StreamScan(book.archive.size(part)) if book.scanned(name) is None else None
    pieces = splitread.parse_pieces(
        book,
        name,
        load,
        _lead(mark),
        after_row=header_row,
        piece_bytes=size,
        scan=scan,
        workers=workers,
    )
    if pieces is None:
        return None
    if scan is not None:
        book.record_scan(name, scan.facts)  # fed to the end, and clear
    return _join_pieces(pieces, header, header_row, indices, mark)


def _join_pieces(
    pieces: list[splitread.Piece[_Loaded]],
    header: list[Any],
    header_row: int,
    indices: list[int],
    mark: int,
) -> tuple[dict[int, list[Any]], int] | None:
    """Each column's arrays, piece by piece, and the rows of all; None unless every piece
    holds exactly the rows from its cut to the next: its first row is its marker (no cell of
    the piece lies above it: a row out of order would be read elsewhere by the whole read),
    and it begins right after the rows of the piece before (a gap is rows holding nothing,
    which the whole read would see; an overlap, a cell placed below the next cut)."""
    import pyarrow as pa

    out: dict[int, list[Any]] = {j: [] for j in indices}
    n_rows = 0
    for k, piece in enumerate(pieces):
        names, table, failed = piece.result
        if failed:
            return None
        if k == 0:
            if piece.first_row != 1 or not _header_ok(names, header, indices):
                return None
        else:
            names = dict(names)
            marker = names.pop(mark, None)
            if marker is None or not _marker_row(table, marker, list(names.values())):
                return None
            table = table.slice(1)
            if piece.first_row != header_row + 1 + n_rows:
                return None
        n_rows += table.num_rows
        for j in indices:
            out[j].append(table.column(names[j]) if j in names else pa.nulls(table.num_rows))
    return out, n_rows


def _marker_row(table: Any, marker: str, others: list[str]) -> bool:
    """Whether a piece's first row is its marker row and nothing else, and the marker's
    column holds nothing else."""
    column = table.column(marker)
    if table.num_rows == 0 or column[0].as_py() != _TOKEN or column.null_count != len(column) - 1:
        return False
    return all(not table.column(name)[0].is_valid for name in others)


def _header_ok(names: dict[int, str], header: list[Any], indices: list[int]) -> bool:
    """Whether fastexcel found the header the head shows, column by column."""
    for j in indices:
        shown = _as_text(header[j]) if j < len(header) else ""
        name = names.get(j)
        if name is None:
            return False
        if name != shown and not (shown == "" and name.startswith("__UNNAMED__")):
            return False
    return True


def _whole(
    loaded: _Loaded, header: list[Any], indices: list[int]
) -> tuple[dict[int, list[Any]], int] | None:
    """The columns of the sheet read whole, as one piece."""
    names, table, failed = loaded
    if failed or not _header_ok(names, header, indices):
        return None
    return {j: [table.column(names[j])] for j in indices}, table.num_rows


def _checked(
    arrays: dict[int, list[Any]], n_rows: int, header_row: int, numbers: set[int], text: set[int]
) -> tuple[list[int], dict[int, Any]] | None:
    """The rows and each column as one (chunked) array of one type, once the columns are as
    merge writes them: text columns hold text, and no row is blank in all of them."""
    import pyarrow as pa
    import pyarrow.compute as pc

    columns: dict[int, Any] = {}
    texts = {pa.string(), pa.large_string()}
    for j, chunks in arrays.items():
        # A column empty in one piece (or the whole sheet) is null there; text may come as
        # string or large string.
        kinds = {c.type for c in chunks} - {pa.null()}
        if j in text - numbers and not kinds <= texts:
            return None
        if len(kinds) > 1:
            if not kinds <= texts:
                return None
            kind = pa.string()
        else:
            kind = kinds.pop() if kinds else pa.float64() if j in numbers else pa.string()
        columns[j] = pa.chunked_array([c if c.type == kind else c.cast(kind) for c in chunks], kind)
    blank = reduce(pc.and_, [_empty(c) for c in columns.values()])
    if pc.any(blank).as_py():
        return None
    rows = list(range(header_row + 1, header_row + 1 + n_rows))
    return rows, columns


def _import(module: str) -> None:
    with suppress(ImportError):  # it fails again, and is reported, where it is used
        importlib.import_module(module)


def _as_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return f"{value:.0f}"
    return str(value).strip()
