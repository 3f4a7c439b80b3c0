"""/variability/: network sizes against the band, their variation within the
scope (``?scope=`` a region, system or commissioner; England by default for
country-wide roles), as at ``?as_at=``; ``&format=csv&table=summary|histogram|
commissioners|networks`` gives a table's figures as CSV."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from pcnhub.access.checks import require
from pcnhub.access.permissions import Permission
from pcnhub.core.spreadsheet import safe_cell
from pcnhub.oversight import presenters
from pcnhub.oversight.scopes import (
    UnknownScope,
    default_scope,
    may_ask,
    require_scope,
    sees_network,
)
from pcnhub.oversight.variability import (
    COMMISSIONER_COLUMNS,
    NETWORK_COLUMNS,
    Report,
    commissioner_rows,
    histogram_rows,
    network_rows,
    report,
    summary_rows,
)
from pcnhub.ui.asat import AsAt, as_at_from
from pcnhub.ui.frame import frame
from pcnhub.ui.links import org_url
from pcnhub.ui.sorting import sort_rows
from pcnhub.ui.tables import paginate

TABLES = ("summary", "histogram", "commissioners", "networks")


@require_safe
def variability(request: HttpRequest) -> HttpResponse:
    require(request.user, Permission.USE_REGISTER)
    as_at = as_at_from(request)
    asked = request.GET.get("scope")
    code = asked if asked is not None else default_scope(request.user, as_at.day)
    if code is None:
        context = frame(request, as_at) | {"breadcrumb": _breadcrumb(as_at)}
        return render(request, "oversight/no_area.html", context)
    try:
        scope = require_scope(request.user, code, as_at.day)
    except UnknownScope as exc:
        raise Http404(str(exc)) from None
    found = report(as_at.day, scope)
    networks = [
        line
        for line in found.networks
        if sees_network(request.user, line.code, line.commissioner)
    ]
    if request.GET.get("format") == "csv":
        return _csv(found, networks, request.GET.get("table", "summary"))
    ordered = sort_rows(found.commissioners, presenters.COMMISSIONER_TABLE, request)
    by_network = sort_rows(
        networks, presenters.NETWORK_TABLE, request, default="n_code"
    )
    page = paginate(by_network.rows, request)
    linked = {
        line.measures.code
        for line in found.commissioners
        if may_ask(request.user, line.measures.code, as_at.day)
    }
    context = frame(request, as_at) | {
        "report": found,
        "scope": scope,
        "scope_value": request.GET.get("scope", scope.code),
        "summary": presenters.summary_list(found),
        "chart": presenters.histogram_chart(found),
        "practices_table": presenters.practices_table(found),
        "commissioner_table": presenters.commissioner_table(ordered, linked),
        "network_table": presenters.network_table(
            by_network, page.items, lambda c: org_url(as_at, c)
        ),
        "page": page,
        "networks_hidden": len(found.networks) - len(networks),
        "csv": {t: _csv_link(request, t) for t in TABLES},
        "breadcrumb": _breadcrumb(as_at),
    }
    return render(request, "oversight/variability.html", context)


def _breadcrumb(as_at: AsAt) -> dict[str, Any]:
    return {"items": [{"text": "Home", "href": as_at.link(reverse("home"))}]}


def _csv_link(request: HttpRequest, table: str) -> str:
    query = request.GET.copy()
    for key in ("page", "sort", "order"):
        query.pop(key, None)
    query["format"] = "csv"
    query["table"] = table
    return f"{request.path}?{query.urlencode()}"


def _csv(found: Report, networks: list[Any], table: str) -> HttpResponse:
    if table not in TABLES:
        raise Http404(f"no table {table!r}: one of {', '.join(TABLES)}")
    records: list[dict[str, Any]]
    if table == "summary":
        columns = ["measure", "value"]
        records = [{"measure": m, "value": v} for m, v in summary_rows(found)]
    elif table == "histogram":
        columns = ["from", "to", "networks", "band"]
        records = histogram_rows(found)
    elif table == "commissioners":
        columns, records = list(COMMISSIONER_COLUMNS), commissioner_rows(found)
    else:
        columns, records = list(NETWORK_COLUMNS), network_rows(networks)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    for record in records:
        writer.writerow(
            {c: safe_cell("" if record[c] is None else record[c]) for c in columns}
        )
    scope = found.scope.code or "england"
    response = HttpResponse(out.getvalue(), content_type="text/csv")
    response["Content-Disposition"] = (
        f'attachment; filename="variability-{scope}-{found.as_at}-{table}.csv"'
    )
    return response
