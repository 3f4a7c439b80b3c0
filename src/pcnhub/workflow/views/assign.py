"""The commissioner assigns a practice in no network to a network."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from pcnhub.access.checks import allowed, require
from pcnhub.access.permissions import Permission
from pcnhub.register import queries
from pcnhub.register.models import OrganisationKind, RelationshipKind
from pcnhub.ui.asat import today
from pcnhub.ui.formatting import fmt_date
from pcnhub.workflow import forms as wf_forms
from pcnhub.workflow import presenters, services
from pcnhub.workflow.views.base import GET_POST, render_page, validation_text


def _practice(request: HttpRequest, code: str) -> str:
    """The practice's code (404 if no practice), once the user may assign it."""
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
    return code


def _assign(
    request: HttpRequest,
    form: wf_forms.AssignForm,
    code: str,
    commissioner: str,
    day: date,
) -> HttpResponse | None:
    """Assign as the valid ``form`` asks and go to the application; None, with
    the refusal put on the form, if the services refuse."""
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
        return None
    except ValidationError as exc:
        presenters.add_service_error(form, validation_text(exc), "")
        return None
    messages.success(
        request,
        f"{code} is assigned to {chosen} from {fmt_date(day)} "
        f"({application.reference}).",
    )
    return redirect("application", ref=application.reference)


def _assign_page(
    request: HttpRequest,
    form: wf_forms.AssignForm,
    code: str,
    commissioner: str,
    day: date,
    networks: Any,
    status: int,
) -> HttpResponse:
    view = presenters.FormView(form)
    chosen = view.value("network")
    return render_page(
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


@GET_POST
def assign_practice(request: HttpRequest, code: str) -> HttpResponse:
    code = _practice(request, code)
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
            assigned = _assign(request, form, code, commissioner, day)
            if assigned is not None:
                return assigned
        status = 400
    return _assign_page(request, form, code, commissioner, day, networks, status)
