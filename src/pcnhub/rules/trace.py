"""How a figure was worked out: the inputs, the parameters and their sources."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from pcnhub.rules.params import Value
from pcnhub.rules.sources import citations, source_text


def number(value: Decimal | int) -> str:
    """``41,301`` for a whole number (lists come as 41301.00), else ``62,916.62``."""
    if isinstance(value, Decimal) and value == value.to_integral_value():
        value = int(value)
    return f"{value:,}"


@dataclass(frozen=True, slots=True)
class Population:
    """A population a figure was computed on, and the practices that make it up."""

    basis: str
    total: Decimal
    parts: tuple[tuple[str, Decimal], ...] = ()
    note: str = ""

    def describe(self) -> str:
        text = f"{self.basis} = {number(self.total)}"
        if self.parts:
            text += " (" + " + ".join(f"{c} {number(v)}" for c, v in self.parts) + ")"
        return text + (f"; {self.note}" if self.note else "")


@dataclass(frozen=True, slots=True)
class Trace:
    """Everything behind one amount for a payable period.

    Monthly lines share their period's trace and add which instalment they are.
    """

    item: str
    formula: str
    period_start: date
    period_end: date
    amount_for_period: Decimal
    instalments: int
    populations: tuple[Population, ...] = ()
    parameters: tuple[Value, ...] = ()
    inputs: tuple[tuple[str, str], ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def provisional(self) -> tuple[Value, ...]:
        """The parameter values behind the figure whose source is unverified."""
        return tuple(v for v in self.parameters if v.provisional)

    def lines(self, instalment: int | None = None) -> list[str]:
        """The trace as indented text, for ``--explain``."""
        out = [f"{self.formula}"]
        out += [f"  population: {p.describe()}" for p in self.populations]
        out += [f"  input: {name} = {value}" for name, value in self.inputs]
        for v in self.parameters:
            published = f", published {v.published}" if v.published else ""
            out.append(
                f"  parameter {v.parameter} = {v.describe()} from {v.start}"
                f"{published} — {source_text(v.source)}"
            )
        for v in self.provisional:
            other = f"; {v.conflict}" if v.conflict else ""
            out.append(
                f"  provisional: {v.parameter} rests on an unverified source "
                f"({source_text(v.source)}){other}"
            )
        if instalment is not None and self.instalments > 1:
            out.append(
                f"  instalment {instalment} of {self.instalments} of "
                f"£{self.amount_for_period:,} (cumulative rounding down to the penny)"
            )
        out += [f"  note: {n}" for n in self.notes]
        return out

    def as_dict(self, instalment: int | None = None) -> dict[str, Any]:
        """A flat, JSON-ready trace (decimals as strings)."""
        return {
            "item": self.item,
            "formula": self.formula,
            "period": [self.period_start.isoformat(), self.period_end.isoformat()],
            "amount_for_period": str(self.amount_for_period),
            "instalment": instalment,
            "instalments": self.instalments,
            "populations": [
                {
                    "basis": p.basis,
                    "total": str(p.total),
                    "parts": {c: str(v) for c, v in p.parts},
                    "note": p.note,
                }
                for p in self.populations
            ],
            "parameters": [
                {
                    "name": v.parameter,
                    "value": str(v.value),
                    "unit": v.unit,
                    "per": v.per,
                    "from": v.start.isoformat(),
                    "published": v.published.isoformat() if v.published else None,
                    "provisional": v.provisional,
                    "not_published": v.not_published,
                    "conflict": v.conflict,
                    # Documents a reader can open, not the reference's codes.
                    "source": source_text(v.source),
                    "citations": [c.as_dict() for c in citations(v.source)],
                }
                for v in self.parameters
            ],
            "inputs": dict(self.inputs),
            "notes": list(self.notes),
            "provisional": bool(self.provisional),
        }
