"""Reading one big sheet on two cores, in pieces parsed on threads while the rest is inflated.

A 100k-row ledger sent alone, or a city workbook summarized, is one file read by one process;
parsing its sheet is most of the time, on one core, while the other waits. The readers
(calamine, fastexcel) let go of the interpreter while they parse, so two pieces of one sheet
parse side by side. The sheet's XML is inflated once, as a stream, scanned as it comes
(sheetscan.StreamScan: a piece reaches a reader only once the scan has covered it) and cut at
a <row> every few MB. Each piece goes, in a small uncompressed workbook with the same styles,
shared strings and relationships (their bytes copied as they are, so each cell reads exactly
as in the whole sheet: the same shared string, the same date format), to a thread; the last
keeps the sheet's own ending (its merged ranges).

`RowStream` gives a validated sheet's rows a piece at a time, so the checks of the first rows
run while the later ones are parsed (check/validate.py); `parse_pieces` serves the column
reader of a million-row city workbook, which frees each piece before the next. Anything unusual
(rows without numbers or out of order, a namespace prefix, merged ranges before or among the
rows, a second block of rows, a scan that needs its exact pass, a size outside the range where
it pays) reads the sheet whole; tests hold the two reads equal (tests/test_stream_fuzz.py
among them, with hostile sheets by hand).
"""

from __future__ import annotations

import io
import os
import queue
import re
import struct
import threading
import zipfile
import zlib
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from itertools import compress, repeat
from typing import Any, Generic, Protocol, TypeVar

from ledgercli.read.archive import Archive

# Below this much XML a second thread costs more than it saves; above the ceiling the copies
# (the XML, its pieces, the reader's own) would cost too much memory: the sheet is read whole.
MIN_BYTES = 16 * 1024 * 1024
MAX_BYTES = 384 * 1024 * 1024

# Set while a run reads one file alone (check/inbox.py, merge/worker.py): the only time a
# second core is idle.
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


def alone(n_files: int, jobs: int | None) -> bool:
    """Whether a run's one file may use a second core: it is the only input, --jobs 1 did not
    ask for one process, and a core is idle."""
    return n_files == 1 and jobs != 1 and idle_core()


def idle_core() -> bool:
    """Whether a second core is free to parse a piece: two or more, and either the tasks
    runnable right now (this one included) or the last minute's load average leave one idle.
    On a machine others keep busy, a second thread only competes with them and costs the
    copies' memory. The average alone lags a minute behind: a command run right after
    another (a clerk's next file, a benchmark's next step) found an idle machine busy."""
    cores = os.cpu_count() or 1
    if cores < 2:
        return False
    now = running_now()
    if now is not None and now < cores:
        return True
    try:
        load = os.getloadavg()[0]
    except (OSError, AttributeError):  # no load average here (Windows): assume idle
        return True
    return load < cores - 0.5


def running_now() -> int | None:
    """The tasks runnable this instant (Linux: /proc/loadavg's fourth field), None elsewhere."""
    try:
        with open("/proc/loadavg", encoding="ascii") as fh:
            return int(fh.read().split()[3].split("/")[0])
    except (OSError, ValueError, IndexError):
        return None


_SHEET_DATA = re.compile(rb"<((?:[A-Za-z_][\w.-]*:)?)sheetData(?:\s[^>]*)?>")
_ROOT = re.compile(rb"<((?:[A-Za-z_][\w.-]*:)?worksheet)[\s>]")
_ROW = re.compile(rb"<row[\s>][^>]*>")
_ROW_NUMBER = re.compile(rb'\sr="(\d+)"')

T = TypeVar("T")

Rows = list[tuple[int, list[Any]]]
Merged = list[tuple[tuple[int, int], tuple[int, int]]]


class Book(Protocol):
    """What is read of a workbook (read/workbook.py's Book, which imports this module)."""

    archive: Archive | None
    parts: dict[str, str]
    strings_part: str | None


def nonblank_rows(grid: list[list[Any]], first: int = 1) -> Rows:
    """The rows of a rectangular grid holding anything, numbered from `first`; the test of
    each row runs in C (a 100k-row sheet spent a tenth of a second here)."""
    width = len(grid[0]) if grid else 0
    filled = map(width.__ne__, map(list.count, grid, repeat("")))
    return list(compress(enumerate(grid, start=first), filled))


# A sheet larger than this is read in pieces of about this size (parse_pieces); each piece
# costs a reading of the shared strings, so pieces are never much smaller than those.
PIECE_BYTES = 16 * 1024 * 1024


