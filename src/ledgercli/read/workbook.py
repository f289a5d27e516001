"""Opening whatever a district sends: .xlsx/.xlsm/.xls/.ods through python-calamine, .csv in
UTF-8 or GB18030, password-protected workbooks through msoffcrypto-tool.

Everything that can go wrong before the first cell is read becomes an `UnreadableFile` naming the
file and what to do. Only regular files are opened (a named pipe would block every command
forever), and each is read once: every reader (calamine, the checks, the SHA-256 a merge records)
works from the same bytes. Zip parts are checked against the limits before anything is inflated
and CRC-checked as they are (archive.py); a sheet's grid is measured before calamine allocates
it (sheetscan.py).
"""

from __future__ import annotations

import codecs
import csv
import errno
import hashlib
import io
import os
import re
import stat
import threading
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ledgercli.model.errors import UnreadableFile
from ledgercli.model.options import DEFAULT_MAX_UNPACKED_MB
from ledgercli.model.report import col_index, col_letter
from ledgercli.read import splitread
from ledgercli.read.archive import Archive
from ledgercli.read.sheetscan import (
    BadCell,
    SheetFacts,
    StreamScan,
    check_ods,
    check_xls,
    find_bad_cells,
    scan_sheet,
)

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods", ".csv"}
# What Windows leaves in every folder it shows: as much the folder's own as a hidden file.
_SYSTEM_FILES = {"thumbs.db", "desktop.ini"}
# WPS's own spreadsheet format (and template): a ledger, but one no reader here can open.
WPS_SUFFIXES = {".et", ".ett"}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

__all__ = [
    "BadCell",
    "Book",
    "Sheet",
    "col_index",
    "col_letter",
    "iter_spreadsheets",
    "open_book",
    "real",
]


@dataclass
class Sheet:
    name: str
    rows: list[tuple[int, list[Any]]]  # (Excel row number, values from column A), blank rows out
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    bad_cells: dict[tuple[int, int], BadCell] = field(default_factory=dict)  # (row, col0)
    # A big sheet read in pieces (Book.sheet(partial=True)): the rows not yet given. `rows`
    # holds the first piece's until Book.more_rows has given them all.
    rest: splitread.RowStream | None = field(default=None, compare=False, repr=False)


