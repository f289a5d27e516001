"""`make bench`: validate, merge and summarize at city and national scale, against two floors.

    python bench/run.py                          # city: 50 files × 2,000 rows, both shapes,
                                                 # and one 100k-row file; 3 runs
    python bench/run.py --scale national         # 300 files, 1,000,000 rows (city shape)
    python bench/run.py --files 3 --rows 20 --runs 1    # any other size
    python bench/run.py --shape repeat           # one shape only

Data sets have a shape (make_large.py): `city`, as a city's ledgers are (debtors repeat, three
creditors in four are seen in no other row, every contract name differs), and `repeat`, the
earlier shape where contacts are stable across rows and files and most values repeat. A data set
is named after its scale, with -repeat for the second shape.

The submissions are generated once, deterministically, into bench/out/<data set>/submissions/ with
a manifest.json holding the ground truth (rows per file, Σ 拖欠金额 as an exact Decimal, cases
and amounts per source bucket, status, dispute and judicial figures) computed from the
generator's own Decimal values, never by reading the files back. Every step is then one whole
`ledger` process, timed from spawn to exit (wall, user+sys CPU, peak RSS), as are the floors:
the bare python-calamine read of the same files (the read floor) and an unstyled xlsxwriter
constant_memory write of as many rows × columns as the merged workbook has (the write floor).
Medians of --runs runs (peak RSS: the largest). The merged row count and every figure of the
annex 3 and annex 4 tables (合计 and each unit's row) must equal the ground truth: a mismatch is
printed and the exit code is 1, however fast the run was. Figures go to
bench/out/<data set>/results.md and results.json. Unix only (os.wait4, /proc for process trees).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import json
import os
import pickle
import platform
import shlex
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
GENERATOR_VERSION = 1  # bump when the way files are laid out changes, to invalidate caches
SEED = 7
MB = 1024 * 1024
SMALL = 10_000  # rows written without worker processes
SHAPES = ("city", "repeat")  # make_large.SHAPES (imported lazily: it loads the generator)


@dataclass(frozen=True)
class Scale:
    name: str
    files: int
    total: int
    shape: str = "city"  # make_large.SHAPES

    @property
    def dataset(self) -> str:
        """The data set's name: the scale's, with the shape unless it is the city shape."""
        return self.name if self.shape == "city" else f"{self.name}-{self.shape}"

    def rows(self) -> list[int]:
        """Rows per file: as even as possible, the first files one row longer."""
        base, extra = divmod(self.total, self.files)
        return [base + (1 if k < extra else 0) for k in range(self.files)]


SCALES = {
    "city": Scale("city", 50, 100_000),
    "national": Scale("national", 300, 1_000_000),
    "one-file": Scale("one-file", 1, 100_000),
}
# What `make bench` runs for a scale by default (each shape a data set of its own).
DEFAULT_SETS = {
    "city": [("city", "city"), ("city", "repeat"), ("one-file", "city")],
    "national": [("national", "city")],
    "one-file": [("one-file", "city")],
}

# Reporting units: one per file, each a 街镇/部门 of a 区县, so that the summaries have one row per file.
COUNTIES = [
    "綦江区",
    "万州区",
    "涪陵区",
    "渝中区",
    "大渡口区",
    "江北区",
    "沙坪坝区",
    "九龙坡区",
    "南岸区",
    "北碚区",
    "大足区",
    "渝北区",
    "巴南区",
    "黔江区",
    "长寿区",
    "江津区",
    "合川区",
    "永川区",
    "南川区",
    "璧山区",
    "铜梁区",
    "潼南区",
    "荣昌区",
    "开州区",
    "梁平区",
    "武隆区",
    "城口县",
    "丰都县",
    "垫江县",
    "忠县",
]


def _make_large() -> Any:
    sys.path.insert(0, str(HERE))
    import make_large

    return make_large


def unit_name(k: int) -> str:
    units = _make_large().UNITS
    per_round = len(COUNTIES) * len(units)
    name = COUNTIES[(k // len(units)) % len(COUNTIES)] + units[k % len(units)]
    return name if k < per_round else f"{name}{k // per_round + 1}"


# ------------------------------------------------------------------------------------------
# Ground truth, from the generator's Decimal values (SPEC.md: annex 3 and annex 4)
# ------------------------------------------------------------------------------------------

SELF, DC, MIIT, OTHER = "自行排查", "国务院“互联网+督查”", "工业和信息化部登记（投诉）平台", "其他"
SOURCE_BUCKET = {
    "自行排查": SELF,
    "国务院“互联网+督查”": DC,
    "工业和信息化部违约拖欠中小企业款项登记（投诉）平台": MIIT,
}
BUCKETS = (SELF, DC, MIIT, OTHER)
STATUS_COLUMN = {"清偿完毕": "清偿完毕金额", "部分清偿": "已偿还金额", "协议还款": "协议还款金额"}
DISPUTES = {"无": "无分歧问题", "有": "有分歧问题"}

Figure = int | Decimal
COUNTS = [
    "cases",
    *(f"source/{b}/cases" for b in BUCKETS),
    *(f"dispute/{d}/cases" for d in DISPUTES),
    *(f"dispute/{d}/{s}/cases" for d in DISPUTES for s in STATUS_COLUMN),
    "judicial/cases",
]
AMOUNTS = [
    "owed",
    "repaid",
    *(f"source/{b}/owed" for b in BUCKETS),
    *(f"dispute/{d}/repaid" for d in DISPUTES),
    *(f"dispute/{d}/{s}/amount" for d in DISPUTES for s in STATUS_COLUMN),
    "judicial/amount",
]


def _zero() -> dict[str, Figure]:
    return {**dict.fromkeys(COUNTS, 0), **dict.fromkeys(AMOUNTS, Decimal(0))}


def _dec(value: object) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(0 if value is None else str(value))


def case_figures(row: dict[str, object]) -> dict[str, Figure]:
    """What one generated case adds to the annex 3/4 totals, by SPEC.md's definitions."""
    f = _zero()
    owed = _dec(row["拖欠金额"])
    status = next((s for s, col in STATUS_COLUMN.items() if _dec(row[col]) > 0), None)
    # The repaid amount counts only 清偿完毕 and 部分清偿; a 协议还款 is a promise, not money.
    repaid = _dec(row[STATUS_COLUMN[status]]) if status in ("清偿完毕", "部分清偿") else Decimal(0)
    bucket = SOURCE_BUCKET.get(str(row["问题来源"]), OTHER)
    dispute = str(row["有无分歧"])
    judicial = _dec(row["进入司法程序的金额"])
    f["cases"] = 1
    f["owed"] = owed
    f["repaid"] = repaid
    f[f"source/{bucket}/cases"] = 1
    f[f"source/{bucket}/owed"] = owed
    f[f"dispute/{dispute}/cases"] = 1
    f[f"dispute/{dispute}/repaid"] = repaid
    if status is not None:
        f[f"dispute/{dispute}/{status}/cases"] = 1
        f[f"dispute/{dispute}/{status}/amount"] = _dec(row[STATUS_COLUMN[status]])
    if judicial > 0:
        f["judicial/cases"] = 1
        f["judicial/amount"] = judicial
    return f


