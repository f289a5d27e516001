"""What a clerk sees in an ordinary terminal (issue 17): every command on a realistic two-week
inbox of 14 units, at 60, 80 and 120 columns, in Chinese and English.

Nothing is wider than the terminal, nothing wraps one character a line, units keep their whole
names, and the screen holds a summary and the most important items (the workbook of -o and
--format json hold everything); findings and changes of one cause are one item, with their
count and first cells. Outputs that would be refused are refused before any file is read, a
reader that stops reading (`| head`) never keeps a workbook from being written, and progress
shows on stderr only when it is a terminal.
"""

from __future__ import annotations

import io
import json
import os
import random
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from rich.cells import cell_len
from rich.console import Console

import realinbox
from helpers import annex2_row, write_annex2
from ledgercli.cli import cli

gen = realinbox.gen
# Six more units, so that the city has the fourteen of the issue: one long official name, one
# whose every amount is typed in 元 in week 2, one that changes 有无分歧 on every row, one that
# repays, one that drops and adds cases, one unchanged.
LONG = "扶欢镇农业服务中心和综合行政执法大队"
MORE = {LONG: 16, "三角镇": 20, "丁山镇": 18, "篆塘镇": 15, "郭扶镇": 14, "东溪镇": 12}
UNITS = [*realinbox.ROSTER, *MORE]


def _rows(unit: str, n: int) -> list[dict[str, Any]]:
    return gen.annex2_rows(random.Random(f"screen:{unit}"), unit, n)


def build(root: Path) -> realinbox.Truth:
    truth = realinbox.build(root)
    w1, w2 = truth.week1.folder, truth.week2.folder
    for unit, n in MORE.items():
        rows = _rows(unit, n)
        week2 = [dict(r) for r in rows]
        if unit == "三角镇":  # this week in 元: one cause, twenty regressions
            week2 = [realinbox._in_yuan(r) for r in week2]
        elif unit == "丁山镇":  # 有无分歧 rewritten on every row: one cause
            for r in week2:
                r["有无分歧"] = "有" if r["有无分歧"] == "无" else "无"
        elif unit == "篆塘镇":  # a repayment on each open case
            for r in week2:
                owed = r["拖欠金额"]
                if r["清偿完毕金额"] is None and r["已偿还金额"] is None and owed > 1:
                    due = r["剩余金额约定最迟偿还时间"] or "2024-12"
                    gen.set_amounts(
                        r, owed, gen.ST_PARTIAL, repaid=(owed / 5).quantize(gen.Q2), due=due
                    )
        elif unit == "郭扶镇":  # three cases gone, two new
            week2 = week2[3:] + _rows(unit + "新", 2)
            for r in week2:
                r["街镇部门"] = unit
            realinbox._renumber(week2)
        gen.write_annex2(w1 / f"附件2-{unit}.xlsx", rows)
        gen.write_annex2(w2 / f"附件2-{unit}.xlsx", week2)
    return truth


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("screen")
    build(root)
    return root


