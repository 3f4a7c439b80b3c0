"""The workforce as the latest census on or before a date gives it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from pcnhub.register.models import RelationshipKind
from pcnhub.register.queries import open_networks, parents_on
from pcnhub.workforce.models import Census, StaffSnapshot

COLUMNS = [
    "pcn_code",
    "staff_role",
    "detailed_staff_role",
    "staff",
    "fte",
    "census_date",
]


class NoCensus(LookupError):
    """No census on or before the date asked about."""


@dataclass(frozen=True)
class WorkforceRow:
    pcn_code: str
    staff_role: str
    detailed_staff_role: str
    staff: int
    fte: Decimal
    census_date: date


def census_on(day: date) -> Census:
    """The latest census on or before ``day`` (of two files for one month, the
    one imported last)."""
    census = Census.objects.filter(census_date__lte=day).first()
    if census is None:
        first = Census.objects.order_by("census_date").first()
        held = (
            f"the first held is {first.census_date} ({first.file_name})"
            if first
            else "none is imported (pcnhub import workforce-census PATH)"
        )
        raise NoCensus(f"no PCN workforce census on or before {day}: {held}")
    return census


def overseen_by(commissioner: str, day: date) -> set[str]:
    """The networks the register says ``commissioner`` oversees on ``day``."""
    return set(
        parents_on(
            RelationshipKind.NETWORK_COMMISSIONER,
            day,
            open_networks(day),
            parent=commissioner,
        )
    )


def workforce_on(
    day: date, pcn: str | None = None, networks: set[str] | None = None
) -> list[WorkforceRow]:
    """Staff and FTE by network and role from :func:`census_on`, for one network
    (``pcn``) or some (``networks``) or all.

    A network has one name and sub-ICB, and a detailed role one group and role,
    in a census (the importer holds it), so a row here is one snapshot row.
    """
    census = census_on(day)
    rows = StaffSnapshot.objects.filter(census=census)
    if pcn is not None:
        rows = rows.filter(pcn_code=pcn)
    if networks is not None:
        rows = rows.filter(pcn_code__in=sorted(networks))
    return [
        WorkforceRow(
            pcn_code=r.pcn_code,
            staff_role=r.staff_role,
            detailed_staff_role=r.detailed_staff_role,
            staff=r.staff,
            fte=r.fte,
            census_date=census.census_date,
        )
        for r in rows.order_by("pcn_code", "staff_role", "detailed_staff_role")
    ]
