"""The architecture holds: layers import downward only, no cycles, no function too long to read.

import-linter (`lint-imports`, also run by `make test`) holds the contracts of pyproject.toml;
these tests show it counts the imports made inside functions, which is how an upward
dependency or a cycle used to hide.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent
SRC = ROOT / "src" / "ledgercli"
LINT = Path(sys.executable).parent / "lint-imports"
MAX_LINES = 80


def _lint(src_parent: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        capture_output=True,
        text=True,
        cwd=src_parent,
        env={"PYTHONPATH": str(src_parent), "PATH": "/usr/bin:/bin"},
    )


def test_the_layer_contracts_are_kept() -> None:
    res = _lint(SRC.parent)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "2 kept, 0 broken" in res.stdout


def test_an_import_inside_a_function_breaks_the_contracts(tmp_path: Path) -> None:
    """A late import from model/ up into check/, and one closing a cycle inside model/."""
    shutil.copytree(SRC, tmp_path / "ledgercli")
    with (tmp_path / "ledgercli" / "model" / "text.py").open("a", encoding="utf-8") as fh:
        fh.write("\n\ndef _late() -> None:\n    from ledgercli.check.validate import Options\n")
    with (tmp_path / "ledgercli" / "model" / "i18n.py").open("a", encoding="utf-8") as fh:
        fh.write("\n\ndef _late() -> None:\n    from ledgercli.model import report\n")
    res = _lint(tmp_path)
    assert res.returncode != 0
    assert "ledgercli.model.text -> ledgercli.check.validate" in res.stdout
    assert "No cycles are allowed in ledgercli.model" in res.stdout
    assert ".report -> .i18n" in res.stdout or ".i18n -> .report" in res.stdout


def long_functions(root: Path = SRC) -> list[str]:
    """Functions over MAX_LINES lines whose `def` line gives no `# long: <reason>`."""
    found = []
    for path in sorted(root.rglob("*.py")):
        lines = path.read_text("utf-8").splitlines()
        for node in ast.walk(ast.parse("\n".join(lines))):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            size = (node.end_lineno or node.lineno) - node.lineno + 1
            if size > MAX_LINES and "# long: " not in lines[node.lineno - 1]:
                found.append(f"{path.relative_to(root)}:{node.lineno} {node.name} ({size} lines)")
    return found


def test_no_function_is_over_80_lines_without_a_reason() -> None:
    assert long_functions() == []


def test_the_length_check_sees_a_long_function_and_its_reason(tmp_path: Path) -> None:
    body = "".join(f"    x{n} = {n}\n" for n in range(MAX_LINES))
    (tmp_path / "a.py").write_text(f"def f() -> None:\n{body}", "utf-8")
    (tmp_path / "b.py").write_text(f"def g() -> None:  # long: one table\n{body}", "utf-8")
    (tmp_path / "c.py").write_text(f"def h() -> None:\n{body[: -len('    x79 = 79') - 1]}", "utf-8")
    assert long_functions(tmp_path) == [f"a.py:1 f ({MAX_LINES + 1} lines)"]
