"""An organisation's name, for a page or an answer that shows one."""

from __future__ import annotations

from datetime import date

from pcnhub.register import queries


def name_of(code: str, day: date) -> str:
    """An organisation's name on ``day``, else its latest."""
    return (
        queries.names_on([code], day).get(code)
        or queries.latest_names([code]).get(code)
        or ""
    )
