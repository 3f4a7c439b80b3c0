"""``/healthz``: no sign-in, the database and the migrations, 200 or 503."""

from __future__ import annotations

import pytest
from django.db import DatabaseError
from django.test import Client

from pcnhub.core import health

pytestmark = pytest.mark.django_db


def test_healthy_is_200_without_a_sign_in() -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "migrations": "ok"},
    }
    assert "no-cache" in response["Cache-Control"]
    assert "sessionid" not in response.cookies


def test_head_works_and_writes_are_refused() -> None:
    assert Client().head("/healthz").status_code == 200
    assert Client().post("/healthz").status_code == 405


def test_an_unapplied_migration_is_503(monkeypatch: pytest.MonkeyPatch) -> None:
    class Pending:
        def __init__(self, connection: object) -> None:
            self.loader = type("L", (), {"graph": type("G", (), {})()})()
            self.loader.graph.leaf_nodes = lambda: []

        def migration_plan(self, targets: object) -> list[object]:
            return [("tokens", "0002_new")]

    monkeypatch.setattr(health, "MigrationExecutor", Pending)
    response = Client().get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failing"
    assert body["checks"]["migrations"].startswith("1 migration(s) not applied")


def test_a_database_that_does_not_answer_is_503(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Broken:
        def __enter__(self) -> None:
            raise DatabaseError("connection refused to host secret-db:5432")

        def __exit__(self, *args: object) -> None:
            return None

    monkeypatch.setattr(health.connection, "cursor", lambda: Broken())
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"] == {
        "database": "the database did not answer",
        "migrations": "not checked",
    }
    assert b"secret-db" not in response.content  # the answer is public


def test_the_real_migration_check_sees_an_unapplied_migration() -> None:
    """Against the real database: forget that one migration ran (in the test's
    transaction) and the check says so."""
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder

    MigrationRecorder(connection).record_unapplied("tokens", "0001_initial")
    assert health.migrations_check() == (
        "1 migration(s) not applied: run pcnhub migrate"
    )
    assert Client().get("/healthz").status_code == 503
