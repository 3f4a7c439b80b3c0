"""Properties of ARRS claim lines over random posts, for every shipped year.

Whatever the post (role, WTE, salary, on-costs, dates, London zone) and month:
a claim never exceeds the role cap × WTE for its days; the ARRS-sum check never
lets a network's year pass its sum; and after the duplicate check no person is
claimed twice for a day.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import ROUND_CEILING, Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from pcnhub.rules.claim_checks import claim_lines, within_arrs_sum
from pcnhub.rules.claims import (
    MAXIMUM_OF,
    ClaimLine,
    Post,
    claim_line,
    days_in_year,
)
from pcnhub.rules.money import penny
from pcnhub.rules.registry import default_parameters

PARAMETERS = default_parameters()
ROLES = sorted(
    name.split(".")[1]
    for name in PARAMETERS.by_name
    if name.startswith("arrs_roles.") and name.endswith(".eligible")
)
#: roles with a published maximum in some year
PRICED = [
    r
    for r in ROLES
    if r == "gp"
    or any(not v.not_published for v in PARAMETERS[f"arrs_roles.{r}.maximum"].values)
]
MONTHS = [dt.date(2019 + (m + 6) // 12, (m + 6) % 12 + 1, 1) for m in range(12 * 8 - 3)]
DAYS = st.dates(dt.date(2018, 1, 1), dt.date(2027, 6, 30))


def _largest_maximum(role: str) -> Decimal:
    """The largest maximum the parameter files give the role, London included."""
    names = [MAXIMUM_OF.get(role, f"arrs_roles.{role}.maximum")]
    names += [f"arrs_roles.{role}.maximum_{z}_london" for z in ("outer", "inner")]
    found = [
        Decimal(v.value)
        for name in names
        if name in PARAMETERS.by_name
        for v in PARAMETERS[name].values
        if not v.not_published
    ]
    return max(found, default=Decimal(0))


@st.composite
def posts(
    draw: st.DrawFn,
    person: str = "",
    network: str = "",
    near: dt.date | None = None,
) -> Post:
    """A random post; with ``near``, one in post around that month."""
    if near is None:
        start = draw(DAYS)
    else:
        start = draw(st.dates(near - dt.timedelta(days=400), near.replace(day=28)))
    end = draw(st.none() | st.dates(start, dt.date(2027, 6, 30)))
    salary = Decimal(draw(st.integers(10_000_00, 150_000_00))) / 100
    return Post(
        person=person or draw(st.sampled_from(["A", "B", "C"])),
        network=network or draw(st.sampled_from(["U1", "U2"])),
        role=draw(st.sampled_from(PRICED) | st.sampled_from(ROLES)),
        wte=Decimal(draw(st.integers(1, 100))) / 100,
        salary=salary,
        start=start,
        end=end,
        funding=draw(
            st.sampled_from(
                ["arrs", "arrs", "local_scheme", "baseline", "practice_funded"]
            )
        ),
        london=draw(st.sampled_from(["none", "outer", "inner"])),
        on_costs=draw(
            st.none() | st.integers(0, 40_000_00).map(lambda p: Decimal(p) / 100)
        ),
        within_two_years_of_cct=draw(st.none() | st.booleans()),
        commissioner_agreed=draw(st.booleans()),
        written_agreement=draw(st.booleans()),
        baseline_exception=draw(st.sampled_from(["", "", "cpgp"])),
        key=draw(st.text("abcdef", min_size=1, max_size=4)),
    )


@settings(max_examples=300, deadline=None)
@given(data=st.data(), month=st.sampled_from(MONTHS))
def test_a_claim_never_exceeds_the_role_cap_for_its_days(
    data: st.DataObject, month: dt.date
) -> None:
    post = data.draw(posts(near=month))
    line = claim_line(post, month, PARAMETERS)
    assert Decimal(0) <= line.claimable <= penny(line.cap)
    bound = (
        _largest_maximum(post.role) * post.wte * line.days_in_post / days_in_year(month)
    ).quantize(Decimal("0.01"), rounding=ROUND_CEILING)
    assert line.claimable <= bound, line.explain()
    assert line.claimable <= penny(line.actual_cost)
    assert line.days_claimed <= line.days_in_post <= 31


@settings(max_examples=150, deadline=None)
@given(
    data=st.data(),
    year=st.integers(2020, 2025),
    arrs_sum=st.integers(0, 100_000_00).map(lambda p: Decimal(p) / 100),
)
def test_the_arrs_sum_check_never_lets_a_year_pass_the_sum(
    data: st.DataObject, year: int, arrs_sum: Decimal
) -> None:
    near = posts(network="U1", near=dt.date(year, 10, 1))
    many = data.draw(st.lists(near, min_size=1, max_size=6))
    months = [dt.date(year + (m > 8), (m + 3) % 12 + 1, 1) for m in range(0, 12, 3)]
    lines = [x for m in months for x in claim_lines(many, m, PARAMETERS)]
    held = within_arrs_sum(lines, arrs_sum)
    claimed = sum((x.claimable for x in held), Decimal(0))
    wanted = sum((x.claimable for x in lines), Decimal(0))
    assert claimed <= arrs_sum
    assert claimed == min(wanted, arrs_sum)
    assert all(x.claimable >= 0 for x in held)
    assert len(held) == len(lines)


def _claimed_days(line: ClaimLine) -> set[dt.date]:
    return {
        s.first + dt.timedelta(days=i)
        for s in line.segments
        if not s.blocked
        for i in range(s.days)
    }


@settings(max_examples=200, deadline=None)
@given(data=st.data(), month=st.sampled_from(MONTHS))
def test_no_person_is_claimed_twice_for_a_day_after_the_duplicate_check(
    data: st.DataObject, month: dt.date
) -> None:
    many = data.draw(st.lists(posts(near=month), min_size=2, max_size=6))
    seen: dict[tuple[str, dt.date], str] = {}
    by_person: dict[str, Decimal] = defaultdict(Decimal)
    for line in claim_lines(many, month, PARAMETERS):
        if line.claimable == 0:
            continue
        by_person[line.post.person] += line.claimable
        for day in _claimed_days(line):
            key = (line.post.person, day)
            assert key not in seen, f"{key} claimed by {seen[key]} and {line.post.id}"
            seen[key] = line.post.id


def test_the_duplicate_property_can_fail() -> None:
    """Without the check two networks claim the same days."""
    post = Post(
        "A",
        "U1",
        "clinical_pharmacist",
        Decimal(1),
        Decimal(40000),
        dt.date(2020, 4, 1),
        on_costs=Decimal(8000),
    )
    other = Post(
        "A",
        "U2",
        "clinical_pharmacist",
        Decimal(1),
        Decimal(40000),
        dt.date(2020, 4, 1),
        on_costs=Decimal(8000),
    )
    month = dt.date(2020, 5, 1)
    alone = [claim_line(p, month, PARAMETERS) for p in (post, other)]
    assert _claimed_days(alone[0]) & _claimed_days(alone[1])
    checked = claim_lines([post, other], month, PARAMETERS)
    assert not _claimed_days(checked[0]) & _claimed_days(checked[1])
    assert sum(x.claimable for x in checked) == alone[0].claimable
