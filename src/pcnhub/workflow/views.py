"""The application pages. Thin: read the form, ask permission, call
:mod:`pcnhub.workflow.services`, render (NHS.UK error-summary pattern on errors)."""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from pcnhub.access.checks import allowed, require
from pcnhub.access.permissions import Permission
from pcnhub.access.roles import Role
from pcnhub.access.scope import scope_of
from pcnhub.register import queries
from pcnhub.register.exports import write_records
from pcnhub.register.models import OrganisationKind, RelationshipKind
from pcnhub.ui.asat import AsAt, today
from pcnhub.ui.formatting import fmt_date
from pcnhub.ui.forms import csrf_input
from pcnhub.ui.frame import frame
from pcnhub.workflow import forms as wf_forms
from pcnhub.workflow import presenters, services, targets, transitions, visibility
from pcnhub.workflow.models import Application, Kind, State
from pcnhub.workflow.transitions import Action

#: The actions a page's one button leads to (the decision's page offers each).
DECIDING = frozenset(transitions.DECISIONS.values())
DECIDING_APPEAL = frozenset(transitions.APPEAL_DECISIONS.values())

GET_POST = require_http_methods(["GET", "POST"])


def _render(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    status: int = 200,
) -> HttpResponse:
    base = frame(request, AsAt(today()), "applications")
    base["show_date_form"] = False
    base["banners"] = [
        {"text": str(m), "success": m.level_tag == "success"}
        for m in messages.get_messages(request)
    ]
    return render(request, template, base | context, status=status)


def _application(request: HttpRequest, ref: str, permission: str) -> Application:
    """The application (404 if unknown), once the user may see it and ``permission``."""
    if "\x00" in ref or len(ref) > 20:
        raise Http404("no such application")
    application = get_object_or_404(Application, reference=ref.strip().upper())
    require(request.user, Permission.VIEW_APPLICATION, application)
    if permission != Permission.VIEW_APPLICATION:
        require(request.user, permission, application)
    return application


