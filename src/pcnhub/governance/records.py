"""The machinery every kind of governance record shares: describe, open, close,
replace, audit.

History is never rewritten: a change must start on or after the day the record
it replaces started. A change starting on that very day closes the old record on
its first day, so it never held, but it stays in the history. Every write runs
in one transaction with the network's row locked and appends one audit entry
naming the network (ADR 0004).
"""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

from django.db import transaction
from django.utils import timezone

from pcnhub.audit.services import Actor, record
from pcnhub.governance.models import GovernanceDocument, GovernanceRecord
from pcnhub.governance.validation import invalid, locked_network
from pcnhub.register import queries

R = TypeVar("R", bound=GovernanceRecord)

#: Shown instead of people's names to those who may not see personal data.
WITHHELD = "withheld (personal data)"

#: Keys of :func:`describe` that are personal data.
PERSONAL_KEYS = frozenset({"name", "recorded_by", "closed_by", "uploaded_by"})

#: The fields every record has; a kind's own fields are the others.
_COMMON = frozenset(f.name for f in GovernanceRecord._meta.get_fields())


def kind_fields(model: type[GovernanceRecord]) -> list[str]:
    """A kind's own fields, in the model's order.

    Read from the model, so that the audit trail, the API and the history
    describe a new kind without being told its fields again.
    """
    return [
        f.name
        for f in model._meta.concrete_fields
        if f.name not in _COMMON and not f.primary_key
    ]


def _describe_document(item: GovernanceDocument) -> dict[str, Any]:
    return {
        "id": item.pk,
        "network": item.network_id,
        "kind": item.kind,
        "title": item.title,
        "original_name": item.original_name,
        "content_type": item.content_type,
        "size": item.size,
        "sha256": item.sha256,
        "uploaded_at": item.uploaded_at,
        "uploaded_by": item.uploaded_by_label,
        "reason": item.reason,
        "agreement": item.agreement_id,
        "data_sharing": item.data_sharing_id,
        "superseded_by": item.superseded_by_id,
    }


def describe(item: GovernanceRecord | GovernanceDocument) -> dict[str, Any]:
    """A record's fields as plain values (people's names included).

    The audit trail, the API and the history all use this.
    """
    if isinstance(item, GovernanceDocument):
        return _describe_document(item)
    values: dict[str, Any] = {"id": item.pk, "network": item.network_id}
    values |= {name: getattr(item, name) for name in kind_fields(type(item))}
    return values | {
        "valid_from": item.valid_from,
        "valid_to": item.valid_to,
        "recorded_at": item.recorded_at,
        "recorded_by": item.recorded_by_label,
        "reason": item.reason,
        "application_ref": item.application_ref,
        "closed_at": item.closed_at,
        "closed_by": item.closed_by_label,
        "close_reason": item.close_reason,
        "close_application_ref": item.close_application_ref,
    }


def provenance(actor: Actor) -> dict[str, Any]:
    """Who recorded a record and when (a user, or a named system run)."""
    return {
        "recorded_by": actor.user,
        "recorded_by_system": actor.system if actor.user is None else "",
        "recorded_at": timezone.now(),
    }


def not_before(field: str, start: date, current: GovernanceRecord, what: str) -> None:
    """Refuse a change that would start before the record it replaces."""
    if start < current.valid_from:
        raise invalid(
            field,
            f"{what} cannot start on {start}: the record it replaces started on "
            f"{current.valid_from}, and history is not rewritten",
        )


def audit(
    actor: Actor,
    action: str,
    network: str,
    key: str,
    before: Any,
    after: Any,
    reason: str,
) -> None:
    """One audit entry about the network (its subject, so its viewers see it)."""
    record(
        actor,
        action,
        "governance",
        key,
        before=before,
        after=after,
        reason=reason,
        subjects=[network],
    )


def close(
    item: GovernanceRecord,
    on: date,
    actor: Actor | None = None,
    reason: str = "",
    application_ref: str = "",
) -> None:
    """Set ``valid_to``; with ``actor``, the record was ended by its own action."""
    item.valid_to = on
    changed = ["valid_to"]
    if actor is not None:
        item.closed_by = actor.user
        item.closed_by_system = actor.system if actor.user is None else ""
        item.closed_at = timezone.now()
        item.close_reason = reason
        item.close_application_ref = application_ref
        changed += [
            "closed_by",
            "closed_by_system",
            "closed_at",
            "close_reason",
            "close_application_ref",
        ]
    item.save(update_fields=changed)


def open_record(model: type[R], network: str) -> R | None:
    """The record of a one-at-a-time kind that holds from now on (not closed)."""
    return (
        model.objects.select_for_update()
        .filter(network_id=network, valid_to__isnull=True)
        .order_by("-valid_from", "-id")
        .first()
    )


def replace(
    actor: Actor,
    record_class: type[R],
    network: str,
    start: date,
    reason: str,
    application_ref: str,
    action: str,
    what: str,
    /,
    **values: Any,
) -> R:
    """Close the current record of a one-at-a-time kind at ``start``, open the next."""
    with transaction.atomic():
        org = locked_network(network)
        current = open_record(record_class, org.code)
        if current is not None:
            not_before("start", start, current, what)
            before = describe(current)
            close(current, start)
        else:
            before = None
        new = record_class(
            network=org,
            valid_from=start,
            reason=reason,
            application_ref=application_ref,
            **provenance(actor),
            **values,
        )
        new.save()
        audit(
            actor,
            action,
            org.code,
            f"{record_class.__name__}:{new.pk}",
            before,
            describe(new),
            reason,
        )
    return new


def holding_on(model: type[R], network: str, day: date) -> list[R]:
    """The network's records of one kind that hold on ``day``, oldest first."""
    return list(
        queries.holding_on(model.objects.filter(network_id=network), day)
        .select_related("recorded_by", "closed_by")
        .order_by("valid_from", "id")
    )
