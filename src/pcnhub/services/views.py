"""The services pages: views check the permission, parse input with a form and call
the services; they hold no rules of their own.

* ``org/<code>/services/?year=2024/25`` — the network's service requirements in a
  contract year (the current one by default) with their delivery, and the access
  hours offered against those required; ``&format=csv`` or ``&format=xlsx``
  downloads the requirements table, ``&table=access`` the access weeks instead.
* ``org/<code>/services/record/`` — record a delivery status or a week's access
  hours (``governance.change_network``).
"""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from pcnhub.access.checks import require_network
from pcnhub.access.permissions import Permission
from pcnhub.audit.services import Actor
from pcnhub.governance.forms import ChangeForm
from pcnhub.register import queries
from pcnhub.register.exports import write_records
from pcnhub.register.models import Organisation
from pcnhub.rules.periods import ContractYear
from pcnhub.services import presenters, records
from pcnhub.services.forms import AccessHoursForm, DeliveryForm
from pcnhub.ui.asat import AsAt, as_at_from
from pcnhub.ui.downloads import XLSX, xlsx_bytes
from pcnhub.ui.formatting import fmt_date
from pcnhub.ui.forms import form_errors
from pcnhub.ui.frame import frame
from pcnhub.ui.links import org_url
from pcnhub.ui.years import covered_years, parse_year


def _network(request: HttpRequest, code: str, permission: str) -> Organisation:
    return require_network(request.user, code, permission)


def _render(
    request: HttpRequest,
    template: str,
    as_at: AsAt,
    context: dict[str, Any],
    status: int = 200,
) -> HttpResponse:
    full = frame(request, as_at) | {"show_date_form": False} | context
    return render(request, template, full, status=status)


def _year(request: HttpRequest, as_at: AsAt) -> tuple[ContractYear, str]:
    """The year asked for (the current contract year by default), and any error."""
    text = request.GET.get("year") or request.POST.get("year")
    try:
        return parse_year(text, as_at.day), ""
    except ValueError as exc:
        return parse_year(None, as_at.day), str(exc)


def _download(content: str | bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _services_download(
    view: records.YearView, fmt: str, table: str, personal: bool
) -> HttpResponse:
    if table == "access":
        rows, columns = (
            presenters.access_records(view, personal),
            presenters.ACCESS_COLUMNS,
        )
    else:
        rows = presenters.delivery_records(view, personal)
        columns = presenters.DELIVERY_COLUMNS
    name = f"services-{table or 'requirements'}-{view.code}-" + str(view.year).replace(
        "/", "-"
    )
    if fmt == "xlsx":
        return _download(xlsx_bytes(rows, columns, "services"), XLSX, f"{name}.xlsx")
    out = io.StringIO()
    write_records(out, rows, columns, "csv")
    return _download(out.getvalue(), "text/csv; charset=utf-8", f"{name}.csv")


def _links(code: str, year: ContractYear, as_at: AsAt) -> dict[str, Any]:
    page = reverse("services", args=[code])
    y = str(year)
    return {
        "csv_url": as_at.link(page, year=y, format="csv"),
        "xlsx_url": as_at.link(page, year=y, format="xlsx"),
        "access_csv_url": as_at.link(page, year=y, format="csv", table="access"),
        "access_xlsx_url": as_at.link(page, year=y, format="xlsx", table="access"),
        "record_url": as_at.link(reverse("services_record", args=[code]), year=y),
        "years": [
            {
                "text": str(other),
                "href": as_at.link(page, year=str(other)),
                "current": other == year,
            }
            for other in covered_years()
        ],
    }


def services(request: HttpRequest, code: str) -> HttpResponse:
    """A network's services in a contract year, or the year's table as a download."""
    as_at = as_at_from(request)
    org = _network(request, code, Permission.VIEW_NETWORK)
    year, error = _year(request, as_at)
    fmt = request.GET.get("format", "")
    if error and fmt:
        return HttpResponse(error, status=400, content_type="text/plain")
    view = records.year_view(org.code, year)
    personal = request.user.has_perm(Permission.VIEW_PERSONAL, org.code)
    if fmt in ("csv", "xlsx"):
        return _services_download(view, fmt, request.GET.get("table", ""), personal)
    name = queries.names_on([org.code], as_at.day).get(org.code, "")
    context = {
        "code": org.code,
        "name": name,
        "year": str(year),
        "year_error": error,
        "view": view,
        "requirements": presenters.requirements_table(view, personal),
        "history": presenters.history_table(view, personal),
        "access": presenters.access_table(view),
        "required": view.required,
        "required_from": fmt_date(view.required.day) if view.required else "",
        "below": len(view.below),
        "may_record": request.user.has_perm(Permission.CHANGE_NETWORK, org.code),
        "org_url": org_url(as_at, org.code),
        "notices": [str(m) for m in messages.get_messages(request)],
    } | _links(org.code, year, as_at)
    return _render(
        request, "services/services.html", as_at, context, 400 if error else 200
    )


def _attempt(form: ChangeForm, save: Any) -> bool:
    try:
        save()
    except ValidationError as exc:
        form.attach(exc)
        return False
    return True


def _save(
    request: HttpRequest, code: str, year: ContractYear, form: ChangeForm, what: str
) -> bool:
    actor = Actor(user=request.user)
    data = form.cleaned_data
    if what == "access":
        return _attempt(
            form,
            lambda: records.record_access_hours(
                actor,
                code,
                data["week_starting"],
                data["minutes_offered"],
                reason=data["reason"],
                note=data["note"],
            ),
        )
    return _attempt(
        form,
        lambda: records.record_delivery(
            actor,
            code,
            year,
            data["requirement"],
            data["status"],
            evidence=data["evidence"],
            link=data["link"],
            reason=data["reason"],
        ),
    )


def record(request: HttpRequest, code: str) -> HttpResponse:
    """Record a delivery status or a week's access hours (GET: the forms)."""
    as_at = as_at_from(request)
    org = _network(request, code, Permission.CHANGE_NETWORK)
    year, error = _year(request, as_at)
    view = records.year_view(org.code, year)
    choices = [(i.requirement.code, i.requirement.name) for i in view.requirements]
    delivery = DeliveryForm(requirements=choices)
    access = AccessHoursForm()
    what = request.POST.get("what", "delivery")
    if request.method == "POST" and not error:
        if what == "access":
            access = AccessHoursForm(request.POST)
            form: ChangeForm = access
        else:
            delivery = DeliveryForm(request.POST, requirements=choices)
            form = delivery
        if form.is_valid() and _save(request, org.code, year, form, what):
            messages.success(
                request,
                "Access hours recorded" if what == "access" else "Delivery recorded",
            )
            return redirect(
                as_at.link(reverse("services", args=[org.code]), year=str(year))
            )
    bound = delivery if delivery.is_bound else access
    failed = bound.is_bound and bool(bound.errors)
    context = {
        "code": org.code,
        "name": queries.names_on([org.code], as_at.day).get(org.code, ""),
        "year": str(year),
        "year_error": error,
        "form_errors": form_errors(bound) if failed else [],
        "delivery_fields": presenters.form_fields(delivery),
        "access_fields": presenters.form_fields(access),
        "required": view.required,
        "back_url": as_at.link(reverse("services", args=[org.code]), year=str(year)),
    }
    return _render(
        request, "services/record.html", as_at, context, 400 if failed or error else 200
    )
