"""The real national files from ../shared/data (skipped with a message when absent)."""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from pcnhub.register import queries
from pcnhub.register.models import Relationship, RelationshipKind
from tests.conftest import need_shared_data
from tests.register.samples import load, register_state

pytestmark = [pytest.mark.django_db, pytest.mark.national]

QOF = "qof/MAPPING_NHS_GEOGRAPHIES_2021.csv"
REGISTRATIONS = "registrations/gp-reg-pat-prac-all-2021-01.csv"
EPCN = "ods/ePCN-2022-05.xlsx"
CENTROIDS = "geography/postcode-district-centroids.csv"
JAN_2021 = date(2021, 1, 1)


def load_2020_21(data: Path) -> None:
    load("epraccur", data / "ods/epraccur-2019-12.csv", date(2019, 12, 1))
    load("qof-mapping", data / QOF, JAN_2021)
    load("registrations", data / REGISTRATIONS)


def test_qof_2020_21_with_january_lists(shared_data: Path) -> None:
    load("qof-mapping", shared_data / QOF, JAN_2021)
    load("registrations", shared_data / REGISTRATIONS)
    with (shared_data / QOF).open(encoding="utf-8-sig") as handle:
        mapping = list(csv.DictReader(handle))
    with (shared_data / REGISTRATIONS).open(encoding="utf-8-sig") as handle:
        lists = {
            r["CODE"]: int(r["NUMBER_OF_PATIENTS"]) for r in csv.DictReader(handle)
        }
    expected: dict[str, int] = defaultdict(int)
    for row in mapping:
        if row["PCN_ODS_CODE"] != "U":
            expected[row["PCN_ODS_CODE"]] += lists[row["PRACTICE_CODE"]]

    networks = queries.networks_on(JAN_2021)
    assert len(networks) == 1251
    assert {n.pcn_code: n.registered_population for n in networks} == {
        code: Decimal(total) for code, total in expected.items()
    }
    uncovered = queries.uncovered_on(JAN_2021)
    assert len(uncovered) == 70
    assert {u.practice_code for u in uncovered} == {
        r["PRACTICE_CODE"] for r in mapping if r["PCN_ODS_CODE"] == "U"
    }
    assert all(u.registered_patients is not None for u in uncovered)


def test_older_practice_extract_does_not_count_closed_practices(
    shared_data: Path,
) -> None:
    load_2020_21(shared_data)
    uncovered = queries.uncovered_on(JAN_2021)
    # Every practice reported has patients on the January list.
    assert uncovered and all(u.registered_patients for u in uncovered)
    with (shared_data / QOF).open(encoding="utf-8-sig") as handle:
        in_no_network = {
            r["PRACTICE_CODE"]
            for r in csv.DictReader(handle)
            if r["PCN_ODS_CODE"] == "U"
        }
    assert in_no_network <= {u.practice_code for u in uncovered}


def workbook_counts(path: Path, day: str) -> tuple[int, int, dict[str, str]]:
    book = openpyxl.load_workbook(path, read_only=True)
    details = list(book["PCNDetails"].iter_rows(min_row=2, values_only=True))
    partners = list(
        book["PCN Core Partner Details"].iter_rows(min_row=2, values_only=True)
    )
    open_pcns = sum(1 for r in details if r[4] <= day and (not r[5] or r[5] >= day))
    current = {
        r[0]: r[4] for r in partners if r[8] <= day and (not r[9] or r[9] >= day)
    }
    return open_pcns, len(current), current


def test_epcn_2022_after_2020_21_records_history(shared_data: Path) -> None:
    load_2020_21(shared_data)
    load("epraccur", shared_data / "ods/epraccur-2022-04.csv", date(2022, 4, 1))
    before_2021 = {p: queries.network_of(p, JAN_2021) for p in ("C85024", "C85628")}
    load("epcn", shared_data / EPCN, date(2022, 5, 1))

    day = date(2022, 5, 1)
    open_pcns, members, current = workbook_counts(shared_data / EPCN, "20220501")
    assert len(queries.open_networks(day)) == open_pcns == 1260
    links = queries.links_on(RelationshipKind.PRACTICE_NETWORK, day)
    assert links.count() == members == 6475
    assert dict(links.values_list("child_id", "parent_id")) == current
    # History: practices that left their network keep their earlier membership.
    for practice, network in before_2021.items():
        assert queries.network_of(practice, date(2020, 1, 1)) == "U16464"
        assert network is None or network == queries.network_of(practice, JAN_2021)
    moved = Counter(
        Relationship.objects.filter(kind=RelationshipKind.PRACTICE_NETWORK)
        .exclude(valid_to=None)
        .values_list("child_id", flat=True)
    )
    assert len(moved) > 100  # ended memberships are kept, not deleted


EPRACCUR_2019 = ("epraccur", "ods/epraccur-2019-12.csv", date(2019, 12, 1))
QOF_2021 = ("qof-mapping", QOF, JAN_2021)
#: Each national file, and the structure files a register holds before it. List
#: files skip practices the register does not hold, so without these a list
#: file would import nothing and its reimport would prove nothing.
REIMPORTS = {
    "epraccur": ((), ("epraccur", "ods/epraccur-2022-04.csv", date(2022, 4, 1))),
    "qof-mapping": ((), QOF_2021),
    "registrations": ((QOF_2021,), ("registrations", REGISTRATIONS, None)),
    "payments": (
        (EPRACCUR_2019,),
        ("payments", "payments/nhspaymentsgp-2020-21-prac.csv", date(2020, 10, 1)),
    ),
    "epcn": ((), ("epcn", EPCN, date(2022, 5, 1))),
}


@pytest.mark.parametrize("kind", list(REIMPORTS))
def test_reimporting_a_national_file_changes_nothing(kind: str) -> None:
    data = need_shared_data()
    structure, (_, name, as_at) = REIMPORTS[kind]
    for first_kind, first_name, first_day in structure:
        load(first_kind, data / first_name, first_day)
    first = load(kind, data / name, as_at).counts["totals"]
    # National files hold thousands of practices: most must have been imported.
    assert first["created"] + first["updated"] > 5000, first
    state = register_state()
    totals = load(kind, data / name, as_at).counts["totals"]
    assert (totals["created"], totals["updated"], totals["closed"]) == (0, 0, 0)
    assert register_state() == state


def test_every_active_english_practice_has_a_known_outcode() -> None:
    data = need_shared_data()
    epraccur = data / "ods/epraccur-2022-04.csv"
    day = date(2022, 4, 1)
    load("epraccur", epraccur, day)
    run = load("postcode-districts", data / CENTROIDS)
    assert run.counts["by_fact"]["postcode district"]["created"] == 2856
    with epraccur.open(encoding="latin-1", newline="") as handle:
        english = {
            row[0]: row[9].split()[0]
            for row in csv.reader(handle)
            # active GP practices (prescribing setting 4), not in Wales (W00)
            if row[12] == "A" and row[25] == "4" and row[2] != "W00"
        }
    assert len(english) > 6500
    places = queries.practice_places(sorted(english), day)
    assert set(places) == set(english)
    assert all(places[code][0] == outcode for code, outcode in english.items())
    assert places["A81004"][0] == "TS5"
    totals = load("postcode-districts", data / CENTROIDS).counts["totals"]
    assert (totals["created"], totals["updated"], totals["unchanged"]) == (0, 0, 2856)
