"""Reading the audit trail: filters, pages and CSV rows.

Who may see which entries is decided above the trail, where the roles are
(:mod:`pcnhub.access.trail`); the trail itself knows nothing of users.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from pcnhub.audit.models import AuditEntry, AuditSubject

PAGE_SIZE = 50

#: The CSV's columns, in order (stable: scripts read them).
COLUMNS = [
    "id",
    "at",
    "who",
    "action",
    "entity_type",
    "entity_key",
    "subjects",
    "reason",
    "before",
    "after",
    "entry_hash",
]


@dataclass(frozen=True)
class Filters:
    """What to show: every field empty means the whole (visible) trail."""

    organisation: str = ""
    entity_type: str = ""
    action: str = ""
    who: str = ""
    date_from: date | None = None
    date_to: date | None = None

    def params(self) -> dict[str, str]:
        """The filters as query parameters (the ones that are set)."""
        return {
            f.name: value.isoformat() if isinstance(value, date) else value
            for f in fields(self)
            if (value := getattr(self, f.name))
        }

    @property
    def active(self) -> bool:
        return bool(self.params())


#: Labels for the filters, as the page and its error messages name them.
FILTER_LABELS = {
    "organisation": "Organisation code",
    "entity_type": "Type of record",
    "action": "Action",
    "who": "Who (username)",
    "date_from": "From",
    "date_to": "To",
}


def parse_filters(params: Mapping[str, str]) -> tuple[Filters, dict[str, str]]:
    """Filters from query parameters, and a message for each one that is wrong."""
    errors: dict[str, str] = {}
    days: dict[str, date | None] = {}
    for name in ("date_from", "date_to"):
        raw = (params.get(name) or "").strip()
        days[name] = None
        if raw:
            try:
                days[name] = date.fromisoformat(raw)
            except ValueError:
                errors[name] = (
                    f"Enter the '{FILTER_LABELS[name]}' date as year, month and day, "
                    "for example 2021-06-01"
                )
    if days["date_from"] and days["date_to"] and days["date_from"] > days["date_to"]:
        errors["date_to"] = "The 'To' date must be the same as or after the 'From' date"
    filters = Filters(
        organisation=(params.get("organisation") or "").strip().upper(),
        entity_type=(params.get("entity_type") or "").strip(),
        action=(params.get("action") or "").strip(),
        who=(params.get("who") or "").strip(),
        date_from=days["date_from"],
        date_to=days["date_to"],
    )
    return filters, errors


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def filtered(entries: QuerySet[AuditEntry], filters: Filters) -> QuerySet[AuditEntry]:
    """``entries`` narrowed by ``filters`` (except organisation), newest first."""
    if filters.entity_type:
        entries = entries.filter(entity_type=filters.entity_type)
    if filters.action:
        entries = entries.filter(action=filters.action)
    if filters.who:
        # The name recorded when they acted, or the user's username now.
        entries = entries.filter(
            Q(actor__isnull=False, actor_username=filters.who)
            | Q(actor__username=filters.who)
            | Q(actor__isnull=True, system_actor=filters.who)
        )
    # Days are local (Europe/London); compare instants so the index on ``at``
    # could serve and no database time-zone conversion is needed.
    if filters.date_from:
        entries = entries.filter(at__gte=_start_of(filters.date_from))
    if filters.date_to:
        entries = entries.filter(at__lt=_start_of(filters.date_to + timedelta(days=1)))
    return entries.order_by("-id")


def everything(filters: Filters) -> QuerySet[AuditEntry]:
    """The whole trail with ``filters`` (for the command line's operator)."""
    entries = AuditEntry.objects.all()
    if filters.organisation:
        entries = entries.filter(
            id__in=AuditSubject.objects.filter(code=filters.organisation).values(
                "entry_id"
            )
        )
    return filtered(entries, filters)


def with_details(entries: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
    """Fetch each entry's user and subjects with it (no query per entry)."""
    return entries.select_related("actor").prefetch_related("subjects")


def choices(entries: QuerySet[AuditEntry], field: str) -> list[str]:
    """The distinct values of ``field`` among ``entries`` (for the filters)."""
    return sorted(
        set(entries.order_by().values_list(field, flat=True).distinct()) - {""}
    )


# --- one entry as data ---------------------------------------------------------


def subject_codes(entry: AuditEntry) -> list[str]:
    return sorted(subject.code for subject in entry.subjects.all())


@dataclass(frozen=True)
class Record:
    """An entry as the API and the CSV give it."""

    id: int
    at: str
    who: str
    action: str
    entity_type: str
    entity_key: str
    subjects: list[str]
    reason: str
    before: Any
    after: Any
    previous_hash: str
    entry_hash: str
    user_id: int | None
    renamed_to: str

    @classmethod
    def of(cls, entry: AuditEntry) -> Record:
        return cls(
            id=entry.id,
            at=entry.at.isoformat(),
            who=entry.who,
            action=entry.action,
            entity_type=entry.entity_type,
            entity_key=entry.entity_key,
            subjects=subject_codes(entry),
            reason=entry.reason,
            before=entry.before,
            after=entry.after,
            previous_hash=entry.previous_hash,
            entry_hash=entry.entry_hash,
            user_id=entry.actor_id,
            renamed_to=entry.renamed_to,
        )

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def csv_row(self) -> list[str]:
        """The :data:`COLUMNS` of this entry as text (JSON for before and after)."""
        values = self.as_dict()
        values["subjects"] = " ".join(self.subjects)
        for name in ("before", "after"):
            value = values[name]
            values[name] = (
                "" if value is None else json.dumps(value, ensure_ascii=False)
            )
        return [str(values[column]) for column in COLUMNS]


# --- CSV -------------------------------------------------------------------------


class _Line:
    """A file-like object whose ``write`` returns what was written (one CSV line)."""

    def write(self, text: str) -> str:
        return text


def csv_lines(entries: QuerySet[AuditEntry]) -> Iterator[str]:
    """The header and one line per entry, fetching entries a chunk at a time,
    formula-like text neutralised for spreadsheets (docs/security.md)."""
    from pcnhub.core.spreadsheet import safe_cell

    writer = csv.writer(_Line(), lineterminator="\n")
    yield writer.writerow(COLUMNS)
    for entry in with_details(entries).iterator(chunk_size=2000):
        yield writer.writerow(map(safe_cell, Record.of(entry).csv_row()))


def write_csv(out: Any, entries: QuerySet[AuditEntry]) -> int:
    """Write the CSV of ``entries`` to ``out``; return how many entries."""
    count = -1
    for count, line in enumerate(csv_lines(entries)):  # noqa: B007
        out.write(line)
    return count


def page_numbers(current: int, last: int, around: int = 2) -> Iterable[int | None]:
    """Page numbers to link: the first, the last, and those near ``current``.

    ``None`` stands for a gap (an ellipsis).
    """
    shown = sorted(
        {1, last}
        | set(range(max(1, current - around), min(last, current + around) + 1))
    )
    previous = 0
    for number in shown:
        if number - previous > 1:
            yield None
        yield number
        previous = number
