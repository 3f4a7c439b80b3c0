"""ARRS claim lines: what one post may claim in one month, with its findings.

A :class:`Post` is one person in one role for one network, with its whole-time
equivalent (WTE), annual salary, employer on-costs (given, or worked out from
``arrs_roles.employer_pension`` and ``arrs_roles.employer_ni``), dates in post,
funding source and London zone. :func:`claim_line` gives the month's
:class:`ClaimLine`:

* **Days in post**: the days of the month from the start date to the end date,
  both included (an end date is the last day in post).
* **Day-count rule**: a day is ``1/365`` of a year, or ``1/366`` in a contract
  year holding 29 February: the days of the *contract year* the month is in. A
  full year in post is the annual figure exactly; a month is its days' share.
* **Actual cost** = (salary + on-costs) × days in post ÷ days in the year.
* **Cap** = for each day, the role maximum in force that day (the London one for
  a London post once London rates apply) × WTE ÷ days in the year, added up: a
  mid-month uplift splits the month.
* **Claimable** = for each run of days with the same parameters, the lesser of
  actual cost × reimbursement rate and the cap, added up and **rounded half up
  to the penny once**. The maximum is the most *reimbursed* (the 2019/20
  clinical pharmacist maximum of £37,810 is 70% of about £54,000), so the rate
  applies to the actual cost before the cap; from 2020/21 the rate is 100% and
  the two readings agree.
* A post that is not ARRS-funded claims nothing: a baseline or local-scheme post
  is **not additional** (the finding states what it would have claimed).

Nothing is made up: a role not eligible on a day, or whose maximum is not
published, claims nothing for that day and says so in a finding.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pcnhub.rules.money import ZERO, penny
from pcnhub.rules.params import Parameters, Value
from pcnhub.rules.periods import ContractYear
from pcnhub.rules.sources import source_text

FUNDING = ("arrs", "local_scheme", "practice_funded", "baseline")
ZONES = ("none", "outer", "inner")
SEVERITIES = ("error", "warning", "info")
#: a role whose maximum lives outside ``arrs_roles`` (recorded before the group)
MAXIMUM_OF = {"gp": "arrs.gp_maximum"}
#: baseline clinical pharmacists that may still be claimed (reference §5.4)
BASELINE_EXCEPTIONS = {
    "cpgp": "from the national Clinical Pharmacist in General Practice scheme",
    "moch": "a Medicines Optimisation in Care Homes pharmacist",
}
HUNDRED = Decimal(100)


def pounds(amount: Decimal) -> str:
    """``£1,234.57``: an amount as a finding or trace names it."""
    return f"£{penny(amount):,}"


@dataclass(frozen=True, slots=True)
class ClaimFinding:
    """Something a claim line's reader must know, with the figures behind it."""

    code: str
    severity: str
    message: str
    #: the amount the finding is about (at stake, above the cap, withdrawn)
    amount: Decimal = ZERO

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity is one of {SEVERITIES}, not {self.severity!r}")


