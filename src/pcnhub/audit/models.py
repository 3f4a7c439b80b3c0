from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    """One append-only entry of the audit trail, chained by hash to the one before.

    Written only through :mod:`pcnhub.audit.services`; never edited or deleted.
    """

    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    actor_username = models.CharField(
        max_length=150,
        blank=True,
        help_text="The user's username when they acted (hashed from version 2).",
    )
    system_actor = models.CharField(
        max_length=200, blank=True, help_text="Named system run when no user acted."
    )
    action = models.CharField(max_length=60)
    entity_type = models.CharField(max_length=60)
    entity_key = models.CharField(max_length=200, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    reason = models.TextField(blank=True)
    previous_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)
    position = models.PositiveBigIntegerField(
        unique=True, help_text="1 for the first entry of the chain, and so on."
    )
    hash_version = models.PositiveSmallIntegerField(
        default=2,
        help_text="1: written before the actor's name and position were hashed.",
    )

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["entity_type", "entity_key"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.who} {self.action} {self.entity_key}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if not self._state.adding:
            raise AppendOnly("audit entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise AppendOnly("audit entries cannot be deleted")

    @property
    def who(self) -> str:
        """Who acted, by the name recorded then (a later rename does not change it)."""
        return self.actor_username if self.actor_id else self.system_actor

    @property
    def renamed_to(self) -> str:
        """The acting user's username now, when it is no longer the recorded one."""
        if not self.actor_id:
            return ""
        now = self.actor.get_username()
        return now if now != self.actor_username else ""


class AppendOnly(PermissionError):
    """Raised when the application is asked to change or delete an audit entry."""


class AuditSubject(models.Model):
    """An organisation an entry concerns: who may see it follows from these."""

    entry = models.ForeignKey(
        AuditEntry, on_delete=models.PROTECT, related_name="subjects"
    )
    code = models.CharField(max_length=12)

    class Meta:
        ordering = ["entry", "code"]
        indexes = [models.Index(fields=["code", "entry"])]
        constraints = [
            models.UniqueConstraint(fields=["entry", "code"], name="unique_subject")
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} concerns {self.code}"
