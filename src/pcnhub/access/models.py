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
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The second administrator who approved a decision role's grant.",
    )
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["user", "role", "organisation", "valid_from"]
        indexes = [models.Index(fields=["user", "valid_from"])]

    def __str__(self) -> str:
        where = f" for {self.organisation_id}" if self.organisation_id else ""
        return f"{self.user} {self.role}{where} from {self.valid_from}"

    def clean(self) -> None:
        check_organisation(self)
        if self.valid_to is not None and self.valid_to <= self.valid_from:
            raise ValidationError({"valid_to": "must be after the start date"})


def check_organisation(held: RoleAssignment | RoleProposal) -> None:
    """The organisation fits the role: none for country-wide roles, else its kind."""
    kind = ORGANISATION_KIND[Role(held.role)]
    code = held.organisation_id
    if kind is None and code:
        raise ValidationError(
            {"organisation": f"a {held.role} role is country-wide: no organisation"}
        )
    if kind is None:
        return
    if not code:
        raise ValidationError({"organisation": f"a {held.role} role needs a {kind}"})
    if held.organisation.kind != kind:
        raise ValidationError(
            {
                "organisation": f"a {held.role} role is held for a {kind}, "
                f"and {code} is a {held.organisation.kind}"
            }
        )


class RoleProposal(models.Model):
    """A grant of a role in :data:`SECOND_PERSON_ROLES`, waiting for a second person.

    One administrator proposes; a different administrator (not the person it is
    for) approves it, which makes the :class:`RoleAssignment`, or refuses it.
    Proposals are kept whatever becomes of them, with who did what and when.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a second administrator"
        APPROVED = "approved", "Approved (the role is granted)"
        REFUSED = "refused", "Refused"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(max_length=30, choices=ROLE_CHOICES)
    organisation = models.ForeignKey(
        "register.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty for the country-wide roles (national, admin).",
    )
    valid_from = models.DateField()
    reason = models.TextField(blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    assignment = models.OneToOneField(
        RoleAssignment,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposal",
    )

    class Meta:
        ordering = ["-proposed_at", "-id"]
        indexes = [
            models.Index(
                fields=["status", "proposed_at"], name="access_proposal_status_idx"
            )
        ]

    def __str__(self) -> str:
        where = f" for {self.organisation_id}" if self.organisation_id else ""
        return f"{self.role}{where} for {self.user} ({self.status})"

    def clean(self) -> None:
        check_organisation(self)
