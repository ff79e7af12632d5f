"""Posting a message the outbox holds as owed (`bot.db.repositories.outbox`), for every desk
that owes Slack something: marked with its idempotency key, found again rather than posted
twice, and left owed for a later try when Slack will not take it yet."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

from slack_sdk.errors import SlackApiError

from bot.blocks.common import Message
from bot.core.clock import Clock
from bot.core.hire import ConversationView, Owed
from bot.hiring.conversations import Conversations
from bot.lanes import LaneExecutor
from bot.slack.deliver import Delivery, failure_code, is_transient, rate_limit_wait

log = logging.getLogger(__name__)

# The metadata event type of a message the outbox delivers; its payload is the message's
# idempotency key, how a retry finds an earlier try that got through.
OWED_EVENT = "hiring_owed_message"
# How long after Slack's Retry-After a rate-limited message is tried again in its lane.
RETRY_MARGIN_SECONDS = 0.05


# Delivers an owed message taken over by this process (a desk's `redeliver`).
Redeliver = Callable[[Owed, ConversationView], None]


class OwedPoster:
    """Gets owed messages into Slack for one workspace's delivery.

    When Slack rate limits a post, the message stays owed until Slack's Retry-After has
    passed; with `background` and `redeliver`, this process then tries it again in the
    channel's lane (no thread sleeps the wait out). If the process is gone by then, the
    row's lease has lapsed and the scheduler's delivery job takes it over."""

    def __init__(
        self,
        delivery: Delivery,
        conversations: Conversations,
        clock: Clock,
        *,
        background: LaneExecutor | None = None,
        redeliver: Redeliver | None = None,
    ) -> None:
        self.delivery, self.conversations, self.clock = delivery, conversations, clock
        self.background, self.redeliver = background, redeliver

    def send(
        self, owed: Owed, channel: str, message: Message, thread_ts: str | None = None
    ) -> str | None:
        """Get `message` into `channel` (its thread, with `thread_ts`), marked with its key:
        its ts, or None when Slack would not take it yet and it stays owed for a later try.
        A retry first looks for an earlier try that got through, so nothing is posted
        twice. Slack's refusals for good are raised for the caller to explain."""
        try:
            if owed.attempt > 1:
                found = self.delivery.find_posted(
                    channel, owed.owed_at, OWED_EVENT, {"key": owed.key}, thread_ts
                )
                if found is not None:
                    return found
            return self.delivery.post(channel, marked(message, owed), thread_ts)
        except (SlackApiError, OSError) as error:
            if not is_transient(error):
                raise
            self.later(owed, error, channel)
            return None

    def later(self, owed: Owed, error: Exception, channel: str) -> None:
        """A try failed for a reason that may pass: owed for a later one (or given up).
        A rate limit is tried again as soon as Slack's Retry-After has passed, no sooner."""
        code = failure_code(error)
        now = self.clock.now()
        wait = rate_limit_wait(error)
        not_before = None if wait is None else now + timedelta(seconds=wait)
        if not self.conversations.try_again_later(owed, code, now, not_before=not_before):
            log.warning("gave up %s after a day (%s)", owed.key, code)
            return
        log.info("%s is owed for a later try (%s)", owed.key, code)
        if wait is not None and self.background is not None and self.redeliver is not None:
            # Just past the lease's end, so the take below finds it lapsed.
            self.background.submit_later(
                wait + RETRY_MARGIN_SECONDS, ("owed", channel), lambda: self._retry(owed.id)
            )

    def _retry(self, owed_id: int) -> None:
        """Take the row over (unless the scheduler's job or another process did) and
        deliver it as that job would."""
        assert self.redeliver is not None
        taken = self.conversations.take_owed(owed_id, self.clock.now())
        if taken is None:
            return
        owed, view = taken
        try:
            self.redeliver(owed, view)
        except Exception:  # its lease lapses and the delivery job tries it again
            log.exception("delivering %s failed; it will be tried again", owed.key)


def marked(message: Message, owed: Owed) -> Message:
    """The message with its idempotency key in its metadata."""
    return replace(message, metadata={"event_type": OWED_EVENT, "event_payload": {"key": owed.key}})
