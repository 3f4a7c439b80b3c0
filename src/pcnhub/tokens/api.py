"""The tokens API (mounted at /api/tokens/ by pcnhub.api).

Listing and revoking work with a token or the session; making a token needs the
signed-in session (``django_auth``, with its CSRF check), never a token, so a
leaked token cannot make itself a successor. Each user sees and revokes their
own tokens; an administrator may revoke anyone's (in the admin site too).
Another user's token is a 404, as if it did not exist. Every route needs a role
(``register.use``), as every page does.
"""

from __future__ import annotations

from datetime import date, datetime

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Router, Schema
from ninja.responses import Status
from ninja.security import django_auth

from pcnhub.access.checks import require
from pcnhub.access.permissions import Permission
from pcnhub.tokens import services
from pcnhub.tokens.models import ApiToken

router = Router(tags=["tokens"])


class TokenOut(Schema):
    id: int
    name: str
    prefix: str = Field(description="The token's public start (pcnhub_ and 8 hex)")
    state: str = Field(description="active, expired or revoked")
    created_at: datetime
    last_used_at: datetime | None = Field(description="To the minute")
    expires_at: datetime | None
    revoked_at: datetime | None


class TokenList(Schema):
    tokens: list[TokenOut]


class TokenCreated(TokenOut):
    token: str = Field(description="The whole token: shown this once, never again")


class TokenIn(Schema):
    # Bounds are the service's (422 naming the field), not the schema's.
    name: str = Field(description="What the token is for")
    expires_on: date | None = Field(
        None, description="The last day it works (none: it does not expire)"
    )


class RevokeIn(Schema):
    reason: str = ""


def _out(token: ApiToken) -> dict[str, object]:
    return {
        "id": token.pk,
        "name": token.name,
        "prefix": token.prefix,
        "state": token.state(),
        "created_at": token.created_at,
        "last_used_at": token.last_used_at,
        "expires_at": token.expires_at,
        "revoked_at": token.revoked_at,
    }


@router.get("/", response=TokenList, summary="Your API tokens")
def list_api_tokens(request: HttpRequest) -> dict[str, object]:
    require(request.user, Permission.USE_REGISTER)
    return {"tokens": [_out(t) for t in services.tokens_of(request.user)]}


@router.post(
    "/",
    response={201: TokenCreated},
    auth=django_auth,
    summary="Make an API token (signed-in session only; shown once)",
)
def create_api_token(
    request: HttpRequest, body: TokenIn, response: HttpResponse
) -> Status[dict[str, object]]:
    require(request.user, Permission.USE_REGISTER)
    token, text = services.create_token(request.user, body.name, body.expires_on)
    response["Cache-Control"] = "no-store"
    return Status(201, _out(token) | {"token": text})


@router.post("/{pk}/revoke", response=TokenOut, summary="Revoke an API token")
def revoke_api_token(
    request: HttpRequest, pk: int, body: RevokeIn
) -> dict[str, object]:
    require(request.user, Permission.USE_REGISTER)
    found = ApiToken.objects.filter(pk=pk).first() if 0 < pk < 2**63 else None
    if found is None or not services.may_revoke(request.user, found):
        raise Http404(f"you have no API token {pk}")
    return _out(services.revoke_token(request.user, found, body.reason))
