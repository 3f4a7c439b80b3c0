"""Demo services: every demo network's delivery of its service requirements and
some weeks of access hours, recorded through :mod:`pcnhub.services.records` (so
checked and audited as real records are).

So that every part of the services pages has something to show: each status, a
requirement with two versions (in progress, then delivered), evidence with and
without a link, weeks above and one below the minimum, an Extended Hours week
(2021/22) and Enhanced Access weeks, and the provisional 2026/27 requirements
(continuity of care, care-home vaccination). Made once: when any demo network
already has a services record, nothing is added.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction

from pcnhub.audit.services import Actor
from pcnhub.register.models import Organisation, OrganisationKind
from pcnhub.rules.periods import ContractYear
from pcnhub.services import records
from pcnhub.services.models import AccessHoursWeek, DeliveryStatus, ServiceDelivery

YEARS = [ContractYear(2021), ContractYear(2024), ContractYear(2025), ContractYear(2026)]
#: The network whose records show most: a revised status, a week below the minimum.
SHOWCASE = "U99001"
EVIDENCE = {
    DeliveryStatus.DELIVERED: "Delivery confirmed at the network board; audit held.",
    DeliveryStatus.IN_PROGRESS: "Plan agreed with the commissioner; first cohort "
    "identified.",
    DeliveryStatus.NOT_DELIVERED: "Not delivered: workforce gap reported to the "
    "commissioner.",
    DeliveryStatus.NOT_STARTED: "",
}
#: a status for each requirement in turn, mostly delivered
PATTERN = [
    DeliveryStatus.DELIVERED,
    DeliveryStatus.DELIVERED,
    DeliveryStatus.IN_PROGRESS,
    DeliveryStatus.DELIVERED,
    DeliveryStatus.NOT_STARTED,
    DeliveryStatus.DELIVERED,
    DeliveryStatus.NOT_DELIVERED,
]


def _networks() -> list[str]:
    return list(
        Organisation.objects.filter(
            kind=OrganisationKind.NETWORK, code__startswith="U99"
        )
        .order_by("code")
        .values_list("code", flat=True)
    )


def _first_monday(day: date) -> date:
    return day + timedelta(days=(7 - day.weekday()) % 7)


def _deliveries(actor: Actor, code: str, index: int, year: ContractYear) -> int:
    made = 0
    view = records.year_view(code, year)
    for n, item in enumerate(view.requirements):
        status = PATTERN[(index + n) % len(PATTERN)]
        if year == YEARS[-1] and status == DeliveryStatus.DELIVERED:
            status = DeliveryStatus.IN_PROGRESS  # the year is not over yet
        link = (
            f"https://example.org/{code.lower()}/{item.requirement.code}"
            if n % 2
            else ""
        )
        records.record_delivery(
            actor,
            code,
            year,
            item.requirement.code,
            status,
            evidence=EVIDENCE[status],
            link=link if status != DeliveryStatus.NOT_STARTED else "",
            reason="demo: recorded at the network's quarterly review",
        )
        made += 1
    return made


def _revision(actor: Actor, code: str) -> int:
    """A second version: the showcase network's 2024/25 single specification."""
    year = ContractYear(2024)
    records.record_delivery(
        actor,
        code,
        year,
        "single_specification",
        DeliveryStatus.IN_PROGRESS,
        evidence="Population health management plan drafted.",
        reason="demo: first recorded at the mid-year review",
    )
    records.record_delivery(
        actor,
        code,
        year,
        "single_specification",
        DeliveryStatus.DELIVERED,
        evidence="Year-end report accepted by the commissioner.",
        link="https://example.org/u99001/single-specification-report",
        reason="demo: year-end review",
    )
    return 2


def _access_weeks(
    actor: Actor, code: str, index: int, year: ContractYear, weeks: int = 6
) -> int:
    view = records.year_view(code, year)
    if view.required is None:
        return 0
    first = _first_monday(year.start + timedelta(days=60))
    made = 0
    for w in range(weeks):
        week = first + timedelta(weeks=w)
        # most weeks a little above the minimum; the showcase's third week below
        extra = 15 * ((index + w) % 4)
        offered = view.required.minutes + extra
        note = ""
        if code == SHOWCASE and w == 2:
            offered = view.required.minutes - 90
            note = "Two Saturday clinics cancelled (GP sickness)."
        records.record_access_hours(
            actor,
            code,
            week,
            offered,
            reason="demo: weekly access return",
            note=note,
        )
        made += 1
    return made


def create_demo_services(actor: Actor) -> int:
    """Record the demo networks' services (once); return how many rows were made."""
    codes = _networks()
    already = ServiceDelivery.objects.filter(network_id__in=codes).exists()
    if (
        not codes
        or already
        or AccessHoursWeek.objects.filter(network_id__in=codes).exists()
    ):
        return 0
    made = 0
    with transaction.atomic():
        for index, code in enumerate(codes):
            for year in YEARS:
                made += _deliveries(actor, code, index, year)
                if code == SHOWCASE or year != YEARS[0]:
                    made += _access_weeks(actor, code, index, year)
        if SHOWCASE in codes:
            made += _revision(actor, SHOWCASE)
    return made
