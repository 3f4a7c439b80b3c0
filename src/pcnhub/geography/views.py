"""The map pages: a network's or a commissioner's (``/org/<code>/map/``, url
name ``org_map``, by the organisation's kind) and practices in no network
(``/uncovered/map/?commissioner=``, ``uncovered_map``).

The same access as the organisation pages (``register.view_organisation`` on
the code), asked before the code is looked up: a code outside the user's scope
is a 403 whether or not it exists, then an unknown code (or one that is no
network or commissioner) a 404. Lists are limited to what the user sees.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from pcnhub.access.decorators import needs_role
from pcnhub.access.scope import scope_of
from pcnhub.geography import presenters
from pcnhub.geography.maps import (
    PracticeMap,
    commissioner_map,
    network_map,
    uncovered_map,
)
from pcnhub.geography.organisations import organisation_for_map
from pcnhub.register.models import OrganisationKind
from pcnhub.ui.asat import AsAt, as_at_from
from pcnhub.ui.frame import frame


def _render(
    request: HttpRequest, as_at: AsAt, m: PracticeMap, back: tuple[str, str]
) -> HttpResponse:
    scope = scope_of(request.user)
    context = frame(request, as_at) | {
        "map": m,
        "heading": presenters.heading(m),
        "summary": presenters.summary(m),
        "description": presenters.description(m),
        "legend": presenters.legend(m),
        "practices_table": presenters.practices_table(m, as_at, scope),
        "not_placed_table": presenters.not_placed_table(m, as_at, scope),
        "back_url": back[0],
        "back_text": back[1],
        "api_url": _api_url(m, as_at),
        "uncovered_url": (
            as_at.link(reverse("uncovered_map"), commissioner=m.code)
            if m.kind == "commissioner"
            else ""
        ),
    }
    status = 400 if as_at.error else 200
    return render(request, "geography/map.html", context, status=status)


def _api_url(m: PracticeMap, as_at: AsAt) -> str:
    if m.kind == "uncovered":
        return as_at.link(reverse("api:maps_uncovered"), commissioner=m.code)
    return as_at.link(reverse("api:maps_organisation", args=[m.code]))


@require_safe
@needs_role
def org_map(request: HttpRequest, code: str) -> HttpResponse:
    """A network's members, or a commissioner's practices by network."""
    as_at = as_at_from(request)
    org = organisation_for_map(request.user, code)
    if org.kind == OrganisationKind.NETWORK:
        m = network_map(org.code, as_at.day)
    else:
        m = commissioner_map(request.user, org.code, as_at.day)
    back = (as_at.link(reverse("org", args=[org.code])), "Back to the organisation")
    return _render(request, as_at, m, back)


@require_safe
@needs_role
def uncovered_map_page(request: HttpRequest) -> HttpResponse:
    """Practices in no network that the user sees, or a commissioner's."""
    as_at = as_at_from(request)
    commissioner = request.GET.get("commissioner", "").strip()
    if commissioner:
        org = organisation_for_map(
            request.user, commissioner, (OrganisationKind.COMMISSIONER,)
        )
        commissioner = org.code
    m = uncovered_map(request.user, as_at.day, commissioner)
    back = (as_at.link(reverse("uncovered")), "Back to practices in no network")
    return _render(request, as_at, m, back)