@dataclass
class Book:
    path: Path
    format: str  # xlsx | xls | ods | csv
    sheet_names: list[str]
    typed: bool  # False for CSV, where every value arrives as text
    _loader: Any = None
    _cache: dict[str, Sheet] = field(default_factory=dict)
    # The bytes every reader reads (decrypted, for a protected workbook), and for a zip-based
    # workbook its checked parts; an .xlsx also keeps where its sheets are (columnar.py).
    data: bytes | None = None
    archive: Archive | None = None
    parts: dict[str, str] = field(default_factory=dict)  # sheet name → its XML part
    strings_part: str | None = None
    original: bytes | None = None  # the file's own bytes, when `data` was decrypted from them
    _facts: dict[str, SheetFacts] = field(default_factory=dict)
    _sha256: str | None = None
    _release: Any = None  # release_reader
    _whole: Any = None  # the loader that never reads in pieces (an .xlsx's; else _loader)

    def sheet(self, name: str, partial: bool = False) -> Sheet:
        """A sheet, read once. `partial`: a big sheet may come with only its first piece's
        rows, the rest to be taken with `more_rows` (whoever asks for it whole later waits
        for them)."""
        if name not in self._cache:
            self._cache[name] = self._loader(name)
        sheet = self._cache[name]
        if sheet.rest is not None and not partial:
            self.finish(sheet)
        return sheet

    def more_rows(self, sheet: Sheet) -> splitread.Rows | None:
        """The next piece's rows of a sheet read in pieces, added to its `rows`; None once it
        is whole (its merged ranges and bad cells then found too). Raises splitread.Broken
        when it cannot be read in pieces, or its search for bad cells fails: its rows so far
        are not the sheet's, and whoever used them reads it again (`finish` does, in place),
        which says what is wrong, if anything."""
        stream = sheet.rest
        if stream is None:
            return None
        rows = stream.next_rows()
        if rows is not None:
            sheet.rows.extend(rows)
            return rows
        if stream.scan is not None:
            self.record_scan(sheet.name, stream.scan.facts)  # fed to the end, and clear
        bad: dict[tuple[int, int], BadCell] = {}
        if self.check_sheet(sheet.name).formulas and self.archive is not None:
            try:
                bad = find_bad_cells(self.archive, self.parts[sheet.name])
            except UnreadableFile as exc:
                # Its rows were given already (and checked, maybe): the whole read, which
                # searches the same part, says the file is unreadable where a reader says so.
                raise splitread.Broken(f"the search for bad cells failed: {exc}") from exc
        sheet.rest = None
        width = stream.width
        for _, cells in sheet.rows:  # every row as wide as the widest piece's, as read whole
            if len(cells) < width:
                cells.extend([""] * (width - len(cells)))
        sheet.merged = stream.merged
        sheet.bad_cells = bad
        return None

    def read_rest(self, sheet: Sheet) -> None:
        """Every row of a sheet begun in pieces whose first rows were used already (a header
        looked for there): raises splitread.Broken when it cannot be read so, since the whole
        read may place other rows among those, and what was decided must be decided again."""
        while self.more_rows(sheet) is not None:
            pass

    def finish(self, sheet: Sheet) -> None:
        """Every row of a sheet begun in pieces; read whole instead if it cannot be read so."""
        try:
            self.read_rest(sheet)
        except splitread.Broken:
            whole = (self._whole or self._loader)(sheet.name)
            sheet.rows, sheet.merged, sheet.bad_cells = whole.rows, whole.merged, whole.bad_cells
            sheet.rest = None

    def read_whole(self) -> None:
        """Forget every sheet read so far, and read each whole from now on: a sheet begun in
        pieces that could not be read so gave rows that are not the sheet's, and whatever was
        made of them is checked again (the scans' facts stand: each was recorded whole)."""
        self.stop_reading()
        self._cache.clear()
        self._loader = self._whole or self._loader

    def stop_reading(self) -> None:
        """Parse no more pieces of any sheet begun in pieces (its reader gave up on it)."""
        for sheet in self._cache.values():
            if sheet.rest is not None:
                sheet.rest.close()

    @property
    def source(self) -> Any:
        """The bytes that were read, as a new file object (for readers that take one)."""
        return io.BytesIO(self.data) if self.data is not None else self.path

    @property
    def sha256(self) -> str | None:
        """SHA-256 of the file's bytes as they were read (not as they are on disk now)."""
        raw = self.original if self.original is not None else self.data
        if self._sha256 is None and raw is not None:
            self._sha256 = hashlib.sha256(raw).hexdigest()
        return self._sha256

    def release_reader(self) -> None:
        """Let go of what the sheet reader keeps of the file (calamine holds a copy of its
        bytes: 200 MB of a million-row workbook), for a caller that reads it otherwise
        (columnar.py); a sheet read after opens it again."""
        if self._release is not None:
            self._release()

    def scanned(self, name: str) -> SheetFacts | None:
        """What the scan of a worksheet found, if it was scanned already."""
        return self._facts.get(name)

    def record_scan(self, name: str, facts: SheetFacts) -> None:
        """What a reader that scanned a sheet's whole part as it read it (sheetscan.StreamScan)
        found: check_sheet then does not scan it again."""
        self._facts[name] = facts

    def check_sheet(self, name: str) -> SheetFacts:
        """Scan a worksheet's part before a reader allocates it (sheetscan.py); cached."""
        facts = self._facts.get(name)
        if facts is not None:
            return facts
        if self.archive is None or self.format != "xlsx":
            facts = SheetFacts()
        elif name in self.parts and self.archive.has(self.parts[name]):
            facts = scan_sheet(self.archive, self.parts[name], name)
        else:
            # A sheet calamine knows by a name the workbook's XML does not give: every part a
            # sheet may be read from is checked instead, so none is read unchecked.
            facts = SheetFacts()
            for part in sorted(set(self.parts.values()) | _worksheet_parts(self.archive)):
                if self.archive.has(part) and part not in self._facts:
                    self._facts[part] = scan_sheet(self.archive, part, name)
                facts.formulas |= self._facts.get(part, SheetFacts()).formulas
        self._facts[name] = facts
        return facts


def _worksheet_parts(archive: Archive) -> set[str]:
    return {n for n in archive.names() if n.startswith("xl/worksheets/") and n.endswith(".xml")}


def real(path: Path) -> Path:
    """The path with links resolved, never raising (Path.resolve raises on a link loop)."""
    return Path(os.path.realpath(path))


# --- reading the bytes once ---------------------------------------------------------------

_NOT_REGULAR = {
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
}


