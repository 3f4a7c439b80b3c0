"""Data commands start light: no system checks, no heavy modules until needed.

Start-up time itself is measured in benchmarks/, not here; these tests assert
the structure that keeps it short (issue 16, item 4).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import get_commands, load_command_class

HEAVY = ("openpyxl", "pandas", "numpy", "ninja", "playwright", "pydantic")
SRC = Path(__file__).resolve().parents[2] / "src"

#: pcnhub's own commands that read or write data, and run no system checks.
DATA_COMMANDS = sorted(
    name for name, app in get_commands().items() if app.startswith("pcnhub.")
)


def imported_after(code: str, setup: bool = True) -> dict[str, bool]:
    """Which heavy modules a fresh process holds after ``django.setup()`` (unless
    ``setup`` is false) and ``code`` (run apart: the test session's own imports
    would hide the answer)."""
    script = (
        "import json, sys, django\n"
        + ("django.setup()\n" if setup else "")
        + f"{code}\n"
        f"print(json.dumps({{m: m in sys.modules for m in {HEAVY!r}}}))\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pcnhub.settings",
        "PCNHUB_DATABASE_URL": "sqlite:///:memory:",
    }
    out = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=SRC.parent,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_the_data_commands_are_the_ones_expected() -> None:
    # A guard on the list below: a new pcnhub command shows up here.
    assert {"networks", "import", "entitlements", "audit", "demo"} <= set(DATA_COMMANDS)


@pytest.mark.parametrize("name", DATA_COMMANDS)
def test_data_commands_run_no_system_checks(name: str) -> None:
    command = load_command_class(get_commands()[name], name)
    assert command.requires_system_checks == []


def test_djangos_own_commands_still_check() -> None:
    for name in ("migrate", "runserver"):
        command = load_command_class(get_commands()[name], name)
        assert command.requires_system_checks, name


@pytest.mark.parametrize("name", DATA_COMMANDS)
def test_a_data_command_imports_nothing_heavy(name: str) -> None:
    # The command line's own path: pcnhub.cli.main, as `pcnhub NAME --help`.
    held = imported_after(
        "from pcnhub.cli import main\n"
        "try:\n"
        f"    main([{name!r}, '--help'])\n"
        "except SystemExit:\n"
        "    pass",
        setup=False,
    )
    assert held == dict.fromkeys(HEAVY, False)


def test_the_data_commands_leave_no_trace_in_the_environment() -> None:
    held = imported_after(
        "import os, subprocess\n"
        "from pcnhub.cli import main\n"
        "try:\n"
        "    main(['networks', '--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "assert 'PCNHUB_DATA_COMMAND' not in os.environ",
        setup=False,
    )
    assert not held["ninja"]


def test_serving_still_loads_the_api_app() -> None:
    held = imported_after("from django.apps import apps; apps.get_app_config('ninja')")
    assert held["ninja"]


def test_an_xlsx_export_needs_no_openpyxl() -> None:
    # The workbook is streamed by pcnhub.contract.xlsx; openpyxl only reads.
    held = imported_after(
        "import io\n"
        "from pcnhub.contract import exports\n"
        "from pcnhub.rules.periods import ContractYear\n"
        "exports.write_xlsx(io.BytesIO(), ContractYear.parse('2021/22'), [], [])"
    )
    assert not held["openpyxl"]


def test_the_rules_wait_for_a_command_that_uses_them() -> None:
    # With no PCNHUB_LOCAL_PARAMETERS, start-up reads no agreements and so
    # imports no rules: `pcnhub networks` never needs them.
    script = (
        "import os, sys\n"
        "os.environ.pop('PCNHUB_LOCAL_PARAMETERS', None)\n"
        "from pcnhub.cli import main\n"
        "try:\n"
        "    main(['networks', '--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('pcnhub.contract.services' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PCNHUB_DATABASE_URL": "sqlite:///:memory:"},
        cwd=SRC.parent,
    )
    assert out.stdout.strip().splitlines()[-1] == "False"
