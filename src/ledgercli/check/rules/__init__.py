"""Cross-field rules: one concern per module, registered by a stable code.

A rule reads whole columns (lists of parsed values) and yields the rows it finds wrong, so a
100k-row ledger costs one pass per rule, not one Python object per row. A form's schema lists
the rules that apply to it; a rule whose columns the form (or the file) lacks is skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ledgercli.model.errors import LedgerError
from ledgercli.model.forms import FormSpec, load_form
from ledgercli.model.i18n import known, message

RuleHits = Iterator[tuple[int, dict[str, Any]]]


@dataclass
class Context:
    values: dict[str, list[Any]]
    params: dict[str, str] = field(default_factory=dict)

    def cols(self, *keys: str) -> list[list[Any]]:
        return [self.values[k] for k in keys]

    def col(self, key: str) -> list[Any]:
        return self.values[key]


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str
    needs: tuple[str, ...]  # columns without which the rule cannot run
    anchor: str  # the column whose cell carries the finding
    fn: Callable[[Context], RuleHits]
    doc: str

    def describe(self, lang: str) -> str:
        """What the rule checks, for `ledger forms -v` (`rule-doc.<code>` in the catalogue)."""
        code = f"rule-doc.{self.code}"
        return message(code, lang) if known(code) else self.doc


REGISTRY: dict[str, Rule] = {}


def rule(
    code: str, severity: str, needs: tuple[str, ...], anchor: str
) -> Callable[[Callable[[Context], RuleHits]], Callable[[Context], RuleHits]]:
    def register(fn: Callable[[Context], RuleHits]) -> Callable[[Context], RuleHits]:
        doc = (fn.__doc__ or "").strip()
        REGISTRY[code] = Rule(code, severity, needs, anchor, fn, doc)
        return fn

    return register


def unknown_checks(codes: Iterable[str]) -> list[str]:
    _load()
    return [c for c in codes if c not in REGISTRY]


def load_schema(path: Path) -> FormSpec:
    """A custom schema (`--schema FILE`), refused like any other schema mistake when it lists
    a check that does not exist (the bundled forms are held to the same by the tests)."""
    form = load_form(path)
    bad = unknown_checks(form.checks)
    if bad:
        reason = f"checks: unknown checks {bad}; known checks are listed by `ledger forms -v`"
        raise LedgerError("schema-invalid", path=str(path), reason=reason)
    return form


def get_rules(codes: Iterable[str]) -> list[Rule]:
    _load()
    return [REGISTRY[c] for c in codes]


def _load() -> None:
    from . import amounts, dates, parties  # noqa: F401  (registration side effect)


Q = Decimal("0.0001")


def q(value: Decimal) -> Decimal:
    """To the 0.0001 万元 (one yuan) the forms are exact to."""
    return value.quantize(Q)


def same(a: Decimal, b: Decimal) -> bool:
    """Equal to the 0.0001 万元: amounts that differ by less than one yuan agree."""
    return abs(a - b) < Q


def exceeds(a: Decimal, b: Decimal) -> bool:
    """a is larger than b by at least 0.0001 万元 (one yuan)."""
    return a - b >= Q
