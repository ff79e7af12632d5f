"""Thread links and quarters: the plain functions behind the log, the Home tab and the digest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from bot.core.log_views import quarter_start, thread_link


def test_a_thread_link_is_the_workspace_address_the_channel_and_the_ts() -> None:
    expected = "https://acme.slack.com/archives/C0HIRING/p1700000000000100"
    for url in ("https://acme.slack.com/", "https://acme.slack.com"):
        assert thread_link(url, "C0HIRING", "1700000000.000100") == expected


def test_a_kept_link_wins_and_without_an_address_or_a_message_there_is_none() -> None:
    assert thread_link("https://acme.slack.com/", "C1", "1.2", "https://kept") == "https://kept"
    assert thread_link(None, "C1", "1.2", "https://kept") == "https://kept"
    assert thread_link(None, "C1", "1700000000.000100") is None
    assert thread_link("", "C1", "1700000000.000100") is None
    assert thread_link("https://acme.slack.com/", "C1", None) is None


@pytest.mark.parametrize(
    ("now", "start"),
    [
        (datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC)),
        (datetime(2026, 3, 31, 23, 59, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC)),
        (datetime(2026, 4, 1, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC)),
        (datetime(2026, 11, 18, 10, 30, tzinfo=UTC), datetime(2026, 10, 1, tzinfo=UTC)),
        (datetime(2026, 12, 31, 23, 59, tzinfo=UTC), datetime(2026, 10, 1, tzinfo=UTC)),
        # 1 April 01:00 in UTC+2 is still March in UTC, the time decisions are stored in.
        (
            datetime(2026, 4, 1, 1, tzinfo=timezone(timedelta(hours=2))),
            datetime(2026, 1, 1, tzinfo=UTC),
        ),
    ],
)
def test_the_quarter_starts_on_its_first_day_in_utc(now: datetime, start: datetime) -> None:
    assert quarter_start(now) == start
