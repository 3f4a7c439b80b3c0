"""The register's own pages, shaped into what the NHS.UK macros display.

Every question about the register is answered by :mod:`pcnhub.register.queries`;
the presenters only shape its answers into the parameter dictionaries the
``nhsuk_frontend_jinja`` macros take. One module per page family:

- :mod:`.cells`: labels, number formats, the cells naming an organisation
- :mod:`.navigation`: the page frame's header and navigation
- :mod:`.home`: search
- :mod:`.organisation`: an organisation's page (breadcrumb, details, hierarchy,
  children, closure, successions, a network's other pages)
- :mod:`.lists`: the networks and practices-in-no-network tables
- :mod:`.list_sizes`: a network's members, a practice's list sizes
- :mod:`.records`: an organisation's history (versions, relationships)
- :mod:`.findings`: contract checks' findings tables
- :mod:`.checks`: the checks page and a network's checks section
- :mod:`.money`, :mod:`.explanations`, :mod:`.payments`: the entitlements page
  ("How this network is paid")

What the user may see is decided by the views (:mod:`pcnhub.access`); presenters
are given the user's :class:`~pcnhub.access.scope.Scope` so that an organisation
outside it appears as its name and code only, never as a link or with figures.

This package re-exports every name the single module ``presenters.py`` had.
"""

from pcnhub.ui.years import covered_years
from pcnhub.web.presenters.cells import (
    INFERRED_HINT,
    KIND_LABELS,
    MEASURE_LABELS,
    ONE_DAY,
    SHORT_KIND_LABELS,
    STATUS_LABELS,
    Cell,
    Table,
    code_and_name,
    code_cell,
    commissioner_cell,
    fmt_patients,
    fmt_weighted,
    kind_label,
    org_link,
    org_ref,
)
from pcnhub.web.presenters.checks import (
    ALL_YOURS,
    EVERYWHERE,
    NetworkChecks,
    checks_link,
    checks_page,
    commissioner_options,
    findings_with,
    network_checks,
    outcome_filters,
)
from pcnhub.web.presenters.explanations import (
    Explanation,
    TraceSection,
    membership_changes,
)
from pcnhub.web.presenters.findings import (
    citation_links,
    counts_text,
    findings_table,
    most_serious_first,
    outcome_counts,
)
from pcnhub.web.presenters.home import SearchResult, search, search_table
from pcnhub.web.presenters.list_sizes import (
    Members,
    list_sizes_history,
    members,
    practice_lists_rows,
)
from pcnhub.web.presenters.lists import networks_table, uncovered_table
from pcnhub.web.presenters.money import NOTHING, fmt_money, fmt_month
from pcnhub.web.presenters.navigation import (
    NAVIGATION,
    SERVICE_NAME,
    SHORT_ROLE_LABELS,
    header,
    navigation_items,
    roles_text,
    shows_in_navigation,
    user_text,
)
from pcnhub.web.presenters.organisation import (
    NETWORK_PAGES,
    breadcrumb,
    children_table,
    closure_rows,
    details_rows,
    hierarchy_rows,
    network_links,
    past_children_table,
    rung_text,
    successions_rows,
)
from pcnhub.web.presenters.payments import (
    Entitlements,
    entitlements,
    entitlements_link,
    entitlements_page,
    year_options,
)
from pcnhub.web.presenters.records import (
    RELATIONSHIP_LABELS,
    history,
    relationships_table,
    run_text,
    versions_table,
)

__all__ = [
    "ALL_YOURS",
    "Cell",
    "EVERYWHERE",
    "Entitlements",
    "Explanation",
    "INFERRED_HINT",
    "KIND_LABELS",
    "MEASURE_LABELS",
    "Members",
    "NAVIGATION",
    "NETWORK_PAGES",
    "NOTHING",
    "NetworkChecks",
    "ONE_DAY",
    "RELATIONSHIP_LABELS",
    "SERVICE_NAME",
    "SHORT_KIND_LABELS",
    "SHORT_ROLE_LABELS",
    "STATUS_LABELS",
    "SearchResult",
    "Table",
    "TraceSection",
    "breadcrumb",
    "checks_link",
    "checks_page",
    "children_table",
    "citation_links",
    "closure_rows",
    "code_and_name",
    "code_cell",
    "commissioner_cell",
    "commissioner_options",
    "counts_text",
    "covered_years",
    "details_rows",
    "entitlements",
    "entitlements_link",
    "entitlements_page",
    "findings_table",
    "findings_with",
    "fmt_money",
    "fmt_month",
    "fmt_patients",
    "fmt_weighted",
    "header",
    "hierarchy_rows",
    "history",
    "kind_label",
    "list_sizes_history",
    "members",
    "membership_changes",
    "most_serious_first",
    "navigation_items",
    "network_checks",
    "network_links",
    "networks_table",
    "org_link",
    "org_ref",
    "outcome_counts",
    "outcome_filters",
    "past_children_table",
    "practice_lists_rows",
    "relationships_table",
    "roles_text",
    "run_text",
    "rung_text",
    "search",
    "search_table",
    "shows_in_navigation",
    "successions_rows",
    "uncovered_table",
    "user_text",
    "versions_table",
    "year_options",
]
