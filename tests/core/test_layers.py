"""The layers of ADR 0006 are held by import-linter (issue 10, item 6).

``./dev lint`` (and so ``./dev test`` and CI) runs ``lint-imports`` with the
contracts in pyproject.toml. These tests show that it passes on the real tree
and fails, naming the contract, on a copy of the package given a deliberate
violation; the real source tree is never modified.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "pcnhub"
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
RULES = "pcnhub.rules imports neither Django nor any other pcnhub package"
LAYERS = "Packages in the layers of ADR 0006"


def _lint_imports(src: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """lint-imports with the project's contracts over the package under ``src``."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo", str(ROOT / "pyproject.toml")],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def _copy_package(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    shutil.copytree(
        PACKAGE,
        src / "pcnhub",
        ignore=shutil.ignore_patterns("__pycache__", "jinja2", "static", "*.png"),
    )
    return src


def test_the_real_tree_keeps_every_contract(tmp_path: Path) -> None:
    result = _lint_imports(ROOT / "src", tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert " 0 broken." in result.stdout
    assert "BROKEN" not in result.stdout


@pytest.mark.parametrize(
    ("modules", "contracts", "named"),
    [
        (
            {"rules/_violation.py": "import django\n"},
            [RULES],
            "pcnhub.rules._violation -> django",
        ),
        (
            {"rules/_violation.py": "from pcnhub.core import dates\n"},
            # core sits above the rules, so this is upwards too.
            [RULES, LAYERS],
            "pcnhub.rules._violation -> pcnhub.core.dates",
        ),
        (
            {"core/_violation.py": "from pcnhub.register import queries\n"},
            [LAYERS],
            "pcnhub.core._violation -> pcnhub.register.queries",
        ),
        (
            # Downwards by the layers (workflow is above contract), but a page.
            {"workflow/_violation.py": "from pcnhub.contract import views\n"},
            ["pcnhub.workflow imports no other app's web layer"],
            "pcnhub.workflow._violation -> pcnhub.contract.views",
        ),
        (
            {
                "rules/_first.py": "from pcnhub.rules import _second\n",
                "rules/_second.py": "from pcnhub.rules import _first\n",
            },
            ["No cycles between the modules and subpackages of a package"],
            "pcnhub.rules",
        ),
    ],
    ids=["rules-django", "rules-core", "layers", "web-layer", "cycle"],
)
def test_a_deliberate_violation_breaks_its_contract(
    tmp_path: Path, modules: dict[str, str], contracts: list[str], named: str
) -> None:
    src = _copy_package(tmp_path)
    for name, text in modules.items():
        (src / "pcnhub" / name).write_text(text, encoding="utf-8")

    result = _lint_imports(src, tmp_path)

    assert result.returncode == 1, result.stdout + result.stderr
    for contract in contracts:
        assert f"{contract} BROKEN" in result.stdout
    assert named in result.stdout
    # Only the contracts the module breaks: the listed violations stay ignored.
    assert f" {len(contracts)} broken." in result.stdout
    assert not (PACKAGE / next(iter(modules))).exists()


def test_the_rules_contract_forbids_every_other_package() -> None:
    """A package added to pcnhub is forbidden to the rules without a config edit
    going unnoticed."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (rules,) = [
        c
        for c in config["tool"]["importlinter"]["contracts"]
        if c["id"] == "rules-pure"
    ]
    assert rules["source_modules"] == ["pcnhub.rules"]
    siblings = {
        f"pcnhub.{path.stem}"
        for path in PACKAGE.iterdir()
        if (path.suffix == ".py" and path.stem != "__init__")
        or (path / "__init__.py").exists()
    }
    assert set(rules["forbidden_modules"]) == {"django"} | siblings - {"pcnhub.rules"}


def test_core_numbers_is_the_rules_parser() -> None:
    """One definition: the rules own it, core re-exports it."""
    from pcnhub.core import numbers as core_numbers
    from pcnhub.rules import numbers as rules_numbers

    assert core_numbers.parse_decimal is rules_numbers.parse_decimal
    assert core_numbers.number_pattern is rules_numbers.number_pattern
