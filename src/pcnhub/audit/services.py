"""The one way to write the audit trail.

Every entry names who acted (a user, or a named system run such as an import)
and is chained to the previous entry by a SHA-256 hash over its content, so that
an edit made outside the application is detectable (:func:`verify`).
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.utils import timezone

from pcnhub.audit.models import AuditEntry, AuditSubject

GENESIS = "0" * 64


class AnonymousWrite(ValueError):
    """Raised when something tries to write without saying who acted."""


@dataclass(frozen=True)
class Actor:
    user: AbstractBaseUser | None = None
    system: str = ""

    def __post_init__(self) -> None:
        if self.user is None and not self.system:
            raise AnonymousWrite("every change needs a user or a named system run")

    @property
    def label(self) -> str:
        return self.user.get_username() if self.user is not None else self.system


def _digest(entry: AuditEntry, subjects: list[str]) -> str:
    content = {
        "at": entry.at.isoformat(),
        "actor": entry.actor_id,
        "system_actor": entry.system_actor,
        "action": entry.action,
        "entity_type": entry.entity_type,
        "entity_key": entry.entity_key,
        "before": entry.before,
        "after": entry.after,
        "reason": entry.reason,
        "previous_hash": entry.previous_hash,
    }
    if subjects:
        # Only entries that name subjects hash them, so older chains still verify.
        content["subjects"] = subjects
    encoded = json.dumps(content, sort_keys=True, default=str).encode()
    return hashlib.sha256(encoded).hexdigest()


def _lock_chain() -> None:
    # Writers must append one at a time or two entries would share a parent.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(727001)")


def record(
    actor: Actor,
    action: str,
    entity_type: str,
    entity_key: str = "",
    *,
    before: Any = None,
    after: Any = None,
    reason: str = "",
    subjects: Iterable[str] = (),
) -> AuditEntry:
    """Append one entry: who acted, what, on what, before and after, and why.

    ``subjects`` are the organisation codes the entry concerns; they decide who
    may see it in the audit trail.
    """
    codes = sorted({code for code in subjects if code})
    with transaction.atomic():
        _lock_chain()
        last = AuditEntry.objects.order_by("-id").only("entry_hash").first()
        entry = AuditEntry(
            at=timezone.now(),
            actor=actor.user,
            system_actor=actor.system if actor.user is None else "",
            action=action,
            entity_type=entity_type,
            entity_key=entity_key,
            before=jsonable(before),
            after=jsonable(after),
            reason=reason,
            previous_hash=last.entry_hash if last else GENESIS,
        )
        entry.entry_hash = _digest(entry, codes)
        entry.save(force_insert=True)
        AuditSubject.objects.bulk_create(
            AuditSubject(entry=entry, code=code) for code in codes
        )
        return entry


def jsonable(value: Any) -> Any:
    """``value`` as JSON would give it back (dates and decimals as text)."""
    return None if value is None else json.loads(json.dumps(value, default=str))


@dataclass(frozen=True)
class VerifyResult:
    checked: int
    first_bad_id: int | None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.first_bad_id is None


def verify() -> VerifyResult:
    """Walk the chain from the start; report the first entry that does not fit."""
    previous = GENESIS
    checked = 0
    subjects: dict[int, list[str]] = defaultdict(list)
    for entry_id, code in AuditSubject.objects.order_by("entry_id", "code").values_list(
        "entry_id", "code"
    ):
        subjects[entry_id].append(code)
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        if entry.previous_hash != previous:
            return VerifyResult(checked, entry.id, "does not follow the entry before")
        if _digest(entry, subjects.get(entry.id, [])) != entry.entry_hash:
            return VerifyResult(checked, entry.id, "content does not match its hash")
        previous = entry.entry_hash
        checked += 1
    return VerifyResult(checked, None)
