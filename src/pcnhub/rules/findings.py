"""What a requirement check returns: a :class:`Finding` with its outcome
(:class:`Outcome`, most serious first), evidence and the rule's sources; what a
check is (:class:`Check`); and the dates of the lists a finding names.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from pcnhub.rules.params import Parameters, Source, Value
from pcnhub.rules.snapshot import Network, Practice
from pcnhub.rules.sources import Citation, citations, source_text


class Outcome(StrEnum):
    """A finding's outcome, most serious first.

    The value is the text stored with a run, shown on pages and written to the
    CSV, Excel and API: members are ``str`` and format as their values.
    """

    BREACH = "breach"
    APPROVAL = "needs commissioner approval"
    WARNING = "warning"
    UNKNOWN = "not known"
    MET = "met"


#: The outcomes under their older names, for callers written before ``Outcome``.
BREACH = Outcome.BREACH
APPROVAL = Outcome.APPROVAL
WARNING = Outcome.WARNING
UNKNOWN = Outcome.UNKNOWN
MET = Outcome.MET
#: Plain strings, most serious first: what a command line offers as choices and
#: an error lists, so their repr stays ``'breach'``.
OUTCOMES: tuple[str, ...] = tuple(o.value for o in Outcome)
_RANK = {outcome: i for i, outcome in enumerate(OUTCOMES)}


def seriousness(outcome: str) -> int:
    """0 for a breach … 4 for met; an unknown outcome sorts last."""
    return _RANK.get(outcome, len(OUTCOMES))


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    outcome: str
    message: str
    pcn_code: str = ""
    practice_code: str = ""
    commissioner_code: str = ""
    evidence: dict[str, str] = field(default_factory=dict)
    #: The citations as text (CSV, command line); ``citations`` for links.
    source: str = ""
    citations: tuple[Citation, ...] = ()

    def row(self) -> dict[str, str]:
        evidence = "; ".join(f"{k}={v}" for k, v in self.evidence.items())
        return {
            "pcn_code": self.pcn_code,
            "practice_code": self.practice_code,
            "commissioner_code": self.commissioner_code,
            "rule": self.rule,
            "outcome": self.outcome,
            "message": self.message,
            "evidence": evidence,
            "source": self.source,
        }


@dataclass(frozen=True)
class Check:
    id: str
    label: str
    requirement: str  # the requirements.* or other parameter that switches it on
    run: Callable[[Network, date, Parameters, Value], list[Finding]]


def cited(source: Source) -> dict[str, Any]:
    """A finding's ``source`` and ``citations`` for a rule's source."""
    return {"source": source_text(source), "citations": tuple(citations(source))}


def _finding(
    network: Network, rule: str, outcome: str, message: str, source: Value, **kw: Any
) -> Finding:
    evidence = {k: str(v) for k, v in kw.pop("evidence", {}).items()}
    return Finding(
        rule,
        outcome,
        message,
        pcn_code=network.code,
        commissioner_code=network.commissioner,
        evidence=evidence,
        **cited(source.source),
        **kw,
    )


#: The contract counts a network's population on its lists of 1 January before
#: the year ("network list size as of 1st January each year").
BASIS_SOURCE = Source("Network list size as at 1 January", "", ("N7", "B4"))
LISTS_RULE = "data.lists_current"
#: Every source code the checks cite themselves (not through a parameter).
CITED_CODES = BASIS_SOURCE.refs


def list_date(practice: Practice, network: Network) -> date | None:
    """The date of the registered list the snapshot took for ``practice``.

    A snapshot that gives lists without dates (a case file, a what-if) gives
    the basis date's lists.
    """
    if practice.registered is None:
        return None
    return practice.registered_on or network.lists_on


def lists_used(dates: dict[str, date | None]) -> str:
    """``2022-01-01``, or each date with its practices when they differ."""
    by_date: dict[date, list[str]] = defaultdict(list)
    for code, day in sorted(dates.items()):
        if day is not None:
            by_date[day].append(code)
    if len(by_date) == 1:
        return next(iter(by_date)).isoformat()
    if not by_date:
        return "none held"
    return "; ".join(
        f"{day} ({' '.join(codes)})" for day, codes in sorted(by_date.items())[::-1]
    )
