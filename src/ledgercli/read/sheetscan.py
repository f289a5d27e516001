"""What a sheet costs before a reader allocates it, and the cells calamine cannot show truthfully.

calamine (python-calamine, and fastexcel over it) builds every sheet as a dense grid from A1 to
the farthest cell holding a value, in one allocation: a single value at XFD1048576 in a 10 KB
file asks for 17 billion cells and aborts the process. So before any of them reads a sheet, its
XML is scanned (one pass, while it is inflated and CRC-checked) for where its cells can lie:
- `<dimension ref=…>` gives the bounds every writer (Excel, WPS, LibreOffice, openpyxl,
  xlsxwriter) states; one regular expression over the whole part then proves that no cell lies
  beyond them, and notes DTDs, formulas and error values on the way;
- anything unusual (no dimension, cells without `r`, namespace prefixes, quoting the expression
  does not cover, a cell beyond the bounds) sends the sheet through an exact pass with expat,
  which places every cell as calamine does and counts the cells holding values.
A sheet whose grid would be far larger than what it holds (a stray value far from the table)
is refused with the cell named, instead of allocated. The same rules guard .xls (its BIFF
records) and .ods (its repeated rows and columns).

The second job here is finding error cells and formulas without a cached result, which calamine
reads as blank: a streaming parse of the sheet, run beside calamine, only for sheets whose scan
saw a formula or an error value.
"""

from __future__ import annotations

import codecs
import re
import struct
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import re2

from ledgercli.model.errors import UnreadableFile
from ledgercli.model.report import col_index, col_letter
from ledgercli.read.archive import Archive, DtdScan

# A grid of this many cells is read whatever it holds (calamine and the Python rows take about
# 40 bytes a cell: 320 MB); a larger one must be backed by what the sheet really holds.
FLOOR_CELLS = 8 * 1024 * 1024
VALUES_FACTOR = 4  # a grid may be this many times larger than its cells holding values
BYTES_PER_CELL = 16  # fast path: a grid this many times smaller than the sheet's XML is fine
OVERLAP = 256  # bytes carried between chunks: every pattern matches fewer than this
MAX_ROWS = 1_048_576
MAX_COLS = 16_384


@dataclass
class SheetFacts:
    formulas: bool = False  # a formula or an error value somewhere: parse for bad cells
    size: int = 0


@dataclass
class BadCell:
    """A cell calamine cannot show truthfully: an error value or a formula with no result."""

    kind: str  # "excel-error" | "formula-no-value"
    value: str


