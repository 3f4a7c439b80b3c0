"""Questions about the register "as at" a date. Everything later work relies on.

The place callers import them from. By family:
:mod:`~pcnhub.register.queries_links` (what held on a day, parents, members, lists),
:mod:`~pcnhub.register.queries_networks` (open networks and their populations),
:mod:`~pcnhub.register.queries_practices` (open practices, uncovered ones, every
practice with its network and lists), :mod:`~pcnhub.register.queries_hierarchy`
(chains of parents, children, successions) and
:mod:`~pcnhub.register.queries_records` (search, history, places).
"""

from __future__ import annotations

from pcnhub.register.queries_hierarchy import (
    ChildLink,
    PastChild,
    Rung,
    children_ever,
    children_on,
    closed_on,
    hierarchy,
    successions_of,
)
from pcnhub.register.queries_links import (
    SUCCEEDING_KINDS,
    details_on,
    holding_on,
    latest_details,
    links_on,
    list_sizes_on,
    lists_with_dates,
    members_of,
    names_on,
    network_of,
    networks_of,
    parent_on,
    parents_on,
)
from pcnhub.register.queries_networks import (
    NetworkRow,
    Population,
    networks_on,
    open_networks,
    population,
    population_from,
)
from pcnhub.register.queries_practices import (
    CLOSED_STATUSES,
    GP_PRACTICE_SETTING,
    PracticeRow,
    UncoveredPractice,
    is_open_gp_practice,
    open_practices_in_area,
    practices_on,
    uncovered_on,
)
from pcnhub.register.queries_records import (
    SEARCH_LIMIT,
    SearchMatch,
    find_organisation,
    latest_names,
    links_of,
    list_size_history,
    outcode_of,
    practice_places,
    search,
    versions_of,
)

__all__ = [
    "CLOSED_STATUSES",
    "ChildLink",
    "GP_PRACTICE_SETTING",
    "NetworkRow",
    "PastChild",
    "Population",
    "PracticeRow",
    "Rung",
    "SEARCH_LIMIT",
    "SUCCEEDING_KINDS",
    "SearchMatch",
    "UncoveredPractice",
    "children_ever",
    "children_on",
    "closed_on",
    "details_on",
    "find_organisation",
    "hierarchy",
    "holding_on",
    "is_open_gp_practice",
    "latest_details",
    "latest_names",
    "links_of",
    "links_on",
    "list_size_history",
    "list_sizes_on",
    "lists_with_dates",
    "members_of",
    "names_on",
    "network_of",
    "networks_of",
    "networks_on",
    "open_networks",
    "open_practices_in_area",
    "outcode_of",
    "parent_on",
    "parents_on",
    "population",
    "population_from",
    "practice_places",
    "practices_on",
    "search",
    "successions_of",
    "uncovered_on",
    "versions_of",
]
