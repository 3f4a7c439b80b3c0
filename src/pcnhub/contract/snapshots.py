"""Rules inputs built from the register: networks and practices as snapshots.

Two kinds of snapshot:

* **on a day** (requirement checks): the members on that day, their lists at the
  latest 1 January on or before it, whether each holds a live core contract (from
  its ODS details), and its location (postcode district centroid);
* **for a contract year** (entitlements): every membership that overlaps the year,
  with its start and end, and lists at 1 January before the year. A what-if can
  instead freeze the register as at any date (``register_as_at``).

A practice's list is its latest on or before the list date. When the register has
no list that early, the earliest later list is used and each network says so.
Each practice carries the date of the list taken (``registered_on``,
``weighted_on``), so the checks can say which lists they used and when those
are older than the contract's basis date.

A network's facts (clinical directors, nominated payee, agreements, data sharing)
come from its governance record (:func:`pcnhub.governance.reading.facts_on`)
and from a network facts file when one is given. The file wins field by field: a
value it gives (even "no") stands; a field it leaves empty, or a network it does
not list, takes the recorded governance; with neither, the field is "not known".

Pages that show a whole country keep what they computed in Django's cache, keyed
by :func:`register_version` (the head of the audit chain: every import, approval
and recorded input writes an audit entry, so any change gives a new key) through
:func:`per_version`. The commands and the rules tests compute afresh.
"""

from __future__ import annotations

from collections import OrderedDict, defaultdict
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db.models import F, Q
from django.utils.module_loading import import_string

from pcnhub.audit.models import AuditEntry
from pcnhub.governance.reading import facts_on as governance_facts_on
from pcnhub.governance.reading import merged
from pcnhub.register import queries
from pcnhub.register.models import (
    ListMeasure,
    ListSize,
    OrganisationVersion,
    Relationship,
    RelationshipKind,
)
from pcnhub.rules.periods import ContractYear
from pcnhub.rules.snapshot import Membership, Network, NetworkFacts, Practice

T = TypeVar("T")
#: How long a cached result is kept when nothing changes (a day).
CACHE_SECONDS = 24 * 60 * 60


def register_version() -> str:
    """The hash of the newest audit entry ("empty" before the first): it changes
    with every import, approval and recorded input, all of which are audited."""
    head = (
        AuditEntry.objects.order_by("-position")
        .values_list("entry_hash", flat=True)
        .first()
    )
    return head or "empty"


#: The last few results of this process as they are (the cache pickles, and
#: unpickling a national check run's 11,000 findings takes a quarter of a second).
#: Callers treat what they get as read-only, as they do the cache's copies.
_RECENT: OrderedDict[str, Any] = OrderedDict()
RECENT_ENTRIES = 8


def per_version(name: str, parts: tuple[object, ...], compute: Callable[[], T]) -> T:
    """``compute()``, kept in the cache for this register version and ``parts``
    (not before the first audit entry: a register with none was not imported)."""
    version = register_version()
    if version == "empty":
        return compute()
    key = f"pcnhub:{name}:{version}:" + ":".join(map(str, parts))
    if key in _RECENT:
        _RECENT.move_to_end(key)
        return _RECENT[key]  # type: ignore[no-any-return]
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, CACHE_SECONDS)
    _RECENT[key] = found
    while len(_RECENT) > RECENT_ENTRIES:
        _RECENT.popitem(last=False)
    return found


def forget_recent() -> None:
    """Empty this process's copies (with ``cache.clear()``, a fresh start)."""
    _RECENT.clear()


@dataclass
class Register:
    """Networks from the register, and what a reader should know about them."""

    networks: list[Network]
    notes: list[str] = field(default_factory=list)


def latest_january(day: date) -> date:
    return date(day.year, 1, 1)


Listed = tuple[Decimal, date]


def _lists(practices: list[str], measure: str, on: date) -> tuple[dict, bool]:
    """(value, date) of lists on or before ``on``; else the earliest later ones.

    The flag says whether any later list was taken.
    """
    # Reading every list and keeping ours is faster than a long IN (...) filter.
    wanted = set(practices)
    current = ListSize.objects.filter(measure=measure, superseded_by__isnull=True)
    earlier = current.filter(date__lte=on)
    if len(practices) < 500:
        earlier = earlier.filter(practice_id__in=practices)
    sizes: dict[str, Listed] = {}
    rows = earlier.order_by("date").values_list("practice_id", "value", "date")
    for practice, value, day in rows:
        if practice in wanted:
            sizes[practice] = (value, day)
    missing = [p for p in practices if p not in sizes]
    later = False
    if missing:
        rows = (
            current.filter(practice_id__in=missing, date__gt=on)
            .order_by("-date")
            .values_list("practice_id", "value", "date")
        )
        for practice, value, day in rows:
            sizes[practice] = (value, day)
            later = True
    return sizes, later


