"""Forms in the NHS.UK frame: the CSRF field and the error summary."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from markupsafe import Markup

#: Stands in for the CSRF token while a page is rendered; the token is filled in
#: per request (pcnhub.web.page_cache), so a kept page never holds anyone's
#: token. It cannot be typed into a form by accident; if a user types it, it
#: becomes that viewer's own token, in their own page, as escaped text.
CSRF_PLACEHOLDER = "pcnhub-csrf-token-3f9c1e7a5b"


def csrf_field() -> Markup:
    """The hidden CSRF field, holding the placeholder."""
    return Markup('<input type="hidden" name="csrfmiddlewaretoken" value="{}">').format(
        CSRF_PLACEHOLDER
    )


def csrf_input(request: HttpRequest) -> Markup:
    """The form's CSRF field; the token is filled in per request."""
    return csrf_field()


def form_errors(form: Any) -> list[dict[str, str]]:
    """A bound form's errors for the NHS.UK error summary, each linking its field."""
    if not form.is_bound:
        return []
    first_field = next(iter(form.fields), "")
    return [
        {"text": str(message), "href": f"#{field or first_field}"}
        for field, messages in form.errors.items()
        for message in messages
        if field != "__all__"
    ] + [
        {"text": str(message), "href": f"#{first_field}"}
        for message in form.non_field_errors()
    ]