def budget(size: int) -> int:
    """The grid a sheet of `size` bytes of XML may have without its cells being counted."""
    return max(FLOOR_CELLS, size // BYTES_PER_CELL)


# --- the fast scan ------------------------------------------------------------------------

_NAME = "[A-Za-z_][A-Za-z0-9_.-]{0,31}"
_DIMENSION = re.compile(
    rb"<(?:[A-Za-z_][A-Za-z0-9_.-]{0,31}:)?dimension[ \t\r\n]+ref=\"([A-Za-z]{1,3})([0-9]{1,7})"
    rb"(?::([A-Za-z]{1,3})([0-9]{1,7}))?\""
)
# What the scan looks for, each as alternatives that start with a literal (Python's re then
# skips ahead to it): a DTD; a formula or an error value (`<v>#REF!`), with or without a
# namespace prefix; a cell written otherwise than `<c r="A1"`, or a cell or row with a
# prefix, which the exact pass places.
_WS = "[ \\t\\r\\n]"
_ERROR = f"v(?:{_WS}[^>]{{0,64}})?>#"
_KINDS: dict[str, list[str]] = {
    "dtd": ["<!(?:DOCTYPE|ENTITY)"],
    "formula": ["<f[ \\t\\r\\n/>]", f"<{_ERROR}", f":(?:f[ \\t\\r\\n/>]|{_ERROR})"],
    "unusual": [
        f'<c(?:[>/]|{_WS}(?:[^r]|r[^=]|r=[^"]))',
        ":(?:c|row)[ \\t\\r\\n/>]",
        f'<c{_WS}r="[A-Za-z]{{0,3}}0{{17}}',
    ],
}


def _letters_beyond(cols: int) -> str:
    """Column letters (either case) naming a column past the first `cols` columns."""
    top = col_letter(cols - 1)
    n = len(top)
    alts = [f"[A-Za-z]{{{n + 1}}}"]
    for i, ch in enumerate(top):
        if ch == "Z":
            continue
        nxt = chr(ord(ch) + 1)
        same = "".join(f"[{c}{c.lower()}]" for c in top[:i])
        rest = f"[A-Za-z]{{{n - i - 1}}}" if n - i - 1 else ""
        alts.append(f"{same}[{nxt}-Z{nxt.lower()}-z]{rest}[0-9]")
    return "|".join(alts)


def _number_beyond(n: int) -> str:
    """A row number (after any leading zeros) greater than `n`."""
    top = str(n)
    d = len(top)
    alts = [f"[1-9][0-9]{{{d}}}"]
    for i, ch in enumerate(top):
        if ch == "9":
            continue
        rest = f"[0-9]{{{d - i - 1}}}" if d - i - 1 else ""
        alts.append(f'{top[:i]}[{chr(ord(ch) + 1)}-9]{rest}"')
    return "|".join(alts)


def _beyond(rows: int, cols: int) -> str:
    letters = len(col_letter(cols - 1))
    return (
        f'<c{_WS}r="(?:{_letters_beyond(cols)}'
        f"|[A-Za-z]{{1,{letters}}}0{{0,16}}(?:{_number_beyond(rows)}))"
    )


class _Searcher:
    """The first of several patterns in a buffer, and which kind it is.

    RE2 finds the first hit of all of them in one pass of its automaton, without a step per
    candidate: a sheet is mostly `<c r="…"` cells, each of which Python's re would try every
    cell pattern on (about 18 ms a 2.6 MB sheet, against 5 for RE2). Which pattern matched is
    then asked of Python's re, at that one place."""

    def __init__(self, alts: list[tuple[str, str]]) -> None:
        self.alts = [(kind, re.compile(p.encode())) for kind, p in alts]
        options = re2.Options()
        options.encoding = re2.Options.Encoding.LATIN1  # a byte is a character, as in re
        options.never_capture = True
        self.rx = re2.compile("|".join(f"(?:{p})" for _, p in alts).encode(), options)

    def search(self, buf: bytes, start: int) -> tuple[int, str]:
        m = self.rx.search(buf, start)
        if m is None:
            return -1, ""
        at = m.start()
        kind = next((k for k, rx in self.alts if rx.match(buf, at)), "unusual")
        return at, kind  # (engines disagreeing on an edge: the cells are placed exactly)


class _FastScan:
    """One pass over a worksheet's XML, a chunk at a time (see the module's docstring)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.facts = SheetFacts(size=size)
        self.dtd = False
        self.unusual = False
        self.bounds: tuple[int, int] | None = None
        self.wanted: dict[str, list[str]] = {}
        self.searcher: _Searcher | None = None
        self.tail = b""
        self.head = b""
        self.first = True
        self.dtd_scan: DtdScan | None = None

    def _start(self, chunk: bytes) -> None:
        self.first = False
        if chunk[:2] in (b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<"):
            # UTF-16 XML: neither the byte patterns nor calamine read it as such; expat does.
            self.unusual = True
            self.facts.formulas = True
            self.dtd_scan = DtdScan()
            return
        m = _DIMENSION.search(chunk)
        if m is not None:
            last_col, last_row = (m.group(3), m.group(4)) if m.group(3) else m.group(1, 2)
            self.bounds = (int(last_row), col_index(last_col.decode().upper()) + 1)
        else:
            # Without a stated range, the fast path accepts a table of up to 256 columns.
            self.bounds = (FLOOR_CELLS // 256, 256)
        rows, cols = self.bounds
        if rows * cols > budget(self.size) or rows > MAX_ROWS or cols > MAX_COLS:
            self.unusual = True  # the stated range itself is too large: count the cells
        self.wanted = {k: list(v) for k, v in _KINDS.items()}
        if self.unusual:
            del self.wanted["unusual"]
        else:
            self.wanted["beyond"] = [_beyond(rows, cols)]
        self._compile()

    def _compile(self) -> None:
        alts = [(kind, p) for kind, ps in self.wanted.items() for p in ps]
        self.searcher = _Searcher(alts) if alts else None

    def feed(self, chunk: bytes, final: bool = False) -> None:
        if self.first:
            # The stated range comes before the cells: gather the head until it is there.
            self.head += chunk
            if not final and len(self.head) < 65536 and b"sheetData" not in self.head:
                return
            chunk, self.head = self.head, b""
            self._start(chunk)
        if self.dtd_scan is not None:
            self.dtd_scan.feed(chunk)
            self.dtd = self.dtd_scan.found
            return
        if self.searcher is None:
            return
        buf = self.tail + chunk
        end = len(buf) if final else max(0, len(buf) - OVERLAP)
        at = 0
        while self.searcher is not None:
            hit, kind = self.searcher.search(buf, at)
            if hit < 0 or hit >= end:
                break
            self._found(kind)
            at = hit + 1
        self.tail = buf[end:]

    def _found(self, kind: str) -> None:
        if kind == "dtd":
            self.dtd = True
            self.wanted.clear()
        elif kind == "formula":
            self.facts.formulas = True
            self.wanted.pop("formula", None)
        else:
            self.unusual = True
            self.wanted.pop("unusual", None)
            self.wanted.pop("beyond", None)
        self._compile()


class StreamScan:
    """scan_sheet's fast pass, fed the part's bytes by a reader that inflates them itself
    (splitread.py cuts a big sheet into pieces as it inflates it), so the part is inflated once.

    The reader feeds every chunk in order and hands a piece to a parser only once `covered`
    has passed the piece's last byte and the scan is still `clear`: whatever a piece holds (a
    far cell, a DTD) was looked for before any parser allocates it. A scan that is not clear
    decides nothing: scan_sheet (with its exact pass) then reads the part again and decides.
    Fed to the end and clear, its `facts` are scan_sheet's."""

    def __init__(self, size: int) -> None:
        self._scan = _FastScan(size)
        self.fed = 0

    def feed(self, chunk: bytes, final: bool = False) -> None:
        self._scan.feed(chunk, final)
        self.fed += len(chunk)

    @property
    def covered(self) -> int:
        """How many bytes from the part's start every pattern has been looked for in (the
        last few of a chunk wait for the next one: a pattern may straddle them)."""
        scan = self._scan
        return self.fed - len(scan.tail) - len(scan.head)

    @property
    def clear(self) -> bool:
        """Nothing seen so far needs more than the fast pass (a formula does not)."""
        return not (self._scan.dtd or self._scan.unusual)

    @property
    def facts(self) -> SheetFacts:
        return self._scan.facts


