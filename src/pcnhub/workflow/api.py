"""API routes of pcnhub.workflow (mounted by pcnhub.api at /api/applications/).

The same steps as the pages, through the same services and permissions. A step
the services refuse answers 400 (``{"detail", "field"}``); someone else's
change or decision first answers 409; malformed input (details of the wrong
shape, NUL characters, text too long) answers 422, one entry per bad field
(``{"detail": [{"loc", "msg", "type", "field"}]}``, ``field`` a path such as
``details.clinical_directors[0].wte``); an application naming what the user
does not act for answers 403.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.errors import ValidationError as BodyInvalid

from pcnhub.access.checks import require
from pcnhub.access.permissions import Permission
from pcnhub.workflow import forms as wf_forms
from pcnhub.workflow import presenters, services, visibility
from pcnhub.workflow.models import Application, CheckRun, State
from pcnhub.workflow.services import NETWORK_CODE
from pcnhub.workflow.transitions import Action

router = Router(tags=["workflow"])
PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


# --- bodies --------------------------------------------------------------------------


class PracticeIn(Schema):
    code: str
    #: ``joins``, ``leaves``, ``moves`` or ``member``; by default what the kind does.
    change: str = ""


class ProposalIn(Schema):
    kind: str
    #: Left blank: the network's commissioner in the register on the effective date.
    commissioner: str = ""
    network: str = ""
    effective_from: date
    notice_given_on: date | None = None
    reason: str = ""
    details: dict[str, Any] = {}
    practices: list[PracticeIn] = []


class ChangeIn(ProposalIn):
    version: int


class VersionIn(Schema):
    version: int


class ConfirmIn(Schema):
    practice: str
    note: str = ""


class DecisionIn(Schema):
    outcome: str
    reasons: str = ""
    conditions: str = ""
    network_code: str = ""
    version: int


class WithdrawIn(Schema):
    reason: str = ""


class AppealIn(Schema):
    grounds: str


class AppealDecisionIn(Schema):
    #: ``upheld`` or ``dismissed``.
    outcome: str
    reasons: str
    network_code: str = ""


class ErrorOut(Schema):
    detail: str
    field: str = ""


Answer = dict[int, Any]
ERRORS: Answer = {400: ErrorOut, 409: ErrorOut}


# --- helpers ------------------------------------------------------------------------


def _refused(exc: services.WorkflowError) -> Status:
    if isinstance(exc, services.InvalidInput):
        raise BodyInvalid(
            [
                {
                    "type": "value_error",
                    "loc": _loc(field),
                    "msg": presenters.sentence(message),
                    "field": field,
                }
                for field, message in exc.errors.items()
            ]
        )
    status = 409 if isinstance(exc, services.Conflict) else 400
    return Status(status, {"detail": presenters.sentence(str(exc)), "field": exc.field})


def _loc(field: str) -> list[str | int]:
    """``details.clinical_directors[0].wte`` as a pydantic location in the body."""
    parts: list[str | int] = ["body", "body"]
    for name, index in PATH_PART.findall(field):
        parts.append(int(index) if index else name)
    return parts


def _invalid_approval(exc: ValidationError) -> Status:
    from pcnhub.workflow.views import validation_text

    return Status(400, {"detail": validation_text(exc), "field": ""})


def _find(request: HttpRequest, ref: str, permission: str) -> Application:
    if "\x00" in ref or len(ref) > 20:
        raise Http404("no such application")
    application = get_object_or_404(Application, reference=ref.strip().upper())
    require(request.user, Permission.VIEW_APPLICATION, application)
    if permission != Permission.VIEW_APPLICATION:
        require(request.user, permission, application)
    return application


def _proposal(body: ProposalIn) -> services.Proposal:
    change = wf_forms.PRACTICE_CHANGE.get(body.kind, "joins")
    network = body.network.strip().upper()
    # Looked up only for a well-formed code (the services refuse the rest).
    commissioner = body.commissioner.strip().upper() or (
        wf_forms.network_commissioner(network, body.effective_from)
        if NETWORK_CODE.match(network)
        else ""
    )
    return services.Proposal(
        kind=body.kind,
        commissioner=commissioner,
        network=network,
        effective_from=body.effective_from,
        notice_given_on=body.notice_given_on,
        reason=body.reason,
        details=dict(body.details),
        practices=[(p.code, p.change or change) for p in body.practices],
    )


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def summary(application: Application, user: Any) -> dict[str, Any]:
    return {
        "reference": application.reference,
        "kind": application.kind,
        "kind_label": application.get_kind_display(),
        "state": application.state,
        "state_label": application.get_state_display(),
        "commissioner": application.commissioner_id,
        "network": application.network_id,
        "effective_from": _iso(application.effective_from),
        "notice_given_on": _iso(application.notice_given_on),
        "round": application.round,
        "version": application.version,
        "created_at": _iso(application.created_at),
        "updated_at": _iso(application.updated_at),
        "submitted_at": _iso(getattr(application, "submitted_at", None)),
        "practices": [
            {
                "code": row.practice_id,
                "change": row.change,
                "confirmed": row.confirmed_at is not None,
                "confirmed_at": _iso(row.confirmed_at),
            }
            for row in application.practices.all()
        ],
        "worst_check": presenters.worst_check(user, application),
        "waiting_for": presenters.waiting_for(application),
    }


def _actions(user: Any, application: Application) -> list[str]:
    """What ``user`` may do now, in the table's order (``services.allowed_actions``)."""
    allowed = services.allowed_actions(user, application)
    return [action.value for action in Action if action in allowed]


