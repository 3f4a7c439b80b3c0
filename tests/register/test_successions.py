"""Mergers followed: after a succession, the predecessor's practices and networks
are under the successor (inferred, and marked so), until a file says otherwise."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from pcnhub.contract.services import NotFound, run_checks
from pcnhub.register import demo, queries
from pcnhub.register.models import Relationship, RelationshipKind
from pcnhub.register.successions import Parent, Successions
from tests.web.conftest import load_demo

MERGER = demo.MERGED_COMMISSIONERS
OLD = set(MERGER.predecessors)
NEW = MERGER.successor
#: Networks the demo's files record under 98Z and 97Z until the May 2022 ePCN.
INHERITED = {"U99006", "U99007", "U99008", "U99009", "U99010", "U99011", "U99012"}
EPCN_DAY = date(2022, 5, 1)


def every_month(start: date, end: date) -> list[date]:
    days, day = [], start
    while day <= end:
        days.append(day)
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return days


#: The merger's day and the day before, every month to 2026, and the ePCN's day.
AFTER = sorted(
    {MERGER.effective, EPCN_DAY - timedelta(days=1), EPCN_DAY, date(2026, 6, 1)}
    | set(every_month(MERGER.effective, date(2026, 12, 1)))
)


@pytest.fixture
def area(db: None, tmp_path: Path) -> None:
    load_demo(tmp_path / "demo")


def children_section(response: Any) -> str:
    """A region's or system's page from its children's heading to the next one."""
    html = response.content.decode()
    start = html.index("Commissioners")
    start = html.index("<h2", start - 60)
    return html[start : html.index("<h2", start + 1)]


def run(*args: str) -> Any:
    out = io.StringIO()
    call_command(*args, "--format", "json", stdout=out, stderr=io.StringIO())
    return json.loads(out.getvalue())


# The rule, without a database ------------------------------------------------------

A, B, C, D = "A1A", "B1B", "C1C", "D1D"
ON = date(2021, 4, 1)


def test_resolve_follows_a_chain_from_each_date() -> None:
    chain = Successions({A: [(ON, B)], B: [(date(2022, 7, 1), C)]})
    start = date(2020, 1, 1)
    assert chain.resolve(A, start, date(2021, 3, 31)) == Parent(A, A)
    assert chain.resolve(A, start, ON) == Parent(B, A, ON)
    assert chain.resolve(A, start, date(2023, 1, 1)) == Parent(C, A, date(2022, 7, 1))
    assert chain.resolve(A, start, date(2023, 1, 1)).inferred
    assert chain.predecessors(C, date(2023, 1, 1)) == {A, B}
    assert chain.predecessors(C, date(2022, 1, 1)) == set()


def test_a_link_recorded_after_the_succession_stands() -> None:
    merged = Successions({A: [(ON, B)]})
    assert merged.resolve(A, ON, date(2022, 1, 1)) == Parent(A, A)
    assert merged.resolve(A, ON - timedelta(days=1), date(2022, 1, 1)).code == B


def test_a_split_or_a_loop_is_not_followed() -> None:
    split = Successions({A: [(ON, B), (ON, C)]})
    assert split.resolve(A, date(2020, 1, 1), date(2022, 1, 1)) == Parent(A, A)
    loop = Successions({A: [(ON, B)], B: [(ON, A)]})
    assert loop.resolve(A, date(2020, 1, 1), date(2022, 1, 1)).code == B
    assert Successions({D: []}).closed_on(D) is None


def test_a_succession_to_a_closed_commissioner_is_not_followed() -> None:
    """Files read out of order once suggested 99Z → 97Z on 2022-04-01, a year
    after 97Z closed into 99Z: 99Z's links stay with 99Z."""
    later = date(2022, 4, 1)
    odd = Successions({A: [(ON, B)], B: [(later, A)]})
    assert odd.resolve(B, date(2013, 4, 1), date(2026, 6, 1)) == Parent(B, B)
    assert odd.resolve(A, date(2013, 4, 1), date(2026, 6, 1)) == Parent(B, A, ON)


