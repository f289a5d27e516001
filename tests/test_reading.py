"""Finding form, sheet, header and data by content, in every layout districts send."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import ANNEX2_HEADERS, TITLE2, annex2_row, write_annex2
from ledgercli.check.validate import validate_file
from ledgercli.model.options import Options

DATA = Path(__file__).parent / "data"
SAMPLES = Path(__file__).parent.parent / "sample_data" / "submissions"


def rules(fr) -> list[tuple[str, str, int | None]]:  # type: ignore[no-untyped-def]
    return [(f.severity, f.rule, f.row) for f in fr.findings]


def test_title_unit_and_metadata_rows_above_header(tmp_path: Path) -> None:
    """Title rows, a 金额单位 row and a 填报单位 row are skipped; metadata is kept."""
    p = write_annex2(
        tmp_path / "a.xlsx",
        [annex2_row()],
        above=[["金额单位：万元"], ["填报单位：古南街道", None, "联系人：", "张三"]],
    )
    fr, ledger = validate_file(p, Options())
    assert fr.form == "cq-annex2" and fr.rows == 1
    assert fr.metadata == {"金额单位": "万元", "填报单位": "古南街道", "联系人": "张三"}
    assert ledger is not None and ledger.rows == [5]
    assert rules(fr) == []


def test_messy_headers_in_any_order_with_extra_column(tmp_path: Path) -> None:
    """Line breaks, units, full-width text and spaces in headers; shuffled; an extra column."""
    headers = list(ANNEX2_HEADERS)
    headers[headers.index("拖欠金额")] = "拖欠金额\n（万元）"
    headers[headers.index("合同金额")] = "合同金额(万元)"
    headers[headers.index("债务人统一社会信用代码")] = "债务人统一社会\n信用代码"
    headers[headers.index("企业名称")] = "企 业 名 称"
    headers[headers.index("问题编号")] = "问题编号"
    headers.reverse()
    headers.append("备注")
    row = annex2_row()
    row_by_header = {h: row[h] for h in ANNEX2_HEADERS}
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headers)
    plain = {
        "拖欠金额\n（万元）": "拖欠金额",
        "合同金额(万元)": "合同金额",
        "债务人统一社会\n信用代码": "债务人统一社会信用代码",
        "企 业 名 称": "企业名称",
    }
    ws.append([row_by_header.get(plain.get(h, h), "说明文字") for h in headers])
    p = tmp_path / "messy.xlsx"
    wb.save(p)
    fr, ledger = validate_file(p, Options())
    assert fr.form == "cq-annex2"
    assert ledger is not None and ledger.values["owed"] == [Decimal("50.5")]
    found = rules(fr)
    assert ("notice", "unknown-column", 1) in found
    assert [f for f in found if f[0] != "notice"] == []
    unknown = next(f for f in fr.findings if f.rule == "unknown-column")
    assert unknown.header == "备注" and unknown.column == "AC"


def test_total_row_and_instructions_end_the_data(tmp_path: Path) -> None:
    """A 合计 row is skipped, and the 填写说明 block under the table is not read as data."""
    p = write_annex2(
        tmp_path / "a.xlsx",
        [annex2_row(), annex2_row(序号=2, 合同名称="二号合同")],
        below=[[None, "合计", None], [], ["填写说明："], ["1.“问题来源”：指自行排查…"]],
    )
    fr, ledger = validate_file(p, Options())
    assert fr.rows == 2
    assert ("notice", "total-row-skipped", 5) in rules(fr)
    assert ("notice", "data-end", 7) in rules(fr)
    assert [f for f in rules(fr) if f[0] != "notice"] == []


def test_blank_rows_inside_data_are_skipped(tmp_path: Path) -> None:
    """Blank rows between cases are not cases; Excel rows are still right after them."""
    p = write_annex2(tmp_path / "a.xlsx", [annex2_row(), {}, annex2_row(序号=2, 合同名称="乙")])
    fr, ledger = validate_file(p, Options())
    assert ledger is not None and ledger.rows == [3, 5]


def test_sheet_found_by_content_and_sheet_option(tmp_path: Path) -> None:
    """The ledger may sit on any sheet; --sheet names one, and a wrong name lists the sheets."""
    p = write_annex2(tmp_path / "a.xlsx", [annex2_row()], sheet="明细")
    wb = openpyxl.load_workbook(p)
    wb.create_sheet("封面", 0).append(["报送材料"])
    wb.save(p)
    fr, _ = validate_file(p, Options())
    assert fr.sheet == "明细"
    fr, _ = validate_file(p, Options(sheet="无此表"))
    assert not fr.readable and fr.findings[0].rule == "no-sheet"
    assert "封面" in fr.findings[0].message("en")


def test_formula_without_cached_value_is_reported(tmp_path: Path) -> None:
    """A formula openpyxl wrote (no stored result) is an error, never read as blank or 0."""
    p = write_annex2(tmp_path / "a.xlsx", [annex2_row(剩余金额="=R3-V3-W3")])
    fr, _ = validate_file(p, Options())
    assert ("error", "formula-no-value", 3) in rules(fr)
    f = next(f for f in fr.findings if f.rule == "formula-no-value")
    assert f.column == "X" and f.value == "=R3-V3-W3"


@pytest.mark.parametrize("packing", ["deep", "stored", "encrypted"])
def test_formula_found_however_the_part_is_packed(
    tmp_path: Path, packing: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The search for formulas reads the sheet however it is stored: far down a deflated part
    (past many chunks, its text cut anywhere), stored uncompressed, or password-protected."""
    import zipfile

    from ledgercli.read import archive

    monkeypatch.setattr(archive, "INFLATE_CHUNK", 7)
    monkeypatch.setattr(archive, "CHUNK", 50)
    rows = [annex2_row(序号=n) for n in range(1, 60 if packing == "deep" else 3)]
    rows[-1]["剩余金额"] = "=R3-V3-W3"
    p = write_annex2(tmp_path / "a.xlsx", rows)
    last = 2 + len(rows)
    password = None
    if packing == "stored":
        q = tmp_path / "stored.xlsx"
        with zipfile.ZipFile(p) as src, zipfile.ZipFile(q, "w", zipfile.ZIP_STORED) as dst:
            for item in src.infolist():
                dst.writestr(item.filename, src.read(item))
        p = q
    elif packing == "encrypted":
        from msoffcrypto.format.ooxml import OOXMLFile

        q = tmp_path / "locked.xlsx"
        with p.open("rb") as fh, q.open("wb") as out:
            OOXMLFile(fh).encrypt("secret", out)
        p, password = q, "secret"
    fr, _ = validate_file(p, Options(password=password))
    assert ("error", "formula-no-value", last) in rules(fr)


