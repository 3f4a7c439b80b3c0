"""The register as one import sees it: load once, decide in memory, write in bulk.

Every assertion an importer makes goes through :class:`RegisterWriter`, which
turns it into the least change (see :mod:`pcnhub.register.timeline`) and counts
the outcome. Nothing is written until :meth:`RegisterWriter.flush`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal

from django.db.models import F

from pcnhub.register.models import (
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


def _same(a: object, b: object) -> bool:
    # Files disagree on capitals and spacing ("THE DENSHAM SURGERY" and
    # "The Densham Surgery"); that is not a change of name.
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
        }

    @property
    def changed(self) -> bool:
        t = self.totals()
        return any(t[o] for o in ("created", "updated", "closed"))


def _live(queryset):
    """Records that ever held (not those superseded before they began)."""
    return queryset.exclude(valid_to=F("valid_from"))


class RegisterWriter:
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
            Organisation.objects.values_list("code", "kind")
        )
        self.new_orgs: dict[str, Organisation] = {}
        self.versions: dict[str, list[OrganisationVersion]] = defaultdict(list)
        version_kinds = list(version_kinds)
        if version_kinds:
            qs = _live(OrganisationVersion.objects).filter(
                organisation__kind__in=version_kinds
            )
            for v in qs.order_by("valid_from", "id").iterator(chunk_size=BATCH):
                self.versions[v.organisation_id].append(v)
        self.links: dict[tuple[str, str], list[Relationship]] = defaultdict(list)
        self.relationship_kinds = set(relationship_kinds)
        if self.relationship_kinds:
            qs = _live(Relationship.objects).filter(kind__in=self.relationship_kinds)
            for r in qs.order_by("valid_from", "id").iterator(chunk_size=BATCH):
                self.links[(r.kind, r.child_id)].append(r)
        self.list_sizes: dict[tuple[str, str, date], ListSize] = {}
        list_measures = list(list_measures)
        if list_measures:
            qs = ListSize.objects.filter(
                measure__in=list_measures, superseded_by__isnull=True
            )
            for ls in qs.iterator(chunk_size=BATCH):
                self.list_sizes[(ls.practice_id, ls.measure, ls.date)] = ls
        self.new_rows: dict[type, list] = defaultdict(list)
        self.closed_rows: dict[type, dict[int, object]] = defaultdict(dict)
        self.commissioner_moves: list[tuple[str, str, date]] = []

    # organisations -----------------------------------------------------------------

    def organisation(self, code: str, kind: str) -> None:
        known = self.orgs.get(code)
        if known is None:
            self.orgs[code] = kind
            self.new_orgs[code] = Organisation(
                code=code, kind=kind, first_recorded_by=self.run
            )
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
        """A snapshot of ``day`` says these are the organisation's details."""
        self.organisation(code, kind)
        held = self.versions[code]
        current = next(
            (v for v in held if v.valid_from <= day and (v.valid_to or date.max) > day),
            None,
        )
        base = current or (held[-1] if held and held[-1].valid_from <= day else None)
        merged = {}
        for name in DETAIL_FIELDS:
            new, old = getattr(said, name), getattr(base, name, None) if base else None
            keep_old = new is None or (old not in (None, "") and _same(new, old))
            merged[name] = old if keep_old else new
        for name in ("name", "subtype", "address", "postcode", "status"):
            merged[name] = merged[name] or ""
        value = tuple(merged[n] for n in DETAIL_FIELDS)
        records = [
            Held(
                tuple(getattr(v, n) for n in DETAIL_FIELDS), v.valid_from, v.valid_to, v
            )
            for v in held
        ]
        start, end = snapshot_span(records, day)
        if not held and history_from and history_from < day:
            start = history_from  # first sight: the details held since it opened
        plan = reconcile(records, start, end, [Segment(value, start, end)])
        self.counts.add_plan(f"{kind} details", plan)
        for version, valid_to in plan.close:
            self._close(version, valid_to)
        for seg in plan.open:
            attrs = dict(zip(DETAIL_FIELDS, seg.value, strict=True))
            version = OrganisationVersion(
                organisation_id=code,
                valid_from=seg.start,
                valid_to=seg.end,
                opened_by=self.run,
                **attrs,
            )
            self._add(version)
            held.append(version)
        held.sort(key=lambda v: v.valid_from)

    # relationships -------------------------------------------------------------

    def link_snapshot(
        self, kind: str, child: str, parent: str | None, day: date
    ) -> None:
        """On ``day`` the child's parent was ``parent`` (None: it had none)."""
        held = self._held_links(kind, child)
        start, end = snapshot_span(held, day)
        desired = [Segment(parent, start, end)] if parent else []
        self._apply_links(kind, child, held, start, end, desired)

    def link_history(
        self,
        kind: str,
        child: str,
        segments: list[Segment],
        since: date,
        known_on: date,
    ) -> None:
        """From ``since`` on, the child's parents were exactly ``segments``.

        The source was extracted on ``known_on``: it cannot speak past the next
        change we already hold after that day (from a later file imported first).
        """
        held = self._held_links(kind, child)
        _, end = snapshot_span(held, known_on)
        if end is not None:
            if since >= end:
                self.counts.add(RelationshipKind(kind).label, "unchanged")
                return
            segments = [
                Segment(s.value, s.start, min(s.end or end, end))
                for s in segments
                if s.start < end
            ]
        self._apply_links(kind, child, held, since, end, segments)

    def _held_links(self, kind: str, child: str) -> list[Held[Relationship]]:
        assert kind in self.relationship_kinds, f"{kind} not loaded"
        return [
            Held(r.parent_id, r.valid_from, r.valid_to, r)
            for r in self.links[(kind, child)]
        ]

    def _apply_links(
        self,
        kind: str,
        child: str,
        held: list[Held[Relationship]],
        start: date,
        end: date | None,
        desired: list[Segment],
    ) -> None:
        plan = reconcile(held, start, end, desired)
        self.counts.add_plan(RelationshipKind(kind).label, plan)
        if not plan.changed:
            return
        records = self.links[(kind, child)]
        closed_at: dict[date, str] = {}
        for link, valid_to in plan.close:
            self._close(link, valid_to)
            if link.valid_to == link.valid_from:
                records.remove(link)  # superseded before it held: not a move
            else:
                closed_at[valid_to] = link.parent_id
        for seg in plan.open:
            link = Relationship(
                kind=kind,
                child_id=child,
                parent_id=str(seg.value),
                valid_from=seg.start,
                valid_to=seg.end,
                opened_by=self.run,
            )
            self._add(link)
            records.append(link)
            before = closed_at.get(seg.start)
            if kind == RelationshipKind.PRACTICE_COMMISSIONER and before:
                self.commissioner_moves.append((before, link.parent_id, seg.start))
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
            current.superseded_by = self.run
            self.closed_rows[ListSize][id(current)] = current
        row = ListSize(
            practice_id=practice,
            measure=measure,
            date=day,
            value=value,
            recorded_by=self.run,
        )
        self.list_sizes[key] = row
        self._add(row)
        self.counts.add(fact, "updated" if current is not None else "created")

    # successions ---------------------------------------------------------------

    def infer_successions(self) -> list[Succession]:
        """A commissioner whose practices all moved away on one day was succeeded.

        This is how the ODS files show CCG mergers: the practices' commissioner
        column changes on the merger date and the old code stops appearing.
        """
        found: dict[tuple[str, str, date], Succession] = {}
        last_day = self._commissioning_ends()
        for old, new, day in self.commissioner_moves:
            if old == new or last_day.get(old, day) > day:
                continue
            key = (old, new, day)
            if (
                key in found
                or Succession.objects.filter(
                    predecessor_id=old, successor_id=new, effective=day
                ).exists()
            ):
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

    def _commissioning_ends(self) -> dict[str, date]:
        """For each commissioner, the day its last practice link ends."""
        ends: dict[str, date] = {}
        for (kind, _child), links in self.links.items():
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

    def _close(self, row: Relationship | OrganisationVersion, valid_to: date) -> None:
        row.valid_to = valid_to
        row.closed_by = self.run
        if row.pk is not None:
            self.closed_rows[type(row)][row.pk] = row

    def flush(self) -> None:
        Organisation.objects.bulk_create(self.new_orgs.values(), batch_size=BATCH)
        successions = self.infer_successions()
        for model in (OrganisationVersion, Relationship, ListSize):
            new = self.new_rows.get(model, [])
            closed = list(self.closed_rows.get(model, {}).values())
            if model is ListSize:
                ListSize.objects.bulk_update(
                    closed, ["superseded_by"], batch_size=BATCH
                )
            else:
                model.objects.bulk_update(
                    closed, ["valid_to", "closed_by"], batch_size=BATCH
                )
            model.objects.bulk_create(new, batch_size=BATCH)
        Succession.objects.bulk_create(successions, batch_size=BATCH)