def read_input(path: Path, limit_bytes: int) -> bytes:
    """The bytes of a regular file, read once; anything else is an UnreadableFile.

    The type is checked before the file is opened (opening a FIFO blocks until someone writes
    to it), and again on the descriptor, so a file swapped meanwhile cannot slip through."""
    p = str(path)
    try:
        st = os.stat(path)
    except OSError as exc:
        raise _os_error(path, exc) from None
    _check_kind(path, st.st_mode)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise _os_error(path, exc) from None
    try:
        st = os.fstat(fd)
        _check_kind(path, st.st_mode)
        if st.st_size == 0:
            raise UnreadableFile("file-empty", path=p)
        if st.st_size > limit_bytes:
            raise UnreadableFile(
                "too-large", path=p, limit_mb=limit_bytes // (1024 * 1024), size_mb=_mb(st.st_size)
            )
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read()
    except OSError as exc:
        raise _os_error(path, exc) from None
    finally:
        os.close(fd)
    if not data:
        raise UnreadableFile("file-empty", path=p)
    return data


def _check_kind(path: Path, mode: int) -> None:
    if stat.S_ISDIR(mode):
        raise UnreadableFile("not-spreadsheet", path=str(path), detail="a folder")
    if not stat.S_ISREG(mode):
        kind = _NOT_REGULAR.get(stat.S_IFMT(mode), "not a regular file")
        raise UnreadableFile("not-regular-file", path=str(path), detail=kind)


def _os_error(path: Path, exc: OSError) -> UnreadableFile:
    p = str(path)
    if exc.errno == errno.ELOOP:
        return UnreadableFile("symlink-loop", path=p)
    if exc.errno in (errno.ENOENT, errno.ENOTDIR):
        return UnreadableFile("file-missing", path=p)
    if exc.errno in (errno.EACCES, errno.EPERM):
        return UnreadableFile("no-permission", path=p)
    return UnreadableFile("corrupt", path=p, detail=exc.strerror or str(exc))


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:,.0f}"


def open_book(
    path: Path,
    password: str | None = None,
    max_unpacked_mb: int = DEFAULT_MAX_UNPACKED_MB,
) -> Book:
    limit = max_unpacked_mb * 1024 * 1024
    data = read_input(path, limit)
    try:
        head = data[:8]
        if head.startswith(OLE_MAGIC):
            return _open_ole(path, data, password, max_unpacked_mb)
        if head.startswith(b"PK"):
            return _open_zip(path, data, max_unpacked_mb)
        if path.suffix.lower() == ".csv":
            return _open_csv(path, data)
        raise UnreadableFile("not-spreadsheet", path=str(path), detail=_sniff(head))
    except UnreadableFile as exc:
        # A merge records what it was given, readable or not (来源), from these same bytes.
        exc.sha256 = hashlib.sha256(data).hexdigest()
        raise


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


def _open_ole(path: Path, data: bytes, password: str | None, max_unpacked_mb: int) -> Book:
    import msoffcrypto
    from msoffcrypto.exceptions import DecryptionError, InvalidKeyError

    p = str(path)
    try:
        office = msoffcrypto.OfficeFile(io.BytesIO(data))
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
            plain = out.getvalue()
    except UnreadableFile:
        raise
    except Exception as exc:  # msoffcrypto raises many kinds on damaged OLE files
        if path.suffix.lower() != ".xls":
            raise UnreadableFile("corrupt", path=p, detail=_short(exc)) from exc
        # Not something msoffcrypto understands, but calamine may still read an old .xls.
        encrypted = False
    if not encrypted:
        _check_biff(path, data)
        return _calamine_book(path, data, "xls")
    if plain.startswith(b"PK"):
        book = _open_zip(path, plain, max_unpacked_mb)
        book.original = data
        return book
    _check_biff(path, plain)
    book = _calamine_book(path, plain, "xls")
    book.original = data
    return book


def _check_biff(path: Path, data: bytes) -> None:
    """calamine lays out every sheet of an .xls when it opens it: measure them first."""
    import olefile

    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
        name = next((n for n in ("Workbook", "Book") if ole.exists(n)), None)
        if name is None:
            raise UnreadableFile("corrupt", path=str(path), detail="no workbook stream")
        stream = ole.openstream(name).read()
    except UnreadableFile:
        raise
    except Exception as exc:  # olefile raises many kinds on a damaged container
        raise UnreadableFile("corrupt", path=str(path), detail=_short(exc)) from exc
    check_xls(stream, str(path))


