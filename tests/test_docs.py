"""The README documents every command and every rule code validate can report."""

from __future__ import annotations

from pathlib import Path

from ledgercli.check.rules import REGISTRY, _load
from ledgercli.cli import COMMANDS, _module_exists
from ledgercli.model.i18n import FOLDER, catalogue, load_file

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")

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
    "perhaps",
}


def core_codes() -> set[str]:
    """The codes of what validate reports about cells, rows and files (findings.toml,
    files.toml), not the words of the views or the workbooks."""
    codes: set[str] = set()
    for name in ("findings", "files"):
        codes |= {c for c in load_file(FOLDER / f"{name}.toml") if "." not in c and "@" not in c}
    return codes


def test_every_command_has_a_section() -> None:
    """Each available command has its own README section."""
    for name, mod in COMMANDS.items():
        if _module_exists(mod) and name != "forms":
            assert f"## `ledger {name}`" in README, name
    assert "ledger forms" in README


def test_every_rule_code_is_documented() -> None:
    """Every finding code of the core and every registered check appears in the README."""
    _load()
    codes = (core_codes() - NOT_RULES) | set(REGISTRY)
    missing = sorted(c for c in codes if f"`{c}`" not in README)
    assert missing == []


def test_every_core_code_has_both_languages() -> None:
    """No message is missing its Chinese or English sentence."""
    for code in core_codes():
        words = catalogue()[code]
        assert words["zh"] and words["en"] and words["zh"] != words["en"], code
