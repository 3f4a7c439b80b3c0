"""What approved applications add to a network's facts for the contract checks."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from pcnhub.rules.snapshot import NetworkFacts
from pcnhub.workflow.models import APPROVED_STATES, Application, Kind


def small_population_reasons(
    networks: Iterable[str], day: date
) -> dict[str, NetworkFacts]:
    """The reason a commissioner approved each network below the population band.

    From the latest approved registration in force on ``day``; the population
    check then reports the approval (with its reference) instead of asking for one.
    """
    found: dict[str, NetworkFacts] = {}
    approved = (
        Application.objects.filter(
            kind=Kind.REGISTRATION,
            state__in=APPROVED_STATES,
            network_id__in=list(networks),
            effective_from__lte=day,
        )
        .order_by("effective_from", "id")
        .values_list("network_id", "reference", "details")
    )
    for network, reference, details in approved:
        reason = (details or {}).get("small_population_reason")
        if reason:
            found[network] = NetworkFacts(
                small_population_reason=f"{reason} — application {reference}"
            )
    return found