def _open_zip(path: Path, data: bytes, max_unpacked_mb: int) -> Book:
    p = str(path)
    archive = Archive(data, p, max_unpacked_mb)
    names = set(archive.names())
    if "xl/workbook.xml" in names:
        fmt = "xlsx"
    elif "content.xml" in names and _is_ods(archive):
        fmt = "ods"
    elif "word/document.xml" in names:
        raise UnreadableFile("not-spreadsheet", path=p, detail="a Word document")
    elif "ppt/presentation.xml" in names:
        raise UnreadableFile("not-spreadsheet", path=p, detail="a PowerPoint file")
    else:
        raise UnreadableFile("not-spreadsheet", path=p, detail="a zip archive")
    sheet_xml: dict[str, str] = {}
    strings = None
    if fmt == "xlsx":
        for name in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels"):
            if archive.has(name):
                archive.verify(name)  # checked (DTD included) before they are parsed
        sheet_xml, strings = sheet_parts(archive)
    # Every part that is no worksheet is checked now (calamine reads the shared strings and
    # styles when it opens the file); worksheets when they are read.
    sheets = set(sheet_xml.values()) | _worksheet_parts(archive) if fmt == "xlsx" else set()
    for name in archive.names():
        if name not in sheets:
            archive.verify(name)
    if strings is not None and archive.has(strings):
        _check_strings(archive, strings)
    if fmt == "ods":
        check_ods(archive)
    book = _calamine_book(path, data, fmt)
    book.archive = archive
    if fmt != "xlsx":
        return book
    book.parts, book.strings_part = sheet_xml, strings
    loaders = _Loaders(book)
    book._loader, book._whole = loaders.load, loaders.whole
    return book


class _Loaders:
    """An .xlsx's sheet loaders, over calamine's (`inner`). They reach their book by a weak
    reference: holding the book itself would make a cycle, and the book with every row it
    read would then wait for the cycle collector (which validating a file pauses) instead of
    going with its last reference."""

    def __init__(self, book: Book) -> None:
        self.inner = book._loader
        self.book_ref = weakref.ref(book)

    def whole(self, name: str) -> Sheet:
        """The sheet read whole, after its scan."""
        book = self.book_ref()
        assert book is not None  # the book calls its own loader
        facts = book.check_sheet(name)
        # calamine lets go of the interpreter while it parses, so the search for error
        # cells and formulas runs beside it on the second core instead of after it.
        scan = BadCellScan(book, name) if facts.formulas else None
        try:
            sheet: Sheet = self.inner(name)
        except BaseException:
            if scan is not None:
                scan.join()
            raise
        if scan is not None:
            sheet.bad_cells = scan.result()
        return sheet

    def load(self, name: str) -> Sheet:
        """The sheet; while one big file is read alone, a big sheet begun in pieces (its
        first piece's rows, the rest parsed meanwhile on both cores: Book.more_rows)."""
        book = self.book_ref()
        assert book is not None
        archive = book.archive
        if splitread.is_enabled() and archive is not None:
            # Scanned as it is cut into pieces, unless it was scanned already: inflated once.
            part = book.parts.get(name)
            size = archive.size(part) if part and archive.has(part) else 0
            scan = StreamScan(size) if book.scanned(name) is None else None
            stream = splitread.stream_rows(book, name, scan)
            if stream is not None:
                sheet = Sheet(name=name, rows=[], rest=stream)
                try:
                    book.more_rows(sheet)  # the first piece's rows: the header is there
                except splitread.Broken:
                    return self.whole(name)
                except BaseException:  # Ctrl-C: in no cache yet, stop_reading cannot reach it
                    stream.close()
                    raise
                return sheet
        return self.whole(name)


class BadCellScan:
    """The search of one sheet for error cells and formulas without a result, on a thread.
    Its failure is the file's (an UnreadableFile from `result`), never a thread's traceback."""

    def __init__(self, book: Book, name: str) -> None:
        self.found: dict[tuple[int, int], BadCell] = {}
        self.error: BaseException | None = None
        part = book.parts.get(name)
        archive = book.archive
        self.thread: threading.Thread | None = None
        if part is None or archive is None or not archive.has(part):
            return

        def run() -> None:
            try:
                self.found = find_bad_cells(archive, part)
            except BaseException as exc:  # handed to the reader, never printed
                self.error = exc

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()

    def join(self) -> None:
        if self.thread is not None:
            self.thread.join()

    def result(self) -> dict[tuple[int, int], BadCell]:
        self.join()
        if self.error is not None:
            raise self.error
        return self.found


