"""A network's governance history: every record of every kind, newest first.

The kinds and their labels come from the specification
(:data:`pcnhub.governance.kinds.KINDS`), so a new kind shows here unasked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from pcnhub.governance.kinds import KINDS, kind_of
from pcnhub.governance.models import GovernanceDocument, GovernanceRecord
from pcnhub.governance.validation import network_named


@dataclass(frozen=True)
class HistoryEntry:
    """One record of the network's governance, with who recorded it and why."""

    kind: str
    kind_label: str
    item: GovernanceRecord | GovernanceDocument
    recorded_at: datetime
    recorded_by: str
    reason: str
    application_ref: str
    valid_from: date | None = None
    valid_to: date | None = None
    closed_at: datetime | None = None
    closed_by: str = ""
    close_reason: str = ""

    @property
    def never_held(self) -> bool:
        """Closed on its first day: replaced the day it was to start."""
        return self.valid_from is not None and self.valid_to == self.valid_from


def record_entry(item: GovernanceRecord) -> HistoryEntry:
    """One governance record as a history entry, named as its kind declares."""
    kind = kind_of(type(item))
    return HistoryEntry(
        kind=kind.name,
        kind_label=kind.label,
        item=item,
        recorded_at=item.recorded_at,
        recorded_by=item.recorded_by_label,
        reason=item.reason,
        application_ref=item.application_ref,
        valid_from=item.valid_from,
        valid_to=item.valid_to,
        closed_at=item.closed_at,
        closed_by=item.closed_by_label,
        close_reason=item.close_reason,
    )


def history(network: str) -> list[HistoryEntry]:
    """Every record of every kind for the network, newest first."""
    code = network_named(network).code
    entries: list[HistoryEntry] = []
    for kind in KINDS:
        for item in kind.model.objects.filter(network_id=code).select_related(
            "recorded_by", "closed_by"
        ):
            entries.append(record_entry(item))
    for document in GovernanceDocument.objects.filter(network_id=code).select_related(
        "uploaded_by"
    ):
        entries.append(
            HistoryEntry(
                kind="document",
                kind_label="Document",
                item=document,
                recorded_at=document.uploaded_at,
                recorded_by=document.uploaded_by_label,
                reason=document.reason,
                application_ref="",
            )
        )
    entries.sort(key=lambda e: (e.recorded_at, e.item.pk), reverse=True)
    return entries
