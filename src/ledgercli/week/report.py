"""What `ledger week` found: a pydantic model whose JSON is week.json (and `--format json`).

`report.model_dump_json(indent=2)` is week.json byte for byte; `api.week` returns the report,
ui/week.py puts it on one screen and week/page.py on one page.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Figures(BaseModel):
    """Cases, 拖欠总金额, 清偿总金额 (万元, exact decimal strings) and 清偿率 (%)."""

    cases: int
    owed: str
    repaid: str
    rate: str | None


class UnitFigures(Figures):
    unit: str


class Change(BaseModel):
    """This week minus last week; 清偿率 in percentage points."""

    cases: int
    owed: str
    repaid: str
    rate: str | None


class Received(BaseModel):
    files: int  # spreadsheets in the inbox
    merged: int  # ledgers whose rows are in the city workbook
    rows: int
    units: int  # units with rows
    unreadable: list[str]
    skipped: list[dict[str, str]]  # {path, reason}


class Returned(BaseModel):
    """A submission that goes back: its errors, whom to call, its marked copy."""

    unit: str
    file: str
    copy_path: str | None
    person: str
    phone: str
    errors: int
    warnings: int
    unreadable: bool
    problems: list[str]


class Caution(BaseModel):
    code: str
    message: str


class Changes(BaseModel):
    """The comparison with last week (`diff`): totals, and the alarming changes in full."""

    last: str  # what was compared with: last week's city workbook or folder
    totals: dict[str, Any]
    vanished: list[dict[str, Any]]
    regressions: list[dict[str, Any]]


class Lapsed(BaseModel):
    as_of: str
    cases: int
    amount: str
    units: list[dict[str, Any]]
    top: list[dict[str, Any]]  # the longest overdue cases (all are in the workbook)


class Outputs(BaseModel):
    """Every file written, as a path inside OUTDIR (None: not written this week)."""

    # `json` is a BaseModel method: the field is json_, named "json" in and out.
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    city: str
    annex3: str | None
    annex4: str | None
    wuhan: str | None
    changes: str | None
    overdue: str | None
    index: str
    marked_copies: list[str]
    html: str
    json_: str = Field(alias="json")


class WeekReport(BaseModel):
    """`ledger week --format json`, and week.json in OUTDIR."""

    inbox: str
    outdir: str
    last: str | None
    form: str
    as_of: str
    generated: str
    received: Received
    headline: Figures
    last_week: Figures | None
    change: Change | None
    units: list[UnitFigures]
    not_reported: list[str] | None
    returned: list[Returned]
    changes: Changes | None
    overdue: Lapsed | None
    cautions: list[Caution]
    alarms: dict[str, int]
    outputs: Outputs
    exit_code: int
