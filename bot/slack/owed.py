"""Posting a message the outbox holds as owed (`bot.db.repositories.outbox`), for every desk
that owes Slack something: marked with its idempotency key, found again rather than posted
twice, and left owed for a later try when Slack will not take it yet."""

from __future__ import annotations

import logging
from dataclasses import replace

from slack_sdk.errors import SlackApiError

from bot.blocks.common import Message
from bot.core.clock import Clock
from bot.core.hire import Owed
from bot.hiring.conversations import Conversations
from bot.slack.deliver import Delivery, failure_code, is_transient

log = logging.getLogger(__name__)

# The metadata event type of a message the outbox delivers; its payload is the message's
# idempotency key, how a retry finds an earlier try that got through.
OWED_EVENT = "hiring_owed_message"


class OwedPoster:
    """Gets owed messages into Slack for one workspace's delivery."""

    def __init__(self, delivery: Delivery, conversations: Conversations, clock: Clock) -> None:
        self.delivery, self.conversations, self.clock = delivery, conversations, clock

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
            self.later(owed, error)
            return None

    def later(self, owed: Owed, error: Exception) -> None:
        """A try failed for a reason that may pass: owed for a later one (or given up)."""
        code = failure_code(error)
        now = self.clock.now()
        if self.conversations.try_again_later(owed, code, now):
            log.info("%s is owed for a later try (%s)", owed.key, code)
        else:
            log.warning("gave up %s after a day (%s)", owed.key, code)


def marked(message: Message, owed: Owed) -> Message:
    """The message with its idempotency key in its metadata."""
    return replace(message, metadata={"event_type": OWED_EVENT, "event_payload": {"key": owed.key}})
