"""The cases as a pandas DataFrame: exact Arrow decimals whose sums and group sums are the
annexes' figures, on the real inbox (its truth computed without ledgercli), from the folder
and from the merged city workbook alike."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from click.testing import CliRunner

import realinbox
from helpers import annex2_row, write_annex2, write_wuhan
from ledgercli.check.inbox import validate_paths
from ledgercli.cli import cli
from ledgercli.frame import cases_frame, column_headers, read_cases, read_frame
from ledgercli.model.errors import LedgerError
from ledgercli.model.forms import get_form
from ledgercli.model.options import Options

OWED = "总体情况/涉及金额/拖欠总金额"
REPAID = "总体情况/涉及金额/清偿总金额"
COUNT = "总体情况/拖欠数量/数量总计"
SAMPLE = Path(__file__).parent.parent / "sample_data" / "submissions"


@pytest.fixture(scope="module")
def inbox(tmp_path_factory: pytest.TempPathFactory) -> realinbox.Truth:
    return realinbox.build(tmp_path_factory.mktemp("inbox"))


@pytest.fixture(scope="module")
def city(inbox: realinbox.Truth, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("city") / "city.xlsx"
    r = CliRunner().invoke(cli, ["merge", str(inbox.week1.folder), "-o", str(out)])
    assert r.exit_code == 0, r.output
    return out


def expected(inbox: realinbox.Truth) -> dict[str, dict[str, object]]:
    return realinbox.annex_figures(inbox.week1.counted(), 4)


def assert_annex4(df: pd.DataFrame, truth: dict[str, dict[str, object]]) -> None:
    """Sums and group sums of the frame equal annex 4's 合计 and per-unit figures exactly."""
    total = df["owed"].sum()
    assert isinstance(total, Decimal)
    assert total == Decimal(str(truth["合计"][OWED]))
    assert df["repaid_amount"].sum() == Decimal(str(truth["合计"][REPAID]))
    by_unit = df.groupby("unit").agg(
        owed=("owed", "sum"), repaid=("repaid_amount", "sum"), cases=("owed", "size")
    )
    units = sorted(u for u in truth if u != "合计")
    assert sorted(by_unit.index) == units
    for unit in units:
        got = by_unit.loc[unit]
        assert got["owed"] == Decimal(str(truth[unit][OWED])), unit
        assert got["repaid"] == Decimal(str(truth[unit][REPAID])), unit
        assert got["cases"] == truth[unit][COUNT], unit


def test_folder_frame_sums_are_the_annex_figures(inbox: realinbox.Truth) -> None:
    """The week's folder read as the summaries read it (元 converted, the copy once, both
    sheets of 赶水镇, 石角镇 under one name, 横山镇 from its 填报单位): exact sums."""
    report, df = read_cases(inbox.week1.folder, Options(jobs=1))
    assert len(df) == len(inbox.week1.cases) == 117
    assert df.attrs["form"] == "cq-annex2"
    assert_annex4(df, expected(inbox))
    # What the report says of the inbox, and the frame shows: the copy is out, 元 converted.
    assert len(report.identical) == 1
    assert not df["file"].str.endswith("(1).xlsx").any()
    assert (df["amount_unit"] == "converted").sum() == realinbox.DATONG_ROWS
    assert (df["amount_unit"] == "suspect").sum() == 1
    assert df["amount_unit"].isna().sum() == 117 - realinbox.DATONG_ROWS - 1


def test_no_column_is_float_or_object(inbox: realinbox.Truth) -> None:
    """Amounts are Arrow decimals of scale 4 (the form's 0.0001 万元), text Arrow strings,
    row numbers Arrow integers: nothing passes through float or Python objects."""
    df = read_frame(inbox.week1.folder, Options(jobs=1))
    form = get_form("cq-annex2")
    amounts = [c.key for c in form.columns if c.kind == "amount"] + ["repaid_amount"]
    for key in amounts:
        assert df[key].dtype == pd.ArrowDtype(pa.decimal128(38, 4)), key
    for key in ("file", "unit", "source", "due_month", "debtor_code", "status", "identity"):
        assert df[key].dtype == pd.ArrowDtype(pa.string()), key
    for key in ("row", "source_row", "seq", "errors"):
        assert df[key].dtype == pd.ArrowDtype(pa.int64()), key
    assert all(isinstance(t, pd.ArrowDtype) for t in df.dtypes)
    assert df["due_month"].str.fullmatch(r"\d{4}-\d{2}").all()
    assert set(df["status"]) <= {"清偿完毕", "部分清偿", "协议还款", "未化解"}


