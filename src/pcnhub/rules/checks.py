"""Requirement checks: findings about a network, or a commissioner's area, on a day.

Each check reads the year's parameters (a requirement is only checked while its
``requirements.*`` flag is in force) and returns findings with evidence and the
source of the rule. Outcomes, most serious first: ``breach``, ``needs
commissioner approval``, ``warning``, ``not known`` (the information is not
recorded in pcnhub, so the requirement cannot be checked), ``met``.

Every finding cites its rule's documents (:mod:`pcnhub.rules.sources`), and
every figure from a list names the date of the list it used: when that is not
the contract's basis date (1 January before the year), a finding says so.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

from pcnhub.rules.findings import (
    APPROVAL,
    BASIS_SOURCE,
    BREACH,
    CITED_CODES,
    LISTS_RULE,
    MET,
    OUTCOMES,
    UNKNOWN,
    WARNING,
    Check,
    Finding,
    Outcome,
    cited,
    list_date,
    lists_used,
    seriousness,
)
from pcnhub.rules.list_checks import _lists_current, _population
from pcnhub.rules.network_checks import (
    _clinical_director,
    _contiguity,
    _core_contract,
    _data_sharing,
    _network_agreement,
    _nominated_payee,
)
from pcnhub.rules.params import Parameters
from pcnhub.rules.registry import default_parameters
from pcnhub.rules.snapshot import Network, Practice
from pcnhub.rules.trace import number

#: What callers import from here: the checks and the entry points defined
#: below, and the findings' vocabulary (:mod:`pcnhub.rules.findings`),
#: re-exported.
__all__ = [
    "APPROVAL",
    "BASIS_SOURCE",
    "BREACH",
    "CHECKS",
    "CITED_CODES",
    "LISTS_RULE",
    "MET",
    "OUTCOMES",
    "UNKNOWN",
    "WARNING",
    "Check",
    "Finding",
    "Outcome",
    "check_coverage",
    "check_network",
    "check_practices_in_one_network",
    "cited",
    "list_date",
    "lists_note",
    "lists_used",
    "seriousness",
]


CHECKS: tuple[Check, ...] = (
    Check(
        "population.band",
        "Population in the normal band",
        "population.minimum",
        _population,
    ),
    Check(
        LISTS_RULE,
        "Lists are of the contract's date",
        "population.minimum",
        _lists_current,
    ),
    Check(
        "membership.core_contract",
        "Members hold a live core contract",
        "requirements.core_contract",
        _core_contract,
    ),
    Check(
        "governance.clinical_director",
        "A clinical director is named",
        "requirements.clinical_director",
        _clinical_director,
    ),
    Check(
        "governance.nominated_payee",
        "The nominated payee is valid",
        "requirements.nominated_payee",
        _nominated_payee,
    ),
    Check(
        "governance.network_agreement",
        "Network agreement signed with schedules",
        "requirements.network_agreement",
        _network_agreement,
    ),
    Check(
        "governance.data_sharing",
        "Data-sharing agreement in place",
        "requirements.data_sharing",
        _data_sharing,
    ),
    Check(
        "geography.contiguity",
        "Geographically contiguous (warning)",
        "geography.contiguity_distance",
        _contiguity,
    ),
)


def check_network(
    network: Network, day: date, parameters: Parameters | None = None
) -> list[Finding]:
    """Every requirement check in force on ``day`` for one network."""
    parameters = parameters or default_parameters()
    findings: list[Finding] = []
    for check in CHECKS:
        switch = parameters.at(check.requirement, day)
        if switch is None or switch.value is False:
            continue
        findings += check.run(network, day, parameters, switch)
    return findings


def check_practices_in_one_network(
    networks: Sequence[Network], day: date, parameters: Parameters | None = None
) -> list[Finding]:
    """A practice may be a member of one network only on any day."""
    parameters = parameters or default_parameters()
    flag = parameters.at("requirements.one_network_per_practice", day)
    if flag is None or not flag.value:
        return []
    homes: dict[str, list[Network]] = defaultdict(list)
    for network in networks:
        for practice in network.members_on(day):
            homes[practice.code].append(network)
    return [
        Finding(
            "membership.one_network",
            Outcome.BREACH,
            f"{code} is a member of {len(found)} networks on {day}: "
            f"{', '.join(n.code for n in found)}",
            pcn_code=found[0].code,
            practice_code=code,
            commissioner_code=found[0].commissioner,
            evidence={"networks": " ".join(n.code for n in found)},
            **cited(flag.source),
        )
        for code, found in sorted(homes.items())
        if len(found) > 1
    ]


def check_coverage(
    commissioner: str,
    area: Iterable[Practice],
    networks: Sequence[Network],
    day: date,
    parameters: Parameters | None = None,
) -> list[Finding]:
    """100 % coverage: every open practice in the commissioner's area in a network.

    ``area`` is the practices the commissioner is responsible for on ``day``.
    """
    parameters = parameters or default_parameters()
    flag = parameters.at("requirements.coverage", day)
    if flag is None or not flag.value:
        return []
    covered = {p.code for n in networks for p in n.members_on(day)}
    area = list(area)
    uncovered = sorted((p for p in area if p.code not in covered), key=lambda p: p.code)
    findings = [
        Finding(
            "coverage.all_practices",
            Outcome.BREACH,
            f"{p.code} {p.name} is in no network: its "
            f"{_patients(p.registered)} patients are not covered",
            practice_code=p.code,
            commissioner_code=commissioner,
            evidence={
                "registered_patients": _patients(p.registered),
                **_list_of(p),
            },
            **cited(flag.source),
        )
        for p in uncovered
    ]
    patients = sum((p.registered or Decimal(0) for p in uncovered), Decimal(0))
    everyone = sum((p.registered or Decimal(0) for p in area), Decimal(0))
    share = (100 * (everyone - patients) / everyone) if everyone else Decimal(100)
    summary = (
        f"{len(uncovered)} of {len(area)} practices ({number(patients)} patients) "
        f"are in no network: coverage {share:.1f}% of patients"
        if uncovered
        else f"all {len(area)} practices are in a network (100% coverage)"
    )
    dated = {p.code: p.registered_on for p in area if p.registered_on}
    findings.append(
        Finding(
            "coverage.all_practices",
            Outcome.BREACH if uncovered else Outcome.MET,
            summary,
            commissioner_code=commissioner,
            evidence={
                "practices": str(len(area)),
                "uncovered_practices": str(len(uncovered)),
                "uncovered_patients": f"{number(patients)}",
                **({"list_of": lists_used(dict(dated))} if dated else {}),
            },
            **cited(flag.source),
        )
    )
    return findings


def lists_note(findings: Sequence[Finding]) -> list[str]:
    """What a reader of a run should know about its lists: which, and how old.

    For the command line: the registered lists the population checks used and,
    when some are older than the basis date, that they are stale.
    """
    used = sorted(
        {
            part.split(" (")[0]
            for f in findings
            if f.rule == "population.band"
            for part in f.evidence.get("list_of", "").split("; ")
            if part and part != "none held"
        },
        reverse=True,
    )
    notes = [f"the checks use registered lists of {', '.join(used)}"] if used else []
    stale = [
        f for f in findings if f.rule == LISTS_RULE and "newest_list" in f.evidence
    ]
    if stale:
        basis = sorted({f.evidence["basis_date"] for f in stale})
        newest = sorted({f.evidence["newest_list"] for f in stale}, reverse=True)
        notes.append(
            f"the lists are stale for {len(stale)} network"
            f"{'' if len(stale) == 1 else 's'}: the contract's basis date is "
            f"{', '.join(basis)} but the newest lists held are of "
            f"{', '.join(newest)}; import newer lists"
        )
    return notes


def _list_of(practice: Practice) -> dict[str, str]:
    if practice.registered is None:
        return {"list_of": "no list held"}
    if practice.registered_on is None:
        return {}
    return {"list_of": practice.registered_on.isoformat()}


def _patients(value: Decimal | None) -> str:
    return "an unknown number of" if value is None else number(value)
