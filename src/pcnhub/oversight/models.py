"""Models of pcnhub.oversight: the deprivation of each practice's patients."""

from __future__ import annotations

from django.db import models

from pcnhub.register.models import ImportRun


class PracticeDeprivation(models.Model):
    """Reference data: the Index of Multiple Deprivation 2019 of a practice's
    registered patients (score, and decile: 1 most deprived, 10 least).

    Imported by ``pcnhub import deprivation PATH``
    (:mod:`pcnhub.oversight.deprivation`). A different figure for a practice
    supersedes the held row, which is kept, as for postcode districts; so the
    practice code is unique among current rows rather than the primary key. The
    code is not a link to the register: the file covers practices the register
    may not hold yet.
    """

    practice_code = models.CharField(max_length=12)
    imd_score = models.DecimalField(max_digits=6, decimal_places=3)
    imd_decile = models.PositiveSmallIntegerField()
    recorded_by = models.ForeignKey(
        ImportRun, on_delete=models.PROTECT, related_name="+"
    )
    superseded_by = models.ForeignKey(
        ImportRun, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["practice_code", "id"]
        indexes = [models.Index(fields=["practice_code"])]
        constraints = [
            models.UniqueConstraint(
                fields=["practice_code"],
                condition=models.Q(superseded_by__isnull=True),
                name="one_current_practice_deprivation",
            ),
            models.CheckConstraint(
                condition=models.Q(imd_decile__gte=1, imd_decile__lte=10),
                name="imd_decile_1_to_10",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.practice_code} IMD decile {self.imd_decile}"
