"""What-if edits to a network snapshot (pure: each returns a new snapshot)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

from pcnhub.rules.snapshot import Membership, Network, Practice

MEASURES = ("registered", "weighted", "adjusted")


def add_practice(network: Network, practice: Practice) -> Network:
    """``practice`` joins for the whole period."""
    if practice.code in {p.code for p in network.practices}:
        raise ValueError(f"{practice.code} is already a member of {network.code}")
    memberships = (*network.memberships, Membership(practice))
    return replace(network, memberships=memberships)


def remove_practice(network: Network, code: str) -> Network:
    """``code`` is not a member at any time in the period."""
    kept = tuple(m for m in network.memberships if m.practice.code != code)
    if len(kept) == len(network.memberships):
        raise ValueError(f"{code} is not a member of {network.code}")
    return replace(network, memberships=kept)


def set_list(network: Network, code: str, measure: str, value: Decimal) -> Network:
    """Give member ``code`` a different list size on ``measure``."""
    if measure not in MEASURES:
        raise ValueError(f"unknown list {measure!r} (use {', '.join(MEASURES)})")
    if value < 0:
        raise ValueError("a list size cannot be negative")
    if code not in {p.code for p in network.practices}:
        raise ValueError(f"{code} is not a member of {network.code}")
    # Any: the measure is a field name known only at run time (checked above).
    changed: dict[str, Any] = {measure: value}
    memberships = tuple(
        replace(m, practice=replace(m.practice, **changed))
        if m.practice.code == code
        else m
        for m in network.memberships
    )
    return replace(network, memberships=memberships)
