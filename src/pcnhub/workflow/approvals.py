"""What commissioners' approvals add to a network's facts for the contract checks.

A network below the population minimum is approved by its commissioner either
when its registration application is approved (the application's reason) or,
for an existing network, by a small population approval recorded in its
governance (:func:`pcnhub.governance.services.record_small_population_approval`).
The latest in force on the day is the one the population check cites.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from pcnhub.governance.models import SmallPopulationApproval
from pcnhub.register import queries
from pcnhub.rules.snapshot import NetworkFacts
from pcnhub.workflow.models import APPROVED_STATES, Application, Kind


def small_population_reasons(
    networks: Iterable[str], day: date
) -> dict[str, NetworkFacts]:
    """The reason a commissioner approved each network below the population band.

    From the latest approved registration in force on ``day``, or the
    governance record of approval holding on ``day`` when it is later; the
    population check then reports the approval (citing it) instead of asking
    for one.
    """
    wanted = list(networks)
    latest: dict[str, tuple[date, str]] = {}
    approved = (
        Application.objects.filter(
            kind=Kind.REGISTRATION,
            state__in=APPROVED_STATES,
            network_id__in=wanted,
            effective_from__lte=day,
        )
        .order_by("effective_from", "id")
        .values_list("network_id", "reference", "details", "effective_from")
    )
    for network, reference, details, start in approved:
        reason = (details or {}).get("small_population_reason")
        if reason:
            latest[network] = (start, f"{reason} — application {reference}")
    recorded = queries.holding_on(
        SmallPopulationApproval.objects.filter(network_id__in=wanted), day
    ).order_by("valid_from", "id")
    for approval in recorded:
        start = approval.valid_from
        if approval.network_id not in latest or latest[approval.network_id][0] <= start:
            latest[approval.network_id] = (
                start,
                f"{approval.approval_reason} — small population approval "
                f"recorded in its governance, from {start.isoformat()}",
            )
    return {
        network: NetworkFacts(small_population_reason=reason)
        for network, (_, reason) in latest.items()
    }
