"""The benchmark's ground-truth check: a tiny generated folder passes, planted errors are caught."""

from __future__ import annotations

import importlib.util
import json
import sys
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"


def _load() -> ModuleType:
    sys.path.insert(0, str(BENCH))
    spec = importlib.util.spec_from_file_location("run", BENCH / "run.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["run"] = module
    spec.loader.exec_module(module)
    return module


run = _load()
TINY = run.Scale("tiny", 3, 60)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path]:
    """One run of every step on 3 files × 20 rows, through the same code as `make bench`."""
    out = tmp_path_factory.mktemp("bench")
    results = run.bench(TINY, out, runs=1, quiet=True)
    return results, out / "tiny"


def test_tiny_run_matches_ground_truth(tiny: tuple[dict[str, Any], Path]) -> None:
    """Every step exits 0 (week: 1, for the lapsed promises it lists) and merge, annex 3,
    annex 4 and the week's headline equal the generator's figures."""
    results, root = tiny
    assert results["problems"] == []
    assert results["correct"] is True
    assert set(results["steps"]) == set(run.STEPS)
    assert all(
        s["runs"][0]["rc"] in ((0, 1) if name.startswith("week") else (0,))
        for name, s in results["steps"].items()
    )
    merged = json.loads((root / "work" / "merge.json").read_text(encoding="utf-8"))
    assert merged["totals"]["rows_written"] == 60
    # 9 steps, merge's and summarize's memory and the week's wall time.
    assert (root / "results.md").read_text(encoding="utf-8").count("| tiny |") == 12
    assert set(results["ratios"]) == {*run.STEPS} - {s for s in run.STEPS if "floor" in s}
    assert results["summarize_peak_mb"]["value"] == max(
        results["steps"][f"summarize --annex {a}"]["peak_mb"] for a in "34"
    )
    week = json.loads((root / "work" / "week-last.json").read_text(encoding="utf-8"))
    assert week["headline"]["cases"] == 60 and week["changes"]["totals"]["vanished"] == 0
    assert json.loads((root / "results.json").read_text(encoding="utf-8"))["correct"] is True


def test_manifest_ground_truth_is_the_generator_sum(tiny: tuple[dict[str, Any], Path]) -> None:
    """The manifest's totals are the sum of the rows the generator wrote, one unit per file."""
    _, root = tiny
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    pool = run._make_large().row_pool(run.SEED)
    owed = sum((r["拖欠金额"] for r in pool[:20]), Decimal(0)) * 3
    assert Decimal(manifest["truth"]["owed"]) == owed
    assert manifest["truth"]["cases"] == manifest["total_rows"] == 60
    assert [f["rows"] for f in manifest["files"]] == [20, 20, 20]
    assert [f["offset"] for f in manifest["files"]] == [0, 20, 40]
    assert len({f["unit"] for f in manifest["files"]}) == 3
    buckets = sum(manifest["truth"][f"source/{b}/cases"] for b in run.BUCKETS)
    assert buckets == 60


def test_generation_is_cached(tiny: tuple[dict[str, Any], Path]) -> None:
    """A second run with the same scale reuses the files instead of writing them again."""
    _, root = tiny
    first = (
        root / "submissions" / json.loads((root / "manifest.json").read_text())["files"][0]["path"]
    )
    before = first.stat().st_mtime_ns
    run.generate(TINY, root, quiet=True)
    assert first.stat().st_mtime_ns == before


def test_planted_wrong_total_is_caught(tiny: tuple[dict[str, Any], Path]) -> None:
    """One yuan more in the ground truth's Σ 拖欠金额 is reported in both annexes."""
    _, root = tiny
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    assert run.check(manifest, root / "work") == []
    manifest["truth"]["owed"] = str(Decimal(manifest["truth"]["owed"]) + Decimal("0.0001"))
    problems = run.check(manifest, root / "work")
    assert any(p.startswith("annex3 合计: 总计/涉及金额") for p in problems)
    assert any(p.startswith("annex4 合计: 总体情况/涉及金额/拖欠总金额") for p in problems)


def test_planted_wrong_row_count_and_bucket_are_caught(tiny: tuple[dict[str, Any], Path]) -> None:
    """A row too many, or a case counted in the wrong source bucket, fails the check."""
    _, root = tiny
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    manifest["total_rows"] += 1
    manifest["truth"]["source/其他/cases"] += 1
    manifest["truth"]["source/自行排查/cases"] -= 1
    problems = run.check(manifest, root / "work")
    assert any(p.startswith("merge: totals.rows_written = 60, ground truth 61") for p in problems)
    assert any(p.startswith("validate:") for p in problems)
    assert any("问题来源/其他/数量" in p for p in problems)
    assert any("总体情况/拖欠数量/其中/自行排查" in p for p in problems)


