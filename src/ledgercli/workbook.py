"""Opening whatever a district sends: .xlsx/.xlsm/.xls/.ods through python-calamine, .csv in
UTF-8 or GB18030, password-protected workbooks through msoffcrypto-tool.

Everything that can go wrong before the first cell is read becomes an `UnreadableFile` naming the
file and what to do. Zip members are checked in the central directory before anything is
inflated, and XML that declares entities is refused before any parser sees it.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import threading
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import compress, repeat
from pathlib import Path
from typing import Any

from .errors import UnreadableFile

DEFAULT_MAX_UNPACKED_MB = 2048
# A real sheet compresses 5-30x; a zip bomb compresses thousands of times.
MAX_RATIO = 1000
SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods", ".csv"}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass
class BadCell:
    """A cell calamine cannot show truthfully: an error value or a formula with no result."""

    kind: str  # "excel-error" | "formula-no-value"
    value: str


@dataclass
class Sheet:
    name: str
    rows: list[tuple[int, list[Any]]]  # (Excel row number, values from column A), blank rows out
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    bad_cells: dict[tuple[int, int], BadCell] = field(default_factory=dict)  # (row, col0)


@dataclass
class Book:
    path: Path
    format: str  # xlsx | xls | ods | csv
    sheet_names: list[str]
    typed: bool  # False for CSV, where every value arrives as text
    _loader: Any = None
    _cache: dict[str, Sheet] = field(default_factory=dict)
    # An .xlsx also keeps where its parts are, for readers that go to the XML (columnar.py).
    source: Any = None  # the file, or its decrypted bytes
    parts: dict[str, str] = field(default_factory=dict)  # sheet name → its XML part
    strings_part: str | None = None

    def sheet(self, name: str) -> Sheet:
        if name not in self._cache:
            self._cache[name] = self._loader(name)
        return self._cache[name]


def open_book(
    path: Path,
    password: str | None = None,
    max_unpacked_mb: int = DEFAULT_MAX_UNPACKED_MB,
) -> Book:
    p = str(path)
    if not path.exists():
        raise UnreadableFile("file-missing", path=p)
    if path.is_dir():
        raise UnreadableFile("not-spreadsheet", path=p, detail="a folder")
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise UnreadableFile("corrupt", path=p, detail=exc.strerror or str(exc)) from exc
    if size == 0:
        raise UnreadableFile("file-empty", path=p)

    if head.startswith(OLE_MAGIC):
        return _open_ole(path, password, max_unpacked_mb)
    if head.startswith(b"PK"):
        return _open_zip(path, None, max_unpacked_mb)
    if path.suffix.lower() == ".csv":
        return _open_csv(path, max_unpacked_mb)
    raise UnreadableFile("not-spreadsheet", path=p, detail=_sniff(head))


_BINARY = {b"Rar!": "a RAR archive", b"7z\xbc\xaf": "a 7z archive", b"GIF8": "an image"}


def _sniff(head: bytes) -> str:
    if head.startswith(b"%PDF"):
        return "a PDF document"
    for magic, what in _BINARY.items():
        if head.startswith(magic):
            return what
    if head.startswith((b"<html", b"<!DOC", b"<?xml")):
        return "an HTML or XML document"
    try:
        # Incremental: the head may end inside a character (Chinese text is 3 bytes a char).
        text = codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        if any(c < " " and c not in "\t\r\n" for c in text):
            return "unknown format"  # control characters: binary that happens to decode
        return "plain text"
    except UnicodeDecodeError:
        return "unknown format"


def _open_ole(path: Path, password: str | None, max_unpacked_mb: int) -> Book:
    import msoffcrypto
    from msoffcrypto.exceptions import DecryptionError, InvalidKeyError

    p = str(path)
    try:
        with path.open("rb") as fh:
            office = msoffcrypto.OfficeFile(fh)
            encrypted = office.is_encrypted()
            if encrypted:
                if not password:
                    raise UnreadableFile("encrypted", path=p)
                office.load_key(password=password)
                out = io.BytesIO()
                try:
                    office.decrypt(out)
                except (InvalidKeyError, DecryptionError) as exc:
                    raise UnreadableFile("wrong-password", path=p) from exc
                data = out.getvalue()
    except UnreadableFile:
        raise
    except Exception as exc:  # msoffcrypto raises many kinds on damaged OLE files
        if path.suffix.lower() == ".xls":
            # Not something msoffcrypto understands, but calamine may still read an old .xls.
            return _calamine_book(path, path, "xls")
        raise UnreadableFile("corrupt", path=p, detail=str(exc) or type(exc).__name__) from exc
    if not encrypted:
        return _calamine_book(path, path, "xls")
    if data.startswith(b"PK"):
        return _open_zip(path, data, max_unpacked_mb)
    return _calamine_book(path, io.BytesIO(data), "xls")


def _open_zip(path: Path, data: bytes | None, max_unpacked_mb: int) -> Book:
    p = str(path)
    source: Any = io.BytesIO(data) if data is not None else path
    try:
        with zipfile.ZipFile(source) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
            total = sum(i.file_size for i in infos)
            limit = max_unpacked_mb * 1024 * 1024
            if total > limit:
                raise UnreadableFile(
                    "too-large",
                    path=p,
                    limit_mb=max_unpacked_mb,
                    detail=f"{total / 1024 / 1024:.0f} MB",
                )
            for i in infos:
                if i.file_size > 1024 * 1024 and i.file_size > MAX_RATIO * max(i.compress_size, 1):
                    raise UnreadableFile(
                        "too-large",
                        path=p,
                        limit_mb=max_unpacked_mb,
                        detail=f"{i.filename} inflates {i.file_size // max(i.compress_size, 1)}x",
                    )
            if "xl/workbook.xml" in names:
                fmt = "xlsx"
            elif "content.xml" in names and _is_ods(zf):
                fmt = "ods"
            elif "word/document.xml" in names:
                raise UnreadableFile("not-spreadsheet", path=p, detail="a Word document")
            elif "ppt/presentation.xml" in names:
                raise UnreadableFile("not-spreadsheet", path=p, detail="a PowerPoint file")
            else:
                raise UnreadableFile("not-spreadsheet", path=p, detail="a zip archive")
            for i in infos:
                if i.filename.endswith((".xml", ".rels")) and _declares_entities(zf, i):
                    raise UnreadableFile("unsafe-xml", path=p)
            sheet_xml, strings = _sheet_parts(zf) if fmt == "xlsx" else ({}, None)
    except UnreadableFile:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, KeyError) as exc:
        raise UnreadableFile("corrupt", path=p, detail=str(exc) or type(exc).__name__) from exc
    book = _calamine_book(path, io.BytesIO(data) if data is not None else path, fmt)
    if sheet_xml:
        book.source, book.parts, book.strings_part = source, sheet_xml, strings
        inner = book._loader

        def load(name: str) -> Sheet:
            from . import splitread

            if splitread.is_enabled():  # one big file alone: both cores parse its rows
                halves = splitread.read_in_halves(book, name)
                if halves is not None:
                    return halves
            # calamine releases the GIL while it parses, so the scan for error cells and
            # formulas runs beside it on the second core instead of after it.
            found, scan = scan_bad_cells(book, name)
            try:
                sheet: Sheet = inner(name)
            finally:
                if scan is not None:
                    scan.join()
            sheet.bad_cells = found
            return sheet

        book._loader = load
    return book


def scan_bad_cells(
    book: Book, name: str
) -> tuple[dict[tuple[int, int], BadCell], threading.Thread | None]:
    """Start the search of a sheet's XML for error cells and formulas without a result, in a
    thread; its findings are in the dict once the thread is joined."""
    found: dict[tuple[int, int], BadCell] = {}
    part = book.parts.get(name)
    if not part:
        return found, None
    source = book.source
    scan = threading.Thread(target=lambda: found.update(_scan_bad_cells(source, part)))
    scan.start()
    return found, scan


def _is_ods(zf: zipfile.ZipFile) -> bool:
    try:
        return b"opendocument.spreadsheet" in zf.read("mimetype")
    except KeyError:
        return True


def _declares_entities(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Billion-laughs and external entities need a DTD, which sits before the root element."""
    with zf.open(info) as fh:
        head = fh.read(4096)
    return b"<!DOCTYPE" in head or b"<!ENTITY" in head


