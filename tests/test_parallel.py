"""Reading on a process pool: the same reports and city workbook as a serial run; crashes reported."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from helpers import annex2_row, write_annex2
from ledgercli.check import validate as validate_mod
from ledgercli.check.inbox import validate_paths
from ledgercli.cli import cli
from ledgercli.merge.plan import merge_paths, to_json
from ledgercli.model.options import Options
from ledgercli.run import pool as parallel
from ledgercli.write.citybook import write_city

DATA = Path(__file__).parent / "data"
TODAY = dt.date(2026, 1, 1)


def _inbox(tmp_path: Path) -> Path:
    """Five files: duplicates across files, an error row, a Wuhan-free annex-2 folder, junk."""
    d = tmp_path / "in"
    d.mkdir()
    write_annex2(
        d / "a.xlsx",
        [annex2_row(), annex2_row(序号=2, 合同名称="二号合同", 拖欠金额=10, 剩余金额=10)],
        above=[["填报单位：古南街道"]],
    )
    write_annex2(d / "b.xlsx", [annex2_row(街镇部门="区交通局")])  # the same case as a.xlsx
    write_annex2(
        d / "c.xlsx",
        [
            annex2_row(街镇部门="永新镇", 合同名称="四号合同", 拖欠金额="=1+1"),
            annex2_row(序号=2, 街镇部门="永新镇", 合同名称="五号合同", 欠款类型="劳务"),
        ],
    )
    write_annex2(d / "d.xlsx", [annex2_row(合同名称=f"合同{i}", 序号=i) for i in range(1, 30)])
    shutil.copy(DATA / "libreoffice-annex2.xlsx", d / "e.xlsx")
    (d / "broken.xlsx").write_bytes(b"PK\x03\x04 this is not a zip at all")
    (d / "notes.txt").write_text("请于周五前报送", encoding="utf-8")
    return d


def _cells(path: Path) -> dict[str, list[list[Any]]]:
    wb = openpyxl.load_workbook(path)
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb}


def test_validate_paths_parallel_equals_serial(tmp_path: Path) -> None:
    """jobs=2 gives the same report, in the same order, and the same ledgers as jobs=1."""
    d = _inbox(tmp_path)
    options = Options(today=TODAY)
    serial, serial_ledgers = validate_paths([d], options, jobs=1)
    para, para_ledgers = validate_paths([d], options, jobs=2)
    assert para.to_json("en") == serial.to_json("en")
    assert [f.path for f in para.files] == sorted(f.path for f in para.files)
    assert para.files[0].path.endswith("a.xlsx") and para.unreadable
    assert len(para_ledgers) == len(serial_ledgers) == 5
    for a, b in zip(serial_ledgers, para_ledgers, strict=True):
        assert a.form is b.form  # the parent's spec, not a copy per file
        assert (a.path, a.rows, a.values, a.errors, a.warnings) == (
            b.path,
            b.rows,
            b.values,
            b.errors,
            b.warnings,
        )
    none, ledgers = validate_paths([d], options, jobs=2, keep_ledgers=False)
    assert none.to_json("en") == serial.to_json("en") and ledgers == []


def test_merge_parallel_equals_serial(tmp_path: Path) -> None:
    """jobs=2 gives the same merge JSON and the same 明细, 问题 and 来源 cells as jobs=1."""
    d = _inbox(tmp_path)
    options = Options(today=TODAY)
    outs = {}
    reports = {}
    for jobs in (1, 2):
        with merge_paths([d], options, jobs=jobs) as result:
            out = tmp_path / f"city-{jobs}.xlsx"
            write_city(result, out)
            reports[jobs] = to_json(result, "zh", tmp_path / "city.xlsx")
            outs[jobs] = _cells(out)
    assert reports[2] == reports[1]
    assert outs[2] == outs[1]
    t = reports[2]["totals"]
    rows = {Path(f["path"]).name: f["rows_read"] for f in reports[2]["files"]}
    assert rows["e.xlsx"] > 0 and t["rows_read"] == 2 + 1 + 2 + 29 + rows["e.xlsx"]
    assert t["rows_written"] == t["rows_read"] and t["unreadable"] == 1
    assert t["duplicate_groups"] >= 1
    detail = outs[2]["明细"]
    assert len(detail) == 1 + t["rows_written"]
    assert [r[0] for r in detail[1:]] == list(range(1, t["rows_written"] + 1))


def test_merge_jobs_option_gives_identical_json(tmp_path: Path) -> None:
    """`ledger merge --jobs 1` and `--jobs 2` print the same JSON; the output is read back clean."""
    d = _inbox(tmp_path)
    (d / "broken.xlsx").unlink()
    (d / "c.xlsx").unlink()
    printed = []
    for jobs in ("1", "2"):
        out = tmp_path / "city.xlsx"
        r = CliRunner().invoke(
            cli,
            ["merge", str(d), "-o", str(out), "--jobs", jobs, "--format", "json", "--force"],
        )
        assert r.exit_code == 0, r.output
        printed.append(json.loads(r.output))
    assert printed[0] == printed[1]
    r = CliRunner().invoke(cli, ["validate", str(out), "--format", "json"])
    assert json.loads(r.output)["errors"] == 0, r.output
    r = CliRunner().invoke(cli, ["merge", str(d), "-o", str(out), "--jobs", "0", "--force"])
    assert r.exit_code == 2


def test_spilled_rows_are_removed_when_the_merge_is_closed(tmp_path: Path) -> None:
    """The rows waiting for the writer live in a temporary folder the result removes."""
    d = _inbox(tmp_path)
    result = merge_paths([d], Options(today=TODAY), jobs=2)
    spill = Path(result.spill_dir.name)
    assert len(list(spill.iterdir())) == 5  # one per readable file
    result.close()
    assert not spill.exists()


def _explode_on(name: str, how: str) -> Any:
    real = validate_mod.validate_file

    def fake(path: Path, *args: Any, **kwargs: Any) -> Any:
        if path.name == name:
            if how == "die":
                os._exit(3)
            raise RuntimeError("boom")
        return real(path, *args, **kwargs)

    return fake


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_bug_on_one_file_is_that_files_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    """An exception while reading one file becomes its finding; the others are merged."""
    d = _inbox(tmp_path)
    monkeypatch.setattr(parallel, "START_METHOD", "fork")  # workers see the patched function
    monkeypatch.setattr(validate_mod, "validate_file", _explode_on("b.xlsx", "raise"))
    with merge_paths([d], Options(today=TODAY), jobs=jobs) as result:
        by_name = {s.path.name: s for s in result.sources}
        assert by_name["b.xlsx"].status == "unreadable"
        [f] = by_name["b.xlsx"].findings
        assert f.rule == "internal-error" and "RuntimeError: boom" in f.message("en")
        assert by_name["d.xlsx"].status == "merged" and by_name["d.xlsx"].rows_read == 29
        assert result.exit_code() == 1
    report, _ = validate_paths([d], Options(today=TODAY), jobs=jobs)
    assert [f.rule for f in report.files[1].findings] == ["internal-error"]
    assert report.exit_code() == 2


_DIES = """
import json, os, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
import test_parallel as t
from ledgercli.merge.plan import merge_paths
from ledgercli.model.options import Options
from ledgercli.write.citybook import write_city

