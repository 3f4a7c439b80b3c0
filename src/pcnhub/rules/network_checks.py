"""The checks on a network's make-up and governance: members hold a live core
contract, a clinical director and a valid nominated payee, the network agreement
and data sharing, and geographical contiguity.
"""

from __future__ import annotations

import re
from datetime import date

from pcnhub.rules.findings import Finding, Outcome, _finding
from pcnhub.rules.geography import Place, contiguity
from pcnhub.rules.params import Parameters, Value
from pcnhub.rules.snapshot import Network

_ODS = re.compile(r"^[A-Z0-9]{3,6}$")


def _core_contract(
    network: Network, day: date, parameters: Parameters, flag: Value
) -> list[Finding]:
    rule = "membership.core_contract"
    members = network.members_on(day)
    findings = [
        _finding(
            network,
            rule,
            Outcome.BREACH,
            f"{p.code} {p.name} does not hold a live GP core contract on {day} "
            "(closed, or not a GP practice), so cannot be a Core Network Practice",
            flag,
            practice_code=p.code,
        )
        for p in members
        if p.core_contract is False
    ]
    unknown = [p.code for p in members if p.core_contract is None]
    if unknown:
        findings.append(
            _finding(
                network,
                rule,
                Outcome.UNKNOWN,
                f"no practice details on {day} for {', '.join(unknown)}; "
                "import an ODS practice extract to check their contracts",
                flag,
                evidence={"practices": " ".join(unknown)},
            )
        )
    if not findings:
        findings.append(
            _finding(
                network,
                rule,
                Outcome.MET,
                f"all {len(members)} members are open GP practices",
                flag,
            )
        )
    return findings


def _recorded(
    network: Network, rule: str, flag: Value, what: str, value: object
) -> Finding | None:
    if value is None:
        return _finding(
            network,
            rule,
            Outcome.UNKNOWN,
            f"{what} is not recorded in pcnhub, so this requirement is not checked",
            flag,
        )
    return None


def _clinical_director(
    network: Network, day: date, parameters: Parameters, flag: Value
) -> list[Finding]:
    rule, directors = "governance.clinical_director", network.facts.clinical_directors
    missing = _recorded(network, rule, flag, "the clinical director", directors)
    if missing:
        return [missing]
    if not directors:
        return [
            _finding(
                network, rule, Outcome.BREACH, "no clinical director is named", flag
            )
        ]
    return [
        _finding(
            network,
            rule,
            Outcome.MET,
            f"clinical director: {', '.join(directors)}",
            flag,
            evidence={"clinical_directors": ", ".join(directors)},
        )
    ]


def _nominated_payee(
    network: Network, day: date, parameters: Parameters, flag: Value
) -> list[Finding]:
    rule, payee = "governance.nominated_payee", network.facts.nominated_payee
    missing = _recorded(network, rule, flag, "the nominated payee", payee)
    if missing:
        return [missing]
    assert payee is not None
    own = parameters.at("requirements.own_bank_account", day)
    members = {p.code for p in network.members_on(day)}
    evidence = {"nominated_payee": payee}
    if payee == network.code:
        return [_own_account(network, rule, own, flag, evidence)]
    return [_other_payee(network, rule, payee, members, flag, evidence)]


def _own_account(
    network: Network,
    rule: str,
    own: Value | None,
    flag: Value,
    evidence: dict[str, str],
) -> Finding:
    """The network paid into its own bank account: met where the year allows it."""
    if own is not None and own.value:
        message = "paid into the network's own bank account"
        return _finding(network, rule, Outcome.MET, message, own, evidence=evidence)
    message = (
        "payments to the network's own account are not allowed in this "
        "contract year: name a practice or provider"
    )
    return _finding(
        network, rule, Outcome.BREACH, message, own or flag, evidence=evidence
    )