# The demo: nothing under 97Z or 98Z after 1 April 2021 --------------------------------


def test_nothing_is_under_a_merged_commissioner_after_the_merger(area: None) -> None:
    for day in AFTER:
        networks = queries.networks_on(day)
        assert {n.commissioner_code for n in networks} == {NEW}, day
        practices = queries.practices_on(day)
        assert {p.commissioner_code for p in practices} == {NEW}, day
        for old in OLD:
            assert queries.networks_on(day, commissioner=old) == [], day
            assert queries.practices_on(day, commissioner=old) == [], day
            assert queries.uncovered_on(day, commissioner=old) == [], day
            assert queries.children_on(old, day) == [], day
        assert len(queries.networks_on(day, commissioner=NEW)) == len(networks)
        for network in networks:
            rungs = queries.hierarchy(network.pcn_code, day)
            assert [r.code for r in rungs[1:]] == [NEW, demo.DEMO_SYSTEM_CODE, "Y98"]


def test_before_the_merger_each_commissioner_keeps_its_own(area: None) -> None:
    day = MERGER.effective - timedelta(days=1)
    under = {n.pcn_code: n for n in queries.networks_on(day)}
    assert {c for c in INHERITED if under[c].commissioner_code in OLD} == INHERITED
    assert not any(n.commissioner_inferred for n in under.values())
    assert queries.networks_on(day, commissioner="97Z")


def test_inferred_until_the_epcn_file_names_the_successor(area: None) -> None:
    for day, inferred in (
        (MERGER.effective, INHERITED),
        (EPCN_DAY - timedelta(days=1), INHERITED),
        (EPCN_DAY, set()),
        (date(2026, 6, 1), set()),
    ):
        rows = queries.networks_on(day, commissioner=NEW)
        assert len(rows) == 12
        assert {r.pcn_code for r in rows if r.commissioner_inferred} == inferred, day
    rungs = queries.hierarchy("U99010", MERGER.effective)
    assert rungs[1].code == NEW and rungs[1].inferred
    assert not queries.hierarchy("U99010", EPCN_DAY)[1].inferred


def test_a_later_file_naming_another_commissioner_wins_from_its_date(
    area: None,
) -> None:
    """A link recorded from a date after the merger (a later file) is not
    rewritten, even one naming the closed commissioner."""
    later = date(2021, 10, 1)
    link = Relationship.objects.get(
        kind=RelationshipKind.NETWORK_COMMISSIONER,
        child_id="U99012",
        valid_from__lte=later,
        valid_to__gt=later,
    )
    end = link.valid_to
    link.valid_to = later
    link.save()
    Relationship.objects.create(
        kind=RelationshipKind.NETWORK_COMMISSIONER,
        child_id="U99012",
        parent_id="97Z",
        valid_from=later,
        valid_to=end,
    )
    assert queries.parent_on(
        RelationshipKind.NETWORK_COMMISSIONER, "U99012", later - timedelta(days=1)
    ) == (NEW)
    row = queries.networks_on(later, commissioner="97Z")
    assert [(r.pcn_code, r.commissioner_inferred) for r in row] == [("U99012", False)]


def test_system_lists_current_commissioners_and_closed_ones_end(area: None) -> None:
    system = demo.DEMO_SYSTEM_CODE
    kind = RelationshipKind.COMMISSIONER_SYSTEM
    before = MERGER.effective - timedelta(days=1)
    assert {c.code for c in queries.children_on(system, before)} == OLD | {NEW}
    assert [c.code for c in queries.children_on(system, date(2026, 6, 1))] == [NEW]
    ever = {c.code: c for c in queries.children_ever(kind, system)}
    assert set(ever) == OLD | {NEW}
    assert ever[NEW].end is None
    assert {ever[old].end for old in OLD} == {MERGER.effective}
    inherited = {
        c.code
        for c in queries.children_on(NEW, MERGER.effective)
        if c.relationship == RelationshipKind.NETWORK_COMMISSIONER and c.inferred
    }
    assert inherited == INHERITED


