"""The contract checks run on what an application proposes.

The register on the effective date is taken as it is, the application's change
is applied to it (members joining, leaving, moving; new facts), and the M2
checks run on the networks that result. Nothing is written.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from pcnhub.contract import snapshots
from pcnhub.register import queries
from pcnhub.rules.changes import leave_notice
from pcnhub.rules.checks import (
    Finding,
    Outcome,
    check_network,
    check_practices_in_one_network,
    seriousness,
)
from pcnhub.rules.snapshot import Membership, Network, NetworkFacts
from pcnhub.workflow.models import Application, Change, Kind

NEW = "(new)"
LEAVING_KINDS = (Kind.PRACTICE_LEAVE, Kind.OPT_OUT)


def facts_from_details(details: dict, base: NetworkFacts | None = None) -> NetworkFacts:
    """Governance facts the application states, over what is already recorded."""
    facts = base or NetworkFacts()
    changes: dict = {}
    if "clinical_directors" in details:
        changes["clinical_directors"] = (
            tuple(d["name"] for d in details["clinical_directors"] if d.get("name"))
            or None
        )
    payee = details.get("payee")
    if payee:
        changes["nominated_payee"] = payee.get("code") or payee.get("name") or None
    agreement = details.get("agreement")
    if agreement:
        changes["agreement_signed"] = agreement.get("status") == "signed"
        changes["schedules_complete"] = bool(agreement.get("schedules_complete"))
    sharing = details.get("data_sharing")
    if sharing:
        changes["data_sharing"] = sharing.get("status") == "signed"
    if "small_population_reason" in details:
        changes["small_population_reason"] = details["small_population_reason"] or None
    return replace(facts, **changes)


def _existing(code: str, day: date) -> Network | None:
    found = snapshots.networks_on(day, only=code).networks
    return found[0] if found else None


def _without(network: Network, codes: set[str]) -> Network:
    kept = tuple(m for m in network.memberships if m.practice.code not in codes)
    return replace(network, memberships=kept)


def _with(network: Network, codes: list[str], day: date) -> Network:
    have = {p.code for p in network.practices}
    new = [c for c in codes if c not in have]
    practices = snapshots.practices_on(new, day) if new else {}
    added = tuple(Membership(practices[c]) for c in new)
    return replace(network, memberships=network.memberships + added)


def resulting_networks(application: Application) -> tuple[list[Network], set[str]]:
    """The networks as they would be on the effective date, and the practices moved."""
    day = application.effective_from
    rows = list(application.practices.all())
    by_change: dict[str, list[str]] = {}
    for row in rows:
        by_change.setdefault(row.change, []).append(row.practice_id)
    joins = by_change.get(Change.JOINS, []) + by_change.get(Change.MEMBER, [])
    leaves = set(by_change.get(Change.LEAVES, []))
    moves = by_change.get(Change.MOVES, [])
    details = application.details or {}
    kind = application.kind
    commissioner = application.commissioner_id
    if kind == Kind.REGISTRATION:
        empty = Network(
            NEW,
            details.get("network_name", ""),
            commissioner,
            (),
            lists_on=snapshots.latest_january(day),
        )
        network = _with(empty, joins, day)
        return [replace(network, facts=facts_from_details(details))], set(joins)
    current = _existing(application.network_id, day) if application.network_id else None
    if current is None:
        name = queries.names_on([application.network_id], day).get(
            application.network_id, ""
        )
        current = Network(
            application.network_id or "",
            name,
            commissioner,
            (),
            lists_on=snapshots.latest_january(day),
        )
    result = _with(_without(current, leaves | set(moves)), joins, day)
    result = replace(result, facts=facts_from_details(details, result.facts))
    networks = [result]
    moved = set(joins) | leaves | set(moves)
    if kind == Kind.MERGER:
        absorbed = _existing(details.get("absorbed_network", ""), day)
        if absorbed is not None:
            codes = [p.code for p in absorbed.members_on(day)]
            networks = [_with(result, codes, day)]
            moved |= set(codes)
    if kind == Kind.SPLIT and moves:
        empty = Network(
            NEW,
            details.get("new_network_name", ""),
            commissioner,
            (),
            lists_on=snapshots.latest_january(day),
        )
        networks.append(_with(empty, moves, day))
    return networks, moved


def _elsewhere(
    practices: set[str], networks: list[Network], day: date
) -> list[Network]:
    """The other networks the moved practices are in on the day (to check doubles)."""
    ours = {n.code for n in networks}
    others = set(queries.networks_of(practices, day).values()) - ours
    found = []
    for code in sorted(c for c in others if c):
        network = _existing(code, day)
        if network is not None:
            found.append(network)
    return found


def check(application: Application) -> list[Finding]:
    """Every finding on the proposal, most serious first."""
    day = application.effective_from
    networks, moved = resulting_networks(application)
    findings: list[Finding] = []
    for network in networks:
        findings += [_reword(f, network) for f in check_network(network, day)]
    if moved:
        others = _elsewhere(moved, networks, day)
        # A practice that leaves its network in this application is not counted twice.
        leaving = {
            r.practice_id
            for r in application.practices.all()
            if r.change in (Change.LEAVES, Change.MOVES)
        }
        absorbed = (application.details or {}).get("absorbed_network")
        others = [_without(n, leaving) for n in others if n.code != absorbed]
        doubles = check_practices_in_one_network(networks + others, day)
        findings += [f for f in doubles if f.practice_code in moved]
    if application.kind in LEAVING_KINDS:
        for row in application.practices.all():
            if row.change == Change.LEAVES:
                findings += leave_notice(
                    application.network_id or "",
                    row.practice_id,
                    application.notice_given_on,
                    day,
                )
    return sorted(findings, key=_seriousness)


def _reword(finding: Finding, network: Network) -> Finding:
    """Population below the band: the applicants' reason is not yet an approval."""
    below = finding.rule == "population.band" and "below_minimum" in finding.evidence
    if not below or finding.outcome == Outcome.UNKNOWN:
        return finding
    reason = network.facts.small_population_reason
    if reason:
        return replace(
            finding,
            outcome=Outcome.APPROVAL,
            message=finding.message.split(";")[0]
            + f"; the applicants give this reason: “{reason}”. The commissioner "
            "decides whether to approve a network below the minimum.",
        )
    return replace(
        finding,
        outcome=Outcome.BREACH,
        message=finding.message.split(":")[0]
        + ": the application gives no reason. Give one (for example a natural "
        "community over a large rural or remote area) for the commissioner to "
        "consider.",
    )


def _seriousness(finding: Finding) -> tuple[int, str, str]:
    return (seriousness(finding.outcome), finding.rule, finding.practice_code)
