"""The jobs pages: a user's jobs, one job, its file, starting a job, the import
upload. Views check who may, call the services and hold no rules of their own.

A job belongs to whoever started it; administrators see everyone's. Someone
else's job is answered as missing (404). Starting a job asks the permission of
the page or export it stands in for (:mod:`pcnhub.jobs.kinds`).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from pcnhub.access.decorators import needs_role
from pcnhub.jobs import files
from pcnhub.jobs.kinds import import_kinds, may_import
from pcnhub.jobs.models import Job, JobKind, JobState
from pcnhub.jobs.services import job_for, kind_label, start_job, visible_jobs
from pcnhub.ui.asat import AsAt, today
from pcnhub.ui.formatting import fmt_when
from pcnhub.ui.frame import frame
from pcnhub.ui.refusals import Refused
from pcnhub.ui.tables import paginate

#: Seconds between reloads of a page showing a job not yet finished.
REFRESH_SECONDS = 5


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    page = frame(request, AsAt(today())) | {"show_date_form": False} | context
    return render(request, template, page, status=status)


def describe(job: Job, viewer: Any) -> dict[str, Any]:
    """What the pages (and the API) say of a job."""
    has_file = job.state == JobState.SUCCEEDED and bool(job.result_path)
    return {
        "id": job.pk,
        "kind": job.kind,
        "kind_label": kind_label(job.kind),
        "scope": job.scope,
        "state": job.state,
        "state_label": JobState(job.state).label,
        "percent": job.percent,
        "done": job.progress_done,
        "total": job.progress_total,
        "message": job.message,
        "attempts": job.attempts,
        "error": job.error,
        "parameters": job.parameters,
        "requested_by": job.requested_by.get_username(),
        "mine": job.requested_by_id == viewer.pk,
        "created": fmt_when(job.created_at),
        "started": fmt_when(job.started_at) if job.started_at else "",
        "finished": fmt_when(job.finished_at) if job.finished_at else "",
        "expires": fmt_when(job.expires_at) if job.expires_at else "",
        "expired": job.expired_at is not None,
        "url": reverse("job", args=[job.pk]),
        "file_url": reverse("job_file", args=[job.pk]) if has_file else "",
        "file_name": job.result_name,
        "file_size": job.result_size,
        "tag": {
            JobState.QUEUED: "nhsuk-tag--grey",
            JobState.RUNNING: "nhsuk-tag--blue",
            JobState.SUCCEEDED: "nhsuk-tag--green",
            JobState.FAILED: "nhsuk-tag--red",
        }[JobState(job.state)],
    }


@require_safe
@needs_role
def jobs(request: HttpRequest) -> HttpResponse:
    """The user's jobs (an administrator's: everyone's), newest first."""
    page = paginate(list(visible_jobs(request.user)), request)
    shown = [describe(job, request.user) for job in page.items]
    waiting = any(j["state"] in (JobState.QUEUED, JobState.RUNNING) for j in shown)
    context = {
        "jobs": shown,
        "page": page,
        **_reloading(request, waiting),
        "import_url": reverse("job_import") if may_import(request.user) else "",
    }
    return _render(request, "jobs/jobs.html", context)


@require_safe
@needs_role
def job(request: HttpRequest, pk: int) -> HttpResponse:
    """One job: its state, progress, errors and file."""
    shown = describe(job_for(request.user, pk), request.user)
    waiting = shown["state"] in (JobState.QUEUED, JobState.RUNNING)
    context = {"job": shown, **_reloading(request, waiting)}
    return _render(request, "jobs/job.html", context)


def _reloading(request: HttpRequest, waiting: bool) -> dict[str, Any]:
    """While a job waits or runs, the page offers to reload itself (a
    ``<meta http-equiv="refresh">``, no script), and reloads only when asked
    (``?reload=on``): a page that reloads unasked moves the reader's place and
    focus, which WCAG 2.2.1 (timing adjustable) and axe-core refuse."""
    asked = request.GET.get("reload") == "on"
    return {
        "waiting": waiting,
        "refresh": REFRESH_SECONDS if waiting and asked else 0,
        "reload_url": f"{request.path}?reload=on",
        "stop_url": request.path,
    }


@require_safe
@needs_role
def job_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The job's file, to its owner (or an administrator), while it is kept."""
    return file_response(job_for(request.user, pk))


def file_response(job: Job) -> HttpResponse:
    """The job's file; 404 saying why when there is none (yet, or any more)."""
    if job.state != JobState.SUCCEEDED or not job.result_path:
        why = "has no file yet" if not job.finished else "has no file"
        if job.expired_at is not None:
            why = "had its file deleted when it expired"
        raise Http404(f"job {job.pk} {why}")
    path = files.absolute(job.result_path)
    if not path.is_file():
        raise Http404(f"job {job.pk}'s file is missing")
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=job.result_name,
        content_type=job.content_type,
    )


def _started(request: HttpRequest, kind: str) -> HttpResponse:
    """Start the job; on bad input, a page naming each problem (400)."""
    try:
        started = start_job(request.user, kind, request.POST)
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
        return _refused_input(request, errors)
    return redirect("job", pk=started.pk)


def _refused_input(request: HttpRequest, errors: dict[str, list[str]]) -> HttpResponse:
    problems = [f"{', '.join(texts)}" for texts in errors.values()]
    back = request.META.get("HTTP_REFERER", "")
    context = {
        "problems": problems,
        "back_url": back if back.startswith("/") else reverse("jobs"),
    }
    return _render(request, "jobs/not_started.html", context, status=400)


@require_POST
@needs_role
def start_entitlements(request: HttpRequest) -> HttpResponse:
    """Prepare the entitlements of England or a region (the downloads page's form)."""
    return _started(request, JobKind.ENTITLEMENTS)


@require_POST
@needs_role
def start_networks(request: HttpRequest) -> HttpResponse:
    """Export the whole country's networks on a date."""
    return _started(request, JobKind.NETWORKS)


@require_http_methods(["GET", "POST"])
@needs_role
def import_file(request: HttpRequest) -> HttpResponse:
    """Upload an NHS file to be imported by the worker (administrators)."""
    if not may_import(request.user):
        raise Refused("Files are imported through the pages by administrators.")
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            started = start_job(
                request.user, JobKind.IMPORT, request.POST, request.FILES.get("file")
            )
        except ValidationError as exc:
            errors = {k: " ".join(v) for k, v in exc.message_dict.items()}
        else:
            return redirect("job", pk=started.pk)
    context = {
        "kinds": import_kinds(),
        "picked": request.POST.get("import_kind", ""),
        "as_at_value": request.POST.get("as_at", ""),
        "errors": errors,
        "error_list": [{"text": t, "href": f"#{f}"} for f, t in errors.items()],
    }
    return _render(request, "jobs/import.html", context, status=400 if errors else 200)
