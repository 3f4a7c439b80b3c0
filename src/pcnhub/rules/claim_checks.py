"""Checks over many ARRS claim lines, and adjustment lines for backdated changes.

* :func:`claim_lines` works out a month's lines for a list of posts and the
  **duplicate check**: a person claimed through the ARRS on the same day by two
  posts (two networks, or two roles) is claimed once, by the post that started
  first (then by network and post id); the other post's line claims nothing for
  those days and says so. A person ARRS-funded and funded from another source on
  the same day is a warning (a split post is allowed), an error when the two
  posts' WTE add up to more than 1, and then the ARRS days are withdrawn too.
* :func:`within_arrs_sum` takes a network's lines for a contract year, month by
  month, and stops the claims when their running total reaches the network's
  ARRS sum: the line that crosses it is cut to what is left, later lines claim
  nothing, and each says by how much.
* :func:`adjustments` works out lines already claimed again on new parameters
  (a backdated uplift) and returns the difference for each month.
* :func:`not_additional_total` sums what the posts flagged not additional would
  have claimed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from pcnhub.rules.claims import ClaimFinding, ClaimLine, Post, claim_line, pounds
from pcnhub.rules.money import ZERO
from pcnhub.rules.params import Parameters, Value
from pcnhub.rules.periods import ContractYear


def _order(post: Post) -> tuple[dt.date, str, str]:
    return (post.start, post.network, post.id)


def claim_lines(
    posts: Iterable[Post], month: dt.date, parameters: Parameters
) -> list[ClaimLine]:
    """Every post's line for ``month``, with the duplicate check applied."""
    month = month.replace(day=1)
    by_person: dict[str, list[Post]] = defaultdict(list)
    for post in posts:
        by_person[post.person].append(post)
    lines = []
    for person in sorted(by_person):
        lines += _person_lines(sorted(by_person[person], key=_order), month, parameters)
    return lines


def _days(line: ClaimLine) -> set[dt.date]:
    """The days a line claims something for."""
    return {
        s.first + dt.timedelta(days=i)
        for s in line.segments
        if not s.blocked
        for i in range(s.days)
    }


def _person_lines(
    posts: list[Post], month: dt.date, parameters: Parameters
) -> list[ClaimLine]:
    claimed: dict[dt.date, Post] = {}  # day → the ARRS post claiming it
    others = [p for p in posts if not p.claimed]
    out = []
    for post in posts:
        if not post.claimed:
            out.append(claim_line(post, month, parameters))
            continue
        alone = claim_line(post, month, parameters)
        taken = {d for d in _days(alone) if d in claimed}
        over = _over_one_wte(post, others, month)
        line = claim_line(post, month, parameters, frozenset(taken | set(over)))
        findings = _twice(line, alone, taken, claimed) + _two_sources(
            post, others, over
        )
        out.append(dataclasses.replace(line, findings=line.findings + findings))
        claimed.update(dict.fromkeys(_days(line), post))
    return out


def _twice(
    line: ClaimLine,
    alone: ClaimLine,
    taken: set[dt.date],
    claimed: dict[dt.date, Post],
) -> tuple[ClaimFinding, ...]:
    if not taken:
        return ()
    first = {f"{claimed[d].network} ({claimed[d].role})" for d in taken}
    withdrawn = alone.claimable - line.claimable
    return (
        ClaimFinding(
            "claimed_twice",
            "error",
            f"{line.post.person} is already claimed on {len(taken)} day(s) "
            f"({min(taken)} to {max(taken)}) by {', '.join(sorted(first))}: "
            f"{pounds(withdrawn)} withdrawn from this line (claims "
            f"£{line.claimable:,}, not £{alone.claimable:,}).",
            withdrawn,
        ),
    )


def _overlap(a: Post, b: Post, month: dt.date) -> list[dt.date]:
    first = month.replace(day=1)
    after = (first + dt.timedelta(days=32)).replace(day=1)
    days = (first + dt.timedelta(days=i) for i in range((after - first).days))
    return [d for d in days if a.in_post(d) and b.in_post(d)]


def _over_one_wte(post: Post, others: list[Post], month: dt.date) -> list[dt.date]:
    """Days the ARRS post and other-funded posts of the person exceed 1 WTE."""
    days: list[dt.date] = []
    for day in _overlap(post, post, month):  # the post's days in the month
        wte = post.wte + sum((o.wte for o in others if o.in_post(day)), Decimal(0))
        if wte > 1:
            days.append(day)
    return days