def _sheet_parts(zf: zipfile.ZipFile) -> tuple[dict[str, str], str | None]:
    """Sheet name → its XML part inside an .xlsx, from workbook.xml and its relationships; and
    the shared strings' part."""
    from defusedxml import ElementTree as ET

    ns_main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    ns_rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    try:
        wb = ET.fromstring(zf.read("xl/workbook.xml"))
        rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except Exception:  # a workbook without relationships: calamine will say what is wrong
        return {}, None

    def part(target: str) -> str:
        return target.lstrip("/") if target.startswith("/") else "xl/" + target

    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    parts: dict[str, str] = {}
    for s in wb.iter(f"{ns_main}sheet"):
        target = targets.get(s.get(f"{ns_rel}id"), "")
        if target:
            parts[s.get("name", "")] = part(target)
    strings = next(
        (part(r.get("Target", "")) for r in rels if r.get("Type", "").endswith("/sharedStrings")),
        None,
    )
    return parts, strings


_CELL_REF = re.compile(r"([A-Z]+)(\d+)")


def _scan_bad_cells(source: Any, part: str) -> dict[tuple[int, int], BadCell]:
    """Find error cells and formulas without a cached result, which calamine reads as blank.

    Most submissions hold neither, so a streaming byte search decides first whether the sheet
    needs parsing at all.
    """
    from defusedxml.ElementTree import iterparse

    with zipfile.ZipFile(source) as zf:
        try:
            info = zf.getinfo(part)
        except KeyError:
            return {}
        # b"<f" also matches nothing else a worksheet part holds (<f>, <f ...>, <f/>).
        if not _mentions(source, zf, info, (b"<f", b't="e"')):
            return {}
        bad: dict[tuple[int, int], BadCell] = {}
        ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
        with zf.open(info) as fh:
            for _event, el in iterparse(fh, events=("end",)):
                if el.tag != f"{ns}c":
                    if el.tag == f"{ns}row":
                        el.clear()
                    continue
                f = el.find(f"{ns}f")
                v = el.find(f"{ns}v")
                ref = _CELL_REF.match(el.get("r", ""))
                if ref is None:
                    continue
                pos = (int(ref.group(2)), col_index(ref.group(1)))
                if el.get("t") == "e":
                    bad[pos] = BadCell("excel-error", v.text if v is not None and v.text else "#?")
                elif f is not None and (v is None or v.text is None):
                    bad[pos] = BadCell("formula-no-value", "=" + (f.text or ""))
        return bad


