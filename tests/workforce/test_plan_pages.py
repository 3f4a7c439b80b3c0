"""The workforce plan pages: the projection as table, chart and files; the forms
that add and remove a row; who may see and who may change."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from pcnhub.access.roles import Role
from pcnhub.audit.models import AuditEntry
from pcnhub.audit.services import Actor
from pcnhub.rules.periods import ContractYear
from pcnhub.rules.plan import PlannedRow
from pcnhub.workforce import plan
from pcnhub.workforce.models import WorkforcePlanVersion
from tests.web.conftest import demo_data  # noqa: F401 - fixture
from tests.workforce.test_pages import signed_in

pytestmark = pytest.mark.django_db
ACTOR = Actor(system="tests")
URL = "/org/U99001/workforce/plan/"
ROW = {
    "role": "social_prescribing_link_worker",
    "start": "2020-10",
    "wte": "1",
    "salary": "28000",
    "on_costs": "6000",
    "end": "",
    "reason": "",
    "year": "2020/21",
}


def test_the_manager_adds_a_row_and_sees_the_projection(demo_data: None) -> None:  # noqa: F811
    manager = signed_in(Role.NETWORK_MANAGER, "U99001")
    form = manager.get(URL + "add/?year=2020/21")
    assert form.status_code == 200 and 'name="salary"' in form.content.decode()
    response = manager.post(URL + "add/?year=2020/21", ROW)
    assert response.status_code == 302
    assert response["Location"].endswith("?year=2020/21")
    page = manager.get(URL + "?year=2020/21")
    assert page.status_code == 200
    text = page.content.decode()
    assert "£16,953.42" in text  # the link worker's October to March, by hand
    assert "£2,887.67" in text  # October: £34,000 × 31 / 365
    assert "Underspend lost at year end" in text or "Overspend" in text
    assert "Add a planned post" in text and "Remove the row" in text


def test_the_chart_is_an_svg_with_a_title_and_description(demo_data: None) -> None:  # noqa: F811
    plan.add_row(
        ACTOR,
        "U99001",
        ContractYear(2020),
        PlannedRow(
            "social_prescribing_link_worker",
            date(2020, 10, 1),
            Decimal(1),
            Decimal("28000"),
            Decimal("6000"),
        ),
    )
    viewer = signed_in(Role.NATIONAL, None)
    text = viewer.get(URL + "?year=2020/21").content.decode()
    svg = re.search(r"<svg id=\"plan-chart\".*?</svg>", text, re.S)
    assert svg is not None
    assert 'role="img"' in svg.group(0) and 'viewBox="0 0 480 300"' in svg.group(0)
    assert re.search(r"<title id=\"plan-chart-title\">Workforce plan for 2020/21", text)
    desc = re.search(r"<desc id=\"plan-chart-desc\">(.*?)</desc>", text, re.S)
    assert desc is not None and "£16,953.42" in desc.group(1)
    assert svg.group(0).count("<circle") == 12
    assert "<script" not in svg.group(0)
    # the national analyst sees, but is not offered the forms
    assert "Add a planned post" not in text


def test_the_form_errors_name_the_field(demo_data: None) -> None:  # noqa: F811
    manager = signed_in(Role.NETWORK_MANAGER, "U99001")
    response = manager.post(
        URL + "add/?year=2020/21",
        ROW | {"wte": "1.5", "salary": "lots", "start": "October"},
    )
    assert response.status_code == 400
    text = response.content.decode()
    for field in ("wte", "salary", "start"):
        assert f'href="#{field}"' in text
    outside = manager.post(URL + "add/?year=2020/21", ROW | {"start": "2021-05"})
    assert outside.status_code == 400
    assert 'href="#start"' in outside.content.decode()
    assert "contract year 2020/21" in outside.content.decode()
    removal = manager.post(URL + "remove/", {"year": "2020/21", "row": "1"})
    assert removal.status_code == 400
    assert 'href="#reason"' in removal.content.decode()
    assert not WorkforcePlanVersion.objects.exists()


def test_the_manager_removes_a_row_with_a_reason(demo_data: None) -> None:  # noqa: F811
    manager = signed_in(Role.NETWORK_MANAGER, "U99001")
    manager.post(URL + "add/?year=2020/21", ROW)
    no_such = manager.post(
        URL + "remove/", {"year": "2020/21", "row": "2", "reason": "x"}
    )
    assert no_such.status_code == 400 and 'href="#row"' in no_such.content.decode()
    gone = manager.post(
        URL + "remove/", {"year": "2020/21", "row": "1", "reason": "not funded"}
    )
    assert gone.status_code == 302
    current = plan.latest("U99001", ContractYear(2020))
    assert current.number == 2 and current.rows == ()
    assert AuditEntry.objects.get(action="workforce.plan_row_removed").reason == (
        "not funded"
    )


@pytest.mark.parametrize(
    ("role", "code", "sees", "adds"),
    [
        (Role.NETWORK_MANAGER, "U99001", True, True),
        (Role.EVALUATOR, None, True, False),
        (Role.NATIONAL, None, True, False),
        (Role.NETWORK_MANAGER, "U99002", False, False),
    ],
)
def test_who_sees_and_who_adds(
    demo_data: None,  # noqa: F811
    role: Role,
    code: str | None,
    sees: bool,
    adds: bool,
) -> None:
    client = signed_in(role, code)
    assert client.get(URL).status_code == (200 if sees else 403)
    assert client.get(URL + "add/").status_code == (200 if adds else 403)
    response = client.post(URL + "add/?year=2020/21", ROW)
    assert response.status_code == (302 if adds else 403)
    removal = client.post(
        URL + "remove/", {"year": "2020/21", "row": "1", "reason": "x"}
    )
    assert removal.status_code == (302 if adds else 403)
    assert WorkforcePlanVersion.objects.count() == (2 if adds else 0)


def test_the_monthly_table_downloads(demo_data: None) -> None:  # noqa: F811
    manager = signed_in(Role.NETWORK_MANAGER, "U99001")
    manager.post(URL + "add/?year=2020/21", ROW)
    response = manager.get(URL + "?year=2020/21&format=csv")
    assert response["Content-Type"] == "text/csv"
    assert "workforce-plan-U99001-2020-21.csv" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 13
    assert rows[0]["month"] == "2020-04" and rows[0]["planned"] == "0.00"
    assert rows[6]["month"] == "2020-10" and rows[6]["planned"] == "2887.67"
    assert rows[-1]["month"] == "total 2020/21"
    assert rows[-1]["planned"] == "16953.42"
    arrs_sum = Decimal(rows[-1]["arrs_sum"])
    assert Decimal(rows[-1]["left_of_sum"]) == arrs_sum - Decimal(
        rows[-1]["month_total"]
    )
    book = load_workbook(
        BytesIO(manager.get(URL + "?year=2020/21&format=xlsx").content)
    )
    sheet = book.active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:3] == ("month", "existing", "planned")
    assert values[7][0] == "2020-10" and Decimal(str(values[7][2])) == Decimal(
        "2887.67"
    )


def test_a_bad_year_is_said_and_the_default_shown(demo_data: None) -> None:  # noqa: F811
    manager = signed_in(Role.NETWORK_MANAGER, "U99001")
    response = manager.get(URL + "?year=1999/00")
    assert response.status_code == 200
    assert "pcnhub has no contract rules for 1999/00" in response.content.decode()


def test_the_chart_of_an_overspend_says_so() -> None:
    from pcnhub.rules.claims import Post
    from pcnhub.rules.plan import project
    from pcnhub.rules.registry import default_parameters
    from pcnhub.workforce.plan_chart import chart

    existing = Post(
        "S1",
        "U1",
        "care_coordinator",
        Decimal(1),
        Decimal("20000"),
        date(2019, 4, 1),
        on_costs=Decimal("4000"),
    )
    row = PlannedRow(
        "social_prescribing_link_worker",
        date(2020, 10, 1),
        Decimal(1),
        Decimal("28000"),
        Decimal("6000"),
    )
    result = project(
        "U1",
        ContractYear(2020),
        [existing],
        [row],
        Decimal("30000"),
        default_parameters(),
    )
    drawn = chart(result, "Plan")
    assert "passes the sum in January 2021" in drawn.description
    assert "overspend of £" in drawn.description
    # the months above the sum are marked, and drawn above the sum's line
    sum_y = drawn.references[0].y
    points = drawn.lines[0].markers
    over = [p for p in points if p.over]
    assert len(over) == 3 and all(p.y < sum_y for p in over)
    assert all(p.y >= sum_y for p in points if not p.over)
    assert drawn.y_ticks[0].label == "£0"