def test_scan_finds_text_cut_between_chunks() -> None:
    """A formula, an error value or a far cell straddling two chunks is still found, at every
    chunk size."""
    import random

    from ledgercli.read.sheetscan import _FastScan

    rng = random.Random(1)
    head = b'<worksheet><dimension ref="A1:C30"/><sheetData>'
    noise = b"".join(
        b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (r, r, rng.randint(0, 99))
        for r in range(1, 30)
    )
    cases = {
        b'<c r="B3"><f>A1</f><v>1</v></c>': "formula",
        b'<c r="B3" t="e"><v>#REF!</v></c>': "formula",
        b'<c r="XFD1048576"><v>1</v></c>': "unusual",
        b'<c r="A31"><v>1</v></c>': "unusual",
        b'<c r="B3"><v>1</v></c>': None,
    }
    for planted, kind in cases.items():
        xml = head + noise + planted + noise + b"</sheetData></worksheet>"
        for size in (1, 7, 13, 64, len(xml)):
            scan = _FastScan(len(xml))
            chunks = [xml[i : i + size] for i in range(0, len(xml), size)]
            for chunk in chunks[:-1]:
                scan.feed(chunk)
            scan.feed(chunks[-1], final=True)
            got = "formula" if scan.facts.formulas else "unusual" if scan.unusual else None
            assert got == kind, (planted, size)


