"""The register as one import sees it: load once, decide in memory, write in bulk.

Every assertion an importer makes goes through :class:`RegisterWriter`, which
turns it into the least change (see :mod:`pcnhub.register.timeline`) and counts
the outcome. Nothing is written until :meth:`RegisterWriter.flush`.
"""

from __future__ import annotations

import gc
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal
from functools import wraps
from itertools import pairwise
from typing import ParamSpec, TypeVar

from django.db.models import F

from pcnhub.register.importers import bulk
from pcnhub.register.importers.coverage import (
    ASSUMED,
    FOREVER,
    OBSERVED,
    CoverageIndex,
    Interval,
)
from pcnhub.register.models import (
    Coverage,
    ImportRun,
    ListSize,
    Organisation,
    OrganisationVersion,
    Relationship,
    RelationshipKind,
    Succession,
)
from pcnhub.register.timeline import Held, Plan, Segment, reconcile, snapshot_span

BATCH = 2000
P = ParamSpec("P")
T = TypeVar("T")
#: The run kind of an approved application (pcnhub.workflow.effects). A decision
#: is not a file with hindsight: it states a change from its effective date up
#: to the next change the register holds, whatever the files held say.
APPLICATION = "application"


@dataclass(frozen=True)
class Details:
    """What a source says about an organisation; None means "not said"."""

    name: str | None = None
    subtype: str | None = None
    address: str | None = None
    postcode: str | None = None
    status: str | None = None
    open_date: date | None = None
    close_date: date | None = None
    prescribing_setting: int | None = None


DETAIL_FIELDS = [f.name for f in fields(Details)]
TEXT_FIELDS = {"name", "subtype", "address", "postcode", "status"}


# The register as the writer holds it: plain rows, not model instances (building
# tens of thousands of those only to write them cost more than the writing).
# ``pk`` is None for a row this import adds; ``closed`` is set when this import
# closes (or supersedes) it. Compared by identity, as unsaved instances were.


@dataclass(slots=True, eq=False)
class VersionRow:
    pk: int | None
    organisation_id: str
    valid_from: date
    valid_to: date | None
    name: str
    subtype: str
    address: str
    postcode: str
    status: str
    open_date: date | None
    close_date: date | None
    prescribing_setting: int | None
    closed: bool = False

    @property
    def details(self) -> tuple:
        return (
            self.name,
            self.subtype,
            self.address,
            self.postcode,
            self.status,
            self.open_date,
            self.close_date,
            self.prescribing_setting,
        )


VERSION_COLUMNS = ["organisation_id", "valid_from", "valid_to", *DETAIL_FIELDS]


@dataclass(slots=True, eq=False)
class LinkRow:
    pk: int | None
    kind: str
    child_id: str
    parent_id: str
    valid_from: date
    valid_to: date | None
    closed: bool = False


@dataclass(slots=True, eq=False)
class ListRow:
    pk: int | None
    practice_id: str
    measure: str
    day: date
    value: Decimal
    closed: bool = False


def without_cycle_collection(func: Callable[P, T]) -> Callable[P, T]:
    """Run ``func`` with Python's cycle collector paused (as it was, after).

    An import builds hundreds of thousands of small rows and tuples and keeps
    them until it writes: the collector would walk them again and again to free
    nothing (a third of the deciding time on the national files). Memory is
    still freed by reference counting as usual.
    """

    @wraps(func)
    def paused(*args: P.args, **kwargs: P.kwargs) -> T:
        enabled = gc.isenabled()
        gc.disable()
        try:
            return func(*args, **kwargs)
        finally:
            if enabled:
                gc.enable()

    return paused


def detail_fact(field: str) -> str:
    """The coverage fact of one detail: each is claimed on its own (a file that
    gives only names says nothing about addresses)."""
    return f"details.{field}"


def _same(a: object, b: object) -> bool:
    # Files disagree on capitals and spacing ("THE DENSHAM SURGERY" and
    # "The Densham Surgery"); that is not a change of name.
    if a == b:
        return True
    if isinstance(a, str) and isinstance(b, str):
        return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()
    return a == b


