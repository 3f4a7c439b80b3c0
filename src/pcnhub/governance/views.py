"""The governance pages: a network's record on a date, the forms that change it,
and document upload and download.

Views check the permission first (``pcnhub.access``), parse the input with a
form, and call the services; they hold no rules of their own. The change pages
of the record kinds come from their specification (:mod:`pcnhub.governance.kinds`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_safe

from pcnhub.access.checks import allowed, require, require_network
from pcnhub.access.permissions import Permission
from pcnhub.audit.services import Actor
from pcnhub.governance import contract_inputs, reading, services
from pcnhub.governance import documents as stored
from pcnhub.governance.forms import (
    ChangeForm,
    ContractInputsForm,
    DocumentForm,
    EndClinicalDirectorForm,
)
from pcnhub.governance.history import history
from pcnhub.governance.kinds import PAGES, RecordKind, by_name
from pcnhub.governance.models import ClinicalDirectorAppointment, GovernanceDocument
from pcnhub.governance.presenters import (
    Access,
    inputs_history_table,
    inputs_rows,
    page,
)
from pcnhub.governance.records import WITHHELD
from pcnhub.register import queries
from pcnhub.register.models import Organisation
from pcnhub.ui.asat import AsAt, as_at_from
from pcnhub.ui.form_fields import form_fields
from pcnhub.ui.formatting import fmt_date
from pcnhub.ui.forms import form_errors
from pcnhub.ui.frame import frame
from pcnhub.ui.links import org_url


def _render(
    request: HttpRequest,
    template: str,
    as_at: AsAt,
    context: dict[str, Any],
    status: int | None = None,
) -> HttpResponse:
    full = frame(request, as_at) | context
    if status is None:
        status = 400 if as_at.error else 200
    return render(request, template, full, status=status)


def _network(request: HttpRequest, code: str, permission: str) -> Organisation:
    return require_network(request.user, code, permission)


def _access(request: HttpRequest, code: str) -> Access:
    user = request.user
    return Access(
        personal=user.has_perm(Permission.VIEW_PERSONAL, code),
        documents=user.has_perm(Permission.VIEW_DOCUMENTS, code),
        change=user.has_perm(Permission.CHANGE_NETWORK, code),
        approve_small=allowed(user, Permission.APPROVE_SMALL_POPULATION, code),
        contract_inputs=allowed(user, Permission.RECORD_CONTRACT_INPUTS, code),
    )


def _name(code: str, as_at: AsAt) -> str:
    return queries.names_on([code], as_at.day).get(code, "")


def _next(request: HttpRequest) -> str:
    """Where a link asked to return after the change (this site's pages only)."""
    target = request.GET.get("next", "")
    local = target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    )
    return target if local else ""


def _back(code: str, as_at: AsAt) -> str:
    return as_at.link(reverse("governance", args=[code]))


def governance(request: HttpRequest, code: str) -> HttpResponse:
    """A network's governance on the page's date, and its whole history."""
    as_at = as_at_from(request)
    org = _network(request, code, Permission.VIEW_NETWORK)
    access = _access(request, org.code)
    context = page(
        reading.governance_on(org.code, as_at.day),
        history(org.code),
        access,
        as_at,
        contract_inputs.inputs_on(org.code, as_at.day),
    )
    name = _name(org.code, as_at)
    context |= {
        "name": name,
        "org_url": org_url(as_at, org.code),
        "breadcrumb": {
            "items": [
                {"text": "Home", "href": as_at.link(reverse("home"))},
                {
                    "text": f"{name or org.code} ({org.code})",
                    "href": org_url(as_at, org.code),
                },
            ]
        },
        "notices": [str(m) for m in messages.get_messages(request)],
    }
    return _render(request, "governance/governance.html", as_at, context)


# Changes ------------------------------------------------------------------------


def _save(kind: RecordKind, actor: Actor, code: str, data: dict[str, Any]) -> Any:
    """Call the kind's service with the form's values (its declared inputs)."""
    return kind.write(
        actor,
        code,
        start=data["start"],
        # A form without a reason (the small population approval) lets the
        # service take its own.
        reason=data.get("reason", ""),
        **{name: data[name] for name in kind.input_names},
    )