# Pieces of a worksheet's XML, ordinary and hostile, for the scan's engine to be held to re.
_XML_BITS = [
    b'<c r="B3">', b'<c r="AB2002">', b'<c r="AC1">', b'<c r="B2003">', b'<c r="b12">',
    b'<c r="A00000000000000000001">', b"<c>", b"<c/>", b'<c\tr="A1">', b"<c s=\"1\">",
    b'<c r=A1>', b"<v>1</v>", b"<v>#N/A</v>", b'<v t="x">#REF!</v>', b"<f>A1</f>", b"<f/>",
    b"<x:c ", b"<x:f>", b":row>", b"<!DOCTYPE", b"<!ENTITY", b"<cols>", b"<col ", b"<row r=\"3\">",
    b"\xe4\xb8\xad", b"\xff", b"<", b"c", b" ", b'"', b"r", b"=", b"0", b"9", b"#", b">",
]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_XML_BITS), max_size=40), st.integers(0, 40))
def test_scan_engine_finds_what_python_re_finds(bits: list[bytes], start: int) -> None:
    """The scan's one-pass engine (RE2) stops at the first place any of its patterns matches,
    where Python's re, trying each pattern, finds the first: the same place and kind."""
    import re

    from ledgercli.read.sheetscan import _KINDS, _beyond, _Searcher

    alts = [(k, p) for k, ps in _KINDS.items() for p in ps] + [("beyond", _beyond(2002, 28))]
    buf = b"".join(bits)
    start = min(start, len(buf))
    hits = [
        (m.start(), kind)
        for kind, p in alts
        if (m := re.compile(p.encode()).search(buf, start)) is not None
    ]
    at, kind = _Searcher(alts).search(buf, start)
    first = min((h for h, _ in hits), default=-1)
    assert at == first
    if at >= 0:
        assert kind == next(k for h, k in hits if h == at)


def test_a_part_inflating_past_its_declared_size_is_refused(tmp_path: Path) -> None:
    """A part that inflates past the size the archive declares is not inflated further (the
    size limits were checked against the declared size), and the file is refused."""
    import random
    import zipfile

    from ledgercli.model.errors import UnreadableFile
    from ledgercli.read.archive import Archive

    p = tmp_path / "a.zip"
    rng = random.Random(2)
    noise = bytes(rng.choice(b"0123456789") for _ in range(150_000))
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("big.xml", b"<c>" + noise + b"</c>")
    data = p.read_bytes()
    assert sum(map(len, Archive(data, "a", 10).chunks("big.xml"))) == 150_007
    lying = Archive(data, "a", 10)
    lying.infos["big.xml"].file_size = 10_000  # what a lying archive would declare
    seen = 0
    with pytest.raises(UnreadableFile) as exc:
        for chunk in lying.chunks("big.xml"):
            seen += len(chunk)
    assert exc.value.code == "part-size-lie" and seen <= 10_000


def test_error_cell_is_reported(tmp_path: Path) -> None:
    """A real #N/A error cell (type e) is an error at its cell."""
    p = write_annex2(tmp_path / "a.xlsx", [annex2_row()])
    wb = openpyxl.load_workbook(p)
    cell = wb.active["Q3"]
    cell.value = "#N/A"
    cell.data_type = "e"
    wb.save(p)
    fr, _ = validate_file(p, Options())
    assert ("error", "excel-error", 3) in rules(fr)


def test_required_column_missing(tmp_path: Path) -> None:
    """A form whose required column is absent says which, at the header row."""
    headers = [h for h in ANNEX2_HEADERS if h != "有无分歧"]
    p = write_annex2(tmp_path / "a.xlsx", [annex2_row()], headers=headers)
    fr, _ = validate_file(p, Options())
    missing = [f for f in fr.findings if f.rule == "missing-column"]
    assert [(m.severity, m.header, m.row) for m in missing] == [("error", "有无分歧", 2)]


def test_yuan_declared_over_wan_amounts_is_a_conflict(tmp_path: Path) -> None:
    """A sheet that says 元 above amounts that cannot be 元 (50.5 owed): the unit is in
    doubt, an error at the declaration (test_amount_unit.py covers the unit of amount)."""
    p = write_annex2(tmp_path / "a.xlsx", [annex2_row()], above=[["金额单位：元"]])
    fr, _ = validate_file(p, Options())
    assert ("error", "amount-unit-conflict", 2) in rules(fr)


@pytest.mark.parametrize(
    "name", ["libreoffice-annex2.xlsx", "libreoffice-annex2.xls", "libreoffice-annex2.ods"]
)
def test_libreoffice_files(name: str) -> None:
    """Files saved by LibreOffice read the same in every format (see tests/data/README.md)."""
    fr, ledger = validate_file(DATA / name, Options())
    assert fr.form == "cq-annex2" and fr.sheet == "附件2" and fr.rows == 5
    assert rules(fr) == [("notice", "month-normalized", 4)]
    assert ledger is not None
    assert ledger.values["seq"] == [1, 2, 3, 4, 5]
    assert ledger.values["due_month"][1] == "2021-09"
    assert sum(ledger.values["owed"], Decimal(0)) == Decimal("611.5176")
    assert ledger.values["creditor_code"][1] == "9150022203835201XT"
    assert ledger.values["judicial"][4] == Decimal("50")


