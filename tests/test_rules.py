"""Every annex-2 rule, failing and passing, on tiny in-memory ledgers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from helpers import ANNEX2_HEADERS, CREDITOR, DEBTOR, annex2_row, uscc
from ledgercli.check.validate import validate_grid
from ledgercli.model.options import Options

ROOT = Path(__file__).parent.parent
SCHEMAS = ROOT / "schemas"
SAMPLES = ROOT / "sample_data" / "submissions"


def check(*rows: dict[str, Any], cutoff: str | None = None) -> list[list[Any]]:
    """Validate rows under the official header; return [severity, rule, row, column]."""
    grid = [ANNEX2_HEADERS, *[list(r.values()) for r in rows]]
    fr, _ = validate_grid(grid, Options(cutoff=cutoff))
    return [[f.severity, f.rule, f.row, f.column] for f in fr.findings]


def test_valid_row_has_no_findings() -> None:
    """The reference row of the helpers is clean: every other test breaks one thing."""
    assert check(annex2_row()) == []


FAILING = [
    # (what, overrides, expected [severity, rule, column])
    ("missing debtor", {"主体名称": None}, ["error", "required", "E"]),
    ("seq blank warns", {"序号": None}, ["warning", "required", "A"]),
    ("source not in list", {"问题来源": "电话举报"}, ["error", "value-not-allowed", "B"]),
    (
        "platform case without number",
        {"问题来源": "国务院“互联网+督查”"},
        ["error", "required-when", "C"],
    ),
    ("nature not in list", {"性质": "个体户"}, ["error", "value-not-allowed", "G"]),
    (
        "large enterprise without parent",
        {"性质": "大型企业（央企）", "债务人所属领域": None},
        ["error", "required-when", "H"],
    ),
    ("government debtor without sector", {"债务人所属领域": None}, ["error", "required-when", "I"]),
    (
        "sector not allowed for nature",
        {"性质": "非政府序列部门", "债务人所属领域": "住建"},
        ["error", "value-not-allowed-for", "I"],
    ),
    ("sector for an institution", {"性质": "事业单位"}, ["warning", "value-not-applicable", "I"]),
    (
        "credit code check char",
        {"债务人统一社会信用代码": DEBTOR[:17] + ("0" if DEBTOR[17] != "0" else "1")},
        ["error", "credit-code-check", "F"],
    ),
    (
        "credit code 17 chars",
        {"债务人统一社会信用代码": DEBTOR[:17]},
        ["error", "credit-code-length", "F"],
    ),
    (
        "credit code with O",
        {"债务人统一社会信用代码": "O" + DEBTOR[1:]},
        ["error", "credit-code-chars", "F"],
    ),
    (
        "credit code region letters",
        {"债务人统一社会信用代码": uscc("91AB0222MA5U12345")},
        ["error", "credit-code-region", "F"],
    ),
    (
        "credit code stored as a number",
        {"债权人统一社会信用代码": 915002226.0e8},
        ["error", "stored-as-number", "M"],
    ),
    ("bad mobile", {"债务人联系电话": "1381234567"}, ["error", "bad-phone", "K"]),
    (
        "fixed line without area code",
        {"债权人联系电话": "63895398"},
        ["warning", "phone-no-area-code", "O"],
    ),
    (
        "debtor is creditor",
        {"债权人统一社会信用代码": DEBTOR},
        ["error", "debtor-is-creditor", "M"],
    ),
    ("negative contract", {"合同金额": -1}, ["error", "negative-amount", "Q"]),
    ("owed zero", {"拖欠金额": 0, "剩余金额": 0}, ["error", "amount-not-positive", "R"]),
    ("owed above contract", {"合同金额": 40}, ["warning", "owed-exceeds-contract", "R"]),
    (
        # One finding for the row: its cells' "looks like 元" fold into the row's suspicion.
        "amount in yuan",
        {"合同金额": 400000, "拖欠金额": 350000, "剩余金额": 350000},
        ["warning", "amount-suspect-yuan", "R"],
    ),
    ("contract in yuan", {"合同金额": 1000000}, ["warning", "looks-like-yuan", "Q"]),
    ("debt type", {"欠款类型": "劳务"}, ["error", "value-not-allowed", "S"]),
    ("bad month", {"最迟付款日期": "2022-13"}, ["error", "bad-month", "T"]),
    ("due after cutoff", {"最迟付款日期": "2022-09"}, ["warning", "due-after-cutoff", "T"]),
    ("dispute value", {"有无分歧": "不清楚"}, ["error", "value-not-allowed", "U"]),
    (
        "cleared not owed",
        {"清偿完毕金额": 30, "剩余金额": 20.5},
        ["error", "cleared-not-owed", "V"],
    ),
    ("repaid all", {"已偿还金额": 50.5, "剩余金额": 0}, ["error", "repaid-not-less", "W"]),
    ("remaining wrong", {"已偿还金额": 10, "剩余金额": 50.5}, ["error", "remaining-mismatch", "X"]),
    (
        "remaining without due",
        {"剩余金额约定最迟偿还时间": None},
        ["warning", "required-above", "Y"],
    ),
    (
        "agreement above balance",
        {"协议还款金额": 60, "协议约定最迟偿还时间": "2022-12"},
        ["error", "agreement-exceeds-balance", "Z"],
    ),
    ("agreement without date", {"协议还款金额": 10}, ["error", "required-above", "AA"]),
    ("judicial above owed", {"进入司法程序的金额": 51}, ["error", "judicial-exceeds-owed", "AB"]),
    ("excel error text", {"合同金额": "#REF!"}, ["error", "excel-error", "Q"]),
    ("not a number", {"合同金额": "一百"}, ["error", "bad-number", "Q"]),
]


@pytest.mark.parametrize(("what", "overrides", "expected"), FAILING, ids=[c[0] for c in FAILING])
def test_rule_fails(what: str, overrides: dict[str, Any], expected: list[str]) -> None:
    """Breaking one thing yields exactly that finding at the right cell of Excel row 2."""
    sev, rule, col = expected
    found = check(annex2_row(**overrides))
    assert [sev, rule, 2, col] in found, found
    assert all(f[0] != "error" for f in found if f != [sev, rule, 2, col]) or sev == "error"


PASSING = [
    ("paid in full", {"清偿完毕金额": 50.5, "剩余金额": 0, "剩余金额约定最迟偿还时间": None}),
    ("partly repaid", {"已偿还金额": 20.5, "剩余金额": 30}),
    ("agreement", {"协议还款金额": 50.5, "协议约定最迟偿还时间": "2022-12"}),
    ("in court", {"进入司法程序的金额": 50.5}),
    (
        "platform case with number",
        {
            "问题来源": "工业和信息化部违约拖欠中小企业款项登记（投诉）平台",
            "问题编号": "GXB-2022-0001",
        },
    ),
    (
        "large enterprise",
        {"性质": "大型企业（地方国企）", "隶属关系": "重庆城投集团", "债务人所属领域": None},
    ),
    ("non-government sector", {"性质": "非政府序列部门", "债务人所属领域": "宣传部"}),
    (
        "remaining to the 0.0001",
        {"拖欠金额": 10.00005, "合同金额": 20, "已偿还金额": 3.3333, "剩余金额": 6.6667},
    ),
    ("code of another authority", {"债务人统一社会信用代码": uscc("Y1500222MA5U12345")}),
    ("code from N2", {"债权人统一社会信用代码": uscc("N2500222MA5U1234X")}),
    ("mobile stored as a number", {"债务人联系电话": 13812345678}),
    ("two numbers", {"债务人联系电话": "13812345678/023-63895398"}),
    ("later cutoff", {"最迟付款日期": "2022-09"}),
]


@pytest.mark.parametrize(("what", "overrides"), PASSING, ids=[c[0] for c in PASSING])
def test_rule_passes(what: str, overrides: dict[str, Any]) -> None:
    """Legitimate variations of a case raise no error and no warning."""
    cutoff = "2022-12" if what == "later cutoff" else None
    found = check(annex2_row(**overrides), cutoff=cutoff)
    assert [f for f in found if f[0] != "notice"] == []


def test_duplicate_case_number_and_seq() -> None:
    """问题编号 repeated in a file is an error; a repeated 序号 a warning, both naming row 2."""
    a = annex2_row(问题来源="信访", 问题编号="XF-1")
    b = annex2_row(问题来源="信访", 问题编号="XF-1", 合同名称="另一合同")
    found = check(a, b)
    assert ["error", "duplicate-value", 3, "C"] in found
    assert ["warning", "duplicate-value", 3, "A"] in found


def test_duplicate_case_by_parties_and_contract() -> None:
    """Without 问题编号, the same debtor, creditor and contract (spaces aside) is one case twice."""
    a = annex2_row(序号=1)
    b = annex2_row(序号=2, 合同名称=" 古南大道 改造工程施工合同 ")
    found = check(a, b)
    assert ["warning", "duplicate-case", 3, "P"] in found


def test_every_finding_collected_not_only_the_first() -> None:
    """A row with three problems reports all three."""
    found = check(annex2_row(主体名称=None, 欠款类型="劳务", 债务人联系电话="12"))
    rules = {f[1] for f in found}
    assert {"required", "value-not-allowed", "bad-phone"} <= rules


def test_creditor_code_constant_is_valid() -> None:
    """The helpers' codes are valid, so rule tests break only what they mean to."""
    assert CREDITOR != DEBTOR


