"""The workforce API (mounted at /api/workforce/ by pcnhub.api).

The same permissions as the pages: ``workforce.view_staff`` to read a network's
posts and claims, ``workforce.change_staff`` to record posts and generate
claims. Names are given only with ``workforce.view_staff_names`` (otherwise
``null``, with ``names_withheld: true``); the person's pseudonymous key always.
Bad input answers 422 naming the field.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from pcnhub.access.checks import allowed, require, require_network, visible_rows
from pcnhub.access.permissions import Permission
from pcnhub.audit.services import Actor
from pcnhub.core.codes import normalise
from pcnhub.rules.periods import ContractYear
from pcnhub.ui.asat import today
from pcnhub.workforce import claiming, plan, staff, utilisation
from pcnhub.workforce import queries as census
from pcnhub.workforce.claim_files import claim_record
from pcnhub.workforce.models import FTE_PLACES, StaffPostVersion
from pcnhub.workforce.spend import spend_by_month

router = Router(tags=["workforce"])
Json = dict[str, Any]


class PostIn(Schema):
    name: str = Field(description="Shown only to those allowed names")
    role: str = Field(description="An ARRS role key, e.g. clinical_pharmacist")
    # Bounds are the service's (422 naming the field), not the schema's, so that
    # permission is asked before the body's figures.
    wte: Decimal = Field(description="Above 0 and at most 1")
    salary: Decimal = Field(description="The annual salary actually paid")
    employer: str = Field(description="member_practice, lead_provider, …")
    start: date
    funding: str = Field(description="arrs, local_scheme, practice_funded, baseline")
    end: date | None = None
    person_key: str = ""
    pay_band: str = ""
    employer_name: str = ""
    london: str = "none"
    on_costs: Decimal | None = None
    baseline_exception: str = ""
    commissioner_agreed: bool = False
    written_agreement: bool = False
    within_two_years_of_cct: bool | None = None
    reason: str = ""


class ClaimIn(Schema):
    month: date = Field(description="Any day of the month to claim")


def _network(request: HttpRequest, code: str, permission: str) -> str:
    return require_network(request.user, code, permission).code


def _post(version: StaffPostVersion, names: bool) -> Json:
    entry = staff.entry_of(version)
    return {
        "reference": version.post.reference,
        "person_key": version.post.person_key,
        "version": version.number,
        **{k: getattr(entry, k) for k in staff.ENTRY_FIELDS},
        "name": version.name if names else None,
    }


@router.get("/arrs", summary="ARRS sums, claims and payments per network")
def arrs_utilisation(
    request: HttpRequest, year: str = "", commissioner: str = ""
) -> Json:
    """For each network the user sees: ``pcn_code, arrs_sum, claimed, paid,
    headroom, utilisation`` as ``pcnhub arrs`` gives them."""
    require(request.user, Permission.USE_REGISTER)
    try:
        chosen = ContractYear.parse(year) if year else ContractYear.containing(today())
    except ValueError as exc:
        raise Http404(str(exc)) from exc
    found = utilisation.arrs_utilisation(
        chosen, commissioner=normalise(commissioner) or None
    )
    rows = visible_rows(request.user, found.rows, "pcn_code")
    return {
        "contract_year": str(chosen),
        "networks": [r.as_record() for r in rows],
        "notes": found.notes,
    }


@router.get("/{code}/census", summary="A network's staff in the workforce census")
def network_census(request: HttpRequest, code: str, as_at: date | None = None) -> Json:
    """Staff and FTE by role from the latest census on or before ``as_at``."""
    code = _network(request, code, Permission.VIEW_STAFF)
    try:
        rows = census.workforce_on(as_at or today(), pcn=code)
    except census.NoCensus as exc:
        raise Http404(str(exc)) from exc
    return {
        "network": code,
        "census_date": rows[0].census_date if rows else None,
        "roles": [
            {
                "staff_role": r.staff_role,
                "detailed_staff_role": r.detailed_staff_role,
                "staff": r.staff,
                "fte": f"{r.fte:.{FTE_PLACES}f}",
            }
            for r in rows
        ],
    }


@router.get("/{code}/staff", summary="A network's staff posts (latest versions)")
def staff_posts(request: HttpRequest, code: str) -> Json:
    code = _network(request, code, Permission.VIEW_STAFF)
    names = allowed(request.user, Permission.VIEW_STAFF_NAMES, code)
    return {
        "network": code,
        "names_withheld": not names,
        "posts": [_post(v, names) for v in staff.current_versions([code])],
    }


@router.post("/{code}/staff", summary="Record a new post", response={201: Json})
def record_staff_post(request: HttpRequest, code: str, body: PostIn) -> Status:
    code = _network(request, code, Permission.CHANGE_STAFF)
    data = body.dict()
    person_key, reason = data.pop("person_key"), data.pop("reason")
    version = staff.record_post(
        Actor(request.user),
        code,
        staff.StaffEntry(**data),
        person_key=person_key,
        reason=reason,
    )
    return Status(201, _post(version, True))


@router.get("/{code}/claims", summary="A network's claims for a contract year")
def arrs_claims(request: HttpRequest, code: str, year: str = "") -> Json:
    """Each month's latest claim (``year`` as 2024/25; default: this year)."""
    code = _network(request, code, Permission.VIEW_STAFF)
    try:
        chosen = ContractYear.parse(year) if year else ContractYear.containing(today())
    except ValueError as exc:
        raise Http404(str(exc)) from exc
    latest = claiming.latest_claims(str(chosen), [code])
    return {
        "network": code,
        "contract_year": str(chosen),
        "claims": [claim_record(c) for _, c in sorted(latest.items())],
    }


