"""The API's token authentication: ``Authorization: Bearer pcnhub_…``.

Tried before the session (pcnhub.api). A request without the header goes on to
the session (and its CSRF check); one with a bearer token that is not good
(unknown, revoked, expired, or of an inactive user) is refused 401 at once,
whatever session it also carries, so a script learns its token failed. A good
token makes the request its user's: ``request.user`` is that user, and every
route asks that user's permissions as for the pages. Browsers never send the
header across sites by themselves, so token requests need no CSRF token.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from pcnhub.tokens.services import SCHEME, authenticate

#: Where pcnhub.web.page_cache.KeepPagesPerVersion notes the key to keep an
#: answer under (tests/tokens/test_tokens.py holds the two to each other).
PAGE_KEY_ATTRIBUTE = "_pcnhub_page_key"


class TokenAuth(HttpBearer):
    openapi_bearerFormat = f"{SCHEME}…"
    openapi_description = (
        "A personal API token, made on /account/tokens/ (shown once): "
        "`Authorization: Bearer pcnhub_…`. It has its user's permissions."
    )

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get("Authorization", "")
        scheme, _, value = header.partition(" ")
        if not header or scheme.lower() != "bearer":
            return None  # no token: the session is tried next
        return self.authenticate(request, value.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = authenticate(token)
        if found is None:
            raise AuthenticationError(401, "The API token is not valid")
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]
        # The page cache (pcnhub.web.page_cache) chose a key for the session's
        # user before this ran; an answer for the token's user must not be kept
        # under it. (The attribute is named, not imported: web sits above.)
        request.__dict__.pop(PAGE_KEY_ATTRIBUTE, None)
        return found.user


def bearer_user(request: HttpRequest) -> Any:
    """The user of the request's bearer token: None without one; raises
    :class:`AuthenticationError` for a bad one (for views outside ninja's auth,
    such as the schema pages)."""
    return TokenAuth()(request)