def _is_ods(archive: Archive) -> bool:
    if not archive.has("mimetype"):
        return True
    return b"opendocument.spreadsheet" in archive.read("mimetype")


_UNIQUE_COUNT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sst\b[^>]*?\buniqueCount=\"0*([0-9]{1,20})\"")


def _check_strings(archive: Archive, part: str) -> None:
    """calamine reserves room for as many shared strings as the table declares, before it
    reads one: a count the part cannot hold (each string takes at least `<si/>`) is refused."""
    head = next(archive.chunks(part), b"")[:4096]
    m = _UNIQUE_COUNT.search(head)
    room = archive.size(part) // 5 + 1
    if m is not None and int(m.group(1)) > room:
        raise UnreadableFile(
            "corrupt",
            path=archive.path,
            detail=f"{part} declares {int(m.group(1)):,} strings but has room for {room:,} at most",
        )


def sheet_parts(archive: Archive) -> tuple[dict[str, str], str | None]:
    """Sheet name → its XML part inside an .xlsx, from workbook.xml and its relationships; and
    the shared strings' part. The same map calamine follows: it must be readable."""
    from defusedxml import ElementTree as ET

    ns_main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    ns_rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    rels_part = "xl/_rels/workbook.xml.rels"
    if not archive.has(rels_part):
        raise UnreadableFile("corrupt", path=archive.path, detail=f"{rels_part} is missing")
    parsed = []
    for name in ("xl/workbook.xml", rels_part):
        xml = archive.read(name)
        try:
            parsed.append(ET.fromstring(xml))
        except Exception:
            try:  # a control character calamine reads (and XML forbids) in a sheet name
                parsed.append(ET.fromstring(_blank_controls(xml)))
            except Exception as exc:
                detail = f"{name}: {_short(exc)}"
                raise UnreadableFile("corrupt", path=archive.path, detail=detail) from exc
    wb, rels = parsed

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
    if strings is None and archive.has("xl/sharedStrings.xml"):
        strings = "xl/sharedStrings.xml"  # where calamine looks, whatever the links say
    return parts, strings


_CONTROLS = bytes.maketrans(bytes([*range(0, 9), 11, 12, *range(14, 32)]), b" " * 29)


def _blank_controls(xml: bytes) -> bytes:
    return xml.translate(_CONTROLS)


def _calamine_book(path: Path, data: bytes, fmt: str) -> Book:
    p = str(path)
    wb = _calamine(p, data)
    try:
        names = [m.name for m in wb.sheets_metadata if str(m.typ).endswith("WorkSheet")] or list(
            wb.sheet_names
        )
    except BaseException as exc:
        _reraise_interrupts(exc)
        raise UnreadableFile("corrupt", path=p, detail=_short(exc)) from exc
    held = [wb]  # calamine keeps a copy of the file: let go of by Book.release_reader

    def load(name: str) -> Sheet:
        if not held:
            held.append(_calamine(p, data))
        try:
            ws = held[0].get_sheet_by_name(name)
            # The whole grid from A1 in one call (faster than iterating); calamine already
            # leaves out styled-but-empty cells, so phantom rows never reach Python. Its size
            # was measured before (Book.check_sheet).
            grid = ws.to_python(skip_empty_area=False)
            merged = list(ws.merged_cell_ranges or [])
        except BaseException as exc:
            _reraise_interrupts(exc)
            raise UnreadableFile("corrupt", path=p, detail=_short(exc)) from exc
        return Sheet(name=name, rows=splitread.nonblank_rows(grid), merged=merged)

    book = Book(path=path, format=fmt, sheet_names=names, typed=True, _loader=load, data=data)
    book._release = held.clear
    return book


def _calamine(p: str, data: bytes) -> Any:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(data))
    except BaseException as exc:  # calamine raises its own and plain errors (and panics)
        _reraise_interrupts(exc)
        if isinstance(exc, CalamineError) and "password" in str(exc).lower():
            raise UnreadableFile("encrypted", path=p) from exc
        raise UnreadableFile("corrupt", path=p, detail=_short(exc)) from exc


def _reraise_interrupts(exc: BaseException) -> None:
    """A Rust panic in calamine arrives as a BaseException (pyo3's PanicException): that is a
    damaged file. Ctrl-C and exits stay what they are."""
    if isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit):
        raise exc


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]