def _two_sources(
    post: Post, others: list[Post], over: list[dt.date]
) -> tuple[ClaimFinding, ...]:
    out = []
    for other in others:
        shared = _shared_days(post, other)
        if shared is None:
            continue
        wte = post.wte + other.wte
        severity = "error" if over else "warning"
        text = (
            f"{post.person} is ARRS-funded here and {other.funding} funded in "
            f"{other.network} ({other.role}) {shared}; "
            f"WTE {post.wte} + {other.wte} = {wte}"
        )
        text += (
            f": over 1 WTE, so {len(over)} day(s) are not claimed."
            if over
            else ": check the ARRS part is additional."
        )
        out.append(ClaimFinding("two_funding_sources", severity, text))
    return tuple(out)


def _shared_days(a: Post, b: Post) -> str | None:
    """``from 2020-01-01 to 2020-03-31`` (or ``… onwards``): both posts' days."""
    first = max(a.start, b.start)
    ends = [e for e in (a.end, b.end) if e is not None]
    last = min(ends) if ends else None
    if last is not None and last < first:
        return None
    return f"from {first} to {last}" if last else f"from {first} onwards"


def within_arrs_sum(lines: Sequence[ClaimLine], arrs_sum: Decimal) -> list[ClaimLine]:
    """One network's lines for one contract year, held within its ARRS sum.

    Lines are taken month by month (within a month, by post id); the running
    total of what is claimed never passes ``arrs_sum``.
    """
    networks = {line.post.network for line in lines}
    years = {ContractYear.containing(line.month) for line in lines}
    if len(networks) > 1 or len(years) > 1:
        raise ValueError(
            "the ARRS sum is a network's for a contract year: give one network's "
            f"lines for one year (got {sorted(networks)}, {sorted(map(str, years))})"
        )
    total, out = ZERO, []
    for line in sorted(lines, key=lambda x: (x.month, x.post.id)):
        left = max(arrs_sum - total, ZERO)
        if line.claimable <= left:
            total += line.claimable
            out.append(line)
            continue
        cut = line.claimable - left
        text = (
            f"Claims for the year reach the network's ARRS sum of "
            f"£{arrs_sum:,}: {pounds(total)} claimed before this line, so it "
            f"claims {pounds(left)}, not £{line.claimable:,} ({pounds(cut)} over)."
        )
        finding = ClaimFinding("over_arrs_sum", "error", text, cut)
        total += left
        out.append(
            dataclasses.replace(
                line, claimable=left, findings=(*line.findings, finding)
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class Adjustment:
    """The difference for one month between what was claimed and what is due."""

    post: Post
    month: dt.date
    claimed: Decimal
    due: Decimal
    reason: str

    @property
    def difference(self) -> Decimal:
        return self.due - self.claimed

    def as_dict(self) -> dict[str, str]:
        """A JSON-ready adjustment line (decimals as strings)."""
        return {
            "post": self.post.id,
            "network": self.post.network,
            "month": f"{self.month:%Y-%m}",
            "claimed": str(self.claimed),
            "due": str(self.due),
            "difference": str(self.difference),
            "reason": self.reason,
        }


def adjustments(
    claimed: Iterable[ClaimLine], parameters: Parameters, why: str = ""
) -> list[Adjustment]:
    """Each claimed month worked out again on ``parameters``; the months whose
    claim changes, with the difference and the parameter values that moved."""
    out = []
    for line in claimed:
        again = claim_line(line.post, line.month, parameters, line.excluded)
        if again.claimable == line.claimable:
            continue
        reason = _moved(line.parameters, again.parameters)
        if why:
            reason = f"{why}: {reason}" if reason else why
        out.append(
            Adjustment(line.post, line.month, line.claimable, again.claimable, reason)
        )
    return out


def _moved(old: Sequence[Value], new: Sequence[Value]) -> str:
    before = {v.parameter: v for v in old}
    changes = []
    for value in new:
        was = before.get(value.parameter)
        if was != value:
            text = was.describe() + f" from {was.start}" if was else "none"
            changes.append(
                f"{value.parameter} {text} → {value.describe()} from {value.start}"
            )
    return "; ".join(changes)


def not_additional_total(lines: Iterable[ClaimLine]) -> ClaimFinding | None:
    """One finding summing the lines flagged not additional, or None."""
    flagged = [
        (line, f) for line in lines for f in line.findings if f.code == "not_additional"
    ]
    if not flagged:
        return None
    total = sum((f.amount for _, f in flagged), ZERO)
    posts = {line.post.id for line, _ in flagged}
    months = sorted({line.month for line, _ in flagged})
    span = f"{months[0]:%Y-%m}" + (f" to {months[-1]:%Y-%m}" if len(months) > 1 else "")
    return ClaimFinding(
        "not_additional_total",
        "error",
        f"{len(posts)} post(s) are not additional ({span}): £{total:,} at stake "
        "that cannot be claimed through the ARRS.",
        total,
    )
