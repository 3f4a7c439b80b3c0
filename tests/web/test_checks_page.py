"""The checks page as a table people can work with (issue 12, item 5): filtered
by requirement, sorted by any column, names beside codes, pages of 100, and
downloads that hold every finding the filters keep (not one page)."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from django.test import Client
from tests.web.conftest import demo_data  # noqa: F401 - fixture

from pcnhub.register import demo
from pcnhub.ui.outcomes import RULE_LABELS

pytestmark = pytest.mark.django_db

DAY = "2022-01-01"
RULE = "population.band"


def _csv(response: Any) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def _rows(html: str) -> list[str]:
    body = html.split("<tbody", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)


def test_filter_by_requirement(signed_in: Client, demo_data: None) -> None:  # noqa: F811
    every = _csv(signed_in.get("/checks/", {"as_at": DAY, "format": "csv"}))
    wanted = [r for r in every if r["rule"] == RULE]
    assert wanted and len(wanted) < len(every)
    page = signed_in.get("/checks/", {"as_at": DAY, "rule": RULE})
    assert page.status_code == 200
    html = page.content.decode()
    rows = _rows(html)
    assert len(rows) == len(wanted)
    assert all(RULE_LABELS[RULE] in row for row in rows)
    # the select offers each requirement with how many findings it has
    assert f"{RULE_LABELS[RULE]} ({len(wanted)})" in html
    # the outcome links keep the requirement chosen
    assert f"rule={RULE}" in html.split('aria-label="Show findings by outcome"')[1]
    # the downloads hold every finding of the requirement
    got = _csv(signed_in.get("/checks/", {"as_at": DAY, "rule": RULE, "format": "csv"}))
    assert got == wanted
    both = _csv(
        signed_in.get(
            "/checks/", {"as_at": DAY, "rule": RULE, "outcome": "met", "format": "csv"}
        )
    )
    assert both == [r for r in wanted if r["outcome"] == "met"]


def test_an_unknown_requirement_is_a_400(signed_in: Client, demo_data: None) -> None:  # noqa: F811
    page = signed_in.get("/checks/", {"as_at": DAY, "rule": "nonsense"})
    assert page.status_code == 400
    assert "is not a requirement pcnhub checks" in page.content.decode()
    download = signed_in.get(
        "/checks/", {"as_at": DAY, "rule": "nonsense", "format": "csv"}
    )
    assert download.status_code == 400


def test_sortable_columns_and_names_beside_codes(
    signed_in: Client,
    demo_data: None,  # noqa: F811
) -> None:
    html = signed_in.get("/checks/", {"as_at": DAY}).content.decode()
    # each sortable heading is a link that sorts by it; outcome is sorted now
    for key in ("outcome", "where", "commissioner", "rule"):
        assert f"sort={key}&amp;order=" in html
    assert 'aria-sort="ascending"' in html
    # names beside codes
    assert f"({demo.UNCOVERED_PRACTICE_CODE})" in html
    assert "NHS Wendmoor CCG (99Z)" in html
    by_code = signed_in.get(
        "/checks/", {"as_at": DAY, "sort": "where", "order": "desc"}
    ).content.decode()
    codes = [
        re.search(r"\((U\d{5}|Z\d{5})\)", row)[1]  # type: ignore[index]
        for row in _rows(by_code)
        if re.search(r"\((U\d{5}|Z\d{5})\)", row)
    ]
    assert codes and codes[0] >= codes[-1]
    assert "sorted by Network or practice, Z to A" in by_code


def test_the_downloads_ignore_the_page(signed_in: Client, demo_data: None) -> None:  # noqa: F811
    every = _csv(signed_in.get("/checks/", {"as_at": DAY, "format": "csv"}))
    second = _csv(
        signed_in.get(
            "/checks/", {"as_at": DAY, "format": "csv", "page": "2", "sort": "rule"}
        )
    )
    assert second == every