class Counts:
    """Outcome counts per kind of fact, plus skipped rows by reason."""

    OUTCOMES = ("created", "updated", "closed", "unchanged")

    def __init__(self) -> None:
        self.by_fact: dict[str, Counter[str]] = defaultdict(Counter)
        self.skipped: Counter[str] = Counter()
        self.tolerated: dict[str, list[str]] = {}
        #: Claims a newer file already imported covers in part or in whole: they
        #: were written only where it is silent (coverage.py).
        self.bounded: Counter[str] = Counter()

    def add(self, fact: str, outcome: str, n: int = 1) -> None:
        self.by_fact[fact][outcome] += n

    def add_plan(self, fact: str, plan: Plan) -> None:
        if not plan.changed:
            self.add(fact, "unchanged")
        elif plan.close and plan.open:
            self.add(fact, "updated")
        elif plan.open:
            self.add(fact, "created")
        else:
            self.add(fact, "closed")

    def skip(self, reason: str, n: int = 1) -> None:
        self.skipped[reason] += n

    def totals(self) -> dict[str, int]:
        total = Counter()
        for counter in self.by_fact.values():
            total.update(counter)
        return {o: total[o] for o in self.OUTCOMES} | {
            "skipped": sum(self.skipped.values())
        }

    def as_dict(self) -> dict:
        return {
            "totals": self.totals(),
            "by_fact": {
                fact: {o: c[o] for o in self.OUTCOMES}
                for fact, c in sorted(self.by_fact.items())
            },
            "skipped": dict(sorted(self.skipped.items())),
            "tolerated": dict(sorted(self.tolerated.items())),
            "bounded": dict(sorted(self.bounded.items())),
        }

    @property
    def changed(self) -> bool:
        t = self.totals()
        return any(t[o] for o in ("created", "updated", "closed"))


def _live(queryset):
    """Records that ever held (not those superseded before they began)."""
    return queryset.exclude(valid_to=F("valid_from"))


