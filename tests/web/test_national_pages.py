"""National pages (issue 16): paginated, with the whole list to download, cached
per register version, and read with a number of queries that does not grow with
the register."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.test import Client
from tests.web.conftest import OTHER_COMMISSIONER, make_other_area

from pcnhub.audit.services import Actor
from pcnhub.governance import services as governance
from pcnhub.register.demo import write_demo_files
from pcnhub.register.imports import run_import
from pcnhub.register.models import (
    ListMeasure,
    ListSize,
    Organisation,
    OrganisationKind,
    OrganisationVersion,
    Relationship,
    RelationshipKind,
)

DAY = "2022-06-01"
EXTRA = 150  # more networks than a page of 100


def add_networks(count: int, prefix: str = "U7") -> None:
    """``count`` more networks of one practice each under the other area's
    commissioner (the other area must exist)."""
    start = date(2019, 7, 1)
    orgs, versions, links, lists = [], [], [], []
    for n in range(count):
        pcn, practice = f"{prefix}{n:04d}", f"Y7{n:04d}"
        orgs += [
            Organisation(code=pcn, kind=OrganisationKind.NETWORK),
            Organisation(code=practice, kind=OrganisationKind.PRACTICE),
        ]
        versions += [
            OrganisationVersion(
                organisation_id=pcn, name=f"Extra {n} PCN", status="A", valid_from=start
            ),
            OrganisationVersion(
                organisation_id=practice,
                name=f"EXTRA {n} SURGERY",
                status="A",
                valid_from=start,
                prescribing_setting=4,
            ),
        ]
        for kind, child, parent in (
            (RelationshipKind.NETWORK_COMMISSIONER, pcn, OTHER_COMMISSIONER),
            (RelationshipKind.PRACTICE_NETWORK, practice, pcn),
            (RelationshipKind.PRACTICE_COMMISSIONER, practice, OTHER_COMMISSIONER),
        ):
            links.append(
                Relationship(
                    kind=kind, child_id=child, parent_id=parent, valid_from=start
                )
            )
        lists.append(
            ListSize(
                practice_id=practice,
                measure=ListMeasure.REGISTERED,
                date=date(2022, 1, 1),
                value=Decimal(40000 + n),
            )
        )
    Organisation.objects.bulk_create(orgs)
    OrganisationVersion.objects.bulk_create(versions)
    Relationship.objects.bulk_create(links)
    ListSize.objects.bulk_create(lists)


def _csv_rows(response) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def _xlsx_rows(response) -> list[tuple]:  # type: ignore[no-untyped-def]
    book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    return list(book.worksheets[0].iter_rows(values_only=True))


@pytest.fixture
def bigger(demo_data: None) -> None:
    make_other_area()
    add_networks(EXTRA)


def test_networks_page_shows_a_page_with_totals_and_links(
    bigger: None, signed_in: Client
) -> None:
    every = _csv_rows(signed_in.get("/networks/", {"as_at": DAY, "format": "csv"}))
    total = len(every)
    assert total > 100 + 50
    first = signed_in.get("/networks/", {"as_at": DAY})
    html = first.content.decode()
    assert f"Showing 1–100 of {total:,}" in html
    assert f"{total:,} networks" in html  # the caption counts them all
    # 100 rows, the head and the totals of every network (pcnhub.ui.sorting)
    assert html.count('<tr class="nhsuk-table__row" role="row">') == 102
    assert f'href="/networks/?as_at={DAY}&amp;page=2"' in html
    assert "nhsuk-pagination" in html
    second = signed_in.get("/networks/", {"as_at": DAY, "page": "2"}).content.decode()
    assert f"Showing 101–{total:,} of {total:,}" in second
    assert every[100]["pcn_code"] in second and every[100]["pcn_code"] not in html
    assert f'href="/networks/?as_at={DAY}&amp;page=1"' in second


def test_downloads_hold_the_whole_list(bigger: None, signed_in: Client) -> None:
    every = _csv_rows(signed_in.get("/networks/", {"as_at": DAY, "format": "csv"}))
    answer = signed_in.get("/networks/", {"as_at": DAY, "format": "xlsx"})
    assert answer["Content-Type"].startswith("application/vnd.openxmlformats")
    assert f"networks-{DAY}.xlsx" in answer["Content-Disposition"]
    rows = _xlsx_rows(answer)
    assert rows[0][0] == "pcn_code"
    assert [r[0] for r in rows[1:]] == [r["pcn_code"] for r in every]
    uncovered = _xlsx_rows(
        signed_in.get("/uncovered/", {"as_at": DAY, "format": "xlsx"})
    )
    assert uncovered[0][0] == "practice_code" and len(uncovered) > 1


def test_checks_page_paginates_and_downloads_every_finding(
    bigger: None, signed_in: Client
) -> None:
    every = _csv_rows(signed_in.get("/checks/", {"as_at": DAY, "format": "csv"}))
    assert len(every) > 100
    html = signed_in.get("/checks/", {"as_at": DAY}).content.decode()
    assert f"Showing 1–100 of {len(every):,}" in html
    assert f"{len(every)} findings" in html
    rows = _xlsx_rows(signed_in.get("/checks/", {"as_at": DAY, "format": "xlsx"}))
    assert len(rows) == len(every) + 1
    assert [r[3] for r in rows[1:]] == [r["rule"] for r in every]


def test_an_xlsx_cell_that_looks_like_a_formula_stays_text(
    demo_data: None, signed_in: Client
) -> None:
    OrganisationVersion.objects.filter(organisation_id="U99004").update(
        name="=HYPERLINK(1)"
    )
    rows = _xlsx_rows(signed_in.get("/networks/", {"as_at": DAY, "format": "xlsx"}))
    assert ("U99004", "'=HYPERLINK(1)") in {r[:2] for r in rows}


def test_an_import_shows_at_once(db: None, tmp_path: Path, signed_in: Client) -> None:
    actor = Actor(system="web-tests")
    files = write_demo_files(tmp_path / "demo")
    late = next(f for f in files if f.path.name == "gp-reg-pat-prac-all-2022-01.csv")
    for demo_file in files:
        if demo_file is not late:
            run_import(
                demo_file.kind, demo_file.path, actor=actor, as_at=demo_file.as_at
            )
    query = {"as_at": DAY, "format": "csv"}
    before = signed_in.get("/networks/", query).content
    assert signed_in.get("/networks/", query).content == before  # from the cache
    checks_before = signed_in.get("/checks/", query).content
    run_import(late.kind, late.path, actor=actor, as_at=late.as_at)
    assert signed_in.get("/networks/", query).content != before
    assert signed_in.get("/checks/", query).content != checks_before


def test_an_approval_shows_at_once(demo_data: None, signed_in: Client) -> None:
    page = "/org/U99004/"
    before = signed_in.get(page, {"as_at": "2022-01-01"}).content.decode()
    checks = signed_in.get("/checks/", {"as_at": "2022-01-01", "format": "csv"})
    assert "small population approval" not in before
    governance.record_small_population_approval(
        Actor(system="tests"),
        "U99004",
        approval_reason="moorland community",
        start=date(2021, 4, 1),
    )
    after = signed_in.get(page, {"as_at": "2022-01-01"}).content.decode()
    assert "moorland community" in after
    checks_after = signed_in.get("/checks/", {"as_at": "2022-01-01", "format": "csv"})
    assert "moorland community" in checks_after.content.decode()
    assert "moorland community" not in checks.content.decode()
