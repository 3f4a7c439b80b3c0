"""What a network records about its services: each requirement's delivery in a
contract year, and the access hours it offered each week.

Versioned, never overwritten: a change adds a new row with the next version
number, and the latest version is the current one. Every row says who recorded
it (a user, or a named system run), when and why. The models refuse any edit or
delete (:meth:`_Frozen.save`); rows are written only by
:mod:`pcnhub.services.records`, which audits each one.

Access hours are recorded per week (a week starting on a Monday), because the
minima are weekly (30 or 60 minutes per 1,000 a week): a week's figure is then
compared with the requirement directly, with no averaging to explain.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class FrozenRecord(PermissionError):
    """Raised when something tries to edit or delete a services record."""


class DeliveryStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DELIVERED = "delivered", "Delivered"
    NOT_DELIVERED = "not_delivered", "Not delivered"


class _Frozen(models.Model):
    """Who recorded a row, when and why; written once."""

    network = models.ForeignKey(
        "register.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": "network"},
    )
    version = models.PositiveIntegerField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by_system = models.CharField(
        max_length=200, blank=True, help_text="Named system run when no user acted."
    )
    recorded_at = models.DateTimeField()
    reason = models.TextField()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise FrozenRecord("services records are never changed: add a version")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise FrozenRecord("services records are never deleted")

    @property
    def recorded_by_label(self) -> str:
        if self.recorded_by is not None:
            return self.recorded_by.get_username()
        return self.recorded_by_system


class ServiceDelivery(_Frozen):
    """One version of a network's delivery of a service requirement in a year."""

    #: the contract year, written ``2024/25``
    contract_year = models.CharField(max_length=7)
    #: the requirement's code (its parameter file under service_requirements/)
    requirement = models.CharField(max_length=100)
    status = models.CharField(max_length=20, choices=DeliveryStatus.choices)
    evidence = models.TextField(blank=True)
    link = models.URLField(max_length=500, blank=True)

    class Meta:
        ordering = ["network", "contract_year", "requirement", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "contract_year", "requirement", "version"],
                name="services_delivery_one_row_per_version",
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.network_id} {self.contract_year} {self.requirement} "
            f"v{self.version}: {self.status}"
        )


class AccessHoursWeek(_Frozen):
    """One version of the access minutes a network offered in a week."""

    #: the Monday the week starts on
    week_starting = models.DateField()
    minutes_offered = models.PositiveIntegerField()
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["network", "-week_starting", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "week_starting", "version"],
                name="services_access_one_row_per_version",
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.network_id} week of {self.week_starting} v{self.version}: "
            f"{self.minutes_offered} minutes"
        )