def validation_text(exc: ValidationError) -> str:
    """A governance or register refusal met while writing an approval."""
    if hasattr(exc, "error_dict"):
        parts = [
            f"{field.replace('_', ' ')}: {message}"
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    else:
        parts = list(exc.messages)
    return "The approval could not be written: " + "; ".join(parts)


def _version(request: HttpRequest) -> int | None:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


# --- the review queue and the applicant's list ------------------------------------


def applications(request: HttpRequest) -> HttpResponse:
    require(request.user, Permission.REVIEW_QUEUE)
    state = request.GET.get("state", "").strip().lower() or None
    state_error = ""
    if state and state not in State.values:
        state_error = "Choose a state from the list"
        state = None
    rows = list(services.visible_applications(request.user))
    if state:
        rows = [a for a in rows if a.state == state]
    day = today()
    if request.GET.get("format") == "csv":
        if state_error:
            return HttpResponse(
                state_error + "\n", status=400, content_type="text/plain"
            )
        out = io.StringIO()
        ordered = sorted(rows, key=lambda a: a.created_at)
        write_records(
            out,
            [presenters.csv_row(a, day, request.user) for a in ordered],
            presenters.CSV_COLUMNS,
            "csv",
        )
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        name = f"applications{'-' + state if state else ''}-{day.isoformat()}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    sections = presenters.queue(request.user, rows, day)
    context: dict[str, Any] = {
        "state": state,
        "state_error": state_error,
        "state_options": presenters.state_options(state),
        "csv_url": reverse("applications")
        + "?"
        + ("state=" + state + "&" if state else "")
        + "format=csv",
        "may_start": request.user.has_perm(Permission.START_APPLICATION),
        "overseer": sections.overseer,
    }
    if state:
        label = dict(State.choices)[state]
        context["filtered"] = presenters.mine_table(
            sorted(rows, key=lambda a: a.created_at), f"Applications: {label}"
        )
        context["filtered_count"] = len(rows)
    else:
        context |= {
            "waiting": presenters.queue_table(
                sections.waiting,
                "Oldest first, with the most serious check outcome",
                day,
            ),
            "appealed": presenters.queue_table(
                sections.appealed, "Appeals waiting for a decision, oldest first", day
            ),
            "decided": presenters.decided_table(
                sections.decided,
                f"Decided in the last {presenters.RECENT_DAYS} days, newest first",
            ),
            "mine": presenters.mine_table(
                sections.mine, "Applications you made or that name your practices"
            ),
            "counts": {
                "waiting": len(sections.waiting),
                "appealed": len(sections.appealed),
                "decided": len(sections.decided),
                "mine": len(sections.mine),
            },
        }
    return _render(
        request,
        "workflow/applications.html",
        context,
        status=400 if state_error else 200,
    )


# --- starting an application ----------------------------------------------------------


def application_new(request: HttpRequest) -> HttpResponse:
    """Choose the kind of application (a GET form), then go to its form."""
    require(request.user, Permission.START_APPLICATION)
    form = wf_forms.KindForm(request.GET if "kind" in request.GET else None)
    network = request.GET.get("network", "").strip().upper()
    if form.is_bound and form.is_valid():
        url = reverse("application_new_kind", args=[form.cleaned_data["kind"]])
        return redirect(url + (f"?network={network}" if network else ""))
    view = presenters.FormView(form)
    items = [
        {
            "value": kind.value,
            "text": kind.label,
            "hint": {"text": wf_forms.KIND_HINTS.get(kind, "")},
        }
        for kind in wf_forms.APPLICANT_KINDS
    ]
    return _render(
        request,
        "workflow/new.html",
        {"f": view, "kinds": items, "network": network},
        status=400 if form.is_bound else 200,
    )


def _prefill(request: HttpRequest, kind: str) -> dict[str, Any]:
    """Initial values: ``?network=``, or the user's own network or practice."""
    scope = scope_of(request.user)
    day = today()
    initial: dict[str, Any] = {}
    network = request.GET.get("network", "").strip().upper()
    practices = sorted(scope.held_for(Role.PRACTICE_MANAGER))
    if kind in wf_forms.PRACTICE_CHANGE and len(practices) == 1:
        if kind != Kind.REGISTRATION:
            initial["practices"] = practices[0]
        if not network and kind in (Kind.PRACTICE_LEAVE, Kind.OPT_OUT):
            network = queries.network_of(practices[0], day) or ""
    networks = sorted(scope.acts_for_networks)
    if not network and len(networks) == 1 and kind != Kind.REGISTRATION:
        network = networks[0]
    if network:
        if kind != Kind.REGISTRATION:
            initial["network"] = network
        initial["commissioner"] = wf_forms.network_commissioner(network, day)
    if kind == Kind.REGISTRATION and len(practices) == 1:
        initial["practices"] = practices[0]
        initial["commissioner"] = initial.get("commissioner") or (
            queries.parent_on(RelationshipKind.PRACTICE_COMMISSIONER, practices[0], day)
            or ""
        )
    return initial


def _form_page(
    request: HttpRequest,
    form: wf_forms.ApplicationForm,
    *,
    application: Application | None = None,
    status: int = 200,
) -> HttpResponse:
    kind = form.kind
    choices = (
        presenters.commissioner_choices(request.user)
        if "commissioner" in form.fields
        else []
    )
    view = presenters.FormView(form)
    chosen = view.value("commissioner") if "commissioner" in form.fields else ""
    if choices and chosen and chosen not in dict(choices):
        choices = [(chosen, chosen), *choices]
    commissioner_items = [{"value": "", "text": "Choose a commissioner"}] + [
        {"value": code, "text": text, "selected": code == chosen}
        for code, text in choices
    ]
    action = (
        reverse("application_change", args=[application.reference])
        if application
        else reverse("application_new_kind", args=[kind])
    )
    return _render(
        request,
        "workflow/form.html",
        {
            "f": view,
            "kind": kind,
            "kind_label": Kind(kind).label,
            "application": application,
            "action": action,
            "commissioner_items": commissioner_items if choices else None,
            "small_population_hint": wf_forms.SMALL_POPULATION_HINT,
            "error_summary": view.summary(),
        },
        status=status,
    )


@GET_POST
def application_new_kind(request: HttpRequest, kind: str) -> HttpResponse:
    require(request.user, Permission.START_APPLICATION)
    if kind not in wf_forms.KIND_FIELDS:
        raise Http404(f"no kind of application {kind!r}")
    if request.method != "POST":
        form = wf_forms.ApplicationForm(kind=kind, initial=_prefill(request, kind))
        return _form_page(request, form)
    form = wf_forms.ApplicationForm(request.POST, kind=kind)
    if not form.is_valid():
        return _form_page(request, form, status=400)
    try:
        application = services.create(request.user, form.proposal())
    except targets.NotTheirs as exc:
        presenters.add_service_error(form, str(exc), exc.field)
        return _form_page(request, form, status=403)
    except services.WorkflowError as exc:
        presenters.add_service_error(form, str(exc), exc.field)
        return _form_page(request, form, status=400)
    messages.success(
        request,
        f"Draft {application.reference} saved. Check it, ask the named practices "
        "to confirm, then submit it.",
    )
    return redirect("application", ref=application.reference)


@GET_POST
def application_change(request: HttpRequest, ref: str) -> HttpResponse:
    application = _application(request, ref, Permission.CHANGE_APPLICATION)
    if request.method != "POST":
        if Action.CHANGE not in services.allowed_actions(request.user, application):
            messages.info(
                request,
                f"A {application.get_state_display().lower()} application cannot "
                "be changed.",
            )
            return redirect("application", ref=application.reference)
        form = wf_forms.ApplicationForm(
            kind=application.kind, initial=wf_forms.initial_from(application)
        )
        return _form_page(request, form, application=application)
    form = wf_forms.ApplicationForm(request.POST, kind=application.kind)
    version = _version(request)
    if version is None:
        form.add_error(None, "The page was out of date: reload it and try again")
    if not form.is_valid():
        return _form_page(request, form, application=application, status=400)
    try:
        application = services.change(
            request.user, application, form.proposal(), expected_version=version
        )
    except services.Conflict as exc:
        presenters.add_service_error(form, str(exc), "")
        return _form_page(request, form, application=application, status=409)
    except targets.NotTheirs as exc:
        presenters.add_service_error(form, str(exc), exc.field)
        return _form_page(request, form, application=application, status=403)
    except services.WorkflowError as exc:
        presenters.add_service_error(form, str(exc), exc.field)
        return _form_page(request, form, application=application, status=400)
    messages.success(
        request,
        f"{application.reference} changed (version {application.version}). "
        "It is a draft again: submit it when it is ready.",
    )
    return redirect("application", ref=application.reference)


# --- one application ---------------------------------------------------------------


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
    details = application.details or {}
    codes = {
        application.commissioner_id,
        application.network_id or "",
        details.get("absorbed_network", ""),
        *[r.practice_id for r in rows],
    } - {""}
    names = queries.latest_names(codes)
    actions = services.allowed_actions(user, application)
    may_confirm = (
        services.confirmable(user, application) if Action.CONFIRM in actions else set()
    )
    waiting = [r.practice_id for r in rows if not r.confirmed_at]
    csrf = csrf_input(request)
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
    show_who = user.has_perm(Permission.VIEW_PERSONAL)
    findings, hidden = visibility.shown_to(user, application, findings)
    return _render(
        request,
        "workflow/application.html",
        {
            "application": application,
            "state_tag": presenters.state_tag(application.state),
            "details_rows": presenters.details_rows(application, names),
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
            "checks_title": checks_title,
            "checks_intro": checks_intro,
            "checks_counts": presenters.counts_text(findings),
            "checks": presenters.findings_table(findings, checks_title)
            if findings
            else None,
            "checks_ran": application.state == State.DRAFT or run is not None,
            "checks_hidden": visibility.hidden_text(hidden),
            "timeline": presenters.timeline_table(application, show_who),
            "decisions": presenters.decision_rows(application, show_who),
            "appeals": presenters.appeal_rows(application, show_who),
            "may_change": Action.CHANGE in actions,
            "may_submit": Action.SUBMIT in actions,
            "may_withdraw": Action.WITHDRAW in actions,
            "may_appeal": Action.APPEAL in actions,
            "may_decide": bool(actions & DECIDING),
            "may_decide_appeal": bool(actions & DECIDING_APPEAL),
            "waiting_for": presenters.waiting_for(application),
            "error_summary": errors or [],
            "field_errors": field_errors or {},
            "posted": posted or {},
        },
        status=status,
    )


def application(request: HttpRequest, ref: str) -> HttpResponse:
    found = _application(request, ref, Permission.VIEW_APPLICATION)
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
    application = _application(request, ref, Permission.CHANGE_APPLICATION)
    version = _version(request)
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
    application = _application(request, ref, Permission.CHANGE_APPLICATION)
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
    application = _application(request, ref, Permission.CONFIRM_MEMBERSHIP)
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


# --- deciding -----------------------------------------------------------------------


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
    rows = list(application.practices.all())
    details = application.details or {}
    names = queries.latest_names(
        {
            application.commissioner_id,
            application.network_id or "",
            details.get("absorbed_network", ""),
            *[r.practice_id for r in rows],
        }
        - {""}
    )
    run = services.latest_checks(application)
    findings, hidden = visibility.shown_to(
        request.user, application, run.findings if run else []
    )
    actions = services.allowed_actions(request.user, application)
    return _render(
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
def application_decide(request: HttpRequest, ref: str) -> HttpResponse:
    application = _application(request, ref, Permission.DECIDE_APPLICATION)
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
    except services.Conflict as exc:
        return _decision_page(
            request, application, form, template, status=409, conflict=str(exc)
        )
    except services.WorkflowError as exc:
        presenters.add_service_error(form, str(exc), exc.field)
        return _decision_page(request, application, form, template, status=400)
    except ValidationError as exc:
        presenters.add_service_error(form, validation_text(exc), "")
        return _decision_page(request, application, form, template, status=400)
    application.refresh_from_db()
    messages.success(
        request, presenters.success_text(application, decision.network_code)
    )
    return redirect("application", ref=application.reference)


@GET_POST
def application_appeal(request: HttpRequest, ref: str) -> HttpResponse:
    application = _application(request, ref, Permission.CHANGE_APPLICATION)
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
    application = _application(request, ref, Permission.DECIDE_APPLICATION)
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
    except services.Conflict as exc:
        return _decision_page(
            request, application, form, template, status=409, conflict=str(exc)
        )
    except services.WorkflowError as exc:
        presenters.add_service_error(form, str(exc), exc.field)
        return _decision_page(request, application, form, template, status=400)
    except ValidationError as exc:
        presenters.add_service_error(form, validation_text(exc), "")
        return _decision_page(request, application, form, template, status=400)
    application.refresh_from_db()
    if application.state == State.REJECTED:
        text = "Appeal dismissed. The rejection stands."
    else:
        code = application.decisions.get(round=application.round).network_code
        text = "Appeal upheld. " + presenters.success_text(application, code)
    messages.success(request, text)
    return redirect("application", ref=application.reference)


# --- the commissioner assigns a practice in no network --------------------------------


@GET_POST
def assign_practice(request: HttpRequest, code: str) -> HttpResponse:
    org = queries.find_organisation(code)
    if org is None or org.kind != OrganisationKind.PRACTICE:
        raise Http404(f"no practice {code}")
    code = org.code
    require(request.user, Permission.VIEW_ORGANISATION, code)
    require(request.user, Permission.REVIEW_QUEUE)
    if not allowed(request.user, Permission.ASSIGN_PRACTICE, code):
        raise PermissionDenied(
            "only the commissioner overseeing the practice can assign it"
        )
    form = wf_forms.AssignForm(request.POST if request.method == "POST" else None)
    valid = form.is_valid() if form.is_bound else False
    day = (
        form.cleaned_data.get("effective_from") if form.is_bound else None
    ) or today()
    commissioner = (
        queries.parent_on(RelationshipKind.PRACTICE_COMMISSIONER, code, day) or ""
    )
    networks = services.assignable_networks(commissioner, day)
    status = 200
    if form.is_bound:
        if valid:
            chosen = form.cleaned_data["network"]
            try:
                application = services.assign_practice(
                    request.user,
                    practice=code,
                    network=chosen,
                    commissioner=commissioner,
                    effective_from=day,
                    reason=form.cleaned_data["reason"],
                )
            except services.WorkflowError as exc:
                field = {"practice": "network"}.get(exc.field, exc.field)
                presenters.add_service_error(form, str(exc), field)
            except ValidationError as exc:
                presenters.add_service_error(form, validation_text(exc), "")
            else:
                messages.success(
                    request,
                    f"{code} is assigned to {chosen} from {fmt_date(day)} "
                    f"({application.reference}).",
                )
                return redirect("application", ref=application.reference)
        status = 400
    view = presenters.FormView(form)
    chosen = view.value("network")
    return _render(
        request,
        "workflow/assign.html",
        {
            "f": view,
            "error_summary": view.summary(),
            "practice": code,
            "practice_name": queries.latest_names([code]).get(code, ""),
            "current_network": queries.network_of(code, day),
            "commissioner": commissioner,
            "day_text": fmt_date(day),
            "network_items": [{"value": "", "text": "Choose a network"}]
            + [
                {
                    "value": n.pcn_code,
                    "text": f"{n.pcn_name} ({n.pcn_code})",
                    "selected": n.pcn_code == chosen,
                }
                for n in networks
            ],
        },
        status=status,
    )