def test_city_workbook_frame_is_the_folder_frame(inbox: realinbox.Truth, city: Path) -> None:
    """Merged first: the same figures, and each case keeps where it was submitted."""
    folder = read_frame(inbox.week1.folder, Options(jobs=1))
    merged = read_frame(city, Options(jobs=1))
    assert_annex4(merged, expected(inbox))
    assert set(merged["file"]) == {str(city)} and set(merged["sheet"]) == {"明细"}
    key = ["source_file", "source_sheet", "source_row"]
    there = merged.sort_values(key).reset_index(drop=True)
    here = folder.sort_values(key).reset_index(drop=True)
    assert there[key].equals(here[key])
    for column in ("unit", "owed", "repaid_amount", "status", "identity", "amount_unit"):
        assert there[column].equals(here[column]), column
    # A submission's own place is its 来源.
    assert folder["source_file"].equals(folder["file"])
    assert folder["source_row"].equals(folder["row"])


def test_headers_gives_the_official_chinese_headers(inbox: realinbox.Truth) -> None:
    df = read_frame(inbox.week1.folder, Options(jobs=1), headers=True)
    form = get_form("cq-annex2")
    assert [c.header for c in form.columns] == list(df.columns[6:34])
    assert list(df.columns[:6]) == ["文件", "工作表", "行号", "来源文件", "来源工作表", "来源行号"]
    assert list(df.columns[34:]) == [
        "案件标识", "化解状态", "清偿金额", "金额单位核查", "错误数", "警告数"
    ]  # fmt: skip
    truth = expected(inbox)
    assert df["拖欠金额"].sum() == Decimal(str(truth["合计"][OWED]))
    by_unit = df.groupby("街镇部门")["拖欠金额"].sum()
    assert by_unit["石角镇"] == Decimal(str(truth["石角镇"][OWED]))
    assert column_headers(form)["owed"] == "拖欠金额"


def test_fen_of_a_yuan_file_keep_their_decimals(tmp_path: Path) -> None:
    """505000.25 元 is 50.500025 万元: the scale grows to 6 rather than round a 分 away."""
    rows = [
        annex2_row(序号=k, 合同名称=f"合同{k}", 合同金额=1000000.55, 拖欠金额=v, 剩余金额=v)
        for k, v in enumerate([505000.25, 505000.5, 1000.01], 1)
    ]
    write_annex2(tmp_path / "a.xlsx", rows, above=[["金额单位：元"]])
    df = read_frame(tmp_path)
    assert df["owed"].dtype == pd.ArrowDtype(pa.decimal128(38, 6))
    assert df["contract_amount"].dtype == df["owed"].dtype
    assert list(df["owed"]) == [Decimal("50.500025"), Decimal("50.50005"), Decimal("0.100001")]
    assert df["owed"].sum() == Decimal("101.100076")
    assert set(df["amount_unit"]) == {"converted"}


def test_conflict_rows_are_left_out_unless_asked(tmp_path: Path) -> None:
    """A row in 万元 inside a 元 file is in no figure (amount-unit-conflict): not in the frame
    either, unless conflicts=True, where it is marked."""
    rows = [
        annex2_row(序号=k, 合同名称=f"合同{k}", 合同金额=2000000, 拖欠金额=v, 剩余金额=v)
        for k, v in enumerate([1000000, 500000, 305000, 201234], 1)
    ]
    rows.append(annex2_row(序号=5, 合同名称="合同8"))  # 50.5: 万元, among 元
    write_annex2(tmp_path / "a.xlsx", rows, above=[["金额单位：元"]])
    report, df = read_cases(tmp_path)
    assert "amount-unit-conflict" in {f.rule for f in report.files[0].findings}
    assert list(df["row"]) == [4, 5, 6, 7]  # under the title and the 金额单位 line
    assert df["owed"].sum() == Decimal("200.6234")
    kept = read_frame(tmp_path, conflicts=True)
    assert list(kept["row"]) == [4, 5, 6, 7, 8]
    assert list(kept["amount_unit"]) == ["converted"] * 4 + ["conflict"]
    assert kept["owed"].iloc[4] == Decimal("50.5")  # as written: its unit is not known


def test_wuhan_frame_takes_its_unit_and_status_from_the_sheet() -> None:
    """The Wuhan ledger names its unit above the table (填报单位) and states each case's
    progress in words (办理情况); a case 已清偿完毕 repaid its whole 拖欠金额 (SPEC.md)."""
    df = read_frame(SAMPLE / "武汉-江岸区减负办-台账.xlsx")
    assert df.attrs["form"] == "wh-ledger" and len(df) == 15
    assert set(df["unit"]) == {"江岸区减负办"}
    words = {"已清偿完毕": "清偿完毕", "已部分清偿": "部分清偿", "已达成还款协议": "协议还款"}
    assert list(df["status"]) == [words.get(p, "未化解") for p in df["progress"]]
    cleared = df["progress"] == "已清偿完毕"
    assert cleared.any() and (~cleared).any()
    assert df["repaid_amount"].sum() == df.loc[cleared, "owed"].sum()
    assert df["accepted"].dtype == pd.ArrowDtype(pa.date32())
    named = read_frame(SAMPLE / "武汉-江岸区减负办-台账.xlsx", headers=True)
    assert "被拖欠企业（经纪人）/联系人" in named.columns
    assert "拖欠主体（债务人）/主体名称" in named.columns
    assert set(named["填报单位"]) == {"江岸区减负办"}


