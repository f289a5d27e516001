"""Fuzzing the readers with mutated workbooks (hypothesis).

Every mutation of a valid ledger (cell types, huge and control characters, broken XML, flipped
and cut bytes, far cells, many sheets, lying shared strings, missing parts) must end with exit
0, 1 or 2 and a report naming the file: no traceback (threads included), no internal error,
under 1 GB and 30 s.

`make test` runs a few dozen examples, the same ones every time; a longer, random run:

    LEDGER_FUZZ_EXAMPLES=2000 .venv/bin/python -m pytest tests/test_fuzz.py
"""

from __future__ import annotations

import io
import json
import os
import resource
import threading
import time
import zipfile
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hostile as H
from ledgercli.cli import cli
from ledgercli.read.workbook import col_letter

EXAMPLES = int(os.environ.get("LEDGER_FUZZ_EXAMPLES", "0") or 0)
LONG = EXAMPLES > 0
EXAMPLES = EXAMPLES or 36
MAX_SECONDS = 30
MAX_RSS_MB = 1024


@lru_cache(maxsize=1)
def base_parts() -> dict[str, bytes]:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        return H.parts_of(H.valid(Path(folder) / "base.xlsx", rows=3))


def _zip(parts: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return out.getvalue()


_TEXT = st.lists(
    st.one_of(
        st.characters(codec="utf-8", exclude_categories=("Cs",)),
        st.sampled_from([chr(c) for c in range(0x20)] + ["&", "<", "]]>", "_x0001_", "="]),
    ),
    max_size=40,
).map("".join)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@st.composite
def _cell(draw: Any, ref: str) -> str:
    kind = draw(st.sampled_from(["text", "huge", "number", "bool", "error", "formula", "sst"]))
    if kind == "text":
        return f'<c r="{ref}" t="inlineStr"><is><t>{_escape(draw(_TEXT))}</t></is></c>'
    if kind == "huge":
        n = draw(st.integers(1000, 40_000))
        return f'<c r="{ref}" t="inlineStr"><is><t>{"长" * n}</t></is></c>'
    if kind == "number":
        value = draw(
            st.sampled_from(["1e308", "-0", "NaN", "1.5", "", "12345678901234567890", "x"])
        )
        return f'<c r="{ref}"><v>{value}</v></c>'
    if kind == "bool":
        return f'<c r="{ref}" t="b"><v>{draw(st.sampled_from(["0", "1", "2", ""]))}</v></c>'
    if kind == "error":
        return f'<c r="{ref}" t="e"><v>{draw(st.sampled_from(["#REF!", "#N/A", "#BOGUS"]))}</v></c>'
    if kind == "formula":
        cached = draw(st.sampled_from(["", "<v>1</v>", "<v></v>", "<v>#REF!</v>"]))
        return f'<c r="{ref}"><f>{_escape(draw(_TEXT))}</f>{cached}</c>'
    return f'<c r="{ref}" t="s"><v>{draw(st.integers(-1, 10))}</v></c>'


@st.composite
def mutated(draw: Any) -> tuple[str, bytes]:
    """(what was done, the workbook's bytes)."""
    parts = dict(base_parts())
    sheet = parts[H.SHEET]
    kind = draw(
        st.sampled_from(
            ["cells", "broken-xml", "flip", "truncate", "far", "sheets", "sst", "parts"]
        )
    )
    if kind == "cells":
        row = draw(st.integers(3, 60))
        cols = draw(st.lists(st.integers(0, 30), min_size=1, max_size=12, unique=True))
        cells = "".join(draw(_cell(f"{col_letter(c)}{row}")) for c in sorted(cols))
        xml = f'<row r="{row}">{cells}</row>'.encode()
        parts[H.SHEET] = sheet.replace(b"</sheetData>", xml + b"</sheetData>")
        return kind, _zip(parts)
    if kind == "broken-xml":
        at = draw(st.integers(0, len(sheet)))
        junk = draw(st.binary(max_size=20))
        parts[H.SHEET] = sheet[:at] + junk + (sheet[at:] if draw(st.booleans()) else b"")
        return kind, _zip(parts)
    if kind in ("flip", "truncate"):
        data = bytearray(
            _zip(parts, draw(st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])))
        )
        if kind == "truncate":
            return kind, bytes(data[: draw(st.integers(0, len(data) - 1))])
        for at in draw(st.lists(st.integers(0, len(data) - 1), min_size=1, max_size=3)):
            data[at] ^= 1 << draw(st.integers(0, 7))
        return kind, bytes(data)
    if kind == "far":
        ref = f"{col_letter(draw(st.integers(0, 16383)))}{draw(st.integers(1, 1_048_576))}"
        row = int("".join(c for c in ref if c.isdigit()))
        xml = f'<row r="{row}"><c r="{ref}" t="inlineStr"><is><t>x</t></is></c></row>'.encode()
        parts[H.SHEET] = sheet.replace(b"</sheetData>", xml + b"</sheetData>")
        return kind, _zip(parts)
    if kind == "sheets":
        import xlsxwriter

        out = io.BytesIO()
        wb = xlsxwriter.Workbook(out, {"in_memory": True})
        for n in range(draw(st.integers(1, 300))):
            wb.add_worksheet(f"S{n}").write("A1", n)
        wb.close()
        return kind, out.getvalue()
    if kind == "sst":
        count = draw(st.sampled_from(["0", "1", "99999999999", "2147483647", "-1", "x"]))
        parts["xl/sharedStrings.xml"] = (
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            b'uniqueCount="%s"><si><t>a</t></si></sst>' % count.encode()
        )
        rels = parts["xl/_rels/workbook.xml.rels"]
        link = (
            b'<Relationship Id="rIdS" Target="sharedStrings.xml" Type="http://schemas.'
            b'openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
        )
        parts["xl/_rels/workbook.xml.rels"] = rels.replace(
            b"</Relationships>", link + b"</Relationships>"
        )
        cell = f'<row r="9"><c r="A9" t="s"><v>{draw(st.integers(0, 5))}</v></c></row>'.encode()
        parts[H.SHEET] = sheet.replace(b"</sheetData>", cell + b"</sheetData>")
        return kind, _zip(parts)
    victim = draw(st.sampled_from(sorted(parts)))
    del parts[victim]
    return f"{kind}: without {victim}", _zip(parts)


