"""Following commissioner successions (mergers) at query time.

When a commissioner is succeeded (a :class:`~pcnhub.register.models.Succession`),
the practices and networks the register still records under it are taken to be
under its successor from the succession's date: an *inferred* link. Nothing
stored is rewritten, so the answer does not depend on the order files were
imported in. A link recorded from the succession's date or later (what a later
file says) is taken as it stands: only links that started before a succession
are carried over by it.

A commissioner succeeded by several others on one day (a split) has no single
successor, and a commissioner already closed is no successor: links are then
left as recorded.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from pcnhub.register.models import Succession


@dataclass(frozen=True)
class Parent:
    """The parent of a link on a day, after following any succession."""

    code: str
    #: The parent the register's record names.
    recorded: str
    #: The day the successor took over (only when inferred).
    since: date | None = None

    @property
    def inferred(self) -> bool:
        return self.code != self.recorded


@dataclass(frozen=True)
class Successions:
    """Every succession, read once, to answer questions for many links."""

    #: predecessor -> [(effective, successor)], by date.
    after: dict[str, list[tuple[date, str]]]

    @classmethod
    def load(cls) -> Successions:
        after: dict[str, list[tuple[date, str]]] = defaultdict(list)
        for old, new, effective in Succession.objects.order_by(
            "effective", "successor_id"
        ).values_list("predecessor_id", "successor_id", "effective"):
            after[old].append((effective, new))
        return cls(dict(after))

    def closed_on(self, code: str) -> date | None:
        """The first day ``code`` no longer exists (its first succession)."""
        found = self.after.get(code)
        return found[0][0] if found else None

    def successor(self, code: str, effective: date) -> str | None:
        """The one successor of ``code`` on ``effective`` (None for a split)."""
        found = {new for day, new in self.after.get(code, []) if day == effective}
        return found.pop() if len(found) == 1 else None

    def resolve(self, recorded: str, since: date, day: date) -> Parent:
        """Who holds a link to ``recorded`` (recorded from ``since``) on ``day``.

        Follows each succession after the link started and on or before ``day``,
        through chains (A → B → C), stopping at a split or a loop.
        """
        code, took_over, seen = recorded, None, {recorded}
        while True:
            step = self._next(code, since, day)
            if step is None:
                break
            effective, new = step
            if new in seen:
                break
            code, took_over, since = new, effective, effective
            seen.add(new)
        return Parent(code, recorded, took_over)

    def _next(self, code: str, since: date, day: date) -> tuple[date, str] | None:
        for effective, _new in self.after.get(code, []):
            if since < effective <= day:
                successor = self.successor(code, effective)
                if successor is None or self._closed_before(successor, effective):
                    return None
                return effective, successor
        return None

    def _closed_before(self, code: str, day: date) -> bool:
        """``code`` had been closed by a succession of its own before ``day``: a
        succession to it then is not followed (a file read out of order can
        suggest one)."""
        closed = self.closed_on(code)
        return closed is not None and closed < day

    def predecessors(self, code: str, day: date) -> set[str]:
        """Every commissioner whose links may pass to ``code`` by ``day``."""
        before: dict[str, set[str]] = defaultdict(set)
        for old, steps in self.after.items():
            for effective, new in steps:
                if effective <= day:
                    before[new].add(old)
        found: set[str] = set()
        frontier = {code}
        while frontier:
            new = set().union(*(before.get(c, set()) for c in frontier)) - found
            found |= new
            frontier = new
        found.discard(code)
        return found
