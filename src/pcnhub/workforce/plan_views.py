"""The workforce plan pages: a network's planned recruitment projected against
its ARRS sum (table, chart, CSV/XLSX), and the forms that add and remove a
planned row.

Views check the permission first, parse input with a form and call the service
(:mod:`pcnhub.workforce.plan`); the rules are in :mod:`pcnhub.rules.plan`.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from pcnhub.access.checks import allowed, require_network
from pcnhub.access.permissions import Permission
from pcnhub.audit.services import Actor
from pcnhub.core.spreadsheet import safe_cell
from pcnhub.register import queries
from pcnhub.rules.periods import ContractYear
from pcnhub.rules.plan import Projection
from pcnhub.ui.asat import AsAt, as_at_from
from pcnhub.ui.downloads import XLSX, xlsx_bytes
from pcnhub.ui.form_fields import form_fields
from pcnhub.ui.forms import form_errors
from pcnhub.ui.frame import frame
from pcnhub.ui.links import org_url
from pcnhub.ui.years import parse_year
from pcnhub.workforce import plan as service
from pcnhub.workforce.plan_chart import chart
from pcnhub.workforce.plan_forms import PlannedRowForm, RemoveRowForm
from pcnhub.workforce.plan_tables import (
    COLUMNS,
    history_table,
    monthly_records,
    monthly_table,
    rows_table,
)
from pcnhub.workforce.staff import role_labels


def _network(request: HttpRequest, code: str, permission: str) -> str:
    return require_network(request.user, code, permission).code


def _year(request: HttpRequest, as_at: AsAt) -> tuple[ContractYear, str]:
    text = request.POST.get("year") or request.GET.get("year")
    try:
        return parse_year(text, as_at.day), ""
    except ValueError as exc:
        return parse_year(None, as_at.day), str(exc)


def _plan_url(code: str, year: ContractYear, suffix: str = "") -> str:
    return str(reverse(f"workforce_plan{suffix}", args=[code])) + f"?year={year}"


def _context(
    request: HttpRequest, code: str, as_at: AsAt, year: ContractYear
) -> dict[str, Any]:
    name = queries.names_on([code], as_at.day).get(code, "")
    home = reverse("workforce", args=[code])
    return frame(request, as_at) | {
        "code": code,
        "name": name,
        "year": str(year),
        "plan_url": as_at.link(_plan_url(code, year)),
        "breadcrumb": {
            "items": [
                {"text": "Home", "href": as_at.link(reverse("home"))},
                {"text": f"{name or code} ({code})", "href": org_url(as_at, code)},
                {"text": "Workforce", "href": as_at.link(home)},
            ]
        },
    }


@require_safe
def plan(request: HttpRequest, code: str) -> HttpResponse:
    """The year's plan and projection (``?year=2024/25``), or the monthly table
    as a file (``&format=csv|xlsx``)."""
    code = _network(request, code, Permission.VIEW_STAFF)
    as_at = as_at_from(request)
    year, year_error = _year(request, as_at)
    current = service.latest(code, year)
    projection = service.projection(code, year, current.rows)
    fmt = request.GET.get("format", "")
    if fmt in ("csv", "xlsx"):
        return _download(code, projection, fmt)
    roles = role_labels()
    may_change = allowed(request.user, Permission.CHANGE_STAFF, code)
    _, sum_error = (
        (projection.arrs_sum, "")
        if projection.arrs_sum is not None
        else service.arrs_sum_or_error(code, year)
    )
    heading = f"Workforce plan for {year}"
    context = _context(request, code, as_at, year) | {
        "heading": heading,
        "year_error": year_error,
        "sum_error": sum_error,
        "plan": current,
        "projection": projection,
        "summary": _summary(projection),
        "rows": rows_table(current.rows, projection, roles),
        "months": monthly_table(projection),
        "history": history_table(service.history(code, year)),
        "chart": chart(projection, f"{heading}: cumulative spend against the sum"),
        "may_change": may_change,
        "add_url": _plan_url(code, year, "_add"),
        "remove_url": _plan_url(code, year, "_remove"),
        "remove_fields": form_fields(RemoveRowForm()) if may_change else [],
        "csv_url": _plan_url(code, year) + "&format=csv",
        "xlsx_url": _plan_url(code, year) + "&format=xlsx",
        "notices": [str(m) for m in messages.get_messages(request)],
    }
    return render(request, "workforce/plan.html", context)


def _pounds(value: Decimal) -> str:
    return f"£{value:,.2f}"


def _summary(projection: Projection) -> list[dict[str, Any]]:
    """The year end, as summary-list rows."""
    rows = [
        ("Spend of posts on record", _pounds(projection.existing)),
        ("Planned spend", _pounds(projection.planned)),
        ("Projected spend for the year", _pounds(projection.projected)),
    ]
    if projection.arrs_sum is not None:
        rows.insert(0, ("ARRS sum", _pounds(projection.arrs_sum)))
        if projection.overspend:
            over = projection.over_from()
            rows.append(
                (
                    "Overspend",
                    f"{_pounds(projection.overspend)} above the sum (from "
                    f"{over:%B %Y}): the network pays it, as claims stop at the sum",
                )
            )
        else:
            rows.append(("Headroom", _pounds(projection.underspend)))
            rows.append(
                (
                    "Underspend lost at year end",
                    f"{_pounds(projection.underspend)} unless more is claimed "
                    "by 31 March",
                )
            )
    return [{"key": {"text": k}, "value": {"text": v}} for k, v in rows]


def _text(value: Any) -> str:
    return "" if value is None else safe_cell(str(value))


def _download(code: str, projection: Projection, fmt: str) -> HttpResponse:
    records = monthly_records(projection)
    name = f"workforce-plan-{code}-{str(projection.year).replace('/', '-')}.{fmt}"
    if fmt == "xlsx":
        body: str | bytes = xlsx_bytes(
            records, COLUMNS, f"Plan {code} {projection.year}".replace("/", "-")
        )
        content_type = XLSX
    else:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
        writer.writeheader()
        for record in records:
            writer.writerow({c: _text(record.get(c)) for c in COLUMNS})
        body, content_type = out.getvalue(), "text/csv"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _form_page(
    request: HttpRequest,
    code: str,
    year: ContractYear,
    form: Any,
    heading: str,
    intro: str = "",
) -> HttpResponse:
    as_at = as_at_from(request)
    context = _context(request, code, as_at, year) | {
        "heading": heading,
        "intro": intro,
        "form_errors": form_errors(form),
        "fields": form_fields(form),
        "back_url": as_at.link(_plan_url(code, year)),
        "hidden": {"year": str(year)},
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "workforce/plan_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def plan_add(request: HttpRequest, code: str) -> HttpResponse:
    """Add a planned row: the plan's next version."""
    code = _network(request, code, Permission.CHANGE_STAFF)
    year, year_error = _year(request, as_at_from(request))
    form = PlannedRowForm(request.POST or None)
    if request.method == "POST" and year_error:
        form.is_valid()
        form.add_error(None, year_error)
    elif request.method == "POST" and form.is_valid():
        try:
            version = service.add_row(
                Actor(request.user),
                code,
                year,
                form.row(),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form.attach(exc)
        else:
            messages.success(
                request,
                f"Row added: the plan for {year} is at version {version.number}.",
            )
            return redirect(_plan_url(code, year))
    return _form_page(
        request,
        code,
        year,
        form,
        f"Add a planned post to the {year} plan",
        intro="The post is projected as ARRS-funded from the first day of its "
        "start month, by the claim rules: the role maximum × WTE and the "
        "reimbursement rate in force each day.",
    )


@require_http_methods(["POST"])
def plan_remove(request: HttpRequest, code: str) -> HttpResponse:
    """Remove a planned row, with a reason: the plan's next version."""
    code = _network(request, code, Permission.CHANGE_STAFF)
    year, year_error = _year(request, as_at_from(request))
    form = RemoveRowForm(request.POST)
    if year_error:
        form.is_valid()
        form.add_error(None, year_error)
    elif form.is_valid():
        try:
            version = service.remove_row(
                Actor(request.user),
                code,
                year,
                form.cleaned_data["row"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form.attach(exc)
        else:
            messages.success(
                request,
                f"Row {form.cleaned_data['row']} removed: the plan for {year} is "
                f"at version {version.number}.",
            )
            return redirect(_plan_url(code, year))
    return _form_page(request, code, year, form, f"Remove a row from the {year} plan")
