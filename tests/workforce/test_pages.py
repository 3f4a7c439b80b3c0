"""The workforce pages: a network's staff and claims, a post's history, the
forms; names only for those allowed them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from openpyxl import load_workbook

from pcnhub.access.roles import Role
from pcnhub.access.services import grant
from pcnhub.audit.services import Actor
from pcnhub.rules.periods import ContractYear
from pcnhub.workforce import claiming, staff
from pcnhub.workforce.models import StaffPost
from tests.web.conftest import demo_data  # noqa: F401 - fixture
from tests.workforce.test_staff import entry

pytestmark = pytest.mark.django_db
ACTOR = Actor(system="tests")


def signed_in(role: Role, code: str | None) -> Client:
    user = get_user_model().objects.create_user(f"{role}-{code}", password="x")
    grant(ACTOR, user, role, code, valid_from=date(2019, 4, 1))
    client = Client()
    client.force_login(user)
    return client


POST = {
    "name": "Asha Patel",
    "role": "social_prescribing_link_worker",
    "wte": "1",
    "salary": "28000",
    "employer": "member_practice",
    "start": "2023-04-01",
    "funding": "arrs",
    "london": "none",
}


def test_the_manager_records_a_post_and_sees_it(demo_data: None) -> None:  # noqa: F811
    manager = signed_in(Role.NETWORK_MANAGER, "U99001")
    response = manager.post("/org/U99001/workforce/posts/new/", POST)
    assert response.status_code == 302
    post = StaffPost.objects.get()
    page = manager.get(f"/org/U99001/workforce/posts/{post.reference}/")
    assert page.status_code == 200
    assert "Asha Patel" in page.content.decode()
    listing = manager.get("/org/U99001/workforce/").content.decode()
    assert "Asha Patel" in listing and post.reference in listing


def test_form_errors_name_the_field(demo_data: None) -> None:  # noqa: F811
    manager = signed_in(Role.NETWORK_MANAGER, "U99001")
    response = manager.post(
        "/org/U99001/workforce/posts/new/", POST | {"wte": "1.5", "salary": "lots"}
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert 'href="#wte"' in text and 'href="#salary"' in text
    assert not StaffPost.objects.exists()


@pytest.mark.parametrize(
    ("role", "code", "sees_name"),
    [
        (Role.NETWORK_MANAGER, "U99001", True),
        (Role.CLINICAL_DIRECTOR, "U99001", True),
        (Role.COMMISSIONER, "99Z", True),
        (Role.REGIONAL, "Y98", False),
        (Role.NATIONAL, None, False),
        (Role.EVALUATOR, None, False),
    ],
)
def test_names_only_for_the_network_and_its_commissioner(
    demo_data: None,  # noqa: F811
    role: Role,
    code: str | None,
    sees_name: bool,
) -> None:
    version = staff.record_post(ACTOR, "U99001", entry())
    claim = claiming.generate_claim(ACTOR, "U99001", date(2023, 5, 1))
    client = signed_in(role, code)
    key = version.post.person_key
    pages = [
        "/org/U99001/workforce/",
        f"/org/U99001/workforce/posts/{version.post.reference}/",
        "/org/U99001/workforce/claims/?month=2023-05",
        "/org/U99001/workforce/claims/?month=2023-05&format=csv",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        assert ("Asha Patel" in text) is sees_name, url
        assert key in text, url
    book = client.get("/org/U99001/workforce/claims/?month=2023-05&format=xlsx")
    cells = {
        str(c)
        for row in load_workbook(BytesIO(book.content)).active.iter_rows(
            values_only=True
        )
        for c in row
    }
    assert ("Asha Patel" in cells) is sees_name
    assert str(claim.claimed) in cells


def test_generate_a_claim_and_see_a_flagged_post_explained(
    demo_data: None,  # noqa: F811
) -> None:
    staff.record_post(
        ACTOR, "U99001", entry(funding="local_scheme", start=date(2019, 1, 7))
    )
    manager = signed_in(Role.NETWORK_MANAGER, "U99001")
    response = manager.post(
        "/org/U99001/workforce/claims/generate/", {"month": "2019-07"}
    )
    assert response.status_code == 302
    page = manager.get(response["Location"]).content.decode()
    assert "not additional" in page.lower()
    assert "pcnhub-flagged" in page
    assert "How this line is worked out" in page


def test_a_change_keeps_the_history(demo_data: None) -> None:  # noqa: F811
    version = staff.record_post(ACTOR, "U99001", entry())
    manager = signed_in(Role.NETWORK_MANAGER, "U99001")
    url = f"/org/U99001/workforce/posts/{version.post.reference}/change/"
    form = manager.get(url)
    assert (
        form.status_code == 200 and 'name="version" value="1"' in form.content.decode()
    )
    response = manager.post(
        url,
        POST | {"wte": "0.5", "salary": "14000", "reason": "part-time", "version": "1"},
    )
    assert response.status_code == 302
    assert [v.wte for v in version.post.versions.order_by("number")] == [
        Decimal("1"),
        Decimal("0.5"),
    ]


def test_a_staff_list_upload(demo_data: None) -> None:  # noqa: F811
    from django.core.files.uploadedfile import SimpleUploadedFile

    manager = signed_in(Role.NETWORK_MANAGER, "U99001")
    body = (
        "name,role,wte,salary,employer,start,funding\r\n"
        "Asha Patel,social_prescribing_link_worker,1,28000,member_practice,"
        "2023-04-01,arrs\r\n"
        "Tom Reid,paramedic,two,40000,member_practice,2023-04-01,arrs\r\n"
    )
    upload = SimpleUploadedFile("staff.csv", body.encode(), content_type="text/csv")
    response = manager.post("/org/U99001/workforce/staff-list/", {"file": upload})
    assert response.status_code == 400
    assert "staff.csv, row 3, column &#39;wte&#39;" in response.content.decode()
    assert not StaffPost.objects.exists()
    good = SimpleUploadedFile("staff.csv", body.replace(",two,", ",1,").encode())
    response = manager.post("/org/U99001/workforce/staff-list/", {"file": good})
    assert response.status_code == 302
    assert StaffPost.objects.count() == 2


def test_the_api_gives_names_only_to_those_allowed(demo_data: None) -> None:  # noqa: F811
    manager = signed_in(Role.NETWORK_MANAGER, "U99001")
    body = {k: v for k, v in POST.items()}
    created = manager.post(
        "/api/workforce/U99001/staff", body, content_type="application/json"
    )
    assert created.status_code == 201, created.content
    key = created.json()["person_key"]
    bad = manager.post(
        "/api/workforce/U99001/staff",
        body | {"role": "astronaut"},
        content_type="application/json",
    )
    assert bad.status_code == 422 and "role" in bad.json()["detail"]
    claim = manager.post(
        "/api/workforce/U99001/claims",
        {"month": "2023-05-01"},
        content_type="application/json",
    )
    assert claim.status_code == 201 and Decimal(claim.json()["claimed"]) > 0
    national = signed_in(Role.NATIONAL, None)
    listed = national.get("/api/workforce/U99001/staff").json()
    assert listed["names_withheld"] is True
    assert listed["posts"][0]["name"] is None
    assert listed["posts"][0]["person_key"] == key
    claims = national.get("/api/workforce/U99001/claims?year=2023/24").json()
    assert [c["month"] for c in claims["claims"]] == ["2023-05"]
    assert manager.get("/api/workforce/U99001/staff").json()["posts"][0]["name"] == (
        "Asha Patel"
    )


def test_the_network_and_commissioner_pages_link_the_new_pages(
    demo_data: None,  # noqa: F811
) -> None:
    manager = signed_in(Role.NETWORK_MANAGER, "U99001")
    page = manager.get("/org/U99001/").content.decode()
    assert 'href="/org/U99001/workforce/' in page
    assert 'href="/org/U99001/services/' in page
    commissioner = signed_in(Role.COMMISSIONER, "99Z")
    page = commissioner.get("/org/99Z/").content.decode()
    assert 'href="/org/99Z/local-schemes/' in page
    practice = signed_in(Role.PRACTICE_MANAGER, "Z91001")
    # A practice manager reads its network's page, not its staff.
    assert "/workforce/" not in practice.get("/org/U99001/").content.decode()


def test_the_plan_api_projects_the_year(demo_data: None) -> None:  # noqa: F811
    from pcnhub.rules.plan import PlannedRow
    from pcnhub.workforce import plan

    staff.record_post(ACTOR, "U99001", entry())
    year = ContractYear.parse("2023/24")
    row = PlannedRow(
        role="care_coordinator",
        start=date(2023, 10, 1),
        wte=Decimal("1"),
        salary=Decimal("25000"),
    )
    plan.add_row(ACTOR, "U99001", year, row, expected_version=0, reason="recruit")
    answer = signed_in(Role.EVALUATOR, None).get(
        "/api/workforce/U99001/plan?year=2023/24"
    )
    assert answer.status_code == 200
    body = answer.json()
    assert body["version"] == 1 and body["rows"][0]["role"] == "care_coordinator"
    months = body["months"]
    assert len(months) == 12 and Decimal(months[0]["planned"]) == 0
    assert Decimal(months[6]["planned"]) > 0
    total = sum(Decimal(m["existing"]) + Decimal(m["planned"]) for m in months)
    assert Decimal(body["projected"]) == total
    assert Decimal(body["headroom"]) == Decimal(body["arrs_sum"]) - total


def test_the_arrs_table_shows_the_networks_each_user_sees(
    demo_data: None,  # noqa: F811
) -> None:
    staff.record_post(ACTOR, "U99001", entry())
    claim = claiming.generate_claim(ACTOR, "U99001", date(2023, 5, 1))
    national = signed_in(Role.NATIONAL, None)
    page = national.get("/workforce/arrs/?year=2023/24&sort=claimed&order=desc")
    assert page.status_code == 200
    text = page.content.decode()
    assert text.index("U99001") < text.index("U99002")
    assert f"£{claim.claimed:,.2f}" in text
    manager = signed_in(Role.NETWORK_MANAGER, "U99001")
    csv_text = manager.get("/workforce/arrs/?year=2023/24&format=csv").content
    lines = csv_text.decode().splitlines()
    assert lines[0] == "pcn_code,arrs_sum,claimed,paid,headroom,utilisation"
    # The manager sees its own network's row only.
    assert [line.split(",")[0] for line in lines[1:]] == ["U99001"]
    assert lines[1].split(",")[2] == str(claim.claimed)
    api = manager.get("/api/workforce/arrs?year=2023/24").json()
    assert [r["pcn_code"] for r in api["networks"]] == ["U99001"]
    headroom = Decimal(api["networks"][0]["headroom"])
    assert headroom == Decimal(api["networks"][0]["arrs_sum"]) - claim.claimed


def test_the_census_shows_on_the_network_page(
    demo_data: None,  # noqa: F811
    census_file,  # type: ignore[no-untyped-def]
) -> None:
    from pcnhub.workforce.imports import import_census

    ours = {"PCN_CODE": "U99001"}
    import_census(census_file(change={2: ours, 3: ours}), actor=ACTOR)
    national = signed_in(Role.NATIONAL, None)
    page = national.get("/org/U99001/workforce/?as_at=2021-04-30").content.decode()
    assert "The latest census on or before 30 April 2021: March 2021." in page
    assert "Pharmacist" in page and "1.50" in page
    answer = national.get("/api/workforce/U99001/census?as_at=2021-04-30").json()
    assert answer["census_date"] == "2021-03-31"
    assert answer["roles"] == [
        {
            "staff_role": "Pharmacists",
            "detailed_staff_role": "Pharmacist",
            "staff": 2,
            "fte": "1.500000000",
        }
    ]
    before = national.get("/api/workforce/U99001/census?as_at=2020-01-01")
    assert before.status_code == 404