def test_two_forms_make_no_frame(tmp_path: Path) -> None:
    """Annex 2 and Wuhan ledgers side by side: one frame per form, said so."""
    write_wuhan(tmp_path / "wh.xlsx")
    write_annex2(tmp_path / "a.xlsx", [annex2_row()])
    with pytest.raises(LedgerError) as caught:
        read_frame(tmp_path)
    assert caught.value.code == "frame-several-forms"
    assert "cq-annex2, wh-ledger" in str(caught.value)
    df = read_frame(tmp_path, Options(form="cq-annex2"))
    assert df.attrs["form"] == "cq-annex2" and len(df) == 1


def test_contact_forms_beside_ledgers_are_set_aside(tmp_path: Path) -> None:
    """Annex 1 beside the ledgers holds no case (as in the summaries); alone, it is the frame:
    one row per unit, with no status."""
    contact = SAMPLE / "附件1-古南街道-联络表.xlsx"
    ledger = SAMPLE / "附件2-古南街道.xlsx"
    df = read_frame([contact, ledger], Options(jobs=1))
    assert df.attrs["form"] == "cq-annex2" and set(df["file"]) == {str(ledger)}
    alone = read_frame(contact)
    assert alone.attrs["form"] == "cq-annex1" and list(alone["unit"]) == ["古南街道"]
    assert "联络人/职务" in read_frame(contact, headers=True).columns
    assert "status" not in alone.columns and "owed" not in alone.columns


def test_cases_frame_of_validated_ledgers(inbox: realinbox.Truth) -> None:
    """Ledgers already validated (validate_paths) make the same frame without a second read."""
    report, ledgers = validate_paths([inbox.week1.folder], Options(jobs=1))
    cases = [lg for lg in ledgers if not lg.form.one_row_per_unit]
    df = cases_frame(cases)
    assert df["owed"].sum() == Decimal(str(expected(inbox)["合计"][OWED]))
    empty = cases_frame([])
    assert len(empty) == 0 and empty.attrs["form"] is None


def test_the_cli_does_not_import_pandas() -> None:
    """`ledger --help` and `ledger forms --json-schema` never load pandas (frame.py alone
    imports it)."""
    code = (
        "import sys\n"
        "from ledgercli.cli import cli\n"
        "for args in (['--help'], ['forms', '--json-schema', 'cq-annex2']):\n"
        "    try:\n"
        "        cli.main(args, standalone_mode=False)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print('pandas' in sys.modules, 'ledgercli.frame' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.split()[-2:] == ["False", "False"], out.stderr


CUSTOM = """
id = "my-ledger"
kind = "table"
title = "某市拖欠台账"
title_en = "A city's own ledger"
unit_column = "unit"

[[columns]]
key = "unit"
header = "单位"
en = "Unit"
kind = "text"
required = true

[[columns]]
key = "owed"
header = "拖欠金额"
en = "Owed"
kind = "amount"
required = true

[[columns]]
key = "status"
header = "状态"
en = "Status"
kind = "enum"
values = ["在办", "办结"]
"""


def test_a_custom_column_named_like_an_added_one_keeps_its_name(tmp_path: Path) -> None:
    """A --schema form with its own `status`: the form's column keeps the name, the status
    status.py gives is `_status`."""
    import openpyxl

    schema = tmp_path / "my.toml"
    schema.write_text(CUSTOM, encoding="utf-8")
    wb = openpyxl.Workbook()
    wb.active.append(["单位", "拖欠金额", "状态"])
    wb.active.append(["甲街道", 12.5, "办结"])
    wb.save(tmp_path / "a.xlsx")
    df = read_frame(tmp_path / "a.xlsx", Options(schema=schema))
    assert list(df["status"]) == ["办结"] and list(df["_status"]) == ["未化解"]
    assert list(df["owed"]) == [Decimal("12.5")]
    named = read_frame(tmp_path / "a.xlsx", Options(schema=schema), headers=True)
    assert list(named.columns[6:9]) == ["单位", "拖欠金额", "状态"]
    assert "化解状态" in named.columns
