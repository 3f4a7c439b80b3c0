"""The pages. Each reads the date, asks the register, and hands over to presenters.

Every page asks :mod:`pcnhub.access` first. A signed-in user with no role gets a
403 page everywhere but sign-in and sign-out. An organisation's pages need
``register.view_organisation`` on it: an unknown code is a 404 (for users with a
role), a known one outside the user's scope a 403. Lists show only the rows the
user may see, and presenters show organisations outside the scope as plain text.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from pcnhub.access.checks import allowed, visible_rows
from pcnhub.access.decorators import needs_role
from pcnhub.access.permissions import Permission
from pcnhub.access.scope import Scope, scope_of
from pcnhub.contract import exports
from pcnhub.contract.redaction import for_viewer
from pcnhub.contract.services import (
    CheckRun,
    EntitlementRun,
    NotFound,
    run_checks,
    run_entitlements,
)
from pcnhub.contract.snapshots import per_version
from pcnhub.dashboard.pages import dashboard_part
from pcnhub.governance.actions import assign_link, finding_links
from pcnhub.register import queries
from pcnhub.register.exports import (
    NETWORK_COLUMNS,
    UNCOVERED_COLUMNS,
    write_records,
    write_rows,
)
from pcnhub.register.models import Organisation, OrganisationKind, RelationshipKind
from pcnhub.rules.checks import Finding
from pcnhub.rules.periods import ContractYear
from pcnhub.ui.asat import AsAt, as_at_from
from pcnhub.ui.downloads import XLSX, xlsx_bytes
from pcnhub.ui.forms import form_errors
from pcnhub.ui.frame import frame
from pcnhub.ui.outcomes import parse_outcome
from pcnhub.ui.refusals import NO_ROLE, Refused
from pcnhub.ui.sorting import sort_rows
from pcnhub.ui.tables import paginate
from pcnhub.ui.years import default_year, parse_year
from pcnhub.web.presenters.cells import kind_label
from pcnhub.web.presenters.checks import (
    CHECKS_TABLE,
    ChecksChoice,
    checks_link,
    checks_page,
    findings_with,
    network_checks,
    parse_rule,
)
from pcnhub.web.presenters.home import search, search_table
from pcnhub.web.presenters.list_sizes import (
    list_sizes_history,
    members,
    practice_lists_rows,
)
from pcnhub.web.presenters.lists import (
    NETWORK_TABLE,
    networks_table,
    uncovered_table,
)
from pcnhub.web.presenters.navigation import roles_text
from pcnhub.web.presenters.organisation import (
    COMMISSIONER_PAGES,
    breadcrumb,
    children_table,
    closure_rows,
    details_rows,
    hierarchy_rows,
    network_links,
    successions_rows,
)
from pcnhub.web.presenters.payments import entitlements_link, entitlements_page
from pcnhub.web.presenters.records import history


def _page(
    request: HttpRequest,
    template: str,
    as_at: AsAt,
    context: dict[str, Any],
    current: str | None = None,
    status: int | None = None,
) -> HttpResponse:
    full = frame(request, as_at, current) | context
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


def _download(content: str | bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _plain(message: str, status: int) -> HttpResponse:
    return HttpResponse(message + "\n", status=status, content_type="text/plain")


# --------------------------------------------------------------------------------
# Access
# --------------------------------------------------------------------------------


def require_organisation(request: HttpRequest, code: str) -> None:
    """Refuse (403) an organisation outside the user's scope."""
    if not request.user.has_perm(Permission.VIEW_ORGANISATION, code):
        raise Refused(
            f"Your roles in pcnhub do not include {code}, so its pages are not "
            "shown to you."
        )


def permission_denied(
    request: HttpRequest, exception: Exception | None = None
) -> HttpResponse:
    """The 403 page (``handler403``), in the NHS.UK frame like every other page."""
    as_at = as_at_from(request)
    if as_at.error:
        as_at = AsAt(as_at.day)
    user = request.user
    has_role = user.is_authenticated and user.has_perm(Permission.USE_REGISTER)
    if isinstance(exception, Refused) and exception.args:
        reason = str(exception)
    else:
        reason = "" if has_role else NO_ROLE
    context = {
        "reason": reason,
        "has_role": has_role,
        "user_name": (
            (user.get_full_name().strip() or user.get_username())
            if user.is_authenticated
            else ""
        ),
        "roles": roles_text(scope_of(user)),
        "show_date_form": False,
    }
    return _page(request, "403.html", as_at, context, status=403)


# --------------------------------------------------------------------------------
# Pages
# --------------------------------------------------------------------------------


