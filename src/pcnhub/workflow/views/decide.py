"""Deciding an application, and appealing a rejection and deciding the appeal:
the pages that show the application and its checks beside one form."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from pcnhub.access.permissions import Permission
from pcnhub.workflow import forms as wf_forms
from pcnhub.workflow import presenters, services, visibility
from pcnhub.workflow.models import Application, State
from pcnhub.workflow.transitions import Action
from pcnhub.workflow.views.base import (
    DECIDING,
    DECIDING_APPEAL,
    GET_POST,
    find_application,
    names_for,
    render_page,
    validation_text,
)


def _decision_page(
    request: HttpRequest,
    application: Application,
    form: Any,
    template: str,
    status: int = 200,
    conflict: str = "",
) -> HttpResponse:
    view = presenters.FormView(form)
    summary = view.summary()
    if conflict:
        summary = [{"text": conflict, "href": "#outcome"}] + summary
    prefetch_related_objects([application], "practices")
    names = names_for(application, list(application.practices.all()))
    run = services.latest_checks(application)
    findings, hidden = visibility.shown_to(
        request.user, application, run.findings if run else []
    )
    actions = services.allowed_actions(request.user, application)
    return render_page(
        request,
        template,
        {
            "application": application,
            "f": view,
            "error_summary": summary,
            "details_rows": presenters.details_rows(application, names),
            "checks": presenters.findings_table(findings, "Checks on submission")
            if findings
            else None,
            "checks_counts": presenters.counts_text(findings),
            "checks_hidden": visibility.hidden_text(hidden),
            "unconfirmed": presenters.unconfirmed(application),
            "needs_network_code": presenters.needs_network_code(application),
            "latest_decision": application.decisions.order_by("-round").first(),
            "appeal": application.appeals.filter(round=application.round).first(),
            "decidable": bool(actions & DECIDING),
            "appeal_open": bool(actions & DECIDING_APPEAL),
            "appealable": Action.APPEAL in actions,
        },
        status=status,
    )


@GET_POST
def _refused_decision(
    request: HttpRequest,
    application: Application,
    form: Any,
    template: str,
    exc: Exception,
) -> HttpResponse:
    """The decision page again, saying why the service refused the decision:
    409 when someone else acted first, 400 for a decision it cannot take."""
    if isinstance(exc, services.Conflict):
        return _decision_page(
            request, application, form, template, status=409, conflict=str(exc)
        )
    if isinstance(exc, services.WorkflowError):
        presenters.add_service_error(form, str(exc), exc.field)
    else:
        presenters.add_service_error(form, validation_text(exc), "")
    return _decision_page(request, application, form, template, status=400)


def application_decide(request: HttpRequest, ref: str) -> HttpResponse:
    application = find_application(request, ref, Permission.DECIDE_APPLICATION)
    template = "workflow/decide.html"
    if request.method != "POST":
        form = wf_forms.DecisionForm(initial={"version": application.version})
        return _decision_page(request, application, form, template)
    form = wf_forms.DecisionForm(request.POST)
    if not form.is_valid():
        return _decision_page(request, application, form, template, status=400)
    data = form.cleaned_data
    try:
        decision = services.decide(
            request.user,
            application,
            outcome=data["outcome"],
            reasons=data["reasons"],
            conditions=data["conditions"],
            network_code=data["network_code"],
            expected_version=data["version"],
        )
    except (services.Conflict, services.WorkflowError, ValidationError) as exc:
        return _refused_decision(request, application, form, template, exc)
    application.refresh_from_db()
    messages.success(
        request, presenters.success_text(application, decision.network_code)
    )
    return redirect("application", ref=application.reference)


@GET_POST
def application_appeal(request: HttpRequest, ref: str) -> HttpResponse:
    application = find_application(request, ref, Permission.CHANGE_APPLICATION)
    form = wf_forms.AppealForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_bound:
        if form.is_valid():
            try:
                services.lodge_appeal(
                    request.user, application, form.cleaned_data["grounds"]
                )
            except services.WorkflowError as exc:
                presenters.add_service_error(form, str(exc), exc.field)
            else:
                messages.success(
                    request,
                    "Appeal lodged. The commissioner will decide it and tell you "
                    "the outcome.",
                )
                return redirect("application", ref=application.reference)
        status = 400
    return _decision_page(
        request, application, form, "workflow/appeal.html", status=status
    )


@GET_POST
def application_appeal_decide(request: HttpRequest, ref: str) -> HttpResponse:
    application = find_application(request, ref, Permission.DECIDE_APPLICATION)
    template = "workflow/appeal_decide.html"
    form = wf_forms.AppealDecisionForm(
        request.POST if request.method == "POST" else None
    )
    if not form.is_bound:
        return _decision_page(request, application, form, template)
    if not form.is_valid():
        return _decision_page(request, application, form, template, status=400)
    data = form.cleaned_data
    try:
        services.decide_appeal(
            request.user,
            application,
            upheld=data["outcome"] == "upheld",
            reasons=data["reasons"],
            network_code=data["network_code"],
        )
    except (services.Conflict, services.WorkflowError, ValidationError) as exc:
        return _refused_decision(request, application, form, template, exc)
    application.refresh_from_db()
    if application.state == State.REJECTED:
        text = "Appeal dismissed. The rejection stands."
    else:
        code = application.decisions.get(round=application.round).network_code
        text = "Appeal upheld. " + presenters.success_text(application, code)
    messages.success(request, text)
    return redirect("application", ref=application.reference)
