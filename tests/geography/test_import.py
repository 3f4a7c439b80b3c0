"""``pcnhub import district-outlines``: all or nothing, errors naming file,
feature and field; superseded outlines kept; the real national files."""

from __future__ import annotations

import csv
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from pcnhub.audit.models import AuditEntry
from pcnhub.audit.services import Actor
from pcnhub.geography.models import DistrictOutline
from pcnhub.geography.outlines import KIND, import_outlines
from pcnhub.register.importers.errors import ImportRejected
from pcnhub.register.models import ImportRun

pytestmark = pytest.mark.django_db
ACTOR = Actor(system="geography import tests")


def square(lon: float, lat: float, size: float = 0.05) -> list[list[float]]:
    return [
        [lon, lat],
        [lon + size, lat],
        [lon + size, lat + size],
        [lon, lat + size],
        [lon, lat],
    ]


def feature(name: str, geometry: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": geometry,
        "properties": {"name": name, "description": f"{name} postcode district"},
    }


def polygon(*rings: list[list[float]]) -> dict[str, Any]:
    return {"type": "Polygon", "coordinates": list(rings)}


def write(path: Path, *features: dict[str, Any]) -> Path:
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": list(features)})
    )
    return path


@pytest.fixture
def districts(tmp_path: Path) -> Path:
    """Two areas: AA (a polygon with a hole; a multipolygon), BB (a collection)."""
    folder = tmp_path / "postcode-districts"
    folder.mkdir()
    hole = [[-1.49, 52.51], [-1.47, 52.51], [-1.47, 52.53], [-1.49, 52.51]]
    write(
        folder / "AA.geojson",
        feature("AA1", polygon(square(-1.5, 52.5), hole)),
        feature(
            "AA2",
            {
                "type": "MultiPolygon",
                "coordinates": [[square(-1.4, 52.5)], [square(-1.3, 52.5, 0.01)]],
            },
        ),
    )
    write(
        folder / "BB.geojson",
        feature(
            "BB10",
            {
                "type": "GeometryCollection",
                "geometries": [
                    polygon(square(-1.2, 52.5)),
                    polygon(square(-1.1, 52.5)),
                ],
            },
        ),
    )
    (folder / "README.txt").write_text("not an outline file: ignored")
    return folder


def test_imports_every_file_of_a_directory(districts: Path) -> None:
    result = import_outlines(districts, actor=ACTOR)
    assert result.counts["by_fact"]["district outline"]["created"] == 3
    assert result.as_at is None and result.label == f"import run {result.run.pk}"
    run = ImportRun.objects.get(pk=result.run.pk)
    assert (run.kind, run.status, run.rows_read) == (KIND, "succeeded", 3)
    assert len(run.file_sha256) == 64
    outlines = {o.outcode: o for o in DistrictOutline.objects.all()}
    assert sorted(outlines) == ["AA1", "AA2", "BB10"]
    aa1 = outlines["AA1"]
    assert aa1.area == "AA" and aa1.source_file == "AA.geojson"
    assert len(aa1.geometry) == 1 and len(aa1.geometry[0]) == 2  # outline, hole
    assert aa1.geometry[0][0][0] == aa1.geometry[0][0][-1]  # closed
    assert (aa1.min_longitude, aa1.min_latitude) == (-1.5, 52.5)
    assert (aa1.max_longitude, aa1.max_latitude) == (-1.45, 52.55)
    assert len(outlines["AA2"].geometry) == 2 and len(outlines["BB10"].geometry) == 2
    assert outlines["BB10"].area == "BB" and aa1.recorded_by_id == run.pk
    entry = AuditEntry.objects.filter(action="import", entity_key=str(run.pk)).get()
    assert entry.after["kind"] == KIND and entry.after["files"] == 2


def test_the_same_files_again_change_nothing(districts: Path) -> None:
    import_outlines(districts, actor=ACTOR)
    again = import_outlines(districts, actor=ACTOR)
    counts = again.counts["by_fact"]["district outline"]
    assert (counts["created"], counts["updated"], counts["unchanged"]) == (0, 0, 3)
    assert DistrictOutline.objects.count() == 3


def test_a_changed_outline_supersedes_the_held_one_which_is_kept(
    districts: Path, tmp_path: Path
) -> None:
    first = import_outlines(districts, actor=ACTOR)
    moved = write(tmp_path / "AA.geojson", feature("AA1", polygon(square(-1.6, 52.5))))
    second = import_outlines(moved, actor=ACTOR)
    counts = second.counts["by_fact"]["district outline"]
    assert (counts["created"], counts["updated"]) == (0, 1)
    old, new = DistrictOutline.objects.filter(outcode="AA1").order_by("id")
    assert old.recorded_by_id == first.run.pk and old.superseded_by_id == second.run.pk
    assert new.superseded_by_id is None and new.min_longitude == -1.6
    # Districts the file does not mention are left as they were.
    assert DistrictOutline.objects.filter(superseded_by__isnull=True).count() == 3


def test_the_command(districts: Path) -> None:
    out = StringIO()
    call_command("import", "district-outlines", str(districts), "--quiet", stdout=out)
    assert "Imported postcode-districts as district-outlines" in out.getvalue()
    assert "district outline" in out.getvalue()
    (districts / "BB.geojson").write_text("{")
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import", "district-outlines", str(districts), "--quiet")


def test_an_unclosed_ring_is_closed_and_said(tmp_path: Path) -> None:
    ring = square(-1.5, 52.5)[:-1]
    path = write(tmp_path / "AA.geojson", feature("AA1", polygon(ring)))
    result = import_outlines(path, actor=ACTOR)
    (where,) = result.counts["tolerated"][
        "ring not closed (closed by repeating its first point)"
    ]
    assert where == "AA.geojson feature 1 (AA1) geometry.coordinates[0]"
    stored = DistrictOutline.objects.get().geometry[0][0]
    assert stored[0] == stored[-1]


