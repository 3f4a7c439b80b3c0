"""The application workflow as a declared state machine.

:data:`TRANSITIONS` is the one table of which action may be taken from which
state, and the state it leads to; :data:`PERMISSIONS` says who may take each
action (a permission of :mod:`pcnhub.access.permissions`, asked through
:func:`pcnhub.access.checks.allowed`). The services take every state change from
here (:func:`next_state`), and the pages and the API offer what
:func:`pcnhub.workflow.services.allowed_actions` derives from it, so what is
offered and what is accepted cannot drift apart.

Pure data and small pure functions: nothing here reads the database or the
user. Two steps make an application rather than move one, so they are not rows:
:func:`~pcnhub.workflow.services.create` starts a draft (:data:`START`), and the
commissioner's :func:`~pcnhub.workflow.services.assign_practice` starts an
application submitted and takes :attr:`Action.APPROVE` at once (its permission is
``workflow.assign_practice``: the commissioner is both its applicant and its
decider).

Confirming a practice leaves the state as it is: it is a row (to the same state)
so that the states it may be taken in are declared with the rest.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum

from pcnhub.access.permissions import Permission
from pcnhub.workflow.errors import Conflict, WorkflowError
from pcnhub.workflow.models import State


class Action(StrEnum):
    """What someone can do to an application (in the API: ``actions``)."""

    SUBMIT = "submit"
    CHANGE = "change"
    WITHDRAW = "withdraw"
    CONFIRM = "confirm"
    RECORD_CONFIRMATION = "record_confirmation"
    APPROVE = "approve"
    APPROVE_WITH_CONDITIONS = "approve_with_conditions"
    REJECT = "reject"
    APPEAL = "appeal"
    UPHOLD_APPEAL = "uphold_appeal"
    DISMISS_APPEAL = "dismiss_appeal"


#: The state an application is made in by ``create``.
START = State.DRAFT

#: (state, action) → the state the action leads to. Anything not here is refused.
TRANSITIONS: Mapping[tuple[State, Action], State] = {
    (State.DRAFT, Action.SUBMIT): State.SUBMITTED,
    (State.DRAFT, Action.CHANGE): State.DRAFT,
    (State.SUBMITTED, Action.CHANGE): State.DRAFT,
    (State.REJECTED, Action.CHANGE): State.DRAFT,
    (State.DRAFT, Action.WITHDRAW): State.WITHDRAWN,
    (State.SUBMITTED, Action.WITHDRAW): State.WITHDRAWN,
    # An upheld appeal approves, so a practice may still confirm while it waits.
    (State.DRAFT, Action.CONFIRM): State.DRAFT,
    (State.SUBMITTED, Action.CONFIRM): State.SUBMITTED,
    (State.APPEALED, Action.CONFIRM): State.APPEALED,
    (State.DRAFT, Action.RECORD_CONFIRMATION): State.DRAFT,
    (State.SUBMITTED, Action.RECORD_CONFIRMATION): State.SUBMITTED,
    (State.APPEALED, Action.RECORD_CONFIRMATION): State.APPEALED,
    (State.SUBMITTED, Action.APPROVE): State.APPROVED,
    (State.SUBMITTED, Action.APPROVE_WITH_CONDITIONS): State.APPROVED_WITH_CONDITIONS,
    (State.SUBMITTED, Action.REJECT): State.REJECTED,
    (State.REJECTED, Action.APPEAL): State.APPEALED,
    (State.APPEALED, Action.UPHOLD_APPEAL): State.APPROVED,
    (State.APPEALED, Action.DISMISS_APPEAL): State.REJECTED,
}

#: Who may take each action: the permission asked (with the application).
PERMISSIONS: Mapping[Action, Permission] = {
    Action.SUBMIT: Permission.CHANGE_APPLICATION,
    Action.CHANGE: Permission.CHANGE_APPLICATION,
    Action.WITHDRAW: Permission.CHANGE_APPLICATION,
    Action.CONFIRM: Permission.CONFIRM_MEMBERSHIP,
    Action.RECORD_CONFIRMATION: Permission.DECIDE_APPLICATION,
    Action.APPROVE: Permission.DECIDE_APPLICATION,
    Action.APPROVE_WITH_CONDITIONS: Permission.DECIDE_APPLICATION,
    Action.REJECT: Permission.DECIDE_APPLICATION,
    Action.APPEAL: Permission.CHANGE_APPLICATION,
    Action.UPHOLD_APPEAL: Permission.DECIDE_APPLICATION,
    Action.DISMISS_APPEAL: Permission.DECIDE_APPLICATION,
}

#: The holders of each permission, in words (for docs/applications.md).
WHO: Mapping[Permission, str] = {
    Permission.CHANGE_APPLICATION: "the applicant",
    Permission.CONFIRM_MEMBERSHIP: "the named practice's manager",
    Permission.DECIDE_APPLICATION: (
        "the overseeing commissioner, regional team or national analyst, not the "
        "applicant nor an administrator"
    ),
}

#: What a refused action says; ``{state}`` is the state's value, ``{label}`` its
#: label in lower case.
REFUSALS: Mapping[Action, str] = {
    Action.SUBMIT: "only a draft can be submitted (this one is {state})",
    Action.CHANGE: "a {label} application cannot be changed",
    Action.WITHDRAW: "only a draft or submitted application can be withdrawn",
    Action.CONFIRM: "this application is no longer open",
    Action.RECORD_CONFIRMATION: "this application is no longer open",
    Action.APPROVE: "only a submitted application can be decided (this one is {state})",
    Action.APPROVE_WITH_CONDITIONS: (
        "only a submitted application can be decided (this one is {state})"
    ),
    Action.REJECT: "only a submitted application can be decided (this one is {state})",
    Action.APPEAL: "only a rejected application can be appealed",
    Action.UPHOLD_APPEAL: "this appeal has already been decided, or there is none open",
    Action.DISMISS_APPEAL: (
        "this appeal has already been decided, or there is none open"
    ),
}

#: Refused most likely because someone else acted first (HTTP 409): an appeal
#: is decided once, so a second decision finds it no longer appealed.
CONFLICTS: frozenset[Action] = frozenset({Action.UPHOLD_APPEAL, Action.DISMISS_APPEAL})

#: The commissioner's decision (``Decision.Outcome``) → its action.
DECISIONS: Mapping[str, Action] = {
    "approved": Action.APPROVE,
    "approved_with_conditions": Action.APPROVE_WITH_CONDITIONS,
    "rejected": Action.REJECT,
}
#: An appeal's decision (upheld or not) → its action.
APPEAL_DECISIONS: Mapping[bool, Action] = {
    True: Action.UPHOLD_APPEAL,
    False: Action.DISMISS_APPEAL,
}


class IllegalTransition(WorkflowError):
    """``action`` cannot be taken from ``state`` (the table has no such row)."""

    def __init__(self, state: str, action: Action, message: str = "") -> None:
        label = dict(State.choices).get(state, state).lower()
        super().__init__(message or REFUSALS[action].format(state=state, label=label))
        self.state = state
        self.action = action


class ActedOnFirst(IllegalTransition, Conflict):
    """An illegal transition that means someone else moved the application on
    (HTTP 409); ``message`` may say who, when the services know."""


def refused(state: str, action: Action) -> IllegalTransition:
    """The error for taking ``action`` from ``state`` when it may not be taken."""
    return (ActedOnFirst if action in CONFLICTS else IllegalTransition)(state, action)


def allows(state: str, action: Action) -> bool:
    return (state, action) in TRANSITIONS


def next_state(state: str, action: Action) -> State:
    """The state ``action`` leads to from ``state``; :class:`IllegalTransition`
    (:class:`ActedOnFirst` for an appeal's decision) when the table has no row."""
    try:
        return TRANSITIONS[(State(state), action)]
    except (KeyError, ValueError):
        raise refused(state, action) from None


def require_any(state: str, actions: Iterable[Action]) -> None:
    """Refuse unless one of ``actions`` may be taken from ``state`` (a step, such
    as a decision, whose action is known only once its input is checked)."""
    wanted = list(actions)
    if not any(allows(state, action) for action in wanted):
        raise refused(state, wanted[0])


def actions_available(state: str) -> list[Action]:
    """The actions the table allows from ``state``, in :class:`Action` order."""
    return [action for action in Action if allows(state, action)]


def permission(action: Action) -> str:
    return PERMISSIONS[action]


def markdown_table() -> str:
    """The table as docs/applications.md shows it (a test holds them equal)."""
    lines = [
        "| from | action | to | who may take it |",
        "|---|---|---|---|",
    ]
    for action in Action:
        for (state, step), target in TRANSITIONS.items():
            if step != action:
                continue
            perm = PERMISSIONS[action]
            lines.append(
                f"| `{state}` | `{action}` | `{target}` | {WHO[perm]} (`{perm}`) |"
            )
    return "\n".join(lines) + "\n"
