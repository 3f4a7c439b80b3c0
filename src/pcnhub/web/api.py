"""API routes of the register (mounted at /api/register/ by pcnhub.api).

The same answers as the pages, the CSV downloads and the CLI, from the same
services (:mod:`pcnhub.register.queries`, :mod:`pcnhub.contract.services` and
the exports), limited by the same permissions (:mod:`pcnhub.access`):

* every route needs a signed-in session (401 otherwise) and a role (403);
* an organisation named in the path or query must be one the user may see: an
  unknown code is a 404, a known one outside the user's scope a 403;
* lists hold only the rows the user may see (networks by network or
  commissioner, practices by practice or commissioner, findings by network,
  practice or commissioner).

Rows and columns are those of ``pcnhub networks``, ``pcnhub uncovered``,
``pcnhub check`` and ``pcnhub entitlements`` with ``--format json``.
"""

from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from pcnhub.access.checks import Permission, require, visible_rows
from pcnhub.access.scope import Scope, scope_of
from pcnhub.contract import exports as contract_exports
from pcnhub.contract.redaction import for_viewer
from pcnhub.contract.services import NotFound, run_checks, run_entitlements
from pcnhub.contract.snapshots import per_version
from pcnhub.register import queries
from pcnhub.register.exports import NETWORK_COLUMNS, UNCOVERED_COLUMNS, write_rows
from pcnhub.register.models import (
    Organisation,
    OrganisationKind,
    OrganisationVersion,
)
from pcnhub.register.names import name_of
from pcnhub.rules.periods import month_label
from pcnhub.ui.outcomes import parse_outcome
from pcnhub.ui.years import parse_year
from pcnhub.web.presenters.list_sizes import list_size_series
from pcnhub.web.presenters.payments import by_month

router = Router(tags=["register"])


# --- schemas ---------------------------------------------------------------------


class Details(Schema):
    """An organisation's details holding on the date (ODS)."""

    name: str
    subtype: str
    address: str
    postcode: str
    status: str
    open_date: date | None
    close_date: date | None
    valid_from: date
    valid_to: date | None


class Parent(Schema):
    """An organisation above: named even when the user may not open it."""

    code: str
    kind: str
    name: str
    visible: bool
    #: Reached through a succession (the record names a predecessor).
    inferred: bool


class Child(Schema):
    code: str
    kind: str
    name: str
    relationship: str
    #: Passed to this organisation by a succession (a merger).
    inferred: bool


class Succeeded(Schema):
    code: str
    name: str
    effective: date
    reason: str


class OrganisationOut(Schema):
    code: str
    kind: str
    name: str
    as_at: date
    details: Details | None
    parents: list[Parent]
    children: list[Child]
    predecessors: list[Succeeded]
    successors: list[Succeeded]


class NetworkRow(Schema):
    """A row of ``pcnhub networks``."""

    pcn_code: str
    pcn_name: str
    commissioner_code: str
    practices: int
    registered_population: int | float
    weighted_population: int | float
    commissioner_inferred: bool


class UncoveredRow(Schema):
    """A row of ``pcnhub uncovered``."""

    practice_code: str
    practice_name: str
    commissioner_code: str
    registered_patients: int | float | None
    commissioner_inferred: bool


class FindingOut(Schema):
    """A finding of ``pcnhub check --format json``."""

    pcn_code: str
    practice_code: str
    commissioner_code: str
    rule: str
    outcome: str
    message: str
    evidence: dict[str, Any]
    source: str


class LineOut(Schema):
    """A line of ``pcnhub entitlements --format json`` (with ``trace`` when
    ``explain``)."""

    pcn_code: str
    practice_code: str | None
    month: str
    item: str
    amount: str
    payee: str
    paid_to: str
    #: due, not computed (amount empty, note says what it needs) or arrears
    status: str
    #: "yes" when the amount rests on a provisional (unverified) contract figure
    provisional: str
    note: str
    trace: dict[str, Any] | None = None


class ListSizePoint(Schema):
    """List sizes on a date one was recorded; a network's are its members' totals."""

    date: date
    registered: Decimal | None
    weighted: Decimal | None
    #: a network's members on the date (none for a practice)
    members: int | None


class ListSizesOut(Schema):
    code: str
    kind: str
    points: list[ListSizePoint]


class MonthDueOut(Schema):
    """What is due in a month (``2021-04``); arrears in the month they are paid."""

    month: str
    to_payee: Decimal
    to_practices: Decimal
    total: Decimal


class ByMonthOut(Schema):
    code: str
    year: str
    months: list[MonthDueOut]


# --- helpers ----------------------------------------------------------------------


def _day(as_at: date | None) -> date:
    return as_at or timezone.localdate()


