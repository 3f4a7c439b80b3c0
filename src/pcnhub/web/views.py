"""The pages. Each reads the date, asks the register, and hands over to presenters."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import Any

from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from pcnhub.register import queries
from pcnhub.register.exports import NETWORK_COLUMNS, UNCOVERED_COLUMNS, write_rows
from pcnhub.register.models import Organisation, OrganisationKind, RelationshipKind
from pcnhub.web import presenters
from pcnhub.web.asat import AsAt, as_at_from


def _page(
    request: HttpRequest,
    template: str,
    as_at: AsAt,
    context: dict[str, Any],
    current: str | None = None,
    status: int | None = None,
) -> HttpResponse:
    full = presenters.frame(request, as_at, current) | context
    if status is None:
        status = 400 if as_at.error else 200
    return render(request, template, full, status=status)


def _csv(rows: list[Any], columns: list[str], name: str, as_at: AsAt) -> HttpResponse:
    if as_at.error:
        return HttpResponse(
            f"as_at: {as_at.error}\n", status=400, content_type="text/plain"
        )
    out = io.StringIO()
    write_rows(out, rows, columns, "csv")
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    filename = f"{name}-{as_at.day.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def home(request: HttpRequest) -> HttpResponse:
    as_at = as_at_from(request)
    text = request.GET.get("q", "").strip()
    results = presenters.search(text) if text else []
    return _page(
        request,
        "home.html",
        as_at,
        {
            "q": text,
            "results": results,
            "results_table": presenters.search_table(results, as_at),
        },
        current="home",
    )


def _table_page(
    request: HttpRequest,
    name: str,
    rows: Sequence[Any],
    columns: list[str],
    table: Callable[[Sequence[Any], AsAt], dict[str, Any]],
    as_at: AsAt,
) -> HttpResponse:
    """A table of rows as at a date, or the same rows as CSV (``?format=csv``)."""
    if request.GET.get("format") == "csv":
        return _csv(rows, columns, name, as_at)
    return _page(
        request,
        f"{name}.html",
        as_at,
        {
            "table": table(rows, as_at),
            "count": len(rows),
            "csv_url": as_at.link(request.path, format="csv"),
        },
        current=name,
    )


def networks(request: HttpRequest) -> HttpResponse:
    as_at = as_at_from(request)
    rows = queries.networks_on(as_at.day)
    return _table_page(
        request, "networks", rows, NETWORK_COLUMNS, presenters.networks_table, as_at
    )


def uncovered(request: HttpRequest) -> HttpResponse:
    as_at = as_at_from(request)
    rows = queries.uncovered_on(as_at.day)
    return _table_page(
        request, "uncovered", rows, UNCOVERED_COLUMNS, presenters.uncovered_table, as_at
    )


def organisation(request: HttpRequest, code: str) -> HttpResponse:
    as_at = as_at_from(request)
    org = queries.find_organisation(code)
    if org is None:
        return _page(request, "404.html", as_at, {"missing_code": code}, status=404)
    day = as_at.day
    version = queries.details_on(org.code, day)
    rungs = queries.hierarchy(org.code, day)
    latest = None if version else queries.latest_details(org.code)
    context: dict[str, Any] = {
        "org": org,
        "kind": org.kind,
        "kind_label": presenters.kind_label(org.kind),
        "name": (version or latest).name if (version or latest) else "",
        "version": version,
        "latest": latest,
        "details_rows": presenters.details_rows(org, version or latest),
        "breadcrumb": presenters.breadcrumb(rungs, as_at),
        "hierarchy_rows": presenters.hierarchy_rows(rungs, as_at),
        "history": presenters.history(org.code, as_at),
    }
    context |= _children(org, as_at)
    return _page(request, "org.html", as_at, context)


def _children(org: Organisation, as_at: AsAt) -> dict[str, Any]:
    day = as_at.day
    if org.kind == OrganisationKind.REGION:
        return {
            "children": presenters.children_table(
                RelationshipKind.SYSTEM_REGION, org.code, day, as_at, "Systems"
            )
        }
    if org.kind == OrganisationKind.SYSTEM:
        return {
            "children": presenters.children_table(
                RelationshipKind.COMMISSIONER_SYSTEM,
                org.code,
                day,
                as_at,
                "Commissioners",
            )
        }
    if org.kind == OrganisationKind.COMMISSIONER:
        networks = queries.networks_on(day, commissioner=org.code)
        uncovered = queries.uncovered_on(day, commissioner=org.code)
        predecessors, successors = presenters.successions_rows(org.code, as_at)
        return {
            "networks": presenters.networks_table(networks, as_at),
            "uncovered": presenters.uncovered_table(uncovered, as_at),
            "predecessors": predecessors,
            "successors": successors,
        }
    if org.kind == OrganisationKind.NETWORK:
        return {"members": presenters.members(org.code, day, as_at)}
    if org.kind == OrganisationKind.PRACTICE:
        return {
            "list_rows": presenters.practice_lists_rows(org.code, day),
            "list_history": presenters.list_sizes_history(org.code),
        }
    return {}


class SignInView(LoginView):
    """Django's sign-in, on an NHS.UK-styled page."""

    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context |= presenters.frame(self.request, as_at_from(self.request))
        context["show_date_form"] = False
        context["form_errors"] = presenters.form_errors(context["form"])
        return context
