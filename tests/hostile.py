"""Hostile workbooks for tests: a valid annex-2 ledger with one thing changed on purpose.

Every builder starts from the same valid file (helpers.write_annex2) and edits its zip parts,
so each test changes one thing only.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

from helpers import annex2_row, write_annex2

SHEET = "xl/worksheets/sheet1.xml"


def parts_of(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def write_parts(path: Path, parts: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", method) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path


def valid(path: Path, rows: int = 2) -> Path:
    return write_annex2(path, [annex2_row(序号=n) for n in range(1, rows + 1)])


def edited(path: Path, part: str, edit: Callable[[bytes], bytes], rows: int = 2) -> Path:
    """A valid ledger at `path` whose `part` is replaced by `edit(part)`."""
    parts = parts_of(valid(path, rows))
    parts[part] = edit(parts[part])
    return write_parts(path, parts)


def with_cells(path: Path, cells: bytes, rows: int = 2) -> Path:
    """A valid ledger with extra cell XML added in a new row below the data."""

    def add(xml: bytes) -> bytes:
        return xml.replace(b"</sheetData>", b'<row r="%d">%s</row></sheetData>' % (rows + 5, cells))

    return edited(path, SHEET, add, rows)


def far_cell(path: Path, ref: str) -> Path:
    """A valid ledger with one stray value at `ref` (a row of its own, as Excel writes it)."""
    row = int("".join(c for c in ref if c.isdigit()))

    def add(xml: bytes) -> bytes:
        cell = b'<row r="%d"><c r="%s" t="inlineStr"><is><t>x</t></is></c></row>' % (
            row,
            ref.encode(),
        )
        return xml.replace(b"</sheetData>", cell + b"</sheetData>")

    return edited(path, SHEET, add)


def flip_bit(path: Path, part: str, method: int) -> Path:
    """A ledger whose `part` has one bit flipped inside its data (the CRC no longer fits)."""
    parts = parts_of(valid(path))
    write_parts(path, parts, method)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        info = zf.getinfo(part)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    if method == zipfile.ZIP_STORED:
        # A digit of the first phone number: the file still parses, with another number.
        at = bytes(data).index(b"13812345678", start) + 6
        data[at] ^= 0x01
    else:
        data[start + info.compress_size // 2] ^= 0x10
    path.write_bytes(bytes(data))
    return path


def raw_deflate(data: bytes) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return c.compress(data) + c.flush()
