"""Deterministic large annex-2 workbooks for benchmarks.

`python bench/make_large.py --rows 100000 -o bench/out/annex2-100k.xlsx` writes one workbook of
valid cases drawn from the same generator as the sample data (a pool of rows, repeated with new
序号 and 问题编号 so that rows stay valid and unique), through xlsxwriter's constant-memory mode.

Two shapes of data (`--shape`):
- `city` (the default), as a city's ledgers are: the debtors repeat (about 300 departments and
  companies, each with its own code and contact), most creditors do not: three rows in four
  name a creditor with its own credit code and phone, seen in no other row of any file (random
  mobile prefixes and fixed lines of many area codes), and every 合同名称 differs.
- `repeat`, the earlier shape: a few hundred parties whose contacts are stable across rows and
  files, so most phones and codes repeat and a per-value cache does most of the work.
Both keep every row valid and the amounts, statuses and sources of the pool, so the ground
truth of `run.py` holds for either.
"""

from __future__ import annotations

import argparse
import random
import sys
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _sample_generator():  # type: ignore[no-untyped-def]
    """sample_data/generate.py, the one generator of realistic valid rows."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "sample_generate", HERE.parent / "sample_data" / "generate.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["sample_generate"] = module
    spec.loader.exec_module(module)
    return module


_gen = _sample_generator()
ANNEX2_HEADERS, ANNEX2_TITLE, annex2_rows = _gen.ANNEX2_HEADERS, _gen.ANNEX2_TITLE, _gen.annex2_rows

UNITS = [
    "古南街道",
    "文龙街道",
    "三江街道",
    "通惠街道",
    "永新镇",
    "区住房城乡建委",
    "区交通局",
    "区教委",
    "区卫生健康委",
    "区水利局",
]
POOL = 2000
SHAPES = ("city", "repeat")
UNIQUE_CREDITORS = 0.75  # share of rows whose creditor appears nowhere else
# Counties a debtor's name may carry: 30 base debtors × 10 = about 300 debtors in a city.
DEBTOR_COUNTIES = [
    "綦江区",
    "万州区",
    "涪陵区",
    "渝中区",
    "江北区",
    "南岸区",
    "北碚区",
    "渝北区",
    "巴南区",
    "江津区",
]
# Mobile blocks phonenumbers' CN metadata accepts in full (any 8 digits after them).
MOBILE_BLOCKS = [
    "130",
    "131",
    "132",
    "133",
    "134",
    "135",
    "136",
    "137",
    "138",
    "139",
    "145",
    "147",
    "150",
    "151",
    "152",
    "153",
    "155",
    "156",
    "157",
    "158",
    "159",
    "162",
    "165",
    "166",
    "167",
    "170",
    "171",
    "172",
    "173",
    "175",
    "176",
    "177",
    "178",
    "180",
    "181",
    "182",
    "183",
    "184",
    "185",
    "186",
    "187",
    "188",
    "189",
    "190",
    "191",
    "192",
    "193",
    "195",
    "196",
    "197",
    "198",
    "199",
]
# Area codes of every length the fixed-line numbers use (3 digits: the big cities; 4: the rest).
AREA_CODES = [
    "010",
    "020",
    "021",
    "022",
    "023",
    "024",
    "025",
    "027",
    "028",
    "029",
    "0311",
    "0351",
    "0371",
    "0431",
    "0451",
    "0531",
    "0551",
    "0571",
    "0591",
    "0731",
    "0755",
    "0757",
    "0769",
    "0851",
    "0871",
    "0898",
    "0931",
    "0991",
    "0816",
    "0812",
]
REGIONS = [
    "500101",
    "500102",
    "500103",
    "500104",
    "500105",
    "500106",
    "500107",
    "500108",
    "500110",
    "500112",
    "500113",
    "500222",
    "500000",
    "510100",
    "520100",
]
NAME_CHARS = (
    "金宏华泰鑫源恒达博远川黔聚力盛邦汇通天宇腾辉德润嘉禾铭洋新锐永正万佳润长安友思隆创蓝同明卓"
)


def row_pool(seed: int = 7) -> list[dict[str, object]]:
    rng = random.Random(seed)
    rows: list[dict[str, object]] = []
    per_unit = POOL // len(UNITS)
    for unit in UNITS:
        rows.extend(annex2_rows(rng, unit, per_unit))
    return rows


def _scramble(tag: int, salt: int) -> int:
    """A distinct 8-digit number for each tag below 10⁸ (a bijection: the factor is prime to 10)."""
    return (tag * 2654435761 + salt * 7919) % 100_000_000


def _org_code(body: str) -> str:
    """GB 11714: 8 body characters and their check character."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(c) * w for c, w in zip(body, weights, strict=True))
    check = 11 - total % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def _uscc(kind: str, region: str, body: str) -> str:
    from stdnum.cn import uscc

    code = kind + region + _org_code(body)
    return code + uscc.calc_check_digit(code)


