"""Importing the NHS formats: what lands in the register, and idempotency."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from pcnhub.audit.models import AuditEntry
from pcnhub.register import queries
from pcnhub.register.models import ImportRun, RelationshipKind
from tests.register.samples import (
    FIXTURES,
    load,
    register_state,
    write_epcn,
)

pytestmark = pytest.mark.django_db


def test_epraccur_records_practices_and_commissioners() -> None:
    run = load("epraccur", FIXTURES / "epraccur_sample.csv", date(2019, 12, 1))
    assert run.status == ImportRun.Status.SUCCEEDED
    hilltop = queries.details_on("Z10001", date(2020, 6, 1))
    assert hilltop is not None and hilltop.name == "HILLTOP SURGERY"
    assert hilltop.postcode == "ZZ1 1AA" and hilltop.prescribing_setting == 4
    # Details hold from the practice's open date, not just the extract date.
    assert queries.details_on("Z10001", date(1990, 1, 1)) is not None
    assert (
        queries.parent_on(
            RelationshipKind.PRACTICE_COMMISSIONER, "Z10001", date(2020, 1, 1)
        )
        == "99Z"
    )
    # The closed practice left its commissioner on its last day (inclusive).
    kind = RelationshipKind.PRACTICE_COMMISSIONER
    assert queries.parent_on(kind, "Z10003", date(2020, 3, 31)) == "98Z"
    assert queries.parent_on(kind, "Z10003", date(2020, 4, 1)) is None


def test_qof_mapping_builds_the_hierarchy_and_u_means_no_network() -> None:
    load("qof-mapping", FIXTURES / "qof_sample.csv", date(2021, 1, 1))
    day = date(2021, 1, 1)
    assert queries.members_of("U99001", day) == ["Z10001", "Z10002"]
    assert queries.network_of("Z10004", day) is None
    assert not queries.details_on("U", day)
    chain = [(r.kind, r.code) for r in queries.hierarchy("Z10001", day)]
    assert chain == [
        ("practice", "Z10001"),
        ("network", "U99001"),
        ("commissioner", "99Z"),
        ("system", "QZZ"),
        ("region", "Y98"),
    ]
    uncovered = queries.uncovered_on(day, "99Z")
    assert [u.practice_code for u in uncovered] == ["Z10004"]


def test_registrations_and_weighted_lists_give_populations() -> None:
    load("qof-mapping", FIXTURES / "qof_sample.csv", date(2021, 1, 1))
    load("registrations", FIXTURES / "registrations_sample.csv")
    load("weighted-lists", FIXTURES / "weighted_sample.csv")
    pop = queries.population("U99001", date(2021, 1, 1))
    assert pop.registered == Decimal(21500)
    assert pop.weighted == Decimal("21600.75")
    rows = queries.networks_on(date(2021, 1, 1))
    assert [(r.pcn_code, r.practices, r.registered_population) for r in rows] == [
        ("U99001", 2, Decimal(21500))
    ]
    assert queries.uncovered_on(date(2021, 1, 1))[0].registered_patients == 3100


def test_epcn_after_snapshot_keeps_history_of_a_move(tmp_path: Path) -> None:
    load("qof-mapping", FIXTURES / "qof_sample.csv", date(2021, 1, 1))
    load("epcn", write_epcn(tmp_path / "ePCN.xlsx"), date(2022, 5, 1))
    assert queries.network_of("Z10002", date(2021, 1, 1)) == "U99001"
    assert queries.network_of("Z10002", date(2021, 4, 1)) == "U99002"
    # Earlier history from the workbook is added, not overwritten.
    assert queries.network_of("Z10001", date(2019, 7, 1)) == "U99001"
    # A practice the workbook no longer lists left its network by the extract date.
    assert queries.network_of("Z10004", date(2022, 5, 1)) is None
    assert queries.open_networks(date(2022, 5, 1)) == {"U99001", "U99002"}


def test_commissioner_merger_is_recorded_as_succession(tmp_path: Path) -> None:
    load("epraccur", FIXTURES / "epraccur_sample.csv", date(2019, 12, 1))
    later = (
        (FIXTURES / "epraccur_sample.csv")
        .read_text()
        .replace('"99Z","20130401"', '"97Z","20200401"')
        .replace('"0","","99Z"', '"0","","97Z"')
    )
    path = tmp_path / "epraccur-2020-06.csv"
    path.write_text(later)
    run = load("epraccur", path, date(2020, 6, 1))
    assert run.counts["by_fact"]["succession"]["created"] == 1
    before, after = queries.successions_of("99Z")
    assert [(s.successor_id, s.effective) for s in after] == [("97Z", date(2020, 4, 1))]
    assert (
        queries.parent_on(
            RelationshipKind.PRACTICE_COMMISSIONER, "Z10001", date(2020, 3, 31)
        )
        == "99Z"
    )


@pytest.mark.parametrize(
    ("kind", "name", "as_at"),
    [
        ("epraccur", "epraccur_sample.csv", date(2019, 12, 1)),
        ("qof-mapping", "qof_sample.csv", date(2021, 1, 1)),
        ("registrations", "registrations_sample.csv", None),
        ("weighted-lists", "weighted_sample.csv", None),
        ("epcn", None, date(2022, 5, 1)),
    ],
)
def test_importing_the_same_file_again_changes_nothing(
    tmp_path: Path, kind: str, name: str | None, as_at: date | None
) -> None:
    path = FIXTURES / name if name else write_epcn(tmp_path / "ePCN.xlsx")
    if kind in {"registrations", "weighted-lists"}:
        # Lists are recorded only for practices the register holds.
        load("qof-mapping", FIXTURES / "qof_sample.csv", date(2021, 1, 1))
    first = load(kind, path, as_at)
    assert first.counts["totals"]["created"] > 0
    state = register_state()
    again = load(kind, path, as_at)
    totals = again.counts["totals"]
    assert (totals["created"], totals["updated"], totals["closed"]) == (0, 0, 0)
    assert totals["unchanged"] > 0
    assert register_state() == state


def test_every_import_is_audited_and_the_chain_verifies() -> None:
    from pcnhub.audit.services import verify

    load("qof-mapping", FIXTURES / "qof_sample.csv", date(2021, 1, 1))
    entry = AuditEntry.objects.get(action="import")
    assert entry.system_actor == "test-suite"
    assert entry.after["counts"]["created"] > 0
    assert verify().ok


def test_skipped_rows_are_counted_by_reason(tmp_path: Path) -> None:
    text = (FIXTURES / "registrations_sample.csv").read_text()
    lines = text.splitlines()
    lines.append(lines[1].replace("ALL,ALL,12000", "MALE,ALL,6000"))
    lines.append(lines[2])  # an identical duplicate
    path = tmp_path / "gp-reg-pat-prac-all.csv"
    path.write_text("\n".join(lines) + "\n")
    load("qof-mapping", FIXTURES / "qof_sample.csv", date(2021, 1, 1))
    run = load("registrations", path)
    assert run.counts["totals"]["skipped"] == 2
    assert set(run.counts["skipped"]) == {
        "breakdown by sex or age (the list is the ALL/ALL row)",
        "duplicate of an earlier row (practice)",
    }
