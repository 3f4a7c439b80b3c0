"""Questions about the register "as at" a date. Everything later work relies on."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import F, Q, QuerySet

from pcnhub.register.models import (
    ListMeasure,
    ListSize,
    Organisation,
    OrganisationKind,
    OrganisationVersion,
    PostcodeDistrict,
    Relationship,
    RelationshipKind,
    Succession,
)
from pcnhub.register.successions import Parent, Successions

GP_PRACTICE_SETTING = 4
CLOSED_STATUSES = {"C", "D"}


def holding_on(queryset: QuerySet, day: date) -> QuerySet:
    """Records that held on ``day`` (``valid_from <= day < valid_to``)."""
    return queryset.filter(valid_from__lte=day).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=day)
    )


def links_on(kind: str, day: date) -> QuerySet:
    return holding_on(Relationship.objects.filter(kind=kind), day)


def details_on(code: str, day: date) -> OrganisationVersion | None:
    return holding_on(
        OrganisationVersion.objects.filter(organisation_id=code), day
    ).first()


def latest_details(code: str) -> OrganisationVersion | None:
    return (
        OrganisationVersion.objects.filter(organisation_id=code)
        .exclude(valid_to=F("valid_from"))
        .order_by("-valid_from")
        .first()
    )


def names_on(codes: list[str] | set[str], day: date) -> dict[str, str]:
    """Each organisation's name on ``day``, or its latest known name."""
    names: dict[str, str] = {}
    versions = (
        OrganisationVersion.objects.filter(organisation_id__in=list(codes))
        .exclude(valid_to=F("valid_from"))
        .order_by("valid_from")
        .values_list("organisation_id", "name", "valid_from", "valid_to")
    )
    for code, name, start, end in versions:
        if not name:
            continue
        if start <= day and (end is None or end > day):
            names[code] = name
        elif code not in names or start <= day:
            names.setdefault(code, name)
    return names


#: Links to a commissioner, which a succession passes to its successor.
SUCCEEDING_KINDS = frozenset(
    {RelationshipKind.PRACTICE_COMMISSIONER, RelationshipKind.NETWORK_COMMISSIONER}
)


def parents_on(
    kind: str,
    day: date,
    children: Iterable[str] | None = None,
    parent: str | None = None,
) -> dict[str, Parent]:
    """Each child's parent by ``kind`` on ``day``, successions followed.

    A link to a commissioner succeeded since the link started is under the
    successor (inferred; see :mod:`pcnhub.register.successions`). ``parent``
    keeps the children under it, inferred ones included.
    """
    links = links_on(kind, day)
    if children is not None:
        links = links.filter(child_id__in=list(children))
    successions = Successions.load() if kind in SUCCEEDING_KINDS else None
    if parent is not None:
        wanted = {parent} | (
            successions.predecessors(parent, day) if successions else set()
        )
        links = links.filter(parent_id__in=wanted)
    found: dict[str, Parent] = {}
    for child, recorded, start in links.values_list(
        "child_id", "parent_id", "valid_from"
    ):
        found[child] = (
            successions.resolve(recorded, start, day)
            if successions
            else Parent(recorded, recorded)
        )
    if parent is not None:
        found = {c: p for c, p in found.items() if p.code == parent}
    return found


def parent_on(kind: str, child: str, day: date) -> str | None:
    found = parents_on(kind, day, [child]).get(child)
    return found.code if found else None


def network_of(practice: str, day: date) -> str | None:
    return networks_of([practice], day).get(practice)


def networks_of(practices: Iterable[str], day: date) -> dict[str, str]:
    """Each practice's network on ``day``, in one query; practices in none are
    left out."""
    found = parents_on(RelationshipKind.PRACTICE_NETWORK, day, practices)
    return {practice: parent.code for practice, parent in found.items()}


def members_of(network: str, day: date) -> list[str]:
    links = links_on(RelationshipKind.PRACTICE_NETWORK, day).filter(parent_id=network)
    return sorted(links.values_list("child_id", flat=True))


def list_sizes_on(
    practices: list[str] | None, measure: str, day: date
) -> dict[str, Decimal]:
    """Each practice's latest list size on or before ``day``."""
    qs = ListSize.objects.filter(
        measure=measure, date__lte=day, superseded_by__isnull=True
    )
    if practices is not None:
        qs = qs.filter(practice_id__in=practices)
    sizes: dict[str, Decimal] = {}
    for practice, value in qs.order_by("date").values_list("practice_id", "value"):
        sizes[practice] = value
    return sizes


