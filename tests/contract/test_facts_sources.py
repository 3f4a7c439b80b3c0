"""Other apps add to networks' facts through PCNHUB_NETWORK_FACTS_SOURCES, which
the contract reads by name (it does not import the workflow)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from pathlib import Path

import pytest
from django.test import override_settings

from pcnhub.contract import snapshots
from pcnhub.rules.snapshot import NetworkFacts
from pcnhub.workflow.approvals import small_population_reasons
from tests.web.conftest import load_demo

JAN_2021 = date(2021, 1, 1)
calls: list[tuple[frozenset[str], date]] = []


def every_network_approved(
    codes: Collection[str], day: date
) -> dict[str, NetworkFacts]:
    calls.append((frozenset(codes), day))
    return {
        code: NetworkFacts(small_population_reason=f"approved for the test on {day}")
        for code in codes
    }


def test_the_workflow_approvals_are_a_source_by_default() -> None:
    assert small_population_reasons in snapshots.facts_sources()


@pytest.mark.django_db
def test_each_source_named_in_the_settings_completes_the_networks_facts(
    tmp_path: Path,
) -> None:
    load_demo(tmp_path / "demo")
    name = f"{__name__}.every_network_approved"
    calls.clear()
    with override_settings(PCNHUB_NETWORK_FACTS_SOURCES=[name]):
        register = snapshots.networks_on(JAN_2021)
    assert register.networks
    assert calls == [(frozenset(n.code for n in register.networks), JAN_2021)]
    assert {n.facts.small_population_reason for n in register.networks} == {
        "approved for the test on 2021-01-01"
    }
    with override_settings(PCNHUB_NETWORK_FACTS_SOURCES=[]):
        plain = snapshots.networks_on(JAN_2021)
    assert not any(
        (n.facts.small_population_reason or "").startswith("approved for the test")
        for n in plain.networks
    )