# A CSV row wider than this is not a table (Excel stops at 16,384 columns).
MAX_CSV_COLUMNS = 16_384


def _open_csv(path: Path, raw: bytes) -> Book:
    from ledgercli.read.sheetscan import FLOOR_CELLS, VALUES_FACTOR

    p = str(path)
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
    if "\x00" in text:
        raise UnreadableFile("not-spreadsheet", path=p, detail="binary data")
    try:
        dialect: Any = csv.Sniffer().sniff(text[:8192], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    name = path.stem
    rows: list[tuple[int, list[Any]]] = []
    values = 0
    widest = (0, 0)  # (width up to the last non-blank field, line)
    try:
        reader = csv.reader(io.StringIO(text), dialect)
        for i, row in enumerate(reader, start=1):
            width = len(row)
            while width and not row[width - 1].strip():
                width -= 1
            if width:
                if width > widest[0]:
                    widest = (width, i)
                values += width
                rows.append((i, row))
    except csv.Error as exc:
        raise UnreadableFile("corrupt", path=p, detail=f"line {reader.line_num}: {exc}") from exc
    grid = len(rows) * widest[0]
    if widest[0] > MAX_CSV_COLUMNS or grid > max(FLOOR_CELLS, VALUES_FACTOR * values):
        raise UnreadableFile(
            "far-cell",
            path=p,
            sheet=name,
            cell=f"{col_letter(widest[0] - 1)}{widest[1]}",
            cells=f"{grid:,}",
            values=f"{values:,}",
        )
    # Blank fields past the widest row's last value are no columns (a line of 100,000
    # commas would otherwise widen every row of the table).
    rows = [(i, r[: widest[0]] if len(r) > widest[0] else r) for i, r in rows]

    def load(_name: str) -> Sheet:
        return Sheet(name=name, rows=[(i, list(r)) for i, r in rows])

    return Book(path=path, format="csv", sheet_names=[name], typed=False, _loader=load, data=raw)


# Reasons iter_spreadsheets gives for a path it could not go into: each is an unreadable
# input (it counts in 无法读取), not something passed over.
UNREADABLE_REASONS = {"folder-unreadable"}


def iter_spreadsheets(paths: list[Path]) -> Iterator[tuple[Path, str | None]]:
    """Expand folders recursively; yield (path, reason to skip or None).

    Lock files (~$x.xlsx), hidden files and non-spreadsheets are yielded with a reason, so the
    caller can say what it passed over instead of passing over it silently; so is a folder
    that cannot be listed ("folder-unreadable", an unreadable input) and a link to a folder
    already read ("folder-link": a link loop, or the same folder twice). Links to folders are
    followed once. Files are yielded whatever their type: opening says what is wrong with a
    pipe, a device, a broken link or a link loop.
    """
    seen: set[str] = set()
    folders: set[tuple[int, int]] = set()

    def first_time(p: Path) -> bool:
        # A file named twice (a folder and a file in it, or x.xlsx and ./x.xlsx) is read once:
        # twice would count its cases twice.
        key = os.path.realpath(p)
        if key in seen:
            return False
        seen.add(key)
        return True

    def walk(folder: Path, root: Path, hidden: bool) -> Iterator[tuple[Path, str | None]]:
        try:
            st = os.stat(folder)
            if (st.st_dev, st.st_ino) in folders:
                yield folder, "folder-link"
                return
            folders.add((st.st_dev, st.st_ino))
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            yield folder, "folder-unreadable"
            return
        for entry in entries:
            p = Path(entry.path)
            name = entry.name
            try:
                is_dir = entry.is_dir()  # follows a link to a folder
            except OSError:
                is_dir = False
            if is_dir:
                yield from walk(p, root, hidden or name.startswith("."))
                continue
            if not first_time(p):
                continue
            if hidden or name.startswith(".") or name.lower() in _SYSTEM_FILES:
                yield p, "hidden"
            elif name.startswith("~$"):
                yield p, "lock-file"
            elif p.suffix.lower() in WPS_SUFFIXES:
                yield p, "wps-format"
            elif p.suffix.lower() not in SPREADSHEET_SUFFIXES:
                yield p, "not-spreadsheet"
            else:
                yield p, None

    for root in paths:
        if root.is_dir():
            yield from walk(root, root, False)
        elif first_time(root):
            yield root, None
