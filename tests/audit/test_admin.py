"""The audit trail in Django's admin: to read, never to add, change or delete."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from pcnhub.audit.models import AuditEntry
from tests.audit.helpers import entry

pytestmark = pytest.mark.django_db

ENTRIES = "/admin/audit/auditentry/"


@pytest.fixture
def superuser_client() -> Client:
    client = Client()
    client.force_login(get_user_model().objects.create_superuser("root", password="x"))
    return client


def test_read_only_even_for_superusers(superuser_client: Client) -> None:
    made = entry("the key", ["U99001"], reason="original reason")
    listing = superuser_client.get(ENTRIES)
    assert listing.status_code == 200
    assert "the key" in listing.content.decode()
    page = superuser_client.get(f"{ENTRIES}{made.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "original reason" in html and "U99001" in html
    assert 'name="reason"' not in html  # shown, not editable
    assert superuser_client.get(f"{ENTRIES}add/").status_code == 403
    assert (
        superuser_client.post(
            f"{ENTRIES}{made.pk}/change/", {"reason": "x"}
        ).status_code
        == 403
    )
    assert superuser_client.get(f"{ENTRIES}{made.pk}/delete/").status_code == 403
    superuser_client.post(
        ENTRIES,
        {"action": "delete_selected", "_selected_action": [made.pk], "post": "yes"},
    )
    made.refresh_from_db()
    assert made.reason == "original reason"
    assert AuditEntry.objects.filter(pk=made.pk).exists()


@pytest.mark.usefixtures("demo_data")
def test_administrators_may_read_it(make_user) -> None:  # type: ignore[no-untyped-def]
    administrator = make_user("admin")
    administrator.is_staff = True
    administrator.save()
    client = Client()
    client.force_login(administrator)
    made = entry("k", ["U99001"])
    assert client.get(ENTRIES).status_code == 200
    assert client.get(f"{ENTRIES}{made.pk}/change/").status_code == 200
    assert client.get(f"{ENTRIES}add/").status_code == 403
