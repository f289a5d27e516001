"""Form specifications: `schemas/*.toml` loaded into validated pydantic models.

A schema is data written by people who do not read Python, so a typo in one must be a clear
error that names the file and the key, never a traceback or a silently ignored setting.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from decimal import Decimal
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any, Literal, SupportsIndex

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

from ledgercli.model.errors import LedgerError
from ledgercli.model.text import norm_header, norm_key

Kind = Literal["text", "integer", "amount", "month", "date", "credit_code", "phone", "enum"]
Severity = Literal["error", "warning", "notice"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Condition(_Strict):
    """When another column's (parsed) value makes this one required."""

    column: str
    in_: list[str] | None = Field(default=None, alias="in")
    gt: Decimal | None = None
    severity: Literal["error", "warning"] = "error"

    @model_validator(mode="after")
    def _one_test(self) -> Condition:
        if (self.in_ is None) == (self.gt is None):
            raise ValueError("give exactly one of `in` (a list of values) or `gt` (a number)")
        return self


class ValuesBy(_Strict):
    """Allowed values that depend on another column (所属领域 by 性质)."""

    column: str
    map: dict[str, list[str]]


class ColumnSpec(_Strict):
    key: str
    header: str
    en: str
    kind: Kind
    group: str | None = None
    # A header repeated under several columns (a roster's 职务) belongs to the nearest column to
    # its left named `context`.
    context: str | None = None
    aliases: list[str] = []
    required: bool | Literal["warning"] = False
    required_when: Condition | None = None
    values: list[str] = []
    value_aliases: dict[str, str] = {}
    values_by: ValuesBy | None = None
    unique: Literal["error", "warning"] | None = None
    min: Decimal | None = None
    positive: bool = False
    not_future: bool = False
    number_is_error: bool = False
    optional_column: bool = False
    width: int = 12
    help: str | None = None

    @model_validator(mode="after")
    def _enum_has_values(self) -> ColumnSpec:
        if self.kind == "enum" and not self.values and self.values_by is None:
            raise ValueError(f"column {self.key!r} is an enum: give `values` or `values_by`")
        allowed = set(self.all_values)
        for alias, target in self.value_aliases.items():
            if target not in allowed:
                raise ValueError(
                    f"column {self.key!r}: value alias {alias!r} points to {target!r}, "
                    "which is not one of its values"
                )
        return self

    @property
    def named(self) -> str:
        """The header as a message names it: 联络人/职务, where 职务 alone would not say whose."""
        return f"{self.context}/{self.header}" if self.context else self.header

    @property
    def all_values(self) -> list[str]:
        """Every value the column can ever take, in declaration order, without repeats."""
        seen = dict.fromkeys(self.values)
        if self.values_by:
            for vals in self.values_by.map.values():
                seen.update(dict.fromkeys(vals))
        return list(seen)

    @property
    def label(self) -> str:
        return f"{self.group}/{self.header}" if self.group else self.header

    @property
    def is_required(self) -> bool:
        return self.required is True


class MetaSpec(_Strict):
    key: str
    label: str
    en: str
    aliases: list[str] = []
    kind: Literal["text", "phone"] = "text"


class FieldSpec(_Strict):
    """One labelled value of a key–value form (annex 1)."""

    key: str
    label: str
    en: str
    aliases: list[str] = []
    context: str | None = None
    kind: Literal["text", "phone"] = "text"
    required: bool = False

    @property
    def named(self) -> str:
        """The label as a message names it (see `ColumnSpec.named`)."""
        return f"{self.context}/{self.label}" if self.context else self.label