@needs_role
def home(request: HttpRequest) -> HttpResponse:
    """The search box, and (without a search) the dashboard of the user's area
    (``?scope=CODE`` another they may see; ``?since=`` what changed)."""
    as_at = as_at_from(request)
    text = request.GET.get("q", "").strip()
    scope = scope_of(request.user)
    results = search(text, scope) if text else []
    context: dict[str, Any] = {
        "q": text,
        "results": results,
        "results_table": search_table(results, as_at),
    }
    status = None
    if not text:
        try:
            part, part_status = dashboard_part(request, as_at)
        except ValidationError as exc:  # ?scope= names no area
            part, part_status = {"scope_error": exc.message_dict["scope"][0]}, 404
        context |= part
        status = 400 if as_at.error else part_status
    return _page(request, "home.html", as_at, context, current="home", status=status)


def _table_page(
    request: HttpRequest,
    name: str,
    rows: Sequence[Any],
    columns: list[str],
    table: Callable[[Sequence[Any], AsAt, Scope, int], dict[str, Any]],
    as_at: AsAt,
) -> HttpResponse:
    """A page of a table of rows as at a date (``?page=N``), or all the rows as
    CSV (``?format=csv``) or an Excel workbook (``?format=xlsx``)."""
    fmt = request.GET.get("format")
    if fmt == "csv":
        return _csv(rows, columns, name, as_at)
    if fmt == "xlsx":
        if as_at.error:
            return _plain(f"as_at: {as_at.error}", 400)
        records = [{c: getattr(r, c) for c in columns} for r in rows]
        filename = f"{name}-{as_at.day.isoformat()}.xlsx"
        return _download(xlsx_bytes(records, columns, name), XLSX, filename)
    page = paginate(rows, request)
    return _page(
        request,
        f"{name}.html",
        as_at,
        {
            "table": table(page.items, as_at, scope_of(request.user), len(rows)),
            "page": page,
            "count": len(rows),
            "csv_url": as_at.link(request.path, format="csv"),
            "xlsx_url": as_at.link(request.path, format="xlsx"),
        },
        current=name,
    )


@needs_role
def networks(request: HttpRequest) -> HttpResponse:
    """The networks open on the date that the user may see (by network or
    commissioner)."""
    as_at = as_at_from(request)
    rows = visible_rows(
        request.user,
        per_version(
            "networks",
            (as_at.day.isoformat(), "*", "*"),
            lambda: queries.networks_on(as_at.day),
        ),
        "pcn_code",
        "commissioner_code",
    )
    # Sorted (?sort=, ?order=) before it is cut into pages: the whole list.
    ordered = sort_rows(rows, NETWORK_TABLE, request, default="code")
    return _table_page(
        request,
        "networks",
        ordered.rows,
        NETWORK_COLUMNS,
        lambda r, a, s, n: networks_table(r, a, s, n, ordered),
        as_at,
    )


@needs_role
def uncovered(request: HttpRequest) -> HttpResponse:
    """Practices in no network that the user may see (by practice or commissioner)."""
    as_at = as_at_from(request)
    rows = visible_rows(
        request.user,
        queries.uncovered_on(as_at.day),
        "practice_code",
        "commissioner_code",
    )
    assign = assign_link(request.user, as_at)
    return _table_page(
        request,
        "uncovered",
        rows,
        UNCOVERED_COLUMNS,
        lambda r, a, s, n: uncovered_table(r, a, s, assign, n),
        as_at,
    )


@needs_role
def organisation(request: HttpRequest, code: str) -> HttpResponse:
    as_at = as_at_from(request)
    org = queries.find_organisation(code)
    if org is None:
        return _page(request, "404.html", as_at, {"missing_code": code}, status=404)
    require_organisation(request, org.code)
    scope = scope_of(request.user)
    day = as_at.day
    version = queries.details_on(org.code, day)
    rungs = queries.hierarchy(org.code, day)
    latest = None if version else queries.latest_details(org.code)
    context: dict[str, Any] = {
        "org": org,
        "kind": org.kind,
        "kind_label": kind_label(org.kind),
        "name": (version or latest).name if (version or latest) else "",
        "version": version,
        "latest": latest,
        "details_rows": details_rows(org, version or latest)
        + closure_rows(org.code, day),
        "breadcrumb": breadcrumb(rungs, as_at, scope),
        "hierarchy_rows": hierarchy_rows(rungs, as_at, scope),
        "history": history(org.code, as_at, scope),
    }
    context |= _children(request, org, as_at)
    return _page(request, "org.html", as_at, context)


#: The children an organisation's page lists: (relationship, caption) by kind.
CHILDREN = {
    OrganisationKind.REGION: (RelationshipKind.SYSTEM_REGION, "Systems"),
    OrganisationKind.SYSTEM: (RelationshipKind.COMMISSIONER_SYSTEM, "Commissioners"),
}


