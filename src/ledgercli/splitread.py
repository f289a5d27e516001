"""Reading one big sheet on two cores: its rows cut in two, each half parsed by calamine in a
thread of its own.

A 100k-row ledger sent alone is read by one process; calamine's parse of its sheet is most of
the time, on one core, while the other waits. calamine releases the interpreter while it
parses, so two workbooks parse side by side in two threads. The sheet's XML is inflated once
and cut at a <row> in the middle; each half goes back in a small uncompressed workbook with
the same styles, shared strings and relationships (their bytes copied as they are), so each
cell is read exactly as in the whole sheet: the same shared string, the same date format.
The rows are then put back in their places, as wide as the whole sheet, with the merged ranges
of the whole sheet. Anything unusual (no row numbers to rely on, a zip feature this does not
copy, a size outside the range where it pays) returns None and the sheet is read whole; tests
hold the two reads equal.
"""

from __future__ import annotations

import io
import re
import struct
import threading
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .workbook import Book, Sheet, _inflated, _scan_bad_cells, nonblank_rows

# Below this much XML a second thread costs more than it saves; above the ceiling the copies
# (the XML, two halves, calamine's own) would cost too much memory: the sheet is read whole.
MIN_BYTES = 16 * 1024 * 1024
MAX_BYTES = 384 * 1024 * 1024

# Set while a run reads one file alone (parallel.py): the only time a second core is idle.
_ENABLED = threading.local()


@contextmanager
def enabled(on: bool) -> Iterator[None]:
    before = getattr(_ENABLED, "on", False)
    _ENABLED.on = on
    try:
        yield
    finally:
        _ENABLED.on = before


def is_enabled() -> bool:
    return bool(getattr(_ENABLED, "on", False))


_SHEET_DATA = re.compile(rb"<((?:[A-Za-z_][\w.-]*:)?)sheetData(?:\s[^>]*)?>")
_NEEDLES = (b"<f", b't="e"')  # formulas and error cells: workbook._scan_bad_cells


def read_in_halves(book: Book, name: str, min_bytes: int | None = None) -> Sheet | None:
    """The sheet `name`, read in two halves at once; None to read it the ordinary way."""
    part = book.parts.get(name)
    if not part or book.source is None:
        return None
    try:
        return _read(book, name, part, MIN_BYTES if min_bytes is None else min_bytes)
    except Exception:  # only ever a shortcut: the ordinary read says what is wrong, if anything
        return None


