"""Demo staff and claims: two networks' ARRS posts, this contract year's claims,
and a pay award recorded late, so the demo shows every kind of line — a full-time
and a part-time post, a mid-month start, a post over its role's cap, one person
in two networks, and adjustment lines.

Run by ``pcnhub demo`` after the register is imported; does nothing if the demo
networks already have staff.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from pcnhub.audit.services import Actor
from pcnhub.rules.periods import ContractYear
from pcnhub.workforce.claiming import generate_claim
from pcnhub.workforce.models import StaffPost
from pcnhub.workforce.staff import StaffEntry, change_post, entry_of, record_post

NETWORKS = ("U99001", "U99002")
D = Decimal


def _entry(
    name: str, role: str, wte: str, salary: str, start: date, **more: object
) -> StaffEntry:
    # A network knows its on-costs; about 30% of salary (pension 20.69% and
    # employer NI), unless given.
    on_costs = more.pop("on_costs", (D(salary) * D("0.30")).quantize(D("1")))
    return StaffEntry(
        name=name,
        role=role,
        wte=D(wte),
        salary=D(salary),
        on_costs=on_costs,  # type: ignore[arg-type]
        employer=str(more.pop("employer", "member_practice")),
        start=start,
        funding=str(more.pop("funding", "arrs")),
        **more,  # type: ignore[arg-type]
    )


POSTS = {
    "U99001": [
        _entry(
            "Priya Raman",
            "clinical_pharmacist",
            "1",
            "48000",
            date(2020, 9, 1),
            on_costs=D("12000"),
        ),
        _entry(
            "Gareth Lloyd",
            "first_contact_physiotherapist",
            "0.8",
            "36800",
            date(2021, 1, 18),
            employer="community_trust",
            employer_name="Wendmoor Community Health NHS Trust",
        ),
        _entry(
            "Nadia Hussain",
            "social_prescribing_link_worker",
            "1",
            "27500",
            date(2019, 8, 1),
        ),
        # Paid above the role's maximum: capped.
        _entry(
            "Owen Marsh",
            "clinical_pharmacist",
            "1",
            "58000",
            date(2022, 4, 1),
            on_costs=D("14500"),
        ),
        _entry("Ellie Chen", "care_coordinator", "0.5", "12500", date(2023, 6, 12)),
        _entry(
            "Sam Okafor",
            "social_prescribing_link_worker",
            "1",
            "29000",
            date(2023, 9, 15),
            employer="federation",
            employer_name="Wendmoor GP Federation",
        ),
    ],
    "U99002": [
        _entry(
            "Ruth Adeyemi",
            "first_contact_physiotherapist",
            "1",
            "44000",
            date(2022, 10, 1),
            employer="community_trust",
        ),
    ],
}


#: The year of the demo's claims: the latest in which pcnhub holds the maxima of
#: most roles (the reference has none for 2026/27 and few for 2024/25–2025/26;
#: a claim there claims nothing for such a role, and says so).
CLAIM_YEAR = ContractYear(2023)


def create_demo_workforce(actor: Actor, year: ContractYear = CLAIM_YEAR) -> int:
    """Record the demo posts and ``year``'s monthly claims; the number of posts
    recorded (0 when already there)."""
    if StaffPost.objects.filter(network_code__in=NETWORKS).exists():
        return 0
    recorded = {
        code: [record_post(actor, code, e, reason="demo") for e in entries]
        for code, entries in POSTS.items()
    }
    # The clinical pharmacist also works two days a week for Northvale: one
    # person, two networks (the duplicate check sees both posts).
    pharmacist = recorded["U99001"][0]
    shared = _entry(
        "Priya Raman", "pharmacy_technician", "0.4", "12000", date(2023, 1, 9)
    )
    record_post(
        actor, "U99002", shared, person_key=pharmacist.post.person_key, reason="demo"
    )
    months = list(year.months)
    for month in months[:-1]:
        for code in NETWORKS:
            generate_claim(actor, code, month)
    # A pay award recorded after the earlier months were claimed: last month's
    # claim carries the adjustment lines.
    linkworker = recorded["U99001"][2]
    award = replace(entry_of(linkworker), salary=D("28600"))
    change_post(
        actor,
        linkworker.post,
        award,
        expected_version=1,
        reason=f"Pay award backdated to {year.start:%-d %B %Y}",
    )
    for code in NETWORKS:
        if months:
            generate_claim(actor, code, months[-1])
    return sum(len(v) for v in recorded.values()) + 1
