"""How every page shows dates and moments: one style across pcnhub.

The NHS.UK content style: dates as ``1 June 2021``, times on the 12-hour clock
with ``am``/``pm`` and no leading zero (``2:05pm``, ``9am``), ``midday`` and
``midnight`` by name.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.utils import timezone

from pcnhub.core.dates import long_date

ONE_DAY = timedelta(days=1)


def fmt_date(day: date | None) -> str:
    """A day: ``1 June 2021`` (empty for none)."""
    return long_date(day)


def fmt_time(moment: datetime) -> str:
    """A time of day: ``2:05pm``, ``9am``, ``midday``, ``midnight``."""
    if moment.minute == 0 and moment.hour in (0, 12):
        return "midnight" if moment.hour == 0 else "midday"
    hour = moment.hour % 12 or 12
    minutes = f":{moment.minute:02d}" if moment.minute else ""
    return f"{hour}{minutes}{'am' if moment.hour < 12 else 'pm'}"


def fmt_when(moment: datetime | None) -> str:
    """A moment, in local time: ``1 June 2021 at 2:05pm`` (empty for none)."""
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    return f"{fmt_date(local.date())} at {fmt_time(local)}"


def period_text(start: date, end: date | None) -> str:
    """When a record held: ``From 1 April 2021 to 31 March 2022``; ``end`` is
    the first day it no longer held (half-open, as the register keeps them)."""
    if end is None:
        return f"From {fmt_date(start)}, still current"
    if end == start:
        return f"Superseded (recorded for {fmt_date(start)} but never held)"
    return f"From {fmt_date(start)} to {fmt_date(end - ONE_DAY)}"
