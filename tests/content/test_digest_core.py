"""When digests are due, across time zones and daylight-saving changes; what they say."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.blocks.digest import digest_message
from bot.core.digest import (
    DigestDecision,
    Schedule,
    WaitingConversation,
    build_digest,
    latest_due,
    next_due,
    parse_time,
    parse_timezone,
    parse_weekday,
    period_bounds,
    period_key,
)

LONDON_MONDAY_9 = Schedule(weekday=0, hour=9, minute=0, timezone="Europe/London")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_monday_nine_in_london_follows_summer_time() -> None:
    # Winter: 09:00 GMT is 09:00 UTC; summer: 09:00 BST is 08:00 UTC.
    assert latest_due(LONDON_MONDAY_9, utc(2026, 1, 7, 12)) == utc(2026, 1, 5, 9)
    assert latest_due(LONDON_MONDAY_9, utc(2026, 7, 8, 12)) == utc(2026, 7, 6, 8)


def test_the_week_clocks_go_forward_and_back() -> None:
    # Clocks go forward on Sunday 2026-03-29 and back on Sunday 2026-10-25.
    assert latest_due(LONDON_MONDAY_9, utc(2026, 3, 30, 8, 30)) == utc(2026, 3, 30, 8)
    assert latest_due(LONDON_MONDAY_9, utc(2026, 3, 30, 7, 59)) == utc(2026, 3, 23, 9)
    assert latest_due(LONDON_MONDAY_9, utc(2026, 10, 26, 9)) == utc(2026, 10, 26, 9)
    start, end = period_bounds(LONDON_MONDAY_9, utc(2026, 3, 30, 8))
    assert (start, end) == (utc(2026, 3, 23, 9), utc(2026, 3, 30, 8))  # a 167-hour week


def test_a_time_inside_the_spring_gap_happens_once_after_it() -> None:
    sunday_0130 = Schedule(weekday=6, hour=1, minute=30, timezone="Europe/London")
    due = latest_due(sunday_0130, utc(2026, 3, 29, 12))
    assert due == utc(2026, 3, 29, 1, 30)  # 02:30 BST, just after the jump
    assert period_key(sunday_0130, due) == "2026-03-29"


def test_an_ambiguous_autumn_time_happens_once() -> None:
    sunday_0130 = Schedule(weekday=6, hour=1, minute=30, timezone="Europe/London")
    due = latest_due(sunday_0130, utc(2026, 10, 25, 12))
    assert due == utc(2026, 10, 25, 0, 30)  # the first 01:30 (BST)


@given(
    st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1)),
    st.integers(0, 6),
    st.integers(0, 23),
    st.integers(0, 59),
    st.sampled_from(
        ["UTC", "Europe/London", "America/New_York", "Australia/Sydney", "Asia/Kolkata"]
    ),
)
def test_due_times_are_ordered_and_weekly(
    naive: datetime, weekday: int, hour: int, minute: int, zone: str
) -> None:
    schedule = Schedule(weekday, hour, minute, zone)
    now = naive.replace(tzinfo=UTC)
    last, upcoming = latest_due(schedule, now), next_due(schedule, now)
    assert last <= now < upcoming
    assert timedelta(days=6, hours=22) <= upcoming - last <= timedelta(days=7, hours=2)
    assert last.astimezone(schedule.zone).weekday() == weekday


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("monday", 0),
        ("Mon", 0),
        ("SUNDAY", 6),
        ("thu", 3),
        ("moonday", None),
        ("m", None),
        ("", None),
    ],
)
def test_weekdays(text: str, expected: int | None) -> None:
    assert parse_weekday(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("09:00", (9, 0)),
        ("23:59", (23, 59)),
        ("25:00", None),
        ("9", None),
        ("12:5", None),
        ("１２:００", None),
    ],
)
def test_times(text: str, expected: tuple[int, int] | None) -> None:
    assert parse_time(text) == expected


def test_time_zones() -> None:
    assert parse_timezone("Europe/Paris") == "Europe/Paris"
    assert parse_timezone("Mars/Olympus") is None
    assert parse_timezone("../../etc/passwd") is None


def test_builder_counts_waits_and_trend() -> None:
    now = utc(2026, 11, 23, 9)
    decisions = [
        DigestDecision(i, f"Role {i}", outcome, "U1", None)
        for i, outcome in enumerate(["product_engineer", "product_engineer", "both"])
    ]
    waiting = [
        WaitingConversation(9, "Staff eng", "U2", now - timedelta(days=3), "question 2", None),
        WaitingConversation(8, "Data eng", "U3", now - timedelta(days=5), "the decision", None),
    ]
    digest = build_digest(
        (now - timedelta(days=7), now),
        decisions,
        waiting,
        [("Oct 26", 1), ("Nov 02", 0), ("Nov 09", 4), ("Nov 16", 3)],
    )
    assert digest.counts == {"product_engineer": 2, "both": 1} and digest.total == 3
    assert [w.id for w in digest.waiting] == [8, 9]  # longest wait first
    text = str(digest_message(digest, now).blocks)
    assert "3 decisions this week" in text and "5 days" in text and "Nov 09" in text


def test_five_hundred_decisions_render_within_limits() -> None:
    now = utc(2026, 11, 23, 9)
    decisions = [
        DigestDecision(
            i,
            "<!channel> " + "x" * 300,
            "software_engineer",
            "U1",
            f"https://acme.slack.com/archives/C1/p{i}",
        )
        for i in range(500)
    ]
    waiting = [
        WaitingConversation(i, "y" * 300, "U2", now - timedelta(hours=i), "question 1", None)
        for i in range(300)
    ]
    message = digest_message(
        build_digest((now - timedelta(days=7), now), decisions, waiting, []), now
    )
    assert len(message.blocks) <= 50
    assert all(len(b.get("text", {}).get("text", "")) <= 3000 for b in message.blocks)
    assert "and 485 more" in str(message.blocks) and "<!channel>" not in str(message.blocks)
