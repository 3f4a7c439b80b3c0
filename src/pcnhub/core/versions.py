"""Records kept as numbered versions: a change is made from the version its
maker saw, and one made from an older version is refused, not applied over a
change made since."""

from __future__ import annotations

from django.core.exceptions import ValidationError


def refuse_unless_current(what: str, current: int, expected: int) -> None:
    """Raise a ``ValidationError`` on ``version`` unless ``expected`` (the version
    the change was made from) is ``current`` (the version held now)."""
    if current != expected:
        raise ValidationError(
            {
                "version": [
                    f"The {what} was changed since (it is at version {current}, "
                    f"not {expected}): reload it"
                ]
            }
        )
