"""The overlap report: where a commissioner's local schemes overlap the year's
DES service requirements and the ARRS posts (possible double funding).

For a contract year, three kinds of row (the rules are in docs/local-schemes.md):

* **service**: a locally commissioned service covering a network on days a DES
  service requirement it is like is due. The DES already pays the network for
  that service, so the scheme's funding for those days is at stake: the annual
  funding × the days ÷ the days of the contract year (365, or 366 in a year
  holding 29 February), rounded half up to the penny, and shared equally
  (largest remainder) between the networks the scheme covers. A day counts once
  for a scheme and network, though the scheme is like two requirements due then.
* **double funding**: an ARRS-funded post in a network covered by a locally
  funded roles scheme for the post's role, on days both hold. The amount is what
  the ARRS would reimburse for those days (the claim rules,
  :func:`pcnhub.rules.claims.claim_line`, month by month, the post claimed
  alone), which the scheme also pays for.
* **not additional**: a post recorded as funded by a local scheme, in a network
  the commissioner oversees. It cannot be claimed (staff must be additional);
  the amount is what it would have claimed (the rules' ``at_stake``). The row
  names the roles scheme covering it, or says none in the register does.

A post's day is counted once in the amounts, whichever schemes cover it. Rows
hold the post's reference and the person's pseudonymous key; a name only where
the caller says the viewer may see the network's staff names.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from pcnhub.access.checks import allowed
from pcnhub.access.permissions import Permission
from pcnhub.register.models import Organisation, OrganisationKind, RelationshipKind
from pcnhub.register.queries import parents_on
from pcnhub.rules.claims import Post, claim_line, pounds
from pcnhub.rules.money import ZERO, largest_remainder, penny
from pcnhub.rules.params import Parameters
from pcnhub.rules.periods import ContractYear
from pcnhub.rules.registry import default_parameters
from pcnhub.rules.services import Requirement, requirements_due
from pcnhub.schemes.models import LocalSchemeVersion, SchemeKind
from pcnhub.schemes.records import covered_networks, current_versions, entry_of
from pcnhub.ui.years import parse_year
from pcnhub.workforce import staff
from pcnhub.workforce.models import StaffPostVersion

ONE_DAY = timedelta(days=1)
SERVICE, DOUBLE, NOT_ADDITIONAL = "service", "double_funding", "not_additional"
KIND_LABELS = {
    SERVICE: "Service overlaps the DES",
    DOUBLE: "Double funding (ARRS post)",
    NOT_ADDITIONAL: "Not additional (local post)",
}
COLUMNS = [
    "overlap",
    "commissioner",
    "scheme",
    "scheme_name",
    "network",
    "requirement_or_role",
    "post",
    "person_key",
    "name",
    "start",
    "end",
    "days",
    "amount_at_stake",
    "explanation",
]


@dataclass(frozen=True)
class Overlap:
    """One row of the report."""

    kind: str
    commissioner: str
    scheme: str  # the scheme's reference ("" for a post under no scheme)
    scheme_name: str
    scheme_pk: int | None
    network: str
    what: str  # requirement code or role key
    what_label: str
    start: date
    end: date
    days: int
    amount: Decimal
    explanation: str
    post: str = ""
    person_key: str = ""
    name: str = ""

    def record(self) -> dict[str, Any]:
        """The row for CSV and XLSX (columns :data:`COLUMNS`)."""
        return {
            "overlap": KIND_LABELS[self.kind],
            "commissioner": self.commissioner,
            "scheme": self.scheme,
            "scheme_name": self.scheme_name,
            "network": self.network,
            "requirement_or_role": self.what_label,
            "post": self.post,
            "person_key": self.person_key,
            "name": self.name,
            "start": self.start,
            "end": self.end,
            "days": self.days,
            "amount_at_stake": self.amount,
            "explanation": self.explanation,
        }

    def as_dict(self) -> dict[str, Any]:
        return self.record() | {
            "overlap": self.kind,
            "requirement_or_role": self.what,
            "label": self.what_label,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "amount_at_stake": str(self.amount),
            "name": self.name or None,
        }


@dataclass
class Report:
    year: ContractYear
    commissioner: str | None
    network: str | None
    rows: list[Overlap] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((r.amount for r in self.rows), ZERO)

    def total_of(self, kind: str) -> Decimal:
        return sum((r.amount for r in self.rows if r.kind == kind), ZERO)


def _last_day(year: ContractYear) -> date:
    return year.end - ONE_DAY


def _clip(start: date, end: date | None, first: date, last: date) -> tuple[date, date]:
    return max(start, first), min(end or last, last)


def _days(first: date, last: date) -> set[date]:
    return {first + timedelta(days=i) for i in range((last - first).days + 1)}


def _period(first: date, last: date) -> str:
    return f"{first:%-d %b %Y} to {last:%-d %b %Y}"


# --- service overlaps ------------------------------------------------------------


def _service_rows(
    version: LocalSchemeVersion, due: list[Requirement], year: ContractYear
) -> list[Overlap]:
    entry = entry_of(version)
    diy = (year.end - year.start).days
    first, last = _clip(entry.start, entry.end, year.start, _last_day(year))
    if first > last:
        return []
    networks = covered_networks(entry, first)
    rows: list[Overlap] = []
    counted: set[date] = set()
    for requirement in (r for r in due if r.code in entry.requirements):
        start, end = _clip(requirement.due_from, requirement.due_to, first, last)
        if start > end:
            continue
        days = _days(start, end) - counted
        counted |= days
        whole = penny(entry.annual_funding * len(days) / diy)
        shares = largest_remainder(whole, {n: Decimal(1) for n in networks})
        for network in networks:
            shared = f", shared equally between {len(networks)} networks" * (
                len(networks) > 1
            )
            again = _counted_again(len(days), start, end)
            rows.append(
                Overlap(
                    SERVICE,
                    version.scheme.commissioner_code,
                    version.scheme.reference,
                    entry.name,
                    version.scheme_id,
                    network,
                    requirement.code,
                    requirement.name,
                    start,
                    end,
                    len(days),
                    shares[network],
                    f"{entry.name} covers {network} while the DES requires "
                    f"“{requirement.name}” ({_period(start, end)}), which the DES "
                    f"already pays for: {pounds(entry.annual_funding)} a year × "
                    f"{len(days)} ÷ {diy} days = {pounds(whole)}{shared}{again}.",
                )
            )
    return rows


def _counted_again(days: int, start: date, end: date) -> str:
    total = (end - start).days + 1
    if days == total:
        return ""
    return f" ({total - days} day(s) already counted against another requirement)"


# --- role overlaps -----------------------------------------------------------------


def _at_stake(
    post: Post,
    first: date,
    last: date,
    counted: set[date],
    parameters: Parameters,
    year: ContractYear,
) -> tuple[Decimal, str]:
    """What ``post`` would claim from the ARRS for ``first``–``last`` (days not
    already counted), month by month as the claim rules give it, and why any
    days claim nothing."""
    clipped = dataclasses.replace(post, start=first, end=last)
    excluded = frozenset(counted)
    lines = [
        claim_line(clipped, month, parameters, exclude=excluded)
        for month in year.months
        if month <= last and (month + timedelta(days=31)).replace(day=1) > first
    ]
    blocked = {s.why: None for line in lines for s in line.segments if s.blocked}
    days = sum(s.days for line in lines for s in line.segments if s.blocked)
    why = f" Nothing is reimbursable for {days} day(s): {'; '.join(blocked)}." * bool(
        days
    )
    return sum((line.at_stake for line in lines), ZERO), why


@dataclass
class _Posts:
    """Staff posts of the networks, and the days of each already counted."""

    parameters: Parameters
    year: ContractYear
    may_name: Callable[[str], bool]
    counted: dict[str, set[date]] = field(default_factory=dict)
    by_network: dict[str, list[StaffPostVersion]] = field(default_factory=dict)

    def of(self, network: str) -> list[StaffPostVersion]:
        if network not in self.by_network:
            self.by_network[network] = list(staff.current_versions([network]))
        return self.by_network[network]

    def row(
        self,
        version: StaffPostVersion,
        first: date,
        last: date,
        scheme: LocalSchemeVersion | None,
        commissioner: str,
    ) -> Overlap | None:
        start, end = _clip(version.start, version.end, first, last)
        if start > end:
            return None
        ref = version.post.reference
        counted = self.counted.setdefault(ref, set())
        days = _days(start, end)
        post = staff.as_rule_post(version)
        amount, why = _at_stake(post, start, end, counted, self.parameters, self.year)
        fresh = days - counted
        counted |= days
        kind = DOUBLE if version.funding == "arrs" else NOT_ADDITIONAL
        network = version.post.network_code
        label = staff.role_labels(self.parameters).get(version.role, version.role)
        return Overlap(
            kind,
            commissioner,
            scheme.scheme.reference if scheme else "",
            scheme.name if scheme else "",
            scheme.scheme_id if scheme else None,
            network,
            version.role,
            label,
            start,
            end,
            len(fresh),
            amount,
            _role_text(kind, scheme, label, version, start, end, amount, fresh, days)
            + why,
            post=ref,
            person_key=version.post.person_key,
            name=version.name if self.may_name(network) else "",
        )


def _role_text(
    kind: str,
    scheme: LocalSchemeVersion | None,
    label: str,
    version: StaffPostVersion,
    start: date,
    end: date,
    amount: Decimal,
    fresh: set[date],
    days: set[date],
) -> str:
    period = _period(start, end)
    again = (
        f" ({len(days) - len(fresh)} day(s) already counted under another scheme)"
        if len(fresh) < len(days)
        else ""
    )
    if kind == DOUBLE:
        assert scheme is not None
        wte = scheme.roles.get(version.role, "?")
        return (
            f"An ARRS-funded {label} (WTE {version.wte}) in a network where "
            f"{scheme.name} funds {wte} WTE of the role, {period}: possibly paid "
            f"twice; the ARRS would reimburse {pounds(amount)} for these days{again}."
        )
    under = (
        f"funded by {scheme.name}"
        if scheme
        else "recorded as funded by a local scheme (none in the register covers it)"
    )
    return (
        f"A {label} {under}, {period}: not additional, so it cannot be claimed; "
        f"it would have claimed {pounds(amount)} from the ARRS{again}."
    )


def _role_rows(
    version: LocalSchemeVersion, posts: _Posts, network: str | None
) -> list[Overlap]:
    entry = entry_of(version)
    first, last = _clip(entry.start, entry.end, posts.year.start, _last_day(posts.year))
    if first > last:
        return []
    rows = []
    for code in covered_networks(entry, first):
        if network is not None and code != network:
            continue
        for post in posts.of(code):
            if post.role in entry.roles and post.funding in ("arrs", "local_scheme"):
                row = posts.row(
                    post, first, last, version, version.scheme.commissioner_code
                )
                rows += [row] if row is not None else []
    return rows


def commissioners_networks(commissioner: str, year: ContractYear) -> list[str]:
    """The networks the commissioner oversaw on the first day of any month."""
    found: set[str] = set()
    for month in year.months:
        found |= set(
            parents_on(
                RelationshipKind.NETWORK_COMMISSIONER, month, parent=commissioner
            )
        )
    return sorted(found)


def _network_commissioner(network: str, day: date) -> str:
    parent = parents_on(RelationshipKind.NETWORK_COMMISSIONER, day, [network])
    return parent[network].code if network in parent else ""


def _unschemed(posts: _Posts, networks: Iterable[str]) -> list[Overlap]:
    """Local-scheme posts no roles scheme in the register covers."""
    year = posts.year
    rows = []
    for network in networks:
        for post in posts.of(network):
            if post.funding != "local_scheme":
                continue
            owner = _network_commissioner(network, max(post.start, year.start))
            row = posts.row(post, year.start, _last_day(year), None, owner)
            # days already counted under a scheme are not shown again
            rows += [row] if row is not None and row.days else []
    return rows


def overlap_report(
    year: ContractYear,
    *,
    commissioner: str | None = None,
    network: str | None = None,
    may_name: Callable[[str], bool] = lambda network: False,
    parameters: Parameters | None = None,
) -> Report:
    """The overlaps of ``commissioner``'s schemes in ``year`` (or of every scheme
    covering ``network``, that network's rows only). ``may_name``: whether the
    viewer may see the names of a network's staff (else rows hold none)."""
    if (commissioner is None) == (network is None):
        raise ValueError("give a commissioner or a network")
    parameters = parameters or default_parameters()
    due = requirements_due(parameters, year)
    if commissioner is not None:
        schemes = list(current_versions(commissioner))
        networks = commissioners_networks(commissioner, year)
    else:
        schemes = [
            v
            for v in current_versions()
            if network in covered_networks(entry_of(v), max(v.start, year.start))
        ]
        networks = [network] if network else []
    posts = _Posts(parameters, year, may_name)
    rows: list[Overlap] = []
    for version in schemes:
        if version.kind == SchemeKind.SERVICE:
            found = _service_rows(version, due, year)
            rows += [r for r in found if network is None or r.network == network]
        else:
            rows += _role_rows(version, posts, network)
    rows += _unschemed(posts, networks)
    return Report(year, commissioner, network, rows)


def report_for(
    user: Any, org: Organisation, year_text: str | None, day: date
) -> Report:
    """The report of a commissioner (or a network) for ``?year=`` (the contract
    year holding ``day`` if not given), as ``user`` may see it: names only for
    the networks whose staff names they may see. Raises ValueError for a year
    pcnhub does not cover."""
    year = parse_year(year_text, day)
    is_commissioner = org.kind == OrganisationKind.COMMISSIONER
    return overlap_report(
        year,
        commissioner=org.code if is_commissioner else None,
        network=None if is_commissioner else org.code,
        may_name=lambda network: allowed(user, Permission.VIEW_STAFF_NAMES, network),
    )
