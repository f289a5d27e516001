"""The parts of a zip-based workbook (.xlsx, .xlsm, .ods), read defensively from bytes held once.

The file's bytes are read once (workbook.py) and every reader works from them: calamine, the
scans here and in sheetscan.py, openpyxl-free. So the figures, the checks and the SHA-256 in a
merge's 来源 sheet all describe the same bytes, even if the file is rewritten meanwhile.

Limits, as Apache POI sets them for the same formats (ZipSecureFile), are checked against the
central directory before anything is inflated:
- the total of the parts' declared sizes (`--max-unpacked-mb`: the one limit an option raises);
- each part above a grace size may inflate at most 100 times its compressed size: a genuine
  sheet compresses 5-30 times, a zip bomb thousands of times;
and while inflating, no part may grow past the size the directory declares (a directory that
lies about sizes would otherwise slip a bomb past the first two). Every part is inflated with
its CRC-32 checked: a flipped bit makes the file unreadable, naming the part, instead of
changing a phone number.
"""

from __future__ import annotations

import io
import queue
import struct
import threading
import zipfile
import zlib
from collections.abc import Iterator
from typing import Any

from ledgercli.model.errors import UnreadableFile

# POI's ZipSecureFile: MIN_INFLATE_RATIO 0.01 (100x) for any entry above GRACE_ENTRY_SIZE.
MAX_RATIO = 100
GRACE_BYTES = 100 * 1024
CHUNK = 1 << 20  # inflated bytes handed on at a time
INFLATE_CHUNK = 1 << 18  # compressed bytes fed to zlib at a time (tests make it tiny)
THREADED_ABOVE = 4 << 20  # parts larger than this are inflated on a second thread
_LOCAL = struct.Struct("<4s5H3L2H")  # a local file header, 30 bytes


class Archive:
    """A zip archive in memory, its directory read once and checked before any inflating."""

    def __init__(self, data: bytes, path: str, max_unpacked_mb: int) -> None:
        self.data = data
        self.path = path
        self.max_unpacked_mb = max_unpacked_mb
        try:
            zf = zipfile.ZipFile(io.BytesIO(data))
            infos = zf.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
            raise UnreadableFile("corrupt", path=path, detail=_short(exc)) from exc
        except (struct.error, IndexError, KeyError, TypeError, UnicodeDecodeError) as exc:
            # A directory so damaged zipfile trips over it.
            raise UnreadableFile("corrupt", path=path, detail=type(exc).__name__) from exc
        self.zf = zf
        self.infos: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            if info.filename in self.infos:
                # Two parts of one name: readers may disagree on which one is meant.
                raise UnreadableFile(
                    "corrupt", path=path, detail=f"the archive holds {info.filename} twice"
                )
            self.infos[info.filename] = info
        self._check_directory()

    # --- before inflating ---------------------------------------------------------------

    def _check_directory(self) -> None:
        p = self.path
        total = 0
        for info in self.infos.values():
            if info.flag_bits & 0x1:
                raise UnreadableFile("zip-encrypted-part", path=p, part=info.filename)
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise UnreadableFile(
                    "corrupt",
                    path=p,
                    detail=f"{info.filename} is packed with method {info.compress_type}, "
                    "which no spreadsheet program uses",
                )
            total += info.file_size
            self._check_ratio(info)
        limit = self.max_unpacked_mb * 1024 * 1024
        if total > limit:
            raise UnreadableFile(
                "too-large", path=p, limit_mb=self.max_unpacked_mb, size_mb=_mb(total)
            )

    def _check_ratio(self, info: zipfile.ZipInfo) -> None:
        if info.file_size > GRACE_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise UnreadableFile(
                "inflate-ratio",
                path=self.path,
                part=info.filename,
                ratio=info.file_size // max(info.compress_size, 1),
                packed=_kb(info.compress_size),
                size_mb=_mb(info.file_size),
                limit=MAX_RATIO,
            )

    def names(self) -> list[str]:
        return list(self.infos)

    def has(self, name: str) -> bool:
        return name in self.infos

    def size(self, name: str) -> int:
        return self.infos[name].file_size

    def _raw(self, info: zipfile.ZipInfo) -> memoryview:
        """The compressed bytes of a part, located through its local header."""
        data = self.data
        start = info.header_offset
        head = data[start : start + _LOCAL.size]
        if len(head) < _LOCAL.size or head[:4] != b"PK\x03\x04":
            raise self._damaged(info, "its local header is missing (the file is cut or damaged)")
        fields = _LOCAL.unpack(head)
        name_len, extra_len = fields[9], fields[10]
        begin = start + _LOCAL.size + name_len + extra_len
        end = begin + info.compress_size
        if end > len(data):
            raise self._damaged(info, "it is cut off (the file is incomplete)")
        return memoryview(data)[begin:end]

    def _damaged(self, info: zipfile.ZipInfo, why: str) -> UnreadableFile:
        return UnreadableFile("damaged-part", path=self.path, part=info.filename, detail=why)

    # --- inflating ------------------------------------------------------------------------

    def chunks(self, name: str) -> Iterator[bytes]:
        """A part's bytes, inflated a chunk at a time, checked as they come: never past the
        declared size, the full declared size, and the CRC-32 at the end."""
        info = self.infos[name]
        if info.file_size > THREADED_ABOVE:
            return _ahead(self._chunks(info))
        return self._chunks(info)

    def _chunks(self, info: zipfile.ZipInfo) -> Iterator[bytes]:
        raw = self._raw(info)
        declared = info.file_size
        crc = 0
        seen = 0
        if info.compress_type == zipfile.ZIP_STORED:
            if len(raw) != declared:
                raise self._damaged(info, "its stored size differs from the declared size")
            for at in range(0, declared, CHUNK):
                piece = bytes(raw[at : at + CHUNK])
                crc = zlib.crc32(piece, crc)
                yield piece
            seen = declared
        else:
            inflate = zlib.decompressobj(-zlib.MAX_WBITS)
            try:
                for at in range(0, len(raw), INFLATE_CHUNK):
                    pending: Any = raw[at : at + INFLATE_CHUNK]
                    while True:
                        # Never more than a chunk, and never far past the declared size:
                        # a part that inflates further is lying about itself.
                        out = inflate.decompress(pending, min(CHUNK, declared - seen + 1))
                        pending = inflate.unconsumed_tail
                        if out:
                            seen, crc = self._counted(info, out, seen, crc)
                            yield out
                        if not pending or not out or inflate.eof:
                            break
                    if inflate.eof:
                        break
                if not inflate.eof:
                    # The stream may still end without more input.
                    out = inflate.flush(declared - seen + 1)
                    if out:
                        seen, crc = self._counted(info, out, seen, crc)
                        yield out
                if not inflate.eof:
                    raise self._damaged(info, "its compressed data ends too early")
            except zlib.error as exc:
                raise self._damaged(info, f"its compressed data is invalid ({exc})") from exc
        if seen != declared:
            raise self._damaged(info, "it is shorter than the archive declares")
        if crc != info.CRC:
            raise UnreadableFile("part-checksum", path=self.path, part=info.filename)

    def _counted(self, info: zipfile.ZipInfo, out: bytes, seen: int, crc: int) -> tuple[int, int]:
        seen += len(out)
        if seen > info.file_size:
            raise self._lying(info)
        return seen, zlib.crc32(out, crc)

    def _lying(self, info: zipfile.ZipInfo) -> UnreadableFile:
        return UnreadableFile(
            "part-size-lie", path=self.path, part=info.filename, size=_kb(info.file_size)
        )

    def read(self, name: str) -> bytes:
        """A whole (small) part, checked. Callers keep this to parts bounded by the limits."""
        return b"".join(self.chunks(name))

    def verify(self, name: str) -> None:
        """Inflate a part only to check it (sizes and CRC), and refuse XML declaring a DTD."""
        xml = name.endswith((".xml", ".rels", ".vml"))
        scan = DtdScan() if xml else None
        for chunk in self.chunks(name):
            if scan is not None:
                scan.feed(chunk)
        if scan is not None and scan.found:
            raise UnreadableFile("unsafe-xml", path=self.path, part=name)