def test_libreoffice_wuhan_two_level_header() -> None:
    """The Wuhan .xls: two-level merged header, metadata row, the 违法程序 typo as an alias."""
    fr, ledger = validate_file(DATA / "libreoffice-wuhan.xls", Options(today=dt.date(2026, 1, 1)))
    assert fr.form == "wh-ledger" and fr.rows == 3
    assert fr.metadata["填报单位"] == "江岸区减负办"
    assert [f for f in fr.findings if f.severity != "notice"] == []
    alias = [f for f in fr.findings if f.rule == "header-alias"]
    assert [a.value for a in alias] == ["是否进入违法程序"]
    assert ledger is not None and ledger.unit == "江岸区减负办"
    assert set(ledger.columns) >= {
        "creditor",
        "creditor_contact",
        "debtor",
        "owed_works",
        "owed_other",
        "judicial",
        "progress",
        "clue_source",
    }


def test_sample_messy_file_is_valid() -> None:
    """The bundled messy-but-valid submission has no error and no warning."""
    fr, ledger = validate_file(SAMPLES / "附件2-通惠街道（格式不规范）.xlsx", Options())
    assert fr.form == "cq-annex2"
    assert [f for f in fr.findings if f.severity != "notice"] == []
    assert {f.rule for f in fr.findings} >= {
        "month-normalized",
        "number-normalized",
        "alias-normalized",
        "unknown-column",
        "total-row-skipped",
    }


def test_sample_annex1_contact_form() -> None:
    """The annex-1 liaison form is recognised as key–value and read field by field."""
    fr, ledger = validate_file(SAMPLES / "附件1-古南街道-联络表.xlsx", Options())
    assert fr.form == "cq-annex1" and not fr.findings
    assert ledger is not None
    assert ledger.values["unit"] == ["古南街道"]
    assert all(
        ledger.values[k][0]
        for k in (
            "lead_unit",
            "leader",
            "leader_phone",
            "liaison",
            "liaison_title",
            "liaison_phone",
        )
    )


