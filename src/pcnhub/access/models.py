"""Who may do what where: a person holds a role for an organisation, over time."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from pcnhub.access.roles import ORGANISATION_KIND, ROLE_CHOICES, Role


class RoleAssignment(models.Model):
    """A user holds ``role`` for ``organisation`` from ``valid_from`` (to ``valid_to``).

    Assignments are ended, never deleted, so that who could see what stays known.
    Written through :mod:`pcnhub.access.services`, which audits every change.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="roles"
    )
    role = models.CharField(max_length=30, choices=ROLE_CHOICES)
    organisation = models.ForeignKey(
        "register.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="role_assignments",
        help_text="Empty for the country-wide roles (national, evaluator, admin).",
    )
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    granted_by_system = models.CharField(max_length=200, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["user", "role", "organisation", "valid_from"]
        indexes = [models.Index(fields=["user", "valid_from"])]

    def __str__(self) -> str:
        where = f" for {self.organisation_id}" if self.organisation_id else ""
        return f"{self.user} {self.role}{where} from {self.valid_from}"

    def clean(self) -> None:
        kind = ORGANISATION_KIND[Role(self.role)]
        if kind is None and self.organisation_id:
            raise ValidationError(
                {"organisation": f"a {self.role} role is country-wide: no organisation"}
            )
        if kind is not None:
            if not self.organisation_id:
                raise ValidationError(
                    {"organisation": f"a {self.role} role needs a {kind}"}
                )
            if self.organisation.kind != kind:
                raise ValidationError(
                    {
                        "organisation": f"a {self.role} role is held for a {kind}, "
                        f"and {self.organisation_id} is a {self.organisation.kind}"
                    }
                )
        if self.valid_to is not None and self.valid_to <= self.valid_from:
            raise ValidationError({"valid_to": "must be after the start date"})
