"""The documentation says what the tool does: every command and rule code is documented where
the README says it is, every link leads somewhere, and what the README tells a clerk to type
runs as written."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from ledgercli.check.rules import REGISTRY, _load
from ledgercli.cli import COMMANDS, _module_exists, cli
from ledgercli.model.i18n import FOLDER, catalogue, load_file
from ledgercli.read.workbook import SPREADSHEET_SUFFIXES

ROOT = Path(__file__).parent.parent
README_PATH = ROOT / "README.md"
DOCS = ROOT / "docs"
README = README_PATH.read_text(encoding="utf-8")
COMMANDS_DOC = (DOCS / "commands.md").read_text(encoding="utf-8")
RULES_DOC = (DOCS / "rules.md").read_text(encoding="utf-8")
# Every page a reader may land on: the README and everything it links under docs/.
PAGES = [README_PATH, *sorted(DOCS.glob("*.md"))]
ALL_DOCS = "\n".join(p.read_text(encoding="utf-8") for p in PAGES)

# Codes of the core that are sentences, not finding rules.
NOT_RULES = {
    "unknown-form",
    "schema-unreadable",
    "schema-invalid",
    "no-inputs",
    "output-is-input",
    "output-exists",
    "output-dir-missing",
    "output-suffix",
    "merged-skipped",
    "summaries-skipped",
    "identical-files",
    "contact-forms-skipped",
    "skipped-wps-format",
    "skipped-lock-file",
    "skipped-not-spreadsheet",
    "perhaps",
}
# Families of sentences in the core table that are no finding rules: `ledger week`'s lines,
# refusals and cautions (its section documents the outputs, exit codes and JSON instead).
NOT_RULE_PREFIXES = ("week-",)
# Codes that stop a call (raised as errors, never a finding of a file): no row of the rule
# table, but each is documented where it is raised (a write, the DataFrame, the row models).
STOPS = {"output-write-failed", "frame-several-forms", "no-row-model"}


def core_codes() -> set[str]:
    """The codes of what validate reports about cells, rows and files (findings.toml,
    files.toml), not the words of the views or the workbooks."""
    codes: set[str] = set()
    for name in ("findings", "files"):
        codes |= {c for c in load_file(FOLDER / f"{name}.toml") if "." not in c and "@" not in c}
    return codes


def section(text: str, heading: str) -> str:
    """The text under `heading` (a whole heading line) up to the next heading of its level
    or above."""
    level = len(heading) - len(heading.lstrip("#"))
    start = text.index(heading + "\n") + len(heading) + 1
    stop = re.compile(rf"^#{{1,{level}}} ", re.M).search(text, start)
    return text[start : stop.start() if stop else len(text)]


def code_block(text: str) -> list[str]:
    """The commands of the first ```sh block of `text`, without their comments."""
    block = re.search(r"```sh\n(.*?)```", text, re.S)
    assert block, "no ```sh block"
    lines = (line.split("#", 1)[0].strip() for line in block.group(1).splitlines())
    return [line for line in lines if line]


def test_every_command_has_a_section() -> None:
    """Each available command has its own section in docs/commands.md."""
    for name, mod in COMMANDS.items():
        if _module_exists(mod) and name != "forms":
            assert f"\n## `ledger {name}`" in COMMANDS_DOC, name
    assert "ledger forms" in COMMANDS_DOC


def rule_table_codes() -> set[str]:
    """The codes named in the first column of the rule table of docs/rules.md."""
    codes: set[str] = set()
    for line in RULES_DOC.splitlines():
        if line.startswith("| `"):
            codes |= set(re.findall(r"`([a-z0-9-]+)`", line.split("|")[1]))
    return codes


def test_every_rule_code_is_in_the_rule_table() -> None:
    """Every finding code of the core and every registered check has its row in the rule
    table of docs/rules.md; the codes that stop a call are documented somewhere."""
    _load()
    codes = {c for c in core_codes() - NOT_RULES if not c.startswith(NOT_RULE_PREFIXES)}
    codes |= set(REGISTRY)
    assert sorted(codes - STOPS - rule_table_codes()) == []
    assert sorted(c for c in STOPS if f"`{c}`" not in ALL_DOCS) == []
    assert core_codes() >= STOPS, "a stop code no longer exists: drop it from STOPS"


def test_every_core_code_has_both_languages() -> None:
    """No message is missing its Chinese or English sentence."""
    for code in core_codes():
        words = catalogue()[code]
        assert words["zh"] and words["en"] and words["zh"] != words["en"], code


def slug(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.S)
    seen: dict[str, int] = {}
    out: set[str] = set()
    for heading in re.findall(r"^#{1,6} (.+)$", text, re.M):
        base = slug(heading)
        n = seen.get(base, 0)
        seen[base] = n + 1
        out.add(base if n == 0 else f"{base}-{n}")
    return out


def links(page: Path) -> list[str]:
    """The relative link targets of a page (code blocks and code spans are not links)."""
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.S)
    text = re.sub(r"`[^`\n]*`", "", text)
    targets = re.findall(r"\]\(([^)\s]+)\)", text)
    return [t for t in targets if not re.match(r"[a-z]+:", t)]


def test_slug_is_githubs() -> None:
    """The anchors GitHub makes of headings like ours."""
    assert slug("`ledger merge` (合并台账)") == "ledger-merge-合并台账"
    assert slug("Row models and JSON Schema (`ledgercli.rowmodel`)") == (
        "row-models-and-json-schema-ledgerclirowmodel"
    )
    assert slug("Windows 与 WPS") == "windows-与-wps"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_relative_link_leads_somewhere(page: Path) -> None:
    """Each relative link of the README and docs/ names a file that exists and, after #, a
    heading of that file."""
    found = links(page)
    assert found or page == README_PATH, "a page that links nowhere (not even the README)"
    broken = []
    for target in found:
        path, _, anchor = target.partition("#")
        dest = (page.parent / path).resolve() if path else page
        if not dest.exists() or (anchor and (dest.suffix != ".md" or anchor not in anchors(dest))):
            broken.append(target)
    assert broken == []


