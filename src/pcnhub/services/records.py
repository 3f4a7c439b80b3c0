"""Recording a network's service delivery and access hours, and reading a year.

Each write checks its input against the rules (the requirement must be due in
the year, the week must start on a Monday in force of a minimum), adds the next
version in one transaction and audits it with the network and its overseeing
commissioner as subjects. Errors are ``ValidationError`` naming the field, so
the page and the API show them on it.

The required minutes use the contract's own population (the members on the
week's Monday, on the lists of 1 January before the contract year) from
:mod:`pcnhub.contract.snapshots`, and the pure rules of
:mod:`pcnhub.rules.services`.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from pcnhub.audit.services import Actor, record
from pcnhub.contract import snapshots
from pcnhub.register import queries
from pcnhub.register.models import RelationshipKind
from pcnhub.rules import services as rules
from pcnhub.rules.findings import Finding
from pcnhub.rules.params import Parameters
from pcnhub.rules.periods import ContractYear
from pcnhub.rules.registry import default_parameters
from pcnhub.services.models import AccessHoursWeek, DeliveryStatus, ServiceDelivery

#: The most minutes a week can hold (7 × 24 × 60) times ten concurrent rooms:
#: a figure above it is a typing mistake, not capacity.
MAX_WEEK_MINUTES = 7 * 24 * 60 * 10


def _commissioner(code: str, day: date) -> str:
    """The network's overseeing commissioner on ``day``, mergers followed."""
    found = queries.parents_on(RelationshipKind.NETWORK_COMMISSIONER, day, {code})
    return found[code].code if code in found else ""


def _provenance(actor: Actor) -> dict[str, Any]:
    return {
        "recorded_by": actor.user,
        "recorded_by_system": "" if actor.user else actor.system,
        "recorded_at": timezone.now(),
    }


def delivery_values(row: ServiceDelivery) -> dict[str, Any]:
    """A delivery version as plain values (audit, API, downloads)."""
    return {
        "network": row.network_id,
        "contract_year": row.contract_year,
        "requirement": row.requirement,
        "version": row.version,
        "status": row.status,
        "status_text": DeliveryStatus(row.status).label,
        "evidence": row.evidence,
        "link": row.link,
        "recorded_by": row.recorded_by_label,
        "recorded_at": row.recorded_at,
        "reason": row.reason,
    }


def access_values(row: AccessHoursWeek) -> dict[str, Any]:
    return {
        "network": row.network_id,
        "week_starting": row.week_starting,
        "version": row.version,
        "minutes_offered": row.minutes_offered,
        "note": row.note,
        "recorded_by": row.recorded_by_label,
        "recorded_at": row.recorded_at,
        "reason": row.reason,
    }


def _check_reason(reason: str, errors: dict[str, str]) -> str:
    reason = reason.strip()
    if not reason:
        errors["reason"] = "enter the reason for this change"
    return reason


