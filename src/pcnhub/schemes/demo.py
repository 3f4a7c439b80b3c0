"""The demo's local schemes: the seed's scenario, recorded through the services.

Commissioner 99Z funded fifteen social prescribing link workers in network
U99001 locally before the ARRS began (1 July 2019); those posts are not
additional, so they cannot be claimed, and one link worker the network took on
later through the ARRS is paid for twice while the scheme runs. A care homes
service 99Z commissions locally overlaps the DES's Enhanced Health in Care Homes
requirement from 1 October 2020. Made once: when 99Z already has the schemes,
nothing is added.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction

from pcnhub.audit.services import Actor
from pcnhub.schemes.models import LocalScheme, SchemeKind
from pcnhub.schemes.records import SchemeEntry, record_scheme
from pcnhub.workforce.staff import StaffEntry, record_post

COMMISSIONER = "99Z"
NETWORK = "U99001"
OTHER_NETWORK = "U99002"
ROLE = "social_prescribing_link_worker"
ROLES_REFERENCE = "LFR-SPLW-2019"
SERVICE_REFERENCE = "LCS-CARE-HOMES-2020"
#: Agenda for Change band 4-5 salaries of 2019/20, spread over the fifteen
LINK_WORKER_SALARIES = [Decimal(23_023 + 450 * (n % 8)) for n in range(15)]
#: Synthetic names (no real person)
LINK_WORKERS = [f"Demo Link Worker {n + 1:02d}" for n in range(15)]


def _link_worker(name: str, salary: Decimal, start: date, funding: str) -> StaffEntry:
    return StaffEntry(
        name=name,
        role=ROLE,
        wte=Decimal("1"),
        salary=salary,
        employer="member_practice",
        start=start,
        funding=funding,
        pay_band="Band 5" if salary >= Decimal(24_214) else "Band 4",
    )


def create_demo_schemes(actor: Actor) -> int:
    """Record the demo's schemes and posts (once); the number of schemes made."""
    if LocalScheme.objects.filter(
        commissioner_code=COMMISSIONER, reference=ROLES_REFERENCE
    ).exists():
        return 0
    with transaction.atomic():
        record_scheme(
            actor,
            COMMISSIONER,
            ROLES_REFERENCE,
            SchemeEntry(
                name="Wendmoor social prescribing link workers",
                kind=SchemeKind.ROLES,
                start=date(2019, 4, 1),
                end=date(2021, 3, 31),
                annual_funding=Decimal("450000.00"),
                funding_source="99Z primary care budget (local enhanced services)",
                description="Fifteen whole-time link workers in Wendmoor's practices, "
                "funded by the commissioner since April 2019.",
                networks=(NETWORK,),
                roles={ROLE: Decimal("15")},
            ),
            reason="Recorded for the demo",
        )
        for name, salary in zip(LINK_WORKERS, LINK_WORKER_SALARIES, strict=True):
            record_post(
                actor,
                NETWORK,
                _link_worker(name, salary, date(2019, 4, 1), "local_scheme"),
                reason="Demo: funded by the local scheme LFR-SPLW-2019",
            )
        record_post(
            actor,
            NETWORK,
            _link_worker(
                "Demo ARRS Link Worker", Decimal("26970"), date(2020, 4, 1), "arrs"
            ),
            reason="Demo: claimed through the ARRS",
        )
        record_scheme(
            actor,
            COMMISSIONER,
            SERVICE_REFERENCE,
            SchemeEntry(
                name="Care homes enhanced support (local)",
                kind=SchemeKind.SERVICE,
                start=date(2020, 4, 1),
                end=date(2022, 3, 31),
                annual_funding=Decimal("120000.00"),
                funding_source="99Z primary care budget",
                description="Weekly home rounds and a named clinician for each "
                "care home.",
                networks=(NETWORK, OTHER_NETWORK),
                requirements=("enhanced_health_in_care_homes",),
            ),
            reason="Recorded for the demo",
        )
    return 2