def _children(request: HttpRequest, org: Organisation, as_at: AsAt) -> dict[str, Any]:
    """What an organisation's page shows beneath its details, by its kind."""
    if org.kind in CHILDREN:
        return _region_or_system(request, org, as_at)
    if org.kind == OrganisationKind.COMMISSIONER:
        return _commissioner(request, org, as_at)
    if org.kind == OrganisationKind.NETWORK:
        return _network(request.user, org, as_at)
    if org.kind == OrganisationKind.PRACTICE:
        return {
            "list_rows": practice_lists_rows(org.code, as_at.day),
            "list_history": list_sizes_history(org.code),
        }
    return {}


def _region_or_system(
    request: HttpRequest, org: Organisation, as_at: AsAt
) -> dict[str, Any]:
    """A region's systems or a system's commissioners (``?past=1``: ever linked)."""
    past = request.GET.get("past") == "1"
    toggle = {"past_url": as_at.link(request.path, **({} if past else {"past": "1"}))}
    kind, caption = CHILDREN[org.kind]
    return toggle | {
        "children": children_table(
            kind, org.code, as_at.day, as_at, caption, scope_of(request.user), past
        )
    }


def _commissioner(
    request: HttpRequest, org: Organisation, as_at: AsAt
) -> dict[str, Any]:
    """A commissioner's networks (sorted by ``?sort=``, with their totals),
    practices in no network and successions."""
    user = request.user
    day = as_at.day
    scope = scope_of(user)
    networks = visible_rows(
        user,
        queries.networks_on(day, commissioner=org.code),
        "pcn_code",
        "commissioner_code",
    )
    uncovered = visible_rows(
        user,
        queries.uncovered_on(day, commissioner=org.code),
        "practice_code",
        "commissioner_code",
    )
    predecessors, successors = successions_rows(org.code, as_at, scope)
    ordered = sort_rows(networks, NETWORK_TABLE, request, default="code")
    return {
        "networks": networks_table(ordered.rows, as_at, scope, sorting=ordered),
        "uncovered": uncovered_table(uncovered, as_at, scope, assign_link(user, as_at)),
        "predecessors": predecessors,
        "successors": successors,
        "checks_url": checks_link(as_at, org.code),
        "network_links": network_links(user, org.code, as_at, COMMISSIONER_PAGES),
    }


def _network(user: Any, org: Organisation, as_at: AsAt) -> dict[str, Any]:
    """A network's members, its checks and links to its other pages."""
    day = as_at.day
    scope = scope_of(user)
    try:
        run = for_viewer(user, _checks_run(day, pcn=org.code))
    except NotFound:
        run = None
    year = default_year(day)
    return {
        "members": members(org.code, day, as_at, scope),
        "checks": network_checks(
            run, org.code, as_at, scope, finding_links(user, as_at)
        ),
        "network_links": network_links(user, org.code, as_at),
        "entitlements_url": entitlements_link(as_at, org.code, year),
        "entitlements_year": str(year),
    }


def _checks_run(
    day: date, commissioner: str | None = None, pcn: str | None = None
) -> CheckRun:
    """The checks on ``day``, worked out once per register version."""
    return per_version(
        "checks",
        (day.isoformat(), commissioner or "*", pcn or "*"),
        lambda: run_checks(day, pcn=pcn, commissioner=commissioner),
    )


def _entitlements_run(year: ContractYear, code: str) -> EntitlementRun:
    """A network's entitlements in ``year``, worked out once per register version."""
    return per_version(
        "entitlements", (str(year), code), lambda: run_entitlements(year, pcn=code)
    )


@needs_role
def checks(request: HttpRequest) -> HttpResponse:
    """Every finding as at the date the user may see, for a commissioner's area or
    everywhere: filtered by outcome (``?outcome=``) and requirement (``?rule=``),
    sorted (``?sort=``, ``?order=``) and cut into pages (``?page=``); the
    downloads (``?format=csv|xlsx``) hold every finding the filters keep.

    ``?commissioner=C`` needs ``register.view_organisation`` on C. Without it, the
    whole country is shown to those with ``register.view_all``; anyone else sees
    the findings about the organisations in their scope.
    """
    as_at = as_at_from(request)
    user = request.user
    scope = scope_of(user)
    commissioner = request.GET.get("commissioner", "").strip().upper()
    fmt = request.GET.get("format")
    download = fmt if fmt in ("csv", "xlsx") else None
    choice = _checks_choice(request)
    if download and (as_at.error or choice.error):
        return _plain(f"as_at: {as_at.error}" if as_at.error else choice.error, 400)
    found = queries.find_organisation(commissioner) if commissioner else None
    known = not commissioner or found is not None
    if found is not None:
        commissioner = found.code
        require_organisation(request, commissioner)
    run = _visible_checks(user, as_at.day, commissioner) if known else None
    findings = visible_rows(
        user,
        run.findings if run else [],
        "pcn_code",
        "practice_code",
        "commissioner_code",
    )
    shown = [
        f
        for f in findings_with(findings, choice.outcome)
        if choice.rule is None or f.rule == choice.rule
    ]
    if download:
        return _checks_download(download, shown, commissioner, known, as_at)
    page = checks_page(
        run,
        findings,
        shown,
        as_at,
        commissioner,
        known,
        choice,
        scope,
        finding_links(user, as_at),
        lambda items: paginate(items, request),
        sort_rows(shown, CHECKS_TABLE, request, default="outcome"),
    )
    status = 400 if as_at.error or choice.error else None if known else 404
    return _page(request, "checks.html", as_at, page, "checks", status)


