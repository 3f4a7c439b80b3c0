"""The dashboard in one call, for the pages and the API alike: the area the
user asked for (or theirs), its figures as at the date, what changed since an
earlier date, and how fresh the data is."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from pcnhub.dashboard.areas import Area, area_for
from pcnhub.dashboard.changes import Changes, changes, parse_since
from pcnhub.dashboard.figures import Figures, figures
from pcnhub.dashboard.freshness import Freshness, Missing, freshness


@dataclass
class Dashboard:
    figures: Figures
    changes: Changes | None
    freshness: list[Freshness]
    missing: list[Missing]

    @property
    def area(self) -> Area:
        return self.figures.area


def dashboard(
    user: Any, day: date, scope: str | None = None, since: str | None = None
) -> Dashboard:
    """Raises ValidationError (an unknown code, a bad ``since``) and
    PermissionDenied (an area outside the user's scope) before any figure."""
    area = area_for(user, scope, day)
    earlier = parse_since(since, day)
    found, missing = freshness(day)
    return Dashboard(
        figures(user, area, day),
        changes(user, area, earlier, day) if earlier else None,
        found,
        missing,
    )
