"""What every application page shares: the page frame, finding the application
the user may see, the posted version, and a refusal met while writing an
approval."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_http_methods

from pcnhub.access.checks import require
from pcnhub.access.permissions import Permission
from pcnhub.register import queries
from pcnhub.ui.asat import AsAt, today
from pcnhub.ui.frame import frame
from pcnhub.workflow import transitions
from pcnhub.workflow.models import Application, ApplicationPractice

#: The actions a page's one button leads to (the decision's page offers each).
DECIDING = frozenset(transitions.DECISIONS.values())
DECIDING_APPEAL = frozenset(transitions.APPEAL_DECISIONS.values())

GET_POST = require_http_methods(["GET", "POST"])


def render_page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    status: int = 200,
) -> HttpResponse:
    """``template`` in the site's frame, with the messages as banners."""
    base = frame(request, AsAt(today()), "applications")
    base["show_date_form"] = False
    base["banners"] = [
        {"text": str(m), "success": m.level_tag == "success"}
        for m in messages.get_messages(request)
    ]
    return render(request, template, base | context, status=status)


def find_application(request: HttpRequest, ref: str, permission: str) -> Application:
    """The application (404 if unknown), once the user may see it and ``permission``."""
    if "\x00" in ref or len(ref) > 20:
        raise Http404("no such application")
    application = get_object_or_404(Application, reference=ref.strip().upper())
    require(request.user, Permission.VIEW_APPLICATION, application)
    if permission != Permission.VIEW_APPLICATION:
        require(request.user, permission, application)
    return application


def validation_text(exc: ValidationError) -> str:
    """A governance or register refusal met while writing an approval."""
    if hasattr(exc, "error_dict"):
        parts = [
            f"{field.replace('_', ' ')}: {message}"
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    else:
        parts = list(exc.messages)
    return "The approval could not be written: " + "; ".join(parts)


def posted_version(request: HttpRequest) -> int | None:
    """The application's version the form was shown with (None if missing)."""
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


def names_for(
    application: Application, rows: list[ApplicationPractice]
) -> dict[str, str]:
    """The latest names of the organisations the application and ``rows`` name."""
    details = application.details or {}
    codes = {
        application.commissioner_id,
        application.network_id or "",
        details.get("absorbed_network", ""),
        *[r.practice_id for r in rows],
    } - {""}
    return queries.latest_names(codes)
