"""What every listener and job needs, built once per app and handed to listeners.

Bolt passes custom context keys to listeners as arguments, so a listener that takes
`services: Services` gets this object (see `bot.app.build_app`).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.core.clock import Clock, SystemClock
from bot.lanes import LaneExecutor
from bot.slack.people import BriefCache
from bot.slack.visibility import CHANNEL_TTL_SECONDS


class ConversationLocks:
    """A lock per (team, conversation id), made on first use."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[tuple[str, int], threading.Lock] = {}

    def __call__(self, team_id: str, conversation_id: int) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault((team_id, conversation_id), threading.Lock())


def make_background_pool(workers: int = Settings.background_workers) -> LaneExecutor:
    """The threads for work after an ack (database writes, Web API calls), in lanes per
    workspace and channel (see `bot.lanes`), so a rate-limited channel waits alone.

    Deliberately few. Every thread here that has work competes with the ack path for
    the GIL and the CPU; with 32 of them busy, acks on two cores took 5-10x a bare Bolt
    app's time (bench/README.md). A few threads keep acks close to the baseline, and the
    work queues, which on a busy CPU finishes the average request sooner than sharing the
    CPU between all of them at once. Raise BACKGROUND_WORKERS when the Web API is slow and
    the CPU idle.
    """
    return LaneExecutor(workers, thread_name_prefix="after-ack")


@dataclass(frozen=True)
class Services:
    settings: Settings
    session_factory: sessionmaker[Session]
    clock: Clock = field(default_factory=SystemClock)
    # Post-ack work (Web API calls, database writes) runs here, never on Bolt's ack path.
    background: LaneExecutor = field(default_factory=make_background_pool)
    # One lock per conversation: this process carries out one request for a conversation
    # at a time, so the messages of two quick clicks can't land out of order.
    conversation_locks: ConversationLocks = field(default_factory=lambda: ConversationLocks())
    # Names of the workspace's people, asked of Slack once per few minutes, not per row.
    people: BriefCache = field(default_factory=BriefCache)
    # Who is in which private channel, and which channels are private: asked of Slack once
    # a minute per channel, so listing the log costs no call per row.
    channels: BriefCache = field(default_factory=lambda: BriefCache(ttl=CHANNEL_TTL_SECONDS))
