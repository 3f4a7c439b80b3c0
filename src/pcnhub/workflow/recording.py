"""What every step of :mod:`pcnhub.workflow.services` writes and takes: the
application's version and event, its audit entry (:func:`summary` is the
content of both), and the lock on its row.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import F
from django.utils import timezone

from pcnhub.audit.services import Actor, jsonable, record
from pcnhub.workflow.errors import Conflict
from pcnhub.workflow.models import Application, ApplicationEvent, ApplicationVersion


def _actor(user: Any) -> Actor:
    return Actor(user=user)


def _event(application: Application, user: Any, action: str, text: str = "") -> None:
    ApplicationVersion.objects.get_or_create(
        application=application,
        version=application.version,
        defaults={
            "content": jsonable(summary(application)),
            "at": timezone.now(),
            "by": user,
        },
    )
    ApplicationEvent.objects.create(
        application=application,
        at=timezone.now(),
        by=user,
        action=action,
        state=application.state,
        round=application.round,
        text=text,
    )


def _subjects(application: Application) -> list[str]:
    codes = [application.commissioner_id, application.network_id or ""]
    codes += application.practice_codes()
    absorbed = (application.details or {}).get("absorbed_network")
    return [c for c in codes + [absorbed or ""] if c]


def _audit(
    user: Any,
    application: Application,
    action: str,
    reason: str = "",
    before: Any = None,
) -> None:
    record(
        _actor(user),
        action,
        "application",
        application.reference,
        before=before,
        after=summary(application),
        reason=reason,
        subjects=_subjects(application),
    )


def summary(application: Application) -> dict[str, Any]:
    return {
        "kind": application.kind,
        "state": application.state,
        "round": application.round,
        "version": application.version,
        "commissioner": application.commissioner_id,
        "network": application.network_id,
        "effective_from": application.effective_from,
        "notice_given_on": application.notice_given_on,
        "practices": [
            [p.practice_id, p.change, bool(p.confirmed_at)]
            for p in application.practices.all()
        ],
        "details": application.details,
        "reason": application.reason,
    }


def _locked(
    application: Application, expected_version: int | None = None
) -> Application:
    """The application's row, locked for this transaction.

    PostgreSQL locks the row. SQLite has no row locks: a write as the
    transaction's first statement takes the database's write lock, so a second
    writer waits here (up to the connection's timeout) and then reads what the
    first one wrote, instead of failing later with "database is locked".
    """
    if connection.vendor == "sqlite":
        Application.objects.filter(pk=application.pk).update(version=F("version"))
    fresh = Application.objects.select_for_update().get(pk=application.pk)
    if expected_version is not None and fresh.version != expected_version:
        raise Conflict(
            "This application was changed by someone else since you opened it "
            f"(it is now at version {fresh.version}). Reload the page and check "
            "the changes before you try again."
        )
    return fresh
