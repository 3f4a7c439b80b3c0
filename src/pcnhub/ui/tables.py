"""A fast path for the NHS.UK table and pagination (issue 16).

``render_table`` writes the same markup as nhsuk-frontend-jinja's ``table`` macro
(compared in tests/ui/test_tables.py) for the parameters pcnhub uses, in plain
Python: the macro costs milliseconds per cell, which made the national pages take
tens of seconds. Tables using anything else (cards, client-side sorting,
attributes) return ``None`` from ``fast_table`` and the template falls back to the
macro. Headings sorted on the server (``sort`` with an ``href``, as
:mod:`pcnhub.ui.sorting` writes them) are drawn as the macro draws them; a
``foot`` (rows of totals, a ``<tfoot>``) only the fast path draws, as the macro
has none.

``paginate`` cuts a long list into pages of ``?page=N`` with a summary line
("Showing 1–100 of 1,251") and NHS.UK previous/next links.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from markupsafe import Markup, escape

PAGE_SIZE = 100

# Keys of a table, a heading and a cell that the fast path writes exactly as the
# macro does; anything else falls back to the macro.
TABLE_KEYS = frozenset(
    {
        "caption",
        "head",
        "rows",
        "responsive",
        "classes",
        "id",
        "firstCellIsHeader",
        "compact",
        "scroll",
        "foot",
    }
)
CELL_KEYS = frozenset(
    {
        "text",
        "html",
        "href",
        "format",
        "classes",
        "visuallyHiddenText",
        "align",
        "width",
        "colspan",
        "rowspan",
    }
)
#: A heading may also say how its column is sorted (the macro's ``sort``).
HEAD_KEYS = CELL_KEYS | {"sort"}
SORTS = ("none", "ascending", "descending")
SORTABLE = "nhsuk-table--sortable"
SORTABLE_HINT = "Column headers are sortable"
ALIGNS = ("left", "centre", "right")
ALIGN_CLASSES = tuple(f"nhsuk-u-text-align-{a}" for a in ALIGNS)


def _supported(params: Mapping[str, Any]) -> bool:
    if not TABLE_KEYS.issuperset(params):
        return False
    caption = params.get("caption")
    if caption is not None and not isinstance(caption, str):
        return False
    # A scrolling table is labelled by its caption's id, made from the table's.
    if params.get("scroll") and not (params.get("id") and caption):
        return False
    if SORTABLE in (params.get("classes") or ""):
        return False
    head = params.get("head") or []
    for item in head:
        if isinstance(item, Mapping) and not _heading_supported(item):
            return False
    width = len(head)
    return _rows_supported(params.get("rows"), width) and _rows_supported(
        params.get("foot"), width
    )


def _heading_supported(item: Mapping[str, Any]) -> bool:
    """A heading's keys are drawn here; a sorted one links to its sorting (on the
    server: the macro's client-side sorting, without ``href``, is not drawn)."""
    if not HEAD_KEYS.issuperset(item):
        return False
    sort = item.get("sort")
    if not (sort is None or isinstance(sort, bool) or sort in SORTS):
        return False
    return not sort or bool(item.get("href"))


def _rows_supported(rows: Any, width: int) -> bool:
    for row in rows or []:
        if not isinstance(row, Sequence) or isinstance(row, str):
            return False
        if len(row) > width:
            return False
        for item in row:
            if isinstance(item, Mapping) and not CELL_KEYS.issuperset(item):
                return False
    return True


def _sortable(head: Sequence[Any]) -> bool:
    return any(isinstance(h, Mapping) and h.get("sort") for h in head)


def _as_cell(item: Any) -> dict[str, Any]:
    if isinstance(item, Mapping):
        return dict(item)
    if isinstance(item, Markup):
        return {"text": item, "html": item}
    return {"text": item}


def _value(item: Mapping[str, Any]) -> str:
    """The macro's ``_tableValue``: html (unescaped) or text, then hidden text."""
    html = item.get("html")
    text = item.get("text")
    hidden = item.get("visuallyHiddenText")
    out = ""
    if html or text:
        if hidden:
            hidden = " " + str(hidden)
        out = str(html) if html else str(escape(text))
    if hidden:
        out += f'<span class="nhsuk-u-visually-hidden">{escape(hidden)}</span>'
    return out


