"""The library front: each function's report dumps to exactly the command's --format json."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from ledgercli import api
from ledgercli.cli import cli
from ledgercli.model.errors import LedgerError
from ledgercli.model.options import Options

GOLDEN = Path(__file__).parent / "golden"


def cli_json(*args: str) -> str:
    r = CliRunner().invoke(cli, [*args, "--format", "json", "--lang", "zh"])
    assert r.exit_code in (0, 1), r.output
    return r.stdout


def test_validate(work: Path) -> None:
    got = api.validate([work / "submissions"])
    assert got.model_dump_json(indent=2) + "\n" == cli_json("validate", str(work / "submissions"))
    assert got.errors == sum(f.count("error") for f in got.report.files) > 0
    assert got.exit_code() == 1 and got.ledgers == []
    # The library objects behind the JSON: findings render in either language.
    first = next(f for fr in got.report.files for f in fr.findings if f.severity == "error")
    assert first.message("en") and first.message("zh") != first.message("en")


def test_validate_keeps_ledgers_when_asked(work: Path) -> None:
    got = api.validate([work / "submissions"], keep_ledgers=True, jobs=1)
    assert got.ledgers and all(len(lg) for lg in got.ledgers)


def test_merge(work: Path) -> None:
    out = work / "out" / "api-city.xlsx"
    got = api.merge([work / "inbox" / "week1"], out, force=True)
    assert out.exists() and got.output == str(out)
    again = cli_json("merge", str(work / "inbox" / "week1"), "-o", str(out), "--force")
    assert got.model_dump_json(indent=2) + "\n" == again
    assert got.conserved and got.totals["rows_read"] == (
        got.totals["rows_written"] + got.totals["rows_left_out"]
    )
    assert got.result.form is not None and got.result.form.id == got.form


def test_merge_refuses_an_existing_output_before_reading(work: Path) -> None:
    out = work / "out" / "exists.xlsx"
    out.write_bytes(b"")
    with pytest.raises(LedgerError) as info:
        api.merge([work / "inbox" / "week1"], out)
    assert info.value.code == "output-exists"


def test_summarize(work: Path) -> None:
    options = Options(form="cq-annex2")
    got = api.summarize(work / "submissions", options)
    want = cli_json("summarize", str(work / "submissions"), "--form", "cq-annex2")
    assert got.model_dump_json(indent=2) + "\n" == want
    assert "output" not in got.model_dump() and got.run.annex == "4"
    written = work / "out" / "annex3.xlsx"
    three = api.summarize(work / "inbox" / "week1", annex="3", output=written)
    assert written.exists() and three.output == str(written)
    assert json.loads(three.model_dump_json())["output"] == str(written)
    assert three.form == "cq-annex3" and three.cases == three.run.summary.cases > 0


def test_diff(work: Path) -> None:
    got = api.diff([work / "inbox" / "week1"], [work / "inbox" / "week2"])
    want = cli_json("diff", str(work / "inbox" / "week1"), str(work / "inbox" / "week2"))
    assert got.model_dump_json(indent=2) + "\n" == want
    assert got.exit_code == (1 if got.diff.alarming else 0)


def test_overdue(work: Path) -> None:
    got = api.overdue([work / "inbox" / "week2"], as_of="2023-06")
    want = cli_json("overdue", str(work / "inbox" / "week2"), "--as-of", "2023-06")
    assert got.model_dump_json(indent=2) + "\n" == want
    assert got.as_of == "2023-06" and len(got.cases) == len(got.overdue.cases)


def test_week(work: Path) -> None:
    """api.week writes the folder and returns the report whose JSON is its week.json, as the
    command prints it."""
    week2, out = work / "inbox" / "week2", work / "out" / "api-week"
    got = api.week(week2, out, Options(form="cq-annex2"), as_of="2023-06", jobs=1)
    on_disk = (out / "week.json").read_text(encoding="utf-8")
    assert got.model_dump_json(indent=2) == on_disk
    assert json.loads(on_disk)["outputs"]["json"] == str(out / "week.json")
    again = cli_json(
        "week", str(week2), "-o", str(out), "--form", "cq-annex2", "--as-of", "2023-06"
    )
    rerun = json.loads(again)
    assert {**rerun, "generated": ""} == {**json.loads(on_disk), "generated": ""}
    assert got.exit_code in (0, 1) and got.headline.cases == got.received.rows > 0
    assert api.WeekReport.model_validate_json(on_disk) == got


@pytest.mark.parametrize(
    ("model", "golden"),
    [
        (api.ValidateReport, "validate-samples"),
        (api.MergeReport, "merge-week1"),
        (api.SummaryReport, "summarize-annex3-week1"),
        (api.DiffReport, "diff-weeks"),
        (api.OverdueReport, "overdue-week2"),
    ],
)
def test_each_report_model_holds_its_commands_json(model: Any, golden: str) -> None:
    """Every key of the JSON is a field (the models forbid others), in the JSON's order."""
    data = json.loads((GOLDEN / f"{golden}.json").read_text("utf-8"))
    report = model.model_validate(data)
    assert json.loads(report.model_dump_json()) == data
    assert list(report.model_dump()) == list(data)


def test_today_is_an_option_like_the_others() -> None:
    """Options carry what a run depends on, so a library call is reproducible."""
    assert Options(today=dt.date(2023, 6, 1)).today.month == 6
