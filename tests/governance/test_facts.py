"""Recorded governance feeds the contract checks and entitlements (facts_on)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from pcnhub.audit.services import Actor
from pcnhub.contract.services import run_checks, run_entitlements
from pcnhub.governance import reading, services
from pcnhub.rules.checks import BREACH, MET, UNKNOWN, WARNING
from pcnhub.rules.periods import ContractYear
from pcnhub.rules.snapshot import NetworkFacts

pytestmark = pytest.mark.django_db

NETWORK = "U99001"
OTHER = "U99002"
MEMBER = "Z91001"
ACTOR = Actor(system="governance-tests")
APRIL_2021 = date(2021, 4, 1)
JUNE_2021 = date(2021, 6, 1)
GOVERNANCE_RULES = (
    "governance.clinical_director",
    "governance.nominated_payee",
    "governance.network_agreement",
    "governance.data_sharing",
)


def outcomes(day: date, pcn: str = NETWORK, **kwargs) -> dict[str, str]:  # type: ignore[no-untyped-def]
    run = run_checks(day, pcn=pcn, **kwargs)
    return {f.rule: f.outcome for f in run.findings if f.rule in GOVERNANCE_RULES}


def record_everything(network: str = NETWORK, payee: str = MEMBER) -> None:
    services.appoint_clinical_director(
        ACTOR,
        network,
        name="Dr Ada Lovelace",
        profession="gp",
        wte=Decimal("1"),
        start=APRIL_2021,
    )
    services.set_nominated_payee(
        ACTOR,
        network,
        payee_code=payee,
        payee_name="",
        kind="member_practice",
        start=APRIL_2021,
    )
    services.record_network_agreement(
        ACTOR,
        network,
        status="signed",
        signed_on=date(2021, 3, 30),
        schedules_complete=True,
        start=APRIL_2021,
    )
    services.record_data_sharing(
        ACTOR, network, status="signed", signed_on=date(2021, 3, 30), start=APRIL_2021
    )


def test_without_records_the_governance_checks_are_not_known(demo_data) -> None:
    assert outcomes(JUNE_2021) == dict.fromkeys(GOVERNANCE_RULES, UNKNOWN)
    assert reading.facts_on([NETWORK], JUNE_2021) == {}


def test_recorded_governance_meets_the_checks(demo_data) -> None:
    record_everything()
    assert outcomes(JUNE_2021) == dict.fromkeys(GOVERNANCE_RULES, MET)
    run = run_checks(JUNE_2021, pcn=NETWORK)
    director = next(f for f in run.findings if f.rule == "governance.clinical_director")
    assert "Dr Ada Lovelace" in director.message
    # Before anything was recorded the checks still say "not known".
    assert outcomes(date(2021, 3, 31)) == dict.fromkeys(GOVERNANCE_RULES, UNKNOWN)
    # Another network's checks are untouched.
    assert outcomes(JUNE_2021, pcn=OTHER) == dict.fromkeys(GOVERNANCE_RULES, UNKNOWN)


def test_facts_on_reads_each_record(demo_data) -> None:
    record_everything()
    facts = reading.facts_on([NETWORK, OTHER], JUNE_2021)
    assert facts == {
        NETWORK: NetworkFacts(
            clinical_directors=("Dr Ada Lovelace",),
            nominated_payee=MEMBER,
            agreement_signed=True,
            schedules_complete=True,
            data_sharing=True,
        )
    }


def test_draft_and_terminated_agreements_breach(demo_data) -> None:
    record_everything()
    start = date(2021, 7, 1)
    services.record_network_agreement(
        ACTOR,
        NETWORK,
        status="terminated",
        signed_on=None,
        schedules_complete=False,
        start=start,
    )
    services.record_data_sharing(
        ACTOR, NETWORK, status="draft", signed_on=None, start=start
    )
    found = outcomes(start)
    assert found["governance.network_agreement"] == BREACH
    assert found["governance.data_sharing"] == BREACH
    assert outcomes(JUNE_2021)["governance.network_agreement"] == MET


def test_no_director_in_post_is_a_breach_not_unknown(demo_data) -> None:
    record_everything()
    (appointment,) = reading.governance_on(NETWORK, JUNE_2021).clinical_directors
    services.end_clinical_director(ACTOR, appointment, on=date(2021, 9, 1))
    assert (
        reading.facts_on([NETWORK], date(2021, 9, 1))[NETWORK].clinical_directors == ()
    )
    assert outcomes(date(2021, 9, 1))["governance.clinical_director"] == BREACH


def test_the_payee_is_given_as_the_check_reads_it(demo_data) -> None:
    services.set_nominated_payee(
        ACTOR,
        NETWORK,
        payee_code="RX123",
        payee_name="Wendmoor Community Trust",
        kind="other_provider",
        start=APRIL_2021,
    )
    # Another provider by ODS code: a warning to check the members agreed.
    assert outcomes(JUNE_2021)["governance.nominated_payee"] == WARNING
    services.set_nominated_payee(
        ACTOR,
        NETWORK,
        payee_code="",
        payee_name="Wendmoor Central PCN account",
        kind="network_account",
        start=date(2021, 7, 1),
    )
    # The network's own account is given as the network's code.
    assert reading.facts_on([NETWORK], date(2021, 7, 1))[NETWORK] == NetworkFacts(
        nominated_payee=NETWORK
    )
    run = run_checks(date(2021, 7, 1), pcn=NETWORK)
    (finding,) = [f for f in run.findings if f.rule == "governance.nominated_payee"]
    assert finding.evidence == {"nominated_payee": NETWORK}
    assert "own" in finding.message  # judged as the network's own account


def test_a_facts_file_wins_field_by_field(demo_data) -> None:
    record_everything()
    file_facts = {NETWORK: NetworkFacts(data_sharing=False, care_home_beds=12)}
    found = outcomes(JUNE_2021, facts=file_facts)
    assert found["governance.data_sharing"] == BREACH  # the file said no
    assert found["governance.clinical_director"] == MET  # the file said nothing
    assert found["governance.nominated_payee"] == MET


def test_entitlements_name_the_recorded_payee(demo_data) -> None:
    record_everything()
    run = run_entitlements(ContractYear.parse("2021/22"), pcn=NETWORK)
    payees = {line.payee for line in run.lines if line.network == NETWORK}
    assert MEMBER in payees