def detail(application: Application, user: Any) -> dict[str, Any]:
    """The application as ``user`` may see it (checks about organisations outside
    their roles are counted in ``findings_hidden``, not shown)."""
    show_who = user.has_perm(Permission.VIEW_PERSONAL)
    application = Application.objects.prefetch_related("practices").get(
        pk=application.pk
    )
    out = summary(application, user)
    run = services.latest_checks(application)
    findings, hidden = visibility.shown_to(
        user, application, run.findings if run else []
    )
    preview: list[dict[str, str]] | None = None
    if application.state == State.DRAFT:
        preview, hidden = visibility.shown_to(
            user, application, services.preview(application)
        )
    out |= {
        "actions": _actions(user, application),
        "details": application.details,
        "reason": application.reason,
        "latest_checks": _checks_out(run, findings) if run else None,
        "preview": preview,
        "findings_hidden": hidden,
        "events": _events_out(application, show_who),
        "decisions": _decisions_out(application, show_who),
        "appeals": _appeals_out(application),
    }
    return out


def _checks_out(run: CheckRun, findings: list[dict[str, str]]) -> dict[str, Any]:
    """The latest round's checks, with the findings ``user`` may see."""
    return {
        "round": run.round,
        "version": run.version,
        "ran_at": _iso(run.ran_at),
        "as_at": _iso(run.as_at),
        "findings": findings,
    }


def _events_out(application: Application, show_who: bool) -> list[dict[str, Any]]:
    return [
        {
            "at": _iso(e.at),
            "by": e.by.get_username() if show_who else None,
            "action": e.action,
            "state": e.state,
            "round": e.round,
            "text": e.text,
        }
        for e in application.events.select_related("by").order_by("at", "id")
    ]


def _decisions_out(application: Application, show_who: bool) -> list[dict[str, Any]]:
    return [
        {
            "round": d.round,
            "outcome": d.outcome,
            "reasons": d.reasons,
            "conditions": d.conditions,
            "network_code": d.network_code,
            "decided_by": d.decided_by.get_username() if show_who else None,
            "decided_at": _iso(d.decided_at),
        }
        for d in application.decisions.select_related("decided_by")
    ]


def _appeals_out(application: Application) -> list[dict[str, Any]]:
    return [
        {
            "round": a.round,
            "grounds": a.grounds,
            "lodged_at": _iso(a.lodged_at),
            "outcome": a.outcome,
            "outcome_reasons": a.outcome_reasons,
            "decided_at": _iso(a.decided_at),
        }
        for a in application.appeals.all()
    ]


def _detail(request: HttpRequest, application: Application) -> dict[str, Any]:
    return detail(application, request.user)


# --- routes ---------------------------------------------------------------------------


