"""The writer's pure steps of deciding: whether a claim is already held (the
shortcuts of :func:`~pcnhub.register.timeline.reconcile`), clipping segments to
a span, and the pieces of an organisation's details a claim leads to.

Used by :class:`pcnhub.register.importers.writer.RegisterWriter`.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from itertools import pairwise

from pcnhub.register.importers.coverage import (
    FOREVER,
    Interval,
)
from pcnhub.register.importers.rows import (
    DETAIL_FIELDS,
    TEXT_FIELDS,
    LinkRow,
    VersionRow,
    _same,
    detail_fact,
)
from pcnhub.register.models import (
    RelationshipKind,
)
from pcnhub.register.timeline import Held, Segment

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
    for name, new in given.items():
        old = value[_POSITION[name]]
        if new == old:
            continue  # given values are never None: nothing to put in
        after = new if old in (None, "") or not _same(new, old) else old
        if name in TEXT_FIELDS:
            after = after or ""
        if after != old:
            return False
    # A field not given is kept, but a text field held as None would become "".
    return all(value[i] is not None for i in _TEXT_POSITIONS)


_POSITION = {name: i for i, name in enumerate(DETAIL_FIELDS)}
_TEXT_POSITIONS = tuple(
    i for i, name in enumerate(DETAIL_FIELDS) if name in TEXT_FIELDS
)
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