@pytest.fixture
def thread_errors() -> Any:
    seen: list[BaseException | None] = []
    hook = threading.excepthook
    threading.excepthook = lambda args: seen.append(args.exc_value)
    yield seen
    threading.excepthook = hook


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not LONG,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)
@given(case=mutated(), command=st.sampled_from(["validate", "validate", "merge"]))
def test_a_mutated_workbook_gets_a_verdict(
    tmp_path: Path, thread_errors: list[BaseException | None], case: tuple[str, bytes], command: str
) -> None:
    what, data = case
    folder = tmp_path / f"case{time.monotonic_ns()}"
    folder.mkdir()
    path = folder / "submission.xlsx"
    path.write_bytes(data)
    args = [command, str(path), "--jobs", "1", "--lang", "en", "--format", "json"]
    if command == "merge":
        args += ["-o", str(folder / "city.xlsx")]
    start = time.monotonic()
    r = CliRunner().invoke(cli, args)
    took = time.monotonic() - start
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    assert r.exception is None or isinstance(r.exception, SystemExit), (what, r.exception)
    assert r.exit_code in (0, 1, 2), (what, r.exit_code, r.output)
    assert "Traceback" not in r.output and "Internal error" not in r.output, (what, r.output)
    assert not thread_errors, (what, thread_errors)
    assert took < MAX_SECONDS and rss_mb < MAX_RSS_MB, (what, took, rss_mb)
    if r.output.lstrip().startswith("{"):
        report = json.loads(r.output)
        files = report["files"]
        assert [Path(f["path"]).name for f in files] == ["submission.xlsx"], what
        rules = {f["rule"] for f in files[0]["findings"]}
        assert "internal-error" not in rules and "worker-died" not in rules, (what, files)
    else:  # a merge with nothing to merge says so, naming the file
        assert r.exit_code == 2 and "submission.xlsx" in r.output, (what, r.output)