@dataclass(frozen=True, slots=True)
class Post:
    """One person in one ARRS role for one network.

    ``salary`` is the annual salary actually paid for the post (for a part-time
    post, the part-time salary); ``wte`` scales the cap. ``on_costs`` are the
    annual employer on-costs when known; otherwise pension is worked out from the
    rate and employer NI is ``employer_ni`` or worked out when its rate and
    threshold are published. ``end`` is the last day in post (None: in post).
    """

    person: str
    network: str
    role: str
    wte: Decimal
    salary: Decimal
    start: dt.date
    end: dt.date | None = None
    funding: str = "arrs"
    london: str = "none"
    on_costs: Decimal | None = None
    employer_ni: Decimal | None = None
    #: a GP within two years of CCT (needed while arrs.gp_recent_cct_only holds)
    within_two_years_of_cct: bool | None = None
    #: a commissioner-agreed role (2026/27) has the commissioner's agreement
    commissioner_agreed: bool = False
    #: a later mental health practitioner under a written agreement (Table 3b)
    written_agreement: bool = False
    #: a baseline post that may be claimed: a key of BASELINE_EXCEPTIONS
    baseline_exception: str = ""
    key: str = ""

    def __post_init__(self) -> None:
        if self.funding not in FUNDING:
            raise ValueError(f"funding is one of {FUNDING}, not {self.funding!r}")
        if self.london not in ZONES:
            raise ValueError(f"london is one of {ZONES}, not {self.london!r}")
        if not Decimal(0) < self.wte <= Decimal(1):
            raise ValueError(f"WTE is above 0 and at most 1, not {self.wte}")
        if self.salary < 0 or (self.on_costs is not None and self.on_costs < 0):
            raise ValueError("salary and on-costs cannot be negative")
        if self.end is not None and self.end < self.start:
            raise ValueError(f"post ends ({self.end}) before it starts ({self.start})")
        if self.baseline_exception not in ("", *BASELINE_EXCEPTIONS):
            raise ValueError(f"unknown baseline exception {self.baseline_exception!r}")

    @property
    def id(self) -> str:
        return self.key or f"{self.person}/{self.network}/{self.role}/{self.start}"

    @property
    def claimed(self) -> bool:
        """Whether the post is claimed through the ARRS (ARRS-funded, or a
        baseline post that may be)."""
        return self.funding == "arrs" or (
            self.funding == "baseline" and bool(self.baseline_exception)
        )

    def in_post(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of the month's days claimed on the same parameters."""

    first: dt.date
    last: dt.date
    days: int
    #: the finding code saying why nothing is claimed ("" when something is)
    blocked: str
    why: str
    maximum: Value | None
    rate: Value | None
    actual: Decimal
    reimbursable: Decimal
    cap: Decimal

    @property
    def claim(self) -> Decimal:
        return ZERO if self.blocked else min(self.reimbursable, self.cap)


@dataclass(frozen=True)
class ClaimLine:
    post: Post
    month: dt.date
    days_in_post: int
    days_in_year: int
    annual_cost: Decimal
    on_costs: Decimal
    #: salary + on-costs for the days in post (exact; shown to the penny)
    actual_cost: Decimal
    #: the role cap for the days claimed (exact; shown to the penny)
    cap: Decimal
    #: the pence claimed
    claimable: Decimal
    segments: tuple[Segment, ...] = ()
    findings: tuple[ClaimFinding, ...] = ()
    parameters: tuple[Value, ...] = ()
    #: days another line claims for the same person (see claim_checks)
    excluded: frozenset[dt.date] = field(default_factory=frozenset)
    #: what the post would claim were it ARRS-funded and claimed alone
    at_stake: Decimal = ZERO

    @property
    def days_claimed(self) -> int:
        return sum(s.days for s in self.segments if not s.blocked)

    @property
    def rates(self) -> tuple[Decimal, ...]:
        """The reimbursement rates (percent) of the days claimed."""
        found = (s.rate.value for s in self.segments if s.rate and not s.blocked)
        return tuple(dict.fromkeys(Decimal(v) for v in found))

    @property
    def provisional(self) -> bool:
        return any(v.provisional for v in self.parameters)

    def explain(self) -> list[str]:
        """The line as indented text: each run of days, the parameters, findings."""
        p = self.post
        out = [
            f"{p.id} {self.month:%Y-%m}: {self.days_in_post} days in post of "
            f"{self.days_in_year} in the year; actual {pounds(self.actual_cost)} "
            f"({pounds(self.annual_cost)} a year incl. on-costs "
            f"{pounds(self.on_costs)}); cap {pounds(self.cap)}; claimable "
            f"£{self.claimable:,}"
        ]
        for s in self.segments:
            rate = f"{s.rate.value}%" if s.rate else "no rate"
            top = s.maximum.describe() if s.maximum else "no maximum"
            what = s.why or f"claim {pounds(s.claim)}"
            out.append(
                f"  {s.first}–{s.last} ({s.days} d): max {top} × WTE {p.wte}, "
                f"rate {rate}: actual {pounds(s.actual)}, cap {pounds(s.cap)}: {what}"
            )
        out += [f"  {f.severity}: {f.code}: {f.message}" for f in self.findings]
        for v in self.parameters:
            flag = " (provisional)" if v.provisional else ""
            out.append(
                f"  parameter {v.parameter} = {v.describe()} from {v.start}{flag}"
                f" — {source_text(v.source)}"
            )
        return out

    def as_dict(self) -> dict[str, Any]:
        """A flat, JSON-ready line (decimals as strings, figures to the penny)."""
        return {
            "post": self.post.id,
            "person": self.post.person,
            "network": self.post.network,
            "role": self.post.role,
            "month": f"{self.month:%Y-%m}",
            "days_in_post": self.days_in_post,
            "days_claimed": self.days_claimed,
            "days_in_year": self.days_in_year,
            "annual_cost": str(penny(self.annual_cost)),
            "actual_cost": str(penny(self.actual_cost)),
            "cap": str(penny(self.cap)),
            "rates": [str(r) for r in self.rates],
            "claimable": str(self.claimable),
            "at_stake": str(self.at_stake),
            "provisional": self.provisional,
            "findings": [
                {
                    "code": f.code,
                    "severity": f.severity,
                    "message": f.message,
                    "amount": str(f.amount),
                }
                for f in self.findings
            ],
            "parameters": [
                {
                    "name": v.parameter,
                    "from": v.start.isoformat(),
                    "value": v.describe(),
                }
                for v in self.parameters
            ],
        }


def days_in_year(month: dt.date) -> int:
    year = ContractYear.containing(month)
    return (year.end - year.start).days


def month_days(month: dt.date) -> list[dt.date]:
    first = month.replace(day=1)
    after = (first + dt.timedelta(days=32)).replace(day=1)
    return [first + dt.timedelta(days=i) for i in range((after - first).days)]


def _in_force(parameters: Parameters, name: str, day: dt.date) -> Value | None:
    if name not in parameters.by_name:
        return None
    return parameters.at(name, day)


def _flag(parameters: Parameters, name: str, day: dt.date) -> Value | None:
    value = _in_force(parameters, name, day)
    return None if value is None or value.not_published else value


def eligibility(
    post: Post, day: dt.date, parameters: Parameters
) -> tuple[str, list[Value]]:
    """Why ``post``'s role cannot be claimed on ``day`` ("" when it can), and the
    parameter values that say so."""
    name = f"arrs_roles.{post.role}.eligible"
    if name not in parameters.by_name:
        return f"{post.role} is not an ARRS role pcnhub knows", []
    value = _flag(parameters, name, day)
    if value is None or value.value is not True:
        return f"{post.role} is not an eligible ARRS role then", (
            [value] if value else []
        )
    used = [value]
    if post.role == "gp":
        recent = _flag(parameters, "arrs.gp_recent_cct_only", day)
        if recent is not None and recent.value is True:
            used.append(recent)
            if post.within_two_years_of_cct is False:
                return "only GPs within two years of their CCT are eligible", used
    if post.role == "commissioner_agreed_role" and not post.commissioner_agreed:
        return "a role outside the list needs the commissioner's agreement", used
    return "", used


def maximum_name(post: Post, day: dt.date, parameters: Parameters) -> str:
    """The parameter holding the post's maximum on ``day`` (London or national)."""
    if post.london != "none":
        weighting = _flag(parameters, "arrs_roles.london_weighting", day)
        if weighting is not None and weighting.value is True:
            return f"arrs_roles.{post.role}.maximum_{post.london}_london"
    return MAXIMUM_OF.get(post.role, f"arrs_roles.{post.role}.maximum")


def rate(post: Post, day: dt.date, parameters: Parameters) -> Value | None:
    """The reimbursement rate (percent) in force for the post's role on ``day``."""
    names = [f"arrs_roles.{post.role}.rate", "arrs_roles.rate"]
    if post.role == "mental_health_practitioner" and post.written_agreement:
        names.insert(0, f"arrs_roles.{post.role}.rate_with_agreement")
    for name in names:
        value = _flag(parameters, name, day)
        if value is not None:
            return value
    return None


def on_costs(
    post: Post, day: dt.date, parameters: Parameters
) -> tuple[Decimal, list[Value], list[ClaimFinding]]:
    """The post's annual employer on-costs: given, or pension (+ NI) worked out."""
    if post.on_costs is not None:
        return post.on_costs, [], []
    pension = _flag(parameters, "arrs_roles.employer_pension", day)
    if pension is None:
        missing = ClaimFinding(
            "on_costs_not_computed",
            "warning",
            f"On-costs not given and no employer pension rate is published for "
            f"{day}: the actual cost counts the salary {pounds(post.salary)} only.",
        )
        return ZERO, [], [missing]
    costs = post.salary * Decimal(pension.value) / HUNDRED
    used, findings = [pension], []
    if post.employer_ni is not None:
        return costs + post.employer_ni, used, []
    ni = _flag(parameters, "arrs_roles.employer_ni", day)
    threshold = _flag(parameters, "arrs_roles.employer_ni_threshold", day)
    if ni is not None and threshold is not None:
        above = max(post.salary - Decimal(threshold.value), ZERO)
        return costs + above * Decimal(ni.value) / HUNDRED, [*used, ni, threshold], []
    findings.append(
        ClaimFinding(
            "on_costs_without_ni",
            "warning",
            f"Employer NI not given and its rate or threshold is not published for "
            f"{day}: the on-costs are the pension at {pension.value}% only "
            f"({pounds(costs)} a year).",
        )
    )
    return costs, used, findings


#: a day's verdict: (blocked code, why, maximum, rate, values used)
_Day = tuple[str, str, Value | None, Value | None, tuple[Value, ...]]


def _day(post: Post, day: dt.date, parameters: Parameters) -> _Day:
    why, used = eligibility(post, day, parameters)
    name = maximum_name(post, day, parameters)
    top = _in_force(parameters, name, day)
    share = rate(post, day, parameters)
    used += [v for v in (top, share) if v is not None]
    if why:
        return "role_not_eligible", why, top, share, tuple(used)
    if top is None or top.not_published:
        where = "" if post.london == "none" else f" ({post.london} London)"
        return (
            "maximum_not_published",
            f"the maximum for a {post.role}{where} is not published in pcnhub ({name})",
            None,
            share,
            tuple(used),
        )
    if share is None:
        why = "no reimbursement rate is published"
        return "rate_not_published", why, top, None, tuple(used)
    return "", "", top, share, tuple(used)


def _segments(
    post: Post, days: list[dt.date], annual: Decimal, diy: int, parameters: Parameters
) -> tuple[list[Segment], list[Value]]:
    runs: list[tuple[_Day, list[dt.date]]] = []
    for day in days:
        verdict = _day(post, day, parameters)
        if runs and runs[-1][0][:4] == verdict[:4] and runs[-1][1][-1] + _ONE == day:
            runs[-1][1].append(day)
        else:
            runs.append((verdict, [day]))
    segments: list[Segment] = []
    used: list[Value] = []
    for (code, why, top, share, values), run in runs:
        n = len(run)
        actual = annual * n / diy
        share_of = Decimal(share.value) / HUNDRED if share else Decimal(1)
        # the cap counts the days that can be claimed
        cap = Decimal(top.value) * post.wte * n / diy if top and not code else ZERO
        segments.append(
            Segment(
                run[0],
                run[-1],
                n,
                code,
                why,
                top,
                share,
                actual,
                actual * share_of,
                cap,
            )
        )
        used += values
    return segments, list(dict.fromkeys(used))


_ONE = dt.timedelta(days=1)


def claim_line(
    post: Post,
    month: dt.date,
    parameters: Parameters,
    exclude: frozenset[dt.date] = frozenset(),
) -> ClaimLine:
    """The month's claim line for ``post``; ``exclude`` names days another line
    claims for the same person (they count in the actual cost, not the claim)."""
    month = month.replace(day=1)
    days = [d for d in month_days(month) if post.in_post(d)]
    diy = days_in_year(month)
    costs, used, findings = on_costs(post, days[0] if days else month, parameters)
    annual = post.salary + costs
    claimed = [d for d in days if d not in exclude]
    segments, values = _segments(post, claimed, annual, diy, parameters)
    raw = penny(sum((s.claim for s in segments), ZERO))
    findings += _blocked_findings(segments) + _capped(post, segments)
    findings += _gp_cct(post, values)
    claimable, funding = _funding(post, raw)
    return ClaimLine(
        post=post,
        month=month,
        days_in_post=len(days),
        days_in_year=diy,
        annual_cost=annual,
        on_costs=costs,
        actual_cost=annual * len(days) / diy,
        cap=sum((s.cap for s in segments), ZERO),
        claimable=claimable,
        segments=tuple(segments),
        findings=tuple(findings + funding),
        parameters=tuple(dict.fromkeys([*used, *values])),
        excluded=frozenset(d for d in exclude if d in days),
        at_stake=raw,
    )


def _blocked_findings(segments: list[Segment]) -> list[ClaimFinding]:
    """One error per reason for days claimed nothing, naming the cost at stake."""
    by_code: dict[str, list[Segment]] = {}
    for s in segments:
        if s.blocked:
            by_code.setdefault(s.blocked, []).append(s)
    out = []
    for code, runs in by_code.items():
        days = sum(s.days for s in runs)
        stake = sum((s.reimbursable for s in runs), ZERO)
        reasons = "; ".join(dict.fromkeys(s.why for s in runs))
        out.append(
            ClaimFinding(
                code,
                "error",
                f"Nothing claimed for {days} day(s) ({runs[0].first} to "
                f"{runs[-1].last}): {reasons}. Cost at stake {pounds(stake)}.",
                penny(stake),
            )
        )
    return out


def _capped(post: Post, segments: list[Segment]) -> list[ClaimFinding]:
    live = [s for s in segments if not s.blocked]
    above = sum((max(s.reimbursable - s.cap, ZERO) for s in live), ZERO)
    if penny(above) <= 0:
        return []
    reimbursable = sum((s.reimbursable for s in live), ZERO)
    cap = sum((s.cap for s in live), ZERO)
    maxima = ", ".join(dict.fromkeys(s.maximum.describe() for s in live if s.maximum))
    return [
        ClaimFinding(
            "capped",
            "warning",
            f"Capped at the role maximum ({maxima} × WTE {post.wte}): cost "
            f"reimbursable {pounds(reimbursable)} against a cap of {pounds(cap)}; "
            f"{pounds(above)} above the cap is not claimed.",
            penny(above),
        )
    ]


def _gp_cct(post: Post, values: list[Value]) -> list[ClaimFinding]:
    needs = any(v.parameter == "arrs.gp_recent_cct_only" for v in values)
    if post.role != "gp" or not needs or post.within_two_years_of_cct is not None:
        return []
    return [
        ClaimFinding(
            "gp_cct_not_recorded",
            "warning",
            "Only GPs within two years of their CCT may be claimed: record whether "
            "this GP is; the line is claimed as if they are.",
        )
    ]


def _funding(post: Post, raw: Decimal) -> tuple[Decimal, list[ClaimFinding]]:
    """What an ARRS-funded claim of ``raw`` becomes under the post's funding."""
    if post.funding == "arrs":
        return raw, []
    if post.funding == "baseline" and post.baseline_exception:
        why = BASELINE_EXCEPTIONS[post.baseline_exception]
        text = f"In the baseline but claimable: {why} (reference §5.4)."
        return raw, [ClaimFinding("baseline_exception", "info", text)]
    if post.funding == "practice_funded":
        text = f"Practice-funded: not claimed (would claim {pounds(raw)})."
        return ZERO, [ClaimFinding("not_claimed", "info", text, raw)]
    source = {
        "baseline": "in post at the baseline date (31 March 2019)",
        "local_scheme": "funded by a local scheme",
    }[post.funding]
    text = (
        f"Not additional: {source}, so nothing is claimed; {pounds(raw)} "
        "would be claimable for the month were the post additional."
    )
    return ZERO, [ClaimFinding("not_additional", "error", text, raw)]
