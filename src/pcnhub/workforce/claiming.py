"""A network's monthly ARRS claim, generated from its staff records.

Generating month M of a contract year works out every month of the year up to M
from the staff records as they stand (the claim rules in
:mod:`pcnhub.rules.claims` and :mod:`pcnhub.rules.claim_checks`):

* the **duplicate check** sees every post of the network's people, in any
  network, so a person claimed by two networks for a day is claimed once;
* the year's lines are held **within the network's ARRS sum** month by month;
* M's lines are the claim; for each earlier month that has a claim, the
  difference between what is due now and what was claimed (with earlier
  adjustments) is an **adjustment line** — a backdated uplift, or a record
  corrected after its month was claimed.

The claim is stored as generated (lines, adjustments, notes), numbered: the
month's latest claim is the one that counts. Lines hold the person's key,
never the name.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from pcnhub.audit.services import Actor, record
from pcnhub.contract.services import run_entitlement_totals
from pcnhub.rules.claim_checks import claim_lines, not_additional_total, within_arrs_sum
from pcnhub.rules.claims import ClaimLine
from pcnhub.rules.money import ZERO
from pcnhub.rules.params import Parameters
from pcnhub.rules.periods import ContractYear
from pcnhub.rules.registry import default_parameters
from pcnhub.workforce.models import MonthlyClaim
from pcnhub.workforce.staff import as_rule_post, current_versions, network_subjects

#: the entitlement items that make up what a network may claim in a year
ARRS_ITEMS = ("arrs_sum", "gp_arrs_sum")


def arrs_sum(network_code: str, year: ContractYear) -> Decimal:
    """The network's ARRS sum for the year (with the GP ARRS sum where there is
    one), from its entitlements."""
    try:
        totals = run_entitlement_totals(year, pcn=network_code)
    except (LookupError, ValueError) as exc:
        raise ValidationError({"network": [str(exc)]}) from exc
    found = totals.network_totals(network_code)
    return sum((found.get(item, ZERO) for item in ARRS_ITEMS), ZERO)


def covered_year(month: date, parameters: Parameters) -> ContractYear:
    """The contract year of ``month``, if pcnhub has its rules (else a
    ``ValidationError`` naming the month and the years it has)."""
    years = parameters.years
    if not years[0].start <= month < years[-1].end:
        raise ValidationError(
            {
                "month": [
                    f"pcnhub has ARRS rules for {years[0]} to {years[-1]}, not for "
                    f"{month:%B} {month.year:04d}"
                ]
            }
        )
    return ContractYear.containing(month)


@dataclass(frozen=True)
class WorkedOut:
    """The year to the month, as the staff records give it now."""

    year: ContractYear
    arrs_sum: Decimal
    lines: list[ClaimLine]
    #: post reference → why its record last changed ("" for a first version)
    changes: dict[str, str] = field(default_factory=dict)

    def of_month(self, month: date) -> list[ClaimLine]:
        return [line for line in self.lines if line.month == month]


def work_out(
    network_code: str,
    month: date,
    parameters: Parameters | None = None,
    sum_for_year: Decimal | None = None,
) -> WorkedOut:
    """Every month of ``month``'s contract year up to it, held within the sum."""
    parameters = parameters or default_parameters()
    month = month.replace(day=1)
    year = covered_year(month, parameters)
    mine = list(current_versions([network_code]))
    people = sorted({v.post.person_key for v in mine})
    posts = [as_rule_post(v) for v in current_versions(person_keys=people)]
    changes = {
        v.post.reference: f"version {v.number}: {v.reason}" if v.reason else ""
        for v in mine
        if v.number > 1
    }
    lines: list[ClaimLine] = []
    for m in (m for m in year.months if m <= month):
        lines += [
            line
            for line in claim_lines(posts, m, parameters)
            if line.post.network == network_code and line.days_in_post
        ]
    total = arrs_sum(network_code, year) if sum_for_year is None else sum_for_year
    held = within_arrs_sum(lines, total) if lines else []
    return WorkedOut(year, total, held, changes)


def latest_claims(
    contract_year: str, network_codes: Iterable[str] | None = None
) -> dict[tuple[str, date], MonthlyClaim]:
    """(network, month) → the month's latest claim, for the contract year."""
    rows = MonthlyClaim.objects.filter(contract_year=contract_year)
    if network_codes is not None:
        rows = rows.filter(network_code__in=list(network_codes))
    out: dict[tuple[str, date], MonthlyClaim] = {}
    for claim in rows.order_by("network_code", "month", "number"):
        out[(claim.network_code, claim.month)] = claim
    return out


def claimed_by_network(
    contract_year: str, network_codes: Iterable[str] | None = None
) -> dict[str, Decimal]:
    """Network → what its latest monthly claims of the year claim, adjustments
    included."""
    out: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for (network, _), claim in latest_claims(contract_year, network_codes).items():
        out[network] += claim.total
    return dict(out)


