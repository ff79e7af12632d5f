"""What the decision log, the Home tab and the digest settings look like to whoever shows
them: plain values, no Slack, no SQL.

The use cases (`bot.hiring.log`, `bot.hiring.digest`) return these; Block Kit (`bot.blocks`)
renders them. Both sides import this module, never each other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.core.checkins import DEFAULT_AFTER_DAYS, CheckinView, HeldUp
from bot.core.digest import Schedule
from bot.core.voices import RoundView


@dataclass(frozen=True)
class LogRow:
    id: int
    title: str
    state: str
    started_by: str
    created_at: datetime
    link: str | None  # to the conversation's thread in Slack, when it can be built
    final_outcome: str | None
    decided_by: str | None
    decided_at: datetime | None


@dataclass(frozen=True)
class LogPage:
    rows: tuple[LogRow, ...]
    offset: int
    has_more: bool
    # Conversations the reader may not see (private channels they are not in): counted only.
    hidden: int = 0
    # Slack's error when it could not say which private channels the reader is in.
    unchecked: str | None = None


@dataclass(frozen=True)
class NoteRow:
    user_id: str
    text: str
    created_at: datetime


@dataclass(frozen=True)
class EventRow:
    """One change in a conversation's history. `kind` is a stored event's (recorded,
    changed, reopened, cancelled, answered, went_back, orphaned, restarted, openings), or
    `started` and `answered` for the conversation's opening and the answers that stand."""

    kind: str
    from_outcome: str | None
    to_outcome: str | None
    reason: str | None
    actor: str
    created_at: datetime
    question_key: str | None = None
    option_key: str | None = None
    channel_id: str | None = None


@dataclass(frozen=True)
class LogDetail:
    """What `/hire show` adds to the conversation itself: its notes and its history, every
    change oldest first (see `audit_trail`)."""

    notes: tuple[NoteRow, ...]
    history: tuple[EventRow, ...]
    # Started in a private channel: shown only to a reader who can see that channel.
    private_channel: bool = False
    # "Did it hold up?", once its decider was asked (the answers are in `history`).
    checkin: CheckinView | None = None
    # "Ask the team": the round and every voice in it, if the starter asked.
    team: RoundView | None = None


# Who did what first when two changes share an instant: the start, then answers and going
# back, then what happened to the decision and the thread.
_AT_THE_SAME_INSTANT = {"started": 0, "answered": 1, "went_back": 1}


def audit_trail(
    started: EventRow, events: Sequence[EventRow], standing_answers: Sequence[EventRow]
) -> tuple[EventRow, ...]:
    """Every change, oldest first: the start, the stored events (their order kept) and the
    answers that stand (by step). An answer set aside by going back is a stored event."""
    merged = [started, *events, *standing_answers]
    order = {id(row): index for index, row in enumerate(merged)}
    return tuple(
        sorted(
            merged,
            key=lambda row: (row.created_at, _AT_THE_SAME_INSTANT.get(row.kind, 2), order[id(row)]),
        )
    )


@dataclass(frozen=True)
class SettingsView:
    workspace_id: int
    channel_id: str | None
    schedule: Schedule
    enabled: bool
    post_when_quiet: bool
    configured_by: str | None
    last_error: str | None
    # When the settings last changed; None while the defaults apply. A schedule applies
    # only from then on, so setting it never posts a digest for a week already past.
    updated_at: datetime | None


@dataclass(frozen=True)
class HomeView:
    mine: tuple[LogRow, ...]  # the user's open conversations
    recent: tuple[LogRow, ...]  # the latest decisions
    quarter_counts: dict[str, int]  # decisions this quarter, by outcome
    settings: SettingsView
    # In private channels the user is not in: counted without titles or outcomes.
    hidden_mine: int = 0
    hidden_recent: int = 0
    hidden_quarter: int = 0
    unchecked: str | None = None
    # For a workspace admin, who may close anyone's: everyone else's open conversations.
    others_open: tuple[LogRow, ...] = ()
    # How past calls held up (the check-ins' answers the user may see), and the setting.
    held_up: HeldUp = field(default_factory=HeldUp)
    checkin_after_days: int = DEFAULT_AFTER_DAYS


def quarter_start(now: datetime) -> datetime:
    """The first instant (UTC) of the calendar quarter `now` is in."""
    now = now.astimezone(UTC)
    return datetime(now.year, 3 * ((now.month - 1) // 3) + 1, 1, tzinfo=UTC)


def thread_link(
    workspace_url: str | None, channel_id: str, root_ts: str | None, stored: str | None = None
) -> str | None:
    """The link to a conversation's thread: the one Slack gave, if kept, else built.

    A message's permalink is `<workspace url>/archives/<channel>/p<ts without the dot>`, so
    one `auth.test` per request (its `url`) links every row, where `chat.getPermalink`
    would cost a Web API call per row.
    """
    if stored:
        return stored
    if not workspace_url or not root_ts:
        return None
    return f"{workspace_url.rstrip('/')}/archives/{channel_id}/p{root_ts.replace('.', '')}"
