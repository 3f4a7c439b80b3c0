"""Contract checks' findings: counts, evidence, citations and the findings table."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from markupsafe import Markup

from pcnhub.access.scope import Scope
from pcnhub.rules.checks import OUTCOMES, Finding, seriousness
from pcnhub.ui.asat import AsAt
from pcnhub.ui.outcomes import RULE_LABELS, outcome_tag
from pcnhub.web.presenters.cells import Cell, Table, org_ref


def most_serious_first(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: seriousness(f.outcome))


def outcome_counts(findings: Sequence[Finding]) -> list[tuple[str, int]]:
    """(outcome, how many), most serious first, leaving out outcomes with none."""
    return [
        (outcome, n)
        for outcome in OUTCOMES
        if (n := sum(1 for f in findings if f.outcome == outcome))
    ]


def counts_text(findings: Sequence[Finding]) -> str:
    counts = ", ".join(f"{n} {outcome}" for outcome, n in outcome_counts(findings))
    total = f"{len(findings)} finding{'' if len(findings) == 1 else 's'}"
    return f"{total}: {counts}" if counts else total


def _evidence(finding: Finding) -> Markup:
    items = [
        Markup("<li>{}: {}</li>").format(key.replace("_", " ").capitalize(), value)
        for key, value in finding.evidence.items()
    ]
    if finding.citations or finding.source:
        items.append(Markup("<li>Source: {}</li>").format(citation_links(finding)))
    if not items:
        return Markup("")
    return Markup('<ul class="nhsuk-list nhsuk-body-s">{}</ul>').format(
        Markup("").join(items)
    )


def citation_links(finding: Finding) -> Markup:
    """Each document the finding cites, linked where pcnhub knows its address."""
    if not finding.citations:
        return Markup("{}").format(finding.source)
    return Markup("; ").join(
        Markup('<a href="{}" rel="noopener noreferrer">{}</a>').format(c.url, c.label)
        if c.url
        else Markup("{}").format(c.label)
        for c in finding.citations
    )


def _where(finding: Finding, as_at: AsAt, scope: Scope) -> Cell:
    links = [
        org_ref(as_at, scope, code)
        for code in (finding.pcn_code, finding.practice_code)
        if code
    ]
    if not links:
        return {"text": "Whole area"}
    return {"html": Markup("<br>").join(links)}


def findings_table(
    findings: Sequence[Finding],
    as_at: AsAt,
    caption: str,
    scope: Scope,
    where: bool = True,
    links: Callable[[Finding], Markup | None] | None = None,
) -> Table:
    """Findings, most serious first; ``where`` adds the network, practice and area.

    ``links`` gives a finding's action (a link to the form that acts on it).
    """
    head = [{"text": "Outcome"}]
    if where:
        head += [{"text": "Network or practice"}, {"text": "Commissioner"}]
    head += [{"text": "Requirement"}, {"text": "Finding"}, {"text": "Evidence"}]
    rows = []
    for f in most_serious_first(findings):
        row: list[Any] = [{"html": outcome_tag(f.outcome)}]
        if where:
            row += [
                _where(f, as_at, scope),
                (
                    {"html": org_ref(as_at, scope, f.commissioner_code)}
                    if f.commissioner_code
                    else ""
                ),
            ]
        row += [
            RULE_LABELS.get(f.rule, f.rule),
            _with_action(f.message[:1].upper() + f.message[1:], links and links(f)),
            {"html": _evidence(f)} if f.evidence or f.source or f.citations else "",
        ]
        rows.append(row)
    return {
        "caption": caption,
        "responsive": True,
        "classes": "pcnhub-findings",
        "head": head,
        "rows": rows,
    }


def _with_action(text: str, action: Markup | None) -> Cell | str:
    if not action:
        return text
    html = Markup('{}<br><span class="nhsuk-body-s">{}</span>')
    return {"html": html.format(text, action)}
