"""The workforce plan page's tables and the monthly table's download rows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from pcnhub.rules.money import ZERO
from pcnhub.rules.plan import PlannedRow, Projection
from pcnhub.ui.formatting import fmt_when
from pcnhub.ui.tags import numeric
from pcnhub.workforce.models import WorkforcePlanVersion

Table = dict[str, Any]
#: the download's columns (the page's monthly table, figures unformatted)
COLUMNS = (
    "month",
    "existing",
    "planned",
    "month_total",
    "cumulative",
    "arrs_sum",
    "left_of_sum",
)


def _pounds(value: Decimal) -> str:
    return f"£{value:,.2f}"


def _head(*names: str) -> list[dict[str, str]]:
    return [{"text": n} for n in names]


def rows_table(
    rows: Sequence[PlannedRow], projection: Projection, roles: Mapping[str, str]
) -> Table:
    out = []
    for i, row in enumerate(rows, 1):
        spend = projection.row_spend[i - 1] if i <= len(projection.row_spend) else ZERO
        out.append(
            [
                {"text": str(i), "header": "Row"},
                {"text": roles.get(row.role, row.role), "header": "Role"},
                {"text": f"{row.start:%B %Y}", "header": "Starts"},
                {"text": f"{row.end:%B %Y}" if row.end else "", "header": "Ends"},
                numeric(f"{row.wte.normalize():f}") | {"header": "WTE"},
                numeric(_pounds(row.salary)) | {"header": "Salary"},
                numeric(
                    _pounds(row.on_costs) if row.on_costs is not None else "worked out"
                )
                | {"header": "On-costs"},
                numeric(_pounds(spend)) | {"header": "Claims in the year"},
            ]
        )
    return {
        "caption": f"Planned posts ({len(out)})",
        "captionSize": "m",
        "responsive": True,
        "head": _head(
            "Row",
            "Role",
            "Starts",
            "Ends",
            "WTE",
            "Salary",
            "On-costs",
            "Claims in the year",
        ),
        "rows": out,
    }


def monthly_table(projection: Projection) -> Table:
    limit = projection.arrs_sum
    out = []
    for m in projection.months:
        left = _pounds(limit - m.cumulative) if limit is not None else "not known"
        out.append(
            [
                {"text": f"{m.month:%B %Y}", "header": "Month"},
                numeric(_pounds(m.existing)) | {"header": "Posts on record"},
                numeric(_pounds(m.planned)) | {"header": "Planned"},
                numeric(_pounds(m.total)) | {"header": "Month’s spend"},
                numeric(_pounds(m.cumulative)) | {"header": "Cumulative"},
                numeric(_pounds(limit) if limit is not None else "not known")
                | {"header": "ARRS sum"},
                numeric(left) | {"header": "Left of the sum"},
            ]
        )
    total_left = (
        _pounds(limit - projection.projected) if limit is not None else "not known"
    )
    out.append(
        [
            {"text": f"Year {projection.year}", "header": "Month"},
            numeric(_pounds(projection.existing)) | {"header": "Posts on record"},
            numeric(_pounds(projection.planned)) | {"header": "Planned"},
            numeric(_pounds(projection.projected)) | {"header": "Month’s spend"},
            numeric(_pounds(projection.projected)) | {"header": "Cumulative"},
            numeric(_pounds(limit) if limit is not None else "not known")
            | {"header": "ARRS sum"},
            numeric(total_left) | {"header": "Left of the sum"},
        ]
    )
    return {
        "caption": f"Projected ARRS spend by month, {projection.year}",
        "captionSize": "m",
        "responsive": True,
        "head": _head(
            "Month",
            "Posts on record",
            "Planned",
            "Month’s spend",
            "Cumulative",
            "ARRS sum",
            "Left of the sum",
        ),
        "rows": out,
    }


def monthly_records(projection: Projection) -> list[dict[str, Any]]:
    """The monthly table as download rows, then the year's totals."""
    limit = projection.arrs_sum
    out: list[dict[str, Any]] = [
        {
            "month": f"{m.month:%Y-%m}",
            "existing": m.existing,
            "planned": m.planned,
            "month_total": m.total,
            "cumulative": m.cumulative,
            "arrs_sum": limit,
            "left_of_sum": None if limit is None else limit - m.cumulative,
        }
        for m in projection.months
    ]
    out.append(
        {
            "month": f"total {projection.year}",
            "existing": projection.existing,
            "planned": projection.planned,
            "month_total": projection.projected,
            "cumulative": projection.projected,
            "arrs_sum": limit,
            "left_of_sum": projection.headroom,
        }
    )
    return out


def history_table(versions: Sequence[WorkforcePlanVersion]) -> Table:
    rows = [
        [
            {"text": str(v.number), "header": "Version"},
            {"text": fmt_when(v.recorded_at), "header": "Recorded"},
            {
                "text": v.actor.get_username() if v.actor else v.system_actor,
                "header": "By",
            },
            numeric(str(len(v.rows))) | {"header": "Rows"},
            {"text": v.reason, "header": "Reason"},
        ]
        for v in versions
    ]
    return {
        "caption": f"The plan’s versions ({len(rows)})",
        "captionSize": "s",
        "responsive": True,
        "head": _head("Version", "Recorded", "By", "Rows", "Reason"),
        "rows": rows,
    }