@dataclass(frozen=True)
class Population:
    registered: Decimal
    weighted: Decimal
    members: int
    members_without_registered: int
    members_without_weighted: int


def population(network: str, day: date, lists_at: date | None = None) -> Population:
    members = members_of(network, day)
    return _population(members, lists_at or day)


def _population(members: list[str], lists_at: date) -> Population:
    registered = list_sizes_on(members, ListMeasure.REGISTERED, lists_at)
    weighted = list_sizes_on(members, ListMeasure.WEIGHTED, lists_at)
    return population_from(members, registered, weighted)


def population_from(
    members: list[str], registered: dict[str, Decimal], weighted: dict[str, Decimal]
) -> Population:
    """The totals of ``members`` from their lists (read by :func:`list_sizes_on`)."""
    return Population(
        registered=sum(registered.values(), Decimal(0)),
        weighted=sum(weighted.values(), Decimal(0)),
        members=len(members),
        members_without_registered=len(set(members) - set(registered)),
        members_without_weighted=len(set(members) - set(weighted)),
    )


@dataclass(frozen=True)
class NetworkRow:
    pcn_code: str
    pcn_name: str
    commissioner_code: str
    practices: int
    registered_population: Decimal
    weighted_population: Decimal
    members_without_registered: int
    members_without_weighted: int
    #: The commissioner is a successor's, inferred from a succession.
    commissioner_inferred: bool = False


def open_networks(day: date) -> set[str]:
    """Networks open on ``day``: by their ODS dates, or by having members."""
    with_members = set(
        links_on(RelationshipKind.PRACTICE_NETWORK, day).values_list(
            "parent_id", flat=True
        )
    )
    versions = holding_on(
        OrganisationVersion.objects.filter(
            organisation__kind=OrganisationKind.NETWORK, open_date__isnull=False
        ),
        day,
    ).values_list("organisation_id", "open_date", "close_date")
    by_dates = {
        code
        for code, opened, closed in versions
        if opened <= day and (closed is None or closed >= day)
    }
    return with_members | by_dates


def networks_on(
    day: date, commissioner: str | None = None, lists_at: date | None = None
) -> list[NetworkRow]:
    codes = open_networks(day)
    parents = parents_on(
        RelationshipKind.NETWORK_COMMISSIONER, day, codes, parent=commissioner
    )
    overseen = {c: p.code for c, p in parents.items()}
    if commissioner:
        codes = {c for c in codes if c in parents}
    members: dict[str, list[str]] = defaultdict(list)
    for practice, network in links_on(
        RelationshipKind.PRACTICE_NETWORK, day
    ).values_list("child_id", "parent_id"):
        if network in codes:
            members[network].append(practice)
    everyone = [p for ps in members.values() for p in ps]
    registered = list_sizes_on(everyone, ListMeasure.REGISTERED, lists_at or day)
    weighted = list_sizes_on(everyone, ListMeasure.WEIGHTED, lists_at or day)
    names = names_on(codes, day)
    rows = []
    for code in sorted(codes):
        ps = members[code]
        rows.append(
            NetworkRow(
                pcn_code=code,
                pcn_name=names.get(code, ""),
                commissioner_code=overseen.get(code, ""),
                practices=len(ps),
                registered_population=sum(
                    (registered[p] for p in ps if p in registered), Decimal(0)
                ),
                weighted_population=sum(
                    (weighted[p] for p in ps if p in weighted), Decimal(0)
                ),
                members_without_registered=sum(p not in registered for p in ps),
                members_without_weighted=sum(p not in weighted for p in ps),
                commissioner_inferred=code in parents and parents[code].inferred,
            )
        )
    return rows


@dataclass(frozen=True)
class UncoveredPractice:
    practice_code: str
    practice_name: str
    commissioner_code: str
    registered_patients: Decimal | None
    #: The commissioner is a successor's, inferred from a succession.
    commissioner_inferred: bool = False


def is_open_gp_practice(version: OrganisationVersion | None, day: date) -> bool:
    """A GP practice open on ``day``, by its ODS details (status, dates, setting)."""
    if version is None:
        return True  # known only from a mapping or list file: a GP practice
    if version.prescribing_setting not in (None, GP_PRACTICE_SETTING):
        return False
    if version.open_date and version.open_date > day:
        return False
    if version.close_date:
        return version.close_date >= day
    return version.status not in CLOSED_STATUSES


