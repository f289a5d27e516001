"""Test-wide environment: plain, wide terminal output and English unless a test asks."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

# Rich reads these at print time: no colour codes, no wrapping in asserted output.
os.environ["TERM"] = "dumb"
os.environ["COLUMNS"] = "200"
os.environ.pop("LC_ALL", None)
os.environ.pop("LC_MESSAGES", None)
os.environ["LANG"] = "en_US.UTF-8"
os.environ.pop("LEDGER_LANG", None)
os.environ.setdefault("NO_COLOR", "1")

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample submissions and the two-week real inbox at fixed names under one folder,
    with an empty `out/` for what the commands write (a fresh folder for each test module)."""
    import realinbox

    base = tmp_path_factory.mktemp("work")
    shutil.copytree(
        Path(__file__).parent.parent / "sample_data" / "submissions", base / "submissions"
    )
    realinbox.build(base / "inbox")
    (base / "out").mkdir()
    return base


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample submissions merged: a city workbook as merge writes it (xlsxwriter's inline
    strings), for the tests of reading one by columns and in pieces."""
    from click.testing import CliRunner

    from ledgercli.cli import cli

    subs = Path(__file__).parent.parent / "sample_data" / "submissions"
    path = tmp_path_factory.mktemp("city") / "city.xlsx"
    r = CliRunner().invoke(cli, ["merge", str(subs), "--form", "cq-annex2", "-o", str(path)])
    assert r.exit_code == 0, r.output
    return path