@router.get("/", response=list[dict[str, Any]])
def list_applications(request: HttpRequest, state: str = "") -> Any:
    """What the user may see (the review queue and their own), oldest first."""
    require(request.user, Permission.REVIEW_QUEUE)
    rows = services.visible_applications(request.user).order_by("created_at")
    if state:
        rows = rows.filter(state=state)
    return [summary(a, request.user) for a in rows]


@router.post("/", response={201: dict[str, Any], **ERRORS})
def create_application(request: HttpRequest, body: ProposalIn) -> Any:
    require(request.user, Permission.START_APPLICATION)
    try:
        application = services.create(request.user, _proposal(body))
    except services.WorkflowError as exc:
        return _refused(exc)
    return Status(201, _detail(request, application))


@router.get("/{ref}", response=dict[str, Any])
def get_application(request: HttpRequest, ref: str) -> Any:
    return _detail(request, _find(request, ref, Permission.VIEW_APPLICATION))


@router.put("/{ref}", response={200: dict[str, Any], **ERRORS})
def change_application(request: HttpRequest, ref: str, body: ChangeIn) -> Any:
    application = _find(request, ref, Permission.CHANGE_APPLICATION)
    try:
        application = services.change(
            request.user, application, _proposal(body), expected_version=body.version
        )
    except services.WorkflowError as exc:
        return _refused(exc)
    return _detail(request, application)


@router.post("/{ref}/submit", response={200: dict[str, Any], **ERRORS})
def submit_application(request: HttpRequest, ref: str, body: VersionIn) -> Any:
    application = _find(request, ref, Permission.CHANGE_APPLICATION)
    try:
        services.submit(request.user, application, expected_version=body.version)
    except services.WorkflowError as exc:
        return _refused(exc)
    return _detail(request, application)


@router.post("/{ref}/confirm", response={200: dict[str, Any], **ERRORS})
def confirm_practice(request: HttpRequest, ref: str, body: ConfirmIn) -> Any:
    application = _find(request, ref, Permission.VIEW_APPLICATION)
    try:
        services.confirm(
            request.user, application, body.practice.strip().upper(), body.note
        )
    except services.WorkflowError as exc:
        return _refused(exc)
    return _detail(request, application)


@router.post("/{ref}/decision", response={200: dict[str, Any], **ERRORS})
def decide_application(request: HttpRequest, ref: str, body: DecisionIn) -> Any:
    application = _find(request, ref, Permission.DECIDE_APPLICATION)
    try:
        services.decide(
            request.user,
            application,
            outcome=body.outcome,
            reasons=body.reasons,
            conditions=body.conditions,
            network_code=body.network_code,
            expected_version=body.version,
        )
    except services.WorkflowError as exc:
        return _refused(exc)
    except ValidationError as exc:
        return _invalid_approval(exc)
    return _detail(request, application)


@router.post("/{ref}/withdraw", response={200: dict[str, Any], **ERRORS})
def withdraw_application(request: HttpRequest, ref: str, body: WithdrawIn) -> Any:
    application = _find(request, ref, Permission.CHANGE_APPLICATION)
    try:
        services.withdraw(request.user, application, body.reason)
    except services.WorkflowError as exc:
        return _refused(exc)
    return _detail(request, application)


@router.post("/{ref}/appeal", response={200: dict[str, Any], **ERRORS})
def lodge_appeal(request: HttpRequest, ref: str, body: AppealIn) -> Any:
    application = _find(request, ref, Permission.CHANGE_APPLICATION)
    try:
        services.lodge_appeal(request.user, application, body.grounds)
    except services.WorkflowError as exc:
        return _refused(exc)
    return _detail(request, application)


@router.post("/{ref}/appeal/decision", response={200: dict[str, Any], **ERRORS})
def decide_appeal(request: HttpRequest, ref: str, body: AppealDecisionIn) -> Any:
    application = _find(request, ref, Permission.DECIDE_APPLICATION)
    if body.outcome not in ("upheld", "dismissed"):
        return Status(
            400, {"detail": "Outcome must be upheld or dismissed", "field": "outcome"}
        )
    try:
        services.decide_appeal(
            request.user,
            application,
            upheld=body.outcome == "upheld",
            reasons=body.reasons,
            network_code=body.network_code,
        )
    except services.WorkflowError as exc:
        return _refused(exc)
    except ValidationError as exc:
        return _invalid_approval(exc)
    return _detail(request, application)
