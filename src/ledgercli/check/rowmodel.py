"""Each form's row as a pydantic model, and its JSON Schema, for systems that receive the data.

A row model says what a valid row of the form is, column by column, as the validator reads
it: amounts are Decimal 万元 (never below the column's minimum), allowed values are literals
(the canonical spelling; an alias a district writes is the validator's to normalize), codes and
phones are text that passes the same check as a cell, months are 'YYYY-MM', and a column not
required is Optional. Required-when conditions and values that depend on another column
(所属领域 by 性质) are checked on the whole row. Fields are the column keys; the official
header is accepted too (a row keyed by the headers, as a sheet reads, validates as well).

Not the cross-column rules of `checks` (拖欠金额 above 合同金额, …): those compare amounts
within a row or across rows, and are the validator's findings, not a row's type.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
    create_model,
    model_validator,
)

from ledgercli.model.errors import LedgerError
from ledgercli.model.forms import ColumnSpec, FormSpec, builtin_forms, get_form

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
# The months a cell may hold (cells.py: 1990-01 to 2100-12), in the form's spelling.
MONTH_PATTERN = r"^(199\d|20\d\d|2100)-(0[1-9]|1[0-2])$"
# GB 32100-2015: 18 characters of its alphabet, the 3rd to 8th a region code; the check
# character is tested by the validator (cells.check_credit_code), which a pattern cannot do.
CREDIT_CODE_PATTERN = r"^[0-9A-HJ-NP-RTUWXY]{2}\d{6}[0-9A-HJ-NP-RTUWXY]{10}$"

# An amount as text: digits, a point and decimals (never a sign, a grouping comma or 万元).
DECIMAL_PATTERN = r"^\d+(\.\d+)?$"

_MODELS: dict[tuple[str, str], type[BaseModel]] = {}


def row_model(form: FormSpec | str) -> type[BaseModel]:
    """The pydantic model of one row of `form` (a FormSpec, or a bundled form's id).

    A contact form (annex 1) gives the model of one unit's record, as a merged annex 1 holds
    it a row per unit. A summary table (annex 3, 4) has no rows of its own: LedgerError.
    """
    spec = get_form(form) if isinstance(form, str) else form
    cached = _MODELS.get((spec.id, spec.path))
    if cached is not None:
        return cached
    table = spec.roster if spec.kind == "keyvalue" else spec
    if table is None or spec.kind == "summary":
        known = ", ".join(f.id for f in builtin_forms().values() if f.kind != "summary")
        raise LedgerError("no-row-model", form=spec.id, known=known)
    fields: dict[str, Any] = {c.key: _field(c) for c in table.columns}
    # The row-wide conditions, as pydantic wants a validator passed to create_model.
    validators: dict[str, Any] = {
        "_conditions": model_validator(mode="after")(_conditions_check(table))
    }
    model: type[BaseModel] = create_model(
        _class_name(spec.id),
        __config__=ConfigDict(
            extra="forbid",
            frozen=True,
            title=spec.title,
            json_schema_extra=_conditions_schema(table),
        ),
        __doc__=_about(spec, table),
        __module__=__name__,
        __validators__=validators,
        **fields,
    )
    _MODELS[(spec.id, spec.path)] = model
    return model


def json_schema(form: FormSpec | str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one row of `form`: `row_model(form)`'s schema."""
    schema = row_model(form).model_json_schema()
    return {"$schema": JSON_SCHEMA_DIALECT, **schema}


def _about(spec: FormSpec, table: FormSpec) -> str:
    amounts = any(c.kind == "amount" for c in table.columns)
    return f"{spec.title_en}: one row{', amounts in 万元' if amounts else ''} ({spec.source or spec.id})."


def _class_name(form_id: str) -> str:
    """cq-annex2 → CqAnnex2Row."""
    return "".join(p.capitalize() for p in re.split(r"[^0-9A-Za-z]+", form_id) if p) + "Row"


def _field(c: ColumnSpec) -> tuple[Any, Any]:
    header = c.label if c.group else c.named
    about: dict[str, Any] = {
        "title": header,
        "description": c.en + (", in 万元" if c.kind == "amount" else "") + _help(c),
        "validation_alias": AliasChoices(c.key, header),
    }
    kind = _type(c)
    if c.required is True:
        return kind, Field(**about)
    return kind | None, Field(None, **about)


def _help(c: ColumnSpec) -> str:
    return f": {c.help}" if c.help else ""


def _type(c: ColumnSpec) -> Any:
    """The Python type of a column's parsed value, with the constraints of its kind."""
    if c.kind == "enum":
        return Literal[tuple(c.all_values)]
    if c.kind == "amount":
        # Any amount below 0 is an error (negative-amount), whatever the schema's `min`.
        low = max(c.min, Decimal(0)) if c.min is not None else Decimal(0)
        bound = Field(gt=low) if c.positive else Field(ge=low)
        return Annotated[Decimal, bound, Field(allow_inf_nan=False), _amount_schema(c, low)]
    if c.kind == "integer":
        return int
    if c.kind == "date":
        return dt.date
    if c.kind == "month":
        return Annotated[str, StringConstraints(pattern=MONTH_PATTERN)]
    if c.kind == "credit_code":
        pattern = StringConstraints(pattern=CREDIT_CODE_PATTERN)
        return Annotated[str, pattern, AfterValidator(_check_credit_code)]
    if c.kind == "phone":
        text = StringConstraints(strip_whitespace=True, min_length=1)
        return Annotated[str, text, AfterValidator(lambda t: _check_phones(t, c))]
    return Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


def _amount_schema(c: ColumnSpec, low: Decimal) -> WithJsonSchema:
    """A number, or the exact decimal text pydantic writes (a float would lose the 0.0001 万元
    the figures are checked to); pydantic's own schema leaves the text unconstrained."""
    number: dict[str, Any] = {"type": "number"}
    number["exclusiveMinimum" if c.positive else "minimum"] = float(low)
    text = {"type": "string", "pattern": DECIMAL_PATTERN}
    return WithJsonSchema({"anyOf": [number, text]})


def _check_credit_code(code: str) -> str:
    from ledgercli.read.cells import check_credit_code

    _raise_error(check_credit_code(code))
    return code


def _check_phones(text: str, c: ColumnSpec) -> str:
    """Each number of the cell (a cell may hold two: 023-6389 5398/138…) as the validator
    checks it; a fixed line without its area code is a warning there, so it passes here."""
    from ledgercli.read.cells import parse_phone

    for issue in parse_phone(text, c)[1]:
        _raise_error(issue)
    return text


def _raise_error(issue: tuple[str, str, dict[str, Any]] | None) -> None:
    if issue is not None and issue[0] == "error":
        from ledgercli.model.i18n import message

        raise ValueError(message(issue[1], "en", **issue[2]))


def _conditions_check(table: FormSpec) -> Any:
    """The row-wide test: a column required when another holds a value (an error there), and
    a value allowed only with another column's value (所属领域 by 性质)."""
    required = [
        (c, c.required_when)
        for c in table.columns
        if c.required_when is not None and c.required_when.severity == "error"
    ]
    by = [(c, c.values_by) for c in table.columns if c.values_by is not None]

    def check(row: BaseModel) -> BaseModel:
        for c, cond in required:
            other = getattr(row, cond.column)
            if getattr(row, c.key) is not None or other is None:
                continue
            if (cond.in_ is not None and other in cond.in_) or (
                cond.gt is not None and other > cond.gt
            ):
                raise ValueError(f"{c.key} ({c.named}) is required when {cond.column} is {other}")
        for c, values_by in by:
            value, other = getattr(row, c.key), getattr(row, values_by.column)
            allowed = values_by.map.get(other) if other is not None else None
            if value is not None and allowed is not None and value not in allowed:
                raise ValueError(
                    f"{c.key} ({c.named}) cannot be {value!r} when {values_by.column} is "
                    f"{other!r}; allowed: {', '.join(allowed)}"
                )
        return row

    return check


def _conditions_schema(table: FormSpec) -> dict[str, Any]:
    """The same conditions in JSON Schema, as `allOf` of if/then. A condition on an amount
    (`gt`) is left to the model: amounts travel as decimal strings, which JSON Schema cannot
    compare."""
    rules: list[dict[str, Any]] = []
    for c in table.columns:
        cond = c.required_when
        if cond is not None and cond.severity == "error" and cond.in_ is not None:
            rules.append(
                {
                    "if": {
                        "properties": {cond.column: {"enum": cond.in_}},
                        "required": [cond.column],
                    },
                    "then": {"required": [c.key], "properties": {c.key: {"not": {"type": "null"}}}},
                }
            )
        if c.values_by is not None:
            for other, allowed in c.values_by.map.items():
                rules.append(
                    {
                        "if": {
                            "properties": {c.values_by.column: {"const": other}},
                            "required": [c.values_by.column],
                        },
                        "then": {"properties": {c.key: {"enum": [*allowed, None]}}},
                    }
                )
    return {"allOf": rules} if rules else {}
