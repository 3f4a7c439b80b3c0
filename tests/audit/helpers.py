"""Shared helpers for the audit trail's tests."""

from __future__ import annotations

import csv
import io
import re
from html import unescape
from typing import Any

from pcnhub.audit.models import AuditEntry
from pcnhub.audit.services import Actor, record
from pcnhub.register.models import Organisation, Relationship, RelationshipKind

TESTS = Actor(system="tests")


def entry(
    key: str,
    subjects: list[str] | None = None,
    *,
    entity_type: str = "thing",
    action: str = "change",
    actor: Actor = TESTS,
    before: Any = None,
    after: Any = None,
    reason: str = "",
) -> AuditEntry:
    return record(
        actor,
        action,
        entity_type,
        key,
        before=before,
        after=after,
        reason=reason,
        subjects=subjects or [],
    )


def other_commissioner() -> None:
    """A commissioner 88X with a network U88001 and a practice Z88001 (not 99Z's)."""
    from datetime import date

    for code, kind in (
        ("88X", "commissioner"),
        ("U88001", "network"),
        ("Z88001", "practice"),
    ):
        Organisation.objects.create(code=code, kind=kind)
    Relationship.objects.create(
        child_id="U88001",
        parent_id="88X",
        kind=RelationshipKind.NETWORK_COMMISSIONER,
        valid_from=date(2019, 7, 1),
    )
    Relationship.objects.create(
        child_id="Z88001",
        parent_id="U88001",
        kind=RelationshipKind.PRACTICE_NETWORK,
        valid_from=date(2019, 7, 1),
    )


def main_text(response: Any) -> str:
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", main)))


def shown_keys(response: Any) -> list[str]:
    """The entity keys of the entries on a trail page, top to bottom."""
    html = response.content.decode()
    return re.findall(r'<span class="pcnhub-audit__key">([^<]*)</span>', html)


def shown_ids(response: Any) -> list[int]:
    html = response.content.decode()
    return [
        int(i)
        for i in re.findall(
            r'<tr class="nhsuk-table__row" role="row" id="entry-(\d+)"', html
        )
    ]


def csv_of(response: Any) -> list[dict[str, str]]:
    content = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(content)))
