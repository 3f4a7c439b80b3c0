"""The register's charts: a practice's and a network's list sizes over time on the
organisation page, and entitlements by month on "How this network is paid".

Each chart is an SVG with a title and description, its figures as a table and a
CSV, and the same series from the API; who may see them is unchanged.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from decimal import Decimal
from html import unescape
from typing import Any
from urllib.parse import unquote

import pytest
from django.test import Client
from tests.web.conftest import demo_data  # noqa: F401 - fixture

from pcnhub.register import demo, queries
from pcnhub.register.models import ListMeasure
from pcnhub.web.presenters.list_sizes import day_label

pytestmark = pytest.mark.django_db

NETWORK = demo.MOVED_TO_PCN_CODE
PRACTICE = demo.MOVED_PRACTICE_CODE


def _sign_in(client: Client, make_user: Any, role: str, org: str | None) -> Client:
    client.force_login(make_user(role, org))
    return client


def _svg(html: str, chart_id: str) -> str:
    found = re.search(rf'<svg id="{chart_id}".*?</svg>', html, re.S)
    assert found is not None, f"no chart {chart_id}"
    return found.group(0)


def _table(html: str, chart_id: str) -> list[list[str]]:
    found = re.search(
        rf'<table class="nhsuk-table" id="{chart_id}-table">(.*?)</table>', html, re.S
    )
    assert found is not None
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", found.group(1), re.S)
    return [
        [unescape(c.strip()) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)]
        for r in rows
    ]


def _csv(html: str, chart_id: str) -> list[list[str]]:
    href = re.search(
        rf'id="{chart_id}-csv" href="data:text/csv;charset=utf-8,([^"]*)"', html
    )
    assert href is not None
    return list(csv.reader(io.StringIO(unquote(unescape(href.group(1))))))


def _number(text: str) -> Decimal | None:
    cleaned = text.replace("£", "").replace(",", "")
    return Decimal(cleaned) if cleaned else None


def _same_figures(table: list[list[str]], rows: list[list[str]]) -> None:
    assert table[0] == rows[0]
    assert len(table) == len(rows)
    for shown, written in zip(table[1:], rows[1:], strict=True):
        assert shown[0] == written[0]
        assert [_number(c) for c in shown[1:]] == [_number(c) for c in written[1:]]


def test_a_practice_page_charts_its_list_sizes(
    client: Client,
    make_user: Any,
    demo_data: None,  # noqa: F811
) -> None:
    viewer = _sign_in(client, make_user, "national", None)
    html = viewer.get(f"/org/{PRACTICE}/", {"as_at": "2022-01-01"}).content.decode()
    svg = _svg(html, "list-size-chart")
    assert 'role="img"' in svg and "<polyline" in svg
    assert f"List size of the practice {PRACTICE} over time" in svg
    assert re.search(
        r'<desc id="list-size-chart-desc">Registered patients from [\d,]+ on', svg
    )
    table = _table(html, "list-size-chart")
    assert table[0] == ["Date", "Registered patients", "Weighted patients"]
    _same_figures(table, _csv(html, "list-size-chart"))
    # the API serves the same series, and the figures are the register's
    api = viewer.get(f"/api/register/organisations/{PRACTICE}/list-sizes").json()
    assert api["kind"] == "practice" and api["points"]
    assert [day_label(date.fromisoformat(p["date"])) for p in api["points"]] == [
        r[0] for r in table[1:]
    ]
    assert [Decimal(p["registered"]) for p in api["points"]] == [
        _number(r[1]) for r in table[1:]
    ]
    last = date.fromisoformat(api["points"][-1]["date"])
    registered = queries.list_sizes_on([PRACTICE], ListMeasure.REGISTERED, last)
    assert Decimal(api["points"][-1]["registered"]) == registered[PRACTICE]


def test_a_network_page_charts_its_members_totals(
    client: Client,
    make_user: Any,
    demo_data: None,  # noqa: F811
) -> None:
    viewer = _sign_in(client, make_user, "national", None)
    html = viewer.get(f"/org/{NETWORK}/", {"as_at": "2022-01-01"}).content.decode()
    svg = _svg(html, "list-size-chart")
    assert f"List size of the network {NETWORK} over time" in svg
    assert "the totals of the practices that were members on each date" in svg
    table = _table(html, "list-size-chart")
    _same_figures(table, _csv(html, "list-size-chart"))
    api = viewer.get(f"/api/register/organisations/{NETWORK}/list-sizes").json()
    assert api["kind"] == "network"
    assert [_number(r[1]) for r in table[1:]] == [
        Decimal(p["registered"]) if p["registered"] else None for p in api["points"]
    ]
    # each point is the total of the members on its date, computed directly
    for point in api["points"]:
        day = date.fromisoformat(point["date"])
        members = queries.members_of(NETWORK, day)
        sizes = queries.list_sizes_on(members, ListMeasure.REGISTERED, day)
        assert point["members"] == len(members)
        assert Decimal(point["registered"]) == sum(sizes.values(), Decimal(0))
    # the moved practice counts only from the day it joined
    days = [date.fromisoformat(p["date"]) for p in api["points"]]
    counts = [p["members"] for p in api["points"]]
    before = [c for d, c in zip(days, counts, strict=True) if d < demo.MOVE_DATE]
    after = [c for d, c in zip(days, counts, strict=True) if d >= demo.MOVE_DATE]
    if before and after:
        assert max(before) < max(after)


def test_list_sizes_api_keeps_the_pages_access(
    client: Client,
    make_user: Any,
    demo_data: None,  # noqa: F811
) -> None:
    assert (
        client.get(f"/api/register/organisations/{NETWORK}/list-sizes").status_code
        == 401
    )
    manager = _sign_in(client, make_user, "network_manager", "U99001")
    mine = manager.get("/api/register/organisations/U99001/list-sizes")
    assert mine.status_code == 200 and mine.json()["points"]
    assert (
        manager.get("/api/register/organisations/U99002/list-sizes").status_code == 403
    )
    assert manager.get("/org/U99002/").status_code == 403
    assert (
        manager.get("/api/register/organisations/NOSUCH/list-sizes").status_code == 404
    )
    national = _sign_in(client, make_user, "national", None)
    assert national.get("/api/register/organisations/99Z/list-sizes").status_code == 404


def test_entitlements_are_charted_by_month(
    client: Client,
    make_user: Any,
    demo_data: None,  # noqa: F811
) -> None:
    viewer = _sign_in(client, make_user, "network_manager", "U99004")
    html = viewer.get("/org/U99004/entitlements/", {"year": "2022/23"}).content.decode()
    svg = _svg(html, "entitlements-chart")
    assert '<title id="entitlements-chart-title">Entitlements by month, 2022/23' in svg
    assert "What is due to the network month by month in 2022/23" in svg
    table = _table(html, "entitlements-chart")
    assert table[0][:2] == ["Month", "To the nominated payee"]
    assert [r[0] for r in table[1:]][:2] == ["Apr 2022", "May 2022"] and len(
        table
    ) == 13
    _same_figures(table, _csv(html, "entitlements-chart"))
    api = viewer.get(
        "/api/register/networks/U99004/entitlements/by-month", {"year": "2022/23"}
    ).json()
    assert [m["month"] for m in api["months"]][0] == "2022-04"
    assert [Decimal(m["to_payee"]) for m in api["months"]] == [
        _number(r[1]) for r in table[1:]
    ]
    # the months add up to what the lines API says is due in the year
    lines = viewer.get(
        "/api/register/networks/U99004/entitlements", {"year": "2022/23"}
    ).json()
    due = sum((Decimal(x["amount"]) for x in lines if x["amount"]), Decimal(0))
    assert sum(Decimal(m["total"]) for m in api["months"]) == due
    assert f"£{due:,.2f} in all" in svg


def test_entitlements_by_month_api_refuses_what_the_page_refuses(
    client: Client,
    make_user: Any,
    demo_data: None,  # noqa: F811
) -> None:
    url = "/api/register/networks/{}/entitlements/by-month"
    manager = _sign_in(client, make_user, "network_manager", "U99004")
    assert manager.get(url.format("U99002"), {"year": "2022/23"}).status_code == 403
    assert (
        manager.get("/org/U99002/entitlements/", {"year": "2022/23"}).status_code == 403
    )
    assert manager.get(url.format("U99004"), {"year": "x"}).status_code == 422
    national = _sign_in(client, make_user, "national", None)
    assert national.get(url.format("99Z")).status_code == 404
