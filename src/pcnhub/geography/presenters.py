"""Shaping a :class:`~pcnhub.geography.maps.PracticeMap` into what the map page
shows: the headings, the sentence that sums it up, and the tables that are the
map's text alternative."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from markupsafe import Markup

from pcnhub.access.scope import Scope
from pcnhub.geography.maps import NO_NETWORK, PracticeMap
from pcnhub.ui.asat import AsAt
from pcnhub.ui.formatting import fmt_date

TITLES = {
    "network": "Map of the network's practices",
    "commissioner": "Map of the practices by network",
    "uncovered": "Map of practices in no network",
}


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def heading(m: PracticeMap) -> dict[str, str]:
    """The page's caption (whose map) and title."""
    if m.code:
        whose = f"{m.name} ({m.code})" if m.name else m.code
    else:
        whose = "Every area you can see"
    return {"caption": whose, "title": TITLES[m.kind]}


def summary(m: PracticeMap) -> str:
    """One sentence: what the map shows, on which day."""
    placed = len(m.practices)
    districts = len({p.outcode for p in m.practices})
    networks = len([e for e in m.legend if e.pcn_code])
    parts = [
        f"As at {fmt_date(m.as_at)}: "
        f"{_plural(placed, 'practice')} in {_plural(districts, 'postcode district')}"
    ]
    if m.kind == "commissioner":
        parts.append(f"in {_plural(networks, 'network')}")
    text = " ".join(parts)
    if m.not_placed:
        text += f"; {_plural(len(m.not_placed), 'practice')} not placed (listed below)"
    return text + "."


def description(m: PracticeMap) -> str:
    """The map's description for screen readers (its ``<desc>``)."""
    groups = "; ".join(f"{e.marker.text}: {e.label}" for e in m.legend)
    return (
        f"{summary(m)} Each practice is drawn at its postcode district's centroid, "
        f"on the outlines of the postcode districts. Markers: {groups}. The table "
        "after the map lists every practice with its network and postcode district."
    )


def _org_link(code: str, text: str, as_at: AsAt, scope: Scope) -> Any:
    if not code:
        return text
    if not scope.sees(code):
        return text
    href = as_at.link(reverse("org", args=[code]))
    return Markup('<a class="nhsuk-link" href="{}">{}</a>').format(href, text)


def _map_link(code: str, text: str, as_at: AsAt, scope: Scope) -> Any:
    if not code or not scope.sees(code):
        return text
    href = as_at.link(reverse("org_map", args=[code]))
    return Markup('<a class="nhsuk-link" href="{}">{}</a>').format(href, text)


def _network_text(code: str, name: str) -> str:
    if not code:
        return NO_NETWORK
    return f"{name} ({code})" if name else code


def practices_table(m: PracticeMap, as_at: AsAt, scope: Scope) -> dict[str, Any]:
    """The map as a table: every placed practice, its network, district, marker."""
    rows = []
    for p in m.practices:
        network = _network_text(p.pcn_code, p.pcn_name)
        practice = f"{p.practice_name} ({p.practice_code})"
        rows.append(
            [
                {"html": _org_link(p.practice_code, practice, as_at, scope)},
                {"html": _map_link(p.pcn_code, network, as_at, scope)}
                if m.kind != "network"
                else {"text": network},
                {"text": p.outcode},
                {"text": p.marker.text},
            ]
        )
    return {
        "caption": "Practices on the map",
        "responsive": True,
        "head": [
            {"text": "Practice"},
            {"text": "Network"},
            {"text": "Postcode district"},
            {"text": "Marker"},
        ],
        "rows": rows,
    }


def not_placed_table(m: PracticeMap, as_at: AsAt, scope: Scope) -> dict[str, Any]:
    rows = [
        [
            {
                "html": _org_link(
                    p.practice_code,
                    f"{p.practice_name} ({p.practice_code})",
                    as_at,
                    scope,
                )
            },
            {"text": _network_text(p.pcn_code, p.pcn_name)},
            {"text": p.reason},
        ]
        for p in m.not_placed
    ]
    return {
        "caption": "Practices not placed on the map",
        "responsive": True,
        "head": [{"text": "Practice"}, {"text": "Network"}, {"text": "Why"}],
        "rows": rows,
    }


def legend(m: PracticeMap) -> list[dict[str, Any]]:
    return [
        {
            "path": e.path,
            "colour": e.marker.colour,
            "text": f"{e.marker.text.capitalize()}: {e.label}, "
            f"{_plural(e.practices, 'practice')}",
        }
        for e in m.legend
    ]