def scan_sheet(archive: Archive, part: str, sheet: str) -> SheetFacts:
    """Check a worksheet part before any reader allocates it: sizes, CRC, no DTD, and a grid
    no larger than what the sheet holds justifies. Raises UnreadableFile otherwise."""
    size = archive.size(part)
    scan = _FastScan(size)
    pending: bytes | None = None
    for chunk in archive.chunks(part):
        if pending is not None:
            scan.feed(pending)
        pending = chunk
    scan.feed(pending or b"", final=True)
    if scan.dtd:
        raise UnreadableFile("unsafe-xml", path=archive.path, part=part)
    if scan.unusual:
        check_extents(archive, part, sheet)
    return scan.facts


# --- exact placement (expat) ----------------------------------------------------------------

# Characters XML 1.0 forbids but calamine reads (a raw U+0001 in a text cell): expat is given a
# space in their place, so they cannot stop the scans.
_CONTROL = bytes.maketrans(bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)]), b" " * 29)
_CONTROL_STR = {c: " " for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)]}


def _xml_chunks(chunks: Iterable[bytes]) -> Iterator[bytes | str]:
    """A part's chunks as expat can take them: UTF-16 decoded, control characters blanked."""
    it = iter(chunks)
    first = next(it, b"")
    if first[:2] in (b"\xff\xfe", b"<\x00"):
        encoding: str | None = "utf-16-le"
    elif first[:2] in (b"\xfe\xff", b"\x00<"):
        encoding = "utf-16-be"
    else:
        encoding = None
    if encoding is None:
        yield first.translate(_CONTROL)
        for chunk in it:
            yield chunk.translate(_CONTROL)
        return
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    text = decoder.decode(first)
    yield text.lstrip("\ufeff").translate(_CONTROL_STR)
    for chunk in it:
        yield decoder.decode(chunk).translate(_CONTROL_STR)
    yield decoder.decode(b"", final=True)


