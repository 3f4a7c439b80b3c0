"""The applications page: the review queue and the applicant's list, filtered
by state, and its CSV download."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from pcnhub.access.checks import require
from pcnhub.access.permissions import Permission
from pcnhub.register.exports import write_records
from pcnhub.ui.asat import today
from pcnhub.workflow import presenters, services
from pcnhub.workflow.models import Application, State
from pcnhub.workflow.views.base import render_page


def _chosen_state(request: HttpRequest) -> tuple[str | None, str]:
    """The ``?state=`` filter, and the error if it names no state."""
    state = request.GET.get("state", "").strip().lower() or None
    if state and state not in State.values:
        return None, "Choose a state from the list"
    return state, ""


def _csv(
    request: HttpRequest,
    rows: list[Application],
    state: str | None,
    state_error: str,
    day: date,
) -> HttpResponse:
    """The applications shown, oldest first, as a CSV download."""
    if state_error:
        return HttpResponse(state_error + "\n", status=400, content_type="text/plain")
    out = io.StringIO()
    ordered = sorted(rows, key=lambda a: a.created_at)
    write_records(
        out,
        [presenters.csv_row(a, day, request.user) for a in ordered],
        presenters.CSV_COLUMNS,
        "csv",
    )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    name = f"applications{'-' + state if state else ''}-{day.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _sections(sections: presenters.Queue, day: date) -> dict[str, Any]:
    """The unfiltered page: each section's table and count."""
    return {
        "waiting": presenters.queue_table(
            sections.waiting,
            "Oldest first, with the most serious check outcome",
            day,
        ),
        "appealed": presenters.queue_table(
            sections.appealed, "Appeals waiting for a decision, oldest first", day
        ),
        "decided": presenters.decided_table(
            sections.decided,
            f"Decided in the last {presenters.RECENT_DAYS} days, newest first",
        ),
        "mine": presenters.mine_table(
            sections.mine, "Applications you made or that name your practices"
        ),
        "counts": {
            "waiting": len(sections.waiting),
            "appealed": len(sections.appealed),
            "decided": len(sections.decided),
            "mine": len(sections.mine),
        },
    }


def _page_context(
    request: HttpRequest,
    rows: list[Application],
    state: str | None,
    state_error: str,
    day: date,
) -> dict[str, Any]:
    sections = presenters.queue(request.user, rows, day)
    context: dict[str, Any] = {
        "state": state,
        "state_error": state_error,
        "state_options": presenters.state_options(state),
        "csv_url": reverse("applications")
        + "?"
        + ("state=" + state + "&" if state else "")
        + "format=csv",
        "may_start": request.user.has_perm(Permission.START_APPLICATION),
        "overseer": sections.overseer,
    }
    if state:
        label = dict(State.choices)[state]
        context["filtered"] = presenters.mine_table(
            sorted(rows, key=lambda a: a.created_at), f"Applications: {label}"
        )
        context["filtered_count"] = len(rows)
    else:
        context |= _sections(sections, day)
    return context


def applications(request: HttpRequest) -> HttpResponse:
    require(request.user, Permission.REVIEW_QUEUE)
    state, state_error = _chosen_state(request)
    rows = list(services.visible_applications(request.user))
    if state:
        rows = [a for a in rows if a.state == state]
    day = today()
    if request.GET.get("format") == "csv":
        return _csv(request, rows, state, state_error, day)
    return render_page(
        request,
        "workflow/applications.html",
        _page_context(request, rows, state, state_error, day),
        status=400 if state_error else 200,
    )
