"""One date and time style across pcnhub (NHS.UK content style)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.test import override_settings

from pcnhub.ui.formatting import fmt_date, fmt_time, fmt_when


def test_a_day_is_written_in_full_without_a_leading_zero() -> None:
    assert fmt_date(date(2021, 6, 1)) == "1 June 2021"
    assert fmt_date(None) == ""


@pytest.mark.parametrize(
    ("hour", "minute", "text"),
    [
        (14, 5, "2:05pm"),
        (9, 0, "9am"),
        (9, 30, "9:30am"),
        (12, 0, "midday"),
        (0, 0, "midnight"),
        (0, 15, "12:15am"),
        (12, 45, "12:45pm"),
        (23, 59, "11:59pm"),
    ],
)
def test_a_time_is_on_the_twelve_hour_clock(hour: int, minute: int, text: str) -> None:
    assert fmt_time(datetime(2021, 6, 1, hour, minute)) == text


@override_settings(TIME_ZONE="Europe/London", USE_TZ=True)
def test_a_moment_is_shown_in_local_time_day_first() -> None:
    # 13:05 UTC in June is 14:05 in London (British Summer Time)
    assert fmt_when(datetime(2021, 6, 1, 13, 5, tzinfo=UTC)) == "1 June 2021 at 2:05pm"
    assert (
        fmt_when(datetime(2021, 12, 1, 13, 5, tzinfo=UTC))
        == "1 December 2021 at 1:05pm"
    )
    assert fmt_when(None) == ""


def test_every_app_formats_moments_with_the_kit() -> None:
    from pcnhub.governance import presenters as governance
    from pcnhub.workflow import presenters as workflow

    assert governance.fmt_when is fmt_when
    assert workflow.fmt_when is fmt_when