class DtdScan:
    """Whether XML declares a DTD or entities anywhere in it (not only in its first bytes).

    A DTD may sit after any amount of whitespace or comments; entities need one. UTF-16 parts
    are searched in their own encoding."""

    NEEDLES = (b"<!DOCTYPE", b"<!ENTITY")

    def __init__(self) -> None:
        self.found = False
        self._tail = b""
        self._needles: tuple[bytes, ...] | None = None

    def feed(self, chunk: bytes) -> None:
        if self.found:
            return
        if self._needles is None:
            self._needles = self.NEEDLES
            head = chunk[:4]
            if head.startswith((b"\xff\xfe", b"<\x00")):
                self._needles += tuple(n.decode().encode("utf-16-le") for n in self.NEEDLES)
            elif head.startswith((b"\xfe\xff", b"\x00<")):
                self._needles += tuple(n.decode().encode("utf-16-be") for n in self.NEEDLES)
        window = self._tail + chunk
        if any(n in window for n in self._needles):
            self.found = True
        self._tail = window[-24:]


def _ahead(chunks: Iterator[bytes], depth: int = 4) -> Iterator[bytes]:
    """Inflate on another thread (zlib lets go of the interpreter meanwhile), a few chunks
    ahead of whoever reads them. Errors arrive where the chunk would have."""
    box: queue.Queue[tuple[bytes | None, BaseException | None]] = queue.Queue(depth)
    stop = threading.Event()

    def put(item: tuple[bytes | None, BaseException | None]) -> bool:
        while not stop.is_set():
            try:
                box.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def run() -> None:
        try:
            for chunk in chunks:
                if not put((chunk, None)):
                    return
            put((None, None))
        except BaseException as exc:  # handed to the reader, never printed by the thread
            put((None, exc))

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    try:
        while True:
            chunk, exc = box.get()
            if exc is not None:
                raise exc
            if chunk is None:
                return
            yield chunk
    finally:
        stop.set()
        worker.join()


def _short(exc: BaseException) -> str:
    text = str(exc).strip()
    return (text.splitlines()[0] if text else type(exc).__name__)[:200]


def _mb(n: int) -> str:
    mb = n / 1024 / 1024
    return f"{mb:,.0f}" if mb >= 10 else f"{mb:.2g}"


def _kb(n: int) -> str:
    return f"{n / 1024:,.0f}" if n >= 1024 else f"{n / 1024:.1f}"