def _practices(codes: list[str], lists_on: date, day: date | None) -> tuple[dict, list]:
    registered, late_r = _lists(codes, ListMeasure.REGISTERED, lists_on)
    weighted, late_w = _lists(codes, ListMeasure.WEIGHTED, lists_on)
    notes = []
    if late_r or late_w:
        notes.append(
            f"the register has no lists on or before {lists_on} for some practices; "
            "their earliest later lists are used"
        )
    # Names are for messages: a year's snapshot (day None) needs none.
    names = queries.names_on(codes, day) if day else {}
    contracts: dict[str, bool | None] = {}
    places: Mapping[str, tuple[str, float, float]] = {}
    if day is not None:
        versions = {
            v.organisation_id: v
            for v in queries.holding_on(
                OrganisationVersion.objects.filter(organisation_id__in=codes), day
            )
        }
        contracts = {
            c: queries.is_open_gp_practice(versions[c], day) if c in versions else None
            for c in codes
        }
        places = queries.practice_places(codes, day)
    practices = {
        c: Practice(
            code=c,
            name=names.get(c, ""),
            registered=registered[c][0] if c in registered else None,
            weighted=weighted[c][0] if c in weighted else None,
            registered_on=registered[c][1] if c in registered else None,
            weighted_on=weighted[c][1] if c in weighted else None,
            core_contract=contracts.get(c),
            location=(places[c][1], places[c][2]) if c in places else None,
            outcode=places[c][0] if c in places else "",
        )
        for c in codes
    }
    return practices, notes


def _overseers(codes: set[str], day: date) -> dict[str, str]:
    """Each network's commissioner on ``day``, successions (mergers) followed."""
    found = queries.parents_on(RelationshipKind.NETWORK_COMMISSIONER, day, codes)
    return {code: parent.code for code, parent in found.items()}


def _with_governance(
    codes: set[str], facts: Mapping[str, NetworkFacts], days: tuple[date, ...]
) -> dict[str, NetworkFacts]:
    """Each network's facts: the file's, then governance recorded on ``days``.

    Several days (in order of preference) let a year's snapshot take a network's
    governance from the year's start, or from its last month when the network
    formed during the year.
    """
    combined: dict[str, NetworkFacts] = {
        code: facts[code] for code in codes if code in facts
    }
    sources = facts_sources()
    for day in days:
        recorded = governance_facts_on(codes, day)
        for code, found in recorded.items():
            combined[code] = merged(combined.get(code), found)
        for source in sources:
            for code, found in source(codes, day).items():
                combined[code] = merged(combined.get(code), found)
    return combined


#: Another app's addition to networks' facts on a day: ``source(codes, day)``.
FactsSource = Callable[[Collection[str], date], Mapping[str, NetworkFacts]]


def facts_sources() -> list[FactsSource]:
    """The sources named by ``PCNHUB_NETWORK_FACTS_SOURCES``, in order.

    Named in the settings, not imported: the workflow (an app above the
    contract) adds its approvals' small population reasons to the snapshots the
    workflow itself builds its proposals from.
    """
    return [import_string(path) for path in settings.PCNHUB_NETWORK_FACTS_SOURCES]


def networks_on(
    day: date,
    facts: Mapping[str, NetworkFacts] | None = None,
    lists_on: date | None = None,
    only: str | None = None,
) -> Register:
    """Every network open on ``day`` (or just ``only``) as snapshots for the checks.

    Each network's facts are the facts file's, completed by its governance
    record on ``day``.
    """
    facts = facts or {}
    lists_on = lists_on or latest_january(day)
    members: dict[str, list[str]] = defaultdict(list)
    links = queries.links_on(RelationshipKind.PRACTICE_NETWORK, day)
    if only:
        links = links.filter(parent_id=only)
    for practice, network in links.values_list("child_id", "parent_id"):
        members[network].append(practice)
    codes = set(members)  # a network with no members on the day has nothing to check
    everyone = sorted({p for ps in members.values() for p in ps})
    practices, notes = _practices(everyone, lists_on, day)
    overseen = _overseers(codes, day)
    names = queries.names_on(codes, day)
    known = _with_governance(codes, facts, (day,))
    networks = [
        Network(
            code=code,
            name=names.get(code, ""),
            commissioner=overseen.get(code, ""),
            memberships=tuple(Membership(practices[p]) for p in sorted(members[code])),
            facts=known.get(code, NetworkFacts()),
            lists_on=lists_on,
        )
        for code in sorted(codes)
    ]
    return Register(networks, notes)