def _form_page(
    request: HttpRequest,
    org: Organisation,
    as_at: AsAt,
    form: ChangeForm,
    heading: str,
    multipart: bool = False,
    intro: str = "",
) -> HttpResponse:
    context = {
        "code": org.code,
        "name": _name(org.code, as_at),
        "heading": heading,
        "intro": intro,
        "form_errors": form_errors(form),
        "fields": form_fields(form),
        "multipart": multipart,
        "back_url": _back(org.code, as_at),
        "show_date_form": False,
    }
    status = 400 if form.is_bound and form.errors else 200
    return _render(request, "governance/change.html", as_at, context, status)


def _attempt(form: ChangeForm, save: Callable[[], Any]) -> bool:
    """Call the service; on its ValidationError, show the errors on the form."""
    try:
        save()
    except ValidationError as exc:
        form.attach(exc)
        return False
    return True


def change(request: HttpRequest, code: str, kind: str) -> HttpResponse:
    """Record one kind of change (GET: the form; POST: record it)."""
    spec = PAGES.get(kind)
    if spec is None or spec.page is None:
        raise Http404(f"no governance change called {kind!r}")
    as_at = as_at_from(request)
    org = _network(request, code, Permission.CHANGE_NETWORK)
    if spec.permission != Permission.CHANGE_NETWORK:
        # A decision (the small population approval) needs more than changing.
        require(request.user, spec.permission, org.code)
    page = spec.page
    if request.method != "POST":
        return _form_page(request, org, as_at, page.form(), page.heading)
    form = page.form(request.POST)
    actor = Actor(user=request.user)
    if form.is_valid() and _attempt(
        form, lambda: _save(spec, actor, org.code, form.cleaned_data)
    ):
        messages.success(request, page.done)
        return redirect(_next(request) or _back(org.code, as_at))
    return _form_page(request, org, as_at, form, page.heading)


