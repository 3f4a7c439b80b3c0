"""Fill the new fields of the entries already written, and vouch for their names.

Entries written before this migration keep their hash (``hash_version`` 1: the
acting user by id only). Each gets its position and its user's username as it
is now; one new entry (hash version 2) then records those usernames by user id,
so that the names shown for the old entries are covered by the chain from here
on: ``pcnhub audit verify`` checks each old entry's name against it.
"""

from typing import Any

from django.db import migrations
from django.utils import timezone

from pcnhub.audit.services import ATTESTATION, ATTESTER, digest

BATCH = 2000


def forwards(apps: Any, schema_editor: Any) -> None:
    entry_model = apps.get_model("audit", "AuditEntry")
    names = dict(apps.get_model("auth", "User").objects.values_list("id", "username"))
    rows = list(entry_model.objects.order_by("id").values_list("id", "actor_id"))
    for start in range(0, len(rows), BATCH):
        entry_model.objects.bulk_update(
            [
                entry_model(
                    id=entry_id,
                    position=start + offset + 1,
                    actor_username=names.get(actor_id, "") if actor_id else "",
                )
                for offset, (entry_id, actor_id) in enumerate(
                    rows[start : start + BATCH]
                )
            ],
            ["position", "actor_username"],
        )
    if rows:
        _attest(entry_model, names, {actor for _, actor in rows if actor}, len(rows))


def _attest(
    entry_model: Any, names: dict[int, str], actors: set[int], count: int
) -> None:
    last = entry_model.objects.order_by("-id").first()
    entry = entry_model(
        at=timezone.now(),
        system_actor=ATTESTER,
        action=ATTESTATION,
        entity_type="audit trail",
        entity_key="hash version 2",
        after={
            "entries": count,
            "actor_usernames": {str(actor): names[actor] for actor in sorted(actors)},
        },
        reason=(
            "Entries written before hash version 2 hash who acted by user id only; "
            "these are those users' usernames when the trail was upgraded."
        ),
        previous_hash=last.entry_hash,
        position=count + 1,
        hash_version=2,
    )
    entry.entry_hash = digest(entry, [])
    entry.save(force_insert=True)


def backwards(apps: Any, schema_editor: Any) -> None:
    entry_model = apps.get_model("audit", "AuditEntry")
    newer = entry_model.objects.filter(hash_version=2).exclude(system_actor=ATTESTER)
    if newer.exists():
        raise RuntimeError(
            f"cannot go back before audit 0004: {newer.count()} audit entries were "
            "written with hash version 2, which the older version cannot verify"
        )
    # The older version cannot verify this entry either; nothing else was added.
    entry_model.objects.filter(system_actor=ATTESTER, action=ATTESTATION).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_actor_username_position_hash_version"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
