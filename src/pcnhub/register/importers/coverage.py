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


@dataclass
class _Row:
    run: int
    rank: Rank
    tier: int
    known_on: date
    starts: dict[str, date]
    everyone_from: date | None


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

    def _load(self, facts: set[str]) -> None:
        rows = Coverage.objects.exclude(run=self.run).values_list(
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
                {code: date.fromisoformat(day) for code, day in starts.items()},
                everyone,
            )
            for fact in wanted:
                self.by_fact[fact].append(row)
                self.named[(run, fact)].update(row.starts)

    def _higher(self, fact: str, subject: str, mine: Rank) -> list[Interval]:
        taken: list[Interval] = []
        for row in self.by_fact.get(fact, ()):
            if row.rank <= mine:
                continue
            start = row.starts.get(subject)
            if start is None:
                if row.everyone_from is None or subject in self.named[(row.run, fact)]:
                    continue
                start = row.everyone_from
            taken.append((start, None if row.tier == OBSERVED else row.known_on))
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
        if fact not in self.by_fact:  # no other run has claimed it: all of it
            return subtract(span, [])
        mine = rank(tier, known_on, self.run.kind, self.run.pk)
        free = subtract(span, self._higher(fact, subject, mine))
        if tier == OBSERVED and free != [span]:
            self.cut = True
        return free

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

    def rows(self) -> list[Coverage]:
        rows = [
            Coverage(
                run=self.run,
                facts=list(facts),
                tier=tier,
                known_on=known_on,
                starts={code: day.isoformat() for code, day in starts.items()},
            )
            for (facts, tier, known_on), starts in self.new.items()
        ]
        rows += [
            Coverage(
                run=self.run,
                facts=[fact],
                tier=OBSERVED,
                known_on=known_on,
                everyone_from=known_on,
            )
            for fact, known_on in sorted(self.new_everyone)
        ]
        return rows