def _rejected(path: Path) -> str:
    before = DistrictOutline.objects.count(), AuditEntry.objects.count()
    with pytest.raises(ImportRejected) as caught:
        import_outlines(path, actor=ACTOR)
    assert DistrictOutline.objects.count() == before[0]  # nothing written
    failed = ImportRun.objects.filter(kind=KIND, status="failed").latest("id")
    assert failed.error == caught.value.summary()
    assert AuditEntry.objects.filter(action="import rejected").exists()
    return caught.value.summary()


def test_a_bad_feature_rejects_every_file_naming_file_feature_and_field(
    districts: Path,
) -> None:
    write(
        districts / "CC.geojson",
        feature("CC1", polygon(square(-1.0, 52.5))),
        feature(
            "CC2", polygon([[52.5, -1.0], [52.6, -1.0], [52.6, -0.9], [52.5, -1.0]])
        ),
        feature("CCX", polygon(square(-1.0, 52.6))),
        feature("DD4", polygon(square(-1.0, 52.7))),
        feature("CC5", {"type": "Point", "coordinates": [-1.0, 52.5]}),
        feature("CC6", polygon([[-1.0, 52.5], ["x", 52.6], [-1.0, 52.5]])),
        feature("CC7", polygon([[-1.0, 52.5], [-1.0, 52.6], [-1.0, 52.5]])),
        {"type": "Feature", "geometry": polygon(square(-1.0, 52.8))},
    )
    # A file not named after an area: its outcodes may be of any area.
    write(districts / "extra.geojson", feature("AA1", polygon(square(-1.0, 52.9))))
    summary = _rejected(districts)
    lines = summary.splitlines()
    assert (
        "CC.geojson: feature 2 (CC2), geometry.coordinates[0][0]: [52.5, -1.0] is "
        "outside the UK (longitude -9 to 2, latitude 49 to 61; are they swapped?)"
    ) in lines
    assert any(
        line.startswith("CC.geojson: feature 3 (CCX), properties.name: malformed")
        for line in lines
    )
    assert (
        "CC.geojson: feature 4 (DD4), properties.name: DD4 is in postcode area DD, "
        "but the file is CC's"
    ) in lines
    assert (
        "CC.geojson: feature 5 (CC5), geometry.type: expected Polygon, MultiPolygon "
        "or GeometryCollection, not 'Point'"
    ) in lines
    assert (
        "CC.geojson: feature 6 (CC6), geometry.coordinates[0][1]: expected two "
        "numbers, got '[\"x\", 52.6]'"
    ) in lines
    assert (
        "CC.geojson: feature 7 (CC7), geometry.coordinates[0]: 3 positions: a ring "
        "needs at least 4 (closed)"
    ) in lines
    assert (
        "CC.geojson: feature 8, properties.name: no outcode given (e.g. TS18)"
    ) in lines
    assert (
        "extra.geojson: feature 1 (AA1), properties.name: AA1 is given twice (also "
        "feature 1 of AA.geojson)"
    ) in lines
    assert not any("CC1" in line for line in lines)
    assert ImportRun.objects.filter(status="succeeded").count() == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "{",
            "AA.geojson: not valid JSON: Expecting property name enclosed in "
            "double quotes at line 1, column 2",
        ),
        (
            '{"type": "Feature"}',
            "AA.geojson, column 'type': expected a GeoJSON "
            "FeatureCollection, not 'Feature'",
        ),
        (
            '{"type": "FeatureCollection", "features": {}}',
            "AA.geojson, column 'features': expected a list of features",
        ),
        (
            '{"type": "FeatureCollection", "features": []}',
            "AA.geojson, column 'features': the file has no features",
        ),
        (b"\xff\xfe{}", "AA.geojson: not UTF-8 text (invalid start byte at byte 0)"),
    ],
)
def test_unreadable_files_are_rejected(
    tmp_path: Path, content: str | bytes, message: str
) -> None:
    path = tmp_path / "AA.geojson"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    assert _rejected(path) == message


def test_a_directory_with_no_outlines_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert _rejected(tmp_path / "empty") == (
        "empty: the directory holds no .geojson files"
    )
    assert _rejected(tmp_path / "missing") == "missing: no such file or directory"


def test_the_real_national_outlines(shared_data: Path) -> None:
    folder = shared_data / "geography" / "postcode-districts"
    result = import_outlines(folder, actor=ACTOR)
    counts = result.counts["by_fact"]["district outline"]
    assert counts["created"] == 2736
    assert len(list(folder.glob("*.geojson"))) == 120
    source = sum(DistrictOutline.objects.values_list("source_points", flat=True))
    kept = sum(DistrictOutline.objects.values_list("points", flat=True))
    assert source > 420_000 and kept < source * 0.5
    # Every district's centroid lies within its outline's box (as a check that
    # longitude and latitude were read the right way round).
    with (shared_data / "geography" / "postcode-district-centroids.csv").open() as f:
        centroids = {
            row["postcode"]: (float(row["longitude"]), float(row["latitude"]))
            for row in csv.DictReader(f)
        }
    ts18 = DistrictOutline.objects.get(outcode="TS18")
    lon, lat = centroids["TS18"]
    assert ts18.min_longitude <= lon <= ts18.max_longitude
    assert ts18.min_latitude <= lat <= ts18.max_latitude
    outside = [
        o
        for o, w, s, e, n in DistrictOutline.objects.values_list(
            "outcode", "min_longitude", "min_latitude", "max_longitude", "max_latitude"
        )
        if o in centroids and not (w - 0.05 <= centroids[o][0] <= e + 0.05)
    ]
    assert len(outside) < 20, outside
