"""What every application page shows the same way: state and outcome tags,
links, service messages as sentences, and what an application is waiting for."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.urls import reverse
from django.utils import timezone
from markupsafe import Markup

from pcnhub.access.roles import Role
from pcnhub.access.scope import scope_of
from pcnhub.rules.checks import OUTCOMES, seriousness
from pcnhub.ui.formatting import fmt_date
from pcnhub.ui.outcomes import OUTCOME_COLOURS
from pcnhub.ui.tags import tag
from pcnhub.workflow import visibility
from pcnhub.workflow.models import APPROVED_STATES, Application, State
from pcnhub.workflow.services import latest_checks, unconfirmed

Table = dict[str, Any]
Row = dict[str, Any]

STATE_COLOURS: dict[str, str] = {
    State.DRAFT: "grey",
    State.SUBMITTED: "blue",
    State.APPROVED: "green",
    State.APPROVED_WITH_CONDITIONS: "aqua-green",
    State.REJECTED: "red",
    State.APPEALED: "orange",
    State.WITHDRAWN: "white",
}
SHORT_STATE_LABELS: dict[str, str] = {
    State.DRAFT: "Draft",
    State.SUBMITTED: "Submitted",
    State.APPROVED: "Approved",
    State.APPROVED_WITH_CONDITIONS: "Approved with conditions",
    State.REJECTED: "Rejected",
    State.APPEALED: "Appealed",
    State.WITHDRAWN: "Withdrawn",
}


def state_tag(state: str) -> Markup:
    return tag(SHORT_STATE_LABELS.get(state, state), STATE_COLOURS.get(state))


def outcome_tag(outcome: str) -> Markup:
    return tag(outcome[:1].upper() + outcome[1:], OUTCOME_COLOURS.get(outcome))


def sentence(text: str) -> str:
    """A service message (lower case, as the services write them) as a sentence."""
    text = str(text).strip()
    return text[:1].upper() + text[1:]


def application_url(application: Application) -> str:
    return reverse("application", args=[application.reference])


def org_link(code: str | None, names: dict[str, str] | None = None) -> Markup:
    if not code:
        return Markup("")
    name = (names or {}).get(code)
    text = f"{name} ({code})" if name else code
    return Markup('<a class="nhsuk-link" href="{}">{}</a>').format(
        reverse("org", args=[code]), text
    )


def oversees(user: Any, application: Application) -> bool:
    return scope_of(user).oversees(application.commissioner_id)


def is_overseer(user: Any) -> bool:
    return scope_of(user).has(Role.NATIONAL, Role.REGIONAL, Role.COMMISSIONER)


def worst_outcome(findings: Iterable[dict[str, Any]]) -> str:
    found = [f["outcome"] for f in findings if f.get("outcome") in OUTCOMES]
    return min(found, key=seriousness) if found else ""


def worst_check(user: Any, application: Application) -> str:
    """The worst outcome of the findings ``user`` is shown (``visibility``): a
    finding held back must not speak through the one-word summary either."""
    run = latest_checks(application)
    if run is None:
        return ""
    shown, _hidden = visibility.shown_to(user, application, run.findings)
    return worst_outcome(shown)


def _list(codes: Sequence[str]) -> str:
    codes = list(codes)
    if len(codes) <= 1:
        return "".join(codes)
    return ", ".join(codes[:-1]) + " and " + codes[-1]


def waiting_for(application: Application) -> str:
    """What the application is waiting for, in a few words."""
    waiting = unconfirmed(application)
    confirm = f"waiting for {_list(waiting)} to confirm" if waiting else ""
    state = application.state
    if state == State.DRAFT:
        return sentence(confirm or "ready to submit") + (
            "; then submit it" if confirm else ""
        )
    if state == State.SUBMITTED:
        then = "the commissioner's decision"
        return sentence(f"{confirm}, then {then}" if confirm else f"waiting for {then}")
    if state == State.APPEALED:
        return "Waiting for the decision on the appeal"
    if state == State.REJECTED:
        return "Nothing: it can be changed and submitted again, or appealed"
    if state in APPROVED_STATES:
        return f"Nothing: in the register from {fmt_date(application.effective_from)}"
    return "Nothing"


def days_waiting(application: Application, today: date) -> int | None:
    if application.state not in (State.SUBMITTED, State.APPEALED):
        return None
    since = getattr(application, "submitted_at", None) or application.updated_at
    return (today - timezone.localtime(since).date()).days