def _paid(
    claims: dict[tuple[str, date], MonthlyClaim], network: str, month: date
) -> dict[tuple[str, str], Decimal]:
    """(post, month) → what the other months' latest claims have claimed for it."""
    paid: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
    for (code, m), claim in claims.items():
        if code != network or m == month:
            continue
        for line in claim.lines:
            paid[(line["post"], line["month"])] += Decimal(line["claimable"])
        for adjustment in claim.adjustments:
            key = (adjustment["post"], adjustment["month"])
            paid[key] += Decimal(adjustment["difference"])
    return paid


def _reason(old: dict[str, Any] | None, new: ClaimLine | None, change: str) -> str:
    record = (
        f"the staff record changed ({change})"
        if change
        else ("the staff record changed")
    )
    if new is None:
        return f"no longer due: {record}"
    if old is None:
        return f"due now: {record}"
    before = {p["name"]: p for p in old.get("parameters", [])}
    moved = [
        f"{v.parameter} {before[v.parameter]['value']} → {v.describe()} from {v.start}"
        for v in new.parameters
        if v.parameter in before and before[v.parameter]["value"] != v.describe()
    ]
    return "; ".join(moved) or record


def _adjustments(
    worked: WorkedOut, claims: dict[tuple[str, date], MonthlyClaim], network: str
) -> list[dict[str, str]]:
    month = max((line.month for line in worked.lines), default=None)
    paid = _paid(claims, network, month) if month else {}
    claimed_lines = {
        (line["post"], line["month"]): line
        for (code, m), claim in claims.items()
        if code == network and m != month
        for line in claim.lines
    }
    due = {
        (line.post.id, f"{line.month:%Y-%m}"): line
        for line in worked.lines
        if line.month != month and (network, line.month) in claims
    }
    out = []
    for key in sorted(set(paid) | set(due)):
        now = due[key].claimable if key in due else ZERO
        difference = now - paid.get(key, ZERO)
        if difference == ZERO:
            continue
        out.append(
            {
                "post": key[0],
                "month": key[1],
                "claimed": str(paid.get(key, ZERO)),
                "due": str(now),
                "difference": str(difference),
                "reason": _reason(
                    claimed_lines.get(key), due.get(key), worked.changes.get(key[0], "")
                ),
            }
        )
    return out


def not_claimable(line: ClaimLine) -> Decimal:
    """What the post would claim alone, as ARRS-funded, that the line does not:
    a post not additional, or the part over the network's ARRS sum."""
    return max(line.at_stake - line.claimable, ZERO)


def _line_record(line: ClaimLine) -> dict[str, Any]:
    return line.as_dict() | {"explain": line.explain()}


def generate_claim(
    actor: Actor,
    network_code: str,
    month: date,
    parameters: Parameters | None = None,
) -> MonthlyClaim:
    """Generate (again) the network's claim for ``month``: stored, audited."""
    month = month.replace(day=1)
    worked = work_out(network_code, month, parameters)
    try:
        return _store(actor, network_code, month, worked)
    except IntegrityError:
        # Two people generated the month at the same moment: one claim number
        # each is refused to the second, which writes nothing.
        raise ValidationError(
            {
                "month": [
                    "Another claim for this month was generated at the same "
                    "moment: generate it again"
                ]
            }
        ) from None


def _store(
    actor: Actor, network_code: str, month: date, worked: WorkedOut
) -> MonthlyClaim:
    lines = worked.of_month(month)
    year = str(worked.year)
    with transaction.atomic():
        claims = latest_claims(year, [network_code])
        adjustments = _adjustments(worked, claims, network_code)
        total_flag = not_additional_total(lines)
        notes = [total_flag.message] if total_flag else []
        number = (
            MonthlyClaim.objects.filter(
                network_code=network_code, month=month
            ).aggregate(top=Max("number"))["top"]
            or 0
        ) + 1
        claim = MonthlyClaim.objects.create(
            network_code=network_code,
            month=month,
            number=number,
            contract_year=year,
            generated_at=timezone.now(),
            actor=actor.user,
            system_actor=actor.system if actor.user is None else "",
            arrs_sum=worked.arrs_sum,
            claimed=sum((line.claimable for line in lines), ZERO),
            adjusted=sum((Decimal(a["difference"]) for a in adjustments), ZERO),
            at_stake=sum((not_claimable(line) for line in lines), ZERO),
            findings=sum(
                1 for line in lines for f in line.findings if f.severity != "info"
            ),
            lines=[_line_record(line) for line in lines],
            adjustments=adjustments,
            notes=notes,
        )
        record(
            actor,
            "workforce.claim_generated",
            "ARRS claim",
            f"{network_code}/{month:%Y-%m}/{number}",
            after={
                "network": network_code,
                "month": f"{month:%Y-%m}",
                "number": number,
                "claimed": claim.claimed,
                "adjusted": claim.adjusted,
                "at_stake": claim.at_stake,
                "lines": len(lines),
                "findings": claim.findings,
            },
            subjects=network_subjects(network_code, month),
        )
    return claim
