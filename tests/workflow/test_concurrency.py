"""Two reviewers deciding one application at the same moment.

Each reviewer decides in its own thread, with its own database connection.
Exactly one decision is recorded; the other reviewer is told who decided first
(409 Conflict), on PostgreSQL and on SQLite.

PostgreSQL: in the suite's database (both start together at a barrier). SQLite:
two connections need a database file, and the suite's SQLite is in memory, so
that race runs in its own process on a temporary file (tests/workflow/
sqlite_race.py), in both passes.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.db import connection

from pcnhub.workflow import services
from pcnhub.workflow.models import Application, Decision

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL row locks between connections: runs in the "
            "PostgreSQL pass (PCNHUB_TEST_DATABASE_URL)"
        )


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_postgresql_only")
def test_two_reviewers_at_once_record_exactly_one_decision(
    people: SimpleNamespace, submitted: Application, make_user
) -> None:  # type: ignore[no-untyped-def]
    second = make_user("commissioner", "99Z", "commissioner2")
    start = threading.Barrier(2)
    results: dict[str, object] = {}

    def decide(name: str, user, outcome: str) -> None:  # type: ignore[no-untyped-def]
        try:
            application = Application.objects.get(pk=submitted.pk)
            start.wait(timeout=10)
            results[name] = services.decide(
                user,
                application,
                outcome=outcome,
                reasons=f"{name} decided",
                conditions="",
                network_code="U99013",
                expected_version=application.version,
            )
        except Exception as exc:  # noqa: BLE001 - the loser's error is the result
            results[name] = exc
        finally:
            connection.close()

    threads = [
        threading.Thread(
            target=decide, args=("first", people.commissioner, "approved")
        ),
        threading.Thread(target=decide, args=("second", second, "rejected")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    decisions = list(Decision.objects.filter(application=submitted))
    assert len(decisions) == 1
    winners = [r for r in results.values() if isinstance(r, Decision)]
    losers = [r for r in results.values() if isinstance(r, services.Conflict)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert "already decided by" in str(losers[0])
    submitted.refresh_from_db()
    assert submitted.state == decisions[0].outcome


def test_on_sqlite_the_losing_reviewer_gets_a_conflict_not_a_locked_database(
    tmp_path: Path,
) -> None:
    """Before the fix the second reviewer got OperationalError "database is
    locked" (a 500); now it waits for the first and is told who decided."""
    done = subprocess.run(
        [sys.executable, "-m", "tests.workflow.sqlite_race", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    assert outcome["decisions"] == 1, outcome
    assert outcome["results"]["first"] == "decided", outcome
    assert outcome["results"]["second"].startswith("conflict: "), outcome
    assert "already decided by first" in outcome["results"]["second"], outcome


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_postgresql_only")
def test_an_approval_waits_for_a_running_import(
    people: SimpleNamespace, submitted: Application
) -> None:
    """An approval writes the register, so it must not interleave with an import:
    it waits for the import lock (pcnhub.register.imports.IMPORT_LOCK)."""
    from django.db import transaction

    from pcnhub.register.imports import IMPORT_LOCK

    held, release = threading.Event(), threading.Event()
    released_at: list[float] = []

    def an_import() -> None:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", IMPORT_LOCK)
                held.set()
                release.wait(timeout=30)
                released_at.append(time.monotonic())
        finally:
            connection.close()

    importer = threading.Thread(target=an_import)
    importer.start()
    assert held.wait(timeout=30)
    finished_at: list[float] = []

    def approve() -> None:
        try:
            services.decide(
                people.commissioner,
                Application.objects.get(pk=submitted.pk),
                outcome="approved",
                reasons="",
                conditions="",
                network_code="U99013",
                expected_version=submitted.version,
            )
            finished_at.append(time.monotonic())
        finally:
            connection.close()

    approver = threading.Thread(target=approve)
    approver.start()
    approver.join(timeout=2)
    assert approver.is_alive(), "the approval did not wait for the import"
    assert not Decision.objects.filter(application=submitted).exists()
    release.set()
    importer.join(timeout=30)
    approver.join(timeout=60)
    assert finished_at and released_at and finished_at[0] > released_at[0]
    assert Decision.objects.get(application=submitted).outcome == "approved"
