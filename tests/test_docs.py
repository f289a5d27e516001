"""The README documents every command and every rule code validate can report."""

from __future__ import annotations

import re
from pathlib import Path

from ledgercli.cli import COMMANDS, _module_exists
from ledgercli.i18n import MESSAGES
from ledgercli.rules import REGISTRY, _load

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
    """The codes declared in i18n.py itself (commands register their own separately)."""
    source = (Path(__file__).parent.parent / "src/ledgercli/i18n.py").read_text("utf-8")
    block = source[source.index("MESSAGES: dict") : source.index("def message(")]
    return set(re.findall(r'^    "([a-z0-9-]+)": \(', block, re.M))


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
        zh, en = MESSAGES[code]
        assert (zh and en and zh != en) or code == "bad-option", code
