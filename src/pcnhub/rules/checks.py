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

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from pcnhub.rules.geography import Place, contiguity
from pcnhub.rules.params import Parameters, Source, Value
from pcnhub.rules.registry import default_parameters
from pcnhub.rules.snapshot import Network, Practice
from pcnhub.rules.sources import Citation, citations, source_text
from pcnhub.rules.trace import number


class Outcome(StrEnum):
    """A finding's outcome, most serious first.

    The value is the text stored with a run, shown on pages and written to the
    CSV, Excel and API: members are ``str`` and format as their values.
    """

    BREACH = "breach"
    APPROVAL = "needs commissioner approval"
    WARNING = "warning"
    UNKNOWN = "not known"
    MET = "met"


#: The outcomes under their older names, for callers written before ``Outcome``.
BREACH = Outcome.BREACH
APPROVAL = Outcome.APPROVAL
WARNING = Outcome.WARNING
UNKNOWN = Outcome.UNKNOWN
MET = Outcome.MET
#: Plain strings, most serious first: what a command line offers as choices and
#: an error lists, so their repr stays ``'breach'``.
OUTCOMES: tuple[str, ...] = tuple(o.value for o in Outcome)
_RANK = {outcome: i for i, outcome in enumerate(OUTCOMES)}


def seriousness(outcome: str) -> int:
    """0 for a breach … 4 for met; an unknown outcome sorts last."""
    return _RANK.get(outcome, len(OUTCOMES))


_ODS = re.compile(r"^[A-Z0-9]{3,6}$")


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    outcome: str
    message: str
    pcn_code: str = ""
    practice_code: str = ""
    commissioner_code: str = ""
    evidence: dict[str, str] = field(default_factory=dict)
    #: The citations as text (CSV, command line); ``citations`` for links.
    source: str = ""
    citations: tuple[Citation, ...] = ()

    def row(self) -> dict[str, str]:
        evidence = "; ".join(f"{k}={v}" for k, v in self.evidence.items())
        return {
            "pcn_code": self.pcn_code,
            "practice_code": self.practice_code,
            "commissioner_code": self.commissioner_code,
            "rule": self.rule,
            "outcome": self.outcome,
            "message": self.message,
            "evidence": evidence,
            "source": self.source,
        }


@dataclass(frozen=True)
class Check:
    id: str
    label: str
    requirement: str  # the requirements.* or other parameter that switches it on
    run: Callable[[Network, date, Parameters, Value], list[Finding]]


def cited(source: Source) -> dict[str, Any]:
    """A finding's ``source`` and ``citations`` for a rule's source."""
    return {"source": source_text(source), "citations": tuple(citations(source))}


def _finding(
    network: Network, rule: str, outcome: str, message: str, source: Value, **kw: Any
) -> Finding:
    evidence = {k: str(v) for k, v in kw.pop("evidence", {}).items()}
    return Finding(
        rule,
        outcome,
        message,
        pcn_code=network.code,
        commissioner_code=network.commissioner,
        evidence=evidence,
        **cited(source.source),
        **kw,
    )


#: The contract counts a network's population on its lists of 1 January before
#: the year ("network list size as of 1st January each year").
BASIS_SOURCE = Source("Network list size as at 1 January", "", ("N7", "B4"))
LISTS_RULE = "data.lists_current"
#: Every source code the checks cite themselves (not through a parameter).
CITED_CODES = BASIS_SOURCE.refs


def list_date(practice: Practice, network: Network) -> date | None:
    """The date of the registered list the snapshot took for ``practice``.

    A snapshot that gives lists without dates (a case file, a what-if) gives
    the basis date's lists.
    """
    if practice.registered is None:
        return None
    return practice.registered_on or network.lists_on


def lists_used(dates: dict[str, date | None]) -> str:
    """``2022-01-01``, or each date with its practices when they differ."""
    by_date: dict[date, list[str]] = defaultdict(list)
    for code, day in sorted(dates.items()):
        if day is not None:
            by_date[day].append(code)
    if len(by_date) == 1:
        return next(iter(by_date)).isoformat()
    if not by_date:
        return "none held"
    return "; ".join(
        f"{day} ({' '.join(codes)})" for day, codes in sorted(by_date.items())[::-1]
    )


def _population(
    network: Network, day: date, parameters: Parameters, flag: Value
) -> list[Finding]:
    members = network.members_on(day)
    total = sum((p.registered or Decimal(0) for p in members), Decimal(0))
    missing = [p.code for p in members if p.registered is None]
    minimum = parameters.at("population.minimum", day)
    maximum = parameters.at("population.typical_maximum", day)
    assert minimum is not None and maximum is not None
    evidence = {
        "registered_population": f"{number(total)}",
        "practices": len(members),
        "list_of": lists_used({p.code: list_date(p, network) for p in members}),
        "normal_band": f"{minimum.value:,}–{maximum.value:,}",
    }
    if missing:
        evidence["members_without_list"] = " ".join(missing)
    rule = "population.band"
    if total < minimum.value:
        # Said in the evidence, so that the workflow need not read the message.
        evidence["below_minimum"] = "yes"
        reason = network.facts.small_population_reason
        if reason:
            return [
                _finding(
                    network,
                    rule,
                    Outcome.MET,
                    f"{number(total)} patients is below {minimum.value:,}; "
                    f"the commissioner approved it ({reason})",
                    minimum,
                    evidence=evidence,
                )
            ]
        if missing:
            # The members without a list could lift it into the band.
            return [
                _finding(
                    network,
                    rule,
                    Outcome.UNKNOWN,
                    f"{number(total)} registered patients counted, short of the "
                    f"{minimum.value:,} minimum, but {', '.join(missing)} "
                    f"{'has' if len(missing) == 1 else 'have'} no list in pcnhub, "
                    "so the network's population is not known",
                    minimum,
                    evidence=evidence,
                )
            ]
        return [
            _finding(
                network,
                rule,
                Outcome.APPROVAL,
                f"{number(total)} registered patients is below the {minimum.value:,} "
                "minimum: the commissioner must approve it with a reason, such as a "
                "natural community over a large rural or remote area",
                minimum,
                evidence=evidence,
            )
        ]
    above = total > maximum.value
    message = f"{number(total)} registered patients is within the normal band"
    if above:
        message = (
            f"{number(total)} registered patients is above the typical "
            f"{maximum.value:,}, which the contract allows (not a strict limit)"
        )
    return [
        _finding(
            network,
            rule,
            Outcome.MET,
            message,
            maximum if above else minimum,
            evidence=evidence,
        )
    ]


