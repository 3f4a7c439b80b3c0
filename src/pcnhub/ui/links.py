"""Links between pages: to a page that may not exist yet, to an organisation."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from pcnhub.ui.asat import AsAt


def optional_url(name: str, *args: str) -> str | None:
    """The path of a page that may not exist (yet); None when it does not."""
    try:
        return reverse(name, args=list(args))
    except NoReverseMatch:
        return None


def org_url(as_at: AsAt, code: str) -> str:
    """An organisation's register page, for the date being shown."""
    return as_at.link(reverse("org", args=[code]))