def record_delivery(
    actor: Actor,
    code: str,
    year: ContractYear,
    requirement: str,
    status: str,
    evidence: str = "",
    link: str = "",
    reason: str = "",
    parameters: Parameters | None = None,
) -> ServiceDelivery:
    """Add the next version of the network's delivery of ``requirement`` in ``year``."""
    parameters = parameters or default_parameters()
    errors: dict[str, str] = {}
    due = {r.code for r in rules.requirements_due(parameters, year)}
    if requirement not in due:
        errors["requirement"] = (
            f"{requirement or 'that requirement'} is not due in {year}: choose one "
            f"of {', '.join(sorted(due)) or 'none'}"
        )
    if status not in DeliveryStatus.values:
        errors["status"] = "select the delivery status from the list"
    link = link.strip()
    if link:
        try:
            URLValidator(schemes=["https", "http"])(link)
        except ValidationError:
            errors["link"] = "enter the link as a web address starting https://"
    reason = _check_reason(reason, errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        rows = ServiceDelivery.objects.select_for_update().filter(
            network_id=code, contract_year=str(year), requirement=requirement
        )
        latest = rows.order_by("-version").first()
        row = ServiceDelivery(
            network_id=code,
            contract_year=str(year),
            requirement=requirement,
            status=status,
            evidence=evidence.strip(),
            link=link,
            version=(latest.version + 1) if latest else 1,
            reason=reason,
            **_provenance(actor),
        )
        row.save(force_insert=True)
        record(
            actor,
            "services.record_delivery",
            "service_delivery",
            f"{code}/{year}/{requirement}",
            before=delivery_values(latest) if latest else None,
            after=delivery_values(row),
            reason=reason,
            subjects=[code, _commissioner(code, year.start)],
        )
    return row


def record_access_hours(
    actor: Actor,
    code: str,
    week_starting: date,
    minutes_offered: int,
    reason: str = "",
    note: str = "",
    parameters: Parameters | None = None,
) -> AccessHoursWeek:
    """Add the next version of the access minutes offered in a week."""
    parameters = parameters or default_parameters()
    errors: dict[str, str] = {}
    if week_starting.weekday() != 0:
        errors["week_starting"] = (
            f"{week_starting} is a {week_starting:%A}: enter the Monday the week "
            "starts on"
        )
    elif rules.minimum_on(parameters, week_starting) is None:
        errors["week_starting"] = (
            f"no access-hours minimum was in force in the week of {week_starting} "
            "(Extended Hours Access began on 1 July 2019)"
        )
    if not 0 <= minutes_offered <= MAX_WEEK_MINUTES:
        errors["minutes_offered"] = (
            "enter the minutes offered as a whole number from 0 to "
            f"{MAX_WEEK_MINUTES:,}"
        )
    reason = _check_reason(reason, errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        rows = AccessHoursWeek.objects.select_for_update().filter(
            network_id=code, week_starting=week_starting
        )
        latest = rows.order_by("-version").first()
        row = AccessHoursWeek(
            network_id=code,
            week_starting=week_starting,
            minutes_offered=minutes_offered,
            note=note.strip(),
            version=(latest.version + 1) if latest else 1,
            reason=reason,
            **_provenance(actor),
        )
        row.save(force_insert=True)
        record(
            actor,
            "services.record_access_hours",
            "access_hours_week",
            f"{code}/{week_starting}",
            before=access_values(latest) if latest else None,
            after=access_values(row),
            reason=reason,
            subjects=[code, _commissioner(code, week_starting)],
        )
    return row


# Reading a year -----------------------------------------------------------------


@dataclass(frozen=True)
class RequirementDelivery:
    """A requirement due in the year, its latest delivery and every version."""

    requirement: rules.Requirement
    history: tuple[ServiceDelivery, ...]

    @property
    def latest(self) -> ServiceDelivery | None:
        return self.history[0] if self.history else None


@dataclass(frozen=True)
class AccessWeek:
    """A week's latest access minutes against those required, with the finding."""

    row: AccessHoursWeek
    required: rules.RequiredMinutes | None
    finding: Finding | None
    versions: int


@dataclass
class YearView:
    code: str
    year: ContractYear
    commissioner: str
    requirements: list[RequirementDelivery]
    weeks: list[AccessWeek]
    #: the minutes required on the year's first day a minimum is in force
    required: rules.RequiredMinutes | None
    notes: list[str] = field(default_factory=list)

    @property
    def below(self) -> list[AccessWeek]:
        return [w for w in self.weeks if w.finding and w.finding.outcome == "breach"]


def _members(code: str, day: date, year: ContractYear) -> tuple[Any, list[str]]:
    """The network's members on ``day``, on the year's lists (the contract's rule)."""
    register = snapshots.networks_on(day, lists_on=year.population_date, only=code)
    network = next(iter(register.networks), None)
    return (network.members_on(day) if network else ()), register.notes


def _required_on(
    code: str, day: date, year: ContractYear, parameters: Parameters, cache: dict
) -> rules.RequiredMinutes | None:
    members, notes = _members(code, day, year)
    key = (tuple(sorted(p.code for p in members)), rules.minimum_on(parameters, day))
    if key not in cache:
        cache[key] = rules.required_minutes(parameters, day, members)
    found = cache[key]
    if found is not None and found.day != day:
        # the same members and minimum: the same minutes, for this week
        found = dataclasses.replace(found, day=day)
    return found


def _first_minimum_day(year: ContractYear, parameters: Parameters) -> date | None:
    for day in year.months:
        if rules.minimum_on(parameters, day) is not None:
            return day
    return None


def latest_weeks(code: str, year: ContractYear) -> list[tuple[AccessHoursWeek, int]]:
    """Each week's latest version in the year, newest week first, with its count."""
    rows = AccessHoursWeek.objects.filter(
        network_id=code, week_starting__gte=year.start, week_starting__lt=year.end
    ).select_related("recorded_by")
    by_week: dict[date, list[AccessHoursWeek]] = defaultdict(list)
    for row in rows:
        by_week[row.week_starting].append(row)
    out = []
    for week in sorted(by_week, reverse=True):
        versions = sorted(by_week[week], key=lambda r: -r.version)
        out.append((versions[0], len(versions)))
    return out


def year_view(
    code: str, year: ContractYear, parameters: Parameters | None = None
) -> YearView:
    """The network's services in ``year``: requirements due with their delivery,
    and the access hours offered each week against those required."""
    parameters = parameters or default_parameters()
    rows = ServiceDelivery.objects.filter(
        network_id=code, contract_year=str(year)
    ).select_related("recorded_by")
    by_requirement: dict[str, list[ServiceDelivery]] = defaultdict(list)
    for row in rows.order_by("requirement", "-version"):
        by_requirement[row.requirement].append(row)
    requirements = [
        RequirementDelivery(r, tuple(by_requirement.get(r.code, ())))
        for r in rules.requirements_due(parameters, year)
    ]
    commissioner = _commissioner(code, year.start)
    cache: dict = {}
    weeks = []
    for row, versions in latest_weeks(code, year):
        required = _required_on(code, row.week_starting, year, parameters, cache)
        finding = (
            rules.access_finding(
                code, commissioner, row.week_starting, row.minutes_offered, required
            )
            if required
            else None
        )
        weeks.append(AccessWeek(row, required, finding, versions))
    first = _first_minimum_day(year, parameters)
    required = _required_on(code, first, year, parameters, cache) if first else None
    return YearView(code, year, commissioner, requirements, weeks, required)
