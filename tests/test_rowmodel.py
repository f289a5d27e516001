"""Each form's pydantic row model and JSON Schema: every valid row of the samples passes, a bad
value of each kind is refused, and the schema carries the form's allowed values."""

from __future__ import annotations

import json
import random
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pydantic import BaseModel, ValidationError

from helpers import CREDITOR, annex2_row
from ledgercli.check.inbox import validate_paths
from ledgercli.check.rowmodel import json_schema, row_model
from ledgercli.cli import cli
from ledgercli.model.errors import LedgerError
from ledgercli.model.forms import get_form
from ledgercli.model.options import Options

ROOT = Path(__file__).parent.parent
sys.path.insert(0, str(ROOT / "sample_data"))

import generate  # noqa: E402


def keyed(row: dict[str, Any]) -> dict[str, Any]:
    """A helpers.annex2_row (keyed by header) keyed by column key, amounts as Decimal."""
    form = get_form("cq-annex2")
    by_header = {c.header: c for c in form.columns}
    out = {}
    for header, value in row.items():
        c = by_header[header]
        out[c.key] = Decimal(str(value)) if c.kind == "amount" and value is not None else value
    return out


def test_every_valid_sample_row_validates() -> None:
    """Every row the validator finds no error in, in every sample file of every form (annex 2,
    annex 1, Wuhan, the 元 ledger converted), is a valid row of its form's model."""
    paths = [ROOT / "sample_data" / "submissions", ROOT / "sample_data" / "traps"]
    _, ledgers = validate_paths(paths, Options(jobs=1))
    seen: dict[str, int] = {}
    for lg in ledgers:
        model = row_model(lg.form)
        for i in range(len(lg)):
            if lg.errors[i] == 0:
                model.model_validate(lg.record(i))
                seen[lg.form.id] = seen.get(lg.form.id, 0) + 1
    assert seen.keys() == {"cq-annex1", "cq-annex2", "wh-ledger"}
    assert seen["cq-annex2"] > 100


def test_generated_rows_validate_by_their_headers() -> None:
    """The generator's rows are keyed by the official headers: the model accepts those too."""
    model = row_model("cq-annex2")
    rows = generate.annex2_rows(random.Random(14), "古南街道", 60)
    parsed = [model.model_validate(r) for r in rows]
    assert [p.owed for p in parsed] == [r["拖欠金额"] for r in rows]
    assert {p.source for p in parsed} == set(get_form("cq-annex2").by_key["source"].values)


def rejects(model: type[BaseModel], row: dict[str, Any]) -> str:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(row)
    return str(caught.value)


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"source": "自己排查"}, "source"),
        ({"owed": Decimal("-1")}, "owed"),
        ({"owed": Decimal(0)}, "owed"),  # 拖欠金额 must be positive
        ({"cleared": Decimal("-0.0001")}, "cleared"),
        ({"due_month": "2022-13"}, "due_month"),
        ({"due_month": "2022/05"}, "due_month"),
        ({"debt_type": "工程款"}, "debt_type"),  # an alias: the validator's to normalize
        ({"debtor_code": CREDITOR[:-1] + ("0" if CREDITOR[-1] != "0" else "1")}, "check"),
        ({"debtor_code": "9150022"}, "debtor_code"),
        ({"debtor_phone": "12345"}, "not a valid Chinese"),
        ({"debtor": ""}, "debtor"),
        ({"owed": None}, "owed"),
        ({"nickname": "x"}, "nickname"),
        # Required because of another column: 工信部 platform cases carry their number.
        ({"source": "工业和信息化部违约拖欠中小企业款项登记（投诉）平台"}, "case_no"),
        ({"agreed": Decimal(3)}, "agreed_due"),
        # 所属领域 by 性质.
        ({"sector": "政法委"}, "sector"),
    ],
)
def test_bad_values_are_refused(change: dict[str, Any], said: str) -> None:
    model = row_model("cq-annex2")
    good = keyed(annex2_row())
    model.model_validate(good)
    assert said in rejects(model, {**good, **change})


def test_optional_and_conditional_columns() -> None:
    model = row_model("cq-annex2")
    good = keyed(annex2_row())
    row = model.model_validate({**good, "seq": None, "case_no": None, "judicial": None})
    assert row.seq is None
    with_number = {
        **good,
        "source": "工业和信息化部违约拖欠中小企业款项登记（投诉）平台",
        "case_no": "GXB20220260585",
    }
    model.model_validate(with_number)
    # 所属领域 does not apply to a 事业单位: the validator warns, the model lets it pass.
    model.model_validate({**good, "nature": "事业单位", "sector": "住建"})
    dumped = json.loads(model.model_validate(good).model_dump_json())
    assert dumped["owed"] == "50.5"  # exact decimal text, never a float


def test_summary_forms_have_no_row_model() -> None:
    with pytest.raises(LedgerError) as caught:
        row_model("cq-annex4")
    assert caught.value.code == "no-row-model"
    assert "cq-annex2" in str(caught.value)


def test_json_schema_lists_allowed_values_and_requirements() -> None:
    form = get_form("cq-annex2")
    schema = json_schema(form)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] == form.title and schema["additionalProperties"] is False
    props = schema["properties"]
    assert list(props) == [c.key for c in form.columns]
    assert props["source"]["enum"] == form.by_key["source"].values
    assert "国务院“互联网+督查”" in props["source"]["enum"]
    assert props["source"]["title"] == "问题来源"
    assert props["nature"]["enum"] == form.by_key["nature"].values
    assert props["disputed"]["enum"] == ["有", "无"]
    assert schema["required"] == [c.key for c in form.columns if c.required is True]
    assert props["due_month"]["pattern"].startswith("^")
    owed = props["owed"]["anyOf"]
    assert {"type": "number", "exclusiveMinimum": 0.0} in owed
    assert any(b.get("type") == "string" and "pattern" in b for b in owed)
    # Required-when and 所属领域 by 性质, as if/then.
    conditions = schema["allOf"]
    case_no = next(c for c in conditions if c["then"].get("required") == ["case_no"])
    assert case_no["if"]["properties"]["source"]["enum"] == form.by_key["case_no"].required_when.in_
    sector = [c for c in conditions if "const" in c["if"]["properties"].get("nature", {})]
    assert {c["if"]["properties"]["nature"]["const"] for c in sector} == {
        "政府序列部门（含政府投融资平台）",
        "非政府序列部门",
    }


def test_wuhan_and_contact_form_schemas() -> None:
    wh = json_schema("wh-ledger")["properties"]
    assert wh["accepted"]["format"] == "date"
    assert wh["progress"]["enum"][0] == "已清偿完毕"
    assert wh["creditor_contact"]["title"] == "被拖欠企业（经纪人）/联系人"
    contact = json_schema("cq-annex1")
    assert contact["properties"]["liaison_title"]["title"] == "联络人/职务"
    assert "liaison_phone" in contact["required"]


def test_forms_command_prints_the_schema() -> None:
    r = CliRunner().invoke(cli, ["forms", "--json-schema", "cq-annex2"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout) == json_schema("cq-annex2")
    assert "问题来源" in r.stdout  # Chinese as it is, not \\u escapes
    bad = CliRunner().invoke(cli, ["forms", "--json-schema", "cq-annex3", "--lang", "en"])
    assert bad.exit_code == 2
    assert "summary" in bad.output and "Traceback" not in bad.output
