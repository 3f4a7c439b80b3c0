"""The "as at" date every page is shown for, read from ``?as_at=YYYY-MM-DD``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django.http import HttpRequest
from django.utils import timezone

PARAM = "as_at"


@dataclass(frozen=True)
class AsAt:
    """The date a page is shown for, and whether the user asked for it."""

    day: date
    #: The value given in the query string, when there was one (valid or not).
    raw: str | None = None
    #: Why the value given could not be used; the page then shows today.
    error: str | None = None

    @property
    def explicit(self) -> bool:
        """A valid date was asked for, so links carry it on."""
        return self.raw is not None and self.error is None

    def query(self, **params: str) -> str:
        """A query string (with its ``?``) for ``params`` plus the date if chosen."""
        values = {k: v for k, v in params.items() if v}
        if self.explicit:
            values[PARAM] = self.day.isoformat()
        return "?" + urlencode(values) if values else ""

    def link(self, path: str, **params: str) -> str:
        return path + self.query(**params)


def today() -> date:
    return timezone.localdate()


def as_at_from(request: HttpRequest) -> AsAt:
    raw = request.GET.get(PARAM)
    if raw is None or not raw.strip():
        return AsAt(today())
    try:
        return AsAt(date.fromisoformat(raw.strip()), raw=raw)
    except ValueError:
        return AsAt(
            today(),
            raw=raw,
            error="Enter the date as year, month and day, for example 2021-06-01",
        )
