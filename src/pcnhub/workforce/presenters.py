"""The workforce pages' tables: posts, a post's versions, claims and their lines.

A person is shown by name only when the viewer may see names
(``workforce.view_staff_names``); otherwise by their pseudonymous key.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.urls import reverse
from markupsafe import Markup

from pcnhub.ui.formatting import fmt_date, fmt_when
from pcnhub.ui.sorting import Column, Sorted
from pcnhub.ui.tags import numeric, tag
from pcnhub.workforce.models import (
    Funding,
    MonthlyClaim,
    StaffPostVersion,
)

Table = dict[str, Any]
SEVERITY_COLOURS = {"error": "red", "warning": "orange", "info": "grey"}


def pounds(value: Decimal | str) -> str:
    return f"£{Decimal(value):,.2f}"


def person(version: StaffPostVersion, names: bool) -> str:
    """The name and key for those who may see names; else the key alone."""
    key = version.post.person_key
    return f"{version.name} ({key})" if names else key


def _link(href: str, text: str) -> Markup:
    return Markup('<a href="{}">{}</a>').format(href, text)


def state(version: StaffPostVersion, day: date) -> Markup:
    if version.start > day:
        return tag("Starts " + fmt_date(version.start), "blue")
    if version.end is not None and version.end < day:
        return tag("Ended", "grey")
    return tag("In post", "green")


def posts_table(
    code: str,
    versions: Sequence[StaffPostVersion],
    roles: Mapping[str, str],
    names: bool,
    day: date,
) -> Table:
    rows = []
    for v in versions:
        href = reverse("workforce_post", args=[code, v.post.reference])
        rows.append(
            [
                {"html": _link(href, v.post.reference), "header": "Post"},
                {"text": person(v, names), "header": "Person"},
                {"text": roles.get(v.role, v.role), "header": "Role"},
                numeric(f"{v.wte.normalize():f}") | {"header": "WTE"},
                numeric(pounds(v.salary)) | {"header": "Salary"},
                {"text": Funding(v.funding).label, "header": "Funding"},
                {"text": fmt_date(v.start), "header": "Start"},
                {"text": fmt_date(v.end) if v.end else "", "header": "End"},
                {"html": state(v, day), "header": "Status"},
            ]
        )
    head = ["Post", "Person", "Role", "WTE", "Salary", "Funding", "Start", "End"]
    return {
        "caption": f"Staff posts ({len(rows)})",
        "captionSize": "m",
        "responsive": True,
        "head": [{"text": h} for h in head] + [{"text": "Status"}],
        "rows": rows,
    }


def versions_table(
    versions: Sequence[StaffPostVersion], roles: Mapping[str, str], names: bool
) -> Table:
    rows = []
    for v in versions:
        who = v.actor.get_username() if v.actor else v.system_actor
        rows.append(
            [
                {"text": str(v.number), "header": "Version"},
                {"text": fmt_when(v.recorded_at), "header": "Recorded"},
                {"text": who if names else "", "header": "By"},
                {"text": person(v, names), "header": "Person"},
                {"text": roles.get(v.role, v.role), "header": "Role"},
                numeric(f"{v.wte.normalize():f}") | {"header": "WTE"},
                numeric(pounds(v.salary)) | {"header": "Salary"},
                {"text": Funding(v.funding).label, "header": "Funding"},
                {
                    "text": f"{fmt_date(v.start)} to "
                    + (fmt_date(v.end) if v.end else "now"),
                    "header": "In post",
                },
                {"text": v.reason, "header": "Reason"},
            ]
        )
    head = ["Version", "Recorded", "By", "Person", "Role", "WTE", "Salary"]
    head += ["Funding", "In post", "Reason"]
    return {
        "caption": "History: every version of this post, latest first",
        "captionSize": "m",
        "responsive": True,
        "head": [{"text": h} for h in head],
        "rows": rows,
    }


def claims_table(code: str, claims: Sequence[MonthlyClaim]) -> Table:
    rows = []
    for c in claims:
        href = reverse("workforce_claims", args=[code]) + f"?month={c.month:%Y-%m}"
        rows.append(
            [
                {"html": _link(href, f"{c.month:%B %Y}"), "header": "Month"},
                {"text": str(c.number), "header": "Claim"},
                {"text": fmt_when(c.generated_at), "header": "Generated"},
                numeric(pounds(c.claimed)) | {"header": "Claimed"},
                numeric(pounds(c.adjusted)) | {"header": "Adjustments"},
                numeric(pounds(c.at_stake)) | {"header": "At stake"},
                numeric(str(c.findings)) | {"header": "Findings"},
            ]
        )
    head = ["Month", "Claim", "Generated", "Claimed", "Adjustments", "At stake"]
    return {
        "caption": "Claims this contract year (each month's latest)",
        "captionSize": "m",
        "responsive": True,
        "head": [{"text": h} for h in head] + [{"text": "Findings"}],
        "rows": rows,
    }


def findings_html(findings: Sequence[Mapping[str, str]]) -> Markup:
    parts = [
        Markup("<li>{} {}</li>").format(
            tag(f["severity"].capitalize(), SEVERITY_COLOURS.get(f["severity"])),
            f["message"],
        )
        for f in findings
    ]
    if not parts:
        return Markup("")
    return Markup('<ul class="nhsuk-list">{}</ul>').format(Markup("").join(parts))


def line_rows(
    claim: MonthlyClaim, roles: Mapping[str, str], names: Mapping[str, str] | None
) -> list[dict[str, Any]]:
    """Each line, for the claim page: figures, findings and the explanation."""
    out = []
    for line in claim.lines:
        key = line["person"]
        out.append(
            {
                "post": line["post"],
                "person": f"{names[key]} ({key})" if names and key in names else key,
                "role": roles.get(line["role"], line["role"]),
                "days": f"{line['days_in_post']} of {line['days_in_year']}",
                "actual": pounds(line["actual_cost"]),
                "cap": pounds(line["cap"]),
                "claimable": pounds(line["claimable"]),
                "at_stake": pounds(line["at_stake"]),
                "flagged": any(f["severity"] != "info" for f in line["findings"]),
                "findings": findings_html(line["findings"]),
                "explain": Markup('<pre class="pcnhub-explain">{}</pre>').format(
                    "\n".join(line.get("explain", []))
                ),
            }
        )
    return out


def adjustments_table(claim: MonthlyClaim) -> Table:
    rows = [
        [
            {"text": a["post"], "header": "Post"},
            {"text": a["month"], "header": "For month"},
            numeric(pounds(a["claimed"])) | {"header": "Claimed"},
            numeric(pounds(a["due"])) | {"header": "Due now"},
            numeric(pounds(a["difference"])) | {"header": "Adjustment"},
            {"text": a["reason"], "header": "Why"},
        ]
        for a in claim.adjustments
    ]
    head = ["Post", "For month", "Claimed", "Due now", "Adjustment", "Why"]
    return {
        "caption": "Adjustments to earlier months",
        "captionSize": "m",
        "responsive": True,
        "head": [{"text": h} for h in head],
        "rows": rows,
    }


def _money_cell(value: Decimal | None) -> str:
    return "" if value is None else pounds(value)


def _money_total(value: Any) -> str:
    return "" if value is None else pounds(value)


#: The ARRS utilisation table: one row per network (utilisation.ArrsRow).
ARRS_TABLE = (
    Column("code", "PCN code", lambda r: r.pcn_code),
    Column("arrs_sum", "ARRS sum", lambda r: r.arrs_sum, True, True, _money_total),
    Column("claimed", "Claimed", lambda r: r.claimed, True, True, _money_total),
    Column("paid", "Paid", lambda r: r.paid, True, True, _money_total),
    Column("headroom", "Headroom", lambda r: r.headroom, True, True, _money_total),
    Column("utilisation", "Utilisation", lambda r: r.utilisation, True),
)


def arrs_table(sorting: Sorted, page_rows: Sequence[Any], year: str) -> Table:
    rows = []
    for r in page_rows:
        href = reverse("workforce", args=[r.pcn_code]) + f"?year={year}"
        rows.append(
            [
                {"html": _link(href, r.pcn_code)},
                numeric(_money_cell(r.arrs_sum)),
                numeric(pounds(r.claimed)),
                numeric(_money_cell(r.paid)),
                numeric(_money_cell(r.headroom)),
                numeric("" if r.utilisation is None else f"{r.utilisation}%"),
            ]
        )
    n = len(sorting.rows)
    described = f", {sorting.description}" if sorting.description else ""
    return {
        "caption": f"ARRS in {year}: {n:,} network{'' if n == 1 else 's'}"
        f"{described}. {sorting.totals_note('network')}.",
        "responsive": True,
        "classes": "pcnhub-money-table",
        "head": sorting.head,
        "rows": rows,
        "foot": sorting.foot(),
    }


def census_table(rows: Sequence[Any]) -> Table:
    body = [
        [
            {"text": r.staff_role, "header": "Staff role"},
            {"text": r.detailed_staff_role, "header": "Detailed role"},
            numeric(str(r.staff)) | {"header": "Staff"},
            numeric(f"{r.fte:.2f}") | {"header": "FTE"},
        ]
        for r in rows
    ]
    return {
        "caption": "The NHS Digital PCN workforce census",
        "captionSize": "m",
        "responsive": True,
        "head": [
            {"text": "Staff role"},
            {"text": "Detailed role"},
            {"text": "Staff", "format": "numeric"},
            {"text": "FTE", "format": "numeric"},
        ],
        "rows": body,
    }