def _parse(
    archive: Archive,
    part: str,
    start: Callable[[str, dict[str, str]], None],
    end: Callable[[str], None],
    text: Callable[[str], None] | None = None,
) -> None:
    """Stream a part through expat with local element names; any XML error (or a DTD)
    makes the file unreadable, naming the part and where."""
    from xml.parsers import expat

    parser = expat.ParserCreate(encoding="UTF-8")
    parser.buffer_text = True

    def local_start(name: str, attrs: dict[str, str]) -> None:
        start(name.rsplit(":", 1)[-1], attrs)

    def local_end(name: str) -> None:
        end(name.rsplit(":", 1)[-1])

    def refuse(*_args: Any) -> None:
        raise _Dtd

    parser.StartElementHandler = local_start
    parser.EndElementHandler = local_end
    if text is not None:
        parser.CharacterDataHandler = text
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    try:
        for chunk in _xml_chunks(archive.chunks(part)):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except _Dtd:
        raise UnreadableFile("unsafe-xml", path=archive.path, part=part) from None
    except expat.ExpatError as exc:
        detail = (
            f"{part}: {expat.errors.messages[exc.code]} (line {exc.lineno}, column {exc.offset})"
        )
        raise UnreadableFile("corrupt", path=archive.path, detail=detail) from None


class _Dtd(Exception):
    pass


class _Placer:
    """Where calamine puts each cell: its `r`, else one right of the last cell in the row."""

    def __init__(self) -> None:
        self.row = 0  # 0-based, as calamine counts
        self.col = 0
        self.error = False

    def row_start(self, attrs: dict[str, str]) -> None:
        r = attrs.get("r")
        if r is not None:
            got = _ref(r)
            if got is None:
                self.error = True
            else:
                self.row = got[0]

    def row_end(self) -> None:
        self.row += 1
        self.col = 0

    def cell_start(self, attrs: dict[str, str]) -> tuple[int, int] | None:
        r = attrs.get("r")
        if r is None:
            return self.row, self.col
        got = _ref(r)
        if got is None or got[1] is None:
            self.error = True
            return None
        self.col = got[1]
        return got[0], got[1]

    def cell_end(self) -> None:
        self.col += 1


def check_extents(archive: Archive, part: str, sheet: str) -> None:
    """Place every cell holding a value; refuse the sheet if its grid would dwarf them."""
    placer = _Placer()
    cell: list[tuple[int, int] | None] = [None]
    holds = [False]
    far: dict[str, tuple[int, int]] = {}
    # The two largest rows and columns, so that the cell to blame can be told from the table.
    rows = [-1, -1]
    cols = [-1, -1]
    values = [0]

    def start(name: str, attrs: dict[str, str]) -> None:
        if name == "row":
            placer.row_start(attrs)
        elif name == "c":
            cell[0] = placer.cell_start(attrs)
            holds[0] = False
        elif name in ("v", "is") and cell[0] is not None:
            holds[0] = True

    def end(name: str) -> None:
        if name == "row":
            placer.row_end()
        elif name == "c":
            pos = cell[0]
            if pos is not None and holds[0]:
                row, col = pos
                values[0] += 1
                if row > rows[0]:
                    rows[:] = [row, rows[0]]
                    far["row"] = pos
                elif row > rows[1]:
                    rows[1] = row
                if col > cols[0]:
                    cols[:] = [col, cols[0]]
                    far["col"] = pos
                elif col > cols[1]:
                    cols[1] = col
            cell[0] = None
            placer.cell_end()

    _parse(archive, part, start, end)
    if values[0] == 0:
        return
    allowed = max(FLOOR_CELLS, VALUES_FACTOR * values[0])
    grid = (rows[0] + 1) * (cols[0] + 1)
    if grid <= allowed:
        return
    # Blame the one cell whose removal would bring the grid within bounds, if there is one.
    without_row = (rows[1] + 1) * (cols[0] + 1)
    without_col = (rows[0] + 1) * (cols[1] + 1)
    if without_row <= allowed:
        blamed = [far["row"]]
    elif without_col <= allowed:
        blamed = [far["col"]]
    else:
        blamed = list(far.values())
    raise UnreadableFile(
        "far-cell",
        path=archive.path,
        sheet=sheet,
        cell="、".join(sorted({_cell_name(*pos) for pos in blamed})),
        cells=f"{grid:,}",
        values=f"{values[0]:,}",
    )