tmp = Path(sys.argv[2])
d = t._inbox(tmp)
t.parallel.START_METHOD = "fork"  # workers see the patched function
t.validate_mod.validate_file = t._explode_on("c.xlsx", "die")
with merge_paths([d], Options(today=t.TODAY), jobs=2) as result:
    c = next(s for s in result.sources if s.path.name == "c.xlsx")
    written = write_city(result, tmp / "city.xlsx")
    print(json.dumps({
        "status": {s.path.name: s.status for s in result.sources},
        "c": [f.rule for f in c.findings],
        "written": sum(written.values()),
        "rows_written": result.totals()["rows_written"],
    }))
"""


def test_a_worker_that_dies_is_that_files_report(tmp_path: Path) -> None:
    """A worker process killed on one file: that file is reported, every other file is read.

    Run in a fresh interpreter: the test forks workers (to let them see a patched function),
    and forking a pytest process that earlier tests left with threads can hang or crash a
    worker that has nothing to do with the file under test."""
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run(
        [sys.executable, "-c", _DIES, str(Path(__file__).parent), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout.strip().splitlines()[-1])
    assert got["status"] == {
        "a.xlsx": "merged",
        "b.xlsx": "merged",
        "broken.xlsx": "unreadable",
        "c.xlsx": "unreadable",
        "d.xlsx": "merged",
        "e.xlsx": "merged",
        "notes.txt": "skipped",
    }
    assert got["c"] == ["worker-died"]
    assert got["written"] == got["rows_written"]


def test_jobs_is_never_more_than_files() -> None:
    """None: every core, or one for small input; never more processes than files, nor fewer than one."""
    assert parallel.effective_jobs(8, 3) == 3
    assert parallel.effective_jobs(None, 1000) == (os.cpu_count() or 1)
    assert parallel.effective_jobs(2, 0) == 1
    assert parallel.effective_jobs(None, 3, total_bytes=1000) == 1
    assert parallel.effective_jobs(2, 3, total_bytes=1000) == 2


@pytest.mark.parametrize(
    ("files", "size", "jobs", "started"),
    [
        (2, 100, None, False),  # small: read in this process
        (2, 3 * 1024 * 1024, None, True),
        (2, 3 * 1024 * 1024, 1, False),
        (1, 6 * 1024 * 1024, None, False),  # one big file: no pool either
    ],
)
def test_fork_server_started_early_only_for_a_pool(
    tmp_path: Path, files: int, size: int, jobs: int | None, started: bool
) -> None:
    """The fork server starts before the heavy imports when a pool will be used, not else."""
    import subprocess
    import sys

    if (os.cpu_count() or 1) < 2:
        pytest.skip("one core: no pool is ever used")
    (tmp_path / "in").mkdir()
    for n in range(files):
        (tmp_path / "in" / f"{n}.xlsx").write_bytes(b"x" * (size // files))
    code = (
        "import sys; from pathlib import Path; from multiprocessing import forkserver\n"
        "from ledgercli.run.prestart import prestart\n"
        f"prestart([Path(sys.argv[1])], {jobs}, ['ledgercli.check.validate'])\n"
        "print(forkserver._forkserver._forkserver_pid is not None)\n"
        "print('ledgercli.check.validate' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "in")], capture_output=True, text=True
    )
    assert out.stdout.split() == [str(started), "False"], out.stderr
