"""The page frame: the NHS.UK header, its account menu and navigation."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from markupsafe import Markup

from pcnhub.access.permissions import Permission
from pcnhub.access.roles import OVERSIGHT_ROLES, Role
from pcnhub.access.scope import Scope, scope_of
from pcnhub.ui.asat import AsAt
from pcnhub.ui.forms import csrf_input
from pcnhub.ui.links import optional_url

SERVICE_NAME = "pcnhub"

NAVIGATION = (
    ("home", "Home and search"),
    ("networks", "Networks"),
    ("uncovered", "Practices in no network"),
    ("checks", "Contract checks"),
    ("variability", "Network sizes"),
    ("applications", "Applications"),
    ("audit", "Audit trail"),
)

#: Roles as the header names them, beside the user's name.
SHORT_ROLE_LABELS: dict[Role, str] = {
    Role.NATIONAL: "National",
    Role.REGIONAL: "Regional team",
    Role.COMMISSIONER: "Commissioner",
    Role.CLINICAL_DIRECTOR: "Clinical director",
    Role.NETWORK_MANAGER: "PCN manager",
    Role.PRACTICE_MANAGER: "Practice manager",
    Role.EVALUATOR: "Evaluator",
    Role.ADMIN: "Administrator",
}


def roles_text(scope: Scope) -> str:
    """The roles a user holds today: ``Commissioner 99Z, PCN manager U99001``."""
    held = sorted(
        scope.held, key=lambda pair: (list(Role).index(pair[0]), pair[1] or "")
    )
    return ", ".join(
        f"{SHORT_ROLE_LABELS[role]} {org}" if org else SHORT_ROLE_LABELS[role]
        for role, org in held
    )


def user_text(user: Any) -> str:
    """The user's name (or username) and their roles, for the header."""
    name = user.get_full_name().strip() or user.get_username()
    roles = roles_text(scope_of(user))
    return f"{name} ({roles})" if roles else name


def shows_in_navigation(user: Any, name: str) -> bool:
    """Whether the header links to page ``name`` for ``user``."""
    if name == "applications":
        return user.has_perm(Permission.REVIEW_QUEUE)
    if name == "audit":
        return user.has_perm(Permission.VIEW_WHOLE_TRAIL) or scope_of(user).has(
            *OVERSIGHT_ROLES
        )
    return user.has_perm(Permission.USE_REGISTER)


def navigation_items(
    request: HttpRequest, as_at: AsAt, current: str | None
) -> list[dict[str, Any]]:
    """The header's links: the pages the user may open that exist."""
    items = []
    for name, text in NAVIGATION:
        if not shows_in_navigation(request.user, name):
            continue
        path = optional_url(name)
        if path is None:
            continue
        items.append(
            {"text": text, "href": as_at.link(path), "current": name == current}
        )
    return items


def header(request: HttpRequest, as_at: AsAt, current: str | None) -> dict[str, Any]:
    """Parameters for the NHS.UK header: service name, search, account, menu."""
    params: dict[str, Any] = {
        "service": {"text": SERVICE_NAME, "href": as_at.link(reverse("home"))},
    }
    user = request.user
    if not user.is_authenticated:
        return params
    if user.has_perm(Permission.USE_REGISTER):
        params["search"] = {
            "action": reverse("home"),
            "name": "q",
            "placeholder": "ODS code or name",
            "visuallyHiddenLabel": "Search organisations by ODS code or name",
            "visuallyHiddenButton": "Search",
        }
    # The header macro's own account form has no CSRF token, so the sign-out
    # form is given as HTML (with the header's own classes).
    sign_out = Markup(
        '<form class="nhsuk-header__account-form" action="{}" method="post">'
        '{}<button class="nhsuk-header__account-button">Sign out</button></form>'
    ).format(reverse("logout"), csrf_input(request))
    account: list[dict[str, Any]] = [{"text": user_text(user), "icon": True}]
    tokens = optional_url("account_tokens")
    if tokens is not None and user.has_perm(Permission.USE_REGISTER):
        account.append({"text": "API tokens", "href": tokens})
    params["account"] = {"items": [*account, {"html": sign_out}]}
    items = navigation_items(request, as_at, current)
    if items:
        params["navigation"] = {"items": items}
    return params
