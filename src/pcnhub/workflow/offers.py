"""What a user may do to an application now (:func:`allowed_actions`, what the
pages and the API offer) and which applications they see; with the reads those
need (:func:`unconfirmed`, :func:`latest_checks`). Part of
:mod:`pcnhub.workflow.services`.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Max, Q, QuerySet

from pcnhub.access.checks import allowed
from pcnhub.access.roles import Role
from pcnhub.access.scope import scope_of
from pcnhub.workflow import transitions
from pcnhub.workflow.models import Application, CheckRun
from pcnhub.workflow.transitions import Action


def unconfirmed(application: Application) -> list[str]:
    return [p.practice_id for p in application.practices.all() if not p.confirmed_at]


def confirmable(user: Any, application: Application) -> set[str]:
    """The named practices still to confirm that ``user`` manages, when the
    application's state lets them confirm (the page's *Confirm for* buttons)."""
    if not transitions.allows(application.state, Action.CONFIRM):
        return set()
    own = scope_of(user).held_for(Role.PRACTICE_MANAGER)
    return set(unconfirmed(application)) & own


def allowed_actions(user: Any, application: Application) -> frozenset[Action]:
    """What ``user`` may do to ``application`` now: the actions the table allows
    from its state, that the user's permission allows, less the confirmations
    with nothing to confirm (:attr:`Action.CONFIRM` needs a practice of the
    user's own still to confirm). The pages and the API offer exactly these.

    A decision is offered whatever the checks found: the step itself refuses an
    approval with the reason (a practice still to confirm, a breach), which the
    decision's page shows.
    """
    granted: dict[str, bool] = {}
    found: set[Action] = set()
    for action in transitions.actions_available(application.state):
        name = transitions.permission(action)
        if name not in granted:
            granted[name] = allowed(user, name, application)
        if not granted[name]:
            continue
        if action == Action.CONFIRM and not confirmable(user, application):
            continue
        if action == Action.RECORD_CONFIRMATION and not unconfirmed(application):
            continue
        found.add(action)
    return frozenset(found)


def visible_applications(user: Any) -> QuerySet[Application]:
    """The applications ``user`` may view, as one query: the query form of
    ``workflow.view_application`` (the applicant, the submitter, the overseer
    and a named practice's manager; never an evaluator alone)."""
    scope = scope_of(user)
    if scope.roles == {Role.EVALUATOR} or not scope.held:
        return Application.objects.none()
    if scope.has(Role.NATIONAL):
        query = Q()
    else:
        query = (
            Q(submitted_by=user)
            | Q(commissioner_id__in=scope.overseen)
            | Q(network_id__in=scope.acts_for_networks)
            | Q(practices__practice_id__in=scope.held_for(Role.PRACTICE_MANAGER))
        )
    ids = Application.objects.filter(query).values("pk")
    return (
        Application.objects.filter(pk__in=ids)
        .annotate(
            submitted_at=Max("events__at", filter=Q(events__action="submitted")),
            decided_at=Max("decisions__decided_at"),
        )
        .select_related("submitted_by")
        .prefetch_related("practices", "check_runs")
    )


def latest_checks(application: Application) -> CheckRun | None:
    """The checks of the latest round (reads prefetched runs when there are any)."""
    runs = list(application.check_runs.all())
    return max(runs, key=lambda r: (r.round, r.ran_at, r.pk)) if runs else None
