"""Starting an application (choose its kind, then fill in its form) and
changing one."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from pcnhub.access.checks import require
from pcnhub.access.permissions import Permission
from pcnhub.access.roles import Role
from pcnhub.access.scope import scope_of
from pcnhub.register import queries
from pcnhub.register.models import RelationshipKind
from pcnhub.ui.asat import today
from pcnhub.workflow import forms as wf_forms
from pcnhub.workflow import presenters, services, targets
from pcnhub.workflow.models import Application, Kind
from pcnhub.workflow.transitions import Action
from pcnhub.workflow.views.base import (
    GET_POST,
    find_application,
    posted_version,
    render_page,
)


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
    return render_page(
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
    return render_page(
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
    application = find_application(request, ref, Permission.CHANGE_APPLICATION)
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
    version = posted_version(request)
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