def _organisation(request: HttpRequest, code: str) -> Organisation:
    """The organisation the user asked for: 404 if unknown, 403 if not theirs."""
    org = queries.find_organisation(code)
    if org is None:
        raise Http404(f"no organisation {code.strip().upper()} in the register")
    require(request.user, Permission.VIEW_ORGANISATION, org.code)
    return org


def _details(version: OrganisationVersion) -> dict[str, Any]:
    return {field: getattr(version, field) for field in Details.model_fields}


def _exported(rows: list[Any], columns: list[str]) -> list[dict[str, Any]]:
    """Rows exactly as the CLI and CSV exports write them (``--format json``)."""
    out = io.StringIO()
    write_rows(out, rows, columns, "json")
    return json.loads(out.getvalue())


# --- routes -----------------------------------------------------------------------


@router.get(
    "/organisations/{code}",
    response=OrganisationOut,
    url_name="register_organisation",
    summary="An organisation as at a date",
)
def organisation(
    request: HttpRequest, code: str, as_at: date | None = None
) -> dict[str, Any]:
    """Its details on the date, everything above it (named, and whether the user
    may open it), the organisations linked beneath it on the date that the user may
    see, and, for a commissioner, its predecessors and successors."""
    require(request.user, Permission.USE_REGISTER)
    org = _organisation(request, code)
    day = _day(as_at)
    scope = scope_of(request.user)
    version = queries.details_on(org.code, day)
    rungs = queries.hierarchy(org.code, day)
    children = [c for c in queries.children_on(org.code, day) if scope.sees(c.code)]
    kinds = dict(
        Organisation.objects.filter(code__in=[c.code for c in children]).values_list(
            "code", "kind"
        )
    )
    before, after = queries.successions_of(org.code)
    others = {s.predecessor_id for s in before} | {s.successor_id for s in after}
    names = queries.names_on({c.code for c in children} | others, day)
    return {
        "code": org.code,
        "kind": org.kind,
        "name": name_of(org.code, day),
        "as_at": day,
        "details": _details(version) if version else None,
        "parents": _parents(rungs[1:], scope),
        "children": _children_rows(children, kinds, names),
        "predecessors": _linked(before, "predecessor_id", names, scope),
        "successors": _linked(after, "successor_id", names, scope),
    }


def _parents(rungs: list[queries.Rung], scope: Scope) -> list[dict[str, Any]]:
    return [
        {
            "code": rung.code,
            "kind": rung.kind,
            "name": rung.name,
            "visible": scope.sees(rung.code),
            "inferred": rung.inferred,
        }
        for rung in rungs
    ]


def _children_rows(
    children: list[Any], kinds: dict[str, str], names: dict[str, str]
) -> list[dict[str, Any]]:
    return [
        {
            "code": child.code,
            "kind": kinds.get(child.code, ""),
            "name": names.get(child.code, ""),
            "relationship": child.relationship,
            "inferred": child.inferred,
        }
        for child in children
    ]


def _linked(
    successions: list[Any], side: str, names: dict[str, str], scope: Scope
) -> list[dict[str, Any]]:
    """The predecessors or successors (``side``) the user may see."""
    return [
        {
            "code": getattr(s, side),
            "name": names.get(getattr(s, side), ""),
            "effective": s.effective,
            "reason": s.reason,
        }
        for s in successions
        if scope.sees(getattr(s, side))
    ]


@router.get(
    "/networks",
    response=list[NetworkRow],
    url_name="register_networks",
    summary="Networks open on a date",
)
def networks(
    request: HttpRequest,
    as_at: date | None = None,
    commissioner: str | None = None,
    lists_at: date | None = None,
) -> list[dict[str, Any]]:
    """The networks open on the date that the user may see, with their members and
    populations (as ``pcnhub networks --format json`` and the /networks/ CSV).
    ``lists_at`` takes list sizes on another date (default: ``as_at``)."""
    require(request.user, Permission.USE_REGISTER)
    code = _organisation(request, commissioner).code if commissioner else None
    day = _day(as_at)
    rows = per_version(
        "networks",
        (day.isoformat(), code or "*", lists_at or "*"),
        lambda: queries.networks_on(day, code, lists_at),
    )
    rows = visible_rows(request.user, rows, "pcn_code", "commissioner_code")
    return _exported(rows, NETWORK_COLUMNS)


@router.get(
    "/uncovered",
    response=list[UncoveredRow],
    url_name="register_uncovered",
    summary="Practices in no network on a date",
)
def uncovered(
    request: HttpRequest, as_at: date | None = None, commissioner: str | None = None
) -> list[dict[str, Any]]:
    """Open GP practices in no network on the date that the user may see (as
    ``pcnhub uncovered --format json`` and the /uncovered/ CSV)."""
    require(request.user, Permission.USE_REGISTER)
    code = _organisation(request, commissioner).code if commissioner else None
    rows = queries.uncovered_on(_day(as_at), code)
    rows = visible_rows(request.user, rows, "practice_code", "commissioner_code")
    return _exported(rows, UNCOVERED_COLUMNS)


