"""Importing a census: all or nothing, audited, history kept, idempotent."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest

from pcnhub.audit.models import AuditEntry
from pcnhub.audit.services import Actor
from pcnhub.register.importers.errors import ImportRejected
from pcnhub.workforce.census_file import TRIMMED
from pcnhub.workforce.imports import import_census
from pcnhub.workforce.models import Census, StaffSnapshot
from tests.workforce.conftest import GOOD

pytestmark = pytest.mark.django_db
ACTOR = Actor(system="workforce tests")


def test_a_census_is_stored_by_network_and_role() -> None:
    done = import_census(GOOD, actor=ACTOR)
    census = done.census
    assert (census.census_date, census.records) == (date(2021, 3, 31), 6)
    assert census.file_name == GOOD.name
    assert len(census.file_sha256) == 64
    assert done.counts["by_fact"]["staff by network and role"]["created"] == 4
    assert done.counts["tolerated"][TRIMMED] == ["row 2", "row 3", "row 4", "row 5"]
    row = StaffSnapshot.objects.get(pcn_code="U88001", detailed_staff_role="Pharmacist")
    assert (row.staff, row.fte) == (2, Decimal("1.766666667"))
    assert row.sub_icb_code == "88X"
    # A network the register does not hold is kept by its code.
    assert StaffSnapshot.objects.filter(pcn_code="U12345").count() == 2


def test_the_import_is_audited() -> None:
    done = import_census(GOOD, actor=ACTOR)
    entry = AuditEntry.objects.get(entity_type="workforce_census", action="import")
    assert entry.entity_key == str(done.census.pk)
    assert entry.system_actor == "workforce tests"
    assert entry.after["census_date"] == "2021-03-31"
    assert entry.after["sha256"] == done.census.file_sha256


def test_the_same_file_again_is_unchanged() -> None:
    first = import_census(GOOD, actor=ACTOR)
    again = import_census(GOOD, actor=ACTOR)
    assert again.unchanged and again.census.pk == first.census.pk
    assert Census.objects.count() == 1
    assert StaffSnapshot.objects.count() == 4
    by_fact = again.counts["by_fact"]
    assert by_fact["census"] == {
        "created": 0,
        "updated": 0,
        "closed": 0,
        "unchanged": 1,
    }
    assert by_fact["staff by network and role"]["unchanged"] == 4
    assert again.label.endswith(", unchanged")


def test_a_second_census_is_kept_beside_the_first(census_file: Callable) -> None:
    import_census(GOOD, actor=ACTOR)
    import_census(census_file("april.csv", month=(2021, 4)), actor=ACTOR)
    dates = sorted(Census.objects.values_list("census_date", flat=True))
    assert dates == [date(2021, 3, 31), date(2021, 4, 30)]
    assert StaffSnapshot.objects.count() == 8


def test_a_bad_file_writes_nothing_and_the_attempt_is_audited(
    census_file: Callable,
) -> None:
    with pytest.raises(ImportRejected) as caught:
        import_census(census_file(change={3: {"FTE": "x"}}), actor=ACTOR)
    assert "row 3, column 'FTE'" in caught.value.summary()
    assert not Census.objects.exists()
    assert not StaffSnapshot.objects.exists()
    entry = AuditEntry.objects.get(entity_type="workforce_census")
    assert entry.action == "import rejected"
    assert "row 3" in entry.reason


def test_as_at_must_be_the_files_census_date() -> None:
    with pytest.raises(ImportRejected, match="is not the file's census date"):
        import_census(GOOD, actor=ACTOR, as_at=date(2021, 4, 1))
    assert import_census(GOOD, actor=ACTOR, as_at=date(2021, 3, 31)).census


def test_a_missing_file_is_named(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ImportRejected, match="nothing.csv: no such file"):
        import_census(tmp_path / "nothing.csv", actor=ACTOR)
