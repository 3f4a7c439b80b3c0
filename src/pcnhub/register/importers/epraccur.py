"""ODS ``epraccur``: GP practices and prescribing cost centres (no header, 27 columns).

Each row gives a practice's details as at the extract date and its current
commissioner with the date it joined (and left) that commissioner.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pcnhub.core.dates import end_inclusive_to_exclusive
from pcnhub.register.importers.base import (
    ADDRESS_LINE_MAX,
    MAX_PRESCRIBING_SETTING,
    POSTCODE_MAX,
    Cells,
    Progress,
    first_seen,
)
from pcnhub.register.importers.errors import Problems
from pcnhub.register.importers.reading import csv_rows
from pcnhub.register.importers.writer import (
    Details,
    RegisterWriter,
    without_cycle_collection,
)
from pcnhub.register.models import OrganisationKind, RelationshipKind
from pcnhub.register.timeline import Segment

COLUMNS = 27
# 0-based positions in the ODS "GP practices" report (docs/data-formats.md).
FIELDS = {
    "code": (0, "Organisation Code"),
    "name": (1, "Name"),
    "address_1": (4, "Address Line 1"),
    "address_2": (5, "Address Line 2"),
    "address_3": (6, "Address Line 3"),
    "address_4": (7, "Address Line 4"),
    "address_5": (8, "Address Line 5"),
    "postcode": (9, "Postcode"),
    "open_date": (10, "Open Date"),
    "close_date": (11, "Close Date"),
    "status": (12, "Status Code"),
    "commissioner": (14, "Commissioner"),
    "join_date": (15, "Join Provider/Purchaser Date"),
    "left_date": (16, "Left Provider/Purchaser Date"),
    "prescribing_setting": (25, "Prescribing Setting"),
}
STATUSES = {"A", "C", "D", "P"}
LABELS = {pos: f"{heading} (column {pos + 1})" for pos, heading in FIELDS.values()}


@dataclass(frozen=True)
class PracticeRow:
    code: str
    details: Details
    commissioner: str | None
    joined: date | None
    left: date | None


class EpraccurImporter:
    kind = "epraccur"
    description = "ODS epraccur: GP practices (no header, 27 columns)"
    as_at = "required"
    relationship_kinds = (RelationshipKind.PRACTICE_COMMISSIONER,)
    version_kinds = (OrganisationKind.PRACTICE,)
    list_measures = ()

    def read(
        self, path: Path, problems: Problems, as_at: date | None
    ) -> tuple[date, list[PracticeRow]]:
        assert as_at is not None
        rows = csv_rows(path, problems, LABELS)
        if rows[0] and rows[0][0].strip().lower() in {"organisation code", "code"}:
            problems.reject(
                1, None, "unknown layout: epraccur has no header row, found headings"
            )
        positions = {f: pos for f, (pos, _) in FIELDS.items()}
        headings = {
            f: f"{heading} (column {pos + 1})" for f, (pos, heading) in FIELDS.items()
        }
        seen: dict = {}
        parsed: list[PracticeRow] = []
        for number, row in enumerate(rows, start=1):
            if len(row) != COLUMNS:
                problems.add(
                    number,
                    None,
                    f"unknown layout: epraccur rows have {COLUMNS} columns, "
                    f"this one has {len(row)}",
                )
                if len(problems.items) > 20:
                    break
                continue
            practice = _practice(
                Cells(
                    number,
                    {f: row[p] for f, p in positions.items()},
                    headings,
                    problems,
                )
            )
            if practice and first_seen(
                problems, seen, practice.code, number, practice, "practice"
            ):
                parsed.append(practice)
        problems.raise_if_any()
        return as_at, parsed

    @without_cycle_collection
    def apply(
        self,
        parsed: tuple[date, list[PracticeRow]],
        writer: RegisterWriter,
        progress: Progress,
    ) -> None:
        day, practices = parsed
        kind = RelationshipKind.PRACTICE_COMMISSIONER
        for p in progress(practices, "practices", len(practices)):
            writer.details(
                p.code, OrganisationKind.PRACTICE, day, p.details, p.details.open_date
            )
            if not p.commissioner:
                continue
            writer.organisation(p.commissioner, OrganisationKind.COMMISSIONER)
            if p.joined:
                segment = Segment(
                    p.commissioner, p.joined, end_inclusive_to_exclusive(p.left)
                )
                writer.link_history(kind, p.code, [segment], p.joined, day)
            else:
                writer.link_snapshot(kind, p.code, p.commissioner, day)


def _practice(cells: Cells) -> PracticeRow | None:
    before = len(cells.problems.items)
    code = cells.code("code", "practice")
    opened, closed = cells.period("open_date", "close_date")
    joined, left = cells.period("join_date", "left_date")
    commissioner = cells.optional_code("commissioner", "commissioner")
    status = cells.text("status").upper()
    if status and status not in STATUSES:
        cells.problems.add(
            cells.row,
            cells.headings["status"],
            f"unknown status code {status!r} (expected one of A, C, D, P)",
        )
    setting = cells.small_number("prescribing_setting", MAX_PRESCRIBING_SETTING)
    name = cells.name("name")
    address = "\n".join(
        line
        for i in range(1, 6)
        if (line := cells.name(f"address_{i}", ADDRESS_LINE_MAX))
    )
    postcode = cells.name("postcode", POSTCODE_MAX).upper()
    if len(cells.problems.items) > before:
        return None
    details = Details(
        name=name,
        address=address,
        postcode=postcode,
        status=status,
        open_date=opened,
        close_date=closed,
        prescribing_setting=setting,
    )
    return PracticeRow(code, details, commissioner, joined, left)
