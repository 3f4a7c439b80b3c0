"""The demo's workforce plan: U99001's planned recruitment for 2024/25."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pcnhub.audit.services import Actor
from pcnhub.rules.periods import ContractYear
from pcnhub.rules.plan import PlannedRow
from pcnhub.workforce import plan

NETWORK = "U99001"
YEAR = ContractYear(2024)
#: a link worker and a care coordinator from the summer, a part-time pharmacist
#: from January (the 2024/25 maxima from October are not published in pcnhub,
#: so the projection notes what it cannot count)
ROWS = (
    PlannedRow(
        "social_prescribing_link_worker", date(2024, 6, 1), Decimal(1), Decimal("29000")
    ),
    PlannedRow("care_coordinator", date(2024, 7, 1), Decimal("0.8"), Decimal("21600")),
    PlannedRow(
        "clinical_pharmacist", date(2025, 1, 1), Decimal("0.6"), Decimal("31200")
    ),
)


def create_demo_plan(actor: Actor) -> int:
    """Record the demo plan for U99001, 2024/25 (one version a row); the number
    of rows planned. Recorded again, the plan keeps the rows it already has."""
    have = set(plan.latest(NETWORK, YEAR).rows)
    for row in ROWS:
        if row not in have:
            plan.add_row(actor, NETWORK, YEAR, row, reason="demo: planned recruitment")
    return len(plan.latest(NETWORK, YEAR).rows)