def test_annex1_bad_phone(tmp_path: Path) -> None:
    """A wrong phone on the liaison form is an error at its row."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["街镇、部门防范和化解拖欠中小企业账款专项行动工作联络表"])
    ws.append(["区 县：", "古南街道"])
    ws.append(["牵头单位", "古南街道办事处"])
    ws.append(["责任领导", "张三", "职 务", "副主任", "联系电话", "12345"])
    ws.append(["联络人", "李四", "职 务", "科员", "联系电话", "13812345678"])
    p = tmp_path / "a1.xlsx"
    wb.save(p)
    fr, ledger = validate_file(p, Options())
    assert fr.form == "cq-annex1"
    # The header names whose phone it is: 联系电话 alone would not say.
    assert [(f.severity, f.rule, f.row, f.header) for f in fr.findings] == [
        ("error", "bad-phone", 4, "责任领导/联系电话")
    ]
    assert ledger is not None and ledger.values["leader_title"] == ["副主任"]


def test_title_alone_is_not_a_header(tmp_path: Path) -> None:
    """A title without a header row is 'no recognizable header', not an empty ledger."""
    wb = openpyxl.Workbook()
    wb.active.append([TITLE2])
    p = tmp_path / "t.xlsx"
    wb.save(p)
    fr, _ = validate_file(p, Options())
    assert not fr.readable and fr.findings[0].rule == "no-header"


def test_later_sheets_not_loaded_once_the_ledger_is_found() -> None:
    """A sheet naming every column settles the search: a merged workbook's 问题 sheet is
    never loaded (calamine parses a whole sheet to show its first rows)."""
    from helpers import ANNEX2_HEADERS
    from ledgercli.model.forms import input_forms
    from ledgercli.read.table import locate
    from ledgercli.read.workbook import Book, Sheet

    loaded: list[str] = []

    def load(name: str) -> Sheet:
        loaded.append(name)
        rows = [(1, list(ANNEX2_HEADERS)), (2, list(annex2_row().values()))]
        return Sheet(name=name, rows=rows if name == "明细" else [(1, ["文件", "说明"])])

    book = Book(
        path=Path("city.xlsx"),
        format="xlsx",
        sheet_names=["明细", "问题", "来源"],
        typed=True,
        _loader=load,
    )
    loc = locate(book, input_forms())
    assert loc.sheet.name == "明细" and loaded == ["明细"]


def test_annex2_two_level_header(tmp_path: Path) -> None:
    """债务人/债权人 groups over short leaves (名称, 统一社会信用代码, 联系人, 联系电话) are read."""
    row = annex2_row()
    short = {
        "主体名称": "名称",
        "债务人统一社会信用代码": "统一社会信用代码",
        "债务人联系人": "联系人",
        "债务人联系电话": "联系电话",
        "企业名称": "名称",
        "债权人统一社会信用代码": "统一社会信用代码",
        "债权人联系人": "联系人",
        "债权人联系电话": "联系电话",
    }
    upper, lower = [], []
    for h in ANNEX2_HEADERS:
        if h in short:
            debtor = h.startswith(("主体", "债务人"))
            first = h in ("主体名称", "债务人联系人", "企业名称")  # each run of the group
            upper.append(
                ("拖欠主体（债务人）" if debtor else "被拖欠企业（债权人）") if first else ""
            )
            lower.append(short[h])
        else:
            upper.append(h)
            lower.append("")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([TITLE2])
    ws.append(upper)
    ws.append(lower)
    ws.append(list(row.values()))
    p = tmp_path / "two.xlsx"
    wb.save(p)
    fr, ledger = validate_file(p, Options())
    assert fr.form == "cq-annex2"
    assert [f for f in fr.findings if f.severity != "notice"] == []
    assert ledger is not None and ledger.values["creditor_contact"] == ["李四"]
    assert ledger.values["debtor_code"] == [row["债务人统一社会信用代码"]]


def test_summary_table_sent_instead_of_ledger(tmp_path: Path) -> None:
    """A district's own annex 4 is named as a summary, with the command that checks it."""
    wb = openpyxl.Workbook()
    wb.active.append(["防范和化解拖欠中小企业账款问题化解情况汇总表"])
    wb.active.append(["序号", "部门街镇", "总体情况"])
    p = tmp_path / "附件4.xlsx"
    wb.save(p)
    fr, _ = validate_file(p, Options())
    assert not fr.readable and fr.findings[0].rule == "summary-table"
    assert "ledger summarize --check" in fr.findings[0].message("en")


def test_renamed_required_column_suggests_the_likely_one(tmp_path: Path) -> None:
    """合同名称 renamed 合同项目名称: the missing-column error points at column P."""
    headers = ["合同项目名称" if h == "合同名称" else h for h in ANNEX2_HEADERS]
    p = write_annex2(tmp_path / "a.xlsx", [annex2_row()], headers=headers)
    fr, _ = validate_file(p, Options())
    (f,) = [f for f in fr.findings if f.rule == "missing-column"]
    assert f.message("en") == "the column '合同名称' is missing; perhaps column P “合同项目名称”?"


def test_no_form_searches_below_a_complete_header(monkeypatch: pytest.MonkeyPatch) -> None:
    """Once annex 2's header is complete the rows below it are its data: the other forms (and
    the annex-1 roster, tried last) look for their header only in the rows above, which is
    what keeps the header search cheap on a folder of long ledgers."""
    from ledgercli.model.forms import input_forms
    from ledgercli.read import table
    from ledgercli.read.workbook import Book, Sheet

    title = (1, [TITLE2])
    header = (2, list(ANNEX2_HEADERS))
    data = [(3 + i, list(annex2_row(序号=i + 1).values())) for i in range(60)]
    book = Book(
        path=Path("d.xlsx"),
        format="xlsx",
        sheet_names=["附件2"],
        typed=True,
        _loader=lambda name: Sheet(name=name, rows=[title, header, *data]),
    )
    tried: dict[str, list[int]] = {}
    real = table.match_header

    def spy(form, lower, upper):  # type: ignore[no-untyped-def]
        excel_row = next(r for r, cells in [title, header, *data] if cells is lower)
        tried.setdefault(form.id + ("/roster" if form.is_roster else ""), []).append(excel_row)
        return real(form, lower, upper)

    monkeypatch.setattr(table, "match_header", spy)
    loc = table.locate(book, input_forms())
    assert loc.form.id == "cq-annex2" and loc.header_row == 2
    assert tried["cq-annex2"] == [1, 2]
    assert tried["wh-ledger"] == [1, 2] and tried["cq-annex1/roster"] == [1, 2]


