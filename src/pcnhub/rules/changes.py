"""Checks on a change of membership: notice given before a practice leaves.

Pure, like the other checks: takes dates and the parameters, returns findings.
"""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any

from pcnhub.rules.checks import Finding, Outcome
from pcnhub.rules.params import Parameters
from pcnhub.rules.registry import default_parameters

RULE = "participation.leave_notice"


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it is shorter)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def leave_notice(
    network: str,
    practice: str,
    notice_given_on: date | None,
    effective: date,
    parameters: Parameters | None = None,
) -> list[Finding]:
    """Did ``practice`` give the notice in force before leaving on ``effective``?"""
    parameters = parameters or default_parameters()
    notice = parameters.at(RULE, effective)
    if notice is None:
        return []  # no notice rule is known for that year
    months = int(notice.value)
    evidence = {"notice_months": str(months), "leaves_on": effective.isoformat()}
    common: dict[str, Any] = {
        "pcn_code": network,
        "practice_code": practice,
        "source": str(notice.source),
    }
    if notice_given_on is None:
        return [
            Finding(
                RULE,
                Outcome.UNKNOWN,
                "the date notice was given is not recorded",
                evidence=evidence,
                **common,
            )
        ]
    earliest = add_months(notice_given_on, months)
    evidence |= {
        "notice_given_on": notice_given_on.isoformat(),
        "earliest_leaving_date": earliest.isoformat(),
    }
    if effective < earliest:
        return [
            Finding(
                RULE,
                Outcome.WARNING,
                f"{practice} gave notice on {notice_given_on:%-d %B %Y} and leaves "
                f"on {effective:%-d %B %Y}: less than the {months} month(s) the "
                "contract asks; the commissioner may agree a shorter notice",
                evidence=evidence,
                **common,
            )
        ]
    return [
        Finding(
            RULE,
            Outcome.MET,
            f"{practice} gave at least {months} month(s) notice",
            evidence=evidence,
            **common,
        )
    ]
