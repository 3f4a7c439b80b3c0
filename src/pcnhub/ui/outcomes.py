"""The contract checks' outcomes and rules as pages name them."""

from __future__ import annotations

from markupsafe import Markup

from pcnhub.rules.checks import CHECKS, OUTCOMES, Outcome
from pcnhub.ui.tags import tag

#: Each outcome's tag colour, most serious first (the order of ``OUTCOMES``).
OUTCOME_COLOURS: dict[str, str] = {
    Outcome.BREACH: "red",
    Outcome.APPROVAL: "orange",
    Outcome.WARNING: "yellow",
    Outcome.UNKNOWN: "grey",
    Outcome.MET: "green",
}
RULE_LABELS: dict[str, str] = {
    **{check.id: check.label for check in CHECKS},
    "membership.one_network": "A practice is in one network only",
    "coverage.all_practices": "Every practice is in a network",
}


def outcome_tag(outcome: str) -> Markup:
    return tag(outcome[:1].upper() + outcome[1:], OUTCOME_COLOURS.get(outcome))


def parse_outcome(text: str | None) -> str | None:
    """``breach``, ``needs-commissioner-approval`` … → the outcome; None for all.

    Raises ValueError for a value that is not an outcome.
    """
    if text is None or not text.strip():
        return None
    outcome = " ".join(text.replace("-", " ").replace("_", " ").lower().split())
    if outcome not in OUTCOMES:
        raise ValueError(
            f"“{text}” is not an outcome: choose "
            + ", ".join(OUTCOMES[:-1])
            + f" or {OUTCOMES[-1]}"
        )
    return outcome
