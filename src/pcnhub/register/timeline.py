"""Reconciling what a source says about a period with the records we hold.

Pure functions, no database. A *record* is something we already hold: a value
over ``[start, end)`` (``end`` None = still holds). A source asserts, over a
*span*, which values held when (*segments*; a gap means "nothing held", e.g. the
practice was in no network). :func:`reconcile` returns the least change that makes
the records agree with the source inside the span while leaving everything
outside it as it was, without ever rewriting a record's start: records are only
closed (their end brought forward), and new records are opened.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Generic, TypeVar

R = TypeVar("R")

FOREVER = date.max


def _end(value: date | None) -> date:
    return FOREVER if value is None else value


def _none_if_forever(value: date) -> date | None:
    return None if value == FOREVER else value


@dataclass(frozen=True)
class Segment:
    value: Hashable
    start: date
    end: date | None = None

    def __post_init__(self) -> None:
        if self.end is not None and self.end <= self.start:
            raise ValueError(f"a period must end after it starts: {self}")


@dataclass(frozen=True)
class Held(Generic[R]):
    """A record we hold, with a reference back to it (e.g. a model instance)."""

    value: Hashable
    start: date
    end: date | None
    ref: R


@dataclass
class Plan(Generic[R]):
    close: list[tuple[R, date]] = field(default_factory=list)
    open: list[Segment] = field(default_factory=list)
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.close or self.open)


def reconcile(
    held: Sequence[Held[R]],
    span_start: date,
    span_end: date | None,
    desired: Iterable[Segment],
) -> Plan[R]:
    """Make ``held`` agree with ``desired`` over ``[span_start, span_end)``.

    ``held`` must not overlap itself (ignore records already closed at their
    start); ``desired`` must lie inside the span and not overlap itself.
    """
    s, e = span_start, _end(span_end)
    wanted = sorted(desired, key=lambda seg: seg.start)
    _check_segments(wanted, s, e)
    plan: Plan[R] = Plan()
    kept: list[tuple[Hashable, date, date]] = []
    for record in held:
        r_start, r_end = record.start, _end(record.end)
        if r_start >= e or r_end <= s:
            continue
        part_start, part_end = max(r_start, s), min(r_end, e)
        same = _containing(wanted, record.value, part_start)
        keep_to = min(part_end, _end(same.end)) if same else part_start
        if keep_to == part_end:
            plan.unchanged += 1
            kept.append((record.value, part_start, part_end))
            continue
        plan.close.append((record.ref, keep_to))
        if keep_to > part_start:
            kept.append((record.value, part_start, keep_to))
        if r_end > e:
            # The source says nothing past its span: what we held there stands.
            plan.open.append(Segment(record.value, e, _none_if_forever(r_end)))
    for seg in wanted:
        plan.open.extend(_uncovered(seg, kept))
    return plan


def _check_segments(wanted: list[Segment], s: date, e: date) -> None:
    previous_end = s
    for seg in wanted:
        if seg.start < previous_end:
            raise ValueError(f"segments overlap or start before the span: {seg}")
        if _end(seg.end) > e:
            raise ValueError(f"segment runs past the span: {seg}")
        previous_end = _end(seg.end)


def _containing(wanted: list[Segment], value: Hashable, day: date) -> Segment | None:
    for seg in wanted:
        if seg.value == value and seg.start <= day < _end(seg.end):
            return seg
    return None


def _uncovered(seg: Segment, kept: list[tuple[Hashable, date, date]]) -> list[Segment]:
    pieces: list[Segment] = []
    cursor, stop = seg.start, _end(seg.end)
    covers = sorted(
        (start, end)
        for value, start, end in kept
        if value == seg.value and start < stop and end > cursor
    )
    for start, end in covers:
        if start > cursor:
            pieces.append(Segment(seg.value, cursor, _none_if_forever(start)))
        cursor = max(cursor, end)
    if cursor < stop:
        pieces.append(Segment(seg.value, cursor, _none_if_forever(stop)))
    return pieces


def snapshot_span(held: Sequence[Held[R]], day: date) -> tuple[date, date | None]:
    """The span a snapshot of ``day`` speaks for: up to the next thing we know.

    A file that describes one day says what held from that day on, until the
    next change we already know of: a record starting later, or one ending later
    (both from files imported earlier).
    """
    later = [r.start for r in held if r.start > day]
    later += [r.end for r in held if r.end is not None and r.end > day]
    return day, (min(later) if later else None)
