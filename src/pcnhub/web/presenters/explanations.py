"""How each amount on the entitlements page was worked out, and the year's
membership changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from pcnhub.contract import marks
from pcnhub.rules.entitlements import EntitlementLine
from pcnhub.rules.items import PRACTICE
from pcnhub.rules.local import items_of
from pcnhub.rules.periods import ContractYear
from pcnhub.rules.snapshot import Network
from pcnhub.web.presenters.cells import code_and_name
from pcnhub.web.presenters.money import fmt_money, fmt_month


@dataclass(frozen=True)
class TraceSection:
    """One way an item was worked out, and the months it applies to."""

    months: str
    formula: str
    details: list[str]


@dataclass(frozen=True)
class Explanation:
    """How one item (or one practice's payment) was calculated."""

    id: str
    label: str
    total: str
    explanation: str
    sections: list[TraceSection]


def _months_text(months: Sequence[date]) -> str:
    if len(months) == 1:
        return fmt_month(months[0])
    return f"{fmt_month(months[0])} to {fmt_month(months[-1])}"


def _sections(lines: Sequence[EntitlementLine]) -> list[TraceSection]:
    """Runs of months worked out the same way, each from its first month's line.

    ``lines`` are in month order; a run ends where the trace changes (members or
    rates changed).
    """
    runs: list[list[EntitlementLine]] = []
    for line in lines:
        if runs and runs[-1][0].trace == line.trace:
            runs[-1].append(line)
        else:
            runs.append([line])
    sections = []
    for run in runs:
        first = run[0]
        text = first.trace.lines(first.instalment)
        sections.append(
            TraceSection(
                _months_text([x.month for x in run]),
                text[0],
                [t.strip() for t in text[1:]],
            )
        )
    return sections


def item_explanations(
    lines: Sequence[EntitlementLine], names: dict[str, str]
) -> list[Explanation]:
    out = []
    for item in items_of(lines):  # the national items, then any added locally
        mine = sorted(
            (x for x in marks.due(lines) if x.item == item.id), key=lambda x: x.month
        )
        if not mine:
            continue
        if item.paid_to != PRACTICE:
            out.append(
                Explanation(
                    item.id,
                    marked(item.label, mine),
                    fmt_money(sum((x.amount for x in mine), Decimal(0))),
                    item.explanation,
                    _sections(mine),
                )
            )
            continue
        for practice in sorted({x.practice for x in mine}):
            theirs = [x for x in mine if x.practice == practice]
            out.append(
                Explanation(
                    f"{item.id}-{practice}",
                    f"{item.label} to {code_and_name(practice, names)}",
                    fmt_money(sum((x.amount for x in theirs), Decimal(0))),
                    item.explanation,
                    _sections(theirs),
                )
            )
    return out


def membership_changes(network: Network, year: ContractYear) -> list[str]:
    """Sentences saying which practices joined or left in the year, and when.

    A practice counts from the first month it is a member on the 1st.
    """
    changes = []
    before: set[str] | None = None
    for month in year.months:
        now = {p.code for p in network.members_on(month)}
        if before is not None and now != before:
            joined, left = sorted(now - before), sorted(before - now)
            parts = []
            if joined:
                parts.append(f"{', '.join(joined)} joined")
            if left:
                parts.append(f"{', '.join(left)} left")
            changes.append(f"From {fmt_month(month)}: {' and '.join(parts)}.")
        before = now
    return changes


def marked(label: str, lines: Sequence[EntitlementLine]) -> str:
    """An item's label, saying "(provisional)" when its amounts rest on one, and
    "(local variation)" when on a commissioner's local variation agreement."""
    if any(v.local for x in lines for v in x.trace.parameters):
        label = f"{label} (local variation)"
    return f"{label} (provisional)" if marks.provisional_items(lines) else label
