"""What of an application's checks a viewer is shown.

The checks run on the whole proposal (they must, to be right), so they can
speak of organisations the viewer's roles do not reach: the network a practice
asks to join, another network a named practice is also in. A finding is shown
only when the viewer may see every network and practice it names: those in
their scope, the new network the application forms, and the named practices
that are in no network on the effective date (what the applicant proposes).
The rest are counted, not shown; the commissioner deciding sees them all.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from pcnhub.access.scope import scope_of
from pcnhub.register import queries
from pcnhub.workflow.models import Application
from pcnhub.workflow.proposals import NEW

#: Network and practice codes in a finding's message or evidence.
CODE = re.compile(r"\b(?:U\d{5}|[A-Z](?=[0-9A-Z]*\d)[0-9A-Z]{5})\b")

Findings = list[dict[str, Any]]


def shown_to(
    user: Any, application: Application, findings: Sequence[dict[str, Any]]
) -> tuple[Findings, int]:
    """The findings ``user`` may read, and how many are held back."""
    scope = scope_of(user)
    if scope.oversees(application.commissioner_id):
        return list(findings), 0
    day = application.effective_from
    named = application.practice_codes()
    proposed = set(named) - set(queries.networks_of(named, day))

    def visible(code: str) -> bool:
        return code in ("", NEW) or code in proposed or scope.sees(code)

    shown = [f for f in findings if all(visible(c) for c in _codes(f))]
    return shown, len(findings) - len(shown)


def _codes(finding: dict[str, Any]) -> set[str]:
    text = f"{finding.get('message', '')} {finding.get('evidence', '')}"
    named = {finding.get("pcn_code", ""), finding.get("practice_code", "")}
    return {c for c in named if c} | set(CODE.findall(text))


def hidden_text(count: int) -> str:
    if not count:
        return ""
    what = "finding is" if count == 1 else "findings are"
    return (
        f"{count} {what} not shown: {'it is' if count == 1 else 'they are'} about "
        "networks or practices outside what your roles cover. The commissioner "
        "deciding the application sees every finding."
    )