def test_rules_stay_quiet_about_unreadable_cells() -> None:
    """A negative 拖欠金额 is one error, not also a remaining-mismatch computed from it."""
    found = check(annex2_row(拖欠金额=-1, 剩余金额=5))
    assert [f[1] for f in found if f[0] == "error"] == ["negative-amount"]


def test_merged_workbook_duplicate_across_submissions_is_a_warning() -> None:
    """In a merged workbook a 问题编号 from two submissions is the same case reported twice
    (a warning, as merge said); twice from one submission it stays an error."""
    head = [*ANNEX2_HEADERS, "来源文件", "来源行号"]
    a = annex2_row(问题来源="信访", 问题编号="XF-1")
    b = annex2_row(问题来源="信访", 问题编号="XF-1", 合同名称="另一合同")
    grid = [head, [*a.values(), "a.xlsx", 3], [*b.values(), "b.xlsx", 3]]
    fr, _ = validate_grid(grid)
    assert [(f.severity, f.rule) for f in fr.findings if f.column == "C"] == [
        ("warning", "duplicate-value")
    ]
    grid = [head, [*a.values(), "a.xlsx", 3], [*b.values(), "a.xlsx", 4]]
    fr, _ = validate_grid(grid)
    assert [(f.severity, f.rule) for f in fr.findings if f.column == "C"] == [
        ("error", "duplicate-value")
    ]


