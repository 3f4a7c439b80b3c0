"""The dashboard's figures for one area as at one date, as dataclasses.

Every figure is worked out from the same services as the pages it sums up, and
limited by the same permissions, so that a count on the dashboard is the number
of rows the linked page lists:

* networks, practices and population: ``queries.networks_on`` and
  ``queries.practices_on`` (the /networks/ and practice lists), kept once per
  register version (:func:`pcnhub.contract.snapshots.per_version`);
* coverage gaps: ``queries.uncovered_on`` (/uncovered/);
* findings: the checks page's run (the same cache key), as the viewer may see it;
* applications: :func:`pcnhub.workflow.offers.visible_applications`;
* entitlements: :func:`pcnhub.contract.services.run_entitlement_totals`;
* ARRS: :func:`pcnhub.workforce.utilisation.arrs_utilisation`.

Each block is ``None``-free: a block with nothing for the user says why in
``empty`` (a sentence), never an error.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import timezone

from pcnhub.access.checks import visible_rows
from pcnhub.access.roles import Role
from pcnhub.access.scope import scope_of
from pcnhub.contract.redaction import for_viewer
from pcnhub.contract.services import (
    CheckRun,
    NotFound,
    run_checks,
    run_entitlement_totals,
)
from pcnhub.contract.snapshots import per_version
from pcnhub.dashboard.areas import NATION, Area, Members, members
from pcnhub.register import queries
from pcnhub.register.models import OrganisationKind
from pcnhub.rules.findings import OUTCOMES, seriousness
from pcnhub.rules.items import ITEMS_BY_ID
from pcnhub.rules.money import ZERO
from pcnhub.ui.outcomes import RULE_LABELS
from pcnhub.ui.years import default_year
from pcnhub.workflow.models import State
from pcnhub.workflow.offers import visible_applications
from pcnhub.workforce.utilisation import arrs_utilisation

#: The states in which an application waits for the commissioner.
WAITING_STATES = (State.SUBMITTED, State.APPEALED)
TENTH = Decimal("0.1")


@dataclass(frozen=True)
class Counts:
    networks: int
    practices: int
    practices_in_networks: int
    registered_population: Decimal
    #: Practices with no registered list on or before the date.
    practices_without_list: int


@dataclass(frozen=True)
class Coverage:
    uncovered: int
    uncovered_patients: Decimal
    #: Empty when the block applies; else why it does not (a sentence).
    empty: str = ""


@dataclass(frozen=True)
class RuleCount:
    rule: str
    label: str
    #: outcome → how many, most serious first; outcomes with none left out.
    outcomes: dict[str, int]
    total: int

    @property
    def worst(self) -> str:
        return min(self.outcomes, key=seriousness) if self.outcomes else ""


@dataclass(frozen=True)
class Findings:
    year: str
    rules: list[RuleCount]
    total: int
    by_outcome: dict[str, int]
    empty: str = ""


@dataclass(frozen=True)
class Applications:
    waiting: int
    oldest_days: int | None
    median_days: Decimal | None
    empty: str = ""


@dataclass(frozen=True)
class ItemTotal:
    item: str
    label: str
    total: Decimal


@dataclass(frozen=True)
class Entitlements:
    year: str
    networks: int
    items: list[ItemTotal]
    total: Decimal
    empty: str = ""


@dataclass(frozen=True)
class Arrs:
    year: str
    networks: int
    arrs_sum: Decimal
    spent: Decimal
    headroom: Decimal
    #: spent ÷ sum as a percentage to 1 place (None when the sum is 0).
    utilisation: Decimal | None
    over_sum: int
    empty: str = ""


@dataclass
class Figures:
    area: Area
    day: date
    counts: Counts
    coverage: Coverage
    findings: Findings
    applications: Applications
    entitlements: Entitlements
    arrs: Arrs
    notes: list[str] = field(default_factory=list)


def figures(user: Any, area: Area, day: date) -> Figures:
    """Every block of the dashboard for ``area`` on ``day`` as ``user`` sees it."""
    inside = members(area, day, scope_of(user))
    networks = _networks(user, inside, day)
    codes = {n.pcn_code for n in networks}
    return Figures(
        area,
        day,
        _counts(user, inside, day, len(networks)),
        _coverage(user, area, inside, day),
        _findings(user, area, inside, day),
        _applications(user, area, inside, day, codes),
        _entitlements(user, area, day, codes),
        _arrs(user, area, day, codes),
    )


# --- counts ---------------------------------------------------------------------


def _networks(user: Any, inside: Members, day: date) -> list[Any]:
    rows = per_version(
        "networks",
        (day.isoformat(), "*", "*"),
        lambda: queries.networks_on(day),
    )
    rows = visible_rows(user, rows, "pcn_code", "commissioner_code")
    return [r for r in rows if inside.has_network(r.pcn_code, r.commissioner_code)]


def practices(user: Any, inside: Members, day: date) -> list[Any]:
    rows = per_version(
        "dashboard-practices",
        (day.isoformat(),),
        lambda: queries.practices_on(day),
    )
    rows = visible_rows(user, rows, "practice_code", "commissioner_code")
    return [
        r
        for r in rows
        if inside.has_practice(r.practice_code, r.pcn_code, r.commissioner_code)
    ]


def _counts(user: Any, inside: Members, day: date, networks: int) -> Counts:
    rows = practices(user, inside, day)
    return Counts(
        networks=networks,
        practices=len(rows),
        practices_in_networks=sum(1 for r in rows if r.pcn_code),
        registered_population=sum(
            (r.registered_patients or ZERO for r in rows), Decimal(0)
        ),
        practices_without_list=sum(1 for r in rows if r.registered_patients is None),
    )


def _coverage(user: Any, area: Area, inside: Members, day: date) -> Coverage:
    if area.level in (OrganisationKind.NETWORK, OrganisationKind.PRACTICE):
        return Coverage(
            0,
            ZERO,
            "Coverage is a commissioner's figure: the practices in no network "
            "are counted for commissioners, systems, regions and England.",
        )
    rows = per_version(
        "dashboard-uncovered",
        (day.isoformat(),),
        lambda: queries.uncovered_on(day),
    )
    rows = visible_rows(user, rows, "practice_code", "commissioner_code")
    rows = [r for r in rows if inside.has_commissioner(r.commissioner_code)]
    return Coverage(
        len(rows),
        sum((r.registered_patients or ZERO for r in rows), Decimal(0)),
    )


# --- findings -------------------------------------------------------------------


def checks_run(day: date, commissioner: str | None = None, pcn: str | None = None):  # type: ignore[no-untyped-def]
    """The checks on ``day`` (the checks page's cache entry: the same key)."""
    return per_version(
        "checks",
        (day.isoformat(), commissioner or "*", pcn or "*"),
        lambda: run_checks(day, pcn=pcn, commissioner=commissioner),
    )


def _run_for(area: Area, day: date) -> CheckRun:
    if area.level == OrganisationKind.COMMISSIONER:
        return checks_run(day, commissioner=area.code)
    if area.level == OrganisationKind.NETWORK:
        return checks_run(day, pcn=area.code)
    return checks_run(day)


def visible_findings(user: Any, area: Area, day: date) -> tuple[CheckRun | None, list]:
    """The run and its findings in ``area`` the user may see (the checks page's)."""
    try:
        run = for_viewer(user, _run_for(area, day))
    except NotFound:
        return None, []
    found = visible_rows(
        user, run.findings, "pcn_code", "practice_code", "commissioner_code"
    )
    inside = members(area, day, scope_of(user))
    if area.level in (NATION, OrganisationKind.COMMISSIONER, OrganisationKind.NETWORK):
        return run, found
    network = next(iter(inside.networks or ()), "")
    kept = []
    for f in found:
        if area.level == OrganisationKind.PRACTICE:
            if f.practice_code == area.code or (
                f.pcn_code and f.pcn_code == network and not f.practice_code
            ):
                kept.append(f)
        elif inside.has_commissioner(f.commissioner_code) or (
            inside.scope is not None
            and (inside.scope.sees(f.pcn_code) or inside.scope.sees(f.practice_code))
        ):
            kept.append(f)
    return run, kept


def _findings(user: Any, area: Area, inside: Members, day: date) -> Findings:
    run, found = visible_findings(user, area, day)
    if run is None:
        return Findings("", [], 0, {}, f"Nothing to check in {area.label} that day.")
    by_rule: dict[str, Counter[str]] = defaultdict(Counter)
    for f in found:
        by_rule[f.rule][f.outcome] += 1
    rules = [
        RuleCount(
            rule,
            RULE_LABELS.get(rule, rule),
            {o: counts[o] for o in OUTCOMES if counts[o]},
            sum(counts.values()),
        )
        for rule, counts in by_rule.items()
    ]
    # Rules with the most serious findings first, then the most of them.
    rules.sort(key=lambda r: (seriousness(r.worst), -r.outcomes.get(r.worst, 0)))
    overall = Counter(f.outcome for f in found)
    empty = "" if found else "No contract requirement was checked here that day."
    return Findings(
        str(run.year),
        rules,
        len(found),
        {o: overall[o] for o in OUTCOMES if overall[o]},
        empty,
    )


# --- applications ---------------------------------------------------------------


def _applications(
    user: Any, area: Area, inside: Members, day: date, networks: set[str]
) -> Applications:
    scope = scope_of(user)
    if not scope.held or scope.roles == {Role.EVALUATOR}:
        return Applications(
            0, None, None, "Evaluators do not see applications or their contents."
        )
    found = visible_applications(user).filter(state__in=WAITING_STATES)
    if area.level in (OrganisationKind.NETWORK, OrganisationKind.PRACTICE):
        found = [a for a in found if _about(a, area, networks, day)]
    elif inside.commissioners is not None:
        found = [a for a in found if a.commissioner_id in inside.commissioners]
    found = list(found)
    if not found:
        return Applications(0, None, None, "No application is waiting for a decision.")
    today = timezone.localdate()
    ages = sorted(
        (today - timezone.localdate(a.submitted_at or a.updated_at)).days for a in found
    )
    median = Decimal(str(statistics.median(ages))).quantize(
        TENTH, rounding=ROUND_HALF_UP
    )
    return Applications(len(found), ages[-1], median)


def _about(application: Any, area: Area, networks: set[str], day: date) -> bool:
    """Whether an application is about the network or practice ``area``."""
    if application.network_id and application.network_id in networks:
        return True
    codes = {p.practice_id for p in application.practices.all()}
    if area.level == OrganisationKind.PRACTICE:
        return area.code in codes
    return bool(codes & set(queries.members_of(area.code, day)))


# --- money ----------------------------------------------------------------------


def _money_scope(area: Area) -> tuple[str | None, str | None]:
    """(commissioner, network) for a run narrowed to the area, where one is."""
    if area.level == OrganisationKind.COMMISSIONER:
        return area.code, None
    if area.level == OrganisationKind.NETWORK:
        return None, area.code
    return None, None


def _entitlements(user: Any, area: Area, day: date, networks: set[str]) -> Entitlements:
    year = default_year(day)
    if not networks:
        return Entitlements(
            str(year), 0, [], ZERO, "No network here is paid in that year."
        )
    commissioner, pcn = _money_scope(area)
    try:
        totals = per_version(
            "dashboard-entitlements",
            (str(year), commissioner or "*", pcn or "*"),
            lambda: run_entitlement_totals(year, pcn=pcn, commissioner=commissioner),
        )
    except NotFound:
        return Entitlements(str(year), 0, [], ZERO, "No network here is paid then.")
    by_item: dict[str, Decimal] = defaultdict(Decimal)
    paid = set()
    for (code, item), value in totals.totals.items():
        if code in networks:
            by_item[item] += value
            paid.add(code)
    items = [
        ItemTotal(
            item,
            ITEMS_BY_ID[item].label if item in ITEMS_BY_ID else item,
            total,
        )
        for item, total in sorted(by_item.items(), key=lambda kv: -kv[1])
    ]
    total = sum((i.total for i in items), Decimal(0))
    empty = "" if items else f"No entitlement is due here in {year}."
    return Entitlements(str(year), len(paid), items, total, empty)


def _arrs(user: Any, area: Area, day: date, networks: set[str]) -> Arrs:
    year = default_year(day)
    commissioner, pcn = _money_scope(area)
    found = per_version(
        "dashboard-arrs",
        (str(year), commissioner or "*", pcn or "*"),
        lambda: arrs_utilisation(year, commissioner=commissioner, pcn=pcn),
    )
    rows = [r for r in found.rows if r.pcn_code in networks]
    recorded = [r for r in rows if r.claimed or r.paid is not None]
    if not recorded:
        return Arrs(
            str(year),
            0,
            ZERO,
            ZERO,
            ZERO,
            None,
            0,
            f"No ARRS claim or payment is recorded here for {year}.",
        )
    summed = [r for r in recorded if r.arrs_sum is not None]
    arrs_sum = sum((r.arrs_sum or ZERO for r in summed), Decimal(0))
    spent = sum((r.spent for r in summed), Decimal(0))
    share = None
    if arrs_sum:
        share = (spent * 100 / arrs_sum).quantize(TENTH, rounding=ROUND_HALF_UP)
    return Arrs(
        str(year),
        len(recorded),
        arrs_sum,
        spent,
        arrs_sum - spent,
        share,
        sum(1 for r in summed if (r.headroom or ZERO) < 0),
    )
