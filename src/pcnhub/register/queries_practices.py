"""Practices "as at" a date: open GP practices, those in no network, every
practice with its network, commissioner and lists.

Imported through :mod:`pcnhub.register.queries`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from pcnhub.register.models import (
    ListMeasure,
    ListSize,
    OrganisationVersion,
    RelationshipKind,
)
from pcnhub.register.queries_links import (
    holding_on,
    links_on,
    list_sizes_on,
    lists_with_dates,
    names_on,
    parents_on,
)
from pcnhub.register.successions import Parent

GP_PRACTICE_SETTING = 4
CLOSED_STATUSES = {"C", "D"}


@dataclass(frozen=True)
class UncoveredPractice:
    practice_code: str
    practice_name: str
    commissioner_code: str
    registered_patients: Decimal | None
    #: The commissioner is a successor's, inferred from a succession.
    commissioner_inferred: bool = False


def is_open_gp_practice(version: OrganisationVersion | None, day: date) -> bool:
    """A GP practice open on ``day``, by its ODS details (status, dates, setting)."""
    if version is None:
        return True  # known only from a mapping or list file: a GP practice
    if version.prescribing_setting not in (None, GP_PRACTICE_SETTING):
        return False
    if version.open_date and version.open_date > day:
        return False
    if version.close_date:
        return version.close_date >= day
    return version.status not in CLOSED_STATUSES


def _with_patients(practices: list[str], day: date) -> list[str]:
    """Drop practices missing from the latest registration list on or before ``day``.

    ODS extracts say a practice is open until a later extract says otherwise; a
    practice with no patients in the latest list has closed or is dormant, and
    needs no network. Without any list, every practice counts.
    """
    registered = ListSize.objects.filter(
        measure=ListMeasure.REGISTERED, date__lte=day, superseded_by__isnull=True
    )
    latest = registered.order_by("-date").values_list("date", flat=True).first()
    if latest is None:
        return practices
    listed = set(
        registered.filter(date=latest, practice_id__in=practices).values_list(
            "practice_id", flat=True
        )
    )
    return [p for p in practices if p in listed]


def open_practices_in_area(
    day: date, commissioner: str | None = None
) -> dict[str, str]:
    """Open GP practices with patients, each with its commissioner, on ``day``."""
    return {p: parent.code for p, parent in _area(day, commissioner).items()}


def _area(day: date, commissioner: str | None = None) -> dict[str, Parent]:
    """Open GP practices with patients on ``day``, with their commissioner."""
    area = parents_on(RelationshipKind.PRACTICE_COMMISSIONER, day, parent=commissioner)
    candidates = _with_patients(sorted(area), day)
    versions = {
        v.organisation_id: v
        for v in holding_on(
            OrganisationVersion.objects.filter(organisation_id__in=candidates), day
        )
    }
    return {p: area[p] for p in candidates if is_open_gp_practice(versions.get(p), day)}


def uncovered_on(day: date, commissioner: str | None = None) -> list[UncoveredPractice]:
    """Open GP practices in a commissioner's area that are in no network on ``day``."""
    area = _area(day, commissioner)
    in_network = set(
        links_on(RelationshipKind.PRACTICE_NETWORK, day)
        .filter(child_id__in=list(area))
        .values_list("child_id", flat=True)
    )
    practices = [p for p in area if p not in in_network]
    sizes = list_sizes_on(practices, ListMeasure.REGISTERED, day)
    names = names_on(practices, day)
    return [
        UncoveredPractice(
            p, names.get(p, ""), area[p].code, sizes.get(p), area[p].inferred
        )
        for p in sorted(practices)
    ]


# Practices as at a date -----------------------------------------------------------


@dataclass(frozen=True)
class PracticeRow:
    practice_code: str
    practice_name: str
    #: Empty when the practice is in no network on the date.
    pcn_code: str
    commissioner_code: str
    registered_patients: Decimal | None
    weighted_patients: Decimal | None
    #: The date of the registered list used (None: no list on or before the date).
    list_date: date | None
    weighted_list_date: date | None
    #: The commissioner is a successor's, inferred from a succession.
    commissioner_inferred: bool


def practices_on(
    day: date, pcn: str | None = None, commissioner: str | None = None
) -> list[PracticeRow]:
    """Practices on ``day`` with their network, commissioner and lists.

    Every open GP practice with patients (as for :func:`uncovered_on`) and every
    network member on the day; ``pcn`` keeps that network's members and
    ``commissioner`` the practices under it (successions followed). A fixed
    number of queries, whatever the number of practices.
    """
    networks = dict(
        links_on(RelationshipKind.PRACTICE_NETWORK, day).values_list(
            "child_id", "parent_id"
        )
    )
    if pcn is not None:
        codes = {p for p, n in networks.items() if n == pcn}
        owners = parents_on(RelationshipKind.PRACTICE_COMMISSIONER, day, codes)
    else:
        owners = parents_on(
            RelationshipKind.PRACTICE_COMMISSIONER, day, parent=commissioner
        )
        codes = set(_area(day, commissioner)) | (set(networks) & set(owners))
        if commissioner is None:
            codes |= set(networks)
    practices = sorted(codes)
    registered = lists_with_dates(practices, ListMeasure.REGISTERED, day)
    weighted = lists_with_dates(practices, ListMeasure.WEIGHTED, day)
    names = names_on(practices, day)
    rows = []
    for code in practices:
        owner = owners.get(code)
        reg, wtd = registered.get(code), weighted.get(code)
        rows.append(
            PracticeRow(
                practice_code=code,
                practice_name=names.get(code, ""),
                pcn_code=networks.get(code, ""),
                commissioner_code=owner.code if owner else "",
                registered_patients=reg[0] if reg else None,
                weighted_patients=wtd[0] if wtd else None,
                list_date=reg[1] if reg else None,
                weighted_list_date=wtd[1] if wtd else None,
                commissioner_inferred=bool(owner and owner.inferred),
            )
        )
    return rows
