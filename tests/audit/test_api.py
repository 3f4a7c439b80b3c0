"""The audit trail's API: /api/audit/ (entries) and /api/audit/verify."""

from __future__ import annotations

import pytest
from django.test import Client

from pcnhub.audit.models import AuditEntry
from pcnhub.audit.trail import PAGE_SIZE
from tests.audit.helpers import entry, other_commissioner

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_data")]


def as_user(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_needs_a_session() -> None:
    assert Client().get("/api/audit/").status_code == 401
    assert Client().get("/api/audit/verify").status_code == 401


def test_entries_filtered_and_paged(make_user) -> None:  # type: ignore[no-untyped-def]
    national = as_user(make_user("national"))
    made = [
        entry(f"k{i}", ["U99001"], before={"n": i}, after={"n": i + 1}, reason="why")
        for i in range(PAGE_SIZE + 5)
    ]
    entry("elsewhere", ["U99002"])
    first = national.get(
        "/api/audit/", {"organisation": "u99001", "entity_type": "thing"}
    )
    assert first.status_code == 200
    body = first.json()
    assert body["total"] == PAGE_SIZE + 5
    assert body["pages"] == 2
    assert body["page"] == 1
    assert [e["id"] for e in body["entries"]] == sorted(
        (e.id for e in made), reverse=True
    )[:PAGE_SIZE]
    newest = body["entries"][0]
    assert newest == {
        "id": made[-1].id,
        "at": made[-1].at.isoformat(),
        "who": "tests",
        "action": "change",
        "entity_type": "thing",
        "entity_key": f"k{PAGE_SIZE + 4}",
        "subjects": ["U99001"],
        "reason": "why",
        "before": {"n": PAGE_SIZE + 4},
        "after": {"n": PAGE_SIZE + 5},
        "previous_hash": made[-2].entry_hash,
        "entry_hash": made[-1].entry_hash,
        "user_id": None,
        "renamed_to": "",
    }
    second = national.get(
        "/api/audit/", {"organisation": "U99001", "entity_type": "thing", "page": 2}
    ).json()
    assert [e["id"] for e in second["entries"]] == [e.id for e in made[4::-1]]
    beyond = national.get("/api/audit/", {"entity_type": "thing", "page": 9}).json()
    assert beyond["entries"] == [] and beyond["total"] == PAGE_SIZE + 6


def test_bad_filters_are_422(make_user) -> None:  # type: ignore[no-untyped-def]
    national = as_user(make_user("national"))
    assert national.get("/api/audit/", {"date_from": "May"}).status_code == 422
    assert national.get("/api/audit/", {"page": 0}).status_code == 422
    backwards = national.get(
        "/api/audit/", {"date_from": "2022-02-01", "date_to": "2022-01-01"}
    )
    assert backwards.status_code == 422


def test_same_scope_as_the_page(make_user) -> None:  # type: ignore[no-untyped-def]
    other_commissioner()
    entry("ours", ["U99001"])
    entry("theirs", ["U88001"])
    entry("nobody's", [])
    commissioner = as_user(make_user("commissioner", "99Z"))
    keys = {
        e["entity_key"]
        for e in commissioner.get("/api/audit/", {"entity_type": "thing"}).json()[
            "entries"
        ]
    }
    assert keys == {"ours"}
    assert (
        commissioner.get("/api/audit/", {"organisation": "U88001"}).status_code == 403
    )
    evaluator = as_user(make_user("evaluator"))
    response = evaluator.get("/api/audit/")
    assert response.status_code == 403
    assert "audit.view_trail" in response.json()["detail"]


def test_verify_is_for_national_and_admin_only(make_user) -> None:  # type: ignore[no-untyped-def]
    entry("a", ["U99001"])
    for role in ("national", "admin"):
        response = as_user(make_user(role)).get("/api/audit/verify")
        assert response.status_code == 200
        head = AuditEntry.objects.latest("id")
        assert response.json() == {
            "ok": True,
            "checked": AuditEntry.objects.count(),
            "first_bad_id": None,
            "problem": "",
            "checkpoint": f"{head.entry_hash}:{AuditEntry.objects.count()}",
            "notices": [],
        }
    for role, org in (("commissioner", "99Z"), ("evaluator", None)):
        assert as_user(make_user(role, org)).get("/api/audit/verify").status_code == 403


def test_verify_reports_a_changed_entry(make_user) -> None:  # type: ignore[no-untyped-def]
    national = as_user(make_user("national"))
    target = entry("a", ["U99001"], reason="original")
    entry("b", ["U99001"])
    AuditEntry.objects.filter(pk=target.pk).update(reason="rewritten")
    body = national.get("/api/audit/verify").json()
    assert body["ok"] is False
    assert body["first_bad_id"] == target.id
    assert "hash" in body["problem"]
