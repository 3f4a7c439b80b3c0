"""Each user's pages, kept per register version; tokens filled in per request.

A register page for a whole country costs tens of milliseconds to work out and
render, and under load that is what users wait for. Yet what a page shows
depends only on:

* who asks (the user: their roles and scope, their name in the header),
* the address (path and query: the date shown, the page, the filters),
* the register (its version: the head of the audit chain, which moves with every
  import, approval, recorded input and role change, all audited),
* today's date (pages without ``as_at`` show today),
* the code and parameters running (part of every key, :func:`make_key`).

So :class:`KeepPagesPerVersion` keeps the answer of each route in
:data:`KEPT_ROUTES` for a signed-in user's GET, keyed by all of those, and
answers the same request from that copy until any of them changes. It keeps
only complete 200 answers, never downloads (``format=``) and never an answer
that sets a cookie. The copy is only ever served to the user it was made for,
so no one sees what another user's roles show; access was checked when it was
made, and anything that changes access changes the key.

Two parts of a page must differ on every request: the CSRF token of its forms
and the Content-Security-Policy nonce of its scripts. Pages are therefore
rendered with placeholders (:data:`CSRF_PLACEHOLDER`, :data:`NONCE_PLACEHOLDER`)
and :class:`FillRequestTokens` replaces them in every HTML answer, kept or not,
with this request's token and nonce.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import cache as once
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token

from pcnhub.contract.snapshots import register_version
from pcnhub.ui.asat import today
from pcnhub.ui.forms import CSRF_PLACEHOLDER, csrf_field

#: Stand-in for the CSP nonce while a page is rendered (the CSRF token's is
#: pcnhub.ui.forms.CSRF_PLACEHOLDER). It cannot be typed into a page by
#: accident; if a user types it, it becomes that viewer's own nonce, in their
#: own page, as escaped text.
NONCE_PLACEHOLDER = "pcnhub-csp-nonce-3f9c1e7a5b"

#: The routes (URL names) whose answers are kept: the register's read-only
#: pages and API lists that are costly at national scale.
KEPT_ROUTES = frozenset(
    {
        "home",
        "dashboard_page",
        "dashboard_area",
        "api:dashboard",
        "networks",
        "uncovered",
        "org",
        "checks",
        "entitlements",
        "org_map",
        "uncovered_map",
        "variability",
        "api:register_networks",
        "api:register_uncovered",
    }
)

#: Request parameters that make a download: never kept (large, and rare).
DOWNLOAD_PARAMETER = "format"
PAGES = "pages"


def tokens(request: HttpRequest) -> dict[str, Any]:
    """A context processor: every template's ``csrf_input`` and ``csrf_token``
    are the placeholders (Django's own would be fixed into a kept page)."""
    return {"csrf_input": csrf_field(), "csrf_token": CSRF_PLACEHOLDER}


class FillRequestTokens:
    """Puts this request's CSRF token and CSP nonce in place of the placeholders.

    It sits inside Django's CSRF middleware (which then sets the CSRF cookie)
    and inside django-csp's (which then names the nonce in the header).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.streaming or not response.get("Content-Type", "").startswith(
            "text/html"
        ):
            return response
        original = content = response.content
        if CSRF_PLACEHOLDER.encode() in content:
            content = content.replace(
                CSRF_PLACEHOLDER.encode(), get_token(request).encode()
            )
        if NONCE_PLACEHOLDER.encode() in content:
            nonce = str(getattr(request, "csp_nonce", ""))
            content = content.replace(NONCE_PLACEHOLDER.encode(), nonce.encode())
        if content is not original:
            response.content = content
        return response


class KeepPagesPerVersion:
    """Answers a user's repeated GET of a kept route from its copy (see above)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        key = getattr(request, "_pcnhub_page_key", None)
        if key is not None and _keepable(response):
            caches[PAGES].set(
                key, (response["Content-Type"], response.content), timeout=None
            )
        return response

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        key = page_key(request)
        if key is None:
            return None
        kept = caches[PAGES].get(key)
        if kept is None:
            request._pcnhub_page_key = key  # type: ignore[attr-defined]
            return None
        content_type, content = kept
        response = HttpResponse(content, content_type=content_type)
        response["X-Pcnhub-Kept"] = "1"
        return response


def page_key(request: HttpRequest) -> str | None:
    """The key of this request's kept answer, or None when it is not kept."""
    match = request.resolver_match
    user = request.user
    if (
        request.method != "GET"
        or match is None
        or match.view_name not in KEPT_ROUTES
        or DOWNLOAD_PARAMETER in request.GET
        or not user.is_authenticated
        # A token's request is the token's to answer (pcnhub.tokens.auth), never
        # a copy kept for the session sent beside it.
        or "HTTP_AUTHORIZATION" in request.META
    ):
        return None
    version = register_version()
    if version == "empty":
        return None
    who = f"{user.pk}:{user.get_username()}:{user.get_full_name()}"
    parts = (who, request.get_full_path(), version, today().isoformat())
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _keepable(response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not response.has_header("Content-Disposition")
    )


def make_key(key: str, key_prefix: str, version: int) -> str:
    """The pages cache's keys name the code and the database that made them, so a
    cache kept on disk is never read by another release or another register."""
    return f"{key_prefix}:{generation()}:{version}:{key}"


#: The files whose change changes what a page shows (code, templates, parameters).
CODE_SUFFIXES = frozenset({".py", ".html", ".jinja", ".yaml", ".yml", ".toml"})


@once
def generation() -> str:
    """A digest of this process's code, parameters and database."""
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parent.parent
    files = sorted(p for p in root.rglob("*") if p.suffix in CODE_SUFFIXES)
    local = getattr(settings, "PCNHUB_LOCAL_PARAMETERS", "")
    if local and Path(local).is_dir():
        files += sorted(p for p in Path(local).rglob("*") if p.is_file())
    elif local and Path(local).exists():
        files.append(Path(local))
    for path in files:
        stat = path.stat()
        digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    db = connection.settings_dict
    digest.update(
        f"{db['ENGINE']}:{db.get('HOST')}:{db.get('PORT')}:{db['NAME']}".encode()
    )
    return digest.hexdigest()[:16]