@router.post(
    "/{code}/claims", summary="Generate (again) the month's claim", response={201: Json}
)
def generate_arrs_claim(request: HttpRequest, code: str, body: ClaimIn) -> Status:
    code = _network(request, code, Permission.CHANGE_STAFF)
    claim = claiming.generate_claim(Actor(request.user), code, body.month)
    return Status(201, claim_record(claim))


@router.get("/{code}/spend", summary="A network's ARRS claims by month against its sum")
def arrs_spend(request: HttpRequest, code: str, year: str = "") -> Json:
    """The series the network's workforce page charts: each month's latest
    claim and the total to date, from April to the last month claimed, with the
    ARRS sum and what the payments file says was paid (``year`` as 2024/25;
    default: this year)."""
    code = _network(request, code, Permission.VIEW_STAFF)
    try:
        chosen = ContractYear.parse(year) if year else ContractYear.containing(today())
    except ValueError as exc:
        raise Http404(str(exc)) from exc
    try:
        arrs_sum: Decimal | None = claiming.arrs_sum(code, chosen)
    except ValidationError:
        arrs_sum = None
    spend = spend_by_month(code, chosen, arrs_sum)

    def money(value: Decimal | None) -> str | None:
        return None if value is None else str(value)

    return {
        "network": code,
        "contract_year": str(chosen),
        "arrs_sum": money(spend.arrs_sum),
        "paid": money(spend.paid),
        "claimed": str(spend.claimed),
        "months": [
            {
                "month": f"{m.month:%Y-%m}",
                "claimed": str(m.claimed),
                "cumulative": str(m.cumulative),
            }
            for m in spend.months
        ],
    }


@router.get("/{code}/plan", summary="A network's workforce plan for a year, projected")
def workforce_plan(request: HttpRequest, code: str, year: str = "") -> Json:
    """The plan's rows and the year projected month by month against the ARRS
    sum (``year`` as 2024/25; default: this year)."""
    code = _network(request, code, Permission.VIEW_STAFF)
    try:
        chosen = ContractYear.parse(year) if year else ContractYear.containing(today())
    except ValueError as exc:
        raise Http404(str(exc)) from exc
    current = plan.latest(code, chosen)
    projected = plan.projection(code, chosen, current.rows)

    def money(value: Decimal | None) -> str | None:
        return None if value is None else str(value)

    return {
        "network": code,
        "contract_year": str(chosen),
        "version": current.number,
        "rows": [row.as_dict() for row in current.rows],
        "row_spend": [str(v) for v in projected.row_spend],
        "arrs_sum": money(projected.arrs_sum),
        "months": [
            {
                "month": f"{m.month:%Y-%m}",
                "existing": str(m.existing),
                "planned": str(m.planned),
                "cumulative": str(m.cumulative),
            }
            for m in projected.months
        ],
        "projected": str(projected.projected),
        "headroom": money(projected.headroom),
        "overspend": str(projected.overspend),
        "underspend": str(projected.underspend),
        "notes": list(projected.notes),
    }
