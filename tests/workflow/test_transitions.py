"""The declared state machine (pcnhub.workflow.transitions): the services take
every state change from it, and the pages and the API offer what
``services.allowed_actions`` derives from it."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.test import Client

from pcnhub.access.checks import allowed
from pcnhub.access.scope import forget_scope
from pcnhub.workflow import services, transitions
from pcnhub.workflow.models import Application, Decision, State
from pcnhub.workflow.transitions import Action, IllegalTransition
from tests.workflow.conftest import registration

REASON = "a remote moorland valley"
NEW_CODE = "U99013"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "applications.md"


# --- the table itself (no database) --------------------------------------------------


def test_every_action_says_who_and_what_a_refusal_says() -> None:
    assert set(transitions.PERMISSIONS) == set(Action)
    assert set(transitions.REFUSALS) == set(Action)
    assert set(transitions.WHO) == set(transitions.PERMISSIONS.values())
    # Every action can be taken from some state, and leads to a real one.
    assert {action for _, action in transitions.TRANSITIONS} == set(Action)
    assert set(transitions.TRANSITIONS.values()) <= set(State)
    # The decisions' actions are exactly the stored outcomes.
    assert set(transitions.DECISIONS) == set(Decision.Outcome.values)
    for outcome, action in transitions.DECISIONS.items():
        assert transitions.next_state(State.SUBMITTED, action) == outcome


def test_next_state_follows_the_table_and_refuses_the_rest() -> None:
    for state in State:
        available = transitions.actions_available(state)
        for action in Action:
            if (state, action) in transitions.TRANSITIONS:
                assert action in available
                assert (
                    transitions.next_state(state, action)
                    == (transitions.TRANSITIONS[(state, action)])
                )
                continue
            assert action not in available
            with pytest.raises(IllegalTransition) as refused:
                transitions.next_state(state, action)
            assert (refused.value.state, refused.value.action) == (state, action)
            assert isinstance(refused.value, services.Conflict) == (
                action in transitions.CONFLICTS
            )
    # Nothing leaves a withdrawn or approved application.
    for final in (State.WITHDRAWN, State.APPROVED, State.APPROVED_WITH_CONDITIONS):
        assert transitions.actions_available(final) == []
    with pytest.raises(IllegalTransition, match="cannot be changed"):
        transitions.next_state("no such state", Action.CHANGE)


def test_refusals_say_what_the_services_always_said() -> None:
    def said(state: str, action: Action) -> str:
        return str(transitions.refused(state, action))

    assert said("approved", Action.SUBMIT) == (
        "only a draft can be submitted (this one is approved)"
    )
    assert said("appealed", Action.CHANGE) == (
        "a rejected: appeal lodged application cannot be changed"
    )
    assert said("rejected", Action.WITHDRAW) == (
        "only a draft or submitted application can be withdrawn"
    )
    assert said("withdrawn", Action.CONFIRM) == "this application is no longer open"
    assert said("draft", Action.REJECT) == (
        "only a submitted application can be decided (this one is draft)"
    )
    assert said("submitted", Action.APPEAL) == (
        "only a rejected application can be appealed"
    )
    assert said("rejected", Action.UPHOLD_APPEAL) == (
        "this appeal has already been decided, or there is none open"
    )


def test_the_guide_shows_the_table_as_declared() -> None:
    text = DOCS.read_text(encoding="utf-8")
    start = text.index("<!-- transitions:start -->") + len("<!-- transitions:start -->")
    end = text.index("<!-- transitions:end -->")
    assert text[start:end].strip() == transitions.markdown_table().strip()


# --- every state × every action, through the services ---------------------------------


class _Undo(Exception):
    """Raised to roll back one action's savepoint."""


def _fresh(application: Application) -> Application:
    return Application.objects.get(pk=application.pk)


def _decide(people: SimpleNamespace, app: Application, outcome: str) -> None:
    services.decide(
        people.commissioner,
        app,
        outcome=outcome,
        reasons="the reasons",
        conditions="review in a year" if outcome == "approved_with_conditions" else "",
        network_code=NEW_CODE,
        expected_version=app.version,
    )


def _in_state(people: SimpleNamespace, state: State) -> Application:
    """A registration (Z93030 forms a network) brought to ``state`` through the
    services. Z93030 has not confirmed unless approval needed it."""
    app = services.create(people.manager, registration(REASON))
    if state == State.DRAFT:
        return _fresh(app)
    if state == State.WITHDRAWN:
        services.withdraw(people.manager, app, "we will wait a year")
        return _fresh(app)
    if state in (State.APPROVED, State.APPROVED_WITH_CONDITIONS):
        services.confirm(people.practice, app, "Z93030")
    services.submit(people.manager, _fresh(app), _fresh(app).version)
    if state == State.SUBMITTED:
        return _fresh(app)
    _decide(people, _fresh(app), state if state != State.APPEALED else "rejected")
    if state == State.APPEALED:
        services.lodge_appeal(people.manager, _fresh(app), "the valley is remote")
    return _fresh(app)