def _cell(
    item: Mapping[str, Any],
    element: str,
    attrs: str,
    heading: Mapping[str, Any] | None,
    after: str = "",
) -> str:
    base = "nhsuk-table__header" if element == "th" else "nhsuk-table__cell"
    classes = base
    extra = item.get("classes") or ""
    fmt = item.get("format")
    if fmt == "numeric" and f"{base}--{fmt}" not in extra:
        classes += f" {base}--{fmt}"
    align = item.get("align")
    if align in ALIGNS and not any(c in extra for c in ALIGN_CLASSES):
        classes += f" nhsuk-u-text-align-{align}"
    width = item.get("width")
    if width and f"nhsuk-u-width-{width}" not in extra:
        classes += f" nhsuk-u-width-{width}"
    if extra:
        classes += f" {extra}"
    out = [f'<{element} class="{escape(classes)}"', attrs]
    for key in ("colspan", "rowspan"):
        if item.get(key):
            out.append(f' {key}="{escape(item[key])}"')
    out.append(after)
    out.append(">")
    inner = _value(item).strip()
    href = item.get("href")
    if href:
        inner = f'<a class="nhsuk-link" href="{escape(href)}">{inner}</a>'
    if heading is not None:
        label = _value(heading).strip()
        out.append(
            f'<span class="nhsuk-table__heading" aria-hidden="true">{label} </span>'
        )
        out.append(f"<span>{inner}</span>" if item.get("html") else inner)
    else:
        out.append(inner)
    out.append(f"</{element}>")
    return "".join(out)


def _table_start(params: Mapping[str, Any], responsive: bool) -> list[str]:
    """The opening ``<table>`` tag and the caption, as the macro writes them."""
    classes = "nhsuk-table"
    extra = params.get("classes") or ""
    sortable = _sortable(params.get("head") or [])
    if params.get("compact") and "nhsuk-table--compact" not in extra:
        classes += " nhsuk-table--compact"
    if responsive and "nhsuk-table--responsive" not in extra:
        classes += " nhsuk-table--responsive"
    if sortable:
        classes += f" {SORTABLE}"
    if extra:
        classes += f" {extra}"
    out = [f'<table class="{escape(classes)}"']
    if params.get("id"):
        out.append(f' id="{escape(params["id"])}"')
    if responsive:
        out.append(' role="table"')
    out.append(">\n")
    caption = params.get("caption")
    if caption:
        named = f' id="{escape(_caption_id(params))}"' if params.get("scroll") else ""
        hint = (
            f'<span class="nhsuk-u-visually-hidden"> ({SORTABLE_HINT})</span>'
            if sortable
            else ""
        )
        out.append(
            f'<caption class="nhsuk-table__caption"{named}>{escape(caption)}{hint}'
            "</caption>\n"
        )
    return out


def _caption_id(params: Mapping[str, Any]) -> str:
    return f"{params.get('id')}-caption"


#: The keys of a heading the macro passes on to its cell.
HEADING_KEYS = (
    "text",
    "html",
    "visuallyHiddenText",
    "format",
    "href",
    "rowspan",
    "align",
    "width",
    "classes",
)


def _thead(head: Sequence[Mapping[str, Any]], responsive: bool) -> list[str]:
    """The table's head row (nothing when it has no headings)."""
    if not head:
        return []
    rowgroup = ' role="rowgroup"' if responsive else ""
    row_role = ' role="row"' if responsive else ""
    out = [
        f'<thead class="nhsuk-table__head"{rowgroup}>'
        f'<tr class="nhsuk-table__row"{row_role}>\n'
    ]
    th_attrs = ' scope="col" role="columnheader"' if responsive else ' scope="col"'
    for h in head:
        cell = {k: h.get(k) for k in HEADING_KEYS}
        if not responsive:
            cell["colspan"] = h.get("colspan")
        out.append(_cell(cell, "th", th_attrs, None, _sort_attrs(h.get("sort"))))
        out.append("\n")
    out.append("</tr></thead>\n")
    return out


def _sort_attrs(sort: Any) -> str:
    """A sorted heading's attributes: ``data-sort``, and ``aria-sort`` when the
    column is the one sorted by."""
    if not sort:
        return ""
    if sort is True or sort == "none":
        return " data-sort"
    return f' data-sort aria-sort="{escape(sort)}"'


def _scrolling(html: str, params: Mapping[str, Any]) -> str:
    """A scrolling table wrapped in the region its caption labels."""
    if not params.get("scroll"):
        return html
    return (
        '<div class="nhsuk-scroll" data-module="nhsuk-scroll">'
        '<div class="nhsuk-scroll__content" role="region" '
        f'aria-labelledby="{escape(_caption_id(params))}">{html}</div></div>'
    )