def _county(path: Path) -> Path:
    """A county's workbook with a sheet per town: notes, 横山镇 (3 cases), 郭扶镇 (4 cases, its
    columns shifted right by a 备注 column, one case also on 横山镇, one 问题编号 also there,
    one bad 欠款类型), and a blank copy of the form."""
    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = "填报说明"
    notes.append(["请按附件2格式填写，每个单位一张表"])
    ws = wb.create_sheet("横山镇")
    ws.append([TITLE2])
    ws.append(ANNEX2_HEADERS)
    for i in range(3):
        number = "DC2022000001" if i == 2 else None
        row = annex2_row(序号=i + 1, 合同名称=f"横山镇{i}号合同", 问题编号=number)
        ws.append(list(row.values()))
    ws = wb.create_sheet("郭扶镇")
    ws.append([TITLE2])
    ws.append(["备注", *ANNEX2_HEADERS])
    for i in range(4):
        row = annex2_row(序号=i + 1, 合同名称=f"郭扶镇{i}号合同")
        if i == 1:
            row = annex2_row(序号=2, 合同名称="横山镇0号合同")  # the same case as 横山镇 row 3
        if i == 2:
            row["问题编号"] = "DC2022000001"  # the number of 横山镇 row 5
        if i == 3:
            row["欠款类型"] = "劳务"
        ws.append(["", *row.values()])
    blank = wb.create_sheet("空白表")
    blank.append([TITLE2])
    blank.append(ANNEX2_HEADERS)
    wb.save(path)
    return path


def test_every_sheet_holding_the_form_is_read(tmp_path: Path) -> None:
    """A county's workbook with a sheet per town: every sheet holding the form is read into one
    ledger of the file whose rows keep their sheet; findings name their sheet, row and (shifted)
    column; what spans sheets (a case or a 问题编号 on two) is found; 序号 starts again on each
    sheet; a blank copy of the form is silent; --sheet reads one sheet."""
    path = _county(tmp_path / "county.xlsx")
    fr, ledger = validate_file(path, Options())
    assert ledger is not None
    assert (fr.sheet, fr.sheets, fr.rows) == ("横山镇", ["横山镇", "郭扶镇"], 7)
    assert ledger.sheet == "横山镇" and ledger.sheet_names == ["横山镇", "郭扶镇"]
    assert ledger.row_sheets == ["横山镇"] * 3 + ["郭扶镇"] * 4
    assert ledger.rows == [3, 4, 5, 3, 4, 5, 6]
    assert [ledger.place(i) for i in (0, 3)] == ["横山镇!3", "郭扶镇!3"]
    assert not [f for f in fr.findings if f.rule == "other-ledger-sheet"]
    got = [
        (f.severity, f.rule, f.sheet, f.row, f.column, f.message("en"))
        for f in fr.findings
        if f.severity != "notice" or f.rule == "ledger-sheets"
    ]
    assert got == [
        (
            "notice",
            "ledger-sheets",
            None,
            None,
            None,
            "2 sheets hold this form and every one was read (sheet rows): 横山镇 3; 郭扶镇 4",
        ),
        (
            "warning",
            "duplicate-case",
            "郭扶镇",
            4,
            "Q",
            "the same case as sheet '横山镇' row 3 "
            f"({ledger.get('debtor_code', 0)} / {ledger.get('creditor_code', 0)} / 横山镇0号合同)",
        ),
        ("error", "duplicate-value", "郭扶镇", 5, "D", "the same as sheet '横山镇' row 5"),
        (
            "error",
            "value-not-allowed",
            "郭扶镇",
            6,
            "T",
            "'劳务' is not an allowed value; choose one of: 工程、货物、服务",
        ),
    ]
    # Each row's counts (校验状态 of a merge) include what spans sheets.
    assert ledger.errors == [0, 0, 0, 0, 0, 1, 1]
    assert ledger.warnings == [0, 0, 0, 0, 1, 0, 0]
    fr, ledger = validate_file(path, Options(sheet="郭扶镇"))
    assert ledger is not None
    assert (fr.sheets, fr.rows, ledger.rows) == (["郭扶镇"], 4, [3, 4, 5, 6])
    assert not [f for f in fr.findings if f.rule in ("ledger-sheets", "duplicate-case")]