def _confirmed(people: SimpleNamespace, app: Application) -> Application:
    """Approving needs Z93030's confirmation: given first where the state allows."""
    if transitions.allows(app.state, Action.CONFIRM) and services.unconfirmed(app):
        services.confirm(people.practice, app, "Z93030")
    return _fresh(app)


def _steps(people: SimpleNamespace) -> dict[Action, Callable[[Application], Any]]:
    """Each action, taken through its service by someone who may take it."""
    return {
        Action.SUBMIT: lambda a: services.submit(people.manager, a, a.version),
        Action.CHANGE: lambda a: services.change(
            people.manager, a, registration(REASON), a.version
        ),
        Action.WITHDRAW: lambda a: services.withdraw(people.manager, a, "not now"),
        Action.CONFIRM: lambda a: services.confirm(people.practice, a, "Z93030"),
        Action.RECORD_CONFIRMATION: lambda a: services.confirm(
            people.commissioner, a, "Z93030", note="a signed letter"
        ),
        Action.APPROVE: lambda a: _decide(people, _confirmed(people, a), "approved"),
        Action.APPROVE_WITH_CONDITIONS: lambda a: _decide(
            people, _confirmed(people, a), "approved_with_conditions"
        ),
        Action.REJECT: lambda a: _decide(people, a, "rejected"),
        Action.APPEAL: lambda a: services.lodge_appeal(people.manager, a, "remote"),
        Action.UPHOLD_APPEAL: lambda a: services.decide_appeal(
            people.commissioner,
            _confirmed(people, a),
            upheld=True,
            reasons="remote area",
            network_code=NEW_CODE,
        ),
        Action.DISMISS_APPEAL: lambda a: services.decide_appeal(
            people.commissioner, a, upheld=False, reasons="too small"
        ),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("state", list(State))
def test_every_action_from_every_state(people: SimpleNamespace, state: State) -> None:
    """Each action allowed from ``state`` reaches the declared state through its
    service; every other is refused with :class:`IllegalTransition` (saying the
    table's refusal, or for a decision on a decided round who decided it), and
    leaves the application as it was."""
    app = _in_state(people, state)
    assert app.state == state
    steps = _steps(people)
    assert set(steps) == set(Action)
    for action, step in steps.items():
        for person in vars(people).values():
            forget_scope(person)  # an approval gives the applicant a role
        try:
            with transaction.atomic():
                declared = transitions.TRANSITIONS.get((state, action))
                if declared is None:
                    with pytest.raises(IllegalTransition) as refused:
                        step(_fresh(app))
                    error = refused.value
                    assert (error.state, error.action) == (state, action), action
                    if isinstance(error, transitions.ActedOnFirst):
                        assert action in transitions.CONFLICTS or (
                            "already decided by commissioner" in str(error)
                        ), action
                    else:
                        assert str(error) == str(transitions.refused(state, action))
                    assert _fresh(app).state == state, action
                else:
                    step(_fresh(app))
                    assert _fresh(app).state == declared, action
                raise _Undo
        except _Undo:
            pass


# --- what the pages and the API offer ------------------------------------------------


#: How the application's page offers each action.
PAGE_OFFERS: dict[Action, str] = {
    Action.SUBMIT: r'action="/applications/{ref}/submit/"',
    Action.CHANGE: r'href="/applications/{ref}/change/"',
    Action.WITHDRAW: r'action="/applications/{ref}/withdraw/"',
    Action.CONFIRM: r">Confirm for Z93030<",
    Action.RECORD_CONFIRMATION: r"Record a confirmation received another way",
    Action.APPEAL: r'href="/applications/{ref}/appeal/"',
}
#: One button leads to the decision's page, which offers every outcome.
DECIDE = r'href="/applications/{ref}/decide/"'
DECIDE_APPEAL = r'href="/applications/{ref}/appeal/decide/"'


def _offered_on_page(client: Client, app: Application) -> set[Action]:
    html = client.get(f"/applications/{app.reference}/").content.decode()
    offered = {
        action
        for action, pattern in PAGE_OFFERS.items()
        if re.search(pattern.format(ref=app.reference), html)
    }
    if re.search(DECIDE.format(ref=app.reference), html):
        offered |= set(transitions.DECISIONS.values())
    if re.search(DECIDE_APPEAL.format(ref=app.reference), html):
        offered |= set(transitions.APPEAL_DECISIONS.values())
    return offered


def _offered_by_api(client: Client, app: Application) -> set[Action]:
    body = json.loads(client.get(f"/api/applications/{app.reference}").content)
    return {Action(name) for name in body["actions"]}


@pytest.mark.django_db
def test_pages_and_api_offer_the_allowed_actions(people: SimpleNamespace) -> None:
    # Approved last: it writes Z93030 into the register.
    order = [
        State.DRAFT,
        State.SUBMITTED,
        State.REJECTED,
        State.APPEALED,
        State.WITHDRAWN,
        State.APPROVED,
    ]
    apps = {state: _in_state(people, state) for state in order}
    users = [people.manager, people.practice, people.commissioner, people.regional]
    seen: set[Action] = set()
    for state, app in apps.items():
        app = _fresh(app)
        for user in users:
            forget_scope(user)
            expected = services.allowed_actions(user, app)
            # Never more than the table and the user's permission allow.
            for action in expected:
                assert transitions.allows(state, action)
                assert allowed(user, transitions.permission(action), app)
            client = Client()
            client.force_login(user)
            who = f"{user.username} on a {state} application"
            assert _offered_on_page(client, app) == expected, who
            assert _offered_by_api(client, app) == expected, who
            seen |= expected
    # The walk met every action somewhere.
    assert seen == set(Action)
    # And what is offered for each state, by who:
    manager, practice = people.manager, people.practice
    commissioner = people.commissioner
    assert services.allowed_actions(manager, _fresh(apps[State.DRAFT])) == {
        Action.SUBMIT,
        Action.CHANGE,
        Action.WITHDRAW,
    }
    assert services.allowed_actions(practice, _fresh(apps[State.DRAFT])) == {
        Action.CONFIRM
    }
    assert services.allowed_actions(commissioner, _fresh(apps[State.SUBMITTED])) == {
        Action.RECORD_CONFIRMATION,
        Action.APPROVE,
        Action.APPROVE_WITH_CONDITIONS,
        Action.REJECT,
    }
    # An upheld appeal approves, so the practice may still confirm meanwhile.
    assert services.allowed_actions(practice, _fresh(apps[State.APPEALED])) == {
        Action.CONFIRM
    }
    assert services.allowed_actions(manager, _fresh(apps[State.REJECTED])) == {
        Action.CHANGE,
        Action.APPEAL,
    }
    for user in users:
        assert services.allowed_actions(user, _fresh(apps[State.WITHDRAWN])) == set()


@pytest.mark.django_db
def test_once_confirmed_there_is_nothing_to_confirm(people: SimpleNamespace) -> None:
    app = _in_state(people, State.SUBMITTED)
    services.confirm(people.practice, app, "Z93030")
    app = _fresh(app)
    assert services.allowed_actions(people.practice, app) == set()
    assert Action.RECORD_CONFIRMATION not in services.allowed_actions(
        people.commissioner, app
    )
    assert services.confirmable(people.practice, app) == set()


# --- who sees which application --------------------------------------------------


@pytest.mark.django_db
def test_visible_applications_is_the_view_permission(
    people: SimpleNamespace, make_user: Any
) -> None:
    apps = [_in_state(people, s) for s in (State.DRAFT, State.SUBMITTED)]
    other = services.create(
        people.director,
        services.Proposal(
            kind="clinical_director",
            commissioner="99Z",
            network="U99002",
            effective_from=registration().effective_from,
            details={
                "clinical_directors": [
                    {"name": "Dr B", "profession": "gp", "wte": "0.5"}
                ]
            },
            reason="the director retires",
        ),
    )
    apps.append(other)
    national = make_user("national", None, "national")
    everyone = [*vars(people).values(), national]
    for user in everyone:
        listed = set(services.visible_applications(user).values_list("pk", flat=True))
        permitted = {
            a.pk for a in apps if allowed(user, "workflow.view_application", a)
        }
        assert listed == permitted, user.username
    assert set(services.visible_applications(people.director)) == {other}
    assert not services.visible_applications(people.evaluator).exists()


# --- the commissioner's assignment ----------------------------------------------------


@pytest.mark.django_db
def test_assignment_checks_the_network_in_the_service(
    people: SimpleNamespace,
) -> None:
    day = registration().effective_from
    networks = {n.pcn_code for n in services.assignable_networks("99Z", day)}
    assert "U99012" in networks
    assert services.assignable_networks("", day) == []

    def assign(**changes: Any) -> Application:
        return services.assign_practice(
            people.commissioner,
            **(
                {
                    "practice": "Z93030",
                    "network": "U99012",
                    "commissioner": "99Z",
                    "effective_from": day,
                    "reason": "nearest network",
                }
                | changes
            ),
        )

    with pytest.raises(services.WorkflowError) as refused:
        assign(network="U88888")
    assert str(refused.value) == (
        "U88888 is not one of 99Z's networks open on 1 April 2022"
    )
    assert refused.value.field == "network"
    with pytest.raises(services.WorkflowError) as refused:
        assign(commissioner="")
    assert str(refused.value) == (
        "Z93030 has no commissioner in the register on 1 April 2022"
    )
    assert refused.value.field == "effective_from"
    with pytest.raises(PermissionDenied, match="overseeing the practice"):
        services.assign_practice(
            people.manager,
            practice="Z93030",
            network="U99012",
            commissioner="99Z",
            effective_from=day,
            reason="x",
        )
    assert not Application.objects.filter(kind="assignment").exists()
    application = assign()
    assert application.state == State.APPROVED
