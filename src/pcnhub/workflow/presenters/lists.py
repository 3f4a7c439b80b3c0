"""The applications page: the review queue's sections, their tables, the state
filter and the CSV download."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone
from markupsafe import Markup

from pcnhub.access.scope import scope_of
from pcnhub.register import queries
from pcnhub.ui.formatting import fmt_date
from pcnhub.workflow.models import APPROVED_STATES, Application, State
from pcnhub.workflow.presenters.common import (
    Table,
    application_url,
    days_waiting,
    is_overseer,
    org_link,
    outcome_tag,
    state_tag,
    waiting_for,
    worst_check,
    worst_outcome,
)
from pcnhub.workflow.services import latest_checks

DECIDED_STATES = (*APPROVED_STATES, State.REJECTED)
RECENT_DAYS = 90

CSV_COLUMNS = [
    "reference",
    "kind",
    "state",
    "commissioner_code",
    "network_code",
    "practices",
    "effective_from",
    "submitted_on",
    "days_waiting",
    "worst_check",
    "waiting_for",
]


def csv_row(application: Application, today: date, user: Any) -> dict[str, Any]:
    submitted = getattr(application, "submitted_at", None)
    waited = days_waiting(application, today)
    return {
        "reference": application.reference,
        "kind": application.kind,
        "state": application.state,
        "commissioner_code": application.commissioner_id,
        "network_code": application.network_id or "",
        "practices": " ".join(application.practice_codes()),
        "effective_from": application.effective_from.isoformat(),
        "submitted_on": (
            timezone.localtime(submitted).date().isoformat() if submitted else ""
        ),
        "days_waiting": "" if waited is None else waited,
        "worst_check": worst_check(user, application),
        "waiting_for": waiting_for(application),
    }


# --- the review queue ----------------------------------------------------------------


def _network_cell(application: Application, names: dict[str, str]) -> Any:
    if application.network_id:
        return {"html": org_link(application.network_id, names)}
    new = (application.details or {}).get("network_name", "")
    return f"New: {new}" if new else "New network"


def _ref_cell(application: Application) -> dict[str, Any]:
    return {
        "html": Markup('<a class="nhsuk-link" href="{}">{}</a>').format(
            application_url(application), application.reference
        )
    }


def _check_cell(application: Application) -> Any:
    run = latest_checks(application)
    if run is None:
        return "Not run yet"
    worst = worst_outcome(run.findings)
    return {"html": outcome_tag(worst)} if worst else "No findings"


def queue_table(
    applications: Sequence[Application], caption: str, today: date
) -> Table:
    """The overseer's table: oldest first, with the days waited and worst check."""
    names = queries.latest_names(
        {a.network_id for a in applications if a.network_id}
        | {c for a in applications for c in a.practice_codes()}
    )
    rows = []
    for application in applications:
        waited = days_waiting(application, today)
        rows.append(
            [
                _ref_cell(application),
                application.get_kind_display(),
                _network_cell(application, names),
                ", ".join(application.practice_codes()) or "None",
                fmt_date(application.effective_from),
                {"text": "" if waited is None else str(waited), "format": "numeric"},
                _check_cell(application),
            ]
        )
    return {
        "caption": caption,
        "responsive": True,
        "head": [
            {"text": "Application"},
            {"text": "Kind"},
            {"text": "Network"},
            {"text": "Practices"},
            {"text": "Takes effect"},
            {"text": "Days waiting", "format": "numeric"},
            {"text": "Worst check"},
        ],
        "rows": rows,
    }


def decided_table(applications: Sequence[Application], caption: str) -> Table:
    names = queries.latest_names({a.network_id for a in applications if a.network_id})
    rows = [
        [
            _ref_cell(application),
            application.get_kind_display(),
            _network_cell(application, names),
            {"html": state_tag(application.state)},
            fmt_date(
                timezone.localtime(application.decided_at).date()
                if getattr(application, "decided_at", None)
                else None
            ),
            fmt_date(application.effective_from),
        ]
        for application in applications
    ]
    return {
        "caption": caption,
        "responsive": True,
        "head": [
            {"text": "Application"},
            {"text": "Kind"},
            {"text": "Network"},
            {"text": "Outcome"},
            {"text": "Decided on"},
            {"text": "Takes effect"},
        ],
        "rows": rows,
    }


def mine_table(applications: Sequence[Application], caption: str) -> Table:
    """An applicant's table: state and what the application is waiting for."""
    names = queries.latest_names({a.network_id for a in applications if a.network_id})
    rows = [
        [
            _ref_cell(application),
            application.get_kind_display(),
            _network_cell(application, names),
            {"html": state_tag(application.state)},
            waiting_for(application),
            fmt_date(application.effective_from),
        ]
        for application in applications
    ]
    return {
        "caption": caption,
        "responsive": True,
        "head": [
            {"text": "Application"},
            {"text": "Kind"},
            {"text": "Network"},
            {"text": "State"},
            {"text": "Waiting for"},
            {"text": "Takes effect"},
        ],
        "rows": rows,
    }


@dataclass
class Queue:
    """The sections of the applications page for one user."""

    waiting: list[Application]
    appealed: list[Application]
    decided: list[Application]
    mine: list[Application]
    overseer: bool


def queue(user: Any, applications: Sequence[Application], today: date) -> Queue:
    scope = scope_of(user)
    overseen = [a for a in applications if scope.oversees(a.commissioner_id)]
    own = [a for a in applications if not scope.oversees(a.commissioner_id)]

    def _submitted(a: Application) -> datetime:
        return getattr(a, "submitted_at", None) or a.updated_at

    waiting = sorted(
        (a for a in overseen if a.state == State.SUBMITTED), key=_submitted
    )
    appealed = sorted(
        (a for a in overseen if a.state == State.APPEALED), key=_submitted
    )
    since = timezone.now() - timedelta(days=RECENT_DAYS)
    decided = sorted(
        (
            a
            for a in overseen
            if a.state in DECIDED_STATES
            and getattr(a, "decided_at", None)
            and a.decided_at >= since
        ),
        key=lambda a: a.decided_at,
        reverse=True,
    )
    mine = sorted(own, key=lambda a: a.created_at, reverse=True)
    return Queue(waiting, appealed, decided, mine, is_overseer(user))


def state_options(chosen: str | None) -> list[dict[str, Any]]:
    return [{"value": "", "text": "Every state", "selected": not chosen}] + [
        {"value": value, "text": label, "selected": value == chosen}
        for value, label in State.choices
    ]
