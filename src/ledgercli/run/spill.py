"""Where a merge's rows wait between the readers and the writer, and the temporary files of
outputs: private, encrypted, and gone on every way out.

A merge spills each file's rows (names, credit codes, phone numbers) to disk so that memory
holds one file's rows at a time. Those spills live in a folder only this user can open (0700),
named after the process that made it, and are encrypted (AES-GCM) with a key that exists only
in the memory of the run: a `kill -9` leaves ciphertext nobody can read, and the next run
removes the folders of runs that are no longer alive. The same goes for the `.~ledger-*`
temporary files written beside an output before it is renamed into place.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import re
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

SPILL_PREFIX = "ledger-merge-"
TEMP_PREFIX = ".~ledger-"
# A leftover whose name carries no process (written by an older version) is removed once it
# is this old: no run takes that long to write one file.
STALE_SECONDS = 6 * 3600
_OWNED = re.compile(r"^(?:ledger-merge-|\.~ledger-)(\d+)-")


# What this run has on disk and removes on its way out (path → is a folder). A signal
# handler removes these itself (cli._terminate): an exception raised from a handler while a
# finalizer runs is printed and swallowed, and the run would go on.
_LIVE: dict[str, bool] = {}


def track(path: str | Path, folder: bool = False) -> None:
    _LIVE[str(path)] = folder


def untrack(path: str | Path) -> None:
    _LIVE.pop(str(path), None)


def remove_tracked() -> None:
    """Remove every tracked path now (called from a signal handler: no exception escapes)."""
    for path, folder in list(_LIVE.items()):
        with contextlib.suppress(OSError):
            if folder:
                shutil.rmtree(path, ignore_errors=True)
            else:
                os.unlink(path)
        _LIVE.pop(path, None)


def new_key() -> bytes:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM.generate_key(bit_length=256)


def dump(obj: Any, path: Path, key: bytes) -> None:
    """Pickle `obj` to `path`, encrypted and authenticated; the file is private (0600)."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(12)
    sealed = AESGCM(key).encrypt(nonce, pickle.dumps(obj, pickle.HIGHEST_PROTOCOL), None)
    # A file re-read after its worker died is spilled again over the first attempt.
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(nonce)
        fh.write(sealed)


def load(path: Path, key: bytes) -> Any:
    """What `dump` wrote; a file changed by anyone else fails authentication, unread."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    raw = path.read_bytes()
    return pickle.loads(AESGCM(key).decrypt(raw[:12], raw[12:], None))


class SpillDir:
    """A private temporary folder for one merge, removed by `cleanup` (and, if the process is
    killed before, by the next run)."""

    def __init__(self) -> None:
        clean_stale(Path(tempfile.gettempdir()), SPILL_PREFIX)
        self.key = new_key()  # first: nothing is on disk while its library loads
        # mkdtemp makes the folder 0700 whatever the umask.
        self.name = tempfile.mkdtemp(prefix=f"{SPILL_PREFIX}{os.getpid()}-")
        track(self.name, folder=True)

    def cleanup(self) -> None:
        shutil.rmtree(self.name, ignore_errors=True)
        untrack(self.name)


def clean_stale(folder: Path, prefix: str) -> None:
    """Remove this user's leftovers named `prefix…` in `folder` whose process is gone."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    uid = os.getuid() if hasattr(os, "getuid") else None
    now = time.time()
    for entry in entries:
        if not entry.name.startswith(prefix):
            continue
        with contextlib.suppress(OSError):
            st = entry.stat(follow_symlinks=False)
            if uid is not None and st.st_uid != uid:
                continue
            m = _OWNED.match(entry.name)
            if m is not None:
                if _alive(int(m.group(1))):
                    continue
            elif now - st.st_mtime < STALE_SECONDS:
                continue
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                os.unlink(entry.path)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process: alive
    return True
