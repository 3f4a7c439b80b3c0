"""The population checks: the network's registered population in the normal band
(``population.band``), and whether the lists it rests on are of the contract's
basis date (``data.lists_current``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from pcnhub.rules.findings import (
    BASIS_SOURCE,
    LISTS_RULE,
    Finding,
    Outcome,
    _finding,
    cited,
    list_date,
    lists_used,
)
from pcnhub.rules.params import Parameters, Value
from pcnhub.rules.snapshot import Network, Practice
from pcnhub.rules.trace import number

BAND_RULE = "population.band"


def _population(
    network: Network, day: date, parameters: Parameters, flag: Value
) -> list[Finding]:
    members = network.members_on(day)
    total = sum((p.registered or Decimal(0) for p in members), Decimal(0))
    missing = [p.code for p in members if p.registered is None]
    minimum = parameters.at("population.minimum", day)
    maximum = parameters.at("population.typical_maximum", day)
    assert minimum is not None and maximum is not None
    evidence = _population_evidence(network, members, total, missing, minimum, maximum)
    if total < minimum.value:
        # Said in the evidence, so that the workflow need not read the message.
        evidence["below_minimum"] = "yes"
        return [_below_minimum(network, total, missing, minimum, evidence)]
    return [_in_band(network, total, minimum, maximum, evidence)]


def _population_evidence(
    network: Network,
    members: Sequence[Practice],
    total: Decimal,
    missing: list[str],
    minimum: Value,
    maximum: Value,
) -> dict[str, object]:
    evidence: dict[str, object] = {
        "registered_population": f"{number(total)}",
        "practices": len(members),
        "list_of": lists_used({p.code: list_date(p, network) for p in members}),
        "normal_band": f"{minimum.value:,}–{maximum.value:,}",
    }
    if missing:
        evidence["members_without_list"] = " ".join(missing)
    return evidence


def _below_minimum(
    network: Network,
    total: Decimal,
    missing: list[str],
    minimum: Value,
    evidence: dict[str, object],
) -> Finding:
    """Met with the commissioner's approval; else not known while a member has
    no list (its list could lift the network into the band); else it needs one."""
    reason = network.facts.small_population_reason
    if reason:
        outcome = Outcome.MET
        message = (
            f"{number(total)} patients is below {minimum.value:,}; "
            f"the commissioner approved it ({reason})"
        )
    elif missing:
        outcome = Outcome.UNKNOWN
        message = (
            f"{number(total)} registered patients counted, short of the "
            f"{minimum.value:,} minimum, but {', '.join(missing)} "
            f"{'has' if len(missing) == 1 else 'have'} no list in pcnhub, "
            "so the network's population is not known"
        )
    else:
        outcome = Outcome.APPROVAL
        message = (
            f"{number(total)} registered patients is below the {minimum.value:,} "
            "minimum: the commissioner must approve it with a reason, such as a "
            "natural community over a large rural or remote area"
        )
    return _finding(network, BAND_RULE, outcome, message, minimum, evidence=evidence)


def _in_band(
    network: Network,
    total: Decimal,
    minimum: Value,
    maximum: Value,
    evidence: dict[str, object],
) -> Finding:
    above = total > maximum.value
    message = f"{number(total)} registered patients is within the normal band"
    if above:
        message = (
            f"{number(total)} registered patients is above the typical "
            f"{maximum.value:,}, which the contract allows (not a strict limit)"
        )
    source = maximum if above else minimum
    return _finding(network, BAND_RULE, Outcome.MET, message, source, evidence=evidence)


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
