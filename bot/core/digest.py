"""The weekly digest, Slack-free: when it is due, which period it covers, and what it says.

A workspace's digest is due at its weekday and local time in its IANA time zone. Periods
never overlap: the digest due at D covers [the previous due time, D), both computed as
local calendar days and times and only then converted to UTC, so a week across a
daylight-saving change is 167 or 169 hours long and still starts and ends at the local
time people expect. A period's key is its due time's local date, so a run is claimed
once per (workspace, key) however many processes look. The trend's weekly buckets are
these same periods, so a decision is filed under one week everywhere.

`/hire digest` (preview) and `/hire digest now` show the *current* period so far, from
the last due time until now ("Nov 23 – now"), never a rolling seven days. The rule for
`now`: it is an early look, not a replacement. The scheduled digest at the end of the
period still covers the whole period (a team reading the channel weekly expects a
complete week) and says that part of it was already posted early, so nothing is repeated
without saying so. A scheduled digest that could not be posted because the bot was down
past the grace period is recorded as missed, its configurer is told in a DM, and the next
digest says so; several missed in a row are reported together.
"""

from __future__ import annotations

import functools
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
TREND_PERIODS = 4
# How many earlier periods a missed-digest report looks back over (a quarter).
MISSED_LOOKBACK = 13


@dataclass(frozen=True)
class Schedule:
    weekday: int  # 0 = Monday
    hour: int
    minute: int
    timezone: str = "UTC"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def parse_weekday(text: str) -> int | None:
    lowered = text.strip().lower()
    for index, name in enumerate(WEEKDAYS):
        if len(lowered) >= 3 and name.startswith(lowered):
            return index
    return None


def parse_time(text: str) -> tuple[int, int] | None:
    parts = text.strip().split(":")
    if len(parts) != 2 or not all(p.isascii() and p.isdigit() for p in parts):
        return None
    hour, minute = int(parts[0]), int(parts[1])
    if 0 <= hour <= 23 and 0 <= minute <= 59 and len(parts[1]) == 2:
        return hour, minute
    return None


@functools.cache
def _zone_keys() -> dict[str, str]:
    """Every IANA zone name this system knows, by its lower-case form."""
    return {key.lower(): key for key in zoneinfo.available_timezones()}


def parse_timezone(text: str) -> str | None:
    """The IANA zone key `text` names (any case), or None.

    Checked against the list of keys rather than by loading the name, so a folder such as
    `America`, a path, or a 300-character string is simply not a zone.
    """
    key = _zone_keys().get(text.strip().lower()) if len(text) <= 64 else None
    if key is None:
        return None
    try:
        ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None
    return key


def _local_due(schedule: Schedule, day: date) -> datetime:
    """The due instant on a local calendar day. A time that doesn't exist (clocks jump
    forward) is moved past the gap; an ambiguous one (clocks go back) is the first."""
    # fold=0 means the offset in force before a transition, which puts a time in the gap
    # just after it and an ambiguous time at its first occurrence.
    local = datetime.combine(day, time(schedule.hour, schedule.minute), tzinfo=schedule.zone)
    return local.astimezone(UTC)


def latest_due(schedule: Schedule, now: datetime) -> datetime:
    """The most recent due instant at or before `now` (UTC)."""
    today = now.astimezone(schedule.zone).date()
    back = (today.weekday() - schedule.weekday) % 7
    candidate = _local_due(schedule, today - timedelta(days=back))
    if candidate > now:
        candidate = _local_due(schedule, today - timedelta(days=back + 7))
    return candidate


def next_due(schedule: Schedule, now: datetime) -> datetime:
    due = latest_due(schedule, now)
    local_day = due.astimezone(schedule.zone).date() + timedelta(days=7)
    return _local_due(schedule, local_day)


def period_key(schedule: Schedule, due: datetime) -> str:
    return due.astimezone(schedule.zone).date().isoformat()


def previous_due(schedule: Schedule, due: datetime) -> datetime:
    """The due time one local week before `due` (same local time, DST-safe)."""
    return _local_due(schedule, due.astimezone(schedule.zone).date() - timedelta(days=7))


def period_bounds(schedule: Schedule, due: datetime) -> tuple[datetime, datetime]:
    """The period a digest due at `due` reports on: [the previous due time, `due`)."""
    return previous_due(schedule, due), due


def current_period(schedule: Schedule, now: datetime) -> tuple[datetime, datetime]:
    """The period in progress so far: [the last due time, `now`). Its scheduled digest is
    the one due at `next_due(schedule, now)`."""
    return latest_due(schedule, now), now


def earlier_dues(schedule: Schedule, due: datetime, count: int) -> list[datetime]:
    """The `count` due times before `due`, newest first."""
    dues = []
    for _ in range(count):
        due = previous_due(schedule, due)
        dues.append(due)
    return dues


