"""Making, checking and revoking personal API tokens; every change audited.

A token has exactly its user's permissions: they are asked at each request
(pcnhub.access), never copied into the token, so a role that ends stops the
token's reach with it. The checks here only say whether a token is still good
(known, not revoked, not expired, its user active).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from pcnhub.access.permissions import is_administrator
from pcnhub.audit.services import Actor, record
from pcnhub.tokens.models import ApiToken

SCHEME = "pcnhub_"
PREFIX_CHARS = 8
#: ``pcnhub_`` + eight hex + ``_`` + token_urlsafe(32) (43 characters).
TOKEN_LENGTH = len(SCHEME) + PREFIX_CHARS + 1 + 43
NAME_LIMIT = 100
#: The furthest expiry offered: beyond it, tokens should simply not expire.
LONGEST_YEARS = 5
#: last_used_at is written at most this often per token (a write per API
#: request would double the cost of the cheapest ones).
USE_RESOLUTION = timedelta(minutes=1)
ENTITY = "api_token"
#: Compared against when the prefix is unknown, so that an unknown prefix and a
#: wrong secret take the same time.
_DUMMY_HASH = hashlib.sha256(b"pcnhub-no-such-token").hexdigest()


def hash_of(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_prefix() -> str:
    while True:
        prefix = SCHEME + secrets.token_hex(PREFIX_CHARS // 2)
        if not ApiToken.objects.filter(prefix=prefix).exists():
            return prefix


def expiry_of(day: date | None) -> datetime | None:
    """The end of ``day`` in pcnhub's time zone (a token works through it)."""
    if day is None:
        return None
    today = timezone.localdate()
    if day < today:
        raise ValidationError(
            {"expires_on": ["The expiry date must be today or later"]}
        )
    if day > today + timedelta(days=366 * LONGEST_YEARS):
        raise ValidationError(
            {
                "expires_on": [
                    f"The expiry date must be within {LONGEST_YEARS} years; "
                    "leave it empty for a token that does not expire"
                ]
            }
        )
    midnight = datetime.combine(day + timedelta(days=1), time.min)
    return timezone.make_aware(midnight)


def clean_name(name: str) -> str:
    cleaned = " ".join(str(name).split())
    if not cleaned:
        raise ValidationError({"name": ["Enter a name for the token"]})
    if len(cleaned) > NAME_LIMIT:
        raise ValidationError(
            {"name": [f"The name must be {NAME_LIMIT} characters or fewer"]}
        )
    return cleaned


def _plain(token: ApiToken) -> dict[str, Any]:
    """What the audit trail keeps of a token (never its secret or hash)."""
    return {
        "user": token.user.get_username(),
        "name": token.name,
        "prefix": token.prefix,
        "expires_at": token.expires_at,
        "revoked_at": token.revoked_at,
    }


def create_token(
    user: Any, name: str, expires_on: date | None = None
) -> tuple[ApiToken, str]:
    """A new token of ``user``, made by ``user``; the token text is returned
    once, here, and never again."""
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied("sign in to make a token")
    cleaned = clean_name(name)
    expires_at = expiry_of(expires_on)
    with transaction.atomic():
        prefix = _new_prefix()
        text = f"{prefix}_{secrets.token_urlsafe(32)}"
        token = ApiToken.objects.create(
            user=user,
            name=cleaned,
            prefix=prefix,
            secret_hash=hash_of(text),
            expires_at=expires_at,
        )
        record(
            Actor(user=user),
            "token.create",
            ENTITY,
            str(token.pk),
            after=_plain(token),
        )
    return token, text


def may_revoke(user: Any, token: ApiToken) -> bool:
    """Its own user, or an administrator."""
    if not user.is_authenticated or not user.is_active:
        return False
    return token.user_id == user.pk or bool(is_administrator(user))


def revoke_token(user: Any, token: ApiToken, reason: str = "") -> ApiToken:
    """Revoke ``token`` (its user, or an administrator); refused twice."""
    if not may_revoke(user, token):
        raise PermissionDenied("only the token's own user or an administrator")
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is not None:
            raise ValidationError({"__all__": ["This token is already revoked"]})
        before = _plain(token)
        token.revoked_at = timezone.now()
        token.revoked_by = user
        token.save(update_fields=["revoked_at", "revoked_by"])
        record(
            Actor(user=user),
            "token.revoke",
            ENTITY,
            str(token.pk),
            before=before,
            after=_plain(token),
            reason=reason.strip(),
        )
    return token


def _parts(text: str) -> str | None:
    """The prefix of a well-formed token text, or None."""
    if len(text) != TOKEN_LENGTH or not text.startswith(SCHEME):
        return None
    prefix = text[: len(SCHEME) + PREFIX_CHARS]
    if text[len(prefix)] != "_":
        return None
    return prefix


def authenticate(text: str) -> ApiToken | None:
    """The good token ``text`` is, with its user, or None.

    The stored hash is compared in constant time (``hmac.compare_digest``), and
    an unknown prefix is compared against a dummy, so the time taken says
    nothing of how much of a guess was right.
    """
    prefix = _parts(text)
    found = (
        ApiToken.objects.select_related("user").filter(prefix=prefix).first()
        if prefix
        else None
    )
    stored = found.secret_hash if found is not None else _DUMMY_HASH
    matches = hmac.compare_digest(hash_of(text).encode(), stored.encode())
    if found is None or not matches:
        return None
    now = timezone.now()
    if found.state(now) != "active" or not found.user.is_active:
        return None
    if found.last_used_at is None or now - found.last_used_at >= USE_RESOLUTION:
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        found.last_used_at = now
    return found


def tokens_of(user: Any) -> list[ApiToken]:
    return list(ApiToken.objects.filter(user=user))
