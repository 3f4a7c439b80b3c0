"""The dashboard's part of a page, from a request: used by /dashboard/ and by
the home page (pcnhub.web), which shows the user's own area's dashboard."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest

from pcnhub.dashboard import areas
from pcnhub.dashboard.presenters import dashboard_context
from pcnhub.dashboard.services import dashboard
from pcnhub.ui.asat import AsAt
from pcnhub.ui.formatting import fmt_date
from pcnhub.ui.refusals import Refused


def dashboard_part(
    request: HttpRequest, as_at: AsAt, code: str | None = None
) -> tuple[dict[str, Any], int]:
    """The dashboard blocks' context and the page's status (400 for a bad
    ``?since=``; 403 is raised, as everywhere, for an area not the user's)."""
    user = request.user
    scope = code if code is not None else request.GET.get("scope", "")
    since_raw = request.GET.get("since", "")
    since_error = ""
    try:
        board = dashboard(user, as_at.day, scope, since_raw)
    except PermissionDenied as exc:
        raise Refused(str(exc)) from exc
    except ValidationError as exc:
        errors = exc.message_dict
        if "scope" in errors:
            raise
        since_error = errors["since"][0]
        board = dashboard(user, as_at.day, scope)
    context = dashboard_context(
        board.figures, board.changes, (board.freshness, board.missing), as_at
    )
    context |= {
        "since_raw": since_raw,
        "since_error": since_error,
        "since_text": fmt_date(board.changes.since) if board.changes else "",
        "scope_param": board.area.code if scope else "",
        "dashboard_action": request.path,
        "area_choices": _choices(request, as_at, board.area),
        # The page itself takes ?scope= (home and /dashboard/ alike).
        "dashboard_url": request.path,
    }
    return context, 400 if since_error else 200


def _choices(request: HttpRequest, as_at: AsAt, shown: areas.Area) -> list[dict]:
    chosen = shown.code or (areas.NATION if shown.level == areas.NATION else "")
    return [
        {"value": code, "text": text, "selected": code == chosen}
        for code, text in areas.choices(request.user, as_at.day)
    ]
