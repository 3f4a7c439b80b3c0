"""The ARRS claim lines' part of ``docs/rules.md``: the rules, the roles by year
and the ``arrs_roles`` parameters (see :mod:`pcnhub.rules.claims`)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from pcnhub.rules import claim_checks, claims
from pcnhub.rules.params import Parameter, Parameters, Value
from pcnhub.rules.periods import ContractYear

HEAD = """\
## ARRS claim lines

`pcnhub.rules.claims` works out what one post may claim from the Additional
Roles Reimbursement Scheme in one month; `pcnhub.rules.claim_checks` checks many
lines together. See also `docs/workforce.md`.
"""

#: parameters the claim lines read besides those of each role
SHARED = (
    "arrs_roles.rate",
    "arrs_roles.london_weighting",
    "arrs_roles.employer_pension",
    "arrs_roles.employer_ni",
    "arrs_roles.employer_ni_threshold",
    "arrs.gp_maximum",
    "arrs.gp_recent_cct_only",
)


def _bullets(doc: str | None) -> list[str]:
    """The bulleted paragraphs of a module's docstring, as Markdown."""
    text = re.sub(r":\w+:`([^`]+)`", r"`\1`", doc or "").replace("``", "`")
    bullets = (p for p in text.split("\n\n") if p.lstrip().startswith("* "))
    return ["\n".join(bullets).rstrip()]


def roles(parameters: Parameters) -> list[str]:
    """The ARRS roles, in the order they joined the scheme."""
    found = [
        name.split(".")[1]
        for name in parameters.by_name
        if name.startswith("arrs_roles.") and name.endswith(".eligible")
    ]

    def joined(role: str) -> tuple[dt.date, str]:
        return (parameters[f"arrs_roles.{role}.eligible"].values[0].start, role)

    return sorted(found, key=joined)


def _short(value: Value) -> str:
    if value.not_published:
        return "not published"
    star = "\\*" if value.provisional else ""
    return f"£{value.value:,}{star}"


def _cell(
    parameters: Parameters, role: str, year: ContractYear, name: Callable[[str], str]
) -> str:
    eligible = parameters[f"arrs_roles.{role}.eligible"]
    if not any(
        (v := eligible.at(m)) is not None and v.value is True for m in year.months
    ):
        return "–"
    maximum = parameters[name(role)]
    parts: list[str] = []
    for month in year.months:
        value = maximum.at(month)
        if value is None or (parts and value.start < month):
            continue
        when = "" if month == year.start else f" from {month:%b %Y}"
        parts.append(_short(value) + when)
    return "; ".join(parts) or "–"


def _table(parameters: Parameters) -> list[str]:
    years = parameters.years
    out = [
        "| role | " + " | ".join(str(y) for y in years) + " |",
        "|---|" + "---|" * len(years),
    ]

    def national(role: str) -> str:
        return claims.MAXIMUM_OF.get(role, f"arrs_roles.{role}.maximum")

    for role in roles(parameters):
        cells = [_cell(parameters, role, y, national) for y in years]
        out.append(f"| `{role}` | " + " | ".join(cells) + " |")
    return out


def section(
    parameters: Parameters, parameter: Callable[[Parameter], list[str]]
) -> tuple[list[str], set[str]]:
    """The section's lines, and the parameters it documented."""
    out = [HEAD, "### How a line is worked out", ""]
    out += _bullets(claims.__doc__) + [""]
    out += ["### Checks over many lines", ""]
    out += _bullets(claim_checks.__doc__) + [""]
    out += [
        "### Roles and maxima by contract year",
        "",
        "The maximum per WTE a year outside London (salary and employer on-costs), "
        "from the start of the year unless dated; – not eligible; \\* provisional "
        "(an inference or an unverified source). London maxima, rates and the "
        "2026/27 role list are in the parameters below.",
        "",
        *_table(parameters),
        "",
        "### Claim parameters",
        "",
    ]
    used = [n for n in SHARED if n in parameters.by_name]
    used += sorted(
        n for n in parameters.by_name if n.startswith("arrs_roles.") and n not in used
    )
    for name in used:
        out += parameter(parameters[name])
    return out, set(used)