def _mentions(source: Any, zf: zipfile.ZipFile, info: zipfile.ZipInfo, needles: Any) -> bool:
    """Whether a part's XML holds any of these byte strings, inflated a chunk at a time.

    zipfile's reader also checks a CRC of every byte, which doubled the cost of this search
    (run on every sheet); calamine checks the part as it reads it, so a deflated part is
    inflated here straight from its bytes in the archive.
    """
    deflated = info.compress_type == zipfile.ZIP_DEFLATED and not info.flag_bits & 0x1
    chunks = _inflated(source, info) if deflated else _read(zf, info)
    tail = b""
    for chunk in chunks:
        window = tail + chunk
        if any(n in window for n in needles):
            return True
        tail = window[-8:]
    return False


INFLATE_CHUNK = 1 << 18  # compressed bytes read at a time (tests make it tiny)


def _inflated(source: Any, info: zipfile.ZipInfo) -> Iterator[bytes]:
    with source.open("rb") if isinstance(source, Path) else _view(source) as fh:
        fh.seek(info.header_offset)
        local = fh.read(30)  # the local header: its name and extra field lengths vary
        skip = int.from_bytes(local[26:28], "little") + int.from_bytes(local[28:30], "little")
        fh.seek(info.header_offset + 30 + skip)
        inflate = zlib.decompressobj(-zlib.MAX_WBITS)
        left = info.compress_size
        room = info.file_size  # what the archive declares (and the size limits were held to)
        while left > 0 and not inflate.eof:
            raw = fh.read(min(left, INFLATE_CHUNK))
            if not raw:
                return
            left -= len(raw)
            # At most a megabyte at a time, and never past the declared size: a part that
            # inflates further is lying about itself, and calamine will say it is damaged.
            data = inflate.decompress(raw, 1 << 20)
            while data:
                room -= len(data)
                if room < 0:
                    return
                yield data
                data = inflate.decompress(inflate.unconsumed_tail, 1 << 20)