def trend_buckets(
    schedule: Schedule, start: datetime, end: datetime, count: int = TREND_PERIODS
) -> list[tuple[str, datetime, datetime]]:
    """(label, start, end) of the `count` periods up to [start, end), oldest first: the
    same boundaries as the digests, each labelled with its local start date."""
    starts = [*reversed(earlier_dues(schedule, start, count - 1)), start]
    ends = [*starts[1:], end]
    return [(local_day(schedule.zone, a), a, b) for a, b in zip(starts, ends, strict=True)]


def local_day(zone: ZoneInfo, moment: datetime) -> str:
    return f"{moment.astimezone(zone):%b %d}"


def period_label(zone: ZoneInfo, start: datetime, end: datetime, so_far: bool = False) -> str:
    """ "Nov 16 – Nov 23", or "Nov 23 – now" for the period in progress."""
    return f"{local_day(zone, start)} – {'now' if so_far else local_day(zone, end)}"


def describe_due(schedule: Schedule, due: datetime) -> str:
    """ "Monday 09:00 Europe/Berlin": when a period began, as its workspace says it."""
    local = due.astimezone(schedule.zone)
    return f"{WEEKDAYS[local.weekday()].capitalize()} {local:%H:%M} {schedule.timezone}"


# -- content ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DigestDecision:
    id: int
    title: str
    outcome: str
    decided_by: str
    link: str | None
    # "Ask the team": how many people's answers the decision was made with (0: no round).
    voices: int = 0


@dataclass(frozen=True)
class WaitingConversation:
    id: int
    title: str
    started_by: str
    waiting_since: datetime
    step: str  # what it waits for, e.g. "question 3 of 6" or "the decision"
    link: str | None
    state: str = "in_progress"  # or "awaiting_decision"


@dataclass(frozen=True)
class DigestCheckin:
    """A check-in answered in the period ("did it hold up?"): the answer that stands."""

    id: int  # the conversation's
    title: str
    answer: str
    link: str | None


@dataclass(frozen=True)
class Digest:
    period_start: datetime
    period_end: datetime
    counts: dict[str, int]
    decisions: tuple[DigestDecision, ...]
    waiting: tuple[WaitingConversation, ...]
    trend: tuple[tuple[str, int], ...]  # (period label, decisions) oldest first, this one last
    label: str = ""  # "Nov 16 – Nov 23" or "Nov 23 – now", in the workspace's time zone
    # For the period in progress: "since Monday 09:00 Europe/Berlin"; None for a whole one.
    so_far_since: str | None = None
    # Earlier digests that were never posted (the bot was down past the grace period),
    # newest first, each as its period's label.
    missed: tuple[str, ...] = ()
    # When part of this period was already posted early with `/hire digest now`.
    posted_early: str | None = None
    # In private channels its readers can't see: counted, never named (bot.core.visibility).
    hidden_decisions: int = 0
    hidden_waiting: int = 0
    # Check-ins answered in the period; those in private channels only counted.
    checkins: tuple[DigestCheckin, ...] = ()
    hidden_checkins: int = 0

    @property
    def total(self) -> int:
        """Every decision of the period, the ones only counted included."""
        return sum(self.counts.values()) + self.hidden_decisions

    @property
    def waiting_total(self) -> int:
        return len(self.waiting) + self.hidden_waiting

    @property
    def quiet(self) -> bool:
        return self.total == 0 and self.waiting_total == 0


def build_digest(
    period: tuple[datetime, datetime],
    decisions: Sequence[DigestDecision],
    waiting: Sequence[WaitingConversation],
    trend: Sequence[tuple[str, int]],
    *,
    label: str | None = None,
    so_far_since: str | None = None,
    missed: Sequence[str] = (),
    posted_early: str | None = None,
    hidden_decisions: int = 0,
    hidden_waiting: int = 0,
    checkins: Sequence[DigestCheckin] = (),
    hidden_checkins: int = 0,
) -> Digest:
    counts: dict[str, int] = {}
    for decision in decisions:
        counts[decision.outcome] = counts.get(decision.outcome, 0) + 1
    return Digest(
        period_start=period[0],
        period_end=period[1],
        counts=counts,
        decisions=tuple(decisions),
        waiting=tuple(sorted(waiting, key=lambda w: w.waiting_since)),
        trend=tuple(trend),
        label=label or period_label(ZoneInfo("UTC"), *period),
        so_far_since=so_far_since,
        missed=tuple(missed),
        posted_early=posted_early,
        hidden_decisions=hidden_decisions,
        hidden_waiting=hidden_waiting,
        checkins=tuple(checkins),
        hidden_checkins=hidden_checkins,
    )


def describe_wait(since: datetime, now: datetime) -> str:
    seconds = max(0, int((now - since).total_seconds()))
    days, hours = seconds // 86400, (seconds % 86400) // 3600
    if days:
        return f"{days} day{'s' if days != 1 else ''}"
    if hours:
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return "less than an hour"
