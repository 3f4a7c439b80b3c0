"""A commissioner's local schemes: locally commissioned services and locally
funded roles, versioned as the staff records are.

A :class:`LocalScheme` is what stays the same (the commissioner and its
reference); a run of :class:`LocalSchemeVersion` rows holds what the scheme is
and covers. A change adds the next version; none is edited. Organisations are
stored as codes (checked against the register when recorded), as the staff
records store their network.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class SchemeKind(models.TextChoices):
    SERVICE = "service", "Locally commissioned service"
    ROLES = "roles", "Locally funded role(s)"


class FrozenVersion(Exception):
    """A scheme's version is never changed once written: add the next one."""


class LocalScheme(models.Model):
    """One local scheme of one commissioner."""

    commissioner_code = models.CharField(max_length=16, db_index=True)
    #: the commissioner's own reference for the scheme (unique for it)
    reference = models.CharField(max_length=60)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["commissioner_code", "reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["commissioner_code", "reference"],
                name="schemes_one_reference_per_commissioner",
            )
        ]

    def __str__(self) -> str:
        return f"local scheme {self.commissioner_code}/{self.reference}"


class LocalSchemeVersion(models.Model):
    """One version of a scheme's record. A change adds a version."""

    scheme = models.ForeignKey(
        LocalScheme, on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=SchemeKind.choices)
    description = models.TextField(blank=True)
    start = models.DateField()
    #: the last day the scheme runs (None: still running)
    end = models.DateField(null=True, blank=True)
    annual_funding = models.DecimalField(max_digits=14, decimal_places=2)
    funding_source = models.CharField(max_length=200, blank=True)
    #: network codes covered
    networks = models.JSONField(default=list)
    #: practice codes covered (their networks are covered for the overlap report)
    practices = models.JSONField(default=list)
    #: a funded-roles scheme: ARRS role key → WTE funded (a string Decimal)
    roles = models.JSONField(default=dict)
    #: a service scheme: the DES service requirement codes it is like
    requirements = models.JSONField(default=list)
    recorded_at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    system_actor = models.CharField(max_length=200, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["scheme", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "number"], name="schemes_one_version_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scheme.reference} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise FrozenVersion(f"{self} is kept as written: record a new version")
        super().save(*args, **kwargs)
