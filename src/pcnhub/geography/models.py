"""Models of pcnhub.geography: postcode-district outlines, imported once.

The maps never read ``../shared`` (or any file) when a page is drawn: the
outlines are imported into the database by ``pcnhub import district-outlines``
(:mod:`pcnhub.geography.outlines`) and the centroids by the register's
``pcnhub import postcode-districts``.
"""

from __future__ import annotations

from django.db import models

from pcnhub.register.models import ImportRun


class DistrictOutline(models.Model):
    """Reference data: the outline of a postcode district (outcode, e.g. TS18).

    ``geometry`` is a list of polygons, each a list of rings (the outer one
    first, then any holes), each ring a list of ``[longitude, latitude]`` in
    degrees to 5 places (about a metre), closed (its last point is its first),
    already simplified at import (:data:`pcnhub.geography.outlines.TOLERANCE`).
    The bounding box is kept beside it so that a map finds the districts it
    shows without reading every outline.

    An outline that a later import gives differently supersedes the held row
    (which is kept), as for the register's
    :class:`~pcnhub.register.models.PostcodeDistrict`; so the outcode is unique
    among current rows rather than the primary key.
    """

    outcode = models.CharField(max_length=4)
    #: The postcode area: the outcode's letters (TS for TS18).
    area = models.CharField(max_length=2)
    geometry = models.JSONField()
    #: Points kept after simplification, and as the file gave them.
    points = models.PositiveIntegerField()
    source_points = models.PositiveIntegerField()
    min_longitude = models.FloatField()
    min_latitude = models.FloatField()
    max_longitude = models.FloatField()
    max_latitude = models.FloatField()
    #: The file (within the imported directory) the outline came from.
    source_file = models.CharField(max_length=200)
    recorded_by = models.ForeignKey(
        ImportRun, on_delete=models.PROTECT, related_name="+"
    )
    superseded_by = models.ForeignKey(
        ImportRun, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["outcode", "id"]
        indexes = [
            models.Index(fields=["outcode"]),
            models.Index(fields=["area"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["outcode"],
                condition=models.Q(superseded_by__isnull=True),
                name="one_current_district_outline",
            )
        ]

    def __str__(self) -> str:
        return f"{self.outcode} outline ({self.points} points)"
