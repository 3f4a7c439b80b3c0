"""Changing and ending a scheme from its pages and the API: a change adds a
version and keeps the old, each audited; a change from an older version is
refused; errors name the field; only those who may record (the commissioner,
its region, national) change or end one, asked before the scheme is looked up;
and the overlap report counts no day after a scheme's end."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from pcnhub.audit.models import AuditEntry
from pcnhub.schemes.models import LocalScheme, LocalSchemeVersion
from pcnhub.schemes.records import change_scheme, record_scheme
from tests.schemes.conftest import ACTOR, roles_scheme, service_scheme

pytestmark = pytest.mark.django_db

CHANGED = {
    "name": "Care homes support",
    "kind": "service",
    "start": "2020-04-01",
    "annual_funding": "90000",
    "networks": "U99001, U99002",
    "requirements": ["enhanced_health_in_care_homes"],
    "reason": "Funding cut from 1 April",
    "version": "1",
}


@pytest.fixture
def scheme(people: dict[str, Any]) -> LocalScheme:
    """£120,000 a year for U99001 and U99002 from 1 April 2020, like Enhanced
    Health in Care Homes (due from 1 October 2020)."""
    return record_scheme(ACTOR, "99Z", "LCS-1", service_scheme()).scheme


def _url(scheme: LocalScheme, what: str = "", code: str = "99Z") -> str:
    return f"/org/{code}/local-schemes/{scheme.pk}/" + (f"{what}/" if what else "")


def _versions(scheme: LocalScheme) -> list[int]:
    return list(scheme.versions.order_by("number").values_list("number", flat=True))


def test_the_change_form_is_filled_in_from_the_current_version(
    client_for: Any, people: dict[str, Any]
) -> None:
    first = record_scheme(ACTOR, "99Z", "LFR-1", roles_scheme(practices=("Z91001",)))
    change_scheme(
        ACTOR,
        first.scheme,
        roles_scheme(practices=("Z91001",), name="Link workers, renamed"),
        expected_version=1,
        reason="renamed",
    )
    page = client_for("commissioner").get(_url(first.scheme, "change"))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'value="Link workers, renamed"' in html
    assert 'value="450000.00"' in html and 'value="2019-04-01"' in html
    assert 'value="U99001"' in html and 'value="Z91001"' in html
    assert "social prescribing link worker 15" in html
    assert '<input type="hidden" name="version" value="2">' in html
    # the reference names the scheme: it is not on the form
    assert 'name="reference"' not in html


def test_a_change_adds_a_version_and_keeps_the_old(
    client_for: Any, people: dict[str, Any], scheme: LocalScheme
) -> None:
    client = client_for("commissioner")
    response = client.post(_url(scheme, "change"), CHANGED)
    assert response.status_code == 302 and response["Location"] == _url(scheme)
    assert _versions(scheme) == [1, 2]
    old, new = scheme.versions.order_by("number")
    assert old.annual_funding == Decimal("120000") and old.reason == ""
    assert new.annual_funding == Decimal("90000")
    assert new.reason == "Funding cut from 1 April"
    assert new.actor == people["commissioner"]
    audit = AuditEntry.objects.get(action="schemes.scheme_changed")
    assert audit.before["annual_funding"] == "120000.00"
    assert audit.after["annual_funding"] == "90000.00"
    assert audit.after["version"] == 2 and audit.reason == "Funding cut from 1 April"
    assert {"99Z", "U99001", "U99002"} <= set(
        audit.subjects.values_list("code", flat=True)
    )
    page = client.get(response["Location"]).content.decode()
    assert "Scheme LCS-1 changed" in page
    assert "Version 2." in page
    assert "£90,000.00" in page and "£120,000.00" in page  # the old one kept
    assert "Funding cut from 1 April" in page


def test_change_errors_name_the_field(client_for: Any, scheme: LocalScheme) -> None:
    client = client_for("commissioner")
    bad = CHANGED | {"reason": "  ", "annual_funding": "lots", "name": ""}
    response = client.post(_url(scheme, "change"), bad)
    page = response.content.decode()
    assert response.status_code == 400 and "<title>Error: Change LCS-1" in page
    for field in ("reason", "annual_funding", "name"):
        assert f'href="#{field}"' in page, field
    assert "Say why the scheme changes" in page
    # the service's own checks, on the same fields
    response = client.post(_url(scheme, "change"), CHANGED | {"networks": "U88001"})
    assert response.status_code == 400
    assert 'href="#networks"' in response.content.decode()
    assert "U88001 is not one of 99Z" in response.content.decode()
    response = client.post(_url(scheme, "change"), CHANGED | {"end": "2019-01-01"})
    assert 'href="#end"' in response.content.decode()
    nothing = CHANGED | {"annual_funding": "120000"}
    assert (
        "Nothing changed"
        in client.post(_url(scheme, "change"), nothing).content.decode()
    )
    assert _versions(scheme) == [1]
    assert not AuditEntry.objects.filter(action="schemes.scheme_changed").exists()


def test_a_change_from_an_older_version_is_refused(
    client_for: Any, scheme: LocalScheme
) -> None:
    client = client_for("commissioner")
    # someone else changes the scheme after the form (version 1) was opened
    change_scheme(
        ACTOR,
        scheme,
        service_scheme(name="Renamed"),
        expected_version=1,
        reason="elsewhere",
    )
    response = client.post(_url(scheme, "change"), CHANGED)
    page = response.content.decode()
    assert response.status_code == 400
    assert "The scheme was changed since (it is at version 2, not 1)" in page
    assert "Open the page again" in page
    # the page keeps the version it was opened at, so sending it again is
    # refused again rather than overwriting the other change
    assert '<input type="hidden" name="version" value="1">' in page
    assert client.post(_url(scheme, "change"), CHANGED).status_code == 400
    assert _versions(scheme) == [1, 2]
    assert (
        client.post(_url(scheme, "change"), CHANGED | {"version": "x"}).status_code
        == 400
    )
    assert (
        client.post(_url(scheme, "change"), CHANGED | {"version": "2"}).status_code
        == 302
    )
    assert _versions(scheme) == [1, 2, 3]


def test_ending_a_scheme(client_for: Any, scheme: LocalScheme) -> None:
    client = client_for("commissioner")
    form = client.get(_url(scheme, "end")).content.decode()
    assert "1 April 2020 to now" in form
    assert '<input type="hidden" name="version" value="1">' in form
    ending = {"end": "2020-12-31", "reason": "Replaced by the DES", "version": "1"}
    missing = client.post(_url(scheme, "end"), {"version": "1"})
    assert missing.status_code == 400
    for field in ("end", "reason"):
        assert f'href="#{field}"' in missing.content.decode(), field
    early = client.post(_url(scheme, "end"), ending | {"end": "2020-03-31"})
    assert early.status_code == 400
    assert 'href="#end"' in early.content.decode()
    assert "before it starts" in early.content.decode()
    assert _versions(scheme) == [1]
    response = client.post(_url(scheme, "end"), ending)
    assert response.status_code == 302 and response["Location"] == _url(scheme)
    page = client.get(_url(scheme)).content.decode()
    assert "Scheme LCS-1 ended" in page
    assert "1 April 2020 to 31 December 2020" in page
    assert "1 April 2020 to now" in page  # version 1, kept
    ended = LocalSchemeVersion.objects.get(scheme=scheme, number=2)
    assert str(ended.end) == "2020-12-31" and ended.annual_funding == Decimal("120000")
    audit = AuditEntry.objects.get(action="schemes.scheme_changed")
    assert audit.before["end"] is None and audit.after["end"] == "2020-12-31"
    assert audit.reason == "Replaced by the DES"


def test_the_report_counts_no_day_after_the_end(
    client_for: Any, scheme: LocalScheme
) -> None:
    """Before: 1 October 2020 (Enhanced Health in Care Homes due) to 31 March
    2021 is 182 days: £120,000 × 182 ÷ 365 = £59,835.62. Ended on 31 December
    2020: 1 October to 31 December is 31 + 30 + 31 = 92 days: £120,000 × 92 ÷
    365 = £30,246.58 (30,246.575…, half up), £15,123.29 for each network."""
    client = client_for("commissioner")
    url = "/api/local-schemes/99Z/overlaps?year="
    before = client.get(url + "2020/21").json()
    assert before["total_at_stake"] == "59835.62"
    ending = {"end": "2020-12-31", "reason": "Replaced by the DES", "version": "1"}
    assert client.post(_url(scheme, "end"), ending).status_code == 302
    after = client.get(url + "2020/21").json()
    assert after["total_at_stake"] == "30246.58"
    assert [
        (r["network"], r["days"], r["amount_at_stake"]) for r in after["overlaps"]
    ] == [
        ("U99001", 92, "15123.29"),
        ("U99002", 92, "15123.29"),
    ]
    assert all(r["end"] == "2020-12-31" for r in after["overlaps"])
    page = client.get("/org/99Z/local-schemes/overlaps/?year=2020/21").content.decode()
    assert "£30,246.58" in page and "£59,835.62" not in page
    # the next year: the scheme has ended, nothing at stake
    assert client.get(url + "2021/22").json()["overlaps"] == []


def test_only_those_who_may_record_see_the_links(
    client_for: Any, scheme: LocalScheme
) -> None:
    ours = client_for("commissioner").get(_url(scheme)).content.decode()
    assert f'href="{_url(scheme, "change")}"' in ours
    assert f'href="{_url(scheme, "end")}"' in ours
    for who, code in (("evaluator", "99Z"), ("admin", "99Z"), ("manager", "U99001")):
        page = client_for(who).get(_url(scheme, code=code))
        assert page.status_code == 200, who
        html = page.content.decode()
        assert "Change this scheme" not in html and "End this scheme" not in html, who
    # read through a network's page, the commissioner's links go to its own
    through = client_for("commissioner").get(_url(scheme, code="U99001"))
    assert f'href="{_url(scheme, "change")}"' in through.content.decode()


@pytest.mark.parametrize("who", ["manager", "evaluator", "admin", "other commissioner"])
def test_others_may_not_change_or_end_a_scheme(
    client_for: Any, scheme: LocalScheme, who: str
) -> None:
    client = client_for(who)
    entries = AuditEntry.objects.count()
    for what, data in (("change", CHANGED), ("end", {"end": "2020-12-31"})):
        assert client.get(_url(scheme, what)).status_code == 403, what
        assert (
            client.post(_url(scheme, what), data | {"reason": "r"}).status_code == 403
        )
        # the permission is asked first: an unknown scheme is a 403 too
        assert client.get(f"/org/99Z/local-schemes/999999/{what}/").status_code == 403
    body = json.dumps({k: v for k, v in CHANGED.items() if k != "networks"})
    api = f"/api/local-schemes/99Z/{scheme.pk}"
    assert client.put(api, body, content_type="application/json").status_code == 403
    ending = json.dumps({"end": "2020-12-31", "version": 1, "reason": "r"})
    assert (
        client.post(api + "/end", ending, content_type="application/json").status_code
        == 403
    )
    assert (
        client.post(
            "/api/local-schemes/99Z/999999/end", ending, content_type="application/json"
        ).status_code
        == 403
    )
    assert _versions(scheme) == [1]
    assert AuditEntry.objects.count() == entries


def test_the_commissioner_gets_a_404_for_a_scheme_not_its_own(
    client_for: Any, scheme: LocalScheme
) -> None:
    client = client_for("commissioner")
    assert client.get("/org/99Z/local-schemes/999999/change/").status_code == 404
    # a scheme is changed under its own commissioner's code only
    assert client.get(_url(scheme, "change", code="U99001")).status_code == 404
    theirs = record_scheme(ACTOR, "88X", "LCS-88", service_scheme(networks=("U88001",)))
    assert (
        client_for("other commissioner")
        .get(f"/org/88X/local-schemes/{scheme.pk}/end/")
        .status_code
        == 404
    )
    assert (
        client.get(f"/org/99Z/local-schemes/{theirs.scheme_id}/end/").status_code == 404
    )


def _put(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.put(url, json.dumps(body), content_type="application/json")


def test_the_api_changes_and_ends_a_scheme(
    client_for: Any, scheme: LocalScheme
) -> None:
    client = client_for("commissioner")
    url = f"/api/local-schemes/99Z/{scheme.pk}"
    body = {
        "name": "Care homes support",
        "kind": "service",
        "start": "2020-04-01",
        "annual_funding": "90000",
        "networks": ["U99001", "U99002"],
        "requirements": ["enhanced_health_in_care_homes"],
        "version": 1,
        "reason": "Funding cut",
    }
    changed = _put(client, url, body)
    assert changed.status_code == 200
    assert (
        changed.json()["version"] == 2
        and changed.json()["annual_funding"] == "90000.00"
    )
    stale = _put(client, url, body | {"annual_funding": "80000"})
    assert stale.status_code == 422 and "version" in stale.json()["detail"]
    # bounds are the service's: 422 naming each field
    bad = _put(
        client,
        url,
        body | {"version": 2, "annual_funding": "-1", "kind": "x", "reason": ""},
    )
    assert bad.status_code == 422
    assert {"annual_funding", "kind", "reason"} <= set(bad.json()["detail"])
    unreadable = _put(client, url, body | {"start": "someday"})
    assert unreadable.status_code == 422 and "start" in json.dumps(unreadable.json())
    ending = {"end": "2020-12-31", "version": 2, "reason": "Replaced by the DES"}
    early = client.post(
        url + "/end",
        json.dumps(ending | {"end": "2020-01-01"}),
        content_type="application/json",
    )
    assert early.status_code == 422 and "end" in early.json()["detail"]
    ended = client.post(
        url + "/end", json.dumps(ending), content_type="application/json"
    )
    assert ended.status_code == 200
    assert ended.json()["version"] == 3 and ended.json()["end"] == "2020-12-31"
    assert ended.json()["annual_funding"] == "90000.00"
    assert _versions(scheme) == [1, 2, 3]
    assert AuditEntry.objects.filter(action="schemes.scheme_changed").count() == 2
    missing = client.post(
        "/api/local-schemes/99Z/999999/end",
        json.dumps(ending),
        content_type="application/json",
    )
    assert missing.status_code == 404
