"""Writing what one import decided: each kind of row in bulk, as tuples.

:meth:`pcnhub.register.importers.writer.RegisterWriter.flush` calls these in
order. Closings come before new rows, so a list size is superseded before its
successor (one current figure per practice, measure and day) is written.
"""

from __future__ import annotations

from pcnhub.register.importers import bulk
from pcnhub.register.importers.rows import VERSION_COLUMNS, LinkRow, ListRow, VersionRow
from pcnhub.register.models import (
    ListSize,
    Organisation,
    OrganisationVersion,
    Relationship,
)


def insert_organisations(new_orgs: dict[str, str], run: int) -> None:
    """The organisations this import first recorded (code -> kind)."""
    bulk.insert_rows(
        Organisation,
        ["code", "kind", "first_recorded_by"],
        ((code, kind, run) for code, kind in new_orgs.items()),
    )


def write_versions(
    closed: dict[int, VersionRow], new: list[VersionRow], run: int
) -> None:
    """Close the held versions this import closed, then add its new ones."""
    bulk.close_rows(
        OrganisationVersion, ((v.pk, v.valid_to) for v in closed.values()), run
    )
    bulk.insert_rows(
        OrganisationVersion,
        [*VERSION_COLUMNS, "opened_by", "closed_by"],
        (
            (
                v.organisation_id,
                v.valid_from,
                v.valid_to,
                *v.details,
                run,
                run if v.closed else None,
            )
            for v in new
        ),
    )


def write_links(closed: dict[int, LinkRow], new: list[LinkRow], run: int) -> None:
    """Close the held relationships this import closed, then add its new ones."""
    bulk.close_rows(Relationship, ((r.pk, r.valid_to) for r in closed.values()), run)
    bulk.insert_rows(
        Relationship,
        [
            "kind",
            "child",
            "parent",
            "valid_from",
            "valid_to",
            "opened_by",
            "closed_by",
        ],
        (
            (
                r.kind,
                r.child_id,
                r.parent_id,
                r.valid_from,
                r.valid_to,
                run,
                run if r.closed else None,
            )
            for r in new
        ),
    )


def write_list_sizes(closed: dict[int, ListRow], new: list[ListRow], run: int) -> None:
    """Supersede the held list sizes this import replaced, then add its new ones."""
    bulk.update_rows(ListSize, ["id"], ((pk,) for pk in closed), {"superseded_by": run})
    bulk.insert_rows(
        ListSize,
        ["practice", "measure", "date", "value", "recorded_by", "superseded_by"],
        (
            (
                r.practice_id,
                r.measure,
                r.day,
                r.value,
                run,
                run if r.closed else None,
            )
            for r in new
        ),
    )
