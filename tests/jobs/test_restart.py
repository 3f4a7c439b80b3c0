"""The job test of issue 12: a national export is started, the worker running it
is killed (SIGKILL) half-way, a worker is started again, and the job completes
with the right file.

Real processes on one real database file: ``pcnhub migrate`` makes it, a script
loads the demo area's register and starts the job as a national analyst, and two
``pcnhub worker`` processes run it one after the other. The worker's test-only
``--step-delay`` paces the export's steps (one per network), so that the first
worker is killed while the job's progress is between its first step and its
last: the test waits for that, it does not sleep and hope.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

DAY = "2022-06-01"
PCNHUB = Path(sys.executable).parent / "pcnhub"
#: The register of the demo area (its files through the importers, as ``pcnhub
#: demo`` does, without its users and records), a national analyst, and the job.
START_JOB = f"""
import django
django.setup()
from datetime import date
from pathlib import Path
from django.contrib.auth import get_user_model
from pcnhub.access.roles import Role
from pcnhub.access.services import grant
from pcnhub.audit.services import Actor
from pcnhub.jobs.services import start_job
from pcnhub.register.demo import write_demo_files
from pcnhub.register.imports import run_import
actor = Actor(system="job restart test")
for demo_file in write_demo_files(Path("{{folder}}")):
    run_import(demo_file.kind, demo_file.path, actor=actor, as_at=demo_file.as_at)
user = get_user_model().objects.create_user("analyst")
grant(actor, user, Role.NATIONAL, None, valid_from=date(2019, 4, 1))
job = start_job(user, "networks", {{{{"as_at": "{DAY}"}}}})
print(job.pk)
"""


def _env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="pcnhub.settings",
        PCNHUB_DATABASE_URL=f"sqlite:///{tmp_path / 'pcnhub.sqlite3'}",
        PCNHUB_MEDIA_ROOT=str(tmp_path / "media"),
    )
    env.pop("PCNHUB_DEBUG", None)
    return env


def _run(env: dict[str, str], *args: str, timeout: float = 300) -> str:
    done = subprocess.run(
        [str(PCNHUB), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _job(db: Path, pk: int) -> dict[str, Any]:
    with sqlite3.connect(db, timeout=30) as conn:
        conn.row_factory = sqlite3.Row
        row = conn.execute("SELECT * FROM jobs_job WHERE id = ?", [pk]).fetchone()
        return dict(row)


def _wait_for(what: Any, timeout: float, why: str) -> Any:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        found = what()
        if found:
            return found
        time.sleep(0.05)
    pytest.fail(f"timed out after {timeout} s waiting for {why}")


def _worker(env: dict[str, str], log: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [str(PCNHUB), "worker", "--interval", "0.1", "--heartbeat", "0.2", *extra],
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )


@pytest.mark.skipif(not PCNHUB.exists(), reason=f"no pcnhub command at {PCNHUB}")
def test_a_national_export_survives_its_worker_being_killed(tmp_path: Path) -> None:
    env = _env(tmp_path)
    db = tmp_path / "pcnhub.sqlite3"
    _run(env, "migrate", "--no-input")
    started = subprocess.run(
        [sys.executable, "-c", START_JOB.format(folder=tmp_path / "demo")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    pk = int(started.stdout.strip().splitlines()[-1])
    assert _job(db, pk)["state"] == "queued"

    first = _worker(env, tmp_path / "worker-1.log", "--step-delay", "0.5")
    try:
        half_way = _wait_for(
            lambda: (
                (j := _job(db, pk))["state"] == "running"
                and j["message"] == "Writing the networks"
                and 0 < j["progress_done"] < j["progress_total"]
                and j
            ),
            timeout=120,
            why="the first worker to be half-way through the job",
        )
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    assert first.returncode == -signal.SIGKILL
    killed = _job(db, pk)
    assert killed["state"] == "running", "the job finished before the kill"
    assert killed["progress_done"] < killed["progress_total"]
    assert killed["attempts"] == 1
    assert half_way["progress_total"] > 3

    # Started again, the worker finds the job its killed predecessor held,
    # queues it again and runs it to the end (--batch: then stops).
    second = subprocess.run(
        [str(PCNHUB), "worker", "--batch", "--interval", "0.1", "-v", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-3000:]
    assert f"job {pk} queued again" in second.stderr
    finished = _job(db, pk)
    assert finished["state"] == "succeeded", finished["error"]
    assert finished["attempts"] == 2
    assert finished["progress_done"] == finished["progress_total"]
    assert len(finished["task_ids"].split(",")) == 2
    result = tmp_path / "media" / "jobs" / finished["result_path"]
    expected = _run(env, "networks", "--as-at", DAY, "--format", "csv")
    assert result.read_text(encoding="utf-8") == expected
    assert expected.count("\n") == half_way["progress_total"] + 1
    assert not list(result.parent.glob("*.partial"))
    with sqlite3.connect(db) as conn:
        actions = [
            a
            for (a,) in conn.execute(
                "SELECT action FROM audit_auditentry WHERE entity_type = 'job' "
                "AND entity_key = ? ORDER BY id",
                [str(pk)],
            )
        ]
        statuses = sorted(
            s
            for (s,) in conn.execute(
                "SELECT status FROM django_tasks_database_dbtaskresult"
            )
        )
    assert actions == [
        "job queued",
        "job started",
        "job requeued",
        "job started",
        "job succeeded",
    ]
    # The killed attempt's task is marked failed (the library would have left
    # it running for ever); the second is the one that succeeded.
    assert statuses == ["FAILED", "SUCCESSFUL"]
