"""How validate reads a submission: what it leaves behind, and shortcuts held to the plain path."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path
from typing import Any

import pytest

from helpers import annex2_row, write_annex2
from ledgercli.check import validate
from ledgercli.check.validate import collector_paused, validate_file
from ledgercli.model.options import Options
from ledgercli.read import workbook


def test_collector_is_put_back_as_it_was() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # someone else's switch: left off
    finally:
        gc.enable()
    with pytest.raises(ZeroDivisionError), collector_paused():
        1 / 0  # noqa: B018
    assert gc.isenabled()


def test_a_read_book_goes_with_its_last_reference(tmp_path: Path, monkeypatch: Any) -> None:
    """With the collector paused while a file is validated, a cycle would keep every row of
    the file alive after it: the book (and its rows) must go by reference counting alone."""
    path = write_annex2(
        tmp_path / "a.xlsx", [annex2_row(序号=i, 合同名称=f"合同{i}") for i in range(1, 30)]
    )
    books: list[Any] = []
    real = workbook.open_book

    def spy(*args: Any, **kwargs: Any) -> Any:
        book = real(*args, **kwargs)
        books.append(weakref.ref(book))
        return book

    monkeypatch.setattr(validate, "open_book", spy)
    gc.disable()
    try:
        fr, ledger = validate_file(path, Options())
        assert fr.rows == 29 and ledger is not None
        assert books and books[0]() is None
    finally:
        gc.enable()
