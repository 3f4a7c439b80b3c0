"""The dashboard's blocks for the NHS.UK templates: summary lists and small
tables, each with links to the pages that list what it counts.

Links to pages other apps may not have yet (variability, maps, jobs) are made
with :func:`pcnhub.ui.links.optional_url`, so they appear once those exist.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.urls import reverse
from markupsafe import Markup

from pcnhub.dashboard.areas import NATION, YOURS, Area
from pcnhub.dashboard.changes import Changes
from pcnhub.dashboard.figures import Figures
from pcnhub.dashboard.freshness import Freshness, Missing
from pcnhub.register.models import OrganisationKind
from pcnhub.ui.asat import AsAt
from pcnhub.ui.formatting import fmt_date
from pcnhub.ui.links import optional_url, org_url
from pcnhub.ui.outcomes import outcome_tag

Row = dict[str, Any]


def whole(value: Decimal | int) -> str:
    return f"{Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP):,}"


def pounds(value: Decimal) -> str:
    sign = "−" if value < 0 else ""
    return f"{sign}£{abs(value).quantize(Decimal('0.01'), ROUND_HALF_UP):,}"


def _row(key: str, value: str, href: str | None = None, html: Any = None) -> Row:
    row: Row = {"key": {"text": key}}
    if html is not None:
        row["value"] = {"html": html}
    elif href:
        row["value"] = {"html": _link(href, value)}
    else:
        row["value"] = {"text": value}
    return row


def _link(href: str, text: str) -> Any:
    return Markup('<a class="nhsuk-link" href="{}">{}</a>').format(href, text)


def _commissioner(area: Area) -> dict[str, str]:
    return (
        {"commissioner": area.code}
        if area.level == OrganisationKind.COMMISSIONER
        else {}
    )


def counts_rows(f: Figures, as_at: AsAt) -> list[Row]:
    c = f.counts
    params = _commissioner(f.area)
    rows = [
        _row("Networks", whole(c.networks), as_at.link(reverse("networks"))),
        _row("Practices", whole(c.practices)),
        _row("Practices in a network", whole(c.practices_in_networks)),
        _row("Registered patients", whole(c.registered_population)),
    ]
    if f.area.level in (OrganisationKind.NETWORK, OrganisationKind.PRACTICE):
        rows[0] = _row("Networks", whole(c.networks))
    elif params:
        rows[0] = _row(
            "Networks", whole(c.networks), org_url(as_at, f.area.code) + "#networks"
        )
    if c.practices_without_list:
        rows.append(
            _row("Practices with no list on the date", whole(c.practices_without_list))
        )
    return rows


def coverage_rows(f: Figures, as_at: AsAt) -> list[Row]:
    if f.coverage.empty:
        return []
    href = as_at.link(reverse("uncovered"))
    return [
        _row("Practices in no network", whole(f.coverage.uncovered), href),
        _row("Their registered patients", whole(f.coverage.uncovered_patients)),
    ]


def findings_table(f: Figures, as_at: AsAt) -> dict[str, Any] | None:
    if not f.findings.rules:
        return None
    params = _commissioner(f.area)
    path = reverse("checks")
    rows = []
    for rule in f.findings.rules:
        outcomes = "<br>".join(
            f"{outcome_tag(o)} {n:,}" for o, n in rule.outcomes.items()
        )
        rows.append(
            [
                {"html": _link(as_at.link(path, **params, rule=rule.rule), rule.label)},
                {"html": Markup(outcomes)},
                {"text": f"{rule.total:,}", "format": "numeric"},
            ]
        )
    return {
        "caption": f"Findings by requirement ({f.findings.year} contract year)",
        "responsive": True,
        "head": [
            {"text": "Requirement"},
            {"text": "Outcomes"},
            {"text": "Findings", "format": "numeric"},
        ],
        "rows": rows,
    }


def applications_rows(f: Figures) -> list[Row]:
    a = f.applications
    if a.empty:
        return []
    href = optional_url("applications")
    return [
        _row("Waiting for a decision", whole(a.waiting), href),
        _row("Oldest", _days(a.oldest_days)),
        _row("Median wait", _days(a.median_days)),
    ]


def _days(n: int | Decimal | None) -> str:
    if n is None:
        return "–"
    return "1 day" if n == 1 else f"{n} days"


def entitlements_table(f: Figures) -> dict[str, Any] | None:
    e = f.entitlements
    if not e.items:
        return None
    rows = [[i.label, {"text": pounds(i.total), "format": "numeric"}] for i in e.items]
    return {
        "caption": f"Entitlements in {e.year}, by item, for {e.networks:,} "
        f"network{'' if e.networks == 1 else 's'}",
        "responsive": True,
        "head": [{"text": "Item"}, {"text": "Due in the year", "format": "numeric"}],
        "rows": rows,
        "foot": [["Total", {"text": pounds(e.total), "format": "numeric"}]],
    }


def entitlements_link(f: Figures, as_at: AsAt) -> str | None:
    if f.area.level == OrganisationKind.NETWORK:
        url = optional_url("entitlements", f.area.code)
        return as_at.link(url, year=f.entitlements.year) if url else None
    return None


def arrs_rows(f: Figures, as_at: AsAt) -> list[Row]:
    a = f.arrs
    if a.empty:
        return []
    href = optional_url("arrs_utilisation")
    link = as_at.link(href, year=a.year, **_commissioner(f.area)) if href else None
    rows = [
        _row("Networks with claims or payments", whole(a.networks), link),
        _row("ARRS sum", pounds(a.arrs_sum)),
        _row("Spent (paid, else claimed)", pounds(a.spent)),
        _row("Headroom", pounds(a.headroom)),
        _row("Utilisation", "–" if a.utilisation is None else f"{a.utilisation}%"),
    ]
    if a.over_sum:
        rows.append(_row("Networks over their sum", whole(a.over_sum)))
    return rows


def freshness_rows(found: list[Freshness], missing: list[Missing]) -> list[Row]:
    rows = []
    for x in found:
        when = fmt_date(x.as_at) if x.as_at else f"imported {fmt_date(x.imported)}"
        text = Markup("{}").format(when)
        if x.stale:
            text = Markup(
                '{} <strong class="nhsuk-tag nhsuk-tag--red">Stale</strong>'
                '<br><span class="nhsuk-body-s">older than {} days on the '
                "date shown</span>"
            ).format(when, x.stale_after_days)
        elif x.newer_exists:
            text += Markup(
                '<br><span class="nhsuk-body-s">a newer file covers a later date</span>'
            )
        rows.append(_row(x.label, "", html=text))
    for m in missing:
        rows.append(
            _row(
                m.label,
                "",
                html=Markup(
                    '<strong class="nhsuk-tag nhsuk-tag--red">None imported</strong>'
                ),
            )
        )
    return rows


def changes_lists(c: Changes | None, as_at: AsAt) -> dict[str, list[Any]]:
    if c is None:
        return {}

    def ref(code: str, name: str = "") -> Any:
        if not code:
            return Markup("no network")
        text = f"{name} ({code})" if name else code
        return _link(org_url(as_at, code), text)

    networks = []
    for n in c.networks:
        if n.kind == "merged":
            networks.append(
                Markup("{} merged into {}").format(
                    ref(n.network, n.name), ref(n.into, n.into_name)
                )
            )
        else:
            networks.append(Markup("{} {}").format(ref(n.network, n.name), n.kind))
    commissioners = [
        Markup("{} merged into {} on {}").format(
            ref(m.predecessor, m.predecessor_name),
            ref(m.successor, m.successor_name),
            fmt_date(m.effective),
        )
        for m in c.commissioners
    ]
    practices = []
    for p in c.practices:
        who = ref(p.practice, p.name)
        if p.kind == "moved":
            practices.append(
                Markup("{} moved from {} to {}").format(
                    who, ref(p.from_network), ref(p.to_network)
                )
            )
        elif p.kind == "joined":
            practices.append(Markup("{} joined {}").format(who, ref(p.to_network)))
        else:
            practices.append(Markup("{} left {}").format(who, ref(p.from_network)))
    return {
        "networks": networks,
        "commissioners": commissioners,
        "practices": practices,
    }


def other_links(area: Area, as_at: AsAt) -> list[dict[str, str]]:
    """Pages about the same area that other apps provide, when they exist."""
    links = []
    variability = optional_url("variability")
    if variability:
        params = {"scope": area.code} if area.code else {}
        links.append(
            {
                "text": "Network size and deprivation variability",
                "href": as_at.link(variability, **params),
            }
        )
    maps = {
        OrganisationKind.NETWORK: ("network_map", "Map of this network"),
        OrganisationKind.COMMISSIONER: ("commissioner_map", "Map of this commissioner"),
    }
    if area.level in maps:
        name, text = maps[area.level]
        url = optional_url(name, area.code)
        if url:
            links.append({"text": text, "href": as_at.link(url)})
    if area.level in (
        NATION,
        YOURS,
        OrganisationKind.REGION,
        OrganisationKind.SYSTEM,
        OrganisationKind.COMMISSIONER,
    ):
        url = optional_url("uncovered_map")
        if url:
            links.append(
                {"text": "Practices in no network on a map", "href": as_at.link(url)}
            )
    jobs = optional_url("jobs")
    if jobs:
        links.append({"text": "Your exports and other long jobs", "href": jobs})
    return links


def dashboard_context(
    f: Figures,
    changes: Changes | None,
    fresh: tuple[list[Freshness], list[Missing]],
    as_at: AsAt,
) -> dict[str, Any]:
    """What the dashboard blocks (``dashboard/_blocks.html``) need."""
    return {
        "area": f.area,
        "area_label": f.area.label,
        "counts_rows": counts_rows(f, as_at),
        "coverage_rows": coverage_rows(f, as_at),
        "coverage_empty": f.coverage.empty,
        "findings_table": findings_table(f, as_at),
        "findings_empty": f.findings.empty,
        "findings_total": f.findings.total,
        "applications_rows": applications_rows(f),
        "applications_empty": f.applications.empty,
        "entitlements_table": entitlements_table(f),
        "entitlements_empty": f.entitlements.empty,
        "entitlements_url": entitlements_link(f, as_at),
        "arrs_rows": arrs_rows(f, as_at),
        "arrs_empty": f.arrs.empty,
        "freshness_rows": freshness_rows(*fresh),
        "stale": any(x.stale for x in fresh[0]) or bool(fresh[1]),
        "changes": changes_lists(changes, as_at),
        "since": changes.since if changes else None,
        "other_links": other_links(f.area, as_at),
        # The workforce app's page, when it is installed.
        "arrs_url": optional_url("arrs_utilisation"),
    }