class RegisterWriter:
    """What one run decides, held in memory until :meth:`flush`.

    The register is loaded lazily, each part on first use, in the run's own
    transaction: nothing is written before :meth:`flush`, so what is read is
    the same whenever it is read. A list file then never loads the timelines it
    does not touch.
    """

    def __init__(
        self,
        run: ImportRun,
        relationship_kinds: Iterable[str] = (),
        version_kinds: Iterable[str] = (),
        list_measures: Iterable[str] = (),
    ) -> None:
        self.run = run
        self.counts = Counts()
        self.orgs: dict[str, str] = dict(
            bulk.values(Organisation.objects.all(), "code", "kind")
        )
        self.new_orgs: dict[str, str] = {}
        self.version_kinds = list(version_kinds)
        self._versions: dict[str, list[VersionRow]] | None = None
        self.relationship_kinds = set(relationship_kinds)
        self._links: dict[tuple[str, str], list[LinkRow]] = defaultdict(list)
        self._links_loaded: set[str] = set()
        self.list_measures = list(list_measures)
        self._list_sizes: dict[tuple[str, str, date], ListRow] | None = None
        facts = set(self.relationship_kinds)
        if self.version_kinds:
            facts.update(detail_fact(f) for f in DETAIL_FIELDS)
        self._facts = facts
        self._coverage: CoverageIndex | None = None
        self.new_rows: dict[type, list] = defaultdict(list)
        self.closed_rows: dict[type, dict[int, object]] = defaultdict(dict)
        #: Whether this run changed a practice's commissioner: successions are
        #: inferred from those links alone (:meth:`infer_successions`).
        self.commissioning_changed = False

    @property
    def versions(self) -> dict[str, list[VersionRow]]:
        if self._versions is None:
            self._versions = defaultdict(list)
            if self.version_kinds:
                qs = _live(OrganisationVersion.objects).filter(
                    organisation__kind__in=self.version_kinds
                )
                for values in bulk.values(
                    qs.order_by("valid_from", "id"), "id", *VERSION_COLUMNS
                ):
                    v = VersionRow(*values)
                    self._versions[v.organisation_id].append(v)
        return self._versions

    def _load_links(self, kinds: Iterable[str]) -> None:
        wanted = [k for k in kinds if k not in self._links_loaded]
        if not wanted:
            return
        assert set(wanted) <= self.relationship_kinds, f"{wanted} not loaded"
        self._links_loaded.update(wanted)
        qs = _live(Relationship.objects).filter(kind__in=wanted)
        for values in bulk.values(
            qs.order_by("valid_from", "id"),
            "id",
            "kind",
            "child_id",
            "parent_id",
            "valid_from",
            "valid_to",
        ):
            r = LinkRow(*values)
            self._links[(r.kind, r.child_id)].append(r)

    def _links_of(self, kind: str, child: str) -> list[LinkRow]:
        if kind not in self._links_loaded:
            # A file that claims one kind of link usually claims them all: one
            # query, not one per kind.
            self._load_links(self.relationship_kinds)
        return self._links[(kind, child)]

    @property
    def links(self) -> dict[tuple[str, str], list[LinkRow]]:
        """Every relationship of the kinds this run claims, loaded whole."""
        self._load_links(self.relationship_kinds)
        return self._links

    @property
    def list_sizes(self) -> dict[tuple[str, str, date], ListRow]:
        if self._list_sizes is None:
            self._list_sizes = {}
            if self.list_measures:
                qs = ListSize.objects.filter(
                    measure__in=self.list_measures, superseded_by__isnull=True
                )
                for values in bulk.values(
                    qs, "id", "practice_id", "measure", "date", "value"
                ):
                    ls = ListRow(*values)
                    self._list_sizes[(ls.practice_id, ls.measure, ls.day)] = ls
        return self._list_sizes

    @property
    def coverage(self) -> CoverageIndex:
        if self._coverage is None:
            self._coverage = CoverageIndex(self.run, self._facts)
        return self._coverage

    # organisations -----------------------------------------------------------------

    def organisation(self, code: str, kind: str) -> None:
        known = self.orgs.get(code)
        if known is None:
            self.orgs[code] = kind
            self.new_orgs[code] = kind
            self.counts.add("organisation", "created")
        elif known != kind:
            raise ValueError(
                f"code {code} is already registered as a {known}, not a {kind}"
            )

    def knows(self, code: str, kind: str) -> bool:
        """Whether the register holds ``code``; held as another kind is an error."""
        known = self.orgs.get(code)
        if known is not None and known != kind:
            raise ValueError(
                f"code {code} is already registered as a {known}, not a {kind}"
            )
        return known is not None

    def details(
        self, code: str, kind: str, day: date, said: Details, history_from: date | None
    ) -> None:
        """A snapshot of ``day`` says these are the organisation's details.

        Observed from ``day`` on, and assumed back to ``history_from`` (its open
        date) where no other file says otherwise (:mod:`.coverage`).
        """
        self.organisation(code, kind)
        given = {n: v for n in DETAIL_FIELDS if (v := getattr(said, n)) is not None}
        live = [v for v in self.versions[code] if v.valid_to != v.valid_from]
        free = self._free_details(code, day, tuple(given), history_from)
        if self.run.kind == APPLICATION:
            span = snapshot_span(_held_versions(live), day)
            free = {name: [span] for name in given}
        spans = [iv for ivs in free.values() for iv in ivs]
        if self.run.kind != APPLICATION and self.coverage.cut:
            self.counts.bounded[f"{kind} details"] += 1
        if not spans:
            self.counts.add(f"{kind} details", "unchanged")
            return
        lo = min(start for start, _ in spans)
        hi = max((end or FOREVER) for _, end in spans)
        if _already_held(live, lo, hi, given):
            # What reconciling would find, without building the pieces: most
            # details in a national file are those the register holds.
            self.counts.add(f"{kind} details", "unchanged")
            return
        records = _held_versions(live)
        desired = _details_pieces(records, lo, hi, given, free)
        end = None if hi == FOREVER else hi
        plan = reconcile(records, lo, end, desired)
        self.counts.add_plan(f"{kind} details", plan)
        for version, valid_to in plan.close:
            self._close(version, valid_to)
        held = self.versions[code]
        for seg in plan.open:
            version = VersionRow(None, code, seg.start, seg.end, *seg.value)
            self._add(version)
            held.append(version)
        held.sort(key=lambda v: v.valid_from)

    def _free_details(
        self, code: str, day: date, given: tuple[str, ...], history_from: date | None
    ) -> dict[str, list[Interval]]:
        claims: list[tuple[int, Interval]] = [(OBSERVED, (day, None))]
        if history_from and history_from < day:
            claims.append((ASSUMED, (history_from, day)))
        free: dict[str, list[Interval]] = {name: [] for name in given}
        facts = tuple(_DETAIL_FACTS[n] for n in given)
        coverage = self.coverage
        coverage.cut = False
        for tier, span in claims:
            if facts:
                coverage.record(facts, code, tier, day, span[0])
            spans = coverage.free_many(facts, code, tier, day, span)
            for name, ivs in zip(given, spans, strict=True):
                free[name] += ivs
        return free

    # relationships -------------------------------------------------------------

    def link_snapshot(
        self, kind: str, child: str, parent: str | None, day: date
    ) -> None:
        """On ``day`` the child's parent was ``parent`` (None: it had none)."""
        segments = [Segment(parent, day)] if parent else []
        self.link_history(kind, child, segments, day, day)

    def link_history(
        self,
        kind: str,
        child: str,
        segments: list[Segment],
        since: date,
        known_on: date,
    ) -> None:
        """From ``since`` on, the child's parents were exactly ``segments``.

        The source was extracted on ``known_on``: it is written only where no
        file known on a later day has spoken (:mod:`.coverage`).
        """
        self.coverage.record((kind,), child, OBSERVED, known_on, since)
        if self.run.kind == APPLICATION:
            _, end = snapshot_span(self._held_links(kind, child), known_on)
            free = [(since, end)] if end is None or since < end else []
        else:
            self.coverage.cut = False
            free = self.coverage.free(kind, child, OBSERVED, known_on, (since, None))
            if self.coverage.cut:
                self.counts.bounded[_label(kind)] += 1
        self._claim_links(kind, child, free, segments)

    def link_default(self, kind: str, day: date, named: set[str]) -> None:
        """From ``day`` every child not in ``named`` has no parent of this kind.

        An ePCN workbook lists every member practice: one it omits is in no
        network, including practices only an older file, imported later, names.
        """
        self.coverage.record_everyone(kind, day)
        self._load_links((kind,))
        for link_kind, child in list(self._links):
            if link_kind == kind and child not in named:
                free = self.coverage.free(kind, child, OBSERVED, day, (day, None))
                self._claim_links(kind, child, free, [])

    def _claim_links(
        self, kind: str, child: str, free: list[Interval], segments: list[Segment]
    ) -> None:
        held = self._links_of(kind, child)
        if _link_held(held, free, segments):
            # What reconciling would find: most links a file gives are held.
            self.counts.add(_label(kind), "unchanged")
            return
        if not held and len(free) == 1 and free[0][1] is None and len(segments) == 1:
            # Nothing held: reconciling would open the one segment as clipped.
            opened = _clip(segments, free[0][0], None)
            if opened:
                self._write_links(kind, child, Plan(open=opened))
                self.counts.add(_label(kind), "created")
                return
        total: Plan = Plan()
        for start, end in free:
            plan = reconcile(
                self._held_links(kind, child), start, end, _clip(segments, start, end)
            )
            self._write_links(kind, child, plan)
            total.close += plan.close
            total.open += plan.open
        self.counts.add_plan(_label(kind), total)

    def _held_links(self, kind: str, child: str) -> list[Held[LinkRow]]:
        assert kind in self.relationship_kinds, f"{kind} not loaded"
        return [
            Held(r.parent_id, r.valid_from, r.valid_to, r)
            for r in self._links_of(kind, child)
        ]

    def _write_links(self, kind: str, child: str, plan: Plan) -> None:
        if not plan.changed:
            return
        if kind == RelationshipKind.PRACTICE_COMMISSIONER:
            self.commissioning_changed = True
        records = self._links_of(kind, child)
        for link, valid_to in plan.close:
            self._close(link, valid_to)
            if link.valid_to == link.valid_from:
                records.remove(link)  # superseded before it held: not a move
        for seg in plan.open:
            link = LinkRow(None, kind, child, str(seg.value), seg.start, seg.end)
            self._add(link)
            records.append(link)
        records.sort(key=lambda r: r.valid_from)

    # list sizes ----------------------------------------------------------------

    def list_size(self, practice: str, measure: str, day: date, value: Decimal) -> None:
        key = (practice, measure, day)
        current = self.list_sizes.get(key)
        fact = f"{measure} list size"
        if current is not None and current.value == value:
            self.counts.add(fact, "unchanged")
            return
        if current is not None:
            current.closed = True
            if current.pk is not None:
                self.closed_rows[ListRow][current.pk] = current
        row = ListRow(None, practice, measure, day, value)
        self.list_sizes[key] = row
        self._add(row)
        self.counts.add(fact, "updated" if current is not None else "created")

    # successions ---------------------------------------------------------------

    def infer_successions(self) -> list[Succession]:
        """A commissioner whose practices all moved away on one day was succeeded.

        This is how the ODS files show CCG mergers: the practices' commissioner
        column changes on the merger date and the old code stops appearing. The
        moves are read from the whole timeline held, not from this import's
        changes alone, so that the successions found do not depend on the order
        the files came in.

        A run that changed no practice's commissioner leaves that timeline as
        the run that last changed it left it, and that run inferred from it
        already (every writer of those links is a run): nothing new to find.
        """
        if RelationshipKind.PRACTICE_COMMISSIONER not in self.relationship_kinds:
            return []
        if not self.commissioning_changed:
            self.counts.add("succession", "created", 0)
            return []
        held = set(
            Succession.objects.values_list(
                "predecessor_id", "successor_id", "effective"
            )
        )
        last_day = self._commissioning_ends()
        found: dict[tuple[str, str, date], Succession] = {}
        for old, new, day in self._commissioner_moves():
            key = (old, new, day)
            if last_day.get(old, day) > day or key in held or key in found:
                continue
            found[key] = Succession(
                predecessor_id=old,
                successor_id=new,
                effective=day,
                reason="practices moved to the successor (inferred from ODS data)",
                recorded_by=self.run,
            )
        self.counts.add("succession", "created", len(found))
        return list(found.values())

    def _commissioner_moves(self) -> Iterable[tuple[str, str, date]]:
        """Each day a practice's commissioner changed, with the old and new one."""
        self._load_links((RelationshipKind.PRACTICE_COMMISSIONER,))
        for (kind, _child), links in self._links.items():
            if kind != RelationshipKind.PRACTICE_COMMISSIONER:
                continue
            live = sorted(
                (r for r in links if r.valid_to != r.valid_from),
                key=lambda r: r.valid_from,
            )
            for a, b in pairwise(live):
                if a.valid_to == b.valid_from and a.parent_id != b.parent_id:
                    yield a.parent_id, b.parent_id, b.valid_from

    def _commissioning_ends(self) -> dict[str, date]:
        """For each commissioner, the day its last practice link ends."""
        ends: dict[str, date] = {}
        self._load_links((RelationshipKind.PRACTICE_COMMISSIONER,))
        for (kind, _child), links in self._links.items():
            if kind != RelationshipKind.PRACTICE_COMMISSIONER:
                continue
            for link in links:
                if link.valid_to == link.valid_from:
                    continue
                end = link.valid_to or date.max
                if end > ends.get(link.parent_id, date.min):
                    ends[link.parent_id] = end
        return ends

    # writing -------------------------------------------------------------------

    def _add(self, row: object) -> None:
        self.new_rows[type(row)].append(row)

    def _close(self, row: LinkRow | VersionRow, valid_to: date) -> None:
        row.valid_to = valid_to
        row.closed = True
        if row.pk is not None:
            self.closed_rows[type(row)][row.pk] = row

    @without_cycle_collection
    def flush(self) -> None:
        """Write what the import decided, as tuples (:mod:`.bulk`): closings
        before new rows, so a list size is superseded before its successor (one
        current figure per practice, measure and day) is written."""
        run = self.run.pk
        bulk.insert_rows(
            Organisation,
            ["code", "kind", "first_recorded_by"],
            ((code, kind, run) for code, kind in self.new_orgs.items()),
        )
        successions = self.infer_successions()
        bulk.close_rows(
            OrganisationVersion,
            ((v.pk, v.valid_to) for v in self.closed_rows[VersionRow].values()),
            run,
        )
        bulk.insert_rows(
            OrganisationVersion,
            [*VERSION_COLUMNS, "opened_by", "closed_by"],
            (
                (
                    v.organisation_id,
                    v.valid_from,
                    v.valid_to,
                    *v.details,
                    run,
                    run if v.closed else None,
                )
                for v in self.new_rows[VersionRow]
            ),
        )
        bulk.close_rows(
            Relationship,
            ((r.pk, r.valid_to) for r in self.closed_rows[LinkRow].values()),
            run,
        )
        bulk.insert_rows(
            Relationship,
            [
                "kind",
                "child",
                "parent",
                "valid_from",
                "valid_to",
                "opened_by",
                "closed_by",
            ],
            (
                (
                    r.kind,
                    r.child_id,
                    r.parent_id,
                    r.valid_from,
                    r.valid_to,
                    run,
                    run if r.closed else None,
                )
                for r in self.new_rows[LinkRow]
            ),
        )
        bulk.update_rows(
            ListSize,
            ["id"],
            ((pk,) for pk in self.closed_rows[ListRow]),
            {"superseded_by": run},
        )
        bulk.insert_rows(
            ListSize,
            ["practice", "measure", "date", "value", "recorded_by", "superseded_by"],
            (
                (
                    r.practice_id,
                    r.measure,
                    r.day,
                    r.value,
                    run,
                    run if r.closed else None,
                )
                for r in self.new_rows[ListRow]
            ),
        )
        Succession.objects.bulk_create(successions, batch_size=BATCH)
        if self._coverage is not None:  # unused: this run claimed nothing
            Coverage.objects.bulk_create(self._coverage.rows(), batch_size=BATCH)