def test_required_above_reads_as_a_sentence() -> None:
    """A condition on an amount is said in words ('大于0'), and a warning does not say 必须."""
    row = annex2_row(剩余金额约定最迟偿还时间=None)
    grid = [ANNEX2_HEADERS, [row.get(h) for h in ANNEX2_HEADERS]]
    fr, _ = validate_grid(grid, Options())
    found = next(f for f in fr.findings if f.rule == "required-above")
    assert found.severity == "warning"
    assert found.message("zh") == "剩余金额大于0时应填写"
    assert found.message("en") == "required when 剩余金额 is above 0"


def test_every_bundled_form_lists_only_known_checks() -> None:
    """The checks a bundled schema names exist (a custom one is refused when loaded)."""
    from ledgercli.check.rules import unknown_checks
    from ledgercli.model.forms import builtin_forms

    for form in builtin_forms().values():
        assert unknown_checks(form.checks) == [], form.id


def test_a_schema_naming_an_unknown_check_is_refused(tmp_path: Path) -> None:
    """`--schema` with a misspelt check: exit 2 before any file is read, naming file and key."""
    from click.testing import CliRunner

    from ledgercli.cli import cli

    text = (SCHEMAS / "cq-annex2.toml").read_text("utf-8")
    schema = tmp_path / "mine.toml"
    schema.write_text(text.replace('"debtor-is-creditor",', '"debtor-is-creditr",'), "utf-8")
    out = tmp_path / "city.xlsx"
    for args in (["validate"], ["merge", "-o", str(out)]):
        res = CliRunner().invoke(cli, [*args, str(SAMPLES), "--schema", str(schema)])
        assert res.exit_code == 2, (args, res.output)
        assert "mine.toml" in res.output and "debtor-is-creditr" in res.output
        assert "checks" in res.output and not out.exists()


@pytest.mark.parametrize(
    ("cell", "shown"),
    [(-0.0, "0"), (1e-07, "0.0000001"), (1.2345678901234567e17, "123456789012346000")],
)
def test_city_workbook_shows_a_bad_number_as_its_finding_does(cell: float, shown: str) -> None:
    """A cell the city workbook keeps as its text because it could not be read (a number in
    有无分歧) shows what Excel showed the clerk, as the finding on it does: -0 as 0, no
    exponent, 15 significant digits."""
    from ledgercli.model.cityformat import detail_columns, form_columns, row_cells

    grid = [ANNEX2_HEADERS, list(annex2_row(有无分歧=cell).values())]
    fr, ledger = validate_grid(grid)
    assert ledger is not None
    (finding,) = [
        f for f in fr.findings if [f.rule, f.row, f.column] == ["value-not-allowed", 2, "U"]
    ]
    assert finding.value == shown
    cols, _ = detail_columns(ledger.form)
    keys = [c.key for c in form_columns(cols, ledger.form)]
    (row,) = row_cells(ledger, cols)
    assert row[keys.index("disputed")] == shown
