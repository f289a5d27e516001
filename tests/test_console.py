"""What the clerk reads on the terminal: every message whole, whatever the width."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.console import Console

from ledgercli.check.validate import validate_file
from ledgercli.model.options import Options
from ledgercli.model.report import Report
from ledgercli.ui import console

SAMPLES = Path(__file__).parent.parent / "sample_data" / "submissions"


def _column(text: str, head: str) -> str:
    """The text of the column headed `head`, joined across lines, without spaces."""
    lines = text.splitlines()
    header = next(line for line in lines if head in line)
    start = cell_len(header[: header.index(head)])
    parts = []
    for line in lines[lines.index(header) + 1 :]:
        pos, cut = 0, len(line)
        for n, ch in enumerate(line):
            if pos >= start:
                cut = n
                break
            pos += cell_len(ch)
        parts.append(line[cut:])
    return "".join("".join(parts).split())


@pytest.mark.parametrize("width", [60, 80, 100])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_messages_wrap_and_are_never_cut(
    monkeypatch: pytest.MonkeyPatch, width: int, lang: str
) -> None:
    """Long values and sheet names squeeze the message column; its text still arrives whole
    (rich once wrapped at one width and cropped at a narrower one, dropping a character)."""
    fr, _ = validate_file(SAMPLES / "附件2-永新镇（有错误）.xlsx", Options())
    buf = io.StringIO()
    monkeypatch.setattr(console, "out", Console(file=buf, width=width, highlight=False))
    console.render_validation(Report(files=[fr]), lang, limit=0)
    shown = _column(buf.getvalue(), console.label(lang, "message"))
    shown_findings = sorted(
        (f for f in fr.findings if f.severity != "notice"), key=lambda f: f.severity != "error"
    )
    messages = [f.message(lang) for f in shown_findings]
    assert len(messages) > 10
    assert shown.startswith("".join("".join(m.split()) for m in messages))


@pytest.mark.parametrize("width", [50, 80])
def test_check_differences_fold_and_are_never_cut(width: int) -> None:
    """summarize --check: the column path says which figure differs; at any width it folds
    onto more lines instead of ending in '…'."""
    from ledgercli.summary.reconcile import Difference
    from ledgercli.ui.summary import _render_diffs

    path = "化解情况/有分歧问题/协议还款/金额（万元）"
    diffs = [Difference("重庆市綦江区住房和城乡建设委员会", path, 1.5, "2.5000", 9)]
    buf = io.StringIO()
    _render_diffs(diffs, 3, "zh", Console(file=buf, width=width, highlight=False))
    text = buf.getvalue()
    assert "…" not in text
    column = "".join(line.split("│")[2].strip() for line in text.splitlines() if "│" in line)
    assert column == path
