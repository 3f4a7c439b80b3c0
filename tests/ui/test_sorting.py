"""The UI kit's sortable tables with totals (pcnhub.ui.sorting, issue 10)."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.template import engines
from django.test import Client, RequestFactory
from markupsafe import Markup

from pcnhub.ui.sorting import Column, sort_rows, sorted_by, totals, totals_row
from pcnhub.ui.tables import fast_table

MACRO = '{% from "nhsuk/components/tables/macro.jinja" import table %}{{ table(p) }}'
rf = RequestFactory()


@dataclass(frozen=True)
class Row:
    name: str | None
    size: int | None
    money: Decimal | None


ROWS = [
    Row("beta", 10, Decimal("1.10")),
    Row("Alpha", None, Decimal("2.20")),
    Row("gamma", 2, None),
    Row("", 10, Decimal("0.01")),
    Row("alpha", 30, Decimal("3.00")),
]
COLUMNS = (
    Column("name", "Name", lambda r: r.name),
    Column("size", "Size", lambda r: r.size, numeric=True, summable=True),
    Column(
        "money",
        "Money",
        lambda r: r.money,
        numeric=True,
        summable=True,
        fmt=lambda v: "none" if v is None else f"£{v:,.2f}",
    ),
    Column("note", "Note"),  # not sortable
)


def _names(rows: list[Row]) -> list[str | None]:
    return [r.name for r in rows]


def _normal(html: str) -> str:
    html = re.sub(r"\s+", " ", html)
    return re.sub(r"\s*([<>])\s*", r"\1", html).strip()


# Sorting --------------------------------------------------------------------------


def test_numbers_sort_as_numbers_with_blanks_last_both_ways() -> None:
    rows = [Row("a", 9, None), Row("b", 10, None), Row("c", None, None)]
    rows.append(Row("d", 100, None))
    size = COLUMNS[1]
    # As text "10" < "100" < "9"; as numbers 9 < 10 < 100, the blank last.
    assert _names(sorted_by(rows, size, "asc")) == ["a", "b", "d", "c"]
    assert _names(sorted_by(rows, size, "desc")) == ["d", "b", "a", "c"]


def test_text_sorts_ignoring_case_stably_with_blanks_last() -> None:
    name = COLUMNS[0]
    asc = sorted_by(ROWS, name, "asc")
    # "Alpha" and "alpha" are equal ignoring case: they keep their order.
    assert _names(asc) == ["Alpha", "alpha", "beta", "gamma", ""]
    desc = sorted_by(ROWS, name, "desc")
    assert _names(desc) == ["gamma", "beta", "Alpha", "alpha", ""]


def test_ties_keep_their_order_in_both_orders() -> None:
    size = COLUMNS[1]
    # "beta" and "" both have 10: beta came first and stays first either way.
    assert _names(sorted_by(ROWS, size, "desc")) == [
        "alpha",
        "beta",
        "",
        "gamma",
        "Alpha",
    ]
    assert _names(sorted_by(ROWS, size, "asc")) == [
        "gamma",
        "beta",
        "",
        "alpha",
        "Alpha",
    ]


def test_request_sorts_and_unknown_key_or_order_falls_back() -> None:
    asked = sort_rows(ROWS, COLUMNS, rf.get("/t/", {"sort": "size", "order": "desc"}))
    assert asked.key == "size" and asked.order == "desc"
    assert _names(asked.rows)[0] == "alpha"
    no_order = sort_rows(ROWS, COLUMNS, rf.get("/t/", {"sort": "size"}))
    assert no_order.order == "asc" and _names(no_order.rows)[0] == "gamma"
    for query in (
        {"sort": "nope", "order": "desc"},
        {"sort": "size", "order": "sideways"},
        {"sort": "note"},  # a column that cannot be sorted
        {"order": "desc"},
    ):
        as_came = sort_rows(ROWS, COLUMNS, rf.get("/t/", query))
        assert as_came.key is None and as_came.rows == ROWS, query
        by_default = sort_rows(ROWS, COLUMNS, rf.get("/t/", query), default="name")
        assert by_default.key == "name" and by_default.order == "asc"
        assert _names(by_default.rows) == ["Alpha", "alpha", "beta", "gamma", ""]


def _query(href: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(href).query)


def test_heading_links_toggle_keep_the_query_and_drop_the_page() -> None:
    request = rf.get(
        "/t/", {"as_at": "2022-06-01", "q": "x y", "page": "3", "sort": "size"}
    )
    head = sort_rows(ROWS, COLUMNS, request).head
    name, size, money, note = head
    assert urlsplit(size["href"]).path == "/t/"
    # The sorted column links to the other order; the others to A to Z.
    assert _query(size["href"]) == {
        "as_at": ["2022-06-01"],
        "q": ["x y"],
        "sort": ["size"],
        "order": ["desc"],
    }
    assert _query(name["href"])["sort"] == ["name"]
    assert _query(name["href"])["order"] == ["asc"]
    assert "page" not in _query(name["href"]) and "page" not in _query(money["href"])
    desc = sort_rows(ROWS, COLUMNS, rf.get("/t/", {"sort": "size", "order": "desc"}))
    assert _query(desc.head[1]["href"])["order"] == ["asc"]
    # Only the sorted column says so; a column without a value has no link.
    assert size["sort"] == "ascending" and desc.head[1]["sort"] == "descending"
    assert name["sort"] == "none" and money["sort"] == "none"
    assert note == {"text": "Note"}
    assert money["format"] == "numeric"


def test_aria_sort_is_on_the_sorted_heading_only() -> None:
    request = rf.get("/t/", {"sort": "money", "order": "desc"})
    ordered = sort_rows(ROWS, COLUMNS, request)
    html = str(fast_table({"caption": "Rows", "head": ordered.head, "rows": []}))
    headings = re.findall(r"<th[^>]*>.*?</th>", html, re.S)
    assert len(headings) == 4
    assert [("aria-sort" in h) for h in headings] == [False, False, True, False]
    assert 'aria-sort="descending"' in headings[2]
    assert "order=asc" in headings[2]  # the link sorts it the other way
    assert "data-sort" not in headings[3] and "<a" not in headings[3]
    assert "Column headers are sortable" in html
    assert ordered.description == "sorted by Money, highest first"


@pytest.mark.parametrize("responsive", [False, True])
def test_sorted_headings_are_the_macro_markup(responsive: bool) -> None:
    """The NHS.UK macro sorts on the server too (``sort`` with ``href``): the fast
    path writes what it writes, in both layouts and when scrolling."""
    request = rf.get("/t/", {"sort": "name", "order": "asc", "x": "<&>"})
    ordered = sort_rows(ROWS, COLUMNS, request)
    params: dict[str, Any] = {
        "caption": "Some rows",
        "responsive": responsive,
        "head": ordered.head,
        "rows": [[r.name or "", str(r.size), str(r.money), ""] for r in ordered.rows],
    }
    for extra in ({}, {"id": "t", "scroll": True, "firstCellIsHeader": True}):
        table = {**params, **extra}
        fast = fast_table(table)
        assert fast is not None
        macro = engines["jinja2"].env.from_string(MACRO).render(p=table)
        assert _normal(str(fast)) == _normal(macro)


def test_client_side_sorting_still_goes_to_the_macro() -> None:
    head = [{"text": "Name", "sort": "ascending"}]  # no href: sorted in the browser
    assert fast_table({"head": head, "rows": [["a"]]}) is None
    with pytest.raises(ValueError):  # the macro would drop the totals
        fast_table({"head": head, "rows": [["a"]], "foot": [["Total"]]})


def test_tables_without_sorting_or_totals_are_unchanged() -> None:
    plain = {"caption": "Rows", "head": [{"text": "A"}], "rows": [["1"]]}
    html = str(fast_table(plain))
    assert "sortable" not in html and "tfoot" not in html and "data-sort" not in html


# Totals ---------------------------------------------------------------------------


def test_totals_of_decimals_stay_decimal_and_ints_stay_int() -> None:
    sums = totals(ROWS, COLUMNS)
    assert sums == {"size": 52, "money": Decimal("6.31")}
    assert type(sums["size"]) is int
    assert type(sums["money"]) is Decimal
    assert str(sums["money"]) == "6.31"  # exact: 1.10 + 2.20 + 0.01 + 3.00


def test_totals_are_of_every_row_not_the_page() -> None:
    many = [Row(f"r{n}", n, Decimal("0.10")) for n in range(1, 251)]
    request = rf.get("/t/", {"sort": "size", "order": "desc", "page": "2"})
    ordered = sort_rows(many, COLUMNS, request)
    (foot,) = ordered.foot()
    assert foot[1] == {"text": f"{sum(range(1, 251)):,}", "format": "numeric"}
    assert foot[2] == {"text": "£25.00", "format": "numeric"}
    assert ordered.totals_note("row") == "Totals are for all 250 rows"
    assert sort_rows(many[:1], COLUMNS, request).totals_note("row") == (
        "Totals are for the 1 row"
    )


def test_totals_refuse_floats() -> None:
    with pytest.raises(TypeError, match="float"):
        totals([Row("a", 1, 0.1)], COLUMNS)  # type: ignore[arg-type]


def test_totals_row_cells_and_blank_columns() -> None:
    row = totals_row(ROWS[2:3], COLUMNS, "All rows")
    assert row == [
        "All rows",
        {"text": "2", "format": "numeric"},
        {"text": "none", "format": "numeric"},  # every value blank: fmt(None)
        "",
    ]
    nothing = Markup("<span>—</span>")
    marked = (
        COLUMNS[0],
        Column("m", "M", lambda r: r.money, True, True, lambda v: nothing),
    )
    assert totals_row(ROWS, marked)[1] == {"html": nothing, "format": "numeric"}
    with pytest.raises(ValueError):
        totals_row(ROWS, COLUMNS[1:])  # the first column holds the label


@pytest.mark.parametrize("responsive", [False, True])
def test_totals_row_markup(responsive: bool) -> None:
    ordered = sort_rows(ROWS, COLUMNS, rf.get("/t/"))
    html = str(
        fast_table(
            {
                "caption": "Rows",
                "responsive": responsive,
                "head": ordered.head,
                "rows": [[r.name or "", "", "", ""] for r in ROWS],
                "foot": ordered.foot(),
            }
        )
    )
    body_end = html.index("</tbody>")
    foot = html[html.index("<tfoot") : html.index("</tfoot>")]
    assert html.index("<tfoot") > body_end  # after the body, inside the table
    assert html.endswith("</tfoot>\n</table>")
    rowgroup = ' role="rowgroup"' if responsive else ""
    assert foot.startswith(f'<tfoot class="nhsuk-table__foot"{rowgroup}>')
    role = ' role="rowheader"' if responsive else ""
    # "Total" is the row's header, without a column label on a phone.
    assert f'<th class="nhsuk-table__header" scope="row"{role}>Total</th>' in foot
    cell = '<td class="nhsuk-table__cell nhsuk-table__cell--numeric"'
    label = '<span class="nhsuk-table__heading" aria-hidden="true">Size </span>'
    shown = f' role="cell">{label}52</td>' if responsive else ">52</td>"
    expected = f"{cell}{shown}"
    assert expected in foot
    assert "£6.31</td>" in foot


# A real page ----------------------------------------------------------------------


def _csv(response: Any) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def _body_codes(html: str) -> list[str]:
    body = html.split('<tbody class="nhsuk-table__body">')[1].split("</tbody>")[0]
    return re.findall(r'href="/org/(U[0-9A-Z]+)/\?', body)


@pytest.mark.django_db
def test_networks_page_sorts_the_whole_list_and_totals_it(tmp_path: Path) -> None:
    from tests.web.conftest import give_national_role, load_demo, make_other_area
    from tests.web.test_national_pages import add_networks

    load_demo(tmp_path / "demo")
    make_other_area()
    add_networks(150)  # 150 more networks of 40,000 to 40,149 patients
    client = Client()
    user = get_user_model().objects.create_user(username="sorter", password="x")
    client.force_login(give_national_role(user))
    day = "2022-06-01"
    every = _csv(client.get("/networks/", {"as_at": day, "format": "csv"}))
    assert len(every) > 150
    by_size = sorted(every, key=lambda r: -Decimal(r["registered_population"]))
    query = {"as_at": day, "sort": "population", "order": "desc"}
    html = client.get("/networks/", query).content.decode()
    codes = _body_codes(html)
    assert len(codes) == 100
    sizes = {r["pcn_code"]: Decimal(r["registered_population"]) for r in every}
    assert [sizes[c] for c in codes] == [sizes[r["pcn_code"]] for r in by_size[:100]]
    assert codes[0] != every[0]["pcn_code"]  # not the default order (by code)
    # Page 2 goes on down the whole list, and its links keep the sorting.
    second = client.get("/networks/", {**query, "page": "2"}).content.decode()
    more = _body_codes(second)
    assert [sizes[c] for c in more] == [sizes[r["pcn_code"]] for r in by_size[100:200]]
    assert "sort=population&amp;order=desc&amp;page=1" in second
    # The sorted heading says so; its link sorts the other way, from page 1.
    (heading,) = re.findall(r"<th[^>]*aria-sort[^>]*>.*?</th>", second, re.S)
    assert 'aria-sort="descending"' in heading and "Registered patients" in heading
    assert "order=asc" in heading and "page=" not in heading
    # The totals are of every network, on every page.
    registered = sum(sizes.values(), Decimal(0))
    practices = sum(int(r["practices"]) for r in every)
    for page in (html, second):
        foot = page.split('<tfoot class="nhsuk-table__foot"')[1].split("</tfoot>")[0]
        assert f"</span>{registered:,.0f}</td>" in foot
        assert f"</span>{practices:,}</td>" in foot
        assert f"Totals are for all {len(every):,} networks" in page
    assert "sorted by Registered patients, highest first" in html


@pytest.mark.django_db
def test_commissioner_page_sorts_its_networks_and_totals_them(tmp_path: Path) -> None:
    from tests.web.conftest import give_national_role, load_demo

    from pcnhub.register import queries

    load_demo(tmp_path / "demo")
    client = Client()
    user = get_user_model().objects.create_user(username="sorter2", password="x")
    client.force_login(give_national_role(user))
    day = date(2022, 6, 1)
    rows = queries.networks_on(day, commissioner="99Z")
    assert len(rows) > 2
    query = {"as_at": day.isoformat(), "sort": "name", "order": "desc"}
    html = client.get("/org/99Z/", query).content.decode()
    table = html.split("Networks on")[1].split("</table>")[0]
    names = sorted((r.pcn_name for r in rows), key=str.casefold, reverse=True)
    body = table.split("<tbody")[1].split("</tbody>")[0]
    shown = re.findall(r'aria-hidden="true">Name </span>([^<]*)</td>', body)
    assert [unescape(n) for n in shown] == names
    assert 'aria-sort="descending"' in table and "sort=name&amp;order=asc" in table
    foot = table.split("<tfoot")[1]
    assert f"</span>{sum(r.practices for r in rows):,}</td>" in foot
    registered = sum((r.registered_population for r in rows), Decimal(0))
    assert f"</span>{registered:,.0f}</td>" in foot
