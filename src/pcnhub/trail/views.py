"""The audit trail's pages: ``/audit/`` and ``/org/<code>/audit/``, and their CSV.

Who sees which entries is decided by :mod:`pcnhub.access.trail` (the API and the
``pcnhub audit export`` command use the same rule).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import (
    HttpRequest,
    HttpResponse,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from pcnhub.access import trail as access_trail
from pcnhub.access.roles import Role
from pcnhub.access.scope import scope_of
from pcnhub.audit import trail
from pcnhub.audit.models import AuditEntry
from pcnhub.register import queries
from pcnhub.ui.asat import as_at_from
from pcnhub.ui.formatting import fmt_date
from pcnhub.ui.frame import frame
from pcnhub.ui.refusals import NO_ROLE, Refused


def audit(request: HttpRequest) -> HttpResponse:
    """The whole trail (or what the user may see of it), filtered and paged."""
    filters, errors = trail.parse_filters(request.GET)
    return _trail(request, filters, errors, organisation=None)


def org_audit(request: HttpRequest, code: str) -> HttpResponse:
    """The entries concerning one organisation."""
    filters, errors = trail.parse_filters(request.GET)
    filters = replace(filters, organisation=code.strip().upper())
    return _trail(request, filters, errors, organisation=filters.organisation)


def _trail(
    request: HttpRequest,
    filters: trail.Filters,
    errors: dict[str, str],
    organisation: str | None,
) -> HttpResponse:
    try:
        visible = access_trail.visible_to(request.user, filters.organisation)
    except PermissionDenied:
        raise Refused(_refusal(request.user, filters.organisation)) from None
    org = None
    if organisation is not None:
        org = queries.find_organisation(organisation)
        if org is None:
            return _page(
                request, "404.html", {"missing_code": organisation}, status=404
            )
    want_csv = request.GET.get("format") == "csv"
    if errors:
        if want_csv:
            return HttpResponse(
                "\n".join(errors.values()) + "\n",
                status=400,
                content_type="text/plain; charset=utf-8",
            )
        shown = AuditEntry.objects.none()
    else:
        shown = trail.filtered(visible, filters)
    if want_csv:
        return _csv(shown, organisation)
    path = request.path
    paginator = Paginator(trail.with_details(shown), trail.PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    own = {k: v for k, v in filters.params().items() if k != "organisation" or not org}
    context: dict[str, Any] = {
        "org": org,
        "org_name": _name(org.code) if org else "",
        "filters": filters,
        "labels": trail.FILTER_LABELS,
        "errors": errors,
        "error_list": [
            {"text": text, "href": f"#{name}"} for name, text in errors.items()
        ],
        "entity_type_items": _options(
            trail.choices(visible, "entity_type"), filters.entity_type, "Any type"
        ),
        "action_items": _options(
            trail.choices(visible, "action"), filters.action, "Any action"
        ),
        "entries": [EntryView.of(entry) for entry in page.object_list],
        "count": paginator.count,
        "page": page,
        "pagination": _pagination(path, own, page) if paginator.num_pages > 1 else None,
        "csv_url": path + "?" + urlencode({**own, "format": "csv"}),
        "clear_url": path,
        "filtered": bool(own),
        "action_url": path,
    }
    status = 400 if errors else 200
    return _page(request, "audit/trail.html", context, status=status)


def _refusal(user: Any, organisation: str) -> str:
    """Why the 403 page refuses this trail, in words fit to show."""
    roles = scope_of(user).roles
    if not roles:
        return NO_ROLE
    if roles == {Role.EVALUATOR}:
        return (
            "The audit trail names the people who made each change, so it is not "
            "shown to evaluators."
        )
    if organisation:
        return (
            f"Your roles in pcnhub do not include {organisation}, so its audit "
            "trail is not shown to you."
        )
    return "Your roles in pcnhub do not include the audit trail."


def _page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    base = frame(request, as_at_from(request), "audit")
    return render(
        request,
        template,
        base | {"show_date_form": False} | context,
        status=status,
    )


def _csv(entries: Any, organisation: str | None) -> StreamingHttpResponse:
    day = timezone.localdate().isoformat()
    name = f"audit-{organisation}-{day}.csv" if organisation else f"audit-{day}.csv"
    response = StreamingHttpResponse(
        trail.csv_lines(entries), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _name(code: str) -> str:
    details = queries.latest_details(code)
    return details.name if details else ""


def _options(values: list[str], chosen: str, anything: str) -> list[dict[str, Any]]:
    items = [{"value": "", "text": anything, "selected": not chosen}]
    if chosen and chosen not in values:
        values = sorted([*values, chosen])
    items += [{"value": v, "text": v, "selected": v == chosen} for v in values]
    return items


def _pagination(path: str, params: dict[str, str], page: Any) -> dict[str, Any]:
    def link(number: int) -> str:
        return path + "?" + urlencode({**params, "page": number})

    last = page.paginator.num_pages
    items = [
        {"ellipsis": True}
        if number is None
        else {"number": number, "href": link(number), "current": number == page.number}
        for number in trail.page_numbers(page.number, last)
    ]
    params_out: dict[str, Any] = {"items": items}
    if page.has_previous():
        params_out["previous"] = {"href": link(page.previous_page_number())}
    if page.has_next():
        params_out["next"] = {"href": link(page.next_page_number())}
    return params_out


# --- an entry as shown ------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class EntryView:
    id: int
    at: datetime
    at_text: str
    who: str
    renamed_to: str
    system: bool
    action: str
    entity_type: str
    entity_key: str
    reason: str
    subjects: list[str]
    changes: list[Change]

    @classmethod
    def of(cls, entry: AuditEntry) -> EntryView:
        at = timezone.localtime(entry.at)
        return cls(
            id=entry.id,
            at=at,
            at_text=f"{fmt_date(at.date())} at {at:%H:%M:%S}",
            who=entry.who,
            renamed_to=entry.renamed_to,
            system=entry.actor_id is None,
            action=entry.action,
            entity_type=entry.entity_type,
            entity_key=entry.entity_key,
            reason=entry.reason,
            subjects=trail.subject_codes(entry),
            changes=changes(entry.before, entry.after),
        )

    @property
    def org_links(self) -> list[tuple[str, str]]:
        return [(code, reverse("org", args=[code])) for code in self.subjects]


_ABSENT = object()


def changes(before: Any, after: Any) -> list[Change]:
    """What changed, field by field where both sides are records (dicts).

    A new record (nothing before) lists all its fields; an ended one likewise;
    a changed record lists only the fields that differ.
    """
    if before is None and after is None:
        return []
    if isinstance(before, dict | None) and isinstance(after, dict | None):
        old = before or {}
        new = after or {}
        keys = list(old) + [key for key in new if key not in old]
        return [
            Change(
                key,
                _text(old.get(key, _ABSENT)) if before is not None else "",
                _text(new.get(key, _ABSENT)) if after is not None else "",
            )
            for key in keys
            if before is None or after is None or old.get(key) != new.get(key)
        ]
    return [Change("", _text(before), _text(after))]


def _text(value: Any) -> str:
    if value is _ABSENT:
        return "(not set)"
    if value is None:
        return "(none)"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)