def _add(a: dict[str, Figure], b: dict[str, Figure], times: int = 1) -> dict[str, Figure]:
    return {k: a[k] + b[k] * times for k in a}


def ground_truth(pool: Sequence[dict[str, object]], rows: Sequence[int]) -> list[dict[str, Figure]]:
    """The figures of each file: file k writes pool[i % len(pool)] for i < rows[k]."""
    prefix = [_zero()]
    for row in pool:
        prefix.append(_add(prefix[-1], case_figures(row)))
    whole = prefix[-1]
    return [_add(prefix[n % len(pool)], whole, n // len(pool)) for n in rows]


def rate(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    if denominator == 0:
        return None
    return (numerator * 100 / denominator).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def expected_annex3(t: dict[str, Figure]) -> dict[str, Figure | None]:
    cells: dict[str, Figure | None] = {}
    for b in BUCKETS:
        cells[f"问题来源/{b}/数量"] = t[f"source/{b}/cases"]
        cells[f"问题来源/{b}/金额"] = t[f"source/{b}/owed"]
    cells["总计/问题数量"] = t["cases"]
    cells["总计/涉及金额"] = t["owed"]
    return cells


ANNEX4_SOURCE = {
    SELF: "自行排查",
    DC: "国务院“互联网+督查”转",
    MIIT: "部登记（投诉）平台转",
    OTHER: "其他",
}


def expected_annex4(t: dict[str, Figure]) -> dict[str, Figure | None]:
    cells: dict[str, Figure | None] = {"总体情况/拖欠数量/数量总计": t["cases"]}
    for b, label in ANNEX4_SOURCE.items():
        cells[f"总体情况/拖欠数量/其中/{label}"] = t[f"source/{b}/cases"]
    cells["总体情况/涉及金额/拖欠总金额"] = t["owed"]
    cells["总体情况/涉及金额/清偿总金额"] = t["repaid"]
    cells["总体情况/涉及金额/清偿率（%）"] = rate(_dec(t["repaid"]), _dec(t["owed"]))
    for d, group in DISPUTES.items():
        cells[f"化解情况/{group}/数量小计"] = t[f"dispute/{d}/cases"]
        cells[f"化解情况/{group}/清偿金额小计"] = t[f"dispute/{d}/repaid"]
        for s in STATUS_COLUMN:
            cells[f"化解情况/{group}/{s}/数量"] = t[f"dispute/{d}/{s}/cases"]
            cells[f"化解情况/{group}/{s}/金额"] = t[f"dispute/{d}/{s}/amount"]
    cells["化解情况/进入司法程序/数量"] = t["judicial/cases"]
    cells["化解情况/进入司法程序/金额"] = t["judicial/amount"]
    return cells


def _to_json(figures: dict[str, Figure]) -> dict[str, int | str]:
    return {k: v if isinstance(v, int) else str(v) for k, v in figures.items()}


def _from_json(figures: dict[str, int | str]) -> dict[str, Figure]:
    return {k: v if isinstance(v, int) else Decimal(v) for k, v in figures.items()}


# ------------------------------------------------------------------------------------------
# Generation, cached
# ------------------------------------------------------------------------------------------

GENERATE = """
import json, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
import make_large
pool = make_large.row_pool(int(sys.argv[2]))
for item in json.load(sys.stdin):
    make_large.write(Path(item["path"]), item["rows"], unit=item["unit"], offset=item["offset"],
                     pool=pool, shape=item["shape"])
    print("  wrote", Path(item["path"]).name, item["rows"], "rows", file=sys.stderr, flush=True)
"""


def _fingerprint() -> str:
    h = hashlib.sha256(str(GENERATOR_VERSION).encode())
    for p in (HERE / "make_large.py", ROOT / "sample_data" / "generate.py"):
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


PREPARE = """
import json, sys
sys.path.insert(0, sys.argv[1])
import run
name, files, total, shape, root, jobs, quiet = json.loads(sys.argv[2])
run._generate(run.Scale(name, files, total, shape), run.Path(root), jobs, quiet)
"""


def generate(scale: Scale, root: Path, jobs: int = 2, quiet: bool = False) -> dict[str, Any]:
    """The submissions folder and its manifest; reused when the manifest matches.

    Generated in a child process: Linux counts the RSS a process had before exec in its child's
    ru_maxrss, so the process that spawns the measured commands must stay small."""
    manifest_path = root / "manifest.json"
    cached = _cached(scale, root)
    if cached is not None:
        return cached
    args = json.dumps([scale.name, scale.files, scale.total, scale.shape, str(root), jobs, quiet])
    if subprocess.run([sys.executable, "-c", PREPARE, str(HERE), args]).returncode != 0:
        raise SystemExit("bench: generating the submissions failed (see above)")
    manifest: dict[str, Any] = json.loads(manifest_path.read_text(encoding="utf-8"))
    return manifest


def _spec(scale: Scale) -> dict[str, Any]:
    return {
        "files": scale.files,
        "total": scale.total,
        "shape": scale.shape,
        "seed": SEED,
        "generator": _fingerprint(),
    }


def _cached(scale: Scale, root: Path) -> dict[str, Any] | None:
    path = root / "manifest.json"
    if not path.exists() or not (root / "pool.pickle").exists():
        return None
    manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("spec") != _spec(scale):
        return None
    if not all((root / "submissions" / f["path"]).exists() for f in manifest["files"]):
        return None
    return manifest


def _generate(scale: Scale, root: Path, jobs: int, quiet: bool) -> None:
    folder = root / "submissions"
    manifest_path = root / "manifest.json"
    make_large = _make_large()
    rows = scale.rows()
    per_file = ground_truth(make_large.row_pool(SEED), rows)
    files: list[dict[str, Any]] = []
    offset = 0
    for k, n in enumerate(rows):
        unit = unit_name(k)
        files.append(
            {
                "path": f"{k + 1:03d}-附件2-{unit}.xlsx",
                "unit": unit,
                "rows": n,
                "offset": offset,
                "shape": scale.shape,
                "figures": _to_json(per_file[k]),
            }
        )
        offset += n
    total = _zero()
    for figures in per_file:
        total = _add(total, figures)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.xlsx"):
        old.unlink()
    manifest_path.unlink(missing_ok=True)

    t = time.perf_counter()
    if not quiet:
        print(
            f"generating {scale.files} files, {scale.total:,} rows ({scale.shape} shape) in "
            f"{folder} …",
            file=sys.stderr,
        )
    items = [{**f, "path": str(folder / f["path"])} for f in files]
    if scale.total <= SMALL:  # starting the workers would cost more than the writing
        pool = make_large.row_pool(SEED)
        for f in items:
            make_large.write(
                Path(f["path"]),
                f["rows"],
                unit=f["unit"],
                offset=f["offset"],
                pool=pool,
                shape=scale.shape,
            )
        jobs = 0
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", GENERATE, str(HERE), str(SEED)],
            stdin=subprocess.PIPE,
            stderr=subprocess.DEVNULL if quiet else None,
            text=True,
        )
        for _ in range(jobs)
    ]
    for j, w in enumerate(workers):
        assert w.stdin is not None
        w.stdin.write(json.dumps(items[j :: len(workers)]))
        w.stdin.close()
    if any(w.wait() != 0 for w in workers):
        raise SystemExit("bench: generating the submissions failed (see above)")
    (root / "pool.pickle").write_bytes(pickle.dumps(_pool_rows()))
    manifest = {
        "spec": _spec(scale),
        "scale": scale.dataset,
        "generated_in_s": round(time.perf_counter() - t, 1),
        "total_rows": scale.total,
        "truth": _to_json(total),
        "files": files,
    }
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")


# ------------------------------------------------------------------------------------------
# Measuring one process
# ------------------------------------------------------------------------------------------

READ_FLOOR = """
import sys
from python_calamine import CalamineWorkbook
rows = width = 0
for path in sys.argv[2:]:
    wb = CalamineWorkbook.from_path(path)
    data = wb.get_sheet_by_name(sys.argv[1] or wb.sheet_names[0]).to_python()
    rows += len(data)
    width = max(width, max((len(r) for r in data), default=0))
print(rows, width)
"""

# As fast as xlsxwriter goes: no styles, constant memory, the type of each cell known up front.
WRITE_FLOOR = """
import pickle, sys, xlsxwriter
pool = pickle.load(open(sys.argv[1], "rb"))
n, width = int(sys.argv[2]), int(sys.argv[3])
wb = xlsxwriter.Workbook(sys.argv[4], {"constant_memory": True})
ws = wb.add_worksheet("明细")
ws.write_row(0, 0, [f"列{j + 1}" for j in range(width)])
ws_string, ws_number = ws.write_string, ws.write_number
plans = []
for row in pool:
    cells = (list(row) + [f"附件2-{j}.xlsx" for j in range(width)])[:width]
    plans.append([(j, ws_number if isinstance(v, (int, float)) else ws_string, v)
                  for j, v in enumerate(cells) if v is not None])
for i in range(n):
    r = i + 1
    for j, write, v in plans[i % len(plans)]:
        write(r, j, v)
wb.close()
"""


class _Tree(threading.Thread):
    """A process and its descendants, sampled every 50 ms: the summed RSS (ru_maxrss sees one
    process, and a command reading files in a process pool holds all of them at once) and each
    process's own CPU time (wait4 counts only the descendants that were waited for, and pool
    workers under a fork server never are)."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0
        self.cpu: dict[int, float] = {}  # pid → user+sys seconds, last seen
        self.done = threading.Event()
        self.page = os.sysconf("SC_PAGE_SIZE")
        self.tick = os.sysconf("SC_CLK_TCK")

    def run(self) -> None:
        if not Path("/proc").is_dir():
            return
        while not self.done.wait(0.05):
            self.peak = max(self.peak, self._sample())

    def _sample(self) -> int:
        children: dict[int, list[int]] = {}
        times: dict[int, float] = {}
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                fields = Path(entry.path, "stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue
            pid = int(entry.name)
            children.setdefault(int(fields[1]), []).append(pid)
            times[pid] = (int(fields[11]) + int(fields[12])) / self.tick
        total, todo = 0, [self.pid]
        while todo:
            pid = todo.pop()
            with contextlib.suppress(OSError, IndexError, ValueError):  # gone meanwhile
                total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * self.page
            if pid in times:
                self.cpu[pid] = times[pid]
            todo.extend(children.get(pid, []))
        return total


@dataclass
class Measure:
    wall: float
    cpu: float
    peak_mb: float
    rc: int

    def to_json(self) -> dict[str, float | int]:
        return {
            "wall_s": round(self.wall, 3),
            "cpu_s": round(self.cpu, 3),
            "peak_mb": round(self.peak_mb, 1),
            "rc": self.rc,
        }


def measure(cmd: Sequence[str], stdout: Path, stderr: Path) -> Measure:
    """One process from spawn to exit: wall, user+sys CPU and peak RSS of it and its children."""
    env = {**os.environ, "TERM": "dumb", "NO_COLOR": "1", "PYTHONHASHSEED": "0"}
    with stdout.open("wb") as out, stderr.open("wb") as err:
        t = time.perf_counter()
        proc = subprocess.Popen(list(cmd), stdout=out, stderr=err, env=env)
        sampler = _Tree(proc.pid)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t
        sampler.done.set()
        sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    # ru_maxrss is in KiB on Linux, bytes on macOS.
    maxrss = usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)
    # Both are lower bounds of the tree's CPU time: the samples miss each process's last 50 ms.
    cpu = max(usage.ru_utime + usage.ru_stime, sum(sampler.cpu.values()))
    return Measure(wall, cpu, max(maxrss, sampler.peak) / MB, proc.returncode)


def ledger_cmd() -> list[str]:
    exe = Path(sys.executable).parent / "ledger"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "ledgercli"]


# ------------------------------------------------------------------------------------------
# Correctness
# ------------------------------------------------------------------------------------------


def _same(got: object, want: Figure | None) -> bool:
    if want is None or got is None:
        return got is None and want is None
    if isinstance(want, int):
        return isinstance(got, int) and not isinstance(got, bool) and got == want
    try:
        return Decimal(str(got)) == want
    except ArithmeticError:
        return False


def _compare(where: str, got: dict[str, Any], want: dict[str, Figure | None]) -> list[str]:
    out = []
    for key, value in want.items():
        if key not in got:
            out.append(f"{where}: column {key} missing")
        elif not _same(got[key], value):
            out.append(f"{where}: {key} = {got[key]}, ground truth {value}")
    return out


# What `check` compares with the ground truth, for each step whose output it reads.
_CHECKED = {
    "validate": "validate's files, rows and no error",
    "merge": "merge's rows and totals",
    "summarize --annex 3": "every annex 3 figure, 合计 and per unit",
    "summarize --annex 4": "every annex 4 figure, 合计 and per unit",
    "week": "week's headline and rows",
    "week --last": "week --last's headline, rows and no vanished case",
}


def check(manifest: dict[str, Any], work: Path, steps: Sequence[str] = ()) -> list[str]:
    """Every mismatch between the commands' JSON output in `work` and the ground truth (of
    the `steps` run, all when none are named)."""
    problems: list[str] = []
    ran = set(steps or STEPS)
    outputs = {
        "validate.json": "validate",
        "merge.json": "merge",
        "week.json": "week",
        "week-last.json": "week --last",
        "annex3.json": "summarize --annex 3",
        "annex4.json": "summarize --annex 4",
    }
    total_rows = manifest["total_rows"]
    n_files = len(manifest["files"])
    truth = _from_json(manifest["truth"])

    def load(name: str) -> dict[str, Any] | None:
        if outputs[name] not in ran:
            return None
        try:
            data: dict[str, Any] = json.loads((work / name).read_text(encoding="utf-8"))
            return data
        except (OSError, ValueError) as e:
            problems.append(f"{name}: no JSON output ({e.__class__.__name__})")
            return None

    if (v := load("validate.json")) is not None:
        rows = sum(f["rows"] for f in v["files"])
        if len(v["files"]) != n_files or rows != total_rows or v["errors"] != 0:
            problems.append(
                f"validate: {len(v['files'])} files, {rows} rows, {v['errors']} errors; "
                f"ground truth {n_files} files, {total_rows} rows, 0 errors"
            )
    if (m := load("merge.json")) is not None:
        t = m["totals"]
        want = {
            "rows_read": total_rows,
            "rows_written": total_rows,
            "rows_left_out": 0,
            "merged": n_files,
            "unreadable": 0,
            "duplicate_groups": 0,
        }
        for key, value in want.items():
            if t.get(key) != value:
                problems.append(f"merge: totals.{key} = {t.get(key)}, ground truth {value}")
        if m.get("conserved") is not True:
            problems.append("merge: rows not conserved (read ≠ written + left out)")

    for name in ("week.json", "week-last.json"):
        if (w := load(name)) is None:
            continue
        head = w["headline"]
        want_week = {"cases": total_rows, "owed": truth["owed"], "repaid": truth["repaid"]}
        for key, value in want_week.items():
            if not _same(head[key], value):
                problems.append(f"{name}: headline.{key} = {head[key]}, ground truth {value}")
        if w["received"]["rows"] != total_rows or w["returned"]:
            problems.append(
                f"{name}: {w['received']['rows']} rows read, {len(w['returned'])} returned"
            )
        if name == "week-last.json" and (w["changes"] is None or w["alarms"]["vanished"]):
            problems.append(f"{name}: the same inbox twice must show no vanished case")

    units = {f["unit"]: _from_json(f["figures"]) for f in manifest["files"]}
    for name, expected in (("annex3.json", expected_annex3), ("annex4.json", expected_annex4)):
        if (s := load(name)) is None:
            continue
        where = name.removesuffix(".json")
        total = s["total"]
        want = expected(truth)
        unit_key = next(k for k, v in total.items() if v == "合计")
        unchecked = set(total) - set(want) - {unit_key, "序号"}
        problems += [f"{where}: column {k} has no ground truth in bench/run.py" for k in unchecked]
        problems += _compare(f"{where} 合计", total, want)
        if s.get("cases") != total_rows:
            problems.append(f"{where}: {s.get('cases')} cases, ground truth {total_rows}")
        seen = {r[unit_key] for r in s["rows"]}
        if seen != set(units):
            problems.append(
                f"{where}: units {len(seen)}, ground truth {len(units)} "
                f"(extra {sorted(seen - set(units))[:3]}, missing {sorted(set(units) - seen)[:3]})"
            )
        for r in s["rows"]:
            if r[unit_key] in units:
                problems += _compare(f"{where} {r[unit_key]}", r, expected(units[r[unit_key]]))
    return problems


# ------------------------------------------------------------------------------------------
# The run
# ------------------------------------------------------------------------------------------

STEPS = (
    "read floor: submissions",
    "validate",
    "merge",
    "read floor: city.xlsx",
    "write floor",
    "summarize --annex 3",
    "summarize --annex 4",
    "week",
    "week --last",
)
# What --steps names, and the steps (floors included) each runs.
GROUPS = {
    "validate": ("read floor: submissions", "validate"),
    "merge": ("read floor: submissions", "merge", "read floor: city.xlsx", "write floor"),
    "summarize": ("read floor: city.xlsx", "summarize --annex 3", "summarize --annex 4"),
    "week": ("merge", "week", "week --last"),
}
RSS_TARGET_MB = 1536
WEEK_AS_OF = "2022-08"
WEEK_TARGET_S = 60


def _commit() -> dict[str, Any]:
    def git(*args: str) -> str:
        r = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return r.stdout.strip() if r.returncode == 0 else ""

    return {
        "commit": git("rev-parse", "--short", "HEAD"),
        "dirty": bool(git("status", "-s", "src")),
    }


def _pool_rows() -> list[list[object]]:
    """The generator's rows as plain cells, for the write floor."""
    return [
        [float(v) if isinstance(v, Decimal) else v for v in src.values()]
        for src in _make_large().row_pool(SEED)
    ]


