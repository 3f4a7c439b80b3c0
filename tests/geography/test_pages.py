"""The map pages and their API over the demo area with its invented outlines:
who sees which, what the SVG holds, the table alternative, the sources, and no
request to anywhere else."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from pcnhub.register import queries
from pcnhub.register.demo import (
    FAR_PRACTICE_CODE,
    MOVE_DATE,
    MOVED_FROM_PCN_CODE,
    MOVED_PRACTICE_CODE,
    MOVED_TO_PCN_CODE,
    UNCOVERED_PRACTICE_CODE,
)
from pcnhub.register.models import OrganisationVersion

pytestmark = pytest.mark.django_db
DAY = "2022-06-01"
NETWORK = "U99001"
#: Any reference to another server: a source, a link, a stylesheet's url().
EXTERNAL = re.compile(
    r"""(?:src|href|action)\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?\s*(?:https?:)?//""",
    re.I,
)


def _client(make_user: Any, role: str, code: str | None = None) -> Client:
    client = Client()
    client.force_login(make_user(role, code))
    return client


def _members(network: str, day: str = DAY) -> set[str]:
    return set(queries.members_of(network, date.fromisoformat(day)))


def _map(html: str) -> str:
    """The map's SVG (the page's other SVGs are icons)."""
    start = html.index('<svg class="pcnhub-map__svg"')
    return html[start : html.index("</svg>", start)]


def _marker_titles(html: str) -> list[str]:
    if '<svg class="pcnhub-map__svg"' not in html:
        return []
    svg = _map(html)
    return re.findall(r'class="pcnhub-map__marker"[^>]*><title>([^<]*)</title>', svg)


def test_a_networks_map_draws_its_members_on_the_outlines(
    demo_outlines: None,
    make_user: Any,
) -> None:
    client = _client(make_user, "network_manager", NETWORK)
    response = client.get(f"/org/{NETWORK}/map/?as_at={DAY}")
    assert response.status_code == 200
    html = response.content.decode()
    titles = _marker_titles(html)
    members = _members(NETWORK)
    assert len(titles) == len(members) > 1
    for code in members:
        assert any(f"({code})" in t for t in titles), code
    svg = _map(html)
    # The network's district and its neighbours, each an outline.
    assert svg.count('class="pcnhub-map__home"') == 1
    assert svg.count('class="pcnhub-map__district"') >= 3
    assert 'role="img"' in svg and 'aria-labelledby="map-title map-desc"' in svg
    # The table alternative: every member, its network and district, in words.
    table = html[html.index("Practices on the map") :]
    for code in members:
        assert f"({code})" in table
    assert "Blue circle: Wendmoor Central PCN (U99001)" in html
    assert "<td" in table and "blue circle" in table and "ZZ1" in table


