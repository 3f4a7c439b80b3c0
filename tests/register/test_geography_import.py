"""Postcode district centroids: the importer, its checks, and where practices lie."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from pcnhub.audit.models import AuditEntry
from pcnhub.register import demo, queries
from pcnhub.register.importers.errors import ImportRejected
from pcnhub.register.models import ImportRun, PostcodeDistrict
from pcnhub.rules.geography import Place, contiguity
from tests.register.samples import FIXTURES, copy_fixture, load, register_state

pytestmark = pytest.mark.django_db

SAMPLE = "postcode_districts_sample.csv"
KIND = "postcode-districts"


def sample_text() -> str:
    return (FIXTURES / SAMPLE).read_text()


def districts() -> list[tuple]:
    """Every centroid row, superseded ones included, to compare before and after."""
    return list(
        PostcodeDistrict.objects.order_by("outcode", "id").values_list(
            "outcode", "latitude", "longitude", "town", "recorded_by", "superseded_by"
        )
    )


def current(outcode: str) -> PostcodeDistrict:
    return PostcodeDistrict.objects.get(outcode=outcode, superseded_by__isnull=True)


# ---------------------------------------------------------------------------------
# Importing
# ---------------------------------------------------------------------------------


def test_import_records_each_district() -> None:
    run = load(KIND, FIXTURES / SAMPLE)
    assert run.status == ImportRun.Status.SUCCEEDED and run.as_at is None
    assert run.counts["by_fact"]["postcode district"]["created"] == 3
    assert districts() == [
        ("ZZ1", Decimal("52.59662"), Decimal("-1.55716"), "Newtown", run.pk, None),
        ("ZZ10", Decimal("52.45280"), Decimal("-1.60153"), "", run.pk, None),
        (
            "ZZ3",
            Decimal("52.58763"),
            Decimal("-1.46843"),
            "Upton, Lower and Nether",
            run.pk,
            None,
        ),
    ]
    entry = AuditEntry.objects.get(action="import")
    assert entry.after["kind"] == KIND and entry.after["counts"]["created"] == 3


def test_reimporting_changes_nothing() -> None:
    load(KIND, FIXTURES / SAMPLE)
    rows, state = districts(), register_state()
    again = load(KIND, FIXTURES / SAMPLE).counts["totals"]
    assert (again["created"], again["updated"], again["closed"]) == (0, 0, 0)
    assert again["unchanged"] == 3
    assert districts() == rows and register_state() == state


def test_a_correction_supersedes_and_keeps_the_old_centroid(tmp_path: Path) -> None:
    first = load(KIND, FIXTURES / SAMPLE)
    text = sample_text().replace("52.59662,-1.55716", "52.60001,-1.55716")
    # Another file need not list every district: those it leaves out stay.
    text = "\n".join(text.splitlines()[:2]) + "\n"
    second = load(KIND, copy_fixture(SAMPLE, tmp_path, text))
    assert second.counts["by_fact"]["postcode district"]["updated"] == 1
    old, new = PostcodeDistrict.objects.filter(outcode="ZZ1").order_by("id")
    assert (old.latitude, old.recorded_by_id, old.superseded_by_id) == (
        Decimal("52.59662"),
        first.pk,
        second.pk,
    )
    assert (new.latitude, new.recorded_by_id, new.superseded_by_id) == (
        Decimal("52.60001"),
        second.pk,
        None,
    )
    assert current("ZZ3").recorded_by_id == first.pk


def test_the_import_command_knows_the_kind() -> None:
    out = StringIO()
    call_command("import", KIND, str(FIXTURES / SAMPLE), "--quiet", stdout=out)
    assert "postcode district" in out.getvalue()
    assert PostcodeDistrict.objects.count() == 3


# ---------------------------------------------------------------------------------
# Bad input: named by file, row and column; nothing written
# ---------------------------------------------------------------------------------


def rejected(path: Path) -> str:
    """Import into a register that already holds centroids; nothing may change."""
    load(KIND, FIXTURES / SAMPLE)
    before = districts()
    with pytest.raises(ImportRejected) as caught:
        load(KIND, path)
    assert districts() == before
    failed = ImportRun.objects.get(status=ImportRun.Status.FAILED)
    assert failed.file_name == path.name and failed.error
    message = caught.value.summary()
    assert path.name in message
    return message


@pytest.mark.parametrize(
    ("old", "new", "row", "column", "says"),
    [
        ("52.58763", "52.5x", 3, "latitude", "expected a latitude"),
        ("52.58763", "", 3, "latitude", "no latitude given"),
        ("52.58763", "NaN", 3, "latitude", "expected a latitude"),
        ("52.58763", "91", 3, "latitude", "outside the UK"),
        ("-1.60153", "-1.6.1", 4, "longitude", "expected a longitude"),
        # latitude and longitude swapped
        ("52.4528,-1.60153", "-1.60153,52.4528", 4, "latitude", "swapped"),
        ("ZZ10,", "Z-10,", 4, "postcode", "malformed outcode 'Z-10'"),
        ("ZZ10,", "ZZ10 1AA,", 4, "postcode", "malformed outcode 'ZZ10 1AA'"),
        ("ZZ10,", ",", 4, "postcode", "malformed outcode '(empty)'"),
    ],
)
def test_bad_cells(
    tmp_path: Path, old: str, new: str, row: int, column: str, says: str
) -> None:
    text = sample_text()
    assert old in text
    message = rejected(copy_fixture(SAMPLE, tmp_path, text.replace(old, new, 1)))
    assert f"row {row}, column {column!r}" in message
    assert says in message


def test_good_rows_are_not_written_when_one_is_bad(tmp_path: Path) -> None:
    text = sample_text().replace("ZZ1,", "ZZ4,").replace("-1.60153", "east")
    path = copy_fixture(SAMPLE, tmp_path, text)
    with pytest.raises(ImportRejected):
        load(KIND, path)
    assert PostcodeDistrict.objects.count() == 0


def test_missing_column(tmp_path: Path) -> None:
    text = sample_text().replace(",longitude,", ",long,", 1)
    message = rejected(copy_fixture(SAMPLE, tmp_path, text))
    assert "missing columns" in message and "'longitude'" in message


def test_duplicate_district_that_disagrees(tmp_path: Path) -> None:
    lines = sample_text().splitlines()
    lines.append(lines[1].replace("Newtown", "Oldtown"))
    message = rejected(copy_fixture(SAMPLE, tmp_path, "\n".join(lines) + "\n"))
    assert "row 5" in message and "disagrees with row 2" in message


def test_headings_only(tmp_path: Path) -> None:
    text = sample_text().splitlines()[0] + "\n"
    assert "no districts" in rejected(copy_fixture(SAMPLE, tmp_path, text))


# ---------------------------------------------------------------------------------
# Where practices lie
# ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("postcode", "outcode"),
    [
        ("TS18 1HU", "TS18"),
        ("ts18  1hu", "TS18"),
        ("TS181HU", "TS18"),
        ("B11AA", "B1"),
        ("EC1A 1BB", "EC1A"),
        ("", ""),
        ("1AA", ""),
    ],
)
def test_outcode_of(postcode: str, outcode: str) -> None:
    assert queries.outcode_of(postcode) == outcode


def test_practice_places(tmp_path: Path) -> None:
    # Z10002's postcode without its space: the outcode is all but the last 3.
    epraccur = (FIXTURES / "epraccur_sample.csv").read_text()
    path = copy_fixture(
        "epraccur_sample.csv", tmp_path, epraccur.replace(" 2AB", "2AB")
    )
    load("epraccur", path, date(2019, 12, 1))
    load(KIND, FIXTURES / SAMPLE)
    practices = ["Z10001", "Z10002", "Z10003", "Z99999"]
    # Z10003 is in ZZ2, whose centroid is not known; Z99999 is not registered.
    assert queries.practice_places(practices, date(2020, 1, 1)) == {
        "Z10001": ("ZZ1", 52.59662, -1.55716),
        "Z10002": ("ZZ1", 52.59662, -1.55716),
    }
    assert queries.practice_places(practices, date(1970, 1, 1)) == {}
    assert queries.practice_places([], date(2020, 1, 1)) == {}


def test_practice_places_follow_the_details_holding_on_the_day(
    tmp_path: Path,
) -> None:
    load("epraccur", FIXTURES / "epraccur_sample.csv", date(2019, 12, 1))
    moved = (FIXTURES / "epraccur_sample.csv").read_text().replace("ZZ1 1AA", "ZZ3 1AA")
    load(
        "epraccur",
        copy_fixture("epraccur_sample.csv", tmp_path, moved),
        date(2021, 1, 1),
    )
    load(KIND, FIXTURES / SAMPLE)
    assert queries.practice_places(["Z10001"], date(2020, 1, 1))["Z10001"][0] == "ZZ1"
    assert queries.practice_places(["Z10001"], date(2021, 1, 1))["Z10001"][0] == "ZZ3"


def test_demo_networks_are_contiguous_but_one() -> None:
    call_command("demo", stdout=StringIO())
    for day in (date(2021, 1, 1), date(2021, 6, 1), date(2022, 5, 1)):
        flagged = {}
        for network in queries.open_networks(day):
            members = queries.members_of(network, day)
            places = queries.practice_places(members, day)
            assert sorted(places) == members  # every demo practice is placed
            result = contiguity(
                [Place(code, lat, lon) for code, (_o, lat, lon) in places.items()], 10
            )
            if not result.connected:
                flagged[network] = result
        assert list(flagged) == [demo.FAR_PRACTICE_PCN_CODE], day
        far = flagged[demo.FAR_PRACTICE_PCN_CODE]
        assert far.groups[1] == (demo.FAR_PRACTICE_CODE,)
        assert far.isolated == ((demo.FAR_PRACTICE_CODE, 25.4),)
        assert far.gap_km is not None and 25 < far.gap_km < 26
