"""The UI kit's fast table writes the markup the NHS.UK table macro writes."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.template import engines
from django.test import RequestFactory
from markupsafe import Markup

from pcnhub.ui.tables import fast_table, paginate

MACRO = '{% from "nhsuk/components/tables/macro.jinja" import table %}{{ table(p) }}'
UI = '{% from "ui/table.jinja" import table %}{{ table(p) }}'


def _normal(html: str) -> str:
    html = re.sub(r"\s+", " ", html)
    return re.sub(r"\s*([<>])\s*", r"\1", html).strip()


def _render(source: str, params: dict[str, Any]) -> str:
    return engines["jinja2"].env.from_string(source).render(p=params)


def _sample(**extra: Any) -> dict[str, Any]:
    return {
        "caption": "3 networks & <more>",
        "classes": "pcnhub-findings",
        "id": "networks",
        "head": [
            {"text": "PCN code"},
            {"text": "Name & place"},
            Markup("<abbr>Reg</abbr>"),
            {"text": "Weighted", "format": "numeric", "visuallyHiddenText": "pts"},
        ],
        "rows": [
            [
                {"text": "U<1>", "href": "/org/U1/?as_at=2025-04-01&x=1"},
                "Alpha <script>",
                Markup("<strong>12</strong>"),
                {"text": "1,234.5"},
            ],
            [
                {"html": Markup("<i>B</i>"), "visuallyHiddenText": "hid"},
                {"text": "not known", "format": "string"},
                {"text": "7", "format": "numeric", "align": "left"},
                {"text": "9", "classes": "x-y", "width": "one-half"},
            ],
            ["short", "row"],
        ],
        **extra,
    }


@pytest.mark.parametrize(
    "extra",
    [
        {},
        {"responsive": True},
        {"firstCellIsHeader": True, "compact": True},
        {"responsive": True, "firstCellIsHeader": True},
        {"caption": Markup("<em>Caption</em> html")},
        {"scroll": True, "compact": True, "firstCellIsHeader": True},
    ],
    ids=[
        "plain",
        "responsive",
        "first-cell-header",
        "responsive-header",
        "html-caption",
        "scroll",
    ],
)
def test_fast_table_is_the_macro_markup(extra: dict[str, Any]) -> None:
    params = _sample(**extra)
    fast = fast_table(params)
    assert fast is not None
    assert _normal(str(fast)) == _normal(_render(MACRO, params))
    # The template macro of the UI kit takes the fast path and gives the same.
    assert _normal(_render(UI, params)) == _normal(_render(MACRO, params))


def test_text_is_escaped_and_markup_is_not() -> None:
    html = str(fast_table(_sample(responsive=True)))
    assert "Alpha &lt;script&gt;" in html
    assert "<script>" not in html
    assert "<strong>12</strong>" in html
    assert 'href="/org/U1/?as_at=2025-04-01&amp;x=1"' in html


def test_what_the_fast_path_does_not_draw_goes_to_the_macro() -> None:
    params = _sample(scroll=True, id=None)  # scrolling needs the table's id
    assert fast_table(params) is None
    assert _normal(_render(UI, params)) == _normal(_render(MACRO, params))
    assert "nhsuk-scroll" in _render(UI, params)


def test_pagination_summary_links_and_bounds() -> None:
    rf = RequestFactory()
    items = list(range(1, 251))
    first = paginate(items, rf.get("/networks/", {"as_at": "2025-04-01"}), size=100)
    assert list(first.items) == list(range(1, 101))
    assert first.summary == "Showing 1–100 of 250"
    assert first.previous_href is None
    assert first.next_href == "/networks/?as_at=2025-04-01&page=2"
    last = paginate(items, rf.get("/networks/", {"page": "3"}), size=100)
    assert list(last.items) == list(range(201, 251))
    assert last.summary == "Showing 201–250 of 250"
    assert last.next_href is None
    assert last.previous_href == "/networks/?page=2"
    beyond = paginate(items, rf.get("/networks/", {"page": "99"}), size=100)
    assert beyond.number == 3
    junk = paginate(items, rf.get("/networks/", {"page": "-1"}), size=100)
    assert junk.number == 1
    assert paginate([], rf.get("/x/")).summary == "Showing 0 of 0"
    assert paginate(items[:5], rf.get("/x/")).pagination is None


def test_pagination_renders_nhs_markup() -> None:
    page = paginate(list(range(250)), RequestFactory().get("/n/", {"page": "2"}), 100)
    html = (
        engines["jinja2"]
        .env.from_string(
            '{% from "ui/table.jinja" import pagedTable %}{{ pagedTable(p, page) }}'
        )
        .render(p={"head": ["A"], "rows": [[str(i)] for i in page.items]}, page=page)
    )
    assert "Showing 101–200 of 250" in html
    assert 'class="nhsuk-pagination' in html
    assert 'href="/n/?page=1"' in html and 'href="/n/?page=3"' in html


@pytest.mark.django_db
def test_the_pages_own_tables_are_the_macro_markup(tmp_path: Any) -> None:
    """The presenters' real tables (networks, findings, money by month) on the
    demo register: the fast path and the macro give the same markup."""
    from datetime import date

    from tests.web.conftest import load_demo

    from pcnhub.access.roles import Role
    from pcnhub.access.scope import build_scope
    from pcnhub.contract.services import run_checks, run_entitlements
    from pcnhub.register import queries
    from pcnhub.rules.periods import ContractYear
    from pcnhub.ui.asat import AsAt
    from pcnhub.web import presenters

    load_demo(tmp_path / "demo")
    day = date(2022, 6, 1)
    as_at = AsAt(day)
    scope = build_scope([(Role.NATIONAL, None)])
    year = ContractYear.containing(day)
    page = presenters.entitlements_page(
        run_entitlements(year, pcn="U99004"),
        as_at,
        "U99004",
        True,
        True,
        year,
        "",
        scope,
    )
    tables = [
        presenters.networks_table(queries.networks_on(day), as_at, scope),
        presenters.findings_table(run_checks(day).findings, as_at, "Findings", scope),
        page["page"].items_table,
        page["page"].practices_table,
    ]
    for params in tables:
        # A totals row (``foot``, pcnhub.ui.sorting) is a <tfoot> the macro has
        # not got: the rest is the macro's markup, the foot comes after the body.
        body = {k: v for k, v in params.items() if k != "foot"}
        fast = fast_table(body)
        assert fast is not None
        assert _normal(str(fast)) == _normal(_render(MACRO, body))
        if "foot" in params:
            whole = _normal(str(fast_table(params)))
            before, foot = whole.split('<tfoot class="nhsuk-table__foot">')
            assert before == _normal(str(fast)).split("</table>")[0]
            assert foot.count("<tr") == 1 and foot.endswith(
                "</tfoot></table></div></div>"
            )
