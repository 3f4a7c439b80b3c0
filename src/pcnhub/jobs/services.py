"""The one way jobs change state: started, running, done, failed, queued again,
their files deleted. Each change is audited (``pcnhub.audit.services``).

A job is *queued* by :func:`start_job` (as the user who asked) and put on
django-tasks' queue; a worker moves it to *running* and then *succeeded* or
*failed* (as the system actor ``pcnhub worker``). A job whose worker stopped
is queued again by :mod:`pcnhub.jobs.recovery`, up to :data:`MAX_ATTEMPTS`
starts in all.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from pcnhub.access.permissions import is_administrator
from pcnhub.audit.services import Actor
from pcnhub.jobs import files
from pcnhub.jobs.config import configured
from pcnhub.jobs.kinds import KINDS
from pcnhub.jobs.models import Job, JobKind, JobState
from pcnhub.jobs.states import WORKER, audit, keep_days, mark_failed
from pcnhub.jobs.tasks import run_job

#: How many times a job is started before it is given up (a worker stopping
#: under it each time).
MAX_ATTEMPTS = 3
#: The largest upload taken for an import, by default (``PCNHUB_JOB_UPLOAD_MAX_BYTES``).
UPLOAD_MAX_BYTES = 500 * 1024 * 1024


def upload_max_bytes() -> int:
    return int(configured("PCNHUB_JOB_UPLOAD_MAX_BYTES", str(UPLOAD_MAX_BYTES)))


def sees_every_job(user: Any) -> bool:
    return bool(user.is_active) and is_administrator(user)


def visible_jobs(user: Any) -> QuerySet[Job]:
    """The user's own jobs; an administrator's view: everyone's."""
    jobs = Job.objects.select_related("requested_by")
    return jobs if sees_every_job(user) else jobs.filter(requested_by=user)


def job_for(user: Any, pk: int) -> Job:
    """The job, if the user may see it. Someone else's is as missing (404): a
    job's number says nothing of whose it is."""
    inside = 0 < pk < 2**63  # what the database holds; beyond, nothing is
    job = visible_jobs(user).filter(pk=pk).first() if inside else None
    if job is None:
        raise Http404(f"you have no job {pk}")
    return job


def start_job(
    user: Any,
    kind: str,
    data: Mapping[str, Any],
    upload: UploadedFile | None = None,
) -> Job:
    """Check and queue a job of ``kind`` for ``user`` (403, then 422 on fields)."""
    if kind not in KINDS:
        raise PermissionDenied(f"no such kind of job: {kind}")
    if upload is not None and upload.size > upload_max_bytes():
        from django.core.exceptions import ValidationError

        limit = upload_max_bytes() // (1024 * 1024)
        raise ValidationError({"file": f"The file is larger than {limit} MB."})
    # One value per field (a QueryDict's last), whatever the caller passed.
    fields = {key: data.get(key) for key in data}
    prepared = KINDS[kind].prepare(user, {**fields, "file": upload})
    with transaction.atomic():
        job = Job.objects.create(
            kind=kind,
            parameters=prepared.parameters,
            requested_by=user,
            scope=prepared.scope,
            created_at=timezone.now(),
            message="Waiting for the worker",
        )
        if upload is not None:
            _keep_upload(job, upload)
        _enqueue(job)
        audit(Actor(user=user), "job queued", job, parameters=job.parameters)
    return job


def _keep_upload(job: Job, upload: UploadedFile) -> None:
    path = files.job_folder(job.pk) / "upload" / job.parameters["file_name"]
    with files.write_atomically(path, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    job.parameters["file"] = files.relative(path)
    job.save(update_fields=["parameters"])


def _enqueue(job: Job) -> None:
    result = run_job.enqueue(job.pk)
    job.task_ids = [*job.task_ids, result.id]
    job.save(update_fields=["task_ids"])


def requeue(job: Job, why: str) -> None:
    """Queue a job again whose worker stopped under it, or give it up after
    :data:`MAX_ATTEMPTS` starts (in the caller's transaction)."""
    if job.attempts >= MAX_ATTEMPTS:
        mark_failed(
            job,
            f"{why}; the job was started {job.attempts} times and each time the "
            "worker stopped, so it was given up. Start it again to retry.",
        )
        return
    job.state = JobState.QUEUED
    job.message = f"Queued again: {why}"
    job.heartbeat_at = None
    job.save()
    _enqueue(job)
    audit(WORKER, "job requeued", job, why=why, attempts=job.attempts)


def delete_expired(now: Any = None) -> int:
    """Delete the files of finished jobs past their time; the jobs stay, marked."""
    now = now or timezone.now()
    expired = Job.objects.filter(
        state__in=(JobState.SUCCEEDED, JobState.FAILED),
        expires_at__lte=now,
        expired_at__isnull=True,
    )
    count = 0
    for job in expired:
        files.delete_folder(job.pk)
        job.result_path = ""
        job.expired_at = now
        job.save(update_fields=["result_path", "expired_at"])
        audit(WORKER, "job file deleted", job, kept_days=keep_days())
        count += 1
    return count


def kind_label(kind: str) -> str:
    return str(JobKind(kind).label) if kind in JobKind.values else kind