def _formula_cells(archive: Archive, part: str) -> list[tuple[tuple[int, int], str, Any, Any]]:
    """(position, type, formula text or None, value text or None) of every cell holding a
    formula or typed as an error, placed as calamine places them."""
    placer = _Placer()
    found: list[tuple[tuple[int, int], str, Any, Any]] = []
    cell: dict[str, Any] = {}
    buf: list[str] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        if name == "row":
            placer.row_start(attrs)
        elif name == "c":
            cell.clear()
            cell["pos"] = placer.cell_start(attrs)
            cell["t"] = attrs.get("t", "n")
        elif name in ("f", "v") and cell:
            cell[name] = None
            buf.clear()

    def end(name: str) -> None:
        if name == "row":
            placer.row_end()
        elif name in ("f", "v") and cell:
            cell[name] = "".join(buf)
        elif name == "c":
            pos = cell.get("pos")
            if pos is not None and ("f" in cell or cell["t"] == "e"):
                found.append((pos, cell["t"], cell.get("f"), cell.get("v")))
            cell.clear()
            placer.cell_end()

    def text(data: str) -> None:
        if cell:
            buf.append(data)

    _parse(archive, part, start, end, text)
    return found


def find_bad_cells(archive: Archive, part: str) -> dict[tuple[int, int], BadCell]:
    """Error cells and formulas without a cached result, keyed (Excel row, column from 0)."""
    bad: dict[tuple[int, int], BadCell] = {}
    for (row, col), kind, formula, value in _formula_cells(archive, part):
        if kind == "e":
            bad[(row + 1, col)] = BadCell("excel-error", value or "#?")
        elif not value and not (kind == "str" and value == ""):
            # An empty result is one only when typed as text (how Excel writes "").
            bad[(row + 1, col)] = BadCell("formula-no-value", "=" + (formula or ""))
    return bad


def formula_values(archive: Archive, part: str) -> dict[str, tuple[str, str]]:
    """Every formula cell's cached result: cell reference → (type attribute, value text).
    openpyxl keeps a formula but drops its result; an annotated copy puts them back."""
    return {
        _cell_name(*pos): (kind, value)
        for pos, kind, formula, value in _formula_cells(archive, part)
        if formula is not None and value is not None and (value or kind == "str")
    }


def _ref(ref: str) -> tuple[int, int | None] | None:
    """'B12' → (11, 1), '12' → (11, None), as calamine reads a reference; None if invalid."""
    letters = 0
    col = 0
    for ch in ref:
        if "A" <= ch <= "Z" or "a" <= ch <= "z":
            col = col * 26 + (ord(ch.upper()) - 64)
            letters += 1
        else:
            break
    digits = ref[letters:]
    if not digits.isdigit() or not digits.isascii() or int(digits) < 1:
        return None
    return int(digits) - 1, (col - 1 if letters else None)


def _cell_name(row: int, col: int) -> str:
    return f"{col_letter(col)}{row + 1}"


# --- .ods: repeated rows and columns ------------------------------------------------------