def test_a_second_contact_form_is_named_not_lost(tmp_path: Path) -> None:
    """A contact form (annex 1) holds one record: a second one on another sheet is not read,
    and a warning names it."""
    wb = openpyxl.Workbook()
    for n, unit in enumerate(("古南街道", "文龙街道")):
        ws = wb.active if n == 0 else wb.create_sheet()
        ws.title = unit
        ws.append(["区 县：", unit])
        ws.append(["牵头单位", f"{unit}办事处"])
        ws.append(["责任领导", "张三", "职 务", "副主任", "联系电话", "13812345678"])
        ws.append(["联络人", "李四", "职 务", "科员", "联系电话", "13812345679"])
    path = tmp_path / "联络表.xlsx"
    wb.save(path)
    fr, _ = validate_file(path, Options())
    assert fr.form == "cq-annex1" and fr.sheets == ["古南街道"]
    others = [f for f in fr.findings if f.rule == "other-ledger-sheet"]
    assert [(f.severity, f.sheet) for f in others] == [("warning", "文龙街道")]
    assert "only '古南街道' was read" in others[0].message("en")


def test_every_sheet_is_read_in_a_format_without_heads() -> None:
    """Where only whole sheets can be loaded (.xls, .ods), the other sheets are read too."""
    from ledgercli.check.validate import _validate
    from ledgercli.read.workbook import Book, Sheet

    def sheet(name: str) -> Sheet:
        row = annex2_row(合同名称=f"{name}合同")
        rows = [(1, list(ANNEX2_HEADERS)), (2, list(row.values()))]
        return Sheet(name=name, rows=rows if name != "说明" else [(1, ["每个单位一张表"])])

    book = Book(
        path=Path("county.xls"),
        format="xls",
        sheet_names=["甲镇", "说明", "乙镇"],
        typed=True,
        _loader=sheet,
    )
    fr, ledger = _validate(Path("county.xls"), Options(), None, lambda: book)
    assert ledger is not None
    assert (fr.sheet, fr.sheets, fr.rows) == ("甲镇", ["甲镇", "乙镇"], 2)
    assert ledger.values["contract"] == ["甲镇合同", "乙镇合同"]


def test_unit_merged_down_the_rows_is_each_rows_unit(tmp_path: Path) -> None:
    """街镇部门 merged over a town's cases holds its value in the top cell only: each row it
    covers takes that value (one notice for the range), while a merged amount is left alone."""
    rows = [annex2_row(序号=i + 1, 合同名称=f"{i}号合同") for i in range(4)]
    path = write_annex2(tmp_path / "merged.xlsx", rows)
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    col = ANNEX2_HEADERS.index("街镇部门") + 1
    owed = ANNEX2_HEADERS.index("拖欠金额") + 1
    for r in (4, 5):
        ws.cell(r, col).value = None
    ws.merge_cells(start_row=3, start_column=col, end_row=5, end_column=col)
    ws.merge_cells(start_row=5, start_column=owed, end_row=6, end_column=owed)
    wb.save(path)
    fr, ledger = validate_file(path, Options())
    assert ledger is not None
    assert ledger.values["unit"] == [annex2_row()["街镇部门"]] * 4
    notes = [(f.rule, f.row, f.params) for f in fr.findings if f.rule == "merged-filled"]
    letter = openpyxl.utils.get_column_letter(col)
    assert notes == [("merged-filled", 3, {"range": f"{letter}3:{letter}5"})]
    # The amount merged over rows 5–6 is one amount: row 6 is still missing its own.
    assert [f.row for f in fr.findings if f.rule == "required" and f.header == "拖欠金额"] == [6]


def test_placeholder_in_a_required_cell_is_named(tmp_path: Path) -> None:
    """无 in a required cell counts as blank, and the finding says so with the 无 shown
    (not 'empty' beside a cell that visibly is not)."""
    path = write_annex2(tmp_path / "a.xlsx", [annex2_row(债务人统一社会信用代码="无")])
    fr, _ = validate_file(path, Options())
    found = [(f.rule, f.value) for f in fr.findings if f.severity == "error"]
    assert found == [("required-placeholder", "无")]
    error = next(f for f in fr.findings if f.severity == "error")
    assert error.message("en") == "'无' stands for blank, but this is required"
