"""``pcnhub audit verify`` and ``pcnhub audit export``."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from pcnhub.audit.models import AppendOnly, AuditEntry, AuditSubject
from pcnhub.audit.trail import COLUMNS
from tests.audit.helpers import entry, other_commissioner

pytestmark = pytest.mark.django_db


def run_verify() -> tuple[int, str]:
    """``pcnhub audit verify``: the exit status the command line gives, and output.

    (The command line exits with a ``CommandError``'s ``returncode``.)
    """
    out = io.StringIO()
    try:
        call_command("audit", "verify", stdout=out)
    except CommandError as error:
        return error.returncode, str(error)
    return 0, out.getvalue()


def test_intact_trail() -> None:
    made = [entry(f"k{i}", ["U99001"] if i % 2 else []) for i in range(5)]
    status, output = run_verify()
    assert status == 0
    assert "intact: 5 entries checked" in output
    assert made[-1].entry_hash in output


def test_the_model_refuses_edits_and_deletes() -> None:
    made = entry("a", ["U99001"])
    made.reason = "rewritten"
    with pytest.raises(AppendOnly):
        made.save()
    with pytest.raises(AppendOnly):
        made.delete()


def test_a_changed_reason_is_found() -> None:
    made = [entry(f"k{i}", ["U99001"], reason="because") for i in range(5)]
    # An edit made outside pcnhub: straight to the table, past the model's guard.
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {AuditEntry._meta.db_table} SET reason = %s WHERE id = %s",
            ["for no reason", made[2].id],
        )
    status, output = run_verify()
    assert status == 1
    assert f"broken at entry {made[2].id}: content does not match its hash" in output
    assert "2 entries before it are intact" in output


def test_a_changed_field_via_the_queryset_is_found() -> None:
    made = [entry(f"k{i}", []) for i in range(3)]
    AuditEntry.objects.filter(pk=made[1].pk).update(after={"sneaky": True})
    with pytest.raises(CommandError, match=f"broken at entry {made[1].id}"):
        call_command("audit", "verify")


def test_a_deleted_entry_in_the_middle_is_found() -> None:
    made = [entry(f"k{i}", []) for i in range(5)]
    AuditEntry.objects.filter(pk=made[2].pk).delete()  # the queryset skips the guard
    status, output = run_verify()
    assert status == 1
    assert f"broken at entry {made[3].id}: does not follow the entry before" in output
    assert f"id {made[2].id} is absent" in output


def test_a_changed_subject_is_found() -> None:
    made = [entry(f"k{i}", ["U99001", "99Z"]) for i in range(4)]
    AuditSubject.objects.filter(entry=made[1], code="U99001").update(code="U99002")
    status, output = run_verify()
    assert status == 1
    assert f"broken at entry {made[1].id}: content does not match its hash" in output


def test_a_removed_subject_is_found() -> None:
    made = [entry(f"k{i}", ["U99001"]) for i in range(3)]
    AuditSubject.objects.filter(entry=made[2]).delete()
    status, output = run_verify()
    assert status == 1
    assert f"broken at entry {made[2].id}" in output


# export ----------------------------------------------------------------------------


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        assert handle.readline().strip() == ",".join(COLUMNS)
        handle.seek(0)
        return list(csv.DictReader(handle))


def test_export_everything_to_a_file(tmp_path: Path) -> None:
    made = [entry(f"k{i}", ["U99001"] if i % 2 else []) for i in range(4)]
    out = tmp_path / "audit.csv"
    call_command("audit", "export", "--output", str(out))
    rows = read_csv(out)
    assert [int(r["id"]) for r in rows] == [e.id for e in reversed(made)]
    assert rows[0]["entry_hash"] == made[-1].entry_hash


def test_export_to_stdout_by_organisation() -> None:
    entry("ours", ["U99001"])
    entry("other", ["U99002"])
    out = io.StringIO()
    call_command("audit", "export", "--organisation", "u99001", stdout=out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [r["entity_key"] for r in rows] == ["ours"]


@pytest.mark.usefixtures("demo_data")
def test_export_as_a_user_sees_what_the_page_shows(tmp_path: Path, make_user) -> None:  # type: ignore[no-untyped-def]
    other_commissioner()
    make_user("commissioner", "99Z", username="colin")
    entry("ours", ["U99001"])
    entry("theirs", ["U88001"])
    entry("nobody's", [])
    out = tmp_path / "colin.csv"
    call_command("audit", "export", "--user", "colin", "--output", str(out))
    keys = {r["entity_key"] for r in read_csv(out) if r["entity_type"] == "thing"}
    assert keys == {"ours"}
    with pytest.raises(CommandError, match="'colin' may not see the audit trail of"):
        call_command("audit", "export", "--user", "colin", "--organisation", "U88001")


@pytest.mark.usefixtures("demo_data")
def test_export_refuses_evaluators_and_unknown_users(make_user) -> None:  # type: ignore[no-untyped-def]
    make_user("evaluator", username="eve")
    entry("a", ["U99001"])
    with pytest.raises(CommandError, match="'eve' may not see the audit trail"):
        call_command("audit", "export", "--user", "eve")
    with pytest.raises(CommandError, match="no user 'mallory'"):
        call_command("audit", "export", "--user", "mallory")


def test_the_command_line_exits_non_zero(tmp_path: Path) -> None:
    """End to end: a database file, a row changed in SQL, ``pcnhub audit verify``."""
    url = f"sqlite:///{tmp_path / 'pcnhub.sqlite3'}"
    env = {**os.environ, "PCNHUB_DATABASE_URL": url}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    pcnhub = [sys.executable, "-m", "pcnhub.cli"]

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*pcnhub, *args], env=env, cwd=tmp_path, capture_output=True, text=True
        )

    assert run("migrate", "--verbosity", "0").returncode == 0
    script = (
        "import django; django.setup()\n"
        "from django.db import connection\n"
        "from pcnhub.audit.services import Actor, record\n"
        "made = [record(Actor(system='cli-test'), 'change', 'thing', str(i))"
        " for i in range(3)]\n"
        "with connection.cursor() as c:\n"
        "    c.execute('UPDATE audit_auditentry SET reason = %s WHERE id = %s',"
        " ['tampered', made[1].id])\n"
        "print(made[1].id)\n"
    )
    made = subprocess.run(
        [sys.executable, "-c", script],
        env={**env, "DJANGO_SETTINGS_MODULE": "pcnhub.settings"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    changed = made.stdout.strip()
    result = run("audit", "verify")
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"audit trail broken at entry {changed}" in result.stderr
