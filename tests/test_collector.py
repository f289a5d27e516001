"""The cycle collector is paused while ledgers are built (run/collector.py), and only then."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import pytest

from ledgercli import api
from ledgercli.model.report import Finding
from ledgercli.run import pool
from ledgercli.run.collector import paused
from ledgercli.summary import figures as sm

SAMPLES = Path(__file__).resolve().parents[1] / "sample_data" / "submissions"


def test_paused_restores_the_collector_even_after_an_error() -> None:
    assert gc.isenabled()
    with paused():
        assert not gc.isenabled()
        with paused():  # nested: the outer pause still holds after the inner one ends
            pass
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError), paused():
        raise ValueError
    assert gc.isenabled()


def _seen(shared: Any, path: Path, arg: Any) -> bool:
    return gc.isenabled()


def _failed(path: Path, finding: Finding) -> bool:
    return True


def test_a_files_task_runs_paused_and_the_run_ends_collecting() -> None:
    work = pool.Work(_seen, _failed, None)
    assert pool.run(work, [(Path("a"), None), (Path("b"), None)], jobs=1) == [False, False]
    assert gc.isenabled()


def test_a_summary_builds_its_cases_paused(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bool] = []
    real = sm.cases_from

    def spy(*args: Any, **kwargs: Any) -> list[sm.Case]:
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(sm, "cases_from", spy)
    report = api.summarize(SAMPLES, annex="4")
    assert seen == [False]
    assert gc.isenabled()
    assert report.cases > 0
