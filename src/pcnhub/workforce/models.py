"""One imported census file, and its staff by network and role.

Network codes are stored as codes, not links to the register: a census may name
networks the register does not hold.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

#: FTE is given to at most 9 decimal places (0.266666667); sums keep them all.
FTE_PLACES = 9


class Census(models.Model):
    """One census file, imported: the month it describes, and who imported it."""

    census_year = models.PositiveSmallIntegerField()
    census_month = models.PositiveSmallIntegerField()
    #: The last day of the census month: the day the census describes.
    census_date = models.DateField(db_index=True)
    file_name = models.CharField(max_length=255)
    #: Re-importing the same file is refused as unchanged: one census per file.
    file_sha256 = models.CharField(max_length=64, unique=True)
    imported_at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    system_actor = models.CharField(max_length=200, blank=True)
    records = models.PositiveIntegerField(help_text="staff records the file holds")
    counts = models.JSONField(default=dict)

    class Meta:
        ordering = ["-census_date", "-imported_at", "-id"]

    def __str__(self) -> str:
        return f"PCN workforce census {self.census_date} ({self.file_name})"


class StaffSnapshot(models.Model):
    """The staff of one network in one role, in one census."""

    census = models.ForeignKey(Census, on_delete=models.CASCADE, related_name="rows")
    pcn_code = models.CharField(max_length=16)
    pcn_name = models.CharField(max_length=200)
    sub_icb_code = models.CharField(max_length=16)
    staff_group = models.CharField(max_length=100)
    staff_role = models.CharField(max_length=100)
    detailed_staff_role = models.CharField(max_length=100)
    #: Distinct staff (UNIQUE_IDENTIFIER) with a record in this network and role.
    staff = models.PositiveIntegerField()
    #: The sum of their records' FTE.
    fte = models.DecimalField(max_digits=15, decimal_places=FTE_PLACES)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "census",
                    "pcn_code",
                    "pcn_name",
                    "sub_icb_code",
                    "staff_group",
                    "staff_role",
                    "detailed_staff_role",
                ],
                name="workforce_one_row_per_network_role",
            )
        ]
        indexes = [models.Index(fields=["census", "pcn_code"])]

    def __str__(self) -> str:
        return f"{self.pcn_code} {self.detailed_staff_role}: {self.staff} staff"
