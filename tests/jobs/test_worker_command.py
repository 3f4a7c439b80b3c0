"""``pcnhub worker`` in this process: on start it queues again the job of a
worker that is gone and deletes expired files, then (``--batch``) runs what
waits and stops, saying it stopped."""

from __future__ import annotations

import signal
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from pcnhub.access.roles import Role
from pcnhub.access.services import grant
from pcnhub.audit.services import Actor
from pcnhub.jobs import files, recovery
from pcnhub.jobs.models import Job, JobState, JobWorker
from pcnhub.jobs.services import start_job


# Committed for real: the worker's loop checks its database connection as a
# long-running process must, which would end a test's enclosing transaction.
@pytest.mark.django_db(transaction=True)
def test_the_worker_recovers_cleans_up_runs_and_stops() -> None:
    user = get_user_model().objects.create_user("analyst")
    grant(Actor(system="tests"), user, Role.NATIONAL, None, valid_from=date(2019, 4, 1))
    now = timezone.now()
    gone = JobWorker.objects.create(
        worker_id="gone",
        host=recovery.this_host(),
        pid=2**22 + 7,  # beyond Linux's default pid_max: no such process
        started_at=now,
        heartbeat_at=now,
    )
    stranded = start_job(user, "networks", {"as_at": "2022-06-01"})
    DBTaskResult.objects.get(id=stranded.current_task_id).claim(gone.worker_id)
    Job.objects.filter(pk=stranded.pk).update(
        state=JobState.RUNNING, attempts=1, worker_id="gone", started_at=now
    )
    old = start_job(user, "networks", {"as_at": "2022-06-01"})
    old_file = files.job_folder(old.pk) / "old.csv"
    old_file.parent.mkdir(parents=True)
    old_file.write_text("x")
    Job.objects.filter(pk=old.pk).update(
        state=JobState.SUCCEEDED,
        result_path=files.relative(old_file),
        finished_at=now - timedelta(days=8),
        expires_at=now - timedelta(days=1),
    )
    DBTaskResult.objects.filter(id=old.current_task_id).delete()
    before = signal.getsignal(signal.SIGTERM)

    call_command("worker", "--batch", "--interval", "0", "--worker-id", "me")

    stranded.refresh_from_db()
    assert stranded.state == JobState.SUCCEEDED, stranded.error
    assert stranded.attempts == 2 and stranded.worker_id == "me"
    assert files.absolute(stranded.result_path).read_text().startswith("pcn_code,")
    old.refresh_from_db()
    assert old.expired_at is not None and not old_file.exists()
    assert JobWorker.objects.get(worker_id="me").stopped_at is not None
    assert signal.getsignal(signal.SIGTERM) is before
