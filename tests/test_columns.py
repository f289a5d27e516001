"""Each built-in column check on its own: the check, a column, the hits; no workbook."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ledgercli.check.columns import (
    COLUMN_CHECKS,
    ColumnContext,
    required,
    required_when,
    unique,
    values_by,
)
from ledgercli.model.forms import get_form

ANNEX2 = get_form("cq-annex2")
WUHAN = get_form("wh-ledger")


def ctx(key: str, values: dict[str, list[Any]], **kw: Any) -> ColumnContext:
    n = len(values[key])
    blank = [i for i, v in enumerate(values[key]) if v is None]
    raw = kw.pop("raw", values[key])
    form = kw.pop("form", ANNEX2)
    return ColumnContext(form, key, values, raw, blank, list(range(3, 3 + n)), **kw)


def test_the_checks_are_registered_in_the_order_they_run() -> None:
    assert list(COLUMN_CHECKS) == ["required", "required-when", "values-by", "unique"]
    assert COLUMN_CHECKS["unique"] is unique
    assert all(c.doc and c.describe("zh") != c.doc and c.gives for c in COLUMN_CHECKS.values())


def test_required_blank_and_placeholder() -> None:
    """A blank required cell is an error; 无 is called a placeholder; 序号 only warns."""
    c = ctx("debtor", {"debtor": ["甲公司", None, None]}, raw=["甲公司", "", "无"])
    assert list(required.run(c)) == [
        ("error", "required", 1, None, {}),
        ("error", "required-placeholder", 2, "无", {"placeholder": "无"}),
    ]
    seq = ctx("seq", {"seq": [1, None]}, raw=[1, ""])
    assert list(required.run(seq)) == [("warning", "required", 1, None, {})]


def test_required_does_not_apply_to_an_optional_column() -> None:
    c = ctx("case_no", {"case_no": [None]}, raw=[""])
    assert not required.applies(c.spec) and list(required.run(c)) == []


def test_required_when_names_the_condition() -> None:
    """问题编号 is required when 问题来源 is one of the platforms; other sources are free."""
    cond = ANNEX2.by_key["case_no"].required_when
    assert cond is not None and cond.in_
    source = cond.in_[0]
    values = {"case_no": [None, None, "A1"], "source": [source, "其他", source]}
    hits = list(required_when.run(ctx("case_no", values, raw=["", "", "A1"])))
    assert hits == [
        (cond.severity, "required-when", 0, None, {"cond_header": "问题来源", "cond_value": source})
    ]


def test_required_above_an_amount() -> None:
    """A `gt` condition: required once the other column exceeds the limit."""
    key, spec = next(
        (c.key, c)
        for f in (ANNEX2, WUHAN)
        for c in f.columns
        if c.required_when is not None and c.required_when.gt is not None
    )
    form = ANNEX2 if key in ANNEX2.by_key else WUHAN
    cond = spec.required_when
    assert cond is not None and cond.gt is not None
    over, under = cond.gt + 1, cond.gt
    values = {key: [None, None], cond.column: [over, under]}
    hits = list(required_when.run(ctx(key, values, raw=["", ""], form=form)))
    assert [(h[1], h[2], h[4]["limit"]) for h in hits] == [("required-above", 0, f"{cond.gt}")]


def test_values_by_another_column() -> None:
    """债务人所属领域 must be one of the sectors its 性质 allows."""
    by = ANNEX2.by_key["sector"].values_by
    assert by is not None
    nature, allowed = next((k, v) for k, v in by.map.items() if v)
    values = {"sector": [allowed[0], "不存在的领域"], "nature": [nature, nature]}
    hits = list(values_by.run(ctx("sector", values)))
    assert [(h[0], h[1], h[2]) for h in hits] == [("error", "value-not-allowed-for", 1)]
    assert hits[0][4]["allowed"] == "、".join(allowed)


def test_unique_names_the_first_row_and_softens_across_sources() -> None:
    """A repeated 问题编号 is an error naming the first row; in a merged workbook two rows
    from different submissions are the same case sent twice: a warning."""
    values = {"case_no": ["A1", "A2", "A1", None, None]}
    hits = list(unique.run(ctx("case_no", values)))
    assert hits == [("error", "duplicate-value", 2, "A1", {"other_row": 3})]
    merged = ctx("case_no", values, origin=["a.xlsx", "b.xlsx", "b.xlsx", "", ""])
    assert [h[0] for h in unique.run(merged)] == ["warning"]
    sheets = ctx("case_no", values, sheets=["甲", "甲", "乙", "乙", "乙"])
    assert next(iter(unique.run(sheets)))[4] == {
        "other_row": 3,
        "other_sheet": "甲",
        "variant": "sheet",
    }


def test_amounts_compare_as_decimals() -> None:
    """The `gt` limit is a Decimal like the parsed amount (no float on the way)."""
    assert any(
        isinstance(c.required_when.gt, Decimal)
        for f in (ANNEX2, WUHAN)
        for c in f.columns
        if c.required_when is not None and c.required_when.gt is not None
    )