def _with_patients(practices: list[str], day: date) -> list[str]:
    """Drop practices missing from the latest registration list on or before ``day``.

    ODS extracts say a practice is open until a later extract says otherwise; a
    practice with no patients in the latest list has closed or is dormant, and
    needs no network. Without any list, every practice counts.
    """
    registered = ListSize.objects.filter(
        measure=ListMeasure.REGISTERED, date__lte=day, superseded_by__isnull=True
    )
    latest = registered.order_by("-date").values_list("date", flat=True).first()
    if latest is None:
        return practices
    listed = set(
        registered.filter(date=latest, practice_id__in=practices).values_list(
            "practice_id", flat=True
        )
    )
    return [p for p in practices if p in listed]


def open_practices_in_area(
    day: date, commissioner: str | None = None
) -> dict[str, str]:
    """Open GP practices with patients, each with its commissioner, on ``day``."""
    return {p: parent.code for p, parent in _area(day, commissioner).items()}


def _area(day: date, commissioner: str | None = None) -> dict[str, Parent]:
    """Open GP practices with patients on ``day``, with their commissioner."""
    area = parents_on(RelationshipKind.PRACTICE_COMMISSIONER, day, parent=commissioner)
    candidates = _with_patients(sorted(area), day)
    versions = {
        v.organisation_id: v
        for v in holding_on(
            OrganisationVersion.objects.filter(organisation_id__in=candidates), day
        )
    }
    return {p: area[p] for p in candidates if is_open_gp_practice(versions.get(p), day)}


def uncovered_on(day: date, commissioner: str | None = None) -> list[UncoveredPractice]:
    """Open GP practices in a commissioner's area that are in no network on ``day``."""
    area = _area(day, commissioner)
    in_network = set(
        links_on(RelationshipKind.PRACTICE_NETWORK, day)
        .filter(child_id__in=list(area))
        .values_list("child_id", flat=True)
    )
    practices = [p for p in area if p not in in_network]
    sizes = list_sizes_on(practices, ListMeasure.REGISTERED, day)
    names = names_on(practices, day)
    return [
        UncoveredPractice(
            p, names.get(p, ""), area[p].code, sizes.get(p), area[p].inferred
        )
        for p in sorted(practices)
    ]


_PARENT_KIND = {
    OrganisationKind.PRACTICE: RelationshipKind.PRACTICE_COMMISSIONER,
    OrganisationKind.NETWORK: RelationshipKind.NETWORK_COMMISSIONER,
    OrganisationKind.COMMISSIONER: RelationshipKind.COMMISSIONER_SYSTEM,
    OrganisationKind.SYSTEM: RelationshipKind.SYSTEM_REGION,
}


@dataclass(frozen=True)
class Rung:
    kind: str
    code: str
    name: str
    #: Reached through a succession (the record names a predecessor).
    inferred: bool = False


def hierarchy(code: str, day: date) -> list[Rung]:
    """The organisation and everything above it on ``day``, nearest first.

    A practice's chain runs through its network (when it has one) and its
    commissioner; the network itself is overseen by a commissioner too.
    """
    org = Organisation.objects.filter(code=code).first()
    if org is None:
        return []
    chain: list[tuple[str, str, bool]] = [(org.kind, org.code, False)]
    if org.kind == OrganisationKind.PRACTICE:
        network = network_of(code, day)
        if network:
            chain.append((OrganisationKind.NETWORK, network, False))
    current_kind, current = org.kind, org.code
    while current_kind in _PARENT_KIND:
        found = parents_on(_PARENT_KIND[current_kind], day, [current]).get(current)
        if found is None:
            break
        current_kind = Organisation.objects.get(code=found.code).kind
        current = found.code
        chain.append((current_kind, current, found.inferred))
    names = names_on({c for _, c, _ in chain}, day)
    return [Rung(kind, c, names.get(c, ""), inferred) for kind, c, inferred in chain]


@dataclass(frozen=True)
class ChildLink:
    code: str
    relationship: str
    #: Passed to this parent by a succession (the record names a predecessor).
    inferred: bool = False


def children_on(parent: str, day: date) -> list[ChildLink]:
    """Everything linked beneath ``parent`` on ``day``, successions followed.

    Links passed to a successor leave their predecessor, and the successor gains
    them (inferred); a commissioner closed by a succession on or before ``day``
    is no longer a current child of its system.
    """
    found: list[ChildLink] = []
    for kind in RelationshipKind.values:
        if kind in SUCCEEDING_KINDS:
            found += [
                ChildLink(child, kind, link.inferred)
                for child, link in parents_on(kind, day, parent=parent).items()
            ]
            continue
        codes = links_on(kind, day).filter(parent_id=parent)
        found += [
            ChildLink(child, kind) for child in codes.values_list("child_id", flat=True)
        ]
    closed = _closed_by(day)
    return sorted(
        (c for c in found if c.code not in closed),
        key=lambda c: (c.code, c.relationship),
    )


