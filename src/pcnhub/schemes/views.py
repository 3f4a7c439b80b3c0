"""The local schemes pages: views check the permission, parse input with a form
and call the services; they hold no rules of their own.

``code`` is a commissioner (its schemes, which it records) or a network (the
schemes covering it, read only). The permission is asked first, so a code
outside the user's scope is a 403 whether or not it exists.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from pcnhub.access.checks import allowed, require
from pcnhub.access.permissions import Permission
from pcnhub.audit.services import Actor
from pcnhub.core.codes import normalise
from pcnhub.register import queries
from pcnhub.register.exports import write_records
from pcnhub.register.models import Organisation, OrganisationKind
from pcnhub.schemes import presenters
from pcnhub.schemes.forms import (
    ChangeSchemeForm,
    EndSchemeForm,
    SchemeForm,
    change_initial,
)
from pcnhub.schemes.models import LocalScheme, LocalSchemeVersion
from pcnhub.schemes.overlaps import COLUMNS, Report, report_for
from pcnhub.schemes.records import (
    change_scheme,
    covering,
    current_versions,
    end_scheme,
    latest_version,
    record_scheme,
)
from pcnhub.ui.asat import AsAt, as_at_from
from pcnhub.ui.downloads import XLSX, xlsx_bytes
from pcnhub.ui.forms import form_errors
from pcnhub.ui.frame import frame
from pcnhub.ui.sorting import sort_rows
from pcnhub.ui.years import default_year

KINDS = (OrganisationKind.COMMISSIONER, OrganisationKind.NETWORK)


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


def _organisation(
    request: HttpRequest, code: str, permission: str, kinds: tuple[str, ...] = KINDS
) -> Organisation:
    code = normalise(code)
    require(request.user, permission, code)
    org = queries.find_organisation(code)
    if org is None or org.kind not in kinds:
        what = " or ".join(str(k.label) for k in KINDS if k in kinds).lower()
        raise Http404(f"{code} is not a {what} in the register")
    return org


def _heading(org: Organisation, as_at: AsAt) -> dict[str, Any]:
    name = queries.names_on([org.code], as_at.day).get(org.code, "")
    return {
        "code": org.code,
        "name": name,
        "is_commissioner": org.kind == OrganisationKind.COMMISSIONER,
        "list_url": as_at.link(reverse("local_schemes", args=[org.code])),
        "overlaps_url": as_at.link(reverse("local_scheme_overlaps", args=[org.code])),
    }


def _versions(org: Organisation) -> list[Any]:
    if org.kind == OrganisationKind.COMMISSIONER:
        return list(current_versions(org.code))
    return covering(org.code)


@require_safe
def schemes(request: HttpRequest, code: str) -> HttpResponse:
    """A commissioner's local schemes (or those covering a network)."""
    as_at = as_at_from(request)
    org = _organisation(request, code, Permission.VIEW_LOCAL_SCHEMES)
    may_record = org.kind == OrganisationKind.COMMISSIONER and allowed(
        request.user, Permission.RECORD_LOCAL_SCHEMES, org.code
    )
    context = _heading(org, as_at) | {
        "schemes_table": presenters.schemes_table(org.code, _versions(org), as_at),
        "may_record": may_record,
        "new_url": as_at.link(reverse("local_scheme_new", args=[org.code])),
        "notices": [str(m) for m in messages.get_messages(request)],
    }
    return _render(request, "schemes/schemes.html", as_at, context)


#: A form of this app: a scheme form, the change form or the end form.
AnyForm = SchemeForm | EndSchemeForm


def _form_page(
    request: HttpRequest,
    org: Organisation,
    as_at: AsAt,
    form: AnyForm,
    texts: dict[str, str],
) -> HttpResponse:
    """The form's page; ``texts``: its heading, caption, intro, button, and
    where its back link goes (``back_url``, ``back_text``)."""
    heading = _heading(org, as_at)
    context = (
        heading
        | {
            "form_errors": form_errors(form),
            "fields": presenters.form_fields(form),
            "hidden": presenters.hidden_fields(form),
            "caption": f"{heading['name'] or org.code} ({org.code})",
            "back_url": heading["list_url"],
            "back_text": "Back to local schemes",
            "stale": form.stale,
            "reload_url": as_at.link(request.path),
        }
        | texts
    )
    status = 400 if form.is_bound and form.errors else 200
    return _render(request, "schemes/form.html", as_at, context, status)