def _other_payee(
    network: Network,
    rule: str,
    payee: str,
    members: set[str],
    flag: Value,
    evidence: dict[str, str],
) -> Finding:
    """A member practice is met; another ODS code a warning; else a breach."""
    if payee in members:
        outcome = Outcome.MET
        message = f"{payee} (a member practice) receives the network's funding"
    elif _ODS.match(payee):
        outcome = Outcome.WARNING
        message = (
            f"{payee} is not a member practice: check it is a provider the "
            "members agreed to receive the funding"
        )
    else:
        outcome, message = Outcome.BREACH, f"{payee!r} is not an ODS code"
    return _finding(network, rule, outcome, message, flag, evidence=evidence)


def _network_agreement(
    network: Network, day: date, parameters: Parameters, flag: Value
) -> list[Finding]:
    rule, facts = "governance.network_agreement", network.facts
    missing = _recorded(
        network, rule, flag, "the network agreement", facts.agreement_signed
    )
    if missing:
        return [missing]
    if not facts.agreement_signed:
        return [
            _finding(
                network,
                rule,
                Outcome.BREACH,
                "the network agreement is not signed "
                "by every member; no payments are due without it",
                flag,
            )
        ]
    if facts.schedules_complete is False:
        return [
            _finding(
                network,
                rule,
                Outcome.BREACH,
                "the network agreement is signed but its schedules are not completed",
                flag,
            )
        ]
    if facts.schedules_complete is None:
        return [
            _finding(
                network,
                rule,
                Outcome.WARNING,
                "the network agreement is signed; "
                "whether its schedules are completed is not recorded",
                flag,
            )
        ]
    return [
        _finding(
            network,
            rule,
            Outcome.MET,
            "the network agreement and its schedules are signed",
            flag,
        )
    ]


def _data_sharing(
    network: Network, day: date, parameters: Parameters, flag: Value
) -> list[Finding]:
    rule, value = "governance.data_sharing", network.facts.data_sharing
    missing = _recorded(network, rule, flag, "the data-sharing agreement", value)
    if missing:
        return [missing]
    if not value:
        return [
            _finding(
                network,
                rule,
                Outcome.BREACH,
                "no data-sharing agreement is in place between the members",
                flag,
            )
        ]
    return [
        _finding(
            network, rule, Outcome.MET, "a data-sharing agreement is in place", flag
        )
    ]


def _contiguity(
    network: Network, day: date, parameters: Parameters, distance: Value
) -> list[Finding]:
    rule = "geography.contiguity"
    members = network.members_on(day)
    places = [Place(p.code, *p.location) for p in members if p.location]
    unlocated = sorted(p.code for p in members if not p.location)
    evidence: dict[str, object] = {"neighbour_distance_km": distance.value}
    if unlocated:
        evidence["practices_without_location"] = " ".join(unlocated)
    if len(places) < 2:
        return [
            _finding(
                network,
                rule,
                Outcome.UNKNOWN if unlocated else Outcome.MET,
                "fewer than two members have a known location"
                if unlocated
                else "a single-practice network is contiguous",
                distance,
                evidence=evidence,
            )
        ]
    result = contiguity(places, float(distance.value))
    if result.connected:
        message = (
            f"every member is within {distance.value} km of another member "
            "(one connected group)"
        )
        return [
            _finding(network, rule, Outcome.MET, message, distance, evidence=evidence)
        ]
    groups = " | ".join(" ".join(g) for g in result.groups)
    evidence.update({"groups": groups, "gap_km": f"{result.gap_km:.1f}"})
    if result.isolated:
        evidence["isolated"] = " ".join(f"{c} ({km} km)" for c, km in result.isolated)
    return [
        _finding(
            network,
            rule,
            Outcome.WARNING,
            f"members form {len(result.groups)} groups more than {distance.value} km "
            f"apart (the nearest groups are {result.gap_km:.1f} km apart): check the "
            "network is geographically contiguous",
            distance,
            evidence=evidence,
        )
    ]