_LABELS = {kind.value: kind.label for kind in RelationshipKind}


def _label(kind: str) -> str:
    return _LABELS[kind]


def _link_held(
    held: list[LinkRow], free: list[Interval], segments: list[Segment]
) -> bool:
    """Whether the child's links already say ``segments`` over ``free``, in the
    two shapes nearly every claim has: one parent from a day on, or none.

    A shortcut of :func:`reconcile` (whose plan would be empty), for those
    shapes only: held links never overlap, so a link that holds from before the
    span's start with no end is the only one the span meets.
    """
    if len(free) != 1 or free[0][1] is not None or len(segments) > 1:
        return False
    start = free[0][0]
    if not segments:
        return all(r.valid_to is not None and r.valid_to <= start for r in held)
    seg = segments[0]
    if seg.end is not None or seg.start > start:
        return False
    return any(
        r.valid_to is None and r.valid_from <= start and r.parent_id == seg.value
        for r in held
    )


def _held_versions(live: list[VersionRow]) -> list[Held[VersionRow]]:
    return [Held(v.details, v.valid_from, v.valid_to, v) for v in live]


def _already_held(
    live: list[VersionRow], lo: date, hi: date, given: dict[str, object]
) -> bool:
    """Whether one held version covers ``[lo, hi)`` and putting in each given
    field as :func:`_details_pieces` does changes none of it: reconciling would
    then find the details unchanged."""
    base = next(
        (v for v in live if v.valid_from <= lo and (v.valid_to or FOREVER) >= hi),
        None,
    )
    if base is None:
        return False
    value = base.details
    for i, name in enumerate(DETAIL_FIELDS):
        old = value[i]
        if name in given:
            new = given[name]
            after = new if old in (None, "") or not _same(new, old) else old
        else:
            after = old
        if name in TEXT_FIELDS:
            after = after or ""
        if after != old:
            return False
    return True


