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


def _joined(text: str) -> str:
    return "".join(text.split())


@pytest.mark.parametrize("width", [60, 80, 100])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_messages_wrap_and_are_never_cut(
    monkeypatch: pytest.MonkeyPatch, width: int, lang: str
) -> None:
    """Long values and sheet names do not squeeze the message: it has lines of its own under
    its finding, wrapped at the terminal's width, and arrives whole (rich once wrapped it at
    one width and cropped it at a narrower one, dropping a character); no line is wider than
    the terminal, none holds a lone character."""
    fr, _ = validate_file(SAMPLES / "附件2-永新镇（有错误）.xlsx", Options())
    buf = io.StringIO()
    monkeypatch.setattr(console, "out", Console(file=buf, width=width, highlight=False))
    console.render_validation(Report(files=[fr]), lang, limit=0, verbose=True)
    text = buf.getvalue()
    messages = [f.message(lang) for f in fr.findings]
    assert len(messages) > 10
    for m in messages:
        assert _joined(m) in _joined(text), m
    lines = [line.rstrip() for line in text.splitlines()]
    assert all(cell_len(line) <= width for line in lines)
    assert not [line for line in lines if 0 < cell_len(line.strip()) <= 2]


@pytest.mark.parametrize("width", [50, 80])
def test_check_differences_fold_and_are_never_cut(width: int) -> None:
    """summarize --check: the column path says which figure differs; at any width it is
    whole (beside the unit, or on a line of its own) instead of ending in '…'."""
    from ledgercli.summary.reconcile import Difference
    from ledgercli.ui.summary import _render_diffs

    path = "化解情况/有分歧问题/协议还款/金额（万元）"
    diffs = [Difference("重庆市綦江区住房和城乡建设委员会", path, 1.5, "2.5000", 9)]
    buf = io.StringIO()
    _render_diffs(diffs, 3, "zh", Console(file=buf, width=width, highlight=False))
    text = buf.getvalue()
    assert "…" not in text
    assert path in text
    assert _joined("报送值 1.5 · 应为 2.5000 · 依据 明细台账 · 行 9") in _joined(text)


def test_wrapping_breaks_where_a_reader_expects() -> None:
    """Chinese breaks between characters, English at spaces; a line never starts with
    closing punctuation, ends with opening punctuation, or leaves one character alone."""
    from ledgercli.ui.console import wrap

    def lines(text: str, width: int) -> list[str]:
        return [line.plain for line in wrap(text, width)]

    assert lines("未报送 1个单位：本周没有报送任何文件", 20) == [
        "未报送 1个单位：本周",
        "没有报送任何文件",
    ]
    assert lines("the check character is wrong (it should be 4)", 20) == [
        "the check character",
        "is wrong (it should",
        "be 4)",
    ]
    assert lines("清偿总金额", 8) == ["清偿总", "金额"]  # not 清偿总金 / 额
    assert lines("清偿率（%）", 6) == ["清偿率", "（%）"]
    assert lines("文件（附件1）：跳过", 8) == ["文件（附", "件1）：", "跳过"]
    for text in ("金额：万元）。", "averyveryverylongword here"):
        for width in range(4, 14):
            got = lines(text, width)
            assert "".join(got).replace(" ", "") == text.replace(" ", "")
            assert all(cell_len(x) <= width for x in got), (text, width, got)
            if width >= 8:  # narrower, a word wider than the line must be folded anyway
                assert not any(x[:1] in "，。）：" for x in got[1:]), got
