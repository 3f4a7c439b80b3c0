"""Shaping applications for the NHS.UK macros: tags, summary lists, tables, and
forms' values and errors (the error-summary pattern). One module per page family:

- :mod:`.common`: state and outcome tags, links, sentences, what an application
  is waiting for (every page)
- :mod:`.lists`: the applications page (the review queue, the state filter, CSV)
- :mod:`.detail`: one application (what it asks, its practices, its timeline,
  decisions and appeals, the banner after a decision)
- :mod:`.findings`: contract checks' findings
- :mod:`.formview`: forms for the NHS.UK macros, and the commissioners to choose

This package re-exports every name the single module ``presenters.py`` had that
other modules use.
"""

from pcnhub.ui.formatting import fmt_date, fmt_when
from pcnhub.workflow.presenters.common import (
    SHORT_STATE_LABELS,
    STATE_COLOURS,
    Row,
    Table,
    application_url,
    days_waiting,
    is_overseer,
    org_link,
    outcome_tag,
    oversees,
    sentence,
    state_tag,
    waiting_for,
    worst_check,
    worst_outcome,
)
from pcnhub.workflow.presenters.detail import (
    appeal_rows,
    decision_rows,
    details_rows,
    needs_network_code,
    practices_table,
    success_text,
    timeline_table,
)
from pcnhub.workflow.presenters.findings import (
    NEW_NETWORK,
    counts_text,
    findings_table,
)
from pcnhub.workflow.presenters.formview import (
    FormView,
    add_service_error,
    commissioner_choices,
)
from pcnhub.workflow.presenters.lists import (
    CSV_COLUMNS,
    DECIDED_STATES,
    RECENT_DAYS,
    Queue,
    csv_row,
    decided_table,
    mine_table,
    queue,
    queue_table,
    state_options,
)
from pcnhub.workflow.services import latest_checks, unconfirmed

__all__ = [
    "CSV_COLUMNS",
    "DECIDED_STATES",
    "NEW_NETWORK",
    "RECENT_DAYS",
    "SHORT_STATE_LABELS",
    "STATE_COLOURS",
    "FormView",
    "Queue",
    "Row",
    "Table",
    "add_service_error",
    "appeal_rows",
    "application_url",
    "commissioner_choices",
    "counts_text",
    "csv_row",
    "days_waiting",
    "decided_table",
    "decision_rows",
    "details_rows",
    "findings_table",
    "fmt_date",
    "fmt_when",
    "is_overseer",
    "latest_checks",
    "mine_table",
    "needs_network_code",
    "org_link",
    "outcome_tag",
    "oversees",
    "practices_table",
    "queue",
    "queue_table",
    "sentence",
    "state_options",
    "state_tag",
    "success_text",
    "timeline_table",
    "unconfirmed",
    "waiting_for",
    "worst_check",
    "worst_outcome",
]
