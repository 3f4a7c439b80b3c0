"""A job's state changes in the worker: running, done, failed. Each is audited,
as the system actor ``pcnhub worker``."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from pcnhub.audit.services import Actor, record
from pcnhub.jobs import files
from pcnhub.jobs.config import configured
from pcnhub.jobs.kinds import Output
from pcnhub.jobs.models import Job, JobState

#: The actor of every change a worker makes.
WORKER = Actor(system="pcnhub worker")
#: How long results are kept, by default (``PCNHUB_JOB_KEEP_DAYS``).
KEEP_DAYS = 7


def keep_days() -> int:
    return int(configured("PCNHUB_JOB_KEEP_DAYS", str(KEEP_DAYS)))


def audit(actor: Actor, action: str, job: Job, **fields: Any) -> None:
    record(
        actor,
        action,
        "job",
        str(job.pk),
        after={"kind": job.kind, "state": job.state, **fields},
        subjects=[job.scope] if job.scope != "England" else [],
    )


def mark_running(job: Job, worker_id: str) -> None:
    now = timezone.now()
    job.state = JobState.RUNNING
    job.attempts += 1
    job.worker_id = worker_id
    job.started_at = now
    job.heartbeat_at = now
    job.progress_done = job.progress_total = 0
    job.message = "Started"
    job.save()
    audit(WORKER, "job started", job, attempt=job.attempts, worker=worker_id)


def mark_succeeded(job: Job, output: Output) -> None:
    now = timezone.now()
    job.state = JobState.SUCCEEDED
    job.finished_at = now
    job.progress_done = job.progress_total = max(job.progress_total, 1)
    job.message = output.message
    job.result_path = files.relative(output.path)
    job.result_name = output.name
    job.result_size = output.path.stat().st_size
    job.content_type = output.content_type
    job.expires_at = now + timedelta(days=keep_days())
    job.error = ""
    job.save()
    audit(
        WORKER,
        "job succeeded",
        job,
        file=job.result_name,
        size=job.result_size,
        expires_at=job.expires_at.isoformat(),
    )


def mark_failed(job: Job, error: str) -> None:
    # How far it got, as the heartbeat last wrote it (not as this copy began).
    job.refresh_from_db(fields=["progress_done", "progress_total"])
    now = timezone.now()
    job.state = JobState.FAILED
    job.finished_at = now
    job.message = "Failed"
    job.error = error
    job.expires_at = now + timedelta(days=keep_days())
    job.save()
    audit(WORKER, "job failed", job, error=error[:2000])
