"""The workflow's refusals (re-exported by :mod:`pcnhub.workflow.services`).

In a module of their own so that :mod:`pcnhub.workflow.transitions`, which is
pure data, can raise them without importing the services.
"""

from __future__ import annotations


class WorkflowError(ValueError):
    """A step that cannot be taken, with a message for the person taking it."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


class Conflict(WorkflowError):
    """Someone else changed or decided the application first."""


class InvalidInput(WorkflowError):
    """What was sent is malformed: ``errors`` by field path (the API answers 422)."""

    def __init__(self, errors: dict[str, str]) -> None:
        first = next(iter(errors))
        super().__init__(
            "; ".join(f"{name} {message}" for name, message in errors.items()), first
        )
        self.errors = errors