def test_steps_runs_only_those_and_checks_only_theirs(tiny: tuple[dict[str, Any], Path]) -> None:
    """--steps summarize measures the summaries of the last run's city workbook, with their
    floor and memory, and checks their figures only (the other outputs are left as they are)."""
    _, root = tiny
    results = run.bench(TINY, root.parent, runs=1, quiet=True, groups=["summarize"])
    assert list(results["steps"]) == list(run.GROUPS["summarize"])
    assert set(results["ratios"]) == {"summarize --annex 3", "summarize --annex 4"}
    assert "merge_peak_mb" not in results and "week_seconds" not in results
    assert results["correct"] is True
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    manifest["total_rows"] += 1  # validate and merge would say so: not run, not checked
    problems = run.check(manifest, root / "work", run.selected(["summarize"]))
    assert problems and all(p.startswith(("annex3", "annex4")) for p in problems)


def test_validate_alone_on_a_fresh_folder(tmp_path: Path) -> None:
    """--steps validate on data never merged runs no merge and reads no city workbook (it
    used to stop there: no floor of a city workbook to read), and its verdict names what it
    checked, not annex figures it never computed."""
    results = run.bench(TINY, tmp_path, runs=1, quiet=True, groups=["validate"])
    assert list(results["steps"]) == list(run.GROUPS["validate"])
    assert results["correct"] is True
    assert not (tmp_path / "tiny" / "work" / "city.xlsx").exists()
    verdict = run.markdown(results).rsplit("Correctness:", 1)[1]
    assert "validate's files, rows and no error" in verdict and "annex" not in verdict


def test_missing_output_is_a_failure(tiny: tuple[dict[str, Any], Path], tmp_path: Path) -> None:
    """A command that wrote no JSON fails the check instead of passing silently."""
    _, root = tiny
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    problems = run.check(manifest, tmp_path)
    assert len(problems) == 6  # validate, merge, week, week --last, annex 3, annex 4
    assert all("no JSON output" in p for p in problems)


def _column(path: Path, header: str) -> list[Any]:
    from python_calamine import CalamineWorkbook

    grid = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    j = grid[1].index(header)
    return [row[j] for row in grid[2:]]


def test_city_shape_looks_like_a_city(tiny: tuple[dict[str, Any], Path], tmp_path: Path) -> None:
    """Across the files of a data set: at least 70% of rows name a creditor whose code and
    phone no other row has, debtors repeat (a few per hundred rows), every contract differs."""
    from collections import Counter

    make_large = run._make_large()
    pool = make_large.row_pool(run.SEED)
    files = [tmp_path / f"{k}.xlsx" for k in range(3)]
    for k, path in enumerate(files):
        make_large.write(path, 400, unit=f"单位{k}", offset=400 * k, pool=pool, shape="city")

    def across(header: str) -> list[Any]:
        return [v for path in files for v in _column(path, header)]

    codes, phones = Counter(across("债权人统一社会信用代码")), Counter(across("债权人联系电话"))
    pairs = list(zip(across("债权人统一社会信用代码"), across("债权人联系电话"), strict=True))
    alone = sum(1 for c, p in pairs if codes[c] == 1 and phones[p] == 1)
    assert alone / len(pairs) >= 0.7
    debtors = across("主体名称")
    assert 50 <= len(set(debtors)) <= 330
    contracts = across("合同名称")
    assert len(set(contracts)) == len(contracts) == 1200
    # The tiny data set of the fixture is of this shape and validates without an error.
    assert results_shape(tiny) == "city"


def results_shape(tiny: tuple[dict[str, Any], Path]) -> str:
    results, _ = tiny
    assert results["problems"] == []
    return str(results["shape"])


def test_repeat_shape_repeats(tmp_path: Path) -> None:
    """The earlier shape stays available: past the pool's 2,000 rows every creditor, code and
    phone is one seen before, and the city shape's are not."""
    make_large = run._make_large()
    pool = make_large.row_pool(run.SEED)
    for shape, seen_before in (("repeat", True), ("city", False)):
        path = tmp_path / f"{shape}.xlsx"
        make_large.write(path, len(pool) + 200, pool=pool, shape=shape)
        for header in ("债权人统一社会信用代码", "债权人联系电话"):
            cells = _column(path, header)
            again = sum(1 for v in cells[len(pool) :] if v in set(cells[: len(pool)]))
            assert (again == 200) is seen_before, (shape, header, again)
