"""One message catalogue for every word shown to a person, in Chinese and English.

The catalogue is complete (both languages, the same placeholders), the code chooses no words
by language itself, every code it names exists, and `--help` speaks the reader's language.
"""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from rich.cells import cell_len

from ledgercli.cli import COMMANDS, cli
from ledgercli.model.i18n import FOLDER, LANGS, Words, catalogue, load, message

SRC = Path(__file__).parent.parent / "src" / "ledgercli"


def fields(text: str) -> set[str]:
    """The placeholder names of a template ({value!r} and {value} are both `value`)."""
    if "%(" in text:  # click's version line is %-formatted
        return set(re.findall(r"%\((\w+)\)", text))
    return {
        name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(text) if name
    }


# Placeholders only English uses: the English name beside a Chinese header or title, which
# a Chinese reader does not need.
ENGLISH_ONLY = {"changebook.column": {"en"}, "forms-title": {"title_en"}}


def test_every_entry_has_both_languages_and_the_same_placeholders() -> None:
    entries = catalogue()
    assert len(entries) > 500
    for code, words in entries.items():
        assert set(words) == set(LANGS), code
        assert all(w.strip() for w in words.values()), code
        extra = ENGLISH_ONLY.get(code, set())
        assert fields(words["zh"]) == fields(words["en"]) - extra, code


