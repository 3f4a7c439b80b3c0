"""Questions about the register "as at" a date. Everything later work relies on."""

from __future__ import annotations

from collections import defaultdict
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


def parent_on(kind: str, child: str, day: date) -> str | None:
    link = links_on(kind, day).filter(child_id=child).first()
    return link.parent_id if link else None


def network_of(practice: str, day: date) -> str | None:
    return parent_on(RelationshipKind.PRACTICE_NETWORK, practice, day)


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
    overseen = dict(
        links_on(RelationshipKind.NETWORK_COMMISSIONER, day)
        .filter(child_id__in=codes)
        .values_list("child_id", "parent_id")
    )
    if commissioner:
        codes = {c for c in codes if overseen.get(c) == commissioner}
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
            )
        )
    return rows


@dataclass(frozen=True)
class UncoveredPractice:
    practice_code: str
    practice_name: str
    commissioner_code: str
    registered_patients: Decimal | None


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
    links = links_on(RelationshipKind.PRACTICE_COMMISSIONER, day)
    if commissioner:
        links = links.filter(parent_id=commissioner)
    area = dict(links.values_list("child_id", "parent_id"))
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
    area = open_practices_in_area(day, commissioner)
    in_network = set(
        links_on(RelationshipKind.PRACTICE_NETWORK, day)
        .filter(child_id__in=list(area))
        .values_list("child_id", flat=True)
    )
    practices = [p for p in area if p not in in_network]
    sizes = list_sizes_on(practices, ListMeasure.REGISTERED, day)
    names = names_on(practices, day)
    return [
        UncoveredPractice(p, names.get(p, ""), area[p], sizes.get(p))
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


def hierarchy(code: str, day: date) -> list[Rung]:
    """The organisation and everything above it on ``day``, nearest first.

    A practice's chain runs through its network (when it has one) and its
    commissioner; the network itself is overseen by a commissioner too.
    """
    org = Organisation.objects.filter(code=code).first()
    if org is None:
        return []
    chain: list[tuple[str, str]] = [(org.kind, org.code)]
    if org.kind == OrganisationKind.PRACTICE:
        network = network_of(code, day)
        if network:
            chain.append((OrganisationKind.NETWORK, network))
    current_kind, current = org.kind, org.code
    while current_kind in _PARENT_KIND:
        parent = parent_on(_PARENT_KIND[current_kind], current, day)
        if parent is None:
            break
        current_kind = Organisation.objects.get(code=parent).kind
        current = parent
        chain.append((current_kind, current))
    names = names_on({c for _, c in chain}, day)
    return [Rung(kind, c, names.get(c, "")) for kind, c in chain]


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
