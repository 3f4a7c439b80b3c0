"""The workforce pages: a network's staff and ARRS position, a post and its
history, the forms that record, change and end posts, the staff-list upload,
and the month's claim with its lines explained.

Views check the permission first, parse input with a form and call the
services; they hold no rules of their own. Names are shown only with
``workforce.view_staff_names``.
"""

from __future__ import annotations

import csv
import io
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from pcnhub.access.checks import allowed, require, require_network, visible_rows
from pcnhub.access.permissions import Permission
from pcnhub.audit.services import Actor
from pcnhub.core.codes import normalise
from pcnhub.register import queries
from pcnhub.register.importers.errors import ImportRejected
from pcnhub.rules.money import ZERO
from pcnhub.rules.periods import ContractYear
from pcnhub.ui.asat import AsAt, as_at_from
from pcnhub.ui.downloads import XLSX, xlsx_bytes
from pcnhub.ui.form_fields import form_fields
from pcnhub.ui.forms import form_errors
from pcnhub.ui.frame import frame
from pcnhub.ui.links import org_url
from pcnhub.ui.sorting import sort_rows
from pcnhub.ui.tables import paginate
from pcnhub.ui.years import parse_year
from pcnhub.workforce import claiming, presenters, staff
from pcnhub.workforce.claim_files import claim_csv, claim_xlsx, file_name
from pcnhub.workforce.forms import (
    ClaimForm,
    PostForm,
    StaffListForm,
    initial_from,
)
from pcnhub.workforce.models import MonthlyClaim, StaffPost
from pcnhub.workforce.queries import NoCensus, workforce_on
from pcnhub.workforce.spend import spend_by_month, spend_chart
from pcnhub.workforce.staff_list import import_staff_list
from pcnhub.workforce.utilisation import COLUMNS as ARRS_COLUMNS
from pcnhub.workforce.utilisation import arrs_utilisation


def _network(request: HttpRequest, code: str, permission: str) -> str:
    return require_network(request.user, code, permission).code


def _names(request: HttpRequest, code: str) -> bool:
    return allowed(request.user, Permission.VIEW_STAFF_NAMES, code)


def _context(request: HttpRequest, code: str, as_at: AsAt) -> dict[str, Any]:
    name = queries.names_on([code], as_at.day).get(code, "")
    home = reverse("workforce", args=[code])
    return frame(request, as_at) | {
        "code": code,
        "name": name,
        "workforce_url": as_at.link(home),
        "breadcrumb": {
            "items": [
                {"text": "Home", "href": as_at.link(reverse("home"))},
                {"text": f"{name or code} ({code})", "href": org_url(as_at, code)},
                {"text": "Workforce", "href": as_at.link(home)},
            ]
        },
    }


def _year(request: HttpRequest, as_at: AsAt) -> tuple[ContractYear, str]:
    try:
        return parse_year(request.GET.get("year"), as_at.day), ""
    except ValueError as exc:
        return parse_year(None, as_at.day), str(exc)


@require_safe
def workforce(request: HttpRequest, code: str) -> HttpResponse:
    """A network's staff posts, its ARRS position for the year (charted; the
    chart's figures as CSV with ``&format=csv``), and its claims."""
    code = _network(request, code, Permission.VIEW_STAFF)
    as_at = as_at_from(request)
    year, year_error = _year(request, as_at)
    names = _names(request, code)
    roles = staff.role_labels()
    versions = list(staff.current_versions([code]))
    claims = sorted(
        (c for (_, _), c in claiming.latest_claims(str(year), [code]).items()),
        key=lambda c: c.month,
    )
    try:
        arrs_sum = claiming.arrs_sum(code, year)
        sum_error = ""
    except ValidationError as exc:
        arrs_sum, sum_error = None, "; ".join(exc.messages)
    claimed = sum((c.total for c in claims), start=ZERO)
    chart = spend_chart(spend_by_month(code, year, arrs_sum))
    if request.GET.get("format") == "csv":
        name = f"arrs-spend-{code}-{str(year).replace('/', '-')}.csv"
        return _download(chart.csv_text(), "text/csv", name)
    try:
        census = workforce_on(as_at.day, pcn=code)
        census_note = (
            f"The latest census on or before {as_at.day:%-d %B %Y}: "
            f"{census[0].census_date:%B %Y}."
            if census
            else "The latest census on or before the date names no staff here."
        )
    except NoCensus as exc:
        census, census_note = [], str(exc)[:1].upper() + str(exc)[1:] + "."
    context = _context(request, code, as_at) | {
        "year": str(year),
        "year_error": year_error,
        "posts": presenters.posts_table(code, versions, roles, names, as_at.day),
        "has_posts": bool(versions),
        "claims": presenters.claims_table(code, claims),
        "has_claims": bool(claims),
        "arrs_sum": presenters.pounds(arrs_sum) if arrs_sum is not None else "",
        "sum_error": sum_error,
        "claimed": presenters.pounds(claimed),
        "headroom": presenters.pounds(arrs_sum - claimed)
        if arrs_sum is not None
        else "",
        "may_change": allowed(request.user, Permission.CHANGE_STAFF, code),
        "names_shown": names,
        "census": presenters.census_table(census),
        "has_census": bool(census),
        "census_note": census_note,
        "plan_url": reverse("workforce_plan", args=[code]) + f"?year={year}",
        "spend_chart": chart,
        "spend_csv_url": as_at.link(
            reverse("workforce", args=[code]), year=str(year), format="csv"
        ),
        "claim_form": form_fields(ClaimForm(initial={"month": f"{as_at.day:%Y-%m}"})),
        "notices": [str(m) for m in messages.get_messages(request)],
    }
    return render(request, "workforce/workforce.html", context)


