"""People in each role on the demo area, the job files in a temporary directory,
and running the queue in this process as ``pcnhub worker`` would."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from pcnhub.access.roles import Role
from pcnhub.access.services import grant
from pcnhub.audit.services import Actor
from tests.web.conftest import demo_data, other_area  # noqa: F401 - fixtures

ROLES: dict[str, tuple[Role, str | None]] = {
    "national": (Role.NATIONAL, None),
    "evaluator": (Role.EVALUATOR, None),
    "admin": (Role.ADMIN, None),
    "regional": (Role.REGIONAL, "Y98"),
    "commissioner": (Role.COMMISSIONER, "99Z"),
    "manager": (Role.NETWORK_MANAGER, "U99001"),
}


@pytest.fixture(autouse=True)
def job_files(settings: Any, tmp_path: Path) -> Path:
    settings.PCNHUB_JOB_FILES = str(tmp_path / "job-files")
    return tmp_path / "job-files"


@pytest.fixture
def people(other_area: None) -> dict[str, Any]:  # noqa: F811
    users = get_user_model().objects
    out = {}
    for name, (role, code) in ROLES.items():
        user = users.create_user(name, password="x")
        grant(Actor(system="tests"), user, role, code, valid_from=date(2019, 4, 1))
        out[name] = user
    return out


@pytest.fixture
def client_for(people: dict[str, Any]) -> Any:
    def make(name: str) -> Client:
        client = Client()
        client.force_login(people[name])
        return client

    return make


def run_queued(worker_id: str = "test-worker") -> int:
    """Run every ready task as db_worker's loop does (claim, then run), without
    the loop's connection handling, which would end the test's transaction."""
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )
    ran = 0
    while (task := DBTaskResult.objects.ready().first()) is not None:
        task.claim(worker_id)
        worker.run_task(task)
        ran += 1
    return ran
