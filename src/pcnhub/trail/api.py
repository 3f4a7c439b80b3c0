"""API routes of the audit trail (mounted by pcnhub.api at ``/api/audit/``).

- ``GET /api/audit/``: the entries the user may see, newest first, 50 a page
  (``?page=``), with the page's filters (``organisation``, ``entity_type``,
  ``action``, ``who``, ``date_from``, ``date_to``) and the total;
- ``GET /api/audit/verify``: whether the trail is intact, and its checkpoint
  (``HEAD:COUNT``); with ``?expect=CHECKPOINT`` also whether it extends that
  earlier checkpoint (national analysts and administrators only).

The same permissions as the page (:mod:`pcnhub.access.trail`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Query, Router, Schema

from pcnhub.access import trail as access_trail
from pcnhub.access.checks import Permission, require
from pcnhub.audit import checkpoints, trail
from pcnhub.audit.services import verify

router = Router(tags=["audit"])


class TrailQuery(Schema):
    organisation: str = ""
    entity_type: str = ""
    action: str = ""
    who: str = ""
    date_from: date | None = None
    date_to: date | None = None
    page: int = 1


class EntryOut(Schema):
    id: int
    at: str
    who: str
    action: str
    entity_type: str
    entity_key: str
    subjects: list[str]
    reason: str
    before: Any = None
    after: Any = None
    previous_hash: str
    entry_hash: str
    user_id: int | None = None
    renamed_to: str = ""


class TrailOut(Schema):
    total: int
    page: int
    pages: int
    page_size: int
    entries: list[EntryOut]


class VerifyQuery(Schema):
    expect: str = ""


class VerifyOut(Schema):
    ok: bool
    checked: int
    first_bad_id: int | None = None
    problem: str = ""
    checkpoint: str = ""
    notices: list[str] = []


@router.get("/", response=TrailOut, summary="Audit entries (newest first)")
def list_entries(request: HttpRequest, query: Query[TrailQuery]) -> dict[str, Any]:
    filters = trail.Filters(
        organisation=query.organisation.strip().upper(),
        entity_type=query.entity_type.strip(),
        action=query.action.strip(),
        who=query.who.strip(),
        date_from=query.date_from,
        date_to=query.date_to,
    )
    entries = access_trail.entries(request.user, filters)  # 403 before any other answer
    if query.page < 1:
        raise ValidationError({"page": ["pages are numbered from 1"]})
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        raise ValidationError({"date_to": ["must be on or after date_from"]})
    total = entries.count()
    start = (query.page - 1) * trail.PAGE_SIZE
    # Past the last page there is nothing to show; asking the database anyway
    # would overflow its offset for page numbers beyond a 64-bit integer.
    shown = (
        trail.with_details(entries)[start : start + trail.PAGE_SIZE]
        if start < total
        else []
    )
    return {
        "total": total,
        "page": query.page,
        "pages": max(1, -(-total // trail.PAGE_SIZE)),
        "page_size": trail.PAGE_SIZE,
        "entries": [trail.Record.of(entry).as_dict() for entry in shown],
    }


@router.get("/verify", response=VerifyOut, summary="Check the hash chain")
def verify_chain(request: HttpRequest, query: Query[VerifyQuery]) -> dict[str, Any]:
    require(request.user, Permission.VIEW_WHOLE_TRAIL)
    try:
        expect = checkpoints.parse(query.expect) if query.expect else None
    except checkpoints.BadCheckpoint as exc:
        raise ValidationError({"expect": [str(exc)]}) from None
    result = verify(expect)
    return {
        "ok": result.ok,
        "checked": result.checked,
        "first_bad_id": result.first_bad_id,
        "problem": result.problem,
        # A broken trail has no checkpoint worth keeping.
        "checkpoint": str(result.checkpoint) if result.ok else "",
        "notices": list(result.notices),
    }
