"""Issue 10's limits on the source: no module over 600 lines (migrations aside)
and no function over 60, so that each module stays focused and each function
reads at once. Measured with ``ast``; decorators are not counted."""

from __future__ import annotations

import ast
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[2] / "src" / "pcnhub"
MODULE_LINES = 600
FUNCTION_LINES = 60


def modules() -> list[Path]:
    return sorted(p for p in SOURCE.rglob("*.py") if "migrations" not in p.parts)


def long_functions(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines, line {node.lineno})"
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and (node.end_lineno or node.lineno) - node.lineno + 1 > FUNCTION_LINES
    ]


def test_the_walk_finds_the_package() -> None:
    found = {p.relative_to(SOURCE).as_posix() for p in modules()}
    assert {"rules/entitlements.py", "register/importers/writer.py"} <= found
    assert not any("/migrations/" in f"/{name}" for name in found)


def test_no_module_is_over_600_lines() -> None:
    over = {
        p.relative_to(SOURCE).as_posix(): n
        for p in modules()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MODULE_LINES
    }
    assert over == {}, "split these modules by what they hold"


def test_no_function_is_over_60_lines() -> None:
    over = {
        p.relative_to(SOURCE).as_posix(): found
        for p in modules()
        if (found := long_functions(p))
    }
    assert over == {}, "break these functions into named steps"


def test_the_function_measure_counts_a_long_function(tmp_path: Path) -> None:
    body = "\n".join(f"    x{i} = {i}" for i in range(FUNCTION_LINES))
    sample = tmp_path / "sample.py"
    sample.write_text(f"def short():\n    return 1\n\n\ndef long():\n{body}\n")
    assert [name.split(" ")[0] for name in long_functions(sample)] == ["long"]