# Everywhere it is shown: CLI, contract checks, pages, API ---------------------------


def test_networks_command_on_2026_06_01(area: None) -> None:
    assert run("networks", "--as-at", "2026-06-01", "--commissioner", "97Z") == []
    rows = run("networks", "--as-at", "2026-06-01", "--commissioner", NEW)
    assert len(rows) == 12
    assert {r["commissioner_inferred"] for r in rows} == {False}
    out = io.StringIO()
    call_command("networks", "--as-at", "2021-06-01", "--commissioner", NEW, stdout=out)
    table = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert {r["pcn_code"] for r in table if r["commissioner_inferred"] == "True"} == (
        INHERITED
    )
    assert {r["commissioner_inferred"] for r in table} == {"True", "False"}


def test_commissioner_user_reaches_the_inherited_networks(
    area: None, make_user: Any
) -> None:
    user = make_user("commissioner", NEW)
    rows = run("networks", "--as-at", "2021-06-01", "--user", user.get_username())
    assert {r["pcn_code"] for r in rows} >= INHERITED


def test_contract_checks_put_networks_under_the_successor(area: None) -> None:
    findings = run_checks(date(2021, 6, 1), commissioner=NEW).findings
    networks = {f.pcn_code for f in findings if f.pcn_code}
    assert networks >= INHERITED
    assert {f.commissioner_code for f in findings if f.pcn_code in INHERITED} == {NEW}
    with pytest.raises(NotFound, match="no commissioner 97Z with practices"):
        run_checks(date(2021, 6, 1), commissioner="97Z")


def test_pages_mark_inferred_and_closed(
    area: None, client: Client, make_user: Any
) -> None:
    client.force_login(make_user("national"))
    html = client.get("/networks/", {"as_at": "2021-06-01"}).content.decode()
    assert html.count("inferred from a merger") == len(INHERITED)
    page = client.get("/org/97Z/", {"as_at": "2026-06-01"}).content.decode()
    assert "Closed" in page and "31 March 2021" in page
    assert "No network is overseen by 97Z" in page
    system = f"/org/{demo.DEMO_SYSTEM_CODE}/"
    current = children_section(client.get(system, {"as_at": "2026-06-01"}))
    assert "/org/99Z/" in current and "/org/97Z/" not in current
    assert "Show past ones too" in current
    past = children_section(client.get(system, {"as_at": "2026-06-01", "past": "1"}))
    assert "/org/97Z/" in past and "to 31 March 2021" in past
    csv_text = client.get(
        "/networks/", {"as_at": "2021-06-01", "format": "csv"}
    ).content.decode()
    assert csv_text.splitlines()[0].endswith(",commissioner_inferred")


def test_api_marks_inferred_links(area: None, client: Client, make_user: Any) -> None:
    client.force_login(make_user("national"))
    rows = client.get(
        "/api/register/networks", {"as_at": "2021-06-01", "commissioner": NEW}
    ).json()
    assert {r["pcn_code"] for r in rows if r["commissioner_inferred"]} == INHERITED
    new = client.get(f"/api/register/organisations/{NEW}", {"as_at": "2021-06-01"})
    children = {c["code"]: c for c in new.json()["children"]}
    assert {c for c, v in children.items() if v["inferred"]} == INHERITED
    old = client.get("/api/register/organisations/97Z", {"as_at": "2021-06-01"})
    assert old.json()["children"] == []
    network = client.get(
        "/api/register/organisations/U99010", {"as_at": "2021-06-01"}
    ).json()
    assert network["parents"][0] | {"name": ""} == {
        "code": NEW,
        "kind": "commissioner",
        "name": "",
        "visible": True,
        "inferred": True,
    }