def fast_table(params: Mapping[str, Any]) -> Markup | None:
    """The NHS.UK table for ``params``, or ``None`` if the macro must draw it.

    A table with a ``foot`` must be drawn here (the macro would leave it out)."""
    if not _supported(params):
        if params.get("foot"):
            raise ValueError("a table with a foot must be one the fast path draws")
        return None
    responsive = bool(params.get("responsive"))
    first_is_header = bool(params.get("firstCellIsHeader"))
    out = _table_start(params, responsive)
    head = [_as_cell(h) for h in params.get("head") or []]
    out += _thead(head, responsive)
    out.append('<tbody class="nhsuk-table__body">\n')
    for row in params.get("rows") or []:
        out.append(_row(row, head, responsive, first_is_header))
    out.append("</tbody>\n")
    foot = params.get("foot")
    if foot:
        rowgroup = ' role="rowgroup"' if responsive else ""
        out.append(f'<tfoot class="nhsuk-table__foot"{rowgroup}>\n')
        out += [_row(row, head, responsive, True, foot=True) for row in foot]
        out.append("</tfoot>\n")
    out.append("</table>")
    return Markup(_scrolling("".join(out), params))


def _row(
    row: Sequence[Any],
    head: Sequence[Mapping[str, Any]],
    responsive: bool,
    first_is_header: bool,
    foot: bool = False,
) -> str:
    """A row of the body, each cell as the macro writes it, or of the foot (whose
    first cell, its row's header, "Total", needs no column label on a phone)."""
    row_role = ' role="row"' if responsive else ""
    out = [f'<tr class="nhsuk-table__row"{row_role}>']
    for index, item in enumerate(row):
        if not isinstance(item, str | Mapping):
            continue
        header = head[index]
        data = _as_cell(item)
        first = index == 0 and first_is_header
        element = "th" if first else "td"
        if first:
            attrs = ' scope="row" role="rowheader"' if responsive else ' scope="row"'
        else:
            attrs = ' role="cell"' if responsive else ""
        align = data.get("align")
        if not align:
            align = (
                "right"
                if data.get("format") == "string" and header.get("format") == "numeric"
                else header.get("align")
            )
        cell = {
            "text": data.get("text"),
            "html": data.get("html"),
            "visuallyHiddenText": data.get("visuallyHiddenText"),
            "format": data.get("format") or header.get("format"),
            "href": data.get("href"),
            "rowspan": data.get("rowspan"),
            "align": align,
            "width": data.get("width"),
            "classes": data.get("classes"),
        }
        if not responsive:
            cell["colspan"] = data.get("colspan")
        heading = header if responsive and not (foot and index == 0) else None
        out.append(_cell(cell, element, attrs, heading))
    out.append("</tr>\n")
    return "".join(out)


# --------------------------------------------------------------------------------
# Pagination
# --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """One page of a long list, with what the template needs to say where it is."""

    items: Sequence[Any]
    number: int
    pages: int
    total: int
    first: int  # 1-based position of the first item shown (0 when empty)
    last: int
    previous_href: str | None
    next_href: str | None

    @property
    def summary(self) -> str:
        if not self.total:
            return "Showing 0 of 0"
        return f"Showing {self.first:,}–{self.last:,} of {self.total:,}"

    @property
    def pagination(self) -> dict[str, Any] | None:
        """Parameters for the NHS.UK pagination macro, or ``None`` on one page."""
        if self.pages <= 1:
            return None
        params: dict[str, Any] = {}
        if self.previous_href:
            params["previous"] = {
                "href": self.previous_href,
                "labelText": f"Page {self.number - 1} of {self.pages}",
            }
        if self.next_href:
            params["next"] = {
                "href": self.next_href,
                "labelText": f"Page {self.number + 1} of {self.pages}",
            }
        return params


def page_number(request: HttpRequest) -> int:
    """``?page=N`` (1 if absent or not a positive whole number)."""
    raw = request.GET.get("page", "")
    return int(raw) if raw.isdigit() and int(raw) > 0 else 1


def paginate(items: Sequence[Any], request: HttpRequest, size: int = PAGE_SIZE) -> Page:
    """The page of ``items`` asked for by ``?page=N``; beyond the end, the last."""
    total = len(items)
    pages = max(1, -(-total // size))
    number = min(page_number(request), pages)
    start = (number - 1) * size
    shown = items[start : start + size]

    def href(n: int) -> str:
        query = request.GET.copy()
        query["page"] = str(n)
        return f"{request.path}?{query.urlencode()}"

    return Page(
        items=shown,
        number=number,
        pages=pages,
        total=total,
        first=start + 1 if total else 0,
        last=start + len(shown),
        previous_href=href(number - 1) if number > 1 else None,
        next_href=href(number + 1) if number < pages else None,
    )
