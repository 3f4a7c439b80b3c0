"""The one way to write the audit trail.

Every entry names who acted (a user, by id and by the username they had then, or
a named system run such as an import) and is chained to the previous entry by a
SHA-256 hash over its content, so that an edit made outside the application is
detectable (:func:`verify`). Each append logs the trail's checkpoint, which
anchors its end (:mod:`pcnhub.audit.checkpoints`).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.db.models import Count, F
from django.utils import timezone

from pcnhub.audit.checkpoints import Checkpoint
from pcnhub.audit.models import AuditEntry, AuditSubject

GENESIS = "0" * 64
#: The hash version :func:`record` writes (see :func:`digest`).
HASH_VERSION = 2
#: Who wrote the entry vouching for version-1 entries' usernames (migration 0004).
ATTESTER = "migration audit.0004"
ATTESTATION = "attest actor names"

checkpoint_log = logging.getLogger("pcnhub.audit.checkpoint")


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


def digest(entry: AuditEntry, subjects: list[str]) -> str:
    """The SHA-256 of an entry's content as its ``hash_version`` defines it.

    Version 1 (entries written before 2026-12) hashes the acting user by id only;
    version 2 also hashes their username then, and the entry's position. A
    version, once used, never changes: old chains must keep verifying.
    """
    content: dict[str, Any] = {
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
    if entry.hash_version != 1:
        content["hash_version"] = entry.hash_version
        content["actor_username"] = entry.actor_username
        content["position"] = entry.position
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
        last = AuditEntry.objects.order_by("-id").only("entry_hash", "position").first()
        entry = AuditEntry(
            at=timezone.now(),
            actor=actor.user,
            actor_username=actor.user.get_username() if actor.user else "",
            system_actor=actor.system if actor.user is None else "",
            action=action,
            entity_type=entity_type,
            entity_key=entity_key,
            before=jsonable(before),
            after=jsonable(after),
            reason=reason,
            previous_hash=last.entry_hash if last else GENESIS,
            position=last.position + 1 if last else 1,
            hash_version=HASH_VERSION,
        )
        entry.entry_hash = digest(entry, codes)
        entry.save(force_insert=True)
        AuditSubject.objects.bulk_create(
            AuditSubject(entry=entry, code=code) for code in codes
        )
        _log_checkpoint(Checkpoint(entry.entry_hash, entry.position))
        return entry


def _log_checkpoint(checkpoint: Checkpoint) -> None:
    # Only once committed: a checkpoint of an entry rolled back would later look
    # like a cut trail.
    transaction.on_commit(
        lambda: checkpoint_log.info("audit checkpoint %s", checkpoint)
    )


def jsonable(value: Any) -> Any:
    """``value`` as JSON would give it back (dates and decimals as text)."""
    return None if value is None else json.loads(json.dumps(value, default=str))


# --- verification ------------------------------------------------------------------

#: What the register holds only by way of audited changes: any of them with an
#: empty trail means the trail was emptied.
RECORDED = (
    ("register", "Organisation", "organisations"),
    ("register", "ImportRun", "import runs"),
    ("workflow", "Application", "applications"),
    ("access", "RoleAssignment", "role assignments"),
)


@dataclass(frozen=True)
class VerifyResult:
    """What :func:`verify` found: ``problem`` is empty when the trail is intact.

    ``checked`` and ``head`` describe the intact part walked (all of it when
    ``ok``); ``notices`` are findings that do not break the trail (renamed users).
    """

    checked: int
    first_bad_id: int | None = None
    problem: str = ""
    head: str = GENESIS
    notices: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problem

    @property
    def checkpoint(self) -> Checkpoint:
        return Checkpoint(self.head, self.checked)


@dataclass
class _Walk:
    """The chain walked so far, and what the later checks need from it."""

    mark: int | None
    checked: int = 0
    head: str = GENESIS
    at_mark: AuditEntry | None = None
    v1_names: dict[tuple[int, str], int] = field(default_factory=dict)
    attested: dict[str, str] | None = None


def verify(expect: Checkpoint | None = None) -> VerifyResult:
    """Check the trail, and that it extends ``expect`` (an earlier checkpoint).

    Walks the chain from the start and reports the first entry that does not
    fit; then that version-1 entries' names are the attested ones, that an
    empty trail goes with an empty register, and that ``expect``'s head is still
    at its position.
    """
    walk = _Walk(mark=expect.count if expect else None)
    bad_id, problem = _walk(walk)
    if not problem:
        bad_id, problem = _v1_names_problem(walk)
    if not problem:
        problem = _emptied_problem(walk.checked)
    if not problem and expect is not None:
        problem = _expect_problem(walk, expect)
    notices = () if problem else tuple(_renamed_notices())
    return VerifyResult(walk.checked, bad_id, problem, walk.head, notices)


def _subjects_by_entry() -> dict[int, list[str]]:
    subjects: dict[int, list[str]] = defaultdict(list)
    rows = AuditSubject.objects.order_by("entry_id", "code")
    for entry_id, code in rows.values_list("entry_id", "code"):
        subjects[entry_id].append(code)
    return subjects


def _walk(walk: _Walk) -> tuple[int | None, str]:
    subjects = _subjects_by_entry()
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        problem = _misfit(entry, walk, subjects.get(entry.id, []))
        if problem:
            return entry.id, problem
        walk.checked += 1
        walk.head = entry.entry_hash
        if walk.checked == walk.mark:
            walk.at_mark = entry
        _note_names(entry, walk)
    return None, ""


def _misfit(entry: AuditEntry, walk: _Walk, subjects: list[str]) -> str:
    if entry.previous_hash != walk.head:
        return "does not follow the entry before"
    if entry.position != walk.checked + 1:
        return (
            f"it is numbered {entry.position}, but it is entry number "
            f"{walk.checked + 1} of the chain"
        )
    if digest(entry, subjects) != entry.entry_hash:
        return "content does not match its hash"
    return ""


def _note_names(entry: AuditEntry, walk: _Walk) -> None:
    if entry.hash_version == 1:
        if entry.actor_id is not None:
            walk.v1_names.setdefault((entry.actor_id, entry.actor_username), entry.id)
    elif walk.attested is None and (entry.system_actor, entry.action) == (
        ATTESTER,
        ATTESTATION,
    ):
        walk.attested = dict((entry.after or {}).get("actor_usernames", {}))


def _v1_names_problem(walk: _Walk) -> tuple[int | None, str]:
    """Version-1 entries do not hash the actor's name: the attestation must."""
    for (actor_id, name), entry_id in sorted(
        walk.v1_names.items(), key=lambda item: item[1]
    ):
        if walk.attested is None:
            return entry_id, (
                "it was written before who acted was hashed by name, and the entry "
                f"'{ATTESTATION}' that vouches for those names is missing"
            )
        attested = walk.attested.get(str(actor_id))
        if attested != name:
            return entry_id, (
                f"it names user {actor_id} {name!r}, but the names attested when "
                f"the trail was upgraded say {attested!r}"
            )
    return None, ""