def _read(book: Book, name: str, part: str, min_bytes: int) -> Sheet | None:
    source = book.source
    with _open(source) as fh, zipfile.ZipFile(fh) as zf:
        infos = zf.infolist()
        info = zf.getinfo(part)
        if not min_bytes <= info.file_size <= MAX_BYTES:
            return None
        if any(i.flag_bits & 0x1 for i in infos) or info.compress_type not in (0, 8):
            return None  # encrypted members, or a compression this does not inflate
        keep = [i for i in infos if i.filename != part and not i.is_dir()]
        raw = {i.filename: _raw_member(fh, i) for i in keep}
    if info.compress_type == zipfile.ZIP_DEFLATED:
        xml = b"".join(_inflated(source, info))
    else:
        with _open(source) as fh:
            xml = _raw_member(fh, info)
    if len(xml) != info.file_size:
        return None
    cut = _cut(xml)
    if cut is None:
        return None
    start, middle, end = cut
    view = memoryview(xml)
    head, tail = view[:start], view[end:]
    pieces = [(head, view[start:middle], tail), (head, view[middle:end], tail)]
    sheets: list[Any] = [None, None]
    threads = [
        threading.Thread(target=_parse_half, args=(keep, raw, part, pieces[k], name, sheets, k))
        for k in (0, 1)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    mentions_bad = any(n in xml for n in _NEEDLES)
    del pieces, head, tail, view, xml  # the memory goes before the rows are built
    if None in sheets:
        return None
    first, second = sheets
    rows = _rows(first, second)
    if rows is None:
        return None
    sheet = Sheet(name=name, rows=rows, merged=list(first.merged_cell_ranges or []))
    if mentions_bad:
        sheet.bad_cells = _scan_bad_cells(source, part)
    return sheet


def _parse_half(
    keep: list[zipfile.ZipInfo],
    raw: dict[str, bytes],
    part: str,
    pieces: tuple[Any, ...],
    name: str,
    sheets: list[Any],
    k: int,
) -> None:
    """In a thread: the half workbook built and its sheet parsed (calamine lets go of the
    interpreter meanwhile); sheets[k] stays None if anything fails."""
    from python_calamine import CalamineWorkbook

    try:
        data = _zip(keep, raw, part, pieces)
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        del data
        sheets[k] = wb.get_sheet_by_name(name)
    except Exception:
        return


def _open(source: Any) -> Any:
    return source.open("rb") if isinstance(source, Path) else io.BytesIO(source.getvalue())


def _raw_member(fh: Any, info: zipfile.ZipInfo) -> bytes:
    """A member's bytes as stored in the archive (compressed or not), read past its header."""
    fh.seek(info.header_offset)
    local = fh.read(30)
    if local[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile("local header")
    skip = int.from_bytes(local[26:28], "little") + int.from_bytes(local[28:30], "little")
    fh.seek(info.header_offset + 30 + skip)
    data: bytes = fh.read(info.compress_size)
    if len(data) != info.compress_size:
        raise zipfile.BadZipFile("truncated member")
    return data


def _cut(xml: bytes) -> tuple[int, int, int] | None:
    """Where the rows begin, a <row> near the middle, and where the rows end; None when the
    rows cannot be cut there safely (no numbers on the row: the second half would restart)."""
    found = _SHEET_DATA.search(xml, 0, 1 << 16)
    if found is None:
        return None
    prefix = found.group(1)
    start = found.end()
    end = xml.rfind(b"</" + prefix + b"sheetData>")
    if end < start:
        return None
    row = re.compile(rb"<" + re.escape(prefix) + rb"row[\s>]")
    middle = row.search(xml, (start + end) // 2, end)
    if middle is None:
        return None
    tag_end = xml.find(b">", middle.start(), end)
    if tag_end < 0 or not re.search(rb'\sr="\d+"', xml[middle.start() : tag_end]):
        return None
    # The first half must hold rows too (the header is in it).
    if row.search(xml, start, middle.start()) is None:
        return None
    return start, middle.start(), end


def _zip(
    keep: list[zipfile.ZipInfo], raw: dict[str, bytes], part: str, pieces: tuple[Any, ...]
) -> bytes:
    """A workbook of the other members' bytes as they were, and the sheet made of `pieces`,
    stored uncompressed."""
    out: list[Any] = []
    central: list[bytes] = []
    offset = 0

    def add(name: str, method: int, crc: int, csize: int, usize: int, data: list[Any]) -> None:
        nonlocal offset
        encoded = name.encode("utf-8")
        flags = 0x800  # names in UTF-8
        local = struct.pack(
            "<4s5H3L2H",
            b"PK\x03\x04",
            20,
            flags,
            method,
            0,
            0x21,
            crc,
            csize,
            usize,
            len(encoded),
            0,
        )
        out.append(local + encoded)
        out.extend(data)
        central.append(
            struct.pack(
                "<4s6H3L5H2L",
                b"PK\x01\x02",
                20,
                20,
                flags,
                method,
                0,
                0x21,
                crc,
                csize,
                usize,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + encoded
        )
        offset += len(local) + len(encoded) + csize

    for info in keep:
        data = raw[info.filename]
        add(
            info.filename,
            info.compress_type,
            info.CRC,
            len(data),
            info.file_size,
            [data],
        )
    crc = 0
    size = 0
    for piece in pieces:
        crc = zlib.crc32(piece, crc)
        size += len(piece)
    add(part, zipfile.ZIP_STORED, crc, size, size, list(pieces))
    directory = b"".join(central)
    end = struct.pack(
        "<4s4H2LH", b"PK\x05\x06", 0, 0, len(central), len(central), len(directory), offset, 0
    )
    return b"".join([*out, directory, end])


def _rows(first: Any, second: Any) -> list[tuple[int, list[Any]]] | None:
    """The two halves' rows as the whole sheet's read gives them: each numbered from row 1,
    as wide as the widest row of the sheet, blank rows left out (workbook._calamine_book)."""
    if second.start is None or first.end is None:
        return None
    width = max(first.end[1], second.end[1]) + 1
    top = first.to_python(skip_empty_area=False)
    r0, c0 = second.start
    bottom = second.to_python(skip_empty_area=True)
    if not top or r0 < len(top):
        return None  # the halves overlap: not two runs of rows
    w1 = len(top[0])
    rows = nonblank_rows(top)
    if w1 < width:
        pad = [""] * (width - w1)
        for _, row in rows:
            row.extend(pad)
    if not bottom:
        return rows
    w2 = len(bottom[0])
    left, right = [""] * c0, [""] * (width - c0 - w2)
    lower = nonblank_rows(bottom, first=r0 + 1)
    if c0 or right:
        lower = [(i, left + row + right) for i, row in lower]
    rows.extend(lower)
    return rows