def _fixed_line(r: random.Random) -> str:
    import phonenumbers

    while True:
        area = r.choice(AREA_CODES)
        local = str(r.choice("2345678")) + "".join(r.choice("0123456789") for _ in range(7))
        if len(area) == 4 and r.random() < 0.3:
            local = local[:7]
        number = phonenumbers.parse(area + local, "CN")
        if phonenumbers.is_valid_number(number):
            return f"{area}-{local}" if r.random() < 0.7 else f"{area}{local}"


class CityParties:
    """The parties of the `city` shape: a few hundred debtors, creditors mostly one-off."""

    def __init__(self) -> None:
        self._debtors: dict[tuple[str, int], tuple[str, str, str, str]] = {}

    def debtor(self, src: dict[str, object], tag: int) -> tuple[str, str, str, str]:
        """(name, code, contact, phone): the row's debtor in one of ten counties."""
        base, code = str(src["主体名称"]), str(src["债务人统一社会信用代码"])
        county = _scramble(tag, 1) % len(DEBTOR_COUNTIES)
        hit = self._debtors.get((base, county))
        if hit is None:
            where = DEBTOR_COUNTIES[county]
            if county == 0:
                name = base
            elif "綦江区" in base:
                name = base.replace("綦江区", where)
            else:
                name = base.replace("有限公司", f"{where[:-1]}分公司")
            kind = code[:2]
            body = random.Random(f"debtor:{name}")
            new_code = (
                code if county == 0 else _uscc(kind, code[2:8], f"{body.randrange(10**8):08d}")
            )
            who, phone = _gen.contact_for(name, "023", fixed_share=0.5 if kind != "91" else 0.2)
            hit = self._debtors[(base, county)] = (name, new_code, who, phone)
        return hit

    @staticmethod
    def creditor(src: dict[str, object], tag: int) -> tuple[str, str, str, str] | None:
        """(name, code, contact, phone) of a creditor seen in this row only, or None (the
        pool's creditor, which repeats)."""
        r = random.Random(f"creditor:{tag}")
        if r.random() >= UNIQUE_CREDITORS:
            return None
        base = str(src["企业名称"])
        at = min((base.find(p) for p in _gen.CREDITOR_PREFIXES if p in base), default=0)
        name = base[:at] + r.choice(NAME_CHARS) + r.choice(NAME_CHARS) + base[at:]
        code = _uscc(
            str(src["债权人统一社会信用代码"])[:2], r.choice(REGIONS), f"{_scramble(tag, 2):08d}"
        )
        if r.random() < 0.12:
            phone = _fixed_line(r)
        else:
            phone = r.choice(MOBILE_BLOCKS) + f"{_scramble(tag, 3):08d}"
        return name, code, _gen.person(r), phone


def write(
    path: Path,
    n: int,
    seed: int = 7,
    unit: str | None = None,
    offset: int = 0,
    pool: list[dict[str, object]] | None = None,
    shape: str = "city",
) -> None:
    """n rows; `unit` forces one reporting unit (a district's own file); `offset` keeps the
    contract names and case numbers of different files distinct (and, in the `city` shape, the
    one-off creditors). `pool` is `row_pool(seed)` computed once by a caller writing many files
    (building it costs as much as writing 2,000 rows)."""
    import xlsxwriter

    if shape not in SHAPES:
        raise ValueError(f"shape {shape!r}: one of {SHAPES}")
    if pool is None:
        pool = row_pool(seed)
    parties = CityParties() if shape == "city" else None
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("附件2")
    amount = wb.add_format({"num_format": "0.0000"})
    ws.write_string(0, 0, ANNEX2_TITLE)
    for j, h in enumerate(ANNEX2_HEADERS):
        ws.write_string(1, j, h)
    for i in range(n):
        src = pool[i % len(pool)]
        tag = offset + i
        if parties is not None:
            src = dict(src)
            (
                src["主体名称"],
                src["债务人统一社会信用代码"],
                src["债务人联系人"],
                src["债务人联系电话"],
            ) = parties.debtor(src, tag)
            creditor = parties.creditor(src, tag)
            if creditor is not None:
                (
                    src["企业名称"],
                    src["债权人统一社会信用代码"],
                    src["债权人联系人"],
                    src["债权人联系电话"],
                ) = creditor
        for j, h in enumerate(ANNEX2_HEADERS):
            v = src[h]
            if h == "序号":
                ws.write_number(i + 2, j, i + 1)
                continue
            if h == "街镇部门" and unit:
                v = unit
            elif h == "问题编号" and v:
                v = f"{v}-{tag}"
            elif h == "合同名称":
                v = f"{v}（{tag}）"
            if v is None:
                continue
            if isinstance(v, Decimal):
                ws.write_number(i + 2, j, float(v), amount)
            elif isinstance(v, int | float):
                ws.write_number(i + 2, j, v)
            else:
                ws.write_string(i + 2, j, str(v))
    wb.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("-o", "--out", type=Path, default=HERE / "out" / "annex2-100k.xlsx")
    ap.add_argument("--shape", choices=SHAPES, default="city")
    args = ap.parse_args()
    write(args.out, args.rows, shape=args.shape)
    print(f"wrote {args.out} ({args.rows} rows, {args.shape} shape)")


if __name__ == "__main__":
    main()