def _closed_by(day: date) -> set[str]:
    return set(
        Succession.objects.filter(effective__lte=day).values_list(
            "predecessor_id", flat=True
        )
    )


def closed_on(code: str) -> Succession | None:
    """The succession that closed ``code`` (its first), if any."""
    return (
        Succession.objects.filter(predecessor_id=code)
        .order_by("effective", "successor_id")
        .first()
    )


@dataclass(frozen=True)
class PastChild:
    code: str
    start: date
    #: The first day it was no longer a child (None: still one).
    end: date | None


def children_ever(kind: str, parent: str) -> list[PastChild]:
    """Every organisation ever linked beneath ``parent`` by ``kind``, with the
    period it was; a commissioner's period ends when a succession closed it."""
    periods: dict[str, tuple[date, date | None]] = {}
    links = (
        Relationship.objects.filter(kind=kind, parent_id=parent)
        .exclude(valid_to=F("valid_from"))
        .values_list("child_id", "valid_from", "valid_to")
    )
    for child, start, end in links:
        if child in periods:
            first, last = periods[child]
            start = min(start, first)
            end = None if end is None or last is None else max(end, last)
        periods[child] = (start, end)
    closed = dict(
        Succession.objects.filter(predecessor_id__in=list(periods))
        .order_by("-effective")
        .values_list("predecessor_id", "effective")
    )
    result = []
    for child, (start, end) in sorted(periods.items()):
        if child in closed and (end is None or closed[child] < end):
            end = max(closed[child], start)
        result.append(PastChild(child, start, end))
    return result


def successions_of(code: str) -> tuple[list[Succession], list[Succession]]:
    before = list(Succession.objects.filter(successor_id=code))
    after = list(Succession.objects.filter(predecessor_id=code))
    return before, after


# Records as they are: search and history ------------------------------------------

SEARCH_LIMIT = 50


def find_organisation(code: str) -> Organisation | None:
    return Organisation.objects.filter(code__iexact=code.strip()).first()


def latest_names(codes: list[str] | set[str]) -> dict[str, str]:
    """Each organisation's most recently recorded name, in one query."""
    names: dict[str, str] = {}
    versions = (
        OrganisationVersion.objects.filter(organisation_id__in=list(codes))
        .exclude(valid_to=F("valid_from"))
        .exclude(name="")
        .order_by("valid_from", "id")
        .values_list("organisation_id", "name")
    )
    for code, name in versions:
        names[code] = name
    return names


@dataclass(frozen=True)
class SearchMatch:
    code: str
    kind: str
    name: str
    exact: bool


def search(text: str, limit: int = SEARCH_LIMIT) -> list[SearchMatch]:
    """Organisations whose code or any recorded name contains ``text``.

    Case-insensitive; an exact code comes first, then codes that start with the
    text, then the rest by code.
    """
    term = text.strip()
    if not term:
        return []
    named = OrganisationVersion.objects.filter(name__icontains=term).values(
        "organisation_id"
    )
    found = Organisation.objects.filter(
        Q(code__icontains=term) | Q(code__in=named)
    ).values_list("code", "kind")
    upper = term.upper()
    ranked = sorted(
        found,
        key=lambda row: (
            row[0].upper() != upper,
            not row[0].upper().startswith(upper),
            row[0],
        ),
    )[:limit]
    names = latest_names({code for code, _ in ranked})
    return [
        SearchMatch(code, kind, names.get(code, ""), code.upper() == upper)
        for code, kind in ranked
    ]


def versions_of(code: str) -> QuerySet:
    """Every version of an organisation's details, superseded ones included."""
    return (
        OrganisationVersion.objects.filter(organisation_id=code)
        .select_related("opened_by", "closed_by")
        .order_by("valid_from", "id")
    )


def links_of(code: str) -> tuple[QuerySet, QuerySet]:
    """Every relationship record up from and down to an organisation."""
    related = Relationship.objects.select_related("opened_by", "closed_by")
    up = related.filter(child_id=code).order_by("kind", "valid_from", "id")
    down = related.filter(parent_id=code).order_by(
        "kind", "child_id", "valid_from", "id"
    )
    return up, down


def list_size_history(code: str) -> QuerySet:
    """Every list size recorded for a practice, superseded ones included."""
    return (
        ListSize.objects.filter(practice_id=code)
        .select_related("recorded_by", "superseded_by")
        .order_by("date", "measure", "id")
    )


