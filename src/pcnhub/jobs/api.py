"""The jobs API (mounted by pcnhub.api at /api/jobs/): the same permissions as
the pages. A user's own jobs (an administrator's: everyone's); someone else's
job is as missing (404). Starting a job asks the permission of the export it
stands in for, then checks its fields (422). Uploaded imports are started from
the page (/jobs/import/), not here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Router, Schema
from ninja.responses import Status

from pcnhub.access.permissions import Permission
from pcnhub.jobs import services
from pcnhub.jobs.models import Job, JobState
from pcnhub.jobs.services import job_for, kind_label, visible_jobs
from pcnhub.jobs.views import file_response
from pcnhub.ui.refusals import NO_ROLE, Refused

router = Router(tags=["jobs"])


class JobOut(Schema):
    id: int
    kind: Literal["entitlements", "networks", "import"]
    kind_label: str
    #: whose data: an organisation code, or "England"
    scope: str
    state: Literal["queued", "running", "succeeded", "failed"]
    percent: int
    done: int
    total: int
    message: str
    attempts: int
    error: str
    parameters: dict[str, str]
    requested_by: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    expires_at: datetime | None
    #: the file was deleted when the job expired
    expired: bool
    #: where the file downloads from, while there is one
    file_url: str | None
    file_name: str
    file_size: int


class JobStartIn(Schema):
    """A job to start. ``entitlements``: ``scope`` (``nation`` or ``region`` with
    ``region``), ``year`` (e.g. 2024/25; default the current one) and ``format``
    (csv or xlsx). ``networks``: ``as_at`` and ``lists_at`` (YYYY-MM-DD; default
    today and the same day) and ``format`` (csv or json)."""

    kind: Literal["entitlements", "networks"]
    scope: Literal["nation", "region"] | None = None
    region: str | None = None
    year: str | None = None
    format: str | None = None
    as_at: str | None = None
    lists_at: str | None = None


def job_out(job: Job) -> dict[str, Any]:
    has_file = job.state == JobState.SUCCEEDED and bool(job.result_path)
    return {
        "id": job.pk,
        "kind": job.kind,
        "kind_label": kind_label(job.kind),
        "scope": job.scope,
        "state": job.state,
        "percent": job.percent,
        "done": job.progress_done,
        "total": job.progress_total,
        "message": job.message,
        "attempts": job.attempts,
        "error": job.error,
        "parameters": {k: str(v) for k, v in job.parameters.items() if k != "file"},
        "requested_by": job.requested_by.get_username(),
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
        "expires_at": job.expires_at,
        "expired": job.expired_at is not None,
        "file_url": reverse("api:job_file", args=[job.pk]) if has_file else None,
        "file_name": job.result_name,
        "file_size": job.result_size,
    }


def _with_role(request: HttpRequest) -> Any:
    if not request.user.has_perm(Permission.USE_REGISTER):
        raise Refused(NO_ROLE)
    return request.user


@router.get("/", response=list[JobOut], url_name="jobs")
def jobs(request: HttpRequest) -> list[dict[str, Any]]:
    """The user's jobs, newest first (an administrator's: everyone's)."""
    return [job_out(job) for job in visible_jobs(_with_role(request))]


@router.post("/", response={201: JobOut}, url_name="start_job")
def start_job(request: HttpRequest, body: JobStartIn) -> Status:
    """Start a job; it is queued for ``pcnhub worker``."""
    data = {k: v for k, v in body.dict().items() if v is not None and k != "kind"}
    started = services.start_job(_with_role(request), body.kind, data)
    return Status(201, job_out(started))


@router.get("/{pk}", response=JobOut, url_name="job")
def job(request: HttpRequest, pk: int) -> dict[str, Any]:
    """One job's state and progress."""
    return job_out(job_for(_with_role(request), pk))


FILE_RESPONSE = {
    "responses": {
        200: {
            "description": "The job's file (CSV, JSON, an Excel workbook or, for "
            "an import, its report as text).",
            "content": {
                kind: {"schema": {"type": "string", "format": "binary"}}
                for kind in (
                    "text/csv",
                    "application/json",
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    "text/plain",
                )
            },
        }
    }
}


@router.get("/{pk}/file", url_name="job_file", openapi_extra=FILE_RESPONSE)
def job_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The job's file, once it is done and while it is kept (404 otherwise)."""
    return file_response(job_for(_with_role(request), pk))