def test_every_map_credits_its_sources_and_asks_nothing_of_another_server(
    demo_outlines: None,
    make_user: Any,
) -> None:
    client = _client(make_user, "national")
    for url in (
        f"/org/{NETWORK}/map/?as_at={DAY}",
        f"/org/99Z/map/?as_at={DAY}",
        f"/uncovered/map/?as_at={DAY}",
        f"/uncovered/map/?commissioner=99Z&as_at={DAY}",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "CC BY-SA 3.0" in html and "uk-postcode-polygons" in html, url
        assert "CC0 1.0" in html and "gibbs/uk-postcodes" in html, url
        assert not EXTERNAL.findall(html), (url, EXTERNAL.findall(html))
        assert "<script" not in html[html.index("<main") : html.index("</main>")]


def test_a_commissioners_map_groups_its_practices_by_network(
    demo_outlines: None,
    make_user: Any,
) -> None:
    html = (
        _client(make_user, "commissioner", "99Z")
        .get(f"/org/99Z/map/?as_at={DAY}")
        .content.decode()
    )
    titles = _marker_titles(html)
    # Every practice of the merged area on the day, one of them in no network.
    area = queries.practices_on(date.fromisoformat(DAY), commissioner="99Z")
    assert len(titles) == len(area) > 50
    assert any(UNCOVERED_PRACTICE_CODE in t and "in no network" in t for t in titles)
    assert "White cross: In no network, 1 practice" in html
    legend = re.findall(r"<li><svg[^>]*>.*?</svg><span>([^<]*)</span></li>", html)
    assert len(legend) == 13  # 12 networks and the one practice in none
    styles = re.findall(
        r'class="pcnhub-map__marker" fill="(#[0-9A-Fa-f]{6})" d="M', html
    )
    assert len(set(styles)) == 8
    # The far practice is in its own district, ZZ13.
    assert any(FAR_PRACTICE_CODE in t and "ZZ13" in t for t in titles)
    assert "/uncovered/map/?commissioner=99Z" in html


def test_a_move_between_networks_shows_on_the_day(
    demo_outlines: None,
    make_user: Any,
) -> None:
    client = _client(make_user, "national")
    before = client.get(f"/org/{MOVED_FROM_PCN_CODE}/map/?as_at=2021-06-01")
    after = client.get(f"/org/{MOVED_TO_PCN_CODE}/map/?as_at={MOVE_DATE}")
    assert any(
        MOVED_PRACTICE_CODE in t for t in _marker_titles(before.content.decode())
    )
    assert any(MOVED_PRACTICE_CODE in t for t in _marker_titles(after.content.decode()))


def test_the_map_of_practices_in_no_network(
    demo_outlines: None,
    make_user: Any,
) -> None:
    for client in (
        _client(make_user, "commissioner", "99Z"),
        _client(make_user, "practice_manager", UNCOVERED_PRACTICE_CODE),
    ):
        html = client.get(f"/uncovered/map/?as_at={DAY}").content.decode()
        (title,) = _marker_titles(html)
        assert UNCOVERED_PRACTICE_CODE in title
    # A network's manager sees no practice in no network: the page says so.
    html = (
        _client(make_user, "network_manager", NETWORK)
        .get(f"/uncovered/map/?as_at={DAY}")
        .content.decode()
    )
    assert '<svg class="pcnhub-map__svg"' not in html
    assert "There are no practices to show on this date." in html


def test_a_practice_with_no_centroid_is_listed_not_placed(
    demo_outlines: None,
    make_user: Any,
) -> None:
    member = sorted(_members(NETWORK))[0]
    # A postcode in a district the centroids do not know (written straight in).
    OrganisationVersion.objects.filter(organisation_id=member).update(
        postcode="ZZ77 1AA"
    )
    html = (
        _client(make_user, "national")
        .get(f"/org/{NETWORK}/map/?as_at={DAY}")
        .content.decode()
    )
    assert not any(member in t for t in _marker_titles(html))
    placed = html[html.index("Not placed on the map") :]
    assert member in placed
    assert "no centroid imported for postcode district ZZ77" in placed
    assert "practices not placed (listed below)" not in html  # one: "practice"
    assert "1 practice not placed (listed below)" in html


def test_without_outlines_the_practices_are_still_placed(
    demo_data: None,
    make_user: Any,
) -> None:
    html = (
        _client(make_user, "national")
        .get(f"/org/{NETWORK}/map/?as_at={DAY}")
        .content.decode()
    )
    assert len(_marker_titles(html)) == len(_members(NETWORK))
    assert "No outline has been imported for ZZ1." in html


def test_access_is_the_organisation_pages(
    demo_outlines: None,
    make_user: Any,
) -> None:
    director = _client(make_user, "clinical_director", NETWORK)
    assert director.get(f"/org/{NETWORK}/map/").status_code == 200
    # 403 before 404: a code outside the scope is refused, known or not.
    assert director.get("/org/99Z/map/").status_code == 403
    assert director.get("/org/U99002/map/").status_code == 403
    assert director.get("/org/U00000/map/").status_code == 403
    assert director.get("/uncovered/map/?commissioner=99Z").status_code == 403
    assert director.get("/api/maps/org/99Z").status_code == 403
    national = _client(make_user, "national")
    assert national.get("/org/U00000/map/").status_code == 404
    assert national.get("/org/Z91001/map/").status_code == 404  # a practice
    assert national.get(f"/uncovered/map/?commissioner={NETWORK}").status_code == 404
    assert national.get("/api/maps/org/U00000").status_code == 404
    assert national.get("/api/maps/uncovered?commissioner=U00000").status_code == 404
    assert national.post(f"/org/{NETWORK}/map/").status_code == 405
    # A practice's manager sees their network's map (read only), not others'.
    practice = _client(make_user, "practice_manager", "Z91001")
    assert practice.get(f"/org/{NETWORK}/map/").status_code == 200
    assert practice.get("/org/U99002/map/").status_code == 403
    nobody = Client()
    nobody.force_login(get_user_model().objects.create_user("norole"))
    assert nobody.get("/uncovered/map/").status_code == 403
    assert nobody.get("/api/maps/uncovered").status_code == 403


def test_a_bad_date_is_a_400_page_showing_today(
    demo_outlines: None,
    make_user: Any,
) -> None:
    response = _client(make_user, "national").get(f"/org/{NETWORK}/map/?as_at=x")
    assert response.status_code == 400
    assert "Enter the date as year, month and day" in response.content.decode()


def test_the_api_gives_the_pages_layers(
    demo_outlines: None,
    make_user: Any,
) -> None:
    client = _client(make_user, "commissioner", "99Z")
    body = client.get(f"/api/maps/org/99Z?as_at={DAY}").json()
    assert body["kind"] == "commissioner" and body["code"] == "99Z"
    assert body["as_at"] == DAY and body["view_box"].startswith("0 0 480 ")
    area = queries.practices_on(date.fromisoformat(DAY), commissioner="99Z")
    assert len(body["practices"]) == len(area) and body["not_placed"] == []
    point = next(
        p for p in body["practices"] if p["practice_code"] == FAR_PRACTICE_CODE
    )
    assert point["outcode"] == "ZZ13" and point["pcn_code"] == "U99004"
    assert 52 < point["latitude"] < 53 and -2.5 < point["longitude"] < -1
    assert {d["outcode"] for d in body["districts"]} >= {"ZZ1", "ZZ13"}
    assert all(re.fullmatch(r"[MLZ0-9 .\-]+", d["path"]) for d in body["districts"])
    west, south, east, north = body["bounds"]
    assert west < point["longitude"] < east and south < point["latitude"] < north
    assert [s["licence"] for s in body["attribution"]][:2] == [
        "CC BY-SA 3.0",
        "CC0 1.0",
    ]
    assert len(body["legend"]) == 13
    page = client.get(f"/api/maps/uncovered?commissioner=99Z&as_at={DAY}").json()
    assert [p["practice_code"] for p in page["practices"]] == [UNCOVERED_PRACTICE_CODE]
    assert client.get("/api/maps/org/99Z?as_at=x").status_code == 422