def worth_its_strings(book: Book, piece_bytes: int) -> int:
    """A piece size no smaller than twice the shared strings: each piece reads them again,
    and never more pieces than that repays."""
    archive, strings = book.archive, book.strings_part
    if archive is not None and strings and archive.has(strings):
        return max(piece_bytes, 2 * archive.size(strings))
    return piece_bytes


class Scan(Protocol):
    """What the pieces' reader needs of the safety scan fed beside it (sheetscan.StreamScan)."""

    @property
    def covered(self) -> int: ...

    @property
    def clear(self) -> bool: ...

    def feed(self, chunk: bytes, final: bool = False) -> None: ...

    @property
    def facts(self) -> Any: ...  # what it found, once fed to the end and clear


@dataclass
class Piece(Generic[T]):
    """What `parse` made of one piece, and the Excel row its XML begins with (the first
    piece: row 1, as the sheet)."""

    first_row: int
    result: T


def parse_pieces(
    book: Book,
    name: str,
    parse: Callable[[bytes, int, int], T],
    lead: Callable[[int], bytes],
    *,
    after_row: int = 0,
    piece_bytes: int = PIECE_BYTES,
    scan: Scan | None = None,
    workers: int = 1,
    deliver: Callable[[Piece[T]], None] | None = None,
    first_bytes: int | None = None,
) -> list[Piece[T]] | None:
    """`parse(workbook, k, first_row)` of each piece of the sheet `name`, in order.

    The part is inflated once, as a stream, and cut at a <row> every `piece_bytes`; each piece
    becomes a small stored workbook (the other parts' bytes copied as they are)
    whose sheet holds the rows of the piece only, after `lead(first_row)` (XML of the caller's,
    such as a marker row telling where the piece begins; not for the first piece, which keeps
    the rows above the data). `workers` threads parse at most that many pieces at a time, each
    freed before the next is made, so memory holds a few pieces, never the sheet.

    With `scan`, every byte is fed to it, and a piece goes to `parse` only once the scan has
    covered it and is clear. The first cut is at a row past `after_row` (the header's).

    None (what was parsed so far dropped, nothing more handed to `parse`) when the sheet is not
    worth cutting, cannot be cut safely (rows without numbers, or out of order; a namespace
    prefix; what calamine takes once, anywhere but its place: `_once_only`), or the scan is
    not clear: the caller then reads it whole, after scanning it. What
    `parse`, or inflating, raises is raised.

    With `deliver`, each piece is handed to it in order as soon as it is parsed (and none is
    returned): a reader that uses the first rows while the later ones are parsed. A failure
    after a piece was delivered is then the caller's to undo. `first_bytes`: the first piece's
    size, when it should come sooner than the others.
    """
    part = book.parts.get(name)
    archive = book.archive
    if not part or archive is None or not archive.has(part):
        return None
    if archive.infos[part].file_size <= piece_bytes:
        return None
    with ThreadPoolExecutor(max(1, workers)) as pool:
        first = piece_bytes if first_bytes is None else first_bytes
        cutter = _Pieces(book, part, parse, lead, after_row, (first, piece_bytes), scan, deliver)
        return cutter.run(pool, max(1, workers))


class _Whole(Exception):
    """The sheet cannot be cut safely: it is read whole."""


