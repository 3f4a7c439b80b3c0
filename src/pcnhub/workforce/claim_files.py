"""A monthly claim as a file: one row per post, then one per adjustment.

The columns are the claim's own figures (to the penny) and its findings, so the
file explains itself without pcnhub. The person is given by their pseudonymous
key; ``names`` (key → name) adds a name column for those allowed to see names.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from typing import Any

from pcnhub.core.spreadsheet import safe_cell
from pcnhub.ui.downloads import xlsx_bytes
from pcnhub.workforce.models import MonthlyClaim

COLUMNS = [
    "line",
    "pcn_code",
    "month",
    "post",
    "person_key",
    "role",
    "days_in_post",
    "days_claimed",
    "days_in_year",
    "annual_cost",
    "actual_cost",
    "cap",
    "rate_percent",
    "claimable",
    "adjustment_for",
    "adjustment",
    "at_stake",
    "findings",
]


def claim_records(
    claim: MonthlyClaim, names: Mapping[str, str] | None = None
) -> list[dict[str, Any]]:
    """The claim's rows, as the files give them."""
    rows: list[dict[str, Any]] = []
    month = f"{claim.month:%Y-%m}"
    people = {}
    for line in claim.lines:
        people[line["post"]] = line["person"]
        rows.append(
            {
                "line": "claim",
                "pcn_code": claim.network_code,
                "month": month,
                "post": line["post"],
                "person_key": line["person"],
                "role": line["role"],
                "days_in_post": line["days_in_post"],
                "days_claimed": line["days_claimed"],
                "days_in_year": line["days_in_year"],
                "annual_cost": line["annual_cost"],
                "actual_cost": line["actual_cost"],
                "cap": line["cap"],
                "rate_percent": "; ".join(line["rates"]),
                "claimable": line["claimable"],
                "at_stake": line["at_stake"],
                "findings": "; ".join(
                    f"{f['severity']}: {f['message']}" for f in line["findings"]
                ),
            }
        )
    for adjustment in claim.adjustments:
        rows.append(
            {
                "line": "adjustment",
                "pcn_code": claim.network_code,
                "month": month,
                "post": adjustment["post"],
                "person_key": people.get(adjustment["post"], ""),
                "adjustment_for": adjustment["month"],
                "adjustment": adjustment["difference"],
                "findings": adjustment["reason"],
            }
        )
    if names is not None:
        for row in rows:
            row["name"] = names.get(row["person_key"], "")
    return rows


def claim_record(claim: MonthlyClaim) -> dict[str, Any]:
    """The claim as JSON gives it (the API, ``pcnhub claims --format json``)."""
    return {
        "network": claim.network_code,
        "month": f"{claim.month:%Y-%m}",
        "number": claim.number,
        "contract_year": claim.contract_year,
        "generated_at": claim.generated_at,
        "arrs_sum": str(claim.arrs_sum),
        "claimed": str(claim.claimed),
        "adjusted": str(claim.adjusted),
        "at_stake": str(claim.at_stake),
        "findings": claim.findings,
        "lines": claim.lines,
        "adjustments": claim.adjustments,
        "notes": claim.notes,
    }


def columns(with_names: bool) -> list[str]:
    return COLUMNS[:5] + ["name"] + COLUMNS[5:] if with_names else list(COLUMNS)


def file_name(claim: MonthlyClaim, extension: str) -> str:
    month = f"{claim.month:%Y-%m}"
    return f"arrs-claim-{claim.network_code}-{month}-{claim.number}.{extension}"


def claim_csv(claim: MonthlyClaim, names: Mapping[str, str] | None = None) -> str:
    out = io.StringIO()
    wanted = columns(names is not None)
    writer = csv.DictWriter(out, fieldnames=wanted, lineterminator="\r\n")
    writer.writeheader()
    for row in claim_records(claim, names):
        writer.writerow({c: safe_cell(row.get(c, "")) for c in wanted})
    return out.getvalue()


def claim_xlsx(claim: MonthlyClaim, names: Mapping[str, str] | None = None) -> bytes:
    return xlsx_bytes(
        claim_records(claim, names),
        columns(names is not None),
        f"ARRS {claim.network_code} {claim.month:%Y-%m}",
    )