def selected(groups: Iterable[str]) -> tuple[str, ...]:
    """The steps of these --steps groups, in the order of STEPS."""
    wanted = {step for g in groups for step in GROUPS[g]}
    return tuple(s for s in STEPS if s in wanted)


def run_once(
    manifest: dict[str, Any],
    root: Path,
    work: Path,
    ledger: Sequence[str],
    steps: Sequence[str] = STEPS,
) -> dict[str, Measure]:
    folder = root / "submissions"
    inputs = [str(folder / f["path"]) for f in manifest["files"]]
    city = work / "city.xlsx"
    result: dict[str, Measure] = {}

    def step(name: str, cmd: Sequence[str], out: str) -> None:
        if name in steps:
            result[name] = measure(cmd, work / out, work / f"{out}.stderr")

    py = [sys.executable, "-c"]
    step("read floor: submissions", [*py, READ_FLOOR, "附件2", *inputs], "read-floor.txt")
    step("validate", [*ledger, "validate", str(folder), "--format", "json"], "validate.json")
    merge = [*ledger, "merge", str(folder), "-o", str(city), "--force", "--format", "json"]
    needs_city = any(s.startswith(("summarize", "read floor: city")) for s in steps)
    if needs_city and "merge" not in steps and not city.exists():
        # summarize without merge reads the city workbook of an earlier run, or makes one.
        measure(merge, work / "merge.json", work / "merge.json.stderr")
    step("merge", merge, "merge.json")
    step("read floor: city.xlsx", [*py, READ_FLOOR, "明细", str(city)], "read-floor-city.txt")
    try:
        rows, width = map(int, (work / "read-floor-city.txt").read_text().split())
    except (OSError, ValueError):
        rows, width = manifest["total_rows"] + 1, 28  # no merge, or it failed: the generated rows
    pool = root / "pool.pickle"
    floor = [*py, WRITE_FLOOR, str(pool), str(rows - 1), str(width), str(work / "floor.xlsx")]
    step("write floor", floor, "write-floor.txt")
    for annex in ("3", "4"):
        cmd = [*ledger, "summarize", str(city), "--annex", annex, "--format", "json"]
        cmd += ["-o", str(work / f"annex{annex}.xlsx"), "--force"]
        step(f"summarize --annex {annex}", cmd, f"annex{annex}.json")
    # The whole weekly cycle on the same inbox: without last week, then compared with it (the
    # first run's OUTDIR). The generated promises fall due from 2022-06 to 2022-12, a tenth a
    # month: as of 2022-08 a fifth have lapsed (20,000 full rows in the overdue workbook).
    week = [*ledger, "week", str(folder), "--as-of", WEEK_AS_OF, "--format", "json"]
    step("week", [*week, "-o", str(work / "week1")], "week.json")
    step("week --last", [*week, "-o", str(work / "week2"), "--last", str(work / "week1")],
         "week-last.json")  # fmt: skip
    return result


