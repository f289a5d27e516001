"""The JSON of every command on fixed inputs, held byte for byte against files in tests/golden/.

`--format json` is the machine interface: programs parse it. A restructuring must leave it
unchanged, and a deliberate change shows up here as a reviewed diff of the golden file.
Regenerate after such a change with `LEDGER_UPDATE_GOLDEN=1 pytest tests/test_golden.py`, and
read the diff before committing it.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from ledgercli.cli import cli

GOLDEN = Path(__file__).parent / "golden"


CASES: dict[str, list[str]] = {
    "validate-samples": ["validate", "{w}/submissions"],
    "validate-week1": ["validate", "{w}/inbox/week1"],
    "merge-week1": ["merge", "{w}/inbox/week1", "-o", "{w}/out/city.xlsx", "--force"],
    "summarize-annex3-week1": ["summarize", "{w}/inbox/week1", "--annex", "3"],
    "summarize-annex4-samples": ["summarize", "{w}/submissions", "--form", "cq-annex2"],
    "diff-weeks": ["diff", "{w}/inbox/week1", "{w}/inbox/week2"],
    "overdue-week2": ["overdue", "{w}/inbox/week2", "--as-of", "2023-06"],
}


def _normalized(text: str, work: Path) -> str:
    """The JSON with the test's temporary folder written as <work> and file digests as
    <sha256> (another openpyxl may write the same workbook with other bytes), so it is the same
    on every machine."""
    data = json.loads(text)
    dumped = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False)
    dumped = re.sub(r'"[0-9a-f]{64}"', '"<sha256>"', dumped)
    return dumped.replace(str(work), "<work>") + "\n"


@pytest.mark.parametrize("name", sorted(CASES))
def test_json_is_unchanged(work: Path, name: str) -> None:
    """The command's JSON equals its golden file exactly (keys, order, values, messages)."""
    args = [a.replace("{w}", str(work)) for a in CASES[name]]
    r = CliRunner().invoke(cli, [*args, "--format", "json", "--lang", "zh"])
    assert r.exit_code in (0, 1), r.output
    got = _normalized(r.stdout, work)
    path = GOLDEN / f"{name}.json"
    if os.environ.get("LEDGER_UPDATE_GOLDEN"):
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(got, encoding="utf-8")
    assert path.exists(), f"no golden file {path.name}: run with LEDGER_UPDATE_GOLDEN=1"
    assert got == path.read_text(encoding="utf-8")