def _saved(
    request: HttpRequest,
    org: Organisation,
    as_at: AsAt,
    form: AnyForm,
    save: Callable[[], LocalSchemeVersion],
    done: str,
) -> HttpResponse | None:
    """Save a valid form through the service (``save``) and go to the scheme's
    page; None when the form or the service refused it (its errors on the form)."""
    if not form.is_valid():
        return None
    try:
        version = save()
    except ValidationError as exc:
        form.attach(exc)
        return None
    messages.success(request, f"Scheme {version.scheme.reference} {done}")
    return redirect(
        as_at.link(reverse("local_scheme", args=[org.code, version.scheme_id]))
    )


def _commissioner(request: HttpRequest, code: str) -> Organisation:
    """The commissioner whose schemes are recorded here (its permission first)."""
    return _organisation(
        request,
        code,
        Permission.RECORD_LOCAL_SCHEMES,
        kinds=(OrganisationKind.COMMISSIONER,),
    )


@require_http_methods(["GET", "POST"])
def scheme_new(request: HttpRequest, code: str) -> HttpResponse:
    """Record a scheme (GET: the form; POST: record it)."""
    as_at = as_at_from(request)
    org = _commissioner(request, code)
    form = SchemeForm(request.POST if request.method == "POST" else None)

    def save() -> LocalSchemeVersion:
        return record_scheme(
            Actor(user=request.user),
            org.code,
            form.cleaned_data["reference"],
            form.entry(),
            reason=form.cleaned_data["reason"],
        )

    if form.is_bound and (done := _saved(request, org, as_at, form, save, "recorded")):
        return done
    texts = {
        "heading": "Record a local scheme",
        "intro": "A locally funded roles scheme names the ARRS roles it funds and "
        "the WTE of each; a locally commissioned service names the DES service "
        "requirements it is like. Both name the networks or practices they cover.",
        "button": "Record the scheme",
    }
    return _form_page(request, org, as_at, form, texts)


def _own_scheme(org: Organisation, pk: int) -> LocalScheme:
    found = LocalScheme.objects.filter(pk=pk, commissioner_code=org.code).first()
    if found is None:
        raise Http404(f"no local scheme {pk} of {org.code}")
    return found


def _scheme_texts(
    org: Organisation, found: LocalScheme, as_at: AsAt, **texts: str
) -> dict[str, str]:
    return {
        "caption": f"{org.code} local scheme {found.reference}",
        "back_url": as_at.link(reverse("local_scheme", args=[org.code, found.pk])),
        "back_text": "Back to the scheme",
    } | texts