def end_director(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """End a clinical director's appointment."""
    as_at = as_at_from(request)
    org = _network(request, code, Permission.CHANGE_NETWORK)
    appointment = ClinicalDirectorAppointment.objects.filter(
        pk=pk, network=org, valid_to__isnull=True
    ).first()
    if appointment is None:
        raise Http404("no current appointment with that number for this network")
    who = (
        appointment.name
        if request.user.has_perm(Permission.VIEW_PERSONAL, org.code)
        else WITHHELD
    )
    heading = "End a clinical director's appointment"
    intro = f"{who}, in post since {fmt_date(appointment.valid_from)}."
    if request.method != "POST":
        return _form_page(
            request, org, as_at, EndClinicalDirectorForm(), heading, intro=intro
        )
    form = EndClinicalDirectorForm(request.POST)
    actor = Actor(user=request.user)
    if form.is_valid() and _attempt(
        form,
        lambda: services.end_clinical_director(
            actor,
            appointment,
            on=form.cleaned_data["on"],
            reason=form.cleaned_data["reason"],
        ),
    ):
        messages.success(request, "Clinical director's appointment ended")
        return redirect(_back(org.code, as_at))
    return _form_page(request, org, as_at, form, heading, intro=intro)


# Documents ----------------------------------------------------------------------


def _current_documents(code: str) -> list[tuple[int, str]]:
    return [
        (d.pk, f"{d.title} ({d.original_name}, {fmt_date(d.uploaded_at.date())})")
        for d in GovernanceDocument.objects.filter(
            network_id=code, superseded_by__isnull=True
        ).order_by("-uploaded_at", "-id")
    ]


def document_new(request: HttpRequest, code: str) -> HttpResponse:
    """Upload a document (multipart form)."""
    as_at = as_at_from(request)
    org = _network(request, code, Permission.CHANGE_NETWORK)
    require(request.user, Permission.VIEW_DOCUMENTS, org.code)
    documents = _current_documents(org.code)
    heading = "Upload a document"
    if request.method != "POST":
        form = DocumentForm(documents=documents)
        return _form_page(request, org, as_at, form, heading, multipart=True)
    form = DocumentForm(request.POST, request.FILES, documents=documents)
    actor = Actor(user=request.user)
    if form.is_valid() and _attempt(
        form,
        lambda: stored.store_document(
            actor,
            org.code,
            kind=form.cleaned_data["kind"],
            title=form.cleaned_data["title"],
            upload=form.cleaned_data["upload"],
            reason=form.cleaned_data["reason"],
            supersedes=form.cleaned_data["supersedes"],
        ),
    ):
        messages.success(request, "Document uploaded")
        return redirect(_back(org.code, as_at))
    return _form_page(request, org, as_at, form, heading, multipart=True)


def document(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Download a stored document, to those who may see the network's documents.

    Always as an attachment, with the type found when it was stored and
    ``nosniff``, so that a browser never renders it as a page of this site.
    """
    org = _network(request, code, Permission.VIEW_DOCUMENTS)
    found = GovernanceDocument.objects.filter(pk=pk, network=org).first()
    if found is None:
        raise Http404("no such document for this network")
    path = stored.document_path(found)
    if not path.is_file():
        raise Http404("the stored file is missing")
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=found.original_name,
        content_type=found.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# Contract inputs ----------------------------------------------------------------


def _start(request: HttpRequest) -> str:
    """A first value for "Holds from" given by the link (``?start=2021-04-01``)."""
    text = request.GET.get("start", "")
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        return ""


@require_safe
def inputs(request: HttpRequest, code: str) -> HttpResponse:
    """The contract inputs on the page's date and their history, with the form
    for those who may record them (it posts to :func:`inputs_record`)."""
    return _inputs_page(request, code, recording=False)


def inputs_record(request: HttpRequest, code: str) -> HttpResponse:
    """Record contract inputs (GET: the page with the form; POST: record them).

    Only the overseeing commissioner (``governance.record_contract_inputs``).
    """
    return _inputs_page(request, code, recording=True)


def _inputs_page(request: HttpRequest, code: str, recording: bool) -> HttpResponse:
    as_at = as_at_from(request)
    org = _network(request, code, Permission.VIEW_NETWORK)
    if recording:
        require(request.user, Permission.RECORD_CONTRACT_INPUTS, org.code)
    may_record = allowed(request.user, Permission.RECORD_CONTRACT_INPUTS, org.code)
    form: ContractInputsForm | None = None
    if recording and request.method == "POST":
        form = ContractInputsForm(request.POST)
        data = form.cleaned_data if form.is_valid() else None
        if data is not None and _attempt(
            form,
            lambda: _save(
                by_name("contract_inputs"), Actor(user=request.user), org.code, data
            ),
        ):
            messages.success(request, "Contract inputs recorded")
            page_url = as_at.link(
                reverse("governance_contract_inputs", args=[org.code])
            )
            return redirect(_next(request) or page_url)
    elif may_record:
        current = contract_inputs.current(org.code)
        # Beds hold until replaced, so they are offered again; a year's IIF
        # achievement and CAIP assessment are entered afresh.
        initial = {"start": _start(request)}
        if current is not None and current.care_home_beds is not None:
            initial["care_home_beds"] = str(current.care_home_beds)
        form = ContractInputsForm(initial=initial)
    access = _access(request, org.code)
    held = contract_inputs.inputs_on(org.code, as_at.day)
    query = request.GET.urlencode()
    action = reverse("governance_contract_inputs_record", args=[org.code])
    context = {
        "code": org.code,
        "name": _name(org.code, as_at),
        "rows": inputs_rows(held) if held else [],
        "history": inputs_history_table(
            contract_inputs.inputs_history(org.code), access
        ),
        "form_errors": form_errors(form) if form is not None else [],
        "fields": form_fields(form) if form is not None else [],
        "may_record": may_record,
        "action": f"{action}?{query}" if query else action,
        "back_url": _back(org.code, as_at),
        "notices": [str(m) for m in messages.get_messages(request)],
    }
    status = 400 if form is not None and form.is_bound and form.errors else None
    return _render(request, "governance/contract_inputs.html", as_at, context, status)
