"""The dashboard API (mounted at /api/dashboard/ by pcnhub.api): every figure of
the dashboard page, from the same service, with the same permissions.

``scope`` names the area (a region, system, commissioner, network or practice
code, or ``nation``); without it, the user's own (as the home page). A code not
in the register, or not an area, is a 422; one outside the user's scope a 403.
Money is a string of pounds to the penny, so it stays exact in JSON.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from pcnhub.access.checks import Permission, require
from pcnhub.dashboard.services import Dashboard, dashboard

router = Router(tags=["dashboard"])


class AreaOut(Schema):
    level: str
    code: str
    name: str
    label: str


class CountsOut(Schema):
    networks: int
    practices: int
    practices_in_networks: int
    registered_population: int
    practices_without_list: int


class CoverageOut(Schema):
    uncovered: int
    uncovered_patients: int
    empty: str


class RuleOut(Schema):
    rule: str
    label: str
    outcomes: dict[str, int]
    total: int


class FindingsOut(Schema):
    year: str
    total: int
    by_outcome: dict[str, int]
    rules: list[RuleOut]
    empty: str


class ApplicationsOut(Schema):
    waiting: int
    oldest_days: int | None
    median_days: str | None
    empty: str


class ItemOut(Schema):
    item: str
    label: str
    total: str


class EntitlementsOut(Schema):
    year: str
    networks: int
    items: list[ItemOut]
    total: str
    empty: str


class ArrsOut(Schema):
    year: str
    networks: int
    arrs_sum: str
    spent: str
    headroom: str
    utilisation: str | None
    over_sum: int
    empty: str


class FreshnessOut(Schema):
    kind: str
    label: str
    as_at: date | None
    imported: date
    file_name: str
    stale_after_days: int | None
    stale: bool
    newer_exists: bool


class MissingOut(Schema):
    kind: str
    label: str


class NetworkChangeOut(Schema):
    kind: str
    network: str
    name: str
    commissioner: str
    into: str
    into_name: str


class CommissionerMergerOut(Schema):
    predecessor: str
    predecessor_name: str
    successor: str
    successor_name: str
    effective: date


class PracticeMoveOut(Schema):
    kind: str
    practice: str
    name: str
    from_network: str
    to_network: str


class ChangesOut(Schema):
    since: date
    networks: list[NetworkChangeOut]
    commissioners: list[CommissionerMergerOut]
    practices: list[PracticeMoveOut]


class DashboardOut(Schema):
    as_at: date
    area: AreaOut
    counts: CountsOut
    coverage: CoverageOut
    findings: FindingsOut
    applications: ApplicationsOut
    entitlements: EntitlementsOut
    arrs: ArrsOut
    freshness: list[FreshnessOut]
    missing: list[MissingOut]
    changes: ChangesOut | None


def _whole(value: Decimal) -> int:
    return int(value.to_integral_value())


def as_json(board: Dashboard) -> dict[str, Any]:
    """The dashboard as the API answers it (also what the tests compare)."""
    f = board.figures
    c = f.counts
    return {
        "as_at": f.day,
        "area": {
            "level": f.area.level,
            "code": f.area.code,
            "name": f.area.name,
            "label": f.area.label,
        },
        "counts": {
            "networks": c.networks,
            "practices": c.practices,
            "practices_in_networks": c.practices_in_networks,
            "registered_population": _whole(c.registered_population),
            "practices_without_list": c.practices_without_list,
        },
        "coverage": {
            "uncovered": f.coverage.uncovered,
            "uncovered_patients": _whole(f.coverage.uncovered_patients),
            "empty": f.coverage.empty,
        },
        "findings": {
            "year": f.findings.year,
            "total": f.findings.total,
            "by_outcome": f.findings.by_outcome,
            "rules": [
                {
                    "rule": r.rule,
                    "label": r.label,
                    "outcomes": r.outcomes,
                    "total": r.total,
                }
                for r in f.findings.rules
            ],
            "empty": f.findings.empty,
        },
        "applications": {
            "waiting": f.applications.waiting,
            "oldest_days": f.applications.oldest_days,
            "median_days": _text(f.applications.median_days),
            "empty": f.applications.empty,
        },
        **_money(f),
        "freshness": [asdict(x) for x in board.freshness],
        "missing": [asdict(m) for m in board.missing],
        "changes": _changes(board),
    }


def _money(f: Any) -> dict[str, Any]:
    """The entitlements and ARRS blocks, money as text to the penny."""
    return {
        "entitlements": {
            "year": f.entitlements.year,
            "networks": f.entitlements.networks,
            "items": [
                {"item": i.item, "label": i.label, "total": str(i.total)}
                for i in f.entitlements.items
            ],
            "total": str(f.entitlements.total),
            "empty": f.entitlements.empty,
        },
        "arrs": {
            "year": f.arrs.year,
            "networks": f.arrs.networks,
            "arrs_sum": str(f.arrs.arrs_sum),
            "spent": str(f.arrs.spent),
            "headroom": str(f.arrs.headroom),
            "utilisation": _text(f.arrs.utilisation),
            "over_sum": f.arrs.over_sum,
            "empty": f.arrs.empty,
        },
    }


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _fields(row: dict[str, Any], schema: type[Schema]) -> dict[str, Any]:
    """Only what ``schema`` declares (the rest places a row in an area)."""
    return {k: v for k, v in row.items() if k in schema.model_fields}


def _changes(board: Dashboard) -> dict[str, Any] | None:
    c = board.changes
    if c is None:
        return None
    return {
        "since": c.since,
        "networks": [asdict(n) for n in c.networks],
        "commissioners": [asdict(m) for m in c.commissioners],
        "practices": [_fields(asdict(p), PracticeMoveOut) for p in c.practices],
    }


@router.get(
    "/",
    response=DashboardOut,
    url_name="dashboard",
    summary="The dashboard's figures for an area on a date",
)
def dashboard_figures(
    request: HttpRequest,
    as_at: date | None = None,
    since: str | None = None,
    scope: str | None = None,
) -> dict[str, Any]:
    """Counts, coverage, findings by rule, applications waiting, entitlements by
    item, ARRS headroom, data freshness and (with ``since``, a date before
    ``as_at``) what changed: as the dashboard page shows them."""
    require(request.user, Permission.USE_REGISTER)
    day = as_at or timezone.localdate()
    return as_json(dashboard(request.user, day, scope, since))
