"""What a user can do about a contract finding: a link to the form that acts on it.

* A network below the population minimum ("needs commissioner approval") links
  its overseeing commissioner to the small population approval form.
* A governance requirement "not known" (nothing recorded) links those who may
  change the network's governance to the form that records the missing fact.
* A practice in no network links its overseeing commissioner to assigning it.

Each link is offered only to a user holding the permission the form asks, so a
link is never a dead end (the form would answer 403).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse
from markupsafe import Markup

from pcnhub.access.checks import allowed
from pcnhub.access.permissions import Permission
from pcnhub.governance.kinds import KINDS
from pcnhub.governance.presenters import SMALL_POPULATION
from pcnhub.rules.checks import Finding, Outcome
from pcnhub.ui.asat import AsAt
from pcnhub.ui.links import optional_url

#: Governance rules whose "not known" finding a form can answer: rule → (the
#: change's slug, the link's text), as each record kind declares.
RECORDS: dict[str, tuple[str, str]] = {
    k.rule: (k.page.slug, k.rule_text) for k in KINDS if k.rule and k.page
}
APPROVE_TEXT = "Record the commissioner's approval"
ASSIGN_TEXT = "Assign to a network"

FindingLink = Callable[[Finding], Markup | None]


def _link(href: str, text: str, about: str) -> Markup:
    return Markup(
        '<a class="nhsuk-link" href="{}">{}'
        '<span class="nhsuk-u-visually-hidden"> for {}</span></a>'
    ).format(href, text, about)


def _change(code: str, kind: str, as_at: AsAt, back: str) -> str | None:
    path = optional_url("governance_change", code, kind)
    return as_at.link(path, next=back) if path else None


def finding_links(user: Any, as_at: AsAt) -> FindingLink:
    """For each finding, the link that acts on it for ``user``, or None."""

    def link(finding: Finding) -> Markup | None:
        code = finding.pcn_code
        if not code or finding.practice_code:
            return None
        back = as_at.link(reverse("org", args=[code]))
        kind, text, permission = _action(finding)
        if not kind or not allowed(user, permission, code):
            return None
        href = _change(code, kind, as_at, back)
        return _link(href, text, code) if href else None

    return link


def _action(finding: Finding) -> tuple[str, str, str]:
    """The change that acts on ``finding``, its link's text and its permission."""
    if finding.rule == "population.band" and finding.outcome == Outcome.APPROVAL:
        return SMALL_POPULATION, APPROVE_TEXT, Permission.APPROVE_SMALL_POPULATION
    if finding.outcome == Outcome.UNKNOWN and finding.rule in RECORDS:
        kind, text = RECORDS[finding.rule]
        return kind, text, Permission.CHANGE_NETWORK
    return "", "", ""


def assign_link(user: Any, as_at: AsAt) -> Callable[[str], Markup | None]:
    """For a practice in no network, the link to assign it, for ``user``."""

    def link(practice: str) -> Markup | None:
        path = optional_url("assign_practice", practice)
        if not path or not allowed(user, Permission.ASSIGN_PRACTICE, practice):
            return None
        return _link(as_at.link(path), ASSIGN_TEXT, practice)

    return link