def test_a_code_defined_twice_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text('[x]\nzh = "甲"\nen = "a"\n', encoding="utf-8")
    (tmp_path / "b.toml").write_text('[x]\nzh = "乙"\nen = "b"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="'x' is defined twice"):
        load(tmp_path)
    assert load(FOLDER) == catalogue()  # the package's own files hold no clash


def test_lookups() -> None:
    assert message("no-rows", "zh") == "表中没有数据行"
    assert message("no-rows", "en") == "the table has no data rows"
    # A missing placeholder shows as ?, an unknown code as itself, a library's detail as given.
    assert message("bad-number", "en") == "'?' is not a number"
    assert message("no-such-code", "zh") == "no-such-code"
    assert "（文件夹）" in message("not-spreadsheet", "zh", path="x", detail="a folder")
    assert "（boom）" in message("not-spreadsheet", "zh", path="x", detail="boom")
    words = Words("diff", "zh")
    assert words["total"] == "合计" and words("saved", path="p") == "变更工作簿已写入 p"
    assert words["not-a-key"] == "not-a-key"


# --- no word chosen by language outside the catalogue ------------------------------------------


def _language_branches(tree: ast.AST) -> list[int]:
    """Lines comparing something with "zh"/"en", or a dict keyed by both languages."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(isinstance(s, ast.Constant) and s.value in LANGS for s in sides):
                found.append(node.lineno)
        if isinstance(node, ast.Dict):
            keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
            if set(LANGS) <= keys:
                found.append(node.lineno)
    return sorted(found)


def test_no_language_branch_in_the_code() -> None:
    """Only model/i18n.py decides by language; elsewhere a word is a catalogue lookup."""
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        if path == SRC / "model" / "i18n.py":
            continue
        text = path.read_text("utf-8")
        rel = path.relative_to(SRC)
        offenders += [f"{rel}:{n}" for n in _language_branches(ast.parse(text))]
        # The old ways: sentences registered at import, per-module label tables.
        offenders += [f"{rel}: register()" for _ in re.finditer(r"^register\(", text, re.M)]
        offenders += [f"{rel}: LABELS" for _ in re.finditer(r"^LABELS\b", text, re.M)]
    assert offenders == []


def test_the_branch_finder_finds_branches() -> None:
    code = 'a = "x" if lang == "zh" else "y"\nb = {"zh": 1, "en": 2}[lang]\nc = lang != "en"\n'
    assert _language_branches(ast.parse(code)) == [1, 2, 3]


def _codes_named_in_the_code() -> set[str]:
    """Catalogue codes the code names as literals: message("…"), said("…"), LedgerError("…"),
    an option's help="help.…", Words("area", …)["key"] is left to the view tests."""
    codes = set()
    calls = {"message", "said", "LedgerError", "UnreadableFile", "_l", "label", "say"}
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            # The code is the first argument (the second of the views' _l and label).
            at = 1 if name in ("_l", "label") else 0
            arg = node.args[at] if len(node.args) > at else None
            if name in calls and isinstance(arg, ast.Constant) and arg.value not in (*LANGS, None):
                code = arg.value
                if name == "_l":
                    area = "diff" if path.name == "diff.py" else "overdue"
                    code = f"{area}.{code}"
                if name == "label":
                    code = f"screen.{code}"
                codes.add(code)
            for kw in node.keywords:
                if kw.arg == "help" and isinstance(kw.value, ast.Constant):
                    codes.add(kw.value.value)
    return codes


def test_every_code_the_code_names_is_in_the_catalogue() -> None:
    named = _codes_named_in_the_code()
    assert {"error.prefix", "help.validate.strict", "usage.cutoff-month", "screen.summary"} <= named
    missing = sorted(c for c in named if c not in catalogue())
    assert missing == []


def test_click_still_says_what_we_translate() -> None:
    """Each click text of click.toml is one click (as installed) still looks up: a reworded
    text would silently fall back to English."""
    source = "".join(p.read_text("utf-8") for p in Path(click.__file__).parent.glob("*.py"))
    ours = [code.removeprefix("click.") for code in catalogue() if code.startswith("click.")]
    assert len(ours) > 20
    missing = [t for t in ours if repr(t) not in source and f'"{t}"' not in source]
    assert missing == []
    for code in ours:
        assert catalogue()[f"click.{code}"]["en"] == code


# --- --help in the reader's language -----------------------------------------------------------


def _help(args: list[str], **env: str) -> str:
    r = CliRunner().invoke(cli, args, env={"COLUMNS": "80", **env}, prog_name="ledger")
    assert r.exit_code == 0, r.output
    return r.output


def _english_words(text: str) -> list[str]:
    """Runs of three or more English words, the metavars and examples left out."""
    prose = [line for line in text.splitlines() if not line.lstrip().startswith("ledger ")]
    runs = re.findall(r"[A-Za-z][a-z]+(?: [a-z]+){2,}", "\n".join(prose))
    return runs


@pytest.mark.parametrize("name", [*COMMANDS, None])
def test_help_in_chinese_under_a_chinese_locale(name: str | None) -> None:
    args = [name, "--help"] if name else ["--help"]
    text = _help(args, LANG="zh_CN.UTF-8")
    assert text.startswith("用法：") and "选项：" in text and "显示此帮助并退出。" in text
    assert message(f"help.{name or 'ledger'}", "zh").splitlines()[0][:20] in text
    assert _english_words(text) == [], text
    # Within 80 columns, counting a Chinese character as two.
    assert max(cell_len(line) for line in text.splitlines()) <= 80, text


@pytest.mark.parametrize("name", list(COMMANDS))
def test_help_in_english_with_lang_en(name: str) -> None:
    text = _help([name, "--help", "--lang", "en"], LANG="zh_CN.UTF-8")
    assert text.startswith("Usage:") and "Options:" in text
    assert "Show this message and exit." in text
    assert message(f"help.{name}", "en").splitlines()[0][:30] in text
    assert not re.search(r"[用选显示]", text.replace("中文", ""))
    assert max(cell_len(line) for line in text.splitlines()) <= 80, text


def test_every_option_has_help_in_both_languages() -> None:
    """Each option of each command names a catalogue code, so none is left in one language."""
    for name in COMMANDS:
        command = cli.get_command(click.Context(cli), name)
        assert command is not None
        for param in command.params:
            if isinstance(param, click.Option) and param.name != "help":
                code = getattr(param, "_help_code", None)
                assert code in catalogue(), (name, param.name)


def test_the_group_list_and_version_follow_the_language() -> None:
    zh = _help(["--help"], LEDGER_LANG="zh")
    assert "命令：" in zh and "validate   校验报送的工作簿（文件或文件夹），列出每一个问题。" in zh
    en = _help(["--help"], LEDGER_LANG="en")
    assert "Commands:" in en and "Check submitted workbooks (files or folders)" in en
    assert _help(["--version"], LEDGER_LANG="zh").startswith("ledger，版本 ")
    assert _help(["--version"], LEDGER_LANG="en").startswith("ledger, version ")


def test_wrapping_counts_terminal_columns() -> None:
    from ledgercli.commands.words import wrap

    text = "按单位列出逾期案件（见 ledger overdue），最严重的在前。Then English words follow."
    lines = wrap(text, 20)
    assert all(cell_len(line) <= 20 for line in lines), lines
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert not any(line.startswith(("，", "。", "）")) for line in lines)
    assert not any(line.endswith("（") for line in lines)


def test_a_sentence_for_scripts(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`python -m ledgercli.model.i18n CODE`: the Makefile's demo says its line in Chinese too."""
    from ledgercli.model.i18n import main

    monkeypatch.setenv("LEDGER_LANG", "zh")
    main(["demo.planted-errors"])
    monkeypatch.setenv("LEDGER_LANG", "en")
    main(["output-exists", "path=a.xlsx"])
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        "（validate 的退出码为1：上面是样例中故意设置的错误，属正常）",
        "a.xlsx already exists; add --force to overwrite it",
    ]
    assert "demo.planted-errors" in (Path(__file__).parent.parent / "Makefile").read_text()
