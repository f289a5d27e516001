"""Deterministic large annex-2 workbooks for benchmarks.

`python bench/make_large.py --rows 100000 -o bench/out/annex2-100k.xlsx` writes one workbook of
valid cases drawn from the same generator as the sample data (a pool of rows, repeated with new
序号 and 问题编号 so that rows stay valid and unique), through xlsxwriter's constant-memory mode.
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


def row_pool(seed: int = 7) -> list[dict[str, object]]:
    rng = random.Random(seed)
    rows: list[dict[str, object]] = []
    per_unit = POOL // len(UNITS)
    for unit in UNITS:
        rows.extend(annex2_rows(rng, unit, per_unit))
    return rows


def write(
    path: Path,
    n: int,
    seed: int = 7,
    unit: str | None = None,
    offset: int = 0,
    pool: list[dict[str, object]] | None = None,
) -> None:
    """n rows; `unit` forces one reporting unit (a district's own file); `offset` keeps the
    contract names and case numbers of different files distinct. `pool` is `row_pool(seed)`
    computed once by a caller writing many files (building it costs as much as writing 2,000 rows)."""
    import xlsxwriter

    if pool is None:
        pool = row_pool(seed)
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
    args = ap.parse_args()
    write(args.out, args.rows)
    print(f"wrote {args.out} ({args.rows} rows)")


if __name__ == "__main__":
    main()
