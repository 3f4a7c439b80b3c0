"""The application workflow end to end, through the services (no pages)."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied

from pcnhub.access.roles import Role
from pcnhub.access.scope import forget_scope
from pcnhub.access.services import grant
from pcnhub.audit.models import AuditEntry
from pcnhub.audit.services import Actor, verify
from pcnhub.register import queries
from pcnhub.register.models import OrganisationVersion, RelationshipKind
from pcnhub.workflow import services
from pcnhub.workflow.models import Application, ApplicationVersion, Decision, State
from tests.workflow.conftest import APRIL_2022, registration

pytestmark = pytest.mark.django_db

# After the demo's last file (the ePCN workbook of 1 May 2022).
JUNE_2022 = date(2022, 6, 1)


def outcomes(findings: list[dict], rule: str) -> list[str]:
    return [f["outcome"] for f in findings if f["rule"] == rule]


def test_registration_from_draft_to_the_register(people: SimpleNamespace) -> None:
    manager, practice, commissioner = (
        people.manager,
        people.practice,
        people.commissioner,
    )
    application = services.create(manager, registration())
    assert application.reference.startswith("APP-")
    assert application.state == State.DRAFT

    run = services.submit(manager, application, application.version)
    assert outcomes(run.findings, "population.band") == ["breach"]
    assert "no reason" in next(
        f["message"] for f in run.findings if f["rule"] == "population.band"
    )
    application.refresh_from_db()
    with pytest.raises(services.WorkflowError, match="breach|confirm"):
        services.decide(
            commissioner,
            application,
            outcome="approved",
            network_code="U99013",
            expected_version=application.version,
        )

    fixed = registration("a remote moorland valley, 25 km from the nearest network")
    application = services.change(manager, application, fixed, application.version)
    assert application.state == State.DRAFT  # back to draft: submit again
    services.confirm(practice, application, "Z93030")
    application.refresh_from_db()
    run = services.submit(manager, application, application.version)
    assert run.round == 2
    assert outcomes(run.findings, "population.band") == ["needs commissioner approval"]
    assert outcomes(run.findings, "governance.clinical_director") in (["met"], [])

    application.refresh_from_db()
    decision = services.decide(
        commissioner,
        application,
        outcome="approved_with_conditions",
        conditions="review the population in a year",
        reasons="natural community",
        network_code="u99013",
        expected_version=application.version,
    )
    assert decision.network_code == "U99013"
    application.refresh_from_db()
    assert application.state == State.APPROVED_WITH_CONDITIONS
    assert application.network_id == "U99013"

    assert queries.network_of("Z93030", APRIL_2022) == "U99013"
    assert queries.network_of("Z93030", date(2022, 3, 31)) is None
    assert (
        queries.parent_on(RelationshipKind.NETWORK_COMMISSIONER, "U99013", APRIL_2022)
        == "99Z"
    )
    version = OrganisationVersion.objects.get(organisation_id="U99013")
    assert (version.name, version.valid_from) == ("Fernham Vale PCN", APRIL_2022)
    assert version.opened_by == decision.register_run
    assert decision.register_run.kind == "application"

    # The network's checks now report the commissioner's approval of its size.
    from pcnhub.contract.services import run_checks

    population = [
        f
        for f in run_checks(APRIL_2022, pcn="U99013").findings
        if f.rule == "population.band"
    ]
    assert [f.outcome for f in population] == ["met"]
    assert application.reference in population[0].message
    # The applicant now acts for the network they formed.
    assert manager.roles.filter(organisation_id="U99013").exists()
    # Each version of the application is kept.
    assert list(
        ApplicationVersion.objects.filter(application=application).values_list(
            "version", flat=True
        )
    ) == [1, 2]
    trail = list(
        AuditEntry.objects.filter(entity_key=application.reference).values_list(
            "action", flat=True
        )
    )
    assert trail == [
        "create application",
        "submit application",
        "change application",
        "confirm practice",
        "submit application",
        "decide application: approved_with_conditions",
    ]
    assert verify().ok


def test_only_the_overseeing_commissioner_decides(
    people: SimpleNamespace, submitted: Application
) -> None:
    for who in (people.manager, people.director, people.practice, people.evaluator):
        with pytest.raises(PermissionDenied):
            services.decide(
                who,
                submitted,
                outcome="rejected",
                reasons="no",
                expected_version=submitted.version,
            )
    # The regional team above the commissioner may decide.
    services.decide(
        people.regional,
        submitted,
        outcome="rejected",
        reasons="not contiguous",
        expected_version=submitted.version,
    )
    assert Decision.objects.get(application=submitted).decided_by == people.regional


def test_a_decision_needs_every_practice_confirmed(people: SimpleNamespace) -> None:
    application = services.create(people.manager, registration("remote"))
    services.submit(people.manager, application, application.version)
    application.refresh_from_db()
    with pytest.raises(services.WorkflowError, match="Z93030"):
        services.decide(
            people.commissioner,
            application,
            outcome="approved",
            network_code="U99013",
            expected_version=application.version,
        )
    # Only the practice's own manager (or the commissioner, with a note) confirms.
    with pytest.raises(PermissionDenied):
        services.confirm(people.director, application, "Z93030")
    with pytest.raises(services.WorkflowError, match="say how"):
        services.confirm(people.commissioner, application, "Z93030")
    services.confirm(
        people.commissioner, application, "Z93030", note="letter of 1 March"
    )


def test_rejection_needs_reasons_then_appeal_upheld_applies_it(
    people: SimpleNamespace, submitted: Application
) -> None:
    with pytest.raises(services.WorkflowError, match="reasons"):
        services.decide(
            people.commissioner,
            submitted,
            outcome="rejected",
            expected_version=submitted.version,
        )
    services.decide(
        people.commissioner,
        submitted,
        outcome="rejected",
        reasons="too small",
        expected_version=submitted.version,
    )
    assert queries.network_of("Z93030", APRIL_2022) is None
    services.lodge_appeal(people.manager, submitted, "the valley is remote")
    submitted.refresh_from_db()
    assert submitted.state == State.APPEALED
    services.decide_appeal(
        people.regional,
        submitted,
        upheld=True,
        reasons="remote area",
        network_code="U99014",
    )
    submitted.refresh_from_db()
    assert submitted.state == State.APPROVED
    assert queries.network_of("Z93030", APRIL_2022) == "U99014"


def test_a_stale_version_is_refused(
    people: SimpleNamespace, submitted: Application
) -> None:
    with pytest.raises(services.Conflict, match="changed"):
        services.decide(
            people.commissioner,
            submitted,
            outcome="rejected",
            reasons="x",
            expected_version=submitted.version - 1,
        )
    services.decide(
        people.commissioner,
        submitted,
        outcome="rejected",
        reasons="x",
        expected_version=submitted.version,
    )
    with pytest.raises(services.Conflict, match="already decided by commissioner"):
        services.decide(
            people.commissioner,
            submitted,
            outcome="approved",
            network_code="U99013",
            expected_version=submitted.version,
        )


def test_practice_leaves_with_short_notice(people: SimpleNamespace) -> None:
    member = queries.members_of("U99001", APRIL_2022)[0]
    proposal = services.Proposal(
        kind="practice_leave",
        commissioner="99Z",
        network="U99001",
        effective_from=APRIL_2022,
        notice_given_on=date(2022, 3, 20),
        reason="joining another network next year",
        practices=[(member, "leaves")],
    )
    application = services.create(people.manager, proposal)
    run = services.submit(people.manager, application, application.version)
    assert outcomes(run.findings, "participation.leave_notice") == ["warning"]
    services.confirm(people.commissioner, application, member, note="email")
    application.refresh_from_db()
    services.decide(
        people.commissioner,
        application,
        outcome="approved",
        expected_version=application.version,
    )
    assert queries.network_of(member, APRIL_2022) is None
    assert queries.network_of(member, date(2022, 3, 31)) == "U99001"


def test_merger_moves_every_member_and_closes_the_absorbed_network(
    people: SimpleNamespace,
) -> None:
    absorbed_members = set(queries.members_of("U99003", JUNE_2022))
    # The applicant acts for both networks (a merger needs that, or the
    # commissioner).
    grant(
        Actor(system="tests"),
        people.director,
        Role.CLINICAL_DIRECTOR,
        "U99003",
        valid_from=date(2019, 4, 1),
    )
    forget_scope(people.director)
    proposal = services.Proposal(
        kind="merger",
        commissioner="99Z",
        network="U99002",
        effective_from=JUNE_2022,
        reason="shared estates",
        details={"absorbed_network": "U99003"},
    )
    application = services.create(people.director, proposal)
    services.submit(people.director, application, application.version)
    application.refresh_from_db()
    services.decide(
        people.commissioner,
        application,
        outcome="approved",
        expected_version=application.version,
    )
    assert absorbed_members
    assert all(queries.network_of(p, JUNE_2022) == "U99002" for p in absorbed_members)
    assert queries.members_of("U99003", JUNE_2022) == []
    closed = queries.details_on("U99003", JUNE_2022)
    assert (closed.status, closed.close_date) == ("C", JUNE_2022)
    assert queries.details_on("U99003", date(2022, 5, 31)).status == "A"


def test_changes_come_from_the_network_concerned(people: SimpleNamespace) -> None:
    proposal = services.Proposal(
        kind="nominated_payee",
        commissioner="99Z",
        network="U99005",
        effective_from=APRIL_2022,
        details={
            "payee": {"code": "", "name": "U99005 account", "kind": "network_account"}
        },
    )
    with pytest.raises(PermissionDenied, match="do not act for U99005"):
        services.create(people.manager, proposal)
    with pytest.raises(PermissionDenied):
        services.create(
            people.commissioner, proposal
        )  # commissioners decide, not apply


def test_commissioner_assigns_an_uncovered_practice(people: SimpleNamespace) -> None:
    with pytest.raises(PermissionDenied):
        services.assign_practice(
            people.manager,
            practice="Z93030",
            network="U99012",
            commissioner="99Z",
            effective_from=APRIL_2022,
            reason="nearest network",
        )
    application = services.assign_practice(
        people.commissioner,
        practice="Z93030",
        network="U99012",
        commissioner="99Z",
        effective_from=APRIL_2022,
        reason="nearest network; LMC consulted",
    )
    assert application.state == State.APPROVED
    assert queries.network_of("Z93030", APRIL_2022) == "U99012"
    with pytest.raises(services.WorkflowError, match="not unassigned"):
        services.assign_practice(
            people.commissioner,
            practice="Z93030",
            network="U99011",
            commissioner="99Z",
            effective_from=date(2022, 5, 1),
            reason="again",
        )


def test_withdrawn_applications_cannot_be_decided(
    people: SimpleNamespace, submitted: Application
) -> None:
    services.withdraw(people.manager, submitted, "we will wait a year")
    submitted.refresh_from_db()
    assert submitted.state == State.WITHDRAWN
    with pytest.raises(services.WorkflowError):
        services.decide(
            people.commissioner,
            submitted,
            outcome="rejected",
            reasons="x",
            expected_version=submitted.version,
        )
    assert Application.objects.get(pk=submitted.pk).events.count() == 4