def _post(code: str, reference: str) -> StaffPost:
    post = StaffPost.objects.filter(network_code=code, reference=reference).first()
    if post is None:
        raise Http404(f"{code} has no staff post {reference}")
    return post


@require_safe
def post(request: HttpRequest, code: str, reference: str) -> HttpResponse:
    """One post: its current record and every version."""
    code = _network(request, code, Permission.VIEW_STAFF)
    found = _post(code, reference)
    as_at = as_at_from(request)
    names = _names(request, code)
    versions = list(found.versions.select_related("actor").order_by("-number"))
    roles = staff.role_labels()
    context = _context(request, code, as_at) | {
        "post": found,
        "current": versions[0],
        "person": presenters.person(versions[0], names),
        "role": roles.get(versions[0].role, versions[0].role),
        "history": presenters.versions_table(versions, roles, names),
        "may_change": allowed(request.user, Permission.CHANGE_STAFF, code),
        "change_url": reverse("workforce_post_change", args=[code, found.reference]),
        "notices": [str(m) for m in messages.get_messages(request)],
    }
    return render(request, "workforce/post.html", context)


def _form_page(
    request: HttpRequest, code: str, form: Any, heading: str, **extra: Any
) -> HttpResponse:
    as_at = as_at_from(request)
    context = (
        _context(request, code, as_at)
        | {
            "heading": heading,
            "form_errors": form_errors(form),
            "fields": form_fields(form),
            "back_url": extra.pop(
                "back_url", as_at.link(reverse("workforce", args=[code]))
            ),
            "multipart": False,
            "intro": "",
            "problems": [],
            "hidden": {},
        }
        | extra
    )
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "workforce/form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def post_new(request: HttpRequest, code: str) -> HttpResponse:
    """Record a new post."""
    code = _network(request, code, Permission.CHANGE_STAFF)
    form = PostForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = staff.record_post(
                Actor(request.user),
                code,
                form.entry(),
                person_key=form.cleaned_data["person_key"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form.attach(exc)
        else:
            messages.success(request, f"Post {version.post.reference} recorded.")
            return redirect("workforce_post", code, version.post.reference)
    return _form_page(request, code, form, "Record a post")


@require_http_methods(["GET", "POST"])
def post_change(request: HttpRequest, code: str, reference: str) -> HttpResponse:
    """Change a post (or end it, with an end date): its next version."""
    code = _network(request, code, Permission.CHANGE_STAFF)
    found = _post(code, reference)
    current = staff.latest_version(found)
    initial = initial_from(staff.entry_of(current), found.person_key)
    form = PostForm(request.POST or None, initial=initial)
    form.fields["person_key"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            staff.change_post(
                Actor(request.user),
                found,
                form.entry(),
                expected_version=int(request.POST.get("version", "0") or 0),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form.attach(exc)
        else:
            messages.success(request, f"Post {reference} changed.")
            return redirect("workforce_post", code, reference)
    back = reverse("workforce_post", args=[code, reference])
    return _form_page(
        request,
        code,
        form,
        f"Change post {reference}",
        back_url=back,
        hidden={"version": str(current.number)},
        intro="A change adds a version; the earlier versions are kept. To end "
        "the post, give its last day as the end date.",
    )


@require_http_methods(["GET", "POST"])
def staff_list(request: HttpRequest, code: str) -> HttpResponse:
    """Upload a staff list: every row a new post, or none."""
    code = _network(request, code, Permission.CHANGE_STAFF)
    form = StaffListForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        with tempfile.TemporaryDirectory() as folder:
            path = (
                Path(folder) / f"staff{suffix if suffix in ('.csv', '.xlsx') else ''}"
            )
            path.write_bytes(upload.read())
            try:
                versions = import_staff_list(
                    Actor(request.user), code, path, name=upload.name
                )
            except ImportRejected as exc:
                problems = [str(p) for p in exc.problems[:50]]
                form.add_error(
                    "file", "The file was not imported: nothing of it was written"
                )
            else:
                messages.success(
                    request, f"{len(versions)} posts recorded from {upload.name}."
                )
                return redirect("workforce", code)
    return _form_page(
        request,
        code,
        form,
        "Upload a staff list",
        multipart=True,
        problems=problems,
        intro="A CSV or Excel file with one row per post and the columns name, "
        "role, wte, salary, employer, start and funding (and optionally "
        "person_key, end, pay_band, employer_name, london, on_costs, "
        "baseline_exception): see the user guide. Every row is recorded, or none.",
    )


def _month(request: HttpRequest) -> date | None:
    form = ClaimForm({"month": request.GET.get("month", "")})
    return form.cleaned_data["month"] if form.is_valid() else None


@require_safe
def claims(request: HttpRequest, code: str) -> HttpResponse:
    """The month's latest claim, explained (``?month=2024-05``), or as a file
    (``&format=csv|xlsx``)."""
    code = _network(request, code, Permission.VIEW_STAFF)
    month = _month(request)
    claim = MonthlyClaim.latest(code, month) if month else None
    if claim is None:
        raise Http404(f"{code} has no ARRS claim for {request.GET.get('month', '?')}")
    names = _person_names(claim) if _names(request, code) else None
    fmt = request.GET.get("format", "")
    if fmt == "csv":
        return _download(claim_csv(claim, names), "text/csv", file_name(claim, "csv"))
    if fmt == "xlsx":
        return _download(claim_xlsx(claim, names), XLSX, file_name(claim, "xlsx"))
    as_at = as_at_from(request)
    base = reverse("workforce_claims", args=[code]) + f"?month={claim.month:%Y-%m}"
    context = _context(request, code, as_at) | {
        "claim": claim,
        "lines": presenters.line_rows(claim, staff.role_labels(), names),
        "adjustments": presenters.adjustments_table(claim),
        "csv_url": base + "&format=csv",
        "xlsx_url": base + "&format=xlsx",
        "claimed": presenters.pounds(claim.claimed),
        "adjusted": presenters.pounds(claim.adjusted),
        "at_stake": presenters.pounds(claim.at_stake),
        "arrs_sum": presenters.pounds(claim.arrs_sum),
        "notices": [str(m) for m in messages.get_messages(request)],
    }
    return render(request, "workforce/claim.html", context)


@require_http_methods(["POST"])
def generate(request: HttpRequest, code: str) -> HttpResponse:
    """Generate (again) the month's claim, then show it."""
    code = _network(request, code, Permission.CHANGE_STAFF)
    form = ClaimForm(request.POST)
    if form.is_valid():
        month = form.cleaned_data["month"]
        try:
            claim = claiming.generate_claim(Actor(request.user), code, month)
        except ValidationError as exc:
            form.attach(exc)
        else:
            messages.success(
                request,
                f"Claim {claim.number} for {month:%B %Y} generated: "
                f"{presenters.pounds(claim.total)}.",
            )
            url = reverse("workforce_claims", args=[code]) + f"?month={month:%Y-%m}"
            return redirect(url)
    return _form_page(request, code, form, "Generate the month's claim")


def _person_names(claim: MonthlyClaim) -> dict[str, str]:
    keys = {line["person"] for line in claim.lines}
    return {
        v.post.person_key: v.name
        for v in staff.current_versions(person_keys=sorted(keys))
    }


def _download(body: str | bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_safe
def arrs(request: HttpRequest) -> HttpResponse:
    """Every network the user sees: its ARRS sum for the year, what pcnhub's
    claims claimed, what the payments file says was paid, headroom and
    utilisation (``?year=``, ``?commissioner=``, sortable; ``&format=csv|xlsx``)."""
    require(request.user, Permission.USE_REGISTER)
    as_at = as_at_from(request)
    year, year_error = _year(request, as_at)
    commissioner = normalise(request.GET.get("commissioner", "")) or None
    found = arrs_utilisation(year, commissioner=commissioner)
    rows = visible_rows(request.user, found.rows, "pcn_code")
    fmt = request.GET.get("format", "")
    if fmt in ("csv", "xlsx"):
        return _arrs_download(rows, year, fmt)
    ordered = sort_rows(rows, presenters.ARRS_TABLE, request, default="code")
    page = paginate(ordered.rows, request)
    base = request.GET.copy()
    base.pop("page", None)
    context = frame(request, as_at) | {
        "year": str(year),
        "year_error": year_error,
        "commissioner": commissioner or "",
        "table": presenters.arrs_table(ordered, page.items, str(year)),
        "page": page,
        "notes": found.notes,
        "csv_url": f"{request.path}?{_with(base, format='csv')}",
        "xlsx_url": f"{request.path}?{_with(base, format='xlsx')}",
        "breadcrumb": {
            "items": [{"text": "Home", "href": as_at.link(reverse("home"))}]
        },
    }
    return render(request, "workforce/arrs.html", context)


def _with(query: Any, **values: str) -> str:
    query = query.copy()
    for key, value in values.items():
        query[key] = value
    return query.urlencode()


def _arrs_download(rows: list[Any], year: ContractYear, fmt: str) -> HttpResponse:
    records = [r.as_record() for r in rows]
    name = f"arrs-{str(year).replace('/', '-')}"
    if fmt == "xlsx":
        body = xlsx_bytes(records, ARRS_COLUMNS, f"ARRS {year}")
        return _download(body, XLSX, f"{name}.xlsx")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=ARRS_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(records)
    return _download(out.getvalue(), "text/csv", f"{name}.csv")