def _age(older: date, newer: date) -> str:
    """``4 years``, ``3 months`` or ``12 days``: how much older a list is."""
    months = (newer.year - older.year) * 12 + newer.month - older.month
    months -= newer.day < older.day
    if months >= 12 and months % 12 == 0:
        return f"{months // 12} year{'s' if months > 12 else ''}"
    if months >= 1:
        return f"{months} month{'s' if months > 1 else ''}"
    days = (newer - older).days
    return f"{days} day{'s' if days != 1 else ''}"


def _list_finding(
    network: Network,
    outcome: str,
    message: str,
    evidence: dict[str, str],
    practice_code: str = "",
) -> Finding:
    return Finding(
        LISTS_RULE,
        outcome,
        message,
        pcn_code=network.code,
        practice_code=practice_code,
        commissioner_code=network.commissioner,
        evidence=evidence,
        **cited(BASIS_SOURCE),
    )


def _no_list(network: Network, practice: Practice, basis: date | None) -> Finding:
    who = f"{practice.code} {practice.name}".strip()
    return _list_finding(
        network,
        Outcome.UNKNOWN,
        f"{who} has no registered list in pcnhub (none has been imported for it, "
        "on any date), so its patients are not counted in the network's "
        "population: import a “Patients Registered at a GP Practice” file that "
        "includes it",
        {"basis_date": basis.isoformat()} if basis else {},
        practice.code,
    )


def _off_basis(network: Network, code: str, used: date, basis: date) -> Finding:
    if used < basis:
        message = (
            f"{code}'s newest registered list is of {used}, {_age(used, basis)} "
            f"older than the basis date {basis} of the other members' lists: "
            "its patients are counted as they were then"
        )
    else:
        message = (
            f"pcnhub holds no registered list of {code} on or before the basis "
            f"date {basis}; its list of {used}, after the basis date, is used"
        )
    evidence = {"basis_date": basis.isoformat(), "list_of": used.isoformat()}
    return _list_finding(network, Outcome.WARNING, message, evidence, code)


def _lists_current(
    network: Network, day: date, parameters: Parameters, flag: Value
) -> list[Finding]:
    """The lists used are those of the basis date; else say which and how old."""
    members = network.members_on(day)
    basis = network.lists_on
    found = [_no_list(network, p, basis) for p in members if p.registered is None]
    dates = {p.code: list_date(p, network) for p in members if p.registered is not None}
    known = {code: used for code, used in dates.items() if used is not None}
    if basis is None or not known:
        return found
    newest = max(known.values())
    if newest < basis:
        message = (
            f"the population rests on registered lists of {newest}, the newest "
            f"pcnhub holds for these members, but the contract counts it on the "
            f"lists of {basis} (1 January before the contract year): they are "
            f"{_age(newest, basis)} older. Import the lists of {basis} to check "
            "on current figures"
        )
        evidence = {
            "basis_date": basis.isoformat(),
            "newest_list": newest.isoformat(),
            "list_of": lists_used(dict(known)),
        }
        return [_list_finding(network, Outcome.WARNING, message, evidence), *found]
    found += [
        _off_basis(network, code, used, basis)
        for code, used in sorted(known.items())
        if used != basis
    ]
    return found


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
        if own is not None and own.value:
            return [
                _finding(
                    network,
                    rule,
                    Outcome.MET,
                    "paid into the network's own bank account",
                    own,
                    evidence=evidence,
                )
            ]
        return [
            _finding(
                network,
                rule,
                Outcome.BREACH,
                "payments to the network's own account are not allowed in this "
                "contract year: name a practice or provider",
                own or flag,
                evidence=evidence,
            )
        ]
    if payee in members:
        return [
            _finding(
                network,
                rule,
                Outcome.MET,
                f"{payee} (a member practice) receives the network's funding",
                flag,
                evidence=evidence,
            )
        ]
    if _ODS.match(payee):
        return [
            _finding(
                network,
                rule,
                Outcome.WARNING,
                f"{payee} is not a member practice: check it is a provider the "
                "members agreed to receive the funding",
                flag,
                evidence=evidence,
            )
        ]
    return [
        _finding(
            network,
            rule,
            Outcome.BREACH,
            f"{payee!r} is not an ODS code",
            flag,
            evidence=evidence,
        )
    ]


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
