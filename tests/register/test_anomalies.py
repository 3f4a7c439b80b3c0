"""Known quirks of the real files are resolved by a named rule and reported;
genuine contradictions are still rejected with file, row and column."""

from __future__ import annotations

from datetime import date
from io import StringIO
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command

from pcnhub.register import queries
from pcnhub.register.importers.errors import ImportRejected
from pcnhub.register.models import ImportRun, RelationshipKind
from tests.conftest import need_shared_data
from tests.register.fixtures.make_epcn_2023 import MEMBERS, build
from tests.register.samples import FIXTURES, load

pytestmark = pytest.mark.django_db

EPCN_2023 = FIXTURES / "ePCN-2023-02.xlsx"
EPRACCUR_2023 = FIXTURES / "epraccur-2023-02.csv"
FEB_2023 = date(2023, 2, 1)
MOVED = "membership end date moved to the day before the next start"


def test_the_fixture_is_what_its_script_builds(tmp_path: Path) -> None:
    rebuilt = openpyxl.load_workbook(build(tmp_path / "ePCN-2023-02.xlsx"))
    kept = openpyxl.load_workbook(EPCN_2023)
    for name in ("PCNDetails", "PCN Core Partner Details"):
        assert list(kept[name].values) == list(rebuilt[name].values)


def test_shared_end_and_start_day_imports_with_the_anomaly_named() -> None:
    load("epraccur", EPRACCUR_2023, FEB_2023)
    run = load("epcn", EPCN_2023, FEB_2023)
    assert run.status == ImportRun.Status.SUCCEEDED
    assert run.counts["tolerated"] == {MOVED: ["F82001 (row 2)"]}
    # The old membership ends the day before the new one starts.
    assert queries.network_of("F82001", date(2022, 6, 30)) == "U86966"
    assert queries.network_of("F82001", date(2022, 7, 1)) == "U11211"
    assert queries.members_of("U11211", FEB_2023) == ["F82001", "F82002"]
    assert queries.members_of("U99021", FEB_2023) == ["F82003", "F82004"]
    kind = RelationshipKind.PRACTICE_COMMISSIONER
    assert queries.parent_on(kind, "F82001", FEB_2023) == "A3A8R"


def test_the_command_line_names_the_anomaly() -> None:
    load("epraccur", EPRACCUR_2023, FEB_2023)
    out = StringIO()
    call_command(
        "import", "epcn", str(EPCN_2023), "--as-at", "2023-02-01", "--quiet", stdout=out
    )
    assert f"tolerated: 1\n  1 {MOVED}: F82001 (row 2)" in out.getvalue()


def _workbook(tmp_path: Path, members: list[tuple]) -> Path:
    from tests.register.fixtures import make_epcn_2023

    original = make_epcn_2023.MEMBERS
    make_epcn_2023.MEMBERS = members
    try:
        return build(tmp_path / "ePCN-2023-02.xlsx")
    finally:
        make_epcn_2023.MEMBERS = original


def test_two_networks_for_more_than_the_shared_day_is_rejected(
    tmp_path: Path,
) -> None:
    members = list(MEMBERS)
    members[0] = ("F82001", "TEST MEDICAL CENTRE", "U86966", "20190701", "20220702")
    with pytest.raises(ImportRejected) as caught:
        load("epcn", _workbook(tmp_path, members), FEB_2023)
    assert str(caught.value) == (
        "ePCN-2023-02.xlsx, row 3, column 'PCN Core Partner Details: "
        "practice to pcn relationship start date': practice F82001 would be in two "
        "PCNs on 2022-07-01: U86966 (row 2) and U11211 (row 3)"
    )


def test_a_membership_that_starts_and_ends_on_the_next_start_is_rejected(
    tmp_path: Path,
) -> None:
    # Moving its end to the day before would end it before it starts.
    members = list(MEMBERS)
    members[0] = ("F82001", "TEST MEDICAL CENTRE", "U86966", "20220701", "20220701")
    members[1] = ("F82001", "TEST MEDICAL CENTRE", "U11211", "20220701", "")
    with pytest.raises(ImportRejected, match="would be in two PCNs on 2022-07-01"):
        load("epcn", _workbook(tmp_path, members), FEB_2023)


def test_disagreeing_duplicates_are_rejected(tmp_path: Path) -> None:
    members = [*MEMBERS, ("F82003", "TEST SURGERY", "U99021", "20190701", "20230131")]
    with pytest.raises(ImportRejected) as caught:
        load("epcn", _workbook(tmp_path, members), FEB_2023)
    assert "ePCN-2023-02.xlsx, row 8: duplicate relationship" in str(caught.value)
    assert "disagrees with row 6" in str(caught.value)


@pytest.mark.national
def test_national_epcn_as_at_its_date_equals_a_count_of_the_workbook() -> None:
    data = need_shared_data()
    path = data / "ods/ePCN-2022-05.xlsx"
    day, stamp = date(2022, 5, 1), "20220501"
    run = load("epcn", path, day)
    book = openpyxl.load_workbook(path, read_only=True)
    details = list(book["PCNDetails"].iter_rows(min_row=2, values_only=True))
    partners = list(
        book["PCN Core Partner Details"].iter_rows(min_row=2, values_only=True)
    )
    open_pcns = {r[0] for r in details if r[4] <= stamp and not (r[5] and r[5] < stamp)}
    members = {
        r[0]: r[4] for r in partners if r[8] <= stamp and not (r[9] and r[9] < stamp)
    }
    assert queries.open_networks(day) == open_pcns
    links = queries.links_on(RelationshipKind.PRACTICE_NETWORK, day)
    assert dict(links.values_list("child_id", "parent_id")) == members
    assert len(members) == links.count() > 6000
    assert run.counts.get("tolerated", {}) == {}
