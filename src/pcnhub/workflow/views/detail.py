"""One application's page, and the actions taken on it there: submit,
withdraw, confirm for a practice."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from pcnhub.access.permissions import Permission
from pcnhub.ui.formatting import fmt_date
from pcnhub.ui.forms import csrf_input
from pcnhub.workflow import forms as wf_forms
from pcnhub.workflow import presenters, services, visibility
from pcnhub.workflow.models import Application, ApplicationPractice, State
from pcnhub.workflow.transitions import Action
from pcnhub.workflow.views.base import (
    DECIDING,
    DECIDING_APPEAL,
    find_application,
    names_for,
    posted_version,
    render_page,
)


def _checks_context(user: Any, application: Application) -> dict[str, Any]:
    """A draft's checks run now, or those kept when it was last submitted; only
    the findings ``user`` is shown."""
    if application.state == State.DRAFT:
        findings = services.preview(application)
        checks_title = "Checks on this draft"
        checks_intro = (
            "The contract checks on the application as it stands, run now. They "
            "are run again, and kept, when it is submitted."
        )
        run = None
    else:
        run = services.latest_checks(application)
        findings = run.findings if run else []
        checks_title = "Checks on submission"
        checks_intro = (
            f"Run when round {run.round} (version {run.version}) was submitted, "
            f"on {presenters.fmt_when(run.ran_at)}, on the register as at "
            f"{fmt_date(run.as_at)}."
            if run
            else "No checks have been run: the application was never submitted."
        )
    findings, hidden = visibility.shown_to(user, application, findings)
    return {
        "checks_title": checks_title,
        "checks_intro": checks_intro,
        "checks_counts": presenters.counts_text(findings),
        "checks": presenters.findings_table(findings, checks_title)
        if findings
        else None,
        "checks_ran": application.state == State.DRAFT or run is not None,
        "checks_hidden": visibility.hidden_text(hidden),
    }


def _practices_context(
    request: HttpRequest,
    application: Application,
    rows: list[ApplicationPractice],
    names: dict[str, str],
    actions: frozenset[Action],
) -> dict[str, Any]:
    """The practices named, who is yet to confirm, and the buttons to confirm."""
    may_confirm = (
        services.confirmable(request.user, application)
        if Action.CONFIRM in actions
        else set()
    )
    waiting = [r.practice_id for r in rows if not r.confirmed_at]
    csrf = csrf_input(request)
    return {
        "practices": presenters.practices_table(
            application, rows, names, may_confirm, csrf
        )
        if rows
        else None,
        "waiting": waiting,
        "may_record_confirmation": Action.RECORD_CONFIRMATION in actions,
        "waiting_items": [
            {"value": c, "text": f"{names.get(c, c)} ({c})"} for c in waiting
        ],
    }


def _actions_context(actions: frozenset[Action]) -> dict[str, bool]:
    """Which of the page's buttons the user is offered."""
    return {
        "may_change": Action.CHANGE in actions,
        "may_submit": Action.SUBMIT in actions,
        "may_withdraw": Action.WITHDRAW in actions,
        "may_appeal": Action.APPEAL in actions,
        "may_decide": bool(actions & DECIDING),
        "may_decide_appeal": bool(actions & DECIDING_APPEAL),
    }


def _detail(
    request: HttpRequest,
    application: Application,
    *,
    errors: list[dict[str, str]] | None = None,
    field_errors: dict[str, str] | None = None,
    posted: dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    # Practices read once: the page, its checks and allowed_actions all use them.
    application = (
        Application.objects.select_related("submitted_by")
        .prefetch_related("practices")
        .get(pk=application.pk)
    )
    rows = list(application.practices.all())
    names = names_for(application, rows)
    actions = services.allowed_actions(user, application)
    practices = _practices_context(request, application, rows, names, actions)
    checks = _checks_context(user, application)
    show_who = user.has_perm(Permission.VIEW_PERSONAL)
    return render_page(
        request,
        "workflow/application.html",
        {
            "application": application,
            "state_tag": presenters.state_tag(application.state),
            "details_rows": presenters.details_rows(application, names),
            **practices,
            **checks,
            "timeline": presenters.timeline_table(application, show_who),
            "decisions": presenters.decision_rows(application, show_who),
            "appeals": presenters.appeal_rows(application, show_who),
            **_actions_context(actions),
            "waiting_for": presenters.waiting_for(application),
            "error_summary": errors or [],
            "field_errors": field_errors or {},
            "posted": posted or {},
        },
        status=status,
    )


def application(request: HttpRequest, ref: str) -> HttpResponse:
    found = find_application(request, ref, Permission.VIEW_APPLICATION)
    return _detail(request, found)


def _action_error(
    request: HttpRequest,
    application: Application,
    exc: services.WorkflowError,
    anchor: str,
    field: str = "",
    posted: dict[str, str] | None = None,
) -> HttpResponse:
    status = 409 if isinstance(exc, services.Conflict) else 400
    text = presenters.sentence(str(exc))
    return _detail(
        request,
        application,
        errors=[{"text": text, "href": f"#{anchor}"}],
        field_errors={field: text} if field else None,
        posted=posted,
        status=status,
    )


@require_POST
def application_submit(request: HttpRequest, ref: str) -> HttpResponse:
    application = find_application(request, ref, Permission.CHANGE_APPLICATION)
    version = posted_version(request)
    try:
        if version is None:
            raise services.Conflict("The page was out of date: reload it and try again")
        run = services.submit(request.user, application, expected_version=version)
    except services.WorkflowError as exc:
        return _action_error(request, application, exc, "submit")
    shown, _ = visibility.shown_to(request.user, application, run.findings)
    messages.success(
        request,
        f"Submitted to the commissioner. Checks: {presenters.counts_text(shown)}.",
    )
    return redirect("application", ref=application.reference)


@require_POST
def application_withdraw(request: HttpRequest, ref: str) -> HttpResponse:
    application = find_application(request, ref, Permission.CHANGE_APPLICATION)
    form = wf_forms.WithdrawForm(request.POST)
    if not form.is_valid():
        text = form.errors["reason"][0]
        return _detail(
            request,
            application,
            errors=[{"text": text, "href": "#withdraw_reason"}],
            field_errors={"withdraw_reason": text},
            status=400,
        )
    try:
        services.withdraw(request.user, application, form.cleaned_data["reason"])
    except services.WorkflowError as exc:
        return _action_error(request, application, exc, "withdraw_reason")
    messages.success(request, f"{application.reference} is withdrawn.")
    return redirect("application", ref=application.reference)


@require_POST
def application_confirm(request: HttpRequest, ref: str) -> HttpResponse:
    application = find_application(request, ref, Permission.CONFIRM_MEMBERSHIP)
    form = wf_forms.ConfirmForm(request.POST)
    posted = {"note": request.POST.get("note", "")}
    if not form.is_valid():
        text = form.errors["practice"][0]
        return _detail(
            request,
            application,
            errors=[{"text": text, "href": "#confirm_practice"}],
            field_errors={"confirm_practice": text},
            posted=posted,
            status=400,
        )
    practice = form.cleaned_data["practice"]
    try:
        services.confirm(request.user, application, practice, form.cleaned_data["note"])
    except services.WorkflowError as exc:
        field = "confirm_note" if exc.field == "note" else ""
        return _action_error(
            request, application, exc, field or "practices", field, posted
        )
    messages.success(request, f"{practice}'s confirmation is recorded.")
    return redirect("application", ref=application.reference)