def check_ods(archive: Archive) -> None:
    """calamine expands an .ods sheet's repeated rows and columns into cells (up to 100
    million): the cells each table's content spans, and those it holds, must stay within what
    the size of content.xml justifies, as for a worksheet."""
    size = archive.size("content.xml")
    tables: list[dict[str, Any]] = []
    cell = {"content": False, "repeat": 1, "rows": 1}

    def start(name: str, attrs: dict[str, str]) -> None:
        if name == "table":
            tables.append(
                {"name": attrs.get("table:name", "?"), "row": 0, "col": 0, "last": (-1, -1)}
            )
            tables[-1]["values"] = 0
        elif not tables:
            return
        elif name == "table-row":
            cell["rows"] = _count(attrs.get("table:number-rows-repeated"))
            tables[-1]["col"] = 0
        elif name in ("table-cell", "covered-table-cell"):
            cell["repeat"] = _count(attrs.get("table:number-columns-repeated"))
            cell["content"] = "office:value-type" in attrs
        elif name == "p":
            cell["content"] = True

    def end(name: str) -> None:
        if not tables:
            return
        t = tables[-1]
        if name in ("table-cell", "covered-table-cell"):
            repeat, rows = cell["repeat"], cell["rows"]
            if cell["content"]:
                t["values"] += repeat * rows
                last_row, last_col = t["last"]
                t["last"] = (
                    max(last_row, t["row"] + rows - 1),
                    max(last_col, t["col"] + repeat - 1),
                )
            t["col"] += repeat
            cell["content"] = False
        elif name == "table-row":
            t["row"] += cell["rows"]
            cell["rows"] = 1

    _parse(archive, "content.xml", start, end)
    allowed = budget(size)
    for t in tables:
        last_row, last_col = t["last"]
        grid = (last_row + 1) * (last_col + 1)
        if last_row >= 0 and (grid > allowed or t["values"] > allowed):
            raise UnreadableFile(
                "far-cell",
                path=archive.path,
                sheet=t["name"],
                cell=_cell_name(last_row, last_col),
                cells=f"{grid:,}",
                values=f"{t['values']:,}",
            )


def _count(text: str | None) -> int:
    if text is None:
        return 1
    try:
        return max(1, min(int(text), MAX_ROWS * MAX_COLS))
    except ValueError:
        return 1


# --- .xls: BIFF records -------------------------------------------------------------------

# Records calamine turns into cells (and formulas, which it also lays out as a grid).
_XLS_CELLS = {0x0203, 0x0204, 0x00D6, 0x0205, 0x027E, 0x00FD, 0x0006}
_U16X2 = struct.Struct("<HH")


def check_xls(stream: bytes, path: str) -> None:
    """The worksheets of a BIFF workbook stream: their DIMENSIONS and cells, as calamine
    allocates them when it opens the file (every sheet at once)."""
    pos = 0
    n = len(stream)
    depth = 0
    sheet = 0
    extents = [-1, -1, 0]

    def close() -> None:
        last_row, last_col, values = extents
        if values and (last_row + 1) * (last_col + 1) > max(FLOOR_CELLS, VALUES_FACTOR * values):
            raise UnreadableFile(
                "far-cell",
                path=path,
                sheet=str(sheet),
                cell=_cell_name(last_row, last_col),
                cells=f"{(last_row + 1) * (last_col + 1):,}",
                values=f"{values:,}",
            )
        extents[:] = [-1, -1, 0]

    while pos + 4 <= n:
        kind, length = _U16X2.unpack_from(stream, pos)
        body = pos + 4
        pos = body + length
        if kind == 0x0809:  # BOF
            depth += 1
            if depth == 1:
                sheet += 1
            continue
        if kind == 0x000A:  # EOF
            if depth == 1:
                close()
            depth = max(0, depth - 1)
            continue
        if depth != 1 or pos > n:
            continue
        if kind == 0x0200 and length in (10, 14):
            if length == 14:
                first_row, last_row = struct.unpack_from("<LL", stream, body)
                first_col, last_col = _U16X2.unpack_from(stream, body + 8)
            else:
                first_row, last_row, first_col, last_col = struct.unpack_from("<4H", stream, body)
            if last_row > 65536 or last_col > 256 or first_row > last_row:
                raise UnreadableFile(
                    "corrupt",
                    path=path,
                    detail=f"sheet {sheet} declares impossible dimensions "
                    f"(rows {first_row}-{last_row}, columns {first_col}-{last_col})",
                )
        elif kind in _XLS_CELLS and length >= 4:
            row, col = _U16X2.unpack_from(stream, body)
            extents[0] = max(extents[0], row)
            extents[1] = max(extents[1], col)
            extents[2] += 1
        elif kind == 0x00BD and length >= 6:  # MULRK: a row of RK values
            row, first = _U16X2.unpack_from(stream, body)
            (last,) = struct.unpack_from("<H", stream, pos - 2)
            extents[0] = max(extents[0], row)
            extents[1] = max(extents[1], last, first)
            extents[2] += max(1, last - first + 1)
    if extents[2]:
        close()