@router.get(
    "/checks",
    response=list[FindingOut],
    url_name="register_checks",
    summary="Contract checks on a date",
)
def checks(
    request: HttpRequest,
    as_at: date | None = None,
    commissioner: str | None = None,
    pcn: str | None = None,
    outcome: str | None = None,
) -> list[dict[str, Any]]:
    """Findings of the Network Contract DES checks on the date (as ``pcnhub check
    --format json``): for one network (``pcn``), one commissioner's area, or,
    without either, everything the user may see (the whole country for national
    analysts, evaluators and administrators). ``outcome`` keeps one outcome
    (``breach``, ``needs-commissioner-approval``, ``warning``, ``not-known``,
    ``met``)."""
    require(request.user, Permission.USE_REGISTER)
    if pcn and commissioner:
        raise ValidationError("give pcn or commissioner, not both")
    try:
        wanted = parse_outcome(outcome)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None
    pcn_code = _organisation(request, pcn).code if pcn else None
    area = _organisation(request, commissioner).code if commissioner else None
    try:
        run = for_viewer(
            request.user, run_checks(_day(as_at), pcn=pcn_code, commissioner=area)
        )
    except NotFound:
        return []  # nothing there to check on that day
    findings = visible_rows(
        request.user, run.findings, "pcn_code", "practice_code", "commissioner_code"
    )
    if wanted is not None:
        findings = [f for f in findings if f.outcome == wanted]
    return contract_exports.findings_json(findings)


def _network_year(request: HttpRequest, code: str, year: str | None) -> tuple[Any, Any]:
    """The network and its entitlements run in the contract year (``2021/22``;
    default: the year containing today), as the user may see them."""
    require(request.user, Permission.USE_REGISTER)
    org = _organisation(request, code)
    if org.kind != OrganisationKind.NETWORK:
        raise Http404(f"{org.code} is not a primary care network")
    try:
        contract_year = parse_year(year, timezone.localdate())
    except ValueError as exc:
        raise ValidationError(str(exc)) from None
    try:
        run = for_viewer(request.user, run_entitlements(contract_year, pcn=org.code))
    except NotFound as exc:
        raise Http404(str(exc)) from None
    return org, run


@router.get(
    "/networks/{code}/entitlements",
    response=list[LineOut],
    url_name="register_entitlements",
    exclude_unset=True,
    summary="How a network is paid in a contract year",
)
def entitlements(
    request: HttpRequest, code: str, year: str | None = None, explain: bool = False
) -> list[dict[str, Any]]:
    """Every entitlement line of the network in the contract year (``2021/22``;
    default: the year containing today), as ``pcnhub entitlements --pcn CODE
    --format json``; ``explain`` adds each line's trace."""
    _, run = _network_year(request, code, year)
    return contract_exports.lines_json(run.lines, explain)


@router.get(
    "/organisations/{code}/list-sizes",
    response=ListSizesOut,
    url_name="register_list_sizes",
    summary="A practice's or network's list sizes over time",
)
def list_sizes(request: HttpRequest, code: str) -> dict[str, Any]:
    """The series the organisation page charts: a practice's current list sizes
    by date, or a network's totals of its members on each date a member's list
    size was recorded (each member at its latest list on or before the date)."""
    require(request.user, Permission.USE_REGISTER)
    org = _organisation(request, code)
    if org.kind not in (OrganisationKind.PRACTICE, OrganisationKind.NETWORK):
        raise Http404(f"{org.code} is neither a practice nor a network")
    points = list_size_series(org.code, org.kind)
    return {
        "code": org.code,
        "kind": org.kind,
        "points": [
            {
                "date": p.date,
                "registered": p.registered,
                "weighted": p.weighted,
                "members": p.members,
            }
            for p in points
        ],
    }


@router.get(
    "/networks/{code}/entitlements/by-month",
    response=ByMonthOut,
    url_name="register_entitlements_by_month",
    summary="What is due to a network month by month in a contract year",
)
def entitlements_by_month(
    request: HttpRequest, code: str, year: str | None = None
) -> dict[str, Any]:
    """The series the "How this network is paid" page charts: each month's
    total to the nominated payee and to the member practices."""
    org, run = _network_year(request, code, year)
    return {
        "code": org.code,
        "year": str(run.year),
        "months": [
            {
                "month": month_label(m.month),
                "to_payee": m.to_payee,
                "to_practices": m.to_practices,
                "total": m.total,
            }
            for m in by_month(run)
        ],
    }
