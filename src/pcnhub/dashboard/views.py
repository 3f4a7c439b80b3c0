"""The dashboard page: /dashboard/ (the user's area, or ``?scope=CODE``) and
/dashboard/<code>/ (that area), as at ``?as_at=``, with changes ``?since=``."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from pcnhub.access.decorators import needs_role
from pcnhub.dashboard.pages import dashboard_part
from pcnhub.ui.asat import as_at_from
from pcnhub.ui.frame import frame


@needs_role
def dashboard_page(request: HttpRequest, code: str | None = None) -> HttpResponse:
    as_at = as_at_from(request)
    status = 400 if as_at.error else 200
    try:
        part, part_status = dashboard_part(request, as_at, code)
    except ValidationError as exc:
        context = frame(request, as_at, "home") | {
            "scope_error": exc.message_dict["scope"][0]
        }
        return render(request, "dashboard/unknown.html", context, status=404)
    context = frame(request, as_at, "home") | part
    return render(
        request, "dashboard/dashboard.html", context, status=max(status, part_status)
    )
