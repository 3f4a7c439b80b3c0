"""/variability/: who sees which area, the figures, the chart and its table,
the sortable commissioner table, deprivation by network, the CSVs."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from pcnhub.oversight.demo import WITHOUT_DECILE, create_demo_deprivation
from pcnhub.oversight.models import PracticeDeprivation

pytestmark = pytest.mark.django_db
PAGE = "/variability/?as_at=2022-01-01"


def test_a_national_analyst_sees_england_with_the_histogram(client_for: Any) -> None:
    response = client_for("national").get(PAGE)
    assert response.status_code == 200
    page = response.content.decode()
    assert "England" in page and "Network size and variation" in page
    assert '<svg id="band-histogram"' in page and 'role="img"' in page
    assert "In the 30,000–50,000 band" in page  # the data table's column
    # Both areas' commissioners, names beside codes.
    assert "NHS Wendmoor CCG (99Z)" in page and "NHS Farshire CCG (88X)" in page
    assert "No deprivation figures have been imported yet" in page


def test_each_role_gets_its_own_area_by_default(client_for: Any) -> None:
    assert "Wendmoor" in _title(client_for("commissioner").get(PAGE))
    region = _title(client_for("region").get(PAGE))
    assert "(Y98)" in region
    # A network's manager: the area of its commissioner, its own network listed.
    manager = client_for("manager").get(PAGE)
    assert "(99Z)" in _title(manager)
    page = manager.content.decode()
    assert "U99001" in page and "/org/U99002/" not in page
    assert "counted in the figures above but not listed" in page
    assert "(99Z)" in _title(client_for("practice").get(PAGE))
    assert "England" in _title(client_for("evaluator").get(PAGE))


def test_scopes_outside_the_roles_are_refused_before_unknown_codes(
    client_for: Any,
) -> None:
    commissioner = client_for("commissioner")
    assert commissioner.get(PAGE + "&scope=88X").status_code == 403
    assert commissioner.get(PAGE + "&scope=Y97").status_code == 403
    assert commissioner.get(PAGE + "&scope=").status_code == 403  # England
    assert commissioner.get(PAGE + "&scope=ZZZ").status_code == 403
    national = client_for("national")
    assert national.get(PAGE + "&scope=ZZZ").status_code == 404
    assert national.get(PAGE + "&scope=U99001").status_code == 404  # a network
    assert national.get(PAGE + "&scope=Y97").status_code == 200
    assert client_for("manager").get(PAGE + "&scope=88X").status_code == 403
    assert client_for("nobody").get(PAGE).status_code == 403
    region = client_for("region")
    assert region.get(PAGE + "&scope=QZZ").status_code == 200
    assert region.get(PAGE + "&scope=98Z").status_code == 200


def test_the_commissioner_table_sorts_and_totals(client_for: Any) -> None:
    client = client_for("region")
    page = client.get(PAGE + "&scope=Y98&sort=c_networks&order=desc").content.decode()
    assert "sorted by Networks, highest first" in page
    assert "Totals are for all" in page or "Totals are for the 1" in page
    assert 'aria-sort="descending"' in page


def test_the_csvs_give_the_same_figures(client_for: Any) -> None:
    client = client_for("national")
    summary = dict(
        csv.reader(io.StringIO(client.get(PAGE + "&format=csv").content.decode()))
    )
    histogram = list(
        csv.DictReader(
            io.StringIO(
                client.get(PAGE + "&format=csv&table=histogram").content.decode()
            )
        )
    )
    assert sum(int(r["networks"]) for r in histogram) == int(summary["networks"])
    assert sum(int(r["networks"]) for r in histogram if r["band"] == "within") <= int(
        summary["within_band"]
    )
    networks = list(
        csv.DictReader(
            io.StringIO(
                client.get(PAGE + "&format=csv&table=networks").content.decode()
            )
        )
    )
    assert len(networks) == int(summary["networks"])
    assert client.get(PAGE + "&format=csv&table=nope").status_code == 404
    # A network's manager's network CSV has only the networks they see.
    manager = client_for("manager").get(PAGE + "&format=csv&table=networks")
    rows = list(csv.DictReader(io.StringIO(manager.content.decode())))
    assert [r["pcn_code"] for r in rows] == ["U99001"]


def test_deprivation_by_network_after_the_demo_import(client_for: Any) -> None:
    made = create_demo_deprivation()
    assert made == PracticeDeprivation.objects.count()
    assert create_demo_deprivation() == 0  # again: nothing new
    assert PracticeDeprivation.objects.count() == made
    page = client_for("national").get(PAGE + "&scope=99Z").content.decode()
    assert "No deprivation figures" not in page
    assert "IMD decile (list-weighted)" in page
    client = client_for("national")
    rows = {
        r["pcn_code"]: r
        for r in csv.DictReader(
            io.StringIO(
                client.get(
                    PAGE + "&scope=99Z&format=csv&table=networks"
                ).content.decode()
            )
        )
    }
    assert rows["U99012"]["practices_without_decile"] == WITHOUT_DECILE
    assert all(r["weighted_imd_decile"] for r in rows.values())
    # Every figure between its members' deciles (1 to 10).
    assert all(1 <= float(r["weighted_imd_decile"]) <= 10 for r in rows.values())
    # 97Z merged into 99Z on 1 April 2021: no networks of its own in 2022.
    empty = client.get(PAGE + "&scope=97Z")
    assert empty.status_code == 200
    assert "No networks with member practices on this date" in empty.content.decode()


def test_a_bad_date_is_said_and_today_shown(client_for: Any) -> None:
    response = client_for("national").get("/variability/?as_at=2021-13-01")
    assert response.status_code == 200
    assert "Enter the date as year, month and day" in response.content.decode()


def _title(response: Any) -> str:
    assert response.status_code == 200, response.content[:500]
    page = response.content.decode()
    return page[page.index("<title>") : page.index("</title>")]
