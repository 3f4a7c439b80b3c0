"""The application workflow: the one way to create, submit, confirm, decide,
withdraw and appeal. Every step checks the user's permission, writes an
:class:`ApplicationEvent` and an audit entry, and runs in one transaction.
Every state change is taken from the declared table in
:mod:`pcnhub.workflow.transitions`; :func:`allowed_actions` says what a user may
do now (the pages and the API offer that and nothing else).

States (the table, drawn)::

    draft ──submit──► submitted ──decide──► approved | approved with conditions
      ▲                  │  │                  └─► (register and governance written)
      └────── change ────┘  └──decide──► rejected ──change+submit──► submitted
                                             └──appeal──► appealed ──uphold──► approved
                                                                  └─dismiss──► rejected
    draft | submitted ──withdraw──► withdrawn

The steps live in focused modules, and this module is the one to import them
from: :mod:`~pcnhub.workflow.validation` (the :class:`Proposal` and its checks),
:mod:`~pcnhub.workflow.recording` (events, audit entries, the row lock),
:mod:`~pcnhub.workflow.lifecycle` (the applicant's steps),
:mod:`~pcnhub.workflow.deciding` (decisions and appeals),
:mod:`~pcnhub.workflow.assigning` (the commissioner's assignment) and
:mod:`~pcnhub.workflow.offers` (what a user may do and see).
"""

from __future__ import annotations

from pcnhub.workflow.assigning import assign_practice, assignable_networks
from pcnhub.workflow.deciding import NETWORK_CODE, decide, decide_appeal
from pcnhub.workflow.errors import Conflict, InvalidInput, WorkflowError
from pcnhub.workflow.lifecycle import (
    change,
    confirm,
    create,
    lodge_appeal,
    preview,
    submit,
    withdraw,
)
from pcnhub.workflow.offers import (
    allowed_actions,
    confirmable,
    latest_checks,
    unconfirmed,
    visible_applications,
)
from pcnhub.workflow.recording import summary
from pcnhub.workflow.validation import DECISION_TEXT_LIMIT, Proposal

__all__ = [
    "DECISION_TEXT_LIMIT",
    "NETWORK_CODE",
    "Conflict",
    "InvalidInput",
    "Proposal",
    "WorkflowError",
    "allowed_actions",
    "assign_practice",
    "assignable_networks",
    "change",
    "confirm",
    "confirmable",
    "create",
    "decide",
    "decide_appeal",
    "latest_checks",
    "lodge_appeal",
    "preview",
    "submit",
    "summary",
    "unconfirmed",
    "visible_applications",
    "withdraw",
]
