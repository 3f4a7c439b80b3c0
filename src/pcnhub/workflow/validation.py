"""What an application asks for (:class:`Proposal`) and the checks on it before
any step stores it: well-formed input, organisations that exist in the register,
what each kind needs, and the user's scope on the target
(:mod:`pcnhub.workflow.targets`). Part of :mod:`pcnhub.workflow.services`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pcnhub.register import queries
from pcnhub.register.models import Organisation, OrganisationKind
from pcnhub.workflow import details as checked
from pcnhub.workflow import targets
from pcnhub.workflow.errors import InvalidInput, WorkflowError
from pcnhub.workflow.models import Application, Change, Kind

#: Reasons, conditions and grounds (as the forms allow).
DECISION_TEXT_LIMIT = 10000


def _well_formed(errors: dict[str, str]) -> None:
    if errors:
        raise InvalidInput(errors)


def _check_target(user: Any, target: targets.Target) -> None:
    """Scope on the target (403), then the commissioner's area (400)."""
    try:
        targets.check(user, target)
    except targets.OutsideArea as exc:
        raise WorkflowError(str(exc), exc.field) from exc


def _recheck(user: Any, application: Application) -> None:
    """The stored target, for steps that do not change it (submit, withdraw, ...)."""
    _check_target(user, targets.Target.of(application))


def _target(proposal: Proposal) -> targets.Target:
    return targets.Target(
        kind=proposal.kind,
        commissioner=proposal.commissioner,
        network=proposal.network if proposal.kind != Kind.REGISTRATION else "",
        absorbed=proposal.details.get("absorbed_network", "")
        if proposal.kind == Kind.MERGER
        else "",
        practices=[code for code, _ in proposal.practices],
        day=proposal.effective_from,
    )


@dataclass
class Proposal:
    """What an application asks for (the form's or API body's content)."""

    kind: str
    commissioner: str
    effective_from: date
    network: str = ""
    notice_given_on: date | None = None
    reason: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    practices: list[tuple[str, str]] = field(default_factory=list)


def _organisation(code: str, kind: str, field: str) -> Organisation:
    org = queries.find_organisation(code) if code else None
    if org is None or org.kind != kind:
        raise WorkflowError(
            f"{code or '(blank)'} is not a {kind} in the register", field
        )
    return org


def _well_formed_proposal(proposal: Proposal) -> None:
    """Types, lengths, NUL characters and the details' shape, before any look-up;
    the details are replaced by their cleaned form."""
    _well_formed(
        checked.text_errors(
            {
                "kind": (proposal.kind, 30),
                "reason": (proposal.reason, checked.TEXT_LIMIT),
                "network": (proposal.network, checked.CODE_LIMIT),
                "commissioner": (proposal.commissioner, checked.CODE_LIMIT),
            }
        )
    )
    _well_formed(
        checked.date_errors(
            {
                "effective_from": proposal.effective_from,
                "notice_given_on": proposal.notice_given_on,
            }
        )
    )
    codes = {"network": proposal.network, "commissioner": proposal.commissioner}
    for n, (code, _) in enumerate(proposal.practices):
        codes[f"practices[{n}].code"] = code
    _well_formed(checked.code_errors(codes))
    details, errors = checked.clean_details(proposal.kind, proposal.details)
    _well_formed(errors)
    proposal.details = details


def _validate(proposal: Proposal) -> None:
    kind = proposal.kind
    if kind not in Kind.values:
        raise WorkflowError(f"unknown kind of application {kind!r}", "kind")
    _well_formed_proposal(proposal)
    _organisation(proposal.commissioner, OrganisationKind.COMMISSIONER, "commissioner")
    if kind != Kind.REGISTRATION:
        _organisation(proposal.network, OrganisationKind.NETWORK, "network")
    seen: set[str] = set()
    for code, change in proposal.practices:
        _organisation(code, OrganisationKind.PRACTICE, "practices")
        if change not in Change.values:
            raise WorkflowError(f"unknown change {change!r} for {code}", "practices")
        if code in seen:
            raise WorkflowError(f"{code} is named twice", "practices")
        seen.add(code)
    needs_practices = {
        Kind.REGISTRATION,
        Kind.PRACTICE_JOIN,
        Kind.PRACTICE_LEAVE,
        Kind.SPLIT,
        Kind.OPT_OUT,
        Kind.OPT_IN,
        Kind.ASSIGNMENT,
    }
    if kind in needs_practices and not proposal.practices:
        raise WorkflowError("name at least one practice", "practices")
    if kind == Kind.REGISTRATION and not proposal.details.get("network_name"):
        raise WorkflowError("give the network's name", "network_name")
    if kind == Kind.MERGER:
        absorbed = proposal.details.get("absorbed_network", "")
        _organisation(absorbed, OrganisationKind.NETWORK, "absorbed_network")
        if absorbed == proposal.network:
            raise WorkflowError(
                "a network cannot merge with itself", "absorbed_network"
            )
    if kind == Kind.SPLIT and not proposal.details.get("new_network_name"):
        raise WorkflowError("give the new network's name", "new_network_name")
    payee = proposal.details.get("payee") or {}
    if payee.get("kind") == "member_practice" and not payee.get("code"):
        raise WorkflowError("give the member practice's ODS code as payee", "payee")
    if kind == Kind.ASSIGNMENT and not proposal.reason.strip():
        raise WorkflowError("say why the practice is assigned", "reason")
    notice = proposal.notice_given_on
    leaving = kind in (Kind.PRACTICE_LEAVE, Kind.OPT_OUT)
    if leaving and notice and notice > proposal.effective_from:
        raise WorkflowError(
            "notice must be given before the practice leaves", "notice_given_on"
        )


def _practices_of(proposal: Proposal) -> list[tuple[str, str]]:
    return [
        (code.strip().upper() if isinstance(code, str) else code, change)
        for code, change in proposal.practices
    ]
