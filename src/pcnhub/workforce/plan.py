"""A network's workforce plan for a contract year: planned recruitment, projected
against the ARRS sum.

The plan is a run of :class:`WorkforcePlanVersion` rows: adding or removing a
planned row adds the next version holding every row (the latest counts), with
who, when and why, and an audit entry. :func:`projection` works out the year
with the pure rules of :mod:`pcnhub.rules.plan`: the network's posts as the
staff records give them now (with the same people's posts elsewhere, for the
duplicate check) and the planned rows, against the network's ARRS sum.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pcnhub.audit.services import Actor, record
from pcnhub.core.versions import refuse_unless_current
from pcnhub.rules.params import Parameters
from pcnhub.rules.periods import ContractYear
from pcnhub.rules.plan import PlannedRow, Projection, project
from pcnhub.rules.registry import default_parameters
from pcnhub.workforce import claiming
from pcnhub.workforce.models import WorkforcePlanVersion
from pcnhub.workforce.staff import (
    as_rule_post,
    current_versions,
    network_subjects,
    role_labels,
)


@dataclass(frozen=True)
class Plan:
    """The plan as it stands: its rows and the version they come from (0: none)."""

    network_code: str
    year: ContractYear
    rows: tuple[PlannedRow, ...]
    version: WorkforcePlanVersion | None

    @property
    def number(self) -> int:
        return self.version.number if self.version else 0


def latest(network_code: str, year: ContractYear) -> Plan:
    version = (
        WorkforcePlanVersion.objects.filter(
            network_code=network_code, contract_year=str(year)
        )
        .order_by("-number")
        .first()
    )
    rows = tuple(PlannedRow.from_dict(r) for r in version.rows) if version else ()
    return Plan(network_code, year, rows, version)


def history(network_code: str, year: ContractYear) -> list[WorkforcePlanVersion]:
    """Every version of the plan, latest first."""
    return list(
        WorkforcePlanVersion.objects.filter(
            network_code=network_code, contract_year=str(year)
        )
        .select_related("actor")
        .order_by("-number")
    )


def validate_row(row: PlannedRow, year: ContractYear) -> dict[str, list[str]]:
    """Field → what is wrong with the planned row (empty when it is good)."""
    errors: dict[str, list[str]] = {}
    if row.role not in role_labels():
        errors["role"] = [f"{row.role!r} is not an ARRS role pcnhub knows"]
    if not year.start <= row.start < year.end:
        errors["start"] = [
            f"The start month is in the contract year {year} "
            f"({year.start:%Y-%m} to {year.months[-1]:%Y-%m})"
        ]
    return errors


def _save(
    actor: Actor,
    plan: Plan,
    rows: list[PlannedRow],
    reason: str,
    action: str,
) -> WorkforcePlanVersion:
    with transaction.atomic():
        # taken again inside the transaction: the number is the next one
        now = latest(plan.network_code, plan.year)
        refuse_unless_current("plan", now.number, plan.number)
        version: WorkforcePlanVersion = WorkforcePlanVersion.objects.create(
            network_code=plan.network_code,
            contract_year=str(plan.year),
            number=plan.number + 1,
            rows=[r.as_dict() for r in rows],
            recorded_at=timezone.now(),
            actor=actor.user,
            system_actor=actor.system if actor.user is None else "",
            reason=reason,
        )
        record(
            actor,
            action,
            "workforce plan",
            f"{plan.network_code}/{plan.year}",
            before={"version": plan.number, "rows": [r.as_dict() for r in plan.rows]},
            after={"version": version.number, "rows": version.rows},
            reason=reason,
            subjects=_subjects(plan.network_code, plan.year),
        )
    return version


def _subjects(network_code: str, year: ContractYear) -> list[str]:
    """The network and its commissioner at the year's start and end (a plan
    covers the whole year; a merger in it moves the network)."""
    last = year.end - timedelta(days=1)
    found = network_subjects(network_code, year.start)
    return list(dict.fromkeys(found + network_subjects(network_code, last)))


def add_row(
    actor: Actor,
    network_code: str,
    year: ContractYear,
    row: PlannedRow,
    *,
    expected_version: int | None = None,
    reason: str = "",
) -> WorkforcePlanVersion:
    """The plan's next version, with ``row`` added at the end."""
    errors = validate_row(row, year)
    if errors:
        raise ValidationError(errors)
    plan = latest(network_code, year)
    if expected_version is not None:
        refuse_unless_current("plan", plan.number, expected_version)
    return _save(actor, plan, [*plan.rows, row], reason, "workforce.plan_row_added")


def remove_row(
    actor: Actor,
    network_code: str,
    year: ContractYear,
    index: int,
    *,
    reason: str,
    expected_version: int | None = None,
) -> WorkforcePlanVersion:
    """The plan's next version, without row ``index`` (1-based)."""
    plan = latest(network_code, year)
    errors: dict[str, list[str]] = {}
    if not 1 <= index <= len(plan.rows):
        errors["row"] = [
            f"The plan has no row {index}"
            + (f": choose 1 to {len(plan.rows)}" if plan.rows else ": it is empty")
        ]
    if not reason.strip():
        errors["reason"] = ["Say why the row is removed"]
    if errors:
        raise ValidationError(errors)
    if expected_version is not None:
        refuse_unless_current("plan", plan.number, expected_version)
    rows = [r for i, r in enumerate(plan.rows, 1) if i != index]
    return _save(actor, plan, rows, reason, "workforce.plan_row_removed")


def arrs_sum_or_error(
    network_code: str, year: ContractYear
) -> tuple[Decimal | None, str]:
    """The network's ARRS sum for the year, or None and why it is not known."""
    try:
        return claiming.arrs_sum(network_code, year), ""
    except ValidationError as exc:
        return None, "; ".join(exc.messages)


def projection(
    network_code: str,
    year: ContractYear,
    rows: tuple[PlannedRow, ...] | None = None,
    parameters: Parameters | None = None,
    sum_for_year: Decimal | None = None,
) -> Projection:
    """The year projected: the network's posts now and the plan's rows (the
    latest version's unless ``rows`` are given) against its ARRS sum."""
    parameters = parameters or default_parameters()
    if rows is None:
        rows = latest(network_code, year).rows
    mine = current_versions([network_code])
    people = sorted({v.post.person_key for v in mine})
    posts = [as_rule_post(v) for v in current_versions(person_keys=people)]
    total = sum_for_year
    if total is None:
        total, _ = arrs_sum_or_error(network_code, year)
    return project(
        network_code,
        year,
        posts,
        list(rows),
        total,
        parameters,
        role_labels(parameters),
    )
