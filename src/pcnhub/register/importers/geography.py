"""Postcode district centroids: where each outcode (e.g. ``TS18``) lies.

* ``postcode-districts``: one row per postcode district, with the heading
  ``postcode,eastings,northings,latitude,longitude,town,region,uk_region,country,
  country_string`` (the open data set ``gibbs/uk-postcodes``, CC0). Columns are
  read by heading; only ``postcode`` (the outcode), ``latitude``, ``longitude``
  and ``town`` are used.

This is reference data, not dated: a practice is placed at its postcode
district's centroid to check that a network's members are near one another
(:mod:`pcnhub.rules.geography`). A centroid that a later file gives differently
supersedes the held one, which is kept (as for list sizes); districts a file does
not mention are left as they are, so a partial file (the demo's) adds to the
national one rather than replacing it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from pcnhub.register.importers.base import Cells, Progress, cells_for, first_seen
from pcnhub.register.importers.errors import Problems, shown
from pcnhub.register.importers.reading import Layout, csv_rows, match_layout
from pcnhub.register.importers.writer import (
    BATCH,
    RegisterWriter,
    without_cycle_collection,
)
from pcnhub.register.models import PostcodeDistrict

#: A UK outcode: area (1-2 letters), then district (a digit and an optional digit
#: or letter), e.g. ``B1``, ``TS18``, ``EC1A``, ``SW1W``.
OUTCODE = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?$")

#: Decimal degrees as the file writes them: an optional minus sign, digits and a
#: point. Decimal() would also take "1e400" (whose rounding overflows), "NaN" and
#: "Infinity".
DEGREES = re.compile(r"-?[0-9]{1,3}(?:\.[0-9]+)?")

#: Coordinates are accepted within these bounds (degrees; the UK and the Crown
#: Dependencies lie inside them), which catches latitude and longitude swapped.
LATITUDE_BOUNDS = (Decimal(49), Decimal(61))
LONGITUDE_BOUNDS = (Decimal(-9), Decimal(2))
DEGREE_PLACES = Decimal("0.00001")
TOWN_MAX = PostcodeDistrict._meta.get_field("town").max_length

FACT = "postcode district"

LAYOUTS = [
    Layout(
        "postcode district centroids",
        {
            "outcode": "postcode",
            "latitude": "latitude",
            "longitude": "longitude",
            "town": "town",
        },
    )
]


@dataclass(frozen=True)
class Centroid:
    outcode: str
    latitude: Decimal
    longitude: Decimal
    town: str


def _degrees(cells: Cells, field: str, bounds: tuple[Decimal, Decimal]) -> Decimal:
    raw = cells.text(field)
    column = cells.headings[field]
    if not raw:
        cells.problems.add(cells.row, column, f"no {field} given")
        return Decimal(0)
    if not DEGREES.fullmatch(raw):
        cells.problems.add(
            cells.row,
            column,
            f"expected a {field} in decimal degrees, got {shown(raw)}",
        )
        return Decimal(0)
    value = Decimal(raw)
    low, high = bounds
    if not low <= value <= high:
        cells.problems.add(
            cells.row,
            column,
            f"{field} {raw} is outside the UK (expected {low} to {high} degrees; "
            "are latitude and longitude swapped?)",
        )
    return value.quantize(DEGREE_PLACES, rounding=ROUND_HALF_UP)


class PostcodeDistrictsImporter:
    kind = "postcode-districts"
    description = (
        "Postcode district centroids: postcode,eastings,northings,latitude,"
        "longitude,town,region,uk_region,country,country_string"
    )
    as_at = "ignored"
    relationship_kinds = ()
    version_kinds = ()
    list_measures = ()

    def read(
        self, path: Path, problems: Problems, as_at: date | None
    ) -> list[Centroid]:
        rows = csv_rows(path, problems)
        _layout, positions = match_layout(rows[0], LAYOUTS, problems)
        headings = {f: rows[0][i].strip() for f, i in positions.items()}
        seen: dict = {}
        centroids: list[Centroid] = []
        for number, row in enumerate(rows[1:], start=2):
            cells = cells_for(number, row, positions, headings, problems)
            before = len(problems.items)
            outcode = cells.text("outcode").upper()
            if not OUTCODE.match(outcode):
                problems.add(
                    number,
                    headings["outcode"],
                    f"malformed outcode {outcode or '(empty)'!r} "
                    f"(expected {OUTCODE.pattern}, e.g. TS18)",
                )
            latitude = _degrees(cells, "latitude", LATITUDE_BOUNDS)
            longitude = _degrees(cells, "longitude", LONGITUDE_BOUNDS)
            town = cells.name("town", TOWN_MAX)
            if len(problems.items) > before:
                continue
            item = Centroid(outcode, latitude, longitude, town)
            if first_seen(problems, seen, outcode, number, item, "postcode district"):
                centroids.append(item)
        if not centroids and not problems.items:
            problems.reject(None, None, "the file has headings but no districts")
        problems.raise_if_any()
        return centroids

    @without_cycle_collection
    def apply(
        self, parsed: list[Centroid], writer: RegisterWriter, progress: Progress
    ) -> None:
        # The register writer knows only dated facts and list sizes, so these rows
        # are written here, inside the same import transaction, with its run and
        # counts: a correction supersedes the held row (kept), as list sizes do.
        current = {
            district.outcode: district
            for district in PostcodeDistrict.objects.filter(superseded_by__isnull=True)
        }
        superseded: list[PostcodeDistrict] = []
        new: list[PostcodeDistrict] = []
        for item in progress(parsed, "postcode districts", len(parsed)):
            held = current.get(item.outcode)
            if held is not None and (held.latitude, held.longitude, held.town) == (
                item.latitude,
                item.longitude,
                item.town,
            ):
                writer.counts.add(FACT, "unchanged")
                continue
            if held is not None:
                held.superseded_by = writer.run
                superseded.append(held)
            new.append(
                PostcodeDistrict(
                    outcode=item.outcode,
                    latitude=item.latitude,
                    longitude=item.longitude,
                    town=item.town,
                    recorded_by=writer.run,
                )
            )
            writer.counts.add(FACT, "updated" if held is not None else "created")
        PostcodeDistrict.objects.bulk_update(
            superseded, ["superseded_by"], batch_size=BATCH
        )
        PostcodeDistrict.objects.bulk_create(new, batch_size=BATCH)
