"""Personal API tokens: a user's secrets for scripts, kept only as hashes.

A token reads ``pcnhub_<prefix>_<secret>``. The prefix (eight hex characters) is
public: it names the token in lists and finds its row. The secret (43 URL-safe
characters, 256 random bits) is shown once, when the token is made; only the
SHA-256 of the whole token is stored, so the database alone cannot be used to
sign in. A token is never deleted: revoked, it stays for the audit trail.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, help_text="What the token is for")
    #: ``pcnhub_`` and eight hex characters: shown to the user, finds the row.
    prefix = models.CharField(max_length=20, unique=True)
    #: SHA-256 (hex) of the whole token; the secret itself is never stored.
    secret_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.prefix} ({self.name})"

    def state(self, now: object = None) -> str:
        """``active``, ``expired`` or ``revoked``."""
        moment = now or timezone.now()
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= moment:
            return "expired"
        return "active"