def bench(
    scale: Scale,
    out: Path = OUT,
    runs: int = 3,
    jobs: int = 2,
    quiet: bool = False,
    ledger: Sequence[str] | None = None,
    groups: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Generate (or reuse), run every step (of these GROUPS) `runs` times, check, and write
    results.{md,json}."""
    root = out / scale.dataset
    steps = selected(groups or GROUPS)
    manifest = generate(scale, root, jobs, quiet)
    work = root / "work"
    work.mkdir(parents=True, exist_ok=True)
    load_before, commit = os.getloadavg(), _commit()  # others may commit while this runs
    measures: dict[str, list[Measure]] = {s: [] for s in steps}
    problems: list[str] = []
    for i in range(runs):
        if not quiet:
            print(f"run {i + 1}/{runs} …", file=sys.stderr)
        for name, m in run_once(manifest, root, work, ledger or ledger_cmd(), steps).items():
            measures[name].append(m)
            # `week` exits 1 for what the clerk must act on (the lapsed promises): not a failure.
            if m.rc != 0 and not (name.startswith("week") and m.rc == 1):
                problems.append(f"run {i + 1}: {name} exited {m.rc} (see {work})")
        problems += [f"run {i + 1}: {p}" for p in check(manifest, work, steps)]

    def med(name: str) -> dict[str, float]:
        ms = measures[name]
        return {
            "wall_s": round(statistics.median(m.wall for m in ms), 3),
            "cpu_s": round(statistics.median(m.cpu for m in ms), 3),
            "peak_mb": round(max(m.peak_mb for m in ms), 1),
        }

    wall = {s: med(s)["wall_s"] for s in steps}
    floors = {
        "validate": ("read floor: submissions",),
        "merge": ("read floor: submissions", "write floor"),
        "summarize --annex 3": ("read floor: city.xlsx",),
        "summarize --annex 4": ("read floor: city.xlsx",),
        "week": ("merge",),
        "week --last": ("merge",),
    }
    targets = {"validate": 1.5, "merge": 1.3, "summarize": 1.2, "week": 1.3}
    ratios = {
        name: (wall[name] / sum(wall[f] for f in under), targets[name.split(" ")[0]])
        for name, under in floors.items()
        if name in wall and all(f in wall for f in under)
    }
    # Peak memory of the steps that hold a city's cases: merge and summarize.
    peaks = {
        key: max(med(s)["peak_mb"] for s in names)
        for key, names in (
            ("merge", ["merge"]),
            ("summarize", [s for s in steps if s.startswith("summarize")]),
        )
        if names and all(s in wall for s in names)
    }
    results = {
        "scale": scale.dataset,
        "shape": scale.shape,
        "files": scale.files,
        "rows": scale.total,
        "runs": runs,
        **commit,
        "commit_after": _commit()["commit"],
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "loadavg_before": [round(x, 2) for x in load_before],
            "loadavg_after": [round(x, 2) for x in os.getloadavg()],
        },
        "generated_in_s": manifest.get("generated_in_s"),
        "steps": {s: {**med(s), "runs": [m.to_json() for m in measures[s]]} for s in steps},
        "ratios": {
            k: {"ratio": round(r, 3), "target": t, "pass": r <= t} for k, (r, t) in ratios.items()
        },
        **(
            {
                "week_seconds": {
                    "value": max(wall["week"], wall["week --last"]),
                    "target": WEEK_TARGET_S,
                    "pass": max(wall["week"], wall["week --last"]) <= WEEK_TARGET_S,
                }
            }
            if "week" in wall and "week --last" in wall
            else {}
        ),
        **{
            f"{key}_peak_mb": {
                "value": round(peak, 1),
                "target": RSS_TARGET_MB,
                "pass": peak <= RSS_TARGET_MB,
            }
            for key, peak in peaks.items()
        },
        "correct": not problems,
        "problems": problems,
    }
    (root / "results.json").write_text(
        json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    (root / "results.md").write_text(markdown(results), encoding="utf-8")
    return results


def markdown(r: dict[str, Any]) -> str:
    head = (
        f"{r['scale']} ({r.get('shape', 'city')} shape): {r['files']} files, {r['rows']:,} rows; "
        f"median of {r['runs']} run(s), "
        f"peak RSS the largest; commit {r['commit']}{' + local changes' if r['dirty'] else ''}"
        f"{'' if r.get('commit_after', r['commit']) == r['commit'] else ' → ' + r['commit_after']}; "
        f"{r['machine']['cpus']} CPUs, load average {r['machine']['loadavg_before'][0]} before, "
        f"{r['machine']['loadavg_after'][0]} after (a shared machine: figures are noisy).\n\n"
    )
    lines = [
        "| scale | step | wall s | CPU s | peak MB | ratio | target | result |",
        "|---|---|---:|---:|---:|---:|---|---|",
    ]
    floors = {
        "validate": "read floor",
        "merge": "read + write floor",
        "summarize --annex 3": "read floor of city.xlsx",
        "summarize --annex 4": "read floor of city.xlsx",
        "week": "merge alone",
        "week --last": "merge alone",
    }
    for name, s in r["steps"].items():
        ratio = r["ratios"].get(name)
        cells = [r["scale"], name, f"{s['wall_s']:.2f}", f"{s['cpu_s']:.2f}", f"{s['peak_mb']:.0f}"]
        if ratio:
            ok = "pass" if ratio["pass"] else "**fail**"
            cells += [f"{ratio['ratio']:.2f}", f"≤ {ratio['target']} × {floors[name]}", ok]
        else:
            cells += ["", "", ""]
        lines.append("| " + " | ".join(cells) + " |")
        if name == "week --last" and "week_seconds" in r:
            w = r["week_seconds"]
            ok = "pass" if w["pass"] else "**fail**"
            cells = [r["scale"], "week, wall", f"{w['value']:.2f}", "", "", ""]
            lines.append("| " + " | ".join([*cells, f"≤ {w['target']} s", ok]) + " |")
        for key in ("merge", "summarize"):
            p = r.get(f"{key}_peak_mb")
            last = "summarize --annex 4" if key == "summarize" else key
            if p is None or name != last:
                continue
            ok = "pass" if p["pass"] else "**fail**"
            cells = [r["scale"], f"{key}, memory", "", "", f"{p['value']:.0f}", ""]
            lines.append("| " + " | ".join([*cells, f"≤ {p['target']} MB peak RSS", ok]) + " |")
    checked = [what for step, what in _CHECKED.items() if step in r["steps"]]
    if not r["correct"]:
        verdict = "\nCorrectness: FAIL\n" + "".join(f"- {p}\n" for p in r["problems"])
    elif checked:
        verdict = (
            f"\nCorrectness: PASS ({'; '.join(checked)}: equal to the generator's ground truth)\n"
        )
    else:
        verdict = "\nCorrectness: nothing checked (no step with an output to check ran)\n"
    return head + "\n".join(lines) + "\n" + verdict


def main(argv: Iterable[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--scale", choices=sorted(SCALES), default="city")
    ap.add_argument("--files", type=int, help="a custom scale: this many files (with --rows)")
    ap.add_argument("--rows", type=int, help="a custom scale: rows per file (with --files)")
    ap.add_argument(
        "--shape",
        choices=SHAPES,
        help="one shape of data only (default: the scale's data sets, see DEFAULT_SETS)",
    )
    ap.add_argument("--runs", type=int, default=3, help="runs of every step (default 3)")
    ap.add_argument(
        "--jobs", type=int, default=2, help="generator processes (default 2, at least 1)"
    )
    ap.add_argument("--out", type=Path, default=OUT, help="default bench/out")
    ap.add_argument(
        "--steps",
        help=f"only these steps, comma-separated, of {', '.join(GROUPS)} (default all; each "
        "with its floors; summarize without merge reads the last run's city.xlsx)",
    )
    ap.add_argument(
        "--ledger",
        help="the command to benchmark (default: this venv's `ledger`), e.g. "
        "'python -m ledgercli' with PYTHONPATH set to another checkout's src",
    )
    args = ap.parse_args(list(argv) if argv is not None else None)
    if (args.files is None) != (args.rows is None):
        ap.error("--files and --rows go together")
    scales: list[Scale]
    if args.files is not None:
        if args.files < 1 or args.rows < 1:
            ap.error("--files and --rows must be at least 1")
        name = f"{args.files}x{args.rows}"
        scales = [Scale(name, args.files, args.files * args.rows, args.shape or "city")]
    elif args.shape is not None:
        base = SCALES[args.scale]
        scales = [Scale(base.name, base.files, base.total, args.shape)]
    else:
        scales = [
            Scale(SCALES[n].name, SCALES[n].files, SCALES[n].total, shape)
            for n, shape in DEFAULT_SETS[args.scale]
        ]
    if args.runs < 1 or args.jobs < 1:
        ap.error("--runs and --jobs must be at least 1")
    ledger = shlex.split(args.ledger) if args.ledger else None
    groups = args.steps.split(",") if args.steps else None
    if groups is not None and not set(groups) <= set(GROUPS):
        ap.error(
            f"--steps: {', '.join(sorted(set(groups) - set(GROUPS)))} is none of {', '.join(GROUPS)}"
        )
    correct = True
    reports = []
    for scale in scales:
        r = bench(scale, args.out, args.runs, args.jobs, ledger=ledger, groups=groups)
        reports.append(markdown(r))
        correct = correct and r["correct"]
        print(reports[-1])
        print(f"written: {args.out / scale.dataset / 'results.md'}, results.json")
    if len(scales) > 1:
        combined = args.out / f"results-{args.scale}.md"
        combined.write_text("\n".join(reports), encoding="utf-8")
        print(f"all data sets: {combined}")
    return 0 if correct else 1


if __name__ == "__main__":
    sys.exit(main())
