"""View decorators: refuse a user before the view runs."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse

from pcnhub.access.permissions import Permission
from pcnhub.ui.refusals import NO_ROLE, Refused


def needs_role(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Refuse (403) a signed-in user who holds no role (``register.use``)."""

    @wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.has_perm(Permission.USE_REGISTER):
            raise Refused(NO_ROLE)
        return view(request, *args, **kwargs)

    return checked
