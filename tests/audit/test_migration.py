"""A trail written by the previous version (hash version 1) still verifies.

The database is taken back to audit 0002 (the schema the previous version
wrote), given entries hashed as that version hashed them, and migrated.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from pcnhub.audit.models import AuditEntry
from pcnhub.audit.services import ATTESTATION, GENESIS, Actor, record, verify

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("audit", "0002_auditsubject")]


def migrate(targets: list[tuple[str, str]] | None = None) -> Any:
    """Migrate to ``targets`` (the latest when None); the apps of that state."""
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def v1_hash(fields: dict[str, Any], subjects: list[str]) -> str:
    """The previous version's ``_digest``, as it was (frozen here on purpose)."""
    content = {
        "at": fields["at"].isoformat(),
        "actor": fields["actor_id"],
        "system_actor": fields["system_actor"],
        "action": fields["action"],
        "entity_type": fields["entity_type"],
        "entity_key": fields["entity_key"],
        "before": fields["before"],
        "after": fields["after"],
        "reason": fields["reason"],
        "previous_hash": fields["previous_hash"],
    }
    if subjects:
        content["subjects"] = subjects
    encoded = json.dumps(content, sort_keys=True, default=str).encode()
    return hashlib.sha256(encoded).hexdigest()


@pytest.fixture
def old_trail() -> Iterator[list[int]]:
    """Three version-1 entries (two by user 'ada'), then the migration applied."""
    ada = get_user_model().objects.create_user("ada")
    old = migrate(BEFORE)
    entry_model = old.get_model("audit", "AuditEntry")
    subject_model = old.get_model("audit", "AuditSubject")
    previous = GENESIS
    ids = []
    try:
        for i, (actor_id, system) in enumerate(
            [(ada.id, ""), (None, "import"), (ada.id, "")]
        ):
            fields = {
                "at": timezone.now(),
                "actor_id": actor_id,
                "system_actor": system,
                "action": "change",
                "entity_type": "thing",
                "entity_key": f"k{i}",
                "before": None,
                "after": {"n": i},
                "reason": "",
                "previous_hash": previous,
            }
            subjects = ["U99001"] if i else []
            made = entry_model.objects.create(
                **fields, entry_hash=v1_hash(fields, subjects)
            )
            for code in subjects:
                subject_model.objects.create(entry=made, code=code)
            previous = made.entry_hash
            ids.append(made.id)
    finally:
        migrate()
    yield ids


def test_an_old_trail_verifies_after_migrating(old_trail: list[int]) -> None:
    result = verify()
    assert result.ok, result.problem
    assert result.checked == 4  # the three old ones and the attestation
    attestation = AuditEntry.objects.latest("id")
    assert attestation.action == ATTESTATION and attestation.hash_version == 2
    ada = get_user_model().objects.get(username="ada")
    assert attestation.after["actor_usernames"] == {str(ada.id): "ada"}
    old = AuditEntry.objects.filter(id__in=old_trail).order_by("id")
    assert [(e.hash_version, e.position, e.who) for e in old] == [
        (1, 1, "ada"),
        (1, 2, "import"),
        (1, 3, "ada"),
    ]
    appended = record(Actor(user=ada), "change", "thing", "new")
    assert (appended.position, appended.hash_version) == (5, 2)
    assert verify().ok


def test_an_old_entrys_name_is_held_by_the_attestation(old_trail: list[int]) -> None:
    ada = get_user_model().objects.get(username="ada")
    get_user_model().objects.filter(id=ada.id).update(username="mallory")
    assert AuditEntry.objects.get(id=old_trail[0]).who == "ada"
    result = verify()
    assert result.ok and "2 entries name them 'ada'" in result.notices[0]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditentry SET actor_username = %s WHERE id = %s",
            ["eve", old_trail[2]],
        )
    result = verify()
    assert result.first_bad_id == old_trail[2]
    assert f"it names user {ada.id} 'eve', but the names attested" in result.problem


def test_an_old_trail_without_its_attestation_fails(old_trail: list[int]) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE action = %s", [ATTESTATION])
    result = verify()
    assert result.first_bad_id == old_trail[0]
    assert "vouches for those names is missing" in result.problem


def test_going_back_is_refused_once_new_entries_are_written(
    old_trail: list[int],
) -> None:
    record(Actor(system="tests"), "change", "thing", "new")
    with pytest.raises(RuntimeError, match="1 audit entries were written"):
        migrate(BEFORE)
    migrate()  # 0005 was undone before 0004 refused: redo it for the tests after
    assert verify().ok
