"""Sign-in throttling (django-axes): whose address a failure counts against.

The lockout page itself is ``web/jinja2/registration/locked_out.html``
(``AXES_LOCKOUT_TEMPLATE``), rendered by axes with status 429.
"""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The address a sign-in attempt came from (``AXES_CLIENT_IP_CALLABLE``).

    Behind ``PCNHUB_PROXY_COUNT`` reverse proxies (each appending to
    ``X-Forwarded-For``), the client is the address that many places from the
    right of that header: what the client itself wrote there is ignored, so it
    cannot pick an address to escape a lockout or to lock someone else out.
    Without proxies (the default) it is the connection's address.
    """
    proxies = getattr(settings, "PCNHUB_PROXY_COUNT", 0)
    remote = request.META.get("REMOTE_ADDR") or None
    if proxies <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < proxies:
        return remote
    return forwarded[-proxies]


class RequestlessSignInThrottle(AxesStandaloneBackend):
    """For the test-suite only (``settings_test``): throttling without a request.

    Django's test client ``client.login(...)`` authenticates without a request,
    which the axes backend refuses outright; this one counts such a sign-in as
    coming from 127.0.0.1 and applies the same lockout rules. Production uses
    axes's own backend: every real sign-in arrives with a request.
    """

    def authenticate(
        self, request: HttpRequest | None, *args: Any, **kwargs: Any
    ) -> None:
        if request is None:
            request = HttpRequest()
            request.META["REMOTE_ADDR"] = "127.0.0.1"
        return super().authenticate(request, *args, **kwargs)
