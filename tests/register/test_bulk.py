"""The tuple write path (importers/bulk.py) and dates by slicing (importers/base.py),
on whichever database the suite runs on (SQLite, or PostgreSQL's COPY)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from pcnhub.core.dates import parse_yyyymmdd
from pcnhub.register.importers import bulk
from pcnhub.register.importers.base import _yyyymmdd
from pcnhub.register.importers.coverage import CoverageIndex
from pcnhub.register.models import (
    Coverage,
    ImportRun,
    ListSize,
    Organisation,
    OrganisationVersion,
)


def _run() -> ImportRun:
    return ImportRun.objects.create(
        kind="test",
        file_name="t.csv",
        file_sha256="0" * 64,
        started_at=timezone.now(),
        status=ImportRun.Status.RUNNING,
    )


@pytest.mark.django_db
def test_insert_then_close_and_supersede() -> None:
    run = _run()
    n = bulk.insert_rows(
        Organisation,
        ["code", "kind", "first_recorded_by"],
        [("A81001", "practice", run.pk), ("A81002", "practice", run.pk)],
    )
    assert n == 2
    assert dict(Organisation.objects.values_list("code", "first_recorded_by")) == {
        "A81001": run.pk,
        "A81002": run.pk,
    }
    text = ["name", "subtype", "address", "postcode", "status"]
    bulk.insert_rows(
        OrganisationVersion,
        ["organisation_id", "valid_from", "valid_to", *text, "open_date", "opened_by"],
        [
            ("A81001", date(2019, 4, 1), None, "The Surgery", "", "", "", "A")
            + (date(1974, 4, 1), run.pk),
            ("A81002", date(2019, 4, 1), date(2020, 1, 1), "Other", "", "", "", "A")
            + (None, run.pk),
        ],
    )
    first = OrganisationVersion.objects.get(organisation_id="A81001")
    assert (first.name, first.open_date, first.valid_to) == (
        "The Surgery",
        date(1974, 4, 1),
        None,
    )
    closer = _run()
    assert bulk.close_rows(
        OrganisationVersion, [(first.pk, date(2021, 6, 30))], closer.pk
    )
    first.refresh_from_db()
    other = OrganisationVersion.objects.get(organisation_id="A81002")
    assert (first.valid_to, first.closed_by_id) == (date(2021, 6, 30), closer.pk)
    assert (other.valid_to, other.closed_by_id) == (date(2020, 1, 1), None)

    bulk.insert_rows(
        ListSize,
        ["practice", "measure", "date", "value", "recorded_by"],
        [("A81001", "registered", date(2021, 1, 1), Decimal("1234.50"), run.pk)],
    )
    size = ListSize.objects.get()
    assert size.value == Decimal("1234.50")
    bulk.update_rows(ListSize, ["id"], [(size.pk,)], {"superseded_by": closer.pk})
    size.refresh_from_db()
    assert size.superseded_by_id == closer.pk


@pytest.mark.django_db(transaction=True)
def test_writes_are_undone_with_the_callers_transaction() -> None:
    run = _run()
    with pytest.raises(RuntimeError), transaction.atomic():
        bulk.insert_rows(
            Organisation, ["code", "kind", "first_recorded_by"], [("B1", "ccg", run.pk)]
        )
        assert Organisation.objects.filter(code="B1").exists()
        raise RuntimeError("the import failed after writing")
    assert not Organisation.objects.filter(code="B1").exists()


@pytest.mark.django_db
def test_nothing_to_write_is_no_query() -> None:
    assert bulk.insert_rows(Organisation, ["code", "kind"], []) == 0
    assert bulk.close_rows(OrganisationVersion, [], 1) == 0


@pytest.mark.parametrize(
    "text",
    [
        "20190701",
        "20000229",
        "19740401",
        "",
        None,
        " 20190701 ",
        "20190230",
        "20191301",
        "20190000",
        "00000101",
        "2019070",
        "201907011",
        "2019-07-01",
        "２０１９０７０１",
        "2019070²",
    ],
)
def test_dates_by_slicing_match_strptime(text: str | None) -> None:
    try:
        expected: object = parse_yyyymmdd(text)
    except ValueError as exc:
        with pytest.raises(ValueError) as raised:
            _yyyymmdd(text)
        assert str(raised.value) == str(exc)
    else:
        assert _yyyymmdd(text) == expected


@pytest.mark.django_db
def test_values_reads_what_values_list_reads() -> None:
    """The bare-cursor read gives the values Django's converters give: dates,
    decimals of two places (SQLite holds them as numbers), JSON, a join."""
    from django.db.models import F

    from pcnhub.register.models import Coverage

    run = _run()
    Organisation.objects.create(code="A81001", kind="practice", first_recorded_by=run)
    OrganisationVersion.objects.create(
        organisation_id="A81001",
        valid_from=date(2020, 1, 1),
        valid_to=None,
        name="The Densham Surgery",
        open_date=date(1974, 4, 1),
        prescribing_setting=4,
        opened_by=run,
    )
    for day, value in ((date(2021, 1, 1), "4100.00"), (date(2021, 4, 1), "4100.57")):
        ListSize.objects.create(
            practice_id="A81001",
            measure="weighted",
            date=day,
            value=Decimal(value),
            recorded_by=run,
        )
    Coverage.objects.create(
        run=run,
        facts=["details.name"],
        tier=1,
        known_on=date(2021, 1, 1),
        starts={"A81001": "2021-01-01"},
    )
    cases = [
        (
            OrganisationVersion.objects.exclude(valid_to=F("valid_from")),
            ["id", "organisation_id", "valid_from", "valid_to", "name", "open_date"],
        ),
        (
            ListSize.objects.order_by("date"),
            ["id", "practice_id", "date", "value"],
        ),
        (
            Coverage.objects.all(),
            ["run_id", "run__kind", "facts", "starts", "known_on", "everyone_from"],
        ),
    ]
    for qs, names in cases:
        got = bulk.values(qs, *names)
        assert got == list(qs.values_list(*names))
        assert [str(v) for row in got for v in row] == [
            str(v) for row in qs.values_list(*names) for v in row
        ]
    assert bulk.values(ListSize.objects.none(), "id") == []


def test_cycle_collection_is_paused_then_restored_even_on_error() -> None:
    import gc

    from pcnhub.register.importers.writer import without_cycle_collection

    seen: list[bool] = []

    @without_cycle_collection
    def fails() -> None:
        seen.append(gc.isenabled())
        raise ValueError("bad row")

    assert gc.isenabled()
    with pytest.raises(ValueError, match="bad row"):
        fails()
    assert seen == [False]
    assert gc.isenabled()
    gc.disable()
    try:
        with pytest.raises(ValueError):
            fails()
        assert not gc.isenabled()  # left as the caller had it
    finally:
        gc.enable()


@pytest.mark.django_db
def test_json_columns_are_written_as_json() -> None:
    # Coverage rows go through insert_rows (COPY on PostgreSQL): a list and an
    # object must come back as the list and object, not as strings.
    run = _run()
    starts = {f"A{n:05d}": "2019-12-01" for n in range(2000)} | {"B'\\\t": "x"}
    bulk.insert_rows(
        Coverage,
        CoverageIndex.COLUMNS,
        [
            (
                run.pk,
                ["details.name", "details.postcode"],
                1,
                date(2022, 4, 1),
                starts,
                None,
            ),
            (run.pk, ["practice_network"], 1, date(2022, 5, 1), {}, date(2022, 5, 1)),
        ],
    )
    got = list(
        Coverage.objects.order_by("known_on").values_list(
            "facts", "starts", "everyone_from"
        )
    )
    assert got == [
        (["details.name", "details.postcode"], starts, None),
        (["practice_network"], {}, date(2022, 5, 1)),
    ]
    assert bulk.values(Coverage.objects.order_by("known_on"), "facts", "starts")[0] == (
        ["details.name", "details.postcode"],
        starts,
    )