class _Pieces(Generic[T]):
    """One read in pieces (parse_pieces): the part inflated, scanned and cut as it comes."""

    def __init__(
        self,
        book: Book,
        part: str,
        parse: Callable[[bytes, int, int], T],
        lead: Callable[[int], bytes],
        after_row: int,
        sizes: tuple[int, int],  # the first piece's, and every other's
        scan: Scan | None,
        deliver: Callable[[Piece[T]], None] | None = None,
    ) -> None:
        archive = book.archive
        assert archive is not None
        # The archive's directory and every part's limits were checked when it was opened.
        self.keep, self.raw = _others(archive, part)
        self.archive, self.part = archive, part
        self.parse, self.lead, self.scan = parse, lead, scan
        self.first_bytes, self.piece_bytes = sizes
        self.last_row = after_row  # each cut is at a later row than the one before
        self.head = b""  # the sheet's XML before its rows: every piece begins with it
        self.close = b""  # how a piece's rows end: as the sheet would if they stopped there
        self.pieces: list[Piece[T]] = []
        self.deliver = deliver
        self.submitted = 0
        self.flight: deque[tuple[int, Future[T]]] = deque()
        # The inflated bytes not yet in a piece: buf[pos:] and then `more`.
        self.buf = b""
        self.pos = 0
        self.more: list[bytes] = []
        self.offset = 0  # where buf begins in the part
        self.checked = 0  # where the bytes not yet searched for comments begin, in the part
        self.first = 1  # the row the next piece begins with

    def run(self, pool: ThreadPoolExecutor, workers: int) -> list[Piece[T]] | None:
        chunks = self.archive.chunks(self.part)  # inflated with its sizes and CRC-32 checked
        scan = self.scan
        size = 0  # bytes inflated and not yet in a piece
        want = self.first_bytes  # bytes to gather before looking for a cut
        try:
            for chunk in chunks:
                # A piece parsed is delivered now, not once the next ones are cut.
                while self.deliver is not None and self.flight and self.flight[0][1].done():
                    self._land()
                if scan is not None:
                    scan.feed(chunk)
                    if not scan.clear:
                        return None
                self.more.append(chunk)
                size += len(chunk)
                while size >= want:
                    cut = self._cut()
                    if cut is None:
                        # The next row is not inflated (or scanned) yet: look again a little
                        # later (not at every chunk, which would copy what is gathered).
                        want = size + max(1, self._size() // 8)
                        break
                    at, row = cut
                    self._submit(pool, workers, memoryview(self.buf)[self.pos : at], self.close)
                    self.pos, self.first = at, row
                    size = len(self.buf) - at
                    want = self.piece_bytes
            if scan is not None:
                scan.feed(b"", final=True)
                if not scan.clear:
                    return None
            if not self.submitted:
                return None  # never cut (one long row, or the sheet is smaller than declared)
            # The last piece keeps the sheet's own ending (its merged ranges, say).
            rest = b"".join([memoryview(self.buf)[self.pos :], *self.more])
            self.buf, self.more = b"", []
            self._submit(pool, workers, memoryview(rest), b"")
            del rest
            while self.flight:
                self._land()
            return self.pieces
        except _Whole:
            return None
        finally:
            for _, future in self.flight:
                future.cancel()
            close = getattr(chunks, "close", None)
            if close is not None:
                close()  # stops the inflating thread of a read given up

    def _gather(self) -> None:
        """buf as all the bytes not yet in a piece (pos 0), the head found once."""
        if self.more:
            self.buf = b"".join([memoryview(self.buf)[self.pos :], *self.more])
            self.offset += self.pos
            self.pos = 0
            self.more = []
        if not self.head:
            found = _SHEET_DATA.search(self.buf, 0, 1 << 16)
            root = _ROOT.search(self.buf, 0, 1 << 16)
            if found is None or root is None or found.group(1):
                raise _Whole  # no rows where expected, or a namespace prefix (<x:row>)
            self.head = self.buf[: found.end()]
            if b"mergeCells" in self.head:
                raise _Whole  # merged ranges before the rows: every piece would hold them
            self.close = b"</sheetData></" + root.group(1) + b">"
            self.pos = self.checked = found.end()
        # Text a <row> tag could stand in, where a cut would break the XML or worse: no writer
        # of spreadsheets puts comments, CDATA or instructions among the rows.
        if _markup(self.buf, max(self.checked - self.offset, 0)):
            raise _Whole
        self.checked = self.offset + len(self.buf)

    def _cut(self) -> tuple[int, int] | None:
        """The first <row> at least `piece_bytes` into what is not yet in a piece (where its
        tag starts in buf; the first piece: past the header), and its number; None when it
        is not inflated, or not scanned, yet."""
        self._gather()
        covered = len(self.buf) if self.scan is None else self.scan.covered - self.offset
        start = self.pos + self._size()
        while True:
            at = _ROW.search(self.buf, start)
            if at is None or at.start() > covered:
                return None
            number = _ROW_NUMBER.search(at.group(0))
            if number is None:
                raise _Whole  # a row numbered by its place: a piece would restart at row 1
            row = int(number.group(1))
            if row > self.last_row:
                if _once_only(self.buf, self.pos, at.start()):
                    raise _Whole  # a second block of rows, or merged ranges, in this piece
                self.last_row = row
                return at.start(), row
            if self.submitted:
                raise _Whole  # rows out of order: a piece would not hold all of its rows
            start = at.end()  # the first piece ends past the header

    def _size(self) -> int:
        """The size of the next piece."""
        return self.first_bytes if self.submitted == 0 else self.piece_bytes

    def _submit(self, pool: ThreadPoolExecutor, workers: int, rows: memoryview, end: bytes) -> None:
        """One piece to parse, made at once, handed over once fewer than `workers` are being
        parsed (a worker done with one piece is given the next without waiting for it)."""
        first = self.first
        k = self.submitted
        pieces = (self.head, rows, end) if k == 0 else (self.head, self.lead(first), rows, end)
        workbook = _zip(self.keep, self.raw, self.part, pieces)
        rows.release()
        while len(self.flight) >= workers:
            self._land()
        self.flight.append((first, pool.submit(self.parse, workbook, k, first)))
        self.submitted += 1

    def _land(self) -> None:
        """The oldest piece in flight, once parsed."""
        first, future = self.flight.popleft()
        piece = Piece(first, future.result())
        if self.deliver is not None:
            self.deliver(piece)
        else:
            self.pieces.append(piece)


def _markup(xml: bytes, begin: int) -> bool:
    """Whether a `<!` or `<?` (comment, CDATA, DTD, instruction) ends at or after `begin`
    (its `<` may be the byte before). Sought as the rare `!` and `?` alone: `<` is in every
    tag, and a search for the pair took a fifth of the time of reading the sheet in pieces."""
    for mark in (b"!", b"?"):
        at = xml.find(mark, max(begin, 1))
        while at >= 0:
            if xml[at - 1] == 0x3C:  # <
                return True
            at = xml.find(mark, at + 1)
    return False


# What calamine takes once from a sheet, the first it meets: its rows (the first <sheetData>)
# and its merged ranges (the first <mergeCells>, even an empty one). Their place is the head
# (once) and after the rows, in the last piece. Anywhere else (merged ranges before or among
# the rows, a second block of rows) each piece would take its own: rows the whole read leaves
# out, merged ranges once a piece. No writer puts them there; such a sheet is read whole.
_ONCE = (b"sheetData", b"mergeCells")


def _once_only(xml: bytes, begin: int, end: int) -> bool:
    """Whether xml[begin:end] (a piece's rows, other than the last's) names one of them.
    Searched for as two words (about 3 GB/s each): no rarer byte marks both."""
    return any(xml.find(word, begin, end) >= 0 for word in _ONCE)


def _others(archive: Archive, part: str) -> tuple[list[zipfile.ZipInfo], dict[str, Any]]:
    """Every member of the workbook but the sheet `part`, and their bytes as stored: what each
    piece's workbook (`_zip`) copies as it is."""
    keep = [i for n, i in archive.infos.items() if n != part and not i.is_dir()]
    return keep, {i.filename: archive._raw(i) for i in keep}


def _zip(
    keep: list[zipfile.ZipInfo], raw: dict[str, Any], part: str, pieces: tuple[Any, ...]
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
        # What the local header and the central directory both say of the member.
        entry = struct.pack("<3H3L2H", method, 0, 0x21, crc, csize, usize, len(encoded), 0)
        local = struct.pack("<4s2H", b"PK\x03\x04", 20, flags) + entry
        out.append(local + encoded)
        out.extend(data)
        central.append(
            struct.pack("<4s3H", b"PK\x01\x02", 20, 20, flags)
            + entry
            + struct.pack("<3H2L", 0, 0, 0, 0, offset)
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


# --- the rows of one big sheet, piece by piece ---------------------------------------------

# A validated sheet is cut into about this many pieces: the first one's rows reach the checks
# early, while the later ones are parsed; smaller pieces than the floor cost more than they
# overlap (each is a workbook of its own, opened and converted on its own).
STREAM_PIECES = 8
STREAM_FLOOR = 4 * 1024 * 1024


class Broken(Exception):
    """A sheet read in pieces could not be read so: a cell out of its piece's rows, a scan
    that needs the exact pass, a damaged part, a piece calamine refused. Whoever used its first
    rows reads the sheet again, whole; that read says what is wrong, if anything."""


class _Closed(Exception):
    """The reader of the rows went away: no more pieces are parsed."""


def _import_numpy() -> None:
    import numpy  # noqa: F401


class RowStream:
    """The rows of one sheet as threads parse its pieces (`stream_rows`): those of the first
    piece (row 1 on, the header among them) first, then each later piece's in order, while
    the pieces after it are parsed. Each piece's rows are numbered and laid out as the whole
    read lays them out (workbook._calamine_book): blank rows left out, every row from column
    A; only the width is each piece's own until the last (`width`, the widest piece's)."""

    def __init__(self, book: Book, name: str, piece_bytes: int, scan: Scan | None) -> None:
        self.name = name
        self.scan = scan
        self.merged: Merged = []
        self.width = 0
        self._end = 0  # the last row the pieces given so far may hold cells in
        self._queue: queue.SimpleQueue[tuple[str, Any]] = queue.SimpleQueue()
        self._closed = False
        self._done = False
        self._thread = threading.Thread(
            target=self._produce, args=(book, piece_bytes), daemon=True, name="rows"
        )
        self._thread.start()
        # A sheet this big has thousands of credit codes a piece, which read/cells.py checks
        # as one matrix once numpy is loaded: imported now, while the first piece is parsed.
        threading.Thread(target=_import_numpy, daemon=True, name="numpy").start()

    def _produce(self, book: Book, piece_bytes: int) -> None:
        try:
            got = parse_pieces(
                book,
                self.name,
                self._parse,
                lambda first_row: b"",
                piece_bytes=piece_bytes,
                scan=self.scan,
                workers=2,
                deliver=self._deliver,
                # The first piece small: the checks begin with its rows while the next are
                # parsed (the header is in its first few rows).
                first_bytes=max(piece_bytes // 4, min(piece_bytes, 1 << 20)),
            )
        except _Closed:
            return  # the reader went away: nobody would take what is said here
        except BaseException as exc:  # handed to the reader, never a thread's traceback
            self._put(("broken", exc))
            return
        self._put(("broken", None) if got is None else ("end", None))

    def _parse(self, data: bytes, k: int, first_row: int) -> Any:
        from python_calamine import CalamineWorkbook

        return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name(self.name)

    def _deliver(self, piece: Piece[Any]) -> None:
        if self._closed:
            raise _Closed
        self._put(("piece", piece))

    def _put(self, item: tuple[str, Any]) -> None:
        self._queue.put(item)
        if self._closed:  # closed meanwhile: nobody takes it (see close)
            self._drain()

    def _drain(self) -> None:
        with suppress(queue.Empty):
            while True:
                self._queue.get_nowait()

    def next_rows(self) -> Rows | None:
        """The rows of the next piece; None once every piece was given and the sheet's end
        (its merged ranges) read. Raises Broken when the sheet cannot be read in pieces."""
        if self._closed:
            raise Broken("the rest of the sheet was given up")
        if self._done:
            return None
        kind, value = self._queue.get()
        if kind == "piece":
            try:
                return self._rows(value)
            except Broken:
                self.close()
                raise
            except BaseException as exc:  # calamine's conversion: the whole read says what
                self.close()
                if isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit):
                    raise
                # A Rust panic arrives as pyo3's PanicException, no Exception: a damaged
                # piece too (workbook._reraise_interrupts).
                raise Broken(str(exc)) from exc
        self._done = True
        if kind == "end":
            return None
        self.close()  # asked again, it says so again: it never ends as if whole
        raise Broken("the sheet could not be read in pieces") from value

    def _rows(self, piece: Piece[Any]) -> Rows:
        """One piece's rows, checked to lie from its first row on and after every cell of
        the pieces before (else the whole read would place them elsewhere: Broken)."""
        sheet = piece.result
        self.merged.extend(sheet.merged_cell_ranges or [])
        start, end = sheet.start, sheet.end
        if piece.first_row == 1:
            grid = sheet.to_python(skip_empty_area=False)
            rows = nonblank_rows(grid)
            if start is None:
                return rows
        else:
            if start is None:
                return []  # no cell at all: nothing to place
            r0, c0 = start
            if r0 + 1 < piece.first_row or r0 + 1 <= self._end:
                raise Broken(f"a cell of row {r0 + 1} lies in a later piece")
            rows = nonblank_rows(sheet.to_python(skip_empty_area=True), first=r0 + 1)
            if c0:
                left = [""] * c0
                rows = [(i, left + row) for i, row in rows]
        if end[0] + 1 <= self._end:
            raise Broken(f"a cell of row {end[0] + 1} lies in a later piece")
        self._end = end[0] + 1
        self.width = max(self.width, end[1] + 1)
        return rows

    def close(self) -> None:
        """No more rows are wanted: the pieces not yet parsed are not (and the rows given so
        far are not the sheet's). What was parsed and not taken goes now: a failure put
        there would hold, by its traceback, the producer's frame, and through it this stream
        and its book, in a cycle that waits for the collector (paused while a file is read)."""
        self._closed = True
        self._drain()


def stream_rows(
    book: Book, name: str, scan: Scan | None, piece_bytes: int | None = None
) -> RowStream | None:
    """The rows of the sheet `name` read in pieces on two threads (`scan` fed every byte on
    the way, unless None: scanned already), or None when it is not worth cutting (below
    MIN_BYTES, or above MAX_BYTES, where the copies would cost too much memory)."""
    part = book.parts.get(name)
    archive = book.archive
    if not part or archive is None or not archive.has(part):
        return None
    size = archive.infos[part].file_size
    if not MIN_BYTES <= size <= MAX_BYTES:
        return None
    if piece_bytes is None:
        piece_bytes = worth_its_strings(book, max(size // STREAM_PIECES, STREAM_FLOOR))
    if size <= piece_bytes:
        return None
    return RowStream(book, name, piece_bytes, scan)