def _emptied_problem(checked: int) -> str:
    if checked:
        return ""
    held = [
        f"{count} {label}"
        for app, model, label in RECORDED
        if (count := apps.get_model(app, model).objects.count())
    ]
    if not held:
        return ""
    return (
        f"the audit trail is empty, but the register holds {', '.join(held)}: "
        "each was recorded in the trail when it was made, so the trail was emptied"
    )


def _expect_problem(walk: _Walk, expect: Checkpoint) -> str:
    """Whether the trail still holds ``expect``'s head at its position."""
    if walk.checked < expect.count:
        if not walk.checked:
            return (
                f"the trail is empty, but checkpoint {expect} had {expect.count} "
                "entries: it was emptied"
            )
        return (
            f"the trail has {walk.checked} entries, fewer than the {expect.count} "
            f"of checkpoint {expect}: entries were removed from its end"
        )
    found = walk.at_mark.entry_hash if walk.at_mark else GENESIS
    if found == expect.head:
        return ""
    where = f" (id {walk.at_mark.id})" if walk.at_mark else ""
    return (
        f"entry number {expect.count}{where} of the trail has hash {found}, not "
        f"{expect.head} as checkpoint {expect} says: the trail was cut and "
        "rewritten since the checkpoint"
    )


def _renamed_notices() -> list[str]:
    """Users whose username now differs from the one their entries recorded."""
    renamed = (
        AuditEntry.objects.filter(actor__isnull=False)
        .exclude(actor_username=F("actor__username"))
        .values("actor_id", "actor_username", "actor__username")
        .annotate(entries=Count("id"))
        .order_by("actor_id", "actor_username")
    )
    return [
        f"user {row['actor_id']} is now named {row['actor__username']!r}; "
        f"{row['entries']} {'entry names' if row['entries'] == 1 else 'entries name'} "
        f"them {row['actor_username']!r} (the name recorded, and shown, for them)"
        for row in renamed
    ]
