"""The register as one import sees it: load once, decide in memory, write in bulk.

Every assertion an importer makes goes through :class:`RegisterWriter`, which
turns it into the least change (see :mod:`pcnhub.register.timeline`) and counts
the outcome. Nothing is written until :meth:`RegisterWriter.flush`.

The rows it holds are in :mod:`.rows`, its pure deciding steps in :mod:`.deciding`
and its writing in :mod:`.flushing`; importers import them all from here.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from itertools import pairwise

from django.db.models import F

from pcnhub.register.importers import bulk
from pcnhub.register.importers.coverage import (
    ASSUMED,
    FOREVER,
    OBSERVED,
    CoverageIndex,
    Interval,
)
from pcnhub.register.importers.deciding import (
    _DETAIL_FACTS,
    _already_held,
    _clip,
    _details_pieces,
    _held_versions,
    _label,
    _link_held,
)
from pcnhub.register.importers.flushing import (
    insert_organisations,
    write_links,
    write_list_sizes,
    write_versions,
)
from pcnhub.register.importers.rows import (
    APPLICATION,
    BATCH,
    DETAIL_FIELDS,
    TEXT_FIELDS,
    VERSION_COLUMNS,
    Counts,
    Details,
    LinkRow,
    ListRow,
    VersionRow,
    detail_fact,
    without_cycle_collection,
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

__all__ = [
    "APPLICATION",
    "BATCH",
    "DETAIL_FIELDS",
    "TEXT_FIELDS",
    "VERSION_COLUMNS",
    "Counts",
    "Details",
    "LinkRow",
    "ListRow",
    "RegisterWriter",
    "VersionRow",
    "detail_fact",
    "without_cycle_collection",
]


def _live(queryset):
    """Records that ever held (not those superseded before they began)."""
    return queryset.exclude(valid_to=F("valid_from"))


@functools.cache
def _facts_of(given: tuple[str, ...]) -> tuple[str, ...]:
    """The coverage facts of the detail fields a claim gives (a file gives the
    same few sets of fields for every organisation)."""
    return tuple(_DETAIL_FACTS[n] for n in given)


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
        # A Details' own attributes, in field order, without a getattr each.
        given = {n: v for n, v in vars(said).items() if v is not None}
        live = [v for v in self.versions[code] if v.valid_to != v.valid_from]
        claimed_from = history_from if history_from and history_from < day else day
        if self.run.kind != APPLICATION and _already_held(
            live, claimed_from, FOREVER, given
        ):
            self._details_held(code, kind, day, tuple(given), history_from)
            return
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
        asked = self.run.kind != APPLICATION and (lo, hi) == (claimed_from, FOREVER)
        if not asked and _already_held(live, lo, hi, given):
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

    def _details_held(
        self,
        code: str,
        kind: str,
        day: date,
        given: tuple[str, ...],
        history_from: date | None,
    ) -> None:
        """Record and count a claim one held version already says over its whole
        span, as :meth:`details` would, without working out which parts of the
        span are free: whatever they are, that version covers them unchanged.

        Most details in a national file are held. Only the observed claim is
        looked up, because only it can be bounded by a newer file (counted).
        """
        facts = _facts_of(given)
        coverage = self.coverage
        coverage.cut = False
        if facts:
            coverage.record(facts, code, OBSERVED, day, day)
            coverage.free_many(facts, code, OBSERVED, day, (day, None))
            if history_from and history_from < day:
                coverage.record(facts, code, ASSUMED, day, history_from)
        if coverage.cut:
            self.counts.bounded[f"{kind} details"] += 1
        self.counts.add(f"{kind} details", "unchanged")

    def _free_details(
        self, code: str, day: date, given: tuple[str, ...], history_from: date | None
    ) -> dict[str, list[Interval]]:
        claims: list[tuple[int, Interval]] = [(OBSERVED, (day, None))]
        if history_from and history_from < day:
            claims.append((ASSUMED, (history_from, day)))
        free: dict[str, list[Interval]] = {name: [] for name in given}
        facts = _facts_of(given)
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
        insert_organisations(self.new_orgs, run)
        successions = self.infer_successions()
        write_versions(self.closed_rows[VersionRow], self.new_rows[VersionRow], run)
        write_links(self.closed_rows[LinkRow], self.new_rows[LinkRow], run)
        write_list_sizes(self.closed_rows[ListRow], self.new_rows[ListRow], run)
        Succession.objects.bulk_create(successions, batch_size=BATCH)
        if self._coverage is not None:  # unused: this run claimed nothing
            bulk.insert_rows(Coverage, CoverageIndex.COLUMNS, self._coverage.rows())
