"""The register: organisations and their relationships over time.

Nothing here is updated in place. Every fact has a validity period
``[valid_from, valid_to)`` (``valid_to`` is the first day it no longer holds; empty
while it still holds). A change closes the current record (sets ``valid_to``) and
opens the next. A record whose ``valid_to`` equals its ``valid_from`` was
superseded by a later source before it ever held, and is kept for the history.
Each record names the import run that opened it and the one that closed it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class OrganisationKind(models.TextChoices):
    REGION = "region", "Region"
    SYSTEM = "system", "System (STP / ICS / ICB)"
    COMMISSIONER = "commissioner", "Commissioner (CCG / sub-ICB location)"
    NETWORK = "network", "Primary Care Network"
    PRACTICE = "practice", "GP practice"


class RelationshipKind(models.TextChoices):
    PRACTICE_NETWORK = "practice_network", "Practice is a member of network"
    PRACTICE_COMMISSIONER = "practice_commissioner", "Practice is commissioned by"
    NETWORK_COMMISSIONER = "network_commissioner", "Network is overseen by"
    COMMISSIONER_SYSTEM = "commissioner_system", "Commissioner is part of system"
    SYSTEM_REGION = "system_region", "System is part of region"


class ListMeasure(models.TextChoices):
    REGISTERED = "registered", "Registered patients"
    WEIGHTED = "weighted", "Weighted patients (global sum / Carr-Hill)"


class ImportRun(models.Model):
    """One attempt to import one file: who, what, when, and what it changed."""

    class Status(models.TextChoices):
        RUNNING = "running"
        SUCCEEDED = "succeeded"
        FAILED = "failed"

    kind = models.CharField(max_length=40)
    file_name = models.CharField(max_length=500)
    file_sha256 = models.CharField(max_length=64)
    as_at = models.DateField(null=True, blank=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    system_actor = models.CharField(max_length=200, blank=True)
    rows_read = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name} ({self.status})"


class Organisation(models.Model):
    """An organisation known to the register, by its ODS code."""

    code = models.CharField(max_length=12, primary_key=True)
    kind = models.CharField(max_length=20, choices=OrganisationKind.choices)
    first_recorded_by = models.ForeignKey(
        ImportRun, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["kind", "code"])]

    def __str__(self) -> str:
        return self.code


class Dated(models.Model):
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    opened_by = models.ForeignKey(
        ImportRun, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_by = models.ForeignKey(
        ImportRun, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        abstract = True


class OrganisationVersion(Dated):
    """What an organisation was called, where it was and its status, for a period."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="versions"
    )
    name = models.CharField(max_length=200, blank=True)
    subtype = models.CharField(
        max_length=40, blank=True, help_text="e.g. CCG, sub-ICB location, STP, ICB"
    )
    address = models.TextField(blank=True, help_text="Address lines, one per line.")
    postcode = models.CharField(max_length=10, blank=True)
    status = models.CharField(max_length=1, blank=True, help_text="ODS A/C/D/P")
    open_date = models.DateField(null=True, blank=True)
    close_date = models.DateField(null=True, blank=True)
    prescribing_setting = models.SmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["organisation", "valid_from", "id"]
        indexes = [models.Index(fields=["organisation", "valid_from"])]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.name} from {self.valid_from}"


class Relationship(Dated):
    """A dated link from a child organisation to its parent (e.g. practice → PCN)."""

    kind = models.CharField(max_length=30, choices=RelationshipKind.choices)
    child = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="parent_links"
    )
    parent = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="child_links"
    )

    class Meta:
        ordering = ["kind", "child", "valid_from", "id"]
        indexes = [
            models.Index(fields=["kind", "child", "valid_from"]),
            models.Index(fields=["kind", "parent", "valid_from"]),
        ]

    def __str__(self) -> str:
        return (
            f"{self.child_id} → {self.parent_id} ({self.kind}) from {self.valid_from}"
        )


class Succession(models.Model):
    """One commissioner succeeded by another (a merger, or the 2022 change)."""

    predecessor = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="successions"
    )
    successor = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="predecessions"
    )
    effective = models.DateField()
    reason = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        ImportRun, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["effective", "predecessor"]
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor", "effective"],
                name="unique_succession",
            )
        ]

    def __str__(self) -> str:
        return f"{self.predecessor_id} → {self.successor_id} on {self.effective}"


class ListSize(models.Model):
    """A practice's list size on a date. A correction supersedes, never overwrites."""

    practice = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="list_sizes"
    )
    measure = models.CharField(max_length=20, choices=ListMeasure.choices)
    date = models.DateField()
    value = models.DecimalField(max_digits=12, decimal_places=2)
    recorded_by = models.ForeignKey(
        ImportRun, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    superseded_by = models.ForeignKey(
        ImportRun, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["practice", "measure", "date", "id"]
        indexes = [models.Index(fields=["practice", "measure", "date"])]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "measure", "date"],
                condition=models.Q(superseded_by__isnull=True),
                name="one_current_list_size",
            )
        ]

    def __str__(self) -> str:
        return f"{self.practice_id} {self.measure} {self.date}: {self.value}"


class PostcodeDistrict(models.Model):
    """Reference data: where a postcode district (outcode, e.g. TS18) lies.

    A practice is placed at its postcode district's centroid (see
    :func:`pcnhub.register.queries.practice_places`). A corrected centroid
    supersedes the old row (which is kept), as for :class:`ListSize`; so the
    outcode is unique among current rows rather than the primary key.
    """

    outcode = models.CharField(max_length=4)
    latitude = models.DecimalField(max_digits=8, decimal_places=5)
    longitude = models.DecimalField(max_digits=8, decimal_places=5)
    town = models.CharField(max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        ImportRun, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    superseded_by = models.ForeignKey(
        ImportRun, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["outcode", "id"]
        indexes = [models.Index(fields=["outcode"])]
        constraints = [
            models.UniqueConstraint(
                fields=["outcode"],
                condition=models.Q(superseded_by__isnull=True),
                name="one_current_postcode_district",
            )
        ]

    def __str__(self) -> str:
        return f"{self.outcode} ({self.latitude}, {self.longitude})"


class Coverage(models.Model):
    """What one import run spoke for, so that imports in any order agree.

    A run's claims about a fact (a relationship kind, or one organisation detail
    such as ``details.name``) cover, for each subject code in ``starts``, the
    period from that start: to no end when observed (``tier`` 1), or up to
    ``known_on`` when assumed back to an open date (``tier`` 0). With
    ``everyone_from`` the run also spoke from that day for every subject it does
    not name (an ePCN workbook: a practice it omits is in no network). Where a
    higher-ranked claim covers a period, a later import leaves it alone
    (:mod:`pcnhub.register.importers.coverage`).
    """

    run = models.ForeignKey(ImportRun, on_delete=models.PROTECT, related_name="+")
    facts = models.JSONField(help_text="fact names, e.g. practice_network")
    tier = models.PositiveSmallIntegerField()
    known_on = models.DateField()
    starts = models.JSONField(default=dict, help_text="subject code: ISO start")
    everyone_from = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"run {self.run_id}: {', '.join(self.facts)} known on {self.known_on}"
