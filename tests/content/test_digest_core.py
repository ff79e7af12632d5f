"""When digests are due, across time zones and daylight-saving changes; what they say."""

from __future__ import annotations

import itertools
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
    current_period,
    describe_due,
    earlier_dues,
    latest_due,
    next_due,
    parse_time,
    parse_timezone,
    parse_weekday,
    period_bounds,
    period_key,
    period_label,
    trend_buckets,
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


BERLIN_MONDAY_9 = Schedule(weekday=0, hour=9, minute=0, timezone="Europe/Berlin")
FAR_ZONES = [
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "Pacific/Kiritimati",  # UTC+14: its Monday 09:00 is Sunday 19:00 UTC
    "Pacific/Pago_Pago",  # UTC-11
    "Pacific/Auckland",  # UTC+13 in summer, in the southern hemisphere
    "Australia/Lord_Howe",  # a half-hour daylight-saving shift
    "America/St_Johns",  # a half-hour offset with daylight saving
]


def test_the_reported_week_now_and_then_scheduled_share_one_boundary() -> None:
    # Monday 23 Nov, 15:00 in Berlin: the digest due at 09:00 covered Nov 16 – Nov 23, and
    # `now` shows Nov 23 – now, the start of the period the next scheduled digest covers.
    now = utc(2026, 11, 23, 14)
    posted = latest_due(BERLIN_MONDAY_9, now)
    assert posted == utc(2026, 11, 23, 8)
    assert period_bounds(BERLIN_MONDAY_9, posted) == (utc(2026, 11, 16, 8), posted)
    start, end = current_period(BERLIN_MONDAY_9, now)
    assert (start, end) == (posted, now)
    assert period_label(BERLIN_MONDAY_9.zone, start, end, so_far=True) == "Nov 23 – now"
    assert describe_due(BERLIN_MONDAY_9, start) == "Monday 09:00 Europe/Berlin"
    scheduled = next_due(BERLIN_MONDAY_9, now)
    assert period_bounds(BERLIN_MONDAY_9, scheduled)[0] == start
    assert period_label(BERLIN_MONDAY_9.zone, *period_bounds(BERLIN_MONDAY_9, scheduled)) == (
        "Nov 23 – Nov 30"
    )


def test_periods_across_daylight_saving_changes_in_berlin() -> None:
    # Clocks go forward on 2026-03-29 (a 167-hour week) and back on 2026-10-25 (169 hours).
    spring = utc(2026, 3, 30, 7)  # Monday 09:00 CEST
    assert latest_due(BERLIN_MONDAY_9, spring) == spring
    assert period_bounds(BERLIN_MONDAY_9, spring) == (utc(2026, 3, 23, 8), spring)
    autumn = utc(2026, 10, 26, 8)  # Monday 09:00 CET
    assert latest_due(BERLIN_MONDAY_9, autumn + timedelta(minutes=1)) == autumn
    assert period_bounds(BERLIN_MONDAY_9, autumn) == (utc(2026, 10, 19, 7), autumn)
    buckets = trend_buckets(BERLIN_MONDAY_9, spring, utc(2026, 4, 6, 7))
    assert [(label, a, b) for label, a, b in buckets] == [
        ("Mar 09", utc(2026, 3, 9, 8), utc(2026, 3, 16, 8)),
        ("Mar 16", utc(2026, 3, 16, 8), utc(2026, 3, 23, 8)),
        ("Mar 23", utc(2026, 3, 23, 8), utc(2026, 3, 30, 7)),
        ("Mar 30", utc(2026, 3, 30, 7), utc(2026, 4, 6, 7)),
    ]


def test_a_zone_far_east_of_utc_files_weeks_by_its_own_dates() -> None:
    # Monday 09:00 in Kiritimati (UTC+14) is Sunday 19:00 UTC.
    schedule = Schedule(weekday=0, hour=9, minute=0, timezone="Pacific/Kiritimati")
    now = utc(2026, 11, 22, 20)  # Monday 10:00 there, still Sunday in UTC
    start, end = current_period(schedule, now)
    assert start == utc(2026, 11, 22, 19)
    assert period_label(schedule.zone, start, end, so_far=True) == "Nov 23 – now"
    assert [label for label, _, _ in trend_buckets(schedule, start, end)] == [
        "Nov 02",
        "Nov 09",
        "Nov 16",
        "Nov 23",
    ]
    assert period_key(schedule, start) == "2026-11-23"


@given(
    st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1)),
    st.integers(0, 6),
    st.integers(0, 23),
    st.integers(0, 59),
    st.sampled_from(FAR_ZONES),
)
def test_periods_tile_time_without_gaps_or_overlaps(
    naive: datetime, weekday: int, hour: int, minute: int, zone: str
) -> None:
    schedule = Schedule(weekday, hour, minute, zone)
    now = naive.replace(tzinfo=UTC)
    due = next_due(schedule, now)
    dues = [due, *earlier_dues(schedule, due, 5)]
    # Each period starts where the one before it ended: no moment is in two digests.
    for newer, older in itertools.pairwise(dues):
        assert period_bounds(schedule, newer) == (older, newer)
        assert older.astimezone(schedule.zone).weekday() == weekday
    assert len({period_key(schedule, d) for d in dues}) == len(dues)
    # The period in progress is the start of the next scheduled digest's period.
    start, end = current_period(schedule, now)
    assert start <= now == end and period_bounds(schedule, due)[0] == start
    # The trend's buckets are the same periods, ending with the one shown.
    buckets = trend_buckets(schedule, start, end)
    assert [(a, b) for _, a, b in buckets] == [
        (dues[4], dues[3]),
        (dues[3], dues[2]),
        (dues[2], dues[1]),
        (dues[1], now),
    ]


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


def test_a_digest_says_what_it_covers_what_was_missed_and_what_was_posted_early() -> None:
    now = utc(2026, 11, 30, 8)
    period = (utc(2026, 11, 23, 8), now)
    whole = build_digest(
        period,
        [DigestDecision(1, "Role", "both", "U1", None)],
        [],
        [],
        label="Nov 23 – Nov 30",
        missed=["Nov 16 – Nov 23"],
        posted_early="Tue Nov 24 14:05",
    )
    text = str(digest_message(whole, now).blocks)
    assert "Hiring digest · Nov 23 – Nov 30" in text
    assert "Last week's digest (Nov 16 – Nov 23) was not posted: the bot was offline" in text
    assert "already posted early" in text and "Tue Nov 24 14:05" in text
    assert "1 decision this week" in text
    assert "1 earlier digest(s) not posted" in digest_message(whole, now).text
    two = build_digest(period, [], [], [], missed=["Nov 16 – Nov 23", "Nov 09 – Nov 16"])
    assert "The last 2 digests (Nov 09 – Nov 16, Nov 16 – Nov 23) were not posted" in str(
        digest_message(two, now).blocks
    )
    so_far = build_digest(
        period, [], [], [], label="Nov 23 – now", so_far_since="Monday 09:00 Europe/Berlin"
    )
    text = str(digest_message(so_far, now, preview=True).blocks)
    assert "Nov 23 – now" in text and "since Monday 09:00 Europe/Berlin" in text
    assert "No decisions so far this week" in text and "not posted" not in text