class FormSpec(_Strict):
    id: str
    kind: Literal["table", "keyvalue", "summary"]
    title: str
    title_en: str
    source: str = ""
    aliases: list[str] = []
    unit_column: str | None = None
    unit_metadata: str | None = None
    header_rows: int = 1
    identity: list[str] = []
    identity_fallback: list[str] = []
    checks: list[str] = []
    notes: list[str] = []
    params: dict[str, str] = {}
    columns: list[ColumnSpec] = []
    metadata: list[MetaSpec] = []
    fields: list[FieldSpec] = []
    layout: dict[str, Any] = {}
    path: str = ""
    # Set only by `roster` (private, so no schema file can claim it): this table holds a
    # key–value form's records, one unit per row.
    _is_roster: bool = PrivateAttr(default=False)

    @model_validator(mode="after")
    def _consistent(self) -> FormSpec:
        keys = [c.key for c in self.columns]
        dupes = {k for k in keys if keys.count(k) > 1}
        if dupes:
            raise ValueError(f"column keys repeated: {sorted(dupes)}")
        known = set(keys)
        for c in self.columns:
            for ref in (c.required_when, c.values_by):
                if ref is not None and ref.column not in known:
                    raise ValueError(f"column {c.key!r} refers to unknown column {ref.column!r}")
        if self.unit_column and self.kind == "table" and self.unit_column not in known:
            raise ValueError(f"unit_column {self.unit_column!r} is not a column key")
        for key in [*self.identity, *self.identity_fallback]:
            if key not in known:
                raise ValueError(f"identity column {key!r} is not a column key")
        if self.unit_metadata and self.unit_metadata not in {m.key for m in self.metadata}:
            raise ValueError(f"unit_metadata {self.unit_metadata!r} is not a metadata key")
        if self.kind == "table" and not self.columns:
            raise ValueError("a table form needs [[columns]]")
        if self.kind == "keyvalue" and not self.fields:
            raise ValueError("a key-value form needs [[fields]]")
        labels = {f.label for f in self.fields} | {c.header for c in self.columns}
        contexts = [(f.key, f.context) for f in self.fields]
        contexts += [(c.key, c.context) for c in self.columns]
        for key, context in contexts:
            if context is not None and context not in labels:
                raise ValueError(f"{key!r}: context {context!r} is not the label of a field")
        # That each of `checks` is a known check is for check/ to say (load_schema): the
        # checks are code there, above this layer.
        return self

    @cached_property
    def by_key(self) -> dict[str, ColumnSpec]:
        return {c.key: c for c in self.columns}

    @cached_property
    def header_index(self) -> dict[str, list[ColumnSpec]]:
        """Normalized header text (and group/header) → the columns it may name."""
        index: dict[str, list[ColumnSpec]] = {}
        for c in self.columns:
            names = {norm_header(c.header), *(norm_header(a) for a in c.aliases)}
            if c.group:
                names |= {norm_header(c.group) + "/" + n for n in list(names)}
            for n in names:
                index.setdefault(n, []).append(c)
        return index

    @cached_property
    def roster(self) -> FormSpec | None:
        """A key–value form's records as a table, one per row under the fields' labels: how a
        merged annex 1 (or a county's list of its units' forms) holds them. None for tables."""
        if self.kind != "keyvalue":
            return None
        columns = [
            {
                "key": f.key,
                "header": f.label,
                "en": f.en,
                "kind": f.kind,
                "context": f.context,
                "aliases": f.aliases,
                "required": f.required,
            }
            for f in self.fields
        ]
        data = self.model_dump(exclude={"fields", "columns", "kind", "checks"})
        table = FormSpec.model_validate({**data, "kind": "table", "columns": columns})
        table._is_roster = True
        return table

    @property
    def is_roster(self) -> bool:
        return self._is_roster

    @property
    def one_row_per_unit(self) -> bool:
        """A contact form, on its own or as a roster: its rows are identified by their unit."""
        return self.kind == "keyvalue" or self.is_roster

    @cached_property
    def title_keys(self) -> set[str]:
        return {norm_key(t) for t in [self.title, *self.aliases]}

    def param(self, name: str, default: str | None = None) -> str | None:
        return self.params.get(name, default)

    def __reduce_ex__(self, protocol: SupportsIndex) -> str | tuple[Any, ...]:
        """A bundled form crosses a process boundary by its id: a worker's ledger comes back
        holding the parent's own spec (not a copy per file), and 300 copies of a schema need
        not cross the pipe. A custom schema's spec travels whole."""
        bundled = builtin_forms().get(self.id)
        if bundled is not None and (bundled.roster if self.is_roster else bundled) is self:
            return (_bundled, (self.id, self.is_roster))
        return super().__reduce_ex__(protocol)


def _bundled(form_id: str, roster: bool) -> FormSpec:
    form = get_form(form_id)
    return (form.roster or form) if roster else form


def _schema_dirs() -> list[Path]:
    """Where the bundled schemas live: inside the wheel, or the repository's `schemas/`."""
    dirs: list[Path] = []
    bundled = resources.files("ledgercli").joinpath("schemas")
    if bundled.is_dir():
        dirs.append(Path(str(bundled)))
    repo = Path(__file__).resolve().parents[3] / "schemas"
    if repo.is_dir():
        dirs.append(repo)
    return dirs


def load_form(path: Path) -> FormSpec:
    """Read and validate one schema file; every problem names the file and the key."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise LedgerError("schema-unreadable", path=str(path), reason=str(exc)) from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise LedgerError("schema-invalid", path=str(path), reason=str(exc)) from exc
    data["path"] = str(path)
    try:
        return FormSpec.model_validate(data)
    except ValidationError as exc:
        reasons = []
        for err in exc.errors():
            loc = _describe_loc(data, err["loc"])
            reasons.append(f"{loc}: {err['msg']}")
        raise LedgerError("schema-invalid", path=str(path), reason="; ".join(reasons)) from exc


def _describe_loc(data: dict[str, Any], loc: Iterable[Any]) -> str:
    """`columns.3.kind` → `columns[3] (key "nature").kind`: people count in keys, not indexes."""
    parts: list[str] = []
    node: Any = data
    for item in loc:
        if isinstance(item, int) and isinstance(node, list):
            entry = node[item] if item < len(node) else None
            name = entry.get("key") if isinstance(entry, dict) else None
            parts.append(f"[{item}]" + (f' (key "{name}")' if name else ""))
            node = entry
        else:
            parts.append(("." if parts else "") + str(item))
            node = node.get(item) if isinstance(node, dict) else None
    return "".join(parts) or "(top level)"


_REGISTRY: dict[str, FormSpec] | None = None


def builtin_forms() -> dict[str, FormSpec]:
    """Every bundled form by id (loaded once per process)."""
    global _REGISTRY
    if _REGISTRY is None:
        forms: dict[str, FormSpec] = {}
        for d in _schema_dirs():
            for p in sorted(d.glob("*.toml")):
                if p.stem not in forms:
                    forms[p.stem] = load_form(p)
        _REGISTRY = forms
    return _REGISTRY


def get_form(form_id: str) -> FormSpec:
    forms = builtin_forms()
    if form_id not in forms:
        raise LedgerError("unknown-form", form=form_id, known=", ".join(sorted(forms)))
    return forms[form_id]


def input_forms(custom: FormSpec | None = None) -> list[FormSpec]:
    """The forms a submitted file may be: a custom schema alone, or every bundled input form."""
    if custom is not None:
        return [custom]
    return [f for f in builtin_forms().values() if f.kind in ("table", "keyvalue")]