_DETAIL_FACTS = {name: detail_fact(name) for name in DETAIL_FIELDS}


def _clip(segments: list[Segment], start: date, end: date | None) -> list[Segment]:
    stop = end or FOREVER
    out = []
    for seg in segments:
        a, b = max(seg.start, start), min(seg.end or FOREVER, stop)
        if a < b:
            out.append(Segment(seg.value, a, None if b == FOREVER else b))
    return out


def _details_pieces(
    records: list[Held],
    lo: date,
    hi: date,
    given: dict[str, object],
    free: dict[str, list[Interval]],
) -> list[Segment]:
    """The details over ``[lo, hi)``: what is held, with each given field put in
    where this claim may write it."""
    # Fields a claim may write over the same spans (usually all it gives) are
    # looked at together.
    by_spans: dict[tuple[Interval, ...], list[str]] = defaultdict(list)
    for name, ivs in free.items():
        by_spans[tuple(ivs)].append(name)
    cuts = {lo, hi}
    for r in records:
        cuts.update(d for d in (r.start, r.end or FOREVER) if lo < d < hi)
    for ivs in by_spans:
        for start, end in ivs:
            cuts.update(d for d in (start, end or FOREVER) if lo < d < hi)
    pieces: list[Segment] = []
    for a, b in pairwise(sorted(cuts)):
        base = next((r for r in records if r.start <= a < (r.end or FOREVER)), None)
        applied = [
            n
            for ivs, names in by_spans.items()
            if any(s <= a < (e or FOREVER) for s, e in ivs)
            for n in names
        ]
        if base is None and not applied:
            continue  # nothing held and nothing said: a gap stays a gap
        value = dict(
            zip(DETAIL_FIELDS, base.value if base else [None] * 8, strict=True)
        )
        for name in applied:
            new, old = given[name], value[name]
            if old in (None, "") or not _same(new, old):
                value[name] = new
        for name in TEXT_FIELDS:
            value[name] = value[name] or ""
        seg_value = tuple(value[n] for n in DETAIL_FIELDS)
        end = None if b == FOREVER else b
        if pieces and pieces[-1].value == seg_value and pieces[-1].end == a:
            pieces[-1] = Segment(seg_value, pieces[-1].start, end)
        else:
            pieces.append(Segment(seg_value, a, end))
    return pieces