def _checks_choice(request: HttpRequest) -> ChecksChoice:
    """The outcome (``?outcome=``) and requirement (``?rule=``) chosen, None for
    all, and why either is not one."""
    outcome, outcome_error = _outcome_of(request)
    try:
        rule, rule_error = parse_rule(request.GET.get("rule")), ""
    except ValueError as exc:
        rule, rule_error = None, str(exc)
    return ChecksChoice(outcome, outcome_error, rule, rule_error)


def _outcome_of(request: HttpRequest) -> tuple[str | None, str]:
    """The outcome chosen (``?outcome=``, None for all) and why it is not one."""
    try:
        return parse_outcome(request.GET.get("outcome")), ""
    except ValueError as exc:
        return None, str(exc)


def _visible_checks(user: Any, day: date, commissioner: str) -> CheckRun | None:
    """The checks on ``day`` as the user may see them, None if nothing to check."""
    try:
        return for_viewer(user, _checks_run(day, commissioner or None))
    except NotFound:
        return None  # no practices or networks there that day: nothing to check


def _checks_download(
    fmt: str, shown: Sequence[Finding], commissioner: str, known: bool, as_at: AsAt
) -> HttpResponse:
    """The findings shown as a CSV file or an Excel workbook (``fmt``)."""
    if not known:
        return _plain(f"no organisation {commissioner} in the register", 404)
    records = [f.row() for f in shown]
    where = f"-{commissioner}" if commissioner else ""
    filename = f"checks{where}-{as_at.day.isoformat()}.{fmt}"
    if fmt == "csv":
        out = io.StringIO()
        write_records(out, records, exports.FINDING_COLUMNS, "csv")
        return _download(out.getvalue(), "text/csv; charset=utf-8", filename)
    book = xlsx_bytes(records, exports.FINDING_COLUMNS, "checks")
    return _download(book, XLSX, filename)


@needs_role
def entitlements(request: HttpRequest, code: str) -> HttpResponse:
    """How a network is paid in a contract year (``?year=2021/22``), or a download."""
    as_at = as_at_from(request)
    if as_at.error:  # the page has no date form: the date only picks the default year
        as_at = AsAt(as_at.day)
    org = queries.find_organisation(code)
    if org is not None:
        require_organisation(request, org.code)
    code = org.code if org else code.strip().upper()
    network = org is not None and org.kind == OrganisationKind.NETWORK
    year, error, run = None, "", None
    if not network:
        error = f"{code} is not a primary care network in the register."
    else:
        try:
            year = parse_year(request.GET.get("year"), as_at.day)
        except ValueError as exc:
            error = str(exc)
    if year is not None:
        try:
            run = for_viewer(request.user, _entitlements_run(year, code))
        except NotFound:
            error = f"{code} had no member practices in {year}, so nothing is due."
    fmt = request.GET.get("format", "")
    if fmt in ("csv", "xlsx"):
        if run is None:
            return _plain(error, 404)
        name = f"entitlements-{code}-{str(run.year).replace('/', '-')}"
        if fmt == "xlsx":
            binary = io.BytesIO()
            exports.write_xlsx(binary, run.year, run.networks, run.lines, run.notes)
            return _download(binary.getvalue(), XLSX, f"{name}.xlsx")
        text = io.StringIO()
        write_records(text, [x.row() for x in run.lines], exports.LINE_COLUMNS, "csv")
        return _download(text.getvalue(), "text/csv; charset=utf-8", f"{name}.csv")
    page = entitlements_page(
        run, as_at, code, org is not None, network, year, error, scope_of(request.user)
    )
    page["show_date_form"] = False
    page["may_record_inputs"] = network and allowed(
        request.user, Permission.RECORD_CONTRACT_INPUTS, code
    )
    status = 200 if year is not None else 404  # not a network, or no such year
    return _page(request, "entitlements.html", as_at, page, status=status)


class SignInView(LoginView):
    """Django's sign-in, on an NHS.UK-styled page."""

    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context |= frame(self.request, as_at_from(self.request))
        context["show_date_form"] = False
        context["form_errors"] = form_errors(context["form"])
        return context