@require_http_methods(["GET", "POST"])
def scheme_change(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Change a scheme: its next version, made from the version the form showed
    (GET: the form, filled in from the current version; POST: save it)."""
    as_at = as_at_from(request)
    org = _commissioner(request, code)
    found = _own_scheme(org, pk)
    if request.method != "POST":
        form = ChangeSchemeForm(initial=change_initial(latest_version(found)))
    else:
        form = ChangeSchemeForm(request.POST)

    def save() -> LocalSchemeVersion:
        return change_scheme(
            Actor(user=request.user),
            found,
            form.entry(),
            expected_version=form.cleaned_data["version"],
            reason=form.cleaned_data["reason"],
        )

    if form.is_bound and (done := _saved(request, org, as_at, form, save, "changed")):
        return done
    texts = _scheme_texts(
        org,
        found,
        as_at,
        heading=f"Change {found.reference}",
        intro="A change adds the scheme's next version; the earlier versions are "
        "kept and shown on its page. To end the scheme, give its last day.",
        button="Save the change",
    )
    return _form_page(request, org, as_at, form, texts)


@require_http_methods(["GET", "POST"])
def scheme_end(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """End a scheme on its last day: its next version (GET: the form)."""
    as_at = as_at_from(request)
    org = _commissioner(request, code)
    found = _own_scheme(org, pk)
    current = latest_version(found)
    if request.method != "POST":
        initial = {"end": current.end, "version": current.number}
        form = EndSchemeForm(initial=initial)
    else:
        form = EndSchemeForm(request.POST)

    def save() -> LocalSchemeVersion:
        return end_scheme(
            Actor(user=request.user),
            found,
            form.cleaned_data["end"],
            expected_version=form.cleaned_data["version"],
            reason=form.cleaned_data["reason"],
        )

    if form.is_bound and (done := _saved(request, org, as_at, form, save, "ended")):
        return done
    texts = _scheme_texts(
        org,
        found,
        as_at,
        heading=f"End {found.reference}",
        intro=f"{current.name} runs {presenters.period(current.start, current.end)}. "
        "Give its last day: the overlap report counts no day after it. The "
        "scheme's next version ends then; the earlier versions are kept.",
        button="End the scheme",
    )
    return _form_page(request, org, as_at, form, texts)


@require_safe
def scheme(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """One scheme: its current version and every version before it."""
    as_at = as_at_from(request)
    org = _organisation(request, code, Permission.VIEW_LOCAL_SCHEMES)
    found = LocalScheme.objects.filter(pk=pk).first()
    if found is None or found.pk not in {v.scheme_id for v in _versions(org)}:
        raise Http404(f"no local scheme {pk} for {org.code}")
    versions = list(found.versions.order_by("-number"))
    owner = found.commissioner_code
    context = _heading(org, as_at) | {
        # Only the scheme's commissioner (its region, national) changes it,
        # from its own pages, whichever page it was read on.
        "may_record": allowed(request.user, Permission.RECORD_LOCAL_SCHEMES, owner),
        "change_url": as_at.link(reverse("local_scheme_change", args=[owner, pk])),
        "end_url": as_at.link(reverse("local_scheme_end", args=[owner, pk])),
        "scheme": found,
        "current": versions[0],
        "rows": presenters.version_rows(versions[0]),
        "history": presenters.history_table(versions),
        "notices": [str(m) for m in messages.get_messages(request)],
    }
    return _render(request, "schemes/scheme.html", as_at, context)


def _download(report: Report, fmt: str, code: str) -> HttpResponse:
    name = f"local-scheme-overlaps-{code}-{str(report.year).replace('/', '-')}"
    records = [r.record() for r in report.rows]
    if fmt == "xlsx":
        content: str | bytes = xlsx_bytes(records, COLUMNS, "overlaps")
        kind, filename = XLSX, f"{name}.xlsx"
    else:
        out = io.StringIO()
        write_records(out, records, COLUMNS, "csv")
        content, kind, filename = (
            out.getvalue(),
            "text/csv; charset=utf-8",
            f"{name}.csv",
        )
    response = HttpResponse(content, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
def overlaps(request: HttpRequest, code: str) -> HttpResponse:
    """The overlap report for ``?year=`` (the current contract year if not
    given); ``?format=csv|xlsx`` downloads every row."""
    as_at = as_at_from(request)
    org = _organisation(request, code, Permission.VIEW_LOCAL_SCHEMES)
    year_text = request.GET.get("year")
    try:
        report = report_for(request.user, org, year_text, as_at.day)
    except ValueError as exc:
        report, year_error = None, str(exc)
    else:
        year_error = ""
    fmt = request.GET.get("format", "")
    if fmt in ("csv", "xlsx"):
        if report is None:
            return HttpResponse(
                f"year: {year_error}\n", status=400, content_type="text/plain"
            )
        return _download(report, fmt, org.code)
    year = report.year if report else default_year(as_at.day)
    sorted_rows = sort_rows(
        report.rows if report else [], presenters.REPORT_COLUMNS, request
    )
    query = {"year": str(year)}
    context = _heading(org, as_at) | {
        "year": str(year),
        "year_input": {
            "id": "year",
            "name": "year",
            "label": {"text": "Contract year"},
            "hint": {"text": "For example 2024/25"},
            "value": year_text if year_error else str(year),
            "classes": "nhsuk-input--width-5",
        }
        | ({"errorMessage": {"text": year_error}} if year_error else {}),
        "year_error": year_error,
        "report": report,
        "overlaps_table": {
            "caption": f"Overlaps in {year}",
            "responsive": True,
            "head": sorted_rows.head,
            "rows": presenters.report_rows(sorted_rows.rows),
            "foot": sorted_rows.foot("Total at stake") if sorted_rows.rows else [],
        },
        "sorted_by": sorted_rows.description,
        "totals_note": sorted_rows.totals_note("overlap") if sorted_rows.rows else "",
        "csv_url": as_at.link(request.path, format="csv", **query),
        "xlsx_url": as_at.link(request.path, format="xlsx", **query),
    }
    status = 400 if year_error else None
    return _render(request, "schemes/overlaps.html", as_at, context, status)
