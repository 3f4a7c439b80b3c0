"""The audit trail's pages: filters, paging, CSV, and who sees which entries."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pcnhub.audit.models import AuditEntry
from pcnhub.audit.services import Actor
from pcnhub.audit.trail import COLUMNS, PAGE_SIZE
from tests.audit.helpers import (
    csv_of,
    entry,
    main_text,
    other_commissioner,
    shown_ids,
    shown_keys,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_data")]


@pytest.fixture
def national(client: Client, make_user):  # type: ignore[no-untyped-def]
    client.force_login(make_user("national"))
    return client


def signed_in_as(client: Client, user) -> Client:  # type: ignore[no-untyped-def]
    client.force_login(user)
    return client


# The page ----------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client: Client) -> None:
    for url in ("/audit/", "/org/U99001/audit/", "/audit/?format=csv"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_entry_shows_when_who_what_why_before_after_and_subjects(
    national: Client, make_user
) -> None:  # type: ignore[no-untyped-def]
    person = make_user("commissioner", "99Z", username="carol")
    entry(
        "U99001",
        ["U99001", "99Z"],
        entity_type="governance record",
        action="change clinical director",
        actor=Actor(user=person),
        before={"clinical_director": "Dr Old", "payee": "Z91001"},
        after={"clinical_director": "Dr New", "payee": "Z91001"},
        reason="elected at the AGM",
    )
    response = national.get(reverse("audit"))
    assert response.status_code == 200
    text = main_text(response)
    assert "carol" in text
    assert "change clinical director" in text
    assert "governance record U99001" in text
    assert "elected at the AGM" in text
    html = response.content.decode()
    # before → after in a details element, only the field that changed
    details = html[html.index('<details class="nhsuk-details pcnhub-audit__changes"') :]
    details = details[: details.index("</details>")]
    assert "Dr Old" in details and "Dr New" in details
    assert "payee" not in details
    # the organisations it concerns, linked to their pages
    assert 'href="/org/99Z/"' in html and 'href="/org/U99001/"' in html
    today = timezone.localdate()
    assert f"{today.day} {today:%B %Y}" in text


def test_newest_first_and_paged_by_50(national: Client) -> None:
    made = [entry(f"k{i:03d}", ["U99001"]).id for i in range(PAGE_SIZE * 2 + 7)]
    first = national.get(reverse("audit"), {"entity_type": "thing"})
    assert shown_ids(first) == sorted(made, reverse=True)[:PAGE_SIZE]
    assert "107 entries matching the filters" in main_text(first)
    html = first.content.decode()
    assert 'class="nhsuk-pagination' in html
    # page links keep the filters
    assert 'href="/audit/?entity_type=thing&amp;page=2"' in html
    third = national.get(reverse("audit"), {"entity_type": "thing", "page": "3"})
    assert shown_ids(third) == sorted(made, reverse=True)[2 * PAGE_SIZE :]
    assert "Showing 101 to 107" in main_text(third)
    # nonsense pages show the first or last page rather than fail
    assert shown_ids(national.get("/audit/?entity_type=thing&page=x")) == shown_ids(
        first
    )
    assert shown_ids(national.get("/audit/?entity_type=thing&page=99")) == shown_ids(
        third
    )


def test_filters(national: Client, make_user) -> None:  # type: ignore[no-untyped-def]
    dora = make_user("national", username="dora")
    entry("a", ["U99001"], action="open")
    entry("b", ["U99002"], action="close")
    entry("c", ["U99001"], entity_type="document", action="open")
    entry("d", [], actor=Actor(user=dora), action="open")

    def keys(**params: str) -> set[str]:
        response = national.get(reverse("audit"), params)
        assert response.status_code == 200
        return set(shown_keys(response))

    assert keys(organisation="u99001") == {"a", "c"}
    assert keys(organisation="U99001", entity_type="thing") == {"a"}
    assert keys(entity_type="thing", action="open") == {"a", "d"}
    assert keys(action="close") == {"b"}
    assert keys(who="dora") == {"d"}
    assert keys(who="tests", action="open") == {"a", "c"}
    today = timezone.localdate()
    assert keys(action="open", date_from=today.isoformat()) == {"a", "c", "d"}
    assert keys(action="open", date_to=today.isoformat()) == {"a", "c", "d"}
    tomorrow = (today + timedelta(days=1)).isoformat()
    yesterday = (today - timedelta(days=1)).isoformat()
    assert keys(action="open", date_from=tomorrow) == set()
    assert keys(action="open", date_to=yesterday) == set()


def test_filter_choices_come_from_the_trail(national: Client) -> None:
    entry("a", ["U99001"], entity_type="network agreement", action="upload")
    html = national.get(reverse("audit")).content.decode()
    assert '<option value="network agreement"' in html
    assert '<option value="upload"' in html


def test_bad_dates_are_explained(national: Client) -> None:
    response = national.get(reverse("audit"), {"date_from": "1st May"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "nhsuk-error-summary" in html
    assert 'href="#date_from"' in html
    backwards = national.get(
        reverse("audit"), {"date_from": "2022-02-01", "date_to": "2022-01-01"}
    )
    assert backwards.status_code == 400
    assert "must be the same as or after" in main_text(backwards)
    as_csv = national.get(reverse("audit"), {"date_to": "soon", "format": "csv"})
    assert as_csv.status_code == 400
    assert as_csv["Content-Type"].startswith("text/plain")


def test_values_are_escaped(national: Client) -> None:
    entry("<script>alert(1)</script>", ["U99001"], reason="<b>bold</b>")
    html = national.get(reverse("audit")).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>bold</b>" not in html


# CSV -----------------------------------------------------------------------------


def test_csv_has_stable_columns_and_every_matching_row(national: Client) -> None:
    made = [
        entry(f"k{i}", ["U99002", "U99001"], before={"n": i}, after={"n": i + 1})
        for i in range(PAGE_SIZE + 3)
    ]
    response = national.get(reverse("audit"), {"entity_type": "thing", "format": "csv"})
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    content = b"".join(response.streaming_content).decode()
    assert content.splitlines()[0] == ",".join(COLUMNS)
    rows = list(csv.DictReader(io.StringIO(content)))
    assert [int(r["id"]) for r in rows] == sorted((e.id for e in made), reverse=True)
    newest = rows[0]
    last = made[-1]
    assert newest["who"] == "tests"
    assert newest["action"] == "change"
    assert newest["entity_type"] == "thing"
    assert newest["entity_key"] == f"k{PAGE_SIZE + 2}"
    assert newest["subjects"] == "U99001 U99002"
    assert newest["before"] == f'{{"n": {PAGE_SIZE + 2}}}'
    assert newest["after"] == f'{{"n": {PAGE_SIZE + 3}}}'
    assert newest["entry_hash"] == last.entry_hash
    assert newest["at"] == last.at.isoformat()


def test_org_csv_link_and_rows(national: Client) -> None:
    entry("mine", ["U99001"])
    entry("other", ["U99002"])
    page = national.get(reverse("org_audit", args=["U99001"]))
    assert 'href="/org/U99001/audit/?format=csv"' in page.content.decode()
    rows = csv_of(national.get("/org/U99001/audit/?format=csv"))
    assert "mine" in {r["entity_key"] for r in rows}
    assert "other" not in {r["entity_key"] for r in rows}
    assert all("U99001" in r["subjects"].split() for r in rows)


# Who sees what ---------------------------------------------------------------------


def test_national_sees_everything_including_entries_without_subjects(
    national: Client,
) -> None:
    entry("with", ["U99001"])
    entry("without", [])
    imports = AuditEntry.objects.filter(system_actor="web-tests").count()
    assert imports > 0  # the demo's imports, which concern no organisation
    keys = set(shown_keys(national.get(reverse("audit"), {"entity_type": "thing"})))
    assert keys == {"with", "without"}
    total = national.get(reverse("audit"))
    assert f"{AuditEntry.objects.count()} entries" in main_text(total)


def test_commissioner_sees_its_area_not_another_commissioners(
    client: Client, make_user
) -> None:  # type: ignore[no-untyped-def]
    other_commissioner()
    entry("network", ["U99001"])
    entry("practice", ["Z91001"])
    entry("merged predecessor", ["98Z"])
    entry("theirs", ["U88001"])
    entry("their practice", ["Z88001"])
    entry("nobody's", [])
    ours = signed_in_as(client, make_user("commissioner", "99Z"))
    response = ours.get(reverse("audit"), {"entity_type": "thing"})
    assert response.status_code == 200
    assert set(shown_keys(response)) == {"network", "practice", "merged predecessor"}
    csv_keys = {r["entity_key"] for r in csv_of(ours.get("/audit/?format=csv"))}
    assert {"network", "practice", "merged predecessor"} <= csv_keys
    assert not {"theirs", "their practice", "nobody's"} & csv_keys
    assert ours.get(reverse("org_audit", args=["U99001"])).status_code == 200
    refused = ours.get(reverse("org_audit", args=["U88001"]))
    assert refused.status_code == 403
    assert "do not include U88001" in refused.content.decode()
    assert ours.get(reverse("audit"), {"organisation": "88X"}).status_code == 403
    assert ours.get("/audit/?organisation=U88001&format=csv").status_code == 403

    theirs = Client()
    theirs.force_login(make_user("commissioner", "88X"))
    response = theirs.get(reverse("audit"), {"entity_type": "thing"})
    assert set(shown_keys(response)) == {"theirs", "their practice"}
    assert theirs.get(reverse("org_audit", args=["U99001"])).status_code == 403


def test_clinical_director_sees_its_network_only(client: Client, make_user) -> None:  # type: ignore[no-untyped-def]
    entry("ours", ["U99001"])
    entry("member practice", ["Z91001"])
    entry("next door", ["U99002"])
    director = signed_in_as(client, make_user("clinical_director", "U99001"))
    response = director.get(reverse("audit"), {"entity_type": "thing"})
    assert set(shown_keys(response)) == {"ours", "member practice"}
    assert director.get(reverse("org_audit", args=["U99002"])).status_code == 403


def test_evaluators_and_people_without_roles_are_refused(
    client: Client, make_user
) -> None:  # type: ignore[no-untyped-def]
    entry("a", ["U99001"])
    evaluator = signed_in_as(client, make_user("evaluator"))
    for url in (
        "/audit/",
        "/audit/?format=csv",
        "/audit/?organisation=U99001",
        "/org/U99001/audit/",
        "/org/U99001/audit/?format=csv",
    ):
        response = evaluator.get(url)
        assert response.status_code == 403, url
        assert "not shown to evaluators" in response.content.decode(), url
    nobody = Client()
    nobody.force_login(get_user_model().objects.create_user("nobody", password="x"))
    assert nobody.get("/audit/").status_code == 403
    assert nobody.get("/org/U99001/audit/").status_code == 403


def test_org_page_of_an_unknown_organisation(national: Client) -> None:
    response = national.get(reverse("org_audit", args=["NOSUCH"]))
    assert response.status_code == 404
    assert "NOSUCH" in main_text(response)


def test_org_page_heading_names_the_organisation(national: Client) -> None:
    entry("a", ["99Z"])
    response = national.get(reverse("org_audit", args=["99z"]))
    assert response.status_code == 200
    text = main_text(response)
    assert "Audit trail of 99Z" in text
    assert set(shown_keys(response)) >= {"a"}