def outcode_of(postcode: str) -> str:
    """A postcode's outward code: ``TS18 1HU`` → ``TS18`` (``TS181HU`` → ``TS18``)."""
    parts = postcode.upper().split()
    if len(parts) > 1:
        return parts[0]
    compact = "".join(parts)
    return compact[:-3] if len(compact) > 3 else ""


def practice_places(
    practices: list[str], day: date
) -> dict[str, tuple[str, float, float]]:
    """Each practice's outcode and its centroid ``(outcode, latitude, longitude)``.

    From the postcode on the practice's details holding on ``day``; practices with
    no details that day, no postcode, or an outcode with no known centroid are
    left out.
    """
    versions = holding_on(
        OrganisationVersion.objects.filter(organisation_id__in=list(practices)), day
    ).values_list("organisation_id", "postcode")
    outcodes = {
        code: outcode
        for code, postcode in versions
        if (outcode := outcode_of(postcode or ""))
    }
    centroids = {
        outcode: (float(latitude), float(longitude))
        for outcode, latitude, longitude in PostcodeDistrict.objects.filter(
            superseded_by__isnull=True, outcode__in=set(outcodes.values())
        ).values_list("outcode", "latitude", "longitude")
    }
    return {
        code: (outcode, *centroids[outcode])
        for code, outcode in sorted(outcodes.items())
        if outcode in centroids
    }


# Practices as at a date -----------------------------------------------------------


@dataclass(frozen=True)
class PracticeRow:
    practice_code: str
    practice_name: str
    #: Empty when the practice is in no network on the date.
    pcn_code: str
    commissioner_code: str
    registered_patients: Decimal | None
    weighted_patients: Decimal | None
    #: The date of the registered list used (None: no list on or before the date).
    list_date: date | None
    weighted_list_date: date | None
    #: The commissioner is a successor's, inferred from a succession.
    commissioner_inferred: bool


def lists_with_dates(
    practices: list[str], measure: str, day: date
) -> dict[str, tuple[Decimal, date]]:
    """Each practice's latest list size on or before ``day``, with its date."""
    wanted = set(practices)
    found: dict[str, tuple[Decimal, date]] = {}
    rows = ListSize.objects.filter(
        measure=measure, date__lte=day, superseded_by__isnull=True
    )
    if len(wanted) < 500:  # beyond that, reading all is faster than a long IN
        rows = rows.filter(practice_id__in=wanted)
    for practice, value, on in rows.order_by("date").values_list(
        "practice_id", "value", "date"
    ):
        if practice in wanted:
            found[practice] = (value, on)
    return found


def practices_on(
    day: date, pcn: str | None = None, commissioner: str | None = None
) -> list[PracticeRow]:
    """Practices on ``day`` with their network, commissioner and lists.

    Every open GP practice with patients (as for :func:`uncovered_on`) and every
    network member on the day; ``pcn`` keeps that network's members and
    ``commissioner`` the practices under it (successions followed). A fixed
    number of queries, whatever the number of practices.
    """
    networks = dict(
        links_on(RelationshipKind.PRACTICE_NETWORK, day).values_list(
            "child_id", "parent_id"
        )
    )
    if pcn is not None:
        codes = {p for p, n in networks.items() if n == pcn}
        owners = parents_on(RelationshipKind.PRACTICE_COMMISSIONER, day, codes)
    else:
        owners = parents_on(
            RelationshipKind.PRACTICE_COMMISSIONER, day, parent=commissioner
        )
        codes = set(_area(day, commissioner)) | (set(networks) & set(owners))
        if commissioner is None:
            codes |= set(networks)
    practices = sorted(codes)
    registered = lists_with_dates(practices, ListMeasure.REGISTERED, day)
    weighted = lists_with_dates(practices, ListMeasure.WEIGHTED, day)
    names = names_on(practices, day)
    rows = []
    for code in practices:
        owner = owners.get(code)
        reg, wtd = registered.get(code), weighted.get(code)
        rows.append(
            PracticeRow(
                practice_code=code,
                practice_name=names.get(code, ""),
                pcn_code=networks.get(code, ""),
                commissioner_code=owner.code if owner else "",
                registered_patients=reg[0] if reg else None,
                weighted_patients=wtd[0] if wtd else None,
                list_date=reg[1] if reg else None,
                weighted_list_date=wtd[1] if wtd else None,
                commissioner_inferred=bool(owner and owner.inferred),
            )
        )
    return rows
