"""The dashboard's figures per role and scope, hand-checked on the demo area and
the second area beside it (tests/web/conftest.py), and what each role is shown."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from pcnhub.dashboard.areas import NATION, YOURS
from pcnhub.dashboard.services import dashboard
from pcnhub.register import demo, queries
from pcnhub.register.models import (
    OrganisationVersion,
    Relationship,
    RelationshipKind,
)
from pcnhub.workflow.models import Application, ApplicationEvent, Kind, State
from tests.web.conftest import demo_data, other_area  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

DAY = date(2022, 5, 1)
#: The demo area on DAY (after the 2021 merger, 98Z and 97Z are under 99Z):
#: 12 networks, 59 open practices (one closed in 2021, one long closed), one
#: of them (Z93030) in no network.
DEMO_NETWORKS, DEMO_PRACTICES = 12, 59


def test_national_user_sees_england(other_area: None, make_user: Any) -> None:  # noqa: F811
    board = dashboard(make_user("national"), DAY)
    f = board.figures
    assert f.area.level == NATION and f.area.label == "England"
    # 12 demo networks and U88001; 59 demo practices and Z88001, Z88002
    assert f.counts.networks == DEMO_NETWORKS + 1
    assert f.counts.practices == DEMO_PRACTICES + 2
    assert f.counts.practices_in_networks == DEMO_PRACTICES - 1 + 1
    every = queries.practices_on(DAY)
    assert f.counts.registered_population == sum(
        (p.registered_patients or 0 for p in every), Decimal(0)
    )
    # Z93030 and Z88002 are in no network
    assert f.coverage.uncovered == 2
    assert (
        f.coverage.uncovered_patients
        == Decimal(4000)
        + (
            queries.list_sizes_on([demo.UNCOVERED_PRACTICE_CODE], "registered", DAY)[
                demo.UNCOVERED_PRACTICE_CODE
            ]
        )
    )
    coverage = next(r for r in f.findings.rules if r.rule == "coverage.all_practices")
    assert coverage.outcomes.get("breach", 0) >= 2


def test_commissioner_sees_their_own_area(other_area: None, make_user: Any) -> None:  # noqa: F811
    f = dashboard(make_user("commissioner", "88X"), DAY).figures
    assert f.area.code == "88X" and f.area.name == "NHS Farshire CCG"
    # U88001 with Z88001 (31,000 patients); Z88002 (4,000) in no network
    assert (f.counts.networks, f.counts.practices) == (1, 2)
    assert f.counts.practices_in_networks == 1
    assert f.counts.registered_population == Decimal(35000)
    assert (f.coverage.uncovered, f.coverage.uncovered_patients) == (1, 4000)
    assert {r.rule for r in f.findings.rules} >= {"coverage.all_practices"}
    # nothing of the demo area: every finding is about 88X
    assert f.entitlements.networks == 1


def test_demo_commissioner_after_the_merger(other_area: None, make_user: Any) -> None:  # noqa: F811
    f = dashboard(make_user("commissioner", "99Z"), DAY).figures
    assert f.counts.networks == DEMO_NETWORKS
    assert f.counts.practices == DEMO_PRACTICES
    assert f.coverage.uncovered == 1
    expected = sum(
        (r.registered_population for r in queries.networks_on(DAY, commissioner="99Z")),
        Decimal(0),
    )
    uncovered = queries.uncovered_on(DAY, commissioner="99Z")
    assert f.counts.registered_population == expected + sum(
        (u.registered_patients or 0 for u in uncovered), Decimal(0)
    )


def test_regional_user_sees_their_region(other_area: None, make_user: Any) -> None:  # noqa: F811
    f = dashboard(make_user("regional", "Y98"), DAY).figures
    assert f.area.level == "region"
    assert f.counts.networks == DEMO_NETWORKS
    assert f.coverage.uncovered == 1


def test_network_user_sees_their_network(other_area: None, make_user: Any) -> None:  # noqa: F811
    network = demo.MOVED_TO_PCN_CODE
    f = dashboard(make_user("clinical_director", network), DAY).figures
    assert f.area.level == "network" and f.area.code == network
    assert f.counts.networks == 1
    assert f.counts.practices == len(queries.members_of(network, DAY))
    assert f.counts.registered_population == queries.population(network, DAY).registered
    # coverage is a commissioner's figure: a sentence, not an error
    assert f.coverage.empty.startswith("Coverage is a commissioner")
    assert f.findings.total > 0
    assert all(r.rule != "coverage.all_practices" for r in f.findings.rules)
    assert f.entitlements.networks == 1 and f.entitlements.total > 0


def test_practice_manager_of_a_practice_in_no_network(
    other_area: None,  # noqa: F811
    make_user: Any,
) -> None:
    f = dashboard(make_user("practice_manager", demo.UNCOVERED_PRACTICE_CODE), DAY)
    figures = f.figures
    assert figures.area.level == "practice"
    assert (figures.counts.networks, figures.counts.practices) == (0, 1)
    assert figures.entitlements.empty  # no network: nothing due, a sentence
    assert figures.arrs.empty


def test_several_roles_see_all_of_theirs(other_area: None, make_user: Any) -> None:  # noqa: F811
    from pcnhub.access.roles import Role
    from pcnhub.access.services import grant
    from pcnhub.audit.services import Actor

    user = make_user("commissioner", "88X")
    grant(
        Actor(system="tests"),
        user,
        Role.CLINICAL_DIRECTOR,
        "U99001",
        valid_from=date(2019, 4, 1),
    )
    from pcnhub.access.scope import forget_scope

    forget_scope(user)
    f = dashboard(user, DAY).figures
    assert f.area.level == YOURS
    assert f.counts.networks == 2  # U88001 and U99001
    assert f.counts.practices == 2 + len(queries.members_of("U99001", DAY))


def test_a_user_cannot_see_another_area(other_area: None, make_user: Any) -> None:  # noqa: F811
    commissioner = make_user("commissioner", "99Z")
    with pytest.raises(PermissionDenied):
        dashboard(commissioner, DAY, "88X")
    with pytest.raises(PermissionDenied):
        dashboard(commissioner, DAY, "U88001")
    with pytest.raises(PermissionDenied):
        dashboard(commissioner, DAY, "nation")
    # within their area, any level
    assert dashboard(commissioner, DAY, "U99001").figures.counts.networks == 1
    with pytest.raises(ValidationError):
        dashboard(commissioner, DAY, "NOSUCH")


def test_evaluators_see_figures_but_no_applications(
    other_area: None,  # noqa: F811
    make_user: Any,
) -> None:
    f = dashboard(make_user("evaluator"), DAY).figures
    assert f.counts.networks == DEMO_NETWORKS + 1
    assert f.applications.waiting == 0
    assert f.applications.empty.startswith("Evaluators do not see")


def _waiting(commissioner: str, days_ago: int, ref: str, by: Any) -> Application:
    now = timezone.now()
    application = Application.objects.create(
        reference=ref,
        kind=Kind.PRACTICE_JOIN,
        state=State.SUBMITTED,
        commissioner_id=commissioner,
        network_id="U99001" if commissioner == "99Z" else "U88001",
        effective_from=date(2022, 7, 1),
        submitted_by=by,
        created_at=now - timedelta(days=days_ago + 1),
        updated_at=now,
    )
    ApplicationEvent.objects.create(
        application=application,
        at=now - timedelta(days=days_ago),
        by=by,
        action="submitted",
        state=State.SUBMITTED,
        round=1,
    )
    return application


def test_applications_waiting_and_their_age(other_area: None, make_user: Any) -> None:  # noqa: F811
    someone = make_user("network_manager", "U99001")
    for ref, days in (("A-1", 3), ("A-2", 10), ("A-3", 30)):
        _waiting("99Z", days, ref, someone)
    _waiting("88X", 50, "B-1", make_user("network_manager", "U88001"))
    a = dashboard(make_user("commissioner", "99Z"), DAY).figures.applications
    assert (a.waiting, a.oldest_days, a.median_days) == (3, 30, Decimal("10.0"))
    national = dashboard(make_user("national"), DAY).figures.applications
    assert (national.waiting, national.oldest_days) == (4, 50)
    # another commissioner's are not theirs
    other = dashboard(make_user("commissioner", "88X"), DAY).figures.applications
    assert (other.waiting, other.oldest_days) == (1, 50)


# --- what changed --------------------------------------------------------------


def test_changes_list_the_commissioner_merger_and_a_practice_move(
    other_area: None,  # noqa: F811
    make_user: Any,
) -> None:
    board = dashboard(make_user("commissioner", "99Z"), DAY, since="2021-01-01")
    c = board.changes
    assert c is not None
    mergers = {(m.predecessor, m.successor, m.effective) for m in c.commissioners}
    assert mergers == {
        ("98Z", "99Z", date(2021, 4, 1)),
        ("97Z", "99Z", date(2021, 4, 1)),
    }
    moves = {(p.kind, p.practice, p.from_network, p.to_network) for p in c.practices}
    assert (
        "moved",
        demo.MOVED_PRACTICE_CODE,
        demo.MOVED_FROM_PCN_CODE,
        demo.MOVED_TO_PCN_CODE,
    ) in moves
    # the closed practice left its network
    assert any(
        p.kind == "left" and p.practice == demo.CLOSING_PRACTICE_CODE
        for p in c.practices
    )
    # 88X's commissioner sees none of it
    theirs = dashboard(make_user("commissioner", "88X"), DAY, since="2021-01-01")
    assert theirs.changes is not None and theirs.changes.empty


def test_changes_list_a_network_merger_and_a_formation(
    other_area: None,  # noqa: F811
    make_user: Any,
) -> None:
    """U99012's practices all move to U99011 on 2022-02-01 and U99012 closes (as
    an approved merger leaves the register); U88001 opens after ``since``."""
    merged_on = date(2022, 2, 1)
    absorbed, absorbing = "U99012", "U99011"
    links = Relationship.objects.filter(
        kind=RelationshipKind.PRACTICE_NETWORK,
        parent_id=absorbed,
        valid_to__isnull=True,
    )
    moved = list(links.values_list("child_id", flat=True))
    assert moved
    links.update(valid_to=merged_on)
    for practice in moved:
        Relationship.objects.create(
            kind=RelationshipKind.PRACTICE_NETWORK,
            child_id=practice,
            parent_id=absorbing,
            valid_from=merged_on,
        )
    OrganisationVersion.objects.filter(organisation_id=absorbed).update(
        close_date=merged_on - timedelta(days=1)
    )
    national = make_user("national")
    c = dashboard(national, DAY, since="2022-01-01").changes
    assert c is not None
    merged = [n for n in c.networks if n.network == absorbed]
    assert [(n.kind, n.into) for n in merged] == [("merged", absorbing)]
    assert {p.practice for p in c.practices if p.kind == "moved"} >= set(moved)
    # the network page's user sees the merger into their network
    director = make_user("clinical_director", absorbing)
    mine = dashboard(director, DAY, since="2022-01-01").changes
    assert mine is not None
    assert {p.practice for p in mine.practices} >= set(moved)
    # before the other area existed (2019-07-01), U88001 was formed since
    early = dashboard(national, DAY, since="2019-06-01").changes
    assert early is not None
    assert any(n.kind == "formed" and n.network == "U88001" for n in early.networks)


def test_since_must_be_a_date_before_the_as_at_date(
    other_area: None,  # noqa: F811
    make_user: Any,
) -> None:
    national = make_user("national")
    for bad in ("nope", "2022-05-01", "2023-01-01"):
        with pytest.raises(ValidationError):
            dashboard(national, DAY, since=bad)


# --- data freshness ------------------------------------------------------------


def test_freshness_warns_when_stale(other_area: None, make_user: Any) -> None:  # noqa: F811
    national = make_user("national")
    fresh = {x.kind: x for x in dashboard(national, date(2022, 2, 1)).freshness}
    # the registrations file of 2022-01-01 is a month old on 2022-02-01
    assert fresh["registrations"].as_at == date(2022, 1, 1)
    assert not fresh["registrations"].stale
    # epraccur 2022-04 and ePCN 2022-05 describe later dates: the older ones count
    assert fresh["epraccur"].as_at == date(2020, 12, 1)
    assert fresh["epraccur"].stale and fresh["epraccur"].newer_exists
    later = {x.kind: x for x in dashboard(national, date(2022, 5, 1)).freshness}
    # ... and 120 days old on 2022-05-01: more than 3 months
    assert later["registrations"].stale
    assert not later["epraccur"].stale  # 2022-04-01, a month old
    # reference data is never stale
    assert not later["postcode-districts"].stale
    # before any ePCN workbook, the dashboard says none is imported
    before = dashboard(national, date(2021, 6, 1))
    assert "epcn" in {m.kind for m in before.missing}


# --- ARRS headroom ---------------------------------------------------------------


def test_arrs_headroom_where_claims_exist(demo_data: None, make_user: Any) -> None:  # noqa: F811
    from pcnhub.audit.services import Actor
    from pcnhub.workforce.demo import CLAIM_YEAR, NETWORKS, create_demo_workforce
    from pcnhub.workforce.utilisation import arrs_utilisation

    create_demo_workforce(Actor(system="tests"))
    day = CLAIM_YEAR.start + timedelta(days=200)
    rows = {r.pcn_code: r for r in arrs_utilisation(CLAIM_YEAR).rows}
    commissioner = dashboard(make_user("commissioner", "99Z"), day).figures.arrs
    assert commissioner.year == str(CLAIM_YEAR)
    assert commissioner.networks == len(NETWORKS)
    assert commissioner.arrs_sum == sum(
        (rows[c].arrs_sum or 0 for c in NETWORKS), Decimal(0)
    )
    assert commissioner.spent == sum((rows[c].spent for c in NETWORKS), Decimal(0))
    assert commissioner.headroom == commissioner.arrs_sum - commissioner.spent
    network = dashboard(make_user("network_manager", NETWORKS[0]), day).figures.arrs
    assert network.networks == 1
    assert network.headroom == rows[NETWORKS[0]].headroom
    # a network without claims sees a sentence
    other = dashboard(make_user("network_manager", "U99005"), day).figures.arrs
    assert other.empty.startswith("No ARRS claim or payment")