def _read(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    with zf.open(info) as fh:
        while chunk := fh.read(1 << 20):
            yield chunk


def _view(source: io.BytesIO) -> io.BytesIO:
    return io.BytesIO(source.getvalue())


def _calamine_book(path: Path, source: Any, fmt: str) -> Book:
    from python_calamine import CalamineError, CalamineWorkbook

    p = str(path)
    try:
        if isinstance(source, Path):
            wb = CalamineWorkbook.from_path(str(source))
        else:
            wb = CalamineWorkbook.from_filelike(source)
        names = [m.name for m in wb.sheets_metadata if str(m.typ).endswith("WorkSheet")] or list(
            wb.sheet_names
        )
    except Exception as exc:  # calamine raises its own and plain errors for damaged files
        if isinstance(exc, CalamineError) and "password" in str(exc).lower():
            raise UnreadableFile("encrypted", path=p) from exc
        raise UnreadableFile("corrupt", path=p, detail=_short(exc)) from exc

    def load(name: str) -> Sheet:
        try:
            ws = wb.get_sheet_by_name(name)
            # The whole grid from A1 in one call (faster than iterating); calamine already
            # leaves out styled-but-empty cells, so phantom rows never reach Python.
            grid = ws.to_python(skip_empty_area=False)
            merged = list(ws.merged_cell_ranges or [])
        except Exception as exc:
            raise UnreadableFile("corrupt", path=p, detail=_short(exc)) from exc
        return Sheet(name=name, rows=nonblank_rows(grid), merged=merged)

    return Book(path=path, format=fmt, sheet_names=names, typed=True, _loader=load)


def nonblank_rows(grid: list[list[Any]], first: int = 1) -> list[tuple[int, list[Any]]]:
    """The rows of a rectangular grid holding anything, numbered from `first`; the test of
    each row runs in C (a 100k-row sheet spent a tenth of a second here)."""
    width = len(grid[0]) if grid else 0
    filled = map(width.__ne__, map(list.count, grid, repeat("")))
    return list(compress(enumerate(grid, start=first), filled))


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]


def _open_csv(path: Path, max_unpacked_mb: int) -> Book:
    p = str(path)
    raw = path.read_bytes()
    if len(raw) > max_unpacked_mb * 1024 * 1024:
        raise UnreadableFile("too-large", path=p, limit_mb=max_unpacked_mb, detail="csv")
    # Excel's "Unicode text" and some exports are UTF-16, which says so by its byte-order mark;
    # else UTF-8 (with or without a mark), else what Chinese Windows saves (GB18030).
    utf16 = raw.startswith((b"\xff\xfe", b"\xfe\xff"))
    for encoding in ("utf-16",) if utf16 else ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UnreadableFile("bad-encoding", path=p)
    if "\x00" in text[:4096]:
        raise UnreadableFile("not-spreadsheet", path=p, detail="binary data")
    try:
        dialect: Any = csv.Sniffer().sniff(text[:8192], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    name = path.stem

    def load(_name: str) -> Sheet:
        rows = []
        for i, row in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
            if any(v.strip() for v in row):
                rows.append((i, list(row)))
        return Sheet(name=name, rows=rows)

    return Book(path=path, format="csv", sheet_names=[name], typed=False, _loader=load)


def col_letter(index: int) -> str:
    """0 → A, 27 → AB."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def col_index(letters: str) -> int:
    """A → 0, AB → 27."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def iter_spreadsheets(paths: list[Path]) -> Iterator[tuple[Path, str | None]]:
    """Expand folders recursively; yield (path, reason to skip or None).

    Lock files (~$x.xlsx), hidden files and non-spreadsheets are yielded with a reason, so the
    caller can say what it passed over instead of passing over it silently.
    """
    seen: set[Path] = set()

    def first_time(p: Path) -> bool:
        # A file named twice (a folder and a file in it, or x.xlsx and ./x.xlsx) is read once:
        # twice would count its cases twice.
        key = p.resolve()
        if key in seen:
            return False
        seen.add(key)
        return True

    for root in paths:
        if root.is_dir():
            for p in sorted(root.rglob("*")):
                if p.is_dir() or not first_time(p):
                    continue
                rel = p.relative_to(root)
                if any(part.startswith(".") for part in rel.parts):
                    yield p, "hidden"
                elif p.name.startswith("~$"):
                    yield p, "lock-file"
                elif p.suffix.lower() not in SPREADSHEET_SUFFIXES:
                    yield p, "not-spreadsheet"
                else:
                    yield p, None
        elif first_time(root):
            yield root, None
