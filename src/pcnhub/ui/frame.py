"""What every page's base template needs: the header, the date form.

The header (service name, search, account, navigation) depends on who the user
is and what they may open, which the UI kit cannot know (it sits below
pcnhub.access in the layers). The site names the function that gives it in the
settings (``PCNHUB_PAGE_HEADER``, a dotted path); it is imported at the first
page, so the data commands, which show no page, never import it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.module_loading import import_string
from markupsafe import Markup

from pcnhub.ui.asat import PARAM, AsAt
from pcnhub.ui.formatting import fmt_date

Header = Callable[[HttpRequest, AsAt, "str | None"], dict[str, Any]]


@cache
def _header(path: str) -> Header:
    header: Header = import_string(path)
    return header


def header(request: HttpRequest, as_at: AsAt, current: str | None) -> dict[str, Any]:
    """The NHS.UK header's parameters for this request (``PCNHUB_PAGE_HEADER``)."""
    return _header(settings.PCNHUB_PAGE_HEADER)(request, as_at, current)


#: The header macro cannot be given extra fields, so the chosen date is added to
#: its search form by inserting a hidden field after the form's opening tag.
SEARCH_FORM_OPENING = Markup('id="search" action="/" method="get" novalidate>')


def search_form_as_at(as_at: AsAt) -> Markup:
    if not as_at.explicit:
        return SEARCH_FORM_OPENING
    return SEARCH_FORM_OPENING + Markup(
        '<input type="hidden" name="{}" value="{}">'
    ).format(PARAM, as_at.day.isoformat())


def hidden_fields(request: HttpRequest) -> list[tuple[str, str]]:
    """The other query parameters, kept when the date form is submitted."""
    return [
        (key, value)
        for key, values in request.GET.lists()
        if key not in (PARAM, "format")
        for value in values
    ]


def frame(
    request: HttpRequest, as_at: AsAt, current: str | None = None
) -> dict[str, Any]:
    """What every page's base template needs."""
    return {
        "as_at": as_at,
        "as_at_text": fmt_date(as_at.day),
        "header_params": header(request, as_at, current),
        "search_form_opening": SEARCH_FORM_OPENING,
        "search_form_opening_with_date": search_form_as_at(as_at),
        "date_form_hidden": hidden_fields(request),
        "date_value": as_at.raw if as_at.error else as_at.day.isoformat(),
    }