def test_readme_links_every_docs_page() -> None:
    """Nothing under docs/ is an orphan: the README links each page."""
    linked = {(ROOT / t.partition("#")[0]).resolve() for t in links(README_PATH)}
    assert sorted(p.name for p in DOCS.glob("*.md") if p.resolve() not in linked) == []


def test_the_two_commands_are_make_demo_and_make_test() -> None:
    """The README's two commands are exactly these, and CI runs the second."""
    assert code_block(section(README, "## Two commands")) == ["make demo", "make test"]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^demo:", makefile, re.M) and re.search(r"^test:", makefile, re.M)
    ci = (ROOT / ".ci/run").read_text(encoding="utf-8")
    assert "make test" in [line.strip() for line in ci.splitlines()]


def test_the_formats_the_readme_names_are_the_ones_read() -> None:
    """The WPS note lists exactly the suffixes a folder is read for, and .et is not one."""
    bullets = section(README, "## Windows 与 WPS").split("\n- ")
    note = next(b for b in bullets if b.startswith("**WPS**"))
    named = re.findall(r"`(\.[a-z]+)`", note)
    assert ".et" in named and ".et" not in SPREADSHEET_SUFFIXES
    assert set(named) - {".et"} == SPREADSHEET_SUFFIXES


def test_python_m_ledgercli_runs() -> None:
    """`python -m ledgercli`, documented for a machine where `ledger` is not on PATH."""
    done = subprocess.run(
        [sys.executable, "-m", "ledgercli", "--help"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "validate" in done.stdout and "summarize" in done.stdout


def test_the_weekly_commands_run_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The clerk's Thursday, typed as the README gives it, in a week folder beside last
    week's: each command runs, each output of the table is written, and every sheet of those
    workbooks is named in the table."""
    flow = section(README, "### 分步操作")
    commands = code_block(flow)
    subs = ROOT / "sample_data" / "submissions"
    this_week, last_week = tmp_path / "2022-11-17", tmp_path / "2022-11-10"
    inbox = this_week / "收件"
    inbox.mkdir(parents=True)
    for f in [*subs.glob("附件[12]-*.xlsx"), *(ROOT / "sample_data/traps").glob("*.xlsx")]:
        shutil.copy(f, inbox / f.name)
    last_week.mkdir()
    runner = CliRunner()
    monkeypatch.setenv("LEDGER_LANG", "zh")  # the clerk's language: sheet names as she sees them
    monkeypatch.chdir(last_week)
    r = runner.invoke(cli, ["merge", str(subs), "--form", "cq-annex2", "-o", "city.xlsx"])
    assert r.exit_code == 0, r.output
    (inbox / "附件2-三江街道.xlsx").unlink()  # a unit that sent nothing this week

    monkeypatch.chdir(this_week)
    codes = {}
    for line in commands:
        args = shlex.split(line)
        assert args[0] == "ledger", line
        r = runner.invoke(cli, args[1:])
        assert r.exit_code in (0, 1), f"{line}\n{r.output}"
        codes[args[1]] = r.exit_code
    # The exit codes the README explains: planted errors, a unit that sent nothing, lapses.
    assert codes["validate"] == 1 and codes["diff"] == 1 and codes["overdue"] == 1
    assert codes["merge"] == 0 and codes["summarize"] == 0

    table = [line for line in flow.splitlines() if line.startswith("| `")]
    assert table
    for row in table:
        description = row.split("|")[2]
        for name in re.findall(r"`([^`]+)`", row.split("|")[1]):
            out = this_week / name
            assert out.exists(), name
            if out.suffix == ".xlsx":
                wb = openpyxl.load_workbook(out, read_only=True)
                missing = [s for s in wb.sheetnames if s not in description]
                wb.close()
                assert missing == [], f"{name}: sheets not named in the README: {missing}"


def test_the_one_weekly_command_runs_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`ledger week`, typed as the README's first block gives it, in a week folder beside last
    week's OUTDIR: it runs, and every output its table names is written."""
    flow = section(README, "## 每周流程（周四）")
    [command] = code_block(flow)
    args = shlex.split(command)
    assert args[:2] == ["ledger", "week"] and "--last" in args
    subs = ROOT / "sample_data" / "submissions"
    this_week, last_week = tmp_path / "2022-11-17", tmp_path / "2022-11-10"
    for week in (last_week, this_week):
        (week / "收件").mkdir(parents=True)
        for f in subs.glob("附件[12]-*.xlsx"):
            shutil.copy(f, week / "收件" / f.name)
    (this_week / "收件" / "附件2-三江街道.xlsx").unlink()  # a unit that sent nothing
    runner = CliRunner()
    monkeypatch.setenv("LEDGER_LANG", "zh")
    monkeypatch.chdir(last_week)
    first = [a for a in args[1:] if a != "--last"]
    first = first[: first.index("-o") + 2]
    r = runner.invoke(cli, first)
    assert r.exit_code in (0, 1), r.output
    monkeypatch.chdir(this_week)
    r = runner.invoke(cli, args[1:])
    assert r.exit_code == 1, r.output  # planted errors go back, 三江街道 did not report
    table = flow[: flow.index("### 分步操作")]
    names = [
        n
        for row in table.splitlines()
        if row.startswith("| `")
        for n in re.findall(r"`([^`]+)`", row.split("|")[1])
    ]
    out = this_week / args[args.index("-o") + 1]
    assert names
    for name in names:
        assert (out / name).exists(), name
