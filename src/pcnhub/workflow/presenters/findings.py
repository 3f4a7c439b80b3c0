"""Contract checks' findings on an application's pages: the table and the tally."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markupsafe import Markup

from pcnhub.rules.checks import OUTCOMES, seriousness
from pcnhub.ui.outcomes import RULE_LABELS
from pcnhub.workflow.presenters.common import Table, outcome_tag, sentence

NEW_NETWORK = "The new network"


def _evidence(text: str, source: str) -> Markup:
    items = []
    for part in (text or "").split("; "):
        if not part:
            continue
        key, _, value = part.partition("=")
        items.append(
            Markup("<li>{}: {}</li>").format(key.replace("_", " ").capitalize(), value)
        )
    if source:
        items.append(Markup("<li>Source: {}</li>").format(source))
    if not items:
        return Markup("")
    return Markup('<ul class="nhsuk-list nhsuk-body-s">{}</ul>').format(
        Markup("").join(items)
    )


def findings_table(findings: Sequence[dict[str, Any]], caption: str) -> Table:
    """Findings (stored rows), most serious first."""
    ordered = sorted(findings, key=lambda f: seriousness(f.get("outcome", "")))
    rows = []
    for f in ordered:
        where = " ".join(
            NEW_NETWORK if x == "(new)" else x
            for x in (f.get("pcn_code", ""), f.get("practice_code", ""))
            if x
        )
        rows.append(
            [
                {"html": outcome_tag(f.get("outcome", ""))},
                where or "Whole area",
                RULE_LABELS.get(f.get("rule", ""), f.get("rule", "")),
                sentence(f.get("message", "")),
                {"html": _evidence(f.get("evidence", ""), f.get("source", ""))},
            ]
        )
    return {
        "caption": caption,
        "responsive": True,
        "classes": "pcnhub-findings",
        "head": [
            {"text": "Outcome"},
            {"text": "Network or practice"},
            {"text": "Requirement"},
            {"text": "Finding"},
            {"text": "Evidence"},
        ],
        "rows": rows,
    }


def counts_text(findings: Sequence[dict[str, Any]]) -> str:
    tally = [
        (outcome, sum(1 for f in findings if f.get("outcome") == outcome))
        for outcome in OUTCOMES
    ]
    parts = [f"{n} {outcome}" for outcome, n in tally if n]
    total = f"{len(findings)} finding{'' if len(findings) == 1 else 's'}"
    return f"{total}: " + ", ".join(parts) if parts else total
