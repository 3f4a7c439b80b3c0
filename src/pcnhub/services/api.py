"""The services API (mounted at /api/services/ by pcnhub.api).

The same permissions as the pages: ``governance.view_network`` to read a
network's services, ``governance.change_network`` to record. Who recorded a row
is given only to those who may see the network's personal data (otherwise
``null``). Bad input answers 422 naming the field; every write goes through
:mod:`pcnhub.services.records`, which audits it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from pcnhub.access.checks import require_network
from pcnhub.access.permissions import Permission
from pcnhub.audit.services import Actor
from pcnhub.rules.periods import ContractYear
from pcnhub.services import records
from pcnhub.services.models import DeliveryStatus
from pcnhub.ui.asat import today
from pcnhub.ui.years import parse_year

router = Router(tags=["services"])

Json = dict[str, Any]


class DeliveryIn(Schema):
    year: str = Field(description="The contract year, for example 2024/25")
    requirement: str = Field(description="A requirement's code, due in the year")
    status: DeliveryStatus
    evidence: str = ""
    link: str = ""
    reason: str = Field(min_length=1, description="Why: kept with the record.")


class AccessHoursIn(Schema):
    week_starting: date = Field(description="The Monday the week starts on")
    minutes_offered: int = Field(ge=0)
    note: str = ""
    reason: str = Field(min_length=1, description="Why: kept with the record.")


def _network(request: HttpRequest, code: str, permission: str) -> str:
    return require_network(request.user, code, permission).code


def _year(text: str | None) -> ContractYear:
    try:
        return parse_year(text, today())
    except ValueError as exc:
        raise ValidationError({"year": str(exc)}) from None


def _private(values: Json, personal: bool) -> Json:
    return values if personal else values | {"recorded_by": None}


def _week(week: records.AccessWeek, personal: bool) -> Json:
    return _private(records.access_values(week.row), personal) | {
        "versions": week.versions,
        "required": week.required.as_dict() if week.required else None,
        "outcome": week.finding.outcome if week.finding else None,
        "message": week.finding.message if week.finding else None,
    }


@router.get("/{code}", summary="A network's services in a contract year")
def network_services(request: HttpRequest, code: str, year: str | None = None) -> Json:
    """The requirements due in ``year`` (the current contract year if not given)
    with the latest delivery and every version, and the access hours offered each
    week against the minutes required."""
    code = _network(request, code, Permission.VIEW_NETWORK)
    view = records.year_view(code, _year(year))
    personal = request.user.has_perm(Permission.VIEW_PERSONAL, code)
    return {
        "network": code,
        "contract_year": str(view.year),
        "commissioner": view.commissioner,
        "personal_data_withheld": not personal,
        "requirements": [
            item.requirement.as_dict()
            | {
                "latest": _private(records.delivery_values(item.latest), personal)
                if item.latest
                else None,
                "history": [
                    _private(records.delivery_values(r), personal) for r in item.history
                ],
            }
            for item in view.requirements
        ],
        "access_required": view.required.as_dict() if view.required else None,
        "access_weeks": [_week(w, personal) for w in view.weeks],
        "weeks_below_minimum": len(view.below),
    }


@router.post(
    "/{code}/deliveries",
    response={201: Json},
    summary="Record a service requirement's delivery (a new version)",
)
def record_service_delivery(
    request: HttpRequest, code: str, body: DeliveryIn
) -> Status[Json]:
    code = _network(request, code, Permission.CHANGE_NETWORK)
    row = records.record_delivery(
        Actor(user=request.user),
        code,
        _year(body.year),
        body.requirement,
        str(body.status),
        evidence=body.evidence,
        link=body.link,
        reason=body.reason,
    )
    return Status(201, records.delivery_values(row))


@router.post(
    "/{code}/access-hours",
    response={201: Json},
    summary="Record the access minutes offered in a week (a new version)",
)
def record_access_week(
    request: HttpRequest, code: str, body: AccessHoursIn
) -> Status[Json]:
    code = _network(request, code, Permission.CHANGE_NETWORK)
    row = records.record_access_hours(
        Actor(user=request.user),
        code,
        body.week_starting,
        body.minutes_offered,
        reason=body.reason,
        note=body.note,
    )
    return Status(201, records.access_values(row))