@pytest.fixture
def inbox(built: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The inbox, as the current folder."""
    monkeypatch.chdir(built)
    return built


def run(args: list[str], width: int, lang: str = "zh") -> Result:
    env = {"COLUMNS": str(width)}
    return CliRunner().invoke(cli, [*args, "--lang", lang], env=env)


def assert_fits(text: str, width: int) -> None:
    """No line wider than the terminal; no line of one character (a word broken one
    character a line); no unit name cut."""
    lines = [line.rstrip() for line in text.splitlines()]
    wide = [line for line in lines if cell_len(line) > width]
    assert not wide, wide
    crumbs = [line for line in lines if len(line.strip()) == 1]
    assert not crumbs, crumbs
    for unit in UNITS:
        for k in range(1, len(unit)):
            for cut in (f"{unit[:k]}…", f"{unit[:k]} …"):
                assert f" {cut}" not in text and f"\n{cut}" not in text, unit


# Run in the inbox, as a clerk does: `ledger diff week1 week2`.
def whole(name: str, text: str) -> bool:
    """Is `name` in the text, or begun at the start of a line and ended at the start of the
    next (a table cell folded onto two lines)?"""
    if name in text:
        return True
    lines = [line.split()[0] if line.strip() else "" for line in text.splitlines()]
    for n, first in enumerate(lines):
        if len(first) < 2 or not name.startswith(first):
            continue
        seen = first
        for below in lines[n + 1 :]:
            if not below or not name.startswith(seen + below):
                break
            seen += below
        if seen == name:
            return True
    return False


COMMANDS = {
    "validate": lambda tmp: ["validate", "week1"],
    "merge": lambda tmp: ["merge", "week1", "-o", str(tmp / "city.xlsx"), "--force"],
    "summarize": lambda tmp: ["summarize", "week1", "-o", str(tmp / "a4.xlsx")],
    "diff": lambda tmp: ["diff", "week1", "week2"],
    "overdue": lambda tmp: ["overdue", "week1", "--as-of", "2024-06"],
}
# Lines on an 80-column screen, at most: the per-unit summary and the first items of each kind.
MOST = {"validate": 60, "merge": 40, "summarize": 30, "diff": 110, "overdue": 80}


@pytest.mark.parametrize("width", [60, 80, 120])
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_command_fits_the_terminal(
    inbox: Path, tmp_path: Path, command: str, lang: str, width: int
) -> None:
    r = run(COMMANDS[command](tmp_path), width, lang)
    assert r.exit_code in (0, 1), r.output
    assert_fits(r.stdout, width)
    if width == 80:
        assert len(r.stdout.splitlines()) <= MOST[command], r.stdout
    if command in ("summarize", "diff", "overdue"):
        # Every unit by its whole name (the per-unit summary), on two lines if need be.
        missing = [u for u in [LONG, "三角镇", "文龙街道"] if not whole(u, r.stdout)]
        assert not missing, (missing, r.stdout)


@pytest.mark.parametrize("width", [60, 80, 120])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_forms_fit_the_terminal(lang: str, width: int) -> None:
    """`ledger forms -v`: a long requirement or column name wraps as a sentence (it folded at
    the column's edge: 债务人统一社会信用代 / 码)."""
    r = run(["forms", "-v"], width, lang)
    assert r.exit_code == 0
    assert_fits(r.stdout, width)
    assert "债务人统一社会信用代码" in r.stdout or width < 120


def test_wider_terminals_use_their_room(inbox: Path) -> None:
    """At 120 columns the case lines carry more of the debtor, creditor and contract."""
    narrow = run(COMMANDS["overdue"](inbox), 80).stdout
    wide = run(COMMANDS["overdue"](inbox), 120).stdout
    longest = max(cell_len(line.rstrip()) for line in wide.splitlines())
    assert 100 < longest <= 120
    assert len(wide.splitlines()) <= len(narrow.splitlines())


def test_diff_groups_one_cause_and_keeps_every_case_in_json(inbox: Path) -> None:
    """三角镇 typed every amount in 元 this week: one item with its count, not twenty; the
    JSON lists all twenty regressions. -v lists each on screen."""
    args = COMMANDS["diff"](inbox)
    text = run(args, 80).stdout
    sections = {part.split()[0]: part for part in text.split("\n\n") if part.strip()}
    backwards = [x for x in sections["倒退"].splitlines() if x.startswith("  三角镇")]
    assert len(backwards) == 1  # one item: the unit ×20, what changed
    assert f"三角镇 · ×{MORE['三角镇']} · 拖欠金额变化" in backwards[0]
    places = next(x for x in sections["倒退"].splitlines() if "附件2-三角镇.xlsx:" in x)
    assert "附件2-三角镇.xlsx:3、4、5、6" in places
    data = json.loads(run([*args, "--format", "json"], 80).stdout)
    regressions = [c for c in data["changes"]["regression"] if c["unit"] == "三角镇"]
    assert len(regressions) == MORE["三角镇"]
    every = run([*args, "-v"], 80).stdout
    assert "×" not in every.split("倒退")[1].split("\n\n")[0]
    assert every.count("附件2-三角镇.xlsx") >= MORE["三角镇"]


def test_validate_groups_a_column_written_wrong_on_every_row(tmp_path: Path) -> None:
    """街镇部门 left blank on ten rows: one item `×10` with its first cells; the JSON keeps the
    ten findings; -v shows each cell."""
    rows = [annex2_row(序号=i, 合同名称=f"合同{i}", 街镇部门=None) for i in range(1, 11)]
    path = write_annex2(tmp_path / "a.xlsx", rows)
    text = run(["validate", str(path)], 80).stdout
    assert_fits(text, 80)
    item = [x for x in text.splitlines() if "×10" in x]
    assert len(item) == 1 and "附件2!D3、D4、D5" in item[0] and "街镇部门" in item[0]
    assert text.count("必填项为空") == 1
    data = json.loads(run(["validate", str(path), "--format", "json"], 80).stdout)
    cells = [
        f"{f['column']}{f['row']}" for f in data["files"][0]["findings"] if f["rule"] == "required"
    ]
    assert cells == [f"D{r}" for r in range(3, 13)]
    every = run(["validate", str(path), "-v"], 80).stdout
    assert "×10" not in every and every.count("必填项为空") == 10


def test_summarize_shows_the_main_figures_and_check_only_the_differences(
    inbox: Path, tmp_path: Path
) -> None:
    """By default each unit's main figures (and where the whole table is); with --check the
    differences only, a figure wrong on several units as one item; -v the whole table."""
    import openpyxl

    out = tmp_path / "a4.xlsx"
    text = run(["summarize", str(inbox / "week1"), "-o", str(out)], 80).stdout
    assert "清偿率" in text and "a4.xlsx" in text and "有分歧问题" not in text
    wb = openpyxl.load_workbook(out)
    ws = wb.active
    for r in range(7, 7 + len(UNITS)):
        if isinstance(ws.cell(r, 10).value, (int, float)):
            ws.cell(r, 10).value = ws.cell(r, 10).value / 100  # 清偿率 as a fraction
    reported = tmp_path / "reported.xlsx"
    wb.save(reported)
    r = run(["summarize", str(inbox / "week1"), "--check", str(reported)], 80)
    assert r.exit_code == 1
    assert_fits(r.stdout, 80)
    assert len(r.stdout.splitlines()) <= 12, r.stdout
    assert "总体情况/涉及金额/清偿率（%）" in r.stdout and "×" in r.stdout
    assert "数量总计" not in r.stdout  # no table
    full = run(["summarize", str(inbox / "week1"), "--check", str(reported), "-v"], 80).stdout
    assert "有分歧问题" in full and "×" not in full.split("┘")[-1]


# --- refuse before working ---------------------------------------------------------------------


@pytest.fixture
def no_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading a submission in full fails the test: a refusal must come first."""

    def read(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("a file was read before the refusal")

    import ledgercli.api
    import ledgercli.compare.diff
    import ledgercli.summary.pipeline

    for module in (ledgercli.api, ledgercli.compare.diff, ledgercli.summary.pipeline):
        monkeypatch.setattr(module, "validate_paths", read)
    monkeypatch.setattr(ledgercli.summary.pipeline, "forms_at_a_glance", read)


@pytest.mark.usefixtures("no_reading")
def test_existing_outputs_are_refused_before_reading(inbox: Path, tmp_path: Path) -> None:
    there = tmp_path / "there.xlsx"
    there.write_bytes(b"last week")
    week1, week2 = str(inbox / "week1"), str(inbox / "week2")
    for args in (
        ["summarize", week1, "-o", str(there)],
        ["summarize", week1, "--annex", "3", "-o", str(there)],
        ["diff", week1, week2, "-o", str(there)],
        ["overdue", week1, "-o", str(there)],
        ["merge", week1, "-o", str(there)],
        ["validate", str(inbox / "week1" / "附件2-区教委.xlsx"), "--annotate", str(there)],
    ):
        r = run(args, 80, "en")
        assert r.exit_code == 2, (args, r.output)
        assert r.stdout == ""
        assert "already exists; add --force" in r.stderr
    assert there.read_bytes() == b"last week"


@pytest.mark.usefixtures("no_reading")
def test_options_that_cannot_apply_are_refused_before_reading(inbox: Path, tmp_path: Path) -> None:
    week1 = str(inbox / "week1")
    cases = [
        (["validate", week1, "--annotate", str(tmp_path / "x.xlsx")], "--annotate takes one"),
        (["validate", week1, "--annotate-dir", str(inbox / "week1" / "marked")], "inside"),
        (["summarize", week1, "--annex", "4", "--by", "no-such-column"], "no-such-column"),
        (["summarize", week1, "-o", str(tmp_path / "a4.csv")], "must end in .xlsx"),
        (["summarize", week1, "-o", str(tmp_path / "nowhere" / "a4.xlsx")], "does not exist"),
    ]
    for args, said in cases:
        r = run(args, 80, "en")
        assert r.exit_code == 2, (args, r.output)
        assert said in r.stderr and r.stdout == "", (args, r.output)


def test_default_summary_output_is_refused_before_the_reading(
    inbox: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`ledger summarize inbox/` a second time: annex4.xlsx is there, and the inputs' head rows
    say it would be written again: refused before the reading and before any table."""
    import ledgercli.summary.pipeline

    def read(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("read in full before the refusal")

    monkeypatch.chdir(tmp_path)
    Path("annex4.xlsx").write_bytes(b"last week")
    monkeypatch.setattr(ledgercli.summary.pipeline, "validate_paths", read)
    r = run(["summarize", str(inbox / "week1")], 80, "en")
    assert r.exit_code == 2 and r.stdout == ""
    assert "annex4.xlsx already exists" in r.stderr


def _ledger(*args: str, cwd: Path | None = None) -> subprocess.Popen[bytes]:
    env = {**os.environ, "COLUMNS": "80", "LANG": "zh_CN.UTF-8"}
    cmd = [sys.executable, "-m", "ledgercli", *args]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=cwd)


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_a_closed_stdout_never_stops_the_workbook(inbox: Path, tmp_path: Path, fmt: str) -> None:
    """The reader of stdout is gone before the first line: the workbook is written all the
    same, the exit code is the command's, and no traceback is printed."""
    out = tmp_path / "a.xlsx"
    p = _ledger("summarize", str(inbox / "week1"), "-o", str(out), "-v", "--format", fmt)
    assert p.stdout is not None and p.stderr is not None
    p.stdout.close()
    err = p.stderr.read().decode()
    assert p.wait() == 0, err
    assert out.exists() and "Traceback" not in err and "Exception" not in err


def test_head_of_the_output(inbox: Path, tmp_path: Path) -> None:
    """`ledger summarize inbox/ -o a.xlsx | head -2` and `validate --annotate … | head -2`."""
    week1 = inbox / "week1"
    for args, written in (
        (["summarize", str(week1), "-o", "a.xlsx", "-v"], "a.xlsx"),
        (["validate", str(week1 / "附件2-文龙街道.xlsx"), "--annotate", "m.xlsx", "-v"], "m.xlsx"),
        (["diff", str(week1), str(inbox / "week2"), "-o", "d.xlsx", "-v"], "d.xlsx"),
    ):
        command = " ".join(f"'{a}'" for a in [sys.executable, "-m", "ledgercli", *args])
        shell = f'set -o pipefail; {command} | head -2; echo "rc=${{PIPESTATUS[0]}}" >&2'
        r = subprocess.run(
            ["bash", "-c", shell],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            env={**os.environ, "COLUMNS": "80"},
        )
        assert len(r.stdout.splitlines()) == 2
        assert "Traceback" not in r.stderr and ("rc=0" in r.stderr or "rc=1" in r.stderr)
        assert (tmp_path / written).exists(), r.stderr


# --- progress ------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", list(COMMANDS))
def test_progress_on_a_terminal(
    inbox: Path, tmp_path: Path, command: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a terminal every command that reads files shows a bar over them on stderr."""
    from ledgercli.ui import console

    screen = io.StringIO()
    terminal = Console(
        file=screen, force_terminal=True, width=100, _environ={"TERM": "xterm"}, highlight=False
    )
    monkeypatch.setattr(console, "err", terminal)
    r = run(COMMANDS[command](tmp_path), 80, "en")
    assert r.exit_code in (0, 1), r.output
    shown = screen.getvalue()
    assert "reading" in shown and ".xlsx" in shown
    assert "reading" not in r.stdout


@pytest.mark.parametrize("command", list(COMMANDS))
def test_no_progress_when_stderr_is_no_terminal(inbox: Path, tmp_path: Path, command: str) -> None:
    p = _ledger(*COMMANDS[command](tmp_path), "--lang", "en", cwd=inbox)
    _out, err = p.communicate()
    assert p.returncode in (0, 1), err
    text = err.decode()
    assert "reading" not in text and "\x1b" not in text and "\r" not in text


def test_a_long_unit_name_keeps_its_amount_aligned(inbox: Path) -> None:
    """Each case is two lines: who (cut at the edge), then when, why and where whole."""
    text = run(COMMANDS["overdue"](inbox), 80).stdout
    cases = text.split("逾期案件")[1].splitlines()[1:]
    heads = [x for x in cases if x.startswith("  ") and x.rstrip()[-1:].isdigit()]
    heads = [x for x in heads if not x.startswith("    ")]
    assert heads and all(cell_len(x.rstrip()) <= 80 for x in heads)
    ends = {cell_len(x.rstrip()) for x in heads}
    assert len(ends) == 1  # the amounts end in one column
    assert Decimal(heads[0].split()[-1]) > 0