def area_on(
    day: date,
    commissioner: str | None = None,
    known: Mapping[str, Practice] | None = None,
) -> dict[str, list[Practice]]:
    """Open GP practices (with patients) in each commissioner's area on ``day``.

    ``known`` practices (e.g. the networks' members, already read) are reused.
    """
    known = known or {}
    area = queries.open_practices_in_area(day, commissioner)
    unread = [c for c in area if c not in known]
    practices = {**known, **_practices(unread, latest_january(day), day)[0]}
    result: dict[str, list[Practice]] = defaultdict(list)
    for code, owner in area.items():
        result[owner].append(practices[code])
    return dict(result)


def _membership_spans(
    year: ContractYear,
) -> dict[str, list[tuple[str, date | None, date | None]]]:
    """Each network's members in ``year``: (practice, joined, left), where None
    means the member was in the network from the year's start (or to its end)."""
    links = (
        Relationship.objects.filter(
            kind=RelationshipKind.PRACTICE_NETWORK, valid_from__lt=year.end
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=year.start))
        .exclude(valid_to=F("valid_from"))
        .values_list("child_id", "parent_id", "valid_from", "valid_to")
    )
    spans: dict[str, list[tuple[str, date | None, date | None]]] = defaultdict(list)
    for practice, network, start, end in links:
        spans[network].append(
            (
                practice,
                start if start > year.start else None,
                end if end and end < year.end else None,
            )
        )
    return spans


def networks_for_year(
    year: ContractYear,
    facts: Mapping[str, NetworkFacts] | None = None,
    register_as_at: date | None = None,
) -> Register:
    """Every network with members in ``year``, memberships dated within it.

    With ``register_as_at``, the register is frozen on that day instead: its
    members and lists then hold for the whole year (a what-if).

    Facts are the file's, completed by the governance recorded on the year's
    first day, or else on the first day of its last month (a network formed
    during the year).
    """
    facts = facts or {}
    if register_as_at is not None:
        frozen = networks_on(register_as_at, facts, lists_on=register_as_at)
        frozen.notes.append(
            f"what-if: the register as at {register_as_at} (members and lists) "
            f"applied to every month of {year}"
        )
        return frozen
    spans = _membership_spans(year)
    everyone = sorted({p for ps in spans.values() for p, _, _ in ps})
    practices, notes = _practices(everyone, year.population_date, None)
    codes = set(spans)
    # A network forming mid-year has no commissioner link on 1 April yet.
    overseen = {**_overseers(codes, year.months[-1]), **_overseers(codes, year.start)}
    names = queries.names_on(codes, year.start)
    known = _with_governance(codes, facts, (year.start, year.months[-1]))
    networks = [
        Network(
            code=code,
            name=names.get(code, ""),
            commissioner=overseen.get(code, ""),
            memberships=tuple(
                Membership(practices[p], start, end)
                for p, start, end in sorted(spans[code], key=_by_practice)
            ),
            facts=known.get(code, NetworkFacts()),
            lists_on=year.population_date,
        )
        for code in sorted(codes)
    ]
    return Register(networks, notes)


def _by_practice(span: tuple[str, date | None, date | None]) -> tuple:
    return (span[0], span[1] or date.min)


def practice(code: str, lists_on: date) -> Practice | None:
    """One practice from the register (for what-if additions)."""
    if queries.find_organisation(code) is None:
        return None
    practices, _ = _practices([code], lists_on, None)
    return practices[code]


def practices_on(codes: list[str], day: date) -> dict[str, Practice]:
    """Practices as the checks see them on ``day`` (lists at the latest 1 January).

    For proposals (applications): practices that are not yet members of the
    network being checked.
    """
    return _practices(codes, latest_january(day), day)[0]
