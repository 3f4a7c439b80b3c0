"""What a page must say about entitlement lines beyond their amounts: which items
rest on provisional values, which include arrears, and which were not computed
and what they need. Pure functions over lines, shared by pages and exports."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from pcnhub.rules.entitlements import ARREARS, DUE, EntitlementLine
from pcnhub.rules.items import ITEMS, ITEMS_BY_ID
from pcnhub.rules.periods import month_label

#: Where a network's missing inputs are recorded: the governance page's
#: contract inputs, or a network facts file, which overrides them.
FACTS_HELP = (
    "recorded by the commissioner on the network's governance page (Contract "
    "inputs), or given in a network facts file (pcnhub entitlements --facts; "
    "see docs/data-formats.md)"
)
NEEDS_FACTS = ("beds", "IIF achievement", "CAIP assessment")
#: The items whose missing input the contract inputs page records, and the words
#: of the link to it.
RECORDS = {
    "care_home_premium": "Record the care home beds",
    "investment_and_impact_fund": "Record the IIF achievement",
    "capacity_and_access_improvement": "Record the CAIP assessment",
}


def where_recorded(line: EntitlementLine) -> str:
    """Where the input a not-computed line needs is recorded ("" if none is)."""
    return FACTS_HELP if any(w in line.note for w in NEEDS_FACTS) else ""


@dataclass(frozen=True)
class NotComputed:
    item: str
    label: str
    months: str
    reason: str
    how: str
    #: The link's words for a viewer who may record the input ("" for none).
    record: str = ""


def due(lines: Sequence[EntitlementLine]) -> list[EntitlementLine]:
    """The lines with an amount: due in their month, or arrears."""
    return [x for x in lines if x.computed]


def provisional_items(lines: Sequence[EntitlementLine]) -> set[str]:
    return {x.item for x in lines if x.provisional}


def arrears(lines: Sequence[EntitlementLine]) -> list[EntitlementLine]:
    return [x for x in lines if x.status == ARREARS]


def regular(lines: Sequence[EntitlementLine]) -> list[EntitlementLine]:
    return [x for x in lines if x.status == DUE]


def not_computed(lines: Sequence[EntitlementLine]) -> list[NotComputed]:
    """One entry per item not computed, in the items' order."""
    order = {item.id: i for i, item in enumerate(ITEMS)}
    out: dict[str, NotComputed] = {}
    # An item a local variation adds comes after the national ones.
    for line in sorted(lines, key=lambda x: (order.get(x.item, len(order)), x.month)):
        if line.computed or line.item in out:
            continue
        label = ITEMS_BY_ID[line.item].label
        how = where_recorded(line)
        out[line.item] = NotComputed(
            line.item,
            label,
            f"{month_label(line.trace.period_start)} to "
            f"{month_label(line.trace.period_end - timedelta(days=1))}",
            line.note,
            how,
            RECORDS.get(line.item, "") if how else "",
        )
    return list(out.values())
