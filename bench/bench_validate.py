"""`ledger validate` against the bare python-calamine read of the same workbook.

Prints both wall times (median of several runs), peak RSS of each, and their ratio. The target
(issue 2): validate within 1.5× the bare read. Run: `make bench` or
`python bench/bench_validate.py --rows 100000 --runs 3`.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

READ = """
import sys, time, resource
from python_calamine import CalamineWorkbook
t = time.perf_counter()
wb = CalamineWorkbook.from_path(sys.argv[1])
rows = 0
for name in wb.sheet_names:
    for row in wb.get_sheet_by_name(name).iter_rows():
        rows += 1
print(time.perf_counter() - t, rows, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""

VALIDATE = """
import sys, time, resource
from pathlib import Path
try:
    from ledgercli.check.validate import Options, validate_file
except ImportError:  # a checkout from before the layers (bench/run.py --against)
    from ledgercli.validate import Options, validate_file
t = time.perf_counter()
fr, ledger = validate_file(Path(sys.argv[1]), Options())
dt = time.perf_counter() - t
errors = sum(1 for f in fr.findings if f.severity == "error")
print(dt, fr.rows, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, errors)
"""


def run(code: str, path: Path) -> list[float]:
    out = subprocess.run(
        [sys.executable, "-c", code, str(path)], check=True, capture_output=True, text=True
    ).stdout.split()
    return [float(x) for x in out]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("--shape", choices=("city", "repeat"), default="city", help="make_large.py")
    args = ap.parse_args()
    path = HERE / "out" / f"annex2-{args.shape}-{args.rows}.xlsx"
    if not path.exists():
        from make_large import write

        t = time.perf_counter()
        write(path, args.rows, shape=args.shape)
        print(f"generated {path} in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    reads = [run(READ, path) for _ in range(args.runs)]
    vals = [run(VALIDATE, path) for _ in range(args.runs)]
    read_s = statistics.median(r[0] for r in reads)
    val_s = statistics.median(v[0] for v in vals)
    result = {
        "rows": args.rows,
        "read_s": round(read_s, 3),
        "validate_s": round(val_s, 3),
        "ratio": round(val_s / read_s, 2),
        "read_peak_mb": round(max(r[2] for r in reads) / 1024),
        "validate_peak_mb": round(max(v[2] for v in vals) / 1024),
        "validate_rows": int(vals[0][1]),
        "validate_errors": int(vals[0][3]),
    }
    if args.json:
        print(json.dumps(result))
        return
    print(f"rows               {result['rows']:>10}")
    print(f"calamine read      {read_s:>10.2f} s   peak {result['read_peak_mb']} MB")
    print(f"ledger validate    {val_s:>10.2f} s   peak {result['validate_peak_mb']} MB")
    print(f"ratio              {result['ratio']:>10.2f}   (target ≤ 1.5)")
    print(f"rows validated {result['validate_rows']}, errors {result['validate_errors']}")


if __name__ == "__main__":
    main()
