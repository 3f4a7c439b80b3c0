"""The reconciliation rules, case by case and as properties."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from pcnhub.register.timeline import Held, Segment, reconcile, snapshot_span

D = date


def held(value: str, start: date, end: date | None, ref: str = "r") -> Held[str]:
    return Held(value, start, end, ref)


def test_same_value_is_unchanged() -> None:
    plan = reconcile(
        [held("X", D(2020, 1, 1), None)],
        D(2021, 1, 1),
        None,
        [Segment("X", D(2021, 1, 1))],
    )
    assert not plan.changed and plan.unchanged == 1


def test_new_value_closes_current_and_opens_next() -> None:
    plan = reconcile(
        [held("X", D(2020, 1, 1), None)],
        D(2021, 1, 1),
        None,
        [Segment("Y", D(2021, 1, 1))],
    )
    assert plan.close == [("r", D(2021, 1, 1))]
    assert plan.open == [Segment("Y", D(2021, 1, 1))]


def test_empty_snapshot_closes_membership() -> None:
    plan = reconcile([held("X", D(2020, 1, 1), None)], D(2021, 1, 1), None, [])
    assert plan.close == [("r", D(2021, 1, 1))] and plan.open == []


def test_earlier_history_is_added_without_touching_later_record() -> None:
    # Held from a snapshot of 2021-01-01; a dated source says it began in 2019.
    plan = reconcile(
        [held("X", D(2021, 1, 1), None)],
        D(2019, 10, 1),
        None,
        [Segment("X", D(2019, 10, 1))],
    )
    assert plan.close == []
    assert plan.open == [Segment("X", D(2019, 10, 1), D(2021, 1, 1))]


def test_contradicted_record_is_superseded_not_deleted() -> None:
    plan = reconcile(
        [held("X", D(2021, 1, 1), None)],
        D(2019, 10, 1),
        None,
        [Segment("Y", D(2019, 10, 1))],
    )
    assert plan.close == [("r", D(2021, 1, 1))]  # closed at its own start
    assert plan.open == [Segment("Y", D(2019, 10, 1))]


def test_record_running_past_span_keeps_its_tail() -> None:
    plan = reconcile(
        [held("X", D(2019, 1, 1), None)],
        D(2020, 1, 1),
        D(2021, 1, 1),
        [Segment("Y", D(2020, 1, 1), D(2021, 1, 1))],
    )
    assert plan.close == [("r", D(2020, 1, 1))]
    assert Segment("X", D(2021, 1, 1)) in plan.open
    assert Segment("Y", D(2020, 1, 1), D(2021, 1, 1)) in plan.open


def test_snapshot_span_stops_at_next_known_change() -> None:
    records = [held("X", D(2019, 1, 1), D(2022, 1, 1)), held("Y", D(2022, 1, 1), None)]
    assert snapshot_span(records, D(2020, 6, 1)) == (D(2020, 6, 1), D(2022, 1, 1))


days = st.integers(min_value=0, max_value=60).map(
    lambda n: D(2020, 1, 1) + timedelta(n)
)
values = st.sampled_from(["A", "B", "C"])


@st.composite
def timelines(draw: st.DrawFn) -> list[tuple[str, date, date | None]]:
    cuts = sorted(set(draw(st.lists(days, min_size=1, max_size=6))))
    open_ended = draw(st.booleans())
    out = []
    for i, start in enumerate(cuts):
        end = cuts[i + 1] if i + 1 < len(cuts) else None
        if end is None and not open_ended:
            end = start + timedelta(days=draw(st.integers(1, 20)))
        if draw(st.booleans()):
            out.append((draw(values), start, end))
    return out


def value_on(records: list[tuple[str, date, date | None]], day: date) -> str | None:
    hits = [v for v, s, e in records if s <= day and (e is None or day < e) and s != e]
    assert len(hits) <= 1, f"overlap on {day}: {records}"
    return hits[0] if hits else None


@given(timelines(), timelines(), days, st.one_of(st.none(), days))
def test_after_reconcile_source_wins_inside_span_and_rest_is_kept(
    before: list, source: list, span_start: date, span_end: date | None
) -> None:
    if span_end is not None and span_end <= span_start:
        span_end = None
    stop = span_end or D(2099, 1, 1)
    desired = []
    for value, s, e in source:
        s2, e2 = max(s, span_start), min(e or D(2099, 1, 1), stop)
        if s2 < e2:
            desired.append(Segment(value, s2, None if e2 == D(2099, 1, 1) else e2))
    records = [held(v, s, e, ref=str(i)) for i, (v, s, e) in enumerate(before)]
    plan = reconcile(records, span_start, span_end, desired)
    closes = dict(plan.close)
    after = []
    for i, (v, s, e) in enumerate(before):
        new_end = closes.get(str(i), e)
        assert new_end is None or e is None or new_end <= e  # only ever brought forward
        after.append((v, s, new_end))
    after += [(seg.value, seg.start, seg.end) for seg in plan.open]
    for n in range(0, 90):
        day = D(2020, 1, 1) + timedelta(n)
        inside = span_start <= day < stop
        expected = value_on(
            [(d.value, d.start, d.end) for d in desired] if inside else before, day
        )
        assert value_on(after, day) == expected


def test_snapshot_span_stops_at_a_known_end() -> None:
    records = [held("X", D(2019, 7, 1), D(2021, 10, 1))]
    assert snapshot_span(records, D(2021, 1, 1)) == (D(2021, 1, 1), D(2021, 10, 1))
