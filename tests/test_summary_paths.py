"""The summaries' column-wise paths give what their definitions give, case by case (speed
never changes a figure): statuses, case identities, and every figure of annex 3 and 4."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from ledgercli.model.forms import get_form
from ledgercli.model.ledger import Ledger
from ledgercli.model.status import repaid, status, statuses_and_repaid
from ledgercli.model.text import norm_key
from ledgercli.summary import figures as sm

ANNEX2 = get_form("cq-annex2")

# Amounts as a ledger holds them: exact, zero, negative, blank, or a cell that did not parse.
amounts = st.one_of(
    st.decimals(min_value=-5, max_value=5, places=4, allow_nan=False),
    st.just(Decimal(0)),
    st.none(),
    st.just("壹万"),
)
units = st.sampled_from(["区教委", "区财政局", "古南街道", None])
sources = st.sampled_from([*ANNEX2.by_key["source"].values, None])
yes_no = st.sampled_from(["是", "否", None])
case_numbers = st.sampled_from(["", None, "DC2022-1", "dc2022-1", "ＤＣ2022-2", "DC 2022-3"])
codes = st.sampled_from(["", "91500000MA5U7Y3X2N", "91500000MA5U7Y3X3L", None])
contracts = st.sampled_from(["", "《道路维修》合同", "道路维修合同", "校舍 改造", None])


def ledger_of(rows: list[dict[str, Any]]) -> Ledger:
    keys = sorted({k for r in rows for k in r})
    values = {k: [r.get(k) for r in rows] for k in keys}
    return Ledger(
        form=ANNEX2,
        path="x.xlsx",
        sheet="Sheet1",
        metadata={},
        rows=list(range(4, 4 + len(rows))),
        values=values,
        raw=values,
        columns={k: j for j, k in enumerate(keys)},
        headers={k: k for k in keys},
        errors=[0] * len(rows),
        warnings=[0] * len(rows),
    )


row = st.fixed_dictionaries(
    {
        "unit": units,
        "source": sources,
        "owed": amounts,
        "cleared": amounts,
        "repaid": amounts,
        "agreed": amounts,
        "judicial": amounts,
        "disputed": yes_no,
        "case_no": case_numbers,
        "debtor_code": codes,
        "creditor_code": codes,
        "contract": contracts,
    }
)


@settings(max_examples=150, deadline=None)
@given(st.lists(row, max_size=40))
def test_statuses_and_repaid_equal_each_rows_definition(rows: list[dict[str, Any]]) -> None:
    lg = ledger_of(rows)
    states, paid = statuses_and_repaid(lg)
    assert states == [status(lg, i) for i in range(len(lg))]
    assert paid == [repaid(lg, i) for i in range(len(lg))]


@settings(max_examples=150, deadline=None)
@given(st.lists(row, max_size=40))
def test_identities_equal_the_definition(rows: list[dict[str, Any]]) -> None:
    """问题编号 when present (folded), else debtor code, creditor code and the folded contract
    name when all three are there, else none."""
    lg = ledger_of(rows)
    want = []
    for r in rows:
        if r["case_no"]:
            want.append(f"case_no:{norm_key(r['case_no'])}")
        elif r["debtor_code"] and r["creditor_code"] and r["contract"]:
            want.append(f"{r['debtor_code']}|{r['creditor_code']}|{norm_key(r['contract'])}")
        else:
            want.append(None)
    assert lg.identities() == want


def by_definition(cases: list[sm.Case], layout: sm.SummaryLayout) -> dict[str, Any]:
    """Each figure as its layout defines it: the cases matching `where`, counted or summed
    one by one."""
    values: dict[str, Any] = {}
    for col in layout.figures:
        if col.kind == "rate":
            continue
        hit = [c for c in cases if all(c.attrs.get(k, "") == v for k, v in col.where.items())]
        if col.kind == "count":
            values[col.key] = len(hit)
        else:
            values[col.key] = sum((c.amounts.get(col.measure, Decimal(0)) for c in hit), Decimal(0))
    for col in layout.figures:
        if col.kind == "rate":
            num, den = col.ratio
            values[col.key] = sm.rate(values[num], values[den])
    return values


@settings(max_examples=100, deadline=None)
@given(st.lists(row, max_size=60), st.sampled_from(["3", "4"]))
def test_every_figure_equals_its_definition(rows: list[dict[str, Any]], annex: str) -> None:
    form, layout = sm.annex_layout(annex)
    cases = sm.cases_from([ledger_of(rows)], layout)
    summary = sm.summarize(cases, form, layout)
    # Each unit's row, with what the table's other units decided shared, and the total.
    for r in summary.rows:
        members = [c for c in cases if c.group == r.label]
        assert r.values == by_definition(members, layout)
    assert summary.total.values == by_definition(cases, layout)
    assert sorted(r.label for r in summary.rows) == sorted({c.group for c in cases})


def test_an_annex_reads_the_identity_of_its_own_form_only() -> None:
    """Annex 4 is of the Chongqing ledger: its case identity (问题编号, else the two codes and
    the contract) is read, not the Wuhan ledger's (debtor and creditor names), which would
    cost two columns of text a row on a million-row city workbook."""
    columns = sm.input_columns(None, "4")
    assert {*ANNEX2.identity, *ANNEX2.identity_fallback} <= columns
    assert not {"debtor", "creditor"} & columns
    assert {"debtor", "creditor"} <= sm.input_columns(None, None)  # any summary: any form's


@settings(max_examples=50, deadline=None)
@given(st.lists(row, max_size=30))
def test_dropping_the_identity_columns_keeps_the_identities(rows: list[dict[str, Any]]) -> None:
    """A summary lets go of what names a case without a number before it builds the cases
    (summary/pipeline.py): the identities made of it stay what they were."""
    want = ledger_of(rows).identities()
    lg = ledger_of(rows)
    lg.drop_columns(ANNEX2.identity_fallback)
    assert not set(ANNEX2.identity_fallback) & {*lg.values, *lg.raw}
    assert lg.identities() == want
