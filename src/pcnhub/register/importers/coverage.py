"""Which import speaks for which period: the rule that makes import order not matter.

Every claim a file makes about a fact of a subject (a practice's network, a
network's commissioner, an organisation's name...) covers a period and has a
rank:

* an **observed** claim (tier 1) covers from its start with no end: a snapshot
  from the file's day, a dated history from its first start. The file known on
  the later day ranks higher: it saw more.
* an **assumed** claim (tier 0) fills the past back to an open date with what the
  file saw on its day (epraccur and ePCN details). It ranks below every observed
  claim and, among assumed claims, the file known on the *earlier* day ranks
  higher: its sighting is the nearer to the past it fills.

Ties (two files known on the same day) go by import kind, so that files of
different kinds never depend on the order of import; two files of one kind
known on the same day are a file and its correction, and the one imported
later wins.

A claim is written only over the part of its period that no higher-ranked claim
already covers (:meth:`CoverageIndex.free`). By induction, every day of every
fact then holds what the highest-ranked claim covering that day says, whatever
order the files were imported in; an older file imported after a newer one only
adds or closes history where the newer one is silent (before its date).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from pcnhub.register.importers import bulk
from pcnhub.register.models import Coverage, ImportRun

OBSERVED, ASSUMED = 1, 0
FOREVER = date.max
Interval = tuple[date, date | None]
Rank = tuple[int, int, str, int]


def rank(tier: int, known_on: date, kind: str, run: int) -> Rank:
    day = known_on.toordinal()
    return (tier, day if tier == OBSERVED else -day, kind, run)


def subtract(span: Interval, taken: list[Interval]) -> list[Interval]:
    """The parts of ``span`` that none of ``taken`` covers."""
    free: list[Interval] = []
    cursor, stop = span[0], span[1] or FOREVER
    for start, end in sorted(taken):
        end = end or FOREVER
        if end <= cursor or start >= stop:
            continue
        if start > cursor:
            free.append((cursor, start))
        cursor = max(cursor, end)
        if cursor >= stop:
            break
    if cursor < stop:
        free.append((cursor, None if stop == FOREVER else stop))
    return free


def _whole(span: Interval) -> list[Interval]:
    """``subtract(span, [])``: the span, unless it is empty."""
    return [span] if span[1] is None or span[0] < span[1] else []


@dataclass
class _Row:
    run: int
    rank: Rank
    tier: int
    known_on: date
    #: subject code: ISO start, as stored (read as a date only when looked up:
    #: most of a file's subjects are never asked about by the next import)
    starts: dict[str, str]
    everyone_from: date | None

    @property
    def end(self) -> date | None:
        """Where this claim stops: an observed claim never does."""
        return None if self.tier == OBSERVED else self.known_on


#: A claim of another run about one fact, as :meth:`CoverageIndex.free` reads
#: it: its rank, its starts, the day it spoke for everyone from (or None) with
#: the subjects the run named for the fact, and where the claim stops.
_Claim = tuple[Rank, dict[str, str], date | None, set[str], date | None]


class CoverageIndex:
    """The coverage other runs recorded for some facts, and this run's own."""

    def __init__(self, run: ImportRun, facts: set[str]) -> None:
        self.run = run
        self.by_fact: dict[str, list[_Row]] = defaultdict(list)
        self.named: dict[tuple[int, str], set[str]] = defaultdict(set)
        self.new: dict[tuple, dict[str, date]] = defaultdict(dict)
        self.new_everyone: set[tuple[str, date]] = set()
        #: Set by :meth:`free` when a higher-ranked claim took part of the span.
        self.cut = False
        if facts:
            self._load(facts)
        # Each fact's claims, highest rank first, so that a lookup stops at the
        # first claim that does not outrank this run's.
        self._claims: dict[str, list[_Claim]] = {
            fact: [
                (
                    row.rank,
                    row.starts,
                    row.everyone_from,
                    self.named[(row.run, fact)],
                    row.end,
                )
                for row in sorted(rows, key=lambda r: r.rank, reverse=True)
            ]
            for fact, rows in self.by_fact.items()
        }
        #: Facts other runs claimed in exactly the same rows have the same free
        #: spans (an organisation's details are claimed together), so
        #: :meth:`free_many` works each group out once.
        self._group: dict[str, frozenset[int]] = {
            fact: frozenset(id(row) for row in rows)
            for fact, rows in self.by_fact.items()
        }
        self._plans: dict[tuple[str, ...], list[tuple[str, list[int]]]] = {}
        self._ranks: dict[tuple[int, date], Rank] = {}

    def _load(self, facts: set[str]) -> None:
        rows = bulk.values(
            Coverage.objects.exclude(run=self.run),
            "run_id",
            "run__kind",
            "facts",
            "tier",
            "known_on",
            "starts",
            "everyone_from",
        )
        for run, kind, names, tier, known_on, starts, everyone in rows:
            wanted = facts.intersection(names)
            if not wanted:
                continue
            row = _Row(
                run,
                rank(tier, known_on, kind, run),
                tier,
                known_on,
                starts,
                everyone,
            )
            for fact in wanted:
                self.by_fact[fact].append(row)
                self.named[(run, fact)].update(row.starts)

    def _rank(self, tier: int, known_on: date) -> Rank:
        mine = self._ranks.get((tier, known_on))
        if mine is None:
            mine = rank(tier, known_on, self.run.kind, self.run.pk)
            self._ranks[(tier, known_on)] = mine
        return mine

    def _outranked(self, fact: str, mine: Rank) -> bool:
        """Whether any other claim of the fact outranks ``mine``: if none does
        (a file newer than every other), every subject's span is free whole."""
        claims = self._claims.get(fact)
        return bool(claims) and claims[0][0] > mine  # highest first

    def _higher(self, fact: str, subject: str, mine: Rank) -> list[Interval]:
        taken: list[Interval] = []
        for claim_rank, starts, everyone_from, named, end in self._claims[fact]:
            if claim_rank <= mine:
                break  # highest first: none after this one outranks us
            iso = starts.get(subject)
            if iso is not None:
                start = date.fromisoformat(iso)
            elif everyone_from is None or subject in named:
                continue
            else:
                start = everyone_from
            taken.append((start, end))
        return taken

    def free(
        self,
        fact: str,
        subject: str,
        tier: int,
        known_on: date,
        span: Interval,
    ) -> list[Interval]:
        """The parts of ``span`` this run's claim may write."""
        mine = self._rank(tier, known_on)
        if not self._outranked(fact, mine):
            return _whole(span)
        free = subtract(span, self._higher(fact, subject, mine))
        if tier == OBSERVED and free != [span]:
            self.cut = True
        return free

    def free_many(
        self,
        facts: tuple[str, ...],
        subject: str,
        tier: int,
        known_on: date,
        span: Interval,
    ) -> list[list[Interval]]:
        """:meth:`free` of each fact (the lists may be shared: do not change them),
        worked out once per group of facts claimed together."""
        plan = self._plans.get(facts)
        if plan is None:
            by_group: dict[frozenset[int] | None, tuple[str, list[int]]] = {}
            for i, fact in enumerate(facts):
                by_group.setdefault(self._group.get(fact), (fact, []))[1].append(i)
            plan = self._plans[facts] = list(by_group.values())
        mine = self._rank(tier, known_on)
        out: list[list[Interval]] = [[]] * len(facts)
        for fact, positions in plan:
            if not self._outranked(fact, mine):
                free = _whole(span)
            else:
                free = subtract(span, self._higher(fact, subject, mine))
                if tier == OBSERVED and free != [span]:
                    self.cut = True
            for i in positions:
                out[i] = free
        return out

    def record(
        self,
        facts: tuple[str, ...],
        subject: str,
        tier: int,
        known_on: date,
        start: date,
    ) -> None:
        self.new[(facts, tier, known_on)][subject] = start

    def record_everyone(self, fact: str, known_on: date) -> None:
        self.new_everyone.add((fact, known_on))

    #: The columns of :meth:`rows`, as :func:`.bulk.insert_rows` writes them.
    COLUMNS = ("run", "facts", "tier", "known_on", "starts", "everyone_from")

    def rows(self) -> list[tuple]:
        """This run's claims as rows of :data:`COLUMNS` (a claim's starts are one
        JSON object of tens of thousands of codes: written as tuples, not
        through ``bulk_create``, whose client-side quoting of JSON on PostgreSQL
        cost a third of a second an import)."""
        run = self.run.pk
        rows = [
            (
                run,
                list(facts),
                tier,
                known_on,
                {code: day.isoformat() for code, day in starts.items()},
                None,
            )
            for (facts, tier, known_on), starts in self.new.items()
        ]
        rows += [
            (run, [fact], OBSERVED, known_on, {}, known_on)
            for fact, known_on in sorted(self.new_everyone)
        ]
        return rows
