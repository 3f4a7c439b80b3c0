"""How fresh the data is: the newest successful import of each kind as at a date,
and a warning when it is older than the kind's publication cycle allows.

A file counts "as at" a date when the date it describes is on or before that
date: its ``ImportRun.as_at``, or for files dated by their rows (registrations,
weighted lists) the newest list date it recorded. Reference data (postcode
districts, outlines, deprivation) is shown as its newest import, whatever the
date. A file is stale
when the as-at date is more than :data:`STALE_AFTER_DAYS` days after the date it
describes. The limits follow how often each file is published, with a month's
grace: monthly files (registrations, ODS epraccur) after 3 months, quarterly
ones (weighted lists, the ePCN workbook) after 6 months, yearly ones (the QOF
mapping, payments) after 15 months. Reference data is never stale.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Max
from django.utils import timezone

from pcnhub.register.models import ImportRun, ListSize

#: Kind → how many days after the date a file describes it is stale
#: (None: never, for reference data).
STALE_AFTER_DAYS: dict[str, int | None] = {
    "registrations": 92,
    "epraccur": 92,
    "weighted-lists": 183,
    "epcn": 183,
    "qof-mapping": 457,
    "payments": 457,
    "postcode-districts": None,
    "district-outlines": None,
    "deprivation": None,
}
#: What each kind is, for people.
KIND_LABELS: dict[str, str] = {
    "registrations": "Patients registered at a GP practice (NHS Digital)",
    "epraccur": "GP practices (ODS epraccur)",
    "weighted-lists": "Weighted list sizes",
    "epcn": "Primary care networks (ePCN workbook)",
    "qof-mapping": "QOF organisation mapping",
    "payments": "NHS Payments to General Practice",
    "postcode-districts": "Postcode district centroids",
    "district-outlines": "Postcode district outlines",
    "deprivation": "Deprivation (IMD) by practice",
}
#: Kinds that are not files of the register (approved applications are written
#: as runs too).
NOT_FILES = {"application"}
#: Kinds a register cannot be read without: missing, the dashboard says so.
EXPECTED = ("epraccur", "registrations", "epcn")


@dataclass(frozen=True)
class Freshness:
    kind: str
    label: str
    #: The date the newest file describes (None for reference data).
    as_at: date | None
    imported: date
    file_name: str
    stale_after_days: int | None
    stale: bool
    #: A newer file exists, describing a date after the as-at date.
    newer_exists: bool = False


@dataclass(frozen=True)
class Missing:
    kind: str
    label: str


def freshness(day: date) -> tuple[list[Freshness], list[Missing]]:
    """The newest file of each kind as at ``day``, and the expected kinds with none."""
    runs = list(
        ImportRun.objects.filter(status=ImportRun.Status.SUCCEEDED)
        .exclude(kind__in=NOT_FILES)
        .order_by("kind", "-finished_at")
    )
    dated = _list_dates([r.pk for r in runs if r.as_at is None])
    newest: dict[str, tuple[ImportRun, date | None]] = {}
    later: set[str] = set()
    for run in runs:
        described = run.as_at or dated.get(run.pk)
        if _reference(run.kind) or described is None:
            described = None  # reference data: the newest, whatever the date
        elif described > day:
            later.add(run.kind)
            continue
        held = newest.get(run.kind)
        if held is None or (described and held[1] and described > held[1]):
            newest[run.kind] = (run, described)
    found = [
        _freshness(run, described, day, run.kind in later)
        for run, described in sorted(newest.values(), key=lambda r: _order(r[0].kind))
    ]
    missing = [Missing(k, KIND_LABELS[k]) for k in EXPECTED if k not in newest]
    return found, missing


def _reference(kind: str) -> bool:
    return kind in STALE_AFTER_DAYS and STALE_AFTER_DAYS[kind] is None


def _list_dates(runs: list[int]) -> dict[int, date]:
    """The newest list date each run recorded (files dated by their rows)."""
    rows = (
        ListSize.objects.filter(recorded_by_id__in=runs)
        .values("recorded_by_id")
        .annotate(newest=Max("date"))
    )
    return {r["recorded_by_id"]: r["newest"] for r in rows}


def _day_of(run: ImportRun) -> date:
    return timezone.localdate(run.finished_at or run.started_at)


def _order(kind: str) -> tuple[int, str]:
    kinds = list(STALE_AFTER_DAYS)
    return (kinds.index(kind) if kind in kinds else len(kinds), kind)


def _freshness(
    run: ImportRun, described: date | None, day: date, newer: bool
) -> Freshness:
    limit = STALE_AFTER_DAYS.get(run.kind, None if _reference(run.kind) else 183)
    stale = (
        described is not None
        and limit is not None
        and day - described > timedelta(days=limit)
    )
    return Freshness(
        run.kind,
        KIND_LABELS.get(run.kind, run.kind),
        described,
        _day_of(run),
        run.file_name,
        limit,
        stale,
        newer,
    )
