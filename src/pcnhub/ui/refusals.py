"""Refusals (403) whose reason the 403 page shows."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied


class Refused(PermissionDenied):
    """A refusal whose message is fit to show on the 403 page."""


#: What every refusal of a user without a role says.
NO_ROLE = (
    "Your account does not hold a role in pcnhub yet, so it cannot show you the "
    "register."
)
